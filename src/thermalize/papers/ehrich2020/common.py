"""Shared seed, tolerance and dataset helpers of the ehrich2020 reproductions."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from .._registry import Check

__all__ = ["SEED", "Z_MAX"]

#: Base seed of the ehrich2020 Monte Carlo runs (each run adds its own offset).
SEED = 2020_552
#: Largest accepted |z| = |MC - exact| / standard error in the ehrich2020 checks.
Z_MAX = 4.0  # Monte Carlo agreement: 4 standard errors estimated from the same run


def _params(**kw) -> dict:
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in kw.items()}


def _parameters(ds: xr.Dataset) -> dict:
    raw = ds.attrs["parameters"]
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def _precision_checks(ds: xr.Dataset, pairs: list[tuple[str, str]]) -> list[Check]:
    """--full promises MC standard errors below 1e-3 relative (issue 4); quick mode does not."""
    if _parameters(ds)["quick"]:
        return []
    worst = max(float(np.nanmax(np.abs(ds[se].values / ds[val].values))) for val, se in pairs)
    return [
        Check.at_most(
            "full mode: largest relative MC standard error",
            worst,
            1e-3,
            "issue 4: --full precision target",
        )
    ]


def _max_abs_z(ds: xr.Dataset, value: str, exact: str, se: str) -> float:
    z = (ds[value].values - ds[exact].values) / ds[se].values
    return float(np.nanmax(np.abs(z)))
