"""Spin operators, parameter checks and the ergotropy of Eq. (23) for the spin-J case study."""

from __future__ import annotations

import numpy as np

from ..errors import (
    ParameterError,
    as_float_array,
    require_dense_size,
    require_positive,
    require_real,
)

__all__ = ["populations_ergotropy", "spin_operators"]

#: Largest spin accepted anywhere (2J + 1 = 20001 levels): the rate-equation path stores
#: O(d) numbers, but the dense generator() is (d^2, d^2) and is capped separately.
MAX_SPIN = 10000


def _check_spin(spin) -> float:
    two_j = 2.0 * require_real("spin", spin)
    if not (0 <= two_j <= 2 * MAX_SPIN):
        raise ParameterError(
            f"spin={spin!r} is outside the allowed range [0, {MAX_SPIN}] (a non-negative "
            "half-integer)")
    if not two_j == round(two_j):
        raise ParameterError(f"spin={spin!r} must be a non-negative half-integer (0, 1/2, 1, ...)")
    if two_j > 2 * MAX_SPIN:
        raise ParameterError(
            f"spin={spin!r} is outside the allowed range [0, {MAX_SPIN}] (2J+1 levels; "
            "larger ladders are not supported)"
        )
    return two_j / 2.0


def spin_operators(spin) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Dimensionless :math:`J_z, J_+, J_-` in the basis m = -J, ..., J (ascending energy).

    Parameters
    ----------
    spin : float
        J, a non-negative half-integer.

    Returns
    -------
    (jz, jplus, jminus) : ndarrays, shape (2J+1, 2J+1), float64
        :math:`\langle m+1|J_+|m\rangle = \sqrt{(J-m)(J+m+1)}`.

    Examples
    --------
    >>> jz, jp, jm = spin_operators(0.5)
    >>> jp
    array([[0., 0.],
           [1., 0.]])
    """
    j = _check_spin(spin)
    d = round(2 * j) + 1
    require_dense_size("spin_operators (3, 2J+1, 2J+1)", (3, d, d), itemsize=8)
    m = np.arange(-j, j + 0.5)
    jp = np.diag(ladder_coefficients(j), -1)
    return np.diag(m), jp, jp.T.copy()


def ladder_coefficients(spin) -> np.ndarray:
    r""":math:`c_i = \langle m_i+1|J_+|m_i\rangle = \sqrt{(J-m_i)(J+m_i+1)}`, m_i = -J + i.

    Shape (2J,).

    O(J) memory (the dense `spin_operators` are (2J+1)^2).
    """
    j = _check_spin(spin)
    m = np.arange(-j, j - 0.5)
    return np.sqrt((j - m) * (j + m + 1.0))


def _check_spin_detuning(spin, omega_s, detuning) -> None:
    """Spin J a non-negative half-integer, omega_s > 0, ancilla gap omega_s + detuning > 0."""
    _check_spin(spin)
    omega_s = require_real("omega_s", omega_s)
    require_positive("omega_s", omega_s)
    detuning = require_real("detuning", detuning)
    if not omega_s + detuning > 0:
        raise ParameterError(
            f"detuning={detuning!r} is outside the allowed range (-omega_s, inf) = "
            f"({-omega_s!r}, inf): the ancilla gap omega_A = omega_s + detuning must be > 0"
        )


def populations_ergotropy(populations, energies) -> np.ndarray:
    r"""Ergotropy of energy-diagonal states, Eq. (23) of Gaida et al. (2025).

    :math:`\mathcal W = \sum_i \varepsilon_i^\uparrow [P(\varepsilon_i^\uparrow) - P^\downarrow(\varepsilon_i^\uparrow)]`:
    the energy minus that of the same populations sorted descending onto ascending levels.

    Parameters
    ----------
    populations : ndarray, shape (..., d)
        Populations of the levels `energies`.
    energies : ndarray, shape (d,)
        Sorted ascending.

    Returns
    -------
    ndarray, shape (...)
        >= 0.

    Examples
    --------
    >>> round(float(populations_ergotropy(np.array([0.2, 0.8]), np.array([0.0, 1.0]))), 12)
    0.6
    """
    p = as_float_array("populations", populations)
    e = as_float_array("energies", energies, ndim=1)
    if np.any(np.diff(e) < 0):
        raise ParameterError("energies must be sorted ascending")
    if p.ndim < 1 or p.shape[-1] != e.size:
        raise ParameterError(f"populations must have shape (..., {e.size}), got {p.shape}")
    passive = np.sort(p, axis=-1)[..., ::-1]
    return np.maximum(0.0, p @ e - passive @ e)


