"""Pure-state realisations (Usui et al. 2024, Sec. IV C, Figs. 7-8) stacked along a dimension."""

import numpy as np
import pytest

from thermalize.errors import ParameterError
from thermalize.fermions import (
    entropy_production,
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


def test_a_ground_state_draw_names_its_realisation():
    """A cold bath with few levels is often drawn in its ground state at its N (beta* = inf):
    the error names the realisation and the cause."""
    from thermalize.errors import ConvergenceError

    cold = single_electron_transistor(10, bandwidth=10.0, coupling=2.0)
    with pytest.raises(ConvergenceError, match=r"realisation \d+ of 50: .*ground state"):
        pure_state_realisations(
            cold, [50.0, 50.0], [0.3, 0.3], [1.0], n_realisations=50, rng=np.random.default_rng(0)
        )


def test_rng_must_be_a_generator():
    with pytest.raises(ParameterError, match="rng"):
        pure_state_realisations(MODEL, BETA, MU, TIMES, n_realisations=2, rng=3)
