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

from ..errors import ParameterError, as_float_array, require_int, require_positive, require_real
from ._checks import real_array
from .phase_space import (
    _call,
    free_flight_map,
    level_change_map,
    level_change_velocity_map,
    map_boundary,
    polygon_area,
    rectangle_boundary,
)

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

#: Largest number of points of one `liouville_audit` (one Jacobian each, ~0.1 ms per point).
MAX_AUDIT_POINTS = 1_000_000
#: Largest phase-space dimension of `jacobian` (a (d, d) Jacobian from d + 1 map calls).
MAX_DIMENSION = 4096


@dataclass(frozen=True)
class ComplexStep:
    """Complex-step derivative f'(x) = Im f(x + i h)/h: no subtractive cancellation.

    Truncation error h^2 |f'''|/6 vanishes for h = 1e-100; the result is exact to rounding
    (a few ulps) for maps analytic in their arguments.
    """

    step: float = 1e-100

    def __post_init__(self) -> None:
        step = require_real("step", self.step)
        if not 0.0 < step <= 1e-8:  # larger steps lose the O(h^2) exactness
            raise ParameterError(f"step={step!r} is outside the allowed range (0, 1e-8]")


@dataclass(frozen=True)
class Richardson:
    """Central differences at steps h0, h0/2, ..., extrapolated in h^2 (Romberg tableau).

    h0 = step * max(1, |x_j|); with `levels` steps the truncation error is O(h^(2 levels))
    and the error estimate is the change between the last two tableau columns.
    """

    step: float = 1e-2
    levels: int = 5

    def __post_init__(self) -> None:
        require_real("step", self.step)
        require_positive("step", self.step)
        require_int("levels", self.levels, low=2, high=30)  # 4^30: beyond, only rounding


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
    x = np.atleast_1d(real_array("point", point))
    if x.ndim != 1 or not 1 <= x.size <= MAX_DIMENSION:
        raise ParameterError(
            f"point must be one phase-space point, shape (d,) with 1 <= d <= {MAX_DIMENSION}; "
            f"got shape {x.shape}"
        )
    if not callable(collision_map):
        raise ParameterError(f"collision_map={collision_map!r} must be callable")
    f0 = np.asarray(_call(collision_map, x[:, None]))
    f0 = f0[:, 0] if f0.ndim == 2 else f0.ravel()
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
    if pts.ndim == 2 and pts.shape[0] > MAX_AUDIT_POINTS:
        raise ParameterError(f"point: {pts.shape[0]} points exceed {MAX_AUDIT_POINTS}")
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
    def passed(self) -> bool:
        """The verdict of the audit: the same as `volume_preserving`."""
        return self.volume_preserving

    @property
    def max_deviation(self) -> float:
        """max | |det J| - 1 | over the points."""
        return float(np.max(np.abs(self.deviation)))

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
    require_real("tolerance", tolerance)
    require_positive("tolerance", tolerance)
    if not callable(collision_map):
        raise ParameterError(f"collision_map={collision_map!r} must be callable")
    pts = as_float_array("points", points, ndim=2)
    if pts.shape[0] == 0 or pts.shape[0] > MAX_AUDIT_POINTS:
        raise ParameterError(
            f"points: {pts.shape[0]} points is outside the allowed range "
            f"[1, {MAX_AUDIT_POINTS}] (one Jacobian each; audit chunks of points)"
        )
    est = [jacobian(collision_map, p, method=method) for p in pts]
    return LiouvilleAudit(
        pts,
        np.array([abs(e.determinant) for e in est]),
        np.array([e.error for e in est]),
        float(tolerance),
    )
