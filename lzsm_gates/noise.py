r"""Gate channels under noise: the superoperator of a designed pulse from the Floquet-Born-Markov equation.

Approximation (docs: Physics, Sec. 5; gates paper App. A; O3L paper App. A).  Each system
operator :math:`X` couples to its own bath (:math:`H_{SB} = \sum X\otimes B`).
During a drive period the Born-Markov master equation in the Floquet frame,
:math:`\rho_{ab}(t) = \langle u_a(t)|\rho(t)|u_b(t)\rangle`, is

.. math::

    \dot\rho = -i[E, \rho] + \mathcal L(t)\rho, \qquad
    \mathcal L(t) = \sum_Q \mathcal L^Q e^{-iQ\omega t},

and :mod:`lzsm_gates.redfield` gives :math:`\mathcal L(t)` in full.  Over a
whole number :math:`n` of periods the modes return to :math:`|u_a(0)\rangle`,
so the lab-frame channel is

.. math::

    \mathcal E_{nT} = \mathcal B\, \mathcal P(T)^n\,\mathcal B^{-1},
    \qquad \mathcal B\rho_F = B\rho_F B^\dagger ,

with :math:`B` the matrix of the modes :math:`|u_a(0)\rangle` and
:math:`\mathcal P(T)` the time-ordered exponential of the Floquet-frame
generator over one period.  Two methods:

``method="redfield"`` (default)
    :math:`\mathcal P(T) = \mathcal T e^{\int_0^T\mathcal L(t)dt}` with the full
    time-dependent generator (:class:`~lzsm_gates.redfield.FloquetRedfield`):
    output states right to first order in the coupling (checked against a
    directly integrated lab-frame Redfield equation in the tests).

``method="averaged"``
    :math:`\mathcal P(T) = e^{\mathcal L^0 T}` with the period average
    :math:`\mathcal L^0` (:meth:`~lzsm_gates.floquet.FloquetBasis.redfield_tensor`),
    about 10x cheaper.  The dropped :math:`Q \ne 0` terms average to zero
    in the secular (population and coherence-decay) elements, so the
    average gate fidelity agrees with ``"redfield"`` to second order in the
    coupling; but they change non-secular elements of the channel at first
    order, so output *states* deviate from the Redfield evolution by a
    large fraction of their deviation from the ideal gate (for the designed
    X gate and an Ohmic bath, 20-60% in trace distance for single input
    states at :math:`T = 0.5\Delta`, up to 100% at :math:`T = 0.05\Delta`;
    tested to exceed 5%).  Use it for fidelities and rankings, not for
    states or counts.

Unlike the fully secular (Lindblad) form, both keep the coupling of
coherences to populations and among coherences whose frequencies coincide,
so they stay valid when quasienergies are degenerate: the
:math:`\{|01\rangle, |10\rangle\}` block of the :math:`\sqrt{\mathrm{bSWAP}}`
pulse has two zero quasienergies.  Their secular part reproduces the
Floquet rates :math:`\Gamma_{ab}`, :math:`\Gamma^\varphi_{ab}` of
:func:`~lzsm_gates.floquet.floquet_rates`.  Idles use the time-independent
Bloch-Redfield generator of :math:`H_0`
(:func:`~lzsm_gates.redfield.static_redfield`), exact within Born-Markov
for any duration.  A pulse :math:`t_1, T, t_2` (and virtual Z) gives
:math:`\mathcal E = \mathcal Z_2\,\mathcal E_{t_2}\,\mathcal E_T\,\mathcal E_{t_1}\,\mathcal Z_1`.
The Lamb shift (principal part of the bath correlation) is optional
(``lamb_shift=True``), as in QuTiP and the papers, where it is dropped.

Superoperators use column stacking,
:math:`\mathrm{vec}(A\rho B) = (B^T\otimes A)\,\mathrm{vec}\,\rho`
(:func:`lzsm_gates.lindblad.vec`, Qiskit's ``SuperOp`` convention).  The
average gate fidelity of the channel against the target is the total error;
its coherent part is the unitary error of the exact pulse, the incoherent
part the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Literal, Sequence

import numpy as np

from .baths import Bath, OneOverFNoise
from .floquet import Coupling, FloquetRates, default_kmax, floquet_basis
from .metrics import average_gate_fidelity, gate_error, unitary_superoperator
from .models import DrivenModel, check_hermitian, qubit_model
from .operators import PAULI_X, embed
from .pulses import LZSMPulse, rz
from .redfield import expm_batch, floquet_redfield, static_redfield, to_lab
from .units import LZSMInputError, check_finite, check_integer, check_positive

__all__ = [
    "GateNoise",
    "qubit_couplings",
    "periodic_channel",
    "idle_channel",
    "gate_channel",
    "noisy_gate_error",
    "open_system_error",
    "quasi_static_channel",
    "flux_noise_channel",
]

#: Gauss-Hermite nodes of the quasi-static average (exact for offsets' polynomials up to degree 2 n - 1).
QUASI_STATIC_NODES = 8

Noise = Bath | Sequence[Bath] | Sequence[Coupling]
"""A bath for every qubit (one shared spec or one per qubit), or explicit ``(operator, bath)`` couplings."""

Method = Literal["redfield", "averaged"]
"""Drive-period generator: the full time-dependent one or its period average (module docstring)."""


def qubit_couplings(num_qubits: int, baths: Bath | Sequence[Bath], operator: np.ndarray = PAULI_X) -> list[Coupling]:
    r"""Each qubit coupled through ``operator`` (default :math:`\sigma_x`) to its own, independent bath.

    Qubit 0 is the *left* tensor factor (model order, :mod:`lzsm_gates.models`).

    Parameters
    ----------
    num_qubits : int
    baths : Bath or sequence of Bath
        One spectral density for all qubits (independent copies), or one per qubit.
    operator : ndarray, shape (2, 2)

    Raises
    ------
    LZSMInputError
        If the number of baths is not ``num_qubits``.
    """
    n = check_integer("num_qubits", num_qubits, minimum=1)
    per_qubit = [baths] * n if isinstance(baths, Bath) else list(baths)
    if len(per_qubit) != n or not all(isinstance(b, Bath) for b in per_qubit):
        raise LZSMInputError(f"baths must be one Bath or a sequence of {n} Bath objects, got {baths!r}")
    op = np.asarray(operator, dtype=complex)
    if op.shape != (2, 2):
        raise LZSMInputError(f"operator must be a single-qubit (2, 2) matrix, got shape {op.shape}")
    return [(embed(op, q, n), bath) for q, bath in enumerate(per_qubit)]


def _couplings_for(model: DrivenModel, noise: Noise) -> list[Coupling]:
    """Explicit couplings of ``noise`` on ``model`` (a qubit register when given baths)."""
    if isinstance(noise, Bath) or (isinstance(noise, Sequence) and noise and all(isinstance(b, Bath) for b in noise)):
        n = int(round(np.log2(model.dim)))
        if 2**n != model.dim:
            raise LZSMInputError(f"baths alone need a qubit register (dimension 2^n), the model has dimension {model.dim}: pass couplings")
        return qubit_couplings(n, noise)
    couplings = list(noise)
    if not couplings:
        raise LZSMInputError("noise must name at least one bath or (operator, bath) coupling")
    return couplings


def _check_method(method: str) -> str:
    if method not in ("redfield", "averaged"):
        raise LZSMInputError(f"method must be 'redfield' or 'averaged', got {method!r}")
    return method


def periodic_channel(
    model: DrivenModel,
    amplitude: float,
    frequency: float,
    noise: Noise,
    *,
    periods: int = 1,
    kmax: int | None = None,
    method: Method = "redfield",
    lamb_shift: bool = False,
) -> np.ndarray:
    r"""Lab-frame superoperator of ``periods`` whole drive periods (module docstring).

    Parameters
    ----------
    model : DrivenModel
        :math:`H(t) = H_0 + A f(\omega t) V`, started at :math:`t = 0` (drive phase zero).
    amplitude, frequency : float
        :math:`A` and :math:`\omega > 0` in internal units.
    noise : Bath, sequence of Bath, or sequence of (operator, Bath)
        See :func:`qubit_couplings`.
    periods : int
        Number of periods :math:`n \ge 1`.
    kmax : int, optional
        Sideband cutoff (default :func:`~lzsm_gates.floquet.default_kmax`).
    method : {"redfield", "averaged"}
        Full time-dependent generator, or its period average (fast; right fidelities, not states).
    lamb_shift : bool
        Include the Lamb shift (baths must decay at high frequency).

    Returns
    -------
    ndarray, shape ``(d*d, d*d)``
    """
    a = float(check_finite("amplitude", amplitude))
    w = float(check_positive("frequency", frequency))
    n = check_integer("periods", periods, minimum=1)
    _check_method(method)
    generator = floquet_redfield(model, a, w, _couplings_for(model, noise), kmax=kmax, lamb_shift=lamb_shift)
    if method == "redfield":
        return generator.period_channel(n)
    return to_lab(expm_batch(generator.averaged_generator() * (n * generator.period)), generator.basis.modes[0])


def idle_channel(model: DrivenModel, time: float | np.ndarray, noise: Noise, *, lamb_shift: bool = False) -> np.ndarray:
    r"""Lab-frame superoperator of free evolution under :math:`H_0` for ``time`` (Bloch-Redfield, module docstring).

    Parameters
    ----------
    model : DrivenModel
        Only :math:`H_0` is used.
    time : float or array_like
        Durations :math:`\ge 0` (internal units); an array gives one channel per entry from one tensor.
    noise : Bath, sequence of Bath, or sequence of (operator, Bath)
    lamb_shift : bool
        Include the Lamb shift.

    Returns
    -------
    ndarray, shape ``(*time.shape, d*d, d*d)``
    """
    t = np.asarray(check_finite("time", time), dtype=float)
    if np.any(t < 0):
        raise LZSMInputError(f"time must be >= 0, got {t.min()}")
    generator = static_redfield(model, _couplings_for(model, noise), lamb_shift=lamb_shift)
    return to_lab(expm_batch(generator.averaged_generator() * t[..., None, None]), generator.basis.modes[0])


@dataclass(frozen=True)
class GateNoise:
    r"""Error budget of a gate under noise.

    Attributes
    ----------
    total_error : float
        :math:`1 - F_\mathrm{avg}` of the channel against the target.
    coherent_error : float
        Unitary error of the exact pulse.
    incoherent_error : float
        ``total_error - coherent_error``.
    rates : FloquetRates
        Secular Floquet rates of the drive period (diagnostics: :math:`\Gamma_{ab}`,
        :math:`\Gamma^\varphi_{ab}`, quasienergies).
    """

    total_error: float
    coherent_error: float
    incoherent_error: float
    rates: FloquetRates

    @property
    def gamma1(self) -> float:
        r"""Qubit :math:`\Gamma_1 = \Gamma_{01} + \Gamma_{10}` during the drive (d = 2 only)."""
        self._check_qubit("gamma1")
        return float(self.rates.rates[0, 1] + self.rates.rates[1, 0])

    @property
    def gamma_phi(self) -> float:
        r"""Qubit pure dephasing :math:`\Gamma_\varphi` during the drive (d = 2 only)."""
        self._check_qubit("gamma_phi")
        return float(self.rates.dephasing[0, 1])

    def _check_qubit(self, name: str) -> None:
        if self.rates.rates.shape[-1] != 2:
            raise LZSMInputError(f"{name} is defined for a single qubit; use .rates for d = {self.rates.rates.shape[-1]}")


def gate_channel(
    pulse: LZSMPulse,
    noise: Noise,
    *,
    model: DrivenModel | None = None,
    method: Method = "redfield",
    lamb_shift: bool = False,
) -> np.ndarray:
    """Superoperator of ``pulse`` (idles, drive period, virtual Z) on ``model`` under ``noise``.

    Parameters
    ----------
    pulse : LZSMPulse
    noise : Bath, sequence of Bath, or sequence of (operator, Bath)
        A bath for every qubit, coupled through :math:`\\sigma_x` (:func:`qubit_couplings`), or explicit couplings.
    model : DrivenModel, optional
        Default :func:`~lzsm_gates.models.qubit_model` (gap 1).
    method : {"redfield", "averaged"}
        Drive-period generator (module docstring): ``"averaged"`` is faster and
        gives the same average fidelity to second order in the coupling, but
        not the right output states.
    lamb_shift : bool
        Include the Lamb shift.

    Returns
    -------
    ndarray, shape ``(d*d, d*d)``
        Column-stacking Liouville matrix of the whole pulse, in the lab frame.
    """
    model = qubit_model() if model is None else model
    if pulse.has_virtual_z and model.dim != 2:
        raise LZSMInputError(f"virtual Z segments are single-qubit frame changes; the model has dimension {model.dim}")
    drive = periodic_channel(model, pulse.amplitude, pulse.frequency, noise, method=method, lamb_shift=lamb_shift)
    idles = idle_channel(model, [pulse.idle_before, pulse.idle_after], noise, lamb_shift=lamb_shift)
    channel = idles[1] @ drive @ idles[0]
    if pulse.has_virtual_z:
        channel = unitary_superoperator(rz(pulse.vz_after)) @ channel @ unitary_superoperator(rz(pulse.vz_before))
    return channel


def _errors(pulse: LZSMPulse, target: np.ndarray, noise: Noise, model: DrivenModel, method: Method) -> tuple[float, float]:
    """Total and coherent (unitary) error of ``pulse`` against ``target``."""
    total = 1.0 - float(average_gate_fidelity(gate_channel(pulse, noise, model=model, method=method), target))
    return total, float(gate_error(target, pulse.propagator(model)))


def noisy_gate_error(
    pulse: LZSMPulse,
    target: np.ndarray,
    noise: Noise,
    *,
    model: DrivenModel | None = None,
    method: Method = "redfield",
) -> GateNoise:
    """Total, coherent and incoherent error of ``pulse`` against ``target`` under ``noise`` (module docstring)."""
    model = qubit_model() if model is None else model
    total, coherent = _errors(pulse, target, noise, model, _check_method(method))
    kmax = default_kmax(model, pulse.amplitude, pulse.frequency)
    rates = floquet_basis(model, pulse.amplitude, pulse.frequency, kmax=kmax).rates(_couplings_for(model, noise), kmax)
    return GateNoise(total, coherent, total - coherent, rates)


def open_system_error(noise: Noise, *, method: Method = "averaged") -> Callable[["GateDesign"], float]:  # noqa: F821
    """The ``open_system`` callable of :func:`~lzsm_gates.design.design_gate`: design -> incoherent error.

    Defaults to the fast ``"averaged"`` generator: the ranking uses the average
    fidelity, which it gives to second order in the coupling (module docstring).
    """
    _check_method(method)

    def error(design) -> float:  # noqa: ANN001 - a GateDesign
        total, coherent = _errors(design.pulse, design.target.matrix, noise, qubit_model(design.gap), method)
        return total - coherent

    return error


def quasi_static_channel(
    pulse: LZSMPulse,
    std: float,
    operator: np.ndarray,
    *,
    noise: Noise | None = None,
    model: DrivenModel | None = None,
    nodes: int = QUASI_STATIC_NODES,
    method: Method = "redfield",
) -> np.ndarray:
    r"""Channel of ``pulse`` averaged over a static Gaussian offset :math:`H_0 \to H_0 + \delta X`.

    .. math::

        \bar{\mathcal E} = \int d\delta\,\frac{e^{-\delta^2/2\sigma^2}}{\sqrt{2\pi}\sigma}\,
        \mathcal E_\delta
        \approx \sum_i \frac{w_i}{\sqrt\pi}\,\mathcal E_{\sqrt2\sigma x_i}

    with the Gauss-Hermite nodes :math:`x_i` and weights :math:`w_i`; each
    :math:`\mathcal E_\delta` is the exact unitary of the shifted pulse
    (``noise=None``) or its :func:`gate_channel` under ``noise``.  The offset
    acts during the idles and the drive alike.  For :math:`X = \sigma_x` at
    the sweet spot an idle is sensitive only at second order
    (:math:`\sqrt{\Delta^2 + 4\delta^2}`), a drive period at first order.

    Parameters
    ----------
    pulse : LZSMPulse
    std : float
        :math:`\sigma \ge 0` of the offset (e.g. :attr:`~lzsm_gates.baths.OneOverFNoise.quasi_static_std`).
    operator : ndarray, shape (d, d)
        Hermitian :math:`X`.
    noise : Bath, sequence of Bath, or sequence of (operator, Bath), optional
        Markovian noise applied at every offset (:func:`gate_channel`).
    model : DrivenModel, optional
        Default :func:`~lzsm_gates.models.qubit_model`.
    nodes : int
        Number of Gauss-Hermite nodes (>= 1).
    method : {"redfield", "averaged"}

    Returns
    -------
    ndarray, shape ``(d*d, d*d)``
    """
    model = qubit_model() if model is None else model
    sigma = float(check_positive("std", std, allow_zero=True))
    x = check_hermitian("operator", operator)
    if x.shape != (model.dim, model.dim):
        raise LZSMInputError(f"operator has shape {x.shape}, the model has dimension {model.dim}")
    nodes = check_integer("nodes", nodes, minimum=1)
    points, weights = np.polynomial.hermite.hermgauss(nodes)
    total = 0.0
    for point, weight in zip(points, weights):
        shifted = replace(model, static=model.static + np.sqrt(2.0) * sigma * point * x, parity=None)
        if noise is None:
            channel = unitary_superoperator(pulse.propagator(shifted))
        else:
            channel = gate_channel(pulse, noise, model=shifted, method=method)
        total = total + weight / np.sqrt(np.pi) * channel
    return total


def flux_noise_channel(
    pulse: LZSMPulse,
    flux: OneOverFNoise,
    *,
    operator: np.ndarray = PAULI_X,
    noise: Noise | None = None,
    model: DrivenModel | None = None,
    nodes: int = QUASI_STATIC_NODES,
    method: Method = "redfield",
) -> np.ndarray:
    r"""Gate channel under 1/f noise (:class:`~lzsm_gates.baths.OneOverFNoise`) through ``operator``.

    The quasi-static part (:math:`\omega_{ir}` to :math:`\omega_s`) is averaged
    exactly (:func:`quasi_static_channel`); the part above :math:`\omega_s`
    is a bath coupled through the same operator in the Floquet-Born-Markov
    channel (:func:`gate_channel`), together with any other ``noise``.
    Default operator :math:`\sigma_x`: the flux bias of the gates' qubit
    enters through the drive channel.
    """
    model = qubit_model() if model is None else model
    if not isinstance(flux, OneOverFNoise):
        raise LZSMInputError(f"flux must be a OneOverFNoise, got {type(flux).__name__}")
    couplings = [] if noise is None else _couplings_for(model, noise)
    couplings.append((np.asarray(operator, dtype=complex), flux.bath()))
    return quasi_static_channel(
        pulse, flux.quasi_static_std, operator, noise=couplings, model=model, nodes=nodes, method=method
    )
