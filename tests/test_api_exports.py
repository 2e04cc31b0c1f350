"""Issue 17 item 1, for every family at once: each public name that docs/physics.md documents in
a table's "function" column is importable from its family package and listed in that package's
``__all__``; private helpers stay private (no leading underscore in any ``__all__``).

The per-family tests (tests/classical/test_classical_api.py, tests/gas/test_gas_api.py,
tests/scattering/test_scattering_api.py) check their own sections; this one reads every section,
so a new section or a name moved between families is covered too.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

PHYSICS_MD = Path(__file__).resolve().parents[1] / "docs" / "physics.md"

#: the physics core: `quantum.X`, `superop.X`, `distributions.X` name the modules themselves
CORE = ("quantum", "superop", "distributions")
#: family packages; a section belongs to the family whose title words it contains
FAMILIES = ("classical", "scattering", "gas", "fermions")
#: packages a table cell may name by prefix (`counting.scgf`) in any section
PREFIXED = (*FAMILIES, "counting")
SECTION_FAMILY = {
    "Core": None,
    "Classical and semiclassical collisional baths": "classical",
    "Quantum scattering maps and Poissonian bombardment": "scattering",
    "Collisional master equation in a dilute 3D gas": "gas",
    "Finite free-fermion baths": "fermions",
    "Counting statistics of finite fermion baths": "fermions",
    "Fluctuation theorems of classical collisional baths": "classical",
    # several families in one table: every name carries its package prefix
    "Counting statistics and fluctuation theorems: Lindblad core, gas, scattering": None,
}
#: every package with a public ``__all__`` (thermalize.counting once it exists)
PACKAGES = ["thermalize", *(f"thermalize.{m}" for m in CORE + FAMILIES)]
if importlib.util.find_spec("thermalize.counting") is not None:
    PACKAGES.append("thermalize.counting")


def _sections() -> dict[str, str]:
    """Level-2 sections of physics.md by title (subsections stay inside their section)."""
    text = PHYSICS_MD.read_text()
    out = {}
    for block in re.split(r"\n(?=## )", text)[1:]:
        out[block.splitlines()[0][3:].strip()] = block
    return out


def _family_of(title: str) -> str | None:
    for prefix, family in SECTION_FAMILY.items():
        if title.startswith(prefix):
            return family
    return None  # a section of several families: only names with a package prefix are read


def _function_cells(section: str):
    """The "function" cell of every table row (a table's header names its columns)."""
    header = None
    for line in section.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.replace("\\|", "/").split("|")[1:-1]]
        if header is None:
            header = cells
        elif "function" in header and not set(line) <= set("|-: "):
            yield cells[header.index("function")]


def _tokens(cell: str):
    """Backticked names of a cell, except those inside parentheses: `f` (`a`, `b`) lists the
    dataset variables or result fields a and b of f, not importable names."""
    depth = 0
    for i, part in enumerate(cell.split("`")):
        if i % 2 == 0:
            depth += part.count("(") - part.count(")")
        elif depth == 0:
            yield part


def _submodules(package: str) -> set[str]:
    if importlib.util.find_spec(package) is None:
        return set()
    mod = importlib.import_module(package)
    if not hasattr(mod, "__path__"):
        return set()
    return {m.name for m in pkgutil.iter_modules(mod.__path__)}


def documented_names() -> list[tuple[str, str, tuple[str, ...]]]:
    """(section family, package, (name, attr, ...)) for every documented public name."""
    found = set()
    for title, section in _sections().items():
        family = _family_of(title)
        subs = _submodules(f"thermalize.{family}") if family else set()
        for cell in _function_cells(section):
            last_class: tuple[str, tuple[str, ...]] | None = None
            for token in _tokens(cell):
                token = token.split("(")[0].strip()
                if "/" in token or not token:
                    continue  # a path, not a name
                if not all(p.isidentifier() for p in token.lstrip(".").split(".")):
                    continue  # a reproduction id ("gas.two-reservoir-counting"), not a name
                if token.startswith("."):
                    # ".simulate": a further attribute of the class named before in the cell
                    if last_class is not None:
                        package, head = last_class
                        found.add((package, (*head, *token[1:].split("."))))
                    continue
                parts = token.split(".")
                if any(p.startswith("_") for p in parts):
                    continue  # private helpers stay private (documented for the reader only)
                if parts[0] == "thermalize":
                    parts = parts[1:]
                if not parts:
                    continue
                if family is not None and parts[0] in (family, *subs):
                    # the section's own family (its submodule names win: `gas.` in the
                    # classical section is thermalize.classical.gas)
                    if parts[0] == family:
                        parts = parts[1:]
                    if parts and parts[0] in subs:
                        parts = parts[1:]  # module path: the name must be at package level too
                    package = f"thermalize.{family}"
                elif parts[0] in CORE:
                    package, parts = f"thermalize.{parts[0]}", parts[1:]
                elif parts[0] in PREFIXED:
                    package, parts = f"thermalize.{parts[0]}", parts[1:]
                    other = _submodules(package)
                    if parts and parts[0] in other:
                        parts = parts[1:]
                elif family is None:
                    continue
                else:
                    package = f"thermalize.{family}"
                if not parts:
                    continue
                found.add((package, tuple(parts)))
                for k in range(len(parts), 0, -1):
                    if parts[k - 1][:1].isupper():
                        last_class = (package, tuple(parts[:k]))
                        break
    return sorted(found)


def test_parser_finds_the_names_the_issue_lists():
    """Guards the parser, so the export test cannot pass vacuously."""
    names = {(p.rsplit(".", 1)[-1], ".".join(n)) for p, n in documented_names()}
    for expected in [
        ("quantum", "gibbs_state"),
        ("superop", "liouvillian"),
        ("classical", "level_change_velocity_map"),
        ("classical", "rectangle_boundary"),
        ("classical", "map_boundary"),
        ("classical", "RotatingDisk.velocity_map"),  # a ".velocity_map" continuation
        ("gas", "heat_current"),
        ("gas", "entropy_production_rate"),
        ("gas", "RepeatedInteractionModel"),
        ("gas", "fitted_temperature"),
        ("scattering", "ScatteringModel.from_hamiltonian"),
        ("fermions", "fock_correlation_matrix"),
        ("fermions", "TransferStatistics.particle_eigenvalues"),
    ]:
        assert expected in names, expected
    # result fields and dataset variables in parentheses are not names
    assert ("fermions", "sigma") not in names and ("classical", "ift") not in names
    assert len(names) > 150


@pytest.mark.parametrize(
    ("package", "parts"),
    documented_names(),
    ids=lambda x: ".".join(x) if isinstance(x, tuple) else x,
)
def test_every_documented_name_is_exported(package, parts):
    mod = importlib.import_module(package)
    public = getattr(mod, "__all__", None)
    assert public is not None, f"{package} has no __all__"
    assert parts[0] in public, f"{parts[0]} is in physics.md but not in {package}.__all__"
    obj = getattr(mod, parts[0])
    for attr in parts[1:]:
        fields = getattr(obj, "__dataclass_fields__", {})
        assert hasattr(obj, attr) or attr in fields, f"{package}.{'.'.join(parts)} does not exist"
        obj = getattr(obj, attr, None)


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_public_and_importable(package):
    mod = importlib.import_module(package)
    public = mod.__all__
    assert len(public) == len(set(public)), f"{package}.__all__ lists a name twice"
    private = [n for n in public if n.startswith("_") and n != "__version__"]
    assert not private, f"{package}.__all__ exports private names {private}"
    missing = [n for n in public if not hasattr(mod, n)]
    assert not missing, f"{package}.__all__ lists names it does not define: {missing}"
    # star-import gives exactly __all__ (what a user sees)
    ns: dict = {}
    exec(f"from {package} import *", ns)  # noqa: S102 (a fixed module name)
    assert set(public) <= set(ns)
