"""Quadratic fermionic models: a single-particle Hamiltonian with a labelled partition of modes."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .._qutip import to_array
from ..errors import (
    ParameterError,
    as_float_array,
    require_dense_size,
    require_hermitian,
    require_nonnegative,
    require_real,
)

__all__ = ["SYSTEM", "QuadraticModel", "single_electron_transistor"]

#: The partition label of the open system; every other label is a bath.
SYSTEM = "system"

#: Largest |energy| (bandwidth, dot energy) of a model: n x n products of h overflow
#: float64 near 1e154, and the correlation-matrix dynamics multiply h by itself.
MAX_ENERGY = 1e100


@dataclass(frozen=True)
class QuadraticModel:
    r"""Number-conserving quadratic Hamiltonian :math:`\hat H = \sum_{ij} h_{ij} c_i^\dagger c_j`.

    The modes are split into the open system (label ``"system"``) and any number of baths
    (every other label); Eq. (1) of Usui et al. (2024), :math:`\hat H = \hat H_S + \hat H_B + \hat V`,
    with :math:`\hat H_\nu` the block of bath :math:`\nu` and :math:`\hat V` every matrix element
    between different parts.

    Parameters
    ----------
    single_particle_hamiltonian : ndarray or qutip.Qobj, shape (n, n)
        Hermitian matrix :math:`h`, real or complex (a Qobj is stored as its matrix).
    partition : mapping str -> sequence of int
        Mode indices of each part. Must contain ``"system"`` (at least one mode) and at least
        one bath; parts are disjoint and together cover ``range(n)``. Order is kept.

    Notes
    -----
    The modes :math:`k` of bath :math:`\nu` in Eqs. (10)-(11) are the eigenmodes of the bath
    block :math:`h_{\nu\nu}` (:attr:`local_basis`); for the single-electron transistor the bath
    blocks are diagonal and the local modes are the sites themselves.

    Examples
    --------
    >>> m = QuadraticModel.example()
    >>> m.n_modes, m.bath_labels
    (5, ('L', 'R'))
    """

    single_particle_hamiltonian: np.ndarray
    partition: Mapping[str, Sequence[int]]

    def __post_init__(self) -> None:
        h = require_hermitian(
            "single_particle_hamiltonian", to_array(self.single_particle_hamiltonian)
        )
        h = np.array(h, dtype=complex if np.iscomplexobj(h) else float)
        h = 0.5 * (h + h.conj().T)
        h.setflags(write=False)
        object.__setattr__(self, "single_particle_hamiltonian", h)
        n = h.shape[0]
        if not isinstance(self.partition, Mapping):
            raise ParameterError(
                f"partition must be a mapping label -> mode indices, got {type(self.partition).__name__}"
            )
        if SYSTEM not in self.partition:
            raise ParameterError(
                f"partition={dict(self.partition)!r} must contain the label 'system'"
            )
        if len(self.partition) < 2:
            raise ParameterError(
                f"partition={dict(self.partition)!r} must contain at least one bath"
            )
        parts: dict[str, tuple[int, ...]] = {}
        seen = np.zeros(n, dtype=int)
        for label, idx in self.partition.items():
            arr = np.asarray(idx)
            if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer):
                raise ParameterError(
                    f"partition[{label!r}]={idx!r} must be a non-empty sequence of integer mode indices"
                )
            if arr.min() < 0 or arr.max() >= n:
                raise ParameterError(
                    f"partition[{label!r}]={idx!r} has indices outside the allowed range [0, {n - 1}]"
                )
            seen[arr] += 1
            parts[str(label)] = tuple(int(i) for i in arr)
        if np.any(seen > 1):
            raise ParameterError(
                f"partition: modes {np.flatnonzero(seen > 1).tolist()} belong to more than one part"
            )
        if np.any(seen == 0):
            raise ParameterError(
                f"partition does not cover all {n} modes: missing {np.flatnonzero(seen == 0).tolist()}"
            )
        object.__setattr__(self, "partition", parts)

    @classmethod
    def example(cls) -> QuadraticModel:
        """A dot coupled to two baths of two levels each (5 modes, real Hamiltonian)."""
        return single_electron_transistor(2, bandwidth=2.0, coupling=1.0)

    @property
    def n_modes(self) -> int:
        """Total number of single-particle modes n."""
        return self.single_particle_hamiltonian.shape[0]

    @property
    def bath_labels(self) -> tuple[str, ...]:
        """Labels of the baths in partition order."""
        return tuple(k for k in self.partition if k != SYSTEM)

    @property
    def system_modes(self) -> np.ndarray:
        """Mode indices of the system, shape (m,)."""
        return np.asarray(self.partition[SYSTEM])

    def modes(self, label: str) -> np.ndarray:
        """Mode indices of part `label`, shape (k,)."""
        if not isinstance(label, str) or label not in self.partition:
            raise ParameterError(f"label={label!r} is not a part; allowed: {list(self.partition)}")
        return np.asarray(self.partition[label])

    @cached_property
    def bath_modes(self) -> np.ndarray:
        """Indices of all bath modes (baths in partition order), shape (n - m,)."""
        return np.concatenate([self.modes(b) for b in self.bath_labels])

    @cached_property
    def eigensystem(self) -> tuple[np.ndarray, np.ndarray]:
        """``(E, V)`` with ``h = V diag(E) V^dagger``, E ascending (one LAPACK call, cached)."""
        e, v = np.linalg.eigh(self.single_particle_hamiltonian)
        e.setflags(write=False)
        v.setflags(write=False)
        return e, v

    @cached_property
    def local_basis(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Block-diagonal unitary T (n, n) diagonalising every part's block, and each part's levels.

        Column ``T[:, j]`` for ``j`` in part p is an eigenvector of ``h[p, p]``; blocks that are
        already diagonal keep the identity (no reordering), so for the single-electron
        transistor ``T`` is the identity.
        """
        h = self.single_particle_hamiltonian
        t = np.zeros_like(h)
        levels = {}
        for label, idx in self.partition.items():
            ix = np.asarray(idx)
            blk = h[np.ix_(ix, ix)]
            if np.count_nonzero(blk - np.diag(np.diag(blk))) == 0:
                e, w = np.diag(blk).real.copy(), np.eye(len(ix), dtype=h.dtype)
            else:
                e, w = np.linalg.eigh(blk)
            t[np.ix_(ix, ix)] = w
            levels[label] = e
        return t, levels

    def levels(self, label: str) -> np.ndarray:
        """Single-particle energies of the local modes of part `label`, shape (k,)."""
        self.modes(label)
        return self.local_basis[1][label]

    @cached_property
    def is_locally_diagonal(self) -> bool:
        """True when every part's block of h is diagonal (local modes = sites)."""
        t = self.local_basis[0]
        return bool(np.array_equal(t, np.eye(self.n_modes)))


def require_model(model) -> QuadraticModel:
    """Raise ParameterError unless `model` is a :class:`QuadraticModel` (returns it)."""
    if not isinstance(model, QuadraticModel):
        raise ParameterError(f"model must be a QuadraticModel, got {type(model).__name__}")
    return model


def _per_bath(name: str, value, n_baths: int) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(value))
    if arr.ndim != 1 or arr.size not in (1, n_baths):
        raise ParameterError(f"{name}={value!r} must be a scalar or a sequence of {n_baths} values")
    return np.broadcast_to(arr, (n_baths,))


def single_electron_transistor(
    levels_per_bath, bandwidth: float, coupling, dot_energy: float = 0.0
) -> QuadraticModel:
    r"""Single resonant level tunnel-coupled to baths of equally spaced levels, Eqs. (15)-(17).

    Bath :math:`\nu` has :math:`K_\nu` levels :math:`\epsilon_{\nu k} = (k-1)\Delta\epsilon_\nu - W/2`,
    :math:`\Delta\epsilon_\nu = W/(K_\nu - 1)`, and wide-band tunnel elements
    :math:`t_\nu = \sqrt{\Gamma_\nu \Delta\epsilon_\nu / 2\pi}` (Usui et al. 2024, Sec. III).
    Modes are ordered dot, L levels, R levels (Appendix B).

    Parameters
    ----------
    levels_per_bath : int or sequence of int
        :math:`K`, or one value per bath (``(K_L, K_R)``; more values give more baths,
        labelled ``L, R, B2, B3, ...``). Each :math:`K_\nu \ge 2`.
    bandwidth : float
        :math:`W > 0`.
    coupling : float or sequence of float
        :math:`\Gamma \ge 0`, or one per bath.
    dot_energy : float
        :math:`\epsilon_d`.

    Returns
    -------
    QuadraticModel
        Real symmetric h of size ``1 + sum(K_nu)``, partition ``{"system": [0], "L": ..., ...}``.

    Examples
    --------
    >>> m = single_electron_transistor(1000, bandwidth=10.0, coupling=3.0)
    >>> round(float(m.single_particle_hamiltonian[0, 1]), 6)   # sqrt(3 * (10/999) / 2 pi)
    0.069133
    """
    k_arr = np.atleast_1d(np.asarray(levels_per_bath))
    if k_arr.ndim != 1 or k_arr.size == 0 or not np.issubdtype(k_arr.dtype, np.integer):
        raise ParameterError(
            f"levels_per_bath={levels_per_bath!r} must be an integer or a sequence of integers"
        )
    if k_arr.size == 1 and np.ndim(levels_per_bath) == 0:
        k_arr = np.array([k_arr[0], k_arr[0]])
    if np.any(k_arr < 2):
        raise ParameterError(
            f"levels_per_bath={levels_per_bath!r} is outside the allowed range [2, inf) "
            "(the level spacing W/(K-1) needs K >= 2)"
        )
    require_dense_size(
        "levels_per_bath", (1 + int(k_arr.sum()),) * 2, itemsize=8 * 12
    )  # h plus ~11 n x n work arrays of an entropy_production run
    w = require_real("bandwidth", bandwidth)
    if not 0 < w <= MAX_ENERGY:
        raise ParameterError(
            f"bandwidth={bandwidth!r} is outside the allowed range (0, {MAX_ENERGY:g}]"
        )
    gam = _per_bath("coupling", as_float_array("coupling", coupling), k_arr.size).astype(float)
    require_nonnegative("coupling", gam)
    eps_d = require_real("dot_energy", dot_energy)
    if abs(eps_d) > MAX_ENERGY:
        raise ParameterError(
            f"dot_energy={dot_energy!r} is outside the representable range "
            f"[-{MAX_ENERGY:g}, {MAX_ENERGY:g}] (products of h overflow beyond it)"
        )
    n = 1 + int(k_arr.sum())
    h = np.zeros((n, n))
    h[0, 0] = eps_d
    labels = ["L", "R"] + [f"B{i}" for i in range(2, k_arr.size)]
    partition = {SYSTEM: [0]}
    start = 1
    for label, k, g in zip(labels, k_arr, gam):
        de = w / (k - 1)
        idx = np.arange(start, start + k)
        h[idx, idx] = np.arange(k) * de - w / 2
        tun = math.sqrt(g * de / (2 * math.pi))
        h[0, idx] = h[idx, 0] = tun
        partition[label] = idx.tolist()
        start += k
    return QuadraticModel(h, partition)
