"""Laws of superoperators, generators, steady states and evolution (thermalize.superop)."""

import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import given
from hypothesis import strategies as st

from thermalize import ParameterError
from thermalize.errors import NonUniqueSteadyStateError
from thermalize.quantum import gibbs_state, relative_entropy
from thermalize.superop import (
    Direct,
    Propagate,
    apply,
    choi_matrix,
    commutator_superop,
    detailed_balance_generator,
    evolve,
    full_dephasing,
    is_completely_positive,
    is_hermiticity_preserving,
    is_trace_preserving,
    lindblad_dissipator,
    liouvillian,
    steady_state,
    to_matrix,
    to_tensor,
)

seeds = st.integers(0, 2**32 - 1)


def rand_op(d, rng):
    return rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))


def rand_herm(d, rng):
    g = rand_op(d, rng)
    return (g + g.conj().T) / 2


def rand_state(d, rng):
    g = rand_op(d, rng)
    r = g @ g.conj().T
    return r / np.trace(r)


@given(seeds, st.integers(1, 5))
def test_tensor_matrix_roundtrip(seed, d):
    rng = np.random.default_rng(seed)
    m = rand_op(d * d, rng)
    np.testing.assert_array_equal(to_matrix(to_tensor(m)), m)
    t = to_tensor(m)
    np.testing.assert_array_equal(to_tensor(to_matrix(t)), t)
    # the tensor convention: rho1[a, b] = S[a, b, j, k] rho[j, k]
    rho = rand_op(d, rng)
    np.testing.assert_allclose(apply(m, rho), np.einsum("abjk,jk->ab", t, rho), atol=1e-12)


@given(seeds)
def test_commutator_and_dissipator_act_as_defined(seed):
    rng = np.random.default_rng(seed)
    d = 3
    a, x = rand_op(d, rng), rand_op(d, rng)
    np.testing.assert_allclose(apply(commutator_superop(a), x), a @ x - x @ a, atol=1e-12)
    ldl = a.conj().T @ a
    ref = a @ x @ a.conj().T - 0.5 * (ldl @ x + x @ ldl)
    np.testing.assert_allclose(apply(lindblad_dissipator(a), x), ref, atol=1e-11)


@given(seeds, st.integers(2, 4), st.floats(0.01, 3.0))
def test_dissipator_cptp(seed, d, t):
    """exp(t D[L]) is CPTP for any L and t >= 0 (Lindblad's theorem)."""
    rng = np.random.default_rng(seed)
    gen = lindblad_dissipator(rand_op(d, rng)) - 1j * commutator_superop(rand_herm(d, rng))
    gen = gen / max(1.0, np.abs(gen).max())  # keep expm well conditioned
    m = sla.expm(t * gen)
    assert is_trace_preserving(m, atol=1e-10)
    assert is_hermiticity_preserving(m, atol=1e-10)
    assert is_completely_positive(m, atol=1e-10)
    # the generator itself is trace-annihilating: sum_a L[a,a,j,k] = 0
    assert np.max(np.abs(np.einsum("aajk->jk", to_tensor(gen)))) < 1e-12


def test_non_cp_map_is_detected():
    transpose = np.eye(4)[[0, 2, 1, 3]]  # rho -> rho^T is positive and TP but not CP
    assert is_trace_preserving(transpose)
    assert not is_completely_positive(transpose)
    assert np.linalg.eigvalsh(choi_matrix(transpose))[0] == pytest.approx(-1.0)


@given(seeds, st.integers(2, 5))
def test_steady_state_annihilated_by_generator(seed, d):
    rng = np.random.default_rng(seed)
    ops = [rand_op(d, rng) for _ in range(2)]
    gen = liouvillian(rand_herm(d, rng), ops, rng.uniform(0.1, 2.0, 2))
    res = steady_state(gen, full_output=True)
    rho = res.state
    assert np.max(np.abs(gen @ rho.ravel())) < 1e-10  # LU back-substitution error ~1e-14
    assert res.residual < 1e-10
    assert abs(np.trace(rho) - 1) < 1e-12
    assert np.linalg.eigvalsh(rho)[0] > -1e-12


@given(st.integers(2, 6), st.floats(-2.0, 5.0), seeds)
def test_gibbs_fixed_point_of_detailed_balance(d, beta, seed):
    rng = np.random.default_rng(seed)
    e = np.sort(rng.uniform(0, 2, d)) + 0.05 * np.arange(d)  # non-degenerate
    gen = detailed_balance_generator(e, beta, rng.uniform(0.1, 1.0, (d, d)))
    pi = gibbs_state(e, beta)
    assert np.max(np.abs(gen @ pi.ravel())) < 1e-12  # pi annihilated exactly (rounding)
    np.testing.assert_allclose(steady_state(gen), pi, atol=1e-10)


def test_steady_state_batched_equals_loop():
    rng = np.random.default_rng(1)
    gens = np.stack([
        detailed_balance_generator(np.array([0.0, 1.0]), b, rng.uniform(0.1, 1, (2, 2)))
        for b in np.linspace(-1, 3, 7)
    ])
    batched = steady_state(gens)
    assert batched.shape == (7, 2, 2)
    for g, r in zip(gens, batched):
        np.testing.assert_allclose(r, steady_state(g), atol=1e-14)


def test_steady_state_large_dimension_uses_lu_and_agrees_with_propagation():
    rng = np.random.default_rng(7)
    d = 12
    gen = liouvillian(rand_herm(d, rng), [rand_op(d, rng) for _ in range(3)], [0.5, 0.3, 0.2])
    direct = steady_state(gen, method=Direct())
    prop = steady_state(gen, method=Propagate(t_start=5.0, tol=1e-13))
    np.testing.assert_allclose(direct, prop, atol=1e-9)  # propagation stops at change < 1e-13


def test_non_unique_steady_state_detected_and_kernel_returned():
    # two decoupled qubits' worth of blocks: pure dephasing of a qubit has a 2D kernel
    sz = np.diag([1.0, -1.0])
    gen = liouvillian(np.zeros((2, 2)), [sz], [1.0])
    with pytest.raises(NonUniqueSteadyStateError) as info:
        steady_state(gen)
    assert info.value.kernel_dimension == 2
    res = steady_state(gen, full_output=True)
    assert res.kernel_dimension == 2
    for k in res.kernel:
        assert np.max(np.abs(gen @ k.ravel())) < 1e-12
        np.testing.assert_allclose(k, k.conj().T, atol=1e-12)


def test_evolve_matches_expm_and_relaxes():
    rng = np.random.default_rng(2)
    d = 3
    e = np.array([0.0, 0.7, 1.5])
    gen = detailed_balance_generator(e, 1.2, rng.uniform(0.2, 1, (d, d)))
    rho0 = rand_state(d, rng)
    times = np.array([0.0, 0.3, 2.0, 0.1, 50.0])  # unsorted on purpose
    out = evolve(gen, rho0, times)
    for t, r in zip(times, out):
        ref = (sla.expm(t * gen) @ rho0.ravel()).reshape(d, d)
        np.testing.assert_allclose(r, ref, atol=1e-10)  # eig route vs Pade expm
    np.testing.assert_allclose(out[-1], gibbs_state(e, 1.2), atol=1e-10)
    rel = [relative_entropy(r, gibbs_state(e, 1.2)) for r in out[np.argsort(times)]]
    assert np.all(np.diff(rel) <= 1e-12)  # Spohn: relative entropy to the fixed point decays


def test_evolve_non_diagonalisable_fallback():
    # amplitude damping with a resonant drive at the exceptional point is defective
    sm = np.array([[0.0, 1.0], [0.0, 0.0]])
    gamma = 1.0
    omega = gamma / 8  # exceptional point: eigenvalues -3/4 gamma coalesce (Jordan block)
    h = omega * np.array([[0.0, 1.0], [1.0, 0.0]])
    gen = liouvillian(h, [sm], [gamma])
    assert np.linalg.cond(np.linalg.eig(gen)[1]) > 1e8  # so evolve takes the expm_multiply path
    rho0 = np.diag([0.0, 1.0]).astype(complex)
    times = np.linspace(0, 5, 6)
    out = evolve(gen, rho0, times)
    for t, r in zip(times, out):
        np.testing.assert_allclose(r, (sla.expm(t * gen) @ rho0.ravel()).reshape(2, 2), atol=1e-9)


def test_full_dephasing():
    e = np.array([0.0, 1.0, 1.0, 2.5])
    dmap = full_dephasing(e)
    rng = np.random.default_rng(0)
    rho = rand_state(4, rng)
    out = apply(dmap, rho)
    keep = np.abs(e[:, None] - e[None, :]) < 1e-12
    np.testing.assert_allclose(out, np.where(keep, rho, 0))  # degenerate block kept
    assert is_trace_preserving(dmap) and is_completely_positive(dmap)
    np.testing.assert_allclose(apply(dmap, out), out)  # idempotent projector


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: liouvillian(np.array([[0.0, 1.0], [0.0, 0.0]]), []), "hamiltonian"),
        (lambda: liouvillian(np.eye(2), [np.ones((2, 3))], [1.0]), "jump_ops"),
        (lambda: liouvillian(np.eye(2), [np.ones((3, 3))], [1.0]), "jump_ops"),
        (lambda: liouvillian(np.eye(2), [np.ones((2, 2))], [-1.0]), "rates"),
        (lambda: liouvillian(np.eye(2), [np.ones((2, 2))], [np.nan]), "rates"),
        (lambda: liouvillian(np.eye(2), [np.ones((2, 2))], [1.0, 2.0]), "rates"),
        (lambda: liouvillian(np.full((2, 2), np.nan), []), "hamiltonian"),
        (lambda: steady_state(np.ones((3, 3))), "superoperator"),
        (lambda: evolve(np.eye(4), np.eye(3), [0.0]), "rho0"),
        (lambda: evolve(np.eye(4), np.eye(2) / 2, [np.nan]), "times"),
        (lambda: detailed_balance_generator(np.array([1.0, 0.0]), 1.0, np.ones((2, 2))), "energies"),
        (lambda: detailed_balance_generator(np.array([0.0, 1.0]), np.nan, np.ones((2, 2))), "beta"),
        (lambda: full_dephasing(np.array([[0.0]])), "energies"),
        # bytes parsed as a number by numpy (fuzz seed 43)
        (lambda: liouvillian(np.eye(2), [np.ones((2, 2))], b"1.0"), "rates: expected"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


def test_evolve_at_extreme_times_is_the_limit_or_a_parameter_error():
    """t = 1e308 is the stationary state (the eigen route snaps the ~eps stationary eigenvalue
    to 0 instead of overflowing exp(t lambda) against a zero coefficient: was NaN); backwards
    in time the state grows like exp(|t| rate): a ParameterError naming `times`, never NaN."""
    from thermalize.quantum import gibbs_state
    from thermalize.superop import detailed_balance_generator, evolve

    e = np.array([0.0, 1.0, 2.0])
    gen = detailed_balance_generator(e, 1.0, np.ones((3, 3)))
    rho0 = np.diag([0.5, 0.3, 0.2]).astype(complex)
    late = evolve(gen, rho0, [1e308])[0]
    # the Gibbs state is the unique fixed point of detailed-balance dynamics; rounding ~1e-15
    np.testing.assert_allclose(late, gibbs_state(e, 1.0), atol=1e-12)
    for t in (-1e308, -1000.0):
        with pytest.raises(ParameterError, match="times"):
            evolve(gen, rho0, [0.0, t])


def test_to_matrix_name_must_be_a_string():
    from thermalize.superop import to_matrix

    with pytest.raises(ParameterError, match="name: expected a string"):
        to_matrix(np.eye(4), name=object())
