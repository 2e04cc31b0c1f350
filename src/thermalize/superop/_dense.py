"""Dense steady-state solvers: the bordered LU (batched, or in the real Hermitian basis) and
the kernel basis of a degenerate generator."""

from __future__ import annotations

import cmath

import numpy as np
import scipy.linalg as sla
from scipy.linalg import lapack

from ._methods import SINGULAR_RCOND

#: A pivot of the LU below this fraction of the largest one makes the small-matrix fast path
#: compute the LAPACK condition estimate (gecon) before trusting the solution.
_PIVOT_RATIO = 1e-8


def _trace_row(d: int) -> np.ndarray:
    row = np.zeros(d * d)
    row[:: d + 1] = 1.0
    return row


def kernel_basis(m: np.ndarray, d: int) -> np.ndarray:
    """Hermitian basis (orthonormal in Hilbert-Schmidt) of the kernel of one dense generator."""
    _, s, vh = np.linalg.svd(m)
    tol = max(m.shape) * np.finfo(float).eps * max(1.0, s[0]) * 1e3
    return hermitian_span(vh[s <= tol].conj().reshape(-1, d, d))


def hermitian_span(mats: np.ndarray) -> np.ndarray:
    """The kernel of a Hermiticity-preserving L is closed under dagger: an orthonormal basis of
    Hermitian matrices spanning the same space as `mats` (k, d, d)."""
    k, d = mats.shape[0], mats.shape[-1]
    herm = np.concatenate([(mats + mats.conj().transpose(0, 2, 1)) / 2,
                           (mats - mats.conj().transpose(0, 2, 1)) / 2j])
    q, r = np.linalg.qr(herm.reshape(herm.shape[0], -1).T)
    keep = np.abs(np.diag(r)) > 1e-8
    return q[:, keep].T.reshape(-1, d, d)[:k]


_RHS = {}  # d -> the right-hand side e_0 of the bordered system (read-only, reused)


def solve_small(m: np.ndarray, d: int):
    """One small dense generator: LAPACK getrf/getrs, with gecon only on a suspicious pivot.

    Returns the Hermitian (d, d) state, or None when the system is singular or the answer is
    not finite (the caller then takes the validating path). Validation of finiteness is
    folded into one check of the answer: NaN or inf in L propagate into it.
    """
    a = m.astype(complex)  # a copy; the input is never modified
    a[0] = 0.0
    a[0, :: d + 1] = 1.0
    lu, piv, info = lapack.zgetrf(a, overwrite_a=1)
    if info > 0:
        return None
    pivots = np.abs(lu.diagonal()).tolist()
    if min(pivots) < _PIVOT_RATIO * max(pivots):
        rcond, _ = lapack.zgecon(lu, float(np.abs(m).sum(axis=0).max()) + 1.0)
        if not rcond >= SINGULAR_RCOND:
            return None
    b = _RHS.get(d)
    if b is None:
        b = _RHS[d] = np.zeros(d * d, dtype=complex)
        b[0] = 1.0
    x, _ = lapack.zgetrs(lu, piv, b)
    if not cmath.isfinite(sum(x.tolist())):
        return None
    rho = x.reshape(d, d)
    rho += rho.conj().T
    rho *= 0.5
    return rho


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


def _preserves_hermiticity(m: np.ndarray, d: int) -> bool:
    """Randomised test: L(X) is Hermitian for two fixed pseudo-random Hermitian X (O(n^2)).

    A generator that is not Hermiticity preserving maps a generic Hermitian X to a
    non-Hermitian matrix, so the test fails for it with probability one.
    """
    rng = np.random.default_rng(12345)  # fixed: deterministic, no global state
    g = rng.standard_normal((2, d, d)) + 1j * rng.standard_normal((2, d, d))
    x = (g + g.conj().transpose(0, 2, 1)).reshape(2, d * d)
    y = (x @ m.T).reshape(2, d, d)
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


def _solve_large(m: np.ndarray, d: int):
    """One generator with n > 64: real LU in the Hermitian basis when L preserves Hermiticity."""
    n = d * d
    herm = np.iscomplexobj(m) and _preserves_hermiticity(m, d)
    if herm:
        a = _to_hermitian_basis(m, d)
        a[0, :] = 0.0
        a[0, :d] = 1.0  # tr(rho) = sum of the diagonal basis coefficients
    else:
        a = m.astype(np.result_type(m.dtype, float), copy=True)
        a[0, :] = _trace_row(d)
    b = np.zeros(n, dtype=a.dtype)
    b[0] = 1.0
    anorm = np.linalg.norm(a, 1)
    lu, piv = sla.lu_factor(a, overwrite_a=True, check_finite=False)
    x = sla.lu_solve((lu, piv), b, check_finite=False)
    gecon = sla.get_lapack_funcs("gecon", (lu,))
    rc, _ = gecon(lu, anorm, norm="1")
    rho = _from_hermitian_basis(x, d) if herm else x
    return rho.reshape(1, d, d), np.array([rc])


def solve_dense(mb: np.ndarray, d: int):
    """Bordered solve of L rho = 0, tr rho = 1 for a batch (B, n, n).

    Small batches: one batched inverse; x is its first column (b = e_0) and the exact 1-norm
    condition number ||A||_1 ||A^-1||_1 comes with it.
    """
    n = d * d
    if mb.shape[0] == 1 and n > 64:
        return _solve_large(mb[0], d)
    a = mb.astype(complex, copy=True)
    a[:, 0, :] = 0.0
    a[:, 0, :: d + 1] = 1.0
    try:
        inv = np.linalg.inv(a)
        bad = np.zeros(a.shape[0], dtype=bool)
    except np.linalg.LinAlgError:
        inv = np.zeros_like(a)
        bad = np.ones(a.shape[0], dtype=bool)
        for i in range(a.shape[0]):
            try:
                inv[i] = np.linalg.inv(a[i])
                bad[i] = False
            except np.linalg.LinAlgError:
                pass
    with np.errstate(all="ignore"):
        norm_a = np.abs(a).sum(axis=-2).max(axis=-1)
        norm_i = np.abs(inv).sum(axis=-2).max(axis=-1)
        rcond = 1.0 / (norm_a * norm_i)
    rcond = np.where(bad | ~np.isfinite(rcond), 0.0, rcond)
    return inv[:, :, 0].reshape(-1, d, d), rcond
