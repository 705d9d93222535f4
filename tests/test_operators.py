"""Pauli and ladder operators, tensor products and register embeddings (lzsm_gates.operators).

The reference for the embeddings is Qiskit's own ``Operator.compose(..., qargs)`` (independent of our code)."""

import numpy as np
import pytest
from qiskit.quantum_info import Operator, random_unitary

from lzsm_gates import LZSMInputError
from lzsm_gates.operators import (
    PAULI_I,
    PAULI_X,
    PAULI_Y,
    PAULI_Z,
    SIGMA_MINUS,
    SIGMA_PLUS,
    embed,
    tensor,
)


def test_pauli_algebra_and_conventions():
    for p in (PAULI_X, PAULI_Y, PAULI_Z):
        np.testing.assert_array_equal(p @ p, PAULI_I)
    np.testing.assert_array_equal(PAULI_X @ PAULI_Y, 1j * PAULI_Z)
    np.testing.assert_array_equal(PAULI_Z @ [1, 0], [1, 0])  # sz|0> = +|0>
    np.testing.assert_array_equal(SIGMA_PLUS, (PAULI_X + 1j * PAULI_Y) / 2)
    np.testing.assert_array_equal(SIGMA_MINUS, SIGMA_PLUS.conj().T)
    np.testing.assert_array_equal(SIGMA_PLUS @ [0, 1], [1, 0])  # sigma+ = |0><1|
    np.testing.assert_array_equal(SIGMA_PLUS @ SIGMA_MINUS - SIGMA_MINUS @ SIGMA_PLUS, PAULI_Z)


def test_constants_are_read_only():
    with pytest.raises(ValueError):
        PAULI_X[0, 0] = 1.0
    y = 2 * PAULI_Y  # arithmetic gives new, writable arrays
    y[0, 0] = 1.0


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_single_qubit_embedding_in_both_orders(n):
    rng = np.random.default_rng(n)
    op = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
    for q in range(n):
        factors = [op if k == q else PAULI_I for k in range(n)]
        np.testing.assert_allclose(embed(op, q, n), tensor(*factors))
        qiskit = Operator(np.eye(2**n)).compose(Operator(op), qargs=[q]).data
        np.testing.assert_allclose(embed(op, q, n, order="qiskit"), qiskit)


@pytest.mark.parametrize("qubits", [(0, 1), (1, 0), (0, 2), (2, 0), (3, 1), (1, 2, 3), (3, 0, 2)])
def test_multi_qubit_embedding_matches_qiskit_qargs(qubits):
    n, k = 4, len(qubits)
    u = random_unitary(2**k, seed=sum(qubits)).data
    # Qiskit's qargs list the operator's qubits little-endian (first qarg = rightmost factor of op),
    # ours lists them left to right: reverse the list to compare
    qiskit = Operator(np.eye(2**n)).compose(Operator(u), qargs=list(qubits)[::-1]).data
    np.testing.assert_allclose(embed(u, qubits, n, order="qiskit"), qiskit, atol=1e-14)
    # model order is the full reversal of the qubit order: conjugate by the bit-reversal permutation
    rev = np.array([int(format(i, f"0{n}b")[::-1], 2) for i in range(2**n)])
    np.testing.assert_allclose(embed(u, qubits, n), qiskit[np.ix_(rev, rev)], atol=1e-14)


def test_product_operators_and_the_model_hamiltonians():
    xx = embed(tensor(PAULI_X, PAULI_X), (0, 1), 2)
    np.testing.assert_array_equal(xx, np.kron(PAULI_X, PAULI_X))
    np.testing.assert_array_equal(embed(PAULI_Z, 0, 2) @ embed(PAULI_Z, 1, 2), np.diag([1, -1, -1, 1]))
    np.testing.assert_array_equal(tensor(PAULI_Z, np.eye(3)), np.kron(PAULI_Z, np.eye(3)))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: embed(PAULI_X, 2, 2), "qubits"),
        (lambda: embed(PAULI_X, -1, 2), "qubits"),
        (lambda: embed(PAULI_X, (0, 0), 2), "qubits"),
        (lambda: embed(PAULI_X, (), 2), "qubits"),
        (lambda: embed(PAULI_X, 0.5, 2), "qubits"),
        (lambda: embed(PAULI_X, (0, 1), 2), r"op must have shape \(4, 4\)"),
        (lambda: embed(PAULI_X, 0, 0), "n must be an integer in \\[1, inf\\)"),
        (lambda: embed(PAULI_X, 0, 2, order="big"), "order"),
        (lambda: tensor(), "at least one"),
        (lambda: tensor(PAULI_X, np.ones(3)), "square"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(LZSMInputError, match=match):
        call()
