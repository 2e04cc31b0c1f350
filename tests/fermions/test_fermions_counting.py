"""Counting statistics of finite fermion baths (issue 19, item 5): laws and many-body references.

The references are exact many-body computations in the Fock space (QuTiP, Jordan-Wigner) of
models with K = 2..3 levels per bath: they share nothing with the determinant formulas but
the single-particle Hamiltonian and the initial correlation matrix.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import expm

from thermalize.errors import ParameterError
from thermalize.fermions import (
    CorrelationEvolver,
    QuadraticModel,
    entropy_production,
    gibbs_correlation_matrix,
    single_electron_transistor,
)
from thermalize.fermions.counting import (
    bath_number_distribution,
    bath_number_energy_distribution,
    energy_lattice,
    poisson_binomial,
)
from thermalize.fermions.exchange import exchange_fluctuation_check
from thermalize.fermions.transfer import TransferStatistics

qt = pytest.importorskip("qutip")

# Many-body references: expm of a <= 128-dimensional Hamiltonian and sums of <= 2^14 terms
# are exact to ~1e-14; 1e-11 leaves three orders of margin.
MB_TOL = 1e-11


class ManyBody:
    """Fock-space model of a QuadraticModel with a Gaussian initial state (Jordan-Wigner)."""

    def __init__(self, model: QuadraticModel, c0: np.ndarray):
        n = model.n_modes
        h = model.single_particle_hamiltonian
        self.c = [qt.fdestroy(n, i) for i in range(n)]
        self.model = model
        self.H = self.quadratic(h)
        # rho = exp(-c^dag K c)/Z with n = C^T = 1/(e^K + 1), i.e. K = log((1 - n)/n)
        occ, q = np.linalg.eigh(np.asarray(c0).T)
        kmat = (q * np.log((1 - occ) / occ)) @ q.conj().T
        rho = (-self.quadratic(kmat)).expm()
        self.rho = rho / rho.tr()

    def quadratic(self, mat):
        c = self.c
        n = len(c)
        return sum(mat[i, j] * c[i].dag() * c[j] for i in range(n) for j in range(n) if mat[i, j] != 0)

    def charge(self, label, energy=False):
        idx = self.model.modes(label)
        h = self.model.single_particle_hamiltonian
        mat = np.zeros_like(h)
        mat[np.ix_(idx, idx)] = h[np.ix_(idx, idx)] if energy else np.eye(idx.size)
        return self.quadratic(mat)

    def propagator(self, t):
        return (-1j * self.H * t).expm()


def _random_model(rng, k=2):
    """System of one mode and two baths of k modes each, complex Hermitian h."""
    n = 1 + 2 * k
    a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    return QuadraticModel(0.5 * (a + a.conj().T), {"system": [0], "L": list(range(1, 1 + k)),
                                                  "R": list(range(1 + k, n))})


def test_bath_number_and_joint_laws_match_many_body_density_matrix():
    """p(N_L; t) and p(N_L, E_L; t) from determinants equal the Fock-space diagonal of rho(t)."""
    model = single_electron_transistor((3, 2), bandwidth=2.0, coupling=[1.5, 0.7], dot_energy=0.3)
    c0 = gibbs_correlation_matrix(model, [1.0, 3.0], [0.2, -0.4], system_occupation=0.3)
    mb = ManyBody(model, c0)
    t = 2.3
    u = mb.propagator(t)
    diag = np.real(np.diag((u * mb.rho * u.dag()).full()))
    nl = np.rint(np.real(np.diag(mb.charge("L").full()))).astype(int)
    el = np.real(np.diag(mb.charge("L", energy=True).full()))
    ref = np.bincount(nl, weights=diag, minlength=4)
    got = bath_number_distribution(model, c0, [t], "L")
    np.testing.assert_allclose(got.probabilities[0], ref, atol=MB_TOL)
    joint = bath_number_energy_distribution(model, c0, t, "L")
    assert joint.exact
    e = joint.energies
    for n_val in range(4):
        for m in range(joint.probabilities.shape[1]):
            sel = (nl == n_val) & (np.abs(el - e[n_val, m]) < 1e-9)
            assert joint.probabilities[n_val, m] == pytest.approx(diag[sel].sum(), abs=MB_TOL)


def test_transfer_generating_function_matches_two_point_measurement_complex_h():
    """G(lambda, xi) = tr[rho U^+ e^{iA} U e^{-iA}] in Fock space, complex h, non-trivial local basis."""
    rng = np.random.default_rng(7)
    model = _random_model(rng)
    assert not model.is_locally_diagonal
    c0 = gibbs_correlation_matrix(model, [0.7, 1.3], [0.1, -0.3], system_occupation=0.4)
    mb = ManyBody(model, c0)
    t = 0.9
    u = mb.propagator(t)
    fcs = TransferStatistics(model, c0, t, ["L", "R", "system"])
    h = fcs.reduced_matrix  # Hermitian with spectrum in [0, 1] (docs/physics.md derivation)
    assert np.abs(h - h.conj().T).max() < 1e-13
    y = np.linalg.eigvalsh(h)
    assert y.min() > -1e-12 and y.max() < 1 + 1e-12
    charges = {p: (mb.charge(p), mb.charge(p, energy=True)) for p in ("L", "R", "system")}
    for _ in range(3):
        lam = {p: rng.normal() for p in charges}
        xi = {p: rng.normal() for p in charges}
        a = sum(lam[p] * charges[p][0] + xi[p] * charges[p][1] for p in charges)
        ref = (mb.rho * u.dag() * (1j * a).expm() * u * (-1j * a).expm()).tr()
        assert fcs.characteristic_function(lam, xi) == pytest.approx(ref, abs=MB_TOL)


def test_transfer_distributions_match_fock_space_two_point_sums():
    """p(dN_L) and p(dN_L, dE_L): sums of |<a_t|U|a_0>|^2 rho(a_0) over Fock configurations."""
    model = single_electron_transistor(3, bandwidth=2.0, coupling=1.2, dot_energy=-0.2)
    c0 = gibbs_correlation_matrix(model, [2.0, 0.5], [0.3, -0.1], system_occupation=0.6)
    mb = ManyBody(model, c0)
    t = 1.7
    uf = mb.propagator(t).full()
    p0 = np.real(np.diag(mb.rho.full()))
    nl = np.rint(np.real(np.diag(mb.charge("L").full()))).astype(int)
    el = np.real(np.diag(mb.charge("L", energy=True).full()))
    w = np.abs(uf) ** 2 * p0[None, :]  # w[a_t, a_0]
    dn = nl[:, None] - nl[None, :]
    de = el[:, None] - el[None, :]
    fcs = TransferStatistics(model, c0, t, ["L"])
    vals, probs = fcs.particle_distribution("L")
    ref = np.array([w[dn == v].sum() for v in vals])
    np.testing.assert_allclose(probs, ref, atol=MB_TOL)
    lam = np.linspace(-3.0, 3.0, 7)  # eigenvalue route (particles only) = determinant route
    g_eig = fcs.characteristic_function({"L": lam})
    g_det = fcs.characteristic_function({"L": lam}, {"L": 0.0 * lam})
    np.testing.assert_allclose(g_eig, g_det, atol=1e-13)
    np.testing.assert_allclose(g_eig, np.exp(1j * np.outer(lam, vals)) @ ref, atol=MB_TOL)
    dnv, dmv, pj, e0, delta = fcs.particle_energy_distribution("L")
    for i, a in enumerate(dnv):
        for j, b in enumerate(dmv):
            sel = (dn == a) & (np.abs(de - (e0 * a + delta * b)) < 1e-9)
            assert pj[i, j] == pytest.approx(w[sel].sum(), abs=MB_TOL)


def test_poisson_binomial_is_exact_in_the_tails_at_k1000():
    """Extremes p(0) = prod(1 - p), p(K) = prod p (closed forms) to relative 1e-11; sum, moments."""
    rng = np.random.default_rng(3)
    p = rng.beta(0.3, 0.3, size=1000)  # many probabilities near 0 and 1: tails ~ 1e-300
    pmf = poisson_binomial(p)
    assert np.all(pmf >= 0)
    # relative error of the recursion <= 2 K eps ~ 4.4e-13 per entry (docstring); 1e-11 margin
    assert pmf[0] == pytest.approx(np.exp(np.log1p(-p).sum()), rel=1e-11)
    assert pmf[-1] == pytest.approx(np.exp(np.log(p).sum()), rel=1e-11)
    k = np.arange(1001)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-13)  # K eps
    assert pmf @ k == pytest.approx(p.sum(), rel=1e-12)
    assert pmf @ k**2 - (pmf @ k) ** 2 == pytest.approx((p * (1 - p)).sum(), rel=1e-9)


def test_bath_number_law_moments_follow_the_correlation_block():
    """Mean tr C_B and variance tr(C_B - C_B^2) (no eigenvalues) at K = 300, two times."""
    model = single_electron_transistor(300, bandwidth=10.0, coupling=3.0)
    c0 = gibbs_correlation_matrix(model, [10.0, 2.0], [1.0, -1.0])
    d = bath_number_distribution(model, c0, [3.0, 40.0], "R")
    ev = CorrelationEvolver(model, c0)
    k = d.numbers
    for i, t in enumerate(d.times):
        cb = ev.block(t, model.modes("R"))
        p = d.probabilities[i]
        assert np.all(p >= 0) and p.sum() == pytest.approx(1.0, abs=1e-12)
        assert p @ k == pytest.approx(np.trace(cb).real, rel=1e-11)
        var = np.trace(cb - cb @ cb).real
        assert p @ k**2 - (p @ k) ** 2 == pytest.approx(var, rel=1e-8)  # cancellation in <N^2>


def test_first_moments_equal_the_mean_currents_of_entropy_production():
    """<dN_nu> and <dE_nu> of the FCS equal the changes of N_nu, E_nu in entropy_production."""
    model = single_electron_transistor(30, bandwidth=4.0, coupling=1.0, dot_energy=0.2)
    c0 = gibbs_correlation_matrix(model, [1.0, 3.0], [0.3, -0.2], system_occupation=0.0)
    t = 4.0
    ds = entropy_production(model, c0, [t])
    fcs = TransferStatistics(model, c0, t)
    h = 1e-4  # central difference: error h^2 |kappa_3|/6 ~ 1e-9 for O(1) cumulants
    for b in ("L", "R"):
        dn_ref = float(ds.particle_number.sel(bath=b)[0]) - float(
            c0[np.ix_(model.modes(b), model.modes(b))].trace()
        )
        vals, p = fcs.particle_distribution(b)
        assert p @ vals == pytest.approx(dn_ref, abs=1e-10)
        e_ref = float(ds.energy.sel(bath=b)[0]) - float(model.levels(b) @ np.diag(c0)[model.modes(b)])
        g = fcs.characteristic_function(None, {b: np.array([h, -h])})
        assert ((g[0] - g[1]) / (2j * h)).real == pytest.approx(e_ref, abs=1e-7)
        heat = fcs.heat_characteristic_function(b, np.array([h, -h]), mu=0.3)
        q_ref = -(e_ref - 0.3 * dn_ref)
        assert ((heat[0] - heat[1]) / (2j * h)).real == pytest.approx(q_ref, abs=1e-7)


def test_exchange_fluctuation_theorem_generating_function_form():
    """G_F(lambda, xi) = G_B(-lambda - i beta mu, -xi + i beta): all parts grand-canonical."""
    rng = np.random.default_rng(11)
    for model in (single_electron_transistor(25, bandwidth=4.0, coupling=1.0, dot_energy=0.2),
                  _random_model(rng, k=4)):
        beta = {"L": 1.0, "R": 3.0, "system": 0.5}
        mu = {"L": 0.3, "R": -0.2, "system": 0.1}
        f_sys = 1.0 / (np.exp(0.5 * (model.levels("system")[0] - 0.1)) + 1.0)
        c0 = gibbs_correlation_matrix(model, [1.0, 3.0], [0.3, -0.2], system_occupation=f_sys)
        fields = {p: rng.normal(size=6) for p in beta}
        efields = {p: rng.normal(size=6) for p in beta}
        chk = exchange_fluctuation_check(model, c0, 5.0, beta=beta, mu=mu,
                                         particle_fields=fields, energy_fields=efields)
        assert chk.holds and chk.residual < 1e-10  # determinants of O(1) matrices: ~1e-13


def test_exchange_fluctuation_theorem_distribution_form_and_its_conditions():
    """p(dN, dE)/p(-dN, -dE) = exp(beta (dE - mu dN)) cell by cell when the rest is at f = 1/2;
    with the paper's empty dot (a pure, non-flat system state) the ratio departs from it."""
    model = single_electron_transistor(3, bandwidth=2.0, coupling=1.5, dot_energy=0.1)
    beta, mu = 1.3, 0.25
    for f_dot, holds in ((0.5, True), (0.0, False)):
        c0 = gibbs_correlation_matrix(model, [beta, 0.0], [mu, 0.0], system_occupation=f_dot)
        fcs = TransferStatistics(model, c0, 2.0, ["L"])
        dn, dm, p, e0, delta = fcs.particle_energy_distribution("L")
        worst = 0.0
        for i, a in enumerate(dn):
            for j, b in enumerate(dm):
                q = p[-1 - i, -1 - j]  # (-dN, -dM): the grids are symmetric about 0
                if p[i, j] > 1e-8 and q > 1e-8:
                    de = e0 * a + delta * b
                    worst = max(worst, abs(np.log(p[i, j] / q) - beta * (de - mu * a)))
        # cells above 1e-8 carry FFT rounding ~1e-15 absolute: log ratio to ~1e-7
        assert (worst < 1e-6) == holds, worst


def test_bad_input_says_why():
    model = single_electron_transistor(3, bandwidth=2.0, coupling=1.0)
    c0 = gibbs_correlation_matrix(model, 1.0, 0.0, system_occupation=0.5)
    with pytest.raises(ParameterError, match="not a bath"):
        bath_number_distribution(model, c0, 1.0, "X")
    with pytest.raises(ParameterError, match="not a part"):
        TransferStatistics(model, c0, 1.0, ["X"])
    fcs = TransferStatistics(model, c0, 1.0, ["L"])
    with pytest.raises(ParameterError, match="not a counted part"):
        fcs.characteristic_function({"R": 0.3})
    with pytest.raises(ParameterError, match="not counted"):
        fcs.particle_distribution("R")
    coherent = c0.copy()
    coherent[0, 1] = coherent[1, 0] = 0.2  # dot-L coherence: does not commute with N_L
    with pytest.raises(ParameterError, match="commute"):
        TransferStatistics(model, coherent, 1.0, ["L"])
    within = c0.copy()
    within[1, 2] = within[2, 1] = 0.1  # coherence between L levels of different energy
    TransferStatistics(model, within, 1.0, ["system"])  # fine when L is not counted
    with pytest.raises(ParameterError, match="commute"):
        TransferStatistics(model, within, 1.0, ["L"])
    with pytest.raises(ParameterError, match="grand-canonical"):
        exchange_fluctuation_check(model, c0, 1.0, beta={"L": 2.0, "R": 1.0}, mu={"L": 0.0, "R": 0.0},
                                   particle_fields={"L": 0.1}, energy_fields={"L": 0.1})
    empty_dot = gibbs_correlation_matrix(model, 1.0, 0.0, system_occupation=0.0)
    with pytest.raises(ParameterError, match="maximally mixed"):
        exchange_fluctuation_check(model, empty_dot, 1.0, beta={"L": 1.0, "R": 1.0},
                                   mu={"L": 0.0, "R": 0.0}, particle_fields={"L": 0.1},
                                   energy_fields={"L": 0.1})
    with pytest.raises(ParameterError, match="lattice"):
        energy_lattice([0.0, 1.0, np.sqrt(2.0)])
    with pytest.raises(ParameterError, match="allowed range"):
        poisson_binomial([0.5, 1.5])


def _star_model(rng, k=6):
    """Two dots coupled to two baths whose blocks are not diagonal (non-trivial local basis)."""
    n = 2 + 2 * k
    h = np.zeros((n, n), complex)
    h[:2, :2] = [[0.3, 0.5 + 0.2j], [0.5 - 0.2j, -0.4]]
    for sl in (slice(2, 2 + k), slice(2 + k, n)):
        a = rng.normal(size=(k, k)) + 1j * rng.normal(size=(k, k))
        h[sl, sl] = 0.5 * (a + a.conj().T)
        h[:2, sl] = rng.normal(size=(2, k)) + 1j * rng.normal(size=(2, k))
        h[sl, :2] = h[:2, sl].conj().T
    return QuadraticModel(h, {"system": [0, 1], "L": list(range(2, 2 + k)), "R": list(range(2 + k, n))})


def _degenerate_model():
    """Dot + baths with a doubly degenerate level each; c0 coherent inside the degenerate pair."""
    lv = [-1.0, -0.3, 0.4, 0.4, 1.1, 1.7]
    n = 1 + 2 * len(lv)
    h = np.zeros((n, n))
    h[0, 0] = 0.1
    h[np.arange(1, n), np.arange(1, n)] = lv + lv
    g = np.linspace(0.3, 0.8, n - 1)
    h[0, 1:] = h[1:, 0] = g
    model = QuadraticModel(h, {"system": [0], "L": list(range(1, 7)), "R": list(range(7, 13))})
    c0 = gibbs_correlation_matrix(model, [1.0, 2.0], [0.2, -0.1], system_occupation=0.4)
    c0[3, 4] = c0[4, 3] = 0.15  # allowed: the two L levels at 0.4 are degenerate
    return model, c0


@pytest.mark.parametrize("case", ["set_L", "set_LR", "set_all", "star_L", "star_all", "degenerate"])
def test_structured_fcs_route_equals_per_field_determinant(case):
    """The Schur/Cauchy route (one m x m LU per field) equals the slow 2m x 2m determinant."""
    rng = np.random.default_rng(5)
    if case.startswith("set"):
        # K = 41 levels, one at eps = 0 = mu_L: n = 1/2 there, so lambda = pi makes A_j = 0
        # (a pivot that must not be eliminated: the bordered matrix)
        model = single_electron_transistor(41, bandwidth=4.0, coupling=1.0, dot_energy=0.2)
        c0 = gibbs_correlation_matrix(model, [1.0, 3.0], [0.0, -0.2], system_occupation=0.3)
        parts = {"set_L": ["L"], "set_LR": ["L", "R"], "set_all": ["L", "R", "system"]}[case]
    elif case.startswith("star"):
        model = _star_model(rng)
        assert not model.is_locally_diagonal
        c0 = gibbs_correlation_matrix(model, [0.7, 1.3], [0.1, -0.3], system_occupation=0.4)
        parts = {"star_L": ["L"], "star_all": ["L", "R", "system"]}[case]
    if case == "degenerate":
        model, c0 = _degenerate_model()
        parts = ["L", "R"]
    fcs = TransferStatistics(model, c0, 3.7, parts)
    assert fcs._gram is not None  # the structured route is the one under test
    nf = 12
    lam = {p: rng.normal(size=nf).astype(complex) for p in parts}
    xi = {p: rng.normal(size=nf).astype(complex) for p in parts}
    lam[parts[0]][:3] = np.pi  # bordered pivots (set cases)
    xi[parts[0]][:3] = 0.0
    lam[parts[0]][3:6] += 0.4j  # complex fields: the moment generating function
    xi[parts[0]][3:6] -= 0.3j
    got = fcs.characteristic_function(lam, xi)
    ref = fcs._reference_characteristic_function(lam, xi)
    # both are LU determinants of O(1) matrices of size <= 2m = 166: rounding ~m eps ~ 1e-14
    # relative; 1e-11 relative leaves three orders for the Schur update (growth <= 1/PIVOT_MIN)
    np.testing.assert_allclose(got, ref, rtol=1e-11, atol=1e-14)
    assert np.abs(ref[:3]).max() < 1.0  # the bordered points are genuine (not trivially 1)
    # a grid symmetric about 0 (as for an FFT): G(-a) = conj G(a) is used, not recomputed
    sym_l = {p: np.concatenate([v[6:].real, -v[6:].real, [0.0]]) for p, v in lam.items()}
    sym_x = {p: np.concatenate([v[6:].real, -v[6:].real, [0.0]]) for p, v in xi.items()}
    got = fcs.characteristic_function(sym_l, sym_x)
    np.testing.assert_allclose(got, fcs._reference_characteristic_function(sym_l, sym_x),
                               rtol=1e-11, atol=1e-14)
    assert got[-1] == pytest.approx(1.0, abs=1e-13)  # G(0) = 1: normalisation


def test_structured_bath_block_equals_correlation_evolver_at_k300():
    """p(N_L; t) route (Cauchy-like rows of u, no K x n x n product) = eigvalsh of C_LL(t)."""
    model = single_electron_transistor(300, bandwidth=10.0, coupling=3.0)
    c0 = gibbs_correlation_matrix(model, [10.0, 2.0], [1.0, -1.0], system_occupation=0.5)
    ts = [0.0, 3.0, 40.0, 1e4]
    d = bath_number_distribution(model, c0, ts, "L")
    ev = CorrelationEvolver(model, c0)
    for i, t in enumerate(ts):
        nu = np.linalg.eigvalsh(ev.block(t, model.modes("L")))
        # eigvalsh of two routes to the same Hermitian 300 x 300 block: each ~K eps ~ 7e-14
        np.testing.assert_allclose(d.eigenvalues[i], np.clip(nu, 0, 1), atol=1e-12)
    np.testing.assert_allclose(d.eigenvalues[0], np.sort(np.diag(c0)[model.modes("L")]), atol=1e-13)
    # the transfer statistics take the same structured route for u_RR and S = (u n u^dag)_RR:
    # compare with expm (Pade, independent of the eigendecomposition) and with C(t)^T
    rows = model.modes("L")
    for t in (3.0, 40.0):
        fcs = TransferStatistics(model, c0, t, ["L"])
        u = expm(-1j * t * model.single_particle_hamiltonian)
        np.testing.assert_allclose(fcs._u_rr, u[np.ix_(rows, rows)], atol=1e-12)  # expm ~ n eps |ht|
        np.testing.assert_allclose(fcs._s, ev.block(t, rows).T, atol=1e-13)


def test_flat_bath_falls_back_to_the_dense_routes():
    """A bath of 40 equal levels: every pair is degenerate, so the Cauchy form is refused and
    the dense routes give the same laws (against the slow per-field determinant and C(t))."""
    k = 40
    h = np.zeros((1 + 2 * k, 1 + 2 * k))
    h[0, 1:] = h[1:, 0] = 0.2
    h[np.arange(1 + k, 1 + 2 * k), np.arange(1 + k, 1 + 2 * k)] = np.linspace(-1, 1, k)
    model = QuadraticModel(h, {"system": [0], "L": list(range(1, 1 + k)),
                               "R": list(range(1 + k, 1 + 2 * k))})
    c0 = gibbs_correlation_matrix(model, [1.0, 2.0], [0.1, -0.2], system_occupation=0.5)
    fcs = TransferStatistics(model, c0, 2.5, ["L"])
    assert fcs._gram is None
    xi = np.linspace(-1.0, 1.5, 5)
    np.testing.assert_allclose(fcs.characteristic_function({"L": 0.5 * xi}, {"L": xi}),
                               fcs._reference_characteristic_function({"L": 0.5 * xi}, {"L": xi}),
                               rtol=1e-11, atol=1e-14)  # as in the structured test above
    d = bath_number_distribution(model, c0, [2.5], "L")
    nu = np.linalg.eigvalsh(CorrelationEvolver(model, c0).block(2.5, model.modes("L")))
    np.testing.assert_allclose(d.eigenvalues[0], np.clip(nu, 0, 1), atol=1e-13)  # same route
