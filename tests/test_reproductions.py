"""Every registered reproduction runs in quick mode, passes its checks and writes its files.

This is the CI run of every family in quick mode (the issue's "slow" checks).
"""

import json
import re
import math

import numpy as np
import pytest

from thermalize.papers import registry, run_reproduction

IDS = list(registry())


@pytest.mark.slow
@pytest.mark.parametrize("rid", IDS)
def test_reproduction_quick_passes_all_checks(rid, tmp_path):
    res = run_reproduction(rid, quick=True, out_dir=tmp_path)
    failed = [(c.name, c.computed, c.expected, c.tolerance) for c in res.checks if not c.passed]
    assert not failed, failed
    assert res.checks, "a reproduction without checks checks nothing"
    for c in res.checks:
        assert c.source, f"check {c.name!r} does not say where its expected value comes from"
        if c.kind != "skipped":
            assert math.isfinite(c.computed), c.name
    for ext in ("png", "nc", "json"):
        assert (tmp_path / "quick" / f"{rid}.{ext}").stat().st_size > 0
    doc = json.loads((tmp_path / "quick" / f"{rid}.json").read_text())
    assert doc["mode"] == "quick"
    assert doc["parameters"], "parameters must be recorded"


def test_registry_entries_are_complete():
    reg = registry()
    assert "core.gibbs-fixed-point" in reg
    for rid, r in reg.items():
        assert re.fullmatch(r"[a-z0-9]+\.[A-Za-z0-9-]+", rid), rid  # paper.result, as the issues name them
        assert r.title and r.paper and np.isfinite(r.runtime_estimate_s)
