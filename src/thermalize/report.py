"""One self-contained HTML page for a directory of `reproduce` and `sweep` outputs."""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io as _io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from ._version import __version__
from .errors import ParameterError
from .io import atomic_write_text, read_dataset
from .plotting import new_figure, style

__all__ = [
    "ReproductionEntry",
    "SweepEntry",
    "collect",
    "render_html",
    "sweep_figure",
    "write_report",
]

#: Failed points listed per sweep in the report (all are counted).
MAX_FAILED_SHOWN = 20
#: Longer parameter values (e.g. whole arrays) are cut to this many characters.
MAX_VALUE_CHARS = 400
_PROVENANCE = ("thermalize_version", "git_commit", "created_utc", "seed")


@dataclass(frozen=True)
class ReproductionEntry:
    """One reproduction found in the directory: its ``ID.json``, figure and provenance."""

    doc: dict
    png: bytes | None = field(repr=False)
    provenance: dict
    source: Path


@dataclass(frozen=True)
class SweepEntry:
    """One sweep output directory: its manifest, dataset (None while incomplete), chunks."""

    manifest: dict
    dataset: xr.Dataset | None = field(repr=False)
    chunks_done: int
    source: Path


def _provenance(nc: Path) -> dict:
    if not nc.is_file():
        return {}
    try:
        with xr.open_dataset(nc, engine="h5netcdf") as ds:
            return {k: str(ds.attrs[k]) for k in _PROVENANCE if k in ds.attrs}
    except (OSError, ValueError) as exc:
        return {"error": f"cannot read {nc.name}: {exc}"}


def collect(directory) -> tuple[list[ReproductionEntry], list[SweepEntry]]:
    """Reproductions (``ID.json`` with checks) and sweeps (``sweep.json``) under `directory`."""
    root = Path(directory)
    if not root.is_dir():
        raise ParameterError(f"directory={str(root)!r} is not a directory")
    repros, sweeps = [], []
    for path in sorted(root.rglob("*.json")):
        if "chunks" in path.relative_to(root).parts:
            continue
        try:
            doc = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if not isinstance(doc, dict):
            continue
        if doc.get("kind") == "thermalize.sweep" and path.name == "sweep.json":
            nc = path.with_name("sweep.nc")
            ds = read_dataset(nc) if nc.is_file() else None
            n_done = len(list((path.parent / "chunks").glob("chunk-*.npz")))
            sweeps.append(SweepEntry(doc, ds, n_done, path.parent))
        elif "id" in doc and isinstance(doc.get("checks"), list):
            png = path.with_suffix(".png")
            repros.append(ReproductionEntry(
                doc, png.read_bytes() if png.is_file() else None,
                _provenance(path.with_suffix(".nc")), path))
    repros.sort(key=lambda r: str(r.doc["id"]))
    return repros, sweeps


def _png_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _num(x) -> str:
    if x is None:
        return "&mdash;"
    if isinstance(x, (int, float)):
        return html.escape(f"{x:.6g}")
    return html.escape(str(x))


def _value(v) -> str:
    text = v if isinstance(v, str) else json.dumps(v, default=str)
    if len(text) > MAX_VALUE_CHARS:
        text = f"{text[:MAX_VALUE_CHARS]} ... ({len(text)} characters)"
    return html.escape(text)


def _kv_table(d: dict, cls: str = "kv") -> str:
    if not d:
        return "<p class='muted'>none</p>"
    rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{_value(v)}</td></tr>"
                   for k, v in d.items())
    return f"<table class='{cls}'>{rows}</table>"


def _checks_table(checks: list[dict]) -> str:
    head = ("<tr><th>check</th><th>computed</th><th>expected</th><th>tolerance</th>"
            "<th>kind</th><th>source</th><th>result</th></tr>")
    rows = []
    for c in checks:
        ok = bool(c.get("passed"))
        skipped = c.get("kind") == "skipped"
        verdict = "skipped" if skipped else ("pass" if ok else "FAIL")
        note = f"<div class='muted'>{html.escape(c['note'])}</div>" if c.get("note") else ""
        rows.append(
            f"<tr class='{'ok' if ok else 'bad'}'><td>{html.escape(str(c.get('name', '')))}"
            f"{note}</td><td>{_num(c.get('computed'))}</td><td>{_num(c.get('expected'))}</td>"
            f"<td>{_num(c.get('tolerance'))}</td><td>{html.escape(str(c.get('kind', '')))}</td>"
            f"<td>{html.escape(str(c.get('source', '')))}</td><td class='verdict'>{verdict}</td></tr>"
        )
    return f"<table class='checks'>{head}{''.join(rows)}</table>"


def _anchor(prefix: str, name: str) -> str:
    return prefix + "".join(ch if ch.isalnum() else "-" for ch in name)


def _grid_dims(ds: xr.Dataset) -> list[str]:
    """The sweep's grid dimensions, in the order of the variables' dimensions."""
    grid = set(json.loads(ds.attrs.get("spec", "{}")).get("grid", {}))
    order = next((list(ds[v].dims) for v in ds.data_vars), list(ds.dims))
    return [d for d in order if d in grid] or [d for d in order if d in ds.coords]


def _log_axis(values: np.ndarray) -> bool:
    """Log scale for a positive numeric axis spanning more than 1.5 decades."""
    return bool(values.dtype.kind in "iuf" and values.size > 2 and np.all(values > 0)
                and values.max() / values.min() > 30)


def sweep_figure(ds: xr.Dataset):
    """A figure of a sweep dataset: lines over one grid axis, or a map over the first two.

    Up to two output variables are drawn; an output with its own dimensions shows its first
    components (up to 6 lines, or component 0 on a map). Other grid axes are taken at their
    first value.
    """
    grid = _grid_dims(ds)
    names = [v for v in ds.data_vars if set(grid) <= set(ds[v].dims)][:2]
    fig, axes = new_figure(1, max(1, len(names)), squeeze=False)
    for ax, name in zip(axes[0], names):
        var = ds[name]
        others = [d for d in var.dims if d not in grid]
        flat = var.stack(component=others) if others else var.expand_dims(component=[0])
        flat = flat.isel({d: 0 for d in grid[2:]})
        x = ds[grid[0]].values
        xs = np.arange(x.size) if x.dtype.kind not in "iuf" else x
        logx = _log_axis(x)
        comp = flat.transpose(*grid[:2], "component").values.real
        if len(grid) == 1:
            for k in range(min(6, comp.shape[-1])):
                ax.plot(xs, comp[:, k], marker="." if x.size < 40 else None,
                        label=f"{others[0]}={k}" if len(others) == 1 else f"{name}[{k}]")
            ax.set_ylabel(name)
            if comp.shape[-1] > 1:
                ax.legend()
        else:
            y = ds[grid[1]].values
            ys = np.arange(y.size) if y.dtype.kind not in "iuf" else y
            mesh = ax.pcolormesh(xs, ys, comp[:, :, 0].T, shading="nearest")
            fig.colorbar(mesh, ax=ax, label=name + ("[0]" if comp.shape[-1] > 1 else ""))
            ax.grid(False)
            ax.set_ylabel(grid[1])
            if y.dtype.kind not in "iuf":
                ax.set_yticks(ys, [str(v) for v in y])
            if _log_axis(y):
                ax.set_yscale("log")
        if logx:
            ax.set_xscale("log")
        ax.set_xlabel(grid[0])
        if x.dtype.kind not in "iuf":
            ax.set_xticks(xs, [str(v) for v in x])
        ax.set_title(name)
    return fig


def _figure_png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = _io.BytesIO()
    with style():
        fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _repro_section(r: ReproductionEntry) -> str:
    d = r.doc
    ok = bool(d.get("passed", all(c.get("passed") for c in d["checks"])))
    fig = (f"<img alt='figure of {html.escape(str(d['id']))}' src='{_png_uri(r.png)}'>"
           if r.png else "<p class='bad'>figure missing</p>")
    runtime = d.get("runtime_s")
    mode = "quick" if d.get("quick", True) else "full"
    return (
        f"<section id='{_anchor('r-', str(d['id']))}' class='repro'>"
        f"<h2>{html.escape(str(d['id']))} <span class='badge {'ok' if ok else 'bad'}'>"
        f"{'all checks pass' if ok else 'checks FAILED'}</span></h2>"
        f"<p>{html.escape(str(d.get('title', '')))}</p>"
        f"<p class='muted'>{html.escape(str(d.get('paper', '')))}</p>"
        f"<figure>{fig}</figure><h3>Checks</h3>{_checks_table(d['checks'])}"
        f"<h3>Parameters</h3>{_kv_table(d.get('parameters') or {})}"
        f"<h3>Runtime and provenance</h3>"
        f"{_kv_table({'runtime_s': runtime, 'mode': mode, **r.provenance})}</section>"
    )


def _sweep_section(s: SweepEntry) -> str:
    m = s.manifest
    spec = m.get("spec", {})
    name = str(s.source.name)
    status = m.get("status", {})
    if s.dataset is None:
        badge = "<span class='badge bad'>incomplete</span>"
        body = (f"<p class='bad'>{s.chunks_done}/{m.get('n_chunks')} chunks finished; rerun "
                "the same <code>thermalize sweep</code> command to resume.</p>")
    else:
        ds = s.dataset
        n_failed = int(ds.attrs.get("n_failed", 0))
        badge = (f"<span class='badge {'bad' if n_failed else 'ok'}'>"
                 f"{n_failed} failed point{'s' * (n_failed != 1)}</span>")
        failed = json.loads(ds.attrs.get("failed_points", "[]"))[:MAX_FAILED_SHOWN]
        rows = "".join(f"<tr><td>{f['index']}</td><td>{_value(f['parameters'])}</td>"
                       f"<td>{html.escape(f['error'])}</td></tr>" for f in failed)
        fails = (f"<h3>Failed points</h3><table class='checks'><tr><th>index</th>"
                 f"<th>parameters</th><th>error</th></tr>{rows}</table>" if failed else "")
        prov = {k: str(ds.attrs[k]) for k in _PROVENANCE if k in ds.attrs}
        body = (f"<figure><img alt='figure of sweep {html.escape(name)}' "
                f"src='{_png_uri(_figure_png(sweep_figure(ds)))}'></figure>{fails}"
                f"<h3>Runtime and provenance</h3>"
                f"{_kv_table({'runtime_s': status.get('runtime_s'), **prov})}")
    axes = {k: f"{len(v)} values, {v[0]} .. {v[-1]}" for k, v in spec.get("grid", {}).items()}
    return (
        f"<section id='{_anchor('s-', str(s.source))}' class='sweep'>"
        f"<h2>sweep {html.escape(name)} {badge}</h2>"
        f"<p>{html.escape(str(spec.get('quantity', '')))}: "
        f"{html.escape(str(m.get('description', '')))}</p>"
        f"<h3>Grid</h3>{_kv_table(axes)}<h3>Fixed parameters</h3>"
        f"{_kv_table(spec.get('fixed') or {})}"
        f"{_kv_table({'seed': spec.get('seed'), 'points': m.get('n_points'), 'chunk_size': spec.get('chunk_size')})}"
        f"{body}</section>"
    )


_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-top:1px solid #ccc;padding-top:.8em}
h3{font-size:1em;margin-bottom:.3em}table{border-collapse:collapse;margin:.3em 0;font-size:.85em}
td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}
tr.bad td.verdict,.bad{color:#b00020;font-weight:bold}tr.ok td.verdict{color:#1b7f35}
.badge{font-size:.75em;padding:.1em .5em;border-radius:.6em;border:1px solid}
.badge.ok{color:#1b7f35}.badge.bad{color:#b00020}.muted{color:#777;font-size:.85em}
img{max-width:100%}figure{margin:.5em 0}
"""


def render_html(directory) -> str:
    """The report page of `directory` (see `write_report`)."""
    root = Path(directory)
    repros, sweeps = collect(root)
    n_ok = sum(bool(r.doc.get("passed", all(c.get("passed") for c in r.doc["checks"])))
               for r in repros)
    n_checks = sum(len(r.doc["checks"]) for r in repros)
    n_failed_checks = sum(not c.get("passed") for r in repros for c in r.doc["checks"])
    toc = "".join(
        f"<li><a href='#{_anchor('r-', str(r.doc['id']))}'>{html.escape(str(r.doc['id']))}</a>"
        f"</li>" for r in repros
    ) + "".join(
        f"<li><a href='#{_anchor('s-', str(s.source))}'>sweep {html.escape(s.source.name)}</a>"
        f"</li>" for s in sweeps
    )
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    summary = (
        f"<p><b>{n_ok}/{len(repros)}</b> reproductions pass all their checks "
        f"({n_checks - n_failed_checks}/{n_checks} checks pass); <b>{len(sweeps)}</b> "
        f"sweep{'s' * (len(sweeps) != 1)} "
        f"({sum(s.dataset is None for s in sweeps)} incomplete).</p>"
        f"<p class='muted'>directory {html.escape(str(root))}; thermalize {__version__}; "
        f"report written {now}</p><ul>{toc}</ul>"
    )
    body = "".join(map(_repro_section, repros)) + "".join(map(_sweep_section, sweeps))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>thermalize report</title>"
        f"<style>{_CSS}</style></head><body><h1>thermalize report</h1>"
        f"<section id='summary'>{summary}</section>{body}</body></html>\n"
    )


def write_report(directory, out=None) -> Path:
    """Write the self-contained report of `directory` (default ``DIRECTORY/report.html``).

    Every reproduction (``ID.json`` + ``ID.png`` + ``ID.nc``, as written by
    ``thermalize reproduce``) gets its figure, checks table, parameters, runtime and
    provenance; every sweep directory (``sweep.json``) gets its grid, status, failed points
    and a figure drawn from ``sweep.nc``. Figures are embedded as base64 PNG: the page loads
    nothing from the network.

    Returns
    -------
    Path
        The written page.
    """
    path = Path(out) if out is not None else Path(directory) / "report.html"
    atomic_write_text(path, render_html(directory))
    return path
