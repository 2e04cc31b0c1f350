"""Sweepable quantities of the gas family (Gaida, Gasbarri, Nimmrichter 2025)."""

from __future__ import annotations

import numpy as np

from ...gas import SpinGasModel
from ...superop import steady_state
from ...io import DIMENSIONLESS as N
from ...sweep import register_quantity

__all__ = ["spin_gas_effective_temperature"]


@register_quantity(
    "gas.spin-effective-temperature",
    outputs={"effective_temperature": (), "steady_state_populations": ("level",),
             "gibbs_deviation": ()},
    description="effective temperature of a spin in a gas with internal structure "
                "(Gaida 2025, Eq. 21)",
    cf={
        "effective_temperature": ("effective temperature (Eq. 21)", "energy",
                                  r"T_{\mathrm{eff}}"),
        "steady_state_populations": ("steady-state population of a J_z level", N, r"p_m"),
        "gibbs_deviation": ("max deviation of the steady state from the Gibbs state", N,
                            r"\epsilon"),
        "level": ("J_z level, from m = -J up", N, "m"),
        "detuning": ("detuning omega_A - omega_S", "energy", r"\Delta"),
        "temperature_internal": ("internal temperature of the ancillas", "energy", r"T_A"),
        "temperature_motional": ("motional temperature of the gas", "energy", r"T_M"),
        "spin": ("spin quantum number", N, "J"),
        "omega_s": ("level spacing of the spin", "energy", r"\omega_S"),
        "recoil_energy": ("recoil energy", "energy", r"E_R"),
    },
)
def spin_gas_effective_temperature(detuning: float = 0.5, temperature_internal: float = 1.0,
                                   temperature_motional: float = 1.0, spin: float = 2.0,
                                   omega_s: float = 1.0, recoil_energy: float = 1.0) -> dict:
    """Effective temperature of Eq. (21) and the steady state of the generator Eq. (18).

    ``effective_temperature`` is the closed form
    :math:`\\omega_S T_A T_M/(\\omega_A T_M - \\Delta T_A)` (negative under inversion,
    +-inf where the denominator vanishes); ``steady_state_populations`` come from solving the
    master equation numerically, and ``gibbs_deviation`` is their largest difference from the
    Gibbs populations at the effective temperature (zero by Eq. 21: a law to audit).

    Examples
    --------
    >>> out = spin_gas_effective_temperature(detuning=0.3, temperature_internal=2.0)
    >>> round(float(out["effective_temperature"]), 6), bool(out["gibbs_deviation"] < 1e-10)
    (2.857143, True)
    """
    model = SpinGasModel(spin=spin, omega_s=omega_s, detuning=detuning,
                         temperature_internal=temperature_internal,
                         temperature_motional=temperature_motional,
                         recoil_energy=recoil_energy)
    p = np.diagonal(steady_state(model.generator())).real.copy()
    return {
        "effective_temperature": model.effective_temperature(),
        "steady_state_populations": p,
        "gibbs_deviation": np.max(np.abs(p - model.stationary_populations())),
    }
