"""Worker side of a sweep: evaluate one chunk of grid points, catching per-point failures."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from ..errors import require_int

__all__ = ["ChunkResult", "ChunkTask", "evaluate_chunk", "point_rng"]


def point_rng(seed: int, index: int) -> np.random.Generator:
    """Generator of grid point `index`: child `index` of ``SeedSequence(seed).spawn(n)``.

    Built directly from the spawn key, so it is the same whichever worker, chunk size or
    grid size (as long as ``index < n``) computes it.

    Examples
    --------
    >>> a = point_rng(7, 3).random()
    >>> b = np.random.default_rng(np.random.SeedSequence(7).spawn(5)[3]).random()
    >>> a == b
    True
    """
    seed = require_int("seed", seed, low=0)
    index = require_int("index", index, low=0)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


@dataclass(frozen=True)
class ChunkTask:
    """Everything one task needs: the function and only its own points' parameters."""

    chunk: int
    function: Callable = field(repr=False)
    default_output: str
    outputs: Mapping = field(repr=False)
    indices: tuple[int, ...]
    points: tuple[dict, ...] = field(repr=False)
    fixed: Mapping = field(repr=False)
    seed: int | None
    stochastic: bool


@dataclass(frozen=True)
class ChunkResult:
    """Outputs of one chunk.

    Attributes
    ----------
    chunk : int
    indices : ndarray, shape (n,), int64
        Flat grid indices of the chunk's points.
    outputs : dict str -> ndarray, shape (n, *output_shape)
        float64 or complex128; NaN rows where the point failed.
    errors : dict int -> str
        Flat index -> "ExceptionType: message" for the failed points.
    seconds : float
        Wall time of the chunk in the worker.
    """

    chunk: int
    indices: np.ndarray
    outputs: dict
    errors: dict
    seconds: float


def _as_output(name: str, value) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind in "biuf":
        return arr.astype(np.float64, copy=False)
    if arr.dtype.kind == "c":
        return arr.astype(np.complex128, copy=False)
    raise TypeError(f"output {name!r} has dtype {arr.dtype}; sweeps store numbers only")


def _normalise(result, task: ChunkTask) -> dict[str, np.ndarray]:
    if isinstance(result, Mapping):
        out = {str(k): _as_output(str(k), v) for k, v in result.items()}
    else:
        out = {task.default_output: _as_output(task.default_output, result)}
    if task.outputs:
        if set(out) != set(task.outputs):
            raise TypeError(f"the quantity returned outputs {sorted(out)}, it declares "
                            f"{sorted(task.outputs)}")
        for k, v in out.items():
            if v.ndim != len(task.outputs[k]):
                raise TypeError(f"output {k!r} has {v.ndim} dimensions, it declares "
                                f"{task.outputs[k]}")
    elif not out:
        raise TypeError("the quantity returned an empty dict")
    return out


def evaluate_chunk(task: ChunkTask) -> ChunkResult:
    """Evaluate every point of `task`; a point that raises is recorded, not propagated.

    Output names and numbers of dimensions are fixed by the chunk's first successful point
    (a point returning others is recorded as failed). Sizes may differ between points (e.g.
    populations vs a number of levels): outputs are padded with NaN to the largest.
    """
    t0 = time.perf_counter()
    rows: list[dict | None] = []
    errors: dict[int, str] = {}
    layout: dict[str, int] | None = None  # output name -> ndim, fixed by the first success
    for index, params in zip(task.indices, task.points):
        kwargs = {**task.fixed, **params}
        try:
            if task.stochastic:
                kwargs["rng"] = point_rng(task.seed, index)
            out = _normalise(task.function(**kwargs), task)
            got = {k: v.ndim for k, v in out.items()}
            if layout is None:
                layout = got
            elif got != layout:
                raise ValueError(f"outputs {got} (name: ndim) differ from the first point's "
                                 f"{layout}")
            rows.append(out)
        except Exception as exc:  # noqa: BLE001 - recorded with its point, sweep goes on
            errors[index] = f"{type(exc).__name__}: {exc}"
            rows.append(None)
    outputs = {}
    for name in layout or {}:
        done = [r[name] for r in rows if r is not None]
        shape = tuple(np.max([a.shape for a in done], axis=0)) if done[0].ndim else ()
        arr = np.full((len(rows), *shape), np.nan, dtype=np.result_type(*done))
        for i, r in enumerate(rows):
            if r is not None:
                arr[(i, *(slice(n) for n in r[name].shape))] = r[name]
        outputs[name] = arr
    return ChunkResult(task.chunk, np.asarray(task.indices, dtype=np.int64), outputs, errors,
                       time.perf_counter() - t0)
