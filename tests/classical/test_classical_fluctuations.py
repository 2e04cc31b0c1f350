"""Integral fluctuation theorem per collision and the phase-space contraction term (issue 19, item 4).

Monte Carlo tolerances: 5 standard errors from the sample variance (false alarm ~6e-7 per
check for a Gaussian estimator). Exact-kernel tolerances: the graded Gauss-Legendre quadrature
is good to ~1e-12 (normalisation defect reported as `quadrature_error`).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from thermalize.classical import (
    CallableRule,
    DiscreteScatterer,
    RotatingDisk,
    UniformOpenRule,
    kick_markov_matrix,
)
from thermalize.classical._fluct_disk import final_logpdf
from thermalize.classical.rules import open_levels
from thermalize.classical.fluctuations import fluctuation_audit
from thermalize.errors import ParameterError

QUAD = 1e-10  # exact kernels (quadrature ~1e-12, log-singular contraction integrals ~1e-10)
SIG = 5.0


def _ift_from_markov(sc, beta, kicks, p0):
    """<exp(-Delta s)> = sum_{s s'} p(s) M_ss' p'(s')/p(s) e^{beta(eps_s' - eps_s)} from the
    package's independent Markov-matrix quadrature (`kick_markov_matrix`)."""
    m = kick_markov_matrix(sc, beta, 1.0, kicks)
    p1 = p0 @ m
    lv = sc.levels
    return float((m * p1[None, :] * np.exp(beta * (lv[None, :] - lv[:, None]))).sum())


def _smooth_rule(kinetic, level, levels):
    """Micro-reversible and smooth in K: at total energy E stay with probability e^{-E^2/4},
    else uniform over the open levels (symmetric in s, s' at fixed E, Eq. 17)."""
    e = levels[level] + kinetic
    op = open_levels(kinetic, level, levels).astype(float)
    stay = np.exp(-0.25 * e * e)[:, None]
    return (1 - stay) * op / op.sum(axis=1, keepdims=True) + stay * np.eye(len(levels))[level]


@pytest.mark.parametrize(
    "scatterer",
    [
        DiscreteScatterer.example(),
        DiscreteScatterer(np.array([0.0, 0.4, 1.7, 2.1]), UniformOpenRule(0.3)),
        DiscreteScatterer(np.array([-1.0, 0.5, 0.8]), CallableRule.example()),
        DiscreteScatterer(np.array([0.0, 0.3, 1.1, 1.2]), CallableRule(_smooth_rule)),
    ],
)
def test_volume_preserving_scatterers_obey_the_ift(scatterer):
    """Eq. (20) is volume preserving (Eq. 21) and the rules micro-reversible (Eq. 17):
    <exp(-Delta s)> = 1, exactly and by Monte Carlo, for a non-Gibbs initial law."""
    n = scatterer.n_levels
    p0 = np.linspace(1.0, 2.0, n)[::-1] / np.linspace(1.0, 2.0, n).sum()
    a = fluctuation_audit(scatterer, beta=1.3, initial=p0, n_samples=200_000,
                          rng=np.random.default_rng(4))
    assert a.quadrature_error < 1e-12
    assert a.mean_abs_contraction == 0.0 and a.volume_preserving
    assert abs(a.ift - 1.0) < QUAD
    assert a.ift == pytest.approx(_ift_from_markov(scatterer, 1.3, "effusion", p0), abs=QUAD)
    mc, se = a.mc["ift"]
    assert abs(mc - 1.0) <= SIG * se
    assert a.mean_entropy_production >= 0.0  # Jensen on the IFT: the second law per collision
    assert a.jacobian_residual < 1e-10  # Lambda agrees with the numerical Jacobian of Eq. (20)
    assert a.passed
    gaps = (scatterer.levels[:, None] - scatterer.levels[None, :]).ravel()  # Q = eps_s - eps_s'
    assert np.all(np.min(np.abs(a.samples.heat[:, None] - gaps[None, :]), axis=1) < 1e-12)


@pytest.mark.parametrize(
    "scatterer",
    [DiscreteScatterer.example(),
     DiscreteScatterer(np.array([0.0, 0.3, 1.1, 1.2]), CallableRule(_smooth_rule))],
)
def test_maxwell_kicks_on_a_scatterer_break_the_ift_and_the_contraction_restores_it(scatterer):
    """Maxwell kicks live in (v, s) space, where Eq. (19) has |J| = v/v' != 1."""
    sc = scatterer
    p0 = 0.3 ** np.arange(sc.n_levels) / (0.3 ** np.arange(sc.n_levels)).sum()
    a = fluctuation_audit(sc, beta=1.0, kicks="maxwell", initial=p0, n_samples=200_000,
                          rng=np.random.default_rng(5))
    assert a.ift == pytest.approx(_ift_from_markov(sc, 1.0, "maxwell", p0), abs=QUAD)
    assert abs(a.ift - 1.0) > 0.01 and not a.ift_holds and not a.volume_preserving
    assert abs(a.ift_corrected - 1.0) < QUAD and a.contraction_accounts_for_violation
    mc, se = a.mc["ift"]
    assert abs(mc - a.ift) <= SIG * se and abs(mc - 1.0) > 10 * se  # MC sees the violation
    assert a.monte_carlo_agrees and a.jacobian_residual < 1e-10
    assert not a.passed


def test_disk_violation_is_pi_over_two_at_mass_ratio_one():
    r"""mu = 1, two-sided effusion: omega' = v and v' = omega, so p' = rho_eff and
    <e^{-Delta s}> = int dv rho_eff(v)^2 e^{beta m v^2/2} int d omega e^{-beta m omega^2/2}
    = (beta m/2)^2 sqrt(2 pi)(beta m)^{-3/2} sqrt(2 pi/(beta m)) = pi/2 for any initial law;
    Lambda = ln|omega/v| has mean E ln|N(0, s)| - E ln|Rayleigh(s)| = -ln 2 (Gibbs start)."""
    a = fluctuation_audit(RotatingDisk(1.0), beta=0.7, mass=1.3, n_samples=400_000,
                          rng=np.random.default_rng(6))
    assert a.ift == pytest.approx(np.pi / 2, abs=QUAD)
    assert a.mean_contraction == pytest.approx(-np.log(2.0), abs=1e-8)  # log-singular integrand
    assert abs(a.ift_corrected - 1.0) < QUAD
    assert a.contraction_contribution == pytest.approx(np.pi / 2 - 1.0, abs=QUAD)
    mc, se = a.mc["ift"]
    assert abs(mc - np.pi / 2) <= SIG * se and (mc - 1.0) > 50 * se
    mc_c, se_c = a.mc["ift_corrected"]  # importance-sampled (finite variance)
    assert abs(mc_c - 1.0) <= SIG * se_c
    assert a.mean_entropy_production < 0  # the second law fails on average (the heat pump)
    smp = a.samples  # the samples behind the estimates; Q = -(I/2)(omega'^2 - omega^2) by Eq. (28)
    assert smp.entropy_production.shape == smp.heat.shape == (400_000,)
    assert np.mean(np.exp(-smp.entropy_production)) == pytest.approx(mc, rel=1e-12)
    assert a.jacobian_residual < 1e-10  # Lambda = ln|v'/v| is Eq. (32)'s |J|
    assert not a.passed and not a.volume_preserving


@pytest.mark.parametrize("mu", [0.4, 2.5])
def test_disk_contraction_term_accounts_for_the_violation(mu):
    """For any mu the thermodynamic IFT fails and <e^{-Delta s}(1 - e^Lambda)> is the violation.

    The initial law is wider than half the Gibbs variance (std^2 = 4 > 1/(2 beta I) = mu/2), the
    condition for e^{-Delta s} (which contains 1/p(omega)) to have a finite variance, so that the
    Monte Carlo standard errors are meaningful."""
    a = fluctuation_audit(RotatingDisk(mu), beta=1.0, initial=(0.3, 2.0), n_samples=300_000,
                          rng=np.random.default_rng(7))
    assert a.violation > 0.05
    assert a.violation == pytest.approx(a.contraction_contribution, abs=QUAD)
    assert a.contraction_accounts_for_violation and a.corrected_ift_holds
    for key, exact in (("ift", a.ift), ("mean_entropy_production", a.mean_entropy_production),
                       ("mean_contraction", a.mean_contraction), ("ift_corrected", 1.0)):
        mc, se = a.mc[key]
        assert abs(mc - exact) <= SIG * se, key


def test_disk_with_maxwell_kicks_obeys_the_ift():
    """Maxwell kicks are canonical in (v, omega) space, where Eq. (29) has |J| = 1 (Eq. 30)."""
    a = fluctuation_audit(RotatingDisk(0.6), beta=1.0, kicks="maxwell", initial=(0.5, 0.7),
                          n_samples=100_000, rng=np.random.default_rng(8))
    assert abs(a.ift - 1.0) < QUAD and a.volume_preserving and a.passed


def test_rule_violating_microreversibility_breaks_even_the_corrected_ift():
    """'Always to the ground state' is volume preserving in (y, v) but not micro-reversible."""
    to_ground = CallableRule(lambda k, s, lv: np.eye(len(lv))[np.zeros_like(s)])
    sc = DiscreteScatterer(np.array([0.0, 1.0, 2.0]), to_ground)
    a = fluctuation_audit(sc, beta=1.0, initial=[0.5, 0.3, 0.2], n_samples=20_000,
                          rng=np.random.default_rng(9))
    # p' = delta_0: <e^{-Delta s}> = sum_s e^{-beta eps_s} (closed form)
    assert a.ift == pytest.approx(1 + np.exp(-1.0) + np.exp(-2.0), abs=QUAD)
    assert a.volume_preserving and not a.ift_holds and not a.corrected_ift_holds


def test_final_law_of_the_disk_matches_numerical_convolution():
    """Closed form of p'(omega') against quad of p(omega) rho((omega' - a omega)/b)/b."""
    disk = RotatingDisk(0.7)
    a_, b_ = disk.restitution, disk.gain
    s = 1.0 / np.sqrt(2.0)  # beta m = 2
    for j, one_sided in ((1, False), (1, True), (0, False), (0, True)):
        norm = {(0, False): 1 / (s * np.sqrt(2 * np.pi)), (0, True): 2 / (s * np.sqrt(2 * np.pi)),
                (1, False): 1 / (2 * s * s), (1, True): 1 / (s * s)}[(j, one_sided)]

        def kick(x):
            return 0.0 if (one_sided and x < 0) else norm * abs(x) ** j * np.exp(-0.5 * (x / s) ** 2)

        for y in (-1.1, 0.05, 0.9, 2.4):
            def f(w):
                return np.exp(-0.5 * ((w - 0.2) / 0.6) ** 2) / (0.6 * np.sqrt(2 * np.pi)) * kick((y - a_ * w) / b_) / b_

            ref = integrate.quad(f, -8, 8, points=[y / a_], limit=200, epsabs=1e-14)[0]
            got = np.exp(final_logpdf(y, a_, b_, 0.2, 0.6, s, j, one_sided))
            assert got == pytest.approx(ref, rel=1e-9, abs=1e-14)


def test_bad_input_says_why():
    rng = np.random.default_rng(0)
    sc = DiscreteScatterer.example()
    with pytest.raises(ParameterError, match="DiscreteScatterer or a RotatingDisk"):
        fluctuation_audit("disk", beta=1.0, rng=rng)
    with pytest.raises(ParameterError, match="each > 0"):
        fluctuation_audit(sc, beta=1.0, initial=[1.0, 0.0, 0.0], rng=rng)
    with pytest.raises(ParameterError, match="3 level probabilities"):
        fluctuation_audit(sc, beta=1.0, initial=[0.5, 0.5], rng=rng)
    with pytest.raises(ParameterError, match="std > 0"):
        fluctuation_audit(RotatingDisk(1.0), beta=1.0, initial=(0.0, -1.0), rng=rng)
    with pytest.raises(ParameterError, match="not both"):
        fluctuation_audit(sc, beta=1.0, temperature=1.0, rng=rng)
    with pytest.raises(ParameterError, match="kicks"):
        fluctuation_audit(sc, beta=1.0, kicks="boltzmann", rng=rng)
    with pytest.raises(ParameterError, match="sides"):
        fluctuation_audit(sc, beta=1.0, sides=3, rng=rng)
    with pytest.raises(ParameterError, match="rng"):
        fluctuation_audit(sc, beta=1.0, rng=1)
    a = fluctuation_audit(sc, temperature=2.0, n_samples=1000, rng=rng)  # temperature= spelling
    assert abs(a.ift - 1.0) < QUAD
