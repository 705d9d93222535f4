"""Circuit semantics (issue 12, item 4): counts labelled by the circuit's own classical bits, mid-circuit
measurement, reset and classical control simulated or refused, never treated as final measurements."""

import ast
import warnings

import pytest
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister, transpile

from lzsm_gates import Device, LZSMInputError
from lzsm_gates.circuits import design_gate_set, lzsm_target, sample_counts, simulate_circuit
from lzsm_gates.cli import main

DEVICE = Device()
GATES = design_gate_set(DEVICE)
WIDE = lzsm_target(DEVICE, 4, gate_set=GATES)  # more qubits than the circuits


def _compiled(qc):
    return transpile(qc, target=WIDE, optimization_level=1, seed_transpiler=3)


def test_mid_circuit_measurement_is_not_final():
    qc = QuantumCircuit(1, 2)
    qc.h(0)
    qc.measure(0, 0)
    qc.x(0)
    qc.measure(0, 1)
    counts = sample_counts(_compiled(qc), WIDE, 2000, seed=1)
    assert set(counts) == {"01", "10"} and abs(counts["01"] - 1000) < 150


def test_reset_and_if_else_are_simulated():
    qc = QuantumCircuit(2, 2)
    qc.x(0)
    qc.measure(0, 0)  # 1
    qc.reset(0)
    with qc.if_test((qc.clbits[0], 1)):
        qc.x(1)
    qc.measure(0, 1)  # 0 after the reset ...
    qc.measure(1, 0)  # ... and q1 flipped by the feedback overwrites bit 0 with 1
    assert sample_counts(_compiled(qc), WIDE, 100, seed=2) == {"01": 100}


def test_if_else_on_a_register_value():
    c = ClassicalRegister(2, "c")
    qc = QuantumCircuit(QuantumRegister(3, "q"), c)
    qc.x(0)
    qc.measure(0, c[0])
    qc.measure(1, c[1])  # c = 0b01
    with qc.if_test((c, 1)):
        qc.x(2)
    with qc.if_test((c, 2)):
        qc.x(1)
    qc.measure(2, c[1])
    assert sample_counts(_compiled(qc), WIDE, 50, seed=3) == {"11": 50}


def test_too_many_qubits_refused_before_work():
    from lzsm_gates.qiskit import MAX_EXECUTION_QUBITS

    n = MAX_EXECUTION_QUBITS + 1
    qc = QuantumCircuit(n, n)
    qc.x(range(n))
    qc.measure(range(n), range(n))
    with pytest.raises(LZSMInputError, match="at most"):
        sample_counts(qc, GATES, 10)


def test_classically_conditioned_gate_is_refused():
    qc = QuantumCircuit(1, 1)
    qc.measure(0, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        qc.x(0).c_if(qc.clbits[0], 1)
    qc.measure(0, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        compiled = transpile(qc, target=WIDE, optimization_level=0)
    with pytest.raises(LZSMInputError, match="c_if"):
        sample_counts(compiled, WIDE, 10, seed=1)


def test_unitary_simulation_refuses_mid_circuit_measurement():
    qc = QuantumCircuit(1, 1)
    qc.measure(0, 0)
    qc.x(0)
    with pytest.raises(LZSMInputError, match="mid-circuit measure"):
        simulate_circuit(_compiled(qc), WIDE)


def test_counts_follow_clbits_through_routing_and_layout():
    q, a, b = QuantumRegister(3, "q"), ClassicalRegister(2, "a"), ClassicalRegister(1, "b")
    qc = QuantumCircuit(q, a, b)
    qc.x(2)
    qc.cx(2, 0)  # needs routing on the chain 0-1-2-3
    qc.measure(q[0], b[0])  # 1
    qc.measure(q[1], a[0])  # 0
    qc.measure(q[2], a[1])  # 1
    compiled = transpile(qc, target=WIDE, optimization_level=3, seed_transpiler=5)
    assert sample_counts(compiled, WIDE, 50, seed=1) == {"110": 50}  # clbits b a1 a0


def test_cli_circuit_counts_use_the_circuits_clbits(tmp_path, capsys):
    qasm = tmp_path / "swapped.qasm"
    qasm.write_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\ncreg c[3];\n'
        "x q[1];\ncx q[1],q[2];\nmeasure q[0] -> c[2];\nmeasure q[1] -> c[0];\nmeasure q[2] -> c[1];\n"
    )
    assert main(["circuit", str(qasm), "--single-qubit", "sx", "--shots", "64"]) == 0
    counts = ast.literal_eval(capsys.readouterr().out.split("counts (64 shots): ")[1].splitlines()[0])
    assert counts == {"011": 64}
