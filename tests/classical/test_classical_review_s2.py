"""Independent review of the explicit-particle Monte Carlo (Ehrich et al. 2020, Eqs. 22-27).

Everything here is re-derived from the physics, not from the implementation:

* A gas particle has position y uniform on [-L, L] and velocity v ~ N(0, sigma^2),
  sigma^2 = 1/(beta m). It collides iff its free flight y -> y + v dt crosses 0, i.e. iff
  y and v have opposite signs and |y| < |v| dt. Given v, P(cross | v) = min(|v| dt, L)/(2L)
  (|y| uniform on [0, L], and y must be on the side v comes from). Hence

      pi_c = int dv rho_Max(v) min(|v| dt, L) / (2L) = Q(X) + (phi(0) - phi(X)) / X,

  X = L/(sigma dt), Q the standard normal upper tail, phi its density (integrate
  int_0^X Q(u) du = X Q(X) + phi(0) - phi(X) by parts).
* The speed of a colliding particle has density proportional to rho_Max(v) min(|v| dt, L):
  the effusion law |v| rho_Max(v) (Eq. 27) when L/dt >> sigma, a Maxwell-like tail otherwise.
* Per time step, crossing and kick are independent of the scatterer's level, so the level
  chain per step is T = (1 - pi_c) I + pi_c M, M[s, s'] = E_kick[p(s'|K, s)], and the
  time-averaged populations converge to the stationary law of M (Gibbs when the kicks are
  effusive and the rule is micro-reversible, Eq. 17).

Own references: a literal per-particle sampler in physical units, closed forms above, and
M computed by adaptive quadrature (scipy quad_vec) of the rule against the exact kick law.
"""

import itertools
import math
import warnings

import numpy as np
import pytest
from scipy import integrate

from thermalize.classical import (
    CallableRule,
    DirectDraw,
    DiscreteScatterer,
    Thinned,
    UniformOpenRule,
    kick_markov_matrix,
    simulate_explicit_particles,
)
from thermalize.classical._crossing import CrossingSampler
from thermalize.errors import PhysicsWarning

# ------------------------------------------------------------------ own references


def pi_c_ref(beta, mass, length, dt):
    """Collision probability per step, derived in the module docstring."""
    x = length / (dt / math.sqrt(beta * mass))  # L / (sigma dt)
    q = 0.5 * math.erfc(x / math.sqrt(2.0))
    phi0 = 1.0 / math.sqrt(2.0 * math.pi)
    return q + (phi0 - phi0 * math.exp(-0.5 * x * x)) / x


def kick_speed_weight(v, beta, mass, length, dt):
    """Unnormalised density of the speed |v| of a colliding particle (v >= 0, both signs)."""
    sigma = 1.0 / math.sqrt(beta * mass)
    rho = np.exp(-0.5 * (v / sigma) ** 2) / (math.sqrt(2.0 * math.pi) * sigma)
    return 2.0 * rho * np.minimum(v * dt, length) / (2.0 * length)  # integrates to pi_c


def kinetic_cdf_ref(k, beta, mass, length, dt):
    """P(K <= k | collision), K = m v^2 / 2, by adaptive quadrature of the speed law."""
    vk = math.sqrt(2.0 * k / mass)
    knee = length / dt
    pts = [knee] if knee < vk else None
    val, _ = integrate.quad(
        kick_speed_weight,
        0.0,
        vk,
        args=(beta, mass, length, dt),
        points=pts,
        limit=200,
        epsabs=1e-13,
        epsrel=1e-11,
    )
    return val / pi_c_ref(beta, mass, length, dt)


def direct_reference(beta, mass, length, dt, n, rng):
    """Literal Eq. (22): n particles, physical units. Returns (crossed, kinetic energies)."""
    y = rng.uniform(-length, length, n)
    v = rng.normal(0.0, 1.0 / math.sqrt(beta * mass), n)
    y1 = y + v * dt
    crossed = ((y < 0) & (y1 > 0)) | ((y > 0) & (y1 < 0))
    return crossed, 0.5 * mass * v * v


def collision_matrix_ref(sc, beta, mass, length, dt):
    """M[s, s'] = int dv w(v) p(s'| m v^2/2, s) with w the exact colliding-speed law."""
    sigma = 1.0 / math.sqrt(beta * mass)
    lv = sc.levels
    pc = pi_c_ref(beta, mass, length, dt)
    vmax = 40.0 * sigma  # weight beyond: < exp(-800)
    n = lv.size
    out = np.zeros((n, n))
    for s in range(n):
        opens = [math.sqrt(2.0 * (e - lv[s]) / mass) for e in lv[s + 1 :]]
        pts = sorted(p for p in [*opens, length / dt] if p < vmax)

        def f(v, s=s):
            w = kick_speed_weight(v, beta, mass, length, dt) / pc
            return w * sc.transition_probabilities(np.array([0.5 * mass * v * v]), np.array([s]))[0]

        edges = [0.0, *pts, vmax]
        for lo, hi in itertools.pairwise(edges):
            if hi > lo:
                val, _ = integrate.quad_vec(f, lo, hi, epsabs=1e-12, epsrel=1e-10)
                out[s] += val
    return out


def stationary_ref(m):
    """Left null vector of M - I, normalised (own solve, via SVD)."""
    _, _, vh = np.linalg.svd(m.T - np.eye(m.shape[0]))
    p = np.abs(vh[-1])
    return p / p.sum()


def gibbs(levels, beta):
    w = np.exp(-beta * (levels - levels.min()))
    return w / w.sum()


def laplacian_rule(coupling):
    """Own micro-reversible, K-dependent rule (transmission only).

    At total energy E = eps_s + K the matrix P(E)[s, s'] = g(E) c[s, s'] (s != s', both
    open), P[s, s] = 1 - sum of the row, with c symmetric in (0, 1) and
    g(E) = 0.9 / ((n - 1)(1 + E^2)) <= 0.9/(n-1): symmetric, stochastic and nonnegative, so
    Eq. (17) holds and Gibbs must be stationary under effusive kicks.
    """
    c = np.array(coupling, dtype=float)
    n = c.shape[0]

    def f(kinetic, level, levels):
        level = np.asarray(level)
        e = levels[level] + kinetic
        op = (levels[None, :] <= e[:, None] + 1e-15).astype(float)
        g = 0.9 / ((n - 1) * (1.0 + e * e))
        p = g[:, None] * c[level] * op
        p[np.arange(level.size), level] = 0.0
        p[np.arange(level.size), level] = 1.0 - p.sum(axis=1)
        return p

    return CallableRule(f)


def up_rule(kinetic, level, levels):
    """Own NON micro-reversible rule: jump to the highest open level w.p. K/(1+K), else
    drop to the ground level (always open). Ergodic, relaxes within a few collisions."""
    level = np.asarray(level)
    e = levels[level] + kinetic
    top = np.searchsorted(levels, e, side="right") - 1
    h = kinetic / (1.0 + kinetic)
    p = np.zeros((level.size, levels.size))
    idx = np.arange(level.size)
    p[idx, 0] += 1.0 - h
    p[idx, top] += h
    return p


# ------------------------------------------------------------------ random parameters

_PRNG = np.random.default_rng(20240611)


def _random_gas(thermal_speeds):
    """(beta, mass, L, dt) with L/dt = thermal_speeds x sigma, all other values random."""
    beta = float(_PRNG.uniform(0.3, 3.0))
    mass = float(_PRNG.uniform(0.2, 5.0))
    dt = float(_PRNG.uniform(0.05, 2.0))
    sigma = 1.0 / math.sqrt(beta * mass)
    return beta, mass, thermal_speeds * sigma * dt, dt


# L/dt in thermal speeds: 0.15 and 0.7 -> |v| dt > L for most/many particles; 50 -> huge box
GASES = [_random_gas(t) for t in (0.15, 0.7, 2.3, 50.0)]


def _random_scatterer(n, rule, seed):
    r = np.random.default_rng(seed)
    lv = np.sort(r.uniform(-0.7, 2.5, n))
    return DiscreteScatterer(lv, rule)


# ------------------------------------------------------------------ closed forms


@pytest.mark.parametrize("gas", GASES)
def test_own_closed_form_pi_c_matches_quadrature_and_eq25(gas):
    """My pi_c (integration by parts) equals the quadrature of the speed law and Eq. (25)
    as printed; deterministic, so tolerance = quadrature accuracy (1e-10)."""
    beta, mass, length, dt = gas
    sigma = 1.0 / math.sqrt(beta * mass)
    quad, _ = integrate.quad(
        kick_speed_weight,
        0,
        40 * sigma,
        args=gas,
        points=[length / dt],
        limit=200,
        epsabs=1e-14,
    )
    mine = pi_c_ref(*gas)
    eq25 = (
        0.5 * math.erfc(math.sqrt(beta * mass / 2) * length / dt)
        + (1 - math.exp(-beta * mass * length**2 / (2 * dt**2)))
        / math.sqrt(2 * math.pi * beta * mass)
        * dt
        / length
    )
    assert mine == pytest.approx(quad, rel=1e-10)
    assert mine == pytest.approx(eq25, rel=1e-12)


@pytest.mark.parametrize("gas", GASES[:3])
def test_own_direct_sampler_matches_own_closed_forms(gas):
    """Sanity of the references: the literal sampler's crossing rate (4 binomial SE) and its
    colliding kinetic energies per decile bin of my CDF (4 binomial SE per bin; 10 bins)."""
    rng = np.random.default_rng(7)
    n = 400_000
    crossed, kin = direct_reference(*gas, n, rng)
    pc = pi_c_ref(*gas)
    assert abs(crossed.mean() - pc) < 4 * math.sqrt(pc * (1 - pc) / n)
    _check_kinetic_bins(kin[crossed], gas)


def _kinetic_edges(gas, nbins=10):
    """Bin edges of K at the deciles of my CDF (bisection on the monotone CDF)."""
    beta = gas[0]
    edges = [0.0]
    for q in np.arange(1, nbins) / nbins:
        lo, hi = 0.0, 60.0 / beta
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if kinetic_cdf_ref(mid, *gas) < q else (lo, mid)
        edges.append(0.5 * (lo + hi))
    return np.array([*edges, np.inf])


def _check_kinetic_bins(kin, gas, nbins=10):
    edges = _kinetic_edges(gas, nbins)
    counts = np.histogram(kin, edges)[0]
    p = 1.0 / nbins
    frac = counts / kin.size
    se = math.sqrt(p * (1 - p) / kin.size)  # binomial SE of one bin fraction
    assert np.all(np.abs(frac - p) < 4 * se), (frac, se)


# ------------------------------------------------------------------ CrossingSampler


@pytest.mark.parametrize("cells", [1, 3, 256])
@pytest.mark.parametrize("gas", GASES)
def test_crossing_sampler_rate_and_kick_law(gas, cells):
    """Thinned candidates: Q x P(cross | candidate) = pi_c (4 binomial SE of the crossed
    fraction, scaled by Q), and the colliding kinetic energies K = m sigma^2 s^2 / 2 fall
    into the deciles of my exact law with 4 binomial SE per bin."""
    beta, mass, length, dt = gas
    sigma = 1.0 / math.sqrt(beta * mass)
    reach = sigma * dt / (2 * length)
    sampler = CrossingSampler(reach, cells)
    rng = np.random.default_rng(100 + cells)
    n = 200_000
    crossed, s = sampler.cross(n, rng)
    q = sampler.candidate_probability
    pc = pi_c_ref(*gas)
    p = crossed.mean()
    assert q >= pc * (1 - 1e-12)  # the envelope must cover the crossing law
    assert abs(q * p - pc) < 4 * q * math.sqrt(p * (1 - p) / n)
    _check_kinetic_bins(0.5 * mass * (sigma * s[crossed]) ** 2, gas)


def test_crossing_sampler_gaps_law():
    """Gaps between candidates: geometric on {1, 2, ...} with parameter Q; P(gap = k) for
    k = 1..4 and the tail P(gap > 4) within 4 binomial SE each."""
    sampler = CrossingSampler(0.731, 5)
    q = sampler.candidate_probability
    g = sampler.gaps(300_000, np.random.default_rng(3))
    n = g.size
    for k in range(1, 5):
        p = (1 - q) ** (k - 1) * q
        assert abs((g == k).mean() - p) < 4 * math.sqrt(p * (1 - p) / n)
    p = (1 - q) ** 4
    assert abs((g > 4).mean() - p) < 4 * math.sqrt(p * (1 - p) / n)


# ------------------------------------------------------------------ full simulation


def _run(sc, gas, method, seed, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PhysicsWarning)  # small boxes are intended here
        return simulate_explicit_particles(
            sc, *gas, rng=np.random.default_rng(seed), method=method, **kw
        )


@pytest.mark.parametrize("method", [Thinned(), Thinned(cells=2), DirectDraw()])
@pytest.mark.parametrize("gas", GASES[:3])
def test_collision_fraction_and_its_spread(gas, method):
    """collision_fraction = pi_c within 4 SE (the run's own SE), and the spread between
    replicas is binomial: steps are independent Bernoulli(pi_c), so the per-replica fraction
    has variance pi_c (1 - pi_c) / n_steps; the sample variance over R replicas has relative
    SD sqrt(2/(R-1)) (near-normal counts), so it must agree within 4 x that."""
    sc = _random_scatterer(3, UniformOpenRule(0.2), 1)
    n_steps, n_rep = 300, 400
    est = _run(sc, gas, method, 11, n_steps=n_steps, n_replicas=n_rep)
    pc = pi_c_ref(*gas)
    assert abs(est.collision_fraction - pc) < 4 * est.collision_fraction_se
    var_sample = (est.collision_fraction_se * math.sqrt(n_rep)) ** 2
    var_exact = pc * (1 - pc) / n_steps
    assert abs(var_sample / var_exact - 1) < 4 * math.sqrt(2 / (n_rep - 1))


def _rules(n, seed):
    r = np.random.default_rng(seed)
    c = r.uniform(0.05, 1.0, (n, n))
    return [UniformOpenRule(float(r.uniform(0, 1))), laplacian_rule(0.5 * (c + c.T)), up_rule]


@pytest.mark.parametrize("rule_index", [0, 1, 2])
def test_large_box_stationary_law_is_kick_markov_and_gibbs(rule_index):
    """L/dt = 50 thermal speeds: kicks are effusive (weight of a s > 1/2 is e^-1250), so
    the exact stationary law is that of kick_markov_matrix(effusion), which my quadrature
    of the kick law reproduces (1e-8: quadrature accuracy), and which is Gibbs for the two
    micro-reversible rules (1e-8). The Thinned Monte Carlo agrees within 4 SE per level."""
    n = 3 + rule_index  # 3, 4, 5 levels
    gas = GASES[3]
    beta, mass = gas[:2]
    sc = _random_scatterer(n, _rules(n, 40 + rule_index)[rule_index], 50 + rule_index)
    exact = stationary_ref(kick_markov_matrix(sc, beta, mass))
    mine = stationary_ref(collision_matrix_ref(sc, *gas))
    np.testing.assert_allclose(mine, exact, atol=1e-8)
    if rule_index < 2:
        np.testing.assert_allclose(exact, gibbs(sc.levels, beta), atol=1e-8)
    pc = pi_c_ref(*gas)
    # ~ 150 collisions per replica (the slowest rule relaxes within ~10-20 collisions)
    est = _run(sc, gas, Thinned(), 60 + rule_index, n_steps=int(150 / pc), n_replicas=600)
    assert np.all(np.abs(est.populations - exact) < 4 * est.standard_error), (
        est.populations,
        exact,
        est.standard_error,
    )


@pytest.mark.parametrize("method", [Thinned(), DirectDraw()])
@pytest.mark.parametrize("gas_index", [0, 1])
def test_small_box_stationary_law_matches_own_kick_law(gas_index, method):
    """L/dt below one thermal speed: kicks are NOT effusive; the stationary law is that of my
    own M (exact colliding-speed law), which here differs from Gibbs. Both methods agree with
    it within 4 SE per level."""
    gas = GASES[gas_index]
    n = 4
    rule = _rules(n, 70 + gas_index)[1]
    sc = _random_scatterer(n, rule, 80 + gas_index)
    exact = stationary_ref(collision_matrix_ref(sc, *gas))
    est = _run(sc, gas, method, 90 + gas_index, n_steps=400, n_replicas=600)
    assert np.all(np.abs(est.populations - exact) < 4 * est.standard_error), (
        est.populations,
        exact,
        est.standard_error,
    )


@pytest.mark.parametrize("burn_in", [0, 37])
@pytest.mark.parametrize("method", [Thinned(), Thinned(cells=1), DirectDraw()])
def test_transient_time_average_matches_exact_step_chain(method, burn_in):
    """Start every replica in the top level; a slow (lazy) rule keeps the transient alive
    over ~100 steps, spanning several thinning blocks (16/Q steps each). The expected
    time average of the occupation over steps burn_in..n_steps-1 is
    mean_t p0 T^(t+1), T = (1 - pi_c) I + pi_c M (own M). Agreement within 4 SE per level
    tests when collisions happen, not only how many."""
    gas = GASES[1]  # pi_c ~ 0.3
    n = 3
    c = np.full((n, n), 0.15)
    sc = _random_scatterer(n, laplacian_rule(c), 5)
    pc = pi_c_ref(*gas)
    m = collision_matrix_ref(sc, *gas)
    t_mat = (1 - pc) * np.eye(n) + pc * m
    n_steps = 160
    p = np.zeros(n)
    p[-1] = 1.0
    acc = np.zeros(n)
    for t in range(n_steps):
        p = p @ t_mat
        if t >= burn_in:
            acc += p
    expected = acc / (n_steps - burn_in)
    est = _run(sc, gas, method, 3, n_steps=n_steps, n_replicas=3000, burn_in=burn_in, initial=n - 1)
    assert np.all(np.abs(est.populations - expected) < 4 * est.standard_error), (
        est.populations,
        expected,
        est.standard_error,
    )


@pytest.mark.parametrize("burn_in", [0, 1, 4])
@pytest.mark.parametrize("method", [Thinned(), DirectDraw()])
def test_step_resolved_law(method, burn_in):
    """n_steps = burn_in + 1 makes the estimate the law of the level after step burn_in,
    p0 T^(burn_in + 1) exactly (own T, fast UniformOpenRule, start in the top level). A
    collision booked one step late or early moves the top-level mass by ~pi_c (1-pi_c)^t
    x (1 - 1/N) ~ 0.1, i.e. > 10 SE here; agreement within 4 SE per level."""
    gas = GASES[1]
    n = 4
    sc = _random_scatterer(n, UniformOpenRule(0.4), 9)
    pc = pi_c_ref(*gas)
    t_mat = (1 - pc) * np.eye(n) + pc * collision_matrix_ref(sc, *gas)
    p = np.zeros(n)
    p[-1] = 1.0
    expected = p @ np.linalg.matrix_power(t_mat, burn_in + 1)
    est = _run(
        sc,
        gas,
        method,
        21 + burn_in,
        n_steps=burn_in + 1,
        n_replicas=4000,
        burn_in=burn_in,
        initial=n - 1,
    )
    assert np.all(np.abs(est.populations - expected) < 4 * est.standard_error), (
        est.populations,
        expected,
        est.standard_error,
    )
