"""Spin-J case study, Eqs. (17)-(23) of Gaida et al. (2025): rates, T_eff, dynamics, ergotropy."""

import numpy as np
import pytest
import qutip
from hypothesis import given
from hypothesis import strategies as st

from thermalize import ParameterError
from thermalize.gas import GasModel, SpinGasModel, populations_ergotropy, spin_operators
from thermalize.quantum import ergotropy, gibbs_state
from thermalize.superop import steady_state

CASES = [  # (spin, omega_s, detuning, T_A, T_M, E_R): equilibrium, inverted, red-detuned
    (1, 1.0, 0.5, 1.0, 1.0, 1.0),
    (2, 1.0, 4.0, 5.0, 1.0, 1.0),
    (5, 0.7, -0.3, 0.8, 2.0, 0.5),
]


def _model(case, spin=None):
    j, ws, det, ta, tm, er = case
    return SpinGasModel(
        spin if spin is not None else j,
        ws,
        det,
        temperature_internal=ta,
        temperature_motional=tm,
        recoil_energy=er,
    )


def _random_state(d, rng):
    g = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    r = g @ g.conj().T
    return r / np.trace(r)


@pytest.mark.parametrize("case", CASES)
def test_rate_equation_lindblad_and_qutip_agree(case):
    """Tridiagonal fast path == core Lindblad evolve == qutip.mesolve for J = 1, 2, 5 (1e-8)."""
    m = _model(case)
    d = m.dimension
    times = np.linspace(0.0, 3.0 / max(m.rates()), 25)
    rho0 = np.diag(np.arange(d, 0, -1.0) ** 2)
    rho0 = rho0 / np.trace(rho0)
    fast = m.populations(times, rho0)
    full = np.einsum("tii->ti", m.evolve(times, rho0)).real
    _, jp, jm = spin_operators(m.spin)
    gp, gm = m.rates()
    res = qutip.mesolve(
        qutip.Qobj(m.hamiltonian()),
        qutip.Qobj(rho0),
        times,
        [np.sqrt(gp) * qutip.Qobj(jp), np.sqrt(gm) * qutip.Qobj(jm)],
        options={"atol": 1e-13, "rtol": 1e-11},
    )
    ref = np.array([np.diag(s.full()).real for s in res.states])
    # uniformization (tail 1e-14) and the eigen route are exact to ~1e-13: the 1e-10
    np.testing.assert_allclose(fast, full, rtol=0, atol=1e-10)
    # mesolve's adaptive integrator at rtol 1e-11: the 1e-8
    np.testing.assert_allclose(fast, ref, rtol=0, atol=1e-8)


@pytest.mark.parametrize("case", CASES)
def test_steady_state_is_gibbs_at_effective_temperature(case):
    """Eqs. (18) + (21): the Lindblad steady state is Gibbs at T_eff (negative allowed)."""
    m = _model(case)
    rho = steady_state(m.generator())
    gib = gibbs_state(m.energies(), m.effective_inverse_temperature())
    # direct LU solve of a well-conditioned (2J+1)^2 system
    np.testing.assert_allclose(rho, gib, rtol=0, atol=1e-10)
    # Eq. (21) in the paper's form
    _, ws, det, ta, tm, _ = case
    assert np.isclose(
        m.effective_temperature(), ws * ta * tm / ((ws + det) * tm - det * ta), rtol=1e-12
    )


@given(
    st.floats(0.1, 5.0),
    st.floats(-0.9, 10.0),
    st.floats(0.05, 20.0),
    st.floats(0.05, 20.0),
    st.floats(0.05, 20.0),
)
def test_rates_obey_ldb_at_eq21_and_inversion_condition_eq22(ws, det_frac, ta, tm, er):
    """Gamma_+/Gamma_- = exp(-omega_S/T) with T of Eq. (21); T < 0 iff Eq. (22) holds."""
    det = det_frac * ws
    m = SpinGasModel(3, ws, det, temperature_internal=ta, temperature_motional=tm, recoil_energy=er)
    lp, lm = m.log_rates()
    beta = m.effective_inverse_temperature()
    # log rates are O(alpha |s|) <= 2e3: rounding 1e-12 relative
    assert abs((lm - lp) / ws - beta) <= 1e-10 * (1 + abs(lp) + abs(lm))
    if abs(beta) * ws > 1e-9:  # away from the boundary T = +-inf
        assert m.population_inverted() == (beta < 0)


def test_gap_convention_omega_a_reproduces_eq19_and_literal_sigma_z_does_not():
    """Born quadrature of the general model with ancilla gap omega_A gives Eq. (19) to 1e-10;
    the literal h_A = omega_A sigma_z (gap 2 omega_A) does not (docs/physics.md (gas section))."""
    sm = SpinGasModel(
        1.5,
        1.0,
        1.5,
        temperature_internal=2.0,
        temperature_motional=1.0,
        recoil_energy=1.0,
    )
    g = GasModel.from_spin(sm)
    r = g.rates(rtol=1e-11)
    up, down = sm.ladder_rates()
    R = r.rate_matrix()
    # quadrature target rtol 1e-11 and its own error estimate
    assert r.error <= 1e-10 * R.max()
    np.testing.assert_allclose(np.diag(R, -1), up[:-1], rtol=1e-10)
    np.testing.assert_allclose(np.diag(R, 1), down[1:], rtol=1e-10)
    # same v, R, n, V0 but ancilla levels -+omega_A (sigma_z literally): Eq. (19) is off by O(1)
    literal = GasModel.born_gaussian(
        sm.energies(),
        [-sm.omega_a, sm.omega_a],
        g.amplitude.coupling,
        strength=g.amplitude.strength,
        interaction_range=g.amplitude.interaction_range,
        mass=g.mass,
        density=g.density,
        temperature_motional=1.0,
        temperature_internal=2.0,
    )
    rl = literal.rates().rate_matrix()
    assert np.max(np.abs(np.diag(rl, -1) / up[:-1] - 1)) > 0.1


def test_general_model_generator_equals_eq18():
    """The full generator (Kossakowski blocks -> collective J_+-, zero h_eff) is Eq. (18)."""
    sm = SpinGasModel(
        1,
        1.3,
        -0.4,
        temperature_internal=0.7,
        temperature_motional=1.1,
        recoil_energy=0.9,
        rate_scale=2.0,
    )
    L = GasModel.from_spin(sm).rates(rtol=1e-11).generator()
    # entries ~ rates * J^2 ~ 1: quadrature 1e-11 relative
    np.testing.assert_allclose(L, sm.generator(), rtol=0, atol=1e-9)


def test_ergotropy_zero_for_positive_temperature_gibbs_and_eq23_matches_core():
    rng = np.random.default_rng(7)
    m = SpinGasModel.example(spin=3)
    e = m.energies()
    for beta in [0.0, 0.3, 2.0, 50.0]:
        p = gibbs_state(e, beta).diagonal()
        assert populations_ergotropy(p, e) <= 1e-14  # passive: sorting rounding only
        assert ergotropy(np.diag(p), e) <= 1e-12
    assert populations_ergotropy(gibbs_state(e, -1.0).diagonal(), e) > 1.0  # inverted
    for _ in range(5):
        p = rng.dirichlet(np.ones(e.size))
        assert abs(populations_ergotropy(p, e) - ergotropy(np.diag(p), e)) < 1e-12


def test_ergotropy_paths_and_long_time_limit():
    """Default ground-state start: fast path; coherent start: Lindblad path + core ergotropy;
    both tend to the ergotropy of the Gibbs state at T_eff < 0."""
    m = SpinGasModel(  # D = 4 > A = 1: inverted
        2,
        1.0,
        4.0,
        temperature_internal=5.0,
        temperature_motional=1.0,
        recoil_energy=1.0,
    )
    assert m.population_inverted()
    t = np.array([0.0, 50.0, 800.0])
    w = m.ergotropy(t)
    target = populations_ergotropy(m.stationary_populations(), m.energies())
    assert w[0] == 0.0 and w[1] > 0
    assert abs(w[-1] - target) < 1e-9  # relaxed: e^{-gap t} negligible
    rho0 = _random_state(m.dimension, np.random.default_rng(3))
    wc = m.ergotropy(t, rho0)
    direct = [ergotropy(r, m.energies()) for r in m.evolve(t, rho0)]
    np.testing.assert_allclose(wc, direct, rtol=0, atol=1e-12)
    assert abs(wc[-1] - target) < 1e-8


def test_large_spin_fast_path_normalised_and_relaxes():
    m = SpinGasModel(  # D = 2 > A = 1
        1000,
        1.0,
        2.0,
        temperature_internal=3.0,
        temperature_motional=1.0,
        recoil_energy=1.0,
    )
    p = m.populations(np.array([0.0, 0.05, 3.0]))
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)  # mass conserved
    # relaxed within the 1e-12 stationary cut-off
    assert np.abs(p[-1] - m.stationary_populations()).sum() < 1e-11


@pytest.mark.parametrize("spin", [0.3, -1, 1.25, np.nan, "a"])
def test_bad_spin_rejected(spin):
    with pytest.raises(ParameterError, match="spin"):
        SpinGasModel.example(spin=spin)


@pytest.mark.parametrize(
    "field,value",
    [
        ("temperature_internal", -1.0),
        ("temperature_motional", 0.0),
        ("recoil_energy", -2.0),
        ("omega_s", 0.0),
        ("detuning", -1.0),
        ("rate_scale", np.inf),
    ],
)
def test_bad_parameters_rejected(field, value):
    with pytest.raises(ParameterError, match=field):
        SpinGasModel.example(**{field: value})


def test_spin_zero_is_trivial():
    m = SpinGasModel.example(spin=0)
    assert m.dimension == 1
    np.testing.assert_array_equal(m.ergotropy([0.0, 1.0]), [0.0, 0.0])


def test_coherent_start_of_huge_spin_says_what_is_missing():
    m = SpinGasModel.example(spin=250)
    rho0 = np.full((501, 501), 1.0 / 501)
    with pytest.raises(NotImplementedError, match="2J\\+1 <= 401.*energy-diagonal"):
        m.ergotropy([1.0], rho0)


def test_energy_diagonal_rho0_is_validated_without_dense_work():
    """Populations given as (d,) or as a diagonal matrix take the fast path and are checked."""
    from thermalize import ParameterError

    sm = SpinGasModel.example(spin=1)
    times = np.array([0.0, 0.7])
    p = np.array([0.2, 0.3, 0.5])
    # the same populations as a vector and as a diagonal matrix give identical dynamics
    np.testing.assert_array_equal(sm.populations(times, p), sm.populations(times, np.diag(p)))
    for bad in (np.array([1.2, -0.2, 0.0]), np.array([0.5, 0.2, 0.2]), np.array([1.0, 0.0])):
        with pytest.raises(ParameterError, match="rho0"):
            sm.populations(times, bad)
