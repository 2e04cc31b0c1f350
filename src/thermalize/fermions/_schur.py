r"""Two-point FCS determinants of many counting fields: Schur complement of the diagonal block.

With n_RR = diag(occ) on the m counted modes and d = e^{ia} - 1,
:math:`\det[1_{2m} + (d\oplus d)Y] = \det A\,\det[1_m + d(S - X)]`, :math:`A = 1 + (1-n)d`,
:math:`X = u_{RR}\,\mathrm{diag}(n(1-n)d/A)\,u_{RR}^\dagger` (docs/physics.md, "Counting
statistics of finite fermion baths"); X comes from :class:`._cauchy.StructuredGram` when the
counted modes couple through hub modes, else from a dense product.
"""

from __future__ import annotations

import numpy as np

#: Diagonal pivots A_j = 1 + (1 - n_j) d_j smaller than this stay in the bordered matrix
#: instead of being eliminated: the Schur update then grows entries by at most 1/PIVOT_MIN.
PIVOT_MIN = 0.25


def occupation_basis(n_rr: np.ndarray, groups) -> tuple[np.ndarray | None, np.ndarray]:
    """Basis of the counted modes where n_RR is diagonal, block-diagonal on degenerate groups.

    The commutation check allows coherences only between degenerate local levels of one part
    (others are rounding, <= COMMUTATOR_ATOL, and are dropped), so the eigenvectors are taken
    group by group: the basis change q (None for the identity) commutes with every counting field.
    """
    occ = np.diag(n_rr).real.copy()
    q = None
    for g in groups:
        blk = n_rr[np.ix_(g, g)]
        if np.count_nonzero(blk - np.diag(np.diag(blk))):
            w, z = np.linalg.eigh(0.5 * (blk + blk.conj().T))
            q = np.eye(n_rr.shape[0], dtype=complex) if q is None else q
            q[np.ix_(g, g)] = z
            occ[g] = w
    return q, np.clip(occ, 0.0, 1.0)


def schur_characteristic(expo, occ, u, s, gram, cols) -> np.ndarray:
    r"""G for field points expo (F, m): Schur complement of the diagonal block, m x m LU each.

    With :math:`A = 1 + (1-n)d` (diagonal), :math:`\gamma = n(1-n)d/A` and
    :math:`X = u_{RR}\gamma u_{RR}^\dagger`: :math:`\det[1 + (d\oplus d)Y] =
    \det A\,\det[1 + d(S - X)]`. Modes with :math:`|A_j| <` :data:`PIVOT_MIN` are not
    eliminated (they border the m x m matrix), which bounds the growth by 1/PIVOT_MIN.

    Parameters
    ----------
    expo : ndarray, shape (F, m)
        Counting-field exponents a_k of every field point (complex allowed).
    occ : ndarray, shape (m,)
        Occupations of the counted modes (n_RR = diag(occ) in this basis).
    u, s : ndarray, shape (m, m)
        u_RR and S = (u n u^dagger)_RR in the same basis.
    gram : StructuredGram or None
        Cauchy-like X for every field; None: dense product per field.
    cols : (ndarray, ndarray) or None
        Non-hub and hub columns of u_RR (the split `gram` was built with).

    Returns
    -------
    ndarray, complex, shape (F,)
    """
    m = occ.size
    d = np.expm1(1j * expo)
    a = 1.0 + (1.0 - occ) * d
    bad = np.abs(a) < PIVOT_MIN
    gamma = np.where(bad, 0.0, occ * (1.0 - occ) * d / np.where(bad, 1.0, a))
    chunk = max(1, min(expo.shape[0], 2**22 // max(1, m * m)))
    if gram is not None:
        j, hj = cols
        blocks = gram.blocks(gamma[:, j], gamma[:, hj], chunk)
    else:
        blocks = ((j, min(j + chunk, len(gamma)),
                   (u[None] * gamma[j : j + chunk, None, :]) @ u.conj().T)
                  for j in range(0, len(gamma), chunk))
    out = np.empty(expo.shape[0], complex)
    ar = np.arange(m)
    for j0, j1, x in blocks:
        x -= s
        x *= -d[j0:j1, :, None]
        x[:, ar, ar] += 1.0
        t22 = x
        sign, logdet = np.linalg.slogdet(t22)
        for i in np.flatnonzero(bad[j0:j1].any(axis=1)):  # bordered: rare
            j, b = j0 + i, np.flatnonzero(bad[j0 + i])
            top = (d[j, b] * occ[b])[:, None] * u[:, b].conj().T
            left = d[j][:, None] * u[:, b] * (1.0 - occ[b])
            bordered = np.block([[np.diag(a[j, b]), top], [left, t22[i]]])
            sign[i], logdet[i] = np.linalg.slogdet(bordered)
        good = np.where(bad[j0:j1], 1.0, a[j0:j1])
        out[j0:j1] = sign * np.exp(logdet + np.log(good).sum(axis=1) - 1j * expo[j0:j1].sum(axis=1))
    return out
