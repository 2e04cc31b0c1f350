"""Benchmarks of thermalize.gas (Gaida et al. 2025): run as ``python benchmarks/gas.py``.

1. Fig. 2 (J = 20, four (D, A) curves, 200 times): tridiagonal rate equation (uniformization)
   vs qutip.mesolve on the same Lindblad problem (Eq. 18), same run, same output (ergotropy).
2. J = 1000, 200 times, the four Fig. 2 (D, A) pairs: fast path alone (target < 1 s each).
3. General model: rate quadrature (Eq. 12 + Kossakowski blocks + h_eff) for a 5-level system
   with a 2-level ancilla, rtol 1e-8 (target < 1 s).
"""

from __future__ import annotations

import os

import numpy as np
from _timing import median_time

from thermalize.gas import GasModel, SpinGasModel, populations_ergotropy, spin_operators

D_VALUES, A_VALUES = (2.0, 4.0), (1.0, 3.0)


def _models(spin):
    return [SpinGasModel(spin, 1.0, d, (1.0 + d) / a, 1.0, 1.0) for d in D_VALUES for a in A_VALUES]


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
        d_val, a_val = m.detuning, m.omega_a / m.temperature_internal
        print(f"   D = {d_val:g}, A = {a_val:g}: {dt:6.3f} s (median of 3)")

    model = general_model()
    dt = median_time(lambda: model.rates(rtol=1e-8), 3)
    r = model.rates(rtol=1e-8)
    print("3. General model: 5-level system + 2-level ancilla, Born-Gaussian amplitudes, rtol 1e-8")
    print(
        f"   rates + Kossakowski blocks + h_eff: {dt:6.3f} s (median of 3); "
        f"estimated error / max rate = {r.error / r.rate_matrix().max():.1e}"
    )


if __name__ == "__main__":
    main()
