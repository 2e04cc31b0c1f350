"""Exact correlation-matrix dynamics C(t) = U* C(0) U^T from one eigendecomposition."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy.linalg import blas

from .._qutip import is_qobj, like, to_array
from ..errors import (
    ParameterError,
    as_float_array,
    require_dense_size,
    require_hermitian,
    require_real,
)
from .model import QuadraticModel, require_model

__all__ = [
    "CorrelationEvolver",
    "accurate_phases",
    "evolve_correlations",
    "validate_correlation_matrix",
]

# 2 pi to 45 digits, split into 8 chunks of <= 13 significant bits (Cody-Waite reduction):
# k * chunk is exact for |k| < 2**40, so E t - k 2 pi is computed without cancellation error.
_TWO_PI = Fraction("6.283185307179586476925286766559005768394338798750")
_MAX_TURNS = 2.0**40


def _chunks(x: Fraction, bits: int = 13, count: int = 8) -> tuple[float, ...]:
    out = []
    for _ in range(count):
        e = abs(x).numerator.bit_length() - abs(x).denominator.bit_length()
        scale = Fraction(2) ** (bits - 1 - e)
        c = Fraction(round(x * scale)) / scale
        out.append(float(c))
        x -= c
    return tuple(out)


_TWO_PI_CHUNKS = _chunks(_TWO_PI)
# tolerance on the spectrum of C: eigenvalues of a valid correlation matrix lie in [0, 1];
# LAPACK returns them to ~n eps ||C||, so 1e-9 flags genuinely invalid input only.
SPECTRUM_ATOL = 1e-9


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = 134217729.0 * a  # 2**27 + 1 (Dekker)
    hi = c - (c - a)
    return hi, a - hi


def accurate_phases(energies, time: float) -> np.ndarray:
    r"""Angles :math:`E_m t` reduced to :math:`[-\pi, \pi]`, without loss of precision at large t.

    The product is formed exactly as a double-double (Dekker) and reduced modulo
    :math:`2\pi` with a 104-bit :math:`2\pi` (Cody-Waite), so the angle is correct to ~1e-15
    rad for the given doubles even at :math:`|E t| \sim 10^{12}`; the naive
    ``np.mod(E * t, 2 * np.pi)`` loses ~``|E t| * 1e-16`` rad.

    Parameters
    ----------
    energies : ndarray, shape (n,)
    time : float
        Any finite real with ``|E t| < 2**40 * 2 pi`` (about 7e12).

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> round(float(accurate_phases(np.array([1.0]), 1e8)[0]), 9)   # 1e8 mod 2 pi
    1.942695135
    """
    e = as_float_array("energies", energies)
    t = require_real("time", time)
    # Dekker's split multiplies by 2**27 + 1: beyond ~1e300 it overflows (NaN error terms)
    if abs(t) > 1e290 or (e.size and float(np.max(np.abs(e))) > 1e290):
        raise ParameterError(f"time={time!r} and energies must be below 1e290 in magnitude "
                             "(the exact product E t is split into float64 halves)")
    p = e * t
    ah, al = _split(e)
    bh, bl = _split(np.float64(t))
    err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    k = np.rint(p / float(_TWO_PI))
    if np.any(np.abs(k) >= _MAX_TURNS):
        raise ParameterError(
            f"time={time!r} gives |E t| = {np.max(np.abs(p)):.3g} beyond the allowed range "
            f"[0, {_MAX_TURNS * 2 * np.pi:.3g}) (double eigenvalues carry no phase information there)"
        )
    r = p
    for c in _TWO_PI_CHUNKS:
        r = r - k * c
    return r + err


def validate_correlation_matrix(c, n: int | None = None, name: str = "c0") -> np.ndarray:
    """Check that `c` is an (n, n) Hermitian matrix with spectrum in [0, 1] (within 1e-9).

    A diagonal matrix is checked on its diagonal (no eigvalsh); `n=None` accepts any size.
    A ``qutip.Qobj`` is converted to its matrix.
    """
    arr = require_hermitian(name, to_array(c))
    if n is not None and arr.shape != (n, n):
        raise ParameterError(
            f"{name} must have shape ({n}, {n}) to match the model, got {arr.shape}"
        )
    diagonal = np.count_nonzero(arr - np.diag(np.diag(arr))) == 0
    ev = np.sort(np.diag(arr).real) if diagonal else np.linalg.eigvalsh(arr)
    if ev[0] < -SPECTRUM_ATOL or ev[-1] > 1 + SPECTRUM_ATOL:
        raise ParameterError(
            f"{name} has eigenvalues in [{ev[0]:.3g}, {ev[-1]:.3g}], outside the allowed range [0, 1]"
        )
    return arr


class CorrelationEvolver:
    r"""Blocks of :math:`\mathcal C(t) = e^{iht}\,\mathcal C(0)\,e^{-iht}` (Eq. 19) at any time.

    With :math:`h = V \mathrm{diag}(E) V^\dagger` (one ``eigh``) and
    :math:`\mathcal C(0) = Q \mathrm{diag}(n) Q^\dagger`, the eigenvectors of
    :math:`\mathcal C(t)` are :math:`\Phi(t) = \bar V e^{iEt} V^T Q` with the conserved
    eigenvalues n, so a block costs only its own rows of :math:`\Phi`:
    :math:`\mathcal C_{AB}(t) = \Phi_A \mathrm{diag}(n) \Phi_B^\dagger`.

    Parameters
    ----------
    model : QuadraticModel
    c0 : ndarray, shape (n, n)
        Initial correlation matrix :math:`\mathcal C_{ij} = \mathrm{tr}[c_i^\dagger c_j\rho]`.
    local : bool
        Work in the model's local basis (:attr:`QuadraticModel.local_basis`), where every
        part's block of h is diagonal; ``c0`` is always given in the site basis.
    check : bool
        Validate ``c0`` (Hermitian, spectrum in [0, 1]; one eigvalsh unless diagonal). Pass
        False only for a matrix the caller has already validated.

    Notes
    -----
    Heisenberg evolution :math:`c_j(t) = \sum_k U_{jk} c_k`, :math:`U = e^{-iht}`, gives
    :math:`\mathcal C(t) = \bar U \mathcal C(0) U^T`, which is Eq. (19) for real h.
    Phases use :func:`accurate_phases`.

    Examples
    --------
    >>> m = QuadraticModel.example()
    >>> ev = CorrelationEvolver(m, np.diag([1.0, 0, 0, 0, 0]))
    >>> c_ll = ev.block(3.0, m.modes("L"))   # only the L rows of Phi are formed
    >>> c_ll.shape, bool(np.allclose(c_ll, ev.full(3.0)[1:3, 1:3]))
    ((2, 2), True)
    """

    def __init__(self, model: QuadraticModel, c0, *, local: bool = False, check: bool = True):
        require_model(model)
        if check:
            c0 = validate_correlation_matrix(c0, model.n_modes)
        else:
            c0 = np.asarray(to_array(c0))
        energies, v = model.eigensystem
        if local and not model.is_locally_diagonal:
            t = model.local_basis[0]
            v = t.conj().T @ v
            c0 = t.T @ c0 @ t.conj()
        offdiag = c0 - np.diag(np.diag(c0))
        if np.count_nonzero(offdiag) == 0:
            occ, q = np.diag(c0).real.copy(), None
        else:
            occ, q = np.linalg.eigh(c0)
        self.occupations = np.clip(occ, 0.0, 1.0)  # conserved spectrum of C(t)
        self.energies = energies
        self._vbar = v.conj()
        self._right = v.T if q is None else v.T @ q
        self.n_modes = model.n_modes

    def eigenvectors(self, time: float, rows=None) -> np.ndarray:
        """Rows of :math:`\\Phi(t)`, shape (len(rows), n) (all rows if None)."""
        ph = np.exp(1j * accurate_phases(self.energies, time))
        left = self._vbar if rows is None else self._vbar[np.asarray(rows)]
        x = left * ph
        r = self._right
        if np.isrealobj(r):
            return (x.real @ r) + 1j * (x.imag @ r)
        return x @ r

    def block(self, time: float, rows, cols=None) -> np.ndarray:
        """:math:`\\mathcal C_{AB}(t)`, shape (len(rows), len(cols)); B = A if cols is None."""
        rows = np.asarray(rows)
        if cols is None:
            phi = self.eigenvectors(time, rows)
            return (phi * self.occupations) @ phi.conj().T
        cols = np.asarray(cols)
        phi = self.eigenvectors(time, np.concatenate([rows, cols]))
        a, b = phi[: rows.size], phi[rows.size :]
        return (a * self.occupations) @ b.conj().T

    def hermitian_block_upper(self, phi_rows: np.ndarray) -> np.ndarray:
        """Upper triangle of :math:`\\Phi_A \\mathrm{diag}(n) \\Phi_A^\\dagger` (BLAS zherk)."""
        x = np.asfortranarray(phi_rows * np.sqrt(self.occupations))
        return blas.zherk(1.0, x)

    def full(self, time: float) -> np.ndarray:
        """The whole :math:`\\mathcal C(t)`, shape (n, n)."""
        return self.block(time, np.arange(self.n_modes))


def evolve_correlations(model: QuadraticModel, c0, times) -> np.ndarray:
    r"""Correlation matrices :math:`\mathcal C(t) = e^{iht}\mathcal C(0)e^{-iht}`, Eq. (19).

    Usui et al. (2024), Eqs. (18)-(19): the full Gaussian many-body dynamics of a quadratic
    model, from one eigendecomposition of h (valid at any time, e.g. t = 1e8, see
    :func:`accurate_phases`).

    Parameters
    ----------
    model : QuadraticModel
    c0 : ndarray, shape (n, n)
        Hermitian, spectrum in [0, 1], site basis.
    times : array_like, shape (nt,)

    Returns
    -------
    ndarray, shape (nt, n, n), complex; a ``qutip.Qobj`` per time (a list) if ``c0`` is one

    Examples
    --------
    >>> m = QuadraticModel.example()
    >>> c0 = np.diag([1.0, 0, 0, 0, 0])
    >>> c = evolve_correlations(m, c0, [0.0, 1e8])
    >>> round(float(np.trace(c[1]).real), 12), bool(np.allclose(c[0], c0))
    (1.0, True)
    """
    require_model(model)
    ts = np.atleast_1d(as_float_array("times", times))
    if ts.ndim != 1:
        raise ParameterError(f"times must be a 1D array, got shape {ts.shape}")
    n = model.n_modes
    require_dense_size("evolve_correlations: C(t) at every time", (ts.size, n, n))
    ev = CorrelationEvolver(model, c0)
    out = (
        np.stack([ev.full(t) for t in ts])
        if ts.size
        else np.zeros((0, model.n_modes, model.n_modes), complex)
    )
    if is_qobj(c0):
        return [like(c0, c) for c in out]
    return out
