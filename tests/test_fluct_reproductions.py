"""The fluct.* reproductions (issue 19, item 6): their checks fail when the law is broken.

tests/test_reproductions.py runs each in quick mode and asserts its checks pass; here each
check function is fed a dataset that violates the law it audits, and the matching check
must fail (a check that cannot fail checks nothing).
"""

from __future__ import annotations

import numpy as np
import pytest

from thermalize.io import missing_cf_attrs
from thermalize.papers import get


def _failed(rid: str, ds) -> set[str]:
    return {c.name for c in get(rid).checks(ds) if not c.passed}


@pytest.fixture(scope="module")
def classical_ds():
    return get("fluct.classical-ift").compute(True)


@pytest.fixture(scope="module")
def fermion_ds():
    return get("fluct.fermion-counting").compute(True)


def test_every_fluct_family_is_registered():
    from thermalize.papers import registry

    ids = {r for r in registry() if r.startswith("fluct.")}
    assert {"fluct.classical-ift", "fluct.fermion-counting", "fluct.gas-counting",
            "fluct.lindblad-gc", "fluct.scattering-dft"} <= ids


def test_classical_ift_checks_catch_a_broken_theorem(classical_ds):
    ds = classical_ds
    assert not _failed("fluct.classical-ift", ds)
    assert missing_cf_attrs(ds) == []
    bad = ds.copy(deep=True)
    bad["scatterer_ift"].loc["effusion"] = 1.0 + 1e-4  # IFT broken by a volume-preserving rule
    failed = _failed("fluct.classical-ift", bad)
    assert any("<exp(-Delta s)> = 1 (exact kernel)" in n for n in failed), failed
    bad = ds.copy(deep=True)
    bad["disk_contraction_contribution"][0] += 1e-3  # contraction no longer accounts for it
    assert any("violation = contraction" in n for n in _failed("fluct.classical-ift", bad))
    bad = ds.copy(deep=True)
    bad["disk_ift_corrected"][-1] = 1.01  # corrected IFT broken (a non-micro-reversible rule)
    assert any("corrected IFT" in n for n in _failed("fluct.classical-ift", bad))
    bad = ds.copy(deep=True)
    bad["disk_ift_mc"][1] += 10 * float(bad["disk_ift_mc_se"][1])  # Monte Carlo disagrees
    assert any("Monte Carlo" in n for n in _failed("fluct.classical-ift", bad))


def test_fermion_counting_checks_catch_a_broken_theorem(fermion_ds):
    ds = fermion_ds
    assert not _failed("fluct.fermion-counting", ds)
    assert missing_cf_attrs(ds) == []
    # the empty-dot case violates the exchange FT: swapping the two cases must fail the check
    swapped = ds.copy(deep=True)
    swapped["ft_probability"].values[:] = ds["ft_probability"].values[::-1]
    failed = _failed("fluct.fermion-counting", swapped)
    assert any("condition met" in n and "cell by cell" in n for n in failed), failed
    assert any("empty dot" in n for n in failed), failed
    bad = ds.copy(deep=True)
    p = bad["transfer_probability"].values
    p[:] = p[:, ::-1]  # the reversed process: the mean transfer changes sign
    assert any("<Delta N_L>" in n for n in _failed("fluct.fermion-counting", bad))
    bad = ds.copy(deep=True)
    bad["bath_number_probability_fft"].values[0, 30] += 1e-6
    assert any("FFT" in n for n in _failed("fluct.fermion-counting", bad))


def test_fermion_ft_points_follow_the_exchange_theorem(fermion_ds):
    """Independent of the check: the log ratio is linear in dE and dN with slopes beta, -beta mu,
    fitted by least squares over the compared cells (2 parameters, >= 10 cells)."""
    from thermalize.papers.fluct.fermions import FT_BETA, FT_MU

    ds = fermion_ds
    p = ds["ft_probability"].values[0]
    q = p[::-1, ::-1]
    dn = np.broadcast_to(ds["ft_number"].values[:, None], p.shape)
    dm = np.broadcast_to(ds["ft_energy_index"].values[None, :], p.shape)
    ok = (p > 1e-8) & (q > 1e-8)
    de = ds.attrs["ft_energy_offset"] * dn + ds.attrs["ft_energy_step"] * dm
    a = np.column_stack([de[ok], dn[ok]])
    coef, *_ = np.linalg.lstsq(a, np.log(p[ok] / q[ok]), rcond=None)
    # log ratios accurate to ~1e-9 (see the check): slopes to ~1e-8
    assert coef == pytest.approx([FT_BETA, -FT_BETA * FT_MU], abs=1e-7)


def test_fluctuation_quantities_sweep_and_obey_their_laws():
    """The registered quantities through the sweep engine, against independent numbers."""
    from thermalize.fermions import (
        evolve_correlations,
        gibbs_correlation_matrix,
        single_electron_transistor,
    )
    from thermalize.sweep import sweep

    times = [1.0, 4.0]
    ds = sweep("fermions.transfer-statistics", {"time": times}, fixed={"levels_per_bath": 20})
    model = single_electron_transistor(20, 8.0, 1.0, 0.0)
    c0 = gibbs_correlation_matrix(model, [1.0, 1.0], [1.0, -1.0], system_occupation=0.5)
    idx = model.modes("L")
    c_t = evolve_correlations(model, c0, [0.0, *times])
    n_l = [np.trace(c[np.ix_(idx, idx)]).real for c in c_t]
    # first cumulant = change of tr C_L (correlation dynamics): sums of 20 O(1) terms, ~1e-14
    np.testing.assert_allclose(ds["transfer_mean"].values, np.array(n_l[1:]) - n_l[0], atol=1e-10)
    np.testing.assert_allclose(ds["bath_number_mean"].values, n_l[1:], atol=1e-10)
    assert (ds["transfer_variance"] > 0).all() and (ds["bath_number_variance"] > 0).all()
    dsc = sweep("classical.disk-fluctuation-theorem", {"mass_ratio": [1.0, 2.0]},
                fixed={"n_samples": 4000}, seed=3)
    # closed form pi/2 at mu = 1 (quadrature ~1e-12); the corrected IFT = 1 at every mu
    assert float(dsc["ift"].sel(mass_ratio=1.0)) == pytest.approx(np.pi / 2, abs=1e-8)
    np.testing.assert_allclose(dsc["ift_corrected"], 1.0, atol=1e-8)
    np.testing.assert_allclose(dsc["ift"] - 1.0, dsc["contraction_contribution"], atol=1e-8)
    z = np.abs(dsc["ift_mc"] - dsc["ift"]) / dsc["ift_mc_se"]
    assert (z < 5).all(), z.values  # 5 standard errors


def _passing(rid):
    ds = get(rid).compute(True)
    assert not _failed(rid, ds)
    assert missing_cf_attrs(ds) == []
    return ds


def test_lindblad_gc_checks_catch_a_broken_symmetry():
    ds = _passing("fluct.lindblad-gc")
    bad = ds.copy(deep=True)
    # a mirror about the wrong point (-A'/2 with A' = A + 2e-3): lambda(-A - s) shifts by
    # lambda'(-A - s) * 2e-3 = O(1e-4)
    s = ds["tilt"].values
    bad["scgf_mirror"].values[:] = np.interp(-ds.attrs["parameters"]["affinity"] - s - 2e-3, s,
                                             ds["scgf"].values)
    assert any("lambda(s) = lambda(-A - s)" in n for n in _failed("fluct.lindblad-gc", bad))
    bad = ds.copy(deep=True)
    bad["rate"].values[:] = bad["rate"].values + 0.01 * bad["rate_current"].values  # I(x) tilted
    assert any("rate function" in n for n in _failed("fluct.lindblad-gc", bad))
    bad = ds.copy(deep=True)
    bad["cumulant"].values[1] = 0.5 * bad["cumulant"].values[0] ** 2 * 2 / (
        ds.attrs["parameters"]["affinity"] * bad["cumulant"].values[0])  # noise below the TUR
    failed = _failed("fluct.lindblad-gc", bad)
    assert any("TUR" in n for n in failed) and any("noise" in n for n in failed), failed


def test_gas_counting_checks_catch_broken_laws():
    ds = _passing("fluct.gas-counting")
    bad = ds.copy(deep=True)
    p = bad["probability_gibbs"].values
    p[:] = 0.5 * (p + p[:, ::-1])  # a symmetric P(n): no exchange FT at beta_0 != beta
    assert any("Gibbs(beta_0)" in n for n in _failed("fluct.gas-counting", bad))
    bad = ds.copy(deep=True)
    bad["gas_cumulant"].values[1, 0] *= 1.01  # energy not conserved
    assert any("J_internal + J_motional" in n for n in _failed("fluct.gas-counting", bad))
    bad = ds.copy(deep=True)
    bad["spin_scaled_cumulant"].values[0] = 1e-3  # a steady current through a bounded exchange
    assert any("vanishes" in n for n in _failed("fluct.gas-counting", bad))


def test_scattering_dft_checks_catch_broken_laws():
    ds = _passing("fluct.scattering-dft")
    bad = ds.copy(deep=True)
    bad["incoherent_ft_residual"].values[3] = 1e-6
    assert any("incoherent part" in n for n in _failed("fluct.scattering-dft", bad))
    bad = ds.copy(deep=True)
    bad["heat_probability_mc"].values[0] += 10 * float(bad["heat_probability_mc_se"][0])
    assert any("sampled Poisson" in n for n in _failed("fluct.scattering-dft", bad))
    bad = ds.copy(deep=True)
    bad["ft_residual"].values[-1] = 1e-4  # no departure at Gamma ~ gap
    assert any("coherences break" in n for n in _failed("fluct.scattering-dft", bad))


def test_counting_quantities_sweep_gc_and_tur():
    """Lindblad, gas and scattering quantities through the sweep engine: laws on a grid."""
    from thermalize.sweep import sweep

    ds = sweep("core.three-level-heat-counting", {"beta_hot": [0.4, 1.0, 2.0]})
    # dense 9x9 eigenvalues: rounding ~1e-14
    assert float(ds["gc_residual"].max()) < 1e-10
    hot = ds.sel(beta_hot=[0.4, 1.0])
    assert (hot["current"] > 0).all() and (hot["tur_residual"] > 0).all()
    # equal temperatures: detailed balance, no current (Drazin solve rounding ~1e-15)
    assert abs(float(ds["current"].sel(beta_hot=2.0))) < 1e-12
    # hotter bath, larger current (the conductor is driven harder)
    assert float(ds["current"].sel(beta_hot=0.4)) > float(ds["current"].sel(beta_hot=1.0))
    dg = sweep("gas.two-reservoir-counting", {"temperature_internal": [3.0]})
    assert float(dg["gc_residual"].max()) < 1e-8  # rates to quadrature rtol 1e-8
    assert float(dg["entropy_production_rate"].min()) > 0 and float(dg["tur_residual"].min()) > 0
    dsc = sweep("scattering.heat-ft-departure", {"rate": [0.01, 10.0]}, fixed={"nodes": 16})
    assert float(dsc["incoherent_ft_residual"].max()) < 1e-12  # expm of a 2x2 rate matrix
    assert float(dsc["ft_residual"].sel(rate=10.0)) > 10 * float(dsc["ft_residual"].sel(rate=0.01))
