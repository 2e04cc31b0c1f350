"""Liouville audit of deterministic collision maps: Jacobian determinants and phase-space areas.

Ehrich et al., Physica A 552, 122108 (2020), Sec. 3 and Eqs. (19)-(21): a collision rule is
compatible with Hamiltonian dynamics only if it preserves phase-space volume, |det J| = 1.

A collision map is a callable ``f(x)`` taking the phase-space point with its components on
the first axis, shape (d,) or (d, ...), and returning the image with the same shape
(write it as ``y, v = x; return np.stack([y_new, v_new])``). Maps written with NumPy
functions that accept complex numbers get complex-step derivatives (exact to rounding);
others fall back to Richardson-extrapolated central differences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, as_float_array, require_positive

__all__ = [
    "ComplexStep",
    "JacobianEstimate",
    "LiouvilleAudit",
    "Richardson",
    "free_flight_map",
    "jacobian",
    "jacobian_determinant",
    "level_change_map",
    "level_change_velocity_map",
    "liouville_audit",
    "map_boundary",
    "polygon_area",
    "rectangle_boundary",
]

_EPS = np.finfo(float).eps


@dataclass(frozen=True)
class ComplexStep:
    """Complex-step derivative f'(x) = Im f(x + i h)/h: no subtractive cancellation.

    Truncation error h^2 |f'''|/6 vanishes for h = 1e-100; the result is exact to rounding
    (a few ulps) for maps analytic in their arguments.
    """

    step: float = 1e-100


@dataclass(frozen=True)
class Richardson:
    """Central differences at steps h0, h0/2, ..., extrapolated in h^2 (Romberg tableau).

    h0 = step * max(1, |x_j|); with `levels` steps the truncation error is O(h^(2 levels))
    and the error estimate is the change between the last two tableau columns.
    """

    step: float = 1e-2
    levels: int = 5

    def __post_init__(self) -> None:
        require_positive("step", self.step)
        if not isinstance(self.levels, int) or self.levels < 2:
            raise ParameterError(f"levels={self.levels!r} is outside the allowed range: ints >= 2")


@dataclass(frozen=True)
class JacobianEstimate:
    """Jacobian matrix of a map at one point, with its determinant and an error bound.

    Attributes
    ----------
    matrix : ndarray, shape (d, d)
        J[i, j] = d x'_i / d x_j.
    determinant : float
        Signed det J; phase-space volume is preserved iff |det J| = 1.
    error : float
        Estimated absolute error of `determinant` (rounding bound for complex step;
        Richardson: first-order propagation of the per-entry errors, each the change between
        the last two extrapolation levels plus the rounding eps |f|/h of the finest step).
    method : str
        "complex-step" or "richardson".
    """

    matrix: np.ndarray
    determinant: float
    error: float
    method: str


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


def _hadamard_rounding(mat: np.ndarray) -> float:
    """Rounding bound on det: 8 d eps prod_i ||row_i|| (Hadamard's inequality)."""
    d = mat.shape[0]
    return float(8 * d * _EPS * np.prod(np.linalg.norm(mat, axis=1)))


def _complex_step(collision_map, x, h) -> np.ndarray | None:
    d = x.size
    xc = x[:, None] + 1j * h * np.eye(d)
    try:
        out = _call(collision_map, xc)
    except Exception:  # noqa: BLE001 - not complex-safe: the caller falls back to Richardson
        return None
    if not np.iscomplexobj(out) or out.shape != (d, d) or not np.all(np.isfinite(out)):
        return None
    return out.imag / h


def _richardson(collision_map, x, method: Richardson):
    hs = (
        method.step * np.maximum(1.0, np.abs(x))[None, :] * 0.5 ** np.arange(method.levels)[:, None]
    )
    cols = []
    for k in range(method.levels):
        plus = x[:, None] + np.diag(hs[k])
        minus = x[:, None] - np.diag(hs[k])
        fp, fm = _call(collision_map, plus), _call(collision_map, minus)
        if not (np.all(np.isfinite(fp)) and np.all(np.isfinite(fm))):
            raise ParameterError(
                f"collision_map returned non-finite values within "
                f"{hs[k].max():.3g} of the point {x.tolist()}"
            )
        cols.append((fp - fm) / (2.0 * hs[k][None, :]))
    table = [cols]
    for j in range(1, method.levels):
        prev = table[-1]
        table.append(
            [(4.0**j * prev[k + 1] - prev[k]) / (4.0**j - 1.0) for k in range(len(prev) - 1)]
        )
    best = table[-1][0]
    second = table[-2][-1]
    # rounding of the finest central difference, eps |f| / h, amplified by the tableau
    # (sum of |Romberg weights| < 4): a per-column bound
    scale = np.max(np.abs(_call(collision_map, x[:, None])))
    rounding = 4.0 * _EPS * max(scale, 1.0) / hs[-1]
    entry_error = np.abs(best - second) + rounding[None, :]
    return best, entry_error


def _det_error(mat: np.ndarray, entry_error: np.ndarray) -> float:
    """First-order error of det from entry errors: sum_ij |cofactor_ij| err_ij."""
    det = np.linalg.det(mat)
    try:
        cof = det * np.linalg.inv(mat).T
    except np.linalg.LinAlgError:
        return float(np.sum(entry_error) * np.prod(np.linalg.norm(mat, axis=1) + 1.0))
    return float(np.sum(np.abs(cof) * entry_error))


def jacobian(
    collision_map: Callable, point, *, method: ComplexStep | Richardson | None = None
) -> JacobianEstimate:
    """Numerical Jacobian of a deterministic collision map at one phase-space point.

    Parameters
    ----------
    collision_map : callable
        x (shape (d,) or (d, k)) -> image of the same shape.
    point : array_like, shape (d,) (a scalar is a 1D point)
    method : ComplexStep, Richardson or None
        None (default) tries the complex step and falls back to Richardson.

    Returns
    -------
    JacobianEstimate

    Raises
    ------
    ParameterError
        If the map returns NaN or inf at (or next to) the point.

    Examples
    --------
    >>> shear = lambda x: np.stack([x[0] + 2.0 * x[1], x[1]])
    >>> est = jacobian(shear, [0.3, 1.0])
    >>> est.method, round(est.determinant, 12)
    ('complex-step', 1.0)
    """
    x = np.atleast_1d(as_float_array("point", point))
    if x.ndim != 1:
        raise ParameterError(f"point must be one phase-space point, shape (d,); got {x.shape}")
    if not callable(collision_map):
        raise ParameterError(f"collision_map={collision_map!r} must be callable")
    f0 = np.asarray(_call(collision_map, x[:, None]))[:, 0]
    if f0.shape != x.shape or not np.all(np.isfinite(f0)):
        raise ParameterError(
            f"collision_map returned {f0.tolist()!r} at the point "
            f"{x.tolist()}: it must return {x.size} finite numbers"
        )
    if method is None or isinstance(method, ComplexStep):
        mat = _complex_step(collision_map, x, (method or ComplexStep()).step)
        if mat is not None:
            det = float(np.linalg.det(mat))
            return JacobianEstimate(mat, det, _hadamard_rounding(mat), "complex-step")
        if method is not None:
            raise ParameterError("collision_map does not accept complex input; use Richardson()")
        method = Richardson()
    if not isinstance(method, Richardson):
        raise TypeError(f"method must be ComplexStep(), Richardson(...) or None, got {method!r}")
    best, entry_error = _richardson(collision_map, x, method)
    det = float(np.linalg.det(best))
    err = _det_error(best, entry_error) + _hadamard_rounding(best)
    return JacobianEstimate(best, det, err, "richardson")


def jacobian_determinant(
    collision_map: Callable, point, *, method: ComplexStep | Richardson | None = None
):
    r"""Phase-space volume factor :math:`|\partial(x')/\partial(x)|` of a collision map.

    The absolute Jacobian determinant as written in Eqs. (21), (30) and (32) of Ehrich et
    al. (2020); 1 means the map preserves phase-space volume (Liouville), as Hamiltonian
    dynamics must.

    Parameters
    ----------
    collision_map : callable
        x (shape (d,) or (d, k)) -> image of the same shape.
    point : array_like, shape (d,) or (m, d)
        One point, or m points (one per row).
    method : ComplexStep, Richardson or None
        Derivative method; None: complex step if the map allows it, else Richardson.

    Returns
    -------
    float, or ndarray of shape (m,)

    Notes
    -----
    Accuracy: complex step, a few ulps of the Jacobian entries; Richardson (default step
    1e-2 relative, 5 levels) typically 1e-10 or better for smooth maps. `jacobian` returns
    the matrix and an error estimate.

    Examples
    --------
    >>> f = level_change_map(energy_change=3.24, mass=1.0, dt=1.5)  # Eq. (20), Fig. 1
    >>> round(jacobian_determinant(f, [-1.0, 3.0]), 12)
    1.0
    """
    pts = as_float_array("point", point)
    if pts.ndim == 2:
        return np.array([abs(jacobian(collision_map, p, method=method).determinant) for p in pts])
    return abs(jacobian(collision_map, pts, method=method).determinant)


@dataclass(frozen=True)
class LiouvilleAudit:
    """Outcome of `liouville_audit` over a set of phase-space points.

    Attributes
    ----------
    points : ndarray, shape (m, d)
    determinants : ndarray, shape (m,)
        |det J| at each point.
    errors : ndarray, shape (m,)
        Estimated absolute errors of the determinants.
    tolerance : float
        |det J| - 1 larger than ``tolerance + error`` counts as a violation.
    """

    points: np.ndarray
    determinants: np.ndarray
    errors: np.ndarray
    tolerance: float

    @property
    def deviation(self) -> np.ndarray:
        """|det J| - 1 at each point, shape (m,)."""
        return self.determinants - 1.0

    @property
    def volume_preserving(self) -> bool:
        """True if |det J| = 1 within tolerance (plus numerical error) at every point."""
        return bool(np.all(np.abs(self.deviation) <= self.tolerance + self.errors))

    @property
    def worst_point(self) -> np.ndarray:
        """The point with the largest |deviation|, shape (d,)."""
        return self.points[int(np.argmax(np.abs(self.deviation)))]


def liouville_audit(
    collision_map: Callable,
    points,
    *,
    tolerance: float = 1e-8,
    method: ComplexStep | Richardson | None = None,
) -> LiouvilleAudit:
    """Check phase-space volume conservation of a collision map at many points.

    Examples
    --------
    >>> g = level_change_velocity_map(energy_change=1.0, mass=1.0)  # v -> v' only, Eq. (19)
    >>> liouville_audit(g, [[2.0], [3.0]]).volume_preserving
    False
    """
    require_positive("tolerance", tolerance)
    pts = as_float_array("points", points, ndim=2)
    est = [jacobian(collision_map, p, method=method) for p in pts]
    return LiouvilleAudit(
        pts,
        np.array([abs(e.determinant) for e in est]),
        np.array([e.error for e in est]),
        float(tolerance),
    )


def level_change_map(energy_change: float, mass: float, dt: float) -> Callable:
    r"""Eq. (20): (y, v) -> (y', v') of a particle that collides within dt, s -> s'.

    :math:`v' = \sqrt{v^2 - 2(\epsilon_{s'}-\epsilon_s)/m}`,
    :math:`y' = v'(\Delta t + y/v)` (collision at t_c = -y/v, free flight afterwards).
    Valid for 0 < -y < v dt and v^2 > 2 (eps_s' - eps_s)/m; Eq. (21) says |det J| = 1.

    Parameters
    ----------
    energy_change : float
        eps_s' - eps_s (any sign).
    mass, dt : float, > 0

    Notes
    -----
    The paper prints 2m(eps_s' - eps_s) under the square root; energy conservation with
    kinetic energy m v^2/2 gives 2(eps_s' - eps_s)/m (the two agree for m = 1, the value
    behind Fig. 1). See docs/physics.md (classical section).
    """
    de = float(as_float_array("energy_change", energy_change))
    require_positive("mass", mass)
    require_positive("dt", dt)
    drop = 2.0 * de / mass

    def collision(x):
        y, v = x
        vp = np.sqrt(v * v - drop)
        return np.stack([vp * (dt + y / v), vp])

    return collision


def level_change_velocity_map(energy_change: float, mass: float) -> Callable:
    """The velocity part alone, v -> v' (Eq. 19): |dv'/dv| = v/v', not volume preserving."""
    de = float(as_float_array("energy_change", energy_change))
    require_positive("mass", mass)
    drop = 2.0 * de / mass

    def velocity(x):
        (v,) = x
        return np.stack([np.sqrt(v * v - drop)])

    return velocity


def free_flight_map(dt: float) -> Callable:
    """(y, v) -> (y + v dt, v): the no-collision branch of Eq. (22), |det J| = 1."""
    require_positive("dt", dt)

    def flight(x):
        y, v = x
        return np.stack([y + v * dt, v])

    return flight


def rectangle_boundary(y_range, v_range, n_per_side: int) -> np.ndarray:
    """Counter-clockwise boundary of a rectangle in the (y, v) plane, shape (4 n, 2).

    Examples
    --------
    >>> round(polygon_area(rectangle_boundary((0, 2), (1, 4), 3)), 12)
    6.0
    """
    (y0, y1), (v0, v1) = as_float_array("y_range", y_range), as_float_array("v_range", v_range)
    if not (y1 > y0 and v1 > v0):
        raise ParameterError(f"y_range={y_range!r} and v_range={v_range!r} must be increasing")
    if not isinstance(n_per_side, (int, np.integer)) or n_per_side < 1:
        raise ParameterError(f"n_per_side={n_per_side!r} is outside the allowed range: ints >= 1")
    t = np.arange(n_per_side) / n_per_side
    sides = [
        (y0 + (y1 - y0) * t, np.full_like(t, v0)),
        (np.full_like(t, y1), v0 + (v1 - v0) * t),
        (y1 - (y1 - y0) * t, np.full_like(t, v1)),
        (np.full_like(t, y0), v1 - (v1 - v0) * t),
    ]
    return np.concatenate([np.stack(s, axis=1) for s in sides])


def map_boundary(collision_map: Callable, boundary) -> np.ndarray:
    """Image of boundary points (shape (N, 2)) under a 2D map, shape (N, 2)."""
    b = as_float_array("boundary", boundary, ndim=2)
    out = _call(collision_map, b.T).T
    if not np.all(np.isfinite(out)):
        raise ParameterError("collision_map returned non-finite values on the boundary")
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
    return float(0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
