"""Run reproductions: their tasks on an executor, then assemble, check, draw, and write
``DIR/<mode>/ID.nc``, ``ID.png``, ``ID.json`` (mode ``quick`` or ``full``)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import xarray as xr
from threadpoolctl import threadpool_limits

from ..sweep import Executor, SerialExecutor, Task, TaskStore, function_reference, run_tasks

from ..io import atomic_write_text, write_dataset
from ..plotting import save_figure
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
    """
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
                            executor.describe())
            results.append(res)
            if on_result is not None:
                on_result(res)
    finally:
        _tasks.RESULTS.clear()
    return results


def _assemble(repro, quick, tasks, run, reused, blas_threads, out_dir, where):
    keys = [t.key() for t in tasks]
    whole = len(tasks) == 1 and tasks[0].function == function_reference(_tasks.whole_compute)
    t0 = time.perf_counter()
    with threadpool_limits(limits=blas_threads, user_api="blas"):
        ds = run.values[keys[0]].copy() if whole else repro.compute(quick)
        checks = list(repro.checks(ds))
    runtime = time.perf_counter() - t0 + sum(run.seconds[k] for k in dict.fromkeys(keys))
    ds.attrs["reproduction_id"] = repro.id
    ds.attrs["quick"] = int(quick)
    ds.attrs["mode"] = mode_name(quick)
    result = ReproductionResult(repro.id, repro.title, repro.paper, quick, runtime, checks, ds,
                                n_tasks=len(set(keys)), n_reused=len(set(keys) & reused),
                                executor=where)
    if out_dir is not None:
        out = Path(out_dir) / mode_name(quick)
        files = {
            "nc": write_dataset(ds, out / f"{repro.id}.nc"),
            "png": out / f"{repro.id}.png",
            "json": out / f"{repro.id}.json",
        }
        save_figure(repro.plot(ds), files["png"])
        doc = result_json(result)
        atomic_write_text(files["json"], json.dumps(doc, indent=2) + "\n")
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
) -> ReproductionResult:
    """Compute a reproduction, run its checks and (if `out_dir`) write its three files.

    Parameters
    ----------
    repro : Reproduction or str
        The reproduction or its registered id.
    quick : bool
        Quick settings (seconds) or paper-grade (``False``, the CLI's ``--full``).
    out_dir : path, optional
        ``ID.nc``, ``ID.png`` and ``ID.json`` are written (atomically) into
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
    """
    return run_reproductions([repro], quick=quick, out_dir=out_dir, executor=executor,
                             blas_threads=blas_threads, progress=progress)[0]
