"""Driven models (lzsm_gates.models): the Hamiltonians of the docs' Physics page, their block structure,
the drive signal and input validation."""

import numpy as np
import pytest

from lzsm_gates import LZSMInputError
from lzsm_gates.models import DrivenModel, coupled_qubits_model, qubit_model
from lzsm_gates.operators import PAULI_I, PAULI_X, PAULI_Z


def test_qubit_model_is_the_gate_hamiltonian():
    """H(t) = -(Delta/2) sz + A sin(w t) sx with sz|0> = +|0> (docs: Physics, Sec. 1), written out by hand."""
    gap, a, w, t = 1.3, 0.7, 2.1, 0.37
    h = qubit_model(gap).hamiltonian(t, a, w)
    expected = np.array([[-gap / 2, a * np.sin(w * t)], [a * np.sin(w * t), gap / 2]])
    np.testing.assert_allclose(h, expected, atol=1e-15)
    assert np.linalg.eigvalsh(qubit_model(gap).static)[0] == pytest.approx(-gap / 2)
    assert qubit_model(gap).static[0, 0] == pytest.approx(-gap / 2)  # |0> is the ground state


@pytest.mark.parametrize("gaps", [(1.0, 1.0), (1.0, 0.6), (0.8, 1.5)])
def test_coupled_model_splits_into_two_single_qubit_blocks(gaps):
    """{|00>, |11>} is the qubit problem with gap D1 + D2, {|01>, |10>} with gap D1 - D2 (docs: Physics, Sec. 4)."""
    d1, d2 = gaps
    model = coupled_qubits_model(d1, d2)
    a, w = 0.9, 1.7
    for t in (0.0, 0.4, 2.3):
        h = model.hamiltonian(t, a, w)
        even, odd = np.ix_([0, 3], [0, 3]), np.ix_([1, 2], [1, 2])
        np.testing.assert_allclose(h[np.ix_([0, 3], [1, 2])], 0.0, atol=1e-15)  # no coupling between blocks
        np.testing.assert_allclose(h[even], qubit_model(d1 + d2).hamiltonian(t, a, w), atol=1e-15)
        gap_odd = d1 - d2
        drive = a * np.sin(w * t)
        np.testing.assert_allclose(h[odd], [[-gap_odd / 2, drive], [drive, gap_odd / 2]], atol=1e-15)
    # qubit 1 is the left tensor factor
    np.testing.assert_allclose(model.static, -d1 / 2 * np.kron(PAULI_Z, PAULI_I) - d2 / 2 * np.kron(PAULI_I, PAULI_Z))
    np.testing.assert_allclose(model.drive_operator, np.kron(PAULI_X, PAULI_X))


def test_signal_is_one_period_of_the_drive_and_zero_outside():
    model = qubit_model()
    a, w, t0 = 0.8, 2.0, 0.5
    sig = model.signal(a, w, start=t0)
    t = np.linspace(t0, t0 + 2 * np.pi / w, 9)
    np.testing.assert_allclose(np.asarray(sig(t)), a * np.sin(w * (t - t0)), atol=1e-15)
    np.testing.assert_allclose(np.asarray(sig(np.array([0.0, t0 - 1e-9, t0 + 2 * np.pi / w + 1e-6]))), 0.0)
    two = model.signal(a, w, periods=2)
    assert float(np.asarray(two(1.5 * 2 * np.pi / w + 0.1))) == pytest.approx(a * np.sin(w * (3 * np.pi / w + 0.1)))


def test_parity_shortcut_preconditions_are_checked():
    assert qubit_model().parity is not None
    np.testing.assert_array_equal(coupled_qubits_model().parity, np.kron(PAULI_Z, PAULI_I))
    with pytest.raises(LZSMInputError, match="parity"):
        DrivenModel(-0.5 * PAULI_Z, PAULI_X, parity=PAULI_X)  # X does not anticommute with the drive


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: DrivenModel(np.array([[0, 1], [0, 0]]), PAULI_X), "static must be Hermitian"),
        (lambda: DrivenModel(PAULI_Z, np.eye(3)), "same shape"),
        (lambda: DrivenModel(PAULI_Z, PAULI_X, "square"), "waveform"),
        (lambda: qubit_model(0.0), "gap"),
        (lambda: coupled_qubits_model(1.0, -1.0), "gap2"),
        (lambda: qubit_model().signal(1.0, 0.0), "frequency"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(LZSMInputError, match=match):
        call()


def test_pauli_names_keep_their_old_import_path():
    from lzsm_gates import models, operators

    assert models.PAULI_X is operators.PAULI_X and models.PAULI_Z is operators.PAULI_Z
