"""Exact thinning of the explicit-particle Monte Carlo (Ehrich et al. 2020, Eqs. 22-25).

The thinned sampler must reproduce the law of the direct simulation exactly: the crossing
probability pi_c of Eq. (25), the law of the crossing speeds (the effusion law with the box
cut-off, Eq. 26), and therefore the same stationary populations.
"""

import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import erfc

from thermalize.classical._crossing import CrossingSampler
from thermalize.classical.gas import collision_probability
from thermalize.classical.rules import CallableRule, UniformOpenRule
from thermalize.classical.scatterer import DiscreteScatterer
from thermalize.classical.scatterer_mc import (
    DirectDraw,
    Thinned,
    _Occupancy,
    simulate_explicit_particles,
)
from thermalize.errors import ParameterError

# reach a = sigma dt / (2 L): 0.1 is the benchmark's L/dt = 5 thermal speeds, 1 and 3 have
# most particles flying past the box edge (the |v| dt > L regime), 1e-3 is a huge box
REACHES = [1e-3, 0.05, 0.1, 0.37, 1.0, 3.0]


def box_pi_c(a):
    """pi_c of Eq. (25) in box units (sigma = dt = 1, L = 1 / (2 a))."""
    return float(collision_probability(1.0, 1.0, 0.5 / a, 1.0))


def crossing_speed_cdf(s, a):
    """Exact CDF of s = |v| / sigma over crossing particles: density psi(s) min(a s, 1/2)."""
    s = np.asarray(s, dtype=float)
    knee = 0.5 / a  # a s = 1/2
    below = a * math.sqrt(2.0 / math.pi) * -np.expm1(-0.5 * np.minimum(s, knee) ** 2)
    above = 0.5 * (erfc(knee / math.sqrt(2.0)) - erfc(np.maximum(s, knee) / math.sqrt(2.0)))
    return (below + above) / box_pi_c(a)


@pytest.mark.parametrize("a", REACHES)
def test_thinned_crossings_have_the_direct_law(a):
    """Q x P(cross | candidate) = pi_c within 4 standard errors, and the crossing speeds
    follow the exact law psi(s) min(a s, 1/2) / pi_c (KS test at the 1e-3 level)."""
    sampler = CrossingSampler(a)
    rng = np.random.default_rng(11)
    n = 400_000
    crossed, speed = sampler.cross(n, rng)
    p = crossed.mean()
    q = sampler.candidate_probability
    pc = box_pi_c(a)
    assert q >= pc  # every crossing is a candidate
    assert abs(q * p - pc) < 4 * q * math.sqrt(p * (1 - p) / n)  # 4 standard errors
    assert p > 0.9  # 256 cells: ~97 % of the candidates cross, so thinning is cheap
    ks = stats.kstest(speed[crossed], lambda s: crossing_speed_cdf(s, a))
    assert ks.pvalue > 1e-3


def test_candidate_gaps_are_geometric():
    """Steps between candidates are geometric(Q): mean 1/Q and P(gap = 1) = Q, 4 SE."""
    sampler = CrossingSampler(0.1)
    q = sampler.candidate_probability
    gaps = sampler.gaps(500_000, np.random.default_rng(12))
    assert gaps.min() >= 1
    se_mean = math.sqrt((1 - q) / q**2 / gaps.size)
    assert abs(gaps.mean() - 1 / q) < 4 * se_mean
    ones = (gaps == 1).mean()
    assert abs(ones - q) < 4 * math.sqrt(q * (1 - q) / gaps.size)


def test_direct_sampling_agrees_with_closed_forms():
    """The reference method itself (every particle drawn) gives pi_c (4 SE)."""
    sc = DiscreteScatterer(np.array([0.0, 0.5]))
    est = simulate_explicit_particles(
        sc,
        1.0,
        1.0,
        6.0,
        1.0,
        n_steps=200,
        n_replicas=500,
        rng=np.random.default_rng(3),
        method=DirectDraw(),
    )
    pc = collision_probability(1.0, 1.0, 6.0, 1.0)
    assert abs(est.collision_fraction - pc) < 4 * est.collision_fraction_se


@pytest.mark.filterwarnings("ignore::thermalize.errors.PhysicsWarning")
@pytest.mark.parametrize(
    "levels, rule, beta, mass, length, dt",
    [
        (np.array([0.0, 0.4, 1.3, 1.7]), UniformOpenRule(0.3), 0.8, 1.7, 3.0, 0.6),
        (np.array([-0.5, 0.9]), CallableRule.example(), 2.0, 0.5, 0.7, 1.0),  # |v| dt > L
    ],
)
def test_thinned_and_direct_give_the_same_populations(levels, rule, beta, mass, length, dt):
    """Both methods estimate the same populations and pi_c: independent runs agree within
    4 combined standard errors (independent replicas, so the errors add in quadrature)."""
    sc = DiscreteScatterer(levels, rule)
    runs = [
        simulate_explicit_particles(
            sc,
            beta,
            mass,
            length,
            dt,
            n_steps=600,
            n_replicas=1500,
            rng=np.random.default_rng(seed),
            method=method,
        )
        for seed, method in ((5, Thinned()), (6, DirectDraw()))
    ]
    thin, direct = runs
    se = np.hypot(thin.standard_error, direct.standard_error)
    assert np.all(np.abs(thin.populations - direct.populations) < 4 * se)
    se_c = math.hypot(thin.collision_fraction_se, direct.collision_fraction_se)
    assert abs(thin.collision_fraction - direct.collision_fraction) < 4 * se_c


def test_batched_occupancy_equals_per_step_counting():
    """`_Occupancy.change_many` (one booking per pass, repeats per replica, steps in any
    replica order) gives the same counts as counting the level at every step."""
    rng = np.random.default_rng(22)
    n_rep, n_lv, n_steps, burn_in = 9, 4, 80, 17
    state = rng.integers(n_lv, size=n_rep)
    occ = _Occupancy(state, n_lv, burn_in)
    brute = np.zeros((n_rep, n_lv))
    current = state.copy()
    events = []  # (replica, step, old, new)
    for step in range(n_steps):
        for i in range(n_rep):
            if rng.random() < 0.3:
                new = int(rng.integers(n_lv))
                events.append((i, step, current[i], new))
                current[i] = new
            if step >= burn_in:
                brute[i, current[i]] += 1
    ev = np.array(events)
    rows = np.arange(n_rep)
    occ.change_many(rows, ev[:, 0], ev[:, 2], ev[:, 3], ev[:, 1])
    np.testing.assert_array_equal(occ.close(n_steps, current).reshape(n_rep, n_lv), brute)


def test_bad_method():
    with pytest.raises(ParameterError, match="cells"):
        Thinned(cells=0)
    with pytest.raises(ParameterError, match="method='exact'.*Thinned"):
        simulate_explicit_particles(
            DiscreteScatterer.example(),
            1.0,
            1.0,
            5.0,
            1.0,
            n_steps=5,
            n_replicas=3,
            rng=np.random.default_rng(0),
            method="exact",
        )


def test_same_seed_same_numbers_both_methods():
    for method in (Thinned(), Thinned(cells=17), DirectDraw()):
        runs = [
            simulate_explicit_particles(
                DiscreteScatterer.example(),
                1.0,
                1.0,
                6.0,
                1.0,
                n_steps=300,
                n_replicas=50,
                rng=np.random.default_rng(4),
                method=method,
            ).populations
            for _ in range(2)
        ]
        np.testing.assert_array_equal(*runs)
