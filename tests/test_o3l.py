"""Tests of the O3L steady-state entanglement model (lzsm_gates.o3l): the paper's claims and a QuTiP cross-check."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import qutip as qt

from lzsm_gates.floquet import floquet_rates, floquet_steady_state
from lzsm_gates.metrics import concurrence
from lzsm_gates.o3l import (
    DEFAULT_CUTOFF,
    O3LParams,
    O3LSecularWarning,
    cut_detuning,
    cutoff_dependence,
    golden_rule_rates,
    map_amplitude_detuning,
    o3l_coupling,
    o3l_dynamics,
    o3l_floquet_rates,
    o3l_model,
    o3l_steady_state,
    o3l_sweep,
    perturbative_rates,
    rates_vs_xi,
    steady_state_concurrence,
)
from lzsm_gates.sweeps import Axis
from lzsm_gates.units import LZSMInputError

PAPER = O3LParams(eps0=3.7, amplitude=3.8, xi=0.1, J=-2.5)
KMAX = 40


def test_o3l_point_is_highly_entangled():
    ss = o3l_steady_state(PAPER)
    assert ss.concurrence >= 0.9  # paper: C_inf ~ 1 off resonance (Figs. 2b, 3)
    assert ss.eigen_populations[1] > 0.95  # |1> ~ |e->, populated through |0> -> |2> -> |1>
    assert ss.secular_parameter < 0.5


def test_identical_bath_couplings_give_no_entanglement():
    assert steady_state_concurrence(PAPER, xi=1.0) < 0.1  # Fig. 2a / Fig. 6 at eps0 = 3.7


def test_positive_coupling_suppresses_o3l():
    c = steady_state_concurrence(PAPER, J=2.5, amplitude=np.array([2.8, 3.8, 4.8]))
    assert np.all(c < 0.1)


def test_se_and_es_resonances_give_half_concurrence():
    # Fig. 7: SE at eps0 = 2 + |J|/2 = 3.25 (|0> <-> |1>), ES at eps0 = 5 - |J|/2 = 3.75 (|1> <-> |3>)
    for centre, pair in ((3.25, (0, 1)), (3.75, (1, 3))):
        eps = centre + np.linspace(-0.02, 0.02, 21)
        ss = o3l_steady_state(PAPER, eps0=eps)
        i = int(np.argmin(ss.concurrence))
        assert abs(eps[i] - centre) <= 0.006  # the dip lands on the paper's resonance
        assert 0.4 <= ss.concurrence[i] <= 0.6
        p = ss.eigen_populations[i]
        assert p[pair[0]] + p[pair[1]] > 0.98 and abs(p[pair[0]] - p[pair[1]]) < 0.15
        assert np.all(np.delete(ss.concurrence, i) > ss.concurrence[i])


@pytest.mark.parametrize("eps0", [3.25, 3.75])
def test_secular_steady_state_holds_at_resonances(eps0):
    # the quasienergies nearly cross there (large secular parameter): compare with the non-secular Q = 0 tensor
    p = O3LParams(eps0=eps0)
    ns = floquet_steady_state(o3l_model(p), 3.8, 1.0, o3l_coupling(p), secular=False, kmax=KMAX)
    assert abs(float(concurrence(ns.rho_average)) - float(steady_state_concurrence(p))) < 1e-3


def qutip_concurrence(eps0, amplitude, xi, j=-2.5, d1=0.1, d2=0.15, kappa=1e-3, temp=0.00467, wc=DEFAULT_CUTOFF,
                      independent=False):
    """Same model built independently in QuTiP 5; secular Floquet-Markov steady state.

    ``independent``: one bath per qubit (two c_ops with their own, uncorrelated spectra), else one
    common bath coupled through z1 + xi z2.

    The steady state of QuTiP's secular Floquet tensor has no coherences and its populations
    depend only on the transition rates, not on the (halved) pure-dephasing term, so the
    comparison is unaffected by that difference.
    """
    sz, sx, sp, eye = qt.sigmaz(), qt.sigmax(), qt.sigmap(), qt.qeye(2)
    z1, z2 = qt.tensor(sz, eye), qt.tensor(eye, sz)
    flipflop = qt.tensor(sp, sp.dag()) + qt.tensor(sp.dag(), sp)
    h0 = -eps0 / 2 * (z1 + z2) - d1 / 2 * qt.tensor(sx, eye) - d2 / 2 * qt.tensor(eye, sx) - j / 2 * flipflop
    h = qt.QobjEvo([h0, [-(z1 + z2) / 2, lambda t: amplitude * np.cos(t)]])
    nt = 256
    times = np.linspace(0, 2 * np.pi, nt + 1)
    fb = qt.FloquetBasis(h, 2 * np.pi, precompute=times, options={"atol": 1e-12, "rtol": 1e-12, "nsteps": 10**6})

    def spectrum(w):
        w = np.asarray(w, dtype=float)
        small = np.abs(w) < 1e-12
        ws = np.where(small, 1.0, w)
        with np.errstate(over="ignore"):
            g = kappa * ws * np.exp(-np.abs(ws) / wc) / -np.expm1(-ws / temp)
        return np.where(small, kappa * temp, g)

    c_ops = [z1, xi * z2] if independent else [z1 + xi * z2]
    r = qt.floquet_tensor(fb, c_ops, [spectrum] * len(c_ops), kmax=KMAX, nT=nt)
    p = np.real(np.diag(qt.steadystate(r).full()))
    rho = np.zeros((4, 4), dtype=complex)
    for t in times[:-1]:
        u = np.column_stack([m.full().ravel() for m in fb.mode(t)])
        rho += u @ np.diag(p) @ u.conj().T
    return float(qt.concurrence(qt.Qobj(rho / nt, dims=[[2, 2], [2, 2]])))


@pytest.mark.parametrize("eps0, amplitude, xi", [(3.7, 3.8, 0.1), (3.25, 3.8, 0.1), (2.0, 1.3, 0.3)])
def test_matches_qutip_floquet_markov(eps0, amplitude, xi):
    ours = float(steady_state_concurrence(PAPER, eps0=eps0, amplitude=amplitude, xi=xi))
    assert abs(ours - qutip_concurrence(eps0, amplitude, xi)) < 1e-4


def test_golden_rule_rates():
    exact = golden_rule_rates(PAPER)
    approx = perturbative_rates(PAPER)  # Eq. C2 (reconstructed)
    for key, value in approx.items():  # "fi": downhill rate i -> f = exact[f, i]
        f, i = int(key[0]), int(key[1])
        assert value == pytest.approx(exact[f, i], rel=0.03), key
    # Eq. 3: Gamma_12 ~ (1 - xi)^2 dominates for xi -> 0 and is tiny at xi = 1
    assert exact[1, 2] > 100 * max(exact[0, 2], exact[2, 3])
    at_one = golden_rule_rates(O3LParams(xi=1.0))
    assert at_one[1, 2] < min(at_one[0, 2], at_one[2, 3])
    # the Floquet rates tend to the golden-rule ones as A -> 0
    floq = o3l_floquet_rates(O3LParams(amplitude=0.0), kmax=KMAX).rates
    np.testing.assert_allclose(floq, exact, rtol=1e-6, atol=1e-14)


def test_floquet_rates_paper_trend():
    # Fig. 5b: at A = 3.8, [Gamma_12]_F dominates for xi = 0.1, [Gamma_02]_F and [Gamma_23]_F for xi = 1
    small = o3l_floquet_rates(PAPER, kmax=KMAX).rates
    large = floquet_rates(o3l_model(PAPER), 3.8, 1.0, o3l_coupling(O3LParams(xi=1.0)), kmax=KMAX).rates
    assert small[1, 2] > max(small[0, 2], small[2, 3])
    assert large[1, 2] < max(large[0, 2], large[2, 3])


def test_dynamics_from_ground_state_reaches_steady_state():
    ds = o3l_dynamics(PAPER, periods=np.array([0.0, 1.0, 10.0, 100.0, 1e3, 1e5]))
    p = ds.P.values
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-10)
    assert p[0, 0] == pytest.approx(1.0) and ds.C.values[0] < 1e-3  # separable ground state
    assert p[2, 2] > 0.05  # Landau-Zener pumping |0> -> |2> at short times (Fig. 3a)
    np.testing.assert_allclose(p[-1], o3l_steady_state(PAPER).eigen_populations, atol=5e-3)
    assert ds.C.values[-1] > 0.9


def test_cutoff_dependence_is_weak_off_resonance():
    ds = cutoff_dependence(cutoffs=(10.0, DEFAULT_CUTOFF, 1000.0), eps0=(2.0, 3.7))
    c = ds.C_inf.values
    assert np.max(np.abs(c - ds.C_inf.sel(cutoff=DEFAULT_CUTOFF).values)) < 0.01


def test_maps_go_through_run_sweep_and_agree_with_direct_calls():
    a, e = np.array([1.0, 3.8]), np.array([3.0, 3.7])
    ds = map_amplitude_detuning(a, e, xi=0.1)
    assert ds.C_inf.dims == ("amplitude", "eps0") and ds.P_eigen.shape == (2, 2, 4)
    direct = steady_state_concurrence(PAPER, amplitude=a[:, None], eps0=e[None, :])
    np.testing.assert_allclose(ds.C_inf.values, direct, atol=1e-12)
    assert ds.C_inf.sel(amplitude=3.8, eps0=3.7) >= 0.9
    cut = cut_detuning(eps0=np.array([3.25, 3.7]), amplitudes=(3.8,))
    assert cut.C_inf.shape == (1, 2)
    xa = o3l_sweep([Axis.explicit("xi", [0.1, 1.0])], PAPER)
    assert xa.C_inf.values[0] > 0.9 > 0.1 > xa.C_inf.values[1]


def test_bad_inputs_raise():
    for kw in ({"kappa": -1.0}, {"delta1": 0.0}, {"xi": -0.1}, {"cutoff": np.nan}, {"temperature": -1e-3},
               {"correlation": 1.5}, {"correlation": -1.01},
               {"amplitude": np.array([1.0, 2.0])}, {"eps0": np.inf}, {"delta_ratio": -1.5}):
        with pytest.raises(LZSMInputError):
            O3LParams(**kw)
    with pytest.raises(LZSMInputError):
        steady_state_concurrence(PAPER, omega=2.0)
    with pytest.raises(LZSMInputError):
        steady_state_concurrence(PAPER, xi=np.array([0.1, -1.0]))
    with pytest.raises(LZSMInputError):
        o3l_sweep([Axis.explicit("omega", [1.0])], PAPER)
    with pytest.raises(LZSMInputError):
        o3l_model("not params")
    with pytest.raises(LZSMInputError):
        o3l_dynamics(PAPER, periods=[-1.0])


def test_effective_rates_eq_c9_follow_floquet_and_dominance_switches_with_xi():
    from lzsm_gates.o3l import rates_vs_xi

    ds = rates_vs_xi([0.0, 1.0])
    flo, eff = ds["floquet"], ds["effective"]
    # the dominant channel: Gamma_12 at xi = 0, Gamma_02 and Gamma_23 at xi = 1 (paper Figs. 5, 10)
    assert float(flo.sel(xi=0.0, transition="12")) > 10 * float(flo.sel(xi=0.0, transition="02"))
    assert float(flo.sel(xi=1.0, transition="23")) > 10 * float(flo.sel(xi=1.0, transition="12"))
    # the effective rates of Eq. C9 agree with the Floquet rates for the dominant channels (within 20 %)
    for xi, t in [(0.0, "12"), (1.0, "02"), (1.0, "23")]:
        assert float(eff.sel(xi=xi, transition=t)) == pytest.approx(float(flo.sel(xi=xi, transition=t)), rel=0.2)


def test_batch_over_detuning_and_amplitude_equals_single_points():
    """One batched basis per model and time grid (eps0 as the drive offset) reproduces point-by-point solves.

    With the default cutoffs the batch shares the largest cutoff of a time grid, the single points
    use their own: the sidebands are converged either way.
    """
    eps0 = np.array([0.5, 3.25, 3.7])
    amp = np.array([0.0, 1.5, 3.8])
    grid = o3l_steady_state(PAPER, eps0=eps0[None, :], amplitude=amp[:, None])
    for i, a in enumerate(amp):
        for j, e in enumerate(eps0):
            single = o3l_steady_state(replace(PAPER, eps0=float(e), amplitude=float(a)))
            assert abs(grid.concurrence[i, j] - single.concurrence) < 1e-8
            np.testing.assert_allclose(grid.rho[i, j], single.rho, atol=1e-8)
            np.testing.assert_allclose(grid.eigen_populations[i, j], single.eigen_populations, atol=1e-8)


def test_independent_baths_at_xi_one_match_qutip_and_entangle():
    # one bath per qubit (correlation 0): QuTiP with two c_ops and their own spectra; the common-bath
    # conclusion "no entanglement at xi = 1" does not hold for independent baths
    ours = float(steady_state_concurrence(PAPER, xi=1.0, correlation=0.0))
    assert abs(ours - qutip_concurrence(3.7, 3.8, 1.0, independent=True)) < 1e-4
    assert ours > 0.9 > 0.01 > float(steady_state_concurrence(PAPER, xi=1.0))


def test_partly_correlated_bath_rates_interpolate_linearly():
    # the rates are linear in the bath correlation matrix [[1, c], [c, 1]]: Gamma(c) = c Gamma(1) + (1 - c) Gamma(0)
    c = 0.3
    for rates in (golden_rule_rates, lambda q: o3l_floquet_rates(q, kmax=KMAX).rates):
        r1, r0, rc = (rates(replace(PAPER, xi=0.7, correlation=v)) for v in (1.0, 0.0, c))
        np.testing.assert_allclose(rc, c * r1 + (1 - c) * r0, rtol=1e-10, atol=1e-16)
    # anticorrelated (c = -1): one channel z1 - xi z2
    assert [len(o3l_coupling(replace(PAPER, correlation=v))) for v in (1.0, 0.0, -1.0, 0.5)] == [1, 2, 1, 3]
    op, _ = o3l_coupling(replace(PAPER, correlation=-1.0))[0]
    np.testing.assert_allclose(np.diag(op).real, [1 - 0.1, 1 + 0.1, -1 - 0.1, -1 + 0.1])
    with pytest.raises(LZSMInputError, match="common bath"):
        perturbative_rates(replace(PAPER, correlation=0.5))


def test_zero_temperature_has_vacuum_bose_factors():
    cold = O3LParams(temperature=0.0)
    rates = golden_rule_rates(cold)  # rates[f, i]: i -> f, levels ascending: no upward rates at T = 0
    assert np.all(rates[np.tril_indices(4, -1)] == 0.0) and rates[1, 2] > 0
    assert np.all(golden_rule_rates(O3LParams(temperature=0.5))[np.tril_indices(4, -1)] > 0)
    # emission at T = 0: 2 pi J(w) |<f|X|i>|^2 with the bare Ohmic J(w) = kappa w exp(-w / omega_c) (no Bose factor)
    e, v = np.linalg.eigh(o3l_model(cold).static)
    x = v.conj().T @ (np.kron(np.diag([1, -1]), np.eye(2)) + 0.1 * np.kron(np.eye(2), np.diag([1, -1]))) @ v
    w = e[None, :] - e[:, None]
    vacuum = 2 * np.pi * 1e-3 * w * np.exp(-w / DEFAULT_CUTOFF) * np.abs(x) ** 2
    np.testing.assert_allclose(np.triu(rates, 1), np.triu(vacuum, 1), rtol=1e-12)
    c_cold = float(steady_state_concurrence(cold))
    assert np.isfinite(c_cold) and abs(c_cold - float(steady_state_concurrence(PAPER))) < 0.01


def test_non_secular_steady_state_and_secular_warning():
    p = replace(PAPER, eps0=3.75)  # ES resonance: quasienergies nearly cross
    with pytest.warns(O3LSecularWarning, match="secular=False"):
        sec = o3l_steady_state(p, secular_tol=0.1)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", O3LSecularWarning)
        ns = o3l_steady_state(p, secular=False, secular_tol=0.1)
    assert sec.secular and not ns.secular
    direct = floquet_steady_state(o3l_model(p), 3.8, 1.0, o3l_coupling(p), secular=False)
    np.testing.assert_allclose(ns.rho, direct.rho_average, atol=1e-10)
    assert abs(float(ns.concurrence) - float(sec.concurrence)) < 1e-3
    np.testing.assert_allclose(np.trace(ns.rho), 1.0, atol=1e-12)


def test_cutoff_is_stored_in_every_result():
    ss = o3l_steady_state(PAPER, cutoff=np.array([20.0, 100.0]))
    np.testing.assert_array_equal(ss.cutoff, [20.0, 100.0])
    assert not np.isclose(ss.concurrence[0], ss.concurrence[1], rtol=0, atol=1e-9)
    ds = o3l_sweep([Axis.explicit("eps0", [3.7])], replace(PAPER, cutoff=20.0), secular=False)
    assert ds.attrs["bath_cutoff"] == 20.0 and ds.attrs["steady_state"] == "non-secular"
    assert rates_vs_xi([0.5], replace(PAPER, cutoff=30.0)).attrs["bath_cutoff"] == 30.0
    assert o3l_dynamics(replace(PAPER, cutoff=30.0), periods=[0.0, 1.0]).attrs["bath_cutoff"] == 30.0


def test_cli_and_api_give_the_same_c_inf(tmp_path, capsys):
    from lzsm_gates.cli import main
    from lzsm_gates.sweeps import load_result

    argv = ["o3l-map", "--amplitude", "3.0", "3.8", "2", "--eps0", "3.5", "3.7", "2", "--xi", "0.6",
            "--J", "-2.2", "--delta1", "0.12", "--delta2", "0.2", "--kappa", "2e-3", "--temperature", "0",
            "--cutoff", "20", "--correlation", "0.4", "--non-secular", "--quiet", "--out", str(tmp_path / "o")]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "omega_c = 20 omega" in printed and "non-secular" in printed
    ds = load_result(tmp_path / "o" / "o3l_map.nc")
    params = O3LParams(xi=0.6, J=-2.2, delta1=0.12, delta_ratio=0.2 / 0.12, kappa=2e-3, temperature=0.0,
                       cutoff=20.0, correlation=0.4)
    api = o3l_steady_state(params, amplitude=np.array([3.0, 3.8])[:, None], eps0=np.array([3.5, 3.7])[None, :],
                           secular=False)
    np.testing.assert_allclose(ds.C_inf.values, api.concurrence, atol=1e-12)
    assert ds.attrs["bath_cutoff"] == 20.0
    assert main(["o3l-map", "--correlation", "1.5"]) == 2
    assert "argument --correlation: must lie in [-1, 1]" in capsys.readouterr().err


def test_fig12_rates_for_positive_coupling():
    from lzsm_gates.o3l import rates_vs_parameter

    pos = rates_vs_parameter("xi", [0.1, 1.0], replace(PAPER, J=2.5))["floquet"]
    neg = rates_vs_xi([0.1, 1.0], PAPER)["floquet"]
    for flo in (pos, neg):  # [Gamma_12]_F ~ 0 at xi = 1 for both signs of J (paper Figs. 5b, 12)
        assert float(flo.sel(xi=1.0, transition="12")) < 1e-3 * float(flo.sel(xi=0.1, transition="12"))
    # J > 0: the |2> -> |0> decay competes (paper Sec. D), ten times faster than for J < 0
    assert float(pos.sel(xi=0.1, transition="02")) > 5 * float(neg.sel(xi=0.1, transition="02"))
    vs_j = rates_vs_parameter("J", [-2.5, 2.5], PAPER)
    assert vs_j.floquet.dims == ("J", "transition") and vs_j.attrs["bath_cutoff"] == DEFAULT_CUTOFF
    np.testing.assert_allclose(vs_j.floquet.sel(J=2.5).values, pos.sel(xi=0.1).values, rtol=1e-10)
    with pytest.raises(LZSMInputError, match="O3LParams field"):
        rates_vs_parameter("omega", [1.0])
