r"""LZSM gates beside conventional resonant Rabi gates on the same qubit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np

from ..baths import Bath
from ..metrics import average_gate_fidelity, gate_error
from ..models import DrivenModel
from ..operators import PAULI_X, PAULI_Z
from ..noise import gate_channel, periodic_channel
from ..propagate import evolve
from ..targets import resolve_target
from ..units import DEFAULT_DEVICE, Device, LZSMInputError, check_choice, check_integer
from .gates import LZSMGate
from .target import LZSMGateSet, design_gate_set
from ..version import Provenance

__all__ = ["RabiGate", "rabi_gate", "RabiComparisonRow", "RabiComparison", "compare_with_rabi"]


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
    n = check_integer("periods", periods, minimum=1)
    theta = angles[key]
    amplitude = theta / (2 * np.pi * n)
    u = evolve(_rabi_model(), amplitude, 1.0, [float(n)])[0]
    err = float(gate_error(resolve_target(key).matrix, u))
    return RabiGate(key, theta, amplitude, n, 2 * np.pi * n, err)



@dataclass(frozen=True)
class RabiComparisonRow:
    r"""One gate of a :class:`RabiComparison`.

    Attributes
    ----------
    target : str
        ``"x"`` or ``"sx"``.
    kind : {"lzsm", "rabi"}
        The designed LZSM pulse or a resonant Rabi pulse.
    amplitude : float
        Drive amplitude :math:`A` (units of :math:`\Delta`).
    periods : int or None
        Rabi pulse length in Larmor periods (``None`` for the LZSM gate).
    duration_ns : float
        Gate duration in ns.
    exact_error : float
        Closed-system gate error :math:`1 - F` against the target.
    noisy_error : float
        Open-system error :math:`1 - F_\mathrm{avg}` of the gate's channel;
        NaN when the comparison was made without noise.
    """

    target: str
    kind: Literal["lzsm", "rabi"]
    amplitude: float
    periods: int | None
    duration_ns: float
    exact_error: float
    noisy_error: float


@dataclass(frozen=True)
class RabiComparison(Provenance):
    r"""LZSM designs beside resonant Rabi gates on the same qubit (from :func:`compare_with_rabi`).

    Attributes
    ----------
    device : Device
        The qubit both kinds of gate run on.
    noise : Bath or None
        The bath of the open-system errors (``None``: closed system only).
    rows : tuple of RabiComparisonRow
        Per target: the LZSM gate first, then the Rabi gates by increasing length.
    """

    device: Device
    noise: Bath | None
    rows: tuple[RabiComparisonRow, ...]

    @property
    def targets(self) -> tuple[str, ...]:
        """The compared targets, in input order."""
        return tuple(dict.fromkeys(r.target for r in self.rows))

    def lzsm(self, target: str) -> RabiComparisonRow:
        """The LZSM row of ``target``."""
        return next(r for r in self.select(target, "lzsm"))

    def rabi(self, target: str) -> tuple[RabiComparisonRow, ...]:
        """The Rabi rows of ``target``, shortest first."""
        return tuple(sorted(self.select(target, "rabi"), key=lambda r: r.duration_ns))

    def select(self, target: str | None = None, kind: str | None = None) -> tuple[RabiComparisonRow, ...]:
        """Rows of one target and/or kind (``None``: any).

        Raises
        ------
        LZSMInputError
            If ``target`` is not among :attr:`targets` or ``kind`` is not ``"lzsm"``/``"rabi"``.
        """
        if target is not None:
            check_choice("target", str(target).lower(), self.targets)
        if kind is not None:
            check_choice("kind", kind, ("lzsm", "rabi"))
        return tuple(
            r for r in self.rows
            if (target is None or r.target == str(target).lower()) and (kind is None or r.kind == kind)
        )

    def table(self) -> str:
        """Plain-text table, one line per gate: target, kind, Rabi periods, amplitude, duration, errors."""
        lines = [f"{'target':>6} {'kind':>5} {'periods':>7} {'A/Delta':>9} {'T ns':>9} {'exact err':>9} {'noisy err':>9}"]
        for r in self.rows:
            periods = "-" if r.periods is None else str(r.periods)
            lines.append(
                f"{r.target:>6} {r.kind:>5} {periods:>7} {r.amplitude:>9.4f} {r.duration_ns:>9.2f} "
                f"{r.exact_error:>9.1e} {r.noisy_error:>9.1e}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        noise = "closed system" if self.noise is None else "with noise"
        return f"RabiComparison({self.device.name}, targets={self.targets}, {len(self.rows)} rows, {noise})"


def compare_with_rabi(
    device: Device = DEFAULT_DEVICE,
    targets: Sequence[str] = ("x", "sx"),
    periods: Sequence[int] = (1, 2, 4, 8, 16, 32),
    gate_set: LZSMGateSet | None = None,
    noise: Bath | None = None,
) -> RabiComparison:
    r"""Duration and error of LZSM designs versus resonant Rabi gates on the same qubit.

    Parameters
    ----------
    device : Device
    targets : sequence of {"x", "sx"}
    periods : sequence of int
        Rabi gate lengths in Larmor periods.
    gate_set : LZSMGateSet, optional
        Designed gates (default :func:`~lzsm_gates.qiskit.design_gate_set` of ``device``).
    noise : Bath, optional
        Also report the open-system error: the LZSM pulse through
        :func:`~lzsm_gates.noise.gate_channel`, the Rabi pulse through the
        same Floquet-Born-Markov channel over its ``n`` drive periods
        (:func:`~lzsm_gates.noise.periodic_channel`, :math:`\omega = \Delta`).

    Returns
    -------
    RabiComparison
        One :class:`RabiComparisonRow` per gate; ``table()`` prints them,
        :func:`lzsm_gates.plotting.plot_rabi_comparison` draws them.
    """
    gs = gate_set or design_gate_set(device)
    nan = float("nan")
    rows: list[RabiComparisonRow] = []
    for t in targets:
        rabi = [rabi_gate(t, n) for n in periods]  # validates the target first
        lz: LZSMGate = gs.gates[t.lower()]
        target = resolve_target(t).matrix
        noisy = nan if noise is None else 1.0 - float(average_gate_fidelity(gate_channel(lz.design.pulse, noise), target))
        rows.append(RabiComparisonRow(t.lower(), "lzsm", lz.design.pulse.amplitude, None, lz.duration_s * 1e9, lz.error, noisy))
        for r in rabi:
            if noise is not None:
                channel = periodic_channel(_rabi_model(), r.amplitude, 1.0, noise, periods=r.periods)
                noisy = 1.0 - float(average_gate_fidelity(channel, target))
            rows.append(
                RabiComparisonRow(r.target, "rabi", r.amplitude, r.periods, float(device.time_to_ns(r.duration)), r.exact_error, noisy)
            )
    return RabiComparison(device, noise, tuple(rows))
