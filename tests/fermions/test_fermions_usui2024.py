"""Parameters and cheap reproductions of the usui2024 paper module."""

import numpy as np

from thermalize.papers import usui2024
from thermalize.papers.usui2024 import common as usui2024_common
from thermalize.papers.usui2024.fig3_fig4 import _grid
from thermalize.papers.usui2024.fig9 import _asymmetric_levels


def test_asymmetric_bath_sizes_are_appendix_a():
    """App. A: K_L/K_R = 1001/999 and 1010/990 at K = 1000; always unequal."""
    assert _asymmetric_levels(1000, 0.001) == (1001, 999)
    assert _asymmetric_levels(1000, 0.01) == (1010, 990)
    assert _asymmetric_levels(150, 0.001) == (151, 149)


def test_fig3_and_fig7_checks_pass_in_full_mode():
    """The cheap figures at the paper's K = 1000: the same checks as in quick mode."""
    for compute, checks in [
        (usui2024.compute_fig3, usui2024.checks_fig3),
        (usui2024.compute_fig7, usui2024.checks_fig7),
    ]:
        ds = compute(False)
        assert ds.attrs["parameters"]["levels_per_bath"] == 1000
        failed = [c.name for c in checks(ds) if not c.passed]
        assert not failed, failed


def test_regime_iii_window_is_the_authors_bare_time_window():
    """The plotted Gamma t axis is the paper's; the regime-III window is bare t in [1e5, 1e8]
    (the authors' script; the Fig. 6 caption's Gamma t holds at Gamma = 1 only)."""
    grid = np.asarray(_grid(True))
    assert grid[0] == 0.1 and grid[-1] == 1e8
    assert usui2024_common.REGIME_III_TIME == (1e5, 1e8)
