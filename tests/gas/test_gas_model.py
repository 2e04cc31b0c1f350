"""General collisional master equation, Eqs. (6), (7), (12), (13) and Appendix C of Gaida et al. (2025)."""

import warnings

import numpy as np
import pytest
import scipy.linalg as sla

from thermalize import ParameterError, PhysicsWarning
from thermalize.gas import BornGaussian, GasModel
from thermalize.gas.thermo import local_detailed_balance_residual
from thermalize.quantum import gibbs_state
from thermalize.superop import (
    is_completely_positive,
    is_trace_preserving,
    lindblad_dissipator,
    steady_state,
)


def _random_model(seed, *, t_a=None, t_m=None, complex_v=True):
    """Random level structures (d_S in 2..4, d_A in 1..3) and random Hermitian couplings."""
    rng = np.random.default_rng(seed)
    ds, da = int(rng.integers(2, 5)), int(rng.integers(1, 4))
    es = np.sort(rng.uniform(0, 3, ds))
    ea = rng.uniform(0, 2, da)
    g = rng.standard_normal((ds * da, ds * da)) + (1j if complex_v else 0) * rng.standard_normal(
        (ds * da, ds * da)
    )
    v = (g + g.conj().T) / 2
    t = rng.uniform(0.3, 3.0)
    return GasModel.born_gaussian(
        es,
        ea,
        v,
        strength=rng.uniform(0.2, 1),
        interaction_range=rng.uniform(0.5, 2),
        mass=rng.uniform(0.5, 2),
        density=1e-3,
        temperature_motional=t_m or t,
        temperature_internal=t_a or t,
    ), t


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_local_detailed_balance_and_gibbs_stationarity_random_models(seed):
    """Eq. (13) and C11 when T_A = T_M, for random levels and random Hermitian v (Born
    amplitudes satisfy |f_ij^kl|^2 = |f_ji^lk|^2, the part of micro-reversibility rates need)."""
    model, t = _random_model(seed)
    r = model.rates(rtol=1e-10)
    # quadrature at rtol 1e-10 (estimated error reported below it)
    assert local_detailed_balance_residual(r, 1.0 / t) < 1e-8
    gib = gibbs_state(model.system_energies, 1.0 / t)
    L = r.generator()
    assert np.max(np.abs(L @ gib.ravel())) < 1e-8 * np.max(np.abs(L))
    np.testing.assert_allclose(steady_state(L), gib, rtol=0, atol=1e-8)


def test_two_temperature_gas_breaks_ldb():
    """T_A != T_M: the same model no longer obeys Eq. (13) at either temperature."""
    model, _ = _random_model(5, t_a=3.0, t_m=0.4)
    r = model.rates()
    assert local_detailed_balance_residual(r, 1 / 3.0) > 1e-2
    assert local_detailed_balance_residual(r, 1 / 0.4) > 1e-2


def test_non_micro_reversible_amplitude_breaks_ldb():
    """Control: an amplitude depending on |p| but not |q| violates Eq. (9); LDB then fails,
    while a micro-reversible callable (symmetric in p <-> q, symmetric channel matrix) obeys it."""
    es, ea = np.array([0.0, 1.0]), np.array([0.0, 0.6])
    c = np.array([[0.3, 0.8], [0.8, 0.1]])

    def reversible(j, l, p, i, k, q, cos_theta):  # initial state first (conventions)
        return c[i, j] * c[k, l] * np.exp(-(q**2 + p**2) / 4) * (1 + 0.3 * q * p * cos_theta)

    def irreversible(j, l, p, i, k, q, cos_theta):
        return c[i, j] * c[k, l] * np.exp(-(p**2) / 2) * (1 + 0 * q)

    for amp, ok in [(reversible, True), (irreversible, False)]:
        m = GasModel(
            es, ea, temperature_motional=1.0, mass=1.0, density=0.1, amplitude=amp,
            temperature_internal=1.0, amplitude_order="initial_first",
        )
        res = local_detailed_balance_residual(m.rates(rtol=1e-10), 1.0)
        assert (res < 1e-8) == ok


def test_old_final_first_amplitude_order_still_works_with_a_deprecation_warning():
    """Issue 17: amplitude callables are now initial state first, f(j, l, p, i, k, q, cos).
    The old order f(i, j, k, l, q, p, cos) without `amplitude_order` warns and gives the same
    rates as the same physics written initial-first (p-only dependence makes the order
    matter: reading it in the wrong order would swap p and q)."""
    es, ea = np.array([0.0, 1.0]), np.array([0.0, 0.6])
    c = np.array([[0.3, 0.8], [0.5, 0.1]])  # not symmetric: swapping i <-> j shows

    def new(j, l, p, i, k, q, cos_theta):
        return c[i, j] * c[k, l] * np.exp(-(p**2) / 2) * (1 + 0.2 * q * cos_theta)

    def old(i, j, k, l, q, p, cos_theta):
        return c[i, j] * c[k, l] * np.exp(-(p**2) / 2) * (1 + 0.2 * q * cos_theta)

    ref = GasModel(es, ea, temperature_motional=1.0, mass=1.0, density=0.1, amplitude=new,
                   temperature_internal=1.0,
                   amplitude_order="initial_first").rates(rtol=1e-10)
    with pytest.warns(DeprecationWarning, match="final-first"):
        legacy = GasModel(es, ea, temperature_motional=1.0, mass=1.0, density=0.1, amplitude=old,
                          temperature_internal=1.0)
    explicit = GasModel(es, ea, temperature_motional=1.0, mass=1.0, density=0.1, amplitude=old,
                        temperature_internal=1.0,
                        amplitude_order="final_first")
    for m in (legacy, explicit):
        np.testing.assert_array_equal(m.rates(rtol=1e-10).channel_rates, ref.channel_rates)
    # the model's own accessor is initial-first whatever the callable's order
    assert explicit.scattering_amplitude(0, 1, 1.5, 1, 0, 0.7, 0.3) == new(
        0, 1, 1.5, 1, 0, 0.7, 0.3
    )
    with pytest.raises(ParameterError, match="amplitude_order"):
        GasModel(es, ea, temperature_motional=1.0, mass=1.0, density=0.1, amplitude=new,
                 temperature_internal=1.0, amplitude_order="up")


def test_quadrature_two_resolutions_and_error_estimate():
    model, _ = _random_model(6, t_a=2.0, t_m=0.5)
    lo = model.rates(rtol=1e-5, angular_nodes=8)
    hi = model.rates(rtol=1e-11)
    scale = hi.rate_matrix().max()
    assert lo.error <= 1e-5 * scale and hi.error <= 1e-11 * scale
    diff = np.max(np.abs(lo.channel_rates - hi.channel_rates))
    # the coarse result is within (a small multiple of) its own error estimate
    assert diff <= 10 * lo.error + 1e-12 * scale


def test_generator_equals_direct_integration_of_eq7_operators():
    """Independent assembly: integrate D[L_E^kl(Omega, p)] of Eq. (7) over p and Omega with
    a tensor Gauss rule, using the core lindblad_dissipator, and compare with the Kossakowski
    generator (2-level system, 2-level ancilla)."""
    model = GasModel.born_gaussian(
        [0.0, 0.8],
        [0.0, 0.5],
        np.array(
            [
                [0.2, 0.5, 0.3, 0.7],
                [0.5, 0.0, 0.6, 0.1],
                [0.3, 0.6, -0.4, 0.8],
                [0.7, 0.1, 0.8, 0.0],
            ]
        ),
        strength=1.0,
        interaction_range=1.0,
        mass=1.0,
        density=0.01,
        temperature_motional=0.8,
        temperature_internal=1.5,
    )
    r = model.rates(rtol=1e-10)
    a, pl = model.ancilla_energies, model.internal_populations()
    m, temp, n = model.mass, model.temperature_motional, model.density
    xs, wx = np.polynomial.legendre.leggauss(120)
    pmax = 12 * np.sqrt(m * temp)
    cs, wc = np.polynomial.legendre.leggauss(24)
    total = np.zeros((4, 4), dtype=complex)
    for energy in {0.0, 0.8, -0.8}:
        for k in range(2):
            for l in range(2):
                # p = p_th + s^2 removes the threshold square root sqrt(p^2 - 2 m E)
                p_th = np.sqrt(2 * m * max(energy + a[k] - a[l], 0.0))
                smax = np.sqrt(pmax - p_th)
                ss, ws = 0.5 * smax * (xs + 1), 0.5 * smax * wx
                ps, wp = p_th + ss**2, ws * 2 * ss
                mu = (1 / (2 * np.pi * m * temp)) ** 1.5 * np.exp(-(ps**2) / (2 * m * temp))
                for p, w_p, mu_p in zip(ps, wp, mu):
                    for c, w_c in zip(cs, wc):
                        L = model.lindblad_operator(energy, k, l, p, c)
                        if np.any(L):
                            total += (
                                pl[l]
                                * 4
                                * np.pi
                                * p**2
                                * mu_p
                                * w_p
                                * (n * p / m)
                                * 2
                                * np.pi
                                * w_c
                                * lindblad_dissipator(L)
                            )
    # 120 x 24 Gauss nodes on smooth integrands: ~1e-9 relative
    np.testing.assert_allclose(total, r.dissipator(), rtol=0, atol=1e-7 * np.max(np.abs(total)))


def test_energy_shift_is_mean_field_for_born_amplitudes():
    """h_eff (Eq. 6, B24) with first-Born forward amplitudes = n int V d^3x: the mean field
    n V_0 (2 pi R^2)^{3/2} <i| tr_A(v gamma_A) |i>."""
    model = GasModel.example()
    r = model.rates()
    amp = model.amplitude
    v = amp.coupling.reshape(3, 2, 3, 2)
    mean = np.einsum("ikik,k->i", v, model.internal_populations()).real
    expected = model.density * amp.strength * (2 * np.pi * amp.interaction_range**2) ** 1.5 * mean
    np.testing.assert_allclose(r.energy_shift, expected, rtol=1e-9, atol=1e-15)


def test_generator_is_cptp():
    model, _ = _random_model(8, t_a=1.0, t_m=2.0)
    L = model.rates().generator()
    phi = sla.expm(L * 3.0)
    assert is_trace_preserving(phi, atol=1e-10)
    assert is_completely_positive(phi, atol=1e-10)


def test_populations_decouple_from_coherences():
    """Appendix C: dP/dt depends only on P (Eq. 11) even for coherent states."""
    model, _ = _random_model(9)
    r = model.rates()
    d = model.dimension
    rng = np.random.default_rng(0)
    g = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    rho = g @ g.conj().T
    rho /= np.trace(rho)
    drho = (r.generator() @ rho.ravel()).reshape(d, d)
    np.testing.assert_allclose(
        np.diag(drho).real, r.population_generator() @ np.diag(rho).real, rtol=0, atol=1e-14
    )


def test_bad_input_rejected():
    kw = {
        "system_energies": [0.0, 1.0],
        "ancilla_energies": [0.0, 1.0],
        "coupling": np.eye(4),
        "strength": 1.0,
        "interaction_range": 1.0,
        "mass": 1.0,
        "density": 0.01,
        "temperature_motional": 1.0,
        "temperature_internal": 1.0,
    }

    def build(**over):
        k = dict(kw, **over)
        return GasModel.born_gaussian(
            k.pop("system_energies"), k.pop("ancilla_energies"), k.pop("coupling"), **k
        )

    for field, value in [
        ("density", -1.0),
        ("temperature_motional", -1.0),
        ("temperature_internal", 0.0),
        ("mass", 0.0),
        ("interaction_range", -1.0),
    ]:
        with pytest.raises(ParameterError, match=field):
            build(**{field: value})
    with pytest.raises(ParameterError, match="system_energies"):
        build(system_energies=[1.0, 1.0])
    with pytest.raises(ParameterError, match="coupling"):
        build(coupling=np.eye(6))
    with pytest.raises(ParameterError, match="exactly one"):
        build(temperature_internal=None)
    with pytest.raises(ParameterError, match="ancilla_populations"):
        build(temperature_internal=None, ancilla_populations=[0.5, 0.6])
    with pytest.raises(ParameterError, match="Hermitian"):
        BornGaussian(np.array([[0.0, 1.0], [0.0, 0.0]]), 1.0, 1.0, 1.0, 1)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        build(density=10.0)
    assert any(issubclass(x.category, PhysicsWarning) for x in w)


@pytest.mark.parametrize("kwargs, name", [
    ({"j": 1.0, "q": []}, "j"),  # the fuzz case: a float level used as an index (IndexError)
    ({"p": -1.0}, "p"),
    ({"q": "hot"}, "q"),
    ({"cos_theta": 1.5}, "cos_theta"),
    ({"j": 2.5}, "j"),
    ({"k": 7}, "k"),
    ({"j": np.array([0, 1]), "p": np.ones(3)}, "broadcast"),
])
def test_scattering_amplitude_checks_its_arguments(kwargs, name):
    """Fuzz finding (issue 15): GasModel.scattering_amplitude passed anything to the
    amplitude callable (j=1.0, q=[] gave an IndexError inside BornGaussian); now a ParameterError
    naming the argument, and valid arguments give the callable's value unchanged."""
    m = GasModel.example()
    args = {"j": 0, "l": 0, "p": 1.0, "i": 1, "k": 0, "q": 0.8, "cos_theta": 0.3}
    with pytest.raises(ParameterError, match=name):
        m.scattering_amplitude(**{**args, **kwargs})
    direct = m.amplitude(*args.values()) if m.amplitude_order == "initial_first" else \
        m.amplitude(1, 0, 0, 0, 0.8, 1.0, 0.3)
    assert m.scattering_amplitude(**args) == direct
