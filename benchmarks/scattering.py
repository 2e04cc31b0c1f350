"""Benchmark of thermalize.scattering (Tabanera-Bravo et al., PRL 130, 200402 (2023)).

Targets (issue 5):
1. full Fig. 3 (3 maps of 60 x 60 = 10 800 steady states, 3 720 scattering maps) < 120 s;
2. steady states for 10 000 rates at fixed S >= 20x faster than qutip.steadystate per rate
   (QuTiP is timed on a subset of rates and extrapolated linearly; said in the output).
3. (issue 18) the positivity audit of Eq. (23) resolved at delta_x = 0.1 .. 1000, each < 5 s;
   the old single uniform grid (600 points, printed as "before") is shown beside it.
Run: python benchmarks/scattering.py  (about 1 minute on 2 cores)
"""

from __future__ import annotations

import os
import time

import numpy as np
import qutip

from thermalize.papers import tabanera2023
from thermalize.scattering import (
    IncidentPacket,
    ScatteringModel,
    collision_generator,
    collision_steady_state,
    scattering_map,
)

N_RATES = 10_000
N_QUTIP = 100  # rates actually solved by QuTiP; its time is scaled by N_RATES / N_QUTIP


def _qutip_super(gen: np.ndarray):
    """Row-major generator -> QuTiP (column-stacked) super Qobj."""
    d = round(np.sqrt(gen.shape[0]))
    j, k = np.divmod(np.arange(d * d), d)
    perm = j + k * d
    q = np.empty_like(gen)
    q[np.ix_(perm, perm)] = gen
    return qutip.Qobj(q, dims=[[[d], [d]], [[d], [d]]], superrep="super")


def bench_rates(repeat: int = 5) -> None:
    model, packet = ScatteringModel.example(), IncidentPacket.example()
    smap = scattering_map(model, packet)
    rates = np.logspace(-3, 2, N_RATES)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        rho = collision_steady_state(smap, model.energies, rates)
        times.append(time.perf_counter() - t0)
    t_ours = float(np.median(times))
    sub = rates[:: N_RATES // N_QUTIP]
    gens = [_qutip_super(collision_generator(smap, model.energies, g)) for g in sub]
    q_times = []
    for _ in range(3):
        t0 = time.perf_counter()
        q_rho = [qutip.steadystate(g).full() for g in gens]
        q_times.append(time.perf_counter() - t0)
    t_q = float(np.median(q_times)) * N_RATES / sub.size
    diff = np.max(np.abs(np.array(q_rho) - rho[:: N_RATES // N_QUTIP]))
    print(f"steady states, {N_RATES} rates at fixed S (d = 2):")
    print(f"  collision_steady_state (one batched call): median {t_ours * 1e3:.1f} ms")
    print(f"  qutip.steadystate per rate: {t_q * 1e3:.0f} ms (median of 3 runs on {sub.size} "
          f"rates, extrapolated x{N_RATES // sub.size}); max |difference| {diff:.1e}")
    print(f"  ratio qutip / thermalize: {t_q / t_ours:.0f}x   (target >= 20x)")


def _old_uniform_min(packet, n: int = 600, width: float = 8.0) -> float:
    """The pre-issue-18 audit: one uniform midpoint grid on [-p_max, p_max]."""
    from thermalize.scattering import packet_density_matrix

    p_max = width * (np.sqrt(packet.mass / packet.beta) + 1.0 / packet.delta_x)
    h = 2 * p_max / n
    p = -p_max + h * (np.arange(n) + 0.5)
    m = h * packet_density_matrix(packet, p[:, None], p[None, :])
    return float(np.linalg.eigvalsh(0.5 * (m + m.conj().T))[0])


def bench_positivity() -> None:
    from thermalize.scattering import packet_positivity

    print("packet_positivity (paper gas beta = m = 0.1), resolved vs old uniform grid:")
    for dx in (0.1, 1.0, 10.0, 30.0, 100.0, 300.0, 1000.0):
        pk = IncidentPacket(beta=0.1, mass=0.1, delta_x=dx, x0=-10.0)
        t0 = time.perf_counter()
        a = packet_positivity(pk)
        dt = time.perf_counter() - t0
        mode = "window" if a.window is not None else "line"
        print(f"  delta_x = {dx:7g}: min eigenvalue {a.min_eigenvalue: .4e} +- {a.error:.1e} "
              f"({mode}, {dt:.2f} s); before: {_old_uniform_min(pk): .3e}")


def bench_fig3() -> None:
    t0 = time.perf_counter()
    ds = tabanera2023._fig3_data.__wrapped__(False)  # bypass the cache: compute afresh
    dt = time.perf_counter() - t0
    n = ds.sizes["rate"]
    print(f"full Fig. 3: {3 * n * n} steady states, {n * (n + 1) + n} scattering maps "
          f"(each with a two-resolution error estimate): {dt:.1f} s   (target < 120 s); "
          f"max quadrature error {ds.attrs['map_error']:.1e}")


def main() -> None:
    print(f"CPU count: {os.cpu_count()}; numpy {np.__version__}; qutip {qutip.__version__}")
    bench_positivity()
    bench_rates()
    bench_fig3()


if __name__ == "__main__":
    main()
