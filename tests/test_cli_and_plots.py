import ast
import json

import numpy as np
import pytest

from lzsm_gates import DesignResult, bswap_target, design_bswap, design_gate, operating_curve, qubit_model
from lzsm_gates import plotting
from lzsm_gates.cli import main
from lzsm_gates.maps import error_landscape, pulse_populations
from lzsm_gates.sweeps import load_result


def test_cli_design_prints_awg_table_and_round_trips(tmp_path, capsys):
    out = tmp_path / "h.json"
    assert main(["design", "--target", "h", "--json", str(out), "--gap-mhz", "25"]) == 0
    text = capsys.readouterr().out
    assert "A/2pi [MHz]" in text and "idle1 [ns]" in text and "best:" in text
    assert (tmp_path / "h.png").exists()
    designs = DesignResult.from_json(out.read_text())
    best = designs[0]
    assert best.device.gap_hz == pytest.approx(25e6)
    assert best.exact_error < 1e-10
    assert best.to_physical()["frequency_mhz"] == pytest.approx(25 * best.pulse.frequency)


def test_cli_errors_are_clear(capsys):
    assert main(["design", "--target", "foo"]) == 2
    assert "target name" in capsys.readouterr().err
    assert main(["design", "--target", "x", "--max-amplitude", "0.05"]) == 2


def test_cli_map_writes_figures_and_data(tmp_path):
    assert main(["map", "--amplitude", "0.2", "4", "12", "--frequency", "1", "6", "10", "--out", str(tmp_path), "--quiet"]) == 0
    for name in ["fig1_fig2a_probability.png", "fig2b_chrw_error.png", "fig8_cut.png", "lzsm_map.npz", "summary.json"]:
        assert (tmp_path / name).stat().st_size > 0
    ds = load_result(tmp_path / "lzsm_map.npz")
    assert ds["P_exact"].shape == (12, 10)
    assert json.loads((tmp_path / "summary.json").read_text())["fraction_below_1e-3_chrw"] > 0.5


def test_landscape_minimum_at_design_and_populations():
    d = design_gate("x").best
    ds = error_landscape(d.pulse, d.target.matrix, qubit_model(), span=0.05, num=11, progress=False)
    err = ds["gate_error"].values
    assert np.unravel_index(np.argmin(err), err.shape) == (5, 5)
    assert err[5, 5] < 1e-10 and err.max() > 1e-4
    b = design_bswap()
    pops = pulse_populations(b.pulse, b.model, 0, num=51)
    assert np.allclose(pops.sum("state"), 1.0)
    # the {01, 10} block is never populated from |00>, and the period ends half-way between |00> and |11>
    assert float(pops.sel(state=["01", "10"]).max()) < 1e-12
    figs = [
        plotting.plot_error_landscape(ds),
        plotting.plot_populations(pops),
        plotting.plot_operating_curves({"x": operating_curve("x"), "h": operating_curve("h")}),
        plotting.plot_error_landscape(error_landscape(b.pulse, bswap_target(), b.model, num=5, progress=False)),
    ]
    assert all(len(f.axes) >= 1 for f in figs)


def test_cli_cavity_map(tmp_path):
    args = ["cavity-map", "--coupling", "0.3", "1", "3", "--drive", "0.004", "0.012", "3", "--out", str(tmp_path), "--quiet"]
    assert main(args) == 0
    ds = load_result(tmp_path / "cavity_map.npz")
    assert ds["concurrence"].shape == (3, 3) and float(ds["concurrence"].max()) > 0.1
    assert (tmp_path / "cavity_ess.png").stat().st_size > 0


def test_cli_o3l_map(tmp_path):
    args = ["o3l-map", "--amplitude", "3.8", "3.8", "1", "--eps0", "3.6", "3.8", "3", "--out", str(tmp_path), "--quiet"]
    assert main(args) == 0
    ds = load_result(tmp_path / "o3l_map.npz")
    assert float(ds["C_inf"].sel(eps0=3.7, method="nearest").max()) > 0.9
    assert (tmp_path / "o3l_cinf.png").stat().st_size > 0


def test_cli_circuit_compiles_simulates_and_exports(tmp_path, capsys):
    from lzsm_gates.schedules import load_program

    qasm = tmp_path / "ghz.qasm"
    qasm.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\n')
    out = tmp_path / "ghz.npz"
    assert main(["circuit", str(qasm), "--kappa", "1e-4", "--shots", "400", "--program", str(out)]) == 0
    text = capsys.readouterr().out
    closed = float(text.split("closed-system 1 - process fidelity ")[1].split()[0])
    noisy = float(text.split("with noise (Ohmic kappa 0.0001, T 0.05 Delta): 1 - process fidelity ")[1].split(",")[0])
    assert closed < 1e-6 and 1e-3 < noisy < 0.5
    counts = ast.literal_eval(text.split("counts (400 shots): ")[1].splitlines()[0])
    assert counts.get("000", 0) + counts.get("111", 0) > 350
    program = load_program(out)
    assert program.num_qubits == 3 and set(program.samples) == {"d0", "d1", "d2", "u0", "u1"}
    assert main(["circuit", "nothing.qasm"]) == 2
    assert "OpenQASM 2 file" in capsys.readouterr().err
