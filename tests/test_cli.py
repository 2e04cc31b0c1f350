"""The `thermalize` command: list, reproduce, exit codes, one-line usage errors."""

import json
import subprocess
import sys

import pytest

from thermalize import __version__, cli
from thermalize.papers import Check, _registry


def run_cli(*args):
    """Run the real console entry point in a subprocess (as a user would)."""
    return subprocess.run(
        [sys.executable, "-m", "thermalize", *args], capture_output=True, text=True, timeout=300
    )


def test_version():
    res = run_cli("--version")
    assert res.returncode == 0
    lines = res.stdout.splitlines()
    assert lines[0] == f"thermalize {__version__}"
    assert any(line.startswith("commit: ") for line in lines)  # provenance follows (issue 16)


def test_list_json_and_markdown(capsys):
    assert cli.main(["list", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"id", "title", "paper", "runtime_estimate_s"} <= set(doc[0])
    assert "core.gibbs-fixed-point" in [d["id"] for d in doc]
    assert cli.main(["list", "--markdown"]) == 0
    assert capsys.readouterr().out.startswith("| id |")


def test_reproduce_writes_three_files_and_json(tmp_path, capsys):
    rc = cli.main(["reproduce", "core.gibbs-fixed-point", "--out", str(tmp_path), "--json"])
    assert rc == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc[0]["id"] == "core.gibbs-fixed-point" and doc[0]["quick"] is True
    for ext in ("png", "nc", "json"):
        assert (tmp_path / "quick" / f"core.gibbs-fixed-point.{ext}").stat().st_size > 0
    on_disk = json.loads((tmp_path / "quick" / "core.gibbs-fixed-point.json").read_text())
    assert {"id", "title", "paper", "checks", "runtime_s", "parameters", "mode"} <= set(on_disk)
    assert {"name", "computed", "expected", "tolerance", "passed"} <= set(on_disk["checks"][0])


def test_failing_check_gives_exit_status_1(tmp_path, monkeypatch, capsys):
    import xarray as xr

    def compute(quick):
        return xr.Dataset({"x": ("i", [1.0])}, attrs={"parameters": {}})

    def checks(ds):
        return [Check.close("deliberately wrong", 1.0, 2.0, 0.1, "test")]

    def plot(ds):
        from thermalize.plotting import new_figure

        return new_figure()[0]

    _registry.registry()  # load the real ones first
    monkeypatch.setitem(
        _registry._REGISTRY, "test.failing",
        _registry.Reproduction("test.failing", "t", "p", 0.0, compute, plot, checks),
    )
    assert cli.main(["reproduce", "test.failing", "--out", str(tmp_path)]) == 1
    assert "FAILED" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, needle",
    [
        ([], "command is required"),
        (["frobnicate"], "invalid choice"),
        (["list", "--json", "--markdown"], "not allowed"),
        (["reproduce"], "required"),
        (["reproduce", "core.gibbs-fixed-pont"], "did you mean: core.gibbs-fixed-point"),
        (["reproduce", "all", "--quick", "--full"], "not allowed"),
    ],
)
def test_usage_errors_exit_2_with_one_line(argv, needle):
    res = run_cli(*argv)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert needle in lines[0]
    assert "Traceback" not in res.stderr


def test_every_subcommand_rejects_unknown_flag_with_exit_2(capsys):
    parser = cli.build_parser()
    subactions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    commands = list(subactions[0].choices)
    assert {"list", "reproduce"} <= set(commands)
    for command in commands:
        assert cli.main([command, "--no-such-flag"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "Traceback" not in err[0]


def test_unwritable_out_is_a_usage_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["reproduce", "core.gibbs-fixed-point", "--out", str(blocker / "sub")]) == 2
    assert "cannot create --out" in capsys.readouterr().err
