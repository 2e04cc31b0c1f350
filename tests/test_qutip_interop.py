"""Issue 17 item 5: QuTiP interoperability wherever a state or operator enters or leaves.

Every public function or method that takes a state or an operator (found from the packages'
``__all__`` and the parameter names in their signatures, so new API is covered automatically)
runs twice: with ndarrays and with the same states/operators as ``qutip.Qobj``. Asserted:

* the same numbers (a QuTiP superoperator stacks columns, ours rows: the reference converts it
  with its own index permutation, not with the code under test);
* a Qobj in gives a Qobj out, with the input's dims, where the function returns an operator or
  a state (the ``qobj=`` of each case).

A function that takes such a parameter must have a case here or a commented entry in
``EXCEPTIONS`` (``test_every_candidate_has_a_case`` fails otherwise).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from types import SimpleNamespace

import numpy as np
import pytest

qutip = pytest.importorskip("qutip")

from thermalize import quantum, superop  # noqa: E402
from thermalize import counting, fermions, gas, scattering  # noqa: E402

from _api_walk import public_callables  # noqa: E402

#: parameter names that carry a state, an operator or a superoperator
OPERATOR_PARAMS = {
    "rho", "rho0", "sigma", "state", "states", "c", "c0",
    "hamiltonian", "energies_or_hamiltonian", "single_particle_hamiltonian",
    "operator", "jump_op", "jump_ops", "coupling", "superop", "generator", "scattering_map",
}
PACKAGES = ["quantum", "superop", "distributions", "classical", "scattering", "gas", "fermions"]
if importlib.util.find_spec("thermalize.counting") is not None:
    PACKAGES.append("counting")

#: candidates where a Qobj makes no sense, with the reason
EXCEPTIONS = {
    # a result container that steady_state fills in; users read it, they do not build it
    "superop.SteadyState",
    # `coupling` here is a tunnelling amplitude (a number or one per bath), not an operator
    "fermions.single_electron_transistor",
    # `coupling` is the scalar system-ancilla coupling strength g, not an operator
    "gas.RepeatedInteractionModel",
    # `hamiltonian` is a bool (add -i[H, .] or not); the energies are a vector
    "superop.detailed_balance_generator",
}


def candidates() -> set[str]:
    found = set()
    for package in PACKAGES:
        for qualname, obj in public_callables(package):
            try:
                params = inspect.signature(obj).parameters
            except (TypeError, ValueError):
                continue
            if OPERATOR_PARAMS & set(params):
                found.add(qualname)
    return found


# ---------------------------------------------------------------------------- inputs
def _col_to_row(m: np.ndarray) -> np.ndarray:
    """QuTiP's column-stacking superoperator matrix in our row-major convention: the vec index
    of rho[j, k] is k d + j in QuTiP and j d + k here (own permutation, independent of
    thermalize.superop)."""
    d = int(round(np.sqrt(m.shape[0])))
    perm = np.arange(d * d).reshape(d, d).T.ravel()  # perm[j d + k] = k d + j
    return m[np.ix_(perm, perm)]


def _as_array(x):
    if isinstance(x, qutip.Qobj):
        return _col_to_row(x.full()) if x.issuper else x.full()
    if isinstance(x, list):
        return [_as_array(y) for y in x]
    return x


def _random_density(rng, d):
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    r = a @ a.conj().T
    return r / np.trace(r).real


def _hermitian(rng, d):
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return (a + a.conj().T) / 2


def _inputs() -> tuple[SimpleNamespace, SimpleNamespace]:
    """The same states and operators as Qobj (with composite dims) and as ndarrays."""
    rng = np.random.default_rng(17)
    d4 = [[2, 2], [2, 2]]
    q = SimpleNamespace()
    q.H = qutip.Qobj(_hermitian(rng, 4), dims=d4)
    q.rho = qutip.Qobj(_random_density(rng, 4), dims=d4)
    q.sigma = qutip.Qobj(_random_density(rng, 4), dims=d4)
    q.J = [qutip.Qobj(rng.normal(size=(4, 4)) * 0.3, dims=d4) for _ in range(2)]
    q.L = qutip.liouvillian(q.H, q.J)  # super Qobj, column stacking
    q.S = (0.4 * q.L).expm()  # a CPTP map as a super Qobj
    # scattering: a qubit (Figs. 1-2 parameters), H_S not diagonal in the given basis
    q.Hs = qutip.Qobj(np.array([[-0.3, 0.05], [0.05, 0.3]]))
    q.V = qutip.Qobj(np.array([[0.0, 1.0 + 1.0j], [1.0 - 1.0j, 0.0]]))
    q.rho2 = qutip.Qobj(_random_density(rng, 2))
    q.diag2 = qutip.Qobj(np.diag([0.3, 0.7]))  # energy-diagonal qubit state
    q.sm = qutip.Qobj(np.array([[0.0, 1.0], [0.0, 0.0]]))  # |0><1|
    q.sp = q.sm.dag()
    q.Hq = qutip.Qobj(np.diag([0.0, 1.0]))
    smap = scattering.scattering_map(
        scattering.ScatteringModel.example(), scattering.IncidentPacket.example(), nodes=24
    )
    q.smap_obj = smap
    # the ScatteringMap's tensor as a QuTiP super Qobj (row-major -> column stacking)
    q.smap = qutip.Qobj(_col_to_row(superop.to_matrix(smap.tensor)), dims=[[[2], [2]], [[2], [2]]])
    q.smap.superrep = "super"
    # gas: the spin J = 1 example, d = 3
    q.spin = gas.SpinGasModel.example(spin=1)
    q.rho3 = qutip.Qobj(_random_density(rng, 3))
    q.Lgas = qutip.Qobj(_col_to_row(q.spin.generator()), dims=[[[3], [3]], [[3], [3]]])
    q.Lgas.superrep = "super"
    q.states3 = [qutip.Qobj(_random_density(rng, 3)) for _ in range(3)]
    q.diag3 = qutip.Qobj(np.diag([0.5, 0.3, 0.2]))
    # fermions: the example model and its Gibbs correlation matrix
    q.fmodel = fermions.QuadraticModel.example()
    n = q.fmodel.single_particle_hamiltonian.shape[0]
    q.h = qutip.Qobj(np.asarray(q.fmodel.single_particle_hamiltonian))
    q.c0 = qutip.Qobj(
        fermions.gibbs_correlation_matrix(q.fmodel, beta=1.0, mu=0.0, system_occupation=0.5)
    )
    assert q.c0.shape == (n, n)
    a = SimpleNamespace(**{k: _as_array(v) for k, v in vars(q).items()})
    a.smap_obj, a.spin, a.fmodel = smap, q.spin, q.fmodel
    return a, q


ARR, QOB = _inputs()
D4 = [[2, 2], [2, 2]]
S4 = [[[2, 2], [2, 2]], [[2, 2], [2, 2]]]
T = np.array([0.0, 0.3, 1.1])


@dataclasses.dataclass
class Case:
    call: callable
    #: dims every returned operator has when the inputs are Qobj (None: numbers only)
    qobj: list | None = None


def _partition(x):
    return {k: list(v) for k, v in x.partition.items()}


CASES = {
    # --- core: thermalize.quantum
    "quantum.gibbs_state": Case(lambda x: quantum.gibbs_state(x.H, 0.7), D4),
    "quantum.von_neumann_entropy": Case(lambda x: quantum.von_neumann_entropy(x.rho)),
    "quantum.relative_entropy": Case(lambda x: quantum.relative_entropy(x.rho, x.sigma)),
    "quantum.partial_trace": Case(lambda x: quantum.partial_trace(x.rho, [2, 2], [1]), [[2], [2]]),
    "quantum.mutual_information": Case(
        lambda x: quantum.mutual_information(x.rho, [2, 2], [0], [1])
    ),
    "quantum.ergotropy": Case(lambda x: quantum.ergotropy(x.rho, x.H)),
    "quantum.passive_state": Case(lambda x: quantum.passive_state(x.rho, x.H), D4),
    "quantum.trace_distance": Case(lambda x: quantum.trace_distance(x.rho, x.sigma)),
    "quantum.validate_density_matrix": Case(lambda x: quantum.validate_density_matrix(x.rho)),
    # --- core: thermalize.superop (superoperators come back as super Qobj)
    "superop.to_matrix": Case(lambda x: superop.to_matrix(x.L)),  # converts *to* our arrays
    "superop.to_tensor": Case(lambda x: superop.to_tensor(x.L)),  # converts *to* our arrays
    "superop.apply": Case(lambda x: superop.apply(x.S, x.rho), D4),
    "superop.commutator_superop": Case(lambda x: superop.commutator_superop(x.H), S4),
    "superop.lindblad_dissipator": Case(lambda x: superop.lindblad_dissipator(x.J[0]), S4),
    "superop.liouvillian": Case(lambda x: superop.liouvillian(x.H, x.J, [0.5, 2.0]), S4),
    "superop.steady_state": Case(lambda x: superop.steady_state(x.L), D4),
    "superop.evolve": Case(lambda x: superop.evolve(x.L, x.rho, T), D4),
    # the Choi matrix is an ndarray in our index convention (documented), a Qobj would carry
    # QuTiP's different Choi ordering: numbers only
    "superop.choi_matrix": Case(lambda x: superop.choi_matrix(x.S)),
    "superop.is_completely_positive": Case(lambda x: superop.is_completely_positive(x.S)),
    "superop.is_trace_preserving": Case(lambda x: superop.is_trace_preserving(x.S)),
    "superop.is_hermiticity_preserving": Case(lambda x: superop.is_hermiticity_preserving(x.S)),
    # --- scattering
    "scattering.ScatteringModel": Case(
        lambda x: _model_numbers(scattering.ScatteringModel(x.Hs, x.V, 1.0, 0.1))
    ),
    "scattering.ScatteringModel.from_hamiltonian": Case(
        lambda x: _model_numbers(
            scattering.ScatteringModel.from_hamiltonian(x.Hs, x.V, length=1.0, mass=0.1)
        )
    ),
    "scattering.ScatteringModel.to_eigenbasis": Case(
        lambda x: scattering.ScatteringModel(x.Hs, x.V, 1.0, 0.1).to_eigenbasis(x.rho2), [[2], [2]]
    ),
    "scattering.ScatteringModel.from_eigenbasis": Case(
        lambda x: scattering.ScatteringModel(x.Hs, x.V, 1.0, 0.1).from_eigenbasis(x.rho2),
        [[2], [2]],
    ),
    "scattering.ScatteringMap.apply": Case(lambda x: x.smap_obj.apply(x.rho2), [[2], [2]]),
    "scattering.audit_map": Case(
        lambda x: _fields(scattering.audit_map(x.smap, x.smap_obj.energies, 0.1))
    ),
    "scattering.collision_generator": Case(
        lambda x: scattering.collision_generator(x.smap, x.smap_obj.energies, 0.5),
        [[[2], [2]], [[2], [2]]],
    ),
    "scattering.collision_steady_state": Case(
        lambda x: scattering.collision_steady_state(x.smap, x.smap_obj.energies, 0.5), [[2], [2]]
    ),
    "scattering.dephased_fixed_point": Case(
        lambda x: scattering.dephased_fixed_point(x.smap, x.smap_obj.energies), [[2], [2]]
    ),
    "scattering.perturbative_steady_state": Case(
        lambda x: _fields(scattering.perturbative_steady_state(x.smap, x.smap_obj.energies))
    ),
    "scattering.poisson_trajectories": Case(
        lambda x: _trajectories(x)
    ),
    "scattering.collision_energy_statistics": Case(
        lambda x: _fields(scattering.collision_energy_statistics(
            x.smap, x.smap_obj.energies, rho0=x.diag2, beta=0.1))
    ),
    "scattering.trajectory_heat_statistics": Case(
        lambda x: _fields(scattering.trajectory_heat_statistics(
            x.smap, 0.5, T, energies=x.smap_obj.energies, rho0=x.diag2, beta=0.1))
    ),
    "scattering.fluctuation_departure": Case(
        lambda x: _fields(scattering.fluctuation_departure(
            x.smap, [0.5, 2.0], beta_initial=0.3, energies=x.smap_obj.energies, beta=0.1))
    ),
    # --- counting statistics of Lindblad dynamics (a decaying and pumped qubit)
    "counting.CountingModel": Case(lambda x: _counting(x).mean_currents()),
    "counting.CountingModel.mean_currents": Case(lambda x: _counting(x).mean_currents(x.rho2)),
    "counting.generating_function": Case(
        lambda x: counting.generating_function(_counting(x), x.rho2, T, [[0.3], [1.1]])
    ),
    "counting.counting_distribution": Case(
        lambda x: _fields(counting.counting_distribution(_counting(x), x.rho2, T, support=(-4, 4)))
    ),
    # --- gas (J = 1 spin: d = 3)
    "gas.spin_exchange_statistics": Case(
        lambda x: _fields(gas.spin_exchange_statistics(x.spin, T, rho0=x.diag3))
    ),
    "gas.SpinGasModel.populations": Case(lambda x: x.spin.populations(T, x.rho3)),
    "gas.SpinGasModel.evolve": Case(lambda x: x.spin.evolve(T, x.rho3), [[3], [3]]),
    "gas.SpinGasModel.ergotropy": Case(lambda x: x.spin.ergotropy(T, x.rho3)),
    "gas.heat_current": Case(lambda x: gas.heat_current(x.Lgas, x.spin.energies(), x.states3)),
    "gas.entropy_rate": Case(lambda x: gas.entropy_rate(x.Lgas, x.states3)),
    "gas.entropy_production_rate": Case(
        lambda x: gas.entropy_production_rate(x.Lgas, x.spin.energies(), 0.8, x.states3)
    ),
    "gas.BornGaussian": Case(
        lambda x: _fields(gas.BornGaussian(x.H, 0.1, 1.0, 1.0, 2))
    ),
    "gas.GasModel.born_gaussian": Case(
        lambda x: _gas_rates(x)
    ),
    # --- fermions (single-particle correlation matrices and Hamiltonians)
    "fermions.QuadraticModel": Case(
        lambda x: fermions.QuadraticModel(x.h, _partition(x.fmodel)).single_particle_hamiltonian
    ),
    "fermions.evolve_correlations": Case(
        lambda x: fermions.evolve_correlations(x.fmodel, x.c0, T), [[QOB.c0.shape[0]]] * 2
    ),
    "fermions.CorrelationEvolver": Case(
        lambda x: fermions.CorrelationEvolver(x.fmodel, x.c0).full(0.7)
    ),
    "fermions.correlation_entropy": Case(lambda x: fermions.correlation_entropy(x.c0)),
    "fermions.subset_entropy": Case(lambda x: fermions.subset_entropy(x.c0, [0, 1])),
    "fermions.global_reference": Case(lambda x: fermions.global_reference(x.fmodel, x.c0)),
    "fermions.entropy_production": Case(
        lambda x: fermions.entropy_production(x.fmodel, x.c0, T[1:], quantities=["sigma"])
    ),
    "fermions.bath_number_distribution": Case(
        lambda x: _fields(fermions.bath_number_distribution(x.fmodel, x.c0, T))
    ),
    "fermions.bath_number_energy_distribution": Case(
        lambda x: _fields(fermions.bath_number_energy_distribution(x.fmodel, x.c0, 0.7))
    ),
    "fermions.TransferStatistics": Case(
        lambda x: fermions.TransferStatistics(x.fmodel, x.c0, 0.7).particle_distribution("L")
    ),
    "fermions.exchange_fluctuation_check": Case(lambda x: _exchange(x)),
}


def _counting(x):
    return counting.CountingModel(x.Hq, [x.sm, x.sp], [2.0, 1.0], {"emitted": {0: 1.0, 1: -1.0}})


def _model_numbers(m):
    return [m.energies, m.coupling, m.basis]


def _fields(obj):
    return [v for v in vars(obj).values() if not callable(v)] if not dataclasses.is_dataclass(
        obj
    ) else [getattr(obj, f.name) for f in dataclasses.fields(obj)]


def _trajectories(x):
    ens = scattering.poisson_trajectories(
        x.smap, x.smap_obj.energies, 0.5, x.rho2, T, n_realisations=4,
        rng=np.random.default_rng(3),
    )
    return [ens.mean, ens.samples]


def _gas_rates(x):
    model = gas.GasModel.born_gaussian(
        np.array([0.0, 1.0]), np.array([0.0, 1.0]), x.H, strength=0.1, interaction_range=1.0,
        mass=1.0, density=1e-3, beta_motional=1.0, beta_internal=1.0,
    )
    return model.rates().rate_matrix()


def _exchange(x):
    m = x.fmodel
    labels = [k for k in m.partition if k != "system"]  # the dot, maximally mixed: not counted
    beta = {k: 1.0 for k in labels}
    mu = {k: 0.0 for k in labels}
    fields = {k: 0.3 for k in labels}
    return _fields(
        fermions.exchange_fluctuation_check(
            m, x.c0, 0.5, beta=beta, mu=mu, particle_fields=fields, energy_fields=fields
        )
    )


# ---------------------------------------------------------------------------- comparison
def _numbers(x):
    """Any result as nested lists of arrays (Qobj -> our array convention)."""
    if isinstance(x, qutip.Qobj):
        return _as_array(x)
    if isinstance(x, dict):
        return [_numbers(v) for _, v in sorted(x.items())]
    if hasattr(x, "data_vars"):  # xarray Dataset
        return [np.asarray(x[v].values) for v in sorted(x.data_vars)]
    if isinstance(x, (list, tuple)):
        items = [_numbers(v) for v in x]
        if items and all(isinstance(i, np.ndarray) for i in items):
            if len({i.shape for i in items}) == 1:
                return np.stack(items)  # a list of Qobj compares with an (nt, d, d) array
        return items
    if dataclasses.is_dataclass(x):
        return _numbers(_fields(x))
    if isinstance(x, (str, type(None))):
        return x
    return np.asarray(x)


def _assert_same(a, q, where="result"):
    if isinstance(a, list) or isinstance(q, list):
        assert isinstance(a, list) and isinstance(q, list) and len(a) == len(q), where
        for i, (u, v) in enumerate(zip(a, q)):
            _assert_same(u, v, f"{where}[{i}]")
    elif isinstance(a, np.ndarray) and a.dtype.kind in "biufc":
        # same input numbers, same arithmetic after the conversion at the boundary: agreement to
        # rounding (1e-12 absolute on O(1) entries allows for a reordered sum)
        np.testing.assert_allclose(q, a, rtol=1e-10, atol=1e-12, err_msg=where)
    else:
        assert str(a) == str(q), where


def _operators(result):
    return result if isinstance(result, list) else [result]


def test_every_candidate_has_a_case():
    found = candidates()
    assert {"quantum.gibbs_state", "superop.liouvillian", "gas.SpinGasModel.evolve",
            "fermions.entropy_production", "scattering.poisson_trajectories"} <= found
    missing = sorted(found - set(CASES) - EXCEPTIONS)
    assert not missing, f"public functions taking a state/operator without a Qobj case: {missing}"
    stale = sorted((set(CASES) | EXCEPTIONS) - found)
    assert not stale, f"cases for names that are not candidates any more: {stale}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_qobj_in_gives_the_same_numbers_and_qobj_out(name):
    case = CASES[name]
    with np.errstate(all="ignore"):
        expected = case.call(ARR)
        got = case.call(QOB)
    _assert_same(_numbers(expected), _numbers(got))
    for out in _operators(expected):
        assert not isinstance(out, qutip.Qobj), f"{name}: ndarray in, Qobj out"
    if case.qobj is not None:
        for out in _operators(got):
            assert isinstance(out, qutip.Qobj), f"{name}: Qobj in, {type(out).__name__} out"
            assert out.dims == case.qobj, f"{name}: dims {out.dims}, expected {case.qobj}"


def test_trajectory_ensemble_is_arrays_with_a_qobj_accessor_keeping_dims():
    """Decision (docs/conventions.md): `poisson_trajectories` returns a result container of
    ndarrays (means, standard errors, samples) for any rho0; `mean_qobj()` gives the mean states
    as Qobj with the dims of a Qobj rho0. With S = identity only the free evolution acts, so the
    mean is U(t) rho0 U(t)^dagger exactly (a check of the numbers too)."""
    d4 = [[2, 2], [2, 2]]
    e = np.array([0.0, 0.4, 1.0, 1.7])
    s = np.eye(16).reshape(4, 4, 4, 4)
    ens = scattering.poisson_trajectories(
        s, e, 1.0, QOB.rho, T, n_realisations=2, rng=np.random.default_rng(0)
    )
    assert isinstance(ens.mean, np.ndarray)
    means = ens.mean_qobj()
    assert all(isinstance(m, qutip.Qobj) and m.dims == d4 for m in means)
    for t, m in zip(T, means):
        u = np.diag(np.exp(-1j * e * t))
        # one product of phases per entry: agreement to rounding
        np.testing.assert_allclose(m.full(), u @ ARR.rho @ u.conj().T, atol=1e-13)
