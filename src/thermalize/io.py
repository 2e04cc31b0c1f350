"""Atomic NetCDF (h5netcdf) storage of xarray datasets with provenance attributes."""

from __future__ import annotations

import datetime as _dt
import json
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

from ._version import __version__
from .errors import ParameterError

__all__ = ["provenance", "write_dataset", "read_dataset", "atomic_write_bytes", "atomic_write_text"]

_COMPLEX_TAG = "thermalize_complex_part"


def _git_commit() -> str:
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"


def provenance(parameters: dict | None = None, seed: int | None = None) -> dict:
    """Provenance attributes: package version, git commit, UTC date, seed, parameters (JSON).

    Examples
    --------
    >>> sorted(provenance({"beta": 1.0}, seed=3))
    ['created_utc', 'git_commit', 'parameters', 'seed', 'thermalize_version']
    """
    return {
        "thermalize_version": __version__,
        "git_commit": _git_commit(),
        "created_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "seed": "none" if seed is None else int(seed),
        "parameters": json.dumps(parameters or {}, sort_keys=True, default=_json_default),
    }


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)


def _default_file_mode() -> int:
    """0o666 less the process umask: the mode an ordinary ``open(path, "w")`` would give."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _atomic_path(path: Path, writer) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        writer(tmp)
        os.chmod(tmp, _default_file_mode())  # mkstemp creates 0600; results are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file and an atomic rename."""

    def writer(tmp):
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    _atomic_path(Path(path), writer)


def atomic_write_text(path, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically."""
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


def write_dataset(ds: xr.Dataset, path, *, parameters: dict | None = None, seed=None) -> Path:
    """Write `ds` to NetCDF (h5netcdf engine) atomically, adding provenance attributes.

    Complex variables are stored as exact real/imag pairs and restored by `read_dataset`.
    Dict- or list-valued attributes are stored as JSON strings. The file appears only once
    fully written (temporary file + ``os.replace``): an interrupted write leaves no file.

    Parameters
    ----------
    ds : xarray.Dataset
    path : str or Path
    parameters : dict, optional
        Stored as the JSON attribute ``parameters`` (overrides one already in ``ds.attrs``).
    seed : int, optional

    Returns
    -------
    Path
    """
    if not isinstance(ds, xr.Dataset):
        raise ParameterError(f"ds must be an xarray.Dataset, got {type(ds).__name__}")
    path = Path(path)
    prov = provenance(parameters, seed)
    if parameters is None and "parameters" in ds.attrs:
        prov["parameters"] = ds.attrs["parameters"]
    if seed is None and "seed" in ds.attrs:
        prov["seed"] = ds.attrs["seed"]
    out = _split_complex(ds)
    out.attrs = _clean_attrs({**ds.attrs, **prov})
    for name in out.variables:
        out[name].attrs = _clean_attrs(out[name].attrs)
    _atomic_path(path, lambda tmp: out.to_netcdf(tmp, engine="h5netcdf"))
    return path


def read_dataset(path) -> xr.Dataset:
    """Read a dataset written by `write_dataset` fully into memory (complex restored)."""
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        loaded = ds.load()
    return _join_complex(loaded)
