r"""Pulse programs as Qiskit Pulse schedules, and their round trip through Qiskit Dynamics.

This is the only module that touches :mod:`qiskit.pulse` (deprecated in
Qiskit 1.3, removed in 2.0); it is imported lazily inside
:func:`to_schedule` and :func:`schedule_unitary`, so everything else works
without it.  The programs themselves, their conventions (frame changes as
``ShiftPhase`` records of a real baseband drive, samples in units of the gap)
and their exact unitary are in :mod:`lzsm_gates.qiskit.schedules`.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np

from ..units import LZSMInputError
from .schedules import FrameChange, PulseProgram, _frame_unitary, _frames_by_time

__all__ = ["to_schedule", "schedule_unitary"]


@contextmanager
def _qiskit_pulse() -> Iterator[Any]:
    """Import :mod:`qiskit.pulse` lazily, silencing its Qiskit 1.3 deprecation warnings inside the block."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, message=r".*[Pp]ulse.*")
        try:
            import qiskit.pulse as pulse
        except ImportError as exc:  # qiskit >= 2.0
            raise LZSMInputError(
                "qiskit.pulse is not available (removed in Qiskit 2.0): use the plain export (save_program) instead"
            ) from exc
        yield pulse


def _channel(pulse: Any, name: str) -> Any:
    return pulse.DriveChannel(int(name[1:])) if name[0] == "d" else pulse.ControlChannel(int(name[1:]))


def to_schedule(program: PulseProgram) -> Any:
    r"""The program as a :class:`qiskit.pulse.Schedule`.

    ``Play(Waveform)`` for each drive period, ``Delay`` for idles,
    ``ShiftPhase`` for frame changes; ``DriveChannel(q)`` for ``d{q}``,
    ``ControlChannel(k)`` for ``u{k}``.  Waveform samples are the drive in
    units of the AWG full scale ``device.max_amplitude`` (so
    :math:`|s| \le 1`); the schedule ``metadata["lzsm"]`` keeps what
    :func:`schedule_unitary` needs (scale, qubits, couplers, device).
    """
    scale = program.device.max_amplitude
    with _qiskit_pulse() as pulse:
        sched = pulse.Schedule(name="lzsm", metadata={"lzsm": {k: v for k, v in program.to_dict().items() if k != "samples"}})
        sched.metadata["lzsm"]["amplitude_scale"] = scale
        frames = _frames_by_time(program)
        events = sorted(
            [(f.time, 0, f) for fs in frames.values() for f in fs] + [(s[1], 1, s) for s in program.segments],
            key=lambda e: (e[0], e[1]),
        )
        for t, _, ev in events:
            if isinstance(ev, FrameChange):
                sched.insert(t, pulse.ShiftPhase(ev.phase, _channel(pulse, ev.channel)), inplace=True)
                continue
            chan, start, length, kind = ev
            ch = _channel(pulse, chan)
            if kind == "play":
                wf = pulse.Waveform(program.samples[chan][start : start + length] / scale, name=f"lzsm_{chan}_{start}")
                sched.insert(start, pulse.Play(wf, ch), inplace=True)
            else:
                sched.insert(start, pulse.Delay(length, ch), inplace=True)
        if sched.duration < program.duration:  # idle channels at the end of a circuit
            sched.insert(sched.duration, pulse.Delay(program.duration - sched.duration, pulse.DriveChannel(0)), inplace=True)
    return sched


def schedule_unitary(schedule: Any) -> np.ndarray:
    r"""Round trip: simulate a schedule of :func:`to_schedule` with Qiskit Dynamics.

    Waveforms become signals through
    :class:`qiskit_dynamics.pulse.InstructionToSignals` (``carriers`` 0 on
    every channel: real baseband); the model :math:`H_0 + \sum_c s_c(t)\,
    \mathrm{scale}\,O_c` is solved with :class:`qiskit_dynamics.Solver`
    (``scipy_expm`` steps aligned with the samples, exact for piecewise-constant
    signals) between frame changes, which are applied as exact :math:`R_z`
    (module docstring).  Returns the unitary in Qiskit qubit order.
    """
    from qiskit_dynamics import Solver
    from qiskit_dynamics.pulse import InstructionToSignals

    meta = dict(schedule.metadata["lzsm"])
    meta["samples"] = {}
    program = PulseProgram.from_dict(meta)
    scale = float(schedule.metadata["lzsm"]["amplitude_scale"])
    dt = program.dt
    with _qiskit_pulse() as pulse:
        frames = sorted(
            (FrameChange(inst.channel.name, int(t), float(inst.phase)) for t, inst in schedule.instructions if isinstance(inst, pulse.ShiftPhase)),
            key=lambda f: f.time,
        )
        waveforms = schedule.exclude(instruction_types=[pulse.ShiftPhase, pulse.SetPhase])
        names = sorted({c.name for c in waveforms.channels})
        carriers = {c: 0.0 for c in names}
        signals = InstructionToSignals(dt, carriers=carriers, channels=names).get_signals(waveforms)
    solver = Solver(static_hamiltonian=program.static(), hamiltonian_operators=[scale * program.operator(c) for c in names])
    total = schedule.duration
    u = np.eye(2**program.num_qubits, dtype=complex)
    t_prev = 0
    for t_next in sorted({f.time for f in frames} | {total}):
        if t_next > t_prev:
            res = solver.solve(t_span=[t_prev * dt, t_next * dt], y0=u, signals=signals, method="scipy_expm", max_dt=dt * (1 + 1e-9))
            u = np.asarray(res.y[-1])
        for f in frames:
            if f.time == t_next:
                u = _frame_unitary(program, f) @ u
        t_prev = t_next
    return u
