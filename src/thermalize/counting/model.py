r"""Lindblad generator with counted jump channels and its tilted generator (counting fields).

A `CountingModel` is a Lindblad generator built from jump operators in which chosen jump
channels carry quanta of counted quantities (energy, particles, ...). Counting field
convention: the tilted generator multiplies the jump term of channel k by
:math:`e^{i\chi\cdot q_k}`, so :math:`G(\chi,t)=\langle e^{i\chi\cdot Q_t}\rangle`; the real
(exponential) tilting used for cumulants and rate functions is :math:`\chi=-is`.
Cumulants, large deviations and finite-time statistics are in the sibling modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from ..superop import to_matrix

from .._qutip import is_qobj, to_array
from ..errors import (
    ParameterError,
    as_float_array,
    require_dense_size,
    require_int,
    require_nonnegative,
)

__all__ = ["CountingModel"]

def _as_operator(name: str, op, d: int | None = None):
    """Square dense, sparse or Qobj operator, finite, of dimension d (when given)."""
    op = to_array(op)
    if sp.issparse(op):
        m = sp.csr_matrix(op, dtype=complex)
        if not np.all(np.isfinite(m.data)):
            raise ParameterError(f"{name} must be finite (no NaN or inf)")
    else:
        try:
            m = np.asarray(op, dtype=complex)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"{name} must be a numeric (d, d) array: {exc}") from None
        if not np.all(np.isfinite(m)):
            raise ParameterError(f"{name} must be finite (no NaN or inf)")
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise ParameterError(f"{name} must be a square (d, d) matrix, got shape {m.shape}")
    if d is not None and m.shape[0] != d:
        raise ParameterError(
            f"{name} must have shape ({d}, {d}) like the hamiltonian, got {m.shape}"
        )
    return m


def _quanta_table(counting, n_jumps: int) -> tuple[tuple[str, ...], np.ndarray]:
    if not isinstance(counting, Mapping) or not counting:
        raise ParameterError(
            "counting must be a non-empty mapping {name: {jump index: quantum}} or "
            f"{{name: sequence of {n_jumps} quanta}}, got {counting!r}"
        )
    names, rows = [], []
    for name, spec in counting.items():
        row = np.zeros(n_jumps)
        if isinstance(spec, Mapping):
            for k, q in spec.items():
                kk = require_int(f"counting[{name!r}] channel", k)
                if not 0 <= kk < n_jumps:
                    raise ParameterError(
                        f"counting[{name!r}] names jump channel {kk}, which does not exist: "
                        f"the model has {n_jumps} jump operators (indices 0..{n_jumps - 1})"
                    )
                row[kk] = as_float_array(f"counting[{name!r}][{kk}]", q, ndim=0)
        else:
            arr = as_float_array(f"counting[{name!r}]", spec, ndim=1)
            if arr.size != n_jumps:
                raise ParameterError(
                    f"counting[{name!r}] has {arr.size} quanta but the model has {n_jumps} "
                    "jump operators (one quantum per jump operator, 0 = not counted)"
                )
            row = arr
        names.append(str(name))
        rows.append(row)
    return tuple(names), np.array(rows)


@dataclass(frozen=True, eq=False)
class CountingModel:
    r"""Lindblad generator with counted jump channels.

    :math:`\mathcal L_\chi\rho = -i[H,\rho] + \sum_k\gamma_k\big(e^{i\chi\cdot q_k}L_k\rho
    L_k^\dagger - \tfrac12\{L_k^\dagger L_k,\rho\}\big)` (hbar = 1): the tilted generator of
    full counting statistics (Esposito, Harbola, Mukamel, RMP 81, 1665 (2009), Eq. (85);
    Schaller, *Open Quantum Systems Far from Equilibrium*, Ch. 3).

    Parameters
    ----------
    hamiltonian : ndarray or scipy.sparse matrix, shape (d, d)
        Hermitian.
    jump_ops : sequence of ndarray or sparse, shape (d, d)
    rates : array_like, shape (n_jumps,)
        gamma_k >= 0.
    counting : mapping
        ``{name: {jump index: quantum}}`` or ``{name: sequence of n_jumps quanta}``: the
        amount of each counted quantity that jump k transfers (e.g. +omega into the system's
        reservoir for an emission). Unlisted jumps are not counted.
    base_generator : ndarray, sparse or super Qobj, shape (d*d, d*d), optional
        A ready untilted generator (row-major, e.g. ``CollisionRates.generator()``); then
        `jump_ops` and `rates` list only the counted channels, whose jump terms
        gamma_k L_k rho L_k^dagger it must contain, and `hamiltonian` may be None.

    Notes
    -----
    Superoperators are built sparse with ``scipy.sparse.kron`` (row-major vectorisation,
    as `thermalize.superop`), whatever the input type, so large d costs O(nnz). Operators
    may be ndarrays, scipy.sparse matrices or QuTiP Qobj.

    Examples
    --------
    >>> sm = np.array([[0.0, 1.0], [0.0, 0.0]])
    >>> m = CountingModel(np.diag([0.0, 1.0]), [sm, sm.T], [2.0, 1.0],
    ...                   {"emitted": {0: 1.0, 1: -1.0}})
    >>> np.round(m.mean_currents(), 12)  # net emissions vanish in the steady state
    array([0.])
    """

    hamiltonian: object
    jump_ops: tuple
    rates: np.ndarray
    counting: Mapping
    base_generator: object = None

    def __post_init__(self) -> None:
        base = self._base()
        if base is not None and self.hamiltonian is None:
            d = int(round(np.sqrt(base.shape[0])))
            h = sp.csr_matrix((d, d), dtype=complex)
        else:
            h = _as_operator("hamiltonian", self.hamiltonian)
            herm = abs(h - h.conj().T).max()
            if herm > 1e-10 * max(1.0, abs(h).max()):  # the relative tolerance of require_hermitian
                raise ParameterError(
                    f"hamiltonian must be Hermitian: max|H - H^dagger| = {herm:.3g}"
                )
        d = h.shape[0]
        if base is not None:
            if base.shape != (d * d, d * d):
                raise ParameterError(
                    f"base_generator must have shape ({d * d}, {d * d}) for d = {d}, "
                    f"got {base.shape}"
                )
            tr = np.zeros(d * d)
            tr[np.arange(d) * (d + 1)] = 1.0
            leak = np.max(np.abs(base.T @ tr))
            if leak > 1e-10 * max(1.0, abs(base).max()):
                raise ParameterError(
                    f"base_generator is not trace preserving: max|<1|L| = {leak:.3g}"
                )
        if isinstance(self.jump_ops, (str, bytes)) or not hasattr(self.jump_ops, "__iter__") \
                or (isinstance(self.jump_ops, np.ndarray) and self.jump_ops.ndim == 0):
            raise ParameterError(f"jump_ops: expected a sequence of (d, d) operators, got "
                                 f"{type(self.jump_ops).__name__}")
        ops = tuple(_as_operator(f"jump_ops[{i}]", op, d) for i, op in enumerate(self.jump_ops))
        rates = as_float_array("rates", self.rates, ndim=1)
        if rates.size != len(ops):
            raise ParameterError(
                f"rates has {rates.size} entries but there are {len(ops)} jump_ops"
            )
        require_nonnegative("rates", rates)
        names, quanta = _quanta_table(self.counting, len(ops))
        object.__setattr__(self, "hamiltonian", h)
        object.__setattr__(self, "jump_ops", ops)
        object.__setattr__(self, "rates", rates)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "quanta", quanta)
        object.__setattr__(self, "base_generator", base)
        object.__setattr__(self, "_cache", {})

    def __getstate__(self) -> dict:
        """Pickle without the cached superoperators and LU (rebuilt on demand in a worker)."""
        state = self.__dict__.copy()
        state["_cache"] = {}
        return state

    def _base(self):
        g = self.base_generator
        if g is None:
            return None
        if sp.issparse(g):
            m = sp.csr_matrix(g, dtype=complex)
        else:
            try:
                m = sp.csr_matrix(to_matrix(g) if is_qobj(g) else np.asarray(g, dtype=complex))
            except (TypeError, ValueError) as exc:
                raise ParameterError(f"base_generator must be a numeric (d*d, d*d) matrix, got "
                                     f"{type(g).__name__}") from exc
        if m.shape[0] != m.shape[1] or not np.all(np.isfinite(m.data)):
            raise ParameterError(
                f"base_generator must be a finite square (d*d, d*d) matrix, got shape {m.shape}"
            )
        return m

    # ----------------------------------------------------------------- structure
    @property
    def dimension(self) -> int:
        """d."""
        return int(self.hamiltonian.shape[0])

    def _superops(self):
        """(L0 CSR, tuple of gamma_k L_k (x) conj(L_k) CSR), cached."""
        if "ops" not in self._cache:
            d = self.dimension
            one = sp.identity(d, dtype=complex, format="csr")
            h = sp.csr_matrix(self.hamiltonian)
            loss = sp.csr_matrix((d, d), dtype=complex)  # sum_k g_k L_k^dag L_k
            jumps = []
            for g, op in zip(self.rates, self.jump_ops):
                lo = sp.csr_matrix(op)
                loss = loss + g * (lo.conj().T @ lo)
                jumps.append(g * sp.kron(lo, lo.conj(), format="csr"))
            if self.base_generator is not None:
                l0 = self.base_generator
            else:
                heff = -1j * h - 0.5 * loss  # L0 = kron(Heff, 1) + kron(1, Heff^*) + sum J_k
                l0 = sp.kron(heff, one, format="csr") + sp.kron(one, heff.conj(), format="csr")
                for jk in jumps:
                    l0 = l0 + jk
            self._cache["ops"] = (l0.tocsr(), tuple(jumps))
        return self._cache["ops"]

    def _fields(self, chi) -> np.ndarray:
        c = np.asarray(chi, dtype=complex)
        n = len(self.names)
        if c.ndim == 0 and n == 1:
            c = c.reshape(1)
        if c.shape[-1:] != (n,):
            raise ParameterError(
                f"chi must have shape (..., {n}) (one counting field per counted quantity "
                f"{self.names}), got shape {c.shape}"
            )
        if not np.all(np.isfinite(c)):
            raise ParameterError("chi must be finite (no NaN or inf)")
        return c

    def generator(self, *, sparse: bool = False):
        """Untilted Lindblad generator, matrix form (d*d, d*d) (dense unless `sparse`)."""
        l0 = self._superops()[0]
        if sparse:
            return l0
        require_dense_size("generator (d^2, d^2)", l0.shape)
        return l0.toarray()

    def tilted_generator(self, chi, *, sparse: bool = False):
        r"""Tilted generator :math:`\mathcal L_\chi`, shape (d*d, d*d), for one field vector.

        Parameters
        ----------
        chi : array_like, shape (n_fields,) (a scalar for one field), complex allowed
        sparse : bool
            Return a CSR matrix (default: dense ndarray).
        """
        c = self._fields(chi)
        if c.ndim != 1:
            raise ParameterError(f"tilted_generator takes one field vector, got shape {c.shape}")
        l0, jumps = self._superops()
        phase = np.exp(1j * (c @ self.quanta)) - 1.0
        out = l0.copy()
        for f, jk in zip(phase, jumps):
            if f != 0:
                out = out + f * jk
        out = out.tocsr()
        if sparse:
            return out
        require_dense_size("tilted generator (d^2, d^2)", out.shape)
        return out.toarray()

    def _factor(self):
        """Sparse LU of the bordered matrix [[L0, c], [<1|, 0]], c = vec(1)/d (see Notes of
        `scaled_cumulants`), and the steady state it gives."""
        if "lu" not in self._cache:
            l0 = self._superops()[0]
            d = self.dimension
            n = d * d
            tr = np.zeros(n)
            tr[np.arange(d) * (d + 1)] = 1.0
            col = sp.csc_matrix(tr[:, None] / d)
            border = sp.bmat([[l0, col], [sp.csr_matrix(tr[None, :]), None]], format="csc")
            try:
                lu = splu(border.astype(complex))
            except RuntimeError as exc:  # exactly singular: kernel of L0 not one-dimensional
                raise ParameterError(
                    f"the generator has no unique steady state ({exc}); counting statistics "
                    "need a unique stationary state"
                ) from None
            rhs = np.zeros(n + 1, dtype=complex)
            rhs[-1] = 1.0
            rho = lu.solve(rhs)[:n]
            rho = 0.5 * (rho.reshape(d, d) + rho.reshape(d, d).conj().T)
            self._cache["lu"] = (lu, tr, rho.ravel())
        return self._cache["lu"]

    def steady_state(self) -> np.ndarray:
        """Unique stationary state, shape (d, d) (sparse bordered LU; ParameterError if not
        unique)."""
        d = self.dimension
        return self._factor()[2].reshape(d, d).copy()

    def _drazin(self, y: np.ndarray) -> np.ndarray:
        """x = R y: L0 x = y - <1|y> rho_ss projected, <1|x> = 0 (Drazin inverse of L0)."""
        lu, tr, rho = self._factor()
        y = y - (tr @ y) * rho
        return lu.solve(np.append(y, 0.0))[:-1]

    def mean_currents(self, rho=None) -> np.ndarray:
        r"""Mean currents :math:`\sum_k \gamma_k q_{ak}\,\mathrm{tr}(L_k\rho L_k^\dagger)`.

        Shape (n_fields,).

        In the steady state (default) this is the first scaled cumulant.
        """
        d = self.dimension
        r = self.steady_state() if rho is None else np.asarray(to_array(rho), dtype=complex)
        if r.shape != (d, d):
            raise ParameterError(f"rho must have shape ({d}, {d}), got {r.shape}")
        flux = np.array(
            [g * np.real(np.trace(op @ r @ op.conj().T))
             for g, op in zip(self.rates, self.jump_ops)]
        )
        return self.quanta @ flux


def counted_weights(model, weights) -> np.ndarray:
    """Weights of the counted quantities that form one scalar count ``q = weights @ quanta``:
    required when the model counts more than one quantity, else 1. Also checks that `model` is
    a :class:`CountingModel` (the shared argument check of the finite-time and large-deviation
    functions)."""
    if not isinstance(model, CountingModel):
        raise ParameterError(f"model must be a CountingModel, got {type(model).__name__}")
    n = len(model.names)
    if weights is None:
        if n != 1:
            raise ParameterError(
                f"weights is required: the model counts {n} quantities {model.names}"
            )
        return np.ones(1)
    w = as_float_array("weights", weights, ndim=1)
    if w.size != n:
        raise ParameterError(f"weights must have {n} entries, got {w.size}")
    return w
