"""Benchmark: thermalize.superop.steady_state vs qutip.steadystate (Foundation issue).

Targets: a batch of 1000 d = 2 generators >= 20x faster than 1000 qutip.steadystate calls;
a single d = 50 generator no slower than QuTiP. Run: python benchmarks/core.py
"""

from __future__ import annotations

import os
import time

import numpy as np
import qutip

from thermalize.superop import detailed_balance_generator, liouvillian, steady_state


def median_times(fast, baseline, repeat=5):
    """Median wall times of `fast` and `baseline`, interleaved so load affects both alike."""
    tf, tb = [], []
    for _ in range(repeat):
        for fn, acc in ((fast, tf), (baseline, tb)):
            t0 = time.perf_counter()
            fn()
            acc.append(time.perf_counter() - t0)
    return float(np.median(tf)), float(np.median(tb))


def random_problem(d, rng):
    """Random Hamiltonian and d dense random jump operators (a generic dense Liouvillian)."""
    g = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    h = (g + g.conj().T) / 2
    ops = [rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d)) for _ in range(2)]
    return h, ops


def main():
    rng = np.random.default_rng(0)
    print(f"CPU count: {os.cpu_count()}; numpy {np.__version__}; qutip {qutip.__version__}")
    print(f"{'problem':<34}{'thermalize':>12}{'qutip':>12}{'ratio':>10}")
    for d in (2, 10, 50):
        h, ops = random_problem(d, rng)
        gen = liouvillian(h, ops, [1.0, 0.5])
        q_h = qutip.Qobj(h)
        q_gen = qutip.liouvillian(q_h, [qutip.Qobj(o) * np.sqrt(r) for o, r in zip(ops, [1, .5])])
        repeat = 5 if d < 50 else 5
        t_ours, t_q = median_times(lambda: steady_state(gen), lambda: qutip.steadystate(q_gen),
                                   repeat)
        diff = np.max(np.abs(steady_state(gen) - qutip.steadystate(q_gen).full()))
        print(f"{f'single d={d} (max diff {diff:.1e})':<34}{t_ours * 1e3:>10.2f}ms"
              f"{t_q * 1e3:>10.2f}ms{t_q / t_ours:>9.1f}x")
    n = 1000
    gens = np.stack([
        detailed_balance_generator(np.array([0.0, 1.0]), b, rng.uniform(0.1, 1, (2, 2)))
        for b in rng.uniform(-2, 2, n)
    ])
    q_gens = [qutip.Qobj(g, dims=[[[2], [2]], [[2], [2]]], superrep="super") for g in gens]
    t_ours, t_q = median_times(lambda: steady_state(gens),
                               lambda: [qutip.steadystate(q) for q in q_gens], 1)
    print(f"{f'batch of {n} d=2':<34}{t_ours * 1e3:>10.2f}ms{t_q * 1e3:>10.2f}ms"
          f"{t_q / t_ours:>9.1f}x")
    print("targets: batch >= 20x; single d=50 ratio >= 1.0x")


if __name__ == "__main__":
    main()
