"""Imports go one way: physics modules never pull in papers, cli, plotting or sweep."""

import pkgutil
import subprocess
import sys

import pytest

import thermalize

FORBIDDEN = ("thermalize.papers", "thermalize.cli", "thermalize.plotting", "thermalize.sweep",
             "thermalize.report")
NOT_PHYSICS = ("thermalize.papers", "thermalize.cli", "thermalize.plotting", "thermalize.sweep",
               "thermalize.report", "thermalize.__main__")

PHYSICS = ["thermalize"] + sorted(
    m.name for m in pkgutil.walk_packages(thermalize.__path__, "thermalize.")
    if not m.name.startswith(NOT_PHYSICS)
)


@pytest.mark.parametrize("module", PHYSICS)
def test_physics_module_does_not_import_upper_layers(module):
    code = (
        f"import sys, {module}\n"
        f"bad = [m for m in sys.modules if m.startswith({FORBIDDEN!r})]\n"
        "print(','.join(bad))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "", f"{module} imports {res.stdout.strip()}"
