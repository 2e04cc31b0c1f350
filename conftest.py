"""Shared test configuration: headless matplotlib, numpy in doctests, hypothesis profile."""

import matplotlib
import numpy as np
import pytest
from hypothesis import settings

matplotlib.use("Agg")

# LAPACK timings jitter on shared CI cores: no deadlines; few examples keep the suite fast.
settings.register_profile("thermalize", deadline=None, max_examples=40)
settings.load_profile("thermalize")


@pytest.fixture(autouse=True)
def _doctest_numpy(doctest_namespace):
    doctest_namespace["np"] = np
