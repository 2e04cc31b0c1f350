"""Heat current (Eq. 15), Clausius inequality (Eq. 16), first law per collision channel (Eq. 14)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thermalize.gas import GasModel, SpinGasModel
from thermalize.gas.thermo import (
    energy_flows,
    entropy_production_rate,
    entropy_rate,
    heat_current,
    two_temperature_entropy_production,
)
from thermalize.quantum import gibbs_state, relative_entropy, von_neumann_entropy
from thermalize.superop import evolve


def _random_state(d, seed):
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    r = g @ g.conj().T
    return r / np.trace(r)


def test_clausius_along_equilibrium_relaxation_and_integrated_identity():
    """Eq. (16): sigma = S-dot - beta Q-dot >= 0 at every time, and its time integral equals
    D(rho_0||gamma) - D(rho_t||gamma) (Spohn), evaluated by an independent route."""
    model = GasModel.example()
    r = model.rates(rtol=1e-11)
    L = r.generator()
    e, beta = model.system_energies, 1.0 / model.temperature_motional
    t = np.linspace(0.0, 40.0, 4001)
    rho = evolve(L, _random_state(3, 1), t)
    sigma = entropy_production_rate(L, e, beta, rho)
    assert sigma.min() >= -1e-12  # rounding of tr(L rho ln rho)
    gib = gibbs_state(e, beta)
    drel = np.array([relative_entropy(rho[0], gib) - relative_entropy(x, gib) for x in rho[[-1]]])
    integral = np.sum(0.5 * (sigma[1:] + sigma[:-1]) * np.diff(t))
    # trapezoid on 4000 steps of a smooth, decaying integrand: error ~ 1e-6 relative
    assert abs(integral - drel[0]) < 1e-5 * drel[0]


def test_entropy_rate_matches_finite_difference():
    sm = SpinGasModel.example()
    L = sm.generator()
    rho = evolve(L, _random_state(sm.dimension, 2), [1.0 - 1e-4, 1.0, 1.0 + 1e-4])
    fd = (von_neumann_entropy(rho[2]) - von_neumann_entropy(rho[0])) / 2e-4
    # central difference: O(h^2) ~ 1e-8
    assert abs(entropy_rate(L, rho[1]) - fd) < 1e-7


def test_heat_current_equals_population_energy_change():
    """Eq. (15) from the superoperator equals sum_i e_i (W P)_i from the rate matrix (Eq. 11)."""
    model = GasModel.example(temperature_internal=2.5, temperature_motional=0.7)
    r = model.rates()
    rho = _random_state(3, 3)
    q = heat_current(r.generator(), model.system_energies, rho)
    p = np.diag(rho).real
    assert abs(q - model.system_energies @ r.population_generator() @ p) < 1e-14
    fl = energy_flows(r, p)
    assert abs(fl.system[0] - q) < 1e-14


@settings(max_examples=15)
@given(st.floats(0.2, 5.0), st.floats(0.2, 5.0), st.integers(0, 10**6))
def test_first_law_and_two_temperature_entropy_production(t_a, t_m, seed):
    """Per channel energy conservation (Eq. 14) and the channel-resolved second law
    S-dot + E_A-dot/T_A + E_M-dot/T_M >= 0 (derived from Eq. (9) as in C8) for any T_A, T_M."""
    model = GasModel.example(temperature_internal=t_a, temperature_motional=t_m)
    r = model.rates(rtol=1e-9)
    p = np.random.default_rng(seed).dirichlet(np.ones(3))
    fl = energy_flows(r, p)
    assert abs(fl.first_law_residual()[0]) < 1e-15
    np.testing.assert_allclose(
        fl.ancilla_by_channel + fl.motion_by_channel,
        -np.einsum(
            "ijkl,j,ij->kl",
            r.channel_rates,
            p,
            np.subtract.outer(model.system_energies, model.system_energies),
        )[None],
        rtol=0,
        atol=1e-15,
    )
    sigma = two_temperature_entropy_production(
        r, p, temperature_internal=t_a, temperature_motional=t_m
    )
    assert isinstance(sigma, float)  # scalar for one population vector (issue 17)
    assert sigma >= -1e-14
    # the same state in a (1, d) batch gives a (1,) array with the same value
    batch = two_temperature_entropy_production(
        r, p[None], temperature_internal=t_a, temperature_motional=t_m
    )
    assert batch.shape == (1,) and batch[0] == sigma


def test_equilibrium_gibbs_state_has_no_flows_and_nonequilibrium_gas_does_work():
    model = GasModel.example()
    r = model.rates()
    fl = energy_flows(r, gibbs_state(model.system_energies, 1.0).diagonal())
    for x in (fl.system, fl.ancilla, fl.motion):
        assert abs(x[0]) < 1e-15
    hot = GasModel.example(temperature_internal=4.0, temperature_motional=0.3)
    rh = hot.rates()
    from thermalize.superop import steady_state

    pss = np.diag(steady_state(rh.generator())).real
    f2 = energy_flows(rh, pss)
    assert abs(f2.system[0]) < 1e-12  # stationary
    # the hot ancillas feed the cold motion through the system: a steady through-flow
    assert f2.ancilla[0] < -1e-6 and f2.motion[0] > 1e-6


@pytest.mark.parametrize("spin", [1, 3])
def test_spin_entropy_production_nonnegative_equilibrium_gas(spin):
    sm = SpinGasModel.example(spin=spin, detuning=2.0)
    L = sm.generator()
    rho = evolve(L, _random_state(sm.dimension, 4), np.linspace(0.01, 30, 200))
    assert entropy_production_rate(L, sm.energies(), 1.0, rho).min() >= -1e-12
