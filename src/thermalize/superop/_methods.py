"""Steady-state methods (typed, frozen: STYLE R4) and the result type `SteadyState`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, require_int, require_real

__all__ = [
    "SINGULAR_RCOND",
    "Direct",
    "SparseLU",
    "GMRES",
    "BiCGSTAB",
    "LGMRES",
    "ShiftInvert",
    "Propagate",
    "SteadyState",
]

#: Smallest reciprocal condition number of the bordered steady-state system still taken as
#: a unique solution. A generator with a degenerate kernel gives rcond ~ machine epsilon
#: (1e-16); well-posed physical generators sit far above 1e-12.
SINGULAR_RCOND = 1e-12


def _positive(name: str, value, *, allow_zero: bool = False) -> float:
    v = require_real(name, value)
    if v < 0 or (v == 0 and not allow_zero):
        rng = "[0, inf)" if allow_zero else "(0, inf)"
        raise ParameterError(f"{name}={v!r} is outside the allowed range {rng}")
    return v


@dataclass(frozen=True)
class Direct:
    """Dense LU solve of ``L rho = 0`` with the (0,0) row replaced by ``tr rho = 1``.

    A sparse generator is made dense first (subject to `thermalize.errors.MAX_DENSE_BYTES`).
    The reciprocal condition number of the bordered system detects a degenerate kernel.
    """


@dataclass(frozen=True)
class SparseLU:
    """SuperLU factorisation (``scipy.sparse.linalg.splu``) of the bordered system.

    Attributes
    ----------
    permc_spec : str
        Column ordering of SuperLU ("COLAMD" default, "MMD_AT_PLUS_A", "MMD_ATA", "NATURAL").
    """

    permc_spec: str = "COLAMD"

    def __post_init__(self) -> None:
        if not isinstance(self.permc_spec, str) or \
                self.permc_spec not in ("COLAMD", "MMD_AT_PLUS_A", "MMD_ATA", "NATURAL"):
            raise ParameterError(f"permc_spec={self.permc_spec!r} is not a SuperLU ordering")


@dataclass(frozen=True)
class _Krylov:
    """Shared fields of the preconditioned Krylov solvers of the bordered system.

    Attributes
    ----------
    rtol : float
        Relative residual ||A x - b|| / ||b|| at which the iteration stops.
    max_iter : int
        Cap on iterations; ConvergenceError (with the count and the last residual) beyond.
    preconditioner : {"ilu", "sylvester"}
        "ilu": incomplete LU of the bordered system (``scipy.sparse.linalg.spilu``).
        "sylvester": the exact inverse of the no-jump part ``kron(A, 1) + kron(1, conj A)``
        of L (A = -iH - sum_k g_k L_k^dagger L_k / 2, read off L in O(nnz)), applied in
        O(d^3) through the eigendecomposition of the d x d matrix A with O(d^2) memory;
        the Krylov solver then only has to resolve the jump (recycling) term, typically in
        ten iterations. The choice for large Lindblad generators.
    drop_tol, fill_factor : float
        Incomplete-LU settings (preconditioner "ilu").
    check_unique : bool
        Test that the kernel is one-dimensional (set False only when uniqueness is known).
        ``GMRES(preconditioner="sylvester")`` on a Hermiticity-preserving generator: the
        homogeneous bordered system is solved from a random Hermitian probe k; a regular
        system shrinks the error below 1e-3 |k| / d (a kernel direction keeps about
        |k| / d of it), a degenerate one stagnates at a kernel vector e with
        ``|L e| <= 1e-10 ||L||_1 |e|`` (ShiftInvert's criterion). Up to three probes give the
        kernel basis; it is counted exactly (dense SVD) up to d = 32. The probe's
        preconditioner runs in single precision from d = 128 (residuals stay double), so
        it costs about the first solve. Other Krylov solves: a second solve from a
        randomly kicked start (to rtol 1e-9); answers more than 1e-6 apart mean a
        degenerate kernel, confirmed by a kernel count (2-3 times the first solve).
    """

    rtol: float = 1e-12
    max_iter: int = 1000
    preconditioner: str = "ilu"
    drop_tol: float = 1e-6
    fill_factor: float = 20.0
    check_unique: bool = True

    def __post_init__(self) -> None:
        _positive("rtol", self.rtol)
        require_int("max_iter", self.max_iter, low=1)
        if not isinstance(self.preconditioner, str) or \
                self.preconditioner not in ("ilu", "sylvester"):
            raise ParameterError(
                f"preconditioner={self.preconditioner!r} must be 'ilu' or 'sylvester'"
            )
        _positive("drop_tol", self.drop_tol, allow_zero=True)
        _positive("fill_factor", self.fill_factor)
        if not isinstance(self.check_unique, (bool, np.bool_)):
            raise ParameterError(f"check_unique must be True or False, got {self.check_unique!r}")


@dataclass(frozen=True)
class GMRES(_Krylov):
    """Restarted GMRES with an incomplete-LU or the exact no-jump ("sylvester") preconditioner.

    With ``preconditioner="sylvester"`` and a Hermiticity-preserving generator (checked on
    one random Hermitian matrix) the iteration runs over Hermitian matrices in real
    arithmetic (flexible GMRES, coordinates Re X + Im X, an isometry), where operator,
    preconditioner and right-hand side all stay: half the vector work of complex GMRES and
    the preconditioner in 3 instead of 4 complex d^3 products (Hermitian sandwiches by one
    triangular and one general product). Otherwise ``scipy.sparse.linalg.gmres`` in complex
    arithmetic.
    """

    restart: int = 50

    def __post_init__(self) -> None:
        super().__post_init__()
        require_int("restart", self.restart, low=1)


@dataclass(frozen=True)
class BiCGSTAB(_Krylov):
    """BiCGSTAB (``scipy.sparse.linalg.bicgstab``) with an incomplete-LU preconditioner."""


@dataclass(frozen=True)
class LGMRES(_Krylov):
    """LGMRES (``scipy.sparse.linalg.lgmres``) with an incomplete-LU preconditioner."""

    inner_m: int = 30

    def __post_init__(self) -> None:
        super().__post_init__()
        require_int("inner_m", self.inner_m, low=1)


@dataclass(frozen=True)
class ShiftInvert:
    """Eigenvectors of L nearest zero by shift-invert Arnoldi (``scipy.sparse.linalg.eigs``).

    Attributes
    ----------
    k : int
        Number of eigenvalues computed near zero (>= 2, so that a second zero is seen).
    kernel_tol : float
        An eigenvalue with ``|lambda| <= kernel_tol * ||L||_1`` belongs to the kernel.
    max_iter : int or None
        Arnoldi restarts cap (None: SciPy's default).
    """

    k: int = 3
    kernel_tol: float = 1e-10
    max_iter: int | None = None

    def __post_init__(self) -> None:
        require_int("k", self.k, low=2)
        _positive("kernel_tol", self.kernel_tol)
        if self.max_iter is not None:
            require_int("max_iter", self.max_iter, low=1)


@dataclass(frozen=True)
class Propagate:
    """Apply ``exp(t L)`` to the maximally mixed state, doubling t until converged.

    Attributes
    ----------
    t_start : float
        First time (> 0).
    tol : float
        Stop when the trace norm of the change between t and 2t is below tol.
    max_iter : int
        Maximal number of doublings (>= 1); ConvergenceError beyond.
    max_work : float
        Cap on ``t * ||L||_1`` (the number of matrix-vector products of one step grows with
        it): the iteration stops with ConvergenceError rather than run unbounded.
    """

    t_start: float = 10.0
    tol: float = 1e-12
    max_iter: int = 60
    max_work: float = 1e7

    def __post_init__(self) -> None:
        _positive("t_start", self.t_start)
        _positive("tol", self.tol)
        require_int("max_iter", self.max_iter, low=1)
        _positive("max_work", self.max_work)


@dataclass(frozen=True)
class SteadyState:
    """A stationary state with its diagnostics.

    Attributes
    ----------
    state : ndarray, shape (..., d, d)
        Unit-trace stationary state(s) (with a degenerate kernel: one member, not unique).
    residual : ndarray, shape (...)
        max |(L rho)_jk| (entrywise), the defect of the solution.
    kernel_dimension : int
        1 for a unique steady state.
    kernel : ndarray, shape (k, d, d) or None
        Basis of the kernel of L (Hermitian, orthonormal in Hilbert-Schmidt), when degenerate.
    method : object
        The method that produced it.
    """

    state: np.ndarray
    residual: np.ndarray
    kernel_dimension: int = 1
    kernel: np.ndarray | None = None
    method: object = None
