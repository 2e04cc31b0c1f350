"""Populations of a birth-death (tridiagonal) rate equation by uniformization."""

from __future__ import annotations

import numpy as np
from scipy import stats

from ..errors import (
    ParameterError,
    as_float_array,
    require_dense_size,
    require_nonnegative,
    require_positive,
    require_real,
)

__all__ = ["birth_death_evolve", "birth_death_generator", "birth_death_stationary"]

#: 1-norm distance to the stationary populations below which later times return them: rounding
#: of ~1e5 uniformization products accumulates to ~1e-14, so a tighter cut-off never fires.
#: The cut-off grows with the dimension d (`_stationary_tol`): the 1-norm sums d entries, each
#: with its own rounding error of a few eps relative to the mass.
_STATIONARY_TOL = 1e-12
#: Per-level rounding allowance of the scaled cut-off, in units of the machine epsilon.
_STATIONARY_EPS_PER_LEVEL = 64.0


def _stationary_tol(d: int) -> float:
    """Stationarity cut-off for a ladder of d levels: max(1e-12, 64 d eps) (2.8e-11 at d = 2001)."""
    return max(_STATIONARY_TOL, _STATIONARY_EPS_PER_LEVEL * d * np.finfo(float).eps)

#: Up to this dimension the propagator e^{dt W} of each distinct output interval is built once as
#: a dense (non-negative) matrix and reused; above it, vectors are propagated term by term.
_DENSE_MAX = 256

#: Large ladders are propagated on a window around the populated levels: entries below
#: _WINDOW_FLOOR (relative to the column's mass) are set to zero, an absolute error of at most
#: d * 1e-20 per sub-step, and the window extends _WINDOW_MARGIN levels beyond them, more than
#: the number of Poisson terms of a sub-step, so no probability can leave it. The uniformization
#: rate is then the largest exit rate inside the window, not of the whole ladder.
_WINDOW_FLOOR = 1e-20
_WINDOW_MARGIN = 128

#: Largest Lambda*h per uniformization sub-step: the Poisson weights e^{-Lambda h}(Lambda h)^n/n!
#: stay far above underflow (e^{-400} ~ 2e-174) while the truncation overhead stays small.
_MAX_POISSON_MEAN = 400.0

#: Most uniformization sub-steps of the windowed path for a reducible ladder (no stationary
#: shortcut): ~1e6 sub-steps of O(window) work are minutes; beyond, ParameterError (no hang).
_MAX_WINDOWED_STEPS = 10**6


def _vec_columns(p: np.ndarray) -> int:
    """Number of independent columns of p0 (1 for a vector)."""
    return 1 if p.ndim == 1 else int(p.shape[1])


def _check_rates(up, down) -> tuple[np.ndarray, np.ndarray]:
    u = as_float_array("up", up, ndim=1)
    w = as_float_array("down", down, ndim=1)
    if u.shape != w.shape or u.size == 0:
        raise ParameterError(
            f"up and down must be non-empty and of equal shape, got {u.shape}, {w.shape}"
        )
    require_nonnegative("up", u)
    require_nonnegative("down", w)
    if u[-1] != 0 or w[0] != 0:
        raise ParameterError(
            f"up[-1]={u[-1]!r} and down[0]={w[0]!r} must be 0 (no rate out of the ladder)"
        )
    return u, w


def birth_death_generator(up, down) -> np.ndarray:
    r"""Dense rate matrix W of :math:`\dot P = W P` (Eq. (11) of Gaida et al. 2025) for a ladder.

    Parameters
    ----------
    up, down : ndarray, shape (d,)
        ``up[i]`` is the rate i -> i+1 (``up[-1] = 0``), ``down[i]`` the rate i -> i-1
        (``down[0] = 0``).

    Returns
    -------
    ndarray, shape (d, d), float64
        Columns sum to zero; ``W[i1, i]`` is the rate i -> i1 for i1 != i.

    Examples
    --------
    >>> birth_death_generator([1.0, 0.0], [0.0, 2.0])
    array([[-1.,  2.],
           [ 1., -2.]])
    """
    u, w = _check_rates(up, down)
    require_dense_size("up/down (the (d, d) generator)", (u.size, u.size), itemsize=8)
    return np.diag(-(u + w)) + np.diag(u[:-1], -1) + np.diag(w[1:], 1)


def birth_death_stationary(up, down) -> np.ndarray:
    r"""Stationary populations :math:`\pi_{i+1}/\pi_i = u_i / w_{i+1}` (detailed balance).

    Computed in log space, so ladders whose populations span more than 1e308 work.

    Parameters
    ----------
    up, down : ndarray, shape (d,)
        As in `birth_death_generator`; all inner rates must be positive (irreducible chain).

    Returns
    -------
    ndarray, shape (d,), float64

    Examples
    --------
    >>> birth_death_stationary([1.0, 0.0], [0.0, 2.0]).round(6)
    array([0.666667, 0.333333])
    """
    u, w = _check_rates(up, down)
    if u.size > 1:
        require_positive("up[:-1]", u[:-1])
        require_positive("down[1:]", w[1:])
    logp = np.concatenate([[0.0], np.cumsum(np.log(u[:-1]) - np.log(w[1:]))])
    p = np.exp(logp - logp.max())
    return p / p.sum()


def _normalised(m: np.ndarray) -> np.ndarray:
    """Columns rescaled to sum 1 (a column-stochastic matrix, up to rounding)."""
    return m / m.sum(axis=0, keepdims=True)


def _stochastic_power(m: np.ndarray, n: int) -> np.ndarray:
    """m^n of a column-stochastic m by squaring, columns renormalised after each product.

    Without renormalisation, rounding grows like (1 + eps)^n: n ~ 1e297 sub-steps (rates
    ~1e299, t = 1) overflowed to NaN. Once all columns of a square agree to rounding it is
    the rank-one limit pi 1^T, which absorbs every other factor (pi 1^T A = pi 1^T for a
    stochastic A), so the squarings stop there.
    """
    result, base = None, _normalised(m)
    while n:
        if n & 1:
            result = base if result is None else _normalised(base @ result)
        n >>= 1
        if n:
            sq = _normalised(base @ base)
            # rank-one limit: every column (initial level) has the same image, to rounding
            if np.abs(sq - sq[:, :1]).max() <= 16 * np.finfo(float).eps:
                return sq if result is None else _normalised(sq @ result)
            base = sq
    return result


def _poisson_weights(mu: float, tol: float, cache: dict) -> np.ndarray:
    wts = cache.get(mu)
    if wts is None:
        n = int(stats.poisson.isf(tol, mu)) + 2
        wts = stats.poisson.pmf(np.arange(n), mu)
        wts = wts / wts.sum()  # the dropped tail (< tol) is spread: mass is conserved
        cache[mu] = wts
    return wts


def _max_window_mean(tol: float, cache: dict) -> float:
    """Largest Poisson mean whose truncated series has fewer terms than _WINDOW_MARGIN."""
    key = ("max_mean", tol)
    if key not in cache:
        lo, hi = 0.0, float(_WINDOW_MARGIN)
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if stats.poisson.isf(tol, mid) + 2 < _WINDOW_MARGIN else (lo, mid)
        cache[key] = lo
    return cache[key]


def _poisson_series(v: np.ndarray, st, uq, dq, wts: np.ndarray) -> np.ndarray:
    """Uniformization sum  sum_n wts[n] Q^n v  for the tridiagonal stochastic matrix Q.

    Q has diagonal `st`, sub-diagonal `uq` (level i -> i+1) and super-diagonal `dq`
    (i+1 -> i); every term is non-negative, so no cancellation occurs. `v` is (d,) or (d, k).
    """
    acc = wts[0] * v
    term, new, buf = v.copy(), np.empty_like(v), np.empty_like(v)
    for wn in wts[1:]:
        np.multiply(st, term, out=new)
        np.multiply(uq, term[:-1], out=buf[1:])
        new[1:] += buf[1:]
        np.multiply(dq, term[1:], out=buf[:-1])
        new[:-1] += buf[:-1]
        term, new = new, term
        np.multiply(wn, term, out=buf)
        acc += buf
    return acc


def _windowed_step(
    v: np.ndarray, dt: float, u, w, exit_rate, tol: float, cache: dict, target=None
) -> np.ndarray:
    """Propagate one column over dt by uniformization restricted to a moving window.

    If `target` (the stationary column, same mass) is given, stop as soon as the column is
    within `_stationary_tol(d)` of it (1-norm, relative to the mass) and return it: the distance
    cannot grow under the dynamics, so the cost is capped by the relaxation time, not by dt.
    """
    d = v.size
    v = v.copy()
    mass = v.sum()
    stol = _stationary_tol(d)
    mu_max = _max_window_mean(tol, cache)
    remaining = dt
    while remaining > 0:
        if target is not None and np.abs(v - target).sum() <= stol * mass:
            return target.copy()
        floor = _WINDOW_FLOOR * v.sum()
        v[v < floor] = 0.0
        nz = np.flatnonzero(v)
        lo, hi = max(0, nz[0] - _WINDOW_MARGIN), min(d - 1, nz[-1] + _WINDOW_MARGIN)
        lam = float(exit_rate[lo : hi + 1].max())
        if lam == 0.0:
            return v
        h = min(remaining, mu_max / lam)
        remaining = remaining - h if h < remaining else 0.0
        wts = _poisson_weights(lam * h, tol, cache)
        st = 1.0 - exit_rate[lo : hi + 1] / lam
        uq, dq = u[lo:hi] / lam, w[lo + 1 : hi + 1] / lam
        v[lo : hi + 1] = _poisson_series(v[lo : hi + 1], st, uq, dq, wts)
        # conservative scheme: Q is stochastic, so the exact step keeps the mass; restoring it
        # removes the ~1e-12 drift of rounding and of the window floor (issue 18, item 1)
        total = v.sum()
        if total > 0:
            v *= mass / total
    return v


def birth_death_evolve(up, down, p0, times, *, tol: float = 1e-14) -> np.ndarray:
    r"""Solve :math:`\dot P = W P` for a tridiagonal W at all `times` (uniformization).

    :math:`e^{tW} = \sum_n \mathrm{Poisson}(n; \Lambda t)\, Q^n` with the stochastic matrix
    :math:`Q = 1 + W/\Lambda`, :math:`\Lambda = \max_i (u_i + w_i)` (Jensen's method). All
    terms are non-negative, so no cancellation occurs even when the stationary populations
    span hundreds of orders of magnitude (where eigenvector methods lose every digit).

    Parameters
    ----------
    up, down : ndarray, shape (d,)
        Rates as in `birth_death_generator`.
    p0 : ndarray, shape (d,) or (d, k)
        Initial populations (k independent columns allowed).
    times : array_like, shape (nt,)
        Times >= 0, any order.
    tol : float
        Poisson tail mass dropped per sub-step (absolute error per sub-step in the 1-norm).
        Once the state is within max(1e-12, 64 d eps) (1-norm) of the stationary populations,
        later times return them directly (the 1-norm distance cannot grow under the dynamics).
        Every step restores each column's mass, so probability is conserved to rounding.

    Returns
    -------
    ndarray, shape (nt, d) or (nt, d, k), float64

    Notes
    -----
    Cost: for d <= 256 one dense propagator per distinct output interval (uniform time grids
    need one), built from ~1.5 Lambda dt tridiagonal products on a (d, d) block; for larger
    d about 1.5 Lambda t_max products of O(d k) work, capped by the relaxation time through the
    stationary cut-off.

    Examples
    --------
    >>> p = birth_death_evolve([1.0, 0.0], [0.0, 0.0], [1.0, 0.0], [np.log(2)])
    >>> p.round(12)
    array([[0.5, 0.5]])
    """
    u, w = _check_rates(up, down)
    d = u.size
    p = as_float_array("p0", p0)
    if p.shape[0] != d or p.ndim not in (1, 2):
        raise ParameterError(f"p0 must have shape ({d},) or ({d}, k), got {p.shape}")
    require_nonnegative("p0", p)
    t = (
        as_float_array("times", times, ndim=1)
        if np.ndim(times)
        else as_float_array("times", [times], ndim=1)
    )
    require_nonnegative("times", t)
    tol = require_real("tol", tol)
    require_positive("tol", tol)
    require_dense_size("birth_death_evolve result", (t.size,) + p.shape, itemsize=8)
    exit_rate = u + w
    lam = float(exit_rate.max())
    out = np.empty((t.size,) + p.shape)
    if lam == 0.0:
        out[:] = p
        return out
    stay = (1.0 - exit_rate / lam)[:, None]
    upq = (u[:-1] / lam)[:, None]
    downq = (w[1:] / lam)[:, None]
    irreducible = d == 1 or (np.all(u[:-1] > 0) and np.all(w[1:] > 0))
    pi = birth_death_stationary(u, w)[:, None] if irreducible else None
    if pi is None and d > _DENSE_MAX and t.size:
        steps = lam * float(t.max()) / _max_window_mean(tol, {}) * _vec_columns(p)
        if steps > _MAX_WINDOWED_STEPS:
            raise ParameterError(
                f"times: t = {float(t.max()):.3g} on this reducible ladder (a zero inner rate, "
                f"so no stationary shortcut) needs ~{steps:.2g} uniformization sub-steps, above "
                f"the cap of {_MAX_WINDOWED_STEPS:.0e}; use shorter times"
            )
    vec = p.reshape(d, -1).copy()
    mass = vec.sum(axis=0, keepdims=True)
    weights_cache: dict = {}

    stay1, upq1, downq1 = stay[:, 0], upq[:, 0], downq[:, 0]

    def series(v: np.ndarray, wts: np.ndarray) -> np.ndarray:
        """sum_n wts[n] Q^n v for v of shape (d,) or (d, k) (all terms non-negative)."""
        st, uq, dq = (stay1, upq1, downq1) if v.ndim == 1 else (stay, upq, downq)
        return _poisson_series(v, st, uq, dq, wts)

    def weights(h: float) -> np.ndarray:
        return _poisson_weights(lam * h, tol, weights_cache)

    stol = _stationary_tol(d)

    def close_to_stationary(v: np.ndarray) -> bool:
        return pi is not None and np.abs(v - pi * mass).sum() <= stol * mass.sum()

    def renormalise(v: np.ndarray) -> np.ndarray:
        """Restore each column's mass (the exact propagator conserves it; rounding does not)."""
        total = v.sum(axis=0, keepdims=True)
        return v * np.where(total > 0, mass / np.where(total > 0, total, 1.0), 1.0)

    propagators: dict[float, np.ndarray] = {}
    order = np.argsort(t, kind="stable")
    t_prev, converged = 0.0, False
    for idx in order:
        dt = t[idx] - t_prev
        if dt > 0 and not converged:
            n_sub = max(1, int(np.ceil(lam * dt / _MAX_POISSON_MEAN)))
            h = dt / n_sub
            if d <= _DENSE_MAX:
                # equal intervals (to 1e-13 relative) share one dense propagator e^{dt W}
                key = float(f"{dt:.13e}")
                prop = propagators.get(key)
                if prop is None:
                    prop = _stochastic_power(series(np.eye(d), weights(h)), n_sub)
                    propagators[key] = prop
                vec = renormalise(prop @ vec)
                if close_to_stationary(vec):
                    vec, converged = pi * mass, True
            else:
                for c in range(vec.shape[1]):
                    target = None if pi is None else pi[:, 0] * mass[0, c]
                    vec[:, c] = _windowed_step(
                        vec[:, c], dt, u, w, exit_rate, tol, weights_cache, target
                    )
                if close_to_stationary(vec):
                    vec, converged = pi * mass, True
        out[idx] = vec.reshape(p.shape)
        t_prev = t[idx]
    return out
