"""Counting statistics of the gas master equation (gas.fluctuations), Gaida et al. 2025."""

import numpy as np
import pytest

from thermalize.counting import scaled_cumulants, scgf
from thermalize.errors import ParameterError
from thermalize.gas import GasModel, SpinGasModel
from thermalize.gas.fluctuations import (
    gas_counting_model,
    spin_counting_model,
    spin_exchange_statistics,
)

FIG2 = [(2.0, 1.0), (2.0, 3.0), (4.0, 1.0), (4.0, 3.0)]  # (D, A) of Fig. 2


def _two_point_reference(model, p0, times):
    """P(n, t) = sum_m0 p0(m0) P(m0 + n, t | m0) from the rate equation (no counting field)."""
    d = model.dimension
    out = np.zeros((len(times), 2 * d - 1))
    for m0 in range(d):
        if p0[m0] == 0:
            continue
        start = np.zeros(d)
        start[m0] = 1.0
        cond = model.populations(times, start)  # uniformization (gas.ladder)
        out[:, d - 1 - m0 : 2 * d - 1 - m0] += p0[m0] * cond
    return out


@pytest.mark.parametrize(("d_val", "a_val"), FIG2)
def test_spin_exchange_distribution_is_the_two_point_measurement(d_val, a_val):
    """n = m(t) - m(0): the DFT of the tilted propagator equals the two-point statistics."""
    model = SpinGasModel.from_paper(spin=20, D=d_val, A=a_val)
    times = np.array([0.5, 5.0, 50.0, 200.0])  # Fig. 2 runs to t = 200 from the ground state
    s = spin_exchange_statistics(model, times)
    p0 = np.zeros(model.dimension)
    p0[0] = 1.0
    ref = _two_point_reference(model, p0, times)
    # both routes accurate to ~1e-13 per entry (normalisation errors seen <= 2e-13)
    np.testing.assert_allclose(s.probabilities, ref, atol=1e-11)
    assert np.all(s.probabilities[:, s.counts < 0] < 1e-12)  # ground state: nothing to give
    # mean absorbed energy = energy gained by the system (first law, one gas)
    e_t = model.populations(times, p0) @ model.energies()
    np.testing.assert_allclose(s.mean_energy(), e_t - model.energies()[0], atol=1e-10)
    np.testing.assert_allclose(s.ergotropy, model.ergotropy(times), atol=1e-12)


@pytest.mark.parametrize(("d_val", "a_val"), FIG2 + [(0.5, 2.0)])
@pytest.mark.parametrize("beta_0", [0.5, -1.0, 2.0])
def test_spin_exchange_fluctuation_theorem_from_gibbs_states(d_val, a_val, beta_0):
    """P(n)/P(-n) = exp[(beta_0 - beta) omega_S n] at every finite time."""
    model = SpinGasModel.from_paper(spin=20, D=d_val, A=a_val)
    s = spin_exchange_statistics(model, [0.3, 3.0, 30.0, 200.0], beta_initial=beta_0)
    # P entries carry ~2e-13 absolute DFT rounding; on pairs with P >= 1e-8 that is <= 2e-5
    assert np.all(s.fluctuation_residual(floor=1e-8) < 1e-4)
    wrong = s.__class__(**{**s.__dict__, "beta_initial": beta_0 + 0.5})
    assert np.max(wrong.fluctuation_residual(floor=1e-8)) > 0.1  # the law has content


def test_spin_in_one_gas_has_no_scaled_cumulants():
    """|n| <= 2J: lambda(chi) = 0 for every chi, every scaled cumulant vanishes."""
    model = SpinGasModel.from_paper(spin=5, D=4.0, A=1.0)
    cm = spin_counting_model(model)
    c = scaled_cumulants(cm)
    # kappa_n are differences of O(Gamma J^n) terms: rounding ~1e-12 relative to J^4 Gamma
    assert np.all(np.abs(c.cumulants) < 1e-9)
    for chi in (0.4, 2.0, 1.0 + 0.5j):
        assert abs(scgf(cm, [chi])) < 1e-10


def test_spin_between_two_gases_gallavotti_cohen_and_tur():
    hot = SpinGasModel.from_paper(spin=2, D=4.0, A=3.0)  # omega_S/T = -1: inverted gas
    cold = SpinGasModel.from_paper(spin=2, D=1.0, A=3.0)  # omega_S/T = 2
    cm = spin_counting_model(hot, cold)
    b1, b2 = hot.effective_inverse_temperature(), cold.effective_inverse_temperature()
    aff = (b2 - b1) * hot.omega_s
    for chi in (0.3, -1.1, 0.2 - 0.4j):
        # one 25x25 dense eigenvalue problem each side: rounding only
        assert abs(scgf(cm, [chi, 0.0]) - scgf(cm, [-chi + 1j * aff, 0.0])) < 1e-12
    c = scaled_cumulants(cm)
    j1 = c.currents[0]
    assert j1 > 0 and abs(j1 + c.currents[1]) < 1e-12  # quanta flow from gas 0 through the spin
    sigma = aff * j1
    assert c.noise[0] / j1**2 >= 2 / sigma


@pytest.fixture(scope="module")
def two_temperature_gas():
    model = GasModel.example(temperature_internal=3.0)  # T_A = 3, T_M = 1
    return model, gas_counting_model(model)


def test_gas_internal_current_matches_channel_rates(two_temperature_gas):
    """Independent route: J_A = sum R_ij^kl (eps_k - eps_l) p_j from `GasModel.rates()`."""
    model, cm = two_temperature_gas
    rates = model.rates()
    p = np.real(np.diag(model.steady_state()))
    a = model.ancilla_energies
    j_internal = np.einsum("ijkl,j,kl->", rates.channel_rates, p, a[:, None] - a[None, :])
    c = scaled_cumulants(cm)
    # both from quadratures with rtol 1e-8 of the largest rate
    assert abs(c.currents[0] - j_internal) < 1e-7 * abs(j_internal)
    assert abs(c.currents[0] + c.currents[1]) < 1e-12  # energy conservation in the long run
    assert c.currents[0] < 0  # the hotter internal reservoir (T_A = 3) gives energy
    np.testing.assert_allclose(cm.steady_state(), model.steady_state(), atol=1e-10)


def test_gas_gallavotti_cohen_and_tur(two_temperature_gas):
    model, cm = two_temperature_gas
    aff = model.beta_internal - model.beta_motional
    for chi in (0.3, 1.0 + 0.2j, -2.0):
        a, b = scgf(cm, [chi, 0.0]), scgf(cm, [-chi + 1j * aff, 0.0])
        # local detailed balance holds to the quadrature rtol 1e-8 of the rates
        assert abs(a - b) < 1e-8 * max(1.0, abs(a))
    c = scaled_cumulants(cm)
    sigma = aff * c.currents[0]
    assert sigma > 0
    assert np.all(c.tur_residual(sigma) > 0)


def test_gas_equilibrium_has_no_current():
    cm = gas_counting_model(GasModel.example())  # T_A = T_M = 1
    c = scaled_cumulants(cm, order=2)
    # quadrature rtol 1e-8 of rates ~1e-2: residual currents at that level
    assert np.all(np.abs(c.currents) < 1e-9)
    assert np.all(c.noise > 0)


def test_bad_input():
    with pytest.raises(ParameterError, match="SpinGasModel"):
        spin_counting_model(GasModel.example())
    with pytest.raises(ParameterError, match="same system"):
        spin_counting_model(SpinGasModel.example(spin=1), SpinGasModel.example(spin=2))
    with pytest.raises(ParameterError, match="GasModel"):
        gas_counting_model(SpinGasModel.example())
    with pytest.raises(ParameterError, match="not both"):
        spin_exchange_statistics(SpinGasModel.example(), [1.0], rho0=np.eye(5) / 5, beta_initial=1)
    s = spin_exchange_statistics(SpinGasModel.example(), [1.0])
    with pytest.raises(ParameterError, match="Gibbs initial state"):
        s.fluctuation_residual()


def test_exchange_dataset():
    s = spin_exchange_statistics(SpinGasModel.example(), [0.0, 1.0], beta_initial=1.0)
    ds = s.to_dataset()
    assert {"long_name", "units", "symbol"} <= set(ds.probability.attrs)
    np.testing.assert_allclose(ds.probability.sel(time=0.0), (s.counts == 0) * 1.0, atol=1e-12)
