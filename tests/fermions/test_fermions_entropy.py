"""Subset entropies (Eq. 21) and the secular-equation path for the joint bath block."""

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from thermalize.errors import ConvergenceError, ParameterError
from thermalize.fermions import (
    CorrelationEvolver,
    Eigvalsh,
    QuadraticModel,
    SecularEquation,
    binary_entropy,
    correlation_entropy,
    deletion_spectrum,
    entropy_production,
    gibbs_correlation_matrix,
    sample_fock_correlation_matrix,
    single_electron_transistor,
)


def test_binary_entropy_never_nan_and_clipped():
    x = np.array([-1e-14, 0.0, 1e-300, 0.5, 1.0, 1.0 + 1e-14])
    h = binary_entropy(x)
    assert np.all(np.isfinite(h)) and h[0] == 0.0 and h[-1] == 0.0
    assert abs(h[3] - np.log(2)) < 1e-15


def test_entropy_of_pure_gaussian_state_is_zero():
    """A Slater determinant (projector C) has zero entropy; a subset's entropy is its entanglement."""
    rng = np.random.default_rng(2)
    q, _ = np.linalg.qr(rng.normal(size=(6, 6)) + 1j * rng.normal(size=(6, 6)))
    c = q[:, :3] @ q[:, :3].conj().T
    assert abs(correlation_entropy(c)) < 1e-12  # eigenvalues 0/1 to ~1e-15
    s_a = correlation_entropy(c[:2, :2])
    assert abs(s_a - correlation_entropy(c[2:, 2:])) < 1e-12  # Schmidt symmetry S(A) = S(A^c)


@given(st.integers(0, 10_000), st.integers(2, 30))
def test_deletion_spectrum_matches_eigvalsh_and_interlaces(seed, n):
    """Secular roots = eigvalsh of the block; Cauchy interlacing lambda_j <= mu_j <= lambda_{j+1}."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    a = (a + a.conj().T) / 2
    lam, phi = np.linalg.eigh(a)
    mu = deletion_spectrum(lam, np.abs(phi[0]) ** 2)
    ref = np.linalg.eigvalsh(a[1:, 1:])
    scale = np.abs(lam).max()
    np.testing.assert_allclose(mu, ref, atol=1e-12 * scale)  # both backward stable: ~n eps |A|
    assert np.all(lam[:-1] <= mu + 1e-12 * scale) and np.all(mu <= lam[1:] + 1e-12 * scale)


def test_deletion_with_exact_degeneracies():
    """Pure states: eigenvalues exactly 0 and 1 deflate; one root = the deleted mode's weight."""
    lam = np.array([0.0, 0.0, 0.0, 1.0, 1.0])
    w = np.array([0.1, 0.2, 0.1, 0.35, 0.25])
    mu = deletion_spectrum(lam, w)
    # n - 1 = 4 values: 0 (x2), 1 (x1) and the root of -w_0/mu + w_1/(1 - mu) = 0, mu = w_0 = 0.4
    np.testing.assert_allclose(mu, [0.0, 0.0, 0.4, 1.0], atol=1e-15)


@pytest.mark.parametrize("state", ["gibbs", "fock"])
@pytest.mark.parametrize("t", [0.3, 50.0, 1e8])
def test_secular_joint_bath_entropy_agrees_with_eigvalsh(state, t):
    """S(B) from the secular equation vs eigvalsh of the 2K x 2K block (K = 150), 1e-9."""
    m = single_electron_transistor(150, bandwidth=10.0, coupling=3.0)
    if state == "gibbs":
        c0 = gibbs_correlation_matrix(m, [10.0, 2.0], [1.0, -1.0])
    else:
        c0 = sample_fock_correlation_matrix(
            m, [10.0, 2.0], [0.5, 0.5], rng=np.random.default_rng(4)
        )
    ev = CorrelationEvolver(m, c0)
    phi = ev.eigenvectors(t)
    sec = binary_entropy(deletion_spectrum(ev.occupations, np.abs(phi[0]) ** 2)).sum()
    block = ev.block(t, np.arange(1, m.n_modes))
    ref = binary_entropy(np.linalg.eigvalsh(block)).sum()
    # eigvalsh noise ~n eps on ~100 eigenvalues near 0 gives |h| errors ~1e-12 each
    assert abs(sec - ref) < 1e-9


def test_secular_is_more_accurate_than_eigvalsh_against_mpmath():
    """40-digit reference for K = 8: the secular S(B) error is at rounding level (<1e-13)."""
    mpmath.mp.dps = 40
    m = single_electron_transistor(8, bandwidth=10.0, coupling=3.0)
    beta, mu = [10.0, 2.0], [1.0, -1.0]
    c0 = gibbs_correlation_matrix(m, beta, mu)
    t = 3.7
    ev = CorrelationEvolver(m, c0)
    sec = binary_entropy(
        deletion_spectrum(ev.occupations, np.abs(ev.eigenvectors(t)[0]) ** 2)
    ).sum()
    h = mpmath.matrix(m.single_particle_hamiltonian.tolist())
    e, q = mpmath.eighe(h)
    n = m.n_modes
    u = q * mpmath.diag([mpmath.exp(-1j * e[i] * t) for i in range(n)]) * q.H
    lev = [mpmath.mpf(float(x)) for x in m.levels("L")]
    occ = (
        [mpmath.mpf(0)]
        + [1 / (1 + mpmath.exp(beta[0] * (x - mu[0]))) for x in lev]
        + [1 / (1 + mpmath.exp(beta[1] * (x - mu[1]))) for x in lev]
    )
    c = u.apply(mpmath.conj) * mpmath.diag(occ) * u.T
    lam = mpmath.eighe(c[1:, 1:], eigvals_only=True)
    ref = sum(-x * mpmath.log(x) - (1 - x) * mpmath.log(1 - x) for x in (mpmath.re(v) for v in lam))
    assert abs(sec - float(ref)) < 1e-13  # rounding of ~16 terms of size <= ln 2


def test_eigvalsh_fallback_equals_secular_path():
    """entropy_production gives the same joint-bath entropy with SecularEquation and Eigvalsh."""
    m = single_electron_transistor(40, bandwidth=10.0, coupling=3.0)
    c0 = gibbs_correlation_matrix(m, [10.0, 2.0], [0.5, 0.5])
    ts = [0.5, 20.0, 1e6]
    a = entropy_production(m, c0, ts)
    b = entropy_production(m, c0, ts, joint_bath=Eigvalsh())
    assert a.attrs["parameters"]["joint_bath_method"] == "SecularEquation"
    assert b.attrs["parameters"]["joint_bath_method"] == "Eigvalsh"
    np.testing.assert_allclose(a.joint_bath_entropy, b.joint_bath_entropy, atol=1e-10)


def test_multi_mode_system_uses_the_secular_route_and_is_exact():
    """A two-mode system is a two-row deletion: the secular route (issue 18 item 6) is used,
    with no fallback, and agrees with eigvalsh of C_BB(t) (rounding, 1e-12 on 5 eigenvalues)."""
    rng = np.random.default_rng(9)
    a = rng.normal(size=(7, 7))
    m = QuadraticModel(a + a.T, {"system": [0, 1], "L": [2, 3], "R": [4, 5, 6]})
    c0 = np.diag(rng.uniform(0.1, 0.9, 7))
    ds = entropy_production(m, c0, [1.0])
    assert ds.attrs["parameters"]["joint_bath_method"] == "SecularEquation"
    assert ds.attrs["parameters"]["secular_fallbacks"] == 0
    ct = CorrelationEvolver(m, c0).full(1.0)
    assert abs(float(ds.joint_bath_entropy[0]) - correlation_entropy(ct[2:, 2:])) < 1e-12


def test_secular_non_convergence_raises():
    lam = np.linspace(0.1, 0.9, 50)
    w = np.full(50, 1 / 50)
    with pytest.raises(ConvergenceError, match="secular"):
        deletion_spectrum(lam, w, method=SecularEquation(max_iter=1))


def test_secular_method_validation():
    with pytest.raises(ParameterError, match="deflation_tol"):
        SecularEquation(deflation_tol=0.0)
    with pytest.raises(ParameterError, match="eigenvalues and weights"):
        deletion_spectrum(np.zeros(3), np.zeros(2))
