"""Shared constants, cached runs and dataset helpers of the usui2024 reproductions."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ...errors import ConvergenceError
from ...fermions import (
    effective_temperature_chemical_potential,
    entropy_production,
    gibbs_correlation_matrix,
    sample_fock_correlation_matrix,
    single_electron_transistor,
)
from .._tasks import shared_task

BANDWIDTH = 10.0  # W (Sec. IV)
BETAS = (10.0, 2.0)  # beta_L, beta_R (Sec. IV)
CASES = {"a": (1.0, -1.0), "b": (0.5, 0.5)}  # (mu_L, mu_R), Sec. IV cases (a) and (b)
LEVELS_FULL, LEVELS_QUICK = 1000, 150  # K per bath: the paper's, and a quick stand-in
REGIME_I_END = 0.1  # Gamma t of the regime-I checks (first grid point)
REGIME_III = (1e5, 1e8)  # Gamma t window of the regime-III averages (Fig. 6 caption)
GAMMAS_FIG4 = (3.0, 30.0)
GAMMAS_FIG6_FULL = (3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0)
GAMMAS_FIG6_QUICK = (3.0, 30.0, 300.0, 3000.0)
ASYMMETRIES = (0.001, 0.01)  # |K_L - K_R| / (K_L + K_R) of Fig. 9 rows (1001/999, 1010/990)
GAMMAS_FIG9 = (1.0, 3.0)
SEED = 20240607  # seed of the pure-state draw (Figs. 7-8)

# Tolerances of the regime-III thermalisation checks. The local beta*_nu differ from the global
# beta_ref by (i) temporal finite-K fluctuations, std ~2-5% of beta at K = 100-200 (shrinking
# with K), and (ii) the coupling energy <H_S + V> = O(Gamma) held by the dot and the tunnel
# bonds in the global state, which shifts the baths' share of the conserved energy by O(1)
# against a heat capacity O(K T / W): ~1% at Gamma = 3 for K >= 150. 5% covers both at K >= 150.
BETA_RTOL = 0.05
# mu*: same two effects; fluctuations ~0.02-0.1 at T ~ 0.5-0.7; 0.1 = 1% of W.
MU_ATOL = 0.1


def _levels(quick: bool) -> int:
    return LEVELS_QUICK if quick else LEVELS_FULL


def _gamma_times(points_per_decade: int) -> np.ndarray:
    """Gamma t from 1e-1 to 1e8 (the paper's axes), log-spaced."""
    return np.logspace(-1, 8, 9 * points_per_decade + 1)


@shared_task
def _run(case: str, gamma: float, k_left: int, k_right: int, grid: tuple, state: str = "gibbs"):
    """entropy_production of the SET on a Gamma t grid (one engine task, shared by the figures).

    state: 'gibbs' (Eq. 2), 'pure' (Sec. IV C) or 'matched' (Eq. 2 at the pure state's own
    initial beta*, mu*: the ensemble that differs from the pure state only microscopically).
    """
    model = single_electron_transistor((k_left, k_right), BANDWIDTH, gamma)
    if state == "gibbs":
        c0 = gibbs_correlation_matrix(model, BETAS, CASES[case])
    elif state == "pure":
        c0, _ = _pure_state(model, case)
    else:  # "matched": the ensemble at the pure state's own beta*_nu(0), mu*_nu(0)
        occ = np.diag(_pure_state(model, case)[0])
        bm = [
            effective_temperature_chemical_potential(
                model.levels(b),
                model.levels(b) @ occ[model.modes(b)],
                occ[model.modes(b)].sum(),
                bath=b,
            )
            for b in model.bath_labels
        ]
        c0 = gibbs_correlation_matrix(model, [x[0] for x in bm], [x[1] for x in bm])
    gt = np.asarray(grid)
    ds = entropy_production(model, c0, gt / gamma)
    p = ds.attrs["parameters"]
    ds = ds.assign_coords(time=gt).rename(time="gamma_time")
    return ds.assign(beta_ref=p["beta_ref"], mu_ref=p["mu_ref"])


def _pure_state(model, case: str, max_draws: int = 100):
    """Fock state drawn from the Fermi functions (Sec. IV C), redrawn while a bath is in its
    N-particle ground (or highest) state, whose beta* = +-inf leaves sigma (Eq. 13) undefined;
    at K = 1000 this never happens, at K = 150 (quick) the cold bath L (beta = 10, ~1.5 levels
    within T) sometimes is. Returns (c0, number of redraws)."""
    rng = np.random.default_rng([SEED, ord(case)])
    for draw in range(max_draws):
        c0 = sample_fock_correlation_matrix(model, BETAS, CASES[case], rng=rng)
        occ = np.diag(c0)
        try:
            for b in model.bath_labels:
                n = occ[model.modes(b)]
                effective_temperature_chemical_potential(
                    model.levels(b), model.levels(b) @ n, n.sum(), bath=b
                )
        except ConvergenceError:
            continue
        return c0, draw
    raise ConvergenceError(f"no pure state with finite beta* in {max_draws} draws (case {case})")


def _stack(runs: dict, dims: tuple[str, ...]) -> xr.Dataset:
    """Concatenate {key tuple: Dataset} along the named dims (keys in product order)."""
    keys = list(runs)
    levels = [
        sorted({k[i] for k in keys}, key=[k[i] for k in keys].index) for i in range(len(dims))
    ]

    def build(prefix, depth):
        if depth == len(dims):
            d = runs[prefix]
            return d.drop_attrs() if hasattr(d, "drop_attrs") else d.assign_attrs({})
        parts = [build(prefix + (v,), depth + 1) for v in levels[depth]]
        return xr.concat(
            parts,
            dim=xr.DataArray(levels[depth], dims=dims[depth], name=dims[depth]),
            coords="minimal",
            compat="override",
        )

    return build((), 0)


def _regime3(da: xr.DataArray) -> xr.DataArray:
    gt = da["gamma_time"]
    return da.where((gt >= REGIME_III[0]) & (gt <= REGIME_III[1]), drop=True)


def _base_parameters(quick: bool, **extra) -> dict:
    return {
        "bandwidth": BANDWIDTH,
        "beta_L": BETAS[0],
        "beta_R": BETAS[1],
        "cases_mu_L_mu_R": {k: list(v) for k, v in CASES.items()},
        "dot_energy": 0.0,
        "initial_dot_occupation": 0.0,
        "levels_per_bath": _levels(quick),
        "regime_III_gamma_time": list(REGIME_III),
        "quick": quick,
        **extra,
    }
