"""Benchmark thermalize.fermions (Usui et al. 2024) against the costs reported in issue 18.

"Before" are the numbers of issue 18 item 6 (K = 1000 per bath, one BLAS thread, loaded
machine): one dot, 4.0 s per extra time point; a two-dot chain, 15.4 s per extra time point
(silent fall-back to eigvalsh of the joint bath block); a single-time call, 28 s (fixed costs
paid again by every call). "After" is measured in this run, together with live baselines
that still exist in the code (the eigvalsh route for the joint bath, a cold cache), and the
ratios are printed. Also: S(B) secular vs eigvalsh agreement, and the cost of
``quantities=`` restricted to the occupation-level variables (beta*, mu*, Sigma, sigma).

With ``--baseline SRC`` (e.g. /work/main/src, a checkout of the code before this change)
the same measurements of the old code run in a subprocess of this run, and the ratios use
them instead of the issue's numbers (same machine, same load).

Usage: python benchmarks/fermions.py [--levels 1000] [--points 2] [--threads 1]
       [--baseline /work/main/src]
(--levels 300 gives a quick run; the issue's "before" numbers are for K = 1000 only.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

from thermalize.fermions import (
    Eigvalsh,
    QuadraticModel,
    entropy_production,
    gibbs_correlation_matrix,
    single_electron_transistor,
)

try:
    from thermalize.fermions._snapshot import clear_cache
except ImportError:  # imported by the baseline subprocess with the old code

    def clear_cache() -> None:
        """The old code has no cache."""

BEFORE = {"one dot, per extra time point": 4.0, "two-dot chain, per extra time point": 15.4,
          "single-time call (cold)": 28.0}
CHEAP = ["beta_eff", "mu_eff", "entropy_production", "sigma"]


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def two_dot_chain(levels: int, gamma: float = 3.0, hop: float = 1.0) -> QuadraticModel:
    """The SET with a second dot coupled to the first (dot 1 to R), as in issue 18."""
    lead = np.linspace(-5.0, 5.0, levels)
    t = np.sqrt(gamma * (lead[1] - lead[0]) / (2 * np.pi))
    n = 2 + 2 * levels
    h = np.zeros((n, n))
    h[0, 1] = h[1, 0] = hop
    left = np.arange(2, 2 + levels)
    right = left + levels
    h[left, left], h[right, right] = lead, lead
    h[0, left] = h[left, 0] = t
    h[1, right] = h[right, 1] = t
    return QuadraticModel(h, {"system": [0, 1], "L": left.tolist(), "R": right.tolist()})


def per_extra_point(model, c0, points, **kw) -> float:
    """(time of `points` + 1 times - time of 1 time) / points, warm cache: the marginal cost."""
    entropy_production(model, c0, [1.0], **kw)  # warm the cache
    t1, _ = _timed(lambda: entropy_production(model, c0, [1.0], **kw))
    ts = [1.0] + list(np.logspace(1, 6, points))
    tn, _ = _timed(lambda: entropy_production(model, c0, ts, **kw))
    return max(tn - t1, 0.0) / points


_BASELINE = r"""
import json, sys, time
import numpy as np
from threadpoolctl import threadpool_limits
sys.path.insert(0, sys.argv[1])
sys.path.insert(1, sys.argv[2])
from fermions import two_dot_chain
from thermalize.fermions import entropy_production, gibbs_correlation_matrix, single_electron_transistor
k, points, threads = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
def timed(fn):
    t0 = time.perf_counter(); fn(); return time.perf_counter() - t0
def extra(model, c0):
    t1 = timed(lambda: entropy_production(model, c0, [1.0]))
    tn = timed(lambda: entropy_production(model, c0, [1.0] + list(np.logspace(1, 6, points))))
    return max(tn - t1, 0.0) / points, t1
import xarray as xr
xr.Dataset({"x": ("t", [0.0])})  # xarray imports its duck-array modules on first use
out = {}
with threadpool_limits(threads):
    m1 = single_electron_transistor(k, bandwidth=10.0, coupling=3.0)
    c1 = gibbs_correlation_matrix(m1, [10.0, 2.0], [1.0, -1.0])
    m1.eigensystem
    out["single"] = timed(lambda: entropy_production(m1, c1, [100.0]))
    out["one"], _ = extra(m1, c1)
    m2 = two_dot_chain(k)
    c2 = gibbs_correlation_matrix(m2, [10.0, 2.0], [1.0, -1.0])
    m2.eigensystem
    out["two"], _ = extra(m2, c2)
print(json.dumps(out))
"""


def baseline(src: str, levels: int, points: int, threads: int) -> dict:
    """The old code's single-time call and per-point costs, measured in a subprocess."""
    here = os.path.dirname(os.path.abspath(__file__))
    res = subprocess.run(
        [sys.executable, "-c", _BASELINE, src, here, str(levels), str(points), str(threads)],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": src},
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", type=int, default=1000)
    ap.add_argument("--points", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1, help="BLAS/LAPACK threads")
    ap.add_argument("--baseline", default=None, help="src/ of the old code, measured in this run")
    args = ap.parse_args()
    k = args.levels
    print(f"thermalize.fermions benchmark; CPUs: {os.cpu_count()}, BLAS threads: {args.threads}, "
          f"K = {k} per bath" + ("" if k == 1000 else " (issue numbers are for K = 1000)"))
    import xarray as xr

    xr.Dataset({"x": ("t", [0.0])})  # xarray imports its duck-array modules on first use
    rows = []
    before = dict(BEFORE)
    if args.baseline:
        old = baseline(args.baseline, k, args.points, args.threads)
        before = {"one dot, per extra time point": old["one"],
                  "two-dot chain, per extra time point": old["two"],
                  "single-time call (cold)": old["single"]}
        print(f"before = old code from {args.baseline}, measured in this run")
    else:
        print("before = the numbers of issue 18 (K = 1000, another run)")
    with threadpool_limits(args.threads):
        m1 = single_electron_transistor(k, bandwidth=10.0, coupling=3.0)
        c1 = gibbs_correlation_matrix(m1, [10.0, 2.0], [1.0, -1.0])
        m1.eigensystem  # the model's own cached eigh of h, not part of a call
        clear_cache()
        cold, _ = _timed(lambda: entropy_production(m1, c1, [100.0]))
        warm, _ = _timed(lambda: entropy_production(m1, c1, [200.0]))
        rows.append(("single-time call (cold)", before["single-time call (cold)"], cold))
        rows.append(("single-time call (cached model+state)", cold, warm))
        one = per_extra_point(m1, c1, args.points)
        rows.append(("one dot, per extra time point", before["one dot, per extra time point"], one))
        cheap = per_extra_point(m1, c1, args.points, quantities=CHEAP)
        rows.append(("one dot, per point, quantities=beta*,mu*,Sigma,sigma", one, cheap))
        m2 = two_dot_chain(k)
        c2 = gibbs_correlation_matrix(m2, [10.0, 2.0], [1.0, -1.0])
        m2.eigensystem
        two = per_extra_point(m2, c2, args.points)
        slow = per_extra_point(m2, c2, args.points, joint_bath=Eigvalsh())
        rows.append(("two-dot chain, per extra time point",
                     before["two-dot chain, per extra time point"], two))
        rows.append(("two-dot chain, per point, live eigvalsh route", slow, two))
        ts = [3.0, 3e4]
        a = entropy_production(m2, c2, ts, quantities=["joint_bath_entropy"])
        b = entropy_production(m2, c2, ts, quantities=["joint_bath_entropy"], joint_bath=Eigvalsh())
        diff = float(abs(a.joint_bath_entropy - b.joint_bath_entropy).max())
    print(f"\n{'':58s} {'before':>9s} {'after':>9s} {'speed-up':>9s}")
    for name, before, after in rows:
        print(f"{name:58s} {before:8.2f}s {after:8.2f}s {before / max(after, 1e-9):8.1f}x")
    print(f"\ntwo-dot chain S_B: max |secular - eigvalsh| over {len(ts)} times = {diff:.1e}")


if __name__ == "__main__":
    main()
