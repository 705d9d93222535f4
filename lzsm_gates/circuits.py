"""Deprecated import path: the Qiskit integration now lives in :mod:`lzsm_gates.qiskit`.

``from lzsm_gates.circuits import X`` keeps working for every public name it
had (gates, target, timeline, simulation, Rabi comparison); new code should
import from :mod:`lzsm_gates` or :mod:`lzsm_gates.qiskit`.
"""

from .qiskit.equivalences import register_sqrt_bswap_equivalences
from .qiskit.gates import U_GATE_TOLERANCE, LZSMGate, LZSMSqrtBSwapGate, LZSMUGate, SqrtBSwapGate, design_u_gate
from .qiskit.rabi import RabiGate, compare_with_rabi, rabi_gate
from .qiskit.simulation import (
    MAX_CHANNEL_QUBITS,
    CircuitSimulation,
    NoisyCircuitSimulation,
    sample_counts,
    simulate_circuit,
    simulate_noisy_circuit,
)
from .qiskit.target import (
    LZSMGateSet,
    check_native,
    delay_seconds,
    design_gate_set,
    lzsm_target,
    native_device,
    native_gates,
    play_instruction,
)
from .qiskit.timeline import SCHEDULING, Timeline, circuit_timeline

__all__ = [
    "SqrtBSwapGate",
    "LZSMGate",
    "LZSMSqrtBSwapGate",
    "LZSMUGate",
    "design_u_gate",
    "U_GATE_TOLERANCE",
    "play_instruction",
    "LZSMGateSet",
    "design_gate_set",
    "register_sqrt_bswap_equivalences",
    "lzsm_target",
    "native_gates",
    "native_device",
    "check_native",
    "delay_seconds",
    "SCHEDULING",
    "Timeline",
    "circuit_timeline",
    "CircuitSimulation",
    "simulate_circuit",
    "MAX_CHANNEL_QUBITS",
    "NoisyCircuitSimulation",
    "simulate_noisy_circuit",
    "sample_counts",
    "RabiGate",
    "rabi_gate",
    "compare_with_rabi",
]
