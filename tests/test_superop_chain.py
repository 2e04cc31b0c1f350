"""A spin chain (XX hopping, site fields, local decay and pumping) at d = 64 and 256 against
QuTiP 5: `qutip.steadystate` and `qutip.mesolve` on the same model (issue 14).

The model is `thermalize.superop._examples.xx_chain` (scipy operators) and its twin
`xx_chain_qutip` (built from QuTiP's own operators), shared with benchmarks/core.py."""

import numpy as np
import pytest
import scipy.sparse as sp

from thermalize.superop import evolve, liouvillian, steady_state
from thermalize.superop._examples import xx_chain, xx_chain_qutip

qutip = pytest.importorskip("qutip")


def check_against_qutip(n, qutip_method):
    h, ops, rates = xx_chain(n)
    gen = liouvillian(h, ops, rates)
    assert sp.issparse(gen)  # automatic rule: a local model with d > 32 is built sparse
    res = steady_state(gen, full_output=True)
    qh, qc = xx_chain_qutip(n)
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
