"""Provenance of every result: version, commit, software, BLAS, host, command, seed, mode, time.

Re-exported by `thermalize.io` (`provenance`, `software_versions`, `PROVENANCE_KEYS`).
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import platform
import shlex
import sys

import numpy as np
import xarray as xr

from ._version import __version__, build_info
from .errors import ParameterError

__all__ = ["PROVENANCE_KEYS", "provenance", "software_versions", "version_text"]


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)


#: Attributes `provenance` adds that the report shows (in this order).
PROVENANCE_KEYS = (
    "thermalize_version", "git_commit", "git_dirty", "commit_source", "created_utc", "mode",
    "seed", "wall_time_s", "n_runs", "command", "host", "python_version", "numpy_version",
    "scipy_version", "blas",
)


def _blas() -> str:
    """The BLAS libraries loaded in this process, e.g. ``"openblas 0.3.27 (pthreads, 2 thr)"``."""
    try:
        from threadpoolctl import threadpool_info

        libs = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    except Exception:  # noqa: BLE001 - provenance must never stop a run
        return "unknown"
    seen = []
    for lib in libs:
        text = (f"{lib.get('internal_api')} {lib.get('version')} "
                f"({lib.get('threading_layer', '?')}, {lib.get('num_threads')} threads)")
        if text not in seen:
            seen.append(text)
    return "; ".join(seen) or "none loaded"


@functools.lru_cache(maxsize=1)
def software_versions() -> dict:
    """Versions of thermalize (with commit), Python, NumPy and SciPy, and the host.

    Examples
    --------
    >>> v = software_versions()
    >>> v["thermalize_version"] == __import__("thermalize").__version__
    True
    """
    import scipy

    info = build_info()
    return {
        "thermalize_version": __version__,
        "git_commit": info["git_commit"],
        "git_dirty": info["git_dirty"],
        "commit_source": info["commit_source"],
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "xarray_version": xr.__version__,
        "host": platform.node() or "unknown",
        "platform": platform.platform(),
    }


def _mode(mode) -> str:
    if mode is None:
        return "none"
    if isinstance(mode, bool):  # quick=True/False as the runner stores it
        return "quick" if mode else "full"
    if mode not in ("quick", "full"):
        raise ParameterError(f"mode must be 'quick', 'full' or None, got {mode!r}")
    return mode


def _seed(seed):
    if seed is None:
        return "none"
    if isinstance(seed, (list, tuple, np.ndarray)):
        return json.dumps([int(s) for s in seed])
    return int(seed)


def _wall_time(wall_time_s) -> tuple[float | str, int | str]:
    """Total and number of runs: a list of per-run times (resumes) is summed."""
    if wall_time_s is None:
        return "none", "none"
    times = np.atleast_1d(np.asarray(wall_time_s, dtype=float))
    if times.ndim != 1 or times.size == 0 or not np.all(np.isfinite(times)) or np.any(times < 0):
        raise ParameterError(
            f"wall_time_s must be a non-negative number or a list of them, got {wall_time_s!r}")
    return round(float(times.sum()), 3), int(times.size)


def provenance(parameters: dict | None = None, seed=None, *, mode=None, wall_time_s=None,
               command: str | None = None) -> dict:
    """How a result was made: the attributes every ``.nc``, ``.json`` and figure carries.

    Parameters
    ----------
    parameters : dict, optional
        Stored as the JSON string ``parameters``.
    seed : int or list of int, optional
        Seed(s) of the random numbers (``"none"`` if deterministic).
    mode : {"quick", "full"} or bool, optional
        Quick or paper-grade settings (``True`` means quick, as ``run_reproduction`` takes it).
    wall_time_s : float or list of float, optional
        Wall time of the computation; a list (one entry per run of a resumed computation) is
        summed into ``wall_time_s`` and counted in ``n_runs``.
    command : str, optional
        Default: this process's command line.

    Returns
    -------
    dict
        Flat ``str``/number/bool values (see `PROVENANCE_KEYS`), ready for NetCDF attributes.

    Examples
    --------
    >>> p = provenance({"beta": 1.0}, seed=3, mode="quick", wall_time_s=[1.5, 0.25])
    >>> p["seed"], p["mode"], p["wall_time_s"], p["n_runs"], p["parameters"]
    (3, 'quick', 1.75, 2, '{"beta": 1.0}')
    """
    if parameters is not None and not isinstance(parameters, dict):
        from .errors import ParameterError

        raise ParameterError(f"parameters must be a dict, got {type(parameters).__name__}")
    if command is not None and not isinstance(command, str):
        from .errors import ParameterError

        raise ParameterError(f"command must be a str, got {type(command).__name__}")
    total, runs = _wall_time(wall_time_s)
    return {
        **software_versions(),
        "blas": _blas(),
        "created_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "command": command if command is not None else shlex.join(sys.argv),
        "mode": _mode(mode),
        "seed": _seed(seed),
        "wall_time_s": total,
        "n_runs": runs,
        "parameters": json.dumps(parameters or {}, sort_keys=True, default=_json_default),
    }


def version_text() -> str:
    """What ``thermalize --version`` prints: the version line, then one ``key: value`` a line."""
    p = provenance()
    dirty = {True: " (tree had uncommitted changes)", False: ""}.get(p["git_dirty"], "")
    lines = [f"thermalize {__version__}",
             f"commit: {p['git_commit']}{dirty} [{p['commit_source']}]"]
    lines += [f"{k}: {p[k]}" for k in ("python_version", "numpy_version", "scipy_version",
                                        "xarray_version", "blas", "host", "platform")]
    return "\n".join(lines)
