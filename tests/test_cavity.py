"""Cavity-mediated entanglement (lzsm_gates.cavity): thresholds, dynamics, steady state."""

from __future__ import annotations

import numpy as np
import pytest
import qutip

from lzsm_gates.cavity import (
    CavityParams,
    cavity_dispersive_hamiltonian,
    cavity_driven_hamiltonian,
    cavity_dynamics,
    cavity_initial_state,
    cavity_steady_state,
    coupling_at_peak,
    drive_at_peak,
    entanglement_valley,
    max_excitation_transfer,
    mes_threshold,
    mes_threshold_analytic,
    peak_concurrence,
    steady_state_scan,
)
from lzsm_gates.units import ConvergenceError, LZSMInputError

PAPER = CavityParams()


# --- closed system: MES threshold -------------------------------------------------


def test_analytic_threshold_values():
    # c = 1: sqrt(2) - 1; c = 3: root of 3 r^2 + 2 r - 3 (the paper's "~0.75" for Nph = 1)
    np.testing.assert_allclose(
        mes_threshold_analytic([0, 1, 2]), [np.sqrt(2) - 1, (np.sqrt(10) - 1) / 3, (np.sqrt(26) - 1) / 5], rtol=1e-15
    )
    assert np.all(np.diff(mes_threshold_analytic(np.arange(50))) > 0)
    assert mes_threshold_analytic(1e6) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("n_photons", [0, 1, 2])
def test_numerical_threshold_matches_analytic(n_photons):
    analytic = mes_threshold_analytic(n_photons)
    # dispersive model (Eq. 3): the formula is exact
    assert mes_threshold(n_photons, model="dispersive") == pytest.approx(analytic, rel=1e-10)
    # full Jaynes-Cummings model (Eq. 1) at the paper's detuning delta = -40 g1: O((g/delta)^2) corrections
    assert mes_threshold(n_photons, model="full") == pytest.approx(analytic, rel=1e-3)


def test_threshold_criterion_is_the_half_transfer_point():
    th = mes_threshold_analytic(1)
    for model in ("dispersive", "full"):
        below = max_excitation_transfer(PAPER.replace(g2=0.98 * th), 1, model=model)
        above = max_excitation_transfer(PAPER.replace(g2=1.02 * th), 1, model=model)
        assert below < 0.5 < above
    # dispersive model: Rabi amplitude 4J^2 / (Delta^2 + 4J^2), Delta = c (1 - r^2) / delta, J = r / delta
    r, c = 0.6, 3
    expected = 4 * r**2 / (c**2 * (1 - r**2) ** 2 + 4 * r**2)
    assert max_excitation_transfer(PAPER.replace(g2=r), 1, model="dispersive") == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("n_photons", [0, 1, 2])
def test_peak_concurrence_is_one_exactly_above_threshold(n_photons):
    th = mes_threshold_analytic(n_photons)
    for r in (1.05 * th, 1.0):
        assert peak_concurrence(PAPER.replace(g2=r), n_photons, model="dispersive") == pytest.approx(1.0, abs=1e-6)
    p = PAPER.replace(g2=0.9 * th)
    p_max = max_excitation_transfer(p, n_photons, model="dispersive")
    c_peak = peak_concurrence(p, n_photons, model="dispersive")
    assert c_peak == pytest.approx(2 * np.sqrt(p_max * (1 - p_max)), abs=1e-6)
    assert c_peak < 0.99


def test_paper_fig1d_only_vacuum_reaches_mes_at_g2_06():
    peaks = [peak_concurrence(PAPER.replace(g2=0.6), n) for n in (0, 1, 2)]
    assert peaks[0] > 0.999
    assert peaks[0] > peaks[1] > peaks[2]
    assert peaks[1] < 0.95


def test_full_dynamics_matches_qutip_and_dispersive_limit():
    """Eq. 1 built independently in QuTiP (cavity first, QuTiP's qubit basis), evolved with sesolve."""
    p, n_ph, n = PAPER.replace(g2=0.7), 1, 3
    a = qutip.tensor(qutip.destroy(n), qutip.qeye(2), qutip.qeye(2))
    sm = [qutip.tensor(qutip.qeye(n), qutip.sigmam(), qutip.qeye(2)),
          qutip.tensor(qutip.qeye(n), qutip.qeye(2), qutip.sigmam())]
    h = p.omega * a.dag() * a + sum(p.epsilon * s.dag() * s + g * (a.dag() * s + a * s.dag())
                                    for s, g in zip(sm, (1.0, p.g2)))
    # QuTiP: basis(2, 0) is the excited state of sigmam()
    psi0 = qutip.tensor(qutip.basis(n, n_ph), qutip.basis(2, 1), qutip.basis(2, 0))
    times = np.linspace(0.0, 60.0, 13)
    states = qutip.sesolve(h, psi0, times, options={"atol": 1e-12, "rtol": 1e-10, "nsteps": 10**6}).states
    ref = [qutip.concurrence(s.ptrace([1, 2])) for s in states]
    ours = cavity_dynamics(p, n_ph, times)
    np.testing.assert_allclose(ours.concurrence, ref, atol=1e-7)
    assert max(ref) > 0.5
    # far-detuned full model approaches the dispersive model
    far = p.replace(omega=1010.0)
    t_far = np.linspace(0.0, 2000.0, 9)
    np.testing.assert_allclose(
        cavity_dynamics(far, n_ph, t_far).transfer, cavity_dynamics(far, n_ph, t_far, model="dispersive").transfer,
        atol=2e-3,
    )


def test_initial_state_and_dispersive_hamiltonian_conventions():
    psi = cavity_initial_state(2)  # |q1 q2>|n> = |0 1>|2>, cutoff 4
    assert psi.shape == (16,) and psi[1 * 4 + 2] == 1.0
    h = cavity_dispersive_hamiltonian(PAPER.replace(g2=0.5), 1)
    delta = PAPER.detuning
    assert h[1, 2] == pytest.approx(0.5 / delta)  # exchange g1 g2 / delta, independent of Nph
    assert h[2, 2] - h[1, 1] == pytest.approx(3 * (1 - 0.25) / delta)  # c (g1^2 - g2^2) / delta


# --- driven-dissipative steady state --------------------------------------------


def qutip_steady_state(p: CavityParams, n: int = 6) -> tuple[float, float]:
    """E_ss and C_ss of Eqs. 6-9 with the model built independently in QuTiP."""
    a = qutip.tensor(qutip.destroy(n), qutip.qeye(2), qutip.qeye(2))
    sm = [qutip.tensor(qutip.qeye(n), qutip.sigmam(), qutip.qeye(2)),
          qutip.tensor(qutip.qeye(n), qutip.qeye(2), qutip.sigmam())]
    sz = [s.dag() * s - 0.5 for s in sm]
    h = ((p.omega - p.omega_d) * a.dag() * a
         + sum((p.epsilon - p.omega_d) * z for z in sz)
         + sum(g * (a.dag() * s + a * s.dag()) for s, g in zip(sm, (1.0, p.g2)))
         + p.drive * (sm[1] + sm[1].dag()))
    c_ops = [np.sqrt(p.kappa) * a] + [np.sqrt(p.gamma) * s for s in sm]
    rho = qutip.steadystate(h, c_ops)
    n_op = a.dag() * a
    c_ss = np.mean([qutip.expect(z * n_op, rho) / (qutip.expect(z, rho) * qutip.expect(n_op, rho)) for z in sz])
    return qutip.concurrence(rho.ptrace([1, 2])), c_ss


@pytest.mark.parametrize(("g2", "drive"), [(1.0, 0.01), (0.5, 0.012), (0.3, 0.006), (0.7, 0.02), (0.45, 0.01012)])
def test_steady_state_matches_qutip(g2, drive):
    p = PAPER.replace(g2=g2, drive=drive)
    ss = cavity_steady_state(p)
    e_ref, c_ref = qutip_steady_state(p)
    assert ss.concurrence == pytest.approx(e_ref, abs=1e-4)
    assert ss.cross_correlation == pytest.approx(c_ref, rel=1e-4)
    assert np.trace(ss.rho_qubits).real == pytest.approx(1.0)


def test_fock_cutoff_convergence_check():
    p = PAPER.replace(g2=0.7, drive=0.012)
    ss = cavity_steady_state(p, tol=1e-9)
    assert ss.cutoff_change < 1e-9
    big = cavity_steady_state(p, n_fock_start=ss.n_fock + 3, tol=1e-6)
    assert ss.concurrence == pytest.approx(big.concurrence, abs=1e-9)
    with pytest.raises(ConvergenceError, match="Fock cutoff"):
        cavity_steady_state(p, tol=1e-15, n_fock_start=2, n_fock_max=3)
    # a strongly populated cavity needs a larger cutoff than a weakly populated one
    hot = cavity_steady_state(p.replace(omega=10.5, kappa=0.2, drive=0.3), tol=1e-6)
    assert hot.n_fock > ss.n_fock


def test_undriven_steady_state_is_the_ground_state():
    ss = cavity_steady_state(PAPER.replace(drive=0.0))
    assert ss.concurrence == 0.0
    assert ss.rho_qubits[0, 0].real == pytest.approx(1.0, abs=1e-12)


def test_steady_state_entanglement_is_non_monotonic_in_drive():
    drives = np.array([0.001, 0.003, 0.0062, 0.012, 0.03])
    e = steady_state_scan(0.5, drives)["concurrence"]
    k = int(np.argmax(e))
    assert 0 < k < len(drives) - 1
    assert e[k] > 0.25 and e[0] < 0.05 and e[-1] == 0.0


# Peak drive d_peak(g2) = argmax_d E_ss (Fig. 3a).  Measured: 0.00984 (g2 = 1), 0.00725 (0.7), 0.00613 (0.5),
# 0.00586 (0.4), minimum 0.00583 at g2 ~ 0.35, then 0.00587 (0.3), 0.00619 (0.2), 0.00650 (0.1), 0.00657 (0.05).
TREND_HOLDS = [1.0, 0.8, 0.6, 0.5, 0.4]
TREND_REVERSED = [0.3, 0.2, 0.1]


def test_peak_drive_falls_with_g2_down_to_about_0_35_then_rises():
    def d_peak(g2: float) -> float:
        return drive_at_peak(g2, drive_range=(0.003, 0.02), n_grid=15)[0]

    holds = [d_peak(g) for g in TREND_HOLDS]
    assert np.all(np.diff(holds) < 0), holds
    assert holds[0] == pytest.approx(0.00984, rel=5e-3)
    reversed_ = [d_peak(g) for g in TREND_REVERSED]
    assert np.all(np.diff(reversed_) > 0), reversed_
    # the paper's "saturation": below g2 ~ 0.45 the peak stays within 0.0058-0.0066
    assert 0.0058 < min(holds[-1:] + reversed_) and max(holds[-1:] + reversed_) < 0.0066


def test_valley_hump_and_peak_coupling_fig3b_fig4():
    low, high = entanglement_valley(0.012, n_grid=20)
    assert low == pytest.approx(0.3718, abs=2e-3) and high == pytest.approx(0.6639, abs=2e-3)
    scan = steady_state_scan(np.array([0.2, 0.5, 0.9]), 0.012)
    assert scan["concurrence"][0] > 0.03 and scan["concurrence"][1] == 0.0 and scan["concurrence"][2] > 0.2
    # the cross-correlation peaks inside the valley (Fig. 5b)
    c_ss = steady_state_scan(np.linspace(0.1, 1.0, 10), 0.012)["cross_correlation"]
    assert low < np.linspace(0.1, 1.0, 10)[np.argmax(c_ss)] < high
    # smaller drive: the valley closes to a dip (d = 0.01012) and the valley widens with d
    assert np.isnan(entanglement_valley(0.01012, n_grid=20)).all()
    lo16, hi16 = entanglement_valley(0.016, n_grid=20)
    assert hi16 - lo16 > high - low
    # Fig. 4b: the best coupling is g2 = g1 at larger drive and g2 < g1 at small drive
    assert coupling_at_peak(0.012, n_grid=12)[0] == 1.0
    assert coupling_at_peak(0.006, n_grid=12)[0] == pytest.approx(0.554, abs=0.01)


# --- input validation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"g2": 0.0}, r"g2 must lie in \(0, inf\)"),
        ({"g2": -0.5}, "g2"),
        ({"g2": float("nan")}, "g2 must be finite"),
        ({"drive": -0.01}, r"drive must lie in \[0, inf\)"),
        ({"kappa": float("inf")}, "kappa"),
        ({"gamma": -1.0}, "gamma"),
        ({"omega": 0.0}, "omega"),
        ({"epsilon": [1.0, 2.0]}, "epsilon must be a real scalar"),
    ],
)
def test_bad_parameters_raise(kwargs, match):
    with pytest.raises(LZSMInputError, match=match):
        CavityParams(**kwargs)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mes_threshold(-1), "n_photons"),
        (lambda: mes_threshold(1.5), "n_photons"),
        (lambda: mes_threshold(1, model="rwa"), "model"),
        (lambda: cavity_driven_hamiltonian(PAPER, 1), "n_fock"),
        (lambda: cavity_dispersive_hamiltonian(PAPER.replace(omega=10.0), 0), "non-zero"),
        (lambda: cavity_steady_state(PAPER, tol=0.0), "tol"),
        (lambda: entanglement_valley(0.01, g2_range=(0.5, 0.2)), "g2_range"),
    ],
)
def test_bad_arguments_raise(call, match):
    with pytest.raises(LZSMInputError, match=match):
        call()


def test_threshold_outside_bracket_raises():
    with pytest.raises(ConvergenceError, match="no MES threshold"):
        mes_threshold(2, bracket=(0.05, 0.5))


def test_results_have_a_short_summary_repr():
    dyn = cavity_dynamics(PAPER, 1, np.linspace(0.0, 50.0, 2001))
    text = repr(dyn)
    assert text.startswith("CavityDynamics(2001 times in [0, 50], max concurrence ") and "\n" not in text
    ss = cavity_steady_state(PAPER)
    text = repr(ss)
    assert text.startswith("CavitySteadyState(g2=1, drive=0.01, E_ss=") and f"n_fock={ss.n_fock})" in text
    assert len(text) < 160  # no arrays printed


# --- driven-dissipative time evolution (paper Fig. 2) and the Fock-cutoff memory guard ---------


def _qutip_open_dynamics(params, times, n_fock):
    """Paper Eqs. 6-7 built independently in QuTiP 5 (order qubit 1, qubit 2, cavity), from |0 1 1>."""
    a = qutip.tensor(qutip.qeye(2), qutip.qeye(2), qutip.destroy(n_fock))
    sm = [qutip.tensor(qutip.basis(2, 0) * qutip.basis(2, 1).dag(), qutip.qeye(2), qutip.qeye(n_fock)),
          qutip.tensor(qutip.qeye(2), qutip.basis(2, 0) * qutip.basis(2, 1).dag(), qutip.qeye(n_fock))]
    sz = [0.5 * (s.dag() * s - s * s.dag()) for s in sm]
    g = (1.0, params.g2)
    h = ((params.omega - params.omega_d) * a.dag() * a + (params.epsilon - params.omega_d) * (sz[0] + sz[1])
         + sum(gi * (a.dag() * s + a * s.dag()) for gi, s in zip(g, sm)) + params.drive * (sm[1] + sm[1].dag()))
    psi0 = qutip.tensor(qutip.basis(2, 0), qutip.basis(2, 1), qutip.basis(n_fock, 1))
    c_ops = [np.sqrt(params.kappa) * a] + [np.sqrt(params.gamma) * s for s in sm]
    res = qutip.mesolve(h, psi0, times, c_ops, options={"atol": 1e-12, "rtol": 1e-10, "nsteps": 10**6,
                                                       "store_states": True})
    conc = [qutip.concurrence(qutip.Qobj(s.ptrace([0, 1]).full(), dims=[[2, 2], [2, 2]])) for s in res.states]
    return np.array([[qutip.expect(op, s) for op in sz] for s in res.states]), np.array(conc)


@pytest.mark.parametrize("drive", [0.0, 0.01])
def test_open_dynamics_matches_qutip_mesolve(drive):
    from lzsm_gates.cavity import cavity_open_dynamics

    params = PAPER.replace(g2=0.7, drive=drive)
    times = np.linspace(0.0, 40.0, 21)
    ours = cavity_open_dynamics(params, times, n_fock=4)
    sz, conc = _qutip_open_dynamics(params, times, 4)
    np.testing.assert_allclose(ours.sz, sz, atol=1e-7)
    np.testing.assert_allclose(ours.concurrence, conc, atol=1e-6)
    assert ours.cutoff_change < 1e-6 and ours.concurrence.max() > 0.3


def test_open_dynamics_fig2_long_times():
    from lzsm_gates.cavity import cavity_open_dynamics

    times = np.linspace(0.0, 3000.0, 61)
    undriven = cavity_open_dynamics(PAPER.replace(drive=0.0), times)  # Fig. 2a: decays to |00>, E -> 0
    np.testing.assert_allclose(undriven.sz[-1], [-0.5, -0.5], atol=1e-4)
    assert undriven.concurrence[-1] < 1e-3 < 0.3 < undriven.concurrence.max()
    driven = cavity_open_dynamics(PAPER, times)  # Fig. 2b: d = 0.01, finite steady entanglement
    ss = cavity_steady_state(PAPER)
    assert driven.concurrence[-1] == pytest.approx(ss.concurrence, abs=1e-4) and ss.concurrence > 0.2
    assert driven.sz[-1, 1] > -0.45  # the driven qubit stays in a superposition


def test_absurd_fock_cutoffs_are_refused_with_a_memory_estimate():
    from lzsm_gates.cavity import cavity_memory_estimate, cavity_open_dynamics, cavity_operators

    assert cavity_memory_estimate(4, "dynamics") < 2**27  # Fig. 2 fits in < 128 MiB
    assert cavity_memory_estimate(32, "steady_state") == pytest.approx(1.34e8, rel=0.1)  # measured ~133 MiB
    with pytest.raises(LZSMInputError, match=r"n_fock = 100000 would need about .* GiB"):
        cavity_steady_state(PAPER, n_fock_max=100_000)
    with pytest.raises(LZSMInputError, match="n_fock = 1000000"):
        cavity_operators(1_000_000)
    with pytest.raises(LZSMInputError, match="cavity dynamics"):
        cavity_open_dynamics(PAPER, [0.0, 1.0], n_fock=50)
    for bad in ({"times": [1.0, 0.5]}, {"times": [-1.0]}, {"times": [0.0], "n_photons": -1}):
        kw = {"times": [0.0, 1.0], **bad}
        with pytest.raises(LZSMInputError):
            cavity_open_dynamics(PAPER, kw.pop("times"), **kw)


def test_cavity_map_cli_exposes_every_model_parameter(tmp_path, capsys):
    from lzsm_gates.cli import main
    from lzsm_gates.sweeps import load_result

    argv = ["cavity-map", "--coupling", "0.5", "1", "2", "--drive", "0.01", "0.01", "1", "--kappa", "0.5",
            "--gamma", "0.01", "--omega", "40", "--eps", "10", "--omega-d", "9.98", "--quiet", "--out", str(tmp_path)]
    assert main(argv) == 0
    assert "kappa = 0.5, gamma = 0.01, omega = 40, epsilon = 10, omega_d = 9.98" in capsys.readouterr().out
    ds = load_result(tmp_path / "cavity_map.nc")
    params = CavityParams(kappa=0.5, gamma=0.01, omega=40.0, epsilon=10.0, omega_d=9.98)
    direct = steady_state_scan(np.array([0.5, 1.0])[:, None], np.array([[0.01]]), params=params)
    np.testing.assert_allclose(ds.concurrence.values, direct["concurrence"], atol=1e-12)
    assert not np.allclose(direct["concurrence"], steady_state_scan(np.array([0.5, 1.0])[:, None], 0.01)["concurrence"])
    assert main(["cavity-map", "--omega-d", "0"]) == 2
    assert "argument --omega-d: must be > 0" in capsys.readouterr().err
