"""Run a sweep: plan chunks, skip checkpointed ones, map the rest, assemble the Dataset."""

from __future__ import annotations

import json
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from .._version import __version__
from ..errors import ParameterError, require_path
from ..io import DIMENSIONLESS, describe
from ._errors import SweepError
from ._executors import Executor, SerialExecutor
from ._spec import SweepSpec
from ._store import SweepStore
from ._tasks import ChunkResult, ChunkTask, evaluate_chunk

__all__ = ["LOGGER", "SweepResult", "assemble", "run"]

#: Logger of failed points and executor problems (one line per failed point).
LOGGER = logging.getLogger("thermalize.sweep")
#: At most this many failed points are listed in the dataset attrs (all are counted).
MAX_LISTED_FAILURES = 1000


@dataclass(frozen=True)
class SweepResult:
    """Outcome of `run`.

    Attributes
    ----------
    dataset : xarray.Dataset
        Coordinates named after the grid axes; NaN where a point failed or was not computed.
    spec : SweepSpec
    failures : tuple of dict
        ``{"index", "parameters", "error"}`` per failed point.
    evaluated : int
        Points evaluated by this run.
    reused : int
        Points read back from checkpoints of an earlier run.
    complete : bool
        Every chunk was computed (points may still have failed, see `failures`).
    error : str
        Why the run stopped early ("" when `complete`).
    path : Path or None
        The written ``sweep.nc`` (None without an output directory or when incomplete).
    seconds : float
        Wall time of this run (the manifest ``sweep.json`` lists every run's in
        ``status.runtimes_s``; ``sweep.nc`` records their sum as ``wall_time_s``).
    """

    dataset: xr.Dataset = field(repr=False)
    spec: SweepSpec = field(repr=False)
    failures: tuple
    evaluated: int
    reused: int
    complete: bool
    error: str = ""
    path: Path | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Complete and no point failed."""
        return self.complete and not self.failures


def _tasks(spec: SweepSpec, chunks: list[int]):
    q = spec.quantity
    default_output = next(iter(q.outputs), None) or getattr(q.function, "__name__", "value")
    for c in chunks:
        idx = tuple(spec.chunk_range(c))
        yield ChunkTask(c, q.function, default_output, dict(q.outputs), idx,
                        tuple(spec.point(i) for i in idx), spec.fixed, spec.seed, q.stochastic)


def _jsonable(obj):
    if isinstance(obj, (np.generic, np.ndarray)):
        return obj.tolist()
    return repr(obj)


def _parameters(spec: SweepSpec) -> dict:
    """Every non-grid parameter: fixed ones and the defaults of the others (JSON-ready)."""
    params = {k: v for k, v in spec.quantity.defaults().items() if k not in spec.grid}
    params.update(spec.fixed)
    return json.loads(json.dumps(params, default=_jsonable))


def assemble(spec: SweepSpec, results: dict[int, ChunkResult]) -> tuple[xr.Dataset, list[dict]]:
    """The sweep's Dataset from its chunk results, and the failed points.

    Grid points of chunks missing from `results` are NaN. Each output variable has the grid
    dimensions, then its own (`Quantity.outputs`, or ``{name}_dim{i}``), sized to the largest
    output of any point (NaN-padded).
    """
    q = spec.quantity
    order = sorted(results)
    layout: dict[str, tuple] = {}  # name -> (ndim, largest shape, dtype)
    for c in order:
        for name, arr in results[c].outputs.items():
            ndim, shape, dtype = layout.get(name, (arr.ndim - 1, arr.shape[1:], arr.dtype))
            if ndim == arr.ndim - 1:
                shape = tuple(np.maximum(shape, arr.shape[1:]).tolist()) if ndim else ()
                layout[name] = (ndim, shape, np.result_type(dtype, arr.dtype))
    errors: dict[int, str] = {}
    data = {name: np.full((spec.n_points, *shape), np.nan, dtype=dtype)
            for name, (_, shape, dtype) in layout.items()}
    for c in order:
        r = results[c]
        errors.update(r.errors)
        bad = [name for name in layout if r.outputs.get(name) is None
               or r.outputs[name].ndim - 1 != layout[name][0]]
        if bad:
            for i in r.indices.tolist():
                errors.setdefault(i, f"ValueError: output {bad[0]!r} is missing or has another "
                                     "number of dimensions than in other chunks")
            continue
        for name, arr in r.outputs.items():
            data[name][(r.indices, *(slice(n) for n in arr.shape[1:]))] = arr
    for i in errors:
        for arr in data.values():
            arr[i] = np.nan
    grid_dims = list(spec.grid)
    variables = {}
    for name, arr in data.items():
        shape = layout[name][1]
        own = q.outputs.get(name) or tuple(f"{name}_dim{i}" for i in range(len(shape)))
        variables[name] = (grid_dims + list(own), arr.reshape(spec.shape + shape))
    failures = [{"index": i, "parameters": spec.point(i), "error": errors[i]}
                for i in sorted(errors)]
    computed = sum(results[c].indices.size for c in order)
    coords = {k: (k, v) for k, v in spec.grid.items()}
    for name, (var_dims, arr) in variables.items():
        for dim, size in zip(var_dims[len(grid_dims):], arr.shape[len(grid_dims):]):
            labels = q.coords.get(dim, ())
            coords.setdefault(dim, (dim, list(labels) if len(labels) == size
                                    else np.arange(size)))
    ds = xr.Dataset(
        variables,
        coords=coords,
        attrs={
            "title": spec.description or q.description or q.name,
            "quantity": q.name,
            "parameters": json.dumps(_parameters(spec), sort_keys=True),
            "seed": "none" if spec.seed is None else spec.seed,
            "spec": json.dumps(spec.to_dict(), sort_keys=True),
            "spec_fingerprint": spec.fingerprint(),
            "n_points": spec.n_points,
            "n_computed": computed,
            "n_failed": len(failures),
            "failed_points": json.dumps(failures[:MAX_LISTED_FAILURES], sort_keys=True),
            "thermalize_version": __version__,
        },
    )
    return _describe(ds, q, grid_dims), failures


def _describe(ds: xr.Dataset, q, grid_dims) -> xr.Dataset:
    """CF attributes of the quantity (`Quantity.cf`) on its outputs, grid axes and own
    dimensions; an own dimension it does not describe is an index."""
    cf = {k: v for k, v in q.cf.items() if k in ds.variables}
    for dim in ds.dims:
        if dim not in cf and dim not in grid_dims:
            cf[dim] = (f"index along {dim}", DIMENSIONLESS, None)
    return describe(ds, cf)


def run(spec: SweepSpec, *, executor: Executor | None = None, out=None, force: bool = False,
        progress: bool = False) -> SweepResult:
    """Evaluate `spec` on `executor`, checkpointing into `out`, and assemble the Dataset.

    Parameters
    ----------
    spec : SweepSpec
    executor : Executor, optional
        Default `SerialExecutor()`.
    out : path, optional
        Output directory: finished chunks are saved there as they complete, a rerun
        recomputes only the missing ones, and ``sweep.nc`` is written at the end.
    force : bool
        Replace a sweep of another spec found in `out`.
    progress : bool
        tqdm bar on stderr (points/s, ETA), one update per finished chunk.

    Returns
    -------
    SweepResult
        Point failures do not raise: they are logged (``thermalize.sweep``), NaN in the data
        and listed in ``attrs["failed_points"]``. An executor failure (dead worker pool,
        lost cluster) stops the run with ``complete=False``; rerun to resume.

    Raises
    ------
    ParameterError
        `spec`, `executor` or `out` of the wrong type.
    SweepError
        Output directory unusable or holding another spec; executor cannot start.
    """
    from tqdm import tqdm

    t0 = time.perf_counter()
    if not isinstance(spec, SweepSpec):
        raise ParameterError(f"spec must be a SweepSpec (from load_spec or SweepSpec(...)), got "
                             f"{type(spec).__name__}")
    executor = SerialExecutor() if executor is None else executor
    if not isinstance(executor, Executor):
        raise ParameterError(f"executor must be an Executor, got {executor!r}")
    if out is not None:
        out = require_path("out", out)
    store = SweepStore(out) if out is not None else None
    if store is not None:
        store.prepare(spec, force=force)
    earlier: list[float] = []
    if store is not None:
        earlier = store.runtimes()
        store.begin(spec, earlier, time.time())
    results = store.load_chunks(spec) if store is not None else {}
    reused = sum(r.indices.size for r in results.values())
    todo = [c for c in range(spec.n_chunks) if c not in results]
    evaluated, error = 0, ""
    bar = tqdm(total=spec.n_points, initial=reused, unit="pt", disable=not progress,
               file=sys.stderr, desc=spec.quantity.name, smoothing=0.1)
    try:
        if todo:
            with executor.open() as map_unordered:
                try:
                    for r in map_unordered(evaluate_chunk, _tasks(spec, todo)):
                        if store is not None:
                            store.write_chunk(r, spec)
                        results[r.chunk] = r
                        evaluated += r.indices.size
                        for i, msg in sorted(r.errors.items()):
                            LOGGER.warning("point %d %s failed: %s", i, spec.point(i), msg)
                        bar.update(r.indices.size)
                except SweepError as exc:
                    error = str(exc)
                    LOGGER.error("sweep stopped: %s; finished chunks are saved, rerun to "
                                 "resume", error)
    finally:
        bar.close()
    complete = len(results) == spec.n_chunks
    ds, failures = assemble(spec, results)
    path = None
    seconds = time.perf_counter() - t0
    if store is not None:
        # one entry per run of this spec: the report and the provenance sum them (resumes)
        runtimes = [*earlier, round(seconds, 3)]
        status = {"complete": complete, "runtime_s": round(seconds, 3),
                  "runtimes_s": runtimes, "executor": executor.describe()}
        if complete:
            status["n_failed"] = len(failures)
            path = store.finish(spec, ds, status=status)
        else:
            store.record(spec, status=status)
    return SweepResult(ds, spec, tuple(failures), evaluated, reused, complete, error, path,
                       seconds)
