"""Sphinx configuration of the thermalize documentation.

Build (warnings are errors): ``pip install ".[docs]" && sphinx-build -W docs docs/_build``.

The API reference is generated from the code at every build: each public module (no path
component starting with ``_``) gets a page listing the names of its ``__all__``; each public
object is documented once, on the page of the shallowest public module that exports it
(``thermalize.scattering.ScatteringModel``, not ``thermalize.scattering.model.ScatteringModel``),
and the other modules that re-export it link there. A family that lands later appears without
editing these files.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import pkgutil
import re
import shutil
import sys
import types
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT / "src"))  # build from the checkout even when not installed
os.environ.setdefault("MPLBACKEND", "Agg")

import thermalize

project = "thermalize"
author = "the thermalize developers"
copyright = "2026, the thermalize developers"
release = thermalize.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "tutorials/README.rst"]

html_theme = "alabaster"
html_title = f"thermalize {release}"
html_theme_options = {
    "description": "When does a reservoir thermalize a system, and at what entropy cost?",
    "fixed_sidebar": True,
    "page_width": "1160px",  # room for 100-column code next to the sidebar
    "body_max_width": "none",
}
html_static_path = ["_static"]
html_css_files = ["thermalize.css"]  # code blocks scroll inside the content column

# --- MathJax served from the build directory (pages render offline) -------------------------
# MathJax 3.2 (Apache-2.0) comes from the PyPI package django-static-mathjax (the [docs] and
# [test] extras; it needs no Django): its single-file es5/tex-svg-full.js carries every TeX
# extension and the fonts as SVG paths, so one file copied into _static/mathjax/ is all a page
# loads. Without the package the build falls back to Sphinx's CDN default.
MATHJAX_FILE = "tex-svg-full.js"


def _mathjax_source() -> Path | None:
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        return None
    es5 = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax" / "es5"
    return es5 if (es5 / MATHJAX_FILE).is_file() else None


MATHJAX_SOURCE = _mathjax_source()
if MATHJAX_SOURCE is not None:
    mathjax_path = f"mathjax/{MATHJAX_FILE}"  # relative to _static

# --- autodoc / autosummary / numpydoc -------------------------------------------------------
autosummary_generate = True
autosummary_ignore_module_all = False
autodoc_typehints = "none"            # types are written in the numpydoc sections
autodoc_member_order = "bysource"
autodoc_default_options = {"show-inheritance": True}
numpydoc_show_class_members = False   # members come from the class template (no stub clash)
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
add_module_names = False

# --- MyST: docs/physics.md, docs/scaling.md and the prose pages ------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# --- Sphinx-Gallery: tutorials are plain .py scripts executed at build time -----------------
sphinx_gallery_conf = {
    "examples_dirs": "tutorials",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",          # every tutorial is executed
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,         # a broken tutorial breaks the build
    "download_all_examples": False,
    "remove_config_comments": True,
    "reference_url": {"thermalize": None},  # link names in the code to the API pages
    "doc_module": ("thermalize",),
    "backreferences_dir": "generated/backreferences",  # "Tutorials using X" on API pages
    "image_scrapers": ("matplotlib",),
    "show_memory": False,
    "min_reported_time": 1,
    # the last expression of a code block is shown unless it is a matplotlib artist: no stray
    # "<matplotlib.legend.Legend object at 0x...>" after ax.legend()
    "ignore_repr_types": r"matplotlib\.(legend|text|axes|figure|lines|collections|image|"
                         r"colorbar|container|patches|contour|quiver)",
}


# --- API reference generation ----------------------------------------------------------------
API_DIR = DOCS / "generated"
#: Sections of the API page: (title, one-line description, module prefixes).
API_SECTIONS = [
    ("Core", "States, entropies, superoperators, gas and Fermi laws, errors.",
     ["thermalize.quantum", "thermalize.superop", "thermalize.distributions",
      "thermalize.errors"]),
    ("Physics families", "One subpackage per family of models.",
     ["thermalize.classical", "thermalize.scattering", "thermalize.gas",
      "thermalize.fermions"]),
    ("Sweeps", "Parameter grids on local processes or a Dask cluster.",
     ["thermalize.sweep", "thermalize.sweeps"]),
    ("Reproductions, data, figures and the command line",
     "Registered reproductions of the papers, NetCDF I/O, figure style, HTML report, CLI.",
     ["thermalize.papers", "thermalize.io", "thermalize.plotting", "thermalize.report",
      "thermalize.cli"]),
]


def public_modules() -> list[types.ModuleType]:
    """Every importable public module of thermalize (no path component starting with ``_``)."""
    mods = [thermalize]
    for info in pkgutil.walk_packages(thermalize.__path__, "thermalize."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        mods.append(importlib.import_module(info.name))
    return sorted(mods, key=lambda m: m.__name__)


#: Problems found while generating the API pages, reported as Sphinx warnings (errors with -W).
API_PROBLEMS: list[str] = []


def _exported(mod) -> list[str]:
    """Names of ``mod.__all__`` that exist; a missing one is recorded in API_PROBLEMS."""
    names = []
    for name in getattr(mod, "__all__", ()):
        if hasattr(mod, name):
            names.append(name)
        else:
            API_PROBLEMS.append(f"{mod.__name__}.__all__ lists {name!r}, which is not defined")
    return names


def _report_api_problems(app) -> None:
    from sphinx.util import logging

    for problem in dict.fromkeys(API_PROBLEMS):
        logging.getLogger("thermalize.docs").warning(problem)


def _kind(obj) -> str:
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if callable(obj):
        return "function"
    return "data"


def _canonical_homes(mods) -> dict[tuple[str, int], str]:
    """(name, id(obj)) -> the shallowest public module (not the top level) exporting it."""
    homes: dict[tuple[str, int], list[str]] = {}
    for mod in mods:
        for name in _exported(mod):
            obj = getattr(mod, name)
            if isinstance(obj, types.ModuleType) or name == "__version__":
                continue
            homes.setdefault((name, id(obj)), []).append(mod.__name__)
    out = {}
    for key, names in homes.items():
        candidates = [n for n in names if n != "thermalize"] or names
        out[key] = min(candidates, key=lambda n: (n.count("."), n))
    return out


def _title(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}\n"


def _module_page(mod, homes, children=()) -> str:
    own, elsewhere = [], []
    for name in _exported(mod):
        obj = getattr(mod, name)
        if isinstance(obj, types.ModuleType):
            elsewhere.append(f":mod:`{obj.__name__}`")
            continue
        if name == "__version__":
            continue
        home = homes[(name, id(obj))]
        if home == mod.__name__:
            own.append(name)
        else:
            role = {"data": "data", "function": "func"}.get(_kind(obj), "class")
            elsewhere.append(f":{role}:`{name} <{home}.{name}>`")
    # a package attribute may shadow its submodule (scattering.amplitudes is a function):
    # then the function keeps the name in the index and the module page is not indexed
    shadowed = mod.__name__ in {f"{home}.{name}" for (name, _), home in homes.items()}
    directive = f".. automodule:: {mod.__name__}\n   :no-members:\n"
    if shadowed:
        directive += "   :no-index:\n"
    lines = [_title(mod.__name__), directive,
             f".. currentmodule:: {mod.__name__}\n"]
    if own:
        lines += [".. autosummary::", "   :toctree: .", "   :nosignatures:", ""]
        lines += [f"   {name}" for name in own] + [""]
    if elsewhere:
        lines += ["Also importable from here: " + ", ".join(elsewhere) + ".", ""]
    if children:
        lines += [_title("Submodules", "-"), ".. toctree::", "   :maxdepth: 1", ""]
        lines += [f"   module-{child}" for child in children] + [""]
    return "\n".join(lines)


def write_api_pages() -> None:
    """Write docs/generated/module-<module>.rst and docs/generated/api_sections.inc.

    Module pages carry a ``module-`` prefix: ``thermalize.scattering.amplitudes`` is both a
    submodule and a function, and the function's autosummary stub takes the plain name.
    """
    API_DIR.mkdir(exist_ok=True)
    for stale in [*API_DIR.glob("*.rst"), *API_DIR.glob("*.inc")]:  # not backreferences/
        stale.unlink()
    mods = public_modules()
    homes = _canonical_homes(mods)
    placed = set()
    sections = []
    for title, blurb, prefixes in API_SECTIONS:
        members = [m for m in mods if m.__name__ in prefixes]  # submodules: on their parent
        placed.update(m.__name__ for m in mods
                      if any(m.__name__.startswith(p + ".") for p in prefixes))
        placed.update(m.__name__ for m in members)
        if members:
            sections.append((title, blurb, members))
    rest = [m for m in mods if m.__name__.count(".") == 1 and m.__name__ not in placed]
    if rest:
        sections.append(("Other modules", "", rest))
    body = [_title("Top level: ``thermalize``", "-"),
            "``import thermalize`` re-exports the physics core (no plotting, CLI or sweeps).",
            "", ".. toctree::", "   :maxdepth: 1", "", "   generated/module-thermalize", ""]
    for title, blurb, members in sections:
        body += [_title(title, "-"), blurb, "", ".. toctree::", "   :maxdepth: 1", ""]
        body += [f"   generated/module-{m.__name__}" for m in members] + [""]
    for mod in mods:
        children = [] if mod is thermalize else [
            m.__name__ for m in mods if m.__name__.rpartition(".")[0] == mod.__name__]
        page = _module_page(mod, homes, children)
        (API_DIR / f"module-{mod.__name__}.rst").write_text(page, encoding="utf-8")
    (API_DIR / "api_sections.inc").write_text("\n".join(body), encoding="utf-8")


# --- plain-text physics notation in docstrings --------------------------------------------
# Docstrings write |v|, |j><k|, det|J| and gamma_ in plain text; in reStructuredText "|x|" is
# a substitution and "gamma_" a hyperlink reference. We never use either in docstrings, so
# before numpydoc parses a docstring, "|" and a trailing "_" are escaped everywhere except in
# inline literals, roles (:math:`...`), doctests, literal blocks and directive bodies.
_PROTECTED = re.compile(r"(``.+?``|:[\w:+-]+:`[^`]*`|`[^`]+`_{0,2})", flags=re.DOTALL)
_TRAILING_UNDERSCORE = re.compile(r"(?<=[\w)\]}])_(?!\w)")  # gamma_, p_+(, sigma_-


def _escape_text(text: str) -> str:
    parts = _PROTECTED.split(text)
    for i in range(0, len(parts), 2):  # even entries lie outside literals and roles
        parts[i] = _TRAILING_UNDERSCORE.sub(r"\\_", parts[i].replace("|", "\\|"))
    return "".join(parts)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def escape_plain_notation(app, what, name, obj, options, lines) -> None:
    """autodoc-process-docstring hook (runs before numpydoc): see the comment above.

    Runs of ordinary lines are escaped as one text, so a role such as :math:`...` that wraps
    onto the next line stays protected.
    """
    verbatim = [False] * len(lines)
    block_indent = None  # indentation of the line that opened a literal/directive block
    in_doctest = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if block_indent is not None:
            if not stripped or _indent(line) > block_indent:
                verbatim[i] = True
                continue
            block_indent = None
        if stripped.startswith(">>>"):
            in_doctest = True
        if in_doctest:
            in_doctest = bool(stripped)
            verbatim[i] = True
            continue
        if stripped.startswith(".. ") or stripped.endswith("::"):
            block_indent = _indent(line)
            verbatim[i] = stripped.startswith(".. ")  # a directive line stays verbatim
    i = 0
    while i < len(lines):
        if verbatim[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and not verbatim[j]:
            j += 1
        lines[i:j] = _escape_text("\n".join(lines[i:j])).split("\n")
        i = j


def _optional_pages() -> list[str]:
    """Pages that may not exist in every checkout (a missing one is skipped)."""
    pages = []
    if (DOCS / "scaling.md").exists():
        pages.append("scaling")
    return pages


def _index_always_outdated(app, env, added, changed, removed) -> list[str]:
    """Re-read index at every build: its toctree depends on which optional pages exist."""
    return ["index"]


def _fill_optional_toctree(app, docname, source) -> None:
    if docname == "index":
        entries = "\n".join(_optional_pages())
        source[0] = source[0].replace("optional-pages-filled-in-by-conf.py", entries)


# --- complete one-line summaries in the API tables ----------------------------------------
# autosummary cuts a summary at the first ". " ("Scattering map of Eq." for "Scattering map of
# Eq. (12) ..."). Our first docstring paragraph is the summary (numpydoc), so the table shows
# all of it.


def _whole_first_paragraph(extract):
    def extract_summary(doc, settings):
        summary = extract(doc, settings)
        stanza = []
        for line in doc:
            if line.strip():
                stanza.append(line.strip())
            elif stanza:
                break
        whole = " ".join(stanza)
        if summary and whole.startswith(summary.rstrip(".")) and len(whole) > len(summary):
            return re.sub(r"::\s*$", ".", whole)
        return summary

    extract_summary.__wrapped__ = extract
    return extract_summary


def _complete_summaries() -> None:
    from sphinx.ext import autosummary

    if not hasattr(autosummary.extract_summary, "__wrapped__"):
        autosummary.extract_summary = _whole_first_paragraph(autosummary.extract_summary)


def _copy_mathjax(app, exception) -> None:
    if exception is not None or MATHJAX_SOURCE is None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(MATHJAX_SOURCE / MATHJAX_FILE, target / MATHJAX_FILE)
    licence = MATHJAX_SOURCE.parent / "LICENSE"
    if licence.is_file():
        shutil.copy2(licence, target / "LICENSE")


write_api_pages()
_complete_summaries()


def setup(app):
    app.connect("build-finished", _copy_mathjax)
    app.connect("builder-inited", _report_api_problems)
    app.connect("env-get-outdated", _index_always_outdated)
    app.connect("source-read", _fill_optional_toctree)
    app.connect("autodoc-process-docstring", escape_plain_notation, priority=400)
