"""Parameter sets of the collision problem: the scattered system and the incident packet."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from .._qutip import like, to_array
from ..errors import (
    ParameterError,
    PhysicsWarning,
    as_array,
    as_float_array,
    require_dense_size,
    require_hermitian,
    require_positive,
    require_real,
    require_shape,
)
from .laws import MomentumLaw, thermal_law, user_law

__all__ = ["DISTRIBUTIONS", "MAX_PHASE", "IncidentPacket", "ScatteringModel"]

#: Momentum laws of the incident particles: "effusion" is Eq. (18) of Tabanera-Bravo et al.
#: (2023), "maxwell" the half-Maxwell law of particles moving right (normalised on p > 0).
DISTRIBUTIONS = ("effusion", "maxwell")


def _frozen_array(arr: np.ndarray) -> np.ndarray:
    out = np.array(arr, copy=True)
    out.setflags(write=False)
    return out


#: Largest phase L k / hbar (k the momentum scale of the level spread) that double precision
#: still resolves; beyond it every phase e^{i q L/hbar} is rounding noise (issue 15).
MAX_PHASE = 1e12


def _require_model_scalar(name: str, value) -> float:
    x = require_real(name, value)
    require_positive(name, x)
    return x


@dataclass(frozen=True, eq=False)
class ScatteringModel:
    r"""A d-level system hit by a 1D particle: Eq. (16) of Tabanera-Bravo et al. (2023).

    :math:`H = \hat p^2/2m + H_S + V f(\hat x)` with f the indicator of the scattering region
    of length L. Everything is stored in the eigenbasis of H_S (levels ascending).

    Parameters
    ----------
    energies : array_like, shape (d,), or Hermitian matrix (d, d), or qutip.Qobj
        Levels e_j of H_S, strictly ascending (non-degenerate; index 0 is the ground state),
        or the full H_S in any basis: it is then diagonalised and `coupling` is read in the
        same basis (`basis` holds the eigenvectors; see `from_hamiltonian`).
    coupling : array_like or qutip.Qobj, shape (d, d)
        Hermitian V (in the eigenbasis of H_S, or in the basis of a full H_S).
    length : float
        Length L > 0 of the scattering region, centred at x = 0 (``[-L/2, L/2]``, so that
        f(x) = f(-x) as the paper assumes).
    mass : float
        Particle mass m > 0 (given once: packets take it from the model, see `packet`).
    hbar : float
        Reduced Planck constant (> 0), default 1.

    Attributes
    ----------
    basis : ndarray, shape (d, d)
        Eigenvectors of H_S (columns) in the basis H_S was given in; the identity when
        `energies` were given. A state rho in that basis is ``basis^dagger rho basis`` here
        (`to_eigenbasis`).

    Raises
    ------
    ParameterError
        Bad types, shapes, a degenerate H_S, a non-Hermitian V, or parameters whose phase
        L sqrt(2 m (e_max - e_0 + |V|))/hbar exceeds 1e12 (`MAX_PHASE`), where no double
        precision amplitude is meaningful (e.g. ``length=1e308``).

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
    basis: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        h = to_array(self.energies)
        raw = np.asarray(h) if not isinstance(h, str) else h
        if isinstance(raw, np.ndarray) and raw.ndim == 2:
            h_s = require_hermitian("energies (H_S)", raw)
            e, u = np.linalg.eigh(0.5 * (h_s + h_s.conj().T))
            # deterministic phases: the largest entry of each eigenvector real positive
            big = u[np.argmax(np.abs(u), axis=0), np.arange(u.shape[1])]
            u = u * (np.abs(big) / big)[None, :]
        else:
            e = as_float_array("energies", raw, ndim=1)
            require_dense_size("energies", (e.size,) * 4)  # before any (d, d) array
            u = np.eye(e.size)
        if e.size < 2:
            raise ParameterError(f"energies={e!r} must hold at least two levels")
        require_dense_size("energies", (e.size,) * 4)  # the map tensor S[j1, k1, j, k]
        if np.any(np.diff(e) <= 0):
            raise ParameterError(
                f"energies={e!r} must be strictly ascending: H_S must be non-degenerate "
                "(Eq. (12) of Tabanera-Bravo 2023 assumes Delta_jk = 0 only for j = k)"
            )
        v = np.asarray(to_array(self.coupling))
        if v.shape != (e.size, e.size):
            raise ParameterError(f"coupling must have shape {(e.size, e.size)}, got {v.shape}")
        require_hermitian("coupling", v)
        v = u.conj().T @ (0.5 * (v + v.conj().T)).astype(complex) @ u
        for name in ("length", "mass", "hbar"):
            object.__setattr__(self, name, _require_model_scalar(name, getattr(self, name)))
        spread = float(e[-1] - e[0] + np.max(np.abs(v)))
        k_scale = np.sqrt(2 * self.mass * spread) / self.hbar
        phase = k_scale * self.length
        if not (np.isfinite(spread) and np.isfinite(phase) and phase <= MAX_PHASE):
            raise ParameterError(
                f"length={self.length!r} (with mass={self.mass!r}, hbar={self.hbar!r} and a "
                f"level spread {spread:.3g}) gives a phase L sqrt(2 m spread)/hbar = {phase:.3g} "
                f"outside the representable range [0, {MAX_PHASE:g}]: double precision cannot "
                "resolve e^{i k L}; rescale the units"
            )
        object.__setattr__(self, "energies", _frozen_array(e))
        object.__setattr__(self, "coupling", _frozen_array(v))
        object.__setattr__(self, "basis", _frozen_array(u))
        eps, vecs = np.linalg.eigh(np.diag(e) + v)
        object.__setattr__(self, "_eig", (_frozen_array(eps), _frozen_array(vecs)))

    @classmethod
    def from_hamiltonian(cls, hamiltonian, coupling, *, length: float, mass: float,
                         hbar: float = 1.0) -> ScatteringModel:
        """A model from the full H_S and V in one (any) basis; diagonalised internally.

        Examples
        --------
        >>> sx = np.array([[0.0, 1.0], [1.0, 0.0]])
        >>> m = ScatteringModel.from_hamiltonian(0.3 * sx, np.diag([1.0, -1.0]), length=1.0,
        ...                                      mass=0.1)
        >>> np.round(m.energies, 12), np.round(np.abs(m.coupling), 12)  # sigma_z -> sigma_x
        (array([-0.3,  0.3]), array([[0., 1.],
               [1., 0.]]))
        """
        h = np.asarray(to_array(hamiltonian))
        if h.ndim != 2:
            raise ParameterError(f"hamiltonian must be a (d, d) matrix, got shape {h.shape}")
        require_hermitian("hamiltonian", h)  # named as given, before the eigenbasis checks
        try:
            return cls(h, coupling, length, mass, hbar)
        except ParameterError as exc:
            if str(exc).startswith("energies"):  # the constructor's name for H_S
                raise ParameterError(f"hamiltonian (through its eigenvalues): {exc}") from exc
            raise

    def to_eigenbasis(self, rho):
        """A state or operator given in the basis of H_S's input, in the eigenbasis (Qobj ok)."""
        r = self._operator(rho)
        u = self.basis
        return like(rho, u.conj().T @ r @ u)

    def from_eigenbasis(self, rho):
        """Inverse of `to_eigenbasis` (Qobj in, Qobj out)."""
        r = self._operator(rho)
        u = self.basis
        return like(rho, u @ r @ u.conj().T)

    def _operator(self, rho) -> np.ndarray:
        """`rho` as a finite complex array of shape (..., d, d), or a ParameterError."""
        r = as_array("rho", to_array(rho), complex, "a numeric (d, d) operator")
        require_shape("rho", r, f"(..., {self.dimension}, {self.dimension})")
        if not np.all(np.isfinite(r)):
            raise ParameterError("rho must be finite (no NaN or inf)")
        return r

    def packet(self, beta: float | None = None, delta_x: float = 1.0, x0: float = -10.0,
               distribution="effusion", *, temperature: float | None = None) -> IncidentPacket:
        """An `IncidentPacket` with this model's mass and hbar (mass given once).

        `delta_x` and `x0` default to the packets of Figs. 1-2 (1 and -10).

        Examples
        --------
        >>> ScatteringModel.example().packet(beta=0.1).mass
        0.1
        """
        return IncidentPacket(beta=beta, mass=self.mass, delta_x=delta_x, x0=x0,
                              distribution=distribution, hbar=self.hbar, temperature=temperature)

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
        gap = _require_model_scalar("gap", gap)
        lam = require_real("coupling_strength", coupling_strength)
        v = lam * np.array([[0.0, 1.0 + 1.0j], [1.0 - 1.0j, 0.0]])
        return cls(np.array([-gap / 2, gap / 2]), v, length, mass, hbar)

    @classmethod
    def example(cls) -> ScatteringModel:
        """Parameters of Figs. 1-2: Delta = 0.6, lambda = L = hbar = 1, m = 0.1."""
        return cls.qubit(0.6, 1.0, length=1.0, mass=0.1, hbar=1.0)


def _beta_of(beta, temperature) -> float:
    if beta is not None and temperature is not None:
        raise ParameterError(
            f"give beta={beta!r} or temperature={temperature!r}, not both"
        )
    if beta is None and temperature is None:
        raise ParameterError("beta (or temperature) of the gas is required")
    if temperature is not None:
        return 1.0 / _require_model_scalar("temperature", temperature)
    return _require_model_scalar("beta", beta)


@dataclass(frozen=True, init=False, eq=False)
class IncidentPacket:
    r"""State of the incident particle, Wigner function of Eq. (22) of Tabanera-Bravo (2023).

    :math:`W(p,x) = \mu(p)\,e^{-(x-x_0)^2/2\Delta x^2}/\sqrt{2\pi\Delta x^2}` with
    :math:`\mu` the effusion law Eq. (18), the half-Maxwell law, or a user law.

    Parameters
    ----------
    beta : float
        Inverse temperature of the gas (> 0); or give ``temperature=`` instead.
    mass : float, optional
        Particle mass (> 0). Give it once: left out, it is taken from the model when the
        packet meets one (`scattering_map`; `ScatteringModel.packet` builds a bound packet);
        given, it must equal the model's (else ParameterError).
    delta_x : float
        Position spread Delta x (> 0).
    x0 : float
        Centre of the packet, measured from the centre of the scattering region.
    distribution : {"effusion", "maxwell"}, MomentumLaw or callable
        Momentum law on the diagonal of rho_U: the built-in laws, a `MomentumLaw` (e.g.
        `gaussian_momentum`, the positive control case) or a vectorised callable mu(p) on the
        thermal scale of the gas (zero for p <= 0, negligible beyond beta p^2/2m = 45); a user
        law must be normalised (checked to 1e-6).
    hbar : float, optional
        Reduced Planck constant (> 0); left out: the model's (1 for a packet used alone).
    temperature : float, optional
        1/beta, keyword only (not together with beta).

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
    `ScatteringMap.audit` (complete positivity can fail for narrow packets).

    Examples
    --------
    >>> IncidentPacket(beta=0.1, delta_x=1.0, x0=-10.0).mass is None  # mass from the model
    True
    >>> IncidentPacket.example().delta_x
    1.0
    """

    beta: float
    mass: float | None
    delta_x: float
    x0: float
    distribution: object
    hbar: float | None
    _law: object = field(repr=False)

    def __init__(self, beta=None, mass=None, delta_x=None, x0=None, distribution="effusion",
                 hbar=None, *, temperature=None):
        put = object.__setattr__
        put(self, "beta", _beta_of(beta, temperature))
        put(self, "mass", None if mass is None else _require_model_scalar("mass", mass))
        if delta_x is None or x0 is None:
            raise ParameterError(
                f"delta_x={delta_x!r} and x0={x0!r} are required (position spread and centre)"
            )
        put(self, "delta_x", _require_model_scalar("delta_x", delta_x))
        put(self, "x0", require_real("x0", x0))
        put(self, "hbar", None if hbar is None else _require_model_scalar("hbar", hbar))
        if isinstance(distribution, str):
            if distribution not in DISTRIBUTIONS:
                raise ParameterError(
                    f"distribution={distribution!r} is outside the allowed set {DISTRIBUTIONS} "
                    "(or pass a MomentumLaw / callable)"
                )
        elif not callable(distribution):
            raise ParameterError(
                f"distribution must be one of {DISTRIBUTIONS}, a MomentumLaw or a callable, "
                f"got {type(distribution).__name__}"
            )
        put(self, "distribution", distribution)
        put(self, "_law", None)
        if self.mass is not None:
            self._bind_checks()

    def _bind_checks(self) -> None:
        """Validity warning and user-law normalisation (need the mass)."""
        hbar = 1.0 if self.hbar is None else self.hbar
        if (lhs := 4 * np.pi * self.delta_x * np.sqrt(self.mass / self.beta)) < hbar:
            warnings.warn(
                f"4 pi delta_x sqrt(mass/beta) = {lhs:.3g} < hbar = {hbar:g}: Eq. (22) of "
                "Tabanera-Bravo et al. (2023) is then not a valid Wigner function",
                PhysicsWarning, stacklevel=3,
            )
        if isinstance(self.distribution, str):
            law = thermal_law(self.distribution, self.beta, self.mass)
        else:
            law = user_law(self.distribution, self.beta, self.mass).validate()
        object.__setattr__(self, "_law", law)

    @property
    def law(self) -> MomentumLaw:
        """The momentum law mu(p) as a `MomentumLaw` (needs the mass)."""
        if self._law is None:
            raise ParameterError(
                "this packet has no mass yet: build it with ScatteringModel.packet(...), "
                "bind it with packet.bind(model), or give mass="
            )
        return self._law

    @property
    def hbar_value(self) -> float:
        """hbar, 1 when none was given."""
        return 1.0 if self.hbar is None else self.hbar

    def bind(self, model) -> IncidentPacket:
        """This packet with the model's mass and hbar; ParameterError if given ones disagree."""
        if not isinstance(model, ScatteringModel):
            raise ParameterError(f"model must be a ScatteringModel, got {_type_name(model)}")
        for name in ("mass", "hbar"):
            mine, theirs = getattr(self, name), getattr(model, name)
            if mine is not None and not np.isclose(mine, theirs, rtol=1e-12, atol=0):
                raise ParameterError(
                    f"packet {name}={mine!r} must equal the model {name}={theirs!r} "
                    f"(give {name} once, to the ScatteringModel)"
                )
        if self.mass is not None and self.hbar is not None:
            return self
        return IncidentPacket(beta=self.beta, mass=model.mass, delta_x=self.delta_x,
                              x0=self.x0, distribution=self.distribution, hbar=model.hbar)

    def __eq__(self, other) -> bool:
        if not isinstance(other, IncidentPacket):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f)
                   for f in ("beta", "mass", "delta_x", "x0", "distribution", "hbar"))

    def __hash__(self) -> int:
        return hash((self.beta, self.mass, self.delta_x, self.x0, self.distribution, self.hbar))

    @classmethod
    def example(cls) -> IncidentPacket:
        """Parameters of Figs. 1-2: beta = 0.1, m = 0.1, Delta x = 1, x0 = -10, effusion."""
        return cls(beta=0.1, mass=0.1, delta_x=1.0, x0=-10.0)


def _type_name(value) -> str:
    text = repr(value)
    return f"{text if len(text) <= 60 else text[:57] + '...'} ({type(value).__name__})"
