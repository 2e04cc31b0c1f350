"""Thermodynamics of the collisional master equation: Eqs. (13)-(16) of Gaida et al. (2025)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .._qutip import is_qobj, to_array
from ..errors import (
    ParameterError,
    as_float_array,
    beta_or_temperature,
    require_finite,
)
from ..superop import to_matrix
from .collision_rates import CollisionRates
from .spin import _temperature

__all__ = [
    "EnergyFlows",
    "energy_flows",
    "entropy_production_rate",
    "entropy_rate",
    "heat_current",
    "local_detailed_balance_residual",
    "two_temperature_entropy_production",
]

#: Eigenvalues of rho are clipped here before the logarithm in S-dot = -tr(L rho ln rho):
#: a zero eigenvalue contributes 0 * ln 0 = 0 to S, but its rate of filling makes S-dot
#: logarithmically large; 1e-300 keeps the value finite (it then reads as ~ 690 x the flux).
_EIGENVALUE_FLOOR = 1e-300


def _require_rates(rates) -> None:
    if not isinstance(rates, CollisionRates):
        raise ParameterError(
            f"rates must be a CollisionRates (from GasModel.rates()), got {type(rates).__name__}"
        )


def local_detailed_balance_residual(rates: CollisionRates, beta: float | None = None, *,
                                    temperature: float | None = None) -> float:
    r"""Largest relative violation of Eq. (13), :math:`R_{ij} e^{-\beta e_j} = R_{ji} e^{-\beta e_i}`.

    Parameters
    ----------
    rates : CollisionRates
    beta : float
        Inverse temperature of the gas (T_A = T_M = 1/beta for the law to hold).
    temperature : float, optional
        1/beta, instead of `beta` (never both).

    Returns
    -------
    float
        max_ij |R_ij e^{-beta e_j} - R_ji e^{-beta e_i}| / max_ij R_ij e^{-beta e_j}
        (0 for a system without transitions).

    Examples
    --------
    >>> from thermalize.gas import GasModel
    >>> local_detailed_balance_residual(GasModel.example().rates(), 1.0) < 1e-10
    True
    """
    _require_rates(rates)
    beta = beta_or_temperature(beta, temperature)
    r = rates.rate_matrix()
    e = rates.energies
    ref = e.min() if beta >= 0 else e.max()  # exponents <= 0: no overflow for any beta
    flow = r * np.exp(-beta * (e - ref))[None, :]
    top = float(flow.max())
    return 0.0 if top == 0 else float(np.max(np.abs(flow - flow.T)) / top)


def _states(states, d: int) -> np.ndarray:
    if is_qobj(states):
        states = to_array(states)
    elif isinstance(states, (list, tuple)) and states and is_qobj(states[0]):
        states = np.array([to_array(x) for x in states])
    s = np.asarray(states)
    if not np.issubdtype(s.dtype, np.number):
        raise ParameterError(f"states must be a numeric array, got dtype {s.dtype}")
    if s.shape[-2:] != (d, d):
        raise ParameterError(f"states must have shape (..., {d}, {d}), got {s.shape}")
    require_finite("states", s)
    # density matrices (Hermitian, unit trace, positive semidefinite), tolerance 1e-6 scaled
    # by max(1, max|rho|): states from an integration (errors ~1e-10) pass, trace 3 does not
    tol = 1e-6 * max(1.0, float(np.max(np.abs(s)))) if s.size else 0.0
    herm = float(np.max(np.abs(s - np.swapaxes(s, -1, -2).conj()))) if s.size else 0.0
    tr = np.real(np.trace(s, axis1=-2, axis2=-1))
    if herm > tol or np.any(np.abs(tr - 1.0) > tol * d):
        raise ParameterError(f"states must be density matrices: max|rho - rho^dagger| = "
                             f"{herm:.3g}, traces in [{np.min(tr):.6g}, {np.max(tr):.6g}]")
    lmin = float(np.min(np.linalg.eigvalsh(0.5 * (s + np.swapaxes(s, -1, -2).conj()))))
    if lmin < -tol * d:
        raise ParameterError(f"states must be positive semidefinite, got an eigenvalue {lmin:.3g}")
    return s


def heat_current(generator, energies, states) -> np.ndarray:
    r"""Heat current of Eq. (15), :math:`\dot Q = \mathrm{tr}\{h_S \mathcal C \rho\}`.

    The coherent part of Eq. (6) drops out because h_S + h_eff commutes with h_S, so the full
    generator may be passed.

    Parameters
    ----------
    generator : ndarray, shape (d*d, d*d)
        Eq. (6) (e.g. ``CollisionRates.generator()`` or ``SpinGasModel.generator()``).
    energies : ndarray, shape (d,)
        Levels of h_S (the generator's basis).
    states : ndarray, shape (..., d, d), a qutip.Qobj or a list of Qobj

    Returns
    -------
    ndarray, shape (...) (a float for a single state)

    Examples
    --------
    >>> from thermalize.gas import SpinGasModel
    >>> m = SpinGasModel.example(spin=0.5)
    >>> excited = np.diag([0.0, 1.0])  # decays: heat flows out of the system
    >>> bool(heat_current(m.generator(), m.energies(), excited) < 0)
    True
    """
    m = to_matrix(generator, name="generator")
    e = as_float_array("energies", energies, ndim=1)
    s = _states(states, e.size)
    d = e.size
    if m.shape != (d * d, d * d):
        raise ParameterError(
            f"generator must have shape ({d * d}, {d * d}) for {d} energies, got {m.shape}"
        )
    drho = (m @ s.reshape(s.shape[:-2] + (d * d,))[..., None])[..., 0].reshape(s.shape)
    return np.real(np.einsum("i,...ii->...", e, drho))


def entropy_rate(generator, states) -> np.ndarray:
    r""":math:`\dot S = -\mathrm{tr}\{(\mathcal L\rho)\ln\rho\}`, shape (...) (left side of Eq. 16).

    Eigenvalues of rho below 1e-300 are clipped before the logarithm.
    """
    m = to_matrix(generator, name="generator")
    d = round(np.sqrt(m.shape[-1]))
    s = _states(states, d)
    drho = (m @ s.reshape(s.shape[:-2] + (d * d,))[..., None])[..., 0].reshape(s.shape)
    lam, u = np.linalg.eigh(0.5 * (s + np.swapaxes(s, -1, -2).conj()))
    logrho = np.einsum(
        "...ij,...j,...kj->...ik", u, np.log(np.maximum(lam, _EIGENVALUE_FLOOR)), u.conj()
    )
    return -np.real(np.einsum("...ij,...ji->...", drho, logrho))


def entropy_production_rate(generator, energies, beta: float | None = None, states=None, *,
                            temperature: float | None = None) -> np.ndarray:
    r"""Entropy production rate :math:`\sigma = \dot S - \beta\dot Q \ge 0` (Clausius, Eq. 16).

    Non-negative along every trajectory when the gas is in equilibrium at `beta`
    (Spohn's inequality); with T_A != T_M no such bound holds for a single beta.

    Parameters
    ----------
    generator : ndarray, shape (d*d, d*d)
    energies : ndarray, shape (d,)
    beta : float
        Inverse gas temperature (or ``temperature=`` 1/beta; never both).
    states : ndarray, shape (..., d, d)
        Full-rank states (eigenvalues are floored at 1e-300 in the logarithm).

    Returns
    -------
    ndarray, shape (...)

    Examples
    --------
    >>> from thermalize.gas import SpinGasModel
    >>> m = SpinGasModel.example(spin=1)  # T_A = T_M = 1
    >>> rho = np.diag([0.2, 0.3, 0.5])
    >>> bool(entropy_production_rate(m.generator(), m.energies(), 1.0, rho) >= 0)
    True
    """
    beta = beta_or_temperature(beta, temperature)
    if states is None:
        raise ParameterError("missing states= (ndarray (..., d, d) or Qobj)")
    return entropy_rate(generator, states) - beta * heat_current(generator, energies, states)


@dataclass(frozen=True)
class EnergyFlows:
    r"""Energy bookkeeping per collision channel (first law, Eq. 14, averaged by Eq. 6).

    For each channel (system j -> i, ancilla l -> k) the collision rate R_ij^kl P_j carries
    energy e_i - e_j into the system, eps_k - eps_l into the ancilla and
    -(e_i - e_j + eps_k - eps_l) into the gas motion.

    Attributes
    ----------
    system, ancilla, motion : ndarray, shape (nt,)
        dE_S/dt (= heat current, Eq. 15), dE_A/dt, dE_M/dt.
    ancilla_by_channel, motion_by_channel : ndarray, shape (nt, d_A, d_A)
        The same resolved by ancilla transition l -> k (index [t, k, l]).
    """

    system: np.ndarray
    ancilla: np.ndarray
    motion: np.ndarray
    ancilla_by_channel: np.ndarray
    motion_by_channel: np.ndarray

    def first_law_residual(self) -> np.ndarray:
        """dE_S + dE_A + dE_M per time (zero: energy is conserved in each collision)."""
        return self.system + self.ancilla + self.motion


def energy_flows(rates: CollisionRates, populations) -> EnergyFlows:
    """Energy flows of `EnergyFlows` for system populations of shape (nt, d) or (d,).

    Examples
    --------
    >>> from thermalize.gas import GasModel
    >>> fl = energy_flows(GasModel.example().rates(), np.array([1.0, 0.0, 0.0]))
    >>> bool(abs(fl.first_law_residual()[0]) < 1e-15)
    True
    """
    _require_rates(rates)
    e, a = rates.energies, rates.ancilla_energies
    p = np.atleast_2d(as_float_array("populations", populations))
    if p.ndim != 2 or p.shape[-1] != e.size:
        raise ParameterError(f"populations must have shape (nt, {e.size}), got {p.shape}")
    flux = np.einsum("ijkl,tj->tijkl", rates.channel_rates, p)
    de_s = e[:, None] - e[None, :]
    de_a = a[:, None] - a[None, :]
    sys_c = np.einsum("tijkl,ij->tkl", flux, de_s)
    anc_c = np.einsum("tijkl,kl->tkl", flux, de_a)
    mot_c = -(sys_c + anc_c)
    return EnergyFlows(
        sys_c.sum(axis=(1, 2)), anc_c.sum(axis=(1, 2)), mot_c.sum(axis=(1, 2)), anc_c, mot_c
    )


def two_temperature_entropy_production(
    rates: CollisionRates, populations, *legacy, beta_internal: float | None = None,
    beta_motional: float | None = None, temperature_internal: float | None = None,
    temperature_motional: float | None = None,
) -> np.ndarray:
    r"""Channel-resolved entropy production :math:`\dot S_S + \dot E_A/T_A + \dot E_M/T_M \ge 0`.

    Derived here (not stated in the paper): micro-reversibility (Eq. 9) with a Gibbs ancilla at
    T_A and Maxwell motion at T_M gives, channel by channel as in Eq. (C8),
    :math:`R_{ij}^{kl}/R_{ji}^{lk} = e^{\beta_A(\epsilon_k-\epsilon_l) - \beta_M(e_i-e_j+\epsilon_k-\epsilon_l)}`,
    so the Schnakenberg sum :math:`\tfrac12\sum (J_f - J_b)\ln(J_f/J_b)` is this combination
    and is >= 0; it reduces to Eq. (16) when T_A = T_M. Energy-diagonal states only.

    Parameters
    ----------
    rates : CollisionRates
        Of a model whose ancilla populations are Gibbs at `temperature_internal`.
    populations : ndarray, shape (nt, d) or (d,)
        Positive populations.
    beta_internal, beta_motional : float
        1/T_A and 1/T_M, keyword-only (two temperatures side by side are easy to swap);
        ``temperature_internal=`` / ``temperature_motional=`` are accepted instead (never both
        for one bath). The old positional form ``(rates, populations, T_A, T_M)`` still works
        with a DeprecationWarning.

    Returns
    -------
    ndarray, shape (nt,), or float for populations of shape (d,)

    Examples
    --------
    >>> from thermalize.gas import GasModel
    >>> r = GasModel.example(temperature_internal=2.0).rates()
    >>> s = two_temperature_entropy_production(r, [0.5, 0.3, 0.2], temperature_internal=2.0,
    ...                                        beta_motional=1.0)
    >>> isinstance(s, float) and s >= 0
    True
    """
    _require_rates(rates)
    if len(legacy) > 2:
        raise ParameterError(
            f"two_temperature_entropy_production takes at most 4 positional arguments, got "
            f"{2 + len(legacy)}"
        )
    if legacy:
        warnings.warn(
            "positional temperatures in two_temperature_entropy_production(rates, populations, "
            "T_A, T_M) are deprecated: pass beta_internal=, beta_motional= (or "
            "temperature_internal=, temperature_motional=) as keywords",
            DeprecationWarning,
            stacklevel=2,
        )
    leg = list(legacy) + [None] * (2 - len(legacy))
    t_a = _temperature("internal", beta_internal, temperature_internal, leg[0])
    t_m = _temperature("motional", beta_motional, temperature_motional, leg[1])
    p_in = as_float_array("populations", populations)
    p = np.atleast_2d(p_in)
    w = rates.population_generator()
    if p.ndim != 2 or p.shape[-1] != w.shape[0]:
        raise ParameterError(f"populations must have shape (nt, {w.shape[0]}), got {p.shape}")
    pdot = p @ w.T
    s_dot = -np.sum(pdot * np.log(np.maximum(p, _EIGENVALUE_FLOOR)), axis=-1)
    fl = energy_flows(rates, p)
    out = s_dot + fl.ancilla / t_a + fl.motion / t_m
    return float(out[0]) if p_in.ndim == 1 else out
