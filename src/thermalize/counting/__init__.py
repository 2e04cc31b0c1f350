"""Full counting statistics of Lindblad jump processes (issue 19).

A `CountingModel` is a Lindblad generator in which chosen jump channels carry quanta of
counted quantities (energy, particles). Counting-field convention: the jump term of channel k
is multiplied by e^{i chi.q_k}, so G(chi, t) = <e^{i chi.Q_t}>; real tilting is chi = -i s.
"""

from .cumulants import ScaledCumulants, scaled_cumulants
from .finite_time import CountingDistribution, counting_distribution, generating_function
from .large_deviations import RateFunction, rate_function, scgf
from .model import CountingModel

__all__ = [
    "CountingDistribution",
    "CountingModel",
    "RateFunction",
    "ScaledCumulants",
    "counting_distribution",
    "generating_function",
    "rate_function",
    "scaled_cumulants",
    "scgf",
]
