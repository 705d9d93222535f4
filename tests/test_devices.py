"""Multi-level devices: spectra against scqubits, propagators against QuTiP, leakage and N-level design."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lzsm_gates.devices import (
    composite_qubit,
    design_multilevel,
    fluxonium,
    kerr_ladder,
    leakage,
    leakage_map,
    seepage,
    subspace_gate_error,
    virtual_z_phases,
)
from lzsm_gates.models import qubit_model
from lzsm_gates.propagate import period_propagator
from lzsm_gates.pulses import rz
from lzsm_gates.units import ConvergenceError, LZSMInputError

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import scqubits as scq

# the close-third-level fluxonium of the docs: gap 0.966 GHz, third level 3.55 gaps above the qubit midpoint
CLOSE = dict(EJ=3.0, EC=1.0, EL=1.0)


@pytest.fixture(scope="module")
def close_device():
    return fluxonium(**CLOSE, levels=8)


@pytest.mark.parametrize("flux", [0.5, 0.47])
def test_fluxonium_matches_scqubits(flux):
    n = 6
    spec = fluxonium(4.2, 1.0, 0.5, flux, levels=n, cutoff=110)
    ref = scq.Fluxonium(EJ=4.2, EC=1.0, EL=0.5, flux=flux, cutoff=110, truncated_dim=n)
    evals, evecs = ref.eigensys(evals_count=n)
    assert np.max(np.abs(spec.energies - evals)) < 1e-9
    for ours, theirs in (("phi", "phi_operator"), ("n", "n_operator")):
        table = ref.matrixelement_table(theirs, evecs=evecs, evals_count=n)
        mine = spec.operators[ours]
        assert np.max(np.abs(np.abs(mine) - np.abs(table))) < 1e-9
        # gauge-invariant loop products O_01 O_12 O_20 and O_01 O_13 O_30
        for i, j, k in ((0, 1, 2), (0, 1, 3), (1, 2, 4)):
            assert abs(mine[i, j] * mine[j, k] * mine[k, i] - table[i, j] * table[j, k] * table[k, i]) < 1e-9
    assert spec.operators["phi"][0, 1].real > 0 and abs(spec.operators["phi"][0, 1].imag) < 1e-14


def test_fluxonium_two_level_truncation_is_the_qubit_model():
    spec = fluxonium(4.2, 1.0, 0.5, levels=4)
    m2 = spec.model(2)
    q = qubit_model()
    assert np.allclose(m2.static, q.static, atol=1e-12) and np.allclose(m2.drive_operator, q.drive_operator, atol=1e-12)
    assert spec.model(4).parity is not None  # half flux: the drive connects opposite parities only
    assert fluxonium(4.2, 1.0, 0.5, 0.47, levels=4).model().parity is None


def test_composite_qubit_matches_full_product_space():
    """Against the full two-transmon Hamiltonian in the product charge basis (no bare truncation)."""
    ej1, ec1, ej2, ec2, g, ncut = 15.0, 0.3, 11.0, 0.3, 0.08, 10
    spec = composite_qubit(ej1, ec1, ej2, ec2, g, levels=5, ncut=ncut)
    t1 = scq.Transmon(EJ=ej1, EC=ec1, ng=0.0, ncut=ncut)
    t2 = scq.Transmon(EJ=ej2, EC=ec2, ng=0.0, ncut=ncut)
    eye = np.eye(2 * ncut + 1)
    n1, n2 = t1.n_operator(), t2.n_operator()
    h = np.kron(t1.hamiltonian(), eye) + np.kron(eye, t2.hamiltonian()) + g * np.kron(n1, n2)
    e, v = np.linalg.eigh(h)
    assert np.max(np.abs(spec.energies - e[:5])) < 1e-9
    ref = v[:, :5].conj().T @ np.kron(n1, eye) @ v[:, :5]
    assert np.max(np.abs(np.abs(spec.operators["n1"]) - np.abs(ref))) < 1e-9


def test_cutoff_convergence_is_checked():
    with pytest.raises(ConvergenceError, match="cutoff"):
        fluxonium(3.0, 0.479, 0.132, levels=6, cutoff=12)
    with pytest.raises(LZSMInputError, match="EJ"):
        fluxonium(-1.0, 1.0, 1.0)
    with pytest.raises(LZSMInputError, match="drive"):
        fluxonium(3.0, 1.0, 1.0, drive="flux")
    with pytest.raises(LZSMInputError, match="levels"):
        fluxonium(3.0, 1.0, 1.0, levels=4).model(5)


@pytest.mark.parametrize("levels", [3, 4, 5, 6, 7, 8])
def test_n_level_propagator_matches_qutip(close_device, levels):
    qt = pytest.importorskip("qutip")
    model = close_device.model(levels)
    amp, freq = 1.3, 1.7
    u = period_propagator(model, amp, freq)
    h = [qt.Qobj(model.static), [qt.Qobj(model.drive_operator), lambda t: amp * np.sin(freq * t)]]
    ref = qt.propagator(h, 2 * np.pi / freq, options={"atol": 1e-14, "rtol": 1e-13, "nsteps": 10**6}).full()
    assert np.max(np.abs(u - ref)) < 1e-9


def test_kerr_ladder_levels_and_limits():
    lad = kerr_ladder(-0.3, levels=5)
    assert lad.third_level() == pytest.approx(1.5 - 0.3, abs=1e-14)
    assert np.allclose(np.abs(lad.model().drive_operator[1, 2]), np.sqrt(2))
    # a nearly two-level ladder (huge anharmonicity) does not leak under a moderate drive
    u = period_propagator(kerr_ladder(200.0, levels=4).model(), 1.0, 2.0)
    u2 = period_propagator(qubit_model(), 1.0, 2.0)
    assert leakage(u) < 1e-4
    assert abs(abs(u[1, 0]) - abs(u2[1, 0])) < 1e-2
    with pytest.raises(LZSMInputError, match="anharmonicity"):
        kerr_ladder(-0.6, levels=5)


def test_leakage_and_seepage_identities():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(4, 5, 5)) + 1j * rng.normal(size=(4, 5, 5))
    u, _ = np.linalg.qr(z)
    assert np.allclose(2 * leakage(u), 3 * seepage(u), atol=1e-12)  # d L = (N - d) S for unitaries
    swap12 = np.eye(3)[[0, 2, 1]]
    assert leakage(swap12) == pytest.approx(0.5) and seepage(swap12) == pytest.approx(1.0)
    assert leakage(np.eye(4)) == 0.0
    with pytest.raises(LZSMInputError, match="subspace"):
        leakage(np.eye(3), subspace=(0, 3))


def test_virtual_z_correction_recovers_framed_target():
    x = np.array([[0, 1], [1, 0]], dtype=complex)
    framed = rz(0.7) @ x @ rz(-1.9)
    u = np.eye(3, dtype=complex)
    u[:2, :2] = framed
    assert subspace_gate_error(u, x) > 0.1
    assert subspace_gate_error(u, x, virtual_z=True) < 1e-12
    phi_b, phi_a = virtual_z_phases(framed, x)
    assert np.allclose(rz(phi_a) @ framed @ rz(phi_b), x * np.exp(1j * np.angle((rz(phi_a) @ framed @ rz(phi_b))[0, 1])), atol=1e-8)


def test_leakage_map_through_sweep_engine(close_device):
    model = close_device.model(4)
    a, w = np.array([0.5, 2.0]), np.array([1.0, 2.5, 4.0])
    ds = leakage_map(model, a, w)
    direct = leakage(period_propagator(model, a[:, None], w[None, :]))
    assert ds["leakage"].dims == ("A", "omega")
    assert np.allclose(ds["leakage"].values, direct, atol=1e-14)
    assert ds["leakage"].values[1].max() > ds["leakage"].values[0].max()


def test_leakage_converges_in_levels(close_device):
    lk = [float(leakage(period_propagator(close_device.model(n), 2.0, 2.0))) for n in (4, 6, 8)]
    assert abs(lk[2] - lk[1]) < 0.1 * abs(lk[1] - lk[0]) + 1e-12


@pytest.mark.slow
def test_multilevel_design_beats_two_level_design(close_device):
    result = design_multilevel("h", close_device, 5, n_refine=1)
    best = result.best
    assert best.refined
    assert best.total_error < 0.1 * result.two_level_best.total_error
    assert best.leakage <= best.total_error + 1e-12
    # independent route: adaptive qiskit-dynamics solve of the N-level pulse
    u = best.pulse.simulate(close_device.model(5))
    assert subspace_gate_error(u, best.target.matrix) == pytest.approx(best.total_error, rel=1e-4, abs=1e-9)


def test_perturbative_leakage_is_the_weak_drive_limit(close_device):
    from lzsm_gates.devices import leakage_bound, leakage_onset, perturbative_leakage

    model = close_device.model(6)
    for w in (0.7, 3.0):
        exact = float(leakage(period_propagator(model, 0.01, w)))
        assert exact / float(perturbative_leakage(model, 0.01, w)) == pytest.approx(1.0, abs=2e-3)
    # the first-order bound predicts the onset of 1e-4 leakage on the moderate fluxonium within a factor 1.5,
    # where the third-level rule of thumb overestimates it threefold
    moderate = fluxonium(4.2, 1.0, 0.5, levels=5)
    onset = leakage_onset(moderate.model(), 2.0, 1e-4, max_amplitude=10.0, num=101)
    assert 1 / 1.5 < float(leakage_bound(moderate.model(), 2.0, 1e-4)) / onset < 1.5
    assert moderate.third_level() > 2.5 * onset
