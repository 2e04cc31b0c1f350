"""Usui, Ptaszynski, Esposito, Strasberg (2024): entropy production at all times, Figs. 3-9.

Registers the reproductions; the work is done in this package's modules, one per figure group.
"""

from __future__ import annotations

from . import cf
from .._registry import USUI2024, register
from .fig3_fig4 import (
    checks_fig3,
    checks_fig4,
    compute_fig3,
    compute_fig4,
    tasks_fig4,
    plot_fig3,
    plot_fig4,
)
from .fig5_fig6 import (
    checks_fig5,
    checks_fig6,
    compute_fig5,
    compute_fig6,
    tasks_fig5,
    tasks_fig6,
    plot_fig5,
    plot_fig6,
)
from .fig7_fig8 import (
    checks_fig7,
    checks_fig8,
    compute_fig7,
    compute_fig8,
    tasks_fig8,
    plot_fig7,
    plot_fig8,
)
from .fig9 import (
    checks_fig9,
    compute_fig9,
    tasks_fig9,
    plot_fig9,
)

# Full estimates: wall times of `reproduce ID --full` measured serially on the 2-core dev
# machine (issue 13: fig4 1167 s, fig6 1274 s, fig8 1310 s, fig9 1054 s); fig5 alone runs 2
# of fig4's 4 tasks. Remeasure with benchmarks/time_estimates.py --full.
__all__ = ["fig3", "fig4", "fig5", "fig6", "fig7", "fig8", "fig9"]

fig3 = register(
    "usui2024.fig3",
    title="Initial Fermi distributions of the two baths, cases (a), (b)",
    paper=USUI2024,
    runtime_estimate_s=0.2,
    plot=plot_fig3,
    checks=checks_fig3,
    full_runtime_estimate_s=2.0,
    cf=cf.FIG3,
)(compute_fig3)

fig4 = register(
    "usui2024.fig4",
    title="Effective beta*, mu* and distance to grand-canonical vs time",
    paper=USUI2024,
    runtime_estimate_s=6.0,
    plot=plot_fig4,
    checks=checks_fig4,
    tasks=tasks_fig4,
    full_runtime_estimate_s=740.0,
    cf=cf.FIG4,
)(compute_fig4)

fig5 = register(
    "usui2024.fig5",
    title="Entropy production Sigma, sigma and all components vs time",
    paper=USUI2024,
    runtime_estimate_s=3.0,
    plot=plot_fig5,
    checks=checks_fig5,
    tasks=tasks_fig5,
    full_runtime_estimate_s=370.0,
    cf=cf.FIG5,
)(compute_fig5)

fig6 = register(
    "usui2024.fig6",
    title="Regime-III averages of all components vs coupling Gamma",
    paper=USUI2024,
    runtime_estimate_s=4.0,
    plot=plot_fig6,
    checks=checks_fig6,
    tasks=tasks_fig6,
    full_runtime_estimate_s=830.0,
    cf=cf.FIG6,
)(compute_fig6)

fig7 = register(
    "usui2024.fig7",
    title="Pure initial Fock state sampled from the Fermi functions",
    paper=USUI2024,
    runtime_estimate_s=0.2,
    plot=plot_fig7,
    checks=checks_fig7,
    full_runtime_estimate_s=2.0,
    cf=cf.FIG7,
)(compute_fig7)

fig8 = register(
    "usui2024.fig8",
    title="Pure initial state vs ensemble: temperatures to entropy terms",
    paper=USUI2024,
    runtime_estimate_s=8.0,
    plot=plot_fig8,
    checks=checks_fig8,
    tasks=tasks_fig8,
    full_runtime_estimate_s=1100.0,
    cf=cf.FIG8,
)(compute_fig8)

fig9 = register(
    "usui2024.fig9",
    title="Asymmetric baths K_L != K_R: effective temperatures (App. A)",
    paper=USUI2024,
    runtime_estimate_s=8.0,
    plot=plot_fig9,
    checks=checks_fig9,
    tasks=tasks_fig9,
    full_runtime_estimate_s=590.0,
    cf=cf.FIG9,
)(compute_fig9)
