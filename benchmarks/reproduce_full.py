"""Benchmark of `thermalize reproduce` on the task engine: time per reproduction, overhead.

Plain script (not pytest)::

    python benchmarks/reproduce_full.py                      # all --full on 2 workers (~30+ min)
    python benchmarks/reproduce_full.py --ids usui2024.fig5 usui2024.fig8 --workers 2
    python benchmarks/reproduce_full.py --quick --ids all --workers 2   # minutes

Runs the reproductions into a fresh output directory (no stored tasks) on a local pool of N
workers and prints, per reproduction: its tasks, the summed task time and the wall time of its
assembly (checks, figure, files). The task overhead is the wall time of the task phase minus
the ideal schedule of the measured task times on N workers (longest-first greedy, a lower
bound of any schedule): pool start-up, pickling, the store and the progress bar. Targets
(issue 13): ``all --full`` on 2 workers <= 30 min; overhead < 2 % of the wall time.
"""

from __future__ import annotations

import argparse
import heapq
import tempfile
import time
from pathlib import Path

from thermalize.papers import get, registry
from thermalize.papers._runner import plan
from thermalize.sweep import LocalPoolExecutor, SerialExecutor, TaskStore, run_tasks


def greedy_makespan(durations, workers: int) -> float:
    """Makespan of longest-first list scheduling of `durations` on `workers` machines."""
    loads = [0.0] * workers
    for d in sorted(durations, reverse=True):
        heapq.heappush(loads, heapq.heappop(loads) + d)
    return max(loads)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ids", nargs="+", default=["all"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="quick settings instead of --full")
    ap.add_argument("--out", type=Path, help="output directory (default: a fresh temporary one)")
    args = ap.parse_args()
    quick = args.quick
    ids = list(registry()) if "all" in args.ids else args.ids
    repros = [get(i) for i in ids]
    out = args.out or Path(tempfile.mkdtemp(prefix="reproduce_full_"))
    executor = SerialExecutor() if args.workers == 1 else LocalPoolExecutor(args.workers)
    plans = {r.id: plan(r, quick) for r in repros}
    tasks = [t for ts in plans.values() for t in ts]
    n_unique = len({t.key() for t in tasks})
    print(f"{len(repros)} reproductions, {len(tasks)} tasks asked for, {n_unique} distinct; "
          f"{'quick' if quick else 'full'}; {executor.describe()}; out {out}")
    t0 = time.perf_counter()
    run = run_tasks(tasks, executor=executor, store=TaskStore(out / "tasks"), progress=True)
    t_tasks = time.perf_counter() - t0
    # assembly: the normal runner, which now finds every task stored
    from thermalize.papers import run_reproductions

    assembly = {}
    t1 = time.perf_counter()
    for r in repros:
        ta = time.perf_counter()
        run_reproductions([r], quick=quick, out_dir=out, executor=SerialExecutor())
        assembly[r.id] = time.perf_counter() - ta
    t_asm = time.perf_counter() - t1
    wall = t_tasks + t_asm
    ideal = greedy_makespan(list(run.seconds.values()), args.workers)
    overhead = t_tasks - ideal
    print(f"\n{'id':<36} {'tasks':>5} {'task s':>9} {'assembly s':>10}")
    for r in repros:
        keys = list(dict.fromkeys(t.key() for t in plans[r.id]))
        print(f"{r.id:<36} {len(keys):>5} {sum(run.seconds[k] for k in keys):>9.1f} "
              f"{assembly[r.id]:>10.1f}")
    print(f"\ntask phase {t_tasks:.1f} s wall ({sum(run.seconds.values()):.1f} s of task time, "
          f"{len(run.evaluated)} tasks on {args.workers} workers); ideal schedule "
          f"{ideal:.1f} s; overhead {overhead:.1f} s = {100 * overhead / wall:.2f} % of the "
          f"{wall:.1f} s wall time (assembly {t_asm:.1f} s)")


if __name__ == "__main__":
    main()
