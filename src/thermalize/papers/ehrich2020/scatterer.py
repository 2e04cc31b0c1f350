"""ehrich2020 scatterer: thermalization by effusion kicks Eq. (26) and Fig. 1 (right)."""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy import special

from ...classical import (
    DiscreteScatterer,
    check_microreversibility,
    jacobian,
    kick_markov_matrix,
    level_change_map,
    simulate_explicit_particles,
    simulate_kick_chain,
    stationary_distribution,
)
from ...classical.liouville import (
    level_change_velocity_map,
    map_boundary,
    polygon_area,
    rectangle_boundary,
)
from ...plotting import annotate_checks, new_figure, place_legend
from ...quantum import relative_entropy
from .common import (
    SEED,
    Z_MAX,
    _max_abs_z,
    _parameters,
    _params,
    _precision_checks,
)
from .._registry import Check

__all__ = [
    "FIG1_DROP",
    "FIG1_DT",
    "FIG1_V",
    "FIG1_Y",
    "MODELS",
    "checks_fig1",
    "checks_thermalization",
    "compute_fig1",
    "compute_thermalization",
    "plot_fig1",
    "plot_thermalization",
]


# --------------------------------------------------------------------------------------
# ehrich2020.thermalization
# --------------------------------------------------------------------------------------
#: Level energies of the two- and three-level scatterers kicked toward Gibbs, Eq. (26) of
#: Ehrich et al. (2020), in units of the level spacing.
MODELS = {"two-level": np.array([0.0, 1.0]), "three-level": np.array([0.0, 1.0, 2.0])}


def _gibbs(levels, beta):
    w = np.exp(-beta * (levels - levels[0]))
    return w / w.sum()


def compute_thermalization(quick: bool) -> xr.Dataset:
    """Stationary populations vs beta: effusion -> Gibbs, Maxwell -> not (uniform rule)."""
    mass = 1.0
    betas = np.linspace(0.1, 3.0, 30)
    betas_mc = np.array([0.5, 1.0])
    kicks = ["effusion", "maxwell"]
    rng = np.random.default_rng(SEED + 2)
    n_lv = 3
    exact = np.full((2, 2, betas.size, n_lv), np.nan)
    gibbs = np.full((2, betas.size, n_lv), np.nan)
    dist = np.zeros((2, 2, betas.size))
    mc = np.full((2, 2, betas_mc.size, n_lv), np.nan)
    mc_se = np.full_like(mc, np.nan)
    mc_exact = np.full_like(mc, np.nan)
    ex = np.full((2, n_lv), np.nan)
    ex_se = np.full_like(ex, np.nan)
    ex_gibbs = np.full_like(ex, np.nan)
    steps, reps = (300, 2000) if quick else (1250, 100_000)
    ex_steps, ex_reps = (1000, 2000) if quick else (20_000, 40_000)
    viol = np.zeros(2)
    for i, lv in enumerate(MODELS.values()):
        sc = DiscreteScatterer(lv)
        n = lv.size
        viol[i] = len(check_microreversibility(sc).violating_pairs())
        for j, k in enumerate(kicks):
            for b, beta in enumerate(betas):
                p = stationary_distribution(kick_markov_matrix(sc, beta, mass, k))
                exact[i, j, b, :n] = p
                gibbs[i, b, :n] = _gibbs(lv, beta)
                dist[i, j, b] = relative_entropy(np.diag(p), np.diag(gibbs[i, b, :n]))
            for b, beta in enumerate(betas_mc):
                est = simulate_kick_chain(
                    sc, beta, mass, k, n_steps=steps, n_replicas=reps, rng=rng
                )
                mc[i, j, b, :n], mc_se[i, j, b, :n] = est.populations, est.standard_error
                mc_exact[i, j, b, :n] = stationary_distribution(
                    kick_markov_matrix(sc, beta, mass, k)
                )
        beta_ex, length, dt = 1.0, 6.0, 1.0  # L/dt = 6 thermal speeds: bias ~1e-9
        est = simulate_explicit_particles(
            sc, beta_ex, mass, length, dt, n_steps=ex_steps, n_replicas=ex_reps, rng=rng
        )
        ex[i, :n], ex_se[i, :n], ex_gibbs[i, :n] = (
            est.populations,
            est.standard_error,
            _gibbs(lv, beta_ex),
        )
    return xr.Dataset(
        {
            "exact": (("model", "kicks", "beta", "level"), exact),
            "gibbs": (("model", "beta", "level"), gibbs),
            "relative_entropy": (("model", "kicks", "beta"), dist),
            "mc": (("model", "kicks", "beta_mc", "level"), mc),
            "mc_se": (("model", "kicks", "beta_mc", "level"), mc_se),
            "mc_exact": (("model", "kicks", "beta_mc", "level"), mc_exact),
            "explicit": (("model", "level"), ex),
            "explicit_se": (("model", "level"), ex_se),
            "explicit_gibbs": (("model", "level"), ex_gibbs),
            "eq17_violations": ("model", viol),
            "maxwell_two_level_closed_form": ("beta", special.erfc(np.sqrt(betas))),
        },
        coords={
            "model": list(MODELS),
            "kicks": kicks,
            "beta": betas,
            "beta_mc": betas_mc,
            "level": np.arange(n_lv),
        },
        attrs={
            "parameters": _params(
                mass=mass,
                levels={k: v.tolist() for k, v in MODELS.items()},
                rule="uniform over open levels",
                mc_steps=steps,
                mc_replicas=reps,
                explicit_steps=ex_steps,
                explicit_replicas=ex_reps,
                explicit_beta=1.0,
                explicit_length=6.0,
                explicit_dt=1.0,
                seed=SEED + 2,
                quick=quick,
            )
        },
    )


def checks_thermalization(ds: xr.Dataset) -> list[Check]:
    """Check that effusion kicks give Gibbs, Maxwell kicks do not (Ehrich 2020, Eqs. 17, 26)."""
    ex = ds["exact"]
    eff_err = float(np.nanmax(np.abs(ex.sel(kicks="effusion").values - ds["gibbs"].values)))
    two = ex.sel(model="two-level", kicks="maxwell").values
    ratio_err = float(
        np.max(np.abs(two[:, 1] / two[:, 0] / ds["maxwell_two_level_closed_form"].values - 1))
    )
    out = [
        # exact piecewise integration + 3x3 solve: rounding ~1e-15
        Check.close(
            "effusion kicks: stationary = Gibbs (max abs. diff.)",
            eff_err,
            0.0,
            1e-12,
            "Eq. (26)-(27) with Eq. (17): detailed balance Eq. (12)",
        ),
        Check.close(
            "two-level Maxwell: p1/p0 = erfc(sqrt(beta D)) (max rel. diff.)",
            ratio_err,
            0.0,
            1e-12,
            "hand derivation: Maxwell K is Gamma(1/2, kT)",
        ),
        Check.at_most(
            "uniform rule obeys Eq. (17) (violating pairs)",
            float(ds["eq17_violations"].sum()),
            0.0,
            "Eq. (17)",
        ),
    ]
    for m in ds["model"].values:
        d = ds["relative_entropy"].sel(model=m, kicks="maxwell").values
        out.append(
            Check.at_least(
                f"{m}: Maxwell kicks miss Gibbs (max D[p||Gibbs])",
                d.max(),
                1e-3,
                "Sec. 4: Maxwell kicks do not thermalize",
            )
        )
    out.append(
        Check.at_most(
            "kick-chain MC vs exact matrix (max |z|)",
            _max_abs_z(ds, "mc", "mc_exact", "mc_se"),
            Z_MAX,
            "MC of the chain of Eq. (26); 4 SE over replicas",
        )
    )
    out.append(
        Check.at_most(
            "explicit particles vs Gibbs (max |z|)",
            _max_abs_z(ds, "explicit", "explicit_gibbs", "explicit_se"),
            Z_MAX,
            "Eqs. (22)-(23): equilibrium gas thermalizes; 4 SE",
        )
    )
    return out + _precision_checks(ds, [("mc", "mc_se"), ("explicit", "explicit_se")])


def plot_thermalization(ds: xr.Dataset):
    """Draw the top level's population vs beta: effusion, Maxwell kicks, Gibbs (Ehrich 2020)."""
    fig, axes = new_figure(1, 2)
    b = ds["beta"].values
    for ax, m in zip(axes, ds["model"].values):
        lv = MODELS[str(m)]
        top = lv.size - 1
        g = ds["gibbs"].sel(model=m).values[:, top]
        ax.plot(b, g, "k-", lw=2.5, alpha=0.3, label="Gibbs")
        for k, st in (("effusion", "-"), ("maxwell", "--")):
            (line,) = ax.plot(
                b, ds["exact"].sel(model=m, kicks=k).values[:, top], st, label=f"{k} kicks"
            )
            ax.errorbar(
                ds["beta_mc"].values,
                ds["mc"].sel(model=m, kicks=k).values[:, top],
                yerr=ds["mc_se"].sel(model=m, kicks=k).values[:, top],
                fmt="o",
                ms=3,
                mfc="none",
                color=line.get_color(),
            )
        ax.errorbar(
            [_parameters(ds)["explicit_beta"]],
            [ds["explicit"].sel(model=m).values[top]],
            yerr=[ds["explicit_se"].sel(model=m).values[top]],
            fmt="s",
            ms=4,
            label="explicit particles",
        )
        ax.set_xlabel(r"$\beta$ (level spacing 1)")
        ax.set_ylabel(f"population of level {top}")
        ax.set_title(str(m))
    place_legend(axes[0])
    annotate_checks(axes[1], "lines: exact matrix\nmarkers: Monte Carlo")
    return fig


# --------------------------------------------------------------------------------------
# ehrich2020.fig1
# --------------------------------------------------------------------------------------
#: 2(eps_s' - eps_s)/m of Fig. 1 (right) (Ehrich et al. 2020): the drop of v^2 when the
#: scatterer changes level, in units with m = 1.
FIG1_DROP = 6.48
#: Time step dt of the map Eq. (20) in Fig. 1 (right) (Ehrich et al. 2020), same units.
FIG1_DT = 1.5
#: Position range (y_min, y_max) of the rectangle mapped in Fig. 1 (right); with FIG1_V it
#: lies inside the collision domain.
FIG1_Y = (-2.5, -0.5)
#: Velocity range (v_min, v_max) of the rectangle mapped in Fig. 1 (right), Ehrich et al. 2020.
FIG1_V = (3.0, 5.0)


def compute_fig1(quick: bool) -> xr.Dataset:
    """Image of a rectangle under Eq. (20), its area, and |det J| on interior points."""
    f = level_change_map(FIG1_DROP / 2, 1.0, FIG1_DT)
    n = 4000 if quick else 8000  # beyond ~1e4 the area error meets shoelace rounding
    areas = []
    for m in (n // 2, n):
        b = rectangle_boundary(FIG1_Y, FIG1_V, m)
        areas.append((polygon_area(b), polygon_area(map_boundary(f, b))))
    b = rectangle_boundary(FIG1_Y, FIG1_V, n)
    img = map_boundary(f, b)
    yy, vv = np.meshgrid(np.linspace(*FIG1_Y, 9)[1:-1], np.linspace(*FIG1_V, 9)[1:-1])
    pts = np.stack([yy.ravel(), vv.ravel()], axis=1)
    dets = np.array([abs(jacobian(f, p).determinant) for p in pts])
    g = level_change_velocity_map(FIG1_DROP / 2, 1.0)
    dets_v = np.array([abs(jacobian(g, p[1:]).determinant) for p in pts])
    grid_img = map_boundary(f, pts)
    keep = slice(None, None, max(1, n // 200))  # the figure needs ~800 boundary points
    return xr.Dataset(
        {
            "boundary": (("point", "coordinate"), b[keep]),
            "image": (("point", "coordinate"), img[keep]),
            "area_region": ("resolution", [a for a, _ in areas]),
            "area_image": ("resolution", [i for _, i in areas]),
            "interior": (("interior_point", "coordinate"), pts),
            "interior_image": (("interior_point", "coordinate"), grid_img),
            "det_full": ("interior_point", dets),
            "det_velocity_only": ("interior_point", dets_v),
        },
        coords={"resolution": [n // 2, n], "coordinate": ["y", "v"]},
        attrs={
            "parameters": _params(
                velocity_squared_drop=FIG1_DROP,
                mass=1.0,
                dt=FIG1_DT,
                y_range=list(FIG1_Y),
                v_range=list(FIG1_V),
                points_per_side=n,
                quick=quick,
            )
        },
    )


def checks_fig1(ds: xr.Dataset) -> list[Check]:
    """Check Liouville for Eq. (20), Fig. 1 (right) of Ehrich 2020: equal areas, |det J| = 1."""
    a, i = ds["area_region"].values, ds["area_image"].values
    return [
        Check.close(
            "area of image / area of region",
            i[-1] / a[-1],
            1.0,
            1e-6,
            "Fig. 1 right / Eq. (21): phase-space volume conserved (chord error ~1e-9)",
        ),
        Check.at_most(
            "area error shrinks with resolution (ratio of errors N vs N/2)",
            abs(i[-1] - a[-1]) / abs(i[0] - a[0]),
            0.3,
            "polygon of a curved boundary: error ~ 1/N^2, ratio 1/4",
        ),
        # complex-step Jacobians are exact to a few ulps
        Check.close(
            "|det J| of Eq. (20) on interior points (max |det - 1|)",
            np.max(np.abs(ds["det_full"].values - 1)),
            0.0,
            1e-12,
            "Eq. (21)",
        ),
        Check.at_least(
            "velocity-only map v -> v' (max |det - 1|)",
            np.max(np.abs(ds["det_velocity_only"].values - 1)),
            0.1,
            "Eq. (19): without y the Jacobian is v/v' != 1",
        ),
    ]


def plot_fig1(ds: xr.Dataset):
    """Draw Fig. 1 (right) of Ehrich et al. 2020: a (y, v) rectangle and its image by Eq. (20)."""
    fig, ax = new_figure(1, 1, width=4.2, height=3.2)
    for name, lab in (("boundary", "region"), ("image", "image under Eq. (20)")):
        p = ds[name].values
        ax.fill(p[:, 0], p[:, 1], alpha=0.35, label=lab)
    ax.plot(*ds["interior"].values.T, "k.", ms=2)
    ax.plot(*ds["interior_image"].values.T, "r.", ms=2)
    ax.axvline(0.0, color="k", lw=0.8)
    ax.set_xlabel("position $y$")
    ax.set_ylabel("velocity $v$")
    place_legend(ax, loc="lower right")
    a, i = ds["area_region"].values[-1], ds["area_image"].values[-1]
    annotate_checks(
        ax, f"$2(\\epsilon_{{s'}}-\\epsilon_s)/m=6.48$, $\\Delta t=1.5$\nareas {a:.9f} / {i:.9f}"
    )
    return fig
