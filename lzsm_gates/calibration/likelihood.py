r"""Maximum likelihood under shot noise: binomial counts, deviance residuals, covariance from the Fisher information.

Setting :math:`i` was measured :math:`n_i` times and recorded 1 :math:`k_i`
times; the model gives the probability :math:`p_i(\theta)`.  The
log-likelihood :math:`\ell = \sum_i k_i\ln p_i + (n_i - k_i)\ln(1 - p_i)`
is maximal where the deviance :math:`D` below is minimal, so the fit is a
least-squares problem in the *deviance residuals*
:math:`r_i = \mathrm{sign}(k_i/n_i - p_i)\sqrt{D_i}` (:math:`D = \sum_i D_i`).
The covariance of the estimate is the inverse of the expected Fisher information
:math:`F = J^\mathsf{T} W J`, :math:`J_{ij} = \partial p_i/\partial\theta_j`,
:math:`W = \mathrm{diag}(n_i/(p_i(1 - p_i)))`.  The deviance :math:`D = 2\sum_i [k_i\ln(k_i/n_ip_i) + (n_i-k_i)\ln((n_i-k_i)/(n_i(1-p_i)))]`
is :math:`\chi^2`-distributed with (settings - parameters) degrees of
freedom when the model is right: a large value means the model does not
describe the device.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.optimize import least_squares

from ..units import ConvergenceError, LZSMInputError

__all__ = ["LikelihoodFit", "fit_binomial", "binomial_deviance", "deviance_residuals"]

_P_FLOOR = 1e-9


@dataclass(frozen=True)
class LikelihoodFit:
    """Result of :func:`fit_binomial`.

    Attributes
    ----------
    theta : ndarray
        Maximum-likelihood parameters.
    covariance : ndarray
        Inverse expected Fisher information (free parameters; fixed ones have zero rows).
    deviance : float
        Binomial deviance at the estimate.
    dof : int
        Settings minus free parameters.
    """

    theta: np.ndarray
    covariance: np.ndarray
    deviance: float
    dof: int

    @property
    def stderr(self) -> np.ndarray:
        """Standard errors (square roots of the covariance diagonal)."""
        return np.sqrt(np.clip(np.diag(self.covariance), 0.0, None))


def deviance_residuals(ones: np.ndarray, shots: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Signed square roots of the per-setting deviances (module docstring)."""
    p = np.clip(p, _P_FLOOR, 1 - _P_FLOOR)
    k, n = ones, shots
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(k > 0, k * np.log(k / (n * p)), 0.0)
        b = np.where(n - k > 0, (n - k) * np.log((n - k) / (n * (1 - p))), 0.0)
    return np.sign(k / n - p) * np.sqrt(np.clip(2 * (a + b), 0.0, None))


def binomial_deviance(ones: np.ndarray, shots: np.ndarray, p: np.ndarray) -> float:
    """Deviance of counts against probabilities (module docstring)."""
    return float(np.sum(deviance_residuals(ones, shots, p) ** 2))


def fit_binomial(
    probability: Callable[[np.ndarray], np.ndarray],
    theta0: np.ndarray,
    ones: np.ndarray,
    shots: np.ndarray,
    *,
    lower: np.ndarray,
    upper: np.ndarray,
    free: np.ndarray | None = None,
    step: float = 1e-6,
) -> LikelihoodFit:
    r"""Maximum-likelihood fit of ``probability(theta)`` to binomial counts (module docstring).

    Parameters
    ----------
    probability : callable
        ``theta -> p`` (one probability per setting).
    theta0 : ndarray
        Start (inside the bounds).
    ones, shots : ndarray
        Counts of 1 and shots per setting.
    lower, upper : ndarray
        Bounds of ``theta``.
    free : ndarray of bool, optional
        Which parameters are fitted (default all).
    step : float
        Relative finite-difference step of the Jacobian.

    Raises
    ------
    LZSMInputError
        Inconsistent counts.
    ConvergenceError
        If the Fisher information is singular (the settings do not determine the parameters).
    """
    ones, shots = np.asarray(ones, dtype=float), np.asarray(shots, dtype=float)
    if ones.shape != shots.shape or np.any(shots < 1) or np.any((ones < 0) | (ones > shots)):
        raise LZSMInputError("counts must satisfy 0 <= ones <= shots, shots >= 1, one pair per setting")
    theta0 = np.clip(np.asarray(theta0, dtype=float), lower, upper)
    free = np.ones(theta0.size, dtype=bool) if free is None else np.asarray(free, dtype=bool)
    lo, hi = np.asarray(lower, float)[free], np.asarray(upper, float)[free]

    def full(x: np.ndarray) -> np.ndarray:
        t = theta0.copy()
        t[free] = x
        return t

    sol = least_squares(lambda y: deviance_residuals(ones, shots, probability(full(y))), theta0[free], bounds=(lo, hi),
                        x_scale="jac", method="trf", xtol=1e-12, ftol=1e-12)
    x = sol.x
    theta = full(x)
    jac = _jacobian(probability, theta, free, step)
    p = np.clip(probability(theta), _P_FLOOR, 1 - _P_FLOOR)
    fisher = jac.T @ (jac * (shots / (p * (1 - p)))[:, None])
    if not np.all(np.isfinite(fisher)) or np.linalg.cond(fisher) > 1e14:
        raise ConvergenceError(
            f"the settings do not determine the parameters (Fisher information condition number {np.linalg.cond(fisher):.3g})"
        )
    cov = np.zeros((theta.size, theta.size))
    cov[np.ix_(free, free)] = np.linalg.inv(fisher)
    return LikelihoodFit(theta, cov, binomial_deviance(ones, shots, p), int(ones.size - free.sum()))


def _jacobian(probability: Callable[[np.ndarray], np.ndarray], theta: np.ndarray, free: np.ndarray, step: float) -> np.ndarray:
    """Central-difference :math:`\\partial p_i/\\partial\\theta_j` for the free parameters."""
    cols = []
    for j in np.nonzero(free)[0]:
        h = step * max(abs(theta[j]), 1e-2)
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        cols.append((probability(up) - probability(down)) / (2 * h))
    return np.array(cols).T
