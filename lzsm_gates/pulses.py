r"""One-period sinusoidal LZSM pulses with idle and virtual-Z segments.

A gate is the sequence

.. math::

    V = R_z(\phi_\mathrm{after})\, e^{-iH_0 t_2}\, U(T)\, e^{-iH_0 t_1}\, R_z(\phi_\mathrm{before}),

an idle of length :math:`t_1`, one drive period :math:`A f(\omega t)` of
length :math:`T = 2\pi/\omega`, an idle :math:`t_2`, and optional virtual-Z
frame changes (zero duration, McKay et al. 2017) with
:math:`R_z(\phi) = e^{-i\phi\sigma_z/2}`.  For the single qubit
:math:`e^{-iH_0 t} = e^{+i\Delta t\sigma_z/2} = R_z(-\Delta t)`.

All quantities are in internal units (see :mod:`lzsm_gates.units`);
:meth:`LZSMPulse.to_physical` converts for an AWG.
"""

from __future__ import annotations

from collections.abc import ItemsView, KeysView
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from .models import _WAVEFORMS, DrivenModel, Waveform
from .operators import PAULI_Z
from .propagate import period_propagator, static_propagator
from .units import Device, LZSMInputError, check_finite, check_positive

if TYPE_CHECKING:
    from qiskit_dynamics import Signal

__all__ = ["LZSMPulse", "PhysicalPulse", "rz"]


class _FloatFields:
    """A dataclass of floats read as a mapping: ``x["name"]``, ``keys()``, ``items()``, ``dict(x)``, ``to_dict()``."""

    def __getitem__(self, key: str) -> float:
        if key not in self.__dataclass_fields__:  # type: ignore[attr-defined]
            raise KeyError(key)
        return getattr(self, key)

    def keys(self) -> KeysView[str]:
        return self.to_dict().keys()

    def items(self) -> ItemsView[str, float]:
        return self.to_dict().items()

    def to_dict(self) -> dict[str, float]:
        """Plain dictionary (JSON-serialisable)."""
        return {k: float(getattr(self, k)) for k in self.__dataclass_fields__}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PhysicalPulse(_FloatFields):
    r"""AWG parameters of a pulse in physical units.

    Attributes
    ----------
    amplitude_mhz : float
        :math:`A/2\pi` in MHz.
    frequency_mhz : float
        :math:`\omega/2\pi` in MHz.
    period_ns : float
        One drive period :math:`T`.
    idle_before_ns, idle_after_ns : float
        Idle (free-evolution) times before and after the period (not relaxation times).
    duration_ns : float
        Total duration with the idles.
    vz_before_rad, vz_after_rad : float
        Virtual-Z frame phases (for a design: those replacing the idles).
    duration_virtual_z_ns : float
        Duration when the idles are replaced by virtual-Z phases (one period).

    Fields can also be read as ``phys["duration_ns"]`` (and ``keys()``, ``items()``, ``dict(phys)``).
    """

    amplitude_mhz: float
    frequency_mhz: float
    period_ns: float
    idle_before_ns: float
    idle_after_ns: float
    duration_ns: float
    vz_before_rad: float
    vz_after_rad: float
    duration_virtual_z_ns: float



def rz(phi: float | np.ndarray) -> np.ndarray:
    r""":math:`R_z(\phi) = e^{-i\phi\sigma_z/2}`, batched over ``phi``."""
    return static_propagator(0.5 * PAULI_Z, phi)


@dataclass(frozen=True)
class LZSMPulse:
    r"""One drive period framed by idles (and, for one qubit, virtual-Z phases).

    Parameters
    ----------
    amplitude : float
        Drive amplitude :math:`A` (units of :math:`\Delta`).
    frequency : float
        Drive angular frequency :math:`\omega > 0` (units of :math:`\Delta`).
    idle_before, idle_after : float
        Idle times :math:`t_1, t_2 \ge 0` (units of :math:`1/\Delta`).
    vz_before, vz_after : float
        Virtual-Z frame phases (rad), zero duration.
    """

    amplitude: float
    frequency: float
    idle_before: float = 0.0
    idle_after: float = 0.0
    vz_before: float = 0.0
    vz_after: float = 0.0

    def __post_init__(self) -> None:
        check_finite("amplitude", self.amplitude)
        check_positive("frequency", self.frequency)
        check_positive("idle_before", self.idle_before, allow_zero=True)
        check_positive("idle_after", self.idle_after, allow_zero=True)
        check_finite("vz_before", self.vz_before)
        check_finite("vz_after", self.vz_after)

    @property
    def period(self) -> float:
        r"""Drive period :math:`T = 2\pi/\omega`."""
        return 2 * np.pi / self.frequency

    @property
    def duration(self) -> float:
        """Total duration :math:`t_1 + T + t_2`."""
        return self.idle_before + self.period + self.idle_after

    @property
    def has_virtual_z(self) -> bool:
        """True if a virtual-Z phase is set."""
        return self.vz_before != 0.0 or self.vz_after != 0.0

    def signal(self, model: DrivenModel) -> Signal:
        """The whole pulse (idles included) as a real baseband qiskit-dynamics :class:`~qiskit_dynamics.Signal`."""
        return model.signal(self.amplitude, self.frequency, start=self.idle_before)

    def times(self, dt: float) -> np.ndarray:
        """Midpoints :math:`(k + 1/2)\\,dt` of the AWG samples covering the pulse."""
        n = int(np.ceil(self.duration / float(check_positive("dt", dt)) - 1e-9))
        return (np.arange(n) + 0.5) * dt

    def samples(self, model: DrivenModel, dt: float) -> np.ndarray:
        """Drive samples of the continuous pulse at the midpoints of ``dt``-long intervals (see :meth:`times`).

        The drive starts at ``idle_before`` exactly, between grid points; the
        AWG form (held midpoint samples) is :meth:`sample_blocks`.
        """
        return np.asarray(self.signal(model)(self.times(dt)), dtype=float)

    def _drive_samples(self, step: float) -> tuple[int, int]:
        """First drive sample (the one holding the drive start ``t1``) and the end of the drive block (exclusive)."""
        first = int(np.floor(self.idle_before / step))
        end = max(int(np.ceil((self.idle_before + self.period) / step)), first + 1)
        return first, end

    def num_samples(self, dt: float) -> int:
        """Length of the pulse on an AWG grid of step ``dt``.

        ``round(duration / dt)`` samples, or more where the drive period would
        not fit (its last sample ends at most one sample after the period).
        """
        step = float(check_positive("dt", dt))
        return max(int(round(self.duration / step)), self._drive_samples(step)[1])

    def sampling_leftover(self, dt: float) -> float:
        r"""Free evolution :math:`\epsilon = N\,dt - (t_1 + T + t_2)` that :meth:`num_samples` adds at the end.

        :math:`|\epsilon| \le dt/2` (unless the period needs one more sample); a
        pulse program undoes it with a frame change, like any idle interval.
        """
        return self.num_samples(dt) * float(dt) - self.duration

    def sample_blocks(self, dt: float, waveform: Waveform = "sin") -> tuple[int, np.ndarray, int]:
        r"""The pulse on an AWG grid: idle samples, drive samples, idle samples.

        The drive keeps its exact timing, between grid points: sample
        :math:`k` (covering :math:`[k\,dt, (k+1)\,dt)`) holds the drive at its
        midpoint :math:`t_k = (k + 1/2)\,dt`,

        .. math::

            s_k = A f\big(\omega (t_k - t_1)\big) \quad (t_1 \le t_k \le t_1 + T), \qquad s_k = 0 \text{ otherwise},

        over the samples that overlap the period :math:`[t_1, t_1 + T]`; the
        idle samples before and after fill the pulse to :meth:`num_samples`.
        No timing edge moves, so the only timing error is the leftover
        :meth:`sampling_leftover` at the end (free evolution, removed by a
        frame change); the midpoint rule makes the sampling error of the drive
        :math:`O((\Delta dt)^4)` in the gate error.

        Parameters
        ----------
        dt : float
            Sample time (internal units), > 0.
        waveform : {"sin", "cos"}
            :math:`f` (``"sin"`` for the gate models).

        Returns
        -------
        (n_before, drive, n_after) : (int, ndarray, int)
            Idle samples before, drive samples (units of :math:`\Delta`),
            idle samples after.
        """
        step = float(check_positive("dt", dt))
        if waveform not in _WAVEFORMS:
            raise LZSMInputError(f"waveform must be one of {sorted(_WAVEFORMS)}, got {waveform!r}")
        first, end = self._drive_samples(step)
        tau = (np.arange(first, end) + 0.5) * step - self.idle_before  # time since the drive started
        inside = (tau >= 0.0) & (tau <= self.period)
        drive = np.where(inside, self.amplitude * _WAVEFORMS[waveform](self.frequency * tau), 0.0)
        return first, drive, self.num_samples(step) - end

    def propagator(self, model: DrivenModel, period_unitary: np.ndarray | None = None) -> np.ndarray:
        """Exact unitary of the whole pulse (Magnus one-period propagator plus analytic idles and frames).

        ``period_unitary`` reuses an already computed :math:`U(T)` of this drive.
        """
        u_period = period_propagator(model, self.amplitude, self.frequency) if period_unitary is None else period_unitary
        return self._framed(model, u_period)

    def _framed(self, model: DrivenModel, u_period: np.ndarray) -> np.ndarray:
        """Put the drive-period unitary between the idles and the virtual-Z frames."""
        u = static_propagator(model.static, self.idle_after) @ u_period @ static_propagator(model.static, self.idle_before)
        if self.has_virtual_z:
            if model.dim != 2:
                raise LZSMInputError("virtual-Z phases are defined for single-qubit pulses (dim 2) only")
            u = rz(self.vz_after) @ u @ rz(self.vz_before)
        return u

    def simulate(self, model: DrivenModel, *, rtol: float = 1e-12, atol: float = 1e-12) -> np.ndarray:
        """Unitary of the pulse from an adaptive qiskit-dynamics solve of its :class:`Signal` (independent route).

        The drive period is solved piecewise on its own interval (the idles
        have no drive), virtual-Z phases are applied as frame changes.
        """
        solver = model.solver()
        y0 = np.eye(model.dim, dtype=complex)
        res = solver.solve(
            t_span=[self.idle_before, self.idle_before + self.period],
            y0=y0,
            signals=[self.signal(model)],
            method="DOP853",
            rtol=rtol,
            atol=atol,
        )
        return self._framed(model, np.asarray(res.y[-1]))

    def to_physical(self, device: Device) -> PhysicalPulse:
        """AWG parameters in physical units (:class:`PhysicalPulse`)."""
        return PhysicalPulse(
            amplitude_mhz=float(device.frequency_to_hz(self.amplitude)) / 1e6,
            frequency_mhz=float(device.frequency_to_hz(self.frequency)) / 1e6,
            period_ns=float(device.time_to_ns(self.period)),
            idle_before_ns=float(device.time_to_ns(self.idle_before)),
            idle_after_ns=float(device.time_to_ns(self.idle_after)),
            duration_ns=float(device.time_to_ns(self.duration)),
            vz_before_rad=float(self.vz_before),
            vz_after_rad=float(self.vz_after),
            duration_virtual_z_ns=float(device.time_to_ns(self.period)),
        )

    def to_dict(self) -> dict[str, float]:
        """Plain dictionary of the internal-unit parameters (JSON round trip with ``LZSMPulse(**d)``)."""
        return {k: float(v) for k, v in asdict(self).items()}
