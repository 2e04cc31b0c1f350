"""Superoperator forms (tensor, dense matrix, scipy.sparse CSR) and the QuTiP boundary."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import ParameterError, require_dense_size, require_finite

__all__ = ["to_matrix", "to_tensor", "apply"]


# --------------------------------------------------------------------------- qutip boundary
def _is_qobj(x) -> bool:
    return type(x).__name__ == "Qobj" and type(x).__module__.startswith("qutip")


def _colstack_permutation(d: int) -> np.ndarray:
    """perm[i] = QuTiP (column-stacked) index of row-major index i = j*d + k."""
    j, k = np.divmod(np.arange(d * d), d)
    return j + k * d


def _qobj_data(x):
    """The matrix of a Qobj: scipy CSR if QuTiP stores it sparse, else a dense ndarray."""
    if type(x.data).__name__ == "CSR" and hasattr(x.data, "as_scipy"):
        return sp.csr_matrix(x.data.as_scipy())
    return np.asarray(x.full())


def _from_qobj(x):
    arr = _qobj_data(x) if getattr(x, "issuper", False) else np.asarray(x.full())
    if getattr(x, "issuper", False):
        d = int(round(np.sqrt(arr.shape[0])))
        p = _colstack_permutation(d)
        return arr[p][:, p] if sp.issparse(arr) else arr[np.ix_(p, p)]
    return arr


def _super_dims(d: int, template) -> list:
    """QuTiP dims of a superoperator on d x d operators: those of a super Qobj `template`, or
    [op dims, op dims] of an operator Qobj `template` (composite dims kept), else [[[d], [d]]]*2."""
    dims = getattr(template, "dims", None)
    if dims is not None and getattr(template, "issuper", False):
        if int(np.prod(dims[0][0])) == d:
            return dims
    elif dims is not None and int(np.prod(dims[0])) == d and int(np.prod(dims[1])) == d:
        return [dims, dims]
    return [[[d], [d]], [[d], [d]]]


def _to_qobj_super(matrix, template=None):
    """Row-major matrix -> QuTiP column-stacked ``super`` Qobj, with the dims of `template`
    (an operator or superoperator Qobj the result acts on/with) where they fit."""
    import qutip  # optional extra; only reached when the caller passed a Qobj

    d = int(round(np.sqrt(matrix.shape[0])))
    p = _colstack_permutation(d)
    inv = np.empty_like(p)
    inv[p] = np.arange(p.size)
    m = sp.csr_matrix(matrix)[inv][:, inv] if sp.issparse(matrix) else matrix[np.ix_(inv, inv)]
    return qutip.Qobj(m, dims=_super_dims(d, template), superrep="super")


def _to_qobj_oper(rho, template=None):
    import qutip  # optional extra; only reached when the caller passed a Qobj

    dims = getattr(template, "dims", None)
    if dims is not None and getattr(template, "issuper", False):
        dims = dims[0]  # a super Qobj's dims are [[rows], [cols]] of the operator space
    if dims is not None and int(np.prod(dims[0])) == rho.shape[0]:
        return qutip.Qobj(rho, dims=dims)
    return qutip.Qobj(rho)


# --------------------------------------------------------------------------- conversions
def _dim_of(n: int, shape, name: str = "superop") -> int:
    d = int(round(np.sqrt(n)))
    if d * d != n or d == 0:
        raise ParameterError(
            f"{name} (a superoperator) must have shape (..., d, d, d, d) or (..., d*d, d*d), "
            f"got {shape}"
        )
    return d


def to_matrix(superop, *, name: str = "superop"):
    """Matrix form ``(d*d, d*d)`` of a superoperator tensor ``(d, d, d, d)``.

    Accepts either form, a ``scipy.sparse`` matrix (returned as CSR) and a QuTiP ``super``
    Qobj, and returns the matrix acting on the row-major ``rho.ravel()``. Leading batch axes
    are kept. `name` is the argument named in error messages (e.g. ``"generator"``).

    Examples
    --------
    >>> S = np.eye(4).reshape(2, 2, 2, 2)
    >>> to_matrix(S).shape
    (4, 4)
    """
    if not isinstance(name, str):
        raise ParameterError(f"name: expected a string, got {name!r} ({type(name).__name__})")
    if _is_qobj(superop):
        return _from_qobj(superop)
    if sp.issparse(superop):
        if superop.ndim != 2 or superop.shape[0] != superop.shape[1]:
            raise ParameterError(f"{name} (a superoperator) must be square, got shape "
                                 f"{superop.shape}")
        _dim_of(superop.shape[0], superop.shape, name)
        return sp.csr_matrix(superop)
    arr = superop if isinstance(superop, np.ndarray) else np.asarray(superop)
    if arr.dtype == object or not (arr.dtype.kind in "biufc"):
        raise ParameterError(
            f"{name} (a superoperator) must be a numeric array, got "
            f"{type(superop).__name__} of dtype {arr.dtype}"
        )
    if arr.ndim >= 4 and arr.shape[-4] == arr.shape[-3] == arr.shape[-2] == arr.shape[-1]:
        d = arr.shape[-1]
        return arr.reshape(arr.shape[:-4] + (d * d, d * d))
    if arr.ndim >= 2 and arr.shape[-1] == arr.shape[-2]:
        _dim_of(arr.shape[-1], arr.shape, name)
        return arr
    raise ParameterError(
        f"{name} (a superoperator) must have shape (..., d, d, d, d) or (..., d*d, d*d), got "
        f"{arr.shape}"
    )


def _densify(name: str, m):
    """Dense copy of a sparse matrix, after the memory guard."""
    if not sp.issparse(m):
        return m
    require_dense_size(name, m.shape, itemsize=m.dtype.itemsize)
    return m.toarray()


def to_tensor(superop) -> np.ndarray:
    """Tensor form ``S[j1, k1, j, k]`` of a superoperator given in matrix form (or tensor).

    A sparse matrix is made dense first (subject to `thermalize.errors.MAX_DENSE_BYTES`).

    Examples
    --------
    >>> M = np.arange(16.0).reshape(4, 4)
    >>> np.array_equal(to_matrix(to_tensor(M)), M)
    True
    """
    m = _densify("superop", to_matrix(superop))
    d = int(round(np.sqrt(m.shape[-1])))
    return m.reshape(m.shape[:-2] + (d, d, d, d))


def apply(superop, rho) -> np.ndarray:
    """Apply a superoperator (either form, dense or sparse) to an operator: ``rho1 = S[j1,k1,j,k] rho[j,k]``.

    Any (..., d, d) matrix is a valid operand (a state, an observable, a dissipator's output):
    the map is linear, so no density-matrix check is made.

    Leading batch axes of `rho` (and of a dense `superop`) broadcast. Returns a Qobj if `rho`
    is one.

    Examples
    --------
    >>> apply(np.eye(4), np.diag([0.25, 0.75])).diagonal()
    array([0.25, 0.75])
    """
    m = to_matrix(superop)
    q = _is_qobj(rho)
    r = _from_qobj(rho) if q else np.asarray(rho)
    d = int(round(np.sqrt(m.shape[-1])))
    if r.ndim < 2 or r.shape[-2:] != (d, d):
        raise ParameterError(f"rho must have shape (..., {d}, {d}), got shape {r.shape}")
    require_finite("rho", r)
    if sp.issparse(m):
        flat = r.reshape(-1, d * d)
        out = np.asarray(m @ flat.T).T.reshape(r.shape)
    else:
        out = (m @ r.reshape(r.shape[:-2] + (d * d,))[..., None])[..., 0]
        out = out.reshape(out.shape[:-1] + (d, d))
    return _to_qobj_oper(out, rho) if q else out
