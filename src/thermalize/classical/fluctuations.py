r"""Stochastic entropy production per collision and the integral fluctuation theorem (issue 19).

One collision of a system (levels s of a `DiscreteScatterer`, or the angular velocity omega of a
`RotatingDisk`) with a bath particle whose incoming velocity v is drawn from the kick law
(effusion, Eq. 27 of Ehrich et al. 2020, or Maxwell, Eq. 24). With the system law p before and
p' after the collision, the thermodynamic entropy production of the collision is

.. math:: \Delta s = \ln p(x) - \ln p'(x') + \beta Q, \qquad Q = K' - K

(Q: energy received by the bath, K = m v^2/2), and the phase-space contraction term is
:math:`\Lambda = \ln|J|`, the Jacobian of the collision map in the phase space in which the kick
law is the equilibrium density: (y, v, x) for effusion kicks (Eqs. 20-21, 31-32), (v, x) for
Maxwell kicks (Eqs. 19, 30). Exact identity (derived in docs/physics.md):
:math:`\langle e^{-\Delta s + \Lambda}\rangle = 1` for every micro-reversible rule whose map is a
bijection of the kicks' support, hence :math:`\langle e^{-\Delta s}\rangle = 1` (the integral
fluctuation theorem) exactly when :math:`\Lambda = 0`, and the violation
:math:`\langle e^{-\Delta s}\rangle - 1 = \langle e^{-\Delta s}(1 - e^{\Lambda})\rangle` is the
contraction term's contribution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, beta_or_temperature, require_int
from ._checks import check_samples, positive_real
from ._kicks import check_kicks, check_sides
from .disk import RotatingDisk
from .liouville import jacobian_determinant
from .scatterer import DiscreteScatterer

__all__ = ["CollisionSamples", "FluctuationAudit", "fluctuation_audit", "graded_nodes"]


def graded_nodes(order: int = 12, levels: int = 24, ratio: float = 0.25, middle: int = 8):
    """Gauss-Legendre nodes and weights on [0, 1], panels refined geometrically towards both ends.

    Panels [r^(j+1)/2, r^j/2] (j < levels) at each end and `middle` equal panels between: an
    integrand with an integrable end singularity (log x, x^(-1/2)) converges like the number of
    levels instead of algebraically. Returns (nodes, weights), each of shape (p * order,).
    """
    inner = 0.5 * ratio ** np.arange(levels, 0, -1)
    mid = np.linspace(0.5 * ratio, 1 - 0.5 * ratio, middle + 1)
    edges = np.concatenate([[0.0], inner, mid, 1.0 - inner[::-1], [1.0]])
    x, w = np.polynomial.legendre.leggauss(order)
    lo, hi = edges[:-1], edges[1:]
    nodes = (0.5 * (hi - lo)[:, None] * x + 0.5 * (hi + lo)[:, None]).ravel()
    weights = (0.5 * (hi - lo)[:, None] * w).ravel()
    return nodes, weights


@dataclass(frozen=True)
class CollisionSamples:
    """Per-collision Monte Carlo samples behind a `FluctuationAudit` (for histograms).

    Attributes
    ----------
    entropy_production : ndarray, shape (n_samples,)
        Delta s = ln p(x) - ln p'(x') + beta Q of each collision.
    contraction : ndarray, shape (n_samples,)
        Lambda = ln|J| of each collision.
    heat : ndarray, shape (n_samples,)
        Q = K' - K, the energy received by the gas particle.
    """

    entropy_production: np.ndarray
    contraction: np.ndarray
    heat: np.ndarray


@dataclass(frozen=True)
class FluctuationAudit:
    r"""Integral fluctuation theorem of one collision, exact kernel and Monte Carlo.

    Attributes
    ----------
    kicks : str
    ift : float
        :math:`\langle e^{-\Delta s}\rangle` from the exact kernel.
    ift_corrected : float
        :math:`\langle e^{-\Delta s + \Lambda}\rangle` from the exact kernel.
    mean_entropy_production, mean_contraction, mean_abs_contraction : float
        :math:`\langle\Delta s\rangle`, :math:`\langle\Lambda\rangle`, :math:`\langle|\Lambda|\rangle` (exact).
    mc : dict
        Monte Carlo estimates ``{name: (mean, standard error)}`` for ``ift``,
        ``ift_corrected``, ``mean_entropy_production``, ``mean_contraction``,
        ``contraction_contribution``; standard errors from the sample variance.
    n_samples : int
    samples : CollisionSamples
        The Monte Carlo collisions (Delta s, Lambda, Q), e.g. for the law of Delta s.
    quadrature_error : float
        Normalisation defect of the exact kernel (a check of the quadrature).
    jacobian_residual : float
        :math:`\max|\ln|\det J| - \Lambda|` at sampled collisions, det J from
        :func:`~thermalize.classical.liouville.jacobian_determinant` of the collision map.
    tolerance, sigmas : float
        Exact quantities must agree within ``tolerance``; Monte Carlo within ``sigmas`` SE.
    """

    kicks: str
    ift: float
    ift_corrected: float
    mean_entropy_production: float
    mean_contraction: float
    mean_abs_contraction: float
    mc: dict
    n_samples: int
    samples: CollisionSamples
    quadrature_error: float
    jacobian_residual: float
    tolerance: float
    sigmas: float

    @property
    def violation(self) -> float:
        """<exp(-Delta s)> - 1 (exact)."""
        return self.ift - 1.0

    @property
    def contraction_contribution(self) -> float:
        """<exp(-Delta s)(1 - exp(Lambda))> = ift - ift_corrected (exact)."""
        return self.ift - self.ift_corrected

    @property
    def volume_preserving(self) -> bool:
        r""":math:`|J| = 1` on the collisions: :math:`\langle|\Lambda|\rangle` within tolerance."""
        return bool(self.mean_abs_contraction <= self.tolerance)

    @property
    def ift_holds(self) -> bool:
        """<exp(-Delta s)> = 1 within tolerance (exact kernel)."""
        return bool(abs(self.violation) <= self.tolerance)

    @property
    def corrected_ift_holds(self) -> bool:
        """<exp(-Delta s + Lambda)> = 1 within tolerance (exact kernel)."""
        return bool(abs(self.ift_corrected - 1.0) <= self.tolerance)

    @property
    def contraction_accounts_for_violation(self) -> bool:
        """violation = contraction contribution within tolerance."""
        return bool(abs(self.violation - self.contraction_contribution) <= self.tolerance)

    @property
    def monte_carlo_agrees(self) -> bool:
        """Monte Carlo of ift, <Delta s>, <Lambda> within `sigmas` standard errors of the kernel."""
        pairs = (("ift", self.ift), ("mean_entropy_production", self.mean_entropy_production),
                 ("mean_contraction", self.mean_contraction))
        return all(abs(self.mc[k][0] - v) <= self.sigmas * self.mc[k][1] + self.tolerance for k, v in pairs)

    @property
    def passed(self) -> bool:
        """The rule obeys the thermodynamic IFT (volume preserving) and the two methods agree."""
        return self.ift_holds and self.volume_preserving and self.monte_carlo_agrees


def _stats(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))


def fluctuation_audit(
    collision,
    *,
    beta: float | None = None,
    temperature: float | None = None,
    mass: float = 1.0,
    kicks: str = "effusion",
    sides: int = 2,
    initial=None,
    n_samples: int = 200_000,
    rng: np.random.Generator,
    tolerance: float = 1e-8,
    sigmas: float = 5.0,
) -> FluctuationAudit:
    r"""Fluctuation-theorem audit of a collision rule: exact kernel and Monte Carlo (issue 19).

    Parameters
    ----------
    collision : DiscreteScatterer or RotatingDisk
        Any rule of a discrete scatterer (Eqs. 17-18, A.4), or the rough disk (Eq. 29).
    beta, temperature : float
        Gas inverse temperature (or temperature), one of the two.
    mass : float
        Gas particle mass.
    kicks : {"effusion", "maxwell"}
        Law of the incoming velocity (Eq. 27, the one an equilibrium gas delivers, or Eq. 24).
    sides : {1, 2}
        Disk only: particles from one side (v > 0, the paper's Eq. 33) or both. With
        ``sides=2`` the map is a bijection of the kicks' support, as the corrected identity
        needs; with ``sides=1`` time-reversed collisions lie outside the model.
    initial : array_like, optional
        Scatterer: level probabilities p(s) > 0 (default uniform). Disk: ``(mean, std)`` of a
        Gaussian omega law (default the Gibbs law at the gas temperature, (0, 1/sqrt(beta I))).
    n_samples : int
        Monte Carlo collisions.
    rng : numpy.random.Generator
    tolerance : float
        Exact-kernel tolerance of the verdicts (the quadrature is good to ~1e-12).
    sigmas : float
        Monte Carlo acceptance in standard errors (5: false alarm ~6e-7 per quantity).

    Returns
    -------
    FluctuationAudit

    Notes
    -----
    Exact kernels: the scatterer's averages are sums over (s, s') of integrals over the kinetic
    energy, K = a + u^2 on every interval between opening energies (this removes the
    K^(-1/2) edges of the Maxwell law and of v/v'), with Gauss-Legendre panels graded towards
    the interval ends (:func:`graded_nodes`); the disk's are double integrals over
    (omega, v) with the same panels, split where v = 0 and v' = 0, and the final law p' in closed
    form (a Gaussian convolved with the kick law). Monte Carlo: collisions drawn from
    p x kick law, with the disk's corrected average importance-sampled from Maxwell kicks when
    the kicks are effusive (its plain estimator has infinite variance, weight :math:`|v'/v|` at
    v -> 0).
    Standard errors are meaningful only for estimators of finite variance: e^{-Delta s}
    contains 1/p(x), so for the disk the initial Gaussian must be wider than about half the
    Gibbs variance (std^2 > 1/(2 beta I)); for Maxwell kicks on a scatterer the corrected
    estimator's weight v/v' has a log-divergent variance at the thresholds (its SE is
    indicative only, and it is not part of `monte_carlo_agrees`).

    Examples
    --------
    >>> from thermalize.classical import DiscreteScatterer
    >>> a = fluctuation_audit(DiscreteScatterer.example(), beta=1.0, initial=[0.6, 0.3, 0.1],
    ...                       n_samples=20_000, rng=np.random.default_rng(1))
    >>> a.ift_holds, a.volume_preserving
    (True, True)
    """
    b = beta_or_temperature(beta, temperature, positive=True)
    mass = positive_real("mass", mass)
    check_kicks(kicks)
    check_sides(sides)
    n_samples = require_int("n_samples", n_samples, low=2)
    check_samples("n_samples", n_samples, per_sample_bytes=128, rows=n_samples)  # ~16 work arrays
    tolerance = positive_real("tolerance", tolerance)
    sigmas = positive_real("sigmas", sigmas)
    if not isinstance(rng, np.random.Generator):
        raise ParameterError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if isinstance(collision, DiscreteScatterer):
        from ._fluct_scatterer import scatterer_audit

        parts = scatterer_audit(collision, b, float(mass), kicks, initial, n_samples, rng)
    elif isinstance(collision, RotatingDisk):
        from ._fluct_disk import disk_audit

        parts = disk_audit(collision, b, float(mass), kicks, sides, initial, n_samples, rng)
    else:
        raise ParameterError(
            f"collision must be a DiscreteScatterer or a RotatingDisk, got {type(collision).__name__}"
        )
    return FluctuationAudit(kicks=kicks, n_samples=n_samples, tolerance=float(tolerance),
                            sigmas=float(sigmas), **parts)


def monte_carlo_summary(minus_ds: np.ndarray, lam: np.ndarray, corrected: np.ndarray) -> dict:
    """{name: (mean, SE)} of the per-collision samples (corrected: its own estimator samples)."""
    e = np.exp(minus_ds)
    return {
        "ift": _stats(e),
        "ift_corrected": _stats(corrected),
        "mean_entropy_production": _stats(-minus_ds),
        "mean_contraction": _stats(lam),
        "contraction_contribution": _stats(e * -np.expm1(lam)),
    }


def jacobian_check(maps_and_points) -> float:
    """Largest deviation of ln(abs(det J)) from Lambda over (map, point, Lambda) triples."""
    worst = 0.0
    for fmap, point, lam in maps_and_points:
        det = jacobian_determinant(fmap, point)
        worst = max(worst, abs(np.log(det) - lam))
    return float(worst)
