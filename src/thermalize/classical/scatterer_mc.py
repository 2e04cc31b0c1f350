"""Monte Carlo of a discrete-level scatterer: kick chain and explicit gas particles.

Ehrich et al., Physica A 552, 122108 (2020): the kick chain samples the speed law of Eq. (26)
directly; the explicit-particle simulation draws positions and Maxwell velocities, flies
them freely and collides only those that cross the scatterer (Eqs. 22-23).
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import special

from ..errors import ParameterError, PhysicsWarning, require_int
from ._checks import check_samples, positive_real, with_temperature
from ._crossing import CrossingSampler
from ._kicks import check_kicks
from ._occupancy import PopulationEstimate, _estimate, _Occupancy
from ._progress import bar, steps
from .gas import _check_count, _check_rng
from .scatterer import DiscreteScatterer

__all__ = [
    "DirectDraw",
    "PopulationEstimate",
    "Thinned",
    "simulate_explicit_particles",
    "simulate_kick_chain",
]

#: Largest fraction of gas particles allowed to fly farther than L in dt before warning.
FAST_FRACTION_WARN = 1e-6


#: Thinned method: candidates per replica per block of steps, and replicas per pass, which
#: bound the work arrays to about 26 x 2^18 entries.
_CANDIDATES_PER_BLOCK = 16
_ROWS_PER_PASS = 1 << 12


@dataclass(frozen=True)
class Thinned:
    """Explicit particles drawn only where they can reach the scatterer (exact in law).

    The steps between particles that might cross are geometric; those get a position, a
    Maxwell speed by rejection under a cell envelope, and the crossing test
    (`thermalize.classical._crossing`). The default method of `simulate_explicit_particles`.

    Attributes
    ----------
    cells : int
        Equal-mass cells covering the crossing region (>= 1); with 256 about 97 % of the
        candidates cross. More cells cost nothing per particle-step.
    """

    cells: int = 256

    def __post_init__(self) -> None:
        # 2^16 cells: a table of ~1.5 MB, far beyond the ~97 % efficiency of 256
        object.__setattr__(self, "cells", require_int("cells", self.cells, low=1, high=1 << 16))


@dataclass(frozen=True)
class DirectDraw:
    """Every particle drawn: position, Maxwell velocity and crossing test, step by step.

    The literal Eqs. (22)-(23) of Ehrich et al. (2020); the reference for `Thinned`, about
    3x slower (one Maxwell draw per particle-step).
    """


def _collide(
    scatterer: DiscreteScatterer, state: np.ndarray, kinetic: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """New levels after collisions with kinetic energies `kinetic`.

    Uses the rule's own exact sampler if it has one, else an inverse-CDF draw from the
    checked probabilities of `DiscreteScatterer.transition_probabilities`.
    """
    sampler = getattr(scatterer.rule, "_sample_unchecked", None)  # arguments checked here
    sampler = sampler or getattr(scatterer.rule, "sample", None)
    if sampler is not None:
        return sampler(kinetic, state, scatterer.levels, rng)
    cum = np.cumsum(scatterer.transition_probabilities(kinetic, state), axis=1)
    u = rng.random(state.size) * cum[:, -1]
    return np.argmax(cum > u[:, None], axis=1)


def _setup(scatterer, n_steps, n_replicas, burn_in, initial, rng):
    if not isinstance(scatterer, DiscreteScatterer):
        raise ParameterError(
            f"scatterer must be a DiscreteScatterer, got {type(scatterer).__name__}"
        )
    _check_rng(rng)
    n_steps = _check_count("n_steps", n_steps)
    n_replicas = _check_count("n_replicas", n_replicas)
    if n_steps < 1 or n_replicas < 2:
        raise ParameterError(
            f"need n_steps >= 1 and n_replicas >= 2 (for an error bar), got "
            f"n_steps={n_steps}, n_replicas={n_replicas}"
        )
    burn_in = n_steps // 5 if burn_in is None else _check_count("burn_in", burn_in)
    if burn_in >= n_steps:
        raise ParameterError(f"burn_in={burn_in} must be smaller than n_steps={n_steps}")
    n = scatterer.n_levels
    # per replica: state, occupancy counts (n levels) and ~8 float work arrays
    check_samples("n_steps x n_replicas", n_steps, n_replicas, per_sample_bytes=8 * (n + 10),
                  rows=n_replicas)
    if initial is None:
        state = rng.integers(n, size=n_replicas)
    else:
        arr = np.asarray(initial) if not isinstance(initial, (str, bytes)) else np.asarray(0.5)
        if arr.dtype.kind not in "iu" or arr.ndim > 1:
            raise ParameterError(
                f"initial: expected a level index or an integer array, got {initial!r} "
                f"({type(initial).__name__})"
            )
        try:
            state = np.broadcast_to(arr, (n_replicas,)).astype(np.int64)
        except ValueError as exc:
            raise ParameterError(
                f"initial has shape {arr.shape}; allowed: a scalar or shape ({n_replicas},)"
            ) from exc
        if np.any((state < 0) | (state >= n)):
            raise ParameterError(f"initial level(s) {initial!r} outside the range [0, {n - 1}]")
    return n_steps, n_replicas, burn_in, state.copy()


@with_temperature
def simulate_kick_chain(
    scatterer: DiscreteScatterer,
    beta: float,
    mass: float,
    kicks: str = "effusion",
    *,
    n_steps: int,
    n_replicas: int,
    rng: np.random.Generator,
    burn_in: int | None = None,
    initial=None,
    progress: bool = False,
) -> PopulationEstimate:
    """Monte Carlo of the collision-to-collision chain of `kick_markov_matrix`.

    Every step is a collision with a particle whose kinetic energy K = m v^2/2 is drawn
    from the effusion law (K exponential with mean kT) or the Maxwell law (K = kT Z^2/2,
    Z standard normal). Replicas run in parallel (vectorised).

    Parameters
    ----------
    scatterer : DiscreteScatterer
    beta, mass : float, > 0
    kicks : {"effusion", "maxwell"}
    n_steps, n_replicas : int
        Collisions per replica and number of independent replicas (>= 2).
    rng : numpy.random.Generator
    burn_in : int, optional
        Steps discarded before averaging (default n_steps // 5).
    initial : int or array of int, optional
        Initial level(s); default uniformly random.
    progress : bool
        Show a tqdm bar over the steps.

    Returns
    -------
    PopulationEstimate

    Examples
    --------
    >>> est = simulate_kick_chain(DiscreteScatterer.example(), 1.0, 1.0, n_steps=200,
    ...                           n_replicas=50, rng=np.random.default_rng(0))
    >>> est.populations.shape
    (3,)
    """
    beta = positive_real("beta", beta)
    positive_real("mass", mass)
    check_kicks(kicks)
    n_steps, n_replicas, burn_in, state = _setup(
        scatterer, n_steps, n_replicas, burn_in, initial, rng
    )
    n = scatterer.n_levels
    occ = _Occupancy(state, n, burn_in)
    every = np.arange(n_replicas)
    for step in steps(n_steps, progress, "kick chain"):
        if kicks == "effusion":
            kin = rng.exponential(1.0 / beta, n_replicas)
        else:
            kin = 0.5 * rng.standard_normal(n_replicas) ** 2 / beta
        new = _collide(scatterer, state, kin, rng)
        occ.change(step, every, state, new)
        state = new
    return _estimate(
        occ.close(n_steps, state),
        np.full(n_replicas, float(n_steps)),
        n_replicas,
        n_steps,
        burn_in,
        n,
    )


@with_temperature
def simulate_explicit_particles(
    scatterer: DiscreteScatterer,
    beta: float,
    mass: float,
    length: float,
    dt: float,
    *,
    n_steps: int,
    n_replicas: int,
    rng: np.random.Generator,
    burn_in: int | None = None,
    initial=None,
    method: Thinned | DirectDraw = Thinned(),
    progress: bool = False,
) -> PopulationEstimate:
    """Explicit-particle Monte Carlo of the scatterer in an equilibrium gas (Eqs. 22-23).

    In every time step dt each replica meets a fresh gas particle with position uniform on
    [-L, L] and Maxwell velocity (Eq. 24); it flies freely and, if it crosses the scatterer
    at 0 (``0 < -y < v dt`` or the mirror image), collides with kinetic energy m v^2/2.
    No velocity law is imposed on the collisions: the effusion law emerges from the
    crossing condition (Eq. 26). Vectorised over replicas.

    Parameters
    ----------
    scatterer : DiscreteScatterer
    beta, mass, length, dt : float, > 0
        Gas inverse temperature and mass, half-length L of the box, time step.
    n_steps, n_replicas : int
        Time steps per replica (particle-steps = n_steps * n_replicas) and replicas (>= 2).
    rng : numpy.random.Generator
    burn_in : int, optional
        Steps discarded before averaging (default n_steps // 5).
    initial : int or array of int, optional
    method : Thinned or DirectDraw
        `DirectDraw()` draws the position and the velocity of every particle and tests the
        crossing. `Thinned()` (default; 3x faster at L/dt = 5 thermal speeds, more in
        larger boxes) draws the same particles exactly in law but skips those that cannot
        reach the scatterer. Both give the same distribution of every result (tested), not
        the same numbers for a seed.
    progress : bool
        Show a tqdm bar over the time steps.

    Returns
    -------
    PopulationEstimate
        ``collision_fraction`` estimates pi_c of Eq. (25).

    Notes
    -----
    Eq. (22) assumes |v| dt < L; faster particles see the box edge, which biases the kicks
    towards the Maxwell law (see `colliding_velocity_pdf`). Choose L/dt several thermal
    speeds 1/sqrt(beta m) for the stationary state to be Gibbs to the accuracy wanted; a
    `PhysicsWarning` is issued when more than 1e-6 of the particles have |v| dt > L
    (L/dt below about 4.9 thermal speeds).

    Examples
    --------
    >>> est = simulate_explicit_particles(DiscreteScatterer.example(), 1.0, 1.0, 5.0, 1.0,
    ...     n_steps=100, n_replicas=20, rng=np.random.default_rng(0))
    >>> 0.0 < est.collision_fraction < 1.0
    True
    """
    beta, mass, length, dt = (
        positive_real(name, value)
        for name, value in (("beta", beta), ("mass", mass), ("length", length), ("dt", dt))
    )
    if not isinstance(method, (Thinned, DirectDraw)):
        raise ParameterError(f"method={method!r} must be Thinned(...) or DirectDraw()")
    n_steps, n_replicas, burn_in, state = _setup(
        scatterer, n_steps, n_replicas, burn_in, initial, rng
    )
    sigma = 1.0 / np.sqrt(beta * mass)
    reach = sigma * dt / (2.0 * length)  # the thermal flight in one step, in box units
    if not (1e-12 <= reach <= 1e12) or not np.isfinite(sigma * sigma * mass):
        raise ParameterError(
            f"sigma dt/(2 L) = {reach:.3g} (sigma = 1/sqrt(beta mass)) is outside [1e-12, 1e12] "
            f"at beta={beta!r}, mass={mass!r}, length={length!r}, dt={dt!r}: pi_c would "
            "under- or overflow; move length/dt towards a few thermal speeds"
        )
    fast = float(special.erfc(length / (np.sqrt(2.0) * sigma * dt)))  # P(|v| dt > L)
    if fast > FAST_FRACTION_WARN:
        warnings.warn(
            f"L/dt = {length / dt:.3g} is only {length / (dt * sigma):.3g} thermal speeds: a "
            f"fraction {fast:.2g} of the particles fly farther than L in dt, outside the "
            "validity |v| dt < L of Eq. (22) (Ehrich et al. 2020); the collisions are not "
            "effusive and the stationary state is biased away from Gibbs",
            PhysicsWarning,
            stacklevel=2,
        )
    occ = _Occupancy(state, scatterer.n_levels, burn_in)
    hits = np.zeros(n_replicas)
    # units of the box: y / (2 L) uniform on [-1/2, 1/2], z = v / sigma standard normal;
    # the flight y + v dt crosses 0 iff y / (2 L) and y / (2 L) + reach z differ in sign
    reach = sigma * dt / (2.0 * length)
    kinetic_unit = 0.5 * mass * sigma * sigma  # m v^2 / 2 = kinetic_unit z^2
    match method:
        case DirectDraw():
            _explicit_direct(
                scatterer, reach, kinetic_unit, n_steps, state, occ, hits, rng, progress
            )
        case Thinned(cells=cells):
            _explicit_thinned(
                scatterer,
                CrossingSampler(reach, cells),
                kinetic_unit,
                n_steps,
                state,
                occ,
                hits,
                rng,
                progress,
            )
    est = _estimate(
        occ.close(n_steps, state), hits, n_replicas, n_steps, burn_in, scatterer.n_levels
    )
    return dataclasses.replace(est, method=method)


def _apply(scatterer, step, idx, kinetic, state, occ, hits, rng) -> None:
    """Collide replicas `idx` at `step` with particles of kinetic energies `kinetic`."""
    hits[idx] += 1.0
    old = state[idx]
    new = _collide(scatterer, old, kinetic, rng)
    occ.change(step, idx, old, new)
    state[idx] = new


def _explicit_direct(
    scatterer, reach, kinetic_unit, n_steps, state, occ, hits, rng, progress
) -> None:
    """Every particle drawn: position, Maxwell velocity, crossing test, step by step."""
    n_replicas = state.size
    y = np.empty(n_replicas)
    v = np.empty(n_replicas)
    flight = np.empty(n_replicas)
    for step in steps(n_steps, progress, "explicit particles"):
        rng.random(out=y)
        y -= 0.5  # position / (2 L), uniform on [-1/2, 1/2]
        rng.standard_normal(out=v)  # velocity / sigma (Maxwell, Eq. 24)
        np.multiply(v, reach, out=flight)
        flight += y  # (y + v dt) / (2 L): free flight
        flight *= y  # < 0 iff the flight crosses the scatterer at 0
        idx = np.flatnonzero(flight < 0.0)
        if idx.size:
            _apply(scatterer, step, idx, kinetic_unit * v[idx] ** 2, state, occ, hits, rng)


def _explicit_thinned(
    scatterer, sampler, kinetic_unit, n_steps, state, occ, hits, rng, progress
) -> None:
    """Only the particles that might reach the scatterer are drawn (exact thinning).

    Steps are processed in blocks; within a block each replica's candidate steps (geometric
    gaps) are drawn at once, the candidates' crossings tested at once, and the collisions
    applied in step order ("the k-th candidate of every replica" together).
    """
    q = sampler.candidate_probability
    block = max(1, int(_CANDIDATES_PER_BLOCK / q))
    nxt = sampler.gaps(state.size, rng) - 1  # each replica's next candidate step
    shown = bar(n_steps, progress, "explicit particles")
    for start in range(0, n_steps, block):
        shown.update(start - shown.n)
        end = min(start + block, n_steps)
        mean = q * (end - start)
        # candidates drawn per replica: enough for ~85 % of them in the first pass, the
        # rest continue in short further passes
        k = int(mean + np.sqrt(mean)) + 1
        pending = np.flatnonzero(nxt < end)
        while pending.size:
            rest = []
            for lo in range(0, pending.size, _ROWS_PER_PASS):
                rows = pending[lo : lo + _ROWS_PER_PASS]
                rest.append(
                    _thinned_pass(
                        scatterer, sampler, kinetic_unit, rows, k, end, nxt, state, occ, hits, rng
                    )
                )
            pending = np.concatenate(rest)
            k = int(np.sqrt(mean)) + 2
    shown.update(n_steps - shown.n)
    shown.close()


def _thinned_pass(scatterer, sampler, kinetic_unit, rows, k, end, nxt, state, occ, hits, rng):
    """The next k candidates of replicas `rows` before step `end`; returns rows not done."""
    m = rows.size
    gaps = sampler.gaps((k, m), rng)
    steps = np.empty((k, m), dtype=np.int64)
    steps[0] = nxt[rows]
    for j in range(1, k):  # row by row: much faster than cumsum along axis 0
        np.add(steps[j - 1], gaps[j - 1], out=steps[j])
    valid = steps < end
    count = valid.sum(axis=0)
    full = count == k
    nxt[rows] = np.where(full, steps[-1] + gaps[-1], steps[np.minimum(count, k - 1), np.arange(m)])
    flat = np.flatnonzero(valid)  # j * m + c, ordered by j: in step order per replica
    crossed, speed = sampler.cross(flat.size, rng)
    flat = flat[crossed]
    col = flat % m
    hits[rows] += np.bincount(col, minlength=m)
    who = rows[col]
    speed = speed[crossed]
    speed *= speed
    speed *= kinetic_unit  # kinetic energies m v^2 / 2
    old = np.empty(flat.size, dtype=np.int64)
    new = np.empty(flat.size, dtype=np.int64)
    bounds = np.searchsorted(flat, np.arange(k + 1) * m)
    for a, b in itertools.pairwise(bounds):
        if a < b:  # the j-th candidates that crossed: one per replica at most
            idx = who[a:b]
            old[a:b] = state[idx]
            new[a:b] = _collide(scatterer, old[a:b], speed[a:b], rng)
            state[idx] = new[a:b]
    occ.change_many(rows, col, old, new, steps.ravel()[flat])
    more = rows[full]
    return more[nxt[more] < end]
