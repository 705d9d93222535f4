"""Qiskit integration of LZSM gates: native target, compilation, pulse-level circuit simulation, Rabi comparison."""

from dataclasses import replace

import numpy as np
import pytest
from qiskit import QuantumCircuit, transpile
from qiskit.circuit.library import QFT
from qiskit.circuit.random import random_circuit
from qiskit.quantum_info import Operator
from qiskit.transpiler.exceptions import TranspilerError

from qiskit.circuit.library import UGate
from qiskit.quantum_info import SuperOp

from lzsm_gates import Bath, Device, LZSMInputError, gate_error, qubit_model
from lzsm_gates.circuits import (
    MAX_CHANNEL_QUBITS,
    LZSMGate,
    SqrtBSwapGate,
    circuit_timeline,
    design_gate_set,
    design_u_gate,
    play_instruction,
    lzsm_target,
    sample_counts,
    simulate_circuit,
    simulate_noisy_circuit,
)
from lzsm_gates.metrics import unitary_superoperator
from lzsm_gates.noise import gate_channel, idle_channel
from lzsm_gates.entanglers import bswap_gap_mismatch, bswap_target, xy_entangler_target
from lzsm_gates.qiskit import LZSMXYEntanglerGate, XYEntanglerGate
from lzsm_gates.qiskit.schedules import (
    circuit_program,
    gate_program,
    load_program,
    program_unitary,
    save_program,
)
from lzsm_gates.qiskit.pulse_schedules import schedule_unitary, to_schedule

DEVICE = Device()
GATES = design_gate_set(DEVICE)
TARGET = lzsm_target(DEVICE, 2, gate_set=GATES)


def _bell():
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    return qc


CIRCUITS = [("bell", _bell()), ("qft2", QFT(2))] + [(f"random{s}", random_circuit(2, 6, seed=s)) for s in range(4)]


def test_lzsm_gate_matrices_are_exact_pulse_unitaries():
    sx = GATES.sx
    assert isinstance(sx, LZSMGate) and sx.name == "sx"
    np.testing.assert_allclose(sx.to_matrix(), sx.design.pulse.propagator(qubit_model()))
    # qiskit ordering of the entangler: S U_model S, ideal matrix swap-symmetric
    u_model = GATES.entangler.design.unitary()
    swap = np.eye(4)[[0, 2, 1, 3]]
    np.testing.assert_allclose(np.asarray(GATES.entangler), swap @ u_model @ swap)
    np.testing.assert_allclose(np.asarray(SqrtBSwapGate()), bswap_target())
    np.testing.assert_allclose(Operator(SqrtBSwapGate().definition).data, bswap_target(), atol=1e-12)
    assert gate_error(bswap_target(), np.asarray(GATES.entangler)) < 1e-12


def test_target_properties_from_simulation():
    props = TARGET["sx"][(0,)]
    assert props.duration == pytest.approx(float(DEVICE.time_to_ns(GATES.sx.design.duration)) * 1e-9)
    assert props.error == GATES.sx.design.exact_error
    assert TARGET["rz"][(1,)].duration == 0.0 and TARGET["rz"][(1,)].error == 0.0
    assert set(TARGET["sqrt_bswap"]) == {(0, 1), (1, 0)}
    assert "id" not in TARGET.operation_names


@pytest.mark.parametrize("name,circuit", CIRCUITS, ids=[c[0] for c in CIRCUITS])
def test_compiled_circuits_match_ideal(name, circuit):
    compiled = transpile(circuit, target=TARGET, optimization_level=1, seed_transpiler=11)
    assert set(compiled.count_ops()) <= {"rz", "sx", "x", "sqrt_bswap"}
    if name == "random0":
        assert circuit.depth() >= 5
    sim = simulate_circuit(compiled, TARGET, circuit)
    assert sim.infidelity <= 1e-6
    serial = simulate_circuit(compiled, TARGET, circuit, scheduling="serial").duration_s
    gate_sum = sum(getattr(GATES.gates.get(i.operation.name), "duration_s", 0.0) for i in compiled.data)
    assert serial == pytest.approx(gate_sum, rel=1e-12)
    assert 0 < sim.duration_s <= serial * (1 + 1e-12)


def test_bell_counts_seeded():
    qc = _bell()
    qc.measure_all()
    compiled = transpile(qc, target=TARGET, seed_transpiler=3)
    counts = sample_counts(compiled, TARGET, shots=4000, seed=5)
    assert counts == sample_counts(compiled, TARGET, shots=4000, seed=5)
    assert set(counts) == {"00", "11"} and abs(counts["00"] - 2000) < 200


def test_identity_gate_in_target():
    tg = lzsm_target(DEVICE, 1, identity_duration=2 * np.pi / 1.25)
    assert tg["id"][(0,)].error < 1e-9
    qc = QuantumCircuit(1)
    qc.id(0)
    qc.x(0)
    compiled = transpile(qc, target=tg, optimization_level=0)
    assert "id" in compiled.count_ops()
    assert simulate_circuit(compiled, tg, qc).infidelity < 1e-6


def test_errors_for_missing_qubits_and_couplings():
    with pytest.raises(TranspilerError, match="qubits"):
        transpile(QFT(3), target=TARGET)
    tg3 = lzsm_target(DEVICE, 3, [(0, 1)], gate_set=GATES)
    ring = QuantumCircuit(3)
    ring.cx(0, 1)
    ring.cx(1, 2)
    ring.cx(0, 2)
    with pytest.raises(TranspilerError):
        transpile(ring, target=tg3)
    bad = QuantumCircuit(3)
    bad.append(SqrtBSwapGate(), [0, 2])
    with pytest.raises(LZSMInputError, match="not native"):
        simulate_circuit(bad, tg3)
    with pytest.raises(LZSMInputError, match="coupling"):
        lzsm_target(DEVICE, 2, [(0, 2)], gate_set=GATES)
    with pytest.raises(LZSMInputError, match="transpile first"):
        simulate_circuit(_bell(), GATES)


# --------------------------------------------------------------------------- timeline


def test_timeline_places_gates_on_disjoint_qubits_in_parallel():
    qc = QuantumCircuit(2)
    qc.x(0)
    qc.sx(1)
    qc.sx(1)
    qc.append(SqrtBSwapGate(), [0, 1])
    qc.rz(0.3, 0)
    dur = {"x": 3.0, "sx": 2.0, "sqrt_bswap": 5.0, "rz": 0.0}
    fn = lambda inst: dur[inst.operation.name]  # noqa: E731
    asap, alap, serial = (circuit_timeline(qc, fn, s) for s in ("asap", "alap", "serial"))
    assert serial.total == 12.0 and asap.total == alap.total == 9.0
    starts = {s: [e[2] for e in t.entries] for s, t in (("asap", asap), ("alap", alap))}
    assert starts["asap"] == [0.0, 0.0, 2.0, 4.0, 9.0]
    assert starts["alap"] == [1.0, 0.0, 2.0, 4.0, 9.0]  # x waits in |0> until it is needed
    assert asap.idle_gaps(2) == [[(3.0, 1.0)], []] and alap.idle_gaps(2) == [[(0.0, 1.0)], []]
    with pytest.raises(LZSMInputError, match="scheduling"):
        circuit_timeline(qc, fn, "greedy")


# --------------------------------------------------------------------------- open-system circuits

NOISE = Bath.ohmic(1e-4, temperature=0.05)


def test_noisy_circuit_noiseless_limit_and_scaling():
    compiled = transpile(_bell(), target=TARGET, optimization_level=3, seed_transpiler=1)
    closed = simulate_circuit(compiled, TARGET, _bell())
    silent = simulate_noisy_circuit(compiled, TARGET, Bath.ohmic(1e-14, temperature=0.05), _bell())
    np.testing.assert_allclose(silent.channel.data, unitary_superoperator(closed.operator.data), atol=1e-9)
    assert silent.infidelity < 1e-9
    weak = simulate_noisy_circuit(compiled, TARGET, Bath.ohmic(1e-5, temperature=0.05), _bell())
    strong = simulate_noisy_circuit(compiled, TARGET, NOISE, _bell())
    assert strong.infidelity == pytest.approx(10 * weak.infidelity, rel=0.02)
    assert strong.average_infidelity == pytest.approx(strong.infidelity * 4 / 5)
    assert strong.duration_s == pytest.approx(closed.duration_s)
    # trace preserving
    trace = np.eye(4).reshape(-1, order="F")
    np.testing.assert_allclose(trace @ strong.superoperator, trace, atol=1e-12)


def test_noisy_circuit_equals_qiskit_superop_composition():
    """Independent composition: Qiskit's SuperOp.compose of the same per-gate channels along the timeline."""
    compiled = transpile(QFT(2), target=TARGET, optimization_level=1, seed_transpiler=2)
    ours = simulate_noisy_circuit(compiled, TARGET, NOISE, scheduling="asap")
    dur = lambda inst: getattr(GATES.gates.get(inst.operation.name), "duration_s", 0.0)  # noqa: E731
    timeline = circuit_timeline(compiled, dur, "asap")
    swap = np.eye(4)[[0, 2, 1, 3]]
    ref = SuperOp(np.eye(16))
    for kind, index, qargs, _, length in timeline.events(2):
        if kind == "idle":
            tau = float(DEVICE.time_from_ns(length * 1e9))
            undo = np.diag(np.exp([-0.5j * tau, 0.5j * tau]))
            ch = unitary_superoperator(undo) @ idle_channel(qubit_model(), tau, NOISE)
        else:
            op = compiled.data[index].operation
            if op.name == "rz":
                ch = unitary_superoperator(op.to_matrix())
            elif op.name == "sqrt_bswap":
                d = GATES.entangler.design
                ch = unitary_superoperator(swap) @ gate_channel(d.pulse, NOISE, model=d.model) @ unitary_superoperator(swap)
            else:
                ch = gate_channel(GATES.gates[op.name].design.pulse, NOISE)
        ref = ref.compose(SuperOp(ch), qargs=list(qargs))
    np.testing.assert_allclose(ours.superoperator, ref.data, atol=1e-12)


def test_schedule_matters_under_relaxation():
    """x on qubit 0 early (ASAP) relaxes while qubit 1 works; ALAP flips it just before measurement."""
    qc = QuantumCircuit(2, 2)
    qc.x(0)
    for _ in range(10):
        qc.x(1)
    qc.barrier()  # measurements are timed: without it, ASAP measures qubit 0 right after its x
    qc.measure([0, 1], [0, 1])
    compiled = transpile(qc, target=TARGET, optimization_level=0)
    strong = Bath.ohmic(1e-3, temperature=0.05)
    shots = 20000
    asap = sample_counts(compiled, TARGET, shots, seed=1, noise=strong, scheduling="asap")
    alap = sample_counts(compiled, TARGET, shots, seed=1, noise=strong, scheduling="alap")
    closed = sample_counts(compiled, TARGET, shots, seed=1)
    assert closed == {"01": shots}
    p1 = lambda c: sum(v for k, v in c.items() if k[-1] == "1") / shots  # noqa: E731 - qubit 0 = clbit 0 (rightmost)
    # ASAP: qubit 0 decays for the nine x gates of qubit 1 after its own, exp(-Gamma1 t) with the golden-rule Gamma1
    t = float(DEVICE.time_from_ns(9 * GATES.x.duration_s * 1e9))
    gamma1 = 2 * np.pi * (strong.spectrum(1.0) + strong.spectrum(-1.0))
    assert p1(alap) - p1(asap) == pytest.approx(p1(alap) * (1 - np.exp(-gamma1 * t)), abs=0.02)
    assert p1(alap) > 0.9


def test_noisy_circuit_errors():
    compiled = transpile(_bell(), target=TARGET, optimization_level=1)
    with pytest.raises(LZSMInputError, match="one Bath per physical qubit"):
        simulate_noisy_circuit(compiled, TARGET, [NOISE] * 3)
    big = QuantumCircuit(MAX_CHANNEL_QUBITS + 1)
    with pytest.raises(LZSMInputError, match="num_qubits"):
        simulate_noisy_circuit(big, TARGET, NOISE)
    with pytest.raises(LZSMInputError, match="transpile first"):
        simulate_noisy_circuit(_bell(), GATES, NOISE)


# --------------------------------------------------------------------------- arbitrary single-qubit gates in one pulse

U_TARGET = lzsm_target(DEVICE, 2, gate_set=GATES, single_qubit="u")


@pytest.mark.parametrize("name,circuit", CIRCUITS[:4], ids=[c[0] for c in CIRCUITS[:4]])
def test_u_target_one_pulse_per_single_qubit_gate(name, circuit):
    compiled = transpile(circuit, target=U_TARGET, optimization_level=3, seed_transpiler=11)
    assert set(compiled.count_ops()) <= {"u", "rz", "sqrt_bswap"}
    sim = simulate_circuit(compiled, U_TARGET, circuit)
    assert sim.infidelity <= 1e-6
    with_sx = transpile(circuit, target=TARGET, optimization_level=3, seed_transpiler=11)
    pulses = lambda c: sum(v for k, v in c.count_ops().items() if k != "rz")  # noqa: E731
    assert pulses(compiled) < pulses(with_sx)
    assert sim.duration_s < simulate_circuit(with_sx, TARGET, circuit).duration_s


def test_u_gates_are_exact_designs_and_diagonal_u_is_virtual():
    g = design_u_gate(1.1, 0.4, -2.0, DEVICE)
    assert g.error <= 1e-10
    np.testing.assert_allclose(np.asarray(g), g.design.pulse.propagator(qubit_model()))
    assert gate_error(UGate(1.1, 0.4, -2.0).to_matrix(), np.asarray(g)) <= 1e-10
    native = {"u": U_TARGET.operation_from_name("u")}
    assert play_instruction(UGate(1.1, 0.4, -2.0), native) is g  # cached
    assert play_instruction(UGate(0.0, 0.1, 0.2), native) == pytest.approx(0.3)
    with pytest.raises(LZSMInputError, match="diagonal"):
        design_u_gate(0.0, 0.1, 0.2, DEVICE)
    with pytest.raises(LZSMInputError, match="theta"):
        design_u_gate(float("nan"), 0.1, 0.2, DEVICE)
    with pytest.raises(LZSMInputError, match="single_qubit"):
        lzsm_target(DEVICE, 2, gate_set=GATES, single_qubit="rx")


def test_u_target_under_noise_beats_sx_target():
    compiled_u = transpile(_bell(), target=U_TARGET, optimization_level=3, seed_transpiler=1)
    compiled_sx = transpile(_bell(), target=TARGET, optimization_level=3, seed_transpiler=1)
    noisy_u = simulate_noisy_circuit(compiled_u, U_TARGET, NOISE, _bell())
    noisy_sx = simulate_noisy_circuit(compiled_sx, TARGET, NOISE, _bell())
    assert 0 < noisy_u.infidelity < noisy_sx.infidelity


def test_delays_are_idle_time():
    """A delay is frame-tracked free evolution: identity closed-system, T1 decay with noise, an idle gap in the program."""
    from lzsm_gates.schedules import circuit_program, program_unitary

    qc = QuantumCircuit(2)
    qc.x(0)
    qc.delay(2000, 0, unit="ns")
    qc.sx(1)
    closed = simulate_circuit(qc, TARGET)
    assert closed.duration_s == pytest.approx(GATES.x.duration_s + 2e-6)
    strong = Bath.ohmic(1e-3, temperature=0.05)
    shots = 20000
    measured = qc.copy()
    measured.measure_all()
    counts = sample_counts(measured, TARGET, shots, seed=3, noise=strong)
    p1 = sum(v for k, v in counts.items() if k[-1] == "1") / shots
    gamma1 = 2 * np.pi * (strong.spectrum(1.0) + strong.spectrum(-1.0))
    t = float(DEVICE.time_from_ns(2000.0))
    assert p1 == pytest.approx(np.exp(-gamma1 * t), abs=0.03)
    program = circuit_program(qc, TARGET)
    assert program.duration == round(closed.duration_s / (DEVICE.dt_ns * 1e-9))
    no_delay = QuantumCircuit(2)
    no_delay.x(0)
    no_delay.sx(1)

    def sampling_error(circuit):
        u = program_unitary(circuit_program(circuit, TARGET))
        return 1 - abs(np.trace(u.conj().T @ simulate_circuit(circuit, TARGET).unitary)) ** 2 / 16

    # the 2 us idle is tracked exactly: only the gates' own sampling error (0.1 ns AWG) remains
    assert 0 < sampling_error(qc) < 1e-4
    assert sampling_error(qc) == pytest.approx(sampling_error(no_delay), abs=1e-9)


def test_gate_set_rows_are_data_and_table_is_text():
    # one meaning of table() across the package: printable text; the data are rows()
    rows = GATES.rows()
    assert [r["name"] for r in rows] == list(GATES.gates)
    for r in rows:
        gate = GATES.gates[r["name"]]
        assert r["qubits"] == gate.num_qubits and r["duration_ns"] == gate.duration_s * 1e9
        assert r["exact_error"] == gate.error and r["amplitude"] == gate.design.pulse.amplitude
    text = GATES.table()
    assert isinstance(text, str)
    lines = text.splitlines()
    assert lines[0].split() == ["gate", "qubits", "T", "ns", "exact", "err", "A/Delta", "w/Delta"]
    assert len(lines) == 1 + len(rows)
    for line, r in zip(lines[1:], rows):
        name, qubits, duration, *_ = line.split()
        assert (name, int(qubits)) == (r["name"], r["qubits"])
        assert float(duration) == pytest.approx(r["duration_ns"], abs=1e-3)


# ---- the idle-free XY entangler in the transpiler (issue 15 item 5) ----

XY_GATES = design_gate_set(DEVICE, entangler="xy")
XY_TARGETS = {n: lzsm_target(DEVICE, n, gate_set=XY_GATES) for n in (2, 3)}


def _ghz3():
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.cx(0, 1)
    qc.cx(1, 2)
    return qc


XY_CIRCUITS = [("bell", _bell()), ("ghz3", _ghz3()), ("random2", random_circuit(2, 5, seed=21)),
               ("random3", random_circuit(3, 4, seed=22))]


def test_xy_entangler_gate_is_the_exact_pulse_unitary():
    g = XY_GATES.entangler
    assert isinstance(g, LZSMXYEntanglerGate) and g.name == "xy_entangler"
    swap = np.eye(4)[[0, 2, 1, 3]]
    np.testing.assert_allclose(np.asarray(g), swap @ g.design.unitary() @ swap)
    np.testing.assert_allclose(Operator(XYEntanglerGate().definition).data, xy_entangler_target(), atol=1e-12)
    assert gate_error(xy_entangler_target(), np.asarray(g)) < 1e-12
    assert g.design.pulse.idle_before == g.design.pulse.idle_after == 0.0
    assert "sqrt_bswap" not in XY_TARGETS[2].operation_names
    assert set(XY_TARGETS[2]["xy_entangler"]) == {(0, 1), (1, 0)}
    assert XY_TARGETS[2]["xy_entangler"][(0, 1)].duration == pytest.approx(g.duration_s)
    assert g.duration_s < 0.5 * GATES.entangler.duration_s
    with pytest.raises(LZSMInputError, match="entangler"):
        design_gate_set(DEVICE, entangler="iswap")
    with pytest.raises(LZSMInputError, match="differs"):
        lzsm_target(DEVICE, 2, gate_set=GATES, entangler="xy")


@pytest.mark.parametrize("level", [0, 1, 2, 3])
@pytest.mark.parametrize("name,circuit", XY_CIRCUITS, ids=[c[0] for c in XY_CIRCUITS])
def test_transpiler_compiles_onto_the_xy_entangler(name, circuit, level):
    target = XY_TARGETS[circuit.num_qubits]
    compiled = transpile(circuit, target=target, optimization_level=level, seed_transpiler=5)
    ops = compiled.count_ops()
    assert set(ops) <= {"rz", "sx", "x", "xy_entangler"} and ops.get("xy_entangler", 0) >= 2
    sim = simulate_circuit(compiled, target, circuit)
    bound = _process_error_bound(compiled, XY_GATES)
    assert sim.infidelity <= bound + 1e-12
    # independently: the logical circuit's Operator (Qiskit) against the simulated unitary
    assert gate_error(Operator(circuit).data, sim.operator.data) <= bound + 1e-12


def _process_error(average_error, num_qubits):
    """Process infidelity of a gate of ``num_qubits`` from its average gate error: (d + 1)/d times it."""
    d = 2**num_qubits
    return (d + 1) / d * average_error


def _process_error_bound(compiled, gates):
    """The sine distance sqrt(1 - F_pro) of unitaries obeys the triangle inequality (and is unchanged by a
    tensor factor): a circuit's process infidelity is at most (sum over its pulses of sqrt(1 - F_pro))^2."""
    played = [gates.gates[i.operation.name] for i in compiled.data if i.operation.name != "rz"]
    return sum(np.sqrt(_process_error(g.error, g.num_qubits)) for g in played) ** 2


def _bell_row(gates, mismatch_gap2=1.05):
    """Duration, exact error, error with the entangler's second qubit at gap ``mismatch_gap2``: compiled Bell."""
    target = lzsm_target(DEVICE, 2, gate_set=gates)
    compiled = transpile(_bell(), target=target, optimization_level=3, seed_transpiler=5)
    sim = simulate_circuit(compiled, target, _bell())
    d = replace(gates.entangler.design, gap2=mismatch_gap2)
    d = replace(d, exact_error=gate_error(d.target, d.unitary()))
    mismatched = replace(gates, entangler=type(gates.entangler)(d))
    off = simulate_circuit(compiled, mismatched, _bell())
    return sim.duration_s, sim.infidelity, off.infidelity, compiled.count_ops()[gates.entangler.name]


def test_bell_with_xy_entangler_is_shorter_and_more_robust():
    """The table of the note / docs (backend.md): the same Bell circuit compiled with each entangler."""
    t_b, e_b, m_b, n_b = _bell_row(GATES)
    t_x, e_x, m_x, n_x = _bell_row(XY_GATES)
    assert n_b == n_x == 2
    assert max(e_b, e_x) <= 1e-10
    # the entanglers are on the critical path: the circuit is shorter by at least one entangler's saving
    assert t_x <= t_b - (GATES.entangler.duration_s - XY_GATES.entangler.duration_s)
    # two entanglers with the mismatch: at most (2 sqrt(1 - F_pro))^2 of one, up to the exact pulses' errors
    for gates, m in ((GATES, m_b), (XY_GATES, m_x)):
        g = bswap_gap_mismatch(gates.entangler.design, 1.05, reoptimize=False).fixed_error
        assert 0.5 * _process_error(g, 2) <= m <= 4 * _process_error(g, 2) * (1 + 1e-6) + 1e-10
    assert m_x < 0.1 * m_b


def test_xy_entangler_pulse_program_round_trip(tmp_path):
    """The XY entangler plays on the coupler channel like sqrt(bSWAP): gate and circuit programs and the JSON
    export reproduce the simulated unitaries."""
    fine = Device(dt_ns=0.02)
    gates = design_gate_set(fine, entangler="xy")
    gate = gates.entangler
    prog = gate_program(gate)
    assert set(prog.samples) == {"d0", "d1", "u0"} and not prog.samples["d0"].any() and prog.samples["u0"].any()
    assert prog.duration == gate.design.pulse.num_samples(fine.dt)
    assert gate_error(np.asarray(gate), program_unitary(prog)) <= 1e-6  # sampling error at 20 ps
    target = lzsm_target(fine, 3, gate_set=gates)
    compiled = transpile(_ghz3(), target=target, optimization_level=2, seed_transpiler=3)
    prog = circuit_program(compiled, target)
    assert len(prog.couplers) == 2 and all(prog.samples[f"u{k}"].any() for k in range(2))
    sim = simulate_circuit(compiled, target, _ghz3())
    assert gate_error(sim.unitary, program_unitary(prog)) <= 1e-6
    back = load_program(save_program(prog, tmp_path / "ghz3.json"))
    assert back.couplers == prog.couplers and back.segments == prog.segments
    for c, samples in prog.samples.items():
        np.testing.assert_array_equal(back.samples[c], samples)


def test_xy_entangler_schedule_round_trip():
    """Its Qiskit Pulse schedule, solved by Qiskit Dynamics, is the program (and the gate up to sampling)."""
    gate = design_gate_set(Device(dt_ns=0.02), entangler="xy").entangler  # cached from the test above
    prog = gate_program(gate)
    u = schedule_unitary(to_schedule(prog))
    assert np.abs(u - program_unitary(prog)).max() < 1e-10
    assert gate_error(np.asarray(gate), u) <= 1e-6
