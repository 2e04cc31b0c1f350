"""The figure of a sweep dataset in the report: every output, every component, failed points."""

from __future__ import annotations

import json
import math

import numpy as np
import xarray as xr

from ..plotting import axis_label, new_figure, place_legend

__all__ = ["sweep_figure", "grid_dims", "MAX_MAP_PANELS", "MAX_LEGEND_LINES"]

#: Maps drawn per output of a sweep over two or more axes (one per component); the rest are
#: counted in a note under the figure.
MAX_MAP_PANELS = 12
#: Lines with a legend entry each; more components are drawn with a colour ramp.
MAX_LEGEND_LINES = 10


def grid_dims(ds: xr.Dataset) -> list[str]:
    """The sweep's grid dimensions, in the order of the variables' dimensions."""
    grid = set(json.loads(ds.attrs.get("spec", "{}")).get("grid", {}))
    order = next((list(ds[v].dims) for v in ds.data_vars), list(ds.dims))
    return [d for d in order if d in grid] or [d for d in order if d in ds.coords]


def _log_axis(values: np.ndarray) -> bool:
    """Log scale for a positive numeric axis spanning more than 1.5 decades."""
    return bool(values.dtype.kind in "iuf" and values.size > 2 and np.all(values > 0)
                and values.max() / values.min() > 30)


def _label(da) -> str:
    return axis_label(str(da.attrs.get("long_name", da.name)), da.attrs.get("symbol"),
                      da.attrs.get("units"))


def _components(var: xr.DataArray, grid: list[str]):
    """``(labels, values[..., k])``: the output split into its components (last axis)."""
    others = [d for d in var.dims if d not in grid]
    if not others:
        return [str(var.name)], var.transpose(*grid).values[..., None]
    flat = var.stack(component=others).transpose(*grid, "component")
    labels = []
    for idx in flat["component"].values:
        idx = idx if isinstance(idx, tuple) else (idx,)
        labels.append(", ".join(f"{d}={v}" for d, v in zip(others, idx)))
    return labels, flat.values


def _axis(ax, ds, dim, which):
    values = ds[dim].values
    numeric = values.dtype.kind in "iuf"
    pos = values if numeric else np.arange(values.size)
    getattr(ax, f"set_{which}label")(_label(ds[dim]))
    if not numeric:
        getattr(ax, f"set_{which}ticks")(pos, [str(v) for v in values])
    elif _log_axis(values):
        getattr(ax, f"set_{which}scale")("log")
    return pos


def _panels(ds, grid, names):
    """One panel per output (line plots) or per output component (maps)."""
    panels, hidden = [], 0
    for name in names:
        labels, values = _components(ds[name], grid)
        if len(grid) == 1:
            panels.append((name, labels, values))
        else:
            shown = min(len(labels), MAX_MAP_PANELS)
            hidden += len(labels) - shown
            panels += [(name, [labels[k]], values[..., k:k + 1]) for k in range(shown)]
    return panels, hidden


def sweep_figure(ds: xr.Dataset):
    """A figure of a sweep dataset, or None when no point has a finite value.

    Every output is drawn with every component: lines over the grid axis of a
    one-axis sweep (one line per component), or one map per component over the first two
    axes (up to `MAX_MAP_PANELS` per output; further grid axes at their first value).
    Failed points (NaN in every component) are marked with red crosses.
    """
    grid = grid_dims(ds)
    names = [v for v in ds.data_vars if set(grid) <= set(ds[v].dims)]
    if not grid or not names or not any(np.isfinite(ds[v].values.real).any() for v in names):
        return None
    first = {d: 0 for d in grid[2:]}
    ds_view = ds.isel(first) if first else ds
    grid = grid[:2]
    panels, hidden = _panels(ds_view, grid, names)
    ncols = min(3, len(panels))
    fig, axes = new_figure(math.ceil(len(panels) / ncols), ncols, squeeze=False)
    for ax in axes.ravel()[len(panels):]:
        ax.set_visible(False)
    for ax, (name, labels, values) in zip(axes.ravel(), panels):
        values = values.real
        failed = ~np.isfinite(values).any(axis=-1)
        x = _axis(ax, ds_view, grid[0], "x")
        if len(grid) == 1:
            many = len(labels) > MAX_LEGEND_LINES
            colors = ([None] * len(labels) if not many else
                      [ax.figure.colormaps["viridis"](k / (len(labels) - 1))
                       for k in range(len(labels))])
            for k, lab in enumerate(labels):
                ax.plot(x, values[:, k], marker="." if x.size < 40 else None, color=colors[k],
                        label=None if many else lab)
            if failed.any():
                ax.plot(x[failed], np.zeros(failed.sum()), "x", color="#b00020",
                        transform=ax.get_xaxis_transform(), clip_on=False, label="failed point")
            ax.set_ylabel(_label(ds_view[name]))
            ax.set_title(name if not many else f"{name}: {len(labels)} components "
                         f"({labels[0]} dark .. {labels[-1]} light)")
            if len(labels) > 1 and not many or failed.any():
                place_legend(ax)
        else:
            y = _axis(ax, ds_view, grid[1], "y")
            mesh = ax.pcolormesh(x, y, values[..., 0].T, shading="nearest")
            ax.figure.colorbar(mesh, ax=ax, label=_label(ds_view[name]))
            ax.grid(False)
            if failed.any():
                fx, fy = np.nonzero(failed)
                ax.plot(x[fx], y[fy], "x", color="#b00020", label="failed point")
            ax.set_title(name + (f" [{labels[0]}]" if labels[0] != name else ""))
    if first or hidden:
        notes = ([f"{d} = {ds[d].values[0]}" for d in first]
                 + ([f"{hidden} more component maps not shown"] if hidden else []))
        fig.suptitle("; ".join(notes), fontsize=7)
    return fig
