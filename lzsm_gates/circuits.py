r"""LZSM gates as Qiskit objects: native gate set, compilation target, circuit-level simulation.

Native gate set
---------------
A device of identical small-gap qubits (gap :math:`\Delta`, physics.md Sec. 1)
with driven couplings (Sec. 4) gets the universal basis

* ``sx`` and ``x``: one-period LZSM pulses with real idles
  (:func:`~lzsm_gates.design.design_gate`), wrapped as :class:`LZSMGate`;
* ``rz``: a virtual Z (frame change, McKay et al. 2017), zero duration and error;
* ``sqrt_bswap``: the entangler :math:`\sqrt{\mathrm{bSWAP}} = e^{-i\pi(XX - YY)/8}`
  (:func:`~lzsm_gates.design.design_bswap`), wrapped as :class:`LZSMSqrtBSwapGate`;
* optionally ``id``: a one-period identity :math:`U(T) = \pm I` of chosen
  duration (:func:`~lzsm_gates.design.design_identity`).

Every LZSM gate object's matrix (``to_matrix()``, ``numpy.asarray``) is the
*exact* simulated unitary of its designed pulse, not the ideal target; the
durations and error rates in :func:`lzsm_target` come from the same
simulation.  Qiskit's own :func:`~qiskit.transpile` compiles any circuit onto
the :class:`~qiskit.transpiler.Target`; the basis translator reaches
``sqrt_bswap`` through one equivalence-library rule,
:math:`\mathrm{CX} = e^{i\varphi} L_3\, \sqrt{\mathrm{bSWAP}}\, L_2\, \sqrt{\mathrm{bSWAP}}\, L_1`
with single-qubit layers :math:`L_k` derived numerically once per session
(two applications suffice because :math:`\sqrt{\mathrm{bSWAP}}` is locally
equivalent to :math:`\sqrt{i\mathrm{SWAP}}`, Weyl coordinates
:math:`(\pi/8, \pi/8, 0)`).

Qubit ordering
--------------
:func:`~lzsm_gates.models.coupled_qubits_model` puts qubit 1 on the *left*
tensor factor, Qiskit is little-endian (the first qarg is the *rightmost*
factor).  ``LZSMSqrtBSwapGate`` on qargs ``(a, b)`` treats ``a`` as the model's
qubit 1, so its Qiskit matrix is :math:`S\,U_\mathrm{model}\,S` with the swap
:math:`S`.  The ideal :math:`\sqrt{\mathrm{bSWAP}}` is swap symmetric.

Frame convention of the circuit simulation
------------------------------------------
:func:`simulate_circuit` composes, instruction by instruction, the exact
unitary of each designed pulse (its lab-frame propagator with idles, as
designed) on its qubits and exact :math:`R_z` matrices for ``rz``.  This is
the closed-system evolution in the rotating frame of every qubit with frame
tracking: the free precession :math:`e^{+i\Delta t\sigma_z/2}` of a qubit
while others are driven is a known Z rotation that the controller absorbs
into that qubit's frame (a virtual Z), which :mod:`lzsm_gates.schedules`
makes explicit with ``ShiftPhase`` instructions.  For one real, single-quadrature
baseband line (:math:`\sigma_x` only) a frame change is realised by re-timing
the following pulses by :math:`-\phi/\Delta \bmod 2\pi/\Delta` (what the real
idles of the designs do); a zero-duration virtual Z needs a second,
:math:`\sigma_y`-coupled quadrature.  Open-system circuit simulation (the
Floquet-Markov rates of each gate) is a follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
from qiskit.circuit import Gate, Measure, Parameter, QuantumCircuit
from qiskit.circuit.equivalence_library import SessionEquivalenceLibrary
from qiskit.circuit.library import CXGate, RZGate, UGate
from qiskit.quantum_info import DensityMatrix, Operator, Statevector, SuperOp, process_fidelity
from qiskit.transpiler import CouplingMap, InstructionProperties, Target
from scipy.optimize import least_squares

from .baths import Bath
from .design import BSwapDesign, GateDesign, bswap_target, design_bswap, design_gate, design_identity
from .metrics import average_gate_fidelity, gate_error, unitary_superoperator
from .models import DrivenModel, PAULI_X, PAULI_Z, qubit_model
from .noise import gate_channel, idle_channel, periodic_channel
from .propagate import evolve
from .targets import resolve_target
from .units import DEFAULT_DEVICE, ConvergenceError, Device, LZSMInputError, check_finite, check_positive

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

_SWAP = np.eye(4)[[0, 2, 1, 3]]


def _model_to_qiskit(u: np.ndarray) -> np.ndarray:
    """Two-qubit matrix in the model order |q1 q2> -> Qiskit order (first qarg = q1 = rightmost factor)."""
    return _SWAP @ u @ _SWAP


class SqrtBSwapGate(Gate):
    r"""Ideal :math:`\sqrt{\mathrm{bSWAP}} = e^{-i\pi(XX - YY)/8}`.

    Rotation by :math:`\pi/2` in the :math:`\{|00\rangle, |11\rangle\}` block,
    identity on :math:`\{|01\rangle, |10\rangle\}`
    (:func:`~lzsm_gates.design.bswap_target`); swap symmetric, so the same
    matrix in Qiskit's little-endian order.  Defined as
    :math:`R_{XX}(\pi/4) R_{YY}(-\pi/4)` (the two commute).
    """

    def __init__(self, label: str | None = None) -> None:
        super().__init__("sqrt_bswap", 2, [], label=label)

    def _define(self) -> None:
        qc = QuantumCircuit(2, name=self.name)
        qc.rxx(np.pi / 4, 0, 1)
        qc.ryy(-np.pi / 4, 0, 1)
        self.definition = qc

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        return np.asarray(bswap_target(), dtype=dtype or complex)


class LZSMGate(Gate):
    """A single-qubit LZSM gate whose matrix is the exact unitary of its designed pulse.

    Parameters
    ----------
    design : GateDesign
        A single-qubit design; the real-idle ``design.pulse`` is the one played.
    name : str, optional
        Instruction name (default: the design target's name, e.g. ``"sx"``).
    """

    def __init__(self, design: GateDesign, name: str | None = None) -> None:
        if design.gap != 1.0:
            raise LZSMInputError(f"LZSMGate needs a single-qubit design (gap 1), got gap {design.gap}")
        super().__init__(name or design.target.name, 1, [])
        self.design = design
        self._unitary = design.pulse.propagator(qubit_model())

    @property
    def duration_s(self) -> float:
        """Duration of the pulse with its idles, in seconds."""
        return float(self.design.device.time_to_ns(self.design.duration)) * 1e-9

    @property
    def error(self) -> float:
        """Exact unitary gate error against the target."""
        return float(self.design.exact_error)

    def _define(self) -> None:
        qc = QuantumCircuit(1, name=self.name)
        qc.unitary(self._unitary, [0])
        self.definition = qc

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        return np.asarray(self._unitary, dtype=dtype or complex)


class LZSMSqrtBSwapGate(Gate):
    r"""The :math:`\sqrt{\mathrm{bSWAP}}` entangler with the exact unitary of its LZSM pulse (Qiskit order)."""

    def __init__(self, design: BSwapDesign) -> None:
        super().__init__("sqrt_bswap", 2, [])
        self.design = design
        self._unitary = _model_to_qiskit(design.unitary())

    @property
    def duration_s(self) -> float:
        """Duration of the coupler pulse with its idles, in seconds."""
        return float(self.design.device.time_to_ns(self.design.pulse.duration)) * 1e-9

    @property
    def error(self) -> float:
        """Exact 4x4 gate error against :math:`\\sqrt{\\mathrm{bSWAP}}`."""
        return float(self.design.exact_error)

    def _define(self) -> None:
        qc = QuantumCircuit(2, name=self.name)
        qc.unitary(self._unitary, [0, 1])
        self.definition = qc

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        return np.asarray(self._unitary, dtype=dtype or complex)


class LZSMUGate(Gate):
    r"""The target's arbitrary single-qubit instruction ``u``: each bound :math:`U(\theta, \phi, \lambda)` is one LZSM pulse.

    The gates paper's central claim is that any single-qubit gate is one
    period of the drive plus idles; with ``lzsm_target(..., single_qubit="u")``
    Qiskit's transpiler merges every run of single-qubit gates into one
    ``u`` and :func:`play_instruction` designs (once, cached) the pulse of
    each angle triple.  A ``u`` with :math:`\theta \equiv 0 \pmod{2\pi}` is
    diagonal, :math:`R_z(\phi + \lambda)` up to a global phase, and is played
    as a virtual Z.

    Parameters
    ----------
    device : Device
        The device the pulses are designed for.
    """

    def __init__(self, device: Device = DEFAULT_DEVICE) -> None:
        super().__init__("u", 1, [Parameter("theta"), Parameter("phi"), Parameter("lam")])
        self.device = device


#: Largest exact error accepted for a designed ``u`` pulse.
U_GATE_TOLERANCE = 1e-10


@lru_cache(maxsize=4096)
def _design_u(device: Device, angles: tuple[float, float, float]) -> LZSMGate:
    result = design_gate(_u_matrix(*angles), device, n_refine=3)
    for design in result.candidates:
        if design.refined and design.exact_error <= U_GATE_TOLERANCE:
            return LZSMGate(design, "u")
    raise ConvergenceError(
        f"no exactly refined LZSM pulse for U{angles} on {device.name} (best exact error "
        f"{min(d.exact_error for d in result.candidates):.2g} > {U_GATE_TOLERANCE:g})"
    )


def design_u_gate(theta: float, phi: float, lam: float, device: Device = DEFAULT_DEVICE) -> LZSMGate:
    r"""The one-pulse LZSM design of Qiskit's :math:`U(\theta, \phi, \lambda)` (cached per device and angles).

    Raises
    ------
    LZSMInputError
        Non-finite angles, or a diagonal :math:`U` (:math:`\theta \equiv 0`), which is a virtual Z, not a pulse.
    ConvergenceError
        If none of the three best proposals refines to an exact error below :data:`U_GATE_TOLERANCE`.
    """
    angles = tuple(float(check_finite(n, v)) for n, v in (("theta", theta), ("phi", phi), ("lam", lam)))
    if _is_diagonal_u(angles[0]):
        raise LZSMInputError(f"U with theta = {theta} is diagonal (a virtual Z), not a pulse")
    return _design_u(device, tuple(round(a, 12) for a in angles))


def _is_diagonal_u(theta: float) -> bool:
    return abs(np.sin(theta / 2)) < 1e-12


# --------------------------------------------------------------------------- equivalence rule


def _u_matrix(theta: float, phi: float, lam: float) -> np.ndarray:
    """Qiskit's :class:`UGate` matrix."""
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return np.array([[c, -np.exp(1j * lam) * s], [np.exp(1j * phi) * s, np.exp(1j * (phi + lam)) * c]])


def _layered(x: np.ndarray, entangler: np.ndarray) -> np.ndarray:
    """:math:`e^{i x_0} L_3 B L_2 B L_1` with :math:`L_k = U(x) \\otimes U(x)` (Qiskit order: qubit 0 right)."""
    out = np.eye(4, dtype=complex)
    for k in range(3):
        q0, q1 = _u_matrix(*x[1 + 6 * k : 4 + 6 * k]), _u_matrix(*x[4 + 6 * k : 7 + 6 * k])
        out = np.kron(q1, q0) @ out
        if k < 2:
            out = entangler @ out
    return np.exp(1j * x[0]) * out


@lru_cache(maxsize=1)
def _cx_via_sqrt_bswap() -> tuple[float, ...]:
    r"""Angles of :math:`\mathrm{CX} = e^{i x_0} L_3 B L_2 B L_1` by least squares on the 4x4 residual.

    Deterministic multistart (seeded); the residual reaches machine precision
    because :math:`\mathrm{CX}` needs exactly two :math:`\sqrt{i\mathrm{SWAP}}`-class gates.
    """
    qc = QuantumCircuit(2)
    qc.cx(0, 1)
    target = Operator(qc).data
    b = bswap_target()
    rng = np.random.default_rng(7)

    def residual(x: np.ndarray) -> np.ndarray:
        r = (_layered(x, b) - target).ravel()
        return np.concatenate([r.real, r.imag])

    best = None
    for _ in range(20):
        sol = least_squares(residual, rng.uniform(-np.pi, np.pi, 19), xtol=1e-15, ftol=1e-15, gtol=1e-15)
        if best is None or sol.cost < best.cost:
            best = sol
        if best.cost < 1e-28:
            break
    if best.cost > 1e-24:
        raise RuntimeError(f"no CX decomposition into two sqrt(bSWAP) found (residual {best.cost:.2g})")
    return tuple(float(v) for v in best.x)


_REGISTERED = False


def register_sqrt_bswap_equivalences() -> None:
    r"""Add :math:`\mathrm{CX} \to` two :math:`\sqrt{\mathrm{bSWAP}}` plus ``u`` gates to Qiskit's session library (once).

    With it the basis translator reaches ``sqrt_bswap`` from every standard
    two-qubit gate (all of which have a path to ``cx``).  The rule is checked
    with :meth:`Operator.equiv` before it is added.
    """
    global _REGISTERED
    if _REGISTERED:
        return
    x = _cx_via_sqrt_bswap()
    qc = QuantumCircuit(2, global_phase=x[0])
    for k in range(3):
        qc.append(UGate(*x[1 + 6 * k : 4 + 6 * k]), [0])
        qc.append(UGate(*x[4 + 6 * k : 7 + 6 * k]), [1])
        if k < 2:
            qc.append(SqrtBSwapGate(), [0, 1])
    ref = QuantumCircuit(2)
    ref.cx(0, 1)
    if not Operator(qc).equiv(Operator(ref), atol=1e-10):
        raise RuntimeError("CX via sqrt(bSWAP) equivalence failed its check")
    SessionEquivalenceLibrary.add_equivalence(CXGate(), qc)
    _REGISTERED = True


# --------------------------------------------------------------------------- gate set and target


@dataclass(frozen=True)
class LZSMGateSet:
    """Native LZSM gates of one device (identical qubits, symmetric couplings).

    Attributes
    ----------
    device : Device
    sx, x : LZSMGate
        Single-qubit LZSM gates.
    sqrt_bswap : LZSMSqrtBSwapGate
        The entangler.
    identity : LZSMGate or None
        One-period identity (``id``), if requested.
    """

    device: Device
    sx: LZSMGate
    x: LZSMGate
    sqrt_bswap: LZSMSqrtBSwapGate
    identity: LZSMGate | None = None

    @property
    def gates(self) -> dict[str, Gate]:
        """Timed native gates by instruction name."""
        out: dict[str, Gate] = {"sx": self.sx, "x": self.x, "sqrt_bswap": self.sqrt_bswap}
        if self.identity is not None:
            out["id"] = self.identity
        return out

    def table(self) -> list[dict[str, Any]]:
        """Rows ``name, qubits, duration_ns, exact_error, amplitude, frequency`` (internal units for the last two)."""
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


@lru_cache(maxsize=8)
def design_gate_set(device: Device = DEFAULT_DEVICE, identity_duration: float | None = None) -> LZSMGateSet:
    """Design (and cache) the native gates of ``device``: ``sx``, ``x``, ``sqrt_bswap`` and optionally ``id``.

    Parameters
    ----------
    device : Device
        Gap, drive bounds, AWG sample time.
    identity_duration : float, optional
        Duration of the LZSM identity in internal units (:math:`1/\\Delta`); ``None``: no ``id``.
    """
    ident = None if identity_duration is None else LZSMGate(design_identity(identity_duration, device), "id")
    return LZSMGateSet(
        device=device,
        sx=LZSMGate(design_gate("sx", device).best),
        x=LZSMGate(design_gate("x", device).best),
        sqrt_bswap=LZSMSqrtBSwapGate(design_bswap(device)),
        identity=ident,
    )


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
) -> Target:
    """A Qiskit :class:`~qiskit.transpiler.Target` whose native gates are LZSM designs.

    Instructions: the single-qubit set, ``rz`` (virtual Z, zero duration and
    error), ``sqrt_bswap`` (:class:`LZSMSqrtBSwapGate`) on the coupled pairs,
    ``measure``, and ``id`` if ``identity_duration`` is given.  Durations (s)
    and errors are the exact simulated ones.  Registers the ``cx`` equivalence
    (:func:`register_sqrt_bswap_equivalences`).

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
        its duration and error depend on the angles and are left unset in the target.

    Raises
    ------
    LZSMInputError
        Fewer than one qubit, a coupling outside the device, or an unknown ``single_qubit``.
    """
    if int(num_qubits) < 1:
        raise LZSMInputError(f"num_qubits must be >= 1, got {num_qubits}")
    if single_qubit not in ("sx", "u"):
        raise LZSMInputError(f"single_qubit must be 'sx' or 'u', got {single_qubit!r}")
    gs = gate_set or design_gate_set(device, identity_duration)
    register_sqrt_bswap_equivalences()
    target = Target(description=f"LZSM gates on {device.name}", num_qubits=int(num_qubits), dt=device.dt_ns * 1e-9)
    qubits = [(q,) for q in range(int(num_qubits))]
    for name, gate in gs.gates.items():
        if gate.num_qubits == 1 and (single_qubit == "sx" or name == "id"):
            props = {q: InstructionProperties(duration=gate.duration_s, error=gate.error) for q in qubits}
            target.add_instruction(gate, props, name=name)
    if single_qubit == "u":
        target.add_instruction(LZSMUGate(gs.device), {q: None for q in qubits})
    target.add_instruction(RZGate(Parameter("theta")), {q: InstructionProperties(duration=0.0, error=0.0) for q in qubits})
    edges = _edges(int(num_qubits), coupling_map, bidirectional)
    if edges:
        g = gs.sqrt_bswap
        target.add_instruction(g, {e: InstructionProperties(duration=g.duration_s, error=g.error) for e in edges})
    target.add_instruction(Measure(), {q: None for q in qubits})
    return target


# --------------------------------------------------------------------------- circuit simulation


_NOT_GATES = ("barrier", "measure", "delay")  # no pulse: synchronisation, idle time, readout
SCHEDULING = ("alap", "asap", "serial")


@dataclass(frozen=True)
class Timeline:
    """Start times of the timed instructions of a compiled circuit.

    Attributes
    ----------
    entries : tuple of ``(index, qubits, start, duration)``
        ``index`` into ``circuit.data``, the physical qubits, start and duration
        (in the units of the duration function), in circuit order.  Barriers,
        delays and measurements are not entries: barriers synchronise their
        qubits, delays hold them for their duration (an idle gap).
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
    compiled: QuantumCircuit, duration: Callable[[Any], float], scheduling: str = "alap"
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

    Raises
    ------
    LZSMInputError
        Unknown ``scheduling`` or a negative duration.
    """
    if scheduling not in SCHEDULING:
        raise LZSMInputError(f"scheduling must be one of {SCHEDULING}, got {scheduling!r}")
    n = compiled.num_qubits
    timed: list[tuple[int, tuple[int, ...], float]] = []
    for index, inst in enumerate(compiled.data):
        name = inst.operation.name
        qargs = tuple(compiled.find_bit(q).index for q in inst.qubits)
        if name == "measure":
            continue
        if name == "barrier":  # synchronises its qubits, not an entry
            timed.append((-1, qargs, 0.0))
            continue
        dur = float(duration(inst))
        if not dur >= 0:
            raise LZSMInputError(f"duration of {name} on {qargs} must be >= 0, got {dur}")
        timed.append((-1 if name == "delay" else index, qargs, dur))  # a delay holds its qubits idle: a gap
    order = timed[::-1] if scheduling == "alap" else timed
    cursor = [0.0] * n
    placed = []
    now = 0.0
    for index, qargs, dur in order:
        start = now if scheduling == "serial" else max((cursor[q] for q in qargs), default=0.0)
        for q in qargs:
            cursor[q] = start + dur
        now = start + dur
        if index >= 0:
            placed.append((index, qargs, start, dur))
    total = max(cursor, default=0.0) if scheduling != "serial" else now
    if scheduling == "alap":
        placed = [(i, q, total - s - d, d) for i, q, s, d in placed[::-1]]
    return Timeline(tuple(placed), total)


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
        return {n: g for n, g in ops.items() if isinstance(g, (LZSMGate, LZSMSqrtBSwapGate, LZSMUGate))}, gates
    if isinstance(gates, LZSMGateSet):
        return gates.gates, None
    return dict(gates), None


def _apply(state: np.ndarray, matrix: np.ndarray, qargs: Sequence[int], n: int) -> np.ndarray:
    """``matrix`` on the little-endian qubits ``qargs`` of an ``n``-qubit register; ``state`` has shape (2**n, m)."""
    k = len(qargs)
    m = state.shape[-1]
    t = state.reshape((2,) * n + (m,))
    axes = [n - 1 - q for q in reversed(qargs)]  # little-endian qubit q is axis n - 1 - q
    g = np.asarray(matrix).reshape((2,) * (2 * k))
    t = np.moveaxis(np.tensordot(g, t, axes=(list(range(k, 2 * k)), axes)), list(range(k)), axes)
    return t.reshape(2**n, m)


def check_native(name: str, qargs: tuple[int, ...], target: Target | None) -> None:
    """Raise LZSMInputError unless ``target`` (if any) offers instruction ``name`` on ``qargs`` (barriers, delays and
    measurements always pass)."""
    if name in _NOT_GATES:
        return
    if target is not None and not target.instruction_supported(name, qargs):
        raise LZSMInputError(f"instruction {name} on qubits {qargs} is not native to the target: transpile first")


def play_instruction(operation: Any, native: Mapping[str, Gate]) -> LZSMGate | LZSMSqrtBSwapGate | float:
    """What plays a native instruction: its LZSM gate (a pulse), or a float, the angle of a virtual Z.

    ``rz(theta)`` and a diagonal ``u`` (:class:`LZSMUGate`) are virtual Z;
    a ``u`` is its own designed pulse (:func:`design_u_gate`); every other
    name is the gate of ``native``.
    """
    name = operation.name
    if name == "rz":
        return float(operation.params[0])
    if name == "u" and isinstance(native.get("u"), LZSMUGate):
        theta, phi, lam = (float(p) for p in operation.params)
        if _is_diagonal_u(theta):
            return phi + lam
        return design_u_gate(theta, phi, lam, native["u"].device)
    if name not in native:
        raise LZSMInputError(f"{name} is not an LZSM native gate (native: rz, {', '.join(native)}): transpile first")
    return native[name]


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


def native_device(native: Mapping[str, Gate]) -> Device:
    """The device the native gates of :func:`native_gates` were designed for."""
    return next(g.device if isinstance(g, LZSMUGate) else g.design.device for g in native.values())


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


# --------------------------------------------------------------------------- resonant Rabi comparison


@dataclass(frozen=True)
class RabiGate:
    r"""A resonant square Rabi pulse :math:`A\cos(\Delta t)\sigma_x` over :math:`n` Larmor periods.

    Attributes
    ----------
    target : str
    angle : float
        RWA rotation angle :math:`\theta = A t` about :math:`x`.
    amplitude : float
        :math:`A` (units of :math:`\Delta`).
    periods : int
        :math:`n`; duration :math:`t = 2\pi n/\Delta`.
    duration : float
        Internal units.
    exact_error : float
        Exact gate error against the target.
    """

    target: str
    angle: float
    amplitude: float
    periods: int
    duration: float
    exact_error: float


def _rabi_model() -> DrivenModel:
    """The qubit under a resonant cosine drive (the ``parity`` shortcut needs the cos drive)."""
    return DrivenModel(-0.5 * PAULI_Z, PAULI_X, "cos", labels=("0", "1"), parity=PAULI_Z)


def rabi_gate(target: str, periods: int) -> RabiGate:
    r"""Conventional resonant Rabi gate on the same qubit, propagated exactly.

    In the frame rotating at :math:`\Delta`, the drive
    :math:`A\cos(\Delta t)\sigma_x = \tfrac{A}{2}(e^{i\Delta t} + e^{-i\Delta t})\sigma_x`
    has a co-rotating half of strength :math:`A/2`, i.e. (RWA) the
    Hamiltonian :math:`\tfrac{A}{2}\sigma_x` and a rotation
    :math:`R_x(\theta)` with :math:`\theta = A t`.  With :math:`t = 2\pi n/\Delta`
    (whole Larmor periods, so the lab and rotating frames coincide up to a
    sign) the amplitude is :math:`A = \theta\Delta/(2\pi n)`.  The
    counter-rotating half (Bloch-Siegert shift and micromotion, relative size
    :math:`A/\Delta`) makes the exact gate deviate; the exact propagator comes
    from :func:`lzsm_gates.propagate.evolve`.

    Parameters
    ----------
    target : {"x", "sx"}
        :math:`\theta = \pi` or :math:`\pi/2`.
    periods : int
        Number of Larmor periods :math:`n \ge 1`.
    """
    angles = {"x": np.pi, "sx": np.pi / 2}
    key = str(target).lower()
    if key not in angles:
        raise LZSMInputError(f"Rabi comparison supports targets 'x' and 'sx', got {target!r}")
    n = int(check_positive("periods", periods))
    theta = angles[key]
    amplitude = theta / (2 * np.pi * n)
    u = evolve(_rabi_model(), amplitude, 1.0, [float(n)])[0]
    err = float(gate_error(resolve_target(key).matrix, u))
    return RabiGate(key, theta, amplitude, n, 2 * np.pi * n, err)


def compare_with_rabi(
    device: Device = DEFAULT_DEVICE,
    targets: Sequence[str] = ("x", "sx"),
    periods: Sequence[int] = (1, 2, 4, 8, 16, 32),
    gate_set: LZSMGateSet | None = None,
    noise: Bath | None = None,
) -> list[dict[str, Any]]:
    r"""Duration and error of LZSM designs versus resonant Rabi gates on the same qubit.

    Parameters
    ----------
    device : Device
    targets : sequence of {"x", "sx"}
    periods : sequence of int
        Rabi gate lengths in Larmor periods.
    gate_set : LZSMGateSet, optional
    noise : Bath, optional
        Also report the open-system error: the LZSM pulse through
        :func:`~lzsm_gates.noise.gate_channel`, the Rabi pulse through the
        same Floquet-Born-Markov channel over its ``n`` drive periods
        (:func:`~lzsm_gates.noise.periodic_channel`, :math:`\omega = \Delta`).

    Returns
    -------
    list of dict
        One row per gate: ``target``, ``kind`` (``"lzsm"`` or ``"rabi"``),
        ``amplitude`` (units of :math:`\Delta`), ``periods`` (Rabi only),
        ``duration_ns``, ``exact_error``, and ``noisy_error`` (:math:`1 - F_\mathrm{avg}`
        of the channel; NaN without ``noise``).  Plotting:
        :func:`lzsm_gates.plotting.plot_rabi_comparison`.
    """
    gs = gate_set or design_gate_set(device)
    nan = float("nan")
    rows: list[dict[str, Any]] = []
    for t in targets:
        rabi = [rabi_gate(t, n) for n in periods]  # validates the target first
        lz: LZSMGate = gs.gates[t.lower()]
        target = resolve_target(t).matrix
        noisy = nan if noise is None else 1.0 - float(average_gate_fidelity(gate_channel(lz.design.pulse, noise), target))
        rows.append({"target": t.lower(), "kind": "lzsm", "amplitude": lz.design.pulse.amplitude, "periods": None,
                     "duration_ns": lz.duration_s * 1e9, "exact_error": lz.error, "noisy_error": noisy})
        for r in rabi:
            if noise is not None:
                channel = periodic_channel(_rabi_model(), r.amplitude, 1.0, noise, periods=r.periods)
                noisy = 1.0 - float(average_gate_fidelity(channel, target))
            rows.append({"target": r.target, "kind": "rabi", "amplitude": r.amplitude, "periods": r.periods,
                         "duration_ns": float(device.time_to_ns(r.duration)), "exact_error": r.exact_error,
                         "noisy_error": noisy})
    return rows
