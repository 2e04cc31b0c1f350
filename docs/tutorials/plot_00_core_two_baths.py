r"""
Core: a qutrit between two heat baths
=====================================

The core modules (:mod:`thermalize.quantum`, :mod:`thermalize.superop`) are what every family
builds on: Gibbs states, entropies, Lindblad generators, steady states and evolution, all in
the energy eigenbasis with the conventions of :doc:`/conventions`.

Here we build a model that none of the papers treats: a three-level system (a *qutrit*)
whose transition :math:`0 \leftrightarrow 2` is coupled to a hot bath and whose transitions
:math:`1 \leftrightarrow 2` and :math:`0 \leftrightarrow 1` are coupled to a cold bath. Each
bath obeys detailed balance at its own temperature; together they drive a heat current
through the qutrit. We check

1. one bath coupled to all three transitions has the Gibbs state as its unique fixed point,
   and the relative entropy to it decreases monotonically (Spohn's inequality);
2. with both baths, the first law (the heat currents cancel in the steady state) and the
   second law (entropy production :math:`\sigma = -\beta_h J_h - \beta_c J_c \ge 0`).
"""

import numpy as np
from scipy.linalg import expm

from thermalize import evolve, gibbs_state, relative_entropy, steady_state
from thermalize.plotting import new_figure
from thermalize.superop import (
    apply,
    detailed_balance_generator,
    is_completely_positive,
    is_trace_preserving,
)

energies = np.array([0.0, 0.7, 2.0])  # e_0 < e_1 < e_2 (hbar = k_B = 1)
beta_cold = 2.5  # cold bath; the hot temperature is swept below

# %%
# One bath per transition
# -----------------------
# :func:`~thermalize.superop.detailed_balance_generator` reads the *downward* rates from
# the strict upper triangle of ``rates`` (``rates[i, j]`` for :math:`j \to i`, ``i < j``)
# and adds the upward rates :math:`\gamma_{ij} e^{-\beta(e_j - e_i)}`. A zero entry
# switches a transition off, so each bath couples only to its own transitions. (With the
# cold bath on :math:`1 \leftrightarrow 2` alone, the transitions would form a chain without a
# cycle, every pair would balance separately and no heat would flow.)

rates_hot = np.zeros((3, 3))
rates_hot[0, 2] = 1.0  # hot bath drives 0 <-> 2
rates_cold = np.zeros((3, 3))
rates_cold[1, 2] = 0.5  # cold bath drives 1 <-> 2 ...
rates_cold[0, 1] = 0.3  # ... and 0 <-> 1: the cycle 0 -> 2 -> 1 -> 0 carries heat
rates_both = rates_hot + rates_cold


def bath(beta, rates, hamiltonian=False):
    """Dissipative part of one bath (the Hamiltonian part is added once, below)."""
    return detailed_balance_generator(energies, beta, rates, hamiltonian=hamiltonian)


# %%
# Audit 1: one bath alone thermalizes
# -----------------------------------
# With all three transitions connected to the *same* bath the qutrit has a unique fixed
# point, the Gibbs state; :func:`~thermalize.quantum.relative_entropy` to it must vanish and decrease
# monotonically along any trajectory (:func:`~thermalize.superop.evolve` returns all times
# from one eigendecomposition).

L_one = bath(beta_cold, rates_both, hamiltonian=True)
pi_cold = gibbs_state(energies, beta_cold)
rho_ss = steady_state(L_one)
print(f"D(steady || Gibbs) = {relative_entropy(rho_ss, pi_cold):.1e}")
assert relative_entropy(rho_ss, pi_cold) < 1e-12  # LU solve of a 9x9 system: ~1e-15

rng = np.random.default_rng(7)
g = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
rho0 = g @ g.conj().T / np.trace(g @ g.conj().T)  # a random state with coherences
times = np.linspace(0.0, 12.0, 121)
trajectory = evolve(L_one, rho0, times)
spohn = np.array([relative_entropy(r, pi_cold) for r in trajectory])
assert np.all(np.diff(spohn) <= 1e-12)  # Spohn: dD/dt <= 0 (1e-12: rounding of D)

# %%
# Audit 2: two baths, first and second law
# ----------------------------------------
# The heat current from bath :math:`b` is :math:`J_b = \mathrm{tr}[H\,\mathcal{L}_b\rho]`.
# In the steady state the energy of the qutrit is constant, so :math:`J_h + J_c = 0`, and the
# entropy production rate :math:`\sigma = -\beta_h J_h - \beta_c J_c` must be non-negative.
# :func:`~thermalize.superop.steady_state` solves a whole batch of generators in one
# vectorised call: here, one per hot temperature.

H = np.diag(energies)
betas_hot = np.linspace(0.05, 4.0, 40)
L_hot = np.stack([bath(b, rates_hot) for b in betas_hot])
L_cold = bath(beta_cold, rates_cold)
L_total = L_hot + L_cold - 1j * (np.kron(H, np.eye(3)) - np.kron(np.eye(3), H.T))
one_step = expm(L_total[0])  # the map e^{L t} at t = 1: a quantum channel
assert is_trace_preserving(one_step) and is_completely_positive(one_step)

states = steady_state(L_total)  # shape (40, 3, 3)
J_hot = np.array([np.trace(H @ apply(Lh, r)).real for Lh, r in zip(L_hot, states)])
J_cold = np.array([np.trace(H @ apply(L_cold, r)).real for r in states])
sigma = -betas_hot * J_hot - beta_cold * J_cold

print(f"max |J_hot + J_cold| = {np.max(np.abs(J_hot + J_cold)):.1e}")
assert np.max(np.abs(J_hot + J_cold)) < 1e-12  # first law; currents are O(0.1)
assert np.all(sigma >= -1e-14)  # second law (1e-14: rounding of O(1) products)
assert np.all(J_hot[betas_hot < beta_cold] > 0)  # heat flows from the hotter bath

# %%
# The figure
# ----------
# Left: steady-state populations against the hot temperature; at
# :math:`\beta_h = \beta_c` the qutrit is in the Gibbs state of the common temperature
# (dashed). Right: heat current and entropy production, both vanishing there.

fig, (ax_p, ax_j) = new_figure(1, 2, width=3.6)
temps = 1.0 / betas_hot
for j in range(3):
    ax_p.plot(temps, states[:, j, j].real, label=f"level {j}")
    ax_p.axhline(pi_cold[j, j], ls="--", lw=0.8, color=f"C{j}")
ax_p.axvline(1.0 / beta_cold, color="k", lw=0.6)
ax_p.set_xscale("log")
ax_p.set_xlabel(r"hot temperature $T_h$")
ax_p.set_ylabel("steady-state population")
ax_p.legend()
ax_j.plot(temps, J_hot, label=r"heat current $J_h$")
ax_j.plot(temps, sigma, label=r"entropy production $\sigma$")
ax_j.axvline(1.0 / beta_cold, color="k", lw=0.6)
ax_j.set_xscale("log")
ax_j.set_xlabel(r"hot temperature $T_h$")
ax_j.set_ylabel("rate")
ax_j.legend()
