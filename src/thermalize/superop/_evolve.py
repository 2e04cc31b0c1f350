"""`evolve`: rho(t) = exp(tL) rho0 by one eigendecomposition (small) or Krylov action (large)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import expm_multiply

from ..errors import ParameterError, as_float_array, require_finite
from ._convert import _from_qobj, _is_qobj, _to_qobj_oper
from ._steady_state import _check_generator

__all__ = ["evolve", "EIG_MAX_DIM"]

#: Dense generators with d <= EIG_MAX_DIM are evolved through one eigendecomposition
#: (O(d^6), a few ms at d = 16); larger or sparse ones by Krylov action (expm_multiply).
EIG_MAX_DIM = 16


def _krylov(m, vec: np.ndarray, t: np.ndarray) -> np.ndarray:
    """States at every t by expm_multiply: one call on a uniform grid, else sorted steps."""
    order = np.argsort(t)
    ts = t[order]
    out = np.empty((t.size, vec.size), dtype=complex)
    steps = np.diff(ts)
    if t.size > 2 and ts[0] == 0.0 and np.allclose(steps, steps[0], rtol=1e-12, atol=0):
        out[order] = expm_multiply(m, vec, start=0.0, stop=ts[-1], num=t.size, endpoint=True)
        return out
    t_prev = 0.0
    for i, ti in zip(order, ts):
        vec = expm_multiply(m * (ti - t_prev), vec) if ti != t_prev else vec
        out[i], t_prev = vec, ti
    return out


def evolve(generator, rho0, times, *, check: bool = True):
    r"""Solution :math:`\rho(t) = e^{t\mathcal{L}}\rho_0` at all `times` at once.

    Parameters
    ----------
    generator : ndarray (d*d, d*d) or (d, d, d, d), scipy.sparse matrix, or QuTiP super Qobj
    rho0 : ndarray, shape (d, d), or Qobj
        Density matrix (Hermitian, positive semidefinite, unit trace; checked unless
        ``check=False``, e.g. to propagate a traceless operator).
    times : array_like, shape (nt,)
        Any real times (need not be sorted or uniform).
    check : bool
        Validate `rho0` as a density matrix (`thermalize.quantum.validate_density_matrix`).

    Returns
    -------
    ndarray, shape (nt, d, d), complex128
        (a list of Qobj if rho0 is a Qobj)

    Notes
    -----
    Small dense generators (d <= `EIG_MAX_DIM`): one eigendecomposition L = V diag(lambda)
    V^-1 serves every time; if V is ill-conditioned (cond > 1e8, L close to
    non-diagonalisable) the Krylov route is taken instead. Sparse or larger generators use
    ``scipy.sparse.linalg.expm_multiply``: one call for a uniform grid starting at 0,
    otherwise one call between consecutive sorted times.

    Examples
    --------
    >>> from thermalize.superop import liouvillian
    >>> sm = np.array([[0.0, 1.0], [0.0, 0.0]])
    >>> L = liouvillian(np.zeros((2, 2)), [sm], [1.0])
    >>> round(float(evolve(L, np.diag([0.0, 1.0]), [np.log(2)])[0, 1, 1].real), 12)
    0.5
    """
    from ..quantum import validate_density_matrix  # quantum sits beside superop, no cycle

    q = _is_qobj(rho0)
    if check is not True and check is not False and not isinstance(check, np.bool_):
        raise ParameterError(f"check must be True or False, got {check!r}")
    m, d = _check_generator(generator)
    if m.ndim != 2:
        raise ParameterError(f"evolve takes one generator, got batch shape {m.shape[:-2]}")
    r0 = _from_qobj(rho0) if q else np.asarray(rho0)
    if r0.shape != (d, d):
        raise ParameterError(f"rho0 must have shape ({d}, {d}), got shape {r0.shape}")
    if r0.dtype.kind not in "biufc":
        raise ParameterError(f"rho0 must be a numeric matrix, got dtype {r0.dtype}")
    require_finite("rho0", r0)
    if check:
        validate_density_matrix(r0, name="rho0")
    t = as_float_array("times", times)
    if t.ndim > 1:
        raise ParameterError(f"times must be a number or a 1D array, got shape {t.shape}")
    t = np.atleast_1d(t)
    vec = r0.ravel().astype(complex)
    out = None
    if not sp.issparse(m) and d <= EIG_MAX_DIM:
        lam, v = np.linalg.eig(m)
        # a stationary eigenvalue comes out as ~eps ||L|| instead of 0; at |t| ~ 1e308 its
        # exp(t lambda) would overflow against a zero coefficient (NaN): snap such real parts
        # to 0 (a decay rate that small is below the eigensolver's resolution anyway)
        scale = float(np.max(np.abs(lam))) if lam.size else 0.0
        lam = np.where(np.abs(lam.real) <= 1e3 * np.finfo(float).eps * scale, 1j * lam.imag, lam)
        if np.linalg.cond(v) < 1e8:
            c = np.linalg.solve(v, vec)
            with np.errstate(over="ignore", invalid="ignore"):
                z = np.outer(t, lam)
                mag = np.exp(z.real)  # a decayed mode is 0 whatever its (overflowing) phase
                ez = np.where(mag == 0.0, 0.0, mag * np.exp(1j * z.imag))
                out = np.einsum("ik,tk->ti", v, ez * c)  # non-finite: ParameterError below
    if out is None:
        out = _krylov(m, vec, t)
    with np.errstate(invalid="ignore", over="ignore"):
        bad = ~np.all(np.isfinite(out), axis=1)
    if np.any(bad):
        raise ParameterError(
            f"times: exp(t L) rho0 is outside the float64 range at t={t[bad][0]!r} (evolution "
            "backwards in time, or an unstable generator, grows like exp(|t| max Re lambda))"
        )
    states = out.reshape(t.size, d, d)
    if q:
        return [_to_qobj_oper(s, rho0) for s in states]
    return states
