"""Poissonian bombardment as a master equation: Eqs. (3)-(4), (8)-(15), (S2) and (S10)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._qutip import is_qobj, like
from ..errors import (
    NonUniqueSteadyStateError,
    ParameterError,
    as_float_array,
    require_dense_size,
    require_positive,
    require_real,
)
from ..superop import _to_qobj_super, commutator_superop, steady_state, to_tensor
from .maps import ScatteringMap


def require_same_energies(given, own: np.ndarray) -> None:
    """ParameterError unless `given` energies equal a map's own (rtol 1e-12)."""
    g = as_float_array("energies", given)
    if g.shape != own.shape or not np.allclose(g, own, rtol=1e-12, atol=0):
        raise ParameterError(
            f"energies={_short(given)} differ from the map's own {own!r} "
            f"({own.size} levels); leave them out"
        )


def _short(x) -> str:
    text = repr(x)
    return text if len(text) <= 80 else text[:77] + "..."


def _scalar_positive(name: str, value) -> float:
    """A finite real number > 0 (strings, None and arrays are ParameterErrors)."""
    x = require_real(name, value)
    require_positive(name, x)
    return x


def _solve_unique(a: np.ndarray, b: np.ndarray, what: str) -> np.ndarray:
    """Solve W - 1 (first row replaced by the trace condition) = b, or raise
    NonUniqueSteadyStateError when W has more than one stationary distribution."""
    sv = np.linalg.svd(a, compute_uv=False)
    if not sv[-1] > 1e-13 * sv[0]:
        kernel = int(np.sum(sv <= 1e-13 * sv[0]))
        raise NonUniqueSteadyStateError(
            f"{what}: the transition matrix W[j', j] = S[j', j', j, j] has "
            f"{kernel + 1} stationary distributions (smallest singular value {sv[-1]:.3g}); "
            "the dephased fixed point is not unique", kernel_dimension=kernel + 1,
        )
    return np.linalg.solve(a, b)


def _hbar(scattering_map, hbar) -> float:
    """hbar of the maps (a ScatteringMap carries its model's); a given one must agree."""
    maps = scattering_map if isinstance(scattering_map, list | tuple) else [scattering_map]
    own = {m.hbar for m in maps if isinstance(m, ScatteringMap)}
    if len(own) > 1:
        raise ParameterError(f"the maps of a batch have different hbar {sorted(own)}")
    if hbar is None:
        return own.pop() if own else 1.0
    hbar = _scalar_positive("hbar", hbar)
    if own and not np.isclose(float(hbar), next(iter(own)), rtol=1e-12, atol=0):
        raise ParameterError(f"hbar={hbar!r} differs from the map's model hbar={own.pop()!r}")
    return float(hbar)


def _rates(rate, lead: tuple, outer: bool, *, positive: bool) -> np.ndarray:
    """Rates as an array; with outer=True shaped to broadcast as (maps..., rates...)."""
    if rate is None:
        raise ParameterError("rate (the collision rate Gamma) is required")
    g = as_float_array("rate", rate)
    bad = ~(g > 0) if positive else g < 0
    if np.any(bad):
        allowed = "(0, inf)" if positive else "[0, inf)"
        extra = (" (at rate 0 the steady state is not unique: every diagonal state is "
                 "stationary)") if positive else ""
        raise ParameterError(f"rate={rate!r} is outside the allowed range {allowed}{extra}")
    if outer:  # maps first, then rates: g gets leading singleton axes for the maps
        g = g.reshape((1,) * len(lead) + g.shape)
    return g

__all__ = [
    "PerturbativeSteadyState",
    "coherence_estimate",
    "collision_generator",
    "collision_steady_state",
    "dephased_fixed_point",
    "free_evolution",
    "map_tensor",
    "perturbative_steady_state",
]


def map_tensor(scattering_map, energies=None, *,
               batch: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(tensor (d, d, d, d), energies (d,)) from a ScatteringMap, an array or a Qobj (checked).

    With ``batch=True`` an array of maps with leading axes, shape (..., d, d, d, d), or a
    sequence of ScatteringMap, is accepted. `energies` may be left out for ScatteringMap
    input (their own are used; given ones must agree).

    Examples
    --------
    >>> t, e = map_tensor(np.eye(4), np.array([0.0, 1.0]))
    >>> t.shape
    (2, 2, 2, 2)
    """
    own = None
    if isinstance(scattering_map, ScatteringMap):
        s, own = scattering_map.tensor, [scattering_map]
    elif batch and isinstance(scattering_map, list | tuple) and scattering_map and all(
            isinstance(x, ScatteringMap) for x in scattering_map):
        s, own = np.stack([x.tensor for x in scattering_map]), list(scattering_map)
    elif is_qobj(scattering_map):
        s = to_tensor(scattering_map)
    else:
        s = np.asarray(scattering_map)
        if not np.issubdtype(s.dtype, np.number):
            raise ParameterError(
                f"scattering_map must be a ScatteringMap or a numeric array, got "
                f"{type(scattering_map).__name__} (dtype {s.dtype})"
            )
    if own is not None:
        for m in own[1:]:
            if not np.array_equal(m.energies, own[0].energies):
                raise ParameterError("the maps of a batch must share their energies")
        if energies is None:
            energies = own[0].energies
        else:
            require_same_energies(energies, own[0].energies)
    if energies is None:
        raise ParameterError("energies are required for a bare map tensor")
    e = as_float_array("energies", energies, ndim=1)
    if e.size < 2 or np.any(np.diff(e) <= 0):
        raise ParameterError(f"energies={e!r} must be strictly ascending with at least 2 levels")
    d = e.size
    if s.ndim >= 2 and s.shape[-2:] == (d * d, d * d):
        s = s.reshape(s.shape[:-2] + (d,) * 4)
    if s.shape[-4:] != (d,) * 4 or (s.ndim != 4 and not batch):
        allowed = f"(..., {d}, {d}, {d}, {d})" if batch else f"{(d,) * 4}"
        raise ParameterError(
            f"scattering_map has shape {s.shape}; expected {allowed} for {d} levels"
        )
    if not np.all(np.isfinite(s)):
        raise ParameterError("scattering_map must be finite (no NaN or inf)")
    return s, e


def free_evolution(energies, tau, *, hbar: float = 1.0) -> np.ndarray:
    r"""Tensor of :math:`\mathbb U^\tau\rho = e^{-iH_S\tau/\hbar}\rho\,e^{iH_S\tau/\hbar}`, Eq. (5).

    Parameters
    ----------
    energies : ndarray, shape (d,)
    tau : float or ndarray, shape (...)
        Finite times; a negative tau gives the inverse evolution (U is a group).
    hbar : float

    Returns
    -------
    ndarray, shape (..., d, d, d, d), complex128

    Examples
    --------
    >>> U = free_evolution(np.array([0.0, np.pi]), 1.0)
    >>> complex(np.round(U[0, 1, 0, 1], 12))  # rho_01 -> e^{-i(e_0 - e_1) tau} rho_01
    (-1+0j)
    """
    e = as_float_array("energies", energies, ndim=1)
    hbar = _scalar_positive("hbar", hbar)
    tau = as_float_array("tau", tau)
    d = e.size
    require_dense_size(f"free_evolution(energies of size {d}, tau of shape {tau.shape})",
                       tau.shape + (d,) * 4)
    with np.errstate(over="ignore", invalid="ignore"):
        angle = np.multiply.outer(tau, e[:, None] - e[None, :]) / hbar
    if not np.all(np.isfinite(angle)):  # exp(-i inf) is NaN: not a silent result
        raise ParameterError(
            f"tau={_short(tau)}, hbar={hbar!r}: the phase tau*(E_i - E_j)/hbar overflows "
            "float64 (outside the representable range); use a larger hbar or smaller tau"
        )
    phase = np.exp(-1j * angle)
    eye = np.eye(d)
    return np.einsum("aj,bk,...jk->...abjk", eye, eye, phase)


def collision_generator(scattering_map, energies=None, rate=None, *,
                        hbar: float | None = None, outer: bool = False,
                        sparse: bool = False):
    r"""Generator of Eq. (8): :math:`-\tfrac{i}{\hbar}[H_S,\cdot] + \Gamma(\mathbb S - \mathbb I)`.

    Parameters
    ----------
    scattering_map : ScatteringMap, sequence of them, or ndarray, shape (..., d, d, d, d)
    energies : ndarray, shape (d,), optional
        Levels of H_S (the basis of the map); a ScatteringMap carries its own.
    rate : float or ndarray, shape (...)
        Collision rates Gamma >= 0 (required), broadcast against the leading axes of the maps.
    hbar : float, optional
        A ScatteringMap's model hbar by default (given: must agree), else 1.
    outer : bool
        If True, every map with every rate: shape (maps..., rates..., d*d, d*d), no manual
        ``[:, None]``.
    sparse : bool
        True: one map and one rate only; a ``scipy.sparse`` CSR matrix holding the nonzero
        entries of S (multi-level maps that conserve a quantity, or respect selection rules,
        are mostly zero), for the sparse solvers of `thermalize.superop.steady_state`.

    Returns
    -------
    ndarray, shape (broadcast leading shape..., d*d, d*d), complex128 (row-major matrix
    form), or a CSR matrix (d*d, d*d) when sparse

    Examples
    --------
    >>> L = collision_generator(np.eye(4), np.array([0.0, 1.0]), 2.0)
    >>> np.round(L.diagonal(), 12)  # S = identity: only the Bohr phases
    array([0.+0.j, 0.+1.j, 0.-1.j, 0.+0.j])
    """
    s, e = map_tensor(scattering_map, energies, batch=True)
    hbar = _hbar(scattering_map, hbar)
    g = _rates(rate, s.shape[:-4], outer, positive=False)
    d = e.size
    extra = (1,) * (g.ndim - len(s.shape[:-4])) if outer else ()
    try:
        lead = np.broadcast_shapes(s.shape[:-4] + extra, g.shape)
    except ValueError:
        raise ParameterError(
            f"rate of shape {g.shape} does not broadcast against {s.shape[:-4]} maps; "
            "use outer=True for every map with every rate"
        ) from None
    if not isinstance(sparse, (bool, np.bool_)):
        raise ParameterError(f"sparse must be True or False, got {sparse!r}")
    if sparse:
        if lead != ():
            raise ParameterError(
                f"sparse=True builds one generator: one map and one rate, got a batch of "
                f"shape {lead}"
            )
        bohr = (e[:, None] - e[None, :]).ravel()
        smat = sp.csr_matrix(s.reshape(d * d, d * d).astype(complex))
        out = sp.diags(-1j / hbar * bohr - g * 1.0, 0, format="csr") + float(g) * smat
        return out.tocsr()
    require_dense_size("collision generator", lead + (d * d, d * d))
    coherent = -1j / hbar * commutator_superop(np.diag(e))
    coll = s.reshape(s.shape[:-4] + extra + (d * d, d * d)) - np.eye(d * d)
    out = coherent + g[..., None, None] * coll
    return _to_qobj_super(out, scattering_map) if is_qobj(scattering_map) and out.ndim == 2 else out


def collision_steady_state(scattering_map, energies=None, rate=None, *,
                           hbar: float | None = None, outer: bool = False) -> np.ndarray:
    r"""Steady state of Poissonian bombardment, Eq. (9) / Eq. (S2) of Tabanera-Bravo (2023).

    Solves :math:`-\tfrac{i}{\hbar}\Delta_{jk}\rho_{jk} + \Gamma\sum_{j'k'}
    (\mathbb S^{j'k'}_{jk} - \delta_{j'j}\delta_{k'k})\rho_{j'k'} = 0`, tr rho = 1, for
    every rate at once (one batched LAPACK call through `thermalize.superop.steady_state`).

    Parameters
    ----------
    scattering_map : ScatteringMap, sequence of them, or ndarray, shape (..., d, d, d, d)
        One map, or a batch of maps broadcast against `rate`.
    energies : ndarray, shape (d,), optional
        Non-degenerate levels of H_S; a ScatteringMap carries its own.
    rate : float or ndarray, shape (...)
        Gamma > 0 (required; ``rate=`` as keyword when `energies` are left out). (At Gamma = 0 every diagonal state is stationary; the limit Gamma -> 0+
        is `perturbative_steady_state(...).zeroth`.)
    hbar : float, optional
        A ScatteringMap's model hbar by default (given: must agree), else 1.
    outer : bool
        If True, the grid of every map with every rate, shape (maps..., rates..., d, d).

    Returns
    -------
    ndarray, shape (broadcast leading shape..., d, d), complex128

    Examples
    --------
    >>> from thermalize.scattering import ScatteringModel, IncidentPacket, scattering_map
    >>> smap = scattering_map(ScatteringModel.example(), IncidentPacket.example(), nodes=16)
    >>> rho = collision_steady_state(smap, rate=[0.01, 10.0])  # = smap.steady_state(...)
    >>> np.round(np.abs(rho[:, 0, 1]), 5)  # coherence grows with the rate
    array([6.0000e-05, 1.0684e-01])
    """
    g = _rates(rate, (), False, positive=True)
    plain = to_tensor(scattering_map) if is_qobj(scattering_map) else scattering_map
    gen = collision_generator(plain, energies, g, hbar=hbar, outer=outer)
    rho = np.asarray(steady_state(gen), dtype=complex)
    return like(scattering_map, rho) if rho.ndim == 2 else rho


def dephased_fixed_point(scattering_map, energies=None) -> np.ndarray:
    r"""Fixed point of :math:`\mathbb D\mathbb S`, Eqs. (3)-(4): diagonal, populations
    stationary under the transition matrix :math:`W_{j'j} = \mathbb S^{jj}_{j'j'}`.

    With detailed balance Eq. (2) this is the Gibbs state (Eq. (4)).

    Returns
    -------
    ndarray, shape (d, d), float64
        (a Qobj with the map's operator dims if `scattering_map` is a QuTiP super Qobj)

    Examples
    --------
    >>> w = np.array([[0.9, 0.2], [0.1, 0.8]])  # W[j', j]: columns sum to 1
    >>> s = np.einsum("aj,ab,jk->abjk", w, np.eye(2), np.eye(2))  # a classical channel
    >>> np.round(dephased_fixed_point(s, np.array([0.0, 1.0])).diagonal(), 6)
    array([0.666667, 0.333333])
    """
    s, e = map_tensor(scattering_map, energies)
    w = np.einsum("aajj->aj", s).real
    d = e.size
    a = w - np.eye(d)
    a[0, :] = 1.0
    b = np.zeros(d)
    b[0] = 1.0
    return like(scattering_map, np.diag(_solve_unique(a, b, "dephased_fixed_point")))


@dataclass(frozen=True)
class PerturbativeSteadyState:
    r"""First-order expansion :math:`\rho_{ss} = \rho^{(0)} + \Gamma\rho^{(1)} + O(\Gamma^2)`.

    Attributes
    ----------
    zeroth : ndarray, shape (d, d)
        :math:`\rho^{(0)}`, diagonal (Eq. (13)).
    first : ndarray, shape (d, d)
        :math:`\rho^{(1)}`: coherences from Eq. (14), populations from the corrected
        Eq. (15), trace zero.
    """

    zeroth: np.ndarray
    first: np.ndarray

    def at(self, rate) -> np.ndarray:
        """rho^(0) + rate rho^(1), shape (..., d, d)."""
        g = as_float_array("rate", rate)
        return self.zeroth + g[..., None, None] * self.first


def perturbative_steady_state(scattering_map, energies=None, *,
                              hbar: float | None = None) -> PerturbativeSteadyState:
    r"""Eqs. (10)-(15) of Tabanera-Bravo et al. (2023) with the index typos corrected.

    * Eq. (13): :math:`\sum_{j'}\mathbb S^{j'j'}_{jj}\rho^{(0)}_{j'j'} = \rho^{(0)}_{jj}`,
      :math:`\rho^{(0)}` diagonal with unit trace.
    * Eq. (14), corrected (sum over j', not j):
      :math:`\rho^{(1)}_{jk} = -\tfrac{i\hbar}{\Delta_{jk}}\sum_{j'}\mathbb S^{j'j'}_{jk}
      \rho^{(0)}_{j'j'}` for j != k.
    * Eq. (15), corrected (lower indices jj, not jj'; and read as a linear system because
      :math:`\rho^{(1)}` has unknown diagonal entries on both sides):
      :math:`\sum_{j'}(\mathbb S^{j'j'}_{jj} - \delta_{jj'})\rho^{(1)}_{j'j'} =
      -\sum_{j'\ne k'}\mathbb S^{j'k'}_{jj}\rho^{(1)}_{j'k'}`, with
      :math:`\sum_j\rho^{(1)}_{jj} = 0` (the trace is carried by :math:`\rho^{(0)}`).

    Parameters
    ----------
    scattering_map : ScatteringMap or ndarray, shape (d, d, d, d)
    energies : ndarray, shape (d,)
    hbar : float

    Returns
    -------
    PerturbativeSteadyState

    Examples
    --------
    >>> from thermalize.scattering import ScatteringModel, IncidentPacket, scattering_map
    >>> smap = scattering_map(ScatteringModel.example(), IncidentPacket.example(), nodes=16)
    >>> pert = perturbative_steady_state(smap, smap.energies)
    >>> round(float(pert.zeroth[0, 0]), 6)  # Gibbs: 1/(1 + e^{-0.06})
    0.514996
    """
    s, e = map_tensor(scattering_map, energies)
    hbar = _hbar(scattering_map, hbar)
    d = e.size
    rho0 = dephased_fixed_point(s, e)
    p0 = rho0.diagonal()
    delta = e[:, None] - e[None, :]
    off = ~np.eye(d, dtype=bool)
    src = np.einsum("abjj,j->ab", s, p0)  # sum_j' S^{j'j'}_{ab} rho0_{j'j'}
    rho1 = np.zeros((d, d), dtype=complex)
    rho1[off] = -1j * hbar / delta[off] * src[off]
    rhs = -np.einsum("jjab,ab->j", s * off[None, None], rho1)
    a = np.einsum("jjkk->jk", s) - np.eye(d)
    a[0, :] = 1.0  # replace the redundant row (columns of S sum to 1) by the trace condition
    rhs[0] = 0.0
    rho1[np.diag_indices(d)] = _solve_unique(a.astype(complex), rhs, "perturbative_steady_state")
    return PerturbativeSteadyState(zeroth=rho0, first=rho1)


def coherence_estimate(rate, gap, delta_x, beta=None, mass=None, *, s: float = 0.01,
                       hbar: float = 1.0, temperature=None) -> np.ndarray:
    r"""Order-of-magnitude coherence of a qubit, Eq. (S10) (Eq. (24) of the Letter).

    :math:`|\rho_{01}| \sim s^2\,\frac{\Gamma}{\omega}\,e^{-\beta m\Delta x^2\omega^2/2}`,
    :math:`\omega = \Delta/\hbar`. The Supplement uses s = 0.01.

    Parameters
    ----------
    rate, gap, delta_x : float or ndarray
        Gamma >= 0, Delta > 0, Delta x > 0 (broadcast together).
    beta, mass : float
        > 0 (``temperature=`` 1/beta instead of `beta`; never both).
    s : float
        The dimensionless amplitude scale of Eq. (S9) (> 0).
    hbar : float
    temperature : float, optional

    Returns
    -------
    ndarray, broadcast shape

    Examples
    --------
    >>> round(float(coherence_estimate(5.0, 0.6, 1.0, 0.1, 0.1)), 8)
    0.00083183
    """
    g = as_float_array("rate", rate)
    if np.any(g < 0):
        raise ParameterError(f"rate={rate!r} is outside the allowed range [0, inf)")
    for name, val in (("gap", gap), ("delta_x", delta_x)):
        require_positive(name, as_float_array(name, val))
    if beta is not None and temperature is not None:
        raise ParameterError(f"give beta={beta!r} or temperature={temperature!r}, not both")
    if temperature is not None:
        beta = 1.0 / _scalar_positive("temperature", temperature)
    if beta is None or mass is None:
        raise ParameterError("coherence_estimate needs beta (or temperature=) and mass")
    beta, mass, s, hbar = (_scalar_positive(n, v) for n, v in
                           (("beta", beta), ("mass", mass), ("s", s), ("hbar", hbar)))
    omega = np.asarray(gap, dtype=float) / hbar
    dx = np.asarray(delta_x, dtype=float)
    return s**2 * g / omega * np.exp(-beta * mass * dx**2 * omega**2 / 2)
