"""Gate targets (lzsm_gates.targets): resolution of names, Qiskit gates, matrices and U angles to SU(d)."""

import numpy as np
import pytest
from qiskit.circuit.library import HGate, SXGate, UGate, get_standard_gate_name_mapping
from qiskit.quantum_info import Operator, random_unitary

from lzsm_gates import LZSMInputError, gate_error
from lzsm_gates.targets import SINGLE_QUBIT_NAMES, resolve_target, to_special_unitary


@pytest.mark.parametrize("name", SINGLE_QUBIT_NAMES)
def test_names_resolve_to_the_qiskit_gate_in_su2(name):
    t = resolve_target(name.upper())
    assert t.name == name
    assert np.linalg.det(t.matrix) == pytest.approx(1.0, abs=1e-12)
    assert gate_error(Operator(get_standard_gate_name_mapping()[name]).data, t.matrix) < 1e-15


def test_every_input_form_gives_the_same_target():
    h = resolve_target("h").matrix
    for form in (HGate(), Operator(HGate()), Operator(HGate()).data * np.exp(0.3j), (np.pi / 2, 0.0, np.pi)):
        assert gate_error(h, resolve_target(form).matrix) < 1e-15
    assert resolve_target("i").name == resolve_target("identity").name == "id"
    assert resolve_target((0.1, 0.2, 0.3)).name == "u(0.1,0.2,0.3)"
    np.testing.assert_allclose(resolve_target(UGate(0.1, 0.2, 0.3)).matrix, resolve_target((0.1, 0.2, 0.3)).matrix)


def test_transition_probability_of_a_target():
    """|V_10|^2: 1 for X, 1/2 for sqrt(X) and H, 0 for Z rotations (docs: Physics, Sec. 3)."""
    assert resolve_target("x").probability == pytest.approx(1.0)
    assert resolve_target(SXGate()).probability == pytest.approx(0.5)
    assert resolve_target("h").probability == pytest.approx(0.5)
    assert resolve_target("t").probability == pytest.approx(0.0)


def test_to_special_unitary_removes_the_global_phase():
    u = random_unitary(4, seed=3).data * np.exp(1.1j)
    su = to_special_unitary(u)
    assert np.linalg.det(su) == pytest.approx(1.0, abs=1e-12)
    assert gate_error(u, su) < 1e-15
    two = resolve_target(u, num_qubits=2)
    assert two.matrix.shape == (4, 4)


@pytest.mark.parametrize(
    "target, kwargs, match",
    [
        ("hadamard", {}, "target name must be one of"),
        ("x", {"num_qubits": 2}, "target name"),
        (np.eye(3), {}, "2x2 unitary"),
        (np.array([[1, 1], [0, 1]]), {}, "unitary"),
        ((0.1, np.nan, 0.2), {}, "U angles"),
    ],
)
def test_bad_targets(target, kwargs, match):
    with pytest.raises(LZSMInputError, match=match):
        resolve_target(target, **kwargs)
