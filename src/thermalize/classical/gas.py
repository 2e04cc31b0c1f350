"""A 1D ideal gas around a point scatterer: collision probability and colliding velocities.

Particles sit uniformly on [-L, L] with Maxwell velocities (Ehrich et al., Physica A 552,
122108 (2020), Eq. 24) and fly freely for a time dt; a collision is a crossing of the
scatterer at y = 0 (no walls: a fast particle crosses at most once).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate, special

from ..errors import ParameterError, require_dense_size
from ._checks import (
    MAX_PARTICLES,
    check_count,
    finite_result,
    positive_array,
    positive_real,
    real_array,
    with_temperature,
)

__all__ = [
    "CollisionSample",
    "colliding_speed_cdf",
    "colliding_velocity_pdf",
    "collision_probability",
    "collision_probability_asymptote",
    "collision_probability_quadrature",
    "crosses_scatterer",
    "sample_gas",
    "simulate_collisions",
]

_BATCH = 1 << 20  # particles per vectorised batch: ~16 MB of float64 work arrays


def _check(beta, mass, length, dt) -> tuple[float, float, float, float]:
    """Scalar parameters, each a finite real > 0 ("expected a real number" otherwise)."""
    return tuple(
        positive_real(name, value)
        for name, value in (("beta", beta), ("mass", mass), ("length", length), ("dt", dt))
    )


def _check_arrays(beta, mass, length, dt):
    """Array parameters (broadcast), each entry a finite real > 0."""
    arrays = tuple(
        positive_array(name, value)
        for name, value in (("beta", beta), ("mass", mass), ("length", length), ("dt", dt))
    )
    try:
        np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError as exc:
        raise ParameterError(
            "beta, mass, length and dt must broadcast together, got shapes "
            f"{[a.shape for a in arrays]}"
        ) from exc
    return arrays


def _log_ratio(beta, mass, length, dt):
    """log(sqrt(beta m) L/dt), formed in logs: no intermediate over- or underflow."""
    return 0.5 * (np.log(beta) + np.log(mass)) + np.log(length) - np.log(dt)


@with_temperature
def collision_probability(beta, mass, length, dt):
    r"""Probability pi_c that a gas particle crosses the scatterer within dt (Eq. 25).

    .. math::
        \pi_c = \tfrac12\left[1-\mathrm{erf}\left(\sqrt{\tfrac{\beta m}{2}}\tfrac{L}{\Delta t}
        \right)\right] + \frac{1-e^{-\beta m L^2/2\Delta t^2}}{\sqrt{2\pi\beta m}}
        \frac{\Delta t}{L}

    Eq. (25) of Ehrich et al., Physica A 552, 122108 (2020): position uniform on [-L, L],
    velocity Maxwellian (Eq. 24), free flight, no walls.

    Parameters
    ----------
    beta, mass, length, dt : float or array_like (broadcast together)
        Inverse temperature, particle mass, half-length L of the box, time step; all > 0.
        ``temperature=`` T = 1/beta may be given instead of `beta` (never both).

    Returns
    -------
    float or ndarray
        pi_c in (0, 1), broadcast shape of the inputs.

    Notes
    -----
    Written with a = sqrt(beta m) L/dt as ``erfc(a/sqrt 2)/2 - expm1(-a^2/2)/(sqrt(2 pi) a)``
    so that neither the small-a nor the large-a limit cancels; a is formed in logarithms,
    and a that under- or overflows gives the exact limits 1/2 (a -> 0) and 0 (a -> inf).

    Examples
    --------
    >>> round(float(collision_probability(beta=1.0, mass=1.0, length=10.0, dt=1.0)), 6)
    0.039894
    """
    log_a = _log_ratio(*_check_arrays(beta, mass, length, dt))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        a = np.exp(log_a)
        # a^2 = inf for huge L: expm1(-inf) = -1 is right; a = 0: the limit 1/2
        out = 0.5 * special.erfc(a / np.sqrt(2.0)) - np.expm1(-0.5 * a * a) / (
            np.sqrt(2 * np.pi) * a
        )
    out = np.where(a == 0.0, 0.5, out)
    return float(out) if np.ndim(out) == 0 else out


@with_temperature
def collision_probability_asymptote(beta, mass, length, dt):
    r"""Large-L limit of Eq. (25): :math:`\pi_c \approx \Delta t/(\sqrt{2\pi\beta m}\,L)`.

    Examples
    --------
    >>> round(float(collision_probability_asymptote(1.0, 1.0, 10.0, 1.0)), 6)
    0.039894
    """
    log_a = _log_ratio(*_check_arrays(beta, mass, length, dt))
    with np.errstate(over="ignore"):  # reported below
        out = np.exp(-log_a - 0.5 * np.log(2 * np.pi))
    finite_result("collision_probability_asymptote", out, beta=beta, mass=mass, length=length,
                  dt=dt)
    return float(out) if np.ndim(out) == 0 else out


@with_temperature
def collision_probability_quadrature(beta: float, mass: float, length: float, dt: float) -> float:
    r"""pi_c by direct quadrature of the first line of Eq. (25).

    :math:`\pi_c = 2\int_0^L dy\int_{-\infty}^{-y/\Delta t}dv\,\rho_{\rm Max}(v)/(2L)`, with
    the inner integral the Gaussian tail ``erfc(y sqrt(beta m/2)/dt)/2`` and the outer one by
    adaptive Gauss-Kronrod (``scipy.integrate.quad``, relative accuracy 1e-12). Independent of
    the closed form, which integrates by parts.

    Examples
    --------
    >>> round(collision_probability_quadrature(1.0, 1.0, 10.0, 1.0), 6)
    0.039894
    """
    beta, mass, length, dt = _check(beta, mass, length, dt)
    log_kl = _log_ratio(beta, mass, length, dt) - 0.5 * np.log(2.0)  # log(k L)
    if log_kl < np.log(1e-12):  # erfc(x) = 1 - 2x/sqrt(pi) + O(x^3): exact to rounding
        return float(0.5 * (1.0 - np.exp(log_kl) / np.sqrt(np.pi)))
    # in units of L: pi_c = int_0^1 erfc(kL u)/2 du; erfc(12) ~ 1e-64 beyond the cut
    kl = float(np.exp(log_kl))
    cut = min(1.0, 12.0 / kl)
    val, _ = integrate.quad(
        lambda u: 0.5 * special.erfc(kl * u), 0.0, cut, epsabs=0.0, epsrel=1e-12, limit=200
    )
    return float(val)


@with_temperature
def colliding_velocity_pdf(velocity, beta: float, mass: float, length: float, dt: float):
    r"""Exact density of the velocity of the particles that cross the scatterer within dt.

    :math:`f(v) = \rho_{\rm Max}(v)\,\min(|v|\Delta t, L)/(2L\pi_c)`: a particle with
    velocity v crosses if it starts within |v| dt of the scatterer on the upstream side (and
    inside the box). For L/dt much larger than the thermal speed it tends to the two-sided
    effusion law Eq. (27), (beta m/2)|v| exp(-beta m v^2/2); for small L/dt it tends to the
    Maxwell law Eq. (24).

    Parameters
    ----------
    velocity : array_like
    beta, mass, length, dt : float, all > 0

    Returns
    -------
    ndarray, shape of `velocity`

    Examples
    --------
    >>> round(float(colliding_velocity_pdf(1.0, 1.0, 1.0, 50.0, 1.0)), 4)  # effusion: 0.3033
    0.3033
    """
    beta, mass, length, dt = _check(beta, mass, length, dt)
    v = real_array("velocity", velocity)
    sigma = 1.0 / np.sqrt(beta * mass)
    with np.errstate(all="ignore"):  # non-finite results are reported below
        maxwell = np.exp(-0.5 * (v / sigma) ** 2) / (np.sqrt(2 * np.pi) * sigma)
        weight = np.minimum(np.abs(v) * dt, length) / (2.0 * length)
        out = maxwell * weight / collision_probability(beta, mass, length, dt)
    return finite_result("colliding_velocity_pdf", out, beta=beta, mass=mass, length=length,
                         dt=dt)


@with_temperature
def colliding_speed_cdf(speed, beta: float, mass: float, length: float, dt: float):
    r"""CDF of |v| for the colliding particles, the integral of `colliding_velocity_pdf`.

    With sigma = 1/sqrt(beta m), phi the N(0, sigma^2) density, c = L/dt and
    :math:`H(u) = \Delta t\,\sigma^2[\phi(0)-\phi(\min(u,c))] + L\,[\Phi(u)-\Phi(c)]_+`,
    the CDF is H(u)/H(inf) with H(inf) = L pi_c.

    Examples
    --------
    >>> round(float(colliding_speed_cdf(np.inf, 1.0, 1.0, 3.0, 1.0)), 12)
    1.0
    """
    beta, mass, length, dt = _check(beta, mass, length, dt)
    if isinstance(speed, (str, bytes)) or speed is None:
        raise ParameterError(f"speed: expected real numbers, got {speed!r} ({type(speed).__name__})")
    if not _is_real(speed) or np.any(np.isnan(np.asarray(speed, dtype=float))):
        raise ParameterError(f"speed={speed!r} must be real numbers (inf allowed, not NaN)")
    u = np.maximum(np.asarray(speed, dtype=float), 0.0)  # a speed CDF is 0 below 0
    sigma = 1.0 / np.sqrt(beta * mass)
    c = length / dt

    def phi(x):
        return np.exp(-0.5 * (x / sigma) ** 2) / (np.sqrt(2 * np.pi) * sigma)

    with np.errstate(all="ignore"):  # non-finite results are reported below
        upper = 0.5 * special.erfc(u / (np.sqrt(2.0) * sigma))  # P(V > u), V ~ N(0, sigma^2)
        upper_c = 0.5 * special.erfc(c / (np.sqrt(2.0) * sigma))
        h = dt * sigma**2 * (phi(0.0) - phi(np.minimum(u, c))) + length * np.maximum(
            upper_c - upper, 0
        )
        out = h / (length * collision_probability(beta, mass, length, dt))
    return finite_result("colliding_speed_cdf", out, beta=beta, mass=mass, length=length, dt=dt)


@with_temperature
def sample_gas(n: int, beta: float, mass: float, length: float, *, rng: np.random.Generator):
    """Positions uniform on [-L, L] and Maxwell velocities (Eq. 24) of `n` gas particles.

    Returns
    -------
    positions, velocities : ndarray, shape (n,)

    Examples
    --------
    >>> y, v = sample_gas(4, 1.0, 1.0, 2.0, rng=np.random.default_rng(0))
    >>> y.shape, bool(np.all(np.abs(y) <= 2.0))
    ((4,), True)
    """
    beta, mass, length, _ = _check(beta, mass, length, 1.0)
    _check_rng(rng)
    n = _check_count("n", n)
    require_dense_size("n", (n, 2), itemsize=8)
    y = length * (2.0 * rng.random(n) - 1.0)
    v = rng.standard_normal(n) / np.sqrt(beta * mass)
    return y, v


def crosses_scatterer(positions, velocities, dt: float) -> np.ndarray:
    """True where free flight y -> y + v dt crosses the scatterer at 0 (Eq. 22's condition).

    For v > 0 this is ``0 < -y < v dt``; the mirror image for v < 0.

    Examples
    --------
    >>> crosses_scatterer(np.array([-1.0, -1.0, 1.0]), np.array([2.0, 0.5, -2.0]), 1.0)
    array([ True, False,  True])
    """
    dt = positive_real("dt", dt)
    y = real_array("positions", positions)
    v = real_array("velocities", velocities)
    try:
        return y * (y + v * dt) < 0.0
    except ValueError as exc:  # shapes that do not broadcast
        raise ParameterError(
            f"positions (shape {y.shape}) and velocities (shape {v.shape}) must broadcast"
        ) from exc


@dataclass(frozen=True)
class CollisionSample:
    """Result of `simulate_collisions`.

    Attributes
    ----------
    n_particles, n_collisions : int
    probability : float
        n_collisions / n_particles, the Monte Carlo estimate of pi_c.
    standard_error : float
        Binomial standard error sqrt(p (1 - p) / n) of `probability`.
    velocities : ndarray, shape (n_collisions,)
        Velocities of the colliding particles (empty unless requested).
    """

    n_particles: int
    n_collisions: int
    probability: float
    standard_error: float
    velocities: np.ndarray


@with_temperature
def simulate_collisions(
    beta: float,
    mass: float,
    length: float,
    dt: float,
    n_particles: int,
    *,
    rng: np.random.Generator,
    keep_velocities: bool = True,
) -> CollisionSample:
    """Explicit-particle Monte Carlo of pi_c and of the colliding velocities.

    Each particle is drawn by `sample_gas`, flies freely for dt and collides if it crosses 0.
    Vectorised in batches of 2^20 particles. ``temperature=`` may replace `beta`.

    Raises
    ------
    ParameterError
        If ``n_particles`` exceeds ``MAX_PARTICLES`` = 2^28 (10-20 s of work; run chunks
        with independent generators and add the counts), or if the kept velocities, about
        n_particles pi_c x 8 bytes, would exceed ``errors.MAX_DENSE_BYTES``.

    Examples
    --------
    >>> s = simulate_collisions(1.0, 1.0, 10.0, 1.0, 10_000, rng=np.random.default_rng(1))
    >>> abs(s.probability - collision_probability(1.0, 1.0, 10.0, 1.0)) < 4 * s.standard_error
    True
    """
    beta, mass, length, dt = _check(beta, mass, length, dt)
    _check_rng(rng)
    n = check_count("n_particles", n_particles, low=1)
    if n > MAX_PARTICLES:
        raise ParameterError(
            f"n_particles={n} exceeds the limit MAX_PARTICLES = 2^28 = {MAX_PARTICLES} of one "
            f"call (~{n / 1.5e7:.3g} s at 1.5e7 particles/s); run chunks of at most 2^28 particles "
            "with independent generators (numpy.random.SeedSequence(seed).spawn(k)) and add "
            "their n_collisions"
        )
    if not isinstance(keep_velocities, (bool, np.bool_)):
        raise ParameterError(f"keep_velocities: expected True or False, got "
                             f"{keep_velocities!r} ({type(keep_velocities).__name__})")
    if keep_velocities:  # expected number of kept velocities, float64 each
        expected = int(n * collision_probability(beta, mass, length, dt)) + 1
        require_dense_size("n_particles (kept velocities)", (expected,), itemsize=8)
    hits, kept = 0, []
    sigma = 1.0 / np.sqrt(beta * mass)
    for start in range(0, n, _BATCH):
        m = min(_BATCH, n - start)
        y = rng.random(m)
        y *= 2.0 * length
        y -= length
        v = rng.standard_normal(m)
        v *= sigma
        hit = y * (y + v * dt) < 0.0
        hits += int(np.count_nonzero(hit))
        if keep_velocities:
            kept.append(v[hit])
    p = hits / n if n else float("nan")
    se = float(np.sqrt(p * (1.0 - p) / n)) if n else float("nan")
    vel = np.concatenate(kept) if kept else np.empty(0)
    return CollisionSample(n, hits, float(p), se, vel)


def _is_real(value) -> bool:
    try:
        arr = np.asarray(value)
    except Exception:  # noqa: BLE001 - any conversion failure means "not real"
        return False
    return arr.dtype.kind in "biuf"


def _check_rng(rng) -> None:
    if not isinstance(rng, np.random.Generator):
        raise ParameterError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")


def _check_count(name: str, n) -> int:
    return check_count(name, n, low=0)
