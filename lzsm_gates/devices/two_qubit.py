r"""The multi-level :math:`\sqrt{\mathrm{bSWAP}}`: two coupled fluxoniums driven through their coupler.

Driven model, in units of qubit 1's dressed gap :math:`\Delta_1 = E_{10} - E_{00}`:

.. math::

    H(t) = \sum_k \frac{E_k - \bar E}{\Delta_1}|k\rangle\langle k|
           + A\sin(\omega t)\,\frac{V}{|V_{00,11}|},
    \qquad \bar E = \tfrac14(E_{00} + E_{01} + E_{10} + E_{11}),

with :math:`V` the coupler operator in the dressed eigenbasis, its phases
fixed so that :math:`V_{00,11} > 0` and :math:`V_{01,10} > 0`.  On the
computational levels :math:`\{00, 01, 10, 11\}` (in this order) and without
static coupling it is the two-level problem of the gates paper Sec. IV,
:math:`-\tfrac{\Delta_1}{2}\sigma_{z1} - \tfrac{\Delta_2}{2}\sigma_{z2} +
A\sin(\omega t)\sigma_{x1}\sigma_{x2}`.

:func:`design_bswap_multilevel` takes the two-level design
(:func:`lzsm_gates.entanglers.design_bswap`), evaluates it in the N-level model
(subspace error with leakage counted as loss, and leakage out of the four
computational levels) and refines :math:`(A, \omega, t_1, t_2)` by
Nelder-Mead on that total error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from ..entanglers import bswap_target, design_bswap
from ..models import DrivenModel
from ..pulses import LZSMPulse
from ..units import Device, LZSMInputError
from .leakage import leakage, subspace_gate_error
from .spectrum import MultilevelSpectrum
from ..version import Provenance

__all__ = ["COMPUTATIONAL_LABELS", "two_qubit_model", "BSwapMultilevel", "design_bswap_multilevel"]

COMPUTATIONAL_LABELS = ("00", "01", "10", "11")


def two_qubit_model(spectrum: MultilevelSpectrum, levels: int | None = None) -> tuple[DrivenModel, tuple[int, ...]]:
    """The N-level driven-coupler model (module docstring) and the indices of ``00, 01, 10, 11`` in it.

    Raises
    ------
    LZSMInputError
        If a computational level is not among the kept levels.
    """
    spec = spectrum if levels is None else spectrum.truncated(levels)
    idx = tuple(spec.index(label) for label in COMPUTATIONAL_LABELS)
    v = np.array(spec.operators[spec.drive], dtype=complex)
    phases = np.ones(spec.levels, dtype=complex)
    for a, b in ((idx[0], idx[3]), (idx[1], idx[2])):
        if abs(v[a, b]) == 0:
            raise LZSMInputError(f"the coupler does not connect levels {spec.labels[a]} and {spec.labels[b]}")
        phases[b] = np.conj(v[a, b]) / abs(v[a, b])
    v = phases.conj()[:, None] * v * phases[None, :]
    e = spec.energies
    gap1 = e[idx[2]] - e[idx[0]]
    static = np.diag((e - np.mean(e[list(idx)])) / gap1).astype(complex)
    return DrivenModel(static, v / abs(v[idx[0], idx[3]]), "sin", labels=spec.labels), idx


@dataclass(frozen=True)
class BSwapMultilevel(Provenance):
    r""":math:`\sqrt{\mathrm{bSWAP}}` on a multi-level two-qubit device.

    Attributes
    ----------
    two_level_pulse, pulse : LZSMPulse
        The two-level design's pulse, and the N-level refined one (units of :math:`\Delta_1`).
    two_level_error, error : float
        Their total (subspace) errors in the N-level model.
    two_level_leakage, leakage : float
        Their leakage out of the computational levels.
    gap2 : float
        :math:`\Delta_2/\Delta_1` (dressed).
    levels : int
    device : Device
    """

    two_level_pulse: LZSMPulse
    pulse: LZSMPulse
    two_level_error: float
    error: float
    two_level_leakage: float
    leakage: float
    gap2: float
    levels: int
    device: Device


def design_bswap_multilevel(
    spectrum: MultilevelSpectrum, levels: int | None = None, *, device: Device | None = None, maxiter: int = 400
) -> BSwapMultilevel:
    r"""Two-level :math:`\sqrt{\mathrm{bSWAP}}` design, its N-level error and leakage, and its N-level refinement."""
    model, idx = two_qubit_model(spectrum, levels)
    e = spectrum.energies
    gap1 = e[idx[2]] - e[idx[0]]
    gap2 = float((e[idx[1]] - e[idx[0]]) / gap1)
    dev = device or Device(gap_hz=float(gap1) * 1e9, name=spectrum.name)
    start = design_bswap(dev, gap2=gap2).pulse
    target = bswap_target()

    def scores(p: LZSMPulse) -> tuple[float, float]:
        u = p.propagator(model)
        return float(subspace_gate_error(u, target, idx)), float(leakage(u, idx))

    def total(x: np.ndarray) -> float:
        if x[1] < dev.min_frequency or x[1] > dev.max_frequency or x[2] < 0 or x[3] < 0 or abs(x[0]) > dev.max_amplitude:
            return 1.0
        return scores(LZSMPulse(*x))[0]

    x0 = np.array([start.amplitude, start.frequency, start.idle_before, start.idle_after])
    res = minimize(total, x0, method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-13, "maxiter": int(maxiter)})
    err0, leak0 = scores(start)
    best = LZSMPulse(*res.x) if res.fun < err0 else start
    err, leak = scores(best)
    return BSwapMultilevel(start, best, err0, err, leak0, leak, gap2, model.dim, dev)
