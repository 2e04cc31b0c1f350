"""Effective inverse temperature and chemical potential from energy and particle number."""

from __future__ import annotations

import numpy as np
from scipy import special

from ..errors import ConvergenceError, ParameterError, as_float_array, require_real
from .dynamics import validate_correlation_matrix
from .model import QuadraticModel, require_model

__all__ = [
    "MATCH_RTOL",
    "effective_temperature_chemical_potential",
    "global_reference",
    "grand_canonical_entropy",
]

#: Relative accuracy demanded of the matched energy and particle number; a Newton step at the
#: solution has relative rounding error ~K eps ~ 1e-13 for K ~ 1e3, so 1e-11 is reachable.
MATCH_RTOL = 1e-11
# targets within this (relative to sum |eps|) of the ground/highest state are treated as
# unreachable: beta* would exceed ~1/(BOUNDARY_RTOL * level spacing)
BOUNDARY_RTOL = 1e-13
# Newton steps below this (relative) mean quadratic convergence has reached rounding level
STEP_RTOL = 1e-12


class _ExtremeState(ConvergenceError):
    """The target is the ground (end=+1, beta* = +inf) or top (end=-1, beta* = -inf) state at N."""

    def __init__(self, message: str, end: int):
        super().__init__(message)
        self.end = end


def _numeric(value) -> bool:
    try:
        np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return True


def _beta_mu(a: float, b: float) -> tuple[float, float]:
    if a != 0:
        return float(a), float(-b / a)
    return 0.0, (0.0 if b == 0 else float(-np.sign(b) * np.inf))


def _moments(levels: np.ndarray, a: float, b: float):
    """N, E and the covariance (Hessian) of the Fermi family f = 1/(1 + exp(a eps + b))."""
    x = a * levels + b
    f = special.expit(-x)
    g = f * special.expit(x)  # f (1 - f) without cancellation
    n = f.sum()
    e = levels @ f
    h = np.array([[levels * levels @ g, levels @ g], [levels @ g, g.sum()]])
    return n, e, h


def _energy_range(levels: np.ndarray, number: float) -> tuple[float, float]:
    """Lowest and highest energy of occupations in [0, 1] summing to `number` (fill from the ends)."""
    srt = np.sort(levels)
    full, frac = int(number), number - int(number)
    lo = srt[:full].sum() + (frac * srt[full] if full < srt.size else 0.0)
    hi = srt[srt.size - full :].sum() + (
        frac * srt[srt.size - full - 1] if full < srt.size else 0.0
    )
    return float(lo), float(hi)


def _residual(levels, a, b, energy, number, scale_e) -> float:
    x = a * levels + b
    f = special.expit(-x)
    return max(abs(energy - levels @ f) / scale_e, abs(number - f.sum()) / max(1.0, number))


def _dual(levels, a, b, energy, number) -> float:
    """Convex function whose minimiser matches E and N: sum softplus(-(a eps + b)) + a E + b N."""
    return float(np.logaddexp(0.0, -(a * levels + b)).sum() + a * energy + b * number)


def effective_temperature_chemical_potential(
    levels,
    energy: float,
    particle_number: float,
    *,
    bath: str = "bath",
    initial_guess: tuple[float, float] | None = None,
    max_iter: int = 200,
) -> tuple[float, float]:
    r"""Solve Eqs. (5)-(6): the grand-canonical :math:`(\beta^*, \mu^*)` with the given E and N.

    :math:`\sum_k \epsilon_k f(\beta^*(\epsilon_k-\mu^*)) = E` and
    :math:`\sum_k f(\beta^*(\epsilon_k-\mu^*)) = N` (Usui et al. 2024, Eqs. 5-6; also used for
    the global reference of Appendix B).

    Parameters
    ----------
    levels : ndarray, shape (K,)
        Single-particle energies of the (local) modes, at least two distinct values.
    energy, particle_number : float
        Target :math:`E = \mathrm{tr}[\hat H_\nu\rho_\nu]`, :math:`N = \mathrm{tr}[\hat N_\nu\rho_\nu]`.
    bath : str
        Name used in error messages.
    initial_guess : (beta, mu), optional
        Warm start (e.g. the previous time point); NaN is rejected, an infinite value (e.g.
        mu = +-inf at beta = 0) is ignored.
    max_iter : int
        At least 1.

    Returns
    -------
    (beta, mu) : tuple of float
        beta may be negative (population inversion); mu = -b/beta is +-inf when beta = 0
        and N != K/2.

    Raises
    ------
    ConvergenceError
        Naming `bath`, when (E, N) is not in the interior of the reachable set (e.g. N = 0,
        N = K, or a ground state) or Newton does not converge.

    Notes
    -----
    Solved in the natural parameters :math:`a = \beta`, :math:`b = -\beta\mu` of
    :math:`f = 1/(1+e^{a\epsilon+b})` as the minimisation of the strictly convex
    :math:`\Phi(a,b) = \sum_k \ln(1+e^{-(a\epsilon_k+b)}) + aE + bN` (gradient: the mismatch
    of E and N; Hessian: the energy/number covariance) by Newton's method with a
    backtracking line search; this converges from any start, from very cold to very hot.

    Examples
    --------
    >>> from thermalize.distributions import fermi_dirac
    >>> eps = np.linspace(-5, 5, 101)
    >>> f = fermi_dirac(eps, 10.0, 1.0)
    >>> b, m = effective_temperature_chemical_potential(eps, eps @ f, f.sum())
    >>> round(b, 9), round(m, 9)
    (10.0, 1.0)
    """
    start = None
    if initial_guess is not None:
        guess = np.asarray(initial_guess, dtype=float) if _numeric(initial_guess) else None
        if guess is None or guess.shape != (2,) or np.any(np.isnan(guess)):
            raise ParameterError(
                f"initial_guess={initial_guess!r} must be None or a pair (beta, mu) of real "
                "numbers (not NaN)"
            )
        if np.all(np.isfinite(guess)):
            start = (float(guess[0]), -float(guess[0]) * float(guess[1]))
    a, b = _natural_parameters(
        levels, energy, particle_number, bath=bath, start=start, max_iter=max_iter
    )
    return _beta_mu(a, b)


def _natural_parameters(
    levels,
    energy: float,
    particle_number: float,
    *,
    bath: str = "bath",
    start: tuple[float, float] | None = None,
    max_iter: int = 200,
) -> tuple[float, float]:
    """Eqs. (5)-(6) in the natural parameters (a, b) = (beta*, -beta* mu*), f = 1/(1+e^{a eps+b}).

    Finite even where mu* is not (beta* = 0 with N != K/2, or N = K/2 up to rounding), so
    grand-canonical quantities built from (a, b) never meet 0 * inf. `start`: warm start (a, b).
    """
    eps = as_float_array("levels", levels, ndim=1)
    e_t = float(as_float_array("energy", energy))
    n_t = float(as_float_array("particle_number", particle_number))
    k = eps.size
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ParameterError(
            f"max_iter={max_iter!r} is outside the allowed range [1, inf) (integer)"
        )
    if k < 2 or np.ptp(eps) == 0:
        raise ParameterError(
            f"levels of {bath} must contain at least two distinct energies (got {k} levels); "
            "otherwise E and N do not fix beta and mu"
        )
    if not 0.0 < n_t < k:
        edge = " (an empty or full bath)" if n_t in (0.0, float(k)) else ""
        raise ConvergenceError(
            f"bath {bath!r}: particle number N={n_t!r} is outside the open range (0, {k}) "
            f"reachable by a grand-canonical state{edge}; beta*, mu* do not exist"
        )
    e_lo, e_hi = _energy_range(eps, n_t)
    scale_e = float(np.abs(eps).sum()) + 1e-300
    margin = BOUNDARY_RTOL * scale_e
    if not (e_lo + margin < e_t < e_hi - margin):
        if e_lo < e_t < e_hi and e_hi - e_lo <= 2.0 * margin:  # whole window unresolved
            raise ConvergenceError(
                f"bath {bath!r}: at N={n_t!r} the energies of all states, ({e_lo:.12g}, "
                f"{e_hi:.12g}), lie within {margin:.3g} ({BOUNDARY_RTOL:g} x sum|eps|) of each "
                "other: "
                + (
                    f"the bath is nearly empty (N = {n_t:.3g} of K = {k})"
                    if n_t < 0.5 * k
                    else f"the bath is nearly full (K - N = {k - n_t:.3g}, K = {k})"
                )
                + ", below double-precision resolution, so beta*, mu* cannot be resolved"
            )
        if e_lo - margin <= e_t <= e_hi + margin:  # at a bound up to rounding
            end = "lowest" if e_t - e_lo < e_hi - e_t else "highest"
            raise _ExtremeState(
                f"bath {bath!r}: energy E={e_t!r} is the {end} energy at N={n_t!r} up to "
                f"{margin:.3g} ({BOUNDARY_RTOL:g} x sum|eps|): the bath is in its "
                f"{'ground' if end == 'lowest' else 'top'} state at that N (beta* = "
                f"{'+' if end == 'lowest' else '-'}inf), so beta*, mu* do not exist",
                1 if end == "lowest" else -1,
            )
        raise ConvergenceError(
            f"bath {bath!r}: energy E={e_t!r} at N={n_t!r} is outside the open range "
            f"({e_lo:.12g}, {e_hi:.12g}) reachable by a grand-canonical state (the bounds are "
            "the ground and highest states at that N, i.e. beta* = +-inf)"
        )
    if start is not None:
        a, b = float(start[0]), float(start[1])
    else:
        a, b = 0.0, float(np.log(k / n_t - 1.0))
    phi = _dual(eps, a, b, e_t, n_t)
    res = np.inf
    for it in range(1, max_iter + 1):
        n, e, h = _moments(eps, a, b)
        grad = np.array([e_t - e, n_t - n])
        res = max(abs(grad[0]) / scale_e, abs(grad[1]) / max(1.0, n_t))
        det = h[0, 0] * h[1, 1] - h[0, 1] ** 2
        if det > 1e-300 * max(1.0, h[0, 0] * h[1, 1]):
            step = (
                -np.array(
                    [h[1, 1] * grad[0] - h[0, 1] * grad[1], h[0, 0] * grad[1] - h[0, 1] * grad[0]]
                )
                / det
            )
        else:  # degenerate curvature (extremely cold): steepest descent
            step = -grad / max(1.0, float(np.abs(grad).max()))
        # converged: E, N matched and the Newton correction is at rounding level
        if res <= MATCH_RTOL and (
            abs(step[0]) <= STEP_RTOL * max(1.0, abs(a))
            and abs(step[1]) <= STEP_RTOL * max(1.0, abs(b))
            or res == 0.0
            or it == max_iter
        ):
            return float(a), float(b)
        slope = float(grad @ step)
        t = 1.0
        while True:
            a1, b1 = a + t * step[0], b + t * step[1]
            phi1 = _dual(eps, a1, b1, e_t, n_t)
            if phi1 <= phi + 1e-4 * t * slope or t < 1e-12:
                break
            if t == 1.0 and _residual(eps, a1, b1, e_t, n_t, scale_e) < res:
                break  # near the solution Phi's decrease is below its rounding: accept Newton
            t *= 0.5
        if t < 1e-12 and phi1 > phi:
            if res <= MATCH_RTOL:  # matched; the remaining step is below rounding of Phi
                return float(a), float(b)
            break
        a, b, phi = a1, b1, phi1
    raise ConvergenceError(
        f"bath {bath!r}: matching E={e_t:.6g}, N={n_t:.6g} did not converge after {it} Newton "
        f"iterations (last relative residual {res:.3g}); the target may be a ground state or "
        "outside the reachable range"
    )


def grand_canonical_entropy(levels, beta: float | None = None, mu: float | None = None, *,
                            temperature: float | None = None) -> float:
    r"""Entropy :math:`\mathcal S = \sum_k h(f(\beta(\epsilon_k-\mu)))` of a grand-canonical state.

    The entropy entering Eq. (7) of Usui et al. (2024). ``temperature=`` (1/beta, 0 meaning
    beta = inf) is accepted instead of `beta` (never both).

    Examples
    --------
    >>> round(grand_canonical_entropy(np.array([-1.0, 1.0]), 0.0, 0.0), 6)  # 2 ln 2
    1.386294
    """
    eps = as_float_array("levels", levels, ndim=1)
    if (beta is None) == (temperature is None):
        raise ParameterError(f"give exactly one of beta={beta!r} and temperature={temperature!r}")
    if temperature is not None:
        t = require_real("temperature", temperature, allow_inf=True)
        if not t >= 0:
            raise ParameterError(f"temperature={t!r} is outside the allowed range [0, inf]")
        beta = np.inf if t == 0 else 1.0 / t
    beta = require_real("beta", beta, allow_inf=True)
    if mu is None:
        raise ParameterError("mu (the chemical potential) is required")
    mu = require_real("mu", mu, allow_inf=True)
    if np.isinf(beta) and np.isinf(mu):
        raise ParameterError(f"beta={beta!r} and mu={mu!r} cannot both be infinite")
    with np.errstate(invalid="ignore"):
        side = -np.inf * mu * np.sign(beta or 1.0)  # mu = +-inf: every level on one side
        x = beta * (eps - mu) if np.isfinite(mu) else np.full(eps.shape, side)
    x = np.where(np.isnan(x), 0.0, x)  # beta = +-inf at a level equal to mu: f = 1/2
    f = special.expit(-x)
    return float((special.entr(f) + special.entr(1.0 - f)).sum())


def global_reference(model: QuadraticModel, c0) -> tuple[float, float]:
    r"""Global grand-canonical :math:`(\beta_{\rm ref}, \mu_{\rm ref})` of Appendix B.

    The grand-canonical state of the full h (eigenvalues :math:`\tilde{\mathcal H}_{nn}`,
    Eqs. B1-B2) whose energy and particle number equal the conserved
    :math:`\langle \hat H \rangle = \sum_{ij} h_{ij}\mathcal C_{ij}` and
    :math:`\langle \hat N\rangle = \mathrm{tr}\,\mathcal C` of the initial state.

    Parameters
    ----------
    model : QuadraticModel
    c0 : ndarray, shape (n, n)

    Returns
    -------
    (beta_ref, mu_ref) : tuple of float

    Examples
    --------
    >>> from thermalize.fermions import gibbs_correlation_matrix, single_electron_transistor
    >>> m = single_electron_transistor(200, bandwidth=10.0, coupling=3.0)
    >>> c0 = gibbs_correlation_matrix(m, beta=[10.0, 2.0], mu=[0.5, 0.5])
    >>> b, mu = global_reference(m, c0)
    >>> bool(2.0 < b < 10.0)
    True
    """
    require_model(model)
    c = validate_correlation_matrix(c0, model.n_modes)
    h = model.single_particle_hamiltonian
    energy = float(np.real(np.sum(h * c)))
    number = float(np.real(np.trace(c)))
    levels = model.eigensystem[0]
    return effective_temperature_chemical_potential(levels, energy, number, bath="global")
