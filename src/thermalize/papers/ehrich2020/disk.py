"""ehrich2020 rotating disk: stationary omega law and energy vs mu, Eqs. (29)-(35)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...classical import RotatingDisk, jacobian
from ...plotting import new_figure, paper_markers, place_legend
from .common import (
    SEED,
    Z_MAX,
    _max_abs_z,
    _parameters,
    _params,
    _precision_checks,
)
from .._registry import Check

__all__ = ["DISK_KICKS", "checks_disk", "compute_disk", "plot_disk"]


# --------------------------------------------------------------------------------------
# ehrich2020.disk
# --------------------------------------------------------------------------------------
#: Kicks on the rotating disk, Eqs. (29)-(35) of Ehrich et al. (2020): (velocity law of the
#: kicking particles, 1 = one side or 2 = both sides kicked).
DISK_KICKS = [("effusion", 1), ("effusion", 2), ("maxwell", 2)]


def compute_disk(quick: bool) -> xr.Dataset:
    """Stationary omega law and mean energy vs mu; Eq. (35); Eq. (32) Jacobian audit."""
    beta, mass = 1.0, 1.0
    mus = np.array([0.3, 1.0, 3.0])
    mu_curve = np.geomspace(0.1, 10.0, 60)
    kinds = [f"{k}, {'one side' if s == 1 else 'two sides'}" for k, s in DISK_KICKS]
    n_grid = 300 if quick else 800
    steps, reps = (200, 2000) if quick else (1000, 20_000)
    rng = np.random.default_rng(SEED + 4)
    closed = np.zeros((len(kinds), mus.size))
    grid = np.zeros_like(closed)
    grid_change = np.zeros_like(closed)
    mc = np.zeros_like(closed)
    mc_se = np.zeros_like(closed)
    curve = np.array(
        [
            [RotatingDisk(mu).stationary_moments(beta, mass, k, s).mean_energy for mu in mu_curve]
            for k, s in DISK_KICKS
        ]
    )
    edges = None
    dens, hist = [], []
    for i, (k, s) in enumerate(DISK_KICKS):
        for j, mu in enumerate(mus):
            disk = RotatingDisk(mu)
            closed[i, j] = disk.stationary_moments(beta, mass, k, s).mean_energy
            coarse = disk.stationary_grid(beta, mass, k, s, n_grid=n_grid)
            fine = disk.stationary_grid(beta, mass, k, s, n_grid=2 * n_grid)
            grid[i, j] = (4 * fine.mean_energy - coarse.mean_energy) / 3  # Richardson, O(h^2)
            grid_change[i, j] = abs(fine.mean_energy - coarse.mean_energy)
            res = disk.simulate(beta, mass, k, s, n_steps=steps, n_replicas=reps, rng=rng)
            mc[i, j], mc_se[i, j] = res.mean_energy, res.mean_energy_se
            if k == "effusion" and s == 2:
                edges = np.linspace(-5.0, 5.0, 81) if edges is None else edges
                c = 0.5 * (edges[1:] + edges[:-1])
                dens.append(np.interp(c, fine.centers, fine.density, left=0.0, right=0.0))
                hist.append(np.histogram(res.samples, edges, density=True)[0])
    # Eq. (35) on random pairs; Eq. (32) on random collision points
    pr = np.random.default_rng(SEED + 5)
    w, wp = pr.uniform(-2, 2, 300), pr.uniform(-2, 2, 300)
    eq35_err, printed_dev, gibbs_dev, jac_err, j30_err = [], [], [], [], []
    for mu in mus:
        disk = RotatingDisk(mu)
        kern = disk.detailed_balance_ratio(w, wp, beta, mass, "effusion", 2)
        cf = disk.detailed_balance_ratio_closed_form(w, wp, beta, mass)
        eq35_err.append(np.max(np.abs(kern / cf - 1)))
        # Eq. (35) as printed: rho(w'|w) / rho(-w|w') (reversed transition w' -> -w)
        printed = disk.kernel(w, wp, beta=beta, mass=mass, kicks="effusion", sides=2) / \
            disk.kernel(wp, -w, beta=beta, mass=mass, kicks="effusion", sides=2)
        printed_dev.append(np.max(np.abs(printed / cf - 1)))
        gibbs_dev.append(np.max(np.abs(kern / disk.gibbs_ratio(w, wp, beta, mass) - 1)))
        f = disk.collision_map(1.0)
        errs = []
        for _ in range(10):
            v, om = pr.uniform(0.3, 2.0), pr.uniform(-2.0, 2.0)
            y = -pr.uniform(0.05, 0.95) * v
            vp, _ = disk.collide(v, om)
            errs.append(abs(abs(jacobian(f, [y, v, 0.3, om]).determinant) / abs(vp / v) - 1))
        jac_err.append(max(errs))
        j30_err.append(abs(abs(jacobian(disk.velocity_map(), [0.8, -0.4]).determinant) - 1))
    centers = 0.5 * (edges[1:] + edges[:-1])
    return xr.Dataset(
        {
            "closed_form": (("kicks", "mu"), closed),
            "grid": (("kicks", "mu"), grid),
            "grid_change": (("kicks", "mu"), grid_change),
            "mc": (("kicks", "mu"), mc),
            "mc_se": (("kicks", "mu"), mc_se),
            "energy_curve": (("kicks", "mu_curve"), curve),
            "density_grid": (("mu", "omega"), np.array(dens)),
            "density_mc": (("mu", "omega"), np.array(hist)),
            "eq35_error": ("mu", eq35_err),
            "eq35_printed_deviation": ("mu", printed_dev),
            "eq35_gibbs_deviation": ("mu", gibbs_dev),
            "eq32_error": ("mu", jac_err),
            "eq30_error": ("mu", j30_err),
        },
        coords={"kicks": kinds, "mu": mus, "mu_curve": mu_curve, "omega": centers},
        attrs={
            "parameters": _params(
                beta=beta,
                mass=mass,
                n_grid=n_grid,
                mc_steps=steps,
                mc_replicas=reps,
                seed=SEED + 4,
                quick=quick,
            )
        },
    )


def checks_disk(ds: xr.Dataset) -> list[Check]:
    """Check the rotating disk of Ehrich et al. (2020) against Eqs. (30), (32), (33) and (35)."""
    closed, grid = ds["closed_form"].values, ds["grid"].values
    rel_grid = np.max(np.abs(grid / closed - 1))
    tol_grid = max(0.05 * float(np.max(ds["grid_change"].values / closed)), 1e-7)
    kt = 1.0 / _parameters(ds)["beta"]
    two = ds["closed_form"].sel(kicks="effusion, two sides").values / kt
    mid = int(np.argmin(np.abs(ds["mu"].values - 1.0)))
    return [
        Check.close(
            "grid (Richardson) vs closed-form <E_rot> (max rel.)",
            rel_grid,
            0.0,
            tol_grid,
            "Eq. (33) on a grid vs <w> = <v>, Var w = mu Var v; tol: 5% of grid change",
        ),
        Check.at_most(
            "MC vs closed-form <E_rot> (max |z|)",
            _max_abs_z(ds, "mc", "closed_form", "mc_se"),
            Z_MAX,
            "Eq. (29) iterated; 4 SE over replicas",
        ),
        Check.close(
            "two-sided effusion: <E_rot>/kT (every mu)",
            float(np.max(np.abs(two - 1))),
            0.0,
            1e-12,
            "closed form: kT, not the Gibbs kT/2 -- no thermalization",
        ),
        Check.close(
            "two-sided Maxwell: <E_rot>/kT",
            float(ds["closed_form"].sel(kicks="maxwell, two sides").values[mid] / kt),
            0.5,
            1e-12,
            "Ref. [21]: Maxwell kicks give the Gibbs value",
        ),
        Check.close(
            "Eq. (35) with time-reversed denominator (max rel. err.)",
            float(np.max(ds["eq35_error"].values)),
            0.0,
            1e-10,
            "Eq. (35), denominator rho(-w|-w'); pdf ratio rounding",
        ),
        Check.at_least(
            "Eq. (35) as printed, rho(-w|w'), mu != 1 (max rel. dev.)",
            float(np.max(np.delete(ds["eq35_printed_deviation"].values, mid))),
            1e-2,
            "Eq. (35) typo: the printed denominator is not the kernel's",
        ),
        Check.at_least(
            "effusion kernel vs Gibbs ratio (max rel. dev.)",
            float(np.max(ds["eq35_gibbs_deviation"].values)),
            0.1,
            "Eq. (35): no detailed balance w.r.t. Gibbs",
        ),
        Check.close(
            "Eq. (32): |det J| / |v'/v| - 1 (max)",
            float(np.max(ds["eq32_error"].values)),
            0.0,
            1e-12,
            "Eq. (32), complex-step Jacobian",
        ),
        Check.close(
            "Eq. (30): |J_{v,w}| - 1 (max)",
            float(np.max(ds["eq30_error"].values)),
            0.0,
            1e-13,
            "Eq. (30)",
        ),
    ] + _precision_checks(ds, [("mc", "mc_se")])


def plot_disk(ds: xr.Dataset):
    """Draw the disk's stationary omega density and <E_rot> vs mu (Ehrich et al. 2020, Sec. 5)."""
    fig, (a, b) = new_figure(1, 2)
    om = ds["omega"].values
    for j, mu in enumerate(ds["mu"].values):
        (line,) = a.plot(om, ds["density_grid"].values[j], label=rf"$\mu={mu:g}$ kernel")
        a.plot(om, ds["density_mc"].values[j], ".", ms=3, color=line.get_color())
    a.plot(om, np.exp(-0.5 * om**2) / np.sqrt(2 * np.pi), "k:", label=r"Gibbs, $\mu=1$")
    a.set_xlabel(r"$\omega\sqrt{\beta m}$")
    a.set_ylabel("stationary density")
    a.set_title("two-sided effusion kicks")
    place_legend(a)
    mu_c = ds["mu_curve"].values
    for i, k in enumerate(ds["kicks"].values):
        (line,) = b.semilogx(mu_c, ds["energy_curve"].values[i], label=str(k).replace("_", " "))
        b.errorbar(
            ds["mu"].values,
            ds["mc"].values[i],
            yerr=ds["mc_se"].values[i],
            fmt="o",
            ms=3,
            mfc="none",
            color=line.get_color(),
        )
    b.axhline(0.5, color="k", lw=0.8, ls=":", label="Gibbs $kT/2$")
    # Fig. 2 caption: at mu = 1 one-sided effusion kicks give the disk the effusion
    # distribution, mean energy kT
    paper_markers(b, [1.0], [1.0])
    b.set_xlabel(r"mass ratio $\mu = m/I$")
    b.set_ylabel(r"$\langle I\omega^2/2\rangle / kT$")
    place_legend(b)
    return fig
