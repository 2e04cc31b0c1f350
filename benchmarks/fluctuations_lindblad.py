"""Lindblad counting-statistics benchmarks (issue 19).

Run as ``python benchmarks/fluctuations_lindblad.py``.


1. Scaled cumulants 1..4 of a d = 41 generator with two counted channels (spin J = 20 between
   two gases, Gaida et al. 2025 Eq. 18 per gas), cold (a fresh CountingModel from the
   operators: superoperators, sparse LU, recursion) and warm (LU cached);
   target < 50 ms. Baseline: the same recursion with a dense LU of the bordered matrix.
2. Finite-time counting distribution P(n, t) of the J = 20 spin in one gas (Fig. 2, D = 4,
   A = 1) at 200 times, 81 counting fields; target < 1 s. Baseline: the two-point
   reference from 41 conditional rate-equation propagations (uniformization).
"""

from __future__ import annotations

import os
import time

import numpy as np
import scipy.linalg as sla
from _timing import median_time

from thermalize.counting import CountingModel, counting_distribution, scaled_cumulants
from thermalize.gas import SpinGasModel
from thermalize.gas.fluctuations import spin_counting_model


def _two_gases():
    return (SpinGasModel.from_paper(spin=20, D=4.0, A=3.0),
            SpinGasModel.from_paper(spin=20, D=1.0, A=3.0))


def _cold_cumulants(template: CountingModel):
    """Fresh model from the same operators: superoperators, sparse LU and recursion."""
    fresh = CountingModel(template.hamiltonian, template.jump_ops, template.rates,
                          template.counting)
    return scaled_cumulants(fresh, order=4)


def _dense_cumulants(cm: CountingModel, order: int = 4):
    """Baseline: first `order` cumulants of field 0 by the same recursion, dense LU."""
    from math import comb

    l0 = cm.generator()
    d = cm.dimension
    n = d * d
    tr = np.zeros(n)
    tr[np.arange(d) * (d + 1)] = 1.0
    border = np.zeros((n + 1, n + 1), dtype=complex)
    border[:n, :n], border[:n, n], border[n, :n] = l0, tr / d, tr
    lu = sla.lu_factor(border)
    rhs = np.zeros(n + 1, dtype=complex)
    rhs[-1] = 1.0
    rho = sla.lu_solve(lu, rhs)[:n]
    jumps = [g * np.kron(op, op.conj()) for g, op in zip(cm.rates, cm.jump_ops)]
    q = cm.quanta[0]
    ops = [sum(qk**m * jk for qk, jk in zip(q, jumps)) for m in range(1, order + 1)]
    lam, rhos = [], [rho]
    for k in range(1, order + 1):
        lam.append(sum(comb(k, m) * (tr @ (ops[m - 1] @ rhos[k - m])) for m in range(1, k + 1)))
        y = sum(comb(k, m) * (lam[m - 1] * rhos[k - m] - ops[m - 1] @ rhos[k - m])
                for m in range(1, k + 1))
        y = y - (tr @ y) * rho
        rhos.append(sla.lu_solve(lu, np.append(y, 0.0))[:n])
    return np.real(lam)


def main() -> None:
    print(f"CPUs: {os.cpu_count()}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    cm = spin_counting_model(*_two_gases())
    cold = median_time(lambda: _cold_cumulants(cm), 5)
    scaled_cumulants(cm)
    warm = median_time(lambda: scaled_cumulants(cm, order=4), 5)
    t0 = time.perf_counter()
    dense = _dense_cumulants(cm)
    t_dense = time.perf_counter() - t0
    err = np.max(np.abs(dense - scaled_cumulants(cm).cumulants[0]))
    print(f"1. scaled cumulants 1-4, d = 41 (Liouville 1681), 2 counted channels: cold "
          f"{cold * 1e3:.1f} ms, warm {warm * 1e3:.1f} ms (target < 50 ms); dense-LU baseline "
          f"{t_dense * 1e3:.0f} ms, dense / sparse (cold): {t_dense / cold:.1f}x; "
          f"max diff {err:.1e}")

    model = SpinGasModel.from_paper(spin=20, D=4.0, A=1.0)
    one = spin_counting_model(model)
    times = np.linspace(0.0, 200.0, 200)
    p0 = np.zeros(model.dimension)
    p0[0] = 1.0
    rho0 = np.diag(p0)
    fcs = median_time(lambda: counting_distribution(one, rho0, times, support=(-40, 40)), 3)

    def reference():
        for m0 in range(model.dimension):
            start = np.zeros(model.dimension)
            start[m0] = 1.0
            model.populations(times, start)

    ref = median_time(reference, 1)
    print(f"2. P(n, t), J = 20, 200 times, 81 counting fields: {fcs * 1e3:.0f} ms (target < 1 s); "
          f"two-point baseline (41 uniformization runs) {ref * 1e3:.0f} ms, ratio {ref / fcs:.1f}x")


if __name__ == "__main__":
    main()
