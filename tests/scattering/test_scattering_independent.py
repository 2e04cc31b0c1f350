"""Reviewer's independent checks of `thermalize.scattering` (Tabanera-Bravo et al., PRL 130,
200402 (2023) + Supplement), at parameters far from the paper's.

The reference implementations below are written from the paper's equations only:
- exact amplitudes by a transfer matrix expm(L [[0, 1], [2m(H_S + V - E)/hbar^2, 0]]) across
  the region [-L/2, L/2] (a different method from the package's plane-wave matching);
- Eq. (S1) by scipy.linalg.expm of i L K(E);
- Eq. (17) in its printed p-form, measure sqrt(p/pi(p)) included, by adaptive scipy `quad`
  (the package uses Gauss-Legendre in the outgoing momentum q);
- the steady state of Eq. (S2) by a dense solve with the trace row, the dephased fixed point
  by an eigenvector of W, the first-order expansion Eqs. (10)-(15) by a finite difference of
  the exact steady state, and the trajectory average against expm of the Eq. (8) generator.
"""

import warnings
from itertools import pairwise

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.linalg import eigh, expm

import thermalize.scattering as sc
from thermalize.errors import ParameterError


def _exact_ref(energy, e, v, length, mass, hbar=1.0):
    """Transfer-matrix S-matrix blocks (t, r), flux-normalised, plane waves referred to x=0."""
    d = len(e)
    gen = np.zeros((2 * d, 2 * d), complex)
    gen[:d, d:] = np.eye(d)
    gen[d:, :d] = 2 * mass / hbar**2 * (np.diag(e) + v - energy * np.eye(d))
    tm = expm(gen * length)  # (psi, psi')(L/2) = tm (psi, psi')(-L/2)
    k = np.sqrt((2 * mass * (energy - e)).astype(complex)) / hbar
    is_open = energy > e
    xl, xr = -length / 2, length / 2
    t = np.zeros((d, d), complex)
    r = np.zeros((d, d), complex)
    for j in np.flatnonzero(is_open):
        inc = np.eye(d)[j] * np.exp(1j * k * xl)
        lhs = np.zeros((2 * d, 2 * d), complex)
        lhs[:, :d] = tm @ np.vstack([np.diag(np.exp(-1j * k * xl)), np.diag(-1j * k * np.exp(-1j * k * xl))])
        lhs[:, d:] = -np.vstack([np.diag(np.exp(1j * k * xr)), np.diag(1j * k * np.exp(1j * k * xr))])
        sol = np.linalg.solve(lhs, -tm @ np.concatenate([inc, 1j * k * inc]))
        flux = np.sqrt(np.abs(k) / abs(k[j]))
        r[:, j] = np.where(is_open, flux * sol[:d], 0)
        t[:, j] = np.where(is_open, flux * sol[d:], 0)
    return t, r


def _s1_ref(energy, e, v, length, mass, hbar=1.0):
    lam, w = eigh(np.diag(e) + v)
    if energy < max(e.max(), lam.max()):
        return np.eye(len(e), dtype=complex), np.zeros((len(e), len(e)), complex)
    kop = w @ np.diag(np.sqrt(2 * mass * (energy - lam)) / hbar) @ w.conj().T
    k = np.sqrt(2 * mass * (energy - e)) / hbar
    t = np.exp(-0.5j * length * (k[:, None] + k[None, :])) * expm(1j * length * kop)
    return t, np.zeros_like(t)


def _map_ref(e, v, length, mass, beta, dx, x0, method, hbar=1.0, dist="effusion"):
    """Eq. (17) as printed: sum_alpha int_{p_inf} dp rho_U(p, pi(p)) sqrt(p/pi(p)) s s*."""
    d = len(e)
    amp = _s1_ref if method == "S1" else _exact_ref
    e_max = max(e.max(), eigh(np.diag(e) + v)[0].max())

    def mu(p):
        if dist == "effusion":  # Eq. (18)
            return beta * p / mass * np.exp(-beta * p**2 / (2 * mass))
        return 2 * np.sqrt(beta / (2 * np.pi * mass)) * np.exp(-beta * p**2 / (2 * mass))

    out = np.zeros((d, d, d, d), complex)
    for j1, k1, j, k in np.ndindex(d, d, d, d):
        dj, dk = e[j1] - e[j], e[k1] - e[k]
        p_inf = np.sqrt(2 * mass * max(0.0, dj, dj - dk))

        def f(p, part, j1=j1, k1=k1, j=j, k=k, dj=dj, dk=dk):
            pi2 = p**2 - 2 * mass * (dj - dk)
            if pi2 <= 0 or p <= 0:
                return 0.0
            pi = np.sqrt(pi2)
            rho_u = mu(0.5 * (p + pi)) * np.exp(-(dx * (p - pi) / hbar) ** 2 / 2 - 1j * (p - pi) * x0 / hbar)
            ta, ra = amp(p**2 / (2 * mass) + e[j], e, v, length, mass, hbar)
            tb, rb = amp(p**2 / (2 * mass) - dj + e[k1], e, v, length, mass, hbar)
            val = rho_u * np.sqrt(p / pi) * (ta[j1, j] * np.conj(tb[k1, k]) + ra[j1, j] * np.conj(rb[k1, k]))
            return val.real if part == 0 else val.imag

        p_top = p_inf + np.sqrt(2 * mass * (50 / beta + 2 * np.abs(e).max()))
        breaks = {np.sqrt(2 * mass * (x - e0)) for x in [*e, e_max] for e0 in (e[j], e[k1] - dj)
                  if 2 * mass * (x - e0) > p_inf**2}
        pts = [p_inf, *sorted(b for b in breaks if b < p_top), p_top]
        for part in (0, 1):
            total = sum(quad(f, a, b, args=(part,), limit=200, epsabs=1e-10, epsrel=1e-8)[0]
                        for a, b in pairwise(pts))
            out[j1, k1, j, k] += total * (1j if part else 1.0)
    return out


def _generator_ref(s, e, rate, hbar=1.0):
    d = len(e)
    comm = np.diag((-1j / hbar) * (e[:, None] - e[None, :]).ravel())
    return comm + rate * (s.reshape(d * d, d * d) - np.eye(d * d))


def _steady_ref(s, e, rate, hbar=1.0):
    d = len(e)
    a = _generator_ref(s, e, rate, hbar)
    a[0] = np.eye(d).ravel()  # replace one (redundant, by TP) row by tr rho = 1
    b = np.zeros(d * d, complex)
    b[0] = 1
    return np.linalg.solve(a, b).reshape(d, d)


def _random_hermitian(rng, d, scale):
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return scale * (a + a.conj().T) / 2


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_amplitudes_agree_with_transfer_matrix_and_expm(seed):
    rng = np.random.default_rng(seed)
    for d in (2, 3, 4):
        e = np.sort(rng.uniform(-2, 2, d))
        v = _random_hermitian(rng, d, rng.uniform(0.1, 1.5))
        length, mass = rng.uniform(0.3, 3), rng.uniform(0.05, 3)
        model = sc.ScatteringModel(energies=e, coupling=v, length=length, mass=mass)
        energies = rng.uniform(e.min() + 0.01, e.max() + 6, 5)  # closed channels included
        exact = sc.amplitudes(model, energies, method="exact")
        s1 = sc.amplitudes(model, energies, method="S1")
        for i, energy in enumerate(energies):
            t, r = _exact_ref(energy, e, v, length, mass)
            # 1e-9: the reference's expm of a 2d x 2d generator with closed channels
            # (growing exponentials e^{kappa L}) loses ~1e-11 relative accuracy.
            np.testing.assert_allclose(exact.transmission[i], t, atol=1e-9)
            np.testing.assert_allclose(exact.reflection[i], r, atol=1e-9)
            t1, _ = _s1_ref(energy, e, v, length, mass)
            np.testing.assert_allclose(s1.transmission[i], t1, atol=1e-12)  # same formula: rounding
            # full S-matrix [[r, t], [t, r]] (f(x) = f(-x)) unitary at open channels
            op = energy > e
            tt, rr = exact.transmission[i][np.ix_(op, op)], exact.reflection[i][np.ix_(op, op)]
            full = np.block([[rr, tt], [tt, rr]])
            np.testing.assert_allclose(full.conj().T @ full, np.eye(2 * op.sum()), atol=1e-10)


def test_exact_amplitudes_time_reversal_symmetric_for_real_coupling():
    rng = np.random.default_rng(4)
    v = _random_hermitian(rng, 3, 0.8).real
    model = sc.ScatteringModel(energies=[-1.0, 0.2, 1.1], coupling=v, length=1.3, mass=0.7)
    amp = sc.amplitudes(model, [0.5, 1.5, 3.0], method="exact")
    # Eq. (19) for a real V in the H_S basis: rounding only.
    assert np.all(sc.microreversibility_residual(amp) < 1e-12)
    assert np.abs(amp.transmission - amp.transmission.transpose(0, 2, 1)).max() < 1e-12


CASES = [
    # (energies, V, L, m, beta, delta_x, x0, hbar, distribution, method)
    ([-0.8, 0.8], 0.7 * np.array([[0, 1 + 1j], [1 - 1j, 0]]), 1.7, 0.4, 0.5, 0.6, -4.0, 1.0, "effusion", "S1"),
    ([-0.5, 0.6], np.array([[0.2, 0.4 - 0.3j], [0.4 + 0.3j, -0.1]]), 0.9, 0.5, 1.3, 1.2, -2.0, 0.7, "maxwell", "S1"),
    pytest.param(([-0.5, 0.6], np.array([[0.2, 0.4 - 0.3j], [0.4 + 0.3j, -0.1]]), 0.9, 0.5, 1.3, 1.2, -2.0, 0.7, "effusion", "exact"), marks=pytest.mark.slow),
]


@pytest.mark.parametrize("case", CASES)
def test_map_agrees_with_printed_eq17_by_adaptive_quadrature(case):
    e, v, length, mass, beta, dx, x0, hbar, dist, method = case
    e = np.asarray(e, float)
    model = sc.ScatteringModel(energies=e, coupling=v, length=length, mass=mass, hbar=hbar)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # validity warning of Eq. (22) is not what is tested
        packet = sc.IncidentPacket(beta=beta, mass=mass, delta_x=dx, x0=x0, distribution=dist, hbar=hbar)
    smap = sc.scattering_map(model, packet, method=method)
    ref = _map_ref(e, v, length, mass, beta, dx, x0, method, hbar, dist)
    # 1e-7: quad runs at epsabs 1e-10, epsrel 1e-8 per piece (about 10 pieces, 2 parts);
    # the package's own error estimate is ~1e-14 here.
    np.testing.assert_allclose(smap.tensor, ref, atol=1e-7)
    assert smap.error < 1e-8


@pytest.fixture(scope="module")
def d3_map():
    rng = np.random.default_rng(11)
    e = np.array([-0.7, 0.15, 0.9])
    model = sc.ScatteringModel(energies=e, coupling=_random_hermitian(rng, 3, 0.6), length=1.2,
                               mass=0.4, hbar=1.3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        packet = sc.IncidentPacket(beta=0.8, mass=0.4, delta_x=0.9, x0=-3.0, hbar=1.3)
    return sc.scattering_map(model, packet, method="exact"), e


def test_steady_state_batched_over_rates_matches_dense_solve(d3_map):
    smap, e = d3_map
    rates = np.array([0.01, 0.3, 2.0, 17.0, 400.0])
    ss = sc.collision_steady_state(smap, e, rates, hbar=1.3)
    for i, rate in enumerate(rates):
        # 1e-12: two direct solves of the same well-conditioned 9 x 9 system.
        np.testing.assert_allclose(ss[i], _steady_ref(smap.tensor, e, rate, 1.3), atol=1e-12)


def test_dephased_fixed_point_is_gibbs_and_limit_of_DS(d3_map):
    smap, e = d3_map
    fp = sc.dephased_fixed_point(smap, e)
    w = np.einsum("aajj->aj", smap.tensor).real  # W[j', j] = S^{jj}_{j'j'}
    vals, vecs = np.linalg.eig(w)
    p = vecs[:, np.argmin(np.abs(vals - 1))].real
    np.testing.assert_allclose(np.diag(fp), p / p.sum(), atol=1e-12)  # eigen-solver rounding
    # Gibbs populations (Eq. 4): effusion + unitary exact S-matrix give global balance even
    # with a complex V; limited by the map's quadrature error (< 1e-8).
    gibbs = np.exp(-0.8 * e) / np.exp(-0.8 * e).sum()
    np.testing.assert_allclose(np.diag(fp), gibbs, atol=1e-8)
    d_s = np.diag(np.eye(3).ravel()) @ smap.tensor.reshape(9, 9)
    rho = np.eye(3) / 3 + 0.2 * (np.ones((3, 3)) - np.eye(3))
    iterated = (np.linalg.matrix_power(d_s, 3000) @ rho.ravel()).reshape(3, 3)
    np.testing.assert_allclose(iterated, fp, atol=1e-9)  # 3000 steps >> 1/(spectral gap)


def test_first_order_expansion_matches_finite_difference_slope(d3_map):
    smap, e = d3_map
    pt = sc.perturbative_steady_state(smap, e, hbar=1.3)
    h = 1e-5
    r1, r2 = _steady_ref(smap.tensor, e, h, 1.3), _steady_ref(smap.tensor, e, 2 * h, 1.3)
    slope = (r2 - r1) / h
    # forward difference: error ~ h * |rho^(2)| ~ 1e-5 * O(0.1)
    np.testing.assert_allclose(pt.first, slope, atol=1e-5)
    np.testing.assert_allclose(pt.zeroth, r1 - h * slope, atol=1e-9)  # O(h^2)
    assert abs(np.trace(pt.first)) < 1e-12


def test_trajectory_average_matches_master_equation(d3_map):
    smap, e = d3_map
    rho0 = np.diag([0.0, 0.0, 1.0]).astype(complex)
    times = np.array([0.7, 2.5, 6.0])
    rate = 1.7
    ens = sc.poisson_trajectories(smap, e, rate, rho0, times, n_realisations=4000,
                                  rng=np.random.default_rng(5), hbar=1.3)
    gen = _generator_ref(smap.tensor, e, rate, 1.3)
    for i, t in enumerate(times):
        exact = (expm(gen * t) @ rho0.ravel()).reshape(3, 3)
        diff, se = ens.mean[i] - exact, ens.standard_error[i]
        for part in (np.real, np.imag):
            mask = part(se) > 1e-12  # real diagonal: imaginary parts are rounding only
            # 4 standard errors from the same run (brief); ~45 z-scores, P(any > 4.5) ~ 3e-4
            assert np.all(np.abs(part(diff))[mask] < 4.5 * part(se)[mask])
            assert np.all(np.abs(part(diff))[~mask] < 1e-12)


def test_bad_input_raises_parameter_error_regressions():
    pk = sc.IncidentPacket.example()
    s = np.eye(4).reshape(2, 2, 2, 2)
    bad = [
        lambda: sc.poisson_trajectories(s, [0.0, 1.0], 1.0, np.full((2, 2), np.nan), [0.0, 1.0],
                                        n_realisations=5, rng=np.random.default_rng(0)),
        lambda: sc.momentum_law(pk, np.nan),
        lambda: sc.packet_density_matrix(pk, [np.nan], [1.0]),
        lambda: sc.packet_density_matrix(pk, [1.0], [np.inf]),
        lambda: sc.momentum_law("packet", 1.0),
        lambda: sc.amplitudes("model", 1.0),
        lambda: sc.microreversibility_residual("amps"),
    ]
    names = ["rho0", "p", "p", "p_prime", "packet", "model", "amps"]
    for call, name in zip(bad, names):
        with pytest.raises(ParameterError, match=name):
            call()
