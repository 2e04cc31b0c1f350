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


def params(ds) -> dict:
    """The run's parameters from ``ds.attrs["parameters"]``: a dict in memory, a JSON string
    once the dataset has been written to NetCDF and read back (plots are drawn from either)."""
    import json

    raw = ds.attrs["parameters"]
    return json.loads(raw) if isinstance(raw, str) else raw
