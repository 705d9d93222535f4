r"""Approximate one-period propagators of the driven qubit, behind one interface.

Each approximation maps :math:`(A, \omega, \Delta)` to :math:`U(T)` (shape
(..., 2, 2)) for :math:`H = -\tfrac{\Delta}{2}\sigma_z + A\sin(\omega t)\sigma_x`
(docs: Physics, Sec. 2; gates paper Appendix B):

``"chrw"``
    CHRW with the self-consistent :math:`\xi` (:mod:`lzsm_gates.chrw`).
``"chrw-first-order"``
    CHRW with :math:`\xi = \omega/(\omega+\Delta)`.
``"rwa"``
    Plain rotating-wave approximation: only the co-rotating half of the
    linear drive, :math:`H_\mathrm{RWA} = -\tfrac{\Delta}{2}\sigma_z
    + \tfrac{A}{2}[\sin(\omega t)\sigma_x + \cos(\omega t)\sigma_y]`, i.e. the
    circular-drive propagator with :math:`\theta_0 = 0`,
    :math:`\tilde\Delta = \Delta`, :math:`\tilde A = A`.
``"double-rotating"``
    Double-rotating-frame RWA (Deng et al. 2015/2016; paper App. B.1): the
    frame :math:`e^{-i(A/\omega)\cos(\omega t)\sigma_x}` of the full drive
    turns the gap term into
    :math:`-\tfrac{\Delta}{2}[J_0(2A/\omega)\sigma_z + 2J_1(2A/\omega)\cos(\omega t)\sigma_y + \dots]`;
    a second rotation at :math:`\omega` and the RWA keep the co-rotating half
    of the :math:`J_1` term: circular-drive propagator with
    :math:`\theta_0 = A/\omega`, :math:`\tilde\Delta = \Delta J_0(2A/\omega)`,
    :math:`\tilde A = \Delta J_1(2A/\omega)`.
``"magnus"``
    First-order Magnus expansion in the same drive frame (Weiss et al. 2022;
    App. B.2): the period average
    :math:`\bar H = -\tfrac{\Delta}{2}J_0(2A/\omega)\sigma_z`, so
    :math:`U = W_0^\dagger e^{-i\bar H T} W_0`, :math:`W_0 = e^{-i(A/\omega)\sigma_x}`.
    Valid only for :math:`\omega \gg \Delta, A`.

All are cheap closed forms, vectorised over arrays of parameters.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.special import j0, j1

from .chrw import chrw_propagator, circular_drive_propagator
from .units import LZSMInputError, check_finite, check_positive

__all__ = [
    "APPROXIMATIONS",
    "approximate_propagator",
    "rwa_propagator",
    "double_rotating_propagator",
    "magnus_propagator",
]


def _inputs(amplitude, frequency, gap) -> tuple[np.ndarray, np.ndarray, float]:
    a = check_finite("amplitude", amplitude)
    w = check_positive("frequency", frequency)
    a, w = np.broadcast_arrays(a, w)
    return a, w, float(check_positive("gap", gap))


def rwa_propagator(amplitude, frequency, gap: float = 1.0) -> np.ndarray:
    """Plain RWA one-period propagator (see module docstring)."""
    a, w, d = _inputs(amplitude, frequency, gap)
    return circular_drive_propagator(np.zeros_like(w), np.full_like(w, d), a, w)


def double_rotating_propagator(amplitude, frequency, gap: float = 1.0) -> np.ndarray:
    """Double-rotating-frame RWA one-period propagator (see module docstring)."""
    a, w, d = _inputs(amplitude, frequency, gap)
    x = 2 * a / w
    return circular_drive_propagator(a / w, d * j0(x), d * j1(x), w)


def magnus_propagator(amplitude, frequency, gap: float = 1.0) -> np.ndarray:
    r"""First-order Magnus one-period propagator in the drive frame (see module docstring).

    It is the circular-drive form with :math:`\tilde A = 0`: then
    :math:`-[\cos(\delta T/2) - i\sin(\delta T/2)\sigma_z] = e^{i\tilde\Delta T\sigma_z/2}
    = e^{-i\bar H T}`.
    """
    a, w, d = _inputs(amplitude, frequency, gap)
    return circular_drive_propagator(a / w, d * j0(2 * a / w), np.zeros_like(w), w)


APPROXIMATIONS: dict[str, Callable[..., np.ndarray]] = {
    "chrw": lambda a, w, d=1.0: chrw_propagator(a, w, d, "self-consistent"),
    "chrw-first-order": lambda a, w, d=1.0: chrw_propagator(a, w, d, "first-order"),
    "rwa": rwa_propagator,
    "double-rotating": double_rotating_propagator,
    "magnus": magnus_propagator,
}
"""Name -> function ``(amplitude, frequency, gap) -> U(T)`` of every approximation."""


def approximate_propagator(name: str, amplitude, frequency, gap: float = 1.0) -> np.ndarray:
    """One-period propagator of the approximation ``name`` (a key of :data:`APPROXIMATIONS`)."""
    if name not in APPROXIMATIONS:
        raise LZSMInputError(f"approximation must be one of {sorted(APPROXIMATIONS)}, got {name!r}")
    return APPROXIMATIONS[name](amplitude, frequency, gap)
