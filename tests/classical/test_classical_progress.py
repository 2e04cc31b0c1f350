"""progress=True draws a tqdm bar on stderr and leaves every Monte Carlo result unchanged."""

import numpy as np
import pytest

from thermalize.classical import DiscreteScatterer, HeatPump, RotatingDisk
from thermalize.classical.scatterer_mc import (
    DirectDraw,
    simulate_explicit_particles,
    simulate_kick_chain,
)

SC = DiscreteScatterer.example()
RUNS = {
    "thinned": lambda rng, progress: (
        simulate_explicit_particles(
            SC, 1.0, 1.0, 6.0, 1.0, n_steps=300, n_replicas=20, rng=rng, progress=progress
        ).populations
    ),
    "direct": lambda rng, progress: (
        simulate_explicit_particles(
            SC,
            1.0,
            1.0,
            6.0,
            1.0,
            n_steps=300,
            n_replicas=20,
            rng=rng,
            progress=progress,
            method=DirectDraw(),
        ).populations
    ),
    "kick-chain": lambda rng, progress: (
        simulate_kick_chain(
            SC, 1.0, 1.0, n_steps=100, n_replicas=20, rng=rng, progress=progress
        ).populations
    ),
    "disk": lambda rng, progress: (
        RotatingDisk(1.0)
        .simulate(1.0, 1.0, n_steps=100, n_replicas=20, rng=rng, progress=progress)
        .samples
    ),
    "heat-pump": lambda rng, progress: np.array(
        HeatPump.example()
        .simulate(n_cycles=30, n_replicas=20, rng=rng, progress=progress)
        .heat_from_cold
    ),
}


@pytest.mark.parametrize("name", list(RUNS))
def test_progress_bar_shows_and_changes_nothing(name, capsys):
    quiet = RUNS[name](np.random.default_rng(9), False)
    assert capsys.readouterr().err == ""
    loud = RUNS[name](np.random.default_rng(9), True)
    err = capsys.readouterr().err
    assert "step/s" in err  # the bar was drawn (tqdm's rate unit)
    np.testing.assert_array_equal(quiet, loud)
