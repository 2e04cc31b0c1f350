"""CF attributes (long_name, units, LaTeX symbol) of the usui2024 datasets (`io.describe`).

Units of the paper: hbar = k_B = 1, energies in units of the bath bandwidth scale of Sec. IV,
times in 1/Gamma; entropies and informations in nats. Baths are labelled "L" and "R".
"""

from __future__ import annotations

from ...io import DIMENSIONLESS as N

_COMMON = {
    "case": ("initial condition, case (a) or (b) of Sec. IV", N, None),
    "bath": ("bath", N, r"\nu"),
    "gamma_time": ("time", "1/Gamma", r"\Gamma t"),
    "gamma": ("system-bath coupling", "energy", r"\Gamma"),
    "beta_eff": ("effective inverse temperature of the bath (Eqs. 5, 6)", "1/energy",
                 r"\beta^*_\nu"),
    "mu_eff": ("effective chemical potential of the bath (Eqs. 5, 6)", "energy", r"\mu^*_\nu"),
    "beta_ref": ("inverse temperature of the global grand canonical state", "1/energy",
                 r"\beta^*_{\mathrm{ref}}"),
    "mu_ref": ("chemical potential of the global grand canonical state", "energy",
               r"\mu^*_{\mathrm{ref}}"),
    "energy": ("bath energy", "energy", r"\langle H_\nu\rangle"),
    "particle_number": ("bath particle number", N, r"\langle N_\nu\rangle"),
}
_LEVELS = {
    "level": ("index of a bath level", N, "k"),
    "energy_level": ("energy of a bath level", "energy", r"\epsilon_{\nu k}"),
    "occupation": ("occupation of a bath level", N, r"n_{\nu k}"),
}
FIG3 = {
    **_COMMON, **_LEVELS,
    "matched_beta": ("inverse temperature matched to energy and particle number", "1/energy",
                     r"\beta^*_\nu"),
    "matched_mu": ("chemical potential matched to energy and particle number", "energy",
                   r"\mu^*_\nu"),
    "input_beta": ("inverse temperature of the initial state", "1/energy", r"\beta_{\nu,0}"),
    "input_mu": ("chemical potential of the initial state", "energy", r"\mu_{\nu,0}"),
}
FIG4 = {
    **_COMMON,
    "athermality_distance": ("relative entropy to the matched grand canonical state over its "
                             "entropy", N, r"D[\rho_\nu\|\pi_\nu]/\mathcal{S}_\nu"),
}
_TERMS = {
    "entropy_production": ("entropy production (Eq. 8)", "nat", r"\Sigma"),
    "sigma": ("entropy production with the reference states (Eq. 14)", "nat", r"\sigma"),
    "finite_bath_effect": ("finite-bath effect", "nat", r"D^{eq}_{env}"),
    "system_bath_mi": ("system-bath mutual information", "nat", r"I_{S-B}"),
    "inter_bath_mi": ("mutual information between the baths", "nat", r"I_{L-R}"),
    "intra_bath_mi_total": ("intra-bath mutual information, summed over the baths", "nat",
                            r"\sum_\nu I_{o\nu}"),
    "local_athermality_total": ("local athermality of the baths, summed", "nat", r"D^*_{env}"),
    "intra_bath_mi": ("intra-bath mutual information", "nat", r"I_{o\nu}"),
    "decomposition_residual": ("residual of the decomposition of Sigma", "nat",
                               r"\epsilon_\Sigma"),
    "eq14_residual": ("residual of Eq. (14)", "nat", r"\epsilon_{14}"),
}
FIG5 = {**_COMMON, **_TERMS}
FIG6 = {
    **_COMMON, **_TERMS,
    "system_bath_mi_normalised": ("system-bath mutual information over Sigma", N,
                                  r"I_{S-B}/\Sigma"),
    "inter_bath_mi_normalised": ("inter-bath mutual information over Sigma", N,
                                 r"I_{L-R}/\Sigma"),
    "intra_bath_mi_normalised": ("intra-bath mutual information over Sigma", N,
                                 r"I_{o\nu}/\Sigma"),
    "system_bath_mi_normalised_sem": ("standard error of the mean of I_S-B / Sigma", N,
                                      r"\delta(I_{S-B}/\Sigma)"),
}
FIG7 = {
    **_COMMON, **_LEVELS,
    "fermi": ("Fermi-Dirac occupation of the matched grand canonical state", N,
              r"f(\beta_\nu(\epsilon - \mu_\nu))"),
}
FIG8 = {
    **_COMMON, **_TERMS,
    "state": ("initial bath state (grand canonical or pure)", N, None),
    "pure_state_expression": ("entropy production from the pure-state expression", "nat",
                              r"\Sigma"),
    "initial_local_athermality": ("local athermality of the initial state", "nat",
                                  r"D^*_{env}(0)"),
}
FIG9 = {
    **_COMMON,
    "asymmetry": ("level-number asymmetry K_L - K_R", N, r"K_L - K_R"),
    "levels_left": ("number of levels of bath L", N, "K_L"),
    "levels_right": ("number of levels of bath R", N, "K_R"),
}
