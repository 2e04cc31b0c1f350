"""Poissonian bombardment as a master equation: Eqs. (3)-(4), (8)-(15), (S2) and (S10)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, as_float_array, require_positive
from ..superop import commutator_superop, steady_state
from .maps import ScatteringMap

__all__ = [
    "PerturbativeSteadyState",
    "coherence_estimate",
    "collision_generator",
    "collision_steady_state",
    "dephased_fixed_point",
    "free_evolution",
    "map_tensor",
    "perturbative_steady_state",
]


def map_tensor(scattering_map, energies, *, batch: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(tensor (d, d, d, d), energies (d,)) from a ScatteringMap or an array (checked).

    With ``batch=True`` an array of maps with leading axes, shape (..., d, d, d, d), or a
    sequence of ScatteringMap, is accepted.

    Examples
    --------
    >>> t, e = map_tensor(np.eye(4), np.array([0.0, 1.0]))
    >>> t.shape
    (2, 2, 2, 2)
    """
    if isinstance(scattering_map, ScatteringMap):
        s = scattering_map.tensor
    elif batch and isinstance(scattering_map, list | tuple) and scattering_map and all(
            isinstance(x, ScatteringMap) for x in scattering_map):
        s = np.stack([x.tensor for x in scattering_map])
    else:
        s = np.asarray(scattering_map)
    e = as_float_array("energies", energies, ndim=1)
    if e.size < 2 or np.any(np.diff(e) <= 0):
        raise ParameterError(f"energies={e!r} must be strictly ascending with at least 2 levels")
    d = e.size
    if s.ndim >= 2 and s.shape[-2:] == (d * d, d * d):
        s = s.reshape(s.shape[:-2] + (d,) * 4)
    if s.shape[-4:] != (d,) * 4 or (s.ndim != 4 and not batch):
        allowed = f"(..., {d}, {d}, {d}, {d})" if batch else f"{(d,) * 4}"
        raise ParameterError(
            f"scattering_map has shape {s.shape}; expected {allowed} for {d} levels"
        )
    if not np.all(np.isfinite(s)):
        raise ParameterError("scattering_map must be finite (no NaN or inf)")
    return s, e


def free_evolution(energies, tau, *, hbar: float = 1.0) -> np.ndarray:
    r"""Tensor of :math:`\mathbb U^\tau\rho = e^{-iH_S\tau/\hbar}\rho\,e^{iH_S\tau/\hbar}`, Eq. (5).

    Parameters
    ----------
    energies : ndarray, shape (d,)
    tau : float or ndarray, shape (...)
        Finite times; a negative tau gives the inverse evolution (U is a group).
    hbar : float

    Returns
    -------
    ndarray, shape (..., d, d, d, d), complex128

    Examples
    --------
    >>> U = free_evolution(np.array([0.0, np.pi]), 1.0)
    >>> complex(np.round(U[0, 1, 0, 1], 12))  # rho_01 -> e^{-i(e_0 - e_1) tau} rho_01
    (-1+0j)
    """
    e = as_float_array("energies", energies, ndim=1)
    require_positive("hbar", hbar)
    tau = as_float_array("tau", tau)
    d = e.size
    phase = np.exp(-1j * np.multiply.outer(tau, e[:, None] - e[None, :]) / hbar)
    eye = np.eye(d)
    return np.einsum("aj,bk,...jk->...abjk", eye, eye, phase)


def collision_generator(scattering_map, energies, rate, *, hbar: float = 1.0) -> np.ndarray:
    r"""Generator of Eq. (8): :math:`-\tfrac{i}{\hbar}[H_S,\cdot] + \Gamma(\mathbb S - \mathbb I)`.

    Parameters
    ----------
    scattering_map : ScatteringMap, sequence of them, or ndarray, shape (..., d, d, d, d)
    energies : ndarray, shape (d,)
        Levels of H_S (the basis of the map).
    rate : float or ndarray, shape (...)
        Collision rates Gamma >= 0, broadcast against the leading axes of the maps.
    hbar : float

    Returns
    -------
    ndarray, shape (broadcast leading shape..., d*d, d*d), complex128 (row-major matrix
    form)

    Examples
    --------
    >>> L = collision_generator(np.eye(4), np.array([0.0, 1.0]), 2.0)
    >>> np.round(L.diagonal(), 12)  # S = identity: only the Bohr phases
    array([0.+0.j, 0.+1.j, 0.-1.j, 0.+0.j])
    """
    s, e = map_tensor(scattering_map, energies, batch=True)
    require_positive("hbar", hbar)
    g = as_float_array("rate", rate)
    if np.any(g < 0):
        raise ParameterError(f"rate={rate!r} is outside the allowed range [0, inf)")
    d = e.size
    coherent = -1j / hbar * commutator_superop(np.diag(e))
    coll = s.reshape(s.shape[:-4] + (d * d, d * d)) - np.eye(d * d)
    return coherent + g[..., None, None] * coll


def collision_steady_state(scattering_map, energies, rate, *, hbar: float = 1.0) -> np.ndarray:
    r"""Steady state of Poissonian bombardment, Eq. (9) / Eq. (S2) of Tabanera-Bravo (2023).

    Solves :math:`-\tfrac{i}{\hbar}\Delta_{jk}\rho_{jk} + \Gamma\sum_{j'k'}
    (\mathbb S^{j'k'}_{jk} - \delta_{j'j}\delta_{k'k})\rho_{j'k'} = 0`, tr rho = 1, for
    every rate at once (one batched LAPACK call through `thermalize.superop.steady_state`).

    Parameters
    ----------
    scattering_map : ScatteringMap, sequence of them, or ndarray, shape (..., d, d, d, d)
        One map, or a batch of maps broadcast against `rate`.
    energies : ndarray, shape (d,)
        Non-degenerate levels of H_S.
    rate : float or ndarray, shape (...)
        Gamma > 0. (At Gamma = 0 every diagonal state is stationary; the limit Gamma -> 0+
        is `perturbative_steady_state(...).zeroth`.)
    hbar : float

    Returns
    -------
    ndarray, shape (broadcast leading shape..., d, d), complex128

    Examples
    --------
    >>> from thermalize.scattering import ScatteringModel, IncidentPacket, scattering_map
    >>> smap = scattering_map(ScatteringModel.example(), IncidentPacket.example(), nodes=16)
    >>> rho = collision_steady_state(smap, smap.energies, [0.01, 10.0])
    >>> np.round(np.abs(rho[:, 0, 1]), 5)  # coherence grows with the rate
    array([6.0000e-05, 1.0684e-01])
    """
    g = as_float_array("rate", rate)
    if np.any(~(g > 0)):
        raise ParameterError(
            f"rate={rate!r} is outside the allowed range (0, inf) (at rate 0 the steady state "
            "is not unique: every diagonal state is stationary)"
        )
    gen = collision_generator(scattering_map, energies, g, hbar=hbar)
    return np.asarray(steady_state(gen), dtype=complex)


def dephased_fixed_point(scattering_map, energies) -> np.ndarray:
    r"""Fixed point of :math:`\mathbb D\mathbb S`, Eqs. (3)-(4): diagonal, populations
    stationary under the transition matrix :math:`W_{j'j} = \mathbb S^{jj}_{j'j'}`.

    With detailed balance Eq. (2) this is the Gibbs state (Eq. (4)).

    Returns
    -------
    ndarray, shape (d, d), float64

    Examples
    --------
    >>> w = np.array([[0.9, 0.2], [0.1, 0.8]])  # W[j', j]: columns sum to 1
    >>> s = np.einsum("aj,ab,jk->abjk", w, np.eye(2), np.eye(2))  # a classical channel
    >>> np.round(dephased_fixed_point(s, np.array([0.0, 1.0])).diagonal(), 6)
    array([0.666667, 0.333333])
    """
    s, e = map_tensor(scattering_map, energies)
    w = np.einsum("aajj->aj", s).real
    d = e.size
    a = w - np.eye(d)
    a[0, :] = 1.0
    b = np.zeros(d)
    b[0] = 1.0
    return np.diag(np.linalg.solve(a, b))


@dataclass(frozen=True)
class PerturbativeSteadyState:
    r"""First-order expansion :math:`\rho_{ss} = \rho^{(0)} + \Gamma\rho^{(1)} + O(\Gamma^2)`.

    Attributes
    ----------
    zeroth : ndarray, shape (d, d)
        :math:`\rho^{(0)}`, diagonal (Eq. (13)).
    first : ndarray, shape (d, d)
        :math:`\rho^{(1)}`: coherences from Eq. (14), populations from the corrected
        Eq. (15), trace zero.
    """

    zeroth: np.ndarray
    first: np.ndarray

    def at(self, rate) -> np.ndarray:
        """rho^(0) + rate rho^(1), shape (..., d, d)."""
        g = as_float_array("rate", rate)
        return self.zeroth + g[..., None, None] * self.first


def perturbative_steady_state(scattering_map, energies, *, hbar: float = 1.0) -> PerturbativeSteadyState:
    r"""Eqs. (10)-(15) of Tabanera-Bravo et al. (2023) with the index typos corrected.

    * Eq. (13): :math:`\sum_{j'}\mathbb S^{j'j'}_{jj}\rho^{(0)}_{j'j'} = \rho^{(0)}_{jj}`,
      :math:`\rho^{(0)}` diagonal with unit trace.
    * Eq. (14), corrected (sum over j', not j):
      :math:`\rho^{(1)}_{jk} = -\tfrac{i\hbar}{\Delta_{jk}}\sum_{j'}\mathbb S^{j'j'}_{jk}
      \rho^{(0)}_{j'j'}` for j != k.
    * Eq. (15), corrected (lower indices jj, not jj'; and read as a linear system because
      :math:`\rho^{(1)}` has unknown diagonal entries on both sides):
      :math:`\sum_{j'}(\mathbb S^{j'j'}_{jj} - \delta_{jj'})\rho^{(1)}_{j'j'} =
      -\sum_{j'\ne k'}\mathbb S^{j'k'}_{jj}\rho^{(1)}_{j'k'}`, with
      :math:`\sum_j\rho^{(1)}_{jj} = 0` (the trace is carried by :math:`\rho^{(0)}`).

    Parameters
    ----------
    scattering_map : ScatteringMap or ndarray, shape (d, d, d, d)
    energies : ndarray, shape (d,)
    hbar : float

    Returns
    -------
    PerturbativeSteadyState

    Examples
    --------
    >>> from thermalize.scattering import ScatteringModel, IncidentPacket, scattering_map
    >>> smap = scattering_map(ScatteringModel.example(), IncidentPacket.example(), nodes=16)
    >>> pert = perturbative_steady_state(smap, smap.energies)
    >>> round(float(pert.zeroth[0, 0]), 6)  # Gibbs: 1/(1 + e^{-0.06})
    0.514996
    """
    s, e = map_tensor(scattering_map, energies)
    require_positive("hbar", hbar)
    d = e.size
    rho0 = dephased_fixed_point(s, e)
    p0 = rho0.diagonal()
    delta = e[:, None] - e[None, :]
    off = ~np.eye(d, dtype=bool)
    src = np.einsum("abjj,j->ab", s, p0)  # sum_j' S^{j'j'}_{ab} rho0_{j'j'}
    rho1 = np.zeros((d, d), dtype=complex)
    rho1[off] = -1j * hbar / delta[off] * src[off]
    rhs = -np.einsum("jjab,ab->j", s * off[None, None], rho1)
    a = np.einsum("jjkk->jk", s) - np.eye(d)
    a[0, :] = 1.0  # replace the redundant row (columns of S sum to 1) by the trace condition
    rhs[0] = 0.0
    rho1[np.diag_indices(d)] = np.linalg.solve(a.astype(complex), rhs)
    return PerturbativeSteadyState(zeroth=rho0, first=rho1)


def coherence_estimate(rate, gap, delta_x, beta, mass, *, s: float = 0.01,
                       hbar: float = 1.0) -> np.ndarray:
    r"""Order-of-magnitude coherence of a qubit, Eq. (S10) (Eq. (24) of the Letter).

    :math:`|\rho_{01}| \sim s^2\,\frac{\Gamma}{\omega}\,e^{-\beta m\Delta x^2\omega^2/2}`,
    :math:`\omega = \Delta/\hbar`. The Supplement uses s = 0.01.

    Parameters
    ----------
    rate, gap, delta_x : float or ndarray
        Gamma >= 0, Delta > 0, Delta x > 0 (broadcast together).
    beta, mass : float
        > 0.
    s : float
        The dimensionless amplitude scale of Eq. (S9) (> 0).
    hbar : float

    Returns
    -------
    ndarray, broadcast shape

    Examples
    --------
    >>> round(float(coherence_estimate(5.0, 0.6, 1.0, 0.1, 0.1)), 8)
    0.00083183
    """
    g = as_float_array("rate", rate)
    if np.any(g < 0):
        raise ParameterError(f"rate={rate!r} is outside the allowed range [0, inf)")
    for name, val in (("gap", gap), ("delta_x", delta_x), ("beta", beta), ("mass", mass),
                      ("s", s), ("hbar", hbar)):
        require_positive(name, val)
    omega = np.asarray(gap, dtype=float) / hbar
    dx = np.asarray(delta_x, dtype=float)
    return s**2 * g / omega * np.exp(-beta * mass * dx**2 * omega**2 / 2)
