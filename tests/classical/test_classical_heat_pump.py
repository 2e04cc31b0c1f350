"""The mu = 1 disk as a work-free heat pump (Ehrich et al. 2020, Sec. 5 and Fig. 2 right)."""

import numpy as np
import pytest

from thermalize.classical.disk import RotatingDisk
from thermalize.classical.heat_pump import HeatPump
from thermalize.errors import ParameterError


@pytest.mark.parametrize("ratio", [0.6, 1.0, 1.3, 1.8, 2.0, 2.4])
def test_paper_heat_and_entropy_production(ratio):
    """Sec. 5: Q = k(T_cold - T_hot/2); Sigma = Q (1/T_hot - 1/T_cold) < 0 for 1 < r < 2."""
    t_cold = 0.8
    t_hot = ratio * t_cold
    pump = HeatPump(RotatingDisk(1.0), beta_cold=1 / t_cold, beta_hot=1 / t_hot, mass=1.7)
    hf = pump.heat_flows()
    q = t_cold - t_hot / 2
    assert hf.heat_from_cold == pytest.approx(q, abs=1e-13)  # 2x2 solve: rounding
    assert hf.heat_to_hot == pytest.approx(q, abs=1e-13)
    assert hf.entropy_production == pytest.approx(q * (1 / t_hot - 1 / t_cold), abs=1e-13)
    if 1.0 < ratio < 2.0:
        assert hf.entropy_production < 0  # the second-law violation of Fig. 2 (right)


@pytest.mark.parametrize(
    "mu, relax, collisions, kicks, sides",
    [
        (1.0, 0.0, 1, "effusion", 2),
        (0.4, 0.3, 2, "effusion", 2),
        (2.0, 0.5, 1, "effusion", 1),
        (1.0, 0.2, 3, "maxwell", 2),
    ],
)
def test_monte_carlo_matches_analytic(mu, relax, collisions, kicks, sides):
    """Heat flows and entropy production: MC within 4 standard errors of the exact recursion."""
    pump = HeatPump(RotatingDisk(mu), beta_cold=1.0, beta_hot=1 / 1.5, mass=1.3, hot_relaxation=relax,
                    cold_collisions=collisions, kicks=kicks, sides=sides)
    exact = pump.heat_flows()
    mc = pump.simulate(n_cycles=300, n_replicas=3000, rng=np.random.default_rng(12))
    assert abs(mc.heat_from_cold - exact.heat_from_cold) < 4 * mc.heat_from_cold_se
    assert abs(mc.heat_to_hot - exact.heat_to_hot) < 4 * mc.heat_to_hot_se
    assert abs(mc.entropy_production - exact.entropy_production) < 4 * mc.entropy_production_se


def test_heat_balance_residual():
    """First law for the disk: what it takes from the cold gas it gives to the hot bath."""
    pump = HeatPump(RotatingDisk(0.6), beta_cold=1.0, beta_hot=0.5, hot_relaxation=0.4, cold_collisions=2)
    assert abs(pump.heat_flows().balance_residual()) < 1e-13  # 2x2 solve: rounding
    mc = pump.simulate(n_cycles=500, n_replicas=200, rng=np.random.default_rng(16))
    # telescoping: (E_last - E_first)/400 kept cycles per replica; E ~ a few kT -> < 0.05 kT
    assert abs(mc.balance_residual()) < 0.05


def test_monte_carlo_entropy_production_is_negative():
    """The MC itself (not only the formula) shows Sigma < 0 by many standard errors."""
    mc = HeatPump.example().simulate(n_cycles=200, n_replicas=5000, rng=np.random.default_rng(13))
    assert mc.entropy_production + 6 * mc.entropy_production_se < 0


@pytest.mark.parametrize("ratio", [0.5, 1.2, 1.5, 3.0])
def test_maxwell_kicks_respect_the_second_law(ratio):
    """Control: with two-sided Maxwell kicks the disk thermalizes (Eq. 35 ratio = Gibbs), and
    Sigma = (T_c - T_h)^2/(2 T_c T_h) >= 0 for mu = 1 (hand derivation: E_cold = T_c/2)."""
    pump = HeatPump(RotatingDisk(1.0), beta_cold=1.0, beta_hot=1 / ratio, kicks="maxwell", sides=2)
    hf = pump.heat_flows()
    assert hf.entropy_production == pytest.approx((1 - ratio) ** 2 / (2 * ratio), abs=1e-13)
    assert hf.entropy_production >= 0


@pytest.mark.parametrize("mu", [0.2, 0.7, 3.0])
def test_second_law_also_fails_for_other_mass_ratios(mu):
    """Effusion kicks, full hot thermalization, T_hot = 1.2 T_cold: heat still flows uphill."""
    hf = HeatPump(RotatingDisk(mu), beta_cold=1.0, beta_hot=1 / 1.2).heat_flows()
    assert hf.heat_to_hot > 0 and hf.entropy_production < 0


def test_same_seed_same_numbers():
    runs = [
        HeatPump.example().simulate(n_cycles=10, n_replicas=10, rng=np.random.default_rng(2))
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_bad_input():
    disk = RotatingDisk(1.0)
    with pytest.raises(ParameterError, match="beta_hot"):
        HeatPump(disk, beta_cold=1.0, beta_hot=-1.0)
    with pytest.raises(ParameterError, match="hot_relaxation"):
        HeatPump(disk, beta_cold=1.0, beta_hot=1.0, hot_relaxation=1.0)
    with pytest.raises(ParameterError, match="cold_collisions"):
        HeatPump(disk, beta_cold=1.0, beta_hot=1.0, cold_collisions=0)
    with pytest.raises(ParameterError, match="disk"):
        HeatPump("disk", beta_cold=1.0, beta_hot=1.0)
