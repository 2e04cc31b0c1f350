"""Entropies of Gaussian states from correlation matrices, with a secular-equation fast path."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from .._qutip import to_array
from ..errors import (
    ConvergenceError,
    ParameterError,
    as_float_array,
    require_finite,
    require_hermitian,
    require_int,
    require_real,
)

#: Eigenvalues of a valid correlation matrix lie in [0, 1]; LAPACK returns them to ~n eps,
#: so values outside by more than this flag an invalid matrix (as in dynamics.SPECTRUM_ATOL).
SPECTRUM_ATOL = 1e-9

__all__ = [
    "Eigvalsh",
    "SecularEquation",
    "binary_entropy",
    "correlation_entropy",
    "deletion_spectrum",
    "subset_entropy",
]


def binary_entropy(occupations) -> np.ndarray:
    r"""Entropy :math:`h(\lambda) = -\lambda\ln\lambda - (1-\lambda)\ln(1-\lambda)` per eigenvalue.

    The summand of Eq. (21) of Usui et al. (2024). Eigenvalues from LAPACK may leave [0, 1]
    by rounding (~n eps); values within ``SPECTRUM_ATOL`` (1e-9) of [0, 1] are clipped to it,
    so the result is never NaN; values further outside, NaN or inf raise ParameterError.

    Parameters
    ----------
    occupations : array_like
        Eigenvalues of a correlation (sub)matrix.

    Returns
    -------
    ndarray, same shape, values in [0, ln 2]

    Examples
    --------
    >>> np.round(binary_entropy([0.0, 0.5, 1.0, 1.0 + 1e-15]), 6)
    array([0.      , 0.693147, 0.      , 0.      ])
    """
    x = as_float_array("occupations", occupations)
    if x.size and (x.min() < -SPECTRUM_ATOL or x.max() > 1 + SPECTRUM_ATOL):
        raise ParameterError(
            f"occupations span [{x.min():.3g}, {x.max():.3g}], outside the allowed range [0, 1] "
            f"(tolerance {SPECTRUM_ATOL:g}): not eigenvalues of a correlation matrix"
        )
    x = np.clip(x, 0.0, 1.0)
    return special.entr(x) + special.entr(1.0 - x)


def correlation_entropy(c) -> float:
    r"""Von Neumann entropy of the Gaussian state with correlation matrix c, Eq. (21).

    :math:`S = \sum_\alpha h(\lambda_\alpha)`, :math:`\lambda_\alpha` the eigenvalues of c.

    Parameters
    ----------
    c : ndarray or qutip.Qobj, shape (k, k)
        Hermitian correlation (sub)matrix, eigenvalues in [0, 1] (within 1e-9; checked:
        ParameterError otherwise).

    Examples
    --------
    >>> round(correlation_entropy(np.diag([0.5, 0.5, 1.0])), 6)   # 2 ln 2
    1.386294
    """
    arr = _square("c", c)
    if arr.size == 0:
        return 0.0
    require_hermitian("c", arr)
    lam = np.linalg.eigvalsh(arr)
    if lam[0] < -SPECTRUM_ATOL or lam[-1] > 1 + SPECTRUM_ATOL:
        raise ParameterError(
            f"c has eigenvalues in [{lam[0]:.3g}, {lam[-1]:.3g}], outside the allowed range "
            f"[0, 1] (tolerance {SPECTRUM_ATOL:g}): not a correlation matrix"
        )
    return float(np.sum(binary_entropy(lam)))


def _square(name: str, c) -> np.ndarray:
    arr = np.asarray(to_array(c))
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise ParameterError(f"{name} must be a numeric square matrix, got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ParameterError(f"{name} must be a square matrix, got shape {arr.shape}")
    require_finite(name, arr)
    return arr


def subset_entropy(c, modes) -> float:
    """Entropy of the modes `modes` (indices into c): Eq. (21) on the submatrix ``c[modes, modes]``.

    Examples
    --------
    >>> c = np.array([[0.5, 0.5], [0.5, 0.5]])   # one particle shared by two modes: pure
    >>> round(subset_entropy(c, [0]), 6), round(subset_entropy(c, [0, 1]), 6)
    (0.693147, 0.0)
    """
    arr = _square("c", c)
    ix = np.asarray(modes)
    if ix.ndim != 1 or (ix.size and not np.issubdtype(ix.dtype, np.integer)):
        raise ParameterError(f"modes={modes!r} must be a 1D sequence of integer mode indices")
    if ix.size and (ix.min() < 0 or ix.max() >= arr.shape[0]):
        raise ParameterError(
            f"modes={modes!r} has indices outside the allowed range [0, {arr.shape[0] - 1}]"
        )
    if ix.size == 0:
        return 0.0  # no modes: the vacuum of an empty subsystem, entropy zero
    return correlation_entropy(arr[np.ix_(ix, ix)])


@dataclass(frozen=True)
class SecularEquation:
    """Joint-bath entropy from the secular equation of a one-mode deletion (needs a 1-mode system).

    Attributes
    ----------
    deflation_tol : float
        Occupations lambda closer than ``deflation_tol * min(lambda, 1 - lambda)`` merge into
        one pole (relative to the nearer end of [0, 1], where h is steep), and poles whose
        weight is below ``deflation_tol**2`` are deflated (their eigenvalue moves by ~ that
        weight). An eigenvalue error delta changes h by |ln(lambda/(1-lambda))| delta, so
        1e-13 keeps S(B) within ~1e-11 for n ~ 1e4 modes.
    max_iter : int
        Iterations of the safeguarded rational (two-pole) Newton solver per root.
    """

    deflation_tol: float = 1e-13
    max_iter: int = 60

    def __post_init__(self) -> None:
        tol = require_real("deflation_tol", self.deflation_tol)
        if not 0 < tol < 1:
            raise ParameterError(f"deflation_tol={tol!r} is outside the allowed range (0, 1)")
        require_int("max_iter", self.max_iter, low=1, high=10_000)


@dataclass(frozen=True)
class Eigvalsh:
    """Joint-bath entropy from LAPACK ``eigvalsh`` of the bath block (works for any partition)."""


def deletion_spectrum(eigenvalues, weights, *, method: SecularEquation | None = None) -> np.ndarray:
    r"""Eigenvalues of a Hermitian matrix with one row and column deleted, from its spectrum.

    If :math:`A = \Phi\,\mathrm{diag}(\lambda)\,\Phi^\dagger` (n x n) and
    :math:`w_j = |\Phi_{dj}|^2` is the weight of eigenvector j on the deleted index d, the
    n - 1 eigenvalues of the remaining block are the roots of the secular equation
    :math:`\sum_j w_j / (\lambda_j - \mu) = 0` (Cauchy interlacing: one root between each pair
    of consecutive distinct poles with non-zero weight), plus each (near-)degenerate or
    zero-weight :math:`\lambda_j` itself (deflation). O(n^2) instead of eigvalsh's O(n^3).

    Parameters
    ----------
    eigenvalues : ndarray, shape (n,)
        Spectrum of A (any order).
    weights : ndarray, shape (n,)
        :math:`|\Phi_{dj}|^2`, non-negative, summing to 1.
    method : SecularEquation, optional
        Tolerances (default ``SecularEquation()``).

    Returns
    -------
    ndarray, shape (n - 1,), ascending

    Raises
    ------
    ConvergenceError
        If a root fails to converge in ``method.max_iter`` iterations.

    Examples
    --------
    >>> a = np.array([[1.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, 3.0]])
    >>> lam, phi = np.linalg.eigh(a)
    >>> mu = deletion_spectrum(lam, np.abs(phi[0]) ** 2)
    >>> bool(np.allclose(mu, np.linalg.eigvalsh(a[1:, 1:]), atol=1e-14))
    True
    """
    method = SecularEquation() if method is None else method
    if not isinstance(method, SecularEquation):
        raise ParameterError(f"method must be SecularEquation(...), got {method!r}")
    lam = as_float_array("eigenvalues", eigenvalues)
    w = as_float_array("weights", weights)
    if lam.shape != w.shape or lam.ndim != 1 or lam.size == 0:
        raise ParameterError(
            f"eigenvalues and weights must be 1D of equal length, got {lam.shape} and {w.shape}"
        )
    if w.min() < -1e-12 or abs(w.sum() - 1.0) > 1e-8:
        raise ParameterError(
            f"weights must be non-negative and sum to 1 (squared moduli of a unit row), got "
            f"min {w.min():.3g}, sum {w.sum():.12g}"
        )
    order = np.argsort(lam, kind="stable")
    lam, w = lam[order], np.clip(w[order], 0.0, None)
    tol = method.deflation_tol
    # group (near-)degenerate eigenvalues: gaps below tol relative to the distance from the
    # nearer end of [0, 1], where the binary entropy is steep (exact duplicates always merge)
    edge = np.minimum(np.abs(lam), np.abs(1.0 - lam))
    new_group = np.concatenate([[True], np.diff(lam) > tol * np.minimum(edge[1:], 1.0)])
    gid = np.cumsum(new_group) - 1
    g_lam = lam[new_group]
    g_w = np.bincount(gid, weights=w)
    g_size = np.bincount(gid)
    # each group of size m keeps m - 1 eigenvalues at its pole; one more if the pole is deflated
    live = g_w > tol * tol
    fixed = np.repeat(g_lam, g_size - 1 + (~live))
    poles, pw = g_lam[live], g_w[live]
    pw = pw / pw.sum()
    origin, tau = _secular_roots(poles, pw, method.max_iter)
    return np.sort(np.concatenate([fixed, origin + tau]))


_CHUNK = 256  # roots per block: bounds the work arrays to _CHUNK x p (cache- and memory-friendly)


def _secular_sums(d, w, origin, tau, rows):
    """f = sum_j w_j r_j, psi' = sum_{j<=i} w_j r_j^2, phi' = the rest; r_j = 1/((d_j - o) - tau)."""
    f = np.empty(rows.size)
    dpsi = np.empty(rows.size)
    dall = np.empty(rows.size)
    cols = np.arange(d.size)
    for s in range(0, rows.size, _CHUNK):
        sl = slice(s, s + _CHUNK)
        r = d[None, :] - origin[sl, None]  # exact differences d_j - origin (no cancellation)
        r -= tau[sl, None]
        np.reciprocal(r, out=r)
        f[sl] = r @ w
        r *= r
        dall[sl] = r @ w
        r *= cols[None, :] <= rows[sl, None]  # poles j <= i belong to psi
        dpsi[sl] = r @ w
    return f, dpsi, dall - dpsi


def _secular_roots(d: np.ndarray, w: np.ndarray, max_iter: int, *, vectors: bool = False):
    """Roots ``origin + tau`` of sum_j w_j/(d_j - x) in each (d_i, d_{i+1}); d strictly
    ascending, w > 0. Returned split so that d_j - root = (d_j - origin) - tau stays exact.

    ``vectors=True`` converges tau to its own relative precision (not the root's), as the
    eigenvectors x_j ~ 1/(d_j - root) need when two poles are only a few ulps apart."""
    p = d.size
    if p < 2:
        return np.zeros(0), np.zeros(0)
    lo_pole, hi_pole = d[:-1], d[1:]
    mid = 0.5 * (lo_pole + hi_pole)
    # poles a few ulps apart (pure states: occupations 0 or 1 up to rounding) can put mid on
    # a pole: f(mid) is then +-inf or nan, the bracket below degenerates to that pole, and
    # the root is the pole to rounding, which is what the entropy needs; no warning for it
    with np.errstate(divide="ignore", invalid="ignore"):
        f_mid = np.concatenate(
            [(1.0 / (d[None, :] - mid[s : s + _CHUNK, None])) @ w for s in range(0, p - 1, _CHUNK)]
        )
    # root left of the midpoint when f(mid) > 0 (f increases from -inf to +inf on the interval)
    left = f_mid >= 0
    origin = np.where(left, lo_pole, hi_pole)
    a_pole = np.where(left, 0.0, lo_pole - hi_pole)  # lower pole relative to origin
    b_pole = np.where(left, hi_pole - lo_pole, 0.0)
    lo = np.where(left, 0.0, mid - hi_pole)  # bracket for tau = x - origin
    hi = np.where(left, mid - lo_pole, 0.0)
    tau = 0.5 * (lo + hi)
    active = np.ones(p - 1, dtype=bool)
    coarse = np.zeros(p - 1, dtype=bool)  # converged relative to the root (vectors=True)
    # an iterate on a pole (poles a few ulps apart) gives inf/nan sums: the step is then
    # rejected as non-finite and the bracket bisected, so these are not worth a warning
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for _ in range(max_iter):
            ix = np.flatnonzero(active)
            if ix.size == 0:
                break
            t = tau[ix]
            f, dpsi, dphi = _secular_sums(d, w, origin[ix], t, ix)
            # bracket update from the sign of f (monotone increasing in tau)
            lo[ix] = np.where(f < 0, t, lo[ix])
            hi[ix] = np.where(f > 0, t, hi[ix])
            a = a_pole[ix] - t  # (lambda_i - x)  < 0
            b = b_pole[ix] - t  # (lambda_{i+1} - x) > 0
            big_b = dpsi * a * a
            big_d = dphi * b * b
            s = f - big_b / a - big_d / b
            # model S + B/(a - eta) + D/(b - eta) = 0  ->  S eta^2 - (S(a+b) + B + D) eta + a b f = 0
            b1 = s * (a + b) + big_b + big_d
            c0 = a * b * f
            disc = np.sqrt(np.maximum(b1 * b1 - 4 * s * c0, 0.0))
            q = b1 + np.copysign(disc, b1)
            r1 = np.where(s != 0, q / (2 * s), np.inf)
            r2 = np.where(q != 0, 2 * c0 / q, 0.0)
            eta = np.where((r2 > a) & (r2 < b), r2, r1)
            new = t + eta
            bad = ~np.isfinite(new) | (new <= lo[ix]) | (new >= hi[ix])
            new = np.where(bad, 0.5 * (lo[ix] + hi[ix]), new)
            step = np.abs(new - t)
            tau[ix] = new
            eps4 = 4 * np.finfo(float).eps
            scale = np.maximum(np.abs(new), np.abs(origin[ix]))
            done = (step <= eps4 * scale) | (f == 0) | (hi[ix] - lo[ix] <= eps4 * scale)
            if vectors:
                coarse[ix[done]] = True
                scale = np.abs(new)
                done = (step <= eps4 * scale) | (f == 0) | (hi[ix] - lo[ix] <= eps4 * scale)
            active[ix[done]] = False
    # vectors=True: a root converged to the root's precision but not to tau's (a rounding
    # limit cycle) is accepted
    active &= ~coarse
    if np.any(active):
        raise ConvergenceError(
            f"secular equation: {np.count_nonzero(active)} of {p - 1} roots not converged "
            f"after {max_iter} iterations"
        )
    return origin, tau
