"""Repeated-interaction (resonant-exchange collision) model: the contrast after Eq. (21)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla

from ..errors import ParameterError, as_float_array, require_positive, require_real
from ..quantum import gibbs_populations, gibbs_state
from ..superop import steady_state
from .spin import _check_spin_detuning, spin_operators

__all__ = ["RepeatedInteractionModel", "fitted_temperature"]

#: Largest 2J + 1 of the repeated-interaction model: its channel is (d^2, d^2) and one expm of
#: the (2d, 2d) collision unitary is needed (J = 25: 2601^2 complex entries, ~0.1 GiB).
_MAX_DIMENSION = 51


def fitted_temperature(populations, omega_s: float) -> float:
    r"""Temperature of a ladder state with equal spacing omega_s from its population ratios.

    :math:`1/T = -\langle \ln(P_{m+1}/P_m)\rangle/\omega_S` (mean over neighbours); exact for
    Gibbs states of h_S = omega_S J_z.

    Examples
    --------
    >>> round(fitted_temperature(np.exp(-np.arange(3) / 2.0), 1.0), 12)
    2.0
    """
    p = as_float_array("populations", populations)
    omega_s = require_real("omega_s", omega_s)
    require_positive("omega_s", omega_s)
    if p.ndim != 1 or p.size < 2 or np.any(p <= 0):
        raise ParameterError("populations must be a 1D array of >= 2 positive entries")
    m = -float(np.mean(np.diff(np.log(p))))
    if m == 0:
        return float(np.inf)  # flat populations: infinite temperature, the exact limit
    with np.errstate(over="ignore"):
        t = omega_s / m
    if not np.isfinite(t):
        raise ParameterError(f"omega_s={omega_s!r}: the fitted temperature omega_s / "
                             f"<ln(P_m / P_m+1)> = {omega_s:g} / {m:g} exceeds float64")
    return float(t)


@dataclass(frozen=True, init=False)
class RepeatedInteractionModel:
    r"""Spin J colliding one at a time with fresh thermal two-level ancillas (Refs. [34, 35]).

    Each collision applies :math:`U = e^{-i\tau H}`,
    :math:`H = \omega_S J_z + \tfrac{\omega_A}{2}\sigma_z + g(J_+\sigma_- + J_-\sigma_+)`, to
    :math:`\rho\otimes\gamma_A` and traces the ancilla out. The exchange conserves
    :math:`J_z + \sigma_z/2`, so the fixed point is :math:`e^{-(\omega_A/T) J_z}`: a Gibbs
    state at :math:`\omega_S T/\omega_A`, not at the ancilla temperature T, unless resonant.

    ``RepeatedInteractionModel(spin, omega_s, detuning, *, beta=, coupling=, duration=)``;
    ``temperature=`` is accepted instead of ``beta=`` (never both). The old positional form
    ``RepeatedInteractionModel(spin, omega_s, detuning, T, g, tau)`` still works with a
    DeprecationWarning (docs/conventions.md: temperatures enter as keywords).

    Attributes
    ----------
    spin : float
        J (non-negative half-integer).
    omega_s : float
        > 0.
    detuning : float
        omega_A - omega_S; omega_A must be > 0.
    temperature : float
        Ancilla temperature T > 0 (`beta` = 1/T).
    coupling : float
        Exchange strength g > 0.
    duration : float
        Collision time tau > 0.

    Examples
    --------
    >>> m = RepeatedInteractionModel(1, 1.0, 1.0, beta=1.0, coupling=1.0, duration=0.7)
    >>> round(fitted_temperature(np.diag(m.steady_state()).real, 1.0), 8)  # omega_S T/omega_A
    0.5
    """

    spin: float
    omega_s: float
    detuning: float
    temperature: float
    coupling: float
    duration: float

    def __init__(self, spin, omega_s, detuning, *legacy, beta=None, temperature=None,
                 coupling=None, duration=None) -> None:
        if len(legacy) > 3:
            raise ParameterError(
                "RepeatedInteractionModel takes at most 6 positional arguments, got "
                f"{3 + len(legacy)}"
            )
        if legacy:
            warnings.warn(
                "positional RepeatedInteractionModel(spin, omega_s, detuning, T, g, tau) is "
                "deprecated: pass beta= (or temperature=), coupling= and duration= as keywords",
                DeprecationWarning,
                stacklevel=2,
            )
        leg = list(legacy) + [None] * (3 - len(legacy))
        for name, kw, pos in (("coupling", coupling, leg[1]), ("duration", duration, leg[2])):
            if kw is not None and pos is not None:
                raise ParameterError(f"{name} given both positionally and as a keyword")
        if sum(x is not None for x in (beta, temperature, leg[0])) > 1:
            raise ParameterError(
                f"give only one of beta={beta!r} and temperature={temperature!r}"
                + (f" (temperature {leg[0]!r} given positionally)" if leg[0] is not None else "")
            )
        if beta is not None:
            b = require_real("beta", beta)
            require_positive("beta", b)
            t = 1.0 / b
            if not np.isfinite(t):
                raise ParameterError(f"beta={b!r} is too small: 1/beta overflows float64")
        else:
            t = temperature if temperature is not None else leg[0]
            if t is None:
                raise ParameterError("missing beta= (or temperature=) of the ancillas")
        values = {"spin": spin, "omega_s": omega_s, "detuning": detuning, "temperature": t,
                  "coupling": coupling if coupling is not None else leg[1],
                  "duration": duration if duration is not None else leg[2]}
        for name in ("coupling", "duration"):
            if values[name] is None:
                raise ParameterError(f"missing {name}= (> 0)")
        for k, v in values.items():
            object.__setattr__(self, k, v)
        self._check()

    def _check(self) -> None:
        _check_spin_detuning(self.spin, self.omega_s, self.detuning)
        for name in ("omega_s", "detuning", "temperature", "coupling", "duration"):
            object.__setattr__(self, name, require_real(name, getattr(self, name)))
        for name in ("temperature", "coupling", "duration"):
            require_positive(name, getattr(self, name))
        d = round(2 * float(self.spin)) + 1
        if d > _MAX_DIMENSION:
            raise ParameterError(
                f"spin={self.spin!r}: the collision map is a dense (d^2, d^2) matrix; "
                f"2J+1 <= {_MAX_DIMENSION} is supported (got {d})"
            )

    @property
    def beta(self) -> float:
        """Inverse ancilla temperature 1/T."""
        return 1.0 / self.temperature

    @property
    def omega_a(self) -> float:
        """omega_S + Delta."""
        return self.omega_s + self.detuning

    def channel(self) -> np.ndarray:
        """The collision map rho -> tr_A U (rho x gamma_A) U^dagger, matrix form (d*d, d*d)."""
        jz, jp, jm = spin_operators(self.spin)
        d = jz.shape[0]
        sm = np.array([[0.0, 1.0], [0.0, 0.0]])
        h = (
            self.omega_s * np.kron(jz, np.eye(2))
            + 0.5 * self.omega_a * np.kron(np.eye(d), np.diag([-1.0, 1.0]))
            + self.coupling * (np.kron(jp, sm) + np.kron(jm, sm.T))
        )
        u = sla.expm(-1j * self.duration * h).reshape(d, 2, d, 2)
        pa = gibbs_populations(np.array([-0.5, 0.5]) * self.omega_a, 1.0 / self.temperature)
        # S[a, b, j, k] = sum_{l, n} p_l U[a n, j l] conj(U[b n, k l])
        s = np.einsum("l,anjl,bnkl->abjk", pa, u, u.conj())
        return s.reshape(d * d, d * d)

    def generator(self, collision_rate: float = 1.0) -> np.ndarray:
        """Continuous-time version r (Phi - 1) for Poissonian collisions at `collision_rate`."""
        collision_rate = require_real("collision_rate", collision_rate)
        require_positive("collision_rate", collision_rate)
        phi = self.channel()
        return collision_rate * (phi - np.eye(phi.shape[0]))

    def steady_state(self) -> np.ndarray:
        """Fixed point of the collision map, shape (d, d)."""
        return steady_state(self.generator())

    def predicted_temperature(self) -> float:
        """omega_S T / omega_A: the repeated-interaction fixed point's temperature."""
        return self.omega_s * self.temperature / self.omega_a

    def predicted_state(self) -> np.ndarray:
        """Gibbs state of omega_S J_z at `predicted_temperature`, shape (d, d)."""
        jz, _, _ = spin_operators(self.spin)
        return gibbs_state(self.omega_s * np.diag(jz), 1.0 / self.predicted_temperature())
