"""Sweepable quantities of the core: detailed-balance steady states, thermal-gas sampling."""

from __future__ import annotations

import numpy as np

from ...distributions import effusion_velocity_1d, maxwell_velocity_1d
from ...errors import ParameterError, require_positive
from ...quantum import gibbs_state, trace_distance
from ...superop import detailed_balance_generator, steady_state
from ...io import DIMENSIONLESS as N
from ...sweep import register_quantity

__all__ = ["detailed_balance_steady_state", "thermal_kinetic_energy"]


def _int_at_least(name: str, value, low: int) -> int:
    if isinstance(value, bool) or int(value) != value or value < low:
        raise ParameterError(f"{name}={value!r} is outside the allowed range: an integer >= {low}")
    return int(value)


@register_quantity(
    "core.detailed-balance-steady-state",
    outputs={"populations": ("level",), "distance_to_gibbs": ()},
    description="steady state of a detailed-balance Lindblad generator (equally spaced levels)",
    checks={"levels": lambda v: _int_at_least("levels", v, 2),
            "spacing": lambda v: require_positive("spacing", v),
            "rate": lambda v: require_positive("rate", v)},
    cf={
        "populations": ("steady-state population", N, r"p_j"),
        "distance_to_gibbs": ("trace distance of the steady state to the Gibbs state", N,
                              r"\frac{1}{2}\|\rho_\infty - \pi_\beta\|_1"),
        "level": ("energy level", N, "j"),
        "beta": ("inverse temperature", "1/energy", r"\beta"),
        "spacing": ("level spacing", "energy", r"\epsilon"),
        "levels": ("number of levels", N, "n"),
        "rate": ("downward rate", "energy", r"\gamma"),
    },
)
def detailed_balance_steady_state(beta: float, spacing: float = 1.0, levels: int = 3,
                                  rate: float = 1.0) -> dict:
    """Populations of the steady state of `thermalize.superop.detailed_balance_generator`.

    Levels ``e_j = spacing * j`` (j = 0..levels-1), every downward rate equal to `rate`.
    Detailed balance makes the Gibbs state at `beta` the fixed point, so
    ``distance_to_gibbs`` (trace distance) is zero up to rounding: a law a sweep can audit.

    Parameters
    ----------
    beta : float
        Inverse temperature (finite).
    spacing : float
        Level spacing > 0.
    levels : int
        Number of levels >= 2.
    rate : float
        Downward rate > 0.

    Returns
    -------
    dict
        ``populations`` shape (levels,), ``distance_to_gibbs`` scalar.

    Examples
    --------
    >>> out = detailed_balance_steady_state(beta=1.0, spacing=1.0, levels=2)
    >>> np.round(out["populations"], 6)
    array([0.731059, 0.268941])
    """
    require_positive("spacing", spacing)
    require_positive("rate", rate)
    n = _int_at_least("levels", levels, 2)
    energies = spacing * np.arange(n, dtype=float)
    rho = steady_state(detailed_balance_generator(energies, beta, np.full((n, n), float(rate))))
    return {
        "populations": np.diagonal(rho).real.copy(),
        "distance_to_gibbs": trace_distance(rho, gibbs_state(energies, beta)),
    }


@register_quantity(
    "core.thermal-kinetic-energy",
    outputs={"mean_energy": (), "standard_error": ()},
    description="Monte Carlo mean kinetic energy of gas particles (Maxwell or effusion law)",
    cf={
        "mean_energy": ("sample mean kinetic energy", "energy", r"\langle mv^2/2\rangle"),
        "standard_error": ("standard error of the mean kinetic energy", "energy",
                           r"\delta E"),
        "beta": ("inverse temperature", "1/energy", r"\beta"),
        "mass": ("particle mass", "mass", "m"),
        "samples": ("number of sampled velocities", N, "n"),
        "law": ("velocity law", N, None),
    },
)
def thermal_kinetic_energy(beta: float, mass: float = 1.0, samples: int = 1000,
                           law: str = "effusion", *, rng: np.random.Generator) -> dict:
    """Sample mean of m v^2 / 2 over `samples` velocities of a 1D thermal law.

    ``law="maxwell"``: velocities of the gas, exact mean 1/(2 beta); ``law="effusion"``:
    velocities of the particles crossing a point (flux-weighted, Ehrich 2020, Eq. 27),
    exact mean 1/beta. The cheap stochastic quantity of the sweep tests and benchmarks.

    Parameters
    ----------
    beta, mass : float
        > 0.
    samples : int
        Velocities drawn, >= 2.
    law : {"effusion", "maxwell"}
    rng : numpy.random.Generator

    Returns
    -------
    dict
        ``mean_energy`` and its ``standard_error`` (sample standard deviation / sqrt(n)).

    Examples
    --------
    >>> out = thermal_kinetic_energy(2.0, samples=4000, law="maxwell",
    ...                              rng=np.random.default_rng(1))
    >>> bool(abs(out["mean_energy"] - 0.25) < 4 * out["standard_error"])  # exact 1/(2 beta)
    True
    """
    n = _int_at_least("samples", samples, 2)
    laws = {"effusion": effusion_velocity_1d, "maxwell": maxwell_velocity_1d}
    if law not in laws:
        raise ParameterError(f"law={law!r} is not one of {sorted(laws)}")
    v = laws[law](beta, mass).sample(n, rng=rng)
    energy = 0.5 * mass * v**2
    return {"mean_energy": energy.mean(), "standard_error": energy.std(ddof=1) / np.sqrt(n)}
