"""Run a registered reproduction: compute, check, draw, and write ID.nc / ID.png / ID.json."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import xarray as xr
from threadpoolctl import threadpool_limits

from ..io import atomic_write_text, write_dataset
from ..plotting import save_figure
from ._registry import Check, Reproduction, get

__all__ = ["ReproductionResult", "run_reproduction", "result_json"]


@dataclass(frozen=True)
class ReproductionResult:
    """Outcome of one reproduction run."""

    id: str
    title: str
    paper: str
    quick: bool
    runtime_s: float
    checks: list[Check]
    dataset: xr.Dataset = field(repr=False)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(c.passed for c in self.checks)


def _parameters(ds: xr.Dataset) -> dict:
    raw = ds.attrs.get("parameters", "{}")
    try:
        return json.loads(raw) if isinstance(raw, str) else dict(raw)
    except (TypeError, ValueError):
        return {"raw": str(raw)}


def result_json(result: ReproductionResult) -> dict:
    """The ID.json document of DESIGN.md."""
    return {
        "id": result.id,
        "title": result.title,
        "paper": result.paper,
        "quick": result.quick,
        "passed": result.passed,
        "checks": [c.to_dict() for c in result.checks],
        "runtime_s": round(result.runtime_s, 3),
        "parameters": _parameters(result.dataset),
    }


def run_reproduction(
    repro: Reproduction | str,
    *,
    quick: bool = True,
    out_dir: str | Path | None = None,
    blas_threads: int | None = None,
) -> ReproductionResult:
    """Compute a reproduction, run its checks and (if `out_dir`) write its three files.

    Parameters
    ----------
    repro : Reproduction or str
        The reproduction or its registered id.
    quick : bool
        Quick settings (seconds) or paper-grade (``False``, the CLI's ``--full``).
    out_dir : path, optional
        Where ``ID.nc``, ``ID.png`` and ``ID.json`` are written (atomically).
    blas_threads : int, optional
        BLAS threads during the computation. Default: 1 in quick mode (its matrices are a
        few hundred rows, where a second thread gains nothing and, on a loaded machine,
        OpenBLAS's spinning threads slowed runs down 10x), no limit with ``quick=False``.
    """
    if isinstance(repro, str):
        repro = get(repro)
    if blas_threads is None:
        blas_threads = 1 if quick else None
    t0 = time.perf_counter()
    with threadpool_limits(limits=blas_threads, user_api="blas"):
        ds = repro.compute(quick)
        checks = list(repro.checks(ds))
    runtime = time.perf_counter() - t0
    ds.attrs["reproduction_id"] = repro.id
    ds.attrs["quick"] = int(quick)
    result = ReproductionResult(repro.id, repro.title, repro.paper, quick, runtime, checks, ds)
    if out_dir is not None:
        out = Path(out_dir)
        files = {
            "nc": write_dataset(ds, out / f"{repro.id}.nc"),
            "png": out / f"{repro.id}.png",
            "json": out / f"{repro.id}.json",
        }
        save_figure(repro.plot(ds), files["png"])
        doc = result_json(result)
        atomic_write_text(files["json"], json.dumps(doc, indent=2) + "\n")
        result.files.update(files)
    return result
