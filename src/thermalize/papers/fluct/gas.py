r"""fluct.gas-counting: quanta exchanged with a dilute gas (Gaida et al. 2025), spin and general.

Spin J = 20 in one gas with Fig. 2's (D, A) = (4, 1) (an inverted effective temperature,
omega_S/T = A - D = -3): the net quanta n absorbed from the gas satisfy |n| <= 2J, so there
is no steady current; the finite-time law P(n, t) along the ergotropy buildup from the ground
state is the two-point measurement of J_z (checked against the rate equation), and from a
Gibbs state at beta_0 the exchange fluctuation theorem
:math:`P(n)/P(-n) = e^{(\beta_0 - \beta)\omega_S n}` holds at every time. The general
`GasModel` with internal (T_A = 3) and motional (T_M = 1) degrees as two reservoirs carries a
steady heat current with the Gallavotti-Cohen symmetry and the TUR
(`thermalize.gas.fluctuations`).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...counting import scaled_cumulants, scgf
from ...gas import GasModel, SpinGasModel
from ...gas.fluctuations import gas_counting_model, spin_counting_model, spin_exchange_statistics
from ...io import DIMENSIONLESS, describe
from ...plotting import axis_label, new_figure, param_title, place_legend
from .._registry import Check, register
from ._common import FLUCT, params

__all__ = ["checks", "compute", "ft_residual", "gas_counting", "plot"]

SPIN, D_FIG2, A_FIG2 = 20, 4.0, 1.0
BETA_0 = -2.5  # Gibbs initial state of the fluctuation-theorem panel (omega_S = 1 units)
T_INTERNAL = 3.0  # general gas: T_A = 3, T_M = 1
FIG2_CASES = ((2.0, 1.0), (2.0, 3.0), (4.0, 1.0), (4.0, 3.0))  # (D, A) of Fig. 2's panels
FT_FLOOR = 1e-8  # pairs compared: both P >= 1e-8, where DFT rounding ~2e-13 is <= 2e-5 relative


def _two_point_reference(model: SpinGasModel, times: np.ndarray) -> np.ndarray:
    """P(n, t) from the ground state by the rate equation alone: n = m(t) - m(0)."""
    d = model.dimension
    start = np.zeros(d)
    start[0] = 1.0
    cond = model.populations(times, start)  # (nt, d): from m0 = ground, n = index
    out = np.zeros((times.size, 2 * d - 1))
    out[:, d - 1:] = cond
    return out


def compute(quick: bool) -> xr.Dataset:
    """Spin: P(n, t), ergotropy, FT from Gibbs; general gas: cumulants, GC residual."""
    model = SpinGasModel.from_paper(spin=SPIN, D=D_FIG2, A=A_FIG2)
    times = np.array([0.1, 0.5, 2.0, 10.0, 200.0]) if quick else np.geomspace(0.05, 200.0, 16)
    ground = spin_exchange_statistics(model, times)
    gibbs = spin_exchange_statistics(model, times, beta_initial=BETA_0)
    spin_cum = scaled_cumulants(spin_counting_model(model)).cumulants[0]
    # the theorem at Fig. 2's other parameters, from Gibbs states on both sides of beta
    cases = [spin_exchange_statistics(SpinGasModel.from_paper(spin=SPIN, D=dd, A=aa), times,
                                      beta_initial=b0).fluctuation_residual(floor=FT_FLOOR).max()
             for dd, aa in FIG2_CASES for b0 in (-1.0, 0.5)]
    gas = GasModel.example(temperature_internal=T_INTERNAL)
    cm = gas_counting_model(gas)
    cum = scaled_cumulants(cm)
    rates = gas.rates()
    p = np.real(np.diag(gas.steady_state()))
    a = gas.ancilla_energies
    j_ref = np.einsum("ijkl,j,kl->", rates.channel_rates, p, a[:, None] - a[None, :])
    aff = gas.beta_internal - gas.beta_motional
    rng = np.random.default_rng(3)
    chi = rng.normal(size=6) + 0.2j * rng.normal(size=6)
    zero = np.zeros_like(chi)
    lam = scgf(cm, np.stack([chi, zero], -1))
    mirror = scgf(cm, np.stack([-chi + 1j * aff, zero], -1))
    ds = xr.Dataset(
        {
            "probability_ground": (("time", "count"), ground.probabilities),
            "probability_reference": (("time", "count"), _two_point_reference(model, times)),
            "probability_gibbs": (("time", "count"), gibbs.probabilities),
            "ergotropy": ("time", ground.ergotropy),
            "mean_energy_absorbed": ("time", ground.mean_energy()),
            "spin_scaled_cumulant": ("order", spin_cum),
            "ft_residual_cases": ("ft_case", np.array(cases)),
            "gas_cumulant": (("reservoir", "order"), cum.cumulants),
            "gas_internal_current_reference": ((), float(j_ref)),
            "gas_gc_residual": ((), float(np.max(np.abs(lam - mirror)
                                                 / np.maximum(1, np.abs(lam))))),
        },
        coords={"time": times, "count": ground.counts, "order": np.arange(1, 5),
                "reservoir": list(cm.names),
                "ft_case": [f"D={dd:g}, A={aa:g}, beta_0={b0:g}" for dd, aa in FIG2_CASES
                            for b0 in (-1.0, 0.5)]},
        attrs={"parameters": {"spin": SPIN, "D": D_FIG2, "A": A_FIG2, "beta_initial": BETA_0,
                              "beta_effective": ground.beta, "omega_s": ground.omega_s,
                              "gas": "GasModel.example(temperature_internal=3.0)",
                              "gas_affinity": float(aff), "quick": quick}},
    )
    return describe(ds, _cf())


def ft_residual(ds: xr.Dataset) -> np.ndarray:
    """max_n |P(n) - e^{An} P(-n)| / (P(n) + e^{An} P(-n)) per time, A = (beta_0 - beta) omega_S,
    over pairs with both P >= FT_FLOOR (the counts are symmetric, -2J..2J)."""
    par = params(ds)
    slope = (par["beta_initial"] - par["beta_effective"]) * par["omega_s"]
    n = ds["count"].values
    p = ds["probability_gibbs"].values
    pos = n > 0
    fwd, back = p[:, pos], p[:, ::-1][:, pos]
    m = back * np.exp(slope * n[pos])
    ok = (fwd > FT_FLOOR) & (back > FT_FLOOR)
    return np.max(np.where(ok, np.abs(fwd - m) / np.where(ok, fwd + m, 1.0), 0.0), axis=1)


def checks(ds: xr.Dataset) -> list[Check]:
    """Spin: two-point law, FT from Gibbs, no scaled cumulants; gas: current, GC, TUR."""
    par = params(ds)
    kg = ds["gas_cumulant"].values
    aff = par["gas_affinity"]
    j_a = kg[0, 0]
    sigma = aff * j_a
    e_gain = ds["mean_energy_absorbed"].values
    return [
        # both routes ~1e-13 per entry (tests/gas/test_gas_fluctuations.py)
        Check.close("spin: P(n, t) = two-point measurement of J_z (max |diff|)",
                    float(np.abs(ds["probability_ground"] - ds["probability_reference"]).max()),
                    0.0, 1e-11, "law: n = m(t) - m(0) (Gaida 2025, Eq. 18 rate equation)"),
        Check.close("spin from Gibbs(beta_0): P(n)/P(-n) = exp[(beta_0 - beta) omega_S n] (max)",
                    float(ft_residual(ds).max()), 0.0, 1e-4,
                    "law: exchange fluctuation theorem (path reversal with Eq. 21's rates)"),
        Check.close("spin: exchange FT at all four (D, A) of Fig. 2, beta_0 = -1, 0.5 (max)",
                    float(ds["ft_residual_cases"].max()), 0.0, 1e-4,
                    "law: exchange fluctuation theorem (path reversal with Eq. 21's rates)"),
        # kappa_n are differences of O(Gamma J^n) terms: rounding ~1e-12 relative to J^4
        Check.close("spin in one gas: every scaled cumulant vanishes (max |kappa_n|)",
                    float(np.abs(ds["spin_scaled_cumulant"]).max()), 0.0, 1e-7,
                    "law: |n| <= 2J (bounded exchange, no steady current)"),
        Check.at_least("spin: ergotropy builds up from the ground state (final W)",
                       float(ds["ergotropy"][-1]), 1.0, "Gaida 2025, Fig. 2 (inverted T_eff)"),
        Check.at_least("spin: energy absorbed grows (final omega_S <n>)", float(e_gain[-1]), 1.0,
                       "law: first law (energy from the gas into the spin)"),
        # channel rates from quadratures with rtol 1e-8
        Check.close("gas: internal heat current = channel-rate sum (relative)", j_a,
                    float(ds["gas_internal_current_reference"]), 1e-7,
                    "independent route: GasModel.rates() channel rates", relative=True),
        Check.close("gas: J_internal + J_motional = 0", j_a + kg[1, 0], 0.0, 1e-12,
                    "law: energy conservation (Gaida 2025, Eq. 6)"),
        Check.close("gas: lambda(chi) = lambda(-chi + i(beta_A - beta_M)) (max relative)",
                    float(ds["gas_gc_residual"]), 0.0, 1e-8,
                    "law: Gallavotti-Cohen symmetry (local detailed balance; rates to rtol 1e-8)"),
        Check.at_least("gas: entropy production sigma = (beta_A - beta_M) J_A > 0", sigma, 0.0,
                       "law: second law"),
        Check.at_least("gas: TUR kappa_2/kappa_1^2 - 2/sigma >= 0", kg[0, 1] / j_a**2 - 2 / sigma,
                       0.0, "law: thermodynamic uncertainty relation (Barato-Seifert 2015)"),
    ]


def plot(ds: xr.Dataset):
    """(a) P(n, t) along the buildup; (b) ergotropy and absorbed energy; (c) FT from Gibbs."""
    par = params(ds)
    fig, (a, b, c) = new_figure(1, 3, width=3.2, height=2.7)
    n = ds["count"].values
    for t in ds["time"].values[:: max(1, ds.sizes["time"] // 4)]:
        a.plot(n, ds["probability_ground"].sel(time=t).values, label=rf"$t = {t:.3g}$")
    a.set_xlim(-1, n.max() + 1)
    a.set_xlabel(axis_label("net quanta absorbed from the gas", "n"))
    a.set_ylabel(axis_label("probability", "P(n, t)"))
    a.set_title(param_title(J=SPIN, D=par["D"], A=par["A"]) + ", ground state", fontsize=7)
    place_legend(a)
    t = ds["time"].values
    b.semilogx(t, ds["ergotropy"].values, "o-", ms=3, label=r"ergotropy $\mathcal{W}$")
    b.semilogx(t, ds["mean_energy_absorbed"].values, "s--", ms=3,
               label=r"absorbed $\omega_S\langle n\rangle$")
    b.set_xlabel(axis_label("time", "t", "1/Gamma"))
    b.set_ylabel(axis_label("energy", None, "omega_S"))
    place_legend(b)
    slope = (par["beta_initial"] - par["beta_effective"]) * par["omega_s"]
    for t in ds["time"].values[:: max(1, ds.sizes["time"] // 4)]:
        pr = ds["probability_gibbs"].sel(time=t).values
        pos = n > 0
        ok = (pr[pos] > FT_FLOOR) & (pr[::-1][pos] > FT_FLOOR)
        c.plot(n[pos][ok], np.log(pr[pos][ok] / pr[::-1][pos][ok]), "o", ms=3, mfc="none",
               label=rf"$t = {t:.3g}$")
    xmax = max(1, max((line.get_xdata().max() for line in c.get_lines() if len(line.get_xdata())),
                      default=1))
    xs = np.arange(0, xmax + 1)
    c.plot(xs, slope * xs, "k:", lw=1, label=r"$(\beta_0-\beta)\omega_S n$")
    c.set_xlabel(axis_label("net quanta absorbed", "n"))
    c.set_ylabel(r"$\ln P(n)/P(-n)$")
    c.set_title(param_title(beta_0=par["beta_initial"]) + ", Gibbs start", fontsize=8)
    place_legend(c)
    return fig


def _cf() -> dict:
    """CF attributes (long_name, units, LaTeX symbol) of this reproduction's variables."""
    d = DIMENSIONLESS
    return {
        "time": ("time", "1/Gamma (paper units)", "t"),
        "count": ("net quanta absorbed from the gas", d, "n"),
        "order": ("cumulant order", d, "n"),
        "reservoir": ("counted reservoir of the general gas", "none (label)", None),
        "ft_case": ("Fig. 2 parameters and initial Gibbs state", "none (label)", None),
        "ft_residual_cases": ("max FT residual over time (library routine)", d, None),
        "probability_ground": ("P(n, t) from the ground state (tilted propagator)", d, "P(n,t)"),
        "probability_reference": ("P(n, t) from the ground state (rate equation)", d, "P(n,t)"),
        "probability_gibbs": ("P(n, t) from Gibbs at beta_0", d, "P(n,t)"),
        "ergotropy": ("ergotropy of the spin", "omega_S", r"\mathcal{W}"),
        "mean_energy_absorbed": ("energy absorbed from the gas", "omega_S",
                                 r"\omega_S\langle n\rangle"),
        "spin_scaled_cumulant": ("scaled cumulant of n, spin in one gas", "1/time", r"\kappa_n"),
        "gas_cumulant": ("scaled cumulant of the reservoir energy", "energy^n/time", r"\kappa_n"),
        "gas_internal_current_reference": ("internal heat current from the channel rates",
                                           "energy/time", "J_A"),
        "gas_gc_residual": ("max relative |lambda(chi) - lambda(-chi + iA)|", d, None),
    }


gas_counting = register(
    "fluct.gas-counting",
    title="Gas: quanta exchanged by the spin (two-point law, exchange FT, no steady current) "
          "and the two-reservoir gas (current, Gallavotti-Cohen, TUR)",
    paper=FLUCT,
    cf=_cf(),
    runtime_estimate_s=4.0,
    full_runtime_estimate_s=9.0,
    plot=plot,
    checks=checks,
)(compute)
