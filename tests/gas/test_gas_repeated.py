"""Repeated-interaction contrast (text after Eq. (21)): fixed point at omega_S T / omega_A."""

import numpy as np
import pytest

from thermalize import ParameterError
from thermalize.gas import SpinGasModel
from thermalize.gas.repeated import RepeatedInteractionModel, fitted_temperature
from thermalize.superop import is_completely_positive, is_trace_preserving, steady_state


@pytest.mark.parametrize("spin", [0.5, 1, 2])
@pytest.mark.parametrize("detuning", [-0.4, 0.0, 0.8, 3.0])
def test_repeated_interaction_fixed_point_temperature(spin, detuning):
    m = RepeatedInteractionModel(spin, 1.0, detuning, temperature=1.3, coupling=0.9, duration=0.6)
    ss = m.steady_state()
    # LU solve of a tiny well-conditioned system
    np.testing.assert_allclose(ss, m.predicted_state(), rtol=0, atol=1e-10)
    assert np.isclose(fitted_temperature(np.diag(ss).real, 1.0), 1.3 / (1.0 + detuning), rtol=1e-9)


def test_collision_map_is_cptp():
    phi = RepeatedInteractionModel(1, 1.0, 0.5, beta=1.0, coupling=1.0, duration=0.8).channel()
    assert is_trace_preserving(phi) and is_completely_positive(phi)


def test_scattering_master_equation_relaxes_to_gas_temperature_for_every_detuning():
    """The contrast of the paper: T_A = T_M = T gives T_eff = T at every detuning (Eq. 21)."""
    for det in (-0.4, 0.8, 3.0):
        sm = SpinGasModel(
            1,
            1.0,
            det,
            temperature_internal=1.3,
            temperature_motional=1.3,
            recoil_energy=1.0,
        )
        ss = np.diag(steady_state(sm.generator())).real
        assert np.isclose(fitted_temperature(ss, 1.0), 1.3, rtol=1e-9)
        ri = RepeatedInteractionModel(1, 1.0, det, temperature=1.3, coupling=1.0, duration=0.7)
        assert np.isclose(ri.predicted_temperature(), 1.3 / (1 + det))


def test_bad_input():
    with pytest.raises(ParameterError, match="detuning"):
        RepeatedInteractionModel(1, 1.0, -2.0, beta=1.0, coupling=1.0, duration=1.0)
    with pytest.raises(ParameterError, match="populations"):
        fitted_temperature([0.5, 0.0], 1.0)
