"""GMRES over Hermitian matrices in real arithmetic with the exact no-jump (Sylvester)
preconditioner, and its random-probe uniqueness test (the default large-generator solver)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg import solve_triangular
from scipy.linalg.blas import cgemm, ctrmm, zgemm, ztrmm

from ..errors import ConvergenceError

__all__ = ["preserves_hermiticity", "SylvesterInverse", "solve", "PROBE_THETA"]

#: The uniqueness probe declares the kernel one-dimensional once the homogeneous solve from a
#: random Hermitian probe k has shrunk it to |e| <= PROBE_THETA * |k| / sqrt(n). A traceless
#: kernel direction keeps its share of k, about |N(0, 1)| / sqrt(n) of |k| (n = d^2 real
#: coordinates), so a degenerate kernel is missed only if that Gaussian factor is below 1e-3
#: (probability 8e-4 per kernel direction, for a fixed seed: deterministic).
PROBE_THETA = 1e-3
#: The uniqueness probe's preconditioner runs in single precision from this dimension on
#: (below it the products are too small for the precision to matter) ...
SINGLE_MIN_DIM = 128
#: ... when the 1-norm condition number of the eigenvector matrix of A is at most this
#: (spin chain: 19, 53, 194 at d = 64, 256, 1024; its 2-norm condition number is below 7).
SINGLE_MAX_COND = 1e3
#: A probe that stagnates at |L e| <= KERNEL_TOL * ||L||_1 * |e| has found a kernel vector
#: (the criterion of ShiftInvert's default kernel_tol).
KERNEL_TOL = 1e-10


def _herm(s: np.ndarray, d: int, dtype=complex) -> np.ndarray:
    """Real coordinates (n,) -> Hermitian X (d, d): X = Sym(S) + i Anti(S), S = s.reshape(d, d).

    The inverse is S = Re X + Im X. The map is an isometry (Euclidean norm of s = Hilbert-Schmidt
    norm of X), because sum(Re X * Im X) = 0 for Hermitian X.
    """
    m = s.reshape(d, d)
    x = np.empty((d, d), dtype=dtype)
    x.real = m + m.T
    x.imag = m - m.T
    x *= 0.5
    return x


def _real(y: np.ndarray) -> np.ndarray:
    """Hermitian Y (any shape with d*d entries) -> its real coordinates Re Y + Im Y, (n,)."""
    return (y.real + y.imag).ravel()


def preserves_hermiticity(m, d: int) -> bool:
    """Whether L maps a fixed pseudo-random Hermitian X to a Hermitian matrix (one product)."""
    g = np.random.default_rng(12345).standard_normal((d, d))  # fixed: deterministic
    y = (m @ _herm(g.ravel(), d).ravel()).reshape(d, d)
    scale = max(1.0, float(np.abs(y).max()))
    return float(np.abs(y - y.conj().T).max()) <= 1e-12 * scale * max(d, 1)


def _sandwich(v: np.ndarray, y: np.ndarray) -> np.ndarray:
    """v y v^dagger for Hermitian y in 1.5 matrix products: y = t + t^dagger with t the lower
    triangle of y (diagonal halved), v t by a triangular product (trmm), then one gemm; in
    the precision of v (complex64: the c-routines, complex128: the z-routines). Below
    d = `SINGLE_MIN_DIM` two plain products (less call overhead at that size)."""
    if v.shape[0] < SINGLE_MIN_DIM:  # small: two plain products have less call overhead
        return v @ y @ v.conj().T
    trmm, gemm = (ctrmm, cgemm) if v.dtype == np.complex64 else (ztrmm, zgemm)
    t = np.tril(y)
    t.flat[:: y.shape[0] + 1] *= 0.5
    w = trmm(1.0, t, v, side=1, lower=1)  # v @ t
    p = gemm(1.0, w, v, trans_b=2)  # v t v^dagger
    return p + p.conj().T


class SylvesterInverse:
    """Exact inverse of the no-jump part K = kron(A, 1) + kron(1, conj A) on Hermitian matrices.

    ``A X + X A^dagger = Y`` is solved as ``X = V ((V^-1 Y V^-dagger) / (l_i + conj l_j)) V^dagger``
    with ``A = V diag(l) V^-1``: O(d^2) memory, 3 complex d^3 products per application
    (`_sandwich` twice); both sandwiches and the division preserve Hermiticity.

    `single` gives a twin whose products run in single precision (2.5 times faster at
    d = 1024), used by the uniqueness probe, which needs the error only to 1e-6: flexible
    GMRES checks every residual with L in double precision, so a single-precision
    preconditioner changes the iteration count, not the answer.
    """

    def __init__(self, a: np.ndarray):
        lam, v = np.linalg.eig(a)
        self.d = a.shape[0]
        self.v = np.asfortranarray(v)
        self.vi = np.asfortranarray(np.linalg.inv(v))
        den = lam[:, None] + lam.conj()[None, :]
        floor = 1e-12 * max(1.0, float(np.abs(den).max()))
        self.den = np.where(np.abs(den) < floor, floor, den)  # purely coherent A: regularised

    def single(self) -> SylvesterInverse:
        """The single-precision twin from d = `SINGLE_MIN_DIM` on when cond_1(V) is at most
        `SINGLE_MAX_COND` (rounding ~ 1e-7 cond(V)^2), else self."""
        cond = float(np.abs(self.v).sum(axis=0).max() * np.abs(self.vi).sum(axis=0).max())
        if self.d < SINGLE_MIN_DIM or cond > SINGLE_MAX_COND:
            return self
        twin = object.__new__(SylvesterInverse)
        twin.d = self.d
        twin.v, twin.vi, twin.den = (x.astype(np.complex64, order="F")
                                     for x in (self.v, self.vi, self.den))
        return twin

    def __call__(self, s: np.ndarray) -> np.ndarray:
        z = _sandwich(self.vi, _herm(s, self.d, self.v.dtype))
        z /= self.den
        return _real(_sandwich(self.v, z)).astype(float, copy=False)


def _bordered_op(m, d: int):
    """s -> real coordinates of L X with its (0, 0) entry replaced by tr X (X = _herm(s))."""
    csr = sp.csr_matrix(m)

    def apply(s):
        x = _herm(s, d)
        y = csr @ x.ravel()
        y[0] = x.real.trace()
        return _real(y)

    return apply


def _coefficients(h, g, j):
    """Least-squares coefficients of the first j + 1 directions (rotated Hessenberg h)."""
    return solve_triangular(h[: j + 1, : j + 1], g[: j + 1], check_finite=False)


def _fgmres(apply, precond, b, x0, *, tol, restart, max_iter, watch=None):
    """Restarted flexible GMRES (real): (x, |b - A x|, iterations, verdict).

    verdict is "converged" (|b - A x| <= tol, checked on the true residual), "max_iter" (also
    when a restart cycle fails to halve the true residual: stagnation at rounding level), or
    the truthy value returned by ``watch(x_j, residual_j)`` after an inner step (then x_j is
    returned). The preconditioned directions Z are kept, so x_j costs O(j n), no extra solve.
    """
    n = b.size
    x, total, last = x0.copy(), 0, np.inf
    while True:
        r = b - apply(x)
        beta = float(np.linalg.norm(r))
        if beta <= tol or total >= max_iter or beta > 0.5 * last:
            return x, beta, total, "converged" if beta <= tol else "max_iter"
        last = beta
        m = min(restart, max_iter - total)
        v = np.empty((m + 1, n))
        z = np.empty((m, n))
        h = np.zeros((m + 1, m))
        cs, sn = np.zeros(m), np.zeros(m)
        g = np.zeros(m + 1)
        g[0] = beta
        v[0] = r / beta
        for j in range(m):
            z[j] = precond(v[j])
            w = apply(z[j])
            for _ in range(2):  # classical Gram-Schmidt, twice: orthogonal to rounding
                c = v[: j + 1] @ w
                w -= c @ v[: j + 1]
                h[: j + 1, j] += c
            h[j + 1, j] = hn = float(np.linalg.norm(w))
            if hn > 0:
                v[j + 1] = w / hn
            for i in range(j):  # previous Givens rotations
                h[i, j], h[i + 1, j] = (cs[i] * h[i, j] + sn[i] * h[i + 1, j],
                                        -sn[i] * h[i, j] + cs[i] * h[i + 1, j])
            rho = np.hypot(h[j, j], h[j + 1, j])
            cs[j], sn[j] = (h[j, j] / rho, h[j + 1, j] / rho) if rho > 0 else (1.0, 0.0)
            h[j, j], h[j + 1, j] = rho, 0.0
            g[j], g[j + 1] = cs[j] * g[j], -sn[j] * g[j]
            total += 1
            res = abs(g[j + 1])
            if watch is not None:
                xj = x + _coefficients(h, g, j) @ z[: j + 1]
                verdict = watch(xj, res)
                if verdict:
                    return xj, res, total, verdict
            if res <= tol or hn == 0 or total >= max_iter:
                break
        x = x + _coefficients(h, g, j) @ z[: j + 1]


def _probe(apply, precond, n, scale, method, seed):
    """Homogeneous solve A e = 0 from a random Hermitian probe: None if e -> 0 (the bordered
    system is regular), else the kernel vector it stagnates at."""
    k = np.random.default_rng(seed).standard_normal(n)  # fixed seeds: reproducible
    knorm = float(np.linalg.norm(k))
    theta = PROBE_THETA / np.sqrt(n) * knorm

    def watch(e, res, tol=method.rtol):
        size = float(np.linalg.norm(e))
        if size <= theta:
            return "regular"
        if res <= tol * scale * size:  # to the solve's rtol, for an accurate kernel basis
            return "kernel"
        return None

    e, res, it, verdict = _fgmres(apply, precond, np.zeros(n), k, tol=0.0,
                                  restart=method.restart, max_iter=method.max_iter, watch=watch)
    if verdict == "converged":  # an exact zero residual (a breakdown)
        return e if watch(e, 0.0) == "kernel" else None
    if verdict != "max_iter":
        return e if verdict == "kernel" else None
    if watch(e, res, KERNEL_TOL) == "kernel":  # stagnated at rounding, within ShiftInvert's
        return e  # kernel_tol
    raise ConvergenceError(
        f"GMRES uniqueness probe undecided after {it} iterations (max_iter={method.max_iter}): "
        f"|e|/|k| = {np.linalg.norm(e) / knorm:.3g} > {theta / knorm:.3g} and residual "
        f"{res:.3g}; raise max_iter, use ShiftInvert(), or check_unique=False"
    )


def solve(m, d: int, a: np.ndarray, method):
    """(rho (n,) complex Hermitian, kernel vectors (list of (d, d)) or None) for a
    Hermiticity-preserving L with no-jump part `a`, by FGMRES to ``method.rtol``."""
    n = d * d
    apply, precond = _bordered_op(m, d), SylvesterInverse(a)
    b = np.zeros(n)
    b[0] = 1.0
    x, res, it, verdict = _fgmres(apply, precond, b, np.zeros(n), tol=method.rtol,
                                  restart=method.restart, max_iter=method.max_iter)
    if verdict != "converged" or not np.all(np.isfinite(x)):
        raise ConvergenceError(
            f"GMRES did not converge: {it} iterations (max_iter={method.max_iter}), last "
            f"relative residual {res:.3g} > rtol={method.rtol:g}; raise max_iter, or use "
            "SparseLU()"
        )
    rho = _herm(x, d).ravel()
    if not method.check_unique:
        return rho, None
    scale = float(abs(sp.csr_matrix(m)).sum(axis=0).max())
    found, probe_precond = [], precond.single()
    for seed in (1, 2, 3):  # up to three kernel directions beyond rho (ShiftInvert's k = 3)
        e = _probe(apply, probe_precond, n, scale, method, seed)
        if e is None:
            break
        found.append(_herm(e / np.linalg.norm(e), d))
        if len(found) > 1 and np.linalg.matrix_rank(
                np.stack([f.ravel() for f in found]), tol=1e-6) < len(found):
            found.pop()  # the same direction again: the kernel is exhausted
            break
    return rho, found or None
