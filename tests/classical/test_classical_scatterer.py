"""Discrete-level scatterer: Eq. (17) micro-reversibility, Eq. (26) Markov matrix, Gibbs."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import erfc

from thermalize.classical.gas import collision_probability
from thermalize.classical.rules import CallableRule, UniformOpenRule, open_levels
from thermalize.classical.scatterer import (
    DiscreteScatterer,
    check_microreversibility,
    kick_markov_matrix,
    stationary_distribution,
)
from thermalize.classical.scatterer_mc import simulate_explicit_particles, simulate_kick_chain
from thermalize.errors import ParameterError, PhysicsWarning
from thermalize.quantum import relative_entropy


def gibbs(levels, beta):
    w = np.exp(-beta * (levels - levels[0]))
    return w / w.sum()


def smooth_rule(kinetic, level, levels):
    """Micro-reversible and K-dependent: stay with q(E) = 1/(1 + E^2), else uniform."""
    energy = kinetic + levels[level]
    op = open_levels(kinetic, level, levels).astype(float)
    stay = np.zeros_like(op)
    stay[np.arange(len(op)), level] = 1.0
    n_other = op.sum(axis=1, keepdims=True) - 1.0
    q = 1.0 / (1.0 + energy[:, None] ** 2)
    move = np.divide(op - stay, n_other, out=np.zeros_like(op), where=n_other > 0)
    return np.where(n_other > 0, q * stay + (1 - q) * move, stay)


def to_ground(kinetic, level, levels):
    """Violates Eq. (17): always ends in the ground state."""
    return np.eye(len(levels))[np.zeros_like(level)]


RULES = {
    "uniform": UniformOpenRule(),
    "uniform+reflection": UniformOpenRule(reflection_probability=0.3),
    "lazy-callable": CallableRule.example(),
    "smooth-callable": CallableRule(smooth_rule),
}
levels_strategy = (
    st.lists(st.floats(-3, 3), min_size=2, max_size=6, unique=True)
    .map(lambda x: np.sort(np.array(x)))
    .filter(lambda x: np.min(np.diff(x)) > 1e-3)
)


@pytest.mark.parametrize("name", list(RULES))
def test_shipped_rules_are_microreversible(name):
    """Eq. (17) (and Eq. A.6 for the reflected channel) for every pair of levels."""
    sc = DiscreteScatterer(np.array([0.0, 0.4, 1.3, 2.0]), RULES[name])
    assert check_microreversibility(sc).holds


def test_violating_rule_names_its_pairs():
    """A rule that always de-excites breaks Eq. (17) for every pair (0, s') with s' > 0."""
    sc = DiscreteScatterer(np.array([0.0, 1.0, 2.0]), to_ground)
    rep = check_microreversibility(sc)
    assert not rep.holds
    assert {(s, sp) for s, sp, ch, _ in rep.violating_pairs()} == {(0, 1), (0, 2)}
    assert all(
        ch == "transmission" and v == pytest.approx(1.0) for *_, ch, v in rep.violating_pairs()
    )


def test_reflection_channel_violation_detected():
    """Appendix A: a reflection channel can violate Eq. (A.6) even if the sum p_+ + p_- is fine."""

    def trans(k, s, lv):
        return 0.5 * UniformOpenRule().transmission(k, s, lv)

    def refl(k, s, lv):  # the missing half, but put where it breaks symmetry of p_-
        op = open_levels(k, s, lv).astype(float)
        out = 0.5 * op / op.sum(axis=1, keepdims=True)
        ground = (s == 0) & (op[:, 1] > 0)
        out[ground] = [0.0, 0.5]
        return out

    rep = check_microreversibility(
        DiscreteScatterer(np.array([0.0, 1.0]), CallableRule(trans, refl))
    )
    assert [(s, sp, ch) for s, sp, ch, _ in rep.violating_pairs()] == [(0, 1, "reflection")]


@pytest.mark.parametrize("name", list(RULES))
@pytest.mark.parametrize("beta", [0.2, 1.0, 4.0])
def test_effusion_kicks_give_gibbs(name, beta):
    """Eq. (26)-(27): effusion kicks + a rule obeying Eq. (17) give exactly the Gibbs state."""
    lv = np.array([0.0, 0.4, 1.3, 2.0])
    sc = DiscreteScatterer(lv, RULES[name])
    m = kick_markov_matrix(sc, beta, 1.7, "effusion", nodes=64)
    # piecewise-constant rules are integrated exactly; the smooth one converges to ~1e-15 at
    # 64 Gauss nodes per interval (see test_quadrature_converges): 1e-12 is rounding-level
    np.testing.assert_allclose(stationary_distribution(m), gibbs(lv, beta), atol=1e-12)


@given(levels_strategy, st.floats(0.05, 5.0))
def test_effusion_gibbs_for_random_levels(levels, beta):
    """Detailed balance of Eq. (12) for any levels and temperature with the uniform rule."""
    m = kick_markov_matrix(DiscreteScatterer(levels), beta, 1.0)
    np.testing.assert_allclose(m.sum(axis=1), 1.0, atol=1e-13)  # rows are probabilities
    g = gibbs(levels, beta)
    flow = g[:, None] * m
    np.testing.assert_allclose(flow, flow.T, atol=1e-13)  # exact integration, rounding only


def test_two_level_maxwell_closed_form():
    """Uniform rule, levels 0 and D: p1/p0 = P(K > D) = erfc(sqrt(beta D)) for Maxwell kicks,
    exp(-beta D) for effusion kicks (hand derivation; Maxwell K is Gamma(1/2, kT))."""
    for beta, gap in [(0.5, 1.0), (1.0, 1.0), (2.0, 0.3)]:
        sc = DiscreteScatterer(np.array([0.0, gap]))
        pm = stationary_distribution(kick_markov_matrix(sc, beta, 1.0, "maxwell"))
        assert pm[1] / pm[0] == pytest.approx(erfc(np.sqrt(beta * gap)), rel=1e-12)
        pe = stationary_distribution(kick_markov_matrix(sc, beta, 1.0, "effusion"))
        assert pe[1] / pe[0] == pytest.approx(np.exp(-beta * gap), rel=1e-12)


def test_three_level_maxwell_matrix_by_hand():
    """Levels 0, 1, 2 with the uniform rule and Maxwell kicks; S(x) = erfc(sqrt(beta x))."""
    beta = 0.8
    s = lambda x: erfc(np.sqrt(beta * x))
    hand = np.array(
        [
            [1 - s(1) + 0.5 * (s(1) - s(2)) + s(2) / 3, 0.5 * (s(1) - s(2)) + s(2) / 3, s(2) / 3],
            [0.5 * (1 - s(1)) + s(1) / 3, 0.5 * (1 - s(1)) + s(1) / 3, s(1) / 3],
            [1 / 3, 1 / 3, 1 / 3],
        ]
    )
    m = kick_markov_matrix(DiscreteScatterer.example(), beta, 1.0, "maxwell")
    np.testing.assert_allclose(m, hand, atol=1e-14)  # exact piecewise integration, rounding


@pytest.mark.parametrize("levels", [np.array([0.0, 1.0]), np.array([0.0, 1.0, 2.0])])
def test_maxwell_kicks_do_not_thermalize(levels):
    """Sec. 4: Maxwell kicks miss the Gibbs state; the excited levels are under-populated."""
    for beta in (0.5, 1.0, 2.0):
        p = stationary_distribution(
            kick_markov_matrix(DiscreteScatterer(levels), beta, 1.0, "maxwell")
        )
        g = gibbs(levels, beta)
        assert relative_entropy(np.diag(p), np.diag(g)) > 1e-3  # far above rounding (1e-15)
        assert p[-1] < g[-1]  # Maxwell has fewer fast particles than effusion


def test_quadrature_converges():
    """A K-dependent rule: 16 and 64 nodes per interval agree to 1e-12."""
    sc = DiscreteScatterer(np.array([0.0, 0.5, 1.7]), CallableRule(smooth_rule))
    for kicks in ("effusion", "maxwell"):
        a = kick_markov_matrix(sc, 1.3, 1.0, kicks, nodes=16)
        b = kick_markov_matrix(sc, 1.3, 1.0, kicks, nodes=64)
        np.testing.assert_allclose(a, b, atol=1e-12)  # Gauss-Legendre, analytic integrand


def test_violating_rule_does_not_thermalize():
    """Without Eq. (17) even effusion kicks do not give Gibbs (here: everything in the ground)."""
    sc = DiscreteScatterer(np.array([0.0, 1.0, 2.0]), to_ground)
    np.testing.assert_allclose(
        stationary_distribution(kick_markov_matrix(sc, 1.0, 1.0)), [1.0, 0.0, 0.0], atol=1e-14
    )


@pytest.mark.parametrize("kicks", ["effusion", "maxwell"])
def test_kick_chain_monte_carlo_matches_exact(kicks):
    """MC of the collision chain vs the stationary law of the exact matrix, within 4 SE."""
    sc = DiscreteScatterer(np.array([0.0, 0.7, 1.5]), CallableRule(smooth_rule))
    est = simulate_kick_chain(
        sc, 1.2, 1.0, kicks, n_steps=300, n_replicas=4000, rng=np.random.default_rng(7)
    )
    exact = stationary_distribution(kick_markov_matrix(sc, 1.2, 1.0, kicks))
    assert np.all(np.abs(est.z_scores(exact)) < 4)  # 4 standard errors over replicas


def test_explicit_particles_give_gibbs():
    """Eqs. (22)-(23): an equilibrium gas of explicit particles thermalizes the scatterer."""
    lv = np.array([0.0, 0.6, 1.5])
    beta, mass, length, dt = 1.1, 2.0, 4.0, 1.0  # L/dt = 5.9 thermal speeds: bias ~1e-8
    est = simulate_explicit_particles(
        DiscreteScatterer(lv, UniformOpenRule(0.2)),
        beta,
        mass,
        length,
        dt,
        n_steps=1500,
        n_replicas=4000,
        rng=np.random.default_rng(8),
    )
    assert np.all(np.abs(est.z_scores(gibbs(lv, beta))) < 4)  # 4 standard errors
    pc = collision_probability(beta, mass, length, dt)
    assert abs(est.collision_fraction - pc) < 4 * est.collision_fraction_se


def test_small_box_warns_and_biases_away_from_gibbs():
    """|v| dt < L is needed by Eq. (22): for L/dt = 0.5 thermal speeds the kicks are nearly
    Maxwellian, a PhysicsWarning is issued, and the populations visibly miss Gibbs."""
    lv = np.array([0.0, 1.0])
    with pytest.warns(PhysicsWarning, match="Eq. \\(22\\)"):
        est = simulate_explicit_particles(
            DiscreteScatterer(lv),
            1.0,
            1.0,
            0.5,
            1.0,
            n_steps=600,
            n_replicas=2000,
            rng=np.random.default_rng(14),
        )
    assert est.populations[1] < gibbs(lv, 1.0)[1] - 6 * est.standard_error[1]


@pytest.mark.parametrize("reflection", [0.0, 0.4])
def test_uniform_rule_sampler_matches_its_probabilities(reflection):
    """The direct sampler of UniformOpenRule draws from p_+ + p_- (frequencies within 4 SE)."""
    rule = UniformOpenRule(reflection)
    lv = np.array([0.0, 0.3, 1.0, 2.2])
    rng = np.random.default_rng(15)
    n = 200_000
    level = rng.integers(4, size=n)
    kin = rng.exponential(1.0, n)
    drawn = rule.sample(kin, level, lv, rng)
    probs = DiscreteScatterer(lv, rule).transition_probabilities(kin, level)
    for s in range(4):
        hit = (drawn == s).astype(float)
        mean, exact = hit.mean(), probs[:, s].mean()
        se = np.sqrt(np.var(hit - probs[:, s]) / n)
        assert abs(mean - exact) < 4 * se  # 4 standard errors of the paired difference
    assert np.all(probs[np.arange(n), drawn] > 0)  # never a closed level


def test_same_seed_same_numbers():
    sc = DiscreteScatterer.example()
    runs = [
        simulate_explicit_particles(
            sc, 1.0, 1.0, 6.0, 1.0, n_steps=50, n_replicas=10, rng=np.random.default_rng(4)
        )
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0].populations, runs[1].populations)


@pytest.mark.parametrize(
    "levels, match",
    [
        (np.array([1.0, 0.0]), "ascending"),
        (np.array([0.0, 1.0, 1.0]), "ascending"),
        (np.array([0.0, np.nan]), "finite"),
        (np.array([]), "at least one"),
    ],
)
def test_bad_levels(levels, match):
    with pytest.raises(ParameterError, match=match):
        DiscreteScatterer(levels)


@pytest.mark.parametrize(
    "rule, match",
    [
        (lambda k, s, lv: np.full((len(k), len(lv)), 0.4), "sum to one"),
        (lambda k, s, lv: np.full((len(k), len(lv)), np.nan), "non-finite"),
        (lambda k, s, lv: np.full((len(k), len(lv)), 1.0 / len(lv)), "closed level"),
        (lambda k, s, lv: np.ones((len(k), 1)), "shape"),
    ],
)
def test_bad_rules(rule, match):
    sc = DiscreteScatterer(np.array([0.0, 1.0]), rule)
    with pytest.raises(ParameterError, match=match):
        kick_markov_matrix(sc, 1.0, 1.0)


def test_rule_given_as_name_or_plain_callable():
    """ "uniform" names UniformOpenRule; a plain callable becomes a CallableRule."""
    lv = np.array([0.0, 0.5, 2.0])
    by_name = kick_markov_matrix(DiscreteScatterer(lv, "uniform"), 1.0, 1.0)
    by_object = kick_markov_matrix(DiscreteScatterer(lv, UniformOpenRule()), 1.0, 1.0)
    np.testing.assert_array_equal(by_name, by_object)
    assert isinstance(DiscreteScatterer(lv, smooth_rule).rule, CallableRule)
    with pytest.raises(ParameterError, match="uniform"):
        DiscreteScatterer(lv, "metropolis")


def test_bad_arguments():
    sc = DiscreteScatterer.example()
    with pytest.raises(ParameterError, match="kicks"):
        kick_markov_matrix(sc, 1.0, 1.0, "boltzmann")
    with pytest.raises(ParameterError, match="beta"):
        kick_markov_matrix(sc, -1.0, 1.0)
    with pytest.raises(ParameterError, match="mass"):
        kick_markov_matrix(sc, 1.0, 0.0)
    with pytest.raises(ParameterError, match="dt"):
        simulate_explicit_particles(
            sc, 1.0, 1.0, 1.0, 0.0, n_steps=5, n_replicas=3, rng=np.random.default_rng(0)
        )
    with pytest.raises(ParameterError, match="reflection_probability"):
        UniformOpenRule(1.5)


def test_event_booked_occupancy_equals_per_step_counting():
    """The MC books time in a level only at level changes; compare with counting every step."""
    from thermalize.classical.scatterer_mc import _Occupancy

    rng = np.random.default_rng(21)
    n_rep, n_lv, n_steps, burn_in = 7, 3, 60, 13
    traj = rng.integers(n_lv, size=(n_steps, n_rep))
    traj[rng.random((n_steps, n_rep)) < 0.6] = -1  # -1: keep the previous level
    state = rng.integers(n_lv, size=n_rep)
    occ = _Occupancy(state, n_lv, burn_in)
    brute = np.zeros((n_rep, n_lv))
    for step in range(n_steps):
        idx = np.flatnonzero(traj[step] >= 0)
        new = traj[step, idx]
        occ.change(step, idx, state[idx], new)
        state[idx] = new
        if step >= burn_in:
            brute[np.arange(n_rep), state] += 1
    np.testing.assert_array_equal(occ.close(n_steps, state).reshape(n_rep, n_lv), brute)
