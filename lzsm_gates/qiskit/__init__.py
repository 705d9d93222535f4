r"""LZSM gates in Qiskit: gates, target, scheduling, simulation, pulse programs.

Modules (one concept each):

* :mod:`~lzsm_gates.qiskit.gates`: LZSM gates as Qiskit instructions (exact pulse unitaries);
* :mod:`~lzsm_gates.qiskit.equivalences`: the ``cx -> sqrt_bswap`` (or ``xy_entangler``) rule registered (explicitly, once)
  in Qiskit's session equivalence library;
* :mod:`~lzsm_gates.qiskit.target`: the native gate set and the transpiler :class:`~qiskit.transpiler.Target`;
* :mod:`~lzsm_gates.qiskit.timeline`: serial / ASAP / ALAP placement of a compiled circuit;
* :mod:`~lzsm_gates.qiskit.simulation`: closed and open-system pulse-level circuit simulation, counts;
* :mod:`~lzsm_gates.qiskit.device`: the virtual device (hidden true parameters, noise, readout errors);
* :mod:`~lzsm_gates.qiskit.execution`: the one circuit simulation path (density matrix with classical branches);
* :mod:`~lzsm_gates.qiskit.backend`: :class:`~lzsm_gates.qiskit.backend.LZSMBackend`, a Qiskit ``BackendV2``;
* :mod:`~lzsm_gates.qiskit.rabi`: comparison with resonant Rabi gates;
* :mod:`~lzsm_gates.qiskit.schedules`: sampled pulse programs (export at any dt, sampling error);
* :mod:`~lzsm_gates.qiskit.pulse_schedules`: the programs as ``qiskit.pulse`` schedules, round trip.

The names are re-exported lazily: importing this subpackage imports no
module of Qiskit; a module (and Qiskit) is imported with the first name used
from it.  Our code imports :mod:`qiskit.pulse` only inside
:func:`~lzsm_gates.qiskit.pulse_schedules.to_schedule` and
:func:`~lzsm_gates.qiskit.pulse_schedules.schedule_unitary` (Qiskit 1.3's own
``import qiskit`` loads it too).
"""

from .._lazy import lazy_exports as _lazy_exports

#: submodule -> the names re-exported from it (imported on first use, PEP 562)
_EXPORTS: dict[str, tuple[str, ...]] = {
    "gates": (
        "U_GATE_TOLERANCE", "LZSMGate", "LZSMPulseGate", "LZSMSqrtBSwapGate", "LZSMUGate", "SqrtBSwapGate",
        "design_u_gate", "LZSMEntanglerGate", "LZSMXYEntanglerGate", "XYEntanglerGate",
    ),
    "equivalences": ("register_sqrt_bswap_equivalences", "register_entangler_equivalences"),
    "target": (
        "LZSMGateSet", "SlotDurations", "check_native", "delay_seconds", "design_gate_set", "lzsm_target",
        "native_device", "native_gates", "play_instruction", "rz_idle_seconds",
        "ENTANGLERS", "target_couplers",
    ),
    "timeline": ("SCHEDULING", "Timeline", "circuit_timeline"),
    "simulation": (
        "MAX_CHANNEL_QUBITS", "CircuitSimulation", "NoisyCircuitSimulation", "sample_counts", "simulate_circuit",
        "simulate_noisy_circuit",
    ),
    "device": ("MAX_SKEW_NS", "DeviceTruth", "VirtualDevice", "leak_to_one_channel"),
    "execution": ("MAX_EXECUTION_QUBITS", "Execution", "execute", "execution_timeline"),
    "backend": ("LZSMBackend", "LZSMJob"),
    "rabi": ("RabiComparison", "RabiComparisonRow", "RabiGate", "compare_with_rabi", "rabi_gate"),
    "schedules": (
        "FrameChange", "PulseProgram", "circuit_program", "gate_program", "load_program", "program_unitary",
        "sampling_error", "save_program", "refine_on_grid",
    ),
    "pulse_schedules": ("schedule_unitary", "to_schedule"),
}

__getattr__, __dir__ = _lazy_exports(__name__, globals(), _EXPORTS)

__all__ = [name for names in _EXPORTS.values() for name in names]
