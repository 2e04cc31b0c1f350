"""Sweepable quantities of the classical family (Ehrich et al., Physica A 552, 122108 (2020))."""

from __future__ import annotations

import numpy as np

from ...classical import RotatingDisk
from ...io import DIMENSIONLESS as N
from ...sweep import register_quantity

__all__ = ["disk_mean_energy"]


@register_quantity(
    "classical.disk-mean-energy",
    outputs={"mean_energy": (), "standard_error": (), "exact_mean_energy": ()},
    description="stationary mean energy of the rough rotating disk vs mass ratio "
                "(Ehrich 2020, Sec. 5)",
    cf={
        "mean_energy": ("stationary mean rotational energy (Monte Carlo)", "energy",
                        r"\langle I\omega^2/2\rangle"),
        "standard_error": ("standard error of the mean energy", "energy", r"\delta E"),
        "exact_mean_energy": ("stationary mean rotational energy, closed form", "energy",
                              r"\langle I\omega^2/2\rangle"),
        "mass_ratio": ("mass ratio of particle and disk", N, r"\mu = m/I"),
        "beta": ("inverse temperature of the gas", "1/energy", r"\beta"),
        "mass": ("mass of a gas particle", "mass", "m"),
        "kicks": ("velocity law of the colliding particles", N, None),
        "sides": ("number of sides particles arrive from", N, None),
        "n_steps": ("collisions per replica", N, "n"),
        "n_replicas": ("independent replicas", N, "R"),
    },
)
def disk_mean_energy(mass_ratio: float, beta: float = 1.0, mass: float = 1.0,
                     kicks: str = "effusion", sides: int = 1, n_steps: int = 2000,
                     n_replicas: int = 200, *, rng: np.random.Generator) -> dict:
    """Monte Carlo stationary <I omega^2/2> of `RotatingDisk` and its exact value.

    ``mean_energy`` and ``standard_error`` come from `RotatingDisk.simulate` (independent
    replicas); ``exact_mean_energy`` from the closed form `RotatingDisk.stationary_moments`.
    One-sided effusion kicks give kT[(1 - pi/4) + pi/(4 mu)], not the Gibbs kT/2.

    Examples
    --------
    >>> out = disk_mean_energy(2.0, n_steps=500, n_replicas=100, rng=np.random.default_rng(0))
    >>> bool(abs(out["mean_energy"] - out["exact_mean_energy"]) < 4 * out["standard_error"])
    True
    """
    disk = RotatingDisk(mass_ratio)
    mc = disk.simulate(beta, mass, kicks=kicks, sides=sides, n_steps=n_steps,
                       n_replicas=n_replicas, rng=rng)
    exact = disk.stationary_moments(beta, mass, kicks=kicks, sides=sides)
    return {"mean_energy": mc.mean_energy, "standard_error": mc.mean_energy_se,
            "exact_mean_energy": exact.mean_energy}
