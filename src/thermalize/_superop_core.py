"""Superoperator forms and the QuTiP boundary, Lindblad generators, the steady-state solve."""

from __future__ import annotations

import numpy as np

from ._steady_state import (
    SINGULAR_RCOND,
    Direct,
    Propagate,
    SteadyState,
    _kernel_basis,
    _solve_direct,
    _solve_propagate,
)
from .errors import (
    NonUniqueSteadyStateError,
    ParameterError,
    require_finite,
    require_hermitian,
    require_nonnegative,
    require_square,
)

__all__ = [
    "apply",
    "commutator_superop",
    "lindblad_dissipator",
    "liouvillian",
    "steady_state",
    "to_matrix",
    "to_tensor",
]


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
# steady_state sits next to liouvillian (not in _steady_state) because each one's doctest
# uses the other; the methods, the result type and the solvers are in _steady_state.
def _check_generator(generator) -> tuple[np.ndarray, int]:
    m = to_matrix(generator)
    require_finite("generator", m)
    d = int(round(np.sqrt(m.shape[-1])))
    return m, d


def steady_state(generator, *, method: Direct | Propagate = Direct(), full_output: bool = False):  # noqa: B008 (frozen dataclass)
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
