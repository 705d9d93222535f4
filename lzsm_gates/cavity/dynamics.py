r"""Closed-system exchange dynamics of the cavity model and the maximally-entangled-state threshold.

.. rubric:: Closed-system MES threshold

From :math:`|0\,N_\mathrm{ph}\,1\rangle` the dispersive dynamics is a Rabi
problem in :math:`\{|01\rangle, |10\rangle\}` with level splitting
:math:`\Delta = c(g_1^2 - g_2^2)/\delta` and coupling :math:`J = g_1g_2/\delta`.
The state :math:`\alpha|10\rangle + \beta|01\rangle` has concurrence
:math:`2|\alpha\beta| = 2\sqrt{P(1-P)}` with :math:`P = |\alpha|^2` the
excitation transferred to qubit 1; as :math:`P(t)` starts at 0 and is
continuous, a maximally entangled state is reached iff the largest transfer
:math:`P_\max = 4J^2/(\Delta^2 + 4J^2) \ge 1/2`, i.e. iff
:math:`c(1 - r^2) \le 2r`, :math:`r = g_2/g_1`:

.. math::

    (g_2/g_1)_\mathrm{th} = \frac{1}{1/c + \sqrt{1 + 1/c^2}} .

The threshold is located by root finding on :math:`P_\max(r) - 1/2`, a
smooth function crossing zero with non-zero slope.  A criterion on the peak
concurrence is not sharp: :math:`1 - C_\mathrm{peak} \approx 2(P_\max -
1/2)^2` is quadratic in the distance to the threshold, so "peak concurrence
:math:`\ge 1 - \text{tol}`" moves the threshold by :math:`O(\sqrt{\text{tol}})`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from ..metrics import concurrence, reduced_qubit_state
from ..units import ConvergenceError, check_finite, check_integer, check_interval, check_positive
from .model import CavityParams, Model, _closed_system
from ..version import Provenance

__all__ = [
    "CavityDynamics",
    "cavity_dynamics",
    "max_excitation_transfer",
    "peak_concurrence",
    "mes_threshold",
    "mes_threshold_analytic",
]


@dataclass(frozen=True)
class CavityDynamics(Provenance):
    r"""Closed-system evolution from :math:`|0\,N_\mathrm{ph}\,1\rangle`.

    Attributes
    ----------
    times : ndarray
        Times in units of :math:`1/g_1`.
    concurrence : ndarray
        Concurrence of the reduced two-qubit state.
    transfer : ndarray
        Excitation transferred to qubit 1,
        :math:`P(t) = |\langle 1\,N_\mathrm{ph}\,0|\psi(t)\rangle|^2`.
    """

    times: np.ndarray
    concurrence: np.ndarray
    transfer: np.ndarray

    def __repr__(self) -> str:
        span = f"[{self.times.min():.4g}, {self.times.max():.4g}]" if self.times.size else "[]"
        peak = f", max concurrence {self.concurrence.max():.4g}, max transfer {self.transfer.max():.4g}" if self.times.size else ""
        return f"CavityDynamics({self.times.size} times in {span}{peak})"


def cavity_dynamics(
    params: CavityParams, n_photons: int, times: np.ndarray, *, model: Model = "full"
) -> CavityDynamics:
    r"""Evolve the closed system from the paper's initial state (Fig. 1c, d).

    Exact evolution :math:`\psi(t) = V e^{-iEt} V^\dagger\psi_0` from the
    eigendecomposition of the full Hamiltonian (Eq. 1, Fock cutoff
    :math:`N_\mathrm{ph} + 2`, exact) or of the dispersive one (Eq. 3).

    Parameters
    ----------
    params : CavityParams
        Uses ``g2``, ``omega``, ``epsilon``.
    n_photons : int
        :math:`N_\mathrm{ph}`.
    times : array_like
        Times in units of :math:`1/g_1`.
    model : {"full", "dispersive"}

    Returns
    -------
    CavityDynamics
    """
    t = check_finite("times", times).reshape(-1)
    h, i01, i10, n = _closed_system(params, n_photons, model)
    energies, vecs = np.linalg.eigh(h)
    coeff = vecs.conj().T[:, i01]
    psi = (np.exp(-1j * np.outer(t, energies)) * coeff) @ vecs.T
    rho_q = psi if model == "dispersive" else reduced_qubit_state(psi, n, pure=True)
    return CavityDynamics(
        times=t, concurrence=concurrence(rho_q, pure=model == "dispersive"), transfer=np.abs(psi[:, i10]) ** 2
    )


def _transfer_components(h: np.ndarray, i_from: int, i_to: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Distinct eigenvalues :math:`E` and amplitudes :math:`\langle\mathrm{to}|\Pi_E|\mathrm{from}\rangle`."""
    energies, vecs = np.linalg.eigh(h)
    amps = vecs[i_to, :] * vecs[i_from, :].conj()
    # merge (numerically) degenerate eigenvalues: only the projector onto the eigenspace is defined
    tol = 1e-10 * max(1.0, np.abs(energies).max())
    group = np.concatenate([[0], np.cumsum(np.diff(energies) > tol)])
    return np.bincount(group, weights=energies) / np.bincount(group), (
        np.bincount(group, weights=amps.real) + 1j * np.bincount(group, weights=amps.imag)
    )


def max_excitation_transfer(params: CavityParams, n_photons: int, *, model: Model = "full") -> float:
    r"""Largest excitation transfer :math:`\sup_t P(t)` from qubit 2 to qubit 1.

    With :math:`P(t) = |\langle 1N0|e^{-iHt}|0N1\rangle|^2 = |\sum_E c_E
    e^{-iEt}|^2`, :math:`c_E = \langle 1N0|\Pi_E|0N1\rangle` (:math:`\Pi_E`
    the eigenprojectors),

    .. math::

        \sup_{t} P(t) = \Big(\sum_E |c_E|\Big)^2 ,

    reached (arbitrarily closely) when the eigenfrequencies are rationally
    independent (Kronecker), the generic case.  For the dispersive model
    (two eigenvalues) it is the Rabi amplitude :math:`4J^2/(\Delta^2 + 4J^2)`,
    reached at half the exchange period.  For the full model the photon-like
    dressed states add fast :math:`O((g/\delta)^2)` components.

    Parameters
    ----------
    params : CavityParams
        Uses ``g2``, ``omega``, ``epsilon``.
    n_photons : int
        :math:`N_\mathrm{ph}`.
    model : {"full", "dispersive"}

    Returns
    -------
    float
        :math:`\sup_t P(t) \in [0, 1]`.
    """
    h, i01, i10, _ = _closed_system(params, n_photons, model)
    _, amps = _transfer_components(h, i01, i10)
    return float(min(np.abs(amps).sum() ** 2, 1.0))


def peak_concurrence(
    params: CavityParams,
    n_photons: int,
    *,
    model: Model = "full",
    samples_per_period: int = 24,
    n_min: int = 4001,
) -> float:
    r"""Peak concurrence over one slow exchange period (paper Fig. 1a).

    The window is one period :math:`2\pi/\Omega` of the slow qubit-qubit
    exchange, :math:`\Omega` the splitting of the two eigenstates that carry
    most of the transfer amplitude; the grid resolves the fastest frequency
    in the dynamics with ``samples_per_period`` points (and has at least
    ``n_min`` points).  The grid maximum approaches the true maximum from
    below with a relative error :math:`O(1/n^2)`.

    Parameters
    ----------
    params : CavityParams
        Uses ``g2``, ``omega``, ``epsilon``.
    n_photons : int
        :math:`N_\mathrm{ph}`.
    model : {"full", "dispersive"}
    samples_per_period : int
        Grid points per period of the fastest frequency (>= 4).
    n_min : int
        Smallest number of grid points (>= 3).

    Returns
    -------
    float
        :math:`\max_t C(t)`, 1 (up to grid resolution) above the MES threshold.
    """
    samples_per_period = check_integer("samples_per_period", samples_per_period, minimum=4)
    n_min = check_integer("n_min", n_min, minimum=3)
    h, i01, i10, _ = _closed_system(params, n_photons, model)
    energies, amps = _transfer_components(h, i01, i10)
    weights = np.abs(amps)
    top = np.argsort(weights)[-2:]
    omega_slow = abs(energies[top[1]] - energies[top[0]])
    support = energies[weights > 1e-12 * weights.max()]
    omega_fast = support.max() - support.min()
    t_max = 2 * np.pi / omega_slow
    n = max(n_min, int(np.ceil(t_max * omega_fast / (2 * np.pi) * samples_per_period)) + 1)
    return float(cavity_dynamics(params, n_photons, np.linspace(0.0, t_max, n), model=model).concurrence.max())


def mes_threshold_analytic(n_photons: int | np.ndarray) -> np.ndarray:
    r"""Analytic MES threshold :math:`(g_2/g_1)_\mathrm{th} = 1/(1/c + \sqrt{1 + 1/c^2})`, :math:`c = 2N_\mathrm{ph} + 1`.

    Equivalently the positive root of :math:`c r^2 + 2r - c = 0`.
    Accepts arrays (any real :math:`N_\mathrm{ph} \ge 0`).
    """
    n = check_positive("n_photons", n_photons, allow_zero=True)
    c = 2 * n + 1
    return 1.0 / (1.0 / c + np.sqrt(1.0 + 1.0 / c**2))


def mes_threshold(
    n_photons: int,
    *,
    model: Model = "full",
    params: CavityParams | None = None,
    bracket: tuple[float, float] = (0.05, 1.0),
    xtol: float = 1e-13,
) -> float:
    r"""Numerical MES threshold: the :math:`g_2/g_1` where :math:`\sup_t P(t) = 1/2`.

    Root of :func:`max_excitation_transfer` :math:`- 1/2` in :math:`r = g_2/g_1` by Brent's method
    (see the module docstring for why this criterion, and not a tolerance on
    the peak concurrence, defines the threshold sharply).  Above the root the
    transfer passes 1/2 and a maximally entangled state
    (:math:`|\alpha| = |\beta|`) is reached.

    Parameters
    ----------
    n_photons : int
        :math:`N_\mathrm{ph}`.
    model : {"full", "dispersive"}
        Full Hamiltonian (Eq. 1) or dispersive (Eq. 3).  The analytic formula
        is exact for the dispersive model; the full model deviates by
        :math:`O((g/\delta)^2)` (exactly zero for :math:`N_\mathrm{ph} = 0`,
        where the dark state makes the transfer amplitude
        :math:`2g_1g_2/(g_1^2+g_2^2)` at any detuning).
    params : CavityParams, optional
        ``omega``, ``epsilon`` (``g2`` is the unknown); default the paper's
        :math:`\omega = 50`, :math:`\epsilon = 10`.
    bracket : (float, float)
        Search interval for :math:`g_2/g_1`.
    xtol : float
        Absolute tolerance of the root.

    Raises
    ------
    ConvergenceError
        If the criterion does not change sign over ``bracket``.
    """
    base = CavityParams() if params is None else params
    lo, hi = check_interval("bracket", bracket)

    def excess(r: float) -> float:
        return max_excitation_transfer(base.replace(g2=r), n_photons, model=model) - 0.5

    f_lo, f_hi = excess(lo), excess(hi)
    if f_lo * f_hi > 0:
        raise ConvergenceError(
            f"no MES threshold in g2/g1 in {bracket}: transfer - 1/2 is {f_lo:.3g} and {f_hi:.3g} at the ends"
        )
    return float(brentq(excess, lo, hi, xtol=xtol, rtol=4 * np.finfo(float).eps))
