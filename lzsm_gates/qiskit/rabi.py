r"""LZSM gates beside conventional resonant Rabi gates on the same qubit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..baths import Bath
from ..metrics import average_gate_fidelity, gate_error
from ..models import PAULI_X, PAULI_Z, DrivenModel
from ..noise import gate_channel, periodic_channel
from ..propagate import evolve
from ..targets import resolve_target
from ..units import DEFAULT_DEVICE, Device, LZSMInputError, check_positive
from .gates import LZSMGate
from .target import LZSMGateSet, design_gate_set

__all__ = ["RabiGate", "rabi_gate", "compare_with_rabi"]


@dataclass(frozen=True)
class RabiGate:
    r"""A resonant square Rabi pulse :math:`A\cos(\Delta t)\sigma_x` over :math:`n` Larmor periods.

    Attributes
    ----------
    target : str
    angle : float
        RWA rotation angle :math:`\theta = A t` about :math:`x`.
    amplitude : float
        :math:`A` (units of :math:`\Delta`).
    periods : int
        :math:`n`; duration :math:`t = 2\pi n/\Delta`.
    duration : float
        Internal units.
    exact_error : float
        Exact gate error against the target.
    """

    target: str
    angle: float
    amplitude: float
    periods: int
    duration: float
    exact_error: float



def _rabi_model() -> DrivenModel:
    """The qubit under a resonant cosine drive (the ``parity`` shortcut needs the cos drive)."""
    return DrivenModel(-0.5 * PAULI_Z, PAULI_X, "cos", labels=("0", "1"), parity=PAULI_Z)



def rabi_gate(target: str, periods: int) -> RabiGate:
    r"""Conventional resonant Rabi gate on the same qubit, propagated exactly.

    In the frame rotating at :math:`\Delta`, the drive
    :math:`A\cos(\Delta t)\sigma_x = \tfrac{A}{2}(e^{i\Delta t} + e^{-i\Delta t})\sigma_x`
    has a co-rotating half of strength :math:`A/2`, i.e. (RWA) the
    Hamiltonian :math:`\tfrac{A}{2}\sigma_x` and a rotation
    :math:`R_x(\theta)` with :math:`\theta = A t`.  With :math:`t = 2\pi n/\Delta`
    (whole Larmor periods, so the lab and rotating frames coincide up to a
    sign) the amplitude is :math:`A = \theta\Delta/(2\pi n)`.  The
    counter-rotating half (Bloch-Siegert shift and micromotion, relative size
    :math:`A/\Delta`) makes the exact gate deviate; the exact propagator comes
    from :func:`lzsm_gates.propagate.evolve`.

    Parameters
    ----------
    target : {"x", "sx"}
        :math:`\theta = \pi` or :math:`\pi/2`.
    periods : int
        Number of Larmor periods :math:`n \ge 1`.
    """
    angles = {"x": np.pi, "sx": np.pi / 2}
    key = str(target).lower()
    if key not in angles:
        raise LZSMInputError(f"Rabi comparison supports targets 'x' and 'sx', got {target!r}")
    n = int(check_positive("periods", periods))
    theta = angles[key]
    amplitude = theta / (2 * np.pi * n)
    u = evolve(_rabi_model(), amplitude, 1.0, [float(n)])[0]
    err = float(gate_error(resolve_target(key).matrix, u))
    return RabiGate(key, theta, amplitude, n, 2 * np.pi * n, err)



def compare_with_rabi(
    device: Device = DEFAULT_DEVICE,
    targets: Sequence[str] = ("x", "sx"),
    periods: Sequence[int] = (1, 2, 4, 8, 16, 32),
    gate_set: LZSMGateSet | None = None,
    noise: Bath | None = None,
) -> list[dict[str, Any]]:
    """Duration and error of LZSM designs versus resonant Rabi gates on the same qubit.

    Parameters
    ----------
    device : Device
    targets : sequence of {"x", "sx"}
    periods : sequence of int
        Rabi gate lengths in Larmor periods.
    gate_set : LZSMGateSet, optional
    noise : Bath, optional
        Also report the open-system error: the LZSM pulse through
        :func:`~lzsm_gates.noise.gate_channel`, the Rabi pulse through the
        same Floquet-Born-Markov channel over its ``n`` drive periods
        (:func:`~lzsm_gates.noise.periodic_channel`, :math:`\omega = \Delta`).

    Returns
    -------
    list of dict
        One row per gate: ``target``, ``kind`` (``"lzsm"`` or ``"rabi"``),
        ``amplitude`` (units of :math:`\Delta`), ``periods`` (Rabi only),
        ``duration_ns``, ``exact_error``, and ``noisy_error`` (:math:`1 - F_\mathrm{avg}`
        of the channel; NaN without ``noise``).  Plotting:
        :func:`lzsm_gates.plotting.plot_rabi_comparison`.
    """
    gs = gate_set or design_gate_set(device)
    nan = float("nan")
    rows: list[dict[str, Any]] = []
    for t in targets:
        rabi = [rabi_gate(t, n) for n in periods]  # validates the target first
        lz: LZSMGate = gs.gates[t.lower()]
        target = resolve_target(t).matrix
        noisy = nan if noise is None else 1.0 - float(average_gate_fidelity(gate_channel(lz.design.pulse, noise), target))
        rows.append({"target": t.lower(), "kind": "lzsm", "amplitude": lz.design.pulse.amplitude, "periods": None,
                     "duration_ns": lz.duration_s * 1e9, "exact_error": lz.error, "noisy_error": noisy})
        for r in rabi:
            if noise is not None:
                channel = periodic_channel(_rabi_model(), r.amplitude, 1.0, noise, periods=r.periods)
                noisy = 1.0 - float(average_gate_fidelity(channel, target))
            rows.append({"target": r.target, "kind": "rabi", "amplitude": r.amplitude, "periods": r.periods,
                         "duration_ns": float(device.time_to_ns(r.duration)), "exact_error": r.exact_error,
                         "noisy_error": noisy})
    return rows
