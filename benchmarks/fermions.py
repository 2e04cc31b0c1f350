"""Benchmark thermalize.fermions (Usui et al. 2024): cost of one time point of Fig. 5.

Prints, for the single-electron transistor with K levels per bath (case (a), Gamma = 3):

1. per-time-point cost of everything Fig. 5 needs (C(t) blocks, S_S, S_L, S_R, S_B, occupations,
   beta*, mu*) versus the LAPACK floor = eigvalsh of the two K x K bath blocks plus eigvalsh of
   the 2K x 2K joint bath block (target <= 1.5x);
2. S(B) from the secular equation of the one-mode deletion versus eigvalsh of the same block
   (target >= 5x, agreement 1e-9; plus the exact t = 0 value, where both can be compared with
   sum_k h(f_k));
3. with --large: K = 4000 per bath, time per point and peak memory (target < 24 GiB).

Usage: python benchmarks/fermions.py [--levels 1000] [--points 3] [--threads 1] [--large]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

import numpy as np
from scipy import linalg
from threadpoolctl import threadpool_limits

from thermalize.fermions import (
    SecularEquation,
    binary_entropy,
    deletion_spectrum,
    gibbs_correlation_matrix,
    sample_fock_correlation_matrix,
    single_electron_transistor,
)
from thermalize.fermions.production import _Snapshots


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux: KiB


def run(levels: int, points: int, compare: bool) -> None:
    gamma = 3.0
    model = single_electron_transistor(levels, bandwidth=10.0, coupling=gamma)
    c0 = gibbs_correlation_matrix(model, [10.0, 2.0], [1.0, -1.0])
    n = model.n_modes
    print(f"\nK = {levels} per bath (n = {n} modes), case (a), Gamma = {gamma:g}")
    t_setup, snap = _timed(lambda: _Snapshots(model, c0, SecularEquation()))
    print(f"  setup (one eigh of h, n = {n}):             {t_setup:8.3f} s")
    snap(0.0)  # warm start of the matching, as in entropy_production
    times = list(np.logspace(1, 7, points) / gamma)
    per_point = []
    for t in times:
        dt, _ = _timed(lambda t=t: snap(t))
        per_point.append(dt)
    med_point = statistics.median(per_point)
    print(f"  per time point, everything Fig. 5 needs:     {med_point:8.3f} s (median of {points})")
    print(f"  peak memory so far:                          {_peak_gib():8.2f} GiB")
    if not compare:
        return
    ev = snap.ev
    bl, br = model.modes("L"), model.modes("R")
    bb = np.concatenate([bl, br])
    floor, sec_t, eig_t, diffs = [], [], [], []
    for t in times:
        phi = ev.eigenvectors(t)
        c_ll = ev.hermitian_block_upper(phi[bl])
        c_rr = ev.hermitian_block_upper(phi[br])
        c_bb = ev.hermitian_block_upper(phi[bb])
        t_l, _ = _timed(lambda c=c_ll: linalg.eigvalsh(c, lower=False))
        t_r, _ = _timed(lambda c=c_rr: linalg.eigvalsh(c, lower=False))
        t_b, lam_b = _timed(lambda c=c_bb: linalg.eigvalsh(c, lower=False))
        floor.append(t_l + t_r + t_b)
        w = np.abs(phi[0]) ** 2
        t_s, mu = _timed(lambda w=w: deletion_spectrum(ev.occupations, w))
        sec_t.append(t_s)
        eig_t.append(t_b)
        diffs.append(abs(binary_entropy(mu).sum() - binary_entropy(lam_b).sum()))
    med_floor = statistics.median(floor)
    print(f"  LAPACK floor (eigvalsh K, K and 2K blocks):  {med_floor:8.3f} s")
    print(
        f"  per point / floor:                           {med_point / med_floor:8.2f}x "
        "(target <= 1.5x)"
    )
    ms, me = statistics.median(sec_t), statistics.median(eig_t)
    print(
        f"  S(B): secular {ms:.4f} s vs eigvalsh {me:.4f} s: {me / ms:8.1f}x faster (target >= 5x)"
    )
    print(f"  S(B): max |secular - eigvalsh| over {points} times: {max(diffs):.2e}")
    # t = 0: the joint bath block is diagonal with the exact occupations f_k
    exact = binary_entropy(np.diag(c0)[bb]).sum()
    phi0 = ev.eigenvectors(0.0)
    s_sec = binary_entropy(deletion_spectrum(ev.occupations, np.abs(phi0[0]) ** 2)).sum()
    s_eig = binary_entropy(linalg.eigvalsh(ev.hermitian_block_upper(phi0[bb]), lower=False)).sum()
    print(
        f"  t = 0 exact S(B) = sum h(f_k): secular error {abs(s_sec - exact):.1e}, "
        f"eigvalsh error {abs(s_eig - exact):.1e}"
    )
    pure = sample_fock_correlation_matrix(
        model, [10.0, 2.0], [1.0, -1.0], rng=np.random.default_rng(1)
    )
    evp = _Snapshots(model, pure, SecularEquation()).ev
    phip = evp.eigenvectors(times[-1])
    s_sec = binary_entropy(deletion_spectrum(evp.occupations, np.abs(phip[0]) ** 2)).sum()
    s_eig = binary_entropy(linalg.eigvalsh(evp.hermitian_block_upper(phip[bb]), lower=False)).sum()
    print(f"  pure Fock state, S(B) |secular - eigvalsh| = {abs(s_sec - s_eig):.1e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", type=int, default=1000)
    ap.add_argument("--points", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help="BLAS/LAPACK threads")
    ap.add_argument("--large", action="store_true", help="also K = 4000 per bath (slow)")
    args = ap.parse_args()
    print(f"thermalize.fermions benchmark; CPUs: {os.cpu_count()}, BLAS threads: {args.threads}")
    with threadpool_limits(args.threads):
        run(args.levels, args.points, compare=True)
        if args.large:
            run(4000, 1, compare=False)


if __name__ == "__main__":
    main()
