"""No silent wrong answers: one regression test per class of bad input (sweeps, grids, cost, files, designs,
hygiene, CLI options), plus the options objects, provenance, lab units and netCDF storage of maps."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from lzsm_gates import o3l, plotting, qubit_model
from lzsm_gates.baths import Bath
from lzsm_gates.cli import main
from lzsm_gates.maps import cavity_map, error_landscape, lzsm_map, rate_map
from lzsm_gates.pulses import LZSMPulse
from lzsm_gates.sweeps import (
    WORK_LIMITS,
    Axis,
    SweepError,
    SweepOptions,
    estimate_work,
    load_result,
    run_sweep,
    save_result,
)
from lzsm_gates.units import ConvergenceError, Device, LZSMError, LZSMInputError, LZSMWarning

REPO = Path(__file__).resolve().parents[1]


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if "error" in line]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# ----------------------------------------------------------------------------- 1. sweep checkpoints


def test_o3l_resume_with_another_xi_is_refused(tmp_path):
    first = o3l.map_amplitude_detuning([3.8], [3.7], xi=0.1, checkpoint=tmp_path)
    with pytest.raises(LZSMInputError, match=r"differs in: function.*xi=0.1.*xi=1.0"):
        o3l.map_amplitude_detuning([3.8], [3.7], xi=1.0, checkpoint=tmp_path)
    xr.testing.assert_identical(o3l.map_amplitude_detuning([3.8], [3.7], xi=0.1, checkpoint=tmp_path), first)


def test_error_landscape_fingerprint_covers_target_and_model(tmp_path):
    pulse = LZSMPulse(2.0, 3.0, 0.1, 0.2)
    error_landscape(pulse, np.eye(2), qubit_model(), num=2, checkpoint=tmp_path, progress=False)
    x = np.array([[0, 1], [1, 0]], dtype=complex)
    with pytest.raises(LZSMInputError, match="differs in: function"):
        error_landscape(pulse, x, qubit_model(), num=2, checkpoint=tmp_path, progress=False)
    with pytest.raises(LZSMInputError, match="differs in: function"):
        error_landscape(pulse, np.eye(2), qubit_model(1.1), num=2, checkpoint=tmp_path, progress=False)


def test_corrupt_manifest_is_one_clear_error_naming_the_file(tmp_path):
    run_sweep(lambda A: {"y": A}, [Axis.linear("A", 0, 1, 3)], checkpoint=tmp_path, progress=False)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(LZSMInputError, match=r"manifest .*manifest.json is unreadable.*delete the directory"):
        run_sweep(lambda A: {"y": A}, [Axis.linear("A", 0, 1, 3)], checkpoint=tmp_path, progress=False)


def test_checkpoint_and_result_files_get_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        ds = run_sweep(lambda A: {"y": A}, [Axis.linear("A", 0, 1, 3)], checkpoint=tmp_path / "ck", progress=False)
        save_result(ds, tmp_path / "r.npz")
    finally:
        os.umask(old)
    for path in [*(tmp_path / "ck").iterdir(), tmp_path / "r.npz"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


# ----------------------------------------------------------------------------- 2. grids


@pytest.mark.parametrize(
    ("call", "axis"),
    [
        (lambda: lzsm_map([1.0], [0.0, 1.0]), "axis 'omega'"),
        (lambda: lzsm_map([np.nan], [1.0]), "axis 'A'"),
        (lambda: rate_map([1.0], [-2.0], Bath.ohmic(1e-3)), "axis 'omega'"),
        (lambda: cavity_map([0.0, 0.5], [0.01]), "axis 'g2'"),
        (lambda: cavity_map([0.5], [-0.01]), "axis 'drive'"),
    ],
)
def test_invalid_grid_is_refused_before_any_work_naming_the_axis(call, axis):
    with pytest.raises(LZSMInputError, match=axis):
        call()


def test_cli_map_with_failed_points_exits_nonzero_and_draws_nothing(tmp_path, capsys, monkeypatch):
    from lzsm_gates import maps

    original = maps._MapPoints.__call__

    def nan_at_large_amplitude(self, A, omega):  # noqa: N803
        out = original(self, A, omega)
        out["P_exact"] = np.where(A > 0.5, np.nan, out["P_exact"])
        return out

    monkeypatch.setattr(maps._MapPoints, "__call__", nan_at_large_amplitude)
    code, _, err = cli(capsys, "map", "--amplitude", "0.2", "1", "3", "--frequency", "1", "2", "2", "--cut-amplitude",
                       "0.5", "--out", str(tmp_path), "--quiet")
    assert code == 2
    line = one_line_error(err)
    assert "failed at 6 of 6 points" in line and "A in [" in line and "non-finite" in line
    assert not list(tmp_path.glob("*.png")) and not (tmp_path / "lzsm_map.npz").exists()


def test_plot_map_refuses_a_map_with_nan():
    data = xr.DataArray(np.array([[0.1, np.nan], [0.2, 0.3]]), dims=("A", "omega"),
                        coords={"A": [1.0, 2.0], "omega": [1.0, 2.0]}, name="P")
    with pytest.raises(LZSMInputError, match="1 non-finite points of 4"):
        plotting.plot_map(data)


# ----------------------------------------------------------------------------- 3. cost guards


def test_tiny_frequency_needing_millions_of_steps_is_refused():
    with pytest.raises(LZSMInputError, match=r"too large: .*steps for one point.*allow_large=True"):
        lzsm_map([1.0], [1e-6], progress=False)


def test_huge_grid_is_refused_without_allocating_it():
    axes = [Axis.linear("A", 0.1, 1.0, 100_000), Axis.linear("omega", 1.0, 2.0, 100_000)]
    tracemalloc.start()
    try:
        with pytest.raises(LZSMInputError, match=r"1e\+10 grid points"):
            lzsm_map(axes[0], axes[1], progress=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20  # the axes themselves are 1.6 MB; a grid index list would be 80 GB
    with pytest.raises(LZSMInputError, match=r"num of axis 'A' must be an integer in \[1, 10000000\]"):
        Axis.linear("A", 0.0, 1.0, 10**10)


def test_allow_large_lifts_the_guard(monkeypatch):
    monkeypatch.setitem(WORK_LIMITS, "points", 5)
    axes = [Axis.linear("A", 0.5, 1.0, 3), Axis.linear("omega", 1.0, 2.0, 3)]
    with pytest.raises(LZSMInputError, match="9 grid points"):
        lzsm_map(axes[0], axes[1], progress=False)
    assert lzsm_map(axes[0], axes[1], progress=False, allow_large=True)["P_exact"].shape == (3, 3)


def test_work_estimate_counts_magnus_steps():
    from lzsm_gates.propagate import steps_per_period

    a, w = Axis.linear("A", 0.1, 4.0, 7), Axis.log("omega", 0.5, 4.0, 5)
    estimate = estimate_work([a, w], 2, lambda A, omega: steps_per_period(qubit_model(), A, omega))
    grid_a, grid_w = np.meshgrid(a.values, w.values, indexing="ij")
    exact = steps_per_period(qubit_model(), grid_a.ravel(), grid_w.ravel())
    assert estimate.points == 35 and estimate.steps == pytest.approx(exact.sum())
    assert estimate.steps_per_point == exact.max()


# ----------------------------------------------------------------------------- 5. files


def test_cli_never_overwrites_without_force_and_checks_before_work(tmp_path, capsys, monkeypatch):
    from lzsm_gates import design

    def must_not_run(*args, **kwargs):
        raise AssertionError("heavy work started before the output was checked")

    monkeypatch.setattr(design, "design_gate", must_not_run)
    target = tmp_path / "design.json"
    target.write_text("precious")
    code, _, err = cli(capsys, "design", "--json", str(target))
    assert code == 2 and "--json" in one_line_error(err) and "--force" in err
    assert target.read_text() == "precious"

    (tmp_path / "map").mkdir()
    (tmp_path / "map" / "fig8_cut.png").write_text("mine")
    monkeypatch.setattr("lzsm_gates.maps.lzsm_map", must_not_run)
    code, _, err = cli(capsys, "map", "--out", str(tmp_path / "map"), "--quiet")
    assert code == 2 and "fig8_cut.png exists" in one_line_error(err)
    code, _, err = cli(capsys, "map", "--out", str(target), "--quiet")
    assert code == 2 and "is a file" in one_line_error(err)
    code, _, err = cli(capsys, "design", "--json", str(tmp_path / "missing" / "d.json"))
    assert code == 2 and "does not exist" in one_line_error(err)


@pytest.mark.parametrize("damage", ["truncate", "empty", "garbage"])
def test_damaged_result_file_is_one_clear_error(tmp_path, damage):
    ds = run_sweep(lambda A: {"y": A}, [Axis.linear("A", 0, 1, 5)], progress=False)
    path = save_result(ds, tmp_path / "r.npz")
    content = path.read_bytes()
    path.write_bytes({"truncate": content[: len(content) // 2], "empty": b"", "garbage": b"\x00" * 64}[damage])
    with pytest.raises(LZSMInputError, match=r"r\.npz is damaged or not a result file"):
        load_result(path)


def test_cli_inspect_names_damaged_and_foreign_files(tmp_path, capsys):
    files = {
        "design.json": '{"candidates": [{"target": ',  # truncated JSON
        "program.npz": b"PK\x03\x04 truncated",
        "foreign.npz": None,
        "bad.qasm": "OPENQASM 2.0;\nqreg q[2];\nfoo q[0];\n",
        "result.nc": b"CDF\x01 truncated",
    }
    np.savez(tmp_path / "foreign.npz", a=np.arange(3))
    for name, content in files.items():
        if content is not None:
            path = tmp_path / name
            path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    for name in files:
        code, out, err = cli(capsys, "inspect", str(tmp_path / name))
        assert code == 2 and name in one_line_error(err), (name, err)


def test_cli_inspect_reads_good_files(tmp_path, capsys):
    ds = run_sweep(lambda A: {"y": A}, [Axis.linear("A", 0, 1, 5)], progress=False)
    save_result(ds, tmp_path / "r.nc")
    code, out, _ = cli(capsys, "inspect", str(tmp_path / "r.nc"))
    assert code == 0 and "map result: dims A (5)" in out


# ----------------------------------------------------------------------------- 6. designs


def test_cli_design_fails_when_the_best_point_misses_max_error(tmp_path, capsys):
    path = tmp_path / "h.json"
    code, out, err = cli(capsys, "design", "--target", "h", "--refine", "0", "--max-error", "1e-14", "--json", str(path))
    assert code == 2 and not path.exists()
    line = one_line_error(err)
    assert "exact gate error" in line and "NOT refined" in line and "--max-error" in line


# ----------------------------------------------------------------------------- 7. hygiene


def test_import_is_clean_under_warnings_as_errors():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-W", "error", "-c", "import lzsm_gates"], check=True, env=env, cwd=REPO)


def test_exception_hierarchy_has_one_root():
    for cls in (LZSMInputError, ConvergenceError, SweepError):
        assert issubclass(cls, LZSMError)
    assert issubclass(LZSMInputError, ValueError) and issubclass(ConvergenceError, RuntimeError)
    from lzsm_gates.chrw import CHRWWarning
    from lzsm_gates.sweeps import SweepWarning

    assert issubclass(CHRWWarning, LZSMWarning) and issubclass(SweepWarning, LZSMWarning)


def test_cli_errors_are_one_line_status_2_and_debug_shows_the_traceback(tmp_path, capsys, monkeypatch):
    from lzsm_gates import cli as cli_module

    def broken(args):
        raise TypeError("unexpected")

    monkeypatch.setitem(cli_module._COMMANDS, "inspect", broken)
    code, _, err = cli(capsys, "inspect", "x")
    assert code == 2 and "internal error (TypeError: unexpected); rerun with --debug" in one_line_error(err)
    code, _, err = cli(capsys, "--debug", "inspect", "x")
    assert code == 2 and "Traceback" in err
    code, _, err = cli(capsys, "map", "--amplitude", "a", "b")  # argparse errors are one line too
    assert code == 2 and "--amplitude" in one_line_error(err)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "lzsm_gates.cli", "design", "--gap-mhz", "nan"],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--gap-mhz" in proc.stderr


# ----------------------------------------------------------------------------- 8. CLI options


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["circuit", "bell", "--kappa", "-1"], "--kappa"),
        (["circuit", "bell", "--shots", "0"], "--shots"),
        (["circuit", "bell", "--temperature", "inf"], "--temperature"),
        (["design", "--gap-mhz", "-5"], "--gap-mhz"),
        (["design", "--min-frequency", "3", "--max-frequency", "2"], "--min-frequency"),
        (["design", "--target", "1,2"], "--target"),
        (["design", "--refine", "-1"], "--refine"),
        (["o3l-map", "--xi", "-1"], "--xi"),
        (["map", "--frequency", "0", "1", "3"], "--frequency"),
        (["map", "--amplitude", "0", "1", "2.5"], "--amplitude"),
        (["map", "--cut-amplitude", "100"], "--cut-amplitude"),
        (["cavity-map", "--coupling", "-1", "1", "3"], "--coupling"),
    ],
)
def test_cli_options_are_validated_first_and_named_as_typed(argv, option, capsys, monkeypatch, tmp_path):
    from lzsm_gates import circuits, design, maps

    def must_not_run(*args, **kwargs):
        raise AssertionError("heavy work started before the options were checked")

    for module, name in [(design, "design_gate"), (maps, "lzsm_map"), (maps, "cavity_map"),
                         (circuits, "lzsm_target"), (o3l, "map_amplitude_detuning")]:
        monkeypatch.setattr(module, name, must_not_run)
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, *argv)
    assert code == 2 and option in one_line_error(err)


# ----------------------------------------------------------------------------- issue 13: options, provenance, units


def test_sweep_options_are_frozen_and_reject_unknown_fields():
    options = SweepOptions(chunk_size=8, progress=False)
    with pytest.raises(LZSMInputError, match="unknown sweep option.*chunksize"):
        SweepOptions(chunksize=8)
    with pytest.raises(LZSMInputError, match="unknown sweep option.*chunksize"):
        lzsm_map([1.0], [2.0], chunksize=8)
    with pytest.raises(AttributeError):
        options.chunk_size = 4  # type: ignore[misc]
    with pytest.raises(LZSMInputError, match="on_error"):
        SweepOptions(on_error="ignore")
    ds = lzsm_map([1.0, 2.0], [2.0, 3.0], options=options)
    assert ds.attrs["chunk_size"] == 8
    assert SweepOptions.resolve(options, chunk_size=2).chunk_size == 2 and options.chunk_size == 8


def test_maps_record_settings_and_package_version():
    import lzsm_gates

    ds = lzsm_map([1.0], [2.0], approximations=("chrw",), progress=False)
    assert ds.attrs["lzsm_gates_version"] == lzsm_gates.__version__
    assert json.loads(ds.attrs["map_settings"]) == {"approximations": ["chrw"]}
    assert json.loads(ds.attrs["sweep_settings"])["chunk_size"] == 4096


def test_lab_units_with_a_device():
    device = Device.from_gap(20.0, "MHz")
    lab = lzsm_map([20.0, 40.0], [30.0, 60.0], approximations=("chrw",), device=device, progress=False)
    gap = lzsm_map([1.0, 2.0], [1.5, 3.0], approximations=("chrw",), progress=False)
    assert lab["A"].attrs["units"] == "MHz" and np.allclose(lab["A"], [20.0, 40.0])
    assert np.allclose(lab["omega_gap"], [1.5, 3.0]) and lab["omega_gap"].attrs["units"] == "Delta"
    np.testing.assert_allclose(lab["P_exact"].values, gap["P_exact"].values, rtol=0, atol=1e-12)
    bath = Bath.ohmic(1e-3, temperature=0.1)
    rates_lab = rate_map([20.0], [60.0], bath, device=device, progress=False)
    rates_gap = rate_map([1.0], [3.0], bath, progress=False)
    assert rates_lab["gamma1"].attrs["units"] == "1/us"
    # a rate of x in units of Delta = 2 pi * 20 MHz is x * 2 pi * 20 per microsecond
    np.testing.assert_allclose(rates_lab["gamma1"].values, rates_gap["gamma1"].values * 2 * np.pi * 20.0, rtol=1e-12)


def test_cli_map_in_mhz_writes_netcdf_that_round_trips(tmp_path, capsys):
    code, out, _ = cli(capsys, "map", "--gap-mhz", "20", "--amplitude", "10", "40", "3", "--frequency", "20", "60", "2",
                       "--out", str(tmp_path), "--quiet")
    assert code == 0 and "in MHz" in out
    npz, nc = load_result(tmp_path / "lzsm_map.npz"), load_result(tmp_path / "lzsm_map.nc")
    assert nc["A"].attrs["units"] == "MHz" and np.allclose(nc["A"], [10.0, 25.0, 40.0])
    for name in npz.data_vars:
        np.testing.assert_array_equal(nc[name].values, npz[name].values)
        assert nc[name].attrs == npz[name].attrs
    assert nc.attrs["gap_hz"] == 20e6 and nc.attrs["lzsm_gates_version"] == npz.attrs["lzsm_gates_version"]


def test_cli_version(capsys):
    import lzsm_gates

    code, out, _ = cli(capsys, "--version")
    assert code == 0 and out.strip() == f"lzsm-gates {lzsm_gates.__version__}"


def test_progress_bar_in_a_kernel_without_widgets_is_text_without_warning(monkeypatch):
    import builtins
    import types
    import warnings

    from tqdm.std import tqdm as text_bar

    from lzsm_gates import sweeps

    assert sweeps._progress_bar_class() is text_bar  # plain interpreter
    kernel = types.SimpleNamespace(config={"IPKernelApp": {}})
    fake_ipython = types.ModuleType("IPython")
    fake_ipython.get_ipython = lambda: kernel
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    real_import = builtins.__import__

    def no_widgets(name, *args, **kwargs):
        if name == "ipywidgets":
            raise ImportError("no ipywidgets")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_widgets)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sweeps._progress_bar_class() is text_bar
        ds = run_sweep(lambda A: {"y": A}, [Axis.linear("A", 0, 1, 3)], progress=True)
    assert ds["y"].shape == (3,)


def test_cli_resume_with_changed_setting_is_refused_and_restart_starts_over(tmp_path, capsys):
    base = ["o3l-map", "--amplitude", "3.8", "3.8", "1", "--eps0", "3.7", "3.7", "1", "--out", str(tmp_path), "--quiet"]
    assert main([*base, "--resume"]) == 0
    code, _, err = cli(capsys, *base, "--resume", "--xi", "1", "--force")
    assert code == 2 and "differs in: function" in one_line_error(err) and "xi=1.0" in err
    assert main([*base, "--restart", "--xi", "1", "--force"]) == 0
    assert load_result(tmp_path / "o3l_map.npz").attrs["param_xi"] == 1.0


def test_pulse_populations_in_ns_with_a_device():
    from lzsm_gates.maps import pulse_populations

    device = Device.from_gap(20.0, "MHz")
    pulse = LZSMPulse(2.0, 3.0, 0.0, 0.0)
    lab = pulse_populations(pulse, qubit_model(), 0, num=5, device=device)
    assert lab["t"].attrs["units"] == "ns"
    np.testing.assert_allclose(lab["t"].values, lab["t_gap"].values / (2 * np.pi * 20e6) * 1e9, rtol=1e-14)
    with pytest.raises(LZSMInputError, match="initial must be a basis state index"):
        pulse_populations(pulse, qubit_model(), 2)


def test_map_axes_beyond_the_device_range_are_refused():
    """Regression (found by the fuzz test in CI): amplitudes and frequencies of 9e306 gaps ran and gave NaN."""
    with pytest.raises(LZSMInputError, match=r"amplitudes \(axis 'A'\) must lie within 10000 gaps"):
        lzsm_map([8.99e306], [1.0], progress=False)
    with pytest.raises(LZSMInputError, match=r"frequencies \(axis 'omega'\) must lie within 10000 gaps"):
        lzsm_map([1.0], [8.99e306], progress=False)
