"""Liouville audits: Eqs. (19)-(21), (30)-(32) and Fig. 1 (right) of Ehrich et al. (2020)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from thermalize.classical.disk import RotatingDisk
from thermalize.classical.liouville import (
    ComplexStep,
    Richardson,
    free_flight_map,
    jacobian,
    jacobian_determinant,
    level_change_map,
    level_change_velocity_map,
    liouville_audit,
    map_boundary,
    polygon_area,
    rectangle_boundary,
)
from thermalize.errors import ParameterError


def collision_points(rng, n, drop, dt):
    """Points with v > 0, v^2 > drop and 0 < -y < v dt (the domain of Eq. 20)."""
    v = np.sqrt(max(drop, 0.0) + rng.uniform(0.05, 9.0, n))
    y = -rng.uniform(0.01, 0.99, n) * v * dt
    return np.stack([y, v], axis=1)


def test_eq21_all_level_pairs_preserve_volume():
    """Eq. (21): |d(y', v')/d(y, v)| = 1 for every pair of levels, masses and steps."""
    rng = np.random.default_rng(0)
    levels = np.array([0.0, 0.3, 1.1, 2.5])
    for mass, dt in [(1.0, 1.5), (0.4, 0.2), (3.0, 2.0)]:
        for es in levels:
            for esp in levels:
                f = level_change_map(esp - es, mass, dt)
                pts = collision_points(rng, 8, 2 * (esp - es) / mass, dt)
                audit = liouville_audit(f, pts, tolerance=1e-12)
                # complex-step Jacobians are exact to rounding (~1e-15): 1e-12 is a safe margin
                assert audit.volume_preserving, (es, esp, audit.deviation)


def test_eq21_matrix_entries():
    """The numerical Jacobian equals the printed matrix of Eq. (21) entry by entry."""
    drop, dt, y, v = 6.48, 1.5, -1.2, 3.1
    vp = np.sqrt(v * v - drop)
    printed = np.array([[vp / v, -y * vp / v**2 + y / vp + v * dt / vp], [0.0, v / vp]])
    est = jacobian(level_change_map(3.24, 1.0, dt), [y, v])
    assert est.method == "complex-step"
    np.testing.assert_allclose(est.matrix, printed, rtol=1e-13, atol=1e-15)  # ulps


def test_richardson_agrees_with_complex_step_within_its_error():
    """The fallback method is accurate and its error estimate is honest."""
    f = level_change_map(-0.7, 1.3, 0.8)
    for p in collision_points(np.random.default_rng(1), 5, -2 * 0.7 / 1.3, 0.8):
        exact = jacobian(f, p, method=ComplexStep())
        rich = jacobian(f, p, method=Richardson())
        assert abs(rich.determinant - exact.determinant) <= rich.error + exact.error
        assert rich.error < 1e-8  # smooth map, 5 extrapolation levels


def test_eq19_velocity_map_alone_is_not_volume_preserving():
    """Eq. (19): dropping the position, |dv'/dv| = v/v' != 1, by exactly that much."""
    drop = 2.0 * 1.0 / 0.5
    g = level_change_velocity_map(energy_change=1.0, mass=0.5)
    v = np.array([[2.5], [3.0], [5.0]])
    audit = liouville_audit(g, v)
    assert not audit.volume_preserving
    np.testing.assert_allclose(
        audit.determinants, v[:, 0] / np.sqrt(v[:, 0] ** 2 - drop), rtol=1e-13
    )


def test_scalar_point_for_one_dimensional_maps():
    """A 1D map may be audited at a scalar point: here |dv'/dv| = v/v' of Eq. (19)."""
    det = jacobian_determinant(lambda v: np.sqrt(v * v - 4.0), 2.5)
    assert det == pytest.approx(2.5 / 1.5, rel=1e-14)


def test_free_flight_preserves_volume():
    assert jacobian_determinant(free_flight_map(0.7), [1.0, -2.0]) == pytest.approx(1.0, abs=1e-14)


@given(st.floats(0.01, 100.0))
def test_eq30_disk_velocity_block_has_unit_determinant(mu):
    """Eq. (30): J_{v, omega} = 1 for every mass ratio."""
    det = jacobian_determinant(RotatingDisk(mu).velocity_map(), [0.7, -0.3])
    assert det == pytest.approx(1.0, abs=1e-12)  # rounding of a 2x2 with entries <= 2


@pytest.mark.parametrize("mu", [0.2, 0.5, 1.0, 3.0])
def test_eq32_disk_full_map_volume_factor(mu):
    """Eq. (32): in (y, v, theta, omega) the volume factor is |v'/v|, not 1."""
    disk = RotatingDisk(mu)
    f = disk.collision_map(dt=1.0)
    rng = np.random.default_rng(2)
    for _ in range(5):
        v, w = rng.uniform(0.3, 2.0), rng.uniform(-2.0, 2.0)
        y = -rng.uniform(0.05, 0.95) * v
        vp, _ = disk.collide(v, w)
        assert jacobian_determinant(f, [y, v, 0.4, w]) == pytest.approx(abs(vp / v), rel=1e-12)
    audit = liouville_audit(f, [[-0.5, 1.0, 0.0, 1.5], [-0.2, 0.5, 0.0, -1.0]])
    assert not audit.volume_preserving  # |v'/v| = 1.5 and 2 (mu = 1) or other != 1 values


def test_eq32_matrix_entries_with_corrected_entry():
    """The numerical Jacobian matches Eq. (32) except entry (y', omega), printed as 0: it is
    2(dt - t_c)/(1 + mu) since y' = v'(dt - t_c) and v' depends on omega (no effect on det)."""
    mu, dt, y, v, w = 0.5, 1.0, -0.3, 1.2, 0.4
    disk = RotatingDisk(mu)
    a = (1 - mu) / (1 + mu)
    vp, wp = disk.collide(v, w)
    tc = -y / v
    printed = np.array(
        [
            [vp / v, -y * vp / v**2 - a * (dt - tc), 0.0, 0.0],
            [0.0, -a, 0.0, 2 / (1 + mu)],
            [
                (wp - w) / v,
                -y * (wp - w) / v**2 + 2 * mu / (1 + mu) * (dt - tc),
                1.0,
                tc + a * (dt - tc),
            ],
            [0.0, 2 * mu / (1 + mu), 0.0, a],
        ]
    )
    corrected = printed.copy()
    corrected[0, 3] = 2 * (dt - tc) / (1 + mu)
    est = jacobian(disk.collision_map(dt), [y, v, 0.1, w])
    np.testing.assert_allclose(est.matrix, corrected, atol=1e-14)  # complex step: ulps
    assert abs(est.matrix[0, 3] - printed[0, 3]) > 0.1
    assert np.linalg.det(printed) == pytest.approx(np.linalg.det(corrected), abs=1e-14)


def test_fig1_region_and_image_have_equal_area():
    """Fig. 1 (right): 2(eps_s' - eps_s)/m = 6.48, dt = 1.5; polygon areas agree to 1e-6."""
    f = level_change_map(3.24, 1.0, 1.5)
    areas = []
    for n in (2000, 4000):
        b = rectangle_boundary((-2.5, -0.5), (3.0, 5.0), n)
        areas.append((polygon_area(b), polygon_area(map_boundary(f, b))))
    (a0, i0), (a1, i1) = areas
    assert a1 == pytest.approx(4.0, rel=1e-12)  # straight edges: exact up to rounding
    assert i1 == pytest.approx(a1, rel=1e-6)  # issue's bound; the chord error is ~4e-9
    assert abs(i1 - a1) < 0.3 * abs(i0 - a0)  # the residual is discretisation (1/N^2 -> 1/4)


def test_bad_maps_raise():
    def nan_map(x):
        return np.full_like(x, np.nan)

    with pytest.raises(ParameterError, match="finite"):
        jacobian_determinant(nan_map, [1.0, 2.0])
    closed = level_change_map(energy_change=5.0, mass=1.0, dt=1.0)  # v^2 < 10: closed level
    with pytest.raises(ParameterError):
        jacobian_determinant(closed, [-0.5, 1.0])
    with pytest.raises(ParameterError, match="callable"):
        jacobian_determinant(3.0, [1.0])
    with pytest.raises(ParameterError, match="mass"):
        level_change_map(1.0, -1.0, 1.0)


def test_map_without_complex_support_falls_back_to_richardson():
    def real_only(x):
        y, v = np.asarray(x, dtype=float)  # drops imaginary parts
        return np.stack([y + np.tanh(v), v])

    with pytest.warns(np.exceptions.ComplexWarning):
        est = jacobian(real_only, [0.1, 0.2])
    assert est.method == "richardson"
    assert est.determinant == pytest.approx(1.0, abs=1e-9)


@given(st.integers(1, 5), st.integers(0, 10_000))
def test_linear_maps_have_their_exact_determinant(dim, seed):
    """An analytic system for both derivative methods: |det J| of x -> A x + c is |det A|."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(dim, dim))
    c = rng.normal(size=dim)

    def affine(x):
        return np.tensordot(a, x, axes=1) + c.reshape((dim,) + (1,) * (np.ndim(x) - 1))

    p = rng.normal(size=dim)
    exact = abs(np.linalg.det(a))
    for method in (ComplexStep(), Richardson()):
        est = jacobian(affine, p, method=method)
        # both are exact for affine maps up to rounding, which the error estimate bounds
        assert abs(abs(est.determinant) - exact) <= est.error + 1e-14 * max(exact, 1.0)
