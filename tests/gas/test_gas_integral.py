"""I(alpha, s) of Eq. (20) of Gaida et al. (2025): closed form vs 30-digit quadrature, symmetry."""

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import quad

from thermalize import ParameterError
from thermalize.gas import log_rate_integral, rate_integral


def _mp_eq20(alpha: float, s: float) -> mp.mpf:
    """Eq. (20) integrated directly with mpmath at 30 digits (z = max(0,s) + u^2 removes the
    square-root end point); sinh written as e^x(1 - e^{-2x})/2 so nothing overflows."""
    with mp.workdps(30):
        a, s = mp.mpf(alpha), mp.mpf(s)

        def f(u):
            z = (max(0, s)) + u * u
            x = 2 * mp.sqrt(z) * mp.sqrt(z - s)
            return 2 * u * mp.exp(s - (2 + a) * z + x) * (1 - mp.exp(-2 * x)) / 2

        width = 1 / mp.sqrt(a)
        pts = [0] + [width * k / 4 for k in range(1, 161)] + [mp.inf]
        return mp.quad(f, pts)


@pytest.mark.slow
@pytest.mark.parametrize("alpha", [0.02, 0.3, 1.0, 6.0])
@pytest.mark.parametrize("s", [-30.0, -3.0, -0.05, 0.0, 0.05, 3.0, 30.0])
def test_rate_integral_matches_mpmath(alpha, s):
    """Closed form (Bessel K_1) vs Eq. (20) at 30 digits; the issue's bound is relative 1e-8."""
    ref = _mp_eq20(alpha, s)
    assert abs(float(rate_integral(alpha, s) / ref) - 1.0) < 1e-8
    # log form: absolute 1e-8 on log I equals relative 1e-8 on I
    assert abs(float(log_rate_integral(alpha, s)) - float(mp.log(ref))) < 1e-8


def test_rate_integral_matches_scipy_quad_of_eq20():
    """Independent double-precision quadrature of Eq. (20) at moderate (alpha, s).

    The naive integrand overflows (sinh) beyond z ~ 355, so the reference stops at z = 300,
    where the neglected tail is below e^{-alpha*300} < 1e-60 relative."""
    for alpha, s in [(0.5, -2.0), (1.0, 0.0), (2.0, 1.5)]:

        def f(z, alpha=alpha, s=s):
            return np.exp(s - (2 + alpha) * z) * np.sinh(2 * np.sqrt(z) * np.sqrt(z - s))

        ref, _ = quad(f, max(0.0, s), 300.0, epsabs=0, epsrel=1e-12, limit=400)
        # scipy quad reports ~1e-12 relative error here
        assert abs(float(rate_integral(alpha, s)) / ref - 1) < 1e-9


@given(st.floats(1e-3, 50.0), st.floats(-200.0, 200.0))
def test_rate_integral_reflection_identity(alpha, s):
    """I(alpha,-s)/I(alpha,s) = exp(alpha s) (the identity behind Eq. (21)), in log form."""
    lhs = log_rate_integral(alpha, -s) - log_rate_integral(alpha, s)
    # log I is O(alpha |s|) <= 1e4: rounding of the two logs ~ 1e4 * 2e-16
    assert abs(float(lhs) - alpha * s) <= 1e-12 * max(
        1.0, abs(alpha * s) + abs(float(log_rate_integral(alpha, s)))
    )


def test_rate_integral_zero_detuning_and_asymptotics():
    """I(alpha, 0) = 2/(alpha(alpha+4)) (elementary integral of Eq. 20) and finite logs at huge |s|."""
    a = np.array([0.01, 1.0, 100.0])
    np.testing.assert_allclose(rate_integral(a, 0.0), 2 / (a * (a + 4)), rtol=1e-14)
    big = log_rate_integral(1.0, np.array([-1e5, 1e5]))
    assert np.all(np.isfinite(big))
    # exponential rates for s -> +-inf: -(alpha -+ sqrt(alpha(alpha+4)))/2 per unit s
    kappa = np.sqrt(5.0)
    slope = log_rate_integral(1.0, 1e5 + 1) - log_rate_integral(1.0, 1e5)
    assert abs(float(slope) + (1 + kappa) / 2) < 1e-5  # next order: d/ds (ln s)/2 = 5e-6
    slope = log_rate_integral(1.0, -1e5) - log_rate_integral(1.0, -1e5 - 1)
    assert abs(float(slope) - (kappa - 1) / 2) < 1e-5  # same 1/(2|s|) correction
    assert float(rate_integral(1.0, 1e5)) == 0.0  # underflows cleanly, never NaN


@pytest.mark.parametrize("alpha", [0.0, -1.0, np.nan, np.inf])
def test_rate_integral_rejects_bad_alpha(alpha):
    with pytest.raises(ParameterError, match="alpha"):
        rate_integral(alpha, 1.0)


def test_rate_integral_rejects_bad_s():
    with pytest.raises(ParameterError, match="s="):
        rate_integral(1.0, np.nan)
