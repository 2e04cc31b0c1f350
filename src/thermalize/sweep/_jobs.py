"""Independent tasks keyed by their parameters: store, run on an executor, resume.

A sweep's chunks and a reproduction's expensive runs are both *tasks*: a module-level function
and its keyword arguments. A task's key is a hash of the function's reference, its arguments
and the package version, so the same work asked for twice (by two reproductions, or by a
later process) is computed once per `TaskStore` and read back afterwards. Tasks run on the
sweep executors (`SerialExecutor`, `LocalPoolExecutor`, `DaskExecutor`) with one tqdm bar.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import math
import pickle
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._version import __version__
from ..errors import ParameterError, require_path
from ..io import atomic_write_bytes
from ._errors import SweepError
from ._executors import Executor, SerialExecutor

__all__ = ["Task", "TaskError", "TaskRun", "TaskStore", "evaluate_task", "function_reference",
           "run_tasks"]


class TaskError(SweepError):
    """A task raised; the message names the task and the exception."""


def function_reference(function: Callable) -> str:
    """``module:qualname`` of a module-level function (what a worker process imports)."""
    function = getattr(function, "task_function", function)
    module, qualname = getattr(function, "__module__", None), getattr(function, "__qualname__", "")
    if not module or "<" in qualname:
        raise SweepError(f"task function {function!r} must be defined at module level")
    return f"{module}:{qualname}"


def _canonical(obj):
    """JSON-ready form of task arguments (tuples as lists, NumPy scalars as numbers)."""
    if isinstance(obj, Mapping):
        return {str(k): _canonical(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_canonical(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _canonical(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise SweepError(f"task argument {obj!r} ({type(obj).__name__}) is not a number, string, "
                     "list or dict; task keys need plain values")


@dataclass(frozen=True)
class Task:
    """One independent piece of work: ``function(**kwargs)``.

    Attributes
    ----------
    function : str
        ``module:qualname`` of a module-level function (see `function_reference`).
    kwargs : mapping
        Keyword arguments: numbers, strings, booleans, None, lists/tuples and dicts of them.
        Stochastic tasks take their seed (e.g. a child of ``SeedSequence(seed).spawn``) as
        an argument, so the result is the same on any worker.
    label : str
        Short text for progress bars and logs.
    """

    function: str
    kwargs: Mapping = field(default_factory=dict)
    label: str = ""

    def key(self) -> str:
        """Hash of the function reference, the arguments and the package version."""
        doc = {"function": self.function, "kwargs": _canonical(self.kwargs),
               "version": __version__}
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"), allow_nan=True)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def resolve(self) -> Callable:
        """The function (imported by reference; a ``task_function`` attribute is unwrapped)."""
        module, _, qualname = self.function.partition(":")
        try:
            obj = importlib.import_module(module)
            for part in qualname.split("."):
                obj = getattr(obj, part)
        except (ImportError, AttributeError) as exc:
            raise SweepError(f"task function {self.function!r} cannot be imported: {exc}") \
                from exc
        return getattr(obj, "task_function", obj)


@dataclass(frozen=True)
class TaskOutcome:
    """What a worker sends back: the key, the value or the error, and the wall time."""

    key: str
    value: object = field(repr=False)
    error: str
    seconds: float


def evaluate_task(task: Task) -> TaskOutcome:
    """Run `task` in this process; an exception is returned as text, not raised."""
    t0 = time.perf_counter()
    try:
        value = task.resolve()(**dict(task.kwargs))
        return TaskOutcome(task.key(), value, "", time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - reported with the task by run_tasks
        return TaskOutcome(task.key(), None, f"{type(exc).__name__}: {exc}",
                           time.perf_counter() - t0)


_TASK_MAGIC = b"thermalize-task 1\n"


class TaskStore:
    """A directory of finished tasks: ``KEY.pkl`` per task, written atomically.

    Each file is a line ``thermalize-task 1``, a JSON header line (task key, function,
    arguments, package version, wall time, size and SHA-256 of the value) and the pickled
    value (the store is a private cache of this package's own results, read only from a
    directory the user chose). The value is unpickled only once the header matches the
    key asked for and the checksum matches, so a truncated, edited, garbage or swapped file
    is never used: `get` moves it to ``rejected/`` with a log line and the task is recomputed.
    """

    def __init__(self, directory) -> None:
        self.directory = require_path("directory", directory)

    def path(self, key: str) -> Path:
        """The file of the task with this key (``DIR/KEY.pkl``)."""
        return self.directory / f"{key}.pkl"

    def prepare(self) -> None:
        """Create the directory, remove stale temporary files; `SweepError` if unwritable."""
        from ._store import remove_stale_temporaries

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(self.directory)  # left by writes that were killed
        except OSError as exc:
            raise SweepError(f"cannot write the task store {self.directory}: "
                             f"{exc.strerror or exc}") from exc

    def has(self, key: str) -> bool:
        """True if a file exists for this key (its checksum is verified on reading, not here)."""
        return self.path(key).is_file()

    def _read(self, key: str) -> tuple[object, float]:
        from ._store import BadCheckpoint

        try:
            raw = self.path(key).read_bytes()
        except OSError as exc:
            raise BadCheckpoint(f"unreadable: {exc.strerror or exc}") from exc
        if not raw.startswith(_TASK_MAGIC):
            raise BadCheckpoint("not a task file of this version of thermalize")
        head, sep, body = raw[len(_TASK_MAGIC):].partition(b"\n")
        try:
            doc = json.loads(head.decode("utf-8"))
            nbytes, digest, seconds = int(doc["nbytes"]), str(doc["sha256"]), float(doc["seconds"])
            if doc["key"] != key:
                raise BadCheckpoint(f"it holds task {str(doc['key'])[:12]}..., not this one "
                                    "(a file copied or renamed over another)")
        except BadCheckpoint:
            raise
        except Exception as exc:  # noqa: BLE001 - truncated or edited header
            raise BadCheckpoint(f"malformed header: {type(exc).__name__}: {exc}") from exc
        if not sep or len(body) != nbytes:
            raise BadCheckpoint(f"truncated ({len(body)} of {nbytes} value bytes)")
        if hashlib.sha256(body).hexdigest() != digest:
            raise BadCheckpoint("checksum mismatch: the file was edited or damaged")
        try:
            return pickle.loads(body), seconds
        except Exception as exc:  # noqa: BLE001 - e.g. a class that no longer exists
            raise BadCheckpoint(f"value cannot be unpickled: {type(exc).__name__}: {exc}") \
                from exc

    def get(self, key: str) -> tuple[object, float]:
        """(value, seconds it took) of a stored task.

        Raises
        ------
        KeyError
            No usable file for `key`; an unusable one is moved to ``rejected/`` (log line).
        """
        from ._store import BadCheckpoint, move_aside

        try:
            return self._read(key)
        except BadCheckpoint as exc:
            if self.path(key).exists():
                move_aside(self.path(key), str(exc))
            raise KeyError(key) from exc

    def put(self, task: Task, outcome: TaskOutcome) -> None:
        """Store a finished task atomically (temporary file, fsync, rename, fsync of the dir)."""
        body = pickle.dumps(outcome.value, protocol=5)
        head = {"key": outcome.key, "function": task.function,
                "kwargs": _canonical(task.kwargs), "thermalize_version": __version__,
                "seconds": outcome.seconds, "nbytes": len(body),
                "sha256": hashlib.sha256(body).hexdigest()}
        data = _TASK_MAGIC + json.dumps(head, sort_keys=True).encode() + b"\n" + body
        try:
            atomic_write_bytes(self.path(outcome.key), data)
        except OSError as exc:
            raise SweepError(f"cannot write a task in {self.directory}: "
                             f"{exc.strerror or exc}") from exc


@dataclass
class TaskRun:
    """Outcome of `run_tasks`.

    Attributes
    ----------
    values : dict key -> value
        Every task's value.
    seconds : dict key -> float
        Wall time of each task when it was computed (this run or the one that stored it).
    evaluated : list of str
        Keys computed by this run.
    reused : list of str
        Keys read back from the store.
    wall_s : float
        Wall time of `run_tasks`.
    """

    values: dict = field(default_factory=dict, repr=False)
    seconds: dict = field(default_factory=dict, repr=False)
    evaluated: list = field(default_factory=list)
    reused: list = field(default_factory=list)
    wall_s: float = 0.0


def run_tasks(tasks: Iterable[Task], *, executor: Executor | None = None,
              store: TaskStore | None = None, progress: bool = False,
              desc: str = "tasks", on_start: Callable[[int, int], None] | None = None) -> TaskRun:
    """Compute every distinct task once: read stored ones, run the rest on `executor`.

    Parameters
    ----------
    tasks : iterable of Task
        Duplicates (same key) are computed once.
    executor : Executor, optional
        Default `SerialExecutor()`.
    store : TaskStore, optional
        Finished tasks are saved there as they complete and read back by later runs
        (a run killed at any point loses only the tasks in flight).
    progress : bool
        tqdm bar on stderr, one step per task, with its ETA.
    on_start : callable (n_tasks, n_stored), optional
        Called once the stored tasks are known, before any is computed.

    Raises
    ------
    TaskError
        A task raised (the finished ones stay stored).
    SweepError
        The executor or the store failed.
    """
    from tqdm import tqdm

    t0 = time.perf_counter()
    executor = SerialExecutor() if executor is None else executor
    if not isinstance(executor, Executor):
        raise ParameterError(f"executor must be an Executor, got {executor!r}")
    if store is not None and not isinstance(store, TaskStore):
        raise ParameterError(f"store must be a TaskStore, got {type(store).__name__}")
    if isinstance(tasks, (str, bytes)) or not isinstance(tasks, Iterable):
        raise ParameterError(f"tasks must be an iterable of Task, got {type(tasks).__name__}")
    unique: dict[str, Task] = {}
    for t in tasks:
        if not isinstance(t, Task):
            raise ParameterError(f"tasks must be Task objects, got a {type(t).__name__}")
        unique.setdefault(t.key(), t)
    run = TaskRun()
    if store is not None:
        store.prepare()
        for key in unique:
            if store.has(key):
                try:
                    run.values[key], run.seconds[key] = store.get(key)
                    run.reused.append(key)
                except KeyError:
                    pass  # unusable (moved aside, logged): recompute it
    todo = [t for k, t in unique.items() if k not in run.values]
    if on_start is not None:
        on_start(len(unique), len(run.reused))
    bar = tqdm(total=len(unique), initial=len(run.reused), unit="task", disable=not progress,
               file=sys.stderr, desc=desc, smoothing=0.0)
    try:
        if todo:
            with executor.open() as map_unordered:
                for out in map_unordered(evaluate_task, todo):
                    task = unique[out.key]
                    if out.error:
                        raise TaskError(f"task {task.label or task.function} failed: {out.error}")
                    if store is not None:
                        store.put(task, out)
                    run.values[out.key], run.seconds[out.key] = out.value, out.seconds
                    run.evaluated.append(out.key)
                    bar.set_postfix_str(task.label[:40], refresh=False)
                    bar.update(1)
    finally:
        bar.close()
    run.wall_s = time.perf_counter() - t0
    return run


def estimate_text(seconds: float) -> str:
    """'12 s', '3.5 min' or '1.2 h'."""
    if not math.isfinite(seconds):
        return "?"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"
