import numpy as np
import pytest
from scipy.linalg import expm

from lzsm_gates import Bath, LZSMInputError, design_gate, floquet_basis, floquet_rates, qubit_model
from lzsm_gates.metrics import average_gate_fidelity, gate_fidelity, unitary_superoperator
from lzsm_gates.models import PAULI_X
from lzsm_gates.noise import gate_channel, noisy_gate_error, open_system_error
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
    channel, _ = gate_channel(d.pulse, Bath.ohmic(1e-14, temperature=0.05))
    assert np.abs(channel - unitary_superoperator(d.pulse.propagator(qubit_model()))).max() < 1e-9


def test_idle_channel_is_amplitude_damping_with_golden_rule_rates():
    """Pure idle (A = 0 period would be trivial): populations relax with the golden-rule rates, coherences with half."""
    t = 50.0
    pulse = LZSMPulse(0.0, 1.0, idle_before=t)
    channel, _ = gate_channel(pulse, BATH)
    g_down, g_up = 2 * np.pi * BATH.spectrum(1.0), 2 * np.pi * BATH.spectrum(-1.0)
    rho = np.array([[0, 0], [0, 1]], complex)  # excited state
    out = (channel @ rho.reshape(-1, order="F")).reshape(2, 2, order="F")
    g1 = g_down + g_up
    p_inf = g_up / g1
    expected_excited = p_inf + (1 - p_inf) * np.exp(-g1 * (t + 2 * np.pi))
    assert out[1, 1].real == pytest.approx(expected_excited, rel=1e-6)


def test_drive_period_matches_direct_secular_liouvillian():
    """Independent route: the secular Floquet Liouvillian exponentiated with scipy, not qiskit-dynamics."""
    a, w = 1.4, 2.0
    pulse = LZSMPulse(a, w)
    channel, _ = gate_channel(pulse, BATH)
    model = qubit_model()
    r = floquet_rates(model, a, w, (PAULI_X, BATH))
    modes = floquet_basis(model, a, w).modes[0]
    eps = r.quasienergies
    gen = r.generator()
    deco = r.decoherence()
    liou = np.zeros((4, 4), complex)
    idx = lambda i, j: i + 2 * j  # noqa: E731 - column stacking
    for i in range(2):
        for j in range(2):
            liou[idx(i, i), idx(j, j)] += gen[i, j]
    for i, j in [(0, 1), (1, 0)]:
        liou[idx(i, j), idx(i, j)] = -1j * (eps[i] - eps[j]) - deco[i, j]
    s_f = expm(liou * pulse.period)
    s_lab = np.kron(modes.conj(), modes) @ s_f @ np.kron(modes.T, modes.conj().T)
    assert np.abs(s_lab - channel).max() < 1e-8


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
