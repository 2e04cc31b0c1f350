"""Sweepable quantities of the scattering family (Tabanera-Bravo et al., PRL 130, 200402 (2023))."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...quantum import gibbs_state, trace_distance
from ...scattering import IncidentPacket, ScatteringModel, collision_steady_state, scattering_map
from ...io import DIMENSIONLESS as N
from ...sweep import register_quantity

__all__ = ["qubit_collision_steady_state"]


@lru_cache(maxsize=16)
def _qubit_map(gap, coupling_strength, length, mass, beta, delta_x, x0, distribution, method,
               nodes):
    """The map of one (model, packet): points of a chunk that differ only in rate share it."""
    model = ScatteringModel.qubit(gap, coupling_strength, length=length, mass=mass)
    packet = IncidentPacket(beta=beta, mass=mass, delta_x=delta_x, x0=x0,
                            distribution=distribution)
    return scattering_map(model, packet, method=method, nodes=nodes)


@register_quantity(
    "scattering.collision-steady-state",
    outputs={"populations": ("level",), "coherence": (), "distance_to_gibbs": (),
             "map_error": ()},
    description="steady state of a qubit under Poissonian wave-packet bombardment "
                "(Tabanera-Bravo 2023, Eqs. 9, 17)",
    cf={
        "populations": ("steady-state population", N, r"\rho_{jj}"),
        "coherence": ("steady-state coherence modulus", N, r"|\rho_{01}|"),
        "distance_to_gibbs": ("trace distance to the Gibbs state of the gas temperature", N,
                              r"\frac{1}{2}\|\rho - \pi_\beta\|_1"),
        "map_error": ("quadrature error estimate of the scattering map", N, r"\epsilon"),
        "level": ("qubit level", N, "j"),
        "rate": ("collision rate", "energy", r"\Gamma"),
        "delta_x": ("packet width", "length", r"\Delta x"),
        "beta": ("inverse temperature of the gas", "1/energy", r"\beta"),
        "gap": ("qubit level spacing", "energy", r"\Delta"),
        "coupling_strength": ("coupling strength", "energy", "g"),
        "length": ("length of the interaction region", "length", "L"),
        "mass": ("mass of a gas particle", "mass", "m"),
        "x0": ("initial packet centre", "length", r"x_0"),
        "distribution": ("momentum distribution of the packets", N, None),
        "method": ("amplitudes used", N, None),
        "nodes": ("quadrature nodes", N, "n"),
    },
)
def qubit_collision_steady_state(rate: float, delta_x: float = 1.0, beta: float = 0.1,
                                 gap: float = 0.6, coupling_strength: float = 1.0,
                                 length: float = 1.0, mass: float = 0.1, x0: float = -10.0,
                                 distribution: str = "effusion", method: str = "S1",
                                 nodes: int = 48) -> dict:
    """Steady state of the paper's qubit bombarded at `rate` by packets of width `delta_x`.

    Model ``ScatteringModel.qubit(gap, coupling_strength, length=, mass=)``, packets
    ``IncidentPacket(beta, mass, delta_x, x0, distribution)``, map Eq. (17) and steady state
    Eq. (9) of Tabanera-Bravo et al. (2023) through `thermalize.scattering`. Defaults are the
    parameters of the paper's Figs. 1-2.

    Returns
    -------
    dict
        ``populations`` (2,), ``coherence`` = |rho_01|, ``distance_to_gibbs`` (trace
        distance to the Gibbs state at the gas's `beta`) and ``map_error`` (quadrature
        error estimate of the map).

    Examples
    --------
    >>> out = qubit_collision_steady_state(rate=0.01, nodes=16)
    >>> round(float(out["populations"].sum()), 12), bool(out["coherence"] < 1e-3)
    (1.0, True)
    """
    smap = _qubit_map(float(gap), float(coupling_strength), float(length), float(mass),
                      float(beta), float(delta_x), float(x0), str(distribution), str(method),
                      int(nodes))
    rho = collision_steady_state(smap, smap.energies, rate)
    return {
        "populations": np.diagonal(rho).real.copy(),
        "coherence": abs(rho[0, 1]),
        "distance_to_gibbs": trace_distance(rho, gibbs_state(smap.energies, beta)),
        "map_error": smap.error,
    }
