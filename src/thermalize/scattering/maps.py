"""The scattering map S of Eq. (17) by piecewise Gauss quadrature, with an error estimate."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from .._qutip import like, to_array
from ..errors import (
    ConvergenceError,
    ParameterError,
    PhysicsWarning,
    require_int,
    require_real,
    require_shape,
)
from .amplitudes import require_method
from .model import MAX_PHASE, IncidentPacket, ScatteringModel
from .quadrature import (  # noqa: F401 (_segments: tests inspect the segments)
    ADAPTIVE_BUDGET,
    TAIL,
    _adaptive,
    _integrate,
    _segments,
    quadrature_nodes,
)

__all__ = ["ScatteringMap", "quadrature_nodes", "scattering_map", "scattering_maps"]


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
    phase = q_end * model.length / model.hbar
    if not (np.isfinite(phase) and phase <= MAX_PHASE):
        raise ParameterError(
            f"beta={beta!r} (with length={model.length!r}, mass={model.mass!r}): the packet's "
            f"momenta up to {q_end:.3g} give phases q L/hbar up to {phase:.3g}, outside the "
            f"representable range [0, {MAX_PHASE:g}]"
        )
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
    if isinstance(method, str):  # unitary amplitudes: the map must preserve the trace
        eye = np.eye(model.dimension)
        for f, err, pk in zip(fine, errors, packets, strict=True):
            defect = float(np.max(np.abs(np.einsum("aajk->jk", f) - eye)))
            if pk.law.support[0] >= 0 and defect > 10 * err + 1e-10:
                raise ConvergenceError(
                    f"scattering map quadrature missed part of the momentum law: trace defect "
                    f"{defect:.3g} above 10 x the error estimate {err:.3g} (beta={pk.beta!r}, "
                    f"law {pk.law.name!r}); raise nodes or max_nodes"
                )
    return [
        ScatteringMap(
            tensor=f,
            error=err,
            energies=model.energies,
            method=method if isinstance(method, str) else "user",
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
