"""`steady_state`: dispatch on the method object, degeneracy detection, the result type."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import ConvergenceError, NonUniqueSteadyStateError, ParameterError
from . import _hermitian_gmres, _sparse
from ._convert import _densify, _is_qobj, _to_qobj_oper, to_matrix
from ._dense import hermitian_span, kernel_basis, solve_dense, solve_small
from ._methods import (
    GMRES,
    LGMRES,
    SINGULAR_RCOND,
    BiCGSTAB,
    Direct,
    Propagate,
    ShiftInvert,
    SparseLU,
    SteadyState,
)

__all__ = ["steady_state", "KRYLOV_ABOVE", "BANDED_LU_WORK"]

#: Default method rule: a dense generator uses Direct(); a sparse one SparseLU() up to
#: n = d^2 = KRYLOV_ABOVE unknowns (d = 32), or above it when the generator is banded after a
#: reverse Cuthill-McKee ordering with n * bandwidth^2 <= BANDED_LU_WORK (a banded LU then
#: costs at most that many operations: rate-equation ladders, tridiagonal chains of levels;
#: a spin-60 gas ladder, n = 14641, bandwidth 1, takes 0.06 s instead of 10 s by GMRES), and
#: GMRES(preconditioner="sylvester") otherwise, where the fill-in of a complete LU grows like
#: a dense matrix (measured on a spin chain: SuperLU 2.5-6 s at d = 128, 470 s and 6 GB at
#: d = 256; the preconditioned GMRES 0.8 s).
KRYLOV_ABOVE = 32 * 32
#: A sparse generator whose reverse Cuthill-McKee bandwidth b satisfies n b^2 <= this work
#: estimate is solved by sparse LU even above `KRYLOV_ABOVE`: band-like generators (spin
#: ladders) have little fill-in, and Krylov methods stall on them (J = 150 ladder: 1000 GMRES
#: iterations at residual 1e-4, against 0.47 s by LU).
BANDED_LU_WORK = 1e7

#: Up to this many unknowns a degeneracy found by the GMRES probes is counted exactly by a
#: dense SVD; above it the probes' kernel vectors are the basis (shift-invert Arnoldi to
#: machine precision needed 59,000 iterations, 214 s, on a degenerate d = 64 chain).
_EXACT_KERNEL_MAX = 32 * 32

_SMALL = {k * k: k for k in range(1, 9)}  # n -> d for the small-matrix fast path


def _check_generator(generator):
    """(matrix, d): dense (..., n, n) ndarray or CSR, finite."""
    m = to_matrix(generator, name="generator")
    if sp.issparse(m):
        if not np.all(np.isfinite(m.data)):
            raise ParameterError("generator must be finite (no NaN or inf)")
    elif not np.isfinite(m).all():
        raise ParameterError("generator must be finite (no NaN or inf)")
    return m, int(round(np.sqrt(m.shape[-1])))


def _banded(m) -> bool:
    """Whether n * bandwidth^2 <= BANDED_LU_WORK after reverse Cuthill-McKee, in O(nnz)."""
    n = m.shape[0]
    row_nnz = np.diff(sp.csr_matrix(m).indptr)
    low = (int(row_nnz.max()) - 1) // 2 if n else 0  # a row with r entries: bandwidth >= (r-1)/2
    if n * low**2 > BANDED_LU_WORK:
        return False
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    pattern = sp.csr_matrix((np.ones(m.nnz), m.indices, m.indptr), shape=m.shape)
    pattern = (pattern + pattern.T).tocsr()
    perm = reverse_cuthill_mckee(pattern, symmetric_mode=True)
    inv = np.empty(n, dtype=np.int64)
    inv[perm] = np.arange(n)
    c = pattern.tocoo()
    band = int(np.abs(inv[c.row] - inv[c.col]).max()) if c.nnz else 0
    return n * band**2 <= BANDED_LU_WORK


def _default_method(m):
    if not sp.issparse(m):
        return Direct()
    if m.shape[0] <= KRYLOV_ABOVE or _banded(m):
        return SparseLU()
    return GMRES(preconditioner="sylvester")


def _kernel_any(m, d: int, k: int = 3):
    """Kernel basis of one generator: dense SVD when small; above that the GMRES probes for a
    Hermiticity-preserving generator (shift-invert Arnoldi needed 36-210 s on a degenerate
    d = 64 chain, whose next eigenvalues form a cluster), else shift-invert Arnoldi."""
    if d * d <= _EXACT_KERNEL_MAX:
        return kernel_basis(_densify("generator", m) if sp.issparse(m) else m, d)
    if _hermitian_gmres.preserves_hermiticity(m, d):
        try:
            x, found = _hermitian_gmres.solve(m, d, _sparse.no_jump_part(m, d),
                                              GMRES(preconditioner="sylvester"))
            return hermitian_span(np.stack([x.reshape(d, d)] + (found or [])))
        except ConvergenceError:
            pass  # the Krylov route stalls (band-like generators): Arnoldi instead
    basis, _, _ = _sparse.kernel_of(m, d, k=k)
    return basis


def _solve_one(m, d: int, method):
    """(state (d, d) or None, kernel basis if degenerate else None) for one generator."""
    match method:
        case SparseLU(permc_spec=spec):
            x, suspicious = _sparse.solve_splu(m, d, spec)
            if not suspicious:
                return x.reshape(d, d), None
            basis = _kernel_any(m, d)
            if basis.shape[0] == 1:
                return (x.reshape(d, d) if x is not None else _sparse.state_from_kernel(basis)), None
            return None, basis
        case GMRES(preconditioner="sylvester") if _hermitian_gmres.preserves_hermiticity(m, d):
            x, found = _hermitian_gmres.solve(m, d, _sparse.no_jump_part(m, d), method)
            if found is None:
                return x.reshape(d, d), None
            if d * d > _EXACT_KERNEL_MAX:  # the probes' kernel vectors span the basis
                return None, hermitian_span(np.stack([x.reshape(d, d)] + found))
            basis = _kernel_any(m, d)  # exact count: dense SVD
            return (x.reshape(d, d), None) if basis.shape[0] == 1 else (None, basis)
        case GMRES() | BiCGSTAB() | LGMRES():
            x, degenerate = _sparse.solve_krylov(m, d, method)
            if not degenerate:
                return x.reshape(d, d), None
            basis = _kernel_any(m, d)  # confirm: an ill-conditioned regular L also moves x
            if basis.shape[0] == 1:
                return (x.reshape(d, d) if x is not None else _sparse.state_from_kernel(basis)), None
            return None, basis
        case ShiftInvert(k=k, kernel_tol=tol, max_iter=it):
            basis, lam, scale = _sparse.kernel_of(m, d, k, tol, it)
            unstable = lam.real > tol * scale
            if np.any(unstable):
                raise ConvergenceError(
                    f"generator is unstable: eigenvalue {lam[unstable][0]:.3g} has a positive "
                    "real part (not a valid Lindblad generator)"
                )
            if basis.shape[0] == 0:
                raise ConvergenceError(
                    f"ShiftInvert found no eigenvalue within kernel_tol={tol:g} * ||L||_1 of "
                    f"zero; nearest |lambda| = {np.abs(lam).min():.3g} (||L||_1 = {scale:.3g})"
                )
            if basis.shape[0] == 1:
                return _sparse.state_from_kernel(basis), None
            return None, basis
        case Propagate():
            x = _sparse.propagate(m, d, method)
            g = np.random.default_rng(2).standard_normal((d, d))  # fixed second start
            other = np.diag(np.abs(np.diag(g)) + 0.1).astype(complex)
            x2 = _sparse.propagate(m, d, method, (other / np.trace(other)).ravel())
            if np.abs(x2 - x).sum() > max(1e-8, 1e3 * method.tol):
                return None, _kernel_any(m, d)
            return x.reshape(d, d), None
        case _:
            raise TypeError(
                "method must be Direct(), SparseLU(), GMRES(), BiCGSTAB(), LGMRES(), "
                f"ShiftInvert() or Propagate(), got {method!r}"
            )


def _degenerate(kernel, batch, bad, full_output, states, residual, method):
    if not full_output:
        where = f" (batch item {bad})" if batch else ""
        raise NonUniqueSteadyStateError(
            f"generator{where} has a {kernel.shape[0]}-dimensional kernel: the steady state is "
            f"not unique (degenerate kernel, {type(method).__name__}); pass full_output=True "
            "to get the kernel basis",
            kernel.shape[0],
        )
    return SteadyState(state=states, residual=residual, kernel_dimension=kernel.shape[0],
                       kernel=kernel, method=method)


def steady_state(generator, *, method=None, full_output: bool = False):
    r"""Stationary state :math:`\mathcal{L}\rho = 0`, :math:`\mathrm{tr}\,\rho = 1`.

    Parameters
    ----------
    generator : ndarray (..., d*d, d*d) or (..., d, d, d, d), scipy.sparse matrix, or Qobj
        Generator(s) of trace-preserving dynamics; leading axes of an ndarray are a batch,
        solved in one vectorised LAPACK call (Direct).
    method : Direct, SparseLU, GMRES, BiCGSTAB, LGMRES, ShiftInvert or Propagate, optional
        Default: Direct() for a dense generator, SparseLU() for a sparse one with at most
        `KRYLOV_ABOVE` unknowns or a narrow band (`BANDED_LU_WORK`),
        ``GMRES(preconditioner="sylvester")`` otherwise.
    full_output : bool
        Return a `SteadyState` (state, residual, kernel) instead of the state alone; with a
        degenerate kernel this returns its basis instead of raising.

    Returns
    -------
    ndarray, shape (..., d, d), or SteadyState, or Qobj if a Qobj was passed.

    Raises
    ------
    NonUniqueSteadyStateError
        (a ConvergenceError and a ParameterError) when the kernel of the generator is more
        than one-dimensional and not full_output; ``kernel_dimension`` says how many.
    ConvergenceError
        An iterative method reached its cap (iteration count and last residual in the
        message), or the generator is unstable (an eigenvalue with positive real part).

    Notes
    -----
    Every method solves the same bordered system (row (0,0) of L replaced by the trace) or
    its eigen-problem; the residual ``max|(L rho)_jk|`` is reported by ``full_output``. A
    single generator with d <= 8 takes a fast path (LAPACK getrf/getrs, the condition
    estimate only when a pivot is small) that costs little more than a bare
    ``numpy.linalg.solve``.

    Examples
    --------
    >>> from thermalize.superop import SparseLU, liouvillian
    >>> sm = np.array([[0.0, 1.0], [0.0, 0.0]])
    >>> L = liouvillian(np.diag([0.0, 1.0]), [sm, sm.T], [2.0, 1.0])  # down 2, up 1
    >>> np.round(steady_state(L).diagonal().real, 12)
    array([0.66666667, 0.33333333])
    >>> np.round(steady_state(L, method=SparseLU()).diagonal().real, 12)
    array([0.66666667, 0.33333333])
    """
    if full_output is not False and full_output is not True \
            and not isinstance(full_output, np.bool_):
        raise ParameterError(f"full_output must be True or False, got {full_output!r}")
    if (
        type(generator) is np.ndarray
        and generator.ndim == 2
        and not full_output
        and (method is None or type(method) is Direct)
        and generator.shape[0] == generator.shape[1]
        and generator.shape[0] in _SMALL
        and generator.dtype.kind in "fc"
    ):
        rho = solve_small(generator, _SMALL[generator.shape[0]])
        if rho is not None:
            return rho if generator.dtype.kind == "c" else rho.real
    q = _is_qobj(generator)
    m, d = _check_generator(generator)
    method = _default_method(m) if method is None else method
    if sp.issparse(m):
        batch, items = (), [m]
    else:
        batch = m.shape[:-2]
        items = m.reshape((-1, d * d, d * d))
    kernel, bad = None, None
    if type(method) is Direct:
        mb = _densify("generator", m).reshape((-1, d * d, d * d))
        states, rcond = solve_dense(mb, d)
        singular = np.flatnonzero(~(rcond >= SINGULAR_RCOND))
        if singular.size:
            bad = int(singular[0])
            kernel = kernel_basis(mb[bad], d)
            if kernel.shape[0] < 2:  # rcond misjudged a merely ill-conditioned system
                kernel = None
    else:
        states = np.zeros((len(items), d, d), dtype=complex)
        for i, item in enumerate(items):
            rho, basis = _solve_one(item, d, method)
            if basis is not None:
                kernel, bad = basis, i
                break
            states[i] = rho
    states = 0.5 * (states + states.conj().transpose(0, 2, 1))
    if sp.issparse(m):
        residual = np.array([np.abs(m @ states[0].ravel()).max()])
    else:
        residual = np.max(np.abs(items @ states.reshape(-1, d * d, 1)), axis=(1, 2))
    out = states.reshape(batch + (d, d))
    if not np.iscomplexobj(m):
        out = out.real
    if kernel is not None:
        return _degenerate(kernel, batch, bad, full_output, out, residual.reshape(batch), method)
    if full_output:
        return SteadyState(state=out, residual=residual.reshape(batch), method=method)
    return _to_qobj_oper(out, generator) if q else out
