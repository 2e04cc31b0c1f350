"""README stays true: the one-line commands, CI runs the test command verbatim, table in sync."""

import re
from pathlib import Path

from thermalize.cli import markdown_table
from thermalize.papers import registry

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _command_after(marker: str) -> str:
    block = README.split(marker, 1)[1]
    return re.search(r"```\n(.+?)\n```", block, re.S).group(1).strip()


def test_readme_commands_and_ci_runs_test_command_verbatim():
    run_cmd = _command_after("Install and run the main job")
    test_cmd = _command_after("Install and run the tests")
    assert run_cmd == "pip install . && thermalize reproduce all"
    assert test_cmd == 'pip install ".[test]" && pytest'
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_cmd in [line.strip() for line in ci]


def test_reproduction_table_in_sync_with_registry():
    table = README.split("<!-- reproductions:start -->\n", 1)[1].split("<!-- reproductions:end -->")[0]
    expected = markdown_table(registry())
    assert table.strip() == expected.strip(), (
        "README table out of date: regenerate with `thermalize list --markdown`"
    )


def test_readme_python_example_runs(capsys):
    code = re.search(r"```python\n(.+?)\n```", README, re.S).group(1)
    exec(compile(code, "README.md", "exec"), {})
    # the example prints D(steady state || Gibbs): zero up to LU rounding
    assert float(capsys.readouterr().out.strip()) < 1e-12
