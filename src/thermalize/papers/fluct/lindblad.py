r"""fluct.lindblad-gc: counting statistics of a three-level heat conductor between two baths.

Levels 0 < e_1 < e_2; the transition 0 <-> 2 sees a hot bath (beta_h), the transitions
0 <-> 1 and 1 <-> 2 a cold one (beta_c), each with local detailed balance (Bose rates). The
counted quantity n is the net number of quanta omega_h = e_2 the system absorbs from the hot
bath; the entropy produced per quantum is A = (beta_c - beta_h) omega_h, and the
Gallavotti-Cohen symmetry :math:`\lambda(\chi) = \lambda(-\chi + iA)` of the scaled cumulant
generating function follows (Esposito, Harbola, Mukamel, RMP 81, 1665 (2009), Sec. IV). Law
checks with `thermalize.counting`: the current against the steady state of an independent
rate equation, the noise against finite differences of the SCGF, the symmetry, the
thermodynamic uncertainty relation (Barato-Seifert 2015), the rate function's form of the
symmetry, and the finite-time counting distribution.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.linalg import null_space

from ...counting import CountingModel, counting_distribution, rate_function, scaled_cumulants, scgf
from ...errors import ParameterError, require_positive
from ...io import DIMENSIONLESS, describe
from ...plotting import axis_label, new_figure, param_title, place_legend
from .._registry import Check, register
from ._common import FLUCT, params

__all__ = ["checks", "compute", "heat_conductor", "lindblad_gc", "plot"]

LEVELS = (0.0, 1.0, 2.5)
BETA_H, BETA_C, GAMMA = 0.4, 2.0, 1.0
H_FD = 2e-3  # finite-difference step: truncation h^2 kappa_4/12 ~ 1e-7 relative, rounding ~1e-11


def _bose(beta: float, w: float) -> float:
    return 1.0 / np.expm1(beta * w)


def _channels(levels=LEVELS, beta_h=BETA_H, beta_c=BETA_C, gamma=GAMMA):
    """(i, j, rate) of every jump |i><j|: hot 0 <-> 2, cold 0 <-> 1 and 1 <-> 2."""
    e = levels
    out = []
    for lo, hi, beta in ((0, 2, beta_h), (0, 1, beta_c), (1, 2, beta_c)):
        n = _bose(beta, e[hi] - e[lo])
        out += [(hi, lo, gamma * n), (lo, hi, gamma * (n + 1.0))]  # absorption, emission
    return out


def heat_conductor(levels=LEVELS, beta_h=BETA_H, beta_c=BETA_C, gamma=GAMMA) -> CountingModel:
    """The counting model; field "hot" = net quanta absorbed from the hot bath (+1 per 0 -> 2).

    Levels 0 = e_0 < e_1 < e_2; Bose rates gamma (n + 1) down, gamma n up at each transition's
    bath (0 <-> 2: beta_h; 0 <-> 1, 1 <-> 2: beta_c).
    """
    e = np.asarray(levels, dtype=float)
    if e.shape != (3,) or not (e[0] < e[1] < e[2]):
        raise ParameterError(f"levels={levels!r} must be three increasing energies")
    for name, b in (("beta_h", beta_h), ("beta_c", beta_c), ("gamma", gamma)):
        require_positive(name, b)
    ops, rates = [], []
    for i, j, r in _channels(e, beta_h, beta_c, gamma):
        op = np.zeros((3, 3))
        op[i, j] = 1.0
        ops.append(op)
        rates.append(r)
    return CountingModel(np.diag(e), ops, rates, {"hot": {0: 1.0, 1: -1.0}})


def _rate_equation_current() -> float:
    """Hot current from the 3x3 Pauli rate equation (independent of thermalize.counting)."""
    w = np.zeros((3, 3))
    for i, j, r in _channels():
        w[i, j] += r
        w[j, j] -= r
    p = null_space(w)[:, 0]
    p = p / p.sum()
    (_, _, up), (_, _, down) = _channels()[:2]
    return float(up * p[0] - down * p[2])


def compute(quick: bool) -> xr.Dataset:
    """Scaled cumulants, SCGF and its mirror, rate function, and P(n, t) from the steady state."""
    cm = heat_conductor()
    cum = scaled_cumulants(cm, order=4)
    aff = (BETA_C - BETA_H) * LEVELS[2]
    s = np.linspace(-aff - 1.0, 1.0, 41 if quick else 201)
    lam = scgf(cm, (-1j * s)[:, None]).real
    lam_mirror = scgf(cm, (-1j * (-aff - s))[:, None]).real
    fd = scgf(cm, (-1j * H_FD * np.arange(-2, 3))[:, None]).real  # chi = -i s, s ascending
    rng = np.random.default_rng(5)
    chi = rng.normal(size=8) + 0.3j * rng.normal(size=8)  # complex fields too
    gc_res = float(np.max(np.abs(scgf(cm, chi[:, None]) - scgf(cm, (-chi + 1j * aff)[:, None]))))
    rf = rate_function(cm, np.linspace(-aff - 0.5, 0.5, 31 if quick else 121))
    times = np.array([2.0, 10.0, 40.0, 80.0])
    dist = counting_distribution(cm, cm.steady_state(), times, support=(-40, 160))
    ds = xr.Dataset(
        {
            "cumulant": ("order", cum.cumulants[0]),
            "current_rate_equation": ((), _rate_equation_current()),
            "scgf": ("tilt", lam),
            "scgf_mirror": ("tilt", lam_mirror),
            "scgf_fd": ("fd_point", fd),
            "gc_residual": ((), gc_res),
            "rate_current": ("rf_tilt", rf.current),
            "rate": ("rf_tilt", rf.rate),
            "count_probability": (("time", "count"), dist.probabilities),
        },
        coords={"order": np.arange(1, 5), "tilt": s, "fd_point": H_FD * np.arange(-2, 3),
                "rf_tilt": rf.s, "time": times, "count": dist.counts},
        attrs={"parameters": {"levels": list(LEVELS), "beta_hot": BETA_H, "beta_cold": BETA_C,
                              "gamma": GAMMA, "affinity": aff, "initial_state": "steady state",
                              "quick": quick}},
    )
    return describe(ds, _cf())


def checks(ds: xr.Dataset) -> list[Check]:
    """Current, noise, GC symmetry (SCGF and rate function), TUR, finite-time cumulants."""
    k = ds["cumulant"].values
    aff = params(ds)["affinity"]
    f = ds["scgf_fd"].values
    h = H_FD
    k1_fd = (8 * (f[3] - f[1]) - (f[4] - f[0])) / (12 * h)  # 5-point stencils: O(h^4)
    k2_fd = (-f[4] + 16 * f[3] - 30 * f[2] + 16 * f[1] - f[0]) / (12 * h * h)
    x, rate = ds["rate_current"].values, ds["rate"].values
    # I(-x) from the same Legendre curve: the mirror branch is s -> -A - s, x -> -x
    i_minus = np.interp(-x, x, rate) if np.all(np.diff(x) > 0) else np.full_like(x, np.nan)
    inner = (np.abs(x) < 0.8 * np.min(np.abs([x[0], x[-1]])))
    p = ds["count_probability"].values
    n = ds["count"].values
    t = ds["time"].values
    mean = p @ n
    var = p @ n**2 - mean**2
    sigma = aff * k[0]
    law_gc = "law: Gallavotti-Cohen symmetry (local detailed balance, Esposito et al. 2009)"
    return [
        # LU steady state of a 3x3 system vs the Drazin recursion: rounding ~1e-15
        Check.close("current kappa_1 = steady-state current of the rate equation",
                    k[0], float(ds["current_rate_equation"]), 1e-10,
                    "law: first cumulant = mean current (independent Pauli equation)"),
        Check.close("noise kappa_2 = lambda''(0) by finite differences (relative)",
                    k[1], k2_fd, 1e-6, "independent route: 5-point stencil of the SCGF "
                    "(truncation ~h^4 kappa_6, rounding ~eps/h^2 ~ 1e-11)", relative=True),
        Check.close("kappa_1 = lambda'(0) by finite differences", k[0], k1_fd, 1e-9,
                    "independent route: 5-point stencil of the SCGF"),
        # dense 9x9 eigenvalues on both sides: rounding ~1e-14
        Check.close("lambda(chi) = lambda(-chi + iA) at random complex fields (max |diff|)",
                    float(ds["gc_residual"]), 0.0, 1e-10, law_gc),
        Check.close("lambda(s) = lambda(-A - s) on the real tilt grid (max |diff|)",
                    float(np.max(np.abs(ds["scgf"] - ds["scgf_mirror"]))), 0.0, 1e-10, law_gc),
        # the tilt grid is symmetric about -A/2, so every -x is a grid point of the curve:
        # left/right eigenvector rounding only (~1e-13)
        Check.close("rate function: I(-x) - I(x) = A x (max |diff| inside the grid)",
                    float(np.max(np.abs((i_minus - rate - aff * x)[inner]))), 0.0, 1e-9,
                    law_gc + ", rate-function form"),
        Check.at_least("TUR: kappa_2/kappa_1^2 - 2/sigma >= 0", k[1] / k[0] ** 2 - 2 / sigma,
                       0.0, "law: thermodynamic uncertainty relation (Barato-Seifert 2015)"),
        Check.at_least("entropy production sigma = A kappa_1 > 0", sigma, 0.0,
                       "law: second law (heat flows from hot to cold)"),
        # from the steady state <n_t> = kappa_1 t exactly; DFT rounding ~1e-13 per entry
        Check.close("finite time from the steady state: <n_t>/t = kappa_1 (max |diff|)",
                    float(np.max(np.abs(mean / t - k[0]))), 0.0, 1e-9,
                    "law: stationarity (the current is constant)"),
        # Var n_t = kappa_2 t + c + O(e^{-gap t}); gap ~ Gamma: between t = 40 and 80 exact
        Check.close("finite time: d Var(n_t)/dt = kappa_2 (t = 40..80)",
                    float((var[-1] - var[-2]) / (t[-1] - t[-2])), k[1], 1e-6 * max(1.0, k[1]),
                    "law: second scaled cumulant = asymptotic growth of the variance"),
    ]


def plot(ds: xr.Dataset):
    """(a) SCGF and its mirror; (b) rate function and the symmetry; (c) P(n, t)."""
    aff = params(ds)["affinity"]
    fig, (a, b, c) = new_figure(1, 3, width=3.2, height=2.7)
    s = ds["tilt"].values
    a.plot(s, ds["scgf"].values, label=r"$\lambda(s)$")
    a.plot(s, ds["scgf_mirror"].values, "--", label=r"$\lambda(-A-s)$")
    a.axvline(-aff / 2, color="0.5", ls=":", lw=1)
    a.set_xlabel(axis_label("counting field (tilt)", "s"))
    a.set_ylabel(axis_label("SCGF", r"\lambda(s)", "1/time"))
    a.set_title(param_title(beta_h=BETA_H, beta_c=BETA_C, A=aff), fontsize=8)
    place_legend(a)
    x, rate = ds["rate_current"].values, ds["rate"].values
    b.plot(x, rate, label=r"$I(x)$")
    b.plot(-x, rate + aff * x, "--", label=r"$I(x) + Ax$ at $-x$")
    b.set_xlabel(axis_label("hot-quantum current", "x", "1/time"))
    b.set_ylabel(axis_label("rate function", "I(x)", "1/time"))
    place_legend(b)
    for t in ds["time"].values:
        pr = ds["count_probability"].sel(time=t)
        c.semilogy(ds["count"].values, pr.where(pr > 1e-14).values, label=rf"$t = {t:g}$")
    c.set_xlabel(axis_label("net quanta from the hot bath", "n"))
    c.set_ylabel(axis_label("probability", "P(n, t)"))
    place_legend(c)
    return fig


def _cf() -> dict:
    """CF attributes (long_name, units, LaTeX symbol) of this reproduction's variables."""
    d = DIMENSIONLESS
    return {
        "order": ("cumulant order", d, "n"),
        "tilt": ("real counting field (tilt)", d, "s"),
        "fd_point": ("tilt of the finite-difference stencil", d, "s"),
        "rf_tilt": ("tilt of the Legendre transform", d, "s"),
        "time": ("time", "1/energy (hbar = 1)", "t"),
        "count": ("net quanta absorbed from the hot bath", d, "n"),
        "cumulant": ("scaled cumulant of n (perturbation theory)", "1/time", r"\kappa_n"),
        "current_rate_equation": ("hot-quantum current from the Pauli rate equation", "1/time",
                                  "J"),
        "scgf": ("scaled cumulant generating function lambda(s)", "1/time", r"\lambda(s)"),
        "scgf_mirror": ("lambda(-A - s), the Gallavotti-Cohen mirror", "1/time",
                        r"\lambda(-A-s)"),
        "scgf_fd": ("lambda(s) on the finite-difference stencil", "1/time", r"\lambda(s)"),
        "gc_residual": ("max |lambda(chi) - lambda(-chi + iA)| at random complex fields",
                        "1/time", None),
        "rate_current": ("current x(s) = lambda'(s)", "1/time", "x"),
        "rate": ("rate function I(x)", "1/time", "I(x)"),
        "count_probability": ("P(n, t) from the steady state", d, "P(n,t)"),
    }


lindblad_gc = register(
    "fluct.lindblad-gc",
    title="Three-level heat conductor: scaled cumulants, Gallavotti-Cohen symmetry, TUR, "
          "finite-time counting statistics",
    paper=FLUCT,
    cf=_cf(),
    runtime_estimate_s=1.0,
    full_runtime_estimate_s=4.0,
    plot=plot,
    checks=checks,
)(compute)
