"""Gas and Fermi-Dirac laws: normalisation, exact moments, KS tests of the samplers."""

import numpy as np
import pytest
from scipy import integrate, stats

from thermalize import ParameterError
from thermalize.distributions import (
    effusion_momentum_1d,
    effusion_speed_3d,
    effusion_velocity_1d,
    fermi_dirac,
    maxwell_momentum_1d,
    maxwell_speed_3d,
    maxwell_velocity_1d,
    sample_fermi_occupations,
)

BETA, MASS = 1.7, 0.6
LAWS = {
    "maxwell_velocity_1d": maxwell_velocity_1d(BETA, MASS),
    "maxwell_speed_3d": maxwell_speed_3d(BETA, MASS),
    "effusion_1d_one_sided": effusion_velocity_1d(BETA, MASS),
    "effusion_1d_two_sided": effusion_velocity_1d(BETA, MASS, sides=2),
    "effusion_speed_3d": effusion_speed_3d(BETA, MASS),
    "maxwell_momentum_1d": maxwell_momentum_1d(BETA, MASS),
    "effusion_momentum_1d": effusion_momentum_1d(BETA, MASS),
}
# closed-form densities written independently of scipy.stats.chi
a_v, a_p = BETA * MASS, BETA / MASS
CLOSED = {
    "maxwell_velocity_1d": lambda v: np.sqrt(a_v / (2 * np.pi)) * np.exp(-a_v * v**2 / 2),
    "maxwell_speed_3d": lambda v: 4 * np.pi * v**2 * (a_v / (2 * np.pi)) ** 1.5
    * np.exp(-a_v * v**2 / 2) * (v > 0),
    "effusion_1d_one_sided": lambda v: a_v * v * np.exp(-a_v * v**2 / 2) * (v > 0),
    "effusion_1d_two_sided": lambda v: 0.5 * a_v * np.abs(v) * np.exp(-a_v * v**2 / 2),
    "effusion_speed_3d": lambda v: 0.5 * a_v**2 * v**3 * np.exp(-a_v * v**2 / 2) * (v > 0),
    "maxwell_momentum_1d": lambda p: np.sqrt(a_p / (2 * np.pi)) * np.exp(-a_p * p**2 / 2),
    "effusion_momentum_1d": lambda p: a_p * p * np.exp(-a_p * p**2 / 2) * (p > 0),
}


@pytest.mark.parametrize("name", LAWS)
def test_pdf_matches_closed_form_and_normalised(name):
    law = LAWS[name]
    x = np.linspace(-6, 6, 241)
    np.testing.assert_allclose(law.pdf(x), CLOSED[name](x), rtol=1e-12, atol=1e-300)
    total, err = integrate.quad(law.pdf, -np.inf, np.inf)
    assert total == pytest.approx(1.0, abs=1e-9)  # quad's own error estimate is ~1e-10


@pytest.mark.parametrize("name", LAWS)
def test_moments_exact(name):
    law = LAWS[name]
    for k in (1, 2, 3, 4):
        num, _ = integrate.quad(lambda x: x**k * CLOSED[name](x), -np.inf, np.inf)
        assert law.moment(k) == pytest.approx(num, rel=1e-8, abs=1e-10)  # quad accuracy
    # the physics: <v^2> = n_dof / (beta m) for Maxwell, equipartition
    assert LAWS["maxwell_speed_3d"].moment(2) == pytest.approx(3 / a_v, rel=1e-14)


@pytest.mark.parametrize("name", LAWS)
def test_sampler_ks_and_cdf(name):
    law = LAWS[name]
    x = law.sample(20000, rng=np.random.default_rng(11))
    # KS test of exact sampling against the cdf: p > 1e-3 fails only by chance (seeded)
    assert stats.kstest(x, law.cdf).pvalue > 1e-3
    # cdf is the integral of pdf
    for q in (-0.7, 0.3, 1.9):
        ref, _ = integrate.quad(law.pdf, -np.inf, q)
        assert law.cdf(q) == pytest.approx(ref, abs=1e-9)
    # sample mean within 4 standard errors of the exact mean
    se = np.sqrt(law.var() / x.size)
    assert abs(x.mean() - law.mean()) < 4 * se


def test_same_seed_same_numbers():
    law = LAWS["effusion_speed_3d"]
    np.testing.assert_array_equal(
        law.sample(10, rng=np.random.default_rng(5)), law.sample(10, rng=np.random.default_rng(5))
    )


def test_fermi_dirac_values_and_limits():
    e = np.array([-2.0, 0.0, 0.5, 3.0])
    np.testing.assert_allclose(fermi_dirac(e, 2.0, 0.5), 1 / (np.exp(2.0 * (e - 0.5)) + 1))
    assert fermi_dirac(np.array([1e4]), 1e4)[0] == 0.0  # no overflow
    np.testing.assert_array_equal(fermi_dirac(e, np.inf, 0.5), [1.0, 1.0, 0.5, 0.0])
    np.testing.assert_array_equal(fermi_dirac(e, -np.inf, 0.5), [0.0, 0.0, 0.5, 1.0])
    np.testing.assert_allclose(fermi_dirac(e, 0.0), 0.5)


def test_fermi_occupation_sampling_moments():
    e = np.linspace(-1, 1, 5)
    occ = sample_fermi_occupations(e, 3.0, 0.2, size=40000, rng=np.random.default_rng(1))
    f = fermi_dirac(e, 3.0, 0.2)
    se = np.sqrt(f * (1 - f) / occ.shape[0])  # Bernoulli standard error
    assert np.all(np.abs(occ.mean(axis=0) - f) < 4 * se)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: maxwell_velocity_1d(-1.0, 1.0), "beta"),
        (lambda: maxwell_velocity_1d(1.0, 0.0), "mass"),
        (lambda: effusion_velocity_1d(1.0, 1.0, sides=3), "sides"),
        (lambda: maxwell_speed_3d(np.nan, 1.0), "beta"),
        (lambda: fermi_dirac([0.0], np.nan), "beta"),
        (lambda: fermi_dirac([np.nan], 1.0), "energy"),
        (lambda: LAWS["maxwell_speed_3d"].sample(3, rng=5), "rng"),
        (lambda: LAWS["maxwell_speed_3d"].sample(-1, rng=np.random.default_rng()), "n"),
        # issue 15: strings, None and arrays where a number belongs; out-of-range extremes
        (lambda: maxwell_velocity_1d("hot", 1.0), r"beta: expected a real number, got 'hot'"),
        (lambda: maxwell_velocity_1d(None, 1.0), "beta"),
        (lambda: maxwell_velocity_1d(1.0, [1.0, 2.0]), "mass"),
        (lambda: fermi_dirac([0.0], "2.0"), "beta"),
        (lambda: fermi_dirac([0.0], 1.0, mu="zero"), "mu"),
        (lambda: maxwell_velocity_1d(5e-324, 5e-324), "beta"),  # width 2e323: overflow
        (lambda: LAWS["maxwell_speed_3d"].moment(10**6), "k"),
        (lambda: LAWS["maxwell_speed_3d"].sample(2**40, rng=np.random.default_rng()), "n"),
        (lambda: LAWS["maxwell_speed_3d"].pdf("x"), "x"),
        (lambda: LAWS["maxwell_speed_3d"].pdf(b"1.0"), "x: expected real numbers"),  # bytes
    ],
)
def test_bad_input(call, name):
    with pytest.raises(ParameterError, match=name):
        call()
