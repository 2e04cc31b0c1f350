"""Sweepable fluctuation statistics of every family (issue 19): the main numbers of ``fluct.*``.

Each returns scalars (cumulants, fluctuation-theorem averages and residuals) so that a sweep
maps how a law holds or fails over a parameter grid.
"""

from __future__ import annotations

import numpy as np

from ...classical import RotatingDisk, fluctuation_audit
from ...errors import require_int
from ...fermions import (
    TransferStatistics,
    bath_number_distribution,
    gibbs_correlation_matrix,
    single_electron_transistor,
)
from ...sweep import register_quantity

__all__ = ["disk_fluctuation_audit", "set_transfer_statistics"]


@register_quantity(
    "classical.disk-fluctuation-theorem",
    outputs={"ift": (), "ift_corrected": (), "contraction_contribution": (),
             "mean_entropy_production": (), "ift_mc": (), "ift_mc_se": ()},
    description="integral fluctuation theorem of one rough-disk collision, exact kernel and "
                "Monte Carlo (Ehrich 2020, Eqs. 29-32; issue 19)",
)
def disk_fluctuation_audit(mass_ratio: float, beta: float = 1.0, mass: float = 1.0,
                           kicks: str = "effusion", initial_mean: float = 0.0,
                           initial_std: float = 1.5, n_samples: int = 20_000, *,
                           rng: np.random.Generator) -> dict:
    r"""<exp(-Delta s)> of one collision of `RotatingDisk(mass_ratio)` and its contraction term.

    `thermalize.classical.fluctuation_audit` with two-sided kicks from a Gaussian omega law
    (``initial_mean``, ``initial_std``; keep ``initial_std**2 > mass_ratio/(2 beta mass)`` for
    finite-variance Monte Carlo). ``ift`` = 1 exactly when the collision map is volume
    preserving (Maxwell kicks); with effusion kicks ``ift - 1 = contraction_contribution`` and
    ``ift_corrected`` = <exp(-Delta s + Lambda)> = 1.

    Returns
    -------
    dict
        ``ift``, ``ift_corrected``, ``contraction_contribution``, ``mean_entropy_production``
        (exact kernel) and ``ift_mc``, ``ift_mc_se`` (Monte Carlo mean and standard error).

    Examples
    --------
    >>> out = disk_fluctuation_audit(1.0, n_samples=2000, rng=np.random.default_rng(0))
    >>> round(float(out["ift"]), 10) == round(np.pi / 2, 10)  # closed form at mu = 1
    True
    """
    a = fluctuation_audit(RotatingDisk(mass_ratio), beta=beta, mass=mass, kicks=kicks,
                          initial=(initial_mean, initial_std), n_samples=n_samples, rng=rng)
    return {"ift": a.ift, "ift_corrected": a.ift_corrected,
            "contraction_contribution": a.contraction_contribution,
            "mean_entropy_production": a.mean_entropy_production,
            "ift_mc": a.mc["ift"][0], "ift_mc_se": a.mc["ift"][1]}


@register_quantity(
    "fermions.transfer-statistics",
    outputs={"transfer_mean": (), "transfer_variance": (), "transfer_third_cumulant": (),
             "bath_number_mean": (), "bath_number_variance": ()},
    description="two-point statistics of the particles transferred into bath L of a "
                "single-electron transistor, and the law of N_L at time t (Usui 2024; issue 19)",
)
def set_transfer_statistics(time: float, levels_per_bath: int = 60, bandwidth: float = 8.0,
                            coupling: float = 1.0, dot_energy: float = 0.0,
                            beta_left: float = 1.0, beta_right: float = 1.0,
                            mu_left: float = 1.0, mu_right: float = -1.0,
                            system_occupation: float = 0.5) -> dict:
    """First three cumulants of Delta N_L (two-point measurement) and mean, variance of N_L(t).

    Model `single_electron_transistor(levels_per_bath, bandwidth, coupling, dot_energy)`,
    baths grand-canonical (`gibbs_correlation_matrix`), dot occupation `system_occupation`;
    `TransferStatistics.particle_distribution` (Delta N_L) and `bath_number_distribution`
    (N_L at `time`).

    Examples
    --------
    >>> out = set_transfer_statistics(3.0, levels_per_bath=20)
    >>> bool(out["transfer_mean"] < 0)  # mu_L > mu_R: particles leave L
    True
    """
    k = require_int("levels_per_bath", levels_per_bath, low=2)
    model = single_electron_transistor(k, bandwidth, coupling, dot_energy)
    c0 = gibbs_correlation_matrix(model, [beta_left, beta_right], [mu_left, mu_right],
                                  system_occupation=system_occupation)
    dn, p = TransferStatistics(model, c0, time, ["L"]).particle_distribution("L")
    mean = float(p @ dn)
    var = float(p @ (dn - mean) ** 2)
    third = float(p @ (dn - mean) ** 3)
    bath = bath_number_distribution(model, c0, time, "L")
    return {"transfer_mean": mean, "transfer_variance": var, "transfer_third_cumulant": third,
            "bath_number_mean": float(bath.mean[0]), "bath_number_variance": float(bath.variance[0])}
