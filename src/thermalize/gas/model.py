"""General collisional master equation, Eqs. (6), (7), (12) of Gaida et al. (2025): the model."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._qutip import to_array
from ..errors import (
    ParameterError,
    as_float_array,
    require_in_range,
    require_nonnegative,
    require_positive,
    require_real,
)
from ..quantum import gibbs_populations
from .amplitudes import BornGaussian, check_amplitude_arguments
from .collision_rates import CollisionRates, collision_rates
from .spin import SpinGasModel, _temperature, spin_operators

__all__ = ["GasModel"]


@dataclass(frozen=True, eq=False, init=False)
class GasModel:
    r"""A d_S-level system scattering dilute gas particles with internal levels (Gaida et al. 2025).

    Units hbar = k_B = 1. The gas is a product of an ancilla state diagonal in h_A (Gibbs at
    `temperature_internal`, or `ancilla_populations`) and a Maxwell momentum distribution
    (Eq. 2) at `temperature_motional`; the two temperatures may differ.

    ``GasModel(system_energies, ancilla_energies, *, beta_motional=, mass=, density=,
    amplitude=, beta_internal= | ancilla_populations=, ...)``; ``temperature_motional=`` /
    ``temperature_internal=`` are accepted instead of the betas (never both for one bath).
    The old positional form ``GasModel(e_S, e_A, T_M, mass, density, amplitude, ...)`` still
    works with a DeprecationWarning (docs/conventions.md: temperatures enter as keywords).

    Attributes
    ----------
    system_energies : ndarray, shape (d_S,)
        Non-degenerate levels of h_S, ascending (Appendix C assumes non-degeneracy).
    ancilla_energies : ndarray, shape (d_A,)
        Levels of h_A (any order, degeneracies allowed).
    temperature_motional : float
        T_M > 0.
    mass : float
        Gas particle mass m > 0.
    density : float
        n = N/V >= 0.
    amplitude : callable
        Scattering amplitude f_ij^kl for system j -> i, ancilla l -> k, incoming momentum
        magnitude p, outgoing q, angle between them; broadcastable arrays in, complex or real
        array out. Initial state first (docs/conventions.md): ``f(j, l, p, i, k, q,
        cos_theta)`` with ``amplitude_order="initial_first"`` (or an `amplitude_order`
        attribute on the callable, as `BornGaussian` has). Rotational invariance of the
        interaction region (V = V_0 v g(|x|)) is assumed, so only cos_theta enters.
    temperature_internal : float, optional
        T_A > 0; give exactly one of this and `ancilla_populations`.
    ancilla_populations : ndarray, shape (d_A,), optional
        p(eps_k) >= 0 summing to 1.
    energy_atol : float
        Two transition energies closer than this are one Lindblad channel E (Eq. 7).
    amplitude_order : {"initial_first", "final_first"}, optional
        Argument order of `amplitude`. Default: the callable's own `amplitude_order`
        attribute, else the old final-first order ``f(i, j, k, l, q, p, cos_theta)`` with a
        DeprecationWarning (the default becomes "initial_first" in the next release).

    Examples
    --------
    >>> m = GasModel.example()
    >>> r = m.rates()
    >>> bool(r.error < 1e-8 * r.rate_matrix().max())
    True
    """

    system_energies: np.ndarray
    ancilla_energies: np.ndarray
    temperature_motional: float
    mass: float
    density: float
    amplitude: Callable
    temperature_internal: float | None = None
    ancilla_populations: np.ndarray | None = None
    energy_atol: float = 1e-9
    amplitude_order: str | None = None

    def __init__(self, system_energies, ancilla_energies, *legacy, mass=None, density=None,
                 amplitude=None, beta_motional=None, temperature_motional=None,
                 beta_internal=None, temperature_internal=None, ancilla_populations=None,
                 energy_atol=None, amplitude_order=None) -> None:
        old_order = ("temperature_motional", "mass", "density", "amplitude",
                     "temperature_internal", "ancilla_populations", "energy_atol",
                     "amplitude_order")
        if len(legacy) > len(old_order):
            raise ParameterError(
                f"GasModel takes at most {2 + len(old_order)} positional arguments, got "
                f"{2 + len(legacy)}"
            )
        if legacy:
            warnings.warn(
                "positional GasModel(system_energies, ancilla_energies, T_M, mass, density, "
                "amplitude) is deprecated: pass beta_motional= (or temperature_motional=), "
                "mass=, density= and amplitude= as keywords",
                DeprecationWarning,
                stacklevel=2,
            )
        given = {"temperature_motional": temperature_motional, "mass": mass,
                 "density": density, "amplitude": amplitude,
                 "temperature_internal": temperature_internal,
                 "ancilla_populations": ancilla_populations, "energy_atol": energy_atol,
                 "amplitude_order": amplitude_order}
        positional = dict(zip(old_order, legacy))
        for name in positional:
            if given[name] is not None:
                raise ParameterError(f"{name} given both positionally and as a keyword")
        values = {**given, **positional}
        if values["energy_atol"] is None:
            values["energy_atol"] = 1e-9
        for name in ("mass", "density", "amplitude"):
            if values[name] is None:
                raise ParameterError(f"missing {name}=")
        values["temperature_motional"] = _temperature(
            "motional", beta_motional, given["temperature_motional"],
            positional.get("temperature_motional"),
        )
        if beta_internal is not None:
            values["temperature_internal"] = _temperature(
                "internal", beta_internal, values["temperature_internal"], None
            )
        values.update(system_energies=system_energies, ancilla_energies=ancilla_energies)
        for k, v in values.items():
            object.__setattr__(self, k, v)
        self._check()

    def _check(self) -> None:
        order = self.amplitude_order
        if order is None:
            order = getattr(self.amplitude, "amplitude_order", None)
        if order is None:
            warnings.warn(
                "GasModel: an amplitude callable without amplitude_order is read in the old "
                "final-first order f(i, j, k, l, q, p, cos_theta); pass "
                "amplitude_order='initial_first' with f(j, l, p, i, k, q, cos_theta) "
                "(docs/conventions.md), or amplitude_order='final_first' to keep the old order",
                DeprecationWarning,
                stacklevel=3,
            )
            order = "final_first"
        if not isinstance(order, str) or order not in ("initial_first", "final_first"):
            raise ParameterError(
                f"amplitude_order={order!r} must be 'initial_first' or 'final_first'"
            )
        object.__setattr__(self, "amplitude_order", order)
        object.__setattr__(self, "energy_atol", require_real("energy_atol", self.energy_atol))
        require_positive("energy_atol", self.energy_atol)
        e = as_float_array("system_energies", self.system_energies, ndim=1)
        if e.size == 0 or np.any(np.diff(e) <= self.energy_atol):
            raise ParameterError(
                f"system_energies={e!r} must be non-empty, ascending and "
                f"non-degenerate (gaps > energy_atol={self.energy_atol})"
            )
        a = as_float_array("ancilla_energies", self.ancilla_energies, ndim=1)
        if a.size == 0:
            raise ParameterError("ancilla_energies must be non-empty")
        object.__setattr__(self, "system_energies", e)
        object.__setattr__(self, "ancilla_energies", a)
        for name in ("temperature_motional", "mass", "density", "energy_atol"):
            object.__setattr__(self, name, require_real(name, getattr(self, name)))
        require_positive("temperature_motional", self.temperature_motional)
        require_positive("mass", self.mass)
        require_nonnegative("density", self.density)
        require_positive("energy_atol", self.energy_atol)
        if (self.temperature_internal is None) == (self.ancilla_populations is None):
            raise ParameterError("give exactly one of temperature_internal and ancilla_populations")
        if self.temperature_internal is not None:
            t_a = require_real("temperature_internal", self.temperature_internal)
            require_positive("temperature_internal", t_a)
            object.__setattr__(self, "temperature_internal", t_a)
        else:
            p = as_float_array("ancilla_populations", self.ancilla_populations, ndim=1)
            require_nonnegative("ancilla_populations", p)
            if p.shape != a.shape or abs(p.sum() - 1.0) > 1e-10:
                raise ParameterError(
                    f"ancilla_populations={p!r} must have shape {a.shape} "
                    "and sum to 1 (within 1e-10)"
                )
            object.__setattr__(self, "ancilla_populations", p)
        if not callable(self.amplitude):
            raise ParameterError(
                f"amplitude={self.amplitude!r} must be callable f(j, l, p, i, k, q, cos_theta)"
            )
        if isinstance(self.amplitude, BornGaussian):
            amp = self.amplitude
            if amp.ancilla_dimension != a.size or amp.coupling.shape[0] != e.size * a.size:
                raise ParameterError(
                    f"coupling shape {amp.coupling.shape} does not match d_S*d_A = {e.size}*{a.size}"
                )
            if not np.isclose(amp.mass, self.mass, rtol=1e-12):
                raise ParameterError(f"amplitude.mass={amp.mass!r} differs from mass={self.mass!r}")
            amp.check_density(self.density)

    # ----------------------------------------------------------------- constructors
    @classmethod
    def born_gaussian(
        cls,
        system_energies,
        ancilla_energies,
        coupling,
        *,
        strength: float,
        interaction_range: float,
        mass: float,
        density: float,
        temperature_motional: float | None = None,
        temperature_internal: float | None = None,
        ancilla_populations=None,
        beta_motional: float | None = None,
        beta_internal: float | None = None,
    ) -> GasModel:
        """Model with first-Born amplitudes of a Gaussian region, Eq. (D2); coupling v is
        (d_S*d_A, d_S*d_A) in the product energy basis (index i*d_A + k).

        Temperatures as `beta_motional=` / `beta_internal=` or `temperature_motional=` /
        `temperature_internal=` (never both for one; or `ancilla_populations=`)."""
        temperature_motional = _temperature("motional", beta_motional, temperature_motional, None)
        if beta_internal is not None or temperature_internal is not None:
            temperature_internal = _temperature(
                "internal", beta_internal, temperature_internal, None
            )
        a = as_float_array("ancilla_energies", ancilla_energies, ndim=1)
        amp = BornGaussian(
            np.asarray(to_array(coupling)), strength, interaction_range, mass, int(a.size)
        )
        return cls(
            system_energies,
            ancilla_energies,
            temperature_motional=temperature_motional,
            mass=mass,
            density=density,
            amplitude=amp,
            temperature_internal=temperature_internal,
            ancilla_populations=ancilla_populations,
        )

    @classmethod
    def example(cls, **overrides) -> GasModel:
        """3-level system, 2-level ancilla, real symmetric coupling, T_A = T_M = 1 (equilibrium)."""
        v = np.array(
            [
                [0.0, 0.3, 0.0, 0.8, 0.1, 0.5],
                [0.3, 0.0, 0.7, 0.0, 0.4, 0.0],
                [0.0, 0.7, 0.2, 0.6, 0.0, 0.9],
                [0.8, 0.0, 0.6, 0.0, 0.5, 0.2],
                [0.1, 0.4, 0.0, 0.5, 0.0, 0.7],
                [0.5, 0.0, 0.9, 0.2, 0.7, -0.3],
            ]
        )
        kw = {
            "system_energies": [0.0, 0.7, 1.9],
            "ancilla_energies": [0.0, 1.2],
            "coupling": v,
            "strength": 1.0,
            "interaction_range": 1.0,
            "mass": 1.0,
            "density": 0.01,
        }
        if not {"beta_motional", "temperature_motional"} & overrides.keys():
            kw["temperature_motional"] = 1.0
        if not {"beta_internal", "temperature_internal", "ancilla_populations"} & overrides.keys():
            kw["temperature_internal"] = 1.0
        kw.update(overrides)
        return cls.born_gaussian(
            kw.pop("system_energies"), kw.pop("ancilla_energies"), kw.pop("coupling"), **kw
        )

    @classmethod
    def from_spin(
        cls, spin_model: SpinGasModel, *, mass: float = 1.0, density_range_cubed: float = 1e-3
    ) -> GasModel:
        r"""The spin case study (Eq. 17) as a general model, to cross-check Eq. (19) numerically.

        v = J_+ (x) sigma_- + J_- (x) sigma_+, ancilla levels (-omega_A/2, +omega_A/2) (gap
        omega_A, the convention of `SpinGasModel`), R = 1/sqrt(2 m E_R), n R^3 =
        `density_range_cubed`, and V_0 chosen so that n lambda_th^3 V_0^2/(2 E_R) equals
        ``spin_model.rate_scale`` (Eq. D4).

        Examples
        --------
        >>> sm = SpinGasModel.example(spin=1)
        >>> up = GasModel.from_spin(sm).rates().rate_matrix()[1, 0]  # m = -1 -> 0
        >>> round(float(up / (2 * sm.rates()[0])), 8)  # |<0|J_+|-1>|^2 = 2
        1.0
        """
        if not isinstance(spin_model, SpinGasModel):
            raise ParameterError(
                f"spin_model must be a SpinGasModel, got {type(spin_model).__name__}"
            )
        mass = require_real("mass", mass)
        require_positive("mass", mass)
        density_range_cubed = require_real("density_range_cubed", density_range_cubed)
        require_positive("density_range_cubed", density_range_cubed)
        sm = spin_model
        _, jp, jm = spin_operators(sm.spin)
        sigma_minus = np.array([[0.0, 1.0], [0.0, 0.0]])
        v = np.kron(jp, sigma_minus) + np.kron(jm, sigma_minus.T)
        radius = 1.0 / np.sqrt(2.0 * mass * sm.recoil_energy)
        density = density_range_cubed / radius**3
        lambda_th = np.sqrt(2.0 * np.pi / (mass * sm.temperature_motional))
        strength = np.sqrt(2.0 * sm.recoil_energy * sm.rate_scale / (density * lambda_th**3))
        return cls.born_gaussian(
            sm.energies(),
            [-0.5 * sm.omega_a, 0.5 * sm.omega_a],
            v,
            strength=strength,
            interaction_range=radius,
            mass=mass,
            density=density,
            temperature_motional=sm.temperature_motional,
            temperature_internal=sm.temperature_internal,
        )

    # ----------------------------------------------------------------- gas state
    @property
    def beta_motional(self) -> float:
        """1/T_M."""
        return 1.0 / self.temperature_motional

    @property
    def beta_internal(self) -> float | None:
        """1/T_A (None when the ancilla populations are given instead of T_A)."""
        t = self.temperature_internal
        return None if t is None else 1.0 / t

    @property
    def dimension(self) -> int:
        """d_S."""
        return int(self.system_energies.size)

    def internal_populations(self) -> np.ndarray:
        """Ancilla populations p(eps_k), shape (d_A,)."""
        if self.ancilla_populations is not None:
            return np.asarray(self.ancilla_populations)
        return gibbs_populations(self.ancilla_energies, 1.0 / self.temperature_internal)

    def channel_energies(self) -> np.ndarray:
        r"""Internal energy gain E_ij^kl = (e_i - e_j) + (eps_k - eps_l), shape (d_S, d_S, d_A, d_A).

        Energy conservation gives the outgoing momentum :math:`|q|^2 = |p|^2 - 2m E` (Eq. 6)."""
        e, a = self.system_energies, self.ancilla_energies
        return (e[:, None] - e[None, :])[:, :, None, None] + (a[:, None] - a[None, :])[
            None, None, :, :
        ]

    # ----------------------------------------------------------------- Eq. (7)
    def lindblad_operator(
        self, energy: float, k: int, l: int, p: float, cos_theta: float
    ) -> np.ndarray:
        r"""Lindblad operator :math:`L_{\mathcal E}^{kl}(\Omega, \mathbf p)` of Eq. (7), shape (d_S, d_S).

        Sum over system transitions j -> i with e_i - e_j = `energy` (within energy_atol) of
        :math:`\sqrt{|q|/|p|} f_{ij}^{kl}(q, p)|i\rangle\langle j|`; closed channels
        (|p|^2 < 2mE) give zero. `cos_theta` is the angle between outgoing and incoming momentum.
        """
        p = require_real("p", p)
        require_positive("p", p)
        energy = require_real("energy", energy)
        cos_theta = require_real("cos_theta", cos_theta)
        require_in_range("cos_theta", cos_theta, -1.0, 1.0)
        d_a = self.ancilla_energies.size
        for name, idx in (("k", k), ("l", l)):
            if not (isinstance(idx, (int, np.integer)) and 0 <= idx < d_a):
                raise ParameterError(
                    f"{name}={idx!r} must be an ancilla level index in [0, {d_a - 1}]"
                )
        e = self.system_energies
        d = e.size
        out = np.zeros((d, d), dtype=complex)
        ii, jj = np.nonzero(np.abs((e[:, None] - e[None, :]) - energy) <= self.energy_atol)
        for i, j in zip(ii, jj):
            etot = e[i] - e[j] + self.ancilla_energies[k] - self.ancilla_energies[l]
            q2 = p * p - 2.0 * self.mass * etot
            if q2 > 0:
                q = np.sqrt(q2)
                f = self._amplitude(j, l, p, i, k, q, cos_theta)
                out[i, j] = np.sqrt(q / p) * f
        return out

    def scattering_amplitude(self, j, l, p, i, k, q, cos_theta):
        """f_ij^kl(q, p), initial state first: system j -> i, ancilla l -> k, momentum p -> q.

        Calls `amplitude` in its own `amplitude_order`; broadcastable arrays in and out.
        Levels j, i (system) and l, k (ancilla) are integer indices, momenta p, q >= 0 and
        cos_theta in [-1, 1]; anything else is a ParameterError naming the argument.
        """
        check_amplitude_arguments(self.system_energies.size, self.ancilla_energies.size,
                                  j, l, p, i, k, q, cos_theta)
        return self._amplitude(j, l, p, i, k, q, cos_theta)

    def _amplitude(self, j, l, p, i, k, q, cos_theta):
        """`scattering_amplitude` without the checks (the quadratures' inner loops)."""
        if self.amplitude_order == "final_first":
            return self.amplitude(i, j, k, l, q, p, cos_theta)
        return self.amplitude(j, l, p, i, k, q, cos_theta)

    # ----------------------------------------------------------------- Eqs. (6), (12)
    def rates(self, *, rtol: float = 1e-8, angular_nodes: int = 48) -> CollisionRates:
        r"""Kossakowski blocks, rates R_ij^kl (Eq. 12), energy shift h_eff (Eq. 6) by quadrature.

        Parameters
        ----------
        rtol : float
            Target error relative to the largest rate; the estimate is returned in
            ``CollisionRates.error`` and ConvergenceError is raised if it cannot be met.
        angular_nodes : int
            Starting number of Gauss-Legendre nodes in sin(theta/2) (doubled until the
            difference to half as many nodes meets `rtol`).

        Returns
        -------
        CollisionRates
        """
        return collision_rates(self, rtol=rtol, angular_nodes=angular_nodes)

    def generator(self, *, rtol: float = 1e-8) -> np.ndarray:
        """Matrix form (d*d, d*d) of Eq. (6) (`CollisionRates.generator` of `rates(rtol=rtol)`)."""
        return self.rates(rtol=rtol).generator()

    def steady_state(self, *, rtol: float = 1e-8) -> np.ndarray:
        """Stationary state of Eq. (6), shape (d, d) (`CollisionRates.steady_state`).

        Gibbs at T for T_A = T_M = T (Eq. 13); the two-temperature gas generally is not.
        """
        return self.rates(rtol=rtol).steady_state()
