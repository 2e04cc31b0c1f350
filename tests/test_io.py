"""Atomic, lossless NetCDF storage with provenance."""

import json

import numpy as np
import pytest
import xarray as xr

import thermalize.io as tio
from thermalize import __version__
from thermalize.errors import ParameterError


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


def test_provenance_records_how_the_result_was_made(tmp_path):
    path = tio.write_dataset(make_ds(), tmp_path / "p.nc", seed=[1, 2], mode="full",
                             wall_time_s=[2.0, 0.35])
    attrs = tio.read_dataset(path).attrs
    for key in tio.PROVENANCE_KEYS:
        assert key in attrs, key
    assert attrs["wall_time_s"] == pytest.approx(2.35)  # summed over the two runs (a resume)
    assert attrs["n_runs"] == 2 and attrs["mode"] == "full" and attrs["seed"] == "[1, 2]"
    assert attrs["python_version"].count(".") == 2 and attrs["blas"] != "unknown"


def test_mode_from_the_runners_quick_attribute(tmp_path):
    ds = make_ds().assign_attrs(quick=1)
    assert tio.read_dataset(tio.write_dataset(ds, tmp_path / "q.nc")).attrs["mode"] == "quick"


@pytest.mark.parametrize("bad", [{"mode": "fast"}, {"wall_time_s": -1.0},
                                 {"wall_time_s": [1.0, float("nan")]}])
def test_provenance_rejects_bad_values(bad):
    from thermalize import ParameterError

    with pytest.raises(ParameterError, match=next(iter(bad))):
        tio.provenance(**bad)


def test_write_json_adds_provenance(tmp_path):
    path = tio.write_json(tmp_path / "r.json", {"id": "x"}, mode=True, wall_time_s=1.25)
    doc = json.loads(path.read_text())
    assert doc["id"] == "x" and doc["provenance"]["mode"] == "quick"
    assert doc["provenance"]["wall_time_s"] == 1.25
    assert doc["provenance"]["git_commit"] == tio.software_versions()["git_commit"]


def test_atomic_write_syncs_file_and_directory(tmp_path, monkeypatch):
    import os

    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}"))
                        or real(fd))
    tio.write_dataset(make_ds(), tmp_path / "s.nc")
    assert any(p.endswith(".tmp") for p in synced)  # the file, before the rename
    assert synced[-1] == str(tmp_path)  # the directory, after it


def described():
    ds = xr.Dataset({"p": (("time", "level"), np.array([[1.0, 0.0], [0.6, 0.4]]))},
                    coords={"time": [0.0, 1.0], "level": [0, 1]})
    return tio.describe(ds, {
        "p": ("population", tio.DIMENSIONLESS, "p_n"),
        "time": ("time", "1/energy", "t"),
        "level": ("level", tio.DIMENSIONLESS, "n"),
    })


def test_missing_cf_attrs_lists_what_is_missing():
    ds = xr.Dataset({"p": (("time", "bath"), np.zeros((2, 2)))}, coords={"time": [0.0, 1.0]})
    ds["time"].attrs["long_name"] = "time"
    assert tio.missing_cf_attrs(ds) == [
        "p: no long_name", "p: no units", "time: no units", "dimension bath: no coordinate"]
    assert tio.missing_cf_attrs(described()) == []


def test_describe_rejects_unknown_names():
    from thermalize import ParameterError

    with pytest.raises(ParameterError, match="'q'"):
        tio.describe(described(), {"q": ("q", "1", None)})
    with pytest.raises(ParameterError, match="long_name, units, symbol"):
        tio.describe(described(), {"p": ("p", "1")})


def test_described_dataset_labels_xarrays_default_plot(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ds = tio.read_dataset(tio.write_dataset(described(), tmp_path / "d.nc"))  # survives a file
    assert ds["p"].attrs["symbol"] == "p_n"
    fig, ax = plt.subplots()
    ds["p"].sel(level=1).plot(ax=ax)
    assert ax.get_xlabel() == "time [1/energy]"
    assert " ".join(ax.get_ylabel().split()) == f"population [{tio.DIMENSIONLESS}]"  # wrapped
    plt.close(fig)


@pytest.mark.parametrize("call, words", [
    (lambda p: tio.atomic_write_bytes(p / "x.bin", "text"), "data must be bytes"),
    (lambda p: tio.atomic_write_bytes(None, b"x"), "path: expected a file path"),
    (lambda p: tio.atomic_write_text(p / "x.txt", None), "text must be a str"),
    (lambda p: tio.write_dataset(xr.Dataset(), None), "path: expected a file path"),
    (lambda p: tio.write_json(None, {"a": 1}), "path: expected a file path"),
    (lambda p: tio.read_dataset(None), "path: expected a file path"),
    (lambda p: tio.read_dataset(""), "path: expected a file path"),
    (lambda p: tio.missing_cf_attrs(None), "ds must be an xarray"),
    (lambda p: tio.provenance(1), "parameters must be a dict"),
    (lambda p: tio.provenance(command=3), "command must be a str"),
])
def test_io_arguments_of_the_wrong_type_are_named(tmp_path, call, words):
    """Issue 15 (the runners and writers, outside the fuzzed physics API): a ParameterError
    naming the argument, not an AttributeError/TypeError from inside (e.g. None.encode)."""
    with pytest.raises(ParameterError, match=words):
        call(tmp_path)


def test_read_dataset_names_a_missing_or_corrupt_file(tmp_path):
    """A missing file is FileNotFoundError, a truncated one (or any non-NetCDF file) an OSError;
    both name the file (h5py's message named neither)."""
    with pytest.raises(FileNotFoundError, match="none.nc"):
        tio.read_dataset(tmp_path / "none.nc")
    good = tio.write_dataset(xr.Dataset({"p": ("t", [1.0, 2.0])}), tmp_path / "good.nc")
    cut = tmp_path / "cut.nc"
    cut.write_bytes(good.read_bytes()[:200])  # truncated: the HDF5 superblock only
    with pytest.raises(OSError, match="cut.nc"):
        tio.read_dataset(cut)
    np.testing.assert_array_equal(tio.read_dataset(good)["p"].values, [1.0, 2.0])
