"""Provenance survives installation: the commit is fixed into the package at build time."""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from thermalize._version import git_info

ROOT = Path(__file__).resolve().parents[1]
SOURCE = git_info(ROOT)  # the checkout these tests run from ("unknown" without git)

WRITE_FILES = """
import json, sys
import numpy as np, xarray as xr
import thermalize, thermalize.io as tio
out = sys.argv[1]
try:
    from thermalize._version import build_info
except ImportError:  # an installed thermalize older than the build step
    print(json.dumps({"file": thermalize.__file__, "old": True}))
    sys.exit(0)
tio.write_dataset(xr.Dataset({"y": ("x", np.zeros(2))}), out + "/r.nc", seed=7, mode="quick")
tio.write_json(out + "/r.json", {"id": "r"}, seed=7, mode="quick")
attrs = tio.read_dataset(out + "/r.nc").attrs
print(json.dumps({"file": thermalize.__file__, "build": build_info(),
                  "nc": {k: attrs[k] for k in ("git_commit", "git_dirty", "commit_source")},
                  "json": json.load(open(out + "/r.json"))["provenance"]}, default=int))
"""


def _run_outside_checkout(tmp_path, env_extra):
    """Run WRITE_FILES in `tmp_path` (no checkout there) with git unreachable from PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GIT_DIR")}
    env.update(env_extra)
    res = subprocess.run([sys.executable, "-c", WRITE_FILES, str(tmp_path)], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(SOURCE["git_commit"] == "unknown", reason="not run from a git checkout")
@pytest.mark.skipif(importlib.util.find_spec("setuptools") is None, reason="needs setuptools")
def test_build_fixes_the_commit_into_the_package(tmp_path):
    # The build step pip runs for a non-editable install (setup.py's build_py), into a
    # separate tree: the package there must carry the commit without any git at run time.
    lib = tmp_path / "lib"
    res = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(lib)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert (lib / "thermalize" / "_build_info.py").is_file()
    work = tmp_path / "work"
    work.mkdir()
    got = _run_outside_checkout(work, {"PYTHONPATH": str(lib), "PATH": "/nonexistent"})
    assert Path(got["file"]).is_relative_to(lib)
    for prov in (got["build"], got["nc"], got["json"]):
        assert prov["git_commit"] == SOURCE["git_commit"]
        assert prov["commit_source"] == "build"
    assert got["json"]["git_dirty"] is SOURCE["git_dirty"]
    assert got["nc"]["git_dirty"] == int(SOURCE["git_dirty"])  # NetCDF stores bools as 0/1


def test_installed_package_carries_a_real_commit(tmp_path):
    # CI installs with a non-editable `pip install ".[test]"`: the package in site-packages
    # must then name the commit it was built from (issue 16: it said "unknown").
    got = _run_outside_checkout(tmp_path, {"PATH": "/nonexistent"})
    installed = Path(got["file"]).resolve()
    if "site-packages" not in installed.parts or got.get("old"):
        pytest.skip(f"thermalize is not installed non-editable here ({installed})")
    for prov in (got["build"], got["nc"], got["json"]):
        assert re.fullmatch(r"[0-9a-f]{40}", prov["git_commit"]), prov
        assert prov["commit_source"] == "build"


def test_source_tree_reads_git_at_run_time():
    from thermalize._version import build_info

    info = build_info()
    if (Path(__import__("thermalize").__file__).parent / "_build_info.py").exists():
        pytest.skip("running an installed package")
    assert info["commit_source"] == ("git" if SOURCE["git_commit"] != "unknown" else "unknown")
    assert info["git_commit"] == SOURCE["git_commit"]


def test_git_info_outside_a_checkout_is_unknown(tmp_path):
    # a directory inside no checkout, or inside one but not its top level, has no commit
    assert git_info(tmp_path) == {"git_commit": "unknown", "git_dirty": None}
    assert git_info(ROOT / "src")["git_commit"] == "unknown"


def test_version_option_prints_commit_and_software():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run([sys.executable, "-m", "thermalize", "--version"], capture_output=True,
                         text=True, timeout=120, env=env)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert re.fullmatch(r"thermalize \S+", lines[0])
    text = res.stdout
    for key in ("commit:", "python_version:", "numpy_version:", "scipy_version:", "blas:",
                "host:"):
        assert key in text
    if SOURCE["git_commit"] != "unknown":
        assert SOURCE["git_commit"] in text
