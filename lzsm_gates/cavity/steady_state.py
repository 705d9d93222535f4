r"""Driven-dissipative steady state of the cavity model (paper Eqs. 6-9) and its parameter searches.

The Lindblad equation :math:`\dot\rho = -i[H', \rho] + \kappa\mathcal D[a]\rho
+ \gamma\sum_j \mathcal D[s^-_j]\rho` with the rotating-frame Hamiltonian
:math:`H'` of :func:`~lzsm_gates.cavity.model.cavity_driven_hamiltonian` (docs:
Physics, Sec. 6.2) has a unique steady state; its two-qubit concurrence
:math:`E_{ss}` and the cross-correlation :math:`C_{ss}` are the observables
of the paper's Figs. 3-5.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from ..lindblad import steady_state as _lindblad_steady_state
from ..metrics import concurrence, reduced_qubit_state
from ..units import ConvergenceError, LZSMInputError, check_finite, check_integer, check_interval, check_positive
from .model import CavityParams, _check_n_fock, cavity_collapse_operators, cavity_driven_hamiltonian, cavity_operators
from ..version import Provenance

__all__ = [
    "CavitySteadyState",
    "cavity_steady_state",
    "steady_state_scan",
    "drive_at_peak",
    "coupling_at_peak",
    "entanglement_valley",
]

#: Photon number below which the cavity counts as empty (C_ss undefined).
_EMPTY_CAVITY = 1e-14


@dataclass(frozen=True)
class CavitySteadyState(Provenance):
    r"""Steady state of the driven-dissipative model (paper Eqs. 6-9).

    Attributes
    ----------
    params : CavityParams
    n_fock : int
        Fock cutoff at which the cutoff check passed.
    rho : ndarray, shape (4 n_fock, 4 n_fock)
        Steady state of the full system.
    rho_qubits : ndarray, shape (4, 4)
        Reduced two-qubit state.
    concurrence : float
        :math:`E_{ss}`, the concurrence of ``rho_qubits``.
    concurrence_margin : float
        Signed Wootters margin :math:`\lambda_1-\lambda_2-\lambda_3-\lambda_4`
        (:math:`E_{ss} = \max(0, \text{margin})`).
    cross_correlations : ndarray, shape (2,)
        :math:`C^i_{ss} = \langle s^z_i a^\dagger a\rangle / (\langle s^z_i\rangle\langle a^\dagger a\rangle)`
        (Eq. 8).  NaN when the cavity is empty to round-off
        (:math:`\langle a^\dagger a\rangle \le 10^{-14}`, e.g. :math:`d = 0`); the ratio
        diverges where :math:`\langle s^z_i\rangle` changes sign, which
        happens for the driven qubit at strong drive (e.g. :math:`d = 0.016`,
        :math:`g_2 \approx 0.62`).
    cross_correlation : float
        :math:`C_{ss} = (C^1_{ss} + C^2_{ss})/2` (Eq. 9).
    photon_number : float
        :math:`\langle a^\dagger a\rangle`.
    cutoff_change : float
        Change of the concurrence margin between the last two cutoffs.
    """

    params: CavityParams
    n_fock: int
    rho: np.ndarray
    rho_qubits: np.ndarray
    concurrence: float
    concurrence_margin: float
    cross_correlations: np.ndarray
    cross_correlation: float
    photon_number: float
    cutoff_change: float

    def __repr__(self) -> str:
        return (
            f"CavitySteadyState(g2={self.params.g2:.6g}, drive={self.params.drive:.6g}, "
            f"E_ss={self.concurrence:.6g}, C_ss={self.cross_correlation:.6g}, "
            f"photons={self.photon_number:.3g}, n_fock={self.n_fock})"
        )


def _solve_steady_state(params: CavityParams, n_fock: int) -> tuple[np.ndarray, np.ndarray, float]:
    rho = _lindblad_steady_state(cavity_driven_hamiltonian(params, n_fock), cavity_collapse_operators(params, n_fock))
    rho_q = reduced_qubit_state(rho, n_fock)
    return rho, rho_q, float(concurrence(rho_q, signed=True))


def cavity_steady_state(
    params: CavityParams,
    *,
    tol: float = 1e-7,
    n_fock_start: int = 2,
    n_fock_max: int = 12,
) -> CavitySteadyState:
    r"""Steady state of paper Eqs. 6-7 with a Fock-cutoff convergence check.

    The Lindblad steady state is found by a direct linear solve
    (:func:`lzsm_gates.lindblad.steady_state`) at cutoffs
    ``n_fock_start, n_fock_start + 1, ...`` until the signed concurrence
    margin :math:`\lambda_1-\lambda_2-\lambda_3-\lambda_4` changes by less
    than ``tol`` between consecutive cutoffs; the margin, not
    :math:`E_{ss} = \max(0, \text{margin})`, is compared so that two zero
    concurrences inside the :math:`E_{ss} = 0` valley do not pass for
    convergence.  At the paper's parameters the cavity is far detuned
    (:math:`\omega - \omega_d \approx 40 g_1`) and nearly empty, so a few
    Fock states suffice.

    Parameters
    ----------
    params : CavityParams
    tol : float
        Convergence tolerance on the concurrence (absolute).
    n_fock_start, n_fock_max : int
        First and largest cutoff tried.

    Returns
    -------
    CavitySteadyState

    Raises
    ------
    LZSMInputError
        If a cutoff is not an integer >= 2, or ``n_fock_max`` would need more memory than
        ``WORK_LIMITS["memory_bytes"]`` (:func:`~lzsm_gates.cavity.model.cavity_memory_estimate`).
    ConvergenceError
        If the cutoff check does not pass by ``n_fock_max``, or the steady
        state is not unique.
    """
    tol = float(check_positive("tol", tol))
    n0 = _check_n_fock(n_fock_start, "steady_state")
    n_max = _check_n_fock(n_fock_max, "steady_state")
    if n_max <= n0:
        raise LZSMInputError(f"n_fock_max ({n_max}) must exceed n_fock_start ({n0})")
    rho, rho_q, margin = _solve_steady_state(params, n0)
    for n in range(n0 + 1, n_max + 1):
        prev = margin
        rho, rho_q, margin = _solve_steady_state(params, n)
        change = abs(margin - prev)
        if change < tol:
            return _observables(params, n, rho, rho_q, margin, change)
    raise ConvergenceError(
        f"steady-state concurrence not converged in the Fock cutoff: change {change:.3g} >= tol = {tol:g} "
        f"at n_fock = {n_max} (raise n_fock_max or tol)"
    )


def _observables(
    params: CavityParams, n: int, rho: np.ndarray, rho_q: np.ndarray, margin: float, change: float
) -> CavitySteadyState:
    ops = cavity_operators(n)

    def expect(op: np.ndarray) -> float:
        return float(np.einsum("ij,ji->", op, rho).real)

    n_ph = expect(ops.num)
    sz_mean = np.array([expect(ops.sz1), expect(ops.sz2)])
    sz_num = np.array([expect(ops.sz1 @ ops.num), expect(ops.sz2 @ ops.num)])
    if n_ph > _EMPTY_CAVITY:
        with np.errstate(divide="ignore"):
            corr = sz_num / (sz_mean * n_ph)
    else:
        corr = np.full(2, np.nan)
    return CavitySteadyState(
        params=params,
        n_fock=n,
        rho=rho,
        rho_qubits=rho_q,
        concurrence=max(margin, 0.0),
        concurrence_margin=margin,
        cross_correlations=corr,
        cross_correlation=float(corr.mean()),
        photon_number=n_ph,
        cutoff_change=change,
    )


def steady_state_scan(
    g2: np.ndarray | float,
    drive: np.ndarray | float,
    *,
    params: CavityParams | None = None,
    tol: float = 1e-7,
) -> dict[str, np.ndarray]:
    r"""Steady-state observables on broadcast arrays of :math:`g_2/g_1` and :math:`d/g_1` (Figs. 3, 5).

    One :func:`cavity_steady_state` per point; the other parameters come from
    ``params`` (default: the paper's).

    Returns
    -------
    dict of ndarray
        Arrays of the broadcast shape: ``"concurrence"`` (:math:`E_{ss}`),
        ``"concurrence_margin"``, ``"cross_correlation"`` (:math:`C_{ss}`),
        ``"photon_number"``, ``"n_fock"``.
    """
    base = CavityParams() if params is None else params
    g2_b, d_b = np.broadcast_arrays(check_finite("g2", g2), check_finite("drive", drive))
    keys = ("concurrence", "concurrence_margin", "cross_correlation", "photon_number", "n_fock")
    out = {k: np.empty(g2_b.shape) for k in keys}
    for idx in np.ndindex(g2_b.shape):
        ss = cavity_steady_state(base.replace(g2=float(g2_b[idx]), drive=float(d_b[idx])), tol=tol)
        for k in keys:
            out[k][idx] = getattr(ss, k)
    out["n_fock"] = out["n_fock"].astype(int)
    return out


def _refined_max(f: Callable[[float], float], grid: np.ndarray) -> tuple[float, float]:
    """Maximise ``f`` on ``grid``, then refine inside the neighbouring grid cells (bounded Brent)."""
    values = np.array([f(x) for x in grid])
    k = int(np.argmax(values))
    if k == 0 or k == len(grid) - 1:
        return float(grid[k]), float(values[k])
    res = minimize_scalar(lambda x: -f(x), bounds=(grid[k - 1], grid[k + 1]), method="bounded",
                          options={"xatol": 1e-6 * (grid[k + 1] - grid[k - 1])})
    if -res.fun < values[k]:
        return float(grid[k]), float(values[k])
    return float(res.x), float(-res.fun)


def drive_at_peak(
    g2: float,
    *,
    params: CavityParams | None = None,
    drive_range: tuple[float, float] = (1e-3, 0.2),
    n_grid: int = 41,
) -> tuple[float, float]:
    r"""Drive :math:`d/g_1` that maximises :math:`E_{ss}` at fixed :math:`g_2/g_1` (peak of Fig. 3a).

    Geometric grid over ``drive_range``, then bounded Brent refinement
    around the best grid point.  A peak at an end of the range is returned
    as that end.

    Returns
    -------
    (d_peak, E_peak) : tuple of float

    Notes
    -----
    At the paper's parameters :math:`d_\mathrm{peak}` falls with
    :math:`g_2/g_1` (0.00984 at 1, 0.00725 at 0.7, 0.00613 at 0.5) only down
    to a minimum of 0.00583 at :math:`g_2/g_1 \approx 0.35`; below it rises
    again slowly (0.00619 at 0.2, 0.00657 at 0.05): the paper's
    "saturation around d/g1 = 0.06" is this plateau at :math:`d \approx
    0.006 g_1`.
    """
    base = (CavityParams() if params is None else params).replace(g2=g2)
    lo, hi = check_interval("drive_range", drive_range)
    grid = np.geomspace(lo, hi, _check_grid(n_grid))
    return _refined_max(lambda d: cavity_steady_state(base.replace(drive=d)).concurrence, grid)


def coupling_at_peak(
    drive: float,
    *,
    params: CavityParams | None = None,
    g2_range: tuple[float, float] = (0.05, 1.0),
    n_grid: int = 39,
) -> tuple[float, float]:
    r"""Coupling ratio :math:`g_{2p}/g_1` that maximises :math:`E_{ss}` at fixed drive (Fig. 4b).

    Returns
    -------
    (g2_peak, E_peak) : tuple of float
        A maximum at an end of ``g2_range`` (e.g. :math:`g_2/g_1 = 1` at large
        drive) is returned as that end.
    """
    base = (CavityParams() if params is None else params).replace(drive=drive)
    lo, hi = check_interval("g2_range", g2_range)
    grid = np.linspace(lo, hi, _check_grid(n_grid))
    return _refined_max(lambda g: cavity_steady_state(base.replace(g2=g)).concurrence, grid)


def entanglement_valley(
    drive: float,
    *,
    params: CavityParams | None = None,
    g2_range: tuple[float, float] = (0.05, 1.0),
    n_grid: int = 39,
    xtol: float = 1e-9,
) -> tuple[float, float]:
    r"""Edges of the :math:`E_{ss} = 0` valley in :math:`g_2/g_1` at fixed drive (Figs. 3b, 4a).

    The concurrence margin :math:`m(g_2)` (:math:`E_{ss} = \max(0, m)`) is
    evaluated on a grid; the valley is the longest run of grid points with
    :math:`m \le 0`, and each edge is the root of :math:`m` found by Brent's
    method in the grid cell that brackets it.  The valley width of Fig. 4a is
    ``high - low``.

    Returns
    -------
    (low, high) : tuple of float
        ``(nan, nan)`` if :math:`E_{ss} > 0` on the whole grid (only a dip,
        as at small drive); an edge is ``nan`` if the valley reaches that end
        of ``g2_range`` (at large drive it extends beyond :math:`g_2 = g_1`).
    """
    base = (CavityParams() if params is None else params).replace(drive=drive)
    lo, hi = check_interval("g2_range", g2_range)
    grid = np.linspace(lo, hi, _check_grid(n_grid))

    def margin(g: float) -> float:
        return cavity_steady_state(base.replace(g2=g)).concurrence_margin

    dead = np.array([margin(g) for g in grid]) <= 0
    if not dead.any():
        return float("nan"), float("nan")
    # runs of consecutive non-entangled grid points: starts and (exclusive) stops
    edges = np.diff(np.concatenate([[0], dead.astype(int), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    k = int(np.argmax(stops - starts))
    start, stop = starts[k], stops[k]
    low = brentq(margin, grid[start - 1], grid[start], xtol=xtol) if start > 0 else float("nan")
    high = brentq(margin, grid[stop - 1], grid[stop], xtol=xtol) if stop < len(grid) else float("nan")
    return float(low), float(high)


def _check_grid(n_grid: int) -> int:
    return check_integer("n_grid", n_grid, minimum=3)
