r"""Exchange fluctuation theorem for the two-point statistics of finite fermion baths (issue 19).

:math:`p_F(\Delta E, \Delta N)/p_B(-\Delta E, -\Delta N) = e^{\sum_p\beta_p(\Delta E_p - \mu_p\Delta N_p)}`
checked in generating-function form with :class:`~thermalize.fermions.transfer.TransferStatistics`;
derivation and exact conditions in docs/physics.md ("Counting statistics of finite fermion baths").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .._qutip import to_array
from ..errors import ParameterError, as_float_array, require_real
from .model import SYSTEM, QuadraticModel, require_model
from .transfer import COMMUTATOR_ATOL, TransferStatistics, _fields, _local_frame

__all__ = ["ExchangeFluctuationCheck", "exchange_fluctuation_check"]


@dataclass(frozen=True)
class ExchangeFluctuationCheck:
    r"""Exchange fluctuation theorem in generating-function form, at chosen counting fields.

    Attributes
    ----------
    forward : ndarray
        :math:`G_F(\lambda, \xi)`.
    reversed_shifted : ndarray
        :math:`G_B(-\lambda - i\beta\mu, -\xi + i\beta)` of the time-reversed process.
    residual : float
        Largest modulus of ``forward - reversed_shifted``.
    tolerance : float
    """

    forward: np.ndarray
    reversed_shifted: np.ndarray
    residual: float
    tolerance: float

    @property
    def holds(self) -> bool:
        """True if the residual is within tolerance."""
        return bool(self.residual <= self.tolerance)


def exchange_fluctuation_check(
    model: QuadraticModel,
    c0,
    time,
    *,
    beta: Mapping | None = None,
    mu: Mapping,
    particle_fields: Mapping,
    energy_fields: Mapping,
    tolerance: float = 1e-9,
    temperature: Mapping | None = None,
) -> ExchangeFluctuationCheck:
    r"""Check :math:`p_F(\Delta E, \Delta N)/p_B(-\Delta E, -\Delta N) = e^{\sum_p\beta_p(\Delta E_p - \mu_p\Delta N_p)}`.

    Exchange fluctuation theorem (Jarzynski-Wojcik 2004, with particles: Andrieux et al. 2009)
    for the two-point measurement of the charges of every part listed in ``beta``. Exact
    conditions (checked; derivation in docs/physics.md): the initial state is
    :math:`\rho = \bigotimes_p e^{-\beta_p(\hat H_p - \mu_p\hat N_p)}/Z_p` for the counted parts and
    the maximally mixed state (occupations 1/2, no coherence) for every part not counted; the
    reversed process evolves with :math:`h^*` (the same h when h is real). No weak-coupling
    assumption: the interaction energy is not measured and need not be small. In terms of
    generating functions the theorem is :math:`G_F(\lambda, \xi) = G_B(-\lambda - i\beta\mu,
    -\xi + i\beta)`, checked here at the given fields.

    Parameters
    ----------
    model : QuadraticModel
    c0 : ndarray, shape (n, n)
    time : float
    beta, mu : mapping part -> float
        (``temperature=`` mapping part -> T > 0 instead of `beta`; never both)
        Finite inverse temperatures and chemical potentials of the counted parts.
    particle_fields, energy_fields : mapping part -> array_like
        Real counting fields at which the identity is tested.
    tolerance : float

    Returns
    -------
    ExchangeFluctuationCheck

    Raises
    ------
    ParameterError
        If c0 is not of the required product grand-canonical form for these beta, mu.
    """
    require_model(model)
    if beta is not None and temperature is not None:
        raise ParameterError("give beta= or temperature= (mappings part -> value), not both")
    if temperature is not None:
        if not isinstance(temperature, Mapping):
            raise ParameterError("temperature must be a mapping part -> T")
        beta = {}
        for p, t in temperature.items():
            t = require_real(f"temperature[{p!r}]", t)
            if not t > 0:
                raise ParameterError(
                    f"temperature[{p!r}]={t!r} is outside the allowed range (0, inf)"
                )
            beta[p] = 1.0 / t
    if not isinstance(beta, Mapping) or not isinstance(mu, Mapping) or set(beta) != set(mu):
        raise ParameterError("beta and mu must be mappings with the same part labels")
    parts = tuple(beta)
    betas = {p: require_real(f"beta[{p!r}]", beta[p]) for p in parts}
    mus = {p: require_real(f"mu[{p!r}]", mu[p]) for p in parts}
    c0 = to_array(c0)  # a Qobj is read at the boundary
    _, _, n = _local_frame(model, c0)
    for label in (SYSTEM, *model.bath_labels):
        idx = model.modes(label)
        blk = n[np.ix_(idx, idx)]
        if label in betas:
            x = np.clip(betas[label] * (model.levels(label) - mus[label]), -700, 700)
            target = 1.0 / (np.exp(x) + 1.0)
            why = f"the grand-canonical state beta={betas[label]}, mu={mus[label]}"
        else:
            target = np.full(idx.size, 0.5)
            why = "the maximally mixed state (occupations 1/2), as it is not counted"
        off = n.copy()
        off[np.ix_(idx, idx)] = 0.0
        err = max(
            float(np.abs(blk - np.diag(target)).max()),
            float(np.abs(off[idx]).max()) if off.shape[1] else 0.0,
        )
        if err > COMMUTATOR_ATOL:
            raise ParameterError(
                f"c0 does not satisfy the exchange fluctuation theorem's condition on part "
                f"{label!r}: it must be {why} with no coherences (max deviation {err:.3g})"
            )
    fwd = TransferStatistics(model, c0, time, parts)
    rev_model = QuadraticModel(model.single_particle_hamiltonian.conj(), model.partition)
    bwd = TransferStatistics(rev_model, np.asarray(c0).conj(), time, parts)
    lam = _fields("particle_fields", particle_fields, parts)
    xi = _fields("energy_fields", energy_fields, parts)
    g_f = fwd.characteristic_function(lam, xi)
    lam_b = {p: -lam.get(p, 0.0) - 1j * betas[p] * mus[p] for p in parts}
    xi_b = {p: -xi.get(p, 0.0) + 1j * betas[p] for p in parts}
    g_b = bwd.characteristic_function(lam_b, xi_b)
    tol = float(as_float_array("tolerance", tolerance))
    return ExchangeFluctuationCheck(g_f, g_b, float(np.max(np.abs(g_f - g_b))), tol)
