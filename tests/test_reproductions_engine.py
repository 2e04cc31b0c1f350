"""Reproductions run as tasks on the sweep engine: executors, sharing, resume, modes (issue 13)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xarray as xr

from thermalize import cli, sweep
from thermalize.papers import get, run_reproductions
from thermalize.papers import _tasks as tasks_module
from thermalize.papers._runner import plan

sys.path.insert(0, str(Path(__file__).parent))
from _engine_helpers import small_repro, spec  # noqa: E402

SPECS = [spec("a", 3.0), spec("b", 3.0), spec("a", 30.0), spec("b", 30.0)]


def _datasets(results):
    return {r.id: r.dataset.drop_attrs() for r in results}


def test_same_datasets_on_serial_pool_and_local_cluster(tmp_path):
    """A test-sized full configuration (tasks = real fermion runs, plus the seeded
    core.gibbs-fixed-point) gives identical datasets on 1 process, a 2-process pool and a
    2-worker LocalCluster (1 BLAS thread per task on each, so equality is bitwise)."""
    pytest.importorskip("distributed")
    repros = [small_repro("test.small", SPECS), get("core.gibbs-fixed-point")]
    runs = {}
    for name, ex in [("serial", sweep.SerialExecutor()),
                     ("pool", sweep.LocalPoolExecutor(workers=2, blas_threads=1)),
                     ("cluster", sweep.DaskExecutor(local_cluster=2, blas_threads=1))]:
        tasks_module.MISSES.clear()
        res = run_reproductions(repros, quick=False, executor=ex, blas_threads=1,
                                out_dir=tmp_path / name)
        assert tasks_module.MISSES == [], "the assembly recomputed a declared task"
        assert all(r.passed for r in res)
        runs[name] = _datasets(res)
    for rid, ds in runs["serial"].items():
        assert ds.identical(runs["pool"][rid]), rid
        assert ds.identical(runs["cluster"][rid]), rid


def test_a_task_shared_by_two_reproductions_is_computed_once(tmp_path):
    a = small_repro("test.a", SPECS[:2])
    b = small_repro("test.b", SPECS[1:3])  # shares SPECS[1] with test.a
    counts = []
    res = run_reproductions([a, b], quick=False, out_dir=tmp_path,
                            on_start=lambda n, stored: counts.append((n, stored)))
    assert counts == [(3, 0)]  # three distinct tasks, nothing stored yet
    assert len(list((tmp_path / "tasks").glob("*.pkl"))) == 3
    assert [r.n_tasks for r in res] == [2, 2]
    # a later process (here: a later call) reuses all of them
    counts.clear()
    again = run_reproductions([b], quick=False, out_dir=tmp_path,
                              on_start=lambda n, stored: counts.append((n, stored)))
    assert counts == [(2, 2)] and again[0].n_reused == 2
    assert again[0].dataset.drop_attrs().identical(res[1].dataset.drop_attrs())


def test_usui2024_figs_4_5_8_share_their_ensemble_runs():
    """The K = 1000 Gamma = 3 ensemble runs of Figs. 4, 5 and 8 are the same two tasks."""
    keys = {i: {t.key() for t in plan(get(f"usui2024.{i}"), False)} for i in ("fig4", "fig5",
                                                                            "fig8")}
    assert keys["fig5"] <= keys["fig4"] and keys["fig5"] <= keys["fig8"]
    assert len(keys["fig5"]) == 2
    assert len(keys["fig4"] | keys["fig5"] | keys["fig8"]) == 8  # of 12 asked for


KILL_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from _engine_helpers import small_repro, spec
from thermalize.papers import run_reproductions
specs = [spec(c, g) for c in "ab" for g in (1.0, 3.0, 10.0, 30.0)]
run_reproductions([small_repro("test.kill", specs)], quick=False, out_dir={out!r})
"""


def test_kill_9_then_rerun_recomputes_no_finished_task(tmp_path):
    out = tmp_path / "killed"
    script = KILL_SCRIPT.format(tests=str(Path(__file__).parent), out=str(out))
    proc = subprocess.Popen([sys.executable, "-c", script], env={**os.environ})
    store = out / "tasks"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(list(store.glob("*.pkl"))) < 2:
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = len(list(store.glob("*.pkl")))
    assert 2 <= stored < 8, "kill the run mid-way (it must neither fail early nor finish)"
    specs = [spec(c, g) for c in "ab" for g in (1.0, 3.0, 10.0, 30.0)]
    counts = []
    (res,) = run_reproductions([small_repro("test.kill", specs)], quick=False, out_dir=out,
                               on_start=lambda n, s: counts.append((n, s)))
    assert counts == [(8, stored)]  # every finished task is read back ...
    assert res.n_reused == stored  # ... so 8 - stored are evaluated
    (ref,) = run_reproductions([small_repro("test.kill", specs)], quick=False,
                               out_dir=tmp_path / "uninterrupted")
    assert res.dataset.drop_attrs().identical(ref.dataset.drop_attrs())
    assert xr.load_dataset(out / "full" / "test.kill.nc").drop_attrs().identical(
        xr.load_dataset(tmp_path / "uninterrupted" / "full" / "test.kill.nc").drop_attrs())


def test_quick_then_full_into_one_out_both_survive(tmp_path, capsys):
    rid = "core.gibbs-fixed-point"
    assert cli.main(["reproduce", rid, "--out", str(tmp_path)]) == 0
    assert cli.main(["reproduce", rid, "--out", str(tmp_path), "--full"]) == 0
    out = capsys.readouterr().out
    assert "1 tasks" in out or "1 task" in out
    for mode in ("quick", "full"):
        for ext in ("nc", "png", "json"):
            assert (tmp_path / mode / f"{rid}.{ext}").stat().st_size > 0
        doc = json.loads((tmp_path / mode / f"{rid}.json").read_text())
        assert doc["mode"] == mode and doc["quick"] == (mode == "quick")
    q = xr.load_dataset(tmp_path / "quick" / f"{rid}.nc")
    f = xr.load_dataset(tmp_path / "full" / f"{rid}.nc")
    assert q.sizes["time"] != f.sizes["time"]  # really two different runs


@pytest.mark.parametrize("args, words", [
    (["--workers", "0"], "workers=0"),
    (["--scheduler", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler"),
    (["--local-cluster", "0"], "local_cluster=0"),
])
def test_bad_executor_is_one_line_exit_2_before_any_work(tmp_path, capsys, args, words):
    if "--scheduler" in args:
        pytest.importorskip("distributed")
    rc = cli.main(["reproduce", "core.gibbs-fixed-point", "--out", str(tmp_path), *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and words in err[0], err
    assert not list(tmp_path.rglob("*.pkl")) and not list(tmp_path.rglob("*.nc"))


def test_list_shows_quick_and_full_estimates(capsys):
    assert cli.main(["list", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    fig4 = next(d for d in doc if d["id"] == "usui2024.fig4")
    assert fig4["full_runtime_estimate_s"] > 100 * fig4["runtime_estimate_s"]
    assert fig4["declares_tasks"]
    assert cli.main(["list"]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[0].split()[:3] == ["id", "quick", "full"]


POOL_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from _engine_helpers import sleeper
from thermalize.sweep import LocalPoolExecutor
with LocalPoolExecutor(workers=1).open() as map_unordered:
    list(map_unordered(sleeper, [{path!r}]))
"""


def test_pool_workers_end_when_the_parent_is_killed(tmp_path):
    """kill -9 of the process running the pool also ends its workers within seconds
    (instead of finishing a task nobody will store)."""
    pids = tmp_path / "pids"
    script = POOL_SCRIPT.format(tests=str(Path(__file__).parent), path=str(pids))
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (pids.exists() and pids.read_text().strip()):
        time.sleep(0.1)
    worker = int(pids.read_text().split()[0])
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the pool worker outlived its parent by 30 s")
