"""Quantum states and information measures: Gibbs states, entropies, ergotropy."""

from __future__ import annotations

import numpy as np


from .errors import ParameterError, require_hermitian, require_int, require_real, require_square

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

#: Eigenvalues below this are treated as exact zeros inside logarithms (0 log 0 = 0).
#: Rounding of an eigendecomposition of a unit-trace matrix is ~d * 1e-16; 1e-14 sits above it.
EIGENVALUE_FLOOR = 1e-14

#: Default absolute tolerance of `validate_density_matrix` (Hermiticity, trace, positivity):
#: states built by quadrature or ODE integration carry errors of ~1e-10, so 1e-8 accepts them
#: while rejecting any physically meaningful violation.
DENSITY_MATRIX_ATOL = 1e-8


def _energies_of(energies_or_hamiltonian) -> tuple[np.ndarray, np.ndarray | None]:
    arr = np.asarray(energies_or_hamiltonian)
    if arr.ndim not in (1, 2):
        raise ParameterError(
            f"energies_or_hamiltonian: expected energies (a 1D array) or a Hamiltonian (a "
            f"square matrix), got {energies_or_hamiltonian!r:.80}")
    if arr.ndim == 1:
        if arr.size == 0 or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
            raise ParameterError(f"energies must be a non-empty real 1D array, got {arr!r}")
        if not np.all(np.isfinite(arr)):
            raise ParameterError(f"energies={arr!r} must be finite")
        return arr.astype(float), None
    h = require_hermitian("hamiltonian", arr)
    e, v = np.linalg.eigh(h)
    return e, v


def gibbs_populations(energies: np.ndarray, beta: float) -> np.ndarray:
    r"""Boltzmann weights :math:`p_j = e^{-\beta e_j}/Z` of levels `energies`.

    Parameters
    ----------
    energies : ndarray, shape (d,)
        Real energy levels (any order).
    beta : float
        Inverse temperature: any real, 0 (infinite temperature), negative (population
        inversion), or +/-inf (ground / top level; a degenerate level shares the weight).

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
    beta = require_real("beta", beta, allow_inf=True)
    if np.isinf(beta):
        target = e.min() if beta > 0 else e.max()
        # degenerate extremal level: equal weight within rounding of the eigenvalues
        w = (np.abs(e - target) <= 1e-12 * max(1.0, np.abs(e).max())).astype(float)
    else:
        ref = e.min() if beta >= 0 else e.max()
        w = np.exp(-beta * (e - ref))
    return w / w.sum()


def gibbs_state(energies_or_hamiltonian, beta: float) -> np.ndarray:
    r"""Thermal (Gibbs) state :math:`\rho = e^{-\beta H}/Z`.

    Eq. (4) of Tabanera-Bravo et al., PRL 130, 200402 (2023); the same state is the fixed
    point of every detailed-balance generator in the other papers.

    Parameters
    ----------
    energies_or_hamiltonian : ndarray, shape (d,) or (d, d)
        Energy levels (the state is then diagonal in that basis), or a Hermitian
        Hamiltonian matrix in any basis.
    beta : float
        Inverse temperature, any real or +/-inf (see `gibbs_populations`).

    Returns
    -------
    ndarray, shape (d, d)
        float64 when energies are given, complex128 for a Hamiltonian; unit trace, positive.

    Examples
    --------
    >>> gibbs_state(np.array([0.0, 1.0]), beta=0.0).diagonal()
    array([0.5, 0.5])
    """
    e, v = _energies_of(energies_or_hamiltonian)
    p = gibbs_populations(e, beta)
    if v is None:
        return np.diag(p)
    return (v * p) @ v.conj().T


#: Tolerance of the state checks of the entropy and work functions (trace and positivity,
#: relative to max(1, max|rho|) as kwant's Hermiticity check): looser than
#: `DENSITY_MATRIX_ATOL` so that states carrying integration error (~1e-8) pass, tight enough
#: to reject any physically meaningful violation (trace 3, an eigenvalue -0.5).
STATE_RTOL = 1e-6


def _state(name: str, rho, validate: bool) -> np.ndarray:
    """`rho` as a Hermitian array; with `validate` also unit trace and positive semidefinite."""
    if not isinstance(validate, (bool, np.bool_)):
        raise ParameterError(f"validate: expected True or False, got {validate!r}")
    arr = require_hermitian(name, rho, rtol=1e-8)
    if validate:
        scale = max(1.0, float(np.max(np.abs(arr))))
        tr = complex(np.trace(arr))
        if abs(tr - 1) > STATE_RTOL * scale:
            raise ParameterError(f"{name} must be a density matrix of unit trace, got trace "
                                 f"{tr.real:.12g} (pass validate=False to skip this check)")
        lmin = float(np.linalg.eigvalsh(arr)[0])
        if lmin < -STATE_RTOL * scale:
            raise ParameterError(f"{name} must be positive semidefinite, got smallest "
                                 f"eigenvalue {lmin:.3g} (pass validate=False to skip this "
                                 "check)")
    return arr


def _eigvalsh_density(name: str, rho, validate: bool = True) -> np.ndarray:
    return np.linalg.eigvalsh(_state(name, rho, validate))


def _indices(name: str, value) -> list[int]:
    """A list of integer indices (a scalar counts as one), or ParameterError naming `name`."""
    try:
        items = np.atleast_1d(np.asarray(value, dtype=object)).ravel().tolist()
    except Exception:  # noqa: BLE001 - unconvertible
        items = None
    if items is None or any(isinstance(k, (bool, np.bool_)) for k in items):
        raise ParameterError(f"{name}: expected a sequence of integers, got {value!r}")
    return [require_int(name, k) for k in items]


def shannon_entropy(probabilities, *, axis: int = -1) -> np.ndarray:
    r"""Shannon entropy :math:`-\sum_j p_j \ln p_j` (nats) along `axis`.

    Entries below `EIGENVALUE_FLOOR` (including tiny negative rounding) count as zero.

    Examples
    --------
    >>> float(shannon_entropy(np.array([0.5, 0.5])))  # ln 2
    0.6931471805599453
    """
    try:
        p = np.asarray(probabilities, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"probabilities: expected real numbers, got {probabilities!r}") \
            from exc
    if not np.all(np.isfinite(p)):
        raise ParameterError("probabilities contain NaN or inf")
    if p.size and not (p.min() >= -1e-12 and p.max() <= 1 + 1e-12):
        raise ParameterError(f"probabilities must lie in [0, 1], got values in "
                             f"[{p.min():.3g}, {p.max():.3g}]")
    axis = require_int("axis", axis)
    if p.ndim == 0 or not -p.ndim <= axis < p.ndim:
        raise ParameterError(f"axis={axis} is outside the axes of probabilities (shape "
                             f"{p.shape})")
    pc = np.where(p > EIGENVALUE_FLOOR, p, 1.0)  # log(1) = 0 for clipped entries
    return -np.sum(np.where(p > EIGENVALUE_FLOOR, p * np.log(pc), 0.0), axis=axis)


def von_neumann_entropy(rho, *, validate: bool = True) -> float:
    r"""Von Neumann entropy :math:`S(\rho) = -\mathrm{tr}\,\rho\ln\rho` in nats.

    Parameters
    ----------
    rho : ndarray, shape (d, d)
        Density matrix (Hermitian; tiny negative eigenvalues from rounding are clipped).
    validate : bool
        Check unit trace and positivity (within `STATE_RTOL`); False where the caller has
        already validated `rho`.

    Returns
    -------
    float
        In [0, ln d].

    Examples
    --------
    >>> round(von_neumann_entropy(np.eye(2) / 2), 10)  # ln 2
    0.6931471806
    """
    lam = np.clip(_eigvalsh_density("rho", rho, validate), 0.0, 1.0)
    return float(max(0.0, shannon_entropy(lam)))


def relative_entropy(rho, sigma, *, validate: bool = True) -> float:
    r"""Quantum relative entropy :math:`D(\rho\|\sigma) = \mathrm{tr}\,\rho(\ln\rho-\ln\sigma)`.

    Parameters
    ----------
    rho, sigma : ndarray, shape (d, d)
        Density matrices.
    validate : bool
        Check unit trace and positivity of both (within `STATE_RTOL`).

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
    r = _state("rho", rho, validate)
    s = _state("sigma", sigma, validate)
    if r.shape != s.shape:
        raise ParameterError(f"rho and sigma must have the same shape, got {r.shape}, {s.shape}")
    lr, vr = np.linalg.eigh(r)
    ls, vs = np.linalg.eigh(s)
    kernel = ls <= EIGENVALUE_FLOOR
    overlap = np.abs(vs.conj().T @ vr) ** 2  # overlap[i, j] = |<s_i|r_j>|^2
    lr = np.clip(lr, 0.0, None)
    if np.any(kernel) and float(np.sum(overlap[kernel] @ lr)) > 1e-12:
        return float("inf")
    log_s = np.log(np.where(kernel, 1.0, ls))
    cross = float(np.sum(lr[None, :] * overlap * np.where(kernel, 0.0, log_s)[:, None]))
    pc = np.where(lr > EIGENVALUE_FLOOR, lr, 1.0)
    value = float(np.sum(np.where(lr > EIGENVALUE_FLOOR, lr * np.log(pc), 0.0))) - cross
    return max(0.0, value)


def _check_dims(rho: np.ndarray, dims) -> tuple[int, ...]:
    dims = tuple(_indices("dims", dims))
    if any(d < 1 for d in dims) or int(np.prod(dims)) != rho.shape[0]:
        raise ParameterError(
            f"dims={dims} must be positive and multiply to the dimension {rho.shape[0]} of rho"
        )
    return dims


def partial_trace(rho, dims, keep) -> np.ndarray:
    """Reduced state on the subsystems `keep`, tracing out all others.

    Parameters
    ----------
    rho : ndarray, shape (D, D)
        State of a composite system with D = prod(dims), subsystem 0 the most significant
        (Kronecker order, as ``np.kron(a, b)``).
    dims : sequence of int
        Dimensions of the subsystems.
    keep : sequence of int
        Indices of the subsystems kept, in the order they appear in the result.

    Returns
    -------
    ndarray, shape (prod(dims[keep]), prod(dims[keep]))

    Examples
    --------
    >>> a, b = np.diag([1.0, 0.0]), np.eye(3) / 3
    >>> np.allclose(partial_trace(np.kron(a, b), [2, 3], keep=[1]), b)
    True
    """
    r = require_square("rho", rho)
    dims = _check_dims(r, dims)
    keep = _indices("keep", keep)
    n = len(dims)
    if len(set(keep)) != len(keep) or any(k < 0 or k >= n for k in keep):
        raise ParameterError(f"keep={keep} must list distinct subsystem indices in [0, {n})")
    t = r.reshape(dims + dims)
    traced = [i for i in range(n) if i not in keep]
    letters = "abcdefghijklmnopqrstuvwxyz"
    if 2 * n > len(letters):
        raise ParameterError(f"at most {len(letters) // 2} subsystems are supported, got {n}")
    row = [letters[i] for i in range(n)]
    col = [letters[n + i] if i in keep else letters[i] for i in range(n)]
    out = [letters[k] for k in keep] + [letters[n + k] for k in keep]
    res = np.einsum("".join(row) + "".join(col) + "->" + "".join(out), t)
    dk = int(np.prod([dims[k] for k in keep])) if keep else 1
    return res.reshape(dk, dk)


def mutual_information(rho, dims, part_a, part_b) -> float:
    r"""Quantum mutual information :math:`I(A:B) = S(\rho_A) + S(\rho_B) - S(\rho_{AB})`.

    Parameters
    ----------
    rho : ndarray, shape (D, D)
        Composite state (Kronecker order of `dims`).
    dims : sequence of int
    part_a, part_b : sequence of int
        Disjoint lists of subsystem indices; subsystems in neither are traced out.

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
    a = _indices("part_a", part_a)
    b = _indices("part_b", part_b)
    _state("rho", rho, True)
    if set(a) & set(b) or not a or not b:
        raise ParameterError(f"part_a={a} and part_b={b} must be non-empty and disjoint")
    s_a = von_neumann_entropy(partial_trace(rho, dims, a))
    s_b = von_neumann_entropy(partial_trace(rho, dims, b))
    s_ab = von_neumann_entropy(partial_trace(rho, dims, a + b))
    return max(0.0, s_a + s_b - s_ab)


def passive_state(rho, hamiltonian, *, validate: bool = True) -> np.ndarray:
    """Passive state of `rho`: its eigenvalues, in decreasing order, on increasing energies.

    Returns the matrix in the basis of `hamiltonian` (same basis as the input). `validate`
    checks that `rho` is a density matrix (unit trace, positive semidefinite).
    """
    r = _state("rho", rho, validate)
    h = require_hermitian("hamiltonian", hamiltonian)
    if r.shape != h.shape:
        raise ParameterError(f"rho {r.shape} and hamiltonian {h.shape} must have the same shape")
    lam = np.sort(np.linalg.eigvalsh(r))[::-1]
    _, v = np.linalg.eigh(h)
    return (v * lam) @ v.conj().T


def ergotropy(rho, hamiltonian, *, validate: bool = True) -> float:
    r"""Ergotropy: the maximal work extractable by a unitary, :math:`W = \mathrm{tr}\,H\rho - \mathrm{tr}\,H\rho_p`.

    Allahverdyan, Balian, Nieuwenhuizen, EPL 67, 565 (2004); Eq. (23) of Gaida et al. (2025)
    is the diagonal special case.

    Parameters
    ----------
    rho : ndarray, shape (d, d)
        Any density matrix (coherences allowed).
    hamiltonian : ndarray, shape (d,) or (d, d)
        Levels (diagonal Hamiltonian in the basis of rho) or a Hermitian matrix.
    validate : bool
        Check that `rho` is a density matrix (unit trace, positive semidefinite).

    Returns
    -------
    float
        >= 0; zero for passive states (e.g. Gibbs states at beta >= 0).

    Examples
    --------
    >>> ergotropy(np.diag([0.0, 1.0]), np.array([0.0, 1.0]))  # excited state of a qubit
    1.0
    """
    h = np.asarray(hamiltonian)
    if h.ndim == 1:
        if not np.issubdtype(h.dtype, np.number) or np.iscomplexobj(h):
            raise ParameterError(f"hamiltonian: expected real levels, got {hamiltonian!r}")
        from .errors import require_dense_size

        require_dense_size("hamiltonian", (h.size, h.size), itemsize=8)
        h = np.diag(h.astype(float))
    r = _state("rho", rho, validate)
    h = require_hermitian("hamiltonian", h)
    if r.shape != h.shape:
        raise ParameterError(f"rho {r.shape} and hamiltonian {h.shape} must have the same shape")
    lam = np.sort(np.linalg.eigvalsh(r))[::-1]
    e = np.sort(np.linalg.eigvalsh(h))
    energy = float(np.real(np.trace(h @ r)))
    return max(0.0, energy - float(lam @ e))


def trace_distance(rho, sigma, *, validate: bool = True) -> float:
    r"""Trace distance :math:`\tfrac12\|\rho-\sigma\|_1` (in [0, 1] for states).

    `validate` checks that both are density matrices (Hermitian, unit trace, positive
    semidefinite within `STATE_RTOL`); False accepts any two square matrices.

    Examples
    --------
    >>> trace_distance(np.diag([1.0, 0.0]), np.diag([0.0, 1.0]))
    1.0
    """
    if validate is True or validate is np.True_:
        r, s = _state("rho", rho, True), _state("sigma", sigma, True)
    else:
        _state("rho", np.eye(1), False)  # checks that validate is a bool
        r, s = require_square("rho", rho), require_square("sigma", sigma)
    if r.shape != s.shape:
        raise ParameterError(f"rho and sigma must have the same shape, got {r.shape}, {s.shape}")
    diff = r - s
    diff = 0.5 * (diff + diff.conj().T)
    return float(0.5 * np.sum(np.abs(np.linalg.eigvalsh(diff))))


def validate_density_matrix(rho, *, atol: float = DENSITY_MATRIX_ATOL, name: str = "rho"):
    """Check that `rho` is a density matrix: Hermitian, unit trace, positive semidefinite.

    Each property is tested within `atol` (absolute; default `DENSITY_MATRIX_ATOL`).

    Returns
    -------
    ndarray
        `rho` itself, as an array.

    Raises
    ------
    ParameterError
        Naming the property that fails and by how much.

    Examples
    --------
    >>> float(validate_density_matrix(np.eye(2) / 2).trace())
    1.0
    """
    if not isinstance(name, str):
        raise ParameterError(f"name: expected a string, got {name!r}")
    atol = require_real("atol", atol)
    if not 0 <= atol < 1:
        raise ParameterError(f"atol={atol!r} is outside the allowed range [0, 1)")
    r = require_square(name, rho)
    herm = float(np.max(np.abs(r - r.conj().T)))
    if herm > atol:
        raise ParameterError(f"{name} is not Hermitian: max|{name} - {name}^dagger| = {herm:.3g}")
    tr = complex(np.trace(r))
    if abs(tr - 1) > atol:
        raise ParameterError(f"{name} must have unit trace, got trace {tr:.12g}")
    lmin = float(np.linalg.eigvalsh(0.5 * (r + r.conj().T))[0])
    if lmin < -atol:
        raise ParameterError(f"{name} is not positive semidefinite: smallest eigenvalue {lmin:.3g}")
    return r


