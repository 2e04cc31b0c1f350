"""Benchmark of thermalize.classical (Ehrich 2020): explicit-particle MC and Markov matrix.

Plain script (not pytest). Runs the vectorised fast paths (the explicit-particle MC with its
default exact thinning and with every particle drawn) and a straightforward pure-Python
loop doing the same physics in the same process, and prints absolute median times, rates,
ratios, problem sizes and the CPU count. BLAS is capped at one thread so rates are per core.

    python benchmarks/classical.py [--quick]
"""

from __future__ import annotations

import argparse
import math
import os
import random

import numpy as np
from _timing import median_time
from threadpoolctl import threadpool_limits

from thermalize.classical import (
    CallableRule,
    DirectDraw,
    DiscreteScatterer,
    Thinned,
    UniformOpenRule,
    kick_markov_matrix,
    simulate_collisions,
    simulate_explicit_particles,
)

TARGET_RATE = 1e7  # particle-steps per second per core (issue 4)
TARGET_RATIO = 50.0  # fast path / Python loop
TARGET_MATRIX_S = 0.1  # 10-level exact Markov matrix
METHODS = {"Thinned()": Thinned(), "DirectDraw()": DirectDraw()}  # default first


def python_loop_scatterer(levels, beta, mass, length, dt, n_steps, n_replicas, seed):
    """Reference: one replica and one particle at a time, uniform-over-open-levels rule."""
    rnd = random.Random(seed)
    sigma = 1.0 / math.sqrt(beta * mass)
    n = len(levels)
    counts = [0] * n
    for _ in range(n_replicas):
        s = rnd.randrange(n)
        for _ in range(n_steps):
            y = length * (2.0 * rnd.random() - 1.0)
            v = rnd.gauss(0.0, sigma)
            if y * (y + v * dt) < 0.0:
                energy = levels[s] + 0.5 * mass * v * v
                open_levels = [j for j in range(n) if levels[j] <= energy]
                s = open_levels[rnd.randrange(len(open_levels))]
            counts[s] += 1
    return counts


def python_loop_scatterer_numpy_rng(levels, beta, mass, length, dt, n_steps, n_replicas, seed):
    """The same loop drawing from a numpy Generator one number at a time (a literal port)."""
    rng = np.random.default_rng(seed)
    sigma = 1.0 / math.sqrt(beta * mass)
    n = len(levels)
    counts = [0] * n
    for _ in range(n_replicas):
        s = int(rng.integers(n))
        for _ in range(n_steps):
            y = length * (2.0 * rng.random() - 1.0)
            v = rng.normal(0.0, sigma)
            if y * (y + v * dt) < 0.0:
                energy = levels[s] + 0.5 * mass * v * v
                open_levels = [j for j in range(n) if levels[j] <= energy]
                s = open_levels[int(rng.integers(len(open_levels)))]
            counts[s] += 1
    return counts


def python_loop_collisions(beta, mass, length, dt, n, seed):
    rnd = random.Random(seed)
    sigma = 1.0 / math.sqrt(beta * mass)
    hits = 0
    for _ in range(n):
        y = length * (2.0 * rnd.random() - 1.0)
        v = rnd.gauss(0.0, sigma)
        if y * (y + v * dt) < 0.0:
            hits += 1
    return hits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (smoke test)")
    args = ap.parse_args()
    reps = 3
    beta, mass, length, dt = 1.0, 1.0, 5.0, 1.0
    levels = np.array([0.0, 1.0, 2.0])
    sc = DiscreteScatterer(levels, UniformOpenRule())
    n_rep, n_steps = (20_000, 50) if args.quick else (100_000, 100)
    loop_rep, loop_steps = (200, 50) if args.quick else (1_000, 100)
    print(f"CPU count: {os.cpu_count()} (BLAS capped at 1 thread; NumPy {np.__version__})")
    with threadpool_limits(1):
        # 1. explicit particles colliding with a 3-level scatterer (Eqs. 22-23), both methods
        def run(method):
            return simulate_explicit_particles(
                sc,
                beta,
                mass,
                length,
                dt,
                n_steps=n_steps,
                n_replicas=n_rep,
                rng=np.random.default_rng(1),
                method=method,
            )

        fast = {name: median_time(lambda m=m: run(m), reps) for name, m in METHODS.items()}
        slow = median_time(
            lambda: python_loop_scatterer(
                levels.tolist(), beta, mass, length, dt, loop_steps, loop_rep, 1
            ),
            reps,
        )
        slow_np = median_time(
            lambda: python_loop_scatterer_numpy_rng(
                levels.tolist(), beta, mass, length, dt, loop_steps, loop_rep // 4, 1
            ),
            reps,
        )
        slow_rate = loop_rep * loop_steps / slow
        slow_np_rate = loop_rep // 4 * loop_steps / slow_np
        print("\n[explicit-particle MC, 3-level scatterer, L/dt = 5 thermal speeds, pi_c = 0.080]")
        print(
            f"  Python loop, stdlib random: {loop_rep} x {loop_steps} = "
            f"{loop_rep * loop_steps:.2e} particle-steps, median {slow:.3f} s -> "
            f"{slow_rate:.3e} /s"
        )
        print(
            f"  Python loop, numpy Generator scalars: {loop_rep // 4} x {loop_steps} = "
            f"{loop_rep // 4 * loop_steps:.2e}, median {slow_np:.3f} s -> {slow_np_rate:.3e} /s"
        )
        for method, t in fast.items():
            rate = n_rep * n_steps / t
            label = f"{method}{' (default)' if method == 'Thinned()' else ''}"
            print(
                f"  vectorised, method={label}: {n_rep} replicas x {n_steps} steps = "
                f"{n_rep * n_steps:.2e} particle-steps, median {t:.3f} s -> {rate:.3e} /s "
                f"({1e9 / rate:.1f} ns per particle-step)"
            )
            for name, base in (
                ("stdlib-random loop", slow_rate),
                ("numpy-scalar loop", slow_np_rate),
            ):
                ratio = rate / base
                print(
                    f"    / {name}: {ratio:.1f}x (target >= {TARGET_RATIO:g}x: "
                    f"{'met' if ratio >= TARGET_RATIO else 'MISSED'})"
                )
            print(
                f"    rate target >= {TARGET_RATE:.0e} particle-steps/s/core: "
                f"{'met' if rate >= TARGET_RATE else 'MISSED'}"
            )

        # 2. collision counting only (Eq. 25)
        n_part = 2_000_000 if args.quick else 20_000_000
        n_loop = 100_000 if args.quick else 500_000
        fast = median_time(
            lambda: simulate_collisions(
                beta, mass, length, dt, n_part, rng=np.random.default_rng(2), keep_velocities=False
            ),
            reps,
        )
        slow = median_time(lambda: python_loop_collisions(beta, mass, length, dt, n_loop, 2), reps)
        print("\n[explicit-particle MC, collision probability only]")
        print(
            f"  vectorised : {n_part:.2e} particles, median {fast:.3f} s -> {n_part / fast:.3e} /s"
        )
        print(
            f"  Python loop: {n_loop:.2e} particles, median {slow:.3f} s -> {n_loop / slow:.3e} /s"
        )
        print(f"  vectorised / Python loop: {(n_part / fast) / (n_loop / slow):.1f}x")

        # 3. exact Markov matrix of a 10-level scatterer (Eq. 26)
        rng = np.random.default_rng(3)
        lv10 = np.sort(rng.uniform(0.0, 5.0, 10))
        print("\n[exact Markov matrix, 10 levels, effusion kicks, 32 Gauss nodes/interval]")
        for name, rule in (
            ("uniform rule", UniformOpenRule()),
            ("callable rule", CallableRule.example()),
        ):
            s10 = DiscreteScatterer(lv10, rule)
            kick_markov_matrix(s10, 1.0, 1.0)
            t = median_time(lambda s10=s10: kick_markov_matrix(s10, 1.0, 1.0), 21)
            print(
                f"  {name:13s}: median {t * 1e3:.2f} ms (target < {TARGET_MATRIX_S * 1e3:g} ms: "
                f"{'met' if t < TARGET_MATRIX_S else 'MISSED'})"
            )


if __name__ == "__main__":
    main()
