r"""fluct.fermion-counting: bath number law, transferred charge and the exchange FT.

The single-electron transistor of Usui et al. (2024), Eqs. (15)-(17), with a bias: (a) the
exact law p(N_L; t) of the left bath's particle number (Poisson-binomial in the eigenvalues of
the bath block of the correlation matrix), cross-checked against the Fourier transform of
:math:`\det[1 + \mathcal C_L(t)(e^{i\lambda} - 1)]`; (b) the two-point statistics of the
particles transferred into L, whose mean is the change of :math:`\mathrm{tr}\,\mathcal C_L`;
(c) the exchange fluctuation theorem
:math:`\ln p(\Delta N, \Delta E)/p(-\Delta N, -\Delta E) = \beta(\Delta E - \mu\Delta N)` cell by
cell under its exact conditions (the parts not counted maximally mixed), and its failure for
the paper's empty dot. Derivations: docs/physics.md, "Counting statistics of finite fermion
baths".
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...fermions import (
    TransferStatistics,
    bath_number_distribution,
    evolve_correlations,
    exchange_fluctuation_check,
    gibbs_correlation_matrix,
    single_electron_transistor,
)
from ...io import DIMENSIONLESS, describe
from ...plotting import annotate_checks, axis_label, new_figure, param_title, place_legend
from .._registry import Check, register
from ._common import FLUCT, params

__all__ = ["checks", "compute", "fermion_counting", "ft_points", "plot"]

# biased SET: the baths at one temperature, mu_L - mu_R = 2, the dot half filled
BANDWIDTH, COUPLING, DOT = 8.0, 1.0, 0.2
BETA, MU_L, MU_R = 1.0, 1.0, -1.0
TIMES = (1.0, 3.0, 10.0)  # before the recurrence 2 pi (K - 1)/W of the finite baths
GF_BETA_R = 2.0  # the generating-function check: R colder than L, the dot at its own beta
# exchange-FT model: bath L grand-canonical, R and the dot maximally mixed (the exact conditions)
FT_BETA, FT_MU, FT_TIME, FT_COUPLING = 1.3, 0.25, 2.0, 1.5
FT_CASES = ("dot half filled (condition met)", "dot empty (condition broken)")
FT_FLOOR = 1e-8  # cells compared: both p > 1e-8, where the FFT rounding (~1e-15) is < 1e-7 relative


def _bath_fft(model, c0, t: float) -> np.ndarray:
    """p(N_L; t) by the FFT of det[1 + C_L(t)(z - 1)] at the K + 1 roots of unity (independent
    of the eigenvalues and of the Poisson-binomial recursion)."""
    idx = model.modes("L")
    c_l = evolve_correlations(model, c0, [t])[0][np.ix_(idx, idx)]
    k = idx.size
    z = np.exp(2j * np.pi * np.arange(k + 1) / (k + 1))
    g = np.array([np.linalg.det(np.eye(k) + c_l * (zz - 1.0)) for zz in z])
    return np.fft.fft(g).real / (k + 1)  # p(N) = (1/(K+1)) sum_j G(z_j) z_j^{-N}


def compute(quick: bool) -> xr.Dataset:
    """Bath-number and transferred-number laws at three times; the FT's joint law in two cases."""
    k = 60 if quick else 400
    model = single_electron_transistor(k, BANDWIDTH, COUPLING, DOT)
    c0 = gibbs_correlation_matrix(model, [BETA, BETA], [MU_L, MU_R], system_occupation=0.5)
    times = np.array(TIMES)
    bath = bath_number_distribution(model, c0, times, "L")
    fft = np.array([_bath_fft(model, c0, t) for t in times])
    left = model.modes("L")
    c_t = evolve_correlations(model, c0, np.r_[0.0, times])
    n_l = np.einsum("tii->t", c_t[:, left][:, :, left]).real
    transfer = []
    for t in times:
        dn, p = TransferStatistics(model, c0, t, ["L"]).particle_distribution("L")
        transfer.append(p)
    # generating-function form with every part counted (all grand-canonical; no assumption left)
    f_dot = 1.0 / (np.exp(0.5 * (DOT - 0.1)) + 1.0)
    c_all = gibbs_correlation_matrix(model, [BETA, GF_BETA_R], [MU_L, MU_R],
                                     system_occupation=f_dot)
    rng = np.random.default_rng(7)
    parts = ("system", "L", "R")
    gf = exchange_fluctuation_check(
        model, c_all, times[1], beta={"system": 0.5, "L": BETA, "R": GF_BETA_R},
        mu={"system": 0.1, "L": MU_L, "R": MU_R},
        particle_fields={p: rng.normal(size=8) for p in parts},
        energy_fields={p: rng.normal(size=8) for p in parts})
    # distribution form on the (dN, dE) lattice of a small model
    small = single_electron_transistor(6 if quick else 10, 2.0, FT_COUPLING, 0.1)
    joint = []
    for f in (0.5, 0.0):
        c = gibbs_correlation_matrix(small, [FT_BETA, 0.0], [FT_MU, 0.0], system_occupation=f)
        fcs = TransferStatistics(small, c, FT_TIME, ["L"])
        ftn, ftm, pj, e0, delta = fcs.particle_energy_distribution("L")
        joint.append(pj)
    ds = xr.Dataset(
        {
            "bath_number_probability": (("time", "number"), bath.probabilities),
            "bath_number_probability_fft": (("time", "number"), fft),
            "bath_number_mean_trace": ("time", n_l[1:]),
            "transfer_probability": (("time", "transfer"), np.array(transfer)),
            "transfer_mean_trace": ("time", n_l[1:] - n_l[0]),
            "gf_residual": ((), gf.residual),
            "ft_probability": (("ft_case", "ft_number", "ft_energy_index"), np.array(joint)),
        },
        coords={"time": times, "number": bath.numbers, "transfer": dn, "ft_case": list(FT_CASES),
                "ft_number": ftn, "ft_energy_index": ftm},
        attrs={"parameters": {"levels_per_bath": k, "bandwidth": BANDWIDTH, "coupling": COUPLING,
                              "dot_energy": DOT, "beta": BETA, "mu_L": MU_L, "mu_R": MU_R,
                              "dot_occupation": 0.5,
                              "ft_model": {"levels_per_bath": small.modes("L").size,
                                           "bandwidth": 2.0, "coupling": FT_COUPLING,
                                           "dot_energy": 0.1, "beta_L": FT_BETA, "mu_L": FT_MU,
                                           "R": "beta = 0 (maximally mixed)", "time": FT_TIME},
                              "quick": quick},
               "ft_energy_offset": float(e0), "ft_energy_step": float(delta)},
    )
    return describe(ds, _cf())


def ft_points(ds: xr.Dataset, case: int):
    """(x, y) = (beta(dE - mu dN), ln p(dN, dE)/p(-dN, -dE)) over cells with both p > FT_FLOOR."""
    p = ds["ft_probability"].values[case]
    q = p[::-1, ::-1]  # (-dN, -dM): both grids are symmetric about 0
    dn = ds["ft_number"].values[:, None]
    dm = ds["ft_energy_index"].values[None, :]
    de = ds.attrs["ft_energy_offset"] * dn + ds.attrs["ft_energy_step"] * dm
    ok = (p > FT_FLOOR) & (q > FT_FLOOR)
    x = FT_BETA * (de - FT_MU * dn)
    return np.broadcast_to(x, p.shape)[ok], np.log(p[ok] / q[ok])


def checks(ds: xr.Dataset) -> list[Check]:
    """Two routes to p(N_L), first moments = correlation dynamics, exchange FT (both forms)."""
    pb, ff = ds["bath_number_probability"].values, ds["bath_number_probability_fft"].values
    n = ds["number"].values
    dn = ds["transfer"].values
    pt = ds["transfer_probability"].values
    x0, y0 = ft_points(ds, 0)
    x1, y1 = ft_points(ds, 1)
    return [
        # K + 1 determinants of K x K, FFT: absolute rounding ~K eps ~ 1e-13
        Check.close("p(N_L; t): Poisson-binomial = FFT of det[1 + C_L(z - 1)] (max |diff|)",
                    float(np.max(np.abs(pb - ff))), 0.0, 1e-10,
                    "derived: chi(lambda) = det[1 + C_B(e^{i lambda} - 1)] (docs/physics.md)"),
        # sums of K terms ~1 each: rounding ~K eps
        Check.close("<N_L>(t) = tr C_L(t) (max |diff|)",
                    float(np.max(np.abs(pb @ n - ds["bath_number_mean_trace"].values))), 0.0, 1e-10,
                    "Usui 2024, Eq. (19): the correlation-matrix dynamics"),
        Check.close("<Delta N_L> of the two-point statistics = change of tr C_L (max |diff|)",
                    float(np.max(np.abs(pt @ dn - ds["transfer_mean_trace"].values))), 0.0, 1e-9,
                    "law: first cumulant = integrated mean current (charge conservation)"),
        Check.close("transferred-number laws are normalised (max |sum p - 1|)",
                    float(np.max(np.abs(pt.sum(axis=1) - 1.0))), 0.0, 1e-12,
                    "law: probabilities (Poisson-binomial recursion, relative error ~4K eps)"),
        # the shifted fields weigh levels by e^{beta eps}: rounding ~ m eps e^{beta_R W/2} ~ 1e-11
        Check.close("exchange FT: G_F(l, x) = G_B(-l - i beta mu, -x + i beta) (max |diff|)",
                    float(ds["gf_residual"]), 0.0, 1e-9,
                    "law: exchange fluctuation theorem (Jarzynski-Wojcik 2004; "
                    "Andrieux et al. 2009)"),
        # cells above 1e-8 carry FFT rounding ~1e-15 absolute: the log ratio to ~1e-7
        Check.close("exchange FT cell by cell: max |ln p/p~ - beta(dE - mu dN)|, condition met",
                    float(np.max(np.abs(y0 - x0))), 0.0, 1e-6,
                    "law: exchange fluctuation theorem (exact conditions, docs/physics.md)"),
        Check.at_least("exchange FT fails for the paper's empty dot: max |ln p/p~ - beta(...)|",
                       float(np.max(np.abs(y1 - x1))), 0.01,
                       "law: the theorem needs the uncounted parts maximally mixed"),
        Check.at_least("FT model has cells to compare (count, condition met)", float(x0.size), 10,
                       "guard: the cell-by-cell check compares at least 10 cells"),
    ]


def plot(ds: xr.Dataset):
    """(a) p(N_L; t); (b) p(Delta N_L; t); (c) the exchange fluctuation theorem cell by cell."""
    fig, (a, b, c) = new_figure(1, 3, width=3.2, height=2.7)
    for t in ds["time"].values:
        a.plot(ds["number"].values, ds["bath_number_probability"].sel(time=t).values,
               label=rf"$t = {t:g}$")
        pt = ds["transfer_probability"].sel(time=t)
        b.semilogy(ds["transfer"].values, pt.where(pt > 1e-16).values, ".-", ms=3,
                   label=rf"$t = {t:g}$")
    support = ds["number"].values[(ds["bath_number_probability"] > 1e-6).any("time").values]
    a.set_xlim(support.min() - 1, support.max() + 1)
    a.set_xlabel(axis_label("particles in bath L", "N_L"))
    a.set_ylabel(axis_label("probability", "p(N_L; t)"))
    p = params(ds)
    a.set_title(param_title(K=p["levels_per_bath"], beta=BETA, mu_L=MU_L, mu_R=MU_R), fontsize=7)
    place_legend(a, outside=True)  # ten time curves fill the panel
    b.set_xlabel(axis_label("particles transferred into L", r"\Delta N_L"))
    b.set_ylabel(axis_label("probability", r"p(\Delta N_L; t)"))
    b.set_title("two-point measurement", fontsize=8)
    place_legend(b)
    for i, (mk, lab) in enumerate((("o", "dot half filled"), ("x", "dot empty"))):
        x, y = ft_points(ds, i)
        c.plot(x, y, mk, ms=3, mfc="none", label=lab)
    lim = np.array(c.get_xlim())
    c.plot(lim, lim, "k:", lw=1, label="theorem")
    c.set_xlabel(axis_label("entropy flow", r"\beta(\Delta E - \mu\Delta N)"))
    c.set_ylabel(r"$\ln p(\Delta N,\Delta E)/p(-\Delta N,-\Delta E)$")
    c.set_title(param_title(beta_L=FT_BETA, mu_L=FT_MU, t=FT_TIME), fontsize=8)
    place_legend(c)
    annotate_checks(c, r"bath R at $\beta = 0$")
    return fig


def _cf() -> dict:
    """CF attributes (long_name, units, LaTeX symbol) of this reproduction's variables."""
    d = DIMENSIONLESS
    return {
        "time": ("time", "1/energy (hbar = 1)", "t"),
        "number": ("particle number of bath L", d, "N_L"),
        "transfer": ("particles transferred into L", d, r"\Delta N_L"),
        "ft_case": ("initial state of the dot", "none (label)", None),
        "ft_number": ("particles transferred into L (FT model)", d, r"\Delta N_L"),
        "ft_energy_index": ("energy transferred into L in lattice steps", d, r"\Delta M"),
        "bath_number_probability": ("p(N_L; t), Poisson-binomial", d, r"p(N_L)"),
        "bath_number_probability_fft": ("p(N_L; t), FFT of the determinant", d, r"p(N_L)"),
        "bath_number_mean_trace": ("tr C_L(t) from the correlation dynamics", d,
                                   r"\langle N_L\rangle"),
        "transfer_probability": ("p(Delta N_L; t), two-point measurement", d, r"p(\Delta N_L)"),
        "transfer_mean_trace": ("tr C_L(t) - tr C_L(0)", d, r"\langle\Delta N_L\rangle"),
        "gf_residual": ("max |G_F - G_B(shifted)| at random fields, all parts counted", d, None),
        "ft_probability": ("joint law p(Delta N_L, Delta E_L; t)", d, r"p(\Delta N, \Delta E)"),
    }


fermion_counting = register(
    "fluct.fermion-counting",
    title="Finite fermion baths: exact p(N_L; t), two-point transferred charge, exchange "
          "fluctuation theorem under its exact conditions",
    paper=FLUCT,
    cf=_cf(),
    runtime_estimate_s=3.0,
    full_runtime_estimate_s=22.0,
    plot=plot,
    checks=checks,
)(compute)
