"""Counting statistics of the collisional master equation (Gaida et al. 2025): spin and general gas.

Spin-J in one gas: the net number n of absorbed quanta equals m(t) - m(0), so |n| <= 2J, every
scaled cumulant vanishes and the statistics are finite-time only; from a Gibbs state at beta_0
they obey P(n)/P(-n) = exp[(beta_0 - beta) omega_S n] at every t (beta of Eq. 21). Spins in
several gases, and the general `GasModel` (internal and motional degrees of the gas as two
reservoirs) carry steady currents: `CountingModel`s for the core `thermalize.counting`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._qutip import to_array
from ..counting import CountingModel, counting_distribution
from ..counting._dataset import UNITLESS, dataset, variable
from ..errors import ParameterError, beta_or_temperature, require_real
from ..quantum import gibbs_populations
from ._spin_ops import spin_operators
from .collision_rates import collision_rates
from .model import GasModel
from .spin import SpinGasModel

__all__ = [
    "SpinExchangeStatistics",
    "gas_counting_model",
    "spin_counting_model",
    "spin_exchange_statistics",
]


def _require_spin(model, name: str = "model") -> SpinGasModel:
    if not isinstance(model, SpinGasModel):
        raise ParameterError(f"{name} must be a SpinGasModel, got {type(model).__name__}")
    return model


def spin_counting_model(*models: SpinGasModel) -> CountingModel:
    r"""Spin J coupled to one or several gases (Eq. 18 per gas), counting quanta per gas.

    :math:`\dot\rho = -i\omega_S[J_z,\rho] + \sum_a(\Gamma_+^a\mathcal D[J_+] +
    \Gamma_-^a\mathcal D[J_-])\rho`; field ``"gas<a>"`` counts the net quanta the system
    absorbs from gas a (+1 per J_+ jump, -1 per J_- jump), each carrying energy omega_S.

    Parameters
    ----------
    *models : SpinGasModel
        Same spin and omega_s; each contributes its own rates (Eq. 19).

    Notes
    -----
    Two gases at effective inverse temperatures beta_1, beta_2 (Eq. 21) obey the
    Gallavotti-Cohen symmetry lambda(chi) = lambda(-chi + i(beta_2 - beta_1) omega_S) for the
    quanta from gas 1 (derived: Gamma_+^a/Gamma_-^a = e^{-beta_a omega_S} is local detailed
    balance per gas, and n_2 = -n_1 + (m(t) - m(0)) with the bounded boundary term).

    Examples
    --------
    >>> m = spin_counting_model(SpinGasModel.example(spin=1))
    >>> m.names
    ('gas0',)
    """
    if not models:
        raise ParameterError("models: spin_counting_model needs at least one SpinGasModel")
    first = _require_spin(models[0], "models[0]")
    ops, rates, counting = [], [], {}
    for a, m in enumerate(models):
        _require_spin(m, f"models[{a}]")
        if m.spin != first.spin or m.omega_s != first.omega_s:
            raise ParameterError(
                f"models[{a}] has spin={m.spin!r}, omega_s={m.omega_s!r}; all gases must act on "
                f"the same system (spin={first.spin!r}, omega_s={first.omega_s!r})"
            )
        _, jp, jm = spin_operators(m.spin)
        gp, gm = m._absolute_rates()
        counting[f"gas{a}"] = {len(ops): 1.0, len(ops) + 1: -1.0}
        ops += [jp, jm]
        rates += [gp, gm]
    return CountingModel(first.hamiltonian(), ops, rates, counting)


@dataclass(frozen=True)
class SpinExchangeStatistics:
    r"""P(n, t) of the net quanta n absorbed by a spin J from one gas (|n| <= 2J, exact).

    Attributes
    ----------
    times : ndarray, shape (nt,)
    counts : ndarray, shape (4J+1,), int
        n = -2J..2J; the energy absorbed is omega_S n.
    probabilities : ndarray, shape (nt, 4J+1)
    ergotropy : ndarray, shape (nt,)
        W(t) of Eq. (23) along the same evolution.
    omega_s : float
    beta : float
        Effective inverse temperature of the gas (Eq. 21), any sign.
    beta_initial : float or None
        beta_0 when the initial state is Gibbs (None otherwise).
    """

    times: np.ndarray
    counts: np.ndarray
    probabilities: np.ndarray
    ergotropy: np.ndarray
    omega_s: float
    beta: float
    beta_initial: float | None

    def to_dataset(self):
        """xarray.Dataset: probability(time, count), ergotropy(time); betas in attrs."""
        return dataset(
            {"probability": variable(("time", "count"), self.probabilities,
                                     "probability of n absorbed quanta", UNITLESS, "P(n,t)"),
             "ergotropy": variable("time", self.ergotropy, "ergotropy", "energy",
                                   r"\mathcal{W}")},
            {"time": variable("time", self.times, "time", "time", "t"),
             "count": variable("count", self.counts, "net quanta absorbed from the gas",
                               UNITLESS, "n")},
            {"omega_s": self.omega_s, "beta": self.beta, "beta_initial": self.beta_initial},
        )

    def mean_energy(self) -> np.ndarray:
        """<omega_S n>(t): energy absorbed from the gas, shape (nt,)."""
        return self.omega_s * (self.probabilities @ self.counts)

    def affinity(self) -> float:
        r"""(beta_0 - beta) omega_S of the exchange fluctuation theorem (Gibbs start only)."""
        if self.beta_initial is None:
            raise ParameterError("the exchange fluctuation theorem needs a Gibbs initial state")
        return (self.beta_initial - self.beta) * self.omega_s

    def fluctuation_residual(self, *, floor: float = 1e-10) -> np.ndarray:
        r"""Max over n of :math:`|P(n)-e^{An}P(-n)|/(P(n)+e^{An}P(-n))` per time, shape (nt,).

        Zero (to rounding) for :math:`P(n)/P(-n) = e^{(\beta_0-\beta)\omega_S n}`; pairs where
        either
        side is below `floor` are skipped (the DFT's absolute rounding ~1e-15 would dominate).
        """
        a = self.affinity()
        pos = np.arange(1, self.counts.max() + 1)
        c0 = -self.counts[0]
        p = self.probabilities[:, c0 + pos]
        back = self.probabilities[:, c0 - pos]
        m = back * np.exp(a * pos)
        den = p + m
        ok = (p > floor) & (back > floor)
        return np.max(np.where(ok, np.abs(p - m) / np.where(ok, den, 1.0), 0.0), axis=1)


def spin_exchange_statistics(
    model: SpinGasModel, times, *, rho0=None, beta_initial=None, temperature_initial=None
) -> SpinExchangeStatistics:
    r"""Finite-time statistics of the quanta a spin J exchanges with one gas.

    From the tilted population dynamics (`thermalize.counting.counting_distribution`,
    support |n| <= 2J exact). Exchange fluctuation theorem (derived here; assumptions: the
    Markovian Eq. (18), rates with Gamma_+/Gamma_- = e^{-beta omega_S} (Eq. 21), a Gibbs
    initial state at beta_0, populations decoupled from coherences): a jump path and its time
    reverse have weights in the ratio
    :math:`p_0(m_0)/p_0(m_t)\,e^{-\beta\omega_S n} = e^{(\beta_0-\beta)\omega_S n}`, so
    :math:`P(n,t)/P(-n,t) = e^{(\beta_0-\beta)\omega_S n}` at every t (Jarzynski-Wojcik form;
    symmetric P(n) = P(-n) from the stationary Gibbs state beta_0 = beta).

    Parameters
    ----------
    model : SpinGasModel
    times : array_like, shape (nt,)
    rho0 : ndarray, shape (d,) or (d, d), optional
        Initial state (default: ground state, as in Fig. 2). Exclusive with `beta_initial`.
    beta_initial, temperature_initial : float, optional
        Start from Gibbs(beta_0) of h_S = omega_S J_z (any real beta_0; or T_0 = 1/beta_0).
    """
    beta_initial = beta_or_temperature(beta_initial, temperature_initial, required=False,
                                       beta_name="beta_initial",
                                       temperature_name="temperature_initial")
    _require_spin(model)
    d = model.dimension
    if rho0 is not None and beta_initial is not None:
        raise ParameterError("give rho0 or beta_initial, not both")
    b0 = None
    if beta_initial is not None:
        b0 = require_real("beta_initial", beta_initial)
        p0 = gibbs_populations(model.energies(), b0)
    elif rho0 is None:
        p0 = np.zeros(d)
        p0[0] = 1.0
    else:
        p0 = np.asarray(to_array(rho0))  # a Qobj is read at the boundary
    cm = spin_counting_model(model)
    two_j = d - 1
    rho = np.diag(p0) if np.ndim(p0) == 1 else p0
    dist = counting_distribution(cm, rho, times, support=(-two_j, two_j))
    return SpinExchangeStatistics(
        times=dist.times,
        counts=dist.counts,
        probabilities=dist.probabilities,
        ergotropy=model.ergotropy(dist.times, rho),
        omega_s=float(model.omega_s),
        beta=model.effective_inverse_temperature(),
        beta_initial=b0,
    )


def _masked_model(model: GasModel, eps: float) -> GasModel:
    """The same gas with every amplitude of ancilla transitions of energy != eps set to 0."""
    a = model.ancilla_energies
    mask = np.abs((a[:, None] - a[None, :]) - eps) <= model.energy_atol  # mask[k, l]

    def amplitude(j, l, p, i, k, q, cos_theta):
        return model._amplitude(j, l, p, i, k, q, cos_theta) * mask[k, l]

    return GasModel(
        model.system_energies, a, temperature_motional=model.temperature_motional,
        mass=model.mass, density=model.density, amplitude=amplitude,
        temperature_internal=model.temperature_internal,
        ancilla_populations=model.ancilla_populations, energy_atol=model.energy_atol,
        amplitude_order="initial_first",
    )


def gas_counting_model(model: GasModel, *, rtol: float = 1e-8) -> CountingModel:
    r"""Eq. (6) of Gaida et al. (2025) with the gas's internal and motional energy counted.

    A collision taking the system j -> i (energy E = e_i - e_j) and the ancilla l -> k
    (epsilon = eps_k - eps_l) gives epsilon to the internal reservoir (field ``"internal"``)
    and -E - epsilon to the motion (field ``"motional"``, energy conservation, Eq. 6). The
    Kossakowski blocks of Eq. (7) are evaluated per ancilla energy change epsilon (the
    amplitudes of the other ancilla transitions masked), and each diagonalised block is one
    counted jump channel; their sum is the full collision term.

    Notes
    -----
    With Gibbs ancillas at T_A, Maxwell motion at T_M and microreversible amplitudes
    (:math:`|f_{ij}^{kl}(q,p)| = |f_{ji}^{lk}(p,q)|`, true for the Born amplitudes of Eq. D2
    with a real symmetric coupling), every channel obeys local detailed balance
    :math:`R/R_{rev} = e^{\beta_A\epsilon - \beta_M(E+\epsilon)}`. Then (derived) the entropy
    flow is :math:`(\beta_A - \beta_M)Q_A - \beta_M\Delta E_S`, so the internal heat obeys the
    Gallavotti-Cohen symmetry :math:`\lambda(\chi) = \lambda(-\chi + i(\beta_A-\beta_M))` and
    the TUR with :math:`\dot\sigma = (\beta_A-\beta_M)\langle\dot Q_A\rangle`.
    """
    if not isinstance(model, GasModel):
        raise ParameterError(f"model must be a GasModel, got {type(model).__name__}")
    full = model.rates(rtol=rtol)
    a = model.ancilla_energies
    gaps = np.unique(np.round(a[:, None] - a[None, :], 12))
    d = model.dimension
    ops, rates, internal, motional = [], [], [], []
    for eps in gaps:
        part = collision_rates(_masked_model(model, float(eps)), rtol=rtol)
        for energy, pairs, k in part.blocks:
            lam, u = np.linalg.eigh(0.5 * (k + k.conj().T))
            for n in np.flatnonzero(lam > 0):  # lam < 0 only from quadrature error
                op = np.zeros((d, d), dtype=complex)
                op[pairs[:, 0], pairs[:, 1]] = u[:, n]
                ops.append(op)
                rates.append(lam[n])
                internal.append(float(eps))
                motional.append(-float(energy) - float(eps))
    h = np.diag(model.system_energies + full.energy_shift)
    return CountingModel(h, ops, rates, {"internal": internal, "motional": motional})
