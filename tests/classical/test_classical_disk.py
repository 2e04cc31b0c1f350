"""Rotating disk, Eqs. (28)-(35) of Ehrich et al. (2020): kernel, stationary law, Eq. (35)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

from thermalize.classical.disk import RotatingDisk
from thermalize.distributions import effusion_velocity_1d
from thermalize.errors import ParameterError

KICKS = [("effusion", 1), ("effusion", 2), ("maxwell", 1), ("maxwell", 2)]


@given(st.floats(0.01, 100.0), st.floats(-5, 5), st.floats(-5, 5))
def test_collision_conserves_energy_and_angular_momentum(mu, v, w):
    """Eq. (28) in units I = 1, m = mu: mu v^2 + w^2 and mu v + w are conserved."""
    vp, wp = RotatingDisk(mu).collide(v, w)
    scale = 1.0 + mu * v * v + w * w
    assert abs(mu * vp * vp + wp * wp - mu * v * v - w * w) < 1e-12 * scale  # rounding
    assert abs(mu * vp + wp - mu * v - w) < 1e-12 * np.sqrt(scale)


@pytest.mark.parametrize("kicks, sides", KICKS)
@pytest.mark.parametrize("mu", [0.3, 1.0, 2.5])
def test_kernel_is_normalised(mu, kicks, sides):
    """Eq. (33) is a transition density in omega'."""
    disk = RotatingDisk(mu)
    edge = disk.restitution * 0.4  # kick v = 0: where one-sided kernels jump or kink

    def f(wp):
        return disk.kernel(0.4, wp, beta=1.2, mass=0.8, kicks=kicks, sides=sides)

    total = integrate.quad(f, -np.inf, edge)[0] + integrate.quad(f, edge, np.inf)[0]
    assert total == pytest.approx(1.0, abs=1e-9)  # smooth pieces: quad reaches ~1e-12


@pytest.mark.parametrize("sides", [1, 2])
@pytest.mark.parametrize("mu", [0.3, 1.0, 2.5])
def test_eq35_holds_with_time_reversed_denominator(mu, sides):
    """Eq. (35) is rho(w'|w)/rho(-w|-w'): the printed rho(-w|w') does not match the kernel."""
    disk = RotatingDisk(mu)
    rng = np.random.default_rng(3)
    w = rng.uniform(-2.0, 2.0, 400)
    wp = rng.uniform(-2.0, 2.0, 400)
    ratio = disk.detailed_balance_ratio(w, wp, 1.3, 0.9, "effusion", sides)
    closed = disk.detailed_balance_ratio_closed_form(w, wp, 1.3, 0.9)
    ok = np.isfinite(ratio) & (ratio > 0)
    assert ok.sum() > 20  # enough pairs with both transitions allowed
    np.testing.assert_allclose(ratio[ok], closed[ok], rtol=1e-10)  # pdf ratios: rounding
    if mu == 1.0:
        return  # a = 0: the kernel ignores the initial omega and both forms coincide
    den = disk.kernel(wp, -w, beta=1.3, mass=0.9, sides=sides)  # printed rho(-w|w')
    both = ok & (den > 0)
    printed = disk.kernel(w, wp, beta=1.3, mass=0.9, sides=sides)[both] / den[both]
    assert both.sum() > 20
    assert np.max(np.abs(printed / closed[both] - 1)) > 1e-2


@pytest.mark.parametrize("mu", [0.3, 2.5])
def test_effusion_breaks_and_maxwell_obeys_gibbs_detailed_balance(mu):
    """Eq. (35): effusion kicks miss the Gibbs ratio by the volume factor; two-sided Maxwell
    kicks satisfy it exactly (why Ref. [21] found Maxwell fixed points)."""
    disk = RotatingDisk(mu)
    w, wp = np.array([0.2, -0.7, 1.1]), np.array([0.9, 0.4, -0.3])
    gibbs = disk.gibbs_ratio(w, wp, 0.7, 1.4)
    np.testing.assert_allclose(
        disk.detailed_balance_ratio(w, wp, 0.7, 1.4, "maxwell", 2), gibbs, rtol=1e-12
    )
    eff = disk.detailed_balance_ratio(w, wp, 0.7, 1.4, "effusion", 2)
    assert np.max(np.abs(eff / gibbs - 1)) > 0.1


def _grid_energy(disk, kicks, sides, beta, mass, n=400):
    """Richardson extrapolation of the O(h^2) grid error (n and 2n cells)."""
    coarse = disk.stationary_grid(beta, mass, kicks, sides, n_grid=n).mean_energy
    fine = disk.stationary_grid(beta, mass, kicks, sides, n_grid=2 * n).mean_energy
    return (4 * fine - coarse) / 3, abs(fine - coarse)


@pytest.mark.parametrize("kicks, sides", KICKS)
@pytest.mark.parametrize("mu", [0.3, 1.0, 2.5])
def test_stationary_energy_grid_vs_closed_form_vs_mc(mu, kicks, sides):
    """Three methods for <I w^2/2>: closed form, kernel on a grid, Monte Carlo (4 SE)."""
    disk, beta, mass = RotatingDisk(mu), 1.3, 0.7
    exact = disk.stationary_moments(beta, mass, kicks, sides).mean_energy
    grid, change = _grid_energy(disk, kicks, sides, beta, mass)
    # extrapolated grid: error well below the raw n -> 2n change (itself ~1e-3 relative)
    assert grid == pytest.approx(exact, rel=max(0.05 * change / exact, 1e-6))
    mc = disk.simulate(
        beta, mass, kicks, sides, n_steps=300, n_replicas=3000, rng=np.random.default_rng(9)
    )
    assert abs(mc.mean_energy - exact) < 4 * mc.mean_energy_se  # 4 standard errors


def test_mean_energy_is_not_gibbs():
    """Two-sided effusion: <E> = kT for every mu (Gibbs: kT/2); one-sided: kT[(1 - pi/4) +
    pi/(4 mu)], which meets kT/2 only at mu = pi/(pi - 2) (hand derivation, docs)."""
    beta = 2.0
    for mu in (0.1, 0.5, 1.0, 4.0):
        disk = RotatingDisk(mu)
        assert beta * disk.stationary_moments(beta, 1.0, "effusion", 2).mean_energy == (
            pytest.approx(1.0, rel=1e-14)
        )
        one = beta * disk.stationary_moments(beta, 1.0, "effusion", 1).mean_energy
        assert one == pytest.approx(1 - np.pi / 4 + np.pi / (4 * mu), rel=1e-14)
        assert beta * disk.stationary_moments(beta, 1.0, "maxwell", 2).mean_energy == (
            pytest.approx(0.5, rel=1e-14)
        )
    special = RotatingDisk(np.pi / (np.pi - 2))
    assert beta * special.stationary_moments(beta, 1.0, "effusion", 1).mean_energy == (
        pytest.approx(0.5, rel=1e-14)
    )


def test_mu_one_stationary_law_is_the_kick_law():
    """mu = 1: omega' = v, so omega is effusion-distributed after one collision."""
    sol = RotatingDisk(1.0).stationary_grid(1.0, 1.0, "effusion", 2, n_grid=800)
    law = effusion_velocity_1d(1.0, 1.0, sides=2)
    cell = law.cdf(sol.edges[1:]) - law.cdf(sol.edges[:-1])
    np.testing.assert_allclose(sol.probabilities, cell, atol=1e-12)  # a = 0: exact rows


def test_maxwell_two_sided_stationary_law_is_gibbs():
    """Gaussian kicks: omega is Gaussian with variance 1/(beta I), the Gibbs law."""
    disk, beta, mass = RotatingDisk(0.4), 1.5, 2.0
    sol = disk.stationary_grid(beta, mass, "maxwell", 2, n_grid=1000)
    sd = 1.0 / np.sqrt(beta * disk.moment_of_inertia(mass))
    gauss = np.exp(-0.5 * (sol.centers / sd) ** 2) / (np.sqrt(2 * np.pi) * sd)
    # O(h^2) discretisation with h = 24 sd/1000: relative density error ~1e-3
    np.testing.assert_allclose(sol.density, gauss, atol=2e-3 * gauss.max())


def test_same_seed_same_numbers():
    runs = [
        RotatingDisk(0.5).simulate(
            1.0, 1.0, n_steps=20, n_replicas=10, rng=np.random.default_rng(1)
        )
        for _ in range(2)
    ]
    assert runs[0].mean_energy == runs[1].mean_energy


def test_bad_input():
    with pytest.raises(ParameterError, match="mass_ratio"):
        RotatingDisk(-1.0)
    disk = RotatingDisk(1.0)
    with pytest.raises(ParameterError, match="kicks"):
        disk.kernel(0.0, 0.0, beta=1.0, mass=1.0, kicks="gauss")
    with pytest.raises(ParameterError, match="sides"):
        disk.stationary_moments(1.0, 1.0, sides=3)
    with pytest.raises(ParameterError, match="beta"):
        disk.stationary_moments(-1.0, 1.0)
    with pytest.raises(ParameterError, match="dt"):
        disk.collision_map(0.0)
