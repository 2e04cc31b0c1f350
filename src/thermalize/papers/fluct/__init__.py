"""Fluctuation reproductions (issue 19, item 6): one registered result per family, ids ``fluct.*``.

Each checks a fluctuation law (integral or exchange fluctuation theorem, Gallavotti-Cohen
symmetry, thermodynamic uncertainty relation) with the family's counting statistics against
an independent route (exact kernel vs Monte Carlo, determinant vs Poisson-binomial, ...).
"""

from ._common import FLUCT
from .classical import classical_ift
from .fermions import fermion_counting
from .gas import gas_counting
from .lindblad import lindblad_gc
from .scattering import scattering_dft

__all__ = ["FLUCT", "classical_ift", "fermion_counting", "gas_counting", "lindblad_gc",
           "scattering_dft"]
