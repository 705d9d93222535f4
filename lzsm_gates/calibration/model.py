r"""The device model that calibration fits: one qubit, its true gap, its line transfer and its readout.

A pulse :math:`(A, \omega, t_1, t_2)` asked for on the nominal device is played
on a qubit of true gap :math:`g\Delta` with the amplitude the line delivers,

.. math::

    A_\mathrm{true} = s\,[1 - \kappa\,((\omega/\omega_\mathrm{ref})^2 - 1)]\,A,

(the transfer scale :math:`s` at the reference frequency and the curvature
:math:`\kappa` of a low-pass line, :math:`\kappa \approx (\omega_\mathrm{ref}/\omega_c)^2/2`),
in a slot of length :math:`L` whose rest after the pulse is idle time tracked
by the controller at the *nominal* gap.  In the controller's frame the slot is

.. math::

    V = e^{+i(g-1)\tau\sigma_z/2}\; e^{+ig t_2\sigma_z/2}\,U_g(A_\mathrm{true}, \omega)\,e^{+ig t_1\sigma_z/2},

with :math:`\tau = L - t_1 - T - t_2` and the exact one-period propagator
:math:`U_g` at gap :math:`g`.  A delay :math:`\tau` (frame-tracked idle) is
:math:`e^{+i(g-1)\tau\sigma_z/2}`, a virtual Z its exact :math:`R_z`.  A
measured setting (a *sequence* of these operations from :math:`|0\rangle`)
records 1 with probability

.. math::

    p = p_{10} + (1 - p_{10} - p_{01})\,|\langle 1|\psi\rangle|^2 .

This is the structure of :class:`~lzsm_gates.qiskit.device.VirtualDevice`
without its timing skew: the skew's frame phase is, like every common
:math:`R_z` conjugation of a gate, invisible to experiments that start in
:math:`|0\rangle` and measure :math:`\sigma_z` (a gauge), so it cannot be
calibrated from one gate alone and is not modelled.  Parameters are the vector
``theta = (g, s, kappa, p10, p01)`` (:data:`PARAMETERS`).

**A coupler** (``coupler=True``).  Started in :math:`|00\rangle`, a pulse
:math:`A\sin(\omega t)\,\sigma_x\sigma_x` on a coupled pair stays in the
{00, 11} block, a qubit of gap :math:`\Delta_1 + \Delta_2` driven with
amplitude :math:`A` (:mod:`lzsm_gates.entanglers`).  Halving the Hamiltonian
and doubling time maps it onto the model above with gap
:math:`g = (\Delta_1 + \Delta_2)/2`, amplitude :math:`A/2`, frequency
:math:`\omega/2` and times doubled (``time_scale`` 2); each qubit's frame is
tracked at the nominal gap, so the block's frame too, and a virtual Z on the
first qubit is the block's :math:`R_z`.  Its readout is the first qubit's
(:math:`|11\rangle` reads 1 there), ``s`` the coupler line's transfer.  The
{01, 10} block (gap :math:`\Delta_1 - \Delta_2`) is not seen from
:math:`|00\rangle`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, Union

import numpy as np

from ..models import qubit_model
from ..propagate import period_propagator
from ..pulses import LZSMPulse
from ..units import LZSMInputError

__all__ = ["PARAMETERS", "Pulse", "Delay", "VirtualZ", "Operation", "SlotModel", "nominal_parameters"]

#: Names of the model parameters, in the order of the vector ``theta``.
PARAMETERS = ("gap", "scale", "kappa", "p10", "p01")


@dataclass(frozen=True)
class Pulse:
    """An ``lzsm_pulse`` played in its slot (internal units of the nominal device)."""

    pulse: LZSMPulse


@dataclass(frozen=True)
class Delay:
    """A frame-tracked idle of ``duration`` (internal units)."""

    duration: float


@dataclass(frozen=True)
class VirtualZ:
    r"""An exact frame change :math:`R_z(\phi)`."""

    angle: float


Operation = Union[Pulse, Delay, VirtualZ]


def nominal_parameters() -> np.ndarray:
    """``theta`` of the nominal device: gap 1, scale 1, flat line, perfect readout."""
    return np.array([1.0, 1.0, 0.0, 0.0, 0.0])


def _z(angle: float) -> np.ndarray:
    r""":math:`e^{+i\,\mathrm{angle}\,\sigma_z/2}` (an idle of phase ``angle``)."""
    return np.diag(np.exp([0.5j * angle, -0.5j * angle]))


@dataclass(frozen=True)
class SlotModel:
    r"""How a backend plays pulses: the slot length and the reference frequency of the line model.

    Parameters
    ----------
    slot : float
        Slot length :math:`L` of ``lzsm_pulse`` (internal units).
    reference_frequency : float
        :math:`\omega_\mathrm{ref}` at which ``scale`` is defined (the design frequency).
    coupler : bool
        The {00, 11} block of a coupler in its scaled units (module docstring); ``slot`` and
        ``reference_frequency`` are then in those units too.
    """

    slot: float
    reference_frequency: float
    coupler: bool = False

    @property
    def time_scale(self) -> float:
        """Model time per time of the nominal device: 2 for a coupler's block, else 1."""
        return 2.0 if self.coupler else 1.0

    def played(self, pulse: LZSMPulse) -> LZSMPulse:
        """The pulse the backend plays (units of the nominal device) for a model ``pulse``."""
        k = self.time_scale
        return LZSMPulse(pulse.amplitude * k, pulse.frequency * k, pulse.idle_before / k, pulse.idle_after / k)

    def __post_init__(self) -> None:
        if not (np.isfinite(self.slot) and self.slot > 0 and np.isfinite(self.reference_frequency) and self.reference_frequency > 0):
            raise LZSMInputError(f"slot and reference_frequency must be finite and > 0, got {self.slot}, {self.reference_frequency}")

    def true_amplitude(self, pulse: LZSMPulse, theta: np.ndarray) -> float:
        """Amplitude the line delivers for ``pulse`` under ``theta``."""
        line = 1.0 - theta[2] * ((pulse.frequency / self.reference_frequency) ** 2 - 1.0)
        return float(pulse.amplitude * theta[1] * line)

    def pulse_unitaries(self, pulses: Sequence[LZSMPulse], theta: np.ndarray) -> list[np.ndarray]:
        """Slot unitaries (controller frame, module docstring) of ``pulses`` under ``theta``, one batched propagation."""
        if not pulses:
            return []
        g = float(theta[0])
        if not 0.5 < g < 1.5:
            raise LZSMInputError(f"model gap must lie in (0.5, 1.5) (units of the nominal gap), got {g}")
        amps = np.array([self.true_amplitude(p, theta) for p in pulses])
        freqs = np.array([p.frequency for p in pulses])
        periods = period_propagator(qubit_model(g), amps, freqs)
        out = []
        for p, u in zip(pulses, periods):
            rest = self.slot - p.duration
            if rest < -1e-9:
                raise LZSMInputError(f"pulse of duration {p.duration:.6g} does not fit the slot {self.slot:.6g}")
            out.append(_z((g - 1.0) * rest + g * p.idle_after) @ u @ _z(g * p.idle_before))
        return out

    def slot_unitary(self, pulse: LZSMPulse, theta: np.ndarray) -> np.ndarray:
        """Unitary of one pulse in its slot under ``theta``."""
        return self.pulse_unitaries([pulse], theta)[0]

    def excited_probabilities(self, sequences: Sequence[Sequence[Operation]], theta: np.ndarray) -> np.ndarray:
        r"""Ideal :math:`|\langle 1|\psi\rangle|^2` after each sequence (no readout error)."""
        pulses = sorted({op.pulse for seq in sequences for op in seq if isinstance(op, Pulse)}, key=lambda p: tuple(p.to_dict().values()))
        unitaries = dict(zip(pulses, self.pulse_unitaries(pulses, theta)))
        g = float(theta[0])
        out = np.empty(len(sequences))
        for i, seq in enumerate(sequences):
            psi = np.array([1.0, 0.0], dtype=complex)
            for op in seq:
                if isinstance(op, Pulse):
                    psi = unitaries[op.pulse] @ psi
                elif isinstance(op, Delay):
                    psi = _z((g - 1.0) * op.duration) @ psi
                else:
                    psi = _z(-op.angle) @ psi
            out[i] = abs(psi[1]) ** 2
        return out

    def probabilities(self, sequences: Sequence[Sequence[Operation]], theta: np.ndarray) -> np.ndarray:
        """Probability to *record* 1 after each sequence (readout errors included)."""
        p10, p01 = theta[3], theta[4]
        return p10 + (1.0 - p10 - p01) * self.excited_probabilities(sequences, theta)
