r"""
Gas master equation: a five-level molecule in a two-temperature gas
===================================================================

:mod:`thermalize.gas` implements Gaida, Gasbarri and Nimmrichter (2025): a system with
levels :math:`e_i` immersed in a dilute 3D gas whose particles carry internal levels
:math:`\epsilon_k` (the *ancillas*). Each collision can exchange energy between the system,
the ancilla and the motion of the gas particle; averaging over collisions gives the Lindblad
master equation Eq. (6), with rates set by the scattering amplitudes (first Born
approximation for a Gaussian interaction region, Eq. D2).

The paper's point is that this master equation is thermodynamically consistent: when the
ancillas' internal temperature :math:`T_A` equals the motional temperature :math:`T_M`, the
system thermalizes (local detailed balance, Eq. 13). The gas, however, need not be in
equilibrium. Here we put a **five-level molecule** with a coupling of our own into a gas whose
internal and motional temperatures **differ**. The molecule then conducts heat between the
ancillas and the motion, settles in a non-Gibbs state, and produces entropy.
"""

import numpy as np
from scipy.linalg import expm

from thermalize.gas import (
    GasModel,
    energy_flows,
    entropy_production_rate,
    local_detailed_balance_residual,
    two_temperature_entropy_production,
)
from thermalize.plotting import new_figure
from thermalize.quantum import gibbs_populations, gibbs_state, relative_entropy
from thermalize.superop import evolve, is_completely_positive, is_trace_preserving

molecule = np.array([0.0, 0.45, 1.1, 1.6, 2.4])  # five non-equidistant levels e_i
ancilla = np.array([0.0, 0.9])  # two-level gas particles, gap 0.9
rng = np.random.default_rng(5)
g = rng.standard_normal((10, 10))
coupling = 0.25 * (g + g.T)  # real symmetric v on molecule x ancilla (index i*2 + k)
temperature_motional = 1.0


def model(temperature_internal):
    """The molecule in a gas with ancillas at T_A and motion at T_M = 1."""
    return GasModel.born_gaussian(
        molecule, ancilla, coupling, strength=1.0, interaction_range=1.0, mass=1.0,
        density=0.01, temperature_motional=temperature_motional,
        temperature_internal=temperature_internal,
    )


# %%
# Audit 1: an equilibrium gas thermalizes the molecule
# ----------------------------------------------------
# :meth:`~thermalize.gas.GasModel.rates` computes the rates of Eq. (12) and the Lindblad
# blocks of Eq. (7) by quadrature, with an error estimate. With :math:`T_A = T_M` they obey
# local detailed balance, Eq. (13), and the generator's steady state is the Gibbs state.
# The generator is a genuine Lindblad generator: its propagator is a quantum channel.

rates_eq = model(temperature_motional).rates()
print(f"quadrature error {rates_eq.error:.1e} (largest rate {rates_eq.rate_matrix().max():.3f})")
residual = local_detailed_balance_residual(rates_eq, 1.0 / temperature_motional)
print(f"Eq. (13) residual: {residual:.1e}")
assert residual < 1e-10  # quadrature rtol 1e-8 on both sides of a ratio of equal integrals

L_eq = rates_eq.generator()
gibbs = gibbs_state(molecule, 1.0 / temperature_motional)
assert relative_entropy(rates_eq.steady_state(), gibbs) < 1e-12
channel = expm(50.0 * L_eq)  # e^{L t} at t = 50
assert is_trace_preserving(channel) and is_completely_positive(channel)

# %%
# Along the relaxation from the top level, the entropy production rate (Clausius form,
# Eq. 16, :math:`\sigma = \dot S - \beta \dot Q`) is non-negative at every time.

rho_top = np.diag([0.0, 0.0, 0.0, 0.0, 1.0])
times = np.linspace(0.0, 400.0, 81)
trajectory = evolve(L_eq, rho_top, times)
sigma_t = entropy_production_rate(L_eq, molecule, 1.0 / temperature_motional, trajectory)
assert np.all(sigma_t[1:] >= -1e-12)  # 1e-12: rounding; sigma ~ 1e-3 early on

# %%
# Two temperatures: heat conduction and entropy production
# --------------------------------------------------------
# Now sweep the ancilla temperature :math:`T_A` at fixed :math:`T_M = 1`. In the steady
# state the molecule's energy is constant, so the energy it takes from the ancillas goes
# into the gas motion (first law, Eq. 14, resolved per collision channel by
# :func:`~thermalize.gas.energy_flows`): the molecule is a heat conductor between the
# internal and the translational degrees of freedom of the gas, and energy must flow from
# the hotter to the colder. The entropy production
# :math:`\dot S + \dot E_A/T_A + \dot E_M/T_M`
# (:func:`~thermalize.gas.two_temperature_entropy_production`) must be non-negative,
# and zero only at :math:`T_A = T_M`.

temperatures_internal = np.geomspace(0.2, 5.0, 25)
populations, to_motion, production = [], [], []
for t_a in temperatures_internal:
    rates = model(t_a).rates()
    p = rates.steady_state().diagonal().real
    flows = energy_flows(rates, p)
    assert abs(flows.system[0]) < 1e-14 and abs(flows.first_law_residual()[0]) < 1e-14
    populations.append(p)
    to_motion.append(flows.motion[0])
    production.append(two_temperature_entropy_production(
        rates, p, temperature_internal=t_a, temperature_motional=temperature_motional
    ))
populations, to_motion, production = map(np.array, (populations, to_motion, production))

hotter_ancillas = temperatures_internal > temperature_motional
assert np.all(to_motion[hotter_ancillas] > 0) and np.all(to_motion[~hotter_ancillas] < 0)
assert np.all(production >= -1e-15)  # second law (1e-15: rounding of the Schnakenberg sum)
equal = np.isclose(temperatures_internal, temperature_motional)
assert abs(production[equal][0]) < 1e-15 and np.all(production[~equal] > 0)

# %%
# A non-equilibrium steady state is not a Gibbs state at *some* temperature either: the
# inverse temperature read off neighbouring levels, :math:`\ln(p_i/p_{i+1})/(e_{i+1}-e_i)`,
# differs from pair to pair except at :math:`T_A = T_M`.

local_beta = np.log(populations[:, :-1] / populations[:, 1:]) / np.diff(molecule)
spread = local_beta.max(axis=1) - local_beta.min(axis=1)
at_equilibrium = np.argmin(np.abs(temperatures_internal - temperature_motional))
print("spread of local inverse temperatures:", np.round(spread[[0, at_equilibrium, -1]], 4))
assert spread[0] > 0.05 and spread[-1] > 0.05

# %%
# The figure
# ----------
# Left: steady-state populations against :math:`T_A`, with the Gibbs populations at
# :math:`T_M` (dotted) that the molecule reaches only when :math:`T_A = T_M`. Right: the
# energy current into the gas motion and the entropy production rate.

fig, (ax_p, ax_s) = new_figure(1, 2, width=3.6)
gibbs_m = gibbs_populations(molecule, 1.0 / temperature_motional)
for i in range(len(molecule)):
    ax_p.semilogx(temperatures_internal, populations[:, i], color=f"C{i}",
                  label=f"$e_{i} = {molecule[i]}$")
    ax_p.axhline(gibbs_m[i], color=f"C{i}", ls=":", lw=0.8)
ax_p.axvline(temperature_motional, color="k", lw=0.6)
ax_p.set_xlabel("ancilla temperature $T_A$ ($T_M = 1$)")
ax_p.set_ylabel("steady-state population")
ax_p.legend(fontsize=6)
ax_s.semilogx(temperatures_internal, to_motion, label=r"$\dot E_M$ (into gas motion)")
ax_s.semilogx(temperatures_internal, production, label="entropy production rate")
ax_s.axhline(0.0, color="k", lw=0.6)
ax_s.axvline(temperature_motional, color="k", lw=0.6)
ax_s.set_xlabel("ancilla temperature $T_A$ ($T_M = 1$)")
ax_s.set_ylabel("rate")
ax_s.legend()
for ax in (ax_p, ax_s):
    ax.set_xticks([0.2, 0.5, 1, 2, 5], ["0.2", "0.5", "1", "2", "5"])
    ax.set_xticks([], minor=True)
