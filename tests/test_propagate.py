import numpy as np
import pytest
import qutip
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import reference_period_propagator
from scipy.linalg import expm

from lzsm_gates import propagate
from lzsm_gates import LZSMInputError
from lzsm_gates.models import PAULI_Z, DrivenModel, coupled_qubits_model, qubit_model
from lzsm_gates.propagate import evolve, expm_hermitian, period_propagator, steps_per_period

# a spread including strong drive (A up to 8 Delta) and low frequency (omega down to 0.5 Delta)
POINTS = [(0.5, 2.0), (1.0, 1.0), (8.0, 0.5), (8.0, 8.0), (3.0, 0.5), (0.1, 0.5), (5.0, 2.5), (8.0, 3.0), (2.0, 0.7)]


def qutip_period_propagator(amplitude, frequency):
    """One-period propagator from QuTiP's own integrator (independent oracle)."""
    h = [qutip.Qobj(-0.5 * PAULI_Z), [qutip.sigmax(), lambda t: amplitude * np.sin(frequency * t)]]
    opts = {"atol": 1e-13, "rtol": 1e-13, "nsteps": 10**6, "method": "vern9"}
    return qutip.propagator(h, 2 * np.pi / frequency, options=opts).full()


@pytest.mark.parametrize("amplitude,frequency", POINTS)
def test_period_propagator_matches_independent_integrators(amplitude, frequency):
    u = period_propagator(qubit_model(), amplitude, frequency)
    ref = reference_period_propagator(qubit_model(), amplitude, frequency)
    assert np.linalg.norm(u - ref, 2) < 1e-10
    assert np.linalg.norm(u - qutip_period_propagator(amplitude, frequency), 2) < 1e-10


def test_batched_equals_pointwise():
    a = np.array([[0.3, 2.0], [8.0, 5.0]])
    w = np.array([[0.5, 1.5], [0.5, 6.0]])
    batch = period_propagator(qubit_model(), a, w)
    assert batch.shape == (2, 2, 2, 2)
    for i in range(2):
        for j in range(2):
            single = period_propagator(qubit_model(), a[i, j], w[i, j])
            assert np.linalg.norm(batch[i, j] - single, 2) < 1e-11


def test_step_rule_meets_accuracy():
    """The automatic step count keeps the error below 1e-10 (compared with 8x finer steps)."""
    model = qubit_model()
    for a, w in POINTS:
        n = int(steps_per_period(model, a, w))
        fine = period_propagator(model, a, w, steps=8 * n)
        assert np.linalg.norm(period_propagator(model, a, w) - fine, 2) < 1e-10


def test_sixth_order_convergence():
    model = qubit_model()
    exact = period_propagator(model, 2.0, 1.0, steps=3000)
    e1 = np.linalg.norm(period_propagator(model, 2.0, 1.0, steps=60) - exact, 2)
    e2 = np.linalg.norm(period_propagator(model, 2.0, 1.0, steps=120) - exact, 2)
    assert 5.5 < np.log2(e1 / e2) < 6.5


def test_unitarity_and_symmetry_over_grid():
    a, w = np.meshgrid(np.linspace(0.1, 8, 9), np.linspace(0.5, 8, 9), indexing="ij")
    u = period_propagator(qubit_model(), a, w)
    eye = np.eye(2)
    assert np.abs(np.conj(np.swapaxes(u, -1, -2)) @ u - eye).max() < 1e-12
    # real H with H(T - t) = sz H(t) sz  =>  U^T = sz U sz
    assert np.abs(np.swapaxes(u, -1, -2) - PAULI_Z @ u @ PAULI_Z).max() < 1e-10


def test_weak_drive_limit_is_idle_rotation():
    w = np.array([0.7, 2.0, 5.0])
    u = period_propagator(qubit_model(), 0.0, w)
    t = 2 * np.pi / w
    expected = np.zeros((3, 2, 2), complex)
    expected[:, 0, 0] = np.exp(0.5j * t)
    expected[:, 1, 1] = np.exp(-0.5j * t)
    assert np.abs(u - expected).max() < 1e-13
    # first order in A: the transition amplitude vanishes linearly
    u_small = period_propagator(qubit_model(), 1e-6, 2.0)
    assert abs(u_small[1, 0]) < 1e-5


def test_evolve_intermediate_times_and_composition():
    model = qubit_model()
    us = evolve(model, 2.0, 1.3, [0.0, 0.25, 0.5, 1.0, 2.0])
    assert np.allclose(us[0], np.eye(2))
    # two periods = one period squared (periodicity)
    assert np.linalg.norm(us[4] - us[3] @ us[3], 2) < 1e-10
    # second symmetry H(t + T/2) = sz H(t) sz gives U(T) = (sz U(T/2))^2
    half = PAULI_Z @ us[2]
    assert np.linalg.norm(us[3] - half @ half, 2) < 1e-10


def test_two_qubit_and_cos_models():
    for model, pts in [(coupled_qubits_model(1.0, 0.8), [(1.5, 2.0), (4.0, 1.0)])]:
        for a, w in pts:
            assert np.linalg.norm(period_propagator(model, a, w) - reference_period_propagator(model, a, w), 2) < 1e-10
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    y = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    model = DrivenModel(x + x.conj().T, y + y.conj().T, "cos")
    assert np.linalg.norm(period_propagator(model, 1.2, 3.0) - reference_period_propagator(model, 1.2, 3.0), 2) < 1e-10


@settings(max_examples=25, deadline=None)
@given(
    amplitude=st.floats(-8, 8, allow_nan=False),
    frequency=st.floats(0.5, 8.0),
)
def test_property_unitary_symmetric_and_accurate(amplitude, frequency):
    model = qubit_model()
    u = period_propagator(model, amplitude, frequency)
    assert np.abs(u.conj().T @ u - np.eye(2)).max() < 1e-12
    assert np.abs(u.T - PAULI_Z @ u @ PAULI_Z).max() < 1e-10
    # odd drive: A -> -A is conjugation by sz
    assert np.abs(period_propagator(model, -amplitude, frequency) - PAULI_Z @ u @ PAULI_Z).max() < 1e-10


@given(st.lists(st.floats(-5, 5), min_size=4, max_size=4))
def test_expm_hermitian_2x2_matches_eigh(v):
    k = np.array([[v[0], v[1] + 1j * v[2]], [v[1] - 1j * v[2], v[3]]])
    w, vec = np.linalg.eigh(k)
    assert np.allclose(expm_hermitian(k), vec @ np.diag(np.exp(-1j * w)) @ vec.conj().T, atol=1e-12)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"amplitude": 1.0, "frequency": 0.0}, "frequency"),
        ({"amplitude": 1.0, "frequency": -2.0}, "frequency"),
        ({"amplitude": np.nan, "frequency": 1.0}, "amplitude"),
        ({"amplitude": 1.0, "frequency": np.inf}, "frequency"),
        ({"amplitude": [], "frequency": 1.0}, "amplitude"),
    ],
)
def test_bad_input(kwargs, match):
    with pytest.raises(LZSMInputError, match=match):
        period_propagator(qubit_model(), **kwargs)


@pytest.mark.parametrize("gap", [0.0, -1.0, np.nan])
def test_bad_gap(gap):
    with pytest.raises(LZSMInputError, match="gap"):
        qubit_model(gap)


def test_model_operators_validated_dense_and_sparse():
    with pytest.raises(LZSMInputError, match="static must be Hermitian"):
        DrivenModel(np.array([[0, 1], [0, 0]]), np.eye(2))
    with pytest.raises(LZSMInputError, match="static must be Hermitian"):
        DrivenModel(sp.csr_matrix([[0, 1], [0, 0]]), np.eye(2))
    with pytest.raises(LZSMInputError, match="static must be a non-empty square"):
        DrivenModel(np.zeros((0, 0)), np.zeros((0, 0)))
    model = qubit_model()
    from_sparse = DrivenModel(sp.csr_matrix(model.static), model.drive_operator)  # densified
    assert isinstance(from_sparse.static, np.ndarray)
    np.testing.assert_array_equal(from_sparse.static, model.static)


def test_parity_shortcut_matches_full_period_and_is_validated():
    model = qubit_model()
    plain = DrivenModel(model.static, model.drive_operator, "sin")
    a, w = np.array([0.3, 4.0, 8.0]), np.array([0.5, 2.0, 7.0])
    assert np.abs(period_propagator(model, a, w) - period_propagator(plain, a, w)).max() < 1e-10
    with pytest.raises(LZSMInputError, match="parity"):
        DrivenModel(model.static, model.drive_operator, "sin", parity=np.eye(2))


# --- compiled kernels, numpy fallback, static offset -------------------------------------------------------------


def _random_model(d, seed, waveform="sin"):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    y = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return DrivenModel((x + x.conj().T) / np.sqrt(d), (y + y.conj().T) / np.sqrt(d), waveform)


def test_compiled_backend_is_used_by_default():
    kernels = propagate.compiled_backend()
    assert kernels is not None and kernels.compiled


@pytest.mark.parametrize("d,seed", [(2, 7), (3, 1), (8, 2)])
def test_general_dimension_matches_independent_integrators(d, seed):
    model = _random_model(d, seed, "cos")
    u = period_propagator(model, 1.7, 2.3)
    assert np.linalg.norm(u - reference_period_propagator(model, 1.7, 2.3), 2) < 1e-10
    h = [qutip.Qobj(model.static), [qutip.Qobj(model.drive_operator), lambda t: 1.7 * np.cos(2.3 * t)]]
    opts = {"atol": 1e-13, "rtol": 1e-13, "nsteps": 10**6, "method": "vern9"}
    assert np.linalg.norm(u - qutip.propagator(h, 2 * np.pi / 2.3, options=opts).full(), 2) < 1e-10


@pytest.mark.parametrize("model", [qubit_model(), _random_model(4, 3)], ids=["d2", "d4"])
def test_numpy_fallback_matches_compiled_and_reference(model, monkeypatch):
    a = np.array([0.4, 3.0, 7.5])
    w = np.array([0.6, 2.0, 5.0])
    compiled = evolve(model, a, w, [0.0, 0.3, 1.0, 1.5])
    monkeypatch.setenv(propagate.DISABLE_COMPILED_ENV, "1")
    assert propagate.compiled_backend() is None
    fallback = evolve(model, a, w, [0.0, 0.3, 1.0, 1.5])
    assert np.abs(fallback - compiled).max() < 1e-10
    assert np.linalg.norm(fallback[1, 2] - reference_period_propagator(model, 3.0, 2.0), 2) < 1e-10


def test_static_offset_equals_shifted_static_part():
    """H0 + (c + A f) V integrated with an offset equals the model with static part H0 + c V (independent route)."""
    model = _random_model(4, 5, "cos")
    c = np.array([-1.5, 0.0, 2.5])
    u = period_propagator(model, 1.2, 1.5, offset=c)
    for ci, ui in zip(c, u):
        shifted = DrivenModel(model.static + ci * model.drive_operator, model.drive_operator, "cos")
        assert np.linalg.norm(ui - reference_period_propagator(shifted, 1.2, 1.5), 2) < 1e-10
    # the qubit's parity shortcut is not valid with an offset (S V S = -V): the full period is used
    q = qubit_model()
    shifted = DrivenModel(q.static + 0.7 * q.drive_operator, q.drive_operator, "sin")
    u = period_propagator(q, 2.0, 1.0, offset=0.7)
    assert np.linalg.norm(u - reference_period_propagator(shifted, 2.0, 1.0), 2) < 1e-10


def test_threaded_batch_equals_single_thread(monkeypatch):
    a, w = np.meshgrid(np.linspace(0.1, 8, 7), np.linspace(0.5, 8, 5), indexing="ij")
    for model in (qubit_model(), _random_model(4, 6)):
        kernels = propagate.compiled_backend()
        monkeypatch.setattr(kernels, "PARALLEL_MIN_WORK", 10**18)
        serial = period_propagator(model, a, w)
        monkeypatch.setattr(kernels, "PARALLEL_MIN_WORK", 0)
        monkeypatch.setattr(kernels, "workers", lambda: 2)
        assert np.array_equal(period_propagator(model, a, w), serial)


@settings(max_examples=30, deadline=None)
@given(scale=st.floats(1e-6, 40.0), seed=st.integers(0, 10**6), d=st.sampled_from([3, 4, 6]))
def test_taylor_exponential_matches_eigendecomposition(scale, seed, d):
    """The compiled exp(-iK) (Taylor + scaling and squaring) against scipy's expm, for small to large norms."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    k = scale * (x + x.conj().T) / np.linalg.norm(x + x.conj().T, 2)
    out = np.empty((d, d), complex)
    propagate.compiled_backend().expm_minus_i(k, out, np.empty((4, d, d), complex))
    assert np.linalg.norm(out - expm(-1j * k), 2) < 1e-13 * max(1.0, scale)


def test_bad_offset_and_model():
    with pytest.raises(LZSMInputError, match="offset"):
        evolve(qubit_model(), 1.0, 1.0, offset=np.nan)
    with pytest.raises(LZSMInputError, match="model"):
        evolve("qubit", 1.0, 1.0)
    with pytest.raises(LZSMInputError, match="fractions"):
        evolve(qubit_model(), 1.0, 1.0, (0.5, 0.25))


def _child_map(_):
    a, w = np.meshgrid(np.linspace(0.1, 8, 64), np.linspace(0.5, 8, 64), indexing="ij")
    return period_propagator(qubit_model(), a, w)


def test_threaded_batches_work_in_forked_children():
    """The thread pool is per process: a child forked after the parent used it makes its own (no hang)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    parent = _child_map(None)  # the parent's pool exists now
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        child = pool.submit(_child_map, None).result(timeout=120)
    assert np.array_equal(child, parent)
