"""Where chunks run: one small interface, a serial, a local-process and a Dask implementation."""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass

from threadpoolctl import threadpool_limits

from ..errors import ParameterError
from ._errors import SweepError

__all__ = [
    "DASK_MISSING",
    "DaskExecutor",
    "Executor",
    "LocalPoolExecutor",
    "SerialExecutor",
    "available_cores",
    "cap_blas_threads",
]

#: Message when a Dask executor is asked for without the optional extra.
DASK_MISSING = (
    "Dask executors need the optional extra: pip install \"thermalize[dask]\" "
    "(dask[distributed])"
)
_BLAS_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")

Mapper = Callable[[Callable, Sequence], Iterator]
#: A Dask scheduler address: PROTOCOL://HOST[:PORT] or HOST:PORT (checked before connecting).
_ADDRESS = re.compile(r"(?:(?:tcp|tls|ws|wss|ucx)://[\w.\-\[\]:]+(?::\d{1,5})?"
                      r"|inproc://\S+|[\w.\-]+:\d{1,5})")


def available_cores() -> int:
    """Cores this process may run on (CPU affinity where the OS reports it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def cap_blas_threads(threads: int) -> None:
    """Cap BLAS/OpenMP threads of this process (a worker) at `threads`.

    Sets the usual environment variables (for libraries loaded later), loads NumPy's and
    SciPy's BLAS, and limits every loaded one through threadpoolctl.
    """
    for var in _BLAS_ENV:
        os.environ[var] = str(threads)
    import numpy  # noqa: F401 - load the BLAS libraries before limiting them
    import scipy.linalg  # noqa: F401

    threadpool_limits(limits=threads, user_api="blas")
    threadpool_limits(limits=threads, user_api="openmp")


def _check_count(name: str, value, *, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterError(f"{name}={value!r} is outside the allowed range: an integer >= 1")


class Executor(ABC):
    """Where a sweep's chunks run.

    The whole interface is `open`: a context manager yielding ``map_unordered(fn, tasks)``,
    an iterator over ``fn(task)`` for every task in completion order. It raises when the
    infrastructure fails (a lost pool, a task that killed its workers too often); failures
    inside a point are caught by the task itself.
    """

    @abstractmethod
    def open(self):
        """Context manager yielding ``map_unordered(fn, tasks) -> Iterator``."""

    @property
    @abstractmethod
    def workers(self) -> int:
        """Number of worker processes (1 for the serial executor)."""

    def describe(self) -> str:
        """One line for logs and dataset attrs."""
        return repr(self)


@dataclass(frozen=True)
class SerialExecutor(Executor):
    """Evaluate chunks one after the other in this process (no pickling).

    BLAS is capped at one thread while the chunks run, as in every pool worker, so that a
    serial run and a pooled one give bitwise identical results (LAPACK's blocking, and so
    its rounding, depends on the thread count; issue 13 item 1).
    """

    @property
    def workers(self) -> int:
        """1: everything runs in this process."""
        return 1

    @contextmanager
    def open(self):
        """Yield ``map_unordered``: ``fn(task)`` for each task in order, in this process."""

        def map_unordered(fn, tasks):
            for t in tasks:
                with threadpool_limits(limits=1, user_api="blas"):
                    out = fn(t)
                yield out

        yield map_unordered


def _worker_init(threads: int, parent: int | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled by the parent
    cap_blas_threads(threads)
    if parent is not None:
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int, period: float = 1.0) -> None:
    """End this worker when the process that opened the pool is gone (``kill -9``): a
    worker would otherwise finish its task (minutes, for a paper-grade run) for nobody."""
    import time

    while True:
        time.sleep(period)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except OSError:  # pragma: no cover - exists but not ours (EPERM): keep going
            pass
        if _is_zombie(parent):  # exited, not yet reaped by its own parent
            os._exit(1)


def _is_zombie(pid: int) -> bool:
    """Whether `pid` has exited but is not reaped yet (Linux ``/proc``; False elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:].startswith(b"Z")


@dataclass(frozen=True)
class LocalPoolExecutor(Executor):
    """A pool of `workers` local processes, BLAS capped at `blas_threads` each.

    Parameters
    ----------
    workers : int
        Worker processes (default 1).
    blas_threads : int, optional
        BLAS threads per worker; default ``max(1, cores // workers)`` so that
        workers x threads <= cores.

    Notes
    -----
    Workers start by forkserver where available (no fork of a threaded parent), else spawn;
    each worker ignores SIGINT (the parent stops the pool on Ctrl-C). Functions must be
    importable (module level); a dead worker raises `SweepError` (finished chunks stay saved).
    """

    workers: int = 1
    blas_threads: int | None = None

    def __post_init__(self) -> None:
        _check_count("workers", self.workers)
        _check_count("blas_threads", self.blas_threads, allow_none=True)

    @property
    def threads(self) -> int:
        """BLAS threads each worker is capped at."""
        return self.blas_threads or max(1, available_cores() // self.workers)

    @contextmanager
    def open(self):
        """Start the pool; yield ``map_unordered``; stop the pool (at once on an error)."""
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if ctx.get_start_method() == "forkserver":
            ctx.set_forkserver_preload(["numpy", "scipy.linalg", "thermalize.sweep._tasks"])
            _start_forkserver()
        pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_worker_init,
                                   initargs=(self.threads, os.getpid()))
        clean = False
        try:
            yield lambda fn, tasks: _pool_map(pool, fn, tasks)
            clean = True
        finally:
            if clean:
                pool.shutdown(wait=True)
            else:
                _stop_pool(pool)


def _start_forkserver() -> None:
    """Start the forkserver (if not running) with SIGINT ignored, so that a Ctrl-C reaching
    the whole process group while it imports its preload modules (seconds) is the parent's
    alone: an ignored signal stays ignored across ``exec`` and Python then installs no
    KeyboardInterrupt handler, so the server and the workers it forks print no traceback
    (issue 15, item 7). SIGINT is blocked around the switch, so a Ctrl-C in that window
    is delivered to the parent afterwards, not lost."""
    from multiprocessing import forkserver

    mask = getattr(signal, "pthread_sigmask", None)
    try:
        if mask is not None:
            mask(signal.SIG_BLOCK, {signal.SIGINT})
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals are not ours to change
        forkserver.ensure_running()
        return
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)
        if mask is not None:
            mask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _pool_map(pool: ProcessPoolExecutor, fn, tasks) -> Iterator:
    from concurrent.futures.process import BrokenProcessPool

    try:
        with _signals_deferred():  # workers half-started by an interrupt would be missed
            pending = {pool.submit(fn, t) for t in tasks}
    except BrokenProcessPool as exc:  # a worker died while starting (e.g. bad __main__)
        raise SweepError(f"the worker pool broke while starting ({exc})") from exc
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            failed = [f for f in done if f.exception() is not None]
            for fut in done:  # hand over every finished chunk before reporting a failure
                if fut.exception() is None:
                    yield fut.result()
            if failed:
                exc = failed[0].exception()
                if isinstance(exc, BrokenProcessPool):
                    raise SweepError(f"a worker process died abruptly ({exc})") from exc
                raise SweepError(f"a task failed in the pool: {type(exc).__name__}: {exc}") \
                    from exc
    finally:
        for fut in pending:
            fut.cancel()


@contextmanager
def _signals_deferred():
    """Hold SIGINT/SIGTERM while the pool starts its workers, then act on them.

    `submit` starts worker processes and waits for the forkserver to report each pid
    (seconds while it imports NumPy); a KeyboardInterrupt raised there leaves a worker the
    pool does not know, which then outlives the run. Here a signal only sets a flag; once
    every worker is registered, the previous handlers are back and handle the signal (the
    CLI's raise KeyboardInterrupt, turned into its one-line message).
    """
    caught = []

    def hold(signum, frame):  # noqa: ARG001 - signal handler signature
        caught.append(signum)

    previous = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            handler = signal.getsignal(sig)
            if handler in (signal.SIG_IGN, None):
                continue
            previous[sig] = signal.signal(sig, hold)
    except ValueError:  # not the main thread: signals are not ours to change
        previous = {}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if caught:
        handler = previous[caught[0]]
        if callable(handler):  # Ctrl-C's, or the CLI's SIGTERM one: raise KeyboardInterrupt
            handler(caught[0], None)
        else:  # SIG_DFL: the default action, now
            os.kill(os.getpid(), caught[0])


def _quiet_manager_thread(args) -> None:
    """`threading.excepthook` ignoring one CPython < 3.12 race of a stopped pool: the
    executor's manager thread may mark a future broken that the stop has just cancelled
    (InvalidStateError), printing a thread traceback after the interrupt line."""
    from concurrent.futures import InvalidStateError

    if isinstance(args.exc_value, InvalidStateError) and \
            type(args.thread).__name__ == "_ExecutorManagerThread":
        return
    _PREVIOUS_HOOK(args)


_PREVIOUS_HOOK = threading.excepthook


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop now: cancel queued chunks and end the workers (interrupt or error)."""
    if threading.excepthook is not _quiet_manager_thread:
        global _PREVIOUS_HOOK  # noqa: PLW0603 - chain to whatever hook was installed
        _PREVIOUS_HOOK = threading.excepthook
        threading.excepthook = _quiet_manager_thread
    terminate = getattr(pool, "terminate_workers", None)  # Python >= 3.14
    if terminate is not None:  # pragma: no cover - newer Python
        terminate()
    else:
        # the worker list first: `shutdown` drops the pool's reference to it (CPython <=
        # 3.13), and a worker left to the manager thread waits for a stop message that an
        # interrupted driver may never send (the thread can die on the race above)
        workers = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in workers:
            if proc.is_alive():
                proc.terminate()
    _stop_forkserver()


def _stop_forkserver() -> None:
    """End the forkserver now: started workers are terminated above, and one still queued
    in the server would otherwise be forked after this process has gone and fail with a
    traceback (its semaphores unlinked). The next pool starts a fresh server
    (``ensure_running`` reaps this one)."""
    from multiprocessing import forkserver

    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if pid is not None:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:  # already gone
            pass


@dataclass(frozen=True)
class DaskExecutor(Executor):
    """Chunks as tasks of a ``dask.distributed`` cluster (optional extra ``thermalize[dask]``).

    Give exactly one of `scheduler` (an existing cluster, e.g. ``tcp://host:8786``) or
    `local_cluster` (a `LocalCluster` of that many worker processes started for the run).

    Parameters
    ----------
    scheduler : str, optional
        Address of a running ``dask scheduler``.
    local_cluster : int, optional
        Worker processes of a LocalCluster (one thread each).
    connect_timeout : float
        Seconds to reach the scheduler and to see its first worker, then `SweepError`.
    blas_threads : int, optional
        BLAS threads per worker process, set by a worker plugin; default
        ``max(1, cores // local_cluster)`` for a local cluster and 1 for a remote one
        (start remote workers with ``--nthreads 1``, one per core).

    Notes
    -----
    A lost worker's chunks are rerun by the scheduler elsewhere (Dask's
    ``distributed.scheduler.allowed-failures``); the chunks already checkpointed are never
    recomputed.
    """

    scheduler: str | None = None
    local_cluster: int | None = None
    connect_timeout: float = 10.0
    blas_threads: int | None = None

    def __post_init__(self) -> None:
        if (self.scheduler is None) == (self.local_cluster is None):
            raise ParameterError("DaskExecutor: give exactly one of scheduler= or local_cluster=")
        if self.scheduler is not None and (
            not isinstance(self.scheduler, str) or not _ADDRESS.fullmatch(self.scheduler)
        ):
            raise ParameterError(
                f"scheduler={self.scheduler!r} is not a scheduler address: expected "
                "PROTOCOL://HOST:PORT (e.g. tcp://127.0.0.1:8786) or HOST:PORT")
        _check_count("local_cluster", self.local_cluster, allow_none=True)
        _check_count("blas_threads", self.blas_threads, allow_none=True)
        t = self.connect_timeout
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not t > 0:
            raise ParameterError(f"connect_timeout={t!r} is outside the allowed range (0, inf)")
        _require_dask()

    @property
    def workers(self) -> int:
        """Worker processes of the local cluster; 0 for an existing cluster (its own)."""
        return self.local_cluster or 0

    @property
    def threads(self) -> int:
        """BLAS threads each worker is capped at."""
        if self.blas_threads:
            return self.blas_threads
        return max(1, available_cores() // self.local_cluster) if self.local_cluster else 1

    @contextmanager
    def open(self):
        """Connect (or start the LocalCluster), cap BLAS on the workers, yield the mapper."""
        from . import _dask

        with _dask.client(self) as client:
            yield lambda fn, tasks: _dask.map_unordered(client, fn, tasks)


def _require_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise SweepError(DASK_MISSING) from exc
