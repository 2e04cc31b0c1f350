"""Gaida, Gasbarri, Nimmrichter (2025): collisional master equation in a gas with internal structure.

Registers the reproductions; the work is done in this package's modules, one per figure group.
"""

from __future__ import annotations

from .clausius import clausius_checks, clausius_compute, clausius_plot
from .fig2_fig3 import (
    fig2_checks,
    fig2_compute,
    fig2_plot,
    fig3_checks,
    fig3_compute,
    fig3_plot,
)
from .temperature import (
    detuning_checks,
    detuning_compute,
    detuning_plot,
    teff_checks,
    teff_compute,
    teff_plot,
)
from . import cf
from .._registry import GAIDA2025, register

__all__ = ["clausius", "detuning", "effective_temperature", "fig2", "fig3"]

fig2 = register(
    "gaida2025.fig2",
    title="Ergotropy buildup of a J = 20 spin in a two-temperature gas (Fig. 2)",
    paper=GAIDA2025,
    runtime_estimate_s=1.0,
    full_runtime_estimate_s=1.0,
    plot=fig2_plot,
    checks=fig2_checks,
    cf=cf.FIG2,
)(fig2_compute)

fig3 = register(
    "gaida2025.fig3",
    title="The rate integral I(alpha, s) of Eq. (20) (Fig. 3)",
    paper=GAIDA2025,
    runtime_estimate_s=0.5,
    full_runtime_estimate_s=4.0,
    plot=fig3_plot,
    checks=fig3_checks,
    cf=cf.FIG3,
)(fig3_compute)

detuning = register(
    "gaida2025.detuning",
    title="Equilibrium gas: thermalisation at every detuning vs repeated interactions",
    paper=GAIDA2025,
    runtime_estimate_s=1.5,
    full_runtime_estimate_s=2.0,
    plot=detuning_plot,
    checks=detuning_checks,
    cf=cf.DETUNING,
)(detuning_compute)

effective_temperature = register(
    "gaida2025.effective-temperature",
    title="Effective temperature Eq. (21), inversion condition Eq. (22)",
    paper=GAIDA2025,
    runtime_estimate_s=1.0,
    full_runtime_estimate_s=54.0,
    plot=teff_plot,
    checks=teff_checks,
    cf=cf.EFFECTIVE_TEMPERATURE,
)(teff_compute)

clausius = register(
    "gaida2025.clausius",
    title="Clausius inequality (Eq. 16) and ergotropy production of a two-temperature gas",
    paper=GAIDA2025,
    runtime_estimate_s=2.0,
    full_runtime_estimate_s=3.0,
    plot=clausius_plot,
    checks=clausius_checks,
    cf=cf.CLAUSIUS,
)(clausius_compute)
