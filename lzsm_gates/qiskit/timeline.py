r"""Placing the instructions of a compiled circuit in time (serial, ASAP, ALAP).

One timeline serves the closed and open-system simulations
(:mod:`lzsm_gates.qiskit.simulation`) and the pulse programs
(:mod:`lzsm_gates.qiskit.schedules`), so all three see the same schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from qiskit.circuit import QuantumCircuit

from ..units import LZSMInputError

__all__ = ["SCHEDULING", "Timeline", "circuit_timeline"]


SCHEDULING = ("alap", "asap", "serial")



@dataclass(frozen=True)
class Timeline:
    """Start times of the timed instructions of a compiled circuit.

    Attributes
    ----------
    entries : tuple of ``(index, qubits, start, duration)``
        ``index`` into ``circuit.data``, the physical qubits, start and duration
        (in the units of the duration function), in circuit order.  Barriers,
        delays and (unless timed) measurements are not entries: barriers
        synchronise their qubits, delays hold them for their duration (an idle gap).
    total : float
        End of the last instruction: the circuit length, after which all qubits are measured.
    """

    entries: tuple[tuple[int, tuple[int, ...], float, float], ...]
    total: float

    def events(self, num_qubits: int) -> Iterator[tuple[str, int, tuple[int, ...], float, float]]:
        """Instructions and idle gaps in a causal order: ``(kind, index, qubits, start, length)``.

        ``kind`` is ``"op"`` (``index`` into ``circuit.data``) or ``"idle"``
        (``index`` -1, one qubit); every qubit's events follow its own time
        order, events of different qubits act on different qubits.  A gap is
        yielded just before the instruction that ends it, trailing gaps (up to
        :attr:`total`) at the end.  Gaps shorter than ``1e-12 * total`` (rounding) are skipped.
        """
        cursor = [0.0] * num_qubits
        tiny = 1e-12 * self.total
        for index, qargs, start, dur in self.entries:
            for q in qargs:
                if start - cursor[q] > tiny:
                    yield "idle", -1, (q,), cursor[q], start - cursor[q]
                cursor[q] = start + dur
            yield "op", index, qargs, start, dur
        for q in range(num_qubits):
            if self.total - cursor[q] > tiny:
                yield "idle", -1, (q,), cursor[q], self.total - cursor[q]

    def idle_gaps(self, num_qubits: int) -> list[list[tuple[float, float]]]:
        """Per qubit, the ``(start, length)`` intervals in which it is idle, up to :attr:`total`."""
        gaps: list[list[tuple[float, float]]] = [[] for _ in range(num_qubits)]
        for kind, _, qargs, start, length in self.events(num_qubits):
            if kind == "idle":
                gaps[qargs[0]].append((start, length))
        return gaps



def circuit_timeline(
    compiled: QuantumCircuit, duration: Callable[[Any], float], scheduling: str = "alap", *, timed_readout: bool = False
) -> Timeline:
    r"""Place the instructions of a compiled circuit in time.

    Parameters
    ----------
    compiled : QuantumCircuit
        Physical circuit (instructions act on ``compiled.qubits`` indices).
    duration : callable
        ``CircuitInstruction -> duration`` (any unit: seconds, samples); zero for virtual Z.
    scheduling : {"alap", "asap", "serial"}
        ``"asap"``: each instruction starts when all its qubits are free;
        ``"alap"``: the same on the reversed circuit, mirrored, so qubits wait
        in their initial state rather than after their last gate (Qiskit's
        ``ALAPScheduleAnalysis`` rule, the usual choice under :math:`T_1`);
        ``"serial"``: one instruction at a time (length = sum of durations).
    timed_readout : bool
        ``False``: measurements are not placed (all qubits are measured after
        :attr:`Timeline.total`).  ``True``: every instruction but barriers and
        delays is an entry (``measure``, ``reset``, ``if_else`` included, with
        their ``duration``), and classical bits order instructions like qubits
        do: a measurement writes its bit, an ``if_else`` waits for the bits it reads.

    Raises
    ------
    LZSMInputError
        Unknown ``scheduling`` or a negative duration.
    """
    if scheduling not in SCHEDULING:
        raise LZSMInputError(f"scheduling must be one of {SCHEDULING}, got {scheduling!r}")
    n = compiled.num_qubits
    timed: list[tuple[int, tuple[int, ...], tuple[int, ...], float]] = []  # index, qubits, wires, duration
    for index, inst in enumerate(compiled.data):
        name = inst.operation.name
        qargs = tuple(compiled.find_bit(q).index for q in inst.qubits)
        wires = qargs + (tuple(n + compiled.find_bit(c).index for c in inst.clbits) if timed_readout else ())
        if name == "measure" and not timed_readout:
            continue
        if name == "barrier":  # synchronises its qubits, not an entry
            timed.append((-1, qargs, wires, 0.0))
            continue
        dur = float(duration(inst))
        if not dur >= 0:
            raise LZSMInputError(f"duration of {name} on {qargs} must be >= 0, got {dur}")
        timed.append((-1 if name == "delay" else index, qargs, wires, dur))  # a delay holds its qubits idle: a gap
    order = timed[::-1] if scheduling == "alap" else timed
    cursor = [0.0] * (n + compiled.num_clbits)
    placed = []
    now = 0.0
    for index, qargs, wires, dur in order:
        start = now if scheduling == "serial" else max((cursor[w] for w in wires), default=0.0)
        for w in wires:
            cursor[w] = start + dur
        now = start + dur
        if index >= 0:
            placed.append((index, qargs, start, dur))
    total = max(cursor, default=0.0) if scheduling != "serial" else now
    if scheduling == "alap":
        placed = [(i, q, total - s - d, d) for i, q, s, d in placed[::-1]]
    return Timeline(tuple(placed), total)
