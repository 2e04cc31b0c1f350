"""gaida2025 detuning and T_eff map: thermalisation at every detuning; Eqs. (21)-(22)."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.colors import TwoSlopeNorm
from matplotlib.ticker import MaxNLocator

from ...gas import GasModel, SpinGasModel
from ...gas.repeated import RepeatedInteractionModel, fitted_temperature
from ...plotting import annotate_checks, axis_label, new_figure, param_title, place_legend
from ...quantum import gibbs_state
from ...superop import steady_state
from .._registry import Check

__all__ = [
    "DET_SPIN",
    "DET_T",
    "DET_VALUES",
    "detuning_checks",
    "detuning_compute",
    "detuning_plot",
    "teff_checks",
    "teff_compute",
    "teff_plot",
]

# ----------------------------------------------------------------------------- detuning
#: Detunings hbar Delta of the detuning run (Gaida et al. 2025), in units of
#: E_R = hbar omega_S = 1.
DET_VALUES = (-0.5, 0.0, 0.5, 1.0, 2.0, 5.0, 10.0)
#: Common temperature k_B T = k_B T_A = k_B T_M of the detuning run, in units of E_R.
DET_T = 1.0
#: Spin quantum number J of the detuning run (Gaida et al. 2025).
DET_SPIN = 2


def detuning_compute(quick: bool) -> xr.Dataset:
    """T_A = T_M: relaxation to T for every detuning; rates vs detuning; repeated-interaction T."""
    times = np.linspace(0.0, 10.0, 80 if quick else 400)
    jz_t, t_fit, t_ri, t_ri_pred, gminus = [], [], [], [], []
    for det in DET_VALUES:
        m = SpinGasModel(DET_SPIN, 1.0, det, temperature_internal=DET_T,
                         temperature_motional=DET_T, recoil_energy=1.0)
        gm = m.rates()[1]
        gminus.append(gm)
        top = np.zeros(m.dimension)
        top[-1] = 1.0  # start fully excited (an infinitely hot inverted state)
        p = m.populations(times / gm, top)  # time in units of 1/Gamma_-
        jz_t.append(p @ (m.energies() / m.omega_s))
        t_fit.append(fitted_temperature(np.diag(steady_state(m.generator())).real, m.omega_s))
        ri = RepeatedInteractionModel(DET_SPIN, 1.0, det, temperature=DET_T, coupling=1.0,
                                      duration=0.6)
        t_ri.append(fitted_temperature(np.diag(ri.steady_state()).real, 1.0))
        t_ri_pred.append(ri.predicted_temperature())
    fine = np.linspace(-0.9, 10.0, 120 if quick else 600)
    rates = np.array([SpinGasModel(
        DET_SPIN, 1.0, x, temperature_internal=DET_T, temperature_motional=DET_T,
        recoil_energy=1.0).rates() for x in fine])
    # the general model with first-Born Gaussian amplitudes at two detunings (Eq. 19 cross-check)
    born_err = []
    for det in (0.5, 5.0):
        sm = SpinGasModel(1, 1.0, det, temperature_internal=DET_T,
                          temperature_motional=DET_T, recoil_energy=1.0)
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
    """Check relaxation to T at every detuning, T_A = T_M, vs repeated interactions (Gaida)."""
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
    """Draw <J_z>(Gamma_- t), rates and steady-state temperatures vs detuning (Gaida 2025)."""
    fig, (a, b, c) = new_figure(1, 3, width=3.2, height=2.7)
    for det in ds["detuning"].values:
        a.plot(ds["time"].values, ds["jz"].sel(detuning=det).values,
               label=param_title(Delta=float(det)))
    a.axhline(float(ds["gibbs_jz"]), color="k", ls=":", lw=1, label="Gibbs at $T$")
    a.set_xlabel(r"time $\Gamma_- t$")
    a.set_ylabel(r"$\langle J_z\rangle$")
    place_legend(a, fontsize=6)
    b.semilogy(ds["fine_detuning"].values, ds["rate_minus"].values, label=r"$\Gamma_-$")
    b.semilogy(ds["fine_detuning"].values, ds["rate_plus"].values, label=r"$\Gamma_+$")
    b.set_xlabel(r"detuning $\hbar\Delta/E_R$")
    b.set_ylabel(r"rate / $\tilde\Gamma$")
    place_legend(b)
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
    place_legend(c, loc="center right")
    annotate_checks(c, "$T_A = T_M = T$; repeated interactions:\n"
                       r"$T_{\mathrm{RI}} = \omega_S T/\omega_A$ (dashed)")
    return fig


# ----------------------------------------------------------------------------- T_eff map
def _ratio_model(spin, detuning, ratio):
    """omega_S = 1, T_M = E_R = 1 and T_A = `ratio` (the axes of Fig. 4: Delta, T_A/T_M)."""
    return SpinGasModel(spin, 1.0, detuning, temperature_internal=ratio,
                        temperature_motional=1.0, recoil_energy=1.0)


def teff_compute(quick: bool) -> xr.Dataset:
    """omega_S / T_eff (Eq. 21) over T_A/T_M and Delta/omega_S; Eq. (22) boundary."""
    ratio = np.logspace(-1, 1, 61 if quick else 301)
    delta = np.linspace(-0.9, 5.0, 60 if quick else 300)
    beta = np.array(
        [
            [_ratio_model(1, dl, r).effective_inverse_temperature() for dl in delta]
            for r in ratio
        ]
    )
    inverted = np.array(
        [
            [_ratio_model(1, dl, r).population_inverted() for dl in delta]
            for r in ratio
        ]
    )
    rate_beta = np.array(
        [
            [
                np.subtract(*_ratio_model(1, dl, r).log_rates()[::-1])
                for dl in delta[::6]
            ]
            for r in ratio[::6]
        ]
    )
    samples = [(0.5, 0.5), (3.0, 2.0), (8.0, 4.0), (1.0, -0.5), (6.0, 0.3)]
    ss_err, boundary = [], []
    for r, dl in samples:
        m = _ratio_model(2, dl, r)
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
            _ratio_model(1, dl, (1 + dl) / dl).effective_inverse_temperature()
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
    """Check the T_eff map (Gaida 2025): T_eff < 0 exactly where Eq. (22) holds; Eq. (21)."""
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
    """Draw Fig. 4 of Gaida et al. 2025: omega_S/T_eff (Eq. 21) over Delta and T_A/T_M."""
    fig, ax = new_figure(1, 1, width=4.6, height=3.3)
    b = ds["inverse_temperature"].values
    norm = TwoSlopeNorm(
        vmin=min(float(b.min()), -1e-3), vcenter=0.0, vmax=max(float(b.max()), 1e-3)
    )
    mesh = ax.pcolormesh(
        ds["delta"].values, ds["ratio"].values, b, shading="auto", cmap="RdBu", norm=norm
    )
    # ticks on both sides of 0: one linear locator over [vmin, vmax] leaves the short negative
    # half of a TwoSlopeNorm without labels
    ticks = np.unique(np.concatenate([
        MaxNLocator(3).tick_values(norm.vmin, 0.0), MaxNLocator(5).tick_values(0.0, norm.vmax)]))
    ticks = ticks[(ticks >= norm.vmin) & (ticks <= norm.vmax)]
    bar = fig.colorbar(mesh, ax=ax, ticks=ticks,
                       label=axis_label("inverse temperature", r"\hbar\omega_S/k_BT_{eff}")
                       + " (Eq. 21)")
    bar.ax.axhline(0.0, color="k", lw=0.8)
    dl = ds["delta"].values
    pos = dl > 0.12
    ax.plot(dl[pos], (1 + dl[pos]) / dl[pos], "k--", label="Eq. (22) boundary")
    ax.set_yscale("log")
    ax.set_ylim(ds["ratio"].values[0], ds["ratio"].values[-1])
    ax.set_xlabel(axis_label("detuning", r"\Delta/\omega_S"))
    ax.set_ylabel(axis_label("temperature ratio", r"T_A/T_M"))
    place_legend(ax, loc="lower right")
    annotate_checks(ax, r"red: $T_{eff}<0$ (population inversion)")
    return fig
