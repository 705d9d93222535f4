r"""Typed results of gate design: single-qubit designs, their ranking, sensitivities and storage.

:class:`GateDesign` is one exactly evaluated operating point,
:class:`DesignResult` the ranked list :func:`~lzsm_gates.design.design_gate`
returns (with the :class:`Optimality` record of how the best one was found),
:class:`Sensitivity` the second-order miscalibration coefficients of
:func:`sensitivity`.  Results save to and load from JSON; loading validates
what it reads (unitarity, device bounds, finite numbers) and raises
:class:`~lzsm_gates.units.LZSMInputError` naming the offending field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from .metrics import check_unitary
from .models import qubit_model
from .pulses import LZSMPulse, PhysicalPulse, _FloatFields
from .targets import GateTarget
from .units import DEFAULT_DEVICE, Device, LZSMInputError
from .version import Provenance

__all__ = [
    "Sensitivity",
    "GateDesign",
    "Optimality",
    "DesignResult",
    "sensitivity",
    "DEFAULT_MISCALIBRATION",
]

DEFAULT_MISCALIBRATION = {"amplitude": 1e-2, "frequency": 1e-3, "gap": 1e-3}
"""Relative calibration uncertainties used by ``rank="robustness"`` and to break duration ties."""

# tolerance when checking loaded designs against the device bounds (relative)
_BOUND_SLACK = 1e-9


@dataclass(frozen=True)
class Sensitivity(_FloatFields):
    r"""Second-order error coefficients :math:`k_p`, :math:`1 - F \approx k_p\,(\delta p/p)^2`.

    Attributes
    ----------
    amplitude, frequency, gap : float
        Coefficients for a relative error of the drive amplitude, the drive
        frequency and the qubit gap (pulse fixed in time).  Also readable as
        ``s["amplitude"]`` (and ``keys()``, ``items()``, ``to_dict()``).
    """

    amplitude: float
    frequency: float
    gap: float

    def error(self, miscalibration: dict[str, float] | None = None) -> float:
        r"""Predicted error :math:`\sum_p k_p (\delta p/p)^2` for the relative uncertainties given."""
        rel = DEFAULT_MISCALIBRATION if miscalibration is None else miscalibration
        return float(sum(self[k] * float(v) ** 2 for k, v in rel.items()))


def sensitivity(design: "GateDesign", step: float = 1e-6) -> Sensitivity:
    r"""Second-order error coefficients of a design (:class:`Sensitivity`).

    For a parameter :math:`p` (``amplitude``, ``frequency``, ``gap``) the
    generator :math:`G_p = i U^\dagger \partial U/\partial \ln p` (central
    differences) gives the leading error of a miscalibration:
    :math:`k_p = [d\,\mathrm{Tr}\,G_p^2 - (\mathrm{Tr}\,G_p)^2]/(d(d+1))`.
    The gap derivative keeps the pulse fixed in time (idles included).
    """
    pulse, gap = design.pulse, design.gap

    def unitary(amplitude: float = 1.0, frequency: float = 1.0, gap_scale: float = 1.0) -> np.ndarray:
        p = replace(pulse, amplitude=pulse.amplitude * amplitude, frequency=pulse.frequency * frequency)
        return p.propagator(qubit_model(gap * gap_scale))

    u0 = unitary()
    out = {}
    for name in ("amplitude", "frequency", "gap_scale"):
        du = (unitary(**{name: 1 + step}) - unitary(**{name: 1 - step})) / (2 * step)
        g = 1j * u0.conj().T @ du
        g = 0.5 * (g + g.conj().T)
        d = g.shape[0]
        out[name.replace("_scale", "")] = float((d * np.trace(g @ g).real - np.trace(g).real ** 2) / (d * (d + 1)))
    return Sensitivity(**out)


@dataclass(frozen=True)
class GateDesign(Provenance):
    r"""One operating point for a target, with its exact evaluation.

    Attributes
    ----------
    target : GateTarget
    pulse : LZSMPulse
        Pulse with real idles (amplitude and frequency in units of the device gap).
    virtual_z_pulse : LZSMPulse
        The same drive with zero idles and virtual-Z phases instead.
    branch : int
        Branch of the operating curve: root index in amplitude at its frequency.
    approximation_error : float
        :math:`1 - F(U_\mathrm{CHRW}(T), U(T))` at the point.
    exact_error : float
        Exact unitary gate error of ``pulse`` against the target.
    proposal : tuple of float
        CHRW :math:`(A, \omega)` the point was found from.
    refined : bool
        True if the point solves the exact operating-point equation (not only CHRW's).
    device : Device
    gap : float
        Gap of the driven two-level problem (units of the device gap).
    sensitivities : Sensitivity or None
        Filled on request (:func:`sensitivity`, ``rank="robustness"``, duration ties).
    open_system_error : float or None
        Incoherent error under the bath (filled by ``rank="open_system"``).
    """

    target: GateTarget
    pulse: LZSMPulse
    virtual_z_pulse: LZSMPulse
    branch: int
    approximation_error: float
    exact_error: float
    proposal: tuple[float, float]
    refined: bool
    device: Device = DEFAULT_DEVICE
    gap: float = 1.0
    sensitivities: Sensitivity | None = None
    open_system_error: float | None = None

    @property
    def moved(self) -> dict[str, float]:
        """How far the point lies from its CHRW proposal (absolute, units of the gap)."""
        return {"amplitude": self.pulse.amplitude - self.proposal[0], "frequency": self.pulse.frequency - self.proposal[1]}

    @property
    def duration(self) -> float:
        """Total duration with real idles (units of :math:`1/\\Delta`)."""
        return self.pulse.duration

    def to_physical(self) -> PhysicalPulse:
        """What an AWG needs: amplitude and frequency (MHz), period, idles and total duration (ns), virtual-Z phases."""
        phys = self.pulse.to_physical(self.device)
        vz = self.virtual_z_pulse.to_physical(self.device)
        return replace(phys, vz_before_rad=vz.vz_before_rad, vz_after_rad=vz.vz_after_rad)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form; :meth:`from_dict` restores an equal design."""
        m = self.target.matrix
        return {
            "target": {"name": self.target.name, "matrix_real": m.real.tolist(), "matrix_imag": m.imag.tolist()},
            "pulse": self.pulse.to_dict(),
            "virtual_z_pulse": self.virtual_z_pulse.to_dict(),
            "branch": int(self.branch),
            "approximation_error": float(self.approximation_error),
            "exact_error": float(self.exact_error),
            "proposal": [float(v) for v in self.proposal],
            "refined": bool(self.refined),
            "device": {k: getattr(self.device, k) for k in self.device.__dataclass_fields__},
            "gap": float(self.gap),
            "sensitivities": None if self.sensitivities is None else self.sensitivities.to_dict(),
            "open_system_error": None if self.open_system_error is None else float(self.open_system_error),
            "physical": self.to_physical().to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "design") -> "GateDesign":
        """Inverse of :meth:`to_dict`, validating every field.

        Raises
        ------
        LZSMInputError
            Naming the field (``where`` prefixes it) that is missing, not finite,
            not unitary or outside the device bounds.
        """
        try:
            t = data["target"]
            matrix = _load(f"{where}.target.matrix", lambda: np.array(t["matrix_real"], float) + 1j * np.array(t["matrix_imag"], float))
            matrix = _finite(f"{where}.target.matrix", matrix)
            target = GateTarget(str(t["name"]), check_unitary(f"{where}.target.matrix", matrix))
            device = _load(f"{where}.device", lambda: Device(**data["device"]))
            gap = _number(f"{where}.gap", data["gap"], low=0.0, open_low=True)
            pulses = [_load(f"{where}.{k}", lambda k=k: LZSMPulse(**data[k])) for k in ("pulse", "virtual_z_pulse")]
            for key, p in zip(("pulse", "virtual_z_pulse"), pulses):
                _within(f"{where}.{key}.amplitude", abs(p.amplitude), 0.0, device.max_amplitude)
                _within(f"{where}.{key}.frequency", p.frequency, device.min_frequency, device.max_frequency)
            sens = data.get("sensitivities")
            ose = data.get("open_system_error")
            return cls(
                target=target,
                pulse=pulses[0],
                virtual_z_pulse=pulses[1],
                branch=int(data["branch"]),
                approximation_error=_number(f"{where}.approximation_error", data["approximation_error"], 0.0, 1.0),
                exact_error=_number(f"{where}.exact_error", data["exact_error"], 0.0, 1.0),
                proposal=tuple(_finite(f"{where}.proposal", np.asarray(data["proposal"], dtype=float)).tolist()),
                refined=bool(data["refined"]),
                device=device,
                gap=gap,
                sensitivities=None if not sens else _load(f"{where}.sensitivities", lambda: Sensitivity(**sens)),
                open_system_error=None if ose is None else _number(f"{where}.open_system_error", ose, 0.0, 1.0),
            )
        except KeyError as exc:
            raise LZSMInputError(f"{where}: missing field {exc}") from None


def _finite(name: str, value: np.ndarray) -> np.ndarray:
    if not np.all(np.isfinite(value)):
        raise LZSMInputError(f"{name} must be finite, got {value!r}")
    return value


def _number(name: str, value: Any, low: float = -np.inf, high: float = np.inf, open_low: bool = False) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise LZSMInputError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(x) or x < low or x > high or (open_low and x == low):
        raise LZSMInputError(f"{name} must be finite and in {'(' if open_low else '['}{low}, {high}], got {value!r}")
    return x


def _within(name: str, value: float, low: float, high: float) -> None:
    if not (low * (1 - _BOUND_SLACK) <= value <= high * (1 + _BOUND_SLACK)):
        raise LZSMInputError(f"{name} = {value!r} lies outside the device bounds [{low:g}, {high:g}] (units of the gap)")


def _load(name: str, build: Any) -> Any:
    try:
        return build()
    except (TypeError, ValueError, LZSMInputError) as exc:
        raise LZSMInputError(f"{name}: {exc}") from None


@dataclass(frozen=True)
class Optimality:
    r"""How :func:`~lzsm_gates.design.design_gate` established its best candidate within the bounds.

    Every root of the exact operating-point equation on the frequency grid
    (``n_columns`` columns, spacing ``frequency_spacing``) that could rank
    first is found and evaluated with exact idle times (``n_samples``
    points).  ``margin`` is the largest change of the objective seen between
    adjacent samples of one branch (idle wraps excepted); where an idle wraps
    between two samples their optimistic value drops that idle.  The
    continuous optimisation starts from every sample whose optimistic value is
    within ``margin`` of the best sample (``n_starts`` starts, at most 12, best first) and resolves
    the optimum to ``resolution`` in frequency.  This is a sampling argument
    (a branch segment shorter than one column that dips by more than
    ``margin`` could escape it), checked against an independent brute-force
    scan in the tests; ``optimum`` is compared with ``grid_best``, the best
    sample.

    Attributes
    ----------
    objective : str
        ``"duration"`` (real idles) or ``"period"`` (virtual-Z variant).
    n_columns, n_samples, n_starts : int
    frequency_spacing, margin, resolution : float
        Units of the device gap (``margin`` in units of :math:`1/\Delta`).
    grid_best, optimum : float
        Best sampled and optimised objective (units of :math:`1/\Delta`).
    """

    objective: str
    n_columns: int
    n_samples: int
    n_starts: int
    frequency_spacing: float
    margin: float
    resolution: float
    grid_best: float
    optimum: float

    def statement(self) -> str:
        """One-sentence summary for reports."""
        return (
            f"{self.objective} optimum {self.optimum:.6g} (grid best {self.grid_best:.6g}): {self.n_samples} exact "
            f"operating points on {self.n_columns} frequency columns (spacing {self.frequency_spacing:.3g}); "
            f"{self.n_starts} continuous optimisations from every point within {self.margin:.3g} of the best, "
            f"resolved to {self.resolution:.2g} in frequency"
        )


class _JSONFile:
    """``save``/``load`` of a design through its ``to_json``/``from_json`` (shared by the design results)."""

    def save(self, path: str | Path) -> Path:
        """Write :meth:`to_json` to ``path``; returns the path."""
        path = Path(path)
        path.write_text(self.to_json())  # type: ignore[attr-defined]
        return path

    @classmethod
    def load(cls, path: str | Path) -> Any:
        """Read a file written by :meth:`save` (validated, see :meth:`from_json`)."""
        return cls.from_json(Path(path).read_text())  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DesignResult(Provenance, _JSONFile):
    """Ranked candidate designs of one target (``candidates[0]`` is the best).

    Indexing and iteration go over the candidates (``result[0]``, ``len(result)``).

    Attributes
    ----------
    target : GateTarget
    candidates : list of GateDesign
    rank : str
        Ranking criterion.
    curve : OperatingCurve or None
        The CHRW proposals the search started from (not stored in JSON).
    optimality : Optimality or None
        How the best candidate was established (``rank="duration"``).
    """

    target: GateTarget
    candidates: list[GateDesign]
    rank: str
    curve: Any = None
    optimality: Optimality | None = None

    def __len__(self) -> int:
        return len(self.candidates)

    def __getitem__(self, index: int) -> GateDesign:
        return self.candidates[index]

    def __iter__(self) -> Iterator[GateDesign]:
        return iter(self.candidates)

    def __repr__(self) -> str:
        b = self.best
        return (
            f"DesignResult(target={self.target.name!r}, rank={self.rank!r}, {len(self)} candidates, "
            f"best: duration {b.to_physical().duration_ns:.3f} ns, exact error {b.exact_error:.1e})"
        )

    @property
    def best(self) -> GateDesign:
        """The top-ranked design."""
        return self.candidates[0]

    def best_per_branch(self) -> dict[int, GateDesign]:
        """The best-ranked candidate of each branch (root index in amplitude), by branch."""
        out: dict[int, GateDesign] = {}
        for c in self.candidates:
            out.setdefault(c.branch, c)
        return dict(sorted(out.items()))

    def table(self, rows: int | None = None) -> str:
        """Plain-text table of the (first ``rows``) candidates in physical units.

        Columns: ``#`` rank, ``branch``, ``A/2pi [MHz]`` amplitude, ``f [MHz]``
        drive frequency, ``period [ns]``, ``idle1 [ns]`` / ``idle2 [ns]`` idle
        (free-evolution) times before / after the period, ``total [ns]``,
        ``vz total [ns]`` (idles replaced by virtual Z), ``CHRW err`` and
        ``exact err`` (gate errors 1 - F), ``exact root`` (refined).
        """
        head = (
            f"{'#':>2} {'branch':>6} {'A/2pi [MHz]':>11} {'f [MHz]':>8} {'period [ns]':>11} {'idle1 [ns]':>10} "
            f"{'idle2 [ns]':>10} {'total [ns]':>10} {'vz total [ns]':>13} {'CHRW err':>9} {'exact err':>9} {'exact root':>10}"
        )
        out = [head]
        for i, c in enumerate(self.candidates[:rows]):
            p = c.to_physical()
            out.append(
                f"{i:>2} {c.branch:>6} {p.amplitude_mhz:>11.3f} {p.frequency_mhz:>8.3f} {p.period_ns:>11.3f} "
                f"{p.idle_before_ns:>10.3f} {p.idle_after_ns:>10.3f} {p.duration_ns:>10.3f} "
                f"{p.duration_virtual_z_ns:>13.3f} {c.approximation_error:>9.1e} {c.exact_error:>9.1e} {str(c.refined):>10}"
            )
        return "\n".join(out)

    def to_json(self) -> str:
        """JSON text of the ranking and all candidates (:meth:`from_json` restores them)."""
        data: dict[str, Any] = {
            "rank": self.rank,
            "version": self.version,
            "candidates": [c.to_dict() for c in self.candidates],
        }
        if self.optimality is not None:
            data["optimality"] = {k: getattr(self.optimality, k) for k in self.optimality.__dataclass_fields__}
        return json.dumps(data, indent=2)

    @classmethod
    def from_json(cls, text: str) -> "DesignResult":
        """The :class:`DesignResult` stored by :meth:`to_json` (validated; the CHRW curve is not stored).

        Raises
        ------
        LZSMInputError
            Invalid JSON, no candidates, or a candidate field that is missing,
            not finite, not unitary or outside the device bounds (named).
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LZSMInputError(f"design JSON is not valid JSON: {exc}") from None
        if not isinstance(data, dict) or not data.get("candidates"):
            raise LZSMInputError("design JSON must hold a non-empty 'candidates' list")
        candidates = [GateDesign.from_dict(c, where=f"candidates[{i}]") for i, c in enumerate(data["candidates"])]
        opt = data.get("optimality")
        optimality = None if opt is None else _load("optimality", lambda: Optimality(**opt))
        version = str(data.get("version", "unknown"))  # files written before versions were recorded: unknown
        candidates = [replace(c, version=version) for c in candidates]
        return cls(candidates[0].target, candidates, str(data.get("rank", "duration")), None, optimality, version=version)

    def plot(self, *, fig: Any = None, n_samples: int = 400) -> Any:
        """Design summary figure (:func:`lzsm_gates.plotting.plot_design`): operating points and the chosen pulse."""
        from .plotting import plot_design  # presentation only: matplotlib is imported on use

        return plot_design(self, fig=fig, n_samples=n_samples)
