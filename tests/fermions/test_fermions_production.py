"""Effective T/mu matching (Eqs. 5-6, App. B) and the entropy production identities (Eqs. 7-14, 23)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from thermalize.distributions import fermi_dirac
from thermalize.errors import ConvergenceError, ParameterError
from thermalize.fermions import (
    QuadraticModel,
    effective_temperature_chemical_potential,
    entropy_production,
    gibbs_correlation_matrix,
    global_reference,
    grand_canonical_entropy,
    sample_fock_correlation_matrix,
    single_electron_transistor,
)

LEVELS = np.linspace(-5.0, 5.0, 400)


@given(st.floats(-20.0, 60.0).filter(lambda b: abs(b) > 1e-3), st.floats(-3.0, 3.0))
def test_matching_recovers_beta_and_mu(beta, mu):
    """Eqs. (5)-(6) invert the Fermi law: (E, N) of pi(beta, mu) -> (beta, mu), cold to hot."""
    f = fermi_dirac(LEVELS, beta, mu)
    b, m = effective_temperature_chemical_potential(LEVELS, LEVELS @ f, f.sum())
    # condition number of (E, N) -> (beta, mu) grows like e^{beta/ (2 level spacing)}; at
    # beta <= 60 and spacing 0.025 the matched E, N (rel. 1e-11) fix beta, mu to ~1e-7
    assert abs(b - beta) <= 1e-7 * max(1.0, abs(beta))
    assert abs(m - mu) <= 1e-7 * max(1.0, abs(mu))


def test_matching_very_hot_and_very_cold():
    for beta, mu in [(1e-6, 0.3), (200.0, 0.013)]:
        f = fermi_dirac(LEVELS, beta, mu)
        b, m = effective_temperature_chemical_potential(LEVELS, LEVELS @ f, f.sum())
        assert abs(b - beta) / beta < 1e-6  # hot: beta tiny, cold: exponentially ill-conditioned
        assert abs(m - mu) < 1e-6


@pytest.mark.parametrize(
    "n, e", [(0.0, 0.0), (400.0, 0.0), (1.0, -5.0), (2.0, 10.0), (2.5, -12.46)]
)
def test_unreachable_targets_raise_convergence_error_naming_bath(n, e):
    """N = 0, N = K, a ground state, or E beyond the one-particle maximum cannot be matched."""
    with pytest.raises(ConvergenceError, match="'R'"):
        effective_temperature_chemical_potential(LEVELS, e, n, bath="R", max_iter=80)


@pytest.mark.parametrize("mu, word", [(-20.0, "empty"), (17.0, "full")])
def test_nearly_empty_or_full_bath_says_so(mu, word):
    """A Fermi sea with N ~ 1e-15 (or K - N ~ 1e-15) has its whole energy window below the
    1e-13 x sum|eps| resolution: the error names the cause, not "outside the range"."""
    eps = np.linspace(-1.0, 1.0, 100)
    occ = fermi_dirac(eps, 2.0, mu)
    assert 0.0 < occ.sum() < eps.size  # a genuine, if extreme, grand-canonical state
    with pytest.raises(ConvergenceError, match=f"nearly {word}.*cannot be resolved"):
        effective_temperature_chemical_potential(eps, eps @ occ, occ.sum(), bath="L")


@pytest.mark.parametrize("top, word", [(False, "ground"), (True, "top")])
def test_ground_or_top_state_says_so(top, word):
    """A cold pure Fock sample is often the ground state at its N (beta* = +inf): the error
    says so instead of calling its energy "outside the range"."""
    eps = np.linspace(-1.0, 1.0, 30)
    n = 12
    e = eps[-n:].sum() if top else eps[:n].sum()
    with pytest.raises(ConvergenceError, match=f"'L'.*{word} state at that N"):
        effective_temperature_chemical_potential(eps, e, float(n), bath="L")


def test_matching_needs_two_distinct_levels():
    with pytest.raises(ParameterError, match="distinct"):
        effective_temperature_chemical_potential(np.zeros(3), 0.0, 1.0)


def test_global_reference_is_appendix_b():
    """beta_ref, mu_ref: the grand-canonical state of the full h (Eq. B2) has the same <H>, <N>."""
    m = single_electron_transistor(60, bandwidth=10.0, coupling=3.0)
    c0 = gibbs_correlation_matrix(m, [10.0, 2.0], [1.0, -1.0])
    b, mu = global_reference(m, c0)
    e, v = np.linalg.eigh(m.single_particle_hamiltonian)
    c_ref = (v * fermi_dirac(e, b, mu)) @ v.T  # Eq. (B2)
    h = m.single_particle_hamiltonian
    assert abs(np.trace(c_ref) - np.trace(c0)) < 1e-9 * np.trace(c0)
    assert abs(np.sum(h * c_ref) - np.sum(h * c0)) < 1e-9 * np.abs(h).sum()
    ds = entropy_production(m, c0, [1.0])
    assert abs(ds.attrs["parameters"]["beta_ref"] - b) < 1e-9
    assert abs(ds.attrs["parameters"]["mu_ref"] - mu) < 1e-9


TIMES = np.concatenate([[0.0], np.logspace(-1, 7, 25)])


@pytest.fixture(scope="module", params=["a", "b"])
def gibbs_run(request):
    m = single_electron_transistor(60, bandwidth=10.0, coupling=3.0)
    mu = [1.0, -1.0] if request.param == "a" else [0.5, 0.5]
    c0 = gibbs_correlation_matrix(m, [10.0, 2.0], mu)
    return mu, entropy_production(m, c0, TIMES)


def test_effective_parameters_recover_inputs_at_t0(gibbs_run):
    mu, ds = gibbs_run
    np.testing.assert_allclose(ds.beta_eff.isel(time=0), [10.0, 2.0], rtol=1e-9)
    np.testing.assert_allclose(ds.mu_eff.isel(time=0), mu, atol=1e-9)


def test_entropy_production_nonnegative_for_gibbs_product(gibbs_run):
    """Eq. (7): Sigma >= 0 for rho_S(0) x prod pi_nu (Clausius inequality)."""
    _, ds = gibbs_run
    assert float(ds.entropy_production.min()) >= -1e-10  # rounding of sums of ~100 entropies
    assert float(ds.sigma.min()) >= -1e-10


def test_every_term_nonnegative(gibbs_run):
    _, ds = gibbs_run
    for v in [
        "system_bath_mi",
        "inter_bath_mi",
        "intra_bath_mi",
        "local_athermality",
        "finite_bath_effect",
    ]:
        assert float(ds[v].min()) >= -1e-10, v  # relative entropies are >= 0


def test_eq12_identity_at_every_time(gibbs_run):
    """Sigma = I_SB + I_LR + sum I_o + D*_env (Eq. 12) to rounding of ~4K entropy terms."""
    _, ds = gibbs_run
    assert float(abs(ds.decomposition_residual).max()) < 1e-9
    assert float(abs(ds.entropy_production - ds.decomposition_sum).max()) < 1e-9
    assert abs(ds.attrs["parameters"]["initial_decomposition_sum"]) < 1e-10


def test_eq14_identity_at_every_time(gibbs_run):
    """sigma - Sigma = D_env^eq (Eq. 14), the latter from its definition."""
    _, ds = gibbs_run
    assert float(abs(ds.eq14_residual).max()) < 1e-9
    assert float((ds.finite_bath_effect - (ds.sigma - ds.entropy_production)).max()) < 1e-9


def test_conservation_of_energy_and_number(gibbs_run):
    """Bath energy/number changes are fed only by the system + interaction (bounded by 1 + |V|)."""
    _, ds = gibbs_run
    dn = ds.particle_number.sum("bath") - ds.particle_number.sum("bath").isel(time=0)
    assert float(abs(dn).max()) <= 1.0 + 1e-12  # the dot holds at most one electron


def test_athermality_identity_fig4(gibbs_run):
    """Sec. IV A: sum_nu D[rho_nu || pi_nu] = sum_nu I_o,nu + D*_env, distance in [0, 1]."""
    _, ds = gibbs_run
    lhs = (ds.gc_entropy - ds.bath_entropy).sum("bath")
    rhs = ds.intra_bath_mi_total + ds.local_athermality_total
    assert float(abs(lhs - rhs).max()) < 1e-9
    assert float(ds.athermality_distance.min()) >= -1e-12
    assert float(ds.athermality_distance.max()) <= 1.0


def test_pure_state_eq23():
    """Fock initial state: Sigma = I_SB + sum I_nu + I_LR + D*(t) - D*(0) (Eq. 23), D*(0) > 0."""
    # beta_L = 3 so that several of the 60 levels lie in the thermal window (no ground state)
    m = single_electron_transistor(60, bandwidth=10.0, coupling=3.0)
    c0 = sample_fock_correlation_matrix(m, [3.0, 2.0], [1.0, -1.0], rng=np.random.default_rng(3))
    ds = entropy_production(m, c0, TIMES[1:])
    assert ds.attrs["parameters"]["initial_local_athermality"] > 0
    assert float(abs(ds.entropy_production - ds.pure_state_expression).max()) < 1e-9
    assert float(abs(ds.decomposition_residual).max()) < 1e-9
    assert float(abs(ds.eq14_residual).max()) < 1e-9


def test_general_partition_with_hopping_baths_and_three_baths():
    """Non-diagonal bath blocks (local eigenmodes) and three baths: identities still hold."""
    rng = np.random.default_rng(12)
    n = 10
    a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    h = (a + a.conj().T) / 2
    m = QuadraticModel(h, {"system": [0], "A": [1, 2, 3], "B": [4, 5, 6], "C": [7, 8, 9]})
    assert not m.is_locally_diagonal
    c0 = gibbs_correlation_matrix(m, [1.0, 0.3, 2.0], [0.2, -0.5, 0.0], system_occupation=0.5)
    ds = entropy_production(m, c0, [0.0, 0.4, 3.0, 50.0])
    np.testing.assert_allclose(ds.beta_eff.isel(time=0), [1.0, 0.3, 2.0], rtol=1e-9)
    assert float(abs(ds.decomposition_residual).max()) < 1e-9
    assert float(abs(ds.eq14_residual).max()) < 1e-9
    assert float(ds.entropy_production.min()) >= -1e-10
    gc0 = [
        grand_canonical_entropy(m.levels(b), be, mu)
        for b, be, mu in zip("ABC", [1.0, 0.3, 2.0], [0.2, -0.5, 0.0])
    ]
    np.testing.assert_allclose(ds.gc_entropy.isel(time=0), gc0, atol=1e-10)
    b_ref, mu_ref = global_reference(m, c0)  # App. B via the site basis
    assert abs(ds.attrs["parameters"]["beta_ref"] - b_ref) < 1e-9
    assert abs(ds.attrs["parameters"]["mu_ref"] - mu_ref) < 1e-9


def test_normalised_informations_bounds():
    """Quantum MI <= 2 x classical bound (Sec. IV B): I_SB/ln 2 <= 2."""
    m = single_electron_transistor(30, bandwidth=10.0, coupling=3.0)
    c0 = gibbs_correlation_matrix(m, [10.0, 2.0], [1.0, -1.0])
    ds = entropy_production(m, c0, np.logspace(0, 6, 10))
    assert float(ds.system_bath_mi_normalised.max()) <= 2.0
    np.testing.assert_allclose(ds.system_bath_mi_normalised, ds.system_bath_mi / np.log(2))
    np.testing.assert_allclose(ds.inter_bath_mi_normalised, ds.inter_bath_mi / (30 * np.log(2)))


def test_bad_method_and_model():
    m = QuadraticModel.example()
    c0 = gibbs_correlation_matrix(m, 1.0, 0.0)
    with pytest.raises(ParameterError, match="joint_bath"):
        entropy_production(m, c0, [1.0], joint_bath="fast")
    with pytest.raises(ParameterError, match="model"):
        entropy_production(np.eye(5), c0, [1.0])
