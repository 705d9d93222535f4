r"""Maps over (A, omega): transition probability, approximation errors, gate-error landscapes.

For each grid point the exact one-period propagator
(:func:`lzsm_gates.propagate.period_propagator`) is computed once, together
with every requested approximation (:data:`lzsm_gates.approximations.APPROXIMATIONS`):

* ``P_exact`` :math:`= |\langle 1|U(T)|0\rangle|^2`,
* ``P_<name>`` for each approximation,
* ``error_<name>`` :math:`= 1 - F(U_\mathrm{approx}, U)` (Pedersen fidelity),
* ``chrw_unique_root`` (with ``"chrw"``): 1 where the self-consistent CHRW equation has a unique root.

:func:`cavity_map` the cavity steady-state entanglement,
:func:`rate_map` maps the Floquet decoherence rates (Figs. 6, 7),
:func:`error_landscape` maps the exact gate error of a design around its
operating point, :func:`pulse_populations` the populations during a pulse.
The maps run through the sweep engine (:func:`lzsm_gates.sweeps.run_sweep`),
so it is chunked, resumable (``checkpoint=``), parallel (``executor=``)
and shows a progress bar.  Axes are in units of the qubit gap.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import xarray as xr

from .approximations import APPROXIMATIONS
from .baths import Bath
from .cavity import CavityParams, steady_state_scan
from .chrw import chrw_xi
from .floquet import chrw_qubit_rates, qubit_rates
from .metrics import gate_error
from .models import DrivenModel, qubit_model
from .propagate import evolve, period_propagator, static_propagator
from .pulses import LZSMPulse
from .sweeps import Axis, run_sweep
from .units import LZSMInputError

__all__ = ["lzsm_map", "DEFAULT_APPROXIMATIONS", "error_landscape", "pulse_populations", "rate_map", "cavity_map"]

DEFAULT_APPROXIMATIONS: tuple[str, ...] = tuple(APPROXIMATIONS)


def _var(name: str) -> str:
    return name.replace("-", "_")


class _MapPoints:
    """Picklable batched evaluator of the map (works with process and Dask executors)."""

    def __init__(self, approximations: Sequence[str]) -> None:
        self.approximations = tuple(approximations)

    def __call__(self, A: np.ndarray, omega: np.ndarray) -> dict[str, np.ndarray]:  # noqa: N803 - physics names
        u = period_propagator(qubit_model(), A, omega)
        out = {"P_exact": np.abs(u[:, 1, 0]) ** 2}
        for name in self.approximations:
            v = APPROXIMATIONS[name](A, omega, 1.0)
            out[f"P_{_var(name)}"] = np.abs(v[:, 1, 0]) ** 2
            out[f"error_{_var(name)}"] = gate_error(u, v)
        if "chrw" in self.approximations:
            out["chrw_unique_root"] = chrw_xi(A, omega)[1].astype(float)
        return out


def lzsm_map(
    amplitudes: Axis | np.ndarray | Sequence[float],
    frequencies: Axis | np.ndarray | Sequence[float],
    approximations: Sequence[str] = DEFAULT_APPROXIMATIONS,
    **sweep_options: Any,
) -> xr.Dataset:
    r"""Exact and approximate :math:`P(A, \omega)` and approximation errors on a grid.

    Parameters
    ----------
    amplitudes, frequencies : Axis or array_like
        Drive amplitude :math:`A` and angular frequency :math:`\omega`, in
        units of the gap :math:`\Delta` (the result's axes are named ``A``
        and ``omega``).
    approximations : sequence of str
        Keys of :data:`~lzsm_gates.approximations.APPROXIMATIONS`.
    **sweep_options
        Passed to :func:`~lzsm_gates.sweeps.run_sweep` (``chunk_size``,
        ``checkpoint``, ``executor``, ``progress``...).

    Returns
    -------
    xarray.Dataset
        Dimensions ``(A, omega)``; variables described in the module docstring.
    """
    unknown = [a for a in approximations if a not in APPROXIMATIONS]
    if unknown:
        raise LZSMInputError(f"approximations must be among {sorted(APPROXIMATIONS)}, got {unknown}")
    a_axis = Axis.explicit("A", getattr(amplitudes, "values", amplitudes), units="Delta")
    w_axis = Axis.explicit("omega", getattr(frequencies, "values", frequencies), units="Delta")
    outputs = {"P_exact": ""}
    for name in approximations:
        outputs[f"P_{_var(name)}"] = ""
        outputs[f"error_{_var(name)}"] = ""
    if "chrw" in approximations:
        outputs["chrw_unique_root"] = ""
    sweep_options.setdefault("description", "LZSM map P(A, omega)")
    sweep_options.setdefault("key", "lzsm_map:" + ",".join(approximations))
    return run_sweep(_MapPoints(approximations), [a_axis, w_axis], outputs=outputs, **sweep_options)


class _LandscapePoints:
    """Picklable batched evaluator of the exact gate error around a design (fixed idles)."""

    def __init__(self, target: np.ndarray, idle_before: float, idle_after: float, model: DrivenModel) -> None:
        self.target, self.idle_before, self.idle_after, self.model = target, idle_before, idle_after, model

    def __call__(self, A: np.ndarray, omega: np.ndarray) -> dict[str, np.ndarray]:  # noqa: N803 - physics names
        u = period_propagator(self.model, A, omega)
        gate = static_propagator(self.model.static, self.idle_after) @ u @ static_propagator(self.model.static, self.idle_before)
        return {"gate_error": gate_error(self.target, gate)}


def error_landscape(
    pulse: LZSMPulse,
    target: np.ndarray,
    model: DrivenModel,
    *,
    span: float = 0.1,
    num: int = 61,
    **sweep_options: Any,
) -> xr.Dataset:
    r"""Exact gate error around a pulse in :math:`(A, \omega)` with its idles fixed (gates paper Figs. 3, 5a).

    Parameters
    ----------
    pulse : LZSMPulse
        The design's pulse (centre of the map).
    target : ndarray
        Target unitary of the model's dimension.
    model : DrivenModel
        Single-qubit or two-qubit model.
    span : float
        Relative half-width of the window in :math:`A` and :math:`\omega`.
    num : int
        Points per axis.
    """
    a = pulse.amplitude * np.linspace(1 - span, 1 + span, num)
    w = pulse.frequency * np.linspace(1 - span, 1 + span, num)
    sweep_options.setdefault("description", "gate error landscape")
    sweep_options.setdefault("key", f"landscape:{pulse.to_dict()}")
    return run_sweep(
        _LandscapePoints(np.asarray(target), pulse.idle_before, pulse.idle_after, model),
        [Axis.explicit("A", a, units="Delta"), Axis.explicit("omega", w, units="Delta")],
        outputs={"gate_error": ""},
        **sweep_options,
    )


def pulse_populations(pulse: LZSMPulse, model: DrivenModel, initial: int, num: int = 201) -> xr.DataArray:
    r"""Populations :math:`|\langle k|U(t)|\text{initial}\rangle|^2` during the drive period (gates paper Fig. 5b).

    Time runs over the drive period only (idles excluded), in units of :math:`1/\Delta`.
    """
    fractions = np.linspace(0.0, 1.0, num)
    u = evolve(model, pulse.amplitude, pulse.frequency, fractions)
    pops = np.abs(u[:, :, initial]) ** 2
    labels = list(model.labels) if model.labels else [str(k) for k in range(model.dim)]
    return xr.DataArray(
        pops,
        dims=("t", "state"),
        coords={"t": ("t", fractions * pulse.period, {"units": "1/Delta"}), "state": labels},
        name="population",
        attrs={"initial": labels[initial]},
    )


class _RatePoints:
    """Picklable batched evaluator of the exact and CHRW Floquet rates for sigma_x noise."""

    def __init__(self, bath: Bath) -> None:
        self.bath = bath

    def __call__(self, A: np.ndarray, omega: np.ndarray) -> dict[str, np.ndarray]:  # noqa: N803 - physics names
        exact = qubit_rates(A, omega, self.bath)
        approx = chrw_qubit_rates(A, omega, self.bath)
        return {
            "gamma1": exact.gamma1,
            "gamma_phi": exact.gamma_phi,
            "gamma2": exact.gamma2,
            "gamma1_chrw": approx.gamma1,
            "gamma_phi_chrw": approx.gamma_phi,
            "secular_parameter": np.minimum(exact.secular_parameter, 1e6),  # inf at an exact crossing
        }


def rate_map(
    amplitudes: Axis | np.ndarray | Sequence[float],
    frequencies: Axis | np.ndarray | Sequence[float],
    bath: Bath,
    **sweep_options: Any,
) -> xr.Dataset:
    r"""Floquet :math:`\Gamma_1, \Gamma_\varphi, \Gamma_2` (exact and CHRW) for :math:`\sigma_x` noise on an (A, omega) grid.

    Gates paper Figs. 6, 7.  Rates in units of the gap; ``secular_parameter``
    above ~0.1 marks points near quasienergy crossings, where the secular
    approximation breaks down (capped at 1e6 on an exact crossing).
    """
    a_axis = Axis.explicit("A", getattr(amplitudes, "values", amplitudes), units="Delta")
    w_axis = Axis.explicit("omega", getattr(frequencies, "values", frequencies), units="Delta")
    outputs = {k: "Delta" for k in ("gamma1", "gamma_phi", "gamma2", "gamma1_chrw", "gamma_phi_chrw")}
    outputs["secular_parameter"] = ""
    sweep_options.setdefault("description", "Floquet rates")
    sweep_options.setdefault("key", f"rate_map:{bath!r}")
    sweep_options.setdefault("chunk_size", 2048)
    return run_sweep(_RatePoints(bath), [a_axis, w_axis], outputs=outputs, **sweep_options)


class _CavityPoints:
    """Picklable batched evaluator of the cavity steady-state observables."""

    def __init__(self, params: CavityParams, outputs: tuple[str, ...]) -> None:
        self.params, self.outputs = params, outputs

    def __call__(self, g2: np.ndarray, drive: np.ndarray) -> dict[str, np.ndarray]:
        scan = steady_state_scan(g2, drive, params=self.params)
        return {k: scan[k] for k in self.outputs}


def cavity_map(
    couplings: Axis | np.ndarray | Sequence[float],
    drives: Axis | np.ndarray | Sequence[float],
    params: CavityParams | None = None,
    outputs: Sequence[str] = ("concurrence", "photon_number"),
    **sweep_options: Any,
) -> xr.Dataset:
    r"""Steady-state :math:`E_{ss}` (and other observables) over :math:`(g_2/g_1, d/g_1)` (cavity paper Figs. 3, 5).

    ``outputs`` are keys of :func:`~lzsm_gates.cavity.steady_state_scan`
    (``"cross_correlation"`` is undefined at ``d = 0`` and reported as a bad chunk there).
    """
    g_axis = Axis.explicit("g2", getattr(couplings, "values", couplings), units="g1")
    d_axis = Axis.explicit("drive", getattr(drives, "values", drives), units="g1")
    base = CavityParams() if params is None else params
    sweep_options.setdefault("description", "cavity steady state")
    sweep_options.setdefault("key", f"cavity_map:{base!r}:{','.join(outputs)}")
    sweep_options.setdefault("chunk_size", 64)
    return run_sweep(_CavityPoints(base, tuple(outputs)), [g_axis, d_axis], outputs={k: "" for k in outputs}, **sweep_options)
