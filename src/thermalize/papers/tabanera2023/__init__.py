"""Reproductions of Tabanera-Bravo, Parrondo, Esposito, Barra, PRL 130, 200402 (2023) + Suppl.

Registers the reproductions; the work is done in this package's modules, one per figure group.
"""

from __future__ import annotations

from . import cf
from .._registry import TABANERA2023, register

# Besides the compute/checks/plot functions, re-exported as before the split: the figures'
# parameters, and the cached Fig. 3 data that benchmarks/scattering.py times (_fig3_data).
from .exact_fig3 import (  # noqa: F401
    _fig3_data,
    checks_exact_amplitudes,
    checks_fig3,
    checks_fig_s1,
    checks_fig_s2,
    compute_exact_amplitudes,
    compute_fig3,
    compute_fig_s1,
    compute_fig_s2,
    plot_exact_amplitudes,
    plot_fig3,
    plot_fig_s1,
    plot_fig_s2,
)
from .fig1_fig2 import (  # noqa: F401
    BETA,
    COUPLING,
    DELTA_X,
    DELTA_XS_FIG3,
    FIG1_RATES,
    GAP,
    GAP_RIGHT,
    GAPS_FIG3,
    HBAR,
    LENGTH,
    MASS,
    NODES,
    RATE_MIDDLE,
    RATES_FIG3,
    SEED,
    THERMAL_TOLERANCE,
    X0,
    checks_fig1,
    checks_fig2,
    compute_fig1,
    compute_fig2,
    plot_fig1,
    plot_fig2,
)

__all__ = ["exact_amplitudes", "fig1", "fig2", "fig3", "fig_s1", "fig_s2"]

fig1 = register(
    "tabanera2023.fig1",
    title="rho_00 under Poissonian bombardment (Gamma = 10, 5, 1) and with dephasing DS",
    paper=TABANERA2023,
    runtime_estimate_s=1.5,
    full_runtime_estimate_s=3.0,
    plot=plot_fig1,
    checks=checks_fig1,
    cf=cf.FIG1,
)(compute_fig1)

fig2 = register(
    "tabanera2023.fig2",
    title="Steady state rho00, rho11, |rho10| vs collision rate Gamma (Eq. 9)",
    paper=TABANERA2023,
    runtime_estimate_s=0.5,
    full_runtime_estimate_s=1.0,
    plot=plot_fig2,
    checks=checks_fig2,
    cf=cf.FIG2,
)(compute_fig2)

exact_amplitudes = register(
    "tabanera2023.exact-amplitudes",
    title="Fig. 2 recomputed with exact multichannel amplitudes vs Eq. (S1)",
    paper=TABANERA2023,
    runtime_estimate_s=1.0,
    full_runtime_estimate_s=3.0,
    plot=plot_exact_amplitudes,
    checks=checks_exact_amplitudes,
    cf=cf.EXACT_AMPLITUDES,
)(compute_exact_amplitudes)

fig3 = register(
    "tabanera2023.fig3",
    title="|rho01| of the steady state: (Gamma, Delta), (dx, Delta), (dx, Gamma) maps",
    paper=TABANERA2023,
    runtime_estimate_s=1.0,
    full_runtime_estimate_s=16.0,
    plot=plot_fig3,
    checks=checks_fig3,
    cf=cf.FIG3,
)(compute_fig3)

fig_s1 = register(
    "tabanera2023.figS1",
    title="Fig. S1: |rho01| maps from the numerical solution of Eq. (9)",
    paper=TABANERA2023,
    runtime_estimate_s=0.5,
    full_runtime_estimate_s=4.0,
    plot=plot_fig_s1,
    checks=checks_fig_s1,
    cf=cf.FIG_S1,
)(compute_fig_s1)

fig_s2 = register(
    "tabanera2023.figS2",
    title="Fig. S2: the estimate Eq. (S10) (s = 0.01) vs the exact coherence",
    paper=TABANERA2023,
    runtime_estimate_s=0.5,
    full_runtime_estimate_s=2.0,
    plot=plot_fig_s2,
    checks=checks_fig_s2,
    cf=cf.FIG_S2,
)(compute_fig_s2)
