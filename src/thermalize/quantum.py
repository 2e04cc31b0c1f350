"""Quantum states and information measures: Gibbs states, entropies, ergotropy."""

from __future__ import annotations

import numpy as np

from ._density import (
    DENSITY_MATRIX_ATOL,
    EIGENVALUE_FLOOR,
    _density,
    _energies_of,
    validate_density_matrix,
)
from ._qutip import is_qobj, like, to_array
from .errors import (
    ParameterError,
    as_array,
    beta_or_temperature,
    require_dense_size,
    require_hermitian,
    require_real,
    require_square,
)

__all__ = [
    "EIGENVALUE_FLOOR",
    "DENSITY_MATRIX_ATOL",
    "gibbs_state",
    "gibbs_populations",
    "von_neumann_entropy",
    "shannon_entropy",
    "relative_entropy",
    "partial_trace",
    "mutual_information",
    "ergotropy",
    "passive_state",
    "trace_distance",
    "validate_density_matrix",
]

def gibbs_populations(energies: np.ndarray, beta: float | None = None, *,
                      temperature: float | None = None) -> np.ndarray:
    r"""Boltzmann weights :math:`p_j = e^{-\beta e_j}/Z` of levels `energies`.

    Parameters
    ----------
    energies : ndarray, shape (d,)
        Real energy levels (any order).
    beta : float
        Inverse temperature: any real, 0 (infinite temperature), negative (population
        inversion), or +/-inf (ground / top level; a degenerate level shares the weight).
    temperature : float, optional
        Alternative to `beta` (keyword only): beta = 1/temperature, temperature = 0 is
        beta = +inf.

    Returns
    -------
    ndarray, shape (d,), float64
        Populations, summing to one.

    Notes
    -----
    Computed as exp(-beta (e_j - e_ref)) with e_ref the lowest level for beta >= 0 and the
    highest for beta < 0, so no overflow occurs.

    Examples
    --------
    >>> gibbs_populations(np.array([0.0, 1.0]), beta=np.inf)
    array([1., 0.])
    """
    e, _ = _energies_of(energies)
    beta = beta_or_temperature(beta, temperature, allow_inf=True)
    if np.isinf(beta):
        target = e.min() if beta > 0 else e.max()
        # degenerate extremal level: equal weight within rounding of the eigenvalues
        w = (np.abs(e - target) <= 1e-12 * max(1.0, np.abs(e).max())).astype(float)
    else:
        ref = e.min() if beta >= 0 else e.max()
        w = np.exp(-beta * (e - ref))
    return w / w.sum()


def gibbs_state(energies_or_hamiltonian, beta: float | None = None, *,
                temperature: float | None = None):
    r"""Thermal (Gibbs) state :math:`\rho = e^{-\beta H}/Z`.

    Eq. (4) of Tabanera-Bravo et al., PRL 130, 200402 (2023); the same state is the fixed
    point of every detailed-balance generator in the other papers.

    Parameters
    ----------
    energies_or_hamiltonian : ndarray, shape (d,) or (d, d), or Qobj
        Energy levels (the state is then diagonal in that basis), or a Hermitian
        Hamiltonian matrix in any basis.
    beta : float
        Inverse temperature, any real or +/-inf (see `gibbs_populations`).
    temperature : float, optional
        Alternative to `beta` (keyword only).

    Returns
    -------
    ndarray, shape (d, d), or Qobj (with the Hamiltonian's dims) if a Qobj was passed
        float64 when energies are given, complex128 for a Hamiltonian; unit trace, positive.

    Examples
    --------
    >>> gibbs_state(np.array([0.0, 1.0]), beta=0.0).diagonal()
    array([0.5, 0.5])
    """
    e, v = _energies_of(energies_or_hamiltonian)
    require_dense_size("energies_or_hamiltonian (the (d, d) Gibbs state)", (e.size, e.size),
                       itemsize=8 if v is None else 16)
    p = gibbs_populations(e, beta_or_temperature(beta, temperature, allow_inf=True))
    rho = np.diag(p) if v is None else (v * p) @ v.conj().T
    return like(energies_or_hamiltonian, rho)


def shannon_entropy(probabilities, *, axis: int = -1) -> np.ndarray:
    r"""Shannon entropy :math:`-\sum_j p_j \ln p_j` (nats) along `axis`.

    Entries below `EIGENVALUE_FLOOR` (including tiny negative rounding) count as zero.

    Examples
    --------
    >>> float(shannon_entropy(np.array([0.5, 0.5])))  # ln 2
    0.6931471805599453
    """
    p = as_array("probabilities", probabilities, float, "real numbers")
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool) or not (
            -max(p.ndim, 1) <= axis < max(p.ndim, 1)):
        raise ParameterError(f"axis={axis!r} is not an axis of probabilities (shape {p.shape})")
    if not np.all(np.isfinite(p)):
        raise ParameterError("probabilities contain NaN or inf")
    if p.size and not (p.min() >= -1e-12 and p.max() <= 1 + 1e-12):
        raise ParameterError(f"probabilities must lie in [0, 1], got values in "
                             f"[{p.min():.3g}, {p.max():.3g}]")
    pc = np.where(p > EIGENVALUE_FLOOR, p, 1.0)  # log(1) = 0 for clipped entries
    return -np.sum(np.where(p > EIGENVALUE_FLOOR, p * np.log(pc), 0.0), axis=axis)


def von_neumann_entropy(rho, *, check: bool = True) -> float:
    r"""Von Neumann entropy :math:`S(\rho) = -\mathrm{tr}\,\rho\ln\rho` in nats.

    Parameters
    ----------
    rho : ndarray, shape (d, d), or Qobj
        Density matrix (tiny negative eigenvalues from rounding are clipped).
    check : bool
        Validate `rho` as a density matrix (default True).

    Returns
    -------
    float
        In [0, ln d].

    Examples
    --------
    >>> round(von_neumann_entropy(np.eye(2) / 2), 10)  # ln 2
    0.6931471806
    """
    _, lam = _density("rho", rho, check)
    return float(max(0.0, shannon_entropy(np.clip(lam, 0.0, 1.0))))


def relative_entropy(rho, sigma, *, check: bool = True) -> float:
    r"""Quantum relative entropy :math:`D(\rho\|\sigma) = \mathrm{tr}\,\rho(\ln\rho-\ln\sigma)`.

    Parameters
    ----------
    rho, sigma : ndarray, shape (d, d), or Qobj
        Density matrices.
    check : bool
        Validate both as density matrices (default True).

    Returns
    -------
    float
        >= 0, zero iff rho == sigma; ``inf`` when the support of rho is not contained in the
        support of sigma (never NaN).

    Notes
    -----
    Eigenvalues of sigma below `EIGENVALUE_FLOOR` define its kernel; the support condition
    is tested as ``<v|rho|v> > 1e-12`` for kernel vectors v.

    Examples
    --------
    >>> round(relative_entropy(np.diag([1.0, 0.0]), np.eye(2) / 2), 10)  # ln 2
    0.6931471806
    >>> relative_entropy(np.eye(2) / 2, np.diag([1.0, 0.0]))
    inf
    """
    r, lr, vr = _density("rho", rho, check, vectors=True)
    s, ls, vs = _density("sigma", sigma, check, vectors=True)
    if r.shape != s.shape:
        raise ParameterError(f"rho and sigma must have the same shape, got {r.shape}, {s.shape}")
    kernel = ls <= EIGENVALUE_FLOOR
    overlap = np.abs(vs.conj().T @ vr) ** 2  # overlap[i, j] = |<s_i|r_j>|^2
    lr = np.clip(lr, 0.0, None)
    if np.any(kernel) and float(np.sum(overlap[kernel] @ lr)) > 1e-12:
        return float("inf")
    log_s = np.log(np.where(kernel, 1.0, ls))
    cross = float(np.sum(lr[None, :] * overlap * np.where(kernel, 0.0, log_s)[:, None]))
    pc = np.where(lr > EIGENVALUE_FLOOR, lr, 1.0)  # -S(rho) without the [0, 1] check (check=False)
    value = float(np.sum(np.where(lr > EIGENVALUE_FLOOR, lr * np.log(pc), 0.0))) - cross
    return max(0.0, value)


def _check_dims(rho: np.ndarray, dims) -> tuple[int, ...]:
    if isinstance(dims, str) or dims is None:
        raise ParameterError(f"dims: expected a sequence of positive integers, got {dims!r}")
    try:
        raw = list(np.atleast_1d(dims).ravel())
    except Exception:  # noqa: BLE001 - anything that is not a sequence of numbers
        raise ParameterError(f"dims: expected a sequence of positive integers, got {dims!r}") from None
    out = []
    for x in raw:
        if not isinstance(x, (int, np.integer)) and not (
            isinstance(x, (float, np.floating)) and float(x).is_integer()
        ):
            raise ParameterError(f"dims={dims!r} must contain integers")
        out.append(int(x))
    dims = tuple(out)
    if not dims or any(d < 1 for d in dims) or int(np.prod(dims)) != rho.shape[0]:
        raise ParameterError(
            f"dims={dims} must be positive and multiply to the dimension {rho.shape[0]} of rho"
        )
    return dims


def _qobj_dims(rho, dims):
    """dims given, or read off a Qobj (its row dims)."""
    if dims is None and is_qobj(rho):
        return list(rho.dims[0])
    return dims


def _indices(name: str, value) -> list[int]:
    if isinstance(value, str) or value is None:
        raise ParameterError(f"{name}: expected subsystem indices, got {value!r}")
    arr = np.atleast_1d(np.asarray(value))
    if arr.dtype.kind not in "iu" and not (arr.dtype.kind == "f" and np.all(np.isfinite(arr))
                                           and np.all(arr == np.round(arr))):
        raise ParameterError(f"{name}={value!r} must be integer subsystem indices")
    return [int(k) for k in arr.ravel()]


def partial_trace(rho, dims=None, keep=None):
    """Reduced state on the subsystems `keep`, tracing out all others.

    Parameters
    ----------
    rho : ndarray, shape (D, D), or Qobj
        Operator on a composite system with D = prod(dims), subsystem 0 the most significant
        (Kronecker order, as ``np.kron(a, b)``). Any operator (not only states).
    dims : sequence of int
        Dimensions of the subsystems (optional for a Qobj: its dims).
    keep : sequence of int
        Indices of the subsystems kept, in the order they appear in the result.

    Returns
    -------
    ndarray, shape (prod(dims[keep]), prod(dims[keep])), or Qobj (dims of the kept systems)

    Examples
    --------
    >>> a, b = np.diag([1.0, 0.0]), np.eye(3) / 3
    >>> np.allclose(partial_trace(np.kron(a, b), [2, 3], keep=[1]), b)
    True
    """
    r = require_square("rho", to_array(rho) if not isinstance(rho, str) else rho)
    dims = _check_dims(r, _qobj_dims(rho, dims))
    keep = _indices("keep", keep)
    n = len(dims)
    if len(set(keep)) != len(keep) or any(k < 0 or k >= n for k in keep):
        raise ParameterError(f"keep={keep} must list distinct subsystem indices in [0, {n})")
    t = r.reshape(dims + dims)
    letters = "abcdefghijklmnopqrstuvwxyz"
    if 2 * n > len(letters):
        raise ParameterError(f"at most {len(letters) // 2} subsystems are supported, got {n}")
    row = [letters[i] for i in range(n)]
    col = [letters[n + i] if i in keep else letters[i] for i in range(n)]
    out = [letters[k] for k in keep] + [letters[n + k] for k in keep]
    res = np.einsum("".join(row) + "".join(col) + "->" + "".join(out), t)
    kept = [dims[k] for k in keep]
    dk = int(np.prod(kept)) if keep else 1
    res = res.reshape(dk, dk)
    if is_qobj(rho):
        import qutip  # optional extra; only reached when the caller passed a Qobj

        return qutip.Qobj(res, dims=[kept or [1], kept or [1]])
    return res


def mutual_information(rho, dims=None, part_a=None, part_b=None, *, check: bool = True) -> float:
    r"""Quantum mutual information :math:`I(A:B) = S(\rho_A) + S(\rho_B) - S(\rho_{AB})`.

    Parameters
    ----------
    rho : ndarray, shape (D, D), or Qobj
        Composite state (Kronecker order of `dims`).
    dims : sequence of int
        Optional for a Qobj (its dims).
    part_a, part_b : sequence of int
        Disjoint lists of subsystem indices; subsystems in neither are traced out.
    check : bool
        Validate `rho` as a density matrix (default True).

    Returns
    -------
    float
        >= 0 and symmetric in A, B.

    Examples
    --------
    >>> bell = np.zeros((4, 4)); bell[np.ix_([0, 3], [0, 3])] = 0.5
    >>> round(mutual_information(bell, [2, 2], [0], [1]), 10)  # 2 ln 2
    1.3862943611
    """
    a, b = _indices("part_a", part_a), _indices("part_b", part_b)
    if set(a) & set(b) or not a or not b:
        raise ParameterError(f"part_a={a} and part_b={b} must be non-empty and disjoint")
    r, _ = _density("rho", rho, check)
    dims = _qobj_dims(rho, dims)
    s_a = von_neumann_entropy(partial_trace(r, dims, a), check=False)
    s_b = von_neumann_entropy(partial_trace(r, dims, b), check=False)
    s_ab = von_neumann_entropy(partial_trace(r, dims, a + b), check=False)
    return max(0.0, s_a + s_b - s_ab)


def _hamiltonian(hamiltonian, d: int) -> np.ndarray:
    if isinstance(hamiltonian, str) or hamiltonian is None:
        raise ParameterError(f"hamiltonian: expected a matrix or levels, got {hamiltonian!r}")
    h = np.asarray(to_array(hamiltonian))
    if h.ndim == 1:
        if h.dtype.kind not in "iuf":
            raise ParameterError(f"hamiltonian levels must be real numbers, got dtype {h.dtype}")
        if h.size != d:
            raise ParameterError(f"hamiltonian has {h.size} levels, rho has dimension {d}")
        h = np.diag(h.astype(float))
    h = require_hermitian("hamiltonian", h)
    if h.shape != (d, d):
        raise ParameterError(f"rho {(d, d)} and hamiltonian {h.shape} must have the same shape")
    return h


def passive_state(rho, hamiltonian, *, check: bool = True):
    """Passive state of `rho`: its eigenvalues, in decreasing order, on increasing energies.

    Returns the matrix in the basis of `hamiltonian` (same basis as the input); a Qobj if
    `rho` is one. `check` validates `rho` as a density matrix (default True).

    Examples
    --------
    >>> passive_state(np.diag([0.25, 0.75]), np.array([0.0, 1.0])).diagonal()
    array([0.75, 0.25])
    """
    r, lam = _density("rho", rho, check)
    h = _hamiltonian(hamiltonian, r.shape[0])
    _, v = np.linalg.eigh(h)
    return like(rho, (v * lam[::-1]) @ v.conj().T)


def ergotropy(rho, hamiltonian, *, check: bool = True) -> float:
    r"""Ergotropy: the maximal work extractable by a unitary, :math:`W = \mathrm{tr}\,H\rho - \mathrm{tr}\,H\rho_p`.

    Allahverdyan, Balian, Nieuwenhuizen, EPL 67, 565 (2004); Eq. (23) of Gaida et al. (2025)
    is the diagonal special case.

    Parameters
    ----------
    rho : ndarray, shape (d, d), or Qobj
        Any density matrix (coherences allowed).
    hamiltonian : ndarray, shape (d,) or (d, d), or Qobj
        Levels (diagonal Hamiltonian in the basis of rho) or a Hermitian matrix.
    check : bool
        Validate `rho` as a density matrix (default True).

    Returns
    -------
    float
        >= 0; zero for passive states (e.g. Gibbs states at beta >= 0).

    Examples
    --------
    >>> ergotropy(np.diag([0.0, 1.0]), np.array([0.0, 1.0]))  # excited state of a qubit
    1.0
    """
    r, lam = _density("rho", rho, check)
    h = _hamiltonian(hamiltonian, r.shape[0])
    e = np.linalg.eigvalsh(h)
    energy = float(np.real(np.trace(h @ r)))
    return max(0.0, energy - float(lam[::-1] @ e))


def trace_distance(rho, sigma, *, check: bool = True) -> float:
    r"""Trace distance :math:`\tfrac12\|\rho-\sigma\|_1` (in [0, 1] for states).

    `rho`, `sigma`: ndarray (d, d) or Qobj; `check` validates both as density matrices
    (default True; pass False for general Hermitian operators).

    Examples
    --------
    >>> trace_distance(np.diag([1.0, 0.0]), np.diag([0.0, 1.0]))
    1.0
    """
    r, _ = _density("rho", rho, check)
    s, _ = _density("sigma", sigma, check)
    if r.shape != s.shape:
        raise ParameterError(f"rho and sigma must have the same shape, got {r.shape}, {s.shape}")
    return float(0.5 * np.sum(np.abs(np.linalg.eigvalsh(r - s))))
