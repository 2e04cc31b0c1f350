"""Test-sized reproductions built from the real usui2024 task function (K = 20 levels)."""

import numpy as np
import xarray as xr

from thermalize.papers import CORE, Check, Reproduction
from thermalize.papers.usui2024.common import _run

GRID = tuple(np.logspace(-1, 4, 11).tolist())


def spec(case: str, gamma: float, k: int = 20) -> dict:
    """Arguments of one fermion run (the unit of work of usui2024 Figs. 4-9)."""
    return dict(case=case, gamma=gamma, k_left=k, k_right=k, grid=GRID)


def small_repro(rid: str, specs: list[dict]) -> Reproduction:
    """A 'full' reproduction whose tasks are the given fermion runs; assembly stacks them."""

    def tasks(quick):
        return [_run.task(**s) for s in specs]

    def compute(quick):
        runs = [_run(**s)[["beta_eff", "mu_eff", "entropy_production"]] for s in specs]
        return xr.concat(runs, dim="run").assign_attrs(parameters={"runs": len(specs)})

    def checks(ds):
        # Sigma >= 0 (second law, Eq. 7); rounding of the entropy sums ~1e-12
        return [Check.at_least("Sigma >= 0", float(ds["entropy_production"].min()), 0.0,
                               "law: Eq. (7)", tolerance=1e-10)]

    def plot(ds):
        from thermalize.plotting import new_figure

        fig, ax = new_figure()
        ax.plot(ds["entropy_production"].values.T)
        return fig

    return Reproduction(rid, "test-sized fermion runs", CORE, 1.0, compute, plot, checks,
                        1.0, tasks)


def sleeper(path: str) -> None:
    """Task that records its worker's pid, then sleeps (for the kill -9 test of a pool)."""
    import os
    import time

    with open(path, "a") as fh:
        fh.write(f"{os.getpid()}\n")
    time.sleep(120)
