r"""Figures of merit: gate fidelity and error of (possibly non-unitary) evolutions.

All functions broadcast over leading batch dimensions of their matrix
arguments.
"""

from __future__ import annotations

import numpy as np

from .units import LZSMInputError

__all__ = ["gate_fidelity", "gate_error", "check_unitary"]


def gate_fidelity(target: np.ndarray, actual: np.ndarray) -> np.ndarray:
    r"""Average gate fidelity of ``actual`` with respect to the unitary ``target``.

    Pedersen, Møller & Mølmer (2007):

    .. math::

        F = \frac{\operatorname{Tr}(M M^\dagger) + |\operatorname{Tr} M|^2}{d(d+1)},
        \qquad M = V^\dagger U ,

    which is the average fidelity over Haar-random input states, insensitive
    to the global phase, and also valid for a non-unitary ``actual`` (a
    projected, leaky block).

    Parameters
    ----------
    target : ndarray, shape (..., d, d)
        Target unitary :math:`V`.
    actual : ndarray, shape (..., d, d)
        Evolution :math:`U` (unitary or a sub-block of one).

    Returns
    -------
    ndarray
        :math:`F \in [0, 1]`, broadcast over the leading dimensions.
    """
    v = np.asarray(target, dtype=complex)
    u = np.asarray(actual, dtype=complex)
    if v.shape[-1] != u.shape[-1] or v.shape[-2:] != (v.shape[-1], v.shape[-1]):
        raise LZSMInputError(f"target and actual must be square (d, d) matrices of equal d, got {v.shape} and {u.shape}")
    d = v.shape[-1]
    m = np.conj(np.swapaxes(v, -1, -2)) @ u
    tr_mmdag = np.einsum("...ij,...ij->...", m, m.conj()).real
    tr_m = np.einsum("...ii->...", m)
    return (tr_mmdag + np.abs(tr_m) ** 2) / (d * (d + 1))


def gate_error(target: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Gate error :math:`1 - F` (see :func:`gate_fidelity`), clipped at 0 against round-off."""
    return np.maximum(1.0 - gate_fidelity(target, actual), 0.0)


def check_unitary(name: str, matrix: np.ndarray, *, atol: float = 1e-8) -> np.ndarray:
    """Return ``matrix`` as a complex square array, raising if it is not unitary.

    Raises
    ------
    LZSMInputError
        If the array is not square, contains NaN/inf, or :math:`\\|U^\\dagger U - I\\| > atol`.
    """
    m = np.asarray(matrix, dtype=complex)
    if m.ndim < 2 or m.shape[-1] != m.shape[-2]:
        raise LZSMInputError(f"{name} must be a square matrix, got shape {m.shape}")
    if not np.all(np.isfinite(m)):
        raise LZSMInputError(f"{name} contains NaN or inf")
    dev = np.abs(np.conj(np.swapaxes(m, -1, -2)) @ m - np.eye(m.shape[-1])).max()
    if dev > atol:
        raise LZSMInputError(f"{name} must be unitary (|U^dag U - I| <= {atol:g}), deviation is {dev:.3g}")
    return m
