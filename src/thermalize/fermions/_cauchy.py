r"""Cauchy-like (displacement) structure of blocks of :math:`u = e^{-iht}` for star couplings.

In the local basis :math:`h = \epsilon + c` with :math:`\epsilon` diagonal (every part's block
is diagonal there) and :math:`c` the couplings between parts. If every coupling touches one of a
few *hub* modes :math:`\Sigma` (the system modes of a dot coupled to baths), :math:`[h, u] = 0`
gives, for modes k, l outside the hubs,

.. math:: (\epsilon_k - \epsilon_l)\, u_{kl} = [u c - c u]_{kl}
          = \sum_{i\in\Sigma} (u_{ki} c_{il} - c_{ki} u_{il}),

so an off-diagonal entry is a rank-2|Sigma| expression divided by a level gap. The same holds for
:math:`X = u_{RR}\,\mathrm{diag}(\gamma)\,u_{RR}^\dagger` (two-point FCS) and for
:math:`u\,n\,u^\dagger` with a diagonal n (the bath block of :math:`\mathcal C(t)`): a K x K block
costs O(|Sigma| K^2) instead of a K x K x K (or K x n x n) product. Entries whose level gap is
below :data:`GAP_RTOL` (and the diagonal) are summed directly. Derivation: docs/physics.md,
"Counting statistics of finite fermion baths".
"""

from __future__ import annotations

import numpy as np

#: Pairs with |eps_k - eps_l| <= GAP_RTOL * max(1, max|h|) are summed directly: the Cauchy form
#: divides a sum of O(|c| |u|) terms, each carrying a rounding error ~eps, by the gap, so its
#: absolute error is ~eps * |c| / gap (<= 1e-12 at this threshold, ~1e-15 for the SET spacing).
GAP_RTOL = 1e-4
#: At most this many hubs (and at most a quarter of the rows): beyond that the rank-4|Sigma|
#: generators cost about as much as the dense product.
MAX_HUBS = 8


def local_couplings(model) -> tuple[np.ndarray, np.ndarray]:
    """(levels eps of all modes, inter-part couplings c) in the model's local basis."""
    h = model.single_particle_hamiltonian
    if not model.is_locally_diagonal:
        t = model.local_basis[0]
        h = t.conj().T @ h @ t
    eps = np.diag(h).real.copy()
    c = np.array(h, copy=True)
    for idx in model.partition.values():  # blocks are diagonal in the local basis by definition
        ix = np.asarray(idx)
        c[np.ix_(ix, ix)] = 0.0
    return eps, c


def few_close_pairs(a: np.ndarray, b: np.ndarray, scale: float) -> bool:
    """True if at most 8 max(len(a), len(b)) level pairs are within the gap threshold.

    Close pairs are summed directly (O(n) each); a bath of many degenerate levels would make
    that as slow as the dense product and its pair tables large, so the callers fall back.
    """
    close = np.abs(a[:, None] - b[None, :]) <= GAP_RTOL * max(1.0, scale)
    return int(np.count_nonzero(close)) <= 8 * max(a.size, b.size)


def hubs(c: np.ndarray, rows: np.ndarray) -> np.ndarray | None:
    """Greedy vertex cover of the couplings that touch `rows`, or None if it is not small."""
    touch = np.zeros(c.shape[0], bool)
    touch[rows] = True
    edges = c != 0
    edges[np.ix_(~touch, ~touch)] = False
    out = []
    limit = min(MAX_HUBS, max(2, rows.size // 4))
    while True:
        deg = edges.sum(axis=1)
        v = int(np.argmax(deg))
        if deg[v] == 0:
            return np.array(out, dtype=int)
        if len(out) == limit:
            return None
        out.append(v)
        edges[v, :] = False
        edges[:, v] = False


def structured_rows(v, ph, rows, eps, c, hub, scale) -> np.ndarray:
    r"""Rows ``rows`` of :math:`u = V e^{-iEt} V^\dagger` (local basis), (K, n), in O(K n |Sigma|).

    ``v`` eigenvectors in the local basis, ``ph`` the phases :math:`e^{-iE_m t}`; rows must not
    be hubs. Hub columns, the diagonal and close pairs are summed over the eigenmodes (O(n)
    each), every other entry is
    :math:`\sum_{i\in\Sigma}(u_{ki}c_{il} - c_{ki}u_{il})/(\epsilon_k-\epsilon_l)`.
    """
    u_col = v @ (ph[:, None] * v[hub].conj().T)  # u_{:, Sigma}, (n, s)
    u_row = (v[hub] * ph) @ v.conj().T  # u_{Sigma, :}, (s, n)
    num = u_col[rows] @ c[hub] - c[np.ix_(rows, hub)] @ u_row
    gap = eps[rows][:, None] - eps[None, :]
    close = np.abs(gap) <= GAP_RTOL * max(1.0, scale)
    close[:, hub] = False
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(close, 0.0, num / np.where(close, 1.0, gap))
    out[:, hub] = u_col[rows]
    k, l = np.nonzero(close)
    vr = v[rows]
    for j0 in range(0, k.size, 4096):  # direct sums, O(n) per pair
        kk, ll = k[j0 : j0 + 4096], l[j0 : j0 + 4096]
        out[kk, ll] = (vr[kk] * ph * v[ll].conj()).sum(axis=1)
    return out


def rows_and_block(v, ph, rows, eps, c, hub, occ, scale) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``rows`` of u (K, n) and the Hermitian block u_R diag(occ) u_R^dagger (K, K).

    Both in O(|Sigma| K n) from the Cauchy-like structure; rows must not be hubs.
    """
    u_b = structured_rows(v, ph, rows, eps, c, hub, scale)
    j = np.setdiff1d(np.arange(v.shape[0]), hub)
    u_sj = ((v[hub] * ph) @ v.conj().T)[:, j]
    gram = StructuredGram(u_b[:, j], u_b[:, hub], eps[rows], u_b[:, hub], u_sj,
                          c[np.ix_(rows, hub)], c[np.ix_(j, hub)], np.zeros(rows.size, bool), scale)
    x = next(gram.blocks(occ[j][None], occ[hub][None], 1))[2][0]
    return u_b, 0.5 * (x + x.conj().T)


class StructuredGram:
    r"""Blocks :math:`X = u_{RJ} w u_{RJ}^\dagger + u_{RH} w_H u_{RH}^\dagger` for many diagonal w.

    R: the K rows (counted modes or a bath); J: the summed modes that are not hubs; H: summed hub
    modes (a rank-|H| term). For rows outside the hubs the J term is Cauchy-like:
    :math:`(\epsilon_k-\epsilon_l)X_{kl} = [G_l G_r]_{kl}` with generators of rank 4|Sigma|
    (docs/physics.md); rows that are hubs, the diagonal and close pairs are summed directly.

    Parameters
    ----------
    u_rj, u_rh : ndarray, shapes (K, J), (K, h)
    levels : ndarray, shape (K,)
        Local levels of R.
    u_rs, u_sj : ndarray, shapes (K, s), (s, J)
        :math:`u_{R\Sigma}`, :math:`u_{\Sigma J}`.
    c_rs, c_js : ndarray, shapes (K, s), (J, s)
        Couplings :math:`c_{R\Sigma}`, :math:`c_{J\Sigma}`.
    row_hub : ndarray of bool, shape (K,)
    scale : float
        max|h|, for the gap threshold.
    """

    def __init__(self, u_rj, u_rh, levels, u_rs, u_sj, c_rs, c_js, row_hub, scale):
        self.u_rj, self.u_rh = u_rj, u_rh
        self.n_idx = n = np.flatnonzero(~row_hub)
        self.h_idx = np.flatnonzero(row_hub)
        self.u_nj = u_rj[n]
        self.u_ns, self.u_sj = u_rs[n], u_sj
        self.c_ns, self.c_js = c_rs[n], c_js
        gap = levels[n][:, None] - levels[n][None, :]
        close = np.abs(gap) <= GAP_RTOL * max(1.0, scale)
        with np.errstate(divide="ignore"):
            self.inv_gap = np.where(close, 0.0, 1.0 / np.where(close, 1.0, gap))
        np.fill_diagonal(close, False)
        self.pk, self.pl = np.nonzero(close)
        self.abs2 = np.abs(self.u_nj) ** 2
        self.pair_w = self.u_nj[self.pk] * self.u_nj[self.pl].conj()

    def blocks(self, w: np.ndarray, w_h: np.ndarray, chunk: int):
        """Yield ``(j0, j1, X)``, X (j1 - j0, K, K), for rows j0..j1 of w (F, J) and w_h (F, h)."""
        n, hi = self.n_idx, self.h_idx
        f, nj = w.shape
        kn = n.size
        s = self.u_sj.shape[0]
        uh = self.u_nj.conj().T
        c_sj = self.c_js.conj().T
        # generators of all fields at once: four GEMMs of K x J by J x (F s)
        p1 = ((w[:, None, :] * c_sj[None]).reshape(f * s, nj) @ uh).reshape(f, s, kn)
        p2 = ((w[:, None, :] * self.u_sj[None]).reshape(f * s, nj) @ uh).reshape(f, s, kn)
        p3 = self.u_nj @ (w.T[:, :, None] * self.u_sj.conj().T[:, None, :]).reshape(nj, f * s)
        p4 = self.u_nj @ (w.T[:, :, None] * self.c_js[:, None, :]).reshape(nj, f * s)
        p3 = p3.reshape(kn, f, s).transpose(1, 0, 2)
        p4 = p4.reshape(kn, f, s).transpose(1, 0, 2)
        diag = (self.abs2 @ w.T.real + 1j * (self.abs2 @ w.T.imag)).T
        pairs = (self.pair_w @ w.T).T
        gl0 = np.concatenate([self.u_ns, -self.c_ns], axis=1)
        gr1 = np.concatenate([self.c_ns.conj().T, self.u_ns.conj().T], axis=0)
        ar = np.arange(kn)
        for j0 in range(0, f, chunk):
            j1 = min(f, j0 + chunk)
            m = j1 - j0
            gl = np.concatenate(
                [np.broadcast_to(gl0, (m, *gl0.shape)), p3[j0:j1], -p4[j0:j1]], axis=2)
            gr = np.concatenate(
                [p1[j0:j1], p2[j0:j1], np.broadcast_to(gr1, (m, *gr1.shape))], axis=1)
            xn = gl @ gr
            xn *= self.inv_gap
            xn[:, ar, ar] = diag[j0:j1]
            xn[:, self.pk, self.pl] = pairs[j0:j1]
            if hi.size == 0 and self.u_rh.shape[1] == 0:
                yield j0, j1, xn
                continue
            k = self.u_rj.shape[0]
            x = np.empty((m, k, k), complex)
            x[:, n[:, None], n[None, :]] = xn
            if hi.size:
                uw = self.u_rj[None] * w[j0:j1, None, :]
                x[:, hi] = uw[:, hi] @ self.u_rj.conj().T
                x[:, n[:, None], hi[None, :]] = uw[:, n] @ self.u_rj[hi].conj().T
            if self.u_rh.shape[1]:
                x += (self.u_rh[None] * w_h[j0:j1, None, :]) @ self.u_rh.conj().T
            yield j0, j1, x
