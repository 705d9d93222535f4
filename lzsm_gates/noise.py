r"""Gate error under noise: the channel of a designed pulse from Floquet-Born-Markov rates.

Approximation (gates paper Sec. V, App. A).  During the drive period the
secular Floquet-Born-Markov master equation is time independent in the
Floquet frame: with the Floquet modes :math:`|u_a(0)\rangle = |u_a(T)\rangle`
as basis it is the Lindblad equation

.. math::

    \dot\rho_F = -i[\mathrm{diag}(\varepsilon_a), \rho_F]
        + \sum_{a\ne b} \Gamma_{ab}\, D[|a\rangle\langle b|]\rho_F
        + \frac{\Gamma_\varphi}{2} D[\sigma_z^F]\rho_F ,

with the rates :math:`\Gamma_{ab}` (:math:`b \to a`) and the pure
dephasing :math:`\Gamma_\varphi` of :func:`~lzsm_gates.floquet.floquet_rates`
(time-dependent rates are thus replaced by their secular, period-resolved
Floquet values, valid when the rates are small compared with the
quasienergy splitting; :attr:`GateNoise.secular_parameter` reports it).
The idles use the same equation at :math:`A = 0` (golden-rule rates in
the eigenbasis of :math:`H_0`).  Each segment is integrated as a
qiskit-dynamics Lindblad :class:`~qiskit_dynamics.Solver` in vectorized
mode, giving its superoperator (column-stacking,
:math:`\mathrm{vec}(A\rho B) = (B^T\otimes A)\mathrm{vec}\,\rho`); back in the
lab frame, :math:`\mathcal{E} = \mathcal{E}_{t_2}\,\mathcal{E}_T\,\mathcal{E}_{t_1}`.

The average gate fidelity of the channel against the target gives the
total error; its coherent part is the unitary error of the exact pulse, the
incoherent part the rest.  Single-qubit gates (d = 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from .baths import Bath
from .floquet import floquet_basis, floquet_rates
from .lindblad import lindblad_solver
from .metrics import average_gate_fidelity, gate_error, unitary_superoperator
from .models import PAULI_X, PAULI_Z, qubit_model
from .pulses import LZSMPulse, rz
from .units import LZSMInputError

__all__ = ["GateNoise", "gate_channel", "noisy_gate_error", "open_system_error"]


def _secular_segment(energies: np.ndarray, basis: np.ndarray, rates: np.ndarray, dephasing: float, time: float) -> np.ndarray:
    """Lab-frame superoperator of a secular Lindblad segment solved with qiskit-dynamics."""
    d = energies.size
    if time <= 0:
        return np.eye(d * d, dtype=complex)
    jumps = []
    for a in range(d):
        for b in range(d):
            if a != b and rates[a, b] > 0:
                op = np.zeros((d, d), dtype=complex)
                op[a, b] = np.sqrt(rates[a, b])
                jumps.append(op)
    if dephasing > 0:
        jumps.append(np.sqrt(dephasing / 2) * PAULI_Z)
    solver = lindblad_solver(np.diag(energies).astype(complex), jumps, vectorized=True)
    sol = solver.solve(t_span=[0.0, time], y0=np.eye(d * d, dtype=complex), method="DOP853", rtol=1e-11, atol=1e-12)
    s_floquet = np.asarray(sol.y[-1])
    to_frame = np.kron(basis.T, basis.conj().T)  # rho_F = B^dag rho B
    to_lab = np.kron(basis.conj(), basis)  # rho = B rho_F B^dag
    return to_lab @ s_floquet @ to_frame


@dataclass(frozen=True)
class GateNoise:
    """Error budget of a gate under noise.

    Attributes
    ----------
    total_error : float
        :math:`1 - F_\\mathrm{avg}` of the channel against the target.
    coherent_error : float
        Unitary error of the exact pulse.
    incoherent_error : float
        ``total_error - coherent_error``.
    gamma1, gamma_phi : float
        Floquet :math:`\\Gamma_1 = \\Gamma_\\downarrow + \\Gamma_\\uparrow` and :math:`\\Gamma_\\varphi` during the drive.
    secular_parameter : float
        Largest rate over the quasienergy splitting (small for a valid secular approximation).
    """

    total_error: float
    coherent_error: float
    incoherent_error: float
    gamma1: float
    gamma_phi: float
    secular_parameter: float


def gate_channel(pulse: LZSMPulse, bath: Bath, *, gap: float = 1.0, coupling: np.ndarray = PAULI_X) -> tuple[np.ndarray, dict]:
    """Superoperator of ``pulse`` on the qubit with noise ``coupling`` (default :math:`\\sigma_x`) to ``bath``.

    Returns
    -------
    superoperator : ndarray, shape (4, 4)
        Column-stacking Liouville matrix of the whole pulse (idles and virtual Z included).
    info : dict
        ``gamma1``, ``gamma_phi`` and ``secular_parameter`` of the drive period.
    """
    model = qubit_model(gap)
    if model.dim != 2:
        raise LZSMInputError("gate_channel handles single-qubit pulses only")
    couplings = (np.asarray(coupling, dtype=complex), bath)
    driven = floquet_rates(model, pulse.amplitude, pulse.frequency, couplings)
    basis = floquet_basis(model, pulse.amplitude, pulse.frequency)
    period = _secular_segment(
        driven.quasienergies, basis.modes[0], driven.rates, float(driven.dephasing[0, 1]), pulse.period
    )
    idle_rates = floquet_rates(model, 0.0, pulse.frequency, couplings)
    energies, vectors = np.linalg.eigh(model.static)  # the A = 0 Floquet order: eigenstates of H0
    idle = [
        _secular_segment(energies, vectors, idle_rates.rates, float(idle_rates.dephasing[0, 1]), t)
        for t in (pulse.idle_before, pulse.idle_after)
    ]
    channel = idle[1] @ period @ idle[0]
    if pulse.has_virtual_z:
        channel = unitary_superoperator(rz(pulse.vz_after)) @ channel @ unitary_superoperator(rz(pulse.vz_before))
    info = {
        "gamma1": float(driven.rates[0, 1] + driven.rates[1, 0]),
        "gamma_phi": float(driven.dephasing[0, 1]),
        "secular_parameter": float(driven.secular_parameter),
    }
    return channel, info


def noisy_gate_error(pulse: LZSMPulse, target: np.ndarray, bath: Bath, *, gap: float = 1.0) -> GateNoise:
    """Total, coherent and incoherent error of ``pulse`` against ``target`` under ``bath`` (module docstring)."""
    channel, info = gate_channel(pulse, bath, gap=gap)
    total = 1.0 - float(average_gate_fidelity(channel, target))
    coherent = float(gate_error(target, pulse.propagator(qubit_model(gap))))
    return GateNoise(total, coherent, total - coherent, info["gamma1"], info["gamma_phi"], info["secular_parameter"])


def open_system_error(bath: Bath) -> Callable[["GateDesign"], float]:  # noqa: F821 - design imports this module's user
    """The ``open_system`` callable of :func:`~lzsm_gates.design.design_gate`: design -> incoherent error."""

    def error(design) -> float:  # noqa: ANN001 - a GateDesign
        return noisy_gate_error(design.pulse, design.target.matrix, bath, gap=design.gap).incoherent_error

    return error
