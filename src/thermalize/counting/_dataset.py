"""xarray form of the counting results: every variable with long_name, units and symbol."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._version import __version__

__all__ = ["UNITLESS", "dataset", "variable"]

#: The units string of dimensionless quantities (docs/conventions.md).
UNITLESS = "dimensionless (hbar = k_B = 1)"


def variable(dims, values, long_name: str, units: str, symbol: str):
    """One (dims, values, attrs) entry for `xarray.Dataset`."""
    return (dims, np.asarray(values), {"long_name": long_name, "units": units, "symbol": symbol})


def dataset(data: dict, coords: dict, parameters: dict) -> xr.Dataset:
    """Dataset with `parameters` and the package version in its attrs."""
    return xr.Dataset(data, coords=coords,
                      attrs={"parameters": parameters, "thermalize_version": __version__})
