r"""
Classical baths: your own collision rule, its micro-reversibility and Liouville audit
=====================================================================================

:mod:`thermalize.classical` implements Ehrich, Esposito, Barra and Parrondo, Physica A 552,
122108 (2020): a scatterer with discrete internal levels :math:`\epsilon_s`, kicked by the
particles of an ideal gas at inverse temperature :math:`\beta`. Whether the scatterer ends in
the Gibbs state depends on two things the paper isolates:

* the **collision rule** :math:`p(s'|v, s)` must be *micro-reversible*, Eq. (17):
  :math:`p(s'|v, s) = p(s|v_{s'}, s')` at equal total energy;
* the kicks must come with the **effusion** (flux-weighted) speed law, Eq. (27), which is
  what an equilibrium gas delivers to a fixed target, not the Maxwell law.

The paper works with two levels and the rule "uniform over the open levels". Here we write
**our own rule** for a **three-level** scatterer, in which transitions need an energetic
collision, and a broken variant of it; we compute the exact stationary state, check it by
Monte Carlo, and audit the deterministic collision map of Eq. (20) for Liouville's theorem.
"""

import numpy as np

from thermalize.classical import (
    DirectDraw,
    DiscreteScatterer,
    Thinned,
    check_microreversibility,
    collision_probability,
    kick_markov_matrix,
    level_change_map,
    level_change_velocity_map,
    liouville_audit,
    map_boundary,
    open_levels,
    polygon_area,
    rectangle_boundary,
    simulate_explicit_particles,
    simulate_kick_chain,
    stationary_distribution,
)
from thermalize.plotting import new_figure
from thermalize.quantum import gibbs_populations

levels = np.array([0.0, 0.6, 1.5])  # eps_0 < eps_1 < eps_2
beta, mass = 1.3, 1.0
activation = 2.0  # energy scale above which collisions start to change the level

# %%
# A rule of our own
# -----------------
# A rule is any function ``f(K, s, levels) -> (k, n)`` of the incoming kinetic energies
# ``K`` (shape ``(k,)``) and initial levels ``s`` returning :math:`p(s'|K, s)`; a plain
# callable is wrapped in :class:`~thermalize.classical.CallableRule` (transmission only).
#
# Ours: with probability :math:`a` the collision sends the scatterer to a level drawn
# uniformly among the energetically open ones, otherwise it stays. If :math:`a` depends on
# the **total** energy :math:`E = K + \epsilon_s`, the matrix :math:`P(E)_{ss'}` is
# symmetric at fixed :math:`E`: the rule is micro-reversible. If :math:`a` depends on the
# **kinetic** energy alone, it is not.


def activated_rule(energy: str):
    """Activated mixing rule; `energy` = "total" (micro-reversible) or "kinetic" (not)."""

    def rule(kinetic_energy, level, lv):
        total = kinetic_energy + lv[level]
        a = 1.0 - np.exp(-(total if energy == "total" else kinetic_energy) / activation)
        reachable = open_levels(kinetic_energy, level, lv).astype(float)
        uniform = reachable / reachable.sum(axis=1, keepdims=True)
        stay = np.eye(len(lv))[level]
        return (1.0 - a)[:, None] * stay + a[:, None] * uniform

    return rule


good = DiscreteScatterer(levels, activated_rule("total"))
bad = DiscreteScatterer(levels, activated_rule("kinetic"))

for name, sc in [("total-energy rule", good), ("kinetic-energy rule", bad)]:
    report = check_microreversibility(sc)
    print(f"{name}: Eq. (17) holds: {report.holds}, "
          f"max violation {report.transmission_violation.max():.2e}")
assert check_microreversibility(good).holds and not check_microreversibility(bad).holds

# %%
# Exact stationary states
# -----------------------
# :func:`~thermalize.classical.kick_markov_matrix` integrates the rule against the speed law
# of the kicks (Gauss-Legendre between the level-opening energies) and returns the
# row-stochastic collision-to-collision matrix :math:`M_{ss'}`; its stationary law is the
# long-time state. Only the micro-reversible rule with effusion kicks gives Gibbs.

gibbs = gibbs_populations(levels, beta)
cases = {
    "micro-reversible, effusion": (good, "effusion"),
    "micro-reversible, Maxwell": (good, "maxwell"),
    "not micro-reversible, effusion": (bad, "effusion"),
}
exact = {
    label: stationary_distribution(kick_markov_matrix(sc, beta, mass, kicks=kicks))
    for label, (sc, kicks) in cases.items()
}
for label, p in exact.items():
    print(f"{label:32s} populations {np.round(p, 4)}   max |p - Gibbs| "
          f"{np.abs(p - gibbs).max():.1e}")
# quadrature with 32 nodes per interval on a smooth rule: ~1e-14 (see kick_markov_matrix)
assert np.abs(exact["micro-reversible, effusion"] - gibbs).max() < 1e-10
assert np.abs(exact["micro-reversible, Maxwell"] - gibbs).max() > 1e-3
assert np.abs(exact["not micro-reversible, effusion"] - gibbs).max() > 1e-3

# %%
# The model audits itself: :meth:`~thermalize.classical.DiscreteScatterer.audit` checks
# micro-reversibility (Eq. 17), phase-space volume of the collision map (Eq. 21), detailed
# balance of the exact Markov matrix and the Gibbs stationary state, and returns the verdicts
# with the numbers behind them (``temperature=`` may replace ``beta=``).

for label, (sc, kicks) in cases.items():
    rep = sc.audit(beta=beta, mass=mass, kicks=kicks)
    print(f"{label:32s} passed={rep.passed!s:5s} micro-reversible={rep.microreversible!s:5s} "
          f"detailed balance={rep.detailed_balance!s:5s} (residual "
          f"{rep.detailed_balance_residual:.1e})")
assert good.audit(temperature=1 / beta, mass=mass).passed
assert not bad.audit(beta=beta, mass=mass).microreversible

# %%
# Monte Carlo check
# -----------------
# :func:`~thermalize.classical.simulate_kick_chain` runs the collisions one by one (quick
# settings: 200 replicas of 1500 collisions). Its error bar is the spread over independent
# replicas, so the exact result must lie within a few standard errors.

mc = simulate_kick_chain(good, beta, mass, "effusion", n_steps=1500, n_replicas=200,
                         rng=np.random.default_rng(2020))
z = (mc.populations - gibbs) / mc.standard_error
print("Monte Carlo:", np.round(mc.populations, 4), "+/-", np.round(mc.standard_error, 4))
assert np.all(np.abs(z) < 4)  # 4 standard errors: a false alarm has probability ~2e-4

# %%
# Explicit gas particles
# ----------------------
# The kick chain *assumes* the effusion law. :func:`~thermalize.classical.simulate_explicit_particles`
# does not: every time step a gas particle with a uniform position in :math:`[-L, L]` and a
# Maxwell velocity flies freely for :math:`\Delta t` and collides only if it crosses the
# scatterer (Eqs. 22-23); the flux weighting of Eq. (27) emerges from the crossing test. Its
# default method, :class:`~thermalize.classical.Thinned`, draws only the particles that can
# reach the scatterer (exactly the same law as :class:`~thermalize.classical.DirectDraw`,
# which draws them all, and about 3x faster). With
# :math:`L/\Delta t` five thermal speeds the fraction of steps with a collision is
# :math:`\pi_c` of Eq. (25), and the stationary state is again Gibbs.

length = 5.0 / np.sqrt(beta * mass)  # L / dt = 5 thermal speeds at dt = 1
runs = {
    type(method).__name__: simulate_explicit_particles(
        good, beta, mass, length, 1.0, n_steps=4000, n_replicas=400,
        rng=np.random.default_rng(7), method=method)
    for method in (Thinned(), DirectDraw())
}
for method, est in runs.items():
    print(f"{method:8s}: populations {np.round(est.populations, 4)} +/- "
          f"{np.round(est.standard_error, 4)}, collision fraction "
          f"{est.collision_fraction:.4f} (Eq. 25: {collision_probability(beta, mass, length, 1.0):.4f})")
    assert np.all(np.abs((est.populations - gibbs) / est.standard_error) < 4)  # 4 s.e.

# %%
# Liouville audit of the collision map
# ------------------------------------
# Behind the rule lies deterministic Hamiltonian dynamics. A particle at position :math:`y`
# with velocity :math:`v` that hits the scatterer within a time step :math:`\Delta t` and
# lifts it from level 0 to level 2 leaves with :math:`v' = \sqrt{v^2 - 2\Delta\epsilon/m}`
# and :math:`y' = v'(\Delta t + y/v)`, Eq. (20). Hamiltonian dynamics preserves phase-space
# volume, :math:`|\det J| = 1`; the velocity map alone, Eq. (19), does not
# (:math:`|dv'/dv| = v/v'`). :func:`~thermalize.classical.liouville_audit` checks the
# determinant (complex-step derivatives, exact to rounding) at many points.

dt, gap = 1.0, levels[2] - levels[0]
full_map = level_change_map(energy_change=gap, mass=mass, dt=dt)
rng = np.random.default_rng(1)
speeds = rng.uniform(2.2, 4.0, 200)  # v^2 > 2 gap / m: the level is open
positions = -rng.uniform(0.0, 1.0, 200) * speeds * dt  # 0 < -y < v dt: a collision
audit = liouville_audit(full_map, np.column_stack([positions, speeds]))
velocity_only = liouville_audit(level_change_velocity_map(energy_change=gap, mass=mass),
                                speeds[:, None])
print(f"Eq. (20): max ||det J| - 1| = {np.abs(audit.determinants - 1).max():.1e}")
print(f"Eq. (19) alone: |dv'/dv| ranges over {velocity_only.determinants.min():.3f}"
      f" .. {velocity_only.determinants.max():.3f}")
assert audit.volume_preserving and not velocity_only.volume_preserving

# %%
# The same statement, seen as areas: a rectangle of initial conditions and its image under
# the collision map enclose the same area (shoelace formula on a finely sampled boundary).

box = rectangle_boundary((-2.0, -1.0), (2.5, 3.5), 200)
image = map_boundary(full_map, box)
print(f"area before {polygon_area(box):.6f}, after {polygon_area(image):.6f}")
assert abs(polygon_area(image) - polygon_area(box)) < 1e-4  # boundary sampling: ~1/N^2

# %%
# The figure
# ----------
# Left: stationary populations; only the micro-reversible rule kicked by an effusion gas is
# thermal. Right: the rectangle of initial conditions and its image under Eq. (20).

fig, (ax_p, ax_l) = new_figure(1, 2, width=3.8)
x = np.arange(len(levels))
width = 0.2
ax_p.bar(x - 1.5 * width, gibbs, width, label="Gibbs", color="k")
for i, (label, p) in enumerate(exact.items()):
    ax_p.bar(x + (i - 0.5) * width, p, width, label=label)
ax_p.errorbar(x - 0.5 * width, mc.populations, 4 * mc.standard_error, fmt="none", color="C3",
              capsize=2, label="Monte Carlo (4 s.e.)")
ax_p.set_xticks(x, [f"$\\epsilon_{s}={e}$" for s, e in enumerate(levels)])
ax_p.set_ylabel("stationary population")
ax_p.legend(fontsize=6)
ax_l.fill(*box.T, alpha=0.4, label="before collision")
ax_l.fill(*image.T, alpha=0.4, label="after (Eq. 20)")
ax_l.set_xlabel("position $y$")
ax_l.set_ylabel("velocity $v$")
ax_l.legend()
