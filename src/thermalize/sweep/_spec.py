"""Sweep specs: the grid, fixed parameters, seed and chunking; TOML parsing and validation."""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._errors import SpecError
from ._registry import Quantity, resolve_quantity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["DEFAULT_CHUNKS", "MAX_POINTS", "TOP_LEVEL_KEYS", "SweepSpec", "load_spec",
           "parse_axis"]

#: Keys a spec may have at its top level.
TOP_LEVEL_KEYS = ("quantity", "grid", "fixed", "seed", "chunk_size", "description")
#: Axis forms of a ``[grid]`` entry besides a plain list.
AXIS_FORMS = ("values", "linspace", "logspace")
#: Without ``chunk_size`` a sweep is cut into about this many chunks (1 to 1000 points each):
#: a progress/checkpoint granularity of ~1 %, independent of the number of workers.
DEFAULT_CHUNKS = 100
#: Default cap on the number of grid points of a sweep (and on each axis), checked before any
#: array is made; raise it with ``max_points=`` (``thermalize sweep --max-points N``).
MAX_POINTS = 10_000_000


def _scalar(key: str, v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v)
    if isinstance(v, str):
        return v
    raise SpecError(f"{key}: values must be numbers or strings, got {v!r} ({type(v).__name__})")


def _values_array(key: str, values) -> np.ndarray:
    vals = [_scalar(key, v) for v in values]
    if not vals:
        raise SpecError(f"{key}: the axis is empty")
    kinds = {type(v) for v in vals}
    if kinds <= {int}:
        arr = np.array(vals, dtype=np.int64)
    elif kinds <= {int, float}:
        arr = np.array(vals, dtype=np.float64)
    elif kinds == {str}:
        arr = np.array(vals, dtype=str)
    else:
        raise SpecError(f"{key}: mixes {sorted(k.__name__ for k in kinds)}; use one kind")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise SpecError(f"{key}: values must be finite, got {vals!r}")
    if len(np.unique(arr)) != arr.size:
        raise SpecError(f"{key}: values must be distinct, got {vals!r}")
    return arr


def _space(key: str, form: str, args, max_points: int = MAX_POINTS) -> np.ndarray:
    if not (isinstance(args, (list, tuple)) and len(args) == 3):
        raise SpecError(f"{key}.{form}: expected [start, stop, num], got {args!r}")
    start, stop, num = args
    for name, v in (("start", start), ("stop", stop)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise SpecError(f"{key}.{form}: {name}={v!r} must be a finite number")
    if isinstance(num, bool) or not isinstance(num, int) or num < 1:
        raise SpecError(f"{key}.{form}: num={num!r} must be an integer >= 1")
    if num > max_points:
        raise SpecError(f"{key}.{form}: num={num} points exceeds the cap of {max_points} "
                        "points (raise it with --max-points / max_points=)")
    fn = np.linspace if form == "linspace" else np.logspace
    return _values_array(key, fn(float(start), float(stop), num).tolist())


def parse_axis(key: str, value, *, max_points: int = MAX_POINTS) -> np.ndarray:
    """Values of one grid axis from its spec entry.

    Parameters
    ----------
    key : str
        Where the entry sits (``grid.beta``), used in error messages.
    value : list, ndarray or dict
        A list of numbers or strings; ``{"linspace": [start, stop, num]}``;
        ``{"logspace": [start_exponent, stop_exponent, num]}`` (base 10, as NumPy);
        ``{"values": [...]}``.

    Returns
    -------
    ndarray, shape (n,)
        int64, float64 or str; distinct values.

    Examples
    --------
    >>> parse_axis("grid.rate", {"logspace": [-1, 1, 3]})
    array([ 0.1,  1. , 10. ])
    >>> parse_axis("grid.levels", [2, 3])
    array([2, 3])
    """
    if not isinstance(key, str):
        raise SpecError(f"key: expected a string (where the axis sits, e.g. 'grid.beta'), got "
                        f"{key!r} ({type(key).__name__})")
    if isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)) \
            or max_points < 1:
        raise SpecError(f"max_points: {max_points!r} must be an integer >= 1")
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in AXIS_FORMS]
        if unknown:
            raise SpecError(
                f"unknown key {key}.{unknown[0]!s} (an axis is a list or one of "
                f"{', '.join(AXIS_FORMS)})"
            )
        if len(value) != 1:
            raise SpecError(f"{key}: give exactly one of {', '.join(AXIS_FORMS)}")
        form, args = next(iter(value.items()))
        if form == "values":
            return parse_axis(key, args, max_points=max_points)
        return _space(key, form, args, max_points)
    if isinstance(value, (list, tuple)) or isinstance(value, np.ndarray) and value.ndim >= 1:
        if len(value) > max_points:
            raise SpecError(f"{key}: {len(value)} values exceed the cap of {max_points} points "
                            "(raise it with --max-points / max_points=)")
        return _values_array(key, list(np.asarray(value).tolist()
                                       if isinstance(value, np.ndarray) else value))
    raise SpecError(f"{key}: an axis is a list or a table {{linspace|logspace = [a, b, n]}}, "
                    f"got {value!r}")


def _fixed_value(key: str, v):
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return [_fixed_value(key, x) for x in v]
    return _scalar(key, v)


@dataclass(frozen=True)
class SweepSpec:
    """What a sweep computes: a quantity on the product grid of its axes.

    Attributes
    ----------
    quantity : Quantity
        Resolved from a registered name, a ``module:function`` reference or a callable.
    grid : dict str -> ndarray
        Axis values, in dimension order (the dataset's dimensions follow it).
    fixed : dict
        Parameters held fixed (numbers, strings, or lists of them).
    seed : int or None
        Root seed; point ``i`` (C order over the grid) uses child ``i`` of
        ``SeedSequence(seed).spawn(n_points)``. Required when the quantity is stochastic.
    chunk_size : int, optional
        Points per task and per checkpoint file, an integer >= 1; default (None) about 1 %
        of the points (1 to 1000).
    description : str
    max_points : int
        Cap on the number of grid points (default `MAX_POINTS`), checked before any array
        is made; not part of the spec's identity.

    Notes
    -----
    Every check runs in ``__post_init__``, before any evaluation; messages name the key.
    Fixed and grid values go through the quantity's own parameter checks
    (`Quantity.check`: the function's type annotations and its registered ``checks``).
    """

    quantity: Quantity
    grid: dict = field(repr=False)
    fixed: dict = field(default_factory=dict)
    seed: int | None = None
    chunk_size: int | None = None
    description: str = ""
    max_points: int = field(default=MAX_POINTS, repr=False, compare=False)

    def __post_init__(self) -> None:
        q = self.quantity
        if not isinstance(q, Quantity):
            object.__setattr__(self, "quantity", q := resolve_quantity(q))
        mp = self.max_points
        if isinstance(mp, bool) or not isinstance(mp, (int, np.integer)) or mp < 1:
            raise SpecError(f"max_points: {mp!r} must be an integer >= 1")
        if not isinstance(self.grid, Mapping) or not self.grid:
            raise SpecError("grid: give at least one axis (parameter = values)")
        grid = {str(k): parse_axis(f"grid.{k}", v, max_points=int(mp))
                for k, v in self.grid.items()}
        total = math.prod(v.size for v in grid.values())
        if total > mp:
            raise SpecError(f"grid: {' x '.join(str(v.size) for v in grid.values())} = {total} "
                            f"points exceeds the cap of {mp} points (raise it with "
                            "--max-points / max_points=)")
        fixed = {str(k): _fixed_value(f"fixed.{k}", v) for k, v in dict(self.fixed).items()}
        object.__setattr__(self, "grid", grid)
        object.__setattr__(self, "fixed", fixed)
        allowed = list(q.parameters)
        for section, names in (("grid", grid), ("fixed", fixed)):
            for k in names:
                if k not in q.parameters:
                    raise SpecError(
                        f"{section}.{k}: {k!r} is not a parameter of quantity {q.name!r} "
                        f"(its parameters: {', '.join(allowed) or 'none'})"
                    )
        both = sorted(set(grid) & set(fixed))
        if both:
            raise SpecError(f"fixed.{both[0]}: {both[0]!r} is also a grid axis; give it once")
        missing = [k for k in q.required() if k not in grid and k not in fixed]
        if missing:
            raise SpecError(
                f"fixed.{missing[0]}: quantity {q.name!r} needs {', '.join(map(repr, missing))} "
                "(no default): give it in [grid] or [fixed]"
            )
        for k, v in fixed.items():
            q.check(k, v, where=f"fixed.{k}")
        for k, axis in grid.items():
            for v in axis.tolist():
                q.check(k, v, where=f"grid.{k}")
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer))
            or self.seed < 0
        ):
            raise SpecError(f"seed: {self.seed!r} must be an integer >= 0")
        if q.stochastic and self.seed is None:
            raise SpecError(f"seed: quantity {q.name!r} is stochastic (takes rng): give a seed")
        if self.seed is not None:
            object.__setattr__(self, "seed", int(self.seed))
        cs = self.chunk_size
        if cs is None:
            cs = min(1000, max(1, math.ceil(self.n_points / DEFAULT_CHUNKS)))
        elif isinstance(cs, bool) or not isinstance(cs, (int, np.integer)) or cs < 1:
            raise SpecError(f"chunk_size: {cs!r} must be an integer >= 1 (leave it out for "
                            "about 1 % of the points per chunk)")
        object.__setattr__(self, "chunk_size", int(cs))
        if not isinstance(self.description, str):
            raise SpecError(f"description: must be a string, got {self.description!r}")

    @classmethod
    def from_dict(cls, doc: Mapping, *, source: str = "spec",
                  max_points: int = MAX_POINTS) -> SweepSpec:
        """A spec from a parsed TOML document; unknown keys are rejected, naming the key."""
        if not isinstance(doc, Mapping):
            raise SpecError(f"{source}: expected a table, got {type(doc).__name__}")
        for k in doc:
            if k not in TOP_LEVEL_KEYS:
                raise SpecError(f"{source}: unknown key {k!r} (allowed: {', '.join(TOP_LEVEL_KEYS)})")
        if "quantity" not in doc:
            raise SpecError(f"{source}: missing key 'quantity' (a registered quantity name)")
        for table in ("grid", "fixed"):
            if table in doc and not isinstance(doc[table], Mapping):
                raise SpecError(f"{source}: {table!r} must be a table ([{table}])")
        if "grid" not in doc:
            raise SpecError(f"{source}: missing table [grid]")
        return cls(
            quantity=doc["quantity"],
            grid=dict(doc["grid"]),
            fixed=dict(doc.get("fixed", {})),
            seed=doc.get("seed"),
            chunk_size=doc.get("chunk_size"),
            description=doc.get("description", ""),
            max_points=max_points,
        )

    @classmethod
    def example(cls) -> SweepSpec:
        """Populations of a 3-level detailed-balance steady state on a 5 x 3 grid."""
        return cls(
            "core.detailed-balance-steady-state",
            grid={"beta": {"linspace": [0.0, 2.0, 5]}, "spacing": [0.5, 1.0, 2.0]},
            fixed={"levels": 3},
        )

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape, one entry per axis."""
        return tuple(v.size for v in self.grid.values())

    @property
    def n_points(self) -> int:
        """Number of grid points."""
        return math.prod(self.shape)

    @property
    def n_chunks(self) -> int:
        """Number of chunks (tasks, checkpoint files)."""
        return math.ceil(self.n_points / self.chunk_size)

    def chunk_range(self, chunk: int) -> range:
        """Flat (C-order) point indices of chunk `chunk`."""
        start = chunk * self.chunk_size
        return range(start, min(start + self.chunk_size, self.n_points))

    def point(self, index: int) -> dict:
        """Grid parameters (Python scalars) of flat point `index`."""
        idx = np.unravel_index(index, self.shape)
        return {k: v[i].item() for (k, v), i in zip(self.grid.items(), idx)}

    def to_dict(self) -> dict:
        """Canonical JSON-ready form (axis values listed); its hash is the `fingerprint`."""
        return {
            "quantity": self.quantity.name,
            "grid": {k: v.tolist() for k, v in self.grid.items()},
            "fixed": self.fixed,
            "seed": self.seed,
            "chunk_size": self.chunk_size,
        }

    def fingerprint(self) -> str:
        """SHA-256 of the canonical form: equal specs (same points, seeds, chunks), same hash."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def load_spec(path, *, max_points: int = MAX_POINTS) -> SweepSpec:
    """Read and validate a TOML sweep spec (see docs/scaling.md for the format).

    `max_points` caps the number of grid points (``thermalize sweep --max-points``).
    """
    if not (isinstance(path, str) and path or isinstance(path, os.PathLike)):
        raise SpecError(f"path: expected a spec file path (str or os.PathLike), got "
                        f"{type(path).__name__}")
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read spec {path}: {exc.strerror or exc}") from exc
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path.name}: not valid TOML: {exc}") from exc
    return SweepSpec.from_dict(doc, source=path.name, max_points=max_points)
