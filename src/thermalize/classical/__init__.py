"""Classical and semiclassical collisional baths (Ehrich et al., Physica A 552, 122108 (2020)).

Modules: `gas` (collision probability, explicit gas particles), `rules` (collision rules),
`microreversibility` (Eq. 17), `scatterer` (discrete-level scatterer, exact Markov matrix),
`scatterer_mc` (Monte Carlo of the scatterer), `phase_space` (the collision maps of
Eqs. 19-20, phase-space areas), `liouville` (Jacobian audits of collision maps), `disk`
(rotating disk with rough collisions), `heat_pump` (the disk between two baths), `audits`
(the results of the models' ``audit()`` methods).

Every public name of these modules is importable from here and listed in `__all__`.
Conventions (docs/conventions.md): transitions take the initial state first
(``RotatingDisk.kernel(omega, omega_new, beta=..., mass=...)``); every ``beta`` may be given
as ``temperature=`` instead (never both); sizes are capped before allocation
(`MAX_PARTICLES`, `MAX_SAMPLES`).
"""

from ._checks import MAX_PARTICLES, MAX_SAMPLES
from .audits import DiskAudit, HeatPumpAudit, ScattererAudit
from .disk import DiskGridSolution, DiskMoments, DiskMonteCarlo, RotatingDisk
from .gas import (
    CollisionSample,
    colliding_speed_cdf,
    colliding_velocity_pdf,
    collision_probability,
    collision_probability_asymptote,
    collision_probability_quadrature,
    crosses_scatterer,
    sample_gas,
    simulate_collisions,
)
from .heat_pump import HeatFlows, HeatPump
from .liouville import (
    ComplexStep,
    JacobianEstimate,
    LiouvilleAudit,
    Richardson,
    jacobian,
    jacobian_determinant,
    liouville_audit,
)
from .phase_space import (
    free_flight_map,
    level_change_map,
    level_change_velocity_map,
    map_boundary,
    polygon_area,
    rectangle_boundary,
)
from .rules import CallableRule, UniformOpenRule, open_levels
from .scatterer import (
    DiscreteScatterer,
    MicroreversibilityReport,
    check_microreversibility,
    kick_markov_matrix,
    stationary_distribution,
)
from .scatterer_mc import (
    DirectDraw,
    PopulationEstimate,
    Thinned,
    simulate_explicit_particles,
    simulate_kick_chain,
)

from .fluctuations import CollisionSamples, FluctuationAudit, fluctuation_audit

__all__ = [
    "CollisionSamples",
    "FluctuationAudit",
    "fluctuation_audit",
    "MAX_PARTICLES",
    "MAX_SAMPLES",
    "CallableRule",
    "CollisionSample",
    "ComplexStep",
    "DirectDraw",
    "DiscreteScatterer",
    "DiskAudit",
    "DiskGridSolution",
    "DiskMoments",
    "DiskMonteCarlo",
    "HeatFlows",
    "HeatPump",
    "HeatPumpAudit",
    "JacobianEstimate",
    "LiouvilleAudit",
    "MicroreversibilityReport",
    "PopulationEstimate",
    "Richardson",
    "RotatingDisk",
    "ScattererAudit",
    "Thinned",
    "UniformOpenRule",
    "check_microreversibility",
    "colliding_speed_cdf",
    "colliding_velocity_pdf",
    "collision_probability",
    "collision_probability_asymptote",
    "collision_probability_quadrature",
    "crosses_scatterer",
    "free_flight_map",
    "jacobian",
    "jacobian_determinant",
    "kick_markov_matrix",
    "level_change_map",
    "level_change_velocity_map",
    "liouville_audit",
    "map_boundary",
    "open_levels",
    "polygon_area",
    "rectangle_boundary",
    "sample_gas",
    "simulate_collisions",
    "simulate_explicit_particles",
    "simulate_kick_chain",
    "stationary_distribution",
]
