"""Liouvillian, steady state and qiskit-dynamics helpers of lzsm_gates.lindblad."""

from __future__ import annotations

import numpy as np
import pytest
import qutip
import scipy.sparse as sp
from qiskit_dynamics import Signal

from lzsm_gates.lindblad import lindblad_model, lindblad_solver, liouvillian, steady_state, unvec, vec
from lzsm_gates.units import ConvergenceError, LZSMInputError

SX = np.array([[0, 1], [1, 0]], dtype=complex)
SZ = np.diag([1.0, -1.0]).astype(complex)
SM = np.array([[0, 1], [0, 0]], dtype=complex)


def driven_cavity_qubit(n: int = 6) -> tuple[qutip.Qobj, list[qutip.Qobj]]:
    """Jaynes-Cummings cavity + qubit, cavity driven, both damped, with qubit dephasing and thermal photons."""
    a = qutip.tensor(qutip.destroy(n), qutip.qeye(2))
    sm = qutip.tensor(qutip.qeye(n), qutip.destroy(2))
    h = 0.7 * a.dag() * a + 0.5 * sm.dag() * sm + 0.4 * (a.dag() * sm + a * sm.dag()) + 0.3 * (a + a.dag())
    c_ops = [
        np.sqrt(0.3) * a,
        np.sqrt(0.03) * a.dag(),
        np.sqrt(0.1) * sm,
        np.sqrt(0.05) * (2 * sm.dag() * sm - 1),
        0.2 * (sm + 0.5j * a),  # complex: distinguishes C^* from C in the superoperator
    ]
    return h, c_ops


def test_vec_is_column_stacking_and_unvec_inverts_it():
    rng = np.random.default_rng(0)
    a, rho, b = (rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3)) for _ in range(3))
    np.testing.assert_array_equal(vec(rho), rho.reshape(-1, order="F"))
    np.testing.assert_allclose(vec(a @ rho @ b), np.kron(b.T, a) @ vec(rho), atol=1e-12)
    np.testing.assert_array_equal(unvec(vec(rho)), rho)
    batch = rng.normal(size=(4, 3, 3))
    np.testing.assert_array_equal(unvec(vec(batch)), batch)


@pytest.mark.parametrize("sparse", [False, True])
def test_liouvillian_matches_qutip(sparse):
    h, c_ops = driven_cavity_qubit()
    lv = liouvillian(h.full(), [c.full() for c in c_ops], sparse=sparse)
    assert sp.issparse(lv) == sparse
    ref = qutip.liouvillian(h, c_ops).full()
    np.testing.assert_allclose(lv.toarray() if sparse else lv, ref, atol=1e-14)


@pytest.mark.parametrize("method", ["dense", "sparse", "auto"])
def test_steady_state_matches_qutip_and_is_a_state(method):
    h, c_ops = driven_cavity_qubit()
    rho = steady_state(h.full(), [c.full() for c in c_ops], method=method)
    ref = qutip.steadystate(h, c_ops).full()
    np.testing.assert_allclose(rho, ref, atol=1e-10)
    assert np.trace(rho).real == pytest.approx(1.0, abs=1e-13)
    np.testing.assert_allclose(rho, rho.conj().T, atol=1e-15)
    assert np.linalg.eigvalsh(rho).min() > -1e-12
    lv = liouvillian(h.full(), [c.full() for c in c_ops])
    assert np.abs(lv @ vec(rho)).max() < 1e-12
    # a non-trivial state: the photons are really there
    assert np.trace(rho @ (qutip.num(6) & qutip.qeye(2)).full()).real > 0.05


def test_steady_state_accepts_sparse_operators():
    h, c_ops = driven_cavity_qubit()
    rho = steady_state(sp.csr_matrix(h.full()), [sp.csr_matrix(c.full()) for c in c_ops], method="sparse")
    np.testing.assert_allclose(rho, qutip.steadystate(h, c_ops).full(), atol=1e-10)


@pytest.mark.parametrize("n_th", [0.0, 0.3, 2.0])
def test_thermal_damped_oscillator_is_gibbs(n_th):
    """Damped oscillator with thermal collapse operators -> Bose-Einstein occupation.

    The birth-death chain obeys detailed balance even when truncated, so the
    truncated steady state is exactly geometric, p_n ~ (n_th / (1 + n_th))^n.
    """
    n, kappa, omega = 30, 0.2, 1.3
    a = np.diag(np.sqrt(np.arange(1, n)), 1).astype(complex)
    h = omega * a.conj().T @ a
    c_ops = [np.sqrt(kappa * (n_th + 1)) * a, np.sqrt(kappa * n_th) * a.conj().T]
    rho = steady_state(h, c_ops)
    x = n_th / (1 + n_th)
    p = x ** np.arange(n)
    np.testing.assert_allclose(rho, np.diag(p / p.sum()), atol=1e-12)
    if n_th > 0:
        # Gibbs form with omega / T = log(1 + 1/n_th); the cutoff tail is negligible for n_th <= 2
        assert np.trace(rho @ a.conj().T @ a).real == pytest.approx(n_th, rel=2e-3)


@pytest.mark.parametrize("method", ["dense", "sparse"])
def test_non_unique_steady_state_raises(method):
    # no dissipation: every diagonal state is stationary
    with pytest.raises(ConvergenceError, match="not unique"):
        steady_state(SZ, [], method=method)
    # a damped qubit next to an undamped, uncoupled one
    h = np.kron(SZ, np.eye(2)) + 0.5 * np.kron(np.eye(2), SZ)
    with pytest.raises(ConvergenceError, match="not unique"):
        steady_state(h, [np.kron(SM, np.eye(2))], method=method)


def test_nearly_decoupled_subspace_is_ill_conditioned():
    h = np.kron(SZ, np.eye(2)) + 0.5 * np.kron(np.eye(2), SZ)
    c_ops = [np.kron(SM, np.eye(2)), 1e-12 * np.kron(np.eye(2), SM)]
    with pytest.raises(ConvergenceError):
        steady_state(h, c_ops)
    # a weak but resolvable second channel is fine: both qubits end in their ground state
    rho = steady_state(h, [np.kron(SM, np.eye(2)), 1e-3 * np.kron(np.eye(2), SM)])
    assert rho[0, 0].real == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: liouvillian(np.array([[0, 1], [0, 0]]), []), "hamiltonian must be Hermitian"),
        (lambda: liouvillian(sp.csr_matrix(SM), [], sparse=True), "hamiltonian must be Hermitian"),
        (lambda: liouvillian(SM, [], sparse=True), "hamiltonian must be Hermitian"),
        (lambda: liouvillian(sp.csr_matrix((0, 0)), [], sparse=True), "hamiltonian must be a non-empty square"),
        (lambda: liouvillian(SZ, [sp.csr_matrix(np.diag([np.inf, 0]))], sparse=True), r"c_ops\[0\] contains NaN"),
        (lambda: liouvillian(np.ones((2, 3)), []), "hamiltonian must be a non-empty square"),
        (lambda: liouvillian(np.diag([np.nan, 1.0]), []), "hamiltonian contains NaN"),
        (lambda: liouvillian(SZ, [SM, np.eye(3)]), r"c_ops\[1\] has shape"),
        (lambda: liouvillian(SZ, SM), "sequence of collapse operators"),
        (lambda: steady_state(SZ, [SM], method="lu"), "method"),
        (lambda: steady_state(SZ, [SM], residual_tol=-1.0), "residual_tol"),
        (lambda: lindblad_solver(SZ, [SM], hamiltonian_operators=[SM]), r"hamiltonian_operators\[0\] must be Hermitian"),
    ],
)
def test_bad_inputs_raise(call, match):
    with pytest.raises(LZSMInputError, match=match):
        call()


def test_lindblad_model_generator_is_the_liouvillian():
    h, c_ops = 0.5 * SZ + 0.3 * SX, [np.sqrt(0.2) * SM, np.sqrt(0.05) * SZ]
    lv = liouvillian(h, c_ops)
    rho = np.array([[0.6, 0.1 + 0.2j], [0.1 - 0.2j, 0.4]])
    vec_model = lindblad_model(h, c_ops, vectorized=True)
    np.testing.assert_allclose(vec_model.evaluate_rhs(0.0, vec(rho)), lv @ vec(rho), atol=1e-14)
    model = lindblad_model(h, c_ops)
    np.testing.assert_allclose(model.evaluate_rhs(0.0, rho), unvec(lv @ vec(rho)), atol=1e-14)


def test_lindblad_solver_relaxes_to_the_steady_state():
    h0, drive = 0.5 * SZ, 0.3 * SX
    c_ops = [np.sqrt(0.2) * SM, np.sqrt(0.05) * SZ]
    rho_ss = steady_state(h0 + drive, c_ops)
    rho0 = np.diag([1.0, 0.0]).astype(complex)
    static = lindblad_solver(h0 + drive, c_ops).solve(t_span=[0.0, 200.0], y0=rho0, atol=1e-10, rtol=1e-10)
    np.testing.assert_allclose(static.y[-1], rho_ss, atol=1e-8)
    # the same drive as a time-dependent channel with a constant signal
    channel = lindblad_solver(h0, c_ops, hamiltonian_operators=[SX]).solve(
        t_span=[0.0, 200.0], y0=rho0, signals=[Signal(0.3)], atol=1e-10, rtol=1e-10
    )
    np.testing.assert_allclose(channel.y[-1], rho_ss, atol=1e-8)
    assert np.abs(rho_ss - rho0).max() > 0.1
