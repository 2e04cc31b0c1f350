"""usui2024 Figs. 5-6: entropy production and its terms vs time; regime-III averages vs Gamma."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...plotting import new_figure, param_title, place_legend
from .._registry import Check
from .common import (
    BANDWIDTH,
    CASES,
    GAMMAS_FIG6_FULL,
    GAMMAS_FIG6_QUICK,
    REGIME_III,
    _base_parameters,
    _levels,
    _regime3,
    _run,
    _stack,
)
from .fig3_fig4 import (
    _bath_gap,
    _ensemble_runs,
    _ensemble_specs,
    _identity_tol,
)

# ----------------------------------------------------------------------------------- Fig. 5
TERMS = [
    "entropy_production",
    "sigma",
    "finite_bath_effect",
    "system_bath_mi",
    "inter_bath_mi",
    "intra_bath_mi_total",
    "local_athermality_total",
]


def compute_fig5(quick: bool) -> xr.Dataset:
    """Sigma (Eq. 7), sigma (Eq. 13) and every component (Eqs. 8-12, 14) vs Gamma t, Gamma = 3."""
    ds = _ensemble_runs(quick, (3.0,)).sel(gamma=3.0)
    out = ds[TERMS + ["intra_bath_mi", "decomposition_residual", "eq14_residual"]]
    out.attrs["parameters"] = _base_parameters(quick, gamma=3.0)
    return out


def checks_fig5(ds: xr.Dataset) -> list[Check]:
    r3 = {v: _regime3(ds[v]).mean("gamma_time") for v in TERMS}
    isb = _regime3(ds.system_bath_mi)
    return [
        # sums of ~4K entropies of size <= ln 2 each: rounding ~1e-12
        Check.at_least(
            "Sigma(t) >= 0 (min over t and cases)",
            float(ds.entropy_production.min()),
            0.0,
            "Eq. (7): Clausius inequality",
            tolerance=1e-10,
        ),
        Check.at_most(
            "Eq. (12) residual, max |Sigma - sum of terms|",
            float(abs(ds.decomposition_residual).max()),
            _identity_tol(ds),
            "Eq. (12) identity at every time point",
        ),
        Check.at_most(
            "Eq. (14) residual, max |sigma - Sigma - D_env^eq|",
            float(abs(ds.eq14_residual).max()),
            _identity_tol(ds),
            "Eq. (14) identity",
        ),
        Check.at_least(
            "regime III: D_env^eq / largest other term (min over cases)",
            float(min((r3["finite_bath_effect"] / r3[o]).min() for o in OTHER_TERMS)),
            1.0,
            "Sec. IV B: the by far largest term is the finite bath effect",
        ),
        Check.at_most(
            "regime III: I_oL vs I_oR (rel. gap beyond 4 SE)",
            _bath_gap(ds.intra_bath_mi, relative=True),
            0.25,
            "Sec. IV B: I_oL ~ I_oR in regime III despite fluctuations",
        ),
        Check.at_most(
            "regime III: I_S-B almost constant (max std/mean)",
            float((isb.std("gamma_time") / isb.mean("gamma_time")).max()),
            0.05,
            "Sec. IV B: I_S-B settles to an almost perfectly constant value",
        ),
        Check.at_most(
            "regime III: I_S-B small in absolute terms, I_S-B / Sigma",
            float((r3["system_bath_mi"] / r3["entropy_production"]).max()),
            0.2,
            "Sec. IV B: I_S-B negligible in an absolute sense",
        ),
    ]


#: Plot labels of the entropy-production terms (Figs. 5 and 6).
#: The terms D_env^eq must dominate in regime III (Fig. 5 and Fig. 6 checks).
OTHER_TERMS = [
    "entropy_production",
    "system_bath_mi",
    "inter_bath_mi",
    "intra_bath_mi_total",
    "local_athermality_total",
]

TERM_LABELS = {
    "entropy_production": r"$\Sigma$",
    "sigma": r"$\sigma$",
    "finite_bath_effect": r"$D^{eq}_{env}$",
    "system_bath_mi": r"$I_{S-B}$",
    "inter_bath_mi": r"$I_{L-R}$",
    "intra_bath_mi_total": r"$\sum_\nu I_{o\nu}$",
    "local_athermality_total": r"$D^*_{env}$",
}


def plot_fig5(ds: xr.Dataset):
    fig, axes = new_figure(2, ds.sizes["case"], width=3.6, height=2.7)
    gt = ds["gamma_time"].values
    labels = TERM_LABELS
    for j, c in enumerate(ds["case"].values):
        sel = ds.sel(case=c)
        ax = axes[0, j]
        for v in TERMS:
            ax.loglog(gt, np.maximum(sel[v], 1e-12), label=labels[v])
        ax.set_title(f"case ({c}), " + param_title(Gamma=3))
        ax.set_ylabel("entropy (nats)")
        ax.set_ylim(1e-4, None)
        ax = axes[1, j]
        for v, lab in [("system_bath_mi", r"$I_{S-B}$"), ("inter_bath_mi", r"$I_{L-R}$")]:
            ax.loglog(gt, np.maximum(sel[v], 1e-12), label=lab)
        for b in sel["bath"].values:
            ax.loglog(gt, np.maximum(sel.intra_bath_mi.sel(bath=b), 1e-12), label=rf"$I_{{o{b}}}$")
        ax.set_ylim(1e-4, None)
        ax.set_xlabel(r"$\Gamma t$")
        ax.set_ylabel("mutual information")
    place_legend(axes[0, -1], loc="lower right", ncol=2)
    place_legend(axes[1, -1], loc="lower right")
    return fig


# ----------------------------------------------------------------------------------- Fig. 6
NORMALISED = ["system_bath_mi_normalised", "inter_bath_mi_normalised", "intra_bath_mi_normalised"]


def _fig6_specs(quick: bool) -> dict:
    """(case, Gamma) -> arguments of the regime-III run `_run` of Fig. 6."""
    k = _levels(quick)
    gammas = GAMMAS_FIG6_QUICK if quick else GAMMAS_FIG6_FULL
    grid = tuple(np.logspace(np.log10(REGIME_III[0]), np.log10(REGIME_III[1]), 10 if quick else 31))
    return {(c, g): dict(case=c, gamma=g, k_left=k, k_right=k, grid=grid)
            for c in CASES for g in gammas}


def tasks_fig5(quick: bool) -> list:
    """The two Gamma = 3 ensemble runs (the same tasks as in Figs. 4 and 8)."""
    return [_run.task(**kw) for kw in _ensemble_specs(quick, (3.0,)).values()]


def tasks_fig6(quick: bool) -> list:
    """One task per (case, Gamma)."""
    return [_run.task(**kw) for kw in _fig6_specs(quick).values()]


def compute_fig6(quick: bool) -> xr.Dataset:
    """Regime-III averages (Gamma t in [1e5, 1e8], log-spaced samples) vs Gamma."""
    gammas = GAMMAS_FIG6_QUICK if quick else GAMMAS_FIG6_FULL
    specs = _fig6_specs(quick)
    grid = next(iter(specs.values()))["grid"]
    runs = {key: _run(**kw) for key, kw in specs.items()}
    ds = _stack(runs, ("case", "gamma"))
    out = ds[TERMS + ["intra_bath_mi"] + NORMALISED].mean("gamma_time")
    out["system_bath_mi_normalised_sem"] = ds.system_bath_mi_normalised.std(
        "gamma_time", ddof=1
    ) / np.sqrt(ds.sizes["gamma_time"])
    out.attrs["parameters"] = _base_parameters(
        quick, gammas=list(gammas), regime_III_samples=len(grid)
    )
    return out


def checks_fig6(ds: xr.Dataset) -> list[Check]:
    spread = {
        v: float((ds[v].max("gamma") / ds[v].min("gamma")).max())
        for v in ["entropy_production", "inter_bath_mi"]
    }
    return [
        # for Gamma >~ 100 W the dot hybridises into bound states outside the band (at
        # +-10.3 for Gamma = 30, +-31 for 300) whose undamped oscillation makes I_S-B swing
        # between ~0.15 and ~1.8 ln 2 in regime III; the check covers Gamma <= 3 W
        Check.at_least(
            "I_S-B above the classical bound: min over Gamma <= 30 of I_S-B / ln 2",
            float(ds.system_bath_mi_normalised.where(ds.gamma <= 3 * BANDWIDTH, drop=True).min()),
            1.0,
            "Fig. 6 bottom: I_S-B exceeds the classical bound",
        ),
        Check.at_most(
            "I_S-B below the quantum bound 2 ln 2: max",
            float(ds.system_bath_mi_normalised.max()),
            2.0,
            "Sec. IV B: I <= 2 I_cl^max",
        ),
        Check.at_least(
            "D_env^eq the largest term for every Gamma (min ratio to the others)",
            float(min((ds.finite_bath_effect / ds[o]).min() for o in OTHER_TERMS)),
            1.0,
            "Sec. IV B, Fig. 6 top",
        ),
        # "fairly constant" over three decades: a factor 2 would be visible on the log axes
        Check.at_most(
            "Sigma fairly constant over Gamma (max/min)",
            spread["entropy_production"],
            2.0,
            "Sec. IV B: all quantities fairly constant as a function of Gamma",
        ),
        Check.at_most(
            "I_L-R insensitive to Gamma (max/min)",
            spread["inter_bath_mi"],
            2.0,
            "Sec. V point (6): interbath correlations insensitive to coupling",
        ),
        Check.at_least(
            "I_S-B dominates in a relative sense: min(I_SB_norm / I_LR_norm)",
            float((ds.system_bath_mi_normalised / ds.inter_bath_mi_normalised).min()),
            1.0,
            "Sec. V point (7): system-bath correlation dominates relatively",
        ),
    ]


def plot_fig6(ds: xr.Dataset):
    fig, axes = new_figure(2, ds.sizes["case"], width=3.6, height=2.7)
    g = ds["gamma"].values
    labels = TERM_LABELS
    for j, c in enumerate(ds["case"].values):
        sel = ds.sel(case=c)
        for v in TERMS:
            axes[0, j].loglog(g, sel[v], "o-", ms=3, label=labels[v])
        axes[0, j].set_title(f"case ({c}): regime-III averages")
        axes[0, j].set_ylabel("entropy (nats)")
        ax = axes[1, j]
        ax.loglog(g, sel.system_bath_mi_normalised, "o-", ms=3, label=r"$I_{S-B}/I^{max}_{cl}$")
        ax.loglog(g, sel.inter_bath_mi_normalised, "s-", ms=3, label=r"$I_{L-R}/I^{max}_{cl}$")
        for b in sel["bath"].values:
            ax.loglog(
                g,
                sel.intra_bath_mi_normalised.sel(bath=b),
                "^-",
                ms=3,
                label=rf"$I_{{o{b}}}/I^{{max}}_{{cl}}$",
            )
        ax.axhline(1.0, color="0.5", ls="--", lw=1, label="classical bound")
        ax.set_xlabel(r"coupling $\Gamma$")
        ax.set_ylabel("normalised correlation")
    place_legend(axes[0, -1], outside=True)
    place_legend(axes[1, -1], outside=True)
    return fig
