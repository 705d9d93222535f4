r"""Cavity-mediated entanglement of two qubits with asymmetric couplings.

Model of the cavity paper (``seeds/cavity_asymmetric_coupling_entanglement.txt``,
physics.md Sec. 6): two qubits of transition frequency :math:`\epsilon` in
one cavity mode of frequency :math:`\omega`, couplings :math:`g_1, g_2`,

.. math::

    H = \omega\, a^\dagger a + \epsilon \sum_{i=1}^{2} s^z_i
        + \sum_{i=1}^{2} g_i \left(a^\dagger s^-_i + a\, s^+_i\right)
    \qquad \text{(paper Eq. 1)} .

.. rubric:: Conventions and units

* Everything is in units of :math:`g_1` (:math:`g_1 = 1`, :math:`\hbar = 1`):
  ``g2`` is the ratio :math:`g_2/g_1`, times are in :math:`1/g_1`.
* :math:`s^z = \sigma_z/2` and :math:`s^\pm` are spin-1/2 operators with
  :math:`s^z|1\rangle = +\tfrac12|1\rangle` (:math:`|1\rangle` excited,
  :math:`|0\rangle` ground, as the paper), so :math:`\epsilon` is the qubit
  transition frequency and :math:`\delta = \epsilon - \omega` the
  qubit-cavity detuning.  (This labelling is opposite to the Pauli
  convention of the gate problems, :math:`\sigma_z|0\rangle = +|0\rangle`;
  entanglement measures do not depend on it.)
* Tensor order: qubit 1 :math:`\otimes` qubit 2 :math:`\otimes` cavity, dims
  ``[2, 2, n_fock]``; a basis state is :math:`|q_1 q_2\rangle|n\rangle`
  (the paper writes :math:`|q_1\, n\, q_2\rangle`).

.. rubric:: Reconstructions of equations lost in the text extraction

* Eq. 1: the "2" printed after :math:`\epsilon` is the upper limit of the
  sum, not a factor 1/2; with :math:`s^z = \sigma_z/2` this makes
  :math:`\epsilon` the transition frequency, consistent with
  :math:`\delta = \epsilon - \omega` "measuring the qubit-photon resonance"
  and with the drive at :math:`\omega_d = 9.99 \approx \epsilon = 10`.
* Eq. 3 (dispersive model) prints :math:`\tilde g_i/\delta`; dimensional
  analysis and the Schrieffer-Wolff expansion give :math:`\tilde g_i^2/\delta`:

  .. math::

      H_\mathrm{disp} = \sum_i \frac{c\, g_i^2}{\delta} s^z_i
        + \frac{g_1 g_2}{\delta}\left(s^+_1 s^-_2 + s^-_1 s^+_2\right),
      \qquad c = 2N_\mathrm{ph} + 1 ,

  i.e. :math:`\tilde g_i^2/\delta = c g_i^2/\delta` (Lamb plus ac-Stark shift
  at photon number :math:`N_\mathrm{ph}`) and
  :math:`\sum_{i\ne j}\tilde g_i\tilde g_j/(2\tilde\delta) = g_1 g_2/\delta`
  (the exchange coupling does not depend on :math:`N_\mathrm{ph}`).  The
  constant :math:`\omega a^\dagger a + \epsilon\sum_i s^z_i` is dropped, as
  in the paper; it does not act within the one-excitation qubit subspace
  :math:`\{|01\rangle, |10\rangle\}` that the dynamics explores.
* Eq. 6: the dissipator is printed as :math:`2a^\dagger\rho a - \dots`; the
  paper states that the cavity relaxes to vacuum, so it is the standard
  :math:`\mathcal D[a]\rho = a\rho a^\dagger - \tfrac12\{a^\dagger a, \rho\}`.
* Eq. 7, the Hamiltonian in the frame rotating at the drive frequency
  :math:`\omega_d` (RWA drive on qubit 2 only):

  .. math::

      H' = (\omega - \omega_d) a^\dagger a + (\epsilon - \omega_d)\sum_i s^z_i
          + \sum_i g_i (a^\dagger s^-_i + a s^+_i) + d\,(s^+_2 + s^-_2) ,

  with :math:`\dot\rho = -i[H', \rho] + \kappa\mathcal D[a]\rho
  + \gamma\sum_j \mathcal D[s^-_j]\rho` (Eq. 6).

Paper parameters (Figs. 2-5), the defaults of :class:`CavityParams`:
:math:`\kappa = g_1`, :math:`\gamma = 0.005 g_1`, :math:`\omega = 50 g_1`,
:math:`\epsilon = 10 g_1`, :math:`\omega_d = 9.99 g_1`.  The figures quote
:math:`N_\mathrm{ph} = 1`, which only sets the initial state of Fig. 2; the
driven-dissipative steady state is unique and does not depend on it.

.. rubric:: Closed-system MES threshold

From :math:`|0\,N_\mathrm{ph}\,1\rangle` the dispersive dynamics is a Rabi
problem in :math:`\{|01\rangle, |10\rangle\}` with level splitting
:math:`\Delta = c(g_1^2 - g_2^2)/\delta` and coupling :math:`J = g_1g_2/\delta`.
The state :math:`\alpha|10\rangle + \beta|01\rangle` has concurrence
:math:`2|\alpha\beta| = 2\sqrt{P(1-P)}` with :math:`P = |\alpha|^2` the
excitation transferred to qubit 1; as :math:`P(t)` starts at 0 and is
continuous, a maximally entangled state is reached iff the largest transfer
:math:`P_\max = 4J^2/(\Delta^2 + 4J^2) \ge 1/2`, i.e. iff
:math:`c(1 - r^2) \le 2r`, :math:`r = g_2/g_1`:

.. math::

    (g_2/g_1)_\mathrm{th} = \frac{1}{1/c + \sqrt{1 + 1/c^2}} .

The threshold is located by root finding on :math:`P_\max(r) - 1/2`, a
smooth function crossing zero with non-zero slope.  A criterion on the peak
concurrence is not sharp: :math:`1 - C_\mathrm{peak} \approx 2(P_\max -
1/2)^2` is quadratic in the distance to the threshold, so "peak concurrence
:math:`\ge 1 - \text{tol}`" moves the threshold by :math:`O(\sqrt{\text{tol}})`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Literal, NamedTuple

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from .lindblad import steady_state as _lindblad_steady_state
from .metrics import concurrence, reduced_qubit_state
from .units import ConvergenceError, LZSMInputError, check_finite, check_positive

__all__ = [
    "CavityParams",
    "CavityOperators",
    "cavity_operators",
    "cavity_hamiltonian",
    "cavity_dispersive_hamiltonian",
    "cavity_driven_hamiltonian",
    "cavity_collapse_operators",
    "cavity_initial_state",
    "CavityDynamics",
    "cavity_dynamics",
    "max_excitation_transfer",
    "peak_concurrence",
    "mes_threshold",
    "mes_threshold_analytic",
    "CavitySteadyState",
    "cavity_steady_state",
    "steady_state_scan",
    "drive_at_peak",
    "coupling_at_peak",
    "entanglement_valley",
]

Model = Literal["full", "dispersive"]

#: Photon number below which the cavity counts as empty (C_ss undefined).
_EMPTY_CAVITY = 1e-14


@dataclass(frozen=True)
class CavityParams:
    r"""Parameters of the two-qubit cavity model, in units of :math:`g_1`.

    Defaults are those of the paper's driven-dissipative study (Figs. 2-5).

    Parameters
    ----------
    g2 : float
        Coupling ratio :math:`g_2/g_1`, in :math:`(0, \infty)`.
    drive : float
        Drive strength :math:`d/g_1` on qubit 2, in :math:`[0, \infty)`.
    kappa : float
        Cavity decay rate :math:`\kappa/g_1`, in :math:`[0, \infty)`.
    gamma : float
        Qubit decay rate :math:`\gamma/g_1` (each qubit), in :math:`[0, \infty)`.
    omega : float
        Cavity frequency :math:`\omega/g_1`, in :math:`(0, \infty)`.
    epsilon : float
        Qubit transition frequency :math:`\epsilon/g_1`, in :math:`(0, \infty)`.
    omega_d : float
        Drive frequency :math:`\omega_d/g_1` (frame of Eq. 7), in :math:`(0, \infty)`.

    Raises
    ------
    LZSMInputError
        If a value is not a finite real scalar in its range (the message
        names the parameter and the range).
    """

    g2: float = 1.0
    drive: float = 0.01
    kappa: float = 1.0
    gamma: float = 0.005
    omega: float = 50.0
    epsilon: float = 10.0
    omega_d: float = 9.99

    def __post_init__(self) -> None:
        nonneg = {"drive", "kappa", "gamma"}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if np.ndim(value) != 0 or isinstance(value, (bool, np.bool_)):
                raise LZSMInputError(f"{f.name} must be a real scalar, got {value!r}")
            check_positive(f.name, value, allow_zero=f.name in nonneg)
            object.__setattr__(self, f.name, float(value))

    @property
    def detuning(self) -> float:
        r"""Qubit-cavity detuning :math:`\delta = \epsilon - \omega` (units of :math:`g_1`)."""
        return self.epsilon - self.omega

    def replace(self, **changes: float) -> "CavityParams":
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)


class CavityOperators(NamedTuple):
    r"""Operators on qubit 1 :math:`\otimes` qubit 2 :math:`\otimes` cavity (dims ``[2, 2, n_fock]``)."""

    a: np.ndarray
    """Cavity annihilation operator :math:`a` (Fock cutoff ``n_fock``)."""
    sm1: np.ndarray
    r""":math:`s^-_1 = |0\rangle\langle 1|` on qubit 1."""
    sm2: np.ndarray
    r""":math:`s^-_2` on qubit 2."""
    sz1: np.ndarray
    r""":math:`s^z_1 = \operatorname{diag}(-1/2, +1/2)` on qubit 1 (basis ``|0>, |1>``)."""
    sz2: np.ndarray
    r""":math:`s^z_2` on qubit 2."""
    num: np.ndarray
    r"""Photon number :math:`a^\dagger a`."""


@lru_cache(maxsize=32)
def cavity_operators(n_fock: int) -> CavityOperators:
    """The model's operators for a Fock cutoff ``n_fock`` (photon numbers 0 .. n_fock-1).

    The arrays are cached and read-only; copy before modifying.
    """
    n = _check_n_fock(n_fock)
    sm = np.array([[0.0, 1.0], [0.0, 0.0]], dtype=complex)
    sz = np.diag([-0.5, 0.5]).astype(complex)
    a = np.diag(np.sqrt(np.arange(1, n)), 1).astype(complex)
    i2, in_ = np.eye(2), np.eye(n)

    def embed(q1: np.ndarray, q2: np.ndarray, cav: np.ndarray) -> np.ndarray:
        op = np.kron(np.kron(q1, q2), cav)
        op.setflags(write=False)
        return op

    return CavityOperators(
        a=embed(i2, i2, a),
        sm1=embed(sm, i2, in_),
        sm2=embed(i2, sm, in_),
        sz1=embed(sz, i2, in_),
        sz2=embed(i2, sz, in_),
        num=embed(i2, i2, np.diag(np.arange(n)).astype(complex)),
    )


def _check_n_fock(n_fock: int) -> int:
    if isinstance(n_fock, (bool, np.bool_)) or np.ndim(n_fock) != 0 or int(n_fock) != n_fock or n_fock < 2:
        raise LZSMInputError(f"n_fock must be an integer in [2, inf), got {n_fock!r}")
    return int(n_fock)


def _check_n_photons(n_photons: int) -> int:
    if (
        isinstance(n_photons, (bool, np.bool_))
        or np.ndim(n_photons) != 0
        or not np.isfinite(n_photons)
        or int(n_photons) != n_photons
        or n_photons < 0
    ):
        raise LZSMInputError(f"n_photons must be an integer in [0, inf), got {n_photons!r}")
    return int(n_photons)


def _check_model(model: str) -> None:
    if model not in ("full", "dispersive"):
        raise LZSMInputError(f"model must be 'full' or 'dispersive', got {model!r}")


def _exchange(ops: CavityOperators, g2: float) -> np.ndarray:
    r""":math:`\sum_i g_i (a^\dagger s^-_i + a s^+_i)` with :math:`g_1 = 1`."""
    ad = ops.a.conj().T
    v = ad @ (ops.sm1 + g2 * ops.sm2)
    return v + v.conj().T


def cavity_hamiltonian(params: CavityParams, n_fock: int) -> np.ndarray:
    r"""Lab-frame model Hamiltonian (paper Eq. 1), units of :math:`g_1`.

    .. math::

        H = \omega a^\dagger a + \epsilon(s^z_1 + s^z_2)
            + \sum_i g_i(a^\dagger s^-_i + a s^+_i)

    ``params.drive``, ``kappa``, ``gamma``, ``omega_d`` are not used.

    Returns
    -------
    ndarray, shape (4 n_fock, 4 n_fock)
    """
    ops = cavity_operators(n_fock)
    return params.omega * ops.num + params.epsilon * (ops.sz1 + ops.sz2) + _exchange(ops, params.g2)


def cavity_dispersive_hamiltonian(params: CavityParams, n_photons: int) -> np.ndarray:
    r"""Dispersive two-qubit Hamiltonian at photon number :math:`N_\mathrm{ph}` (paper Eq. 3, reconstructed).

    .. math::

        H_\mathrm{disp} = \frac{c}{\delta}\left(g_1^2 s^z_1 + g_2^2 s^z_2\right)
          + \frac{g_1 g_2}{\delta}(s^+_1 s^-_2 + s^-_1 s^+_2),
        \qquad c = 2N_\mathrm{ph} + 1,\ \delta = \epsilon - \omega ,

    in the two-qubit basis ``|00>, |01>, |10>, |11>`` (qubit 1 left).  Valid
    for :math:`|\delta| \gg g_i\sqrt{c}`.

    Raises
    ------
    LZSMInputError
        If :math:`\delta = 0` (no dispersive limit) or ``n_photons`` is not a
        non-negative integer.
    """
    c = 2 * _check_n_photons(n_photons) + 1
    delta = params.detuning
    if delta == 0.0:
        raise LZSMInputError("epsilon - omega must be non-zero for the dispersive model, got epsilon == omega")
    sm = np.array([[0.0, 1.0], [0.0, 0.0]])
    sz = np.diag([-0.5, 0.5])
    i2 = np.eye(2)
    sm1, sm2 = np.kron(sm, i2), np.kron(i2, sm)
    sz1, sz2 = np.kron(sz, i2), np.kron(i2, sz)
    flip = sm1.T @ sm2
    h = (c / delta) * (sz1 + params.g2**2 * sz2) + (params.g2 / delta) * (flip + flip.T)
    return h.astype(complex)


def cavity_driven_hamiltonian(params: CavityParams, n_fock: int) -> np.ndarray:
    r"""Rotating-frame Hamiltonian of the driven system (paper Eq. 7), units of :math:`g_1`.

    .. math::

        H' = (\omega - \omega_d) a^\dagger a + (\epsilon - \omega_d)(s^z_1 + s^z_2)
            + \sum_i g_i (a^\dagger s^-_i + a s^+_i) + d\,(s^+_2 + s^-_2)

    Returns
    -------
    ndarray, shape (4 n_fock, 4 n_fock)
    """
    ops = cavity_operators(n_fock)
    return (
        (params.omega - params.omega_d) * ops.num
        + (params.epsilon - params.omega_d) * (ops.sz1 + ops.sz2)
        + _exchange(ops, params.g2)
        + params.drive * (ops.sm2 + ops.sm2.conj().T)
    )


def cavity_collapse_operators(params: CavityParams, n_fock: int) -> list[np.ndarray]:
    r"""Collapse operators of paper Eq. 6: :math:`\sqrt\kappa\, a,\ \sqrt\gamma\, s^-_1,\ \sqrt\gamma\, s^-_2`."""
    ops = cavity_operators(n_fock)
    return [np.sqrt(params.kappa) * ops.a, np.sqrt(params.gamma) * ops.sm1, np.sqrt(params.gamma) * ops.sm2]


def cavity_initial_state(n_photons: int, n_fock: int | None = None) -> np.ndarray:
    r"""The paper's initial ket :math:`|0\, N_\mathrm{ph}\, 1\rangle` (qubit 2 excited, :math:`N_\mathrm{ph}` photons).

    In this module's tensor order it is :math:`|0\rangle_1|1\rangle_2|N_\mathrm{ph}\rangle`.

    Parameters
    ----------
    n_photons : int
        Initial photon number :math:`N_\mathrm{ph} \ge 0`.
    n_fock : int, optional
        Fock cutoff; default ``n_photons + 2``, exact for the closed dynamics
        (which conserves the excitation number :math:`N_\mathrm{ph} + 1`).
    """
    n_ph = _check_n_photons(n_photons)
    n = n_ph + 2 if n_fock is None else _check_n_fock(n_fock)
    if n_ph >= n:
        raise LZSMInputError(f"n_fock must exceed n_photons ({n_ph}), got {n}")
    psi = np.zeros(4 * n, dtype=complex)
    psi[_index(0, 1, n_ph, n)] = 1.0
    return psi


def _index(q1: int, q2: int, photons: int, n_fock: int) -> int:
    return (2 * q1 + q2) * n_fock + photons


def _closed_system(params: CavityParams, n_photons: int, model: Model) -> tuple[np.ndarray, int, int, int]:
    """Hamiltonian, indices of |0 N 1> and |1 N 0>, and Fock cutoff (0 for the dispersive model)."""
    _check_model(model)
    n_ph = _check_n_photons(n_photons)
    if model == "dispersive":
        return cavity_dispersive_hamiltonian(params, n_ph), 1, 2, 0
    n = n_ph + 2
    return cavity_hamiltonian(params, n), _index(0, 1, n_ph, n), _index(1, 0, n_ph, n), n


@dataclass(frozen=True)
class CavityDynamics:
    r"""Closed-system evolution from :math:`|0\,N_\mathrm{ph}\,1\rangle`.

    Attributes
    ----------
    times : ndarray
        Times in units of :math:`1/g_1`.
    concurrence : ndarray
        Concurrence of the reduced two-qubit state.
    transfer : ndarray
        Excitation transferred to qubit 1,
        :math:`P(t) = |\langle 1\,N_\mathrm{ph}\,0|\psi(t)\rangle|^2`.
    """

    times: np.ndarray
    concurrence: np.ndarray
    transfer: np.ndarray


def cavity_dynamics(
    params: CavityParams, n_photons: int, times: np.ndarray, *, model: Model = "full"
) -> CavityDynamics:
    r"""Evolve the closed system from the paper's initial state (Fig. 1c, d).

    Exact evolution :math:`\psi(t) = V e^{-iEt} V^\dagger\psi_0` from the
    eigendecomposition of the full Hamiltonian (Eq. 1, Fock cutoff
    :math:`N_\mathrm{ph} + 2`, exact) or of the dispersive one (Eq. 3).

    Parameters
    ----------
    params : CavityParams
        Uses ``g2``, ``omega``, ``epsilon``.
    n_photons : int
        :math:`N_\mathrm{ph}`.
    times : array_like
        Times in units of :math:`1/g_1`.
    model : {"full", "dispersive"}

    Returns
    -------
    CavityDynamics
    """
    t = check_finite("times", times).reshape(-1)
    h, i01, i10, n = _closed_system(params, n_photons, model)
    energies, vecs = np.linalg.eigh(h)
    coeff = vecs.conj().T[:, i01]
    psi = (np.exp(-1j * np.outer(t, energies)) * coeff) @ vecs.T
    rho_q = psi if model == "dispersive" else reduced_qubit_state(psi, n, pure=True)
    return CavityDynamics(
        times=t, concurrence=concurrence(rho_q, pure=model == "dispersive"), transfer=np.abs(psi[:, i10]) ** 2
    )


def _transfer_components(h: np.ndarray, i_from: int, i_to: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Distinct eigenvalues :math:`E` and amplitudes :math:`\langle\mathrm{to}|\Pi_E|\mathrm{from}\rangle`."""
    energies, vecs = np.linalg.eigh(h)
    amps = vecs[i_to, :] * vecs[i_from, :].conj()
    # merge (numerically) degenerate eigenvalues: only the projector onto the eigenspace is defined
    tol = 1e-10 * max(1.0, np.abs(energies).max())
    group = np.concatenate([[0], np.cumsum(np.diff(energies) > tol)])
    return np.bincount(group, weights=energies) / np.bincount(group), (
        np.bincount(group, weights=amps.real) + 1j * np.bincount(group, weights=amps.imag)
    )


def max_excitation_transfer(params: CavityParams, n_photons: int, *, model: Model = "full") -> float:
    r"""Largest excitation transfer :math:`\sup_t P(t)` from qubit 2 to qubit 1.

    With :math:`P(t) = |\langle 1N0|e^{-iHt}|0N1\rangle|^2 = |\sum_E c_E
    e^{-iEt}|^2`, :math:`c_E = \langle 1N0|\Pi_E|0N1\rangle` (:math:`\Pi_E`
    the eigenprojectors),

    .. math::

        \sup_{t} P(t) = \Big(\sum_E |c_E|\Big)^2 ,

    reached (arbitrarily closely) when the eigenfrequencies are rationally
    independent (Kronecker), the generic case.  For the dispersive model
    (two eigenvalues) it is the Rabi amplitude :math:`4J^2/(\Delta^2 + 4J^2)`,
    reached at half the exchange period.  For the full model the photon-like
    dressed states add fast :math:`O((g/\delta)^2)` components.

    Parameters
    ----------
    params : CavityParams
        Uses ``g2``, ``omega``, ``epsilon``.
    n_photons : int
        :math:`N_\mathrm{ph}`.
    model : {"full", "dispersive"}

    Returns
    -------
    float
        :math:`\sup_t P(t) \in [0, 1]`.
    """
    h, i01, i10, _ = _closed_system(params, n_photons, model)
    _, amps = _transfer_components(h, i01, i10)
    return float(min(np.abs(amps).sum() ** 2, 1.0))


def peak_concurrence(
    params: CavityParams,
    n_photons: int,
    *,
    model: Model = "full",
    samples_per_period: int = 24,
    n_min: int = 4001,
) -> float:
    r"""Peak concurrence over one slow exchange period (paper Fig. 1a).

    The window is one period :math:`2\pi/\Omega` of the slow qubit-qubit
    exchange, :math:`\Omega` the splitting of the two eigenstates that carry
    most of the transfer amplitude; the grid resolves the fastest frequency
    in the dynamics with ``samples_per_period`` points (and has at least
    ``n_min`` points).  The grid maximum approaches the true maximum from
    below with a relative error :math:`O(1/n^2)`.

    Parameters
    ----------
    params : CavityParams
        Uses ``g2``, ``omega``, ``epsilon``.
    n_photons : int
        :math:`N_\mathrm{ph}`.
    model : {"full", "dispersive"}
    samples_per_period : int
        Grid points per period of the fastest frequency (>= 4).
    n_min : int
        Smallest number of grid points (>= 3).

    Returns
    -------
    float
        :math:`\max_t C(t)`, 1 (up to grid resolution) above the MES threshold.
    """
    if samples_per_period < 4 or n_min < 3:
        raise LZSMInputError(
            f"samples_per_period must be >= 4 and n_min >= 3, got {samples_per_period!r}, {n_min!r}"
        )
    h, i01, i10, _ = _closed_system(params, n_photons, model)
    energies, amps = _transfer_components(h, i01, i10)
    weights = np.abs(amps)
    top = np.argsort(weights)[-2:]
    omega_slow = abs(energies[top[1]] - energies[top[0]])
    support = energies[weights > 1e-12 * weights.max()]
    omega_fast = support.max() - support.min()
    t_max = 2 * np.pi / omega_slow
    n = max(n_min, int(np.ceil(t_max * omega_fast / (2 * np.pi) * samples_per_period)) + 1)
    return float(cavity_dynamics(params, n_photons, np.linspace(0.0, t_max, n), model=model).concurrence.max())


def mes_threshold_analytic(n_photons: int | np.ndarray) -> np.ndarray:
    r"""Analytic MES threshold :math:`(g_2/g_1)_\mathrm{th} = 1/(1/c + \sqrt{1 + 1/c^2})`, :math:`c = 2N_\mathrm{ph} + 1`.

    Equivalently the positive root of :math:`c r^2 + 2r - c = 0`.
    Accepts arrays (any real :math:`N_\mathrm{ph} \ge 0`).
    """
    n = check_positive("n_photons", n_photons, allow_zero=True)
    c = 2 * n + 1
    return 1.0 / (1.0 / c + np.sqrt(1.0 + 1.0 / c**2))


def mes_threshold(
    n_photons: int,
    *,
    model: Model = "full",
    params: CavityParams | None = None,
    bracket: tuple[float, float] = (0.05, 1.0),
    xtol: float = 1e-13,
) -> float:
    r"""Numerical MES threshold: the :math:`g_2/g_1` where :math:`\sup_t P(t) = 1/2`.

    Root of :func:`max_excitation_transfer` :math:`- 1/2` in :math:`r = g_2/g_1` by Brent's method
    (see the module docstring for why this criterion, and not a tolerance on
    the peak concurrence, defines the threshold sharply).  Above the root the
    transfer passes 1/2 and a maximally entangled state
    (:math:`|\alpha| = |\beta|`) is reached.

    Parameters
    ----------
    n_photons : int
        :math:`N_\mathrm{ph}`.
    model : {"full", "dispersive"}
        Full Hamiltonian (Eq. 1) or dispersive (Eq. 3).  The analytic formula
        is exact for the dispersive model; the full model deviates by
        :math:`O((g/\delta)^2)` (exactly zero for :math:`N_\mathrm{ph} = 0`,
        where the dark state makes the transfer amplitude
        :math:`2g_1g_2/(g_1^2+g_2^2)` at any detuning).
    params : CavityParams, optional
        ``omega``, ``epsilon`` (``g2`` is the unknown); default the paper's
        :math:`\omega = 50`, :math:`\epsilon = 10`.
    bracket : (float, float)
        Search interval for :math:`g_2/g_1`.
    xtol : float
        Absolute tolerance of the root.

    Raises
    ------
    ConvergenceError
        If the criterion does not change sign over ``bracket``.
    """
    base = CavityParams() if params is None else params
    lo, hi = (float(b) for b in check_positive("bracket", bracket))
    if not lo < hi:
        raise LZSMInputError(f"bracket must be (low, high) with 0 < low < high, got {bracket!r}")

    def excess(r: float) -> float:
        return max_excitation_transfer(base.replace(g2=r), n_photons, model=model) - 0.5

    f_lo, f_hi = excess(lo), excess(hi)
    if f_lo * f_hi > 0:
        raise ConvergenceError(
            f"no MES threshold in g2/g1 in {bracket}: transfer - 1/2 is {f_lo:.3g} and {f_hi:.3g} at the ends"
        )
    return float(brentq(excess, lo, hi, xtol=xtol, rtol=4 * np.finfo(float).eps))


# ---------------------------------------------------------------------------
# Driven-dissipative steady state
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CavitySteadyState:
    r"""Steady state of the driven-dissipative model (paper Eqs. 6-9).

    Attributes
    ----------
    params : CavityParams
    n_fock : int
        Fock cutoff at which the cutoff check passed.
    rho : ndarray, shape (4 n_fock, 4 n_fock)
        Steady state of the full system.
    rho_qubits : ndarray, shape (4, 4)
        Reduced two-qubit state.
    concurrence : float
        :math:`E_{ss}`, the concurrence of ``rho_qubits``.
    concurrence_margin : float
        Signed Wootters margin :math:`\lambda_1-\lambda_2-\lambda_3-\lambda_4`
        (:math:`E_{ss} = \max(0, \text{margin})`).
    cross_correlations : ndarray, shape (2,)
        :math:`C^i_{ss} = \langle s^z_i a^\dagger a\rangle / (\langle s^z_i\rangle\langle a^\dagger a\rangle)`
        (Eq. 8).  NaN when the cavity is empty to round-off
        (:math:`\langle a^\dagger a\rangle \le 10^{-14}`, e.g. :math:`d = 0`); the ratio
        diverges where :math:`\langle s^z_i\rangle` changes sign, which
        happens for the driven qubit at strong drive (e.g. :math:`d = 0.016`,
        :math:`g_2 \approx 0.62`).
    cross_correlation : float
        :math:`C_{ss} = (C^1_{ss} + C^2_{ss})/2` (Eq. 9).
    photon_number : float
        :math:`\langle a^\dagger a\rangle`.
    cutoff_change : float
        Change of the concurrence margin between the last two cutoffs.
    """

    params: CavityParams
    n_fock: int
    rho: np.ndarray
    rho_qubits: np.ndarray
    concurrence: float
    concurrence_margin: float
    cross_correlations: np.ndarray
    cross_correlation: float
    photon_number: float
    cutoff_change: float


def _solve_steady_state(params: CavityParams, n_fock: int) -> tuple[np.ndarray, np.ndarray, float]:
    rho = _lindblad_steady_state(cavity_driven_hamiltonian(params, n_fock), cavity_collapse_operators(params, n_fock))
    rho_q = reduced_qubit_state(rho, n_fock)
    return rho, rho_q, float(concurrence(rho_q, signed=True))


def cavity_steady_state(
    params: CavityParams,
    *,
    tol: float = 1e-7,
    n_fock_start: int = 2,
    n_fock_max: int = 12,
) -> CavitySteadyState:
    r"""Steady state of paper Eqs. 6-7 with a Fock-cutoff convergence check.

    The Lindblad steady state is found by a direct linear solve
    (:func:`lzsm_gates.lindblad.steady_state`) at cutoffs
    ``n_fock_start, n_fock_start + 1, ...`` until the signed concurrence
    margin :math:`\lambda_1-\lambda_2-\lambda_3-\lambda_4` changes by less
    than ``tol`` between consecutive cutoffs; the margin, not
    :math:`E_{ss} = \max(0, \text{margin})`, is compared so that two zero
    concurrences inside the :math:`E_{ss} = 0` valley do not pass for
    convergence.  At the paper's parameters the cavity is far detuned
    (:math:`\omega - \omega_d \approx 40 g_1`) and nearly empty, so a few
    Fock states suffice.

    Parameters
    ----------
    params : CavityParams
    tol : float
        Convergence tolerance on the concurrence (absolute).
    n_fock_start, n_fock_max : int
        First and largest cutoff tried.

    Returns
    -------
    CavitySteadyState

    Raises
    ------
    ConvergenceError
        If the cutoff check does not pass by ``n_fock_max``, or the steady
        state is not unique.
    """
    if not (np.isfinite(tol) and tol > 0):
        raise LZSMInputError(f"tol must lie in (0, inf), got {tol!r}")
    n0 = _check_n_fock(n_fock_start)
    n_max = _check_n_fock(n_fock_max)
    if n_max <= n0:
        raise LZSMInputError(f"n_fock_max ({n_max}) must exceed n_fock_start ({n0})")
    rho, rho_q, margin = _solve_steady_state(params, n0)
    for n in range(n0 + 1, n_max + 1):
        prev = margin
        rho, rho_q, margin = _solve_steady_state(params, n)
        change = abs(margin - prev)
        if change < tol:
            return _observables(params, n, rho, rho_q, margin, change)
    raise ConvergenceError(
        f"steady-state concurrence not converged in the Fock cutoff: change {change:.3g} >= tol = {tol:g} "
        f"at n_fock = {n_max} (raise n_fock_max or tol)"
    )


def _observables(
    params: CavityParams, n: int, rho: np.ndarray, rho_q: np.ndarray, margin: float, change: float
) -> CavitySteadyState:
    ops = cavity_operators(n)

    def expect(op: np.ndarray) -> float:
        return float(np.einsum("ij,ji->", op, rho).real)

    n_ph = expect(ops.num)
    sz_mean = np.array([expect(ops.sz1), expect(ops.sz2)])
    sz_num = np.array([expect(ops.sz1 @ ops.num), expect(ops.sz2 @ ops.num)])
    if n_ph > _EMPTY_CAVITY:
        with np.errstate(divide="ignore"):
            corr = sz_num / (sz_mean * n_ph)
    else:
        corr = np.full(2, np.nan)
    return CavitySteadyState(
        params=params,
        n_fock=n,
        rho=rho,
        rho_qubits=rho_q,
        concurrence=max(margin, 0.0),
        concurrence_margin=margin,
        cross_correlations=corr,
        cross_correlation=float(corr.mean()),
        photon_number=n_ph,
        cutoff_change=change,
    )


def steady_state_scan(
    g2: np.ndarray | float,
    drive: np.ndarray | float,
    *,
    params: CavityParams | None = None,
    tol: float = 1e-7,
) -> dict[str, np.ndarray]:
    r"""Steady-state observables on broadcast arrays of :math:`g_2/g_1` and :math:`d/g_1` (Figs. 3, 5).

    One :func:`cavity_steady_state` per point; the other parameters come from
    ``params`` (default: the paper's).

    Returns
    -------
    dict of ndarray
        Arrays of the broadcast shape: ``"concurrence"`` (:math:`E_{ss}`),
        ``"concurrence_margin"``, ``"cross_correlation"`` (:math:`C_{ss}`),
        ``"photon_number"``, ``"n_fock"``.
    """
    base = CavityParams() if params is None else params
    g2_b, d_b = np.broadcast_arrays(check_finite("g2", g2), check_finite("drive", drive))
    keys = ("concurrence", "concurrence_margin", "cross_correlation", "photon_number", "n_fock")
    out = {k: np.empty(g2_b.shape) for k in keys}
    for idx in np.ndindex(g2_b.shape):
        ss = cavity_steady_state(base.replace(g2=float(g2_b[idx]), drive=float(d_b[idx])), tol=tol)
        for k in keys:
            out[k][idx] = getattr(ss, k)
    out["n_fock"] = out["n_fock"].astype(int)
    return out


def _refined_max(f: Callable[[float], float], grid: np.ndarray) -> tuple[float, float]:
    """Maximise ``f`` on ``grid``, then refine inside the neighbouring grid cells (bounded Brent)."""
    values = np.array([f(x) for x in grid])
    k = int(np.argmax(values))
    if k == 0 or k == len(grid) - 1:
        return float(grid[k]), float(values[k])
    res = minimize_scalar(lambda x: -f(x), bounds=(grid[k - 1], grid[k + 1]), method="bounded",
                          options={"xatol": 1e-6 * (grid[k + 1] - grid[k - 1])})
    if -res.fun < values[k]:
        return float(grid[k]), float(values[k])
    return float(res.x), float(-res.fun)


def drive_at_peak(
    g2: float,
    *,
    params: CavityParams | None = None,
    drive_range: tuple[float, float] = (1e-3, 0.2),
    n_grid: int = 41,
) -> tuple[float, float]:
    r"""Drive :math:`d/g_1` that maximises :math:`E_{ss}` at fixed :math:`g_2/g_1` (peak of Fig. 3a).

    Geometric grid over ``drive_range``, then bounded Brent refinement
    around the best grid point.  A peak at an end of the range is returned
    as that end.

    Returns
    -------
    (d_peak, E_peak) : tuple of float

    Notes
    -----
    At the paper's parameters :math:`d_\mathrm{peak}` falls with
    :math:`g_2/g_1` (0.00984 at 1, 0.00725 at 0.7, 0.00613 at 0.5) only down
    to a minimum of 0.00583 at :math:`g_2/g_1 \approx 0.35`; below it rises
    again slowly (0.00619 at 0.2, 0.00657 at 0.05): the paper's
    "saturation around d/g1 = 0.06" is this plateau at :math:`d \approx
    0.006 g_1`.
    """
    base = (CavityParams() if params is None else params).replace(g2=g2)
    lo, hi = _check_range("drive_range", drive_range)
    grid = np.geomspace(lo, hi, _check_grid(n_grid))
    return _refined_max(lambda d: cavity_steady_state(base.replace(drive=d)).concurrence, grid)


def coupling_at_peak(
    drive: float,
    *,
    params: CavityParams | None = None,
    g2_range: tuple[float, float] = (0.05, 1.0),
    n_grid: int = 39,
) -> tuple[float, float]:
    r"""Coupling ratio :math:`g_{2p}/g_1` that maximises :math:`E_{ss}` at fixed drive (Fig. 4b).

    Returns
    -------
    (g2_peak, E_peak) : tuple of float
        A maximum at an end of ``g2_range`` (e.g. :math:`g_2/g_1 = 1` at large
        drive) is returned as that end.
    """
    base = (CavityParams() if params is None else params).replace(drive=drive)
    lo, hi = _check_range("g2_range", g2_range)
    grid = np.linspace(lo, hi, _check_grid(n_grid))
    return _refined_max(lambda g: cavity_steady_state(base.replace(g2=g)).concurrence, grid)


def entanglement_valley(
    drive: float,
    *,
    params: CavityParams | None = None,
    g2_range: tuple[float, float] = (0.05, 1.0),
    n_grid: int = 39,
    xtol: float = 1e-9,
) -> tuple[float, float]:
    r"""Edges of the :math:`E_{ss} = 0` valley in :math:`g_2/g_1` at fixed drive (Figs. 3b, 4a).

    The concurrence margin :math:`m(g_2)` (:math:`E_{ss} = \max(0, m)`) is
    evaluated on a grid; the valley is the longest run of grid points with
    :math:`m \le 0`, and each edge is the root of :math:`m` found by Brent's
    method in the grid cell that brackets it.  The valley width of Fig. 4a is
    ``high - low``.

    Returns
    -------
    (low, high) : tuple of float
        ``(nan, nan)`` if :math:`E_{ss} > 0` on the whole grid (only a dip,
        as at small drive); an edge is ``nan`` if the valley reaches that end
        of ``g2_range`` (at large drive it extends beyond :math:`g_2 = g_1`).
    """
    base = (CavityParams() if params is None else params).replace(drive=drive)
    lo, hi = _check_range("g2_range", g2_range)
    grid = np.linspace(lo, hi, _check_grid(n_grid))

    def margin(g: float) -> float:
        return cavity_steady_state(base.replace(g2=g)).concurrence_margin

    dead = np.array([margin(g) for g in grid]) <= 0
    if not dead.any():
        return float("nan"), float("nan")
    # runs of consecutive non-entangled grid points: starts and (exclusive) stops
    edges = np.diff(np.concatenate([[0], dead.astype(int), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    k = int(np.argmax(stops - starts))
    start, stop = starts[k], stops[k]
    low = brentq(margin, grid[start - 1], grid[start], xtol=xtol) if start > 0 else float("nan")
    high = brentq(margin, grid[stop - 1], grid[stop], xtol=xtol) if stop < len(grid) else float("nan")
    return float(low), float(high)


def _check_range(name: str, rng: tuple[float, float]) -> tuple[float, float]:
    arr = check_positive(name, rng)
    if arr.shape != (2,) or not arr[0] < arr[1]:
        raise LZSMInputError(f"{name} must be (low, high) with 0 < low < high, got {rng!r}")
    return float(arr[0]), float(arr[1])


def _check_grid(n_grid: int) -> int:
    if isinstance(n_grid, (bool, np.bool_)) or int(n_grid) != n_grid or n_grid < 3:
        raise LZSMInputError(f"n_grid must be an integer >= 3, got {n_grid!r}")
    return int(n_grid)
