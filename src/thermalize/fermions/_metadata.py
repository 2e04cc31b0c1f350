"""Names, costs and attributes (long_name, units, symbol) of the entropy-production dataset."""

from __future__ import annotations

DIMLESS = "dimensionless (hbar = k_B = 1)"

#: variable -> (long_name, units, LaTeX symbol, groups beyond the occupations it needs)
VARIABLES: dict[str, tuple[str, str, str, frozenset]] = {}


def _add(name, long_name, units, symbol, *needs):
    VARIABLES[name] = (long_name, units, symbol, frozenset(needs))


B, J = "bath_spectra", "joint_bath"
_add("beta_eff", "effective inverse temperature beta*_nu, Eqs. (5)-(6)", "1/energy",
     r"$\beta^*_\nu$")
_add("mu_eff", "effective chemical potential mu*_nu, Eqs. (5)-(6)", "energy", r"$\mu^*_\nu$")
_add("ground_state_limit", "bath in its ground (+1, beta* = +inf) or top (-1, beta* = -inf) "
     "state at its particle number; 0 otherwise", DIMLESS,
     r"$\mathrm{sign}\,\beta^*_\nu|_{\infty}$")
_add("energy", "bath energy tr[H_nu rho_nu]", "energy", r"$E_\nu$")
_add("particle_number", "bath particle number tr[N_nu rho_nu]", DIMLESS, r"$N_\nu$")
_add("heat", "heat from bath nu, Q = -(dE - mu*(0) dN), Eq. (4)", "energy", r"$Q_\nu$")
_add("gc_entropy", "S(pi_nu(beta*, mu*)), below Eq. (7)", DIMLESS, r"$\mathcal{S}_\nu$")
_add("local_athermality", "share of bath nu in D*_env, Eq. (11)", DIMLESS, r"$D^*_\nu$")
_add("finite_bath_effect_bath", "share of bath nu in D_env^eq, Eq. (14)", DIMLESS,
     r"$D^{\rm eq}_\nu$")
_add("bath_entropy", "S(rho_nu), Eq. (21)", DIMLESS, r"$S_\nu$", B)
_add("intra_bath_mi", "I_o,nu, Eq. (10)", DIMLESS, r"$I_{o\nu}$", B)
_add("athermality_distance", "D[rho_nu || pi_nu] / S(pi_nu), Fig. 4 bottom row", DIMLESS,
     r"$D[\rho_\nu\|\pi_\nu]/\mathcal{S}_\nu$", B)
_add("intra_bath_mi_normalised", "I_o,nu / ((K_nu - 1) ln 2)", DIMLESS,
     r"$I_{o\nu}/[(K_\nu-1)\ln 2]$", B)
_add("system_occupation", "occupation n_d of each system mode", DIMLESS, r"$n_d$")
_add("system_energy", "system energy tr[H_S rho_S]", "energy", r"$E_S$")
_add("interaction_energy", "coupling energy tr[V rho], Eq. (1)", "energy", r"$E_V$")
_add("total_energy", "total energy E_S + sum_nu E_nu + E_V (conserved)", "energy", r"$E$")
_add("total_particle_number", "total particle number (conserved)", DIMLESS, r"$N$")
_add("system_entropy", "S(rho_S), Eq. (21)", DIMLESS, r"$S_S$")
_add("entropy_production", "Sigma, Eq. (7)", DIMLESS, r"$\Sigma$")
_add("local_athermality_total", "D*_env, Eq. (11)", DIMLESS, r"$D^*_{\rm env}$")
_add("sigma", "sigma, Eq. (13)", DIMLESS, r"$\sigma$")
_add("finite_bath_effect", "D_env^eq, Eq. (14)", DIMLESS, r"$D^{\rm eq}_{\rm env}$")
_add("eq14_residual", "sigma - Sigma - D_env^eq, Eq. (14)", DIMLESS,
     r"$\sigma-\Sigma-D^{\rm eq}_{\rm env}$")
_add("intra_bath_mi_total", "sum_nu I_o,nu, Eq. (10)", DIMLESS, r"$\sum_\nu I_{o\nu}$", B)
_add("joint_bath_entropy", "S(rho_B), Eq. (21)", DIMLESS, r"$S_B$", J)
_add("system_bath_mi", "I_S-B, Eq. (8)", DIMLESS, r"$I_{S-B}$", J)
_add("system_bath_mi_normalised", "I_S-B / min(ln d_S, ln d_B)", DIMLESS,
     r"$I_{S-B}/\min(\ln d_S,\ln d_B)$", J)
_add("inter_bath_mi", "I_L-R (multi-information for > 2 baths), Eq. (9)", DIMLESS,
     r"$I_{L-R}$", B, J)
_add("inter_bath_mi_normalised", "I_L-R / (sum_nu K_nu - max_nu K_nu) ln 2", DIMLESS,
     r"$I_{L-R}/(\min_\nu K_\nu\ln 2)$", B, J)
_add("decomposition_sum", "I_S-B + I_L-R + sum I_o,nu + D*_env, right side of Eq. (12)",
     DIMLESS, r"$X$", B, J)
_add("decomposition_residual", "Sigma(t) - [X(t) - X(0)], X the right side of Eq. (12)",
     DIMLESS, r"$\Sigma-[X(t)-X(0)]$", B, J)
_add("pure_state_expression", "right side of Eq. (23)", DIMLESS,
     r"$X(t)-D^*_{\rm env}(0)$", B, J)
_add("beta_ref", "global reference inverse temperature, Appendix B", "1/energy",
     r"$\beta_{\rm ref}$")
_add("mu_ref", "global reference chemical potential, Appendix B", "energy", r"$\mu_{\rm ref}$")

COORDS = {
    "time": ("time", "time", r"$t$"),
    "bath": ("bath label", DIMLESS, r"$\nu$"),
    "system_mode": ("mode index of a system mode", DIMLESS, r"$d$"),
}


def attrs(name: str) -> dict:
    """long_name, units, symbol (and the historical 'description') of a variable or coord."""
    if name in COORDS:
        long_name, units, symbol = COORDS[name]
        return {"long_name": long_name, "units": units, "symbol": symbol}
    long_name, units, symbol, _ = VARIABLES[name]
    return {"long_name": long_name, "units": units, "symbol": symbol, "description": long_name}
