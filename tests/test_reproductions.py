"""Every registered reproduction runs in quick mode, passes its checks and writes its files.

This is the CI run of every family in quick mode (the issue's "slow" checks).
"""

import json
import re
import math
import xml.etree.ElementTree as ET

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.offsetbox import AnchoredText

from thermalize.io import missing_cf_attrs, read_dataset
from thermalize.papers import registry, run_reproduction
from thermalize.plotting import STYLE, covered_data

IDS = list(registry())


@pytest.mark.slow
@pytest.mark.parametrize("rid", IDS)
def test_reproduction_quick_passes_all_checks(rid, tmp_path):
    res = run_reproduction(rid, quick=True, out_dir=tmp_path, formats=("png", "pdf", "svg"))
    failed = [(c.name, c.computed, c.expected, c.tolerance) for c in res.checks if not c.passed]
    assert not failed, failed
    assert res.checks, "a reproduction without checks checks nothing"
    for c in res.checks:
        assert c.source, f"check {c.name!r} does not say where its expected value comes from"
        if c.kind != "skipped":
            assert math.isfinite(c.computed), c.name
        # a source is a paper reference or a law, never the issue that asked for the check
        assert "issue" not in c.source.lower(), (c.name, c.source)
    out = tmp_path / "quick"
    for ext in ("png", "pdf", "svg", "nc", "json"):
        assert (out / f"{rid}.{ext}").stat().st_size > 0
    assert (out / f"{rid}.png").read_bytes().startswith(b"\x89PNG")
    assert (out / f"{rid}.pdf").read_bytes().startswith(b"%PDF")
    assert ET.fromstring((out / f"{rid}.svg").read_bytes()).tag.endswith("svg")
    doc = json.loads((out / f"{rid}.json").read_text())
    assert doc["mode"] == "quick"
    assert doc["parameters"], "parameters must be recorded"
    assert doc["provenance"]["mode"] == "quick" and doc["provenance"]["wall_time_s"] >= 0
    # the dataset describes itself (CF long_name/units, a coordinate for every dimension)
    ds = read_dataset(out / f"{rid}.nc")
    assert missing_cf_attrs(ds) == []
    assert ds.attrs["mode"] == "quick" and ds.attrs["wall_time_s"] >= 0
    # legends and notes cover no data (drawn from the dataset read back, as the report does)
    fig = registry()[rid].plot(ds)
    fig.set_dpi(STYLE["savefig.dpi"])  # as the saved files are drawn
    try:
        for i, ax in enumerate(fig.axes):
            boxes = [a for a in ax.artists if isinstance(a, AnchoredText)]
            for box in [ax.get_legend(), *boxes]:
                if box is not None:
                    assert covered_data(ax, box) == 0, f"axes {i}: {box} covers data"
    finally:
        plt.close(fig)


def test_registry_entries_are_complete():
    reg = registry()
    assert "core.gibbs-fixed-point" in reg
    for rid, r in reg.items():
        assert re.fullmatch(r"[a-z0-9]+\.[A-Za-z0-9-]+", rid), rid  # paper.result, as the issues name them
        assert r.title and r.paper and np.isfinite(r.runtime_estimate_s)


def test_every_reproduction_declares_cf_attributes():
    for rid, r in registry().items():
        assert r.cf, f"{rid}: no cf= (long_name, units, symbol) of its variables"
        for name, spec in r.cf.items():
            long_name, units, _symbol = spec
            assert long_name and units, (rid, name)


def test_cf_attributes_give_bare_dimensions_a_coordinate():
    import xarray as xr

    from thermalize.io import DIMENSIONLESS, describe
    from thermalize.papers._registry import describe_dataset

    ds = xr.Dataset({"p": (("level", "time"), np.ones((3, 2)))}, coords={"time": [0.0, 1.0]})
    cf = {"p": ("population", DIMENSIONLESS, "p_k"), "time": ("time", "1/Gamma", r"\Gamma t"),
          "level": ("level index", DIMENSIONLESS, "k"), "absent": ("not here", "1", None)}
    out = describe_dataset(ds, cf)
    assert missing_cf_attrs(ds) != [] and missing_cf_attrs(out) == []
    np.testing.assert_array_equal(out["level"], [0, 1, 2])
    assert out["p"].attrs["symbol"] == "p_k" and out["time"].attrs["units"] == "1/Gamma"
    with pytest.raises(Exception, match="is not a variable"):
        describe(ds, cf)  # describe itself is strict; the registry skips absent names


def test_provenance_sums_wall_time_over_resumed_runs(tmp_path):
    # first run computes the task; the second finds it stored (a resumed run) and adds only
    # its assembly: both runs are in the recorded wall time, counted in n_runs
    first = run_reproduction("core.gibbs-fixed-point", out_dir=tmp_path)
    nc, js = tmp_path / "quick" / "core.gibbs-fixed-point.nc", tmp_path / "quick" / \
        "core.gibbs-fixed-point.json"
    assert read_dataset(nc).attrs["n_runs"] == 1
    second = run_reproduction("core.gibbs-fixed-point", out_dir=tmp_path)
    assert second.n_reused == 1
    ds, doc = read_dataset(nc), json.loads(js.read_text())
    assert ds.attrs["n_runs"] == 2 and doc["provenance"]["n_runs"] == 2
    # the stored task counts with the time it took in the first run (rounded to ms)
    assert ds.attrs["wall_time_s"] >= round(first.runtime_s, 3) - 0.01
    assert doc["provenance"]["wall_time_s"] == pytest.approx(second.runtime_s, abs=2e-3)
    assert ds.attrs["mode"] == "quick" and ds.attrs["git_commit"]
