r"""Driven-dissipative time evolution of the cavity model (cavity paper Fig. 2).

From the paper's initial state :math:`|0\,N_\mathrm{ph}\,1\rangle`
(:func:`~lzsm_gates.cavity.model.cavity_initial_state`) the density matrix
follows the Lindblad equation of paper Eq. 6 with the rotating-frame
Hamiltonian :math:`H'` of Eq. 7 (docs: Physics, Sec. 6.2):

.. math::

    \dot\rho = \hat{\mathcal L}\rho = -i[H', \rho] + \kappa\mathcal D[a]\rho
        + \gamma\sum_{j=1,2}\mathcal D[s^-_j]\rho .

:math:`\hat{\mathcal L}` is time independent, so the state on a time grid is
propagated exactly, :math:`\rho(t_k) = e^{\hat{\mathcal L}(t_k - t_{k-1})}\rho(t_{k-1})`,
with one dense matrix exponential per distinct step (one for a uniform grid).
For :math:`d = 0` the paper's panel (a) is the undriven model: its frame
differs from the lab frame by :math:`e^{-i\omega_d t(a^\dagger a + s^z_1 + s^z_2)}`,
a product of local unitaries that commute with :math:`s^z_i`, so
:math:`\langle s^z_i\rangle(t)` and the concurrence :math:`E(t)` of the reduced
two-qubit state are the same in both frames.

The Fock cutoff is checked like the steady state's: the evolution is repeated
at ``n_fock + 1`` and the largest change of :math:`\langle s^z_i\rangle` and
:math:`E` must stay below ``tol``; an absurd cutoff is refused before any work
(:func:`~lzsm_gates.cavity.model.cavity_memory_estimate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import expm

from ..lindblad import liouvillian, unvec, vec
from ..metrics import concurrence, reduced_qubit_state
from ..units import ConvergenceError, LZSMInputError, check_integer, check_positive
from .model import (
    CavityParams,
    _check_n_fock,
    _check_n_photons,
    cavity_collapse_operators,
    cavity_driven_hamiltonian,
    cavity_initial_state,
    cavity_operators,
)
from ..version import Provenance

__all__ = ["CavityOpenDynamics", "cavity_open_dynamics"]

#: Entries of the (unit-trace) state below this are set to zero after each step.
_NEGLIGIBLE = 1e-200


@dataclass(frozen=True)
class CavityOpenDynamics(Provenance):
    r"""Driven-dissipative evolution from :math:`|0\,N_\mathrm{ph}\,1\rangle` (paper Fig. 2).

    Attributes
    ----------
    params : CavityParams
    n_photons : int
        Initial photon number :math:`N_\mathrm{ph}`.
    n_fock : int
        Fock cutoff of the returned arrays.
    times : ndarray, shape (n_t,)
        Times in units of :math:`1/g_1`.
    sz : ndarray, shape (n_t, 2)
        :math:`\langle s^z_1\rangle(t)`, :math:`\langle s^z_2\rangle(t)` (in :math:`[-1/2, 1/2]`).
    concurrence : ndarray, shape (n_t,)
        :math:`E(t)`, concurrence of the reduced two-qubit state.
    photon_number : ndarray, shape (n_t,)
        :math:`\langle a^\dagger a\rangle(t)`.
    cutoff_change : float
        Largest change of ``sz`` and ``concurrence`` between ``n_fock`` and ``n_fock + 1``.
    """

    params: CavityParams
    n_photons: int
    n_fock: int
    times: np.ndarray
    sz: np.ndarray
    concurrence: np.ndarray
    photon_number: np.ndarray
    cutoff_change: float


def cavity_open_dynamics(
    params: CavityParams,
    times: Any,
    *,
    n_photons: int = 1,
    n_fock: int | None = None,
    tol: float = 1e-6,
) -> CavityOpenDynamics:
    r"""Lindblad evolution of paper Eqs. 6-7 from :math:`|0\,N_\mathrm{ph}\,1\rangle` (paper Fig. 2).

    Parameters
    ----------
    params : CavityParams
        Model, drive and decay rates (``drive = 0``: Fig. 2a; the paper's defaults: Fig. 2b).
    times : array_like
        Increasing times :math:`t \ge 0` in units of :math:`1/g_1`; a uniform grid costs
        one matrix exponential.
    n_photons : int
        Initial photon number (the paper: 1).
    n_fock : int, optional
        Fock cutoff (default ``n_photons + 3``); checked against ``n_fock + 1``.
    tol : float
        Largest accepted change of :math:`\langle s^z_i\rangle` and :math:`E` between the two cutoffs.

    Returns
    -------
    CavityOpenDynamics

    Raises
    ------
    LZSMInputError
        Bad times or parameters, or a cutoff whose memory estimate exceeds
        ``WORK_LIMITS["memory_bytes"]``.
    ConvergenceError
        If the observables change by more than ``tol`` between ``n_fock`` and ``n_fock + 1``.

    Examples
    --------
    >>> from lzsm_gates.cavity import CavityParams, cavity_open_dynamics
    >>> run = cavity_open_dynamics(CavityParams(g2=1.0, drive=0.0), [0.0, 1.0])
    >>> [round(float(v), 3) for v in run.sz[0]]
    [-0.5, 0.5]
    """
    if not isinstance(params, CavityParams):
        raise LZSMInputError(f"params must be a CavityParams, got {type(params).__name__}")
    t = check_positive("times", np.atleast_1d(np.asarray(times, dtype=float)), allow_zero=True)
    if t.ndim != 1 or np.any(np.diff(t) <= 0):
        raise LZSMInputError(f"times must be a 1-D increasing array of times >= 0, got shape {t.shape}")
    n_ph = _check_n_photons(n_photons)
    n = n_ph + 3 if n_fock is None else check_integer("n_fock", n_fock, minimum=1)
    _check_n_fock(n + 1, "dynamics")
    if n <= n_ph:
        raise LZSMInputError(f"n_fock must exceed n_photons ({n_ph}), got {n}")
    tol = float(check_positive("tol", tol))
    sz, conc, photons = _evolve(params, t, n_ph, n)
    sz_up, conc_up, _ = _evolve(params, t, n_ph, n + 1)
    change = float(max(np.max(np.abs(sz_up - sz)), np.max(np.abs(conc_up - conc))))
    if change > tol:
        raise ConvergenceError(
            f"cavity dynamics not converged in the Fock cutoff: observables change by {change:.3g} > tol = {tol:g} "
            f"from n_fock = {n} to {n + 1} (raise n_fock)"
        )
    return CavityOpenDynamics(
        params=params, n_photons=n_ph, n_fock=n, times=t, sz=sz, concurrence=conc, photon_number=photons,
        cutoff_change=change,
    )


def _evolve(params: CavityParams, times: np.ndarray, n_photons: int, n_fock: int) -> tuple[np.ndarray, ...]:
    """<s_z^1>, <s_z^2> (n_t, 2), E(t) and <a^dag a>(t) at one Fock cutoff."""
    lv = liouvillian(cavity_driven_hamiltonian(params, n_fock), cavity_collapse_operators(params, n_fock))
    psi = cavity_initial_state(n_photons, n_fock)
    state = vec(np.outer(psi, psi.conj()))
    steps = np.diff(times, prepend=0.0)
    propagators: dict[float, np.ndarray] = {}
    states = np.empty((times.size, state.size), dtype=complex)
    for k, dt in enumerate(steps):
        key = round(float(dt), 12)
        if key not in propagators:
            propagators[key] = expm(lv * key)
        state = propagators[key] @ state
        state[np.abs(state) < _NEGLIGIBLE] = 0.0  # decayed entries would turn subnormal and slow BLAS down
        states[k] = state
    rho = unvec(states)
    rho = 0.5 * (rho + np.conj(np.swapaxes(rho, -1, -2)))
    ops = cavity_operators(n_fock)
    sz = np.real(np.stack([np.einsum("ij,tji->t", op, rho) for op in (ops.sz1, ops.sz2)], axis=-1))
    photons = np.real(np.einsum("ij,tji->t", ops.num, rho))
    conc = concurrence(reduced_qubit_state(rho, n_fock, pure=False))
    return sz, conc, photons
