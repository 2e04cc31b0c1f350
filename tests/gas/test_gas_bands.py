"""Band-by-band coherences of Eq. (18) (Gaida et al. 2025) for spins beyond the dense path."""

import numpy as np
import pytest

from thermalize.errors import ParameterError
from thermalize.gas import SpinGasModel
from thermalize.gas._bands import band_generator, evolve_bands
from thermalize.gas.ladder import birth_death_generator
from thermalize.gas.spin import spin_operators
from thermalize.quantum import gibbs_populations
from thermalize.superop import evolve as core_evolve


def random_state(d, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    r = a @ a.conj().T
    return r / np.trace(r)


@pytest.mark.parametrize("spin, detuning", [(1, 0.3), (2.5, -0.4), (4, 1.1)])
def test_bands_equal_the_dense_lindblad_evolution(spin, detuning):
    """Same random coherent state, times in any order: band solver vs the dense (d^2 x d^2)
    Liouvillian and core `evolve`, to rounding of the two different expm routes (1e-12)."""
    m = SpinGasModel.example(spin=spin, detuning=detuning, temperature_motional=0.7)
    r = random_state(m.dimension, 3)
    t = [0.0, 0.3, 1.0, 2.5, 0.7]
    _, jp, _ = spin_operators(spin)
    gp, gm = m.rates()
    band = evolve_bands(np.diag(jp, -1), gp, gm, m.omega_s, r, t)
    dense = core_evolve(m.generator(), r, t)  # independent route: d^2 x d^2 Liouvillian
    np.testing.assert_allclose(band, dense, rtol=0, atol=1e-12)
    # SpinGasModel.evolve takes the band path at every J (issue 18 item 2)
    np.testing.assert_allclose(m.evolve(t, r), dense, rtol=0, atol=1e-12)


def test_population_band_is_the_rate_equation_of_eq11():
    m = SpinGasModel.example(spin=3)
    _, jp, _ = spin_operators(3)
    gp, gm = m.rates()
    g0 = band_generator(np.diag(jp, -1), gp, gm, 0)
    np.testing.assert_allclose(g0, birth_death_generator(*m.ladder_rates()), rtol=1e-14, atol=0)


def test_large_spin_coherent_state_obeys_the_laws():
    """J = 30 (beyond the dense path): rho(t) stays a state, its diagonal is the rate
    equation's populations (uniformization, an independent method), and it relaxes to the
    Gibbs state at the effective temperature of Eq. (21) with vanishing coherences."""
    m = SpinGasModel.example(spin=30, detuning=0.5, temperature_motional=0.8)
    d = m.dimension
    v = np.exp(1j * np.linspace(0, 3, d)) / np.sqrt(d)  # a pure state with all coherences
    rho0 = np.outer(v, v.conj())
    t = np.linspace(0.0, 4.0, 9)
    rho = m.evolve(t, rho0)
    assert np.abs(np.trace(rho, axis1=1, axis2=2) - 1).max() < 1e-12  # trace preserved
    assert np.abs(rho - rho.conj().transpose(0, 2, 1)).max() < 1e-15  # Hermitian by build
    assert min(np.linalg.eigvalsh(x).min() for x in rho) > -1e-12  # positive
    pops = m.populations(t, rho0)
    assert np.abs(np.einsum("tii->ti", rho).real - pops).max() < 1e-10
    late = m.evolve([400.0], rho0)[0]
    gibbs = gibbs_populations(m.energies(), m.effective_inverse_temperature())
    assert np.abs(np.diag(late).real - gibbs).max() < 1e-8  # relaxed (rate ~ Gamma)
    assert np.abs(late - np.diag(np.diag(late))).max() < 1e-8  # coherences decayed


def test_large_spin_ergotropy_at_zero_is_the_states():
    m = SpinGasModel.example(spin=25)
    d = m.dimension
    v = np.ones(d) / np.sqrt(d)
    from thermalize.quantum import ergotropy

    w = m.ergotropy([0.0, 1.0], np.outer(v, v))
    assert w[0] == pytest.approx(ergotropy(np.outer(v, v), m.energies()), abs=1e-10)
    assert 0 <= w[1] < w[0]  # the gas degrades the stored work


def test_negative_times_are_rejected():
    with pytest.raises(ParameterError, match="times"):
        SpinGasModel.example(spin=30).evolve([-1.0])


def test_inverted_coherent_spin_takes_the_band_path_and_matches_dense_expm():
    """Issue 18 item 2: for J <= 20 `evolve` diagonalised the whole (badly conditioned:
    cond 7.7e12 at J = 12) generator of an inverted gas and fell back to expm_multiply
    (J = 8: 2.4 s for 5 times to t = 300). Reference: scipy expm of the dense d^2 x d^2
    generator at each time (scaling and squaring, no eigenvectors), J = 4 inverted gas."""
    import time

    import scipy.linalg as sla

    m = SpinGasModel(
        4, 0.5, 1.7, temperature_internal=2.0, temperature_motional=0.6, recoil_energy=1.2
    )
    assert m.population_inverted()
    r = random_state(m.dimension, 7)
    t = [0.0, 1.0, 10.0, 100.0, 300.0]
    got = m.evolve(t, r)
    g = m.generator()
    d = m.dimension
    ref = np.array([(sla.expm(g * x) @ r.reshape(-1)).reshape(d, d) for x in t])
    # two exact routes; rounding of expm on a norm-~40 generator at t = 300: 1e-12
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12)
    # and fast at J = 12 (before: 21 s); ~0.01 s now, 100x margin on a loaded machine
    big = SpinGasModel(
        12, 0.5, 1.7, temperature_internal=2.0, temperature_motional=0.6, recoil_energy=1.2
    )
    t0 = time.perf_counter()
    rho = big.evolve(t, random_state(big.dimension, 8))
    assert time.perf_counter() - t0 < 2.0
    # trace preserved and Hermitian at every time
    np.testing.assert_allclose(np.trace(rho, axis1=1, axis2=2).real, 1.0, atol=1e-12)
    np.testing.assert_allclose(rho, np.conj(np.swapaxes(rho, 1, 2)), atol=1e-15)


@pytest.mark.parametrize("spin, detuning", [(2, 0.3), (4, -0.4)])
def test_far_future_is_the_relaxed_limit(spin, detuning):
    """Issue 15 item 2 (fuzz seed 53): evolve(times=1e308) was NaN (expm of g t and the phase
    omega q t overflowed). Beyond a band's relaxation time, 50 / its slowest decay rate, the
    band is its limit: the stationary populations, coherences exactly 0. Reference: the dense
    d^2 x d^2 Liouvillian of core `evolve` at t = 1e4, where every mode has decayed."""
    m = SpinGasModel.example(spin=spin, detuning=detuning, temperature_motional=0.7)
    r = random_state(m.dimension, 5)
    far = m.evolve([1e308, 1e100, 1e4], r)
    ref = core_evolve(m.generator(), r, [1e4])[0]
    for x in far:  # to rounding of the two expm routes, as in the dense comparison above
        np.testing.assert_allclose(x, ref, rtol=0, atol=1e-12)
    assert np.all(far[0] - np.diag(np.diag(far[0])) == 0)  # decayed coherences: exactly 0
    gibbs = gibbs_populations(m.energies(), m.effective_inverse_temperature())
    np.testing.assert_allclose(np.diag(far[0]).real, gibbs, rtol=0, atol=1e-12)


def test_relaxation_time_is_where_each_band_has_relaxed():
    """relaxation_time(g, q) = 50 / slowest decay rate, from the eigenvalues of the
    symmetrised tridiagonal form. Check against dense expm of the band itself: at T and 2T
    the propagators agree to rounding (relaxed); at T/10 the slowest mode still carries
    e^-5 ~ 7e-3 of the start (so T is not a uselessly long over-estimate)."""
    import scipy.linalg as sla

    from thermalize.gas._bands import relaxation_time

    m = SpinGasModel.example(spin=3, detuning=0.2, temperature_motional=0.8)
    _, jp, _ = spin_operators(3)
    gp, gm = m.rates()
    for q in range(m.dimension):
        g = band_generator(np.diag(jp, -1), gp, gm, q)
        t = relaxation_time(g, q)
        assert np.isfinite(t) and t > 0
        # relaxed: e^-50 ~ 2e-22 is far below expm's own rounding at ||g t|| ~ 150 (about
        # eight squarings, 2^8 eps ~ 6e-14)
        assert np.abs(sla.expm(g * t) - sla.expm(g * 2 * t)).max() < 1e-13
        if q:  # a coherence band decays to 0; at T/10 the slowest mode is e^-5 of its start
            lam = np.linalg.eigvals(g).real.max()
            assert np.isclose(t, -50.0 / lam, rtol=1e-9)  # vs the non-symmetric eigensolver
            assert np.abs(sla.expm(g * t / 10)).max() > 1e-3
