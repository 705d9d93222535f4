r"""Two qubits in one cavity mode: parameters, operators, Hamiltonians and collapse operators.

Conventions, units and tensor order: see :mod:`lzsm_gates.cavity`.

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
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np

from ..operators import PAULI_Z, SIGMA_PLUS, embed, tensor
from ..units import LZSMInputError, check_choice, check_integer, check_positive

__all__ = [
    "CavityParams",
    "CavityOperators",
    "cavity_operators",
    "cavity_hamiltonian",
    "cavity_dispersive_hamiltonian",
    "cavity_driven_hamiltonian",
    "cavity_collapse_operators",
    "cavity_initial_state",
    "cavity_memory_estimate",
]

Model = Literal["full", "dispersive"]
Solver = Literal["operators", "steady_state", "dynamics"]


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
    fock_eye = np.eye(n)

    def on_qubits(op: np.ndarray) -> np.ndarray:
        """A two-qubit operator, identity on the cavity."""
        return _read_only(tensor(op, fock_eye))

    def on_cavity(op: np.ndarray) -> np.ndarray:
        """A cavity operator, identity on the qubits."""
        return _read_only(tensor(np.eye(4), op))

    lower, half_z = _qubit_operators()
    return CavityOperators(
        a=on_cavity(np.diag(np.sqrt(np.arange(1, n)), 1)),
        sm1=on_qubits(embed(lower, 0, 2)),
        sm2=on_qubits(embed(lower, 1, 2)),
        sz1=on_qubits(embed(half_z, 0, 2)),
        sz2=on_qubits(embed(half_z, 1, 2)),
        num=on_cavity(np.diag(np.arange(n))),
    )


def _qubit_operators() -> tuple[np.ndarray, np.ndarray]:
    r""":math:`s^- = |0\rangle\langle 1|` and :math:`s^z = -\sigma_z/2` of one qubit (:math:`|1\rangle` excited).

    The cavity paper labels the excited state :math:`|1\rangle`, so its
    lowering operator is the Pauli-algebra :math:`\sigma^+` of
    :mod:`lzsm_gates.operators` and :math:`s^z = \operatorname{diag}(-1/2, +1/2)`.
    """
    return SIGMA_PLUS, -0.5 * PAULI_Z


def _read_only(op: np.ndarray) -> np.ndarray:
    op.setflags(write=False)
    return op


def cavity_memory_estimate(n_fock: int, solver: Solver = "steady_state") -> int:
    r"""Estimated peak memory, in bytes, of one cavity computation at Fock cutoff ``n_fock``.

    With :math:`d = 4 n_\mathrm{fock}` states and :math:`D = d^2` density-matrix entries
    (16 bytes per complex number):

    * ``"operators"``: the eight dense :math:`d \times d` operators, :math:`128\,d^2`;
    * ``"steady_state"``: operators plus the sparse LU factors of the Liouvillian
      (SuperLU), :math:`64\,D^{3/2}` (measured fill at :math:`n_\mathrm{fock}` = 24 and 32:
      within 10 %);
    * ``"dynamics"``: operators plus the dense Liouvillian, its exponential and the
      work arrays of the scaling-and-squaring exponential, :math:`6 \times 16\,D^2`.

    Parameters
    ----------
    n_fock : int
        Fock cutoff (>= 2).
    solver : {"operators", "steady_state", "dynamics"}

    Returns
    -------
    int
        Bytes (an estimate, not a bound).
    """
    n = check_integer("n_fock", n_fock, minimum=2)
    check_choice("solver", solver, ("operators", "steady_state", "dynamics"))
    d = 4 * n
    dim = d * d
    base = 128 * d * d
    extra = {"operators": 0, "steady_state": 64 * dim**1.5, "dynamics": 6 * 16 * dim**2}[solver]
    return int(base + extra)


def _check_n_fock(n_fock: int, solver: Solver = "operators") -> int:
    """``n_fock`` as an int >= 2 whose :func:`cavity_memory_estimate` fits ``WORK_LIMITS["memory_bytes"]``."""
    n = check_integer("n_fock", n_fock, minimum=2)
    from ..sweeps import WORK_LIMITS  # the sweep engine's memory limit (xarray: imported on use)

    need, limit = cavity_memory_estimate(n, solver), WORK_LIMITS["memory_bytes"]
    if need > limit:
        raise LZSMInputError(
            f"n_fock = {n} would need about {need / 2**30:.3g} GiB for the cavity {solver.replace('_', ' ')} "
            f"(limit {limit / 2**30:.3g} GiB, lzsm_gates.sweeps.WORK_LIMITS['memory_bytes']); the paper's "
            "parameters need n_fock <= 4: lower n_fock"
        )
    return n


def _check_n_photons(n_photons: int) -> int:
    return check_integer("n_photons", n_photons, minimum=0)


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
    lower, half_z = _qubit_operators()
    flip = embed(lower.T, 0, 2) @ embed(lower, 1, 2)  # s+_1 s-_2
    return (c / delta) * (embed(half_z, 0, 2) + params.g2**2 * embed(half_z, 1, 2)) + (params.g2 / delta) * (
        flip + flip.T
    )


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
    check_choice("model", model, ("full", "dispersive"))
    n_ph = _check_n_photons(n_photons)
    if model == "dispersive":
        return cavity_dispersive_hamiltonian(params, n_ph), 1, 2, 0
    n = n_ph + 2
    return cavity_hamiltonian(params, n), _index(0, 1, n_ph, n), _index(1, 0, n_ph, n), n

