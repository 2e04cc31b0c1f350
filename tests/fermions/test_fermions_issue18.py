"""Issue 18 items 6-7 and issue 17 item 4: m-mode secular S_B, caching, quantities=, seeds,
the ground-state limit, and the completed dataset (at parameters far from the paper's)."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thermalize.distributions import sample_fermi_occupations
from thermalize.errors import ParameterError, PhysicsWarning
from thermalize.fermions import (
    CorrelationEvolver,
    Eigvalsh,
    QuadraticModel,
    SecularEquation,
    correlation_entropy,
    entropy_production,
    evolve_correlations,
    fock_correlation_matrix,
    gibbs_correlation_matrix,
    global_reference,
    multi_deletion_spectrum,
    part_generators,
    sample_fock_correlation_matrix,
    single_electron_transistor,
)
from thermalize.fermions._snapshot import clear_cache, prepare


def chain(levels: int, dots: int = 2, hop: float = 0.7, gamma: float = 3.0) -> QuadraticModel:
    """`dots` dots in series (hopping `hop`), the first coupled to L, the last to R."""
    lead = np.linspace(-5.0, 5.0, levels)
    t = np.sqrt(gamma * (lead[1] - lead[0]) / (2 * np.pi))
    n = dots + 2 * levels
    h = np.zeros((n, n))
    for i in range(dots - 1):
        h[i, i + 1] = h[i + 1, i] = hop
    left = np.arange(dots, dots + levels)
    right = left + levels
    h[left, left], h[right, right] = lead, lead
    h[0, left] = h[left, 0] = t
    h[dots - 1, right] = h[right, dots - 1] = t
    return QuadraticModel(
        h, {"system": list(range(dots)), "L": left.tolist(), "R": right.tolist()}
    )


@settings(deadline=None, max_examples=60)
@given(st.integers(0, 10_000), st.integers(3, 24), st.integers(1, 5), st.booleans())
def test_multi_deletion_matches_eigvalsh(seed, n, m, projector):
    """Deleting m rows/columns: the m-step secular spectrum equals eigvalsh of the remaining
    block, for generic spectra and for projectors (eigenvalues exactly 0/1: massive
    degeneracy); both backward stable, so ~n eps |A| (1e-11 leaves a 100x margin)."""
    m = min(m, n - 1)
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    a = (a + a.conj().T) / 2
    if projector:
        q, _ = np.linalg.qr(a)
        k = rng.integers(0, n + 1)
        a = q[:, :k] @ q[:, :k].conj().T
    lam, phi = np.linalg.eigh(a)
    deleted = rng.choice(n, m, replace=False)
    keep = np.setdiff1d(np.arange(n), deleted)
    ref = np.linalg.eigvalsh(a[np.ix_(keep, keep)])
    got = multi_deletion_spectrum(lam, phi[deleted])
    assert np.abs(got - ref).max() < 1e-11 * max(1.0, np.abs(lam).max())


@pytest.mark.parametrize("dots", [2, 3])
@pytest.mark.parametrize("state", ["gibbs", "fock"])
def test_two_dot_chain_secular_route_equals_slow_route(dots, state):
    """S_B of a 2- and 3-dot chain (K = 60): the secular route runs without warning or fallback
    and equals the eigvalsh route at t from 0.3 to 1e7 (1e-9: eigvalsh's own rounding on ~120
    eigenvalues near 0 and 1 is ~1e-12 each)."""
    model = chain(60, dots)
    if state == "gibbs":
        c0 = gibbs_correlation_matrix(model, [10.0, 2.0], [1.0, -1.0], system_occupation=0.3)
    else:
        c0 = sample_fock_correlation_matrix(model, [1.0, 2.0], [1.0, -1.0], rng=4)
    ts = [0.3, 7.0, 1e3, 1e7]
    with warnings.catch_warnings():
        warnings.simplefilter("error", PhysicsWarning)
        fast = entropy_production(model, c0, ts, quantities=["joint_bath_entropy"])
    slow = entropy_production(
        model, c0, ts, joint_bath=Eigvalsh(), quantities=["joint_bath_entropy"]
    )
    assert fast.attrs["parameters"]["joint_bath_method"] == "SecularEquation"
    assert fast.attrs["parameters"]["secular_fallbacks"] == 0
    np.testing.assert_allclose(fast.joint_bath_entropy, slow.joint_bath_entropy, rtol=0, atol=1e-9)


def test_two_dot_chain_matches_qutip_many_body():
    """Independent reference: QuTiP many-body dynamics of a 2-dot chain with 2 levels per lead
    (6 modes, dimension 64): S_B, S_S and Sigma's ingredients from reduced density matrices
    (rounding of a 64 x 64 expm, 1e-9)."""
    qutip = pytest.importorskip("qutip")
    model = chain(2, 2, hop=0.4, gamma=1.5)
    n = model.n_modes
    occ = np.array([0.0, 0.5, 0.9, 0.2, 0.7, 0.1])  # a diagonal (product) state
    c0 = np.diag(occ)
    h = model.single_particle_hamiltonian
    c = [qutip.fdestroy(n, j) for j in range(n)]
    big_h = sum(h[i, j] * c[i].dag() * c[j] for i in range(n) for j in range(n) if h[i, j])
    rho0 = qutip.tensor([qutip.Qobj(np.diag([1 - x, x])) for x in occ])
    t = 2.3
    u = (-1j * big_h * t).expm()
    rho = u * rho0 * u.dag()
    ds = entropy_production(model, c0, [t])
    s_b = qutip.entropy_vn(rho.ptrace([2, 3, 4, 5]))
    s_s = qutip.entropy_vn(rho.ptrace([0, 1]))
    assert abs(float(ds.joint_bath_entropy[0]) - s_b) < 1e-9
    assert abs(float(ds.system_entropy[0]) - s_s) < 1e-9
    n_d = [qutip.expect(c[j].dag() * c[j], rho) for j in (0, 1)]
    np.testing.assert_allclose(ds.system_occupation.isel(time=0), n_d, atol=1e-9)
    part = {i: lab for lab, idx in model.partition.items() for i in idx}
    v = sum(h[i, j] * c[i].dag() * c[j] for i in range(n) for j in range(n)
            if h[i, j] and part[i] != part[j])
    assert abs(float(ds.interaction_energy[0]) - qutip.expect(v, rho)) < 1e-9


def test_failed_secular_route_warns_and_equals_eigvalsh():
    """When the secular roots do not converge (max_iter=1), a PhysicsWarning says why and the
    eigvalsh result is returned (identical computation: 1e-12)."""
    model = chain(20, 2)
    c0 = gibbs_correlation_matrix(model, [1.0, 2.0], [0.5, -0.5])
    with pytest.warns(PhysicsWarning, match="secular equation failed"):
        ds = entropy_production(model, c0, [1.0], joint_bath=SecularEquation(max_iter=1))
    ref = entropy_production(model, c0, [1.0], joint_bath=Eigvalsh())
    assert ds.attrs["parameters"]["secular_fallbacks"] == 1
    np.testing.assert_allclose(ds.joint_bath_entropy, ref.joint_bath_entropy, atol=1e-12)


def test_cache_is_keyed_on_model_and_values_and_t0_is_exact():
    """The prepared (model, c0) is reused for equal values, not for different ones; the t = 0
    snapshot taken from C(0) equals the propagated t = 0 (1e-12, rounding of Phi(0))."""
    clear_cache()
    model = single_electron_transistor(30, bandwidth=8.0, coupling=1.0)
    c0 = gibbs_correlation_matrix(model, [3.0, 0.4], [0.5, -1.0])
    assert prepare(model, c0, True) is prepare(model, c0.copy(), True)
    other = gibbs_correlation_matrix(model, [3.0, 0.5], [0.5, -1.0])
    assert prepare(model, other, True) is not prepare(model, c0, True)
    a = entropy_production(model, c0, [0.0, 2.0])
    b = entropy_production(model, other, [0.0, 2.0])
    assert float(abs(a.energy - b.energy).max()) > 1e-3  # not served from the wrong entry
    # the propagated t = 0 point against the reference snapshot taken from C(0) itself
    for name in ("entropy_production", "sigma", "decomposition_residual", "finite_bath_effect"):
        assert float(abs(a[name].isel(time=0))) < 1e-12, name
    np.testing.assert_allclose(a.beta_eff.isel(time=0), [3.0, 0.4], rtol=1e-9)


def test_quantities_subset_equals_full_run():
    """quantities= returns exactly the asked variables, with the same values as a full run."""
    model = chain(25, 2)
    c0 = gibbs_correlation_matrix(model, [2.0, 0.5], [0.3, -0.3])
    ts = [0.5, 40.0]
    full = entropy_production(model, c0, ts)
    for subset in (["beta_eff", "mu_eff", "entropy_production", "sigma"], ["bath_entropy"],
                   ["inter_bath_mi", "beta_ref"]):
        part = entropy_production(model, c0, ts, quantities=subset)
        assert sorted(part.data_vars) == sorted(subset)
        for name in subset:
            np.testing.assert_allclose(part[name], full[name], rtol=1e-13, atol=1e-13)
    with pytest.raises(ParameterError, match="quantities"):
        entropy_production(model, c0, ts, quantities=["betta"])
    with pytest.raises(ParameterError, match="quantities"):
        entropy_production(model, c0, ts, quantities=[])


def test_new_variables_from_independent_definitions():
    """n_d(t), E_V(t), the conserved totals and beta_ref, mu_ref against their definitions on
    C(t) from evolve_correlations and against global_reference (rounding: 1e-10)."""
    model = single_electron_transistor((12, 17), bandwidth=6.0, coupling=[0.5, 2.0], dot_energy=0.4)
    c0 = gibbs_correlation_matrix(model, [1.5, 0.2], [0.7, -0.2], system_occupation=0.8)
    ts = [0.0, 1.3, 60.0]
    ds = entropy_production(model, c0, ts)
    h = model.single_particle_hamiltonian
    ct = evolve_correlations(model, c0, ts)
    n_d = ds.system_occupation.sel(system_mode=0)
    np.testing.assert_allclose(n_d, ct[:, 0, 0].real, atol=1e-10)
    e_v = [2 * np.real(h[0, 1:] @ c[0, 1:]) for c in ct]
    np.testing.assert_allclose(ds.interaction_energy, e_v, atol=1e-10)
    np.testing.assert_allclose(ds.total_energy, np.sum(h * c0).real, atol=1e-10)
    np.testing.assert_allclose(ds.total_particle_number, np.trace(c0).real, atol=1e-10)
    beta_ref, mu_ref = global_reference(model, c0)
    assert abs(float(ds.beta_ref) - beta_ref) < 1e-10 and abs(float(ds.mu_ref) - mu_ref) < 1e-10
    for name in list(ds.data_vars) + list(ds.coords):
        assert {"long_name", "units", "symbol"} <= set(ds[name].attrs), name
    assert list(ds.bath.values) == ["L", "R"]


def test_seeds_are_independent_per_part():
    """Issue 18 item 7: the bath draw does not depend on the system's, and equals a bath-only
    sampler fed the documented child generator."""
    model = single_electron_transistor(30, bandwidth=10.0, coupling=1.0)
    a, occ_a = sample_fock_correlation_matrix(model, [1.0, 0.5], [0.2, -0.3], 0.0, rng=123,
                                              return_occupations=True)
    b, occ_b = sample_fock_correlation_matrix(model, [1.0, 0.5], [0.2, -0.3], 0.6, rng=123,
                                              return_occupations=True)
    bath = model.bath_modes
    np.testing.assert_array_equal(occ_a[bath], occ_b[bath])
    child = np.random.default_rng(np.random.SeedSequence(123).spawn(3)[2])
    alone = sample_fermi_occupations(model.levels("R"), 0.5, -0.3, rng=child)
    np.testing.assert_array_equal(occ_a[model.modes("R")], alone)
    assert sorted(part_generators(model, 1)) == ["L", "R", "system"]
    np.testing.assert_array_equal(a, fock_correlation_matrix(occ_a, model))


def test_ground_state_limit_is_the_limit_of_cold_baths():
    """A bath prepared at beta = inf (its N-particle ground state): beta* = +inf, mu* mid-gap,
    Sigma finite and the continuous limit of beta_L -> inf (the beta_L = 80 run differs by
    e^{-80 x gap/2} ~ 1e-9 in C(0); 1e-6 leaves room for the matching), while sigma and
    D_env^eq are +inf once the bath has absorbed energy."""
    model = single_electron_transistor(20, bandwidth=10.0, coupling=3.0)  # levels +-0.263 at 0
    ts = [0.0, 0.5, 5.0]
    cold = entropy_production(model, gibbs_correlation_matrix(model, [np.inf, 1.0], [0.1, 0.0]), ts)
    warm = entropy_production(model, gibbs_correlation_matrix(model, [80.0, 1.0], [0.0, 0.0]), ts)
    assert float(cold.beta_eff.sel(bath="L").isel(time=0)) == np.inf
    assert int(cold.ground_state_limit.sel(bath="L").isel(time=0)) == 1
    assert abs(float(cold.mu_eff.sel(bath="L").isel(time=0))) < 1e-12  # mid-gap of +-0.263
    np.testing.assert_allclose(cold.entropy_production, warm.entropy_production, atol=1e-6)
    assert float(abs(cold.decomposition_residual).max()) < 1e-9
    assert np.all(np.isposinf(cold.sigma.isel(time=slice(1, None))))
    assert np.all(np.isposinf(cold.finite_bath_effect.isel(time=slice(1, None))))
    assert float(warm.sigma.isel(time=2)) > 1e2  # sigma of the cold-but-finite bath is huge


def test_occupation_quantities_diagonalise_no_bath_block(monkeypatch):
    """beta*, mu*, Sigma, sigma need only mode occupations: no eigvalsh larger than the m x m
    system block and no secular solve runs (issue 17 item 4)."""
    import thermalize.fermions._snapshot as snap

    sizes = []
    real = snap.linalg.eigvalsh

    def counting(a, *args, **kw):
        sizes.append(np.shape(a)[0])
        return real(a, *args, **kw)

    def forbidden(*args, **kw):
        raise AssertionError("secular solve in an occupations-only run")

    monkeypatch.setattr(snap.linalg, "eigvalsh", counting)
    monkeypatch.setattr(snap, "deletion_spectrum", forbidden)
    monkeypatch.setattr(snap, "multi_deletion_spectrum", forbidden)
    clear_cache()
    model = chain(30, 2)
    c0 = gibbs_correlation_matrix(model, [2.0, 0.5], [0.3, -0.3])
    entropy_production(model, c0, [0.5, 9.0], quantities=["beta_eff", "mu_eff",
                                                          "entropy_production", "sigma"])
    assert sizes and max(sizes) <= 2


def test_equal_models_built_anew_share_the_cache():
    """A sweep rebuilds the model at each point: equal values hit the same prepared entry,
    different couplings do not."""
    clear_cache()
    a = single_electron_transistor(20, bandwidth=8.0, coupling=1.0)
    b = single_electron_transistor(20, bandwidth=8.0, coupling=1.0)
    c = single_electron_transistor(20, bandwidth=8.0, coupling=1.5)
    c0 = gibbs_correlation_matrix(a, [3.0, 0.4], [0.5, -1.0])
    assert prepare(a, c0, True) is prepare(b, c0, True)
    assert prepare(c, c0, True) is not prepare(a, c0, True)
