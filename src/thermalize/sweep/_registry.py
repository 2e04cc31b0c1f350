"""Registry of sweepable quantities: name -> function, parameters, defaults, outputs."""

from __future__ import annotations

import difflib
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from ._errors import SpecError

__all__ = [
    "REQUIRED",
    "Quantity",
    "add_quantity_provider",
    "get_quantity",
    "quantities",
    "quantity_from_function",
    "register_quantity",
    "resolve_quantity",
]


class _Required:
    """Sentinel: a parameter with no default (must be given in the grid or as fixed)."""

    def __repr__(self) -> str:
        return "REQUIRED"


#: Default of a quantity parameter that has none.
REQUIRED = _Required()


@dataclass(frozen=True)
class Quantity:
    """A function that can be evaluated on every point of a parameter grid.

    Attributes
    ----------
    name : str
        Registered name (``family.what``) or ``module:function`` reference.
    function : callable
        ``function(**parameters[, rng=Generator]) -> float | ndarray | dict[str, ...]``.
        One call per grid point; a dict return names several output variables.
    parameters : mapping str -> default
        Every keyword the function takes except ``rng``; `REQUIRED` when it has no default.
    stochastic : bool
        True when the function takes ``rng`` (a per-point ``numpy.random.Generator``).
    outputs : mapping str -> tuple of str
        Output variable -> names of its own (non-grid) dimensions. Empty: inferred from the
        first result (scalar outputs; array outputs get dims ``{name}_dim{i}``).
    description : str
        One line, shown by the report and in the dataset attrs.
    checks : mapping str -> callable
        Parameter -> ``check(value)`` raising `thermalize.errors.ParameterError` for a value
        the function would reject; run on every fixed and grid value before a sweep starts.
        Parameters annotated ``int``, ``float`` or ``str`` are type-checked in any case.
    cf : mapping str -> (long_name, units, symbol)
        CF attributes of the outputs, parameters (grid axes) and own dimensions
        (`thermalize.io.describe`); the sweep dataset carries them.
    coords : mapping str -> sequence
        Labels of own dimensions (``{"bath": ("L", "R")}``); other own dimensions get
        ``0, 1, ...``.
    """

    name: str
    function: Callable = field(repr=False)
    parameters: Mapping[str, object]
    stochastic: bool
    outputs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    description: str = ""
    cf: Mapping[str, tuple] = field(default_factory=dict, repr=False)
    coords: Mapping[str, tuple] = field(default_factory=dict, repr=False)
    checks: Mapping[str, Callable] = field(default_factory=dict, repr=False)

    def check(self, name: str, value, *, where: str | None = None) -> None:
        """Check one parameter value before any work; `SpecError` naming `where` if bad."""
        from ..errors import ParameterError, require_int, require_real

        kind = _annotation(self.function, name)
        try:
            if kind == "int":
                require_int(name, value)
            elif kind == "float":
                require_real(name, value, allow_inf=True)
            elif kind == "str" and not isinstance(value, str):
                raise ParameterError(f"{name}: expected a string, got {value!r}")
            if name in self.checks:
                self.checks[name](value)
        except ParameterError as exc:
            raise SpecError(f"{where or name}: {exc}") from exc

    def required(self) -> list[str]:
        """Names of the parameters without a default."""
        return [k for k, v in self.parameters.items() if v is REQUIRED]

    def defaults(self) -> dict[str, object]:
        """Parameters with their defaults (those without one are left out)."""
        return {k: v for k, v in self.parameters.items() if v is not REQUIRED}


def quantity_from_function(
    function: Callable, *, name: str | None = None, outputs=None, description: str = ""
) -> Quantity:
    """A `Quantity` whose parameters, defaults and stochasticity come from `function`'s signature.

    Every parameter must be passable by keyword; a parameter named ``rng`` makes it stochastic.

    Examples
    --------
    >>> def f(x, scale=2.0, *, rng): return scale * x + rng.random()
    >>> q = quantity_from_function(f)
    >>> (q.name, dict(q.parameters), q.stochastic)
    ('f', {'x': REQUIRED, 'scale': 2.0}, True)
    """
    if not callable(function):
        raise SpecError(f"quantity must be callable or a registered name, got {function!r}")
    params: dict[str, object] = {}
    stochastic = False
    for p in inspect.signature(function).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.POSITIONAL_ONLY):
            raise SpecError(
                f"quantity {getattr(function, '__qualname__', function)!r}: parameter {p.name!r} "
                "must be passable by keyword (no *args, **kwargs or positional-only)"
            )
        if p.name == "rng":
            stochastic = True
            continue
        params[p.name] = REQUIRED if p.default is p.empty else p.default
    qname = name or getattr(function, "__qualname__", repr(function))
    out = {k: tuple(v) for k, v in (outputs or {}).items()}
    return Quantity(qname, function, params, stochastic, out, description)


def _annotation(function: Callable, name: str) -> str | None:
    """'int', 'float' or 'str' when parameter `name` of `function` is annotated so."""
    try:
        ann = inspect.signature(function).parameters[name].annotation
    except (KeyError, TypeError, ValueError):
        return None
    if isinstance(ann, type):
        ann = ann.__name__
    return ann if ann in ("int", "float", "str") else None


_QUANTITIES: dict[str, Quantity] = {}


def register_quantity(name: str, *, outputs: Mapping[str, tuple[str, ...]], description: str,
                      cf: Mapping[str, tuple] | None = None,
                      coords: Mapping[str, tuple] | None = None,
                      checks: Mapping[str, Callable] | None = None):
    """Decorator registering a function as the sweepable quantity `name`.

    The function's signature gives the parameters and defaults; ``rng`` makes it stochastic.
    `cf` gives ``(long_name, units, symbol)`` of its outputs, parameters and own dimensions,
    `coords` the labels of own dimensions (see `Quantity`).
    Registrations live in ``thermalize/papers/quantities/<family>.py`` (auto-discovered, see
    `add_quantity_provider`)::

        @register_quantity("demo.square", outputs={"square": ()}, description="x^2")
        def square(x: float) -> dict:
            return {"square": x * x}

    Examples
    --------
    >>> q = get_quantity("core.detailed-balance-steady-state")
    >>> q.required(), q.stochastic, q.outputs["populations"]
    (['beta'], False, ('level',))
    """

    def wrap(function: Callable) -> Callable:
        q = quantity_from_function(function, name=name, outputs=outputs, description=description)
        q = replace(q, cf=dict(cf or {}), coords={k: tuple(v) for k, v in (coords or {}).items()})
        if checks:
            q = replace(q, checks=dict(checks))
        old = _QUANTITIES.get(name)
        if old is not None and old.function.__qualname__ != function.__qualname__:
            raise ValueError(f"quantity {name!r} registered twice")
        _QUANTITIES[name] = q
        return function

    return wrap


#: Modules whose import registers quantities, loaded on the first lookup by name. The engine
#: knows no family: the registrations live in the composition layer (``thermalize.papers``),
#: and another package can add its own module here with `add_quantity_provider`.
_PROVIDERS: list[str] = ["thermalize.papers.quantities"]


def add_quantity_provider(module: str) -> None:
    """Register `module` (a package or module name) as a source of registered quantities.

    Its import (and, for a package, that of its public submodules) runs the
    `register_quantity` decorators; it happens on the first lookup by name.
    """
    if module not in _PROVIDERS:
        _PROVIDERS.append(module)


def _load_all() -> None:
    for name in list(_PROVIDERS):
        pkg = importlib.import_module(name)
        for mod in pkgutil.iter_modules(getattr(pkg, "__path__", [])):
            if not mod.name.startswith("_"):
                importlib.import_module(f"{pkg.__name__}.{mod.name}")


def quantities() -> dict[str, Quantity]:
    """All registered quantities, sorted by name (imports every registration module once)."""
    _load_all()
    return dict(sorted(_QUANTITIES.items()))


def get_quantity(name: str) -> Quantity:
    """The registered quantity `name`; `SpecError` with close names if unknown."""
    if not isinstance(name, str):
        raise SpecError(f"name: a quantity is named by a str, got {type(name).__name__}")
    reg = quantities()
    if name not in reg:
        close = difflib.get_close_matches(name, list(reg), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; registered: {', '.join(reg)}"
        raise SpecError(f"quantity {name!r} is not registered{hint}")
    return reg[name]


def resolve_quantity(ref: str | Quantity | Callable) -> Quantity:
    """A `Quantity` from a registered name, a ``module:function`` reference or a callable."""
    if isinstance(ref, Quantity):
        return ref
    if callable(ref):
        return quantity_from_function(ref)
    if not isinstance(ref, str) or not ref:
        raise SpecError(f"quantity must be a non-empty string, got {ref!r}")
    if ":" not in ref:
        return get_quantity(ref)
    module, _, attr = ref.partition(":")
    try:
        obj = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise SpecError(f"quantity {ref!r} cannot be imported: {exc}") from exc
    return quantity_from_function(obj, name=ref)
