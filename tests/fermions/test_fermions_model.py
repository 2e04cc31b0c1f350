"""Model building, initial states and input validation of thermalize.fermions."""

import numpy as np
import pytest

from thermalize.distributions import fermi_dirac
from thermalize.errors import ParameterError
from thermalize.fermions import (
    QuadraticModel,
    gibbs_correlation_matrix,
    sample_fock_correlation_matrix,
    single_electron_transistor,
)


def test_single_electron_transistor_matches_eqs_15_to_17():
    """Levels (k-1) W/(K-1) - W/2 and wide-band t = sqrt(Gamma dE / 2 pi), Sec. III."""
    m = single_electron_transistor([5, 3], bandwidth=4.0, coupling=[2.0, 0.5], dot_energy=0.1)
    h = m.single_particle_hamiltonian
    assert m.partition == {"system": (0,), "L": (1, 2, 3, 4, 5), "R": (6, 7, 8)}
    np.testing.assert_array_equal(m.levels("L"), [-2.0, -1.0, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(m.levels("R"), [-2.0, 0.0, 2.0])
    assert h[0, 0] == 0.1
    np.testing.assert_allclose(h[0, 1:6], np.sqrt(2.0 * 1.0 / (2 * np.pi)), rtol=1e-15)
    np.testing.assert_allclose(h[0, 6:], np.sqrt(0.5 * 2.0 / (2 * np.pi)), rtol=1e-15)
    assert np.count_nonzero(h[1:, 1:] - np.diag(np.diag(h[1:, 1:]))) == 0  # baths not coupled
    assert m.is_locally_diagonal


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"levels_per_bath": 10, "bandwidth": 10.0, "coupling": -1.0}, "coupling"),
        ({"levels_per_bath": 0, "bandwidth": 10.0, "coupling": 1.0}, "levels_per_bath"),
        ({"levels_per_bath": 1, "bandwidth": 10.0, "coupling": 1.0}, "levels_per_bath"),
        ({"levels_per_bath": 10, "bandwidth": 0.0, "coupling": 1.0}, "bandwidth"),
        ({"levels_per_bath": 10, "bandwidth": -2.0, "coupling": 1.0}, "bandwidth"),
        ({"levels_per_bath": 10, "bandwidth": np.nan, "coupling": 1.0}, "bandwidth"),
        ({"levels_per_bath": 2.5, "bandwidth": 1.0, "coupling": 1.0}, "levels_per_bath"),
        ({"levels_per_bath": 10, "bandwidth": 1.0, "coupling": [1.0, 2.0, 3.0]}, "coupling"),
    ],
)
def test_builder_rejects_bad_input(kwargs, word):
    with pytest.raises(ParameterError, match=word):
        single_electron_transistor(**kwargs)


@pytest.mark.parametrize(
    "partition, word",
    [
        ({"system": [0], "L": [1]}, "cover"),  # mode 2 missing
        ({"system": [0], "L": [1, 2], "R": [2]}, "more than one"),
        ({"L": [0, 1, 2]}, "system"),
        ({"system": [0, 1, 2]}, "bath"),
        ({"system": [0], "L": [1, 5]}, "range"),
        ({"system": [], "L": [0, 1, 2]}, "non-empty"),
    ],
)
def test_partition_validation(partition, word):
    with pytest.raises(ParameterError, match=word):
        QuadraticModel(np.eye(3), partition)


def test_non_hermitian_hamiltonian_rejected():
    with pytest.raises(ParameterError, match="Hermitian"):
        QuadraticModel(np.array([[0.0, 1.0], [0.0, 0.0]]), {"system": [0], "L": [1]})


def test_gibbs_correlation_matrix_is_eq_20():
    """C(0) = diag[n_d, f(beta_L(eps - mu_L)), ..., f(beta_R(eps - mu_R))] (Eq. 20)."""
    m = single_electron_transistor(7, bandwidth=10.0, coupling=3.0)
    c0 = gibbs_correlation_matrix(
        m, beta={"L": 10.0, "R": 2.0}, mu={"L": 1.0, "R": -1.0}, system_occupation=0.25
    )
    expect = np.concatenate(
        [[0.25], fermi_dirac(m.levels("L"), 10.0, 1.0), fermi_dirac(m.levels("R"), 2.0, -1.0)]
    )
    np.testing.assert_array_equal(c0, np.diag(expect))


def test_gibbs_state_of_non_diagonal_bath_is_fermi_of_block():
    """For a hopping bath, C_nu = conj(f(h_nu)): <c_i^dag c_j> = f(h)_ji."""
    rng = np.random.default_rng(3)
    a = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    h = (a + a.conj().T) / 2
    m = QuadraticModel(h, {"system": [0], "L": [1, 2, 3]})
    c0 = gibbs_correlation_matrix(m, beta=1.5, mu=0.2)
    e, v = np.linalg.eigh(h[1:, 1:])
    f_h = (v * fermi_dirac(e, 1.5, 0.2)) @ v.conj().T
    np.testing.assert_allclose(c0[1:, 1:], f_h.T, atol=1e-14)  # rounding of a 3x3 eigh


def test_fock_samples_are_pure_and_average_to_gibbs():
    """Sec. IV C: occupations drawn from the Fermi law; mean over draws -> Eq. (20)."""
    m = single_electron_transistor(6, bandwidth=4.0, coupling=1.0)
    rng = np.random.default_rng(11)
    draws = np.array(
        [
            np.diag(sample_fock_correlation_matrix(m, [1.0, 0.5], [0.2, -0.2], rng=rng))
            for _ in range(4000)
        ]
    )
    assert set(np.unique(draws)) <= {0.0, 1.0}
    p = np.diag(gibbs_correlation_matrix(m, [1.0, 0.5], [0.2, -0.2]))
    se = np.sqrt(p * (1 - p) / draws.shape[0]) + 1e-12
    assert np.all(np.abs(draws.mean(axis=0) - p) <= 4 * se)  # 4 standard errors


def test_fock_sample_reproducible_and_needs_rng():
    m = QuadraticModel.example()
    a = sample_fock_correlation_matrix(m, 1.0, 0.0, rng=np.random.default_rng(5))
    b = sample_fock_correlation_matrix(m, 1.0, 0.0, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    c = sample_fock_correlation_matrix(m, 1.0, 0.0, rng=5)  # an integer seed is accepted
    np.testing.assert_array_equal(c, sample_fock_correlation_matrix(m, 1.0, 0.0, rng=5))
    for bad in ("5", -1, 2.5, None):
        with pytest.raises(ParameterError, match="rng"):
            sample_fock_correlation_matrix(m, 1.0, 0.0, rng=bad)


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"beta": [1.0, 2.0, 3.0], "mu": 0.0}, "beta"),
        ({"beta": np.nan, "mu": 0.0}, "beta"),
        ({"beta": 1.0, "mu": np.inf}, "mu"),
        ({"beta": 1.0, "mu": 0.0, "system_occupation": 1.5}, "system_occupation"),
        ({"beta": {"L": 1.0}, "mu": 0.0}, "beta"),
    ],
)
def test_state_builders_reject_bad_input(kwargs, word):
    with pytest.raises(ParameterError, match=word):
        gibbs_correlation_matrix(QuadraticModel.example(), **kwargs)
