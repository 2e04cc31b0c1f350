"""CLI hygiene (issue 15, item 7): unusable paths and bad addresses are one line with exit
status 2; SIGTERM/SIGINT stop every worker process and say how to resume."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from thermalize import cli

HERE = Path(__file__).resolve().parent
SPEC = """quantity = "core.detailed-balance-steady-state"
[grid]
beta = [0.5, 1.0]
[fixed]
levels = 3
"""


def _spec(tmp_path, text=SPEC):
    p = tmp_path / "spec.toml"
    p.write_text(text)
    return p


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_unwritable_sweep_output_is_one_line_exit_2(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "sweep.nc").mkdir(parents=True)  # the dataset cannot be written (root ignores modes)
    assert cli.main(["sweep", str(_spec(tmp_path)), "--out", str(out)]) == 2
    assert "sweep.nc" in _one_line(capsys)


def test_unwritable_reproduce_output_is_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "quick" / "core.gibbs-fixed-point.nc").mkdir(parents=True)
    assert cli.main(["reproduce", "core.gibbs-fixed-point", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("thermalize: cannot use ")
    assert "core.gibbs-fixed-point.nc" in err.strip().splitlines()[-1]


def test_output_below_a_file_is_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert cli.main(["sweep", str(_spec(tmp_path)), "--out", str(tmp_path / "file" / "o")]) == 2
    assert "cannot write the sweep output directory" in _one_line(capsys)


def test_malformed_scheduler_fails_at_once(tmp_path, capsys):
    pytest.importorskip("distributed")
    t0 = time.monotonic()
    assert cli.main(["sweep", str(_spec(tmp_path)), "--scheduler", "notaurl",
                     "--out", str(tmp_path / "o")]) == 2
    assert time.monotonic() - t0 < 5  # no connection attempt (was: 20 s and a traceback)
    assert "notaurl" in _one_line(capsys) and not (tmp_path / "o").exists()


@pytest.mark.parametrize("args, words", [
    (["--max-points", "1"], "2 values exceed the cap of 1 points"),
    (["--max-points", "0"], "--max-points 0 must be >= 1"),
])
def test_max_points(tmp_path, capsys, args, words):
    assert cli.main(["sweep", str(_spec(tmp_path)), *args, "--out", str(tmp_path / "o")]) == 2
    assert words in _one_line(capsys)


def test_huge_linspace_is_one_line(tmp_path, capsys):
    spec = _spec(tmp_path, SPEC.replace("[0.5, 1.0]", "{ linspace = [0, 1, 10000000000000] }"))
    assert cli.main(["sweep", str(spec), "--out", str(tmp_path / "o")]) == 2
    assert "exceeds the cap" in _one_line(capsys)


SLOW = 'quantity = "test_cli_hygiene:slow"\nchunk_size = 1\n[grid]\nx = {}\n'


def slow(x):
    time.sleep(0.3)
    return float(x)


def _group_alive(pgid: int) -> list[str]:
    # -ww: without it ps cuts lines at 80 columns when piped, and a long interpreter path
    # (a CI virtual environment) cuts "multiprocessing.forkserver" off the args
    out = subprocess.run(["ps", "-ww", "-eo", "pid=,pgid=,args="], capture_output=True, text=True).stdout
    return [ln for ln in out.splitlines() if ln.split()[1] == str(pgid)]


def _sweep_process(spec, *args) -> subprocess.Popen:
    """`thermalize sweep SPEC ARGS...` in a new session (its own process group), the test
    quantities importable."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH",
                                                                                   "")])}
    return subprocess.Popen([sys.executable, "-m", "thermalize", "sweep", str(spec), *map(str, args)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _interrupt(proc: subprocess.Popen, sig) -> str:
    """Ctrl-C (SIGINT to the whole foreground group) or kill (SIGTERM to the driver only, as a
    batch system does); returns stderr once the driver has exited with status 130."""
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)
    else:
        os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    return err


@pytest.mark.parametrize("sig, where", [
    (signal.SIGTERM, ["--workers", "2"]),
    (signal.SIGINT, ["--workers", "2"]),
    (signal.SIGINT, ["--local-cluster", "2"]),
])
def test_signal_stops_every_worker_and_says_how_to_resume(tmp_path, sig, where):
    if "--local-cluster" in where:
        pytest.importorskip("distributed")
    spec = _spec(tmp_path, SLOW.format(list(range(60))))
    out = tmp_path / "out"
    proc = _sweep_process(spec, *where, "--out", out)
    deadline = time.monotonic() + 120
    while len(list((out / "chunks").glob("chunk-*.npz"))) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    err = _interrupt(proc, sig)
    time.sleep(5)
    assert _group_alive(proc.pid) == []  # no worker left 5 s later
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) <= 2, err  # the resume line (and at most one log line)
    assert "rerun the same command to resume" in lines[-1]


def _children(pid: str) -> list[str]:
    out = subprocess.run(["ps", "-ww", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout
    return [ln.split()[0] for ln in out.splitlines() if ln.split()[1] == pid]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_while_the_pool_starts_is_one_line(tmp_path, sig):
    """Ctrl-C while the forkserver still imports its preload modules (seconds): it printed a
    KeyboardInterrupt traceback of its own, and once it ignored SIGINT, workers it forked
    for the gone parent printed FileNotFoundError tracebacks. SIGTERM there interrupted
    `submit` between starting a worker and registering it: the worker outlived the run
    (holding stderr open) and the manager thread printed an InvalidStateError. Then, with
    the signal deferred, the stop still ended no worker itself (`shutdown` drops the pool's
    list) and the manager thread that should have died on that InvalidStateError first:
    the workers waited for work, holding stderr (7 hangs in 20 runs before the fix).
    Now one line, nothing left."""
    spec = _spec(tmp_path, SLOW.format(list(range(20))))
    proc = _sweep_process(spec, "--workers", 2, "--out", tmp_path / "out")
    deadline = time.monotonic() + 120
    while not any("forkserver" in ln for ln in _group_alive(proc.pid)):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.01)
    if sig == signal.SIGINT:
        time.sleep(0.3)  # inside the server's `import numpy, scipy.linalg` (seconds)
    else:  # the first worker is forked: the driver is inside `submit` starting the next
        server = [ln.split()[0] for ln in _group_alive(proc.pid) if "forkserver" in ln][0]
        while not _children(server):
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.005)
    err = _interrupt(proc, sig)
    assert "Traceback" not in err, err
    assert [ln for ln in err.splitlines() if ln.strip()][-1].endswith(
        "rerun the same command to resume (finished work is not redone)"), err
    time.sleep(5)
    assert _group_alive(proc.pid) == []  # no server or worker left 5 s later
