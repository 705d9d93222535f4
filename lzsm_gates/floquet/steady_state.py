r"""Stationary states and population dynamics of the Floquet-Born-Markov master equation.

The stationary Floquet populations :math:`p_a` (kernel of the rate equation,
or of the Q = 0 tensor) give the period-averaged lab-frame state

.. math::

    \rho_\infty = \frac1T\int_0^T dt \sum_{ab}\rho_{ab}|u_a(t)\rangle\langle u_b(t)|
                \;=\; \sum_a p_a\,\overline{|u_a(t)\rangle\langle u_a(t)|}\quad(\text{secular}).

The secular route solves the rate equation of :class:`~lzsm_gates.floquet.basis.FloquetRates`, the
non-secular route the kernel of :meth:`FloquetBasis.redfield_tensor
<lzsm_gates.floquet.basis.FloquetBasis.redfield_tensor>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from scipy.linalg import expm

from ..lindblad import unvec
from ..models import DrivenModel
from ..units import ConvergenceError, LZSMInputError, check_positive
from .basis import FloquetRates, floquet_basis
from .modes import _dagger
from .options import KERNEL_TOL, Coupling, FloquetOptions, _couplings
from .rates import _flat_chunks, _grid
from ..version import Provenance

__all__ = [
    "FloquetSteadyState",
    "floquet_steady_state",
    "stationary_populations",
    "stationary_state",
    "population_dynamics",
]


def _null_vector(matrix: np.ndarray, what: str) -> np.ndarray:
    """Normalised kernel vector of each (n, n) matrix of a batch; ConvergenceError if the kernel is not 1-D."""
    _, s, vh = np.linalg.svd(matrix)
    scale = np.maximum(s[..., 0], np.finfo(float).tiny)
    degenerate = s[..., -2] <= KERNEL_TOL * scale
    if np.any(degenerate):
        raise ConvergenceError(
            f"{what}: the stationary state is not unique at {int(np.count_nonzero(degenerate))} point(s) "
            "(kernel dimension > 1, e.g. Floquet states not connected by any rate); "
            "add a coupling operator that connects them or a finite temperature"
        )
    return np.conj(vh[..., -1, :])


def stationary_populations(rates: FloquetRates) -> np.ndarray:
    r"""Stationary Floquet populations :math:`M p = 0`, :math:`\sum_a p_a = 1` of the secular rate equation.

    Raises
    ------
    ConvergenceError
        If the stationary state is not unique.
    """
    v = np.abs(_null_vector(rates.generator(), "secular rate equation"))
    return v / np.sum(v, axis=-1, keepdims=True)


def stationary_state(tensor: np.ndarray) -> np.ndarray:
    r"""Stationary Floquet-frame density matrix of a (Q = 0) superoperator, trace 1 and Hermitian.

    Parameters
    ----------
    tensor : ndarray, shape ``(*batch, d*d, d*d)``
        E.g. :meth:`~lzsm_gates.floquet.basis.FloquetBasis.redfield_tensor` (column stacking).

    Raises
    ------
    ConvergenceError
        If the stationary state is not unique.
    """
    rho = unvec(_null_vector(np.asarray(tensor), "Floquet-Redfield tensor"))
    rho = rho / np.trace(rho, axis1=-2, axis2=-1)[..., None, None]
    return 0.5 * (rho + _dagger(rho))


@dataclass(frozen=True)
class FloquetSteadyState(Provenance):
    r"""Stationary state of the driven open system on a batch of points.

    Attributes
    ----------
    rho_floquet : ndarray, shape ``(*batch, d, d)``
        :math:`\rho_{ab}` in the Floquet basis (diagonal, :math:`p_a`, in the secular case).
    rho_average : ndarray, shape ``(*batch, d, d)``
        Period-averaged lab-frame :math:`\rho_\infty`.
    options : FloquetOptions, optional
        The numerical settings that produced it.
    """

    rho_floquet: np.ndarray
    rho_average: np.ndarray
    options: FloquetOptions | None = None

    @property
    def populations(self) -> np.ndarray:
        """Floquet populations :math:`p_a = \\rho_{aa}`."""
        return np.real(np.diagonal(self.rho_floquet, axis1=-2, axis2=-1))


def floquet_steady_state(
    model: DrivenModel,
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    couplings: Coupling | Sequence[Coupling],
    *,
    secular: bool = True,
    offset: np.ndarray | float = 0.0,
    options: FloquetOptions | None = None,
    **settings: Any,
) -> FloquetSteadyState:
    r"""Asymptotic state :math:`\rho_\infty` of the Floquet-Born-Markov master equation.

    Parameters
    ----------
    secular : bool
        True: stationary populations of the secular rate equation
        (:func:`stationary_populations`); False: kernel of the non-secular
        Q = 0 tensor (:meth:`~lzsm_gates.floquet.basis.FloquetBasis.redfield_tensor`).
    Others
        As in :func:`~lzsm_gates.floquet.rates.floquet_rates`.

    Raises
    ------
    ConvergenceError
        If the stationary state is not unique.
    """
    points, opts = _grid(model, amplitude, frequency, offset, options, settings)
    _couplings(couplings, model.dim)

    def chunk(ac: np.ndarray, wc: np.ndarray, cc: np.ndarray) -> FloquetSteadyState:
        basis = floquet_basis(model, ac, wc, offset=cc, options=opts)
        if secular:
            p = stationary_populations(basis.rates(couplings, opts.kmax, sideband_tol=opts.sideband_tol))
            rho = p[..., :, None] * np.eye(model.dim)
        else:
            rho = stationary_state(basis.redfield_tensor(couplings, opts.kmax, sideband_tol=opts.sideband_tol))
        return FloquetSteadyState(rho_floquet=rho, rho_average=basis.period_average(rho), options=basis.options)

    return _flat_chunks(chunk, points, opts, model.dim)


def population_dynamics(rates: FloquetRates, populations: np.ndarray, times: np.ndarray | float) -> np.ndarray:
    r"""Floquet populations :math:`p(t) = e^{Mt} p(0)` of the secular rate equation.

    Parameters
    ----------
    rates : FloquetRates
    populations : array_like, shape ``(d,)`` or ``(*batch, d)``
        :math:`p_a(0)`, e.g. the diagonal of :meth:`~lzsm_gates.floquet.basis.FloquetBasis.to_floquet`
        of the initial state (>= 0, summing to 1).
    times : array_like, shape (n_t,)
        Times :math:`t \ge 0` (internal units).

    Returns
    -------
    ndarray, shape ``(*batch, n_t, d)``
    """
    p0 = check_positive("populations", populations, allow_zero=True)
    if p0.shape[-1:] != rates.rates.shape[-1:] or not np.allclose(p0.sum(axis=-1), 1.0, atol=1e-8):
        raise LZSMInputError(
            f"populations must have a last axis of length {rates.rates.shape[-1]} and sum to 1, got {populations!r}"
        )
    t = check_positive("times", np.atleast_1d(times), allow_zero=True)
    if t.ndim != 1:
        raise LZSMInputError(f"times must be a 1-D array, got shape {t.shape}")
    m = rates.generator()[..., None, :, :] * t[:, None, None]
    return np.real(expm(m) @ np.broadcast_to(p0, m.shape[:-3] + p0.shape[-1:])[..., None, :, None])[..., 0]
