r"""A simulated LZSM device as a Qiskit :class:`~qiskit.providers.BackendV2`.

:class:`LZSMBackend` couples three pieces:

* its :attr:`~LZSMBackend.target`: the native LZSM gates designed for the
  *nominal* device (:func:`~lzsm_gates.qiskit.target.lzsm_target` with
  :class:`~lzsm_gates.qiskit.target.SlotDurations`: every duration a whole
  number of samples ``dt``, ``u``, ``measure`` and ``reset`` with durations,
  ``if_else`` supported), so that ``transpile(..., backend=backend,
  scheduling_method="alap")`` works at every optimization level;
* the :class:`~lzsm_gates.qiskit.device.VirtualDevice` that plays the pulses
  (hidden true parameters, Floquet-Born-Markov noise, readout errors);
* :func:`~lzsm_gates.qiskit.execution.execute`, the exact branch-by-branch
  density-matrix simulation of mid-circuit measurements, resets and
  ``if_else`` blocks, from which the shots are drawn.

:meth:`LZSMBackend.run` returns a job whose :class:`~qiskit.result.Result`
has counts and per-shot memory labelled by each circuit's own classical bits
(clbit ``i`` is bit ``i``, registers as in Qiskit), so
:class:`~qiskit.primitives.BackendSamplerV2` and
:class:`~qiskit.primitives.BackendEstimatorV2` work on it.  Circuits must be
native (transpiled for the backend); parameters must be bound.
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import numpy as np
from qiskit.circuit import QuantumCircuit
from qiskit.providers import BackendV2, JobStatus, JobV1, Options
from qiskit.result import Result
from qiskit.transpiler import CouplingMap, Target

from ..baths import Bath
from ..devices.spectrum import MultilevelSpectrum
from ..units import DEFAULT_DEVICE, Device, LZSMInputError, check_integer
from .device import MAX_SKEW_NS, DeviceTruth, VirtualDevice
from .execution import Execution, execute, execution_timeline
from .target import LZSMGateSet, SlotDurations, design_gate_set, lzsm_target, target_couplers
from .timeline import SCHEDULING, Timeline

if TYPE_CHECKING:
    from .schedules import PulseProgram

__all__ = ["LZSMBackend", "LZSMJob"]


class LZSMJob(JobV1):
    """A finished job of :class:`LZSMBackend` (runs are synchronous)."""

    def __init__(self, backend: "LZSMBackend", job_id: str, result: Result) -> None:
        super().__init__(backend, job_id)
        self._result = result

    def submit(self) -> None:
        """Nothing to do: the result exists when :meth:`LZSMBackend.run` returns."""

    def result(self) -> Result:
        return self._result

    def status(self) -> JobStatus:
        return JobStatus.DONE



class LZSMBackend(BackendV2):
    r"""A simulated device of LZSM-driven small-gap qubits (module docstring).

    Parameters
    ----------
    device : Device
        The nominal device: what the target's gates are designed for.
    num_qubits : int
    coupling_map : CouplingMap or iterable of pairs, optional
        Driven couplings (default: the linear chain).
    single_qubit : {"sx", "u"}
        Single-qubit basis of the target (:func:`~lzsm_gates.qiskit.target.lzsm_target`).
    truth : DeviceTruth, optional
        Hidden true parameters of the virtual device (default: equal to the nominal device).
    baths : Bath or sequence of Bath, optional
        One bath per qubit (or one for all, independent copies); ``None``: no bath.
    gate_set : LZSMGateSet, optional
        Reuse designed gates (default :func:`~lzsm_gates.qiskit.target.design_gate_set`, cached).
    slots : SlotDurations, optional
        Default :meth:`SlotDurations.for_device` (guard :data:`~lzsm_gates.qiskit.device.MAX_SKEW_NS`).
    virtual_z : {"frame", "idle"}
        How ``rz`` is played.  ``"frame"``: an exact, zero-duration frame change, which a drive with two
        quadratures (:math:`\sigma_x` and :math:`\sigma_y` lines) realises for free.  ``"idle"``: the
        single :math:`\sigma_x` line cannot rotate a frame instantly, so ``rz`` is played as idle time
        (less than one Larmor period, in an ``rz`` slot of one Larmor period): the rotation then
        precesses at the true gap and decoheres like any idle.
    multilevel : MultilevelSpectrum, optional
        Play every single-qubit pulse on this :math:`N`-level spectrum of the qubit
        (:class:`~lzsm_gates.qiskit.device.VirtualDevice`): population leaked out of the qubit levels is
        counted as measured 1, so leakage shows up in the counts.  Not with ``baths``.
    levels : int, optional
        Levels of ``multilevel`` kept (default all).
    entangler : {"sqrt_bswap", "xy"}, optional
        Two-qubit gate of the target on the couplers: :math:`\sqrt{\mathrm{bSWAP}}` with idles, or the
        idle-free :math:`e^{+i\pi(XY+YX)/8}` (``"xy"``); default: the one of ``gate_set``, else ``"sqrt_bswap"``.

    Notes
    -----
    Run options: ``shots`` (default 1024), ``seed_simulator`` (int or None),
    ``noise`` (bath noise and readout errors on; default True), ``memory``
    (per-shot results; default False), ``scheduling`` (``"alap"``, ``"asap"``
    or ``"serial"``, default ``"alap"``).
    """

    def __init__(
        self,
        device: Device = DEFAULT_DEVICE,
        num_qubits: int = 2,
        coupling_map: CouplingMap | Iterable[Sequence[int]] | None = None,
        *,
        single_qubit: str = "sx",
        truth: DeviceTruth | None = None,
        baths: Bath | Sequence[Bath] | None = None,
        gate_set: LZSMGateSet | None = None,
        slots: SlotDurations | None = None,
        virtual_z: str = "frame",
        multilevel: MultilevelSpectrum | None = None,
        levels: int | None = None,
        entangler: str | None = None,
    ) -> None:
        super().__init__(name=f"lzsm_{device.name}", description=f"simulated LZSM device ({device.name})", backend_version="1")
        if virtual_z not in ("frame", "idle"):
            raise LZSMInputError(f"virtual_z must be 'frame' or 'idle', got {virtual_z!r}")
        self._nominal = device
        self._rz_as_idle = virtual_z == "idle"
        self._slots = slots or SlotDurations.for_device(device, guard_ns=MAX_SKEW_NS, rz_as_idle=self._rz_as_idle)
        if self._rz_as_idle and self._slots.rz_s < float(device.time_to_ns(2 * np.pi)) * 1e-9:
            raise LZSMInputError(f"virtual_z='idle' needs an rz slot of one Larmor period, got rz_s = {self._slots.rz_s} s")
        self._target = lzsm_target(
            device, num_qubits, coupling_map,
            gate_set=gate_set or design_gate_set(device, entangler=entangler or "sqrt_bswap"),
            single_qubit=single_qubit, slots=self._slots, entangler=entangler,
        )
        self._virtual = VirtualDevice(
            device, int(num_qubits), target_couplers(self._target), truth=truth, baths=baths, multilevel=multilevel,
            levels=levels,
        )

    @property
    def target(self) -> Target:
        return self._target

    @property
    def max_circuits(self) -> None:
        return None

    @property
    def device(self) -> Device:
        """The nominal device (what users design with)."""
        return self._nominal

    @property
    def slots(self) -> SlotDurations:
        """Instruction slots on the AWG grid."""
        return self._slots

    @property
    def virtual_device(self) -> VirtualDevice:
        """The simulated hardware (its truth only through :meth:`VirtualDevice.reveal_truth`)."""
        return self._virtual

    @classmethod
    def _default_options(cls) -> Options:
        return Options(shots=1024, seed_simulator=None, noise=True, memory=False, scheduling="alap")

    def _run_options(self, options: dict[str, Any]) -> dict[str, Any]:
        unknown = set(options) - set(self.options.__dict__)
        if unknown:
            raise LZSMInputError(f"unknown run options {sorted(unknown)}; allowed: {sorted(self.options.__dict__)}")
        opts = {**self.options.__dict__, **{k: v for k, v in options.items() if v is not None or k == "seed_simulator"}}
        opts["shots"] = check_integer("shots", opts["shots"], minimum=1)
        if opts["scheduling"] not in SCHEDULING:
            raise LZSMInputError(f"scheduling must be one of {SCHEDULING}, got {opts['scheduling']!r}")
        return opts

    def execute(self, circuit: QuantumCircuit, *, noise: bool = True, scheduling: str = "alap") -> Execution:
        """Exact outcome probabilities (and final branch states) of one native circuit, without sampling."""
        if circuit.parameters:
            raise LZSMInputError(f"circuit {circuit.name!r} has unbound parameters {sorted(p.name for p in circuit.parameters)}")
        return execute(circuit, self._target, self._virtual, noise=noise, scheduling=scheduling, rz_as_idle=self._rz_as_idle)

    def timeline(self, circuit: QuantumCircuit, scheduling: str = "alap") -> Timeline:
        """The schedule the backend simulates (slots of the target; it matches Qiskit's ``scheduling_method``)."""
        return execution_timeline(circuit, self._target, self._virtual, scheduling)

    def program(
        self, circuit: QuantumCircuit, *, dt_ns: float | None = None, scheduling: str = "alap", refine_tolerance: float | None = None
    ) -> PulseProgram:
        r"""The pulse program of a native circuit (final measurements are dropped: the program ends before readout).

        At the backend's own sample time (``dt_ns`` ``None`` or equal to ``device.dt_ns``) the program
        follows :attr:`slots`: every pulse plays at the start of its slot, the rest of the slot is
        frame-tracked idle time, so the program is the schedule :meth:`run` simulates
        (:meth:`timeline` without the readout).  At another ``dt_ns`` (no slots on that grid) every
        gate is its own ``round(duration/dt)`` samples
        (:func:`~lzsm_gates.qiskit.schedules.circuit_program`).  ``refine_tolerance``: pulses whose
        sampling error exceeds it are re-refined on the grid
        (:func:`~lzsm_gates.qiskit.schedules.refine_on_grid`).
        """
        from .schedules import circuit_program

        own_grid = dt_ns is None or abs(float(dt_ns) - self._nominal.dt_ns) <= 1e-9 * self._nominal.dt_ns
        return circuit_program(
            circuit.remove_final_measurements(inplace=False), self._target, scheduling, dt_ns=dt_ns,
            slots=self._slots if own_grid else None, refine_tolerance=refine_tolerance,
        )

    def run(self, run_input: QuantumCircuit | Sequence[QuantumCircuit], **options: Any) -> LZSMJob:
        """Simulate native circuits and sample their shots (options: class Notes).

        Raises
        ------
        LZSMInputError
            Unknown options, bad ``shots``, unbound parameters, non-native instructions or
            unsupported control flow.
        """
        circuits = [run_input] if isinstance(run_input, QuantumCircuit) else list(run_input)
        opts = self._run_options(options)
        seed = opts["seed_simulator"]
        rng = np.random.default_rng(seed)
        results = []
        for circuit in circuits:
            start = time.perf_counter()
            outcome = self.execute(circuit, noise=bool(opts["noise"]), scheduling=opts["scheduling"])
            values = outcome.sample(opts["shots"], rng)
            memory = [hex(int(v)) for v in values]
            counts: dict[str, int] = {}
            for h in memory:
                counts[h] = counts.get(h, 0) + 1
            data: dict[str, Any] = {"counts": counts}
            if opts["memory"]:
                data["memory"] = memory
            results.append({
                "shots": int(opts["shots"]),
                "success": True,
                "meas_level": 2,
                "data": data,
                "seed_simulator": seed,
                "time_taken": time.perf_counter() - start,
                "header": {
                    "name": circuit.name,
                    "creg_sizes": [[r.name, r.size] for r in circuit.cregs],
                    "memory_slots": circuit.num_clbits,
                    "n_qubits": circuit.num_qubits,
                    "metadata": circuit.metadata,
                },
                "metadata": {"duration_s": outcome.duration_s, "noise": bool(opts["noise"])},
            })
        job_id = str(uuid.uuid4())
        result = Result.from_dict({
            "backend_name": self.name,
            "backend_version": self.backend_version,
            "qobj_id": job_id,
            "job_id": job_id,
            "success": True,
            "results": results,
        })
        return LZSMJob(self, job_id, result)
