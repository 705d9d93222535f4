r"""Two-qubit designs on coupled qubits: :math:`\sqrt{\mathrm{bSWAP}}` with idles and an idle-free entangler.

The driven coupling :math:`H_2 = -\tfrac{\Delta_1}{2}\sigma_z^{(1)} - \tfrac{\Delta_2}{2}\sigma_z^{(2)}
+ A\sin(\omega t)\,\sigma_x^{(1)}\sigma_x^{(2)}` splits into the blocks
{00, 11} (gap :math:`\Delta_1+\Delta_2`) and {01, 10} (gap
:math:`\Delta_1-\Delta_2`), each the single-qubit problem of
:mod:`lzsm_gates.design` with its own gap (docs: Physics, Sec. 4).  For
equal gaps one period leaves the {01, 10} block invariant.

* :func:`design_bswap`: :math:`\sqrt{\mathrm{bSWAP}} = e^{-i\pi X_b/4}` (a
  :math:`\pi/2` x-rotation in the {00, 11} block) from one period plus idles.
* :func:`design_xy_entangler`: :math:`e^{+i\pi(XY+YX)/8} = e^{+i\pi\sigma_y/4}`
  in the {00, 11} block, identity on {01, 10}.  Because one period is a
  rotation about an axis in the y-z plane, it is reached by one period
  *alone* (no idle), at the isolated points :math:`U_{00} = 1/\sqrt2`,
  :math:`U_{10} = -1/\sqrt2`; it is locally equivalent to
  :math:`\sqrt{\mathrm{bSWAP}}` (and :math:`\sqrt{i\mathrm{SWAP}}`).
* :func:`bswap_gap_mismatch`: the error when :math:`\Delta_2 \ne \Delta_1`,
  and a bounded global re-optimisation of :math:`(A, \omega, t_1, t_2)`.

Amplitudes, frequencies and times are in units of :math:`\Delta_1` (the
device gap); the device bounds apply to them unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Iterator

import numpy as np
from scipy.optimize import differential_evolution, minimize, root

from .curves import _bounds
from .design import Ranking, design_gate
from .design_results import GateDesign, Optimality, _JSONFile, _load, _number, _within
from .metrics import gate_error
from .models import DrivenModel, coupled_qubits_model, qubit_model
from .propagate import period_propagator
from .pulses import LZSMPulse, PhysicalPulse
from .units import DEFAULT_DEVICE, ConvergenceError, Device, LZSMInputError, check_positive
from .version import Provenance

__all__ = [
    "bswap_target",
    "xy_entangler_target",
    "BSwapDesign",
    "GapMismatch",
    "design_bswap",
    "design_xy_entangler",
    "bswap_gap_mismatch",
    "EntanglerComparison",
    "compare_entanglers",
]

_BLOCK_A = np.array([0, 3])  # {00, 11}
_BLOCK_B = np.array([1, 2])  # {01, 10}


def bswap_target() -> np.ndarray:
    r"""The :math:`\sqrt{\mathrm{bSWAP}}` target: :math:`e^{-i\pi X_b/4}` with
    :math:`X_b = |00\rangle\langle 11| + |11\rangle\langle 00|`, identity on
    :math:`\{|01\rangle, |10\rangle\}` (locally equivalent to :math:`\sqrt{i\mathrm{SWAP}}`)."""
    v = np.eye(4, dtype=complex)
    c, s = np.cos(np.pi / 4), -1j * np.sin(np.pi / 4)
    v[0, 0] = v[3, 3] = c
    v[0, 3] = v[3, 0] = s
    return v


def xy_entangler_target() -> np.ndarray:
    r""":math:`e^{+i\pi(X\otimes Y + Y\otimes X)/8}`: :math:`e^{+i\pi\sigma_y/4}` in the {00, 11} block
    (:math:`XY + YX = 2\sigma_y` there, 0 on {01, 10}), identity on {01, 10}."""
    v = np.eye(4, dtype=complex)
    c = np.cos(np.pi / 4)
    v[0, 0] = v[3, 3] = c
    v[0, 3], v[3, 0] = c, -c
    return v


def _two_qubit_unitary(amplitude: np.ndarray, frequency: np.ndarray, gap2: float, t1: Any = 0.0, t2: Any = 0.0) -> np.ndarray:
    r"""Batched 4x4 unitary :math:`R(t_2)U(T)R(t_1)` of the coupled qubits (:math:`\Delta_1 = 1`) from the two blocks.

    The {01, 10} block has gap :math:`1-\Delta_2`; a negative gap is the
    positive one seen in the swapped basis, zero gap gives the identity.
    """
    a, w = np.broadcast_arrays(np.atleast_1d(np.asarray(amplitude, float)), np.atleast_1d(np.asarray(frequency, float)))
    u = np.zeros(a.shape + (4, 4), dtype=complex)
    u[..., _BLOCK_A[:, None], _BLOCK_A] = period_propagator(qubit_model(1.0 + gap2), a, w)
    g = 1.0 - gap2
    if abs(g) < 1e-14:
        ub = np.broadcast_to(np.eye(2, dtype=complex), a.shape + (2, 2))
    else:
        ub = period_propagator(qubit_model(abs(g)), a, w)
        if g < 0:
            ub = ub[..., ::-1, ::-1]
    u[..., _BLOCK_B[:, None], _BLOCK_B] = ub
    energies = np.array([-(1.0 + gap2), -(1.0 - gap2), 1.0 - gap2, 1.0 + gap2]) / 2
    r1 = np.exp(-1j * energies * np.asarray(t1, float)[..., None])
    r2 = np.exp(-1j * energies * np.asarray(t2, float)[..., None])
    return r2[..., :, None] * u * r1[..., None, :]


@dataclass(frozen=True)
class BSwapDesign(Provenance, _JSONFile):
    r"""A two-qubit entangling pulse on coupled qubits (gates paper Sec. IV).

    Attributes
    ----------
    pulse : LZSMPulse
        Drive of the coupling (amplitude, frequency, idles in units of :math:`\Delta_1`).
    gap1, gap2 : float
        Qubit gaps (units of :math:`\Delta_1`).
    block_design : GateDesign or None
        The equivalent single-qubit design in the {00, 11} block (gap :math:`\Delta_1+\Delta_2`).
    exact_error : float
        4x4 unitary gate error against ``target``.
    device : Device
    name : str
        ``"sqrt_bswap"`` or ``"xy_entangler"``.
    optimality : Optimality or None
        How the block design was established (:class:`~lzsm_gates.design_results.Optimality`).
    """

    pulse: LZSMPulse
    gap1: float
    gap2: float
    block_design: GateDesign | None
    exact_error: float
    device: Device = DEFAULT_DEVICE
    name: str = "sqrt_bswap"
    optimality: Optimality | None = None

    @property
    def target(self) -> np.ndarray:
        """The 4x4 target matrix."""
        return bswap_target() if self.name == "sqrt_bswap" else xy_entangler_target()

    @property
    def model(self) -> DrivenModel:
        """The two-qubit driven-coupling model."""
        return coupled_qubits_model(self.gap1, self.gap2)

    @property
    def duration(self) -> float:
        """Total duration (units of :math:`1/\\Delta_1`)."""
        return self.pulse.duration

    def unitary(self) -> np.ndarray:
        """Exact 4x4 unitary of the pulse."""
        return self.pulse.propagator(self.model)

    def to_physical(self) -> PhysicalPulse:
        """AWG parameters of the coupler drive in physical units."""
        return self.pulse.to_physical(self.device)

    def __repr__(self) -> str:
        p = self.to_physical()
        return (
            f"BSwapDesign({self.name}, gap2={self.gap2:g}, A/2pi={p.amplitude_mhz:.4g} MHz, f={p.frequency_mhz:.4g} MHz, "
            f"duration {p.duration_ns:.3f} ns, exact error {self.exact_error:.1e})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (the block design is not stored)."""
        return {
            "name": self.name,
            "pulse": self.pulse.to_dict(),
            "gap1": float(self.gap1),
            "gap2": float(self.gap2),
            "exact_error": float(self.exact_error),
            "device": {k: getattr(self.device, k) for k in self.device.__dataclass_fields__},
            "physical": self.to_physical().to_dict(),
            "version": self.version,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "BSwapDesign":
        """Inverse of :meth:`to_dict`; validates the fields and that the stored pulse gives the stored error.

        Raises
        ------
        LZSMInputError
            Naming the missing, non-finite or out-of-bounds field.
        """
        try:
            name = str(data["name"])
            if name not in ("sqrt_bswap", "xy_entangler"):
                raise LZSMInputError(f"name must be 'sqrt_bswap' or 'xy_entangler', got {name!r}")
            device = _load("device", lambda: Device(**data["device"]))
            pulse = _load("pulse", lambda: LZSMPulse(**data["pulse"]))
            _within("pulse.amplitude", abs(pulse.amplitude), 0.0, device.max_amplitude)
            _within("pulse.frequency", pulse.frequency, device.min_frequency, device.max_frequency)
            gap1 = _number("gap1", data["gap1"], 0.0, np.inf, open_low=True)
            gap2 = _number("gap2", data["gap2"], 0.0, np.inf, open_low=True)
            err = _number("exact_error", data["exact_error"], 0.0, 1.0)
        except KeyError as exc:
            raise LZSMInputError(f"two-qubit design: missing field {exc}") from None
        version = str(data.get("version", "unknown"))  # files written before versions were recorded: unknown
        return cls(pulse, gap1, gap2, None, err, device, name, version=version)

    @classmethod
    def from_json(cls, text: str) -> "BSwapDesign":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LZSMInputError(f"two-qubit design JSON is not valid JSON: {exc}") from None
        return cls.from_dict(data)


def design_bswap(device: Device = DEFAULT_DEVICE, *, gap2: float = 1.0, rank: Ranking = "duration") -> BSwapDesign:
    r""":math:`\sqrt{\mathrm{bSWAP}}` through the block mapping, inside every device bound.

    The {00, 11} block is the single-qubit problem with gap
    :math:`\Delta_1 + \Delta_2` and target :math:`e^{-i\pi\sigma_x/4}`
    (:math:`|V_{10}| = 1/\sqrt2`); amplitude and frequency obey the device
    bounds unchanged (they are the coupler drive's, in units of
    :math:`\Delta_1`).  A block design matches up to a sign relative to the
    {01, 10} block; among the block candidates the shortest one after fixing
    that sign (one more idle :math:`2\pi/(\Delta_1+\Delta_2)` when needed) is
    taken.  ``gap2`` in units of :math:`\Delta_1`.
    """
    g2 = float(check_positive("gap2", gap2))
    block_target = bswap_target()[np.ix_(_BLOCK_A, _BLOCK_A)]
    result = design_gate(block_target, device, rank=rank, gap=1.0 + g2)
    best: tuple[float, LZSMPulse, GateDesign] | None = None
    for cand in [c for c in result.candidates if c.refined][:8]:
        pulse = cand.pulse
        if np.trace(block_target.conj().T @ pulse.propagator(qubit_model(1.0 + g2))).real < 0:
            pulse = replace(pulse, idle_after=pulse.idle_after + 2 * np.pi / (1.0 + g2))
        key = pulse.duration if rank == "duration" else 0.0
        if best is None or key < best[0]:
            best = (key, pulse, cand)
    if best is None:
        raise ConvergenceError("no exactly refined sqrt(bSWAP) block design")
    _, pulse, cand = best
    err = float(gate_error(bswap_target(), pulse.propagator(coupled_qubits_model(1.0, g2))))
    return BSwapDesign(pulse, 1.0, g2, cand, err, device, "sqrt_bswap", result.optimality)


def design_xy_entangler(device: Device = DEFAULT_DEVICE, *, gap2: float = 1.0, n_grid: int = 48) -> BSwapDesign:
    r"""The fastest idle-free :math:`e^{+i\pi(XY+YX)/8}` (one period, no idle) inside the device bounds.

    Solves :math:`U_{00} = 1/\sqrt2`, :math:`U_{10} = -1/\sqrt2` of the {00, 11}
    block (gap :math:`\Delta_1+\Delta_2`; three real conditions of which two are
    independent on SU(2)) by 2-D roots from the minima of the residual on an
    exact :math:`(A, \omega)` grid, and returns the shortest period.

    Raises
    ------
    LZSMInputError
        If no such point lies inside the bounds.
    """
    g2 = float(check_positive("gap2", gap2))
    a_min, a_max, w_min, w_max = _bounds(device)
    model = qubit_model(1.0 + g2)
    c = np.sqrt(0.5)

    def residual(u: np.ndarray) -> np.ndarray:
        return np.stack([u[..., 0, 0].imag, u[..., 1, 0].real + c], axis=-1)

    a = np.linspace(a_min, a_max, n_grid)
    w = np.linspace(w_min, w_max, n_grid)
    aa, ww = np.meshgrid(a, w, indexing="ij")
    u = period_propagator(model, aa.ravel(), ww.ravel()).reshape(aa.shape + (2, 2))
    r = np.sum(residual(u) ** 2, axis=-1) + (u[..., 0, 0].real - c) ** 2
    inner = r[1:-1, 1:-1]
    low = (inner < 0.1) & np.all(
        [inner <= np.roll(np.roll(r, di, 0), dj, 1)[1:-1, 1:-1] for di in (-1, 0, 1) for dj in (-1, 0, 1)], axis=0
    )
    found: list[tuple[float, float]] = []
    for i, j in zip(*np.nonzero(low)):
        sol = root(lambda x: residual(period_propagator(model, x[0], x[1])), [a[i + 1], w[j + 1]], method="hybr",
                   options={"xtol": 1e-14})
        x = sol.x
        if (np.hypot(*sol.fun) < 1e-10 and a_min <= x[0] <= a_max and w_min <= x[1] <= w_max
                and period_propagator(model, x[0], x[1])[0, 0].real > 0):
            found.append((float(x[0]), float(x[1])))
    if not found:
        mhz = device.gap_hz / 1e6
        raise LZSMInputError(
            f"no idle-free XY entangler with A/2pi <= {a_max * mhz:.4g} MHz and f in [{w_min * mhz:.4g}, {w_max * mhz:.4g}] MHz"
        )
    amp, freq = max(found, key=lambda x: x[1])
    pulse = LZSMPulse(amp, freq)
    err = float(gate_error(xy_entangler_target(), pulse.propagator(coupled_qubits_model(1.0, g2))))
    return BSwapDesign(pulse, 1.0, g2, None, err, device, "xy_entangler")


@dataclass(frozen=True)
class GapMismatch(Provenance):
    r"""Error of a two-qubit design when qubit 2 has another gap, and after a global re-optimisation.

    Unpacks as ``fixed, reoptimized = bswap_gap_mismatch(...)``.

    Attributes
    ----------
    gap2 : float
        The actual :math:`\Delta_2/\Delta_1`.
    fixed_error : float
        4x4 error of the unchanged pulse.
    reoptimized_error : float
        Best error over :math:`(A, \omega, t_1, t_2)` inside the device bounds
        (NaN without re-optimisation).
    reoptimized_pulse : LZSMPulse or None
    n_evaluations : int
        Pulses evaluated by the global search.
    start_errors : tuple of float
        Final error of each local optimisation (design, block operating points,
        differential-evolution best), the evidence that the best basin was found.
    """

    gap2: float
    fixed_error: float
    reoptimized_error: float
    reoptimized_pulse: LZSMPulse | None
    n_evaluations: int
    start_errors: tuple[float, ...] = ()

    def __iter__(self) -> Iterator[float]:
        return iter((self.fixed_error, self.reoptimized_error))

    def __getitem__(self, index: int) -> float:
        return (self.fixed_error, self.reoptimized_error)[index]


def bswap_gap_mismatch(
    design: BSwapDesign, gap2: float, *, reoptimize: bool = True, seed: int = 0, n_starts: int = 6,
    max_generations: int = 20,
) -> GapMismatch:
    r"""4x4 error of ``design`` when qubit 2 has gap ``gap2`` (units of :math:`\Delta_1`), and a global re-optimisation.

    The leftover {01, 10}-block error grows as :math:`(\Delta_1-\Delta_2)^2`.
    The re-optimisation of :math:`(A, \omega, t_1, t_2)` inside the device
    bounds (idles in :math:`[0, 4\pi/(\Delta_1+\Delta_2)]`) is global in
    two ways: L-BFGS-B runs from every one of the ``n_starts`` best exact
    operating points of the {00, 11} block with the *actual* gap
    :math:`\Delta_1+\Delta_2` (all branches, idles with the block sign fixed,
    ranked by their 4x4 error), from the design itself, and from the best
    member of a differential-evolution search over the whole bounded box
    (its population evaluated in one batch through the block structure).
    """
    g2 = float(check_positive("gap2", gap2))
    target = design.target
    p0 = design.pulse
    fixed = float(gate_error(target, p0.propagator(coupled_qubits_model(1.0, g2))))
    if not reoptimize:
        return GapMismatch(g2, fixed, float("nan"), None, 0)
    a_min, a_max, w_min, w_max = _bounds(design.device)
    t_max = 4 * np.pi / (1.0 + g2)
    lo, hi = np.array([a_min, w_min, 0.0, 0.0]), np.array([a_max, w_max, t_max, t_max])
    count = [0]

    def err(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, float)
        count[0] += x.size // 4
        return gate_error(target, _two_qubit_unitary(x[0], x[1], g2, x[2], x[3]))

    starts = [np.clip([p0.amplitude, p0.frequency, p0.idle_before, p0.idle_after], lo, hi)]
    if design.name == "sqrt_bswap":
        block = design_gate(bswap_target()[np.ix_(_BLOCK_A, _BLOCK_A)], design.device, gap=1.0 + g2)
        x = np.array([[c.pulse.amplitude, c.pulse.frequency, c.pulse.idle_before, c.pulse.idle_after]
                      for c in block.candidates if c.refined])
        flipped = x + np.array([0.0, 0.0, 0.0, 2 * np.pi / (1.0 + g2)])
        x = np.clip(np.concatenate([x, flipped]), lo, hi)
        starts += list(x[np.argsort(err(x.T))[:n_starts]])
    de = differential_evolution(err, list(zip(lo, hi)), seed=seed, popsize=16, maxiter=max_generations, tol=1e-12,
                                vectorized=True, updating="deferred", polish=False)
    starts.append(de.x)
    results = [minimize(lambda x: float(err(x)[0]), s, method="L-BFGS-B", bounds=list(zip(lo, hi))) for s in starts]
    xb = min(results, key=lambda r: r.fun).x
    pulse = LZSMPulse(float(xb[0]), float(xb[1]), float(xb[2]), float(xb[3]))
    reopt = float(gate_error(target, pulse.propagator(coupled_qubits_model(1.0, g2))))
    if reopt > fixed:
        pulse, reopt = p0, fixed
    return GapMismatch(g2, fixed, reopt, pulse, count[0], tuple(float(r.fun) for r in results))


@dataclass(frozen=True)
class EntanglerComparison(Provenance):
    r"""The two one-period entanglers side by side: duration and sensitivity to a gap mismatch.

    Attributes
    ----------
    designs : tuple of BSwapDesign
        :math:`\sqrt{\mathrm{bSWAP}}` + idles and the idle-free XY entangler (equal gaps).
    mismatch_gap2 : float
        :math:`\Delta_2/\Delta_1` of the robustness check.
    mismatch_errors : tuple of float
        4x4 error of each unchanged pulse at ``mismatch_gap2``.
    """

    designs: tuple[BSwapDesign, ...]
    mismatch_gap2: float
    mismatch_errors: tuple[float, ...]

    @property
    def fastest(self) -> BSwapDesign:
        return min(self.designs, key=lambda d: d.duration)

    @property
    def most_robust(self) -> BSwapDesign:
        return self.designs[int(np.argmin(self.mismatch_errors))]

    def table(self) -> str:
        """Plain-text table in physical units."""
        rows = [f"{'gate':<14} {'idles [ns]':>10} {'duration [ns]':>13} {'1-F':>8} {f'1-F at D2/D1={self.mismatch_gap2:g}':>20}"]
        for d, e in zip(self.designs, self.mismatch_errors):
            p = d.to_physical()
            rows.append(f"{d.name:<14} {p.idle_before_ns + p.idle_after_ns:>10.2f} {p.duration_ns:>13.2f} "
                        f"{d.exact_error:>8.1e} {e:>20.2e}")
        return "\n".join(rows)


def compare_entanglers(device: Device = DEFAULT_DEVICE, *, mismatch_gap2: float = 1.05) -> EntanglerComparison:
    """Design both entanglers for equal gaps and evaluate them at ``mismatch_gap2`` (no re-optimisation);
    ``fastest`` / ``most_robust`` say which to offer."""
    designs = (design_bswap(device), design_xy_entangler(device))
    errors = tuple(bswap_gap_mismatch(d, mismatch_gap2, reoptimize=False).fixed_error for d in designs)
    return EntanglerComparison(designs, float(mismatch_gap2), errors)
