"""The rotating disk as a work-free heat pump between a cold gas and a hot bath (Fig. 2 right).

Ehrich et al., Physica A 552, 122108 (2020), end of Sec. 5. Each cycle: the disk suffers
`cold_collisions` collisions (Eq. 29) with particles of a 1D gas at temperature T_cold, then
a hot bath at T_hot (the vanes) relaxes omega by a Gibbs-preserving Ornstein-Uhlenbeck step
omega -> r omega + sqrt(1 - r^2) sigma_hot xi, sigma_hot^2 = T_hot/I (r = 0: full
thermalization, the paper's protocol). Heat is the disk energy gained from the cold gas
(Q_cold) and given to the hot bath (Q_hot); the entropy production per cycle is
Sigma = Q_hot/T_hot - Q_cold/T_cold, which the second law requires to be >= 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, require_in_range, require_int, require_real
from ._checks import beta_from, check_mc_counts, check_samples, finite_result, positive_real, warn_positional
from ._kicks import check_kicks, check_sides, kick_law
from ._progress import steps
from .disk import RotatingDisk
from .gas import _check_rng

__all__ = ["HeatFlows", "HeatPump"]

#: Most cold collisions per cycle (the exact recursion multiplies 2 x 2 matrices per collision).
MAX_COLD_COLLISIONS = 1_000_000


@dataclass(frozen=True)
class HeatFlows:
    """Mean heat per cycle and entropy production (k_B = 1).

    Attributes
    ----------
    heat_from_cold, heat_to_hot, entropy_production : float
    heat_from_cold_se, heat_to_hot_se, entropy_production_se : float
        Standard errors (0 for the analytic result).
    """

    heat_from_cold: float
    heat_to_hot: float
    entropy_production: float
    heat_from_cold_se: float = 0.0
    heat_to_hot_se: float = 0.0
    entropy_production_se: float = 0.0

    def balance_residual(self) -> float:
        """Q_cold - Q_hot: zero in the stationary cycle (energy conservation of the disk).

        Exact for `HeatPump.heat_flows`; for `HeatPump.simulate` the per-cycle sums
        telescope to (E_last - E_first)/cycles, so it is O(kT/cycles), not O(1/sqrt(N)).
        """
        return self.heat_from_cold - self.heat_to_hot


@dataclass(frozen=True, init=False)
class HeatPump:
    """Disk between a cold 1D gas (collisions, Eq. 29) and a hot Gibbs-preserving bath.

    Attributes
    ----------
    disk : RotatingDisk
    beta_cold, beta_hot : float
        Inverse temperatures of the gas and of the hot bath, keyword-only (two of a kind:
        never positional); ``temperature_cold=``, ``temperature_hot=`` are accepted instead
        (never both spellings of one). The positional form ``HeatPump(disk, beta_cold,
        beta_hot, mass, ...)`` still works for one release with a DeprecationWarning.
    mass : float
        Gas particle mass m (disk inertia I = m/mu).
    hot_relaxation : float
        r in [0, 1): memory of omega kept by the hot step (0 = full thermalization).
    cold_collisions : int
        Collisions with the cold gas per cycle (>= 1).
    kicks : {"effusion", "maxwell"}
        Velocity law of the cold particles; "effusion" is what a gas delivers (Eq. 27).
    sides : {1, 2}
        Cold particles from one side (Eq. 33) or both.

    Examples
    --------
    >>> pump = HeatPump.example()  # mu = 1, T_hot = 1.5 T_cold: Q = T_cold - T_hot/2
    >>> round(pump.heat_flows().heat_to_hot, 12), pump.heat_flows().entropy_production < 0
    (0.25, True)
    """

    disk: RotatingDisk
    beta_cold: float
    beta_hot: float
    mass: float = 1.0
    hot_relaxation: float = 0.0
    cold_collisions: int = 1
    kicks: str = "effusion"
    sides: int = 2

    def __init__(
        self,
        disk: RotatingDisk,
        *legacy,
        beta_cold: float | None = None,
        beta_hot: float | None = None,
        mass: float = 1.0,
        hot_relaxation: float = 0.0,
        cold_collisions: int = 1,
        kicks: str = "effusion",
        sides: int = 2,
        temperature_cold: float | None = None,
        temperature_hot: float | None = None,
    ) -> None:
        if legacy:
            names = ("beta_cold", "beta_hot", "mass", "hot_relaxation", "cold_collisions",
                     "kicks", "sides")
            if len(legacy) > len(names):
                raise TypeError("HeatPump() takes at most 8 positional arguments")
            warn_positional(
                "HeatPump(disk, beta_cold, beta_hot, ...) with positional inverse temperatures",
                "pass beta_cold=..., beta_hot=... (or temperature_cold=, temperature_hot=)",
            )
            given = dict(zip(names, legacy))
            if "beta_cold" in given and beta_cold is not None or (
                "beta_hot" in given and beta_hot is not None
            ):
                raise TypeError("HeatPump() got an inverse temperature twice")
            beta_cold = given.get("beta_cold", beta_cold)
            beta_hot = given.get("beta_hot", beta_hot)
            mass = given.get("mass", mass)
            hot_relaxation = given.get("hot_relaxation", hot_relaxation)
            cold_collisions = given.get("cold_collisions", cold_collisions)
            kicks = given.get("kicks", kicks)
            sides = given.get("sides", sides)
        if not isinstance(disk, RotatingDisk):
            raise ParameterError(f"disk must be a RotatingDisk, got {type(disk).__name__}")
        values = {
            "disk": disk,
            "beta_cold": beta_from(beta_cold, temperature_cold, beta_name="beta_cold",
                                   temperature_name="temperature_cold"),
            "beta_hot": beta_from(beta_hot, temperature_hot, beta_name="beta_hot",
                                  temperature_name="temperature_hot"),
            "mass": positive_real("mass", mass),
            "hot_relaxation": require_real("hot_relaxation", hot_relaxation),
            "cold_collisions": require_int("cold_collisions", cold_collisions, low=1,
                                           high=MAX_COLD_COLLISIONS),
            "kicks": check_kicks(kicks),
            "sides": check_sides(sides),
        }
        require_in_range("hot_relaxation", values["hot_relaxation"], 0.0, 1.0, high_open=True)
        disk.moment_of_inertia(values["mass"])  # representable I = m/mu
        for key, value in values.items():
            object.__setattr__(self, key, value)

    @classmethod
    def example(cls) -> HeatPump:
        """mu = 1, T_cold = 1, T_hot = 1.5: inside the paper's window T_cold < T_hot < 2 T_cold."""
        return cls(RotatingDisk(1.0), beta_cold=1.0, beta_hot=1.0 / 1.5)

    def _phases(self):
        law = kick_law(self.beta_cold, self.mass, self.kicks, self.sides)
        a, b = self.disk.restitution, self.disk.gain
        ev, ev2 = law.mean(), law.moment(2)
        inertia = self.disk.moment_of_inertia(self.mass)
        r = self.hot_relaxation
        cold = (np.array([[a, 0.0], [2 * a * b * ev, a * a]]), np.array([b * ev, b * b * ev2]))
        hot = (
            np.array([[r, 0.0], [0.0, r * r]]),
            np.array([0.0, (1 - r * r) / (self.beta_hot * inertia)]),
        )
        return cold, hot, inertia, law

    def heat_flows(self) -> HeatFlows:
        """Exact stationary heat flows from the affine recursion of (<omega>, <omega^2>).

        A cold collision maps (m1, m2) to (a m1 + b<v>, a^2 m2 + 2ab<v> m1 + b^2<v^2>), the hot
        step to (r m1, r^2 m2 + (1 - r^2) T_hot/I); the cycle's fixed point gives the
        energies I m2/2 before and after the cold phase. For mu = 1, r = 0 and effusion kicks:
        Q = T_cold - T_hot/2 (Ehrich 2020, Sec. 5).
        """
        (ca, cc), (ha, hc), inertia, _ = self._phases()
        amat, cvec = np.eye(2), np.zeros(2)
        for _ in range(self.cold_collisions):
            amat, cvec = ca @ amat, ca @ cvec + cc
        after_cold = (amat, cvec)
        amat, cvec = ha @ amat, ha @ cvec + hc
        start = np.linalg.solve(np.eye(2) - amat, cvec)
        mid = after_cold[0] @ start + after_cold[1]
        q = 0.5 * inertia * (mid[1] - start[1])
        sigma = self.beta_hot * q - self.beta_cold * q
        finite_result("HeatPump.heat_flows", [q, sigma], beta_cold=self.beta_cold,
                      beta_hot=self.beta_hot, mass=self.mass)
        return HeatFlows(float(q), float(q), float(sigma))

    def audit(self, *, tolerance: float = 1e-9):
        """Second law (Sigma >= 0) and energy balance of the exact stationary cycle.

        Returns
        -------
        thermalize.classical.audits.HeatPumpAudit
            ``second_law`` is False inside T_cold < T_hot < 2 T_cold for mu = 1 and effusion
            kicks: the disk pumps heat from cold to hot without work (Sec. 5), so it is not
            a valid thermal bath model; two-sided Maxwell kicks pass.

        Examples
        --------
        >>> HeatPump.example().audit().second_law
        False
        """
        from .audits import audit_heat_pump

        return audit_heat_pump(self, tolerance)

    def simulate(
        self,
        *,
        n_cycles: int,
        n_replicas: int,
        rng: np.random.Generator,
        burn_in: int | None = None,
        progress: bool = False,
    ) -> HeatFlows:
        """Monte Carlo of the cycle, vectorised over independent replicas.

        Heats are per-cycle energy changes of the disk averaged over cycles after `burn_in`
        (default n_cycles // 5); standard errors are over replicas. ``progress=True`` shows
        a tqdm bar over the cycles.

        Examples
        --------
        >>> hf = HeatPump.example().simulate(n_cycles=20, n_replicas=50,
        ...                                  rng=np.random.default_rng(0))
        >>> hf.heat_from_cold_se > 0
        True
        """
        _check_rng(rng)
        n_cycles, n_replicas, burn_in = check_mc_counts("n_cycles", n_cycles, n_replicas, burn_in)
        check_samples("HeatPump.simulate: n_cycles x n_replicas x (cold_collisions + 1)",
                      n_cycles, n_replicas, self.cold_collisions + 1,
                      per_sample_bytes=48, rows=n_replicas)
        _, _, inertia, law = self._phases()
        a, b, r = self.disk.restitution, self.disk.gain, self.hot_relaxation
        sig_hot = np.sqrt(1.0 / (self.beta_hot * inertia))
        w = rng.standard_normal(n_replicas) * sig_hot
        qc = np.zeros(n_replicas)
        qh = np.zeros(n_replicas)
        for cycle in steps(n_cycles, progress, "heat-pump cycles"):
            e0 = 0.5 * inertia * w * w
            for _ in range(self.cold_collisions):
                w = a * w + b * law.sample(n_replicas, rng=rng)
            e1 = 0.5 * inertia * w * w
            w = r * w + np.sqrt(1.0 - r * r) * sig_hot * rng.standard_normal(n_replicas)
            if cycle >= burn_in:
                qc += e1 - e0
                qh += e1 - 0.5 * inertia * w * w
        kept = n_cycles - burn_in
        qc /= kept
        qh /= kept
        sig = self.beta_hot * qh - self.beta_cold * qc
        sq = np.sqrt(n_replicas)
        return HeatFlows(
            float(qc.mean()),
            float(qh.mean()),
            float(sig.mean()),
            float(qc.std(ddof=1) / sq),
            float(qh.std(ddof=1) / sq),
            float(sig.std(ddof=1) / sq),
        )
