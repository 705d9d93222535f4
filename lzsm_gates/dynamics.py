r"""Time-resolved open-system evolution of pulse sequences (QuTiP-like interface).

A sequence of :class:`~lzsm_gates.pulses.LZSMPulse` is played back to back:
for each pulse a virtual Z (zero duration), an idle :math:`t_1`, one drive
period, an idle :math:`t_2`, a virtual Z; after the last pulse the system
idles.  The state is evolved with the Born-Markov (Redfield) equation of
:mod:`lzsm_gates.redfield`:

* idles: the time-independent Bloch-Redfield generator of :math:`H_0`
  (:func:`~lzsm_gates.redfield.static_redfield`), :math:`\rho(t) = e^{\mathcal L t}\rho`;
* drive periods: the time-dependent Floquet-frame generator
  (:func:`~lzsm_gates.redfield.floquet_redfield`), propagated to each requested
  time and returned to the lab frame with the Floquet modes at that time,
  :math:`\rho(t) = B(t)\rho_F(t)B(t)^\dagger`; ``method="averaged"``
  replaces it by its period average (fast, first-order error in the states;
  :mod:`lzsm_gates.noise`).

The state at the end of a pulse equals the output of
:func:`~lzsm_gates.noise.gate_channel` (same generators).  At a boundary
time the state reported is the one *after* a virtual Z applied there.

Markov validity: for every drive, the bath memory time
(:attr:`~lzsm_gates.redfield.FloquetRedfield.memory_time`) is compared with
the period by :func:`~lzsm_gates.redfield.check_markov` (warning above
``MARKOV_WARN``, refusal above ``MARKOV_REFUSE``) unless ``check_markov=False``;
the ratios are stored in the result's ``options``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import numpy as np

from .lindblad import unvec, vec
from .models import DrivenModel, check_matrix, qubit_model
from .noise import Method, Noise, _check_method, _couplings_for
from .pulses import LZSMPulse, rz
from . import redfield
from .redfield import FloquetRedfield, expm_batch, floquet_redfield, static_redfield, to_lab
from .units import LZSMInputError, check_finite
from .version import Provenance, __version__

__all__ = ["OpenEvolutionResult", "open_evolution"]

#: Tolerance of the checks on the initial density matrix (Hermitian, trace 1, positive).
STATE_TOL = 1e-8


@dataclass(frozen=True)
class OpenEvolutionResult(Provenance):
    r"""States and expectation values of an open-system evolution (read-only arrays).

    Attributes
    ----------
    times : ndarray, shape (n,)
        The requested ``tlist``.
    states : ndarray, shape (n, d, d)
        Lab-frame density matrices :math:`\rho(t_i)`.
    expect : list of ndarray or dict of ndarray
        :math:`\mathrm{Tr}(O\rho(t_i))` for each of ``e_ops`` (real for Hermitian :math:`O`),
        a list or a dict like ``e_ops``.
    options : mapping
        The options used: ``method``, ``lamb_shift``, ``kmax``, ``check_markov``,
        ``markov_ratios`` (memory time / period of each drive), ``steps_per_period``.
    version : str
        ``lzsm_gates.__version__`` that produced the result.
    """

    times: np.ndarray
    states: np.ndarray
    expect: list[np.ndarray] | dict[str, np.ndarray]
    options: Mapping[str, Any]


def _initial_state(state: np.ndarray, dim: int) -> np.ndarray:
    """A ket (d,) or density matrix (d, d), validated, as a density matrix."""
    s = np.asarray(state, dtype=complex)
    if s.shape == (dim,):
        norm = np.linalg.norm(s)
        if not np.isfinite(norm) or abs(norm - 1) > STATE_TOL:
            raise LZSMInputError(f"state (a ket) must be finite with norm 1, got norm {norm:.6g}")
        return np.outer(s, s.conj())
    rho = check_matrix("state", s)
    if rho.shape != (dim, dim):
        raise LZSMInputError(f"state must be a ket ({dim},) or a density matrix ({dim}, {dim}), got shape {s.shape}")
    if np.abs(rho - rho.conj().T).max() > STATE_TOL or abs(np.trace(rho) - 1) > STATE_TOL:
        raise LZSMInputError("state must be a Hermitian density matrix with trace 1")
    if np.linalg.eigvalsh(rho)[0] < -STATE_TOL:
        raise LZSMInputError("state must be positive semi-definite (a density matrix)")
    return rho


def _operators(e_ops: Sequence[np.ndarray] | Mapping[str, np.ndarray] | None, dim: int) -> dict[Any, np.ndarray]:
    if e_ops is None:
        return {}
    items = e_ops.items() if isinstance(e_ops, Mapping) else enumerate(e_ops)
    out = {}
    for key, op in items:
        m = check_matrix(f"e_ops[{key!r}]", op)
        if m.shape != (dim, dim):
            raise LZSMInputError(f"e_ops[{key!r}] has shape {m.shape}, the model has dimension {dim}")
        out[key] = m
    return out


def _segments(pulses: Sequence[LZSMPulse], dim: int) -> list[tuple[str, float, float, Any]]:
    """(kind, start, duration, payload) of the sequence: 'frame' (rz), 'idle', 'drive' (pulse)."""
    out, t = [], 0.0
    for i, p in enumerate(pulses):
        if not isinstance(p, LZSMPulse):
            raise LZSMInputError(f"pulses[{i}] must be an LZSMPulse, got {type(p).__name__}")
        if p.has_virtual_z and dim != 2:
            raise LZSMInputError(f"pulses[{i}] has virtual Z phases, defined for one qubit only (model dimension {dim})")
        for kind, duration, payload in (
            ("frame", 0.0, p.vz_before),
            ("idle", p.idle_before, None),
            ("drive", p.period, p),
            ("idle", p.idle_after, None),
            ("frame", 0.0, p.vz_after),
        ):
            if kind != "frame" or payload != 0.0:
                out.append((kind, t, duration, payload))
            t += duration
    out.append(("idle", t, np.inf, None))
    return out


def open_evolution(
    pulses: LZSMPulse | Sequence[LZSMPulse],
    state: np.ndarray,
    tlist: np.ndarray | Sequence[float],
    noise: Noise,
    *,
    model: DrivenModel | None = None,
    e_ops: Sequence[np.ndarray] | Mapping[str, np.ndarray] | None = None,
    method: Method = "redfield",
    lamb_shift: bool = False,
    kmax: int | None = None,
    check_markov: bool = True,
) -> OpenEvolutionResult:
    r"""Evolve ``state`` through a pulse sequence under ``noise``; states at the times ``tlist`` (module docstring).

    Parameters
    ----------
    pulses : LZSMPulse or sequence of LZSMPulse
        Played back to back from :math:`t = 0`; idle after the last one.
    state : ndarray, shape (d,) or (d, d)
        Initial ket or density matrix at :math:`t = 0`.
    tlist : array_like, shape (n,)
        Non-decreasing times :math:`\ge 0` (internal units).
    noise : Bath, sequence of Bath, or sequence of (operator, Bath)
        As in :func:`~lzsm_gates.noise.gate_channel`.
    model : DrivenModel, optional
        Default :func:`~lzsm_gates.models.qubit_model`.
    e_ops : sequence or dict of (d, d) arrays, optional
        Operators whose expectation values are returned.
    method : {"redfield", "averaged"}
        Drive-period generator (:mod:`lzsm_gates.noise`).
    lamb_shift : bool
        Include the Lamb shift.
    kmax : int, optional
        Sideband cutoff of the drives (default per drive).
    check_markov : bool
        Compare the bath memory time with each drive period (warn / refuse).

    Returns
    -------
    OpenEvolutionResult
    """

    model = qubit_model() if model is None else model
    _check_method(method)
    sequence = [pulses] if isinstance(pulses, LZSMPulse) else list(pulses)
    if not sequence:
        raise LZSMInputError("pulses must contain at least one LZSMPulse")
    t = np.atleast_1d(check_finite("tlist", tlist)).astype(float)
    if t.ndim != 1 or t.size == 0 or t[0] < 0 or np.any(np.diff(t) < 0):
        raise LZSMInputError("tlist must be a non-empty 1-D non-decreasing sequence of times >= 0")
    rho = _initial_state(state, model.dim)
    operators = _operators(e_ops, model.dim)
    couplings = _couplings_for(model, noise)
    segments = _segments(sequence, model.dim)

    idle = static_redfield(model, couplings, lamb_shift=lamb_shift)
    idle_generator, idle_modes = idle.averaged_generator(), idle.basis.modes[0]
    drives: dict[tuple[float, float], FloquetRedfield] = {}
    ratios = []
    states = np.empty((t.size, model.dim, model.dim), dtype=complex)
    for kind, start, duration, payload in segments:
        inside = (t >= start) & (t < start + duration)
        rel = t[inside] - start
        if kind == "frame":
            rho = rz(payload) @ rho @ rz(payload).conj().T
            continue
        if kind == "idle":
            ends = np.append(rel, duration) if np.isfinite(duration) else rel
            channels = to_lab(expm_batch(idle_generator * ends[:, None, None]), idle_modes)
        else:
            key = (payload.amplitude, payload.frequency)
            if key not in drives:
                drives[key] = floquet_redfield(model, *key, couplings, kmax=kmax, lamb_shift=lamb_shift)
                if check_markov and payload.amplitude != 0.0:  # nothing switches on at A = 0
                    ratios.append(redfield.check_markov(drives[key].memory_time, drives[key].period))
            channels = _drive_channels(drives[key], np.append(rel, duration), method)
        out = unvec(channels @ vec(rho))
        states[inside] = out[: rel.size]
        if np.isfinite(duration):
            rho = out[-1]
    for arr in (t, states):
        arr.setflags(write=False)
    expect_values = {k: _expectation(op, states) for k, op in operators.items()}
    expect = dict(expect_values) if isinstance(e_ops, Mapping) else [expect_values[k] for k in sorted(expect_values)]
    options = {
        "method": method,
        "lamb_shift": lamb_shift,
        "kmax": kmax,
        "check_markov": check_markov,
        "markov_ratios": tuple(ratios),
        "steps_per_period": tuple(g.steps_per_period() for g in drives.values()),
    }
    return OpenEvolutionResult(times=t, states=states, expect=expect, options=MappingProxyType(options), version=__version__)


def _drive_channels(generator: FloquetRedfield, times: np.ndarray, method: str) -> np.ndarray:
    """Lab-frame superoperators from the start of a drive period to each of ``times`` (within the period)."""
    if method == "redfield":
        floquet = generator.propagators(times)
    else:
        floquet = expm_batch(generator.averaged_generator() * times[:, None, None])
    return to_lab(floquet, generator.basis.modes[0], generator.modes_at(times))


def _expectation(operator: np.ndarray, states: np.ndarray) -> np.ndarray:
    values = np.einsum("ij,tji->t", operator, states)
    hermitian = np.abs(operator - operator.conj().T).max() <= 1e-12 * max(1.0, np.abs(operator).max())
    out = values.real.copy() if hermitian else values
    out.setflags(write=False)
    return out
