"""The scattering map Eq. (17): two quadratures, the measure factor, audits of the laws."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import integrate

from thermalize.scattering import (
    IncidentPacket,
    ScatteringModel,
    amplitudes,
    audit_map,
    packet_density_matrix,
    scattering_map,
    scattering_maps,
)
from thermalize.scattering.maps import _segments


def _entry_p_form(model, packet, idx, method="S1", measure=True):
    """Eq. (17) exactly as printed, integrated in the incoming momentum p with scipy.quad."""
    j1, k1, j, k = idx
    e, m = model.energies, model.mass
    d_jj = e[j1] - e[j]
    d_kk = e[k1] - e[k]
    p_inf = np.sqrt(2 * m * max(0.0, d_jj, d_jj - d_kk))
    p_top = np.sqrt(2 * m * (45.0 / packet.beta + e[-1] - e[0])) + 1.0

    def f(p, part):
        pi = np.sqrt(max(p * p - 2 * m * (d_jj - d_kk), 0.0))
        if pi == 0.0:
            return 0.0
        a1 = amplitudes(model, p * p / (2 * m) + e[j], method)
        a2 = amplitudes(model, p * p / (2 * m) - d_jj + e[k1], method)
        ss = (a1.transmission[j1, j] * np.conj(a2.transmission[k1, k])
              + a1.reflection[j1, j] * np.conj(a2.reflection[k1, k]))
        fac = np.sqrt(p / pi) if measure else 1.0
        val = complex(packet_density_matrix(packet, p, pi)) * fac * ss
        return val.real if part == 0 else val.imag

    # break points: the (S1) jump seen from both amplitudes, and the channel thresholds
    cands = [2 * m * (model.e_max - e[j]), 2 * m * (model.e_max - e[k1] + d_jj)]
    cands += [2 * m * (x - e[j]) for x in e] + [2 * m * (x - e[k1] + d_jj) for x in e]
    pts = sorted({np.sqrt(c) for c in cands if c > p_inf**2 and np.sqrt(c) < p_top})
    out = [integrate.quad(f, p_inf, p_top, args=(part,), points=pts or None, limit=400,
                          epsabs=1e-12, epsrel=1e-10)[0] for part in (0, 1)]
    return out[0] + 1j * out[1]


@pytest.mark.parametrize("method", ["S1", pytest.param("exact", marks=pytest.mark.slow)])
def test_map_agrees_with_independent_p_quadrature(method):
    """Our outgoing-momentum Gauss quadrature vs Eq. (17) as printed with adaptive quad."""
    model, packet = ScatteringModel.example(), IncidentPacket.example()
    smap = scattering_map(model, packet, method=method)
    for idx in [(0, 0, 0, 0), (1, 1, 0, 0), (0, 1, 0, 0), (1, 0, 0, 0), (0, 1, 1, 1),
                (0, 1, 0, 1), (1, 0, 0, 1), (1, 1, 0, 1)]:
        ref = _entry_p_form(model, packet, idx, method)
        # quad epsabs 1e-12 on each part; integrable 1/sqrt endpoint: allow 1e-7
        assert abs(smap.tensor[idx] - ref) < 1e-7, idx


def test_measure_factor_makes_the_map_hermiticity_preserving():
    """S[j1,k1,j,k] = conj S[k1,j1,k,j] needs sqrt(p/pi(p)); dropping it breaks the law."""
    model, packet = ScatteringModel.example(), IncidentPacket.example()
    good = [_entry_p_form(model, packet, i) for i in [(0, 1, 0, 0), (1, 0, 0, 0)]]
    bad = [_entry_p_form(model, packet, i, measure=False) for i in [(0, 1, 0, 0), (1, 0, 0, 0)]]
    assert abs(good[0] - np.conj(good[1])) < 1e-8  # quad tolerance
    assert abs(bad[0] - np.conj(bad[1])) > 1e-4  # O(m Delta/p^2) Jacobian error


@pytest.mark.parametrize("method", ["S1", "exact"])
def test_paper_map_laws(method):
    """TP, Hermiticity, CP (Choi), detailed balance Eq. (2) for effusion; the map alone does
    not keep the Gibbs state (it creates coherences)."""
    model, packet = ScatteringModel.example(), IncidentPacket.example()
    smap = scattering_map(model, packet, method=method)
    audit = audit_map(smap, model.energies, beta=packet.beta)
    tol = 10 * smap.error + 1e-12  # quadrature error estimate, with a factor 10 margin
    assert audit.trace < tol
    assert audit.hermiticity < 1e-14  # exact term by term in the q-form
    assert audit.choi_min_eigenvalue > -tol
    assert audit.detailed_balance < tol
    assert audit.coherence_generation > 0.05
    assert audit.gibbs_defect > 1e-3


def test_detailed_balance_fails_for_maxwell_packets():
    """Eq. (18) (effusion) is needed: a Maxwell packet breaks Eq. (2) far beyond quadrature."""
    model = ScatteringModel.example()
    eff, mxw = scattering_maps(model, [IncidentPacket(0.1, 0.1, 1.0, -10.0),
                                       IncidentPacket(0.1, 0.1, 1.0, -10.0, "maxwell")])
    assert audit_map(eff, model.energies, 0.1).detailed_balance < 10 * eff.error + 1e-12
    assert audit_map(mxw, model.energies, 0.1).detailed_balance > 1e-4
    assert audit_map(mxw, model.energies, 0.1).trace < 10 * mxw.error + 1e-12  # still TP


def test_error_estimate_bounds_the_true_error():
    """The two-resolution estimate is an upper bound of the error against a fine reference."""
    model = ScatteringModel(np.array([-0.2, 0.3, 0.9]), np.array(
        [[0.3, 0.8, 0.1], [0.8, -0.5, 0.6], [0.1, 0.6, 0.2]]), length=1.5, mass=0.2)
    packet = IncidentPacket(0.4, 0.2, 0.7, -3.0)
    coarse = scattering_map(model, packet, method="exact", nodes=6)
    ref = scattering_map(model, packet, method="exact", nodes=64)
    true_err = np.max(np.abs(coarse.tensor - ref.tensor))
    assert true_err <= coarse.error
    assert ref.error < 1e-10


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**31), d=st.integers(2, 3), beta=st.floats(0.05, 3.0),
       delta_x=st.floats(0.3, 5.0), method=st.sampled_from(["S1", "exact"]))
@example(seed=3, d=3, beta=1.0, delta_x=1.0, method="exact")  # resonance case above
def test_random_real_coupling_map_laws(seed, d, beta, delta_x, method):
    """Any time-reversal-symmetric (real) V and effusion packet: TP, Hermitian, detailed balance."""
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((d, d))
    model = ScatteringModel(np.sort(rng.uniform(-1, 1, d)) + np.arange(d) * 0.05, g + g.T,
                            length=rng.uniform(0.5, 2.0), mass=rng.uniform(0.1, 1.0))
    packet = IncidentPacket(beta, model.mass, delta_x, -5.0)
    # a random real V can bind a closed channel and give a narrow Feshbach resonance in the
    # open ones (seed=3, d=3: |dt/dE| ~ 350 at E = -0.29): uniform node doubling would need
    # ~3000 nodes per segment; past max_nodes adaptive bisection resolves it (18 segments)
    smap = scattering_map(model, packet, method=method, nodes=24)
    audit = audit_map(smap, model.energies, beta)
    tol = 10 * smap.error + 1e-10  # quadrature estimate with margin
    assert audit.trace < tol
    assert audit.hermiticity < 1e-13
    assert audit.detailed_balance < tol


def test_random_complex_coupling_d3_audits():
    """d = 3, random complex V (a phase loop: no time-reversal symmetry): the map is TP and
    Hermiticity preserving but breaks detailed balance; with a narrow packet, whose rho_U of
    Eq. (23) is far from positive, it is not even CP, while a wide packet gives a CP map."""
    rng = np.random.default_rng(6)
    g = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    model = ScatteringModel(np.array([-0.4, 0.1, 0.7]), 0.5 * (g + g.conj().T), 1.0, 0.2)
    narrow, wide = scattering_maps(model, [IncidentPacket(0.5, 0.2, 0.8, -6.0),
                                           IncidentPacket(0.5, 0.2, 10.0, -6.0)], method="exact")
    a_narrow = audit_map(narrow, model.energies, 0.5)
    a_wide = audit_map(wide, model.energies, 0.5)
    tol = 10 * max(narrow.error, wide.error) + 1e-12  # quadrature estimate with margin
    assert a_narrow.trace < tol and a_wide.trace < tol
    assert a_narrow.hermiticity < 1e-14
    assert a_narrow.detailed_balance > 1e-2  # Eq. (19) fails, so Eq. (2) fails
    assert a_narrow.choi_min_eigenvalue < -100 * tol  # not CP
    assert a_wide.choi_min_eigenvalue > 100 * tol  # CP


def test_adaptive_bisection_resolves_narrow_resonances():
    """Exact amplitudes of a long region (L = 8, m = 1) have narrow transmission resonances:
    uniform doubling stops above tol at max_nodes, adaptive bisection converges. Checked by
    laws and by an independent, finer-toleranced uniform run."""
    model = ScatteringModel(
        np.array([0.0, 0.6]), np.array([[0.0, 1.0], [1.0, 0.0]]), length=8.0, mass=1.0
    )
    packet = IncidentPacket(0.1, 1.0, 1.0, -10.0)
    smap = scattering_map(model, packet, method="exact")
    initial = len(_segments(model, 0.1, "exact")[0])
    assert smap.error < 1e-8 and smap.segments > initial  # bisection did the work
    # trace preservation and Hermiticity are laws of Eq. (17), independent of the estimate
    assert np.abs(np.einsum("aajk->jk", smap.tensor) - np.eye(2)).max() < 1e-12
    t = smap.tensor
    assert np.abs(t - np.conj(t.transpose(1, 0, 3, 2))).max() < 1e-14
    uniform = scattering_map(model, packet, method="exact", nodes=96, max_nodes=3072, tol=1e-6)
    assert uniform.segments == initial
    # both are fine-rule results with their own (over-)estimates: they must agree within them
    assert np.abs(smap.tensor - uniform.tensor).max() < smap.error + uniform.error


def test_quadrature_refines_or_raises():
    """A far packet (|x0| = 1000: phase (p - p') x0 oscillates fast) needs more nodes: they
    are doubled until the estimate is below tol, or ConvergenceError says what to change."""
    from thermalize.errors import ConvergenceError

    model = ScatteringModel.example()
    far = IncidentPacket(0.1, 0.1, 1.0, -1000.0)
    smap = scattering_map(model, far, nodes=48)
    assert smap.error < 1e-8 and smap.nodes > 96
    with pytest.raises(ConvergenceError, match="max_nodes"):
        scattering_map(model, far, nodes=8, max_nodes=32)
