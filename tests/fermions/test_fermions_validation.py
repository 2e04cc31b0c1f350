"""Issue 15 for thermalize.fermions: bad input gets a ParameterError naming the parameter;
sizes are capped before allocation; issue 17: Qobj in, Qobj out."""

import numpy as np
import pytest

from thermalize.errors import ParameterError
from thermalize.fermions import (
    QuadraticModel,
    SecularEquation,
    accurate_phases,
    binary_entropy,
    correlation_entropy,
    deletion_spectrum,
    effective_temperature_chemical_potential,
    entropy_production,
    evolve_correlations,
    fock_correlation_matrix,
    gibbs_correlation_matrix,
    grand_canonical_entropy,
    multi_deletion_spectrum,
    single_electron_transistor,
    subset_entropy,
)

MODEL = QuadraticModel.example()
C0 = gibbs_correlation_matrix(MODEL, 1.0, 0.0)


@pytest.mark.parametrize(
    "bad, word",
    [
        (2 * C0, "eigenvalues"),  # the reproducer: spectrum up to 1.46
        (-C0, "eigenvalues"),
        (C0 + np.triu(np.full(C0.shape, 0.1), 1), "Hermitian"),
        (np.full((2, 2), np.nan), "NaN|finite"),
        (np.array([["a", "b"], ["c", "d"]]), "numeric"),
        (np.zeros((2, 3)), "square"),
    ],
)
def test_correlation_entropy_rejects_non_correlation_matrices(bad, word):
    with pytest.raises(ParameterError, match=word):
        correlation_entropy(bad)
    with pytest.raises(ParameterError):
        subset_entropy(bad, list(range(min(np.shape(bad)))))


def test_correlation_entropy_tolerates_rounding_only():
    """Eigenvalues outside [0, 1] by LAPACK rounding (1e-13) are fine, by 1e-6 are not."""
    assert correlation_entropy(np.diag([1 + 1e-13, -1e-13])) < 1e-11
    with pytest.raises(ParameterError, match="eigenvalues"):
        correlation_entropy(np.diag([1 + 1e-6, 0.5]))


@pytest.mark.parametrize("bad", [[1.5], [-0.1], [np.inf], [np.nan], ["0.5"], None])
def test_binary_entropy_rejects_non_occupations(bad):
    with pytest.raises(ParameterError, match="occupations"):
        binary_entropy(bad)


def test_secular_inputs_are_validated():
    with pytest.raises(ParameterError, match="weights"):
        deletion_spectrum([0.1, 0.5], [0.7, 0.7])  # not a unit row
    with pytest.raises(ParameterError, match="weights"):
        deletion_spectrum([0.1, 0.5], [1.5, -0.5])
    with pytest.raises(ParameterError, match="eigenvalues"):
        deletion_spectrum([np.nan, 0.5], [0.5, 0.5])
    with pytest.raises(ParameterError, match="amplitudes"):
        multi_deletion_spectrum([0.1, 0.5], np.eye(2))  # m must be < n
    with pytest.raises(ParameterError, match="deflation_tol"):
        SecularEquation(deflation_tol="1e-13")
    with pytest.raises(ParameterError, match="max_iter"):
        SecularEquation(max_iter=0)
    with pytest.raises(ParameterError, match="max_iter"):
        SecularEquation(max_iter=10**9)  # iterations are capped


@pytest.mark.parametrize(
    "call, word",
    [
        (lambda: gibbs_correlation_matrix(MODEL, "2.0", 0.0), "beta"),
        (lambda: gibbs_correlation_matrix(MODEL, 1.0, "hot"), "mu"),
        (lambda: grand_canonical_entropy([0.0, 1.0], "hot", 0.0), "beta"),
        (lambda: grand_canonical_entropy([0.0, 1.0], np.inf, np.inf), "beta"),
        (lambda: accurate_phases([1.0], "1.0"), "time"),
        (lambda: effective_temperature_chemical_potential([0.0, 1.0], "1", 1.0), "energy"),
        (lambda: entropy_production(MODEL, C0, [np.nan]), "times"),
        (lambda: entropy_production(MODEL, 2 * C0, [1.0]), "c0"),
        (lambda: entropy_production(MODEL, C0, [1.0], check="yes"), "check"),
        (lambda: entropy_production(MODEL, C0, [1.0], quantities=3), "quantities"),
        (lambda: fock_correlation_matrix([0.5, 1.0]), "occupied"),
        (lambda: fock_correlation_matrix([1, 0], MODEL), "modes"),
    ],
)
def test_bad_arguments_name_the_parameter(call, word):
    with pytest.raises(ParameterError, match=word):
        call()


def test_sizes_are_capped_before_allocation():
    """A 10^6-level bath would need terabytes: refused with the size in GiB, at once."""
    with pytest.raises(ParameterError, match="GiB"):
        single_electron_transistor(10**6, bandwidth=10.0, coupling=1.0)
    with pytest.raises(ParameterError, match="GiB"):
        big = single_electron_transistor(200, bandwidth=10.0, coupling=1.0)  # 2.6 MB per C(t)
        evolve_correlations(big, gibbs_correlation_matrix(big, 1.0, 0.0), np.zeros(1000))


def test_qobj_in_qobj_out():
    """A Qobj single-particle Hamiltonian builds the same model; a Qobj C(0) gives Qobj C(t)
    with its dims, equal to the ndarray result (same arithmetic: exact)."""
    qutip = pytest.importorskip("qutip")
    h = MODEL.single_particle_hamiltonian
    model = QuadraticModel(qutip.Qobj(h), MODEL.partition)
    np.testing.assert_array_equal(model.single_particle_hamiltonian, h)
    q0 = qutip.Qobj(C0)
    out = evolve_correlations(MODEL, q0, [0.5, 2.0])
    assert all(isinstance(c, qutip.Qobj) and c.dims == q0.dims for c in out)
    ref = evolve_correlations(MODEL, C0, [0.5, 2.0])
    np.testing.assert_allclose(np.array([c.full() for c in out]), ref, atol=1e-15)
    assert abs(correlation_entropy(q0) - correlation_entropy(C0)) < 1e-15
    ds = entropy_production(MODEL, q0, [1.0])
    np.testing.assert_allclose(ds.sigma, entropy_production(MODEL, C0, [1.0]).sigma, atol=1e-14)


def test_temperature_is_an_alternative_to_beta():
    """Conventions: `temperature=` gives the same state as beta = 1/T (exact); both or neither
    is a ParameterError; T = 0 is beta = inf."""
    a = gibbs_correlation_matrix(MODEL, [2.0, 0.5], 0.1)
    b = gibbs_correlation_matrix(MODEL, temperature=[0.5, 2.0], mu=0.1)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(
        gibbs_correlation_matrix(MODEL, np.inf, 0.3),
        gibbs_correlation_matrix(MODEL, temperature=0.0, mu=0.3),
    )
    with pytest.raises(ParameterError, match="exactly one"):
        gibbs_correlation_matrix(MODEL, 1.0, 0.0, temperature=1.0)
    with pytest.raises(ParameterError, match="temperature"):
        gibbs_correlation_matrix(MODEL, temperature=-1.0, mu=0.0)
    from thermalize.fermions import sample_fock_correlation_matrix

    np.testing.assert_array_equal(
        sample_fock_correlation_matrix(MODEL, [2.0, 0.5], 0.1, rng=3),
        sample_fock_correlation_matrix(MODEL, temperature=[0.5, 2.0], mu=0.1, rng=3),
    )


def test_fuzz_findings_of_the_contract_campaign():
    """The last three findings of benchmarks/fuzz_contract.py (issue 15): an empty mode list
    has zero entropy (the empty subsystem), an array bandwidth and an unrepresentable dot energy
    are ParameterErrors naming the parameter (were IndexError, TypeError and a model with inf)."""
    import numpy as np

    from thermalize.fermions import single_electron_transistor, subset_entropy

    assert subset_entropy(np.eye(3) * 0.5, []) == 0.0
    with pytest.raises(ParameterError, match="bandwidth"):
        single_electron_transistor(4, bandwidth=np.ones((2, 3)), coupling=1.0)
    with pytest.raises(ParameterError, match="dot_energy"):
        single_electron_transistor(4, bandwidth=8.0, coupling=1.0, dot_energy=1e308)


@pytest.mark.parametrize("label", [[], np.eye(2), {"L": 1}, 3.5])
def test_part_label_must_be_a_string(label):
    """Fuzz finding (issue 15): an unhashable label raised "unhashable type" from the dict
    lookup in QuadraticModel.modes / levels; now a ParameterError naming `label`."""
    model = QuadraticModel.example()
    for method in (model.modes, model.levels):
        with pytest.raises(ParameterError, match="label"):
            method(label)
