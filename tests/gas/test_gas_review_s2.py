"""Independent review: coherent-state evolution of the spin master equation (Gaida et al.
2025, Eq. 18) for 2J + 1 > 41, where `SpinGasModel.evolve` switches to the band solver.

Own reference: the Lindblad equation

    d rho/dt = -i [omega_S J_z, rho] + sum_k (L_k rho L_k^+ - {L_k^+ L_k, rho}/2),
    L_+ = sqrt(Gamma_+) J_+,  L_- = sqrt(Gamma_-) J_-,

with J_+- built here from <m+1|J_+|m> = sqrt((J-m)(J+m+1)) and the rates from
`model.rates()`, vectorised column-stacking (vec(A X B) = (B^T kron A) vec X) into a sparse
d^2 x d^2 Liouvillian and propagated by `scipy.sparse.linalg.expm_multiply` (the dense expm
of a 2116 x 2116 complex matrix costs ~10 s on two cores; expm_multiply is the same exact
propagator evaluated by a truncated Taylor series with scaling, accurate to ~1e-15 relative).
My Liouvillian is itself checked against the matrix formula applied to a random matrix, and
against a dense scipy expm at a small spin.
"""

import numpy as np
import pytest
from scipy import linalg, sparse
from scipy.sparse.linalg import expm_multiply

from thermalize.gas import SpinGasModel

# ------------------------------------------------------------------ own references


def my_spin_ops(spin):
    d = round(2 * spin) + 1
    m = -spin + np.arange(d)
    jp = np.zeros((d, d))
    for i in range(d - 1):
        jp[i + 1, i] = np.sqrt((spin - m[i]) * (spin + m[i] + 1))
    return np.diag(m), jp, jp.T.copy()


def my_lindblad_rhs(rho, h, ops):
    out = -1j * (h @ rho - rho @ h)
    for a in ops:
        ad = a.conj().T
        out += a @ rho @ ad - 0.5 * (ad @ a @ rho + rho @ ad @ a)
    return out


def my_liouvillian(h, ops):
    """Sparse L with vec(d rho/dt) = L vec(rho), vec = column stacking (order='F')."""
    d = h.shape[0]
    eye = sparse.identity(d, format="csr")
    hs = sparse.csr_matrix(h)
    lv = -1j * (sparse.kron(eye, hs) - sparse.kron(hs.T, eye))
    for a in ops:
        a_s = sparse.csr_matrix(a)
        ada = sparse.csr_matrix(a.conj().T @ a)
        lv = (
            lv
            + sparse.kron(a_s.conj(), a_s)
            - 0.5 * (sparse.kron(eye, ada) + sparse.kron(ada.T, eye))
        )
    return sparse.csr_matrix(lv)


def my_model_parts(model):
    _, jp, jm = my_spin_ops(float(model.spin))
    gp, gm = model.rates()
    h = model.omega_s * my_spin_ops(float(model.spin))[0]
    return h, [np.sqrt(gp) * jp, np.sqrt(gm) * jm]


def my_evolve(model, rho0, times):
    """Exact propagation of vec(rho0) to each time (own Liouvillian, expm_multiply)."""
    h, ops = my_model_parts(model)
    lv = my_liouvillian(h, ops)
    d = h.shape[0]
    v0 = rho0.reshape(-1, order="F").astype(complex)
    out = np.empty((len(times), d, d), dtype=complex)
    for k, t in enumerate(times):
        v = v0 if t == 0 else expm_multiply(lv * t, v0)
        out[k] = v.reshape(d, d, order="F")
    return out


def my_ergotropy(rho, energies):
    """tr(rho H) minus the energy of the passive state (eigenvalues descending onto the
    ascending levels)."""
    lam = np.sort(np.linalg.eigvalsh(0.5 * (rho + rho.conj().T)))[::-1]
    return max(
        0.0, float(np.real(np.sum(np.diag(rho) * energies))) - float(lam @ np.sort(energies))
    )


def random_mixed_state(d, rank, seed, excite=0.0):
    """Random rank-`rank` complex state with coherences everywhere; `excite` tilts weight to
    the top levels so that the ergotropy is not trivially zero."""
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((d, rank)) + 1j * rng.standard_normal((d, rank))
    g *= np.exp(excite * np.linspace(0, 1, d))[:, None]
    r = g @ g.conj().T
    return r / np.trace(r).real


# random models far from the paper's: (spin, omega_S, Delta, T_A, T_M, E_R, Gamma~)
_PRNG = np.random.default_rng(909)


def _random_model(spin, inverted=False):
    omega = float(_PRNG.uniform(0.3, 2.0))
    detuning = (
        float(_PRNG.uniform(0.2, 1.5)) if inverted else float(_PRNG.uniform(-0.25, 1.0) * omega)
    )
    t_a = float(_PRNG.uniform(0.3, 3.0))
    # Eq. (22): inversion needs T_M < Delta T_A / (omega_S + Delta)
    t_m = (
        (0.3 * detuning * t_a / (omega + detuning)) if inverted else float(_PRNG.uniform(0.3, 3.0))
    )
    return SpinGasModel(
        spin=spin,
        omega_s=omega,
        detuning=detuning,
        temperature_internal=t_a,
        temperature_motional=t_m,
        recoil_energy=float(_PRNG.uniform(0.3, 3.0)),
        rate_scale=float(_PRNG.uniform(0.2, 2.0)),
    )


MODELS = [
    _random_model(21),
    _random_model(22.5),
    _random_model(21.5, inverted=True),
    _random_model(37.5),
]


# ------------------------------------------------------------------ self-checks


def test_own_liouvillian_is_the_matrix_formula_and_dense_expm():
    """My vectorisation equals the matrix-form Lindblad RHS on a random matrix (1e-12:
    rounding of sums of O(J^2)-sized products), and expm_multiply equals dense expm at a
    small spin (1e-12: both are double-precision exact propagators)."""
    m = _random_model(3.5)
    h, ops = my_model_parts(m)
    d = h.shape[0]
    rng = np.random.default_rng(1)
    x = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    lv = my_liouvillian(h, ops)
    lhs = (lv @ x.reshape(-1, order="F")).reshape(d, d, order="F")
    np.testing.assert_allclose(lhs, my_lindblad_rhs(x, h, ops), rtol=0, atol=1e-12)
    v = x.reshape(-1, order="F")
    np.testing.assert_allclose(
        expm_multiply(lv * 0.9, v), linalg.expm(lv.toarray() * 0.9) @ v, rtol=0, atol=1e-11
    )


# ------------------------------------------------------------------ the band path


@pytest.mark.parametrize("model", MODELS, ids=lambda m: f"J{m.spin}")
def test_band_evolution_equals_own_lindblad(model):
    """Random full-rank-3 coherent state, unsorted times with a repeat and t = 0. The band
    solver and my Liouvillian agree entrywise to 1e-11 (both exact propagators; the observed
    difference is <= 3e-14, the margin covers expm rounding of generators with norm
    ~Gamma J^2 times t)."""
    d = model.dimension
    assert d > 41  # the band path is the one exercised
    gp, gm = model.rates()
    scale = 1.0 / (max(gp, gm) * d)  # a few relaxation steps of the fastest coherences
    times = scale * np.array([3.0, 0.0, 0.4, 3.0, 11.0, 1.7])
    rho0 = random_mixed_state(d, 3, seed=d)
    got = model.evolve(times, rho0)
    ref = my_evolve(model, rho0, times)
    assert got.shape == (times.size, d, d)
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-11)
    # laws of a CPTP evolution on the returned states: trace one, Hermitian, PSD (1e-10)
    np.testing.assert_allclose(np.trace(got, axis1=1, axis2=2), 1.0, atol=1e-10)
    np.testing.assert_allclose(got, np.conj(np.swapaxes(got, 1, 2)), atol=1e-13)
    assert min(np.linalg.eigvalsh(x).min() for x in got) > -1e-10


def test_band_long_time_is_the_gibbs_state_of_eq21():
    """After many relaxation times, coherences vanish and populations are Gibbs at the
    effective temperature of Eq. (21) (my own Gibbs formula; 1e-8 ~ residual e^{-gap t})."""
    model = MODELS[1]
    d = model.dimension
    gp, gm = model.rates()
    beta = (
        model.omega_a / model.temperature_internal - model.detuning / model.temperature_motional
    ) / model.omega_s
    e = model.omega_s * (-model.spin + np.arange(d))
    g = np.exp(-beta * (e - e.min()) if beta >= 0 else -beta * (e - e.max()))
    g /= g.sum()
    # slowest rate of the birth-death chain ~ |Gamma_- - Gamma_+| (>= min rate); be generous
    t = 60.0 / abs(gm - gp)
    rho = model.evolve([t], random_mixed_state(d, 2, seed=5))[0]
    np.testing.assert_allclose(rho, np.diag(g), rtol=0, atol=1e-8)


@pytest.mark.parametrize("model", [MODELS[0], MODELS[2]], ids=["J21", "J21.5-inverted"])
def test_ergotropy_path_equals_own_ergotropy(model):
    """model.ergotropy for a coherent state equals my ergotropy of my evolved states (1e-10:
    energies are O(omega J) ~ 40, state errors 1e-12). Initial ergotropy is positive
    (excited, coherent state); under inversion the long-time state keeps ergotropy > 0."""
    d = model.dimension
    gp, gm = model.rates()
    times = np.array([0.0, 0.3, 1.0, 5.0, 40.0]) / (max(gp, gm) * d)
    rho0 = random_mixed_state(d, 2, seed=11, excite=4.0)
    e = model.omega_s * (-model.spin + np.arange(d))
    mine = np.array([my_ergotropy(x, e) for x in my_evolve(model, rho0, times)])
    got = model.ergotropy(times, rho0)
    np.testing.assert_allclose(got, mine, rtol=0, atol=1e-10)
    assert mine[0] > 1.0
