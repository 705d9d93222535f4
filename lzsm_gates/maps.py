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
so they are chunked, resumable (``checkpoint=``), parallel (``executor=``),
guarded against runaway cost (``allow_large=``) and show a progress bar;
the execution settings are a :class:`~lzsm_gates.sweeps.SweepOptions`
(``options=``) or its fields as keywords.  The grids are checked before any
work (drive frequencies must be positive, amplitudes finite), and every
result records its numerical settings and the package version in its
attributes (``attrs["map_settings"]``, ``attrs["lzsm_gates_version"]``).

Units: without a device, axes are in units of the qubit gap :math:`\Delta`.
With ``device=`` (a :class:`~lzsm_gates.units.Device`), the grids are given
and returned in lab units: :math:`A/2\pi` and :math:`\omega/2\pi` in MHz,
rates in 1/µs, times in ns; the gap-unit values stay available as the
coordinates ``A_gap`` and ``omega_gap`` (and the attribute ``gap_hz``).
"""

from __future__ import annotations

import json
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
from .propagate import evolve, period_propagator, static_propagator, steps_per_period
from .pulses import LZSMPulse
from .sweeps import Axis, SweepOptions, fixed_cost, run_sweep
from .units import _MAX_GAP_MULTIPLE, Device, LZSMInputError, check_finite, check_integer, check_positive

__all__ = [
    "lzsm_map",
    "DEFAULT_APPROXIMATIONS",
    "error_landscape",
    "pulse_populations",
    "rate_map",
    "cavity_map",
    "to_lab_units",
]

DEFAULT_APPROXIMATIONS: tuple[str, ...] = tuple(APPROXIMATIONS)


def _var(name: str) -> str:
    return name.replace("-", "_")


def _grid_axis(name: str, values: Any, what: str, *, positive: bool = False, units: str = "Delta",
               device: Device | None = None) -> Axis:
    """A validated map axis; with a device, ``values`` are in MHz and converted to gap units."""
    raw = getattr(values, "values", values)
    label = f"{what} (axis {name!r}{', MHz' if device is not None else ''})"
    checked = check_positive(label, raw) if positive else check_finite(label, raw)
    if device is not None:
        checked = device.frequency_from_hz(checked * 1e6)
    if units == "Delta" and np.any(np.abs(checked) > _MAX_GAP_MULTIPLE):  # the range of a Device's drive bounds
        raise LZSMInputError(
            f"{label} must lie within {_MAX_GAP_MULTIPLE:g} gaps in magnitude, got up to {np.abs(checked).max():.3g} gaps"
        )
    return Axis.explicit(name, checked, units=units)


def _steps_cost(model: DrivenModel) -> Any:
    """Cost function of a propagator map: Magnus steps per drive period at each point."""
    return lambda A, omega: steps_per_period(model, A, omega)  # noqa: N803 - physics names


def _options(options: SweepOptions | None, keywords: dict[str, Any], **defaults: Any) -> tuple[SweepOptions, dict]:
    """Split the map keywords into sweep options (with the map's defaults) and the run_sweep extras."""
    extras = {k: keywords.pop(k) for k in ("key", "description", "attrs") if k in keywords}
    resolved = SweepOptions.resolve(options, **keywords)
    if resolved.chunk_size is None and "chunk_size" in defaults:
        resolved = SweepOptions.resolve(resolved, chunk_size=defaults["chunk_size"])
    return resolved, extras


def _provenance(settings: dict[str, Any], device: Device | None) -> dict[str, Any]:
    attrs: dict[str, Any] = {"map_settings": json.dumps(settings, default=str)}
    if device is not None:
        attrs.update(gap_hz=device.gap_hz, device=device.name)
    return attrs


def to_lab_units(ds: xr.Dataset, device: Device, rates: Sequence[str] = ()) -> xr.Dataset:
    r"""Express a map's gap-unit axes in MHz and its rates in 1/µs.

    Every dimension coordinate with units ``"Delta"`` becomes :math:`x/2\pi`
    in MHz (``x * f_q``, since :math:`x` is a multiple of :math:`\Delta = 2\pi f_q`);
    the gap-unit values are kept as the coordinate ``<name>_gap``.  The
    variables named in ``rates`` (in units of :math:`\Delta`) become rates in
    1/µs (``x * 2 pi f_q * 1e-6``).

    Parameters
    ----------
    ds : xarray.Dataset
        A map in gap units.
    device : Device
        Supplies the gap :math:`f_q`.
    rates : sequence of str
        Variables that are rates.
    """
    if not isinstance(device, Device):
        raise LZSMInputError(f"device must be a Device, got {type(device).__name__}")
    out = ds.copy()
    for name in list(ds.dims):
        if name in ds.coords and ds[name].attrs.get("units") == "Delta":
            coord = ds[name]
            out = out.assign_coords({f"{name}_gap": (name, coord.values, {"units": "Delta"})})
            out = out.assign_coords({name: (name, coord.values * device.gap_hz / 1e6, {**coord.attrs, "units": "MHz"})})
    for name in rates:  # raw values: the gap-unit coordinates of ``ds`` no longer align with ``out``
        variable = ds[name].variable
        out[name] = (variable.dims, variable.values * (device.gap_angular * 1e-6), {**variable.attrs, "units": "1/us"})
    out.attrs = {**ds.attrs, "gap_hz": device.gap_hz, "device": device.name}
    return out


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
    *,
    device: Device | None = None,
    options: SweepOptions | None = None,
    **sweep_options: Any,
) -> xr.Dataset:
    r"""Exact and approximate :math:`P(A, \omega)` and approximation errors on a grid.

    Parameters
    ----------
    amplitudes, frequencies : Axis or array_like
        Drive amplitude :math:`A` (finite) and angular frequency :math:`\omega`
        (> 0), in units of the gap :math:`\Delta`, or with ``device`` as
        :math:`A/2\pi` and :math:`\omega/2\pi` in MHz (the result's axes are
        named ``A`` and ``omega``).
    approximations : sequence of str
        Keys of :data:`~lzsm_gates.approximations.APPROXIMATIONS`.
    device : Device, optional
        Work in lab units (see the module docstring).
    options : SweepOptions, optional
        Execution settings.
    **sweep_options
        Fields of :class:`~lzsm_gates.sweeps.SweepOptions` (``chunk_size``,
        ``checkpoint``, ``executor``, ``progress``, ``on_error``,
        ``allow_large``) and ``key``, ``description``, ``attrs`` of
        :func:`~lzsm_gates.sweeps.run_sweep`.

    Returns
    -------
    xarray.Dataset
        Dimensions ``(A, omega)``; variables described in the module docstring.

    Raises
    ------
    LZSMInputError
        For an invalid grid (naming the axis), unknown approximations or
        options, or a grid above the cost limits without ``allow_large``.
    """
    unknown = [a for a in approximations if a not in APPROXIMATIONS]
    if unknown:
        raise LZSMInputError(f"approximations must be among {sorted(APPROXIMATIONS)}, got {unknown}")
    a_axis = _grid_axis("A", amplitudes, "amplitudes", device=device)
    w_axis = _grid_axis("omega", frequencies, "frequencies", positive=True, device=device)
    outputs = {"P_exact": ""}
    for name in approximations:
        outputs[f"P_{_var(name)}"] = ""
        outputs[f"error_{_var(name)}"] = ""
    if "chrw" in approximations:
        outputs["chrw_unique_root"] = ""
    opts, extras = _options(options, sweep_options)
    extras.setdefault("description", "LZSM map P(A, omega)")
    extras["attrs"] = {**_provenance({"approximations": list(approximations)}, device), **extras.get("attrs", {})}
    ds = run_sweep(_MapPoints(approximations), [a_axis, w_axis], outputs=outputs, options=opts,
                   cost=_steps_cost(qubit_model()), **extras)
    return ds if device is None else to_lab_units(ds, device)


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
    device: Device | None = None,
    options: SweepOptions | None = None,
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
        Relative half-width of the window in :math:`A` and :math:`\omega`, in (0, 1).
    num : int
        Points per axis, >= 1.
    device : Device, optional
        Return the axes in MHz (see the module docstring).
    options, **sweep_options
        As for :func:`lzsm_map`.
    """
    span = float(check_positive("span", span))
    if span >= 1:
        raise LZSMInputError(f"span must lie in (0, 1) (a relative half-width), got {span!r}")
    num = check_integer("num", num, minimum=1)
    target = np.asarray(target)
    if target.shape != (model.dim, model.dim) or not np.all(np.isfinite(target)):
        raise LZSMInputError(f"target must be a finite {model.dim}x{model.dim} matrix, got shape {target.shape}")
    a = pulse.amplitude * np.linspace(1 - span, 1 + span, num)
    w = pulse.frequency * np.linspace(1 - span, 1 + span, num)
    opts, extras = _options(options, sweep_options)
    extras.setdefault("description", "gate error landscape")
    extras["attrs"] = {**_provenance({"pulse": pulse.to_dict(), "span": span, "model": repr(model)}, device),
                       **extras.get("attrs", {})}
    ds = run_sweep(
        _LandscapePoints(target, pulse.idle_before, pulse.idle_after, model),
        [Axis.explicit("A", a, units="Delta"), Axis.explicit("omega", w, units="Delta")],
        outputs={"gate_error": ""},
        options=opts,
        cost=_steps_cost(model),
        **extras,
    )
    return ds if device is None else to_lab_units(ds, device)


def pulse_populations(
    pulse: LZSMPulse, model: DrivenModel, initial: int, num: int = 201, *, device: Device | None = None
) -> xr.DataArray:
    r"""Populations :math:`|\langle k|U(t)|\text{initial}\rangle|^2` during the drive period (gates paper Fig. 5b).

    Time runs over the drive period only (idles excluded), in units of
    :math:`1/\Delta`, or in ns with ``device`` (the gap-unit times stay as
    the coordinate ``t_gap``).
    """
    if isinstance(initial, bool) or not isinstance(initial, (int, np.integer)) or not 0 <= initial < model.dim:
        raise LZSMInputError(f"initial must be a basis state index in [0, {model.dim - 1}], got {initial!r}")
    num = check_integer("num", num, minimum=2)
    fractions = np.linspace(0.0, 1.0, num)
    u = evolve(model, pulse.amplitude, pulse.frequency, fractions)
    pops = np.abs(u[:, :, initial]) ** 2
    labels = list(model.labels) if model.labels else [str(k) for k in range(model.dim)]
    times = fractions * pulse.period
    coords: dict[str, Any] = {"t": ("t", times, {"units": "1/Delta"}), "state": labels}
    if device is not None:
        coords["t"] = ("t", device.time_to_ns(times), {"units": "ns"})
        coords["t_gap"] = ("t", times, {"units": "1/Delta"})
    return xr.DataArray(pops, dims=("t", "state"), coords=coords, name="population", attrs={"initial": labels[initial]})


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


_RATES = ("gamma1", "gamma_phi", "gamma2", "gamma1_chrw", "gamma_phi_chrw")


def rate_map(
    amplitudes: Axis | np.ndarray | Sequence[float],
    frequencies: Axis | np.ndarray | Sequence[float],
    bath: Bath,
    *,
    device: Device | None = None,
    options: SweepOptions | None = None,
    **sweep_options: Any,
) -> xr.Dataset:
    r"""Floquet :math:`\Gamma_1, \Gamma_\varphi, \Gamma_2` (exact and CHRW) for :math:`\sigma_x` noise on an (A, omega) grid.

    Gates paper Figs. 6, 7.  Rates in units of the gap (with ``device``: axes
    in MHz and rates in 1/µs); ``secular_parameter`` above ~0.1 marks points
    near quasienergy crossings, where the secular approximation breaks down
    (capped at 1e6 on an exact crossing).  Grid and options as for :func:`lzsm_map`.
    """
    if not isinstance(bath, Bath):
        raise LZSMInputError(f"bath must be a Bath, got {type(bath).__name__}")
    a_axis = _grid_axis("A", amplitudes, "amplitudes", device=device)
    w_axis = _grid_axis("omega", frequencies, "frequencies", positive=True, device=device)
    outputs = {k: "Delta" for k in _RATES}
    outputs["secular_parameter"] = ""
    opts, extras = _options(options, sweep_options, chunk_size=2048)
    extras.setdefault("description", "Floquet rates")
    extras["attrs"] = {**_provenance({"bath": repr(bath)}, device), **extras.get("attrs", {})}
    ds = run_sweep(_RatePoints(bath), [a_axis, w_axis], outputs=outputs, options=opts,
                   cost=_steps_cost(qubit_model()), **extras)
    return ds if device is None else to_lab_units(ds, device, rates=_RATES)


class _CavityPoints:
    """Picklable batched evaluator of the cavity steady-state observables."""

    def __init__(self, params: CavityParams, outputs: tuple[str, ...]) -> None:
        self.params, self.outputs = params, outputs

    def __call__(self, g2: np.ndarray, drive: np.ndarray) -> dict[str, np.ndarray]:
        scan = steady_state_scan(g2, drive, params=self.params)
        return {k: scan[k] for k in self.outputs}


_CAVITY_POINT_COST = 8e3  # one steady state ~40 ms ~ 8e3 Magnus point-steps (measured, one core)


def cavity_map(
    couplings: Axis | np.ndarray | Sequence[float],
    drives: Axis | np.ndarray | Sequence[float],
    params: CavityParams | None = None,
    outputs: Sequence[str] = ("concurrence", "photon_number"),
    *,
    options: SweepOptions | None = None,
    **sweep_options: Any,
) -> xr.Dataset:
    r"""Steady-state :math:`E_{ss}` (and other observables) over :math:`(g_2/g_1, d/g_1)` (cavity paper Figs. 3, 5).

    ``couplings`` must be > 0 and ``drives`` >= 0 (both in units of :math:`g_1`).
    ``outputs`` are keys of :func:`~lzsm_gates.cavity.steady_state_scan`
    (``"cross_correlation"`` is undefined at ``d = 0`` and reported as a bad chunk there).
    Options as for :func:`lzsm_map`.
    """
    g_axis = _grid_axis("g2", couplings, "couplings g2/g1", positive=True, units="g1")
    d_raw = check_positive("drives d/g1 (axis 'drive')", getattr(drives, "values", drives), allow_zero=True)
    d_axis = Axis.explicit("drive", d_raw, units="g1")
    base = CavityParams() if params is None else params
    if not isinstance(base, CavityParams):
        raise LZSMInputError(f"params must be a CavityParams, got {type(base).__name__}")
    opts, extras = _options(options, sweep_options, chunk_size=64)
    extras.setdefault("description", "cavity steady state")
    extras["attrs"] = {**_provenance({"params": repr(base)}, None), **extras.get("attrs", {})}
    return run_sweep(_CavityPoints(base, tuple(outputs)), [g_axis, d_axis], outputs={k: "" for k in outputs},
                     options=opts, cost=fixed_cost(_CAVITY_POINT_COST), **extras)
