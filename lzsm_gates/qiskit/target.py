r"""The native LZSM gate set of a device as a Qiskit :class:`~qiskit.transpiler.Target`.

A device of identical small-gap qubits (gap :math:`\Delta`) with driven
couplings gets the universal basis

* ``sx`` and ``x``: one-period LZSM pulses with real idles (:class:`~lzsm_gates.qiskit.gates.LZSMGate`),
  or the arbitrary ``u`` (:class:`~lzsm_gates.qiskit.gates.LZSMUGate`), one pulse per single-qubit gate;
* ``rz``: a virtual Z (frame change, McKay et al. 2017), zero duration and error;
* the entangler on coupled pairs (:class:`~lzsm_gates.qiskit.gates.LZSMEntanglerGate`): ``sqrt_bswap``
  (:class:`~lzsm_gates.qiskit.gates.LZSMSqrtBSwapGate`, one period plus idles, the default) or, opt-in,
  ``xy_entangler`` (:class:`~lzsm_gates.qiskit.gates.LZSMXYEntanglerGate`, the idle-free
  :math:`e^{+i\pi(XY+YX)/8}`, about four times shorter and far less sensitive to a gap mismatch);
* optionally ``id``: a one-period identity :math:`U(T) = \pm I` of chosen
  duration (:func:`~lzsm_gates.design.design_identity`).

Durations and error rates in :func:`lzsm_target` come from the exact
simulation of the designed pulses.  This module also says what plays each
native instruction (:func:`play_instruction`) and how long it lasts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
from qiskit.circuit import Gate, IfElseOp, Measure, Parameter, Reset
from qiskit.circuit.library import RZGate
from qiskit.transpiler import CouplingMap, InstructionProperties, Target

from ..design import design_gate, design_identity
from ..entanglers import design_bswap, design_xy_entangler
from ..units import DEFAULT_DEVICE, Device, LZSMInputError, check_integer
from .equivalences import register_entangler_equivalences
from .gates import (
    LZSMEntanglerGate,
    LZSMGate,
    LZSMPulseGate,
    LZSMSqrtBSwapGate,
    LZSMUGate,
    LZSMXYEntanglerGate,
    _is_diagonal_u,
    design_u_gate,
)

__all__ = [
    "ENTANGLERS",
    "LZSMGateSet",
    "SlotDurations",
    "design_gate_set",
    "lzsm_target",
    "native_gates",
    "native_device",
    "check_native",
    "play_instruction",
    "delay_seconds",
    "rz_idle_seconds",
    "target_couplers",
]


@dataclass(frozen=True)
class LZSMGateSet:
    """Native LZSM gates of one device (identical qubits, symmetric couplings).

    Attributes
    ----------
    device : Device
    sx, x : LZSMGate
        Single-qubit LZSM gates.
    entangler : LZSMEntanglerGate
        The entangler (``sqrt_bswap`` or ``xy_entangler``, its instruction name).
    identity : LZSMGate or None
        One-period identity (``id``), if requested.
    """

    device: Device
    sx: LZSMGate
    x: LZSMGate
    entangler: LZSMEntanglerGate
    identity: LZSMGate | None = None

    @property
    def gates(self) -> dict[str, Gate]:
        """Timed native gates by instruction name."""
        out: dict[str, Gate] = {"sx": self.sx, "x": self.x, self.entangler.name: self.entangler}
        if self.identity is not None:
            out["id"] = self.identity
        return out

    def rows(self) -> list[dict[str, Any]]:
        r"""One dict per gate: ``name, qubits, duration_ns, exact_error, amplitude, frequency``.

        ``amplitude`` and ``frequency`` are in units of the gap (:math:`A/\Delta`, :math:`\omega/\Delta`).
        """
        return [
            {
                "name": name,
                "qubits": g.num_qubits,
                "duration_ns": g.duration_s * 1e9,
                "exact_error": g.error,
                "amplitude": g.design.pulse.amplitude,
                "frequency": g.design.pulse.frequency,
            }
            for name, g in self.gates.items()
        ]

    def table(self) -> str:
        """Plain-text table of :meth:`rows`, one line per gate (to print)."""
        lines = [f"{'gate':>10} {'qubits':>6} {'T ns':>9} {'exact err':>9} {'A/Delta':>9} {'w/Delta':>9}"]
        for r in self.rows():
            lines.append(
                f"{r['name']:>10} {r['qubits']:>6} {r['duration_ns']:>9.3f} {r['exact_error']:>9.1e} "
                f"{r['amplitude']:>9.4f} {r['frequency']:>9.4f}"
            )
        return "\n".join(lines)


#: The entanglers a gate set can offer: instruction name -> (design function, gate class).
ENTANGLERS: dict[str, tuple[Callable[[Device], Any], type[LZSMEntanglerGate]]] = {
    "sqrt_bswap": (design_bswap, LZSMSqrtBSwapGate),
    "xy_entangler": (design_xy_entangler, LZSMXYEntanglerGate),
}



def _entangler_name(entangler: str) -> str:
    """Instruction name of the ``entangler`` choice (``"xy"`` is short for ``"xy_entangler"``)."""
    name = "xy_entangler" if entangler == "xy" else entangler
    if name not in ENTANGLERS:
        raise LZSMInputError(f"entangler must be 'sqrt_bswap' or 'xy' ('xy_entangler'), got {entangler!r}")
    return name



def design_gate_set(
    device: Device = DEFAULT_DEVICE, identity_duration: float | None = None, entangler: str = "sqrt_bswap"
) -> LZSMGateSet:
    """Design (and cache) the native gates of ``device``: ``sx``, ``x``, the entangler and optionally ``id``.

    Parameters
    ----------
    device : Device
        Gap, drive bounds, AWG sample time.
    identity_duration : float, optional
        Duration of the LZSM identity in internal units (:math:`1/\\Delta`); ``None``: no ``id``.
    entangler : {"sqrt_bswap", "xy"}
        ``"sqrt_bswap"``: :math:`\\sqrt{\\mathrm{bSWAP}}` with idles (:func:`~lzsm_gates.entanglers.design_bswap`);
        ``"xy"`` (or ``"xy_entangler"``): the idle-free :math:`e^{+i\\pi(XY+YX)/8}`
        (:func:`~lzsm_gates.entanglers.design_xy_entangler`).

    Raises
    ------
    LZSMInputError
        An unknown ``entangler``.
    """
    return _design_gate_set(device, identity_duration, _entangler_name(entangler))



@lru_cache(maxsize=8)
def _design_gate_set(device: Device, identity_duration: float | None, entangler: str) -> LZSMGateSet:
    ident = None if identity_duration is None else LZSMGate(design_identity(identity_duration, device), "id")
    design, gate = ENTANGLERS[entangler]
    return LZSMGateSet(
        device=device,
        sx=LZSMGate(design_gate("sx", device).best),
        x=LZSMGate(design_gate("x", device).best),
        entangler=gate(design(device)),
        identity=ident,
    )



@dataclass(frozen=True)
class SlotDurations:
    r"""Instruction slots of a backend on the AWG grid: every duration is a whole number of samples :math:`dt`.

    A pulse of duration :math:`d` gets the slot :math:`\lceil (d + g)/dt \rceil\,dt` (guard :math:`g`): the
    pulse starts at the beginning of its slot and the rest of the slot is frame-tracked idle time.  The
    arbitrary ``u`` and the parametric ``lzsm_pulse`` get one fixed ``long`` slot, an upper bound on any
    one-period pulse (drive period :math:`\le 2\pi/\omega_\mathrm{min}`, each idle below one Larmor period
    :math:`2\pi/\Delta`), so that Qiskit's schedulers see one duration per instruction.

    Attributes
    ----------
    dt_s : float
        Sample time (s).
    guard_s : float
        Slack after every pulse (s): room for a line delay of the controller.
    long_s : float
        Slot of ``u`` and ``lzsm_pulse`` (s).
    measure_s, reset_s : float
        Readout and reset durations (s).
    rz_s : float
        Slot of ``rz`` (s): 0 for a frame change (virtual Z), one Larmor period :math:`2\pi/\Delta` plus
        the guard when ``rz`` is played as idle time (:func:`rz_idle_seconds`).
    """

    dt_s: float
    guard_s: float
    long_s: float
    measure_s: float
    reset_s: float
    rz_s: float = 0.0

    @classmethod
    def for_device(
        cls, device: Device, *, guard_ns: float = 0.5, measure_ns: float = 500.0, reset_ns: float = 500.0, rz_as_idle: bool = False
    ) -> "SlotDurations":
        """Slots of ``device``: ``long`` from its frequency bound plus two Larmor periods, plus the guard;
        ``rz`` one Larmor period plus the guard if ``rz_as_idle``, else 0."""
        dt = device.dt_ns * 1e-9
        for name, v in (("guard_ns", guard_ns), ("measure_ns", measure_ns), ("reset_ns", reset_ns)):
            if not (np.isfinite(v) and v >= 0):
                raise LZSMInputError(f"{name} must be finite and >= 0, got {v}")
        bound = float(device.time_to_ns(2 * np.pi / device.min_frequency + 4 * np.pi)) * 1e-9
        larmor = float(device.time_to_ns(2 * np.pi)) * 1e-9
        grid = lambda s: _on_grid(s, dt)  # noqa: E731
        rz = grid(larmor + guard_ns * 1e-9) if rz_as_idle else 0.0
        return cls(dt, guard_ns * 1e-9, grid(bound + guard_ns * 1e-9), grid(measure_ns * 1e-9), grid(reset_ns * 1e-9), rz)

    def pulse(self, duration_s: float) -> float:
        """Slot (s) of a pulse of ``duration_s`` seconds."""
        return _on_grid(duration_s + self.guard_s, self.dt_s)



def _on_grid(seconds: float, dt: float) -> float:
    """Smallest whole number of samples covering ``seconds``, in seconds."""
    return int(np.ceil(seconds / dt - 1e-9)) * dt



def _edges(num_qubits: int, coupling_map: CouplingMap | Iterable[Sequence[int]] | None, bidirectional: bool) -> list[tuple[int, int]]:
    if coupling_map is None:
        pairs = [(i, i + 1) for i in range(num_qubits - 1)]
    else:
        pairs = [tuple(int(q) for q in e) for e in (coupling_map.get_edges() if isinstance(coupling_map, CouplingMap) else coupling_map)]
    out: list[tuple[int, int]] = []
    for p in pairs:
        if len(p) != 2 or p[0] == p[1] or not all(0 <= q < num_qubits for q in p):
            raise LZSMInputError(f"coupling {p} must join two different qubits among 0..{num_qubits - 1}")
        for e in (p, p[::-1]) if bidirectional else (p,):
            if e not in out:
                out.append(e)
    return out



def lzsm_target(
    device: Device = DEFAULT_DEVICE,
    num_qubits: int = 2,
    coupling_map: CouplingMap | Iterable[Sequence[int]] | None = None,
    *,
    identity_duration: float | None = None,
    bidirectional: bool = True,
    gate_set: LZSMGateSet | None = None,
    single_qubit: str = "sx",
    slots: SlotDurations | None = None,
    entangler: str | None = None,
) -> Target:
    """A Qiskit :class:`~qiskit.transpiler.Target` whose native gates are LZSM designs.

    Instructions: the single-qubit set, ``rz`` (virtual Z, zero duration and
    error), the entangler (``sqrt_bswap`` or ``xy_entangler``, :class:`LZSMEntanglerGate`) on the
    coupled pairs, ``measure``, ``reset``, the ``if_else`` control flow, and ``id`` if
    ``identity_duration`` is given.  Durations (s)
    and errors are the exact simulated ones.  Registers the entangler's ``cx`` equivalence
    (:func:`~lzsm_gates.qiskit.equivalences.register_entangler_equivalences`).

    Parameters
    ----------
    device : Device
    num_qubits : int
    coupling_map : CouplingMap or iterable of pairs, optional
        Driven couplings; default the linear chain ``(0, 1), (1, 2), ...``.
    identity_duration : float, optional
        LZSM identity duration (internal units).
    bidirectional : bool
        Add each coupling in both directions (the gate is symmetric for equal gaps).
    gate_set : LZSMGateSet, optional
        Reuse designed gates (default :func:`design_gate_set`).
    single_qubit : {"sx", "u"}
        ``"sx"``: the calibrated ``sx`` and ``x`` pulses (:class:`LZSMGate`;
        a generic single-qubit gate compiles to two of them between virtual Z).
        ``"u"``: the arbitrary ``u`` (:class:`LZSMUGate`), one pulse per
        single-qubit gate, designed on first use (about 0.3 s each, cached);
        its duration and error depend on the angles and are left unset in the target
        (without ``slots``).
    slots : SlotDurations, optional
        Durations on the AWG grid (a backend's target, :mod:`~lzsm_gates.qiskit.backend`): every
        instruction gets its slot, ``u`` the long slot, ``measure`` and ``reset`` (added) their
        durations, so that Qiskit's ``scheduling_method`` works without rounding; the raw
        ``lzsm_pulse`` (:class:`LZSMPulseGate`) is offered in the long slot.  Without ``slots``:
        exact pulse durations, ``measure`` and ``reset`` without duration.
    entangler : {"sqrt_bswap", "xy"}, optional
        The two-qubit gate (:func:`design_gate_set`); default: the one of ``gate_set``, else ``"sqrt_bswap"``.

    Raises
    ------
    LZSMInputError
        Fewer than one qubit, a coupling outside the device, an unknown ``single_qubit`` or
        ``entangler``, or an ``entangler`` other than the one of ``gate_set``.
    """
    num_qubits = check_integer("num_qubits", num_qubits, minimum=1)
    if single_qubit not in ("sx", "u"):
        raise LZSMInputError(f"single_qubit must be 'sx' or 'u', got {single_qubit!r}")
    if gate_set is None:
        gs = design_gate_set(device, identity_duration, entangler or "sqrt_bswap")
    else:
        gs = gate_set
        if entangler is not None and _entangler_name(entangler) != gs.entangler.name:
            raise LZSMInputError(f"entangler {entangler!r} differs from the gate set's {gs.entangler.name!r}")
    register_entangler_equivalences(gs.entangler.name)
    target = Target(description=f"LZSM gates on {device.name}", num_qubits=num_qubits, dt=device.dt_ns * 1e-9)
    qubits = [(q,) for q in range(num_qubits)]
    slot = (lambda d: d) if slots is None else slots.pulse
    for name, gate in gs.gates.items():
        if gate.num_qubits == 1 and (single_qubit == "sx" or name == "id"):
            props = {q: InstructionProperties(duration=slot(gate.duration_s), error=gate.error) for q in qubits}
            target.add_instruction(gate, props, name=name)
    if single_qubit == "u":
        u_props = None if slots is None else InstructionProperties(duration=slots.long_s)
        target.add_instruction(LZSMUGate(gs.device), {q: u_props for q in qubits})
    if slots is not None:
        pulse = LZSMPulseGate(*(Parameter(n) for n in ("amplitude", "frequency", "idle_before", "idle_after")))
        target.add_instruction(pulse, {q: InstructionProperties(duration=slots.long_s) for q in qubits})
    rz_s = 0.0 if slots is None else slots.rz_s
    target.add_instruction(RZGate(Parameter("theta")), {q: InstructionProperties(duration=rz_s, error=0.0) for q in qubits})
    edges = _edges(num_qubits, coupling_map, bidirectional)
    if edges:
        g = gs.entangler
        target.add_instruction(g, {e: InstructionProperties(duration=slot(g.duration_s), error=g.error) for e in edges})
    for op in (Measure(), Reset()):
        props = None if slots is None else InstructionProperties(duration=getattr(slots, f"{op.name}_s"))
        target.add_instruction(op, {q: props for q in qubits})
    target.add_instruction(IfElseOp, name="if_else")
    return target



def target_couplers(target: Target) -> list[tuple[int, int]]:
    """The coupled pairs (sorted, each once) on which ``target`` offers its entangler."""
    names = [n for n in ENTANGLERS if n in target.operation_names]
    return sorted({tuple(sorted(q)) for n in names for q in target[n]})



_NOT_GATES = ("barrier", "measure", "delay")  # no pulse: synchronisation, idle time, readout



def native_gates(gates: Target | LZSMGateSet | Mapping[str, Gate]) -> tuple[dict[str, Gate], Target | None]:
    """The timed LZSM gates by instruction name, and the target that restricts their qubits (if ``gates`` is one).

    Raises
    ------
    LZSMInputError
        If there is no LZSM gate among ``gates``.
    """
    native, target = _split_native(gates)
    if not native:
        raise LZSMInputError("no LZSM native gate found: pass lzsm_target(...), an LZSMGateSet or a name -> gate mapping")
    return native, target



def _split_native(gates: Target | LZSMGateSet | Mapping[str, Gate]) -> tuple[dict[str, Gate], Target | None]:
    if isinstance(gates, Target):
        ops = {n: gates.operation_from_name(n) for n in gates.operation_names}
        kinds = (LZSMGate, LZSMEntanglerGate, LZSMUGate, LZSMPulseGate)
        return {n: g for n, g in ops.items() if isinstance(g, kinds)}, gates
    if isinstance(gates, LZSMGateSet):
        return gates.gates, None
    return dict(gates), None



def check_native(name: str, qargs: tuple[int, ...], target: Target | None) -> None:
    """Raise LZSMInputError unless ``target`` (if any) offers instruction ``name`` on ``qargs`` (barriers, delays and
    measurements always pass)."""
    if name in _NOT_GATES:
        return
    if target is not None and not target.instruction_supported(name, qargs):
        raise LZSMInputError(f"instruction {name} on qubits {qargs} is not native to the target: transpile first")



def play_instruction(
    operation: Any, native: Mapping[str, Gate]
) -> LZSMGate | LZSMEntanglerGate | LZSMPulseGate | float:
    """What plays a native instruction: its LZSM gate (a pulse), or a float, the angle of a virtual Z.

    ``rz(theta)`` and a diagonal ``u`` (:class:`LZSMUGate`) are virtual Z;
    a ``u`` is its own designed pulse (:func:`design_u_gate`); an
    ``lzsm_pulse`` (:class:`LZSMPulseGate`) is itself, and so is an entangler
    (:class:`LZSMEntanglerGate`) that carries its own coupler pulse; every
    other name is the gate of ``native``.
    """
    name = operation.name
    if name == "rz":
        return float(operation.params[0])
    if isinstance(operation, (LZSMPulseGate, LZSMEntanglerGate)):
        return operation
    if name == "u" and isinstance(native.get("u"), LZSMUGate):
        theta, phi, lam = (float(p) for p in operation.params)
        if _is_diagonal_u(theta):
            return phi + lam
        return design_u_gate(theta, phi, lam, native["u"].device)
    if name not in native:
        raise LZSMInputError(f"{name} is not an LZSM native gate (native: rz, {', '.join(native)}): transpile first")
    return native[name]



def rz_idle_seconds(phi: float, device: Device) -> float:
    r"""Idle time (s) whose free precession :math:`e^{+i\Delta\tau\sigma_z/2} = R_z(-\Delta\tau)` is :math:`R_z(\phi)`
    up to a global phase: :math:`\tau = ((-\phi) \bmod 2\pi)/\Delta`, less than one Larmor period."""
    return float(device.time_to_ns(np.mod(-float(phi), 2 * np.pi))) * 1e-9



def native_device(native: Mapping[str, Gate]) -> Device:
    """The device the native gates of :func:`native_gates` were designed for."""
    return next(g.device if isinstance(g, LZSMUGate) else g.design.device for g in native.values() if not isinstance(g, LZSMPulseGate))



_SECONDS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9, "ps": 1e-12}



def delay_seconds(operation: Any, device: Device) -> float:
    """Duration of a Qiskit ``Delay`` in seconds (unit ``dt`` is the device's AWG sample time)."""
    if operation.unit == "dt":
        return float(operation.duration) * device.dt_ns * 1e-9
    if operation.unit not in _SECONDS:
        raise LZSMInputError(f"delay unit must be dt or one of {', '.join(_SECONDS)}, got {operation.unit!r}")
    return float(operation.duration) * _SECONDS[operation.unit]



def _duration_s(native: Mapping[str, Gate], device: Device) -> Callable[[Any], float]:
    """Duration function (seconds) of the instructions of a compiled circuit, for :func:`circuit_timeline`."""

    def duration(inst: Any) -> float:
        op = inst.operation
        if op.name == "delay":
            return delay_seconds(op, device)
        played = play_instruction(op, native)
        return 0.0 if isinstance(played, float) else played.duration_s

    return duration
