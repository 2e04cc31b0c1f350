"""Issue 17 for the classical family: one public API (exports, argument order, beta/temperature,
the paper's variables, audits and steady states)."""

import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate

import thermalize.classical as classical
from thermalize.classical import (
    DiscreteScatterer,
    HeatPump,
    RotatingDisk,
    UniformOpenRule,
    jacobian,
    kick_markov_matrix,
    level_change_map,
    level_change_velocity_map,
)
from thermalize.errors import ParameterError

PHYSICS_MD = Path(__file__).resolve().parents[2] / "docs" / "physics.md"
MODULES = {"gas", "rules", "scatterer", "scatterer_mc", "liouville", "phase_space", "disk",
           "microreversibility",
           "heat_pump", "audits"}


def documented_names() -> set[str]:
    """Public names in the function column of the classical section of docs/physics.md."""
    text = PHYSICS_MD.read_text()
    start = text.index("## Classical and semiclassical collisional baths")
    section = text[start : text.index("\n## ", start + 10)]
    names = set()
    for line in section.splitlines():
        cells = [c.strip() for c in line.replace("\\|", "/").split("|")]  # "\|": a bar in a cell
        if len(cells) < 5 or not line.startswith("|") or cells[3] in ("function", "---"):
            continue
        for token in re.findall(r"`([^`]+)`", cells[3]):
            token = token.split("(")[0].strip()
            parts = [p for p in token.split(".") if p]
            if token.startswith(".") or not parts:
                continue  # ".velocity_map": a further method of the class named before
            if parts[0] == "thermalize":
                parts = parts[1:]
            if parts and parts[0] == "classical":
                parts = parts[1:]
            if parts and parts[0] in MODULES:
                parts = parts[1:]
            if not parts or parts[0].startswith("_") or not parts[0].isidentifier():
                continue  # private helpers stay private
            if parts[0] in ("distributions", "superop", "quantum"):
                continue  # other families
            names.add(".".join(parts))
    return names


def test_documented_names_are_found():
    """The parser sees the names the issue lists (so the next test cannot pass vacuously)."""
    names = documented_names()
    for name in ("level_change_velocity_map", "rectangle_boundary", "map_boundary",
                 "RotatingDisk.kernel", "simulate_explicit_particles", "Thinned"):
        assert name in names
    assert len(names) > 30


@pytest.mark.parametrize("name", sorted(documented_names()))
def test_every_documented_name_is_exported(name):
    head, *attrs = name.split(".")
    assert head in classical.__all__, f"{head} is documented in physics.md but not exported"
    obj = getattr(classical, head)
    for attr in attrs:
        obj = getattr(obj, attr)


def test_all_lists_only_public_importable_names():
    for name in classical.__all__:
        assert not name.startswith("_")
        assert getattr(classical, name) is not None


# --- one transition order: initial state first ---------------------------------------------

def test_kernel_takes_the_initial_state_first():
    """rho(omega'|omega) = w((omega' - a omega)/b)/b (Eq. 33): a Gaussian kick law with
    two-sided Maxwell kicks, evaluated by hand, fixes which argument is which."""
    disk = RotatingDisk(0.4)
    a, b = disk.restitution, disk.gain
    w, wn, beta, mass = 0.7, -0.2, 1.3, 0.8
    x = (wn - a * w) / b  # the kick velocity that takes w to wn
    by_hand = np.sqrt(beta * mass / (2 * np.pi)) * np.exp(-0.5 * beta * mass * x * x) / b
    got = disk.kernel(w, wn, beta=beta, mass=mass, kicks="maxwell", sides=2)
    assert got == pytest.approx(by_hand, rel=1e-13)  # closed forms: rounding only
    assert disk.kernel(omega=w, omega_new=wn, beta=beta, mass=mass, kicks="maxwell",
                       sides=2) == got
    swapped = disk.kernel(wn, w, beta=beta, mass=mass, kicks="maxwell", sides=2)
    assert abs(swapped - by_hand) > 1e-3  # the order matters at these values


def test_kernel_is_a_density_in_the_final_state():
    """int rho(omega'|omega) d omega' = 1 over the second argument (the final state)."""
    disk = RotatingDisk(2.5)
    total = integrate.quad(lambda wn: disk.kernel(0.4, wn, beta=1.2, mass=0.8, sides=2),
                           -np.inf, np.inf, points=None)[0]
    assert total == pytest.approx(1.0, abs=1e-9)  # smooth integrand: quad reaches ~1e-12


def test_old_positional_kernel_keeps_its_meaning_with_a_warning():
    disk = RotatingDisk(0.4)
    new = disk.kernel(0.7, -0.2, beta=1.3, mass=0.8, kicks="effusion", sides=2)
    with pytest.warns(DeprecationWarning, match="initial state first"):
        old = disk.kernel(-0.2, 0.7, 1.3, 0.8, "effusion", 2)  # (omega_new, omega, ...)
    assert old == new
    with pytest.warns(DeprecationWarning):
        assert disk.kernel(-0.2, 0.7, 1.3, mass=0.8, sides=2) == new
    with pytest.warns(DeprecationWarning), pytest.raises(TypeError, match="multiple"):
        disk.kernel(-0.2, 0.7, 1.3, beta=1.0, mass=0.8)


@pytest.mark.parametrize("kicks, sides", [("effusion", 1), ("effusion", 2), ("maxwell", 2)])
def test_detailed_balance_ratio_is_the_kernel_ratio_in_the_same_order(kicks, sides):
    """ratio(omega, omega') = rho(omega'|omega)/rho(-omega|-omega') with both in the new order
    (Eq. 35, time-reversed denominator); for two-sided effusion it equals the closed form."""
    disk = RotatingDisk(0.3)
    rng = np.random.default_rng(11)
    w, wn = rng.uniform(-2, 2, 200), rng.uniform(-2, 2, 200)
    num = disk.kernel(w, wn, beta=1.1, mass=0.9, kicks=kicks, sides=sides)
    den = disk.kernel(-wn, -w, beta=1.1, mass=0.9, kicks=kicks, sides=sides)
    ratio = disk.detailed_balance_ratio(w, wn, 1.1, 0.9, kicks, sides)
    ok = den > 0
    assert ok.sum() > 50
    np.testing.assert_allclose(ratio[ok], num[ok] / den[ok], rtol=1e-14)  # same arithmetic
    assert np.all(np.isnan(ratio[~ok]))
    if kicks == "effusion":
        closed = disk.detailed_balance_ratio_closed_form(w, wn, beta=1.1, mass=0.9)
        both = ok & (num > 0)  # one-sided kicks: Eq. (35) only where both directions exist
        np.testing.assert_allclose(ratio[both], closed[both], rtol=1e-10)  # pdf ratios
    else:  # Maxwell kicks obey detailed balance with respect to Gibbs (Sec. 5)
        gibbs = disk.gibbs_ratio(w, wn, beta=1.1, mass=0.9)
        np.testing.assert_allclose(ratio, gibbs, rtol=1e-10)


# --- beta= with temperature= as the alternative ----------------------------------------------

CALLS = [
    lambda **t: classical.collision_probability(mass=1.3, length=4.0, dt=0.7, **t),
    lambda **t: classical.collision_probability_quadrature(mass=1.3, length=4.0, dt=0.7, **t),
    lambda **t: classical.colliding_velocity_pdf(0.8, mass=1.3, length=4.0, dt=0.7, **t),
    lambda **t: kick_markov_matrix(DiscreteScatterer.example(), mass=1.0, **t),
    lambda **t: DiscreteScatterer.example().steady_state(**t),
    lambda **t: RotatingDisk(0.5).kernel(0.2, 0.9, mass=1.0, **t),
    lambda **t: RotatingDisk(0.5).stationary_moments(mass=1.0, sides=2, **t).mean_energy,
    lambda **t: RotatingDisk(0.5).gibbs_ratio(0.2, 0.9, mass=1.0, **t),
]


@pytest.mark.parametrize("call", CALLS)
def test_temperature_is_an_alternative_to_beta(call):
    np.testing.assert_array_equal(call(temperature=2.5), call(beta=1 / 2.5))
    with pytest.raises(ParameterError, match="not both"):
        call(beta=0.4, temperature=2.5)
    with pytest.raises(ParameterError, match="temperature"):
        call(temperature=-1.0)


def test_heat_pump_temperatures_are_keyword_only():
    disk = RotatingDisk(1.0)
    by_beta = HeatPump(disk, beta_cold=1.0, beta_hot=1 / 1.5)
    by_t = HeatPump(disk, temperature_cold=1.0, temperature_hot=1.5)
    assert by_t == by_beta
    with pytest.warns(DeprecationWarning, match="positional"):
        old = HeatPump(disk, 1.0, 1 / 1.5, 1.0)
    assert old == by_beta
    with pytest.raises(ParameterError, match="not both"):
        HeatPump(disk, beta_cold=1.0, temperature_cold=1.0, beta_hot=1.0)
    # paper: Q = T_cold - T_hot/2 for mu = 1 (Sec. 5)
    assert by_t.heat_flows().heat_to_hot == pytest.approx(1.0 - 1.5 / 2, abs=1e-12)


# --- the paper's variable 2m(e' - e) of Eq. (20) ---------------------------------------------

@pytest.mark.parametrize("mass", [1.0, 2.3])
def test_level_change_map_from_the_papers_variable(mass):
    """two_m_energy_change = 2m(e' - e) means e' - e = value/(2m); the map then conserves
    m v^2/2 + e and keeps |det J| = 1 (Eq. 21). At m = 1 it is the printed formula."""
    value, dt = 6.48, 1.5
    f = level_change_map(two_m_energy_change=value, mass=mass, dt=dt)
    g = level_change_map(value / (2 * mass), mass, dt)
    x = np.array([-1.0, 4.0])
    np.testing.assert_array_equal(f(x), g(x))
    de = value / (2 * mass)
    v_new = f(x)[1]
    assert 0.5 * mass * v_new**2 + de == pytest.approx(0.5 * mass * x[1] ** 2, rel=1e-14)
    if mass == 1.0:
        assert v_new == pytest.approx(np.sqrt(x[1] ** 2 - value), rel=1e-15)
    assert abs(jacobian(f, x).determinant) == pytest.approx(1.0, abs=1e-13)  # complex step
    h = level_change_velocity_map(two_m_energy_change=value, mass=mass)
    assert h(np.array([4.0]))[0] == v_new
    with pytest.raises(ParameterError, match="exactly one"):
        level_change_map(1.0, mass, dt, two_m_energy_change=value)
    with pytest.raises(ParameterError, match="exactly one"):
        level_change_map(mass=mass, dt=dt)


# --- models know their physics: steady_state() and audit() ----------------------------------

def _gibbs(levels, beta):
    w = np.exp(-beta * (levels - levels[0]))
    return w / w.sum()


def test_scatterer_steady_state_is_gibbs_for_effusion_kicks():
    """Eq. (12) with Eq. (26): effusion kicks and a micro-reversible rule give Gibbs."""
    levels = np.array([0.0, 0.37, 1.1, 2.9])
    sc = DiscreteScatterer(levels, UniformOpenRule(0.3))
    np.testing.assert_allclose(sc.steady_state(beta=0.8, mass=1.7), _gibbs(levels, 0.8),
                               atol=1e-12)  # piecewise-constant rule: exact quadrature
    maxwell = sc.steady_state(beta=0.8, kicks="maxwell")
    assert np.max(np.abs(maxwell - _gibbs(levels, 0.8))) > 1e-3  # the naive choice fails


def test_scatterer_audit_verdicts():
    levels = np.array([0.0, 0.5, 1.4])
    good = DiscreteScatterer(levels).audit(beta=1.3)
    assert good.passed and good.microreversible and good.volume_preserving
    assert good.detailed_balance and good.gibbs
    assert good.detailed_balance_residual < 1e-12 and good.gibbs_deviation < 1e-12
    np.testing.assert_allclose(good.steady_state, _gibbs(levels, 1.3), atol=1e-12)
    with pytest.raises(AttributeError):
        good.passed = False  # frozen

    maxwell = DiscreteScatterer(levels).audit(beta=1.3, kicks="maxwell")
    assert maxwell.microreversible and not maxwell.detailed_balance and not maxwell.passed
    assert maxwell.gibbs_deviation > 1e-3

    def kinetic_rule(k, s, lv):  # depends on the kinetic, not the total energy: not Eq. (17)
        op = (lv[None, :] - lv[s][:, None] <= k[:, None]).astype(float)
        w = op * np.exp(-np.abs(lv[None, :] - k[:, None]))
        return w / w.sum(axis=1, keepdims=True)

    bad = DiscreteScatterer(levels, kinetic_rule).audit(beta=1.3)
    assert not bad.microreversible and not bad.passed
    assert bad.microreversibility_violation > 1e-3


@pytest.mark.parametrize("kicks, sides, db", [("maxwell", 2, True), ("effusion", 2, False),
                                              ("effusion", 1, False)])
def test_disk_audit(kicks, sides, db):
    """Eq. (30) holds, Eq. (32) does not; detailed balance w.r.t. Gibbs only for Maxwell."""
    rep = RotatingDisk(0.5).audit(beta=1.2, mass=0.9, kicks=kicks, sides=sides)
    assert rep.velocity_volume_preserving and not rep.volume_preserving
    assert rep.max_jacobian_deviation > 1e-3
    assert rep.detailed_balance is db and rep.gibbs_energy is db and not rep.passed
    # exact energies (physics.md item 12): Maxwell two-sided kT/2, effusion two-sided kT
    if sides == 2:
        assert rep.mean_energy == pytest.approx((0.5 if db else 1.0) / 1.2, rel=1e-12)


def test_disk_steady_state_energy_matches_closed_form():
    disk = RotatingDisk(2.0)
    grid = disk.steady_state(beta=1.0, mass=1.0, kicks="maxwell", sides=2, n_grid=800)
    # Gaussian law, O(h^2) grid error with h = 24 sd/800: ~1e-3 relative
    assert grid.mean_energy == pytest.approx(0.5, rel=5e-3)


def test_heat_pump_audit():
    """mu = 1 between T_c and T_h in (T_c, 2 T_c): Sigma < 0, the second law fails (Sec. 5);
    two-sided Maxwell kicks obey it: Sigma = (T_c - T_h)^2/(2 T_c T_h)."""
    pump = HeatPump(RotatingDisk(1.0), temperature_cold=1.0, temperature_hot=1.5)
    rep = pump.audit()
    assert not rep.second_law and rep.energy_balance and not rep.passed
    assert rep.entropy_production == pytest.approx(1.0 / 1.5 * 0.25 - 0.25, abs=1e-12)
    ok = HeatPump(RotatingDisk(1.0), temperature_cold=1.0, temperature_hot=1.5,
                  kicks="maxwell").audit()
    assert ok.passed
    assert ok.entropy_production == pytest.approx(0.25 / (2 * 1.5), rel=1e-12)


def test_liouville_audit_has_a_verdict():
    rep = classical.liouville_audit(level_change_velocity_map(1.0, 1.0), [[2.0], [3.0]])
    assert rep.passed is False and rep.max_deviation == pytest.approx(2 / np.sqrt(2) - 1)
    rep = classical.liouville_audit(level_change_map(1.0, 1.0, 1.0), [[-0.5, 2.0]])
    assert rep.passed and rep.max_deviation < 1e-13


def test_no_warning_from_the_new_forms():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RotatingDisk(0.5).kernel(0.1, 0.2, beta=1.0, mass=1.0)
        HeatPump.example().heat_flows()


def test_heat_pump_survives_replace_and_pickle():
    """The keyword-only constructor keeps dataclasses.replace and pickling (sweeps) working."""
    import dataclasses
    import pickle

    pump = HeatPump.example()
    hotter = dataclasses.replace(pump, beta_hot=0.5)
    assert hotter.beta_hot == 0.5 and hotter.beta_cold == pump.beta_cold
    assert pickle.loads(pickle.dumps(hotter)) == hotter
