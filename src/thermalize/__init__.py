"""thermalize: when does a reservoir bring a system to thermal equilibrium, and at what entropy cost?

The top level re-exports the physics core only (no CLI, plotting, sweep or papers imports).
"""

from . import counting, distributions, errors, quantum, superop
from ._version import __version__
from .errors import ConvergenceError, ParameterError, PhysicsWarning
from .quantum import (
    ergotropy,
    gibbs_state,
    mutual_information,
    partial_trace,
    relative_entropy,
    trace_distance,
    validate_density_matrix,
    von_neumann_entropy,
)
from .superop import (
    evolve,
    full_dephasing,
    is_completely_positive,
    is_trace_preserving,
    liouvillian,
    lindblad_dissipator,
    steady_state,
)

__all__ = [
    "__version__",
    "counting",
    "distributions",
    "errors",
    "quantum",
    "superop",
    "ConvergenceError",
    "ParameterError",
    "PhysicsWarning",
    "ergotropy",
    "gibbs_state",
    "mutual_information",
    "partial_trace",
    "relative_entropy",
    "trace_distance",
    "validate_density_matrix",
    "von_neumann_entropy",
    "evolve",
    "full_dephasing",
    "is_completely_positive",
    "is_trace_preserving",
    "liouvillian",
    "lindblad_dissipator",
    "steady_state",
]
