"""Quantum scattering maps and Poissonian bombardment (Tabanera-Bravo et al., PRL 130, 200402 (2023)).

Model -> amplitudes -> scattering map -> (audits | master equation | trajectories)::

    model = ScatteringModel.example()                   # H_S, V, L, mass, hbar (Eq. 16)
    smap = scattering_map(model, model.packet(beta=0.1, delta_x=1.0, x0=-10.0))  # Eq. (17)
    smap.audit().passed, smap.steady_state([0.1, 1.0])  # verdicts; Eq. (9) per rate
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
from .laws import MomentumLaw, gaussian_momentum
from .maps import ScatteringMap, quadrature_nodes, scattering_map, scattering_maps
from .model import IncidentPacket, ScatteringModel
from .packets import PositivityAudit, momentum_law, packet_density_matrix, packet_positivity
from .trajectories import TrajectoryEnsemble, poisson_trajectories

from .fluctuations import (
    CollisionEnergyStatistics,
    FluctuationDeparture,
    TrajectoryHeatStatistics,
    collision_energy_statistics,
    fluctuation_departure,
    trajectory_heat_statistics,
)

__all__ = [
    "CollisionEnergyStatistics",
    "FluctuationDeparture",
    "TrajectoryHeatStatistics",
    "collision_energy_statistics",
    "fluctuation_departure",
    "trajectory_heat_statistics",
    "Amplitudes",
    "IncidentPacket",
    "MapAudit",
    "MomentumLaw",
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
    "gaussian_momentum",
    "microreversibility_residual",
    "momentum_law",
    "packet_density_matrix",
    "packet_positivity",
    "perturbative_steady_state",
    "poisson_trajectories",
    "quadrature_nodes",
    "scattering_map",
    "scattering_maps",
]
