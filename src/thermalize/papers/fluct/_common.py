"""Shared pieces of the fluctuation reproductions (issue 19, item 6)."""

from __future__ import annotations

import numpy as np

__all__ = ["FLUCT", "density"]

#: Label of the fluctuation reproductions: laws checked beyond the papers, no single paper.
FLUCT = "thermalize fluctuation laws (issue 19)"


def density(samples: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Histogram density of `samples` normalised by the number of all samples (not the in-range
    ones): its integral over the bins is the fraction of samples inside ``edges``."""
    counts, _ = np.histogram(samples, edges)
    return counts / (samples.size * np.diff(edges))
