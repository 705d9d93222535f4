"""LZSMBackend: Qiskit transpilation and primitives on the virtual LZSM device, measurement semantics, hidden truth."""

import warnings

import numpy as np
import pytest
from qiskit import QuantumCircuit, transpile
from qiskit.circuit import ClassicalRegister, Parameter
from qiskit.circuit.library import QFTGate
from qiskit.circuit.random import random_circuit
from qiskit.primitives import BackendEstimatorV2, BackendSamplerV2
from qiskit.quantum_info import DensityMatrix, SparsePauliOp, Statevector, SuperOp

from lzsm_gates import Bath, Device, LZSMInputError
from lzsm_gates.models import coupled_qubits_model, qubit_model
from lzsm_gates.noise import gate_channel, idle_channel
from lzsm_gates.qiskit import DeviceTruth, LZSMBackend, design_gate_set

DEVICE = Device()
SHOTS = 4000


@pytest.fixture(scope="module")
def ideal():
    return LZSMBackend(DEVICE, 4, gate_set=design_gate_set(DEVICE))


def _within_sampling(counts: dict, probs: dict, shots: int) -> None:
    """Every outcome frequency within 5 standard deviations (plus 2 counts) of its probability."""
    for key in set(counts) | {k for k, p in probs.items() if p > 1e-9}:
        p = probs.get(key, 0.0)
        f = counts.get(key, 0) / shots
        assert abs(f - p) <= 5 * np.sqrt(p * (1 - p) / shots) + 2 / shots, (key, f, p)


def _ghz(n):
    qc = QuantumCircuit(n)
    qc.h(0)
    for q in range(1, n):
        qc.cx(q - 1, q)
    return qc


def _qft3():
    qc = QuantumCircuit(3)
    qc.x(0)
    qc.h(2)
    qc.append(QFTGate(3), range(3))
    return qc


LOGICAL = [("bell", _ghz(2)), ("ghz4", _ghz(4)), ("qft3", _qft3())] + [
    (f"random3_{s}", random_circuit(3, 4, seed=s)) for s in (3, 8)
]


@pytest.mark.parametrize("single_qubit", ["sx", "u"])
def test_transpile_alap_all_levels_on_dt_grid_without_warnings(single_qubit):
    backend = LZSMBackend(DEVICE, 3, single_qubit=single_qubit, gate_set=design_gate_set(DEVICE))
    dt = backend.target.dt
    for name in backend.target.operation_names:
        for props in backend.target[name].values() if name != "if_else" else ():
            if props is not None and props.duration is not None:
                assert abs(props.duration / dt - round(props.duration / dt)) < 1e-9, name
    assert backend.target["u" if single_qubit == "u" else "sx"][(0,)].duration > 0
    qc = _ghz(3)
    qc.measure_all()
    for level in range(4):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            scheduled = transpile(qc, backend=backend, optimization_level=level, scheduling_method="alap", seed_transpiler=1)
        ours = [w for w in caught if not issubclass(w.category, DeprecationWarning)]
        assert not ours, [str(w.message) for w in ours]
        assert all(float(i.operation.duration).is_integer() for i in scheduled.data if i.operation.name == "delay")
        # Qiskit's schedule and the backend's own timeline agree on the length
        if single_qubit == "sx":
            assert backend.timeline(scheduled).total == pytest.approx(scheduled.duration * dt, rel=1e-12)


@pytest.mark.parametrize("name,logical", LOGICAL, ids=[n for n, _ in LOGICAL])
def test_sampler_matches_statevector_noise_off(ideal, name, logical):
    qc = logical.copy()
    qc.measure_all()
    compiled = transpile(qc, backend=ideal, optimization_level=1, seed_transpiler=5)
    sampler = BackendSamplerV2(backend=ideal, options={"seed_simulator": 11, "run_options": {"noise": False}})
    counts = sampler.run([compiled], shots=SHOTS).result()[0].data.meas.get_counts()
    _within_sampling(counts, Statevector(logical).probabilities_dict(), SHOTS)
    assert sum(counts.values()) == SHOTS


def test_sampler_on_u_target_matches_statevector():
    """One designed pulse per single-qubit gate (diagonal u are virtual Z idling through their slot)."""
    backend = LZSMBackend(DEVICE, 3, single_qubit="u", gate_set=design_gate_set(DEVICE))
    qc = _ghz(3)
    qc.measure_all()
    compiled = transpile(qc, backend=backend, optimization_level=3, seed_transpiler=1, scheduling_method="alap")
    assert set(compiled.count_ops()) <= {"u", "sqrt_bswap", "measure", "barrier", "delay"}
    sampler = BackendSamplerV2(backend=backend, options={"seed_simulator": 4, "run_options": {"noise": False}})
    counts = sampler.run([compiled], shots=SHOTS).result()[0].data.meas.get_counts()
    _within_sampling(counts, Statevector(_ghz(3)).probabilities_dict(), SHOTS)


def _feedback_circuit(theta, phi):
    """q0 measured mid-circuit into c0, if_else on it, q0 reset and reused, results into c2 c1 c0."""
    qc = QuantumCircuit(2, 3)
    qc.ry(theta, 0)
    qc.measure(0, 0)
    with qc.if_test((qc.clbits[0], 1)) as else_:
        qc.x(1)
    with else_:
        qc.h(1)
    qc.reset(0)
    qc.ry(phi, 0)
    qc.measure(0, 2)
    qc.measure(1, 1)
    return qc


def _feedback_prediction(theta, phi):
    """Deferred measurement: the controls become quantum controls, the reused qubit a fresh one."""
    qc = QuantumCircuit(3)
    qc.ry(theta, 0)
    qc.cx(0, 1)
    qc.x(0)
    qc.ch(0, 1)
    qc.x(0)
    qc.ry(phi, 2)
    return Statevector(qc).probabilities_dict()


def test_sampler_mid_circuit_measurement_reset_and_if_else(ideal):
    theta, phi = 1.1, 2.3
    compiled = transpile(_feedback_circuit(theta, phi), backend=ideal, optimization_level=1, seed_transpiler=2)
    assert "if_else" in compiled.count_ops() and "reset" in compiled.count_ops()
    sampler = BackendSamplerV2(backend=ideal, options={"seed_simulator": 5, "run_options": {"noise": False}})
    counts = sampler.run([compiled], shots=SHOTS).result()[0].data.c.get_counts()
    _within_sampling(counts, _feedback_prediction(theta, phi), SHOTS)


def test_mid_circuit_measurement_is_not_a_final_measurement(ideal):
    qc = QuantumCircuit(1, 2)
    qc.h(0)
    qc.measure(0, 0)
    qc.x(0)
    qc.measure(0, 1)
    compiled = transpile(qc, backend=ideal, optimization_level=0)
    probs = ideal.execute(compiled, noise=False).probabilities
    assert set(k for k, p in probs.items() if p > 1e-8) == {0b10, 0b01}
    assert probs[0b10] == pytest.approx(0.5, abs=1e-6)


def test_counts_labelled_by_the_circuits_own_clbits(ideal):
    qc = QuantumCircuit(3)
    ra, rb = ClassicalRegister(2, "a"), ClassicalRegister(1, "b")
    qc.add_register(ra)
    qc.add_register(rb)
    qc.x(0)
    qc.measure(0, rb[0])  # q0 = 1 -> b
    qc.measure(1, ra[1])  # q1 = 0 -> a[1]
    qc.x(2)
    qc.measure(2, ra[0])  # q2 = 1 -> a[0]
    compiled = transpile(qc, backend=ideal, optimization_level=3, seed_transpiler=4)
    counts = ideal.run(compiled, shots=50, seed_simulator=1, noise=False).result().get_counts()
    assert counts == {"1 01": 50}
    data = BackendSamplerV2(backend=ideal).run([compiled], shots=20).result()[0].data
    assert data.a.get_counts() == {"01": 20} and data.b.get_counts() == {"1": 20}


def test_estimator_matches_statevector(ideal):
    logical = random_circuit(2, 3, seed=21)
    compiled = transpile(logical, backend=ideal, optimization_level=1, seed_transpiler=3)
    obs = SparsePauliOp.from_list([("ZZ", 1.0), ("XI", 0.5), ("YX", -0.7), ("IZ", 0.3)])
    estimator = BackendEstimatorV2(backend=ideal, options={"seed_simulator": 9, "default_precision": 0.02})
    res = estimator.run([(compiled, [p.apply_layout(compiled.layout) for p in obs])]).result()[0]
    exact = [Statevector(logical).expectation_value(p).real for p in obs]
    assert np.all(np.abs(res.data.evs - exact) <= 5 * res.data.stds + 1e-9), (res.data.evs, exact)


def test_run_refuses_clearly(ideal):
    theta = Parameter("t")
    qc = QuantumCircuit(1, 1)
    qc.rz(theta, 0)
    qc.measure(0, 0)
    with pytest.raises(LZSMInputError, match="unbound"):
        ideal.run(qc)
    qc = QuantumCircuit(1, 1)
    qc.h(0)
    with pytest.raises(LZSMInputError, match="native"):
        ideal.run(qc)
    with pytest.raises(LZSMInputError, match="unknown run options"):
        ideal.run(QuantumCircuit(1), shot=3)
    with pytest.raises(LZSMInputError, match="shots"):
        ideal.run(QuantumCircuit(1), shots=0)
    loop = QuantumCircuit(1, 1)
    with loop.while_loop((loop.clbits[0], 0)):
        loop.x(0)
        loop.measure(0, 0)
    with pytest.raises(LZSMInputError, match="while_loop"):
        ideal.run(loop)


def test_seeded_runs_reproducible(ideal):
    qc = transpile(_ghz(2).measure_all(inplace=False), backend=ideal, seed_transpiler=1)
    m1 = ideal.run(qc, shots=64, seed_simulator=3, memory=True).result().get_memory()
    m2 = ideal.run(qc, shots=64, seed_simulator=3, memory=True).result().get_memory()
    m3 = ideal.run(qc, shots=64, seed_simulator=4, memory=True).result().get_memory()
    assert m1 == m2 and m1 != m3


# -- the virtual device --------------------------------------------------------------------------------------


TRUTH = DeviceTruth(
    gap_offset=(0.004, -0.003),
    amplitude_scale={"d0": 1.02, "d1": 0.97, "u0": 1.01},
    cutoff=25.0,
    skew_ns={"d0": 0.1, "d1": 0.3, "u0": 0.2},
    readout=((0.02, 0.05), (0.03, 0.04)),
)
BATH = Bath.ohmic(2e-3, temperature=0.2)


@pytest.fixture(scope="module")
def noisy():
    return LZSMBackend(DEVICE, 2, truth=TRUTH, baths=BATH, gate_set=design_gate_set(DEVICE))


def _serial_prediction(compiled, backend):
    """Density-matrix prediction of a serial schedule, composed here with Qiskit's DensityMatrix.evolve.

    Each pulse: the true pulse (amplitude times the line's transfer, drive delayed by the skew) on the true
    gaps as a Floquet-Born-Markov channel, then idle to the end of its slot; the other qubit idles for the
    whole slot (Bloch-Redfield at its true gap).  Before a qubit's next gate the controller's frame change
    :math:`R_z(\\Delta\\tau)` for its idle time since its last gate.  Measurements one after the other,
    then the readout assignment matrices.
    """
    dev, tgt = backend.device, backend.target
    tau = lambda s: float(dev.time_from_ns(s * 1e9))  # noqa: E731
    pending = [0.0, 0.0]

    def idle(rho, q, s):
        pending[q] += tau(s)
        return rho.evolve(SuperOp(idle_channel(qubit_model(1 + TRUTH.gap_offset[q]), tau(s), BATH)), [q])

    def flush(rho, q):
        rho, pending[q] = rho.evolve(np.diag(np.exp([-0.5j * pending[q], 0.5j * pending[q]])), [q]), 0.0
        return rho

    rho = DensityMatrix.from_label("00")
    order = []
    for inst in compiled.data:
        name, qargs = inst.operation.name, tuple(compiled.find_bit(q).index for q in inst.qubits)
        if name == "measure":
            order.append(qargs[0])
            continue
        for q in qargs:
            rho = flush(rho, q)
        if name == "rz":
            rho = rho.evolve(inst.operation, qargs)
            continue
        slot = tgt[name][qargs].duration
        p = tgt.operation_from_name(name).design.pulse
        line = f"d{qargs[0]}" if len(qargs) == 1 else "u0"
        scale = TRUTH.amplitude_scale[line] / np.sqrt(1 + (p.frequency / TRUTH.cutoff) ** 2)
        true = type(p)(p.amplitude * scale, p.frequency, p.idle_before + tau(TRUTH.skew_ns[line] * 1e-9), p.idle_after)
        gaps = [1 + TRUTH.gap_offset[q] for q in qargs]
        if len(qargs) == 1:
            rho = rho.evolve(SuperOp(gate_channel(true, BATH, model=qubit_model(gaps[0]))), qargs)
        else:  # model order: first qarg left, i.e. Qiskit qargs reversed
            rho = rho.evolve(SuperOp(gate_channel(true, [BATH, BATH], model=coupled_qubits_model(*gaps))), qargs[::-1])
        pad = slot - float(dev.time_to_ns(true.duration)) * 1e-9
        for q in qargs:
            rho = idle(rho, q, pad)
        for q in set(range(2)) - set(qargs):
            rho = idle(rho, q, slot)
    for k, q in enumerate(order):  # the qubit measured k-th waits k readouts
        if k:
            rho = idle(rho, q, k * backend.slots.measure_s)
    joint = rho.probabilities([order[0], order[1]]).reshape(2, 2)  # [m(order[1]), m(order[0])]
    ma, mb = (np.array([[1 - TRUTH.readout[q][0], TRUTH.readout[q][1]], [TRUTH.readout[q][0], 1 - TRUTH.readout[q][1]]]) for q in order)
    rec = mb @ joint @ ma.T  # [r(order[1]), r(order[0])]
    return {f"{r1}{r0}": rec[r1, r0] for r1 in (0, 1) for r0 in (0, 1)}  # clbit k = measure of order[k]


def test_noisy_sampler_matches_density_matrix_prediction(noisy):
    qc = _ghz(2)
    qc.add_register(ClassicalRegister(2, "c"))
    qc.measure([0, 1], [0, 1])
    compiled = transpile(qc, backend=noisy, optimization_level=1, seed_transpiler=7)
    measured = [compiled.find_bit(i.qubits[0]).index for i in compiled.data if i.operation.name == "measure"]
    clbits = [compiled.find_bit(i.clbits[0]).index for i in compiled.data if i.operation.name == "measure"]
    assert clbits == [0, 1] and sorted(measured) == [0, 1]
    prediction = _serial_prediction(compiled, noisy)
    ideal_probs = Statevector(_ghz(2)).probabilities_dict()
    assert sum(abs(prediction[k] - ideal_probs.get(k, 0)) for k in prediction) > 0.05  # noise is visible
    sampler = BackendSamplerV2(backend=noisy, options={"seed_simulator": 17, "run_options": {"scheduling": "serial"}})
    counts = sampler.run([compiled], shots=SHOTS).result()[0].data.c.get_counts()
    _within_sampling(counts, prediction, SHOTS)
    exact = noisy.execute(compiled, scheduling="serial").probabilities
    np.testing.assert_allclose([exact.get(int(k, 2), 0) for k in sorted(prediction)], [prediction[k] for k in sorted(prediction)], atol=1e-9)


def test_gap_offset_seen_only_through_ramsey_fringes():
    offset = 0.01
    truth = DeviceTruth((offset,), {})
    backends = {name: LZSMBackend(DEVICE, 1, truth=t, gate_set=design_gate_set(DEVICE)) for name, t in (("ideal", None), ("off", truth))}
    half = int(round(float(DEVICE.time_to_ns(np.pi / offset)) / DEVICE.dt_ns))  # delta * tau = pi, in samples
    p1 = {}
    for name, backend in backends.items():
        for delay in (0, half):
            qc = QuantumCircuit(1, 1)
            qc.sx(0)
            qc.delay(delay, 0, unit="dt")
            qc.sx(0)
            qc.measure(0, 0)
            p1[name, delay] = backend.execute(qc, noise=False).probabilities.get(1, 0.0)
    assert p1["ideal", 0] > 1 - 1e-6 and p1["ideal", half] > 1 - 1e-6
    assert p1["off", 0] > 0.95 and p1["off", half] < 0.05


class _Poisoned:
    def __getattribute__(self, name):
        raise AssertionError(f"the hidden truth was read ({name})")


def test_design_and_compilation_never_read_the_hidden_truth():
    from lzsm_gates.qiskit import design_u_gate, lzsm_target

    truths = (DeviceTruth.random(2, seed=1), DeviceTruth.random(2, seed=2, spread=3.0))
    backends = [LZSMBackend(DEVICE, 2, truth=t, gate_set=design_gate_set(DEVICE)) for t in truths]
    for b in backends:
        b.virtual_device._VirtualDevice__truth = _Poisoned()
    qc = random_circuit(2, 3, seed=2, measure=True)
    compiled = [transpile(qc, backend=b, optimization_level=2, scheduling_method="alap", seed_transpiler=3) for b in backends]
    assert compiled[0] == compiled[1]
    assert backends[0].timeline(compiled[0]).total == backends[1].timeline(compiled[1]).total
    lzsm_target(backends[0].device, 2, single_qubit="u", slots=backends[0].slots)
    design_u_gate(1.0, 0.3, 0.2, backends[0].device)
    for a, b in zip(*(sorted(bk.target.instructions, key=str) for bk in backends)):
        assert str(a) == str(b)
    with pytest.raises(AssertionError, match="hidden truth was read"):
        backends[0].run(compiled[0], shots=10)
    assert backends[0].device == DEVICE



def test_pulse_gate_scan_is_played_on_the_true_device():
    """A Rabi-like amplitude scan through circuit parameters; P(1) = |U(T)_10|^2 of the *true* drive, from scipy."""
    from conftest import reference_period_propagator
    from lzsm_gates.qiskit import LZSMPulseGate

    amp, freq = Parameter("A"), Parameter("w")
    qc = QuantumCircuit(1, 1)
    qc.append(LZSMPulseGate(amp, freq, 0.3, 0.0), [0])
    qc.measure(0, 0)
    scale = 0.9
    truth = DeviceTruth((0.0,), {"d0": scale})
    backend = LZSMBackend(DEVICE, 1, truth=truth, gate_set=design_gate_set(DEVICE))
    compiled = transpile(qc, backend=backend, optimization_level=1, scheduling_method="alap")
    assert compiled.count_ops().get("lzsm_pulse") == 1
    values = np.array([[0.4, 1.5], [0.9, 1.5], [1.6, 2.2]])
    expected = [abs(reference_period_propagator(qubit_model(), scale * a, w)[1, 0]) ** 2 for a, w in values]
    exact = [backend.execute(compiled.assign_parameters(v), noise=False).probabilities.get(1, 0.0) for v in values]
    np.testing.assert_allclose(exact, expected, atol=1e-9)
    sampler = BackendSamplerV2(backend=backend, options={"seed_simulator": 2, "run_options": {"noise": False}})
    bits = sampler.run([(compiled, values)], shots=SHOTS).result()[0].data.c
    for counts, p in zip((bits.get_counts(i) for i in range(len(values))), expected):
        _within_sampling(counts, {"1": p, "0": 1 - p}, SHOTS)
    with pytest.raises(LZSMInputError, match="unbound"):
        backend.run(compiled)
    too_long = QuantumCircuit(1)
    too_long.append(LZSMPulseGate(1.0, 0.1, 0.0, 0.0), [0])
    with pytest.raises(LZSMInputError, match="slot"):
        backend.run(too_long)


def test_rz_played_as_idle_time():
    """virtual_z="idle": rz is free precession in a one-Larmor-period slot; exact on the nominal device,
    off by the gap offset on a miscalibrated one (where the frame change is not)."""
    qc = _qft3()
    qc.measure_all()
    exact = {}
    for truth in (None, DeviceTruth((0.01, 0.0, 0.0), {})):
        for mode in ("frame", "idle"):
            backend = LZSMBackend(DEVICE, 3, truth=truth, virtual_z=mode, gate_set=design_gate_set(DEVICE))
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                compiled = transpile(qc, backend=backend, optimization_level=1, seed_transpiler=6, scheduling_method="alap")
            assert not [w for w in caught if not issubclass(w.category, DeprecationWarning)]
            assert (backend.target["rz"][(0,)].duration > 0) == (mode == "idle")
            exact[truth is None, mode] = backend.execute(compiled, noise=False).probabilities
    ideal = {int(k, 2): p for k, p in Statevector(_qft3()).probabilities_dict().items()}
    for mode in ("frame", "idle"):
        assert all(abs(exact[True, mode].get(k, 0) - p) < 1e-8 for k, p in ideal.items())
    shift = sum(abs(exact[False, "idle"].get(k, 0) - exact[False, "frame"].get(k, 0)) for k in range(8))
    assert shift > 1e-3
    with pytest.raises(LZSMInputError, match="virtual_z"):
        LZSMBackend(DEVICE, 1, virtual_z="yes", gate_set=design_gate_set(DEVICE))


def test_leaking_multilevel_device_counts_follow_the_n_level_propagator():
    """Single-qubit pulses on a 4-level Kerr ladder (alpha = 0.3 gap) leak strongly; leaked population reads as 1.

    Prediction per qubit from the 4-level propagator of its one pulse, solved independently (qiskit-dynamics
    DOP853 of the continuous drive): P(1) = |<1|U|0>|^2 + leaked population of |0>
    (:func:`lzsm_gates.devices.leakage.subspace_block`).  The two-level device gives other counts.
    """
    from lzsm_gates.devices import kerr_ladder
    from lzsm_gates.devices.leakage import subspace_block

    gates = design_gate_set(DEVICE)
    spectrum = kerr_ladder(0.3, levels=4)
    leaky = LZSMBackend(DEVICE, 2, gate_set=gates, multilevel=spectrum)
    two_level = LZSMBackend(DEVICE, 2, gate_set=gates)
    assert leaky.virtual_device.levels == 4 and two_level.virtual_device.levels == 2
    qc = QuantumCircuit(2)
    qc.append(leaky.target.operation_from_name("sx"), [0])
    qc.append(leaky.target.operation_from_name("x"), [1])
    qc.measure_all()
    compiled = transpile(qc, backend=leaky, optimization_level=0)
    p1 = []
    for name in ("sx", "x"):
        block = subspace_block(gates.gates[name].design.pulse.simulate(spectrum.model(4)))
        leaked = 1.0 - np.sum(np.abs(block[:, 0]) ** 2)
        assert leaked > 0.05  # strongly leaking
        p1.append(abs(block[1, 0]) ** 2 + leaked)
    predicted = {f"{b1}{b0}": (p1[0] if b0 else 1 - p1[0]) * (p1[1] if b1 else 1 - p1[1]) for b0 in (0, 1) for b1 in (0, 1)}
    exact = {format(k, "02b"): v for k, v in leaky.execute(compiled, noise=False).probabilities.items()}
    for key, p in predicted.items():
        assert exact.get(key, 0.0) == pytest.approx(p, abs=1e-7)
    sampler = BackendSamplerV2(backend=leaky, options={"seed_simulator": 3, "run_options": {"noise": False}})
    counts = sampler.run([compiled], shots=SHOTS).result()[0].data.meas.get_counts()
    _within_sampling(counts, predicted, SHOTS)
    # the two-level device: x reads 1 almost surely; the leaking device much less often
    sampler2 = BackendSamplerV2(backend=two_level, options={"seed_simulator": 3, "run_options": {"noise": False}})
    counts2 = sampler2.run([compiled], shots=SHOTS).result()[0].data.meas.get_counts()
    ones = lambda c: sum(n for k, n in c.items() if k[0] == "1") / SHOTS  # noqa: E731 - qubit 1 reads 1
    assert ones(counts2) - ones(counts) > 10 * np.sqrt(p1[1] * (1 - p1[1]) / SHOTS)
    with pytest.raises(LZSMInputError, match="baths"):
        LZSMBackend(DEVICE, 2, gate_set=gates, multilevel=spectrum, baths=Bath.ohmic(1e-3, temperature=0.1))
    with pytest.raises(LZSMInputError, match="levels"):
        LZSMBackend(DEVICE, 2, gate_set=gates, multilevel=spectrum, levels=2)


def test_multilevel_device_without_leakage_is_the_two_level_device():
    """Far higher levels: sx - rz - sx interference tends to the two-level one as 1/alpha (dispersive shift of level 2).

    Also: the leak-to-1 channel is trace preserving, and the unitary channel when nothing leaks.
    """
    from lzsm_gates.devices import kerr_ladder
    from lzsm_gates.metrics import unitary_superoperator
    from lzsm_gates.qiskit.device import leak_to_one_channel

    gates = design_gate_set(DEVICE)
    two_level = LZSMBackend(DEVICE, 1, gate_set=gates)
    qc = QuantumCircuit(1)
    qc.sx(0)
    qc.rz(0.7, 0)
    qc.sx(0)
    qc.measure_all()
    compiled = transpile(qc, backend=two_level, optimization_level=0)
    p_two = two_level.execute(compiled, noise=False).probabilities[1]
    assert 0.1 < p_two < 0.9  # the phase matters
    shift = {}
    for alpha in (400.0, 4000.0):
        far = LZSMBackend(DEVICE, 1, gate_set=gates, multilevel=kerr_ladder(alpha, levels=3))
        shift[alpha] = far.execute(compiled, noise=False).probabilities[1] - p_two
    assert abs(shift[4000.0]) < 2e-4
    assert shift[400.0] / shift[4000.0] == pytest.approx(10.0, rel=0.05)
    # Kraus completeness: the Liouville matrix keeps the trace of any input, and is the unitary one without leakage
    rng = np.random.default_rng(0)
    h = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
    w, v = np.linalg.eigh(h + h.conj().T)
    u = v @ np.diag(np.exp(-1j * w)) @ v.conj().T
    sup = leak_to_one_channel(u)
    trace = np.array([1, 0, 0, 1])  # vec(I), column stacking
    assert np.allclose(trace @ sup, trace)
    u2 = np.eye(3, dtype=complex)
    u2[:2, :2] = np.array([[0, 1], [1, 0]])
    assert np.allclose(leak_to_one_channel(u2), unitary_superoperator(u2[:2, :2]))


@pytest.mark.parametrize("level", [0, 3])
def test_backend_with_xy_entangler_samples_ghz(level):
    """``entangler="xy"``: the target offers the idle-free XY entangler on the couplers, the transpiler
    compiles onto it and the virtual device plays it on the coupler line."""
    backend = LZSMBackend(DEVICE, 3, entangler="xy", gate_set=design_gate_set(DEVICE, entangler="xy"))
    assert "xy_entangler" in backend.target.operation_names and "sqrt_bswap" not in backend.target.operation_names
    assert backend.virtual_device.couplers == ((0, 1), (1, 2))
    qc = _ghz(3)
    qc.measure_all()
    compiled = transpile(qc, backend=backend, optimization_level=level, seed_transpiler=5)
    assert compiled.count_ops()["xy_entangler"] >= 4
    sampler = BackendSamplerV2(backend=backend, options={"seed_simulator": 11, "run_options": {"noise": False}})
    counts = sampler.run([compiled], shots=SHOTS).result()[0].data.meas.get_counts()
    _within_sampling(counts, Statevector(_ghz(3)).probabilities_dict(), SHOTS)
    with pytest.raises(LZSMInputError, match="entangler"):
        LZSMBackend(DEVICE, 2, entangler="cz")
