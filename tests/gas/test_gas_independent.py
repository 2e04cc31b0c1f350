"""Independent re-implementations of Gaida et al. (2025) compared with `thermalize.gas`.

Written from the paper's equations (not from the package code) by the family's reviewer, at
parameters far from the paper's: other temperatures, masses, level structures, detunings, J.
"""

import mpmath as mp
import numpy as np
import pytest
import scipy.linalg as sl
from scipy.integrate import quad

from thermalize.gas import GasModel, SpinGasModel, log_rate_integral, rate_integral
from thermalize.gas.repeated import RepeatedInteractionModel


# ----------------------------------------------------------------------------- Eq. (20)
def _i_mpmath(alpha, s):
    """Eq. (20) by 30-digit quadrature of the integrand itself, split on the scale of its peak."""
    with mp.workdps(30):
        a, s = mp.mpf(alpha), mp.mpf(s)
        lo = max(mp.mpf(0), s)
        # the integrand peaks about |s|/(2+a)^2 above lo, falls off on a scale min(1, 1/(2+a))
        # and at large z like e^{-a z}: 80 uniform panels across the peak and its fall-off,
        # then geometric ones out to 200/a
        peak = abs(s) / (2 + a) ** 2
        span = 4 * peak + 20 * min(1, 4 / (2 + a))
        pts = [lo + span * k / 80 for k in range(81)]
        while pts[-1] - lo < 200 / a + 4 * abs(s):
            pts.append(lo + 2 * (pts[-1] - lo))

        def f(z):
            return mp.exp(-(2 + a) * z + s) * mp.sinh(2 * mp.sqrt(z) * mp.sqrt(z - s))

        return mp.quad(f, pts + [mp.inf])


@pytest.mark.parametrize(
    ("alpha", "s"),
    [
        (1e-3, 0.5),
        (1e-3, -30.0),
        (1e-5, 2.0),
        (0.04, 22.8),
        (1.1, 22.3),
        (3.7, 80.0),
        (3.7, -80.0),
        (50.0, -40.0),
        (1e3, -1.0),
        (1e3, 1.0),  # I ~ 1e-439: underflows float64, compared through log I
        (0.2, 1e-7),
        (0.2, -1e-7),
    ],
)
def test_rate_integral_against_own_mpmath_quadrature_at_extreme_arguments(alpha, s):
    ref = _i_mpmath(alpha, s)
    # ln I to 1e-9 absolute = I to 1e-9 relative; 30-digit quadrature is good to ~1e-20, the
    # closed form's float64 rounding is ~1e-14 relative times |ln I| <= 1e3
    assert float(log_rate_integral(alpha, s)) == pytest.approx(float(mp.log(ref)), abs=1e-9)
    if ref > 1e-300:
        assert float(rate_integral(alpha, s)) == pytest.approx(float(ref), rel=1e-9)


# ----------------------------------------------------------------------------- Eqs. (12), (D2)
def _own_born_rates(es, ea, v, strength, radius, mass, density, t_m, pa):
    """R[i, j] (j -> i) of Eq. (12) with the Born amplitude (D2); hbar = k_B = 1.

    The angular integral of exp(-|q - p|^2/p_R^2) is done analytically,
    int dOmega = pi p_R^2/(q p) (e^{-(q-p)^2/p_R^2} - e^{-(q+p)^2/p_R^2}), the radial one by
    scipy `quad` over |p| with a Maxwell density (2 pi m T)^{-3/2} e^{-p^2/2mT}.
    """
    d_s, d_a = len(es), len(ea)
    p_r = 1.0 / radius
    e_r = p_r**2 / (2 * mass)
    pref = (np.pi / 2) * radius**2 * (strength / e_r) ** 2
    out = np.zeros((d_s, d_s))
    scale = np.sqrt(2 * mass * t_m)
    for i in range(d_s):
        for j in range(d_s):
            for k in range(d_a):
                for l in range(d_a):
                    amp2 = abs(v[i * d_a + k, j * d_a + l]) ** 2
                    if amp2 == 0:
                        continue
                    energy = es[i] - es[j] + ea[k] - ea[l]
                    p_min = np.sqrt(max(0.0, 2 * mass * energy))

                    def integrand(p, energy=energy):
                        q2 = p * p - 2 * mass * energy
                        if q2 <= 0:
                            return 0.0
                        q = np.sqrt(q2)
                        ang = (
                            np.pi
                            * p_r**2
                            / (q * p)
                            * (np.exp(-((q - p) ** 2) / p_r**2) - np.exp(-((q + p) ** 2) / p_r**2))
                        )
                        mu = (2 * np.pi * mass * t_m) ** -1.5 * np.exp(-p * p / (2 * mass * t_m))
                        return 4 * np.pi * p * p * mu * density * q / mass * ang

                    val = quad(
                        integrand, p_min, p_min + 60 * scale, epsabs=0, epsrel=1e-12, limit=400
                    )
                    out[i, j] += pa[l] * pref * amp2 * val[0]
    return out


def _random_born_model(rng, t_m, t_a):
    d_s, d_a = int(rng.integers(2, 4)), int(rng.integers(1, 4))
    es = np.sort(rng.uniform(-2, 2, d_s))
    ea = rng.uniform(-1.5, 1.5, d_a)
    x = rng.normal(size=(d_s * d_a,) * 2) + 1j * rng.normal(size=(d_s * d_a,) * 2)
    v = (x + x.conj().T) / 2
    strength, radius, mass = rng.uniform(0.1, 2), rng.uniform(0.3, 2), rng.uniform(0.2, 5)
    density = 1e-3 / radius**3
    model = GasModel.born_gaussian(
        es,
        ea,
        v,
        strength=strength,
        interaction_range=radius,
        mass=mass,
        density=density,
        temperature_motional=t_m,
        temperature_internal=t_a,
    )
    pa = np.exp(-(ea - ea.min()) / t_a)
    own = _own_born_rates(es, ea, v, strength, radius, mass, density, t_m, pa / pa.sum())
    return model, own


@pytest.mark.parametrize("seed", [11, 12])
def test_born_rates_match_own_quadrature_and_ldb_random_models(seed):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.3, 3)
    for t_a in (t, rng.uniform(0.3, 3)):  # equilibrium gas and two-temperature gas
        model, own = _random_born_model(rng, t, t_a)
        rates = model.rates()
        w = rates.rate_matrix()
        off = ~np.eye(model.dimension, dtype=bool)
        # package target rtol 1e-8 of the largest rate; own quad epsrel 1e-12
        assert np.max(np.abs(w[off] - own[off])) <= 1e-8 * own[off].max()
    # Eq. (13) on the independent rates at T_A = T_M, and Gibbs stationarity of the package
    # generator (Eq. 6): both exact up to rounding and the quadrature rtol
    model, own = _random_born_model(rng, t, t)
    es = model.system_energies
    ldb = own * np.exp(-es[None, :] / t) - own.T * np.exp(-es[:, None] / t)
    assert np.max(np.abs(ldb)) <= 1e-10 * own.max()
    gibbs = np.diag(np.exp(-es / t) / np.exp(-es / t).sum())
    gen = model.rates().generator()
    assert np.max(np.abs(gen @ gibbs.ravel())) <= 1e-8 * np.max(np.abs(gen))


@pytest.mark.parametrize(
    ("spin", "omega_s", "detuning", "t_a", "t_m", "e_r"),
    [(1.5, 0.7, 1.3, 0.5, 2.0, 0.8), (2, 2.0, -0.9, 3.0, 0.4, 1.7), (1, 1.0, 3.0, 4.0, 0.5, 0.3)],
)
def test_eq19_from_own_born_quadrature_with_gap_omega_a(spin, omega_s, detuning, t_a, t_m, e_r):
    """Eq. (19) = own Eq. (12) quadrature of the spin model (17) with ancilla gap omega_A."""
    sm = SpinGasModel(
        spin,
        omega_s,
        detuning,
        temperature_internal=t_a,
        temperature_motional=t_m,
        recoil_energy=e_r,
    )
    omega_a = omega_s + detuning
    d = sm.dimension
    m = np.arange(-spin, spin + 0.5)
    jp = np.diag(np.sqrt(spin * (spin + 1) - m[:-1] * (m[:-1] + 1)), -1)
    sigma_minus = np.array([[0.0, 1.0], [0.0, 0.0]])  # ancilla basis (ground, excited)
    v = np.kron(jp, sigma_minus) + np.kron(jp.T, sigma_minus.T)
    mass, strength = 1.3, 0.9
    radius = 1 / np.sqrt(2 * mass * e_r)
    density = 1e-3 / radius**3
    gamma_tilde = density * (2 * np.pi / (mass * t_m)) ** 1.5 * strength**2 / (2 * e_r)  # (D4)
    ea = np.array([-omega_a / 2, omega_a / 2])
    pa = np.exp(-ea / t_a) / np.exp(-ea / t_a).sum()
    own = _own_born_rates(omega_s * m, ea, v, strength, radius, mass, density, t_m, pa)
    gp, gm = sm.rates()
    for i in range(d - 1):
        c = jp[i + 1, i] ** 2
        # own quadrature epsrel 1e-12; closed-form I exact to ~1e-14
        assert own[i + 1, i] / (c * gamma_tilde) == pytest.approx(gp, rel=1e-9)
        assert own[i, i + 1] / (c * gamma_tilde) == pytest.approx(gm, rel=1e-9)


# ----------------------------------------------------------------------------- Eqs. (18)-(23)
def _own_lindblad(h, ops, rates):
    """Column-stacked Lindblad matrix: vec(A X B) = kron(B^T, A) vec(X)."""
    d = h.shape[0]
    eye = np.eye(d)
    gen = -1j * (np.kron(eye, h) - np.kron(h.T, eye))
    for op, g in zip(ops, rates):
        ld = op.conj().T @ op
        gen = gen + g * (np.kron(op.conj(), op) - 0.5 * np.kron(eye, ld) - 0.5 * np.kron(ld.T, eye))
    return gen


def _own_ergotropy(rho, energies):
    w = np.sort(np.linalg.eigvalsh(rho))[::-1]
    return float(np.real(np.trace(rho @ np.diag(energies))) - np.sort(energies) @ w)


@pytest.mark.parametrize("spin", [0.5, 1.5, 3])
def test_spin_dynamics_ergotropy_and_steady_state_against_own_lindblad(spin):
    rng = np.random.default_rng(int(2 * spin) + 40)
    ws = rng.uniform(0.3, 3)
    det = rng.uniform(0.5, 3)
    t_a, t_m, e_r, g = rng.uniform(2, 4), rng.uniform(0.2, 0.6), rng.uniform(0.2, 3), 1.7
    sm = SpinGasModel(
        spin,
        ws,
        det,
        temperature_internal=t_a,
        temperature_motional=t_m,
        recoil_energy=e_r,
        rate_scale=g,
    )
    wa, alpha = ws + det, e_r / t_m
    gp = g * float(_i_mpmath(alpha, -det / e_r)) / (1 + np.exp(wa / t_a))  # Eq. (19)
    gm = g * float(_i_mpmath(alpha, det / e_r)) / (1 + np.exp(-wa / t_a))
    m = np.arange(-spin, spin + 0.5)
    d = m.size
    jp = np.diag(np.sqrt(spin * (spin + 1) - m[:-1] * (m[:-1] + 1)), -1)
    energies = ws * m
    gen = _own_lindblad(np.diag(energies), [jp, jp.T], [gp, gm])
    x = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    rho0 = x @ x.conj().T
    rho0 /= np.trace(rho0)
    times = np.array([0.0, 0.1, 0.7, 2.0, 8.0]) / max(gp, gm)
    own = np.array(
        [(sl.expm(gen * t) @ rho0.ravel(order="F")).reshape(d, d, order="F") for t in times]
    )
    # all three are matrix exponentials of the same generator: rounding only, well below 1e-10
    assert np.max(np.abs(sm.evolve(times, rho0) - own)) < 1e-10
    own_pops = np.real(np.einsum("tii->ti", own))
    assert np.max(np.abs(sm.populations(times, rho0) - own_pops)) < 1e-10
    assert np.allclose(
        sm.ergotropy(times, rho0), [_own_ergotropy(r, energies) for r in own], atol=1e-10
    )
    # Eq. (21) temperature, Eq. (22) inversion, and the stationary state of the own generator
    t_eff = ws * t_a * t_m / (wa * t_m - det * t_a)
    assert sm.effective_temperature() == pytest.approx(t_eff, rel=1e-12)  # same formula, rounding
    assert sm.population_inverted() == (t_eff < 0) == (t_m < det / (ws + det) * t_a)
    ev, vecs = np.linalg.eig(gen)
    ss = vecs[:, np.argmin(np.abs(ev))].reshape(d, d, order="F")
    gibbs = np.exp(-energies / t_eff) / np.exp(-energies / t_eff).sum()
    # eigenvector of a d^2 matrix: rounding ~1e-13
    assert np.allclose(np.real(np.diag(ss / np.trace(ss))), gibbs, atol=1e-10)
    assert np.allclose(sm.stationary_populations(), gibbs, atol=1e-12)


def test_rates_ratio_gives_eq21_over_random_parameters():
    rng = np.random.default_rng(3)
    for _ in range(20):
        ws = rng.uniform(0.1, 5)
        det = rng.uniform(-0.95 * ws, 10)
        t_a, t_m, e_r = 10 ** rng.uniform(-1, 1, 3)
        sm = SpinGasModel(
            1,
            ws,
            det,
            temperature_internal=t_a,
            temperature_motional=t_m,
            recoil_energy=e_r,
        )
        lp, lm = sm.log_rates()
        t_eff = ws * t_a * t_m / ((ws + det) * t_m - det * t_a)
        # Gamma_+/Gamma_- = exp(-omega_S/T): log-rates from the closed form, rounding ~1e-13
        assert (lm - lp) / ws == pytest.approx(1 / t_eff, abs=1e-10)


# ----------------------------------------------------------------------------- repeated interactions
@pytest.mark.parametrize(("spin", "ws", "det", "temp"), [(1, 1.0, 0.5, 0.8), (2, 0.7, -0.3, 2.0)])
def test_repeated_interaction_fixed_point_from_own_collision_map(spin, ws, det, temp):
    """Own exchange collision U = exp(-i tau H) on rho x gamma_A, iterated to its fixed point."""
    wa, g, tau = ws + det, 0.37, 1.3
    m = np.arange(-spin, spin + 0.5)
    d = m.size
    jp = np.diag(np.sqrt(spin * (spin + 1) - m[:-1] * (m[:-1] + 1)), -1)
    sp = np.array([[0.0, 0.0], [1.0, 0.0]])  # sigma_+ in the basis (ground, excited)
    ham = (
        ws * np.kron(np.diag(m), np.eye(2))
        + wa * np.kron(np.eye(d), np.diag([-0.5, 0.5]))
        + g * (np.kron(jp, sp.T) + np.kron(jp.T, sp))
    )
    u = sl.expm(-1j * tau * ham)
    anc = np.diag(np.exp(-np.array([-0.5, 0.5]) * wa / temp))
    anc /= np.trace(anc)
    rho = np.eye(d) / d
    for _ in range(3000):
        big = u @ np.kron(rho, anc) @ u.conj().T
        rho = np.einsum("iaja->ij", big.reshape(d, 2, d, 2))
    pops = np.real(np.diag(rho))
    fit = -ws / np.mean(np.diff(np.log(pops)))
    assert fit == pytest.approx(ws * temp / wa, rel=1e-8)  # converged iteration, rounding only
    rim = RepeatedInteractionModel(spin, ws, det, temperature=temp, coupling=g, duration=tau)
    assert np.allclose(np.real(np.diag(rim.steady_state())), pops, atol=1e-9)


# ----------------------------------------------------------------------------- bad input
def _bad_inputs():
    from thermalize.gas import populations_ergotropy
    from thermalize.gas.repeated import fitted_temperature
    from thermalize.gas.thermo import heat_current

    sm = SpinGasModel.example(spin=1)
    gm = GasModel.example()
    return {
        "rho0 not a state (evolve)": lambda: sm.evolve([1.0], np.diag([2.0, -1.0, 0.0])),
        "rho0 unnormalised (ergotropy)": lambda: sm.ergotropy([1.0], np.diag([0.5, 0.0, 0.0])),
        "ergotropy populations NaN": lambda: populations_ergotropy([np.nan, 1.0], [0.0, 1.0]),
        "ergotropy shape mismatch": lambda: populations_ergotropy([0.5, 0.5, 0.0], [0.0, 1.0]),
        "cos_theta outside [-1, 1]": lambda: gm.lindblad_operator(0.0, 0, 0, 1.0, 2.0),
        "ancilla index out of range": lambda: gm.lindblad_operator(0.0, 5, 0, 1.0, 0.5),
        "energy NaN": lambda: gm.lindblad_operator(np.nan, 0, 0, 1.0, 0.5),
        "fitted_temperature NaN": lambda: fitted_temperature([np.nan, 0.5], 1.0),
        "heat_current generator shape": lambda: heat_current(
            np.eye(4), [0.0, 1.0, 2.0], np.eye(3) / 3
        ),
    }


@pytest.mark.parametrize("case", list(_bad_inputs()))
def test_bad_input_raises_parameter_error(case):
    from thermalize import ParameterError

    with pytest.raises(ParameterError):
        _bad_inputs()[case]()


def test_user_callable_amplitude_rates_match_own_quadrature_and_obey_ldb():
    """A non-Born, micro-reversible (Eq. 9) user amplitude: c_ij^kl = c_ji^lk, symmetric in
    |q| <-> |p|, depending on the scattering angle. Own Eq. (12): the angular factor
    int dOmega |g(cos theta)|^2 by quad, the radial integral by quad."""
    rng = np.random.default_rng(4)
    d_s, d_a = 3, 2
    es, ea = np.array([-0.7, 0.2, 1.1]), np.array([0.0, 0.8])
    x = rng.normal(size=(d_s * d_a,) * 2)
    c_mat = (x + x.T) / 2

    def radial(q, p):
        return np.exp(-(q * q + p * p) / 3.0) * (1 + 0.1 * q * p)

    def amp(j, l, p, i, k, q, c):  # initial state first
        idx_in, idx_out = np.asarray(j) * d_a + np.asarray(l), np.asarray(i) * d_a + np.asarray(k)
        return c_mat[idx_out, idx_in] * radial(q, p) * (1 + 0.5 * c + 0.2 * c * c)

    mass, density, temp = 0.7, 0.01, 0.9
    w = (
        GasModel(
            es, ea, temperature_motional=temp, mass=mass, density=density, amplitude=amp,
            temperature_internal=temp,
            amplitude_order="initial_first",
        )
        .rates()
        .rate_matrix()
    )
    pa = np.exp(-ea / temp) / np.exp(-ea / temp).sum()
    ang = 2 * np.pi * quad(lambda c: (1 + 0.5 * c + 0.2 * c * c) ** 2, -1, 1)[0]
    own = np.zeros((d_s, d_s))
    for i in range(d_s):
        for j in range(d_s):
            for k in range(d_a):
                for l in range(d_a):
                    energy = es[i] - es[j] + ea[k] - ea[l]
                    p_min = np.sqrt(max(0.0, 2 * mass * energy))
                    coef = c_mat[i * d_a + k, j * d_a + l] ** 2

                    def f(p, energy=energy, coef=coef):
                        q2 = p * p - 2 * mass * energy
                        if q2 <= 0:
                            return 0.0
                        q = np.sqrt(q2)
                        mu = (2 * np.pi * mass * temp) ** -1.5 * np.exp(-p * p / (2 * mass * temp))
                        return (
                            4
                            * np.pi
                            * p
                            * p
                            * mu
                            * density
                            * q
                            / mass
                            * ang
                            * coef
                            * radial(q, p) ** 2
                        )

                    own[i, j] += pa[l] * quad(f, p_min, p_min + 40, epsrel=1e-12, epsabs=0)[0]
    off = ~np.eye(d_s, dtype=bool)
    # package rtol 1e-8 (relative to the largest rate); own quad 1e-12
    assert np.max(np.abs(w[off] - own[off])) <= 1e-8 * own[off].max()
    # Eq. (13) at T_A = T_M on the own rates: exact up to the quad tolerance
    ldb = own * np.exp(-es[None, :] / temp) - own.T * np.exp(-es[:, None] / temp)
    assert np.max(np.abs(ldb)) <= 1e-10 * own.max()
