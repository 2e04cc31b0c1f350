"""Checkpoint directory of a sweep: manifest, one atomic file per finished chunk, result."""

from __future__ import annotations

import datetime as _dt
import hashlib
import io as _io
import json
import logging
import re
from pathlib import Path

import numpy as np

from .._version import __version__
from ..io import atomic_write_bytes, atomic_write_text, write_dataset
from ._errors import SweepError
from ._spec import SweepSpec
from ._tasks import ChunkResult

__all__ = ["MANIFEST", "REJECTED", "RESULT", "BadCheckpoint", "SweepStore", "array_checksum",
           "move_aside", "remove_stale_temporaries"]

#: File names inside a sweep's output directory.
MANIFEST, RESULT, CHUNKS = "sweep.json", "sweep.nc", "chunks"
#: Sub-directory where rejected (corrupt, truncated, foreign) checkpoint files are moved.
REJECTED = "rejected"
_OUT = "out__"
_META = "meta__"
_CHUNK_NAME = re.compile(r"chunk-(\d{6,})\.npz")
LOGGER = logging.getLogger("thermalize.sweep")


class BadCheckpoint(Exception):
    """A checkpoint file that must not be used; the message says why."""


def array_checksum(arrays: dict) -> str:
    """SHA-256 over names, dtypes, shapes and bytes of `arrays` (sorted by name)."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def move_aside(path: Path, reason: str, *, logger=LOGGER) -> Path | None:
    """Move an unusable checkpoint `path` to ``rejected/`` beside it, log one line; never raise.

    Returns the new path (None if even the move failed; then the file is left in place and
    ignored).
    """
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.parent / REJECTED / f"{path.name}.{stamp}"
    try:
        target.parent.mkdir(exist_ok=True)
        path.replace(target)
    except OSError as exc:
        logger.warning("checkpoint %s is unusable (%s) and cannot be moved aside (%s); "
                       "it is ignored", path, reason, exc.strerror or exc)
        return None
    logger.warning("checkpoint %s is unusable (%s): moved to %s, its work is recomputed",
                   path, reason, target)
    return target


def remove_stale_temporaries(directory: Path) -> None:
    """Delete ``.NAME.XXXX.tmp`` files left in `directory` by writes that were killed."""
    for tmp in directory.glob(".*.tmp"):
        if tmp.is_file():
            tmp.unlink(missing_ok=True)


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
        """The manifest, or None if the directory holds no sweep.

        A manifest that is not a JSON object (truncated, garbage) is moved aside with a log
        line and reads as None: the chunks carry their own spec fingerprint, so none of them
        is lost or misused.
        """
        try:
            doc = json.loads(self.manifest_path.read_text())
        except FileNotFoundError:
            return None
        except UnicodeDecodeError as exc:
            doc = exc
        except ValueError as exc:
            doc = exc
        except OSError as exc:
            raise SweepError(f"cannot read {self.manifest_path}: {exc.strerror or exc}") \
                from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("fingerprint"), str):
            why = f"not valid JSON: {doc}" if isinstance(doc, Exception) else "not a manifest"
            move_aside(self.manifest_path, why)
            return None
        return doc

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
            remove_stale_temporaries(self.directory)  # left by writes that were killed
            remove_stale_temporaries(self.directory / CHUNKS)
            if force or (old is not None and not same):
                self._clear()
            if not same:  # chunks without a manifest are kept: each carries its fingerprint
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

    def load_chunks(self, spec: SweepSpec) -> dict[int, ChunkResult]:
        """Every usable checkpointed chunk of `spec` (call after `prepare`).

        A chunk file that cannot be read, is truncated, belongs to another spec, sits under
        another chunk's name, covers other points or fails its checksum is moved to
        ``chunks/rejected/`` with one log line and left out (so it is recomputed); so is a
        file named like a chunk that `spec` does not have. Never raises for a bad file.
        """
        results = {}
        for path in sorted((self.directory / CHUNKS).glob("chunk-*.npz")):
            m = _CHUNK_NAME.fullmatch(path.name)
            if m is None or int(m.group(1)) >= spec.n_chunks:
                move_aside(path, f"not a chunk of this sweep (it has {spec.n_chunks} chunks)")
                continue
            chunk = int(m.group(1))
            try:
                results[chunk] = self.read_chunk(chunk, spec)
            except BadCheckpoint as exc:
                move_aside(path, str(exc))
        return results

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

    def write_chunk(self, result: ChunkResult, spec: SweepSpec | None = None) -> None:
        """Save a finished chunk atomically (temporary file, fsync, rename, fsync of the dir).

        The file records the spec fingerprint, the chunk index, its point range and a
        SHA-256 checksum of its arrays, checked by `read_chunk`.
        """
        arrays = {
            "indices": result.indices,
            "seconds": np.float64(result.seconds),
            "error_indices": np.array(sorted(result.errors), dtype=np.int64),
            "error_texts": np.array([result.errors[i] for i in sorted(result.errors)], dtype=str),
        }
        arrays.update({_OUT + k: v for k, v in result.outputs.items()})
        idx = np.asarray(result.indices)
        meta = {"kind": "thermalize.sweep.chunk", "chunk": int(result.chunk),
                "fingerprint": spec.fingerprint() if spec is not None else None,
                "start": int(idx[0]) if idx.size else 0,
                "stop": int(idx[-1]) + 1 if idx.size else 0,
                "checksum": array_checksum(arrays)}
        arrays[_META] = np.array(json.dumps(meta, sort_keys=True))
        buf = _io.BytesIO()
        np.savez(buf, **arrays)
        try:
            atomic_write_bytes(self._chunk_path(result.chunk), buf.getvalue())
        except OSError as exc:
            raise SweepError(f"cannot write a checkpoint in {self.directory}: "
                             f"{exc.strerror or exc}") from exc

    def read_chunk(self, chunk: int, spec: SweepSpec | None = None) -> ChunkResult:
        """A chunk saved by `write_chunk`, verified against `spec`.

        Raises
        ------
        BadCheckpoint
            The file is unreadable or truncated, has no or a wrong checksum, or (with `spec`)
            belongs to another spec, another chunk index or another point range.
        """
        path = self._chunk_path(chunk)
        try:
            with np.load(path, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except Exception as exc:  # noqa: BLE001 - BadZipFile, EOFError, ValueError, OSError ...
            raise BadCheckpoint(f"unreadable: {type(exc).__name__}: {exc}") from exc
        try:
            meta = json.loads(str(arrays.pop(_META)))
            if not isinstance(meta, dict):
                raise ValueError("metadata is not a JSON object")
            if meta.get("checksum") != array_checksum(arrays):
                raise BadCheckpoint("checksum mismatch: the file was edited or damaged")
            if meta.get("chunk") != chunk:
                raise BadCheckpoint(f"it holds chunk {meta.get('chunk')!r}, not {chunk} "
                                    "(a file copied or renamed over another)")
            indices = arrays["indices"]
            if indices.dtype.kind not in "iu" or indices.ndim != 1:
                raise ValueError("indices are not a 1-d integer array")
            if spec is not None:
                if meta.get("fingerprint") != spec.fingerprint():
                    raise BadCheckpoint("it belongs to a sweep of another spec")
                want = spec.chunk_range(chunk)
                if (meta.get("start"), meta.get("stop")) != (want.start, want.stop) or \
                        not np.array_equal(indices, np.arange(want.start, want.stop)):
                    raise BadCheckpoint(f"it covers points other than {want.start}..."
                                        f"{want.stop - 1}")
            outputs = {k[len(_OUT):]: v for k, v in arrays.items() if k.startswith(_OUT)}
            for name, v in outputs.items():
                if v.ndim < 1 or v.shape[0] != indices.size:
                    raise ValueError(f"output {name!r} has {v.shape[:1]} rows for "
                                     f"{indices.size} points")
            errors = {int(i): str(t) for i, t in zip(arrays["error_indices"],
                                                       arrays["error_texts"])}
            return ChunkResult(chunk, indices, outputs, errors, float(arrays["seconds"]))
        except BadCheckpoint:
            raise
        except Exception as exc:  # noqa: BLE001 - missing keys, wrong types: not our file
            raise BadCheckpoint(f"malformed: {type(exc).__name__}: {exc}") from exc
