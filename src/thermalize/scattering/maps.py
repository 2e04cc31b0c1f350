"""The scattering map S of Eq. (17) by piecewise Gauss quadrature, with an error estimate."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import warnings

from .._qutip import like, to_array
from ..errors import (
    ConvergenceError,
    ParameterError,
    PhysicsWarning,
    require_dense_size,
    require_int,
    require_real,
    require_shape,
)
from .amplitudes import _channel_kinetic, _from_kinetic, require_method, require_phase
from .model import IncidentPacket, ScatteringModel
from .packets import packet_density_matrix

__all__ = ["ScatteringMap", "quadrature_nodes", "scattering_map", "scattering_maps"]

#: The momentum law is negligible beyond beta p^2/2m = TAIL (e^-45 ~ 3e-20 relative).
TAIL = 45.0

#: Adaptive bisection (after uniform doubling reached max_nodes) may evaluate at most this
#: many times the nodes of the uniform rule at max_nodes.
ADAPTIVE_BUDGET = 4

#: Quadrature nodes evaluated per call in the adaptive phase (bounds the temporaries).
_NODES_PER_CALL = 4096


@dataclass(frozen=True, eq=False)
class ScatteringMap:
    r"""A scattering map :math:`\mathbb S` with the quadrature error estimate.

    Attributes
    ----------
    tensor : ndarray, shape (d, d, d, d), complex128
        ``S[j1, k1, j, k]`` (DESIGN.md convention): :math:`\mathbb S^{jk}_{j_1k_1}` of Eq. (1).
    error : float
        max |S(2n nodes) - S(n nodes)| over all entries; `tensor` is the 2n-node result.
        After adaptive bisection: the sum over segments of that difference, an upper bound.
    energies : ndarray, shape (d,)
        Levels of H_S (the basis of the tensor).
    method : str
        Amplitude method ("S1", "exact" or "user").
    nodes : int
        Gauss nodes per segment of the fine quadrature.
    model : ScatteringModel
    packet : IncidentPacket
        Bound to the model (its mass and hbar).
    segments : int
        Number of quadrature segments (more than the thresholds and tail pieces when
        adaptive bisection refined narrow features).
    """

    tensor: np.ndarray
    error: float
    energies: np.ndarray
    method: str
    nodes: int
    model: ScatteringModel = field(repr=False)
    packet: IncidentPacket = field(repr=False)
    segments: int = 0

    @property
    def matrix(self) -> np.ndarray:
        """Matrix form (d*d, d*d) acting on row-major ``rho.ravel()``."""
        d = self.energies.size
        return self.tensor.reshape(d * d, d * d)

    @property
    def beta(self) -> float:
        """Inverse temperature of the gas (the packet's)."""
        return self.packet.beta

    @property
    def hbar(self) -> float:
        """The model's hbar."""
        return self.model.hbar

    def apply(self, rho):
        """rho' = S rho, Eq. (1); rho of shape (..., d, d) in the H_S eigenbasis (Qobj ok)."""
        r = np.asarray(to_array(rho))
        d = self.energies.size
        require_shape("rho", r, f"(..., {d}, {d})")
        return like(rho, np.einsum("abjk,...jk->...ab", self.tensor, r))

    def audit(self, *, tol: float | None = None):
        """`audit_map` with this map's energies and beta (see `MapAudit`)."""
        from .audits import audit_map

        return audit_map(self, tol=tol)

    def generator(self, rate) -> np.ndarray:
        """Generator of Eq. (8) at collision rate(s) `rate` (`collision_generator`)."""
        from .dynamics import collision_generator

        return collision_generator(self, self.energies, rate, hbar=self.hbar)

    def steady_state(self, rate) -> np.ndarray:
        """Steady state Eq. (9) at rate(s) `rate`, shape (..., d, d) (`collision_steady_state`)."""
        from .dynamics import collision_steady_state

        return collision_steady_state(self, self.energies, rate, hbar=self.hbar)

    def perturbative_steady_state(self):
        """Eqs. (10)-(15) for this map (`perturbative_steady_state`)."""
        from .dynamics import perturbative_steady_state

        return perturbative_steady_state(self, self.energies, hbar=self.hbar)


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


def quadrature_nodes(model: ScatteringModel, beta: float, nodes: int, method="S1", laws=()):
    """Nodes and weights in the outgoing momentum q for the integrals of Eq. (17).

    Segments end at every channel threshold and amplitude discontinuity (clustered
    Gauss-Legendre, see `_cluster`); the tail up to beta q^2/2m = TAIL + beta (e_max - e_0)
    is cut in pieces of width sqrt(m/beta) with plain Gauss-Legendre.

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


def scattering_maps(
    model: ScatteringModel,
    packets,
    *,
    method: str = "S1",
    nodes: int = 48,
    tol: float = 1e-8,
    max_nodes: int = 1536,
) -> list[ScatteringMap]:
    """`scattering_map` for several packets sharing one model (amplitudes computed once).

    Parameters
    ----------
    model : ScatteringModel
    packets : sequence of IncidentPacket
        Each bound to the model's mass and hbar (given ones must agree).
    method : {"S1", "exact"} or callable
    nodes, tol, max_nodes
        As in `scattering_map`.

    Returns
    -------
    list of ScatteringMap

    Examples
    --------
    >>> model = ScatteringModel.example()
    >>> wide = [IncidentPacket(0.1, 0.1, dx, -10.0) for dx in (1.0, 30.0)]
    >>> maps = scattering_maps(model, wide)
    >>> [round(float(abs(m.tensor[0, 1, 0, 0])), 3) for m in maps]  # wider: fewer coherences
    [0.103, 0.029]
    """
    if not isinstance(model, ScatteringModel):
        raise ParameterError(f"model must be a ScatteringModel, got {type(model).__name__}")
    require_method(method)
    nodes = require_int("nodes", nodes, low=4, high=4096)
    max_nodes = require_int("max_nodes", max_nodes, low=2 * nodes, high=65536)
    tol = require_real("tol", tol)
    if not tol > 0:
        raise ParameterError(f"tol={tol!r} is outside the allowed range (0, inf)")
    if isinstance(packets, IncidentPacket) or not hasattr(packets, "__iter__"):
        raise ParameterError(
            f"packets must be a sequence of IncidentPacket, got {type(packets).__name__}"
        )
    packets = list(packets)
    if not packets:
        raise ParameterError("packets must hold at least one IncidentPacket")
    for i, pk in enumerate(packets):
        if not isinstance(pk, IncidentPacket):
            raise ParameterError(f"packets[{i}] must be an IncidentPacket, got {type(pk).__name__}")
    packets = [pk.bind(model) for pk in packets]  # mass and hbar given once, to the model
    beta = min(p.beta for p in packets)
    spread = model.energies[-1] - model.energies[0]
    q_end = max(np.sqrt(2 * model.mass * (TAIL / beta + spread)),
                *(np.sqrt(max(p.law.support[1], 0.0) ** 2 + 2 * model.mass * spread)
                  for p in packets))
    require_phase(model, np.array([q_end**2 / (2 * model.mass)]))
    for pk in packets:
        lo = pk.law.support[0]
        if lo < 0:  # particles moving left never reach the region
            from scipy import integrate

            lost = integrate.quad(lambda p, law=pk.law: float(law(np.array(p))), lo, 0.0)[0]
            if lost > 1e-10:
                warnings.warn(
                    f"momentum law {pk.law.name!r} puts weight {lost:.3g} on p < 0: those "
                    "particles never reach the region, so the map loses that much trace",
                    PhysicsWarning, stacklevel=3,
                )
    n = int(nodes)
    coarse = _integrate(model, packets, method, n)
    fine = _integrate(model, packets, method, 2 * n)
    errors = [float(np.max(np.abs(f - c))) for f, c in zip(fine, coarse, strict=True)]
    while max(errors) > tol and 4 * n <= max_nodes:  # double until the estimate is below tol
        n *= 2
        coarse, fine = fine, _integrate(model, packets, method, 2 * n)
        errors = [float(np.max(np.abs(f - c))) for f, c in zip(fine, coarse, strict=True)]
    segments = _segments(model, beta, method, [p.law for p in packets])[0].size
    if max(errors) > tol:  # localised trouble (narrow resonances): refine where it is
        n_uniform = 2 * n
        budget = ADAPTIVE_BUDGET * max_nodes * segments
        found = _adaptive(model, packets, method, int(nodes), tol, budget)
        if found is None:
            raise ConvergenceError(
                f"scattering map quadrature did not reach tol={tol:g}: error estimate "
                f"{max(errors):.3g} with {n_uniform} nodes per segment (max_nodes={max_nodes}), "
                f"and adaptive bisection ran out of its budget of {budget} nodes "
                f"({ADAPTIVE_BUDGET} x max_nodes x {segments} segments); raise max_nodes or tol"
            )
        fine, total, segments = found
        errors = [total] * len(packets)
        n = int(nodes)
    return [
        ScatteringMap(
            tensor=f,
            error=err,
            energies=model.energies,
            method=method,
            nodes=2 * n,
            model=model,
            packet=pk,
            segments=segments,
        )
        for f, err, pk in zip(fine, errors, packets, strict=True)
    ]


def scattering_map(
    model: ScatteringModel,
    packet: IncidentPacket,
    *,
    method: str = "S1",
    nodes: int = 48,
    tol: float = 1e-8,
    max_nodes: int = 1536,
) -> ScatteringMap:
    r"""Scattering map of Eq. (17) of Tabanera-Bravo et al., PRL 130, 200402 (2023).

    .. math:: \mathbb S^{jk}_{j'k'} = \sum_{\alpha=\pm}\int_{p_{\inf}}^\infty dp\,
              \rho_U(p,\pi(p))\sqrt{p/\pi(p)}\,s^{(\alpha)}_{j'j}(E_p+e_j)
              \big[s^{(\alpha)}_{k'k}(E_p-\Delta_{j'j}+e_{k'})\big]^*,

    :math:`\pi(p)=\sqrt{p^2-2m(\Delta_{j'j}-\Delta_{k'k})}`.

    Parameters
    ----------
    model : ScatteringModel
    packet : IncidentPacket
        Its mass and hbar are taken from the model when left out (given: they must agree);
        any momentum law (built-in, `MomentumLaw`, callable).
    method : {"S1", "exact"} or callable
        Amplitudes (see `amplitudes`; a callable gives user amplitudes).
    nodes : int
        Gauss nodes per segment of the coarse quadrature (>= 4); the result uses twice as
        many and `error` is the largest entry of the difference between the two.
    tol : float
        While `error` > tol, the node count is doubled (> 0).
    max_nodes : int
        Largest node count per segment of the fine quadrature.

    Returns
    -------
    ScatteringMap

    Raises
    ------
    ConvergenceError
        If the error estimate is still above `tol` at `max_nodes` (e.g. a packet far away,
        |x0| ~ 1e3, or a long region with exact amplitudes: fast oscillations in q).

    Notes
    -----
    Derivation of the measure. With :math:`\langle q j'|\hat S|p j\rangle =
    \sqrt{pq}/m\;\delta(E'-E)\,s_{j'j}(E)` (flux-normalised s, momentum states normalised
    to :math:`\delta(p-p')`), tracing the outgoing momentum q gives

    .. math:: \mathbb S^{jk}_{j'k'} = \sum_\alpha\int dq\,\frac{q}{\sqrt{P\,P'}}\rho_U(P, P')
              s_{j'j}(\tfrac{q^2}{2m}+e_{j'})\,s^*_{k'k}(\tfrac{q^2}{2m}+e_{k'}),

    :math:`P^2 = q^2+2m(e_{j'}-e_j)`, :math:`P'^2 = q^2+2m(e_{k'}-e_k)`; substituting
    p = P (q dq = p dp) gives Eq. (17) with exactly :math:`\sqrt{p/\pi(p)}`. The q-form is
    what is integrated: its symmetric weight :math:`q/\sqrt{PP'}` makes Hermiticity
    preservation exact term by term, and all channels share one q grid. Segments end at the
    thresholds :math:`q^2 = 2m(e_x-e_a)` and, for Eq. (S1), at its jump E = e_max.

    Examples
    --------
    >>> smap = scattering_map(ScatteringModel.example(), IncidentPacket.example(), nodes=24)
    >>> trace_out = np.einsum("aajk->jk", smap.tensor)  # trace preservation
    >>> bool(np.allclose(trace_out, np.eye(2), atol=1e-8)), smap.error < 1e-8
    (True, True)
    """
    return scattering_maps(
        model, [packet], method=method, nodes=nodes, tol=tol, max_nodes=max_nodes
    )[0]
