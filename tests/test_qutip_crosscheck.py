"""Independent tool: QuTiP 5 on random instances (row-major vs column-stacking handled)."""

import numpy as np
import pytest

qutip = pytest.importorskip("qutip")  # part of the [test] extra; optional at runtime

from thermalize.quantum import mutual_information, partial_trace, von_neumann_entropy  # noqa: E402
from thermalize.superop import (  # noqa: E402
    evolve,
    lindblad_dissipator,
    liouvillian,
    steady_state,
    to_matrix,
)

SEEDS = range(5)


def rand_state(d, rng):
    g = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    r = g @ g.conj().T
    return r / np.trace(r)


def rand_op(d, rng):
    return rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))


def rand_herm(d, rng):
    g = rand_op(d, rng)
    return (g + g.conj().T) / 2


@pytest.mark.parametrize("seed", SEEDS)
def test_entropies_and_partial_trace_match_qutip(seed):
    rng = np.random.default_rng(seed)
    rho = rand_state(12, rng)
    q = qutip.Qobj(rho, dims=[[2, 3, 2], [2, 3, 2]])
    # algebra only (eigvalsh / einsum): agreement to 1e-10
    assert von_neumann_entropy(rho) == pytest.approx(qutip.entropy_vn(q), abs=1e-10)
    for keep in ([0], [1], [0, 2]):
        np.testing.assert_allclose(partial_trace(rho, [2, 3, 2], keep), q.ptrace(keep).full(),
                                   atol=1e-10)
    # QuTiP's ptrace returns kept subsystems in sorted order; ours in the order asked
    np.testing.assert_allclose(partial_trace(rho, [2, 3, 2], [2, 1]),
                               q.ptrace([1, 2]).permute([1, 0]).full(), atol=1e-10)
    qab = qutip.Qobj(rho[:4, :4] / np.trace(rho[:4, :4]), dims=[[2, 2], [2, 2]])
    assert mutual_information(qab.full(), [2, 2], [0], [1]) == pytest.approx(
        qutip.entropy_mutual(qab, 0, 1), abs=1e-10
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_liouvillian_matches_qutip(seed):
    rng = np.random.default_rng(seed)
    d = 3
    h, ops, rates = rand_herm(d, rng), [rand_op(d, rng) for _ in range(2)], [0.7, 0.2]
    ours = liouvillian(h, ops, rates)
    theirs = qutip.liouvillian(qutip.Qobj(h), [np.sqrt(g) * qutip.Qobj(o) for o, g in zip(ops, rates)])
    np.testing.assert_allclose(ours, to_matrix(theirs), atol=1e-10)
    # Qobj in -> Qobj (super) out, equal to QuTiP's own
    q_ours = liouvillian(qutip.Qobj(h), [qutip.Qobj(o) for o in ops], rates)
    assert q_ours.issuper
    np.testing.assert_allclose(q_ours.full(), theirs.full(), atol=1e-10)
    np.testing.assert_allclose(
        lindblad_dissipator(qutip.Qobj(ops[0])).full(), qutip.lindblad_dissipator(qutip.Qobj(ops[0])).full(),
        atol=1e-10,
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_steady_state_matches_qutip(seed):
    rng = np.random.default_rng(seed)
    d = 4
    gen = liouvillian(rand_herm(d, rng), [rand_op(d, rng) for _ in range(2)], [1.0, 0.5])
    q_gen = liouvillian(qutip.Qobj(rand_herm(d, np.random.default_rng(seed))),
                        [qutip.Qobj(rand_op(d, rng))], [1.0])
    theirs = qutip.steadystate(qutip.Qobj(gen.reshape(d * d, d * d)[np.ix_(_perm(d), _perm(d))],
                                          dims=[[[d], [d]], [[d], [d]]], superrep="super"))
    # two direct linear solves of the same well-conditioned system: 1e-10
    np.testing.assert_allclose(steady_state(gen), theirs.full(), atol=1e-10)
    # Qobj generator in -> Qobj state out
    out = steady_state(q_gen)
    np.testing.assert_allclose(out.full(), qutip.steadystate(q_gen).full(), atol=1e-10)


def _perm(d):
    j, k = np.divmod(np.arange(d * d), d)
    inv = np.empty(d * d, dtype=int)
    inv[j + k * d] = np.arange(d * d)
    return inv


@pytest.mark.parametrize("seed", SEEDS)
def test_evolve_matches_mesolve(seed):
    rng = np.random.default_rng(seed)
    d = 3
    h, op = rand_herm(d, rng), rand_op(d, rng)
    rho0 = rand_state(d, rng)
    times = np.linspace(0, 3, 7)
    ours = evolve(liouvillian(h, [op], [0.4]), rho0, times)
    opts = {"atol": 1e-12, "rtol": 1e-10}
    res = qutip.mesolve(qutip.Qobj(h), qutip.Qobj(rho0), times, [np.sqrt(0.4) * qutip.Qobj(op)],
                        options=opts)
    # ODE solution at rtol 1e-10: agreement to 1e-8
    for r, s in zip(ours, res.states):
        np.testing.assert_allclose(r, s.full(), atol=1e-8)
