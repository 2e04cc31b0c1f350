"""Pure-state realisations (Usui et al. 2024, Sec. IV C, Figs. 7-8) stacked along a dimension."""

import numpy as np
import pytest

from thermalize.errors import ParameterError
from thermalize.fermions import (
    entropy_production,
    fock_correlation_matrix,
    gibbs_correlation_matrix,
    pure_state_realisations,
    sample_fock_correlation_matrix,
    single_electron_transistor,
)

# K = 40 levels per bath over W = 10 (spacing 0.25) at beta = 0.5, 0.3: the Fermi edges are
# smeared over >= 8 levels, so a sample is (almost) never a ground state at its N
MODEL = single_electron_transistor(40, bandwidth=10.0, coupling=2.0)
BETA, MU = [0.5, 0.3], [0.8, -0.4]
TIMES = [0.7, 4.0]


def run(n, seed):
    return pure_state_realisations(
        MODEL, BETA, MU, TIMES, n_realisations=n, rng=np.random.default_rng(seed)
    )


def test_stacked_along_realisation_and_reproducible():
    ds = run(3, 1)
    assert ds.sizes["realisation"] == 3
    assert list(ds.realisation.values) == [0, 1, 2]
    assert ds.entropy_production.dims == ("realisation", "time")
    assert ds.attrs["parameters"]["n_realisations"] == 3
    np.testing.assert_array_equal(ds.entropy_production, run(3, 1).entropy_production)
    # pure initial states: the decomposition (Eq. 12 / Eq. 23 form) holds in each realisation
    assert float(abs(ds.decomposition_residual).max()) < 1e-9  # rounding of O(K) entropies


def test_realisation_means_of_linear_quantities_are_the_ensemble_values():
    """C(t) is linear in C(0) and the Fock draws average to the Gibbs matrix, so the mean
    bath energy and particle number over realisations equal the ensemble's at every time
    (4 standard errors over 40 independent realisations)."""
    ds = run(40, 2)
    ens = entropy_production(MODEL, gibbs_correlation_matrix(MODEL, BETA, MU), TIMES)
    n = ds.sizes["realisation"]
    for name in ("energy", "particle_number"):
        mean = ds[name].mean("realisation")
        se = ds[name].std("realisation", ddof=1) / np.sqrt(n)
        z = np.abs((mean - ens[name]) / se)
        assert float(z.max()) < 4, name


def test_realisation_mean_is_the_evolution_of_the_mean_state():
    """Exact linearity: the mean over realisations of E_nu(t), N_nu(t) equals those of the
    evolved mean of the same sampled C(0) (redrawn from the same seed); rounding only."""
    ds = run(6, 3)
    rng = np.random.default_rng(3)
    c0 = np.mean([sample_fock_correlation_matrix(MODEL, BETA, MU, rng=rng) for _ in range(6)], 0)
    mixed = entropy_production(MODEL, c0, TIMES)
    for name in ("energy", "particle_number"):
        np.testing.assert_allclose(ds[name].mean("realisation"), mixed[name], rtol=0, atol=1e-9)


@pytest.mark.parametrize("bad", [0, -2, 2.5, True, "3"])
def test_bad_number_of_realisations(bad):
    with pytest.raises(ParameterError, match="n_realisations"):
        pure_state_realisations(
            MODEL, BETA, MU, TIMES, n_realisations=bad, rng=np.random.default_rng(0)
        )


def test_ground_state_draws_do_not_abort_the_average():
    """Issue 18 item 7: a cold bath with few levels is often drawn in its ground state at its N
    (beta* = +inf). The run completes; those realisations are flagged, their Sigma and
    decomposition are finite and the Eq. (12) identity holds (1e-9, rounding of O(10) terms),
    while sigma and D_env^eq are +inf once the bath has left its ground state."""
    cold = single_electron_transistor(10, bandwidth=10.0, coupling=2.0)
    ds = pure_state_realisations(
        cold, [50.0, 50.0], [0.3, 0.3], [0.0, 1.0, 7.0], n_realisations=30,
        rng=np.random.default_rng(0),
    )
    flagged = (ds.ground_state_limit.isel(time=0, drop=True) == 1).any("bath")
    assert bool(flagged.any())  # the situation of the issue occurs in this sample
    assert np.all(np.isfinite(ds.entropy_production)) and np.all(np.isfinite(ds.gc_entropy))
    assert float(abs(ds.decomposition_residual).max()) < 1e-9
    assert np.isfinite(float(ds.entropy_production.mean()))
    later = ds.isel(time=slice(1, None)).where(flagged, drop=True)
    assert bool(np.isposinf(later.sigma).all())
    assert bool(np.isposinf(later.finite_bath_effect).all())
    assert float(abs(ds.sigma.isel(time=0)).max()) < 1e-12  # nothing has happened at t = 0
    assert float(abs(ds.eq14_residual).max()) < 1e-9  # 0 where both sides are +inf
    assert bool(np.isinf(ds.beta_eff.isel(time=0)).sum() > 0)


def test_realisations_return_the_drawn_occupations():
    """Issue 17 item 4: each realisation's initial state is rebuilt from `initial_occupation`
    with fock_correlation_matrix and gives the same entropy production (same code path and
    input: 1e-12)."""
    ds = run(3, 11)
    assert ds.initial_occupation.dims == ("realisation", "mode")
    assert set(np.unique(ds.initial_occupation.values)) <= {0.0, 1.0}
    for r in range(3):
        c0 = fock_correlation_matrix(ds.initial_occupation.values[r], MODEL)
        one = entropy_production(MODEL, c0, TIMES)
        np.testing.assert_allclose(
            ds.entropy_production.isel(realisation=r), one.entropy_production, atol=1e-12
        )


def test_rng_must_be_a_generator():
    with pytest.raises(ParameterError, match="rng"):
        pure_state_realisations(MODEL, BETA, MU, TIMES, n_realisations=2, rng="3")
