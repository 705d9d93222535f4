r"""The grid of a parameter sweep: named axes and their flattened, chunked Cartesian product.

An :class:`Axis` is a name, a 1-D array of finite values and a unit label.
The grid of a sweep is the Cartesian product of its axes in the order given,
flattened in C order (last axis fastest), i.e. the order of
``np.meshgrid(*values, indexing="ij")``, and cut into chunks of
``chunk_size`` consecutive points (:class:`Grid`).  Used by the sweep engine
(:mod:`lzsm_gates.sweeps`, which re-exports :class:`Axis`) and its cost
guard (:mod:`lzsm_gates.sweep_cost`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .units import LZSMInputError, check_finite, check_integer

__all__ = ["Axis"]

_MAX_AXIS_VALUES = 10_000_000


@dataclass(frozen=True, eq=False)
class Axis:
    """A named parameter axis of a sweep.

    Parameters
    ----------
    name : str
        Axis name; a Python identifier, since it is passed to the swept
        function as a keyword argument.  It becomes the dataset dimension.
    values : array_like
        Finite real values, 1-D and non-empty.  Stored as a read-only float
        array.
    units : str
        Unit label, stored as the ``units`` attribute of the coordinate.
    scale : {"explicit", "linear", "log"}
        How the values were generated (stored as the ``scale`` attribute,
        e.g. to choose a logarithmic plot axis).

    Raises
    ------
    LZSMInputError
        If the name is not an identifier or the values are empty, not 1-D,
        complex, or not finite.
    """

    name: str
    values: np.ndarray
    units: str = ""
    scale: str = "explicit"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise LZSMInputError(f"axis name must be a Python identifier (a keyword argument name), got {self.name!r}")
        values = check_finite(f"values of axis {self.name!r}", self.values)
        if values.ndim != 1:
            raise LZSMInputError(
                f"values of axis {self.name!r} must be 1-D with at least one entry, got shape {values.shape}"
            )
        values = values.copy()
        values.flags.writeable = False
        object.__setattr__(self, "values", values)
        if not isinstance(self.units, str):
            raise LZSMInputError(f"units of axis {self.name!r} must be a string, got {self.units!r}")
        if self.scale not in ("explicit", "linear", "log"):
            raise LZSMInputError(
                f"scale of axis {self.name!r} must be 'explicit', 'linear' or 'log', got {self.scale!r}"
            )

    @classmethod
    def linear(cls, name: str, start: float, stop: float, num: int, units: str = "") -> Axis:
        """Evenly spaced values from ``start`` to ``stop`` inclusive (``num >= 1`` points)."""
        start_, stop_ = _check_bounds(name, start, stop)
        return cls(name, np.linspace(start_, stop_, _check_num(name, num)), units, "linear")

    @classmethod
    def log(cls, name: str, start: float, stop: float, num: int, units: str = "") -> Axis:
        """Logarithmically spaced values from ``start`` to ``stop`` inclusive; both bounds must be > 0."""
        start_, stop_ = _check_bounds(name, start, stop)
        for label, bound in (("start", start_), ("stop", stop_)):
            if bound <= 0:
                raise LZSMInputError(f"{label} of log axis {name!r} must lie in (0, inf), got {bound!r}")
        return cls(name, np.geomspace(start_, stop_, _check_num(name, num)), units, "log")

    @classmethod
    def explicit(cls, name: str, values: Any, units: str = "") -> Axis:
        """An axis with the given values, in the given order."""
        return cls(name, values, units, "explicit")

    def __len__(self) -> int:
        return self.values.size

    def __repr__(self) -> str:
        return (
            f"Axis({self.name!r}, {self.values.size} values in [{self.values.min():g}, {self.values.max():g}], "
            f"units={self.units!r}, scale={self.scale!r})"
        )


def _check_bounds(name: str, start: float, stop: float) -> tuple[float, float]:
    return float(check_finite(f"start of axis {name!r}", start)), float(check_finite(f"stop of axis {name!r}", stop))


def _check_num(name: str, num: int) -> int:
    return check_integer(f"num of axis {name!r}", num, minimum=1, maximum=_MAX_AXIS_VALUES)


def check_axes(axes: Sequence[Axis]) -> tuple[Axis, ...]:
    if isinstance(axes, Axis):
        axes = (axes,)
    axes = tuple(axes)
    if not axes:
        raise LZSMInputError("axes must hold at least one Axis, got none")
    for axis in axes:
        if not isinstance(axis, Axis):
            raise LZSMInputError(f"axes must be Axis objects, got {type(axis).__name__}")
    names = [axis.name for axis in axes]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise LZSMInputError(f"axis names must be unique, got {duplicated} more than once in {names}")
    return axes


class Grid:
    """The flattened Cartesian grid of the axes and its division into chunks."""

    def __init__(self, axes: tuple[Axis, ...], chunk_size: int) -> None:
        self.axes = axes
        self.shape = tuple(len(axis) for axis in axes)
        self.size = int(np.prod(self.shape))
        self.chunk_size = chunk_size
        self.n_chunks = -(-self.size // chunk_size)

    def bounds(self, index: int) -> tuple[int, int]:
        start = index * self.chunk_size
        return start, min(start + self.chunk_size, self.size)

    def parameters(self, index: int) -> dict[str, np.ndarray]:
        """Axis name -> values at the chunk's points (C order over the grid)."""
        start, stop = self.bounds(index)
        positions = np.unravel_index(np.arange(start, stop), self.shape)
        return {axis.name: axis.values[position] for axis, position in zip(self.axes, positions)}

    def failure_record(self, index: int, error: str) -> dict[str, Any]:
        start, stop = self.bounds(index)
        parameters = {
            name: [float(values.min()), float(values.max())] for name, values in self.parameters(index).items()
        }
        return {
            "chunk": index,
            "start": start,
            "stop": stop,
            "points": stop - start,
            "parameters": parameters,
            "error": error,
        }
