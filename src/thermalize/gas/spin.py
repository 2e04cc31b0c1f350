"""Spin-J case study of Gaida et al. (2025), Eqs. (17)-(23): rates, temperature, dynamics."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..errors import (
    ParameterError,
    PhysicsWarning,
    require_dense_size,
    require_positive,
    require_real,
)
from ..quantum import gibbs_populations
from ..superop import liouvillian
from ._spin_dynamics import SpinDynamics
from ._spin_ops import (
    _check_spin,
    _check_spin_detuning,  # noqa: F401 (re-exported for gas.repeated)
    ladder_coefficients,
    populations_ergotropy,
    spin_operators,
)
from .integral import log_rate_integral

__all__ = ["SpinGasModel", "SpinRates", "populations_ergotropy", "spin_operators"]

#: Largest dimension of the dense (d^2, d^2) Lindblad `generator()` (J = 50: 1e8 entries).
_MAX_GENERATOR_DIMENSION = 101

#: |ln Gamma| beyond which exp underflows (or overflows) in float64: rates() then returns the
#: documented scaled form (ratios exact, `SpinRates.log_scale` carries the common factor).
_LOG_RATE_LIMIT = 700.0



class SpinRates(tuple):
    r"""(Gamma_+, Gamma_-) of Eq. (19), a 2-tuple whose ratio is exact even where the rates
    themselves under- or overflow float64.

    ``plus, minus = rates`` unpacks as before. The true rates are
    ``(plus, minus) * exp(log_scale)``: `log_scale` is 0 (and the entries are the rates
    themselves) unless the larger ln Gamma lies outside (-700, 700); then the larger entry
    is 1 and `log_scale` its logarithm, so Gamma_+/Gamma_- (detailed balance, Eq. 21) stays
    defined. `log` holds (ln Gamma_+, ln Gamma_-) unscaled.
    """

    log_scale: float
    log: tuple

    def __new__(cls, log_plus: float, log_minus: float) -> SpinRates:
        log_plus = require_real("log_plus", log_plus, allow_inf=True)
        log_minus = require_real("log_minus", log_minus, allow_inf=True)
        if np.inf in (log_plus, log_minus) or log_plus == log_minus == -np.inf:
            raise ParameterError(f"log_plus={log_plus!r}, log_minus={log_minus!r}: at most one "
                                 "rate may vanish (ln = -inf) and none may be infinite")
        top = max(log_plus, log_minus)
        scale = top if abs(top) > _LOG_RATE_LIMIT else 0.0
        pair = (float(np.exp(log_plus - scale)), float(np.exp(log_minus - scale)))
        obj = super().__new__(cls, pair)
        obj.log_scale = float(scale)
        obj.log = (float(log_plus), float(log_minus))
        return obj

    @property
    def scaled(self) -> bool:
        """True when the entries are rates divided by exp(log_scale) (under- or overflow)."""
        return self.log_scale != 0.0

    @property
    def log_ratio(self) -> float:
        r""":math:`\ln(\Gamma_+/\Gamma_-) = -\omega_S/T` (Eq. 21), exact at any detuning."""
        return self.log[0] - self.log[1]


def _temperature(kind: str, beta, temperature, legacy):
    """T > 0 from exactly one of beta_<kind>=, temperature_<kind>= or a legacy positional T."""
    given = [x is not None for x in (beta, temperature, legacy)]
    if sum(given) > 1:
        raise ParameterError(
            f"give only one of beta_{kind}= and temperature_{kind}= (got both"
            + (", one positionally)" if legacy is not None else ")")
        )
    if not any(given):
        raise ParameterError(f"missing beta_{kind}= (or temperature_{kind}=)")
    if beta is not None:
        b = require_real(f"beta_{kind}", beta)
        require_positive(f"beta_{kind}", b)
        t = 1.0 / b
        if not np.isfinite(t):
            raise ParameterError(f"beta_{kind}={b!r} is too small: 1/beta overflows float64")
        return t
    name = f"temperature_{kind}"
    t = require_real(name, temperature if temperature is not None else legacy)
    require_positive(name, t)
    return t


@dataclass(frozen=True, init=False)
class SpinGasModel:
    r"""A spin J in a dilute gas of detuned two-level ancillas (Gaida et al. 2025, Eqs. 17-23).

    Master equation (18): :math:`\dot\rho = -i\omega_S[J_z,\rho] + \Gamma_+\mathcal D[J_+]\rho
    + \Gamma_-\mathcal D[J_-]\rho` with the rates of Eq. (19). Units hbar = k_B = 1.

    ``SpinGasModel(spin, omega_s, detuning, *, beta_internal=, beta_motional=,
    recoil_energy=, rate_scale=1.0)``; ``temperature_internal=`` / ``temperature_motional=``
    are accepted instead of the betas (never both for one bath). The old positional form
    ``SpinGasModel(spin, omega_s, detuning, T_A, T_M, E_R)`` still works with a
    DeprecationWarning (two temperatures side by side are easy to swap).
    `from_paper` takes the paper's dimensionless D and A.

    Attributes
    ----------
    spin : float
        J (non-negative half-integer); dimension 2J+1.
    omega_s : float
        System level spacing omega_S > 0 (h_S = omega_S J_z).
    detuning : float
        Delta = omega_A - omega_S; the ancilla gap omega_A must be > 0.
    temperature_internal : float
        T_A > 0 of the ancilla populations (`beta_internal` = 1/T_A).
    temperature_motional : float
        T_M > 0 of the Maxwell momentum distribution (`beta_motional` = 1/T_M).
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
    >>> m = SpinGasModel(2, 1.0, 0.5, beta_internal=1.0, beta_motional=1.0, recoil_energy=1.0)
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

    # dynamics (Eqs. 11, 18, 23) live in _spin_dynamics; bound here so the API docs list them
    populations = SpinDynamics.populations
    evolve = SpinDynamics.evolve
    ergotropy = SpinDynamics.ergotropy
    _initial = SpinDynamics._initial
    _diagonal_populations = SpinDynamics._diagonal_populations

    def __init__(
        self,
        spin,
        omega_s,
        detuning,
        *legacy,
        beta_internal=None,
        beta_motional=None,
        temperature_internal=None,
        temperature_motional=None,
        recoil_energy=None,
        rate_scale=None,
    ) -> None:
        if len(legacy) > 4:
            raise ParameterError(
                f"SpinGasModel takes at most 7 positional arguments, got {3 + len(legacy)}"
            )
        if legacy:
            warnings.warn(
                "positional temperatures in SpinGasModel(spin, omega_s, detuning, T_A, T_M, E_R) "
                "are deprecated: pass beta_internal=, beta_motional= (or temperature_internal=, "
                "temperature_motional=) and recoil_energy= as keywords",
                DeprecationWarning,
                stacklevel=2,
            )
        leg = list(legacy) + [None] * (4 - len(legacy))
        for name, kw, pos in (
            ("recoil_energy", recoil_energy, leg[2]),
            ("rate_scale", rate_scale, leg[3]),
        ):
            if kw is not None and pos is not None:
                raise ParameterError(f"{name} given both positionally and as a keyword")
        _check_spin_detuning(spin, omega_s, detuning)
        t_a = _temperature("internal", beta_internal, temperature_internal, leg[0])
        t_m = _temperature("motional", beta_motional, temperature_motional, leg[1])
        e_r = recoil_energy if recoil_energy is not None else leg[2]
        if e_r is None:
            raise ParameterError("missing recoil_energy= (E_R = hbar^2/(2 m R^2) > 0)")
        scale = rate_scale if rate_scale is not None else (leg[3] if leg[3] is not None else 1.0)
        values = {
            "spin": _check_spin(spin),
            "omega_s": require_real("omega_s", omega_s),
            "detuning": require_real("detuning", detuning),
            "temperature_internal": t_a,
            "temperature_motional": t_m,
            "recoil_energy": require_real("recoil_energy", e_r),
            "rate_scale": require_real("rate_scale", scale),
        }
        require_positive("recoil_energy", values["recoil_energy"])
        require_positive("rate_scale", values["rate_scale"])
        if float(spin) == int(float(spin)):
            values["spin"] = int(float(spin))
        for k, v in values.items():
            object.__setattr__(self, k, v)
        self._check_representable()

    def _check_representable(self) -> None:
        """The dimensionless combinations of Eqs. (19)-(21) must be finite float64 numbers."""
        with np.errstate(all="ignore"):
            combos = {
                "recoil_energy/temperature_motional (alpha of Eq. 20)": (
                    self.recoil_energy / self.temperature_motional
                ),
                "detuning/recoil_energy (s of Eq. 20)": self.detuning / self.recoil_energy,
                "omega_A/T_A (the paper's A)": self.A,
                "Delta/T_M (the paper's D)": self.D,
                "(A - D)/omega_s (1/T_eff of Eq. 21)": (self.A - self.D) / self.omega_s,
            }
        for what, value in combos.items():
            if not np.isfinite(value) or (what.startswith("recoil") and value == 0):
                raise ParameterError(
                    f"{what} = {value!r} is outside the float64 range for omega_s="
                    f"{self.omega_s!r}, detuning={self.detuning!r}, temperature_internal="
                    f"{self.temperature_internal!r}, temperature_motional="
                    f"{self.temperature_motional!r}, recoil_energy={self.recoil_energy!r}"
                )
        lp, lm = self.log_rates()
        if not (np.isfinite(lp) and np.isfinite(lm)):
            raise ParameterError(
                f"rate_scale={self.rate_scale!r}: ln Gamma_+- = ({lp!r}, {lm!r}) of Eq. (19) are "
                "not finite float64 numbers (parameters outside the representable range)"
            )

    @classmethod
    def example(cls, **overrides) -> SpinGasModel:
        """J = 2, omega_S = 1, Delta = 0.5, T_A = T_M = E_R = 1 (equilibrium gas)."""
        kw = {"spin": 2, "omega_s": 1.0, "detuning": 0.5, "recoil_energy": 1.0}
        if not {"beta_internal", "temperature_internal"} & overrides.keys():
            kw["temperature_internal"] = 1.0
        if not {"beta_motional", "temperature_motional"} & overrides.keys():
            kw["temperature_motional"] = 1.0
        kw.update(overrides)
        return cls(**kw)

    @classmethod
    def from_paper(
        cls,
        *,
        spin,
        D,  # noqa: N803 - the paper's symbol
        A,  # noqa: N803 - the paper's symbol
        omega_s=1.0,
        temperature_motional=None,
        recoil_energy=None,
        rate_scale=1.0,
        beta_motional=None,
    ) -> SpinGasModel:
        r"""Model from the dimensionless variables of Fig. 2 (Gaida et al. 2025).

        :math:`D = \hbar\Delta/k_BT_M` and :math:`A = \hbar\omega_A/k_BT_A`, so
        :math:`\Delta = D\,T_M`, :math:`\omega_A = \omega_S + \Delta`, :math:`T_A = \omega_A/A`.
        The gas temperature is ``beta_motional=`` or ``temperature_motional=`` (default
        T_M = 1; never both). `recoil_energy` defaults to T_M (the paper's k_B T_M = E_R).
        Ergotropy builds up iff D > A (then omega_S/T = A - D < 0, Eq. 21).

        Examples
        --------
        >>> m = SpinGasModel.from_paper(spin=20, D=4.0, A=1.0)
        >>> (m.D, m.A), round(m.effective_inverse_temperature(), 12)
        ((4.0, 1.0), -3.0)
        """
        d_val, a_val = require_real("D", D), require_real("A", A)
        require_positive("A", a_val)
        if beta_motional is None and temperature_motional is None:
            temperature_motional = 1.0
        t_m = _temperature("motional", beta_motional, temperature_motional, None)
        omega_s = require_real("omega_s", omega_s)
        require_positive("omega_s", omega_s)
        delta = d_val * t_m
        if not omega_s + delta > 0:
            raise ParameterError(
                f"D={d_val!r} is outside the allowed range (-omega_s/T_M, inf) = "
                f"({-omega_s / t_m!r}, inf): the ancilla gap omega_S + D T_M must be > 0"
            )
        with np.errstate(over="ignore"):
            t_a = (omega_s + delta) / a_val
        if not np.isfinite(t_a):
            raise ParameterError(f"A={a_val!r}: the ancilla temperature T_A = omega_A/A = "
                                 f"{omega_s + delta!r}/A is outside the float64 range")
        return cls(
            spin,
            omega_s,
            delta,
            temperature_internal=t_a,
            temperature_motional=t_m,
            recoil_energy=t_m if recoil_energy is None else recoil_energy,
            rate_scale=rate_scale,
        )

    # ----------------------------------------------------------------- structure
    @property
    def omega_a(self) -> float:
        """Ancilla gap omega_A = omega_S + Delta."""
        return self.omega_s + self.detuning

    @property
    def beta_internal(self) -> float:
        """1/T_A."""
        return 1.0 / self.temperature_internal

    @property
    def beta_motional(self) -> float:
        """1/T_M."""
        return 1.0 / self.temperature_motional

    @property
    def D(self) -> float:  # noqa: N802 - the paper's symbol
        r"""The paper's :math:`D = \hbar\Delta/k_BT_M` (Fig. 2)."""
        return self.detuning / self.temperature_motional

    @property
    def A(self) -> float:  # noqa: N802 - the paper's symbol
        r"""The paper's :math:`A = \hbar\omega_A/k_BT_A` (Fig. 2)."""
        return self.omega_a / self.temperature_internal

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

    def rates(self) -> SpinRates:
        r"""(Gamma_+, Gamma_-) of Eq. (19), as a `SpinRates` 2-tuple.

        :math:`\Gamma_\pm = \tilde\Gamma\, I(E_R/k_BT_M, \mp\hbar\Delta/E_R)/(1+e^{\pm\hbar\omega_A/k_BT_A})`.

        Where the larger rate would under- or overflow float64 (|ln Gamma| > 700, e.g.
        detuning 2500), the pair is returned in a documented scaled form: divided by
        ``exp(rates.log_scale)`` so the larger entry is 1 and the ratio Gamma_+/Gamma_- (hence
        detailed balance and T_eff, Eq. 21) stays exact; a PhysicsWarning says so. `log_rates`
        gives the unscaled logarithms.
        """
        lp, lm = self.log_rates()
        out = SpinRates(lp, lm)
        if out.scaled:
            warnings.warn(
                f"Gamma_+- of Eq. (19) are outside float64 (ln Gamma = {lp:.4g}, {lm:.4g}); "
                f"rates() returns them divided by exp({out.log_scale:.6g}) (SpinRates.log_scale)",
                PhysicsWarning,
                stacklevel=2,
            )
        return out

    def _absolute_rates(self) -> tuple[float, float]:
        """Unscaled rates for the dynamics (0 where they underflow: the state is then frozen
        on every representable time scale); ParameterError where they overflow."""
        lp, lm = self.log_rates()
        if max(lp, lm) > _LOG_RATE_LIMIT:
            raise ParameterError(
                f"rate_scale={self.rate_scale!r}: the rates of Eq. (19) overflow float64 "
                f"(ln Gamma = {lp:.4g}, {lm:.4g}); use a smaller rate_scale (time unit)"
            )
        return float(np.exp(lp)), float(np.exp(lm))

    def effective_inverse_temperature(self) -> float:
        r"""1/T of Eq. (21): :math:`\omega_S/T = \omega_A/T_A - \Delta/T_M = A - D` (any sign).

        In the paper's variables (`A`, `D`, `from_paper`) omega_S/T = A - D. Equal to
        -ln(Gamma_+/Gamma_-)/omega_S by the identity I(alpha,-s) = e^{alpha s} I(alpha,s).
        """
        return (self.A - self.D) / self.omega_s

    def effective_temperature(self) -> float:
        r"""T of Eq. (21), :math:`\omega_S T_A T_M/(\omega_A T_M - \Delta T_A)`; +-inf when the
        denominator vanishes, negative under population inversion."""
        b = self.effective_inverse_temperature()
        return float(np.inf) if b == 0 else 1.0 / b

    def population_inverted(self) -> bool:
        r"""Eq. (22): :math:`\Delta > 0` and :math:`T_M < \Delta T_A/(\omega_S + \Delta)`.

        Equivalently D > A in the paper's variables."""
        return bool(
            self.detuning > 0
            and self.temperature_motional
            < self.detuning * self.temperature_internal / (self.omega_s + self.detuning)
        )

    # ----------------------------------------------------------------- generators
    def hamiltonian(self) -> np.ndarray:
        """h_S = omega_S J_z, shape (d, d)."""
        return np.diag(self.energies())

    def generator(self, *, sparse: bool | None = None):
        """Lindblad generator of Eq. (18), matrix form (d*d, d*d) for the core `evolve`.

        Parameters
        ----------
        sparse : bool or None
            True: a ``scipy.sparse`` CSR matrix, built in O(d^2) (3 d^2 nonzeros), for any J.
            False or None (default): dense, limited to 2J + 1 <= 101 (ParameterError above,
            before allocating, suggesting sparse=True).

        Examples
        --------
        >>> m = SpinGasModel.example(spin=100)
        >>> L = m.generator(sparse=True)  # d = 201: the dense form would be 13 GB
        >>> L.shape, L.format
        ((40401, 40401), 'csr')
        """
        d = self.dimension
        if sparse is None:
            sparse = False
        elif not isinstance(sparse, (bool, np.bool_)):
            raise ParameterError(f"sparse must be True, False or None, got {sparse!r}")
        rates = list(self._absolute_rates())
        if sparse:
            jp = sp.diags(ladder_coefficients(self.spin), -1, shape=(d, d), format="csr")
            h = sp.diags(self.energies(), 0, format="csr")
            return liouvillian(h, [jp, jp.T.tocsr()], rates, sparse=True)
        if d > _MAX_GENERATOR_DIMENSION:
            raise ParameterError(
                f"spin={self.spin!r}: the dense (d^2, d^2) generator is limited to 2J+1 <= "
                f"{_MAX_GENERATOR_DIMENSION} (got {d}); use sparse=True, or populations/evolve"
            )
        require_dense_size("generator (d^2, d^2)", (d * d, d * d))
        _, jp, jm = spin_operators(self.spin)
        return liouvillian(self.hamiltonian(), [jp, jm], rates)

    def ladder_rates(self) -> tuple[np.ndarray, np.ndarray]:
        r"""(up, down) rates of the population equation: up[i] = Gamma_+ |<i+1|J_+|i>|^2,
        down[i] = Gamma_- |<i-1|J_-|i>|^2; shape (d,) each."""
        c = ladder_coefficients(self.spin) ** 2
        gp, gm = self._absolute_rates()
        return np.append(gp * c, 0.0), np.insert(gm * c, 0, 0.0)

    def stationary_populations(self) -> np.ndarray:
        """Gibbs populations at the effective temperature of Eq. (21), shape (d,)."""
        return gibbs_populations(self.energies(), self.effective_inverse_temperature())

    def steady_state(self) -> np.ndarray:
        """Unique stationary state of Eq. (18): Gibbs at T_eff (Eq. 21), diagonal, shape (d, d)."""
        require_dense_size("steady_state (d, d)", (self.dimension,) * 2, itemsize=8)
        return np.diag(self.stationary_populations())
