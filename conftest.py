"""Shared test configuration: headless matplotlib, numpy in doctests, hypothesis profile."""

import os
import signal

import matplotlib
import numpy as np
import pytest
from hypothesis import settings

matplotlib.use("Agg")

# LAPACK timings jitter on shared CI cores: no deadlines; few examples keep the suite fast.
settings.register_profile("thermalize", deadline=None, max_examples=40)
# CI (the CI variable set, as .ci/run does): the same examples on every run, so a landing is
# never decided by the draw; local runs keep exploring new examples.
settings.register_profile("thermalize-ci", deadline=None, max_examples=40, derandomize=True)
settings.load_profile("thermalize-ci" if os.environ.get("CI") else "thermalize")


@pytest.fixture(autouse=True)
def _doctest_numpy(doctest_namespace):
    doctest_namespace["np"] = np

# A shell that starts pytest in the background without job control (``cmd &`` in a script,
# nohup) ignores SIGINT, and an ignored signal is inherited through exec: the Ctrl-C tests'
# child processes could then not be interrupted. Restore Python's default handler here.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
