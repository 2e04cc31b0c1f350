r"""
Finite fermion baths: a double quantum dot between two finite leads
===================================================================

:mod:`thermalize.fermions` implements Usui, Ptaszyński, Esposito and Strasberg (2024): an
open system exchanging particles with *finite* free-fermion baths, followed exactly (the
state stays Gaussian, so the correlation matrix
:math:`\mathcal C_{ij} = \mathrm{tr}[c_i^\dagger c_j\rho]` carries everything) from the first
transient, through a quasi-steady current, to global equilibrium of system plus baths. The
entropy production :math:`\Sigma` is split at all times into microscopic contributions,
Eq. (12): system-bath and bath-bath mutual information, correlations inside each bath, and
the distance of each bath from its own effective Gibbs state.

The paper's system is a single resonant level. Here we build a **double quantum dot** in
series, each dot tunnel-coupled to its own finite lead, with a bias: the left lead starts
at a higher chemical potential than the right one. We follow the charge current, the
effective temperatures and chemical potentials of the leads, and the pieces of the entropy
production, and audit conservation laws and the decomposition identity.
"""

import numpy as np

from thermalize.fermions import (
    QuadraticModel,
    entropy_production,
    evolve_correlations,
    gibbs_correlation_matrix,
    global_reference,
)
from thermalize.plotting import new_figure

levels_per_lead = 40  # quick setting; the leads' recurrence time grows like this number
bandwidth = 8.0
gamma = 0.5  # wide-band tunnelling rate Gamma of each outer dot to its lead
interdot = 0.4  # hopping between the two dots
dot_energy = 0.0

# %%
# The model: any number-conserving quadratic Hamiltonian
# ------------------------------------------------------
# :class:`~thermalize.fermions.QuadraticModel` takes the single-particle Hamiltonian
# :math:`h` (:math:`\hat H = \sum_{ij} h_{ij}c_i^\dagger c_j`) and a partition of its modes
# into the system and the baths. Modes: 0 and 1 are the dots, then the left lead, then the
# right lead. Each lead has equally spaced levels, and its tunnel element
# :math:`t = \sqrt{\Gamma\,\Delta\epsilon/2\pi}` gives the rate :math:`\Gamma` in the
# wide-band limit (as Eq. 17 of the paper does for the single dot).

lead = np.linspace(-bandwidth / 2, bandwidth / 2, levels_per_lead)
tunnel = np.sqrt(gamma * (lead[1] - lead[0]) / (2 * np.pi))
left = np.arange(2, 2 + levels_per_lead)
right = left + levels_per_lead
n_modes = 2 + 2 * levels_per_lead

h = np.zeros((n_modes, n_modes))
h[[0, 1], [0, 1]] = dot_energy
h[0, 1] = h[1, 0] = interdot
h[left, left], h[right, right] = lead, lead
h[0, left] = h[left, 0] = tunnel  # dot 0 <-> left lead
h[1, right] = h[right, 1] = tunnel  # dot 1 <-> right lead
model = QuadraticModel(h, {"system": [0, 1], "L": left.tolist(), "R": right.tolist()})

# Leads in grand-canonical states at the same temperature, bias mu_L - mu_R = 2; dots empty.
c0 = gibbs_correlation_matrix(model, beta=[2.0, 2.0], mu=[1.0, -1.0], system_occupation=0.0)

# %%
# Audit 1: exact Gaussian dynamics conserves what it must
# -------------------------------------------------------
# :func:`~thermalize.fermions.evolve_correlations` gives
# :math:`\mathcal C(t) = e^{iht}\mathcal C(0)e^{-iht}` (Eq. 19) from one diagonalisation of
# :math:`h`. The particle number :math:`\mathrm{tr}\,\mathcal C`, the energy
# :math:`\sum_{ij}h_{ij}\mathcal C_{ij}` and the spectrum of :math:`\mathcal C` (the state
# evolves unitarily) are conserved.

probe_times = np.array([0.0, 3.0, 30.0, 1e4])
c_t = evolve_correlations(model, c0, probe_times)
number = np.einsum("tii->t", c_t).real
energy = np.einsum("ij,tij->t", h, c_t).real
spectra = np.linalg.eigvalsh(c_t)
print("particle number:", np.round(number, 10), " energy:", np.round(energy, 10))
assert np.ptp(number) < 1e-10 and np.ptp(energy) < 1e-10  # ~n_modes * eps rounding
assert np.abs(spectra - spectra[0]).max() < 1e-10

# %%
# Entropy production and its microscopic parts
# --------------------------------------------
# :func:`~thermalize.fermions.entropy_production` returns an ``xarray.Dataset`` with every
# term at every time: the effective :math:`\beta^*_\nu, \mu^*_\nu` of each lead (Eqs. 5-6),
# :math:`\Sigma` (Eq. 7), the mutual informations (Eqs. 8-10), the local athermality
# (Eq. 11), and the residual of the decomposition Eq. (12).

times = np.concatenate([[0.0], np.geomspace(0.05, 1000.0, 40)])
ds = entropy_production(model, c0, times)
print(f"max |Eq. (12) residual| = {np.abs(ds.decomposition_residual).max().item():.1e}")
assert np.abs(ds.decomposition_residual).max() < 1e-9  # sums of O(10) entropies
assert ds.entropy_production.min() >= -1e-10  # second law: Sigma >= 0
for term in ("system_bath_mi", "inter_bath_mi", "intra_bath_mi_total",
             "local_athermality_total"):
    assert ds[term].min() >= -1e-10, term  # every contribution is non-negative

# %%
# The charge current through the double dot is the rate at which the right lead fills up.
# Total charge is conserved, so what the left lead loses ends in the dots or the right lead.

charge_right = ds.particle_number.sel(bath="R") - ds.particle_number.sel(bath="R")[0]
charge_left = ds.particle_number.sel(bath="L")[0] - ds.particle_number.sel(bath="L")
print(f"charge moved to the right lead by t = {times[-1]:.0f}: {charge_right[-1].item():.3f}")
assert charge_right[-1] > 1.0 and charge_left[-1] >= charge_right[-1] - 1e-9

# %%
# The dataset also carries the dot occupations :math:`n_d(t)` (coordinate ``system_mode``)
# and the conserved totals, a direct audit of charge conservation dot by dot. When only a
# few quantities are needed, ``quantities=`` skips the costly block spectra: the effective
# parameters need only the mode occupations.

dots_final = ds.system_occupation.isel(time=-1).values
print(f"dot occupations at t = {times[-1]:.0f}: {np.round(dots_final, 3)}")
assert np.ptp(ds.total_particle_number.values) < 1e-10  # conserved, to rounding
light = entropy_production(model, c0, times[-3:], quantities=["beta_eff", "mu_eff"])
assert np.allclose(light.mu_eff, ds.mu_eff.isel(time=slice(-3, None)), atol=1e-12)

# %%
# Towards global equilibrium
# --------------------------
# Finite leads cannot sustain the bias: the chemical potentials of the two leads approach
# each other and the temperature of the global grand-canonical state with the same energy
# and particle number (Appendix B, :func:`~thermalize.fermions.global_reference`).

beta_ref, mu_ref = global_reference(model, c0)
mu_final = ds.mu_eff.isel(time=-1).values
beta_final = ds.beta_eff.isel(time=-1).values
print(f"global reference: beta = {beta_ref:.3f}, mu = {mu_ref:.3f}")
print(f"leads at t = {times[-1]:.0f}: beta* = {np.round(beta_final, 3)}, "
      f"mu* = {np.round(mu_final, 3)}")
assert abs(mu_final[0] - mu_final[1]) < 0.1 * abs(1.0 - (-1.0))  # the bias has collapsed

# %%
# The figure
# ----------
# Left: the entropy production and its contributions (they add up to :math:`\Sigma` at every
# time). Right: effective chemical potentials of the two leads and the global reference.

fig, (ax_s, ax_m) = new_figure(1, 2, width=3.6)
t = ds.time.values[1:]
parts = {
    "system-bath MI $I_{S-B}$": ds.system_bath_mi,
    "lead-lead MI $I_{L-R}$": ds.inter_bath_mi,
    r"intra-lead $\sum_\nu I_{o\nu}$": ds.intra_bath_mi_total,
    r"athermality $D^*_{\rm env}$": ds.local_athermality_total,
}
ax_s.stackplot(t, *[v.values[1:] for v in parts.values()], labels=list(parts), alpha=0.7)
ax_s.plot(t, ds.entropy_production.values[1:], "k", lw=1.2, label=r"$\Sigma$")
ax_s.set_xscale("log")
ax_s.set_xlabel("time")
ax_s.set_ylabel("entropy (nats)")
ax_s.legend(fontsize=6, loc="upper left")
for bath, color in (("L", "C0"), ("R", "C1")):
    ax_m.semilogx(t, ds.mu_eff.sel(bath=bath).values[1:], color=color,
                  label=rf"$\mu^*_{bath}$")
ax_m.axhline(mu_ref, color="k", ls=":", label=r"global $\mu_{\rm ref}$")
ax_m.set_xlabel("time")
ax_m.set_ylabel("effective chemical potential")
ax_m.legend()
