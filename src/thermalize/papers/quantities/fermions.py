"""Sweepable quantities of the fermion family (Usui, Ptaszynski, Esposito, Strasberg 2024)."""

from __future__ import annotations

from ...fermions import entropy_production, gibbs_correlation_matrix, single_electron_transistor
from ...io import DIMENSIONLESS as N
from ...sweep import register_quantity

__all__ = ["set_effective_temperature"]


@register_quantity(
    "fermions.set-effective-temperature",
    outputs={"beta_eff": ("bath",), "mu_eff": ("bath",), "entropy_production": (),
             "decomposition_residual": ()},
    description="effective beta*, mu* of baths L, R of a single-electron transistor at one "
                "time (Usui 2024, Eqs. 5-7, 12)",
    coords={"bath": ("L", "R")},
    cf={
        "beta_eff": ("effective inverse temperature of the bath (Eqs. 5, 6)", "1/energy",
                     r"\beta^*_\nu"),
        "mu_eff": ("effective chemical potential of the bath (Eqs. 5, 6)", "energy",
                   r"\mu^*_\nu"),
        "entropy_production": ("entropy production (Eq. 7)", "nat", r"\Sigma"),
        "decomposition_residual": ("residual of the decomposition Eq. (12)", "nat",
                                   r"\epsilon_{12}"),
        "bath": ("bath", N, r"\nu"),
        "coupling": ("system-bath coupling", "energy", r"\Gamma"),
        "time": ("time", "1/energy", "t"),
        "levels_per_bath": ("levels per bath", N, "K"),
        "bandwidth": ("bath bandwidth", "energy", "W"),
        "dot_energy": ("dot level energy", "energy", r"\epsilon_d"),
        "beta_left": ("initial inverse temperature of bath L", "1/energy", r"\beta_L"),
        "beta_right": ("initial inverse temperature of bath R", "1/energy", r"\beta_R"),
        "mu_left": ("initial chemical potential of bath L", "energy", r"\mu_L"),
        "mu_right": ("initial chemical potential of bath R", "energy", r"\mu_R"),
        "system_occupation": ("initial dot occupation", N, r"n_d"),
    },
)
def set_effective_temperature(coupling: float, time: float = 10.0, levels_per_bath: int = 100,
                              bandwidth: float = 10.0, dot_energy: float = 0.0,
                              beta_left: float = 10.0, beta_right: float = 2.0,
                              mu_left: float = 1.0, mu_right: float = -1.0,
                              system_occupation: float = 0.0) -> dict:
    """beta*(t), mu*(t) of both baths and the entropy production Sigma(t) at one time.

    Model `single_electron_transistor(levels_per_bath, bandwidth, coupling, dot_energy)`,
    initial state `gibbs_correlation_matrix` (baths at their beta, mu; dot occupation
    `system_occupation`), evolved and analysed by `entropy_production`. Defaults are case (a)
    of Sec. IV of Usui et al. (2024) with K = 100 levels per bath (the paper: 1000).

    Returns
    -------
    dict
        ``beta_eff``, ``mu_eff`` (2,) for baths (L, R); ``entropy_production`` Sigma(t)
        (Eq. 7) and ``decomposition_residual`` (Eq. 12; zero up to rounding).

    Examples
    --------
    >>> out = set_effective_temperature(coupling=3.0, time=1e-4, levels_per_bath=20)
    >>> np.round(out["beta_eff"], 3)  # at t -> 0 the baths keep their initial beta
    array([10.,  2.])
    """
    model = single_electron_transistor(levels_per_bath, bandwidth, coupling, dot_energy)
    c0 = gibbs_correlation_matrix(model, beta=[beta_left, beta_right], mu=[mu_left, mu_right],
                                  system_occupation=system_occupation)
    ds = entropy_production(model, c0, [time]).isel(time=0)
    return {
        "beta_eff": ds["beta_eff"].values,
        "mu_eff": ds["mu_eff"].values,
        "entropy_production": ds["entropy_production"].values,
        "decomposition_residual": ds["decomposition_residual"].values,
    }
