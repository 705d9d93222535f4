r"""Closed and open-system pulse-level simulation of compiled circuits.

Frame convention
----------------
:func:`simulate_circuit` composes, instruction by instruction, the exact
unitary of each designed pulse (its lab-frame propagator with idles, as
designed) on its qubits and exact :math:`R_z` matrices for ``rz``.  This is
the closed-system evolution in the rotating frame of every qubit with frame
tracking: the free precession :math:`e^{+i\Delta t\sigma_z/2}` of a qubit
while others are driven is a known Z rotation that the controller absorbs
into that qubit's frame (a virtual Z), which :mod:`lzsm_gates.qiskit.schedules`
makes explicit with ``ShiftPhase`` instructions.  For one real, single-quadrature
baseband line (:math:`\sigma_x` only) a frame change is realised by re-timing
the following pulses by :math:`-\phi/\Delta \bmod 2\pi/\Delta` (what the real
idles of the designs do); a zero-duration virtual Z needs a second,
:math:`\sigma_y`-coupled quadrature.

:func:`simulate_noisy_circuit` replaces every gate by the
Floquet-Born-Markov channel of its pulse and lets idle qubits relax
(Bloch-Redfield), along the schedule of
:func:`~lzsm_gates.qiskit.timeline.circuit_timeline`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
from qiskit.circuit import Gate, QuantumCircuit
from qiskit.circuit.library import RZGate
from qiskit.quantum_info import DensityMatrix, Operator, Statevector, SuperOp, process_fidelity
from qiskit.transpiler import Target

from ..baths import Bath
from ..metrics import unitary_superoperator
from ..models import qubit_model
from ..noise import gate_channel, idle_channel
from ..units import Device, LZSMInputError, check_positive
from .gates import _SWAP, LZSMGate, LZSMSqrtBSwapGate
from .target import LZSMGateSet, _NOT_GATES, _duration_s, check_native, native_device, native_gates, play_instruction
from .execution import _apply
from .timeline import Timeline, circuit_timeline

__all__ = [
    "CircuitSimulation",
    "simulate_circuit",
    "MAX_CHANNEL_QUBITS",
    "NoisyCircuitSimulation",
    "simulate_noisy_circuit",
    "sample_counts",
]


def _played_matrix(played: LZSMGate | LZSMSqrtBSwapGate | float) -> np.ndarray:
    return RZGate(played).to_matrix() if isinstance(played, float) else np.asarray(played)



def _circuit_unitary(circuit: QuantumCircuit, native: Mapping[str, Gate], target: Target | None) -> np.ndarray:
    """Exact unitary of a compiled circuit (physical qubit order, Qiskit convention)."""
    n = circuit.num_qubits
    u = np.eye(2**n, dtype=complex)
    for inst in circuit.data:
        name = inst.operation.name
        if name in _NOT_GATES:
            continue  # identity in the rotating frame; measurements handled by sample_counts
        qargs = tuple(circuit.find_bit(q).index for q in inst.qubits)
        check_native(name, qargs, target)
        u = _apply(u, _played_matrix(play_instruction(inst.operation, native)), qargs, n)
    return u



def _layout_permutations(circuit: QuantumCircuit) -> tuple[np.ndarray, np.ndarray]:
    r"""Unitaries :math:`P_\mathrm{in}, P_\mathrm{out}` with logical :math:`= P_\mathrm{out}^\dagger U P_\mathrm{in}`.

    :math:`P_\mathrm{in}` sends virtual qubit :math:`i` to its initial physical
    qubit, :math:`P_\mathrm{out}` to its final one (routing included).
    """
    n = circuit.num_qubits
    layout = circuit.layout
    initial = list(range(n)) if layout is None else layout.initial_index_layout()
    final = list(range(n)) if layout is None else layout.final_index_layout()

    def permutation(targets: Sequence[int]) -> np.ndarray:
        p = np.zeros((2**n, 2**n))
        for v in range(2**n):
            p[sum(((v >> i) & 1) << q for i, q in enumerate(targets)), v] = 1.0
        return p

    return permutation(initial), permutation(final)



@dataclass(frozen=True)
class CircuitSimulation:
    """Closed-system pulse-level simulation of one compiled circuit.

    Attributes
    ----------
    unitary : ndarray
        Exact unitary of the compiled circuit on the physical qubits (Qiskit order).
    operator : Operator
        The same in the logical qubit order of the original circuit (layouts undone).
    infidelity : float
        :math:`1 - F_\\mathrm{pro}` against the ideal circuit (global phase ignored), or NaN without one.
    duration_s : float
        Length of the scheduled circuit (:func:`circuit_timeline`), seconds.
    """

    unitary: np.ndarray
    operator: Operator
    infidelity: float
    duration_s: float



def _ideal_operator(ideal: QuantumCircuit | Operator) -> Operator:
    return Operator(ideal.remove_final_measurements(inplace=False)) if isinstance(ideal, QuantumCircuit) else ideal



def simulate_circuit(
    compiled: QuantumCircuit,
    gates: Target | LZSMGateSet | Mapping[str, Gate],
    ideal: QuantumCircuit | Operator | None = None,
    *,
    scheduling: str = "alap",
) -> CircuitSimulation:
    r"""Unitary of a compiled circuit from the exact unitaries of the designed pulses.

    Each native instruction contributes its pulse's exact propagator, ``rz``
    an exact :math:`R_z` (frame convention in the module docstring); barriers,
    delays and final measurements are skipped (closed system: idling is free
    precession, tracked in the frame).  The result is compared with the ideal
    circuit by the process fidelity
    :math:`F_\mathrm{pro} = |\mathrm{Tr}(V^\dagger U)|^2/d^2`.

    Parameters
    ----------
    compiled : QuantumCircuit
        Output of ``transpile(circuit, target=lzsm_target(...))``.
    gates : Target, LZSMGateSet or mapping name -> Gate
        Where the native gates (and, for a Target, the allowed qubits) come from.
    ideal : QuantumCircuit or Operator, optional
        The original circuit (final measurements are removed).
    scheduling : {"alap", "asap", "serial"}
        Only sets :attr:`CircuitSimulation.duration_s` (:func:`circuit_timeline`).

    Raises
    ------
    LZSMInputError
        A non-native instruction, or one on qubits the target does not offer it on.
    """
    native, target = native_gates(gates)
    u = _circuit_unitary(compiled, native, target)
    p_in, p_out = _layout_permutations(compiled)
    op = Operator(p_out.T @ u @ p_in)
    infid = float("nan")
    if ideal is not None:
        infid = max(1.0 - float(process_fidelity(op, _ideal_operator(ideal))), 0.0)
    timeline = circuit_timeline(compiled, _duration_s(native, native_device(native)), scheduling)
    return CircuitSimulation(u, op, infid, timeline.total)



#: Largest register whose full process superoperator (4^n x 4^n) :func:`simulate_noisy_circuit` builds.
MAX_CHANNEL_QUBITS = 5



class _ChannelCache:
    """Lab-frame noisy channels of the native gates (Qiskit order) and frame-tracked idles, computed once each."""

    def __init__(self, baths: Sequence[Bath], device: Device) -> None:
        self.baths, self.device = baths, device
        self._gates: dict[tuple[int, tuple[int, ...]], np.ndarray] = {}
        self._idles: dict[tuple[int, float], np.ndarray] = {}

    def gate(self, gate: LZSMGate | LZSMSqrtBSwapGate, qargs: tuple[int, ...]) -> np.ndarray:
        key = (id(gate), tuple(id(self.baths[q]) for q in qargs))  # qubits with the same bath share channels
        if key not in self._gates:
            if isinstance(gate, LZSMSqrtBSwapGate):
                s = gate_channel(gate.design.pulse, [self.baths[q] for q in qargs], model=gate.design.model)
                swap = unitary_superoperator(_SWAP)
                self._gates[key] = swap @ s @ swap  # model order (first qarg left) -> Qiskit order
            else:
                self._gates[key] = gate_channel(gate.design.pulse, self.baths[qargs[0]], model=qubit_model(gate.design.gap))
        return self._gates[key]

    def prepare_idles(self, gaps: Sequence[Sequence[tuple[float, float]]]) -> None:
        r"""Channels of all idle gaps (seconds) per qubit, one Bloch-Redfield tensor per qubit.

        The free precession :math:`e^{+i\Delta\tau\sigma_z/2}` is undone (frame tracking).
        """
        model = qubit_model()
        for q, qgaps in enumerate(gaps):
            lengths = sorted({length for _, length in qgaps})
            if not lengths:
                continue
            tau = np.array([float(self.device.time_from_ns(s * 1e9)) for s in lengths])
            lab = idle_channel(model, tau, self.baths[q])
            for length, t, channel in zip(lengths, tau, lab):
                free = np.diag(np.exp([0.5j * t, -0.5j * t]))  # e^{-i H0 tau}, H0 = -sigma_z / 2
                self._idles[(q, length)] = unitary_superoperator(free.conj().T) @ channel

    def idle(self, qubit: int, length: float) -> np.ndarray:
        return self._idles[(qubit, length)]



def _per_qubit_baths(noise: Bath | Sequence[Bath], n: int) -> list[Bath]:
    baths = [noise] * n if isinstance(noise, Bath) else list(noise)
    if len(baths) != n or not all(isinstance(b, Bath) for b in baths):
        raise LZSMInputError(f"noise must be one Bath or one Bath per physical qubit ({n}), got {noise!r}")
    return baths



def _noisy_evolution(
    compiled: QuantumCircuit,
    gates: Target | LZSMGateSet | Mapping[str, Gate],
    noise: Bath | Sequence[Bath],
    scheduling: str,
    state: np.ndarray,
) -> tuple[np.ndarray, Timeline]:
    """Push column-stacked operators ``state`` (shape (4**n, m)) through the scheduled noisy circuit."""
    native, target = native_gates(gates)
    device = native_device(native)
    n = compiled.num_qubits
    channels = _ChannelCache(_per_qubit_baths(noise, n), device)
    timeline = circuit_timeline(compiled, _duration_s(native, device), scheduling)
    channels.prepare_idles(timeline.idle_gaps(n))
    doubled = lambda qargs: list(qargs) + [n + q for q in qargs]  # noqa: E731 - vec(rho): row qubits, then column qubits
    for kind, index, qargs, _, length in timeline.events(n):
        if kind == "idle":
            state = _apply(state, channels.idle(qargs[0], length), doubled(qargs), 2 * n)
            continue
        op = compiled.data[index].operation
        check_native(op.name, qargs, target)
        played = play_instruction(op, native)
        sup = unitary_superoperator(_played_matrix(played)) if isinstance(played, float) else channels.gate(played, qargs)
        state = _apply(state, sup, doubled(qargs), 2 * n)
    return state, timeline



@dataclass(frozen=True)
class NoisyCircuitSimulation:
    r"""Open-system pulse-level simulation of one compiled circuit.

    Attributes
    ----------
    superoperator : ndarray, shape ``(4**n, 4**n)``
        Channel of the scheduled circuit on the physical qubits (column stacking, Qiskit order).
    channel : SuperOp
        The same in the logical qubit order (layouts undone).
    infidelity : float
        :math:`1 - F_\mathrm{pro}` against the ideal circuit, or NaN without one.
    average_infidelity : float
        :math:`1 - F_\mathrm{avg} = d(1 - F_\mathrm{pro})/(d + 1)`, or NaN.
    duration_s : float
        Length of the schedule (:func:`circuit_timeline`), seconds.
    """

    superoperator: np.ndarray
    channel: SuperOp
    infidelity: float
    average_infidelity: float
    duration_s: float



def simulate_noisy_circuit(
    compiled: QuantumCircuit,
    gates: Target | LZSMGateSet | Mapping[str, Gate],
    noise: Bath | Sequence[Bath],
    ideal: QuantumCircuit | Operator | None = None,
    *,
    scheduling: str = "alap",
) -> NoisyCircuitSimulation:
    r"""Channel of a compiled circuit under noise, gate by gate at pulse level.

    Every native gate contributes the Floquet-Born-Markov channel of its
    designed pulse (:func:`~lzsm_gates.noise.gate_channel`: idles, drive
    period, each qubit coupled through :math:`\sigma_x` to its own bath; the
    entangler as one 4-level channel), ``rz`` an exact :math:`R_z`.  The
    circuit is placed in time by :func:`circuit_timeline` with
    ``scheduling``; every qubit idles (Bloch-Redfield relaxation, free
    precession tracked in its frame) whenever it has no gate (``delay``
    instructions included), up to the end
    of the circuit, so the schedule matters: ``"alap"`` keeps the qubits in
    their initial state longest.  Gates on other qubits do not disturb a
    qubit (no crosstalk).

    Parameters
    ----------
    compiled : QuantumCircuit
        Output of ``transpile(circuit, target=lzsm_target(...))``; at most :data:`MAX_CHANNEL_QUBITS` qubits.
    gates : Target, LZSMGateSet or mapping name -> Gate
    noise : Bath or sequence of Bath
        One bath for every physical qubit (independent copies), or one per physical qubit.
    ideal : QuantumCircuit or Operator, optional
        The original circuit (final measurements removed).
    scheduling : {"alap", "asap", "serial"}

    Raises
    ------
    LZSMInputError
        Non-native instructions, wrong number of baths, or too many qubits for a full channel.
    """
    n = compiled.num_qubits
    if n > MAX_CHANNEL_QUBITS:
        raise LZSMInputError(
            f"the full channel of {n} qubits has 4^{2 * n} entries; num_qubits must be <= {MAX_CHANNEL_QUBITS} "
            "(use sample_counts(..., noise=...), which propagates one density matrix)"
        )
    sup, timeline = _noisy_evolution(compiled, gates, noise, scheduling, np.eye(4**n, dtype=complex))
    p_in, p_out = _layout_permutations(compiled)
    channel = SuperOp(unitary_superoperator(p_out.T) @ sup @ unitary_superoperator(p_in))
    infid = avg = float("nan")
    if ideal is not None:
        ref = _ideal_operator(ideal)
        infid = max(1.0 - float(process_fidelity(channel, ref)), 0.0)
        avg = infid * 2**n / (2**n + 1)
    return NoisyCircuitSimulation(sup, channel, infid, avg, timeline.total)



def sample_counts(
    compiled: QuantumCircuit,
    gates: Target | LZSMGateSet | Mapping[str, Gate],
    shots: int = 1024,
    *,
    seed: int | np.random.Generator | None = None,
    noise: Bath | Sequence[Bath] | None = None,
    scheduling: str = "alap",
) -> dict[str, int]:
    """Measurement counts of a compiled circuit (final measurements), sampled with a seeded rng.

    Starts from :math:`|0\\dots0\\rangle`; keys are bitstrings of the classical
    register (clbit 0 rightmost, as in Qiskit).  Closed system from the exact
    unitary, or, with ``noise``, from the density matrix pushed through the
    scheduled noisy circuit (as in :func:`simulate_noisy_circuit`, one state
    instead of the whole channel).

    Raises
    ------
    LZSMInputError
        If the circuit has no measurements or ``shots < 1``.
    """
    shots = int(check_positive("shots", shots))
    measured = [(compiled.find_bit(i.qubits[0]).index, compiled.find_bit(i.clbits[0]).index) for i in compiled.data if i.operation.name == "measure"]
    if not measured:
        raise LZSMInputError("the circuit has no measurements: add measure instructions to sample counts")
    n = compiled.num_qubits
    if noise is None:
        native, target = native_gates(gates)
        state: Statevector | DensityMatrix = Statevector(_circuit_unitary(compiled, native, target)[:, 0])
    else:
        rho0 = np.zeros((4**n, 1), dtype=complex)
        rho0[0, 0] = 1.0
        rho, _ = _noisy_evolution(compiled, gates, noise, scheduling, rho0)
        state = DensityMatrix(rho[:, 0].reshape(2**n, 2**n, order="F"))
    probs = state.probabilities_dict(qargs=[q for q, _ in measured])
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    keys = list(probs)
    p = np.clip(np.array([probs[k] for k in keys]).real, 0.0, None)
    draws = rng.multinomial(shots, p / p.sum())
    counts: dict[str, int] = {}
    for key, c in zip(keys, draws):
        if c == 0:
            continue
        bits = ["0"] * compiled.num_clbits
        # probabilities_dict key: last qarg leftmost
        for (_, clbit), b in zip(measured, reversed(key)):
            bits[compiled.num_clbits - 1 - clbit] = b
        s = "".join(bits)
        counts[s] = counts.get(s, 0) + int(c)
    return counts
