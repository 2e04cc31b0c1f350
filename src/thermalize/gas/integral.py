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
    a = _check_alpha(alpha)
    x_s = as_float_array("s", s)
    kappa = np.sqrt(a * (a + 4.0))
    x = 0.5 * kappa * np.abs(x_s)
    small = x < _SERIES_BELOW
    xs = np.where(small, x, 1.0)
    xl = np.where(small, 1.0, x)
    with np.errstate(divide="ignore"):
        # x K_1(x) = 1 + (x^2/2)(ln(x/2) + gamma_E - 1/2) + O(x^4 ln x) for small x
        series = np.log1p(
            0.5 * xs**2 * (np.log(np.where(xs > 0, xs, 1.0)) - np.log(2.0) + np.euler_gamma - 0.5)
        )
    log_xk1 = np.where(
        small, np.where(x > 0, series, 0.0), np.log(xl) + np.log(special.k1e(xl)) - xl
    )
    return np.log(2.0) - np.log(a) - np.log(a + 4.0) - 0.5 * a * x_s + log_xk1


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
        Positive; it underflows to 0 only where log I < -745 (use `log_rate_integral`).

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
    return np.exp(log_rate_integral(alpha, s))
