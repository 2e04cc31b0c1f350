"""Momentum laws mu(p) of the incident particles: effusion Eq. (18), half-Maxwell, Gaussian, user.

A law is the diagonal :math:`\rho_U(p,p)` of Eq. (23) of Tabanera-Bravo et al. (2023). Besides
its density it carries what the quadratures need: a momentum `scale` of its features, a
`support` outside which it is negligible and its `kinks` (points where it is not smooth),
around which `packet_positivity` resolves the packet adaptively.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..distributions import effusion_momentum_1d, maxwell_momentum_1d
from ..errors import ParameterError, require_positive, require_real

__all__ = ["MomentumLaw", "gaussian_momentum", "thermal_law"]

#: The thermal laws are negligible beyond beta p^2/2m = TAIL (e^-45 ~ 3e-20 relative).
TAIL = 45.0

#: A user law must integrate to 1 within this tolerance over its support.
NORM_RTOL = 1e-6


@dataclass(frozen=True)
class MomentumLaw:
    r"""A momentum law :math:`\mu(p)` (normalised density on the real line).

    Attributes
    ----------
    density : callable
        Vectorised ``density(p) -> mu(p)``, p an ndarray of any shape, values finite and >= 0.
    scale : float
        Momentum scale of its features (> 0): quadrature panels are a fraction of it.
    support : tuple of float
        (lo, hi): mu is negligible (relative 1e-20) outside.
    kinks : tuple of float
        Points where mu is not smooth (0 for the effusion and Maxwell laws, which vanish for
        p < 0); `packet_positivity` resolves the packet adaptively around them.
    name : str

    Examples
    --------
    >>> law = gaussian_momentum(5.0, 0.5)
    >>> round(float(law(np.array(5.0))), 6)  # 1/sqrt(2 pi) / 0.5
    0.797885
    """

    density: Callable
    scale: float
    support: tuple
    kinks: tuple = ()
    name: str = "user"

    def __post_init__(self) -> None:
        if not callable(self.density):
            raise ParameterError(
                f"density must be callable, got {type(self.density).__name__}"
            )
        require_positive("scale", self.scale)
        lo, hi = (require_real("support", x) for x in tuple(self.support))
        if not lo < hi:
            raise ParameterError(f"support={self.support!r} must be (lo, hi) with lo < hi")
        object.__setattr__(self, "support", (lo, hi))
        object.__setattr__(self, "kinks", tuple(require_real("kinks", k) for k in self.kinks))

    def __call__(self, p) -> np.ndarray:
        p = np.asarray(p, dtype=float)
        out = np.asarray(self.density(p), dtype=float)
        if out.shape != p.shape:
            raise ParameterError(
                f"momentum law {self.name!r} returned shape {out.shape} for momenta of shape "
                f"{p.shape}; it must be vectorised"
            )
        if not np.all(np.isfinite(out)) or np.any(out < 0):
            raise ParameterError(
                f"momentum law {self.name!r} returned negative or non-finite values "
                f"(min {np.nanmin(out) if out.size else 0:.3g}); mu(p) must be a density"
            )
        return out

    def normalisation(self) -> float:
        """Integral of mu over its support (composite Gauss-Legendre, panels of scale/4)."""
        lo, hi = self.support
        cuts = np.unique(np.clip(np.array([lo, *self.kinks, hi]), lo, hi))
        t, w = np.polynomial.legendre.leggauss(16)
        total = 0.0
        for a, b in zip(cuts[:-1], cuts[1:]):
            n = int(min(20000, np.ceil((b - a) / (0.25 * self.scale))))
            edges = np.linspace(a, b, max(n, 1) + 1)
            half = 0.5 * np.diff(edges)[:, None]
            p = edges[:-1, None] + half * (t + 1.0)
            total += float(np.sum(half * w * self(p)))
        return total

    def validate(self) -> MomentumLaw:
        """Raise ParameterError unless mu integrates to 1 (within 1e-6) over its support."""
        norm = self.normalisation()
        if abs(norm - 1.0) > NORM_RTOL:
            raise ParameterError(
                f"momentum law {self.name!r} integrates to {norm:.9g} over its support "
                f"{self.support}; it must be normalised (within {NORM_RTOL:g}) and negligible "
                "outside its support"
            )
        return self


def gaussian_momentum(mean: float, std: float) -> MomentumLaw:
    r"""Gaussian law :math:`\mathcal N(p;\bar p,\sigma_p)`: with Eq. (22) a Gaussian Wigner function.

    The control case of `packet_positivity`: the operator with Weyl symbol
    :math:`\mathcal N(p;\bar p,\sigma_p)\,\mathcal N(x;x_0,\Delta x)` is a Gaussian operator with
    symplectic eigenvalue :math:`\nu=\sigma_p\Delta x/\hbar`; its eigenvalues are
    :math:`(1-\kappa)\kappa^n`, :math:`\kappa=(\nu-\tfrac12)/(\nu+\tfrac12)`: positive iff
    :math:`\nu\ge 1/2` (Heisenberg), smallest eigenvalue :math:`(1-\kappa)\kappa` otherwise.

    Parameters
    ----------
    mean : float
        Mean momentum (finite); keep it several `std` above 0 for a scattering map (particles
        with p < 0 never reach the region).
    std : float
        Momentum spread (> 0).

    Returns
    -------
    MomentumLaw
    """
    mean = require_real("mean", mean)
    std = require_real("std", std)
    require_positive("std", std)
    if not mean - 10 * std < mean + 10 * std or not np.isfinite(20 * std + abs(mean)):
        raise ParameterError(f"mean={mean!r}, std={std!r}: the support mean +- 10 std is not "
                             "representable in float64 (std too small for mean, or too large)")

    def density(p):
        return np.exp(-0.5 * ((p - mean) / std) ** 2) / (np.sqrt(2 * np.pi) * std)

    return MomentumLaw(density, scale=std, support=(mean - 10 * std, mean + 10 * std),
                       kinks=(), name=f"gaussian(mean={mean:g}, std={std:g})")


def thermal_law(distribution: str, beta: float, mass: float) -> MomentumLaw:
    r"""Effusion Eq. (18) :math:`(\beta p/m)e^{-\beta p^2/2m}` or half-Maxwell
    :math:`2\sqrt{\beta/2\pi m}\,e^{-\beta p^2/2m}`, both zero for p <= 0.
    """
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        top = float(np.sqrt(2 * mass * TAIL / beta))
        scale = float(np.sqrt(mass / beta))
    if not (np.isfinite(top) and scale > 0):
        raise ParameterError(
            f"beta={beta!r}, mass={mass!r}: the momentum scale sqrt(mass/beta) = {scale:g} is "
            "outside the float64 range; move these parameters towards order one"
        )
    if distribution == "effusion":
        eff = effusion_momentum_1d(beta, mass)

        def density(p):
            return np.where(p > 0, eff.pdf(np.abs(p)), 0.0)
    else:
        maxw = maxwell_momentum_1d(beta, mass)

        def density(p):
            return np.where(p > 0, 2.0 * maxw.pdf(p), 0.0)
    return MomentumLaw(density, scale=scale, support=(0.0, top), kinks=(0.0,), name=distribution)


def user_law(func, beta: float, mass: float) -> MomentumLaw:
    """A plain callable as a law on the thermal scale of the gas (support (0, thermal tail))."""
    if isinstance(func, MomentumLaw):
        return func
    top = float(np.sqrt(2 * mass * TAIL / beta))
    name = getattr(func, "__name__", type(func).__name__)
    return MomentumLaw(func, scale=float(np.sqrt(mass / beta)), support=(0.0, top),
                       kinks=(0.0,), name=name)
