"""Qiskit integration of LZSM gates: native target, compilation, pulse-level circuit simulation, Rabi comparison."""

import numpy as np
import pytest
from qiskit import QuantumCircuit, transpile
from qiskit.circuit.library import QFT
from qiskit.circuit.random import random_circuit
from qiskit.quantum_info import Operator
from qiskit.transpiler.exceptions import TranspilerError

from lzsm_gates import Device, LZSMInputError, gate_error, qubit_model
from lzsm_gates.circuits import (
    LZSMGate,
    SqrtBSwapGate,
    compare_with_rabi,
    design_gate_set,
    lzsm_target,
    rabi_gate,
    sample_counts,
    simulate_circuit,
)
from lzsm_gates.design import bswap_target

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
    u_model = GATES.sqrt_bswap.design.unitary()
    swap = np.eye(4)[[0, 2, 1, 3]]
    np.testing.assert_allclose(np.asarray(GATES.sqrt_bswap), swap @ u_model @ swap)
    np.testing.assert_allclose(np.asarray(SqrtBSwapGate()), bswap_target())
    np.testing.assert_allclose(Operator(SqrtBSwapGate().definition).data, bswap_target(), atol=1e-12)
    assert gate_error(bswap_target(), np.asarray(GATES.sqrt_bswap)) < 1e-12


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
    assert sim.duration_s > 0


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


def test_rabi_comparison_table():
    assert rabi_gate("x", 32).exact_error < 2e-5
    rows = compare_with_rabi(DEVICE, periods=(1, 4, 32), gate_set=GATES)
    for t in ("x", "sx"):
        lz = next(r for r in rows if r["target"] == t and r["kind"] == "lzsm")
        rabi = [r for r in rows if r["target"] == t and r["kind"] == "rabi"]
        # every Rabi gate is either slower or less accurate than the LZSM design
        assert all(r["duration_ns"] > lz["duration_ns"] or r["exact_error"] > 1e-3 for r in rabi)
        assert lz["exact_error"] < 1e-10
    with pytest.raises(LZSMInputError):
        rabi_gate("h", 4)
