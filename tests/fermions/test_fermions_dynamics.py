"""Laws of the correlation-matrix dynamics C(t) = e^{iht} C(0) e^{-iht} (Eq. 19)."""

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from thermalize.errors import ParameterError
from thermalize.fermions import (
    CorrelationEvolver,
    QuadraticModel,
    accurate_phases,
    evolve_correlations,
    gibbs_correlation_matrix,
    single_electron_transistor,
)


def _random_case(seed: int, n: int):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    h = (a + a.conj().T) / 2
    b = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    q, _ = np.linalg.qr(b)
    c0 = (q * rng.uniform(0, 1, n)) @ q.conj().T  # generic (non-diagonal) Gaussian state
    return QuadraticModel(h, {"system": [0], "L": list(range(1, n))}), c0


@given(st.integers(0, 10_000), st.integers(2, 7), st.floats(-1e3, 1e3))
def test_evolution_preserves_hermiticity_spectrum_number_and_energy(seed, n, t):
    """C(t) Hermitian, spectrum = spectrum of C(0) in [0, 1], tr C and sum h_ij C_ij conserved."""
    m, c0 = _random_case(seed, n)
    ct = evolve_correlations(m, c0, [t])[0]
    h = m.single_particle_hamiltonian
    # entries O(1): unitary rotations in double keep errors at ~n eps; 1e-12 is a 100x margin
    np.testing.assert_allclose(ct, ct.conj().T, atol=1e-12)
    np.testing.assert_allclose(np.linalg.eigvalsh(ct), np.linalg.eigvalsh(c0), atol=1e-12)
    assert abs(np.trace(ct) - np.trace(c0)) < 1e-12
    assert abs(np.sum(h * ct) - np.sum(h * c0)) < 1e-11 * max(1.0, np.abs(h).sum())


def test_heisenberg_convention_single_mode():
    """Two modes, h = sigma_x / 2, mode 0 filled: n_0 = cos^2(t/2), C_01 = -(i/2) sin t."""
    m = QuadraticModel(np.array([[0.0, 0.5], [0.5, 0.0]]), {"system": [0], "L": [1]})
    ct = evolve_correlations(m, np.diag([1.0, 0.0]), [0.0, 1.0, np.pi])
    np.testing.assert_allclose(
        ct[:, 0, 0].real, np.cos(0.5 * np.array([0.0, 1.0, np.pi])) ** 2, atol=1e-15
    )
    # dc_j/dt = -i sum_k h_jk c_k: c_0(t) = cos(t/2) c_0 - i sin(t/2) c_1, c_1(t) = -i sin c_0 + cos c_1
    np.testing.assert_allclose(ct[1, 0, 1], -0.5j * np.sin(1.0), atol=1e-15)


def test_phases_are_accurate_at_large_times():
    """accurate_phases(E, t) = E t mod 2 pi to ~1e-15 where np.mod(E t) is off by ~1e-8."""
    mpmath.mp.dps = 50
    e = np.array([4.99, -3.123456789, 0.001, 1.0])
    for t in (1e8, 3.3e10):
        got = accurate_phases(e, t)
        for ei, gi in zip(e, got):
            x = mpmath.mpf(float(ei)) * mpmath.mpf(t)
            ref = float(x - mpmath.nint(x / (2 * mpmath.pi)) * 2 * mpmath.pi)
            assert abs(gi - ref) < 4e-15  # a few ulps of pi


def test_composition_at_t_1e8():
    """C(t1 + t2) = evolve(C(t1), t2) at t ~ 1e8: the phases stay consistent at large times."""
    m = single_electron_transistor(30, bandwidth=10.0, coupling=3.0)
    c0 = gibbs_correlation_matrix(m, [10.0, 2.0], [1.0, -1.0])
    t1, t2 = 1e8, 12345.678
    c1 = evolve_correlations(m, c0, [t1])[0]
    c12 = evolve_correlations(m, c1, [t2])[0]
    direct = evolve_correlations(m, c0, [t1 + t2])[0]
    # eigenvalue error eps*|E| ~ 1e-15 times t ~ 1e8 -> phase differences up to ~1e-7 rad
    # between two different (equally valid) splittings of the same evolution
    np.testing.assert_allclose(c12, direct, atol=1e-6)


def test_blocks_agree_with_full_matrix():
    m, c0 = _random_case(1, 6)
    ev = CorrelationEvolver(m, c0)
    full = ev.full(2.5)
    rows, cols = [1, 3], [0, 4, 5]
    np.testing.assert_allclose(ev.block(2.5, rows, cols), full[np.ix_(rows, cols)], atol=1e-14)
    up = ev.hermitian_block_upper(ev.eigenvectors(2.5, rows))
    np.testing.assert_allclose(np.triu(up), np.triu(full[np.ix_(rows, rows)]), atol=1e-14)


@pytest.mark.parametrize(
    "c0, word",
    [
        (np.diag([1.2, 0.0, 0.0, 0.0, 0.0]), "eigenvalues"),
        (np.zeros((3, 3)), "shape"),
        (np.triu(np.ones((5, 5))) * 0.1, "Hermitian"),
    ],
)
def test_bad_initial_correlation_matrix(c0, word):
    with pytest.raises(ParameterError, match=word):
        evolve_correlations(QuadraticModel.example(), c0, [1.0])


def test_bad_times():
    c0 = np.diag([0.0, 1.0, 0.0, 1.0, 0.0])
    with pytest.raises(ParameterError, match="times"):
        evolve_correlations(QuadraticModel.example(), c0, [np.nan])
    with pytest.raises(ParameterError, match="time"):
        evolve_correlations(QuadraticModel.example(), c0, [1e20])
