r"""N-level gate design: two-level CHRW proposals refined in the multi-level model.

1. :func:`lzsm_gates.design.design_gate` gives every two-level operating
   point :math:`(A, \omega)` of the target on the device's gap (its CHRW
   curve, exactly evaluated).
2. Each proposal's drive period is propagated in the N-level model
   (:meth:`~lzsm_gates.devices.spectrum.MultilevelSpectrum.model`, one
   batched call) and scored by the total error of
   :func:`~lzsm_gates.devices.leakage.subspace_gate_error` with the best
   frames.  Idles are diagonal in the eigenbasis, so on the qubit block an
   idle :math:`t` is the frame :math:`R_z(-\Delta t)` (up to a phase):
   the optimal virtual-Z phases :math:`\phi` give the idles
   :math:`t = (-\phi \bmod 2\pi)/\Delta` with the same error, and the frames
   cost no optimisation variable.
3. The ``n_refine`` best proposals are refined by a batched compass search
   (:func:`~lzsm_gates.devices.leakage.pattern_search`) minimising the total error (subspace error with leakage counted as loss) over
   :math:`(A, \omega)` inside the device bounds, and all designs are ranked
   by total error.

The price in duration of staying leakage-free
(:attr:`MultilevelDesignResult.duration_price`) compares the shortest design
meeting both ``error_goal`` and ``leakage_goal`` with the shortest two-level
design (whatever its leakage).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..design import design_gate
from ..propagate import period_propagator
from ..pulses import LZSMPulse
from ..targets import Target
from ..units import Device, LZSMInputError, check_positive
from .leakage import leakage, pattern_search, subspace_block, subspace_gate_error, virtual_z_phases
from .spectrum import MultilevelSpectrum
from ..version import Provenance

__all__ = ["MultilevelDesign", "MultilevelDesignResult", "evaluate_pulse", "design_multilevel"]


@dataclass(frozen=True)
class MultilevelDesign(Provenance):
    """One operating point evaluated in the N-level model.

    Attributes
    ----------
    target : Target
    pulse : LZSMPulse
        Drive with real idles (units of the gap).
    virtual_z_pulse : LZSMPulse
        The same drive with virtual-Z frames instead of idles.
    levels : int
        N of the model it was evaluated in.
    total_error : float
        Subspace gate error with leakage counted as loss.
    leakage : float
        Average leakage of the pulse.
    two_level_error : float
        Gate error of ``pulse`` in the two-level model.
    proposal : tuple of float
        Two-level :math:`(A, \\omega)` it started from.
    refined : bool
    device : Device
    """

    target: Target
    pulse: LZSMPulse
    virtual_z_pulse: LZSMPulse
    levels: int
    total_error: float
    leakage: float
    two_level_error: float
    proposal: tuple[float, float]
    refined: bool
    device: Device

    @property
    def duration(self) -> float:
        """Total duration with real idles (units of 1/gap)."""
        return self.pulse.duration

    def to_physical(self) -> dict[str, Any]:
        """AWG parameters (MHz, ns) with the total error and leakage."""
        phys = self.pulse.to_physical(self.device).to_dict()
        phys.update(
            vz_before_rad=self.virtual_z_pulse.vz_before,
            vz_after_rad=self.virtual_z_pulse.vz_after,
            duration_virtual_z_ns=float(self.device.time_to_ns(self.virtual_z_pulse.duration)),
            total_error=self.total_error,
            leakage=self.leakage,
            two_level_error=self.two_level_error,
            levels=self.levels,
        )
        return phys


def _framed_pulses(block: np.ndarray, target: np.ndarray, amp: float, freq: float) -> tuple[LZSMPulse, LZSMPulse]:
    """Pulses with the optimal frames of ``block``: virtual-Z phases, and the equivalent idles."""
    phi_b, phi_a = (float(p) for p in virtual_z_phases(block, target))
    vz = LZSMPulse(amp, freq, vz_before=phi_b, vz_after=phi_a)
    idle = LZSMPulse(amp, freq, idle_before=float(np.mod(-phi_b, 2 * np.pi)), idle_after=float(np.mod(-phi_a, 2 * np.pi)))
    return idle, vz


def evaluate_pulse(
    target: Target, spectrum: MultilevelSpectrum, levels: int, amplitude: float, frequency: float, *,
    proposal: tuple[float, float] | None = None, refined: bool = False, device: Device | None = None,
    period_unitary: np.ndarray | None = None,
) -> MultilevelDesign:
    """Evaluate one drive :math:`(A, \\omega)` in the N-level model with the optimal frames (module docstring, step 2)."""
    model = spectrum.model(levels)
    u_t = period_propagator(model, amplitude, frequency) if period_unitary is None else period_unitary
    pulse, vz_pulse = _framed_pulses(subspace_block(u_t), target.matrix, float(amplitude), float(frequency))
    u = pulse.propagator(model, u_t)
    two = pulse.propagator(spectrum.model(2))
    return MultilevelDesign(
        target=target,
        pulse=pulse,
        virtual_z_pulse=vz_pulse,
        levels=model.dim,
        total_error=float(subspace_gate_error(u, target.matrix)),
        leakage=float(leakage(u)),
        two_level_error=float(subspace_gate_error(two, target.matrix)),
        proposal=(float(amplitude), float(frequency)) if proposal is None else proposal,
        refined=refined,
        device=device or spectrum.device(),
    )


def _refine(design: MultilevelDesign, spectrum: MultilevelSpectrum, device: Device) -> MultilevelDesign:
    """Batched compass search over (A, omega) of the framed total error inside the device bounds."""
    model = spectrum.model(design.levels)
    target = design.target.matrix
    lo = np.array([-device.max_amplitude, device.min_frequency])
    hi = np.array([device.max_amplitude, device.max_frequency])

    def total(x: np.ndarray) -> np.ndarray:
        inside = np.all((x >= lo) & (x <= hi), axis=-1)
        xs = np.where(inside[..., None], x, 0.5 * (lo + hi))
        u = period_propagator(model, xs[..., 0], xs[..., 1])
        return np.where(inside, subspace_gate_error(u, target, virtual_z=True), 1.0)

    x0 = np.array([[design.pulse.amplitude, design.pulse.frequency]])
    x, value = pattern_search(total, x0, np.array([0.02, 0.02]), tol=1e-9)
    if value[0] >= design.total_error:
        return design
    return evaluate_pulse(design.target, spectrum, design.levels, float(x[0, 0]), float(x[0, 1]),
                          proposal=design.proposal, refined=True, device=device)


@dataclass(frozen=True)
class MultilevelDesignResult(Provenance):
    """Ranked N-level designs of one target (``candidates[0]`` has the lowest total error).

    Attributes
    ----------
    target : Target
    candidates : list of MultilevelDesign
    two_level_best : MultilevelDesign
        The two-level design's best (shortest) drive, evaluated in the N-level model
        (with re-optimised frames, which can only lower its error).
    error_goal, leakage_goal : float
        Goals defining a leakage-free design.
    """

    target: Target
    candidates: list[MultilevelDesign]
    two_level_best: MultilevelDesign
    error_goal: float
    leakage_goal: float

    @property
    def best(self) -> MultilevelDesign:
        """The design with the lowest total error."""
        return self.candidates[0]

    def leakage_free(self) -> list[MultilevelDesign]:
        """Designs meeting both goals, shortest first."""
        ok = [c for c in self.candidates if c.total_error <= self.error_goal and c.leakage <= self.leakage_goal]
        return sorted(ok, key=lambda c: c.duration)

    @property
    def duration_price(self) -> float:
        """Duration of the shortest leakage-free design minus the two-level design's (NaN if none meets the goals)."""
        ok = self.leakage_free()
        return ok[0].duration - self.two_level_best.duration if ok else float("nan")

    def table(self) -> str:
        """Plain-text table in physical units."""
        head = (f"{'#':>2} {'A/2pi MHz':>10} {'f MHz':>8} {'total ns':>9} {'vz ns':>7} "
                f"{'total err':>9} {'leakage':>9} {'2-lvl err':>9} {'refined':>7}")
        rows = [head]
        for i, c in enumerate(self.candidates):
            p = c.to_physical()
            rows.append(f"{i:>2} {p['amplitude_mhz']:>10.3f} {p['frequency_mhz']:>8.3f} {p['duration_ns']:>9.3f} "
                        f"{p['duration_virtual_z_ns']:>7.3f} {c.total_error:>9.1e} {c.leakage:>9.1e} "
                        f"{c.two_level_error:>9.1e} {str(c.refined):>7}")
        return "\n".join(rows)


def design_multilevel(
    target: Any,
    spectrum: MultilevelSpectrum,
    levels: int | None = None,
    *,
    device: Device | None = None,
    n_refine: int = 3,
    error_goal: float = 1e-4,
    leakage_goal: float = 1e-5,
    max_approximation_error: float | None = 1e-2,
) -> MultilevelDesignResult:
    r"""Design a single-qubit gate on a multi-level device (module docstring).

    Parameters
    ----------
    target : str, Gate, Operator, array_like or 3-tuple
        See :func:`~lzsm_gates.targets.resolve_target`.
    spectrum : MultilevelSpectrum
    levels : int, optional
        N of the model (default: all levels of ``spectrum``).
    device : Device, optional
        Amplitude and frequency bounds (units of the gap); default
        ``spectrum.device()``.
    n_refine : int
        How many of the best N-level proposals are refined.
    error_goal, leakage_goal : float
        Define a leakage-free design (for :attr:`MultilevelDesignResult.duration_price`).
    max_approximation_error : float or None
        Passed to :func:`~lzsm_gates.design.design_gate`.

    Returns
    -------
    MultilevelDesignResult
    """
    n = spectrum.levels if levels is None else levels
    dev = device or spectrum.device()
    if abs(dev.gap_hz / (spectrum.gap_ghz * 1e9) - 1) > 1e-9:
        raise LZSMInputError(f"device gap {dev.gap_hz:.6g} Hz must equal the spectrum gap {spectrum.gap_ghz * 1e9:.6g} Hz")
    check_positive("error_goal", error_goal)
    check_positive("leakage_goal", leakage_goal)
    two = design_gate(target, dev, n_refine=1, max_approximation_error=max_approximation_error)
    model = spectrum.model(n)
    amps = np.array([c.pulse.amplitude for c in two.candidates])
    freqs = np.array([c.pulse.frequency for c in two.candidates])
    u_t = period_propagator(model, amps, freqs)
    proposals = [
        evaluate_pulse(two.target, spectrum, n, a, w, period_unitary=u, device=dev) for a, w, u in zip(amps, freqs, u_t)
    ]
    proposals.sort(key=lambda d: d.total_error)
    refined: list[MultilevelDesign] = []
    for d in proposals[: max(int(n_refine), 0)]:
        r = _refine(d, spectrum, dev)
        if not any(np.hypot(r.pulse.amplitude - o.pulse.amplitude, r.pulse.frequency - o.pulse.frequency) < 1e-4 for o in refined):
            refined.append(r)  # refinements that converge to one point are kept once
    candidates = sorted(refined + proposals[max(int(n_refine), 0):], key=lambda d: d.total_error)
    best2 = two.best
    two_level_best = evaluate_pulse(two.target, spectrum, n, best2.pulse.amplitude, best2.pulse.frequency, device=dev)
    return MultilevelDesignResult(two.target, candidates, two_level_best, float(error_goal), float(leakage_goal))

