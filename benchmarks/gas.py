"""Benchmarks of thermalize.gas (Gaida et al. 2025): run as ``python benchmarks/gas.py``.

1. Fig. 2 (J = 20, four (D, A) curves, 200 times): tridiagonal rate equation (uniformization)
   vs qutip.mesolve on the same Lindblad problem (Eq. 18), same run, same output (ergotropy).
2. J = 1000, 200 times, the four Fig. 2 (D, A) pairs: fast path alone (target < 1 s each).
3. General model: rate quadrature (Eq. 12 + Kossakowski blocks + h_eff) for a 5-level system
   with a 2-level ancilla, rtol 1e-8 (target < 1 s).
4. Issue 18 item 2: coherent initial states, 5 times up to t = 300, inverted gas; old route
   (dense d^2 x d^2 generator + core `evolve`) vs the band-by-band route now used at every J,
   same process, ratios printed. Issue's "before": 2.4 s (J = 8), 21 s (J = 12), ~470 s (J = 20).
5. Issue 18 item 1: relaxed inverted J = 1000 ladder to t = 400 (issue's "before": 258 s).
"""

from __future__ import annotations

import os
import time

import numpy as np
from _timing import median_time

from thermalize.gas import GasModel, SpinGasModel, populations_ergotropy, spin_operators

D_VALUES, A_VALUES = (2.0, 4.0), (1.0, 3.0)


def _models(spin):
    return [SpinGasModel.from_paper(spin=spin, D=d, A=a) for d in D_VALUES for a in A_VALUES]


#: the issue-18 trigger: an inverted gas (T_eff < 0)
INVERTED = dict(
    omega_s=0.5, detuning=1.7, temperature_internal=2.0, temperature_motional=0.6, recoil_energy=1.2
)


def _coherent_state(d, seed=1):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    r = a @ a.conj().T
    return r / np.trace(r)


def coherent_benchmark(old_spins=(8, 12), new_spins=(8, 12, 20, 21)):
    from thermalize.superop import evolve as core_evolve

    times = np.linspace(60.0, 300.0, 5)
    print("4. Coherent initial state, inverted gas, 5 times up to t = 300 (issue 18 item 2)")
    new = {}
    for j in new_spins:
        m = SpinGasModel(j, **INVERTED)
        r = _coherent_state(m.dimension)
        new[j] = median_time(lambda m=m, r=r: m.evolve(times, r), 3)
        line = f"   J = {j:4g}: band-by-band {new[j] * 1e3:9.1f} ms (median of 3)"
        if j in old_spins:
            t0 = time.perf_counter()
            old = core_evolve(m.generator(), r, times)
            t_old = time.perf_counter() - t0
            dev = float(np.max(np.abs(old - m.evolve(times, r))))
            line += f" | old dense route {t_old:8.2f} s (1 run) | ratio {t_old / new[j]:8.0f}x"
            line += f" | max |d rho| = {dev:.1e}"
        print(line)
    print("   issue's before (old route): J = 8: 2.4 s, J = 12: 21 s, J = 20: ~470 s")
    if 20 in new:
        print(f"   J = 20 ratio vs the issue's ~470 s: {470.0 / new[20]:.0f}x")


def relaxed_ladder_benchmark():
    m = SpinGasModel(1000, **INVERTED)
    t0 = time.perf_counter()
    p = m.populations([0.0, 400.0])
    dt = time.perf_counter() - t0
    print("5. Relaxed inverted J = 1000 ladder to t = 400 (issue 18 item 1)")
    print(
        f"   {dt:6.2f} s (issue's before: 258 s, ratio {258.0 / dt:.0f}x); "
        f"|sum P - 1| = {abs(p[-1].sum() - 1):.1e}"
    )


def fig2_fast(times):
    return [m.ergotropy(times) for m in _models(20)]


def fig2_qutip(times):
    import qutip

    out = []
    for m in _models(20):
        _, jp, jm = spin_operators(m.spin)
        gp, gm = m.rates()
        rho0 = np.zeros((m.dimension, m.dimension))
        rho0[0, 0] = 1.0
        # sparse (CSR) operators: qutip's dense default is ~1000x slower at d = 41
        ops = [
            qutip.Qobj(x).to("CSR") for x in (m.hamiltonian(), np.sqrt(gp) * jp, np.sqrt(gm) * jm)
        ]
        res = qutip.mesolve(ops[0], qutip.Qobj(rho0), times, ops[1:])
        pops = np.array([np.diag(s.full()).real for s in res.states])
        out.append(populations_ergotropy(pops, m.energies()))
    return out


def general_model():
    rng = np.random.default_rng(5)
    es = np.sort(rng.uniform(0, 3, 5))
    g = rng.standard_normal((10, 10)) + 1j * rng.standard_normal((10, 10))
    return GasModel.born_gaussian(
        es,
        [0.0, 1.1],
        (g + g.conj().T) / 2,
        strength=0.5,
        interaction_range=1.0,
        mass=1.0,
        density=1e-3,
        temperature_motional=1.0,
        temperature_internal=2.0,
    )


def main() -> None:
    print(f"thermalize.gas benchmarks  (os.cpu_count() = {os.cpu_count()})")
    times = np.linspace(0.0, 200.0, 200)
    fast = fig2_fast(times)
    ref = fig2_qutip(times)
    dev = max(float(np.max(np.abs(a - b))) for a, b in zip(fast, ref))
    t_fast = median_time(lambda: fig2_fast(times), 5)
    t_qutip = median_time(lambda: fig2_qutip(times), 1)
    print("1. Fig. 2: J = 20 (d = 41), 4 curves x 200 times, ergotropy from populations")
    print(f"   rate equation (uniformization): {t_fast * 1e3:8.1f} ms (median of 5)")
    print(f"   qutip.mesolve (CSR, default)  : {t_qutip * 1e3:8.1f} ms (1 run)")
    print(
        f"   qutip.mesolve / fast path     : {t_qutip / t_fast:8.1f}x   (max |dW| = {dev:.1e} hbar omega_S)"
    )

    print("2. J = 1000 (d = 2001), 200 times in [0, 2]/Gamma~, ground-state start")
    t_big = np.linspace(0.0, 2.0, 200)
    for m in _models(1000):
        dt = median_time(lambda m=m: m.ergotropy(t_big), 3)
        print(f"   D = {m.D:g}, A = {m.A:g}: {dt:6.3f} s (median of 3)")

    model = general_model()
    dt = median_time(lambda: model.rates(rtol=1e-8), 3)
    r = model.rates(rtol=1e-8)
    print("3. General model: 5-level system + 2-level ancilla, Born-Gaussian amplitudes, rtol 1e-8")
    print(
        f"   rates + Kossakowski blocks + h_eff: {dt:6.3f} s (median of 3); "
        f"estimated error / max rate = {r.error / r.rate_matrix().max():.1e}"
    )
    coherent_benchmark()
    relaxed_ladder_benchmark()


if __name__ == "__main__":
    main()
