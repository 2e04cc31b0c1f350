"""Measure the runtime estimates that `thermalize list` shows (quick and full, one core).

Plain script (not pytest)::

    python benchmarks/time_estimates.py                  # quick mode, every reproduction
    python benchmarks/time_estimates.py --full --ids usui2024.fig3 usui2024.fig7

Runs each reproduction alone, serially (one process, no stored tasks), and prints its wall
time next to the registered estimate with their ratio; ids whose ratio leaves [0.5, 2] are
flagged: update ``runtime_estimate_s`` / ``full_runtime_estimate_s`` in the paper's
``__init__.py`` with the measured number (the README table is ``thermalize list --markdown``).
On a loaded machine, run it when the machine is idle: the numbers are wall times.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from thermalize.papers import get, registry, run_reproduction


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ids", nargs="+", default=["all"])
    ap.add_argument("--full", action="store_true")
    args = ap.parse_args()
    quick = not args.full
    ids = list(registry()) if "all" in args.ids else args.ids
    print(f"{'id':<36} {'registered s':>12} {'measured s':>10} {'ratio':>6}")
    for rid in ids:
        r = get(rid)
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            run_reproduction(r, quick=quick, out_dir=Path(tmp))
            dt = time.perf_counter() - t0
        est = r.estimate_s(quick)
        ratio = dt / est if est > 0 else float("inf")
        flag = "" if 0.5 <= ratio <= 2 else "  <- update"
        print(f"{rid:<36} {est:>12.1f} {dt:>10.1f} {ratio:>6.2f}{flag}", flush=True)


if __name__ == "__main__":
    main()
