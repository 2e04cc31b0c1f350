"""Finite free-fermion baths: Gaussian dynamics and entropy production at all times (Usui 2024)."""

from .dynamics import CorrelationEvolver, accurate_phases, evolve_correlations
from .effective import (
    effective_temperature_chemical_potential,
    global_reference,
    grand_canonical_entropy,
)
from .deletion import multi_deletion_spectrum
from .entropy import (
    Eigvalsh,
    SecularEquation,
    binary_entropy,
    correlation_entropy,
    deletion_spectrum,
    subset_entropy,
)
from .model import SYSTEM, QuadraticModel, single_electron_transistor
from .production import entropy_production
from .realisations import pure_state_realisations
from .states import (
    fock_correlation_matrix,
    gibbs_correlation_matrix,
    part_generators,
    sample_fock_correlation_matrix,
)

from .counting import (
    BathNumberDistribution,
    NumberEnergyDistribution,
    bath_number_distribution,
    bath_number_energy_distribution,
    energy_lattice,
    poisson_binomial,
)
from .exchange import ExchangeFluctuationCheck, exchange_fluctuation_check
from .transfer import TransferStatistics

__all__ = [
    "BathNumberDistribution",
    "NumberEnergyDistribution",
    "bath_number_distribution",
    "bath_number_energy_distribution",
    "energy_lattice",
    "poisson_binomial",
    "ExchangeFluctuationCheck",
    "exchange_fluctuation_check",
    "TransferStatistics",
    "SYSTEM",
    "CorrelationEvolver",
    "Eigvalsh",
    "QuadraticModel",
    "SecularEquation",
    "accurate_phases",
    "binary_entropy",
    "correlation_entropy",
    "deletion_spectrum",
    "effective_temperature_chemical_potential",
    "entropy_production",
    "fock_correlation_matrix",
    "evolve_correlations",
    "gibbs_correlation_matrix",
    "global_reference",
    "grand_canonical_entropy",
    "multi_deletion_spectrum",
    "part_generators",
    "pure_state_realisations",
    "sample_fock_correlation_matrix",
    "single_electron_transistor",
    "subset_entropy",
]
