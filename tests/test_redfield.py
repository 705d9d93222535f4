"""Time-dependent Floquet-Redfield generator and gate channels against an independently integrated lab-frame
Bloch-Redfield equation (scipy solve_ivp, bath correlation C(tau) from Bath.spectrum by direct quadrature)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from lzsm_gates import Bath, LZSMInputError, design_gate, qubit_model
from lzsm_gates.metrics import average_gate_fidelity
from lzsm_gates.models import PAULI_X, PAULI_Z
from lzsm_gates.noise import gate_channel, periodic_channel
from lzsm_gates.pulses import LZSMPulse
from lzsm_gates.redfield import MarkovWarning, check_markov, floquet_redfield, static_redfield

QUBIT = qubit_model()
CUTOFF, TEMPERATURE = 6.0, 0.5


def smooth_bath(kappa: float) -> Bath:
    """Ohmic bath with a Gaussian cutoff: g is smooth, so C(tau) decays fast (thermal part ~ exp(-2 pi T tau))."""
    return Bath(lambda w: kappa * w * np.exp(-((w / CUTOFF) ** 2)), TEMPERATURE)


def correlation(bath: Bath, taus: np.ndarray) -> np.ndarray:
    """C(tau) = int dw g(w) exp(-i w tau), trapezoid on a fine grid (g negligible outside it)."""
    w = np.arange(-30.0, 40.0 + 1e-9, 0.01)
    g = bath.spectrum(w)
    return np.array([np.trapezoid(g * np.exp(-1j * w * t), w) for t in taus])


def propagators(amplitude: float, frequency: float, times: np.ndarray) -> np.ndarray:
    """U(t) from 0 for the sorted grid ``times`` (containing 0), by solve_ivp of the Schrodinger equation."""
    h0, v = QUBIT.static, QUBIT.drive_operator

    def rhs(t, y):
        return (-1j * (h0 + amplitude * np.sin(frequency * t) * v) @ y.reshape(2, 2)).ravel()

    out = np.empty((times.size, 2, 2), complex)
    zero = int(np.argmin(np.abs(times)))
    for part in (slice(zero, None), slice(zero, None, -1)):
        ts = times[part]
        sol = solve_ivp(rhs, (0.0, ts[-1]), np.eye(2, dtype=complex).ravel(), t_eval=ts, method="DOP853", rtol=1e-12, atol=1e-13)
        out[part] = sol.y.T.reshape(-1, 2, 2)
    return out


def memory_kernel(bath: Bath, amplitude: float, frequency: float, n_t: int = 64, refine: int = 8, tau_max: float = 12.0,
                  lamb_shift: bool = False):
    """Lambda(t_j) on t_j = j T / n_t: without Lamb shift 1/2 int_{-inf}^{inf} dtau C(tau) U(t,t-tau) X U(t,t-tau)^dag
    (the two-sided integral keeps exactly the pi g(nu) part of int_0^inf C(tau) e^{i nu tau} dtau); with it the
    one-sided int_0^inf (trapezoid with the Euler-Maclaurin end correction)."""
    period = 2 * np.pi / frequency
    step = period / (n_t * refine)
    m = int(np.ceil(tau_max / step))
    grid = np.arange(-m, n_t * refine + m + 1) * step
    u = propagators(amplitude, frequency, grid)
    shifts = np.arange(0 if lamb_shift else -m, m + 1)
    weights = correlation(bath, shifts * step) * step * (1.0 if lamb_shift else 0.5)
    if lamb_shift:
        weights[0] *= 0.5
    lam = np.empty((n_t, 2, 2), complex)
    for j in range(n_t):
        now = u[m + j * refine]
        past = u[m + j * refine - shifts]  # U(t - tau)
        v = now @ np.conj(np.swapaxes(past, 1, 2))
        f = v @ PAULI_X @ np.conj(np.swapaxes(v, 1, 2))
        lam[j] = np.einsum("t,tab->ab", weights, f)
        if lamb_shift:
            lam[j] += (-6 * weights[0] * f[0] + 4 * weights[1] * f[1] - weights[2] * f[2]) / 24  # h^2/12 F'(0)
    return lam


def lab_redfield_channel(bath: Bath, pulse: LZSMPulse, lamb_shift: bool = False) -> np.ndarray:
    """Idle, one drive period, idle: d rho/dt = -i[H(t), rho] - [X, Lambda rho - rho Lambda^dag], column stacking."""
    w, a = pulse.frequency, pulse.amplitude
    lam_drive = memory_kernel(bath, a, w, lamb_shift=lamb_shift)
    coeffs = np.fft.fft(lam_drive, axis=0) / lam_drive.shape[0]
    q = np.fft.fftfreq(lam_drive.shape[0], 1.0 / lam_drive.shape[0])
    lam_idle = memory_kernel(bath, 0.0, w, n_t=1, refine=512, lamb_shift=lamb_shift)[0]
    eye = np.eye(2)

    def generator(h, lam):
        dissipator = (np.kron(eye, PAULI_X @ lam) - np.kron(PAULI_X.T, lam) - np.kron(lam.conj(), PAULI_X)
                      + np.kron((lam.conj().T @ PAULI_X).T, eye))
        return -1j * (np.kron(eye, h) - np.kron(h.T, eye)) - dissipator

    def solve(s, t_span, drive):
        def rhs(t, y):
            if drive:
                lam = np.einsum("q,qab->ab", np.exp(2j * np.pi * q * t / (2 * np.pi / w)), coeffs)
                h = QUBIT.static + a * np.sin(w * t) * QUBIT.drive_operator
            else:
                lam, h = lam_idle, QUBIT.static
            return (generator(h, lam) @ y.reshape(4, 4)).ravel()

        if t_span[1] == t_span[0]:
            return s
        sol = solve_ivp(rhs, t_span, s.ravel(), method="DOP853", rtol=1e-11, atol=1e-13)
        return sol.y[:, -1].reshape(4, 4)

    s = solve(np.eye(4, dtype=complex), (0.0, pulse.idle_before), False)
    s = solve(s, (0.0, 2 * np.pi / w), True)
    return solve(s, (0.0, pulse.idle_after), False)


def trace_distance(a: np.ndarray, b: np.ndarray) -> float:
    return 0.5 * float(np.sum(np.abs(np.linalg.eigvalsh(a - b))))


INPUTS = [np.array(v, complex) / np.linalg.norm(v) for v in ([1, 0], [0, 1], [1, 1], [1, 1j], [2, 1 - 1j])]


def output_states(channel: np.ndarray) -> list[np.ndarray]:
    return [(channel @ np.outer(p, p.conj()).reshape(-1, order="F")).reshape(2, 2, order="F") for p in INPUTS]


@pytest.fixture(scope="module")
def x_gate() -> LZSMPulse:
    return design_gate("x", n_refine=1).best.pulse


@pytest.mark.parametrize("which", ["x", "generic"])
def test_channel_states_match_lab_frame_redfield(which, x_gate):
    """Output states within 1% of their deviation from the ideal gate; the period average is off by far more."""
    pulse = x_gate if which == "x" else LZSMPulse(1.4, 2.0, idle_before=0.7, idle_after=0.4)
    bath = smooth_bath(2e-3)
    reference = output_states(lab_redfield_channel(bath, pulse))
    u = pulse.propagator(QUBIT)
    ideal = [u @ np.outer(p, p.conj()) @ u.conj().T for p in INPUTS]
    ours = output_states(gate_channel(pulse, bath))
    averaged = output_states(gate_channel(pulse, bath, method="averaged"))
    deviation = np.array([trace_distance(r, i) for r, i in zip(reference, ideal)])
    err = np.array([trace_distance(o, r) for o, r in zip(ours, reference)])
    err_avg = np.array([trace_distance(o, r) for o, r in zip(averaged, reference)])
    assert deviation.min() > 1e-3  # the noise is visible in every state
    assert np.all(err <= 0.01 * deviation), err / deviation
    assert np.max(err_avg / deviation) > 0.05  # the documented error of the period average


def test_fidelity_of_averaged_channel_agrees_to_second_order():
    pulse = LZSMPulse(1.4, 2.0, idle_before=0.7, idle_after=0.4)
    u = pulse.propagator(QUBIT)
    diffs, errors = [], []
    for kappa in (1e-3, 1e-4):
        bath = Bath.ohmic(kappa, 20.0, 0.2)
        f_full = average_gate_fidelity(gate_channel(pulse, bath), u)
        f_avg = average_gate_fidelity(gate_channel(pulse, bath, method="averaged"), u)
        diffs.append(abs(f_full - f_avg))
        errors.append(1 - f_full)
    assert errors[0] == pytest.approx(10 * errors[1], rel=0.02)  # first order in the coupling
    assert diffs[0] < 1e-2 * errors[0]
    assert 50 < diffs[0] / diffs[1] < 200  # second order


def test_period_average_of_generator_is_the_q0_tensor():
    bath = Bath.ohmic(1e-3, 20.0, 0.2)
    gen = floquet_redfield(QUBIT, 1.7, 2.3, (0.3 * PAULI_X + PAULI_Z, bath))
    np.testing.assert_allclose(gen.averaged_generator(), gen.basis.redfield_tensor((0.3 * PAULI_X + PAULI_Z, bath), gen.kmax),
                               atol=1e-15)


def test_magnus_steps_converged_and_trace_preserved():
    bath = Bath.ohmic(1e-3, 20.0, 0.2)
    gen = floquet_redfield(QUBIT, 2.5, 1.5, (PAULI_X, bath))
    t = np.array([0.3, 1.0, gen.period, 2.5 * gen.period])
    p = gen.propagators(t)
    fine = gen.propagators(t, steps=4 * gen.steps_per_period())
    assert np.abs(p - fine).max() < 1e-11
    trace = np.eye(2).reshape(-1, order="F")
    np.testing.assert_allclose(trace @ p, np.broadcast_to(trace, (4, 4)), atol=1e-13)
    np.testing.assert_allclose(gen.period_channel(2), np.linalg.matrix_power(gen.period_channel(1), 2), atol=1e-13)


def test_undriven_redfield_period_equals_idle_even_when_folded():
    """At A = 0 and w = 1 every level folds: the full generator still gives exactly the idle channel."""
    from lzsm_gates.models import coupled_qubits_model
    from lzsm_gates.noise import idle_channel

    model = coupled_qubits_model()
    bath = Bath.ohmic(1e-4, temperature=0.05)
    full = periodic_channel(model, 0.0, 1.0, bath, periods=3)
    averaged = periodic_channel(model, 0.0, 1.0, bath, periods=3, method="averaged")
    idle = idle_channel(model, 6 * np.pi, bath)
    assert np.abs(full - idle).max() < 1e-9 < 1e-7 < np.abs(averaged - idle).max()


def test_lamb_shift_matches_one_sided_memory_integral():
    """With the Lamb shift the channel equals the lab-frame equation with the one-sided memory integral."""
    pulse = LZSMPulse(1.4, 2.0, idle_before=0.7, idle_after=0.4)
    bath = smooth_bath(2e-3)
    reference = output_states(lab_redfield_channel(bath, pulse, lamb_shift=True))
    ours = output_states(gate_channel(pulse, bath, lamb_shift=True))
    plain = output_states(gate_channel(pulse, bath))
    shift = np.array([trace_distance(p, r) for p, r in zip(plain, reference)])
    err = np.array([trace_distance(o, r) for o, r in zip(ours, reference)])
    assert shift.max() > 1e-3  # the Lamb shift is visible
    assert np.all(err <= 0.01 * shift), err / shift


def test_markov_check_and_bad_inputs():
    assert check_markov(0.01, 1.0) == pytest.approx(0.01)
    with pytest.warns(MarkovWarning, match="memory time"):
        check_markov(0.5, 1.0)
    with pytest.raises(LZSMInputError, match="Markov"):
        check_markov(2.0, 1.0)
    with pytest.raises(LZSMInputError, match="method"):
        gate_channel(LZSMPulse(1.0, 2.0), Bath.ohmic(1e-3), method="exact")
    with pytest.raises(LZSMInputError, match="lamb_shift"):
        floquet_redfield(QUBIT, 1.0, 2.0, (PAULI_X, Bath.ohmic(1e-3, 10.0)), lamb_shift=1)


def test_lamb_shift_needs_a_decaying_spectrum():
    from lzsm_gates.units import ConvergenceError

    with pytest.raises(ConvergenceError, match="cutoff"):
        gate_channel(LZSMPulse(1.0, 2.0), Bath.ohmic(1e-3, temperature=0.1), lamb_shift=True)
    with pytest.raises(LZSMInputError, match="same size"):
        Bath.ohmic(1e-3, 10.0).memory_time(np.ones(3), np.ones(2))
