"""Collisional master equation of a system in a dilute 3D gas with internal structure.

Gaida, Gasbarri, Nimmrichter, "Thermodynamically consistent collisional master equation in a
low-density gas with internal structure" (2025): the general model (Eqs. 1-16, Appendices
A-C), the spin-J case study (Eqs. 17-23, Appendix D) and a repeated-interaction contrast.
"""

from .amplitudes import BornGaussian
from .collision_rates import CollisionRates
from .integral import log_rate_integral, rate_integral
from .ladder import birth_death_evolve, birth_death_generator, birth_death_stationary
from .model import GasModel
from .spin import SpinGasModel, populations_ergotropy, spin_operators

__all__ = [
    "BornGaussian",
    "CollisionRates",
    "GasModel",
    "SpinGasModel",
    "birth_death_evolve",
    "birth_death_generator",
    "birth_death_stationary",
    "log_rate_integral",
    "populations_ergotropy",
    "rate_integral",
    "spin_operators",
]
