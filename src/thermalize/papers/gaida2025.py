"""Gaida, Gasbarri, Nimmrichter (2025): collisional master equation in a gas with internal structure."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.colors import TwoSlopeNorm
from scipy.integrate import quad

from ..gas import GasModel, SpinGasModel, log_rate_integral, populations_ergotropy, rate_integral
from ..gas.repeated import RepeatedInteractionModel, fitted_temperature
from ..gas.thermo import (
    energy_flows,
    entropy_production_rate,
    heat_current,
    two_temperature_entropy_production,
)
from ..plotting import annotate_checks, new_figure
from ..quantum import gibbs_state, relative_entropy
from ..superop import evolve, steady_state
from ._registry import GAIDA2025, Check, register

__all__ = ["clausius", "detuning", "effective_temperature", "fig2", "fig3"]

# ----------------------------------------------------------------------------- Fig. 2
#: Fig. 2 legend values (not given in the paper's text): D = hbar Delta/k T_M in {2, 4},
#: A = hbar omega_A/k T_A in {1, 3}. Exactly one pair, (D, A) = (2, 3), violates D > A, and
#: (2, 1), (4, 3) share D - A = 1, i.e. one effective temperature (omega_S/T = A - D).
FIG2_D = (2.0, 4.0)
FIG2_A = (1.0, 3.0)
FIG2_SPIN, FIG2_OMEGA_S, FIG2_T_MAX = 20, 1.0, 200.0


def _fig2_model(d_val: float, a_val: float, spin=FIG2_SPIN) -> SpinGasModel:
    # k_B T_M = E_R = 1, omega_S = 1: Delta = D, omega_A = 1 + D, T_A = omega_A / A
    return SpinGasModel(spin, FIG2_OMEGA_S, d_val, (FIG2_OMEGA_S + d_val) / a_val, 1.0, 1.0)


def fig2_compute(quick: bool) -> xr.Dataset:
    """Ergotropy W(t) of a J = 20 spin from its ground state for four (D, A) pairs."""
    times = np.linspace(0.0, FIG2_T_MAX, 200 if quick else 1000)
    curves, teff, final_gibbs, lind_err = [], [], [], []
    labels = []
    for d_val in FIG2_D:
        for a_val in FIG2_A:
            m = _fig2_model(d_val, a_val)
            curves.append(m.ergotropy(times))
            teff.append(m.effective_inverse_temperature())
            final_gibbs.append(
                float(populations_ergotropy(m.stationary_populations(), m.energies()))
            )
            labels.append(f"D={d_val:g}, A={a_val:g}")
            small = _fig2_model(d_val, a_val, spin=3)  # fast path vs Lindblad on a small spin
            t_s = np.linspace(0.0, 50.0, 11)
            lind = np.einsum("tii->ti", small.evolve(t_s)).real
            lind_err.append(float(np.max(np.abs(small.populations(t_s) - lind))))
    pairs = [(d, a) for d in FIG2_D for a in FIG2_A]
    return xr.Dataset(
        {
            "ergotropy": (("curve", "time"), np.array(curves)),
            "inverse_temperature": ("curve", np.array(teff)),
            "gibbs_ergotropy": ("curve", np.array(final_gibbs)),
            "detuning_ratio": ("curve", np.array([p[0] for p in pairs])),
            "ancilla_ratio": ("curve", np.array([p[1] for p in pairs])),
            "lindblad_check_error": ("curve", np.array(lind_err)),
        },
        coords={"curve": labels, "time": times},
        attrs={
            "parameters": {
                "spin": FIG2_SPIN,
                "omega_s": FIG2_OMEGA_S,
                "temperature_motional": 1.0,
                "recoil_energy": 1.0,
                "rate_scale": 1.0,
                "D_values": list(FIG2_D),
                "A_values": list(FIG2_A),
                "t_max": FIG2_T_MAX,
                "initial": "ground state",
                "legend_choice": "D in {2,4}, A in {1,3}: (2,3) violates D > A; (2,1) "
                "and (4,3) share omega_S/T = A - D = -1",
                "quick": quick,
            }
        },
    )


def fig2_checks(ds: xr.Dataset) -> list[Check]:
    d, a = ds["detuning_ratio"].values, ds["ancilla_ratio"].values
    w = ds["ergotropy"].values
    gibbs = ds["gibbs_ergotropy"].values
    violate = d <= a
    same = np.flatnonzero(np.isclose(d - a, 1.0))
    return [
        Check.close(
            "exactly one (D, A) violates D > A",
            int(violate.sum()),
            1,
            0,
            "Fig. 2 caption (legend choice)",
        ),
        # populations of the non-inverted curve stay Gibbs-ordered: rounding only
        Check.at_most(
            "no ergotropy when D <= A (max over time)",
            float(w[violate].max()),
            1e-12,
            "Fig. 2 text: 'cannot build up any ergotropy'",
        ),
        Check.at_least(
            "ergotropy builds up when D > A (min final W / hbar omega_S)",
            float(w[~violate, -1].min()),
            1.0,
            "Fig. 2: 'ergotropy buildup requires D > A'",
        ),
        # t_max = 200 >> 1/gap: the slowest curve (D=4, A=3) is within ~1e-7 of its limit
        Check.close(
            "late-time W = ergotropy of Gibbs(T_eff) (max rel. deviation)",
            float(np.max(np.abs(w[~violate, -1] / gibbs[~violate] - 1))),
            0.0,
            1e-5,
            "Eqs. (21), (23)",
        ),
        Check.close(
            "equal-T_eff curves share the same limiting ergotropy",
            float(abs(gibbs[same[0]] - gibbs[same[1]])),
            0.0,
            1e-12,
            "Fig. 2 caption (orange = green T)",
        ),
        # uniformization vs eigen-route Lindblad: both ~1e-13
        Check.at_most(
            "rate equation = Lindblad path (J = 3, max population error)",
            float(ds["lindblad_check_error"].max()),
            1e-10,
            "issue 6: fast path vs full path",
        ),
    ]


def fig2_plot(ds: xr.Dataset):
    fig, ax = new_figure(1, 1, width=4.6, height=3.0)
    for lab in ds["curve"].values:
        ax.plot(ds["time"].values, ds["ergotropy"].sel(curve=lab).values, label=str(lab))
    ax.set_xlabel(r"time $\tilde\Gamma t$")
    ax.set_ylabel(r"ergotropy $\mathcal{W}/\hbar\omega_S$")
    ax.legend(title="legend values chosen (not in paper)", loc="center right")
    annotate_checks(
        ax,
        "J = 20, ground-state start, $k_BT_M=E_R$\n(D,A)=(2,3) violates D > A;\n"
        "(2,1), (4,3): same $T_{eff}$",
    )
    return fig


fig2 = register(
    "gaida2025.fig2",
    title="Ergotropy buildup of a J = 20 spin in a two-temperature gas (Fig. 2)",
    paper=GAIDA2025,
    runtime_estimate_s=1.0,
    full_runtime_estimate_s=2.0,
    plot=fig2_plot,
    checks=fig2_checks,
)(fig2_compute)


# ----------------------------------------------------------------------------- Fig. 3
def fig3_compute(quick: bool) -> xr.Dataset:
    """log10 I(alpha, s) on a grid, plus direct quadratures of Eq. (20) at sample points."""
    alpha = np.logspace(-1, 1, 41 if quick else 201)
    s = np.linspace(-10, 10, 81 if quick else 401)
    logi = log_rate_integral(alpha[:, None], s[None, :])
    samples = [
        (0.1, -10.0),
        (0.1, 10.0),
        (1.0, -3.0),
        (1.0, 0.0),
        (1.0, 3.0),
        (10.0, -10.0),
        (10.0, 5.0),
    ]
    direct = []
    for a_val, s_val in samples:
        f = lambda z, a_val=a_val, s_val=s_val: (
            np.exp(s_val - (2 + a_val) * z) * np.sinh(2 * np.sqrt(z) * np.sqrt(max(z - s_val, 0.0)))
        )
        lo = max(0.0, s_val)
        direct.append(
            quad(f, lo, lo + 300.0, epsabs=0, epsrel=1e-12, limit=400, points=[lo + 1, lo + 10])[0]
        )
    return xr.Dataset(
        {
            "log10_I": (("alpha", "s"), logi / np.log(10)),
            "sample_direct": ("sample", np.array(direct)),
            "sample_closed_form": (
                "sample",
                np.array([float(rate_integral(a, x)) for a, x in samples]),
            ),
            "sample_alpha": ("sample", np.array([x[0] for x in samples])),
            "sample_s": ("sample", np.array([x[1] for x in samples])),
        },
        coords={"alpha": alpha, "s": s, "sample": np.arange(len(samples))},
        attrs={
            "parameters": {
                "alpha_range": [0.1, 10.0],
                "s_range": [-10.0, 10.0],
                "quick": quick,
                "method": "closed form 2/(a(a+4)) e^{-a s/2} x K1(x), x = |s| sqrt(a(a+4))/2",
            }
        },
    )


def fig3_checks(ds: xr.Dataset) -> list[Check]:
    li = ds["log10_I"].values * np.log(10)
    alpha, s = ds["alpha"].values, ds["s"].values
    i0 = np.argmin(np.abs(s))
    rev = li[:, ::-1]  # I(alpha, -s) on the same (symmetric) grid
    return [
        Check.at_most(
            "I decreases with alpha at every s (max d ln I)",
            float(np.diff(li, axis=0).max()),
            0.0,
            "Fig. 3 caption: suppressed for large alpha",
        ),
        Check.at_most(
            "I(alpha, +-10)/I(alpha, 0) (max over alpha)",
            float(np.exp(np.max(np.maximum(li[:, 0], li[:, -1]) - li[:, i0]))),
            0.2,
            "Fig. 3 caption: suppressed for large |s|",
        ),
        Check.close(
            "I(alpha,-s)/I(alpha,s) = e^{alpha s} (max |log residual|)",
            float(np.max(np.abs(rev - li - alpha[:, None] * s[None, :]))),
            0.0,
            1e-10,
            "identity behind Eq. (21)",
        ),
        Check.at_least(
            "faster decay for s > 0: (ln I(-10) - ln I(10)) / 10 alpha (min)",
            float(np.min((li[:, 0] - li[:, -1]) / (10 * alpha))),
            1.0 - 1e-9,
            "Fig. 3 caption: decays exponentially faster for positive s",
        ),
        # direct quad at rtol 1e-12 vs the Bessel closed form
        Check.close(
            "closed form = direct quadrature of Eq. (20) (max rel. error)",
            float(np.max(np.abs(ds["sample_closed_form"].values / ds["sample_direct"].values - 1))),
            0.0,
            1e-8,
            "Eq. (20)",
        ),
    ]


def fig3_plot(ds: xr.Dataset):
    fig, ax = new_figure(1, 1, width=4.4, height=3.2)
    mesh = ax.pcolormesh(
        ds["s"].values, ds["alpha"].values, ds["log10_I"].values, shading="auto", cmap="viridis"
    )
    ax.set_yscale("log")
    ax.set_xlabel(r"$s$ (internal energy transfer / $E_R$)")
    ax.set_ylabel(r"$\alpha = E_R/k_BT_M$")
    fig.colorbar(mesh, ax=ax, label=r"$\log_{10} I(\alpha, s)$")
    return fig


fig3 = register(
    "gaida2025.fig3",
    title="The rate integral I(alpha, s) of Eq. (20) (Fig. 3)",
    paper=GAIDA2025,
    runtime_estimate_s=0.5,
    full_runtime_estimate_s=1.0,
    plot=fig3_plot,
    checks=fig3_checks,
)(fig3_compute)


# ----------------------------------------------------------------------------- detuning
DET_VALUES = (-0.5, 0.0, 0.5, 1.0, 2.0, 5.0, 10.0)
DET_T, DET_SPIN = 1.0, 2


def detuning_compute(quick: bool) -> xr.Dataset:
    """T_A = T_M: relaxation to T for every detuning; rates vs detuning; repeated-interaction T."""
    times = np.linspace(0.0, 10.0, 80 if quick else 400)
    jz_t, t_fit, t_ri, t_ri_pred, gminus = [], [], [], [], []
    for det in DET_VALUES:
        m = SpinGasModel(DET_SPIN, 1.0, det, DET_T, DET_T, 1.0)
        gm = m.rates()[1]
        gminus.append(gm)
        top = np.zeros(m.dimension)
        top[-1] = 1.0  # start fully excited (an infinitely hot inverted state)
        p = m.populations(times / gm, top)  # time in units of 1/Gamma_-
        jz_t.append(p @ (m.energies() / m.omega_s))
        t_fit.append(fitted_temperature(np.diag(steady_state(m.generator())).real, m.omega_s))
        ri = RepeatedInteractionModel(DET_SPIN, 1.0, det, DET_T, 1.0, 0.6)
        t_ri.append(fitted_temperature(np.diag(ri.steady_state()).real, 1.0))
        t_ri_pred.append(ri.predicted_temperature())
    fine = np.linspace(-0.9, 10.0, 120 if quick else 600)
    rates = np.array([SpinGasModel(DET_SPIN, 1.0, x, DET_T, DET_T, 1.0).rates() for x in fine])
    # the general model with first-Born Gaussian amplitudes at two detunings (Eq. 19 cross-check)
    born_err = []
    for det in (0.5, 5.0):
        sm = SpinGasModel(1, 1.0, det, DET_T, DET_T, 1.0)
        r = GasModel.from_spin(sm).rates(rtol=1e-10).rate_matrix()
        up, down = sm.ladder_rates()
        born_err.append(
            float(
                max(
                    np.max(np.abs(np.diag(r, -1) / up[:-1] - 1)),
                    np.max(np.abs(np.diag(r, 1) / down[1:] - 1)),
                )
            )
        )
    equilibrium_jz = [
        float(
            gibbs_state(np.arange(-DET_SPIN, DET_SPIN + 1.0), 1 / DET_T).diagonal()
            @ np.arange(-DET_SPIN, DET_SPIN + 1.0)
        )
    ]
    return xr.Dataset(
        {
            "jz": (("detuning", "time"), np.array(jz_t)),
            "fitted_temperature": ("detuning", np.array(t_fit)),
            "repeated_temperature": ("detuning", np.array(t_ri)),
            "repeated_predicted": ("detuning", np.array(t_ri_pred)),
            "gamma_minus": ("detuning", np.array(gminus)),
            "rate_plus": ("fine_detuning", rates[:, 0]),
            "rate_minus": ("fine_detuning", rates[:, 1]),
            "born_vs_eq19": ("born_case", np.array(born_err)),
            "gibbs_jz": ((), equilibrium_jz[0]),
        },
        coords={
            "detuning": np.array(DET_VALUES),
            "time": times,
            "fine_detuning": fine,
            "born_case": [0.5, 5.0],
        },
        attrs={
            "parameters": {
                "spin": DET_SPIN,
                "omega_s": 1.0,
                "temperature": DET_T,
                "recoil_energy": 1.0,
                "rate_scale": 1.0,
                "detunings": list(DET_VALUES),
                "repeated_interaction": {"coupling": 1.0, "duration": 0.6},
                "time_unit": "1/Gamma_- at each detuning",
                "quick": quick,
            }
        },
    )


def detuning_checks(ds: xr.Dataset) -> list[Check]:
    tf, tri, tpred = (
        ds["fitted_temperature"].values,
        ds["repeated_temperature"].values,
        ds["repeated_predicted"].values,
    )
    det = ds["detuning"].values
    g = ds["gamma_minus"].values
    return [
        # steady states from a direct LU solve: ~1e-13
        Check.close(
            "scattering ME relaxes to T for every detuning (max |T_fit - T|)",
            float(np.max(np.abs(tf - DET_T))),
            0.0,
            1e-9,
            "text after Eq. (21)",
        ),
        Check.close(
            "repeated interactions relax to omega_S T/omega_A (max deviation)",
            float(np.max(np.abs(tri - tpred))),
            0.0,
            1e-9,
            "text after Eq. (21), Refs. [34, 35]",
        ),
        Check.at_least(
            "repeated-interaction T differs from T when detuned (min |T_RI - T|, Delta != 0)",
            float(np.min(np.abs(tri[det != 0] - DET_T))),
            0.3,
            "text after Eq. (21)",
        ),
        Check.at_most(
            "rates suppressed at large detuning: Gamma_-(10 E_R)/Gamma_-(0)",
            float(g[det == 10.0][0] / g[det == 0.0][0]),
            1e-2,
            "Appendix D / Fig. 3",
        ),
        # slowest relaxation mode ~ Gamma_- (1 - e^{-omega_S/2T})^2-ish: e^{-10 * 2} level left
        Check.close(
            "relaxed <J_z> = Gibbs value at T (max over detunings, Gamma_- t = 10)",
            float(np.max(np.abs(ds["jz"].values[:, -1] - float(ds["gibbs_jz"])))),
            0.0,
            1e-6,
            "Eq. (18): thermalisation regardless of Delta",
        ),
        # Gamma_+/Gamma_- = e^{-omega_S/T} for every Delta, so only the time scale changes
        Check.close(
            "relaxation curves coincide in units of 1/Gamma_- (max spread)",
            float(np.max(np.ptp(ds["jz"].values, axis=0))),
            0.0,
            1e-10,
            "text after Eq. (21): detuning only affects the rate",
        ),
        # quadrature at rtol 1e-10 vs closed form
        Check.close(
            "general model (Born, Eq. D2) reproduces Eq. (19) (max rel. error)",
            float(ds["born_vs_eq19"].max()),
            0.0,
            1e-8,
            "Eqs. (12), (19), (D2)",
        ),
    ]


def detuning_plot(ds: xr.Dataset):
    fig, (a, b, c) = new_figure(1, 3, width=3.2, height=2.7)
    for det in ds["detuning"].values:
        a.plot(ds["time"].values, ds["jz"].sel(detuning=det).values, label=rf"$\Delta$={det:g}")
    a.axhline(float(ds["gibbs_jz"]), color="k", ls=":", lw=1, label="Gibbs at T")
    a.set_xlabel(r"time $\Gamma_- t$")
    a.set_ylabel(r"$\langle J_z\rangle$")
    a.legend(fontsize=6)
    b.semilogy(ds["fine_detuning"].values, ds["rate_minus"].values, label=r"$\Gamma_-$")
    b.semilogy(ds["fine_detuning"].values, ds["rate_plus"].values, label=r"$\Gamma_+$")
    b.set_xlabel(r"detuning $\hbar\Delta/E_R$")
    b.set_ylabel(r"rate / $\tilde\Gamma$")
    b.legend()
    c.plot(ds["detuning"].values, ds["fitted_temperature"].values, "o-", label="scattering ME")
    c.plot(
        ds["detuning"].values,
        ds["repeated_temperature"].values,
        "s--",
        label="repeated interactions",
    )
    c.set_xlabel(r"detuning $\Delta/\omega_S$")
    c.set_ylabel(r"steady-state temperature / $T$")
    c.set_ylim(0.0, 2.6)
    c.legend(loc="center right")
    annotate_checks(c, r"$T_A=T_M=T$; RI: $\omega_S T/\omega_A$")
    return fig


detuning = register(
    "gaida2025.detuning",
    title="Equilibrium gas: thermalisation at every detuning vs repeated interactions",
    paper=GAIDA2025,
    runtime_estimate_s=1.5,
    full_runtime_estimate_s=3.0,
    plot=detuning_plot,
    checks=detuning_checks,
)(detuning_compute)


# ----------------------------------------------------------------------------- T_eff map
def teff_compute(quick: bool) -> xr.Dataset:
    """omega_S / T_eff (Eq. 21) over T_A/T_M and Delta/omega_S; Eq. (22) boundary."""
    ratio = np.logspace(-1, 1, 61 if quick else 301)
    delta = np.linspace(-0.9, 5.0, 60 if quick else 300)
    beta = np.array(
        [
            [SpinGasModel(1, 1.0, dl, r, 1.0, 1.0).effective_inverse_temperature() for dl in delta]
            for r in ratio
        ]
    )
    inverted = np.array(
        [
            [SpinGasModel(1, 1.0, dl, r, 1.0, 1.0).population_inverted() for dl in delta]
            for r in ratio
        ]
    )
    rate_beta = np.array(
        [
            [
                np.subtract(*SpinGasModel(1, 1.0, dl, r, 1.0, 1.0).log_rates()[::-1])
                for dl in delta[::6]
            ]
            for r in ratio[::6]
        ]
    )
    samples = [(0.5, 0.5), (3.0, 2.0), (8.0, 4.0), (1.0, -0.5), (6.0, 0.3)]
    ss_err, boundary = [], []
    for r, dl in samples:
        m = SpinGasModel(2, 1.0, dl, r, 1.0, 1.0)
        ss_err.append(
            float(
                np.max(
                    np.abs(
                        steady_state(m.generator())
                        - gibbs_state(m.energies(), m.effective_inverse_temperature())
                    )
                )
            )
        )
    for dl in (0.5, 1.0, 3.0):  # on the Eq. (22) line T_A/T_M = (omega_S + Delta)/Delta
        boundary.append(
            SpinGasModel(1, 1.0, dl, (1 + dl) / dl, 1.0, 1.0).effective_inverse_temperature()
        )
    return xr.Dataset(
        {
            "inverse_temperature": (("ratio", "delta"), beta),
            "eq22_inverted": (("ratio", "delta"), inverted),
            "rate_ratio_beta": (("ratio_c", "delta_c"), rate_beta),
            "rate_ratio_beta_eq21": (("ratio_c", "delta_c"), beta[::6, ::6]),
            "steady_state_error": ("sample", np.array(ss_err)),
            "boundary_beta": ("boundary", np.array(boundary)),
        },
        coords={
            "ratio": ratio,
            "delta": delta,
            "ratio_c": ratio[::6],
            "delta_c": delta[::6],
            "sample": np.arange(len(samples)),
            "boundary": [0.5, 1.0, 3.0],
        },
        attrs={
            "parameters": {
                "omega_s": 1.0,
                "temperature_motional": 1.0,
                "recoil_energy": 1.0,
                "axes": "ratio = T_A/T_M, delta = Delta/omega_S; value omega_S/T_eff",
                "steady_state_samples": samples,
                "quick": quick,
            }
        },
    )


def teff_checks(ds: xr.Dataset) -> list[Check]:
    beta, inv = ds["inverse_temperature"].values, ds["eq22_inverted"].values.astype(bool)
    clear = np.abs(beta) > 1e-9
    return [
        Check.close(
            "T_eff < 0 exactly where Eq. (22) holds (mismatching grid points)",
            int(np.sum((beta[clear] < 0) != inv[clear])),
            0,
            0,
            "Eqs. (21), (22)",
        ),
        Check.at_least(
            "negative-temperature region exists (fraction of grid)",
            float(np.mean(beta < 0)),
            0.05,
            "Eq. (22)",
        ),
        # log rates: rounding 1e-13
        Check.close(
            "-ln(Gamma_+/Gamma_-)/omega_S = Eq. (21) (max residual)",
            float(np.max(np.abs(ds["rate_ratio_beta"].values - ds["rate_ratio_beta_eq21"].values))),
            0.0,
            1e-10,
            "Eqs. (19), (21)",
        ),
        Check.close(
            "Lindblad steady state = Gibbs(T_eff) (max entry error)",
            float(ds["steady_state_error"].max()),
            0.0,
            1e-10,
            "Eq. (18) with Eq. (21)",
        ),
        Check.close(
            "omega_S/T_eff = 0 on the Eq. (22) boundary (max)",
            float(np.max(np.abs(ds["boundary_beta"].values))),
            0.0,
            1e-12,
            "Eq. (22)",
        ),
    ]


def teff_plot(ds: xr.Dataset):
    fig, ax = new_figure(1, 1, width=4.6, height=3.3)
    b = ds["inverse_temperature"].values
    norm = TwoSlopeNorm(
        vmin=min(float(b.min()), -1e-3), vcenter=0.0, vmax=max(float(b.max()), 1e-3)
    )
    mesh = ax.pcolormesh(
        ds["delta"].values, ds["ratio"].values, b, shading="auto", cmap="RdBu", norm=norm
    )
    fig.colorbar(mesh, ax=ax, label=r"$\hbar\omega_S/k_BT_{eff}$ (Eq. 21)")
    dl = ds["delta"].values
    pos = dl > 0.12
    ax.plot(dl[pos], (1 + dl[pos]) / dl[pos], "k--", label="Eq. (22) boundary")
    ax.set_yscale("log")
    ax.set_ylim(ds["ratio"].values[0], ds["ratio"].values[-1])
    ax.set_xlabel(r"detuning $\Delta/\omega_S$")
    ax.set_ylabel(r"$T_A/T_M$")
    ax.legend(loc="lower right")
    annotate_checks(ax, r"red: $T_{eff}<0$ (population inversion)")
    return fig


effective_temperature = register(
    "gaida2025.effective-temperature",
    title="Effective temperature Eq. (21), inversion condition Eq. (22)",
    paper=GAIDA2025,
    runtime_estimate_s=1.0,
    full_runtime_estimate_s=8.0,
    plot=teff_plot,
    checks=teff_checks,
)(teff_compute)


# ----------------------------------------------------------------------------- Clausius
def clausius_compute(quick: bool) -> xr.Dataset:
    """Equilibrium gas: sigma = S-dot - beta Q-dot >= 0; two-temperature gas: ergotropy and flows."""
    model = GasModel.example()
    rates = model.rates(rtol=1e-11)
    gen = rates.generator()
    e, beta = model.system_energies, 1.0 / model.temperature_motional
    times = np.linspace(0.0, 40.0, 2001 if quick else 8001)
    rng = np.random.default_rng(20250627)
    g = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    rho0 = g @ g.conj().T
    rho0 /= np.trace(rho0)
    rho = evolve(gen, rho0, times)
    sigma = entropy_production_rate(gen, e, beta, rho)
    qdot = heat_current(gen, e, rho)
    gib = gibbs_state(e, beta)
    rel = np.array([relative_entropy(x, gib) for x in rho])
    # two-temperature spin gas (Fig. 2 pair D = 4, A = 1), as a general Born model for the flows
    sm = SpinGasModel(5, 1.0, 4.0, 5.0, 1.0, 1.0)
    t2 = np.linspace(0.0, 150.0, 151 if quick else 601)
    pops = sm.populations(t2)
    w = sm.ergotropy(t2)
    r2 = GasModel.from_spin(sm).rates(rtol=1e-10)
    fl = energy_flows(r2, pops)
    sig2 = two_temperature_entropy_production(
        r2, np.maximum(pops, 1e-300), sm.temperature_internal, sm.temperature_motional
    )
    return xr.Dataset(
        {
            "entropy_production": ("time", sigma),
            "heat_current": ("time", qdot),
            "relative_entropy": ("time", rel),
            "ergotropy": ("time2", w),
            "system_power": ("time2", fl.system),
            "ancilla_power": ("time2", fl.ancilla),
            "motion_power": ("time2", fl.motion),
            "two_temperature_sigma": ("time2", sig2),
            "gibbs_ergotropy": (
                (),
                float(populations_ergotropy(sm.stationary_populations(), sm.energies())),
            ),
        },
        coords={"time": times, "time2": t2},
        attrs={
            "parameters": {
                "equilibrium_model": "GasModel.example() (3 levels, 2-level ancilla, T_A=T_M=1)",
                "seed": 20250627,
                "rtol": 1e-11,
                "spin_model": {
                    "spin": 5,
                    "omega_s": 1.0,
                    "detuning": 4.0,
                    "temperature_internal": 5.0,
                    "temperature_motional": 1.0,
                    "recoil_energy": 1.0,
                },
                "quick": quick,
            }
        },
    )


def clausius_checks(ds: xr.Dataset) -> list[Check]:
    t, sigma, rel = (
        ds["time"].values,
        ds["entropy_production"].values,
        ds["relative_entropy"].values,
    )
    integral = float(np.sum(0.5 * (sigma[1:] + sigma[:-1]) * np.diff(t)))
    drop = float(rel[0] - rel[-1])
    fl = ds["system_power"].values + ds["ancilla_power"].values + ds["motion_power"].values
    w = ds["ergotropy"].values
    return [
        # tr(L rho ln rho) rounding ~1e-14
        Check.at_least(
            "entropy production rate >= 0 (min over trajectory)",
            float(sigma.min()),
            0.0,
            "Eq. (16)",
            tolerance=1e-12,
        ),
        # trapezoid with dt = 0.02 (quick) on a smooth decaying integrand: ~1e-5 relative
        Check.close(
            "int sigma dt = D(rho_0||gamma) - D(rho_t||gamma)",
            integral,
            drop,
            1e-4,
            "Eq. (16) (Spohn)",
            relative=True,
        ),
        Check.close(
            "first law per collision: dE_S + dE_A + dE_M (max |.|)",
            float(np.max(np.abs(fl))),
            0.0,
            1e-14,
            "Eq. (14)",
        ),
        Check.at_least(
            "two-temperature entropy production >= 0 (min)",
            float(ds["two_temperature_sigma"].min()),
            0.0,
            "derived from Eq. (9) as in Eq. (C8)",
            tolerance=1e-12,
        ),
        Check.close(
            "non-equilibrium gas produces ergotropy: W(t_end) = W(Gibbs at T_eff < 0)",
            float(w[-1]),
            float(ds["gibbs_ergotropy"]),
            1e-6,
            "Eqs. (21)-(23)",
            relative=True,
        ),
    ]


def clausius_plot(ds: xr.Dataset):
    fig, (a, b) = new_figure(1, 2, width=3.6, height=2.8)
    t = ds["time"].values
    a.semilogy(
        t[1:], np.maximum(ds["entropy_production"].values[1:], 1e-18), label=r"$\dot S-\beta\dot Q$"
    )
    a.semilogy(t[1:], np.abs(ds["heat_current"].values[1:]), "--", label=r"$|\dot Q|$")
    a.set_xlabel(r"time $t$")
    a.set_ylabel("rate")
    a.legend()
    annotate_checks(a, "equilibrium gas, 3-level system")
    t2 = ds["time2"].values
    b.plot(t2, ds["ergotropy"].values, "k", label=r"$\mathcal{W}$ (J=5)")
    b2 = b.twinx()
    b2.plot(t2, ds["ancilla_power"].values, label=r"$\dot E_A$")
    b2.plot(t2, ds["motion_power"].values, label=r"$\dot E_M$")
    b2.plot(t2, ds["system_power"].values, ":", label=r"$\dot E_S$")
    b2.set_ylabel("power")
    b.set_xlabel(r"time $\tilde\Gamma t$")
    b.set_ylabel(r"ergotropy / $\hbar\omega_S$")
    b2.legend(loc="center right", fontsize=7)
    b.legend(loc="lower right", fontsize=7)
    annotate_checks(b, "two-temperature gas (D=4, A=1)")
    return fig


clausius = register(
    "gaida2025.clausius",
    title="Clausius inequality (Eq. 16) and ergotropy production of a two-temperature gas",
    paper=GAIDA2025,
    runtime_estimate_s=2.0,
    full_runtime_estimate_s=6.0,
    plot=clausius_plot,
    checks=clausius_checks,
)(clausius_compute)
