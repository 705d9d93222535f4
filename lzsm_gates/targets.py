r"""Gate targets: names, Qiskit gates and matrices resolved to SU(d), and the idle-time solution.

A one-period propagator has the form :math:`U = [[a, -b], [b, a^*]]` with
real :math:`b` (docs: Physics, Sec. 1), a target :math:`V \in SU(2)` is reached
as :math:`V \simeq R(t_2)\, U\, R(t_1)` with idles
:math:`R(t) = \mathrm{diag}(e^{i\Delta t/2}, e^{-i\Delta t/2})` iff
:math:`|b| = |V_{10}|`, and then, matching
:math:`e^{i\Delta(t_1+t_2)/2} a = \pm V_{00}` and
:math:`e^{i\Delta(t_1-t_2)/2} b = \pm V_{10}`,

.. math::

    \Delta t_1 = \arg V_{00} - \arg a + \arg V_{10} - \arg b, \qquad
    \Delta t_2 = \arg V_{00} - \arg a - \arg V_{10} + \arg b \pmod{2\pi}.

Shifting an idle by one Larmor period :math:`2\pi/\Delta` only flips the
global sign, so both idles lie in :math:`[0, 2\pi/\Delta)`.  A virtual-Z
frame :math:`R_z(\phi) = e^{-i\phi\sigma_z/2}` equals :math:`R(t = -\phi/\Delta)`,
so the same solution gives the virtual-Z phases :math:`\phi = -\Delta t`.
When :math:`a = 0` (:math:`P = 1`) only :math:`t_1 - t_2` is fixed and when
:math:`b = 0` only :math:`t_1 + t_2`: the free combination is chosen to make
the total idle shortest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from qiskit.circuit import Gate
from qiskit.circuit.library import UGate, get_standard_gate_name_mapping
from qiskit.quantum_info import Operator

from .metrics import check_unitary
from .units import LZSMInputError, check_finite, check_positive

__all__ = ["GateTarget", "Target", "resolve_target", "to_special_unitary", "idle_solution", "SINGLE_QUBIT_NAMES"]

SINGLE_QUBIT_NAMES = ("x", "y", "z", "h", "sx", "sxdg", "s", "sdg", "t", "tdg", "id")
_ALIASES = {"i": "id", "identity": "id"}
_ZERO_TOL = 1e-12
# a phase this close below 2 pi is a round-off of 0 (the idle would otherwise be a whole Larmor period)
_WRAP_TOL = 1e-9


@dataclass(frozen=True)
class GateTarget:
    """A named target unitary (``matrix`` normalised to SU(d)).

    (Named ``GateTarget`` to avoid confusion with :class:`qiskit.transpiler.Target`;
    ``Target`` remains as an alias.)
    """

    name: str
    matrix: np.ndarray

    @property
    def probability(self) -> float:
        r"""Transition probability :math:`|V_{10}|^2` the pulse must provide (single qubit)."""
        return float(abs(self.matrix[1, 0]) ** 2)

    @property
    def transition_amplitude(self) -> float:
        r"""Modulus :math:`|V_{10}| = \sin(\theta/2)` of the single-qubit transition amplitude (no rounding)."""
        return float(abs(self.matrix[1, 0]))

    def __repr__(self) -> str:
        return f"GateTarget({self.name!r}, dim={self.matrix.shape[0]})"


Target = GateTarget
"""Alias of :class:`GateTarget` (kept for existing code)."""


def to_special_unitary(matrix: np.ndarray) -> np.ndarray:
    """Divide a unitary by a d-th root of its determinant (global phase removed up to a d-th root of unity)."""
    m = np.asarray(matrix, dtype=complex)
    return m / np.linalg.det(m) ** (1.0 / m.shape[-1])


def resolve_target(target: Any, *, num_qubits: int = 1) -> GateTarget:
    """Turn a user target into a :class:`GateTarget`.

    Parameters
    ----------
    target : str, qiskit Gate, Operator, array_like or 3-tuple
        A name among :data:`SINGLE_QUBIT_NAMES` (case-insensitive, ``"i"`` for
        identity), a Qiskit :class:`~qiskit.circuit.Gate` or
        :class:`~qiskit.quantum_info.Operator`, a unitary matrix, or the
        angles ``(theta, phi, lambda)`` of Qiskit's :class:`~qiskit.circuit.library.UGate`.
    num_qubits : int
        Expected number of qubits.

    Raises
    ------
    LZSMInputError
        Unknown name, wrong shape, non-unitary matrix or non-finite entries.
    """
    dim = 2**num_qubits
    if isinstance(target, GateTarget):
        name, matrix = target.name, target.matrix
    elif isinstance(target, str):
        key = _ALIASES.get(target.strip().lower(), target.strip().lower())
        if num_qubits != 1 or key not in SINGLE_QUBIT_NAMES:
            raise LZSMInputError(f"target name must be one of {', '.join(SINGLE_QUBIT_NAMES)}, got {target!r}")
        name, matrix = key, Operator(get_standard_gate_name_mapping()[key]).data
    elif isinstance(target, Gate):
        name, matrix = target.name, Operator(target).data
    elif isinstance(target, Operator):
        name, matrix = "operator", target.data
    elif isinstance(target, tuple) and len(target) == 3:
        theta, phi, lam = (float(v) for v in check_finite("U angles (theta, phi, lambda)", target))
        name, matrix = f"u({theta:.6g},{phi:.6g},{lam:.6g})", Operator(UGate(theta, phi, lam)).data
    else:
        name, matrix = "matrix", np.asarray(target)
    matrix = np.asarray(matrix)
    if matrix.shape != (dim, dim):
        raise LZSMInputError(f"target must be a {dim}x{dim} unitary ({num_qubits} qubit(s)), got shape {matrix.shape}")
    return GateTarget(name, to_special_unitary(check_unitary("target", matrix)))


def _phase_mod(phase: np.ndarray) -> np.ndarray:
    """Phase in [0, 2 pi), with phases within round-off of 0 (above it, or below 2 pi) mapped to 0 (not to a full
    Larmor period, nor to an idle of 1e-17)."""
    p = np.mod(phase, 2 * np.pi)
    return np.where((p < _WRAP_TOL) | (2 * np.pi - p < _WRAP_TOL), 0.0, p)


def idle_solution(u: np.ndarray, target: np.ndarray, gap: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    r"""Idle times :math:`(t_1, t_2) \in [0, 2\pi/\Delta)^2` with :math:`R(t_2) U R(t_1) \simeq V` (module docstring).

    Parameters
    ----------
    u : ndarray, shape (..., 2, 2)
        One-period propagators (SU(2), real :math:`U_{10}`).
    target : ndarray, shape (2, 2)
        Target in SU(2).
    gap : float
        :math:`\Delta` of the idle evolution.

    Returns
    -------
    t1, t2 : ndarray
        Only meaningful where :math:`|U_{10}| = |V_{10}|`.
    """
    d = float(check_positive("gap", gap))
    a, b = u[..., 0, 0], u[..., 1, 0]
    v00, v10 = target[0, 0], target[1, 0]
    plus = np.angle(v00) - np.angle(a)  # Delta (t1 + t2) / 2, undefined if a or v00 vanish
    minus = np.angle(v10) - np.angle(b)  # Delta (t1 - t2) / 2, undefined if b or v10 vanish
    no_a = (np.abs(a) < _ZERO_TOL) | (abs(v00) < _ZERO_TOL)
    no_b = (np.abs(b) < _ZERO_TOL) | (abs(v10) < _ZERO_TOL)
    t1 = _phase_mod(plus + minus)
    t2 = _phase_mod(plus - minus)
    # one combination free: put the whole rotation into the shorter of the two single idles
    fixed = np.where(no_a, 2 * minus, 2 * plus)  # the determined sum (b = 0) or difference (a = 0), times 2
    forward = _phase_mod(fixed)
    free = no_a | no_b
    t1 = np.where(free, np.where(forward <= np.pi, forward, 0.0), t1)
    t2 = np.where(free, np.where(forward <= np.pi, 0.0, np.where(no_a, 2 * np.pi - forward, forward)), t2)
    return t1 / d, t2 / d
