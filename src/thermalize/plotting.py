"""One figure style for the whole package; figures are drawn from datasets only.

Conventions every figure follows (issue 16): labels and titles in one mathtext style
(`tex_symbol`, `param_title`, `axis_label`), legends and notes off the data (`place_legend`,
`annotate_checks`), the paper's printed values as markers labelled "paper" (`paper_markers`),
and files in the format their suffix names, PNG at `STYLE["savefig.dpi"]` dpi, with the
provenance of `thermalize.io.provenance` in their metadata (`save_figure`, `save_figures`).
"""

from __future__ import annotations

import io as _io
import json
import logging
import math
import numbers
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402
from matplotlib.offsetbox import AnchoredText  # noqa: E402

from ._version import __version__  # noqa: E402
from .errors import ParameterError  # noqa: E402
from .io import atomic_write_bytes, provenance  # noqa: E402

__all__ = [
    "STYLE", "FORMATS", "DEFAULT_FORMATS", "style", "new_figure", "save_figure", "save_figures",
    "parse_formats", "tex_symbol", "tex_number", "param_title", "axis_label", "place_legend",
    "paper_markers", "annotate_checks", "covered_data",
]

#: rcParams of every thermalize figure.
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.4,
    "mathtext.fontset": "dejavusans",  # one maths font, matching the text font
    "mathtext.default": "it",
    "svg.fonttype": "path",  # SVG renders identically without the fonts installed
    "pdf.fonttype": 42,  # TrueType in PDFs (editable text, accepted by journals)
    "axes.prop_cycle": matplotlib.cycler(
        color=["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]
    ),
}

#: Figure formats `save_figure` writes (by file suffix).
FORMATS = ("png", "pdf", "svg")
#: Formats of ``thermalize reproduce`` without ``--format``.
DEFAULT_FORMATS = ("png", "pdf")

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
    "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi",
    "Omega",
}


@contextmanager
def style():
    """Context manager applying `STYLE`."""
    with plt.rc_context(STYLE):
        yield


def new_figure(nrows: int = 1, ncols: int = 1, *, width: float = 3.4, height: float = 2.6,
               **kwargs):
    """A figure with `nrows` x `ncols` axes in the package style (sizes per panel, inches).

    Returns ``(fig, axes)`` as ``plt.subplots`` does (axes squeezed).
    """
    with style():
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(width * ncols, height * nrows), layout="constrained", **kwargs
        )
    return fig, axes


def parse_formats(text) -> tuple[str, ...]:
    """``"png,pdf"`` (or a sequence) -> ``("png", "pdf")``; `ParameterError` for others."""
    items = text.split(",") if isinstance(text, str) else list(text)
    formats = tuple(dict.fromkeys(str(f).strip().lower().lstrip(".") for f in items))
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ParameterError(
            f"format={text!r}: allowed are {', '.join(FORMATS)} (comma-separated)")
    return formats


def _metadata(fmt: str, prov: dict) -> dict:
    creator = f"thermalize {__version__}"
    text = json.dumps(prov, sort_keys=True, default=str)
    if fmt == "png":
        return {"Software": creator, "thermalize_provenance": text}
    if fmt == "pdf":
        return {"Creator": creator, "Subject": text}
    return {"Creator": creator, "Description": text}


def _figure_bytes(fig, fmt: str, prov: dict) -> bytes:
    buf = _io.BytesIO()
    # fontTools, subsetting the embedded fonts of a PDF, warns on stderr about the DejaVu
    # fonts' timestamps ("'created' timestamp seems very low"): harmless, and not ours
    fonttools = logging.getLogger("fontTools")
    level = fonttools.level
    fonttools.setLevel(logging.ERROR)
    try:
        with style():
            fig.savefig(buf, format=fmt, metadata=_metadata(fmt, prov))
    finally:
        fonttools.setLevel(level)
    return buf.getvalue()


def save_figure(fig, path, *, provenance_attrs: dict | None = None, close: bool = True) -> Path:
    """Save `fig` atomically in the format its suffix names (png, pdf, svg); close it.

    The file's metadata carries `provenance_attrs` (default: `thermalize.io.provenance`)
    as JSON (PNG text chunk ``thermalize_provenance``, PDF ``Subject``, SVG
    ``dc:description``). Raises `ParameterError` for any other suffix.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ParameterError(
            f"path={str(path)!r}: figure suffix must be one of "
            f"{', '.join('.' + f for f in FORMATS)}")
    prov = provenance_attrs if provenance_attrs is not None else provenance()
    try:
        atomic_write_bytes(path, _figure_bytes(fig, fmt, prov))
    finally:
        if close:
            plt.close(fig)
    return path


def save_figures(fig, stem, formats=DEFAULT_FORMATS, *,
                 provenance_attrs: dict | None = None) -> dict[str, Path]:
    """Save `fig` as ``stem.png``, ``stem.pdf``, ... (one file per format); close it.

    Returns ``{format: path}``.
    """
    formats = parse_formats(formats)
    prov = provenance_attrs if provenance_attrs is not None else provenance()
    stem = Path(stem)
    try:
        return {f: save_figure(fig, stem.with_name(f"{stem.name}.{f}"), provenance_attrs=prov,
                               close=False) for f in formats}
    finally:
        plt.close(fig)


def tex_symbol(name: str) -> str:
    """Mathtext (no dollars) of a parameter name: ``beta_L`` -> ``\\beta_L``.

    Greek names get a backslash, a one-character subscript stays, a longer one is upright
    (``T_eff`` -> ``T_{\\mathrm{eff}}``), a longer plain name is upright (``mass``).

    Examples
    --------
    >>> tex_symbol("Gamma"), tex_symbol("omega_s"), tex_symbol("T_eff"), tex_symbol("n")
    ('\\\\Gamma', '\\\\omega_s', 'T_{\\\\mathrm{eff}}', 'n')
    """
    base, _, sub = str(name).partition("_")

    def word(w):
        if w in _GREEK:
            return "\\" + w
        return w if len(w) <= 1 or w.isdigit() else f"\\mathrm{{{w}}}"

    if not sub:
        return word(base)
    return f"{word(base)}_{sub}" if len(sub) == 1 else f"{word(base)}_{{{word(sub)}}}"


def tex_number(value, digits: int = 3) -> str:
    """Mathtext of a number: ``3``, ``0.25``, ``2.5 \\times 10^{-4}``, ``\\infty``.

    Examples
    --------
    >>> tex_number(3), tex_number(0.25), tex_number(2.5e-4), tex_number(float("inf"))
    ('3', '0.25', '2.5 \\\\times 10^{-4}', '\\\\infty')
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return f"\\mathrm{{{value}}}"
    if math.isinf(value):
        return "\\infty" if value > 0 else "-\\infty"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if value == 0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.{digits}g}"
    mantissa, exp = f"{value:.{digits - 1}e}".split("e")
    mantissa, exp = mantissa.rstrip("0").rstrip("."), str(int(exp))
    return f"10^{{{exp}}}" if mantissa == "1" else f"{mantissa} \\times 10^{{{exp}}}"


def param_title(params=None, **kwargs) -> str:
    """One mathtext title of parameters: ``param_title(Gamma=3, beta=0.5)``.

    Keys are parameter names (`tex_symbol`) or mathtext already (starting with ``\\``); values
    numbers (`tex_number`) or strings (upright). Returns ``"$\\Gamma = 3$, $\\beta = 0.5$"``.

    Examples
    --------
    >>> param_title({"Gamma": 3}, beta_L=0.5)
    '$\\\\Gamma = 3$, $\\\\beta_L = 0.5$'
    """
    items = {**(params or {}), **kwargs}
    parts = []
    for name, value in items.items():
        sym = name if str(name).startswith("\\") else tex_symbol(name)
        parts.append(f"${sym} = {tex_number(value)}$")
    return ", ".join(parts)


def axis_label(quantity: str, symbol: str | None = None, units: str | None = None) -> str:
    """An axis label in the one style: ``"time $t$ [1/energy]"``.

    Examples
    --------
    >>> axis_label("inverse temperature", "\\\\beta_{\\\\mathrm{eff}}")
    'inverse temperature $\\\\beta_{\\\\mathrm{eff}}$'
    """
    text = quantity + (f" ${symbol}$" if symbol else "")
    return text + (f" [{units}]" if units and not units.startswith("dimensionless") else "")


def _data_points(ax):
    """Display coordinates of the drawn data of `ax` (lines densified), or None if all of the
    axes is data (an image or a colour mesh)."""
    if ax.images or any(isinstance(c, QuadMesh) for c in ax.collections):
        return None
    pts = [np.empty((0, 2))]
    for line in ax.get_lines():
        if not line.get_visible():
            continue
        xy = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
        if line.get_linestyle() not in ("None", "", " ", "none") and len(xy) > 1:
            t = np.linspace(0.0, 1.0, 12, endpoint=False)[None, :, None]
            seg = xy[:-1, None, :] + (xy[1:] - xy[:-1])[:, None, :] * t
            xy = np.vstack([seg.reshape(-1, 2), xy[-1:]])
        pts.append(xy)
    for coll in ax.collections:
        offsets = np.asarray(coll.get_offsets(), dtype=float)
        if offsets.size and len(coll.get_paths()) and offsets.shape[0] > 1:
            pts.append(coll.get_offset_transform().transform(offsets))
        else:
            for path in coll.get_paths():
                pts.append(coll.get_transform().transform(path.vertices))
    pts = np.vstack(pts)
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    b = ax.bbox
    return pts[(pts[:, 0] >= b.x0) & (pts[:, 0] <= b.x1) & (pts[:, 1] >= b.y0)
               & (pts[:, 1] <= b.y1)]


def covered_data(ax, artist) -> int:
    """How many drawn data points (lines sampled densely) and texts `artist` covers in `ax`.

    A figure test asserts ``covered_data(ax, ax.get_legend()) == 0``. An axes whose whole area
    is data (image, colour mesh) counts as covered wherever `artist` sits inside it.
    """
    fig = ax.figure
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    box = artist.get_window_extent(renderer)
    pts = _data_points(ax)
    if pts is None:
        return int(box.overlaps(ax.bbox))
    inside = ((pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1)
              & (pts[:, 1] >= box.y0) & (pts[:, 1] <= box.y1))
    texts = [t for t in list(ax.texts) + list(ax.artists) + [ax.get_legend()]
             if t is not None and t is not artist and t.get_visible()]
    return int(inside.sum()) + sum(box.overlaps(t.get_window_extent(renderer)) for t in texts)


#: Fixed legend positions `place_legend` tries, in order (``"best"`` is re-evaluated at every
#: draw, so a legend placed "best" can move onto a note added later or onto data at savefig).
_LEGEND_LOCS = ("upper right", "upper left", "lower left", "lower right", "center right",
                "center left", "upper center", "lower center", "center")


def place_legend(ax, *, outside: bool | None = None, loc: str | None = None, **kwargs):
    """A legend that covers no data, notes or texts: the first fixed position inside the axes
    (`loc` first if given, then the corners, the sides, the centre) that covers nothing,
    else outside, right of the axes.

    ``outside=True`` puts it outside at once, ``outside=False`` keeps `loc` (default
    ``"best"``) even if it covers data. Other keywords go to ``ax.legend``.
    """
    with style():
        if outside is False:
            return ax.legend(loc=loc or "best", **kwargs)
        if not outside:
            first = [loc] if loc and loc != "best" else []
            for where in dict.fromkeys(first + list(_LEGEND_LOCS)):
                leg = ax.legend(loc=where, **kwargs)
                if covered_data(ax, leg) == 0:
                    return leg
                leg.remove()
        return ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                         **kwargs)


def paper_markers(ax, x, y, *, yerr=None, label: str = "paper", **kwargs):
    """Draw the paper's printed values as open black markers labelled "paper" (once per axes).

    `x`, `y` (and optional `yerr`) are the published numbers; further keywords go to
    ``ax.errorbar``. Returns the artist container.
    """
    x, y = np.atleast_1d(np.asarray(x, dtype=float)), np.atleast_1d(np.asarray(y, dtype=float))
    if x.shape != y.shape:
        raise ParameterError(f"paper_markers: x and y need the same shape, got {x.shape} and "
                             f"{y.shape}")
    if label in ax.get_legend_handles_labels()[1]:
        label = "_nolegend_"
    style_kw = {"fmt": "o", "mfc": "none", "mec": "k", "ecolor": "k", "ms": 5, "mew": 1.0,
                "capsize": 2, "zorder": 5, "label": label}
    return ax.errorbar(x, y, yerr=yerr, **{**style_kw, **kwargs})


def annotate_checks(ax, text: str):
    """A small note (a check summary, a convention, the symbols used) where it covers no data.

    Tries the four corners inside the axes, then puts it outside, below-right of the axes.
    """
    box = {"boxstyle": "round", "fc": "white", "alpha": 0.8, "lw": 0.5}
    for loc in ("upper left", "upper right", "lower right", "lower left"):
        note = AnchoredText(text, loc=loc, prop={"fontsize": 7}, frameon=False)
        note.txt._text.set_bbox(box)
        ax.add_artist(note)
        if covered_data(ax, note) == 0:
            return note
        note.remove()
    note = AnchoredText(text, loc="lower left", bbox_to_anchor=(1.02, 0.0),
                        bbox_transform=ax.transAxes, borderpad=0.0, prop={"fontsize": 7},
                        frameon=False)
    note.txt._text.set_bbox(box)
    ax.add_artist(note)
    return note
