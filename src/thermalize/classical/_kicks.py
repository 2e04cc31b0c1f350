"""Velocity laws of the gas particles that kick a scatterer: effusion or Maxwell, 1 or 2 sides."""

from __future__ import annotations

import numpy as np
from scipy import special

from ..distributions import ChiDistribution, effusion_velocity_1d, maxwell_velocity_1d
from ..errors import ParameterError, require_int
from ._checks import positive_real

__all__ = ["KICKS", "check_kicks", "kick_law", "kinetic_from_survival", "kinetic_survival"]

#: Allowed values of the ``kicks`` argument.
KICKS = ("effusion", "maxwell")


def check_kicks(kicks: str) -> str:
    """Return `kicks` if it is "effusion" or "maxwell", else raise ParameterError."""
    if not isinstance(kicks, str) or kicks not in KICKS:
        raise ParameterError(
            f"kicks={kicks!r} is outside the allowed set {{'effusion', 'maxwell'}}"
        )
    return kicks


def check_sides(sides: int) -> int:
    """Return `sides` if it is 1 or 2, else raise ParameterError."""
    try:
        value = require_int("sides", sides)
    except ParameterError:
        value = None
    if value not in (1, 2):
        raise ParameterError(f"sides={sides!r} is outside the allowed set {{1, 2}}")
    return value


def kick_law(beta: float, mass: float, kicks: str, sides: int) -> ChiDistribution:
    """Velocity law of a kicking particle (signed if ``sides=2``, positive if ``sides=1``).

    ``effusion``: density proportional to |v| exp(-beta m v^2/2) (Ehrich 2020, Eq. 27);
    ``maxwell``: proportional to exp(-beta m v^2/2) (Eq. 24), restricted to v > 0 if one-sided.
    """
    check_kicks(kicks)
    check_sides(sides)
    beta, mass = positive_real("beta", beta), positive_real("mass", mass)
    if not 0.0 < beta * mass < np.inf:
        raise ParameterError(
            f"beta * mass = {beta!r} * {mass!r} is not a positive finite float: the kick "
            "velocity scale 1/sqrt(beta mass) is not representable"
        )
    if kicks == "effusion":
        return effusion_velocity_1d(beta, mass, sides=sides)
    if sides == 2:
        return maxwell_velocity_1d(beta, mass)
    return ChiDistribution(1, 1.0 / np.sqrt(beta * mass), False, "maxwell_speed_1d")


def kinetic_survival(x: np.ndarray, beta: float, kicks: str) -> np.ndarray:
    """P(K > x) for the kinetic energy K = m v^2/2 of a kick (independent of the mass).

    Effusion: K is exponential with mean kT, P = exp(-beta x); Maxwell: K is Gamma(1/2, kT),
    P = erfc(sqrt(beta x)).
    """
    x = np.maximum(np.asarray(x, dtype=float), 0.0)
    with np.errstate(over="ignore"):  # beta x = inf at a huge beta: P = 0, the exact limit
        if check_kicks(kicks) == "effusion":
            return np.exp(-beta * x)
        return special.erfc(np.sqrt(beta * x))


def kinetic_from_survival(t: np.ndarray, beta: float, kicks: str) -> np.ndarray:
    """Inverse of `kinetic_survival`: the kinetic energy x with P(K > x) = t, t in (0, 1]."""
    t = np.asarray(t, dtype=float)
    if check_kicks(kicks) == "effusion":
        return -np.log(t) / beta
    return special.erfcinv(t) ** 2 / beta
