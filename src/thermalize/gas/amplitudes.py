"""Scattering amplitudes f_ij^kl(q, p): first Born approximation for a Gaussian region (Eq. D2)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .._qutip import to_array
from ..errors import (
    ParameterError,
    PhysicsWarning,
    as_float_array,
    require_hermitian,
    require_positive,
    require_real,
)

__all__ = ["BornGaussian"]


@dataclass(frozen=True, eq=False)
class BornGaussian:
    r"""First Born amplitude of :math:`V = V_0\, v \otimes e^{-x^2/2R^2}` (Eq. (D2), Gaida et al. 2025).

    .. math::
        f_{ij}^{kl}(\mathbf q, \mathbf p) = -\sqrt{\pi/2}\, R\, \frac{V_0}{E_R}
        \langle \varepsilon_i, \epsilon_k | v | \varepsilon_j, \epsilon_l\rangle
        \exp\!\Big(-\frac{|\mathbf q - \mathbf p|^2}{2 p_R^2}\Big),
        \quad p_R = \hbar/R,\ E_R = p_R^2/2m.

    Units hbar = 1. Callable initial state first (docs/conventions.md) as
    ``f(j, l, p, i, k, q, cos_theta)``: system j -> i, ancilla l -> k, incoming momentum
    magnitude p = |p|, outgoing q = |q|, scattering angle cos_theta = q.p/(qp); broadcastable
    arrays. This is the amplitude protocol of `GasModel` (``amplitude_order = "initial_first"``).
    Until this release it was called final first, ``f(i, j, k, l, q, p, cos_theta)``.

    Attributes
    ----------
    coupling : ndarray, shape (d_S*d_A, d_S*d_A)
        Hermitian v on system x ancilla in the product energy basis, index i*d_A + k.
    strength : float
        V_0 (any real; the sign only enters the energy shift h_eff).
    interaction_range : float
        R > 0.
    mass : float
        Gas particle mass m > 0 (reduced mass; the system is static, M >> m).
    ancilla_dimension : int
        d_A, to split the product index.

    Examples
    --------
    >>> f = BornGaussian(np.array([[0.0, 1.0], [1.0, 0.0]]), 1.0, 1.0, 0.5, 2)
    >>> round(float(f(0, 1, 1.0, 0, 0, 1.0, 1.0)), 6)  # forward, E_R = 1: -sqrt(pi/2)
    -1.253314
    """

    #: argument order of __call__ (read by `GasModel`): initial state first
    amplitude_order = "initial_first"

    coupling: np.ndarray
    strength: float
    interaction_range: float
    mass: float
    ancilla_dimension: int

    def __post_init__(self) -> None:
        c = np.asarray(to_array(self.coupling))  # a Qobj is read at the boundary
        if not np.issubdtype(c.dtype, np.number) or c.dtype == bool:
            raise ParameterError(f"coupling must be a numeric matrix, got dtype {c.dtype}")
        if c.ndim != 2 or c.shape[0] != c.shape[1] or c.size == 0:
            raise ParameterError(f"coupling must be a non-empty square matrix, got {c.shape}")
        if not np.all(np.isfinite(c)):
            raise ParameterError("coupling must be finite (no NaN or inf entries)")
        v = require_hermitian("coupling", c)
        if not (
            isinstance(self.ancilla_dimension, (int, np.integer))
            and self.ancilla_dimension >= 1
            and v.shape[0] % self.ancilla_dimension == 0
        ):
            raise ParameterError(
                f"ancilla_dimension={self.ancilla_dimension!r} must be a positive integer "
                f"dividing coupling.shape[0]={v.shape[0]}"
            )
        object.__setattr__(self, "coupling", v)
        for name in ("strength", "interaction_range", "mass"):
            object.__setattr__(self, name, require_real(name, getattr(self, name)))
        require_positive("interaction_range", self.interaction_range)
        require_positive("mass", self.mass)

    @property
    def recoil_energy(self) -> float:
        """E_R = hbar^2 / (2 m R^2)."""
        return 1.0 / (2.0 * self.mass * self.interaction_range**2)

    @property
    def recoil_momentum(self) -> float:
        """p_R = hbar / R."""
        return 1.0 / self.interaction_range

    def check_density(self, density: float) -> None:
        """PhysicsWarning if n R^3 is not small (low-density limit, ref. [28] of the paper)."""
        if (x := density * self.interaction_range**3) > 0.1:
            warnings.warn(
                f"density*interaction_range**3={x:.3g}; the master equation assumes "
                "N R^3 / V << 1 (Gaida 2025, ref. [28])",
                PhysicsWarning,
                stacklevel=3,
            )

    def __call__(self, j, l, p, i, k, q, cos_theta) -> np.ndarray:
        """f_ij^kl(q, p): system j -> i, ancilla l -> k, momentum p -> q (initial first)."""
        d_a = self.ancilla_dimension
        pre = -np.sqrt(np.pi / 2.0) * self.interaction_range * self.strength / self.recoil_energy
        elem = self.coupling[
            np.asarray(i) * d_a + np.asarray(k), np.asarray(j) * d_a + np.asarray(l)
        ]
        q2 = (
            np.asarray(q) ** 2
            + np.asarray(p) ** 2
            - 2.0 * np.asarray(q) * np.asarray(p) * cos_theta
        )
        return pre * elem * np.exp(-q2 / (2.0 * self.recoil_momentum**2))


def check_amplitude_arguments(d_s: int, d_a: int, j, l, p, i, k, q, cos_theta) -> None:
    """ParameterError unless j, i are system level indices (< d_s), l, k ancilla ones
    (< d_a), p, q >= 0 momenta and cos_theta in [-1, 1], all broadcasting together."""
    sizes = (d_s, d_a)
    shapes = []
    for name, value, n in (("j", j, sizes[0]), ("l", l, sizes[1]), ("i", i, sizes[0]),
                           ("k", k, sizes[1])):
        idx = np.asarray(value) if not isinstance(value, (str, bytes)) else np.asarray(None)
        if idx.dtype.kind not in "iu" or np.any((idx < 0) | (idx >= n)):
            raise ParameterError(f"{name}={value!r} must be integer level indices in "
                                 f"[0, {n - 1}]")
        shapes.append(idx.shape)
    for name, value, low in (("p", p, 0.0), ("q", q, 0.0), ("cos_theta", cos_theta, -1.0)):
        arr = as_float_array(name, value)
        if np.any(arr < low) or (name == "cos_theta" and np.any(arr > 1.0)):
            allowed = "[-1, 1]" if name == "cos_theta" else "[0, inf)"
            raise ParameterError(f"{name}={value!r} is outside the allowed range {allowed}")
        shapes.append(arr.shape)
    try:
        np.broadcast_shapes(*shapes)
    except ValueError as exc:
        raise ParameterError(f"j, l, p, i, k, q, cos_theta must broadcast together, got "
                             f"shapes {shapes}") from exc
