"""Uniformization of birth-death rate equations (the fast path of Eq. (11) for spin ladders)."""

import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import given
from hypothesis import strategies as st

from thermalize import ParameterError
from thermalize.gas import birth_death_evolve, birth_death_generator, birth_death_stationary


def _rates(d, rng, bias=0.0):
    up = rng.uniform(0.1, 2.0, d) * np.exp(bias * np.arange(d) / d)
    down = rng.uniform(0.1, 2.0, d)
    up[-1], down[0] = 0.0, 0.0
    return up, down


@pytest.mark.parametrize("bias", [0.0, 8.0, -8.0])
def test_uniformization_matches_dense_expm(bias):
    rng = np.random.default_rng(11)
    up, down = _rates(12, rng, bias)
    w = birth_death_generator(up, down)
    p0 = rng.dirichlet(np.ones(12))
    t = np.array([0.0, 0.3, 2.0, 7.5])
    ref = np.array([sla.expm(w * x) @ p0 for x in t])
    # expm (Pade, 1-norm ~ 10) and uniformization (tail 1e-14) are both ~1e-14 accurate
    np.testing.assert_allclose(birth_death_evolve(up, down, p0, t), ref, rtol=0, atol=1e-12)


def test_strongly_biased_ladder_keeps_absolute_accuracy():
    """Stationary populations spanning e^{240} ~ 1e104: eigenvector methods lose all digits, the
    non-negative uniformization sum does not. Reference: expm of the 2x-refined time step
    composition (exact semigroup law P(2t) = P(t)^2)."""
    d = 41
    up = np.full(d, 2.0)
    down = np.full(d, 2.0 * np.exp(-6.0))
    up[-1], down[0] = 0.0, 0.0
    p0 = np.zeros(d)
    p0[0] = 1.0
    t = np.array([1.0, 2.0])
    p = birth_death_evolve(up, down, p0, t)
    p_half = birth_death_evolve(up, down, p0, [1.0])[0]
    p_twice = birth_death_evolve(up, down, p_half, [1.0])[0]
    assert np.all(p >= 0)
    np.testing.assert_allclose(p[1], p_twice, rtol=0, atol=1e-13)  # semigroup: rounding only
    w = birth_death_generator(up, down)
    np.testing.assert_allclose(p[0], sla.expm(w) @ p0, rtol=0, atol=1e-12)
    pi = birth_death_stationary(up, down)
    assert pi[0] < 1e-100 and abs(pi.sum() - 1) < 1e-15  # e^{-240} ~ 6e-105


@given(st.integers(2, 9), st.integers(0, 2**31), st.floats(0.0, 5.0))
def test_mass_conservation_and_positivity(d, seed, t):
    rng = np.random.default_rng(seed)
    up, down = _rates(d, rng, rng.uniform(-10, 10))
    p0 = rng.dirichlet(np.ones(d))
    p = birth_death_evolve(up, down, p0, [t])[0]
    assert np.all(p >= 0)
    # renormalised Poisson weights: only rounding, ~d*eps per product over up to ~1e3
    # sub-steps here (Lambda t up to ~2e5 with the random bias)
    assert abs(p.sum() - 1) < 1e-11


def test_stationary_satisfies_generator():
    rng = np.random.default_rng(2)
    up, down = _rates(7, rng, 3.0)
    w = birth_death_generator(up, down)
    assert np.max(np.abs(w @ birth_death_stationary(up, down))) < 1e-15


def test_bad_rates_rejected():
    with pytest.raises(ParameterError, match="up"):
        birth_death_evolve([1.0, 1.0], [0.0, 1.0], [1.0, 0.0], [1.0])
    with pytest.raises(ParameterError, match="times"):
        birth_death_evolve([1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [-1.0])


@pytest.mark.parametrize("bias", [0.0, 3.0])
def test_windowed_path_for_large_ladders_matches_dense_expm(bias):
    """d > 256 uses the moving-window uniformization; compare with dense expm (d = 400)."""
    rng = np.random.default_rng(4)
    up, down = _rates(400, rng, bias)
    w = birth_death_generator(up, down)
    p0 = np.zeros(400)
    p0[0] = 1.0
    t = np.array([0.5, 20.0])
    ref = np.array([sla.expm(w * x) @ p0 for x in t])
    # window truncation <= d * 1e-20 per sub-step; expm ~1e-13 at ||W t|| ~ 100
    np.testing.assert_allclose(birth_death_evolve(up, down, p0, t), ref, rtol=0, atol=1e-11)


def test_long_times_on_large_ladders_cost_the_relaxation_time_not_t():
    """Regression: the windowed path (d > 256) propagated every sub-step up to t even after
    reaching the stationary state (J = 1000 to t = 300 took ~40 s, t = 1e3 ~110 s)."""
    import time

    from thermalize.gas import SpinGasModel

    m = SpinGasModel(
        1000,
        1.0,
        2.0,
        temperature_internal=1.0,
        temperature_motional=1.0,
        recoil_energy=1.0,
    )
    t0 = time.perf_counter()
    p = m.populations([0.0, 300.0])
    elapsed = time.perf_counter() - t0
    # relaxes within t ~ 1 (checked: 1-norm distance 2e-16 at t = 1); now ~0.1 s, 50x margin
    # for a loaded 2-core machine against a ~40 s cost before the fix
    assert elapsed < 5.0
    # the stationary cut-off returns the stationary populations (1-norm distance <= 1e-12)
    assert np.abs(p[-1] - m.stationary_populations()).sum() <= 1e-12


@pytest.mark.parametrize(
    "params",
    [
        # issue 18 trigger: inverted gas (T_eff < 0), populations pile up at m = +J
        dict(omega_s=0.5, detuning=1.7, temperature_internal=2.0, temperature_motional=0.6,
             recoil_energy=1.2),
        # non-inverted two-temperature gas (T_eff > 0)
        dict(omega_s=1.0, detuning=0.5, temperature_internal=1.3, temperature_motional=0.7,
             recoil_energy=0.8),
    ],
)
def test_large_relaxed_ladders_conserve_probability_and_take_the_stationary_shortcut(params):
    """Issue 18 item 1: above 256 levels the windowed propagation lost ~1e-12 of probability, so
    the 1e-12 stationary cut-off never fired for the inverted gas (t = 400 took 258 s at J = 1000).
    Now each step restores the mass and the cut-off scales with d."""
    import time

    from thermalize.gas import SpinGasModel

    m = SpinGasModel(1000, **params)
    beta = m.effective_inverse_temperature()
    t0 = time.perf_counter()
    p = m.populations([0.0, 3.0, 400.0])
    elapsed = time.perf_counter() - t0
    # conserved to rounding: a sum of 2001 terms carries a relative rounding error <= d eps
    assert np.all(np.abs(p.sum(axis=1) - 1.0) <= m.dimension * np.finfo(float).eps)
    assert p.min() >= 0.0
    # independent stationary law, Eq. (21): Gibbs at omega_S beta = omega_A/T_A - Delta/T_M,
    # from log-weights (the populations span e^{|beta| omega_S 2J} ~ 1e1500 for the inverted gas)
    logw = -beta * m.energies()
    gibbs = np.exp(logw - logw.max())
    gibbs /= gibbs.sum()
    # both relax within t ~ 3 (1-norm distance < 1e-13 checked); the shortcut returns the
    # stationary populations, equal to Eq. (21) up to the rounding of a 2001-term log-space sum
    assert np.abs(p[-1] - gibbs).sum() <= 1e-11
    # before: 258 s for the inverted case; now ~1 s: 20x margin for a loaded 2-core machine
    assert elapsed < 20.0
