"""Issue 15 for the classical family: every bad input is a ParameterError naming the parameter,
sizes are capped before work, extreme valid parameters give the right limit or a
ParameterError (never a silent NaN/inf), and every call returns quickly."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import thermalize.classical as classical
from thermalize.classical import DiscreteScatterer, HeatPump, RotatingDisk
from thermalize.errors import ParameterError


def rng():
    return np.random.default_rng(0)


SC = DiscreteScatterer(np.array([0.0, 1.0, 2.0]))
GAS = {"beta": ("posarr", 1.0), "mass": ("posarr", 1.0), "length": ("posarr", 10.0),
       "dt": ("posarr", 1.0)}
GAS_SCALAR = {k: ("pos", v) for k, (_, v) in GAS.items()}
DISK = RotatingDisk(0.5)

# target name -> (callable taking keywords, {parameter: (kind, valid value)}, fixed keywords)
TARGETS = {
    "collision_probability": (classical.collision_probability, GAS, {}),
    "collision_probability_asymptote": (classical.collision_probability_asymptote, GAS, {}),
    "collision_probability_quadrature": (classical.collision_probability_quadrature,
                                         GAS_SCALAR, {}),
    "colliding_velocity_pdf": (classical.colliding_velocity_pdf,
                               {"velocity": ("realarr", 0.5), **GAS_SCALAR}, {}),
    "colliding_speed_cdf": (classical.colliding_speed_cdf, GAS_SCALAR, {"speed": 0.5}),
    "sample_gas": (classical.sample_gas,
                   {"n": ("count", 5), "beta": ("pos", 1.0), "mass": ("pos", 1.0),
                    "length": ("pos", 2.0)}, {"rng": rng}),
    "simulate_collisions": (classical.simulate_collisions,
                            {**GAS_SCALAR, "n_particles": ("count", 100)}, {"rng": rng}),
    "crosses_scatterer": (classical.crosses_scatterer,
                          {"positions": ("realarr", [-1.0]), "velocities": ("realarr", [2.0]),
                           "dt": ("pos", 1.0)}, {}),
    "kick_markov_matrix": (classical.kick_markov_matrix,
                           {"beta": ("pos", 1.0), "mass": ("pos", 1.0), "nodes": ("count", 8)},
                           {"scatterer": SC}),
    "simulate_kick_chain": (classical.simulate_kick_chain,
                            {"beta": ("pos", 1.0), "mass": ("pos", 1.0),
                             "n_steps": ("count", 10), "n_replicas": ("count", 4)},
                            {"scatterer": SC, "rng": rng}),
    "simulate_explicit_particles": (classical.simulate_explicit_particles,
                                    {**GAS_SCALAR, "length": ("pos", 6.0),
                                     "n_steps": ("count", 10), "n_replicas": ("count", 4)},
                                    {"scatterer": SC, "rng": rng}),
    "fluctuation_audit": (classical.fluctuation_audit,
                          {"beta": ("pos", 1.0), "mass": ("pos", 1.0),
                           "n_samples": ("count", 1000)}, {"collision": SC, "rng": rng}),
    "RotatingDisk": (RotatingDisk, {"mass_ratio": ("pos", 1.0)}, {}),
    "RotatingDisk.kernel": (DISK.kernel, {"omega": ("realarr", 0.1),
                                          "omega_new": ("realarr", 0.2),
                                          "beta": ("pos", 1.0), "mass": ("pos", 1.0)}, {}),
    "RotatingDisk.detailed_balance_ratio": (
        DISK.detailed_balance_ratio, {"omega": ("realarr", 0.1), "omega_new": ("realarr", 0.2),
                                      "beta": ("pos", 1.0), "mass": ("pos", 1.0)}, {}),
    "RotatingDisk.gibbs_ratio": (DISK.gibbs_ratio, {"omega": ("realarr", 0.1),
                                                    "omega_new": ("realarr", 0.2),
                                                    "beta": ("pos", 1.0),
                                                    "mass": ("pos", 1.0)}, {}),
    "RotatingDisk.stationary_grid": (DISK.stationary_grid,
                                     {"beta": ("pos", 1.0), "mass": ("pos", 1.0),
                                      "n_grid": ("count", 50), "width": ("pos", 8.0)}, {}),
    "RotatingDisk.simulate": (DISK.simulate, {"beta": ("pos", 1.0), "mass": ("pos", 1.0),
                                              "n_steps": ("count", 5),
                                              "n_replicas": ("count", 3),
                                              "omega0": ("real", 0.0)}, {"rng": rng}),
    "RotatingDisk.audit": (DISK.audit, {"beta": ("pos", 1.0), "mass": ("pos", 1.0),
                                        "tolerance": ("pos", 1e-9)}, {}),
    "HeatPump": (HeatPump, {"beta_cold": ("pos", 1.0), "beta_hot": ("pos", 0.7),
                            "mass": ("pos", 1.0), "hot_relaxation": ("real", 0.0),
                            "cold_collisions": ("count", 1)}, {"disk": RotatingDisk(1.0)}),
    "HeatPump.simulate": (HeatPump.example().simulate, {"n_cycles": ("count", 5),
                                                        "n_replicas": ("count", 3)},
                          {"rng": rng}),
    "level_change_map": (classical.level_change_map, {"energy_change": ("real", 1.0),
                                                      "mass": ("pos", 1.0),
                                                      "dt": ("pos", 1.0)}, {}),
    "level_change_velocity_map": (classical.level_change_velocity_map,
                                  {"energy_change": ("real", 1.0), "mass": ("pos", 1.0)}, {}),
    "free_flight_map": (classical.free_flight_map, {"dt": ("pos", 1.0)}, {}),
    "rectangle_boundary": (classical.rectangle_boundary, {"n_per_side": ("count", 3)},
                           {"y_range": (0.0, 1.0), "v_range": (1.0, 2.0)}),
    "DiscreteScatterer": (DiscreteScatterer, {"levels": ("levels", [0.0, 1.0])}, {}),
    "DiscreteScatterer.steady_state": (SC.steady_state, {"beta": ("pos", 1.0),
                                                         "mass": ("pos", 1.0)}, {}),
    "DiscreteScatterer.audit": (SC.audit, {"beta": ("pos", 1.0), "mass": ("pos", 1.0),
                                           "tolerance": ("pos", 1e-9)}, {}),
    "check_microreversibility": (classical.check_microreversibility,
                                 {"tolerance": ("pos", 1e-10)}, {"scatterer": SC}),
    "liouville_audit": (classical.liouville_audit, {"tolerance": ("pos", 1e-8)},
                        {"collision_map": classical.free_flight_map(1.0),
                         "points": [[0.0, 1.0]]}),
    "jacobian": (classical.jacobian, {"point": ("realarr", [0.0, 1.0])},
                 {"collision_map": classical.free_flight_map(1.0)}),
    "Thinned": (classical.Thinned, {"cells": ("count", 4)}, {}),
    "Richardson": (classical.Richardson, {"step": ("pos", 0.01), "levels": ("count", 3)}, {}),
    "UniformOpenRule": (classical.UniformOpenRule,
                        {"reflection_probability": ("real", 0.2)}, {}),
}

BAD = {
    "pos": ["hot", None, [1.0, 2.0], np.nan, np.inf, -1.0, 0.0, True, 1j],
    "posarr": ["hot", None, np.nan, np.inf, -1.0, 0.0, [1.0, -1.0], 1j],
    "real": ["hot", None, [1.0, 2.0], np.nan, np.inf, True],
    "realarr": ["hot", None, np.nan, [0.0, np.inf]],
    "count": ["hot", None, 2.5, -1, True, [3, 4]],
    "levels": ["hot", None, [], [1.0, 0.0], [0.0, np.nan], [[0.0, 1.0]]],
}

CASES = [
    pytest.param(target, param, bad, id=f"{target}-{param}-{bad!r}")
    for target, (_, params, _) in TARGETS.items()
    for param, (kind, _) in params.items()
    for bad in BAD[kind]
]


def _call(target, **override):
    func, params, fixed = TARGETS[target]
    kw = {name: value for name, (_, value) in params.items()}
    kw.update({k: (v() if v is rng else v) for k, v in fixed.items()})
    kw.update(override)
    return func(**kw)


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_valid_call_works(target):
    """The reference call of each target is valid (so the bad-input cases test one change)."""
    _call(target)


@pytest.mark.parametrize("target, param, bad", CASES)
def test_bad_input_is_a_parameter_error_naming_the_parameter(target, param, bad):
    start = time.perf_counter()
    with pytest.raises(ParameterError) as info:
        _call(target, **{param: bad})
    assert param in str(info.value), str(info.value)
    assert time.perf_counter() - start < 5.0  # rejected before any work


@pytest.mark.parametrize("target", ["collision_probability", "sample_gas", "kick_markov_matrix"])
def test_a_string_number_reads_expected_a_real_number(target):
    with pytest.raises(ParameterError, match=r"beta: expected a real number, got 'hot' \(str\)"):
        _call(target, beta="hot")


# --- size caps before allocation -------------------------------------------------------------

@pytest.mark.parametrize("override, match", [
    ({"n_particles": 2**31}, "MAX_PARTICLES"),
    ({"n_particles": 2**28 + 1}, "chunks"),
])
def test_simulate_collisions_caps_the_particle_count(override, match):
    start = time.perf_counter()
    with pytest.raises(ParameterError, match=match) as info:
        _call("simulate_collisions", **override)
    assert str(override["n_particles"]) in str(info.value)
    assert time.perf_counter() - start < 1.0  # before anything is drawn


@pytest.mark.parametrize("target, override", [
    ("simulate_kick_chain", {"n_steps": 2**20, "n_replicas": 2**20}),
    ("simulate_explicit_particles", {"n_steps": 2**30, "n_replicas": 2**10}),
    ("RotatingDisk.simulate", {"n_steps": 2**40, "n_replicas": 2}),
    ("HeatPump.simulate", {"n_cycles": 2**33, "n_replicas": 4}),
])
def test_monte_carlo_work_is_capped(target, override):
    start = time.perf_counter()
    with pytest.raises(ParameterError, match="MAX_SAMPLES"):
        _call(target, **override)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("target, override, match", [
    ("RotatingDisk.stationary_grid", {"n_grid": 10**6}, "GiB"),
    ("kick_markov_matrix", {"nodes": 10**6}, "nodes"),
    ("rectangle_boundary", {"n_per_side": 10**9}, "n_per_side"),
    ("DiscreteScatterer", {"levels": np.arange(5000.0)}, "at most"),
    ("Thinned", {"cells": 10**9}, "cells"),
])
def test_dense_sizes_are_capped(target, override, match):
    start = time.perf_counter()
    with pytest.raises(ParameterError, match=match):
        _call(target, **override)
    assert time.perf_counter() - start < 1.0


# --- extreme valid parameters: the right limit or a ParameterError, never NaN/inf ----------

def test_collision_probability_limits():
    """pi_c -> 1/2 for a tiny box (every particle moving towards 0 crosses) and -> 0 for a
    huge one; sqrt(beta m) L/dt is formed in logs, so neither limit is NaN."""
    assert classical.collision_probability(1e-300, 1e-300, 1.0, 1.0) == pytest.approx(0.5)
    assert classical.collision_probability(1e300, 1e300, 1e300, 1e-300) == 0.0
    asym = classical.collision_probability_asymptote(1e-200, 1e-200, 1.0, 1.0)
    assert np.isfinite(asym)
    quad = classical.collision_probability_quadrature(1e-300, 1e-300, 1.0, 1.0)
    assert quad == pytest.approx(0.5, rel=1e-12)
    # mid-range: quadrature and closed form agree (independent routes, quad to 1e-12)
    for args in [(1e-10, 1.0, 1e-3, 1.0), (3.0, 1e5, 1.0, 1e-3)]:
        assert classical.collision_probability_quadrature(*args) == pytest.approx(
            classical.collision_probability(*args), rel=1e-9, abs=1e-300)


EXTREME = [
    lambda: classical.collision_probability_asymptote(1e-300, 1e-300, 1e-300, 1e300),
    lambda: classical.colliding_velocity_pdf(0.5, 1e300, 1e300, 1e300, 1e-300),
    lambda: classical.colliding_speed_cdf(0.5, 1e300, 1e300, 1e300, 1e-300),
    lambda: RotatingDisk(1e-300).kernel(0.1, 0.2, beta=1.0, mass=1e300),
    lambda: RotatingDisk(1e300).stationary_moments(1e-300, 1.0, sides=2).mean_energy,
    lambda: HeatPump(RotatingDisk(1e-300), beta_cold=1e-300, beta_hot=1.0,
                     mass=1e300).heat_flows().heat_to_hot,
    lambda: classical.simulate_explicit_particles(SC, 1.0, 1.0, 1e300, 1e-300, n_steps=2,
                                                  n_replicas=2, rng=rng()),
    lambda: classical.level_change_map(1e308, 1e-308, 1.0),
    lambda: classical.polygon_area([[0.0, 0.0], [1e300, 0.0], [0.0, 1e300]]),
]


@pytest.mark.parametrize("call", EXTREME)
def test_extreme_parameters_never_give_silent_nan(call):
    try:
        out = call()
    except ParameterError:
        return
    for value in np.atleast_1d(np.asarray(out, dtype=float)):
        assert np.isfinite(value)


def test_huge_mass_ratio_keeps_finite_coefficients():
    """b = 2 mu/(1 + mu) -> 2 and a -> -1 as mu -> inf (2 mu would overflow)."""
    disk = RotatingDisk(1e308)
    assert disk.gain == pytest.approx(2.0) and disk.restitution == pytest.approx(-1.0)
    v, w = disk.collide(1.0, 0.0)  # I -> 0: the particle passes, the rim takes omega R = 2v
    assert (v, w) == pytest.approx((1.0, 2.0))


def test_missing_mass_of_the_kernel():
    with pytest.raises(ParameterError, match="mass"):
        DISK.kernel(0.1, 0.2, beta=1.0)
    with pytest.raises(ParameterError, match="beta"):
        DISK.kernel(0.1, 0.2, mass=1.0)


# Public callables without a number parameter of their own, or covered elsewhere (with why).
EXEMPT = {
    "CallableRule": "takes callables; checked in test_classical_scatterer.py::test_bad_rules",
    "ComplexStep": "one step parameter, checked below",
    "DirectDraw": "no parameters",
    "jacobian_determinant": "the point goes through jacobian (covered)",
    "map_boundary": "boundary array checked by as_float_array; covered below",
    "polygon_area": "covered in test_classical_independent.py::test_bad_input_names_the_parameter",
    "open_levels": "covered below",
    "stationary_distribution": "covered below",
    "colliding_speed_cdf": "covered (TARGETS), speed checked below",
}


def test_every_public_callable_is_covered():
    """New public API gets a bad-input case: every callable of __all__ that is not a result
    type is in TARGETS or EXEMPT (result types are frozen dataclasses built by the code)."""
    results = {"CollisionSample", "DiskAudit", "DiskGridSolution", "DiskMoments",
               "DiskMonteCarlo", "HeatFlows", "HeatPumpAudit", "JacobianEstimate",
               "LiouvilleAudit", "MicroreversibilityReport", "PopulationEstimate",
               "ScattererAudit", "FluctuationAudit", "CollisionSamples"}
    covered = {name.split(".")[0] for name in TARGETS} | set(EXEMPT) | results
    missing = [n for n in classical.__all__
               if callable(getattr(classical, n)) and n not in covered]
    assert not missing, missing


@pytest.mark.parametrize("call, name", [
    (lambda: classical.ComplexStep("hot"), "step"),
    (lambda: classical.ComplexStep(0.1), "step"),
    (lambda: classical.map_boundary(classical.free_flight_map(1.0), "hot"), "boundary"),
    (lambda: classical.map_boundary(classical.free_flight_map(1.0), np.ones((4, 3))),
     "boundary"),
    (lambda: classical.open_levels("hot", [0], [0.0, 1.0]), "kinetic_energy"),
    (lambda: classical.open_levels([1.0], [0], "hot"), "levels"),
    (lambda: classical.open_levels([1.0], [5], [0.0, 1.0]), "level"),
    (lambda: classical.stationary_distribution("hot"), "matrix"),
    (lambda: classical.stationary_distribution(np.ones((2, 3)) / 3), "matrix"),
    (lambda: classical.colliding_speed_cdf("hot", 1.0, 1.0, 1.0, 1.0), "speed"),
    (lambda: classical.jacobian_determinant(classical.free_flight_map(1.0), "hot"), "point"),
])
def test_other_bad_inputs(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


@pytest.mark.parametrize("func", [classical.collision_probability,
                                  classical.collision_probability_asymptote])
def test_shapes_that_do_not_broadcast(func):
    with pytest.raises(ParameterError, match="broadcast"):
        func([1.0, 2.0], [1.0, 2.0, 3.0], 1.0, 1.0)


NOT_A_NUMBER = st.one_of(
    st.text(max_size=5), st.none(), st.binary(max_size=3), st.booleans(),
    st.complex_numbers(allow_nan=False, allow_infinity=False).filter(lambda z: z.imag != 0),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.lists(st.text(max_size=2), min_size=1, max_size=3),
    st.sampled_from([np.nan, -np.inf, np.inf, object()]),
)


@settings(max_examples=60)
@given(target=st.sampled_from(sorted(TARGETS)), data=st.data(), bad=NOT_A_NUMBER)
def test_random_non_numbers_are_named_parameter_errors(target, data, bad):
    """Hypothesis over every target and number parameter: anything that is not a real number
    is a ParameterError naming the parameter (never a NumPy or Python error)."""
    params = TARGETS[target][1]
    param = data.draw(st.sampled_from(sorted(params)))
    with pytest.raises(ParameterError) as info:
        _call(target, **{param: bad})
    assert param in str(info.value)


# --- fuzz-campaign findings on the model methods (issue 15; benchmarks/fuzz_contract.py) -------

RULE = classical.UniformOpenRule()
LV = np.array([0.0, 1.0, 2.0])


@pytest.mark.parametrize("call, name", [
    # sample: a bool/array level used to index the levels (IndexError); strings (ValueError)
    (lambda: RULE.sample(np.array([1.0]), True, LV, rng()), "level"),
    (lambda: RULE.sample(np.array([1.0]), np.eye(3), LV, rng()), "level"),
    (lambda: RULE.sample(np.inf, np.array([0]), LV, rng()), "kinetic_energy"),
    (lambda: RULE.sample(np.array([1.0]), np.array([0]), "hot", rng()), "levels"),
    (lambda: RULE.sample(np.array([1.0]), np.array([0]), LV, 0), "rng"),
    # reflection of a non-reflecting rule returned None for any input
    (lambda: RULE.reflection(np.array([1.0]), np.array([0]), "hot"), "levels"),
    (lambda: classical.CallableRule.example().reflection(np.array([1.0]), np.array([0]), "hot"),
     "levels"),
    (lambda: classical.CallableRule.example().transmission([1.0], [7], LV), "level"),
    # collide of shapes that do not broadcast (NumPy broadcast error)
    (lambda: DISK.collide(np.ones((3, 3)), np.ones((2, 3))), "omega"),
    # moments overflowing at a tiny mass named k=2 (an internal index) only
    (lambda: DISK.stationary_moments(beta=1.0, mass=1e-320), "mass"),
    (lambda: DISK.stationary_grid(beta=1e-320, mass=1.0), "beta"),
    (lambda: DISK.stationary_grid(beta=1.0, mass=1.0, n_grid=1e308), "n_grid"),  # OverflowError
    # the grid's cubes overflowed: NaN mean energy (fuzz seed 43)
    (lambda: DISK.stationary_grid(beta=1.0, mass=1.0, width=1e308), "width=1e"),
    # no distinct cell edges: NaN (fuzz seed 53)
    (lambda: DISK.stationary_grid(beta=1.0, mass=1.0, width=1e-300), r"width=1e-300 .*\[1, inf\)"),
    # cells wider than the kick kernel: every kick in its own cell, a meaningless answer
    (lambda: DISK.stationary_grid(beta=1.0, mass=1.0, width=1e3, n_grid=10), "n_grid=10"),
    # omega ~ 1e160 at mass = 1e-320: the energy overflowed to inf, its error to NaN
    (lambda: DISK.simulate(1e-320, 1.0, n_steps=3, n_replicas=3, rng=rng()), "beta"),
    # n_replicas=1e308 is an integral float: the count in the message overflowed a float
    (lambda: HeatPump.example().simulate(n_cycles=5, n_replicas=1e308, rng=rng()),
     "n_replicas"),
    # an array as a flag: "truth value of an empty array is ambiguous"
    (lambda: classical.simulate_collisions(1.0, 1.0, 10.0, 1.0, 100, rng=rng(),
                                           keep_velocities=np.empty(0)), "keep_velocities"),
    (lambda: DISK.simulate(1.0, 1e-320, n_steps=3, n_replicas=3, rng=rng()), "mass"),
    (lambda: DISK.simulate(1.0, 1.0, n_steps=3, n_replicas=3, rng=rng(), omega0=1e200),
     "omega0"),
    # the sample cap named the method only
    (lambda: DISK.simulate(1.0, 1.0, n_steps=2**31, n_replicas=3, rng=rng()), "n_steps"),
    # an array as the progress flag: "truth value of an array is ambiguous"
    (lambda: HeatPump.example().simulate(
        n_cycles=2, n_replicas=2, rng=rng(), progress=np.array([0.5, np.nan])),
     "progress"),
])
def test_model_method_bad_inputs(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


def test_rule_sample_still_draws_open_levels():
    """The checks do not change the draw: uniform over the levels below E = eps_s + K."""
    s = RULE.sample(np.full(4000, 1.5), np.zeros(4000, dtype=int), LV, rng())
    assert set(np.unique(s)) == {0, 1}
    assert abs(np.mean(s) - 0.5) < 5 * 0.5 / np.sqrt(4000)  # 5 sigma of a fair coin


def test_gibbs_ratio_limits_at_huge_angular_velocities():
    """Fuzz finding: omega = omega' = 1e308 gave NaN (inf - inf in w'^2 - w^2). Equal |omega|
    is exactly 1 (no energy change); an overflowing exponent is the documented +inf or 0."""
    assert DISK.gibbs_ratio(1e308, 1e308, beta=1.0, mass=1.0) == 1.0
    assert DISK.gibbs_ratio(1e308, -1e308, beta=1.0, mass=1.0) == 1.0
    assert DISK.gibbs_ratio(1e308, 2.0**62, beta=1.0, mass=1.0) == np.inf
    assert DISK.gibbs_ratio(2.0**62, 1e308, beta=1.0, mass=1.0) == 0.0
    # ordinary values: the closed form exp(-beta I (w'^2 - w^2)/2) to rounding
    inertia = DISK.moment_of_inertia(1.0)
    ref = np.exp(-0.5 * 0.7 * inertia * (1.1**2 - 0.3**2))
    assert DISK.gibbs_ratio(0.3, 1.1, beta=0.7, mass=1.0) == pytest.approx(ref, rel=1e-14)


def test_scatterer_audit_at_unrepresentable_thermal_speed_names_beta():
    """beta = 1e-320: sqrt(2 / (beta m)) overflows; the error names beta and mass (was 'point')."""
    from thermalize.classical import DiscreteScatterer

    with pytest.raises(ParameterError, match="beta=1e-320, mass=1.0"):
        DiscreteScatterer.example().audit(beta=1e-320)


def test_disk_audit_at_unrepresentable_thermal_speed_names_beta_and_mass():
    """beta m = 2**62 * 1e308 overflows (fuzz seed 41): the audit points 1/sqrt(beta m) were 0
    and the error named collision_map at the point [-0, 0, 0, 0]."""
    from thermalize.classical import RotatingDisk

    with pytest.raises(ParameterError, match=r"beta=4.611686018427388e\+18, mass=1e\+308"):
        RotatingDisk.example().audit(beta=2**62, mass=1e308)
    with pytest.raises(ParameterError, match="beta=1e-10, mass=1e-320"):  # beta I underflows
        RotatingDisk.example().audit(beta=1e-10, mass=1e-320)


def test_scatterer_audit_at_huge_beta_is_the_ground_state_without_warnings():
    """beta = 1e308: exp(-beta x) overflowed in its exponent (RuntimeWarning); the limit is
    exact: every population but the ground level's is 0 and the audit passes."""
    import warnings

    from thermalize.classical import DiscreteScatterer

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = DiscreteScatterer.example().audit(beta=1e308)
    assert a.passed
    np.testing.assert_array_equal(a.gibbs_populations, [1.0, 0.0, 0.0])


@pytest.mark.parametrize("kicks", ["effusion", "maxwell"])
def test_scatterer_markov_matrix_at_unrepresentable_kinetic_energies_names_beta(kicks):
    """beta = 1e-320 (fuzz seed 29): K = -ln(t)/beta of the quadrature overflowed and the
    error named kinetic_energy, an internal array. At beta = 3e-307 the energies (<= ~45/beta)
    still fit, and a rule constant above the openings gives the exact 1/3 rows of
    P(open) = 1 (the three levels of the example all open)."""
    from thermalize.classical import DiscreteScatterer

    sc = DiscreteScatterer.example()
    with pytest.raises(ParameterError, match="beta=1e-320: the kinetic energies"):
        sc.markov_matrix(beta=1e-320, kicks=kicks)
    # quadrature weights sum to 1 within rounding of ~60 intervals
    np.testing.assert_allclose(sc.markov_matrix(beta=3e-307, kicks=kicks), 1 / 3, rtol=1e-12)
