"""CLI: `thermalize sweep`, `thermalize report` and `reproduce --report` (exit statuses, messages)."""

import numpy as np
import pytest

from thermalize import cli
from thermalize.io import read_dataset

SPEC = """
quantity = "core.detailed-balance-steady-state"
description = "populations vs beta and spacing"
chunk_size = 4

[grid]
beta = { linspace = [0.0, 2.0, 6] }
spacing = [0.5, 1.0]

[fixed]
levels = 3
"""


@pytest.fixture
def spec(tmp_path):
    p = tmp_path / "demo.toml"
    p.write_text(SPEC)
    return p


def test_sweep_writes_dataset_named_after_parameters(spec, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["sweep", str(spec), "--workers", "2", "--out", str(out)]) == 0
    assert "12 points (12 evaluated, 0 from checkpoints, 0 failed)" in capsys.readouterr().out
    ds = read_dataset(out / "sweep.nc")
    assert ds["populations"].dims == ("beta", "spacing", "level")
    np.testing.assert_array_equal(ds["beta"].values, np.linspace(0.0, 2.0, 6))
    for key in ("thermalize_version", "git_commit", "created_utc", "spec", "parameters"):
        assert key in ds.attrs
    # rerun: everything from checkpoints, nothing evaluated
    assert cli.main(["sweep", str(spec), "--out", str(out)]) == 0
    assert "(0 evaluated, 12 from checkpoints" in capsys.readouterr().out


def test_default_out_is_results_spec_name(spec, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["sweep", str(spec)]) == 0
    assert (tmp_path / "results" / "demo" / "sweep.nc").is_file()


@pytest.mark.parametrize(
    "edit, message",
    [
        (("chunk_size = 4", "chunk_size = 4\nworkers = 3"), "unknown key 'workers'"),
        (('quantity = "core.detailed-balance-steady-state"\n', ""), "missing key 'quantity'"),
        (("levels = 3", "levels = 3\nmass = 1.0"), "fixed.mass: 'mass' is not a parameter"),
        (("spacing = [", "width = ["), "grid.width: 'width' is not a parameter"),
    ],
)
def test_bad_spec_exits_2_naming_the_key_before_any_work(spec, tmp_path, capsys, edit, message):
    spec.write_text(SPEC.replace(*edit))
    out = tmp_path / "out"
    assert cli.main(["sweep", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_usage_errors_exit_2(spec, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    cases = [
        (["sweep", str(spec), "--out", str(blocker / "out")], "cannot write the sweep output"),
        (["sweep", str(spec), "--workers", "0"], "workers=0"),
        (["sweep", str(spec), "--workers", "2", "--local-cluster", "2"], "not allowed with"),
        (["sweep", str(tmp_path / "absent.toml")], "cannot read spec"),
        (["report", str(tmp_path / "absent")], "is not a directory"),
    ]
    for argv, message in cases:
        assert cli.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err


def test_changed_spec_needs_force(spec, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["sweep", str(spec), "--out", str(out)]) == 0
    spec.write_text(SPEC.replace("levels = 3", "levels = 4"))
    assert cli.main(["sweep", str(spec), "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert cli.main(["sweep", str(spec), "--out", str(out), "--force"]) == 0
    assert read_dataset(out / "sweep.nc").sizes["level"] == 4


def test_bad_grid_value_is_refused_before_any_work(spec, tmp_path, capsys):
    spec.write_text(SPEC.replace("spacing = [0.5, 1.0]", "spacing = [-0.5, 1.0]"))
    out = tmp_path / "out"
    assert cli.main(["sweep", str(spec), "--out", str(out)]) == 2
    assert "grid.spacing: spacing=-0.5 is outside" in capsys.readouterr().err
    assert not out.exists()


def fails_below_zero(x: float) -> float:
    """A quantity whose failures only its evaluation can find (no declared checks)."""
    if x < 0:
        from thermalize.errors import ParameterError

        raise ParameterError(f"x={x!r} is outside the allowed range [0, inf)")
    return x


def test_failed_points_are_logged_and_exit_1(tmp_path, capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(__import__("pathlib").Path(__file__).parent))
    spec = tmp_path / "f.toml"
    spec.write_text('quantity = "test_cli_sweep:fails_below_zero"\n[grid]\n'
                    "x = [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, -0.5, -0.25, 5.0]\n")
    out = tmp_path / "out"
    assert cli.main(["sweep", str(spec), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("failed: ParameterError: x=-") == 5  # one line per point
    assert "5 points failed" in err
    assert read_dataset(out / "sweep.nc").attrs["n_failed"] == 5


def test_unreachable_scheduler_exits_2_within_timeout(spec, tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(cli, "SCHEDULER_TIMEOUT_S", 1.0)
    argv = ["sweep", str(spec), "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "o")]
    assert cli.main(argv) == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err


def test_missing_dask_message(spec, monkeypatch, capsys):
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    assert cli.main(["sweep", str(spec), "--local-cluster", "2"]) == 2
    assert 'pip install "thermalize[dask]"' in capsys.readouterr().err


def test_reproduce_report_and_report_command(spec, tmp_path, capsys):
    out = tmp_path / "results"
    assert cli.main(["reproduce", "core.gibbs-fixed-point", "--out", str(out), "--report"]) == 0
    assert f"report: {out / 'report.html'}" in capsys.readouterr().out
    page = (out / "report.html").read_text()
    assert "core.gibbs-fixed-point" in page and "data:image/png;base64," in page
    assert cli.main(["sweep", str(spec), "--out", str(out / "demo")]) == 0
    target = tmp_path / "page.html"
    assert cli.main(["report", str(out), "--out", str(target)]) == 0
    text = target.read_text()
    assert "sweep demo" in text and text.count("data:image/png;base64,") == 2


def dies_at_two(x):
    """Kills its worker process at x = 2."""
    if x == 2:
        import os

        os._exit(1)
    return float(x)


def test_lost_worker_pool_exits_1_and_says_how_to_resume(tmp_path, capsys):
    spec = tmp_path / "dies.toml"
    spec.write_text('quantity = "test_cli_sweep:dies_at_two"\nchunk_size = 1\n'
                    "[grid]\nx = [0, 1, 2, 3]\n")
    out = tmp_path / "out"
    assert cli.main(["sweep", str(spec), "--workers", "2", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "sweep incomplete" in err and "rerun to resume" in err
    assert "worker process died" in err and not (out / "sweep.nc").exists()
