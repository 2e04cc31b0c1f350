"""Independent re-implementations (reviewer) compared with the public API of thermalize.classical.

Every reference here is written from Ehrich et al., Physica A 552, 122108 (2020), not from the
package's code, and evaluated at random parameters far from the paper's (other beta, masses,
box sizes, time steps, level structures, mass ratios).
"""

import itertools

import numpy as np
import pytest
from scipy import integrate, stats

from thermalize.classical import (
    CallableRule,
    DiscreteScatterer,
    HeatPump,
    Richardson,
    RotatingDisk,
    check_microreversibility,
    colliding_speed_cdf,
    colliding_velocity_pdf,
    collision_probability,
    jacobian,
    jacobian_determinant,
    kick_markov_matrix,
    level_change_map,
    polygon_area,
    simulate_collisions,
    stationary_distribution,
)
from thermalize.errors import ParameterError


def _random_gas(rng):
    return np.exp(rng.uniform(-2.0, 2.0, 4))  # beta, mass, length, dt over e^(+-2)


def _own_pi_c(beta, mass, length, dt):
    """pi_c = int rho_Max(v) min(|v| dt, L)/(2L) dv (Eq. 25, line 1, integrated over y first)."""

    def f(v):
        return (
            np.sqrt(beta * mass / (2 * np.pi))
            * np.exp(-beta * mass * v * v / 2)
            * (min(v * dt, length) / (2 * length))
        )

    vc = length / dt
    kw = {"epsabs": 0.0, "epsrel": 1e-13, "limit": 200}
    return 2 * (integrate.quad(f, 0, vc, **kw)[0] + integrate.quad(f, vc, np.inf, **kw)[0])


@pytest.mark.parametrize("seed", range(4))
def test_collision_probability_and_colliding_law_at_random_parameters(seed):
    rng = np.random.default_rng(100 + seed)
    beta, mass, length, dt = _random_gas(rng)
    pi_c = _own_pi_c(beta, mass, length, dt)
    # quad at epsrel 1e-13 on a smooth integrand split at the kink v = L/dt: 1e-10 is ample
    assert float(collision_probability(beta, mass, length, dt)) == pytest.approx(pi_c, rel=1e-10)
    v = np.linspace(-4, 4, 17) / np.sqrt(beta * mass)
    own_pdf = (
        np.sqrt(beta * mass / (2 * np.pi))
        * np.exp(-beta * mass * v * v / 2)
        * np.minimum(np.abs(v) * dt, length)
        / (2 * length * pi_c)
    )
    # closed-form expressions on both sides, rounding only
    np.testing.assert_allclose(colliding_velocity_pdf(v, beta, mass, length, dt), own_pdf, 1e-10)
    # our own MC of free flights: hit fraction within 4 standard errors of pi_c
    n = 400_000
    y = rng.uniform(-length, length, n)
    vel = rng.normal(0.0, 1.0 / np.sqrt(beta * mass), n)
    hit = y * (y + vel * dt) < 0
    se = np.sqrt(pi_c * (1 - pi_c) / n)
    assert abs(hit.mean() - pi_c) < 4 * se
    # the package's sampled colliders follow the exact finite-L law (KS; fixed seed, p > 1e-3)
    sample = simulate_collisions(beta, mass, length, dt, 200_000, rng=np.random.default_rng(seed))
    cdf = lambda u: colliding_speed_cdf(u, beta, mass, length, dt)
    assert stats.kstest(np.abs(sample.velocities), cdf).pvalue > 1e-3


def _own_markov_matrix(levels, prob, beta, kicks):
    """M[s, s'] = int f(K) p(s'|K, s) dK with f the kick-energy law, split at opening energies.

    Effusion kicks (one-sided speed law beta m v exp(-beta m v^2/2)) give K ~ Exp(beta);
    Maxwell speeds give K ~ Gamma(1/2, 1/beta). Neither depends on the mass.
    """
    if kicks == "effusion":
        dens = lambda k: beta * np.exp(-beta * k)
    else:
        dens = lambda k: np.exp(-beta * k) * np.sqrt(beta / (np.pi * k))
    n = len(levels)
    out = np.zeros((n, n))
    for s in range(n):
        cuts = sorted({0.0, *(levels[j] - levels[s] for j in range(n) if levels[j] > levels[s])})
        edges = [*cuts, np.inf]
        for t in range(n):
            for a, b in itertools.pairwise(edges):
                out[s, t] += integrate.quad(
                    lambda k, s=s, t=t: dens(k) * prob(k, s)[t],
                    a,
                    b,
                    epsabs=1e-14,
                    epsrel=1e-12,
                    limit=200,
                )[0]
    return out


def _uniform_prob(levels):
    def p(k, s):
        op = levels <= levels[s] + k
        return op / op.sum()

    return p


def _symmetric_prob(levels, seed):
    """A smooth micro-reversible rule: P(E)[s, s'] symmetric stochastic on the open levels."""
    g = np.random.default_rng(seed).uniform(0, 1, (len(levels),) * 2)
    g = (g + g.T) / 2
    n = len(levels)

    def p(k, s):
        e = levels[s] + k
        row = g[s] * (levels <= e) / n * (1 + np.tanh(e)) / 2
        row[s] = 0.0
        row[s] = 1.0 - row.sum()
        return row

    return p


def _as_rule(prob):
    return CallableRule(
        lambda k, s, lv: np.array([prob(float(kk), int(ss)) for kk, ss in zip(k, s)])
    )


@pytest.mark.parametrize("seed", range(3))
def test_markov_matrices_vs_own_quadrature_random_levels(seed):
    rng = np.random.default_rng(200 + seed)
    n = int(rng.integers(4, 7))
    levels = np.sort(rng.uniform(0.0, 3.0, n))
    beta, mass = np.exp(rng.uniform(-1, 1, 2))
    gibbs = np.exp(-beta * levels) / np.exp(-beta * levels).sum()
    for prob, rule in (
        (_uniform_prob(levels), "uniform"),
        (_symmetric_prob(levels, seed), None),
    ):
        sc = DiscreteScatterer(levels, rule if rule is not None else _as_rule(prob))
        assert check_microreversibility(sc).holds
        for kicks in ("effusion", "maxwell"):
            own = _own_markov_matrix(levels, prob, beta, kicks)
            pkg = kick_markov_matrix(sc, beta, mass, kicks)
            # adaptive quad at epsrel 1e-12 vs the package's piecewise Gauss rule: the
            # Maxwell integrand has a 1/sqrt(K) endpoint singularity, hence 1e-10 not 1e-13
            np.testing.assert_allclose(pkg, own, rtol=0, atol=1e-10)
            p = stationary_distribution(pkg)
            if kicks == "effusion":  # Eq. (26)-(27): Gibbs for every micro-reversible rule
                np.testing.assert_allclose(p, gibbs, rtol=0, atol=1e-12)
            else:  # Maxwell kicks do not thermalize (distance is O(0.1) for these levels)
                assert np.max(np.abs(p - gibbs)) > 1e-2


def test_violating_user_rule_is_flagged_and_not_gibbs():
    levels = np.array([0.0, 0.4, 1.1, 1.5, 2.7])
    n = len(levels)

    def biased(k, s):  # always prefers the highest open level: p(s'|.) not symmetric
        op = np.flatnonzero(levels <= levels[s] + k)
        row = np.zeros(n)
        row[op] = 0.5 / op.size
        row[op[-1]] += 0.5
        return row

    sc = DiscreteScatterer(levels, _as_rule(biased))
    assert not check_microreversibility(sc).holds
    p = stationary_distribution(kick_markov_matrix(sc, 1.3, 0.7))
    gibbs = np.exp(-1.3 * levels) / np.exp(-1.3 * levels).sum()
    assert np.max(np.abs(p - gibbs)) > 1e-2


@pytest.mark.parametrize("dim", [1, 2, 3, 5])
def test_jacobian_of_random_maps_with_known_determinant(dim):
    rng = np.random.default_rng(300 + dim)
    a, b, c = rng.normal(size=(dim, dim)), rng.normal(size=(dim, dim)), rng.normal(size=dim)

    def f(x):
        x = np.asarray(x)
        return a @ x + c * x**3 + np.sin(b @ x)

    for _ in range(3):
        x = rng.normal(size=dim)
        exact = abs(np.linalg.det(a + np.diag(3 * c * x**2) + np.cos(b @ x)[:, None] * b))
        # complex step: exact derivatives up to rounding of the entries (~1e-15 relative)
        assert float(jacobian_determinant(f, x)) == pytest.approx(exact, rel=1e-12)
        est = jacobian(f, x, method=Richardson())
        rich = float(jacobian_determinant(f, x, method=Richardson()))
        # Richardson: its own error estimate must bound the true error (plus rounding)
        assert abs(rich - exact) <= est.error + 1e-13 * exact


def test_liouville_eq21_and_eq32_at_random_parameters():
    rng = np.random.default_rng(400)
    for _ in range(5):
        de, mass, dt = rng.uniform(-3, 3), np.exp(rng.uniform(-1, 1)), np.exp(rng.uniform(-1, 1))
        v = np.sqrt(max(2 * de / mass, 0.0) + 0.5 + rng.uniform(0, 3))
        y = -rng.uniform(0, v * dt)
        # Eq. (21): exactly 1; complex step is exact to rounding
        assert float(jacobian_determinant(level_change_map(de, mass, dt), [y, v])) == (
            pytest.approx(1.0, abs=1e-12)
        )
        mu = np.exp(rng.uniform(-2, 2))
        disk = RotatingDisk(mu)
        om = rng.normal()
        point = np.array([y, v, rng.uniform(0, 6), om])
        v_new = -(1 - mu) / (1 + mu) * v + 2 / (1 + mu) * om
        # Eq. (32): |v'/v|, Eq. (30): 1 (complex step, rounding only)
        assert float(jacobian_determinant(disk.collision_map(dt), point)) == pytest.approx(
            abs(v_new / v), rel=1e-12
        )
        assert float(jacobian_determinant(disk.velocity_map(), [v, om])) == pytest.approx(
            1.0, abs=1e-12
        )


def _kick_pdf(v, beta, mass, kicks, sides):
    if kicks == "maxwell":
        return np.sqrt(beta * mass / 2 / np.pi) * np.exp(-beta * mass * v * v / 2)
    if sides == 1:
        return np.where(v > 0, beta * mass * v * np.exp(-beta * mass * v * v / 2), 0.0)
    return beta * mass / 2 * np.abs(v) * np.exp(-beta * mass * v * v / 2)


def _kick_sample(n, beta, mass, kicks, sides, rng):
    if kicks == "maxwell":
        return rng.normal(0, 1 / np.sqrt(beta * mass), n)
    speed = np.sqrt(-2 * np.log1p(-rng.random(n)) / (beta * mass))
    return speed if sides == 1 else speed * rng.choice([-1.0, 1.0], n)


@pytest.mark.parametrize("seed", range(3))
def test_disk_kernel_energy_and_eq35_vs_own_chain(seed):
    rng = np.random.default_rng(500 + seed)
    mu, beta, mass = np.exp(rng.uniform(-1.5, 1.5)), *np.exp(rng.uniform(-1, 1, 2))
    inertia = mass / mu
    a, b = (1 - mu) / (1 + mu), 2 * mu / (1 + mu)  # Eq. (29)
    disk = RotatingDisk(mu)
    for kicks, sides in (("effusion", 1), ("effusion", 2), ("maxwell", 2)):
        w = rng.normal(size=6) / np.sqrt(beta * inertia)
        wn = rng.normal(size=6) / np.sqrt(beta * inertia)
        own = _kick_pdf((wn - a * w) / b, beta, mass, kicks, sides) / b  # Eq. (33)-(34)
        np.testing.assert_allclose(disk.kernel(w, wn, beta=beta, mass=mass, kicks=kicks, sides=sides), own, 1e-12)
        # own Monte Carlo of the omega chain; error bar from the spread over replicas
        reps, steps, burn = 2000, 300, 60
        om = np.zeros(reps)
        acc = np.zeros(reps)
        for k in range(steps):
            om = a * om + b * _kick_sample(reps, beta, mass, kicks, sides, rng)
            if k >= burn:
                acc += inertia * om**2 / 2
        per = acc / (steps - burn)
        mean, se = per.mean(), per.std(ddof=1) / np.sqrt(reps)
        exact = disk.stationary_moments(beta, mass, kicks, sides).mean_energy
        assert abs(mean - exact) < 4 * se  # Monte Carlo: 4 standard errors
        # and the closed forms derived independently (<I w^2/2> = (m/2)(Var v + <v>^2/mu))
        if (kicks, sides) == ("effusion", 1):
            closed = (1 - np.pi / 4 + np.pi / (4 * mu)) / beta
        else:
            closed = (1.0 if kicks == "effusion" else 0.5) / beta
        assert exact == pytest.approx(closed, rel=1e-12)  # rounding only
    # Eq. (35) with the time-reversed denominator rho(-w|-w'), two-sided effusion
    w, wn = 0.3 / np.sqrt(beta * inertia), 1.1 / np.sqrt(beta * inertia)
    num = _kick_pdf((wn - a * w) / b, beta, mass, "effusion", 2)
    den = _kick_pdf((a * wn - w) / b, beta, mass, "effusion", 2)
    closed = abs((wn - w + mu * (wn + w)) / (wn - w - mu * (wn + w))) * np.exp(
        -beta * inertia * (wn**2 - w**2) / 2
    )
    assert num / den == pytest.approx(closed, rel=1e-10)  # algebraic identity, rounding only
    ratio = disk.detailed_balance_ratio(w, wn, beta, mass, "effusion", 2)
    assert float(ratio) == pytest.approx(closed, rel=1e-10)
    closed_pkg = disk.detailed_balance_ratio_closed_form(w, wn, beta, mass)
    assert float(closed_pkg) == pytest.approx(closed, rel=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_heat_pump_vs_own_moment_recursion(seed):
    rng = np.random.default_rng(600 + seed)
    mu, bc, mass = np.exp(rng.uniform(-1, 1, 3))
    bh = bc / rng.uniform(1.0, 2.5)
    r, nc, sides = rng.uniform(0, 0.8), int(rng.integers(1, 4)), int(rng.integers(1, 3))
    inertia, a, b = mass / mu, (1 - mu) / (1 + mu), 2 * mu / (1 + mu)
    v1 = np.sqrt(np.pi / (2 * bc * mass)) if sides == 1 else 0.0  # effusion <v>
    v2 = 2 / (bc * mass)  # effusion <v^2>
    m1 = m2 = 0.0
    for _ in range(5000):  # iterate the cycle's moment map to its fixed point
        e_start = inertia * m2 / 2
        for _k in range(nc):
            m1, m2 = a * m1 + b * v1, a * a * m2 + 2 * a * b * v1 * m1 + b * b * v2
        e_cold = inertia * m2 / 2
        m1, m2 = r * m1, r * r * m2 + (1 - r * r) / (bh * inertia)
    q_cold, q_hot = e_cold - e_start, e_cold - inertia * m2 / 2
    pump = HeatPump(
        RotatingDisk(mu), beta_cold=bc, beta_hot=bh, mass=mass, hot_relaxation=r,
        cold_collisions=nc, sides=sides,
    )
    flows = pump.heat_flows()
    # contraction factor <= max(a^2, r^2)^5000: converged to rounding; 1e-10 absolute
    assert flows.heat_from_cold == pytest.approx(q_cold, abs=1e-10)
    assert flows.heat_to_hot == pytest.approx(q_hot, abs=1e-10)
    assert flows.entropy_production == pytest.approx(q_hot * bh - q_cold * bc, abs=1e-10)


def test_paper_heat_pump_has_negative_entropy_production_for_hot_between_1_and_2_cold():
    for ratio in (1.1, 1.5, 1.9):  # Sec. 5: T_cold < T_hot < 2 T_cold, mu = 1, full relaxation
        f = HeatPump(RotatingDisk(1.0), beta_cold=2.0, beta_hot=2.0 / ratio).heat_flows()
        assert f.heat_to_hot == pytest.approx((1 - ratio / 2) / 2.0, abs=1e-12)  # k(Tc - Th/2)
        assert f.entropy_production < 0


BAD_INPUTS = {
    "velocity": lambda: colliding_velocity_pdf(np.nan, 1.0, 1.0, 1.0, 1.0),
    "speed": lambda: colliding_speed_cdf(np.nan, 1.0, 1.0, 1.0, 1.0),
    "n_particles": lambda: simulate_collisions(1, 1, 1, 1, 0, rng=np.random.default_rng(0)),
    "points": lambda: polygon_area(np.ones((3, 3))),
    "omega": lambda: RotatingDisk(1.0).kernel(np.nan, 0.2, beta=1.0, mass=1.0),
    "omega_new": lambda: RotatingDisk(1.0).detailed_balance_ratio_closed_form(0.1, np.nan, 1, 1),
    "velocity ": lambda: RotatingDisk(0.5).collide(np.nan, 1.0),
    "level": lambda: DiscreteScatterer.example().transition_probabilities([1.0], [7]),
    "kinetic_energy": lambda: DiscreteScatterer.example().transition_probabilities([-1.0], [0]),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_names_the_parameter(name):
    with pytest.raises(ParameterError, match=name.strip()):
        BAD_INPUTS[name]()


def test_speed_cdf_is_zero_below_zero():
    # a CDF of |v| vanishes for negative arguments (it used to return the CDF at |u|)
    assert float(colliding_speed_cdf(-0.7, 1.3, 0.8, 2.0, 0.5)) == 0.0
