"""Exact kernel and Monte Carlo of the per-collision fluctuation audit of a discrete scatterer."""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError, as_float_array
from ._kicks import kinetic_from_survival
from .fluctuations import CollisionSamples, graded_nodes, jacobian_check, monte_carlo_summary
from .liouville import level_change_map, level_change_velocity_map
from .scatterer import DiscreteScatterer

#: u = sqrt(K - a) beyond the last opening reaches sqrt(50/beta): the weight e^{-beta K} < 2e-22.
_TAIL = 50.0


def _initial(initial, n: int) -> np.ndarray:
    if initial is None:
        return np.full(n, 1.0 / n)
    p = as_float_array("initial", initial, ndim=1)
    if p.size != n or np.any(p <= 0) or abs(p.sum() - 1.0) > 1e-12:
        raise ParameterError(
            f"initial={p.tolist()!r} must be {n} level probabilities, each > 0, summing to 1 "
            "(ln p(s) enters the entropy production)"
        )
    return p


def _weight(k: np.ndarray, beta: float, kicks: str) -> np.ndarray:
    """Density of the kinetic energy K of a kick: effusion Exp(beta), Maxwell Gamma(1/2)."""
    if kicks == "effusion":
        return beta * np.exp(-beta * k)
    return np.sqrt(beta / (np.pi * k)) * np.exp(-beta * k)


def _contraction(k, k_new, kicks):
    """Lambda = ln|J|: 0 for effusion (Eq. 21), ln(v/v') = ln(K/K')/2 for Maxwell (Eq. 19)."""
    if kicks == "effusion":
        return np.zeros(np.broadcast_shapes(np.shape(k), np.shape(k_new)))
    return 0.5 * (np.log(k) - np.log(k_new))


def _kernels(sc: DiscreteScatterer, beta: float, kicks: str):
    """Per (s, s'): E_K[p], E_K[p Lambda], E_K[p |Lambda|], E_K[p e^Lambda] over the kick law."""
    lv = sc.levels
    n = lv.size
    t, w = graded_nodes()
    out = np.zeros((4, n, n))
    for s in range(n):
        opens = np.unique(np.clip(lv - lv[s], 0.0, None))
        edges = np.concatenate([opens, [np.inf]])
        ks, kps, ws = [], [], []
        gap = lv - lv[s]
        for a, bnd in zip(edges[:-1], edges[1:]):
            umax = np.sqrt(bnd - a) if np.isfinite(bnd) else np.sqrt(_TAIL / beta)
            u = umax * t
            ks.append(a + u * u)
            kps.append((a - gap)[None, :] + (u * u)[:, None])  # K' = K - gap, exact at openings
            ws.append(umax * w * 2.0 * u)  # dK = 2 u du
        k = np.concatenate(ks)
        k_new = np.concatenate(kps)
        wt = np.concatenate(ws) * _weight(k, beta, kicks)
        probs = sc.transition_probabilities(k, np.full(k.size, s))  # (nodes, n)
        with np.errstate(divide="ignore", invalid="ignore"):
            # K' <= 0 with an open level only at a panel's upper end (rounding of a + u^2)
            lam = np.where((probs > 0) & (k_new > 0), _contraction(k[:, None], k_new, kicks), 0.0)
        out[0, s] = wt @ probs
        out[1, s] = wt @ (probs * lam)
        out[2, s] = wt @ (probs * np.abs(lam))
        out[3, s] = wt @ (probs * np.exp(lam))
    return out


def _sample(sc: DiscreteScatterer, beta, kicks, p0, n_samples, rng):
    lv = sc.levels
    s = rng.choice(lv.size, size=n_samples, p=p0)
    k = kinetic_from_survival(1.0 - rng.random(n_samples), beta, kicks)  # t in (0, 1]
    probs = sc.transition_probabilities(k, s)
    cdf = np.cumsum(probs, axis=1)
    s_new = np.minimum((rng.random(n_samples)[:, None] > cdf).sum(axis=1), lv.size - 1)
    return s, k, s_new


def scatterer_audit(sc: DiscreteScatterer, beta, mass, kicks, initial, n_samples, rng) -> dict:
    """Fields of FluctuationAudit for a discrete scatterer (see fluctuation_audit)."""
    lv = sc.levels
    p0 = _initial(initial, lv.size)
    m0, m_lam, m_abs, m_exp = _kernels(sc, beta, kicks)
    p1 = p0 @ m0
    # e^{-Delta s} = p'(s')/p(s) e^{beta (eps_s' - eps_s)}  (Q = K' - K = eps_s - eps_s')
    # levels never reached (p'(s') = 0) carry no transitions: their terms are set to 0
    with np.errstate(divide="ignore"):
        log_r = np.log(p1)[None, :] - np.log(p0)[:, None] + beta * (lv[None, :] - lv[:, None])
    log_r = np.where(m0 > 0, log_r, 0.0)
    r = np.exp(log_r)
    exact = {
        "ift": float(p0 @ (m0 * r).sum(axis=1)),
        "ift_corrected": float(p0 @ (m_exp * r).sum(axis=1)),
        "mean_entropy_production": float(p0 @ (m0 * -log_r).sum(axis=1)),
        "mean_contraction": float(p0 @ m_lam.sum(axis=1)),
        "mean_abs_contraction": float(p0 @ m_abs.sum(axis=1)),
    }
    s, k, s_new = _sample(sc, beta, kicks, p0, n_samples, rng)
    gap = lv[s_new] - lv[s]
    lam = _contraction(k, k - gap, kicks)
    minus_ds = log_r[s, s_new]
    mc = monte_carlo_summary(minus_ds, lam, np.exp(minus_ds + lam))
    # Liouville cross-check of Lambda on sampled transitions between different levels
    moved = np.flatnonzero((s != s_new) & (k - gap > 1e-6 * k))[:12]
    checks = []
    for i in moved:
        v = np.sqrt(2.0 * k[i] / mass)
        if kicks == "effusion":
            checks.append((level_change_map(gap[i], mass, 1.0), [-0.5 * v, v], lam[i]))
        else:
            checks.append((level_change_velocity_map(gap[i], mass), [v], lam[i]))
    return {
        **exact,
        "mc": mc,
        "samples": CollisionSamples(-minus_ds, lam, lv[s] - lv[s_new]),
        "quadrature_error": float(np.abs(m0.sum(axis=1) - 1.0).max()),
        "jacobian_residual": jacobian_check(checks),
    }
