"""Checkpoint directory of a sweep: manifest, one atomic file per finished chunk, result."""

from __future__ import annotations

import datetime as _dt
import io as _io
import json
import logging
from pathlib import Path

import numpy as np

from .._version import __version__
from ..io import atomic_write_bytes, atomic_write_text, write_dataset
from ._errors import SweepError
from ._spec import SweepSpec
from ._tasks import ChunkResult

__all__ = ["MANIFEST", "RESULT", "SweepStore"]

#: File names inside a sweep's output directory.
MANIFEST, RESULT, CHUNKS = "sweep.json", "sweep.nc", "chunks"
_OUT = "out__"


class SweepStore:
    """The output directory of one sweep.

    Layout: ``sweep.json`` (spec, fingerprint, status), ``chunks/chunk-NNNNNN.npz`` (one per
    finished chunk, written atomically as it completes) and ``sweep.nc`` (the dataset, once
    every chunk is done). A directory holding another spec is refused unless ``force``.
    """

    def __init__(self, directory) -> None:
        self.directory = Path(directory)

    @property
    def manifest_path(self) -> Path:
        return self.directory / MANIFEST

    @property
    def result_path(self) -> Path:
        return self.directory / RESULT

    def _chunk_path(self, chunk: int) -> Path:
        return self.directory / CHUNKS / f"chunk-{chunk:06d}.npz"

    def read_manifest(self) -> dict | None:
        """The manifest, or None if the directory holds no sweep."""
        try:
            return json.loads(self.manifest_path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise SweepError(f"cannot read {self.manifest_path}: {exc}") from exc

    def prepare(self, spec: SweepSpec, *, force: bool = False) -> list[int]:
        """Create or reopen the directory for `spec`; return the chunks already finished.

        Raises `SweepError` if the directory cannot be written, or holds a sweep of another
        spec and `force` is False (with `force` its chunks and result are deleted).
        """
        try:
            (self.directory / CHUNKS).mkdir(parents=True, exist_ok=True)
            old = self.read_manifest()
            same = old is not None and old.get("fingerprint") == spec.fingerprint()
            if old is not None and not same and not force:
                raise SweepError(
                    f"{self.directory} holds a sweep of another spec (quantity "
                    f"{old.get('spec', {}).get('quantity')!r}, fingerprint "
                    f"{str(old.get('fingerprint'))[:12]}); rerun with --force to replace it "
                    "or choose another --out"
                )
            for tmp in (self.directory / CHUNKS).glob(".chunk-*.tmp"):
                tmp.unlink()  # left by a write that was killed
            if force or not same:
                self._clear()
                self._write_manifest(spec, status={"complete": False})
            elif old.get("thermalize_version") != __version__:
                logging.getLogger("thermalize.sweep").warning(
                    "resuming chunks computed by thermalize %s with thermalize %s; use --force "
                    "to recompute them", old.get("thermalize_version"), __version__)
        except OSError as exc:
            raise SweepError(
                f"cannot write the sweep output directory {self.directory}: "
                f"{exc.strerror or exc}"
            ) from exc
        return [c for c in range(spec.n_chunks) if self._chunk_path(c).is_file()]

    def _clear(self) -> None:
        for p in (self.directory / CHUNKS).glob("chunk-*.npz"):
            p.unlink()
        self.result_path.unlink(missing_ok=True)

    def _write_manifest(self, spec: SweepSpec, *, status: dict) -> None:
        doc = {
            "kind": "thermalize.sweep",
            "fingerprint": spec.fingerprint(),
            "spec": spec.to_dict(),
            "description": spec.description or spec.quantity.description,
            "n_points": spec.n_points,
            "n_chunks": spec.n_chunks,
            "thermalize_version": __version__,
            "updated_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "status": status,
        }
        atomic_write_text(self.manifest_path, json.dumps(doc, indent=2) + "\n")

    def runtimes(self) -> list[float]:
        """Wall times of the earlier runs of this directory's sweep (one per run, resumes).

        A run that was killed (its manifest still says ``running_since``) counts from its
        start to its last checkpoint.
        """
        status = (self.read_manifest() or {}).get("status") or {}
        times = status.get("runtimes_s")
        if isinstance(times, list) and all(isinstance(t, (int, float)) for t in times):
            times = [float(t) for t in times]
        else:
            old = status.get("runtime_s")  # a manifest written before per-run times were kept
            times = [float(old)] if isinstance(old, (int, float)) and status.get("complete") else []
        start = status.get("running_since")
        if isinstance(start, (int, float)):
            ends = [p.stat().st_mtime for p in (self.directory / CHUNKS).glob("chunk-*.npz")]
            times.append(round(max([start, *ends]) - start, 3))
        return times

    def begin(self, spec: SweepSpec, runtimes: list[float], started: float) -> None:
        """Mark a run as started (epoch seconds `started`), keeping the earlier `runtimes`."""
        status = dict((self.read_manifest() or {}).get("status") or {})
        status.update(runtimes_s=runtimes, running_since=started)
        self.record(spec, status=status)

    def record(self, spec: SweepSpec, *, status: dict) -> None:
        """Rewrite the manifest's status (e.g. an incomplete run's wall time)."""
        try:
            self._write_manifest(spec, status=status)
        except OSError as exc:
            raise SweepError(f"cannot write {self.manifest_path}: {exc.strerror or exc}") from exc

    def finish(self, spec: SweepSpec, ds, *, status: dict) -> Path:
        """Write the final dataset and mark the manifest complete.

        The dataset's provenance ``wall_time_s`` is the sum of ``status["runtimes_s"]`` (every
        run of this spec, resumes included), ``n_runs`` their number.
        """
        try:
            path = write_dataset(ds, self.result_path, seed=spec.seed,
                                 wall_time_s=status.get("runtimes_s") or status.get("runtime_s"))
            self._write_manifest(spec, status=status)
        except OSError as exc:
            raise SweepError(f"cannot write {self.result_path}: {exc.strerror or exc}") from exc
        return path

    def write_chunk(self, result: ChunkResult) -> None:
        """Save a finished chunk atomically (temporary file + rename)."""
        arrays = {
            "indices": result.indices,
            "seconds": np.float64(result.seconds),
            "error_indices": np.array(sorted(result.errors), dtype=np.int64),
            "error_texts": np.array([result.errors[i] for i in sorted(result.errors)], dtype=str),
        }
        arrays.update({_OUT + k: v for k, v in result.outputs.items()})
        buf = _io.BytesIO()
        np.savez(buf, **arrays)
        try:
            atomic_write_bytes(self._chunk_path(result.chunk), buf.getvalue())
        except OSError as exc:
            raise SweepError(f"cannot write a checkpoint in {self.directory}: "
                             f"{exc.strerror or exc}") from exc

    def read_chunk(self, chunk: int) -> ChunkResult:
        """A chunk saved by `write_chunk`."""
        with np.load(self._chunk_path(chunk), allow_pickle=False) as z:
            outputs = {k[len(_OUT):]: z[k] for k in z.files if k.startswith(_OUT)}
            errors = {int(i): str(t) for i, t in zip(z["error_indices"], z["error_texts"])}
            return ChunkResult(chunk, z["indices"], outputs, errors, float(z["seconds"]))
