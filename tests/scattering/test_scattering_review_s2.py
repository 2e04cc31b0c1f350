"""Independent review of the adaptive-bisection fallback of `scattering_map` (Eq. 17 of
Tabanera-Bravo et al., PRL 130, 200402 (2023)).

Long regions (L = 6-15) with exact amplitudes and m = 1-2 have fast oscillations and narrow
Feshbach resonances in the energy: uniform node doubling stops above tol at max_nodes and
the map is finished by bisecting the worst segments (`ScatteringMap.segments` then exceeds
the count of the first pass, read off a tol = 1 run that stops after it).

Own reference: Eq. (17) as printed, in the INCOMING momentum p,

    S^{jk}_{j'k'} = sum_{alpha} int_{p_inf}^inf dp rho_U(p, pi(p)) sqrt(p / pi(p))
                    s^(alpha)_{j'j}(p^2/2m + e_j) conj(s^(alpha)_{k'k}(p^2/2m - D_{j'j} + e_k')),

pi(p)^2 = p^2 - 2m (D_{j'j} - D_{k'k}), p_inf^2/2m = max(0, D_{j'j}, D_{j'j} - D_{k'k}),
D_{ab} = e_a - e_b (the measure sqrt(p/pi) follows from tracing the outgoing momentum q
with q dq = p dp; the printed "P" is p), rho_U(p, p') of Eq. (23) written here from its
definition mu((p+p')/2) exp(-dx^2 (p-p')^2 / 2 - i (p-p') x0) (hbar = 1), integrated by
scipy.integrate.quad (QAGS/QAGP, 21-point Kronrod, up to 4000 adaptive subintervals,
breakpoints at all channel thresholds), complex integrand. Only the amplitudes come from
`thermalize.scattering.amplitudes` (as allowed).

Laws checked on the adaptive results: trace preservation (unitarity of the S-matrix),
Hermiticity preservation, detailed balance Eq. (2) for real V (micro-reversible exact
amplitudes, Eq. 19) and the effusion packet Eq. (18); and its failure for a Maxwell packet.
"""

import math
import warnings

import numpy as np
import pytest
from scipy import integrate

from thermalize.scattering import (
    IncidentPacket,
    ScatteringModel,
    amplitudes,
    scattering_map,
    scattering_maps,
)

# ------------------------------------------------------------------ own reference


def my_rho_u(packet, p, pp):
    pm = 0.5 * (p + pp)
    if pm <= 0:
        return 0.0
    b, m = packet.beta, packet.mass
    if packet.distribution == "effusion":
        mu = b * pm / m * math.exp(-b * pm * pm / (2 * m))
    else:  # half-Maxwell of right-movers, normalised on p > 0
        mu = 2 * math.sqrt(b / (2 * math.pi * m)) * math.exp(-b * pm * pm / (2 * m))
    dp = p - pp
    return mu * np.exp(-0.5 * (packet.delta_x * dp) ** 2 - 1j * dp * packet.x0)


def my_entry(model, packet, idx):
    """(value, quad error estimate) of S[j', k', j, k] by Eq. (17) in p."""
    j1, k1, j, k = idx
    e, m = model.energies, model.mass
    d_jj, d_kk = e[j1] - e[j], e[k1] - e[k]
    p_inf = math.sqrt(2 * m * max(0.0, d_jj, d_jj - d_kk))
    # beyond beta p^2/2m = 45 + beta spread the momentum law is < e^-45 ~ 3e-20
    p_top = math.sqrt(2 * m * (45.0 / packet.beta + e[-1] - e[0])) + 1.0

    def f(p):
        pi = math.sqrt(max(p * p - 2 * m * (d_jj - d_kk), 0.0))
        if pi == 0.0:
            return 0j
        a = amplitudes(
            model, np.array([p * p / (2 * m) + e[j], p * p / (2 * m) - d_jj + e[k1]]), "exact"
        )
        ss = a.transmission[0, j1, j] * np.conj(a.transmission[1, k1, k]) + a.reflection[
            0, j1, j
        ] * np.conj(a.reflection[1, k1, k])
        return my_rho_u(packet, p, pi) * math.sqrt(p / pi) * ss

    # thresholds of every channel, seen from both amplitudes' energies
    cands = [2 * m * (x - e[j]) for x in e] + [2 * m * (x - e[k1] + d_jj) for x in e]
    pts = sorted({math.sqrt(c) for c in cands if p_inf**2 < c and math.sqrt(c) < p_top})
    val, err = integrate.quad(
        f, p_inf, p_top, points=pts or None, limit=4000, epsabs=1e-11, epsrel=0, complex_func=True
    )
    return val, abs(err)


def random_case(seed, d):
    """Random real-coupling model in the adaptive regime, and two packets."""
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((d, d))
    v = 0.5 * (g + g.T) * rng.uniform(0.3, 1.5)
    e = np.sort(rng.uniform(-1, 1, d))
    length, mass = rng.uniform(6, 15), rng.uniform(1, 2)
    model = ScatteringModel(e, v, length, mass)
    beta, dx, x0 = rng.uniform(0.1, 1.0), rng.uniform(0.5, 3), -rng.uniform(3, 12)
    eff = IncidentPacket(beta, mass, dx, x0)
    mxw = IncidentPacket(
        rng.uniform(0.1, 1.0),
        mass,
        rng.uniform(0.5, 3),
        -rng.uniform(3, 12),
        distribution="maxwell",
    )
    return model, eff, mxw


@pytest.fixture(scope="module")
def case_d2():
    """d = 2, L ~ 13.4, m ~ 1.8: effusion and Maxwell packets (different beta) together;
    bisection ends with ~114 segments (10 in the first pass)."""
    model, eff, mxw = random_case(7, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no PhysicsWarning expected at these packets
        maps = scattering_maps(model, [eff, mxw], method="exact")
    first_pass = scattering_map(model, eff, method="exact", tol=1.0).segments
    return model, (eff, mxw), maps, first_pass


@pytest.fixture(scope="module")
def case_d3():
    """d = 3, L ~ 12.0, m ~ 1.4 (narrow resonances: ~47 segments after bisection)."""
    model, eff, _ = random_case(2, 3)
    smap = scattering_map(model, eff, method="exact")
    first_pass = scattering_map(model, eff, method="exact", tol=1.0).segments
    return model, eff, smap, first_pass


def _is_adaptive(smap, first_pass):
    return smap.segments > first_pass and smap.nodes == 96 and smap.error < 1e-8


def test_adaptive_path_is_triggered(case_d2, case_d3):
    """Both set-ups end in the bisection fallback (more segments than the first pass)."""
    assert all(_is_adaptive(s, case_d2[3]) for s in case_d2[2])
    assert _is_adaptive(case_d3[2], case_d3[3])


@pytest.mark.parametrize(
    "which, idx",
    [
        (0, (1, 1, 0, 0)),  # population transfer 0 -> 1 (effusion)
        (0, (0, 1, 0, 0)),  # coherence created from a population (effusion)
        (1, (1, 0, 0, 1)),  # coherence -> coherence (Maxwell packet)
    ],
)
def test_d2_entries_equal_own_quadrature(case_d2, which, idx):
    """|S_adaptive - S_ref| <= S.error + quad error (both error estimates are upper-bound
    style estimates of their own result; observed differences are ~1e-11 << 4e-9)."""
    model, packets, maps, _ = case_d2
    ref, err = my_entry(model, packets[which], idx)
    assert abs(maps[which].tensor[idx] - ref) <= maps[which].error + err + 1e-12, (ref, err)


def test_d3_entry_equals_own_quadrature(case_d3):
    """Same check on the 3-level model, an entry between the two outer levels."""
    model, eff, smap, _ = case_d3
    idx = (2, 2, 0, 0)
    ref, err = my_entry(model, eff, idx)
    assert abs(smap.tensor[idx] - ref) <= smap.error + err + 1e-12, (ref, err)


def _laws(smap, energies, beta):
    s = smap.tensor
    d = energies.size
    tp = np.abs(np.einsum("aajk->jk", s) - np.eye(d)).max()
    herm = np.abs(s - np.conj(s.transpose(1, 0, 3, 2))).max()
    w = np.einsum("aajj->aj", s).real  # W[j', j] = P(j -> j')
    boltz = np.exp(-beta * (energies - energies[0]))
    flow = w * boltz[None, :]
    return tp, herm, np.abs(flow - flow.T).max()


def test_laws_on_adaptive_maps(case_d2, case_d3):
    """TP: sum of d entries each within `error` -> d * error (+ e^-45 tail truncation).
    Hermiticity: exact term by term in any quadrature symmetric in the two branches
    (1e-14, rounding). Detailed balance for the effusion packets: two entries within
    `error` each, Boltzmann factors <= 1 -> 2 * error. The Maxwell packet (same real V) must
    break detailed balance by far more than that (Eq. 18 is a condition, not decoration)."""
    model2, packets, maps, _ = case_d2
    model3, eff3, smap3, _ = case_d3
    for model, pk, smap in ((model2, packets[0], maps[0]), (model3, eff3, smap3)):
        d = model.dimension
        tp, herm, db = _laws(smap, model.energies, pk.beta)
        assert tp <= d * smap.error + 1e-15
        assert herm < 1e-14
        assert db <= 2 * smap.error + 1e-15
    tp, herm, db = _laws(maps[1], model2.energies, packets[1].beta)
    assert herm < 1e-14
    assert db > 1e3 * maps[1].error


def test_maxwell_packet_trace_and_energy_shift_invariance():
    """Regression (found in review: channels read as closed when q^2/2m was below the
    rounding of e_j, so packets with mu(0) > 0 lost ~mu(0) sqrt(2m ulp(e_j)); fixed by
    kinetic energies relative to each level, `amplitudes._channel_kinetic`). Physics:
    S is invariant under H_S -> H_S + c, and TP holds for ANY packet normalised on p > 0
    (unitarity of the S-matrix at each energy). Tolerances: the map's own error estimate
    (d x error for a trace, 2 x error for a difference of two maps)."""
    v = np.array([[0.0, 0.5], [0.5, 0.0]])
    pk = IncidentPacket(1.0, 1.0, 1.0, -5.0, distribution="maxwell")
    maps = [
        scattering_map(ScatteringModel(np.array([0.0, 1.0]) + c, v, 1.0, 1.0), pk, method="exact")
        for c in (0.0, -1000.0)
    ]
    tp = max(np.abs(np.einsum("aajk->jk", m.tensor) - np.eye(2)).max() for m in maps)
    shift = np.abs(maps[0].tensor - maps[1].tensor).max()
    # before the fix: tp ~ 2.7e-7 and shift ~ 2.7e-7 against errors ~ 5e-9; after: ~4e-15
    assert tp <= 2 * max(m.error for m in maps) + 1e-15
    assert shift <= maps[0].error + maps[1].error
