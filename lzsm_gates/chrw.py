r"""Counter-rotating hybridized rotating-wave (CHRW) theory of one drive period.

For :math:`H(t) = -\tfrac{\Delta}{2}\sigma_z + A\sin(\omega t)\sigma_x`
(Lü & Zheng 2012; Yan, Lu & Zheng 2015; docs: Physics, Sec. 2) the frame
:math:`W(t) = \exp[-i(\xi A/\omega)\cos(\omega t)\sigma_x]` with the lowest
Bessel orders kept and the counter-rotating terms cancelled by

.. math::

    A(1 - \xi) = \Delta J_1(x), \qquad x = 2\xi A/\omega, \qquad \xi > 0,

gives the circularly driven Hamiltonian

.. math::

    H_\mathrm{eff} = -\frac{\tilde\Delta}{2}\sigma_z
        + \frac{\tilde A}{2}\left[\sin(\omega t)\sigma_x + \cos(\omega t)\sigma_y\right],
    \qquad \tilde\Delta = \Delta J_0(x), \quad \tilde A = 2A(1-\xi),

whose one-period propagator, transformed back with
:math:`W_0 = W(0) = e^{-i\theta_0\sigma_x}`, :math:`\theta_0 = \xi A/\omega`, is

.. math::

    U(T) = -W_0^\dagger\left[\cos\frac{\Omega T}{2}
        - i\sin\frac{\Omega T}{2}\,\frac{\delta\sigma_z + \tilde A\sigma_y}{\Omega}\right] W_0,
    \qquad \delta = \omega - \tilde\Delta,\quad \Omega = \sqrt{\delta^2 + \tilde A^2}.

The same closed form (:func:`circular_drive_propagator`) serves the plain RWA
and the double-rotating-frame approximation of
:mod:`lzsm_gates.approximations` with their own :math:`(\theta_0, \tilde\Delta, \tilde A)`.

Root choice. :math:`g(\xi) = A(1-\xi) - \Delta J_1(2\xi A/\omega)` is
positive at :math:`\xi = 0`; for weak drive it has the single root
:math:`\xi \approx \omega/(\omega+\Delta)`.  The root is *not* confined
to :math:`(0, 1)`: once :math:`x > 3.83` (the first zero of :math:`J_1`,
reached for :math:`A \gtrsim 1.9\,\omega`) it moves slightly above 1 and
:math:`\tilde A = 2A(1-\xi)` changes sign.  Restricting to :math:`(0, 1)`
loses the root there and gives errors of order 1 (e.g. at
:math:`(A, \omega) = (4.88, 2.52)\Delta` the root is :math:`\xi = 1.0053`
with :math:`1-F = 2\times10^{-4}`).  Roots can only lie below
:math:`1 + 0.35\Delta/|A|` (the minimum of :math:`J_1` is -0.346), the scan
interval (with the lower edge :math:`1 - 0.582\Delta/|A|`, below which
:math:`g > 0`).  We take the *smallest* root, the first sign change of :math:`g`
from :math:`\xi = 0`, which is the branch continuously connected to the
weak-drive solution, and flag points with no root or several roots in
:attr:`CHRWParameters.unique_root`: there the approximation is not
trustworthy (:func:`chrw_parameters` warns when asked to).

Validity (exact :math:`1 - F` of the one-period propagator, supremum over a
fine amplitude scan :math:`0.02 \le A \le 8\Delta`, 4000 points refined to
:math:`10^{-4}\Delta` around the maximum; the error falls monotonically with
:math:`\omega`, so the supremum sits at the lower frequency edge):
:math:`4.2\times10^{-4}` for :math:`\omega \ge 2.5\Delta` (at
:math:`A = 4.21\Delta`), :math:`1.4\times10^{-4}` for :math:`\omega \ge 3\Delta`,
:math:`5.3\times10^{-5}` for :math:`\omega \ge 3.5\Delta` (at
:math:`A = 5.87\Delta`), :math:`2.4\times10^{-5}` for :math:`\omega \ge 4\Delta`.
(Maxima over a coarse map grid, e.g. :math:`4.0\times10^{-4}` and
:math:`5.1\times10^{-5}`, underestimate these by a few per cent.)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.special import j0, j1

from .units import LZSMWarning, check_finite, check_positive

__all__ = [
    "CHRWParameters",
    "CHRWWarning",
    "chrw_xi",
    "chrw_parameters",
    "circular_drive_propagator",
    "chrw_propagator",
    "chrw_probability",
    "chrw_quasienergies",
    "fold_quasienergies",
]

XiMethod = Literal["self-consistent", "first-order"]
_J1_MAX = 0.5819  # max of J1 (0.58187 at x = 1.841), rounded up
_J1_MIN = -0.3462  # min of J1 (-0.34615 at x = 5.331), rounded down
_XI_SCAN_CAP = 1e6
_POLISH_STEPS = 7


def _xi_equation(xi: np.ndarray, amp: np.ndarray, w: np.ndarray, d: float) -> np.ndarray:
    r""":math:`g(\xi) = |A|(1-\xi) - \Delta J_1(2\xi|A|/\omega)`."""
    return amp * (1 - xi) - d * j1(2 * xi * amp / w)


class CHRWWarning(LZSMWarning):
    """The CHRW approximation is used where it is not trustworthy."""


@dataclass(frozen=True)
class CHRWParameters:
    r"""Effective parameters of the CHRW Hamiltonian (arrays broadcast over the inputs).

    Attributes
    ----------
    xi : ndarray
        :math:`\xi`.
    theta0 : ndarray
        Frame angle :math:`\theta_0 = \xi A/\omega` of :math:`W_0`.
    gap_eff : ndarray
        :math:`\tilde\Delta = \Delta J_0(x)`.
    drive_eff : ndarray
        :math:`\tilde A = 2A(1-\xi)`.
    frequency : ndarray
        :math:`\omega`.
    unique_root : ndarray of bool
        False where the self-consistent equation has no root or several roots.
    """

    xi: np.ndarray
    theta0: np.ndarray
    gap_eff: np.ndarray
    drive_eff: np.ndarray
    frequency: np.ndarray
    unique_root: np.ndarray

    @property
    def detuning(self) -> np.ndarray:
        r""":math:`\delta = \omega - \tilde\Delta`."""
        return self.frequency - self.gap_eff

    @property
    def rabi(self) -> np.ndarray:
        r"""Generalized Rabi frequency :math:`\Omega = \sqrt{\delta^2 + \tilde A^2}`."""
        return np.hypot(self.detuning, self.drive_eff)


def _validated(amplitude, frequency, gap) -> tuple[np.ndarray, np.ndarray, float]:
    a = check_finite("amplitude", amplitude)
    w = check_positive("frequency", frequency)
    d = float(check_positive("gap", gap))
    a, w = np.broadcast_arrays(a, w)
    return a, w, d


def chrw_xi(
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    gap: float = 1.0,
    method: XiMethod = "self-consistent",
) -> tuple[np.ndarray, np.ndarray]:
    r"""The CHRW parameter :math:`\xi` and whether it is the unique root.

    Parameters
    ----------
    amplitude, frequency : array_like
        :math:`A` (any real) and :math:`\omega > 0`, same units as ``gap``.
    gap : float
        :math:`\Delta > 0`.
    method : {"self-consistent", "first-order"}
        Solve :math:`A(1-\xi) = \Delta J_1(2\xi A/\omega)` (smallest root, see
        module docstring), or use :math:`\xi = \omega/(\omega+\Delta)`.

    Returns
    -------
    xi, unique_root : ndarray, ndarray of bool
    """
    a, w, d = _validated(amplitude, frequency, gap)
    first = np.broadcast_to(w / (w + d), a.shape).astype(float)
    small = np.abs(a) < 1e-12 * d
    if method == "first-order":
        return first, np.ones(a.shape, dtype=bool)
    if method != "self-consistent":
        raise ValueError(f"method must be 'self-consistent' or 'first-order', got {method!r}")
    amp = np.maximum(np.abs(a), 1e-12 * d)  # g(xi) depends on |A| only (J1 is odd)
    # g > 0 below 1 - max(J1) Delta/|A| and g < 0 above 1 - min(J1) Delta/|A|: every root lies in between
    lo_edge = np.maximum(0.0, 1.0 - _J1_MAX * d / amp)
    hi_edge = np.minimum(1.0 - _J1_MIN * d / amp, _XI_SCAN_CAP)
    # J1(2 xi A/omega) spans at most ~1.9/omega in its argument there: ~16 scan points per unit
    n_scan = int(min(16 + np.ceil(16 / float(np.min(w))), 4000))
    grid = lo_edge[..., None] + np.linspace(0.0, 1.0, n_scan + 1) * (hi_edge - lo_edge)[..., None]
    g = _xi_equation(grid, amp[..., None], w[..., None], d)
    change = ((g[..., :-1] > 0) & (g[..., 1:] <= 0)) | ((g[..., :-1] < 0) & (g[..., 1:] >= 0))
    n_roots = change.sum(axis=-1)
    first_change = np.argmax(change, axis=-1)[..., None]
    lo = np.take_along_axis(grid, first_change, -1)[..., 0]
    hi = np.take_along_axis(grid, first_change + 1, -1)[..., 0]
    xi = 0.5 * (lo + hi)
    for _ in range(_POLISH_STEPS):  # Newton, falling back to bisection outside the bracket
        x = 2 * xi * amp / w
        gx = amp * (1 - xi) - d * j1(x)
        slope = -amp - d * (2 * amp / w) * (j0(x) - np.where(x > 0, j1(x) / np.where(x > 0, x, 1.0), 0.5))
        positive = gx > 0
        lo = np.where(positive, xi, lo)
        hi = np.where(positive, hi, xi)
        newton = xi - gx / slope
        xi = np.where((newton >= lo) & (newton <= hi), newton, 0.5 * (lo + hi))
    xi = np.where(small, first, xi)
    return xi, (n_roots == 1) | small


def chrw_parameters(
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    gap: float = 1.0,
    method: XiMethod = "self-consistent",
    *,
    warn: bool = False,
) -> CHRWParameters:
    r"""Effective CHRW parameters :math:`(\xi, \theta_0, \tilde\Delta, \tilde A)`.

    With ``warn=True`` a :class:`CHRWWarning` is issued when some points have
    several roots of the self-consistent equation.
    """
    a, w, d = _validated(amplitude, frequency, gap)
    xi, unique = chrw_xi(a, w, d, method)
    if warn and not np.all(unique):
        warnings.warn(
            f"CHRW: the self-consistent equation has no unique root at {np.size(unique) - np.count_nonzero(unique)} "
            "point(s) (strong drive, low frequency): the approximation is not trustworthy there",
            CHRWWarning,
            stacklevel=2,
        )
    x = 2 * xi * a / w
    return CHRWParameters(
        xi=xi,
        theta0=xi * a / w,
        gap_eff=d * j0(x),
        drive_eff=2 * a * (1 - xi),
        frequency=w.astype(float),
        unique_root=unique,
    )


def circular_drive_propagator(
    theta0: np.ndarray, gap_eff: np.ndarray, drive_eff: np.ndarray, frequency: np.ndarray
) -> np.ndarray:
    r"""One-period propagator of a circularly driven qubit seen from the frame :math:`W_0`.

    .. math::

        U = -W_0^\dagger\left[\cos\frac{\Omega T}{2}
            - i \sin\frac{\Omega T}{2}\frac{\delta\sigma_z + \tilde A\sigma_y}{\Omega}\right]W_0,
        \quad W_0 = e^{-i\theta_0\sigma_x}

    Returns
    -------
    ndarray, shape (..., 2, 2)
    """
    theta0, gap_eff, drive_eff, frequency = np.broadcast_arrays(theta0, gap_eff, drive_eff, frequency)
    period = 2 * np.pi / frequency
    delta = frequency - gap_eff
    rabi = np.hypot(delta, drive_eff)
    phase = 0.5 * rabi * period
    c = np.cos(phase)
    s = 0.5 * period * np.sinc(phase / np.pi)  # sin(phase) / rabi, finite at rabi = 0
    nz, ny = s * delta, s * drive_eff
    # inner = c - i (nz sz + ny sy);  W0^dag inner W0 rotates (ny, nz) about x by 2*theta0
    cos2, sin2 = np.cos(2 * theta0), np.sin(2 * theta0)
    my = ny * cos2 + nz * sin2
    mz = nz * cos2 - ny * sin2
    u = np.empty(c.shape + (2, 2), dtype=complex)
    u[..., 0, 0] = -(c - 1j * mz)
    u[..., 1, 1] = -(c + 1j * mz)
    u[..., 0, 1] = my  # -(-i * ny * (-i)) = ny for sy = [[0, -i], [i, 0]]
    u[..., 1, 0] = -my
    return u


def chrw_propagator(
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    gap: float = 1.0,
    method: XiMethod = "self-consistent",
) -> np.ndarray:
    r"""CHRW one-period propagator :math:`U_\mathrm{CHRW}(T)`, shape (..., 2, 2)."""
    p = chrw_parameters(amplitude, frequency, gap, method)
    return circular_drive_propagator(p.theta0, p.gap_eff, p.drive_eff, p.frequency)


def chrw_probability(
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    gap: float = 1.0,
    method: XiMethod = "self-consistent",
) -> np.ndarray:
    r"""Transition probability after one period,

    .. math::

        P = \sin^2\frac{\Omega T}{2}\,\frac{(\delta\sin x + \tilde A\cos x)^2}{\Omega^2},
        \qquad x = 2\theta_0 .
    """
    return np.abs(chrw_propagator(amplitude, frequency, gap, method)[..., 1, 0]) ** 2


def fold_quasienergies(energies: np.ndarray, frequency: np.ndarray | float) -> np.ndarray:
    r"""Fold quasienergies into the first Brillouin zone :math:`(-\omega/2, \omega/2]`."""
    w = np.asarray(frequency)
    return -((-np.asarray(energies) + w / 2) % w - w / 2)


def chrw_quasienergies(
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    gap: float = 1.0,
    method: XiMethod = "self-consistent",
) -> np.ndarray:
    r"""CHRW quasienergies :math:`\varepsilon_\pm = \pm\Omega/2 - \omega/2` folded into :math:`(-\omega/2, \omega/2]`.

    Returns
    -------
    ndarray, shape (..., 2)
        Sorted ascending along the last axis.
    """
    p = chrw_parameters(amplitude, frequency, gap, method)
    half = 0.5 * p.rabi
    eps = np.stack([-half - 0.5 * p.frequency, half - 0.5 * p.frequency], axis=-1)
    return np.sort(fold_quasienergies(eps, p.frequency[..., None]), axis=-1)
