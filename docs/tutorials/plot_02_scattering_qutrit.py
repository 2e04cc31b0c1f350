r"""
Scattering maps: a qutrit bombarded by wave packets, with exact amplitudes
==========================================================================

:mod:`thermalize.scattering` implements Tabanera-Bravo, Parrondo, Esposito and Barra,
PRL 130, 200402 (2023): a quantum system :math:`H_S` is hit by particles of an ideal gas,
each a wave packet scattering off a region of length :math:`L` where it couples to the system
through :math:`V`. One collision is a map :math:`\mathbb S` (Eq. 17); collisions arriving
at rate :math:`\Gamma` give the master equation Eq. (8). The paper's message: the collisions
obey detailed balance, so with *rare* collisions the system thermalizes, but every collision
also creates coherences, which survive when collisions are *frequent*.

The paper treats a qubit with the approximate amplitudes of its Eq. (S1). Here we take a
**qutrit** with a coupling of our own, compute the amplitudes **exactly** (matching plane
waves at the edges of the region), audit the resulting map, and follow the steady state from
rare to frequent collisions.
"""

import numpy as np

from thermalize.plotting import new_figure
from thermalize.quantum import gibbs_state
from thermalize.scattering import (
    IncidentPacket,
    ScatteringModel,
    amplitudes,
    audit_map,
    collision_generator,
    collision_steady_state,
    dephased_fixed_point,
    microreversibility_residual,
    packet_positivity,
    perturbative_steady_state,
    poisson_trajectories,
    scattering_map,
)
from thermalize.superop import evolve

energies = np.array([-0.6, 0.0, 0.5])  # H_S in its eigenbasis, ascending
coupling = np.array([[0.0, 0.8, 0.3],   # V: Hermitian, couples every pair of levels
                     [0.8, 0.2, 0.6],
                     [0.3, 0.6, -0.1]])
model = ScatteringModel(energies, coupling, length=1.0, mass=0.1)
packet = model.packet(beta=0.1, delta_x=1.0, x0=-10.0)  # effusion momenta, the model's mass
assert isinstance(packet, IncidentPacket)

# %%
# Exact amplitudes: unitarity and micro-reversibility
# ---------------------------------------------------
# :func:`~thermalize.scattering.amplitudes` returns the transmitted and reflected amplitudes
# :math:`s^{(\pm)}_{j'j}(E)` (outgoing channel :math:`j'`, incoming :math:`j`) at total
# energies :math:`E`. The exact ones conserve probability (the S matrix is unitary on the
# open channels) and are symmetric, :math:`s_{j'j} = s_{jj'}` (Eq. 19, time-reversal
# symmetry of a real coupling), which is what makes the map obey detailed balance.

kinetic = np.geomspace(0.01, 12.0, 400)  # kinetic energy of a particle arriving in level 0
exact = amplitudes(model, kinetic + energies[0], method="exact")
approx = amplitudes(model, kinetic + energies[0], method="S1")
print(f"unitarity residual (exact): {exact.unitarity_residual().max():.1e}")
print(f"micro-reversibility residual (exact): {microreversibility_residual(exact).max():.1e}")
assert exact.unitarity_residual().max() < 1e-12  # LAPACK solve of a 4d x 4d system
assert microreversibility_residual(exact).max() < 1e-12


def probabilities(amp):
    """P(j' | particle arriving in level 0), transmitted plus reflected."""
    return np.abs(amp.transmission[:, :, 0]) ** 2 + np.abs(amp.reflection[:, :, 0]) ** 2


# Eq. (S1) ignores reflection and is exact only far above the levels
gap = np.abs(probabilities(exact) - probabilities(approx))
print(f"max |P_exact - P_S1| below / above kinetic energy 6: "
      f"{gap[kinetic < 6].max():.3f} / {gap[kinetic > 6].max():.3f}")

# %%
# The scattering map and its audit
# --------------------------------
# :func:`~thermalize.scattering.scattering_map` integrates the amplitudes against the
# momentum density matrix of the packet (Eq. 23) with Gauss quadrature at two resolutions;
# ``error`` is their difference. ``smap.audit()`` (:func:`~thermalize.scattering.audit_map`
# with the map's own energies and temperature) gives a verdict on every law a collision map
# may obey, and the residual behind it; Hermiticity preservation is checked before complete
# positivity, which Choi's theorem needs.

smap = scattering_map(model, packet, method="exact", nodes=24)
audit = smap.audit()
assert audit == audit_map(smap)
print(f"quadrature error {smap.error:.1e}")
print(audit)
tol = audit.tolerance  # the laws hold to the quadrature accuracy of the map (10 x error)
assert audit.trace_preserving and audit.hermiticity_preserving
assert audit.detailed_balance_holds
assert audit.coherence_generation > 1e-2  # populations feed coherences: not thermal alone

# %%
# The Choi matrix has a small negative eigenvalue. This is not a numerical error: the packet
# of Eq. (23) (a product of a non-Gaussian momentum law with a Gaussian in position) is not a
# positive operator for these parameters, as :func:`~thermalize.scattering.packet_positivity`
# shows; the paper's Eq. (22) is a valid Wigner function only for broad enough packets.

positivity = packet_positivity(packet)
print(f"packet: smallest eigenvalue {positivity.min_eigenvalue:.3f} "
      f"(+- {positivity.error:.0e}), map: smallest Choi eigenvalue "
      f"{audit.choi_min_eigenvalue:.1e}, completely positive: {audit.completely_positive}")

# %%
# Rare collisions thermalize, frequent ones do not
# ------------------------------------------------
# Detailed balance makes the Gibbs state the fixed point of the dephased map
# :math:`\mathbb D\mathbb S` (Eqs. 3-4), which is the steady state for
# :math:`\Gamma \to 0`. :func:`~thermalize.scattering.collision_steady_state` solves Eq. (9)
# for all rates in one batched call; :func:`~thermalize.scattering.perturbative_steady_state`
# gives the first order in :math:`\Gamma` (Eqs. 10-15), whose error must shrink like
# :math:`\Gamma^2`.

gibbs = gibbs_state(energies, packet.beta)
assert np.abs(dephased_fixed_point(smap, energies) - gibbs).max() < tol

rates = np.logspace(-3, 2, 60)
steady = smap.steady_state(rates)  # (60, 3, 3), = collision_steady_state(smap, rate=rates)
pert = perturbative_steady_state(smap, energies)
small = np.array([1e-3, 1e-2])
residual = [np.abs(r - (pert.zeroth + g * pert.first)).max()
            for g, r in zip(small, collision_steady_state(smap, energies, small))]
ratio = residual[1] / residual[0]
print(f"first-order error at Gamma = {small[0]:.1e}, {small[1]:.1e}: "
      f"{residual[0]:.1e}, {residual[1]:.1e} (ratio {ratio:.2f}, "
      f"Gamma^2 predicts {(small[1] / small[0]) ** 2:.2f})")
assert abs(ratio / (small[1] / small[0]) ** 2 - 1) < 0.05  # O(Gamma^3) corrections

# %%
# Poissonian trajectories
# -----------------------
# The master equation is the average over random collision sequences (Eq. 6).
# :func:`~thermalize.scattering.poisson_trajectories` samples them; the mean must agree with
# :func:`~thermalize.superop.evolve` applied to
# :func:`~thermalize.scattering.collision_generator` within its standard errors.

rho0 = np.diag([0.0, 0.0, 1.0]).astype(complex)  # start in the top level
times = np.linspace(0.0, 10.0, 41)
ensemble = poisson_trajectories(smap, energies, 1.0, rho0, times, n_realisations=400,
                                rng=np.random.default_rng(2023))
master = evolve(collision_generator(smap, energies, 1.0), rho0, times)
pops = np.einsum("tjj->tj", ensemble.mean).real
pops_se = np.einsum("tjj->tj", ensemble.standard_error).real
z = np.abs(pops - np.einsum("tjj->tj", master).real)[1:] / pops_se[1:]
print(f"largest deviation: {z.max():.1f} standard errors (over 40 times x 3 levels)")
assert z.max() < 4.5  # 4.5 s.e. for the largest of ~120 correlated comparisons

# %%
# The figure
# ----------
# Left: probability to end in each level after one collision with a particle arriving in the
# ground state, exact (solid) and Eq. (S1) (dashed). Middle: steady state against the
# collision rate, with the Gibbs populations (dotted) and the coherences that frequent
# collisions build. Right: trajectories (points, 2 standard errors) average to the master
# equation (lines).

fig, (ax_a, ax_s, ax_t) = new_figure(1, 3, width=3.0)
for j in range(3):
    ax_a.semilogx(kinetic, probabilities(exact)[:, j], color=f"C{j}", label=f"to level {j}")
    ax_a.semilogx(kinetic, probabilities(approx)[:, j], color=f"C{j}", ls="--", lw=0.8)
ax_a.set_xlabel("kinetic energy of the particle")
ax_a.set_ylabel("probability after one collision")
ax_a.legend()
for j in range(3):
    ax_s.semilogx(rates, steady[:, j, j].real, color=f"C{j}", label=rf"$\rho_{{{j}{j}}}$")
    ax_s.axhline(gibbs[j, j], color=f"C{j}", ls=":", lw=0.8)
for (j, k), c in [((0, 1), "C3"), ((1, 2), "C4")]:
    ax_s.semilogx(rates, np.abs(steady[:, j, k]), color=c, label=rf"$|\rho_{{{j}{k}}}|$")
ax_s.set_xlabel(r"collision rate $\Gamma$")
ax_s.set_ylabel("steady state")
ax_s.legend(fontsize=6)
for j in range(3):
    ax_t.errorbar(times, pops[:, j], 2 * pops_se[:, j], fmt=".", ms=3, color=f"C{j}")
    ax_t.plot(times, master[:, j, j].real, color=f"C{j}", label=f"level {j}")
ax_t.set_xlabel("time")
ax_t.set_ylabel("population")
ax_t.set_title("400 trajectories (2 s.e.) vs Eq. (8)")
ax_t.legend()
