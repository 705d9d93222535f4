r"""Operating curves of single-qubit targets: CHRW proposals and exact points on them.

A target with :math:`|V_{10}| = s` is reached where the signed one-period
amplitude :math:`b = U_{10}(A, \omega)` equals :math:`\pm s` (docs:
Physics, Sec. 3).  :func:`operating_curve` finds these points column by
column on a frequency grid with the CHRW propagator (microseconds per
point); :func:`_exact_roots` moves batches of them onto the exact curves;
:func:`identity_curve` gives the CHRW points with :math:`U(T) = \pm I`
(paper Eq. 23).  Used by :mod:`lzsm_gates.design`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import numpy as np
from scipy.optimize import root

from .chrw import chrw_parameters, chrw_propagator
from .models import DrivenModel
from .propagate import period_propagator
from .targets import GateTarget, idle_solution, resolve_target
from .units import DEFAULT_DEVICE, Device, LZSMInputError, check_positive

__all__ = ["OperatingCurve", "operating_curve", "identity_curve"]

_A_MIN = 0.02
# |V10| at or above which the target is a full flip (isolated points a = 0): the error of using them is
# 4 (1 - s) / 3 <= 1.4e-12, below the propagator accuracy
_UNIT_S = 1.0 - 1e-12
# above this |V10| the curves b = +-s are small loops around the |b| = 1 points, seeded from those points too
_LOOP_S = 0.9


@dataclass(frozen=True)
class OperatingCurve:
    r"""CHRW operating points of one target (arrays of equal length, units of the device gap).

    Attributes
    ----------
    target : GateTarget
    gap : float
        Gap of the driven two-level problem (1 for one qubit, :math:`\Delta_1+\Delta_2` for the bSWAP block).
    amplitude, frequency : ndarray
        Proposed :math:`(A, \omega)`.
    branch : ndarray of int
        Root index in amplitude within each frequency column (0 = lowest amplitude).
    level : ndarray
        The signed transition amplitude :math:`b = U_{10} = \pm s` the point solves.
    idle_before, idle_after : ndarray
        Idle times from the CHRW propagator.
    """

    target: GateTarget
    gap: float
    amplitude: np.ndarray
    frequency: np.ndarray
    branch: np.ndarray
    level: np.ndarray
    idle_before: np.ndarray
    idle_after: np.ndarray

    def __len__(self) -> int:
        return int(self.amplitude.size)

    def __repr__(self) -> str:
        return (
            f"OperatingCurve(target={self.target.name!r}, {len(self)} points, "
            f"frequency {_span(self.frequency)}, amplitude {_span(self.amplitude)}, gap={self.gap:g})"
        )

    @property
    def duration(self) -> np.ndarray:
        """Total gate time with idles."""
        return 2 * np.pi / self.frequency + self.idle_before + self.idle_after


def _span(x: np.ndarray) -> str:
    return f"[{x.min():.4g}, {x.max():.4g}]" if x.size else "[]"


def _bounds(device: Device) -> tuple[float, float, float, float]:
    """(A_min, A_max, omega_min, omega_max) of the search, units of the device gap."""
    return min(_A_MIN, 0.5 * device.max_amplitude), device.max_amplitude, device.min_frequency, device.max_frequency


def _levels(s: float) -> tuple[float, ...]:
    """Signed values of b = U10 that reach a target with |V10| = s (none listed for s = 1: isolated points)."""
    if s >= _UNIT_S:
        return ()
    return (0.0,) if s == 0.0 else (s, -s)


def _no_point_error(tgt: GateTarget, device: Device, gap: float) -> LZSMInputError:
    a_max, w_min, w_max = device.max_amplitude, device.min_frequency, device.max_frequency
    mhz = device.gap_hz / 1e6
    return LZSMInputError(
        f"target {tgt.name} (|V10| = {tgt.transition_amplitude:.6g}, driven gap {gap:g}) has no operating point with "
        f"amplitude A/2pi <= {a_max * mhz:.4g} MHz and drive frequency in [{w_min * mhz:.4g}, {w_max * mhz:.4g}] MHz "
        f"(A <= {a_max:g}, omega in [{w_min:g}, {w_max:g}] in units of the {mhz:g} MHz gap): widen the device bounds"
    )


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
    target : str, Gate, Operator, array_like or GateTarget
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
    a_min, a_max, w_min, w_max = _bounds(device)
    s = tgt.transition_amplitude
    a, w, b_grid = _chrw_grid(a_min, a_max, w_min, w_max, gap, int(n_frequencies), int(n_amplitudes))
    parts: list[tuple[np.ndarray, ...]] = []  # (amplitude, frequency, level, column)
    if s >= _UNIT_S:
        amp, freq, sign = _unit_points(a, w, gap, b_grid)
        parts.append((amp, freq, sign, np.arange(amp.size) + w.size))
    for lev in _levels(s):
        values = b_grid - lev
        lo_i, col = np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)
        if lo_i.size:
            fn = lambda x, ww, lev=lev: chrw_propagator(x, ww, gap)[..., 1, 0].real - lev  # noqa: E731
            amp = _bisect(fn, a[lo_i], a[lo_i + 1], w[col])
            real = np.abs(fn(amp, w[col])) < 1e-6  # sign changes across a jump of the CHRW root branch are no roots
            parts.append((amp[real], w[col][real], np.full(real.sum(), lev), col[real]))
    if _LOOP_S < s < _UNIT_S:
        parts.append(_loop_brackets(a, w, gap, b_grid, s, first_column=w.size + 1000))
    amp, freq, level, col = (np.concatenate(v) for v in zip(*parts)) if parts else (np.zeros(0),) * 4
    if amp.size == 0:
        raise _no_point_error(tgt, device, gap)
    t1, t2 = idle_solution(chrw_propagator(amp, freq, gap), tgt.matrix, gap)
    return OperatingCurve(tgt, gap, amp, freq, _rank_within(col, amp), level, t1, t2)


@lru_cache(maxsize=32)
def _chrw_grid(
    a_min: float, a_max: float, w_min: float, w_max: float, gap: float, n_frequencies: int, n_amplitudes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Amplitude and frequency axes and CHRW :math:`b = U_{10}` on their grid (the same for every target of a
    device: cached, read-only)."""
    w = np.linspace(w_min, w_max, n_frequencies)
    a = np.linspace(a_min, a_max, n_amplitudes)
    b_grid = chrw_propagator(a[:, None], w[None, :], gap)[..., 1, 0].real
    for x in (a, w, b_grid):
        x.flags.writeable = False
    return a, w, b_grid


def _rank_within(groups: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Index of each element within its group, by increasing ``order``."""
    rank = np.zeros(groups.size, dtype=int)
    for g in np.unique(groups):
        idx = np.nonzero(groups == g)[0]
        rank[idx[np.argsort(order[idx])]] = np.arange(idx.size)
    return rank


def _bisect(fn: Callable[[np.ndarray, np.ndarray], np.ndarray], lo: np.ndarray, hi: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Vectorised Illinois (regula falsi) root polish on brackets [lo, hi] at frequencies w (callers check |f|).

    A bracket stops once it has converged (:math:`|f| < 10^{-15}` or width below
    :math:`10^{-12}` relative); only the others are evaluated again.
    """
    lo, hi, w = (np.array(v, dtype=float) for v in np.broadcast_arrays(lo, hi, w))
    flo, fhi = fn(lo, w), fn(hi, w)
    x = lo.copy()
    last = np.zeros(lo.shape, dtype=int)  # +1: lo moved last, -1: hi moved last
    act = np.arange(lo.size)  # brackets still moving
    for _ in range(40):  # Illinois converges in ~10 steps; brackets of a jump (no root) stop here
        l, h, fl, fh = lo[act], hi[act], flo[act], fhi[act]
        xa = np.where(fh != fl, (l * fh - h * fl) / np.where(fh != fl, fh - fl, 1.0), 0.5 * (l + h))
        xa = np.clip(xa, np.minimum(l, h), np.maximum(l, h))
        fx = fn(xa, w[act])
        left = np.sign(fx) == np.sign(fl)
        # Illinois: when the same end moves twice, halve the stale value at the other end
        fh = np.where(left & (last[act] == 1), 0.5 * fh, fh)
        fl = np.where(~left & (last[act] == -1), 0.5 * fl, fl)
        lo[act], flo[act] = np.where(left, xa, l), np.where(left, fx, fl)
        hi[act], fhi[act] = np.where(left, h, xa), np.where(left, fh, fx)
        last[act] = np.where(left, 1, -1)
        x[act] = xa
        done = (np.abs(fx) < 1e-15) | (np.abs(hi[act] - lo[act]) < 1e-12 * np.maximum(1.0, np.abs(xa)))
        act = act[~done]
        if act.size == 0:
            break
    return x


def _unit_points(a: np.ndarray, w: np.ndarray, gap: float, b_grid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Isolated CHRW points with a = U00 = 0 (|b| = 1), seeded from local extrema of b on the grid.

    Returns amplitude, frequency and the sign of b there.
    """
    p = b_grid**2
    inner = p[1:-1, 1:-1]
    peak = (inner > 0.8) & np.all(
        [inner >= np.roll(np.roll(p, di, 0), dj, 1)[1:-1, 1:-1] for di in (-1, 0, 1) for dj in (-1, 0, 1)], axis=0
    )
    found: list[tuple[float, float, float]] = []
    for i, j in zip(*np.nonzero(peak)):
        sol = root(lambda x: _re_im(chrw_propagator(x[0], x[1], gap)[0, 0]), [a[i + 1], w[j + 1]], method="hybr")
        if np.hypot(*sol.fun) < 1e-10 and 0 < sol.x[0] <= a[-1] and w[0] <= sol.x[1] <= w[-1]:
            if not any(np.hypot(sol.x[0] - fa, sol.x[1] - fw) < 1e-6 for fa, fw, _ in found):
                sign = np.sign(chrw_propagator(sol.x[0], sol.x[1], gap)[1, 0].real)
                found.append((float(sol.x[0]), float(sol.x[1]), float(sign)))
    found.sort(key=lambda x: -x[1])
    pts = np.array(found).reshape(-1, 3)
    return pts[:, 0], pts[:, 1], pts[:, 2]


def _loop_brackets(
    a: np.ndarray, w: np.ndarray, gap: float, b_grid: np.ndarray, s: float, first_column: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """CHRW roots of b = +-s on the small loops around the |b| = 1 points, at the frequencies of those points.

    For s close to 1 the curves are loops the grid can miss entirely; at the
    frequency of each |b| = 1 point, :math:`\\pm b - s` is positive there and
    negative a little below and above in amplitude.  Returns amplitude,
    frequency, level and a column label per point (one per loop).
    """
    a1, w1, sign = _unit_points(a, w, gap, b_grid)
    out: list[tuple[float, float, float, int]] = []
    for k, (ai, wi, sg) in enumerate(zip(a1, w1, sign)):
        fn = lambda x, ww, sg=sg: sg * chrw_propagator(x, ww, gap)[..., 1, 0].real - s  # noqa: E731
        for direction in (-1.0, 1.0):
            step = 1e-4 * ai
            while step < 0.5 * ai:
                x = ai + direction * step
                if x > 0 and fn(x, wi) < 0:
                    lo, hi = min(ai, x), max(ai, x)
                    out.append((float(_bisect(fn, np.array([lo]), np.array([hi]), np.array([wi]))[0]), wi, sg * s, k))
                    break
                step *= 2
    if not out:
        return (np.zeros(0),) * 4
    amp, freq, level, k = (np.array(v) for v in zip(*out))
    return amp, freq, level, k + first_column


def _re_im(z: complex) -> list[float]:
    return [float(np.real(z)), float(np.imag(z))]


# --------------------------------------------------------------------------- exact operating points


def _exact_roots(
    model: DrivenModel, a0: np.ndarray, w: np.ndarray, level: np.ndarray, a_max: float, max_iter: int = 16
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Exact roots of :math:`U_{10}(A, \omega) = ` ``level`` in :math:`A` at fixed :math:`\omega`, vectorised secant from ``a0``.

    All points advance together (one batched propagator call per step, only
    the unconverged ones).  Returns the roots, the exact one-period
    propagators there, and a mask of the points that converged to a root
    within 20 % of ``a0`` and inside :math:`(0, A_\max]`.
    """
    a0 = np.asarray(a0, dtype=float)
    w, level = np.broadcast_to(w, a0.shape).astype(float), np.broadcast_to(level, a0.shape).astype(float)
    if a0.size == 0:
        return a0.copy(), np.zeros((0, 2, 2), dtype=complex), np.zeros(0, dtype=bool)
    x_prev, x = a0.copy(), a0 * (1 + 1e-4) + 1e-6
    u = period_propagator(model, np.concatenate([x_prev, x]), np.concatenate([w, w]))
    f_prev, f = u[: a0.size, 1, 0].real - level, u[a0.size :, 1, 0].real - level
    u = u[a0.size :]
    active = np.ones(a0.size, dtype=bool)
    for _ in range(max_iter):
        i = np.nonzero(active)[0]
        if i.size == 0:
            break
        denom = f[i] - f_prev[i]
        step = np.where(denom != 0, -f[i] * (x[i] - x_prev[i]) / np.where(denom != 0, denom, 1.0), 0.0)
        step = np.clip(step, -0.05 * a0[i], 0.05 * a0[i])
        x_new = np.maximum(x[i] + step, 1e-9)
        u_new = period_propagator(model, x_new, w[i])
        x_prev[i], f_prev[i] = x[i], f[i]
        x[i], u[i], f[i] = x_new, u_new, u_new[:, 1, 0].real - level[i]
        done = (np.abs(step) <= 1e-13 * np.maximum(1.0, np.abs(x_new))) | (np.abs(f[i]) < 1e-15) | (np.abs(x_new - a0[i]) > 0.2 * a0[i])
        active[i[done]] = False
    ok = (np.abs(f) < 1e-11) & (np.abs(x - a0) <= 0.2 * a0) & (x > 0) & (x <= a_max) & ~active
    return x, u, ok

def _identity_function(amplitude: np.ndarray, frequency: np.ndarray) -> np.ndarray:
    r""":math:`\sin(\Omega T/2)` of CHRW: :math:`U(T) = \pm I` exactly on its zeros."""
    p = chrw_parameters(amplitude, frequency)
    return np.sin(p.rabi * np.pi / p.frequency)


def identity_curve(device: Device = DEFAULT_DEVICE, *, n_frequencies: int = 160, n_amplitudes: int = 200) -> OperatingCurve:
    r"""CHRW points with :math:`U(T) = \pm I` and no idle: :math:`\Omega = n\omega` (paper Eq. 23, Fig. 4b)."""
    a_min, a_max, w_min, w_max = _bounds(device)
    a = np.linspace(a_min, a_max, n_amplitudes)
    w = np.linspace(w_min, w_max, n_frequencies)
    values = _identity_function(a[:, None], w[None, :])
    lo_i, col = np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)
    amp = _bisect(_identity_function, a[lo_i], a[lo_i + 1], w[col])
    real = np.abs(_identity_function(amp, w[col])) < 1e-6  # drop jumps of the CHRW root branch
    amp, lo_i, col = amp[real], lo_i[real], col[real]
    zeros = np.zeros_like(amp)
    return OperatingCurve(resolve_target("id"), 1.0, amp, w[col], _rank_within(col, lo_i), zeros, zeros, zeros)
