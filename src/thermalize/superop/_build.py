"""Lindblad generators, commutators and dissipators: dense (batched) or scipy.sparse CSR."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import ParameterError, as_array, require_dense_size
from ._convert import _is_qobj, _qobj_data, _to_qobj_super, apply  # noqa: F401 (doctests)

__all__ = ["commutator_superop", "lindblad_dissipator", "liouvillian", "AUTO_SPARSE_DIM"]

#: ``sparse=None`` builds a CSR generator when an input is a ``scipy.sparse`` matrix, or when
#: a single (unbatched) model has d > AUTO_SPARSE_DIM and its generator is estimated to be
#: at most `AUTO_SPARSE_FILL` full. At d = 32 the dense generator is 16 MiB and a dense LU
#: takes about a second; above it the sparse route wins for local (few-body) operators.
AUTO_SPARSE_DIM = 32
AUTO_SPARSE_FILL = 0.1


def _operand(name: str, op, *, batch_ok: bool, min_ndim: int = 2):
    """`op` as a finite numeric ndarray or CSR matrix; a Qobj is read at the boundary."""
    if _is_qobj(op):
        op = _qobj_data(op)
    if sp.issparse(op):
        m = sp.csr_matrix(op)
        if m.shape[0] != m.shape[1] or m.shape[0] == 0:
            raise ParameterError(f"{name} must be a non-empty square matrix, got shape {m.shape}")
        if not np.all(np.isfinite(m.data)):
            raise ParameterError(f"{name} must be finite (no NaN or inf)")
        return m
    if isinstance(op, str) or op is None:
        raise ParameterError(f"{name}: expected a square matrix, got {op!r} ({type(op).__name__})")
    arr = op if isinstance(op, np.ndarray) else np.asarray(op)
    if arr.dtype.kind not in "biufc":
        raise ParameterError(f"{name} must be a numeric matrix, got dtype {arr.dtype}")
    if arr.ndim < min_ndim or (not batch_ok and arr.ndim != min_ndim) or arr.shape[-1] != arr.shape[-2]:
        want = "(..., d, d)" if batch_ok else "(d, d)"
        raise ParameterError(f"{name} must have shape {want}, got shape {arr.shape}")
    if arr.shape[-1] == 0:
        raise ParameterError(f"{name} must be non-empty, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ParameterError(f"{name} must be finite (no NaN or inf)")
    return arr


def _check_hermitian(name: str, h, rtol: float = 1e-10) -> None:
    """Hermiticity within rtol * max(1, max|H|) per model (kwant's scaled check), O(d^2)."""
    if sp.issparse(h):
        diff = abs(h - h.conj().T)
        err = float(diff.max()) if diff.nnz else 0.0
        scale = max(1.0, float(abs(h).max()) if h.nnz else 0.0)
    else:
        err = float(np.max(np.abs(h - np.swapaxes(h, -1, -2).conj()), initial=0.0))
        scale = max(1.0, float(np.max(np.abs(h), initial=0.0)))
    if err > rtol * scale:
        raise ParameterError(
            f"{name} must be Hermitian: max|{name} - {name}^dagger| = {err:.3g} exceeds "
            f"{rtol:g} * {scale:.3g}"
        )


def _dense_kron_sum(a: np.ndarray, jumps: np.ndarray | None, rates: np.ndarray | None):
    """Row-major matrix of rho -> a rho + rho a^dagger + sum_k g_k J_k rho J_k^dagger.

    ``vec(X rho Y) = kron(X, Y^T) vec(rho)``; batched over the leading axes of `a`. The jump
    sum is one matrix product of shape (d^2, K) x (K, d^2) per model.
    """
    d = a.shape[-1]
    batch = a.shape[:-2]
    if jumps is not None and jumps.shape[-3] > 0:
        k = jumps.shape[-3]
        left = (rates[..., :, None, None] * jumps).reshape(batch + (k, d * d))
        right = np.broadcast_to(jumps.conj(), batch + jumps.shape[-3:]).reshape(batch + (k, d * d))
        prod = np.swapaxes(left, -1, -2) @ right  # [(a, j), (b, k)]
        out = prod.reshape(batch + (d, d, d, d)).swapaxes(-3, -2).copy()  # [a, b, j, k]
    else:
        out = np.zeros(batch + (d, d, d, d), dtype=complex)
    ac = a.conj()
    for i in range(d):
        out[..., :, i, :, i] += a  # kron(a, 1)
        out[..., i, :, i, :] += ac  # kron(1, conj(a)) = kron(1, (a^dagger)^T)
    return out.reshape(batch + (d * d, d * d))


def _kron_coo(x, y, scale=1.0):
    """(rows, cols, data) of scale * kron(x, y) for COO matrices x, y, by index arithmetic
    (int32 indices while the product dimension allows, as scipy would choose)."""
    dy = y.shape[0]
    it = np.int32 if x.shape[0] * dy < 2**31 else np.int64
    rows = (x.row.astype(it)[:, None] * it(dy) + y.row.astype(it)[None, :]).ravel()
    cols = (x.col.astype(it)[:, None] * it(dy) + y.col.astype(it)[None, :]).ravel()
    return rows, cols, ((scale * x.data)[:, None] * y.data[None, :]).ravel()


def _sparse_kron_sum(a, jumps, rates):
    """CSR of the same map as `_dense_kron_sum`: the entries of every Kronecker product by
    index arithmetic on COO triples, concatenated and summed once (O(total nnz), no scipy
    kron or repeated CSR additions)."""
    d = a.shape[0]
    one = sp.identity(d, dtype=complex, format="coo")
    ac = sp.coo_matrix(a)
    parts = [_kron_coo(ac, one), _kron_coo(one, ac.conj())]
    for j, g in zip(jumps, rates):
        if g != 0:
            jc = sp.coo_matrix(j)
            parts.append(_kron_coo(jc, jc.conj(), g))
    rows, cols, data = (np.concatenate(p) for p in zip(*parts))
    return sp.csr_matrix((data, (rows, cols)), shape=(d * d, d * d))


def _want_sparse(sparse, d: int, batched: bool, ops) -> bool:
    if sparse is not None:
        if not isinstance(sparse, (bool, np.bool_)):
            raise ParameterError(f"sparse must be True, False or None, got {sparse!r}")
        if sparse and batched:
            raise ParameterError("sparse=True builds one generator; batched inputs are dense only")
        return bool(sparse)
    if any(sp.issparse(o) for o in ops):
        return True
    if batched or d <= AUTO_SPARSE_DIM:
        return False
    nnz = [o.nnz if sp.issparse(o) else int(np.count_nonzero(o)) for o in ops]
    estimate = 2 * d * sum(nnz) + sum(n * n for n in nnz[1:])
    return estimate <= AUTO_SPARSE_FILL * d**4


def _as_csr(x):
    return sp.csr_matrix(x, dtype=complex)


def commutator_superop(operator, *, sparse: bool | None = None):
    r"""Matrix of :math:`X \mapsto [A, X] = AX - XA` in the row-major convention.

    With row-major vectorisation vec(A X B) = (A kron B^T) vec(X), so the matrix is
    ``kron(A, 1) - kron(1, A^T)``. Returns a QuTiP ``super`` Qobj if `operator` is a Qobj, CSR
    if `operator` is sparse or ``sparse=True``.

    Examples
    --------
    >>> sz = np.diag([1.0, -1.0])
    >>> commutator_superop(sz).diagonal()
    array([ 0.,  2., -2.,  0.])
    """
    q = _is_qobj(operator)
    a = _operand("operator", operator, batch_ok=False)
    d = a.shape[0]
    if _want_sparse(sparse, d, False, [a]):
        a = _as_csr(a)
        one = sp.identity(d, format="csr")
        m = (sp.kron(a, one) - sp.kron(one, a.T)).tocsr()
    else:
        require_dense_size("commutator_superop", (d * d, d * d), itemsize=a.dtype.itemsize)
        one = np.eye(d)
        m = np.kron(a, one) - np.kron(one, a.T)
    return _to_qobj_super(m, operator) if q else m


def lindblad_dissipator(jump_op, *, sparse: bool | None = None):
    r"""Matrix of :math:`\mathcal{D}[L]\rho = L\rho L^\dagger - \tfrac12\{L^\dagger L, \rho\}`.

    Row-major: ``kron(L, conj(L)) - (kron(LdL, 1) + kron(1, LdL^T)) / 2``. The map
    :math:`e^{t\mathcal{D}}` is completely positive and trace preserving for every t >= 0.
    Returns a QuTiP ``super`` Qobj if `jump_op` is a Qobj, CSR if sparse.

    Examples
    --------
    >>> sm = np.array([[0.0, 1.0], [0.0, 0.0]])  # |0><1|: decay to the ground state
    >>> apply(lindblad_dissipator(sm), np.diag([0.0, 1.0])).diagonal()
    array([ 1., -1.])
    """
    q = _is_qobj(jump_op)
    lop = _operand("jump_op", jump_op, batch_ok=False)
    d = lop.shape[0]
    if _want_sparse(sparse, d, False, [lop]):
        lop = _as_csr(lop)
        m = _sparse_kron_sum(-0.5 * (lop.conj().T @ lop), [lop], [1.0])
    else:
        require_dense_size("lindblad_dissipator", (d * d, d * d))
        lop = lop.astype(complex)
        m = _dense_kron_sum(-0.5 * (lop.conj().T @ lop), lop[None], np.ones(1))
        if not np.iscomplexobj(jump_op) and not q:
            m = m.real
    return _to_qobj_super(m, jump_op) if q else m


def _jump_stack(jump_ops, d_hint):
    """Jump operators as (list of CSR) or ndarray (..., K, d, d)."""
    if _is_qobj(jump_ops) or sp.issparse(jump_ops):
        jump_ops = [jump_ops]
    if isinstance(jump_ops, np.ndarray):
        if jump_ops.ndim == 2:
            jump_ops = jump_ops[None]
        return _operand("jump_ops", jump_ops, batch_ok=True, min_ndim=3), False
    try:
        items = list(jump_ops)
    except TypeError:
        raise ParameterError(
            f"jump_ops must be a sequence of (d, d) matrices, got {type(jump_ops).__name__}"
        ) from None
    ops = [_operand(f"jump_ops[{i}]", o, batch_ok=False) for i, o in enumerate(items)]
    for i, o in enumerate(ops):
        if o.shape != (d_hint, d_hint):
            raise ParameterError(f"jump_ops[{i}] must have shape {(d_hint, d_hint)}, got {o.shape}")
    if any(sp.issparse(o) for o in ops):
        return ops, True
    if not ops:
        return np.zeros((0, d_hint, d_hint), dtype=complex), False
    return np.stack(ops), False


def _rates(rates, k: int, batch_shape) -> np.ndarray:
    if rates is None:
        return np.ones(k)
    g = as_array("rates", rates, float, "non-negative real numbers")
    if np.iscomplexobj(np.asarray(rates)):
        raise ParameterError(f"rates={rates!r} must be real")
    if g.ndim == 0:
        g = np.full(k, float(g))  # one rate shared by every jump operator
    if g.shape[-1] != k:
        raise ParameterError(
            f"rates has {g.shape[-1]} entries per model but there are {k} jump_ops "
            "(give one rate per jump operator, or a single number for all)"
        )
    if not (np.isfinite(g).all() and (g >= 0).all()):
        raise ParameterError(f"rates={rates!r} is outside the allowed range [0, inf) (finite)")
    return g


def liouvillian(hamiltonian, jump_ops=(), rates=None, *, sparse: bool | None = None):
    r"""Lindblad generator :math:`\mathcal{L}\rho = -i[H,\rho] + \sum_k \gamma_k \mathcal{D}[L_k]\rho`.

    (hbar = 1.) This is the form of Eq. (6) of Gaida et al. (2025) and of Eq. (8) of
    Tabanera-Bravo et al. (2023) with its collision term.

    Parameters
    ----------
    hamiltonian : ndarray, shape (..., d, d), scipy.sparse matrix, or Qobj
        Hermitian (checked in O(d^2) per model, tolerance 1e-10 * max(1, max|H|)).
    jump_ops : sequence of (d, d) matrices (ndarray, sparse, Qobj), or ndarray (..., K, d, d)
        Leading axes of an ndarray are batch axes; a list is shared by every model.
    rates : float or array_like, shape (..., K), optional
        Non-negative rates gamma_k (default: all one; a single number applies to all).
    sparse : bool or None
        True: return a ``scipy.sparse`` CSR matrix, built in O(nnz). False: dense. None
        (default): sparse when an operator is sparse, or when one model has
        d > `AUTO_SPARSE_DIM` and its generator is estimated at most 10 % full.

    Returns
    -------
    ndarray, shape (..., d*d, d*d), complex128, or CSR matrix, or QuTiP ``super`` Qobj
        Matrix form (row-major); a Qobj if the Hamiltonian or a jump operator is one.

    Raises
    ------
    ParameterError
        Bad shapes, non-Hermitian H, negative or non-finite rates, or a dense result above
        `thermalize.errors.MAX_DENSE_BYTES` (the message suggests ``sparse=True``).

    Notes
    -----
    Built as ``kron(A, 1) + kron(1, conj A) + sum_k g_k kron(L_k, conj L_k)`` with
    :math:`A = -iH - \tfrac12\sum_k g_k L_k^\dagger L_k`: two Kronecker products with the
    identity and one (d^2, K) x (K, d^2) matrix product per model.

    Examples
    --------
    >>> from thermalize.superop import steady_state
    >>> sm = np.array([[0.0, 1.0], [0.0, 0.0]])
    >>> L = liouvillian(np.diag([0.0, 1.0]), [sm], [0.5])
    >>> np.allclose(steady_state(L), np.diag([1.0, 0.0]))
    True
    >>> liouvillian(np.zeros((5, 2, 2)), [sm], np.ones((5, 1))).shape  # a batch of 5
    (5, 4, 4)
    """
    q = _is_qobj(hamiltonian) or (
        not isinstance(jump_ops, np.ndarray)
        and (_is_qobj(jump_ops) or any(_is_qobj(o) for o in _iter_safe(jump_ops)))
    )
    h = _operand("hamiltonian", hamiltonian, batch_ok=True)
    _check_hermitian("hamiltonian", h)
    d = h.shape[-1]
    jumps, jumps_sparse = _jump_stack(jump_ops, d)
    k = len(jumps) if isinstance(jumps, list) else jumps.shape[-3]
    if not isinstance(jumps, list) and jumps.shape[-1] != d:
        raise ParameterError(f"jump_ops must have shape (..., K, {d}, {d}), got {jumps.shape}")
    g = _rates(rates, k, None)
    h_batch = () if sp.issparse(h) else h.shape[:-2]
    j_batch = () if isinstance(jumps, list) else jumps.shape[:-3]
    try:
        batch = np.broadcast_shapes(h_batch, j_batch, g.shape[:-1])
    except ValueError:
        raise ParameterError(
            f"batch shapes do not broadcast: hamiltonian {h_batch}, jump_ops {j_batch}, "
            f"rates {g.shape[:-1]}"
        ) from None
    ops = [h] + (jumps if isinstance(jumps, list) else [])
    if not isinstance(jumps, list) and not batch:
        ops += list(jumps)
    if _want_sparse(sparse, d, bool(batch), ops) or jumps_sparse:
        if batch:
            raise ParameterError("sparse generators are built one model at a time (no batch axes)")
        js = [_as_csr(j) for j in jumps]
        a = -1j * _as_csr(h)
        live = [np.sqrt(gk) * j for j, gk in zip(js, g) if gk != 0]
        if live:  # sum_k g_k L_k^dagger L_k as one product S^dagger S, S = [sqrt(g_k) L_k]
            stack = sp.vstack(live, format="csr")
            a = a - 0.5 * (stack.conj().T @ stack)
        m = _sparse_kron_sum(a.tocsr(), js, g)
    else:
        require_dense_size("liouvillian", batch + (d * d, d * d))
        hb = np.broadcast_to(h, batch + (d, d))
        jb = np.broadcast_to(jumps, batch + (k, d, d)).astype(complex, copy=False)
        gb = np.broadcast_to(g, batch + (k,))
        if not k:
            ldl = 0.0
        elif jumps.ndim == 3:  # shared operators: K products once, then one tensordot
            jdj = np.swapaxes(jumps, -1, -2).conj() @ jumps
            ldl = np.tensordot(gb, jdj, axes=([-1], [0]))
        else:
            ldl = ((gb[..., None, None] * np.swapaxes(jb, -1, -2).conj()) @ jb).sum(axis=-3)
        m = _dense_kron_sum(-1j * hb - 0.5 * ldl, jb, gb)
    if not q:
        return m
    if _is_qobj(hamiltonian) or _is_qobj(jump_ops):  # the dims of the operators given
        template = hamiltonian if _is_qobj(hamiltonian) else jump_ops
    else:
        template = next(o for o in _iter_safe(jump_ops) if _is_qobj(o))
    return _to_qobj_super(m, template)


def _iter_safe(x):
    try:
        return list(x)
    except TypeError:
        return []
