r"""Calibration experiments on Qiskit Experiments' framework: settings are sequences of the :mod:`~lzsm_gates.calibration.model`.

Every experiment here is a :class:`SequenceExperiment`: a list of settings,
each a sequence of operations (:class:`~lzsm_gates.calibration.model.Pulse`, :class:`~lzsm_gates.calibration.model.Delay`,
:class:`~lzsm_gates.calibration.model.VirtualZ`) played from :math:`|0\rangle` and measured once,
as a Qiskit circuit of ``lzsm_pulse``, ``delay`` and ``rz`` instructions.  Its
analysis, :class:`DeviceModelAnalysis`, fits the device model
(:class:`~lzsm_gates.calibration.model.SlotModel`) by maximum likelihood to the counts of this
experiment together with the counts of earlier ones (option ``prior``), and
returns the parameters with their standard errors.  The experiments differ
only in the settings they choose:

* :class:`DeviceIdentification`: single pulses along the predicted operating
  curve of the target (a short stretch around the design frequency) and along
  a short amplitude line through the design point, plus the bare readout;
* :class:`FrameCalibration`: a Ramsey experiment, two half pulses around a
  frame-tracked delay, with and without a quarter turn of the frame: the
  fringe gives the true gap relative to the controller's frame, which sets
  the phase every idle leaves;
* :class:`ErrorAmplification`: the gate repeated :math:`N = 1, 2, 4, \dots`
  times after a half pulse (as in fine-amplitude experiments), and the half
  pulse repeated alone an odd number of times, so amplitude, frequency and
  idle-phase errors grow with :math:`N`.

They run on any backend whose target offers ``lzsm_pulse``, ``rz``, ``delay``
and ``measure`` (:class:`~lzsm_gates.qiskit.backend.LZSMBackend`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
from qiskit.circuit import Gate, QuantumCircuit
from qiskit.providers import Options
from qiskit_experiments.framework import AnalysisResultData, BaseAnalysis, BaseExperiment, ExperimentData
from uncertainties import ufloat

from ..entanglers import BSwapDesign, bswap_target
from ..metrics import gate_error
from ..models import coupled_qubits_model
from ..pulses import LZSMPulse
from ..qiskit.gates import LZSMPulseGate, LZSMSqrtBSwapGate
from ..units import ConvergenceError, Device, LZSMInputError
from .likelihood import LikelihoodFit, fit_binomial
from .model import PARAMETERS, Delay, Operation, Pulse, SlotModel, VirtualZ

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Setting",
    "SequenceExperiment",
    "DeviceModelAnalysis",
    "DeviceIdentification",
    "FrameCalibration",
    "ErrorAmplification",
    "measured_settings",
    "pulse_instruction",
    "PARAMETER_BOUNDS",
    "DEFAULT_FREE",
]

Setting = tuple[Operation, ...]

_FITTED_STARTS = 4

#: Parameters fitted by default: all but the line curvature ``kappa``, which :class:`DeviceIdentification` alone
#: does not determine; the later experiments, fitted jointly with it, free ``kappa`` as well.
DEFAULT_FREE = np.array([True, True, False, True, True])
_ALL_FREE = np.ones(len(PARAMETERS), dtype=bool)

#: Fit bounds of ``theta`` (gap, scale, kappa, p10, p01).
PARAMETER_BOUNDS = (np.array([0.7, 0.3, -0.5, 0.0, 0.0]), np.array([1.3, 2.0, 0.5, 0.3, 0.3]))


def pulse_instruction(pulse: LZSMPulse, device: Device, coupler: bool = False) -> Gate:
    """The instruction that plays ``pulse`` (units of the nominal ``device``): ``lzsm_pulse`` on a qubit, or the
    ``sqrt_bswap`` entangler carrying this coupler pulse on a pair."""
    if not coupler:
        return LZSMPulseGate(pulse.amplitude, pulse.frequency, pulse.idle_before, pulse.idle_after)
    error = float(gate_error(bswap_target(), pulse.propagator(coupled_qubits_model(1.0, 1.0))))
    return LZSMSqrtBSwapGate(BSwapDesign(pulse, 1.0, 1.0, None, error, device))


def sequence_circuit(setting: Setting, device: Device, index: int, slot_model: SlotModel | None = None) -> QuantumCircuit:
    """The circuit of a setting (delays in whole samples ``dt`` of ``device``): on one qubit, or on a coupled pair
    measured on its first qubit when ``slot_model`` is a coupler's block (:mod:`~lzsm_gates.calibration.model`)."""
    coupler = slot_model is not None and slot_model.coupler
    k = 1.0 if slot_model is None else slot_model.time_scale
    qc = QuantumCircuit(2 if coupler else 1, 1, name=f"setting{index}")
    qubits = [0, 1] if coupler else [0]
    dt = float(device.time_from_ns(device.dt_ns))
    for op in setting:
        if isinstance(op, Pulse):
            played = op.pulse if slot_model is None else slot_model.played(op.pulse)
            qc.append(pulse_instruction(played, device, coupler), qubits)
        elif isinstance(op, Delay):
            samples = op.duration / (k * dt)
            if abs(samples - round(samples)) > 1e-6:
                raise LZSMInputError(f"delay {op.duration} is not a whole number of samples dt = {k * dt} (model units)")
            for q in qubits:
                qc.delay(int(round(samples)), q, unit="dt")
        else:
            qc.rz(op.angle, 0)
    qc.measure(0, 0)
    qc.metadata = {"setting": index}
    return qc


def measured_settings(data: ExperimentData, settings: Sequence[Setting]) -> tuple[list[Setting], np.ndarray, np.ndarray]:
    """Settings, counts of 1 and shots of an experiment's data, in setting order (repeats added)."""
    ones = np.zeros(len(settings))
    shots = np.zeros(len(settings))
    for datum in data.data():
        i = datum["metadata"]["setting"]
        counts = datum["counts"]
        ones[i] += sum(v for k, v in counts.items() if k[-1] == "1")
        shots[i] += sum(counts.values())
    if np.any(shots == 0):
        raise ConvergenceError(f"settings {np.nonzero(shots == 0)[0].tolist()} returned no shots")
    return list(settings), ones, shots


class DeviceModelAnalysis(BaseAnalysis):
    r"""Maximum-likelihood fit of the device model to this experiment's counts and the ``prior`` ones.

    Analysis options:

    * ``slot_model`` (:class:`~lzsm_gates.calibration.model.SlotModel`): the device model.
    * ``settings`` (list of ``Setting``): the experiment's settings (filled by the experiment).
    * ``prior`` (tuple ``(settings, ones, shots)``): counts of earlier experiments, fitted jointly.
    * ``theta0`` (ndarray): start of the fit; ``starts`` (optional, shape ``(m, 5)``) adds more, the best by
      likelihood wins.
    * ``free`` (ndarray of bool): which of ``(gap, scale, kappa, p10, p01)`` are fitted.
    """

    @classmethod
    def _default_options(cls) -> Options:
        opts = super()._default_options()
        opts.slot_model = None
        opts.settings = None
        opts.prior = ([], np.zeros(0), np.zeros(0))
        opts.theta0 = None
        opts.starts = None
        opts.free = DEFAULT_FREE.copy()
        opts.plot = True
        return opts

    def _run_analysis(self, experiment_data: ExperimentData) -> tuple[list[AnalysisResultData], list[Any]]:
        o = self.options
        if o.slot_model is None or o.settings is None or o.theta0 is None:
            raise LZSMInputError("DeviceModelAnalysis needs the options slot_model, settings and theta0")
        settings, ones, shots = measured_settings(experiment_data, o.settings)
        p_settings, p_ones, p_shots = o.prior
        all_settings = list(p_settings) + settings
        all_ones, all_shots = np.concatenate([p_ones, ones]), np.concatenate([p_shots, shots])
        fit = fit_settings(o.slot_model, all_settings, all_ones, all_shots, o.theta0, free=o.free, starts=o.starts)
        results = [
            AnalysisResultData(name, ufloat(fit.theta[i], fit.stderr[i]), chisq=fit.deviance / max(fit.dof, 1))
            for i, name in enumerate(PARAMETERS) if o.free[i]
        ]
        results.append(AnalysisResultData(
            "device_model", fit.theta.tolist(), chisq=fit.deviance / max(fit.dof, 1),
            extra={"fit": fit, "settings": all_settings, "ones": all_ones, "shots": all_shots, "new": len(settings)},
        ))
        figures = [_fit_figure(o.slot_model, settings, ones / shots, fit)] if o.plot else []
        return results, figures


def fit_settings(
    model: SlotModel, settings: Sequence[Setting], ones: np.ndarray, shots: np.ndarray, theta0: np.ndarray,
    *, free: np.ndarray | None = None, starts: np.ndarray | None = None,
) -> LikelihoodFit:
    """Maximum-likelihood fit of the device model to counts of settings, from the best of ``theta0`` and ``starts``."""
    lower, upper = PARAMETER_BOUNDS
    candidates = [np.asarray(theta0, float)] + ([] if starts is None else list(np.asarray(starts, float)))
    if len(candidates) > 1:  # fit from the few starts with the smallest weighted squared misfit, keep the likeliest
        freq = ones / shots
        cost = [np.sum(shots * (model.probabilities(settings, c) - freq) ** 2) for c in candidates]
        candidates = [candidates[i] for i in np.argsort(cost)[:_FITTED_STARTS]]
    fits = []
    for start in candidates:
        try:
            fits.append(fit_binomial(lambda t: model.probabilities(settings, t), start, ones, shots, lower=lower, upper=upper, free=free))
        except ConvergenceError:
            continue
    if not fits:
        raise ConvergenceError("no start of the fit reached a maximum with a regular Fisher information")
    return min(fits, key=lambda f: f.deviance)


def _fit_figure(model: SlotModel, settings: Sequence[Setting], measured: np.ndarray, fit: LikelihoodFit) -> "Figure":
    import matplotlib.pyplot as plt  # figures only: matplotlib is imported on use

    fig, ax = plt.subplots(figsize=(5, 3))
    x = np.arange(len(settings))
    ax.plot(x, measured, "o", label="measured")
    ax.plot(x, model.probabilities(settings, fit.theta), "x", label="fitted model")
    ax.set_xlabel("setting")
    ax.set_ylabel("P(record 1)")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


class SequenceExperiment(BaseExperiment):
    r"""Settings (sequences of pulses, delays and frame changes) measured on one qubit, fitted by :class:`DeviceModelAnalysis`.

    Parameters
    ----------
    physical_qubit : int or (int, int)
        A qubit, or a coupled pair when ``slot_model`` is a coupler's block (measured on the pair's first qubit).
    settings : sequence of Setting
    slot_model : SlotModel
    theta0 : ndarray
        Start of the fit (the current estimate of the device).
    device : Device
        The nominal device (its ``dt`` for delays).
    backend : Backend, optional
    prior : tuple (settings, ones, shots), optional
        Earlier counts fitted jointly.
    free : ndarray of bool, optional
    starts : ndarray, optional
        Further starts of the fit.
    """

    def __init__(
        self, physical_qubit: int | tuple[int, int], settings: Sequence[Setting], slot_model: SlotModel, theta0: np.ndarray, device: Device,
        backend: Any = None, *, prior: tuple | None = None, free: np.ndarray | None = None, starts: np.ndarray | None = None,
    ) -> None:
        if not settings:
            raise LZSMInputError("an experiment needs at least one setting")
        analysis = DeviceModelAnalysis()
        analysis.set_options(slot_model=slot_model, settings=list(settings), theta0=np.asarray(theta0, float), starts=starts)
        if prior is not None:
            analysis.set_options(prior=prior)
        if free is not None:
            analysis.set_options(free=np.asarray(free, bool))
        qubits = [int(q) for q in np.atleast_1d(physical_qubit)]
        if len(qubits) != (2 if slot_model.coupler else 1):
            raise LZSMInputError(f"physical_qubit must be {'a coupled pair' if slot_model.coupler else 'one qubit'} for this slot model, "
                                 f"got {physical_qubit!r}")
        super().__init__(qubits, analysis=analysis, backend=backend, backend_run=True)
        self.settings = list(settings)
        self.device = device
        self.slot_model = slot_model

    @classmethod
    def _default_run_options(cls) -> Options:
        # counts are the default of every backend; no meas_level option (LZSMBackend accepts only its own options)
        return Options()

    @classmethod
    def _default_transpile_options(cls) -> Options:
        return Options(optimization_level=0)

    def circuits(self) -> list[QuantumCircuit]:
        return [sequence_circuit(s, self.device, i, self.slot_model) for i, s in enumerate(self.settings)]

    def _transpiled_circuits(self) -> list[QuantumCircuit]:
        """The circuits placed on the physical qubit as they are: ``lzsm_pulse``, ``rz``, ``delay`` and
        ``measure`` are native (a translation pass would refuse ``delay``, which targets need not list)."""
        width = self.backend.num_qubits if self.backend is not None else max(self.physical_qubits) + 1
        out = []
        for circuit in self.circuits():
            placed = QuantumCircuit(width, circuit.num_clbits, name=circuit.name, metadata=circuit.metadata)
            placed.compose(circuit, qubits=list(self.physical_qubits), clbits=list(range(circuit.num_clbits)), inplace=True)
            out.append(placed)
        return out


def _scaled(pulse: LZSMPulse, amplitude: float | None = None, frequency: float | None = None) -> LZSMPulse:
    """A bare pulse (no idles) at a new amplitude or frequency."""
    return LZSMPulse(pulse.amplitude if amplitude is None else amplitude, pulse.frequency if frequency is None else frequency)


class DeviceIdentification(SequenceExperiment):
    r"""Single pulses along the operating curve and an amplitude line, the bare readout (module docstring).

    Parameters
    ----------
    physical_qubit : int
    design : LZSMPulse
        The design point :math:`(A_0, \omega_0)` on the nominal device.
    curve : sequence of (float, float)
        Predicted operating points :math:`(A, \omega)` near the design (e.g. from
        :func:`~lzsm_gates.design.operating_curve`).
    extra_points : sequence of (float, float)
        Further single pulses, e.g. a point with :math:`P \approx 1` that pins the readout error :math:`p(0|1)`.
    slot_model, device, backend :
        As in :class:`SequenceExperiment`.
    amplitude_factors : sequence of float
        The amplitude line :math:`A_0 \times` factor at :math:`\omega_0`.
    starts : ndarray, optional
        Starts of the fit (default: a grid of gap and scale around nominal).
    """

    def __init__(
        self, physical_qubit: int, design: LZSMPulse, curve: Sequence[tuple[float, float]], slot_model: SlotModel, device: Device,
        backend: Any = None, *, amplitude_factors: Sequence[float] = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0), starts: np.ndarray | None = None,
        extra_points: Sequence[tuple[float, float]] = (),
    ) -> None:
        settings: list[Setting] = [()] + [(Pulse(LZSMPulse(a, w)),) for a, w in extra_points]
        settings += [(Pulse(_scaled(design, amplitude=design.amplitude * f)),) for f in amplitude_factors]
        settings += [(Pulse(_scaled(design, a, w)),) for a, w in curve]
        if starts is None:
            g, s = np.meshgrid(np.linspace(0.9, 1.1, 15), np.linspace(0.6, 1.4, 33), indexing="ij")
            starts = np.column_stack([g.ravel(), s.ravel(), np.zeros(g.size), np.full(g.size, 0.02), np.full(g.size, 0.02)])
        super().__init__(physical_qubit, settings, slot_model, np.array([1.0, 1.0, 0.0, 0.02, 0.02]), device, backend, starts=starts)


class FrameCalibration(SequenceExperiment):
    r"""Ramsey: half pulse, frame change :math:`0` or :math:`\pi/2`, frame-tracked delay, half pulse (module docstring).

    Parameters
    ----------
    physical_qubit : int
    half_pulse : LZSMPulse
        A pulse with :math:`P \approx 1/2` on the current estimate.
    delays_ns : sequence of float
        Delays, rounded to whole samples.
    gap_span : float
        The fit starts from gaps ``theta0[0] +- gap_span`` (a grid): the short delays pick the fringe the
        long ones refine.
    """

    def __init__(
        self, physical_qubit: int, half_pulse: LZSMPulse, slot_model: SlotModel, theta0: np.ndarray, device: Device,
        backend: Any = None, *, delays_ns: Sequence[float] = (40.0, 160.0, 640.0), prior: tuple | None = None,
        gap_span: float = 0.08,
    ) -> None:
        dt = float(device.time_from_ns(device.dt_ns)) * slot_model.time_scale
        settings: list[Setting] = []
        for d in delays_ns:
            tau = round(float(device.time_from_ns(d)) * slot_model.time_scale / dt) * dt
            for phi in (0.0, np.pi / 2):
                settings.append((Pulse(half_pulse), VirtualZ(phi), Delay(tau), Pulse(half_pulse)))
        # the fringe phase (g - 1) tau wraps at the longest delay: start the fit on a grid of gaps (robust phase estimation)
        gaps = theta0[0] + np.linspace(-gap_span, gap_span, 241)
        starts = np.repeat(np.asarray(theta0, float)[None, :], gaps.size, axis=0)
        starts[:, 0] = gaps
        super().__init__(physical_qubit, settings, slot_model, theta0, device, backend, prior=prior, free=_ALL_FREE if prior else None,
                         starts=starts)


class ErrorAmplification(SequenceExperiment):
    r"""The gate repeated :math:`N` times after a half pulse (module docstring).

    Parameters
    ----------
    physical_qubit : int
    gate, half_pulse : LZSMPulse
        The pulse being calibrated and a :math:`\pi/2` rotation (linear sensitivity), best at the gate's
        frequency; when it is another pulse, it is also repeated alone :math:`N + 1` times for even
        :math:`N` (its over-rotation grows with :math:`N` even where the gate's error is an axis tilt that a
        :math:`\pi` rotation echoes away).
    repetitions : sequence of int
    """

    def __init__(
        self, physical_qubit: int, gate: LZSMPulse, half_pulse: LZSMPulse, slot_model: SlotModel, theta0: np.ndarray,
        device: Device, backend: Any = None, *, repetitions: Sequence[int] = (1, 2, 4, 8, 16), prior: tuple | None = None,
    ) -> None:
        if any(int(n) < 1 for n in repetitions):
            raise LZSMInputError(f"repetitions must be >= 1, got {list(repetitions)}")
        settings: list[Setting] = [(Pulse(half_pulse),) + (Pulse(gate),) * int(n) for n in repetitions]
        if half_pulse != gate:  # the half pulse repeated an odd number of times ends on the equator, where its
            # over-rotation, growing linearly, shows linearly: this pins the line transfer
            settings += [(Pulse(half_pulse),) * (int(n) + 1) for n in repetitions if n > 1]
        super().__init__(physical_qubit, settings, slot_model, theta0, device, backend, prior=prior, free=_ALL_FREE if prior else None)
