"""Velocity, speed and momentum distributions of ideal gases, and Fermi-Dirac occupations.

All gas distributions here are chi distributions in disguise: with the Gaussian precision
a = beta*mass (velocities) or a = beta/mass (momenta) and the scale sigma = 1/sqrt(a)
(every function takes ``beta`` or, keyword-only, ``temperature`` = 1/beta; never both),

==========================  ==========================  ====  ==========
name                        density (unnormalised)      df    support
==========================  ==========================  ====  ==========
Maxwell, 1D velocity        exp(-a v^2/2)               1     R (signed)
Maxwell, 3D speed           v^2 exp(-a v^2/2)           3     v > 0
effusion, 1D (flux)         |v| exp(-a v^2/2)           2     v > 0 or R
effusion, 3D speed (flux)   v^3 exp(-a v^2/2)           4     v > 0
==========================  ==========================  ====  ==========

so pdf, cdf, sampling and moments come from ``scipy.stats.chi``. The flux-weighted (effusion)
law on the whole line (``sides=2``) is Eq. (27) of Ehrich et al., Physica A (2020); its
one-sided form (``sides=1``) is the law of the particles arriving from one side; in momentum it is Eq. (18) of
Tabanera-Bravo et al., PRL 130, 200402 (2023).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from .errors import (
    ParameterError,
    as_array,
    as_float_array,
    require_dense_size,
    require_int,
    require_positive,
    require_real,
)

__all__ = [
    "ChiDistribution",
    "maxwell_velocity_1d",
    "maxwell_speed_3d",
    "effusion_velocity_1d",
    "effusion_speed_3d",
    "maxwell_momentum_1d",
    "effusion_momentum_1d",
    "fermi_dirac",
    "sample_fermi_occupations",
]


@dataclass(frozen=True)
class ChiDistribution:
    r"""Density :math:`\propto |x|^{df-1} e^{-x^2/(2\sigma^2)}`, on x > 0 or symmetric on R.

    Attributes
    ----------
    df : int
        Degrees of freedom of the chi law (1 Maxwell 1D, 2 effusion 1D, 3 Maxwell 3D speed,
        4 effusion 3D speed).
    scale : float
        sigma = 1/sqrt(beta*mass) for velocities, sqrt(mass/beta) for momenta.
    signed : bool
        If True the variable takes both signs with equal weight (density halved).
    name : str
        For messages and reprs.
    """

    df: int
    scale: float
    signed: bool
    name: str = "chi"

    def __post_init__(self) -> None:
        if require_int("df", self.df) not in (1, 2, 3, 4):
            raise ParameterError(f"df={self.df!r} is outside the allowed set {{1, 2, 3, 4}}")
        scale = require_real("scale", self.scale)
        require_positive("scale", scale)
        if not isinstance(self.signed, (bool, np.bool_)):
            raise ParameterError(f"signed must be True or False, got {self.signed!r}")

    @property
    def _chi(self):
        return stats.chi(self.df, scale=self.scale)

    def pdf(self, x) -> np.ndarray:
        """Probability density at x."""
        x = _points(x)
        if self.signed:
            return 0.5 * self._chi.pdf(np.abs(x))
        return np.where(x >= 0, self._chi.pdf(np.abs(x)), 0.0)

    def cdf(self, x) -> np.ndarray:
        """Cumulative distribution P(X <= x)."""
        x = _points(x)
        if self.signed:
            half = 0.5 * self._chi.cdf(np.abs(x))
            return np.where(x >= 0, 0.5 + half, 0.5 - half)
        return self._chi.cdf(np.maximum(x, 0.0))

    def sample(self, n: int, *, rng: np.random.Generator) -> np.ndarray:
        """`n` exact independent draws (inverse-cdf free: chi = norm of df Gaussians)."""
        if not isinstance(rng, np.random.Generator):
            raise ParameterError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        n = require_int("n", n, low=0)
        require_dense_size("n", (n, self.df), itemsize=8)
        g = rng.standard_normal((n, self.df))
        r = self.scale * np.sqrt(np.einsum("ij,ij->i", g, g))
        if self.signed:
            r = r * np.where(rng.random(n) < 0.5, -1.0, 1.0)
        return r

    def moment(self, k: int) -> float:
        r"""Exact raw moment :math:`E[X^k]` (zero for odd k when signed).

        :math:`E|X|^k = \sigma^k 2^{k/2}\Gamma((df+k)/2)/\Gamma(df/2)`.
        """
        k = require_int("k", k, low=0)
        if self.signed and k % 2 == 1:
            return 0.0
        log_m = (k * np.log(self.scale) + 0.5 * k * np.log(2.0)
                 + special.gammaln((self.df + k) / 2) - special.gammaln(self.df / 2))
        if log_m > 709.0:  # exp overflows float64
            raise ParameterError(
                f"k={k}: the moment sigma^k 2^(k/2) Gamma((df+k)/2)/Gamma(df/2) = e^{log_m:.4g} "
                "exceeds the float64 range"
            )
        return float(np.exp(log_m))

    def mean(self) -> float:
        """E[X]."""
        return self.moment(1)

    def var(self) -> float:
        """Var[X]."""
        return self.moment(2) - self.moment(1) ** 2


def _points(x) -> np.ndarray:
    """Evaluation points: real numbers (+-inf allowed, NaN not)."""
    arr = as_array("x", x, float, "real numbers")
    if np.iscomplexobj(np.asarray(x)) or np.isnan(arr).any():
        raise ParameterError(f"x={x!r} must be real numbers (no NaN)")
    return arr


def _beta_of(beta, temperature, *, allow_inf: bool = False) -> float:
    """beta from exactly one of ``beta`` and the keyword ``temperature`` (T > 0; with
    `allow_inf`, T = 0 is beta = +inf)."""
    if beta is not None and temperature is not None:
        raise ParameterError(f"give beta={beta!r} or temperature={temperature!r}, not both")
    if temperature is None:
        if beta is None:
            raise ParameterError("beta (or temperature=) is required")
        return beta
    t = require_real("temperature", temperature, allow_inf=allow_inf)
    if t == 0 and allow_inf:
        return np.inf
    require_positive("temperature", t)
    return 1.0 / t


def _scale(beta: float, mass: float, *, momentum: bool, temperature=None) -> float:
    beta = _beta_of(beta, temperature)
    if mass is None:
        raise ParameterError("mass is required")
    beta, mass = require_real("beta", beta), require_real("mass", mass)
    require_positive("beta", beta)
    require_positive("mass", mass)
    with np.errstate(all="ignore"):
        scale = float(np.sqrt(mass) / np.sqrt(beta) if momentum
                      else 1.0 / (np.sqrt(beta) * np.sqrt(mass)))
    if not (np.isfinite(scale) and scale > 0):
        raise ParameterError(
            f"beta={beta!r}, mass={mass!r}: the width of the distribution ({scale!r}) is outside "
            "the float64 range"
        )
    return scale


def _sides(sides: int) -> bool:
    if require_int("sides", sides) not in (1, 2):
        raise ParameterError(f"sides={sides!r} is outside the allowed set {{1, 2}}")
    return sides == 2


def maxwell_velocity_1d(beta: float | None = None, mass: float | None = None, *,
                        temperature: float | None = None) -> ChiDistribution:
    r"""1D Maxwell velocity law :math:`\sqrt{\beta m/2\pi}\,e^{-\beta m v^2/2}` on R.

    Examples
    --------
    >>> round(maxwell_velocity_1d(beta=1.0, mass=1.0).moment(2), 12)  # <v^2> = 1/(beta m)
    1.0
    """
    return ChiDistribution(1, _scale(beta, mass, momentum=False, temperature=temperature), True, "maxwell_velocity_1d")


def maxwell_speed_3d(beta: float | None = None, mass: float | None = None, *,
                     temperature: float | None = None) -> ChiDistribution:
    r"""3D Maxwell speed law :math:`4\pi v^2 (\beta m/2\pi)^{3/2} e^{-\beta m v^2/2}`.

    Examples
    --------
    >>> round(maxwell_speed_3d(beta=1.0, mass=1.0).moment(2), 12)  # <v^2> = 3/(beta m)
    3.0
    """
    return ChiDistribution(3, _scale(beta, mass, momentum=False, temperature=temperature), False, "maxwell_speed_3d")


def effusion_velocity_1d(beta: float | None = None, mass: float | None = None, *, sides: int = 1,
                         temperature: float | None = None) -> ChiDistribution:
    r"""Flux-weighted 1D law of the velocities crossing a fixed point per unit time.

    ``sides=1``: :math:`\beta m\, v\, e^{-\beta m v^2/2}` on v > 0 (particles arriving from
    one side); ``sides=2``: :math:`\tfrac12\beta m |v| e^{-\beta m v^2/2}` on the whole line,
    which is Eq. (27) of Ehrich et al., Physica A 552, 122108 (2020).

    Examples
    --------
    >>> round(effusion_velocity_1d(beta=2.0, mass=1.0).moment(2), 12)  # <v^2> = 2/(beta m)
    1.0
    """
    return ChiDistribution(2, _scale(beta, mass, momentum=False, temperature=temperature), _sides(sides), "effusion_1d")


def effusion_speed_3d(beta: float | None = None, mass: float | None = None, *,
                      temperature: float | None = None) -> ChiDistribution:
    r"""Flux-weighted 3D speed law :math:`\tfrac12(\beta m)^2 v^3 e^{-\beta m v^2/2}`.

    Examples
    --------
    >>> round(effusion_speed_3d(beta=1.0, mass=1.0).moment(2), 12)  # <v^2> = 4/(beta m)
    4.0
    """
    return ChiDistribution(4, _scale(beta, mass, momentum=False, temperature=temperature), False, "effusion_speed_3d")


def maxwell_momentum_1d(beta: float | None = None, mass: float | None = None, *,
                        temperature: float | None = None) -> ChiDistribution:
    r"""1D Maxwell momentum law :math:`e^{-\beta p^2/2m}/\sqrt{2\pi m/\beta}` on R.

    Examples
    --------
    >>> round(maxwell_momentum_1d(beta=1.0, mass=2.0).moment(2), 12)  # <p^2> = m/beta
    2.0
    """
    return ChiDistribution(1, _scale(beta, mass, momentum=True, temperature=temperature), True, "maxwell_momentum_1d")


def effusion_momentum_1d(beta: float | None = None, mass: float | None = None, *, sides: int = 1,
                         temperature: float | None = None) -> ChiDistribution:
    r"""Flux-weighted momentum law :math:`(\beta/m)|p| e^{-\beta p^2/2m}`.

    :math:`\mu_{\rm eff}(p)` of Eq. (18) of Tabanera-Bravo et al., PRL 130, 200402 (2023).

    Examples
    --------
    >>> round(effusion_momentum_1d(beta=1.0, mass=0.5).moment(2), 12)  # <p^2> = 2m/beta
    1.0
    """
    return ChiDistribution(2, _scale(beta, mass, momentum=True, temperature=temperature), _sides(sides), "effusion_p_1d")


def fermi_dirac(energy, beta: float | None = None, mu: float = 0.0, *,
                temperature: float | None = None) -> np.ndarray:
    r"""Fermi-Dirac occupation :math:`f(\epsilon) = 1/(e^{\beta(\epsilon-\mu)}+1)`.

    Evaluated as ``scipy.special.expit(-beta (energy - mu))``: no overflow at any beta,
    including beta = +inf (step function; f = 1/2 exactly at energy = mu) and beta <= 0.

    Parameters
    ----------
    energy : array_like
    beta : float
        Inverse temperature (any real or +/-inf).
    mu : float
        Chemical potential.
    temperature : float, optional
        1/beta instead of `beta` (keyword only, never both; 0 is beta = +inf).

    Returns
    -------
    ndarray
        Occupations in [0, 1], same shape as `energy`.

    Examples
    --------
    >>> fermi_dirac(np.array([-1.0, 0.0, 1.0]), beta=np.inf)
    array([1. , 0.5, 0. ])
    """
    e = as_float_array("energy", energy)
    beta = require_real("beta", _beta_of(beta, temperature, allow_inf=True), allow_inf=True)
    mu = require_real("mu", mu)
    x = e - mu
    if np.isinf(beta):
        step = np.where(np.sign(beta) * x < 0, 1.0, 0.0)
        return np.where(x == 0, 0.5, step)
    return special.expit(-beta * x)


def sample_fermi_occupations(
    energy, beta: float | None = None, mu: float | None = None, *, size: int | None = None,
    rng: np.random.Generator, temperature: float | None = None,
) -> np.ndarray:
    """Fock-state occupations drawn independently from the Fermi-Dirac law (Bernoulli).

    A pure Fock state with these occupations, averaged over draws, gives the grand-canonical
    state; used for the pure-state sampling of Usui et al. (2024), Sec. V. ``temperature=``
    (keyword) instead of `beta`, never both.

    Returns
    -------
    ndarray of bool, shape energy.shape or (size,) + energy.shape

    Examples
    --------
    >>> occ = sample_fermi_occupations(np.zeros(4), 1.0, 0.0, size=2000,
    ...                                rng=np.random.default_rng(0))
    >>> bool(abs(occ.mean() - 0.5) < 0.02)
    True
    """
    if not isinstance(rng, np.random.Generator):
        raise ParameterError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if mu is None:
        raise ParameterError("mu (the chemical potential) is required")
    f = fermi_dirac(energy, beta, mu, temperature=temperature)
    shape = f.shape if size is None else (require_int("size", size, low=0),) + f.shape
    require_dense_size("size", shape, itemsize=8)
    return rng.random(shape) < f
