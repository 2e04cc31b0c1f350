"""Superoperators in the energy eigenbasis: Liouvillians, maps, steady states, evolution.

Convention (DESIGN.md): a superoperator tensor ``S[j1, k1, j, k]`` maps ``rho[j, k]`` to
``rho'[j1, k1]``; its matrix form ``S.reshape(d*d, d*d)`` acts on the row-major vector
``rho.ravel()``. QuTiP stacks columns instead; conversion happens only at the boundary, and
only when a ``qutip.Qobj`` is passed in (QuTiP is never imported otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
from scipy.sparse.linalg import expm_multiply

from .errors import (
    ConvergenceError,
    NonUniqueSteadyStateError,
    ParameterError,
    require_finite,
    require_hermitian,
    require_nonnegative,
    require_shape,
    require_square,
)

__all__ = [
    "to_matrix",
    "to_tensor",
    "apply",
    "commutator_superop",
    "lindblad_dissipator",
    "liouvillian",
    "Direct",
    "Propagate",
    "SteadyState",
    "steady_state",
    "evolve",
    "full_dephasing",
    "choi_matrix",
    "is_completely_positive",
    "is_trace_preserving",
    "is_hermiticity_preserving",
    "detailed_balance_generator",
]

#: Smallest reciprocal condition number of the bordered steady-state system still taken as
#: a unique solution. A generator with a degenerate kernel gives rcond ~ machine epsilon
#: (1e-16); well-posed physical generators sit far above 1e-12.
SINGULAR_RCOND = 1e-12


# --------------------------------------------------------------------------- qutip boundary
def _is_qobj(x) -> bool:
    return type(x).__name__ == "Qobj" and type(x).__module__.startswith("qutip")


def _colstack_permutation(d: int) -> np.ndarray:
    """perm[i] = QuTiP (column-stacked) index of row-major index i = j*d + k."""
    j, k = np.divmod(np.arange(d * d), d)
    return j + k * d


def _from_qobj(x) -> np.ndarray:
    arr = np.asarray(x.full())
    if getattr(x, "issuper", False):
        d = int(round(np.sqrt(arr.shape[0])))
        p = _colstack_permutation(d)
        return arr[np.ix_(p, p)]
    return arr


def _to_qobj_super(matrix: np.ndarray):
    import qutip  # optional extra; only reached when the caller passed a Qobj

    d = int(round(np.sqrt(matrix.shape[0])))
    p = _colstack_permutation(d)
    inv = np.empty_like(p)
    inv[p] = np.arange(p.size)
    return qutip.Qobj(matrix[np.ix_(inv, inv)], dims=[[[d], [d]], [[d], [d]]], superrep="super")


def _to_qobj_oper(rho: np.ndarray):
    import qutip  # optional extra; only reached when the caller passed a Qobj

    return qutip.Qobj(rho)


# --------------------------------------------------------------------------- conversions
def to_matrix(superop) -> np.ndarray:
    """Matrix form ``(d*d, d*d)`` of a superoperator tensor ``(d, d, d, d)``.

    Accepts either form (and a QuTiP ``super`` Qobj) and returns the matrix acting on the
    row-major ``rho.ravel()``. Leading batch axes are kept.

    Examples
    --------
    >>> S = np.eye(4).reshape(2, 2, 2, 2)
    >>> to_matrix(S).shape
    (4, 4)
    """
    if _is_qobj(superop):
        return _from_qobj(superop)
    arr = np.asarray(superop)
    if arr.ndim >= 4 and arr.shape[-4] == arr.shape[-3] == arr.shape[-2] == arr.shape[-1]:
        d = arr.shape[-1]
        return arr.reshape(arr.shape[:-4] + (d * d, d * d))
    if arr.ndim >= 2 and arr.shape[-1] == arr.shape[-2]:
        n = arr.shape[-1]
        d = int(round(np.sqrt(n)))
        if d * d == n:
            return arr
    raise ParameterError(
        f"superoperator must have shape (..., d, d, d, d) or (..., d*d, d*d), got {arr.shape}"
    )


def to_tensor(superop) -> np.ndarray:
    """Tensor form ``S[j1, k1, j, k]`` of a superoperator given in matrix form (or tensor).

    Examples
    --------
    >>> M = np.arange(16.0).reshape(4, 4)
    >>> np.array_equal(to_matrix(to_tensor(M)), M)
    True
    """
    m = to_matrix(superop)
    d = int(round(np.sqrt(m.shape[-1])))
    return m.reshape(m.shape[:-2] + (d, d, d, d))


def apply(superop, rho) -> np.ndarray:
    """Apply a superoperator (either form) to a state: ``rho1 = S[j1,k1,j,k] rho[j,k]``.

    Examples
    --------
    >>> apply(np.eye(4), np.diag([0.25, 0.75])).diagonal()
    array([0.25, 0.75])
    """
    m = to_matrix(superop)
    r = _from_qobj(rho) if _is_qobj(rho) else np.asarray(rho)
    d = r.shape[-1]
    out = (m @ r.reshape(r.shape[:-2] + (d * d,))[..., None])[..., 0]
    return out.reshape(r.shape)


# --------------------------------------------------------------------------- generators
def _operator(name: str, op) -> tuple[np.ndarray, bool]:
    if _is_qobj(op):
        return require_square(name, _from_qobj(op)), True
    return require_square(name, op), False


def commutator_superop(operator) -> np.ndarray:
    r"""Matrix of :math:`X \mapsto [A, X] = AX - XA` in the row-major convention.

    With row-major vectorisation vec(A X B) = (A kron B^T) vec(X), so the matrix is
    ``kron(A, 1) - kron(1, A^T)``. Returns a QuTiP ``super`` Qobj if `operator` is a Qobj.

    Examples
    --------
    >>> sz = np.diag([1.0, -1.0])
    >>> commutator_superop(sz).diagonal()
    array([ 0.,  2., -2.,  0.])
    """
    a, q = _operator("operator", operator)
    one = np.eye(a.shape[0])
    m = np.kron(a, one) - np.kron(one, a.T)
    return _to_qobj_super(m) if q else m


def lindblad_dissipator(jump_op) -> np.ndarray:
    r"""Matrix of :math:`\mathcal{D}[L]\rho = L\rho L^\dagger - \tfrac12\{L^\dagger L, \rho\}`.

    Row-major: ``kron(L, conj(L)) - (kron(LdL, 1) + kron(1, LdL^T)) / 2``. The map
    :math:`e^{t\mathcal{D}}` is completely positive and trace preserving for every t >= 0.
    Returns a QuTiP ``super`` Qobj if `jump_op` is a Qobj.

    Examples
    --------
    >>> sm = np.array([[0.0, 1.0], [0.0, 0.0]])  # |0><1|: decay to the ground state
    >>> apply(lindblad_dissipator(sm), np.diag([0.0, 1.0])).diagonal()
    array([ 1., -1.])
    """
    lop, q = _operator("jump_op", jump_op)
    one = np.eye(lop.shape[0])
    ldl = lop.conj().T @ lop
    m = np.kron(lop, lop.conj()) - 0.5 * (np.kron(ldl, one) + np.kron(one, ldl.T))
    return _to_qobj_super(m) if q else m


def liouvillian(hamiltonian, jump_ops=(), rates=None) -> np.ndarray:
    r"""Lindblad generator :math:`\mathcal{L}\rho = -i[H,\rho] + \sum_k \gamma_k \mathcal{D}[L_k]\rho`.

    (hbar = 1.) This is the form of Eq. (6) of Gaida et al. (2025) and of Eq. (8) of
    Tabanera-Bravo et al. (2023) with its collision term.

    Parameters
    ----------
    hamiltonian : ndarray, shape (d, d), or Qobj
        Hermitian.
    jump_ops : sequence of ndarray, shape (d, d), or Qobj
    rates : sequence of float, optional
        Non-negative rates gamma_k (default: all one).

    Returns
    -------
    ndarray, shape (d*d, d*d), complex128
        Matrix form (row-major); a QuTiP ``super`` Qobj if any input is a Qobj.

    Examples
    --------
    >>> sm = np.array([[0.0, 1.0], [0.0, 0.0]])
    >>> L = liouvillian(np.diag([0.0, 1.0]), [sm], [0.5])
    >>> np.allclose(steady_state(L), np.diag([1.0, 0.0]))
    True
    """
    h, q = _operator("hamiltonian", hamiltonian)
    require_hermitian("hamiltonian", h)
    d = h.shape[0]
    jump_ops = list(jump_ops)
    if rates is None:
        rates = np.ones(len(jump_ops))
    rates = np.asarray(rates, dtype=float).ravel()
    if rates.size != len(jump_ops):
        raise ParameterError(
            f"rates has {rates.size} entries but there are {len(jump_ops)} jump_ops"
        )
    require_nonnegative("rates", rates)
    m = -1j * commutator_superop(h)
    for i, (op, g) in enumerate(zip(jump_ops, rates)):
        lop, qi = _operator(f"jump_ops[{i}]", op)
        q = q or qi
        if lop.shape != (d, d):
            raise ParameterError(f"jump_ops[{i}] must have shape {(d, d)}, got {lop.shape}")
        m = m + g * lindblad_dissipator(lop)
    return _to_qobj_super(m) if q else m


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


def _check_generator(generator) -> tuple[np.ndarray, int]:
    m = to_matrix(generator)
    require_finite("generator", m)
    d = int(round(np.sqrt(m.shape[-1])))
    return m, d


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


def steady_state(generator, *, method: Direct | Propagate = Direct(), full_output: bool = False):
    r"""Stationary state :math:`\mathcal{L}\rho = 0`, :math:`\mathrm{tr}\,\rho = 1`.

    Parameters
    ----------
    generator : ndarray, shape (..., d*d, d*d) or (..., d, d, d, d), or QuTiP super Qobj
        Generator(s) of trace-preserving dynamics; leading axes are a batch, solved in one
        vectorised LAPACK call.
    method : Direct or Propagate
        Direct linear solve (default) or long-time propagation.
    full_output : bool
        Return a `SteadyState` (state, residual, kernel) instead of the state alone; with a
        degenerate kernel this returns its basis instead of raising.

    Returns
    -------
    ndarray, shape (..., d, d), or SteadyState, or Qobj if a Qobj was passed.

    Raises
    ------
    NonUniqueSteadyStateError
        When the kernel of the generator is more than one-dimensional (and not full_output).

    Examples
    --------
    >>> sm = np.array([[0.0, 1.0], [0.0, 0.0]])
    >>> L = liouvillian(np.diag([0.0, 1.0]), [sm, sm.T], [2.0, 1.0])  # down 2, up 1
    >>> np.round(steady_state(L).diagonal().real, 12)
    array([0.66666667, 0.33333333])
    """
    q = _is_qobj(generator)
    m, d = _check_generator(generator)
    batch = m.shape[:-2]
    mb = m.reshape((-1, d * d, d * d))
    match method:
        case Direct():
            states, rcond = _solve_direct(mb, d)
        case Propagate(t_start=t0, tol=tol, max_iter=n_iter):
            states = np.stack([_solve_propagate(x, d, t0, tol, n_iter) for x in mb])
            rcond = None
        case _:
            raise TypeError(f"method must be Direct() or Propagate(...), got {method!r}")
    states = 0.5 * (states + states.conj().transpose(0, 2, 1))
    residual = np.max(np.abs(mb @ states.reshape(-1, d * d, 1)), axis=(1, 2))
    if rcond is not None and np.any(rcond < SINGULAR_RCOND):
        bad = int(np.flatnonzero(rcond < SINGULAR_RCOND)[0])
        kernel = _kernel_basis(mb[bad], d)
        if not full_output:
            where = f" (batch item {bad})" if batch else ""
            raise NonUniqueSteadyStateError(
                f"generator{where} has a {kernel.shape[0]}-dimensional kernel: the steady state "
                "is not unique; pass full_output=True to get the kernel basis",
                kernel.shape[0],
            )
        return SteadyState(
            state=states.reshape(batch + (d, d)), residual=residual.reshape(batch),
            kernel_dimension=kernel.shape[0], kernel=kernel,
        )
    out = states.reshape(batch + (d, d))
    if not np.iscomplexobj(m):
        out = out.real
    if full_output:
        return SteadyState(state=out, residual=residual.reshape(batch))
    if q:
        return _to_qobj_oper(out)
    return out


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


# --------------------------------------------------------------------------- evolution
def evolve(generator, rho0, times) -> np.ndarray:
    r"""Solution :math:`\rho(t) = e^{t\mathcal{L}}\rho_0` at all `times` at once.

    Parameters
    ----------
    generator : ndarray, shape (d*d, d*d) or (d, d, d, d), or QuTiP super Qobj
    rho0 : ndarray, shape (d, d), or Qobj
    times : array_like, shape (nt,)
        Any real times (need not be sorted or uniform).

    Returns
    -------
    ndarray, shape (nt, d, d), complex128
        (a list of Qobj if rho0 is a Qobj)

    Notes
    -----
    One eigendecomposition L = V diag(lambda) V^-1 serves every time. If V is
    ill-conditioned (cond > 1e8, i.e. L is close to non-diagonalisable and the eigenvector
    route would lose more than half the digits), the states are computed by
    ``scipy.sparse.linalg.expm_multiply`` between consecutive sorted times instead.

    Examples
    --------
    >>> sm = np.array([[0.0, 1.0], [0.0, 0.0]])
    >>> L = liouvillian(np.zeros((2, 2)), [sm], [1.0])
    >>> round(float(evolve(L, np.diag([0.0, 1.0]), [np.log(2)])[0, 1, 1].real), 12)
    0.5
    """
    q = _is_qobj(rho0)
    m, d = _check_generator(generator)
    if m.ndim != 2:
        raise ParameterError(f"evolve takes one generator, got batch shape {m.shape[:-2]}")
    r0 = _from_qobj(rho0) if q else np.asarray(rho0)
    require_shape("rho0", r0, f"({d}, {d})")
    require_finite("rho0", r0)
    t = np.atleast_1d(np.asarray(times, dtype=float))
    require_finite("times", t)
    lam, v = np.linalg.eig(m)
    cond = np.linalg.cond(v)
    if cond < 1e8:
        c = np.linalg.solve(v, r0.ravel().astype(complex))
        out = np.einsum("ik,tk->ti", v, np.exp(np.outer(t, lam)) * c)
    else:
        order = np.argsort(t)
        out = np.empty((t.size, d * d), dtype=complex)
        vec, t_prev = r0.ravel().astype(complex), 0.0
        for i in order:
            vec = expm_multiply(m * (t[i] - t_prev), vec)
            out[i], t_prev = vec, t[i]
    states = out.reshape(t.size, d, d)
    if q:
        return [_to_qobj_oper(s) for s in states]
    return states


# --------------------------------------------------------------------------- maps
def full_dephasing(energies, *, atol: float = 1e-12) -> np.ndarray:
    r"""Dephasing map in the energy eigenbasis (Eqs. (3)-(4) of Tabanera-Bravo et al. 2023).

    :math:`\mathcal{D}\rho = \lim_{T\to\infty} \frac1T\int_0^T e^{-iHt}\rho e^{iHt}dt`: keeps
    :math:`\rho_{jk}` where :math:`e_j = e_k` (within `atol`) and removes all other
    coherences.

    Parameters
    ----------
    energies : ndarray, shape (d,)

    Returns
    -------
    ndarray, shape (d, d, d, d), float64
        Tensor ``D[j1, k1, j, k]``.

    Examples
    --------
    >>> D = full_dephasing(np.array([0.0, 1.0]))
    >>> apply(D, np.full((2, 2), 0.5))
    array([[0.5, 0. ],
           [0. , 0.5]])
    """
    e = np.asarray(energies, dtype=float)
    if e.ndim != 1 or e.size == 0:
        raise ParameterError(f"energies must be a non-empty 1D array, got shape {e.shape}")
    require_finite("energies", e)
    d = e.size
    keep = np.abs(e[:, None] - e[None, :]) <= atol
    eye = np.eye(d)
    return np.einsum("aj,bk,jk->abjk", eye, eye, keep.astype(float))


def choi_matrix(superop) -> np.ndarray:
    r"""Choi matrix :math:`C = \sum_{jk} |j\rangle\langle k| \otimes \Phi(|j\rangle\langle k|)`.

    ``C[(j, j1), (k, k1)] = S[j1, k1, j, k]``; Phi is completely positive iff C >= 0.
    """
    s = to_tensor(superop)
    d = s.shape[-1]
    return s.transpose(2, 0, 3, 1).reshape(d * d, d * d)


def is_completely_positive(superop, *, atol: float = 1e-10) -> bool:
    """True if the Choi matrix is Hermitian with eigenvalues >= -atol (Choi's theorem).

    Examples
    --------
    >>> is_completely_positive(full_dephasing(np.array([0.0, 1.0])))
    True
    """
    c = choi_matrix(superop)
    if np.max(np.abs(c - c.conj().T)) > atol:
        return False
    return bool(np.linalg.eigvalsh(0.5 * (c + c.conj().T))[0] >= -atol)


def is_trace_preserving(superop, *, atol: float = 1e-10) -> bool:
    r"""True if :math:`\sum_{j_1} S[j_1, j_1, j, k] = \delta_{jk}` within `atol`.

    Examples
    --------
    >>> is_trace_preserving(full_dephasing(np.array([0.0, 1.0])))
    True
    """
    s = to_tensor(superop)
    d = s.shape[-1]
    return bool(np.max(np.abs(np.einsum("aajk->jk", s) - np.eye(d))) <= atol)


def is_hermiticity_preserving(superop, *, atol: float = 1e-10) -> bool:
    r"""True if :math:`S[j_1,k_1,j,k] = \overline{S[k_1,j_1,k,j]}` (maps Hermitian to Hermitian).

    Examples
    --------
    >>> is_hermiticity_preserving(np.eye(4))
    True
    """
    s = to_tensor(superop)
    return bool(np.max(np.abs(s - s.transpose(1, 0, 3, 2).conj())) <= atol)


def detailed_balance_generator(energies, beta: float, rates, *, hamiltonian: bool = True):
    r"""Davies-type generator of a non-degenerate d-level system obeying detailed balance.

    For every pair i < j (e_i < e_j) it adds the jump :math:`|i\rangle\langle j|` with rate
    :math:`\gamma_{ij}` (down) and :math:`|j\rangle\langle i|` with rate
    :math:`\gamma_{ij} e^{-\beta(e_j-e_i)}` (up), plus :math:`-i[H,\cdot]` with
    :math:`H=\mathrm{diag}(e)`. Its unique steady state is the Gibbs state at `beta`
    (detailed balance :math:`W_{j\leftarrow i}e^{-\beta e_i} = W_{i\leftarrow j}e^{-\beta e_j}`),
    the law every collisional model of the papers must reproduce in its thermal limit.

    Parameters
    ----------
    energies : ndarray, shape (d,)
        Sorted ascending, non-degenerate.
    beta : float
        Inverse temperature (finite).
    rates : ndarray, shape (d, d)
        Downward rates gamma_ij >= 0 read from the strict upper triangle (i < j).
    hamiltonian : bool
        Include the coherent part (default True).

    Returns
    -------
    ndarray, shape (d*d, d*d), complex128

    Examples
    --------
    >>> L = detailed_balance_generator(np.array([0.0, 1.0]), 1.0, np.ones((2, 2)))
    >>> np.round(steady_state(L).diagonal().real, 6)
    array([0.731059, 0.268941])
    """
    e = np.asarray(energies, dtype=float)
    if e.ndim != 1 or e.size < 1:
        raise ParameterError(f"energies must be a non-empty 1D array, got shape {e.shape}")
    require_finite("energies", e)
    if np.any(np.diff(e) <= 0):
        raise ParameterError(f"energies={e!r} must be sorted ascending and non-degenerate")
    require_finite("beta", beta)
    g = np.asarray(rates, dtype=float)
    d = e.size
    require_shape("rates", g, f"({d}, {d})")
    iu = np.triu_indices(d, 1)
    require_nonnegative("rates (upper triangle)", g[iu])
    ops, rs = [], []
    for i, j in zip(*iu):
        down = np.zeros((d, d))
        down[i, j] = 1.0
        ops += [down, down.T]
        rs += [g[i, j], g[i, j] * np.exp(-beta * (e[j] - e[i]))]
    h = np.diag(e) if hamiltonian else np.zeros((d, d))
    return liouvillian(h, ops, rs)
