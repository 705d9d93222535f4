r"""Parameters of the O3L model and its bath (units of the drive frequency :math:`\omega`; docs: Physics, Sec. 6.1).

A light module (numpy only), so that the command line can show the defaults without importing the solvers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from ..units import LZSMInputError, check_finite, check_positive

__all__ = ["DEFAULT_CUTOFF", "O3LParams"]


#: Default bath cutoff in units of omega (not given in the paper; see module docstring).
DEFAULT_CUTOFF = 50.0


_MODEL_FIELDS = ("J", "delta1", "delta_ratio")  # eps0 is the static drive offset


_BATH_FIELDS = ("xi", "kappa", "temperature", "cutoff", "correlation")


@dataclass(frozen=True)
class O3LParams:
    r"""Parameters of the O3L model, in units of :math:`\omega` (defaults: the paper's Fig. 3 point).

    Attributes
    ----------
    eps0 : float
        Detuning :math:`\varepsilon_0`.
    amplitude : float
        Drive amplitude :math:`A`.
    xi : float
        Bath-coupling asymmetry :math:`\xi = \gamma_2/\gamma_1 \ge 0` (:math:`\gamma_1 = 1`).
    J : float
        Qubit-qubit coupling.
    delta1 : float
        Gap :math:`\Delta_1 > 0`.
    delta_ratio : float
        :math:`\Delta_2/\Delta_1 > 0`.
    kappa : float
        Ohmic coupling :math:`\kappa > 0`.
    temperature : float
        :math:`k_B T_b/\hbar\omega \ge 0` (0: the Bose factors become the vacuum ones).
    cutoff : float
        Ohmic cutoff :math:`\omega_c > 0` (not given in the paper; :data:`DEFAULT_CUTOFF`).
    correlation : float
        Correlation coefficient :math:`c \in [-1, 1]` of the bath fluctuations seen by the two
        qubits: 1 one common bath (the paper), 0 independent baths (see :func:`o3l_coupling`).
    """

    eps0: float = 3.7
    amplitude: float = 3.8
    xi: float = 0.1
    J: float = -2.5
    delta1: float = 0.1
    delta_ratio: float = 1.5
    kappa: float = 1e-3
    temperature: float = 0.00467
    cutoff: float = DEFAULT_CUTOFF
    correlation: float = 1.0

    def __post_init__(self) -> None:
        for name in ("eps0", "amplitude", "J"):
            _scalar(name, check_finite(name, getattr(self, name)))
        for name in ("xi", "temperature"):
            _scalar(name, check_positive(name, getattr(self, name), allow_zero=True))
        for name in ("delta1", "delta_ratio", "kappa", "cutoff"):
            _scalar(name, check_positive(name, getattr(self, name)))
        c = check_finite("correlation", self.correlation)
        _scalar("correlation", c)
        if not -1.0 <= float(c) <= 1.0:
            raise LZSMInputError(f"correlation must lie in [-1, 1] (1: common bath, 0: independent), got {self.correlation!r}")
        for f in fields(self):
            object.__setattr__(self, f.name, float(getattr(self, f.name)))

    @property
    def delta2(self) -> float:
        r""":math:`\Delta_2 = \Delta_1\,\Delta_2/\Delta_1`."""
        return self.delta1 * self.delta_ratio


def _scalar(name: str, arr: np.ndarray) -> None:
    if arr.ndim != 0:
        raise LZSMInputError(f"{name} must be a scalar, got shape {arr.shape}")


def _check_params(params: Any) -> O3LParams:
    if not isinstance(params, O3LParams):
        raise LZSMInputError(f"params must be an O3LParams, got {type(params).__name__}")
    return params

def _param_attrs(params: O3LParams) -> dict[str, float]:
    """Dataset attrs: every parameter as ``param_<name>``, and the (unpublished) bath cutoff as ``bath_cutoff``."""
    return {**{f"param_{k}": v for k, v in asdict(params).items()}, "bath_cutoff": params.cutoff}
