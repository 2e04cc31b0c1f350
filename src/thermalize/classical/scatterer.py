"""A fixed scatterer with discrete levels: rule checks, micro-reversibility, exact Markov matrix.

Ehrich et al., Physica A 552, 122108 (2020), Sec. 4 and Appendix A.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..errors import (
    NonUniqueSteadyStateError,
    ParameterError,
    as_float_array,
    require_dense_size,
    require_int,
    require_real,
)
from ._checks import positive_real, with_temperature
from ._kicks import check_kicks, kinetic_from_survival, kinetic_survival
from .microreversibility import MicroreversibilityReport, check_microreversibility
from .rules import CallableRule, UniformOpenRule, open_levels

__all__ = [
    "DiscreteScatterer",
    "MicroreversibilityReport",
    "check_microreversibility",
    "kick_markov_matrix",
    "stationary_distribution",
]

#: Rule outputs must add up to one within this (a few hundred ulps of summing n <= 1e3 terms).
RULE_SUM_TOL = 1e-9
#: A closed level may carry at most this much probability (rounding of user formulas).
RULE_CLOSED_TOL = 1e-12
#: Most levels of a `DiscreteScatterer` (the 10-level Markov matrix takes ~2 ms, n^3 growth).
MAX_LEVELS = 1000


@dataclass(frozen=True)
class DiscreteScatterer:
    """Fixed symmetric scatterer with internal levels eps_s and a collision rule (Eqs. 17-18).

    Attributes
    ----------
    levels : ndarray, shape (n,)
        Energies eps_s, strictly ascending (index 0 is the ground state).
    rule : UniformOpenRule | CallableRule | callable | "uniform"
        p(s'|v, s) as a function of the incoming kinetic energy; a plain callable
        ``f(K, s, levels) -> (k, n)`` is wrapped in `CallableRule` (transmission only);
        the string "uniform" means `UniformOpenRule()`.

    Examples
    --------
    >>> sc = DiscreteScatterer(np.array([0.0, 1.0]), UniformOpenRule())
    >>> sc.transition_probabilities(np.array([0.5, 2.0]), np.array([1, 0]))
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """

    levels: np.ndarray
    rule: UniformOpenRule | CallableRule | Callable | str = field(default_factory=UniformOpenRule)

    def __post_init__(self) -> None:
        if isinstance(self.levels, (str, bytes)) or self.levels is None:
            require_real("levels", self.levels)  # "expected a real number, got ..."
        lv = as_float_array("levels", self.levels, ndim=1)
        if lv.size == 0 or lv.size > MAX_LEVELS:
            raise ParameterError(
                f"levels must contain at least one energy and at most {MAX_LEVELS} (the exact "
                f"Markov matrix costs O(n^3) rule evaluations); got {lv.size}"
            )
        if np.any(np.diff(lv) <= 0):
            raise ParameterError(
                f"levels={lv.tolist()!r} must be strictly ascending (sorted, no duplicates)"
            )
        lv.setflags(write=False)
        object.__setattr__(self, "levels", lv)
        rule = self.rule
        if isinstance(rule, str):
            if rule != "uniform":
                raise ParameterError(
                    f"rule={rule!r}: the only named rule is 'uniform' "
                    "(UniformOpenRule); pass a rule object or a callable"
                )
            rule = UniformOpenRule()
        if not (hasattr(rule, "transmission") and hasattr(rule, "reflection")):
            if not callable(rule):
                raise ParameterError(
                    f"rule={rule!r} must be a collision rule object or a callable (K, s, levels)"
                )
            rule = CallableRule(rule)
        object.__setattr__(self, "rule", rule)

    @classmethod
    def example(cls) -> DiscreteScatterer:
        """Three equally spaced levels 0, 1, 2 with the uniform-over-open-levels rule."""
        return cls(np.array([0.0, 1.0, 2.0]), UniformOpenRule())

    @property
    def n_levels(self) -> int:
        """Number of levels n."""
        return int(self.levels.size)

    @with_temperature
    def markov_matrix(
        self, *, beta: float, mass: float = 1.0, kicks: str = "effusion", nodes: int = 32
    ) -> np.ndarray:
        """Collision-to-collision Markov matrix M[s, s'] in a gas at `beta` (Eq. 26).

        `kick_markov_matrix` of this scatterer; ``temperature=`` may replace `beta`.
        """
        return kick_markov_matrix(self, beta, mass, kicks, nodes=nodes)

    @with_temperature
    def steady_state(
        self, *, beta: float, mass: float = 1.0, kicks: str = "effusion", nodes: int = 32
    ) -> np.ndarray:
        """Stationary level populations in a gas at `beta`, shape (n,) (Eqs. 12, 26).

        The stationary law of `markov_matrix`; equal to the Gibbs populations
        e^{-beta eps_s}/Z iff the rule is micro-reversible and the kicks are effusive.

        Examples
        --------
        >>> sc = DiscreteScatterer.example()
        >>> p = sc.steady_state(beta=1.0)
        >>> bool(np.allclose(p, np.exp(-sc.levels) / np.exp(-sc.levels).sum(), atol=1e-12))
        True
        """
        return stationary_distribution(self.markov_matrix(beta=beta, mass=mass, kicks=kicks,
                                                          nodes=nodes))

    @with_temperature
    def audit(
        self, *, beta: float, mass: float = 1.0, kicks: str = "effusion",
        tolerance: float = 1e-9,
    ):
        """Micro-reversibility, Liouville, detailed balance and Gibbs verdicts (Sec. 4).

        Returns
        -------
        thermalize.classical.audits.ScattererAudit
            ``passed`` is True iff Eq. (17), Eq. (21), detailed balance of the exact Markov
            matrix and the Gibbs stationary state all hold within `tolerance` (1e-8 at least
            for the last two: the quadrature's rounding).

        Examples
        --------
        >>> DiscreteScatterer.example().audit(beta=1.0).passed
        True
        >>> rep = DiscreteScatterer.example().audit(beta=1.0, kicks="maxwell")
        >>> rep.microreversible, rep.detailed_balance, rep.passed
        (True, False, False)
        """
        from .audits import audit_scatterer

        beta = positive_real("beta", beta)
        return audit_scatterer(self, beta, positive_real("mass", mass), kicks, tolerance)

    def channels(self, kinetic_energy, level) -> tuple[np.ndarray, np.ndarray]:
        """Checked (transmission, reflection) probabilities, each of shape (k, n).

        Raises ParameterError if the rule returns the wrong shape, NaN, negative entries,
        probability on a closed level (energy not conserved) or rows not summing to one.
        """
        if isinstance(kinetic_energy, (str, bytes)) or kinetic_energy is None:
            require_real("kinetic_energy", kinetic_energy)
        k = as_float_array("kinetic_energy", kinetic_energy, ndim=1)
        s = np.asarray(level) if not isinstance(level, (str, bytes)) else np.asarray(0.5)
        if s.shape != k.shape or not np.issubdtype(s.dtype, np.integer):
            raise ParameterError(
                f"level must be an integer array of shape {k.shape}, got "
                f"{s.dtype} array of shape {s.shape}"
            )
        if np.any(k < 0):
            raise ParameterError(
                f"kinetic_energy={k.min()!r} is outside the allowed range [0, inf)"
            )
        if np.any((s < 0) | (s >= self.n_levels)):
            bad = s[(s < 0) | (s >= self.n_levels)]
            raise ParameterError(
                f"level={int(bad[0])} is outside the allowed range [0, {self.n_levels - 1}]"
            )
        trans = self._checked("transmission", self.rule.transmission(k, s, self.levels), k)
        refl_raw = self.rule.reflection(k, s, self.levels)
        refl = (
            np.zeros_like(trans) if refl_raw is None else self._checked("reflection", refl_raw, k)
        )
        total = trans.sum(axis=1) + refl.sum(axis=1)
        bad = np.abs(total - 1.0) > RULE_SUM_TOL
        if np.any(bad):
            i = int(np.argmax(bad))
            raise ParameterError(
                f"rule probabilities must sum to one over s' (both channels): at K={k[i]!r}, "
                f"s={int(s[i])} they sum to {total[i]!r}"
            )
        closed = ~open_levels(k, s, self.levels)
        leak = np.where(closed, trans + refl, 0.0)
        if np.any(leak > RULE_CLOSED_TOL):
            i, j = np.unravel_index(int(np.argmax(leak)), leak.shape)
            raise ParameterError(
                f"rule gives probability {leak[i, j]!r} to the closed level s'={j} from s="
                f"{int(s[i])} at K={k[i]!r} (eps_s' - eps_s > K violates energy conservation)"
            )
        return trans, refl

    def transition_probabilities(self, kinetic_energy, level) -> np.ndarray:
        """p(s'|K, s) = p_+ + p_- (Eq. A.4), shape (k, n), checked as in `channels`."""
        trans, refl = self.channels(kinetic_energy, level)
        return trans + refl

    def _checked(self, name: str, p: np.ndarray, k: np.ndarray) -> np.ndarray:
        p = np.asarray(p, dtype=float)
        if p.shape != (k.size, self.n_levels):
            raise ParameterError(
                f"rule {name} must return shape {(k.size, self.n_levels)}, got {p.shape}"
            )
        if not np.all(np.isfinite(p)):
            raise ParameterError(f"rule {name} returned non-finite probabilities (NaN or inf)")
        if np.any(p < -RULE_CLOSED_TOL):
            raise ParameterError(f"rule {name} returned a negative probability {p.min()!r}")
        return np.clip(p, 0.0, None)


@with_temperature
def kick_markov_matrix(
    scatterer: DiscreteScatterer,
    beta: float,
    mass: float,
    kicks: str = "effusion",
    *,
    nodes: int = 32,
) -> np.ndarray:
    r"""Exact collision-to-collision Markov matrix of the levels, M[s, s'] = P(s -> s').

    :math:`M_{ss'} = \int_0^\infty dv\, w(v)\, p(s'|v, s)`, the speed law w of the kicking
    particles being the effusion law, Eq. (27) (``kicks="effusion"``, Eq. 26: what an
    equilibrium gas delivers), or the Maxwell law Eq. (24) restricted to speeds
    (``kicks="maxwell"``, the naive choice the paper refutes).

    Parameters
    ----------
    scatterer : DiscreteScatterer
    beta, mass : float, > 0
        Inverse temperature (or ``temperature=`` T = 1/beta) and particle mass of the gas.
    kicks : {"effusion", "maxwell"}
    nodes : int
        Gauss-Legendre nodes per interval between level-opening energies (default 32, at
        most 4096).

    Returns
    -------
    ndarray, shape (n, n)
        Row-stochastic (rows sum to 1).

    Notes
    -----
    The integral is taken over the survival probability t = P(K > x) of the kinetic energy
    K = m v^2/2 (effusion: t = exp(-beta x); Maxwell: t = erfc(sqrt(beta x))), in which the
    weight is uniform, with breakpoints at the opening energies eps_s' - eps_s of row s.
    The last interval (K above the highest opening) is split geometrically towards t = 0,
    where a K-dependent rule varies like a function of log t. A rule that is constant
    between openings (e.g. `UniformOpenRule`) is integrated exactly; a smooth rule converges
    like Gauss-Legendre (16 and 64 nodes agree to ~1e-14 in the tests).
    With rules written in K the result does not depend on `mass`, which is checked only.

    Examples
    --------
    >>> M = kick_markov_matrix(DiscreteScatterer(np.array([0.0, 1.0])), beta=1.0, mass=1.0)
    >>> np.round(M, 6)  # P(0 -> 1) = P(K > 1)/2 = exp(-1)/2
    array([[0.81606, 0.18394],
           [0.5    , 0.5    ]])
    """
    if not isinstance(scatterer, DiscreteScatterer):
        raise ParameterError(
            f"scatterer must be a DiscreteScatterer, got {type(scatterer).__name__}"
        )
    beta = positive_real("beta", beta)
    positive_real("mass", mass)
    check_kicks(kicks)
    nodes = require_int("nodes", nodes, low=1, high=4096)
    lv = scatterer.levels
    n = lv.size
    # rule evaluations: n rows x (n + ~60 tail) intervals x nodes, each returning (n,) floats
    require_dense_size("nodes", (n * (n + 64) * nodes, n), itemsize=16)
    xg, wg = np.polynomial.legendre.leggauss(int(nodes))
    kin, lev, wts = [], [], []
    for s in range(n):
        opening = lv[s + 1 :] - lv[s]
        t_edges = np.concatenate([[1.0], kinetic_survival(opening, beta, kicks), [0.0]])
        t_edges = t_edges[np.concatenate([[True], np.diff(t_edges) < 0])]  # drop empty ones
        t_edges = np.concatenate([t_edges[:-1], _graded_tail(t_edges[-2])[1:]])
        lo, hi = t_edges[1:], t_edges[:-1]
        t = 0.5 * (hi - lo)[:, None] * xg[None, :] + 0.5 * (hi + lo)[:, None]
        with np.errstate(over="ignore"):  # checked below, named
            kin.append(kinetic_from_survival(t.ravel(), beta, kicks))
        wts.append((0.5 * (hi - lo)[:, None] * wg[None, :]).ravel())
        lev.append(np.full(t.size, s))
    kin_all = np.concatenate(kin)
    if not np.all(np.isfinite(kin_all)):  # K = -ln(t)/beta up to ~45/beta at the last node
        raise ParameterError(f"beta={beta!r}: the kinetic energies of the gas (up to ~45/beta "
                             "in the quadrature) are outside the float64 range")
    lev_all = np.concatenate(lev)
    probs = scatterer.transition_probabilities(kin_all, lev_all)
    w_all = np.concatenate(wts)
    out = np.zeros((n, n))
    np.add.at(out, lev_all, w_all[:, None] * probs)
    return out


def _graded_tail(t_last: float) -> np.ndarray:
    """Edges t_last, t_last/16, ..., < 1e-17, 0: geometric grading towards t = 0 (K -> inf).

    A rule that still varies at large K is a function of log t near t = 0; geometric
    intervals resolve that, and the last interval [0, 1e-17) holds less than 1e-17 weight.
    """
    j = max(int(np.ceil(np.log(max(t_last, 1e-300) / 1e-17) / np.log(16.0))), 0)
    return np.concatenate([t_last * 16.0 ** -np.arange(j + 1), [0.0]])


def stationary_distribution(matrix: np.ndarray) -> np.ndarray:
    """Stationary row vector pi = pi M of a row-stochastic matrix, shape (n,).

    Raises NonUniqueSteadyStateError if the chain has more than one stationary law
    (singular values of M^T - I below 1e-10 * n, the rounding scale of a stochastic matrix).

    Examples
    --------
    >>> np.round(stationary_distribution(np.array([[0.5, 0.5], [0.25, 0.75]])), 6)
    array([0.333333, 0.666667])
    """
    m = as_float_array("matrix", matrix, ndim=2)
    n = m.shape[0]
    require_dense_size("matrix", m.shape, itemsize=24)  # SVD work arrays
    if n == 0 or m.shape != (n, n) or np.any(m < 0) or np.any(np.abs(m.sum(axis=1) - 1) > 1e-9):
        raise ParameterError("matrix must be square, nonnegative, with rows summing to one")
    a = m.T - np.eye(n)
    sv = np.linalg.svd(a, compute_uv=False)
    kernel = int(np.sum(sv < 1e-10 * n))
    if kernel > 1:
        raise NonUniqueSteadyStateError(
            f"the Markov matrix has {kernel} stationary distributions (reducible chain)", kernel
        )
    a[-1, :] = 1.0
    rhs = np.zeros(n)
    rhs[-1] = 1.0
    pi = np.linalg.solve(a, rhs)
    return np.clip(pi, 0.0, None) / np.clip(pi, 0.0, None).sum()
