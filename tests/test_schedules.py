"""Pulse programs and Qiskit Pulse schedules of LZSM gates: round trip through Qiskit Dynamics, export."""

import sys

import numpy as np
import pytest
from qiskit import QuantumCircuit, transpile

from lzsm_gates import Device, LZSMInputError, gate_error
from lzsm_gates.design import bswap_target
from lzsm_gates.circuits import design_gate_set, lzsm_target, simulate_circuit
from lzsm_gates.schedules import (
    circuit_program,
    gate_program,
    load_program,
    program_unitary,
    save_program,
    schedule_unitary,
    to_schedule,
)

# 10 ps AWG: timing rounding (<= dt/2 per edge) keeps the sampling error < 1e-6 (0.1 ns gives ~3e-5)
FINE = Device(dt_ns=0.01)
COARSE = Device(dt_ns=0.05)
GATES = design_gate_set(FINE)
TARGET = lzsm_target(FINE, 2, gate_set=GATES)


def _samples(gate, device):
    return int(round(gate.design.pulse.duration / device.dt))


@pytest.mark.parametrize("name,virtual_z", [("sx", False), ("sx", True), ("sqrt_bswap", False)])
def test_gate_schedule_round_trip(name, virtual_z):
    gate = design_gate_set(Device(dt_ns=0.02)).gates[name]
    prog = gate_program(gate, virtual_z=virtual_z)
    sched = to_schedule(prog)
    assert sched.duration == prog.duration
    if not virtual_z:
        assert sched.duration == _samples(gate, Device(dt_ns=0.02))
    u_sched = schedule_unitary(sched)
    u_prog = program_unitary(prog)
    assert np.abs(u_sched - u_prog).max() < 1e-10  # conversion + Solver reproduce the samples exactly
    ideal = gate.design.target.matrix if name == "sx" else bswap_target()  # bswap_target is swap symmetric
    assert gate_error(ideal, u_sched) <= 1e-6  # sampling error at 20 ps
    assert gate_error(np.asarray(gate), u_sched) <= 1e-6


def test_bell_program_matches_circuit_and_durations_add_up():
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    compiled = transpile(qc, target=TARGET, seed_transpiler=1)
    prog = circuit_program(compiled, TARGET)
    timed = [i.operation.name for i in compiled.data if i.operation.name != "rz"]
    assert prog.duration == sum(_samples(GATES.gates[n], FINE) for n in timed)
    sim = simulate_circuit(compiled, TARGET, qc)
    assert gate_error(sim.unitary, program_unitary(prog)) <= 1e-6
    sched = to_schedule(prog)
    assert sched.duration == prog.duration
    from qiskit_dynamics.pulse import InstructionToSignals

    chans = sorted({c.name for c in sched.channels})
    import qiskit.pulse as pulse

    waves = sched.exclude(instruction_types=[pulse.ShiftPhase])
    sigs = InstructionToSignals(FINE.dt, carriers={c: 0.0 for c in chans}, channels=chans).get_signals(waves)
    for c, s in zip(chans, sigs):  # signals stop at the last Play; the trailing idle is zero
        n = len(s.samples)
        np.testing.assert_allclose(np.real(s.samples) * FINE.max_amplitude, prog.samples[c][:n], atol=1e-12)
        assert not np.any(prog.samples[c][n:])


def test_one_qubit_circuit_schedule_round_trip():
    gs = design_gate_set(COARSE)
    tg = lzsm_target(COARSE, 1, gate_set=gs)
    qc = QuantumCircuit(1)
    qc.h(0)
    qc.t(0)
    compiled = transpile(qc, target=tg)
    prog = circuit_program(compiled, tg)
    u = schedule_unitary(to_schedule(prog))
    assert np.abs(u - program_unitary(prog)).max() < 1e-10
    assert gate_error(simulate_circuit(compiled, tg).unitary, u) < 1e-4


def test_plain_export_without_qiskit_pulse(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "qiskit.pulse", None)
    prog = gate_program(GATES.x)
    for suffix in (".json", ".npz"):
        back = load_program(save_program(prog, tmp_path / f"x{suffix}"))
        np.testing.assert_array_equal(back.samples["d0"], prog.samples["d0"])
        assert back.duration == prog.duration and back.segments == prog.segments
    with pytest.raises(LZSMInputError, match="qiskit.pulse"):
        to_schedule(prog)
    with pytest.raises(LZSMInputError, match=".json or .npz"):
        save_program(prog, tmp_path / "x.txt")


def test_circuit_program_rejects_non_native():
    qc = QuantumCircuit(2)
    qc.cx(0, 1)
    with pytest.raises(LZSMInputError, match="not native"):
        circuit_program(qc, TARGET)
