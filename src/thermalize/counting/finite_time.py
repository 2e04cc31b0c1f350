"""Finite-time counting statistics of a `CountingModel`: generating function and distribution."""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import expm_multiply

from .._qutip import to_array
from ._dataset import UNITLESS, dataset, variable
from .model import CountingModel, counted_weights
from ..errors import ParameterError, as_float_array, require_dense_size, require_int

__all__ = ["CountingDistribution", "generating_function", "counting_distribution"]

#: Quanta closer than this to an integer count as integers for the DFT route.
_INTEGER_ATOL = 1e-9
#: Largest Liouville dimension propagated densely (batched expm); above, expm_multiply.
_DENSE_PROPAGATOR_MAX = 1024


def _initial_vector(model: CountingModel, rho0) -> np.ndarray:
    d = model.dimension
    rho0 = to_array(rho0)  # a Qobj is read at the boundary
    r = np.asarray(rho0.toarray() if sp.issparse(rho0) else rho0, dtype=complex)
    if r.shape == (d,):
        r = np.diag(r)
    if r.shape != (d, d):
        raise ParameterError(f"rho0 must have shape ({d}, {d}) or ({d},), got {r.shape}")
    if not np.all(np.isfinite(r)):
        raise ParameterError("rho0 must be finite (no NaN or inf)")
    if abs(np.trace(r) - 1) > 1e-10 or np.max(np.abs(r - r.conj().T)) > 1e-10:
        raise ParameterError(
            f"rho0 must be a Hermitian unit-trace state, got trace {complex(np.trace(r)):.6g}"
        )
    return r


def _population_route(model: CountingModel, r: np.ndarray):
    """Population indices when rho0 is diagonal and no superoperator term leads out of the
    diagonal subspace (then the tilted dynamics of rho0 is a d x d classical problem)."""
    d = model.dimension
    if np.count_nonzero(r[~np.eye(d, dtype=bool)]):
        return None
    pop = np.arange(d) * (d + 1)
    off = np.ones(d * d, dtype=bool)
    off[pop] = False
    l0, jumps = model._superops()
    for m in (l0, *jumps):
        if m[:, pop][off].count_nonzero():
            return None
    return pop


def _times(times) -> np.ndarray:
    t = as_float_array("times", np.atleast_1d(times), ndim=1)
    if np.any(t < 0):
        raise ParameterError(f"times must be >= 0, got min {t.min()!r}")
    return t


#: Taylor degree and scaled-norm bound of `_expm_batched`: degree 18 on 1-norm <= 1.09 has a
#: truncation error below the unit roundoff (Al-Mohy & Higham, SIMAX 31, 970 (2009), Table 3.1).
_TAYLOR_DEGREE, _TAYLOR_THETA = 18, 1.09


def _expm_batched(mats: np.ndarray) -> np.ndarray:
    """e^M for a batch (nb, n, n): scaling and squaring of the degree-18 Taylor polynomial,
    evaluated by Paterson-Stockmeyer in A^4 (7 batched matmuls; scipy's complex expm is ~10x
    slower per matrix and not vectorised)."""
    norm = float(np.max(np.abs(mats).sum(axis=-2))) if mats.size else 0.0
    squarings = max(0, int(np.ceil(np.log2(norm / _TAYLOR_THETA)))) if norm > 0 else 0
    a = mats / 2.0**squarings
    powers = [np.broadcast_to(np.eye(mats.shape[-1]), mats.shape), a]
    powers += [a @ a]
    powers += [powers[2] @ a, powers[2] @ powers[2]]
    coef = [1.0 / factorial(k) for k in range(_TAYLOR_DEGREE + 1)]

    def block(j):  # sum_{i<4} c_{4j+i} A^i
        return sum(coef[4 * j + i] * powers[i] for i in range(4) if 4 * j + i <= _TAYLOR_DEGREE)

    top = _TAYLOR_DEGREE // 4
    out = block(top)
    for j in range(top - 1, -1, -1):
        out = out @ powers[4] + block(j)
    for _ in range(squarings):
        out = out @ out
    return out


def _propagate(mats: np.ndarray, v0: np.ndarray, t: np.ndarray) -> np.ndarray:
    """v(t) = e^{M t} v0 for a batch of dense M (nb, n, n): one batched expm per distinct step."""
    order = np.argsort(t)
    out = np.empty((t.size,) + v0.shape, dtype=complex)
    v, t_prev, cache = v0.astype(complex), 0.0, {}
    for i in order:
        step = float(t[i] - t_prev)
        if step > 0:
            key = round(step, 12)
            if key not in cache:
                cache[key] = _expm_batched(mats * step)
            v = (cache[key] @ v[..., None])[..., 0]
        out[i], t_prev = v, t[i]
    return out


def generating_function(model: CountingModel, rho0, times, chi) -> np.ndarray:
    r"""Finite-time generating function.

    :math:`G(\chi,t) = \mathrm{tr}\,e^{\mathcal L_\chi t}\rho_0 =
    \langle e^{i\chi\cdot Q_t}\rangle`.

    Parameters
    ----------
    model : CountingModel
    rho0 : ndarray, shape (d, d) (or (d,) populations)
    times : array_like, shape (nt,), >= 0
    chi : array_like, shape (nchi, n_fields) (or (n_fields,))

    Returns
    -------
    ndarray, shape (nt, nchi), complex128

    Notes
    -----
    When rho0 is diagonal and the tilted generator maps diagonal states to diagonal states
    (checked on its sparsity), only its d x d population block is propagated. Dense blocks
    (n <= 1024) use one batched ``scipy.linalg.expm`` per distinct time step (stable where
    the eigenvectors are ill-conditioned, e.g. strongly biased ladders); larger ones
    ``expm_multiply``.
    """
    if not isinstance(model, CountingModel):
        raise ParameterError(f"model must be a CountingModel, got {type(model).__name__}")
    r = _initial_vector(model, rho0)
    t = _times(times)
    c = model._fields(chi)
    c = c.reshape(-1, c.shape[-1])
    d = model.dimension
    pop = _population_route(model, r)
    idx = pop if pop is not None else np.arange(d * d)
    v0 = r.ravel()[idx]
    trace = np.zeros(idx.size)
    trace[np.isin(idx, np.arange(d) * (d + 1))] = 1.0
    n = idx.size
    if n <= _DENSE_PROPAGATOR_MAX:
        l0, jumps = model._superops()
        require_dense_size("tilted propagators (nchi + n_jumps, n, n)",
                           (c.shape[0] + len(jumps), n, n))
        # L_chi = L0 + sum_k (e^{i chi.q_k} - 1) J_k on the propagated block, for all chi at once
        blocks = np.array([jk[idx][:, idx].toarray() for jk in jumps]).reshape(len(jumps), n, n)
        phase = np.exp(1j * (c @ model.quanta)) - 1.0  # (nchi, n_jumps)
        mats = l0[idx][:, idx].toarray()[None] + np.einsum("ck,kab->cab", phase, blocks)
        states = _propagate(mats, np.broadcast_to(v0, (c.shape[0], n)), t)
        return states @ trace
    out = np.empty((t.size, c.shape[0]), dtype=complex)
    order = np.argsort(t)
    for j, x in enumerate(c):
        m = model.tilted_generator(x, sparse=True)[idx][:, idx].tocsc()
        v, t_prev = v0.copy(), 0.0
        for i in order:
            v = expm_multiply(m * (t[i] - t_prev), v) if t[i] > t_prev else v
            out[i, j], t_prev = trace @ v, t[i]
    return out


@dataclass(frozen=True)
class CountingDistribution:
    """P(n, t) of an integer-valued counted quantity on a finite support.

    Attributes
    ----------
    times : ndarray, shape (nt,)
    counts : ndarray, shape (nn,), int
        n_min..n_max.
    probabilities : ndarray, shape (nt, nn)
        Each row sums to one (probability outside the support is aliased into it: exact
        only when the true support lies inside counts).
    """

    times: np.ndarray
    counts: np.ndarray
    probabilities: np.ndarray

    def to_dataset(self):
        """xarray.Dataset: probability(time, count)."""
        return dataset(
            {"probability": variable(("time", "count"), self.probabilities,
                                     "probability of n counts", UNITLESS, r"P(n,t)")},
            {"time": variable("time", self.times, "time", "time", "t"),
             "count": variable("count", self.counts, "net counted quanta", UNITLESS, "n")},
            {},
        )

    def mean(self) -> np.ndarray:
        """<n>(t), shape (nt,)."""
        return self.probabilities @ self.counts

    def variance(self) -> np.ndarray:
        """Var n(t), shape (nt,)."""
        return self.probabilities @ self.counts**2 - self.mean() ** 2

    def symmetry_residual(self, affinity, *, floor: float = 1e-10) -> np.ndarray:
        r"""Max over n of :math:`|P(n)-e^{An}P(-n)|/(P(n)+e^{An}P(-n))`, per time, shape (nt,).

        Zero for the exchange fluctuation theorem :math:`P(n)/P(-n) = e^{An}`; pairs where
        both sides are below `floor` are skipped.
        """
        a = float(affinity)
        pos = self.counts[self.counts > 0]
        pos = pos[np.isin(-pos, self.counts)]
        i = np.searchsorted(self.counts, pos)
        j = np.searchsorted(self.counts, -pos)
        p, back = self.probabilities[:, i], self.probabilities[:, j]
        m = back * np.exp(a * pos)
        den = p + m
        ok = (p > floor) & (back > floor)
        return np.max(np.where(ok, np.abs(p - m) / np.where(ok, den, 1.0), 0.0), axis=1)


def counting_distribution(
    model: CountingModel, rho0, times, *, support, weights=None
) -> CountingDistribution:
    r"""P(n, t) of :math:`n = \sum_a w_a Q_a` (integer per jump) by DFT over the counting field.

    :math:`P(n,t) = N^{-1}\sum_{j=0}^{N-1} e^{-i\chi_j n} G(\chi_j w, t)`,
    :math:`\chi_j = 2\pi j/N`, N = n_max - n_min + 1 (`generating_function`).

    Parameters
    ----------
    support : (int, int)
        (n_min, n_max). Probability outside is aliased in (n mod N): choose it to cover
        the true support (e.g. |n| <= 2J for the net quanta of a spin J).
    weights : array_like, shape (n_fields,), optional
        Required when the model counts more than one quantity.
    """
    w = counted_weights(model, weights)
    q = w @ model.quanta
    if np.any(np.abs(q - np.round(q)) > _INTEGER_ATOL):
        raise ParameterError(
            f"counting_distribution needs integer quanta per jump, got {q!r}: divide by the "
            "quantum (e.g. weights=[1/omega]) or use generating_function"
        )
    try:
        lo, hi = support
    except (TypeError, ValueError):
        raise ParameterError(f"support must be a pair (n_min, n_max), got {support!r}") from None
    lo, hi = require_int("support[0]", lo), require_int("support[1]", hi, low=lo)
    n_pts = hi - lo + 1
    chi = 2.0 * np.pi * np.arange(n_pts) / n_pts
    g = generating_function(model, rho0, times, chi[:, None] * w[None, :])
    counts = np.arange(lo, hi + 1)
    prob = np.real(g @ np.exp(-1j * np.outer(chi, counts))) / n_pts
    return CountingDistribution(times=_times(times), counts=counts, probabilities=prob)
