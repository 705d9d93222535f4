r"""Gate design: CHRW operating curves, exact refinement, ranking and robustness.

Workflow (docs: Physics, Secs. 3-4; gates paper Secs. III-IV):

1. :func:`operating_curve` proposes, in microseconds per point, every
   operating point :math:`(A, \omega)` inside the device bounds where the
   CHRW transition probability equals the target's
   :math:`P_V = |V_{10}|^2`, with its idle times (and virtual-Z phases)
   from :func:`~lzsm_gates.targets.idle_solution`.  For
   :math:`0 < P_V < 1` the points lie on curves (found column by column in
   :math:`\omega` by bracketing in :math:`A`); for :math:`P_V = 0`
   (diagonal targets) on the zero lines of the signed :math:`U_{10}`; for
   :math:`P_V = 1` (X, Y) on isolated points where :math:`U_{00} = 0`
   (two real conditions), found from the grid maxima of :math:`P`.  Roots
   are numbered by *branch* from low to high amplitude in each column
   (the main lobe, the highest-frequency one, holds branches 0 and 1).
2. :func:`design_gate` evaluates every proposal exactly (one batched
   propagator call), ranks them (``"duration"``: shortest total time with
   idles; ``"approximation"``: smallest CHRW error; ``"robustness"``: least
   sensitive to calibration errors; ``"open_system"`` with a bath: lowest
   total error) and refines the best ones with exact propagation:
   a 1-D root of :math:`U_{10}(A) = \pm\sqrt{P_V}` at fixed :math:`\omega`
   (fixed pulse length), or the 2-D root of :math:`U_{00}(A, \omega) = 0`
   when :math:`P_V = 1`, then exact idle times.  The unitary gate error
   after refinement is limited only by the propagator accuracy (1e-11).
3. :func:`design_identity` gives one-period identities :math:`U(T) = \pm I`
   (no idle) of a chosen duration; :func:`design_bswap` the two-qubit
   :math:`\sqrt{\mathrm{bSWAP}}` through the block mapping of Sec. IV.

All amplitudes and frequencies are in units of the device gap, times in
units of :math:`1/\Delta`; :meth:`GateDesign.to_physical` converts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Literal, Sequence

import numpy as np
from scipy.optimize import brentq, minimize, minimize_scalar, root

from .chrw import chrw_parameters, chrw_propagator
from .metrics import gate_error
from .models import DrivenModel, coupled_qubits_model, qubit_model
from .propagate import period_propagator
from .pulses import LZSMPulse
from .targets import Target, idle_solution, resolve_target
from .units import DEFAULT_DEVICE, ConvergenceError, Device, LZSMInputError, check_in_range, check_positive

__all__ = [
    "OperatingCurve",
    "GateDesign",
    "DesignResult",
    "operating_curve",
    "design_gate",
    "refine",
    "sensitivity",
    "design_identity",
    "identity_curve",
    "bswap_target",
    "BSwapDesign",
    "design_bswap",
    "bswap_gap_mismatch",
    "DEFAULT_MISCALIBRATION",
]

Ranking = Literal["duration", "approximation", "robustness", "open_system"]
_P_EDGE = 1e-9
_A_MIN = 0.02


@dataclass(frozen=True)
class OperatingCurve:
    """CHRW operating points of one target (arrays of equal length, internal units).

    Attributes
    ----------
    target : Target
    gap : float
        Gap of the single-qubit problem (1 for one qubit, :math:`\\Delta_1+\\Delta_2` for bSWAP).
    amplitude, frequency : ndarray
        Proposed :math:`(A, \\omega)`.
    branch : ndarray of int
        Root index in amplitude within each frequency column (0 = lowest amplitude; the main lobe holds the lowest roots).
    idle_before, idle_after : ndarray
        Idle times from the CHRW propagator.
    """

    target: Target
    gap: float
    amplitude: np.ndarray
    frequency: np.ndarray
    branch: np.ndarray
    idle_before: np.ndarray
    idle_after: np.ndarray

    def __len__(self) -> int:
        return int(self.amplitude.size)

    @property
    def duration(self) -> np.ndarray:
        """Total gate time with idles."""
        return 2 * np.pi / self.frequency + self.idle_before + self.idle_after


def _bounds(device: Device, gap: float) -> tuple[float, float, float]:
    return device.max_amplitude, device.min_frequency * gap, device.max_frequency * gap


def _curve_function(p_target: float) -> Callable[[np.ndarray], np.ndarray]:
    """The signed function whose zeros in A are the operating points (P_V in (0, 1] or 0)."""
    if p_target < _P_EDGE:
        return lambda u: u[..., 1, 0].real
    return lambda u: np.abs(u[..., 1, 0]) ** 2 - p_target


def operating_curve(
    target: Any,
    device: Device = DEFAULT_DEVICE,
    *,
    gap: float = 1.0,
    n_frequencies: int = 120,
    n_amplitudes: int = 100,
) -> OperatingCurve:
    r"""CHRW proposals for ``target`` inside the device bounds (see module docstring).

    Parameters
    ----------
    target : str, Gate, Operator, array_like or Target
        Single-qubit target (see :func:`~lzsm_gates.targets.resolve_target`).
    device : Device
        Bounds ``max_amplitude``, ``min_frequency``, ``max_frequency`` (units of its gap).
    gap : float
        Gap of the driven two-level problem in units of the device gap.
    n_frequencies, n_amplitudes : int
        Resolution of the bracketing grid.

    Raises
    ------
    LZSMInputError
        If no operating point exists inside the bounds.
    """
    tgt = resolve_target(target)
    gap = float(check_positive("gap", gap))
    a_max, w_min, w_max = _bounds(device, gap)
    p_t = tgt.probability
    w = np.linspace(w_min, w_max, n_frequencies)
    a = np.linspace(_A_MIN * gap, a_max, n_amplitudes)
    if p_t > 1 - _P_EDGE:
        amp, freq, branch = _unit_probability_points(a, w, gap)
    else:
        f = _curve_function(p_t)
        values = f(chrw_propagator(a[:, None], w[None, :], gap))
        lo_i, col = np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)
        lo, hi, freq = a[lo_i], a[lo_i + 1], w[col]
        if lo_i.size == 0 and p_t > 0.5:
            lo, hi, freq, col = _unit_point_brackets(f, a, w, gap)
        amp = _bisect(lambda x, ww: f(chrw_propagator(x, ww, gap)), lo, hi, freq) if lo.size else lo
        # sign changes across a jump of the CHRW root branch (strong drive, low frequency) are not operating points
        real = np.abs(f(chrw_propagator(amp, freq, gap))) < 1e-6 if amp.size else np.zeros(0, dtype=bool)
        amp, freq, col = amp[real], freq[real], col[real]
        branch = _rank_within(col, amp)
    if amp.size == 0:
        raise LZSMInputError(
            f"target {tgt.name} (P = {p_t:.4f}) has no operating point with amplitude <= {a_max:g} and "
            f"frequency in [{w_min:g}, {w_max:g}] (units of the gap): widen the device bounds"
        )
    t1, t2 = idle_solution(chrw_propagator(amp, freq, gap), tgt.matrix, gap)
    return OperatingCurve(tgt, gap, amp, freq, branch, t1, t2)


def _rank_within(groups: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Index of each element within its group, by increasing ``order``."""
    rank = np.zeros(groups.size, dtype=int)
    for g in np.unique(groups):
        idx = np.nonzero(groups == g)[0]
        rank[idx[np.argsort(order[idx])]] = np.arange(idx.size)
    return rank


def _bisect(fn: Callable[[np.ndarray, np.ndarray], np.ndarray], lo: np.ndarray, hi: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Vectorised Illinois (regula falsi) root polish on brackets [lo, hi] at frequencies w (callers check |f|)."""
    flo, fhi = fn(lo, w), fn(hi, w)
    x = lo.copy()
    last = np.zeros(lo.shape, dtype=int)  # +1: lo moved last, -1: hi moved last
    for _ in range(25):  # Illinois converges in ~10 steps; brackets of a jump (no root) stop here
        x = np.where(fhi != flo, (lo * fhi - hi * flo) / np.where(fhi != flo, fhi - flo, 1.0), 0.5 * (lo + hi))
        x = np.clip(x, np.minimum(lo, hi), np.maximum(lo, hi))
        fx = fn(x, w)
        left = np.sign(fx) == np.sign(flo)
        # Illinois: when the same end moves twice, halve the stale value at the other end
        fhi = np.where(left & (last == 1), 0.5 * fhi, fhi)
        flo = np.where(~left & (last == -1), 0.5 * flo, flo)
        lo, flo = np.where(left, x, lo), np.where(left, fx, flo)
        hi, fhi = np.where(left, hi, x), np.where(left, fhi, fx)
        last = np.where(left, 1, -1)
        if np.all((np.abs(fx) < 1e-14) | (np.abs(hi - lo) < 1e-10 * np.maximum(1.0, np.abs(x)))):
            break
    return x


def _unit_probability_points(a: np.ndarray, w: np.ndarray, gap: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Isolated CHRW points with U00 = 0 (P = 1), seeded from local maxima of P on the grid."""
    p = np.abs(chrw_propagator(a[:, None], w[None, :], gap)[..., 1, 0]) ** 2
    inner = p[1:-1, 1:-1]
    peak = (inner > 0.8) & np.all(
        [inner >= np.roll(np.roll(p, di, 0), dj, 1)[1:-1, 1:-1] for di in (-1, 0, 1) for dj in (-1, 0, 1)], axis=0
    )
    found: list[tuple[float, float]] = []
    for i, j in zip(*np.nonzero(peak)):
        sol = root(lambda x: _re_im(chrw_propagator(x[0], x[1], gap)[0, 0]), [a[i + 1], w[j + 1]], method="hybr")
        if np.hypot(*sol.fun) < 1e-10 and 0 < sol.x[0] <= a[-1] and w[0] <= sol.x[1] <= w[-1]:
            if not any(np.hypot(sol.x[0] - fa, sol.x[1] - fw) < 1e-6 for fa, fw in found):
                found.append((float(sol.x[0]), float(sol.x[1])))
    found.sort(key=lambda x: -x[1])
    pts = np.array(found).reshape(-1, 2)
    return pts[:, 0], pts[:, 1], np.arange(len(found))


def _unit_point_brackets(
    f: Callable[[np.ndarray], np.ndarray], a: np.ndarray, w: np.ndarray, gap: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Amplitude brackets of the curve around the P = 1 points, at their frequencies.

    For a target with P close to 1 the curve P = P_V is a set of small loops
    around the isolated P = 1 points, which the grid can miss entirely; at the
    frequency of each such point ``f`` is positive there and negative a little
    below and above in amplitude.  Returns ``lo, hi, frequency, point index``.
    """
    a1, w1, _ = _unit_probability_points(a, w, gap)
    out: list[tuple[float, float, float, int]] = []
    for k, (ai, wi) in enumerate(zip(a1, w1)):
        for sign in (-1.0, 1.0):
            step = 1e-3 * ai
            while step < 0.5 * ai:
                x = ai + sign * step
                if x > 0 and f(chrw_propagator(x, wi, gap)) < 0:
                    out.append((min(ai, x), max(ai, x), wi, k))
                    break
                step *= 2
    lo, hi, freq, idx = (np.array(v) for v in zip(*out)) if out else (np.zeros(0),) * 3 + (np.zeros(0, dtype=int),)
    return lo, hi, freq, idx


def _re_im(z: complex) -> list[float]:
    return [float(np.real(z)), float(np.imag(z))]


@dataclass(frozen=True)
class GateDesign:
    """One operating point for a target, with its exact evaluation.

    Attributes
    ----------
    target : Target
    pulse : LZSMPulse
        Pulse with real idles.
    virtual_z_pulse : LZSMPulse
        The same drive with zero idles and virtual-Z phases instead.
    branch : int
        Branch of the operating curve (root index in amplitude at its frequency).
    approximation_error : float
        :math:`1 - F(U_\\mathrm{CHRW}(T), U(T))` at the proposal.
    exact_error : float
        Exact unitary gate error of ``pulse`` against the target.
    proposal : tuple of float
        CHRW :math:`(A, \\omega)` before refinement.
    refined : bool
        True if the point was refined with exact propagation.
    device : Device
    gap : float
        Gap of the driven two-level problem (units of the device gap).
    sensitivities : dict
        Error coefficients of :func:`sensitivity` (filled on request).
    open_system_error : float or None
        Incoherent error under the bath (filled by ``rank="open_system"``).
    """

    target: Target
    pulse: LZSMPulse
    virtual_z_pulse: LZSMPulse
    branch: int
    approximation_error: float
    exact_error: float
    proposal: tuple[float, float]
    refined: bool
    device: Device = DEFAULT_DEVICE
    gap: float = 1.0
    sensitivities: dict[str, float] = field(default_factory=dict)
    open_system_error: float | None = None

    @property
    def moved(self) -> dict[str, float]:
        """How far refinement moved the point from the CHRW proposal (absolute, units of the gap)."""
        return {"amplitude": self.pulse.amplitude - self.proposal[0], "frequency": self.pulse.frequency - self.proposal[1]}

    @property
    def duration(self) -> float:
        """Total duration with real idles."""
        return self.pulse.duration

    def to_physical(self) -> dict[str, Any]:
        """What an AWG needs: amplitude and frequency (MHz), period, idles and total duration (ns), virtual-Z phases."""
        phys = self.pulse.to_physical(self.device)
        vz = self.virtual_z_pulse.to_physical(self.device)
        phys.update(vz_before_rad=vz["vz_before_rad"], vz_after_rad=vz["vz_after_rad"], duration_virtual_z_ns=vz["duration_ns"])
        return phys

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form; :meth:`from_dict` restores an equal design."""
        m = self.target.matrix
        return {
            "target": {"name": self.target.name, "matrix_real": m.real.tolist(), "matrix_imag": m.imag.tolist()},
            "pulse": self.pulse.to_dict(),
            "virtual_z_pulse": self.virtual_z_pulse.to_dict(),
            "branch": int(self.branch),
            "approximation_error": float(self.approximation_error),
            "exact_error": float(self.exact_error),
            "proposal": [float(v) for v in self.proposal],
            "refined": bool(self.refined),
            "device": {k: getattr(self.device, k) for k in self.device.__dataclass_fields__},
            "gap": float(self.gap),
            "sensitivities": {k: float(v) for k, v in self.sensitivities.items()},
            "open_system_error": None if self.open_system_error is None else float(self.open_system_error),
            "physical": self.to_physical(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "GateDesign":
        """Inverse of :meth:`to_dict`."""
        t = data["target"]
        matrix = np.array(t["matrix_real"]) + 1j * np.array(t["matrix_imag"])
        return cls(
            target=Target(t["name"], matrix),
            pulse=LZSMPulse(**data["pulse"]),
            virtual_z_pulse=LZSMPulse(**data["virtual_z_pulse"]),
            branch=int(data["branch"]),
            approximation_error=float(data["approximation_error"]),
            exact_error=float(data["exact_error"]),
            proposal=tuple(data["proposal"]),
            refined=bool(data["refined"]),
            device=Device(**data["device"]),
            gap=float(data["gap"]),
            sensitivities=dict(data["sensitivities"]),
            open_system_error=data["open_system_error"],
        )


@dataclass(frozen=True)
class DesignResult:
    """Ranked candidate designs of one target (``candidates[0]`` is the best)."""

    target: Target
    candidates: list[GateDesign]
    rank: str
    curve: OperatingCurve

    @property
    def best(self) -> GateDesign:
        """The top-ranked design."""
        return self.candidates[0]

    def table(self) -> str:
        """Plain-text table of the candidates in physical units."""
        head = (
            f"{'#':>2} {'br':>2} {'A/2pi MHz':>10} {'f MHz':>8} {'T ns':>7} {'t1 ns':>7} {'t2 ns':>7} "
            f"{'total ns':>8} {'vz total':>8} {'CHRW err':>9} {'exact err':>9} {'refined':>7}"
        )
        rows = [head]
        for i, c in enumerate(self.candidates):
            p = c.to_physical()
            rows.append(
                f"{i:>2} {c.branch:>2} {p['amplitude_mhz']:>10.3f} {p['frequency_mhz']:>8.3f} {p['period_ns']:>7.2f} "
                f"{p['idle_before_ns']:>7.2f} {p['idle_after_ns']:>7.2f} {p['duration_ns']:>8.2f} "
                f"{p['duration_virtual_z_ns']:>8.2f} {c.approximation_error:>9.1e} {c.exact_error:>9.1e} {str(c.refined):>7}"
            )
        return "\n".join(rows)

    def to_json(self) -> str:
        """JSON text of all candidates (``DesignResult.from_json`` restores them)."""
        return json.dumps({"rank": self.rank, "candidates": [c.to_dict() for c in self.candidates]}, indent=2)

    @staticmethod
    def from_json(text: str) -> list[GateDesign]:
        """The candidate designs stored by :meth:`to_json`."""
        return [GateDesign.from_dict(c) for c in json.loads(text)["candidates"]]


def _vz_pulse(pulse: LZSMPulse, gap: float) -> LZSMPulse:
    """Replace idles by virtual-Z phases: :math:`R(t) = R_z(-\\Delta t)`."""
    return LZSMPulse(pulse.amplitude, pulse.frequency, vz_before=-gap * pulse.idle_before, vz_after=-gap * pulse.idle_after)


def _make_design(
    target: Target, amp: float, freq: float, branch: int, proposal: tuple[float, float], refined: bool, device: Device, gap: float,
    u_exact: np.ndarray | None = None, approximation_error: float | None = None,
) -> GateDesign:
    """Exact evaluation of one operating point (``u_exact`` and ``approximation_error`` reuse batch results)."""
    model = qubit_model(gap)
    u = period_propagator(model, amp, freq) if u_exact is None else u_exact
    if approximation_error is None:
        approximation_error = float(gate_error(u, chrw_propagator(amp, freq, gap)))
    t1, t2 = idle_solution(u, target.matrix, gap)
    pulse = LZSMPulse(float(amp), float(freq), float(t1), float(t2))
    return GateDesign(
        target=target,
        pulse=pulse,
        virtual_z_pulse=_vz_pulse(pulse, gap),
        branch=int(branch),
        approximation_error=float(approximation_error),
        exact_error=float(gate_error(target.matrix, pulse.propagator(model, u))),
        proposal=(float(proposal[0]), float(proposal[1])),
        refined=refined,
        device=device,
        gap=gap,
    )


def refine(design: GateDesign) -> GateDesign:
    r"""Exact refinement of a design (module docstring, step 2).

    Raises
    ------
    ConvergenceError
        If no exact operating point is found near the proposal.
    """
    gap, tgt = design.gap, design.target
    model = qubit_model(gap)
    a0, w0 = design.pulse.amplitude, design.pulse.frequency
    p_t = tgt.probability
    if p_t > 1 - _P_EDGE:
        amp, freq = _exact_unit_point(model, a0, w0, tgt.name)
    else:
        f = _curve_function(p_t)
        freq = w0
        try:
            amp = _bracket_root(lambda x: float(f(period_propagator(model, x, freq))), a0)
        except ConvergenceError:
            if p_t <= 0.5:
                raise
            # near P = 1 the exact curve is a small loop around the exact P = 1 point, which may miss w0:
            # move to that point's frequency, where P - P_V > 0 at its amplitude and changes sign on either side
            a1, freq = _exact_unit_point(model, a0, w0, tgt.name)
            amp = _bracket_root(lambda x: float(f(period_propagator(model, x, freq))), a1)
    return replace(
        _make_design(tgt, amp, freq, design.branch, design.proposal, True, design.device, gap),
        sensitivities=design.sensitivities,
        open_system_error=design.open_system_error,
    )


def _exact_unit_point(model: DrivenModel, a0: float, w0: float, name: str) -> tuple[float, float]:
    """Exact (A, omega) with U00 = 0 (P = 1) near ``(a0, w0)`` (2-D root)."""
    sol = root(lambda x: _re_im(period_propagator(model, x[0], x[1])[0, 0]), [a0, w0], method="hybr", options={"xtol": 1e-14})
    if np.hypot(*sol.fun) > 1e-9:
        raise ConvergenceError(f"refinement of {name} from (A, omega) = ({a0:.6g}, {w0:.6g}) failed: {sol.message}")
    return float(sol.x[0]), float(sol.x[1])


def _bracket_root(g: Callable[[float], float], x0: float) -> float:
    """Root of ``g`` nearest to ``x0``, bracketed by expanding steps on both sides."""
    g0 = g(x0)
    if g0 == 0.0:
        return x0
    for step in x0 * np.array([1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1]):
        for x1 in (x0 + step, x0 - step):
            if x1 > 0 and np.sign(g(x1)) != np.sign(g0):
                lo, hi = sorted((x0, x1))
                return float(brentq(g, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=200))
    raise ConvergenceError(f"no exact operating point within 10% of amplitude {x0:.6g} at this frequency")


def sensitivity(design: GateDesign, step: float = 1e-6) -> dict[str, float]:
    r"""Second-order error coefficients :math:`k_p` with :math:`1 - F \approx k_p\,(\delta p/p)^2`.

    For a parameter :math:`p` (``amplitude``, ``frequency``, ``gap``) the
    generator :math:`G_p = i U^\dagger \partial U/\partial \ln p` (central
    differences) gives the leading error of a miscalibration:
    :math:`k_p = [d\,\mathrm{Tr}\,G_p^2 - (\mathrm{Tr}\,G_p)^2]/(d(d+1))`.
    The gap derivative keeps the pulse fixed in time (idles included).
    """
    pulse, gap = design.pulse, design.gap

    def unitary(amplitude: float = 1.0, frequency: float = 1.0, gap_scale: float = 1.0) -> np.ndarray:
        p = replace(pulse, amplitude=pulse.amplitude * amplitude, frequency=pulse.frequency * frequency)
        return p.propagator(qubit_model(gap * gap_scale))

    u0 = unitary()
    out = {}
    for name in ("amplitude", "frequency", "gap_scale"):
        du = (unitary(**{name: 1 + step}) - unitary(**{name: 1 - step})) / (2 * step)
        g = 1j * u0.conj().T @ du
        g = 0.5 * (g + g.conj().T)
        d = g.shape[0]
        out[name.replace("_scale", "")] = float((d * np.trace(g @ g).real - np.trace(g).real ** 2) / (d * (d + 1)))
    return out


def _robustness_score(s: dict[str, float], rel: dict[str, float]) -> float:
    return sum(s[k] * rel[k] ** 2 for k in rel)


DEFAULT_MISCALIBRATION = {"amplitude": 1e-2, "frequency": 1e-3, "gap": 1e-3}
"""Relative calibration uncertainties used by ``rank="robustness"``."""


def design_gate(
    target: Any,
    device: Device = DEFAULT_DEVICE,
    *,
    rank: Ranking = "duration",
    n_refine: int = 3,
    branches: Sequence[int] | None = None,
    max_approximation_error: float | None = 1e-2,
    open_system: Callable[[GateDesign], float] | None = None,
    miscalibration: dict[str, float] | None = None,
    gap: float = 1.0,
) -> DesignResult:
    r"""Design a single-qubit LZSM gate: CHRW proposals, exact evaluation, ranking, refinement.

    Parameters
    ----------
    target : str, Gate, Operator, array_like or 3-tuple
        See :func:`~lzsm_gates.targets.resolve_target`.
    device : Device
        Gap (physical units) and the amplitude/frequency bounds.
    rank : {"duration", "approximation", "robustness", "open_system"}
        Ranking criterion (module docstring).  ``"open_system"`` needs ``open_system``.
    n_refine : int
        How many of the best-ranked candidates are refined exactly (0: none).
    branches : sequence of int, optional
        Keep only these branches (root indices in amplitude, from 0).
    max_approximation_error : float or None
        Drop proposals whose CHRW error exceeds this (the approximation fails
        there, mostly at low frequency); ``None`` keeps all.
    open_system : callable, optional
        ``design -> incoherent error``, e.g. from :mod:`lzsm_gates.noise`.
    miscalibration : dict, optional
        Relative uncertainties for ``rank="robustness"`` (default
        :data:`DEFAULT_MISCALIBRATION`).
    gap : float
        Gap of the driven two-level problem in units of the device gap (the
        {00, 11} block of :func:`design_bswap` has :math:`\Delta_1 + \Delta_2`).

    Returns
    -------
    DesignResult
    """
    if rank not in ("duration", "approximation", "robustness", "open_system"):
        raise LZSMInputError(f"rank must be 'duration', 'approximation', 'robustness' or 'open_system', got {rank!r}")
    if rank == "open_system" and open_system is None:
        raise LZSMInputError("rank='open_system' needs an open_system error function (see lzsm_gates.noise)")
    curve = operating_curve(target, device, gap=gap)
    keep = np.ones(len(curve), dtype=bool) if branches is None else np.isin(curve.branch, list(branches))
    u = period_propagator(qubit_model(curve.gap), curve.amplitude, curve.frequency)
    approx = gate_error(u, chrw_propagator(curve.amplitude, curve.frequency, curve.gap))
    if max_approximation_error is not None:
        keep &= approx <= float(check_positive("max_approximation_error", max_approximation_error))
    idx = np.nonzero(keep)[0]
    if idx.size == 0:
        raise LZSMInputError(
            f"no operating point of {curve.target.name} satisfies branches={branches} and "
            f"max_approximation_error={max_approximation_error}"
        )
    designs = [
        _make_design(curve.target, curve.amplitude[i], curve.frequency[i], curve.branch[i],
                     (curve.amplitude[i], curve.frequency[i]), False, device, curve.gap, u[i], approx[i])
        for i in idx
    ]
    designs = _ranked(designs, rank, open_system, miscalibration or DEFAULT_MISCALIBRATION)
    refined = []
    for d in designs[: max(int(n_refine), 0)]:
        try:
            refined.append(refine(d))
        except ConvergenceError:  # keep the exact-evaluated proposal, flagged refined=False
            refined.append(d)
    candidates = _ranked(refined, rank, open_system, miscalibration or DEFAULT_MISCALIBRATION) + designs[n_refine:]
    return DesignResult(curve.target, candidates, rank, curve)


def _ranked(
    designs: list[GateDesign], rank: str, open_system: Callable[[GateDesign], float] | None, rel: dict[str, float]
) -> list[GateDesign]:
    if rank == "robustness":
        designs = [replace(d, sensitivities=d.sensitivities or sensitivity(d)) for d in designs]
        key = lambda d: _robustness_score(d.sensitivities, rel)  # noqa: E731
    elif rank == "open_system":
        designs = [replace(d, open_system_error=open_system(d)) if d.open_system_error is None else d for d in designs]
        key = lambda d: d.open_system_error + d.exact_error  # noqa: E731
    elif rank == "approximation":
        key = lambda d: d.approximation_error  # noqa: E731
    else:
        key = lambda d: (d.duration, d.approximation_error)  # noqa: E731
    return sorted(designs, key=key)


# --------------------------------------------------------------------------- identity


def _identity_function(amplitude: np.ndarray, frequency: np.ndarray) -> np.ndarray:
    r""":math:`\sin(\Omega T/2)` of CHRW: :math:`U(T) = \pm I` exactly on its zeros."""
    p = chrw_parameters(amplitude, frequency)
    return np.sin(p.rabi * np.pi / p.frequency)


def identity_curve(device: Device = DEFAULT_DEVICE, *, n_frequencies: int = 160, n_amplitudes: int = 200) -> OperatingCurve:
    r"""CHRW points with :math:`U(T) = \pm I` and no idle: :math:`\Omega = n\omega` (paper Eq. 23, Fig. 4b)."""
    a_max, w_min, w_max = _bounds(device, 1.0)
    a = np.linspace(_A_MIN, a_max, n_amplitudes)
    w = np.linspace(w_min, w_max, n_frequencies)
    values = _identity_function(a[:, None], w[None, :])
    lo_i, col = np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)
    amp = _bisect(_identity_function, a[lo_i], a[lo_i + 1], w[col])
    real = np.abs(_identity_function(amp, w[col])) < 1e-6  # drop jumps of the CHRW root branch
    amp, lo_i, col = amp[real], lo_i[real], col[real]
    zeros = np.zeros_like(amp)
    return OperatingCurve(resolve_target("id"), 1.0, amp, w[col], _rank_within(col, lo_i), zeros, zeros)


def design_identity(duration: float, device: Device = DEFAULT_DEVICE, *, branch: int = 0) -> GateDesign:
    r"""A one-period identity :math:`U(T) = \pm I` of duration :math:`T` (internal units, no idle).

    The CHRW root of :math:`\sin(\Omega T/2) = 0` in amplitude at
    :math:`\omega = 2\pi/T` (``branch``-th from low amplitude) is refined by
    an exact 1-D minimisation of the identity error over :math:`A`.

    Raises
    ------
    LZSMInputError
        If the duration is outside the device frequency bounds or the branch does not exist.
    """
    w = 2 * np.pi / float(check_positive("duration", duration))
    check_in_range("frequency 2*pi/duration", w, device.min_frequency, device.max_frequency)
    a = np.linspace(_A_MIN, device.max_amplitude, 400)
    values = _identity_function(a, np.full_like(a, w))
    lo_i = np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)[0]
    if branch >= lo_i.size:
        raise LZSMInputError(
            f"branch must be < {lo_i.size} (identity roots below amplitude {device.max_amplitude:g} at omega = {w:.4g})"
        )
    a0 = float(_bisect(_identity_function, a[lo_i[branch : branch + 1]], a[lo_i[branch : branch + 1] + 1], np.array([w]))[0])
    model = qubit_model()
    eye = np.eye(2)

    def err(x: float) -> float:
        return float(gate_error(eye, period_propagator(model, x, w)))

    step = 0.05 * a0
    res = minimize_scalar(err, bracket=(a0 - step, a0, a0 + step), tol=1e-12)
    amp = float(res.x) if res.fun < err(a0) else a0
    u = period_propagator(model, amp, w)
    pulse = LZSMPulse(amp, w)
    return GateDesign(
        target=resolve_target("id"),
        pulse=pulse,
        virtual_z_pulse=pulse,
        branch=branch,
        approximation_error=float(gate_error(u, chrw_propagator(amp, w))),
        exact_error=float(gate_error(eye, u)),
        proposal=(a0, w),
        refined=True,
        device=device,
    )


# --------------------------------------------------------------------------- sqrt(bSWAP)


def bswap_target() -> np.ndarray:
    r"""The :math:`\sqrt{\mathrm{bSWAP}}` target: :math:`e^{-i\pi X_b/4}` with
    :math:`X_b = |00\rangle\langle 11| + |11\rangle\langle 00|`, identity on
    :math:`\{|01\rangle, |10\rangle\}` (locally equivalent to :math:`\sqrt{i\mathrm{SWAP}}`)."""
    v = np.eye(4, dtype=complex)
    c, s = np.cos(np.pi / 4), -1j * np.sin(np.pi / 4)
    v[0, 0] = v[3, 3] = c
    v[0, 3] = v[3, 0] = s
    return v


_BLOCK_00_11 = np.array([0, 3])


@dataclass(frozen=True)
class BSwapDesign:
    r"""A :math:`\sqrt{\mathrm{bSWAP}}` pulse on two coupled qubits (docs: Physics, Sec. 4).

    Attributes
    ----------
    pulse : LZSMPulse
        Drive of the coupling (amplitude, frequency, idles in units of :math:`\Delta_1`).
    gap1, gap2 : float
        Qubit gaps (units of :math:`\Delta_1`).
    block_design : GateDesign
        The equivalent single-qubit design in the {00, 11} block (gap :math:`\Delta_1+\Delta_2`).
    exact_error : float
        4x4 unitary gate error against :func:`bswap_target`.
    device : Device
    """

    pulse: LZSMPulse
    gap1: float
    gap2: float
    block_design: GateDesign
    exact_error: float
    device: Device = DEFAULT_DEVICE

    @property
    def model(self) -> DrivenModel:
        """The two-qubit driven-coupling model."""
        return coupled_qubits_model(self.gap1, self.gap2)

    def unitary(self) -> np.ndarray:
        """Exact 4x4 unitary of the pulse."""
        return self.pulse.propagator(self.model)


def design_bswap(device: Device = DEFAULT_DEVICE, *, gap2: float = 1.0, rank: Ranking = "duration") -> BSwapDesign:
    r""":math:`\sqrt{\mathrm{bSWAP}}` through the block mapping: the {00, 11} block is the single-qubit problem with gap
    :math:`\Delta_1 + \Delta_2` and target :math:`e^{-i\pi\sigma_x/4}` (P = 1/2); for equal gaps the {01, 10} block
    is left invariant by one period.  ``gap2`` in units of :math:`\Delta_1`.
    """
    g2 = float(check_positive("gap2", gap2))
    block_target = bswap_target()[np.ix_(_BLOCK_00_11, _BLOCK_00_11)]
    result = design_gate(block_target, device, rank=rank, n_refine=1, gap=1.0 + g2)
    pulse = result.best.pulse
    model = coupled_qubits_model(1.0, g2)
    # the block design matches up to a sign, which is relative to the {01, 10} block in 4x4:
    # one more Larmor period 2 pi / (D1 + D2) of idle flips the {00, 11} block alone
    block = pulse.propagator(qubit_model(1.0 + g2))
    if np.trace(block_target.conj().T @ block).real < 0:
        pulse = replace(pulse, idle_after=pulse.idle_after + 2 * np.pi / (1.0 + g2))
    err = float(gate_error(bswap_target(), pulse.propagator(model)))
    return BSwapDesign(pulse, 1.0, g2, result.best, err, device)


def bswap_gap_mismatch(design: BSwapDesign, gap2: float, *, reoptimize: bool = True) -> tuple[float, float]:
    r"""4x4 error of ``design`` when qubit 2 has gap ``gap2`` (units of :math:`\Delta_1`).

    Returns
    -------
    error_fixed, error_reoptimized : float
        Error of the unchanged pulse, and after re-optimising
        :math:`(A, \omega, t_1, t_2)` by Nelder-Mead from it (NaN if
        ``reoptimize`` is False).  The leftover {01, 10}-block error grows as
        :math:`(\Delta_1-\Delta_2)^2`.
    """
    model = coupled_qubits_model(1.0, float(check_positive("gap2", gap2)))
    target = bswap_target()
    p0 = design.pulse
    fixed = float(gate_error(target, p0.propagator(model)))
    if not reoptimize:
        return fixed, float("nan")
    x0 = np.array([p0.amplitude, p0.frequency, p0.idle_before, p0.idle_after])

    def err(x: np.ndarray) -> float:
        if x[1] <= 0 or x[2] < 0 or x[3] < 0:
            return 1.0
        return float(gate_error(target, LZSMPulse(*x).propagator(model)))

    res = minimize(err, x0, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-15, "maxiter": 4000})
    return fixed, float(min(res.fun, fixed))
