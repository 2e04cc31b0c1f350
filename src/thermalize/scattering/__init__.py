"""Quantum scattering maps and Poissonian bombardment (Tabanera-Bravo et al., PRL 130, 200402 (2023)).

Model -> amplitudes -> scattering map -> (audits | master equation | trajectories).
"""

from .amplitudes import Amplitudes, amplitudes
from .audits import MapAudit, audit_map, microreversibility_residual
from .dynamics import (
    PerturbativeSteadyState,
    coherence_estimate,
    collision_generator,
    collision_steady_state,
    dephased_fixed_point,
    free_evolution,
    perturbative_steady_state,
)
from .maps import ScatteringMap, scattering_map, scattering_maps
from .model import IncidentPacket, ScatteringModel
from .packets import PositivityAudit, momentum_law, packet_density_matrix, packet_positivity
from .trajectories import TrajectoryEnsemble, poisson_trajectories

__all__ = [
    "Amplitudes",
    "IncidentPacket",
    "MapAudit",
    "PerturbativeSteadyState",
    "PositivityAudit",
    "ScatteringMap",
    "ScatteringModel",
    "TrajectoryEnsemble",
    "amplitudes",
    "audit_map",
    "coherence_estimate",
    "collision_generator",
    "collision_steady_state",
    "dephased_fixed_point",
    "free_evolution",
    "microreversibility_residual",
    "momentum_law",
    "packet_density_matrix",
    "packet_positivity",
    "perturbative_steady_state",
    "poisson_trajectories",
    "scattering_map",
    "scattering_maps",
]
