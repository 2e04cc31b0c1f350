"""Superoperators in the energy eigenbasis: Liouvillians, maps, steady states, evolution.

Convention (DESIGN.md): a superoperator tensor ``S[j1, k1, j, k]`` maps ``rho[j, k]`` to
``rho'[j1, k1]``; its matrix form ``S.reshape(d*d, d*d)`` acts on the row-major vector
``rho.ravel()``. QuTiP stacks columns instead; conversion happens only at the boundary, and
only when a ``qutip.Qobj`` is passed in (QuTiP is never imported otherwise).

Generators are dense ndarrays (with leading batch axes) or ``scipy.sparse`` CSR matrices
(``liouvillian(..., sparse=True)``, or automatically for large local models); every function
here accepts both. The package's private modules: ``_convert`` (forms, QuTiP boundary),
``_build`` (generators), ``_methods`` (steady-state method objects), ``_dense`` / ``_sparse``
(solvers), ``_steady_state``, ``_evolve``, ``_maps``.
"""

from __future__ import annotations

from ._build import AUTO_SPARSE_DIM, commutator_superop, lindblad_dissipator, liouvillian
from ._convert import _to_qobj_super, apply, to_matrix, to_tensor  # noqa: F401 (papers.core)
from ._evolve import EIG_MAX_DIM, evolve
from ._maps import (
    choi_matrix,
    detailed_balance_generator,
    full_dephasing,
    is_completely_positive,
    is_hermiticity_preserving,
    is_trace_preserving,
)
from ._methods import (
    GMRES,
    LGMRES,
    SINGULAR_RCOND,
    BiCGSTAB,
    Direct,
    Propagate,
    ShiftInvert,
    SparseLU,
    SteadyState,
)
from ._steady_state import BANDED_LU_WORK, KRYLOV_ABOVE, steady_state

__all__ = [
    "to_matrix",
    "to_tensor",
    "apply",
    "commutator_superop",
    "lindblad_dissipator",
    "liouvillian",
    "Direct",
    "SparseLU",
    "GMRES",
    "BiCGSTAB",
    "LGMRES",
    "ShiftInvert",
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
    "AUTO_SPARSE_DIM",
    "KRYLOV_ABOVE",
    "BANDED_LU_WORK",
    "EIG_MAX_DIM",
    "SINGULAR_RCOND",
]
