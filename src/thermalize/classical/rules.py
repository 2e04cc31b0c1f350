"""Collision rules p(s'|v, s) of a scatterer with discrete levels (Ehrich 2020, Eqs. 17-18, A.5).

A rule is any object with two methods, each returning an array of shape (k, n):

``transmission(kinetic_energy, level, levels)``
    Probability of leaving the scatterer in level s' with the particle transmitted
    (outgoing velocity of the same sign, speed v_s' from energy conservation).
``reflection(kinetic_energy, level, levels)``
    The same for a reflected particle (Appendix A), or ``None`` if the rule never reflects.

A rule may also define ``sample(kinetic_energy, level, levels, rng) -> (k,)`` drawing the
final levels directly; the Monte Carlo uses it when present.

``kinetic_energy`` (shape (k,)) is the incoming m v^2/2 and ``level`` (shape (k,), int) the
initial level s of each of k collisions; ``levels`` (shape (n,)) are the energies eps_s.
Rules are written in the kinetic energy rather than the speed: at fixed mass the two are
equivalent (v = sqrt(2 K/m)), and the energy form makes "open level" mass independent.
The scatterer is assumed left-right symmetric (Sec. 4), so only the incoming speed matters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, as_float_array, require_in_range, require_real

__all__ = ["CallableRule", "UniformOpenRule", "open_levels"]

#: Up to this many levels `UniformOpenRule.sample` counts open levels by comparisons.
_FEW_LEVELS = 8


def open_levels(kinetic_energy: np.ndarray, level: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Boolean (k, n): level s' is energetically open, eps_s' - eps_s <= K (Eq. 17's v_s' real).

    Examples
    --------
    >>> open_levels(np.array([0.5, 1.5]), np.array([0, 0]), np.array([0.0, 1.0]))
    array([[ True, False],
           [ True,  True]])
    """
    k, s, lv = _collision_arguments(kinetic_energy, level, levels)
    gap = lv[None, :] - lv[s][:, None]
    return gap <= k[:, None]


def _collision_arguments(kinetic_energy, level, levels) -> tuple[np.ndarray, ...]:
    """Check the arguments every rule method takes; (K, s, levels) as arrays.

    `kinetic_energy` finite (k,), `level` integers in [0, n) of shape (k,), `levels` finite
    (n,); anything else is a ParameterError naming the argument.
    """
    for name, value in (("kinetic_energy", kinetic_energy), ("levels", levels)):
        if isinstance(value, (str, bytes)) or value is None:
            require_real(name, value)  # "expected a real number, got ..."
    k = as_float_array("kinetic_energy", kinetic_energy, ndim=1)
    lv = as_float_array("levels", levels, ndim=1)
    if lv.size == 0:
        raise ParameterError("levels must hold at least one level energy, got an empty array")
    try:
        s = np.asarray(level)
    except Exception:  # noqa: BLE001 - any conversion failure is a bad level
        s = np.asarray(None)
    if s.shape != k.shape or s.dtype.kind not in "iu" or np.any((s < 0) | (s >= lv.size)):
        raise ParameterError(
            f"level must be integers in [0, {lv.size - 1}] of shape {k.shape}, got {level!r}"
        )
    return k, s, lv


@dataclass(frozen=True)
class UniformOpenRule:
    """Uniform over the energetically open levels; a fixed fraction is reflected.

    p_+(s'|K, s) = (1 - r)/N(E) and p_-(s'|K, s) = r/N(E) for every open s', with N(E) the
    number of levels below the total energy E = eps_s + K. Both depend on (s, K) only through
    E and are symmetric in (s, s'), so Eq. (17) (and its reflected form, Eq. A.6) holds.

    Attributes
    ----------
    reflection_probability : float
        r in [0, 1]; 0 is the paper's Sec. 4 setting (no reflection).

    Examples
    --------
    >>> UniformOpenRule().transmission(np.array([1.5]), np.array([0]), np.array([0.0, 1.0, 2.0]))
    array([[0.5, 0.5, 0. ]])
    """

    reflection_probability: float = 0.0

    def __post_init__(self) -> None:
        r = require_real("reflection_probability", self.reflection_probability)
        require_in_range("reflection_probability", r, 0.0, 1.0)
        object.__setattr__(self, "reflection_probability", r)

    @classmethod
    def example(cls) -> UniformOpenRule:
        """The paper's no-reflection rule."""
        return cls()

    def _uniform(self, kinetic_energy, level, levels) -> np.ndarray:
        op = open_levels(kinetic_energy, level, levels).astype(float)
        return op / op.sum(axis=1, keepdims=True)

    def transmission(self, kinetic_energy, level, levels) -> np.ndarray:
        """p_+(s'|K, s), shape (k, n)."""
        return (1.0 - self.reflection_probability) * self._uniform(kinetic_energy, level, levels)

    def sample(self, kinetic_energy, level, levels, rng: np.random.Generator) -> np.ndarray:
        """Draw s' from p_+ + p_- directly: uniform over the N(E) levels below E = eps_s + K.

        Exact and O(k log n) (levels are sorted, so the open ones are 0 .. N(E) - 1); used by
        the Monte Carlo instead of the generic inverse-CDF draw.
        """
        kinetic_energy, level, levels = _collision_arguments(kinetic_energy, level, levels)
        if not isinstance(rng, np.random.Generator):
            raise ParameterError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        return self._sample_unchecked(kinetic_energy, level, levels, rng)

    def _sample_unchecked(self, kinetic_energy, level, levels, rng) -> np.ndarray:
        """`sample` without the argument checks: the Monte Carlo's inner loop (checked once)."""
        lv = np.asarray(levels, dtype=float)
        energy = lv[level] + kinetic_energy
        if lv.size <= _FEW_LEVELS:  # one comparison per level beats a binary search
            n_open = np.ones(energy.size, dtype=np.int64)  # level 0 is always open
            for e in lv[1:]:
                n_open += energy >= e
        else:
            n_open = np.searchsorted(lv, energy, side="right")
        return np.minimum((rng.random(n_open.size) * n_open).astype(np.int64), n_open - 1)

    def reflection(self, kinetic_energy, level, levels) -> np.ndarray | None:
        """p_-(s'|K, s), shape (k, n), or None when r = 0."""
        if self.reflection_probability == 0.0:
            _collision_arguments(kinetic_energy, level, levels)  # bad input is an error anyway
            return None
        return self.reflection_probability * self._uniform(kinetic_energy, level, levels)


@dataclass(frozen=True)
class CallableRule:
    """A user-supplied rule: ``transmission(K, s, levels) -> (k, n)``, optional reflection.

    The callables receive ``kinetic_energy`` (k,), ``level`` (k,) ints and ``levels`` (n,)
    and must return probabilities of shape (k, n) that vanish on closed levels and, summed
    over both channels, add up to one; `DiscreteScatterer` checks this at every call.

    Examples
    --------
    >>> to_ground = CallableRule(lambda K, s, lv: np.eye(len(lv))[np.zeros_like(s)])
    >>> to_ground.transmission(np.array([3.0]), np.array([2]), np.array([0.0, 1.0, 2.0]))
    array([[1., 0., 0.]])
    """

    transmission_function: Callable
    reflection_function: Callable | None = None

    def __post_init__(self) -> None:
        for name in ("transmission_function", "reflection_function"):
            f = getattr(self, name)
            if f is not None and not callable(f):
                raise ParameterError(f"{name}={f!r} must be callable (K, s, levels) -> (k, n)")

    @classmethod
    def example(cls) -> CallableRule:
        """Micro-reversible: stay with probability 1/2, else uniform over the other open levels."""
        return cls(_lazy_uniform)

    def transmission(self, kinetic_energy, level, levels) -> np.ndarray:
        """p_+(s'|K, s) from the user callable."""
        _collision_arguments(kinetic_energy, level, levels)
        return np.asarray(self.transmission_function(kinetic_energy, level, levels), dtype=float)

    def reflection(self, kinetic_energy, level, levels) -> np.ndarray | None:
        """p_-(s'|K, s) from the user callable, or None."""
        _collision_arguments(kinetic_energy, level, levels)
        if self.reflection_function is None:
            return None
        return np.asarray(self.reflection_function(kinetic_energy, level, levels), dtype=float)


def _lazy_uniform(kinetic_energy, level, levels) -> np.ndarray:
    """Stay with probability 1/2 (1 if no other level is open), else uniform over the others.

    Symmetric in (s, s') at fixed total energy, hence micro-reversible (Eq. 17).
    """
    op = open_levels(kinetic_energy, level, levels).astype(float)
    stay = np.zeros_like(op)
    stay[np.arange(len(op)), np.asarray(level)] = 1.0
    others = op - stay
    n_other = others.sum(axis=1, keepdims=True)
    move = np.divide(others, n_other, out=np.zeros_like(others), where=n_other > 0)
    return np.where(n_other > 0, 0.5 * stay + 0.5 * move, stay)
