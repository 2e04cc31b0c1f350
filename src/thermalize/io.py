"""Atomic NetCDF (h5netcdf) and JSON storage with provenance; CF attributes of datasets.

Every file thermalize writes records how it was made (`provenance`): package version, the
commit the package was built from (and whether that tree was dirty), Python/NumPy/SciPy
versions, the BLAS in use, host, command line, seed(s), mode and wall time. Variables and
coordinates describe themselves with the CF attributes ``long_name`` and ``units`` plus a
LaTeX ``symbol`` (`describe`, `missing_cf_attrs`).
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

from ._provenance import PROVENANCE_KEYS, _json_default, provenance, software_versions
from .errors import ParameterError, require_path

__all__ = [
    "DIMENSIONLESS",
    "PROVENANCE_KEYS",
    "provenance",
    "software_versions",
    "write_dataset",
    "read_dataset",
    "write_json",
    "describe",
    "missing_cf_attrs",
    "atomic_write_bytes",
    "atomic_write_text",
]

_COMPLEX_TAG = "thermalize_complex_part"

#: ``units`` of a dimensionless quantity (docs/conventions.md: hbar = k_B = 1).
DIMENSIONLESS = "dimensionless (hbar = k_B = 1)"


def _default_file_mode() -> int:
    """0o666 less the process umask: the mode an ordinary ``open(path, "w")`` would give."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _atomic_path(path: Path, writer) -> None:
    """Write via `writer(tmp)`, fsync the file, rename it over `path`, fsync the directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        writer(tmp)
        with open(tmp, "rb+") as fh:  # the writer may not have synced (e.g. h5netcdf)
            os.fsync(fh.fileno())
        os.chmod(tmp, _default_file_mode())  # mkstemp creates 0600; results are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_directory(path.parent)


def atomic_write_bytes(path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file and an atomic rename."""

    path = require_path("path", path)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ParameterError(f"data must be bytes, got {type(data).__name__}")

    def writer(tmp):
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    _atomic_path(path, writer)


def atomic_write_text(path, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically."""
    if not isinstance(text, str):
        raise ParameterError(f"text must be a str, got {type(text).__name__}")
    atomic_write_bytes(path, text.encode("utf-8"))


def _split_complex(ds: xr.Dataset) -> xr.Dataset:
    out = ds.copy()
    for name in list(ds.data_vars) + [c for c in ds.coords if c not in ds.dims]:
        var = ds[name]
        if np.iscomplexobj(var.values):
            for part, fn in (("real", np.real), ("imag", np.imag)):
                new = var.copy(data=fn(var.values))
                new.attrs = {**var.attrs, _COMPLEX_TAG: part}
                out[f"{name}__{part}"] = new
            out = out.drop_vars(name)
    return out


def _join_complex(ds: xr.Dataset) -> xr.Dataset:
    out = ds
    for name in list(ds.variables):
        if ds[name].attrs.get(_COMPLEX_TAG) == "real":
            base = name[: -len("__real")]
            re, im = ds[name], ds[f"{base}__imag"]
            var = re.copy(data=re.values + 1j * im.values)
            var.attrs = {k: v for k, v in re.attrs.items() if k != _COMPLEX_TAG}
            out = out.drop_vars([name, f"{base}__imag"]).assign({base: var})
    return out


def _clean_attrs(attrs: dict) -> dict:
    clean = {}
    for k, v in attrs.items():
        if isinstance(v, (bool, np.bool_)):
            clean[k] = int(v)
        elif isinstance(v, (dict, list, tuple)) and not (
            isinstance(v, (list, tuple)) and all(isinstance(x, (int, float)) for x in v)
        ):
            clean[k] = json.dumps(v, sort_keys=True, default=_json_default)
        elif v is None:
            clean[k] = "none"
        else:
            clean[k] = v
    return clean


_KEPT_FROM_ATTRS = ("parameters", "seed", "mode", "wall_time_s", "n_runs", "command")


def write_dataset(ds: xr.Dataset, path, *, parameters: dict | None = None, seed=None,
                  mode=None, wall_time_s=None) -> Path:
    """Write `ds` to NetCDF (h5netcdf engine) atomically, adding `provenance` attributes.

    Complex variables are stored as exact real/imag pairs and restored by `read_dataset`.
    Dict- or list-valued attributes are stored as JSON strings. The file appears only once
    fully written and synced (temporary file, ``fsync``, ``os.replace``, ``fsync`` of the
    directory): an interrupted write leaves no file.

    Parameters
    ----------
    ds : xarray.Dataset
    path : str or Path
    parameters : dict, optional
        Stored as the JSON attribute ``parameters`` (overrides one already in ``ds.attrs``).
    seed, mode, wall_time_s
        As in `provenance`. Where not given, values already in ``ds.attrs`` are kept
        (``mode`` also from a ``quick`` attribute).

    Returns
    -------
    Path
    """
    if not isinstance(ds, xr.Dataset):
        raise ParameterError(f"ds must be an xarray.Dataset, got {type(ds).__name__}")
    path = require_path("path", path)
    if mode is None and "mode" not in ds.attrs and "quick" in ds.attrs:
        mode = bool(ds.attrs["quick"])
    prov = provenance(parameters, seed, mode=mode, wall_time_s=wall_time_s)
    given = {"parameters": parameters, "seed": seed, "mode": mode, "wall_time_s": wall_time_s,
             "n_runs": wall_time_s, "command": None}
    for key in _KEPT_FROM_ATTRS:
        if given[key] is None and key in ds.attrs:
            prov[key] = ds.attrs[key]
    out = _split_complex(ds)
    out.attrs = _clean_attrs({**ds.attrs, **prov})
    for name in out.variables:
        out[name].attrs = _clean_attrs(out[name].attrs)
    _atomic_path(path, lambda tmp: out.to_netcdf(tmp, engine="h5netcdf"))
    return path


def write_json(path, doc: dict, *, seed=None, mode=None, wall_time_s=None) -> Path:
    """Write `doc` as indented JSON atomically, with a ``provenance`` entry added.

    A ``provenance`` already in `doc` is kept; otherwise `provenance` (with `seed`, `mode`,
    `wall_time_s`) is added. Returns the path.
    """
    if not isinstance(doc, dict):
        raise ParameterError(f"doc must be a dict, got {type(doc).__name__}")
    path = require_path("path", path)
    doc = dict(doc)
    if "provenance" not in doc:
        prov = provenance(None, seed, mode=mode, wall_time_s=wall_time_s)
        prov.pop("parameters")  # a result document lists its parameters itself
        doc["provenance"] = prov
    atomic_write_text(path, json.dumps(doc, indent=2, default=_json_default) + "\n")
    return path


def read_dataset(path) -> xr.Dataset:
    """Read a dataset written by `write_dataset` fully into memory (complex restored).

    A missing file is a `FileNotFoundError`, a file that is not a NetCDF/HDF5 dataset (truncated,
    overwritten) an `OSError`; both name the file.
    """
    path = require_path("path", path)
    if not path.is_file():
        raise FileNotFoundError(errno.ENOENT, "no such dataset file", str(path))
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            loaded = ds.load()
    except (OSError, ValueError) as exc:  # h5py: "file signature not found", truncation
        raise OSError(errno.EIO, f"not a readable NetCDF dataset ({exc})", str(path)) from exc
    return _join_complex(loaded)


def describe(ds, attrs: dict):
    """Set CF ``long_name``, ``units`` and a LaTeX ``symbol`` on variables of `ds` (in place).

    Parameters
    ----------
    ds : xarray.Dataset or xarray.DataArray
    attrs : dict
        ``{name: (long_name, units, symbol)}`` for data variables and coordinates; use
        `DIMENSIONLESS` as the units of a dimensionless quantity. ``symbol`` is mathtext
        without dollars (``r"\\beta"``), ``None`` to leave it out.

    Returns
    -------
    The same `ds`, for chaining.

    Examples
    --------
    >>> ds = xr.Dataset({"p": ("time", [1.0, 0.5])}, coords={"time": [0.0, 1.0]})
    >>> ds = describe(ds, {"p": ("excited population", DIMENSIONLESS, "p_1"),
    ...                    "time": ("time", "1/energy", "t")})
    >>> missing_cf_attrs(ds)
    []
    """
    for name, spec in attrs.items():
        own = isinstance(ds, xr.DataArray) and name == ds.name
        if not own and name not in (ds.variables if isinstance(ds, xr.Dataset) else ds.coords):
            raise ParameterError(f"describe: {name!r} is not a variable or coordinate of ds")
        if not (isinstance(spec, tuple) and len(spec) == 3):
            raise ParameterError(
                f"describe: attrs[{name!r}] must be (long_name, units, symbol), got {spec!r}")
        long_name, units, symbol = spec
        new = {"long_name": str(long_name), "units": str(units)}
        if symbol is not None:
            new["symbol"] = str(symbol)
        (ds if own else ds[name]).attrs.update(new)
    return ds


def missing_cf_attrs(ds) -> list[str]:
    """What keeps `ds` from describing itself: one line per missing attribute or coordinate.

    Lists every data variable and coordinate without ``long_name`` or ``units`` and every
    dimension without a coordinate variable. An empty list means xarray's ``.plot()`` labels
    every axis with a name and a unit.
    """
    if isinstance(ds, xr.DataArray):
        ds = ds.to_dataset(name=ds.name if ds.name is not None else "<unnamed>")
    if not isinstance(ds, xr.Dataset):
        raise ParameterError(f"ds must be an xarray.Dataset or DataArray, got {type(ds).__name__}")
    problems = []
    for name in list(ds.data_vars) + list(ds.coords):
        var = ds[name]
        for key in ("long_name", "units"):
            if not str(var.attrs.get(key, "")).strip():
                problems.append(f"{name}: no {key}")
    for dim in ds.dims:
        if dim not in ds.coords:
            problems.append(f"dimension {dim}: no coordinate")
    return problems
