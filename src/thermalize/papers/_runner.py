"""Run reproductions: their tasks on an executor, then assemble, check, draw, and write
``DIR/<mode>/ID.nc``, ``ID.json`` and the figure ``ID.png`` (plus ``ID.pdf``, ``ID.svg`` as
asked), mode ``quick`` or ``full``; every file carries the provenance of
`thermalize.io.provenance` (version, commit, software, BLAS, host, command, mode, wall
time summed over the runs of a resumed reproduction)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr
from threadpoolctl import threadpool_limits

from ..sweep import Executor, SerialExecutor, Task, TaskStore, function_reference, run_tasks

from ..io import provenance, write_dataset, write_json
from ..plotting import DEFAULT_FORMATS, parse_formats, save_figures
from . import _tasks
from ._registry import Check, Reproduction, get, registry

__all__ = ["ReproductionResult", "TASKS_DIR", "mode_name", "plan", "result_json",
           "run_reproduction", "run_reproductions"]

#: Sub-directory of an output directory holding the finished tasks (shared by both modes).
TASKS_DIR = "tasks"


@dataclass(frozen=True)
class ReproductionResult:
    """Outcome of one reproduction run."""

    id: str
    title: str
    paper: str
    quick: bool
    runtime_s: float
    checks: list[Check]
    dataset: xr.Dataset = field(repr=False)
    files: dict[str, Path] = field(default_factory=dict)
    n_tasks: int = 0
    n_reused: int = 0
    executor: str = "SerialExecutor()"

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(c.passed for c in self.checks)


def _parameters(ds: xr.Dataset) -> dict:
    raw = ds.attrs.get("parameters", "{}")
    try:
        return json.loads(raw) if isinstance(raw, str) else dict(raw)
    except (TypeError, ValueError):
        return {"raw": str(raw)}


def _seed(seed):
    """The seed(s) of a dataset as `provenance` records them (None where not integers)."""
    seeds = np.atleast_1d(np.asarray(seed, dtype=object))
    if seed is None or seeds.ndim != 1 or not all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in seeds):
        return None
    return int(seeds[0]) if np.ndim(seed) == 0 else [int(s) for s in seeds]


def result_json(result: ReproductionResult) -> dict:
    """The ID.json document of DESIGN.md."""
    return {
        "id": result.id,
        "title": result.title,
        "paper": result.paper,
        "quick": result.quick,
        "mode": mode_name(result.quick),
        "passed": result.passed,
        "checks": [c.to_dict() for c in result.checks],
        "runtime_s": round(result.runtime_s, 3),
        "tasks": result.n_tasks,
        "tasks_reused": result.n_reused,
        "executor": result.executor,
        "parameters": _parameters(result.dataset),
    }


def mode_name(quick: bool) -> str:
    """'quick' or 'full': the sub-directory of ``--out`` and the ``mode`` of ID.json."""
    return "quick" if quick else "full"


def _is_registered(repro: Reproduction) -> bool:
    return registry().get(repro.id) is repro


def plan(repro: Reproduction, quick: bool) -> list[Task]:
    """The tasks of `repro` in this mode: its declared ones, else its whole ``compute``.

    A reproduction object that is not in the registry (built by hand) cannot be imported by
    a worker; it has no task and is computed in this process.
    """
    if repro.tasks is not None:
        return list(repro.tasks(quick))
    if not _is_registered(repro):
        return []
    return [Task(function_reference(_tasks.whole_compute), {"id": repro.id, "quick": quick},
                 repro.id)]


def run_reproductions(
    repros,
    *,
    quick: bool = True,
    out_dir: str | Path | None = None,
    executor: Executor | None = None,
    blas_threads: int | None = None,
    progress: bool = False,
    on_start=None,
    on_result=None,
    formats=DEFAULT_FORMATS,
) -> list[ReproductionResult]:
    """Run several reproductions: every distinct task once on `executor`, then each assembly.

    Parameters
    ----------
    repros : iterable of Reproduction or str
    quick : bool
        Quick settings or paper-grade (``False``, the CLI's ``--full``).
    out_dir : path, optional
        Output directory: ``out_dir/quick/ID.*`` or ``out_dir/full/ID.*`` (the modes never
        overwrite each other) and ``out_dir/tasks/`` (finished tasks, keyed by their
        parameters and the package version: a task shared by several reproductions, or asked
        for again by a later process, is computed once; a killed run resumes).
    executor : thermalize.sweep.Executor, optional
        Where the tasks run: `SerialExecutor` (default), `LocalPoolExecutor`,
        `DaskExecutor`. The results do not depend on it (same task functions, arguments
        and seeds; bitwise at equal BLAS threads per task).
    blas_threads : int, optional
        BLAS threads in this process (tasks of the serial executor and every assembly).
        Default: 1 in quick mode, no limit with ``quick=False``. Pool and Dask workers cap
        their own (cores // workers).
    progress : bool
        One tqdm bar on stderr advancing per task, with ETA.
    on_start : callable (n_tasks, n_stored), optional
        Called before any task is computed (the CLI prints the estimate there).
    on_result : callable (ReproductionResult), optional
        Called as each reproduction is written.
    formats : str or sequence of {"png", "pdf", "svg"}
        Figure formats (the CLI's ``--format``; default png and pdf). The PNG is always
        written: the report shows it.
    """
    formats = tuple(dict.fromkeys(("png", *parse_formats(formats))))
    repros = [get(r) if isinstance(r, str) else r for r in repros]
    if blas_threads is None:
        blas_threads = 1 if quick else None
    executor = SerialExecutor() if executor is None else executor
    plans = {r.id: plan(r, quick) for r in repros}
    store = None
    if out_dir is not None:
        store = TaskStore(Path(out_dir) / TASKS_DIR)
    serial = isinstance(executor, SerialExecutor)
    with threadpool_limits(limits=blas_threads if serial else None, user_api="blas"):
        run = run_tasks([t for ts in plans.values() for t in ts], executor=executor,
                        store=store, progress=progress, desc=mode_name(quick),
                        on_start=on_start)
    _tasks.RESULTS.update(run.values)
    reused = set(run.reused)
    results = []
    try:
        for repro in repros:
            res = _assemble(repro, quick, plans[repro.id], run, reused, blas_threads, out_dir,
                            executor.describe(), formats)
            results.append(res)
            if on_result is not None:
                on_result(res)
    finally:
        _tasks.RESULTS.clear()
    return results


def _wall_times(keys, run, reused, assembly_s: float) -> list[float]:
    """Wall time of each run that made this result: stored tasks count with the time they
    took when first computed (an earlier, resumed run), then this run's work."""
    keys = list(dict.fromkeys(keys))
    earlier = sum(run.seconds[k] for k in keys if k in reused)
    now = assembly_s + sum(run.seconds[k] for k in keys if k not in reused)
    return ([earlier] if earlier > 0 else []) + [now]


def _assemble(repro, quick, tasks, run, reused, blas_threads, out_dir, where,
              formats=DEFAULT_FORMATS):
    keys = [t.key() for t in tasks]
    whole = len(tasks) == 1 and tasks[0].function == function_reference(_tasks.whole_compute)
    t0 = time.perf_counter()
    with threadpool_limits(limits=blas_threads, user_api="blas"):
        ds = run.values[keys[0]].copy() if whole else repro.compute(quick)
        checks = list(repro.checks(ds))
    wall_times = _wall_times(keys, run, reused, time.perf_counter() - t0)
    runtime = sum(wall_times)
    ds.attrs["reproduction_id"] = repro.id
    ds.attrs["quick"] = int(quick)
    ds.attrs["mode"] = mode_name(quick)
    result = ReproductionResult(repro.id, repro.title, repro.paper, quick, runtime, checks, ds,
                                n_tasks=len(set(keys)), n_reused=len(set(keys) & reused),
                                executor=where)
    if out_dir is not None:
        out = Path(out_dir) / mode_name(quick)
        mode = mode_name(quick)
        params = _parameters(ds)
        seed = _seed(ds.attrs.get("seed", params.get("seed")))
        files = {"nc": write_dataset(ds, out / f"{repro.id}.nc", seed=seed, mode=mode,
                                     wall_time_s=wall_times)}
        prov = provenance(params, seed, mode=mode, wall_time_s=wall_times)
        files.update(save_figures(repro.plot(ds), out / repro.id, formats,
                                  provenance_attrs=prov))
        files["json"] = write_json(out / f"{repro.id}.json", result_json(result), seed=seed,
                                   mode=mode, wall_time_s=wall_times)
        result.files.update(files)
    return result


def run_reproduction(
    repro: Reproduction | str,
    *,
    quick: bool = True,
    out_dir: str | Path | None = None,
    blas_threads: int | None = None,
    executor: Executor | None = None,
    progress: bool = False,
    formats=DEFAULT_FORMATS,
) -> ReproductionResult:
    """Compute a reproduction, run its checks and (if `out_dir`) write its files.

    Parameters
    ----------
    repro : Reproduction or str
        The reproduction or its registered id.
    quick : bool
        Quick settings (seconds) or paper-grade (``False``, the CLI's ``--full``).
    out_dir : path, optional
        ``ID.nc``, ``ID.json`` and the figure (``ID.png`` and the other `formats`) are
        written (atomically) into
        ``out_dir/quick/`` or ``out_dir/full/``; finished tasks into ``out_dir/tasks/``
        (see `run_reproductions`).
    blas_threads : int, optional
        BLAS threads in this process. Default: 1 in quick mode (its matrices are a
        few hundred rows, where a second thread gains nothing and, on a loaded machine,
        OpenBLAS's spinning threads slowed runs down 10x), no limit with ``quick=False``.
    executor : thermalize.sweep.Executor, optional
        Where the reproduction's tasks run (default: this process). The result is the same
        on every executor.
    progress : bool
        tqdm bar per task on stderr.
    formats : str or sequence of {"png", "pdf", "svg"}
        Figure formats (default png and pdf; the PNG is always written).
    """
    return run_reproductions([repro], quick=quick, out_dir=out_dir, executor=executor,
                             blas_threads=blas_threads, progress=progress,
                             formats=formats)[0]
