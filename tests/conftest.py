"""Shared test fixtures and the independent reference integrators."""

import os

import numpy as np
import pytest
from hypothesis import settings
from scipy.integrate import solve_ivp

from lzsm_gates.models import DrivenModel

# CI runs the property-based tests on a fixed sequence of examples (reproducible: a red CI is never chance);
# local runs draw new examples every time, and a found failure prints its reproduction blob.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def reference_period_propagator(model: DrivenModel, amplitude: float, frequency: float) -> np.ndarray:
    """One-period propagator from scipy's adaptive DOP853 at tight tolerance (independent of lzsm_gates.propagate)."""
    d = model.dim
    period = 2 * np.pi / frequency

    def rhs(t, y):
        return (-1j * model.hamiltonian(t, amplitude, frequency) @ y.reshape(d, d)).ravel()

    sol = solve_ivp(rhs, [0, period], np.eye(d, dtype=complex).ravel(), method="DOP853", rtol=1e-13, atol=1e-13)
    return sol.y[:, -1].reshape(d, d)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
