"""Sweeps on Dask: LocalCluster of 2 worker processes, a killed worker, BLAS cap, no scheduler."""

import os
import signal
import socket
import time

import numpy as np
import pytest
import xarray as xr
from threadpoolctl import threadpool_info

from thermalize.sweep import DaskExecutor, SerialExecutor, SweepError, SweepSpec, run

distributed = pytest.importorskip("distributed")  # optional extra: thermalize[dask]


def slow_cube(x, delay=0.0):
    """Module level (workers import it); the delay keeps chunks in flight."""
    time.sleep(delay)
    blas = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    return {"cube": float(x) ** 3, "blas_threads": max(blas), "pid": os.getpid()}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=50) as c:
        yield c


def _spec(n=16, delay=0.0, chunk=2):
    return SweepSpec(slow_cube, {"x": np.arange(n)}, {"delay": delay}, chunk_size=chunk)


def test_local_cluster_gives_the_serial_dataset_with_blas_capped(cluster):
    spec = _spec()
    serial = run(spec, executor=SerialExecutor()).dataset
    dask = run(spec, executor=DaskExecutor(scheduler=cluster.scheduler_address, blas_threads=1))
    assert dask.ok
    ds = dask.dataset
    xr.testing.assert_identical(serial.drop_vars(["pid", "blas_threads"]),
                                ds.drop_vars(["pid", "blas_threads"]))
    assert (ds["blas_threads"].values == 1).all()  # the worker plugin capped BLAS
    assert len(np.unique(ds["pid"])) == 2  # both worker processes took chunks


class _KillOneWorker(DaskExecutor):
    """Dask executor that SIGKILLs one worker process after the first finished chunk."""

    def open(self):
        parent = super().open()

        class _Ctx:
            def __enter__(ctx):
                map_unordered = parent.__enter__()

                def killing(fn, tasks):
                    it = map_unordered(fn, tasks)
                    yield next(it)
                    with distributed.Client(self.scheduler, set_as_default=False) as c:
                        pids = c.run(os.getpid)
                    victim = min(pids.values())
                    os.kill(victim, signal.SIGKILL)
                    _KILLED.append(victim)
                    yield from it

                return killing

            def __exit__(ctx, *exc):
                return parent.__exit__(*exc)

        return _Ctx()


_KILLED: list[int] = []


def test_killed_worker_loses_nothing(cluster):
    spec = _spec(n=16, delay=0.15, chunk=2)
    res = run(spec, executor=_KillOneWorker(scheduler=cluster.scheduler_address))
    assert _KILLED, "no worker was killed"
    assert res.ok and res.evaluated == spec.n_points
    np.testing.assert_array_equal(res.dataset["cube"].values, np.arange(16.0) ** 3)
    # the killed worker's chunk was rerun elsewhere: every value present, none failed
    assert res.dataset.attrs["n_failed"] == 0
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as c:
        assert _KILLED[0] not in c.run(os.getpid).values()  # it really died


def test_started_local_cluster_executor(tmp_path):
    spec = _spec(n=6, chunk=3)
    res = run(spec, executor=DaskExecutor(local_cluster=2), out=tmp_path / "out")
    assert res.ok and res.path.exists()
    assert (res.dataset["blas_threads"].values == max(1, len(os.sched_getaffinity(0)) // 2)).all()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_fails_fast_with_a_clear_message():
    address = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens there
    t0 = time.monotonic()
    with pytest.raises(SweepError, match=f"cannot reach the Dask scheduler at {address}"):
        run(_spec(n=2), executor=DaskExecutor(scheduler=address, connect_timeout=1.0))
    assert time.monotonic() - t0 < 15  # 1 s timeout + client teardown, no hang
