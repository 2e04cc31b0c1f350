"""Audits of a collision map: TP, Hermiticity, CP, detailed balance, micro-reversibility."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, require_finite
from ..quantum import gibbs_state
from ..superop import choi_matrix
from .amplitudes import Amplitudes
from .dynamics import map_tensor

__all__ = ["MapAudit", "audit_map", "microreversibility_residual"]


@dataclass(frozen=True)
class MapAudit:
    r"""Residuals of the laws a collision map may obey (all >= 0; 0 means exact).

    Attributes
    ----------
    trace : float
        max :math:`|\sum_{j_1}S[j_1,j_1,j,k] - \delta_{jk}|` (trace preservation).
    hermiticity : float
        max :math:`|S[j_1,k_1,j,k] - \overline{S[k_1,j_1,k,j]}|`.
    choi_min_eigenvalue : float
        Smallest eigenvalue of the Choi matrix (>= 0 iff completely positive).
    detailed_balance : float
        max :math:`|e^{-\beta e_j}S^{jj}_{j'j'} - e^{-\beta e_{j'}}S^{j'j'}_{jj}|`, Eq. (2),
        divided by :math:`e^{-\beta e_0}` (so it is a probability-sized number).
    gibbs_defect : float
        max :math:`|\mathbb S\rho_{\rm Therm} - \rho_{\rm Therm}|`: zero only if the map alone
        keeps the Gibbs state, which coherence generation prevents.
    coherence_generation : float
        max over j and j1 != k1 of :math:`|S[j_1,k_1,j,j]|`: populations feeding coherences.
    """

    trace: float
    hermiticity: float
    choi_min_eigenvalue: float
    detailed_balance: float
    gibbs_defect: float
    coherence_generation: float


def audit_map(scattering_map, energies, beta: float) -> MapAudit:
    """Audit any map (ScatteringMap or tensor) against the laws of Tabanera-Bravo (2023).

    Parameters
    ----------
    scattering_map : ScatteringMap or ndarray, shape (d, d, d, d)
    energies : ndarray, shape (d,)
    beta : float
        Inverse temperature of the detailed-balance test Eq. (2) (finite).

    Returns
    -------
    MapAudit

    Examples
    --------
    >>> a = audit_map(np.eye(4), np.array([0.0, 1.0]), beta=1.0)
    >>> a.trace, a.detailed_balance, round(a.choi_min_eigenvalue, 12)
    (0.0, 0.0, 0.0)
    """
    s, e = map_tensor(scattering_map, energies)
    require_finite("beta", beta)
    d = e.size
    trace = np.max(np.abs(np.einsum("aajk->jk", s) - np.eye(d)))
    herm = np.max(np.abs(s - s.transpose(1, 0, 3, 2).conj()))
    c = choi_matrix(s)
    choi_min = np.linalg.eigvalsh(0.5 * (c + c.conj().T))[0]
    w = np.einsum("aajj->aj", s).real  # W[j', j]
    boltz = np.exp(-beta * (e - e[0]))
    flow = w * boltz[None, :]
    gibbs = gibbs_state(e, beta)
    moved = np.einsum("abjk,jk->ab", s, gibbs)
    pops_to_coh = np.einsum("abjj->abj", s)[~np.eye(d, dtype=bool)]
    return MapAudit(
        trace=float(trace), hermiticity=float(herm), choi_min_eigenvalue=float(choi_min),
        detailed_balance=float(np.max(np.abs(flow - flow.T))),
        gibbs_defect=float(np.max(np.abs(moved - gibbs))),
        coherence_generation=float(np.max(np.abs(pops_to_coh))),
    )


def microreversibility_residual(amps: Amplitudes, *, modulus: bool = False) -> np.ndarray:
    r"""max over open channels of :math:`|s_{j'j}(E) - s_{jj'}(E)|`, Eq. (19), per energy.

    With ``modulus=True`` compares :math:`|s_{j'j}|^2` and :math:`|s_{jj'}|^2`, which is all
    that detailed balance Eq. (2) needs (Eqs. (20)-(21)).

    Returns
    -------
    ndarray, shape of ``amps.energy``

    Examples
    --------
    >>> from thermalize.scattering import ScatteringModel, amplitudes
    >>> amp = amplitudes(ScatteringModel.example(), 3.0, method="exact")
    >>> float(microreversibility_residual(amp, modulus=True)) < 1e-12
    True
    """
    if not isinstance(amps, Amplitudes):
        raise ParameterError(f"amps must be an Amplitudes result, got {type(amps).__name__}")
    out = []
    d = amps.transmission.shape[-1]
    both = (amps.open_channels[..., :, None] & amps.open_channels[..., None, :]).reshape(-1, d, d)
    for blk in (amps.transmission, amps.reflection):
        x = blk.reshape(-1, d, d)
        if modulus:
            x = np.abs(x) ** 2
        out.append(np.max(np.where(both, np.abs(x - x.transpose(0, 2, 1)), 0.0), axis=(1, 2)))
    return np.maximum(*out).reshape(np.shape(amps.energy))
