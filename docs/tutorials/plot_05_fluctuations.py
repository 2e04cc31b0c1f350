r"""
Beyond averages: fluctuation theorems in the collisional and finite baths
=========================================================================

Every other tutorial follows averages. Micro-reversibility, which decides whether a bath
thermalizes, has a sharper form: **fluctuation theorems** for the entropy, heat and particles
exchanged in single realisations. This tutorial audits three of them with the package's
counting statistics, each against an independent route:

* the *integral fluctuation theorem* of one classical collision (Ehrich et al. 2020), exact
  kernel vs Monte Carlo, and how the phase-space contraction of a collision rule breaks it;
* the *exact particle-number law* of a finite fermion bath and the *two-point statistics* of
  the charge it exchanges (Usui et al. 2024), with the *exchange fluctuation theorem*;
* the *Gallavotti-Cohen symmetry* and the *thermodynamic uncertainty relation* of a Lindblad
  model whose transitions see two temperatures (:mod:`thermalize.counting`).

The registered reproductions ``thermalize reproduce fluct.classical-ift
fluct.fermion-counting fluct.lindblad-gc fluct.gas-counting fluct.scattering-dft`` run these
audits, and those of the gas and scattering families, at larger settings.
"""

import numpy as np

from thermalize.classical import DiscreteScatterer, RotatingDisk, fluctuation_audit
from thermalize.fermions import (
    TransferStatistics,
    bath_number_distribution,
    evolve_correlations,
    exchange_fluctuation_check,
    gibbs_correlation_matrix,
    single_electron_transistor,
)
from thermalize.counting import CountingModel, scaled_cumulants, scgf
from thermalize.plotting import axis_label, new_figure, place_legend

rng = np.random.default_rng(2026)
n_samples = 20_000  # quick setting: Monte Carlo standard errors ~1e-2

# %%
# One classical collision: the integral fluctuation theorem
# ----------------------------------------------------------
# A system state x (a level s of a scatterer, or the angular velocity of a rough disk) meets
# a gas particle whose velocity is drawn from the effusion law. With p the law of x before
# and p' after, the entropy production of one collision is
# :math:`\Delta s = \ln p(x) - \ln p'(x') + \beta Q`. For a micro-reversible rule whose map
# preserves phase-space volume, :math:`\langle e^{-\Delta s}\rangle = 1` exactly.
# :func:`~thermalize.classical.fluctuation_audit` computes it from the exact kernel and by
# Monte Carlo.

scatterer = fluctuation_audit(DiscreteScatterer.example(), beta=1.0, initial=[0.6, 0.3, 0.1],
                              n_samples=n_samples, rng=rng)
mc, se = scatterer.mc["ift"]
print(f"scatterer: <exp(-ds)> = {scatterer.ift:.12f} (exact), {mc:.4f} +- {se:.4f} (MC)")
assert abs(scatterer.ift - 1.0) < 1e-8 and abs(mc - 1.0) < 5 * se  # quadrature ~1e-12; 5 SE
assert scatterer.mean_entropy_production >= 0  # Jensen: the second law per collision

# %%
# The rough disk of Eq. (29) with effusion kicks is micro-reversible too, but its map
# contracts phase space (:math:`\Lambda = \ln|J| = \ln|v'/v|`, Eq. 32): the theorem fails,
# and the contraction term accounts for the violation exactly,
# :math:`\langle e^{-\Delta s + \Lambda}\rangle = 1`. At mass ratio 1 the violation has the
# closed form :math:`\pi/2`.

disk = fluctuation_audit(RotatingDisk(1.0), beta=1.0, initial=(0.0, 1.5), n_samples=n_samples,
                         rng=rng)
print(f"disk: <exp(-ds)> = {disk.ift:.10f} (pi/2 = {np.pi / 2:.10f}), "
      f"<exp(-ds + Lambda)> = {disk.ift_corrected:.10f}")
assert abs(disk.ift - np.pi / 2) < 1e-8 and disk.corrected_ift_holds
assert abs(disk.violation - disk.contraction_contribution) < 1e-8

# %%
# A finite fermion bath: the exact law of its particle number
# -----------------------------------------------------------
# A single-electron transistor with finite leads (K levels each) and a bias. The state stays
# Gaussian, and the number of particles in lead L at time t is a Poisson-binomial variable in
# the eigenvalues of the lead's block of the correlation matrix
# (:func:`~thermalize.fermions.bath_number_distribution`). Its mean is
# :math:`\mathrm{tr}\,\mathcal C_L(t)`, which the correlation dynamics gives independently.

model = single_electron_transistor(30, bandwidth=8.0, coupling=1.0, dot_energy=0.2)
c0 = gibbs_correlation_matrix(model, beta=[1.0, 1.0], mu=[1.0, -1.0], system_occupation=0.5)
times = np.array([1.0, 5.0])
bath = bath_number_distribution(model, c0, times, "L")
left = model.modes("L")
trace = [np.trace(c[np.ix_(left, left)]).real for c in evolve_correlations(model, c0, times)]
print("<N_L>(t):", np.round(bath.mean, 6), " tr C_L(t):", np.round(trace, 6))
assert np.allclose(bath.probabilities @ bath.numbers, trace, atol=1e-10)  # sums of ~30 terms

# %%
# Two-point statistics of the transferred charge, and the exchange fluctuation theorem
# ------------------------------------------------------------------------------------
# :class:`~thermalize.fermions.TransferStatistics` measures the lead charges at 0 and t:
# the particles transferred into L. Under the theorem's exact conditions (every counted part
# grand-canonical; here all three parts are counted) the generating functions of the forward
# and reversed processes obey :math:`G_F(\lambda, \xi) = G_B(-\lambda - i\beta\mu,
# -\xi + i\beta)` (:func:`~thermalize.fermions.exchange_fluctuation_check`).

transfers = {t: TransferStatistics(model, c0, t, ["L"]).particle_distribution("L") for t in times}
n_l0 = np.trace(c0[np.ix_(left, left)]).real
for (t, (dn, p)), n_l in zip(transfers.items(), bath.mean):
    print(f"t = {t:g}: <dN_L> = {p @ dn:+.6f}, change of tr C_L = {n_l - n_l0:+.6f}")
    assert abs(p @ dn - (n_l - n_l0)) < 1e-10  # first cumulant = the correlation dynamics
f_dot = 1.0 / (np.exp(0.5 * (0.2 - 0.1)) + 1.0)  # the dot grand-canonical at beta 0.5, mu 0.1
c_all = gibbs_correlation_matrix(model, [1.0, 2.0], [1.0, -1.0], system_occupation=f_dot)
fields = {p: rng.normal(size=5) for p in ("system", "L", "R")}
check = exchange_fluctuation_check(model, c_all, 3.0, beta={"system": 0.5, "L": 1.0, "R": 2.0},
                                   mu={"system": 0.1, "L": 1.0, "R": -1.0},
                                   particle_fields=fields, energy_fields=fields)
print(f"exchange fluctuation theorem: max |G_F - G_B| = {check.residual:.1e}")
assert check.holds  # determinants of O(1) matrices, ~1e-12

# %%
# Lindblad counting statistics: Gallavotti-Cohen symmetry and the TUR
# --------------------------------------------------------------------
# A three-level system conducts heat: its transition 0 <-> 2 sees a hot bath, the
# transitions 0 <-> 1 and 1 <-> 2 a cold one (Bose rates, local detailed balance). A
# :class:`~thermalize.counting.CountingModel` takes the Hamiltonian, the jump operators, their
# rates and which jumps are counted: here +1 for every quantum absorbed from the hot bath and
# -1 for every one given back. The scaled cumulant generating function
# :math:`\lambda(\chi)` (:func:`~thermalize.counting.scgf`) obeys the Gallavotti-Cohen
# symmetry :math:`\lambda(\chi) = \lambda(-\chi + iA)` with the entropy per quantum
# :math:`A = (\beta_c - \beta_h)\omega_h`, and the scaled cumulants
# (:func:`~thermalize.counting.scaled_cumulants`) the thermodynamic uncertainty relation
# :math:`\kappa_2/\kappa_1^2 \ge 2/\sigma`, :math:`\sigma = A\kappa_1`.

levels = np.array([0.0, 1.0, 2.5])
beta_hot, beta_cold = 0.4, 2.0
jumps, rates = [], []
for lo, hi, beta in ((0, 2, beta_hot), (0, 1, beta_cold), (1, 2, beta_cold)):
    n_bose = 1.0 / np.expm1(beta * (levels[hi] - levels[lo]))
    for i, j, rate in ((hi, lo, n_bose), (lo, hi, n_bose + 1.0)):  # absorption, emission
        op = np.zeros((3, 3))
        op[i, j] = 1.0
        jumps.append(op)
        rates.append(rate)
conductor = CountingModel(np.diag(levels), jumps, rates, {"hot": {0: 1.0, 1: -1.0}})
affinity = (beta_cold - beta_hot) * levels[2]
cumulants = scaled_cumulants(conductor)
current, noise = cumulants.currents[0], cumulants.noise[0]
chi = np.array([0.3, -1.2 + 0.4j])
gc = np.abs(scgf(conductor, chi[:, None]) - scgf(conductor, (-chi + 1j * affinity)[:, None]))
print(f"hot-quantum current {current:.5f}, noise {noise:.5f}; GC residual {gc.max():.1e}")
sigma = affinity * current  # entropy production rate
print(f"TUR: kappa_2/kappa_1^2 = {noise / current**2:.3f} >= 2/sigma = {2 / sigma:.3f}")
assert gc.max() < 1e-10  # dense 9x9 eigenvalues: rounding only
assert noise / current**2 >= 2 / (affinity * current)
tilts = np.linspace(-affinity - 1.0, 1.0, 41)
lam = scgf(conductor, (-1j * tilts)[:, None]).real  # real tilting chi = -i s

# %%
# The figure
# ----------
# Left: :math:`\langle e^{-\Delta s}\rangle` is 1 for the scatterer and :math:`\pi/2` for the
# disk, where the contraction term restores 1. Middle: the law of the particles transferred
# into lead L (on a log scale: the exponential tails the fluctuation theorems relate). Right:
# the SCGF of the heat conductor is symmetric about :math:`s = -A/2` (Gallavotti-Cohen).

fig, (ax_c, ax_f, ax_l) = new_figure(1, 3, width=3.2)
labels = ["scatterer", "disk"]
ax_c.bar(np.arange(2) - 0.2, [scatterer.ift, disk.ift], 0.4,
         label=r"$\langle e^{-\Delta s}\rangle$")
ax_c.bar(np.arange(2) + 0.2, [scatterer.ift_corrected, disk.ift_corrected], 0.4,
         label=r"$\langle e^{-\Delta s+\Lambda}\rangle$")
ax_c.set_xticks(range(2), labels)
ax_c.set_ylabel(axis_label("fluctuation-theorem average"))
place_legend(ax_c, outside=True)
for t, (dn, p) in transfers.items():
    ax_f.semilogy(dn, np.where(p > 1e-16, p, np.nan), ".-", label=f"t = {t:g}")
ax_f.set_xlabel(axis_label("particles transferred into L", r"\Delta N_L"))
ax_f.set_ylabel(axis_label("probability", r"p(\Delta N_L)"))
place_legend(ax_f)
ax_l.plot(tilts, lam, label=r"$\lambda(s)$")
ax_l.plot(-affinity - tilts, lam, "--", label=r"$\lambda(-A-s)$")
ax_l.axvline(-affinity / 2, color="0.5", ls=":")
ax_l.set_xlabel(axis_label("counting field", "s"))
ax_l.set_ylabel(axis_label("SCGF", r"\lambda(s)"))
place_legend(ax_l)
