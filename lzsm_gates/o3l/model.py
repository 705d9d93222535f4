r"""The O3L Hamiltonian, its bath coupling and its eigenstates (docs: Physics, Sec. 6.1)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..baths import Bath
from ..floquet import FloquetWarning
from ..models import DrivenModel
from ..operators import PAULI_X, PAULI_Z, SIGMA_MINUS, SIGMA_PLUS, embed, tensor
from .params import O3LParams, _check_params

__all__ = ["O3LSecularWarning", "o3l_model", "o3l_coupling", "o3l_eigenstates"]


_Z1 = embed(PAULI_Z, 0, 2)


_Z2 = embed(PAULI_Z, 1, 2)


_X1 = embed(PAULI_X, 0, 2)


_X2 = embed(PAULI_X, 1, 2)


_FLIP = tensor(SIGMA_PLUS, SIGMA_MINUS)  # s+1 s-2


_FLIPFLOP = _FLIP + _FLIP.conj().T


_DRIVE = -0.5 * (_Z1 + _Z2)


_LABELS = ("00", "01", "10", "11")


class O3LSecularWarning(FloquetWarning):
    """The secular approximation is questionable: quasienergy spacings not large against the rates."""


def o3l_model(params: O3LParams = O3LParams()) -> DrivenModel:
    r"""The driven two-qubit model :math:`H_0 + A\cos(\omega t)V`, :math:`V = -(\sigma_z^{(1)} + \sigma_z^{(2)})/2`."""
    p = _check_params(params)
    return DrivenModel(_static_part(p.eps0, p.J, p.delta1, p.delta2), _DRIVE, "cos", labels=_LABELS)


def _static_part(eps0: Any, J: Any, delta1: Any, delta2: Any) -> np.ndarray:  # noqa: N803 - physics names
    """:math:`H_0` (module docstring); array arguments of shape (n, 1, 1) give shape (n, 4, 4)."""
    return -0.5 * eps0 * (_Z1 + _Z2) - 0.5 * delta1 * _X1 - 0.5 * delta2 * _X2 - 0.5 * J * _FLIPFLOP


def o3l_coupling(params: O3LParams = O3LParams()) -> list[tuple[np.ndarray, Bath]]:
    r"""The system-bath coupling as independent (operator, Ohmic bath) channels for the Floquet solvers.

    The qubits couple as :math:`\sigma_z^{(1)}B_1 + \xi\sigma_z^{(2)}B_2`, where :math:`B_1, B_2`
    have the same spectrum and correlation coefficient :math:`c` (``params.correlation``).
    Writing :math:`B_1 = \sqrt{|c|}B_0 + \sqrt{1-|c|}B_a`, :math:`B_2 = \mathrm{sign}(c)\sqrt{|c|}B_0
    + \sqrt{1-|c|}B_b` with independent, identical :math:`B_0, B_a, B_b` gives the channels

    .. math::

        \sqrt{|c|}\,(\sigma_z^{(1)} + \mathrm{sign}(c)\,\xi\sigma_z^{(2)}),\quad
        \sqrt{1-|c|}\,\sigma_z^{(1)},\quad \sqrt{1-|c|}\,\xi\sigma_z^{(2)},

    whose rates add.  :math:`c = 1` is the paper's common bath (one channel), :math:`c = 0` two
    independent baths.  Channels with a zero operator are left out.
    """
    p = _check_params(params)
    bath = Bath.ohmic(p.kappa, p.cutoff, p.temperature)
    c = p.correlation
    common, own = np.sqrt(abs(c)), np.sqrt(1.0 - abs(c))
    operators = (common * (_Z1 + np.sign(c) * p.xi * _Z2), own * _Z1, own * p.xi * _Z2)
    return [(op, bath) for op in operators if np.any(op)]


def o3l_eigenstates(params: O3LParams = O3LParams()) -> tuple[np.ndarray, np.ndarray]:
    r"""Eigenvalues (ascending) and eigenvectors (columns) of :math:`H_0`; level k is the paper's :math:`|k\rangle`."""
    return np.linalg.eigh(o3l_model(params).static)
