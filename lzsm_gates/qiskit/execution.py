r"""The one simulation path of compiled circuits: scheduled density-matrix evolution with classical branches.

A compiled circuit is placed in time by
:func:`~lzsm_gates.qiskit.timeline.circuit_timeline` (measurements, resets
and ``if_else`` blocks are timed entries, classical bits order them), and the
state of the simulated qubits is carried as a set of *branches*
:math:`\{(c, \tilde\rho_c)\}`: :math:`c` is the value of the classical
register, :math:`\tilde\rho_c` the unnormalised density matrix of the
qubits given :math:`c`, with :math:`\mathrm{Tr}\,\tilde\rho_c = p(c)`.  Each
event acts on every branch:

* a pulse or an idle gap (or ``rz`` played as idle time, ``rz_as_idle``): the superoperator of the
  :class:`~lzsm_gates.qiskit.device.VirtualDevice`, a virtual Z its exact
  :math:`R_z`; a pulse starts at the beginning of its slot, the rest of the
  slot is idle time; idles evolve in the lab frame (true gap), and the
  controller's frame change follows each continuous idle interval of a qubit
  (applied before its next event), so the result does not depend on how an
  interval is sliced;
* ``measure`` of qubit :math:`q` into bit :math:`b`: projection on the
  outcome :math:`m`, and the recorded bit :math:`r` with probability
  :math:`M_q[r, m]` (readout assignment matrix):
  :math:`\tilde\rho_{c[b\leftarrow r]} \mathrel{+}= M_q[r,m]\,\Pi_m\tilde\rho_c\Pi_m`;
  the qubit then idles for the rest of the readout;
* ``reset``: the channel :math:`\rho \mapsto |0\rangle\langle 0|\,\mathrm{Tr}_q\rho` (ideal);
* ``if_else`` on a bit or a register: each branch evolves through the body
  its own :math:`c` selects; the block lasts as long as its longer body, the
  other one idles to its end;
* barriers synchronise, delays are idle gaps.

This is exact (no trajectory sampling): the probabilities of the classical
outcomes are :math:`p(c) = \mathrm{Tr}\,\tilde\rho_c` at the end, and shots
are drawn from them.  Only the qubits the circuit touches are simulated; the
others stay in :math:`|0\rangle` (no crosstalk), which leaves the outcomes
unchanged.  Other control flow (loops, ``switch``), classical expressions and
``c_if`` conditions are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from qiskit.circuit import ClassicalRegister, Clbit, QuantumCircuit
from qiskit.circuit.library import RZGate
from qiskit.transpiler import Target

from ..metrics import unitary_superoperator
from ..units import ConvergenceError, LZSMInputError
from .device import VirtualDevice
from .gates import LZSMPulseGate
from .target import check_native, delay_seconds, native_gates, play_instruction, rz_idle_seconds
from .timeline import Timeline, circuit_timeline
from ..version import Provenance

__all__ = ["Execution", "execute", "execution_timeline", "MAX_EXECUTION_QUBITS"]

#: Most qubits :func:`execute` simulates (a density matrix has :math:`4^n` entries per classical outcome).
MAX_EXECUTION_QUBITS = 10


_RESET = sum(unitary_superoperator(k) for k in (np.array([[1, 0], [0, 0]]), np.array([[0, 1], [0, 0]])))
_PROJECTORS = (unitary_superoperator(np.diag([1.0, 0.0])), unitary_superoperator(np.diag([0.0, 1.0])))
_CONTROL_FLOW = ("for_loop", "while_loop", "switch_case", "box")
_SUPPORTED = ("barrier", "delay", "measure", "reset", "if_else")


@dataclass(frozen=True)
class Execution(Provenance):
    r"""Outcome of one compiled circuit on a virtual device.

    Attributes
    ----------
    probabilities : dict of int to float
        :math:`p(c)` of each classical register value :math:`c` (clbit ``i`` is bit ``i`` of :math:`c`).
    states : dict of int to ndarray
        The unnormalised density matrices :math:`\tilde\rho_c` of :attr:`qubits` at the end (Qiskit order).
    qubits : tuple of int
        The simulated physical qubits (those the circuit touches), in the order of the density matrices.
    num_clbits : int
    duration_s : float
        Length of the schedule, seconds.
    """

    probabilities: dict[int, float]
    states: dict[int, np.ndarray]
    qubits: tuple[int, ...]
    num_clbits: int
    duration_s: float

    def sample(self, shots: int, rng: np.random.Generator) -> np.ndarray:
        """``shots`` register values drawn from :attr:`probabilities`, in random order."""
        keys = np.array(list(self.probabilities), dtype=object)
        p = np.array(list(self.probabilities.values()))
        draws = rng.multinomial(int(shots), p / p.sum())
        return rng.permutation(np.repeat(keys, draws))



def _apply(state: np.ndarray, matrix: np.ndarray, qargs: Sequence[int], n: int) -> np.ndarray:
    """``matrix`` on the little-endian qubits ``qargs`` of an ``n``-qubit register; ``state`` has shape (2**n, m)."""
    k = len(qargs)
    m = state.shape[-1]
    t = state.reshape((2,) * n + (m,))
    axes = [n - 1 - q for q in reversed(qargs)]  # little-endian qubit q is axis n - 1 - q
    g = np.asarray(matrix).reshape((2,) * (2 * k))
    t = np.moveaxis(np.tensordot(g, t, axes=(list(range(k, 2 * k)), axes)), list(range(k)), axes)
    return t.reshape(2**n, m)



def _touched(circuit: QuantumCircuit, qmap: tuple[int, ...], out: set[int]) -> set[int]:
    for inst in circuit.data:
        phys = [qmap[circuit.find_bit(q).index] for q in inst.qubits]
        if inst.operation.name == "barrier":
            continue
        out.update(phys)
        for body in getattr(inst.operation, "blocks", ()):
            _touched(body, tuple(phys), out)
    return out



class _Evolution:
    """Branches of one circuit's execution (module docstring)."""

    def __init__(self, compiled: QuantumCircuit, gates: Target | Any, device: VirtualDevice, noise: bool, scheduling: str,
                 all_qubits: bool = False, rz_as_idle: bool = False) -> None:
        self.native, self.target = native_gates(gates)
        self.device, self.noise, self.scheduling, self.rz_as_idle = device, noise, scheduling, rz_as_idle
        if compiled.num_qubits > device.num_qubits:
            raise LZSMInputError(f"the circuit has {compiled.num_qubits} qubits, the device {device.num_qubits}: transpile first")
        every = tuple(range(compiled.num_qubits))
        self.qubits = every if all_qubits else tuple(sorted(_touched(compiled, every, set())))
        if len(self.qubits) > MAX_EXECUTION_QUBITS:
            raise LZSMInputError(
                f"the circuit acts on {len(self.qubits)} qubits; density-matrix execution supports at most "
                f"{MAX_EXECUTION_QUBITS} (4^n entries per classical outcome)"
            )
        self.pos = {q: i for i, q in enumerate(self.qubits)}
        self.n = len(self.qubits)
        self._durations: dict[int, float] = {}
        self.pending: dict[int, float] = {}

    # -- durations -------------------------------------------------------------------------------------------
    def _target_duration(self, name: str, qargs: tuple[int, ...]) -> float | None:
        if self.target is None or name not in self.target.operation_names:
            return None
        props = self.target[name].get(qargs)
        return None if props is None or props.duration is None else float(props.duration)

    def slot(self, inst: Any, qargs: tuple[int, ...]) -> float:
        """Duration (s) of an instruction on physical ``qargs``: its target slot, else its own length."""
        op = inst.operation
        name = op.name
        if name == "delay":
            return delay_seconds(op, self.device.nominal)
        if name == "if_else":
            key = id(op)
            if key not in self._durations:
                self._durations[key] = max(self.timeline(b, qargs).total for b in op.blocks)
            return self._durations[key]
        slot = self._target_duration(name, qargs)
        if slot is not None or name in ("measure", "reset"):
            return slot or 0.0
        played = play_instruction(op, self.native)
        if isinstance(played, LZSMPulseGate):
            return float(self.device.nominal.time_to_ns(played.pulse.duration)) * 1e-9
        return 0.0 if isinstance(played, float) else played.duration_s

    def timeline(self, circuit: QuantumCircuit, qmap: tuple[int, ...]) -> Timeline:
        def duration(inst: Any) -> float:
            return self.slot(inst, tuple(qmap[circuit.find_bit(q).index] for q in inst.qubits))

        return circuit_timeline(circuit, duration, self.scheduling, timed_readout=True)

    # -- evolution -------------------------------------------------------------------------------------------
    def _apply(self, branches: dict[int, np.ndarray], sup: np.ndarray, phys: tuple[int, ...]) -> dict[int, np.ndarray]:
        local = [self.pos[q] for q in phys]
        doubled = local + [self.n + q for q in local]  # vec(rho): row qubits, then column qubits
        return {c: _apply(v, sup, doubled, 2 * self.n) for c, v in branches.items()}

    def _idle(self, branches: dict[int, np.ndarray], q: int, seconds: float, track: bool = True) -> dict[int, np.ndarray]:
        """Lab-frame idle; if ``track``, its frame change is pending until the qubit's next event (:meth:`_flush`)."""
        if q not in self.pos or seconds <= 0:
            return branches
        if track:
            self.pending[q] = self.pending.get(q, 0.0) + seconds
        return self._apply(branches, self.device.idle(q, seconds, self.noise), (q,))

    def _flush(self, branches: dict[int, np.ndarray], qubits: Sequence[int]) -> dict[int, np.ndarray]:
        """Apply the pending frame changes of ``qubits`` (one per continuous idle interval)."""
        for q in qubits:
            seconds = self.pending.pop(q, 0.0)
            if seconds > 0:
                branches = self._apply(branches, self.device.frame(seconds), (q,))
        return branches

    def _measure(self, branches: dict[int, np.ndarray], q: int, bit: int) -> dict[int, np.ndarray]:
        readout = self.device.readout(q, self.noise)
        out: dict[int, np.ndarray] = {}
        for m, projector in enumerate(_PROJECTORS):
            for c, v in self._apply(branches, projector, (q,)).items():
                for r in (0, 1):
                    if readout[r, m] > 0:
                        key = (c & ~(1 << bit)) | (r << bit)
                        out[key] = out.get(key, 0) + readout[r, m] * v
        d = 2**self.n
        return {c: v for c, v in out.items() if abs(v[:: d + 1].sum()) > 1e-14}

    def _if_else(self, branches, inst, circuit, qmap, cmap):  # noqa: ANN001, ANN202
        op = inst.operation
        phys = tuple(qmap[circuit.find_bit(q).index] for q in inst.qubits)
        bits = tuple(cmap[circuit.find_bit(c).index] for c in inst.clbits)
        block = self.slot(inst, phys)
        taken = {True: {}, False: {}}
        for c, v in branches.items():
            taken[self._condition(op.condition, circuit, cmap, c)][c] = v
        out: dict[int, np.ndarray] = {}
        for flag, body in ((True, op.blocks[0]), (False, op.blocks[1] if len(op.blocks) > 1 else None)):
            if not taken[flag]:
                continue
            if body is None:
                part = taken[flag]
                for q in phys:
                    part = self._idle(part, q, block)
                part = self._flush(part, phys)
            else:
                part = self.evolve(body, phys, bits, taken[flag], pad_to=block)
            for c, v in part.items():
                out[c] = out.get(c, 0) + v
        return out

    @staticmethod
    def _condition(condition: Any, circuit: QuantumCircuit, cmap: tuple[int, ...], c: int) -> bool:
        if not isinstance(condition, tuple):
            raise LZSMInputError("if_else conditions must be (clbit, value) or (register, value); classical expressions are not supported")
        target, value = condition
        bits = [target] if isinstance(target, Clbit) else list(target) if isinstance(target, ClassicalRegister) else None
        if bits is None:
            raise LZSMInputError(f"unsupported if_else condition on {target!r}")
        got = sum(((c >> cmap[circuit.find_bit(b).index]) & 1) << i for i, b in enumerate(bits))
        return got == int(value)

    def evolve(self, circuit: QuantumCircuit, qmap: tuple[int, ...], cmap: tuple[int, ...],
               branches: dict[int, np.ndarray], pad_to: float = 0.0) -> dict[int, np.ndarray]:
        """Push ``branches`` through ``circuit`` (its qubit ``i`` is physical ``qmap[i]``, clbit ``j`` is ``cmap[j]``)."""
        timeline = self.timeline(circuit, qmap)
        for kind, index, qargs, _, length in timeline.events(circuit.num_qubits):
            phys = tuple(qmap[q] for q in qargs)
            if kind == "idle":
                branches = self._idle(branches, phys[0], length)
                continue
            branches = self._flush(branches, phys)
            inst = circuit.data[index]
            op = inst.operation
            if getattr(op, "condition", None) is not None and op.name != "if_else":
                raise LZSMInputError(f"classically conditioned {op.name} (c_if) is not supported: use an if_else block")
            if op.name in _CONTROL_FLOW:
                raise LZSMInputError(f"control flow {op.name} is not supported: use if_else blocks")
            if op.name == "measure":
                branches = self._measure(branches, phys[0], cmap[circuit.find_bit(inst.clbits[0]).index])
                branches = self._idle(branches, phys[0], length)
            elif op.name == "reset":
                branches = self._idle(self._apply(branches, _RESET, phys), phys[0], length)
            elif op.name == "if_else":
                branches = self._if_else(branches, inst, circuit, qmap, cmap)
            else:
                check_native(op.name, phys, self.target)
                played = play_instruction(op, self.native)
                if isinstance(played, float) and self.rz_as_idle:  # free precession plays the rotation: no frame change
                    tau = rz_idle_seconds(played, self.device.nominal)
                    if tau > length + 1e-15:
                        raise LZSMInputError(f"rz as idle time needs {tau * 1e9:.6g} ns, its slot is {length * 1e9:.6g} ns")
                    branches = self._idle(self._idle(branches, phys[0], tau, track=False), phys[0], length - tau)
                elif isinstance(played, float):  # a virtual Z, then idle for the rest of its slot (if any)
                    branches = self._idle(self._apply(branches, unitary_superoperator(RZGate(played).to_matrix()), phys), phys[0], length)
                else:  # the pulse from the start of its slot, then idle to the end of the slot
                    sup, played_s = self.device.pulse(played.pulse, phys, self.noise)
                    if played_s > length + 1e-15:
                        raise LZSMInputError(f"{op.name} on {phys} lasts {played_s * 1e9:.6g} ns, more than its slot of {length * 1e9:.6g} ns")
                    branches = self._apply(branches, sup, phys)
                    for q in phys:
                        branches = self._idle(branches, q, length - played_s)
        for q in qmap:
            branches = self._idle(branches, q, pad_to - timeline.total)
        return self._flush(branches, qmap)



def execute(
    compiled: QuantumCircuit,
    gates: Target | Any,
    device: VirtualDevice,
    *,
    noise: bool = True,
    scheduling: str = "alap",
    initial: np.ndarray | None = None,
    rz_as_idle: bool = False,
) -> Execution:
    r"""Run a compiled circuit on ``device`` from :math:`|0\dots0\rangle` (module docstring).

    Parameters
    ----------
    compiled : QuantumCircuit
        A circuit on the target's physical qubits (``transpile(..., backend=...)``), with any measurements.
        Every instruction occupies its slot in the target (else its own length).
    gates : Target, LZSMGateSet or mapping name -> Gate
        The native gates; a target also gives the slot durations.
    device : VirtualDevice
    noise : bool
        Bath noise and readout errors on or off (the true device's parameters apply either way).
    scheduling : {"alap", "asap", "serial"}
    initial : ndarray, shape ``(4**n, m)``, optional
        Column-stacked operators on *all* ``n`` qubits of the circuit to push through it instead of
        :math:`|0\dots0\rangle` (the identity gives the circuit's channel); then :attr:`Execution.states`
        holds the evolved columns per register value and :attr:`Execution.probabilities` is empty.
    rz_as_idle : bool
        ``False``: ``rz`` (and a diagonal ``u``) is an exact, instantaneous frame change (a
        two-quadrature drive, where Z is free).  ``True``: it is played on the single
        :math:`\sigma_x` line as idle time :math:`((-\phi) \bmod 2\pi)/\Delta` at the start of its
        slot (:func:`~lzsm_gates.qiskit.target.rz_idle_seconds`), precessing at the *true* gap under
        the bath; needs a target whose ``rz`` slot holds a Larmor period.

    Raises
    ------
    LZSMInputError
        Non-native instructions, unsupported control flow or conditions, more qubits than the device.
    """
    run = _Evolution(compiled, gates, device, bool(noise), scheduling, all_qubits=initial is not None, rz_as_idle=rz_as_idle)
    d = 2**run.n
    qmap, cmap = tuple(range(compiled.num_qubits)), tuple(range(compiled.num_clbits))
    duration = run.timeline(compiled, qmap).total
    if initial is not None:
        if initial.shape[0] != d * d:
            raise LZSMInputError(f"initial must have 4**num_qubits = {d * d} rows, got shape {initial.shape}")
        return Execution({}, run.evolve(compiled, qmap, cmap, {0: initial}), run.qubits, compiled.num_clbits, duration)
    rho0 = np.zeros((d * d, 1), dtype=complex)
    rho0[0, 0] = 1.0
    branches = run.evolve(compiled, qmap, cmap, {0: rho0})
    probabilities = {c: float(max(v[:: d + 1].sum().real, 0.0)) for c, v in sorted(branches.items())}
    total = sum(probabilities.values())
    if not abs(total - 1.0) < 1e-6:
        raise ConvergenceError(f"the outcome probabilities sum to {total}, not 1: the simulation lost the trace")
    states = {c: v[:, 0].reshape(d, d, order="F") for c, v in branches.items()}
    return Execution(probabilities, states, run.qubits, compiled.num_clbits, duration)



def execution_timeline(compiled: QuantumCircuit, gates: Target | Any, device: VirtualDevice, scheduling: str = "alap") -> Timeline:
    """The schedule :func:`execute` follows: target slots, timed measurements, resets and ``if_else`` blocks."""
    return _Evolution(compiled, gates, device, False, scheduling).timeline(compiled, tuple(range(compiled.num_qubits)))
