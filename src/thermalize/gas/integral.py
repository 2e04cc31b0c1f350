"""The parameter integral I(alpha, s) of Eq. (20) of Gaida et al. (2025), in closed form."""

from __future__ import annotations

import numpy as np
from scipy import special

from ..errors import ParameterError, as_float_array

__all__ = ["log_rate_integral", "rate_integral"]

#: Below this x the small-argument series of x K_1(x) is used: its first neglected term
#: x^4 ln x is < 1e-19 there, while k1e(x) ~ 1/x would overflow for subnormal x.
_SERIES_BELOW = 1e-5


def _check_alpha(alpha) -> np.ndarray:
    a = as_float_array("alpha", alpha)
    if np.any(a <= 0):
        raise ParameterError(
            f"alpha={alpha!r} is outside the allowed range (0, inf): I(alpha, s) of Eq. (20) "
            "diverges for alpha <= 0 (the integrand grows like exp(-alpha z))"
        )
    return a


def log_rate_integral(alpha, s) -> np.ndarray:
    r"""Natural logarithm of :math:`I(\alpha, s)` (Eq. (20) of Gaida et al. 2025).

    Finite for every alpha > 0 and real s, also where I itself underflows
    (e.g. s = 1e4 gives log I ~ -1e4).

    Parameters
    ----------
    alpha : float or ndarray
        E_R / (k_B T_M) > 0.
    s : float or ndarray
        Internal energy transfer over E_R (any real); broadcast against `alpha`.

    Returns
    -------
    ndarray (0-d for scalar input), float64

    Examples
    --------
    >>> round(float(log_rate_integral(1.0, 0.0)), 12)  # I(1, 0) = 2/5
    -0.916290731874
    """
    out = _log_rate_integral(alpha, s)
    if not np.all(np.isfinite(out)):
        bad = np.broadcast_arrays(np.asarray(alpha, float), np.asarray(s, float))
        i = np.flatnonzero(~np.isfinite(out).ravel())[0]
        raise ParameterError(
            f"alpha={bad[0].ravel()[i]!r}, s={bad[1].ravel()[i]!r}: ln I(alpha, s) is below "
            "-1.8e308 (alpha * s too large to represent); I itself is 0 to float64 "
            "(rate_integral returns 0 there)"
        )
    return out


def _log_rate_integral(alpha, s) -> np.ndarray:
    """ln I(alpha, s) without the finiteness check (-inf where ln I < -1.8e308).

    Written so that no intermediate overflows: kappa = sqrt(alpha) sqrt(alpha + 4), and the
    exponent -alpha s/2 - x is combined before evaluation (for s < 0 it is
    -2|s| / (1 + sqrt(1 + 4/alpha)), no cancellation of two huge terms).
    """
    a = _check_alpha(alpha)
    x_s = as_float_array("s", s)
    try:
        a, x_s = np.broadcast_arrays(a, x_s)
    except ValueError:
        raise ParameterError(
            f"alpha (shape {a.shape}) and s (shape {x_s.shape}) must broadcast together"
        ) from None
    abs_s = np.abs(x_s)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        root = np.sqrt(1.0 + 4.0 / a)  # kappa/alpha (inf for subnormal alpha: 2/(1+root) = 0)
        kappa = np.sqrt(a) * np.sqrt(a + 4.0)
        x = 0.5 * kappa * abs_s
        # combined exponent -alpha s/2 - x (exact algebra, no cancellation of huge terms)
        # (a + kappa overflows for alpha ~ 1e308: two products of one sign, 0 at s = 0)
        expo = np.where(x_s >= 0, -(0.5 * x_s) * a - (0.5 * x_s) * kappa,
                        -abs_s * (2.0 / (1.0 + root)))
        small = x < _SERIES_BELOW
        huge = ~np.isfinite(x)
        xs = np.where(small, x, 1.0)
        xl = np.where(small | huge, 1.0, x)
        # x K_1(x) e^x = 1 + (x^2/2)(ln(x/2) + gamma_E - 1/2) + x + O(x^4 ln x) for small x
        series = np.log1p(
            0.5 * xs**2 * (np.log(np.where(xs > 0, xs, 1.0)) - np.log(2.0) + np.euler_gamma - 0.5)
        ) + xs
        # x K_1(x) e^x -> sqrt(pi x / 2) for x beyond float64 (ln x from logs of the factors)
        log_x = np.log(0.5) + 0.5 * np.log(a) + 0.5 * np.log(a + 4.0) + np.log(
            np.where(abs_s > 0, abs_s, 1.0)
        )
        asym = 0.5 * (np.log(np.pi / 2.0) + log_x)
        log_xk1_ex = np.where(
            small,
            np.where(x > 0, series, 0.0),
            np.where(huge, asym, np.log(xl) + np.log(special.k1e(xl))),
        )
        out = np.log(2.0) - np.log(a) - np.log(a + 4.0) + log_xk1_ex + expo
    return out[()] if out.ndim == 0 else out


def rate_integral(alpha, s) -> np.ndarray:
    r"""The rate integral :math:`I(\alpha, s)` of Eq. (20) of Gaida et al. (2025).

    .. math::
        I(\alpha, s) = e^{s}\int_{\max\{0,s\}}^\infty dz\, e^{-(2+\alpha) z}
        \sinh\!\big(2\sqrt{z}\sqrt{z-s}\big)
        = \frac{2}{\alpha(\alpha+4)}\, e^{-\alpha s/2}\, x K_1(x),\qquad
        x = \tfrac12 |s| \sqrt{\alpha(\alpha+4)},

    with :math:`K_1` the modified Bessel function of the second kind (derived in
    docs/physics.md (gas section); checked against direct 30-digit quadrature of Eq. (20)).
    It sets the spin rates of Eq. (19) with alpha = E_R/k_B T_M and s = internal energy
    transfer / E_R.

    Parameters
    ----------
    alpha : float or ndarray
        alpha > 0 (the integral diverges for alpha <= 0: ParameterError).
    s : float or ndarray
        Any real; broadcast against `alpha`.

    Returns
    -------
    ndarray (0-d for scalar input), float64
        Positive; it underflows to 0 only where log I < -745 (use `log_rate_integral`), the
        correct limit (e.g. alpha = 1e300, s = 0.5). ParameterError where I overflows
        (alpha below ~1e-308).

    Notes
    -----
    The closed form is evaluated as exp(log I) with the exponentially scaled Bessel function
    ``scipy.special.k1e``, so nothing overflows (the naive integrand
    e^{-(2+alpha)z} sinh(...) overflows for z > ~355). It implies the exact symmetry
    I(alpha, -s) = e^{alpha s} I(alpha, s) that makes Eq. (21) hold, and
    I(alpha, 0) = 2 / (alpha (alpha + 4)).

    Examples
    --------
    >>> round(float(rate_integral(1.0, 0.0)), 12)
    0.4
    >>> round(float(rate_integral(1.0, -2.0) / rate_integral(1.0, 2.0)), 10)  # = e^2
    7.3890560989
    """
    log_i = _log_rate_integral(alpha, s)
    with np.errstate(over="ignore", under="ignore"):
        out = np.exp(log_i)  # 0 where ln I < -745: the correct limit, ratios via log_rate_integral
    if np.any(np.isposinf(out)):
        raise ParameterError(
            f"alpha={alpha!r}: I(alpha, s) ~ 2/(alpha (alpha + 4)) exceeds float64 for "
            "alpha below ~1e-308; use log_rate_integral"
        )
    return out
