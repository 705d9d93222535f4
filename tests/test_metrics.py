"""lzsm_gates.metrics: gate and channel fidelities (checked against Qiskit's quantum_info), entanglement measures
and partial traces (checked against QuTiP)."""

from __future__ import annotations

import numpy as np
import pytest
import qutip
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit.quantum_info import Operator
from qiskit.quantum_info import random_unitary as qiskit_random_unitary
from qiskit.quantum_info import average_gate_fidelity as qiskit_fidelity

from lzsm_gates.metrics import (
    average_gate_fidelity,
    concurrence,
    gate_error,
    gate_fidelity,
    log_negativity,
    negativity,
    partial_trace,
    partial_transpose,
    reduced_qubit_state,
    unitary_superoperator,
)
from lzsm_gates.units import LZSMInputError

BELL_KETS = np.array(
    [[1, 0, 0, 1], [1, 0, 0, -1], [0, 1, 1, 0], [0, 1, -1, 0]], dtype=complex
) / np.sqrt(2)


def random_unitary(rng: np.random.Generator, d: int) -> np.ndarray:
    z = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def werner(p: float) -> np.ndarray:
    singlet = BELL_KETS[3]
    return p * np.outer(singlet, singlet.conj()) + (1 - p) * np.eye(4) / 4


# --- concurrence -------------------------------------------------------------


def test_bell_states_have_unit_concurrence_and_half_negativity():
    np.testing.assert_allclose(concurrence(BELL_KETS, pure=True), 1.0, atol=1e-12)
    rhos = np.einsum("ki,kj->kij", BELL_KETS, BELL_KETS.conj())
    np.testing.assert_allclose(concurrence(rhos), 1.0, atol=1e-12)
    np.testing.assert_allclose(negativity(rhos), 0.5, atol=1e-12)
    np.testing.assert_allclose(log_negativity(rhos), 1.0, atol=1e-12)


def test_product_states_have_zero_concurrence_and_negativity():
    rng = np.random.default_rng(1)
    for _ in range(10):
        a = qutip.rand_dm(2, seed=rng).full()
        b = qutip.rand_dm(2, seed=rng).full()
        rho = np.kron(a, b)
        assert concurrence(rho) == 0.0
        assert concurrence(rho, signed=True) < 0
        assert negativity(rho) < 1e-12
        u, v = random_unitary(rng, 2)[:, 0], random_unitary(rng, 2)[:, 0]
        assert concurrence(np.kron(u, v)) < 1e-14


@pytest.mark.parametrize("p", [0.0, 0.2, 1 / 3, 0.34, 0.5, 0.8, 1.0])
def test_werner_state_concurrence_and_negativity(p):
    rho = werner(p)
    assert concurrence(rho) == pytest.approx(max(0.0, (3 * p - 1) / 2), abs=1e-12)
    assert negativity(rho) == pytest.approx(max(0.0, (3 * p - 1) / 4), abs=1e-12)
    # the signed margin is smooth through the separability boundary p = 1/3
    assert concurrence(rho, signed=True) == pytest.approx((3 * p - 1) / 2, abs=1e-12)


def test_concurrence_matches_qutip_on_random_states_batched():
    rng = np.random.default_rng(7)
    states = [qutip.rand_dm([2, 2], distribution=dist, rank=rank, seed=rng)
              for dist, rank in [("ginibre", 1), ("ginibre", 2), ("ginibre", 3), ("hs", None)] * 6]
    ours = concurrence(np.array([s.full() for s in states]))
    theirs = np.array([qutip.concurrence(s) for s in states])
    np.testing.assert_allclose(ours, theirs, atol=1e-7)
    assert np.any(theirs > 0.05) and np.any(theirs == 0)
    kets = [qutip.rand_ket([2, 2], seed=rng) for _ in range(10)]
    np.testing.assert_allclose(
        concurrence(np.array([k.full().ravel() for k in kets]), pure=True),
        [qutip.concurrence(k) for k in kets],
        atol=1e-10,
    )


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_concurrence_invariant_under_local_unitaries_and_bounded(seed):
    rng = np.random.default_rng(seed)
    rho = qutip.rand_dm([2, 2], seed=rng, distribution="ginibre", rank=int(rng.integers(1, 5))).full()
    u = np.kron(random_unitary(rng, 2), random_unitary(rng, 2))
    c = concurrence(rho)
    assert 0.0 <= c <= 1.0
    assert concurrence(u @ rho @ u.conj().T) == pytest.approx(c, abs=1e-12)
    # two qubits: 2N <= C, with equality for pure states
    assert 2 * negativity(rho) <= c + 1e-12
    psi = np.linalg.eigh(rho)[1][:, -1]
    assert concurrence(psi) == pytest.approx(2 * negativity(psi), abs=1e-12)


# --- negativity, partial transpose, partial trace ------------------------------


@pytest.mark.parametrize(("dims", "sub"), [([2, 2], 0), ([2, 3], 1), ([3, 2], 0), ([2, 2, 3], 2), ([2, 2, 3], 0)])
def test_negativity_and_partial_transpose_match_qutip(dims, sub):
    rng = np.random.default_rng(11)
    for _ in range(4):
        rho = qutip.rand_dm(dims, seed=rng, distribution="ginibre", rank=2)
        mask = [k == sub for k in range(len(dims))]
        np.testing.assert_allclose(
            partial_transpose(rho.full(), dims, sub), qutip.partial_transpose(rho, mask).full(), atol=1e-14
        )
        ref = qutip.negativity(rho, sub, method="eigenvalues")
        assert negativity(rho.full(), dims, sub) == pytest.approx(ref, abs=1e-10)
        assert log_negativity(rho.full(), dims, sub) == pytest.approx(
            qutip.negativity(rho, sub, logarithmic=True), abs=1e-8
        )


@pytest.mark.parametrize("keep", [[0], [1], [2], [0, 1], [0, 2], [1, 2], [2, 0], [0, 1, 2]])
def test_partial_trace_matches_qutip_ptrace(keep):
    rng = np.random.default_rng(3)
    dims = [2, 2, 4]
    rhos = [qutip.rand_dm(dims, seed=rng) for _ in range(3)]
    ours = partial_trace(np.array([r.full() for r in rhos]), dims, keep)
    for o, r in zip(ours, rhos):
        np.testing.assert_allclose(o, r.ptrace(keep).full(), atol=1e-14)
    ket = qutip.rand_ket(dims, seed=rng)
    np.testing.assert_allclose(partial_trace(ket.full().ravel(), dims, keep), ket.ptrace(keep).full(), atol=1e-14)


def test_reduced_qubit_state_traces_out_the_cavity():
    rng = np.random.default_rng(5)
    kets = [qutip.rand_ket([2, 2, 5], seed=rng) for _ in range(4)]
    ours = reduced_qubit_state(np.array([k.full().ravel() for k in kets]), 5, pure=True)
    for o, k in zip(ours, kets):
        np.testing.assert_allclose(o, k.ptrace([0, 1]).full(), atol=1e-14)
        assert np.trace(o).real == pytest.approx(1.0)


# --- input validation ----------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: concurrence(np.eye(3) / 3), "state"),
        (lambda: concurrence(np.full((4, 4), np.nan)), "NaN"),
        (lambda: concurrence(np.ones(3), pure=True), "ket of length 4"),
        (lambda: partial_trace(np.eye(6) / 6, [2, 2], [0]), r"\(4, 4\)"),
        (lambda: partial_trace(np.eye(4) / 4, [2, 2], [2]), "keep"),
        (lambda: partial_trace(np.eye(4) / 4, [2, 2], [0, 0]), "keep"),
        (lambda: partial_trace(np.eye(4) / 4, [2, 0], [0]), "dims"),
        (lambda: partial_trace(np.eye(4) / 4, [2, 2.5], [0]), "dims"),
        (lambda: partial_trace(np.eye(4) / 4, [2, 2], [0.5]), "keep"),
        (lambda: negativity(np.eye(4) / 4, [2, 2], 5), "subsystems"),
        (lambda: reduced_qubit_state(np.eye(8) / 8, 0), "n_fock"),
    ],
)
def test_bad_inputs_raise(call, match):
    with pytest.raises(LZSMInputError, match=match):
        call()


# --- gate and channel fidelities -------------------------------------------------


@pytest.mark.parametrize("d", [2, 4])
def test_gate_fidelity_matches_qiskit_average_gate_fidelity(d):
    for seed in range(3):
        v = qiskit_random_unitary(d, seed=seed).data
        u = qiskit_random_unitary(d, seed=100 + seed).data
        ref = qiskit_fidelity(Operator(u), Operator(v))
        assert gate_fidelity(v, u) == pytest.approx(ref, abs=1e-13)
        assert average_gate_fidelity(unitary_superoperator(u), v) == pytest.approx(ref, abs=1e-13)
        assert gate_error(v, np.exp(0.7j) * v) == pytest.approx(0.0, abs=1e-15)  # global phase ignored
    batch = np.stack([qiskit_random_unitary(d, seed=s).data for s in range(5)])
    np.testing.assert_allclose(gate_fidelity(batch[0], batch), [gate_fidelity(batch[0], b) for b in batch])


def test_average_gate_fidelity_of_a_depolarizing_channel():
    """Depolarizing with probability p: F_avg = 1 - p (d - 1) / d (closed form, d = 2)."""
    p = 0.1
    identity = np.eye(4)
    vec_i = np.eye(2).reshape(-1, order="F")
    channel = (1 - p) * identity + p * np.outer(vec_i, vec_i) / 2  # rho -> (1-p) rho + p Tr(rho) I/2
    assert average_gate_fidelity(channel, np.eye(2)) == pytest.approx(1 - p / 2, abs=1e-14)
