"""The default large-generator solver: GMRES over Hermitian matrices in real arithmetic with the
exact no-jump (Sylvester) preconditioner, and its random-probe uniqueness test (issue 14)."""

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp

from thermalize.errors import NonUniqueSteadyStateError
from thermalize.superop import GMRES, Direct, SparseLU, liouvillian, steady_state
from thermalize.superop._examples import xx_chain
from thermalize.superop._hermitian_gmres import SylvesterInverse, _herm, _real


def random_hermitian(d, rng):
    g = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    return (g + g.conj().T) / 2


def test_real_coordinates_are_an_isometry_of_hermitian_matrices():
    rng = np.random.default_rng(0)
    x, y = random_hermitian(5, rng), random_hermitian(5, rng)
    s, t = _real(x), _real(y)
    assert s.dtype == float and s.shape == (25,)
    np.testing.assert_allclose(_herm(s, 5), x, atol=1e-15)  # exact inverse (halving only)
    # <X, Y>_HS = tr(X^dagger Y) is real for Hermitian X, Y and equals the Euclidean s . t
    np.testing.assert_allclose(s @ t, np.trace(x.conj().T @ y).real, rtol=1e-13)


def test_sylvester_inverse_solves_the_lyapunov_equation():
    rng = np.random.default_rng(1)
    d = 7
    g = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    a = -1j * random_hermitian(d, rng) - 0.5 * g.conj().T @ g  # -iH - sum L^dag L / 2
    y = random_hermitian(d, rng)
    x = _herm(SylvesterInverse(a)(_real(y)), d)
    ref = sla.solve_continuous_lyapunov(a, y)  # independent: Bartels-Stewart, A X + X A^H = Y
    # eigenvector route: error ~ eps * cond(V)^2 * |X|; cond(V) ~ 10 for this A
    np.testing.assert_allclose(x, ref, atol=1e-11 * np.abs(ref).max())
    np.testing.assert_allclose(a @ x + x @ a.conj().T, y, atol=1e-11 * np.abs(y).max())


def test_chain_default_gmres_equals_dense_direct():
    h, ops, rates = xx_chain(5)  # d = 32: the dense LU is still cheap
    gen = liouvillian(h, ops, rates, sparse=True)
    ref = steady_state(gen.toarray(), method=Direct())
    for method in (GMRES(preconditioner="sylvester"),
                   GMRES(preconditioner="sylvester", check_unique=False)):
        res = steady_state(gen, method=method, full_output=True)
        np.testing.assert_allclose(res.state, ref, atol=1e-10)  # issue 14: 1e-10 to Direct
        np.testing.assert_allclose(res.state, res.state.conj().T, atol=0)  # Hermitian exactly
        assert res.residual < 1e-12 and res.kernel_dimension == 1


def degenerate_chain(n):
    """The (n-1)-qubit chain next to a free qubit (field only, no jumps): its populations are
    conserved, so the steady states are rho_chain (x) diag(p, 1 - p): a 2-dimensional kernel."""
    h, ops, rates = xx_chain(n - 1)
    one = sp.identity(2)
    big = sp.kron(h, one) + 0.7 * sp.kron(sp.identity(h.shape[0]), sp.diags([1.0, -1.0]))
    return sp.csr_matrix(big), [sp.kron(o, one, format="csr") for o in ops], rates, (h, ops, rates)


@pytest.mark.parametrize("method", [GMRES(preconditioner="sylvester"), SparseLU()], ids=repr)
@pytest.mark.parametrize("n", [5, 6, pytest.param(7, marks=pytest.mark.slow)])
def test_degenerate_chain_kernel_found_by_the_probe(n, method):
    # d = 32: counted by a dense SVD; above it the basis comes from the GMRES probes (also
    # when SparseLU sees the small pivot; shift-invert Arnoldi took minutes here)
    h, ops, rates, part = degenerate_chain(n)
    gen = liouvillian(h, ops, rates)
    with pytest.raises(NonUniqueSteadyStateError, match="2-dimensional kernel"):
        steady_state(gen, method=method)
    res = steady_state(gen, method=method, full_output=True)
    assert res.kernel_dimension == 2
    # independent reference: the small chain's steady state by sparse LU, times the free
    # qubit's conserved populations
    small = steady_state(liouvillian(*part), method=SparseLU())
    expected = [np.kron(small, np.diag(p)) for p in ([1.0, 0.0], [0.0, 1.0])]
    basis = res.kernel.reshape(2, -1)
    for e in expected:
        coef = np.linalg.lstsq(basis.T, e.ravel(), rcond=None)[0]
        np.testing.assert_allclose(basis.T @ coef, e.ravel(), atol=1e-8)  # spans the kernel
    for k in res.kernel:
        assert np.max(np.abs(gen @ k.ravel())) < 1e-10


def test_gmres_sylvester_on_a_non_hermiticity_preserving_generator_falls_back():
    rng = np.random.default_rng(2)
    d = 6
    ops = [sp.csr_matrix(np.eye(d, k=1)), sp.csr_matrix(np.eye(d, k=-1) * 0.5)]
    gen = liouvillian(sp.diags(np.arange(d, dtype=float)), ops, sparse=True)
    g = 0.05 * (rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d)))  # not Hermitian
    one = sp.identity(d)
    gen = (gen - 1j * (sp.kron(g, one) - sp.kron(one, g.T))).tocsr()  # -i[G, rho]: still TP
    ref = steady_state(gen.toarray(), method=Direct())
    got = steady_state(gen, method=GMRES(preconditioner="sylvester"))
    np.testing.assert_allclose(got, ref, atol=1e-10)  # complex route, rtol 1e-12 * cond


def test_single_precision_twin_is_a_close_preconditioner():
    rng = np.random.default_rng(3)
    d = 128  # SINGLE_MIN_DIM: the probe's preconditioner runs in complex64 from here on
    a = -1j * random_hermitian(d, rng) - np.diag(rng.uniform(0.5, 1.5, d))
    exact = SylvesterInverse(a)
    twin = exact.single()
    assert twin is not exact and twin.v.dtype == np.complex64
    assert SylvesterInverse(a[:8, :8]).single().v.dtype == complex  # small: stays double
    y = random_hermitian(d, rng)
    ref = sla.solve_continuous_lyapunov(a, y)
    got = twin(_real(y))
    assert got.dtype == float
    # single precision: relative error ~ 6e-8 * d * cond(V)^2, far below what a
    # preconditioner needs; the residual is always taken with L in double precision
    np.testing.assert_allclose(_herm(got, d), ref, atol=1e-4 * np.abs(ref).max())
    np.testing.assert_allclose(_herm(exact(_real(y)), d), ref, atol=1e-10 * np.abs(ref).max())
