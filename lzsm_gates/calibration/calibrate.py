r"""The calibration loop: identify the device, re-design on it, calibrate the frame, fine-tune by error amplification.

:func:`calibrate_gate` runs, on one qubit of a backend,

1. :class:`~.experiments.DeviceIdentification` from the nominal design of the target;
2. re-design on the fitted device (:func:`redesign`: the exact operating point of
   :func:`~lzsm_gates.design.refine` at the fitted gap, the amplitude divided by the
   fitted line transfer, idles that absorb the frame phase of the rest of the slot);
3. :class:`~.experiments.FrameCalibration` (Ramsey) and re-design;
4. rounds of :class:`~.experiments.ErrorAmplification`, each fitted jointly with all
   earlier counts and followed by a re-design, until the *estimated* gate error
   :func:`estimated_error` is at most ``tolerance`` (or the round limit, or a model
   that no longer describes the data, stops it with a reason).

:func:`calibrate_bswap` runs the same loop on the {00, 11} block of a coupler
(:class:`~.model.SlotModel` with ``coupler``) for :math:`\sqrt{\mathrm{bSWAP}}`.

The estimated error of a pulse is the expected error of the fitted model's
parameters: with the generators :math:`G_j = iV^\dagger\partial V/\partial\theta_j`
of the slot unitary, :math:`1 - F \approx \delta\theta^\mathsf{T}K\delta\theta`,
:math:`K_{jk} = [d\,\mathrm{Tr}\,G_jG_k - \mathrm{Tr}\,G_j\mathrm{Tr}\,G_k]/(d(d+1))`,
so :math:`E[1 - F] = \mathrm{Tr}(K\Sigma)` for the fit covariance :math:`\Sigma`, with
variance :math:`2\,\mathrm{Tr}[(K\Sigma)^2]`; the loop stops on the bound
mean + 2 standard deviations (:func:`estimated_error` returns both).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
from qiskit.circuit import QuantumCircuit

from ..design import GateDesign, design_gate, refine
from ..entanglers import bswap_target, design_bswap
from ..metrics import average_gate_fidelity, gate_error
from ..pulses import LZSMPulse
from ..qiskit.execution import execute
from ..qiskit.gates import LZSMEntanglerGate, LZSMPulseGate
from ..targets import idle_solution, resolve_target
from ..units import DEFAULT_DEVICE, ConvergenceError, Device, LZSMInputError
from .experiments import DeviceIdentification, ErrorAmplification, FrameCalibration, SequenceExperiment, pulse_instruction
from .likelihood import LikelihoodFit
from .model import PARAMETERS, SlotModel

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["CalibrationStep", "CalibrationReport", "calibrate_gate", "calibrate_bswap", "redesign", "estimated_error", "true_gate_error", "slot_model_of"]

#: Largest deviance per degree of freedom accepted before the model is declared not to describe the device.
MAX_DEVIANCE_PER_DOF = 4.0


@dataclass(frozen=True)
class CalibrationStep:
    """One experiment of a calibration: its name, settings and shots, the fit after it and the pulse designed from it."""

    name: str
    settings: int
    shots: int
    theta: tuple[float, ...]
    stderr: tuple[float, ...]
    deviance_per_dof: float
    pulse: LZSMPulse
    estimated_error: float
    error_bound: float


@dataclass(frozen=True)
class CalibrationReport:
    r"""What a calibration measured, fitted and designed.

    Attributes
    ----------
    target : str
    qubit : int or (int, int)
        The qubit, or the coupled pair of :func:`calibrate_bswap`.
    steps : tuple of CalibrationStep
        In order; ``steps[-1].pulse`` is the calibrated pulse.
    parameters : dict
        Final fitted ``gap``, ``scale``, ``kappa``, ``p10``, ``p01`` as (value, standard error).
    pulse : LZSMPulse
        The calibrated pulse (internal units of the nominal device), played as ``lzsm_pulse`` (a coupler pulse,
        played as ``sqrt_bswap``, for a pair).
    nominal_pulse : LZSMPulse
        The design on the nominal device the calibration started from.
    estimated_error : float
        Expected gate error of the final pulse (:func:`estimated_error`).
    converged : bool
        The bound of :func:`estimated_error` is at most the tolerance.
    reason : str
        Why the calibration stopped.
    true_error : float or None
        Gate error on the hidden device (simulators only, :func:`true_gate_error`).
    nominal_true_error : float or None
        The same for the uncalibrated nominal design.
    figures : tuple of Figure
        The analyses' fit figures.
    device : Device
        The nominal device.
    """

    target: str
    qubit: int | tuple[int, int]
    steps: tuple[CalibrationStep, ...]
    parameters: dict
    pulse: LZSMPulse
    nominal_pulse: LZSMPulse
    estimated_error: float
    converged: bool
    reason: str
    true_error: float | None = None
    nominal_true_error: float | None = None
    figures: tuple = field(default=(), repr=False, compare=False)
    device: Device = DEFAULT_DEVICE

    @property
    def settings(self) -> int:
        """Number of distinct measured settings."""
        return sum(s.settings for s in self.steps)

    @property
    def shots(self) -> int:
        """Total shots."""
        return sum(s.shots for s in self.steps)

    def gate(self) -> LZSMPulseGate | LZSMEntanglerGate:
        """The calibrated gate as a circuit instruction (``lzsm_pulse``, or ``sqrt_bswap`` on a pair)."""
        gate = pulse_instruction(self.pulse, self.device, coupler=isinstance(self.qubit, tuple))
        gate.label = f"{self.target}_cal"
        return gate

    def table(self) -> str:
        """Plain-text summary of the steps."""
        rows = [f"{'step':<22}{'settings':>9}{'shots':>8}{'gap':>10}{'scale':>10}{'est. error':>12}"]
        for s in self.steps:
            rows.append(f"{s.name:<22}{s.settings:>9}{s.shots:>8}{s.theta[0]:>10.5f}{s.theta[1]:>10.5f}{s.estimated_error:>12.2e}")
        tail = f"{'total':<22}{self.settings:>9}{self.shots:>8}   converged: {self.converged} ({self.reason})"
        if self.true_error is not None:
            tail += f"\ntrue gate error {self.true_error:.2e} (nominal design: {self.nominal_true_error:.2e})"
        return "\n".join(rows + [tail])

    def plot(self) -> "Figure":
        """Estimated error and fitted scale/gap after each step."""
        import matplotlib.pyplot as plt  # figures only: matplotlib is imported on use

        fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.2))
        x = np.arange(len(self.steps))
        a.semilogy(x, [max(s.estimated_error, 1e-12) for s in self.steps], "o-", label="estimated")
        if self.true_error is not None:
            a.axhline(self.true_error, color="k", ls=":", label="true (final)")
        a.set_xticks(x, [s.name for s in self.steps], rotation=30, ha="right", fontsize=7)
        a.set_ylabel("gate error")
        a.legend(fontsize=8)
        for i, name in enumerate(("gap", "scale")):
            b.errorbar(x, [s.theta[i] - 1 for s in self.steps], [s.stderr[i] for s in self.steps], fmt="o-", label=f"{name} - 1")
        b.set_xticks(x, [s.name for s in self.steps], rotation=30, ha="right", fontsize=7)
        b.legend(fontsize=8)
        fig.tight_layout()
        plt.close(fig)
        return fig


def slot_model_of(backend: Any, qubit: int | tuple[int, int], reference_frequency: float) -> SlotModel:
    """The slot model of ``backend``'s ``lzsm_pulse`` on ``qubit``, or of the {00, 11} block of its ``sqrt_bswap`` on a
    coupled pair (slot length from its target; ``reference_frequency`` in the model's units)."""
    coupler = isinstance(qubit, tuple)
    name, qargs = ("sqrt_bswap", qubit) if coupler else ("lzsm_pulse", (qubit,))
    props = backend.target[name].get(qargs) if name in backend.target else None
    if props is None or props.duration is None:
        raise LZSMInputError(f"backend {backend.name} offers no timed {name} on qubits {qargs}")
    model = SlotModel(1.0, 1.0, coupler)
    return SlotModel(float(backend.device.time_from_ns(props.duration * 1e9)) * model.time_scale, reference_frequency, coupler)


def redesign(nominal: GateDesign, model: SlotModel, theta: np.ndarray, start: LZSMPulse | None = None) -> LZSMPulse:
    r"""The pulse that plays ``nominal.target`` exactly on the model ``theta`` (module docstring, step 2).

    ``start`` (default the nominal pulse) seeds the exact refinement at the fitted gap (at its frequency; where the
    operating curve of the fitted device no longer passes there, from the nearest CHRW proposal of that device).

    Raises
    ------
    ConvergenceError
        No exact operating point near the start, or a pulse that does not fit the slot.
    """
    g = float(theta[0])
    start = nominal.pulse if start is None else start
    seed = replace(nominal, pulse=replace(start, amplitude=model.true_amplitude(start, theta)), gap=g)
    try:
        exact = refine(seed)
    except ConvergenceError:
        # the operating curve moved away from this frequency (e.g. the tip of a closing P >= 1/2 contour):
        # refine the nearest proposal of the fitted device instead
        proposals = design_gate(nominal.target, nominal.device, gap=g, n_refine=0).candidates
        near = min(proposals, key=lambda c: np.hypot(c.pulse.amplitude - seed.pulse.amplitude, c.pulse.frequency - start.frequency))
        exact = refine(near)
    a_true, w = exact.pulse.amplitude, exact.pulse.frequency
    line = model.true_amplitude(LZSMPulse(1.0, w), theta)
    u = model.slot_unitary(LZSMPulse(a_true / line, w), theta)  # idles zero: slot = rest frame @ U_g
    # remove the rest-of-slot frame of the zero-idle pulse to get U_g, then solve the idles
    rest0 = model.slot - 2 * np.pi / w
    u_g = np.diag(np.exp([-0.5j * (g - 1) * rest0, 0.5j * (g - 1) * rest0])) @ u
    t1, t2d = (float(t) for t in idle_solution(u_g, nominal.target.matrix, g))
    # after the pulse the qubit sees g t2 + (g - 1)(L - t1 - T - t2) = t2 + (g - 1)(L - t1 - T); match g t2d
    t2 = float(np.mod(g * t2d - (g - 1) * (model.slot - t1 - 2 * np.pi / w), 2 * np.pi))
    pulse = LZSMPulse(a_true / line, w, t1, t2)
    if model.coupler:
        pulse = _block_sign(pulse, model, theta)
    if pulse.duration > model.slot:
        raise ConvergenceError(f"the re-designed pulse ({pulse.duration:.4g}) does not fit the lzsm_pulse slot ({model.slot:.4g})")
    return pulse


def _block_sign(pulse: LZSMPulse, model: SlotModel, theta: np.ndarray) -> LZSMPulse:
    r"""The shortest pulse in the slot with the idles of ``pulse`` shifted so that the block is
    :math:`+e^{-i\pi\sigma_x/4}`, not its negative: the {00, 11} block's SU(2) sign counts against the {01, 10} block.

    The slot is :math:`e^{+i\phi_2\sigma_z/2}U e^{+i\phi_1\sigma_z/2}` with :math:`\phi_1 = g t_1` and
    :math:`\phi_2 = t_2 + (g - 1)(L - t_1 - T)`; the idle solutions are :math:`\phi_{1,2} + 2\pi m_{1,2}`, of sign
    :math:`(-1)^{m_1 + m_2}`.  The shortest one with the + sign (checked on the model) that fits the slot is kept.

    Raises
    ------
    ConvergenceError
        None fits the slot.
    """
    g = float(theta[0])
    block = bswap_target()[np.ix_([0, 3], [0, 3])]
    best = None
    for m1 in (-1, 0, 1):
        t1 = pulse.idle_before + 2 * np.pi * m1 / g
        for m2 in (-1, 0, 1, 2):
            t2 = pulse.idle_after + 2 * np.pi * m2 + (g - 1) * (t1 - pulse.idle_before)
            if t1 < 0 or t2 < 0:
                continue
            cand = replace(pulse, idle_before=t1, idle_after=t2)
            if cand.duration > model.slot or (best is not None and cand.duration >= best.duration):
                continue
            if np.trace(block.conj().T @ model.slot_unitary(cand, theta)).real > 0:
                best = cand
    if best is None:
        raise ConvergenceError(f"the re-designed sqrt(bSWAP) needs one more idle of 2 pi (scaled units) for the sign of its "
                               f"{{00, 11}} block, which does not fit the sqrt_bswap slot ({model.slot:.4g}): give the backend a "
                               f"longer slot guard (SlotDurations.for_device(device, guard_ns=2.0))")
    return best


def _error_matrix(pulse: LZSMPulse, model: SlotModel, theta: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """:math:`K` of the module docstring for gap, scale and kappa."""
    v0 = model.slot_unitary(pulse, theta)
    gens = []
    for j in range(3):
        up, down = theta.copy(), theta.copy()
        up[j] += step
        down[j] -= step
        dv = (model.slot_unitary(pulse, up) - model.slot_unitary(pulse, down)) / (2 * step)
        g = 1j * v0.conj().T @ dv
        gens.append(0.5 * (g + g.conj().T))
    d = 2
    return np.array([[(d * np.trace(a @ b).real - np.trace(a).real * np.trace(b).real) / (d * (d + 1)) for b in gens] for a in gens])


def estimated_error(pulse: LZSMPulse, model: SlotModel, fit: LikelihoodFit) -> tuple[float, float]:
    r"""Expected gate error :math:`\mathrm{Tr}(K\Sigma)` of ``pulse`` given the fit's uncertainty, and its
    bound mean + 2 standard deviations (module docstring)."""
    ks = _error_matrix(pulse, model, fit.theta) @ fit.covariance[:3, :3]
    mean = float(max(np.trace(ks), 0.0))
    return mean, mean + 2 * float(np.sqrt(max(2 * np.trace(ks @ ks), 0.0)))


def true_gate_error(backend: Any, pulse: LZSMPulse, target: Any, qubit: int | tuple[int, int] = 0, *, noise: bool = False) -> float:
    r"""Average gate error of ``pulse`` played in its slot on the backend's *hidden* device (simulators only).

    Runs the backend's own execution path on the operator basis of ``qubit`` (``lzsm_pulse``), or of a coupled pair
    (``pulse`` a coupler pulse played as ``sqrt_bswap``; ``target`` a 4x4 matrix), the other qubits in
    :math:`|0\rangle`, with the virtual device's truth (``backend.virtual_device``).
    """
    if not hasattr(backend, "virtual_device"):
        raise LZSMInputError("the true gate error needs a simulated backend with a virtual_device (LZSMBackend)")
    qubits = tuple(qubit) if isinstance(qubit, tuple) else (qubit,)
    n, k = max(qubits) + 1, len(qubits)
    qc = QuantumCircuit(n)
    qc.append(pulse_instruction(pulse, backend.device, coupler=k == 2), list(qubits))
    dim, local = 2**n, 2**k
    index = [sum(((a >> j) & 1) << q for j, q in enumerate(qubits)) for a in range(local)]  # local basis state -> global
    pairs = [(a, b) for b in range(local) for a in range(local)]  # column stacking: vec index = row + dim * col
    basis = np.zeros((dim * dim, len(pairs)), dtype=complex)
    for col, (a, b) in enumerate(pairs):
        basis[index[a] + dim * index[b], col] = 1.0
    out = execute(qc, backend.target, backend.virtual_device, noise=noise, initial=basis).states[0]
    sup = np.zeros((len(pairs), len(pairs)), dtype=complex)
    for col in range(len(pairs)):
        rho = out[:, col].reshape(dim, dim, order="F")
        for row, (a, b) in enumerate(pairs):
            sup[row, col] = rho[index[a], index[b]]
    matrix = np.asarray(target, complex) if k == 2 else resolve_target(target).matrix
    return float(1.0 - average_gate_fidelity(sup, matrix))


def _curve_points(nominal: GateDesign, model: SlotModel, factors: tuple[float, ...]) -> list[tuple[float, float]]:
    """Predicted operating points (nominal device) at frequencies ``factor * omega_0``; for P = 1, the frequency line."""
    theta = np.array([1.0, 1.0, 0.0, 0.0, 0.0])
    out = []
    for f in factors:
        w = nominal.pulse.frequency * f
        try:
            p = redesign(nominal, SlotModel(model.slot, w), theta, start=LZSMPulse(nominal.pulse.amplitude, w)) \
                if nominal.target.probability < 1 - 1e-9 else LZSMPulse(nominal.pulse.amplitude, w)
        except ConvergenceError:
            p = LZSMPulse(nominal.pulse.amplitude, w)
        out.append((p.amplitude, w))
    return out


def _check_run(shots: int, tolerance: float) -> None:
    """Refuse shots below 10 and a non-positive tolerance."""
    if not isinstance(shots, (int, np.integer)) or shots < 10:
        raise LZSMInputError(f"shots must be an integer >= 10, got {shots!r}")
    if not tolerance > 0:
        raise LZSMInputError(f"tolerance must be > 0, got {tolerance}")


def calibrate_gate(
    backend: Any,
    target: Any = "x",
    qubit: int = 0,
    *,
    shots: int = 1000,
    tolerance: float = 1e-4,
    max_rounds: int = 4,
    seed: int | None = None,
    nominal: GateDesign | None = None,
    log: Callable[[str], None] | None = None,
) -> CalibrationReport:
    r"""Calibrate one single-qubit gate on ``backend`` (module docstring).

    Parameters
    ----------
    backend : Backend
        Offers ``lzsm_pulse`` with a slot duration on ``qubit`` and has a nominal ``device``
        (:class:`~lzsm_gates.qiskit.backend.LZSMBackend`).
    target : str, Gate or matrix
        Single-qubit target (:func:`~lzsm_gates.targets.resolve_target`).
    qubit : int
    shots : int
        Shots per setting.
    tolerance : float
        Stop when the bound on the estimated gate error (mean + 2 standard deviations) is at most this.
    max_rounds : int
        Error-amplification rounds at most.
    seed : int, optional
        Seeds the backend's shot sampling (``seed_simulator``), one per experiment.
    nominal : GateDesign, optional
        Start design (default: :func:`~lzsm_gates.design.design_gate` on the nominal device, refined).
    log : callable, optional
        Receives one line per step (e.g. ``print``).

    Returns
    -------
    CalibrationReport
        ``converged`` False with a ``reason`` when it stops early.
    """
    _check_run(shots, tolerance)
    nominal = nominal or design_gate(target, backend.device, n_refine=1).best
    if not nominal.refined:
        raise ConvergenceError(f"the nominal design of {nominal.target.name} is not exactly refined")
    model = slot_model_of(backend, qubit, nominal.pulse.frequency)
    return _calibrate(backend, nominal, model, qubit, nominal.target.matrix, shots=shots, tolerance=tolerance, max_rounds=max_rounds,
                      seed=seed, log=log)


def calibrate_bswap(
    backend: Any,
    pair: tuple[int, int] = (0, 1),
    *,
    shots: int = 1000,
    tolerance: float = 1e-3,
    max_rounds: int = 4,
    seed: int | None = None,
    log: Callable[[str], None] | None = None,
) -> CalibrationReport:
    r"""Calibrate :math:`\sqrt{\mathrm{bSWAP}}` on a coupled pair of ``backend`` (module docstring).

    The coupler's {00, 11} block is calibrated as a qubit (:mod:`~lzsm_gates.calibration.model`, ``coupler``):
    identification of the block gap :math:`(\Delta_1 + \Delta_2)/2`, the coupler line's transfer and the first
    qubit's readout from single coupler pulses along the block's predicted operating curve, re-design of the block's
    :math:`e^{-i\pi\sigma_x/4}` (:func:`~lzsm_gates.entanglers.design_bswap`'s block mapping, with the block's sign
    fixed relative to {01, 10}), Ramsey on the block, and error amplification (the entangler repeated :math:`N + 1`
    times from :math:`|00\rangle`, the population of :math:`|11\rangle` measured).  The estimated error is the
    block's; the {01, 10} block, invisible from :math:`|00\rangle`, adds the gap-mismatch error of
    :func:`~lzsm_gates.entanglers.bswap_gap_mismatch` (not estimated: about 7e-4 at a 1% gap difference).

    Parameters
    ----------
    backend : Backend
        Offers ``sqrt_bswap`` with a slot duration on ``pair`` (:class:`~lzsm_gates.qiskit.backend.LZSMBackend`).
    pair : (int, int)
        The coupled pair; measured on its first qubit.
    shots, tolerance, max_rounds, seed, log :
        As in :func:`calibrate_gate`.

    Returns
    -------
    CalibrationReport
        ``pulse`` and ``nominal_pulse`` are coupler pulses (units of the nominal device); ``true_error`` the 4x4 gate
        error on the hidden device (simulators only).
    """
    _check_run(shots, tolerance)
    pair = tuple(int(q) for q in pair)
    if len(pair) != 2 or pair[0] == pair[1]:
        raise LZSMInputError(f"pair must be two distinct qubits, got {pair!r}")
    design = design_bswap(backend.device)
    played = design.pulse
    block_pulse = LZSMPulse(played.amplitude / 2, played.frequency / 2, 2 * played.idle_before, 2 * played.idle_after)
    nominal = replace(design.block_design, pulse=block_pulse, gap=1.0)
    model = slot_model_of(backend, pair, block_pulse.frequency)
    return _calibrate(backend, nominal, model, pair, design.target, shots=shots, tolerance=tolerance, max_rounds=max_rounds,
                      seed=seed, log=log)


def _calibrate(
    backend: Any, nominal: GateDesign, model: SlotModel, qubit: int | tuple[int, int], true_target: np.ndarray, *,
    shots: int, tolerance: float, max_rounds: int, seed: int | None, log: Callable[[str], None] | None,
) -> CalibrationReport:
    """The calibration loop of the module docstring for a nominal design played on ``model``."""
    say = log or (lambda line: None)
    device = backend.device
    gate_name = "sqrt_bswap" if model.coupler else nominal.target.name
    sx = resolve_target("sx")
    half_design = nominal if gate_error(sx.matrix, nominal.target.matrix) < 1e-9 else design_gate(sx, device, n_refine=1).best
    # small-drive estimate of the amplitude with P = 1/2 at the gate's frequency: P ~ sin^2(c A)
    half_ratio = (np.pi / 4) / np.arcsin(np.sqrt(min(max(nominal.target.probability, 1e-6), 1.0)))
    rng = np.random.default_rng(seed)
    steps: list[CalibrationStep] = []
    figures: list[Any] = []
    prior: tuple = ([], np.zeros(0), np.zeros(0))

    def run(name: str, exp: SequenceExperiment, gate_start: LZSMPulse) -> tuple[LikelihoodFit, LZSMPulse]:
        nonlocal prior
        exp.set_run_options(shots=int(shots), seed_simulator=int(rng.integers(2**31)))
        data = exp.run().block_for_results()
        with warnings.catch_warnings():  # the result object (not a dataframe row) carries the fit in its extra
            warnings.simplefilter("ignore", DeprecationWarning)
            res = data.analysis_results("device_model", dataframe=False)
        extra = res.extra
        fit: LikelihoodFit = extra["fit"]
        prior = (extra["settings"], extra["ones"], extra["shots"])
        figures.extend(data.figure(i).figure for i in range(len(data.figure_names)))
        dev = fit.deviance / max(fit.dof, 1)
        try:
            pulse = redesign(nominal, model, fit.theta, start=gate_start)
        except ConvergenceError:  # the measurements count even when no pulse can be designed from them
            steps.append(CalibrationStep(name, len(exp.settings), int(shots) * len(exp.settings), tuple(fit.theta), tuple(fit.stderr),
                                         dev, model.played(gate_start), float("inf"), float("inf")))
            raise
        est, bound = estimated_error(pulse, model, fit)
        steps.append(CalibrationStep(name, len(exp.settings), int(shots) * len(exp.settings), tuple(fit.theta), tuple(fit.stderr), dev,
                                     model.played(pulse), est, bound))
        say(f"{name}: {len(exp.settings)} settings x {shots} shots; gap {fit.theta[0]:.5f} +- {fit.stderr[0]:.1e}, "
            f"scale {fit.theta[1]:.5f} +- {fit.stderr[1]:.1e}, deviance/dof {dev:.2f}; re-designed "
            f"A = {pulse.amplitude:.5f}, omega = {pulse.frequency:.5f}, t1 = {pulse.idle_before:.4f}, t2 = {pulse.idle_after:.4f}; "
            f"estimated error {est:.2e} (bound {bound:.2e})")
        return fit, pulse

    def report(pulse: LZSMPulse, fit: LikelihoodFit | None, converged: bool, reason: str) -> CalibrationReport:
        params = {} if fit is None else {n: (float(fit.theta[i]), float(fit.stderr[i])) for i, n in enumerate(PARAMETERS)}
        simulated = hasattr(backend, "virtual_device")
        played, nominal_played = model.played(pulse), model.played(nominal.pulse)
        true = true_gate_error(backend, played, true_target, qubit) if simulated else None
        nominal_true = true_gate_error(backend, nominal_played, true_target, qubit) if simulated else None
        est = steps[-1].estimated_error if steps else float("nan")
        say(f"stopped: {reason}" + ("" if true is None else f"; true gate error {true:.2e} (nominal design {nominal_true:.2e})"))
        return CalibrationReport(gate_name, qubit, tuple(steps), params, played, nominal_played, est, converged, reason,
                                 true, nominal_true, tuple(figures), device=device)

    def half_pulse(gate: LZSMPulse) -> LZSMPulse:
        """A pi/2 rotation (SX) on the current fit at the gate's frequency (the same line transfer as the gate)."""
        if half_design is nominal:
            return gate
        return redesign(half_design, model, fit.theta, start=LZSMPulse(half_ratio * gate.amplitude, gate.frequency))

    say(f"nominal design of {gate_name}{' (its {00, 11} block, scaled units)' if model.coupler else ''}: A = {nominal.pulse.amplitude:.5f}, omega = {nominal.pulse.frequency:.5f} (units of the gap)")
    fit: LikelihoodFit | None = None
    pulse = nominal.pulse
    try:
        curve = _curve_points(nominal, model, (0.85, 0.93, 1.07, 1.15))
        unit = [] if nominal.target.probability > 0.75 else [(p.amplitude, p.frequency) for p in (design_gate("x", device, n_refine=1).best.pulse,)]
        fit, pulse = run("identification", DeviceIdentification(qubit, nominal.pulse, curve, model, device, backend, extra_points=unit),
                         nominal.pulse)
        half = half_pulse(pulse)
        span = max(0.08, 4 * float(fit.stderr[0]))  # the Ramsey fit searches the gap identification left open
        fit, pulse = run("frame (Ramsey)", FrameCalibration(qubit, half, model, fit.theta, device, backend, prior=prior, gap_span=span),
                         pulse)
        for r in range(max_rounds):
            if steps[-1].deviance_per_dof > MAX_DEVIANCE_PER_DOF:
                return report(pulse, fit, False, f"the device model does not describe the data (deviance/dof {steps[-1].deviance_per_dof:.2f} "
                              f"> {MAX_DEVIANCE_PER_DOF}): calibrate the device model first")
            if r > 0 and steps[-1].error_bound <= tolerance:  # at least one amplification round confirms it
                return report(pulse, fit, True, f"estimated gate error bound {steps[-1].error_bound:.2e} <= {tolerance:g}")
            half = half_pulse(pulse)
            reps = tuple(2**k for k in range(5 + 2 * r))
            fit, pulse = run(f"amplification {r + 1} (N<={reps[-1]})",
                             ErrorAmplification(qubit, pulse, half, model, fit.theta, device, backend, repetitions=reps, prior=prior), pulse)
    except ConvergenceError as exc:
        return report(pulse, fit, False, f"stopped at step {len(steps) + 1}: {exc}")
    if steps[-1].error_bound <= tolerance and steps[-1].deviance_per_dof <= MAX_DEVIANCE_PER_DOF:
        return report(pulse, fit, True, f"estimated gate error bound {steps[-1].error_bound:.2e} <= {tolerance:g}")
    return report(pulse, fit, False, f"estimated gate error bound {steps[-1].error_bound:.2e} > {tolerance:g} after {max_rounds} rounds")
