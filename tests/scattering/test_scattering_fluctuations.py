"""Energy-exchange statistics of collisions (scattering.fluctuations), Tabanera-Bravo 2023."""

import numpy as np
import pytest

from thermalize.errors import ParameterError
from thermalize.quantum import gibbs_populations
from thermalize.scattering import IncidentPacket, ScatteringModel, scattering_map
from thermalize.scattering.fluctuations import (
    collision_energy_statistics,
    fluctuation_departure,
    trajectory_heat_statistics,
)
from thermalize.scattering.trajectories import poisson_trajectories


@pytest.fixture(scope="module")
def smap():
    return scattering_map(ScatteringModel.example(), IncidentPacket.example())  # Figs. 1-2


@pytest.mark.parametrize("beta_0", [0.1, 1.0, -0.5, 3.0])
def test_collision_energy_change_fluctuation_theorem(smap, beta_0):
    """Eq. (2) => P(dE)/P(-dE) = exp[(beta_0 - beta) dE] for one collision."""
    st = collision_energy_statistics(smap, beta_initial=beta_0)
    # map quadrature error < 1e-8 (tol of scattering_map): the laws hold to that level
    assert st.detailed_balance_residual() < 1e-8
    assert st.fluctuation_residual() < 1e-8
    assert abs(st.probabilities.sum() - 1) < 1e-8  # trace preservation of S
    # independent: the textbook sum over pairs written out for the qubit
    s, p0 = np.real(np.einsum("iijj->ij", smap.tensor)), gibbs_populations(smap.energies, beta_0)
    ref = [s[0, 1] * p0[1], s[0, 0] * p0[0] + s[1, 1] * p0[1], s[1, 0] * p0[0]]
    np.testing.assert_allclose(st.probabilities, ref, rtol=1e-14)


def test_collision_statistics_symmetric_from_gas_temperature(smap):
    st = collision_energy_statistics(smap, beta_initial=smap.beta)
    assert abs(st.probabilities[0] - st.probabilities[-1]) < 1e-8 * st.probabilities[0]


def test_trajectory_statistics_match_poisson_sampling(smap):
    """P(i, t | j) from the generator (8) vs sampled Poisson sequences (Eq. 5)."""
    rate, t = 1.0, 3.0
    st = trajectory_heat_statistics(smap, rate, [t], beta_initial=1.0)
    rng = np.random.default_rng(11)
    p0 = gibbs_populations(smap.energies, 1.0)
    sampled, sampled_inc, err, err_inc = np.zeros(3), np.zeros(3), np.zeros(3), np.zeros(3)
    for j in range(2):
        start = np.zeros((2, 2))
        start[j, j] = 1.0
        for dephase, out, se_out in ((False, sampled, err), (True, sampled_inc, err_inc)):
            ens = poisson_trajectories(smap, smap.energies, rate, start, [t], n_realisations=4000,
                                       rng=rng, dephase=dephase)
            cond = np.real(np.diag(ens.mean[0]))
            se = np.real(np.diag(ens.standard_error[0]))
            for i in range(2):
                out[1 + i - j] += cond[i] * p0[j]
                se_out[1 + i - j] += se[i] * p0[j]  # summed: an upper bound of the SE
    # Monte Carlo standard errors; 5 sigma (+1e-12 for exact zeros) never fails by chance
    assert np.all(np.abs(sampled - st.probabilities[0]) <= 5 * err + 1e-12)
    assert np.all(np.abs(sampled_inc - st.incoherent[0]) <= 5 * err_inc + 1e-12)
    # the two differ by more than the sampling error: the coherent part is resolved
    assert np.max(np.abs(st.coherent[0])) > 5 * (err.max() + err_inc.max())


def test_incoherent_part_obeys_the_theorem_and_full_statistics_break_it(smap):
    for beta_0 in (0.1, 1.0):
        st = trajectory_heat_statistics(smap, 10.0, [0.1, 0.5, 2.0], beta_initial=beta_0)
        assert np.all(st.fluctuation_residual(incoherent=True) < 1e-12)  # expm rounding
        assert np.all(st.fluctuation_residual() > 1e-3)  # coherences break it at Gamma = 10
        assert np.allclose(st.coherent.sum(axis=-1), 0, atol=1e-12)


def test_departure_grows_with_rate(smap):
    dep = fluctuation_departure(smap, [0.01, 0.1, 1.0, 10.0], collisions=5.0, beta_initial=0.1)
    assert np.all(dep.incoherent_residual < 1e-12)
    assert np.all(np.diff(dep.residual) > 0) and np.all(np.diff(dep.coherent_weight) > 0)
    # Gamma << gap 0.6: free rotation averages the coherences out (secular regime)
    assert dep.residual[0] < 1e-3 and dep.coherent_weight[0] < 1e-4
    assert dep.residual[-1] > 1e-2 and dep.coherent_weight[-1] > 0.1


def test_bad_input(smap):
    with pytest.raises(ParameterError, match="commutes with H_S"):
        collision_energy_statistics(smap, rho0=np.full((2, 2), 0.5))
    with pytest.raises(ParameterError, match="exactly one"):
        trajectory_heat_statistics(smap, 1.0, [1.0])
    with pytest.raises(ParameterError, match="beta is required"):
        collision_energy_statistics(smap.tensor, smap.energies, beta_initial=1.0)
    with pytest.raises(ParameterError, match="Gibbs initial state"):
        collision_energy_statistics(smap, rho0=np.diag([0.3, 0.7])).fluctuation_residual()
    with pytest.raises(ParameterError, match="rate"):
        trajectory_heat_statistics(smap, -1.0, [1.0], beta_initial=1.0)


def test_datasets_carry_attributes(smap):
    dep = fluctuation_departure(smap, [0.1, 1.0], beta_initial=0.1).to_dataset()
    st = trajectory_heat_statistics(smap, 1.0, [1.0], beta_initial=0.1).to_dataset()
    for ds in (dep, st):
        for name in list(ds.data_vars) + list(ds.coords):
            assert {"long_name", "units", "symbol"} <= set(ds[name].attrs)
    np.testing.assert_allclose(st.probability.sum("heat"), 1.0, atol=1e-12)
