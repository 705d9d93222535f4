r"""Adapters to QuTiP 5: baths as the spectrum functions its solvers expect, models and pulses as ``Qobj``.

QuTiP is imported lazily inside the functions, so this module imports
without it (QuTiP is a test-only dependency of ``lzsm_gates``).

Spectrum conventions
--------------------
The bath of :mod:`lzsm_gates.baths` is described by the noise power
spectrum :math:`g(\omega)` (emission at :math:`\omega > 0`, Bose factors
included), with the golden-rule rate :math:`2\pi g(\nu)|X_{fi}|^2`.

``brmesolve`` / ``bloch_redfield_tensor``
    QuTiP's Bloch-Redfield rate is :math:`S(\nu)|A_{fi}|^2`, same sign
    convention (positive frequencies relax), so
    :math:`S(\omega) = 2\pi g(\omega)` (:func:`brmesolve_spectrum`).  With
    ``sec_cutoff=-1`` (no secular approximation) and a time-independent
    Hamiltonian, ``brmesolve`` integrates the Bloch-Redfield equation of our
    idle channel (:func:`~lzsm_gates.redfield.static_redfield`).  For a
    *driven* Hamiltonian QuTiP evaluates the spectrum at the instantaneous
    Bohr frequencies, which is not the Floquet-Born-Markov equation of
    :mod:`lzsm_gates.redfield`; they agree only for a flat (white) spectrum.

``FMESolver`` / ``fmmesolve`` / ``floquet_tensor``
    QuTiP's Floquet-Markov rates are :math:`2\pi\sum_k S(\nu_{abk})|X_{ab,k}|^2`
    with its ``spectra_cb`` :math:`S`; with ``w_th = 0`` QuTiP adds no
    thermal factor, so :math:`S(\omega) = g(\omega)` (:func:`floquet_spectrum`):
    the transition rates then equal :func:`~lzsm_gates.floquet.floquet_rates`
    exactly (same ``kmax``).  Equivalently ``spectra_cb`` :math:`= J(\omega)\Theta(\omega)`
    and ``w_th`` :math:`= T`, except at :math:`\omega = 0` where QuTiP's
    thermal factor vanishes.  **Pure dephasing differs by a factor of 2**:
    QuTiP treats the diagonal jumps :math:`|a\rangle\langle a|` as independent
    and drops the cross term, giving
    :math:`\pi\sum_k g(k\omega)(|X_{aa,k}|^2 + |X_{bb,k}|^2)` instead of the
    Bloch-Redfield value :math:`\pi\sum_k g(k\omega)|X_{aa,k} - X_{bb,k}|^2`
    (:mod:`lzsm_gates.floquet`); for a qubit with traceless :math:`X`,
    :math:`X_{bb,k} = -X_{aa,k}` and QuTiP's :math:`\Gamma_\varphi` is exactly
    half of ours (tested).  Populations in the Floquet basis are unaffected.

Models
------
:func:`model_qobjevo` returns :math:`H(t) = H_0 + A f(\omega t)V` and
:func:`sequence_qobjevo` a whole pulse sequence (idles with the drive off)
as a ``QobjEvo``; :func:`coupling_operators` gives the coupling operators
of a noise specification as ``Qobj`` with their spectra.
"""

from __future__ import annotations

from typing import Any, Callable, Literal, Sequence

import numpy as np

from .baths import Bath
from .models import DrivenModel, qubit_model
from .noise import Noise, _couplings_for
from .pulses import LZSMPulse
from .units import LZSMInputError

__all__ = [
    "brmesolve_spectrum",
    "floquet_spectrum",
    "coupling_operators",
    "model_qobjevo",
    "sequence_qobjevo",
]

Solver = Literal["brmesolve", "floquet"]


def _qutip() -> Any:
    try:
        import qutip
    except ImportError as exc:
        raise ImportError("lzsm_gates.qutip_adapters needs QuTiP 5 (pip install qutip)") from exc
    return qutip


def _check_bath(bath: Bath) -> Bath:
    if not isinstance(bath, Bath):
        raise LZSMInputError(f"bath must be a lzsm_gates Bath, got {type(bath).__name__}")
    return bath


def _plain(values: np.ndarray) -> float | np.ndarray:
    """A Python float for a scalar (QuTiP coefficients), the array otherwise (QuTiP's Floquet code passes arrays)."""
    return float(values) if np.ndim(values) == 0 else values


def brmesolve_spectrum(bath: Bath) -> Callable[[float | np.ndarray], float | np.ndarray]:
    r"""The ``a_ops`` spectrum for ``brmesolve`` / ``bloch_redfield_tensor``: :math:`S(\omega) = 2\pi g(\omega)`."""
    b = _check_bath(bath)

    def spectrum(w: float | np.ndarray) -> float | np.ndarray:
        return _plain(2 * np.pi * b.spectrum(w))

    return spectrum


def floquet_spectrum(bath: Bath) -> Callable[[float | np.ndarray], float | np.ndarray]:
    r"""The spectrum for ``FMESolver`` / ``fmmesolve`` / ``floquet_tensor`` with ``w_th = 0``: :math:`S(\omega) = g(\omega)`.

    Pure dephasing then comes out half of ours for a qubit (module docstring).
    """
    b = _check_bath(bath)

    def spectrum(w: float | np.ndarray) -> float | np.ndarray:
        return _plain(b.spectrum(w))

    return spectrum


def coupling_operators(noise: Noise, *, model: DrivenModel | None = None, solver: Solver = "brmesolve") -> list[tuple[Any, Callable]]:
    """``a_ops`` for QuTiP: each coupling operator as a ``Qobj`` with its spectrum for ``solver``.

    Parameters
    ----------
    noise : Bath, sequence of Bath, or sequence of (operator, Bath)
        As in :func:`~lzsm_gates.noise.gate_channel` (baths alone couple each qubit through :math:`\\sigma_x`).
    model : DrivenModel, optional
        Default :func:`~lzsm_gates.models.qubit_model`.
    solver : {"brmesolve", "floquet"}
        Which spectrum convention (:func:`brmesolve_spectrum` or :func:`floquet_spectrum`).
    """
    qt = _qutip()
    if solver not in ("brmesolve", "floquet"):
        raise LZSMInputError(f"solver must be 'brmesolve' or 'floquet', got {solver!r}")
    model = qubit_model() if model is None else model
    convert = brmesolve_spectrum if solver == "brmesolve" else floquet_spectrum
    return [(qt.Qobj(op), convert(bath)) for op, bath in _couplings_for(model, noise)]


def model_qobjevo(model: DrivenModel, amplitude: float, frequency: float) -> Any:
    r""":math:`H(t) = H_0 + A f(\omega t) V` as a QuTiP ``QobjEvo`` (periodic, drive phase zero at :math:`t = 0`)."""
    qt = _qutip()
    a, w = float(amplitude), float(frequency)

    def coefficient(t: float) -> float:
        return float(model.drive(t, a, w))

    return qt.QobjEvo([qt.Qobj(model.static), [qt.Qobj(model.drive_operator), coefficient]])


def sequence_qobjevo(pulses: LZSMPulse | Sequence[LZSMPulse], *, model: DrivenModel | None = None) -> Any:
    r"""A pulse sequence played back to back (as :func:`~lzsm_gates.dynamics.open_evolution`) as a ``QobjEvo``.

    Each pulse's drive is :math:`A f(\omega (t - t_0))` on its period
    :math:`[t_0, t_0 + T]` and zero during the idles.  Virtual Z phases are
    frame changes, not Hamiltonian terms: pulses with them are refused.
    """
    qt = _qutip()
    model = qubit_model() if model is None else model
    sequence = [pulses] if isinstance(pulses, LZSMPulse) else list(pulses)
    windows = []
    start = 0.0
    for i, p in enumerate(sequence):
        if not isinstance(p, LZSMPulse):
            raise LZSMInputError(f"pulses[{i}] must be an LZSMPulse, got {type(p).__name__}")
        if p.has_virtual_z:
            raise LZSMInputError(f"pulses[{i}] has virtual Z phases: apply them as frame changes, not in H(t)")
        windows.append((start + p.idle_before, p))
        start += p.duration

    def coefficient(t: float) -> float:
        for t0, p in windows:
            if t0 <= t <= t0 + p.period:
                return float(model.drive(t - t0, p.amplitude, p.frequency))
        return 0.0

    return qt.QobjEvo([qt.Qobj(model.static), [qt.Qobj(model.drive_operator), coefficient]])
