r"""Single-qubit gate design: CHRW operating points, exact refinement, continuous duration optimisation, ranking.

A target :math:`V \in SU(2)` with :math:`|V_{10}| = s = \sin(\theta/2)` is
reached by one period :math:`U = [[a, -b], [b, a^*]]` (real :math:`b`) and
idles iff :math:`b = \pm s` (docs: Physics, Sec. 3).  The design works
with the signed amplitude :math:`b = U_{10}` (never with :math:`P = b^2`),
so every angle from :math:`\theta = 10^{-8}` to :math:`\pi` is solved without
rounding: the operating points are the curves :math:`b(A, \omega) = +s` and
:math:`b(A, \omega) = -s` (one curve :math:`b = 0` for diagonal targets); for
:math:`s = 1` (X, Y) they are the isolated points :math:`a = 0`.

1. :func:`operating_curve` proposes, in microseconds per point, every CHRW
   operating point on a frequency grid inside the device bounds: roots in
   :math:`A` of :math:`b_\mathrm{CHRW} \mp s` column by column, plus, for
   :math:`s > 0.9`, the small loops around the :math:`|b| = 1` points that a
   grid misses.  Roots are numbered by *branch* from low to high amplitude in
   each column.
2. :func:`design_gate` refines *every* proposal in one batch (vectorised
   secant in :math:`A` at fixed :math:`\omega` on the exact propagator),
   computes the idle times from the exact propagator and only then ranks, so a
   CHRW phase error can not push an idle across its :math:`2\pi/\Delta` wrap.
3. For ``rank="duration"`` the total time
   :math:`T + t_1 + t_2` (or :math:`T` for the virtual-Z variant) is then
   minimised continuously over :math:`(A, \omega, t_1, t_2)` on the exact
   curves: the constraint :math:`b = \pm s` eliminates :math:`A`, the idles
   follow analytically (:func:`~lzsm_gates.targets.idle_solution`), and a
   nested frequency search around every sample within the sampling margin of
   the best one reaches interior optima, the device bounds and the points
   where an idle wraps to zero alike.  :class:`~lzsm_gates.design_results.Optimality`
   records the evidence.  Exact ties (e.g. the two signs of :math:`b`) are broken
   by robustness to miscalibration.
4. :func:`design_identity` gives one-period identities :math:`U(T) = \pm I`
   of a chosen duration; two-qubit designs live in :mod:`lzsm_gates.entanglers`.

All amplitudes and frequencies are in units of the device gap, times in
units of :math:`1/\Delta`; :meth:`GateDesign.to_physical` converts.  The
unitary error of refined designs is limited by the propagator (about 1e-20
in :math:`1 - F`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Literal, Sequence

import numpy as np
from scipy.optimize import brentq, minimize_scalar, root

from .chrw import chrw_propagator
from .curves import (
    _LOOP_S,
    _UNIT_S,
    OperatingCurve,
    _bisect,
    _bounds,
    _exact_roots,
    _identity_function,
    _no_point_error,
    _re_im,
    identity_curve,
    operating_curve,
)
from .design_results import (
    DEFAULT_MISCALIBRATION,
    DesignResult,
    GateDesign,
    Optimality,
    Sensitivity,
    sensitivity,
)
from .metrics import gate_error
from .models import DrivenModel, qubit_model
from .propagate import period_propagator, static_propagator
from .pulses import LZSMPulse
from .targets import GateTarget, idle_solution, resolve_target
from .units import DEFAULT_DEVICE, ConvergenceError, Device, LZSMInputError, check_in_range, check_positive

__all__ = ["design_gate", "refine", "design_identity"]

Ranking = Literal["duration", "approximation", "robustness", "open_system"]
Variant = Literal["idle", "virtual_z"]
_ZOOM_LEVELS = 5
_ZOOM_POINTS = 7
_MAX_STARTS = 12


def _vz_pulse(pulse: LZSMPulse, gap: float) -> LZSMPulse:
    """Replace idles by virtual-Z phases: :math:`R(t) = R_z(-\\Delta t)`."""
    return LZSMPulse(pulse.amplitude, pulse.frequency, vz_before=-gap * pulse.idle_before, vz_after=-gap * pulse.idle_after)


def _make_designs(
    target: GateTarget, amp: np.ndarray, freq: np.ndarray, branch: np.ndarray, proposal: np.ndarray,
    refined: bool, device: Device, gap: float, u_exact: np.ndarray | None = None,
) -> list[GateDesign]:
    """Exact evaluation of operating points (``u_exact`` reuses batch propagators); idles from the exact propagator."""
    amp, freq = np.atleast_1d(amp).astype(float), np.atleast_1d(freq).astype(float)
    model = qubit_model(gap)
    u = period_propagator(model, amp, freq) if u_exact is None else u_exact.reshape(-1, 2, 2)
    approx = gate_error(u, chrw_propagator(amp, freq, gap))
    t1, t2 = idle_solution(u, target.matrix, gap)
    # the whole pulses' unitaries R(t2) U R(t1) in one batch (elementwise the same arithmetic as LZSMPulse.propagator)
    exact = gate_error(target.matrix, static_propagator(model.static, t2) @ u @ static_propagator(model.static, t1))
    out = []
    for k in range(amp.size):
        pulse = LZSMPulse(float(amp[k]), float(freq[k]), float(t1[k]), float(t2[k]))
        out.append(GateDesign(
            target=target,
            pulse=pulse,
            virtual_z_pulse=_vz_pulse(pulse, gap),
            branch=int(np.atleast_1d(branch)[k]),
            approximation_error=float(approx[k]),
            exact_error=float(exact[k]),
            proposal=(float(proposal[k, 0]), float(proposal[k, 1])),
            refined=refined,
            device=device,
            gap=gap,
        ))
    return out


def refine(design: GateDesign) -> GateDesign:
    r"""Exact operating point nearest to a design at its frequency (root of :math:`U_{10}(A) = \pm s`).

    Full flips (:math:`s = 1`) solve the 2-D equation :math:`U_{00}(A, \omega) = 0`;
    for :math:`s` close to 1 the exact loop around that point is used when the
    design's frequency misses it.

    Raises
    ------
    ConvergenceError
        If no exact operating point is found near the design.
    """
    gap, tgt = design.gap, design.target
    model = qubit_model(gap)
    a0, w0 = design.pulse.amplitude, design.pulse.frequency
    s = tgt.transition_amplitude
    a_max = max(design.device.max_amplitude, a0)
    if s >= _UNIT_S:
        amp, freq = _exact_unit_point(model, a0, w0, tgt.name)
    else:
        sign = 1.0 if s == 0 else np.sign(period_propagator(model, a0, w0)[1, 0].real) or 1.0
        x, _, ok = _exact_roots(model, np.array([a0]), np.array([w0]), np.array([sign * s]), a_max)
        amp, freq = float(x[0]), w0
        if not ok[0]:
            if s <= _LOOP_S:
                raise ConvergenceError(f"no exact operating point of {tgt.name} within 20% of amplitude {a0:.6g} at omega = {w0:.6g}")
            # the exact loop around the exact |b| = 1 point may miss w0: move to that point's frequency
            a1, freq = _exact_unit_point(model, a0, w0, tgt.name)
            sign = np.sign(period_propagator(model, a1, freq)[1, 0].real)
            amp = _loop_root(lambda x: float(sign * period_propagator(model, x, freq)[1, 0].real - s), a1)
    new = _make_designs(tgt, np.array([amp]), np.array([freq]), np.array([design.branch]),
                        np.array([design.proposal]), True, design.device, gap)[0]
    return replace(new, sensitivities=design.sensitivities, open_system_error=design.open_system_error)


def _exact_unit_point(model: DrivenModel, a0: float, w0: float, name: str) -> tuple[float, float]:
    """Exact (A, omega) with U00 = 0 (|b| = 1) near ``(a0, w0)`` (2-D root)."""
    sol = root(lambda x: _re_im(period_propagator(model, x[0], x[1])[0, 0]), [a0, w0], method="hybr", options={"xtol": 1e-14})
    if np.hypot(*sol.fun) > 1e-9:
        raise ConvergenceError(f"refinement of {name} from (A, omega) = ({a0:.6g}, {w0:.6g}) failed: {sol.message}")
    return float(sol.x[0]), float(sol.x[1])


def _loop_root(g: Callable[[float], float], x0: float) -> float:
    """Root of ``g`` next to its maximum ``x0`` (|b| = 1 point), or ``x0`` itself when the loop is below round-off.

    At ``x0`` the value :math:`1 - s` may be smaller than the propagator's
    accuracy; the point is then already an exact operating point to
    :math:`1 - F \\le 4(1-s)/3`.
    """
    g0 = g(x0)
    if g0 <= 0.0:
        return x0
    for step in x0 * np.array([1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1]):
        for x1 in (x0 + step, x0 - step):
            if x1 > 0 and g(x1) < 0:
                lo, hi = sorted((x0, x1))
                return float(brentq(g, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=200))
    raise ConvergenceError(f"no exact operating point within 10% of amplitude {x0:.6g} at this frequency")


def _objective(u: np.ndarray, w: np.ndarray, target: GateTarget, gap: float, variant: str) -> np.ndarray:
    """Gate time of exact operating points: period plus idles, or the period alone (virtual Z)."""
    period = 2 * np.pi / w
    if variant == "virtual_z":
        return period
    t1, t2 = idle_solution(u, target.matrix, gap)
    return period + t1 + t2


def _sample_bounds(
    period: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: np.ndarray, level: np.ndarray, column: np.ndarray,
    branch: np.ndarray, gap: float,
) -> tuple[float, np.ndarray]:
    r"""Sampling margin and optimistic objective of exact samples along the branches.

    ``margin`` is the largest change of the objective between samples of one
    branch in adjacent frequency columns where no idle wraps.  Where an idle
    wraps (jumps by about :math:`2\pi/\Delta`) between two samples, the
    objective at the wrap point may lie below both: their optimistic value
    drops that idle (period plus the idles that do not wrap there).
    """
    margin, optimistic = 0.0, value.copy()
    tau = t1 + t2
    for lev in np.unique(level):
        for br in np.unique(branch):
            sel = np.nonzero((level == lev) & (branch == br))[0]
            sel = sel[np.argsort(column[sel])]
            for j, k in zip(sel[:-1], sel[1:]):
                if column[k] - column[j] != 1:
                    continue
                wrap1, wrap2 = abs(t1[k] - t1[j]) > np.pi / gap, abs(t2[k] - t2[j]) > np.pi / gap
                if abs(tau[k] - tau[j]) > np.pi / gap or wrap1 or wrap2:
                    for m in (j, k):
                        kept = (0.0 if wrap1 else t1[m]) + (0.0 if wrap2 else t2[m])
                        optimistic[m] = min(optimistic[m], period[m] + (kept if (wrap1 or wrap2) else 0.0))
                else:
                    margin = max(margin, float(abs(value[k] - value[j])))
    return margin, optimistic


def _optimise_along_curves(
    model: DrivenModel, target: GateTarget, gap: float, device: Device, a: np.ndarray, w: np.ndarray,
    level: np.ndarray, h: float, variant: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    r"""Continuous minimisation of the gate time along the exact curves :math:`U_{10} = ` ``level``, from each start.

    A nested search in :math:`\omega` (``_ZOOM_POINTS`` frequencies on
    :math:`[\omega - h, \omega + h]`, the exact root :math:`A(\omega)` of each
    from a tangent prediction, the best one as the next centre, ``h`` shrinking
    by :math:`(n-1)/2` per level).  It handles interior minima, the device bounds
    (frequencies are clipped, amplitudes above :math:`A_\max` are infeasible),
    folds of the curve (no root beyond) and idle wraps (the objective jumps by
    :math:`2\pi/\Delta`, the search keeps the short side) alike.  Returns the
    optimised amplitudes, frequencies, propagators, objectives and the final
    frequency resolution.
    """
    _, a_max, w_min, w_max = _bounds(device)
    a, w = a.astype(float).copy(), w.astype(float).copy()
    u = period_propagator(model, a, w)
    best = _objective(u, w, target, gap, variant)
    for _ in range(_ZOOM_LEVELS):
        # tangent dA/domega = -(db/domega)/(db/dA) at the centres
        d = 1e-6
        ud = period_propagator(model, np.concatenate([a + d * a, a]), np.concatenate([w, w + d * w]))
        db_da = (ud[: a.size, 1, 0].real - u[:, 1, 0].real) / (d * a)
        db_dw = (ud[a.size :, 1, 0].real - u[:, 1, 0].real) / (d * w)
        slope = np.where(db_da != 0, -db_dw / np.where(db_da != 0, db_da, 1.0), 0.0)
        offsets = np.linspace(-h, h, _ZOOM_POINTS)
        ww = np.clip(w[:, None] + offsets[None, :], w_min, w_max)
        aa = a[:, None] + np.clip(slope[:, None] * (ww - w[:, None]), -0.1 * a[:, None], 0.1 * a[:, None])
        lev = np.broadcast_to(level[:, None], ww.shape)
        x, ux, ok = _exact_roots(model, aa.ravel(), ww.ravel(), lev.ravel(), a_max)
        val = np.where(ok, _objective(ux, ww.ravel(), target, gap, variant), np.inf).reshape(ww.shape)
        j = np.argmin(val, axis=1)
        rows = np.arange(a.size)
        better = val[rows, j] < best
        flat = rows * _ZOOM_POINTS + j
        a = np.where(better, x[flat], a)
        w = np.where(better, ww[rows, j], w)
        u = np.where(better[:, None, None], ux[flat], u)
        best = np.where(better, val[rows, j], best)
        h = 2 * h / (_ZOOM_POINTS - 1)
    return a, w, u, best, h


def design_gate(
    target: Any,
    device: Device = DEFAULT_DEVICE,
    *,
    rank: Ranking = "duration",
    variant: Variant = "idle",
    n_refine: int = 3,
    branches: Sequence[int] | None = None,
    max_approximation_error: float | None = None,
    open_system: Callable[[GateDesign], float] | None = None,
    miscalibration: dict[str, float] | None = None,
    gap: float = 1.0,
    n_frequencies: int = 120,
) -> DesignResult:
    r"""Design a single-qubit LZSM gate: CHRW proposals, batched exact refinement, continuous optimisation, ranking.

    Parameters
    ----------
    target : str, Gate, Operator, array_like or 3-tuple
        See :func:`~lzsm_gates.targets.resolve_target`.
    device : Device
        Gap (physical units) and the amplitude/frequency bounds.
    rank : {"duration", "approximation", "robustness", "open_system"}
        Ranking criterion (module docstring).  ``"open_system"`` needs ``open_system``.
    variant : {"idle", "virtual_z"}
        What ``rank="duration"`` minimises: period plus real idles, or the
        period alone (idles replaced by virtual-Z frame changes).
    n_refine : int
        0: only evaluate the CHRW proposals exactly (no refinement, for
        studying CHRW).  Otherwise every proposal is refined in one batch, and
        for ``rank="duration"`` at least ``n_refine`` (and every sample within
        the sampling margin of the best, at most 12) continuous optimisations run.
    branches : sequence of int, optional
        Keep only these branches (root indices in amplitude, from 0).
    max_approximation_error : float or None
        Drop proposals whose CHRW error exceeds this; ``None`` (default) keeps
        all (they are refined exactly anyway).
    open_system : callable, optional
        ``design -> incoherent error``, e.g. from :mod:`lzsm_gates.noise`.
    miscalibration : dict, optional
        Relative uncertainties for ``rank="robustness"`` and duration ties
        (default :data:`~lzsm_gates.design_results.DEFAULT_MISCALIBRATION`).
    gap : float
        Gap of the driven two-level problem in units of the device gap (the
        {00, 11} block of :func:`~lzsm_gates.entanglers.design_bswap` has
        :math:`\Delta_1 + \Delta_2`).  The device bounds apply unchanged.
    n_frequencies : int
        Frequency columns of the proposal grid.

    Returns
    -------
    DesignResult
        With :attr:`~DesignResult.optimality` for ``rank="duration"``.
    """
    if rank not in ("duration", "approximation", "robustness", "open_system"):
        raise LZSMInputError(f"rank must be 'duration', 'approximation', 'robustness' or 'open_system', got {rank!r}")
    if variant not in ("idle", "virtual_z"):
        raise LZSMInputError(f"variant must be 'idle' or 'virtual_z', got {variant!r}")
    if rank == "open_system" and open_system is None:
        raise LZSMInputError("rank='open_system' needs an open_system error function (see lzsm_gates.noise)")
    rel = miscalibration or DEFAULT_MISCALIBRATION
    curve = operating_curve(target, device, gap=gap, n_frequencies=n_frequencies)
    tgt, gap = curve.target, curve.gap
    model = qubit_model(gap)
    keep = np.ones(len(curve), dtype=bool) if branches is None else np.isin(curve.branch, list(branches))
    if max_approximation_error is not None:
        u_prop = period_propagator(model, curve.amplitude, curve.frequency)
        approx = gate_error(u_prop, chrw_propagator(curve.amplitude, curve.frequency, gap))
        keep &= approx <= float(check_positive("max_approximation_error", max_approximation_error))
    idx = np.nonzero(keep)[0]
    if idx.size == 0:
        raise LZSMInputError(
            f"no operating point of {tgt.name} satisfies branches={branches} and max_approximation_error={max_approximation_error}"
        )
    proposal = np.stack([curve.amplitude[idx], curve.frequency[idx]], axis=1)
    if int(n_refine) <= 0:
        designs = _make_designs(tgt, curve.amplitude[idx], curve.frequency[idx], curve.branch[idx], proposal, False, device, gap)
        return DesignResult(tgt, _ranked(designs, rank, open_system, rel), rank, curve)
    if rank == "duration":
        # a proposal whose period alone exceeds the best exact duration of the fast half can not rank first
        fast = curve.frequency[idx] >= np.median(curve.frequency[idx])
        amp, freq, u, ok = _refined_points(model, curve, idx[fast], device)
        bound = np.min(_objective(u[ok], freq[ok], tgt, gap, variant)) if np.any(ok) else np.inf
        slow = np.nonzero(~fast & (2 * np.pi / curve.frequency[idx] < bound))[0]
        more = _refined_points(model, curve, idx[slow], device)
        order = np.concatenate([np.nonzero(fast)[0], slow])
        amp, freq, u, ok = (np.concatenate([x, y]) for x, y in zip((amp, freq, u, ok), more))
        rest = np.setdiff1d(np.arange(idx.size), order)
    else:
        order, rest = np.arange(idx.size), np.zeros(0, dtype=int)
        amp, freq, u, ok = _refined_points(model, curve, idx, device)
    if not np.any(ok):
        raise _no_point_error(tgt, device, gap)
    designs = _make_designs(tgt, amp[ok], freq[ok], curve.branch[idx][order][ok], proposal[order][ok], True, device, gap, u[ok])
    optimality = None
    if rank == "duration":
        extra, optimality = _continuous_optimum(
            model, curve, idx[order][ok], amp[ok], freq[ok], u[ok], device, variant, int(n_refine),
            (device.max_frequency - device.min_frequency) / (int(n_frequencies) - 1),
        )
        designs = extra + designs
    if rest.size:  # listed after the refined ones, exactly evaluated
        designs += _make_designs(tgt, curve.amplitude[idx][rest], curve.frequency[idx][rest], curve.branch[idx][rest],
                                 proposal[rest], False, device, gap)
    return DesignResult(tgt, _ranked(designs, rank, open_system, rel, variant), rank, curve, optimality)


def _refined_points(
    model: DrivenModel, curve: OperatingCurve, idx: np.ndarray, device: Device
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Exact operating points of the proposals ``idx`` (one batch; full flips and missed loops point by point)."""
    a0, w0, level = curve.amplitude[idx], curve.frequency[idx], curve.level[idx]
    s = curve.target.transition_amplitude
    if s >= _UNIT_S:
        amp, freq, u, ok = a0.copy(), w0.copy(), np.zeros((idx.size, 2, 2), complex), np.zeros(idx.size, bool)
        if idx.size == 0:
            return amp, freq, u, ok
        for k in range(idx.size):
            try:
                amp[k], freq[k] = _exact_unit_point(model, a0[k], w0[k], curve.target.name)
                ok[k] = 0 < amp[k] <= device.max_amplitude and device.min_frequency <= freq[k] <= device.max_frequency
            except ConvergenceError:
                continue
        if np.any(ok):
            u[ok] = period_propagator(model, amp[ok], freq[ok])
        return amp, freq, u, ok
    amp, u, ok = _exact_roots(model, a0, w0, level, device.max_amplitude)
    freq = w0.copy()
    for k in np.nonzero(~ok & (s > _LOOP_S))[0]:
        d = _make_designs(curve.target, a0[k : k + 1], w0[k : k + 1], np.zeros(1), np.array([[a0[k], w0[k]]]), False,
                          device, curve.gap)[0]
        try:
            r = refine(d)
        except ConvergenceError:
            continue
        amp[k], freq[k] = r.pulse.amplitude, r.pulse.frequency
        ok[k] = 0 < amp[k] <= device.max_amplitude and device.min_frequency <= freq[k] <= device.max_frequency
        u[k] = period_propagator(model, amp[k], freq[k])
    return amp, freq, u, ok


def _continuous_optimum(
    model: DrivenModel, curve: OperatingCurve, idx: np.ndarray, amp: np.ndarray, freq: np.ndarray, u: np.ndarray,
    device: Device, variant: str, n_starts: int, h: float,
) -> tuple[list[GateDesign], Optimality]:
    """Continuous optimisation from every exact sample within the sampling margin of the best (module docstring)."""
    tgt, gap = curve.target, curve.gap
    value = _objective(u, freq, tgt, gap, variant)
    column = np.round((curve.frequency[idx] - device.min_frequency) / h).astype(int)
    best = float(value.min())
    if variant == "idle":
        t1, t2 = idle_solution(u, tgt.matrix, gap)
        margin, optimistic = _sample_bounds(2 * np.pi / freq, t1, t2, value, curve.level[idx], column, curve.branch[idx], gap)
    else:
        margin, optimistic = _sample_bounds(value, 0 * value, 0 * value, value, curve.level[idx], column, curve.branch[idx], gap)
    order = np.argsort(optimistic)
    starts: list[int] = []
    for k in order:
        if len(starts) >= _MAX_STARTS or (len(starts) >= n_starts and optimistic[k] > best + margin):
            break
        if any(curve.level[idx[k]] == curve.level[idx[j]] and abs(freq[k] - freq[j]) <= 1.5 * h
               and abs(amp[k] - amp[j]) <= 0.05 * amp[j] for j in starts):
            continue
        starts.append(int(k))
    sel = np.array(starts)
    if tgt.transition_amplitude >= _UNIT_S:  # isolated points: nothing to move along
        a_opt, w_opt, u_opt, v_opt, res = amp[sel], freq[sel], u[sel], value[sel], 0.0
    else:
        a_opt, w_opt, u_opt, v_opt, res = _optimise_along_curves(
            model, tgt, gap, device, amp[sel], freq[sel], curve.level[idx][sel], h, variant
        )
    designs = _make_designs(tgt, a_opt, w_opt, curve.branch[idx][sel], np.stack([curve.amplitude[idx][sel],
                            curve.frequency[idx][sel]], axis=1), True, device, gap, u_opt)
    optimality = Optimality(
        objective="duration" if variant == "idle" else "period",
        n_columns=int(np.unique(column).size),
        n_samples=int(idx.size),
        n_starts=int(sel.size),
        frequency_spacing=float(h),
        margin=float(margin),
        resolution=float(res),
        grid_best=best,
        optimum=float(min(v_opt.min(), best)),
    )
    return designs, optimality


def _ranked(
    designs: list[GateDesign], rank: str, open_system: Callable[[GateDesign], float] | None,
    rel: dict[str, float], variant: str = "idle",
) -> list[GateDesign]:
    """Sort designs by the criterion; equal durations (relative 1e-9) are ordered by robustness."""
    if rank == "robustness":
        designs = [replace(d, sensitivities=d.sensitivities or sensitivity(d)) for d in designs]
        return sorted(designs, key=lambda d: d.sensitivities.error(rel))
    if rank == "open_system":
        designs = [replace(d, open_system_error=open_system(d)) if d.open_system_error is None else d for d in designs]
        return sorted(designs, key=lambda d: d.open_system_error + d.exact_error)
    if rank == "approximation":
        return sorted(designs, key=lambda d: d.approximation_error)
    time = (lambda d: d.pulse.period) if variant == "virtual_z" else (lambda d: d.duration)
    designs = sorted(designs, key=lambda d: (time(d), d.exact_error))
    if not any(d.refined for d in designs):
        return designs
    tied = [d for d in designs if time(d) <= time(designs[0]) * (1 + 1e-9)]
    if len(tied) > 1:
        tied = sorted((replace(d, sensitivities=d.sensitivities or sensitivity(d)) for d in tied),
                      key=lambda d: d.sensitivities.error(rel))
        designs = tied + designs[len(tied):]
    return designs

# --------------------------------------------------------------------------- identity


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
    a = np.linspace(_bounds(device)[0], device.max_amplitude, 400)
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
