"""One figure style for the whole package; figures are drawn from datasets only."""

from __future__ import annotations

import io as _io
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402

from .io import atomic_write_bytes  # noqa: E402

__all__ = ["STYLE", "style", "new_figure", "save_figure", "annotate_checks"]

#: rcParams of every thermalize figure.
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 130,
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.4,
    "axes.prop_cycle": matplotlib.cycler(
        color=["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]
    ),
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


def save_figure(fig, path) -> None:
    """Save `fig` as PNG atomically and close it."""
    buf = _io.BytesIO()
    with style():
        fig.savefig(buf, format="png")
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())


def annotate_checks(ax, text: str) -> None:
    """Put a small note (e.g. a check summary or a chosen convention) in the axes corner."""
    ax.text(0.02, 0.98, text, transform=ax.transAxes, va="top", ha="left", fontsize=7,
            bbox={"boxstyle": "round", "fc": "white", "alpha": 0.7, "lw": 0.5})
