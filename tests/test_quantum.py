"""Laws of states and information measures (thermalize.quantum)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from thermalize import ParameterError
from thermalize.quantum import (
    ergotropy,
    gibbs_populations,
    gibbs_state,
    mutual_information,
    partial_trace,
    passive_state,
    relative_entropy,
    trace_distance,
    validate_density_matrix,
    von_neumann_entropy,
)
from thermalize.superop import detailed_balance_generator, steady_state

EPS = np.finfo(float).eps

levels = arrays(np.float64, st.integers(2, 6), elements=st.floats(-5, 5)).map(np.sort)
seeds = st.integers(0, 2**32 - 1)


def random_state(d, rng, rank=None):
    """Random density matrix of the given rank (Wishart)."""
    rank = d if rank is None else rank
    g = rng.standard_normal((d, rank)) + 1j * rng.standard_normal((d, rank))
    rho = g @ g.conj().T
    return rho / np.trace(rho).real


def random_hermitian(d, rng):
    g = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    return (g + g.conj().T) / 2


@given(levels, st.floats(-20.0, 20.0))
def test_gibbs_state_properties(e, beta):
    rho = gibbs_state(e, beta)
    p = rho.diagonal()
    assert abs(p.sum() - 1) < 10 * len(e) * EPS  # summation rounding
    assert np.all(p >= 0)
    # ordering: beta > 0 puts more weight on lower levels, beta < 0 on higher levels
    if beta > 0:
        assert np.all(np.diff(p) <= 1e-15)
    elif beta < 0:
        assert np.all(np.diff(p) >= -1e-15)


def test_gibbs_state_limits():
    e = np.array([0.0, 0.5, 0.5, 2.0])
    np.testing.assert_array_equal(gibbs_populations(e, np.inf), [1, 0, 0, 0])
    np.testing.assert_array_equal(gibbs_populations(e, -np.inf), [0, 0, 0, 1])
    np.testing.assert_allclose(gibbs_populations(e, 0.0), 0.25, rtol=0, atol=1e-16)
    # degenerate ground manifold at beta = inf shares the weight
    np.testing.assert_allclose(gibbs_populations(np.array([1.0, 1.0, 3.0]), np.inf), [0.5, 0.5, 0])
    # huge beta does not overflow
    assert np.isfinite(gibbs_populations(np.array([0.0, 1e3]), 1e3)).all()


@given(seeds, st.floats(-3, 3))
def test_gibbs_state_of_hamiltonian_matrix(seed, beta):
    rng = np.random.default_rng(seed)
    h = random_hermitian(4, rng)
    rho = gibbs_state(h, beta)
    e, v = np.linalg.eigh(h)
    w = np.exp(-beta * (e - e.min()))
    # reference through scipy-free exponentiation in the eigenbasis; unitary rotation error ~1e-15
    ref = (v * (w / w.sum())) @ v.conj().T
    np.testing.assert_allclose(rho, ref, atol=1e-12)
    assert abs(np.trace(rho) - 1) < 1e-12


@given(levels, st.floats(0.0, 10.0), seeds)
def test_gibbs_state_is_fixed_point_of_detailed_balance(e, beta, seed):
    if np.min(np.diff(e)) < 1e-3:  # detailed_balance_generator needs a non-degenerate spectrum
        e = np.arange(e.size, dtype=float)
    rng = np.random.default_rng(seed)
    gen = detailed_balance_generator(e, beta, rng.uniform(0.1, 1.0, (e.size, e.size)))
    # conditioning of the rate matrix is bounded by exp(beta * spread) <= e^100: use a relative check
    rho = steady_state(gen)
    pi = gibbs_state(e, beta)
    assert np.max(np.abs(rho - pi)) < 1e-8


@given(seeds, st.integers(1, 6))
def test_entropy_bounds(seed, d):
    rng = np.random.default_rng(seed)
    rho = random_state(d, rng, rank=int(rng.integers(1, d + 1)))
    s = von_neumann_entropy(rho)
    assert -1e-12 <= s <= np.log(d) + 1e-12  # eigenvalue rounding ~1e-15 per term
    assert von_neumann_entropy(np.eye(d) / d) == pytest.approx(np.log(d), abs=1e-12)


def test_entropy_pure_state_is_zero_and_no_nan():
    psi = np.array([1.0, 1.0j]) / np.sqrt(2)
    rho = np.outer(psi, psi.conj())
    assert von_neumann_entropy(rho) == pytest.approx(0.0, abs=1e-14)
    # slightly negative rounding eigenvalue: clipped, not NaN
    assert np.isfinite(von_neumann_entropy(np.diag([1.0 + 1e-16, -1e-16])))


@given(seeds, st.integers(1, 5))
def test_relative_entropy_nonnegative_and_zero_only_for_equal(seed, d):
    rng = np.random.default_rng(seed)
    rho, sigma = random_state(d, rng), random_state(d, rng)
    assert relative_entropy(rho, sigma) >= 0
    assert relative_entropy(rho, rho) == pytest.approx(0.0, abs=1e-10)  # log of eigvals rounding
    if trace_distance(rho, sigma) > 1e-3:
        # Pinsker: D >= 2 T^2 > 0
        assert relative_entropy(rho, sigma) >= 2 * trace_distance(rho, sigma) ** 2 - 1e-12


def test_relative_entropy_support_and_reference():
    assert relative_entropy(np.eye(2) / 2, np.diag([1.0, 0.0])) == np.inf
    p, q = np.array([0.3, 0.7]), np.array([0.6, 0.4])
    ref = float(np.sum(p * np.log(p / q)))  # classical KL for commuting states
    assert relative_entropy(np.diag(p), np.diag(q)) == pytest.approx(ref, rel=1e-12)
    # rho supported inside sigma's support (sigma rank deficient) stays finite
    assert np.isfinite(relative_entropy(np.diag([1.0, 0.0]), np.diag([0.5, 0.0]) * 2))


@given(seeds)
def test_partial_trace_of_product_and_trace(seed):
    rng = np.random.default_rng(seed)
    a, b, c = random_state(2, rng), random_state(3, rng), random_state(2, rng)
    rho = np.kron(np.kron(a, b), c)
    dims = [2, 3, 2]
    np.testing.assert_allclose(partial_trace(rho, dims, [1]), b, atol=1e-13)
    np.testing.assert_allclose(partial_trace(rho, dims, [0, 2]), np.kron(a, c), atol=1e-13)
    np.testing.assert_allclose(partial_trace(rho, dims, [2, 0]), np.kron(c, a), atol=1e-13)
    assert partial_trace(rho, dims, []).item() == pytest.approx(1.0, abs=1e-13)


@given(seeds)
def test_mutual_information_nonnegative_symmetric(seed):
    rng = np.random.default_rng(seed)
    rho = random_state(8, rng)
    dims = [2, 2, 2]
    i_ab = mutual_information(rho, dims, [0], [1, 2])
    assert i_ab >= 0
    assert i_ab == pytest.approx(mutual_information(rho, dims, [1, 2], [0]), abs=1e-12)
    prod = np.kron(random_state(2, rng), random_state(4, rng))
    assert mutual_information(prod, dims, [0], [1, 2]) == pytest.approx(0.0, abs=1e-10)


@given(seeds, st.integers(2, 5))
def test_ergotropy_nonnegative_and_zero_for_passive(seed, d):
    rng = np.random.default_rng(seed)
    rho, h = random_state(d, rng), random_hermitian(d, rng)
    assert ergotropy(rho, h) >= 0
    assert ergotropy(passive_state(rho, h), h) == pytest.approx(0.0, abs=1e-12)
    # Gibbs states with beta >= 0 are passive
    assert ergotropy(gibbs_state(h, 1.3), h) == pytest.approx(0.0, abs=1e-12)


@given(seeds, st.integers(2, 6))
def test_ergotropy_closed_form_for_diagonal_states(seed, d):
    rng = np.random.default_rng(seed)
    e = np.sort(rng.normal(size=d))
    p = rng.dirichlet(np.ones(d))
    closed = float(p @ e - np.sort(p)[::-1] @ e)  # sum_j p_j e_j - sum_k p_(k)^desc e_k
    assert ergotropy(np.diag(p), e) == pytest.approx(closed, abs=1e-12)


def test_ergotropy_of_inverted_gibbs_state():
    e = np.array([0.0, 1.0])
    rho = gibbs_state(e, -1.0)  # population inversion: p1 > p0
    p0, p1 = rho.diagonal()
    assert ergotropy(rho, e) == pytest.approx(p1 - p0, abs=1e-14)


def test_trace_distance():
    rng = np.random.default_rng(3)
    rho, sigma = random_state(3, rng), random_state(3, rng)
    t = trace_distance(rho, sigma)
    assert 0 <= t <= 1
    assert t == pytest.approx(trace_distance(sigma, rho), abs=1e-14)
    assert trace_distance(rho, rho) == pytest.approx(0.0, abs=1e-14)


def test_validate_density_matrix():
    validate_density_matrix(np.eye(3) / 3)
    with pytest.raises(ParameterError, match="trace"):
        validate_density_matrix(np.eye(2))
    with pytest.raises(ParameterError, match="positive"):
        validate_density_matrix(np.diag([1.5, -0.5]))
    with pytest.raises(ParameterError, match="Hermitian"):
        validate_density_matrix(np.array([[0.5, 0.3], [0.0, 0.5]]))


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: gibbs_state(np.array([0.0, 1.0]), float("nan")), "beta"),
        (lambda: gibbs_state(np.array([[0.0, 1.0], [0.0, 0.0]]), 1.0), "hamiltonian"),
        (lambda: gibbs_state(np.array([0.0, np.nan]), 1.0), "energies"),
        (lambda: von_neumann_entropy(np.ones((2, 3))), "rho"),
        (lambda: relative_entropy(np.eye(2) / 2, np.eye(3) / 3), "sigma"),
        (lambda: partial_trace(np.eye(4) / 4, [2, 3], [0]), "dims"),
        (lambda: partial_trace(np.eye(4) / 4, [2, 2], [2]), "keep"),
        (lambda: mutual_information(np.eye(4) / 4, [2, 2], [0], [0]), "part_a"),
        (lambda: ergotropy(np.eye(2) / 2, np.eye(3)), "hamiltonian"),
        (lambda: von_neumann_entropy(np.full((2, 2), np.nan)), "rho"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


@pytest.mark.parametrize(
    "call, message",
    [  # the reproducers of issue 15: invalid states and non-numbers are refused
        (lambda: von_neumann_entropy(np.diag([1.5, -0.5, 0.0])), "positive semidefinite"),
        (lambda: ergotropy(np.diag([1.5, -0.5, 0.0]), np.arange(3.0)), "positive semidefinite"),
        (lambda: relative_entropy(np.diag([1.2, -0.2, 0.0]), np.eye(3) / 3),
         "positive semidefinite"),
        (lambda: von_neumann_entropy(np.eye(3)), "unit trace"),
        (lambda: trace_distance(np.eye(2), np.eye(2) / 2), "unit trace"),
        (lambda: mutual_information(np.eye(4), [2, 2], [0], [1]), "unit trace"),
        (lambda: gibbs_state(np.arange(3.0), "2.0"), r"beta: expected a real number, got '2.0'"),
        (lambda: gibbs_state(np.arange(3.0), "hot"), r"got 'hot' \(str\)"),
        (lambda: gibbs_state(np.arange(3.0), None), "beta"),
        (lambda: gibbs_state(np.arange(3.0), 1.0, temperature=1.0), "not both"),
        (lambda: gibbs_state("levels", 1.0), "energies"),
        # 10^6 levels: the dense state (7.3 TiB) was allocated (MemoryError, fuzz seed 67)
        (lambda: gibbs_state(np.zeros(10**6), 1.0), r"energies_or_hamiltonian .* GiB"),
        (lambda: partial_trace(np.eye(4) / 4, "22", [0]), "dims"),
    ],
)
def test_invalid_states_and_types_are_refused(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


def test_check_false_skips_the_state_check():
    # a Hermitian operator that is not a state: allowed when the caller opts out
    assert trace_distance(np.diag([1.0, -1.0]), np.zeros((2, 2)), check=False) == 1.0
    assert von_neumann_entropy(np.eye(2), check=False) == 0.0  # eigenvalues 1, 1: -1 ln 1 = 0


def test_temperature_keyword_is_the_inverse_of_beta():
    e = np.array([0.0, 0.4, 1.3])
    np.testing.assert_allclose(gibbs_state(e, temperature=2.0), gibbs_state(e, beta=0.5))
    np.testing.assert_allclose(gibbs_state(e, temperature=0.0), gibbs_state(e, beta=np.inf))


def test_qobj_in_qobj_out_for_every_state_function():
    qutip = pytest.importorskip("qutip")
    rng = np.random.default_rng(11)
    rho = random_state(6, rng)
    sigma = random_state(6, rng)
    h = random_hermitian(6, rng)
    dims = [[2, 3], [2, 3]]
    q_rho, q_sigma, q_h = (qutip.Qobj(x, dims=dims) for x in (rho, sigma, h))
    # operators out: Qobj with dims; same numbers as the ndarray call
    g = gibbs_state(q_h, 0.7)
    assert isinstance(g, qutip.Qobj) and g.dims == dims
    np.testing.assert_allclose(g.full(), gibbs_state(h, 0.7), atol=1e-14)
    np.testing.assert_allclose(g.full(), (-0.7 * q_h).expm().full() / (-0.7 * q_h).expm().tr(),
                               atol=1e-12)  # QuTiP's own matrix exponential
    red = partial_trace(q_rho, keep=[1])
    assert isinstance(red, qutip.Qobj) and red.dims == [[3], [3]]
    np.testing.assert_allclose(red.full(), partial_trace(rho, [2, 3], [1]), atol=1e-14)
    np.testing.assert_allclose(red.full(), q_rho.ptrace(1).full(), atol=1e-12)  # QuTiP's ptrace
    p = passive_state(q_rho, q_h)
    assert isinstance(p, qutip.Qobj)
    np.testing.assert_allclose(p.full(), passive_state(rho, h), atol=1e-14)
    # numbers out: identical to the ndarray call
    assert von_neumann_entropy(q_rho) == pytest.approx(von_neumann_entropy(rho), abs=1e-14)
    assert relative_entropy(q_rho, q_sigma) == pytest.approx(relative_entropy(rho, sigma),
                                                             abs=1e-14)
    assert ergotropy(q_rho, q_h) == pytest.approx(ergotropy(rho, h), abs=1e-14)
    assert trace_distance(q_rho, q_sigma) == pytest.approx(trace_distance(rho, sigma), abs=1e-14)
    assert mutual_information(q_rho, part_a=[0], part_b=[1]) == pytest.approx(
        mutual_information(rho, [2, 3], [0], [1]), abs=1e-14)
    validate_density_matrix(q_rho)


def test_temperature_limits_are_the_beta_limits():
    """errors.beta_or_temperature(allow_inf=True) behind gibbs_*: T -> 0+ is the ground state
    (also when 1/T overflows), T = +-inf is beta = 0 (uniform), a string names `temperature`."""
    e = np.array([0.0, 1.0, 3.0])
    ground = np.array([1.0, 0.0, 0.0])
    np.testing.assert_array_equal(gibbs_populations(e, temperature=1e-320), ground)
    np.testing.assert_array_equal(gibbs_populations(e, temperature=0.0), ground)
    np.testing.assert_allclose(gibbs_populations(e, temperature=np.inf), np.full(3, 1 / 3))
    np.testing.assert_allclose(gibbs_populations(e, temperature=-np.inf), np.full(3, 1 / 3))
    # negative temperature = negative beta: the top level is populated most
    np.testing.assert_allclose(gibbs_populations(e, temperature=-2.0), gibbs_populations(e, beta=-0.5))
    with pytest.raises(ParameterError, match="temperature: expected a real number, got 'hot'"):
        gibbs_populations(e, temperature="hot")
    with pytest.raises(ParameterError, match="temperature"):
        gibbs_populations(e, temperature=np.nan)


def test_validate_density_matrix_and_check_share_one_implementation():
    """validate_density_matrix and the check= of the measures reject the same states."""
    bad = np.diag([1.5, -0.5, 0.0])
    with pytest.raises(ParameterError, match="positive semidefinite"):
        validate_density_matrix(bad)
    with pytest.raises(ParameterError, match="positive semidefinite.*check=False"):
        von_neumann_entropy(bad)
    with pytest.raises(ParameterError, match="unit trace"):
        validate_density_matrix(np.eye(3))
    rho = np.diag([0.5, 0.5])
    assert validate_density_matrix(rho) is not None
    np.testing.assert_array_equal(validate_density_matrix(rho), rho)
