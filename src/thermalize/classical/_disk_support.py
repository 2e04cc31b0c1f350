"""Result types of `thermalize.classical.disk` (re-exported there) and its deprecated call form."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ._checks import warn_positional
from ._progress import steps

__all__ = ["DiskGridSolution", "DiskMoments", "DiskMonteCarlo", "grid_solution", "old_kernel_arguments", "replica_chain"]


@dataclass(frozen=True)
class DiskMoments:
    """Exact stationary moments of omega (closed form, see `RotatingDisk.stationary_moments`).

    Attributes
    ----------
    mean_omega, var_omega : float
    mean_energy : float
        <I omega^2/2> in units of kT (k_B = 1): divide by 1/beta for the ratio to kT.
    """

    mean_omega: float
    var_omega: float
    mean_energy: float


@dataclass(frozen=True)
class DiskGridSolution:
    """Stationary law of omega from the exact kernel on a grid.

    Attributes
    ----------
    edges : ndarray, shape (n + 1,)
        Cell edges in omega.
    probabilities : ndarray, shape (n,)
        Stationary probability of each cell.
    mean_energy : float
        <I omega^2/2> from the cell probabilities (cell second moments, uniform in-cell).
    """

    edges: np.ndarray
    probabilities: np.ndarray
    mean_energy: float

    @property
    def centers(self) -> np.ndarray:
        """Cell centres, shape (n,)."""
        return 0.5 * (self.edges[1:] + self.edges[:-1])

    @property
    def density(self) -> np.ndarray:
        """Probability density in each cell, shape (n,)."""
        return self.probabilities / np.diff(self.edges)


@dataclass(frozen=True)
class DiskMonteCarlo:
    """Monte Carlo of the disk driven by kicks.

    Attributes
    ----------
    mean_energy, mean_energy_se : float
        <I omega^2/2> (time average after burn-in, mean over replicas) and its standard
        error over the independent replicas.
    mean_omega, mean_omega_se : float
    samples : ndarray, shape (n_replicas,)
        omega of every replica at the last step: independent draws of the stationary law.
    """

    mean_energy: float
    mean_energy_se: float
    mean_omega: float
    mean_omega_se: float
    samples: np.ndarray


def old_kernel_arguments(first, second, legacy: tuple, keywords: tuple, unset):
    """Arguments of the deprecated ``kernel(omega_new, omega, beta, mass, kicks, sides)``.

    Returns ``(omega, omega_new, (beta, mass, kicks, sides))`` in the new order, with a
    DeprecationWarning; a value given both positionally and by keyword is a TypeError.
    """
    if len(legacy) > 4:
        raise TypeError(f"kernel() takes at most 6 positional arguments ({len(legacy) + 2} given)")
    warn_positional(
        "RotatingDisk.kernel(omega_new, omega, beta, mass, ...) with positional beta "
        "(final state first)",
        "call kernel(omega, omega_new, beta=..., mass=...): initial state first",
        stacklevel=4,
    )
    names = ("beta", "mass", "kicks", "sides")
    named = dict(zip(names, keywords))
    for key, value in zip(names, legacy):
        if named[key] is not None and named[key] is not unset:
            raise TypeError(f"kernel() got multiple values for argument {key!r}")
        named[key] = value
    return second, first, tuple(named.values())


def grid_solution(a, b, inertia, law, mom, n_grid, width, lo_cut) -> DiskGridSolution:
    """`RotatingDisk.stationary_grid` on omega' = a omega + b v: cells over <omega> +- width sd
    (not below `lo_cut`), exact kick CDF at the cell centres, p = p P solved directly."""
    sd = np.sqrt(mom.var_omega)
    with np.errstate(over="ignore"):
        lo = max(mom.mean_omega - width * sd, lo_cut)
        hi = mom.mean_omega + width * sd
        in_range = np.isfinite(max(abs(lo), abs(hi)) ** 3)  # the in-cell <w^2> uses edges^3
    if not in_range:
        raise ParameterError(f"width={width!r}: the grid <omega> +- width sd(omega), sd(omega) = "
                             f"{sd:.3g}, is outside the float64 range (its cubes overflow)")
    cell, kernel = (hi - lo) / n_grid, abs(b) * np.sqrt(law.var())  # omega' = a omega + b v
    if cell > kernel:  # every kick would land in its own cell: the grid says nothing
        raise ParameterError(
            f"n_grid={n_grid!r}, width={width!r}: the cells ({cell:.3g} wide) are wider than the "
            f"kick kernel b sd(v) = {kernel:.3g}; raise n_grid or lower width "
            "(n_grid >~ 10 width (1 + mu)/sqrt(mu) for mass ratio mu)"
        )
    edges = np.linspace(lo, hi, int(n_grid) + 1)
    c = 0.5 * (edges[1:] + edges[:-1])
    cdf = law.cdf((edges[None, :] - a * c[:, None]) / b)
    p = np.diff(cdf, axis=1)
    p /= p.sum(axis=1, keepdims=True)
    m = p.T - np.eye(p.shape[0])
    m[-1, :] = 1.0
    rhs = np.zeros(p.shape[0])
    rhs[-1] = 1.0
    prob = np.clip(np.linalg.solve(m, rhs), 0.0, None)
    prob /= prob.sum()
    second = (edges[1:] ** 3 - edges[:-1] ** 3) / (3.0 * np.diff(edges))  # in-cell <w^2>
    return DiskGridSolution(edges, prob, 0.5 * inertia * float(prob @ second))


def replica_chain(a, b, inertia, law, w, n_steps, burn_in, rng, progress) -> DiskMonteCarlo:
    """`RotatingDisk.simulate`: omega <- a omega + b v for every replica (the entries of w)."""
    n_replicas = w.size
    acc_e = np.zeros(n_replicas)
    acc_w = np.zeros(n_replicas)
    for step in steps(n_steps, progress, "disk Monte Carlo"):
        w = a * w + b * law.sample(n_replicas, rng=rng)
        if step >= burn_in:
            acc_e += w * w
            acc_w += w
    kept = n_steps - burn_in
    e = 0.5 * inertia * acc_e / kept
    wm = acc_w / kept
    sq = np.sqrt(n_replicas)
    return DiskMonteCarlo(
        float(e.mean()), float(e.std(ddof=1) / sq), float(wm.mean()), float(wm.std(ddof=1) / sq), w
    )
