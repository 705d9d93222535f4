"""Pulse programs and Qiskit Pulse schedules of LZSM gates: round trip through Qiskit Dynamics, export."""

import sys
from collections import Counter

import numpy as np
import pytest
from qiskit import QuantumCircuit, transpile
from qiskit.circuit.library import QFT
from qiskit.circuit.random import random_circuit

from lzsm_gates import Device, LZSMInputError, gate_error
from lzsm_gates.entanglers import bswap_target
from lzsm_gates.circuits import (
    circuit_timeline,
    design_gate_set,
    lzsm_target,
    native_gates,
    play_instruction,
    simulate_circuit,
)
from lzsm_gates.schedules import (
    circuit_program,
    gate_program,
    load_program,
    program_unitary,
    save_program,
)
from lzsm_gates.qiskit.pulse_schedules import schedule_unitary, to_schedule

# 10 ps AWG: exact drive timing and frame-tracked leftovers keep the sampling error far below 1e-6
FINE = Device(dt_ns=0.01)
COARSE = Device(dt_ns=0.05)
GATES = design_gate_set(FINE)
TARGETS = {n: lzsm_target(FINE, n, gate_set=GATES) for n in (2, 3)}
TARGET = TARGETS[2]
U_TARGET = lzsm_target(FINE, 2, gate_set=GATES, single_qubit="u")  # one designed pulse per single-qubit gate


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


def _bell():
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    return qc


# (name, circuit, target, transpiler optimization level); random3 seed 6 is a short 3-qubit one (~70 timed gates)
CIRCUITS = [
    ("bell", _bell(), TARGET, 1),
    ("bell_u", _bell(), U_TARGET, 1),
    ("qft2", QFT(2), TARGET, 1),
    ("random2_0", random_circuit(2, 6, seed=0), TARGET, 1),
    ("random2_1", random_circuit(2, 6, seed=1), TARGET, 1),
    ("random3_6", random_circuit(3, 6, seed=6), TARGETS[3], 2),
]


def _gate_lengths(compiled, target):
    """``(qubits, samples)`` of the timed instructions (virtual Z: 0 samples) and the instruction -> samples function."""
    native, _ = native_gates(target)

    def samples(inst):
        played = play_instruction(inst.operation, native)
        return 0 if isinstance(played, float) else _samples(played, FINE)

    timed = [i for i in compiled.data if i.operation.name not in ("barrier", "measure")]
    return [(tuple(compiled.find_bit(q).index for q in i.qubits), samples(i)) for i in timed], samples


def _channel_loads(lengths, couplers):
    """Samples each channel must be busy: the lengths of the gates it plays, from the circuit alone."""
    pairs = [frozenset(c) for c in couplers]
    loads = Counter()
    for qargs, n in lengths:
        if n:
            loads[f"d{qargs[0]}" if len(qargs) == 1 else f"u{pairs.index(frozenset(qargs))}"] += n
    return loads


def _complement(segments, total):
    """``(start, length)`` intervals not covered by the sorted, disjoint ``segments`` up to ``total``."""
    ends = [0] + [s + n for s, n in segments]
    starts = [s for s, _ in segments] + [total]
    return [(e, s - e) for e, s in zip(ends, starts) if s > e]


@pytest.mark.parametrize("name,qc,target,level", CIRCUITS, ids=[c[0] for c in CIRCUITS])
def test_parallel_program_matches_circuit_and_is_shorter(name, qc, target, level):
    compiled = transpile(qc, target=target, optimization_level=level, seed_transpiler=1)
    prog = circuit_program(compiled, target)  # ALAP
    serial = circuit_program(compiled, target, scheduling="serial")
    lengths, samples = _gate_lengths(compiled, target)
    loads = _channel_loads(lengths, prog.couplers)
    assert serial.duration == sum(n for _, n in lengths)  # serial: the sum of the gate lengths
    assert prog.duration == circuit_timeline(compiled, samples).total <= serial.duration
    if name.startswith("bell"):  # the single-qubit layers of the two qubits overlap
        assert prog.duration < serial.duration
    for c, samples in prog.samples.items():
        assert len(samples) == prog.duration
        segs = sorted((start, n) for ch, start, n, _ in prog.segments if ch == c)
        assert sum(n for _, n in segs) == loads[c]
        assert all(s0 + n0 <= s1 for (s0, n0), (s1, _) in zip(segs, segs[1:]))  # one gate at a time per channel
        assert not any(samples[start : start + n].any() for start, n in _complement(segs, prog.duration))
    u = program_unitary(prog)
    assert gate_error(simulate_circuit(compiled, target).unitary, u) <= 1e-6
    if name.startswith("bell"):  # gates on disjoint qubits commute: same product of sampled gates as the serial program
        assert np.abs(u - program_unitary(serial)).max() < 1e-10


def test_bell_schedule_waveforms_are_the_program_samples():
    compiled = transpile(_bell(), target=TARGET, seed_transpiler=1)
    prog = circuit_program(compiled, TARGET)
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


@pytest.mark.parametrize("num_qubits", [1, 2])
def test_circuit_schedule_round_trip(num_qubits):
    gs = design_gate_set(COARSE)
    tg = lzsm_target(COARSE, num_qubits, gate_set=gs)
    qc = QuantumCircuit(num_qubits)
    qc.h(0)
    if num_qubits == 1:
        qc.t(0)
    else:
        qc.cx(0, 1)  # Bell: parallel single-qubit layers
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
    compiled = transpile(_bell(), target=TARGET, seed_transpiler=1)
    with pytest.raises(LZSMInputError, match="scheduling"):
        circuit_program(compiled, TARGET, scheduling="parallel")


def test_sampling_error_reported_and_shrinks_with_dt():
    """Sampling error of an exported Bell program: fourth order in dt (midpoint rule), so 10x finer is >> 30x smaller."""
    from lzsm_gates.qiskit import sampling_error

    errors = {}
    for dt_ns in (0.1, 0.01):
        dev = Device(dt_ns=dt_ns)
        target = lzsm_target(dev, 2)
        qc = QuantumCircuit(2)
        qc.h(0)
        qc.cx(0, 1)
        compiled = transpile(qc, target=target, optimization_level=3, seed_transpiler=1)
        pulses = sum(v for k, v in compiled.count_ops().items() if k != "rz")
        errors[dt_ns] = sampling_error(circuit_program(compiled, target), compiled, target)
        per_gate = (dev.gap_angular * dt_ns * 1e-9) ** 2 / 6
        assert 0 < errors[dt_ns] < pulses**2 * per_gate  # per-gate amplitudes add at worst coherently
    assert errors[0.01] < errors[0.1] / 30


def test_backend_program_follows_the_backend_slots():
    """At the backend's dt the exported program is the backend's schedule: same start samples, same length."""
    from lzsm_gates.qiskit import LZSMBackend, sampling_error

    backend = LZSMBackend(Device(), 2, gate_set=design_gate_set(Device()))
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    compiled = transpile(qc, backend=backend, optimization_level=3, seed_transpiler=1, scheduling_method="alap")
    prog = backend.program(compiled)
    timeline = backend.timeline(compiled.remove_final_measurements(inplace=False))
    dt_s = backend.slots.dt_s
    assert prog.duration == round(timeline.total / dt_s)
    plays = {(ch, start) for ch, start, _, kind in prog.segments}
    for index, qargs, start, length in timeline.entries:
        name = compiled.data[index].operation.name
        if name in ("sx", "x", "sqrt_bswap"):
            channel = f"d{qargs[0]}" if name != "sqrt_bswap" else "u0"
            assert (channel, round(start / dt_s)) in plays  # the gate's slot starts with the gate
            slot = [n for ch, s, n, _ in prog.segments if ch == channel and round(start / dt_s) <= s < round((start + length) / dt_s)]
            assert sum(slot) == round(length / dt_s)  # pulse + idle fill exactly the slot
    # a slot schedule only adds frame-tracked idles: the program is still the circuit's exact pulses
    assert sampling_error(prog, compiled.remove_final_measurements(inplace=False), backend.target) < 1e-7
    with pytest.raises(LZSMInputError, match="refine_tolerance"):
        backend.program(compiled, refine_tolerance=-1.0)
    with pytest.raises(LZSMInputError, match="grid"):
        circuit_program(compiled.remove_final_measurements(inplace=False), backend.target, dt_ns=0.2, slots=backend.slots)


def test_refinement_on_a_coarse_grid_reduces_the_sampling_error():
    """At dt = 2 ns the sampled sx misses its exact pulse by > 1e-6: refinement triggers and brings it below the tolerance.

    The exact pulse unitary comes from an adaptive qiskit-dynamics DOP853 solve of the continuous drive (an
    independent route from the piecewise-constant sample product).
    """
    from lzsm_gates.models import qubit_model

    coarse = Device(dt_ns=2.0)
    gates = design_gate_set(Device())
    target = lzsm_target(Device(), 1, gate_set=gates)
    qc = QuantumCircuit(1)
    qc.append(target.operation_from_name("sx"), [0])
    exact = gates.sx.design.pulse.simulate(qubit_model())
    tol = 1e-7
    plain = circuit_program(qc, target, dt_ns=coarse.dt_ns)
    refined = circuit_program(qc, target, dt_ns=coarse.dt_ns, refine_tolerance=tol)
    assert plain.dt == pytest.approx(coarse.dt)
    before, after = gate_error(exact, program_unitary(plain)), gate_error(exact, program_unitary(refined))
    assert before > 10 * tol  # coarse grid: refinement must trigger
    assert after < tol < before
    assert not np.allclose(refined.samples["d0"], plain.samples["d0"])  # new samples, not a relabelled program
    # at the fine default grid the same tolerance leaves the designed pulse alone
    fine = circuit_program(qc, target, dt_ns=0.1)
    assert gate_error(exact, program_unitary(fine)) < tol
    assert np.array_equal(circuit_program(qc, target, dt_ns=0.1, refine_tolerance=tol).samples["d0"], fine.samples["d0"])


@pytest.mark.slow
def test_cli_circuit_exports_at_dt_and_refines(tmp_path, capsys):
    """``lzsm-gates circuit --dt 2``: the program is on the 2 ns grid; --refine-tolerance lowers its reported error."""
    from lzsm_gates.cli import main

    def export(*extra):
        out = tmp_path / f"bell{len(extra)}.npz"
        assert main(["circuit", "bell", "--single-qubit", "sx", "--shots", "20", "--program", str(out), "--dt", "2", *extra]) == 0
        text = capsys.readouterr().out
        return load_program(out), float(text.split("sampling error of the program (gate error against the exact pulses): ")[1].split()[0])

    plain, error = export()
    refined, error_refined = export("--refine-tolerance", "1e-6")
    assert plain.device.dt_ns == refined.device.dt_ns == 2.0
    assert error > 1e-4  # a coarse grid
    assert error_refined < error / 10
    assert main(["circuit", "bell", "--dt", "2"]) == 2  # --dt without --program
    assert "--program" in capsys.readouterr().err
