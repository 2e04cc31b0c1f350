"""Sweep specs: grids, validation before any work (messages name the key), fingerprints."""

import numpy as np
import pytest

from thermalize.sweep import REQUIRED, SpecError, SweepSpec, load_spec, parse_axis
from thermalize.sweep._registry import quantity_from_function

GOOD = """
quantity = "core.detailed-balance-steady-state"
seed = 3
chunk_size = 4
description = "demo"

[grid]
beta = { linspace = [0.0, 2.0, 5] }
spacing = [0.5, 1.0]

[fixed]
levels = 3
"""


def _write(tmp_path, text):
    p = tmp_path / "spec.toml"
    p.write_text(text)
    return p


def test_spec_from_toml_grid_and_points(tmp_path):
    spec = load_spec(_write(tmp_path, GOOD))
    assert list(spec.grid) == ["beta", "spacing"]  # dimension order = spec order
    np.testing.assert_array_equal(spec.grid["beta"], np.linspace(0.0, 2.0, 5))
    assert spec.shape == (5, 2) and spec.n_points == 10 and spec.n_chunks == 3
    assert list(spec.chunk_range(2)) == [8, 9]
    # C order: the last axis varies fastest
    assert spec.point(1) == {"beta": 0.0, "spacing": 1.0}
    assert spec.point(2) == {"beta": 0.5, "spacing": 0.5}
    assert spec.fixed == {"levels": 3} and spec.seed == 3


def test_parse_axis_forms():
    np.testing.assert_array_equal(parse_axis("g.x", {"logspace": [-2, 0, 3]}), [0.01, 0.1, 1.0])
    assert parse_axis("g.x", [1, 2]).dtype == np.int64
    assert parse_axis("g.x", [1, 2.5]).dtype == np.float64
    assert list(parse_axis("g.x", {"values": ["a", "b"]})) == ["a", "b"]
    np.testing.assert_array_equal(parse_axis("g.x", np.array([0.5, 1.0])), [0.5, 1.0])
    # a 0-d array is a number, not an axis: NumPy's "len() of unsized object" (fuzz seed 71)
    with pytest.raises(SpecError, match="g.x: an axis is a list"):
        parse_axis("g.x", np.array(2.0))


@pytest.mark.parametrize(
    "edit, key",
    [
        (("seed = 3", "seed = 3\nworkers = 2"), "'workers'"),
        (('quantity = "core.detailed-balance-steady-state"', ""), "'quantity'"),
        (("core.detailed-balance-steady-state", "core.detailed-balance"), "core.detailed-balance"),
        (("levels = 3", "levels = 3\nmass = 2.0"), "fixed.mass"),
        (("spacing = [0.5, 1.0]", "spacing = [0.5, 1.0]\ntemperature = [1, 2]"),
         "grid.temperature"),
        (("linspace", "lingspace"), "grid.beta.lingspace"),
        (("[0.0, 2.0, 5]", "[0.0, 2.0, 0]"), "grid.beta.linspace"),
        (("[0.5, 1.0]", "[0.5, 0.5]"), "grid.spacing"),
        (("[0.5, 1.0]", "[]"), "grid.spacing"),
        (("[0.5, 1.0]", '[0.5, "a"]'), "grid.spacing"),
        (("beta = { linspace = [0.0, 2.0, 5] }\n", ""), "'beta'"),  # required, no default
        (("levels = 3", "levels = 3\nspacing = 1.0"), "fixed.spacing"),  # grid and fixed
        (("chunk_size = 4", "chunk_size = -1"), "chunk_size"),
        (("chunk_size = 4", "chunk_size = 0"), "chunk_size: 0 must be an integer >= 1"),
        (("seed = 3", "seed = -3"), "seed"),
        # values go through the quantity's own parameter checks before any work (issue 15)
        (("levels = 3", "levels = -3"), "fixed.levels: levels=-3 is outside the allowed"),
        (("levels = 3", 'levels = "three"'), "fixed.levels: levels: expected an integer"),
        (("[0.5, 1.0]", "[0.5, -1.0]"), "grid.spacing: spacing"),
        (("[0.0, 2.0, 5]", "[0.0, 2.0, 10000000000000]"), "exceeds the cap"),
        (("spacing = [0.5, 1.0]", "spacing = { linspace = [0.5, 1.0, 4000] }"),
         "5 x 4000 = 20000 points exceeds the cap of 10000"),
        (("[fixed]", "fixed = 3\n[other]"), "fixed"),
    ],
)
def test_bad_spec_names_the_key(tmp_path, edit, key):
    old, new = edit
    assert old in GOOD
    with pytest.raises(SpecError) as err:
        load_spec(_write(tmp_path, GOOD.replace(old, new, 1)), max_points=10_000)
    assert key in str(err.value)


def test_unknown_quantity_suggests_close_names():
    with pytest.raises(SpecError, match="did you mean core.detailed-balance-steady-state"):
        SweepSpec("core.detailed-balance-steady-stat", {"beta": [1.0]})


def test_invalid_toml_and_missing_file(tmp_path):
    with pytest.raises(SpecError, match="not valid TOML"):
        load_spec(_write(tmp_path, "quantity = = 1"))
    with pytest.raises(SpecError, match="cannot read spec"):
        load_spec(tmp_path / "absent.toml")


def test_stochastic_quantity_needs_seed():
    with pytest.raises(SpecError, match="seed: quantity 'core.thermal-kinetic-energy' is stoch"):
        SweepSpec("core.thermal-kinetic-energy", {"beta": [1.0]})
    assert SweepSpec("core.thermal-kinetic-energy", {"beta": [1.0]}, seed=0).seed == 0


def test_quantity_from_function_signature():
    def f(x, y=2, *, rng):
        return x

    q = quantity_from_function(f)
    assert dict(q.parameters) == {"x": REQUIRED, "y": 2} and q.stochastic
    with pytest.raises(SpecError, match="passable by keyword"):
        quantity_from_function(lambda *a: 0)


def test_module_function_reference():
    ref = "thermalize.papers.quantities.core:detailed_balance_steady_state"
    spec = SweepSpec(ref, {"beta": [1.0]})
    assert spec.quantity.name == ref and spec.quantity.required() == ["beta"]
    with pytest.raises(SpecError, match="cannot be imported"):
        SweepSpec("thermalize.papers.quantities.core:nothing", {"beta": [1.0]})


def test_fingerprint_identifies_points_seeds_and_chunks():
    a = SweepSpec.example()
    b = SweepSpec(a.quantity, {"beta": {"linspace": [0.0, 2.0, 5]}, "spacing": [0.5, 1.0, 2.0]},
                  {"levels": 3})
    assert a.fingerprint() == b.fingerprint()
    assert a.fingerprint() != SweepSpec(a.quantity, a.grid, {"levels": 4}).fingerprint()
    assert a.fingerprint() != SweepSpec(a.quantity, a.grid, a.fixed, seed=1).fingerprint()
    assert a.fingerprint() != SweepSpec(a.quantity, a.grid, a.fixed, chunk_size=2).fingerprint()


def test_default_chunk_size_is_about_one_percent():
    spec = SweepSpec("core.detailed-balance-steady-state", {"beta": {"linspace": [0, 1, 60]},
                                                            "spacing": {"linspace": [1, 2, 60]}})
    assert spec.chunk_size == 36 and spec.n_chunks == 100
    assert SweepSpec.example().chunk_size == 1


def test_point_cap_is_checked_before_any_array_is_made(tmp_path):
    """1e13-point axes and 1e10-point grids are one-line errors, not MemoryErrors; the cap
    can be raised (``--max-points``)."""
    text = GOOD.replace("[0.0, 2.0, 5]", "[0.0, 2.0, 100000]").replace(
        "[0.5, 1.0]", "{ linspace = [0.5, 1.0, 100000] }")
    with pytest.raises(SpecError, match="100000 x 100000 = 10000000000 points exceeds the cap"):
        load_spec(_write(tmp_path, text))
    spec = load_spec(_write(tmp_path, GOOD.replace("[0.0, 2.0, 5]", "[0.0, 2.0, 3000]")
                            .replace("[0.5, 1.0]", "{ linspace = [0.5, 1.0, 4000] }")),
                     max_points=12_000_000)
    assert spec.n_points == 12_000_000


@pytest.mark.parametrize("kwargs, name", [
    ({"key": 3.5}, "key"), ({"key": None}, "key"),
    ({"max_points": 0}, "max_points"), ({"max_points": object()}, "max_points"),
])
def test_parse_axis_checks_key_and_cap(kwargs, name):
    """Fuzz finding (issue 15): a non-string key was printed as the axis location and a bad
    max_points compared deep inside; both are SpecErrors naming the argument."""
    args = {"key": "grid.beta", "value": [1.0, 2.0], **kwargs}
    with pytest.raises(SpecError, match=name):
        parse_axis(args.pop("key"), args.pop("value"), **args)


@pytest.mark.parametrize("seed, index, name", [("2.0", 0, "seed"), (None, 0, "seed"),
                                               (-1, 0, "seed"), (0, 2.5, "index")])
def test_point_rng_checks_seed_and_index(seed, index, name):
    """Fuzz finding (issue 15): point_rng("2.0", 0) raised NumPy's SeedSequence TypeError."""
    from thermalize.errors import ParameterError
    from thermalize.sweep import point_rng

    with pytest.raises(ParameterError, match=name):
        point_rng(seed, index)
    assert point_rng(7, 3).random() == point_rng(7.0, 3).random()  # integral floats are fine


def test_runner_arguments_of_the_wrong_type_are_named(tmp_path):
    """Issue 15, the runners: a ParameterError naming the argument (was AttributeError
    "'str' object has no attribute 'n_chunks'", TypeError from pathlib, ...)."""
    from thermalize.errors import ParameterError
    from thermalize.sweep import TaskStore, get_quantity, load_spec, run, run_tasks

    for call, words in [
        (lambda: run("spec.toml"), "spec must be a SweepSpec"),
        (lambda: run(None), "spec must be a SweepSpec"),
        (lambda: load_spec(None), "path: expected a spec file path"),
        (lambda: get_quantity(None), "name: a quantity is named by a str"),
        (lambda: run_tasks(None), "tasks must be an iterable of Task"),
        (lambda: run_tasks(["x"]), "tasks must be Task objects"),
        (lambda: run_tasks([], store=str(tmp_path)), "store must be a TaskStore"),
        (lambda: TaskStore(None), "directory: expected a file path"),
    ]:
        with pytest.raises(ParameterError, match=words):
            call()
