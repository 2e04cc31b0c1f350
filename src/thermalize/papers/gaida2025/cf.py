"""CF attributes (long_name, units, LaTeX symbol) of the gaida2025 datasets (`io.describe`).

Units of the paper: hbar = k_B = 1, energies in omega_S (or E_R, k T_M where stated), times in
1/Gamma-tilde (Eq. D4).
"""

from __future__ import annotations

from ...io import DIMENSIONLESS as N

_TIME = ("time", "1/Gamma-tilde", r"\tilde\Gamma t")

FIG2 = {
    "curve": ("curve label (D, A)", N, None),
    "time": _TIME,
    "ergotropy": ("ergotropy of the spin", "hbar omega_S", r"\mathcal{W}"),
    "inverse_temperature": ("effective inverse temperature (Eq. 21)", "1/(hbar omega_S)",
                            r"\beta_{\mathrm{eff}}"),
    "gibbs_ergotropy": ("ergotropy of the stationary Gibbs state", "hbar omega_S",
                        r"\mathcal{W}_\infty"),
    "detuning_ratio": ("scaled detuning D = hbar Delta / k_B T_M", N, "D"),
    "ancilla_ratio": ("scaled ancilla gap A = hbar omega_A / k_B T_A", N, "A"),
    "lindblad_check_error": ("max population difference, rate equation vs Lindblad (J = 3)", N,
                             r"\epsilon"),
}

FIG3 = {
    "alpha": ("inverse motional temperature E_R / k_B T_M", N, r"\alpha"),
    "s": ("internal energy transfer", "E_R", "s"),
    "sample": ("index of a sample point", N, "i"),
    "log10_I": ("decimal logarithm of the rate integral (Eq. 20)", N, r"\log_{10} I"),
    "sample_direct": ("rate integral by direct quadrature of Eq. (20)", N, "I"),
    "sample_closed_form": ("rate integral in closed form", N, "I"),
    "sample_alpha": ("alpha of the sample point", N, r"\alpha"),
    "sample_s": ("s of the sample point", "E_R", "s"),
}

DETUNING = {
    "detuning": ("detuning Delta = omega_A - omega_S", "omega_S", r"\Delta"),
    "time": ("time", "1/Gamma_-", r"\Gamma_- t"),
    "fine_detuning": ("detuning (fine grid)", "E_R / hbar", r"\hbar\Delta/E_R"),
    "born_case": ("detuning of the first-Born cross-check", "omega_S", r"\Delta"),
    "jz": ("mean spin projection", "hbar", r"\langle J_z\rangle"),
    "fitted_temperature": ("temperature fitted to the steady state", "T", r"T_{\mathrm{fit}}"),
    "repeated_temperature": ("steady-state temperature, repeated interactions", "T",
                             r"T_{\mathrm{RI}}"),
    "repeated_predicted": ("predicted repeated-interaction temperature omega_S T / omega_A",
                           "T", r"\omega_S T/\omega_A"),
    "gamma_minus": ("downward rate (Eq. 19)", "Gamma-tilde", r"\Gamma_-"),
    "rate_plus": ("upward rate (Eq. 19)", "Gamma-tilde", r"\Gamma_+"),
    "rate_minus": ("downward rate (Eq. 19)", "Gamma-tilde", r"\Gamma_-"),
    "born_vs_eq19": ("max relative difference, first-Born model vs Eq. (19)", N, r"\epsilon"),
    "gibbs_jz": ("mean spin projection of the Gibbs state", "hbar",
                 r"\langle J_z\rangle_\beta"),
}

_RATIO = ("temperature ratio T_A / T_M", N, r"T_A/T_M")
_DELTA = ("detuning Delta / omega_S", N, r"\Delta/\omega_S")
EFFECTIVE_TEMPERATURE = {
    "ratio": _RATIO,
    "delta": _DELTA,
    "ratio_c": _RATIO,
    "delta_c": _DELTA,
    "sample": ("index of a sample (T_A/T_M, Delta)", N, "i"),
    "boundary": ("detuning on the Eq. (22) line", "omega_S", r"\Delta"),
    "inverse_temperature": ("effective inverse temperature (Eq. 21)", "1/(hbar omega_S)",
                            r"\hbar\omega_S/k_BT_{\mathrm{eff}}"),
    "eq22_inverted": ("population inverted (Eq. 22), 1 = yes", N, None),
    "rate_ratio_beta": ("inverse temperature from the rate ratio ln(Gamma_+/Gamma_-)",
                        "1/(hbar omega_S)", r"\ln(\Gamma_-/\Gamma_+)"),
    "rate_ratio_beta_eq21": ("inverse temperature of Eq. (21) on the same grid",
                             "1/(hbar omega_S)", r"\beta_{\mathrm{eff}}"),
    "steady_state_error": ("max error of the steady state vs the Gibbs state", N, r"\epsilon"),
    "boundary_beta": ("effective inverse temperature on the Eq. (22) line", "1/(hbar omega_S)",
                      r"\beta_{\mathrm{eff}}"),
}

CLAUSIUS = {
    "time": ("time", "1/Gamma-tilde", "t"),
    "time2": _TIME,
    "entropy_production": ("entropy production rate", "Gamma-tilde", r"\dot\Sigma"),
    "heat_current": ("heat current into the system", "omega_S Gamma-tilde", r"\dot Q"),
    "relative_entropy": ("relative entropy to the Gibbs state", N, r"D(\rho_t\|\pi)"),
    "ergotropy": ("ergotropy of the spin", "hbar omega_S", r"\mathcal{W}"),
    "system_power": ("energy flow into the spin", "omega_S Gamma-tilde", r"\dot E_S"),
    "ancilla_power": ("energy flow into the ancillas", "omega_S Gamma-tilde", r"\dot E_A"),
    "motion_power": ("energy flow into the gas motion", "omega_S Gamma-tilde", r"\dot E_M"),
    "two_temperature_sigma": ("entropy production rate, two-temperature gas", "Gamma-tilde",
                              r"\dot\Sigma"),
    "gibbs_ergotropy": ("ergotropy of the stationary state", "hbar omega_S",
                        r"\mathcal{W}_\infty"),
}
