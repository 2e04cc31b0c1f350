"""Checkpoint and resume: kill -9 midway, rerun, nothing finished is recomputed."""

import json
import math
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from thermalize.io import read_dataset
from thermalize.sweep import SpecError, SweepError, SweepSpec, run
from thermalize.sweep._store import SweepStore

HERE = Path(__file__).resolve().parent
N_POINTS, CHUNK = 24, 2


def counted(x, counter_dir, delay=0.0):
    """Deterministic output; leaves one marker file per evaluation in `counter_dir`."""
    Path(counter_dir, f"{x}-{uuid.uuid4().hex}").touch()
    time.sleep(delay)
    return {"square": float(x) ** 2, "sine": math.sin(x)}


def _evaluations(counter: Path) -> list[int]:
    return [int(p.name.split("-")[0]) for p in counter.iterdir()]


def _spec_text(counter: Path, delay: float) -> str:
    return (f'quantity = "test_sweep_resume:counted"\nchunk_size = {CHUNK}\n'
            f"[grid]\nx = {list(range(N_POINTS))}\n"
            f'[fixed]\ncounter_dir = "{counter}"\ndelay = {delay}\n')


def _cli(*args, **kw):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, "-m", "thermalize", "sweep", *map(str, args)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def _without_time(ds: xr.Dataset) -> xr.Dataset:
    """Drop the provenance of the run itself (date, command, BLAS, wall time; HEAD may move
    while the test runs)."""
    ds = ds.copy()
    for key in ("created_utc", "git_commit", "git_dirty", "command", "blas", "wall_time_s",
                "n_runs"):
        ds.attrs.pop(key)
    return ds


def test_kill_9_midway_then_resume_recomputes_only_missing_chunks(tmp_path):
    counter = tmp_path / "count"
    counter.mkdir()
    spec = tmp_path / "spec.toml"
    spec.write_text(_spec_text(counter, delay=0.1))
    out = tmp_path / "out"
    proc = _cli(spec, "--workers", "2", "--out", out, start_new_session=True)
    chunks = out / "chunks"
    deadline = time.monotonic() + 60
    while len(list(chunks.glob("chunk-*.npz"))) < 3:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no chunk finished within 60 s"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver, forkserver and workers: a crash
    proc.wait(timeout=10)
    finished = sorted(int(p.stem.split("-")[1]) for p in chunks.glob("chunk-*.npz"))
    assert 3 <= len(finished) < N_POINTS // CHUNK and not (out / "sweep.nc").exists()
    before = _evaluations(counter)
    saved = {x for c in finished for x in range(c * CHUNK, (c + 1) * CHUNK)}
    assert saved <= set(before)

    rerun = _cli(spec, "--workers", "2", "--out", out)
    stdout, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr.decode()
    assert f"{len(saved)} from checkpoints" in stdout.decode()
    second = _evaluations(counter)
    for x in before:
        second.remove(x)
    # no finished chunk recomputed; every other point evaluated exactly once
    assert sorted(second) == sorted(set(range(N_POINTS)) - saved)

    fresh_out = tmp_path / "fresh"
    fresh = _cli(spec, "--workers", "1", "--out", fresh_out)
    assert fresh.wait(timeout=120) == 0
    resumed, uninterrupted = read_dataset(out / "sweep.nc"), read_dataset(fresh_out / "sweep.nc")
    xr.testing.assert_identical(_without_time(resumed), _without_time(uninterrupted))
    np.testing.assert_array_equal(resumed["square"].values, np.arange(N_POINTS) ** 2.0)
    # the wall time is summed over both runs: the killed one counts up to its last checkpoint
    # (>= the 3 chunks of 0.1 s per point it finished on 2 workers), the resumed one in full
    runs = json.loads((out / "sweep.json").read_text())["status"]["runtimes_s"]
    assert len(runs) == 2 and runs[0] >= 3 * CHUNK * 0.1 / 2 and runs[1] > 0
    assert resumed.attrs["n_runs"] == 2 and uninterrupted.attrs["n_runs"] == 1
    assert resumed.attrs["wall_time_s"] == pytest.approx(sum(runs), abs=2e-3)  # rounded to ms


def test_ctrl_c_stops_workers_and_keeps_finished_chunks(tmp_path):
    counter = tmp_path / "count"
    counter.mkdir()
    spec = tmp_path / "spec.toml"
    spec.write_text(_spec_text(counter, delay=0.1))
    out = tmp_path / "out"
    proc = _cli(spec, "--workers", "2", "--out", out, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(list((out / "chunks").glob("chunk-*.npz"))) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends to the foreground group
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr.decode()
    assert "interrupted; finished results are on disk" in stderr.decode()
    assert "Traceback" not in stderr.decode()  # workers ignore SIGINT; no noise
    saved = len(list((out / "chunks").glob("chunk-*.npz")))
    n = len(_evaluations(counter))
    time.sleep(0.5)
    assert len(_evaluations(counter)) == n  # no worker keeps computing after the interrupt
    rerun = _cli(spec, "--out", out)
    stdout, _ = rerun.communicate(timeout=120)
    assert rerun.returncode == 0 and f"{saved * CHUNK} from checkpoints" in stdout.decode()


def test_changed_spec_is_refused_unless_forced(tmp_path):
    counter = tmp_path / "count"
    counter.mkdir()
    out = tmp_path / "out"
    a = SweepSpec(counted, {"x": [1, 2, 3]}, {"counter_dir": str(counter)})
    b = SweepSpec(counted, {"x": [1, 2, 4]}, {"counter_dir": str(counter)})
    assert run(a, out=out).ok
    with pytest.raises(SweepError, match="another spec.*--force"):
        run(b, out=out)
    assert len(_evaluations(counter)) == 3  # refused before any work
    res = run(b, out=out, force=True)
    assert res.ok and res.reused == 0 and res.evaluated == 3
    np.testing.assert_array_equal(read_dataset(out / "sweep.nc")["x"], [1, 2, 4])
    again = run(b, out=out)  # same spec: everything from checkpoints
    assert again.evaluated == 0 and again.reused == 3 and len(_evaluations(counter)) == 6
    # the forced run started the time count afresh; the rerun added its own
    assert read_dataset(out / "sweep.nc").attrs["n_runs"] == 2


def test_resuming_chunks_of_another_version_warns(tmp_path, caplog):
    counter = tmp_path / "count"
    counter.mkdir()
    spec = SweepSpec(counted, {"x": [1, 2]}, {"counter_dir": str(counter)})
    out = tmp_path / "out"
    run(spec, out=out)
    manifest = out / "sweep.json"
    manifest.write_text(manifest.read_text().replace('"thermalize_version": "',
                                                     '"thermalize_version": "0.0.0-old'))
    res = run(spec, out=out)
    assert res.reused == 2 and "computed by thermalize 0.0.0-old" in caplog.text


def test_stale_partial_writes_are_ignored(tmp_path):
    counter = tmp_path / "count"
    counter.mkdir()
    spec = SweepSpec(counted, {"x": [1, 2, 3, 4]}, {"counter_dir": str(counter)}, chunk_size=2)
    out = tmp_path / "out"
    SweepStore(out).prepare(spec)
    junk = out / "chunks" / ".chunk-000000.npz.abc123.tmp"  # a write killed midway
    junk.write_bytes(b"partial")
    res = run(spec, out=out)
    assert res.ok and res.evaluated == 4 and not junk.exists()


def test_unwritable_output_is_refused_before_any_work(tmp_path):
    counter = tmp_path / "count"
    counter.mkdir()
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    spec = SweepSpec(counted, {"x": [1, 2]}, {"counter_dir": str(counter)})
    with pytest.raises(SweepError, match="cannot write the sweep output directory"):
        run(spec, out=blocker / "out")
    assert _evaluations(counter) == []


def test_bad_parameter_for_reference_quantity_is_a_spec_error(tmp_path):
    with pytest.raises(SpecError, match="grid.y: 'y' is not a parameter"):
        SweepSpec(counted, {"y": [1]}, {"counter_dir": str(tmp_path)})
