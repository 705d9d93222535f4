"""Deprecated import path: pulse programs now live in :mod:`lzsm_gates.qiskit.schedules`
(Qiskit Pulse schedules in :mod:`lzsm_gates.qiskit.pulse_schedules`).

``from lzsm_gates.schedules import X`` keeps working for every public name it had.
"""

from .qiskit.schedules import (
    FrameChange,
    PulseProgram,
    circuit_program,
    gate_program,
    load_program,
    program_unitary,
    save_program,
)
from .qiskit.pulse_schedules import schedule_unitary, to_schedule

__all__ = [
    "FrameChange",
    "PulseProgram",
    "gate_program",
    "circuit_program",
    "program_unitary",
    "save_program",
    "load_program",
    "to_schedule",
    "schedule_unitary",
]
