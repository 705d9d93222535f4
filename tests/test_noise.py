import numpy as np
import pytest

from lzsm_gates import Bath, LZSMInputError, design_bswap, design_gate, floquet_basis, floquet_rates, qubit_model
from lzsm_gates.entanglers import bswap_target
from lzsm_gates.lindblad import lindblad_solver
from lzsm_gates.metrics import average_gate_fidelity, gate_fidelity, unitary_superoperator
from lzsm_gates.models import PAULI_I, PAULI_X, PAULI_Z, DrivenModel, coupled_qubits_model
from lzsm_gates.noise import gate_channel, idle_channel, noisy_gate_error, open_system_error, periodic_channel
from lzsm_gates.pulses import LZSMPulse

BATH = Bath.ohmic(1e-4, temperature=0.05)


def test_average_gate_fidelity_of_unitary_channel_equals_pedersen():
    rng = np.random.default_rng(5)
    for _ in range(3):
        x = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
        u, _ = np.linalg.qr(x)
        v, _ = np.linalg.qr(x + 0.3 * rng.normal(size=(2, 2)))
        assert average_gate_fidelity(unitary_superoperator(u), v) == pytest.approx(float(gate_fidelity(v, u)), abs=1e-14)


def test_noiseless_limit_recovers_unitary():
    d = design_gate("h").best
    channel = gate_channel(d.pulse, Bath.ohmic(1e-14, temperature=0.05))
    assert np.abs(channel - unitary_superoperator(d.pulse.propagator(qubit_model()))).max() < 1e-9


def test_idle_channel_is_amplitude_damping_with_golden_rule_rates():
    """Pure idle (A = 0 period, degenerate folded quasienergies at w = 1): populations relax with the golden-rule rates."""
    t = 50.0
    pulse = LZSMPulse(0.0, 1.0, idle_before=t)
    channel = gate_channel(pulse, BATH)
    g_down, g_up = 2 * np.pi * BATH.spectrum(1.0), 2 * np.pi * BATH.spectrum(-1.0)
    rho = np.array([[0, 0], [0, 1]], complex)  # excited state
    out = (channel @ rho.reshape(-1, order="F")).reshape(2, 2, order="F")
    g1 = g_down + g_up
    p_inf = g_up / g1
    expected_excited = p_inf + (1 - p_inf) * np.exp(-g1 * (t + 2 * np.pi))
    assert out[1, 1].real == pytest.approx(expected_excited, rel=1e-6)


def test_undriven_periods_equal_idle():
    """A = 0 through the Floquet route = the idle (Bloch-Redfield) route.  Without folding (w = 2.7) exactly; at w = 1
    all four quasienergies fold onto 0, the Q = 0 average drops non-secular terms oscillating at multiples of w, whose
    effect over whole periods is second order in the coupling."""
    model = coupled_qubits_model()
    baths = [BATH, Bath.ohmic(3e-4, temperature=0.1)]
    w = 2.7
    assert np.abs(periodic_channel(model, 0.0, w, baths, periods=3) - idle_channel(model, 6 * np.pi / w, baths)).max() < 1e-10
    devs = []
    for kappa in (1e-4, 1e-5):
        b = Bath.ohmic(kappa, temperature=0.05)
        averaged = periodic_channel(model, 0.0, 1.0, b, periods=3, method="averaged")
        devs.append(np.abs(averaged - idle_channel(model, 6 * np.pi, b)).max())
    assert 80 < devs[0] / devs[1] < 120
    assert devs[0] < (2 * np.pi * 1e-4 * 6 * np.pi) ** 2


def _secular_lindblad_channel(a, w):
    """Independent route: the fully secular Floquet master equation in Lindblad form, integrated by qiskit-dynamics."""
    model = qubit_model()
    r = floquet_rates(model, a, w, (PAULI_X, BATH))
    modes = floquet_basis(model, a, w).modes[0]
    jumps = [np.sqrt(r.rates[i, j]) * np.eye(2)[:, [i]] @ np.eye(2)[[j], :] for i, j in [(0, 1), (1, 0)]]
    jumps.append(np.sqrt(r.dephasing[0, 1] / 2) * PAULI_Z)
    solver = lindblad_solver(np.diag(r.quasienergies).astype(complex), jumps, vectorized=True)
    sol = solver.solve(t_span=[0.0, 2 * np.pi / w], y0=np.eye(4, dtype=complex), method="DOP853", rtol=1e-11, atol=1e-12)
    return np.kron(modes.conj(), modes) @ np.asarray(sol.y[-1]) @ np.kron(modes.T, modes.conj().T)


@pytest.mark.parametrize("a, w", [(1.4, 2.0), (0.6, 1.26), (2.5, 3.0)])
def test_drive_period_agrees_with_secular_lindblad(a, w):
    """The Q = 0 channel and the secular Lindblad channel share their secular part: equal gate fidelity,
    channel elements equal up to the non-secular terms (first order in the coupling, small vs the quasienergy gap)."""
    ours = periodic_channel(qubit_model(), a, w, BATH)
    secular = _secular_lindblad_channel(a, w)
    u = LZSMPulse(a, w).propagator(qubit_model())
    f_ours, f_sec = average_gate_fidelity(ours, u), average_gate_fidelity(secular, u)
    assert 1 - f_ours > 1e-5  # the noise is visible
    assert abs(f_ours - f_sec) < 1e-3 * (1 - f_sec)
    r = floquet_rates(qubit_model(), a, w, (PAULI_X, BATH))
    assert np.abs(ours - secular).max() < 5 * np.max(r.rates) * 2 * np.pi / w


def test_two_qubit_channel_of_uncoupled_qubits_is_the_product():
    """Two qubits driven side by side (degenerate 4-level quasienergies): the 4-level channel = product of qubit channels."""
    b1, b2 = BATH, Bath.ohmic(3e-4, temperature=0.1)
    model = DrivenModel(
        -0.5 * (np.kron(PAULI_Z, PAULI_I) + np.kron(PAULI_I, PAULI_Z)),
        np.kron(PAULI_X, PAULI_I) + np.kron(PAULI_I, PAULI_X),
        "sin",
    )
    pulse = LZSMPulse(1.4, 2.0, idle_before=0.7, idle_after=2.1)
    four = gate_channel(pulse, [b1, b2], model=model).reshape(4, 4, 4, 4, order="F")
    q1, q2 = (gate_channel(pulse, b).reshape(2, 2, 2, 2, order="F") for b in (b1, b2))
    product = np.einsum("IJij,KLkl->IKJLikjl", q1, q2).reshape(4, 4, 4, 4)
    assert np.abs(q1).max() > 0 and np.abs(four - product).max() < 1e-12


def test_sqrt_bswap_channel():
    """Entangler under noise: trace preserving, noiseless limit = exact pulse, incoherent error linear in the coupling."""
    d = design_bswap()
    weak = noisy_gate_error(d.pulse, bswap_target(), Bath.ohmic(1e-5, temperature=0.05), model=d.model)
    strong = noisy_gate_error(d.pulse, bswap_target(), BATH, model=d.model)
    assert weak.coherent_error < 1e-12
    assert strong.incoherent_error == pytest.approx(10 * weak.incoherent_error, rel=0.01)
    channel = gate_channel(d.pulse, BATH, model=d.model)
    trace = np.eye(4).reshape(-1, order="F")
    np.testing.assert_allclose(trace @ channel, trace, atol=1e-12)
    silent = gate_channel(d.pulse, Bath.ohmic(1e-14, temperature=0.05), model=d.model)
    assert np.abs(silent - unitary_superoperator(d.unitary())).max() < 1e-9
    with pytest.raises(LZSMInputError, match="gamma1"):
        strong.gamma1
    with pytest.raises(LZSMInputError, match="baths"):
        gate_channel(d.pulse, [BATH] * 3, model=d.model)


def test_error_budget_and_first_order_scaling():
    d = design_gate("x").best
    weak = noisy_gate_error(d.pulse, d.target.matrix, Bath.ohmic(1e-5, temperature=0.05))
    strong = noisy_gate_error(d.pulse, d.target.matrix, Bath.ohmic(1e-4, temperature=0.05))
    assert weak.coherent_error < 1e-12
    assert strong.incoherent_error == pytest.approx(10 * weak.incoherent_error, rel=0.01)
    # error of order duration x rates
    estimate = d.duration * (strong.gamma1 + strong.gamma_phi) / 3
    assert 0.3 * estimate < strong.incoherent_error < 3 * estimate


def test_open_system_ranking_orders_by_total_error():
    result = design_gate("sx", rank="open_system", open_system=open_system_error(BATH), n_refine=1)
    totals = [c.open_system_error + c.exact_error for c in result.candidates[1:]]
    assert totals == sorted(totals)
    assert result.best.open_system_error <= min(totals) + 1e-12
    with pytest.raises(LZSMInputError, match="open_system"):
        design_gate("sx", rank="open_system")


def test_rate_map_trends_and_figures():
    """Within the gate amplitude range Gamma_1 falls with A while Gamma_phi grows from zero (gates paper Sec. V)."""
    from lzsm_gates import operating_curve, plotting, rate_map

    ds = rate_map(np.linspace(0.0, 1.5, 7), [2.0, 3.0, 4.0], BATH, progress=False)
    g1, gphi = ds["gamma1"].values, ds["gamma_phi"].values
    assert np.all(np.diff(g1, axis=0) < 0)
    assert np.all(gphi[0] < 1e-15) and np.all(np.diff(gphi, axis=0) > 0)
    assert np.allclose(ds["gamma1_chrw"].sel(omega=3.0), ds["gamma1"].sel(omega=3.0), rtol=0.05)
    figs = [plotting.plot_rates_cut(ds, 3.0), plotting.plot_rate_maps(ds, {"h": operating_curve("h")})]
    result = design_gate("h", rank="open_system", open_system=open_system_error(BATH), n_refine=0)
    figs.append(plotting.plot_error_along_curves({"h": result}))
    assert all(f.axes for f in figs)
