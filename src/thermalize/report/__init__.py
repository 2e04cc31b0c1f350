"""One self-contained HTML page for a directory of `reproduce` and `sweep` outputs.

The directory may be flat or hold ``quick/`` and ``full/`` subfolders; results are grouped
by mode (quick and full never share a table), reproductions and sweeps are counted apart,
reproductions with missing or unreadable files are listed as incomplete, and skipped checks
say why and how to enable them.
"""

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

from .._version import __version__
from ..errors import ParameterError
from ..io import PROVENANCE_KEYS, atomic_write_text, read_dataset
from ..plotting import style
from ._figures import sweep_figure

__all__ = [
    "NothingToReport",
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
#: How to enable a check skipped for a missing optional dependency (matched in its text).
ENABLE_HINTS = {
    "qutip": "pip install \".[qutip]\" (or thermalize[qutip]), then rerun",
    "dask": "pip install \".[dask]\" (or thermalize[dask]), then rerun",
    "mpmath": "pip install mpmath, then rerun",
}
_REPRO_FILES = (".json", ".nc", ".png", ".pdf", ".svg")
_MODES = ("quick", "full")


class NothingToReport(ParameterError):
    """The directory holds no reproduction or sweep output (``thermalize report``: exit 2)."""


@dataclass(frozen=True)
class ReproductionEntry:
    """One reproduction found in the directory: its ``ID.json``, figure and provenance.

    ``doc`` is empty and ``problems`` says why when the reproduction is incomplete
    (``ID.json`` missing or unreadable, ``ID.nc`` or the figure missing).
    """

    doc: dict
    png: bytes | None = field(repr=False)
    provenance: dict
    source: Path
    mode: str = "unknown"
    problems: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The reproduction id (the file stem where ``ID.json`` is missing)."""
        return str(self.doc.get("id", self.source.stem))

    @property
    def complete(self) -> bool:
        """All three files present and readable."""
        return not self.problems

    @property
    def passed(self) -> bool:
        """Complete and every check passed."""
        return self.complete and bool(self.doc.get(
            "passed", all(c.get("passed") for c in self.doc.get("checks", []))))


@dataclass(frozen=True)
class SweepEntry:
    """One sweep output directory: its manifest, dataset (None while incomplete), chunks."""

    manifest: dict
    dataset: xr.Dataset | None = field(repr=False)
    chunks_done: int
    source: Path


def _read_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _nc_provenance(nc: Path) -> dict:
    """Provenance attributes of `nc` (and ``reproduction_id``, which the runner sets)."""
    try:
        with xr.open_dataset(nc, engine="h5netcdf") as ds:
            return {k: ds.attrs[k] for k in (*PROVENANCE_KEYS, "reproduction_id")
                    if k in ds.attrs}
    except (OSError, ValueError) as exc:
        return {"error": f"cannot read {nc.name}: {exc}"}


def _mode(doc: dict, prov: dict, folder: str) -> str:
    for mode in (doc.get("mode"), prov.get("mode")):
        if mode in _MODES:
            return mode
    if isinstance(doc.get("quick"), bool):
        return "quick" if doc["quick"] else "full"
    return folder if folder in _MODES else "unknown"


def _reproduction(stem: Path, files: dict[str, Path]) -> ReproductionEntry | None:
    doc = _read_json(files[".json"]) if ".json" in files else None
    valid = isinstance(doc, dict) and "id" in doc and isinstance(doc.get("checks"), list)
    nc_prov = _nc_provenance(files[".nc"]) if ".nc" in files else {}
    if not valid and "reproduction_id" not in nc_prov:
        # another file (a figure redrawn by hand, a dataset of one's own): not a reproduction;
        # the runner writes ID.nc first, so an interrupted reproduction has its ID.nc
        return None
    nc_prov.pop("reproduction_id", None)
    problems = []
    if ".json" not in files:
        problems.append(f"{stem.name}.json missing (interrupted run?)")
    elif not valid:
        problems.append(f"{stem.name}.json unreadable or not a reproduction result")
    for suffix in (".nc", ".png"):
        if suffix not in files:
            problems.append(f"{stem.name}{suffix} missing")
    doc = doc if valid else {}
    prov = doc.get("provenance") if isinstance(doc.get("provenance"), dict) else None
    if prov is None:
        prov = nc_prov
    png = files[".png"].read_bytes() if ".png" in files else None
    return ReproductionEntry(doc, png, prov, stem.with_name(stem.name + ".json"),
                             _mode(doc, prov, stem.parent.name), tuple(problems))


def collect(directory) -> tuple[list[ReproductionEntry], list[SweepEntry]]:
    """Reproductions (``ID.json`` / ``ID.nc`` / ``ID.png``) and sweeps under `directory`."""
    root = Path(directory)
    if not root.is_dir():
        raise ParameterError(f"directory={str(root)!r} is not a directory")
    sweeps, sweep_dirs = [], set()
    for path in sorted(root.rglob("sweep.json")):
        doc = _read_json(path)
        if isinstance(doc, dict) and doc.get("kind") == "thermalize.sweep":
            sweep_dirs.add(path.parent)
            nc = path.with_name("sweep.nc")
            ds = read_dataset(nc) if nc.is_file() else None
            n_done = len(list((path.parent / "chunks").glob("chunk-*.npz")))
            sweeps.append(SweepEntry(doc, ds, n_done, path.parent))
    groups: dict[Path, dict[str, Path]] = {}
    for path in sorted(root.rglob("*")):
        if (path.suffix in _REPRO_FILES and path.is_file() and not path.name.startswith(".")
                and not any(p in sweep_dirs for p in path.parents)):
            groups.setdefault(path.with_suffix(""), {})[path.suffix] = path
    repros = [r for stem, files in groups.items() if (r := _reproduction(stem, files))]
    repros.sort(key=lambda r: r.id)
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


def enable_hint(check: dict) -> str:
    """How to enable a skipped check (`ENABLE_HINTS`), or ``""`` if not known."""
    text = " ".join(str(check.get(k, "")) for k in ("name", "source", "note")).lower()
    return next((hint for key, hint in ENABLE_HINTS.items() if key in text), "")


def _checks_table(checks: list[dict]) -> str:
    head = ("<tr><th>check</th><th>computed</th><th>expected</th><th>tolerance</th>"
            "<th>kind</th><th>source</th><th>result</th></tr>")
    rows = []
    for c in checks:
        ok = bool(c.get("passed"))
        skipped = c.get("kind") == "skipped"
        verdict = "skipped" if skipped else ("pass" if ok else "FAIL")
        note = f"<div class='muted'>{html.escape(c['note'])}</div>" if c.get("note") else ""
        if skipped:
            why = html.escape(c.get("note") or "no reason recorded")
            hint = enable_hint(c)
            note = (f"<div class='skip'>not run here: {why}"
                    + (f"; to enable: <code>{html.escape(hint)}</code>" if hint else "")
                    + "</div>")
        rows.append(
            f"<tr class='{'skip' if skipped else ('ok' if ok else 'bad')}'>"
            f"<td>{html.escape(str(c.get('name', '')))}{note}</td><td>{_num(c.get('computed'))}"
            f"</td><td>{_num(c.get('expected'))}</td><td>{_num(c.get('tolerance'))}</td>"
            f"<td>{html.escape(str(c.get('kind', '')))}</td>"
            f"<td>{html.escape(str(c.get('source', '')))}</td>"
            f"<td class='verdict'>{verdict}</td></tr>"
        )
    return f"<table class='checks'>{head}{''.join(rows)}</table>"


def _anchor(prefix: str, name: str) -> str:
    return prefix + "".join(ch if ch.isalnum() else "-" for ch in name)


def _total(times) -> tuple[float | None, int]:
    """Sum and count of a runtime or a list of per-run runtimes (resumes)."""
    if isinstance(times, (int, float)) and not isinstance(times, bool):
        return float(times), 1
    if isinstance(times, (list, tuple)) and times and all(
            isinstance(t, (int, float)) for t in times):
        return float(sum(times)), len(times)
    return None, 0


def runtime_text(*sources) -> str:
    """Wall time summed over resumes, from the first source that records one.

    Each source is a dict with ``wall_time_s`` (total, with ``n_runs``), ``runtimes_s``
    (per run) or ``runtime_s`` (a number or per-run list).
    """
    for src in sources:
        if not isinstance(src, dict):
            continue
        total, runs = _total(src.get("wall_time_s"))
        if total is not None:
            runs = src.get("n_runs", runs)
            runs = int(runs) if isinstance(runs, (int, float, np.integer)) else 1
        else:
            for key in ("runtimes_s", "runtime_s"):
                total, runs = _total(src.get(key))
                if total is not None:
                    break
        if total is not None:
            return f"{total:.3g} s" + (f" over {runs} runs (resumed)" if runs > 1 else "")
    return "not recorded"


def _figure_png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = _io.BytesIO()
    with style():
        fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _repro_section(r: ReproductionEntry) -> str:
    d = r.doc
    head = f"<h2>{html.escape(r.id)} <span class='badge mode'>{r.mode}</span> "
    sec = f"<section id='{_anchor('r-' + r.mode + '-', r.id)}' class='repro'>"
    if not r.complete:
        found = ", ".join(sorted(p.name for p in r.source.parent.glob(r.source.stem + ".*")))
        problems = "".join(f"<li>{html.escape(p)}</li>" for p in r.problems)
        return (f"{sec}{head}<span class='badge bad'>incomplete</span></h2><ul class='bad'>"
                f"{problems}</ul><p class='muted'>files found: {html.escape(found)}; rerun "
                f"<code>thermalize reproduce {html.escape(r.id)}</code></p></section>")
    fig = (f"<img alt='figure of {html.escape(r.id)}' src='{_png_uri(r.png)}'>"
           if r.png else "<p class='bad'>figure missing</p>")
    return (
        f"{sec}{head}<span class='badge {'ok' if r.passed else 'bad'}'>"
        f"{'all checks pass' if r.passed else 'checks FAILED'}</span></h2>"
        f"<p>{html.escape(str(d.get('title', '')))}</p>"
        f"<p class='muted'>{html.escape(str(d.get('paper', '')))}</p>"
        f"<figure>{fig}</figure><h3>Checks</h3>{_checks_table(d['checks'])}"
        f"<h3>Parameters</h3>{_kv_table(d.get('parameters') or {})}"
        f"<h3>Runtime and provenance</h3>"
        f"{_kv_table({'runtime_s': runtime_text(r.provenance, d), 'mode': r.mode, **r.provenance})}"
        f"</section>"
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
        n_points = int(ds.attrs.get("n_points", m.get("n_points") or 0))
        badge = (f"<span class='badge {'bad' if n_failed else 'ok'}'>"
                 f"{n_failed} failed point{'s' * (n_failed != 1)}</span>")
        failed = json.loads(ds.attrs.get("failed_points", "[]"))[:MAX_FAILED_SHOWN]
        rows = "".join(f"<tr><td>{f['index']}</td><td>{_value(f['parameters'])}</td>"
                       f"<td>{html.escape(f['error'])}</td></tr>" for f in failed)
        fails = (f"<h3>Failed points</h3><table class='checks'><tr><th>index</th>"
                 f"<th>parameters</th><th>error</th></tr>{rows}</table>" if failed else "")
        fig = sweep_figure(ds)
        figure = (f"<figure><img alt='figure of sweep {html.escape(name)}' "
                  f"src='{_png_uri(_figure_png(fig))}'></figure>" if fig is not None else
                  f"<p class='bad'>no figure: all {n_points} points failed "
                  f"(no finite value)</p>")
        prov = {k: ds.attrs[k] for k in PROVENANCE_KEYS if k in ds.attrs}
        body = (f"{figure}{fails}<h3>Runtime and provenance</h3>"
                f"{_kv_table({'runtime_s': runtime_text(prov, status), **prov})}")
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
tr.skip td.verdict,.skip{color:#8a5a00}
.badge{font-size:.75em;padding:.1em .5em;border-radius:.6em;border:1px solid}
.badge.ok{color:#1b7f35}.badge.bad{color:#b00020}.badge.mode{color:#555}
.muted{color:#777;font-size:.85em}h1.mode{font-size:1.35em;margin-top:1.5em}
img{max-width:100%}figure{margin:.5em 0}
"""


def _mode_summary(mode: str, repros: list[ReproductionEntry]) -> str:
    done = [r for r in repros if r.complete]
    checks = [c for r in done for c in r.doc["checks"]]
    skipped = [c for c in checks if c.get("kind") == "skipped"]
    failed = [c for c in checks if not c.get("passed")]
    incomplete = len(repros) - len(done)
    toc = "".join(f"<li><a href='#{_anchor('r-' + mode + '-', r.id)}'>{html.escape(r.id)}</a>"
                  f"{'' if r.complete else ' (incomplete)'}</li>" for r in repros)
    return (f"<li><b>{sum(r.passed for r in done)}/{len(done)}</b> {mode}-mode reproductions "
            f"pass all their checks ({len(checks) - len(failed)}/{len(checks)} checks pass, "
            f"{len(skipped)} skipped)"
            + (f"; <span class='bad'>{incomplete} incomplete</span>" if incomplete else "")
            + f"<ul>{toc}</ul></li>")


def render_html(directory) -> str:
    """The report page of `directory` (see `write_report`)."""
    root = Path(directory)
    repros, sweeps = collect(root)
    if not repros and not sweeps:
        raise NothingToReport(
            f"directory={str(root)!r} holds no reproduction (ID.json/ID.nc/ID.png) or sweep "
            "(sweep.json) output; run 'thermalize reproduce' or 'thermalize sweep' first")
    order = {m: k for k, m in enumerate(_MODES)}
    modes = sorted({r.mode for r in repros}, key=lambda m: (order.get(m, len(order)), m))
    by_mode = {m: [r for r in repros if r.mode == m] for m in modes}
    items = [_mode_summary(m, by_mode[m]) for m in modes]
    if sweeps:
        toc = "".join(f"<li><a href='#{_anchor('s-', str(s.source))}'>sweep "
                      f"{html.escape(s.source.name)}</a></li>" for s in sweeps)
        items.append(f"<li><b>{len(sweeps)}</b> sweep{'s' * (len(sweeps) != 1)} "
                     f"({sum(s.dataset is None for s in sweeps)} incomplete)<ul>{toc}</ul></li>")
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    summary = (f"<ul>{''.join(items)}</ul><p class='muted'>directory {html.escape(str(root))}; "
               f"thermalize {__version__}; report written {now}</p>")
    body = "".join(f"<h1 class='mode'>Reproductions, {m} mode</h1>"
                   + "".join(map(_repro_section, by_mode[m])) for m in modes)
    if sweeps:
        body += "<h1 class='mode'>Sweeps</h1>" + "".join(map(_sweep_section, sweeps))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>thermalize report</title>"
        f"<style>{_CSS}</style></head><body><h1>thermalize report</h1>"
        f"<section id='summary'>{summary}</section>{body}</body></html>\n"
    )


def write_report(directory, out=None) -> Path:
    """Write the self-contained report of `directory` (default ``DIRECTORY/report.html``).

    Every reproduction (``ID.json`` + ``ID.png`` + ``ID.nc``, as written by
    ``thermalize reproduce``; in `directory` or its ``quick/`` and ``full/`` subfolders) gets
    its figure, checks table, parameters, mode, runtime (summed over resumes) and provenance,
    in one section per mode; one with missing or unreadable files is listed as incomplete.
    Every sweep directory (``sweep.json``) gets its grid, status, failed points and a figure
    of every output component drawn from ``sweep.nc``. Figures are embedded as base64 PNG:
    the page loads nothing from the network.

    Returns
    -------
    Path
        The written page.

    Raises
    ------
    NothingToReport
        `directory` holds no reproduction or sweep output (nothing is written).
    """
    path = Path(out) if out is not None else Path(directory) / "report.html"
    atomic_write_text(path, render_html(directory))
    return path
