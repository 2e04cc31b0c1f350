"""Registered quantities of every family, swept through the machinery and checked by physics."""

import numpy as np
import pytest

from thermalize.scattering import (
    IncidentPacket,
    ScatteringModel,
    collision_steady_state,
    scattering_map,
)
from thermalize.sweep import quantities, sweep


def test_every_family_registers_its_main_quantity():
    names = set(quantities())
    assert {"core.detailed-balance-steady-state", "core.thermal-kinetic-energy",
            "scattering.collision-steady-state", "gas.spin-effective-temperature",
            "classical.disk-mean-energy", "fermions.set-effective-temperature"} <= names
    for q in quantities().values():
        assert q.description and q.outputs


def test_scattering_steady_state_sweep_matches_batched_solve_and_is_thermal_at_low_rate():
    rates = [1e-3, 1e-2, 1e-1, 1.0]
    ds = sweep("scattering.collision-steady-state", {"delta_x": [1.0, 3.0], "rate": rates},
               fixed={"nodes": 16})
    for dx in (1.0, 3.0):
        model = ScatteringModel.qubit(0.6, 1.0, length=1.0, mass=0.1)
        packet = IncidentPacket(beta=0.1, mass=0.1, delta_x=dx, x0=-10.0)
        smap = scattering_map(model, packet, nodes=16)
        batched = collision_steady_state(smap, smap.energies, rates)  # one batched LAPACK call
        # per-point vs batched LU solves of a 4x4 system: rounding ~1e-16
        np.testing.assert_allclose(ds["populations"].sel(delta_x=dx).values,
                                   np.diagonal(batched, axis1=1, axis2=2).real, atol=1e-13)
    np.testing.assert_allclose(ds["populations"].sum("level"), 1.0, atol=1e-13)  # trace 1
    assert (ds["coherence"].diff("rate") > 0).all()  # coherences grow with the rate (Fig. 2)
    # thermal for rate << gap: the distance to Gibbs is O(rate), so it scales by 10 per decade
    d = ds["distance_to_gibbs"].values
    np.testing.assert_allclose(d[:, 1] / d[:, 0], 10.0, rtol=0.02)  # O(rate^2) corrections ~1%


def test_spin_gas_steady_state_is_gibbs_at_the_effective_temperature():
    ds = sweep("gas.spin-effective-temperature",
               {"detuning": [-0.5, 0.0, 0.5, 2.0], "temperature_internal": [0.5, 2.0]})
    # numerical steady state (LU of 25x25) vs Eq. (21) closed form: rounding ~1e-15
    assert float(ds["gibbs_deviation"].max()) < 1e-10
    # Eq. (21) at T_M = 1, omega_S = 1, omega_A = omega_S + Delta: T = T_A/((1+D) - D T_A)
    t_a, det = np.meshgrid(ds["temperature_internal"], ds["detuning"])
    np.testing.assert_allclose(ds["effective_temperature"], t_a / ((1 + det) - det * t_a),
                               rtol=1e-12)
    assert (ds["effective_temperature"].sel(detuning=2.0, temperature_internal=2.0) < 0)


def test_disk_mean_energy_monte_carlo_agrees_with_exact():
    ds = sweep("classical.disk-mean-energy", {"mass_ratio": [0.5, 1.0, 4.0]},
               fixed={"n_steps": 1000, "n_replicas": 100}, seed=2)
    z = (ds["mean_energy"] - ds["exact_mean_energy"]) / ds["standard_error"]
    assert (np.abs(z) < 4).all(), z.values  # 4 standard errors from the same run
    mu = ds["mass_ratio"].values  # one-sided effusion: kT[(1 - pi/4) + pi/(4 mu)]
    np.testing.assert_allclose(ds["exact_mean_energy"], (1 - np.pi / 4) + np.pi / (4 * mu),
                               rtol=1e-12)


def test_fermion_effective_temperatures_laws():
    ds = sweep("fermions.set-effective-temperature",
               {"coupling": [1.0, 3.0], "time": [1e-4, 3.0]}, fixed={"levels_per_bath": 20})
    assert ds["beta_eff"].dims == ("coupling", "time", "bath")
    early = ds.sel(time=1e-4)
    # at t -> 0 the baths are still in their initial Gibbs states: beta* = (10, 2); occupations
    # move by O((coupling t)^2) ~ 1e-7, far inside rtol 1e-3
    np.testing.assert_allclose(early["beta_eff"], [[10.0, 2.0]] * 2, rtol=1e-3)
    assert (ds["entropy_production"] >= -1e-12).all()  # Sigma >= 0 (rounding 1e-12)
    assert float(abs(ds["decomposition_residual"]).max()) < 1e-9  # Eq. (12) adds up
    late = ds.sel(time=3.0)["beta_eff"].values
    assert (np.abs(late[:, 0] - late[:, 1]) < 10.0 - 2.0).all()  # temperatures approach


# One cheap point per registered quantity: its sweep dataset describes itself.
_CHEAP = {
    "classical.disk-mean-energy": ({"mass_ratio": [1.0]}, {"n_steps": 20, "n_replicas": 10}),
    "core.detailed-balance-steady-state": ({"beta": [1.0]}, {}),
    "core.thermal-kinetic-energy": ({"beta": [1.0]}, {"samples": 10}),
    "fermions.set-effective-temperature": ({"coupling": [3.0]},
                                           {"levels_per_bath": 8, "time": 1e-3}),
    "gas.spin-effective-temperature": ({"detuning": [0.5]}, {"spin": 1.0}),
    "scattering.collision-steady-state": ({"rate": [0.01]}, {"nodes": 16}),
    "classical.disk-fluctuation-theorem": ({"mass_ratio": [1.0]}, {"n_samples": 2000}),
    "fermions.transfer-statistics": ({"time": [0.5]}, {"levels_per_bath": 8}),
    "core.three-level-heat-counting": ({"beta_hot": [0.5]}, {}),
    "gas.two-reservoir-counting": ({"temperature_internal": [2.0]}, {}),
    "scattering.heat-ft-departure": ({"rate": [0.1]}, {"nodes": 16}),
}


@pytest.mark.parametrize("name", sorted(_CHEAP))
def test_every_sweep_quantity_output_describes_itself(name):
    from thermalize.io import missing_cf_attrs
    from thermalize.sweep import SweepSpec, quantities, run

    assert set(_CHEAP) == set(quantities())  # a new quantity gets a cheap point here
    grid, fixed = _CHEAP[name]
    res = run(SweepSpec(name, grid, fixed, seed=1))
    assert res.ok, res.failures
    ds = res.dataset
    assert missing_cf_attrs(ds) == []  # long_name/units everywhere, a coordinate per dimension
    for var in list(ds.data_vars) + list(grid):
        assert ds[var].attrs["long_name"] and ds[var].attrs["units"], var
    if "bath" in ds.dims:  # baths are "L", "R" everywhere (docs/conventions.md)
        assert list(ds["bath"].values) == ["L", "R"]


def test_xarray_plot_labels_sweep_axes_with_name_and_unit():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from thermalize.sweep import SweepSpec, run

    ds = run(SweepSpec("core.detailed-balance-steady-state", {"beta": [0.5, 1.0, 2.0]},
                       {"levels": 3})).dataset
    ax = ds["populations"].sel(level=1).plot()[0].axes
    assert ax.get_xlabel() == "inverse temperature [1/energy]"
    # xarray wraps long labels onto lines
    assert " ".join(ax.get_ylabel().split()).startswith("steady-state population [dimensionless")
    plt.close(ax.figure)
