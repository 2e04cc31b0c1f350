"""One public API (issue 17) and trustworthy input handling (issue 15) for the scattering family:
audits with verdicts, mass given once, full H_S, user amplitudes and laws, grids of steady
states, QuTiP objects, validation."""

import numpy as np
import pytest

from thermalize.errors import ParameterError, PhysicsWarning
from thermalize.scattering import (
    IncidentPacket,
    ScatteringModel,
    amplitudes,
    audit_map,
    collision_generator,
    collision_steady_state,
    gaussian_momentum,
    poisson_trajectories,
    scattering_map,
    scattering_maps,
)
from thermalize.superop import is_completely_positive, is_hermiticity_preserving, to_matrix

E2 = np.array([0.0, 1.0])


def test_audit_reports_hermiticity_before_cp():
    """A Choi matrix 0.5 I + 0.1 (|0><1| - |1><0|) has a positive Hermitian part, but the
    map does not preserve Hermiticity, so it is not CP (Choi's theorem needs C = C^dagger)."""
    c = 0.5 * np.eye(4)
    c[0, 1], c[1, 0] = 0.1, -0.1
    s = c.reshape(2, 2, 2, 2).transpose(1, 3, 0, 2)  # C[(j, j1), (k, k1)] = S[j1, k1, j, k]
    audit = audit_map(s, E2, beta=1.0)
    assert audit.choi_min_eigenvalue > 0.4  # the old, misleading number
    assert not audit.hermiticity_preserving and not audit.completely_positive
    assert not audit.passed
    assert is_completely_positive(s) is False and is_hermiticity_preserving(s) is False
    transpose = np.eye(4).reshape(2, 2, 2, 2).transpose(1, 0, 2, 3)  # positive, not CP
    a = audit_map(transpose, E2, beta=1.0)
    assert a.hermiticity_preserving and not a.completely_positive
    assert abs(a.choi_min_eigenvalue + 1.0) < 1e-14  # the swap operator has eigenvalue -1


def test_map_audit_uses_its_own_energies_and_beta():
    model = ScatteringModel.example()
    smap = scattering_map(model, model.packet(beta=0.1, delta_x=1.0, x0=-10.0), nodes=16)
    audit = smap.audit()
    assert audit.beta == 0.1 and audit.tolerance == 10 * smap.error + 1e-12
    assert audit.passed and audit.trace_preserving and audit.detailed_balance_holds
    assert audit == audit_map(smap, model.energies, 0.1)  # the old call form still works
    with pytest.raises(ParameterError, match="beta"):
        audit_map(smap, beta=0.2)
    with pytest.raises(ParameterError, match="energies"):
        audit_map(smap, np.array([0.0, 1.0, 2.0]))
    maxwell = scattering_map(model, model.packet(beta=0.1, distribution="maxwell"), nodes=16)
    m_audit = maxwell.audit()
    assert not m_audit.detailed_balance_holds and not m_audit.passed  # 1.8e-3 (physics.md)
    assert m_audit.trace_preserving and m_audit.completely_positive


def test_mass_given_once():
    model = ScatteringModel.qubit(0.6, 1.0, mass=0.3, hbar=1.5)
    free = IncidentPacket(beta=0.2, delta_x=2.0, x0=-5.0)  # no mass: the model's
    bound = model.packet(beta=0.2, delta_x=2.0, x0=-5.0)
    old = IncidentPacket(0.2, 0.3, 2.0, -5.0, hbar=1.5)  # the old form, mass twice
    maps = [scattering_map(model, pk, nodes=16) for pk in (free, bound, old)]
    for m in maps[1:]:
        np.testing.assert_array_equal(m.tensor, maps[0].tensor)
    assert maps[0].packet.mass == 0.3 and maps[0].packet.hbar == 1.5
    with pytest.raises(ParameterError, match="mass"):
        scattering_map(model, IncidentPacket(0.2, 0.1, 2.0, -5.0))
    with pytest.raises(ParameterError, match="hbar"):
        scattering_map(model, IncidentPacket(beta=0.2, delta_x=2.0, x0=-5.0, hbar=1.0))
    assert IncidentPacket(temperature=5.0, delta_x=1.0, x0=0.0).beta == 0.2
    with pytest.raises(ParameterError, match="not both"):
        IncidentPacket(beta=0.2, temperature=5.0, delta_x=1.0, x0=0.0)


def test_full_hamiltonian_is_diagonalised_and_gives_the_same_map():
    """H_S and V in a rotated basis give the map of (energies, V in the eigenbasis); the
    reported basis diagonalises H_S."""
    rng = np.random.default_rng(7)
    e = np.array([-0.5, 0.1, 0.7])
    a = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
    v_eig = 0.3 * (a + a.conj().T)
    u, _ = np.linalg.qr(rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3)))
    h = u @ np.diag(e) @ u.conj().T
    model = ScatteringModel.from_hamiltonian(h, u @ v_eig @ u.conj().T, length=1.0, mass=0.1)
    np.testing.assert_allclose(model.energies, e, atol=1e-14)
    np.testing.assert_allclose(model.basis.conj().T @ h @ model.basis, np.diag(e), atol=1e-14)
    ref = ScatteringModel(e, model.coupling, 1.0, 0.1)  # V in the reported basis
    pk = IncidentPacket(beta=0.1, delta_x=1.0, x0=-10.0)
    np.testing.assert_allclose(scattering_map(model, pk, nodes=16).tensor,
                               scattering_map(ref, pk, nodes=16).tensor, atol=1e-13)
    # |V_jk| does not depend on the eigenvector phases: compare with the known V
    np.testing.assert_allclose(np.abs(model.coupling), np.abs(v_eig), atol=1e-13)
    rho = np.diag([0.2, 0.3, 0.5])
    np.testing.assert_allclose(model.from_eigenbasis(model.to_eigenbasis(rho)), rho,
                               atol=1e-15)
    with pytest.raises(ParameterError, match="non-degenerate"):
        ScatteringModel.from_hamiltonian(np.eye(2), np.zeros((2, 2)), length=1.0, mass=1.0)


def test_user_amplitudes_and_laws():
    """s = 1 (no coupling) must give the identity map: the diagonal entries integrate mu to 1
    and coherences keep their value (pi(p) = p when Delta_j'j = Delta_k'k = 0). A callable
    returning the exact amplitudes reproduces method="exact"."""
    model = ScatteringModel.example()
    pk = model.packet(beta=0.1, delta_x=1.0, x0=-10.0)

    def free(energy):
        return np.broadcast_to(np.eye(2), (energy.size, 2, 2))

    ident = scattering_map(model, pk, method=free, nodes=16)
    assert ident.method == "user"
    np.testing.assert_allclose(ident.matrix, np.eye(4), atol=1e-12)  # quadrature of mu

    def exact(energy):
        amp = amplitudes(model, energy, method="exact")
        return amp.transmission, amp.reflection

    a = scattering_map(model, pk, method=exact, nodes=16)
    b = scattering_map(model, pk, method="exact", nodes=16)
    assert np.max(np.abs(a.tensor - b.tensor)) <= 10 * (a.error + b.error) + 1e-12
    with pytest.raises(ParameterError, match="shape"):
        scattering_map(model, pk, method=lambda e: np.eye(2), nodes=16)
    with pytest.raises(ParameterError, match="method"):
        scattering_map(model, pk, method="WKB")
    # a Gaussian law far above p = 0: trace preserved, map CP (a positive packet)
    g = scattering_map(model, model.packet(beta=0.1, delta_x=1.0, x0=-10.0,
                                           distribution=gaussian_momentum(6.0, 0.8)), nodes=16)
    audit = g.audit()
    assert audit.trace_preserving and audit.hermiticity_preserving and audit.completely_positive
    with pytest.warns(PhysicsWarning, match="p < 0"):  # 0.3 % of the law moves left
        scattering_map(model, model.packet(beta=0.1, distribution=gaussian_momentum(1.0, 0.36)),
                       nodes=16)
    with pytest.raises(ParameterError, match="normalised"):
        IncidentPacket(beta=0.1, mass=0.1, delta_x=1.0, x0=0.0,
                       distribution=lambda p: np.where(p > 0, np.exp(-p), 0.0) * 2)


def test_steady_state_grid_of_maps_and_rates():
    model = ScatteringModel.example()
    packets = [model.packet(beta=0.1, delta_x=dx, x0=-10.0) for dx in (1.0, 3.0, 10.0)]
    maps = scattering_maps(model, packets, nodes=16)
    rates = np.array([0.1, 1.0, 10.0, 100.0])
    grid = collision_steady_state(maps, rate=rates, outer=True)
    assert grid.shape == (3, 4, 2, 2)
    with pytest.raises(ParameterError, match="rate"):
        collision_steady_state(maps)
    for i, m in enumerate(maps):
        np.testing.assert_allclose(grid[i], m.steady_state(rates), atol=1e-14)
        # the old manual form gives the transpose
        old = collision_steady_state(maps, model.energies, rates[:, None])
        np.testing.assert_allclose(old[:, i], grid[i], atol=1e-14)
    gen = maps[0].generator(rates)
    np.testing.assert_allclose(
        np.einsum("rab,rb->ra", gen, grid[0].reshape(4, 4)), 0.0, atol=1e-12)


def test_qobj_in_qobj_out():
    qutip = pytest.importorskip("qutip")
    model = ScatteringModel(qutip.Qobj(np.diag([-0.3, 0.3])),
                            qutip.Qobj(np.array([[0, 1 + 1j], [1 - 1j, 0]])), 1.0, 0.1)
    smap = scattering_map(model, model.packet(beta=0.1), nodes=16)
    rho = qutip.Qobj(np.diag([0.25, 0.75]))
    out = smap.apply(rho)
    assert isinstance(out, qutip.Qobj) and out.dims == rho.dims
    np.testing.assert_allclose(out.full(), smap.apply(rho.full()), atol=1e-15)
    assert isinstance(model.to_eigenbasis(rho), qutip.Qobj)
    ens = poisson_trajectories(smap, None, 1.0, rho, [0.0, 1.0], n_realisations=4,
                               rng=np.random.default_rng(1))
    np.testing.assert_allclose(ens.mean[0], rho.full())
    assert isinstance(ens.mean_qobj()[1], qutip.Qobj)
    np.testing.assert_allclose(ens.mean_qobj()[1].full(), ens.mean[1])
    sup = qutip.to_super(qutip.Qobj(np.eye(2)))  # the identity channel as a QuTiP superop
    assert audit_map(sup, model.energies, beta=0.1).passed


def test_bad_input_gets_clear_errors():
    model = ScatteringModel.example()
    v = model.coupling
    with pytest.raises(ParameterError, match="length"):
        ScatteringModel(model.energies, v, 1e308, 0.1)  # was an all-NaN map
    with pytest.raises(ParameterError, match="length"):
        ScatteringModel(model.energies, v, "long", 0.1)
    with pytest.raises(ParameterError, match="mass"):
        ScatteringModel(model.energies, v, 1.0, None)
    with pytest.raises(ParameterError, match="gap"):
        ScatteringModel.qubit("0.6", 1.0)
    with pytest.raises(ParameterError, match="beta"):
        IncidentPacket(beta="hot", delta_x=1.0, x0=0.0)
    with pytest.raises(ParameterError, match="x0"):
        IncidentPacket(beta=0.1, delta_x=1.0, x0=np.inf)
    with pytest.raises(ParameterError, match="delta_x"):
        IncidentPacket(beta=0.1, x0=0.0)
    pk = model.packet(beta=0.1)
    for kw, name in (({"nodes": 2**40}, "nodes"), ({"nodes": 2.5}, "nodes"),
                     ({"tol": -1.0}, "tol"), ({"max_nodes": 10**9}, "max_nodes")):
        with pytest.raises(ParameterError, match=name):
            scattering_map(model, pk, **kw)
    with pytest.raises(ParameterError, match="beta"):  # 1e20 tail segments
        scattering_map(model, model.packet(beta=1e-30))
    with pytest.raises(ParameterError, match="packets"):
        scattering_maps(model, pk)
    with pytest.raises(ParameterError, match="energy"):
        amplitudes(model, 1e300)
    smap = scattering_map(model, pk, nodes=16)
    rng = np.random.default_rng(0)
    for rho0 in (np.diag([1.2, -0.2]), 3 * np.eye(2), np.array([[0.5, 0.5], [0.0, 0.5]])):
        with pytest.raises(ParameterError, match="density matrix"):
            poisson_trajectories(smap, None, 1.0, rho0, [1.0], n_realisations=4, rng=rng)
    with pytest.raises(ParameterError, match="n_realisations"):
        poisson_trajectories(smap, None, 1.0, np.eye(2) / 2, [1.0], n_realisations=2**40,
                             rng=rng)
    with pytest.raises(ParameterError, match="poisson_trajectories"):  # memory cap
        poisson_trajectories(smap, None, 1e6, np.eye(2) / 2, [1e3], n_realisations=10**6,
                             rng=rng)
    with pytest.raises(ParameterError, match="hbar"):
        collision_steady_state(smap, None, 1.0, hbar=2.0)
    with pytest.raises(ParameterError, match="broadcast"):
        collision_steady_state([smap, smap], None, [1.0, 2.0, 3.0])


def test_qobj_superoperator_through_the_dynamics():
    """A QuTiP superoperator (column stacking) gives the same generator and steady state as
    our tensor (row-major): conversion happens only at the boundary."""
    qutip = pytest.importorskip("qutip")
    model = ScatteringModel.example()
    smap = scattering_map(model, model.packet(beta=0.1), nodes=16)
    from thermalize.superop import _to_qobj_super

    sup = _to_qobj_super(smap.matrix)
    gen = collision_generator(sup, model.energies, 2.0)
    assert isinstance(gen, qutip.Qobj) and gen.issuper
    np.testing.assert_allclose(to_matrix(gen), smap.generator(2.0), atol=1e-14)
    rho = collision_steady_state(sup, model.energies, 2.0)
    assert isinstance(rho, qutip.Qobj)
    np.testing.assert_allclose(rho.full(), smap.steady_state(2.0), atol=1e-13)


def test_non_unique_fixed_point_is_named():
    """The identity map keeps every diagonal state: no unique dephased fixed point."""
    from thermalize.errors import NonUniqueSteadyStateError
    from thermalize.scattering import dephased_fixed_point, perturbative_steady_state

    for f in (dephased_fixed_point, perturbative_steady_state):
        with pytest.raises(NonUniqueSteadyStateError, match="stationary distributions"):
            f(np.eye(4), E2)


BAD_NUMBERS = ["hot", None, np.nan, np.inf, -1.0, [1.0, 2.0]]


def _calls():
    """(name, callable, valid keyword arguments) of the scattering constructors/functions."""
    from thermalize import scattering as sc

    model = ScatteringModel.example()
    smap = scattering_map(model, model.packet(beta=0.1), nodes=8)
    rho = np.eye(2) / 2
    return [
        ("ScatteringModel.qubit", sc.ScatteringModel.qubit,
         {"gap": 0.6, "coupling_strength": 1.0, "length": 1.0, "mass": 0.1, "hbar": 1.0}),
        ("IncidentPacket", sc.IncidentPacket,
         {"beta": 0.1, "mass": 0.1, "delta_x": 1.0, "x0": 0.0, "hbar": 1.0}),
        ("packet_positivity", lambda **k: sc.packet_positivity(
            sc.IncidentPacket(beta=0.1, mass=0.1, delta_x=1.0, x0=0.0), **k),
         {"n": 100, "width": 8.0, "window": 10.0}),
        ("scattering_map", lambda **k: sc.scattering_map(model, model.packet(beta=0.1), **k),
         {"nodes": 8, "tol": 1e-6}),
        ("collision_steady_state", lambda **k: sc.collision_steady_state(smap, None, **k),
         {"rate": 1.0, "hbar": 1.0}),
        ("poisson_trajectories", lambda **k: sc.poisson_trajectories(
            smap, None, rho0=rho, times=[1.0], rng=np.random.default_rng(0), **k),
         {"rate": 1.0, "n_realisations": 3}),
        ("coherence_estimate", sc.coherence_estimate,
         {"rate": 1.0, "gap": 0.6, "delta_x": 1.0, "beta": 0.1, "mass": 0.1}),
        ("free_evolution", lambda **k: sc.free_evolution(E2, 1.0, **k), {"hbar": 1.0}),
    ]


@pytest.mark.parametrize("index", range(8))
def test_every_bad_number_is_a_parameter_error_naming_it(index):
    """Issue 15: strings, None, NaN, inf, out-of-range and arrays where a number belongs give
    ParameterError naming the parameter, never a deep NumPy error or a silent NaN."""
    name, func, valid = _calls()[index]
    out = func(**valid)  # the valid call works
    assert out is not None
    for key in valid:
        for bad in BAD_NUMBERS:
            if key == "rate" and bad == [1.0, 2.0] and name != "poisson_trajectories":
                continue  # rate arrays are allowed (one steady state per rate)
            if isinstance(bad, float) and bad == -1.0 and key in ("coupling_strength", "x0"):
                continue  # any real coupling or position is allowed
            if bad is None and key in ("mass", "hbar"):
                continue  # None: the model's mass / hbar (or 1)
            if isinstance(bad, list) and name == "coherence_estimate" and key in (
                    "rate", "gap", "delta_x"):
                continue  # documented as broadcastable arrays
            kw = dict(valid, **{key: bad})
            with pytest.raises(ParameterError, match=key):
                func(**kw)


def test_every_documented_scattering_name_is_exported():
    """Issue 17: each `scattering.NAME` in docs/physics.md is in thermalize.scattering.__all__."""
    import re
    from pathlib import Path

    import thermalize.scattering as sc

    text = (Path(__file__).parents[2] / "docs" / "physics.md").read_text()
    names = set(re.findall(r"`scattering\.([A-Za-z_]\w*)(?![\w-])", text))
    assert len(names) > 15  # the table documents the family
    missing = sorted(n for n in names if n not in sc.__all__)
    assert not missing, missing
    assert all(hasattr(sc, n) for n in sc.__all__)
