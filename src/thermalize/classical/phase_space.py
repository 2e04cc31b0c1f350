"""Collision maps of a particle meeting a fixed scatterer, and phase-space areas (Ehrich 2020).

Eqs. (19)-(20) of Ehrich et al., Physica A 552, 122108 (2020) and the region of Fig. 1. A
collision map is a callable ``f(x)`` taking the phase-space point with its components on the
first axis, shape (d,) or (d, ...), and returning the image with the same shape;
`thermalize.classical.liouville` audits such maps.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..errors import ParameterError, as_float_array, require_dense_size, require_real
from ._checks import check_count, positive_real

__all__ = [
    "free_flight_map",
    "level_change_map",
    "level_change_velocity_map",
    "map_boundary",
    "polygon_area",
    "rectangle_boundary",
]


def _call(collision_map: Callable, x: np.ndarray) -> np.ndarray:
    """Evaluate the map on columns x[:, k] (vectorised if it can, else column by column)."""
    with np.errstate(invalid="ignore", divide="ignore"):  # NaN/inf are reported by callers
        try:
            out = np.asarray(collision_map(x))
        except Exception:  # noqa: BLE001 - a map that is not vectorised: evaluate per column
            out = None
        if out is not None and out.shape == x.shape:
            return out
        return np.stack([np.asarray(collision_map(x[:, k])) for k in range(x.shape[1])], axis=1)


def _velocity_drop(energy_change, mass, two_m_energy_change) -> float:
    """2 (eps_s' - eps_s)/m, the decrease of v^2, from exactly one of the two spellings."""
    mass = positive_real("mass", mass)
    if (energy_change is None) == (two_m_energy_change is None):
        raise ParameterError(
            "give exactly one of energy_change= (eps_s' - eps_s) and two_m_energy_change= "
            f"(the paper's 2m(eps_s' - eps_s)); got energy_change={energy_change!r}, "
            f"two_m_energy_change={two_m_energy_change!r}"
        )
    if energy_change is None:
        de = require_real("two_m_energy_change", two_m_energy_change) / (2.0 * mass)
    else:
        de = require_real("energy_change", energy_change)
    drop = 2.0 * de / mass
    if not np.isfinite(drop):
        raise ParameterError(
            f"2 (eps_s' - eps_s)/m = 2 x {de!r}/{mass!r} overflows: move energy_change or "
            "mass towards order one"
        )
    return drop


def level_change_map(
    energy_change: float | None = None,
    mass: float | None = None,
    dt: float | None = None,
    *,
    two_m_energy_change: float | None = None,
) -> Callable:
    r"""Eq. (20): (y, v) -> (y', v') of a particle that collides within dt, s -> s'.

    :math:`v' = \sqrt{v^2 - 2(\epsilon_{s'}-\epsilon_s)/m}`,
    :math:`y' = v'(\Delta t + y/v)` (collision at t_c = -y/v, free flight afterwards).
    Valid for 0 < -y < v dt and v^2 > 2 (eps_s' - eps_s)/m; Eq. (21) says |det J| = 1.

    Parameters
    ----------
    energy_change : float
        eps_s' - eps_s (any sign).
    mass, dt : float, > 0
        Particle mass and time step (`dt` is required).
    two_m_energy_change : float, optional
        The paper's variable 2m(eps_s' - eps_s) of Eq. (20), instead of `energy_change`
        (exactly one of the two): it is converted to eps_s' - eps_s = value/(2m), so the
        map conserves the energy m v^2/2 + eps_s at every mass. At m = 1 (Fig. 1) this is
        the printed formula v' = sqrt(v^2 - value).

    Notes
    -----
    The paper prints 2m(eps_s' - eps_s) under the square root; energy conservation with
    kinetic energy m v^2/2 gives 2(eps_s' - eps_s)/m (the two agree for m = 1, the value
    behind Fig. 1). See docs/physics.md (classical section).

    Examples
    --------
    >>> f = level_change_map(two_m_energy_change=6.48, mass=1.0, dt=1.5)  # Fig. 1
    >>> g = level_change_map(energy_change=3.24, mass=1.0, dt=1.5)  # the same map at m = 1
    >>> x = np.array([-1.0, 3.0])  # collides at t_c = 1/3, v' = sqrt(9 - 6.48)
    >>> np.round(f(x), 6), bool(np.all(f(x) == g(x)))
    (array([1.852026, 1.587451]), True)
    """
    drop = _velocity_drop(energy_change, mass, two_m_energy_change)
    if dt is None:
        raise ParameterError("dt is required: the time step of Eq. (20), a real number > 0")
    dt = positive_real("dt", dt)

    def collision(x):
        y, v = x
        vp = np.sqrt(v * v - drop)
        return np.stack([vp * (dt + y / v), vp])

    return collision


def level_change_velocity_map(
    energy_change: float | None = None,
    mass: float | None = None,
    *,
    two_m_energy_change: float | None = None,
) -> Callable:
    """The velocity part alone, v -> v' (Eq. 19): |dv'/dv| = v/v', not volume preserving.

    `energy_change` and `two_m_energy_change` as in `level_change_map` (exactly one).
    """
    drop = _velocity_drop(energy_change, mass, two_m_energy_change)

    def velocity(x):
        (v,) = x
        return np.stack([np.sqrt(v * v - drop)])

    return velocity


def free_flight_map(dt: float) -> Callable:
    """(y, v) -> (y + v dt, v): the no-collision branch of Eq. (22), |det J| = 1."""
    dt = positive_real("dt", dt)

    def flight(x):
        y, v = x
        return np.stack([y + v * dt, v])

    return flight


#: Largest `n_per_side` of `rectangle_boundary` (10^7 points: 640 MB of boundary and image).
MAX_BOUNDARY_POINTS = 10_000_000


def rectangle_boundary(y_range, v_range, n_per_side: int) -> np.ndarray:
    """Counter-clockwise boundary of a rectangle in the (y, v) plane, shape (4 n, 2).

    `n_per_side` is at most 10^7 (the area of a sampled curved image converges like 1/n^2:
    4000 already gives 4e-9 relative).

    Examples
    --------
    >>> round(polygon_area(rectangle_boundary((0, 2), (1, 4), 3)), 12)
    6.0
    """
    ys = as_float_array("y_range", y_range, ndim=1)
    vs = as_float_array("v_range", v_range, ndim=1)
    if ys.shape != (2,) or vs.shape != (2,):
        raise ParameterError(
            f"y_range={y_range!r} and v_range={v_range!r} must be pairs (low, high)"
        )
    (y0, y1), (v0, v1) = ys, vs
    if not (y1 > y0 and v1 > v0):
        raise ParameterError(f"y_range={y_range!r} and v_range={v_range!r} must be increasing")
    n_per_side = check_count("n_per_side", n_per_side, low=1)
    if n_per_side > MAX_BOUNDARY_POINTS:
        raise ParameterError(
            f"n_per_side={n_per_side} is outside the allowed range [1, {MAX_BOUNDARY_POINTS}]"
        )
    require_dense_size("n_per_side", (4 * n_per_side, 2), itemsize=8)
    t = np.arange(n_per_side) / n_per_side
    sides = [
        (y0 + (y1 - y0) * t, np.full_like(t, v0)),
        (np.full_like(t, y1), v0 + (v1 - v0) * t),
        (y1 - (y1 - y0) * t, np.full_like(t, v1)),
        (np.full_like(t, y0), v1 - (v1 - v0) * t),
    ]
    out = np.concatenate([np.stack(s, axis=1) for s in sides])
    if not np.all(np.isfinite(out)):
        raise ParameterError(
            f"y_range={y_range!r} and v_range={v_range!r}: their widths overflow float64"
        )
    return out


def map_boundary(collision_map: Callable, boundary) -> np.ndarray:
    """Image of boundary points (shape (N, 2)) under a 2D map, shape (N, 2)."""
    if not callable(collision_map):
        raise ParameterError(f"collision_map={collision_map!r} must be callable")
    b = as_float_array("boundary", boundary, ndim=2)
    if b.shape[1] != 2:
        raise ParameterError(f"boundary must have shape (N, 2), got {b.shape}")
    out = np.asarray(_call(collision_map, b.T)).T
    if out.shape != b.shape or not np.all(np.isfinite(out)):
        raise ParameterError(
            "collision_map must return finite points of the same shape on the boundary "
            "(points outside its domain give NaN)"
        )
    return out


def polygon_area(points) -> float:
    """Area enclosed by a closed polygon (shoelace formula), vertices shape (N, 2), in order.

    The area of a finely sampled curved boundary converges like 1/N^2.

    Examples
    --------
    >>> polygon_area(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    0.5
    """
    p = as_float_array("points", points, ndim=2)
    if p.shape[1] != 2 or p.shape[0] < 3:
        raise ParameterError(f"points must have shape (N, 2) with N >= 3, got {p.shape}")
    p = p - p.mean(axis=0)  # centring keeps the rounding of the cross products small
    x, y = p[:, 0], p[:, 1]
    with np.errstate(over="ignore", invalid="ignore"):
        area = float(0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
    if not np.isfinite(area):
        raise ParameterError("points: the polygon's area overflows float64; rescale the points")
    return area
