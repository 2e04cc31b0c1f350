"""tabanera2023 shared parameters, Fig. 1 (trajectories) and Fig. 2 (steady state vs Gamma)."""

from __future__ import annotations

import re

import numpy as np
import xarray as xr

from ...plotting import annotate_checks, new_figure, place_legend
from ...quantum import gibbs_state, trace_distance
from ...scattering import (
    IncidentPacket,
    ScatteringModel,
    audit_map,
    collision_generator,
    collision_steady_state,
    dephased_fixed_point,
    perturbative_steady_state,
    poisson_trajectories,
    scattering_map,
)
from ...superop import evolve, full_dephasing
from .._registry import Check

__all__ = [
    "BETA",
    "COUPLING",
    "DELTA_X",
    "DELTA_XS_FIG3",
    "FIG1_RATES",
    "GAP",
    "GAPS_FIG3",
    "GAP_RIGHT",
    "HBAR",
    "LENGTH",
    "MASS",
    "NODES",
    "RATES_FIG3",
    "RATE_MIDDLE",
    "SEED",
    "THERMAL_TOLERANCE",
    "X0",
    "checks_fig1",
    "checks_fig2",
    "compute_fig1",
    "compute_fig2",
    "plot_fig1",
    "plot_fig2",
]

# Captions of Figs. 1-3: Delta = 0.6, beta = 0.1, m = 0.1, lambda = L = hbar = 1, Delta x = 1,
# x0 = -10, V = lambda (sigma_x + sigma_y).
#: Qubit gap Delta of Figs. 1-3: H_S has levels -Delta/2, +Delta/2 (units lambda = L = hbar = 1).
GAP = 0.6
#: Inverse temperature beta of the incident particles (Figs. 1-3 captions).
BETA = 0.1
#: Mass m of the incident particles (Figs. 1-3 captions).
MASS = 0.1
#: Coupling strength lambda of V = lambda (sigma_x + sigma_y) (Figs. 1-3 captions).
COUPLING = 1.0
#: Range L of the interaction region (Figs. 1-3 captions).
LENGTH = 1.0
#: Reduced Planck constant hbar (Figs. 1-3 captions).
HBAR = 1.0
#: Width Delta x of the incident wave packets (Figs. 1-3 captions).
DELTA_X = 1.0
#: Initial centre x0 of the incident wave packets (Figs. 1-3 captions).
X0 = -10.0
#: Fig. 3 (right) caption "Delta/2 = 0.6", read literally: H_S = (Delta/2) sigma_z with
#: levels +-0.6, i.e. Delta = 1.2 (see docs/physics.md (scattering section)).
GAP_RIGHT = 1.2
#: Rate of the middle panel of Fig. 3 (caption) and of the Figs. S1/S2 middle panels.
RATE_MIDDLE = 5.0
#: Rate range (Gamma_min, Gamma_max) of Fig. 3. The axis ranges of Fig. 3 are not given in the
#: text; chosen to span Gamma << Delta to Gamma >> Delta and exp(-beta m dx^2 omega^2 / 2)
#: from ~1 to << 1.
RATES_FIG3 = (0.1, 10.0)
#: Gap range (Delta_min, Delta_max) of Fig. 3 (chosen, see RATES_FIG3).
GAPS_FIG3 = (0.1, 3.0)
#: Packet-width range (Delta x_min, Delta x_max) of Fig. 3 (chosen, see RATES_FIG3).
DELTA_XS_FIG3 = (0.5, 20.0)
#: Trace distance to the Gibbs state below which a steady state is called thermal (Fig. 2).
THERMAL_TOLERANCE = 0.01
#: Seed of the Fig. 1 stochastic (Poisson-collision) trajectories, Tabanera-Bravo et al. 2023.
SEED = 20230516
#: Gauss nodes per quadrature segment of the scattering maps (the error estimate is checked).
NODES = 32


def _params(**extra) -> dict:
    base = {
        "gap": GAP,
        "beta": BETA,
        "mass": MASS,
        "coupling_strength": COUPLING,
        "length": LENGTH,
        "hbar": HBAR,
        "delta_x": DELTA_X,
        "x0": X0,
        "coupling": "lambda (sigma_x + sigma_y)",
        "amplitudes": "S1",
        "nodes": NODES,
    }
    base.update(extra)
    return base


def _model(gap: float = GAP) -> ScatteringModel:
    return ScatteringModel.qubit(gap, COUPLING, length=LENGTH, mass=MASS, hbar=HBAR)


def _packet(delta_x: float = DELTA_X, distribution: str = "effusion") -> IncidentPacket:
    return IncidentPacket(BETA, MASS, delta_x, X0, distribution=distribution, hbar=HBAR)


def _thermal00(gap: float = GAP) -> float:
    return float(gibbs_state(np.array([-gap / 2, gap / 2]), BETA)[0, 0])


# --------------------------------------------------------------------------- Fig. 1
#: Collision rates Gamma of the Fig. 1 panels (Tabanera-Bravo et al. 2023), units hbar = 1.
FIG1_RATES = (10.0, 5.0, 1.0)


def _components(x: np.ndarray) -> np.ndarray:
    """(3, nt): rho00, Re rho01, Im rho01 of states (nt, 2, 2)."""
    return np.stack([x[:, 0, 0].real, x[:, 0, 1].real, x[:, 0, 1].imag])


def compute_fig1(quick: bool) -> xr.Dataset:
    """rho_00 vs Gamma t: single trajectories, their averages, Eq. (8), and the DS evolution."""
    model, packet = _model(), _packet()
    smap = scattering_map(model, packet, nodes=NODES)
    e = model.energies
    n_real = 400 if quick else 4000
    gt = np.linspace(0.0, 150.0, 61 if quick else 301)
    rho0 = np.diag([0.0, 1.0]).astype(complex)  # Supplement Sec. I: rho_00 = 0, rho_11 = 1
    rng = np.random.default_rng(SEED)
    curves = [(g, False) for g in FIG1_RATES] + [(FIG1_RATES[0], True)]
    labels = [f"Gamma={g:g}" for g in FIG1_RATES] + [f"Gamma={FIG1_RATES[0]:g}, DS"]
    dephase_map = np.einsum("abjk,jkcl->abcl", full_dephasing(e), smap.tensor)
    comp = ("rho00", "re_rho01", "im_rho01")
    mean, se, exact, single = [], [], [], []
    for g, deph in curves:
        t = gt / g
        ens = poisson_trajectories(
            smap, e, g, rho0, t, n_realisations=n_real, rng=rng, hbar=HBAR, dephase=deph
        )
        ex = evolve(
            collision_generator(dephase_map if deph else smap.tensor, e, g, hbar=HBAR), rho0, t
        )

        mean.append(_components(ens.mean))
        se.append(_components(ens.standard_error))
        exact.append(_components(ex))
        single.append(ens.samples[0][:, 0, 0].real)
    steady = collision_steady_state(smap, e, np.array(FIG1_RATES), hbar=HBAR)
    return xr.Dataset(
        {
            "trajectory_mean": (("curve", "component", "gamma_t"), np.array(mean)),
            "trajectory_standard_error": (("curve", "component", "gamma_t"), np.array(se)),
            "master_equation": (("curve", "component", "gamma_t"), np.array(exact)),
            "single_realisation_rho00": (("curve", "gamma_t"), np.array(single)),
            "steady_rho00": (("rate",), steady[:, 0, 0].real),
            "ds_fixed_point_rho00": ((), dephased_fixed_point(smap, e)[0, 0]),
        },
        coords={
            "curve": labels,
            "component": list(comp),
            "gamma_t": gt,
            "rate": np.array(FIG1_RATES),
        },
        attrs={
            "parameters": _params(
                rates=list(FIG1_RATES),
                n_realisations=n_real,
                seed=SEED,
                rho0="diag(0, 1)",
                quick=quick,
            ),
            "thermal_rho00": _thermal00(),
            "map_error": smap.error,
        },
    )


def checks_fig1(ds: xr.Dataset) -> list[Check]:
    """Trajectory average vs exp(L t) (4 standard errors); DS thermalises; Gamma >> Delta does not."""
    # six checkpoints Gamma t = 25, 50, ..., 150 per curve and component (72 z-scores)
    at = ds.sel(gamma_t=np.linspace(25.0, 150.0, 6), method="nearest")
    se = np.maximum(at["trajectory_standard_error"].values, 1e-12)  # rounding floor
    z = np.abs(at["trajectory_mean"].values - at["master_equation"].values) / se
    th = ds.attrs["thermal_rho00"]
    ss = ds["steady_rho00"].values
    ds_final = ds["master_equation"].sel(curve=ds["curve"].values[-1], component="rho00").values[-1]
    return [
        # means of >= 400 independent realisations: P(|z| > 4) ~ 6e-5 each, ~0.5 % for all 72
        Check.at_most(
            "max |trajectory mean - exp(Lt) rho0| / standard error",
            z.max(),
            4.0,
            "Eqs. (5)-(8): the Poisson average obeys the master equation",
        ),
        # Eq. (4) holds up to the quadrature error of S (~1e-12)
        Check.close(
            "fixed point of DS: rho00 = Gibbs",
            ds["ds_fixed_point_rho00"].values,
            th,
            1e-9,
            "Eq. (4): detailed balance + full dephasing thermalise",
        ),
        # after Gamma t = 150 collisions (relaxation time ~ 31 collisions): e^{-150/31} ~ 8e-3
        # of the initial distance 0.515
        Check.close(
            "DS evolution at Gamma t = 150: rho00 = Gibbs",
            ds_final,
            th,
            5e-3,
            "Fig. 1 (red): DS drives the qubit to the thermal state",
        ),
        Check.at_least(
            "|rho00_ss - thermal| at Gamma = 10 (not thermal)",
            abs(ss[0] - th),
            5e-3,
            "Fig. 1: no thermalisation for Gamma well above Delta = 0.6",
        ),
        Check.at_least(
            "deviation at Gamma = 10 / deviation at Gamma = 1",
            abs(ss[0] - th) / abs(ss[2] - th),
            1.5,
            "Fig. 1: deviation grows with the rate",
        ),
    ]


def plot_fig1(ds: xr.Dataset):
    """rho_00 vs Gamma t for Gamma = 10, 5, 1 (blue shades) and the DS evolution (red)."""
    fig, ax = new_figure(1, 1, width=5.0, height=3.4)
    gt = ds["gamma_t"].values
    blues = ["#08306b", "#2171b5", "#6baed6"]
    for i, label in enumerate(ds["curve"].values):
        color = "#d62728" if "DS" in label else blues[i]
        ax.plot(gt, ds["single_realisation_rho00"].values[i], color=color, lw=0.8, alpha=0.6)
        ax.plot(
            gt,
            ds["master_equation"].values[i, 0],
            color=color,
            lw=1.6,
            label=re.sub(r"Gamma=([0-9.]+)", r"$\\Gamma = \1$", str(label))
            + ": one realisation (thin), Eq. (8) (thick)",
        )
    ax.axhline(ds.attrs["thermal_rho00"], color="k", ls="--", lw=1, label="thermal")
    ax.set_xlabel(r"$\Gamma t$")
    ax.set_ylabel(r"$\rho_{00}$ (ground state)")
    place_legend(ax, loc="lower right", fontsize=6)
    annotate_checks(ax, "Tabanera-Bravo 2023, Fig. 1; trajectory mean = Eq. (8) within 4 SE")
    return fig


# --------------------------------------------------------------------------- Fig. 2
def _fig2_dataset(quick: bool, method: str) -> xr.Dataset:
    model, packet = _model(), _packet()
    smap = scattering_map(model, packet, method=method, nodes=NODES)
    e = model.energies
    rates = np.logspace(-2, 1, 31 if quick else 301)
    rho = collision_steady_state(smap, e, rates, hbar=HBAR)
    gibbs = gibbs_state(e, BETA)
    pert = perturbative_steady_state(smap, e, hbar=HBAR)
    audit = audit_map(smap, e, BETA)
    dist = np.array([trace_distance(r, gibbs) for r in rho])
    return xr.Dataset(
        {
            "rho00": ("rate", rho[:, 0, 0].real),
            "rho11": ("rate", rho[:, 1, 1].real),
            "abs_rho10": ("rate", np.abs(rho[:, 1, 0])),
            "trace_distance_to_gibbs": ("rate", dist),
            "first_order_abs_rho10": ("rate", rates * np.abs(pert.first[1, 0])),
            "first_order_rho00": ("rate", (pert.zeroth[0, 0] + rates * pert.first[0, 0]).real),
            "min_eigenvalue": ("rate", np.linalg.eigvalsh(rho)[:, 0]),
        },
        coords={"rate": rates},
        attrs={
            "parameters": _params(
                amplitudes=method, quick=quick, thermal_tolerance=THERMAL_TOLERANCE
            ),
            "thermal_rho00": float(gibbs[0, 0]),
            "map_error": smap.error,
            "audit_trace": audit.trace,
            "audit_detailed_balance": audit.detailed_balance,
            "audit_choi_min": audit.choi_min_eigenvalue,
        },
    )


def compute_fig2(quick: bool) -> xr.Dataset:
    """Steady state of Eq. (9) vs Gamma with (S1) amplitudes."""
    return _fig2_dataset(quick, "S1")


def _crossover_rate(ds: xr.Dataset) -> float:
    """Smallest rate where the trace distance to Gibbs reaches THERMAL_TOLERANCE."""
    dist, rates = ds["trace_distance_to_gibbs"].values, ds["rate"].values
    above = np.flatnonzero(dist >= THERMAL_TOLERANCE)
    if above.size == 0 or above[0] == 0:
        return float("nan")
    i = above[0]  # log-linear interpolation between the bracketing rates
    x = np.interp(
        np.log(THERMAL_TOLERANCE), np.log(dist[i - 1 : i + 1]), np.log(rates[i - 1 : i + 1])
    )
    return float(np.exp(x))


def checks_fig2(ds: xr.Dataset) -> list[Check]:
    """Thermal for Gamma << Delta, not for Gamma >> Delta; first-order slope; map laws."""
    th = ds.attrs["thermal_rho00"]
    r0 = ds.isel(rate=0)
    rmax = ds.isel(rate=-1)
    cross = _crossover_rate(ds)
    err = 10 * ds.attrs["map_error"] + 1e-12  # quadrature error estimate with a x10 margin
    return [
        # first-order correction Gamma |rho1| ~ 0.006 Gamma: 1e-3 bounds it at Gamma = 0.01
        Check.close(
            "rho00 at the smallest rate = Gibbs",
            r0["rho00"].values,
            th,
            1e-3,
            "Fig. 2 dashed line / Eq. (13) with detailed balance",
        ),
        Check.at_most(
            "trace distance to Gibbs at Gamma = 0.01 (thermal)",
            r0["trace_distance_to_gibbs"].values,
            THERMAL_TOLERANCE,
            "Fig. 2: thermal for Gamma << Delta/hbar = 0.6",
        ),
        Check.at_least(
            "trace distance to Gibbs at Gamma = 10 (not thermal)",
            rmax["trace_distance_to_gibbs"].values,
            5 * THERMAL_TOLERANCE,
            "Fig. 2: not thermal for Gamma >> Delta/hbar",
        ),
        Check.close(
            "crossover rate Gamma* (distance = 0.01) in units of Delta/hbar, log10",
            np.log10(cross / GAP),
            0.0,
            1.0,
            "text after Fig. 2: thermal when Gamma is of order Delta/hbar or lower",
        ),
        # second-order remainder ~ Gamma^2 (hbar/Delta)^2 |S-I|^2 at Gamma = 0.01: < 1e-3 relative
        Check.close(
            "|rho10| / (Gamma |rho1_10|) at the smallest rate",
            r0["abs_rho10"].values / r0["first_order_abs_rho10"].values,
            1.0,
            1e-2,
            "Eq. (14) (corrected): first-order coherence",
        ),
        Check.at_least(
            "smallest eigenvalue of every steady state",
            ds["min_eigenvalue"].min(),
            0.0,
            "law: steady states are density matrices",
            tolerance=1e-12,
        ),
        Check.at_most(
            "map trace-preservation residual",
            ds.attrs["audit_trace"],
            err,
            "law: unitarity of s => TP",
        ),
        Check.at_most(
            "map detailed-balance residual",
            ds.attrs["audit_detailed_balance"],
            err,
            "Eqs. (2), (18)-(21)",
        ),
        Check.at_least(
            "Choi matrix smallest eigenvalue (CP)",
            ds.attrs["audit_choi_min"],
            0.0,
            "law: CP of a physical map (audit)",
            tolerance=err,
        ),
    ]


def _plot_fig2_axes(ax, ds, title):
    r = ds["rate"].values
    ax.semilogx(r, ds["rho00"], color="#1f77b4", label=r"$\rho_{00}$")
    ax.semilogx(r, ds["rho11"], color="#d62728", label=r"$\rho_{11}$")
    ax.semilogx(r, ds["abs_rho10"], color="#2ca02c", label=r"$|\rho_{10}|$")
    th = ds.attrs["thermal_rho00"]
    ax.axhline(th, color="k", ls="--", lw=1)
    ax.axhline(1 - th, color="k", ls="--", lw=1, label="thermal")
    ax.axvline(GAP, color="grey", ls=":", lw=1, label=r"$\Gamma = \Delta/\hbar$")
    ax.set_xlabel(r"$\Gamma$")
    ax.set_ylabel("steady state")
    ax.set_title(title)
    place_legend(ax, loc="center left", fontsize=6)


def plot_fig2(ds: xr.Dataset):
    """rho00, rho11, |rho10| of the steady state vs Gamma (log axis), thermal dashed."""
    fig, ax = new_figure(1, 1, width=4.6, height=3.2)
    _plot_fig2_axes(ax, ds, "Eq. (9), (S1) amplitudes")
    annotate_checks(
        ax,
        f"thermal: trace distance < {THERMAL_TOLERANCE:g}\n"
        f"crossover Gamma* = {_crossover_rate(ds):.2g}",
    )
    return fig
