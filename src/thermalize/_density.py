"""Density-matrix checks and level parsing shared by `thermalize.quantum` (one implementation)."""

from __future__ import annotations

import numpy as np

from ._qutip import to_array
from .errors import ParameterError, require_hermitian, require_real, require_square

#: Eigenvalues below this are treated as exact zeros inside logarithms (0 log 0 = 0).
#: Rounding of an eigendecomposition of a unit-trace matrix is ~d * 1e-16; 1e-14 sits above it.
EIGENVALUE_FLOOR = 1e-14

#: Default absolute tolerance of `validate_density_matrix` (Hermiticity, trace, positivity):
#: states built by quadrature or ODE integration carry errors of ~1e-10, so 1e-8 accepts them
#: while rejecting any physically meaningful violation.
DENSITY_MATRIX_ATOL = 1e-8


_HINT = " (pass check=False to skip the density-matrix check)"


def _energies_of(energies_or_hamiltonian) -> tuple[np.ndarray, np.ndarray | None]:
    if isinstance(energies_or_hamiltonian, str) or energies_or_hamiltonian is None:
        raise ParameterError(
            "energies: expected a real 1D array or a Hermitian matrix, got "
            f"{energies_or_hamiltonian!r} ({type(energies_or_hamiltonian).__name__})"
        )
    arr = np.asarray(to_array(energies_or_hamiltonian))
    if arr.ndim not in (1, 2):
        raise ParameterError(
            f"energies (or hamiltonian): expected a real 1D array of levels or a Hermitian "
            f"matrix, got shape {arr.shape}")
    if arr.ndim == 1:
        if arr.size == 0 or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
            raise ParameterError(f"energies must be a non-empty real 1D array, got {arr!r}")
        if not np.all(np.isfinite(arr)):
            raise ParameterError(f"energies={arr!r} must be finite")
        return arr.astype(float), None
    h = require_hermitian("hamiltonian (energies)", arr)
    e, v = np.linalg.eigh(h)
    return e, v


def _density(name: str, rho, check: bool, *, vectors: bool = False,
             atol: float = DENSITY_MATRIX_ATOL, hint: str = _HINT):
    """(matrix, eigenvalues[, eigenvectors]) of a density matrix, validated unless not `check`.

    Hermiticity is always required; with `check`, unit trace and positivity too. Tolerance
    ``atol * max(1, max|rho|)``, scaled as kwant's Hermiticity check (trace and smallest
    eigenvalue within d times that). The one implementation behind every state check.
    """
    if not isinstance(check, (bool, np.bool_)):
        raise ParameterError(f"check must be True or False, got {check!r}")
    arr = np.asarray(to_array(rho)) if not isinstance(rho, str) else rho
    arr = require_square(name, arr)
    tol = atol * max(1.0, float(np.max(np.abs(arr))))
    herm = float(np.max(np.abs(arr - arr.conj().T)))
    if herm > tol:
        raise ParameterError(
            f"{name} is not Hermitian: max|{name} - {name}^dagger| = {herm:.3g} > {tol:.3g}"
        )
    h = 0.5 * (arr + arr.conj().T)
    lam, vec = np.linalg.eigh(h) if vectors else (np.linalg.eigvalsh(h), None)
    if check:
        tr = float(np.real(np.trace(arr)))
        if abs(tr - 1.0) > tol * arr.shape[0]:
            raise ParameterError(
                f"{name} must have unit trace, got trace {tr:.12g}{hint}"
            )
        if lam[0] < -tol * arr.shape[0]:
            raise ParameterError(
                f"{name} is not positive semidefinite: smallest eigenvalue {lam[0]:.3g}{hint}"
            )
    return (h, lam, vec) if vectors else (h, lam)


def validate_density_matrix(rho, *, atol: float = DENSITY_MATRIX_ATOL, name: str = "rho"):
    """Check that `rho` is a density matrix: Hermitian, unit trace, positive semidefinite.

    Each property is tested within ``atol * max(1, max|rho|)`` (default `DENSITY_MATRIX_ATOL`,
    scaled like kwant's Hermiticity check); trace and smallest eigenvalue within d times that.

    Returns
    -------
    ndarray
        `rho` itself, as an array (a Qobj is read with ``.full()``).

    Raises
    ------
    ParameterError
        Naming the property that fails and by how much.

    Examples
    --------
    >>> float(validate_density_matrix(np.eye(2) / 2).trace())
    1.0
    """
    tol = require_real("atol", atol)
    if not isinstance(name, str):
        raise ParameterError(f"name: expected a string, got {name!r}")
    _density(name, rho, True, atol=tol, hint="")
    return require_square(name, to_array(rho))
