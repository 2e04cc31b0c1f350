"""Quadrature of Eq. (17) in the outgoing momentum q: segments, clustered Gauss rules, adaptive
bisection (used by `thermalize.scattering.scattering_map`)."""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError, require_dense_size
from .amplitudes import _channel_kinetic, _from_kinetic
from .model import ScatteringModel, _beta_of
from .packets import packet_density_matrix

__all__ = ["quadrature_nodes"]

#: The momentum law is negligible beyond beta p^2/2m = TAIL (e^-45 ~ 3e-20 relative).
TAIL = 45.0

#: Adaptive bisection (after uniform doubling reached max_nodes) may evaluate at most this
#: many times the nodes of the uniform rule at max_nodes.
ADAPTIVE_BUDGET = 4

#: Quadrature nodes evaluated per call in the adaptive phase (bounds the temporaries).
_NODES_PER_CALL = 4096


def _breakpoints(model: ScatteringModel, method) -> np.ndarray:
    """Outgoing momenta q where an integrand of Eq. (17) is not smooth (ascending)."""
    e, m = model.energies, model.mass
    gaps = (e[None, :] - e[:, None])[np.triu_indices(e.size, 1)]  # channel thresholds
    if method == "S1":  # the jump of Eq. (S1) at E = e_max, seen from every outgoing channel
        gaps = np.concatenate([gaps, model.e_max - e])
    q = np.sqrt(2 * m * gaps[gaps > 0])
    return np.unique(np.concatenate([[0.0], q]))


def _cluster(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """phi(s) = I_s(4, 4) (regularised incomplete beta) and phi'(s), s = (t+1)/2.

    phi - phi(0) ~ s^4 at both ends: integrable end singularities (u^-1/2, u^-1/4) and
    square-root kinks at thresholds become smooth in s, so Gauss-Legendre converges fast.
    """
    s = 0.5 * (t + 1.0)
    phi = s**4 * (35 - 84 * s + 70 * s**2 - 20 * s**3)
    dphi = 140 * s**3 * (1 - s) ** 3
    return phi, 0.5 * dphi


def _segments(model: ScatteringModel, beta: float, method, laws=()):
    """Quadrature segments (lo, hi, clustered) of Eq. (17) in the outgoing momentum q.

    Clustered segments end at every channel threshold and amplitude discontinuity; the tail
    up to beta q^2/2m = TAIL + beta (e_max - e_0) (or the end of a user law's support) is cut
    in plain pieces of width sqrt(m/beta) (or twice a narrower law's scale).
    """
    bps = _breakpoints(model, method)
    spread = model.energies[-1] - model.energies[0]
    q_end = np.sqrt(2 * model.mass * (TAIL / beta + spread))
    scale = np.sqrt(model.mass / beta)
    for law in laws:
        q_end = max(q_end, np.sqrt(max(law.support[1], 0.0) ** 2 + 2 * model.mass * spread))
        scale = min(scale, 2 * law.scale)
    if (q_end - bps[-1]) / scale > 1e6:
        raise ParameterError(
            f"beta={beta!r}: the momentum law needs {(q_end - bps[-1]) / scale:.3g} quadrature "
            "segments (level spread far above k_B T, or a law far narrower than its support); "
            "at most 1e6 are allowed"
        )
    edges = [*bps, bps[-1] + scale]  # the first tail piece starts at a breakpoint: clustered
    lo, hi = list(edges[:-1]), list(edges[1:])
    clustered = [True] * len(lo)
    start = edges[-1]
    if q_end > start:
        tail = np.linspace(start, q_end, int(np.ceil((q_end - start) / scale)) + 1)
        lo += list(tail[:-1])
        hi += list(tail[1:])
        clustered += [False] * (tail.size - 1)
    return np.array(lo), np.array(hi), np.array(clustered)


def _rule(lo, hi, clustered, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """`nodes` Gauss-Legendre nodes per segment (clustered ends where asked), concatenated."""
    t, wt = np.polynomial.legendre.leggauss(int(nodes))
    phi, dphi = _cluster(t)
    width = (hi - lo)[:, None]
    s = np.where(clustered[:, None], phi, 0.5 * (t + 1.0))
    w = np.where(clustered[:, None], dphi * wt, 0.5 * wt)
    return (lo[:, None] + width * s).ravel(), (width * w).ravel()


def quadrature_nodes(model: ScatteringModel, beta: float | None = None, nodes: int | None = None,
                     method="S1", laws=(), *, temperature: float | None = None):
    """Nodes and weights in the outgoing momentum q for the integrals of Eq. (17).

    Segments end at every channel threshold and amplitude discontinuity (clustered
    Gauss-Legendre, see `_cluster`); the tail up to beta q^2/2m = TAIL + beta (e_max - e_0)
    is cut in pieces of width sqrt(m/beta) with plain Gauss-Legendre. ``temperature=`` (1/beta)
    is accepted instead of `beta` (never both); `nodes` is required.

    Returns
    -------
    q, w : ndarray, shape (n,)

    Examples
    --------
    >>> q, w = quadrature_nodes(ScatteringModel.example(), beta=0.1, nodes=16)
    >>> mu_eff = 0.1 * q / 0.1 * np.exp(-0.1 * q**2 / 0.2)  # Eq. (18), beta = m = 0.1
    >>> round(float(np.sum(w * mu_eff)), 9)
    1.0
    """
    if not isinstance(model, ScatteringModel):
        raise ParameterError(f"model must be a ScatteringModel, got {type(model).__name__}")
    beta = _beta_of(beta, temperature)
    if nodes is None:
        raise ParameterError("missing nodes= (quadrature nodes per segment)")
    return _rule(*_segments(model, beta, method, laws), nodes)


def _integrand(model: ScatteringModel, method: str, q: np.ndarray, w: np.ndarray):
    """Weighted integrand of Eq. (17) at nodes q (see Notes of `scattering_map`).

    Returns ``base`` (n, a, b, j, k), to be multiplied by the packet density matrix at the
    incoming momenta ``p1`` (n, a, 1, j, 1) and ``p2`` (n, 1, b, 1, k).
    """
    e, m, d = model.energies, model.mass, model.dimension
    kinetic = q**2 / (2 * m)  # leaving in channel a with total energy q^2/2m + e_a
    trans = np.empty((q.size, d, d), dtype=complex)  # (n, a, j) = s+_{aj}(q^2/2m + e_a)
    refl = np.empty_like(trans)
    for a in range(d):  # kinetic energies relative to every level without forming E
        kin_e, kin_t = _channel_kinetic(model, kinetic, a)
        amp = _from_kinetic(model, kinetic + e[a], kin_e, kin_t, method)
        trans[:, a, :] = amp.transmission[:, a, :]
        refl[:, a, :] = amp.reflection[:, a, :]
    arg = q[:, None, None] ** 2 + 2 * m * (e[None, :, None] - e[None, None, :])  # (n, a, j)
    valid = arg > 0
    mom = np.sqrt(np.where(valid, arg, 1.0))  # incoming momentum P_aj(q)
    amp_w = np.where(valid, 1.0 / np.sqrt(mom), 0.0)
    # (n, a, b, j, k)
    ss = np.einsum("naj,nbk->nabjk", trans, trans.conj()) + np.einsum(
        "naj,nbk->nabjk", refl, refl.conj()
    )
    meas = (w * q)[:, None, None, None, None] * np.einsum("naj,nbk->nabjk", amp_w, amp_w)
    return meas * ss, mom[:, :, None, :, None], mom[:, None, :, None, :]


def _integrate(model: ScatteringModel, packets, method: str, nodes: int) -> list[np.ndarray]:
    """Eq. (17) in the outgoing-momentum form on the segments of `quadrature_nodes`."""
    beta = min(p.beta for p in packets)
    q, w = quadrature_nodes(model, beta, nodes, method, [p.law for p in packets])
    require_dense_size("scattering map quadrature", (3 * q.size,) + (model.dimension,) * 4)
    base, p1, p2 = _integrand(model, method, q, w)
    return [
        np.einsum("nabjk,nabjk->abjk", base, packet_density_matrix(pk, p1, p2)) for pk in packets
    ]


def _segment_integrals(model, packets, method, lo, hi, clustered, nodes: int) -> np.ndarray:
    """Eq. (17) on each segment separately: shape (packets, segments, a, b, j, k)."""
    out = []
    step = max(1, _NODES_PER_CALL // nodes)  # bound the (n, a, b, j, k) temporaries
    for i in range(0, lo.size, step):
        sl = slice(i, i + step)
        q, w = _rule(lo[sl], hi[sl], clustered[sl], nodes)
        base, p1, p2 = _integrand(model, method, q, w)
        starts = np.arange(0, q.size, nodes)
        out.append(
            [
                np.add.reduceat(base * packet_density_matrix(pk, p1, p2), starts, axis=0)
                for pk in packets
            ]
        )
    return np.concatenate([np.array(part) for part in out], axis=1)


def _adaptive(model, packets, method: str, nodes: int, tol: float, budget: int):
    """Bisect the segments carrying the quadrature error until its sum is below tol.

    Every segment gets an n- and a 2n-node rule; its error is the largest entry of their
    difference over all packets. Each round bisects the fewest worst segments whose errors
    exceed tol/2 in total. Returns (fine tensors, error bound, segments) or None when the
    evaluated nodes would exceed `budget`.
    """
    lo, hi, cl = _segments(model, min(p.beta for p in packets), method,
                           [p.law for p in packets])
    coarse = _segment_integrals(model, packets, method, lo, hi, cl, nodes)
    fine = _segment_integrals(model, packets, method, lo, hi, cl, 2 * nodes)
    used = 3 * nodes * lo.size
    while True:
        err = np.abs(fine - coarse).max(axis=(0, 2, 3, 4, 5))
        total = float(err.sum())  # bounds max |S(2n) - S(n)| over entries
        if total <= tol:
            return list(fine.sum(axis=1)), total, lo.size
        order = np.argsort(err)[::-1]
        count = int(np.searchsorted(np.cumsum(err[order]), total - 0.5 * tol)) + 1
        split = np.zeros(lo.size, dtype=bool)
        split[order[:count]] = True
        used += 6 * nodes * count
        if used > budget:
            return None
        mid = 0.5 * (lo[split] + hi[split])
        new_lo = np.concatenate([lo[split], mid])
        new_hi = np.concatenate([mid, hi[split]])
        new_cl = np.concatenate([cl[split], cl[split]])
        keep = ~split
        lo, hi, cl = (
            np.concatenate([x[keep], y]) for x, y in ((lo, new_lo), (hi, new_hi), (cl, new_cl))
        )
        coarse = np.concatenate(
            [
                coarse[:, keep],
                _segment_integrals(model, packets, method, new_lo, new_hi, new_cl, nodes),
            ],
            axis=1,
        )
        fine = np.concatenate(
            [
                fine[:, keep],
                _segment_integrals(model, packets, method, new_lo, new_hi, new_cl, 2 * nodes),
            ],
            axis=1,
        )
