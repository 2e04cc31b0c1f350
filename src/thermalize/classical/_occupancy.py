"""Level occupancy booked per event and the population estimate of the scatterer Monte Carlos.

`thermalize.classical.scatterer_mc` re-exports `PopulationEstimate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .scatterer_mc import DirectDraw, Thinned

__all__ = ["PopulationEstimate"]


@dataclass(frozen=True)
class PopulationEstimate:
    """Time-averaged level populations from independent replicas of a Markov chain.

    Attributes
    ----------
    populations : ndarray, shape (n,)
        Mean over replicas of each replica's fraction of (post burn-in) steps in level s.
    standard_error : ndarray, shape (n,)
        Standard deviation over replicas / sqrt(n_replicas): the replicas are independent,
        so this is an honest error bar for the mean even though steps are correlated.
    n_replicas, n_steps, burn_in : int
    collision_fraction : float
        Fraction of steps with a collision (1 for the kick chain; pi_c for explicit particles).
    collision_fraction_se : float
        Its standard error over replicas (0 for the kick chain).
    method : Thinned, DirectDraw or None
        The explicit-particle method that produced it (None for the kick chain).
    """

    populations: np.ndarray
    standard_error: np.ndarray
    n_replicas: int
    n_steps: int
    burn_in: int
    collision_fraction: float
    collision_fraction_se: float
    method: Thinned | DirectDraw | None = None

    def z_scores(self, exact: np.ndarray) -> np.ndarray:
        """(populations - exact) / standard_error, shape (n,) (inf where the error is 0)."""
        diff = self.populations - np.asarray(exact, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(diff == 0, 0.0, diff / self.standard_error)


class _Occupancy:
    """Steps spent in each level per replica, booked only when a replica changes level.

    The level after the update of step t is counted for t >= burn_in. A stay in a level
    from step t_in to t_out (exclusive) lasts max(t_out, b) - max(t_in, b) counted steps
    (b = burn_in), so the occupancy is linear in the events: a change at step t adds
    max(t, b) to the level left and subtracts it from the level entered (a "change" to
    the same level cancels), the start subtracts b and the end adds n_steps.
    """

    def __init__(self, state: np.ndarray, n_levels: int, burn_in: int):
        self.n = n_levels
        self.burn_in = burn_in
        self.counts = np.zeros(state.size * n_levels)
        self.counts[np.arange(state.size) * n_levels + state] -= burn_in

    def change(self, step, idx: np.ndarray, old: np.ndarray, new: np.ndarray) -> None:
        """Replicas `idx` (distinct) go from `old` to `new` at `step` (int, or one each)."""
        at = np.maximum(step, self.burn_in)
        base = idx * self.n
        self.counts[base + old] += at
        self.counts[base + new] -= at

    def change_many(self, rows, col, old, new, step) -> None:
        """Changes of replicas ``rows[col]`` (rows sorted and distinct; repeats of a column
        allowed) from `old` to `new` at `step`."""
        at = np.maximum(step, self.burn_in)
        size = rows.size * self.n
        base = col * self.n
        booked = np.bincount(base + old, weights=at, minlength=size)
        booked -= np.bincount(base + new, weights=at, minlength=size)
        counts = self.counts.reshape(-1, self.n)
        if rows[-1] - rows[0] + 1 == rows.size:  # sorted and contiguous: a slice is cheaper
            counts[rows[0] : rows[-1] + 1] += booked.reshape(rows.size, self.n)
        else:
            counts[rows] += booked.reshape(rows.size, self.n)

    def close(self, n_steps: int, state: np.ndarray) -> np.ndarray:
        self.counts[np.arange(state.size) * self.n + state] += n_steps
        return self.counts


def _estimate(counts, hits, n_replicas, n_steps, burn_in, n):
    frac = counts.reshape(n_replicas, n) / (n_steps - burn_in)
    pop = frac.mean(axis=0)
    se = frac.std(axis=0, ddof=1) / np.sqrt(n_replicas)
    hit_frac = hits / n_steps
    return PopulationEstimate(
        pop,
        se,
        n_replicas,
        n_steps,
        burn_in,
        float(hit_frac.mean()),
        float(hit_frac.std(ddof=1) / np.sqrt(n_replicas)),
    )
