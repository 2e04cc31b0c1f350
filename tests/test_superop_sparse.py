"""Sparse, batched and iterative paths of thermalize.superop agree with the dense solve and
obey the laws of a steady state; degenerate kernels are detected by every method."""

import functools

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp

from thermalize import ConvergenceError, ParameterError
from thermalize.errors import NonUniqueSteadyStateError
from thermalize.superop import (
    GMRES,
    LGMRES,
    BiCGSTAB,
    Direct,
    Propagate,
    ShiftInvert,
    SparseLU,
    apply,
    choi_matrix,
    evolve,
    is_completely_positive,
    is_hermiticity_preserving,
    is_trace_preserving,
    liouvillian,
    steady_state,
)

ALL_METHODS = [Direct(), SparseLU(), GMRES(), BiCGSTAB(), LGMRES(),
               GMRES(preconditioner="sylvester"), ShiftInvert(), Propagate(t_start=1.0)]


def sparse_model(d, rng, density=0.2, k=3):
    """Random Hamiltonian and k sparse random jump operators (a generic local-ish model)."""
    g = sp.random(d, d, density=density, random_state=rng) * (1 + 1j)
    h = (g + g.conj().T) / 2
    ops = [sp.random(d, d, density=density, random_state=rng) + sp.eye(d, k=1) for _ in range(k)]
    ops[0] = ops[0] + sp.eye(d, k=-1)  # up and down moves: a connected, unique steady state
    return sp.csr_matrix(h), [sp.csr_matrix(o) for o in ops], rng.uniform(0.2, 1.0, k)


def assert_state(rho, atol):
    np.testing.assert_allclose(np.trace(rho), 1.0, atol=atol)
    np.testing.assert_allclose(rho, rho.conj().T, atol=atol)
    assert np.linalg.eigvalsh(rho)[0] > -atol


@functools.lru_cache(maxsize=None)
def random_case(d):
    rng = np.random.default_rng(d)
    h, ops, rates = sparse_model(d, rng)
    dense = liouvillian(h.toarray(), [o.toarray() for o in ops], rates, sparse=False)
    sparse = liouvillian(h, ops, rates, sparse=True)
    assert sp.issparse(sparse) and not sp.issparse(dense)
    np.testing.assert_allclose(sparse.toarray(), dense, atol=1e-13)  # same sums, reordered
    ref = sla.null_space(dense)  # independent reference: SVD kernel of the dense generator
    assert ref.shape[1] == 1
    return dense, sparse, (ref[:, 0] / ref[:: d + 1, 0].sum()).reshape(d, d)


@pytest.mark.parametrize("method", ALL_METHODS, ids=repr)
@pytest.mark.parametrize("d", [3, 8, pytest.param(32, marks=pytest.mark.slow)])
def test_sparse_and_dense_agree_for_every_method(method, d):
    dense, sparse, ref = random_case(d)
    for gen in (dense, sparse):
        res = steady_state(gen, method=method, full_output=True)
        # 1e-10 (issue 14): LU back-substitution ~1e-14 * cond; Krylov rtol 1e-12 * cond;
        # propagation stops at a change < 1e-12 in trace norm
        np.testing.assert_allclose(res.state, ref, atol=1e-10)
        assert res.residual < 1e-10
        assert_state(res.state, 1e-10)


def test_batched_liouvillian_equals_loop_and_sparse():
    rng = np.random.default_rng(3)
    d, k, batch = 3, 2, (4, 5)
    g = rng.standard_normal(batch + (d, d)) + 1j * rng.standard_normal(batch + (d, d))
    h = (g + np.swapaxes(g, -1, -2).conj()) / 2
    jumps = rng.standard_normal((k, d, d)) + 1j * rng.standard_normal((k, d, d))  # shared
    rates = rng.uniform(0.1, 1.0, batch + (k,))
    gens = liouvillian(h, jumps, rates)
    assert gens.shape == batch + (d * d, d * d)
    states = steady_state(gens)
    for idx in np.ndindex(*batch):
        one = liouvillian(h[idx], list(jumps), rates[idx])
        np.testing.assert_allclose(gens[idx], one, atol=1e-14)  # same arithmetic, rounding
        np.testing.assert_allclose(gens[idx], liouvillian(h[idx], list(jumps), rates[idx],
                                                          sparse=True).toarray(), atol=1e-13)
        np.testing.assert_allclose(states[idx], steady_state(one), atol=1e-12)
    per_model = rng.standard_normal(batch + (k, d, d))  # jump operators with batch axes too
    gens2 = liouvillian(h, per_model, rates)
    np.testing.assert_allclose(gens2[1, 2], liouvillian(h[1, 2], list(per_model[1, 2]),
                                                        rates[1, 2]), atol=1e-14)


def test_single_rate_applies_to_every_jump_operator():
    sm = np.array([[0.0, 1.0], [0.0, 0.0]])
    np.testing.assert_array_equal(liouvillian(np.eye(2), [sm, sm.T], 0.1),
                                  liouvillian(np.eye(2), [sm, sm.T], [0.1, 0.1]))


def decoupled_blocks():
    """Two 2-level blocks without any transition between them: a 2D kernel (two steady states)."""
    d = 4
    ops = []
    for a, b in ((0, 1), (2, 3)):
        down = np.zeros((d, d))
        down[a, b] = 1.0
        ops += [down, down.T * 0.5]
    h = np.diag([0.0, 1.0, 0.3, 1.7])
    return h, ops


@pytest.mark.parametrize("method", ALL_METHODS, ids=repr)
@pytest.mark.parametrize("sparse", [False, True])
def test_degenerate_kernel_detected_by_every_method(method, sparse):
    h, ops = decoupled_blocks()
    gen = liouvillian(h, ops, sparse=sparse)
    with pytest.raises(NonUniqueSteadyStateError, match="2-dimensional kernel") as info:
        steady_state(gen, method=method)
    assert info.value.kernel_dimension == 2
    assert isinstance(info.value, ConvergenceError)  # issue 14: a ConvergenceError names it
    res = steady_state(gen, method=method, full_output=True)
    assert res.kernel_dimension == 2
    dense = gen.toarray() if sparse else gen
    for k in res.kernel:
        assert np.max(np.abs(dense @ k.ravel())) < 1e-10  # the basis spans the kernel
        np.testing.assert_allclose(k, k.conj().T, atol=1e-12)
    gram = np.einsum("aij,bij->ab", res.kernel.conj(), res.kernel)
    np.testing.assert_allclose(gram, np.eye(2), atol=1e-10)  # orthonormal (Hilbert-Schmidt)


def test_propagate_terminates_on_unstable_generator_and_bad_fields():
    h, ops = decoupled_blocks()
    gen = liouvillian(np.diag([0.0, 1.0]), [np.array([[0.0, 1.0], [0.0, 0.0]])], [1.0])
    with pytest.raises(ConvergenceError, match="unstable"):
        steady_state(-gen, method=Propagate())
    with pytest.raises(ConvergenceError, match="unstable"):
        steady_state(-gen, method=ShiftInvert())
    with pytest.raises(ParameterError, match="max_iter"):
        Propagate(max_iter=0)
    with pytest.raises(ParameterError, match="t_start"):
        Propagate(t_start="10")
    with pytest.raises(ParameterError, match="preconditioner"):
        GMRES(preconditioner="jacobi")


def test_iterative_cap_raises_with_iterations_and_residual():
    rng = np.random.default_rng(4)
    h, ops, rates = sparse_model(16, rng)
    gen = liouvillian(h, ops, rates)
    with pytest.raises(ConvergenceError, match=r"iterations .*residual"):
        steady_state(gen, method=GMRES(max_iter=2, restart=2, drop_tol=0.5, fill_factor=1.0))
    with pytest.raises(ConvergenceError, match="doublings"):
        steady_state(gen, method=Propagate(t_start=1e-3, max_iter=2))


def test_evolve_sparse_matches_dense_and_expm():
    rng = np.random.default_rng(5)
    d = 6
    h, ops, rates = sparse_model(d, rng)
    sparse = liouvillian(h, ops, rates)
    dense = sparse.toarray()
    rho0 = np.diag(rng.uniform(0, 1, d))
    rho0 /= np.trace(rho0)
    for times in (np.linspace(0, 3, 7), np.array([2.0, 0.5, 0.0, 1.5])):  # uniform, unsorted
        a, b = evolve(sparse, rho0, times), evolve(dense, rho0, times)
        for t, x, y in zip(times, a, b):
            ref = (sla.expm(t * dense) @ rho0.ravel()).reshape(d, d)
            np.testing.assert_allclose(x, ref, atol=1e-10)  # Krylov vs Pade
            np.testing.assert_allclose(y, ref, atol=1e-10)  # eigenvectors vs Pade


def test_map_predicates_and_apply_accept_sparse():
    rng = np.random.default_rng(6)
    h, ops, rates = sparse_model(4, rng)
    gen = liouvillian(h, ops, rates)
    m = sla.expm(0.3 * gen.toarray())
    for x in (m, sp.csr_matrix(m)):
        assert is_trace_preserving(x, atol=1e-10)
        assert is_hermiticity_preserving(x, atol=1e-10)
        assert is_completely_positive(x, atol=1e-10)
    np.testing.assert_allclose(choi_matrix(sp.csr_matrix(m)).toarray(), choi_matrix(m))
    rho = np.eye(4) / 4
    np.testing.assert_allclose(apply(gen, rho), apply(gen.toarray(), rho), atol=1e-14)
    transpose = sp.csr_matrix(np.eye(16)[[(k % 4) * 4 + k // 4 for k in range(16)]])
    assert is_trace_preserving(transpose) and not is_completely_positive(transpose)


def test_memory_guard_names_size_and_suggests_sparse():
    h = np.zeros((600, 600))
    with pytest.raises(ParameterError, match=r"GiB.*sparse=True"):
        liouvillian(h, [], sparse=False)
    gen = liouvillian(h, [np.eye(600, k=1)])  # automatic rule: local operators -> CSR
    assert sp.issparse(gen)


def test_auto_rule_keeps_small_and_dense_models_dense():
    rng = np.random.default_rng(7)
    d = 40
    ops = [rng.standard_normal((d, d))]  # fully dense jump: sparse would not pay
    assert not sp.issparse(liouvillian(np.eye(d), ops))
    assert not sp.issparse(liouvillian(np.eye(8), [np.eye(8, k=1)]))


def test_small_fast_path_equals_general_path():
    rng = np.random.default_rng(8)
    for d in (2, 3, 5, 8):
        h, ops, rates = sparse_model(d, rng)
        gen = liouvillian(h.toarray(), [o.toarray() for o in ops], rates, sparse=False)
        fast = steady_state(gen)
        slow = steady_state(gen, full_output=True).state
        np.testing.assert_allclose(fast, slow, atol=1e-12)  # two LU routes, rounding only
    with pytest.raises(ParameterError, match="finite"):
        steady_state(np.full((4, 4), np.nan))


def test_bad_method_and_generator_inputs():
    gen = liouvillian(np.eye(2), [np.array([[0.0, 1.0], [0.0, 0.0]])])
    with pytest.raises(TypeError, match="method must be"):
        steady_state(gen, method="direct")
    with pytest.raises(ParameterError, match="superoperator"):
        steady_state("L")
    with pytest.raises(ParameterError, match="rates"):
        liouvillian(np.eye(2), [np.eye(2)], "fast")
    with pytest.raises(ParameterError, match="hamiltonian"):
        liouvillian("H", [])
    with pytest.raises(ParameterError, match="rho0"):
        evolve(gen, np.eye(2), [1.0])  # trace 2: not a state
    evolve(gen, np.eye(2) - np.diag([1.0, 0.0]) * 2, [1.0], check=False)  # opt out
