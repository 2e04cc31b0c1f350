r"""fluct.classical-ift: integral fluctuation theorem per collision and the contraction term.

Ehrich et al. (2020) collisional baths, audited with `thermalize.classical.fluctuation_audit`:
the discrete scatterer of Eq. (20) with effusion kicks is volume preserving and obeys
:math:`\langle e^{-\Delta s}\rangle = 1`; with Maxwell kicks, and for the rough disk (Eqs. 29,
31) with effusion kicks, it fails, and the phase-space contraction :math:`\Lambda = \ln|J|`
accounts for the violation exactly, :math:`\langle e^{-\Delta s + \Lambda}\rangle = 1`.
Exact kernels (quadrature) and Monte Carlo are two independent routes.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...classical import DiscreteScatterer, RotatingDisk, fluctuation_audit, kick_markov_matrix
from ...io import DIMENSIONLESS, describe
from ...plotting import annotate_checks, axis_label, new_figure, param_title, place_legend
from .._registry import Check, register
from ._common import FLUCT, density

__all__ = ["checks", "classical_ift", "compute", "plot"]

BETA, SEED = 1.0, 20261206
SCATTERER_P0 = (0.6, 0.3, 0.1)  # a non-Gibbs initial law of the example scatterer
DISK_P0 = (0.0, 1.5)  # Gaussian omega law, std^2 > 1/(2 beta I): finite-variance estimators
KICKS = ("effusion", "maxwell")
# exact kernels: graded Gauss-Legendre quadrature good to ~1e-10 on the log-singular disk
# integrands (tests/classical/test_classical_fluctuations.py); 1e-8 leaves two orders
QUAD_TOL = 1e-8
SIGMAS = 5.0  # Monte Carlo acceptance: false alarm ~6e-7 per Gaussian estimator


def _mass_ratios(quick: bool) -> np.ndarray:
    return np.array([0.5, 1.0, 2.0] if quick else [0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0])


def _ift_from_markov(sc: DiscreteScatterer, kicks: str) -> float:
    """<exp(-Delta s)> = sum_{ss'} M_ss' p'(s') e^{beta(eps_s' - eps_s)}, p' = p M, from the
    separate Markov-matrix quadrature of the levels (`kick_markov_matrix`)."""
    p0 = np.asarray(SCATTERER_P0)
    m = kick_markov_matrix(sc, BETA, 1.0, kicks)
    lv = sc.levels
    return float((m * (p0 @ m)[None, :] * np.exp(BETA * (lv[None, :] - lv[:, None]))).sum())


def compute(quick: bool) -> xr.Dataset:
    """Audits of the example scatterer (both kick laws) and of the disk over mass ratios."""
    rng = np.random.default_rng(SEED)
    n = 20_000 if quick else 400_000
    sc = DiscreteScatterer.example()
    sc_aud = [fluctuation_audit(sc, beta=BETA, kicks=k, initial=SCATTERER_P0, n_samples=n,
                                rng=rng) for k in KICKS]
    mus = _mass_ratios(quick)
    disk_aud = [fluctuation_audit(RotatingDisk(mu), beta=BETA, initial=DISK_P0, n_samples=n,
                                  rng=rng) for mu in mus]
    ds_sc = sc_aud[0].samples.entropy_production
    ds_disk = disk_aud[int(np.argmin(np.abs(mus - 1.0)))].samples.entropy_production
    edges = np.linspace(*np.percentile(ds_disk, [0.1, 99.9]), 61)
    # the scatterer's Delta s takes one value per (s, s') channel: atoms and their frequencies
    atoms, counts = np.unique(np.round(ds_sc, 9), return_counts=True)

    getters = {
        "ift": lambda a: a.ift,
        "ift_mc": lambda a: a.mc["ift"][0],
        "ift_mc_se": lambda a: a.mc["ift"][1],
        "ift_corrected": lambda a: a.ift_corrected,
        "contraction_contribution": lambda a: a.contraction_contribution,
        "mean_entropy_production": lambda a: a.mean_entropy_production,
        "mean_entropy_production_mc": lambda a: a.mc["mean_entropy_production"][0],
        "mean_entropy_production_mc_se": lambda a: a.mc["mean_entropy_production"][1],
        "mean_abs_contraction": lambda a: a.mean_abs_contraction,
        "jacobian_residual": lambda a: a.jacobian_residual,
        "quadrature_error": lambda a: a.quadrature_error,
    }
    data = {}
    for prefix, auds, dim in (("scatterer", sc_aud, "kicks"), ("disk", disk_aud, "mass_ratio")):
        for name, get in getters.items():
            data[f"{prefix}_{name}"] = (dim, np.array([get(a) for a in auds], dtype=float))
    data["scatterer_ift_markov"] = ("kicks", np.array([_ift_from_markov(sc, k) for k in KICKS]))
    data["scatterer_ds_probability"] = ("atom", counts / ds_sc.size)
    data["disk_ds_density"] = ("entropy_bin", density(ds_disk, edges))
    ds = xr.Dataset(
        data,
        coords={"kicks": list(KICKS), "mass_ratio": mus,
                "entropy_bin": 0.5 * (edges[1:] + edges[:-1]),
                "atom": atoms},
        attrs={"parameters": {"beta": BETA, "mass": 1.0,
                              "scatterer": "DiscreteScatterer.example()",
                              "scatterer_initial": list(SCATTERER_P0),
                              "disk_initial_mean_std": list(DISK_P0), "disk_kicks": "effusion",
                              "disk_sides": 2, "n_samples": n, "seed": SEED,
                              "histogram_disk_mass_ratio": 1.0, "quick": quick}},
    )
    return describe(ds, _cf())


def _cf() -> dict:
    """CF attributes (long_name, units, LaTeX symbol) of this reproduction's variables."""
    d = DIMENSIONLESS
    spec = {
        "kicks": ("law of the incoming velocity", "none (label)", None),
        "mass_ratio": ("disk-to-gas mass ratio", d, r"\mu"),
        "entropy_bin": ("entropy production per collision (bin centre)", d, r"\Delta s"),
        "atom": ("entropy production of one scatterer channel (s -> s')", d, r"\Delta s"),
        "scatterer_ift_markov": ("<exp(-Delta s)> from the Markov matrix of the levels", d,
                                 r"\langle e^{-\Delta s}\rangle"),
        "scatterer_ds_probability": ("frequency of Delta s, scatterer (effusion), Monte Carlo",
                                     d, r"P(\Delta s)"),
        "disk_ds_density": ("probability density of Delta s, disk (effusion, mu = 1)", d,
                            r"P(\Delta s)"),
    }
    texts = {
        "ift": ("<exp(-Delta s)>, exact kernel", r"\langle e^{-\Delta s}\rangle"),
        "ift_mc": ("<exp(-Delta s)>, Monte Carlo", r"\langle e^{-\Delta s}\rangle_{MC}"),
        "ift_mc_se": ("standard error of <exp(-Delta s)>", None),
        "ift_corrected": ("<exp(-Delta s + Lambda)>, exact kernel",
                          r"\langle e^{-\Delta s+\Lambda}\rangle"),
        "contraction_contribution": ("<exp(-Delta s)(1 - exp(Lambda))>", None),
        "mean_entropy_production": ("<Delta s>, exact kernel", r"\langle\Delta s\rangle"),
        "mean_entropy_production_mc": ("<Delta s>, Monte Carlo", None),
        "mean_entropy_production_mc_se": ("standard error of <Delta s>", None),
        "mean_abs_contraction": ("<|Lambda|>", r"\langle|\Lambda|\rangle"),
        "jacobian_residual": ("max |ln|det J| - Lambda| at sampled collisions", None),
        "quadrature_error": ("normalisation defect of the exact kernel", None),
    }
    for who in ("scatterer", "disk"):
        for name, (text, sym) in texts.items():
            spec[f"{who}_{name}"] = (f"{text}, {who}", d, sym)
    return spec


def checks(ds: xr.Dataset) -> list[Check]:
    """IFT of the volume-preserving scatterer, contraction accounting for every violation."""
    sc = ds.sel(kicks="effusion")
    scm = ds.sel(kicks="maxwell")
    mc_dev = np.abs(ds["disk_ift_mc"] - ds["disk_ift"]) / ds["disk_ift_mc_se"]
    corr = np.r_[ds["disk_ift_corrected"].values, float(scm["scatterer_ift_corrected"])]
    viol = np.r_[(ds["disk_ift"] - 1 - ds["disk_contraction_contribution"]).values,
                 float(scm["scatterer_ift"] - 1 - scm["scatterer_contraction_contribution"])]
    law = "law: integral fluctuation theorem (micro-reversibility + Liouville, docs/physics.md)"
    out = [
        Check.close("scatterer, effusion kicks: <exp(-Delta s)> = 1 (exact kernel)",
                    float(sc["scatterer_ift"]), 1.0, QUAD_TOL, law),
        # 5 standard errors of the sample mean (finite variance: p(s) > 0 on every level)
        Check.close("scatterer, effusion kicks: Monte Carlo <exp(-Delta s)> = 1 (in SE)",
                    float(np.abs(sc["scatterer_ift_mc"] - 1.0) / sc["scatterer_ift_mc_se"]), 0.0,
                    SIGMAS, law + "; independent route: Monte Carlo"),
        # two quadratures of the same integrals (graded panels vs kick_markov_matrix): ~1e-10
        Check.close("scatterer: kernel = Markov-matrix route (max over kick laws)",
                    float(np.abs(ds["scatterer_ift"] - ds["scatterer_ift_markov"]).max()), 0.0,
                    QUAD_TOL, "independent route: kick_markov_matrix (Ehrich 2020, Eq. 26)"),
        Check.at_most("scatterer, effusion kicks: volume preserving, <|Lambda|> = 0",
                      float(sc["scatterer_mean_abs_contraction"]), 0.0,
                      "Ehrich 2020, Eq. (21)", tolerance=QUAD_TOL),
        # Jensen on the IFT: <Delta s> >= -ln<e^{-Delta s}> = 0 (second law per collision)
        Check.at_least("scatterer, effusion kicks: <Delta s> >= 0",
                       float(sc["scatterer_mean_entropy_production"]), 0.0,
                       "law: Jensen's inequality on the IFT (second law)", tolerance=QUAD_TOL),
        Check.at_least("scatterer, Maxwell kicks: IFT violated, |<exp(-Delta s)> - 1|",
                       float(abs(scm["scatterer_ift"] - 1.0)), 0.01,
                       "Ehrich 2020, Eq. (19): |J| = v/v' != 1 for Maxwell kicks"),
        Check.close("corrected IFT <exp(-Delta s + Lambda)> = 1 (max, disk and Maxwell scatterer)",
                    float(np.max(np.abs(corr - 1.0))), 0.0, QUAD_TOL,
                    "law: corrected integral fluctuation theorem (derived, docs/physics.md)"),
        Check.close("violation = contraction contribution <e^{-Delta s}(1 - e^Lambda)> (max)",
                    float(np.max(np.abs(viol))), 0.0, QUAD_TOL,
                    "law: <e^{-Delta s}> - 1 = <e^{-Delta s}(1 - e^Lambda)> (derived)"),
        Check.at_least("disk, effusion kicks: IFT violated at every mass ratio (min violation)",
                       float((ds["disk_ift"] - 1.0).min()), 0.05,
                       "Ehrich 2020, Eqs. (31)-(32): |J| = |v'/v| != 1"),
        Check.close("disk, mu = 1: <exp(-Delta s)> = pi/2",
                    float(ds["disk_ift"].sel(mass_ratio=1.0)), np.pi / 2, QUAD_TOL,
                    "closed form (derived): omega' = v, v' = omega at mu = 1"),
        Check.at_most("disk: Monte Carlo <exp(-Delta s)> within 5 SE of the kernel (max |z|)",
                      float(mc_dev.max()), SIGMAS, "independent route: Monte Carlo"),
        # finite-difference Jacobian of the collision map at sampled points: ~1e-10
        Check.at_most("Lambda = ln|det J| of the collision map (max residual)",
                      float(max(ds["disk_jacobian_residual"].max(),
                                ds["scatterer_jacobian_residual"].max())),
                      1e-8, "Liouville audit: liouville.jacobian_determinant"),
    ]
    return out


def plot(ds: xr.Dataset):
    """(a) scatterer's Delta s atoms; (b) disk's law of Delta s; (c) <exp(-Delta s)> vs mu."""
    fig, (a, b, c) = new_figure(1, 3, width=3.2, height=2.7)
    x, p = ds["atom"].values, ds["scatterer_ds_probability"].values
    a.vlines(x - 0.01, 0, p, color="C0", lw=2, label=r"$P(\Delta s)$")
    a.vlines(x + 0.01, 0, p * np.exp(-x), color="C1", lw=2, label=r"$P(\Delta s)\,e^{-\Delta s}$")
    a.set_xlabel(axis_label("entropy production per collision", r"\Delta s"))
    a.set_ylabel(axis_label("probability", r"P(\Delta s)"))
    a.set_title("scatterer, Eq. (20), " + param_title(beta=BETA), fontsize=8)
    annotate_checks(a, rf"$\sum P e^{{-\Delta s}}$ = {float((p * np.exp(-x)).sum()):.4f}")
    place_legend(a)
    xb = ds["entropy_bin"].values
    dens = ds["disk_ds_density"].where(ds["disk_ds_density"] > 0).values
    b.semilogy(xb, dens, label=r"$P(\Delta s)$")
    b.semilogy(xb, dens * np.exp(-xb), label=r"$P(\Delta s)\,e^{-\Delta s}$")
    b.set_xlabel(axis_label("entropy production per collision", r"\Delta s"))
    b.set_ylabel(axis_label("probability density", r"P(\Delta s)"))
    b.set_title(r"rough disk, $\mu = 1$, effusion kicks", fontsize=8)
    place_legend(b)
    mu = ds["mass_ratio"].values
    c.errorbar(mu, ds["disk_ift_mc"].values, yerr=ds["disk_ift_mc_se"].values, fmt="o",
               ms=4, mfc="none", label="Monte Carlo")
    c.plot(mu, ds["disk_ift"].values, "-", label=r"exact $\langle e^{-\Delta s}\rangle$")
    c.plot(mu, 1.0 + ds["disk_contraction_contribution"].values, "x", ms=6,
           label=r"$1 + \langle e^{-\Delta s}(1-e^{\Lambda})\rangle$")
    c.plot(mu, ds["disk_ift_corrected"].values, "s", ms=4, mfc="none",
           label=r"$\langle e^{-\Delta s+\Lambda}\rangle$")
    c.axhline(np.pi / 2, color="0.5", ls=":", lw=1, label=r"$\pi/2$")
    c.set_xlabel(axis_label("disk-to-gas mass ratio", r"\mu"))
    c.set_ylabel(axis_label("fluctuation-theorem average", r"\langle e^{-\Delta s}\rangle"))
    c.set_title("rough disk, effusion kicks", fontsize=8)
    place_legend(c)
    return fig


classical_ift = register(
    "fluct.classical-ift",
    title="Integral fluctuation theorem per collision: holds for Eq. (20), fails for the disk "
          "by exactly the contraction term",
    paper=FLUCT,
    cf=_cf(),
    runtime_estimate_s=8.0,
    full_runtime_estimate_s=11.0,
    plot=plot,
    checks=checks,
)(compute)
