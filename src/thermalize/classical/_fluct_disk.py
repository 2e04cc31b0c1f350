"""Exact kernel and Monte Carlo of the per-collision fluctuation audit of the rough disk (Eq. 29)."""

from __future__ import annotations

import numpy as np
from scipy import special

from ..errors import ParameterError, as_float_array
from ._kicks import kick_law
from .disk import RotatingDisk
from .fluctuations import CollisionSamples, graded_nodes, jacobian_check, monte_carlo_summary

#: Integration half-widths in units of the relevant standard deviations (see `_grid`); the
#: Gaussian weights beyond are below e^{-72} ~ 5e-32.
_OMEGA_SD = 12.0
_V_SD = 12.0
_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)
_TINY = 1e-300


def _initial(initial, inertia: float, beta: float) -> tuple[float, float]:
    if initial is None:
        return 0.0, 1.0 / np.sqrt(beta * inertia)
    arr = as_float_array("initial", initial, ndim=1)
    if arr.size != 2 or not arr[1] > 0:
        raise ParameterError(
            f"initial={arr.tolist()!r} must be (mean, std) of the Gaussian omega law, std > 0"
        )
    return float(arr[0]), float(arr[1])


def _log_kick(x, s, j, one_sided):
    """ln of the kick density A |x|^j e^{-x^2/2s^2} (Maxwell j = 0, effusion j = 1)."""
    x = np.asarray(x, float)
    if j == 0:
        log_a = -np.log(s) - _LOG_SQRT_2PI + (np.log(2.0) if one_sided else 0.0)
        out = log_a - 0.5 * (x / s) ** 2
    else:
        log_a = -2 * np.log(s) - (0.0 if one_sided else np.log(2.0))
        with np.errstate(divide="ignore"):
            out = log_a + np.log(np.abs(x)) - 0.5 * (x / s) ** 2
    return np.where((x < 0) & one_sided, -np.inf, out)


def final_logpdf(y, a, b, mean0, std0, s, j, one_sided):
    r"""ln p'(y) of omega' = a omega + b x, omega ~ N(mean0, std0^2), x ~ kick law (closed form).

    The Gaussian times the kick law's Gaussian factor is a Gaussian in x with precision
    :math:`P = 1/s^2 + b^2/\tau_0^2` (:math:`\tau_0 = |a|\sigma_0`) and mean
    :math:`m = z b/(\tau_0^2 P)`, :math:`z = y - a\mu_0`; what remains is
    :math:`E[g(X)]`, X ~ N(m, 1/P), with g = 1, 1{X>0}, |X| or X 1{X>0}.
    """
    y = np.asarray(y, float)
    if a == 0.0:
        return _log_kick(y / b, s, j, one_sided) - np.log(b)
    tau0 = abs(a) * std0
    z = y - a * mean0
    prec = 1.0 / s**2 + b**2 / tau0**2
    tau = 1.0 / np.sqrt(prec)
    r = z * b / (tau0**2 * prec) / tau
    if j == 0:
        log_a = -np.log(s) - _LOG_SQRT_2PI + (np.log(2.0) if one_sided else 0.0)
        log_e = special.log_ndtr(r) if one_sided else 0.0
    else:
        log_a = -2 * np.log(s) - (0.0 if one_sided else np.log(2.0))
        if one_sided:  # E[X+] = tau e^{-r^2/2} [1/sqrt(2 pi) + (r/2) erfcx(-r/sqrt 2)]
            log_e = np.log(tau) - 0.5 * r * r + np.log(
                np.exp(-_LOG_SQRT_2PI) + 0.5 * r * special.erfcx(-r / np.sqrt(2.0))
            )
        else:  # E|X| = tau [2 phi(r) + r erf(r/sqrt 2)], both terms >= 0
            log_e = np.log(tau) + np.log(
                2 * np.exp(-0.5 * r * r - _LOG_SQRT_2PI) + r * special.erf(r / np.sqrt(2.0))
            )
    return (log_a - np.log(tau0) - _LOG_SQRT_2PI + _LOG_SQRT_2PI + np.log(tau)
            - 0.5 * z * z / (tau0**2 + b**2 * s**2) + log_e)


class _Disk:
    """Collision, entropy production and contraction term of the disk for one gas."""

    def __init__(self, disk: RotatingDisk, beta, mass, kicks, sides, initial):
        self.disk, self.beta, self.mass, self.kicks = disk, beta, mass, kicks
        self.one_sided = sides == 1
        self.law = kick_law(beta, mass, kicks, sides)
        self.s = 1.0 / np.sqrt(beta * mass)
        self.j = 1 if kicks == "effusion" else 0
        self.inertia = disk.moment_of_inertia(mass)
        self.mean0, self.std0 = _initial(initial, self.inertia, beta)

    def log_p0(self, w):
        return -0.5 * ((w - self.mean0) / self.std0) ** 2 - np.log(self.std0) - _LOG_SQRT_2PI

    def terms(self, w, v):
        """(-Delta s, Lambda, v', omega') per collision."""
        d = self.disk
        v_new, w_new = d.collide(v, w)
        log_p1 = final_logpdf(w_new, d.restitution, d.gain, self.mean0, self.std0, self.s,
                              self.j, self.one_sided)
        heat = 0.5 * self.mass * (v_new**2 - v**2)  # energy received by the gas
        minus_ds = log_p1 - self.log_p0(w) - self.beta * heat
        if self.kicks == "effusion":  # |J| = |v'/v| (Eq. 32); floors only touch weight-0 nodes
            lam = np.log(np.maximum(np.abs(v_new), _TINY)) - np.log(np.maximum(np.abs(v), _TINY))
        else:  # |J_{v, omega}| = 1 (Eq. 30)
            lam = 0.0 * v
        return minus_ds, lam, v_new, w_new


def _grid(dk: _Disk):
    """Outer omega nodes (weights include p(omega)) and, per omega, the edges of the v panels.

    e^{-Delta s} contains 1/p(omega), so the omega range must cover the preimage of the bulk of
    p'(omega') rho(v') too: the map is an involution, omega = b v' + a omega'. The v panels
    break where the integrands have kinks or log singularities: v = 0, v' = 0 and |v'| = |v|.
    """
    a, b = dk.disk.restitution, dk.disk.gain
    c = 2.0 / (1.0 + dk.disk.mass_ratio)
    sd_new = np.sqrt(a * a * dk.std0**2 + b * b * dk.law.var())
    half = _OMEGA_SD * (dk.std0 + b * dk.s + abs(a) * sd_new)
    lo_w, hi_w = dk.mean0 - half, dk.mean0 + half
    t, wt = graded_nodes(order=12, levels=24, middle=12)
    wb = np.unique(np.clip([lo_w, 0.0, hi_w], lo_w, hi_w))
    om = np.concatenate([x + (y - x) * t for x, y in zip(wb[:-1], wb[1:])])
    om_w = np.concatenate([(y - x) * wt for x, y in zip(wb[:-1], wb[1:])]) * np.exp(dk.log_p0(om))
    vmax = _V_SD * (dk.s * (1.0 + abs(a)) + c * sd_new)
    lo_v = 0.0 if dk.one_sided else -vmax
    with np.errstate(divide="ignore", invalid="ignore"):
        cand = np.stack([np.zeros_like(om)] + [c * om / d for d in (a, a + 1.0, a - 1.0)], axis=1)
    cand = np.clip(np.nan_to_num(cand, nan=lo_v, posinf=vmax, neginf=lo_v), lo_v, vmax)
    edges = np.concatenate([np.full((om.size, 1), lo_v), np.sort(cand, axis=1),
                            np.full((om.size, 1), vmax)], axis=1)
    return om, om_w, edges, t, wt


def _exact(dk: _Disk) -> dict:
    om, om_w, edges, t, wt = _grid(dk)
    acc = np.zeros(6)
    for i in range(edges.shape[1] - 1):
        lo, hi = edges[:, i : i + 1], edges[:, i + 1 : i + 2]
        v = lo + (hi - lo) * t[None, :]
        wv = (hi - lo) * wt[None, :] * dk.law.pdf(v) * om_w[:, None]
        minus_ds, lam, _, _ = dk.terms(om[:, None] + 0 * v, v)
        ok = wv > 0
        e = np.where(ok, np.exp(np.where(ok, minus_ds, 0.0)), 0.0)
        lam = np.where(ok, lam, 0.0)
        acc += [np.sum(wv * e), np.sum(wv * e * np.exp(lam)),
                np.sum(wv * np.where(ok, -minus_ds, 0.0)), np.sum(wv * lam),
                np.sum(wv * np.abs(lam)), np.sum(wv)]
    return {
        "ift": acc[0], "ift_corrected": acc[1], "mean_entropy_production": acc[2],
        "mean_contraction": acc[3], "mean_abs_contraction": acc[4],
        "quadrature_error": abs(acc[5] - 1.0),
    }


def disk_audit(disk: RotatingDisk, beta, mass, kicks, sides, initial, n_samples, rng) -> dict:
    """Fields of FluctuationAudit for the rough disk (see fluctuation_audit)."""
    dk = _Disk(disk, beta, mass, kicks, sides, initial)
    exact = {k: float(v) for k, v in _exact(dk).items()}
    w = dk.mean0 + dk.std0 * rng.standard_normal(n_samples)
    v = dk.law.sample(n_samples, rng=rng)
    minus_ds, lam, v_new, w_new = dk.terms(w, v)
    if kicks == "effusion":  # importance sampling from Maxwell kicks: weight rho_eff/rho_Max
        prop = kick_law(beta, mass, "maxwell", sides)
        w2 = dk.mean0 + dk.std0 * rng.standard_normal(n_samples)
        v2 = prop.sample(n_samples, rng=rng)
        m2, _, v2_new, _ = dk.terms(w2, v2)
        corrected = np.sqrt(np.pi * beta * mass / 2.0) * np.abs(v2_new) * np.exp(m2)
    else:
        corrected = np.exp(minus_ds + lam)
    mc = monte_carlo_summary(minus_ds, lam, corrected)
    checks = []
    for i in range(min(12, n_samples)):
        if kicks == "effusion":
            y = -0.5 * v[i]  # collides at t_c = 0.5 within dt = 1 (either side)
            checks.append((disk.collision_map(1.0), [y, v[i], 0.0, w[i]], lam[i]))
        else:
            checks.append((disk.velocity_map(), [v[i], w[i]], 0.0))
    heat = 0.5 * mass * (v_new**2 - v**2)
    return {**exact, "mc": mc, "samples": CollisionSamples(-minus_ds, lam, heat),
            "jacobian_residual": jacobian_check(checks)}
