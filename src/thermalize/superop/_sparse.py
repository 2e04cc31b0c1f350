"""Sparse and iterative steady-state solvers: SuperLU, preconditioned Krylov, shift-invert
Arnoldi, long-time propagation; kernel (degeneracy) detection for each."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import ConvergenceError
from ._dense import hermitian_span
from ._methods import GMRES, LGMRES, BiCGSTAB

#: A SuperLU pivot below this fraction of the largest one triggers the shift-invert kernel
#: count before the solution is trusted (a degenerate kernel gives ~1e-16).
_PIVOT_RATIO = 1e-10

#: Tolerance of the second (uniqueness) Krylov solve: a kernel direction keeps its part of the
#: kick at any tolerance (GMRES does not remove it), a regular system returns to x within
#: ~cond * rtol; 1e-9 leaves a margin of 1e3 below the 1e-6 gap threshold and saves about a
#: quarter of the iterations of that solve (spin chain d = 128: 26 instead of 36), which
#: costs 3-4 times the first solve (a random start excites every mode; e_0 does not).
_CHECK_RTOL = 1e-9


def _norm1(m) -> float:
    if sp.issparse(m):
        return float(abs(m).sum(axis=0).max()) if m.nnz else 0.0
    return float(np.abs(m).sum(axis=0).max())


def bordered(m, d: int):
    """CSC matrix of L with its (0,0) row replaced by the trace row, in O(nnz)."""
    n = d * d
    keep = np.ones(n)
    keep[0] = 0.0
    trace = sp.csr_matrix((np.ones(d), (np.zeros(d, dtype=int), np.arange(d) * (d + 1))),
                          shape=(n, n))
    return (sp.diags(keep) @ sp.csr_matrix(m, dtype=complex) + trace).tocsc()


def _rhs(d: int) -> np.ndarray:
    b = np.zeros(d * d, dtype=complex)
    b[0] = 1.0
    return b


def kernel_eigs(m, d: int, k: int = 3, kernel_tol: float = 1e-10, max_iter=None):
    """Eigenpairs of L nearest zero by shift-invert Arnoldi; (eigenvalues, vectors (k, n), scale).

    The shift is a small positive real number (all eigenvalues of a stable generator have
    Re <= 0, so L - shift is regular); a dense eig serves matrices too small for ARPACK.
    """
    n = d * d
    scale = max(_norm1(m), 1e-300)
    if n <= k + 2 or n <= 16:
        dense = m.toarray() if sp.issparse(m) else np.asarray(m)
        lam, vec = np.linalg.eig(dense)
        order = np.argsort(np.abs(lam))[: max(k, 1)]
        return lam[order], vec[:, order].T, scale
    v0 = np.eye(d).ravel().astype(complex) / d
    v0 = v0 + 1e-3 * np.random.default_rng(0).standard_normal(n)  # fixed: reproducible start
    sigma = 1e-8 * scale
    try:
        lam, vec = spla.eigs(sp.csc_matrix(m, dtype=complex), k=k, sigma=sigma, which="LM",
                             v0=v0, maxiter=max_iter, tol=0)
    except spla.ArpackNoConvergence as exc:
        raise ConvergenceError(
            f"shift-invert Arnoldi found only {len(exc.eigenvalues)} of {k} eigenvalues near "
            f"zero within max_iter={max_iter}"
        ) from None
    order = np.argsort(np.abs(lam))
    return lam[order], vec[:, order].T, scale


def kernel_of(m, d: int, k: int = 3, kernel_tol: float = 1e-10, max_iter=None):
    """(kernel basis (Hermitian, (dim, d, d)), all computed eigenvalues, scale)."""
    lam, vec, scale = kernel_eigs(m, d, k, kernel_tol, max_iter)
    zero = np.abs(lam) <= kernel_tol * scale
    basis = hermitian_span(vec[zero].reshape(-1, d, d)) if np.any(zero) else vec[:0].reshape(0, d, d)
    return basis, lam, scale


def state_from_kernel(basis: np.ndarray) -> np.ndarray:
    """A unit-trace member of the kernel (the first basis element with a trace)."""
    tr = np.trace(basis, axis1=1, axis2=2)
    i = int(np.argmax(np.abs(tr)))
    return basis[i] / tr[i]


def solve_splu(m, d: int, permc_spec: str):
    """(rho, suspicious) by SuperLU of the bordered system; suspicious asks for a kernel count."""
    a = bordered(m, d)
    try:
        lu = spla.splu(a, permc_spec=permc_spec)
    except RuntimeError:  # "Factor is exactly singular": a degenerate kernel
        return None, True
    piv = np.abs(lu.U.diagonal())
    suspicious = bool(piv.min() < _PIVOT_RATIO * piv.max())
    return lu.solve(_rhs(d)), suspicious


def _krylov_call(method, a, b, x0, precond):
    iters = [0]

    def count(_):
        iters[0] += 1

    common = dict(x0=x0, rtol=method.rtol, atol=0.0, M=precond, callback=count)
    match method:
        case GMRES(restart=restart):
            cycles = max(1, -(-method.max_iter // restart))
            x, info = spla.gmres(a, b, restart=restart, maxiter=cycles,
                                 callback_type="pr_norm", **common)
        case BiCGSTAB():
            x, info = spla.bicgstab(a, b, maxiter=method.max_iter, **common)
        case LGMRES(inner_m=inner):
            x, info = spla.lgmres(a, b, maxiter=method.max_iter, inner_m=inner, **common)
        case _:  # pragma: no cover - dispatch guarantees a Krylov method
            raise TypeError(method)
    if info != 0 or not np.all(np.isfinite(x)):
        res = np.linalg.norm(a @ x - b) / np.linalg.norm(b)
        raise ConvergenceError(
            f"{type(method).__name__} did not converge: {iters[0]} iterations (max_iter="
            f"{method.max_iter}), last relative residual {res:.3g} > rtol={method.rtol:g}; "
            "raise max_iter, lower drop_tol, or use SparseLU()"
        )
    return x


def no_jump_part(m, d: int) -> np.ndarray:
    """A with kron(A, 1) + kron(1, conj A) the no-jump part of L, read off L in O(nnz).

    (1/d) sum_b L[(a, b), (j, b)] = A[a, j] + conj(tr A)/d delta_aj (+ the trace parts of the
    jump operators, zero for traceless ones); removing half the real part of that trace
    leaves an A whose Kronecker sum equals the no-jump part (an imaginary shift of A
    cancels in the sum).
    """
    c = sp.csr_matrix(m)  # no copy for a CSR generator; rows from indptr, O(nnz) indices
    row = np.repeat(np.arange(d * d, dtype=np.int64), np.diff(c.indptr))
    same = (row % d) == (c.indices % d)
    idx = (row[same] // d) * d + c.indices[same] // d
    vals = c.data[same] / d
    a = (np.bincount(idx, vals.real, d * d) + 1j * np.bincount(idx, vals.imag, d * d))
    a = a.reshape(d, d)
    a -= (np.trace(a).real / (2 * d)) * np.eye(d)
    return a


def sylvester_preconditioner(m, d: int):
    """Inverse of kron(A, 1) + kron(1, conj A): X -> V ((V^-1 Y V^-dagger) / (l_i + conj l_j)) V^dagger."""
    lam, v = np.linalg.eig(no_jump_part(m, d))
    vi = np.linalg.inv(v)
    den = lam[:, None] + lam.conj()[None, :]
    floor = 1e-12 * max(1.0, float(np.abs(den).max()))
    den = np.where(np.abs(den) < floor, floor, den)  # a purely coherent A: regularised
    vih = vi.conj().T
    vh = v.conj().T

    def apply(y):
        yp = vi @ y.reshape(d, d) @ vih
        return (v @ (yp / den) @ vh).ravel()

    return spla.LinearOperator((d * d, d * d), matvec=apply, dtype=complex)


def solve_krylov(m, d: int, method):
    """(rho, degenerate) by a preconditioned Krylov solve of the bordered system."""
    a = bordered(m, d)
    if method.preconditioner == "sylvester":
        precond = sylvester_preconditioner(m, d)
    else:
        try:
            ilu = spla.spilu(a, drop_tol=method.drop_tol, fill_factor=method.fill_factor)
        except RuntimeError:  # a singular factor: degenerate kernel (or a useless drop_tol)
            return None, True
        precond = spla.LinearOperator(a.shape, matvec=ilu.solve, dtype=complex)
    b = _rhs(d)
    x = _krylov_call(method, a, b, None, precond)
    if not method.check_unique:
        return x, False
    rng = np.random.default_rng(1)  # fixed: reproducible
    # a 1 % random kick: a kernel direction of A keeps its part of it (gap ~1e-2), a regular
    # A returns to x (gap ~ cond * rtol); small, so that the second solve is short
    start = x + 1e-2 * np.linalg.norm(x) * rng.standard_normal(x.size) / np.sqrt(x.size)
    check = replace(method, rtol=max(method.rtol, _CHECK_RTOL))
    x2 = _krylov_call(check, a, b, start, precond)
    gap = np.linalg.norm(x2 - x) / max(np.linalg.norm(x), 1e-300)
    return x, bool(gap > max(1e-6, 1e3 * check.rtol))


def propagate(m, d: int, method, start=None) -> np.ndarray:
    """exp(t L) applied to `start` (default the maximally mixed state), t doubling."""
    norm = _norm1(m)
    rho = (np.eye(d) / d).ravel().astype(complex) if start is None else start
    t, change, bound = method.t_start, np.inf, 10.0 * d  # sum|rho_jk| <= d for any state
    for it in range(1, method.max_iter + 1):
        if t * norm > method.max_work:
            raise ConvergenceError(
                f"Propagate stopped after {it - 1} doublings: t * ||L||_1 = {t * norm:.3g} "
                f"exceeds max_work={method.max_work:g} (last change {change:.3g} > tol="
                f"{method.tol:g}); the generator relaxes too slowly for propagation"
            )
        with np.errstate(all="ignore"):
            new = spla.expm_multiply(m * t, rho)
        size = float(np.abs(new).sum())
        if not np.isfinite(size) or size > bound:
            raise ConvergenceError(
                f"generator is unstable: |exp(tL) rho|_1 = {size:.3g} at t = {t:.3g} after {it} "
                "doublings; it has an eigenvalue with positive real part (not a valid "
                "Lindblad generator)"
            )
        change = float(np.abs(new - rho).sum())
        rho, t = new, 2 * t
        if change < method.tol:
            return rho / rho[:: d + 1].sum()
    raise ConvergenceError(
        f"Propagate did not converge in {method.max_iter} doublings (t = {t:.3g}, last "
        f"change {change:.3g} > tol={method.tol:g})"
    )
