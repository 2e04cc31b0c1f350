"""Energy-exchange statistics of collisions (Tabanera-Bravo et al. 2023): maps and sequences.

Two-point measurement (TPM) of H_S. Per collision the transition probabilities are the
population block S[i,i,j,j] of the map, and Eq. (2) (detailed balance of that block) gives a
detailed fluctuation theorem. Along Poisson sequences measured only at 0 and t, collisions
also turn populations into coherences that free evolution rotates and later collisions turn
back into populations; that coherent contribution can break the theorem.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import expm

from .._qutip import to_array
from ..counting._dataset import UNITLESS, dataset, variable
from ..errors import (
    ParameterError,
    as_float_array,
    beta_or_temperature,
    require_nonnegative,
    require_real,
)
from ..quantum import gibbs_populations
from .dynamics import _hbar, collision_generator, map_tensor

__all__ = [
    "CollisionEnergyStatistics",
    "FluctuationDeparture",
    "TrajectoryHeatStatistics",
    "collision_energy_statistics",
    "fluctuation_departure",
    "trajectory_heat_statistics",
]

#: Energy differences closer than this are one value of the heat.
_ENERGY_ATOL = 1e-9


def _initial_populations(energies, rho0, beta_initial):
    """(p0, beta_0 or None): Gibbs(beta_initial) or the diagonal of an energy-diagonal rho0."""
    d = energies.size
    if (rho0 is None) == (beta_initial is None):
        raise ParameterError("give exactly one of rho0 and beta_initial")
    if beta_initial is not None:
        b0 = require_real("beta_initial", beta_initial)
        return gibbs_populations(energies, b0), b0
    r = np.asarray(to_array(rho0))  # a Qobj is read at the boundary
    if r.shape == (d,):
        r = np.diag(r)
    if r.shape != (d, d) or not np.issubdtype(r.dtype, np.number):
        raise ParameterError(f"rho0 must be a numeric ({d}, {d}) state, got shape {r.shape}")
    off = np.max(np.abs(r - np.diag(np.diag(r)))) if d > 1 else 0.0
    if off > 1e-12:
        raise ParameterError(
            f"rho0 has coherences (max |rho0_jk| = {off:.3g}, j != k): the two-point measurement "
            "of H_S needs an initial state that commutes with H_S (energy-diagonal)"
        )
    p = np.real(np.diag(r)).astype(float)
    require_nonnegative("rho0 populations", p)
    if abs(p.sum() - 1) > 1e-10:
        raise ParameterError(f"rho0 must have unit trace, got {p.sum():.12g}")
    return p, None


def _heat_values(energies):
    """Sorted distinct values Q = e_i - e_j and the index (d, d) of each pair."""
    diff = energies[:, None] - energies[None, :]
    keys = np.round(diff / _ENERGY_ATOL).astype(np.int64)
    uniq, inv = np.unique(keys.ravel(), return_inverse=True)
    vals = np.array([diff.ravel()[inv == k].mean() for k in range(uniq.size)])
    return vals, inv.reshape(diff.shape)


def _heat_distribution(cond, p0, index, n_values):
    """P(Q) = sum_{e_i - e_j = Q} P(i|j) p0_j for cond of shape (..., d, d)."""
    joint = cond * p0[None, :]
    out = np.zeros(cond.shape[:-2] + (n_values,))
    for q in range(n_values):
        out[..., q] = joint[..., index == q].sum(axis=-1)
    return out


def _ft_residual(heats, prob, affinity, floor):
    """max_Q |P(Q) - e^{A Q} P(-Q)| / (P(Q) + e^{A Q} P(-Q)) over Q > 0 with both sides > floor."""
    out = np.zeros(prob.shape[:-1])
    for a, q in enumerate(heats):
        if q <= _ENERGY_ATOL:
            continue
        b = int(np.argmin(np.abs(heats + q)))
        p, back = prob[..., a], prob[..., b]
        m = back * np.exp(affinity * q)
        ok = (p > floor) & (back > floor)
        out = np.maximum(out, np.where(ok, np.abs(p - m) / np.where(ok, p + m, 1.0), 0.0))
    return out


@dataclass(frozen=True)
class CollisionEnergyStatistics:
    r"""TPM statistics of the system energy change in one collision.

    Attributes
    ----------
    transition : ndarray, shape (d, d)
        P(i|j) = S[i,i,j,j]: the population block of the map (columns sum to 1).
    heats : ndarray, shape (nq,)
        Distinct values of Delta E = e_i - e_j (energy taken from the gas), ascending.
    probabilities : ndarray, shape (nq,)
        P(Delta E) from the initial populations.
    energies : ndarray, shape (d,)
    beta : float
        The gas's inverse temperature (the packet's).
    beta_initial : float or None
        Initial Gibbs inverse temperature (None for other diagonal states).
    """

    transition: np.ndarray
    heats: np.ndarray
    probabilities: np.ndarray
    energies: np.ndarray
    beta: float
    beta_initial: float | None

    def detailed_balance_residual(self) -> float:
        r"""Eq. (2): max |e^{-beta e_j} P(i|j) - e^{-beta e_i} P(j|i)|, relative to the largest
        e^{-beta e_j} P(i|j)."""
        w = np.exp(-self.beta * (self.energies - self.energies.min()))
        flow = self.transition * w[None, :]
        return float(np.max(np.abs(flow - flow.T)) / np.max(np.abs(flow)))

    def fluctuation_residual(self, *, floor: float = 1e-14) -> float:
        r"""Detailed FT :math:`P(\Delta E)/P(-\Delta E) = e^{(\beta_0-\beta)\Delta E}`
        (Gibbs start)."""
        if self.beta_initial is None:
            raise ParameterError(
                "the fluctuation theorem needs a Gibbs initial state (beta_initial)"
            )
        return float(_ft_residual(self.heats, self.probabilities,
                                  self.beta_initial - self.beta, floor))


def _map_and_beta(scattering_map, energies, beta):
    s, e = map_tensor(scattering_map, energies)
    if beta is None:
        beta = getattr(scattering_map, "beta", None)
        if beta is None:
            raise ParameterError("beta is required for a bare map tensor (the gas temperature)")
    return s, e, require_real("beta", beta)


def collision_energy_statistics(scattering_map, energies=None, *, rho0=None, beta_initial=None,
                                beta=None, temperature_initial=None,
                                temperature=None) -> CollisionEnergyStatistics:
    r"""Distribution of the system energy change in one collision (two-point measurement).

    :math:`P(\Delta E) = \sum_{e_i-e_j=\Delta E}\mathbb S^{jj}_{ii}\,p_j`. Eq. (2) of
    Tabanera-Bravo et al. (2023), :math:`e^{-\beta e_j}\mathbb S^{jj}_{ii} =
    e^{-\beta e_i}\mathbb S^{ii}_{jj}`, implies (derived) the detailed fluctuation theorem
    :math:`P(\Delta E)/P(-\Delta E) = e^{(\beta_0-\beta)\Delta E}` from a Gibbs state at
    :math:`\beta_0` (from the gas's own temperature: a symmetric P).

    Parameters
    ----------
    scattering_map : ScatteringMap or ndarray (d, d, d, d)
    energies : ndarray, shape (d,), optional (a ScatteringMap has its own)
    rho0 : ndarray, shape (d, d) or (d,), energy-diagonal
    beta_initial : float
        Start from Gibbs(beta_initial) instead (give exactly one of the two).
    beta : float, optional
        Gas inverse temperature; a ScatteringMap carries its packet's.
    temperature_initial, temperature : float, optional
        Alternatives to `beta_initial` and `beta` (T = 1/beta; never both spellings).
    """
    beta_initial = beta_or_temperature(beta_initial, temperature_initial, required=False,
                                       beta_name="beta_initial",
                                       temperature_name="temperature_initial")
    beta = beta_or_temperature(beta, temperature, required=False)
    s, e, b = _map_and_beta(scattering_map, energies, beta)
    p0, b0 = _initial_populations(e, rho0, beta_initial)
    cond = np.real(np.einsum("iijj->ij", s))
    heats, index = _heat_values(e)
    prob = _heat_distribution(cond, p0, index, heats.size)
    return CollisionEnergyStatistics(cond, heats, prob, e, b, b0)


@dataclass(frozen=True)
class TrajectoryHeatStatistics:
    r"""Heat Q = e_i - e_j from the gas between TPMs at 0 and t along Poisson sequences.

    Attributes
    ----------
    times : ndarray, shape (nt,)
    rate : float
    heats : ndarray, shape (nq,)
    probabilities : ndarray, shape (nt, nq)
        From the average over Poisson sequences, the generator of Eq. (8):
        P(i,t|j) = [e^{L t}]_{ii,jj}.
    incoherent : ndarray, shape (nt, nq)
        The same with coherences removed after every collision (rate matrix
        Gamma(S_pop - 1), the dephased sequences of Fig. 1).
    beta, beta_initial : float, float or None
    """

    times: np.ndarray
    rate: float
    heats: np.ndarray
    probabilities: np.ndarray
    incoherent: np.ndarray
    beta: float
    beta_initial: float | None

    def to_dataset(self):
        """xarray.Dataset: probability, incoherent, coherent (time, heat); betas in attrs."""
        dims = ("time", "heat")
        return dataset(
            {"probability": variable(dims, self.probabilities, "heat distribution", UNITLESS,
                                     "P(Q,t)"),
             "incoherent": variable(dims, self.incoherent, "incoherent part", UNITLESS,
                                    r"P_{\rm inc}(Q,t)"),
             "coherent": variable(dims, self.coherent, "coherent contribution", UNITLESS,
                                  r"P - P_{\rm inc}")},
            {"time": variable("time", self.times, "time", "time", "t"),
             "heat": variable("heat", self.heats, "heat from the gas", "energy", "Q")},
            {"rate": self.rate, "beta": self.beta, "beta_initial": self.beta_initial},
        )

    @property
    def coherent(self) -> np.ndarray:
        """Coherent contribution P - P_incoherent, shape (nt, nq) (sums to 0)."""
        return self.probabilities - self.incoherent

    def coherent_weight(self) -> np.ndarray:
        """Total-variation size (1/2) sum_Q |P - P_incoherent|, shape (nt,)."""
        return 0.5 * np.abs(self.coherent).sum(axis=-1)

    def fluctuation_residual(self, *, incoherent: bool = False,
                             floor: float = 1e-12) -> np.ndarray:
        r"""Residual of :math:`P(Q)/P(-Q) = e^{(\beta_0-\beta)Q}` per time, shape (nt,)."""
        if self.beta_initial is None:
            raise ParameterError(
                "the fluctuation theorem needs a Gibbs initial state (beta_initial)"
            )
        prob = self.incoherent if incoherent else self.probabilities
        return _ft_residual(self.heats, prob, self.beta_initial - self.beta, floor)


def trajectory_heat_statistics(scattering_map, rate, times, *, energies=None, rho0=None,
                               beta_initial=None, beta=None, temperature_initial=None,
                               temperature=None,
                               hbar: float | None = None) -> TrajectoryHeatStatistics:
    r"""TPM heat statistics along Poisson collision sequences (Eqs. 5, 6, 8 of Tabanera-Bravo 2023).

    The energy is measured at 0 (outcome j, state |j><j|) and at t (outcome i): averaged
    over the Poisson sequences, :math:`P(i,t|j) = \langle i|e^{\mathcal L t}(|j\rangle\langle
    j|)|i\rangle` with the generator (8). The incoherent part replaces L by the population
    block :math:`\Gamma(\mathbb S_{pop}-1)`, a detailed-balance rate matrix (Eq. 2), for
    which the exchange theorem :math:`P(Q)/P(-Q) = e^{(\beta_0-\beta)Q}` holds at every t
    (path reversal, as for one collision). The coherent contribution is the difference.
    ``temperature_initial=`` and ``temperature=`` are alternatives to `beta_initial` and `beta`.
    """
    beta_initial = beta_or_temperature(beta_initial, temperature_initial, required=False,
                                       beta_name="beta_initial",
                                       temperature_name="temperature_initial")
    beta = beta_or_temperature(beta, temperature, required=False)
    s, e, b = _map_and_beta(scattering_map, energies, beta)
    g = require_real("rate", rate)
    require_nonnegative("rate", g)
    t = as_float_array("times", np.atleast_1d(times), ndim=1)
    require_nonnegative("times", t)
    p0, b0 = _initial_populations(e, rho0, beta_initial)
    d = e.size
    gen = collision_generator(s, e, g, hbar=_hbar(scattering_map, hbar))
    pop = np.arange(d) * (d + 1)
    w = g * (np.real(np.einsum("iijj->ij", s)) - np.eye(d))
    full = np.array([np.real(expm(gen * x)[np.ix_(pop, pop)]) for x in t])
    inc = np.array([expm(w * x) for x in t])
    heats, index = _heat_values(e)
    return TrajectoryHeatStatistics(
        times=t, rate=g, heats=heats,
        probabilities=_heat_distribution(full, p0, index, heats.size),
        incoherent=_heat_distribution(inc, p0, index, heats.size), beta=b, beta_initial=b0,
    )


@dataclass(frozen=True)
class FluctuationDeparture:
    """How the Poisson-sequence heat statistics depart from the per-collision theorem.

    Attributes
    ----------
    rates : ndarray, shape (nr,)
    collisions : float
        Mean number of collisions Gamma t at which each rate is compared.
    residual : ndarray, shape (nr,)
        FT residual of the full statistics.
    incoherent_residual : ndarray, shape (nr,)
        FT residual of the incoherent part (rounding only: the theorem holds).
    coherent_weight : ndarray, shape (nr,)
        (1/2) sum_Q |P - P_incoherent|.
    """

    rates: np.ndarray
    collisions: float
    residual: np.ndarray
    incoherent_residual: np.ndarray
    coherent_weight: np.ndarray

    def to_dataset(self):
        """xarray.Dataset over the coordinate `rate`."""
        return dataset(
            {"residual": variable("rate", self.residual, "fluctuation-theorem residual",
                                  UNITLESS, r"\epsilon_{\rm FT}"),
             "incoherent_residual": variable("rate", self.incoherent_residual,
                                             "residual of the incoherent part", UNITLESS,
                                             r"\epsilon_{\rm inc}"),
             "coherent_weight": variable("rate", self.coherent_weight,
                                         "total variation of the coherent part", UNITLESS,
                                         r"\frac12\sum_Q|P-P_{\rm inc}|")},
            {"rate": variable("rate", self.rates, "collision rate", "1/time", r"\Gamma")},
            {"collisions": self.collisions},
        )


def fluctuation_departure(scattering_map, rates, *, collisions: float = 5.0, beta_initial=None,
                          energies=None, beta=None, temperature_initial=None,
                          temperature=None) -> FluctuationDeparture:
    """Scan Gamma at a fixed mean number of collisions Gamma t (`trajectory_heat_statistics`).

    The initial Gibbs state is required: `beta_initial` (or ``temperature_initial=``).
    """
    beta_initial = beta_or_temperature(beta_initial, temperature_initial,
                                       beta_name="beta_initial",
                                       temperature_name="temperature_initial")
    beta = beta_or_temperature(beta, temperature, required=False)
    r = as_float_array("rates", np.atleast_1d(rates), ndim=1)
    n = require_real("collisions", collisions)
    require_nonnegative("rates", r)
    res, inc, coh = [], [], []
    for g in r:
        st = trajectory_heat_statistics(scattering_map, g, [n / g], energies=energies,
                                        beta_initial=beta_initial, beta=beta)
        res.append(st.fluctuation_residual()[0])
        inc.append(st.fluctuation_residual(incoherent=True)[0])
        coh.append(st.coherent_weight()[0])
    return FluctuationDeparture(r, n, np.array(res), np.array(inc), np.array(coh))
