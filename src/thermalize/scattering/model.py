"""Parameter sets of the collision problem: the scattered system and the incident packet."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from ..errors import (
    ParameterError,
    PhysicsWarning,
    as_float_array,
    require_finite,
    require_hermitian,
    require_positive,
)

__all__ = ["DISTRIBUTIONS", "IncidentPacket", "ScatteringModel"]

#: Momentum laws of the incident particles: "effusion" is Eq. (18) of Tabanera-Bravo et al.
#: (2023), "maxwell" the half-Maxwell law of particles moving right (normalised on p > 0).
DISTRIBUTIONS = ("effusion", "maxwell")


def _frozen_array(arr: np.ndarray) -> np.ndarray:
    out = np.array(arr, copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class ScatteringModel:
    r"""A d-level system hit by a 1D particle: Eq. (16) of Tabanera-Bravo et al. (2023).

    :math:`H = \hat p^2/2m + H_S + V f(\hat x)` with :math:`H_S = \mathrm{diag}(e_j)` in its
    eigenbasis and f the indicator of the scattering region of length L.

    Parameters
    ----------
    energies : array_like, shape (d,)
        Levels e_j of H_S, strictly ascending (non-degenerate; index 0 is the ground state).
    coupling : array_like, shape (d, d)
        Hermitian V in the eigenbasis of H_S.
    length : float
        Length L > 0 of the scattering region, which is centred at x = 0
        (``[-L/2, L/2]``, so that f(x) = f(-x) as the paper assumes).
    mass : float
        Particle mass m > 0.
    hbar : float
        Reduced Planck constant (> 0), default 1.

    Examples
    --------
    >>> model = ScatteringModel.example()
    >>> model.dimension, np.round(model.energies, 3)
    (2, array([-0.3,  0.3]))
    """

    energies: np.ndarray
    coupling: np.ndarray
    length: float
    mass: float
    hbar: float = 1.0
    _eig: tuple = field(init=False, repr=False)

    def __post_init__(self) -> None:
        e = as_float_array("energies", self.energies, ndim=1)
        if e.size < 2:
            raise ParameterError(f"energies={e!r} must hold at least two levels")
        if np.any(np.diff(e) <= 0):
            raise ParameterError(
                f"energies={e!r} must be strictly ascending: H_S must be non-degenerate "
                "(Eq. (12) of Tabanera-Bravo 2023 assumes Delta_jk = 0 only for j = k)"
            )
        v = np.asarray(self.coupling)
        if v.shape != (e.size, e.size):
            raise ParameterError(f"coupling must have shape {(e.size, e.size)}, got {v.shape}")
        require_hermitian("coupling", v)
        v = 0.5 * (v + v.conj().T).astype(complex)
        for name in ("length", "mass", "hbar"):
            require_positive(name, getattr(self, name))
        object.__setattr__(self, "energies", _frozen_array(e))
        object.__setattr__(self, "coupling", _frozen_array(v))
        h_tot = np.diag(e) + v
        eps, vecs = np.linalg.eigh(h_tot)
        object.__setattr__(self, "_eig", (_frozen_array(eps), _frozen_array(vecs)))

    @property
    def dimension(self) -> int:
        """Number of levels d."""
        return int(self.energies.size)

    @property
    def total_levels(self) -> np.ndarray:
        """Eigenvalues of H_S + V (ascending), shape (d,)."""
        return self._eig[0]

    @property
    def total_eigenvectors(self) -> np.ndarray:
        """Eigenvectors of H_S + V as columns, in the H_S basis, shape (d, d)."""
        return self._eig[1]

    @property
    def e_max(self) -> float:
        """Largest eigenvalue of H_S and of H_S + V: the threshold of Eq. (S1)."""
        return float(max(self.energies[-1], self.total_levels[-1]))

    @classmethod
    def qubit(cls, gap: float, coupling_strength: float, *, length: float = 1.0,
              mass: float = 0.1, hbar: float = 1.0) -> ScatteringModel:
        r"""The paper's qubit: :math:`H_S = (\Delta/2)\sigma_z`, :math:`V = \lambda(\sigma_x+\sigma_y)`.

        In our ordering (ground |down> first) :math:`\sigma_x + \sigma_y` reads
        ``[[0, 1+1j], [1-1j, 0]]``.
        """
        require_positive("gap", gap)
        require_finite("coupling_strength", coupling_strength)
        v = coupling_strength * np.array([[0.0, 1.0 + 1.0j], [1.0 - 1.0j, 0.0]])
        return cls(np.array([-gap / 2, gap / 2]), v, length, mass, hbar)

    @classmethod
    def example(cls) -> ScatteringModel:
        """Parameters of Figs. 1-2: Delta = 0.6, lambda = L = hbar = 1, m = 0.1."""
        return cls.qubit(0.6, 1.0, length=1.0, mass=0.1, hbar=1.0)


@dataclass(frozen=True)
class IncidentPacket:
    r"""State of the incident particle, Wigner function of Eq. (22) of Tabanera-Bravo (2023).

    :math:`W(p,x) = \mu(p)\,e^{-(x-x_0)^2/2\Delta x^2}/\sqrt{2\pi\Delta x^2}` with
    :math:`\mu` the effusion law Eq. (18) or the half-Maxwell law.

    Parameters
    ----------
    beta : float
        Inverse temperature of the gas (> 0).
    mass : float
        Particle mass (> 0); must equal the model's mass.
    delta_x : float
        Position spread Delta x (> 0).
    x0 : float
        Centre of the packet, measured from the centre of the scattering region.
    distribution : {"effusion", "maxwell"}
        Momentum law on the diagonal of rho_U.
    hbar : float
        Reduced Planck constant (> 0); must equal the model's.

    Warns
    -----
    PhysicsWarning
        If :math:`4\pi\Delta x\sqrt{m/\beta} < \hbar`, where the paper (after Eq. (22), citing
        Hillery et al. 1984) says Eq. (22) is no valid Wigner function.

    Notes
    -----
    Even when the condition holds, the operator of Eq. (23) is not positive (at the paper's
    parameters its smallest eigenvalue is about -0.05): check it with
    `thermalize.scattering.packet_positivity`, and check the resulting map with
    `thermalize.scattering.audit_map` (complete positivity can fail for narrow packets).

    Examples
    --------
    >>> IncidentPacket.example().delta_x
    1.0
    """

    beta: float
    mass: float
    delta_x: float
    x0: float
    distribution: str = "effusion"
    hbar: float = 1.0

    def __post_init__(self) -> None:
        for name in ("beta", "mass", "delta_x", "hbar"):
            require_positive(name, getattr(self, name))
        require_finite("x0", as_float_array("x0", self.x0))
        if self.distribution not in DISTRIBUTIONS:
            raise ParameterError(
                f"distribution={self.distribution!r} is outside the allowed set {DISTRIBUTIONS}"
            )
        if (lhs := 4 * np.pi * self.delta_x * np.sqrt(self.mass / self.beta)) < self.hbar:
            warnings.warn(
                f"4 pi delta_x sqrt(mass/beta) = {lhs:.3g} < hbar = {self.hbar:g}: Eq. (22) of "
                "Tabanera-Bravo et al. (2023) is then not a valid Wigner function",
                PhysicsWarning, stacklevel=3,
            )

    @classmethod
    def example(cls) -> IncidentPacket:
        """Parameters of Figs. 1-2: beta = 0.1, m = 0.1, Delta x = 1, x0 = -10, effusion."""
        return cls(beta=0.1, mass=0.1, delta_x=1.0, x0=-10.0)
