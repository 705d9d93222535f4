"""1/f flux noise: the quasi-static Gauss-Hermite average against a direct (stratified) Monte Carlo average over
static offsets with independently integrated propagators, and the high-frequency bath's spectrum."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.stats import norm

from lzsm_gates import Bath, LZSMInputError, qubit_model
from lzsm_gates.baths import OneOverFNoise
from lzsm_gates.metrics import average_gate_fidelity, unitary_superoperator
from lzsm_gates.models import PAULI_X, PAULI_Z
from lzsm_gates.noise import flux_noise_channel, gate_channel, quasi_static_channel
from lzsm_gates.pulses import LZSMPulse

QUBIT = qubit_model()
PULSE = LZSMPulse(1.4, 2.0, idle_before=0.7, idle_after=0.4)


def monte_carlo_channel(pulse: LZSMPulse, std: float, op: np.ndarray, samples: int = 2000, steps: int = 400):
    """Average of U^* (x) U over stratified Gaussian offsets; U by a fourth-order Magnus integrator written here,
    vectorised over the samples."""
    delta = std * norm.ppf((np.arange(samples) + 0.5) / samples)
    h0 = QUBIT.static[None] + delta[:, None, None] * op
    v = QUBIT.drive_operator
    period = 2 * np.pi / pulse.frequency
    h = period / steps
    c = np.sqrt(3) / 6
    u = np.broadcast_to(np.eye(2, dtype=complex), h0.shape).copy()

    u = _expm2(-1j * h0 * pulse.idle_before) @ u
    for n in range(steps):
        h1 = h0 + pulse.amplitude * np.sin(pulse.frequency * (n + 0.5 - c) * h) * v
        h2 = h0 + pulse.amplitude * np.sin(pulse.frequency * (n + 0.5 + c) * h) * v
        u = _expm2(-0.5j * h * (h1 + h2) - (np.sqrt(3) / 12) * h**2 * (h2 @ h1 - h1 @ h2)) @ u
    u = _expm2(-1j * h0 * pulse.idle_after) @ u
    return np.mean([np.kron(x.conj(), x) for x in u], axis=0)


def _expm2(m: np.ndarray) -> np.ndarray:
    """exp of traceless-plus-scalar 2x2 matrices (closed form, batched)."""
    tr = 0.5 * (m[:, 0, 0] + m[:, 1, 1])
    a = m - tr[:, None, None] * np.eye(2)
    s = np.sqrt(a[:, 0, 0] ** 2 + a[:, 0, 1] * a[:, 1, 0])
    sinc = np.where(np.abs(s) > 1e-300, np.sinh(s) / np.where(np.abs(s) > 1e-300, s, 1), 1.0)
    return np.exp(tr)[:, None, None] * (np.cosh(s)[:, None, None] * np.eye(2) + sinc[:, None, None] * a)


def test_magnus_reference_is_the_exact_unitary():
    u_mc = monte_carlo_channel(PULSE, 0.0, PAULI_X, samples=1)
    u = PULSE.propagator(QUBIT)
    assert np.abs(u_mc - np.kron(u.conj(), u)).max() < 1e-8


@pytest.mark.parametrize("op", [PAULI_X, PAULI_Z])
def test_quasi_static_average_matches_monte_carlo(op):
    std = 0.03
    ours = quasi_static_channel(PULSE, std, op)
    reference = monte_carlo_channel(PULSE, std, op)
    u = PULSE.propagator(QUBIT)
    err_ours, err_ref = (1 - average_gate_fidelity(c, u) for c in (ours, reference))
    assert err_ref > 1e-5  # the offsets matter
    assert err_ours == pytest.approx(err_ref, rel=0.01)
    ideal = unitary_superoperator(u)
    assert np.abs(ours - reference).max() < 0.01 * np.abs(reference - ideal).max()


def test_sweet_spot_idle_is_second_order_drive_first_order():
    """sigma_x offsets: over whole Larmor periods an idle only sees the gap sqrt(D^2 + 4 d^2) (error ~ std^4; the axis
    tilt returns), while a drive period is first-order sensitive (error ~ std^2)."""
    idle, drive = LZSMPulse(0.0, 1.0, idle_before=2 * np.pi), LZSMPulse(1.4, 2.0)  # A = 0 period + idle: 2 periods
    ratios = []
    for pulse in (idle, drive):
        u = pulse.propagator(QUBIT)
        errs = [1 - average_gate_fidelity(quasi_static_channel(pulse, s, PAULI_X), u) for s in (0.01, 0.02)]
        ratios.append(errs[1] / errs[0])
    assert ratios[0] == pytest.approx(16, rel=0.05)
    assert ratios[1] == pytest.approx(4, rel=0.05)


def test_one_over_f_spectrum_and_variance():
    flux = OneOverFNoise(amplitude=2e-3, infrared_cutoff=1e-6, split_frequency=0.1, temperature=0.5)
    bath = flux.bath()
    w = np.array([0.2, 1.0, 3.0])
    np.testing.assert_allclose(bath.symmetrized_spectrum(w), 2 * flux.amplitude**2 / w, rtol=1e-12)
    assert bath.spectrum(0.05) == 0 and bath.spectrum(0.0) == 0
    np.testing.assert_allclose(bath.spectrum(-w) / bath.spectrum(w), np.exp(-w / 0.5), rtol=1e-12)  # detailed balance
    variance = 2 * quad(lambda x: 2 * flux.amplitude**2 / x / 2, flux.infrared_cutoff, flux.split_frequency, limit=200)[0]
    assert flux.quasi_static_std**2 == pytest.approx(variance, rel=1e-10)  # int over both signs of S(w) / 2 pi
    with pytest.raises(LZSMInputError, match="split_frequency"):
        OneOverFNoise(1e-3, 0.1, 0.05)


def test_flux_noise_channel_adds_quasi_static_and_markov_errors():
    flux = OneOverFNoise(amplitude=2e-3, infrared_cutoff=1e-6, split_frequency=0.3, temperature=0.5)
    u = PULSE.propagator(QUBIT)
    total = 1 - average_gate_fidelity(flux_noise_channel(PULSE, flux, nodes=6), u)
    static = 1 - average_gate_fidelity(quasi_static_channel(PULSE, flux.quasi_static_std, PAULI_X), u)
    markov = 1 - average_gate_fidelity(gate_channel(PULSE, [(PAULI_X, flux.bath())]), u)
    assert static > 1e-6 and markov > 1e-6
    assert total == pytest.approx(static + markov, rel=0.02)
    other = Bath.ohmic(1e-4, temperature=0.5)
    with_other = 1 - average_gate_fidelity(flux_noise_channel(PULSE, flux, noise=other, nodes=6), u)
    assert with_other > total
