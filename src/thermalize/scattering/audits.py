"""Audits of a collision map: TP, Hermiticity, CP, detailed balance, micro-reversibility."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, require_real
from ..quantum import gibbs_state
from ..superop import choi_matrix
from .amplitudes import Amplitudes
from .dynamics import map_tensor, require_same_energies
from .maps import ScatteringMap
from .model import _beta_of

__all__ = ["MapAudit", "audit_map", "microreversibility_residual"]


@dataclass(frozen=True)
class MapAudit:
    r"""Verdicts on the laws a collision map may obey, and the residuals behind them.

    Hermiticity preservation is checked first: the Choi matrix of a map is Hermitian iff the
    map preserves Hermiticity, and only then does its smallest eigenvalue decide complete
    positivity (Choi's theorem, as `thermalize.superop.is_completely_positive`); a map that
    does not preserve Hermiticity is never reported CP.

    Attributes
    ----------
    trace_preserving : bool
        `trace` <= `tolerance`.
    hermiticity_preserving : bool
        `hermiticity` <= `tolerance`.
    completely_positive : bool
        Hermiticity preserving and `choi_min_eigenvalue` >= -`tolerance`.
    detailed_balance_holds : bool
        `detailed_balance` <= `tolerance` (Eq. (2) at the audit's `beta`).
    trace : float
        max :math:`|\sum_{j_1}S[j_1,j_1,j,k] - \delta_{jk}|` (trace preservation).
    hermiticity : float
        max :math:`|S[j_1,k_1,j,k] - \overline{S[k_1,j_1,k,j]}|` (= max |C - C^dagger| of the
        Choi matrix C).
    choi_min_eigenvalue : float
        Smallest eigenvalue of the Hermitian part of the Choi matrix: a CP test only where
        `hermiticity_preserving` (see `completely_positive`).
    detailed_balance : float
        max :math:`|e^{-\beta e_j}S^{jj}_{j'j'} - e^{-\beta e_{j'}}S^{j'j'}_{jj}|`, Eq. (2),
        divided by :math:`e^{-\beta e_0}` (so it is a probability-sized number).
    gibbs_defect : float
        max :math:`|\mathbb S\rho_{\rm Therm} - \rho_{\rm Therm}|`: zero only if the map alone
        keeps the Gibbs state, which coherence generation prevents (not a law; no verdict).
    coherence_generation : float
        max over j and j1 != k1 of :math:`|S[j_1,k_1,j,j]|`: populations feeding coherences.
    tolerance : float
        Tolerance of the verdicts (10 x the map's quadrature error + 1e-12 for a
        ScatteringMap, 1e-10 for a bare tensor, unless given).
    beta : float
        Inverse temperature of the detailed-balance and Gibbs tests.
    """

    trace_preserving: bool
    hermiticity_preserving: bool
    completely_positive: bool
    detailed_balance_holds: bool
    trace: float
    hermiticity: float
    choi_min_eigenvalue: float
    detailed_balance: float
    gibbs_defect: float
    coherence_generation: float
    tolerance: float
    beta: float

    @property
    def passed(self) -> bool:
        """All four laws hold: TP, Hermiticity preservation, CP and detailed balance."""
        return (self.trace_preserving and self.hermiticity_preserving
                and self.completely_positive and self.detailed_balance_holds)


def audit_map(scattering_map, energies=None, beta=None, *, tol=None,
              temperature=None) -> MapAudit:
    """Audit any map (ScatteringMap, tensor or QuTiP superoperator) against Tabanera-Bravo (2023).

    Parameters
    ----------
    scattering_map : ScatteringMap, ndarray (d, d, d, d) or (d*d, d*d), or qutip.Qobj
    energies : ndarray, shape (d,), optional
        Levels of H_S; a ScatteringMap carries its own (given ones must agree).
    beta : float, optional
        Inverse temperature of the detailed-balance test Eq. (2); a ScatteringMap carries its
        packet's (a different one is a ParameterError). Or give ``temperature=``.
    tol : float, optional
        Tolerance of the verdicts (> 0); default see `MapAudit.tolerance`.

    Returns
    -------
    MapAudit

    Examples
    --------
    >>> a = audit_map(np.eye(4), np.array([0.0, 1.0]), beta=1.0)
    >>> a.passed, a.trace, a.detailed_balance
    (True, 0.0, 0.0)
    >>> transpose = np.eye(4).reshape(2, 2, 2, 2).transpose(1, 0, 2, 3)  # rho -> rho^T
    >>> audit_map(transpose, np.array([0.0, 1.0]), beta=1.0).completely_positive
    False
    """
    own = isinstance(scattering_map, ScatteringMap)
    if own:
        if energies is not None:
            require_same_energies(energies, scattering_map.energies)
        energies = scattering_map.energies
        own_beta = scattering_map.beta
        if beta is not None or temperature is not None:
            b = _beta_of(beta, temperature)
            if not np.isclose(b, own_beta, rtol=1e-12, atol=0):
                raise ParameterError(
                    f"beta={b!r} differs from the map's packet beta={own_beta!r}; leave it out"
                )
        beta = own_beta
    else:
        if energies is None:
            raise ParameterError("energies are required for a bare map tensor")
        beta = _beta_of(beta, temperature)
    if tol is None:
        tol = 10 * scattering_map.error + 1e-12 if own else 1e-10
    tol = require_real("tol", tol)
    if not tol > 0:
        raise ParameterError(f"tol={tol!r} is outside the allowed range (0, inf)")
    s, e = map_tensor(scattering_map, energies)
    d = e.size
    trace = float(np.max(np.abs(np.einsum("aajk->jk", s) - np.eye(d))))
    herm = float(np.max(np.abs(s - s.transpose(1, 0, 3, 2).conj())))
    c = choi_matrix(s)
    choi_min = float(np.linalg.eigvalsh(0.5 * (c + c.conj().T))[0])
    w = np.einsum("aajj->aj", s).real  # W[j', j]
    flow = w * np.exp(-beta * (e - e[0]))[None, :]
    balance = float(np.max(np.abs(flow - flow.T)))
    gibbs = gibbs_state(e, beta)
    moved = np.einsum("abjk,jk->ab", s, gibbs)
    pops_to_coh = np.einsum("abjj->abj", s)[~np.eye(d, dtype=bool)]
    hp = herm <= tol
    return MapAudit(
        trace_preserving=trace <= tol, hermiticity_preserving=hp,
        completely_positive=bool(hp and choi_min >= -tol), detailed_balance_holds=balance <= tol,
        trace=trace, hermiticity=herm, choi_min_eigenvalue=choi_min, detailed_balance=balance,
        gibbs_defect=float(np.max(np.abs(moved - gibbs))),
        coherence_generation=float(np.max(np.abs(pops_to_coh))), tolerance=float(tol),
        beta=float(beta),
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
