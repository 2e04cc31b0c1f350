"""Checkpoints that cannot lie (issue 15, item 5): a damaged, foreign or misplaced checkpoint is
detected, named in one log line, moved aside and recomputed - never used, never fatal; the rerun
ends with the dataset of an uninterrupted run."""

import io
import json
import logging
import math
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from thermalize.sweep import SweepSpec, Task, TaskStore, run, run_tasks
from thermalize.sweep._store import REJECTED

HERE = Path(__file__).resolve().parent
N, CHUNK = 8, 2  # 4 chunks


def counted(x, counter_dir):
    """Deterministic outputs; one marker file per evaluation in `counter_dir`."""
    Path(counter_dir, f"{x}-{uuid.uuid4().hex}").touch()
    return {"square": float(x) ** 2, "sine": math.sin(x)}


def _spec(counter: Path) -> SweepSpec:
    return SweepSpec(counted, {"x": list(range(N))}, {"counter_dir": str(counter)},
                     chunk_size=CHUNK)


def _evaluated(counter: Path) -> list[int]:
    return sorted(int(p.name.split("-")[0]) for p in counter.iterdir())


def _chunk(out: Path, c: int) -> Path:
    return out / "chunks" / f"chunk-{c:06d}.npz"


def _truncate(p: Path):
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _garbage(p: Path):
    p.write_bytes(os.urandom(p.stat().st_size))


def _swap(p: Path):  # a valid chunk (number 0) copied over another one
    shutil.copyfile(p.with_name("chunk-000000.npz"), p)


def _edit(p: Path):  # a number changed, the file otherwise intact (metadata kept)
    with np.load(p) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["out__square"] = arrays["out__square"] + 1.0
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    p.write_bytes(buf.getvalue())


def _empty(p: Path):  # a 0-byte file (a crash between create and write, no rename)
    p.write_bytes(b"")


DAMAGE = {"truncated": _truncate, "garbage": _garbage, "swapped": _swap, "edited": _edit,
          "empty": _empty}


@pytest.fixture
def finished(tmp_path):
    """An uninterrupted run: its directory, its dataset and the evaluation counter."""
    counter = tmp_path / "count"
    counter.mkdir()
    out = tmp_path / "out"
    ref = run(_spec(counter), out=out)
    assert ref.ok
    return out, ref.dataset, counter


def _rerun_equals_uninterrupted(out, ref, counter, caplog):
    before = len(_evaluated(counter))
    with caplog.at_level(logging.WARNING, logger="thermalize.sweep"):
        res = run(_spec(counter), out=out)
    assert res.ok and res.complete
    xr.testing.assert_identical(res.dataset, ref)  # no silent NaN, no wrong number
    on_disk = xr.load_dataset(out / "sweep.nc", engine="h5netcdf")
    np.testing.assert_array_equal(on_disk["square"].values, np.arange(N) ** 2.0)
    return res, len(_evaluated(counter)) - before


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_chunk_is_named_moved_aside_and_recomputed(finished, damage, caplog):
    out, ref, counter = finished
    bad = _chunk(out, 2)
    DAMAGE[damage](bad)
    res, n_new = _rerun_equals_uninterrupted(out, ref, counter, caplog)
    assert n_new == CHUNK and res.evaluated == CHUNK  # only the damaged chunk, once
    assert res.reused == N - CHUNK
    lines = [r.getMessage() for r in caplog.records if "chunk-000002.npz" in r.getMessage()]
    assert len(lines) == 1 and "unusable" in lines[0] and "recomputed" in lines[0], lines
    assert len(list((out / "chunks" / REJECTED).glob("chunk-000002.npz.*"))) == 1
    # the recomputed file is valid: a third run evaluates nothing
    again = run(_spec(counter), out=out)
    assert again.evaluated == 0 and again.reused == N


def test_extra_chunk_is_moved_aside(finished, caplog):
    out, ref, counter = finished
    extra = _chunk(out, 99)
    shutil.copyfile(_chunk(out, 1), extra)
    res, n_new = _rerun_equals_uninterrupted(out, ref, counter, caplog)
    assert n_new == 0 and not extra.exists()
    assert any("chunk-000099.npz" in r.getMessage() and "not a chunk of this sweep"
               in r.getMessage() for r in caplog.records)


def test_chunk_of_another_spec_is_not_used(finished, tmp_path, caplog):
    """A chunk with the right name and range but computed for other fixed parameters."""
    out, ref, counter = finished
    other_counter = tmp_path / "other"
    other_counter.mkdir()
    other = tmp_path / "other_out"
    run(_spec(other_counter), out=other)
    shutil.copyfile(_chunk(other, 3), _chunk(out, 3))
    _, n_new = _rerun_equals_uninterrupted(out, ref, counter, caplog)
    assert n_new == CHUNK
    assert any("another spec" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "not a manifest"])
def test_damaged_manifest_loses_no_chunk(finished, damage, caplog):
    out, ref, counter = finished
    manifest = out / "sweep.json"
    if damage == "not a manifest":
        manifest.write_text("[1, 2]\n")
    else:
        DAMAGE[damage](manifest)
    _, n_new = _rerun_equals_uninterrupted(out, ref, counter, caplog)
    assert n_new == 0  # every chunk verified by its own fingerprint and reused
    assert json.loads(manifest.read_text())["status"]["complete"] is True
    assert any("sweep.json" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_damaged_dataset_is_rewritten_from_chunks(finished, damage, caplog):
    out, ref, counter = finished
    DAMAGE[damage](out / "sweep.nc")
    _, n_new = _rerun_equals_uninterrupted(out, ref, counter, caplog)
    assert n_new == 0


def test_stale_temporaries_of_earlier_runs_are_removed(finished):
    out, _, counter = finished
    stale = [out / ".sweep.nc.abc.tmp", out / ".sweep.json.def.tmp",
             out / "chunks" / ".chunk-000001.npz.ghi.tmp"]
    for p in stale:
        p.write_bytes(b"")
    run(_spec(counter), out=out)
    assert not any(p.exists() for p in stale)


def test_cli_resume_over_a_truncated_chunk_is_clean(tmp_path):
    """Through the command: exit 0, one line naming the file, no traceback."""
    counter, out = tmp_path / "count", tmp_path / "cli_out"
    counter.mkdir()
    spec = tmp_path / "spec.toml"
    spec.write_text(f'quantity = "test_checkpoint_integrity:counted"\nchunk_size = {CHUNK}\n'
                    f"[grid]\nx = {list(range(N))}\n[fixed]\ncounter_dir = \"{counter}\"\n")
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "thermalize", "sweep", str(spec), "--out", str(out)]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    _truncate(_chunk(out, 1))
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    named = [ln for ln in proc.stderr.splitlines() if "chunk-000001.npz" in ln]
    assert len(named) == 1 and "recomputed" in named[0]
    assert f"{CHUNK} evaluated, {N - CHUNK} from checkpoints" in proc.stdout


# --- the reproduce task store ------------------------------------------------------------------

def square(x):
    return {"x": x, "square": x * x}


def _tasks():
    return [Task(f"{__name__}:square", {"x": float(x)}, label=f"x={x}") for x in range(4)]


def _task_damage(store: TaskStore, keys: list[str], how: str):
    p = store.path(keys[1])
    if how == "swapped":
        shutil.copyfile(store.path(keys[0]), p)
    elif how == "edited":
        raw = bytearray(p.read_bytes())
        raw[-3] ^= 0xFF  # one byte of the pickled value
        p.write_bytes(bytes(raw))
    elif how == "old format":
        import pickle

        p.write_bytes(pickle.dumps({"value": 42, "seconds": 0.0}))
    else:
        DAMAGE[how](p)


@pytest.mark.parametrize("how", ["truncated", "garbage", "empty", "swapped", "edited",
                                 "old format"])
def test_damaged_task_file_is_moved_aside_and_recomputed(tmp_path, how, caplog):
    store = TaskStore(tmp_path / "tasks")
    ref = run_tasks(_tasks(), store=store)
    keys = [t.key() for t in _tasks()]
    _task_damage(store, keys, how)
    with caplog.at_level(logging.WARNING, logger="thermalize.sweep"):
        again = run_tasks(_tasks(), store=store)
    assert again.evaluated == [keys[1]] and len(again.reused) == 3
    assert again.values == ref.values  # the value of an uninterrupted run, never the bad one
    lines = [r.getMessage() for r in caplog.records if keys[1] in r.getMessage()]
    assert len(lines) == 1 and "recomputed" in lines[0], lines
    assert len(list((tmp_path / "tasks" / REJECTED).iterdir())) == 1
    assert run_tasks(_tasks(), store=store).evaluated == []
