"""usui2024 Fig. 9 (Appendix A): asymmetric baths K_L != K_R."""

from __future__ import annotations

import xarray as xr

from ...plotting import new_figure, param_title, place_legend
from .._registry import Check
from .common import (
    ASYMMETRIES,
    BETA_RTOL,
    CASES,
    GAMMAS_FIG9,
    _base_parameters,
    _levels,
    _regime3,
    _run,
    _stack,
)
from .fig3_fig4 import (
    _excess_deviation,
    _grid,
)


# ----------------------------------------------------------------------------------- Fig. 9
def _asymmetric_levels(k: int, asymmetry: float) -> tuple[int, int]:
    """K_L, K_R = K +- max(1, round(asymmetry K)): 1001/999 and 1010/990 at K = 1000."""
    d = max(1, round(asymmetry * k))
    return k + d, k - d


def _fig9_specs(quick: bool) -> dict:
    """(asymmetry, case, Gamma) -> arguments of `_run` with K_L != K_R."""
    k = _levels(quick)
    grid = _grid(quick, 3)
    return {(a, c, g): dict(case=c, gamma=g, k_left=_asymmetric_levels(k, a)[0],
                            k_right=_asymmetric_levels(k, a)[1], grid=grid)
            for a in ASYMMETRIES for c in CASES for g in GAMMAS_FIG9}


def tasks_fig9(quick: bool) -> list:
    """One task per (asymmetry, case, Gamma)."""
    return [_run.task(**kw) for kw in _fig9_specs(quick).values()]


def compute_fig9(quick: bool) -> xr.Dataset:
    """beta*_nu vs Gamma t for asymmetric baths K_L != K_R (Appendix A), Gamma = 1, 3."""
    k = _levels(quick)
    runs = {key: _run(**kw)[["beta_eff", "mu_eff", "beta_ref", "mu_ref"]]
            for key, kw in _fig9_specs(quick).items()}
    out = _stack(runs, ("asymmetry", "case", "gamma"))
    out["levels_left"] = ("asymmetry", [_asymmetric_levels(k, a)[0] for a in ASYMMETRIES])
    out["levels_right"] = ("asymmetry", [_asymmetric_levels(k, a)[1] for a in ASYMMETRIES])
    out.attrs["parameters"] = _base_parameters(
        quick, gammas=list(GAMMAS_FIG9), asymmetries=list(ASYMMETRIES)
    )
    return out


def checks_fig9(ds: xr.Dataset) -> list[Check]:
    dev = _excess_deviation(ds.beta_eff, ds.beta_ref) / ds.beta_ref
    raw = abs(_regime3(ds.beta_eff).mean("gamma_time") / ds.beta_ref - 1)
    out = [
        Check.at_most(
            f"asymmetry {a:g}, Gamma=3: regime-III beta*_nu vs beta_ref (max rel., beyond 4 SE)",
            float(dev.sel(asymmetry=a, gamma=3.0).max()),
            BETA_RTOL,
            "App. A: thermalisation robust to asymmetric baths",
        )
        for a in ds["asymmetry"].values
    ]
    out.append(
        Check.at_least(
            "Gamma=1 deviates more from beta_ref than Gamma=3 (ratio of max rel. deviations)",
            float(raw.sel(gamma=1.0).max() / raw.sel(gamma=3.0).max()),
            1.0,
            "App. A: slight discrepancies in regime III start to develop for Gamma = 1",
        )
    )
    out.append(
        Check.at_least(
            "levels differ between the baths (K_L - K_R >= 2)",
            float((ds.levels_left - ds.levels_right).min()),
            2.0,
            "App. A: K_L != K_R",
        )
    )
    return out


def plot_fig9(ds: xr.Dataset):
    cols = [(c, g) for c in ds["case"].values for g in ds["gamma"].values]
    fig, axes = new_figure(ds.sizes["asymmetry"], len(cols), width=2.6, height=2.1)
    gt = ds["gamma_time"].values
    for i, a in enumerate(ds["asymmetry"].values):
        kl, kr = int(ds.levels_left.sel(asymmetry=a)), int(ds.levels_right.sel(asymmetry=a))
        for j, (c, g) in enumerate(cols):
            ax = axes[i, j]
            sel = ds.sel(asymmetry=a, case=c, gamma=g)
            for b in sel["bath"].values:
                ax.semilogx(gt, sel.beta_eff.sel(bath=b), label=b)
            ax.axhline(float(sel.beta_ref), color="0.4", ls="--", lw=1, label="global ref.")
            ax.set_title(f"({c}) " + param_title(Gamma=float(g), K_L=int(kl), K_R=int(kr)),
                         fontsize=7)
            ax.set_ylabel(r"$\beta^*_\nu$")
            if i == ds.sizes["asymmetry"] - 1:
                ax.set_xlabel(r"$\Gamma t$")
    place_legend(axes[0, 0], loc="upper right")
    return fig
