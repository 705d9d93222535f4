"""Approximate one-period propagators (lzsm_gates.approximations), each against an independent route."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.linalg import expm

from lzsm_gates import LZSMInputError, gate_error
from lzsm_gates.approximations import APPROXIMATIONS, approximate_propagator, rwa_propagator
from lzsm_gates.operators import PAULI_X, PAULI_Y, PAULI_Z


def _integrate(hamiltonian, period: float) -> np.ndarray:
    """U(T) of a 2x2 time-dependent Hamiltonian from scipy's DOP853 (tight tolerances)."""

    def rhs(t, y):
        return (-1j * hamiltonian(t) @ y.reshape(2, 2)).ravel()

    sol = solve_ivp(rhs, [0, period], np.eye(2, dtype=complex).ravel(), method="DOP853", rtol=1e-12, atol=1e-12)
    return sol.y[:, -1].reshape(2, 2)


@pytest.mark.parametrize("amplitude, frequency, gap", [(0.4, 1.1, 1.0), (1.5, 2.0, 0.7), (0.3, 0.9, 1.3)])
def test_rwa_is_the_circular_drive_hamiltonian_integrated(amplitude, frequency, gap):
    """The plain RWA keeps the co-rotating half: H = -(D/2) sz + (A/2)[sin(wt) sx + cos(wt) sy]."""

    def h(t):
        return -0.5 * gap * PAULI_Z + 0.5 * amplitude * (np.sin(frequency * t) * PAULI_X + np.cos(frequency * t) * PAULI_Y)

    ref = _integrate(h, 2 * np.pi / frequency)
    assert np.abs(rwa_propagator(amplitude, frequency, gap) - ref).max() < 1e-9


@pytest.mark.parametrize("name", sorted(APPROXIMATIONS))
def test_undriven_limit_is_the_idle_rotation(name):
    """A = 0: every approximation is the free evolution exp(+i D T sz / 2) over one period."""
    w, gap = 1.7, 0.8
    idle = expm(0.5j * gap * (2 * np.pi / w) * PAULI_Z)
    assert gate_error(idle, approximate_propagator(name, 0.0, w, gap)) < 1e-14


@pytest.mark.parametrize("name", sorted(APPROXIMATIONS))
def test_batched_and_unitary(name):
    a, w = np.meshgrid(np.linspace(0.1, 3.0, 4), np.linspace(1.0, 5.0, 3))
    u = approximate_propagator(name, a, w)
    assert u.shape == a.shape + (2, 2)
    np.testing.assert_allclose(np.conj(np.swapaxes(u, -1, -2)) @ u, np.broadcast_to(np.eye(2), u.shape), atol=1e-12)
    np.testing.assert_allclose(u[1, 2], approximate_propagator(name, a[1, 2], w[1, 2]), atol=1e-14)


def test_bad_input():
    with pytest.raises(LZSMInputError, match="approximation must be one of"):
        approximate_propagator("floquet", 1.0, 1.0)
    with pytest.raises(LZSMInputError, match="frequency"):
        rwa_propagator(1.0, 0.0)
