"""Superoperators in the energy eigenbasis: Liouvillians, maps, steady states, evolution.

Convention (DESIGN.md): a superoperator tensor ``S[j1, k1, j, k]`` maps ``rho[j, k]`` to
``rho'[j1, k1]``; its matrix form ``S.reshape(d*d, d*d)`` acts on the row-major vector
``rho.ravel()``. QuTiP stacks columns instead; conversion happens only at the boundary, and
only when a ``qutip.Qobj`` is passed in (QuTiP is never imported otherwise).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.linalg import expm_multiply

from ._steady_state import (
    SINGULAR_RCOND,  # noqa: F401 (imported from here elsewhere)
    Direct,
    Propagate,
    SteadyState,
)
from ._superop_core import (
    _check_generator,
    _from_qobj,
    _is_qobj,
    _to_qobj_oper,
    _to_qobj_super,  # noqa: F401 (papers.core imports it from here)
    apply,
    commutator_superop,
    lindblad_dissipator,
    liouvillian,
    steady_state,
    to_matrix,
    to_tensor,
)
from .errors import ParameterError, require_finite, require_nonnegative, require_shape

__all__ = [
    "to_matrix",
    "to_tensor",
    "apply",
    "commutator_superop",
    "lindblad_dissipator",
    "liouvillian",
    "Direct",
    "Propagate",
    "SteadyState",
    "steady_state",
    "evolve",
    "full_dephasing",
    "choi_matrix",
    "is_completely_positive",
    "is_trace_preserving",
    "is_hermiticity_preserving",
    "detailed_balance_generator",
]


# --------------------------------------------------------------------------- evolution
def evolve(generator, rho0, times) -> np.ndarray:
    r"""Solution :math:`\rho(t) = e^{t\mathcal{L}}\rho_0` at all `times` at once.

    Parameters
    ----------
    generator : ndarray, shape (d*d, d*d) or (d, d, d, d), or QuTiP super Qobj
    rho0 : ndarray, shape (d, d), or Qobj
    times : array_like, shape (nt,)
        Any real times (need not be sorted or uniform).

    Returns
    -------
    ndarray, shape (nt, d, d), complex128
        (a list of Qobj if rho0 is a Qobj)

    Notes
    -----
    One eigendecomposition L = V diag(lambda) V^-1 serves every time. If V is
    ill-conditioned (cond > 1e8, i.e. L is close to non-diagonalisable and the eigenvector
    route would lose more than half the digits), the states are computed by
    ``scipy.sparse.linalg.expm_multiply`` between consecutive sorted times instead.

    Examples
    --------
    >>> sm = np.array([[0.0, 1.0], [0.0, 0.0]])
    >>> L = liouvillian(np.zeros((2, 2)), [sm], [1.0])
    >>> round(float(evolve(L, np.diag([0.0, 1.0]), [np.log(2)])[0, 1, 1].real), 12)
    0.5
    """
    q = _is_qobj(rho0)
    m, d = _check_generator(generator)
    if m.ndim != 2:
        raise ParameterError(f"evolve takes one generator, got batch shape {m.shape[:-2]}")
    r0 = _from_qobj(rho0) if q else np.asarray(rho0)
    require_shape("rho0", r0, f"({d}, {d})")
    require_finite("rho0", r0)
    t = np.atleast_1d(np.asarray(times, dtype=float))
    require_finite("times", t)
    lam, v = np.linalg.eig(m)
    cond = np.linalg.cond(v)
    if cond < 1e8:
        c = np.linalg.solve(v, r0.ravel().astype(complex))
        out = np.einsum("ik,tk->ti", v, np.exp(np.outer(t, lam)) * c)
    else:
        order = np.argsort(t)
        out = np.empty((t.size, d * d), dtype=complex)
        vec, t_prev = r0.ravel().astype(complex), 0.0
        for i in order:
            vec = expm_multiply(m * (t[i] - t_prev), vec)
            out[i], t_prev = vec, t[i]
    states = out.reshape(t.size, d, d)
    if q:
        return [_to_qobj_oper(s) for s in states]
    return states


# --------------------------------------------------------------------------- maps
def full_dephasing(energies, *, atol: float = 1e-12) -> np.ndarray:
    r"""Dephasing map in the energy eigenbasis (Eqs. (3)-(4) of Tabanera-Bravo et al. 2023).

    :math:`\mathcal{D}\rho = \lim_{T\to\infty} \frac1T\int_0^T e^{-iHt}\rho e^{iHt}dt`: keeps
    :math:`\rho_{jk}` where :math:`e_j = e_k` (within `atol`) and removes all other
    coherences.

    Parameters
    ----------
    energies : ndarray, shape (d,)

    Returns
    -------
    ndarray, shape (d, d, d, d), float64
        Tensor ``D[j1, k1, j, k]``.

    Examples
    --------
    >>> D = full_dephasing(np.array([0.0, 1.0]))
    >>> apply(D, np.full((2, 2), 0.5))
    array([[0.5, 0. ],
           [0. , 0.5]])
    """
    e = np.asarray(energies, dtype=float)
    if e.ndim != 1 or e.size == 0:
        raise ParameterError(f"energies must be a non-empty 1D array, got shape {e.shape}")
    require_finite("energies", e)
    d = e.size
    keep = np.abs(e[:, None] - e[None, :]) <= atol
    eye = np.eye(d)
    return np.einsum("aj,bk,jk->abjk", eye, eye, keep.astype(float))


def choi_matrix(superop) -> np.ndarray:
    r"""Choi matrix :math:`C = \sum_{jk} |j\rangle\langle k| \otimes \Phi(|j\rangle\langle k|)`.

    ``C[(j, j1), (k, k1)] = S[j1, k1, j, k]``; Phi is completely positive iff C >= 0.
    """
    s = to_tensor(superop)
    d = s.shape[-1]
    return s.transpose(2, 0, 3, 1).reshape(d * d, d * d)


def is_completely_positive(superop, *, atol: float = 1e-10) -> bool:
    """True if the Choi matrix is Hermitian with eigenvalues >= -atol (Choi's theorem).

    Examples
    --------
    >>> is_completely_positive(full_dephasing(np.array([0.0, 1.0])))
    True
    """
    c = choi_matrix(superop)
    if np.max(np.abs(c - c.conj().T)) > atol:
        return False
    return bool(np.linalg.eigvalsh(0.5 * (c + c.conj().T))[0] >= -atol)


def is_trace_preserving(superop, *, atol: float = 1e-10) -> bool:
    r"""True if :math:`\sum_{j_1} S[j_1, j_1, j, k] = \delta_{jk}` within `atol`.

    Examples
    --------
    >>> is_trace_preserving(full_dephasing(np.array([0.0, 1.0])))
    True
    """
    s = to_tensor(superop)
    d = s.shape[-1]
    return bool(np.max(np.abs(np.einsum("aajk->jk", s) - np.eye(d))) <= atol)


def is_hermiticity_preserving(superop, *, atol: float = 1e-10) -> bool:
    r"""True if :math:`S[j_1,k_1,j,k] = \overline{S[k_1,j_1,k,j]}` (maps Hermitian to Hermitian).

    Examples
    --------
    >>> is_hermiticity_preserving(np.eye(4))
    True
    """
    s = to_tensor(superop)
    return bool(np.max(np.abs(s - s.transpose(1, 0, 3, 2).conj())) <= atol)


def detailed_balance_generator(energies, beta: float, rates, *, hamiltonian: bool = True):
    r"""Davies-type generator of a non-degenerate d-level system obeying detailed balance.

    For every pair i < j (e_i < e_j) it adds the jump :math:`|i\rangle\langle j|` with rate
    :math:`\gamma_{ij}` (down) and :math:`|j\rangle\langle i|` with rate
    :math:`\gamma_{ij} e^{-\beta(e_j-e_i)}` (up), plus :math:`-i[H,\cdot]` with
    :math:`H=\mathrm{diag}(e)`. Its unique steady state is the Gibbs state at `beta`
    (detailed balance :math:`W_{j\leftarrow i}e^{-\beta e_i} = W_{i\leftarrow j}e^{-\beta e_j}`),
    the law every collisional model of the papers must reproduce in its thermal limit.

    Parameters
    ----------
    energies : ndarray, shape (d,)
        Sorted ascending, non-degenerate.
    beta : float
        Inverse temperature (finite).
    rates : ndarray, shape (d, d)
        Downward rates gamma_ij >= 0 read from the strict upper triangle (i < j).
    hamiltonian : bool
        Include the coherent part (default True).

    Returns
    -------
    ndarray, shape (d*d, d*d), complex128

    Examples
    --------
    >>> L = detailed_balance_generator(np.array([0.0, 1.0]), 1.0, np.ones((2, 2)))
    >>> np.round(steady_state(L).diagonal().real, 6)
    array([0.731059, 0.268941])
    """
    e = np.asarray(energies, dtype=float)
    if e.ndim != 1 or e.size < 1:
        raise ParameterError(f"energies must be a non-empty 1D array, got shape {e.shape}")
    require_finite("energies", e)
    if np.any(np.diff(e) <= 0):
        raise ParameterError(f"energies={e!r} must be sorted ascending and non-degenerate")
    require_finite("beta", beta)
    g = np.asarray(rates, dtype=float)
    d = e.size
    require_shape("rates", g, f"({d}, {d})")
    iu = np.triu_indices(d, 1)
    require_nonnegative("rates (upper triangle)", g[iu])
    ops, rs = [], []
    for i, j in zip(*iu):
        down = np.zeros((d, d))
        down[i, j] = 1.0
        ops += [down, down.T]
        rs += [g[i, j], g[i, j] * np.exp(-beta * (e[j] - e[i]))]
    h = np.diag(e) if hamiltonian else np.zeros((d, d))
    return liouvillian(h, ops, rs)
