"""Per-time quantities of every part of a quadratic model, computed only as far as asked.

Three cost levels (per time point, n modes, K levels per bath, m system modes):

- ``occupations``: the rows of Phi(t) (one n x n product, O(n^3) BLAS) and the local-mode
  occupations, the system block, the coupling energy and the effective beta*, mu* (O(n^2));
- ``bath_spectra``: one K x K Hermitian block and its eigvalsh per bath (O(K^2 n + K^3));
- ``joint_bath``: the spectrum of C_BB from m secular equations (O(m n^2)), or eigvalsh of the
  (n - m) x (n - m) block (O(n^3)) with :class:`Eigvalsh`.
"""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
from scipy import linalg, special

from ..errors import ConvergenceError, PhysicsWarning
from .deletion import multi_deletion_spectrum
from .dynamics import CorrelationEvolver
from .effective import _beta_mu, _ExtremeState, _natural_parameters
from .entropy import SecularEquation, binary_entropy, deletion_spectrum
from .model import QuadraticModel

# occupations within this of a limit state's 0 or 1 count as equal to it (rounding of C(t))
LIMIT_ATOL = 1e-12
# relative tolerance of the trace check of the secular joint-bath spectrum: sum(mu) = tr C_BB
TRACE_RTOL = 1e-9


def fermi_pair(levels: np.ndarray, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """(f, 1 - f) of the grand-canonical state in natural parameters (a, b) = (beta, -beta mu),
    each without cancellation (finite also at beta = 0, where mu may be infinite)."""
    x = a * levels + b
    return special.expit(-x), special.expit(x)


def bernoulli_divergence(p, q, q_bar) -> np.ndarray:
    """D[Bernoulli(p) || Bernoulli(q)] per mode (natural log); q_bar = 1 - q given separately."""
    p = np.clip(p, 0.0, 1.0)
    return special.rel_entr(p, q) + special.rel_entr(1.0 - p, q_bar)


def limit_state(levels: np.ndarray, number: float, end: int) -> tuple[np.ndarray, float]:
    """Occupations and mu* of the beta* -> +inf (end=+1, ground) or -inf (end=-1, top) limit
    of the grand-canonical family at particle number N: the N lowest (highest) levels filled,
    a partly filled (degenerate) shell shared evenly; mu* is the shell energy, or mid-gap."""
    eps = levels if end > 0 else -levels
    srt = np.sort(eps)
    full = int(np.floor(number + LIMIT_ATOL))
    full = min(full, srt.size)
    f = (eps < (srt[full] if full < srt.size else np.inf)).astype(float)
    below = int(f.sum())
    if full < srt.size:
        shell = eps == srt[full]
        f[shell] = (number - below) / np.count_nonzero(shell)
        partial = not (abs(number - below) <= LIMIT_ATOL and below == full)
        mu = srt[full] if partial or full == 0 else 0.5 * (srt[full - 1] + srt[full])
    else:
        mu = srt[-1]
    f = np.clip(f, 0.0, 1.0)
    return f, float(mu if end > 0 else -mu)


class Prepared:
    """What depends only on the model and the initial state (cached by `prepare`)."""

    def __init__(self, model: QuadraticModel, c0: np.ndarray, check: bool):
        self.model = model
        self.ev = CorrelationEvolver(model, c0, local=True, check=check)
        self.sys_rows = model.system_modes
        self.baths = model.bath_labels
        self.rows = {b: model.modes(b) for b in self.baths}
        self.levels = {b: model.levels(b) for b in self.baths}
        self.sys_levels = model.levels("system")
        self.sys_basis = model.local_basis[0][np.ix_(self.sys_rows, self.sys_rows)]
        h = model.single_particle_hamiltonian
        if model.is_locally_diagonal:
            self.c0_local, self.h_local = np.asarray(c0), h
        else:
            t = model.local_basis[0]
            self.c0_local, self.h_local = t.T @ c0 @ t.conj(), t.conj().T @ h @ t
        self.total_energy = float(np.real(np.sum(h * c0)))  # <H> = sum_ij h_ij C_ij, conserved
        self.total_number = float(np.real(np.trace(c0)))
        self.s_total = float(binary_entropy(self.ev.occupations).sum())  # conserved S_SB
        # pairs of different parts coupled by h (their blocks give the coupling energy <V>)
        labels = ("system",) + self.baths
        idx = {p: model.modes(p) for p in labels}
        self.couplings = [
            (idx[p], idx[q])
            for i, p in enumerate(labels)
            for q in labels[i + 1 :]
            if np.any(self.h_local[np.ix_(idx[p], idx[q])] != 0)
        ]
        self.initial: dict[frozenset, dict] = {}
        self._reference: tuple[float, float] | None = None

    def reference(self) -> tuple[float, float]:
        """Appendix B (beta_ref, mu_ref) from the conserved <H> and <N> (O(n^2), cached)."""
        if self._reference is None:
            from .effective import effective_temperature_chemical_potential

            self._reference = effective_temperature_chemical_potential(
                self.model.eigensystem[0], self.total_energy, self.total_number, bath="global"
            )
        return self._reference


_CACHE: dict = {}
_CACHE_SIZE = 2  # each entry holds ~3 n x n matrices (200 MB at n = 2001)


def _digest(*parts: bytes) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part)
    return h.digest()


def prepare(model: QuadraticModel, c0, check: bool) -> Prepared:
    """The cached :class:`Prepared` of (model, c0), keyed on their values (the bytes of h, the
    partition and C(0)), so that equal models built anew, e.g. at each point of a sweep, share
    it (and the eigendecomposition of h it holds)."""
    arr = np.ascontiguousarray(c0)
    h = np.ascontiguousarray(model.single_particle_hamiltonian)
    key = (
        _digest(h.data, h.dtype.str.encode(), repr(sorted(model.partition.items())).encode()),
        _digest(arr.data, arr.dtype.str.encode(), repr(arr.shape).encode()),
        check,
    )
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    prep = Prepared(model, arr, check)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = prep
    return prep


def clear_cache() -> None:
    """Forget every prepared (model, initial state) pair (frees their n x n matrices)."""
    _CACHE.clear()


class Snapshots:
    """Per-time quantities of the groups in `needs` ('bath_spectra', 'joint_bath')."""

    def __init__(self, prep: Prepared, joint_bath, needs: frozenset):
        self.p = prep
        self.joint_bath = joint_bath
        self.needs = needs
        self.fallbacks = 0
        self.guess: dict[str, tuple[float, float] | None] = {b: None for b in prep.baths}

    def initial(self) -> dict:
        """The t = 0 snapshot from C(0) itself (no propagation), cached on the Prepared."""
        cached = self.p.initial.get(self.needs)
        if cached is None:
            for key, snap in self.p.initial.items():
                if self.needs <= key:
                    cached = snap
                    break
        if cached is None:
            cached = self._snapshot(self.p.c0_local, None)
            self.p.initial[self.needs] = cached
        self.guess = {b: cached[b]["natural"] for b in self.p.baths}
        return cached

    def __call__(self, t: float) -> dict:
        return self._snapshot(None, self.p.ev.eigenvectors(t))

    def _block(self, c_local, phi, rows, cols=None):
        if c_local is not None:
            return c_local[np.ix_(rows, rows if cols is None else cols)]
        occ = self.p.ev.occupations
        other = phi[rows] if cols is None else phi[cols]
        return (phi[rows] * occ) @ other.conj().T

    def _snapshot(self, c_local, phi) -> dict:
        p = self.p
        out: dict = {}
        c_ss = self._block(c_local, phi, p.sys_rows)
        out["system_entropy"] = float(binary_entropy(linalg.eigvalsh(c_ss)).sum())
        w = p.sys_basis  # site occupations n_d = diag(conj(W) C_SS^local W^T)
        n_d = np.einsum("ij,jk,ik->i", w.conj(), c_ss, w).real
        out["system_occupation"] = np.clip(n_d, 0.0, 1.0)
        out["system_energy"] = float(p.sys_levels @ np.diag(c_ss).real)
        out["interaction_energy"] = float(
            sum(
                2.0 * np.real(np.sum(p.h_local[np.ix_(a, b)] * self._block(c_local, phi, a, b)))
                for a, b in p.couplings
            )
        )
        occ_all = None if c_local is not None else (np.abs(phi) ** 2) @ p.ev.occupations
        for b in p.baths:
            ix = p.rows[b]
            occ = np.diag(c_local[np.ix_(ix, ix)]).real if c_local is not None else occ_all[ix]
            out[b] = self._bath(b, np.clip(occ, 0.0, 1.0))
            if "bath_spectra" in self.needs:
                if c_local is not None:
                    blk = c_local[np.ix_(ix, ix)]
                    diag = np.count_nonzero(blk - np.diag(np.diag(blk))) == 0
                    lam = np.diag(blk).real if diag else linalg.eigvalsh(blk)
                else:  # upper triangle only (BLAS herk: half the flops of a full product)
                    lam = linalg.eigvalsh(p.ev.hermitian_block_upper(phi[ix]), lower=False)
                out[b]["bath_entropy"] = float(binary_entropy(np.clip(lam, 0.0, 1.0)).sum())
        if "joint_bath" in self.needs:
            n_b = sum(out[b]["particle_number"] for b in p.baths)
            out["joint_bath_entropy"] = self._joint_bath_entropy(c_local, phi, n_b)
        return out

    def _bath(self, b: str, occ: np.ndarray) -> dict:
        lev = self.p.levels[b]
        e, n = float(lev @ occ), float(occ.sum())
        res = {"occupations": occ, "energy": e, "particle_number": n,
               "mode_entropy_sum": float(binary_entropy(occ).sum())}
        try:
            nat = _natural_parameters(lev, e, n, bath=b, start=self.guess[b])
        except _ExtremeState as err:
            f, mu = limit_state(lev, n, err.end)
            snapped = np.where(np.abs(occ - f) <= LIMIT_ATOL, f, occ)
            res.update(natural=None, limit=err.end, beta_eff=err.end * np.inf, mu_eff=mu,
                       fermi=(f, 1.0 - f), gc_entropy=float(binary_entropy(f).sum()),
                       local_athermality=float(bernoulli_divergence(snapped, f, 1.0 - f).sum()))
            return res
        self.guess[b] = nat
        f, f_bar = fermi_pair(lev, *nat)
        beta, mu = _beta_mu(*nat)
        res.update(natural=nat, limit=0, beta_eff=beta, mu_eff=mu, fermi=(f, f_bar),
                   gc_entropy=float((special.entr(f) + special.entr(f_bar)).sum()),
                   local_athermality=float(bernoulli_divergence(occ, f, f_bar).sum()))
        return res

    def _joint_bath_entropy(self, c_local, phi, n_bath: float) -> float:
        p = self.p
        rows = np.concatenate([p.rows[b] for b in p.baths])
        if c_local is not None:  # t = 0: the block of C(0) itself
            blk = c_local[np.ix_(rows, rows)]
            if np.count_nonzero(blk - np.diag(np.diag(blk))) == 0:
                return float(binary_entropy(np.diag(blk).real).sum())
            return float(binary_entropy(linalg.eigvalsh(blk)).sum())
        if isinstance(self.joint_bath, SecularEquation):
            why = None
            try:
                if p.sys_rows.size == 1:
                    w = np.abs(phi[p.sys_rows[0]]) ** 2
                    mu = deletion_spectrum(p.ev.occupations, w, method=self.joint_bath)
                else:
                    mu = multi_deletion_spectrum(
                        p.ev.occupations, phi[p.sys_rows], method=self.joint_bath
                    )
                err = abs(float(mu.sum()) - n_bath)
                if err <= TRACE_RTOL * max(1.0, n_bath):
                    return float(binary_entropy(mu).sum())
                why = f"its spectrum misses tr C_BB = {n_bath:.12g} by {err:.3g}"
            except ConvergenceError as exc:
                why = str(exc)
            self.fallbacks += 1
            warnings.warn(
                f"joint-bath entropy: the secular equation failed ({why}); using eigvalsh of "
                f"the {rows.size} x {rows.size} bath block instead (O(n^3), slower)",
                PhysicsWarning,
                stacklevel=4,
            )
        up = p.ev.hermitian_block_upper(phi[rows])
        return float(binary_entropy(linalg.eigvalsh(up, lower=False)).sum())


__all__ = ["Prepared", "Snapshots", "clear_cache", "prepare"]
