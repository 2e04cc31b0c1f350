"""The documentation stays honest: every public name is documented, page code runs, docs build."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
import re
import runpy
import shutil
import subprocess
import sys
import types
import zlib
from pathlib import Path

import pytest

import thermalize

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _public_modules() -> list[types.ModuleType]:
    """thermalize and every submodule with no path component starting with ``_``."""
    mods = [thermalize]
    for info in pkgutil.walk_packages(thermalize.__path__, "thermalize."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            mods.append(importlib.import_module(info.name))
    return mods


def _documented_data_names() -> set[str]:
    """Names of module-level assignments documented by a ``#:`` comment or a string after.

    These are the two attribute-docstring forms Sphinx autodoc renders for data.
    """
    found = set()
    for path in Path(thermalize.__file__).parent.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        body = ast.parse(source).body
        for node, nxt in zip(body, body[1:] + [None]):
            if isinstance(node, ast.Assign):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                targets = [node.target.id]
            else:
                continue
            before = lines[node.lineno - 2].lstrip() if node.lineno > 1 else ""
            string_after = (isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant)
                            and isinstance(nxt.value.value, str))
            if before.startswith("#:") or "#:" in lines[node.lineno - 1] or string_after:
                found.update(targets)
    return found


def _own_doc(obj) -> str:
    if inspect.isclass(obj):
        return obj.__dict__.get("__doc__") or ""
    return getattr(obj, "__doc__", None) or ""


def _is_dataclass_autodoc(cls, doc: str) -> bool:
    """dataclass() writes 'Name(field: type, ...)' when a class has no docstring."""
    return doc.startswith(f"{cls.__name__}(")


def _undocumented(modules) -> list[str]:
    documented_data = _documented_data_names()
    missing = []
    for mod in modules:
        if not (mod.__doc__ or "").strip():
            missing.append(f"{mod.__name__} (module docstring)")
        for name in getattr(mod, "__all__", ()):
            where = f"{mod.__name__}.{name}"
            if not hasattr(mod, name):
                missing.append(f"{where} (listed in __all__ but not defined)")
                continue
            obj = getattr(mod, name)
            if isinstance(obj, types.ModuleType) or name == "__version__":
                continue  # modules are checked as modules; __version__ is a plain string
            if inspect.isclass(obj):
                doc = _own_doc(obj)
                if not doc.strip() or _is_dataclass_autodoc(obj, doc):
                    missing.append(where)
                for attr, member in vars(obj).items():
                    fn = member.fget if isinstance(member, property) else member
                    if isinstance(fn, (classmethod, staticmethod)):
                        fn = fn.__func__
                    if attr.startswith("_") or not inspect.isfunction(fn):
                        continue
                    if not (fn.__doc__ or "").strip():
                        missing.append(f"{where}.{attr}")
            elif inspect.isfunction(obj) or inspect.isbuiltin(obj):
                if not (obj.__doc__ or "").strip():
                    missing.append(where)
            elif callable(obj) and (_own_doc(obj) or _own_doc(type(obj))).strip():
                continue  # a documented callable object (e.g. a registered reproduction)
            elif name not in documented_data:
                missing.append(f"{where} (data: needs a '#:' comment or a docstring)")
    return sorted(set(missing))


def test_every_public_name_has_a_docstring():
    """Anything in a public module's __all__ (and every public method) has a docstring.

    Public module: no component of its dotted path starts with "_". Data (constants) count as
    documented with a ``#:`` comment or a string literal after the assignment, which is what
    the API reference renders.
    """
    missing = _undocumented(_public_modules())
    assert not missing, "public names without a docstring:\n  " + "\n  ".join(missing)


def test_the_docstring_check_can_fail():
    """The checker flags an undocumented function, class, method and constant."""
    mod = types.ModuleType("thermalize_fake", "A module docstring.")

    def bare():
        return None

    class Bare:
        def method(self):
            return None

    mod.bare, mod.Bare, mod.NO_SUCH_LIMIT = bare, Bare, 3.0
    mod.__all__ = ["bare", "Bare", "NO_SUCH_LIMIT"]
    assert _undocumented([mod]) == sorted([
        "thermalize_fake.bare", "thermalize_fake.Bare", "thermalize_fake.Bare.method",
        "thermalize_fake.NO_SUCH_LIMIT (data: needs a '#:' comment or a docstring)",
    ])


def _python_blocks(page: Path) -> str:
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    return "\n".join(blocks)


def test_conventions_page_code_runs():
    """The conventions page's examples (row-major vs QuTiP column stacking) run as written."""
    pytest.importorskip("qutip", reason="the conventions page compares with QuTiP")
    code = _python_blocks(DOCS / "conventions.md")
    assert "np.einsum" in code and "qutip" in code
    exec(compile(code, "docs/conventions.md", "exec"), {})  # noqa: S102 (our own page's code)


def test_qutip_users_page_code_runs():
    """The QuTiP users' page: its side-by-side example agrees with QuTiP as it claims."""
    pytest.importorskip("qutip", reason="the page compares with QuTiP")
    code = _python_blocks(DOCS / "qutip_users.md")
    assert "qutip.mesolve" in code and "steady_state" in code
    exec(compile(code, "docs/qutip_users.md", "exec"), {})  # noqa: S102 (our own page's code)


def test_getting_started_code_runs(tmp_path, monkeypatch, capsys):
    """Getting started: `thermalize reproduce`, then every Python block on the page, in order."""
    from thermalize.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["reproduce", "core.gibbs-fixed-point", "--out", "results"]) == 0
    code = _python_blocks(DOCS / "getting_started.md")
    assert "read_dataset" in code and "json.load" in code
    exec(compile(code, "docs/getting_started.md", "exec"), {})  # noqa: S102 (our own page)
    assert (tmp_path / "results" / "my_version.png").stat().st_size > 0
    out = capsys.readouterr().out
    assert "core.gibbs-fixed-point passed" in out and "FAIL " not in out


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted((DOCS / "tutorials").glob("plot_*.py")),
                         ids=lambda p: p.stem)
def test_tutorial_runs(script, tmp_path, monkeypatch):
    """Each tutorial runs as a plain script (its asserts are the audits), also without Sphinx."""
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    try:
        runpy.run_path(str(script), run_name="__main__")
    finally:
        plt.close("all")


@pytest.mark.slow
def test_sphinx_build_with_warnings_as_errors(tmp_path):
    """`sphinx-build -W docs` succeeds (API reference, pages and executed tutorials)."""
    for module in ("sphinx", "numpydoc", "myst_parser", "sphinx_gallery"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed: pip install '.[docs]' to build the docs")
    src = tmp_path / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns(
        "_build", "auto_examples", "generated", "sg_execution_times.rst"))
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", str(src),
         str(tmp_path / "html")],
        check=False, capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-8000:]
    assert (tmp_path / "html" / "index.html").exists()
    assert (tmp_path / "html" / "auto_examples" / "index.html").exists()
    # every public name is documented in the API reference under some module that exports it
    documented = _python_objects(tmp_path / "html" / "objects.inv")
    absent = []
    for mod in _public_modules():
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name, None)
            if isinstance(obj, types.ModuleType) or name == "__version__":
                continue
            exporters = [m.__name__ for m in _public_modules() if name in getattr(m, "__all__", ())
                         and getattr(m, name, None) is obj]
            if not any(f"{m}.{name}" in documented for m in exporters):
                absent.append(f"{mod.__name__}.{name}")
    assert not absent, "public names missing from the API reference: " + ", ".join(absent)
    _assert_pages_are_complete_and_offline(tmp_path / "html")


def _assert_pages_are_complete_and_offline(html: Path) -> None:
    """Issue 16: no API summary cut at "Eq.", no stray object reprs, MathJax served locally."""
    pages = {p: p.read_text(encoding="utf-8") for p in html.rglob("*.html")}
    cut = sorted({m for text in pages.values()
                  for m in re.findall(r"<td><p>([^<]{0,120}\bEqs?\.)</p></td>", text)})
    assert not cut, f"{len(cut)} API summaries cut at 'Eq.': {cut[:5]}"
    reprs = [str(p.relative_to(html)) for p, text in pages.items() if "object at 0x" in text]
    assert not reprs, f"stray object reprs on {reprs}"
    scripts = {src for text in pages.values()
               for src in re.findall(r"<script[^>]+src=\"([^\"]*mathjax[^\"]*)\"", text, re.I)}
    assert scripts, "no page loads MathJax"
    if importlib.util.find_spec("mathjax") is None:
        pytest.skip("django-static-mathjax (the [docs] extra) is not installed: MathJax from CDN")
    assert not any(s.startswith(("http:", "https:", "//")) for s in scripts), scripts
    assert (html / "_static" / "mathjax" / "tex-svg-full.js").stat().st_size > 1_000_000


def _python_objects(inventory: Path) -> set[str]:
    """Names of the py-domain objects in a Sphinx objects.inv (format version 2)."""
    raw = inventory.read_bytes()
    header_end = 0
    for _ in range(4):  # four plain-text header lines, then zlib-compressed entries
        header_end = raw.index(b"\n", header_end) + 1
    names = set()
    for line in zlib.decompress(raw[header_end:]).decode("utf-8").splitlines():
        name, _, rest = line.partition(" ")
        if rest.startswith("py:"):
            names.add(name)
    return names
