r"""The cost guard of the sweep engine: the work a sweep will do, estimated before it runs.

Before any work :func:`lzsm_gates.sweeps.run_sweep` estimates the grid size,
the memory of the result and, with a ``cost`` function, the inner steps
(e.g. Magnus steps per drive period) of the sweep (:func:`estimate_work`);
above the limits of :data:`WORK_LIMITS` the sweep is refused unless
``allow_large=True``.  The names are re-exported by :mod:`lzsm_gates.sweeps`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .sweep_grid import Axis, check_axes
from .units import LZSMInputError

__all__ = ["WORK_LIMITS", "WorkEstimate", "estimate_work", "fixed_cost"]

_COST_SAMPLES = 2048

WORK_LIMITS: dict[str, float] = {
    "points": 5e7,
    "memory_bytes": 4 * 2**30,
    "steps": 1e9,
    "steps_per_point": 2e6,
}
"""Limits above which :func:`run_sweep` refuses a sweep unless ``allow_large=True``.

``points``: grid points; ``memory_bytes``: estimated memory of the result
arrays; ``steps``: total inner steps (the sweep's ``cost`` summed over the
grid: Magnus steps per drive period for propagator maps, which run at very
roughly 1e5 to 1e6 point-steps per second on one core; steady-state maps
count a fixed step-equivalent per point, see :func:`fixed_cost`), so the
default limit is an hour-scale job; ``steps_per_point``: the largest cost of
one point (a drive frequency far below the gap needs millions of steps per
period)."""


class _FixedCost:
    def __init__(self, steps: float) -> None:
        self.steps = float(steps)

    def __call__(self, **values: np.ndarray) -> np.ndarray:
        return np.full(np.shape(next(iter(values.values()))), self.steps)


def fixed_cost(steps: float) -> Callable[..., np.ndarray]:
    """A ``cost`` function for :func:`run_sweep` charging every point the same number of step-equivalents.

    For maps whose points cost about the same (steady states): ``steps`` is
    the measured time of one point divided by the time of one Magnus
    point-step (about 5 µs on one core).
    """
    return _FixedCost(steps)


@dataclass(frozen=True)
class WorkEstimate:
    """The estimated cost of a sweep (see :func:`estimate_work`).

    Attributes
    ----------
    points : int
        Grid points.
    memory_bytes : int
        Memory of the result arrays (float64; twice that for complex outputs).
    steps : float
        Total inner steps over the grid (``points`` without a cost function).
    steps_per_point : float
        Largest inner steps of one point (1 without a cost function).
    """

    points: int
    memory_bytes: int
    steps: float
    steps_per_point: float

    def exceeded(self) -> list[str]:
        """The limits of :data:`WORK_LIMITS` this estimate exceeds, as readable phrases."""
        gib = 2**30
        found = {
            "points": (self.points, f"{self.points:.3g} grid points (limit {WORK_LIMITS['points']:.3g})"),
            "memory_bytes": (
                self.memory_bytes,
                f"{self.memory_bytes / gib:.3g} GiB of results (limit {WORK_LIMITS['memory_bytes'] / gib:.3g} GiB)",
            ),
            "steps": (self.steps, f"{self.steps:.3g} steps in total (limit {WORK_LIMITS['steps']:.3g})"),
            "steps_per_point": (
                self.steps_per_point,
                f"{self.steps_per_point:.3g} steps for one point (limit {WORK_LIMITS['steps_per_point']:.3g})",
            ),
        }
        return [text for name, (value, text) in found.items() if value > WORK_LIMITS[name]]

    def __str__(self) -> str:
        return (
            f"{self.points} points x ~{self.steps / max(self.points, 1):.3g} steps per point "
            f"(at most {self.steps_per_point:.3g}), results ~{self.memory_bytes / 2**20:.3g} MiB"
        )


def estimate_work(axes: Sequence[Axis], n_outputs: int = 1, cost: Callable[..., Any] | None = None) -> WorkEstimate:
    """Estimate the cost of a sweep without building its grid.

    Parameters
    ----------
    axes : sequence of Axis
    n_outputs : int
        Number of outputs (for the memory estimate).
    cost : callable, optional
        ``cost(**{name: array})`` -> inner steps per point.  It is evaluated
        on at most a few thousand points: every corner of the grid (where
        costs usually peak) and an even sample of the flattened grid, whose
        mean is scaled to the grid size.

    Returns
    -------
    WorkEstimate
    """
    axes = check_axes(axes)
    shape = tuple(len(axis) for axis in axes)
    points = int(np.prod(shape, dtype=object))  # Python integers: no overflow
    memory = points * max(int(n_outputs), 1) * 8 * 2
    if cost is None:
        return WorkEstimate(points, memory, float(points), 1.0)
    flat = np.unique(np.linspace(0, points - 1, min(points, _COST_SAMPLES)).astype(np.int64))
    positions = np.unravel_index(flat, shape)
    sample = {axis.name: axis.values[position] for axis, position in zip(axes, positions)}
    corners = np.stack(np.meshgrid(*[[0, n - 1] for n in shape], indexing="ij")).reshape(len(shape), -1)
    corner = {axis.name: axis.values[position] for axis, position in zip(axes, corners)}
    with np.errstate(invalid="ignore", over="ignore"):
        sampled = _valid_cost(cost(**sample))
        peak = _valid_cost(cost(**corner))
    return WorkEstimate(points, memory, float(sampled.mean()) * points, float(max(sampled.max(), peak.max())))


def _valid_cost(steps: Any) -> np.ndarray:
    """Costs as floats; a non-finite or non-positive cost (e.g. an overflowed step count) counts as infinite."""
    steps = np.asarray(steps, dtype=float)
    return np.where(np.isfinite(steps) & (steps > 0), steps, np.inf)


def guard_work(work: WorkEstimate, allow_large: bool, description: str) -> None:
    exceeded = work.exceeded()
    if exceeded and not allow_large:
        raise LZSMInputError(
            f"{description or 'sweep'} is too large: {'; '.join(exceeded)}; estimated {work}. "
            "Use a coarser grid or higher drive frequencies, or pass allow_large=True (CLI: --allow-large) to run it"
        )
