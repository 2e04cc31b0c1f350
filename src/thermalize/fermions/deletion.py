"""Spectrum of a Hermitian matrix with m rows and columns deleted, by m secular equations."""

from __future__ import annotations

import numpy as np

from ..errors import ConvergenceError, ParameterError, as_float_array
from .entropy import _CHUNK, SecularEquation, _secular_roots, deletion_spectrum

__all__ = ["multi_deletion_spectrum"]


def multi_deletion_spectrum(
    eigenvalues, amplitudes, *, method: SecularEquation | None = None
) -> np.ndarray:
    r"""Eigenvalues of a Hermitian matrix with m rows and columns deleted, from its spectrum.

    If :math:`A = \Phi\,\mathrm{diag}(\lambda)\,\Phi^\dagger` (n x n) and ``amplitudes`` are
    the rows :math:`\Phi_{D}` (m x n) of the deleted indices D, the n - m eigenvalues of the
    remaining block follow from m successive one-row deletions (a rank-m problem solved as m
    rank-1 steps). Each step solves the secular equation of :func:`deletion_spectrum`, whose
    roots Cauchy interlacing brackets, and carries the remaining rows into the eigenbasis of
    the smaller matrix: the eigenvector of root :math:`\mu` is
    :math:`x_j \propto \bar\Phi_{dj}/(\lambda_j - \mu)` (because :math:`(A-\mu)^{-1}e_d` has
    zero component on d exactly at a root), and a degenerate group of poles keeps its
    eigenvectors orthogonal to the deleted row (an SVD inside the group). Eigenvectors with
    no weight on any remaining row are set aside (their eigenvalue is final). Cost
    O(m n^2) instead of eigvalsh's O((n - m)^3); used by :func:`entropy_production` for the
    joint-bath entropy :math:`S_B` of an m-mode system (Usui et al. 2024, Eq. 21).

    Parameters
    ----------
    eigenvalues : ndarray, shape (n,)
        Spectrum of A (any order).
    amplitudes : ndarray, shape (m, n), complex or real
        Rows :math:`\Phi_{D}` of the orthonormal eigenvectors on the deleted indices
        (``amplitudes[i, j]`` = component of eigenvector j on deleted index i).
    method : SecularEquation, optional
        Tolerances (default ``SecularEquation()``).

    Returns
    -------
    ndarray, shape (n - m,), ascending

    Raises
    ------
    ConvergenceError
        If a root fails to converge in ``method.max_iter`` iterations.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=(6, 6)); a = a + a.T
    >>> lam, phi = np.linalg.eigh(a)
    >>> mu = multi_deletion_spectrum(lam, phi[[0, 3]])
    >>> keep = [1, 2, 4, 5]
    >>> bool(np.allclose(mu, np.linalg.eigvalsh(a[np.ix_(keep, keep)]), atol=1e-12))
    True
    """
    method = SecularEquation() if method is None else method
    if not isinstance(method, SecularEquation):
        raise ParameterError(f"method must be SecularEquation(...), got {method!r}")
    lam = as_float_array("eigenvalues", eigenvalues, ndim=1)
    try:
        rows = np.atleast_2d(np.asarray(amplitudes, dtype=complex))
    except (TypeError, ValueError):
        raise ParameterError("amplitudes must be a numeric (m, n) array") from None
    if rows.ndim != 2 or rows.shape[1] != lam.size or not 1 <= rows.shape[0] < lam.size:
        raise ParameterError(
            f"amplitudes must have shape (m, {lam.size}) with 1 <= m < {lam.size}, "
            f"got {rows.shape}"
        )
    if not np.all(np.isfinite(rows)):
        raise ParameterError("amplitudes contain NaN or inf")
    order = np.argsort(lam, kind="stable")
    lam, rows = lam[order], rows[:, order]
    final: list[np.ndarray] = []
    while rows.shape[0] > 1:
        lam, rows, frozen = _delete_first_row(lam, rows, method)
        final.append(frozen)
    if lam.size == 0:
        raise ConvergenceError("multi_deletion_spectrum: no weight left on the last deleted row")
    final.append(deletion_spectrum(lam, np.abs(rows[0]) ** 2, method=method))
    return np.sort(np.concatenate(final))


def _delete_first_row(lam: np.ndarray, rows: np.ndarray, method: SecularEquation):
    """One deletion: (eigenvalues, remaining rows in the new eigenbasis, final eigenvalues)."""
    tol = method.deflation_tol
    r0, rest = rows[0], rows[1:]
    w = np.abs(r0) ** 2
    edge = np.minimum(np.abs(lam), np.abs(1.0 - lam))
    # merge poles closer than tol relative to the nearer end of [0, 1] (as deletion_spectrum)
    # or than a few ulps of the spectrum's scale: their eigenvectors are not resolved apart
    ulps = 8 * np.finfo(float).eps * max(1.0, float(np.abs(lam).max()))
    gap = np.maximum(tol * np.minimum(edge[1:], 1.0), ulps)
    new_group = np.concatenate([[True], np.diff(lam) > gap])
    gid = np.cumsum(new_group) - 1
    starts = np.flatnonzero(new_group)
    stops = np.append(starts[1:], lam.size)
    g_lam = lam[new_group]
    g_w = np.bincount(gid, weights=w)
    live = g_w > tol * tol
    mix = rest * r0.conj()  # (m-1, p): rest_rj conj(r0_j)
    coef = np.stack(
        [np.bincount(gid, x.real) + 1j * np.bincount(gid, x.imag) for x in mix]
    )
    new_lam: list[np.ndarray] = []
    new_cols: list[np.ndarray] = []
    frozen: list[np.ndarray] = []
    # roots of the secular equation and the remaining rows on their eigenvectors
    poles, pw = g_lam[live], g_w[live]
    origin, tau = _secular_roots(poles, pw / pw.sum(), method.max_iter, vectors=True)
    # Gu-Eisenstat: weights for which the computed roots are exact (Loewner), so that the
    # eigenvectors built from them are orthogonal even for roots very close to a pole
    w_hat = _loewner_weights(poles, origin, tau) if origin.size else pw / pw.sum()
    c_live = coef[:, live] / np.sqrt(pw) * np.sqrt(w_hat)  # rest . unit(conj r0_g), rescaled
    for s in range(0, origin.size, _CHUNK):
        diff = (poles[None, :] - origin[s : s + _CHUNK, None]) - tau[s : s + _CHUNK, None]
        # a root on a pole to rounding: its eigenvector is that pole's (limit of the formula)
        inv = 1.0 / np.where(diff == 0.0, 1e-300, diff)
        inv /= np.abs(inv).max(axis=1, keepdims=True)  # scale rows: no overflow in inv**2
        norm = np.sqrt((inv * inv) @ w_hat)
        new_lam.append(origin[s : s + _CHUNK] + tau[s : s + _CHUNK])
        new_cols.append((c_live @ inv.T) / norm)
    # groups: a deflated group keeps its eigenvectors; a live degenerate group keeps the
    # eigenvectors orthogonal to the deleted row (those with weight on other rows via an SVD)
    for g in np.flatnonzero((stops - starts > 1) | ~live):
        j = slice(starts[g], stops[g])
        size = stops[g] - starts[g]
        if not live[g]:
            new_lam.append(np.full(size, g_lam[g]))
            new_cols.append(rest[:, j])
            continue
        a = r0[j].conj() / np.sqrt(g_w[g])
        b = rest[:, j].conj().T  # (size, m-1): amplitude of row r on x is b_r^H x
        b = b - np.outer(a, a.conj() @ b)
        _, sv, vh = np.linalg.svd(b, full_matrices=False)
        keep = sv > tol * max(1.0, float(sv.max(initial=0.0)))
        k = int(np.count_nonzero(keep))
        new_lam.append(np.full(k, g_lam[g]))
        new_cols.append((sv[keep, None] * vh[keep]).conj().T)  # b_r^H u_k = s_k conj(vh_kr)
        frozen.append(np.full(size - 1 - k, g_lam[g]))
    lam_new = np.concatenate(new_lam) if new_lam else np.zeros(0)
    cols = np.concatenate(new_cols, axis=1) if new_cols else np.zeros((len(rest), 0))
    weight = np.sum(np.abs(cols) ** 2, axis=0)
    dead = weight <= tol * tol
    frozen.append(lam_new[dead])
    lam_new, cols = lam_new[~dead], cols[:, ~dead]
    order = np.argsort(lam_new, kind="stable")
    return lam_new[order], cols[:, order], np.concatenate(frozen)


def _loewner_weights(poles: np.ndarray, origin: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """w_j = prod_i (mu_i - d_j) / prod_{k != j} (d_k - d_j): the weights (summing to 1) whose
    secular equation sum_j w_j / (d_j - mu) has exactly the computed roots mu_i; products in
    logs (no overflow), differences mu_i - d_j = tau_i - (d_j - origin_i) without cancellation."""
    p = poles.size
    log_w = np.zeros(p)
    for s in range(0, p, _CHUNK):
        cols = slice(s, s + _CHUNK)
        d_root = tau[:, None] - (poles[None, cols] - origin[:, None])  # (p - 1, chunk)
        d_pole = poles[:, None] - poles[None, cols]  # (p, chunk), zero on the diagonal
        np.fill_diagonal(d_pole[s:], 1.0)
        log_w[cols] = np.log(np.abs(d_root)).sum(axis=0) - np.log(np.abs(d_pole)).sum(axis=0)
    w = np.exp(log_w - log_w.max())
    return w / w.sum()
