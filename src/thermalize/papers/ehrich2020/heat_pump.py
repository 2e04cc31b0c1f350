"""ehrich2020 heat pump of Fig. 2 (right): the mu = 1 disk between a cold gas and a hot bath."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...classical import HeatPump, RotatingDisk
from ...plotting import new_figure, paper_markers, place_legend
from .common import SEED, Z_MAX, _max_abs_z, _params, _precision_checks
from .._registry import Check

__all__ = ["checks_heat_pump", "compute_heat_pump", "plot_heat_pump"]


# --------------------------------------------------------------------------------------
# ehrich2020.heat-pump
# --------------------------------------------------------------------------------------
def compute_heat_pump(quick: bool) -> xr.Dataset:
    """Fig. 2 (right): mu = 1 disk, cold 1D gas + hot bath; heat flows vs T_hot/T_cold."""
    t_cold, mass = 1.0, 1.0
    ratios = np.linspace(0.5, 2.5, 41)
    ratios_mc = np.array([0.8, 1.2, 1.4, 1.6])  # |Q| >= 0.2 kT_cold: relative SE meaningful
    disk = RotatingDisk(1.0)
    q, sig, q_max, sig_max = ([] for _ in range(4))
    for r in ratios:
        hf = HeatPump(disk, temperature_cold=t_cold, temperature_hot=r * t_cold, mass=mass).heat_flows()
        q.append(hf.heat_to_hot)
        sig.append(hf.entropy_production)
        hm = HeatPump(disk, temperature_cold=t_cold, temperature_hot=r * t_cold, mass=mass, kicks="maxwell").heat_flows()
        q_max.append(hm.heat_to_hot)
        sig_max.append(hm.entropy_production)
    rng = np.random.default_rng(SEED + 6)
    cycles, reps = (100, 4000) if quick else (1200, 100_000)
    mc = [
        HeatPump(disk, temperature_cold=t_cold, temperature_hot=r * t_cold, mass=mass).simulate(
            n_cycles=cycles, n_replicas=reps, rng=rng
        )
        for r in ratios_mc
    ]
    an = [HeatPump(disk, temperature_cold=t_cold, temperature_hot=r * t_cold, mass=mass).heat_flows() for r in ratios_mc]
    return xr.Dataset(
        {
            "heat": ("ratio", q),
            "entropy_production": ("ratio", sig),
            "paper_heat": ("ratio", t_cold - ratios * t_cold / 2),
            "heat_maxwell": ("ratio", q_max),
            "entropy_production_maxwell": ("ratio", sig_max),
            "mc_heat_from_cold": ("ratio_mc", [m.heat_from_cold for m in mc]),
            "mc_heat_from_cold_se": ("ratio_mc", [m.heat_from_cold_se for m in mc]),
            "mc_heat_to_hot": ("ratio_mc", [m.heat_to_hot for m in mc]),
            "mc_heat_to_hot_se": ("ratio_mc", [m.heat_to_hot_se for m in mc]),
            "mc_entropy_production": ("ratio_mc", [m.entropy_production for m in mc]),
            "mc_entropy_production_se": ("ratio_mc", [m.entropy_production_se for m in mc]),
            "exact_heat_mc": ("ratio_mc", [a.heat_to_hot for a in an]),
            "exact_entropy_production_mc": ("ratio_mc", [a.entropy_production for a in an]),
        },
        coords={"ratio": ratios, "ratio_mc": ratios_mc},
        attrs={
            "parameters": _params(
                mass_ratio=1.0,
                t_cold=t_cold,
                mass=mass,
                hot_relaxation=0.0,
                cold_collisions=1,
                kicks="effusion",
                sides=2,
                mc_cycles=cycles,
                mc_replicas=reps,
                seed=SEED + 6,
                quick=quick,
            )
        },
    )


def checks_heat_pump(ds: xr.Dataset) -> list[Check]:
    """Check the heat pump of Fig. 2 (right), Ehrich 2020: Q = k(T_cold - T_hot/2), Sigma < 0."""
    r = ds["ratio"].values
    window = (r > 1.0) & (r < 2.0)
    rm = ds["ratio_mc"].values
    i15 = int(np.argmin(np.abs(rm - 1.4)))
    sig_mc = ds["mc_entropy_production"].values[i15]
    return [
        Check.close(
            "Q vs paper's k(T_cold - T_hot/2) (max abs.)",
            np.max(np.abs(ds["heat"].values - ds["paper_heat"].values)),
            0.0,
            1e-12,
            "Sec. 5 text; 2x2 affine fixed point, rounding",
        ),
        Check.at_most(
            "entropy production for 1 < T_hot/T_cold < 2 (max)",
            float(np.max(ds["entropy_production"].values[window])),
            0.0,
            "Fig. 2 right: heat pumped without work, Sigma < 0",
        ),
        Check.at_most(
            "MC heat from cold vs exact (max |z|)",
            _max_abs_z(ds, "mc_heat_from_cold", "exact_heat_mc", "mc_heat_from_cold_se"),
            Z_MAX,
            "4 SE over replicas",
        ),
        Check.at_most(
            "MC heat to hot vs exact (max |z|)",
            _max_abs_z(ds, "mc_heat_to_hot", "exact_heat_mc", "mc_heat_to_hot_se"),
            Z_MAX,
            "4 SE over replicas",
        ),
        Check.at_most(
            "MC entropy production vs exact (max |z|)",
            _max_abs_z(
                ds,
                "mc_entropy_production",
                "exact_entropy_production_mc",
                "mc_entropy_production_se",
            ),
            Z_MAX,
            "4 SE over replicas",
        ),
        Check.at_most(
            "MC entropy production at T_hot = 1.4 T_cold (+4 SE)",
            sig_mc + Z_MAX * ds["mc_entropy_production_se"].values[i15],
            0.0,
            "Sec. 5: second-law violation seen in the simulation itself",
        ),
        Check.at_least(
            "control, Maxwell kicks: entropy production (min)",
            float(np.min(ds["entropy_production_maxwell"].values)),
            0.0,
            "law: a thermalizing disk obeys the second law",
            tolerance=1e-14,
        ),
    ] + _precision_checks(
        ds,
        [
            ("mc_heat_from_cold", "mc_heat_from_cold_se"),
            ("mc_heat_to_hot", "mc_heat_to_hot_se"),
            ("mc_entropy_production", "mc_entropy_production_se"),
        ],
    )


def _heat_pump_panel(ax, ds: xr.Dataset, exact: str, mc: str, labels: tuple[str, str], ylabel: str):
    """One panel: exact curves (effusion, Maxwell control), Monte Carlo points, shaded 1 < r < 2."""
    r = ds["ratio"].values
    ax.plot(r, ds[exact].values, label=labels[0])
    ax.plot(r, ds[f"{exact}_maxwell"].values, "--", label=labels[1])
    ax.errorbar(
        ds["ratio_mc"].values,
        ds[mc].values,
        yerr=ds[f"{mc}_se"].values,
        fmt="o",
        ms=3,
        mfc="none",
        label="Monte Carlo",
    )
    ax.axhline(0, color="k", lw=0.6)
    ax.axvspan(1, 2, color="tab:red", alpha=0.08)
    ax.set_xlabel(r"$T_{\rm hot}/T_{\rm cold}$")
    ax.set_ylabel(ylabel)


def plot_heat_pump(ds: xr.Dataset):
    """Draw Fig. 2 (right) of Ehrich et al. 2020: heat and entropy production vs T_hot/T_cold."""
    fig, (a, b) = new_figure(1, 2)
    _heat_pump_panel(
        a,
        ds,
        "heat",
        "mc_heat_to_hot",
        ("effusion kicks (exact)", "Maxwell kicks (control)"),
        r"heat cold $\to$ hot per cycle / $kT_{\rm cold}$",
    )
    # the paper's numbers (Sec. 5, Fig. 2 caption): the disk leaves the cold gas with kT_cold
    # and the hot bath with kT_hot/2, so Q = k(T_cold - T_hot/2): kT_cold/2 at T_hot = T_cold,
    # 0 at T_hot = 2 T_cold
    paper_markers(a, [1.0, 2.0], [0.5, 0.0])
    place_legend(a)
    _heat_pump_panel(
        b,
        ds,
        "entropy_production",
        "mc_entropy_production",
        ("effusion kicks", "Maxwell kicks"),
        r"entropy production per cycle / $k$",
    )
    # the note as the legend's title: one box outside the axes, nothing over the data
    place_legend(b, outside=True,
                 title="shaded: heat pumped uphill\nwithout work, $\\Sigma<0$")
    return fig
