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
from .repeated import RepeatedInteractionModel, fitted_temperature
from .spin import SpinGasModel, SpinRates, populations_ergotropy, spin_operators
from .thermo import (
    EnergyFlows,
    energy_flows,
    entropy_production_rate,
    entropy_rate,
    heat_current,
    local_detailed_balance_residual,
    two_temperature_entropy_production,
)

from .fluctuations import (
    SpinExchangeStatistics,
    gas_counting_model,
    spin_counting_model,
    spin_exchange_statistics,
)

__all__ = [
    "SpinExchangeStatistics",
    "gas_counting_model",
    "spin_counting_model",
    "spin_exchange_statistics",
    "BornGaussian",
    "CollisionRates",
    "EnergyFlows",
    "GasModel",
    "RepeatedInteractionModel",
    "SpinGasModel",
    "SpinRates",
    "birth_death_evolve",
    "birth_death_generator",
    "birth_death_stationary",
    "energy_flows",
    "entropy_production_rate",
    "entropy_rate",
    "fitted_temperature",
    "heat_current",
    "local_detailed_balance_residual",
    "log_rate_integral",
    "populations_ergotropy",
    "rate_integral",
    "spin_operators",
    "two_temperature_entropy_production",
]
