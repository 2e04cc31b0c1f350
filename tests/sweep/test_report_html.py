"""The HTML report: every reproduction with its embedded figure and checks; no network."""

import base64
import json
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from thermalize.papers import CORE, Check, Reproduction, run_reproduction
from thermalize.plotting import new_figure
from thermalize.report import render_html, write_report
from thermalize.sweep import SweepSpec, run

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class _Page(HTMLParser):
    """Sections (by id) with their images, table rows and text; every src/href."""

    def __init__(self):
        super().__init__()
        self.sections, self.links, self.current = {}, [], None
        self.row, self.tags = None, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        for key in ("src", "href"):
            if key in a:
                self.links.append(a[key])
        if tag == "section":
            self.current = a.get("id")
            self.sections[self.current] = {"imgs": [], "rows": [], "text": ""}
        elif tag == "img" and self.current:
            self.sections[self.current]["imgs"].append(a["src"])
        elif tag == "tr" and self.current:
            self.row = []
            self.sections[self.current]["rows"].append(self.row)

    def handle_endtag(self, tag):
        if tag == "tr":
            self.row = None

    def handle_data(self, data):
        if self.current:
            self.sections[self.current]["text"] += data
        if self.row is not None:
            self.row.append(data.strip())


def _failing_reproduction():
    def compute(quick):
        x = np.linspace(0.0, 1.0, 5)
        return xr.Dataset({"y": ("x", x**2)}, coords={"x": x},
                          attrs={"parameters": {"points": 5, "quick": quick}})

    def checks(ds):
        return [Check.close("y(1) = 1", ds["y"].values[-1], 1.0, 1e-12, "law: algebra"),
                Check.at_most("max y <= 0.5 (wrong on purpose)", ds["y"].max(), 0.5,
                              "made-up bound")]

    def plot(ds):
        fig, ax = new_figure()
        ax.plot(ds["x"], ds["y"])
        return fig

    return Reproduction("demo.failing", "a reproduction with one failing check", CORE, 0.1,
                        compute, plot, checks)


def gibbs_or_fail(beta: float, spacing: float) -> dict:
    """Gibbs populations of three levels; fails only when evaluated at spacing < 0 (it declares
    no checks, so the sweep spec's validation, issue 15 item 6, lets the points run and fail)."""
    if spacing < 0:
        from thermalize.errors import ParameterError

        raise ParameterError(f"spacing={spacing!r} is outside the allowed range (0, inf)")
    w = np.exp(-beta * spacing * np.arange(3))
    return {"populations": w / w.sum()}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    import sys

    out = tmp_path_factory.mktemp("results")
    run_reproduction("core.gibbs-fixed-point", quick=True, out_dir=out)
    run_reproduction(_failing_reproduction(), quick=True, out_dir=out)
    sys.path.insert(0, str(Path(__file__).parent))  # the quantity "test_report_html:..."
    try:
        spec = SweepSpec("test_report_html:gibbs_or_fail",
                         {"beta": {"logspace": [-1, 1, 6]}, "spacing": [-1.0, 1.0, 2.0]})
        run(spec, out=out / "beta-map")
    finally:
        sys.path.remove(str(Path(__file__).parent))
    line = SweepSpec("core.thermal-kinetic-energy", {"beta": [0.5, 1.0, 2.0]}, seed=1)
    run(line, out=out / "energy-line")
    return out


def test_report_lists_every_reproduction_with_figure_and_checks(outputs):
    page = write_report(outputs)
    assert page == outputs / "report.html"
    doc = _Page()
    doc.feed(page.read_text())
    for rid in ("core.gibbs-fixed-point", "demo.failing"):
        sec = doc.sections["r-quick-" + rid.replace(".", "-")]
        (img,) = sec["imgs"]
        assert img.startswith("data:image/png;base64,")
        data = base64.b64decode(img.split(",", 1)[1])
        assert data.startswith(PNG_MAGIC)
        assert data == (outputs / "quick" / f"{rid}.png").read_bytes()  # the reproduction's own figure
        checks = json.loads((outputs / "quick" / f"{rid}.json").read_text())["checks"]
        table = [r for r in sec["rows"] if r and r[0] in {c["name"] for c in checks}]
        assert len(table) == len(checks)
        for c in checks:
            row = next(r for r in table if r[0] == c["name"])
            verdict = "skipped" if c["kind"] == "skipped" else ("pass" if c["passed"] else "FAIL")
            assert row[-1] == verdict
            assert c["source"] in row
        assert "runtime_s" in sec["text"] and "thermalize_version" in sec["text"]
    assert "made-up bound" in doc.sections["r-quick-demo-failing"]["text"]
    summary = doc.sections["summary"]["text"]
    assert "1/2 quick-mode reproductions pass all their checks" in summary
    assert "2 sweeps" in summary


def test_report_shows_sweeps_with_figures_and_failed_points(outputs):
    doc = _Page()
    doc.feed(render_html(outputs))
    sweeps = {k: v for k, v in doc.sections.items() if k.startswith("s-")}
    assert len(sweeps) == 2
    for sec in sweeps.values():
        (img,) = sec["imgs"]
        assert base64.b64decode(img.split(",", 1)[1]).startswith(PNG_MAGIC)
    beta_map = next(v for k, v in sweeps.items() if k.endswith("beta-map"))
    assert "6 failed points" in beta_map["text"]
    assert "spacing=-1.0" in beta_map["text"]  # the recorded error message


def test_report_is_self_contained(outputs):
    text = render_html(outputs)
    doc = _Page()
    doc.feed(text)
    assert doc.links  # images and the table of contents
    assert all(u.startswith(("data:", "#")) for u in doc.links), doc.links
    assert "http://" not in text and "https://" not in text
    assert "url(" not in text and "@import" not in text
    assert not {"script", "link", "iframe", "object"} & set(doc.tags)


def test_incomplete_sweep_is_reported_as_such(tmp_path):
    (tmp_path / "half" / "chunks").mkdir(parents=True)
    (tmp_path / "half" / "chunks" / "chunk-000000.npz").write_bytes(b"")
    (tmp_path / "half" / "sweep.json").write_text(json.dumps(
        {"kind": "thermalize.sweep", "n_chunks": 4, "spec": {"quantity": "q", "grid": {}},
         "status": {"complete": False}}))
    doc = _Page()
    doc.feed(render_html(tmp_path))
    (sec,) = [v for k, v in doc.sections.items() if k.startswith("s-")]
    assert "incomplete" in sec["text"] and "1/4 chunks" in sec["text"]


def test_long_parameter_values_are_cut(tmp_path):
    from thermalize.report import MAX_VALUE_CHARS

    def compute(quick):
        return xr.Dataset({"y": ("x", np.zeros(3))},
                          attrs={"parameters": {"grid": list(range(1000))}})

    def plot(ds):
        return new_figure()[0]

    repro = Reproduction("demo.long", "long parameters", CORE, 0.1, compute, plot,
                         lambda ds: [Check.close("zero", 0.0, 0.0, 0.0, "law")])
    run_reproduction(repro, out_dir=tmp_path)
    text = render_html(tmp_path)
    assert "(4890 characters)" in text  # len(json.dumps(list(range(1000))))
    assert "999]" not in text and MAX_VALUE_CHARS < 4890


def _write_sweep(directory, ds, status):
    from thermalize.io import write_dataset

    directory.mkdir(parents=True)
    grid = {d: ds[d].values.tolist() for d in json.loads(ds.attrs["spec"])["grid"]}
    (directory / "sweep.json").write_text(json.dumps(
        {"kind": "thermalize.sweep", "n_points": int(ds.attrs["n_points"]), "n_chunks": 1,
         "spec": {"quantity": "demo", "grid": grid}, "status": status}))
    write_dataset(ds, directory / "sweep.nc")


def _vector_sweep(grid_sizes, components, *, fail=()):
    dims = [f"g{i}" for i in range(len(grid_sizes))]
    shape = tuple(grid_sizes) + (components,)
    data = np.arange(np.prod(shape), dtype=float).reshape(shape)
    for idx in fail:
        data[idx] = np.nan
    coords = {d: np.arange(1.0, n + 1) for d, n in zip(dims, grid_sizes)}
    coords["level"] = np.arange(components)
    return xr.Dataset({"p": ((*dims, "level"), data)}, coords=coords, attrs={
        "spec": json.dumps({"grid": {d: coords[d].tolist() for d in dims}}),
        "n_points": int(np.prod(grid_sizes)), "n_failed": len(fail)})


def test_sweep_figure_draws_every_component():
    from thermalize.report import sweep_figure

    fig = sweep_figure(_vector_sweep([5], 4))
    (ax,) = fig.axes
    assert len(ax.get_lines()) == 4  # one line per level, not only level 0
    assert sorted(ax.get_legend_handles_labels()[1]) == [f"level={k}" for k in range(4)]
    fig = sweep_figure(_vector_sweep([4, 3], 3))
    maps = [a for a in fig.axes if a.collections and a.get_label() != "<colorbar>"]
    assert len(maps) == 3 and [a.get_title() for a in maps] == [
        f"p [level={k}]" for k in range(3)]


def test_sweep_figure_marks_failed_points_and_none_when_all_failed():
    from thermalize.report import sweep_figure

    fig = sweep_figure(_vector_sweep([5], 2, fail=[1, 3]))
    crosses = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "failed point"]
    assert crosses and list(crosses[0].get_xdata()) == [2.0, 4.0]
    assert sweep_figure(_vector_sweep([3], 2, fail=[0, 1, 2])) is None


def test_sweep_only_directory_with_summed_runtime_and_all_failed(tmp_path):
    ds = _vector_sweep([3], 2, fail=[0, 1, 2])
    _write_sweep(tmp_path / "dead", ds, {"complete": True, "runtimes_s": [1.0, 2.5]})
    _write_sweep(tmp_path / "ok", _vector_sweep([3], 2), {"complete": True, "runtime_s": 0.25})
    doc = _Page()
    doc.feed(render_html(tmp_path))
    summary = doc.sections["summary"]["text"]
    assert "reproduction" not in summary and "2 sweeps" in summary  # no "0/0 reproductions"
    dead = next(v for k, v in doc.sections.items() if k.endswith("dead"))
    assert not dead["imgs"] and "all 3 points failed" in dead["text"]
    assert "3.5 s over 2 runs (resumed)" in dead["text"]  # summed over the resume


def test_runtime_sums_resumes_from_provenance_first():
    from thermalize.report import runtime_text

    assert runtime_text({"wall_time_s": 4.0, "n_runs": 3}, {"runtime_s": 0.35}) == \
        "4 s over 3 runs (resumed)"
    assert runtime_text({}, {"runtime_s": [0.5, 0.25]}) == "0.75 s over 2 runs (resumed)"
    assert runtime_text({"wall_time_s": "none"}, {}) == "not recorded"


def _skipping_reproduction():
    def compute(quick):
        return xr.Dataset({"y": ("x", np.zeros(2))}, coords={"x": [0.0, 1.0]})

    def checks(ds):
        return [Check.close("zero", 0.0, 0.0, 0.0, "law"),
                Check.skipped("agrees with qutip.mesolve", "independent tool: QuTiP",
                              "QuTiP not installed")]

    return Reproduction("demo.skip", "skips a check", CORE, 0.1, compute,
                        lambda ds: new_figure()[0], checks)


def test_modes_get_separate_sections_and_skips_say_how_to_enable(tmp_path):
    run_reproduction(_skipping_reproduction(), quick=True, out_dir=tmp_path / "quick")
    run_reproduction(_skipping_reproduction(), quick=False, out_dir=tmp_path / "full")
    text = render_html(tmp_path)
    doc = _Page()
    doc.feed(text)
    quick, full = doc.sections["r-quick-demo-skip"], doc.sections["r-full-demo-skip"]
    assert "quick" in quick["text"] and "full" in full["text"]
    assert text.index("Reproductions, quick mode") < text.index("id='r-quick-demo-skip'") < \
        text.index("Reproductions, full mode") < text.index("id='r-full-demo-skip'")
    summary = doc.sections["summary"]["text"]
    assert "1/1 quick-mode reproductions" in summary and "1/1 full-mode reproductions" in summary
    assert "not run here: QuTiP not installed" in quick["text"]
    assert 'pip install ".[qutip]"' in quick["text"]


def test_reproduction_with_missing_json_is_incomplete(tmp_path):
    run_reproduction(_skipping_reproduction(), out_dir=tmp_path)
    quick = tmp_path / "quick"  # the runner writes DIR/quick/ID.* (issue 13 item 5)
    (quick / "demo.skip.json").unlink()  # killed while writing ID.json
    (quick / "other.json").write_text("[1, 2]")  # unrelated files are ignored
    (quick / "my_version.png").write_bytes((quick / "demo.skip.png").read_bytes())
    from thermalize.io import write_dataset

    write_dataset(xr.Dataset({"z": ("x", np.zeros(2))}), quick / "mine.nc")
    doc = _Page()
    doc.feed(render_html(tmp_path))
    sec = next(v for k, v in doc.sections.items() if k.startswith("r-"))
    assert "incomplete" in sec["text"] and "demo.skip.json missing" in sec["text"]
    assert sec["text"].startswith("demo.skip")  # the id, from the file names
    assert "demo.skip.nc, demo.skip.pdf, demo.skip.png" in sec["text"]  # the files found
    assert "1 incomplete" in doc.sections["summary"]["text"]
    assert len([k for k in doc.sections if k.startswith("r-")]) == 1


def test_nothing_to_report_is_an_error_and_exit_status_2(tmp_path, capsys):
    from thermalize import cli
    from thermalize.report import NothingToReport

    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(NothingToReport, match="no reproduction"):
        write_report(tmp_path)
    assert not (tmp_path / "report.html").exists()
    assert cli.main(["report", str(tmp_path)]) == 2
    assert "no reproduction" in capsys.readouterr().err
