"""Imports go one way: physics -> sweep (the task engine) -> papers -> cli.

Physics modules never pull in papers, cli, plotting, report or the sweep engine; the engine
(`thermalize.sweep`) never pulls in a physics family or a paper (DESIGN.md, "Layers").
"""

import pkgutil
import subprocess
import sys

import pytest

import thermalize

FORBIDDEN = ("thermalize.papers", "thermalize.cli", "thermalize.plotting", "thermalize.sweep",
             "thermalize.report")
NOT_PHYSICS = ("thermalize.papers", "thermalize.cli", "thermalize.plotting", "thermalize.sweep",
               "thermalize.report", "thermalize.__main__")
FAMILIES = ("thermalize.classical", "thermalize.scattering", "thermalize.gas",
            "thermalize.fermions")
ENGINE_FORBIDDEN = FAMILIES + ("thermalize.papers", "thermalize.cli", "thermalize.report",
                               "thermalize.plotting")

PHYSICS = ["thermalize"] + sorted(
    m.name for m in pkgutil.walk_packages(thermalize.__path__, "thermalize.")
    if not m.name.startswith(NOT_PHYSICS)
)
ENGINE = ["thermalize.sweep"] + sorted(
    m.name for m in pkgutil.walk_packages(thermalize.__path__, "thermalize.")
    if m.name.startswith("thermalize.sweep.")
)


def _imported(module: str, prefixes: tuple[str, ...]) -> str:
    code = (
        f"import sys, {module}\n"
        f"bad = [m for m in sys.modules if m.startswith({prefixes!r})]\n"
        "print(','.join(sorted(bad)))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


@pytest.mark.parametrize("module", PHYSICS)
def test_physics_module_does_not_import_upper_layers(module):
    bad = _imported(module, FORBIDDEN)
    assert bad == "", f"{module} imports {bad}"


@pytest.mark.parametrize("module", ENGINE)
def test_engine_imports_no_family_and_no_paper(module):
    bad = _imported(module, ENGINE_FORBIDDEN)
    assert bad == "", f"{module} imports {bad}"


def test_engine_list_is_not_empty():
    """The engine package exists and has its modules (guards the parametrisation above)."""
    assert "thermalize.sweep._run" in ENGINE and "thermalize.sweep._executors" in ENGINE
