"""Classical and semiclassical collisional baths (Ehrich et al., Physica A 552, 122108 (2020)).

Modules: `gas` (collision probability, explicit gas particles), `rules` (collision rules),
`scatterer` (discrete-level scatterer, micro-reversibility, exact Markov matrix),
`scatterer_mc` (Monte Carlo of the scatterer), `liouville` (Jacobian audits of collision
maps, phase-space areas), `disk` (rotating disk with rough collisions), `heat_pump`
(the disk between two baths).
"""

from .disk import RotatingDisk
from .gas import (
    colliding_speed_cdf,
    colliding_velocity_pdf,
    collision_probability,
    collision_probability_asymptote,
    collision_probability_quadrature,
    simulate_collisions,
)
from .heat_pump import HeatPump
from .liouville import (
    ComplexStep,
    Richardson,
    jacobian,
    jacobian_determinant,
    level_change_map,
    liouville_audit,
    polygon_area,
)
from .rules import CallableRule, UniformOpenRule
from .scatterer import (
    DiscreteScatterer,
    check_microreversibility,
    kick_markov_matrix,
    stationary_distribution,
)
from .scatterer_mc import DirectDraw, Thinned, simulate_explicit_particles, simulate_kick_chain

__all__ = [
    "CallableRule",
    "ComplexStep",
    "DirectDraw",
    "DiscreteScatterer",
    "HeatPump",
    "Richardson",
    "RotatingDisk",
    "Thinned",
    "UniformOpenRule",
    "check_microreversibility",
    "colliding_speed_cdf",
    "colliding_velocity_pdf",
    "collision_probability",
    "collision_probability_asymptote",
    "collision_probability_quadrature",
    "jacobian",
    "jacobian_determinant",
    "kick_markov_matrix",
    "level_change_map",
    "liouville_audit",
    "polygon_area",
    "simulate_collisions",
    "simulate_explicit_particles",
    "simulate_kick_chain",
    "stationary_distribution",
]
