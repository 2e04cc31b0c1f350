r"""Full counting statistics of particles and energy transferred between 0 and t (two-point scheme).

The local charges :math:`\hat N_p = \sum_{k\in p} a_k^\dagger a_k` and
:math:`\hat H_p = \sum_{k\in p}\epsilon_k a_k^\dagger a_k` (local modes of part p, where the block
:math:`h_{pp}` is diagonal) are measured at 0 and at t. With counting fields collected in the
single-particle matrix :math:`a = \bigoplus_p (\lambda_p + \xi_p h_{pp})`, the generating function
of the increments :math:`\Delta N_p, \Delta E_p` is (Levitov-Lesovik; Klich's trace formula for
Gaussian states)

.. math:: G = \mathrm{tr}[\rho\, U^\dagger e^{i\hat A} U e^{-i\hat A}]
          = \det[1 - n + n\, u^\dagger e^{ia} u\, e^{-ia}],\qquad u = e^{-iht},\ n = \mathcal C^T,

valid when :math:`[\rho, \hat A] = 0` (otherwise the first measurement changes the state and
the formula describes a different, dephased, initial state). For such states
:math:`(1-n)e^{ia} + n u^\dagger e^{ia}u = 1 + X d\, Z` with :math:`d = e^{ia}-1` supported on the
m counted modes, and Sylvester's identity reduces the n x n determinant to

.. math:: G = \det[1_{2m} + (d \oplus d)\, Y] / \det(1 + d),\qquad
          Y = \begin{pmatrix} (1-n)_{RR} & (n u^\dagger)_{RR} \\ (u(1-n))_{RR} & (u n u^\dagger)_{RR}\end{pmatrix},

with R the counted modes. Y does not depend on the counting fields, and the diagonal
similarity :math:`\Lambda = \sqrt{(1-n)/n}\oplus 1` (which commutes with :math:`d\oplus d`) makes
it the Hermitian :math:`H = [A\ B]^\dagger[A\ B]`, :math:`A = \sqrt{1-n}\,R`,
:math:`B = \sqrt{n}\,u^\dagger R`, whose spectrum lies in [0, 1]
(:math:`AA^\dagger + BB^\dagger \le (1-n) + n = 1`). For particle counting alone
(:math:`d = (z-1)1`, :math:`z = e^{i\lambda}`) one ``eigvalsh`` of H gives G at every field,
:math:`G(z) = z^{-m}\prod_j (1 - y_j + y_j z)`: the transferred number plus m is a
Poisson-binomial variable with success probabilities :math:`y_j \in [0, 1]`.

Other fields (energy, heat, several parts) use the Schur complement of the diagonal first block,
:math:`A = 1 + (1-n)d`:

.. math:: \det[1_{2m} + (d\oplus d)Y] = \det A\,\det\bigl[1_m + d\,(S - u_{RR}\gamma u_{RR}^\dagger)\bigr],
          \qquad \gamma = n(1-n)d/A,\ S = (u n u^\dagger)_{RR},

one m x m LU per field (pivots with :math:`|A_j| <` :data:`PIVOT_MIN` border it instead). The
field-dependent product is Cauchy-like when the counted modes couple to the rest through a few
hub modes (the dot; :mod:`thermalize.fermions._cauchy`): O(m^2) per field to form it.
Derivations: docs/physics.md, "Counting statistics of finite fermion baths".
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

import numpy as np

from ..errors import ParameterError, require_real
from ._cauchy import StructuredGram, few_close_pairs, hubs, local_couplings, rows_and_block
from ._schur import PIVOT_MIN, occupation_basis, schur_characteristic
from .dynamics import SPECTRUM_ATOL, accurate_phases, validate_correlation_matrix
from .model import SYSTEM, QuadraticModel, require_model

__all__ = ["TransferStatistics"]

#: Largest |[n, a]| entry accepted as commuting (rounding of a correlation matrix built from
#: Fermi functions and a basis change is ~1e-15; 1e-10 flags genuine coherences only).
COMMUTATOR_ATOL = 1e-10


def _local_frame(model: QuadraticModel, c0):
    """(energies E, eigenvectors V in the local basis, n = C_loc^T in the local basis)."""
    c0 = _validated(c0, model.n_modes)
    energies, v = model.eigensystem
    t = model.local_basis[0]
    if not model.is_locally_diagonal:
        v = t.conj().T @ v
        c0 = t.T @ c0 @ t.conj()
    return energies, v, np.asarray(c0).T


def _validated(c0, n: int) -> np.ndarray:
    """validate_correlation_matrix, with an O(n) path for diagonal matrices (no eigvalsh)."""
    arr = np.asarray(c0)
    if (
        arr.shape == (n, n)
        and np.issubdtype(arr.dtype, np.number)
        and np.count_nonzero(arr - np.diag(np.diag(arr))) == 0
    ):
        d = np.diag(arr)
        if np.all(np.isfinite(d)) and np.all(d.imag == 0):
            d = d.real
            if d.min() < -SPECTRUM_ATOL or d.max() > 1 + SPECTRUM_ATOL:
                raise ParameterError(
                    f"c0 has eigenvalues in [{d.min():.3g}, {d.max():.3g}], outside the allowed range [0, 1]"
                )
            return arr
    return validate_correlation_matrix(c0, n)


def _fields(name: str, fields, parts) -> dict:
    if fields is None:
        return {}
    if not isinstance(fields, Mapping):
        raise ParameterError(f"{name} must be a mapping part label -> counting fields, got {fields!r}")
    out = {}
    for label, value in fields.items():
        if label not in parts:
            raise ParameterError(
                f"{name} has a counting field on {label!r}, which is not a counted part; "
                f"counted parts: {list(parts)}"
            )
        arr = np.asarray(value)
        if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) or not np.all(np.isfinite(arr)):
            raise ParameterError(f"{name}[{label!r}]={value!r} must be finite (complex allowed)")
        out[label] = arr.astype(complex)
    return out


class TransferStatistics:
    r"""Two-point-measurement statistics of the charges of chosen parts between 0 and t.

    Parameters
    ----------
    model : QuadraticModel
    c0 : ndarray, shape (n, n)
        Initial correlation matrix (site basis). It must commute with every counted charge:
        no coherence between a counted part and any other mode, and within a counted part no
        coherence between local modes of different energy.
    time : float
    parts : sequence of str, optional
        Parts whose charges are counted (baths and/or ``"system"``); default all baths.

    Raises
    ------
    ParameterError
        Unknown part, or an initial state that does not commute with the counted charges
        (the two-point measurement would first dephase it, and the determinant formula
        would describe the dephased state instead).

    Notes
    -----
    Cost per time point: the m counted rows of u and S = (u n u^dagger)_RR, O(|Sigma| m n) from
    their Cauchy-like structure when the counted modes couple through |Sigma| hub modes and c0 is
    diagonal, else O(m n^2). Particle fields on one part
    (:meth:`particle_distribution`, :meth:`characteristic_function`): one 2m x 2m
    eigendecomposition for every field at once, then O(m) per field. Other fields: per field
    O(|Sigma| m^2) to form the m x m Schur block (Cauchy-like structure, |Sigma| hub modes;
    O(m^3) without such hubs) and one m x m LU, (8/3) m^3 complex flops: O(F m^3) for F fields,
    eight times fewer flops than the naive 2m x 2m determinant per field (K = 1000, 256 fields:
    ~25 s, benchmarks/fluctuations.py).

    Examples
    --------
    >>> from thermalize.fermions import gibbs_correlation_matrix, single_electron_transistor
    >>> m = single_electron_transistor(3, bandwidth=2.0, coupling=1.0)
    >>> fcs = TransferStatistics(m, gibbs_correlation_matrix(m, [1.0, 2.0], 0.0), 2.0, ["L"])
    >>> dn, p = fcs.particle_distribution("L")
    >>> dn.tolist(), round(float(p.sum()), 12)
    ([-3, -2, -1, 0, 1, 2, 3], 1.0)
    """

    def __init__(self, model: QuadraticModel, c0, time, parts=None):
        require_model(model)
        self.time = require_real("time", time)
        labels = (SYSTEM, *model.bath_labels)
        parts = tuple(model.bath_labels if parts is None else ([parts] if isinstance(parts, str) else parts))
        for p in parts:
            if p not in labels:
                raise ParameterError(f"parts: {p!r} is not a part of the model; allowed: {list(labels)}")
        if not parts or len(set(parts)) != len(parts):
            raise ParameterError(f"parts={parts!r} must name at least one part, each once")
        self.parts = parts
        self.model = model
        self._eigenvalues: dict[str, np.ndarray] = {}
        energies, v, n = _local_frame(model, c0)
        rows = np.concatenate([model.modes(p) for p in parts])
        self._slices = {}
        start = 0
        for p in parts:
            k = model.modes(p).size
            self._slices[p] = slice(start, start + k)
            start += k
        self.levels = np.concatenate([model.levels(p) for p in parts])
        self._check_commuting(n, rows)
        ph = np.exp(-1j * accurate_phases(energies, self.time))
        eps, c = local_couplings(model)
        hub = hubs(c, rows)
        scale = float(np.abs(model.single_particle_hamiltonian).max())
        if hub is not None and not few_close_pairs(eps, eps[rows], scale):
            hub = None  # many degenerate levels: the direct sums would dominate, dense route
        n_diag = np.count_nonzero(n - np.diag(np.diag(n))) == 0
        q, occ = occupation_basis(n[np.ix_(rows, rows)], self._groups)
        if hub is not None and hub.size and n_diag and not np.isin(rows, hub).any():
            # rows of u and S = (u n u^dagger)_RR from the Cauchy-like structure, O(K n)
            u_r, s = rows_and_block(v, ph, rows, eps, c, hub, np.clip(np.diag(n).real, 0, 1), scale)
        else:
            vr = v[rows] * ph
            if np.isrealobj(v):  # rows R of u = V e^{-iEt} V^dagger, (m, n): two real GEMMs
                u_r = (vr.real @ v.T) + 1j * (vr.imag @ v.T)
            else:
                u_r = vr @ v.conj().T
            if n_diag:
                x = u_r * np.sqrt(np.clip(np.diag(n).real, 0.0, 1.0))
                s = x @ x.conj().T
            else:
                s = u_r @ (n @ u_r.conj().T)
            s = 0.5 * (s + s.conj().T)
        u_rr = u_r[:, rows]
        # counted modes in the eigenbasis q of n_RR (identity unless c0 has coherences between
        # degenerate counted levels): there n_RR = diag(occ), and q commutes with the fields
        self._gram, self._gram_cols = None, None
        if hub is not None and any(np.ptp(np.isin(rows[g], hub).astype(int)) for g in self._groups):
            hub = None  # a basis change that mixes hubs with other modes: dense route
        u_rs, c_rs = (u_r[:, hub], c[np.ix_(rows, hub)]) if hub is not None else (None, None)
        if q is not None:  # q mixes degenerate levels of one part only: the structure survives
            u_rr, s = q.conj().T @ u_rr @ q, q.conj().T @ s @ q
            if hub is not None:
                u_rs, c_rs = q.conj().T @ u_rs, q.conj().T @ c_rs
        if hub is not None and hub.size:
            u_sr = ((v[hub] * ph) @ v.conj().T)[:, rows]
            u_sr = u_sr if q is None else u_sr @ q
            row_hub = np.isin(rows, hub)
            j, hj = np.flatnonzero(~row_hub), np.flatnonzero(row_hub)
            self._gram = StructuredGram(
                u_rr[:, j], u_rr[:, hj], self.levels, u_rs, u_sr[:, j], c_rs, c_rs[j], row_hub,
                scale)
            self._gram_cols = (j, hj)
        self._occ, self._u_rr, self._s = occ, u_rr, s

    @cached_property
    def reduced_matrix(self) -> np.ndarray:
        r"""Hermitian 2m x 2m matrix H, spectrum in [0, 1]: G = det[1 + (d+d) H] / det(1 + d).

        In the eigenbasis of the counted block of n (module docstring). Formed on first use
        (particle eigenvalues and the per-field reference determinant).
        """
        occ = self._occ
        cross = np.sqrt(occ * (1.0 - occ))[:, None] * self._u_rr.conj().T
        return np.block([[np.diag(1.0 - occ).astype(complex), cross], [cross.conj().T, self._s]])

    def _check_commuting(self, n: np.ndarray, rows: np.ndarray) -> None:
        mask = np.zeros(n.shape[0], bool)
        mask[rows] = True
        cross = np.abs(n[np.ix_(mask, ~mask)])
        if cross.size and cross.max() > COMMUTATOR_ATOL:
            raise ParameterError(
                f"c0 has coherences (max |C_ij| = {cross.max():.3g}) between the counted parts "
                f"{list(self.parts)} and the other modes: it does not commute with the counted "
                "charges, and the two-point measurement needs a state that does (dephase c0 or "
                "count those parts too)"
            )
        blk = n[np.ix_(rows, rows)]
        tol = 1e-12 * max(1.0, float(np.abs(self.levels).max()))
        part_of = np.concatenate([np.full(self.model.modes(p).size, i) for i, p in enumerate(self.parts)])
        order = np.lexsort((self.levels, part_of))
        cut = (np.diff(part_of[order]) != 0) | (np.diff(self.levels[order]) > tol)
        self._groups = [g for g in np.split(order, np.flatnonzero(cut) + 1) if g.size > 1]
        group_of = np.empty(rows.size, int)
        for i, g in enumerate(np.split(order, np.flatnonzero(cut) + 1)):
            group_of[g] = i
        comm = np.where(group_of[:, None] == group_of[None, :], 0.0, blk)
        if comm.size and np.abs(comm).max() > COMMUTATOR_ATOL:
            raise ParameterError(
                f"c0 does not commute with the counted local charges (max |[n, a]| entry "
                f"{np.abs(comm).max():.3g}): it has coherences between local modes of different "
                "energy or different parts, so the first measurement would change it; the "
                "two-point determinant formula needs [rho(0), N_p] = [rho(0), H_p] = 0"
            )

    def _phases(self, particle_fields, energy_fields) -> np.ndarray:
        lam = _fields("particle_fields", particle_fields, self.parts)
        xi = _fields("energy_fields", energy_fields, self.parts)
        try:
            shape = np.broadcast_shapes(*(a.shape for a in (*lam.values(), *xi.values())))
        except ValueError:
            raise ParameterError("counting fields must broadcast to one shape") from None
        expo = np.zeros((*shape, self.levels.size), dtype=complex)
        for p, sl in self._slices.items():
            if p in lam:
                expo[..., sl] += np.asarray(lam[p])[..., None]
            if p in xi:
                expo[..., sl] += np.asarray(xi[p])[..., None] * self.levels[sl]
        return expo

    def characteristic_function(self, particle_fields=None, energy_fields=None) -> np.ndarray:
        r"""G = <exp(i sum_p (lambda_p dN_p + xi_p dE_p))>, one value per field point.

        Parameters
        ----------
        particle_fields, energy_fields : mapping part -> array_like, optional
            Counting fields :math:`\lambda_p` and :math:`\xi_p` (complex values allowed: the
            moment generating function at imaginary fields); arrays broadcast together.

        Returns
        -------
        ndarray, complex, the broadcast shape of the fields

        Notes
        -----
        Particle fields on a single part (no energy fields) use the cached eigenvalues of that
        part's reduced matrix, :math:`G = e^{-iK\lambda}\prod_j(1 - y_j + y_j e^{i\lambda})`:
        O(K) per field after one O(K^3) ``eigvalsh``. Otherwise one m x m LU per field point
        after the Schur complement of the diagonal block (module docstring; O(m^3) each, the
        field-dependent block in O(m^2) when the counted modes couple through hub modes).
        """
        lam = _fields("particle_fields", particle_fields, self.parts)
        if not energy_fields and len(lam) == 1:
            (part, field), = lam.items()
            y = self.particle_eigenvalues(part)
            z = np.exp(1j * field)[..., None]
            # sum of logs: no overflow or underflow of the product at K = 1000
            return np.exp(np.log(1.0 - y + y * z).sum(axis=-1) - 1j * field * (y.size // 2))
        expo = self._phases(particle_fields, energy_fields)
        flat = expo.reshape(-1, expo.shape[-1]) + 0.0  # + 0.0: no signed zeros in the keys below
        # real fields: G(-a) = conj G(a) exactly (rho commutes with A), so of two field points
        # that are each other's negatives only one determinant is computed
        first: dict[bytes, int] = {}
        src = np.arange(len(flat))
        for i, row in enumerate(flat):
            if not row.imag.any():
                j = first.get((-row.real + 0.0).tobytes())
                if j is not None:
                    src[i] = j
                    continue
                first.setdefault(row.real.tobytes(), i)
        todo = np.flatnonzero(src == np.arange(len(flat)))
        out = np.empty(len(flat), complex)
        step = max(1024, 2**22 // max(1, self._occ.size))  # bounds the generators' memory
        for i in range(0, todo.size, step):
            out[todo[i : i + step]] = self._schur_route(flat[todo[i : i + step]])
        mirror = src != np.arange(len(flat))
        out[mirror] = out[src[mirror]].conj()
        return out.reshape(expo.shape[:-1])

    def _reference_characteristic_function(self, particle_fields=None, energy_fields=None):
        """Slow reference: one 2m x 2m determinant det[1 + (d+d) H] per field point."""
        expo = self._phases(particle_fields, energy_fields)
        d = np.expm1(1j * expo)
        dd = np.concatenate([d, d], axis=-1)
        mats = np.eye(dd.shape[-1]) + dd[..., :, None] * self.reduced_matrix
        sign, logdet = np.linalg.slogdet(mats)
        return sign * np.exp(logdet - 1j * expo.sum(axis=-1))

    def _schur_route(self, expo: np.ndarray) -> np.ndarray:
        """G for field points expo (F, m) by :func:`._schur.schur_characteristic`."""
        return schur_characteristic(expo, self._occ, self._u_rr, self._s, self._gram,
                                    self._gram_cols)

    def heat_characteristic_function(self, bath: str, chi, mu: float) -> np.ndarray:
        r"""<exp(i chi Q)> of the heat from bath ``bath``, :math:`Q = -(\Delta E - \mu\Delta N)`.

        Sign as in :func:`entropy_production`: Q > 0 when energy leaves the bath. Fields
        :math:`\xi = -\chi`, :math:`\lambda = \mu\chi`.
        """
        chi = np.asarray(chi)
        mu = require_real("mu", mu)
        return self.characteristic_function({bath: mu * chi}, {bath: -chi})

    def particle_eigenvalues(self, part: str) -> np.ndarray:
        """Eigenvalues y_j in [0, 1] of the part's reduced matrix: G(z) = z^-K prod_j (1 - y_j + y_j z)."""
        if part not in self._slices:
            raise ParameterError(f"part={part!r} is not counted; counted parts: {list(self.parts)}")
        if part not in self._eigenvalues:
            sl = self._slices[part]
            m = self.levels.size
            idx = np.r_[np.arange(m)[sl], m + np.arange(m)[sl]]
            y = np.linalg.eigvalsh(self.reduced_matrix[np.ix_(idx, idx)])
            self._eigenvalues[part] = np.clip(y, 0.0, 1.0)
        return self._eigenvalues[part]

    def particle_distribution(self, part: str) -> tuple[np.ndarray, np.ndarray]:
        r"""Law of the particle number transferred *into* part ``part``, :math:`\Delta N_p`.

        :math:`\Delta N + K` is Poisson-binomial with the eigenvalues :math:`y_j \in [0, 1]` of
        the part's Hermitian 2K x 2K reduced matrix (module docstring): one ``eigvalsh``
        (O(K^3)) serves every counting field, then :func:`poisson_binomial` (O(K^2),
        non-negative, relative accuracy ~4K eps in every entry).

        Returns
        -------
        (dn, p) : ndarray of int, shape (2K + 1,), and ndarray, shape (2K + 1,)
            :math:`\Delta N = -K .. K` and their probabilities.
        """
        from .counting import poisson_binomial

        y = self.particle_eigenvalues(part)
        k = y.size // 2
        return np.arange(2 * k + 1) - k, poisson_binomial(y)

    def particle_energy_distribution(self, part: str, *, energy_resolution=None):
        r"""Joint law of :math:`(\Delta N_p, \Delta E_p)` on the energy lattice (small K).

        :math:`\Delta E = \epsilon_{\min}\Delta N + \delta\,\Delta M` with :math:`\Delta M` on the
        lattice of :func:`~thermalize.fermions.counting.energy_lattice` (exact for equally
        spaced levels). G on the (2K + 1) x (2 M_max + 1) grid and a 2D FFT: O(K^5) for
        equally spaced levels, meant for K <~ 20.

        Returns
        -------
        (dn, dm, p, e_min, delta)
            dn shape (2K + 1,), dm shape (2 M_max + 1,), p shape (2K + 1, 2 M_max + 1).
        """
        from .counting import energy_lattice

        if part not in self._slices:
            raise ParameterError(f"part={part!r} is not counted; counted parts: {list(self.parts)}")
        lv = self.levels[self._slices[part]]
        e0, delta, m = energy_lattice(lv, energy_resolution)
        k, m_max = lv.size, int(m.sum())
        n_l, n_x = 2 * k + 1, 2 * m_max + 1
        lam = 2 * np.pi * np.arange(n_l) / n_l
        xi = 2 * np.pi * np.arange(n_x) / n_x
        # field on the lattice: lambda N + xi M = (lambda - xi e0/delta) N + (xi/delta) E
        lam_eff = lam[:, None] - xi[None, :] * e0 / delta
        g = self.characteristic_function({part: lam_eff}, {part: np.broadcast_to(xi / delta, lam_eff.shape)})
        p = np.fft.fft2(g).real / g.size
        p = np.roll(np.roll(p, k, axis=0), m_max, axis=1)
        return np.arange(n_l) - k, np.arange(n_x) - m_max, p, e0, delta
