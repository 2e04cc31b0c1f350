"""Optional tqdm progress bars over the time steps of the classical Monte Carlos."""

from __future__ import annotations

from tqdm import tqdm

__all__ = ["steps"]


def steps(n: int, progress: bool, desc: str) -> range | tqdm:
    """``range(n)``, wrapped in a tqdm bar (on stderr, removed when done) if `progress`."""
    if not progress:
        return range(n)
    return tqdm(range(n), desc=desc, unit="step", leave=False, mininterval=0.5)
