"""One-period pulses (lzsm_gates.pulses): AWG sampling against an independent piecewise-constant propagation,
idle / virtual-Z framing, physical units."""

import numpy as np
import pytest
from scipy.linalg import expm

from lzsm_gates import Device, LZSMInputError, gate_error
from lzsm_gates.models import qubit_model
from lzsm_gates.operators import PAULI_X, PAULI_Z
from lzsm_gates.pulses import LZSMPulse, rz


def _piecewise_constant_unitary(pulse: LZSMPulse, dt: float) -> np.ndarray:
    """Unitary of the sample blocks with scipy's expm per sample (gap 1): idles, then held drive values."""
    n1, drive, n2 = pulse.sample_blocks(dt)
    h0 = -0.5 * PAULI_Z
    u = expm(-1j * h0 * n1 * dt)
    for s in drive:
        u = expm(-1j * (h0 + s * PAULI_X) * dt) @ u
    return expm(-1j * h0 * n2 * dt) @ u


@pytest.mark.parametrize("idle_before, idle_after", [(0.0, 0.0), (0.37, 1.9)])
def test_blocks_cover_the_pulse_with_its_exact_timing(idle_before, idle_after):
    pulse = LZSMPulse(1.3, 2.2, idle_before, idle_after)
    dt = 0.0125
    n1, drive, n2 = pulse.sample_blocks(dt)
    assert n1 + drive.size + n2 == pulse.num_samples(dt) >= round(pulse.duration / dt)
    start, end = idle_before, idle_before + pulse.period
    assert n1 * dt <= start < (n1 + 1) * dt and (n1 + drive.size - 1) * dt < end <= (n1 + drive.size) * dt
    mid = (n1 + np.arange(drive.size) + 0.5) * dt
    inside = (mid >= start) & (mid <= end)
    np.testing.assert_allclose(drive[inside], 1.3 * np.sin(2.2 * (mid[inside] - start)), atol=1e-13)
    assert not drive[~inside].any() and n2 >= 0
    leftover = pulse.sampling_leftover(dt)
    assert leftover == pytest.approx(pulse.num_samples(dt) * dt - pulse.duration)
    assert abs(leftover) <= dt / 2 or n2 == 0  # more only where the period needs its last sample
    cos_drive = pulse.sample_blocks(dt, "cos")[1]
    np.testing.assert_allclose(drive[inside] ** 2 + cos_drive[inside] ** 2, pulse.amplitude**2)


def test_sampled_pulse_with_idles_converges_at_fourth_order():
    """Arbitrary idles: the samples keep the drive's timing, so up to the free leftover at the end (a frame change
    in a program) the gate error falls as dt^4, like the midpoint rule itself."""
    pulse = LZSMPulse(1.1, 1.7, idle_before=0.433, idle_after=1.071)
    exact = pulse.propagator(qubit_model())
    errors = []
    for dt in (0.05, 0.025, 0.0125):
        leftover = expm(-1j * (-0.5 * PAULI_Z) * pulse.sampling_leftover(dt))
        errors.append(float(gate_error(leftover @ exact, _piecewise_constant_unitary(pulse, dt))))
    assert errors[0] < 1e-6
    rates = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(rates > 3.7), rates


def test_midpoint_samples_converge_to_the_exact_pulse_at_fourth_order():
    """With dt dividing the period (no edge rounding) the midpoint rule's gate error falls as dt^4."""
    pulse = LZSMPulse(1.1, 1.7)
    exact = pulse.propagator(qubit_model())
    errors = []
    for n in (64, 128, 256):
        errors.append(float(gate_error(exact, _piecewise_constant_unitary(pulse, pulse.period / n))))
    assert errors[-1] < 1e-8
    rates = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    np.testing.assert_allclose(rates, 4.0, atol=0.3)


def test_idles_and_virtual_z_frame_the_period():
    model = qubit_model()
    base = LZSMPulse(0.9, 2.5)
    framed = LZSMPulse(0.9, 2.5, idle_before=0.3, idle_after=0.8, vz_before=0.2, vz_after=-1.1)
    idle = lambda t: expm(-1j * model.static * t)  # noqa: E731
    expected = rz(-1.1) @ idle(0.8) @ base.propagator(model) @ idle(0.3) @ rz(0.2)
    np.testing.assert_allclose(framed.propagator(model), expected, atol=1e-12)
    np.testing.assert_allclose(rz(0.4), np.diag([np.exp(-0.2j), np.exp(0.2j)]), atol=1e-15)
    assert framed.duration == pytest.approx(0.3 + 2 * np.pi / 2.5 + 0.8) and framed.has_virtual_z


def test_physical_units():
    dev = Device.from_gap(20, "MHz")
    p = LZSMPulse(2.0, 4.0, idle_before=2 * np.pi).to_physical(dev)
    assert p["amplitude_mhz"] == pytest.approx(40.0) and p["frequency_mhz"] == pytest.approx(80.0)
    assert p["period_ns"] == pytest.approx(12.5) and p["idle_before_ns"] == pytest.approx(50.0)
    assert LZSMPulse(**LZSMPulse(1.0, 2.0, 0.1).to_dict()) == LZSMPulse(1.0, 2.0, 0.1)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: LZSMPulse(1.0, 0.0), "frequency"),
        (lambda: LZSMPulse(1.0, 1.0, idle_before=-1.0), "idle_before"),
        (lambda: LZSMPulse(np.nan, 1.0), "amplitude"),
        (lambda: LZSMPulse(1.0, 1.0).sample_blocks(0.0), "dt"),
        (lambda: LZSMPulse(1.0, 1.0).sample_blocks(0.1, "square"), "waveform"),
        (lambda: LZSMPulse(1.0, 1.0).num_samples(-0.1), "dt"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(LZSMInputError, match=match):
        call()
