"""Calibration: the device model against the backend, the maximum-likelihood fit on synthetic data, the loop."""

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("qiskit_experiments")

import lzsm_gates as lz  # noqa: E402
from lzsm_gates.calibration import Delay, Pulse, SlotModel, VirtualZ, calibrate_bswap, calibrate_gate, fit_binomial, slot_model_of  # noqa: E402
from lzsm_gates.calibration.experiments import PARAMETER_BOUNDS, sequence_circuit  # noqa: E402
from lzsm_gates.pulses import LZSMPulse  # noqa: E402
from lzsm_gates.units import LZSMInputError  # noqa: E402


def test_import_lzsm_gates_does_not_load_qiskit_experiments():
    code = "import sys, lzsm_gates; assert 'qiskit_experiments' not in sys.modules; assert 'lzsm_gates.calibration' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_extra_is_named():
    code = ("import sys; sys.modules['qiskit_experiments'] = None\n"
            "try:\n    import lzsm_gates.calibration\nexcept ImportError as e:\n    assert 'lzsm_gates[calibration]' in str(e), e\n"
            "else:\n    raise SystemExit('no ImportError')")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_model_reproduces_backend_probabilities_exactly():
    # the backend's own execution path (independent code) against the calibration model at the truth
    dev = lz.DEFAULT_DEVICE
    w0, wc = 1.26, 12.0
    be = lz.LZSMBackend(dev, 1, truth=lz.DeviceTruth((0.03,), {"d0": 0.93}, cutoff=wc, readout=((0.02, 0.03),)))
    slot = float(dev.time_from_ns(be.target["lzsm_pulse"][(0,)].duration * 1e9))
    model = SlotModel(slot, w0)
    theta = np.array([1.03, 0.93 / np.sqrt(1 + (w0 / wc) ** 2), 0.0, 0.02, 0.03])
    p1, p2 = LZSMPulse(0.6, w0, 1.0, 0.5), LZSMPulse(0.9, w0, 0.3, 2.0)
    dt = float(dev.time_from_ns(dev.dt_ns))
    seqs = [(), (Pulse(p1),), (Pulse(p1), Pulse(p2)), (Pulse(p2),) * 5, (Pulse(p1), VirtualZ(0.7), Delay(500 * dt), Pulse(p2))]
    backend_p = [be.execute(sequence_circuit(s, dev, i)).probabilities.get(1, 0.0) for i, s in enumerate(seqs)]
    np.testing.assert_allclose(model.probabilities(seqs, theta), backend_p, atol=1e-12)


def test_coupler_block_model_reproduces_backend_probabilities_exactly():
    # coupler pulses on a pair from |00>, read on its first qubit: the 4x4 execution of the backend against the
    # {00, 11}-block model in its scaled units (gap (g1 + g2) / 2, amplitude and frequency halved, times doubled)
    dev, wc = lz.DEFAULT_DEVICE, 15.0
    truth = lz.DeviceTruth((0.03, -0.01), {"u0": 0.93}, cutoff=wc, readout=((0.02, 0.03), (0.01, 0.04)))
    be = lz.LZSMBackend(dev, 2, [(0, 1)], truth=truth)
    w0 = 1.78
    model = slot_model_of(be, (0, 1), w0)
    assert model.coupler
    theta = np.array([1.01, 0.93 / np.sqrt(1 + (2 * w0 / wc) ** 2), 0.0, 0.02, 0.03])
    p1, p2 = LZSMPulse(0.5, w0, 1.0, 0.5), LZSMPulse(0.3, w0, 0.4, 2.0)
    dt = 2 * float(dev.time_from_ns(dev.dt_ns))
    seqs = [(), (Pulse(p1),), (Pulse(p1), Pulse(p2)), (Pulse(p2),) * 3, (Pulse(p1), VirtualZ(0.7), Delay(300 * dt), Pulse(p2))]
    backend_p = [be.execute(sequence_circuit(s, dev, i, model)).probabilities.get(1, 0.0) for i, s in enumerate(seqs)]
    np.testing.assert_allclose(model.probabilities(seqs, theta), backend_p, atol=1e-12)


def test_bswap_calibration_reaches_tolerance_on_miscalibrated_pair():
    # coupler line 6% weak (and a low-pass line), both gaps ~2% high, 0.3% apart: the {01, 10} block's mismatch error
    # (~6e-5, not calibrated) stays well below the tolerance
    truth = lz.DeviceTruth((0.02, 0.017), {"u0": 0.94}, cutoff=15.0, readout=((0.02, 0.03), (0.01, 0.02)))
    be = lz.LZSMBackend(lz.DEFAULT_DEVICE, 2, [(0, 1)], truth=truth)
    report = calibrate_bswap(be, (0, 1), seed=1)
    assert report.converged, report.reason  # on this device it must converge
    assert report.nominal_true_error > 3e-3  # the miscalibration matters
    assert report.true_error <= 1e-3 and report.true_error < report.nominal_true_error / 50
    gap, gap_err = report.parameters["gap"]
    assert abs(gap - 1.0185) < 4 * gap_err  # the block gap is the mean of the two true gaps
    assert report.gate().name == "sqrt_bswap" and report.shots == 1000 * report.settings


def test_bswap_calibration_stops_with_a_reason_when_the_slot_is_too_short():
    # here the re-designed block needs 2 pi more idle for its sign than the default 0.5 ns guard leaves: a clear
    # stop; a 2 ns guard makes room and it converges
    from lzsm_gates.qiskit.target import SlotDurations

    truth = lz.DeviceTruth((-0.002, -0.004), {"u0": 1.058}, cutoff=20.0, readout=((0.02, 0.02), (0.02, 0.02)))
    tight = calibrate_bswap(lz.LZSMBackend(lz.DEFAULT_DEVICE, 2, [(0, 1)], truth=truth), seed=1)
    assert not tight.converged and "guard_ns" in tight.reason
    slots = SlotDurations.for_device(lz.DEFAULT_DEVICE, guard_ns=2.0)
    roomy = calibrate_bswap(lz.LZSMBackend(lz.DEFAULT_DEVICE, 2, [(0, 1)], truth=truth, slots=slots), seed=1)
    assert roomy.converged, roomy.reason
    assert roomy.true_error <= 1e-3 and roomy.true_error < roomy.nominal_true_error / 10


def test_fit_recovers_parameters_within_uncertainty_on_synthetic_data():
    """Known truth, binomial shot noise: each fitted parameter within 2 reported standard errors in >= 90% of seeds."""
    model = SlotModel(25.2, 1.26)
    lower, upper = PARAMETER_BOUNDS
    free = np.array([True, True, False, True, True])
    gate, half = LZSMPulse(0.62, 1.26, 3.1, 0.0), LZSMPulse(0.45, 1.26)
    settings = [(), *[(Pulse(LZSMPulse(0.62 * f, 1.26)),) for f in (0.5, 0.75, 1.0, 1.25, 1.5)],
                *[(Pulse(LZSMPulse(0.62, 1.26 * f)),) for f in (0.85, 0.93, 1.07, 1.15)],
                *[(Pulse(half),) + (Pulse(gate),) * n for n in (1, 2, 4, 8)]]
    shots = np.full(len(settings), 1000)
    inside = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        truth = np.array([1 + rng.uniform(-0.05, 0.05), 1 + rng.uniform(-0.1, 0.1), 0.0, rng.uniform(0.01, 0.03), rng.uniform(0.01, 0.03)])
        ones = rng.binomial(shots, model.probabilities(settings, truth))
        start = truth + np.array([0.01, -0.02, 0.0, 0.01, -0.005])
        fit = fit_binomial(lambda t: model.probabilities(settings, t), start, ones, shots, lower=lower, upper=upper, free=free)
        inside.append(np.abs(fit.theta - truth)[free] <= 2 * fit.stderr[free])
        assert fit.deviance / fit.dof < 5
    assert np.all(np.mean(inside, axis=0) >= 0.9), np.mean(inside, axis=0)


def test_fit_refuses_bad_counts():
    with pytest.raises(LZSMInputError, match="ones"):
        fit_binomial(lambda t: np.full(2, 0.5), np.zeros(1), np.array([3, 1]), np.array([2, 2]), lower=np.array([-1.0]), upper=np.array([1.0]))


def test_calibrate_refuses_bad_settings():
    with pytest.raises(LZSMInputError, match="shots"):
        calibrate_gate(None, "x", shots=5)
    with pytest.raises(LZSMInputError, match="tolerance"):
        calibrate_gate(None, "x", tolerance=0.0)


@pytest.mark.slow
def test_calibration_reaches_tolerance_on_miscalibrated_device():
    truth = lz.DeviceTruth((0.03,), {"d0": 0.93}, cutoff=15.0, readout=((0.02, 0.03),))
    be = lz.LZSMBackend(lz.DEFAULT_DEVICE, 1, truth=truth)
    report = calibrate_gate(be, "sx", seed=1)
    assert report.converged, report.reason
    assert report.nominal_true_error > 1e-2  # the miscalibration matters
    assert report.true_error <= 1e-4
    assert report.settings <= 30 and report.shots == 1000 * report.settings


@pytest.mark.slow
def test_bad_start_converges_or_stops_with_a_reason():
    truth = lz.DeviceTruth((0.02,), {"d0": 0.7}, cutoff=15.0, readout=((0.02, 0.02),))  # 30% amplitude error
    be = lz.LZSMBackend(lz.DEFAULT_DEVICE, 1, truth=truth)
    report = calibrate_gate(be, "x", seed=2)
    if report.converged:
        assert report.true_error <= 1e-4
    else:
        assert report.reason


@pytest.mark.slow
def test_cli_calibrate_prints_each_step(capsys):
    from lzsm_gates.cli import main

    status = main(["calibrate", "--target", "x", "--max-rounds", "1", "--seed", "3"])
    out = capsys.readouterr().out
    for step in ("identification", "frame (Ramsey)", "amplification 1", "true gate error"):
        assert step in out
    assert status in (0, 2)  # 2: not converged within one round, said on stderr with the reason
    assert ("converged: True" in out) == (status == 0)
