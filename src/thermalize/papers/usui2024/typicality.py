"""usui2024 Fig. 8 typicality: the pure-vs-ensemble difference over many pure-state draws.

The regime-III time average of a quantity for one pure Fock state differs from that of its
matched ensemble (Eq. 2 at the state's own initial beta*_nu, mu*_nu) by a part that does not
average out in time: the long-time occupations n(inf) = P n(0) depend on all K drawn
occupations, not only on the E_nu, N_nu the matched ensemble reproduces. Its size is the
spread of that difference over independent draws (Sec. IV C: "different random realizations
give approximately the same behaviour"), which the temporal standard error of one realisation
does not contain. For diagonal initial states C(0) = diag(n(0)) in the local modes, the mode
occupations are n(t) = |Phi(t)|^2 n(0) (Eq. 19), so one propagator per time serves every draw
and its matched ensemble; Sigma (Eq. 7), sigma (Eq. 13), beta*, mu* (Eqs. 5-6) need nothing
else.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...distributions import fermi_dirac
from ...errors import ConvergenceError
from ...fermions import (
    CorrelationEvolver,
    binary_entropy,
    effective_temperature_chemical_potential,
    grand_canonical_entropy,
    sample_fock_correlation_matrix,
    single_electron_transistor,
)
from .._tasks import shared_task
from .common import BANDWIDTH, BETAS, CASES, SEED, _pure_state

#: Independent pure-state draws behind the spread of Fig. 8's pure-vs-matched difference.
#: Draw 0 (the plotted one) is compared with the N - 1 = 39 others: a Student t with 38
#: degrees of freedom, P(|t_38| > 4) = 3e-4 per compared number.
N_REALISATIONS = 40
QUANTITIES = ("beta_eff", "mu_eff", "entropy_production", "sigma")


def _draw(model, case: str, r: int) -> np.ndarray:
    """Local-mode occupations of draw r: r = 0 is the plotted state of Figs. 7-8 (`_pure_state`),
    r >= 1 independent draws from the seed [SEED, case, r], redrawn (next r-stream value) while
    a bath sits in its N-particle ground state (beta* infinite, see `_pure_state`)."""
    if r == 0:
        c0, _ = _pure_state(model, case)
        return np.diag(c0).real.copy()
    rng = np.random.default_rng([SEED, ord(case), r])
    for _ in range(100):
        _, occ = sample_fock_correlation_matrix(
            model, BETAS, CASES[case], rng=rng, return_occupations=True
        )
        try:
            _bath_state(model, occ)
        except ConvergenceError:
            continue
        return occ
    raise ConvergenceError(f"draw {r} of case {case}: no state with finite beta* in 100 draws")


def _bath_state(model, occ: np.ndarray) -> dict:
    """{bath: (E, N, beta*, mu*)} of local-mode occupations `occ` (Eqs. 5-6)."""
    out = {}
    for b in model.bath_labels:
        lev, n = model.levels(b), occ[model.modes(b)]
        e, num = float(lev @ n), float(n.sum())
        out[b] = (e, num) + tuple(effective_temperature_chemical_potential(lev, e, num, bath=b))
    return out


def _matched(model, occ: np.ndarray) -> np.ndarray:
    """Occupations of Eq. (2) at the beta*_nu(0), mu*_nu(0) of `occ` (the system keeps its own)."""
    out = occ.copy()
    for b, (_, _, beta, mu) in _bath_state(model, occ).items():
        out[model.modes(b)] = fermi_dirac(model.levels(b), beta, mu)
    return out


def occupation_series(model, initial: np.ndarray, times) -> dict:
    """beta*, mu*, E, N (bath, state, time), Sigma, sigma, n_d (state, time) of diagonal initial
    states, and Sigma at their time-averaged state (state,).

    ``initial`` (state, mode): local-mode occupations at t = 0 (one row per initial state;
    the system must be a single mode). Eq. (7): Sigma = Delta S_S + sum_nu Delta S_gc,nu;
    Eq. (13): sigma = Delta S_S + sum_nu beta*_nu(0) (Delta E_nu - mu*_nu(0) Delta N_nu).
    """
    sys = model.system_modes
    if sys.size != 1:
        raise ValueError("occupation_series needs a single system mode")
    ev = CorrelationEvolver(model, np.zeros((model.n_modes,) * 2), local=True, check=False)
    n0 = np.asarray(initial, dtype=float)
    ns, nt = n0.shape[0], len(times)
    baths = model.bath_labels
    beta = np.zeros((len(baths), ns, nt))
    mu = np.zeros_like(beta)
    energy = np.zeros_like(beta)
    number = np.zeros_like(beta)
    gc = np.zeros((ns, nt))
    heat = np.zeros((ns, nt))
    s_sys = np.zeros((ns, nt))
    n_dot = np.zeros((ns, nt))
    first = [_bath_state(model, row) for row in n0]
    gc0 = np.array([sum(grand_canonical_entropy(model.levels(b), *f[b][2:]) for b in baths)
                    for f in first])
    s0 = binary_entropy(n0[:, sys[0]])
    for j, t in enumerate(times):
        occ = np.clip((np.abs(ev.eigenvectors(float(t))) ** 2) @ n0.T, 0.0, 1.0)  # (mode, state)
        n_dot[:, j] = occ[sys[0]]
        s_sys[:, j] = binary_entropy(occ[sys[0]])
        for r in range(ns):
            for i, (b, st) in enumerate(_bath_state(model, occ[:, r]).items()):
                e, num, beta[i, r, j], mu[i, r, j] = st
                energy[i, r, j], number[i, r, j] = e, num
                e0, num0, b0, m0 = first[r][b]
                gc[r, j] += grand_canonical_entropy(model.levels(b), beta[i, r, j], mu[i, r, j])
                heat[r, j] += b0 * ((e - e0) - m0 * (num - num0))
    # Eq. (7) at the time-averaged state (mean E_nu, N_nu, n_d over `times`): Sigma without
    # the fluctuation (Jensen) term mean_t Sigma(t) - Sigma(mean state) <= 0 (S_gc and the
    # binary entropy are concave)
    mean_state = binary_entropy(n_dot.mean(1)) - s0 - gc0
    for r in range(ns):
        for i, b in enumerate(baths):
            lev = model.levels(b)
            e, num = float(energy[i, r].mean()), float(number[i, r].mean())
            bm = effective_temperature_chemical_potential(lev, e, num, bath=b)
            mean_state[r] += grand_canonical_entropy(lev, *bm)
    return {
        "beta_eff": beta,
        "mu_eff": mu,
        "entropy_production": s_sys - s0[:, None] + gc - gc0[:, None],
        "sigma": s_sys - s0[:, None] + heat,
        "energy": energy,
        "particle_number": number,
        "system_occupation": n_dot,
        "mean_state_entropy_production": mean_state,
    }


@shared_task
def _pure_spread(case: str, gamma: float, k: int, grid: tuple, n_realisations: int):
    """Time series of `QUANTITIES` for draws r = 0..n-1 ('pure') and their matched ensembles
    ('matched') of the SET at Gamma, K levels per bath, on the Gamma t `grid` (one task)."""
    model = single_electron_transistor((k, k), BANDWIDTH, gamma)
    pure = np.array([_draw(model, case, r) for r in range(n_realisations)])
    matched = np.array([_matched(model, row) for row in pure])
    gt = np.asarray(grid, dtype=float)
    res = occupation_series(model, np.concatenate([pure, matched]), gt / gamma)
    coords = {
        "state": ["pure", "matched"],
        "realisation": np.arange(n_realisations),
        "bath": list(model.bath_labels),
        "gamma_time": gt,
    }
    data = {}
    for v, arr in res.items():
        if arr.ndim == 1:
            data[v] = (("state", "realisation"), arr.reshape(2, n_realisations))
        elif arr.ndim == 3:
            data[v] = (("bath", "state", "realisation", "gamma_time"),
                       arr.reshape(arr.shape[0], 2, n_realisations, gt.size))
        else:
            data[v] = (("state", "realisation", "gamma_time"),
                       arr.reshape(2, n_realisations, gt.size))
    return xr.Dataset(data, coords=coords)


def typicality_z(diff: xr.DataArray) -> xr.DataArray:
    """|d_0 - mean(d_1..d_n)| / (s sqrt(1 + 1/n)), s the spread of d_1..d_n: how typical the
    plotted draw's regime-III difference pure - matched is among n independent draws (a
    Student t with n - 1 degrees of freedom when the d_r are normal); ``diff`` has
    'realisation', draw 0 first."""
    others = diff.isel(realisation=slice(1, None))
    n = others.sizes["realisation"]
    spread = others.std("realisation", ddof=1) * np.sqrt(1 + 1 / n)
    return abs(diff.isel(realisation=0) - others.mean("realisation")) / spread
