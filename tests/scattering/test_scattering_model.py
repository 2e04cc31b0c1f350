"""Parameter validation of the model and the packet; the packet density matrix Eq. (23)."""

import warnings

import numpy as np
import pytest
from scipy import integrate

from thermalize.errors import ParameterError, PhysicsWarning
from thermalize.scattering import (
    IncidentPacket,
    ScatteringModel,
    collision_steady_state,
    momentum_law,
    packet_density_matrix,
    packet_positivity,
    scattering_map,
)


def test_model_rejects_bad_input():
    v = np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ParameterError, match="energies"):
        ScatteringModel(np.array([0.5, 0.5]), v, 1.0, 1.0)  # degenerate H_S
    with pytest.raises(ParameterError, match="energies"):
        ScatteringModel(np.array([1.0, 0.0]), v, 1.0, 1.0)  # not ascending
    with pytest.raises(ParameterError, match="Hermitian"):
        ScatteringModel(np.array([0.0, 1.0]), np.array([[0.0, 1.0], [2.0, 0.0]]), 1.0, 1.0)
    with pytest.raises(ParameterError, match="coupling"):
        ScatteringModel(np.array([0.0, 1.0]), np.eye(3), 1.0, 1.0)
    for name, bad in (("length", 0.0), ("mass", -1.0), ("hbar", np.nan)):
        kw = {"length": 1.0, "mass": 1.0, "hbar": 1.0, name: bad}
        with pytest.raises(ParameterError, match=name):
            ScatteringModel(np.array([0.0, 1.0]), v, **kw)


def test_packet_rejects_bad_input_and_warns_outside_validity():
    for name, bad in (("delta_x", 0.0), ("delta_x", -1.0), ("beta", 0.0), ("beta", -0.1),
                      ("mass", 0.0)):
        kw = {"beta": 0.1, "mass": 0.1, "delta_x": 1.0, "x0": -10.0, name: bad}
        with pytest.raises(ParameterError, match=name):
            IncidentPacket(**kw)
    with pytest.raises(ParameterError, match="distribution"):
        IncidentPacket(0.1, 0.1, 1.0, -10.0, distribution="fermi")
    with pytest.warns(PhysicsWarning, match="Wigner"):
        IncidentPacket(beta=10.0, mass=0.1, delta_x=0.05, x0=-10.0)  # 4 pi dx sqrt(m/b) = 0.06
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        IncidentPacket.example()  # 4 pi sqrt(1) = 12.6 >= 1: valid


def test_map_and_rate_reject_inconsistent_input():
    model = ScatteringModel.example()
    with pytest.raises(ParameterError, match="mass"):
        scattering_map(model, IncidentPacket(0.1, 0.2, 1.0, -10.0))
    smap = scattering_map(model, IncidentPacket.example(), nodes=8)
    with pytest.raises(ParameterError, match="rate"):
        collision_steady_state(smap, model.energies, -1.0)
    with pytest.raises(ParameterError, match="rate"):
        collision_steady_state(smap, model.energies, [1.0, 0.0])
    with pytest.raises(ParameterError, match="energies"):
        collision_steady_state(smap, np.array([0.0, 1.0, 2.0]), 1.0)


@pytest.mark.parametrize("distribution", ["effusion", "maxwell"])
def test_momentum_law_normalised_and_rho_u_hermitian(distribution):
    pk = IncidentPacket(0.3, 0.7, 1.5, -4.0, distribution=distribution)
    total, _ = integrate.quad(lambda p: float(momentum_law(pk, p)), 0, np.inf)
    assert abs(total - 1.0) < 1e-9  # quad reports ~1e-10 absolute error
    p = np.linspace(0.05, 4.0, 13)
    r = packet_density_matrix(pk, p[:, None], p[None, :])
    np.testing.assert_allclose(r, r.conj().T, atol=1e-15)  # rho_U(p,p') = rho_U(p',p)^*
    np.testing.assert_allclose(np.diagonal(r).real, momentum_law(pk, p), rtol=1e-14)


def test_positivity_audit_reports_negative_eigenvalue_and_converges():
    """Eq. (23) at the paper's parameters is not a positive operator: its most negative
    eigenvalue is far beyond the discretisation error; wide packets approach positivity."""
    narrow = packet_positivity(IncidentPacket.example(), n=300)
    err = abs(narrow.min_eigenvalue - narrow.min_eigenvalue_coarse)
    assert narrow.min_eigenvalue < -10 * err
    assert not narrow.is_positive
    assert abs(narrow.trace - 1.0) < 2e-3  # midpoint rule, grid spacing ~0.1: error ~5e-4
    wide = packet_positivity(IncidentPacket(0.1, 0.1, 20.0, -10.0), n=300)
    assert abs(wide.min_eigenvalue) < abs(narrow.min_eigenvalue) / 10


@pytest.mark.parametrize("model", [np.array([0.5, np.nan]), True, "hot", 2**31])
def test_packet_bind_needs_a_scattering_model(model):
    """Fuzz finding (issue 15): IncidentPacket.bind(x) raised AttributeError "'str' object has
    no attribute 'mass'" for anything but a model; now a ParameterError naming `model`."""
    with pytest.raises(ParameterError, match="model must be a ScatteringModel"):
        IncidentPacket.example().bind(model)


@pytest.mark.parametrize("call, name", [
    (lambda m: m.from_eigenbasis(object()), "rho"),  # "must be real number, not object"
    (lambda m: m.to_eigenbasis("hot"), "rho"),
    (lambda m: m.to_eigenbasis(np.full((2, 2), np.nan)), "rho"),
    # H_S was named "energies (H_S)", the constructor's argument, not the one given
    (lambda m: ScatteringModel.from_hamiltonian(np.ones((2, 3)), np.eye(2), length=1.0,
                                                mass=0.1), "hamiltonian"),
    (lambda m: ScatteringModel.from_hamiltonian(np.array([[0.0, 0.3], [0.0, 1.0]]), np.eye(2),
                                                length=1.0, mass=0.1), "hamiltonian"),
    (lambda m: ScatteringModel.from_hamiltonian(np.full((2, 2), np.nan), np.eye(2),
                                                length=1.0, mass=0.1), "hamiltonian"),
    (lambda m: ScatteringModel.from_hamiltonian(np.eye(2) / 2, np.eye(2), length=1.0,
                                                mass=0.1), "hamiltonian.*degenerate"),
])
def test_basis_changes_and_from_hamiltonian_name_their_argument(call, name):
    """Fuzz findings (issue 15), each a ParameterError naming the argument."""
    with pytest.raises(ParameterError, match=name):
        call(ScatteringModel.example())


def test_basis_change_of_any_operator_round_trips():
    """to/from_eigenbasis take any operator (documented), not only states: a round trip of a
    non-Hermitian, non-unit-trace matrix is the identity to rounding."""
    m = ScatteringModel.example()
    x = np.arange(m.dimension**2, dtype=complex).reshape(m.dimension, m.dimension) * (1 + 2j)
    np.testing.assert_allclose(m.from_eigenbasis(m.to_eigenbasis(x)), x, atol=1e-12)


@pytest.mark.parametrize("beta, mass", [(1e-320, 0.1), (1e300, 1e-300)])
def test_unrepresentable_momentum_scale_names_beta_and_mass(beta, mass):
    """Fuzz finding: packet(beta=1e-320) failed with "scale=inf is outside the allowed range",
    naming an internal field; now the packet's beta and mass are named."""
    with warnings.catch_warnings(), pytest.raises(ParameterError, match="beta=.*mass="):
        warnings.simplefilter("ignore", PhysicsWarning)  # the Wigner-validity warning
        IncidentPacket(beta=beta, mass=mass, delta_x=1.0, x0=-10.0)
    with pytest.raises(ParameterError, match="beta=1e-320"):
        ScatteringModel.example().packet(beta=1e-320)
