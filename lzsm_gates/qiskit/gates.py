r"""LZSM gates as Qiskit instructions.

Every LZSM gate object's matrix (``to_matrix()``, ``numpy.asarray``) is the
*exact* simulated unitary of its designed pulse, not the ideal target:

* :class:`LZSMGate`: a single-qubit one-period pulse with real idles
  (:func:`~lzsm_gates.design.design_gate`), e.g. the native ``sx`` and ``x``;
* :class:`LZSMEntanglerGate`: a two-qubit coupler pulse, either
  :class:`LZSMSqrtBSwapGate`, :math:`\sqrt{\mathrm{bSWAP}} = e^{-i\pi(XX - YY)/8}`
  with idles (:func:`~lzsm_gates.entanglers.design_bswap`; ideal form :class:`SqrtBSwapGate`),
  or :class:`LZSMXYEntanglerGate`, the idle-free :math:`e^{+i\pi(XY + YX)/8}`
  (:func:`~lzsm_gates.entanglers.design_xy_entangler`; ideal form :class:`XYEntanglerGate`);
* :class:`LZSMUGate`: the arbitrary single-qubit ``u``, one pulse per angle
  triple, designed on first use (:func:`design_u_gate`);
* :class:`LZSMPulseGate`: a raw pulse given by its four parameters (possibly
  Qiskit ``Parameter``\ s), for experiments that scan them; it has no matrix,
  since what it does depends on the hardware it is played on.

Qubit ordering
--------------
:func:`~lzsm_gates.models.coupled_qubits_model` puts qubit 1 on the *left*
tensor factor, Qiskit is little-endian (the first qarg is the *rightmost*
factor).  An ``LZSMEntanglerGate`` on qargs ``(a, b)`` treats ``a`` as the model's
qubit 1, so its Qiskit matrix is :math:`S\,U_\mathrm{model}\,S` with the swap
:math:`S`.  Both ideal entanglers are swap symmetric.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from qiskit.circuit import Gate, Parameter, QuantumCircuit

from ..design import GateDesign, design_gate
from ..entanglers import BSwapDesign, bswap_target, xy_entangler_target
from ..models import qubit_model
from ..pulses import LZSMPulse
from ..units import DEFAULT_DEVICE, ConvergenceError, Device, LZSMInputError, check_finite

__all__ = [
    "SqrtBSwapGate",
    "XYEntanglerGate",
    "LZSMGate",
    "LZSMEntanglerGate",
    "LZSMSqrtBSwapGate",
    "LZSMXYEntanglerGate", "LZSMUGate",
    "LZSMPulseGate",
    "U_GATE_TOLERANCE",
    "design_u_gate",
]


_SWAP = np.eye(4)[[0, 2, 1, 3]]



def _model_to_qiskit(u: np.ndarray) -> np.ndarray:
    """Two-qubit matrix in the model order |q1 q2> -> Qiskit order (first qarg = q1 = rightmost factor)."""
    return _SWAP @ u @ _SWAP



class SqrtBSwapGate(Gate):
    r"""Ideal :math:`\sqrt{\mathrm{bSWAP}} = e^{-i\pi(XX - YY)/8}`.

    Rotation by :math:`\pi/2` in the :math:`\{|00\rangle, |11\rangle\}` block,
    identity on :math:`\{|01\rangle, |10\rangle\}`
    (:func:`~lzsm_gates.entanglers.bswap_target`); swap symmetric, so the same
    matrix in Qiskit's little-endian order.  Defined as
    :math:`R_{XX}(\pi/4) R_{YY}(-\pi/4)` (the two commute).
    """

    def __init__(self, label: str | None = None) -> None:
        super().__init__("sqrt_bswap", 2, [], label=label)

    def _define(self) -> None:
        qc = QuantumCircuit(2, name=self.name)
        qc.rxx(np.pi / 4, 0, 1)
        qc.ryy(-np.pi / 4, 0, 1)
        self.definition = qc

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        return np.asarray(bswap_target(), dtype=dtype or complex)



class XYEntanglerGate(Gate):
    r"""Ideal idle-free entangler :math:`e^{+i\pi(XY + YX)/8}`.

    Rotation :math:`e^{+i\pi\sigma_y/4}` in the :math:`\{|00\rangle, |11\rangle\}`
    block, identity on :math:`\{|01\rangle, |10\rangle\}`
    (:func:`~lzsm_gates.entanglers.xy_entangler_target`); swap symmetric.  Since
    :math:`S_b (XX - YY) S_b^\dagger = XY + YX` (:math:`S` on one qubit), it is defined as
    :math:`S_b\, R_{XX}(-\pi/4) R_{YY}(\pi/4)\, S_b^\dagger`.
    """

    def __init__(self, label: str | None = None) -> None:
        super().__init__("xy_entangler", 2, [], label=label)

    def _define(self) -> None:
        qc = QuantumCircuit(2, name=self.name)
        qc.sdg(1)
        qc.rxx(-np.pi / 4, 0, 1)
        qc.ryy(np.pi / 4, 0, 1)
        qc.s(1)
        self.definition = qc

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        return np.asarray(xy_entangler_target(), dtype=dtype or complex)



class LZSMGate(Gate):
    """A single-qubit LZSM gate whose matrix is the exact unitary of its designed pulse.

    Parameters
    ----------
    design : GateDesign
        A single-qubit design; the real-idle ``design.pulse`` is the one played.
    name : str, optional
        Instruction name (default: the design target's name, e.g. ``"sx"``).
    """

    def __init__(self, design: GateDesign, name: str | None = None) -> None:
        if design.gap != 1.0:
            raise LZSMInputError(f"LZSMGate needs a single-qubit design (gap 1), got gap {design.gap}")
        super().__init__(name or design.target.name, 1, [])
        self.design = design
        self._unitary = design.pulse.propagator(qubit_model())

    @property
    def pulse(self) -> LZSMPulse:
        """The played pulse (``design.pulse``)."""
        return self.design.pulse

    @property
    def duration_s(self) -> float:
        """Duration of the pulse with its idles, in seconds."""
        return float(self.design.device.time_to_ns(self.design.duration)) * 1e-9

    @property
    def error(self) -> float:
        """Exact unitary gate error against the target."""
        return float(self.design.exact_error)

    def _define(self) -> None:
        qc = QuantumCircuit(1, name=self.name)
        qc.unitary(self._unitary, [0])
        self.definition = qc

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        return np.asarray(self._unitary, dtype=dtype or complex)



class LZSMEntanglerGate(Gate):
    r"""A two-qubit entangler on a driven coupler, with the exact unitary of its LZSM pulse (Qiskit order).

    The instruction name is the design's (``design.name``: ``"sqrt_bswap"`` or ``"xy_entangler"``).

    Parameters
    ----------
    design : BSwapDesign
        The coupler pulse (:func:`~lzsm_gates.entanglers.design_bswap` or
        :func:`~lzsm_gates.entanglers.design_xy_entangler`).
    """

    #: The design name a subclass accepts (None: any entangler design).
    design_name: str | None = None

    def __init__(self, design: BSwapDesign) -> None:
        if self.design_name is not None and design.name != self.design_name:
            raise LZSMInputError(f"{type(self).__name__} needs a {self.design_name} design, got {design.name!r}")
        super().__init__(design.name, 2, [])
        self.design = design
        self._unitary = _model_to_qiskit(design.unitary())

    @property
    def pulse(self) -> LZSMPulse:
        """The played coupler pulse (``design.pulse``)."""
        return self.design.pulse

    @property
    def duration_s(self) -> float:
        """Duration of the coupler pulse with its idles, in seconds."""
        return float(self.design.device.time_to_ns(self.design.pulse.duration)) * 1e-9

    @property
    def error(self) -> float:
        """Exact 4x4 gate error against the design's target."""
        return float(self.design.exact_error)

    def _define(self) -> None:
        qc = QuantumCircuit(2, name=self.name)
        qc.unitary(self._unitary, [0, 1])
        self.definition = qc

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        return np.asarray(self._unitary, dtype=dtype or complex)



class LZSMSqrtBSwapGate(LZSMEntanglerGate):
    r"""The :math:`\sqrt{\mathrm{bSWAP}}` entangler (one period plus idles) with the exact unitary of its pulse."""

    design_name = "sqrt_bswap"



class LZSMXYEntanglerGate(LZSMEntanglerGate):
    r"""The idle-free :math:`e^{+i\pi(XY + YX)/8}` entangler (one period, no idle), exact unitary of its pulse."""

    design_name = "xy_entangler"



class LZSMUGate(Gate):
    r"""The target's arbitrary single-qubit instruction ``u``: each bound :math:`U(\theta, \phi, \lambda)` is one LZSM pulse.

    The gates paper's central claim is that any single-qubit gate is one
    period of the drive plus idles; with ``lzsm_target(..., single_qubit="u")``
    Qiskit's transpiler merges every run of single-qubit gates into one
    ``u`` and :func:`play_instruction` designs (once, cached) the pulse of
    each angle triple.  A ``u`` with :math:`\theta \equiv 0 \pmod{2\pi}` is
    diagonal, :math:`R_z(\phi + \lambda)` up to a global phase, and is played
    as a virtual Z.

    Parameters
    ----------
    device : Device
        The device the pulses are designed for.
    """

    def __init__(self, device: Device = DEFAULT_DEVICE) -> None:
        super().__init__("u", 1, [Parameter("theta"), Parameter("phi"), Parameter("lam")])
        self.device = device



class LZSMPulseGate(Gate):
    r"""One LZSM pulse on one qubit: an idle :math:`t_1`, one period of :math:`A\sin(\omega t)\,\sigma_x`, an idle :math:`t_2`.

    Parameters are in internal units (:math:`\Delta` of the nominal device for :math:`A` and
    :math:`\omega`, :math:`1/\Delta` for the idles) and may be Qiskit
    :class:`~qiskit.circuit.Parameter`\ s, bound later (e.g. by a sampler's parameter values), so
    that an experiment scans them through circuits.  The gate has no matrix: a backend plays it
    on its device (:class:`~lzsm_gates.qiskit.backend.LZSMBackend`: on the *true* device, in the
    long slot of its target).

    Parameters
    ----------
    amplitude, frequency, idle_before, idle_after : float or ParameterExpression
    label : str, optional
    """

    def __init__(self, amplitude: Any, frequency: Any, idle_before: Any = 0.0, idle_after: Any = 0.0, label: str | None = None) -> None:
        super().__init__("lzsm_pulse", 1, [amplitude, frequency, idle_before, idle_after], label=label)

    @property
    def pulse(self) -> LZSMPulse:
        """The pulse of the bound parameters.

        Raises
        ------
        LZSMInputError
            Unbound parameters, or values :class:`~lzsm_gates.pulses.LZSMPulse` refuses.
        """
        if self.is_parameterized():
            raise LZSMInputError(f"lzsm_pulse has unbound parameters {[str(p) for p in self.params]}: bind them first")
        return LZSMPulse(*(float(p) for p in self.params))



#: Largest exact error accepted for a designed ``u`` pulse.
U_GATE_TOLERANCE = 1e-10



@lru_cache(maxsize=4096)
def _design_u(device: Device, angles: tuple[float, float, float]) -> LZSMGate:
    result = design_gate(_u_matrix(*angles), device, n_refine=3)
    for design in result.candidates:
        if design.refined and design.exact_error <= U_GATE_TOLERANCE:
            return LZSMGate(design, "u")
    raise ConvergenceError(
        f"no exactly refined LZSM pulse for U{angles} on {device.name} (best exact error "
        f"{min(d.exact_error for d in result.candidates):.2g} > {U_GATE_TOLERANCE:g})"
    )



def design_u_gate(theta: float, phi: float, lam: float, device: Device = DEFAULT_DEVICE) -> LZSMGate:
    r"""The one-pulse LZSM design of Qiskit's :math:`U(\theta, \phi, \lambda)` (cached per device and angles).

    Raises
    ------
    LZSMInputError
        Non-finite angles, or a diagonal :math:`U` (:math:`\theta \equiv 0`), which is a virtual Z, not a pulse.
    ConvergenceError
        If none of the three best proposals refines to an exact error below :data:`U_GATE_TOLERANCE`.
    """
    angles = tuple(float(check_finite(n, v)) for n, v in (("theta", theta), ("phi", phi), ("lam", lam)))
    if _is_diagonal_u(angles[0]):
        raise LZSMInputError(f"U with theta = {theta} is diagonal (a virtual Z), not a pulse")
    return _design_u(device, tuple(round(a, 12) for a in angles))



def _is_diagonal_u(theta: float) -> bool:
    return abs(np.sin(theta / 2)) < 1e-12



def _u_matrix(theta: float, phi: float, lam: float) -> np.ndarray:
    """Qiskit's :class:`UGate` matrix."""
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return np.array([[c, -np.exp(1j * lam) * s], [np.exp(1j * phi) * s, np.exp(1j * (phi + lam)) * c]])
