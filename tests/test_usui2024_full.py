"""usui2024 full-mode logic at test size: the regime-III window, its check, Fig. 8 typicality."""

import numpy as np
import pytest
import xarray as xr

from thermalize.fermions import entropy_production, single_electron_transistor
from thermalize.fermions import gibbs_correlation_matrix
from thermalize.papers._runner import plan
from thermalize.papers import usui2024 as u
from thermalize.papers._registry import get
from thermalize.papers.usui2024 import common, fig5_fig6, typicality
from thermalize.papers.usui2024.common import (
    BANDWIDTH,
    BETAS,
    CASES,
    DRIFT_TOL,
    ENSEMBLE_QUANTITIES,
    REGIME_III_TIME,
    _drift,
    _regime3,
)

K_TEST = 40  # levels per bath: relaxation by bare t ~ 20 (heat capacity ~ K), n = 81 modes


def test_fig6_window_is_the_same_bare_time_window_for_every_gamma():
    """Fig. 6 averages bare t in [1e5, 1e8] (authors' script) at every Gamma, not Gamma t: at
    Gamma = 3000 the caption's Gamma t in [1e5, 1e8] would be bare t in [33, 3.3e4]."""
    for quick in (True, False):
        specs = fig5_fig6._fig6_specs(quick)
        for (_, g), kw in specs.items():
            t = np.asarray(kw["grid"]) / g
            assert t[0] == pytest.approx(REGIME_III_TIME[0]) and t[-1] == pytest.approx(
                REGIME_III_TIME[1]
            )
    assert REGIME_III_TIME == (1e5, 1e8)


def test_regime3_selection_uses_each_gamma():
    """In a stack over Gamma, each series keeps only its own window t = Gamma t / Gamma >= 1e5."""
    gt = np.logspace(4, 8, 41)
    da = xr.DataArray(np.ones((2, gt.size)), dims=("gamma", "gamma_time"),
                      coords={"gamma": [1.0, 30.0], "gamma_time": gt})
    r = _regime3(da)
    kept = r.count("gamma_time")
    # Gamma = 1: Gamma t in [1e5, 1e8] -> 31 points; Gamma = 30: [3e6, 1e8] -> 16 points
    assert kept.sel(gamma=1.0) == 31 and kept.sel(gamma=30.0) == 16


def test_drift_is_zero_for_stationary_noise_and_large_for_a_relaxing_series():
    """The window statistic itself: stationary noise (no drift) gives 0; a series relaxing
    within the window (halves differ by 0.38 of the change) is flagged well above the 0.1
    tolerance (the successive-difference noise estimate does not absorb the trend)."""
    rng = np.random.default_rng(1)
    n = 31
    noise = xr.DataArray(1.0 + 0.05 * rng.standard_normal(n), dims="s")
    assert float(_drift(noise, "s", 1.0)) == 0.0
    relaxing = xr.DataArray(1.0 - np.exp(-np.linspace(0, 5, n)), dims="s")
    assert float(_drift(relaxing, "s", 1.0)) > 2.5 * DRIFT_TOL


@pytest.fixture(scope="module")
def fig6_small(request):
    """Fig. 6 at test size (K = 40, Gamma = 3 and 3000) with a given bare-time window."""

    def build(window):
        mp = pytest.MonkeyPatch()
        mp.setattr(fig5_fig6, "_levels", lambda quick: K_TEST)
        mp.setattr(fig5_fig6, "GAMMAS_FIG6_FULL", (3.0, 3000.0))
        mp.setattr(fig5_fig6, "REGIME_III_TIME", window)
        try:
            return fig5_fig6.compute_fig6(False)
        finally:
            mp.undo()

    return build


def _window_checks(ds):
    return {c.name: c for c in u.checks_fig6(ds) if c.name.startswith("window in regime III")}


def test_fig6_window_check_passes_in_regime_iii(fig6_small):
    checks = _window_checks(fig6_small(REGIME_III_TIME))
    assert len(checks) == 2
    assert all(c.passed for c in checks.values()), checks


def test_fig6_window_check_fails_before_relaxation(fig6_small):
    """A window in regime II (bare t in [0.1, 30] at K = 40, where the baths still exchange
    energy) must fail: this is the check that caught Gamma t in [1e5, 1e8] at Gamma = 3000."""
    checks = _window_checks(fig6_small((0.1, 30.0)))
    assert not checks["window in regime III: beta*_nu drift across it / its change, max over "
                      "Gamma"].passed
    assert max(c.computed for c in checks.values()) > 2 * DRIFT_TOL


def test_occupation_series_reproduces_entropy_production():
    """The many-draw shortcut n(t) = |Phi(t)|^2 n(0) gives the same beta*, mu*, Sigma, sigma
    as entropy_production for the same initial state (rounding: ~1e-12 on sums of K terms)."""
    m = single_electron_transistor((K_TEST, K_TEST), BANDWIDTH, 3.0)
    c0 = gibbs_correlation_matrix(m, BETAS, CASES["a"])
    t = [0.5, 7.0, 300.0]
    ref = entropy_production(m, c0, t, quantities=list(typicality.QUANTITIES))
    got = typicality.occupation_series(m, np.diag(c0)[None, :], t)
    for v in typicality.QUANTITIES:
        a = got[v][:, 0] if got[v].ndim == 3 else got[v][0]
        np.testing.assert_allclose(a, ref[v].values, rtol=0, atol=1e-9, err_msg=v)
    # Jensen: the time average of the concave Sigma is at most Sigma of the averaged state
    assert got["entropy_production"].mean() <= got["mean_state_entropy_production"][0] + 1e-12


def test_typicality_z_flags_an_atypical_draw():
    """Draw 0 far outside the spread of the others gives |t| >> 4; a typical one does not."""
    rng = np.random.default_rng(3)
    d = rng.standard_normal(40)
    typical = xr.DataArray(d, dims="realisation")
    assert float(typicality.typicality_z(typical)) < 4
    d[0] = d[1:].mean() + 10 * d[1:].std(ddof=1)
    assert float(typicality.typicality_z(xr.DataArray(d, dims="realisation"))) > 8


def test_fig8_spread_draws_include_the_plotted_state():
    """Draw 0 of the spread task is the Fig. 7/8 pure state itself; the others differ."""
    m = single_electron_transistor((K_TEST, K_TEST), BANDWIDTH, 3.0)
    c0, _ = common._pure_state(m, "a")
    assert np.array_equal(typicality._draw(m, "a", 0), np.diag(c0))
    assert not np.array_equal(typicality._draw(m, "a", 1), np.diag(c0))


def test_figs_4_5_8_share_the_k1000_ensemble_runs_and_fig9_asks_beta_only():
    """Full mode: the Gamma = 3 ensemble runs are the same two task keys in Figs. 4, 5, 8
    (same quantities); Fig. 9 computes beta* alone (plus the references)."""
    keys = {i: {t.key() for t in plan(get(f"usui2024.{i}"), False)} for i in ("fig4", "fig5",
                                                                            "fig8")}
    assert len(keys["fig5"]) == 2 and keys["fig5"] <= keys["fig4"] & keys["fig8"]
    for t in plan(get("usui2024.fig5"), False):
        assert t.kwargs["quantities"] == ENSEMBLE_QUANTITIES and t.kwargs["k_left"] == 1000
    assert {t.kwargs["quantities"] for t in plan(get("usui2024.fig9"), False)} == {("beta_eff",)}


def test_paper_setup_checks_hold_at_k1000_and_fail_off_the_paper():
    """Full mode checks the printed setup (K = 1000, W = 10, the figure's Gamma): Fig. 3 at
    K = 1000 passes; a 'full' dataset at K = 40 or with another Gamma fails."""
    ds = u.compute_fig3(False)
    assert all(c.passed for c in common._paper_setup_checks(ds))
    small = ds.assign_attrs(parameters={**ds.attrs["parameters"], "levels_per_bath": K_TEST})
    assert not all(c.passed for c in common._paper_setup_checks(small))
    g = xr.Dataset(coords={"gamma": [3.0, 31.0]}, attrs=ds.attrs)
    assert not all(c.passed for c in common._paper_setup_checks(g, gammas=(3.0, 30.0)))
    quick = ds.assign_attrs(parameters={**ds.attrs["parameters"], "quick": True})
    assert [c.kind for c in common._paper_setup_checks(quick)] == ["skipped"]
