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
from typing import Mapping, Sequence

import numpy as np
from qiskit.circuit import CONTROL_FLOW_OP_NAMES, Gate, QuantumCircuit
from qiskit.circuit.library import RZGate
from qiskit.quantum_info import Operator, SuperOp, process_fidelity
from qiskit.transpiler import Target

from ..baths import Bath
from ..metrics import unitary_superoperator
from ..units import LZSMInputError, check_integer
from .gates import LZSMEntanglerGate, LZSMGate
from .target import (
    LZSMGateSet,
    _NOT_GATES,
    _duration_s,
    check_native,
    native_device,
    native_gates,
    play_instruction,
    target_couplers,
)
from .device import VirtualDevice
from .execution import _apply, execute, execution_timeline
from .timeline import circuit_timeline
from ..version import Provenance

__all__ = [
    "CircuitSimulation",
    "simulate_circuit",
    "MAX_CHANNEL_QUBITS",
    "NoisyCircuitSimulation",
    "simulate_noisy_circuit",
    "sample_counts",
]


def _played_matrix(played: LZSMGate | LZSMEntanglerGate | float) -> np.ndarray:
    return RZGate(played).to_matrix() if isinstance(played, float) else np.asarray(played)



def _without_final_measurements(circuit: QuantumCircuit, what: str) -> QuantumCircuit:
    """The circuit without its final measurements; refuses measurements, resets and control flow elsewhere."""
    body = circuit.remove_final_measurements(inplace=False)
    for inst in body.data:
        if inst.operation.name in ("measure", "reset") or inst.operation.name in CONTROL_FLOW_OP_NAMES:
            raise LZSMInputError(
                f"{what} needs a circuit without mid-circuit {inst.operation.name}: use sample_counts or LZSMBackend"
            )
    return body



def _circuit_unitary(circuit: QuantumCircuit, native: Mapping[str, Gate], target: Target | None) -> np.ndarray:
    """Exact unitary of a compiled circuit (physical qubit order, Qiskit convention)."""
    circuit = _without_final_measurements(circuit, "a circuit unitary")
    n = circuit.num_qubits
    u = np.eye(2**n, dtype=complex)
    for inst in circuit.data:
        name = inst.operation.name
        if name in _NOT_GATES:
            continue  # identity in the rotating frame (frame-tracked idle)
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
class CircuitSimulation(Provenance):
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



def _virtual_device(compiled: QuantumCircuit, native: Mapping[str, Gate], target: Target | None,
                    noise: Bath | Sequence[Bath] | None) -> VirtualDevice:
    """The nominal device of the native gates as a virtual device (no hidden offsets), with ``noise`` as its baths."""
    pairs = {tuple(sorted(compiled.find_bit(q).index for q in i.qubits)) for i in compiled.data if i.operation.num_qubits == 2}
    if target is not None:
        pairs |= set(target_couplers(target))
    return VirtualDevice(native_device(native), compiled.num_qubits, sorted(pairs), baths=noise)



@dataclass(frozen=True)
class NoisyCircuitSimulation(Provenance):
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
    native, target = native_gates(gates)
    body = _without_final_measurements(compiled, "simulate_noisy_circuit")
    if noise is None:
        raise LZSMInputError("noise must be one Bath or one Bath per physical qubit, got None")
    device = _virtual_device(body, native, target, noise)
    sup = execute(body, gates, device, scheduling=scheduling, initial=np.eye(4**n, dtype=complex)).states[0]
    total = execution_timeline(body, gates, device, scheduling).total
    p_in, p_out = _layout_permutations(compiled)
    channel = SuperOp(unitary_superoperator(p_out.T) @ sup @ unitary_superoperator(p_in))
    infid = avg = float("nan")
    if ideal is not None:
        ref = _ideal_operator(ideal)
        infid = max(1.0 - float(process_fidelity(channel, ref)), 0.0)
        avg = infid * 2**n / (2**n + 1)
    return NoisyCircuitSimulation(sup, channel, infid, avg, total)



def sample_counts(
    compiled: QuantumCircuit,
    gates: Target | LZSMGateSet | Mapping[str, Gate],
    shots: int = 1024,
    *,
    seed: int | np.random.Generator | None = None,
    noise: Bath | Sequence[Bath] | None = None,
    scheduling: str = "alap",
) -> dict[str, int]:
    """Measurement counts of a compiled circuit, sampled with a seeded rng.

    Starts from :math:`|0\\dots0\\rangle`; keys are bitstrings of the circuit's
    own classical bits (clbit 0 rightmost, as in Qiskit), so the transpiler's
    layout and each measurement's clbit are respected.  Mid-circuit
    measurements, resets and ``if_else`` blocks are simulated exactly
    (:func:`~lzsm_gates.qiskit.execution.execute`, the backend's path):
    closed system, or with ``noise`` the scheduled noisy circuit (measurements
    are timed instructions of the schedule).

    Raises
    ------
    LZSMInputError
        If the circuit has no measurements, ``shots < 1``, or an unsupported instruction
        (``c_if`` conditions, loops, non-native gates).
    """
    shots = check_integer("shots", shots, minimum=1)
    if not any(i.operation.name == "measure" for i in compiled.data):
        raise LZSMInputError("the circuit has no measurements: add measure instructions to sample counts")
    native, target = native_gates(gates)
    outcome = execute(compiled, gates, _virtual_device(compiled, native, target, noise), noise=noise is not None, scheduling=scheduling)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    values, counts = np.unique(outcome.sample(shots, rng).astype(int), return_counts=True)
    return {format(int(v), f"0{compiled.num_clbits}b"): int(c) for v, c in zip(values, counts)}
