r"""fluct.scattering-dft: energy a qubit bombarded by wave packets exchanges (Tabanera-Bravo 2023).

Two-point measurement of H_S. Per collision, the population block of the map obeys Eq. (2),
which implies the detailed fluctuation theorem :math:`P(\Delta E)/P(-\Delta E) =
e^{(\beta_0-\beta)\Delta E}` from a Gibbs state at beta_0. Along Poisson sequences measured
only at 0 and t, collisions create coherences that free evolution rotates and later collisions
turn back into populations: the heat statistics depart from the theorem as the rate Gamma
grows towards the gap (the regime where the qubit stops thermalizing), while their incoherent
part (coherences removed after every collision) obeys it at every rate. The generator's
statistics are checked against sampled Poisson sequences (Eq. 5).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...io import DIMENSIONLESS, describe
from ...plotting import axis_label, new_figure, param_title, place_legend
from ...quantum import gibbs_populations
from ...scattering import IncidentPacket, ScatteringModel, scattering_map
from ...scattering.fluctuations import (
    collision_energy_statistics,
    fluctuation_departure,
    trajectory_heat_statistics,
)
from ...scattering.trajectories import poisson_trajectories
from .._registry import Check, register
from ._common import FLUCT, params

__all__ = ["checks", "compute", "plot", "scattering_dft"]

BETA_0S = (0.1, 1.0, 3.0)  # Gibbs initial states of the per-collision statistics
BETA_0 = 1.0  # initial state of the sequence statistics
COLLISIONS = 5.0  # mean number of collisions Gamma t at which rates are compared
MC_RATE, MC_TIME = 10.0, 0.5
SEED = 11


def _sampled(smap, n_real: int, rng) -> tuple[np.ndarray, ...]:
    """P(Q) at (MC_RATE, MC_TIME) from sampled sequences, full and dephased, with SEs."""
    p0 = gibbs_populations(smap.energies, BETA_0)
    d = smap.energies.size
    out = {k: np.zeros(2 * d - 1) for k in ("full", "full_se", "inc", "inc_se")}
    for j in range(d):
        start = np.zeros((d, d))
        start[j, j] = 1.0
        for dephase, key in ((False, "full"), (True, "inc")):
            ens = poisson_trajectories(smap, smap.energies, MC_RATE, start, [MC_TIME],
                                       n_realisations=n_real, rng=rng, dephase=dephase)
            cond = np.real(np.diag(ens.mean[0]))
            se = np.real(np.diag(ens.standard_error[0]))
            for i in range(d):  # Q = e_i - e_j on the ascending heat grid (equally spaced qubit)
                out[key][d - 1 + i - j] += cond[i] * p0[j]
                out[key + "_se"][d - 1 + i - j] += se[i] * p0[j]  # summed: an upper bound
    return out["full"], out["full_se"], out["inc"], out["inc_se"]


def compute(quick: bool) -> xr.Dataset:
    """Per-collision P(dE), the departure scan over Gamma, and P(Q, t) vs sampled sequences."""
    smap = scattering_map(ScatteringModel.example(), IncidentPacket.example())  # Figs. 1-2
    per = [collision_energy_statistics(smap, beta_initial=b) for b in BETA_0S]
    rates = np.logspace(-2, 1.3, 12 if quick else 40)
    dep = fluctuation_departure(smap, rates, collisions=COLLISIONS, beta_initial=BETA_0)
    traj = trajectory_heat_statistics(smap, MC_RATE, [MC_TIME], beta_initial=BETA_0)
    rng = np.random.default_rng(SEED)
    full, full_se, inc, inc_se = _sampled(smap, 4000 if quick else 40000, rng)
    ds = xr.Dataset(
        {
            "collision_probability": (("beta_initial", "energy_change"),
                                      np.array([p.probabilities for p in per])),
            "collision_ft_residual": ("beta_initial", [p.fluctuation_residual() for p in per]),
            "detailed_balance_residual": ((), per[0].detailed_balance_residual()),
            "ft_residual": ("rate", dep.residual),
            "incoherent_ft_residual": ("rate", dep.incoherent_residual),
            "coherent_weight": ("rate", dep.coherent_weight),
            "heat_probability": ("heat", traj.probabilities[0]),
            "heat_probability_incoherent": ("heat", traj.incoherent[0]),
            "heat_probability_mc": ("heat", full),
            "heat_probability_mc_se": ("heat", full_se),
            "heat_probability_incoherent_mc": ("heat", inc),
            "heat_probability_incoherent_mc_se": ("heat", inc_se),
        },
        coords={"beta_initial": list(BETA_0S), "energy_change": per[0].heats, "rate": rates,
                "heat": traj.heats},
        attrs={"parameters": {"model": "ScatteringModel.example()",
                              "packet": "IncidentPacket.example() (Figs. 1-2)",
                              "beta_gas": float(smap.beta), "energies": smap.energies.tolist(),
                              "beta_initial_sequences": BETA_0, "collisions": COLLISIONS,
                              "mc_rate": MC_RATE, "mc_time": MC_TIME, "seed": SEED,
                              "quick": quick}},
    )
    return describe(ds, _cf())


def checks(ds: xr.Dataset) -> list[Check]:
    """Per-collision DFT; sequence statistics: incoherent part obeys it, coherences break it."""
    res, cw = ds["ft_residual"].values, ds["coherent_weight"].values
    z_full = np.abs(ds["heat_probability_mc"] - ds["heat_probability"]) / (
        ds["heat_probability_mc_se"] + 1e-300)
    z_inc = np.abs(ds["heat_probability_incoherent_mc"] - ds["heat_probability_incoherent"]) / (
        ds["heat_probability_incoherent_mc_se"] + 1e-300)
    coh = float(np.max(np.abs(ds["heat_probability"] - ds["heat_probability_incoherent"])))
    mc_se = float(ds["heat_probability_mc_se"].max()
                  + ds["heat_probability_incoherent_mc_se"].max())
    src = "Tabanera-Bravo 2023, Eq. (2) => detailed fluctuation theorem (derived)"
    return [
        # the map's quadrature tolerance is 1e-8 (scattering_map): the laws hold to that level
        Check.close("one collision: P(dE)/P(-dE) = exp((beta_0 - beta) dE) (max over beta_0)",
                    float(ds["collision_ft_residual"].max()), 0.0, 1e-8, src),
        Check.close("population block obeys Eq. (2) (residual)",
                    float(ds["detailed_balance_residual"]), 0.0, 1e-8,
                    "Tabanera-Bravo 2023, Eq. (2)"),
        Check.close("one collision: sum P(dE) = 1 (max)",
                    float(np.abs(ds["collision_probability"].sum("energy_change") - 1).max()),
                    0.0, 1e-8, "law: trace preservation of the map"),
        # expm of a 2x2 rate matrix: rounding only
        Check.close("sequences, incoherent part: FT at every rate (max residual)",
                    float(ds["incoherent_ft_residual"].max()), 0.0, 1e-12,
                    "law: exchange FT of a detailed-balance rate matrix (path reversal)"),
        Check.at_most("secular regime Gamma << gap: FT nearly holds (residual at min Gamma)",
                      float(res[0]), 1e-3, "Tabanera-Bravo 2023: thermalization at low rate"),
        Check.at_least("Gamma ~ gap: coherences break the FT (residual at max Gamma)",
                       float(res[-1]), 1e-2, "Tabanera-Bravo 2023, Fig. 2: no thermalization"),
        Check.at_least("coherent contribution grows: weight at max Gamma / at min Gamma",
                       float(cw[-1] / max(cw[0], 1e-300)), 100.0,
                       "Tabanera-Bravo 2023, Eq. (8): coherences fed by collisions"),
        # 5 standard errors (summed SEs bound the SE of each cell)
        Check.at_most("generator P(Q, t) = sampled Poisson sequences (max |z|)",
                      float(max(z_full.max(), z_inc.max())), 5.0,
                      "independent route: Poisson sampling, Eq. (5)"),
        Check.at_least("the coherent part is resolved by the sampling (|P - P_inc| / SE)",
                       coh / mc_se, 5.0, "independent route: Poisson sampling, Eq. (5)"),
    ]


def plot(ds: xr.Dataset):
    """(a) P(dE) per collision; (b) departure from the theorem vs Gamma; (c) P(Q, t)."""
    fig, (a, b, c) = new_figure(1, 3, width=3.2, height=2.7)
    de = ds["energy_change"].values
    w = 0.8 * (de[1] - de[0]) / len(ds["beta_initial"])
    for k, b0 in enumerate(ds["beta_initial"].values):
        a.bar(de + (k - 1) * w, ds["collision_probability"].sel(beta_initial=b0).values, w,
              label=rf"$\beta_0 = {b0:g}$")
    a.set_yscale("log")
    a.set_ylim(top=50.0)  # room for the legend above the bars
    a.set_xlabel(axis_label("energy change per collision", r"\Delta E", "energy"))
    a.set_ylabel(axis_label("probability", r"P(\Delta E)"))
    a.set_title(param_title(beta=params(ds)["beta_gas"]) + " (gas)", fontsize=8)
    place_legend(a, ncol=3, fontsize=6, outside=False)
    r = ds["rate"].values
    b.loglog(r, ds["ft_residual"].values, "o-", ms=3, label="full statistics")
    b.loglog(r, np.maximum(ds["incoherent_ft_residual"].values, 1e-17), "s--", ms=3,
             label="incoherent part")
    b.loglog(r, ds["coherent_weight"].values, "^:", ms=3, label="coherent weight")
    b.set_xlabel(axis_label("collision rate", r"\Gamma", "1/time"))
    b.set_ylabel(axis_label("departure from the FT"))
    b.set_title(param_title(beta_0=BETA_0) + rf", $\Gamma t = {COLLISIONS:g}$", fontsize=8)
    place_legend(b)
    q = ds["heat"].values
    c.plot(q, ds["heat_probability"].values, "-", label="generator")
    c.plot(q, ds["heat_probability_incoherent"].values, "--", label="incoherent")
    c.errorbar(q, ds["heat_probability_mc"].values, yerr=ds["heat_probability_mc_se"].values,
               fmt="o", ms=4, mfc="none", label="sampled")
    c.errorbar(q, ds["heat_probability_incoherent_mc"].values,
               yerr=ds["heat_probability_incoherent_mc_se"].values, fmt="s", ms=4, mfc="none",
               label="sampled, dephased")
    c.set_xlabel(axis_label("heat from the gas", "Q", "energy"))
    c.set_ylabel(axis_label("probability", "P(Q, t)"))
    c.set_title(param_title(Gamma=MC_RATE, t=MC_TIME), fontsize=8)
    place_legend(c)
    return fig


def _cf() -> dict:
    """CF attributes (long_name, units, LaTeX symbol) of this reproduction's variables."""
    d = DIMENSIONLESS
    return {
        "beta_initial": ("inverse temperature of the initial Gibbs state", "1/energy", r"\beta_0"),
        "energy_change": ("system energy change in one collision", "energy", r"\Delta E"),
        "rate": ("collision rate", "1/time", r"\Gamma"),
        "heat": ("heat from the gas between 0 and t", "energy", "Q"),
        "collision_probability": ("P(Delta E) of one collision", d, r"P(\Delta E)"),
        "collision_ft_residual": ("residual of P(dE)/P(-dE) = exp((beta_0 - beta) dE)", d,
                                  r"\epsilon_{FT}"),
        "detailed_balance_residual": ("residual of Eq. (2) on the population block", d, None),
        "ft_residual": ("FT residual of the sequence heat statistics", d, r"\epsilon_{FT}"),
        "incoherent_ft_residual": ("FT residual of the incoherent part", d, r"\epsilon_{inc}"),
        "coherent_weight": ("total variation of the coherent contribution", d, None),
        "heat_probability": ("P(Q, t), generator of Eq. (8)", d, "P(Q)"),
        "heat_probability_incoherent": ("P(Q, t), coherences removed", d, r"P_{inc}(Q)"),
        "heat_probability_mc": ("P(Q, t), sampled Poisson sequences", d, "P(Q)"),
        "heat_probability_mc_se": ("standard error of the sampled P(Q, t)", d, None),
        "heat_probability_incoherent_mc": ("P(Q, t), sampled dephased sequences", d, None),
        "heat_probability_incoherent_mc_se": ("standard error of the dephased P(Q, t)", d, None),
    }


scattering_dft = register(
    "fluct.scattering-dft",
    title="Scattering: detailed FT of the energy per collision; coherences break it along "
          "Poisson sequences as Gamma grows",
    paper=FLUCT,
    cf=_cf(),
    runtime_estimate_s=4.0,
    full_runtime_estimate_s=7.0,
    plot=plot,
    checks=checks,
)(compute)
