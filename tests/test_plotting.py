"""Figures fit for a paper: formats by suffix, resolution, provenance metadata, placement."""

import json
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from thermalize import ParameterError
from thermalize import plotting as tp


def line_figure():
    fig, ax = tp.new_figure()
    x = np.linspace(0, 1, 50)
    ax.plot(x, x**2, label="computed")
    return fig, ax


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])  # IHDR width, height


@pytest.mark.parametrize("fmt", tp.FORMATS)
def test_save_figure_writes_the_format_its_suffix_names(tmp_path, fmt):
    fig, _ = line_figure()
    path = tp.save_figure(fig, tmp_path / f"f.{fmt}")
    data = path.read_bytes()
    if fmt == "png":
        # 3.4 x 2.6 inch panel at >= 200 dpi (issue 16: was 130 dpi, 546 px wide)
        width, height = png_size(data)
        assert width >= 3.4 * 200 - 2 and height >= 2.6 * 200 - 2
    elif fmt == "pdf":
        assert data.startswith(b"%PDF")
    else:
        root = ET.fromstring(data)  # parses as XML
        assert root.tag.endswith("svg")


def test_save_figure_rejects_unknown_suffix(tmp_path):
    fig, _ = line_figure()
    with pytest.raises(ParameterError, match=r"\.png, \.pdf, \.svg"):
        tp.save_figure(fig, tmp_path / "f.jpg")
    assert not (tmp_path / "f.jpg").exists()


def test_save_figures_writes_each_format_and_provenance(tmp_path):
    fig, _ = line_figure()
    prov = {"git_commit": "abc123", "mode": "quick"}
    files = tp.save_figures(fig, tmp_path / "fig", ("png", "pdf", "svg"), provenance_attrs=prov)
    assert sorted(files) == ["pdf", "png", "svg"]
    assert files["pdf"].read_bytes().startswith(b"%PDF")
    for path in files.values():
        assert b"abc123" in path.read_bytes()  # PNG text chunk, PDF Subject, SVG description
    png = files["png"].read_bytes()
    key = b"thermalize_provenance\x00"
    at = png.index(b"tEXt" + key)  # chunk: length (4 bytes), type, keyword NUL text
    length = struct.unpack(">I", png[at - 4:at])[0]
    assert json.loads(png[at + 4 + len(key):at + 4 + length]) == prov


def test_default_provenance_in_figure_metadata(tmp_path):
    fig, _ = line_figure()
    data = tp.save_figure(fig, tmp_path / "f.png").read_bytes()
    assert b"thermalize_version" in data and b"git_commit" in data


@pytest.mark.parametrize("text, expected", [
    ("png,pdf,svg", ("png", "pdf", "svg")), ("PDF", ("pdf",)), (["svg", ".png"], ("svg", "png")),
])
def test_parse_formats(text, expected):
    assert tp.parse_formats(text) == expected


@pytest.mark.parametrize("text", ["", "png,gif", "jpeg"])
def test_parse_formats_rejects(text):
    with pytest.raises(ParameterError, match="format"):
        tp.parse_formats(text)


def test_param_title_is_one_mathtext_style():
    assert tp.param_title(Gamma=3) == r"$\Gamma = 3$"
    assert tp.param_title({"beta_L": 0.5, "T_eff": 1e-5}) == \
        r"$\beta_L = 0.5$, $T_{\mathrm{eff}} = 10^{-5}$"
    # every title renders with mathtext (a bad TeX string raises ValueError at draw time)
    fig, ax = line_figure()
    ax.set_title(tp.param_title(Gamma=3, omega_s=2.5e-4, delta_x=float("inf"), rate=0.1))
    fig.draw_without_rendering()


def test_legend_stays_off_the_data():
    fig, ax = tp.new_figure()
    x = np.linspace(0, 1, 200)
    # horizontal lines 10% of the axes height apart: no legend of four entries fits between
    for k, y in enumerate(np.linspace(0.0, 1.0, 11)):
        ax.plot(x, np.full_like(x, y), label=f"y = {y:.1f}" if k < 4 else None)
    leg = tp.place_legend(ax)
    assert tp.covered_data(ax, leg) == 0
    assert leg.get_window_extent().x0 >= ax.bbox.x1  # moved outside, right of the axes


def test_legend_stays_inside_where_there_is_room():
    fig, ax = tp.new_figure()
    x = np.linspace(0, 1, 100)
    ax.plot(x, 0.1 * x, label="low")
    ax.set_ylim(0, 1)
    leg = tp.place_legend(ax)
    assert tp.covered_data(ax, leg) == 0
    box = leg.get_window_extent()
    assert ax.bbox.contains(box.x0, box.y0) and ax.bbox.contains(box.x1, box.y1)


def test_covered_data_detects_overlap():
    fig, ax = tp.new_figure()
    x = np.linspace(0, 1, 100)
    ax.plot(x, np.full_like(x, 0.95), label="top")
    ax.set_ylim(0, 1)
    leg = ax.legend(loc="upper center")
    assert tp.covered_data(ax, leg) > 0  # the check itself can fail


def test_annotation_avoids_data():
    fig, ax = tp.new_figure()
    x = np.linspace(0, 1, 100)
    ax.plot(x, 1 - x)  # through upper left and lower right
    note = tp.annotate_checks(ax, "3/3 checks pass")
    assert tp.covered_data(ax, note) == 0


def test_paper_markers_are_labelled_paper_once():
    fig, ax = line_figure()
    tp.paper_markers(ax, [0.2, 0.5], [0.04, 0.25])
    tp.paper_markers(ax, [0.8], [0.64], yerr=[0.01])
    labels = ax.get_legend_handles_labels()[1]
    assert labels.count("paper") == 1 and "computed" in labels
    with pytest.raises(ParameterError, match="same shape"):
        tp.paper_markers(ax, [1, 2], [1])


def test_reproduce_writes_each_requested_format(tmp_path):
    from thermalize import cli

    assert cli.main(["reproduce", "core.gibbs-fixed-point", "--out", str(tmp_path),
                     "--format", "png,pdf,svg"]) == 0
    files = {f: tmp_path / "quick" / f"core.gibbs-fixed-point.{f}" for f in tp.FORMATS}
    assert files["png"].read_bytes().startswith(b"\x89PNG")
    assert files["pdf"].read_bytes().startswith(b"%PDF")
    assert ET.fromstring(files["svg"].read_bytes()).tag.endswith("svg")
    assert b"git_commit" in files["pdf"].read_bytes()  # provenance in the metadata
    assert cli.main(["reproduce", "core.gibbs-fixed-point", "--out", str(tmp_path),
                     "--format", "gif"]) == 2
