"""Exact scaled cumulants of counted currents by Rayleigh-Schroedinger perturbation theory."""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np
import scipy.sparse as sp

from ..errors import ParameterError, as_float_array, require_int
from .model import CountingModel

__all__ = ["ScaledCumulants", "scaled_cumulants"]


@dataclass(frozen=True)
class ScaledCumulants:
    r"""Scaled cumulants :math:`\kappa_n = \lim_{t\to\infty}\langle\langle Q^n\rangle\rangle/t`.

    Attributes
    ----------
    names : tuple of str
        Counted quantities.
    cumulants : ndarray, shape (n_fields, order)
        ``cumulants[a, n-1]`` = kappa_n of quantity a: current (n=1), noise (n=2), ...
    covariance : ndarray, shape (n_fields, n_fields)
        Joint second scaled cumulants (diagonal = noise).
    """

    names: tuple
    cumulants: np.ndarray
    covariance: np.ndarray

    @property
    def currents(self) -> np.ndarray:
        """kappa_1 per quantity, shape (n_fields,)."""
        return self.cumulants[:, 0]

    @property
    def noise(self) -> np.ndarray:
        """kappa_2 per quantity, shape (n_fields,)."""
        return self.cumulants[:, 1]

    def tur_residual(self, entropy_production_rate: float) -> np.ndarray:
        r"""TUR (Barato-Seifert 2015): :math:`\kappa_2/\kappa_1^2 - 2/\dot\sigma \ge 0`, per
        quantity."""
        return self.noise / self.currents**2 - 2.0 / entropy_production_rate


def _jump_images(model: CountingModel, v: np.ndarray) -> np.ndarray:
    """(J_k v)_k for every jump superoperator, shape (n_jumps, d*d): one stacked sparse matvec."""
    if "stack" not in model._cache:
        jumps = model._superops()[1]
        n = model.dimension**2
        model._cache["stack"] = sp.vstack(jumps, format="csr") if jumps else sp.csr_matrix((0, n))
    return (model._cache["stack"] @ v).reshape(len(model.jump_ops), -1)


def _marginal_cumulants(model: CountingModel, q: np.ndarray, order: int) -> np.ndarray:
    """Rayleigh-Schroedinger recursion for the dominant eigenvalue of
    L(s) = L0 + sum_k (e^{s q_k} - 1) J_k."""
    _, tr, rho0 = model._factor()
    lam, rhos, images = [], [rho0], [_jump_images(model, rho0)]
    for n in range(1, order + 1):
        # <1|L^(m)|rho^(n-m)> with L^(m) = sum_k q_k^m J_k (the m-th s-derivative at s = 0)
        val = sum(comb(n, m) * (q**m @ (images[n - m] @ tr)) for m in range(1, n + 1))
        lam.append(val)
        if n < order:
            rhs = sum(
                comb(n, m) * (lam[m - 1] * rhos[n - m] - q**m @ images[n - m])
                for m in range(1, n + 1)
            )
            rhos.append(model._drazin(rhs))
            images.append(_jump_images(model, rhos[-1]))
    return np.real(np.array(lam))


def scaled_cumulants(model: CountingModel, order: int = 4, *, weights=None) -> ScaledCumulants:
    r"""Scaled cumulants of every counted quantity, exactly, by perturbation theory.

    :math:`\kappa_n = \partial_s^n\lambda(s)|_0`, with :math:`\lambda(s)` the dominant
    eigenvalue of :math:`\mathcal L(s) = \mathcal L_0 + \sum_k (e^{sq_k}-1)\mathcal J_k`,
    from the Rayleigh-Schroedinger recursion of Flindt et al., PRB 82, 155407 (2010):
    :math:`\kappa_n = \sum_{m=1}^n\binom nm\langle 1|\mathcal L^{(m)}|\rho^{(n-m)}\rangle`,
    :math:`\rho^{(n)} = \mathcal R\sum_{m=1}^n\binom nm(\kappa_m-\mathcal L^{(m)})\rho^{(n-m)}`,
    :math:`\mathcal L^{(m)} = \sum_k q_k^m\mathcal J_k`, :math:`\mathcal R` the Drazin
    inverse of :math:`\mathcal L_0`.

    Parameters
    ----------
    model : CountingModel
    order : int
        Highest cumulant (1..8).
    weights : array_like, shape (n_fields,), optional
        Count the combination sum_a w_a Q_a as one extra quantity (appended, named "weighted").

    Returns
    -------
    ScaledCumulants

    Notes
    -----
    :math:`\mathcal R y` is the solution x of :math:`\mathcal L_0 x = y`,
    :math:`\langle1|x\rangle=0`
    (y in the range of L0), read off the bordered system
    :math:`[[\mathcal L_0, c],[\langle1|, 0]]`, c = vec(1)/d, which is non-singular exactly
    when the steady state is unique; one sparse LU serves the steady state and every order.
    """
    if not isinstance(model, CountingModel):
        raise ParameterError(f"model must be a CountingModel, got {type(model).__name__}")
    order = require_int("order", order, low=1, high=8)
    q = model.quanta
    names = model.names
    if weights is not None:
        w = as_float_array("weights", weights, ndim=1)
        if w.size != len(names):
            raise ParameterError(
                f"weights must have {len(names)} entries (one per {names}), got {w.size}"
            )
        q = np.vstack([q, w @ q])
        names = names + ("weighted",)
    cum = np.array([_marginal_cumulants(model, row, order) for row in q])
    # joint second cumulants: <1|L_ab rho> - <1|L_a R L_b rho> - <1|L_b R L_a rho>
    _, tr, rho0 = model._factor()
    flux = _jump_images(model, rho0) @ tr  # (n_jumps,) jump rates in the steady state
    resp = [model._drazin(row @ _jump_images(model, rho0)) for row in q]
    resp_out = [_jump_images(model, r) @ tr for r in resp]  # <1|J_k R L_b rho>
    cov = np.empty((len(q), len(q)))
    for a in range(len(q)):
        for b in range(a, len(q)):
            v = (q[a] * q[b]) @ flux - q[a] @ resp_out[b] - q[b] @ resp_out[a]
            cov[a, b] = cov[b, a] = np.real(v)
    return ScaledCumulants(names=names, cumulants=cum, covariance=cov)
