"""Time-resolved open-system evolution (lzsm_gates.dynamics) and the QuTiP adapters, against QuTiP's solvers."""

from __future__ import annotations

import numpy as np
import pytest
import qutip as qt

from lzsm_gates import Bath, LZSMInputError, floquet_basis, qubit_model
from lzsm_gates.dynamics import open_evolution
from lzsm_gates.floquet import population_dynamics
from lzsm_gates.lindblad import unvec, vec
from lzsm_gates.models import PAULI_X, PAULI_Y, PAULI_Z
from lzsm_gates.noise import gate_channel
from lzsm_gates.pulses import LZSMPulse
from lzsm_gates.qutip_adapters import (
    brmesolve_spectrum,
    coupling_operators,
    floquet_spectrum,
    model_qobjevo,
    sequence_qobjevo,
)
from lzsm_gates.redfield import MarkovWarning

QUBIT = qubit_model()
OPTIONS = {"atol": 1e-12, "rtol": 1e-10, "nsteps": 10**6, "max_step": 0.01}
SEQUENCE = [LZSMPulse(1.4, 2.0, idle_before=0.7, idle_after=0.4), LZSMPulse(2.5, 3.0, idle_before=0.3)]
PSI0 = np.array([1.0, 1j]) / np.sqrt(2)


def test_driven_evolution_matches_mesolve_for_white_noise():
    """A flat spectrum makes the Redfield equation exactly Lindblad (C = sqrt(2 pi g) X): the Floquet-frame
    evolution of a driven sequence, intermediate times included, must equal QuTiP's mesolve."""
    bath = Bath.ohmic(1e-10, temperature=1e8)  # g(w) = kappa T (1 + w / 2T + ...) = 0.01 (1 + O(1e-7))
    tlist = np.linspace(0.0, sum(p.duration for p in SEQUENCE) + 0.5, 61)
    ours = open_evolution(SEQUENCE, PSI0, tlist, bath, e_ops={"z": PAULI_Z, "x": PAULI_X})
    rate = 2 * np.pi * float(bath.spectrum(0.0))
    ref = qt.mesolve(sequence_qobjevo(SEQUENCE), qt.Qobj(PSI0), tlist, c_ops=[np.sqrt(rate) * qt.sigmax()],
                     e_ops=[qt.sigmaz(), qt.sigmax()], options=OPTIONS)
    assert np.ptp(ours.expect["z"]) > 0.5  # the drive acts
    for mine, theirs in zip((ours.expect["z"], ours.expect["x"]), ref.expect):
        np.testing.assert_allclose(mine, theirs, atol=1e-6)
    # the period-averaged generator misses the time dependence of the dissipator in the Floquet frame
    averaged = open_evolution(SEQUENCE, PSI0, tlist, bath, e_ops=[PAULI_Z], method="averaged")
    assert np.abs(averaged.expect[0] - ref.expect[0]).max() > 1e-4


@pytest.mark.parametrize("op", [PAULI_X, 0.4 * PAULI_X + PAULI_Z])
def test_undriven_evolution_matches_brmesolve(op):
    """Static Hamiltonian, structured thermal bath: Bloch-Redfield without secular approximation, to 1e-6."""
    bath = Bath.ohmic(2e-3, 10.0, 0.3)
    pulses = LZSMPulse(0.0, 10.0, idle_before=4.0, idle_after=2.0)  # an A = 0 drive period in between
    tlist = np.linspace(0.0, 12.0, 41)
    ours = open_evolution(pulses, PSI0, tlist, [(op, bath)], e_ops=[PAULI_X, PAULI_Y, PAULI_Z])
    ref = qt.brmesolve(qt.Qobj(QUBIT.static), qt.Qobj(PSI0), tlist, a_ops=coupling_operators([(op, bath)]),
                       sec_cutoff=-1, e_ops=[qt.sigmax(), qt.sigmay(), qt.sigmaz()], options=OPTIONS)
    assert np.ptp(ours.expect[2]) > 1e-2  # relaxation is visible
    for mine, theirs in zip(ours.expect, ref.expect):
        np.testing.assert_allclose(mine, theirs, atol=1e-6)


def test_floquet_populations_match_fmesolver_and_dephasing_is_half():
    """FMESolver with floquet_spectrum: Floquet populations follow our secular rates; QuTiP's dephasing is half ours."""
    a, w, kmax = 1.4, 2.0, 24
    bath = Bath.ohmic(1e-3, 20.0, 0.3)
    period = 2 * np.pi / w
    fb = qt.FloquetBasis(model_qobjevo(QUBIT, a, w), period, options={"atol": 1e-13, "rtol": 1e-12, "nsteps": 10**6})
    solver = qt.FMESolver(fb, coupling_operators(bath, solver="floquet"), w_th=0.0, kmax=kmax)
    tlist = period * np.arange(0, 30, 5)
    rho0 = qt.ket2dm(qt.Qobj(PSI0))
    states = solver.run(rho0, tlist).states
    ours_basis = floquet_basis(QUBIT, a, w, kmax=kmax)
    rates = ours_basis.rates((PAULI_X, bath), kmax)
    p0 = np.real(np.diag(ours_basis.to_floquet(PSI0)))
    ours = population_dynamics(rates, p0, tlist)
    # match QuTiP's quasienergy-sorted modes to ours
    order = [int(np.argmin(np.abs(np.exp(1j * (fb.e_quasi - e) * period) - 1))) for e in rates.quasienergies]
    theirs = np.array([np.real(np.diag(fb.to_floquet_basis(s, t).full()))[order] for s, t in zip(states, tlist)])
    assert np.ptp(ours[:, 0]) > 1e-2
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    tensor = qt.floquet_tensor(fb, [qt.sigmax()], [floquet_spectrum(bath)], w_th=0.0, kmax=kmax).full()
    i, j = order
    coherence = -tensor[i + 2 * j, i + 2 * j].real  # column stacking: rho_ij at index i + d j
    gamma_out = 0.5 * (rates.rates[1, 0] + rates.rates[0, 1])
    assert coherence - gamma_out == pytest.approx(0.5 * rates.dephasing[0, 1], rel=1e-6)


def test_brmesolve_spectrum_is_two_pi_g():
    bath = Bath.ohmic(1e-3, 10.0, 0.3)
    w = np.array([-2.0, 0.0, 0.7, 3.0])
    np.testing.assert_allclose([brmesolve_spectrum(bath)(x) for x in w], 2 * np.pi * bath.spectrum(w), rtol=1e-15)
    np.testing.assert_allclose([floquet_spectrum(bath)(x) for x in w], bath.spectrum(w), rtol=1e-15)


def test_result_object_and_consistency_with_gate_channel():
    bath = Bath.ohmic(1e-3, 20.0, 1.0)
    pulses = SEQUENCE + [LZSMPulse(0.8, 2.2, vz_before=0.4, vz_after=-1.1)]
    end = sum(p.duration for p in pulses)
    res = open_evolution(pulses, np.diag([0.3, 0.7]), [0.0, 1.0, end], bath, e_ops=[PAULI_Z])
    channel = np.eye(4)
    for p in pulses:
        channel = gate_channel(p, bath) @ channel
    np.testing.assert_allclose(res.states[-1], unvec(channel @ vec(np.diag([0.3, 0.7]).astype(complex))), atol=1e-10)
    np.testing.assert_allclose(res.states[0], np.diag([0.3, 0.7]), atol=1e-15)
    assert res.expect[0][-1] == pytest.approx(np.trace(PAULI_Z @ res.states[-1]).real, abs=1e-15)
    assert res.options["method"] == "redfield" and len(res.options["markov_ratios"]) == 3
    assert res.version and res.times.shape == (3,)
    with pytest.raises(AttributeError):
        res.states = None
    with pytest.raises(ValueError):
        res.states[0, 0, 0] = 1.0


def test_markov_diagnostic_warns_and_refuses():
    slow = Bath(lambda w: 1e-3 * w * np.exp(-w / 0.8), temperature=0.05)  # slow bath: memory ~ 1 / cutoff, 1 / T
    with pytest.raises(LZSMInputError, match="Markov"):
        open_evolution(LZSMPulse(1.0, 6.0), PSI0, [0.0, 1.0], slow)
    with pytest.warns(MarkovWarning):
        open_evolution(LZSMPulse(1.0, 2.0), PSI0, [0.0, 1.0], Bath(lambda w: 1e-3 * w * np.exp(-w / 3.0), 0.2))
    res = open_evolution(LZSMPulse(1.0, 6.0), PSI0, [0.0, 1.0], slow, check_markov=False)
    assert res.options["markov_ratios"] == ()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"state": np.array([1.0, 1.0])}, "norm 1"),
        ({"state": np.diag([0.5, 0.6])}, "trace 1"),
        ({"tlist": [1.0, 0.5]}, "tlist"),
        ({"method": "exact"}, "method"),
        ({"e_ops": [np.eye(3)]}, "e_ops"),
        ({"pulses": []}, "pulses"),
    ],
)
def test_bad_inputs_raise(kwargs, match):
    args = {"pulses": LZSMPulse(1.0, 2.0), "state": PSI0, "tlist": [0.0, 1.0], "noise": Bath.ohmic(1e-3, 20.0, 1.0)}
    args.update(kwargs)
    with pytest.raises(LZSMInputError, match=match):
        open_evolution(**args)
    with pytest.raises(LZSMInputError, match="virtual Z"):
        sequence_qobjevo(LZSMPulse(1.0, 2.0, vz_after=0.1))


def test_adapters_import_without_qutip():
    import subprocess
    import sys

    code = ("import sys; sys.modules['qutip'] = None\n"
            "import lzsm_gates.qutip_adapters as qa, lzsm_gates\n"
            "try:\n    qa.model_qobjevo(lzsm_gates.qubit_model(), 1.0, 2.0)\nexcept ImportError as e:\n    print('needs', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "needs" in out.stdout and "QuTiP" in out.stdout
