"""Figures of the papers, drawn from the library's results (matplotlib).

Every function takes data produced elsewhere (a map dataset, a design...)
and returns the matplotlib :class:`~matplotlib.figure.Figure`; nothing here
computes physics beyond cheap closed forms.  Physics modules never import
this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.colors import LogNorm

from .units import LZSMInputError

if TYPE_CHECKING:
    from .design import DesignResult, OperatingCurve
    from .qiskit.rabi import RabiComparison


__all__ = [
    "plot_map",
    "plot_probability_maps",
    "plot_error_map",
    "plot_approximation_cut",
    "plot_operating_curves",
    "plot_error_landscape",
    "plot_populations",
    "plot_rates_cut",
    "plot_rate_maps",
    "plot_error_along_curves",
    "plot_rabi_comparison",
    "plot_o3l_dynamics",
    "plot_o3l_rates",
    "plot_peak_concurrence",
]

_LABELS = {"A": r"$A/\Delta$", "omega": r"$\omega/\Delta$"}
_LAB_LABELS = {"A": r"$A/2\pi$ (MHz)", "omega": r"$\omega/2\pi$ (MHz)"}


def _axis_label(coord: xr.DataArray) -> str:
    """Axis label of a map coordinate from its name and ``units`` attribute (gap units or MHz)."""
    name = str(coord.name)
    if coord.attrs.get("units") == "MHz":
        return _LAB_LABELS.get(name, f"{name} (MHz)")
    return _LABELS.get(name, name)


def plot_map(
    data: xr.DataArray,
    *,
    ax: plt.Axes | None = None,
    log: bool = False,
    vmin: float | None = None,
    vmax: float | None = None,
    cmap: str = "viridis",
    title: str | None = None,
    label: str | None = None,
) -> plt.Figure:
    """Colour map of a 2-D DataArray with the first dimension on the vertical axis (as the papers)."""
    if data.ndim != 2:
        raise LZSMInputError(f"plot_map needs a 2-D DataArray, got dims {data.dims}")
    values = np.asarray(data.values, dtype=float)
    finite = np.isfinite(values)
    if not finite.all():
        # a figure with holes (or a blank one) would hide failed points: refuse and name them
        raise LZSMInputError(
            f"{data.name or 'map'} has {int((~finite).sum())} non-finite points of {values.size}; "
            "see the sweep failures (lzsm_gates.sweeps.sweep_failures) and recompute them before plotting"
        )
    ydim, xdim = data.dims
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(5.2, 4.2))
    norm = None
    if log:
        floor = vmin if vmin is not None else max(np.nanmin(values[values > 0]), 1e-16)
        norm = LogNorm(vmin=floor, vmax=vmax if vmax is not None else np.nanmax(values))
        values = np.clip(values, floor, None)
    mesh = ax.pcolormesh(
        data[xdim].values,
        data[ydim].values,
        values,
        shading="auto",
        cmap=cmap,
        norm=norm,
        vmin=None if log else vmin,
        vmax=None if log else vmax,
    )
    fig.colorbar(mesh, ax=ax, label=label if label is not None else data.name)
    ax.set_xlabel(_axis_label(data[xdim]))
    ax.set_ylabel(_axis_label(data[ydim]))
    if title:
        ax.set_title(title)
    return fig


def plot_probability_maps(ds: xr.Dataset) -> plt.Figure:
    """Gates paper Figs. 1 and 2(a): exact and CHRW :math:`P(A, \\omega)` side by side."""
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 4.2), constrained_layout=True)
    plot_map(ds["P_exact"], ax=axes[0], vmin=0, vmax=1, title="exact (Fig. 1)", label="P")
    if "P_chrw" in ds:
        plot_map(ds["P_chrw"], ax=axes[1], vmin=0, vmax=1, title="CHRW (Fig. 2a)", label="P")
    return fig


def plot_error_map(ds: xr.Dataset, name: str = "chrw") -> plt.Figure:
    """Gates paper Fig. 2(b): error :math:`1 - F` of an approximation against exact propagation (log scale)."""
    var = f"error_{name.replace('-', '_')}"
    fig = plot_map(ds[var], log=True, vmin=1e-8, vmax=1.0, cmap="magma", label=r"$1-F$", title=f"{name} error (Fig. 2b)")
    return fig


def plot_approximation_cut(ds: xr.Dataset, amplitude: float | None = None) -> plt.Figure:
    """Gates paper Fig. 8: :math:`P` vs :math:`\\omega` at fixed :math:`A`, exact against the approximations.

    ``ds`` is a :func:`~lzsm_gates.maps.lzsm_map` result; the cut is taken at
    the amplitude nearest to ``amplitude`` (default: the first one).
    """
    cut = ds.isel(A=0) if amplitude is None else ds.sel(A=amplitude, method="nearest")
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(cut["omega"], cut["P_exact"], "k-", lw=2.5, label="exact")
    for var in cut.data_vars:
        if var.startswith("P_") and var != "P_exact":
            ax.plot(cut["omega"], cut[var], "--", label=var[2:])
    ax.set_xlabel(_axis_label(cut["omega"]))
    ax.set_ylabel("P")
    unit = "MHz" if cut["A"].attrs.get("units") == "MHz" else "Δ"
    ax.set_title(f"A = {float(cut['A']):g} {unit} (Fig. 8)")
    ax.legend()
    return fig


def plot_operating_curves(curves: dict[str, "OperatingCurve"], *, ax: plt.Axes | None = None, title: str = "Fig. 4a") -> plt.Figure:
    """Gates paper Fig. 4(a/b): operating points of several targets (or the identity) in the :math:`(\\omega, A)` plane."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(5.5, 4.2))
    for k, (label, curve) in enumerate(curves.items()):
        ax.plot(curve.frequency, curve.amplitude, "o.^sx+"[k % 6], ms=3 + 2 * (k % 2), mfc="none", label=label)
    ax.set_xlabel(_LABELS["omega"])
    ax.set_ylabel(_LABELS["A"])
    ax.set_title(title)
    ax.legend(markerscale=4)
    return fig


def plot_error_landscape(ds: xr.Dataset, *, title: str = "exact gate error (Figs. 3, 5a)") -> plt.Figure:
    """Exact gate error around a design (log scale) with the centre marked."""
    fig = plot_map(ds["gate_error"], log=True, vmin=1e-12, vmax=1.0, cmap="magma_r", label=r"$1-F$", title=title)
    ax = fig.axes[0]
    ax.plot(float(ds["omega"][ds.sizes["omega"] // 2]), float(ds["A"][ds.sizes["A"] // 2]), "c+", ms=12, mew=2)
    return fig


def plot_populations(pops: xr.DataArray, *, title: str = "populations during the pulse (Fig. 5b)") -> plt.Figure:
    """Populations versus time during one drive period."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for state in pops["state"].values:
        ax.plot(pops["t"], pops.sel(state=state), label=f"|{state}>")
    ax.set_xlabel(r"$t\,\Delta$")
    ax.set_ylabel("population")
    ax.set_title(f"{title}, from |{pops.attrs.get('initial', '')}>")
    ax.legend()
    return fig


def plot_rates_cut(ds: xr.Dataset, omega: float) -> plt.Figure:
    """Gates paper Fig. 6: :math:`\\Gamma_1` (a) and :math:`\\Gamma_\\varphi, \\Gamma_2` (b) vs A at fixed omega, exact and CHRW."""
    cut = ds.sel(omega=omega, method="nearest")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    ax1.plot(cut["A"], cut["gamma1"], "k-", label="exact Floquet")
    ax1.plot(cut["A"], cut["gamma1_chrw"], "r--", label="CHRW")
    ax1.set_ylabel(r"$\Gamma_1/\Delta$")
    ax2.plot(cut["A"], cut["gamma_phi"], "k-", label=r"$\Gamma_\varphi$ exact")
    ax2.plot(cut["A"], cut["gamma_phi_chrw"], "r--", label=r"$\Gamma_\varphi$ CHRW")
    ax2.plot(cut["A"], cut["gamma2"], "b-", label=r"$\Gamma_2$ exact")
    ax2.set_ylabel("rate / Δ")
    for ax, tag in ((ax1, "(a)"), (ax2, "(b)")):
        ax.set_xlabel(_LABELS["A"])
        ax.set_title(f"Fig. 6{tag}, ω = {float(cut['omega']):.3g} Δ")
        ax.legend()
    return fig


def plot_rate_maps(ds: xr.Dataset, curves: dict[str, "OperatingCurve"] | None = None) -> plt.Figure:
    """Gates paper Fig. 7: maps of :math:`\\Gamma_1` and :math:`\\Gamma_2` with the gate operating points overlaid."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    plot_map(ds["gamma1"], ax=axes[0], cmap="coolwarm", title=r"Fig. 7(a) $\Gamma_1$", label=r"$\Gamma_1/\Delta$")
    plot_map(ds["gamma2"], ax=axes[1], cmap="coolwarm", title=r"Fig. 7(b) $\Gamma_2$", label=r"$\Gamma_2/\Delta$")
    a_lo, a_hi = float(ds["A"].min()), float(ds["A"].max())
    w_lo, w_hi = float(ds["omega"].min()), float(ds["omega"].max())
    for ax in axes:
        for k, (label, c) in enumerate((curves or {}).items()):
            inside = (c.amplitude >= a_lo) & (c.amplitude <= a_hi) & (c.frequency >= w_lo) & (c.frequency <= w_hi)
            ax.plot(c.frequency[inside], c.amplitude[inside], "o^sD"[k % 4], color="k", ms=3, mfc="none", label=label)
        if curves:
            ax.legend(fontsize=8)
    return fig


def plot_error_along_curves(results: dict[str, "DesignResult"]) -> plt.Figure:
    """Total (coherent + incoherent) error of each candidate of noise-ranked designs vs drive frequency."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, result in results.items():
        w = np.array([c.pulse.frequency for c in result.candidates])
        total = np.array([c.open_system_error + c.exact_error for c in result.candidates])
        order = np.argsort(w)
        line = ax.semilogy(w[order], total[order], ".", label=label)[0]
        best = result.best
        ax.semilogy(best.pulse.frequency, best.open_system_error + best.exact_error, "*", ms=14, color=line.get_color())
    ax.set_xlabel(_LABELS["omega"])
    ax.set_ylabel("total gate error")
    ax.set_title("noise-aware ranking (★ = optimum)")
    ax.legend()
    return fig


def plot_rabi_comparison(comparison: RabiComparison) -> plt.Figure:
    """Gate error vs duration: LZSM designs against resonant Rabi (RWA) gates on the same small-gap qubit.

    ``comparison`` comes from :func:`lzsm_gates.qiskit.compare_with_rabi`; with
    an open-system error (``noisy_error`` not NaN) the gates are also drawn dashed / open.
    """
    fig, ax = plt.subplots(figsize=(6, 4))
    for k, target in enumerate(comparison.targets):
        rabi, lzsm = list(comparison.rabi(target)), [comparison.lzsm(target)]
        color = f"C{k}"
        for key, style, note in (("exact_error", "-", "closed"), ("noisy_error", "--", "with noise")):
            if not all(np.isfinite(getattr(r, key)) for r in rabi + lzsm):
                continue
            ax.loglog([r.duration_ns for r in rabi], [max(getattr(r, key), 1e-16) for r in rabi], "o" + style, color=color,
                      mfc=color if style == "-" else "none", label=f"{target}: resonant Rabi ({note})")
            ax.loglog([r.duration_ns for r in lzsm], [max(getattr(r, key), 1e-16) for r in lzsm], "*", ms=14, color=color,
                      mfc=color if style == "-" else "none", label=f"{target}: LZSM ({note})")
    ax.set_xlabel("gate duration (ns)")
    ax.set_ylabel("gate error $1 - F_{avg}$")
    ax.set_title("LZSM vs resonant Rabi gates")
    ax.legend(fontsize=7)
    return fig


def plot_o3l_dynamics(ds: xr.Dataset) -> plt.Figure:
    """O3L paper Figs. 3, 8, 9: populations of the :math:`H_0` levels and concurrence vs time from the ground state."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for level in ds["level"].values:
        ax1.semilogx(ds["t"], ds["P"].sel(level=level), label=f"$P_{level}$")
    ax2.semilogx(ds["t"], ds["C"], "k-")
    for ax, ylabel in ((ax1, "population"), (ax2, "concurrence C(t)")):
        ax.set_xlabel(f"t ({ds['t'].attrs.get('units', '')})")
        ax.set_ylabel(ylabel)
    ax1.legend()
    return fig


def plot_o3l_rates(ds: xr.Dataset) -> plt.Figure:
    """O3L paper Figs. 5 and 10: dominant rates vs :math:`\\xi`, FGR (A = 0), Floquet and effective (Eq. C9)."""
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), constrained_layout=True, sharey=True)
    for ax, (var, title) in zip(axes, [("fgr", "FGR, A = 0 (Fig. 5a)"), ("floquet", "Floquet (Fig. 5b)"),
                                      ("effective", "effective, Eq. C9 (Fig. 10)")]):
        for t in ds["transition"].values:
            ax.semilogy(ds["xi"], np.maximum(ds[var].sel(transition=t), 1e-12), label=rf"$\Gamma_{{{t}}}$")
        ax.set_xlabel(r"$\xi$")
        ax.set_title(title)
    axes[0].set_ylabel(r"rate / $\omega$")
    axes[0].legend()
    return fig


def plot_peak_concurrence(g2: np.ndarray, peaks: dict[int, np.ndarray], thresholds: dict[int, float]) -> plt.Figure:
    """Cavity paper Fig. 1: peak concurrence vs :math:`g_2/g_1` for several photon numbers, with the analytic thresholds."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for k, (n_ph, values) in enumerate(peaks.items()):
        ax.plot(g2, values, "o-", color=f"C{k}", ms=3, label=f"$N_{{ph}}$ = {n_ph}")
        ax.axvline(thresholds[n_ph], color=f"C{k}", ls="--", lw=1)
    ax.set_xlabel("$g_2/g_1$")
    ax.set_ylabel("peak concurrence")
    ax.set_title("Fig. 1: MES thresholds (dashed: analytic)")
    ax.legend()
    return fig


def plot_design(result: "DesignResult", *, fig: plt.Figure | None = None, n_samples: int = 400) -> plt.Figure:
    """Design summary figure: operating points in (f, A/2pi) with the chosen one, and its pulse waveform.

    Parameters
    ----------
    result : DesignResult
        From :func:`lzsm_gates.design.design_gate` (its CHRW curve is drawn when present).
    fig : Figure, optional
        Figure to draw into (two axes are added).
    n_samples : int
        Samples of the drawn waveform.
    """
    best = result.best
    dev = best.device
    fig = fig or plt.figure(figsize=(9, 3.6))
    ax_curve, ax_pulse = fig.subplots(1, 2)
    if result.curve is not None and len(result.curve):
        ax_curve.plot(dev.frequency_to_hz(result.curve.frequency) / 1e6, dev.frequency_to_hz(result.curve.amplitude) / 1e6,
                      ".", ms=2, color="0.6", label="CHRW operating points")
    for c in result.candidates:
        ax_curve.plot(c.to_physical().frequency_mhz, c.to_physical().amplitude_mhz, "o", ms=3, color="C0", alpha=0.5)
    p = best.to_physical()
    ax_curve.plot(p.frequency_mhz, p.amplitude_mhz, "*", ms=14, color="C3", label=f"chosen ({result.rank})")
    ax_curve.set_xlabel("drive frequency f [MHz]")
    ax_curve.set_ylabel("amplitude A/2pi [MHz]")
    ax_curve.set_title(f"operating points of {result.target.name}")
    ax_curve.legend(fontsize=8)
    t = np.linspace(0.0, best.pulse.duration, n_samples)
    drive = np.where(
        (t >= best.pulse.idle_before) & (t <= best.pulse.idle_before + best.pulse.period),
        best.pulse.amplitude * np.sin(best.pulse.frequency * (t - best.pulse.idle_before)),
        0.0,
    )
    ax_pulse.plot(dev.time_to_ns(t), dev.frequency_to_hz(drive) / 1e6, color="C3")
    ax_pulse.set_xlabel("time [ns]")
    ax_pulse.set_ylabel("drive A sin(wt)/2pi [MHz]")
    ax_pulse.set_title(f"{p.duration_ns:.2f} ns (idles {p.idle_before_ns:.2f} + {p.idle_after_ns:.2f} ns)")
    fig.tight_layout()
    return fig
