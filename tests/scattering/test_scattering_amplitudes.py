"""Amplitudes: exact multichannel unitarity, Eq. (S1) as printed, agreement at high energy."""

import numpy as np
import pytest

from thermalize.errors import ParameterError
from thermalize.scattering import ScatteringModel, amplitudes, microreversibility_residual


def _random_model(seed, d=3, real=False):
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((d, d)) + (0 if real else 1j) * rng.standard_normal((d, d))
    energies = np.sort(rng.uniform(-1.0, 1.0, d))
    return ScatteringModel(energies, 0.5 * (g + g.conj().T), length=1.3, mass=0.7)


@pytest.mark.parametrize("model", [ScatteringModel.example(), _random_model(1), _random_model(2, real=True),
                                   _random_model(3, d=4)])
def test_exact_s_matrix_unitary_at_open_channels(model):
    """S^dagger S = 1 over open channels, closed channels included in the matching."""
    energy = np.linspace(model.energies[0] - 0.5, model.e_max + 4.0, 57)
    amp = amplitudes(model, energy, method="exact")
    # 4d x 4d LU solve of O(1) entries: rounding ~1e-15; 1e-10 is the bound
    assert np.max(amp.unitarity_residual()) < 1e-10
    closed = ~amp.open_channels
    assert np.all(amp.transmission[closed[..., :, None].repeat(model.dimension, -1)] == 0)


def test_exact_amplitudes_free_particle_are_identity():
    """V = 0: no scattering, s+ = 1 and s- = 0 with phases referred to the region centre."""
    model = ScatteringModel(np.array([0.0, 0.4, 1.0]), np.zeros((3, 3)), length=2.0, mass=0.3)
    amp = amplitudes(model, np.array([1.5, 7.0]), method="exact")
    np.testing.assert_allclose(amp.transmission, np.broadcast_to(np.eye(3), (2, 3, 3)), atol=1e-12)
    np.testing.assert_allclose(amp.reflection, 0.0, atol=1e-12)


def test_s1_as_printed_unitary_above_emax_identity_below():
    """Eq. (S1): identity below e_max, unitary and different from identity just above."""
    model = ScatteringModel.example()
    below = amplitudes(model, model.e_max - 1e-9).transmission
    above = amplitudes(model, model.e_max + 1e-9).transmission
    np.testing.assert_array_equal(below, np.eye(2))
    assert np.max(np.abs(above - np.eye(2))) > 0.1  # the printed discontinuity at e_max
    amp = amplitudes(model, np.linspace(model.e_max, 30, 40))
    assert np.max(amp.unitarity_residual()) < 1e-12  # product of unitaries, rounding only
    assert np.all(amp.reflection == 0)


@pytest.mark.parametrize("model", [ScatteringModel.example(), _random_model(4)])
def test_s1_agrees_with_exact_at_high_energy(model):
    """(S1) neglects reflection at the edges, of relative size |V|/(4 E_kin): the exact
    amplitudes must approach it as E grows and be far from it near threshold."""
    vnorm = np.linalg.norm(model.coupling, 2)
    for e_kin in (30.0, 300.0, 3000.0):
        energy = model.e_max + e_kin * np.linspace(1.0, 1.5, 9)
        ex = amplitudes(model, energy, method="exact")
        s1 = amplitudes(model, energy, method="S1")
        # reflection ~ |V|/(4 E_kin); the bound |V|/E_kin leaves a factor-4 margin
        assert np.max(np.abs(ex.reflection)) < vnorm / e_kin
        assert np.max(np.abs(ex.transmission - s1.transmission)) < vnorm / e_kin
    near = model.e_max + 0.2
    diff = amplitudes(model, near, method="exact").transmission - amplitudes(model, near).transmission
    assert np.max(np.abs(diff)) > 0.05  # (S1) is not meant to hold near threshold


def test_microreversibility_time_reversal():
    """Eq. (19) holds for real V (time-reversal symmetric); for the qubit |s_j'j| = |s_jj'|
    (a diagonal gauge makes V real); a d = 3 complex V with a phase loop breaks it."""
    energy = np.linspace(1.5, 6.0, 11)
    real = amplitudes(_random_model(5, real=True), energy, method="exact")
    assert np.max(microreversibility_residual(real)) < 1e-10  # rounding of the solve
    qubit = amplitudes(ScatteringModel.example(), energy, method="exact")
    assert np.max(microreversibility_residual(qubit, modulus=True)) < 1e-10
    broken = amplitudes(_random_model(6), energy, method="exact")
    assert np.max(microreversibility_residual(broken, modulus=True)) > 1e-3


def test_amplitudes_bad_input():
    model = ScatteringModel.example()
    with pytest.raises(ParameterError, match="method"):
        amplitudes(model, 1.0, method="WKB")
    with pytest.raises(ParameterError, match="energy"):
        amplitudes(model, np.nan)
