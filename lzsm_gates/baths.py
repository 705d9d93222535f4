r"""Bosonic baths: spectral densities, Bose factors and the noise power spectrum.

A bath couples to the system through :math:`H_{SB} = X \otimes B` (the system
operator :math:`X` is given separately, see :mod:`lzsm_gates.floquet`).  It
is described by its spectral density :math:`J(\omega) \ge 0`, defined for
:math:`\omega \ge 0` and continued as an odd function,
:math:`J(-\omega) = -J(\omega)`, and by its temperature :math:`T` (as an
energy, :math:`k_B T`, :math:`\hbar = k_B = 1`).  The quantity the rates need
is the *noise power spectrum*

.. math::

    g(\omega) = J(\omega)\,[\,n(\omega) + 1\,]
              = \frac{J(\omega)}{1 - e^{-\omega/T}},
    \qquad n(\omega) = \frac{1}{e^{\omega/T} - 1},

the Fourier transform :math:`g(\omega) = \frac{1}{2\pi}\int dt\, e^{i\omega t}
\langle B(t) B(0)\rangle` of the bath correlation function.  Positive
frequencies are *emission* (the system gives the energy :math:`\omega` to the
bath), negative ones *absorption*:

.. math::

    g(\omega) = J(\omega)[n(\omega) + 1], \quad
    g(-\omega) = J(\omega)\, n(\omega) = e^{-\omega/T} g(\omega)
    \qquad (\omega > 0),

which is detailed balance.  At :math:`\omega = 0` the limit
:math:`g(0) = T \lim_{\omega\to 0} J(\omega)/\omega` is used (for the Ohmic
bath, :math:`\kappa T`); it sets the pure-dephasing rates.  At :math:`T = 0`,
:math:`g(\omega) = J(\omega)\Theta(\omega)`.  The symmetrised spectrum
:math:`S(\omega) = g(\omega) + g(-\omega) = J(\omega)\coth(\omega/2T)` enters
the qubit rates of the gates paper (docs: Physics, Sec. 5).

The golden-rule rate of a transition that releases the energy :math:`\omega`
is :math:`2\pi g(\omega)|X_{fi}|^2`.  This :math:`g` is exactly the
``spectra_cb`` of QuTiP's Floquet-Markov solver (:func:`qutip.floquet_tensor`,
:class:`qutip.FMESolver`) used with ``w_th = 0``; equivalently, QuTiP with
``spectra_cb`` :math:`= J(\omega)\Theta(\omega)` and ``w_th`` :math:`= T`
adds the same Bose factors itself (except at :math:`\omega = 0`, where QuTiP's
thermal factor is zero).

Units: the frequency argument, the temperature and the cutoff share the
internal energy unit of the problem (:math:`\Delta` for gates,
:math:`\omega` for the steady-state problems).  For the Ohmic density
:math:`J(\omega) = \kappa\,\omega\, e^{-|\omega|/\omega_c}` (O3L paper,
Sec. II and App. A, where :math:`\kappa` is also written :math:`\gamma`) the
coupling :math:`\kappa` is dimensionless, so :math:`g` and the rates carry
the energy unit.  :func:`thermal_energy` converts kelvin to internal units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.constants import h as PLANCK
from scipy.constants import k as BOLTZMANN
from scipy.integrate import quad_vec

from .units import ConvergenceError, LZSMInputError, check_finite, check_positive

__all__ = [
    "SpectralDensity",
    "OhmicSpectralDensity",
    "Bath",
    "OneOverFNoise",
    "OneOverFSpectralDensity",
    "bose_einstein",
    "thermal_energy",
]

SpectralDensity = Callable[[np.ndarray], np.ndarray]
"""A spectral density :math:`J(\\omega)`: called with an array of frequencies :math:`\\omega \\ge 0`,
returns finite values :math:`\\ge 0` of the same shape."""

# |w| below this (relative to T) uses the w -> 0 limit of J(w) / (1 - exp(-w/T))
_ZERO_FREQUENCY = 1e-9
# relative step of the central differences g'(w), g''(w) in Bath.memory_time
_DIFF_STEP = 1e-3
# absolute/relative tolerance of the principal-value integral of Bath.lamb_shift
_PV_TOL = 1e-9


@dataclass(frozen=True)
class OhmicSpectralDensity:
    r"""Ohmic spectral density with exponential cutoff, :math:`J(\omega) = \kappa\,\omega\,e^{-\omega/\omega_c}`.

    Parameters
    ----------
    coupling : float
        Dimensionless :math:`\kappa \ge 0` (O3L paper: 0.001).
    cutoff : float
        :math:`\omega_c > 0` in internal units (``inf`` for no cutoff).
    """

    coupling: float
    cutoff: float = np.inf

    def __post_init__(self) -> None:
        check_positive("coupling", self.coupling, allow_zero=True)
        if not (isinstance(self.cutoff, (int, float)) and self.cutoff > 0):
            raise LZSMInputError(f"cutoff must lie in (0, inf], got {self.cutoff!r}")

    def __call__(self, frequency: np.ndarray) -> np.ndarray:
        w = np.abs(np.asarray(frequency, dtype=float))
        return self.coupling * w * np.exp(-w / self.cutoff)

    def slope_at_zero(self) -> float:
        r""":math:`\lim_{\omega\to0} J(\omega)/\omega = \kappa`."""
        return float(self.coupling)


@dataclass(frozen=True)
class OneOverFSpectralDensity:
    r"""Spectral density of the high-frequency part of 1/f noise (see :class:`OneOverFNoise`).

    .. math::

        J(\omega) = \frac{2A^2}{\omega}\tanh\frac{\omega}{2T}\,e^{-\omega/\omega_c}
        \quad (\omega \ge \omega_s), \qquad J(\omega) = 0 \quad (\omega < \omega_s),

    so that with a bath at the same temperature :math:`T` the symmetrised
    spectrum is :math:`g(\omega) + g(-\omega) = J\coth(\omega/2T) = 2A^2/|\omega|`
    (times the cutoff factor) above the split frequency :math:`\omega_s`;
    emission and absorption follow detailed balance.

    Parameters
    ----------
    amplitude : float
        :math:`A \ge 0` (internal energy units).
    split_frequency : float
        :math:`\omega_s > 0`; lower frequencies are left to the quasi-static average.
    temperature : float
        :math:`T \ge 0` of the bath (internal units).
    cutoff : float
        High-frequency cutoff :math:`\omega_c \in (0, \infty]`.
    """

    amplitude: float
    split_frequency: float
    temperature: float = 0.0
    cutoff: float = np.inf

    def __post_init__(self) -> None:
        check_positive("amplitude", self.amplitude, allow_zero=True)
        check_positive("split_frequency", self.split_frequency)
        check_positive("temperature", self.temperature, allow_zero=True)
        if not (isinstance(self.cutoff, (int, float)) and self.cutoff > 0):
            raise LZSMInputError(f"cutoff must lie in (0, inf], got {self.cutoff!r}")

    def __call__(self, frequency: np.ndarray) -> np.ndarray:
        w = np.abs(np.asarray(frequency, dtype=float))
        above = w >= self.split_frequency
        safe = np.where(above, w, 1.0)
        thermal = np.tanh(safe / (2 * self.temperature)) if self.temperature > 0 else 1.0
        return np.where(above, 2 * self.amplitude**2 / safe * thermal * np.exp(-safe / self.cutoff), 0.0)

    def slope_at_zero(self) -> float:
        r""":math:`J = 0` below :math:`\omega_s`: no zero-frequency (pure-dephasing) weight."""
        return 0.0


@dataclass(frozen=True)
class OneOverFNoise:
    r"""1/f noise of a Hamiltonian coefficient, split into a quasi-static and a Floquet-Markov part.

    A classical fluctuation :math:`\delta(t)` of the coefficient of a coupling
    operator :math:`X` (e.g. the flux bias, which couples through the drive
    channel :math:`\sigma_x`) with the two-sided power spectrum

    .. math::

        S(f) = \frac{A^2}{|f|} \quad\Longleftrightarrow\quad
        g(\omega) + g(-\omega) = \frac{2A^2}{|\omega|}
        \qquad (\omega_{ir} \le |\omega|),

    (:math:`S(f)\,df = S(\omega)\,d\omega/2\pi`, so :math:`A` is the same in
    :math:`f` or :math:`\omega`; for flux noise :math:`A = |\partial E/\partial\Phi|\,A_\Phi`
    with :math:`A_\Phi` in :math:`\Phi_0` and :math:`E` in internal energy units).
    Frequencies between the infrared cutoff :math:`\omega_{ir}` (about
    :math:`2\pi` over the total measurement time) and the split frequency
    :math:`\omega_s` (about :math:`2\pi` over the gate time) do not change
    during a gate: they are a static offset with Gaussian statistics and
    variance

    .. math::

        \sigma^2 = \int_{\omega_{ir} \le |\omega| \le \omega_s} g(\omega)\, d\omega
                 = 2A^2 \ln\frac{\omega_s}{\omega_{ir}}

    (:attr:`quasi_static_std`), averaged over exactly (:func:`~lzsm_gates.noise.quasi_static_channel`).
    Frequencies above :math:`\omega_s` form the bath :meth:`bath`, which
    enters the Floquet-Markov rates at the transition frequencies of the drive.
    The band between :math:`\omega_s` and the lowest transition frequency
    is neither static nor Markovian; it is neglected (its weight is
    :math:`2A^2\ln(\nu_{min}/\omega_s)`, the same logarithm: choose
    :math:`\omega_s` near the inverse gate time).

    Parameters
    ----------
    amplitude : float
        :math:`A \ge 0` in internal energy units.
    infrared_cutoff, split_frequency : float
        :math:`0 < \omega_{ir} < \omega_s` (internal angular-frequency units).
    temperature : float
        Temperature of the high-frequency bath (detailed balance), :math:`\ge 0`.
    cutoff : float
        High-frequency cutoff of the bath, :math:`(0, \infty]`.
    """

    amplitude: float
    infrared_cutoff: float
    split_frequency: float
    temperature: float = 0.0
    cutoff: float = np.inf

    def __post_init__(self) -> None:
        check_positive("amplitude", self.amplitude, allow_zero=True)
        low = float(check_positive("infrared_cutoff", self.infrared_cutoff))
        if not float(check_positive("split_frequency", self.split_frequency)) > low:
            raise LZSMInputError(
                f"split_frequency must lie in (infrared_cutoff, inf) = ({low:g}, inf), got {self.split_frequency!r}"
            )
        check_positive("temperature", self.temperature, allow_zero=True)

    @property
    def quasi_static_std(self) -> float:
        r"""Standard deviation :math:`\sigma = A\sqrt{2\ln(\omega_s/\omega_{ir})}` of the static offset."""
        return float(self.amplitude * np.sqrt(2 * np.log(self.split_frequency / self.infrared_cutoff)))

    def bath(self) -> "Bath":
        """The high-frequency part as a :class:`Bath` (:class:`OneOverFSpectralDensity`)."""
        density = OneOverFSpectralDensity(self.amplitude, self.split_frequency, self.temperature, self.cutoff)
        return Bath(density, self.temperature)


def bose_einstein(frequency: np.ndarray | float, temperature: float) -> np.ndarray:
    r"""Bose-Einstein occupation :math:`n(\omega) = 1/(e^{\omega/T} - 1)` (``inf`` at :math:`\omega = 0`).

    Parameters
    ----------
    frequency : array_like
        :math:`\omega` (any sign; :math:`n(-\omega) = -1 - n(\omega)`).
    temperature : float
        :math:`T \ge 0`, same units; at :math:`T = 0`, :math:`n = 0` for
        :math:`\omega > 0` and :math:`-1` for :math:`\omega < 0`.
    """
    w = check_finite("frequency", frequency)
    t = float(check_positive("temperature", temperature, allow_zero=True))
    with np.errstate(divide="ignore", over="ignore"):
        if t == 0.0:
            return np.where(w > 0, 0.0, np.where(w < 0, -1.0, np.inf))
        return 1.0 / np.expm1(w / t)


def thermal_energy(kelvin: float, unit_hz: float) -> float:
    r"""Temperature :math:`k_B T` in internal units, for an internal energy unit :math:`h\,f_u`.

    Parameters
    ----------
    kelvin : float
        Temperature in K (>= 0).
    unit_hz : float
        Frequency of the internal energy unit in Hz, e.g. the qubit frequency
        :math:`\Delta/2\pi` (``Device.gap_hz``).
    """
    t = float(check_positive("kelvin", kelvin, allow_zero=True))
    return BOLTZMANN * t / (PLANCK * float(check_positive("unit_hz", unit_hz)))


@dataclass(frozen=True)
class Bath:
    r"""A thermal bosonic bath: spectral density and temperature.

    Parameters
    ----------
    spectral_density : callable
        :math:`J(\omega)` for :math:`\omega \ge 0` (see :data:`SpectralDensity`),
        e.g. :class:`OhmicSpectralDensity`.  It is evaluated at
        :math:`|\omega|`; the odd continuation is implied.  If it has a
        ``slope_at_zero()`` method, it gives :math:`\lim J(\omega)/\omega` for
        :math:`g(0)`; otherwise the limit is taken numerically.
    temperature : float
        :math:`T = k_B T \ge 0` in internal energy units.
    """

    spectral_density: SpectralDensity
    temperature: float = 0.0

    def __post_init__(self) -> None:
        if not callable(self.spectral_density):
            raise LZSMInputError(f"spectral_density must be callable J(omega), got {type(self.spectral_density)}")
        t = check_positive("temperature", self.temperature, allow_zero=True)
        if t.ndim != 0:
            raise LZSMInputError(f"temperature must be a scalar in [0, inf), got {self.temperature!r}")

    @classmethod
    def ohmic(cls, coupling: float, cutoff: float = np.inf, temperature: float = 0.0) -> "Bath":
        r"""Bath with :math:`J(\omega) = \kappa\omega e^{-\omega/\omega_c}` (:class:`OhmicSpectralDensity`)."""
        return cls(OhmicSpectralDensity(coupling, cutoff), temperature)

    def density(self, frequency: np.ndarray | float) -> np.ndarray:
        r"""Odd spectral density :math:`J(\omega) = \mathrm{sign}(\omega) J(|\omega|)`, validated.

        Raises
        ------
        LZSMInputError
            If the user function returns NaN, inf or negative values, or the wrong shape.
        """
        w = np.asarray(frequency, dtype=float)
        j = np.asarray(self.spectral_density(np.abs(w)), dtype=float)
        if j.shape != w.shape:
            raise LZSMInputError(f"spectral_density must return the shape of its input {w.shape}, got {j.shape}")
        if not np.all(np.isfinite(j)):
            raise LZSMInputError("spectral_density returned NaN or inf: J(omega) must be finite and >= 0")
        if np.any(j < 0):
            raise LZSMInputError(f"spectral_density must be >= 0 for omega >= 0, got min {j.min():.3g}")
        return np.sign(w) * j

    def _slope_at_zero(self) -> float:
        slope = getattr(self.spectral_density, "slope_at_zero", None)
        if slope is not None:
            return float(slope())
        eps = _ZERO_FREQUENCY * max(float(self.temperature), 1.0)
        return float(self.density(np.array([eps]))[0] / eps)

    def spectrum(self, frequency: np.ndarray | float) -> np.ndarray:
        r"""Noise power spectrum :math:`g(\omega) = J(\omega)/(1 - e^{-\omega/T})` (see module docstring).

        Parameters
        ----------
        frequency : array_like
            :math:`\omega` in internal units, any sign (emission > 0, absorption < 0).

        Returns
        -------
        ndarray
            :math:`g(\omega) \ge 0`, same shape.
        """
        w = check_finite("frequency", frequency)
        t = float(self.temperature)
        j = self.density(w)
        if t == 0.0:
            return np.where(w > 0, j, 0.0)
        small = np.abs(w) < _ZERO_FREQUENCY * t
        safe = np.where(small, 1.0, w)
        with np.errstate(over="ignore"):
            g = j / -np.expm1(-safe / t)  # J(w) [n(w) + 1]; J(w) and 1 - e^{-w/T} share the sign of w
        return np.where(small, t * self._slope_at_zero(), g) if np.any(small) else g

    def symmetrized_spectrum(self, frequency: np.ndarray | float) -> np.ndarray:
        r""":math:`S(\omega) = g(\omega) + g(-\omega) = J(|\omega|)\coth(|\omega|/2T)`."""
        w = check_finite("frequency", frequency)
        return self.spectrum(w) + self.spectrum(-w)

    def lamb_shift(self, frequency: np.ndarray | float) -> np.ndarray:
        r"""Principal-value part :math:`\Delta(\nu)` of the one-sided transform of the bath correlation.

        With :math:`C(\tau) = \int d\omega\, g(\omega) e^{-i\omega\tau}`,

        .. math::

            \int_0^\infty d\tau\, C(\tau) e^{i\nu\tau} = \pi g(\nu) + i\Delta(\nu), \qquad
            \Delta(\nu) = \mathcal P\!\int d\omega\, \frac{g(\omega)}{\nu - \omega}
                        = \int_0^\infty \frac{g(\nu - s) - g(\nu + s)}{s}\, ds ,

        evaluated (vectorised over ``frequency``) by adaptive quadrature of the
        last, regular form.  It renormalises the system energies (Lamb
        shift); it needs a spectral density that decays at high frequency.

        Raises
        ------
        ConvergenceError
            If the integral does not converge (e.g. an Ohmic bath without cutoff).
        """
        nu = check_finite("frequency", frequency)
        flat = nu.ravel()
        scale = max(float(np.max(np.abs(flat), initial=0.0)), float(self.temperature), 1.0)
        far = self.spectrum(np.array([-1e6, 1e6]) * scale)
        if np.max(far) > _PV_TOL * max(float(np.max(self.spectrum(flat), initial=0.0)), np.finfo(float).tiny):
            raise ConvergenceError(
                "the Lamb shift needs a spectral density that decays at high frequency: g(omega) is still "
                f"{np.max(far):.3g} at |omega| = {1e6 * scale:.3g} (give the Ohmic bath a finite cutoff)"
            )

        def integrand(s: float) -> np.ndarray:
            return (self.spectrum(flat - s) - self.spectrum(flat + s)) / s

        try:
            value, error, info = quad_vec(
                integrand, 0.0, np.inf, epsabs=_PV_TOL * scale, epsrel=_PV_TOL, limit=4000, full_output=True
            )
        except (ValueError, FloatingPointError) as exc:
            raise ConvergenceError(f"the Lamb-shift integral failed: {exc}") from None
        if not (info.success and np.all(np.isfinite(value))):
            raise ConvergenceError(f"the Lamb-shift integral did not converge (error estimate {error:.3g})")
        return np.reshape(value, nu.shape)

    def memory_time(self, frequency: np.ndarray, weight: np.ndarray) -> float:
        r"""Spectral memory time of the bath at the frequencies a system probes.

        .. math::

            \tau_B = \frac{\sum_i w_i\,\big(|g'(\nu_i)| + \sqrt{|g''(\nu_i)|\, g(\nu_i)}\big)}
                         {\sum_i w_i\, g(\nu_i)} .

        Since :math:`\int_0^\infty \tau^n C(\tau) e^{i\nu\tau} d\tau` are the
        :math:`\nu`-derivatives of :math:`\pi g(\nu) + i\Delta(\nu)`,
        :math:`|g'/g|` and :math:`\sqrt{|g''/g|}` are the first and second
        moments of the correlation time of :math:`C(\tau)` resolved at the
        transition frequencies :math:`\nu_i` (weights :math:`w_i`, e.g.
        :math:`|X_{ab,k}|^2`); the second one catches spectral peaks, where
        :math:`g' = 0`.  The Markov approximation replaces the memory
        integral by its :math:`t\to\infty` limit, accurate once the drive has
        been on for times :math:`\gg\tau_B` (e.g. :math:`1/\nu` for an Ohmic
        bath, :math:`1/\gamma` for a Lorentzian line of width :math:`\gamma`).
        Returns 0 for a silent bath.
        """
        nu = check_finite("frequency", frequency).ravel()
        w = check_positive("weight", weight, allow_zero=True).ravel()
        if nu.shape != w.shape:
            raise LZSMInputError(f"frequency and weight must have the same size, got {nu.size} and {w.size}")
        h = _DIFF_STEP * (1.0 + np.abs(nu))
        g, up, down = self.spectrum(nu), self.spectrum(nu + h), self.spectrum(nu - h)
        slope = np.abs(up - down) / (2 * h)
        curvature = np.abs(up - 2 * g + down) / h**2
        total = float(np.sum(w * g))
        return float(np.sum(w * (slope + np.sqrt(curvature * g)))) / total if total > 0 else 0.0
