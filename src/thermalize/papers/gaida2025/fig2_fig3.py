"""gaida2025 Figs. 2-3: ergotropy buildup of a spin in a two-temperature gas; the rate integral."""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.integrate import quad

from ...gas import SpinGasModel, log_rate_integral, populations_ergotropy, rate_integral
from ...plotting import annotate_checks, axis_label, new_figure, param_title, place_legend
from .._registry import Check

__all__ = [
    "FIG2_A",
    "FIG2_D",
    "FIG2_OMEGA_S",
    "FIG2_SPIN",
    "FIG2_T_MAX",
    "fig2_checks",
    "fig2_compute",
    "fig2_plot",
    "fig3_checks",
    "fig3_compute",
    "fig3_plot",
]

# ----------------------------------------------------------------------------- Fig. 2
#: Fig. 2 legend values (not given in the paper's text): D = hbar Delta/k T_M in {2, 4},
#: A = hbar omega_A/k T_A in {1, 3}. Exactly one pair, (D, A) = (2, 3), violates D > A, and
#: (2, 1), (4, 3) share D - A = 1, i.e. one effective temperature (omega_S/T = A - D).
FIG2_D = (2.0, 4.0)
#: A = hbar omega_A / k T_A values of the Fig. 2 legend (Gaida et al. 2025); see FIG2_D.
FIG2_A = (1.0, 3.0)
#: Spin quantum number J of Fig. 2 (Gaida et al. 2025).
FIG2_SPIN = 20
#: Spin frequency omega_S of Fig. 2, in units with k_B T_M = E_R = hbar = 1.
FIG2_OMEGA_S = 1.0
#: Last time of the Fig. 2 curves, in units of 1/Gamma-tilde (the axis Gamma-tilde t).
FIG2_T_MAX = 200.0


def _fig2_model(d_val: float, a_val: float, spin=FIG2_SPIN) -> SpinGasModel:
    # k_B T_M = E_R = 1, omega_S = 1: Delta = D, omega_A = 1 + D, T_A = omega_A / A
    return SpinGasModel.from_paper(spin=spin, D=d_val, A=a_val, omega_s=FIG2_OMEGA_S)


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
            labels.append(f"D={d_val:g}, A={a_val:g}")  # the paper's D, A (Fig. 2 caption)
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
    """Check Fig. 2 of Gaida et al. 2025: ergotropy only for D > A, late W = Gibbs(T_eff)'s."""
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
            "Eq. (18): rate equation of the diagonal = the Lindblad master equation",
        ),
    ]


def fig2_plot(ds: xr.Dataset):
    """Draw Fig. 2 of Gaida et al. (2025): ergotropy W(t) of a J = 20 spin for four (D, A) pairs."""
    fig, ax = new_figure(1, 1, width=6.2, height=3.2)
    for lab, d_val, a_val in zip(ds["curve"].values, ds["detuning_ratio"].values,
                                 ds["ancilla_ratio"].values):
        ax.plot(ds["time"].values, ds["ergotropy"].sel(curve=lab).values,
                label=param_title(D=float(d_val), A=float(a_val)))
    ax.set_xlabel(axis_label("time", r"\tilde\Gamma t"))
    ax.set_ylabel(axis_label("ergotropy", r"\mathcal{W}/\hbar\omega_S"))
    ax.set_title(param_title(J=20) + r", $k_BT_M = E_R$, ground-state start")
    place_legend(ax, outside=True)
    annotate_checks(
        ax,
        "$D = \\hbar\\Delta/k_BT_M$ (detuning)\n$A = \\hbar\\omega_A/k_BT_A$ (ancilla gap)\n"
        "ergotropy builds up iff $D > A$\n$(2, 1)$, $(4, 3)$: same $T_{eff}$ (Eq. 21)",
    )
    return fig


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
    """Check I(alpha, s) of Eq. (20), Fig. 3 of Gaida 2025: monotone, e^{alpha s}, quadrature."""
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
    """Draw Fig. 3 of Gaida et al. (2025): log10 I(alpha, s) of Eq. (20) over s and alpha."""
    fig, ax = new_figure(1, 1, width=4.4, height=3.2)
    mesh = ax.pcolormesh(
        ds["s"].values, ds["alpha"].values, ds["log10_I"].values, shading="auto", cmap="viridis"
    )
    ax.set_yscale("log")
    ax.set_xlabel(r"$s$ (internal energy transfer / $E_R$)")
    ax.set_ylabel(r"$\alpha = E_R/k_BT_M$")
    fig.colorbar(mesh, ax=ax, label=r"$\log_{10} I(\alpha, s)$")
    return fig
