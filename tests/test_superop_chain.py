"""A spin chain (XX hopping, site fields, local decay and pumping) at d = 64 and 256 against
QuTiP 5: `qutip.steadystate` and `qutip.mesolve` on the same model (issue 14)."""

import numpy as np
import pytest
import scipy.sparse as sp

from thermalize.superop import evolve, liouvillian, steady_state

qutip = pytest.importorskip("qutip")

COUPLING, FIELD, DECAY, PUMP = 1.0, 0.5, 0.3, 0.1


def chain(n):
    """(H, jump operators, rates) as scipy.sparse, n qubits, d = 2**n."""
    sm = sp.csr_matrix(np.array([[0.0, 1.0], [0.0, 0.0]]))  # |0><1|, as qutip.destroy(2)

    def site(op, i):
        return sp.kron(sp.kron(sp.identity(2**i), op), sp.identity(2 ** (n - i - 1)), format="csr")

    sz = sp.csr_matrix(np.diag([1.0, -1.0]))
    h = sum(FIELD * (i + 1) / n * site(sz, i) for i in range(n))
    for i in range(n - 1):
        h = h + COUPLING * (site(sm, i) @ site(sm.T, i + 1) + site(sm.T, i) @ site(sm, i + 1))
    ops = [site(sm, i) for i in range(n)] + [site(sm.T, i) for i in range(n)]
    return sp.csr_matrix(h), ops, [DECAY] * n + [PUMP] * n


def qutip_chain(n):
    """The same model built independently from QuTiP's own operators."""
    sm, sz = qutip.destroy(2), qutip.sigmaz()

    def site(op, i):
        return qutip.tensor([op if k == i else qutip.qeye(2) for k in range(n)])

    h = sum(FIELD * (i + 1) / n * site(sz, i) for i in range(n))
    for i in range(n - 1):
        h = h + COUPLING * (site(sm, i) * site(sm.dag(), i + 1) + site(sm.dag(), i) * site(sm, i + 1))
    c_ops = [np.sqrt(DECAY) * site(sm, i) for i in range(n)]
    c_ops += [np.sqrt(PUMP) * site(sm.dag(), i) for i in range(n)]
    return h, c_ops


def check_against_qutip(n, qutip_method):
    h, ops, rates = chain(n)
    gen = liouvillian(h, ops, rates)
    assert sp.issparse(gen)  # automatic rule: a local model with d > 32 is built sparse
    res = steady_state(gen, full_output=True)
    qh, qc = qutip_chain(n)
    ref = qutip.steadystate(qh, qc, **qutip_method).full()
    # QuTiP's solver (direct LU or GMRES to its default tol 1e-12) vs ours: both ~1e-12
    np.testing.assert_allclose(res.state, ref, atol=1e-8)
    assert res.residual < 1e-12
    d = 2**n
    rho0 = np.zeros((d, d))
    rho0[-1, -1] = 1.0  # all spins up (index 1 of every site)
    times = np.array([0.0, 0.25, 0.5])
    ours = evolve(gen, rho0, times)
    opts = {"atol": 1e-12, "rtol": 1e-10, "nsteps": 10**5}
    theirs = qutip.mesolve(qh, qutip.Qobj(rho0, dims=qh.dims), times, qc, options=opts).states
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b.full(), atol=1e-7)  # ODE tolerances 1e-10 rel


def test_chain_d64_matches_qutip_steadystate_and_mesolve():
    check_against_qutip(6, {})  # QuTiP's default: direct sparse LU


@pytest.mark.slow
def test_chain_d256_matches_qutip_steadystate_and_mesolve():
    # QuTiP's default direct LU needs minutes at d = 256 (fill-in); its GMRES is the reference
    check_against_qutip(8, {"method": "iterative-gmres", "rtol": 1e-13})
