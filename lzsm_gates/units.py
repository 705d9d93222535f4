r"""Physical units at the edges of the library, and input validation.

Internally every single-qubit and gate problem is written in units of the
qubit gap :math:`\Delta` (an angular frequency, :math:`\hbar = 1`): energies
and angular frequencies are multiples of :math:`\Delta` and times are
multiples of :math:`1/\Delta`.  A :class:`Device` carries the gap in physical
units (the transition frequency :math:`f_q = \Delta / 2\pi` in Hz) and
converts in both directions:

.. math::

    \omega_\mathrm{internal} = \frac{2\pi f}{\Delta} = \frac{f}{f_q}, \qquad
    t_\mathrm{internal} = \Delta\, t = 2\pi f_q\, t .

Amplitudes follow the same rule as frequencies: a drive amplitude
``A = 2 * Delta`` in internal units is a drive of :math:`A/2\pi = 2 f_q`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "LZSMError",
    "LZSMInputError",
    "ConvergenceError",
    "LZSMWarning",
    "Device",
    "DEFAULT_DEVICE",
    "check_positive",
    "check_finite",
    "check_in_range",
    "check_integer",
    "check_choice",
    "check_interval",
]


class LZSMError(Exception):
    """Root of every exception the package raises on purpose.

    ``except LZSMError`` catches all of them; each concrete class also derives
    from the matching built-in (``ValueError``, ``RuntimeError``), so code that
    catches those keeps working.
    """


class LZSMInputError(LZSMError, ValueError):
    """A parameter is outside its allowed range (the message names both)."""


class ConvergenceError(LZSMError, RuntimeError):
    """A numerical solver or root search did not converge."""


class LZSMWarning(UserWarning):
    """Root of the package's warning categories (filter them all with ``warnings.simplefilter(..., LZSMWarning)``)."""


def check_finite(name: str, value: Any) -> np.ndarray:
    """Return ``value`` as a float array, raising if any entry is NaN or inf.

    Parameters
    ----------
    name : str
        Parameter name used in the error message.
    value : array_like
        Real numbers.

    Raises
    ------
    LZSMInputError
        If ``value`` is empty, complex, or contains NaN or inf.
    """
    arr = np.asarray(value)
    if np.iscomplexobj(arr):
        raise LZSMInputError(f"{name} must be real, got complex values")
    arr = arr.astype(float)
    if arr.size == 0:
        raise LZSMInputError(f"{name} is empty: give at least one value")
    if not np.all(np.isfinite(arr)):
        raise LZSMInputError(f"{name} must be finite (no NaN or inf), got {value!r}")
    return arr


def check_positive(name: str, value: Any, *, allow_zero: bool = False) -> np.ndarray:
    """Validate that ``value`` is finite and > 0 (or >= 0 with ``allow_zero``).

    Returns the value as a float array (0-d for scalars).
    """
    arr = check_finite(name, value)
    bad = arr < 0 if allow_zero else arr <= 0
    if np.any(bad):
        rng = "[0, inf)" if allow_zero else "(0, inf)"
        raise LZSMInputError(f"{name} must lie in {rng}, got {value!r}")
    return arr


def check_in_range(name: str, value: Any, low: float, high: float) -> np.ndarray:
    """Validate that every entry of ``value`` lies in the closed interval [low, high]."""
    arr = check_finite(name, value)
    if np.any(arr < low) or np.any(arr > high):
        raise LZSMInputError(f"{name} must lie in [{low}, {high}], got {value!r}")
    return arr


_GAP_HZ_RANGE = (1e3, 1e12)  # 1 kHz .. 1 THz
_DT_NS_RANGE = (1e-6, 1e3)
_MAX_GAP_MULTIPLE = 1e4  # drive amplitudes and frequencies, in units of the gap


@dataclass(frozen=True)
class Device:
    r"""A small-gap qubit (or a pair of them) in physical units.

    Parameters
    ----------
    gap_hz : float
        Qubit transition frequency :math:`f_q = \Delta/2\pi` in Hz (the
        internal energy unit), in [1 kHz, 1 THz].  Small-gap qubits: tens of MHz.
    name : str
        Label used in reports.
    max_amplitude : float
        Largest drive amplitude the control line delivers, in units of
        :math:`\Delta` (design searches respect it); this and the frequency
        bounds lie in (0, 1e4].
    max_frequency : float
        Largest drive frequency, in units of :math:`\Delta`.
    min_frequency : float
        Smallest drive frequency, in units of :math:`\Delta`.
    dt_ns : float
        AWG sample time in ns (used by sample and schedule exports), in [1e-6, 1e3].
    """

    gap_hz: float = 20e6
    name: str = "fluxonium-20MHz"
    max_amplitude: float = 8.0
    max_frequency: float = 8.0
    min_frequency: float = 0.5
    dt_ns: float = 0.1

    def __post_init__(self) -> None:
        # positive and physically sensible, so that every conversion stays finite and non-zero
        check_in_range("gap_hz", self.gap_hz, *_GAP_HZ_RANGE)
        for name in ("max_amplitude", "max_frequency", "min_frequency"):
            check_positive(name, getattr(self, name))
            check_in_range(name, getattr(self, name), 0.0, _MAX_GAP_MULTIPLE)
        check_in_range("dt_ns", self.dt_ns, *_DT_NS_RANGE)
        check_positive("dt_ns", self.dt_ns)
        if self.min_frequency >= self.max_frequency:
            raise LZSMInputError(
                f"min_frequency ({self.min_frequency}) must be below max_frequency ({self.max_frequency})"
            )

    @classmethod
    def from_gap(cls, gap: float, unit: str = "MHz", **kwargs: Any) -> "Device":
        """Build a device from its gap frequency :math:`\\Delta/2\\pi` in ``unit`` (Hz, kHz, MHz, GHz)."""
        return cls(gap_hz=float(check_positive("gap", gap)) * _FREQ_UNITS[_unit_key(unit)], **kwargs)

    @property
    def gap_angular(self) -> float:
        r""":math:`\Delta` in rad/s."""
        return 2 * np.pi * self.gap_hz

    def time_to_ns(self, t: Any) -> Any:
        """Convert internal times (units of 1/Delta) to ns."""
        return np.asarray(t) / self.gap_angular * 1e9

    def time_from_ns(self, t_ns: Any) -> Any:
        """Convert times in ns to internal units (1/Delta)."""
        return np.asarray(t_ns) * 1e-9 * self.gap_angular

    def frequency_to_hz(self, w: Any) -> Any:
        r"""Convert an internal angular frequency or amplitude (units of Delta) to Hz (divides by :math:`2\pi`)."""
        return np.asarray(w) * self.gap_hz

    def frequency_from_hz(self, f_hz: Any) -> Any:
        """Convert a frequency (or amplitude/2pi) in Hz to internal units of Delta."""
        return np.asarray(f_hz) / self.gap_hz

    @property
    def dt(self) -> float:
        """AWG sample time in internal units."""
        return float(self.time_from_ns(self.dt_ns))


_FREQ_UNITS = {"hz": 1.0, "khz": 1e3, "mhz": 1e6, "ghz": 1e9}


def _unit_key(unit: str) -> str:
    key = unit.strip().lower()
    if key not in _FREQ_UNITS:
        raise LZSMInputError(f"unit must be one of Hz, kHz, MHz, GHz, got {unit!r}")
    return key


DEFAULT_DEVICE = Device()
"""Default device: a 20 MHz small-gap qubit (heavy-fluxonium scale), 0.1 ns AWG samples."""


# ---------------------------------------------------------------------------
# Shared argument checks (one implementation for every module)
# ---------------------------------------------------------------------------


def check_integer(name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int``, raising unless it is an integer in ``[minimum, maximum]``.

    Python and NumPy integers are accepted, and so are real scalars with an
    integral value (``3.0``); booleans, non-integral or non-finite numbers,
    strings and arrays are refused.

    Parameters
    ----------
    name : str
        Parameter name used in the error message.
    value : int
        The value to check.
    minimum, maximum : int, optional
        Inclusive bounds (``None``: unbounded on that side).

    Raises
    ------
    LZSMInputError
        If ``value`` is not an integer in the range; the message names the
        parameter and the range.
    """
    low = "-inf" if minimum is None else str(minimum)
    high = "inf)" if maximum is None else f"{maximum}]"
    bracket = "(" if minimum is None else "["
    message = f"{name} must be an integer in {bracket}{low}, {high}, got {value!r}"
    if isinstance(value, (bool, np.bool_)) or np.ndim(value) != 0:
        raise LZSMInputError(message)
    if isinstance(value, (int, np.integer)):
        out = int(value)
    elif isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        out = int(value)
    else:
        raise LZSMInputError(message)
    if (minimum is not None and out < minimum) or (maximum is not None and out > maximum):
        raise LZSMInputError(message)
    return out


def check_choice(name: str, value: Any, choices: tuple[Any, ...]) -> Any:
    """Return ``value``, raising unless it is one of ``choices`` (the message lists them).

    Raises
    ------
    LZSMInputError
        If ``value`` is not in ``choices``.
    """
    if np.ndim(value) != 0 or isinstance(value, (bool, np.bool_)) or value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise LZSMInputError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def check_interval(name: str, value: Any) -> tuple[float, float]:
    """Return ``value`` as ``(low, high)`` floats, raising unless ``0 < low < high < inf``.

    Raises
    ------
    LZSMInputError
        If ``value`` is not a pair of finite positive numbers in increasing order.
    """
    arr = check_positive(name, value)
    if arr.shape != (2,) or not arr[0] < arr[1]:
        raise LZSMInputError(f"{name} must be (low, high) with 0 < low < high, got {value!r}")
    return float(arr[0]), float(arr[1])
