"""ehrich2020 gas: collision probability Eq. (25) and effusion of colliding particles Eq. (27)."""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy import integrate, stats

from ...classical import (
    collision_probability,
    collision_probability_asymptote,
    collision_probability_quadrature,
    simulate_collisions,
)
from ...classical.gas import colliding_speed_cdf, colliding_velocity_pdf
from ...distributions import effusion_velocity_1d
from ...plotting import new_figure, place_legend
from .common import SEED, Z_MAX, _max_abs_z, _params, _precision_checks
from .._registry import Check

__all__ = [
    "checks_collision_probability",
    "checks_effusion",
    "compute_collision_probability",
    "compute_effusion",
    "plot_collision_probability",
    "plot_effusion",
]


# --------------------------------------------------------------------------------------
# ehrich2020.collision-probability
# --------------------------------------------------------------------------------------
def compute_collision_probability(quick: bool) -> xr.Dataset:
    """pi_c vs L/dt: closed form Eq. (25), quadrature, explicit-particle MC, asymptote."""
    beta, mass, dt = 1.0, 1.0, 1.0
    ratio = np.geomspace(0.1, 30.0, 10 if quick else 14)  # L/dt in thermal speeds
    length = ratio * dt / np.sqrt(beta * mass)
    rng = np.random.default_rng(SEED)
    closed = collision_probability(beta, mass, length, dt)
    quad = np.array([collision_probability_quadrature(beta, mass, ell, dt) for ell in length])
    # full: SE/pi_c = sqrt((1 - p)/(p n)) <= 1e-3 at every point
    n_mc = (
        np.full(ratio.size, 200_000)
        if quick
        else np.ceil(1.2e6 * (1 - closed) / closed).astype(int)
    )
    mc = [
        simulate_collisions(beta, mass, ell, dt, int(n), rng=rng, keep_velocities=False)
        for ell, n in zip(length, n_mc)
    ]
    return xr.Dataset(
        {
            "closed_form": ("ratio", closed),
            "quadrature": ("ratio", quad),
            "monte_carlo": ("ratio", [m.probability for m in mc]),
            "monte_carlo_se": ("ratio", [m.standard_error for m in mc]),
            "asymptote": ("ratio", collision_probability_asymptote(beta, mass, length, dt)),
            "n_particles": ("ratio", n_mc),
        },
        coords={"ratio": ratio, "length": ("ratio", length)},
        attrs={"parameters": _params(beta=beta, mass=mass, dt=dt, seed=SEED, quick=quick)},
    )


def checks_collision_probability(ds: xr.Dataset) -> list[Check]:
    """Check pi_c of Eq. (25) (Ehrich et al. 2020): quadrature, explicit particles, asymptote."""
    closed, quad = ds["closed_form"].values, ds["quadrature"].values
    big = int(np.argmax(ds["ratio"].values))
    return [
        # quad at epsrel 1e-12 vs erf/expm1 (~1e-16): 1e-9 leaves three decades
        Check.close(
            "closed form = quadrature (max rel. diff.)",
            np.max(np.abs(quad / closed - 1)),
            0.0,
            1e-9,
            "Eq. (25), first vs second line",
        ),
        Check.at_most(
            "explicit-particle MC vs closed form (max |z|)",
            _max_abs_z(ds, "monte_carlo", "closed_form", "monte_carlo_se"),
            Z_MAX,
            "Eq. (25); 4 binomial standard errors",
        ),
        # at L/dt = 30 thermal speeds the correction is ~exp(-450)
        Check.close(
            "pi_c / asymptote at the largest L/dt",
            closed[big] / ds["asymptote"].values[big],
            1.0,
            1e-12,
            "Eq. (25), third line",
        ),
        Check.at_most(
            "pi_c decreasing in L (max increment)",
            float(np.max(np.diff(closed))),
            0.0,
            "law: pi_c is a mean of a decreasing Gaussian tail",
        ),
    ] + _precision_checks(ds, [("monte_carlo", "monte_carlo_se")])


def plot_collision_probability(ds: xr.Dataset):
    """Draw pi_c vs L/dt: Eq. (25), quadrature, particle MC and asymptote (Ehrich et al. 2020)."""
    fig, ax = new_figure(1, 1, width=4.2, height=3.0)
    r = ds["ratio"].values
    ax.loglog(r, ds["closed_form"].values, "-", label="closed form, Eq. (25)")
    ax.loglog(r, ds["quadrature"].values, "x", label="quadrature")
    ax.errorbar(
        r,
        ds["monte_carlo"].values,
        yerr=ds["monte_carlo_se"].values,
        fmt="o",
        ms=3,
        mfc="none",
        label="explicit particles (MC)",
    )
    ax.loglog(r, ds["asymptote"].values, "--", label=r"$\Delta t/(\sqrt{2\pi\beta m}L)$")
    ax.set_xlabel(r"$L\sqrt{\beta m}/\Delta t$ (box half-length / thermal flight)")
    ax.set_ylabel(r"collision probability $\pi_c$")
    place_legend(ax)
    return fig


# --------------------------------------------------------------------------------------
# ehrich2020.effusion
# --------------------------------------------------------------------------------------
def compute_effusion(quick: bool) -> xr.Dataset:
    """Speeds of colliding particles for a large and a small box vs Eqs. (27) and (24)."""
    beta, mass, dt = 1.0, 1.0, 1.0
    ratios = np.array([20.0, 0.3])  # L/dt in thermal speeds
    n = np.array([2_000_000, 300_000]) if quick else np.array([200_000_000, 4_000_000])
    edges = np.linspace(0.0, 4.5, 46)
    centers = 0.5 * (edges[1:] + edges[:-1])
    rng = np.random.default_rng(SEED + 1)
    eff = effusion_velocity_1d(beta, mass, sides=1)
    hist, mean, mean_se, msq, msq_se, ks_eff, ks_exact, exact_mean, exact_msq, nc = (
        [] for _ in range(10)
    )
    for r, n_p in zip(ratios, n):
        ell = r * dt / np.sqrt(beta * mass)
        s = simulate_collisions(beta, mass, ell, dt, int(n_p), rng=rng)
        u = np.abs(s.velocities)
        nc.append(u.size)
        hist.append(np.histogram(u, edges, density=True)[0])
        for k, (m_, se_) in ((1, (mean, mean_se)), (2, (msq, msq_se))):
            m_.append(np.mean(u**k))
            se_.append(np.std(u**k, ddof=1) / np.sqrt(u.size))
        sub = u[:200_000]  # KS on a fixed-size subsample: the p-value tests the shape
        ks_eff.append(stats.kstest(sub, eff.cdf).pvalue)
        ks_exact.append(
            stats.kstest(sub, lambda x, ell=ell: colliding_speed_cdf(x, beta, mass, ell, dt)).pvalue
        )
        for k, out in ((1, exact_mean), (2, exact_msq)):
            out.append(
                2
                * integrate.quad(
                    lambda v, k=k, ell=ell: v**k * colliding_velocity_pdf(v, beta, mass, ell, dt),
                    0,
                    np.inf,
                    epsrel=1e-12,
                )[0]
            )
    sigma = 1 / np.sqrt(beta * mass)
    return xr.Dataset(
        {
            "histogram": (("ratio", "speed"), np.array(hist)),
            "effusion_pdf": ("speed", eff.pdf(centers)),
            "maxwell_pdf": (
                "speed",
                2 * np.exp(-0.5 * (centers / sigma) ** 2) / (np.sqrt(2 * np.pi) * sigma),
            ),
            "exact_pdf": (
                ("ratio", "speed"),
                np.array(
                    [
                        2 * colliding_velocity_pdf(centers, beta, mass, r * dt * sigma, dt)
                        for r in ratios
                    ]
                ),
            ),
            "mean_speed": ("ratio", mean),
            "mean_speed_se": ("ratio", mean_se),
            "mean_square": ("ratio", msq),
            "mean_square_se": ("ratio", msq_se),
            "exact_mean_speed": ("ratio", exact_mean),
            "exact_mean_square": ("ratio", exact_msq),
            "effusion_mean_speed": eff.moment(1),
            "effusion_mean_square": eff.moment(2),
            "ks_pvalue_effusion": ("ratio", ks_eff),
            "ks_pvalue_exact": ("ratio", ks_exact),
            "n_collisions": ("ratio", nc),
        },
        coords={"ratio": ratios, "speed": centers, "speed_edge": edges},
        attrs={
            "parameters": _params(
                beta=beta, mass=mass, dt=dt, n_particles=n, seed=SEED + 1, quick=quick
            )
        },
    )


def checks_effusion(ds: xr.Dataset) -> list[Check]:
    """Check colliders' speeds: Eq. (27) in a big box, the finite-L law in a small one (Ehrich)."""
    big, small = 0, 1
    v = lambda name, i: float(ds[name].values[i])
    z = lambda i, k: abs(v(k, i) - float(ds[f"effusion_{k}"])) / v(f"{k}_se", i)
    zx = lambda i, k: abs(v(k, i) - v(f"exact_{k}", i)) / v(f"{k}_se", i)
    return [
        Check.at_most(
            "large box: <|v|> vs effusion (|z|)",
            z(big, "mean_speed"),
            Z_MAX,
            "Eq. (27): <|v|> = sqrt(pi/(2 beta m))",
        ),
        Check.at_most(
            "large box: <v^2> vs effusion (|z|)",
            z(big, "mean_square"),
            Z_MAX,
            "Eq. (27): <v^2> = 2/(beta m)",
        ),
        # KS at level 1e-3: a fixed seed passes or fails deterministically
        Check.at_least(
            "large box: KS p-value vs effusion",
            v("ks_pvalue_effusion", big),
            1e-3,
            "Eq. (27), L/dt >> thermal speed",
        ),
        Check.at_most(
            "small box: KS p-value vs effusion (rejected)",
            v("ks_pvalue_effusion", small),
            1e-6,
            "Eq. (22) needs |v| dt < L; for small L effusion fails",
        ),
        Check.at_least(
            "small box: KS p-value vs exact finite-L law",
            v("ks_pvalue_exact", small),
            1e-3,
            "exact law rho_Max(v) min(|v| dt, L) / (2 L pi_c)",
        ),
        Check.at_most(
            "small box: <|v|> vs exact finite-L law (|z|)",
            zx(small, "mean_speed"),
            Z_MAX,
            "exact law, quadrature",
        ),
    ] + _precision_checks(ds, [("mean_speed", "mean_speed_se"), ("mean_square", "mean_square_se")])


def plot_effusion(ds: xr.Dataset):
    """Draw colliders' speed histograms vs Eqs. (27), (24) and the finite-L law (Ehrich 2020)."""
    fig, axes = new_figure(1, 2)
    u = ds["speed"].values
    for ax, i in zip(axes, range(2)):
        r = float(ds["ratio"].values[i])
        ax.step(u, ds["histogram"].values[i], where="mid", label="colliders (MC)")
        ax.plot(u, ds["effusion_pdf"].values, "--", label="effusion, Eq. (27)")
        ax.plot(u, ds["maxwell_pdf"].values, ":", label="Maxwell, Eq. (24)")
        ax.plot(u, ds["exact_pdf"].values[i], "-", lw=0.8, label="exact finite L")
        ax.set_xlabel(r"speed $|v|\sqrt{\beta m}$")
        ax.set_ylabel("density")
        ax.set_title(rf"$L\sqrt{{\beta m}}/\Delta t = {r:g}$")
    place_legend(axes[0])
    return fig
