"""Collision probability Eq. (25) and colliding velocities Eq. (27) of Ehrich et al. (2020)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from thermalize.classical.gas import (
    colliding_speed_cdf,
    colliding_velocity_pdf,
    collision_probability,
    collision_probability_asymptote,
    collision_probability_quadrature,
    crosses_scatterer,
    sample_gas,
    simulate_collisions,
)
from thermalize.distributions import effusion_velocity_1d
from thermalize.errors import ParameterError

PARAMS = [(1.0, 1.0, 10.0, 1.0), (0.3, 2.5, 1.0, 2.0), (4.0, 0.5, 0.05, 1.0), (1.0, 1.0, 3.0, 0.7)]


@pytest.mark.parametrize("beta, mass, length, dt", PARAMS)
def test_closed_form_matches_quadrature(beta, mass, length, dt):
    """Eq. (25), closed form (integration by parts) vs adaptive quadrature of its first line."""
    exact = collision_probability(beta, mass, length, dt)
    quad = collision_probability_quadrature(beta, mass, length, dt)
    # quad runs at epsrel 1e-12; erf/expm1 are accurate to ~1e-16: 1e-10 leaves a margin
    assert quad == pytest.approx(exact, rel=1e-10)


def test_large_box_asymptote_and_small_box_limit():
    """Eq. (25) third line: pi_c -> dt/(sqrt(2 pi beta m) L); L -> 0: half the particles cross."""
    big = collision_probability(1.0, 1.0, 12.0, 1.0)  # a = 12: corrections ~ exp(-72)
    # the difference to the asymptote is erfc(a/sqrt 2)/2 - exp(-a^2/2)/(sqrt(2pi) a) ~ 1e-33
    assert big == pytest.approx(collision_probability_asymptote(1.0, 1.0, 12.0, 1.0), rel=1e-14)
    # a = 1e-6: pi_c = 1/2 - a/(2 sqrt(2 pi)) + O(a^3): deviation ~2e-7
    assert collision_probability(1.0, 1.0, 1e-6, 1.0) == pytest.approx(0.5, abs=1e-6)


@given(st.floats(0.05, 20.0), st.floats(0.05, 20.0), st.floats(1e-3, 50.0), st.floats(0.01, 5.0))
def test_probability_bounds_and_monotone(beta, mass, length, dt):
    """pi_c is the mean of a Gaussian tail over [0, a]: in (0, 1/2], decreasing in L."""
    p = collision_probability(beta, mass, length, dt)
    assert 0.0 < p <= 0.5
    assert collision_probability(beta, mass, 1.5 * length, dt) < p


@pytest.mark.parametrize("length", [0.3, 2.0, 8.0])
def test_monte_carlo_collision_probability(length):
    """Explicit particles (uniform positions, Maxwell velocities, free flight) vs Eq. (25)."""
    s = simulate_collisions(1.0, 1.0, length, 1.0, 400_000, rng=np.random.default_rng(11))
    exact = collision_probability(1.0, 1.0, length, 1.0)
    assert abs(s.probability - exact) < 4 * s.standard_error  # 4 binomial standard errors


def test_colliding_velocities_follow_effusion_for_large_box():
    """Eq. (27): for L/dt >> thermal speed colliders are effusion-distributed (KS + moments)."""
    beta, mass, length, dt = 1.0, 2.0, 30.0, 1.0  # L/dt = 42 thermal speeds
    s = simulate_collisions(beta, mass, length, dt, 2_000_000, rng=np.random.default_rng(5))
    law = effusion_velocity_1d(beta, mass, sides=1)  # law of |v| under Eq. (27)
    speed = np.abs(s.velocities)
    # KS at the 1e-3 level: a fixed seed either passes or fails, no flakiness
    assert stats.kstest(speed, law.cdf).pvalue > 1e-3
    for k in (1, 2, 3):
        mom = speed**k
        se = mom.std(ddof=1) / np.sqrt(mom.size)
        exact = law.moment(k)  # E|v|^k of effusion, closed form
        assert abs(mom.mean() - exact) < 4 * se  # 4 standard errors from the same sample


def test_colliding_velocities_deviate_for_small_box():
    """L/dt below the thermal speed: colliders are not effusive; the exact finite-L law holds."""
    beta, mass, length, dt = 1.0, 1.0, 0.3, 1.0
    s = simulate_collisions(beta, mass, length, dt, 400_000, rng=np.random.default_rng(6))
    speed = np.abs(s.velocities)
    eff = effusion_velocity_1d(beta, mass, sides=1)
    assert stats.kstest(speed, eff.cdf).pvalue < 1e-10  # effusion clearly rejected
    exact_cdf = lambda u: colliding_speed_cdf(u, beta, mass, length, dt)
    assert stats.kstest(speed, exact_cdf).pvalue > 1e-3  # exact finite-L law accepted
    # and the mean |v| sits between the effusion and the Maxwell values
    assert np.sqrt(2 / np.pi) < speed.mean() < eff.mean()


def test_colliding_pdf_is_normalised_and_matches_cdf():
    """The exact colliding law integrates to one and its CDF is its integral."""
    from scipy import integrate

    args = (0.7, 1.3, 0.8, 1.1)
    total, _ = integrate.quad(
        lambda v: colliding_velocity_pdf(v, *args), -np.inf, np.inf, epsabs=1e-13, points=None
    )
    assert total == pytest.approx(1.0, abs=1e-9)  # quad accuracy ~1e-12
    part, _ = integrate.quad(lambda v: 2 * colliding_velocity_pdf(v, *args), 0.0, 0.6)
    assert float(colliding_speed_cdf(0.6, *args)) == pytest.approx(part, abs=1e-10)


def test_crossing_condition_matches_eq22():
    """0 < -y < v dt for v > 0, mirror image for v < 0, nothing for flights that stop short."""
    y = np.array([-1.0, -1.0, 1.0, 1.0, -0.5])
    v = np.array([1.5, 0.9, -1.5, 1.5, -3.0])
    np.testing.assert_array_equal(crosses_scatterer(y, v, 1.0), [True, False, True, False, False])


def test_same_seed_same_numbers():
    a = simulate_collisions(1.0, 1.0, 2.0, 1.0, 10_000, rng=np.random.default_rng(3))
    b = simulate_collisions(1.0, 1.0, 2.0, 1.0, 10_000, rng=np.random.default_rng(3))
    assert a.n_collisions == b.n_collisions
    np.testing.assert_array_equal(a.velocities, b.velocities)
    y1, _ = sample_gas(5, 1.0, 1.0, 1.0, rng=np.random.default_rng(2))
    y2, _ = sample_gas(5, 1.0, 1.0, 1.0, rng=np.random.default_rng(2))
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"beta": -1.0}, "beta"),
        ({"mass": -2.0}, "mass"),
        ({"dt": 0.0}, "dt"),
        ({"length": np.nan}, "length"),
    ],
)
def test_bad_input(kwargs, name):
    args = {"beta": 1.0, "mass": 1.0, "length": 1.0, "dt": 1.0} | kwargs
    with pytest.raises(ParameterError, match=name):
        collision_probability(**args)
    with pytest.raises(ParameterError, match=name):
        simulate_collisions(**args, n_particles=10, rng=np.random.default_rng(0))
    with pytest.raises(ParameterError, match="rng"):
        simulate_collisions(1.0, 1.0, 1.0, 1.0, 10, rng=0)
