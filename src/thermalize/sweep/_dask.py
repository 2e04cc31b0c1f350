"""Dask distributed glue: connect or start a cluster, cap BLAS in workers, map chunks."""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from distributed import Client, LocalCluster, WorkerPlugin, as_completed

from ._errors import SweepError
from ._executors import cap_blas_threads

__all__ = ["BlasCap", "client", "map_unordered"]


class BlasCap(WorkerPlugin):
    """Worker plugin capping BLAS threads in every (current and future) worker process."""

    name = "thermalize-blas-cap"

    def __init__(self, threads: int):
        self.threads = threads

    def setup(self, worker) -> None:
        cap_blas_threads(self.threads)


@contextmanager
def _sigint_ignored():
    """Ignore SIGINT while worker processes are spawned (they inherit the disposition and
    Python then installs no KeyboardInterrupt handler in them), so a Ctrl-C sent to the whole
    foreground group stops the run through the driver alone, without a traceback per worker."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to do
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def client(executor) -> Iterator[Client]:
    """A connected client with the BLAS cap plugin registered; closed on exit."""
    timeout = executor.connect_timeout
    cluster = None
    if executor.local_cluster is not None:
        with _sigint_ignored():  # the worker processes inherit it: Ctrl-C is the driver's
            cluster = LocalCluster(n_workers=executor.local_cluster, threads_per_worker=1,
                                   processes=True, dashboard_address=":0",
                                   silence_logs=logging.ERROR)
        address = cluster.scheduler_address
    else:
        address = executor.scheduler
    try:
        try:
            c = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SweepError(
                f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({exc}); "
                "start one with `dask scheduler` and workers with `dask worker ADDRESS "
                "--nthreads 1`"
            ) from exc
        try:
            try:
                c.wait_for_workers(1, timeout=timeout)
            except TimeoutError as exc:
                raise SweepError(
                    f"the Dask scheduler at {address} has no workers after {timeout:g} s; "
                    f"start some with `dask worker {address} --nthreads 1`"
                ) from exc
            c.register_plugin(BlasCap(executor.threads))
            yield c
        finally:
            c.close()
    finally:
        if cluster is not None:
            cluster.close()


def map_unordered(c: Client, fn, tasks) -> Iterator:
    """``fn(task)`` for every task on the cluster, yielded as they finish."""
    futures = c.map(fn, list(tasks), pure=False)
    try:
        for fut in as_completed(futures, loop=c.loop):
            try:
                result = fut.result()
            except Exception as exc:  # KilledWorker, lost scheduler, unpicklable task ...
                raise SweepError(f"a Dask task failed: {type(exc).__name__}: {exc}") from exc
            fut.release()
            yield result
    finally:
        c.cancel(futures)
