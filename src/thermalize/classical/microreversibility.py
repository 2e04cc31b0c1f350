"""Micro-reversibility of a scatterer's collision rule, Eq. (17) (and A.6) of Ehrich et al. 2020.

`thermalize.classical.scatterer` re-exports both names.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import (
    ParameterError,
    as_float_array,
    require_dense_size,
    require_positive,
    require_real,
)

__all__ = ["MicroreversibilityReport", "check_microreversibility"]


@dataclass(frozen=True)
class MicroreversibilityReport:
    """Result of `check_microreversibility`.

    Attributes
    ----------
    transmission_violation, reflection_violation : ndarray, shape (n, n)
        max over the tested total energies of |p(s'|E - eps_s, s) - p(s|E - eps_s', s')|,
        per channel (Eq. 17; reflection: Eq. A.6 for a symmetric scatterer).
    total_energies : ndarray, shape (m,)
        The total energies E = eps_s + K tested.
    tolerance : float
    """

    transmission_violation: np.ndarray
    reflection_violation: np.ndarray
    total_energies: np.ndarray
    tolerance: float

    @property
    def holds(self) -> bool:
        """True if no pair violates Eq. (17) by more than `tolerance`."""
        return not self.violating_pairs()

    def violating_pairs(self) -> list[tuple[int, int, str, float]]:
        """(s, s', channel, violation) for every pair s < s' above tolerance."""
        out = []
        for name, v in (
            ("transmission", self.transmission_violation),
            ("reflection", self.reflection_violation),
        ):
            for s, sp in zip(*np.nonzero(np.triu(v > self.tolerance, 1))):
                out.append((int(s), int(sp), name, float(v[s, sp])))
        return out


def check_microreversibility(
    scatterer: DiscreteScatterer, *, total_energies=None, tolerance: float = 1e-10
) -> MicroreversibilityReport:
    r"""Test Eq. (17), :math:`p(s'|v,s) = p(s|v_{s'},s')`, for every pair of levels.

    At fixed total energy E the forward collision starts with K = E - eps_s and the reverse
    one with K' = E - eps_s' (that is v_s' of Eq. 17), so Eq. (17) says the matrix
    P(E)[s, s'] = p(s'|E - eps_s, s) is symmetric on the levels open at E. The reflected
    channel is tested the same way (Eq. A.6 for a left-right symmetric scatterer).

    Parameters
    ----------
    scatterer : DiscreteScatterer
    total_energies : array_like, optional
        Energies E to test; default: 25 points log-spaced from 1e-6 to 10 (times the level
        spread, at least 1) above every level, which also probes just above each threshold.
    tolerance : float
        Largest |difference| accepted (default 1e-10: rules given by formulas agree to
        rounding).

    Returns
    -------
    MicroreversibilityReport

    Examples
    --------
    >>> from thermalize.classical import DiscreteScatterer
    >>> rep = check_microreversibility(DiscreteScatterer.example())
    >>> rep.holds
    True
    """
    from .scatterer import DiscreteScatterer

    if not isinstance(scatterer, DiscreteScatterer):
        raise ParameterError(
            f"scatterer must be a DiscreteScatterer, got {type(scatterer).__name__}"
        )
    require_real("tolerance", tolerance)
    require_positive("tolerance", tolerance)
    lv = scatterer.levels
    n = lv.size
    if total_energies is None:
        spread = max(float(lv[-1] - lv[0]), 1.0)
        x = spread * np.geomspace(1e-6, 10.0, 25)
        total_energies = np.unique((lv[:, None] + x[None, :]).ravel())
    e = as_float_array("total_energies", total_energies, ndim=1)
    m = e.size
    if m == 0:
        raise ParameterError("total_energies must contain at least one energy")
    require_dense_size("total_energies", (3, n, m, n), itemsize=8)  # the (n, m, n) tables
    ss, ee = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
    ok = e[ee] >= lv[ss]
    kin = (e[ee] - lv[ss])[ok]
    trans, refl = scatterer.channels(kin, ss[ok])
    viol = []
    for ch in (trans, refl):
        p = np.full((n, m, n), np.nan)
        p[ok] = ch
        # both directions exist iff E >= max(eps_s, eps_s'); compare P[s, E, s'] with P[s', E, s]
        d = np.abs(p - np.transpose(p, (2, 1, 0)))
        viol.append(np.nan_to_num(np.nanmax(np.where(np.isnan(d), -np.inf, d), axis=1), neginf=0.0))
    return MicroreversibilityReport(viol[0], viol[1], e, float(tolerance))
