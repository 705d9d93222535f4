r"""Sampled pulse programs of LZSM gates and circuits: plain export, exact unitary, sampling error.

Qiskit Pulse schedules of these programs, and their round trip through Qiskit
Dynamics, are in :mod:`lzsm_gates.qiskit.pulse_schedules` (the only module that
touches :mod:`qiskit.pulse`).

Pulse programs
--------------
A :class:`PulseProgram` is the hardware-agnostic form: AWG sample time
:math:`dt` (internal units, from :attr:`Device.dt`), one real sample array
per channel and a list of frame changes.  Channels: ``d{q}`` drives
:math:`\sigma_x` of qubit ``q`` (docs: Physics, Sec. 1), ``u{k}`` drives the
coupling :math:`\sigma_x\sigma_x` of the ``k``-th coupled pair (Sec. 4 there).  The
Hamiltonian the samples :math:`s_c[k]` describe is

.. math::

    H(t) = -\frac{\Delta}{2}\sum_q \sigma_{z,q} + \sum_c s_c[k]\, O_c,
    \qquad k\,dt \le t < (k+1)\,dt ,

piecewise constant, with :math:`s_c[k]` the drive at the midpoint of the
sample (units of :math:`\Delta`).  A gate (:func:`gate_program`) keeps the
exact timing of its drive period, which starts and ends between grid points:
every sample that overlaps the period holds the drive at its midpoint (zero
where the midpoint lies outside the period; :meth:`~lzsm_gates.pulses.LZSMPulse.sample_blocks`),
and the gate is ``round(duration/dt)`` samples long.  The leftover
:math:`\epsilon = N\,dt - \mathrm{duration}` (:math:`|\epsilon| \le dt/2`) is
free precession, undone by a frame change :math:`-\Delta\epsilon` on each of
the gate's qubits at its end (the frame tracking of idle intervals below).  So
no timing edge moves, and the sampling error (gate error of the samples
against the smooth pulse) is that of the midpoint rule,
:math:`O((\Delta dt)^4)`, with a larger constant from the kink of the drive
at its start and end.  Measured at 20 MHz (:func:`sampling_error`, transpiled Bell with 12 pulses
and GHZ(3) with 23): :math:`5.5\times 10^{-9}` and :math:`1.1\times 10^{-8}` at the
default 0.1 ns AWG, :math:`2\times 10^{-12}` and :math:`4\times 10^{-12}` at 10 ps.

Virtual Z on a real baseband drive
----------------------------------
A frame change :math:`\phi` on ``d{q}`` (Qiskit's ``ShiftPhase``, with the
Qiskit convention ``rz(theta) -> ShiftPhase(-theta)``) means
:math:`R_z(-\phi)` on qubit ``q`` at that instant.  Our drive is a *real*
baseband signal (carrier frequency 0): Qiskit Dynamics renders a channel as
:math:`\mathrm{Re}[s\,e^{i\phi}]`, so a phase would merely rescale a real
waveform by :math:`\cos\phi` — not a Z rotation.  The schedules therefore use
``ShiftPhase`` as the *frame-change record* of the controller
(McKay et al. 2017 frame tracking), and :func:`schedule_unitary` applies it as
the exact :math:`R_z` while converting only the waveforms with
:class:`qiskit_dynamics.pulse.InstructionToSignals`.  Physically, a
zero-duration frame change of a :math:`\sigma_x`-only line requires either a
second, :math:`\sigma_y`-coupled quadrature, or re-timing the next pulse by
:math:`-\phi/\Delta \bmod 2\pi/\Delta` (which is what the designs' real idles
do).

Circuits
--------
:func:`circuit_program` starts every gate at its sample of
:func:`lzsm_gates.qiskit.timeline.circuit_timeline` (``"alap"`` by default,
``"asap"``, or ``"serial"``: one gate at a time), with gate lengths of
``round(duration/dt)`` samples and virtual Z (``rz``, a diagonal ``u``) of
length zero, so gates on disjoint qubits play at the same time on their
channels (``sqrt_bswap`` occupies both of its qubits).  The program is as long as the timeline (its critical path),
at most the sum of the gate lengths, which it equals for ``"serial"``.  A gate's
samples are the same wherever it starts and :math:`H_0` is static, so it
contributes the same sampled propagator as alone, and :math:`H` splits into
terms on disjoint qubits, so simultaneous gates on disjoint qubits give the
product of their propagators.  An idle qubit precesses freely, by
:math:`e^{+i\Delta\tau\sigma_z/2}` over an idle interval :math:`\tau`; the
program undoes this per qubit with a frame change :math:`\phi = -\Delta\tau`
on its channel at the end of each idle interval (before the first gate,
between gates, after the last one up to the end of the program: frame
tracking).  All of these are Z rotations of an idle qubit and commute with
each other, with its ``rz`` frame changes and with the precession, so their
place inside the interval is free.  Hence, for every scheduling, the
lab-frame unitary of the program equals the gate composition of
:func:`lzsm_gates.qiskit.simulation.simulate_circuit` up to the sampling error.

With ``slots`` (a backend's :class:`~lzsm_gates.qiskit.target.SlotDurations`,
:meth:`LZSMBackend.program <lzsm_gates.qiskit.backend.LZSMBackend.program>`)
a gate occupies its whole slot instead: the pulse at the start, the rest of
the slot idle, frame-tracked together with the pulse's leftover, so the
program is the backend's schedule.  Any ``dt`` can be chosen
(``circuit_program(..., dt_ns=...)``); on coarse grids
:func:`refine_on_grid` re-refines the pulses whose sampling error exceeds
``refine_tolerance``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import numpy as np
from qiskit.circuit import CircuitInstruction, QuantumCircuit
from qiskit.transpiler import Target

from ..metrics import gate_error
from ..operators import PAULI_X, PAULI_Z, embed, tensor
from ..propagate import expm_hermitian
from ..pulses import LZSMPulse
from ..models import qubit_model
from ..units import DEFAULT_DEVICE, Device, LZSMInputError, check_positive
from .gates import LZSMEntanglerGate, LZSMGate, LZSMPulseGate
from .simulation import simulate_circuit
from .target import (
    ENTANGLERS,
    LZSMGateSet,
    SlotDurations,
    check_native,
    delay_seconds,
    native_device,
    native_gates,
    play_instruction,
)
from .timeline import circuit_timeline

__all__ = [
    "FrameChange",
    "PulseProgram",
    "gate_program",
    "circuit_program",
    "program_unitary",
    "sampling_error",
    "refine_on_grid",
    "save_program",
    "load_program",
]


@dataclass(frozen=True)
class FrameChange:
    """A virtual-Z frame change: ``ShiftPhase(phase)`` on ``channel`` at sample ``time`` (means :math:`R_z(-\\phi)`)."""

    channel: str
    time: int
    phase: float


@dataclass(frozen=True)
class PulseProgram:
    r"""Sampled drive of a gate or circuit (module docstring).

    Attributes
    ----------
    device : Device
        Gap, AWG sample time (``device.dt`` internal units, ``device.dt_ns``)
        and AWG full scale ``device.max_amplitude`` (units of :math:`\Delta`).
    num_qubits : int
    couplers : tuple of (int, int)
        Pair of channel ``u{k}`` (qubit order as in the model: first = left factor).
    samples : dict
        Channel name -> real samples (units of :math:`\Delta`), all of length :attr:`duration`.
    frame_changes : tuple of FrameChange
        In time order.
    segments : tuple of (channel, start, length, kind)
        ``kind`` is ``"play"`` or ``"delay"``: the gate structure for schedules, in time order.
    """

    device: Device
    num_qubits: int
    couplers: tuple[tuple[int, int], ...]
    samples: dict[str, np.ndarray]
    frame_changes: tuple[FrameChange, ...] = ()
    segments: tuple[tuple[str, int, int, str], ...] = field(default=())

    @property
    def duration(self) -> int:
        """Length in samples."""
        return max((len(s) for s in self.samples.values()), default=0)

    @property
    def dt(self) -> float:
        """Sample time in internal units (:math:`1/\\Delta`)."""
        return self.device.dt

    def operator(self, channel: str) -> np.ndarray:
        """Drive operator :math:`O_c` of a channel on all qubits (Qiskit order: qubit 0 rightmost)."""
        kind, idx = channel[0], int(channel[1:])
        qubits = (idx,) if kind == "d" else self.couplers[idx]
        return embed(tensor(*[PAULI_X] * len(qubits)), qubits, self.num_qubits, order="qiskit")

    def static(self) -> np.ndarray:
        r""":math:`H_0 = -\tfrac{\Delta}{2}\sum_q \sigma_{z,q}` (identical gaps, internal units)."""
        return sum(-0.5 * embed(PAULI_Z, q, self.num_qubits, order="qiskit") for q in range(self.num_qubits))

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable form (samples as lists)."""
        return {
            "device": {k: getattr(self.device, k) for k in self.device.__dataclass_fields__},
            "num_qubits": self.num_qubits,
            "couplers": [list(c) for c in self.couplers],
            "dt_ns": self.device.dt_ns,
            "duration_samples": self.duration,
            "samples": {c: np.asarray(s).tolist() for c, s in self.samples.items()},
            "frame_changes": [[f.channel, f.time, f.phase] for f in self.frame_changes],
            "segments": [list(s) for s in self.segments],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PulseProgram":
        """Inverse of :meth:`to_dict`."""
        return cls(
            device=Device(**data["device"]),
            num_qubits=int(data["num_qubits"]),
            couplers=tuple(tuple(int(q) for q in c) for c in data["couplers"]),
            samples={c: np.asarray(s, dtype=float) for c, s in data["samples"].items()},
            frame_changes=tuple(FrameChange(str(c), int(t), float(p)) for c, t, p in data["frame_changes"]),
            segments=tuple((str(c), int(s), int(n), str(k)) for c, s, n, k in data["segments"]),
        )


class _Builder:
    """Writes gates into per-channel sample buffers of ``length`` samples, each at its start sample."""

    def __init__(self, device: Device, num_qubits: int, couplers: tuple[tuple[int, int], ...], length: int) -> None:
        self.device, self.num_qubits, self.couplers = device, num_qubits, couplers
        channels = [f"d{q}" for q in range(num_qubits)] + [f"u{k}" for k in range(len(couplers))]
        self.samples = {c: np.zeros(length) for c in channels}
        self.frames: list[FrameChange] = []
        self.segments: list[tuple[str, int, int, str]] = []

    def frame(self, channel: str, time: int, phase: float) -> None:
        if phase != 0.0:
            self.frames.append(FrameChange(channel, int(time), float(phase)))

    def qubits(self, channel: str) -> tuple[int, ...]:
        """The qubits a channel drives (``d{q}``: q; ``u{k}``: the k-th coupled pair)."""
        return (int(channel[1:]),) if channel[0] == "d" else self.couplers[int(channel[1:])]

    def play(self, channel: str, pulse: LZSMPulse, start: int, virtual_z: bool = False, length: int | None = None) -> None:
        """Write ``pulse`` at sample ``start``; ``length``: its slot in samples (default :meth:`~LZSMPulse.num_samples`),
        the rest of the slot idle and frame-tracked with the pulse's own leftover."""
        if pulse.amplitude > self.device.max_amplitude:
            raise LZSMInputError(f"amplitude {pulse.amplitude:.4g} exceeds the AWG full scale max_amplitude = {self.device.max_amplitude:g}")
        if virtual_z:
            self.frame(channel, start, -pulse.vz_before)
        n1, drive, n2 = pulse.sample_blocks(self.device.dt)
        own = n1 + drive.size + n2
        length = own if length is None else int(length)
        if length < own:
            raise LZSMInputError(f"a pulse of {own} samples does not fit its slot of {length} samples at dt = {self.device.dt_ns:g} ns")
        t = start
        for kind, n in (("delay", n1), ("play", drive.size), ("delay", n2 + length - own)):
            if n:
                self.segments.append((channel, t, n, kind))
                t += n
        self.samples[channel][start + n1 : start + n1 + drive.size] = drive
        if virtual_z:
            self.frame(channel, t, -pulse.vz_after)
        # the slot lasts epsilon longer than the designed pulse: undo that free precession (frame tracking)
        leftover = length * self.device.dt - pulse.duration
        for q in self.qubits(channel):
            self.frame(f"d{q}", t, -leftover)

    def program(self) -> PulseProgram:
        # frame changes are Z rotations: those at one instant commute, so sorting by time keeps the program
        frames = sorted(self.frames, key=lambda f: f.time)
        segments = sorted(self.segments, key=lambda s: s[1])
        return PulseProgram(self.device, self.num_qubits, self.couplers, self.samples, tuple(frames), tuple(segments))


def gate_program(gate: LZSMGate | LZSMEntanglerGate, *, virtual_z: bool = False) -> PulseProgram:
    """Pulse program of one native gate (1 qubit on ``d0``, or the entangler on ``u0`` of qubits (0, 1)).

    Parameters
    ----------
    gate : LZSMGate or LZSMEntanglerGate
        A single-qubit gate, or an entangler (``sqrt_bswap`` or ``xy_entangler``) on the coupler ``u0``.
    virtual_z : bool
        Single-qubit gates only: play the design's ``virtual_z_pulse`` (drive
        period framed by frame changes) instead of the real-idle pulse.
    """
    device = gate.design.device
    if isinstance(gate, LZSMEntanglerGate):
        if virtual_z:
            raise LZSMInputError("virtual_z applies to single-qubit gates only (the entangler uses real idles)")
        pulse = gate.design.pulse
        b = _Builder(device, 2, ((0, 1),), pulse.num_samples(device.dt))
        b.play("u0", pulse, 0)
    elif isinstance(gate, LZSMGate):
        pulse = gate.design.virtual_z_pulse if virtual_z else gate.design.pulse
        b = _Builder(device, 1, (), pulse.num_samples(device.dt))
        b.play("d0", pulse, 0, virtual_z)
    else:
        raise LZSMInputError(f"gate_program needs an LZSMGate or LZSMEntanglerGate, got {type(gate).__name__}")
    return b.program()


def circuit_program(
    compiled: QuantumCircuit,
    gates: Target | LZSMGateSet,
    scheduling: str = "alap",
    *,
    dt_ns: float | None = None,
    slots: SlotDurations | None = None,
    refine_tolerance: float | None = None,
) -> PulseProgram:
    r"""Pulse program of a compiled circuit: scheduled gates, virtual Z as frame changes, per-qubit frame tracking.

    Each instruction plays what :func:`~lzsm_gates.qiskit.target.play_instruction`
    says (a pulse, or a virtual Z for ``rz`` and a diagonal ``u``), starting
    at its sample of :func:`~lzsm_gates.qiskit.timeline.circuit_timeline`;
    each idle interval of :math:`g` samples of qubit ``q`` ends with the frame
    change :math:`\phi = -g\,\Delta dt` on ``d{q}`` (module docstring, *Circuits*).

    Parameters
    ----------
    compiled : QuantumCircuit
        Output of ``transpile(..., target=lzsm_target(...))`` (physical qubits).
    gates : Target or LZSMGateSet
        The native gates.  The couplers are the pairs on which the entangler (``sqrt_bswap`` or
        ``xy_entangler``) is used, ``u{k}`` in order of first use.
    scheduling : {"alap", "asap", "serial"}
        Placement rule of :func:`~lzsm_gates.qiskit.timeline.circuit_timeline`;
        ``"serial"`` plays one gate at a time (length = sum of the gate lengths).
    dt_ns : float, optional
        AWG sample time of the program (ns); default the device's ``dt_ns``.
    slots : SlotDurations, optional
        Play every instruction in its slot of a backend (:attr:`LZSMBackend.slots
        <lzsm_gates.qiskit.backend.LZSMBackend.slots>`): the pulse at the start of its slot, the rest
        of the slot idle and frame-tracked, ``u`` and ``lzsm_pulse`` in the long slot, so the program
        is the schedule the backend simulates.  The slots must lie on the program's grid
        (``slots.dt_s`` equal to ``dt_ns``) and play ``rz`` as a frame change (``rz_s`` 0).
    refine_tolerance : float, optional
        Re-refine on the sample grid (:func:`refine_on_grid`) every pulse whose sampling error
        (gate error of its samples against its exact unitary) exceeds this tolerance; ``None``: never.

    Raises
    ------
    LZSMInputError
        Non-native instructions (barriers and final measurements are skipped), an unknown
        ``scheduling``, a ``dt_ns`` out of range, slots off the grid or with ``rz`` as idle time,
        a pulse longer than its slot, or a negative ``refine_tolerance``.
    ConvergenceError
        A ``u`` whose pulse cannot be designed (:func:`~lzsm_gates.qiskit.gates.design_u_gate`).
    """
    native, target = native_gates(gates)
    device = native_device(native)
    if dt_ns is not None:
        device = replace(device, dt_ns=float(dt_ns))
    if refine_tolerance is not None and not (np.isfinite(refine_tolerance) and refine_tolerance >= 0):
        raise LZSMInputError(f"refine_tolerance must be finite and >= 0 (None: no refinement), got {refine_tolerance}")
    if slots is not None:
        if abs(slots.dt_s - device.dt_ns * 1e-9) > 1e-6 * slots.dt_s:
            raise LZSMInputError(f"the slots lie on a dt = {slots.dt_s * 1e9:g} ns grid, the program on dt_ns = {device.dt_ns:g}")
        if slots.rz_s:
            raise LZSMInputError("slots that play rz as idle time (virtual_z='idle') cannot be exported: rz is a frame change here")
    n = compiled.num_qubits
    couplers: list[tuple[int, int]] = []
    for inst in compiled.data:
        name = inst.operation.name
        qargs = tuple(compiled.find_bit(q).index for q in inst.qubits)
        check_native(name, qargs, target)
        if name in ENTANGLERS and frozenset(qargs) not in {frozenset(c) for c in couplers}:
            couplers.append(qargs)

    def samples_of(seconds: float) -> int:
        return int(round(seconds * 1e9 / device.dt_ns))

    refined: dict[tuple[LZSMPulse, int], LZSMPulse] = {}

    def pulse_of(played: Any, max_samples: int | None = None) -> LZSMPulse:
        """The pulse a gate plays on the grid: its design, re-refined if its sampling error is too large."""
        key = (played.pulse, played.num_qubits)
        if key not in refined:
            refined[key] = played.pulse if refine_tolerance is None else refine_on_grid(
                played.pulse, _exact_unitary(played), device.dt, num_qubits=played.num_qubits,
                tolerance=refine_tolerance, max_samples=max_samples, device=device)
        return refined[key]

    def gate_samples(inst: CircuitInstruction) -> int:
        if inst.operation.name == "delay":  # an idle gap of the timeline, frame-tracked below
            return samples_of(delay_seconds(inst.operation, device))
        played = play_instruction(inst.operation, native)
        if isinstance(played, float):
            return 0
        if slots is not None:  # the backend's slot: u and lzsm_pulse the long one
            long = inst.operation.name == "u" or isinstance(played, LZSMPulseGate)
            return samples_of(slots.long_s if long else slots.pulse(played.duration_s))
        return pulse_of(played).num_samples(device.dt)

    timeline = circuit_timeline(compiled, gate_samples, scheduling)
    b = _Builder(device, n, tuple(couplers), int(timeline.total))
    for index, qargs, start, length in timeline.entries:
        played = play_instruction(compiled.data[index].operation, native)
        if isinstance(played, float):  # virtual Z
            b.frame(f"d{qargs[0]}", int(start), -played)
            continue
        slot = int(length) if slots is not None else None
        if isinstance(played, LZSMEntanglerGate):
            k = next(i for i, c in enumerate(couplers) if frozenset(c) == frozenset(qargs))
            b.play(f"u{k}", pulse_of(played, slot), int(start), length=slot)
        else:
            b.play(f"d{qargs[0]}", pulse_of(played, slot), int(start), length=slot)
    # frame tracking: undo the free precession Rz(-Delta g dt) of each idle interval of g samples
    for q, gaps in enumerate(timeline.idle_gaps(n)):
        for start, length in gaps:
            b.frame(f"d{q}", int(start + length), -length * device.dt)
    return b.program()


def _exact_unitary(played: LZSMGate | LZSMEntanglerGate | LZSMPulseGate) -> np.ndarray:
    """Exact lab-frame unitary of a played pulse (Qiskit order), what its samples approximate."""
    if isinstance(played, LZSMEntanglerGate):
        return np.asarray(played)
    return played.pulse.propagator(qubit_model())


def _sampled_unitary(pulse: LZSMPulse, device: Device, num_qubits: int) -> np.ndarray:
    """Unitary of one pulse on the grid of ``device`` (on ``d0``, or on the coupler ``u0`` of qubits (0, 1))."""
    b = _Builder(device, num_qubits, ((0, 1),) if num_qubits == 2 else (), pulse.num_samples(device.dt))
    b.play("u0" if num_qubits == 2 else "d0", pulse, 0)
    return program_unitary(b.program())


def refine_on_grid(
    pulse: LZSMPulse,
    exact: np.ndarray,
    dt: float,
    *,
    num_qubits: int = 1,
    tolerance: float = 0.0,
    max_samples: int | None = None,
    device: Device | None = None,
) -> LZSMPulse:
    r"""Re-refine a pulse on the AWG grid: parameters whose *samples* reproduce ``exact``.

    Minimises the gate error :math:`1 - |\mathrm{Tr}(U_\mathrm{exact}^\dagger U_\mathrm{samples}(p))|^2/d^2`
    over :math:`p = (A, \omega, t_1, t_2)` (Nelder-Mead from the designed values, idles kept
    :math:`\ge 0`), with :math:`U_\mathrm{samples}` the unitary of the midpoint-sampled pulse
    and its frame-tracked leftover (:meth:`~lzsm_gates.pulses.LZSMPulse.sample_blocks`).  The
    sampling error of the midpoint rule, :math:`O((\Delta dt)^4)`, is a smooth function of
    :math:`p`, so a small change of the parameters absorbs most of it.

    Parameters
    ----------
    pulse : LZSMPulse
        The designed pulse.
    exact : ndarray
        The unitary its samples should give (usually the exact unitary of ``pulse``), Qiskit order.
    dt : float
        Sample time (internal units).
    num_qubits : {1, 2}
        1: the pulse drives :math:`\sigma_x`; 2: it drives the coupler :math:`\sigma_x\sigma_x`.
    tolerance : float
        Refine only if the sampling error of ``pulse`` exceeds it.
    max_samples : int, optional
        The refined pulse must fit this many samples (its slot).
    device : Device, optional
        Gap, AWG range (default the standard device with ``dt``).

    Returns
    -------
    LZSMPulse
        ``pulse`` itself when its error is within ``tolerance`` or nothing better fits; else the refined pulse.
    """
    from scipy.optimize import minimize

    base = device or DEFAULT_DEVICE
    grid = replace(base, dt_ns=float(base.time_to_ns(check_positive("dt", dt))))

    def error(x: np.ndarray) -> float:
        a, w, t1, t2 = x
        if w <= 0 or t1 < 0 or t2 < 0 or abs(a) > grid.max_amplitude:
            return 1.0
        trial = replace(pulse, amplitude=a, frequency=w, idle_before=t1, idle_after=t2, vz_before=0.0, vz_after=0.0)
        if max_samples is not None and trial.num_samples(grid.dt) > max_samples:
            return 1.0
        return float(gate_error(exact, _sampled_unitary(trial, grid, num_qubits)))

    start = np.array([pulse.amplitude, pulse.frequency, pulse.idle_before, pulse.idle_after])
    before = error(start)
    if before <= tolerance:
        return pulse
    # simplex steps of a fraction of a sample in time and of the drive in amplitude/frequency
    step = np.array([1e-3 * max(abs(pulse.amplitude), 1e-3), 1e-3 * pulse.frequency, 0.1 * grid.dt, 0.1 * grid.dt])
    simplex = np.vstack([start] + [start + np.diag(step)[i] for i in range(4)])
    res = minimize(error, start, method="Nelder-Mead",
                   options={"initial_simplex": simplex, "xatol": 1e-12, "fatol": 1e-16, "maxiter": 2000})
    if not res.fun < before:
        return pulse
    a, w, t1, t2 = res.x
    return replace(pulse, amplitude=float(a), frequency=float(w), idle_before=float(t1), idle_after=float(t2))


def program_unitary(program: PulseProgram) -> np.ndarray:
    r"""Exact unitary of the piecewise-constant program with its frame changes (no Qiskit Pulse needed).

    :math:`U = \prod_k F_k\, e^{-iH_k dt}` with :math:`H_k` the Hamiltonian of
    sample :math:`k` and :math:`F_k` the frame changes at its start.
    """
    h0 = program.static()
    chans = list(program.samples)
    n = program.duration
    h = np.broadcast_to(h0, (n,) + h0.shape).copy()
    for c in chans:
        h += program.samples[c][:, None, None] * program.operator(c)[None]
    steps = expm_hermitian(h * program.dt)
    frames = _frames_by_time(program)
    u = np.eye(h0.shape[0], dtype=complex)
    for k in range(n):
        for f in frames.get(k, ()):
            u = _frame_unitary(program, f) @ u
        u = steps[k] @ u
    for f in frames.get(n, ()):
        u = _frame_unitary(program, f) @ u
    return u


def sampling_error(program: PulseProgram, compiled: QuantumCircuit, gates: Target | LZSMGateSet) -> float:
    r"""Gate error of a circuit's program (sampled at its :math:`dt`) against the circuit's exact pulses.

    :math:`1 - |\mathrm{Tr}(U_\mathrm{prog}^\dagger U)|^2/d^2` with :math:`U_\mathrm{prog}` from
    :func:`program_unitary` and :math:`U` from :func:`~lzsm_gates.qiskit.simulation.simulate_circuit`
    (both in the lab frame with frame tracking, physical qubit order): what sampling on the AWG grid
    costs: the midpoint rule's :math:`O((\Delta dt)^4)` (module docstring).
    """
    return float(gate_error(simulate_circuit(compiled, gates).unitary, program_unitary(program)))


def _frames_by_time(program: PulseProgram) -> dict[int, list[FrameChange]]:
    out: dict[int, list[FrameChange]] = {}
    for f in program.frame_changes:
        out.setdefault(f.time, []).append(f)
    return out


def _frame_unitary(program: PulseProgram, f: FrameChange) -> np.ndarray:
    r"""``ShiftPhase(phi)`` on ``d{q}`` as :math:`R_z(-\phi)` on qubit ``q``."""
    if not f.channel.startswith("d"):
        raise LZSMInputError(f"frame changes are defined on qubit drive channels d<q> only, got {f.channel}")
    rz = np.diag([np.exp(0.5j * f.phase), np.exp(-0.5j * f.phase)])
    return embed(rz, int(f.channel[1:]), program.num_qubits, order="qiskit")


def save_program(program: PulseProgram, path: str | Path) -> Path:
    """Write a program to ``.json`` (plain text) or ``.npz`` (sample arrays plus a JSON header)."""
    p = Path(path)
    data = program.to_dict()
    if p.suffix == ".json":
        p.write_text(json.dumps(data))
    elif p.suffix == ".npz":
        samples = data.pop("samples")
        np.savez(p, header=json.dumps(data), **{f"samples_{c}": np.asarray(s) for c, s in samples.items()})
    else:
        raise LZSMInputError(f"export path must end in .json or .npz, got {p.name!r}")
    return p


def load_program(path: str | Path) -> PulseProgram:
    """Read a program written by :func:`save_program`."""
    p = Path(path)
    if p.suffix == ".json":
        return PulseProgram.from_dict(json.loads(p.read_text()))
    if p.suffix == ".npz":
        with np.load(p) as f:
            data = json.loads(str(f["header"]))
            data["samples"] = {k[len("samples_"):]: f[k] for k in f.files if k.startswith("samples_")}
        return PulseProgram.from_dict(data)
    raise LZSMInputError(f"program path must end in .json or .npz, got {p.name!r}")
