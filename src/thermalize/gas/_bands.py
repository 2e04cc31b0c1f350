"""Coherences of the spin master equation, Eq. (18), band by band (large spins).

With L_+ = sqrt(Gamma_+) J_+, L_- = sqrt(Gamma_-) J_- and h_S = omega_S J_z (Gaida et al.
2025, Eq. 18), the generator maps rho_{i, i+q} only to rho_{i -+ 1, i+q -+ 1}: each band q
(the q-th superdiagonal) evolves on its own under a tridiagonal generator (c_i =
<i+1|J_+|i> = sqrt((J - m_i)(J + m_i + 1)), m_i = -J + i, c_{-1} = c_{d-1} = 0)

    d rho_{i,i+q}/dt = i omega_S q rho_{i,i+q}
        + Gamma_+ [c_{i-1} c_{i+q-1} rho_{i-1,i+q-1} - (c_i^2 + c_{i+q}^2)/2 rho_{i,i+q}]
        + Gamma_- [c_i c_{i+q} rho_{i+1,i+q+1} - (c_{i-1}^2 + c_{i+q-1}^2)/2 rho_{i,i+q}],

so the d^2 x d^2 Lindblad problem becomes d problems of sizes d, d-1, ..., 1 (band 0 is
the population equation of Eq. 11; the lower bands are the complex conjugates). Each
band's propagator for a time step is one dense `scipy.linalg.expm` of its real part
(a Metzler matrix) times the phase e^{i omega_S q dt}.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

__all__ = ["band_generator", "evolve_bands", "relaxation_time"]


def band_generator(c: np.ndarray, gamma_plus: float, gamma_minus: float, q: int) -> np.ndarray:
    """Real part of the band-q generator (size d - q), dense; the phase i omega_S q is apart."""
    d = c.size + 1
    cc = np.concatenate([[0.0], c, [0.0]])  # cc[i + 1] = c_i for i = -1 .. d - 1
    i = np.arange(d - q)
    diag = -0.5 * gamma_plus * (cc[i + 1] ** 2 + cc[i + q + 1] ** 2) - 0.5 * gamma_minus * (
        cc[i] ** 2 + cc[i + q] ** 2
    )
    g = np.diag(diag)
    if d - q > 1:
        j = i[1:]  # row j receives from j - 1 (Gamma_+) and row j - 1 from j (Gamma_-)
        g[j, j - 1] = gamma_plus * cc[j] * cc[j + q]
        g[j - 1, j] = gamma_minus * cc[j] * cc[j + q]
    return g


def evolve_bands(
    c: np.ndarray, gamma_plus: float, gamma_minus: float, omega: float, rho0: np.ndarray, times
) -> np.ndarray:
    """rho(t) of Eq. (18) for each time (any order, >= 0), shape (nt, d, d), complex.

    Times are visited in ascending order; one propagator per band and distinct step
    (steps equal to 1e-12 relative share it, so a uniform grid costs one expm per band).
    """
    ts = np.asarray(times, dtype=float)
    order = np.argsort(ts, kind="stable")
    d = rho0.shape[0]
    out = np.empty((ts.size, d, d), dtype=complex)
    for q in range(d):
        g = band_generator(c, gamma_plus, gamma_minus, q)
        relaxed = relaxation_time(g, q)
        x = np.diagonal(rho0, offset=q).astype(complex)
        idx = np.arange(d - q)
        now, cache = 0.0, {}
        for k in order:
            step = ts[k] - now
            if step > 0:
                key = round(step, 12 - int(np.floor(np.log10(step))))
                if key not in cache:
                    cache[key] = _propagator(g, q, omega, step, relaxed)
                x = cache[key] @ x
                now = ts[k]
            out[k, idx, idx + q] = x
            if q:
                out[k, idx + q, idx] = x.conj()
    return out


def relaxation_time(g: np.ndarray, q: int) -> float:
    """Time after which band q has relaxed to rounding, 50 / (its slowest decay rate).

    The band generator is tridiagonal with off-diagonal pairs of one sign (Gamma_+ and
    Gamma_- times the same c_j c_{j+q}), so it is similar to the symmetric tridiagonal matrix
    with off-diagonal sqrt(g[j, j-1] g[j-1, j]): its eigenvalues are real, <= 0, and come
    from `scipy.linalg.eigvalsh_tridiagonal` without forming the (possibly overflowing)
    similarity. Band 0 keeps its stationary mode (eigenvalue 0); e^-50 ~ 2e-22 is below
    float64 rounding. inf when a mode never decays, or decays too slowly to be resolved.
    """
    n = g.shape[0]
    diag = np.diagonal(g).copy()
    lam = diag if n == 1 else linalg.eigvalsh_tridiagonal(
        diag, np.sqrt(np.diagonal(g, -1) * np.diagonal(g, 1)))
    rates = np.sort(-lam)[1:] if q == 0 else -lam
    slowest = rates.min() if rates.size else np.inf
    # a rate within 1e3 rounding units of ||g|| is not resolved: no limit taken (expm only)
    resolved = slowest > 1e3 * np.finfo(float).eps * max(np.abs(diag).max(), 1e-300)
    return 50.0 / slowest if resolved else np.inf


def _propagator(g: np.ndarray, q: int, omega: float, step: float, relaxed: float) -> np.ndarray:
    """Band-q propagator over `step`: expm(g step) e^{i omega q step}. Beyond the band's
    relaxation time it is the limit (issue 15 item 2; expm at t ~ 1e308 was NaN): band 0
    relaxes to the stationary projector expm(g relaxed), a coherence band to 0."""
    if step >= relaxed:
        return linalg.expm(g * relaxed) if q == 0 else np.zeros_like(g, dtype=complex)
    with np.errstate(over="ignore", invalid="ignore"):
        prop = linalg.expm(g * step) * np.exp(1j * (omega * q * step))
    if not np.all(np.isfinite(prop)):
        from ..errors import ParameterError

        raise ParameterError(f"times: a step of {step!r} (omega_s = {omega!r}, band {q}) is "
                             "outside the float64 range of the propagator")
    return prop
