"""The reproduction registry: ids -> (compute, plot, checks) with paper references."""

from __future__ import annotations

import difflib
import functools
import importlib
import math
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Check",
    "Reproduction",
    "register",
    "registry",
    "get",
    "suggest",
    "EHRICH2020",
    "TABANERA2023",
    "GAIDA2025",
    "USUI2024",
]

#: Reference of the classical collisional-bath paper (thermalize.classical).
EHRICH2020 = (
    "J. Ehrich, M. Esposito, F. Barra, J. M. R. Parrondo, Micro-reversibility and "
    "thermalization with collisional baths, Physica A 552, 122108 (2020)"
)
#: Reference of the scattering-map paper (thermalize.scattering).
TABANERA2023 = (
    "J. Tabanera-Bravo, J. M. R. Parrondo, M. Esposito, F. Barra, Thermalization and "
    "dephasing in collisional reservoirs, Phys. Rev. Lett. 130, 200402 (2023)"
)
#: Reference of the dilute-gas master-equation paper (thermalize.gas).
GAIDA2025 = (
    "M. Gaida, G. Gasbarri, S. Nimmrichter, Thermodynamically consistent collisional master "
    "equation in a low-density gas with internal structure (2025)"
)
#: Reference of the finite-fermion-bath paper (thermalize.fermions).
USUI2024 = (
    "A. Usui, K. Ptaszynski, M. Esposito, P. Strasberg, Microscopic contributions to the "
    "entropy production at all times: from nonequilibrium steady states to global "
    "thermalization (2024)"
)
#: Label of the core reproductions (laws of Lindblad dynamics, no paper).
CORE = "thermalize core (laws of Lindblad dynamics)"


@dataclass(frozen=True)
class Check:
    """One named comparison of a reproduction: computed vs expected within a tolerance.

    Attributes
    ----------
    name : str
        What is checked, in words.
    computed, expected : float
        The two numbers compared (``expected`` may be a bound, see ``kind``).
    tolerance : float
        Absolute tolerance (``kind="close"``) or slack on the bound.
    passed : bool
    source : str
        Where the expected value comes from: "Eq. (9)", "Fig. 2 caption", "law: ...".
    kind : str
        "close" (|computed - expected| <= tolerance), "le" (computed <= expected + tol),
        "ge" (computed >= expected - tol), or "skipped".
    note : str
        Free text (e.g. why a check was skipped).
    """

    name: str
    computed: float
    expected: float
    tolerance: float
    passed: bool
    source: str
    kind: str = "close"
    note: str = ""

    @classmethod
    def close(cls, name, computed, expected, tolerance, source, *, relative=False, note=""):
        """|computed - expected| <= tolerance (times |expected| if relative)."""
        c, e = float(computed), float(expected)
        tol = float(tolerance) * (abs(e) if relative else 1.0)
        ok = bool(np.isfinite(c) and abs(c - e) <= tol) or (c == e)
        return cls(name, c, e, tol, ok, source, "close", note)

    @classmethod
    def at_most(cls, name, computed, bound, source, *, tolerance=0.0, note=""):
        """computed <= bound + tolerance."""
        c, b = float(computed), float(bound)
        return cls(name, c, b, float(tolerance), bool(c <= b + tolerance), source, "le", note)

    @classmethod
    def at_least(cls, name, computed, bound, source, *, tolerance=0.0, note=""):
        """computed >= bound - tolerance."""
        c, b = float(computed), float(bound)
        return cls(name, c, b, float(tolerance), bool(c >= b - tolerance), source, "ge", note)

    @classmethod
    def skipped(cls, name, source, note):
        """A check that could not run here (e.g. optional dependency missing); it passes."""
        return cls(name, math.nan, math.nan, math.nan, True, source, "skipped", note)

    def to_dict(self) -> dict:
        """JSON-ready dict (NaN -> None)."""

        def num(x):
            return None if (x is None or not np.isfinite(x)) else float(x)

        return {
            "name": self.name,
            "computed": num(self.computed),
            "expected": num(self.expected),
            "tolerance": num(self.tolerance),
            "passed": self.passed,
            "source": self.source,
            "kind": self.kind,
            "note": self.note,
        }


@dataclass(frozen=True)
class Reproduction:
    """A registered result of a paper.

    Attributes
    ----------
    id : str
        ``paper.result`` such as ``tabanera2023.fig2``.
    title : str
        What it shows, one line.
    paper : str
        Full reference (one of the module constants).
    runtime_estimate_s : float
        Expected wall time in quick mode on one core.
    compute : callable (quick: bool) -> xarray.Dataset
        Computes the data; parameters go into ``attrs``.
    plot : callable (xarray.Dataset) -> matplotlib Figure
        Draws from the dataset only.
    checks : callable (xarray.Dataset) -> list[Check]
    full_runtime_estimate_s : float
        Expected wall time with ``--full`` on one core (measured by
        ``benchmarks/time_estimates.py``).
    tasks : callable (quick: bool) -> list[thermalize.sweep.Task], optional
        The expensive work as independent tasks (see ``papers/_tasks.py``): the runner
        computes them on the chosen executor, stores them under their keys and then calls
        ``compute``, which finds their results. Without it the whole ``compute`` is one task.
    cf : dict, optional
        ``{name: (long_name, units, symbol)}`` of every data variable, coordinate and
        dimension of the dataset (CF attributes, `thermalize.io.describe`); ``compute``
        applies it.
    """

    id: str
    title: str
    paper: str
    runtime_estimate_s: float
    compute: Callable = field(repr=False)
    plot: Callable = field(repr=False)
    checks: Callable = field(repr=False)
    full_runtime_estimate_s: float = math.nan
    tasks: Callable | None = field(default=None, repr=False)
    cf: dict = field(default_factory=dict, repr=False)

    def estimate_s(self, quick: bool) -> float:
        """Estimated wall time on one core in the given mode."""
        return self.runtime_estimate_s if quick else self.full_runtime_estimate_s


_REGISTRY: dict[str, Reproduction] = {}


def register(
    id: str,
    *,
    title: str,
    paper: str,
    runtime_estimate_s: float,
    plot: Callable,
    checks: Callable,
    full_runtime_estimate_s: float = math.nan,
    tasks: Callable | None = None,
    cf: dict | None = None,
):
    """Decorator registering ``compute(quick: bool) -> Dataset`` as reproduction `id`.

    `cf` (``{name: (long_name, units, symbol)}``) describes the dataset's variables and
    coordinates (CF attributes); a name that is a dimension without a coordinate gets the
    coordinate ``0, 1, ...``. The registered (and returned) compute applies it.

    A complete example, with its plot and checks, is ``thermalize/papers/core/gibbs.py``
    (``core.gibbs-fixed-point``); the paper subpackages of ``thermalize/papers`` (one per
    paper, one module per figure group, registrations in its ``__init__``) are imported by
    `registry`, so registering is all a new result needs.
    """

    def wrap(compute: Callable) -> Callable:
        if id in _REGISTRY and _REGISTRY[id].compute.__qualname__ != compute.__qualname__:
            raise ValueError(f"reproduction id {id!r} registered twice")
        described = _described(compute, dict(cf or {}))
        _REGISTRY[id] = Reproduction(
            id, title, paper, float(runtime_estimate_s), described, plot, checks,
            float(full_runtime_estimate_s), tasks, dict(cf or {}),
        )
        return described

    return wrap


def describe_dataset(ds, cf: dict):
    """Apply `cf` to `ds` (see `register`): coordinates for bare dimensions, then
    `thermalize.io.describe` of every name present (returns `ds`)."""
    from ..io import describe

    bare = {d: np.arange(ds.sizes[d]) for d in cf if d in ds.dims and d not in ds.coords}
    if bare:
        ds = ds.assign_coords(bare)
    return describe(ds, {k: v for k, v in cf.items() if k in ds.variables})


def _described(compute: Callable, cf: dict) -> Callable:
    if not cf:
        return compute

    @functools.wraps(compute)
    def described(quick: bool):
        return describe_dataset(compute(quick), cf)

    return described


def _load_all() -> None:
    from thermalize import papers

    for mod in pkgutil.iter_modules(papers.__path__):
        if not mod.name.startswith("_") and mod.name != "quantities":
            importlib.import_module(f"thermalize.papers.{mod.name}")


def registry() -> dict[str, Reproduction]:
    """All registered reproductions, sorted by id (imports every paper module once)."""
    _load_all()
    return dict(sorted(_REGISTRY.items()))


def get(id: str) -> Reproduction:
    """The reproduction `id`; KeyError with close suggestions if unknown."""
    reg = registry()
    if id not in reg:
        hint = suggest(id)
        raise KeyError(f"unknown reproduction id {id!r}" + (f"; did you mean {hint}?" if hint else ""))
    return reg[id]


def suggest(id: str, n: int = 3) -> str:
    """Comma-separated closest registered ids to `id` (empty if none is close)."""
    reg = registry()
    close = difflib.get_close_matches(id, list(reg), n=n, cutoff=0.5)
    if not close:
        close = [k for k in reg if k.startswith(id.split(".")[0] + ".")][:n]
    return ", ".join(close)
