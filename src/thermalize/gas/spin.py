"""Spin-J case study of Gaida et al. (2025), Eqs. (17)-(23): rates, temperature, dynamics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, as_float_array, require_finite, require_positive
from ..quantum import DENSITY_MATRIX_ATOL, gibbs_populations, validate_density_matrix
from ..quantum import ergotropy as _ergotropy
from ..superop import evolve, liouvillian
from ._bands import evolve_bands
from .integral import log_rate_integral
from .ladder import birth_death_evolve

#: Largest dimension for the dense Lindblad path: the (d^2, d^2) generator of J = 20 has
#: 1681^2 entries and one eigendecomposition takes seconds; beyond, memory and time explode.
_MAX_LINDBLAD_DIMENSION = 41

#: Largest dimension for the band-by-band path (`_bands`): d expms of sizes d, d-1, ..., 1
#: per distinct time step (~d^4/4 flops: seconds at J = 200) and a (nt, d, d) result.
_MAX_BAND_DIMENSION = 401

__all__ = ["SpinGasModel", "populations_ergotropy", "spin_operators"]


def _check_spin(spin) -> float:
    try:
        two_j = 2.0 * float(spin)
    except (TypeError, ValueError):
        raise ParameterError(
            f"spin={spin!r} must be a non-negative half-integer (0, 1/2, 1, ...)"
        ) from None
    if not (np.isfinite(two_j) and two_j >= 0 and two_j == round(two_j)):
        raise ParameterError(f"spin={spin!r} must be a non-negative half-integer (0, 1/2, 1, ...)")
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
    m = np.arange(-j, j + 0.5)
    jp = np.diag(np.sqrt((j - m[:-1]) * (j + m[:-1] + 1.0)), -1)
    return np.diag(m), jp, jp.T.copy()


def _check_spin_detuning(spin, omega_s, detuning) -> None:
    """Spin J a non-negative half-integer, omega_s > 0, ancilla gap omega_s + detuning > 0."""
    _check_spin(spin)
    require_positive("omega_s", omega_s)
    require_finite("detuning", detuning)
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


@dataclass(frozen=True)
class SpinGasModel:
    r"""A spin J in a dilute gas of detuned two-level ancillas (Gaida et al. 2025, Eqs. 17-23).

    Master equation (18): :math:`\dot\rho = -i\omega_S[J_z,\rho] + \Gamma_+\mathcal D[J_+]\rho
    + \Gamma_-\mathcal D[J_-]\rho` with the rates of Eq. (19). Units hbar = k_B = 1.

    Attributes
    ----------
    spin : float
        J (non-negative half-integer); dimension 2J+1.
    omega_s : float
        System level spacing omega_S > 0 (h_S = omega_S J_z).
    detuning : float
        Delta = omega_A - omega_S; the ancilla gap omega_A must be > 0.
    temperature_internal : float
        T_A > 0 of the ancilla populations.
    temperature_motional : float
        T_M > 0 of the Maxwell momentum distribution.
    recoil_energy : float
        E_R = hbar^2 / (2 m R^2) > 0 of the Gaussian interaction region.
    rate_scale : float
        Gamma-tilde = n lambda_th^3 V_0^2 / (2 hbar E_R) of Eq. (D4) (default 1: times in units
        of 1/Gamma-tilde).

    Notes
    -----
    Convention (see docs/physics.md (gas section)): the ancilla gap is hbar*omega_A, i.e.
    h_A = hbar omega_A sigma_z / 2 (levels -omega_A/2, +omega_A/2). This is the only reading
    in which Eq. (19) (Boltzmann factor exp(hbar omega_A / k T_A), energy transfer
    +-hbar Delta) and Eq. (21) are consistent; with h_A = hbar omega_A sigma_z literally the
    gap would be 2 hbar omega_A.

    Examples
    --------
    >>> m = SpinGasModel.example()
    >>> [round(float(g), 6) for g in m.rates()]
    [0.075033, 0.20396]
    """

    spin: float
    omega_s: float
    detuning: float
    temperature_internal: float
    temperature_motional: float
    recoil_energy: float
    rate_scale: float = 1.0

    def __post_init__(self) -> None:
        _check_spin_detuning(self.spin, self.omega_s, self.detuning)
        for name in ("temperature_internal", "temperature_motional", "recoil_energy", "rate_scale"):
            require_positive(name, getattr(self, name))

    @classmethod
    def example(cls, **overrides) -> SpinGasModel:
        """J = 2, omega_S = 1, Delta = 0.5, T_A = T_M = E_R = 1 (equilibrium gas)."""
        kw = {
            "spin": 2,
            "omega_s": 1.0,
            "detuning": 0.5,
            "temperature_internal": 1.0,
            "temperature_motional": 1.0,
            "recoil_energy": 1.0,
        }
        kw.update(overrides)
        return cls(**kw)

    # ----------------------------------------------------------------- structure
    @property
    def omega_a(self) -> float:
        """Ancilla gap omega_A = omega_S + Delta."""
        return self.omega_s + self.detuning

    @property
    def dimension(self) -> int:
        """2J + 1."""
        return round(2 * float(self.spin)) + 1

    def energies(self) -> np.ndarray:
        """Levels omega_S m, m = -J..J, shape (2J+1,), ascending."""
        j = float(self.spin)
        return self.omega_s * np.arange(-j, j + 0.5)

    # ----------------------------------------------------------------- Eqs. (19)-(22)
    def log_rates(self) -> tuple[float, float]:
        r"""(ln Gamma_+, ln Gamma_-) of Eq. (19), finite even where the rates underflow."""
        alpha = self.recoil_energy / self.temperature_motional
        s = self.detuning / self.recoil_energy
        x = self.omega_a / self.temperature_internal
        base = np.log(self.rate_scale)
        lp = base + float(log_rate_integral(alpha, -s)) - float(np.logaddexp(0.0, x))
        lm = base + float(log_rate_integral(alpha, s)) - float(np.logaddexp(0.0, -x))
        return lp, lm

    def rates(self) -> tuple[float, float]:
        r"""(Gamma_+, Gamma_-) of Eq. (19).

        :math:`\Gamma_\pm = \tilde\Gamma\, I(E_R/k_BT_M, \mp\hbar\Delta/E_R)/(1+e^{\pm\hbar\omega_A/k_BT_A})`.
        """
        lp, lm = self.log_rates()
        return float(np.exp(lp)), float(np.exp(lm))

    def effective_inverse_temperature(self) -> float:
        r"""1/T of Eq. (21): :math:`\omega_S/T = \omega_A/T_A - \Delta/T_M` (any sign, finite).

        Equal to -ln(Gamma_+/Gamma_-)/omega_S by the identity I(alpha,-s) = e^{alpha s} I(alpha,s).
        """
        return (
            self.omega_a / self.temperature_internal - self.detuning / self.temperature_motional
        ) / self.omega_s

    def effective_temperature(self) -> float:
        r"""T of Eq. (21), :math:`\omega_S T_A T_M/(\omega_A T_M - \Delta T_A)`; +-inf when the
        denominator vanishes, negative under population inversion."""
        b = self.effective_inverse_temperature()
        return float(np.inf) if b == 0 else 1.0 / b

    def population_inverted(self) -> bool:
        r"""Eq. (22): :math:`\Delta > 0` and :math:`T_M < \Delta T_A/(\omega_S + \Delta)`."""
        return bool(
            self.detuning > 0
            and self.temperature_motional
            < self.detuning * self.temperature_internal / (self.omega_s + self.detuning)
        )

    # ----------------------------------------------------------------- generators
    def hamiltonian(self) -> np.ndarray:
        """h_S = omega_S J_z, shape (d, d)."""
        return np.diag(self.energies())

    def generator(self) -> np.ndarray:
        """Lindblad generator of Eq. (18), matrix form (d*d, d*d) for the core `evolve`."""
        _, jp, jm = spin_operators(self.spin)
        return liouvillian(self.hamiltonian(), [jp, jm], list(self.rates()))

    def ladder_rates(self) -> tuple[np.ndarray, np.ndarray]:
        r"""(up, down) rates of the population equation: up[i] = Gamma_+ |<i+1|J_+|i>|^2,
        down[i] = Gamma_- |<i-1|J_-|i>|^2; shape (d,) each."""
        _, jp, _ = spin_operators(self.spin)
        c = np.diag(jp, -1) ** 2
        gp, gm = self.rates()
        return np.append(gp * c, 0.0), np.insert(gm * c, 0, 0.0)

    def stationary_populations(self) -> np.ndarray:
        """Gibbs populations at the effective temperature of Eq. (21), shape (d,)."""
        return gibbs_populations(self.energies(), self.effective_inverse_temperature())

    # ----------------------------------------------------------------- dynamics
    def _initial(self, rho0) -> np.ndarray:
        d = self.dimension
        if rho0 is None:
            r = np.zeros((d, d))
            r[0, 0] = 1.0
            return r
        r = np.asarray(rho0)
        if r.shape == (d,):
            r = np.diag(r)
        if r.shape != (d, d):
            raise ParameterError(f"rho0 must have shape ({d},) or ({d}, {d}), got {r.shape}")
        require_finite("rho0", r)
        return validate_density_matrix(r, name="rho0")

    def _diagonal_populations(self, rho0) -> np.ndarray | None:
        """Validated populations of an energy-diagonal rho0 (None, (d,) or diagonal (d, d)).

        Returns None when rho0 has coherences. A diagonal state's eigenvalues are its
        populations, so positivity and normalisation are checked on them in O(d), not by
        an O(d^3) eigendecomposition (d = 2001 at J = 1000).
        """
        d = self.dimension
        if rho0 is None:
            p = np.zeros(d)
            p[0] = 1.0
            return p
        r = np.asarray(rho0)
        if r.shape == (d, d):
            require_finite("rho0", r)
            if np.count_nonzero(r[~np.eye(d, dtype=bool)]):
                return None
            r = np.diagonal(r)
        if r.shape != (d,):
            raise ParameterError(f"rho0 must have shape ({d},) or ({d}, {d}), got {r.shape}")
        require_finite("rho0", r)
        if np.iscomplexobj(r) and np.any(r.imag != 0):
            raise ParameterError("rho0 must have real populations (a Hermitian state)")
        p = np.real(r).astype(float)
        if p.min() < -DENSITY_MATRIX_ATOL:
            raise ParameterError(
                f"rho0 is not positive semidefinite: smallest population {p.min():.3g}"
            )
        if abs(p.sum() - 1.0) > DENSITY_MATRIX_ATOL:
            raise ParameterError(f"rho0 must have unit trace, got trace {p.sum():.12g}")
        return p

    def populations(self, times, rho0=None) -> np.ndarray:
        r"""Populations P(m, t) from the tridiagonal rate equation (fast path, Eq. 11).

        Parameters
        ----------
        times : array_like, shape (nt,)
            Times >= 0.
        rho0 : ndarray, shape (d,) or (d, d), optional
            Initial populations or state (only its diagonal matters: populations decouple
            from coherences, Appendix C). Default: ground state m = -J.

        Returns
        -------
        ndarray, shape (nt, d)
        """
        p = self._diagonal_populations(rho0)
        if p is None:  # coherences present: validate the full state, keep its diagonal
            p = np.real(np.diag(self._initial(rho0)))
        up, down = self.ladder_rates()
        return birth_death_evolve(up, down, p, times)

    def evolve(self, times, rho0=None) -> np.ndarray:
        """Full density-matrix evolution under Eq. (18), shape (nt, d, d).

        For 2J + 1 <= 41 (J <= 20) the dense (d^2 x d^2) generator and the core `evolve`;
        up to 2J + 1 = 401 (J = 200) band by band (each superdiagonal of rho evolves on its
        own, see `thermalize.gas._bands`; agrees with the dense path to ~1e-15).
        """
        times = np.asarray(times, dtype=float)
        if times.ndim != 1 or not np.all(np.isfinite(times)) or np.any(times < 0):
            raise ParameterError(f"times must be a 1D array of finite times >= 0, got {times!r}")
        if self.dimension > _MAX_BAND_DIMENSION:
            raise NotImplementedError(
                f"the density-matrix paths are limited to 2J+1 <= {_MAX_BAND_DIMENSION} "
                f"(got {self.dimension}: the (nt, d, d) result and d^4 work grow too large); "
                "use an energy-diagonal rho0 (rate-equation fast path, J up to 1000+)"
            )
        r = self._initial(rho0).astype(complex)
        if self.dimension > _MAX_LINDBLAD_DIMENSION:
            _, jp, _ = spin_operators(self.spin)
            gp, gm = self.rates()
            return evolve_bands(np.diag(jp, -1), gp, gm, self.omega_s, r, times)
        return evolve(self.generator(), r, times)

    def ergotropy(self, times, rho0=None) -> np.ndarray:
        r"""Ergotropy W(t) along the evolution, shape (nt,).

        Energy-diagonal initial states (default: ground state) use the rate equation and
        Eq. (23); states with coherences use the Lindblad path and the general ergotropy
        (core `thermalize.quantum.ergotropy`).
        """
        p = self._diagonal_populations(rho0)
        if p is not None:
            return populations_ergotropy(self.populations(times, p), self.energies())
        r = self._initial(rho0)
        h = self.energies()
        return np.array([_ergotropy(x, h) for x in self.evolve(times, r)])
