"""Maps in the energy basis (full dephasing), the Choi matrix and the CP / TP / Hermiticity
tests (dense or sparse), and the detailed-balance (Davies-type) generator."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import (
    ParameterError,
    as_float_array,
    require_dense_size,
    require_finite,
    require_nonnegative,
    require_real,
    require_shape,
)
from ._build import liouvillian
from ._convert import _densify, apply, to_matrix, to_tensor  # noqa: F401 (apply: doctests)
from ._steady_state import steady_state  # noqa: F401 (doctests)

__all__ = [
    "full_dephasing",
    "choi_matrix",
    "is_completely_positive",
    "is_trace_preserving",
    "is_hermiticity_preserving",
    "detailed_balance_generator",
]


def _atol(atol) -> float:
    """A tolerance: a real number >= 0 (ParameterError naming `atol` otherwise)."""
    atol = require_real("atol", atol)
    if atol < 0:
        raise ParameterError(f"atol={atol!r} is outside the allowed range [0, inf)")
    return atol


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
    e = as_float_array("energies", energies)
    atol = _atol(atol)
    if e.ndim != 1 or e.size == 0:
        raise ParameterError(f"energies must be a non-empty 1D array, got shape {e.shape}")
    require_finite("energies", e)
    d = e.size
    require_dense_size("energies", (d, d, d, d), itemsize=8)
    keep = np.abs(e[:, None] - e[None, :]) <= atol
    eye = np.eye(d)
    return np.einsum("aj,bk,jk->abjk", eye, eye, keep.astype(float))


def choi_matrix(superop) -> np.ndarray:
    r"""Choi matrix :math:`C = \sum_{jk} |j\rangle\langle k| \otimes \Phi(|j\rangle\langle k|)`.

    ``C[(j, j1), (k, k1)] = S[j1, k1, j, k]``; Phi is completely positive iff C >= 0.
    """
    m = to_matrix(superop)
    d = int(round(np.sqrt(m.shape[-1])))
    if sp.issparse(m):  # the reshuffle is a permutation of the entries: O(nnz)
        c = m.tocoo()
        j1, k1 = np.divmod(c.row, d)
        j, k = np.divmod(c.col, d)
        return sp.csr_matrix((c.data, (j * d + j1, k * d + k1)), shape=m.shape)
    s = m.reshape(m.shape[:-2] + (d, d, d, d))
    nb = s.ndim - 4
    axes = tuple(range(nb)) + (nb + 2, nb, nb + 3, nb + 1)  # [j1, k1, j, k] -> [j, j1, k, k1]
    return s.transpose(axes).reshape(m.shape)


def is_completely_positive(superop, *, atol: float = 1e-10) -> bool:
    """True if the Choi matrix is Hermitian with eigenvalues >= -atol (Choi's theorem).

    Examples
    --------
    >>> is_completely_positive(full_dephasing(np.array([0.0, 1.0])))
    True
    """
    atol = _atol(atol)
    c = _densify("choi_matrix", choi_matrix(superop))
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
    atol = _atol(atol)
    m = to_matrix(superop)
    d = int(round(np.sqrt(m.shape[-1])))
    row = np.zeros(d * d)
    row[:: d + 1] = 1.0
    defect = np.asarray(row @ m) - row  # the trace row: sum_a S[a, a, j, k]
    return bool(np.max(np.abs(defect)) <= atol)


def is_hermiticity_preserving(superop, *, atol: float = 1e-10) -> bool:
    r"""True if :math:`S[j_1,k_1,j,k] = \overline{S[k_1,j_1,k,j]}` (maps Hermitian to Hermitian).

    Examples
    --------
    >>> is_hermiticity_preserving(np.eye(4))
    True
    """
    atol = _atol(atol)
    m = to_matrix(superop)
    d = int(round(np.sqrt(m.shape[-1])))
    j, k = np.divmod(np.arange(d * d), d)
    swap = k * d + j  # (j, k) -> (k, j)
    if sp.issparse(m):
        diff = m - m[swap][:, swap].conj()
        return bool(diff.nnz == 0 or abs(diff).max() <= atol)
    return bool(np.max(np.abs(m - m[..., swap, :][..., :, swap].conj())) <= atol)


def detailed_balance_generator(energies, beta: float | None = None, rates=None, *,
                               hamiltonian: bool = True, temperature: float | None = None):
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
    temperature : float, optional
        1/beta instead of `beta` (keyword only; never both).

    Returns
    -------
    ndarray, shape (d*d, d*d), complex128

    Examples
    --------
    >>> L = detailed_balance_generator(np.array([0.0, 1.0]), 1.0, np.ones((2, 2)))
    >>> np.round(steady_state(L).diagonal().real, 6)
    array([0.731059, 0.268941])
    """
    e = as_float_array("energies", energies)
    if e.ndim != 1 or e.size < 1:
        raise ParameterError(f"energies must be a non-empty 1D array, got shape {e.shape}")
    require_finite("energies", e)
    if np.any(np.diff(e) <= 0):
        raise ParameterError(f"energies={e!r} must be sorted ascending and non-degenerate")
    if beta is not None and temperature is not None:
        raise ParameterError(f"give beta={beta!r} or temperature={temperature!r}, not both")
    if temperature is not None:
        t = require_real("temperature", temperature)
        if not t > 0:
            raise ParameterError(f"temperature={t!r} is outside the allowed range (0, inf)")
        beta = 1.0 / t
    if beta is None or rates is None:
        raise ParameterError("detailed_balance_generator needs beta (or temperature=) and rates")
    beta = require_real("beta", beta)
    g = as_float_array("rates", rates)
    d = e.size
    require_shape("rates", g, f"({d}, {d})")
    require_dense_size("detailed_balance_generator", (d * d, d * d))
    iu = np.triu_indices(d, 1)
    require_nonnegative("rates (upper triangle)", g[iu])
    ops, rs = [], []
    for i, j in zip(*iu):
        down = np.zeros((d, d))
        down[i, j] = 1.0
        ops += [down, down.T]
        with np.errstate(over="ignore"):
            up = g[i, j] * np.exp(-beta * (e[j] - e[i]))
        if not np.isfinite(up):
            raise ParameterError(
                f"beta={beta!r}: the upward rate exp(-beta (e_j - e_i)) overflows for levels "
                f"{i}, {j}; use a smaller |beta| or rescale the energies"
            )
        rs += [g[i, j], up]
    h = np.diag(e) if hamiltonian else np.zeros((d, d))
    return liouvillian(h, ops, rs)
