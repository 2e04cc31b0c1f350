"""Steady-state methods, result type and solvers (bordered solve in the Hermitian basis)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
from scipy.sparse.linalg import expm_multiply

from .errors import ConvergenceError

__all__ = [
    "SINGULAR_RCOND",
    "Direct",
    "Propagate",
    "SteadyState",
]

#: Smallest reciprocal condition number of the bordered steady-state system still taken as
#: a unique solution. A generator with a degenerate kernel gives rcond ~ machine epsilon
#: (1e-16); well-posed physical generators sit far above 1e-12.
SINGULAR_RCOND = 1e-12


# --------------------------------------------------------------------------- steady states
@dataclass(frozen=True)
class Direct:
    """Solve ``L rho = 0`` with the (0,0) row replaced by ``tr rho = 1`` (LAPACK LU)."""


@dataclass(frozen=True)
class Propagate:
    """Apply ``exp(t L)`` to the maximally mixed state, doubling t until converged.

    Attributes
    ----------
    t_start : float
        First time.
    tol : float
        Stop when the trace norm of the change between t and 2t is below tol.
    max_iter : int
        Maximal number of doublings; ConvergenceError beyond.
    """

    t_start: float = 10.0
    tol: float = 1e-12
    max_iter: int = 60


@dataclass(frozen=True)
class SteadyState:
    """A stationary state with its diagnostics.

    Attributes
    ----------
    state : ndarray, shape (..., d, d)
        Unit-trace stationary state(s).
    residual : ndarray, shape (...)
        max |L rho| (entrywise), the defect of the solution.
    kernel_dimension : int
        1 for a unique steady state.
    kernel : ndarray, shape (k, d, d) or None
        Basis of the kernel of L (Hermitian, orthonormal in Hilbert-Schmidt), when degenerate.
    """

    state: np.ndarray
    residual: np.ndarray
    kernel_dimension: int = 1
    kernel: np.ndarray | None = None


def _trace_row(d: int) -> np.ndarray:
    row = np.zeros(d * d)
    row[:: d + 1] = 1.0
    return row


def _kernel_basis(m: np.ndarray, d: int) -> np.ndarray:
    """Hermitian, trace-normalised-where-possible basis of the kernel of one generator."""
    u, s, vh = np.linalg.svd(m)
    tol = max(m.shape) * np.finfo(float).eps * max(1.0, s[0]) * 1e3
    null = vh[s <= tol].conj()
    mats = null.reshape(-1, d, d)
    # the kernel of a Hermiticity-preserving L is closed under dagger: take Hermitian parts
    herm = np.concatenate([(mats + mats.conj().transpose(0, 2, 1)) / 2,
                           (mats - mats.conj().transpose(0, 2, 1)) / 2j])
    flat = herm.reshape(herm.shape[0], -1)
    q, r = np.linalg.qr(flat.T)
    keep = np.abs(np.diag(r)) > 1e-8
    basis = q[:, keep].T.reshape(-1, d, d)
    return basis[: mats.shape[0]]


def _hermitian_basis_indices(d: int):
    """Row-major indices of the orthonormal Hermitian basis of d x d matrices.

    Basis: E_jj; X_jk = (E_jk + E_kj)/sqrt2 and Y_jk = (-i E_jk + i E_kj)/sqrt2 for j < k.
    Returns the indices of the diagonal, ``p = j*d + k`` and ``q = k*d + j`` (j < k).
    """
    j, k = np.triu_indices(d, 1)
    return np.arange(d) * (d + 1), j * d + k, k * d + j


def _to_hermitian_basis(mb: np.ndarray, d: int) -> np.ndarray:
    """Real matrix T^dagger L T of a Hermiticity-preserving L in the Hermitian basis T.

    T has two non-zeros per column, so this is O(n^2) gathers of whole rows and columns
    (``np.take``), not a matrix product; temporaries are kept to one complex copy.
    """
    diag, p, q = _hermitian_basis_indices(d)
    m = p.size
    r2 = np.sqrt(0.5)
    cols = np.empty(mb.shape, dtype=complex)
    cols[..., :d] = np.take(mb, diag, axis=-1)
    cp, cq = np.take(mb, p, axis=-1), np.take(mb, q, axis=-1)
    np.add(cp, cq, out=cols[..., d:d + m])
    cols[..., d:d + m] *= r2
    np.subtract(cp, cq, out=cols[..., d + m:])
    cols[..., d + m:] *= -1j * r2
    del cp, cq
    re, im = cols.real, cols.imag
    out = np.empty(mb.shape, dtype=float)
    out[..., :d, :] = np.take(re, diag, axis=-2)
    np.add(np.take(re, p, axis=-2), np.take(re, q, axis=-2), out=out[..., d:d + m, :])
    out[..., d:d + m, :] *= r2
    np.subtract(np.take(im, q, axis=-2), np.take(im, p, axis=-2), out=out[..., d + m:, :])
    out[..., d + m:, :] *= r2
    return out


def _preserves_hermiticity(mb: np.ndarray, d: int) -> bool:
    """Randomised test: L(X) is Hermitian for two fixed pseudo-random Hermitian X (O(n^2)).

    A generator that is not Hermiticity preserving maps a generic Hermitian X to a
    non-Hermitian matrix, so the test fails for it with probability one.
    """
    rng = np.random.default_rng(12345)  # fixed: deterministic, no global state
    g = rng.standard_normal((2, d, d)) + 1j * rng.standard_normal((2, d, d))
    x = (g + g.conj().transpose(0, 2, 1)).reshape(2, d * d)
    y = np.einsum("...ij,kj->...ki", mb, x).reshape(mb.shape[:-2] + (2, d, d))
    scale = max(1.0, float(np.max(np.abs(y), initial=0.0)))
    err = float(np.max(np.abs(y - np.swapaxes(y, -1, -2).conj()), initial=0.0))
    return err <= 1e-12 * scale * d  # rounding of a length-d^2 dot product


def _from_hermitian_basis(x: np.ndarray, d: int) -> np.ndarray:
    """rho = T x for coefficient vectors x of shape (..., d*d) in the Hermitian basis."""
    diag, p, q = _hermitian_basis_indices(d)
    m = p.size
    r2 = np.sqrt(0.5)
    out = np.zeros(x.shape[:-1] + (d * d,), dtype=complex)
    out[..., diag] = x[..., :d]
    a, b = x[..., d:d + m], x[..., d + m:]
    out[..., p] = r2 * (a - 1j * b)
    out[..., q] = r2 * (a + 1j * b)
    return out


def _solve_direct(mb: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Bordered solve of L rho = 0, tr rho = 1.

    A Hermiticity-preserving L is real in the Hermitian basis, where the LU costs a quarter
    of the complex one; other generators are solved as they are.
    """
    n = d * d
    herm = np.iscomplexobj(mb) and _preserves_hermiticity(mb, d)
    if herm:
        a = _to_hermitian_basis(mb, d)
        a[:, 0, :] = 0.0
        a[:, 0, :d] = 1.0  # tr(rho) = sum of the diagonal basis coefficients
    else:
        a = mb.astype(np.result_type(mb.dtype, float), copy=True)
        a[:, 0, :] = _trace_row(d)
    b = np.zeros(n, dtype=a.dtype)
    b[0] = 1.0
    if a.shape[0] == 1 and n > 64:
        anorm = np.linalg.norm(a[0], 1)
        lu, piv = sla.lu_factor(a[0], overwrite_a=True, check_finite=False)
        x = sla.lu_solve((lu, piv), b, check_finite=False)[None]
        gecon = sla.get_lapack_funcs("gecon", (lu,))
        rc, _ = gecon(lu, anorm, norm="1")
        rcond = np.array([rc])
    else:
        s = np.linalg.svd(a, compute_uv=False)
        rcond = s[:, -1] / s[:, 0]
        ok = rcond >= SINGULAR_RCOND
        x = np.zeros((a.shape[0], n), dtype=a.dtype)
        if np.any(ok):
            rhs = np.broadcast_to(b, (int(ok.sum()), n))[..., None]
            x[ok] = np.linalg.solve(a[ok], rhs)[..., 0]
    rho = _from_hermitian_basis(x, d) if herm else x
    return rho.reshape(-1, d, d), rcond


def _solve_propagate(m: np.ndarray, d: int, t0: float, tol: float, n_iter: int) -> np.ndarray:
    rho = (np.eye(d) / d).ravel().astype(complex)
    rho = expm_multiply(m * t0, rho)
    t = t0
    for _ in range(n_iter):
        new = expm_multiply(m * t, rho)
        change = np.abs(new - rho).sum()
        rho, t = new, 2 * t
        if change < tol:
            return rho.reshape(d, d) / np.trace(rho.reshape(d, d))
    raise ConvergenceError(
        f"Propagate did not converge in {n_iter} doublings (t = {t:.3g}, last change {change:.3g})"
    )
