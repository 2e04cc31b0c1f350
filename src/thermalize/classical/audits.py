"""Physics audits of the classical models: Liouville, micro-reversibility, detailed balance.

Ehrich et al., Physica A 552, 122108 (2020). A collisional bath thermalizes a system iff the
collision rule is compatible with Hamiltonian dynamics: phase-space volume conserved
(|det J| = 1, Eqs. 14, 21, 30, 32), micro-reversible (Eq. 17), and the collisions are fed by
the effusion law (Eqs. 26-27), so that the level chain obeys detailed balance with respect to
the Gibbs state (Eq. 12). Each audit returns a frozen result with one boolean verdict per law,
`passed` (all of them), and the numbers behind them. The models call these through their
``audit()`` methods (`DiscreteScatterer.audit`, `RotatingDisk.audit`, `HeatPump.audit`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, require_positive, require_real
from ._kicks import check_kicks, check_sides

__all__ = ["DiskAudit", "HeatPumpAudit", "ScattererAudit"]

#: Relative tolerance of the detailed-balance and Gibbs verdicts: the exact Markov matrix is
#: exact to rounding for piecewise-constant rules and to ~1e-12 for smooth ones (physics.md).
AUDIT_TOLERANCE = 1e-8


@dataclass(frozen=True)
class ScattererAudit:
    """`DiscreteScatterer.audit`: the laws of Sec. 4 for one scatterer in one gas.

    Attributes
    ----------
    passed : bool
        All four verdicts below hold: the scatterer thermalizes as a Hamiltonian bath should.
    microreversible : bool
        Eq. (17) (and A.6 for reflection) within `tolerance`.
    volume_preserving : bool
        Eq. (21): |det J| = 1 of the collision map Eq. (20) for the audited level pairs.
    detailed_balance : bool
        M[s, s'] e^{-beta eps_s} = M[s', s] e^{-beta eps_s'} for the exact Markov matrix of
        Eq. (26) (relative residual below `tolerance`).
    gibbs : bool
        The stationary law of the level chain (Eq. 12) equals the Gibbs populations.
    microreversibility_violation, max_jacobian_deviation : float
        max |p(s'|E - eps_s, s) - p(s|E - eps_s', s')|; max | |det J| - 1 |.
    detailed_balance_residual, gibbs_deviation : float
        max |M_ss' g_s - M_s's g_s'| / max(M g); max |p_s - g_s|.
    steady_state, gibbs_populations : ndarray, shape (n,)
    beta : float
    kicks : str
    tolerance : float
    """

    passed: bool
    microreversible: bool
    volume_preserving: bool
    detailed_balance: bool
    gibbs: bool
    microreversibility_violation: float
    max_jacobian_deviation: float
    detailed_balance_residual: float
    gibbs_deviation: float
    steady_state: np.ndarray
    gibbs_populations: np.ndarray
    beta: float
    kicks: str
    tolerance: float


def gibbs_populations(levels: np.ndarray, beta: float) -> np.ndarray:
    """e^{-beta eps_s}/Z, shifted by the ground level (no overflow for any beta > 0)."""
    with np.errstate(over="ignore"):  # beta (eps - eps_0) = inf: weight 0, the exact limit
        w = np.exp(-beta * (levels - levels[0]))
    return w / w.sum()


def _level_pairs(n: int) -> list[tuple[int, int]]:
    """Up to 6 levels spread over the spectrum, every ordered pair (s != s') of them."""
    chosen = np.unique(np.linspace(0, n - 1, min(n, 6)).round().astype(int))
    return [(int(a), int(b)) for a in chosen for b in chosen if a != b]


def audit_scatterer(scatterer, beta: float, mass: float, kicks: str, tolerance: float):
    """See `DiscreteScatterer.audit`."""
    from .liouville import jacobian
    from .phase_space import level_change_map
    from .scatterer import check_microreversibility, kick_markov_matrix, stationary_distribution

    require_real("tolerance", tolerance)
    require_positive("tolerance", tolerance)
    check_kicks(kicks)
    thermal = 2.0 * _thermal_variance(beta, mass, mass)
    lv = scatterer.levels
    micro = check_microreversibility(scatterer, tolerance=tolerance)
    micro_v = float(max(micro.transmission_violation.max(), micro.reflection_violation.max()))
    jac_dev = 0.0
    for s, sp in _level_pairs(lv.size):  # Eq. (21) at a point inside the collision domain
        de = float(lv[sp] - lv[s])
        v = np.sqrt(2.0 * max(de, 0.0) / mass + thermal) * 1.5
        det = jacobian(level_change_map(de, mass, 1.0), [-0.5 * v, v]).determinant
        jac_dev = max(jac_dev, abs(abs(det) - 1.0))
    m = kick_markov_matrix(scatterer, beta, mass, kicks)
    g = gibbs_populations(lv, beta)
    flow = m * g[:, None]  # M[s, s'] g_s: the stationary probability flow s -> s'
    db = float(np.max(np.abs(flow - flow.T)) / max(float(flow.max()), np.finfo(float).tiny))
    p = stationary_distribution(m)
    gd = float(np.max(np.abs(p - g)))
    verdicts = (
        micro_v <= tolerance,
        jac_dev <= tolerance,
        db <= max(tolerance, AUDIT_TOLERANCE),
        gd <= max(tolerance, AUDIT_TOLERANCE),
    )
    return ScattererAudit(
        all(verdicts), *verdicts, micro_v, jac_dev, db, gd, p, g, beta, kicks, float(tolerance)
    )


def _thermal_variance(beta: float, mass: float, inertia: float) -> float:
    """kT/m = 1/(beta m) of a velocity (m = `inertia`, the mass or the disk's moment of
    inertia), the scale of the audit points; a ParameterError naming beta and mass when
    2/(beta m) is 0 or not finite (the points, their squares, would be 0 or inf)."""
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        var = 1.0 / (np.float64(beta) * inertia)
        ok = 0.0 < 2.0 * var < np.inf
    if not ok:
        raise ParameterError(f"beta={beta!r}, mass={mass!r}: the thermal velocity scale "
                             "1/sqrt(beta m) is outside the float64 range")
    return float(var)


@dataclass(frozen=True)
class DiskAudit:
    """`RotatingDisk.audit`: does the rough disk thermalize (Sec. 5)?

    Attributes
    ----------
    passed : bool
        All verdicts hold (never for the rough disk: Eq. (32) is not volume preserving).
    velocity_volume_preserving : bool
        Eq. (30): |det J| = 1 in (v, omega).
    volume_preserving : bool
        Eq. (32): |det J| = |v'/v| = 1 in (y, v, theta, omega) at every audited collision.
    detailed_balance : bool
        rho(omega'|omega) e^{-beta I omega^2/2} = rho(-omega|-omega') e^{-beta I omega'^2/2}
        (Eq. 35 against the Gibbs ratio) at every audited pair.
    gibbs_energy : bool
        The exact stationary <I omega^2/2> equals kT/2.
    max_velocity_jacobian_deviation, max_jacobian_deviation : float
    detailed_balance_deviation : float
        max |ratio/Gibbs ratio - 1| over pairs (inf if one direction is impossible).
    mean_energy, gibbs_energy_value : float
        Stationary <I omega^2/2> and kT/2.
    beta : float
    kicks : str
    sides : int
    tolerance : float
    """

    passed: bool
    velocity_volume_preserving: bool
    volume_preserving: bool
    detailed_balance: bool
    gibbs_energy: bool
    max_velocity_jacobian_deviation: float
    max_jacobian_deviation: float
    detailed_balance_deviation: float
    mean_energy: float
    gibbs_energy_value: float
    beta: float
    kicks: str
    sides: int
    tolerance: float


def audit_disk(disk, beta: float, mass: float, kicks: str, sides: int, tolerance: float):
    """See `RotatingDisk.audit`."""
    from .liouville import jacobian

    require_real("tolerance", tolerance)
    require_positive("tolerance", tolerance)
    check_kicks(kicks)
    check_sides(sides)
    inertia = disk.moment_of_inertia(mass)
    rng = np.random.default_rng(2020)  # fixed audit points: the verdict is reproducible
    sd_w = np.sqrt(_thermal_variance(beta, mass, inertia))
    sd_v = np.sqrt(_thermal_variance(beta, mass, mass))
    vel_dev, full_dev = 0.0, 0.0
    for _ in range(8):
        v, w = sd_v * rng.uniform(0.3, 2.0), sd_w * rng.uniform(-2.0, 2.0)
        vel_dev = max(vel_dev, abs(abs(jacobian(disk.velocity_map(), [v, w]).determinant) - 1))
        det = jacobian(disk.collision_map(1.0), [-0.5 * v, v, 0.0, w]).determinant
        full_dev = max(full_dev, abs(abs(det) - 1.0))
    w, wn = (sd_w * rng.uniform(-2.5, 2.5, 64) for _ in range(2))
    num = disk._kernel(w, wn, beta, mass, kicks, sides)
    den = disk._kernel(-wn, -w, beta, mass, kicks, sides)
    gibbs = disk.gibbs_ratio(w, wn, beta, mass)
    one_way = (num > 0) != (den > 0)
    both = (num > 0) & (den > 0)
    db = np.inf if np.any(one_way) else 0.0
    if np.any(both):
        db = max(db, float(np.max(np.abs(num[both] / (den[both] * gibbs[both]) - 1.0))))
    energy = disk.stationary_moments(beta, mass, kicks, sides).mean_energy
    kt2 = 0.5 / beta
    verdicts = (
        vel_dev <= tolerance,
        full_dev <= tolerance,
        db <= max(tolerance, AUDIT_TOLERANCE),
        abs(energy / kt2 - 1.0) <= max(tolerance, AUDIT_TOLERANCE),
    )
    return DiskAudit(
        all(verdicts), *verdicts, float(vel_dev), float(full_dev), float(db), float(energy),
        kt2, beta, kicks, int(sides), float(tolerance)
    )


@dataclass(frozen=True)
class HeatPumpAudit:
    """`HeatPump.audit`: the second law for the disk between two baths (Fig. 2 right).

    Attributes
    ----------
    passed : bool
        Both verdicts hold.
    second_law : bool
        Sigma = Q_hot/T_hot - Q_cold/T_cold >= 0 (the exact stationary value).
    energy_balance : bool
        Q_cold = Q_hot in the stationary cycle (relative to kT_cold, within `tolerance`).
    entropy_production, heat_from_cold, heat_to_hot : float
    tolerance : float
    """

    passed: bool
    second_law: bool
    energy_balance: bool
    entropy_production: float
    heat_from_cold: float
    heat_to_hot: float
    tolerance: float


def audit_heat_pump(pump, tolerance: float) -> HeatPumpAudit:
    """See `HeatPump.audit`."""
    require_real("tolerance", tolerance)
    require_positive("tolerance", tolerance)
    hf = pump.heat_flows()
    scale = max(abs(hf.heat_from_cold), 1.0 / pump.beta_cold)
    second = hf.entropy_production >= -tolerance * abs(pump.beta_cold * scale)
    balance = abs(hf.balance_residual()) <= tolerance * scale
    return HeatPumpAudit(
        bool(second and balance), bool(second), bool(balance), hf.entropy_production,
        hf.heat_from_cold, hf.heat_to_hot, float(tolerance)
    )
