"""Sweeps on the serial and local-pool executors: identical data, seeds, BLAS cap, failures."""

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from threadpoolctl import threadpool_info

from thermalize.sweep import (
    DaskExecutor,
    LocalPoolExecutor,
    SerialExecutor,
    SweepError,
    SweepSpec,
    available_cores,
    point_rng,
    run,
    sweep,
)


def blas_threads(x):
    """Module level so pool workers can import it: BLAS threads seen inside the worker."""
    infos = [i for i in threadpool_info() if i["user_api"] == "blas"]
    return {"max_threads": max(i["num_threads"] for i in infos), "libraries": len(infos)}


def noisy(x, *, rng):
    """Two draws of the point's generator."""
    return rng.standard_normal(2)


def _data_bytes(ds):
    return {k: ds[k].values.tobytes() for k in ds.variables}


def test_serial_and_pool_give_bitwise_identical_datasets():
    spec = SweepSpec("core.detailed-balance-steady-state",
                     {"beta": {"linspace": [-1.0, 3.0, 9]}, "spacing": [0.5, 2.0]},
                     {"levels": 4}, chunk_size=3)
    serial = run(spec, executor=SerialExecutor())
    pooled = run(spec, executor=LocalPoolExecutor(workers=2))
    assert serial.ok and pooled.ok and pooled.evaluated == spec.n_points
    xr.testing.assert_identical(serial.dataset, pooled.dataset)
    assert _data_bytes(serial.dataset) == _data_bytes(pooled.dataset)  # bitwise


def test_steady_state_sweep_obeys_detailed_balance_law():
    """Every point's steady state is the Gibbs state (the generator's fixed point)."""
    ds = sweep("core.detailed-balance-steady-state",
               {"beta": {"logspace": [-1, 1, 7]}, "levels": [2, 5]}, fixed={"spacing": 0.7})
    assert ds["populations"].dims == ("beta", "levels", "level")
    # LU solve of a <= 25x25 well-conditioned system: errors ~1e-15, 1e-12 leaves margin
    assert float(ds["distance_to_gibbs"].max()) < 1e-12
    for n in (2, 5):
        p = ds["populations"].sel(levels=n).values[:, :n]
        e = 0.7 * np.arange(n)
        w = np.exp(-ds["beta"].values[:, None] * e)
        np.testing.assert_allclose(p, w / w.sum(axis=1, keepdims=True), rtol=0, atol=1e-12)
    # outputs of different sizes are NaN-padded to the largest: no invented zeros
    assert ds["populations"].sizes["level"] == 5
    assert np.isnan(ds["populations"].sel(levels=2).values[:, 2:]).all()


def test_per_point_seeds_are_children_of_seedsequence_whatever_the_chunking():
    grid = {"x": np.arange(7)}
    a = sweep(noisy, grid, seed=11, chunk_size=1)
    b = sweep(noisy, grid, seed=11, chunk_size=4, executor=LocalPoolExecutor(workers=2))
    assert _data_bytes(a) == _data_bytes(b)
    children = np.random.SeedSequence(11).spawn(7)
    expected = [np.random.default_rng(c).standard_normal(2) for c in children]
    np.testing.assert_array_equal(a["noisy"].values, expected)  # same generator, same numbers
    assert point_rng(11, 6).random() == np.random.default_rng(children[6]).random()


def test_monte_carlo_sweep_agrees_with_exact_mean_energy():
    """<m v^2/2> = 1/beta (effusion) and 1/(2 beta) (Maxwell), within 4 standard errors."""
    ds = sweep("core.thermal-kinetic-energy",
               {"beta": [0.5, 1.0, 4.0], "law": ["effusion", "maxwell"]},
               fixed={"samples": 4000, "mass": 2.0}, seed=5)
    exact = np.array([[1.0, 0.5]]) / ds["beta"].values[:, None]
    z = (ds["mean_energy"].values - exact) / ds["standard_error"].values
    assert np.all(np.abs(z) < 4), z  # 4 standard errors from the same run


def test_blas_threads_are_capped_inside_pool_workers():
    workers = 2
    ds = sweep(blas_threads, {"x": np.arange(4)}, chunk_size=1,
               executor=LocalPoolExecutor(workers=workers))
    cap = max(1, available_cores() // workers)
    assert (ds["max_threads"].values == cap).all()
    assert workers * cap <= max(available_cores(), workers)
    pinned = sweep(blas_threads, {"x": np.arange(2)},
                   executor=LocalPoolExecutor(workers=1, blas_threads=1))
    assert (pinned["max_threads"].values == 1).all()


def fails_below_zero(x: float, y: float) -> dict:
    """A quantity whose failures only its evaluation can find (no declared checks: spec
    validation, issue 15 item 6, would reject a declared-invalid value before any work)."""
    if x < 0:
        from thermalize.errors import ParameterError

        raise ParameterError(f"x={x!r} is outside the allowed range [0, inf)")
    return {"value": np.full(3, x * y)}


def test_failed_points_are_recorded_logged_and_do_not_stop_the_sweep(caplog, monkeypatch):
    monkeypatch.syspath_prepend(str(__import__("pathlib").Path(__file__).parent))
    spec = SweepSpec("test_sweep_executors:fails_below_zero",
                     {"x": [-1.0, 1.0, 2.0], "y": [0.5, 1.0]}, chunk_size=2)
    with caplog.at_level(logging.WARNING, logger="thermalize.sweep"):
        res = run(spec, executor=LocalPoolExecutor(workers=2))
    assert res.complete and not res.ok and len(res.failures) == 2
    assert {f["index"] for f in res.failures} == {0, 1}
    assert all("x=-1.0" in f["error"] for f in res.failures)
    ds = res.dataset
    assert ds.attrs["n_failed"] == 2 and "x=-1.0" in ds.attrs["failed_points"]
    assert np.isnan(ds["value"].sel(x=-1.0)).all()
    assert np.isfinite(ds["value"].sel(x=[1.0, 2.0])).all()
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == 2 and all("'x': -1.0" in m for m in logged)


def inconsistent(x):
    return np.zeros((2, 2)) if x == 2 else np.zeros(x)


def test_inconsistent_output_dimensions_fail_those_points():
    ds = sweep(inconsistent, {"x": [1, 2, 3, 4]}, chunk_size=2)
    failed = {f["parameters"]["x"] for f in __import__("json").loads(ds.attrs["failed_points"])}
    assert ds.attrs["n_failed"] == 1 and failed == {2}
    assert np.isnan(ds["inconsistent"].values[1]).all()
    assert ds["inconsistent"].shape == (4, 4)  # padded to the largest (x = 4)
    np.testing.assert_array_equal(ds["inconsistent"].values[2], [0, 0, 0, np.nan])


def test_executor_arguments_are_validated():
    with pytest.raises(ValueError, match="workers=0"):
        LocalPoolExecutor(workers=0)
    with pytest.raises(ValueError, match="exactly one"):
        DaskExecutor()


def test_missing_dask_gives_install_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(SweepError, match=r'pip install "thermalize\[dask\]"'):
        DaskExecutor(local_cluster=1)


def dies_at_three(x):
    """Kills its worker process at x = 3 (a segfault, the OOM killer...)."""
    if x == 3:
        import os

        os._exit(1)
    return float(x)


def test_dead_worker_stops_the_run_incomplete_with_chunks_saved(tmp_path):
    spec = SweepSpec(dies_at_three, {"x": np.arange(8)}, chunk_size=1)
    res = run(spec, executor=LocalPoolExecutor(workers=1), out=tmp_path / "out")
    assert not res.complete and "worker process died" in res.error
    assert res.path is None and not (tmp_path / "out" / "sweep.nc").exists()
    saved = sorted(p.name for p in (tmp_path / "out" / "chunks").glob("chunk-*.npz"))
    assert saved == [f"chunk-{c:06d}.npz" for c in range(3)]  # x = 0, 1, 2 finished first
    np.testing.assert_array_equal(res.dataset["dies_at_three"].values[:3], [0.0, 1.0, 2.0])
    assert np.isnan(res.dataset["dies_at_three"].values[3:]).all()
    with pytest.raises(SweepError, match="sweep incomplete"):
        sweep(dies_at_three, {"x": np.arange(8)}, chunk_size=1,
              executor=LocalPoolExecutor(workers=1))


def test_pool_that_cannot_start_is_an_incomplete_run_not_a_crash():
    """Workers cannot re-import a __main__ read from stdin: the pool breaks at start-up."""
    import subprocess

    script = ("import numpy as np\n"
              "from thermalize.sweep import LocalPoolExecutor, SweepSpec, run\n"
              "res = run(SweepSpec('core.detailed-balance-steady-state', {'beta': [1.0, 2.0]},"
              " chunk_size=1), executor=LocalPoolExecutor(workers=2))\n"
              "print('complete', res.complete, '|', res.error)\n")
    proc = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True,
                          check=False,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "complete False | " in proc.stdout and "worker" in proc.stdout


def sleeper(task):
    """Write this worker's pid into the task's folder, then sleep the task's seconds."""
    folder, seconds = task
    Path(folder, f"{os.getpid()}-{seconds}").write_text("")
    time.sleep(seconds)
    return seconds


def _ended(pid: int) -> bool:
    """Gone, or exited and waiting to be reaped (an orphan's new parent may be slow to)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return True
    return stat[stat.rfind(b")") + 2:].startswith(b"Z")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_stopped_pool_ends_its_busy_workers_at_once(tmp_path):
    """An error (or Ctrl-C, SIGTERM) inside the pool terminates workers mid-task (issue 15,
    item 7). CPython's `shutdown` drops the pool's worker list, so the stop once ended no
    worker itself and relied on the executor's manager thread, which can die first on an
    InvalidStateError; the workers then waited for a stop message nobody sent (that race is
    hit by the SIGTERM case of test_cli_hygiene's pool start-up test)."""
    tasks = [(str(tmp_path), 0)] + [(str(tmp_path), 60)] * 2
    with pytest.raises(RuntimeError, match="stop here"):
        with LocalPoolExecutor(workers=2).open() as map_unordered:
            assert next(map_unordered(sleeper, tasks)) == 0
            deadline = time.monotonic() + 60
            while len(list(tmp_path.glob("*-60"))) < 2:  # both workers inside a 60 s task
                assert time.monotonic() < deadline
                time.sleep(0.01)
            raise RuntimeError("stop here")
    pids = {int(p.name.split("-")[0]) for p in tmp_path.iterdir()}
    assert len(pids) == 2
    deadline = time.monotonic() + 5  # SIGTERM ends a sleeping worker in milliseconds
    while not all(_ended(pid) for pid in pids):
        assert time.monotonic() < deadline, "a worker outlived the stopped pool"
        time.sleep(0.01)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_sees_an_exited_unreaped_driver_as_gone():
    """A worker ends itself when its driver is gone; a driver that has exited but is not yet
    reaped (its own parent busy) still answers ``kill(pid, 0)``, so the zombie state counts."""
    from thermalize.sweep._executors import _is_zombie

    assert not _is_zombie(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # exited, left unreaped
    assert _is_zombie(child.pid)
    child.wait()
    assert not _is_zombie(child.pid)  # reaped: no such process, not a zombie
