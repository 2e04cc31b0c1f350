"""Laws of Lindblad full counting statistics (thermalize.counting)."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from thermalize.counting import (
    CountingModel,
    counting_distribution,
    generating_function,
    rate_function,
    scaled_cumulants,
    scgf,
)
from thermalize.errors import ParameterError
from thermalize.superop import liouvillian, steady_state

LEVELS = np.array([0.0, 1.0, 2.5])
BETA_HOT, BETA_COLD = 0.4, 1.5


def _ket_bra(i, j, d=3):
    op = np.zeros((d, d))
    op[i, j] = 1.0
    return op


def three_level(beta_hot=BETA_HOT, beta_cold=BETA_COLD, *, sparse=False, levels=LEVELS):
    """Three-level system: 0<->2 sees the hot bath, 0<->1 and 1<->2 the cold one.

    Down rates g, up rates g exp(-beta dE) (local detailed balance per transition); the
    counted quantity is the energy the system takes from the hot bath (one jump 0->2: +2.5).
    """
    ops, rates, hot, cold = [], [], {}, {}
    for (lo, hi, beta, g, tag) in ((0, 2, beta_hot, 1.0, hot), (0, 1, beta_cold, 0.7, cold),
                                   (1, 2, beta_cold, 1.3, cold)):
        de = levels[hi] - levels[lo]
        tag[len(ops)] = de          # up: the system takes de from the bath
        ops.append(_ket_bra(hi, lo))
        rates.append(g * np.exp(-beta * de))
        tag[len(ops)] = -de
        ops.append(_ket_bra(lo, hi))
        rates.append(g)
    if sparse:
        ops = [sp.csr_matrix(o) for o in ops]
    h = sp.diags(levels) if sparse else np.diag(levels)
    return CountingModel(h, ops, rates, {"hot": hot, "cold": cold})


def _classical_rates(model):
    """W[i, j] = rate j -> i (textbook rate matrix of the same jumps)."""
    w = np.zeros((3, 3))
    for g, op in zip(model.rates, model.jump_ops):
        i, j = np.argwhere(np.abs(op.toarray() if sp.issparse(op) else op) > 0)[0]
        w[i, j] += g
    return w


def test_first_cumulant_equals_steady_state_current():
    m = three_level()
    # independent steady state: dense core solve of the same Lindblad generator
    rho = steady_state(liouvillian(np.diag(LEVELS), [np.asarray(o) for o in m.jump_ops], m.rates))
    p = np.real(np.diag(rho))
    w = _classical_rates(m)
    hot_current = 2.5 * (w[2, 0] * p[0] - w[0, 2] * p[2])
    c = scaled_cumulants(m)
    # steady-state solves of a well-conditioned 9x9 system: rounding only
    assert abs(c.currents[0] - hot_current) < 1e-12
    assert abs(c.currents[0] + c.currents[1]) < 1e-12  # energy conservation in the long run
    assert hot_current > 0  # heat flows from the hot bath into the cold one


def test_cumulants_match_contour_integral_of_dense_eigenvalues():
    """Independent route: Cauchy integral of the dense eigenvalue lambda(s) on a circle."""
    m = three_level()
    c = scaled_cumulants(m, order=4)
    radius, n = 0.2, 64
    z = radius * np.exp(2j * np.pi * np.arange(n) / n)
    lam = np.array([scgf(m, [-1j * s, 0.0]) for s in z])  # chi = -i s
    # kappa_k = k!/(2 pi i) oint lambda(s)/s^{k+1} ds (trapezoid on the circle)
    from math import factorial

    ref = [factorial(k) * np.mean(lam * z**-k).real for k in range(1, 5)]
    # trapezoid error ~ (radius/R)^n with R ~ 1 the nearest branch point: < 1e-12 scaled
    np.testing.assert_allclose(c.cumulants[0], ref, rtol=1e-8, atol=1e-10)
    # covariance by a mixed central difference of the dense SCGF: O(h^2) = 1e-6 relative
    h = 1e-3

    def lam2(s1, s2):
        return scgf(m, [-1j * s1, -1j * s2]).real

    mixed = (lam2(h, h) - lam2(h, -h) - lam2(-h, h) + lam2(-h, -h)) / (4 * h * h)
    assert abs(c.covariance[0, 1] - mixed) < 1e-5 * abs(mixed)


def test_gallavotti_cohen_symmetry_of_hot_heat():
    """lambda(chi) = lambda(-chi + i (beta_c - beta_h)): exact for the counted hot heat."""
    m = three_level()
    aff = BETA_COLD - BETA_HOT
    for chi in (0.3, -0.8, 1.7, 0.2 + 0.1j, -0.5j):
        a = scgf(m, [chi, 0.0])
        b = scgf(m, [-chi + 1j * aff, 0.0])
        # same spectrum, two dense 9x9 eigenvalue solves: rounding only
        assert abs(a - b) < 1e-12


def test_gallavotti_cohen_fails_at_wrong_affinity():
    m = three_level()
    a, b = scgf(m, [0.5, 0.0]), scgf(m, [-0.5 + 1j * 0.5 * (BETA_COLD - BETA_HOT), 0.0])
    assert abs(a - b) > 1e-3  # the law is not trivially satisfied


def test_thermodynamic_uncertainty_relation():
    m = three_level()
    c = scaled_cumulants(m)
    # Schnakenberg entropy production from the textbook rate matrix (independent of FCS)
    w = _classical_rates(m)
    p = np.real(np.diag(m.steady_state()))
    sigma = sum(
        (w[i, j] * p[j] - w[j, i] * p[i]) * np.log(w[i, j] * p[j] / (w[j, i] * p[i]))
        for i in range(3) for j in range(i)
    )
    assert abs(sigma - (BETA_COLD - BETA_HOT) * c.currents[0]) < 1e-12
    for a in range(2):
        assert c.noise[a] / c.currents[a] ** 2 >= 2.0 / sigma
    assert np.all(c.tur_residual(sigma) > 0)


def test_rate_function_zero_at_mean_and_gallavotti_cohen():
    m = three_level()
    aff = BETA_COLD - BETA_HOT
    u = np.linspace(0.0, 1.0, 11)
    s_grid = np.concatenate([-aff / 2 - u[::-1], -aff / 2 + u[1:]])
    rf = rate_function(m, s_grid, weights=[1.0, 0.0])
    mean = scaled_cumulants(m).currents[0]
    assert abs(float(rate_function(m, [0.0], weights=[1, 0]).rate[0])) < 1e-13
    assert abs(float(rate_function(m, [0.0], weights=[1, 0]).current[0]) - mean) < 1e-12
    assert np.all(rf.rate >= -1e-13)
    # mirror points s <-> -A - s: x -> -x and I(-x) - I(x) = A x (rounding of 9x9 eig)
    np.testing.assert_allclose(rf.current, -rf.current[::-1], atol=1e-10)
    np.testing.assert_allclose(rf.rate[::-1] - rf.rate, aff * rf.current, atol=1e-10)


def test_sparse_inputs_give_the_same_statistics():
    dense, sparse = three_level(), three_level(sparse=True)
    a, b = scaled_cumulants(dense), scaled_cumulants(sparse)
    np.testing.assert_allclose(a.cumulants, b.cumulants, rtol=1e-12, atol=1e-14)
    assert abs(scgf(dense, [0.4, 0.1]) - scgf(sparse, [0.4, 0.1])) < 1e-13


def test_counting_distribution_matches_gillespie_simulation():
    """Net hot quanta at time t: DFT of the tilted propagator vs a direct jump simulation."""
    m = three_level()
    t_end = 3.0
    p0 = np.array([1.0, 0.0, 0.0])
    dist = counting_distribution(m, np.diag(p0), [t_end], support=(-30, 30), weights=[1 / 2.5, 0])
    w = _classical_rates(m)
    rng = np.random.default_rng(7)
    n_runs = 20000
    counts = np.zeros(n_runs, dtype=int)
    for r in range(n_runs):
        x, t, n = 0, 0.0, 0
        while True:
            out = w[:, x].copy()
            total = out.sum()
            t += rng.exponential(1.0 / total)
            if t > t_end:
                break
            y = rng.choice(3, p=out / total)
            if {x, y} == {0, 2}:
                n += 1 if y == 2 else -1
            x = y
        counts[r] = n
    emp = np.array([(counts == k).mean() for k in dist.counts])
    p = np.clip(dist.probabilities[0], 0.0, 1.0)  # DFT rounding can give -1e-16
    # binomial standard error; 5 sigma (+1e-4 for bins with tiny p) never fails by chance
    assert np.all(np.abs(emp - p) <= 5 * np.sqrt(p * (1 - p) / n_runs) + 1e-4)
    assert abs(p.sum() - 1) < 1e-12
    assert p[dist.counts < -10].max() < 1e-12  # support wide enough: no aliasing


def test_generating_function_grows_with_scaled_cumulant_rate():
    """ln G(chi, t)/t -> lambda(chi) at long times."""
    m = three_level()
    chi = np.array([[0.3, 0.0]])
    rho = np.diag([1.0, 0.0, 0.0])
    g = generating_function(m, rho, [40.0, 80.0], chi)[:, 0]
    slope = (np.log(g[1]) - np.log(g[0])) / 40.0
    # the difference of two long times cancels the O(1/t) prefactor; the gap ~ 1 makes
    # the subleading mode e^{-40} negligible
    assert abs(slope - scgf(m, chi[0])) < 1e-10


@pytest.mark.parametrize(
    ("counting", "match"),
    [
        ({"hot": {7: 1.0}}, "does not exist"),
        ({"hot": [1.0, 2.0]}, "one quantum per jump"),
        ({}, "non-empty mapping"),
        ({"hot": {0: "x"}}, "counting"),
    ],
)
def test_bad_counting_specification(counting, match):
    with pytest.raises(ParameterError, match=match):
        CountingModel(np.diag(LEVELS), [_ket_bra(2, 0)], [1.0], counting)


def test_bad_shapes_and_fields():
    with pytest.raises(ParameterError, match="shape"):
        CountingModel(np.diag(LEVELS), [np.eye(2)], [1.0], {"a": {0: 1}})
    with pytest.raises(ParameterError, match="jump_ops: expected a sequence"):  # NumPy's
        CountingModel(np.diag(LEVELS), np.array(2.0), [1.0], {"a": {0: 1}})  # 0-d iteration
    with pytest.raises(ParameterError, match="rates has"):
        CountingModel(np.diag(LEVELS), [np.eye(3)], [1.0, 2.0], {"a": {0: 1}})
    with pytest.raises(ParameterError, match="Hermitian"):
        CountingModel(np.triu(np.ones((3, 3))), [np.eye(3)], [1.0], {"a": {0: 1}})
    m = three_level()
    with pytest.raises(ParameterError, match="chi must have shape"):
        scgf(m, [0.1, 0.2, 0.3])
    with pytest.raises(ParameterError, match="integer quanta"):
        counting_distribution(m, np.diag([1.0, 0, 0]), [1.0], support=(-3, 3), weights=[1, 0])
    with pytest.raises(ParameterError, match="weights is required"):
        rate_function(m, [0.0])
    with pytest.raises(ParameterError, match="unit-trace"):
        generating_function(m, np.eye(3), [1.0], [[0.0, 0.0]])
    with pytest.raises(ParameterError, match="order=0"):
        scaled_cumulants(m, order=0)
    with pytest.raises(ParameterError, match="widen the s grid"):
        rate_function(m, [-0.1, 0.1], weights=[1, 0])(100.0)
    with pytest.raises(ParameterError, match="CountingModel"):
        scaled_cumulants("model")


def test_non_unique_steady_state_is_reported():
    m = CountingModel(np.zeros((2, 2)), [np.zeros((2, 2))], [1.0], {"a": {0: 1}})
    with pytest.raises(ParameterError, match="unique"):
        scaled_cumulants(m)


def test_large_liouville_space_routes():
    """d^2 > 1024: ARPACK SCGF and expm_multiply propagation (the sparse paths)."""
    from thermalize.gas import SpinGasModel
    from thermalize.gas.fluctuations import spin_counting_model

    hot = SpinGasModel.from_paper(spin=16, D=4.0, A=3.0)
    cold = SpinGasModel.from_paper(spin=16, D=1.0, A=3.0)
    cm = spin_counting_model(hot, cold)  # d = 33, Liouville dimension 1089
    c = scaled_cumulants(cm, order=5)
    chi = 0.01
    taylor = sum(c.cumulants[0, n] * (1j * chi) ** (n + 1) / np.prod(np.arange(1, n + 2))
                 for n in range(5))
    # Taylor remainder kappa_6 chi^6/720 ~ 1e-15; ARPACK converges to ~1e-12 relative
    assert abs(scgf(cm, [chi, 0.0]) - taylor) < 1e-10
    # populations decouple from coherences in Eq. (18): a coherent start counts like its diagonal
    d = cm.dimension
    rng = np.random.default_rng(3)
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    rho = a @ a.conj().T
    rho /= np.trace(rho)
    fields = [[0.4, 0.0], [0.0, -1.0]]
    g_full = generating_function(cm, rho, [0.5, 2.0], fields)  # full Liouville route
    g_pop = generating_function(cm, np.diag(np.diag(rho)), [0.5, 2.0], fields)  # populations
    # expm_multiply tolerance ~1e-15 per step relative to |G| <= 1
    np.testing.assert_allclose(g_full, g_pop, atol=1e-10)


def test_base_generator_and_qobj_inputs_give_the_same_statistics():
    """A ready generator (dense, sparse) with only the counted channels listed, or Qobj input."""
    full = three_level()
    hot_ops = [np.asarray(full.jump_ops[k].toarray() if sp.issparse(full.jump_ops[k])
                          else full.jump_ops[k]) for k in (0, 1)]
    gen = liouvillian(np.diag(LEVELS), [np.asarray(o) for o in full.jump_ops], full.rates)
    ref = scaled_cumulants(full).cumulants[0]
    for base in (gen, sp.csr_matrix(gen)):
        m = CountingModel(None, hot_ops, full.rates[:2], {"hot": [2.5, -2.5]},
                          base_generator=base)
        # the same sparse recursion on the same numbers: rounding only
        np.testing.assert_allclose(scaled_cumulants(m).cumulants[0], ref, rtol=1e-12, atol=1e-14)
    qutip = pytest.importorskip("qutip")
    q = CountingModel(qutip.Qobj(np.diag(LEVELS)),
                      [qutip.Qobj(np.asarray(o)) for o in full.jump_ops],
                      full.rates, {"hot": full.quanta[0]})
    np.testing.assert_allclose(scaled_cumulants(q).cumulants[0], ref, rtol=1e-12, atol=1e-14)
    with pytest.raises(ParameterError, match="not trace preserving"):
        CountingModel(None, hot_ops, [1.0, 1.0], {"hot": [1, -1]}, base_generator=np.eye(9))
    with pytest.raises(ParameterError, match="base_generator must have shape"):
        CountingModel(np.diag(LEVELS), hot_ops, [1.0, 1.0], {"hot": [1, -1]},
                      base_generator=np.zeros((4, 4)))


def test_distribution_symmetry_residual_from_gibbs_start():
    """Exchange FT P(n)/P(-n) = e^{(beta_0 - beta) omega n} of a spin in one gas (see gas tests)."""
    from thermalize.gas import SpinGasModel
    from thermalize.gas.fluctuations import spin_counting_model
    from thermalize.quantum import gibbs_populations

    model = SpinGasModel.from_paper(spin=3, D=2.0, A=1.0)
    cm = spin_counting_model(model)
    beta_0 = 0.7
    rho = np.diag(gibbs_populations(model.energies(), beta_0))
    dist = counting_distribution(cm, rho, [0.5, 5.0], support=(-6, 6))
    aff = (beta_0 - model.effective_inverse_temperature()) * model.omega_s
    # DFT rounding ~1e-15 absolute; entries >= 1e-8 give relative errors <= 1e-6
    assert np.all(dist.symmetry_residual(aff, floor=1e-8) < 1e-6)
    assert np.all(dist.symmetry_residual(aff + 0.3, floor=1e-8) > 1e-2)
    # n = m(t) - m(0): the mean from the rate equation (uniformization), independent of FCS
    p0 = np.diag(rho)
    m_values = model.energies() / model.omega_s
    np.testing.assert_allclose(dist.mean(), model.populations([0.5, 5.0], p0) @ m_values
                               - p0 @ m_values, atol=1e-12)
    assert np.all(dist.variance() > 0)
    ds = dist.to_dataset()
    assert {"long_name", "units", "symbol"} <= set(ds.probability.attrs)
    np.testing.assert_allclose(ds.probability.sum("count"), 1.0, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(
    beta_hot=st.floats(0.05, 2.0),
    beta_cold=st.floats(0.05, 3.0),
    gap=st.floats(0.2, 2.0),
)
def test_gallavotti_cohen_and_tur_for_any_two_temperatures(beta_hot, beta_cold, gap):
    """Any temperatures and level spacing: the symmetry is exact and the TUR holds."""
    m = three_level(beta_hot, beta_cold, levels=np.array([0.0, gap, 2.5]))
    aff = beta_cold - beta_hot
    a, b = scgf(m, [0.7, 0.0]), scgf(m, [-0.7 + 1j * aff, 0.0])
    assert abs(a - b) < 1e-11 * max(1.0, abs(a))  # 9x9 eigenvalues: rounding only
    c = scaled_cumulants(m)
    sigma = aff * c.currents[0]
    assert sigma >= -1e-14  # second law
    if sigma > 1e-9:  # the TUR is 0/0 at equal temperatures
        assert np.all(c.tur_residual(sigma) > -1e-9)


def test_model_pickles_after_use():
    """Sweeps send models to worker processes: the cached LU must not block pickling."""
    import pickle

    m = three_level()
    ref = scaled_cumulants(m).cumulants  # fills the cache (SuperLU is not picklable)
    again = pickle.loads(pickle.dumps(m))
    np.testing.assert_allclose(scaled_cumulants(again).cumulants, ref, rtol=1e-13, atol=1e-15)
