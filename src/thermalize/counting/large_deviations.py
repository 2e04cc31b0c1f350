"""Large deviations of counted currents: scaled cumulant generating function, rate function."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import eigs

from .model import CountingModel, counted_weights
from ..errors import ParameterError, as_float_array, require_dense_size

__all__ = ["RateFunction", "rate_function", "scgf"]

#: Largest Liouville dimension d^2 for which the SCGF uses a dense eigenvalue solve (a
#: (1024, 1024) complex eig takes ~1 s); above it, ARPACK shift-invert near the origin.
_DENSE_EIG_MAX = 1024


def _dominant(mat, guess: complex = 0.0) -> complex:
    if mat.shape[0] <= _DENSE_EIG_MAX:
        ev = np.linalg.eigvals(mat.toarray() if sp.issparse(mat) else mat)
        return complex(ev[np.argmax(ev.real)])
    k = min(6, mat.shape[0] - 2)
    ev = eigs(sp.csc_matrix(mat), k=k, sigma=guess, which="LM", return_eigenvectors=False)
    return complex(ev[np.argmax(ev.real)])


def scgf(model: CountingModel, chi) -> np.ndarray:
    r"""Scaled cumulant generating function.

    :math:`\lambda(\chi) = \lim_t t^{-1}\ln\langle e^{i\chi\cdot Q_t}\rangle`:

    The eigenvalue of :math:`\mathcal L_\chi` with the largest real part (Esposito et al. 2009,
    Eq. (87)).

    Parameters
    ----------
    chi : array_like, shape (..., n_fields), complex allowed (chi = -i s: real tilting)

    Returns
    -------
    ndarray, shape (...), complex128

    Notes
    -----
    Dense eigenvalues up to d^2 = 1024; above, ARPACK shift-invert for the 6 eigenvalues
    nearest the origin, of which the rightmost is taken: exact for fields small enough that
    the dominant eigenvalue (0 at chi = 0) is still among them.
    """
    if not isinstance(model, CountingModel):
        raise ParameterError(f"model must be a CountingModel, got {type(model).__name__}")
    c = model._fields(chi)
    flat = c.reshape(-1, c.shape[-1])
    out = np.array([_dominant(model.tilted_generator(x, sparse=True)) for x in flat])
    return out.reshape(c.shape[:-1])


@dataclass(frozen=True)
class RateFunction:
    r"""Large-deviation rate function :math:`I(x) = \sup_s[sx - \lambda(s)]`, in parametric form.

    Attributes
    ----------
    s : ndarray, shape (n,)
        Real tilting parameters.
    scgf : ndarray, shape (n,)
        lambda(s) (real).
    current : ndarray, shape (n,)
        x(s) = lambda'(s) (Hellmann-Feynman, exact), increasing in s.
    rate : ndarray, shape (n,)
        I(x(s)) = s x(s) - lambda(s) >= 0; zero at the mean current (s = 0).
    """

    s: np.ndarray
    scgf: np.ndarray
    current: np.ndarray
    rate: np.ndarray

    def __call__(self, x) -> np.ndarray:
        """I(x) by interpolation on the parametric curve (inside its current range)."""
        xv = np.asarray(x, dtype=float)
        if np.any(xv < self.current.min()) or np.any(xv > self.current.max()):
            raise ParameterError(
                f"x={x!r} lies outside the computed current range [{self.current.min():.6g}, "
                f"{self.current.max():.6g}]: widen the s grid"
            )
        return np.interp(xv, self.current, self.rate)


def rate_function(model: CountingModel, s, *, weights=None) -> RateFunction:
    r"""Rate function of the counted quantity (or of sum_a w_a Q_a) by Legendre transform.

    Parametric: :math:`x(s)=\lambda'(s)`, :math:`I = s\lambda'(s)-\lambda(s)` (Touchette,
    Phys. Rep. 478, 1 (2009), Eq. (4.2)), with :math:`\lambda'(s) = \langle l|\mathcal
    L'(s)|r\rangle/\langle l|r\rangle` from the left and right eigenvectors (dense; d^2 <= 4096).

    Parameters
    ----------
    s : array_like, shape (n,)
        Real tilting parameters (sorted on output).
    weights : array_like, shape (n_fields,), optional
        Required when the model counts more than one quantity.
    """
    w = counted_weights(model, weights)
    sv = np.sort(as_float_array("s", s, ndim=1))
    require_dense_size("rate_function eigenvectors", (model.dimension**2,) * 2, limit=4096**2 * 16)
    q = w @ model.quanta
    jumps = model._superops()[1]
    lam, xs = np.empty(sv.size), np.empty(sv.size)
    for i, si in enumerate(sv):
        mat = model.tilted_generator(-1j * si * w)
        ev, right = np.linalg.eig(mat)
        top = int(np.argmax(ev.real))
        evl, left = np.linalg.eig(mat.T)
        ltop = int(np.argmin(np.abs(evl - ev[top])))
        r, lvec = right[:, top], left[:, ltop]
        deriv = sum(qk * np.exp(si * qk) * (jk @ r) for qk, jk in zip(q, jumps) if qk != 0)
        lam[i] = ev[top].real
        xs[i] = np.real((lvec @ deriv) / (lvec @ r))
    return RateFunction(s=sv, scgf=lam, current=xs, rate=sv * xs - lam)
