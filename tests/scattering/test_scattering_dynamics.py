"""Master equation (8), steady state (9), dephasing (3)-(4), expansion (10)-(15), (S10)."""

import numpy as np
import pytest

from thermalize.quantum import gibbs_state, trace_distance
from thermalize.scattering import (
    IncidentPacket,
    ScatteringModel,
    coherence_estimate,
    collision_generator,
    collision_steady_state,
    dephased_fixed_point,
    free_evolution,
    perturbative_steady_state,
    poisson_trajectories,
    scattering_map,
    scattering_maps,
)
from thermalize.superop import evolve, full_dephasing


@pytest.fixture(scope="module")
def paper_map():
    return scattering_map(ScatteringModel.example(), IncidentPacket.example())


@pytest.fixture(scope="module")
def map3():
    """d = 3 with a random real V (detailed balance holds) and an effusion packet."""
    rng = np.random.default_rng(11)
    g = rng.standard_normal((3, 3))
    model = ScatteringModel(np.array([-0.4, 0.1, 0.7]), 0.7 * (g + g.T), length=1.0, mass=0.2)
    return scattering_map(model, IncidentPacket(0.5, 0.2, 0.8, -6.0), method="exact")


def _qutip_steady(gen):
    qutip = pytest.importorskip("qutip")
    d = round(np.sqrt(gen.shape[0]))
    j, k = np.divmod(np.arange(d * d), d)
    perm = j + k * d  # row-major index -> QuTiP column-stacked index
    q = np.empty_like(gen)
    q[np.ix_(perm, perm)] = gen
    sup = qutip.Qobj(q, dims=[[[d], [d]], [[d], [d]]], superrep="super")
    return np.asarray(qutip.steadystate(sup).full())


@pytest.mark.parametrize("which", ["paper_map", "map3"])
def test_steady_state_three_ways(which, request):
    """Batched solve = evolve to long times = qutip.steadystate on the same Liouvillian."""
    smap = request.getfixturevalue(which)
    e = smap.energies
    rates = np.array([0.05, 1.0, 20.0])
    rho = collision_steady_state(smap, e, rates)
    for g, r in zip(rates, rho, strict=True):
        gen = collision_generator(smap, e, g)
        # slowest relaxation ~ Gamma * min gap of S - I (>= 1e-2 here): t = 4e4/Gamma suffices
        late = evolve(gen, np.eye(e.size) / e.size, [4e4 / g])[0]
        np.testing.assert_allclose(r, late, atol=1e-8)  # eigen-route rounding
        np.testing.assert_allclose(r, _qutip_steady(gen), atol=1e-9)  # two LU solves
        assert abs(np.trace(r) - 1) < 1e-12
        assert np.linalg.eigvalsh(r)[0] > -1e-12  # a state
    single = [collision_steady_state(smap, e, g) for g in rates]
    np.testing.assert_allclose(rho, np.array(single), atol=1e-13)  # batch = loop


def test_dephased_map_thermalises_any_state(paper_map, map3):
    """Eq. (4): detailed balance + full dephasing => (DS)^n rho0 -> Gibbs."""
    for smap, beta in ((paper_map, 0.1), (map3, 0.5)):
        e = smap.energies
        gibbs = gibbs_state(e, beta)
        err = 10 * smap.error + 1e-12  # detailed balance holds to quadrature accuracy
        np.testing.assert_allclose(dephased_fixed_point(smap, e), gibbs, atol=err * 100)
        ds = np.einsum("abjk,jkcl->abcl", full_dephasing(e), smap.tensor).reshape(e.size**2, -1)
        rho = np.zeros((e.size, e.size), complex)
        rho[-1, -1] = 1.0
        vec = rho.ravel()
        for _ in range(4000):
            vec = ds @ vec
        np.testing.assert_allclose(vec.reshape(rho.shape), gibbs, atol=1e-8)


def test_collisions_alone_do_not_thermalise(paper_map):
    """High rate: the steady state tends to the fixed point of S, which is not Gibbs."""
    e = paper_map.energies
    s = paper_map.matrix
    w, v = np.linalg.eig(s)
    fix = v[:, np.argmin(np.abs(w - 1))].reshape(2, 2)
    fix = fix / np.trace(fix)
    rho_inf = collision_steady_state(paper_map, e, 1e7)
    np.testing.assert_allclose(rho_inf, fix, atol=1e-6)  # O(Delta/Gamma) correction
    assert trace_distance(fix, gibbs_state(e, 0.1)) > 0.05


@pytest.mark.parametrize("which", ["paper_map", "map3"])
def test_first_order_expansion_matches_exact_slope(which, request):
    """rho_ss = rho0 + Gamma rho1 + O(Gamma^2): corrected Eqs. (13)-(15) vs the exact solve."""
    smap = request.getfixturevalue(which)
    e = smap.energies
    pert = perturbative_steady_state(smap, e)
    np.testing.assert_allclose(pert.zeroth, dephased_fixed_point(smap, e), atol=1e-14)
    assert abs(np.trace(pert.first)) < 1e-14
    gap = np.min(np.diff(e))
    for g in (1e-3, 1e-4):
        slope = (collision_steady_state(smap, e, g) - pert.zeroth) / g
        # remainder Gamma rho2 with |rho2| <= (hbar/gap)^2 |S - I|^2 <= 4/gap^2
        assert np.max(np.abs(slope - pert.first)) < 4 * g / gap**2


def test_free_evolution_group_law():
    e = np.array([-0.3, 0.2, 1.1])
    u = free_evolution(e, np.array([0.4, 1.3, 1.7]))
    comp = np.einsum("abjk,jkcl->abcl", u[1], u[0])
    np.testing.assert_allclose(comp, u[2], atol=1e-14)


def test_free_evolution_unrepresentable_phase_is_a_parameter_error():
    """Fuzz finding (issue 15): hbar=1e-320 made tau*(E_i-E_j)/hbar overflow and exp(-i inf)
    filled the tensor with NaN; now a ParameterError naming tau and hbar."""
    from thermalize.errors import ParameterError

    e = np.array([0.0, 0.5, 0.2])
    with pytest.raises(ParameterError, match="hbar"):
        free_evolution(e, 1.0, hbar=1e-320)
    with pytest.raises(ParameterError, match="tau"):
        free_evolution(e, 1e308 * np.ones(2), hbar=1e-3)
    with pytest.raises(ParameterError, match="energies of size 1000000"):  # names the input
        free_evolution(np.zeros(10**6), 1.0)
    # still fine at the edge of the representable range: |phase| = 1e300 is finite
    assert np.all(np.isfinite(free_evolution(e, 2e300, hbar=1.0)))


def test_s10_estimate_scalings():
    """Eq. (S10): linear in Gamma, 1/omega prefactor, Gaussian in Delta x."""
    base = coherence_estimate(2.0, 0.6, 3.0, 0.1, 0.1)
    assert np.isclose(coherence_estimate(4.0, 0.6, 3.0, 0.1, 0.1), 2 * base, rtol=1e-14)
    ratio = coherence_estimate(2.0, 0.6, 6.0, 0.1, 0.1) / base
    assert np.isclose(ratio, np.exp(-0.1 * 0.1 * 0.36 * (36 - 9) / 2), rtol=1e-14)
    assert np.isclose(coherence_estimate(2.0, 0.6, 3.0, 0.1, 0.1, s=0.02), 4 * base, rtol=1e-14)


def test_trajectory_average_obeys_master_equation(paper_map):
    """Eq. (6) average of Eq. (5) sequences = exp(t L) rho0 with L of Eq. (8), |z| < 4."""
    e = paper_map.energies
    rho0 = np.diag([0.0, 1.0]).astype(complex)
    times = np.linspace(0, 3.0, 7)
    for dephase in (False, True):
        ens = poisson_trajectories(paper_map, e, 5.0, rho0, times, n_realisations=3000,
                                   rng=np.random.default_rng(7), dephase=dephase)
        s = paper_map.tensor
        if dephase:
            s = np.einsum("abjk,jkcl->abcl", full_dephasing(e), s)
        exact = evolve(collision_generator(s, e, 5.0), rho0, times)
        for part in (np.real, np.imag):
            # floor 1e-12: entries that are zero up to rounding (e.g. Im rho_jj) have se ~ 1e-19
            se = np.maximum(part(ens.standard_error)[1:], 1e-12)
            z = np.abs(part(ens.mean - exact))[1:] / se
            assert np.max(z) < 4.0  # 4 standard errors from the same run
        np.testing.assert_allclose(ens.mean[0], rho0)


def test_trajectories_reproducible_with_seed(paper_map):
    kw = {"n_realisations": 20, "dephase": False}
    a = poisson_trajectories(paper_map, paper_map.energies, 2.0, np.eye(2) / 2, [0.5, 1.0],
                             rng=np.random.default_rng(3), **kw)
    b = poisson_trajectories(paper_map, paper_map.energies, 2.0, np.eye(2) / 2, [0.5, 1.0],
                             rng=np.random.default_rng(3), **kw)
    np.testing.assert_array_equal(a.mean, b.mean)


def test_batched_maps_and_packets_agree_with_single_calls():
    """scattering_maps shares amplitudes across packets; steady states batch over maps."""
    model = ScatteringModel.example()
    packets = [IncidentPacket(0.1, 0.1, dx, -10.0) for dx in (0.5, 2.0, 8.0)]
    maps = scattering_maps(model, packets)
    for m, pk in zip(maps, packets, strict=True):
        np.testing.assert_allclose(m.tensor, scattering_map(model, pk).tensor, atol=1e-15)
    batched = collision_steady_state(maps, model.energies, 5.0)
    loop = np.array([collision_steady_state(m, model.energies, 5.0) for m in maps])
    np.testing.assert_allclose(batched, loop, atol=1e-13)
    grid = collision_steady_state(maps, model.energies, np.array([[1.0], [3.0]]))
    assert grid.shape == (2, 3, 2, 2)
    np.testing.assert_allclose(grid[1, 2], collision_steady_state(maps[2], model.energies, 3.0),
                               atol=1e-13)


def test_wide_packets_thermalise_without_dephasing():
    """Delta x -> infinity (rho_U diagonal in p, refs. [6, 12] of the Letter): the map stops
    creating coherences and the steady state is Gibbs at any rate; the deviation falls like
    the Gaussian factor exp(-dx^2 (m Delta / p)^2 / 2 hbar^2) of Eq. (23)."""
    model = ScatteringModel.example()
    gibbs = gibbs_state(model.energies, 0.1)
    dist = []
    for dx in (50.0, 100.0, 200.0):
        smap = scattering_map(model, IncidentPacket(0.1, 0.1, dx, -10.0))
        dist.append(trace_distance(collision_steady_state(smap, model.energies, 1000.0), gibbs))
    assert dist[0] > dist[1] > dist[2]
    # e^{-72} at p ~ sqrt(m/beta); what is left comes from rare fast particles (large p)
    assert dist[2] < 1e-5
