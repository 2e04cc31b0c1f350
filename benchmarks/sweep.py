"""Benchmark of the sweep machinery: overhead per point and scaling with workers.

Plain script (not pytest): ``python benchmarks/sweep.py [--quick]``.

1. Overhead per point on a trivial quantity (x -> 2x), for the serial executor, a local
   pool of 2 workers and a Dask LocalCluster of 2 workers: (sweep wall time - plain loop
   time) / points, pool or cluster start-up included. Targets: < 5 ms (pool), < 20 ms (Dask).
2. A real sweep, 1000 scattering steady states (rate x delta_x, each point its own map):
   2 workers vs 1 worker of the same local pool, 1 BLAS thread each. Target >= 1.7x on an
   idle 2-core machine; the speed-up two plain processes get at the same moment is printed
   too, because on a shared machine it bounds what any 2-worker run can show.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _timing import median_time

from thermalize.sweep import (
    DaskExecutor,
    LocalPoolExecutor,
    SerialExecutor,
    SweepSpec,
    available_cores,
    run,
)


def trivial(x):
    """The trivial quantity: all time is machinery."""
    return 2.0 * x


def _spin(seconds: float) -> float:
    """Burn `seconds` of CPU time in pure Python (no BLAS, no I/O)."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return seconds


def machine_ceiling(seconds: float = 1.0) -> float:
    """Speed-up two plain processes get right now: the most any 2-worker sweep can show.

    The same CPU work (2 x `seconds`) runs on 1 and then on 2 warm processes of a plain
    ``concurrent.futures`` pool; on an idle 2-core machine the ratio is ~2, on a shared one
    it says how much of the second core was free.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("spawn")
    walls = {}
    for workers in (1, 2):
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            list(pool.map(_spin, [0.0] * workers))  # start the workers first
            t0 = time.perf_counter()
            list(pool.map(_spin, [seconds] * 2))
            walls[workers] = time.perf_counter() - t0
    return walls[1] / walls[2]


def overhead(n_points: int, repeats: int) -> dict:
    """Median overhead per point (s) of each executor on the trivial quantity."""
    spec = SweepSpec(trivial, {"x": np.arange(n_points)})
    loop = median_time(lambda: [trivial(x) for x in range(n_points)], repeats)
    out = {"points": n_points, "chunks": spec.n_chunks, "loop_s": loop}
    executors = {"serial": SerialExecutor(), "local pool (2 workers)": LocalPoolExecutor(2)}
    try:
        executors["Dask LocalCluster (2 workers)"] = DaskExecutor(local_cluster=2)
    except Exception as exc:  # noqa: BLE001 - optional extra missing: report and go on
        print(f"Dask skipped: {exc}")
    for name, ex in executors.items():
        wall = median_time(lambda ex=ex: run(spec, executor=ex), repeats)
        out[name] = (wall - loop) / n_points
    return out


def scaling(n_rate: int, n_width: int, repeats: int) -> dict:
    """Best wall time of the scattering sweep on 1 and 2 local workers (1 BLAS thread each).

    BLAS is pinned to one thread per worker in both runs, so that only the number of workers
    differs (the default cap would give the single worker all cores' BLAS threads). Runs
    alternate 1, 2, 1, 2, ... and the fastest of each is kept: on a shared machine the
    minimum is the least disturbed measurement.
    """
    spec = SweepSpec(
        "scattering.collision-steady-state",
        {"rate": {"logspace": [-3, 1, n_rate]}, "delta_x": {"linspace": [1.0, 4.0, n_width]}},
    )
    out = {"points": spec.n_points, "chunk_size": spec.chunk_size, 1: [], 2: []}
    for _ in range(repeats):
        for workers in (1, 2):
            t0 = time.perf_counter()
            res = run(spec, executor=LocalPoolExecutor(workers, blas_threads=1))
            out[workers].append(time.perf_counter() - t0)
            assert res.ok, res.failures[:3]
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller problem (smoke test)")
    args = p.parse_args()
    print(
        f"CPU: {available_cores()} cores available (os.cpu_count() = {os.cpu_count()}), "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )
    n = 400 if args.quick else 2000
    o = overhead(n, repeats=1 if args.quick else 3)
    print(
        f"\n[overhead] trivial quantity, {o['points']} points in {o['chunks']} chunks; "
        f"plain loop {o['loop_s'] * 1e3:.2f} ms in total (median of runs)"
    )
    targets = {"local pool (2 workers)": 5e-3, "Dask LocalCluster (2 workers)": 20e-3}
    for name, per_point in o.items():
        if name in ("points", "chunks", "loop_s"):
            continue
        tgt = targets.get(name)
        verdict = (
            ""
            if tgt is None
            else f"  (target < {tgt * 1e3:.0f} ms: {'met' if per_point < tgt else 'MISSED'})"
        )
        print(f"  {name:<32} {per_point * 1e3:8.3f} ms/point, start-up included{verdict}")
    before = machine_ceiling()
    s = scaling(*((10, 10) if args.quick else (20, 50)), repeats=1 if args.quick else 2)
    best = {w: min(s[w]) for w in (1, 2)}
    print(
        f"\n[scaling] {s['points']} scattering steady states (chunk_size {s['chunk_size']}), "
        f"best of {len(s[1])} alternating runs"
    )
    for w in (1, 2):
        runs = ", ".join(f"{t:.2f}" for t in s[w])
        print(
            f"  {w} worker{'s' * (w > 1)}: {best[w]:7.2f} s ({best[w] / s['points'] * 1e3:.2f} "
            f"ms/point; runs: {runs} s)"
        )
    print(
        f"  2 workers / 1 worker speed-up: {best[1] / best[2]:.2f}x (target >= 1.7x on 2 idle "
        f"cores; load average now {os.getloadavg()[0]:.1f})"
    )
    after = machine_ceiling()
    print(
        f"  machine ceiling (two plain processes burning CPU, no thermalize): {before:.2f}x "
        f"before, {after:.2f}x after the runs"
    )


if __name__ == "__main__":
    main()
