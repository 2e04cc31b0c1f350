"""gaida2025 Clausius: entropy production of an equilibrium gas, Eq. (16); two-temperature flows."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...gas import GasModel, SpinGasModel, populations_ergotropy
from ...gas.thermo import (
    energy_flows,
    entropy_production_rate,
    heat_current,
    two_temperature_entropy_production,
)
from ...plotting import axis_label, new_figure, param_title, place_legend
from ...quantum import gibbs_state, relative_entropy
from ...superop import evolve
from .._registry import Check

__all__ = [
    "clausius_checks",
    "clausius_compute",
    "clausius_plot",
]


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
    sm = SpinGasModel.from_paper(spin=5, D=4.0, A=1.0)  # Delta = 4, T_A = 5, T_M = E_R = 1
    t2 = np.linspace(0.0, 150.0, 151 if quick else 601)
    pops = sm.populations(t2)
    w = sm.ergotropy(t2)
    r2 = GasModel.from_spin(sm).rates(rtol=1e-10)
    fl = energy_flows(r2, pops)
    sig2 = two_temperature_entropy_production(
        r2, np.maximum(pops, 1e-300), temperature_internal=sm.temperature_internal,
        temperature_motional=sm.temperature_motional,
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
    """Check Eq. (16) of Gaida et al. 2025: sigma >= 0, its integral, first law, ergotropy gain."""
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
    """Draw sigma, |Q-dot| (equilibrium gas), ergotropy and power (two-T gas), Gaida 2025."""
    # three panels (no twin axes: a legend of one twin cannot see the other's data)
    fig, (a, b, c) = new_figure(1, 3, width=3.0, height=2.8)
    t = ds["time"].values
    a.semilogy(
        t[1:], np.maximum(ds["entropy_production"].values[1:], 1e-18), label=r"$\dot S-\beta\dot Q$"
    )
    a.semilogy(t[1:], np.abs(ds["heat_current"].values[1:]), "--", label=r"$|\dot Q|$")
    a.set_xlabel(axis_label("time", "t"))
    a.set_ylabel("rate")
    a.set_title("equilibrium gas, 3 levels")
    fig.suptitle("left: equilibrium gas; middle, right: two-temperature gas with "
                 r"$D = \hbar\Delta/k_BT_M$, $A = \hbar\omega_A/k_BT_A$ (the energy flows sum "
                 "to 0, Eq. 14)", fontsize=8)
    place_legend(a)
    t2 = ds["time2"].values
    title = param_title(D=4, A=1, J=5)  # two-temperature gas, D and A as in Fig. 2
    b.plot(t2, ds["ergotropy"].values, "k")
    b.set_xlabel(axis_label("time", r"\tilde\Gamma t"))
    b.set_ylabel(axis_label("ergotropy", r"\mathcal{W}/\hbar\omega_S"))
    b.set_title(title)
    c.plot(t2, ds["ancilla_power"].values, label=r"$\dot E_A$ (ancillas)")
    c.plot(t2, ds["motion_power"].values, label=r"$\dot E_M$ (motion)")
    c.plot(t2, ds["system_power"].values, ":", label=r"$\dot E_S$ (spin)")
    c.set_xlabel(axis_label("time", r"\tilde\Gamma t"))
    c.set_ylabel(axis_label("power", None, r"$\hbar\omega_S\tilde\Gamma$"))
    c.set_title(title)
    place_legend(c)
    return fig
