"""CF attributes (long_name, units, LaTeX symbol) of the tabanera2023 datasets (`io.describe`).

Units of the paper: hbar = k_B = 1, energies in units of the kinetic scale of the packets,
rates Gamma and widths Delta x as in Eq. (9).
"""

from __future__ import annotations

from ...io import DIMENSIONLESS as N

_RATE = ("collision rate Gamma of Eq. (9)", N, r"\Gamma")
_STEADY = {
    "rate": _RATE,
    "rho00": ("steady-state ground population", N, r"\rho_{00}"),
    "rho11": ("steady-state excited population", N, r"\rho_{11}"),
    "abs_rho10": ("steady-state coherence modulus", N, r"|\rho_{10}|"),
    "trace_distance_to_gibbs": ("trace distance of the steady state to the Gibbs state", N,
                                r"\frac{1}{2}\|\rho - \pi\|_1"),
    "first_order_abs_rho10": ("coherence modulus to first order in 1/Gamma", N,
                              r"|\rho_{10}|^{(1)}"),
    "first_order_rho00": ("ground population to first order in 1/Gamma", N,
                          r"\rho_{00}^{(1)}"),
    "min_eigenvalue": ("smallest eigenvalue of the steady state", N, r"\lambda_{\min}"),
}
FIG2 = dict(_STEADY)
EXACT_AMPLITUDES = {
    **_STEADY,
    "amplitudes": ("scattering amplitudes used", N, None),
    "energy": ("kinetic energy of the incoming packet", "energy", "E"),
    "unitarity_residual": ("max deviation of the S-matrix from unitarity", N, r"\epsilon"),
}

FIG1 = {
    "curve": ("curve (initial state and rate)", N, None),
    "component": ("density-matrix element", N, None),
    "gamma_t": ("time", "1/Gamma", r"\Gamma t"),
    "rate": _RATE,
    "trajectory_mean": ("mean over trajectories of the density-matrix element", N, r"\rho_{ij}"),
    "trajectory_standard_error": ("standard error of the trajectory mean", N,
                                  r"\delta\rho_{ij}"),
    "master_equation": ("density-matrix element from the master equation (Eq. 8)", N,
                        r"\rho_{ij}"),
    "single_realisation_rho00": ("ground population of a single trajectory", N, r"\rho_{00}"),
    "steady_rho00": ("steady-state ground population", N, r"\rho_{00}"),
    "ds_fixed_point_rho00": ("ground population of the fixed point of the map", N,
                             r"\rho_{00}"),
}

_GAP = ("level spacing Delta of the system", "energy", r"\Delta")
_DX = ("width Delta x of the incoming packets", "length", r"\Delta x")
_MAP = ("steady-state coherence modulus", N, r"|\rho_{01}|")
_MAPS = {"gap": _GAP, "rate": _RATE, "delta_x": _DX}
FIG3 = {
    **_MAPS,
    "left": _MAP,
    "middle": _MAP,
    "right": _MAP,
    "gap_edge": ("level spacing at the edge of the first-order region", "energy", r"\Delta"),
    "first_order_slope_edges": ("slope of the first-order coherence at the edge", N, "s"),
}
FIG_S1 = {**_MAPS, "left": _MAP, "middle": _MAP, "right": _MAP}
_EST = ("coherence modulus, estimate Eq. (S10)", N, r"|\rho_{01}|_{\mathrm{S10}}")
_LOGR = ("decimal logarithm of estimate over numerical solution", N,
         r"\log_{10}(|\rho_{01}|_{\mathrm{S10}}/|\rho_{01}|)")
FIG_S2 = {**_MAPS, "estimate_left": _EST, "estimate_middle": _EST, "estimate_right": _EST,
          "log10_ratio_left": _LOGR, "log10_ratio_middle": _LOGR, "log10_ratio_right": _LOGR}
