"""The HTML report: every reproduction with its embedded figure and checks; no network."""

import base64
import json
from html.parser import HTMLParser

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


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    run_reproduction("core.gibbs-fixed-point", quick=True, out_dir=out)
    run_reproduction(_failing_reproduction(), quick=True, out_dir=out)
    spec = SweepSpec("core.detailed-balance-steady-state",
                     {"beta": {"logspace": [-1, 1, 6]}, "spacing": [-1.0, 1.0, 2.0]},
                     {"levels": 3})
    run(spec, out=out / "beta-map")
    line = SweepSpec("core.thermal-kinetic-energy", {"beta": [0.5, 1.0, 2.0]}, seed=1)
    run(line, out=out / "energy-line")
    return out


def test_report_lists_every_reproduction_with_figure_and_checks(outputs):
    page = write_report(outputs)
    assert page == outputs / "report.html"
    doc = _Page()
    doc.feed(page.read_text())
    for rid in ("core.gibbs-fixed-point", "demo.failing"):
        sec = doc.sections["r-" + rid.replace(".", "-")]
        (img,) = sec["imgs"]
        assert img.startswith("data:image/png;base64,")
        data = base64.b64decode(img.split(",", 1)[1])
        assert data.startswith(PNG_MAGIC)
        assert data == (outputs / f"{rid}.png").read_bytes()  # the reproduction's own figure
        checks = json.loads((outputs / f"{rid}.json").read_text())["checks"]
        table = [r for r in sec["rows"] if r and r[0] in {c["name"] for c in checks}]
        assert len(table) == len(checks)
        for c in checks:
            row = next(r for r in table if r[0] == c["name"])
            verdict = "skipped" if c["kind"] == "skipped" else ("pass" if c["passed"] else "FAIL")
            assert row[-1] == verdict
            assert c["source"] in row
        assert "runtime_s" in sec["text"] and "thermalize_version" in sec["text"]
    assert "made-up bound" in doc.sections["r-demo-failing"]["text"]
    summary = doc.sections["summary"]["text"]
    assert "1/2 reproductions pass all their checks" in summary
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
    from thermalize.sweeps._store import SweepStore

    spec = SweepSpec.example()
    SweepStore(tmp_path / "half").prepare(spec)
    doc = _Page()
    doc.feed(render_html(tmp_path))
    (sec,) = [v for k, v in doc.sections.items() if k.startswith("s-")]
    assert "incomplete" in sec["text"] and f"0/{spec.n_chunks} chunks" in sec["text"]


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
