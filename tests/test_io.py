"""Atomic, lossless NetCDF storage with provenance."""

import json

import numpy as np
import pytest
import xarray as xr

import thermalize.io as tio
from thermalize import __version__


def make_ds():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((3, 4)) + 1j * rng.standard_normal((3, 4))
    return xr.Dataset(
        {"rho": (("a", "b"), z), "p": ("a", rng.random(3))},
        coords={"a": [0, 1, 2], "b": np.linspace(0, 1, 4)},
        attrs={"parameters": {"beta": 1.5, "levels": [0.0, 1.0]}, "flag": True},
    )


def test_complex_roundtrip_is_exact(tmp_path):
    ds = make_ds()
    path = tio.write_dataset(ds, tmp_path / "x.nc", seed=42)
    back = tio.read_dataset(path)
    assert back["rho"].dtype == np.complex128
    np.testing.assert_array_equal(back["rho"].values, ds["rho"].values)  # bitwise
    np.testing.assert_array_equal(back["p"].values, ds["p"].values)
    assert back.attrs["thermalize_version"] == __version__
    assert back.attrs["seed"] == 42
    assert json.loads(back.attrs["parameters"]) == {"beta": 1.5, "levels": [0.0, 1.0]}
    assert "created_utc" in back.attrs and "git_commit" in back.attrs


def test_interrupted_write_leaves_no_file(tmp_path, monkeypatch):
    path = tmp_path / "y.nc"
    tio.write_dataset(make_ds(), path)
    before = path.read_bytes()

    def boom(self, *args, **kwargs):
        raise KeyboardInterrupt("simulated interruption mid-write")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", boom)
    with pytest.raises(KeyboardInterrupt):
        tio.write_dataset(make_ds().assign(p=("a", np.zeros(3))), path)
    # the old complete file is untouched and no temporary file is left behind
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["y.nc"]
    with pytest.raises(KeyboardInterrupt):
        tio.write_dataset(make_ds(), tmp_path / "new.nc")
    assert not (tmp_path / "new.nc").exists()


def test_atomic_text(tmp_path):
    tio.atomic_write_text(tmp_path / "a" / "b.json", "{}\n")
    assert (tmp_path / "a" / "b.json").read_text() == "{}\n"


def test_write_rejects_non_dataset(tmp_path):
    from thermalize import ParameterError

    with pytest.raises(ParameterError, match="ds"):
        tio.write_dataset({"a": 1}, tmp_path / "z.nc")


def test_written_files_get_the_ordinary_mode(tmp_path):
    import os
    import stat

    mask = os.umask(0o022)
    try:
        tio.atomic_write_text(tmp_path / "m.txt", "x")
        tio.write_dataset(make_ds(), tmp_path / "m.nc")
    finally:
        os.umask(mask)
    for name in ("m.txt", "m.nc"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
