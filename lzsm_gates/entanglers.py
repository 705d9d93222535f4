r"""Two-qubit designs on coupled qubits: :math:`\sqrt{\mathrm{bSWAP}}` through the block mapping.

The driven coupling :math:`H_2 = -\tfrac{\Delta_1}{2}\sigma_z^{(1)} - \tfrac{\Delta_2}{2}\sigma_z^{(2)}
+ A\sin(\omega t)\,\sigma_x^{(1)}\sigma_x^{(2)}` splits into the blocks
{00, 11} (gap :math:`\Delta_1+\Delta_2`) and {01, 10} (gap
:math:`\Delta_1-\Delta_2`), each the single-qubit problem of
:mod:`lzsm_gates.design` with its own gap (physics background, Sec. 4).
Amplitudes, frequencies and times are in units of :math:`\Delta_1` (the
device gap); the device bounds apply to them unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import minimize

from .design import Ranking, design_gate
from .design_results import GateDesign
from .metrics import gate_error
from .models import DrivenModel, coupled_qubits_model, qubit_model
from .pulses import LZSMPulse
from .units import DEFAULT_DEVICE, Device, check_positive

__all__ = ["bswap_target", "BSwapDesign", "design_bswap", "bswap_gap_mismatch"]

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
    r"""A :math:`\sqrt{\mathrm{bSWAP}}` pulse on two coupled qubits (gates paper Sec. IV).

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
