"""Sweepable fluctuation statistics of every family (issue 19): the main numbers of ``fluct.*``.

Each returns scalars (cumulants, fluctuation-theorem averages and residuals) so that a sweep
maps how a law holds or fails over a parameter grid.
"""

from __future__ import annotations

import numpy as np

from ...classical import RotatingDisk, fluctuation_audit
from ...errors import require_int
from ...fermions import (
    TransferStatistics,
    bath_number_distribution,
    gibbs_correlation_matrix,
    single_electron_transistor,
)
from ...counting import scaled_cumulants, scgf
from ...gas import GasModel
from ...gas.fluctuations import gas_counting_model
from ...scattering.fluctuations import trajectory_heat_statistics
from ...io import DIMENSIONLESS as N
from ...sweep import register_quantity
from ..fluct.lindblad import heat_conductor
from .scattering import _qubit_map

__all__ = [
    "disk_fluctuation_audit",
    "gas_heat_counting",
    "qubit_heat_ft_departure",
    "set_transfer_statistics",
    "three_level_heat_counting",
]


@register_quantity(
    "classical.disk-fluctuation-theorem",
    cf={"ift": ("<exp(-Delta s)>, exact kernel", N, r"\langle e^{-\Delta s}\rangle"),
        "ift_corrected": ("<exp(-Delta s + Lambda)>, exact kernel", N,
                          r"\langle e^{-\Delta s+\Lambda}\rangle"),
        "contraction_contribution": ("<exp(-Delta s)(1 - exp(Lambda))>", N,
                                     r"\langle e^{-\Delta s}(1-e^{\Lambda})\rangle"),
        "mean_entropy_production": ("mean entropy production per collision", N,
                                    r"\langle\Delta s\rangle"),
        "ift_mc": ("<exp(-Delta s)>, Monte Carlo", N, r"\langle e^{-\Delta s}\rangle_{MC}"),
        "ift_mc_se": ("standard error of the Monte Carlo <exp(-Delta s)>", N, r"\delta"),
        "mass_ratio": ("disk-to-gas mass ratio", N, r"\mu"),
        "beta": ("gas inverse temperature", "1/energy", r"\beta")},
    outputs={"ift": (), "ift_corrected": (), "contraction_contribution": (),
             "mean_entropy_production": (), "ift_mc": (), "ift_mc_se": ()},
    description="integral fluctuation theorem of one rough-disk collision, exact kernel and "
                "Monte Carlo (Ehrich 2020, Eqs. 29-32; issue 19)",
)
def disk_fluctuation_audit(mass_ratio: float, beta: float = 1.0, mass: float = 1.0,
                           kicks: str = "effusion", initial_mean: float = 0.0,
                           initial_std: float = 1.5, n_samples: int = 20_000, *,
                           rng: np.random.Generator) -> dict:
    r"""<exp(-Delta s)> of one collision of `RotatingDisk(mass_ratio)` and its contraction term.

    `thermalize.classical.fluctuation_audit` with two-sided kicks from a Gaussian omega law
    (``initial_mean``, ``initial_std``; keep ``initial_std**2 > mass_ratio/(2 beta mass)`` for
    finite-variance Monte Carlo). ``ift`` = 1 exactly when the collision map is volume
    preserving (Maxwell kicks); with effusion kicks ``ift - 1 = contraction_contribution`` and
    ``ift_corrected`` = <exp(-Delta s + Lambda)> = 1.

    Returns
    -------
    dict
        ``ift``, ``ift_corrected``, ``contraction_contribution``, ``mean_entropy_production``
        (exact kernel) and ``ift_mc``, ``ift_mc_se`` (Monte Carlo mean and standard error).

    Examples
    --------
    >>> out = disk_fluctuation_audit(1.0, n_samples=2000, rng=np.random.default_rng(0))
    >>> round(float(out["ift"]), 10) == round(np.pi / 2, 10)  # closed form at mu = 1
    True
    """
    a = fluctuation_audit(RotatingDisk(mass_ratio), beta=beta, mass=mass, kicks=kicks,
                          initial=(initial_mean, initial_std), n_samples=n_samples, rng=rng)
    return {"ift": a.ift, "ift_corrected": a.ift_corrected,
            "contraction_contribution": a.contraction_contribution,
            "mean_entropy_production": a.mean_entropy_production,
            "ift_mc": a.mc["ift"][0], "ift_mc_se": a.mc["ift"][1]}


@register_quantity(
    "fermions.transfer-statistics",
    cf={"transfer_mean": ("mean number of particles transferred into bath L", N,
                          r"\langle\Delta N_L\rangle"),
        "transfer_variance": ("variance of the particles transferred into bath L", N,
                              r"\langle\langle\Delta N_L^2\rangle\rangle"),
        "transfer_third_cumulant": ("third cumulant of the particles transferred into L", N,
                                    r"\langle\langle\Delta N_L^3\rangle\rangle"),
        "bath_number_mean": ("mean particle number of bath L at time t", N,
                             r"\langle N_L\rangle"),
        "bath_number_variance": ("variance of the particle number of bath L at time t", N,
                                 r"\langle\langle N_L^2\rangle\rangle"),
        "time": ("time", "time", "t"),
        "coupling": ("dot-bath coupling", "energy", r"\Gamma"),
        "levels_per_bath": ("levels per bath", N, "K")},
    outputs={"transfer_mean": (), "transfer_variance": (), "transfer_third_cumulant": (),
             "bath_number_mean": (), "bath_number_variance": ()},
    description="two-point statistics of the particles transferred into bath L of a "
                "single-electron transistor, and the law of N_L at time t (Usui 2024; issue 19)",
)
def set_transfer_statistics(time: float, levels_per_bath: int = 60, bandwidth: float = 8.0,
                            coupling: float = 1.0, dot_energy: float = 0.0,
                            beta_left: float = 1.0, beta_right: float = 1.0,
                            mu_left: float = 1.0, mu_right: float = -1.0,
                            system_occupation: float = 0.5) -> dict:
    """First three cumulants of Delta N_L (two-point measurement) and mean, variance of N_L(t).

    Model `single_electron_transistor(levels_per_bath, bandwidth, coupling, dot_energy)`,
    baths grand-canonical (`gibbs_correlation_matrix`), dot occupation `system_occupation`;
    `TransferStatistics.particle_distribution` (Delta N_L) and `bath_number_distribution`
    (N_L at `time`).

    Examples
    --------
    >>> out = set_transfer_statistics(3.0, levels_per_bath=20)
    >>> bool(out["transfer_mean"] < 0)  # mu_L > mu_R: particles leave L
    True
    """
    k = require_int("levels_per_bath", levels_per_bath, low=2)
    model = single_electron_transistor(k, bandwidth, coupling, dot_energy)
    c0 = gibbs_correlation_matrix(model, [beta_left, beta_right], [mu_left, mu_right],
                                  system_occupation=system_occupation)
    dn, p = TransferStatistics(model, c0, time, ["L"]).particle_distribution("L")
    mean = float(p @ dn)
    var = float(p @ (dn - mean) ** 2)
    third = float(p @ (dn - mean) ** 3)
    bath = bath_number_distribution(model, c0, time, "L")
    return {"transfer_mean": mean, "transfer_variance": var, "transfer_third_cumulant": third,
            "bath_number_mean": float(bath.mean[0]),
            "bath_number_variance": float(bath.variance[0])}


def _gc_and_tur(cm, affinity: float, weights) -> dict:
    """Current, noise, TUR residual and the GC residual at three complex fields."""
    w = np.asarray(weights, dtype=float)
    c = scaled_cumulants(cm, order=2)
    j, noise = float(c.currents[0]), float(c.noise[0])
    chi = np.array([0.3, -0.7 + 0.2j, 1.1 - 0.4j])
    lam = scgf(cm, chi[:, None] * w)
    mirror = scgf(cm, (-chi + 1j * affinity)[:, None] * w)
    sigma = affinity * j
    return {"current": j, "noise": noise, "entropy_production_rate": sigma,
            "tur_residual": noise / j**2 - 2.0 / sigma if j != 0 and sigma > 0 else np.nan,
            "gc_residual": float(np.max(np.abs(lam - mirror)))}


_GC_OUTPUTS = {"current": (), "noise": (), "entropy_production_rate": (), "tur_residual": (),
               "gc_residual": ()}
#: CF attributes of the counted-current outputs (first two scaled cumulants, TUR, GC)
_GC_CF = {
    "current": ("mean current of the counted quanta (first scaled cumulant)", "1/time",
                r"\kappa_1"),
    "noise": ("noise of the counted quanta (second scaled cumulant)", "1/time", r"\kappa_2"),
    "entropy_production_rate": ("entropy production rate", "1/time", r"\dot\sigma"),
    "tur_residual": ("thermodynamic uncertainty relation: kappa_2 sigma / kappa_1^2 - 2", N,
                     r"\kappa_2\dot\sigma/\kappa_1^2 - 2"),
    "gc_residual": ("Gallavotti-Cohen symmetry residual of the scaled cumulant generating "
                    "function", "1/time", r"|\theta(\chi) - \theta(-\chi + iA)|"),
}


@register_quantity(
    "core.three-level-heat-counting",
    cf={**_GC_CF, "beta_hot": ("inverse temperature of the hot bath", "1/energy",
                               r"\beta_h"),
        "beta_cold": ("inverse temperature of the cold bath", "1/energy", r"\beta_c")},
    outputs=_GC_OUTPUTS,
    description="hot-quantum current, noise, TUR and Gallavotti-Cohen residual of a "
                "three-level heat conductor between two Bose baths (issue 19)",
)
def three_level_heat_counting(beta_hot: float, beta_cold: float = 2.0, e1: float = 1.0,
                              e2: float = 2.5, gamma: float = 1.0) -> dict:
    """Scaled cumulants of the net quanta from the hot bath (`papers.fluct.lindblad`).

    Transition 0 <-> 2 (gap e2) sees the hot bath, 0 <-> 1 and 1 <-> 2 the cold one. The
    affinity is A = (beta_cold - beta_hot) e2: ``gc_residual`` = max |lambda(chi) -
    lambda(-chi + iA)| vanishes (Gallavotti-Cohen), ``tur_residual`` = kappa_2/kappa_1^2 -
    2/sigma >= 0 (TUR), sigma = A kappa_1.

    Examples
    --------
    >>> out = three_level_heat_counting(0.4)
    >>> bool(out["gc_residual"] < 1e-10), bool(out["tur_residual"] > 0)
    (True, True)
    """
    cm = heat_conductor((0.0, e1, e2), beta_hot, beta_cold, gamma)
    return _gc_and_tur(cm, (beta_cold - beta_hot) * e2, [1.0])


@register_quantity(
    "gas.two-reservoir-counting",
    cf={**_GC_CF,
        "temperature_internal": ("temperature of the gas's internal levels", "energy", "T_A"),
        "temperature_motional": ("temperature of the gas's motion", "energy", "T_M")},
    outputs=_GC_OUTPUTS,
    description="internal heat current, noise, TUR and Gallavotti-Cohen residual of the "
                "general gas with internal and motional reservoirs (Gaida 2025; issue 19)",
)
def gas_heat_counting(temperature_internal: float, temperature_motional: float = 1.0) -> dict:
    """Counting statistics of the energy the gas's internal degrees give (`gas_counting_model`).

    ``GasModel.example(temperature_internal=..., temperature_motional=...)``; affinity
    A = beta_A - beta_M. At T_A = T_M the current vanishes (the TUR residual is then NaN).

    Examples
    --------
    >>> out = gas_heat_counting(3.0)
    >>> bool(out["current"] < 0), bool(out["gc_residual"] < 1e-8)  # the hot internal bath gives
    (True, True)
    """
    gas = GasModel.example(temperature_internal=temperature_internal,
                           temperature_motional=temperature_motional)
    return _gc_and_tur(gas_counting_model(gas), gas.beta_internal - gas.beta_motional,
                       [1.0, 0.0])


@register_quantity(
    "scattering.heat-ft-departure",
    cf={"ft_residual": ("max |ln P(Q)/P(-Q) - (beta_0 - beta) Q|, full statistics", N,
                        r"\epsilon_{FT}"),
        "incoherent_ft_residual": ("the same for the incoherent part", N,
                                   r"\epsilon_{FT}^{inc}"),
        "coherent_weight": ("total weight of the coherent contribution to P(Q, t)", N,
                            r"\|P - P_{inc}\|_1"),
        "rate": ("collision rate", "1/time", r"\Gamma"),
        "collisions": ("mean number of collisions Gamma t", N, r"\Gamma t")},
    outputs={"ft_residual": (), "incoherent_ft_residual": (), "coherent_weight": ()},
    description="departure of the Poisson-sequence heat statistics of the bombarded qubit "
                "from the per-collision fluctuation theorem (Tabanera-Bravo 2023; issue 19)",
)
def qubit_heat_ft_departure(rate: float, collisions: float = 5.0, beta_initial: float = 1.0,
                            delta_x: float = 1.0, beta: float = 0.1, nodes: int = 48) -> dict:
    """`trajectory_heat_statistics` at t = collisions/rate from Gibbs(beta_initial).

    Map and packet as `scattering.collision-steady-state` (the paper's Figs. 1-2 defaults).
    ``incoherent_ft_residual`` vanishes at every rate; ``ft_residual`` and
    ``coherent_weight`` grow with the rate as collisions feed coherences.

    Examples
    --------
    >>> out = qubit_heat_ft_departure(10.0, nodes=16)
    >>> bool(out["incoherent_ft_residual"] < 1e-12), bool(out["ft_residual"] > 1e-3)
    (True, True)
    """
    smap = _qubit_map(0.6, 1.0, 1.0, 0.1, float(beta), float(delta_x), -10.0, "effusion", "S1",
                      int(nodes))
    st = trajectory_heat_statistics(smap, rate, [collisions / rate], beta_initial=beta_initial)
    return {"ft_residual": float(st.fluctuation_residual()[0]),
            "incoherent_ft_residual": float(st.fluctuation_residual(incoherent=True)[0]),
            "coherent_weight": float(st.coherent_weight()[0])}
