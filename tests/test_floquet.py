"""Tests of the Floquet-Born-Markov module (lzsm_gates.floquet) against QuTiP 5 and limiting cases."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import qutip as qt
from qutip.solver.floquet import (
    _floquet_A_matrix,
    _floquet_delta_tensor,
    _floquet_gamma_matrices,
    _floquet_X_matrices,
)
from scipy.linalg import expm

from lzsm_gates.baths import Bath
from lzsm_gates.floquet import (
    FloquetOptions,
    FloquetWarning,
    default_kmax,
    chrw_qubit_rates,
    floquet_basis,
    floquet_rates,
    floquet_steady_state,
    population_dynamics,
    qubit_rates,
    stationary_populations,
    stationary_state,
)
from lzsm_gates.models import PAULI_I, PAULI_X, PAULI_Z, DrivenModel, qubit_model
from lzsm_gates.units import ConvergenceError, LZSMInputError

KMAX = 32  # QuTiP's default kmax = 5 is not converged at these drives
BATH = Bath.ohmic(1e-3, 20.0, 0.2)
QUBIT = qubit_model()
SIGMA_PLUS = np.array([[0, 1], [0, 0]], dtype=complex)


def o3l_model(eps0: float = 3.7, coupling: float = -2.5, gap1: float = 0.1, gap2: float = 0.15) -> DrivenModel:
    """Two coupled qubits with a cos detuning drive (physics.md Sec. 6), energies in units of omega."""
    z1, z2 = np.kron(PAULI_Z, PAULI_I), np.kron(PAULI_I, PAULI_Z)
    x1, x2 = np.kron(PAULI_X, PAULI_I), np.kron(PAULI_I, PAULI_X)
    flip = np.kron(SIGMA_PLUS, SIGMA_PLUS.T)
    h0 = -0.5 * eps0 * (z1 + z2) - 0.5 * gap1 * x1 - 0.5 * gap2 * x2 - 0.5 * coupling * (flip + flip.conj().T)
    return DrivenModel(h0, -0.5 * (z1 + z2), "cos", labels=("00", "01", "10", "11"))


O3L = o3l_model()
O3L_BATH_OP = np.kron(PAULI_Z, PAULI_I) + 0.5 * np.kron(PAULI_I, PAULI_Z)


def qutip_rate_matrix(model: DrivenModel, amplitude: float, frequency: float, op: np.ndarray, bath: Bath, n_times: int):
    """QuTiP's Floquet-Markov rate matrix A (A[a, b] = rate a -> b) and its quasienergies."""
    period = 2 * np.pi / frequency
    fn = np.sin if model.waveform == "sin" else np.cos
    h = [qt.Qobj(model.static), [qt.Qobj(model.drive_operator), lambda t: amplitude * fn(frequency * t)]]
    basis = qt.FloquetBasis(h, period, options={"atol": 1e-13, "rtol": 1e-12, "nsteps": 10**6})
    x = _floquet_X_matrices(basis, [qt.Qobj(op)], KMAX, n_times)
    delta = _floquet_delta_tensor(basis.e_quasi, KMAX, period)
    gamma = _floquet_gamma_matrices(x, delta, [bath.spectrum])
    return _floquet_A_matrix(delta, gamma, 0.0).to_array().real, basis.e_quasi


@pytest.mark.parametrize(
    "model, amplitude, frequency, op",
    [
        (QUBIT, 0.8, 2.0, PAULI_X),
        (QUBIT, 2.5, 3.3, PAULI_X),
        (QUBIT, 4.0, 1.7, PAULI_X),
        (QUBIT, 1.5, 2.5, 0.3 * PAULI_X + PAULI_Z),
        (O3L, 3.8, 1.0, O3L_BATH_OP),
        (O3L, 1.3, 1.0, O3L_BATH_OP),
    ],
)
def test_rates_match_qutip(model, amplitude, frequency, op):
    basis = floquet_basis(model, amplitude, frequency, kmax=KMAX)
    ours = basis.rates((op, BATH), KMAX)
    assert ours.truncation < 1e-12
    ref, e_ref = qutip_rate_matrix(model, amplitude, frequency, op, BATH, basis.n_times)
    # QuTiP sorts by quasienergy; we follow the undriven levels
    phase = np.exp(1j * np.subtract.outer(ours.quasienergies, e_ref) * 2 * np.pi / frequency)
    perm = [int(i) for i in np.argmin(np.abs(np.angle(phase)), axis=1)]
    assert sorted(perm) == list(range(model.dim))
    ref = ref[np.ix_(perm, perm)]
    off = ~np.eye(model.dim, dtype=bool)
    scale = ref[off].max()
    np.testing.assert_allclose(ours.rates[off], ref.T[off], rtol=1e-6, atol=1e-9 * scale)
    # QuTiP's diagonal (independent |a><a| jumps) from our own sidebands
    x, _ = basis.fourier_components(op, KMAX)
    zero = np.arange(-KMAX, KMAX + 1) * frequency
    diag = np.sum(2 * np.pi * BATH.spectrum(zero)[:, None] * np.abs(np.diagonal(x, axis1=-2, axis2=-1)) ** 2, axis=0)
    np.testing.assert_allclose(diag, np.diag(ref), rtol=1e-6, atol=1e-9 * scale)


def test_qutip_default_kmax_is_not_converged_but_warns():
    with pytest.warns(FloquetWarning, match="kmax = 5"):
        floquet_rates(QUBIT, 4.0, 1.0, (PAULI_X, BATH), kmax=5)


def test_pure_dephasing_static_limit_is_bloch_redfield():
    """sz coupling on the static qubit: Gamma_phi = 4 pi g(0) (Bloch-Redfield), QuTiP's Floquet tensor gives half."""
    basis = floquet_basis(QUBIT, 0.0, 2.5, kmax=8)
    rates = basis.rates((PAULI_Z, BATH), 8)
    g0 = BATH.spectrum(0.0)
    assert rates.dephasing[0, 1] == pytest.approx(4 * np.pi * g0, rel=1e-12)
    # Bloch-Redfield (QuTiP's spectrum convention: rate = S |A|^2, so S = 2 pi g), lab basis
    br = qt.bloch_redfield_tensor(qt.Qobj(QUBIT.static), [(qt.sigmaz(), lambda w: 2 * np.pi * BATH.spectrum(w))],
                                  sec_cutoff=-1, fock_basis=True).full()
    assert -br[1, 1].real == pytest.approx(rates.decoherence()[0, 1], rel=1e-10)
    # QuTiP's Floquet tensor (independent diagonal jumps) has half the dephasing
    h = [qt.Qobj(QUBIT.static), [qt.Qobj(QUBIT.drive_operator), lambda t: 0.0]]
    ft = qt.floquet_tensor(h, [qt.sigmaz()], [BATH.spectrum], T=2 * np.pi / 2.5, kmax=8).full()
    assert -ft[1, 1].real == pytest.approx(0.5 * rates.dephasing[0, 1], rel=1e-6)


@pytest.mark.parametrize("op", [PAULI_X, PAULI_Z, 0.4 * PAULI_X + PAULI_Z])
def test_redfield_tensor_static_limit_is_bloch_redfield(op):
    basis = floquet_basis(QUBIT, 0.0, 2.5, kmax=8)
    ours = basis.redfield_tensor((op, BATH), 8)
    u = basis.modes[0]
    to_lab = np.kron(u.conj(), u)  # vec(U rho U^dag) = (U^* kron U) vec(rho)
    ours_lab = to_lab @ ours @ to_lab.conj().T
    br = qt.bloch_redfield_tensor(qt.Qobj(QUBIT.static), [(qt.Qobj(op), lambda w: 2 * np.pi * BATH.spectrum(w))],
                                  sec_cutoff=-1, fock_basis=True).full()
    np.testing.assert_allclose(ours_lab, br, atol=1e-12)


@pytest.mark.parametrize("model, amplitude, op", [(QUBIT, 1.7, PAULI_X), (O3L, 3.8, O3L_BATH_OP)])
def test_redfield_tensor_secular_part_is_rate_equation(model, amplitude, op):
    d = model.dim
    basis = floquet_basis(model, amplitude, 2.3, kmax=KMAX)
    rates = basis.rates((op, BATH), KMAX)
    tensor = basis.redfield_tensor((op, BATH), KMAX).reshape(d, d, d, d)  # [b, a, b', a']
    pops = np.arange(d)
    np.testing.assert_allclose(tensor[pops, pops][:, pops, pops], rates.generator(), atol=1e-15)
    e = rates.quasienergies
    a, b = np.nonzero(~np.eye(d, dtype=bool))
    coherence = -1j * (e[a] - e[b]) - rates.decoherence()[a, b]
    np.testing.assert_allclose(tensor[b, a, b, a], coherence, atol=1e-15)


def test_undriven_golden_rule_and_sweet_spot():
    for temperature in (0.0, 0.4):
        bath = Bath.ohmic(2e-3, 15.0, temperature)
        r = qubit_rates(0.0, np.array([0.7, 2.0, 3.1]), bath)
        np.testing.assert_allclose(r.gamma_down, 2 * np.pi * bath.spectrum(1.0), rtol=1e-12)
        # atol: FFT roundoff in the empty sidebands at T = 0
        np.testing.assert_allclose(r.gamma_up, 2 * np.pi * bath.spectrum(-1.0), rtol=1e-12, atol=1e-25)
        np.testing.assert_array_equal(r.gamma_phi, 0.0)
        c = chrw_qubit_rates(0.0, np.array([0.7, 2.0, 3.1]), bath)
        np.testing.assert_allclose(c.gamma1, r.gamma1, rtol=1e-12)


def test_chrw_rates_close_to_exact_in_gate_range():
    a, w = np.meshgrid(np.linspace(0.1, 1.0, 5), np.array([2.0, 3.0, 4.0]), indexing="ij")
    exact = qubit_rates(a, w, BATH)
    approx = chrw_qubit_rates(a, w, BATH)
    np.testing.assert_allclose(approx.gamma1, exact.gamma1, rtol=2e-2)
    np.testing.assert_allclose(approx.gamma_phi, exact.gamma_phi, rtol=5e-2)
    np.testing.assert_allclose(approx.gamma_down, exact.gamma_down, rtol=2e-2)


@pytest.mark.parametrize("temperature", [0.1, 0.5])
@pytest.mark.parametrize("frequency", [2.0, 3.0, 4.0])
def test_paper_trends(temperature, frequency):
    """Gates paper Sec. V: Gamma_1 falls with A and Gamma_phi grows from 0, for A in [0, 1.5], omega in [2, 4]."""
    a = np.linspace(0.0, 1.5, 16)
    r = qubit_rates(a, frequency, Bath.ohmic(1e-3, 20.0, temperature))
    assert r.gamma_phi[0] == 0.0
    assert np.all(np.diff(r.gamma1) < 0)
    assert np.all(np.diff(r.gamma_phi) > 0)
    assert np.all(np.diff(r.gamma2) != 0)
    assert np.all(r.secular_parameter < 0.1)


def gibbs(h: np.ndarray, temperature: float) -> np.ndarray:
    rho = expm(-h / temperature)
    return rho / np.trace(rho)


@pytest.mark.parametrize("model, op, temperature", [(QUBIT, PAULI_X, 0.3), (O3L, O3L_BATH_OP, 1.5)])
def test_undriven_steady_state_is_gibbs(model, op, temperature):
    bath = Bath.ohmic(1e-3, 20.0, temperature)
    ss = floquet_steady_state(model, 0.0, 2.3, (op, bath))
    np.testing.assert_allclose(ss.rho_average, gibbs(model.static, temperature), atol=1e-12)
    # non-secular Q = 0 tensor: Gibbs up to O(coupling) corrections
    ns = floquet_steady_state(model, 0.0, 2.3, (op, bath), secular=False)
    np.testing.assert_allclose(ns.rho_average, gibbs(model.static, temperature), atol=1e-2)


@pytest.mark.parametrize("secular", [True, False])
@pytest.mark.parametrize(
    "model, op, amplitude, frequency",
    [
        (QUBIT, PAULI_X, np.array([0.5, 1.5, 3.0]), np.array([2.0, 3.1, 1.3])),
        (O3L, O3L_BATH_OP, np.array([1.0, 3.8]), 1.0),
    ],
)
def test_steady_states_are_density_matrices(model, op, amplitude, frequency, secular):
    bath = Bath.ohmic(1e-3, 10.0, 0.00467 if model is O3L else 0.1)
    ss = floquet_steady_state(model, amplitude, frequency, [(op, bath)], secular=secular)
    for rho in (ss.rho_floquet, ss.rho_average):
        np.testing.assert_allclose(np.trace(rho, axis1=-2, axis2=-1), 1.0, atol=1e-12)
        np.testing.assert_allclose(rho, np.conj(np.swapaxes(rho, -1, -2)), atol=1e-14)
        assert np.linalg.eigvalsh(rho).min() > -1e-9
    if not secular:
        ref = floquet_steady_state(model, amplitude, frequency, [(op, bath)]).populations
        np.testing.assert_allclose(ss.populations, ref, atol=1e-2)


def test_population_dynamics_relaxes_to_stationary_state():
    basis = floquet_basis(QUBIT, 1.2, 2.5)
    rates = basis.rates((PAULI_X, BATH), 24)
    p0 = np.real(np.diag(basis.to_floquet(np.array([0.0, 1.0]))))
    t = np.array([0.0, 100.0, 1e3, 1e6])
    p = population_dynamics(rates, p0, t)
    np.testing.assert_allclose(p[0], p0, atol=1e-14)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, atol=1e-12)
    p_inf = stationary_populations(rates)
    g1 = rates.rates[0, 1] + rates.rates[1, 0]
    np.testing.assert_allclose(p[:, 1], p_inf[1] + (p0[1] - p_inf[1]) * np.exp(-g1 * t), atol=1e-12)


def test_ordering_follows_undriven_levels_and_batch_consistency():
    a = np.array([0.0, 1e-3, 0.5, 2.0])
    basis = floquet_basis(QUBIT, a, 2.5)
    np.testing.assert_allclose(basis.quasienergies[0], [-0.5, 0.5], atol=1e-12)
    np.testing.assert_allclose(basis.quasienergies[1], [-0.5, 0.5], atol=1e-5)
    single = floquet_rates(QUBIT, a[2], 2.5, (PAULI_X, BATH)).rates
    np.testing.assert_allclose(floquet_rates(QUBIT, a, 2.5, (PAULI_X, BATH), chunk_size=3).rates[2], single, rtol=1e-12)


def test_secular_breakdown_is_flagged_near_quasienergy_crossing():
    # at A = 0 and omega = Delta the two quasienergies coincide (mod omega)
    r = floquet_rates(QUBIT, 0.0, np.array([1.0, 1.0 + 1e-6, 2.5]), (PAULI_X, BATH))
    np.testing.assert_array_equal(r.near_crossing(), [True, True, False])


def test_bad_inputs_raise():
    coupling = (PAULI_X, BATH)
    with pytest.raises(LZSMInputError, match="Hermitian"):
        floquet_rates(QUBIT, 1.0, 2.0, (SIGMA_PLUS, BATH))
    with pytest.raises(LZSMInputError, match="shape"):
        floquet_rates(QUBIT, 1.0, 2.0, (O3L_BATH_OP, BATH))
    with pytest.raises(LZSMInputError, match="Bath"):
        floquet_rates(QUBIT, 1.0, 2.0, [(PAULI_X, lambda w: w)])
    with pytest.raises(LZSMInputError, match="frequency"):
        floquet_rates(QUBIT, 1.0, -2.0, coupling)
    with pytest.raises(LZSMInputError, match="amplitude"):
        floquet_rates(QUBIT, np.nan, 2.0, coupling)
    with pytest.raises(LZSMInputError, match="n_times"):  # time grid too coarse for the sidebands
        floquet_rates(QUBIT, 1.0, 2.0, coupling, kmax=40, n_times=64)
    with pytest.raises(LZSMInputError, match="kmax"):
        floquet_rates(QUBIT, 1.0, 2.0, coupling, kmax=-1)
    with pytest.raises(LZSMInputError, match="temperature"):
        floquet_rates(QUBIT, 1.0, 2.0, (PAULI_X, Bath.ohmic(1e-3, 10.0, -1.0)))
    with pytest.raises(LZSMInputError, match="NaN"):
        floquet_rates(QUBIT, 1.0, 2.0, (PAULI_X, Bath(lambda w: np.where(w > 1, np.nan, w), 0.1)))
    with pytest.raises(LZSMInputError, match="populations"):
        population_dynamics(floquet_rates(QUBIT, 1.0, 2.0, coupling), [0.5, 0.6], [1.0])
    # pure dephasing without transitions: every diagonal state is stationary
    with pytest.raises(ConvergenceError, match="not unique"):
        floquet_steady_state(QUBIT, 0.0, 2.0, (PAULI_Z, BATH))
    with pytest.raises(ConvergenceError, match="not unique"):
        stationary_state(np.zeros((4, 4)))


# --- options, provenance, static offset ----------------------------------------------------------------------


def test_options_are_frozen_validated_and_refuse_unknown_fields():
    opts = FloquetOptions(kmax=12, n_times=64)
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.kmax = 3
    with pytest.raises(LZSMInputError, match="unknown Floquet option.*'nt'.*allowed"):
        floquet_rates(QUBIT, 1.0, 2.0, (PAULI_X, BATH), nt=64)
    with pytest.raises(LZSMInputError, match="unknown Floquet option"):
        FloquetOptions.build(opts, kmx=3)
    with pytest.raises(TypeError):
        FloquetOptions(kmx=3)
    with pytest.raises(LZSMInputError, match="options must be a FloquetOptions"):
        floquet_basis(QUBIT, 1.0, 2.0, options={"kmax": 3})
    for bad, match in [({"kmax": 1.5}, "kmax"), ({"n_times": 1}, "n_times"), ({"chunk_size": 0}, "chunk_size"),
                       ({"sideband_tol": -1.0}, "sideband_tol")]:
        with pytest.raises(LZSMInputError, match=match):
            FloquetOptions(**bad)
    # explicit options and keyword settings give the same result; the keyword wins over the options field
    a = np.array([0.5, 2.0])
    r1 = floquet_rates(QUBIT, a, 2.5, (PAULI_X, BATH), options=FloquetOptions(kmax=20, chunk_size=1))
    r2 = floquet_rates(QUBIT, a, 2.5, (PAULI_X, BATH), options=FloquetOptions(kmax=5), kmax=20)
    np.testing.assert_allclose(r1.rates, r2.rates, rtol=1e-12, atol=1e-18)


def test_results_record_the_settings_used():
    r = floquet_rates(QUBIT, np.array([0.5, 1.0, 2.0]), 2.5, (PAULI_X, BATH), chunk_size=2, sideband_tol=1e-6)
    k = default_kmax(QUBIT, 2.0, 2.5)
    n = max(64, 2 ** int(np.ceil(np.log2(4 * (k + 1)))))  # the documented default time grid
    assert r.options == FloquetOptions(kmax=k, n_times=n, sideband_tol=1e-6, chunk_size=2)
    basis = floquet_basis(QUBIT, 1.0, 2.5, kmax=40)
    assert (basis.options.kmax, basis.options.n_times) == (40, 256) == (40, basis.n_times)
    q = qubit_rates(1.0, 2.5, BATH, kmax=24)
    assert q.options.kmax == 24 and q.options.n_times == 128
    ss = floquet_steady_state(QUBIT, 1.0, 2.5, (PAULI_X, BATH), n_times=128)
    assert ss.options.n_times == 128 and ss.options.kmax == default_kmax(QUBIT, 1.0, 2.5)
    assert chrw_qubit_rates(1.0, 2.5, BATH).options is None


def test_static_offset_batch_equals_shifted_models():
    """A batch over the drive offset c equals separate models with static part H0 + c V (O3L detuning)."""
    base = o3l_model(eps0=0.0)
    eps0 = np.array([1.0, 3.7, 5.0])
    batched = floquet_rates(base, 3.8, 1.0, (O3L_BATH_OP, BATH), offset=eps0, kmax=KMAX)
    for i, e in enumerate(eps0):
        single = floquet_rates(o3l_model(eps0=e), 3.8, 1.0, (O3L_BATH_OP, BATH), kmax=KMAX)
        np.testing.assert_allclose(batched.quasienergies[i], single.quasienergies, atol=1e-10)
        np.testing.assert_allclose(batched.rates[i], single.rates, rtol=1e-7, atol=1e-12)


def test_numpy_route_equals_compiled(monkeypatch):
    """The numpy fallback (no numba) gives the same basis and rates as the compiled kernels."""
    a = np.array([0.0, 1.5, 3.0])
    compiled = floquet_basis(O3L, a, 1.0, kmax=KMAX)
    rates = compiled.rates((O3L_BATH_OP, BATH), KMAX)
    rho = np.diag([0.1, 0.2, 0.3, 0.4]) + 0.05j * (np.eye(4, k=1) - np.eye(4, k=-1))
    average = compiled.period_average(rho)
    monkeypatch.setenv("LZSM_GATES_DISABLE_NUMBA", "1")
    fallback = floquet_basis(O3L, a, 1.0, kmax=KMAX)
    np.testing.assert_allclose(fallback.quasienergies, compiled.quasienergies, atol=1e-10)
    np.testing.assert_allclose(fallback.modes, compiled.modes, atol=1e-9)
    np.testing.assert_allclose(fallback.rates((O3L_BATH_OP, BATH), KMAX).rates, rates.rates, rtol=1e-8, atol=1e-15)
    np.testing.assert_allclose(fallback.period_average(rho), average, atol=1e-10)


def test_half_period_symmetry_of_real_cosine_models():
    """The O3L model (real, cos drive) integrates half a period; a complex but unitarily equivalent copy
    integrates the whole period: same quasienergies and rates (with the coupling transformed alike)."""
    phases = np.diag(np.exp(1j * np.array([0.0, 0.4, 1.1, -0.7])))
    rotated = DrivenModel(phases @ O3L.static @ phases.conj().T, phases @ O3L.drive_operator @ phases.conj().T, "cos")
    assert O3L.is_real and not rotated.is_real
    a = np.array([0.7, 3.8])
    real = floquet_basis(O3L, a, 1.0, kmax=KMAX)
    full = floquet_basis(rotated, a, 1.0, kmax=KMAX)
    np.testing.assert_allclose(real.quasienergies, full.quasienergies, atol=1e-10)
    np.testing.assert_allclose(np.abs(phases @ real.modes), np.abs(full.modes), atol=1e-9)  # modes up to a phase
    op = phases @ O3L_BATH_OP @ phases.conj().T
    np.testing.assert_allclose(
        real.rates((O3L_BATH_OP, BATH), KMAX).rates, full.rates((op, BATH), KMAX).rates, rtol=1e-7, atol=1e-14
    )


def test_large_grids_run_in_concurrent_chunks_with_the_same_result():
    a, w = np.meshgrid(np.linspace(0.0, 3.0, 48), np.linspace(1.0, 5.0, 48), indexing="ij")  # >= 2048 points
    threaded = qubit_rates(a, w, BATH)  # automatic chunks: one per core, in threads
    serial = qubit_rates(a, w, BATH, chunk_size=a.size)  # one chunk
    assert threaded.options.kmax == serial.options.kmax
    np.testing.assert_allclose(threaded.gamma1, serial.gamma1, rtol=1e-10, atol=1e-18)
    np.testing.assert_allclose(threaded.gamma_phi, serial.gamma_phi, rtol=1e-10, atol=1e-18)
