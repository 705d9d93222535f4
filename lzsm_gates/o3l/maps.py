r"""O3L maps through the sweep engine: C_inf over amplitude, detuning, asymmetry, coupling and bath cutoff."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Sequence

import numpy as np
import xarray as xr

from ..sweeps import Axis, fixed_cost, run_sweep
from ..units import LZSMInputError
from .params import O3LParams, _check_params, _param_attrs
from .steady_state import o3l_steady_state

__all__ = ["o3l_sweep", "map_amplitude_detuning", "map_xi_amplitude", "cut_detuning", "map_coupling_detuning", "cutoff_dependence"]


_OUTPUTS = {"C_inf": "", "P_eigen": "", "secular_parameter": ""}


@dataclass(frozen=True)
class _SteadyStateFunction:
    """Batched sweep function (a picklable object, so that process executors can run it)."""

    params: O3LParams
    kmax: int | None = None
    secular: bool = True

    def __call__(self, **values: np.ndarray) -> dict[str, np.ndarray]:
        ss = o3l_steady_state(self.params, kmax=self.kmax, secular=self.secular, **values)
        return {"C_inf": ss.concurrence, "P_eigen": ss.eigen_populations, "secular_parameter": ss.secular_parameter}


def o3l_sweep(
    axes: Sequence[Axis],
    params: O3LParams = O3LParams(),
    *,
    kmax: int | None = None,
    secular: bool = True,
    chunk_size: int = 4096,
    progress: bool = False,
    description: str = "O3L C_inf map",
    **sweep_kwargs: Any,
) -> xr.Dataset:
    r"""Steady-state map over any O3LParams fields (axis names = field names), via :func:`~lzsm_gates.sweeps.run_sweep`.

    Outputs: ``C_inf``, ``P_eigen`` (populations of the H0 levels, trailing dim ``P_eigen_dim0``)
    and ``secular_parameter``.  The base parameters are stored in the attrs (``param_<name>``),
    the bath cutoff also as ``bath_cutoff`` (an axis named ``cutoff`` overrides it point by point),
    and ``steady_state`` says ``"secular"`` or ``"non-secular"`` (``secular``, see :func:`o3l_steady_state`).
    """
    p = _check_params(params)
    names = {f.name for f in fields(O3LParams)}
    for ax in axes:
        if not isinstance(ax, Axis) or ax.name not in names:
            raise LZSMInputError(f"axes must be Axis objects named after O3LParams fields {sorted(names)}, got {ax!r}")
    attrs = {**_param_attrs(p), "steady_state": "secular" if secular else "non-secular"}
    sweep_kwargs.setdefault("cost", fixed_cost(5e3))  # one steady state ~30 ms ~ 5e3 Magnus point-steps (cost guard)
    return run_sweep(
        _SteadyStateFunction(p, kmax, bool(secular)),
        axes,
        outputs=_OUTPUTS,
        chunk_size=chunk_size,
        progress=progress,
        description=description,
        attrs={**attrs, **sweep_kwargs.pop("attrs", {})},
        **sweep_kwargs,
    )


def map_amplitude_detuning(
    amplitude: Any = None, eps0: Any = None, xi: float = 0.1, params: O3LParams = O3LParams(), **kw: Any
) -> xr.Dataset:
    r""":math:`C_\infty(A, \varepsilon_0)` (paper Fig. 2: ``xi = 1`` and ``xi = 0.1``); default 0..6 ω on 100 x 100."""
    a = np.linspace(0.0, 6.0, 100) if amplitude is None else amplitude
    e = np.linspace(0.0, 6.0, 100) if eps0 is None else eps0
    return o3l_sweep(
        [Axis.explicit("amplitude", a, "omega"), Axis.explicit("eps0", e, "omega")],
        replace(params, xi=xi),
        description=f"O3L C_inf(A, eps0), xi = {xi}",
        **kw,
    )


def map_xi_amplitude(
    xi: Any = None, amplitude: Any = None, eps0: float = 3.7, params: O3LParams = O3LParams(), **kw: Any
) -> xr.Dataset:
    r""":math:`C_\infty(\xi, A)` at :math:`\varepsilon_0 = 3.7` (paper Fig. 6)."""
    x = np.linspace(0.0, 1.0, 51) if xi is None else xi
    a = np.linspace(0.0, 6.0, 61) if amplitude is None else amplitude
    return o3l_sweep(
        [Axis.explicit("xi", x), Axis.explicit("amplitude", a, "omega")],
        replace(params, eps0=eps0),
        description="O3L C_inf(xi, A)",
        **kw,
    )


def cut_detuning(
    eps0: Any = None, amplitudes: Sequence[float] = (3.8, 1.5), params: O3LParams = O3LParams(), **kw: Any
) -> xr.Dataset:
    r""":math:`C_\infty(\varepsilon_0)` cuts at fixed amplitudes (paper Fig. 7; SE/ES resonances near 3.25 and 3.75)."""
    e = np.linspace(0.0, 6.0, 601) if eps0 is None else eps0
    return o3l_sweep(
        [Axis.explicit("amplitude", list(amplitudes), "omega"), Axis.explicit("eps0", e, "omega")],
        params,
        description="O3L C_inf(eps0) cuts",
        **kw,
    )


def map_coupling_detuning(
    J: Any = None, eps0: Any = None, amplitude: float = 3.8, params: O3LParams = O3LParams(), **kw: Any
) -> xr.Dataset:
    r""":math:`C_\infty(J, \varepsilon_0)` at fixed A (paper Fig. 11, App. D)."""
    j = np.linspace(-5.0, 5.0, 51) if J is None else J
    e = np.linspace(0.0, 6.0, 61) if eps0 is None else eps0
    return o3l_sweep(
        [Axis.explicit("J", j, "omega"), Axis.explicit("eps0", e, "omega")],
        replace(params, amplitude=amplitude),
        description="O3L C_inf(J, eps0)",
        **kw,
    )


def cutoff_dependence(
    cutoffs: Any = (5.0, 10.0, 20.0, 50.0, 100.0, 1000.0),
    eps0: Any = (3.25, 3.7, 3.75),
    params: O3LParams = O3LParams(),
    **kw: Any,
) -> xr.Dataset:
    r""":math:`C_\infty` versus the (unpublished) bath cutoff :math:`\omega_c` at a few detunings.

    Same outputs as :func:`o3l_sweep`, dims ``(cutoff, eps0)``; the sensitivity is
    ``ds.C_inf - ds.C_inf.sel(cutoff=DEFAULT_CUTOFF)``.
    """
    return o3l_sweep(
        [Axis.explicit("cutoff", cutoffs, "omega"), Axis.explicit("eps0", eps0, "omega")],
        params,
        description="O3L C_inf vs bath cutoff",
        **kw,
    )
