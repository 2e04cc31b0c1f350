"""CF attributes (long_name, units, LaTeX symbol) of the ehrich2020 datasets (`io.describe`)."""

from __future__ import annotations

from ...io import DIMENSIONLESS as N

#: A collision probability, density or ratio (hbar = k_B = 1; classical units of the paper:
#: velocities in 1/sqrt(beta m), energies in k T).
_RATIO = ("box half-length over thermal flight distance", N, r"L\sqrt{\beta m}/\Delta t")

COLLISION_PROBABILITY = {
    "ratio": _RATIO,
    "length": ("box half-length", "sqrt(beta m) / Delta t", "L"),
    "closed_form": ("collision probability, closed form (Eq. 25)", N, r"\pi_c"),
    "quadrature": ("collision probability, quadrature of Eq. (23)", N, r"\pi_c"),
    "monte_carlo": ("collision probability, explicit-particle Monte Carlo", N, r"\pi_c"),
    "monte_carlo_se": ("standard error of the Monte Carlo collision probability", N,
                       r"\delta\pi_c"),
    "asymptote": ("large-box asymptote of the collision probability", N,
                  r"\Delta t/(\sqrt{2\pi\beta m}L)"),
    "n_particles": ("number of simulated particles", N, "n"),
}

EFFUSION = {
    "ratio": _RATIO,
    "speed": ("speed of a colliding particle", "1/sqrt(beta m)", r"|v|\sqrt{\beta m}"),
    "speed_edge": ("histogram bin edge of the speed", "1/sqrt(beta m)", r"|v|\sqrt{\beta m}"),
    "histogram": ("density of the speed of colliding particles (Monte Carlo)", "sqrt(beta m)",
                  r"p(|v|)"),
    "effusion_pdf": ("effusion density of the speed (Eq. 24)", "sqrt(beta m)", r"p_{\mathrm{eff}}"),
    "maxwell_pdf": ("Maxwell density of the speed", "sqrt(beta m)", r"p_{\mathrm{M}}"),
    "exact_pdf": ("exact density of the speed in a finite box", "sqrt(beta m)", r"p(|v|)"),
    "mean_speed": ("mean speed of colliding particles (Monte Carlo)", "1/sqrt(beta m)",
                   r"\langle|v|\rangle"),
    "mean_speed_se": ("standard error of the mean speed", "1/sqrt(beta m)",
                      r"\delta\langle|v|\rangle"),
    "mean_square": ("mean square velocity of colliding particles (Monte Carlo)", "1/(beta m)",
                    r"\langle v^2\rangle"),
    "mean_square_se": ("standard error of the mean square velocity", "1/(beta m)",
                       r"\delta\langle v^2\rangle"),
    "exact_mean_speed": ("exact mean speed in a finite box", "1/sqrt(beta m)",
                         r"\langle|v|\rangle"),
    "exact_mean_square": ("exact mean square velocity in a finite box", "1/(beta m)",
                          r"\langle v^2\rangle"),
    "effusion_mean_speed": ("mean speed of the effusion law", "1/sqrt(beta m)",
                            r"\langle|v|\rangle_{\mathrm{eff}}"),
    "effusion_mean_square": ("mean square velocity of the effusion law", "1/(beta m)",
                             r"\langle v^2\rangle_{\mathrm{eff}}"),
    "ks_pvalue_effusion": ("Kolmogorov-Smirnov p-value against the effusion law", N, "p"),
    "ks_pvalue_exact": ("Kolmogorov-Smirnov p-value against the exact law", N, "p"),
    "n_collisions": ("number of recorded collisions", N, "n"),
}

THERMALIZATION = {
    "model": ("level scheme", N, None),
    "kicks": ("velocity law of the colliding particles", N, None),
    "beta": ("inverse temperature of the gas (level spacing 1)", "1/energy", r"\beta"),
    "beta_mc": ("inverse temperature of the Monte Carlo runs", "1/energy", r"\beta"),
    "level": ("energy level", N, "n"),
    "exact": ("stationary population (exact kernel)", N, r"p_n"),
    "gibbs": ("Gibbs population", N, r"\pi_n"),
    "relative_entropy": ("relative entropy of the stationary state to the Gibbs state", N,
                         r"D(p\|\pi)"),
    "mc": ("stationary population (Monte Carlo)", N, r"p_n"),
    "mc_se": ("standard error of the Monte Carlo population", N, r"\delta p_n"),
    "mc_exact": ("stationary population (exact kernel) at the Monte Carlo temperatures", N,
                 r"p_n"),
    "explicit": ("stationary population, explicit-particle simulation", N, r"p_n"),
    "explicit_se": ("standard error of the explicit-particle population", N, r"\delta p_n"),
    "explicit_gibbs": ("Gibbs population of the explicit-particle run", N, r"\pi_n"),
    "eq17_violations": ("number of transitions violating detailed balance Eq. (17)", N, "n"),
    "maxwell_two_level_closed_form": ("two-level population with Maxwell kicks, closed form",
                                      N, r"p_1"),
}

FIG1 = {
    "resolution": ("number of boundary points", N, "n"),
    "coordinate": ("phase-space coordinate", N, None),
    "point": ("index of a boundary point", N, "i"),
    "interior_point": ("index of an interior point", N, "i"),
    "boundary": ("boundary of the phase-space region", "length, 1/sqrt(beta m)", "(y, v)"),
    "image": ("image of the boundary under the collision map", "length, 1/sqrt(beta m)",
              "(y', v')"),
    "area_region": ("phase-space area of the region", "length/sqrt(beta m)", r"|R|"),
    "area_image": ("phase-space area of its image (Eq. 21)", "length/sqrt(beta m)",
                   r"|\Phi(R)|"),
    "interior": ("interior points", "length, 1/sqrt(beta m)", "(y, v)"),
    "interior_image": ("images of the interior points", "length, 1/sqrt(beta m)", "(y', v')"),
    "det_full": ("Jacobian determinant of the collision map", N, r"\det J"),
    "det_velocity_only": ("Jacobian determinant of the velocity map alone", N, r"\det J_v"),
}

_OMEGA = "sqrt(beta m)/I"  # angular velocity omega sqrt(beta m) is dimensionless
DISK = {
    "kicks": ("velocity law of the colliding particles", N, None),
    "mu": ("mass ratio of particle and disk", N, r"\mu = m/I"),
    "mu_curve": ("mass ratio of particle and disk (curve)", N, r"\mu"),
    "omega": ("angular velocity", "1/sqrt(beta m)", r"\omega\sqrt{\beta m}"),
    "closed_form": ("mean rotational energy, closed form", "k T", r"\langle I\omega^2/2\rangle"),
    "grid": ("mean rotational energy, kernel on a grid", "k T", r"\langle I\omega^2/2\rangle"),
    "grid_change": ("change of the grid mean energy on refinement", "k T", r"\delta E"),
    "mc": ("mean rotational energy, Monte Carlo", "k T", r"\langle I\omega^2/2\rangle"),
    "mc_se": ("standard error of the Monte Carlo mean energy", "k T", r"\delta E"),
    "energy_curve": ("mean rotational energy vs mass ratio", "k T", r"\langle I\omega^2/2\rangle"),
    "density_grid": ("stationary density of the angular velocity (grid)", "sqrt(beta m)",
                     r"p(\omega)"),
    "density_mc": ("stationary density of the angular velocity (Monte Carlo)", "sqrt(beta m)",
                   r"p(\omega)"),
    "eq35_error": ("max relative error of the detailed-balance ratio vs Eq. (35)", N,
                   r"\epsilon_{35}"),
    "eq35_printed_deviation": ("max relative deviation of Eq. (35) as printed", N,
                               r"\epsilon_{35}^{\mathrm{printed}}"),
    "eq35_gibbs_deviation": ("max relative deviation of the ratio from the Gibbs ratio", N,
                             r"\epsilon_{\mathrm{Gibbs}}"),
    "eq32_error": ("max error of the collision map vs Eq. (32)", N, r"\epsilon_{32}"),
    "eq30_error": ("max error of the Jacobian vs Eq. (30)", N, r"\epsilon_{30}"),
}

_T = ("temperature ratio of the hot and cold baths", N, r"T_{\mathrm{hot}}/T_{\mathrm{cold}}")
HEAT_PUMP = {
    "ratio": _T,
    "ratio_mc": _T,
    "heat": ("heat from cold to hot per cycle (effusion kicks, exact)", "k T_cold", "Q"),
    "entropy_production": ("entropy production per cycle (effusion kicks, exact)", "k",
                           r"\Sigma"),
    "paper_heat": ("heat per cycle, the paper's expression", "k T_cold", "Q"),
    "heat_maxwell": ("heat from cold to hot per cycle (Maxwell kicks)", "k T_cold", "Q"),
    "entropy_production_maxwell": ("entropy production per cycle (Maxwell kicks)", "k",
                                   r"\Sigma"),
    "mc_heat_from_cold": ("heat taken from the cold bath per cycle (Monte Carlo)", "k T_cold",
                          r"Q_c"),
    "mc_heat_from_cold_se": ("standard error of the heat from the cold bath", "k T_cold",
                             r"\delta Q_c"),
    "mc_heat_to_hot": ("heat given to the hot bath per cycle (Monte Carlo)", "k T_cold",
                       r"Q_h"),
    "mc_heat_to_hot_se": ("standard error of the heat to the hot bath", "k T_cold",
                          r"\delta Q_h"),
    "mc_entropy_production": ("entropy production per cycle (Monte Carlo)", "k", r"\Sigma"),
    "mc_entropy_production_se": ("standard error of the entropy production", "k",
                                 r"\delta\Sigma"),
    "exact_heat_mc": ("heat per cycle (exact) at the Monte Carlo ratios", "k T_cold", "Q"),
    "exact_entropy_production_mc": ("entropy production (exact) at the Monte Carlo ratios", "k",
                                    r"\Sigma"),
}
