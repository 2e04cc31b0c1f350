"""Reproductions of Ehrich, Esposito, Barra, Parrondo, Physica A 552, 122108 (2020).

Six results: the collision probability Eq. (25), the effusion law of colliding particles
Eq. (27), thermalization of a discrete scatterer by effusion (not Maxwell) kicks Eq. (26),
Fig. 1 (right) phase-space area conservation, the rotating disk Eqs. (29)-(35), and the
heat pump of Fig. 2 (right).

Registers the reproductions; the work is done in this package's modules, one per figure group.
"""

from __future__ import annotations

from .disk import checks_disk, compute_disk, plot_disk
from .gas import (
    checks_collision_probability,
    checks_effusion,
    compute_collision_probability,
    compute_effusion,
    plot_collision_probability,
    plot_effusion,
)
from .heat_pump import checks_heat_pump, compute_heat_pump, plot_heat_pump
from .scatterer import (
    checks_fig1,
    checks_thermalization,
    compute_fig1,
    compute_thermalization,
    plot_fig1,
    plot_thermalization,
)
from . import cf
from .._registry import EHRICH2020, register

__all__ = [
    "collision_probability_repro",
    "disk_repro",
    "effusion_repro",
    "fig1_repro",
    "heat_pump_repro",
    "thermalization_repro",
]

collision_probability_repro = register(
    "ehrich2020.collision-probability",
    title="Collision probability pi_c vs L/dt: closed form, quadrature, MC, asymptote (Eq. 25)",
    paper=EHRICH2020,
    runtime_estimate_s=1.5,
    full_runtime_estimate_s=6.0,
    plot=plot_collision_probability,
    checks=checks_collision_probability,
    cf=cf.COLLISION_PROBABILITY,
)(compute_collision_probability)

effusion_repro = register(
    "ehrich2020.effusion",
    title="Speeds of colliding particles: effusion (Eq. 27) for large L/dt, not for small",
    paper=EHRICH2020,
    runtime_estimate_s=1.0,
    full_runtime_estimate_s=5.0,
    plot=plot_effusion,
    checks=checks_effusion,
    cf=cf.EFFUSION,
)(compute_effusion)

thermalization_repro = register(
    "ehrich2020.thermalization",
    title="Discrete scatterer: effusion kicks thermalize, Maxwell kicks do not (Eqs. 17, 26)",
    paper=EHRICH2020,
    runtime_estimate_s=3.0,
    full_runtime_estimate_s=34.0,
    plot=plot_thermalization,
    checks=checks_thermalization,
    cf=cf.THERMALIZATION,
)(compute_thermalization)

fig1_repro = register(
    "ehrich2020.fig1",
    title="Fig. 1 (right): the collision map Eq. (20) preserves phase-space area",
    paper=EHRICH2020,
    runtime_estimate_s=0.3,
    full_runtime_estimate_s=1.0,
    plot=plot_fig1,
    checks=checks_fig1,
    cf=cf.FIG1,
)(compute_fig1)

disk_repro = register(
    "ehrich2020.disk",
    title="Rotating disk: stationary omega law and energy vs mu; Eq. (35) and Eq. (32)",
    paper=EHRICH2020,
    runtime_estimate_s=4.0,
    full_runtime_estimate_s=12.0,
    plot=plot_disk,
    checks=checks_disk,
    cf=cf.DISK,
)(compute_disk)

heat_pump_repro = register(
    "ehrich2020.heat-pump",
    title="Fig. 2 (right): the mu = 1 disk pumps heat from cold to hot without work",
    paper=EHRICH2020,
    runtime_estimate_s=0.7,
    full_runtime_estimate_s=28.0,
    plot=plot_heat_pump,
    checks=checks_heat_pump,
    cf=cf.HEAT_PUMP,
)(compute_heat_pump)
