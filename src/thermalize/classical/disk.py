"""Rotating disk with perfectly rough (tangential-friction) collisions, Ehrich 2020 Sec. 5.

Units: disk radius R = 1, k_B = 1. The gas particles have mass m, the disk moment of inertia
I = m/mu. A collision (Eq. 29) maps (v, omega) to

    v'     = -a v + 2 omega/(1 + mu),    a = (1 - mu)/(1 + mu)
    omega' =  b v + a omega,             b = 2 mu/(1 + mu),

which conserves energy and angular momentum and has |det| = 1 in (v, omega) (Eq. 30), but
not in the full phase space (y, v, theta, omega) (Eq. 32): the disk does not thermalize.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import (
    ParameterError,
    require_dense_size,
    require_int,
    require_real,
)
from ._checks import (
    beta_from,
    check_mc_counts,
    check_samples,
    finite_result,
    positive_real,
    real_array,
    with_temperature,
)
from ._disk_support import (
    DiskGridSolution,
    DiskMoments,
    DiskMonteCarlo,
    grid_solution,
    old_kernel_arguments,
    replica_chain,
)
from ._kicks import kick_law
from .gas import _check_rng

__all__ = ["DiskGridSolution", "DiskMoments", "DiskMonteCarlo", "RotatingDisk"]


def _check_gas(beta, mass):
    return positive_real("beta", beta), positive_real("mass", mass)


_UNSET = object()


@dataclass(frozen=True)
class RotatingDisk:
    """Disk of unit radius hit tangentially by 1D gas particles, mass ratio mu = m/I (Eq. 29).

    Attributes
    ----------
    mass_ratio : float
        mu = m/I > 0.

    Examples
    --------
    >>> disk = RotatingDisk(mass_ratio=1.0)  # mu = 1: particle and disk swap velocities
    >>> disk.collide(2.0, -0.5)
    (-0.5, 2.0)
    """

    mass_ratio: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "mass_ratio", positive_real("mass_ratio", self.mass_ratio))

    @classmethod
    def example(cls) -> RotatingDisk:
        """mu = 1, the heat-pump disk of Fig. 2 (right)."""
        return cls(1.0)

    @property
    def restitution(self) -> float:
        """a = (1 - mu)/(1 + mu): omega' = a omega + b v."""
        return (1.0 - self.mass_ratio) / (1.0 + self.mass_ratio)

    @property
    def gain(self) -> float:
        """b = 2 mu/(1 + mu)."""
        return 2.0 / (1.0 + 1.0 / self.mass_ratio)  # no overflow of 2 mu for huge mu

    def moment_of_inertia(self, mass: float) -> float:
        """I = m/mu for gas particles of mass m (R = 1)."""
        mass = positive_real("mass", mass)
        inertia = mass / self.mass_ratio
        if not 0.0 < inertia < np.inf:
            raise ParameterError(
                f"moment of inertia I = mass/mass_ratio = {mass!r}/{self.mass_ratio!r} is not "
                "a positive finite float; move mass or mass_ratio towards order one"
            )
        return inertia

    def collide(self, velocity, omega):
        """Eq. (29): (v, omega) -> (v', omega'); scalars or arrays (broadcast)."""
        a, b = self.restitution, self.gain
        for name, value in (("velocity", velocity), ("omega", omega)):
            arr = np.asarray(value) if not isinstance(value, (str, bytes)) else None
            if arr is None or arr.dtype.kind not in "biufc":  # complex: complex-step audits
                raise ParameterError(
                    f"{name}: expected a real number or array, got {value!r} "
                    f"({type(value).__name__})"
                )
            if not np.all(np.isfinite(arr)):
                raise ParameterError(f"{name}={value!r} must be finite (no NaN or inf)")
        try:
            np.broadcast_shapes(np.shape(velocity), np.shape(omega))
        except ValueError as exc:
            raise ParameterError(f"velocity and omega must broadcast together, got shapes "
                                 f"{np.shape(velocity)} and {np.shape(omega)}") from exc
        v_new = -a * np.asarray(velocity) + (2.0 / (1.0 + self.mass_ratio)) * np.asarray(omega)
        w_new = b * np.asarray(velocity) + a * np.asarray(omega)
        if np.ndim(v_new) == 0:
            return float(v_new), float(w_new)
        return v_new, w_new

    def velocity_map(self) -> Callable:
        """Eq. (29) as a collision map on x = (v, omega); |det| = 1 (Eq. 30)."""

        def velocity(x):
            v, w = x
            return np.stack(self.collide(v, w))

        return velocity

    def collision_map(self, dt: float) -> Callable:
        """Eq. (31): (y, v, theta, omega) -> (y', v', theta', omega') over a step dt.

        The particle at y < 0 with v > 0 hits the disk (at the origin) at t_c = -y/v < dt,
        flies off with v' and the disk turns by omega t_c + omega'(dt - t_c). Eq. (32):
        the volume factor is |v'/v|.
        """
        dt = positive_real("dt", dt)

        def collision(x):
            y, v, theta, w = x
            tc = -y / v
            v_new, w_new = self.collide(v, w)
            return np.stack([v_new * (dt - tc), v_new, theta + w * tc + w_new * (dt - tc), w_new])

        return collision

    def kernel(
        self,
        omega,
        omega_new,
        *legacy,
        beta: float | None = None,
        mass: float | None = None,
        kicks=_UNSET,
        sides=_UNSET,
        temperature: float | None = None,
    ):
        r"""Transition density rho(omega'|omega) of one collision, Eqs. (33)-(34).

        :math:`\rho(\omega'|\omega) = w((\omega' - a\omega)/b)/b` with w the kick velocity
        law: ``kicks="effusion", sides=1`` is Eq. (33) literally (particles from one side,
        v > 0); ``sides=2`` lets particles arrive from both sides; ``kicks="maxwell"`` uses
        Eq. (24) instead.

        Parameters
        ----------
        omega, omega_new : float or array_like (broadcast)
            Initial and final angular velocity (initial first, as everywhere).
        beta, mass : float, > 0, keyword-only
            Gas inverse temperature (or ``temperature=``) and particle mass.
        kicks : {"effusion", "maxwell"}
        sides : {1, 2}

        Returns
        -------
        ndarray, broadcast shape of `omega` and `omega_new`

        Notes
        -----
        Up to version 0.1.0 the order was ``kernel(omega_new, omega, beta, mass, kicks, sides)``.
        That positional form (recognised by a positional `beta`) still works, with its old
        meaning and a DeprecationWarning, for one release; keyword calls
        (``omega=..., omega_new=...``) mean the same in both versions.

        Examples
        --------
        >>> d = RotatingDisk(0.5)
        >>> float(d.kernel(0.3, 1.1, beta=1.0, mass=1.0)) > 0  # 0.3 -> 1.1
        True
        """
        if legacy:  # the pre-issue-17 order kernel(omega_new, omega, beta, mass, kicks, sides)
            omega, omega_new, (beta, mass, kicks, sides) = old_kernel_arguments(
                omega, omega_new, legacy, (beta, mass, kicks, sides), _UNSET
            )
        kicks = "effusion" if kicks is _UNSET else kicks
        sides = 1 if sides is _UNSET else sides
        if mass is None:
            raise ParameterError("mass is required: the gas particle mass, a real number > 0")
        beta = beta_from(beta, temperature)
        return self._kernel(omega, omega_new, beta, mass, kicks, sides)

    def _kernel(self, omega, omega_new, beta, mass, kicks, sides):
        law = kick_law(beta, positive_real("mass", mass), kicks, sides)
        with np.errstate(over="ignore", invalid="ignore"):
            x = (
                real_array("omega_new", omega_new)
                - self.restitution * real_array("omega", omega)
            ) / self.gain
            out = law.pdf(x) / self.gain
        return finite_result("RotatingDisk.kernel", out, beta=beta, mass=mass,
                             mass_ratio=self.mass_ratio)

    @with_temperature
    def detailed_balance_ratio(
        self, omega, omega_new, beta: float, mass: float, kicks: str = "effusion", sides: int = 1
    ):
        r"""rho(omega'|omega) / rho(-omega|-omega') from the kernel (Eq. 35, corrected).

        The denominator is the time-reversed transition -omega' -> -omega. NaN where the
        reversed transition is impossible (one-sided kicks). Arguments as in `kernel`
        (initial state first; ``temperature=`` may replace `beta`).
        """
        w = real_array("omega", omega)
        wn = real_array("omega_new", omega_new)
        num = self._kernel(w, wn, beta, mass, kicks, sides)
        den = self._kernel(-wn, -w, beta, mass, kicks, sides)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)

    @with_temperature
    def detailed_balance_ratio_closed_form(self, omega, omega_new, beta: float, mass: float):
        r"""Right-hand side of Eq. (35) for effusion kicks.

        .. math:: \left|\frac{\omega'-\omega+\mu(\omega'+\omega)}
                  {\omega'-\omega-\mu(\omega'+\omega)}\right| e^{-\beta I(\omega'^2-\omega^2)/2}

        Equals `detailed_balance_ratio` (time-reversed denominator) wherever both
        transitions are allowed; the prefactor is the volume factor of Eq. (32). +inf where
        the denominator omega' - omega - mu (omega' + omega) vanishes, NaN where the
        numerator vanishes too (0/0).

        Examples
        --------
        >>> d = RotatingDisk(0.5)
        >>> r1 = d.detailed_balance_ratio(0.3, 1.1, beta=1.0, mass=1.0)
        >>> r2 = d.detailed_balance_ratio_closed_form(0.3, 1.1, beta=1.0, mass=1.0)
        >>> round(float(r1 / r2), 12)
        1.0
        """
        beta, mass = _check_gas(beta, mass)
        w, wn = real_array("omega", omega), real_array("omega_new", omega_new)
        mu = self.mass_ratio
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            pref = np.abs((wn - w + mu * (wn + w)) / (wn - w - mu * (wn + w)))
            return pref * self.gibbs_ratio(w, wn, beta, mass)

    @with_temperature
    def gibbs_ratio(self, omega, omega_new, beta: float, mass: float):
        """exp(-beta I (omega'^2 - omega^2)/2): what detailed balance w.r.t. Gibbs requires.

        +inf where the exponent overflows (the ratio is then unbounded, not undefined).
        """
        inertia = self.moment_of_inertia(mass)
        beta = positive_real("beta", beta)
        w, wn = real_array("omega", omega), real_array("omega_new", omega_new)
        a, an = np.abs(w), np.abs(wn)
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            # (|w'| - |w|)(|w'| + |w|): no inf - inf at huge omegas; equal |w| give exactly 1
            x = -0.5 * beta * inertia * ((an - a) * (an + a))
            # where that overflowed (or 0 * inf), the same exponent from logs: +-inf or finite
            logs = (np.log(0.5 * beta) + np.log(inertia) + np.log(np.abs(an - a))
                    + np.log(0.5 * an + 0.5 * a) + np.log(2.0))
            x = np.where(np.isfinite(x), x, -np.sign(an - a) * np.exp(logs))
            return np.exp(np.where(an == a, 0.0, x))

    @with_temperature
    def stationary_moments(
        self, beta: float, mass: float, kicks: str = "effusion", sides: int = 1
    ) -> DiskMoments:
        r"""Exact stationary mean, variance and mean energy of omega.

        omega_n = sum_k a^k b v_k, so <omega> = b <v>/(1 - a) = <v> and
        Var omega = b^2 Var v/(1 - a^2) = mu Var v; hence
        :math:`\langle I\omega^2/2\rangle = \tfrac{m}{2}(\mathrm{Var}\,v + \langle v\rangle^2/\mu)`.
        Two-sided effusion: kT for every mu (not the Gibbs kT/2); two-sided Maxwell: kT/2
        (Gibbs); one-sided effusion: kT[(1 - pi/4) + pi/(4 mu)], kT/2 only at
        mu = pi/(pi - 2).

        Examples
        --------
        >>> RotatingDisk(1.0).stationary_moments(beta=1.0, mass=1.0, sides=2).mean_energy
        1.0
        """
        law = kick_law(beta, mass, kicks, sides)
        try:
            mean_v, var_v = law.mean(), law.var()
        except ParameterError as exc:  # the kick-speed scale 1/sqrt(beta m) out of range
            raise ParameterError(f"beta={beta!r}, mass={mass!r}: the kick-velocity moments are "
                                 f"outside the float64 range ({exc})") from exc
        var_w = self.mass_ratio * var_v
        with np.errstate(over="ignore"):
            energy = 0.5 * self.moment_of_inertia(mass) * (var_w + mean_v**2)
        finite_result("RotatingDisk.stationary_moments", [mean_v, var_w, energy], beta=beta,
                      mass=mass, mass_ratio=self.mass_ratio)
        return DiskMoments(float(mean_v), float(var_w), float(energy))

    @with_temperature
    def stationary_grid(
        self,
        beta: float,
        mass: float,
        kicks: str = "effusion",
        sides: int = 1,
        *,
        n_grid: int = 1200,
        width: float = 12.0,
    ) -> DiskGridSolution:
        """Stationary law of omega from the kernel Eq. (33), solved on a grid.

        Cells of equal width cover <omega> +- width * sd(omega). The cell-to-cell matrix
        P[i, j] = F((e_{j+1} - a c_i)/b) - F((e_j - a c_i)/b) uses the exact kick CDF F at
        the cell centre c_i; rows are renormalised (the mass beyond the range is below
        1e-30 for width = 12), and the stationary vector solves p = p P directly.

        Returns
        -------
        DiskGridSolution

        Notes
        -----
        Discretisation error O(h^2) with h the cell width; compare two `n_grid`. The cells
        must be narrow compared with the kernel width b sd(v): h/(b sd(v)) =
        width (1 + mu)/(sqrt(mu) n_grid), so for mu << 1 or mu >> 1 take
        n_grid >~ 10 width (1 + mu)/sqrt(mu) (e.g. 3800 cells at mu = 1e-3); a grid whose
        cells are wider than the kernel (ratio > 1) is a ParameterError naming n_grid and width.
        `width` must be >= 1 (default 12).
        """
        law = kick_law(beta, mass, kicks, sides)
        n_grid = require_int("n_grid", n_grid, low=10)
        require_dense_size("n_grid", (n_grid, n_grid), itemsize=8)  # the cell-to-cell matrix
        width = positive_real("width", width)
        if width < 1.0:  # narrower: most of the law cut off (and at ~1e-300 no distinct edges)
            raise ParameterError(f"width={width!r} is outside the allowed range [1, inf): the "
                                 "grid must cover at least <omega> +- sd(omega)")
        mom = self.stationary_moments(beta, mass, kicks, sides)
        lo_cut = 0.0 if sides == 1 and self.restitution >= 0 else -np.inf  # omega stays > 0
        return grid_solution(self.restitution, self.gain, self.moment_of_inertia(mass), law, mom,
                             n_grid, width, lo_cut)

    @with_temperature
    def steady_state(
        self,
        beta: float,
        mass: float,
        kicks: str = "effusion",
        sides: int = 1,
        *,
        n_grid: int = 1200,
        width: float = 12.0,
    ) -> DiskGridSolution:
        """Stationary law of omega under the kicks: `stationary_grid` (Eq. 33 iterated)."""
        return self.stationary_grid(beta, mass, kicks, sides, n_grid=n_grid, width=width)

    @with_temperature
    def audit(
        self,
        *,
        beta: float,
        mass: float,
        kicks: str = "effusion",
        sides: int = 1,
        tolerance: float = 1e-9,
    ):
        """Liouville (Eqs. 30, 32), detailed balance w.r.t. Gibbs (Eq. 35), Gibbs energy.

        Returns
        -------
        thermalize.classical.audits.DiskAudit
            ``passed`` is never True for the rough disk: its full collision map scales
            phase-space volume by |v'/v| (Eq. 32). Two-sided Maxwell kicks give detailed
            balance and the Gibbs energy nevertheless (for the wrong reason, Sec. 5).

        Examples
        --------
        >>> rep = RotatingDisk(0.5).audit(beta=1.0, mass=1.0, kicks="maxwell", sides=2)
        >>> rep.velocity_volume_preserving, rep.volume_preserving, rep.detailed_balance
        (True, False, True)
        >>> RotatingDisk(0.5).audit(beta=1.0, mass=1.0, sides=2).detailed_balance
        False
        """
        from .audits import audit_disk

        beta, mass = _check_gas(beta, mass)
        return audit_disk(self, beta, mass, kicks, sides, tolerance)

    @with_temperature
    def simulate(
        self,
        beta: float,
        mass: float,
        kicks: str = "effusion",
        sides: int = 1,
        *,
        n_steps: int,
        n_replicas: int,
        rng: np.random.Generator,
        burn_in: int | None = None,
        omega0: float = 0.0,
        progress: bool = False,
    ) -> DiskMonteCarlo:
        """Monte Carlo of omega_{n+1} = a omega_n + b v_n with kicks v_n from the kick law.

        Vectorised over independent replicas; energies are time-averaged after `burn_in`
        (default n_steps // 5; omega forgets its start like |a|^n). ``progress=True`` shows
        a tqdm bar over the steps.

        Examples
        --------
        >>> mc = RotatingDisk(1.0).simulate(1.0, 1.0, sides=2, n_steps=50, n_replicas=100,
        ...                                  rng=np.random.default_rng(0))
        >>> mc.samples.shape
        (100,)
        """
        law = kick_law(beta, mass, kicks, sides)
        _check_rng(rng)
        n_steps, n_replicas, burn_in = check_mc_counts("n_steps", n_steps, n_replicas, burn_in)
        check_samples("RotatingDisk.simulate: n_steps x n_replicas", n_steps, n_replicas,
                      per_sample_bytes=40, rows=n_replicas)
        w = np.full(n_replicas, require_real("omega0", omega0))
        self.stationary_moments(beta, mass, kicks, sides)  # scales in range, else named error
        with np.errstate(over="ignore", invalid="ignore"):
            mc = replica_chain(self.restitution, self.gain, self.moment_of_inertia(mass), law,
                               w, n_steps, burn_in, rng, progress)
        finite_result("RotatingDisk.simulate", [mc.mean_energy, mc.mean_energy_se,
                                                mc.mean_omega, mc.mean_omega_se],
                      beta=beta, mass=mass, omega0=omega0)
        return mc
