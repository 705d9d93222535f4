r"""Open-system error of N-level designs with the device's own noise operators.

Each noise channel couples a device operator, in the eigenbasis of the kept
levels, to an independent bath (:class:`~lzsm_gates.baths.Bath`):

* flux noise through the phase operator :math:`\varphi` (the coupling
  constant :math:`2\pi E_L/\Phi_0` and the flux-noise spectrum are absorbed
  in the bath's :math:`J(\omega)`);
* charge noise through :math:`n`;
* dielectric loss through :math:`\varphi` with
  :class:`DielectricSpectralDensity`.

The channel of a pulse comes from :func:`lzsm_gates.noise.gate_channel`
(Floquet-Born-Markov during the drive period, Bloch-Redfield during the
idles) on the N-level model, so relaxation into level 2 and thermal or
drive-assisted transitions out of the qubit subspace are included.  Its
computational-subspace average gate fidelity generalises Pedersen's formula
to the trace-decreasing restriction :math:`\mathcal E_P(\rho) = P\mathcal
E(\rho)P` of the channel to inputs in the subspace:

.. math::

    F = \frac{\operatorname{Tr}(S_V^\dagger S_P) + \sum_{i\in P}\operatorname{Tr}[P\mathcal E(|i\rangle\langle i|)]}{d(d+1)},

with :math:`S_P` the :math:`d^2\times d^2` block of the Liouville matrix and
:math:`S_V = \bar V\otimes V`; for a unitary channel it is
:func:`~lzsm_gates.devices.leakage.subspace_gate_error`'s fidelity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..baths import Bath
from ..floquet import Coupling
from ..metrics import unitary_superoperator
from ..noise import gate_channel
from ..units import LZSMInputError, check_positive
from .design import MultilevelDesign
from .spectrum import MultilevelSpectrum
from ..version import Provenance

__all__ = [
    "DielectricSpectralDensity",
    "device_couplings",
    "subspace_channel_error",
    "OpenSystemScore",
    "open_system_score",
    "rank_open_system",
]


@dataclass(frozen=True)
class DielectricSpectralDensity:
    r"""Dielectric (capacitive) loss seen by the phase operator, constant quality factor.

    .. math::

        J(\omega) = \frac{\omega^2}{8\pi E_C Q},

    so that :math:`\Gamma_\downarrow + \Gamma_\uparrow = 2\pi J(\omega)|\varphi_{ij}|^2\coth(\omega/2T)
    = \frac{\omega^2}{4 E_C Q}|\varphi_{ij}|^2\coth(\omega/2T)`, the usual
    capacitive-loss rate (e.g. Nguyen et al. 2019, Smith et al. 2020).
    :math:`E_C` and :math:`\omega` in the same (internal) unit.
    """

    quality_factor: float
    charging_energy: float

    def __post_init__(self) -> None:
        check_positive("quality_factor", self.quality_factor)
        check_positive("charging_energy", self.charging_energy)

    def __call__(self, frequency: np.ndarray) -> np.ndarray:
        w = np.asarray(frequency, dtype=float)
        return w * w / (8 * np.pi * self.charging_energy * self.quality_factor)

    def slope_at_zero(self) -> float:
        r""":math:`\lim_{\omega\to 0} J(\omega)/\omega = 0`."""
        return 0.0


def device_couplings(
    spectrum: MultilevelSpectrum,
    levels: int | None = None,
    *,
    flux: Bath | None = None,
    charge: Bath | None = None,
    dielectric_q: float | None = None,
    temperature: float = 0.0,
) -> list[Coupling]:
    r"""Noise couplings ``(operator, bath)`` of a fluxonium-like device in its N-level eigenbasis.

    Parameters
    ----------
    spectrum : MultilevelSpectrum
        Must carry the operators ``"phi"`` and/or ``"n"`` (e.g. :func:`~lzsm_gates.devices.fluxonium`).
    levels : int, optional
        N (default all).
    flux, charge : Bath, optional
        Baths of the phase and charge operators (internal units of the gap).
    dielectric_q : float, optional
        Quality factor of the dielectric loss (needs ``spectrum.parameters["EC"]`` in GHz).
    temperature : float
        Temperature of the dielectric bath, internal units of the gap.

    Raises
    ------
    LZSMInputError
        If no channel is given, or an operator or :math:`E_C` is missing.
    """
    couplings: list[Coupling] = []
    if flux is not None:
        couplings.append((spectrum.operator("phi", levels), flux))
    if charge is not None:
        couplings.append((spectrum.operator("n", levels), charge))
    if dielectric_q is not None:
        if "EC" not in spectrum.parameters:
            raise LZSMInputError("dielectric_q needs a spectrum built with a charging energy EC (e.g. fluxonium)")
        ec = float(spectrum.parameters["EC"]) / spectrum.gap_ghz
        bath = Bath(DielectricSpectralDensity(float(dielectric_q), ec), temperature)
        couplings.append((spectrum.operator("phi", levels), bath))
    if not couplings:
        raise LZSMInputError("give at least one noise channel: flux, charge or dielectric_q")
    return couplings


def subspace_channel_error(superoperator: np.ndarray, target: np.ndarray, subspace: Sequence[int] = (0, 1)) -> float:
    r"""Computational-subspace average gate error of a channel (module docstring).

    Parameters
    ----------
    superoperator : ndarray, shape (N*N, N*N)
        Column-stacking Liouville matrix.
    target : ndarray, shape (d, d)
    subspace : sequence of int
    """
    s = np.asarray(superoperator, dtype=complex)
    n = int(round(np.sqrt(s.shape[0])))
    if s.shape != (n * n, n * n):
        raise LZSMInputError(f"superoperator must be square with a square dimension, got shape {s.shape}")
    idx = np.asarray(subspace)
    v = np.asarray(target, dtype=complex)
    d = idx.size
    if v.shape != (d, d) or idx.max() >= n or idx.min() < 0:
        raise LZSMInputError(f"target must be ({d}, {d}) and subspace indices in [0, {n - 1}]")
    # column stacking: |a><b| sits at a + n b; the d-level block in its own column-stacking order
    vec = np.array([idx[a] + n * idx[b] for b in range(d) for a in range(d)])
    block = s[np.ix_(vec, vec)]
    kept = sum(np.trace(block[:, i + d * i].reshape(d, d, order="F")).real for i in range(d))
    f = (np.trace(unitary_superoperator(v).conj().T @ block).real + kept) / (d * (d + 1))
    return float(max(1.0 - f, 0.0))


@dataclass(frozen=True)
class OpenSystemScore(Provenance):
    """Open-system error budget of one N-level design.

    Attributes
    ----------
    design : MultilevelDesign
    total_error : float
        Subspace error of the noisy channel.
    coherent_error : float
        The design's unitary total error (leakage included).
    incoherent_error : float
        ``total_error - coherent_error``.
    leaked_population : float
        Average population outside the subspace after the noisy pulse (input :math:`P/d`).
    """

    design: MultilevelDesign
    total_error: float
    coherent_error: float
    incoherent_error: float
    leaked_population: float


def open_system_score(design: MultilevelDesign, spectrum: MultilevelSpectrum, couplings: Sequence[Coupling]) -> OpenSystemScore:
    """Noisy channel of the design's pulse (real idles) on its N-level model, scored on the qubit subspace."""
    model = spectrum.model(design.levels)
    channel = gate_channel(design.pulse, list(couplings), model=model)
    n = model.dim
    rho = np.zeros((n, n), dtype=complex)
    rho[0, 0] = rho[1, 1] = 0.5
    out = (channel @ rho.reshape(-1, order="F")).reshape(n, n, order="F")
    total = subspace_channel_error(channel, design.target.matrix)
    return OpenSystemScore(design, total, design.total_error, total - design.total_error, float(1.0 - out[0, 0].real - out[1, 1].real))


def rank_open_system(
    designs: Sequence[MultilevelDesign], spectrum: MultilevelSpectrum, couplings: Sequence[Coupling]
) -> list[OpenSystemScore]:
    """Score every design under the device's noise (:func:`open_system_score`), lowest total error first."""
    if not designs:
        raise LZSMInputError("designs is empty")
    return sorted((open_system_score(d, spectrum, couplings) for d in designs), key=lambda s: s.total_error)
