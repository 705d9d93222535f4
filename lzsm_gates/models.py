r"""Periodically driven Hamiltonians of the LZSM problems.

Every model of the project has the form

.. math::

    H(t) = H_0 + A\, f(\omega t)\, V, \qquad f \in \{\sin, \cos\},

with a static part :math:`H_0`, one drive operator :math:`V`, a drive
amplitude :math:`A` and angular frequency :math:`\omega` (internal units,
see :mod:`lzsm_gates.units`).  The single-qubit gate problem
(docs: Physics, Sec. 1) is

.. math::

    H(t) = -\frac{\Delta}{2}\sigma_z + A \sin(\omega t)\,\sigma_x ,

with :math:`\sigma_z|0\rangle = +|0\rangle` (:math:`|0\rangle` is the ground
state).  The two-qubit parametric coupling (Sec. 4 there) is the same form with
:math:`H_0 = -\tfrac{\Delta_1}{2}\sigma_{z1} - \tfrac{\Delta_2}{2}\sigma_{z2}`
and :math:`V = \sigma_{x1}\sigma_{x2}`; the O3L model of the entanglement
protocols uses a cosine detuning drive.  One class,
:class:`DrivenModel`, serves all of them: the exact propagators
(:mod:`lzsm_gates.propagate`), the Floquet analysis and the
qiskit-dynamics :class:`~qiskit_dynamics.Solver` are all built from it.

Tensor products put qubit 1 on the left (the ``"model"`` order of
:mod:`lzsm_gates.operators`): the two-qubit basis is
:math:`|q_1 q_2\rangle` = ``|00>, |01>, |10>, |11>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Literal

import numpy as np
import scipy.sparse as sp

from .operators import PAULI_I, PAULI_X, PAULI_Y, PAULI_Z, embed, tensor  # noqa: F401 - PAULI_* re-exported (old home)
from .units import LZSMInputError, check_finite, check_positive

if TYPE_CHECKING:  # qiskit-dynamics costs ~2 s to import: only signal() and solver() import it
    from qiskit_dynamics import Signal, Solver

__all__ = [
    "DrivenModel",
    "qubit_model",
    "coupled_qubits_model",
    "check_matrix",
    "check_hermitian",
]

Waveform = Literal["sin", "cos"]
_WAVEFORMS: dict[str, Callable[[np.ndarray], np.ndarray]] = {"sin": np.sin, "cos": np.cos}


def check_matrix(
    name: str, matrix: np.ndarray | sp.spmatrix | sp.sparray, *, sparse: bool = False
) -> np.ndarray | sp.csr_matrix:
    """Return ``matrix`` (dense or scipy sparse) as a finite, non-empty, complex square array, or CSR if ``sparse``.

    Raises
    ------
    LZSMInputError
        If the matrix is not numeric, not square, empty, or has NaN/inf entries.
    """
    if sp.issparse(matrix):
        m = sp.csr_matrix(matrix, dtype=complex)
        entries = m.data
    else:
        a = np.asarray(matrix)
        if a.dtype == object:
            raise LZSMInputError(f"{name} must be a numeric matrix, got an object array")
        m = entries = np.asarray(a, dtype=complex)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] == 0:
        raise LZSMInputError(f"{name} must be a non-empty square matrix, got shape {m.shape}")
    if not np.all(np.isfinite(entries)):
        raise LZSMInputError(f"{name} contains NaN or inf")
    if sparse != sp.issparse(m):
        return sp.csr_matrix(m) if sparse else m.toarray()
    return m


def check_hermitian(
    name: str, matrix: np.ndarray | sp.spmatrix | sp.sparray, *, atol: float = 1e-12, sparse: bool = False
) -> np.ndarray | sp.csr_matrix:
    r"""Return ``matrix`` as :func:`check_matrix` does, raising if it is not Hermitian.

    Hermitian means :math:`\max|H - H^\dagger| \le \mathrm{atol}\,\max(1, \max|H|)`.

    Raises
    ------
    LZSMInputError
        As :func:`check_matrix`, or if the matrix is not Hermitian.
    """
    m = check_matrix(name, matrix, sparse=sparse)
    dev = abs(m - m.conj().T).max()
    if dev > atol * max(1.0, abs(m).max()):
        raise LZSMInputError(f"{name} must be Hermitian: max |H - H^dag| = {dev:.3g}")
    return m


@dataclass(frozen=True)
class DrivenModel:
    r"""A Hamiltonian :math:`H(t) = H_0 + A f(\omega t) V` with period :math:`T = 2\pi/\omega`.

    Parameters
    ----------
    static : ndarray, shape (d, d)
        Hermitian :math:`H_0` (internal energy units).
    drive_operator : ndarray, shape (d, d)
        Hermitian :math:`V`.
    waveform : {"sin", "cos"}
        The periodic function :math:`f`.
    labels : tuple of str, optional
        Names of the basis states (for plots and reports).
    parity : ndarray, shape (d, d), optional
        A Hermitian unitary :math:`S` with :math:`S H_0 S = H_0` and
        :math:`S V S = -V`.  Since :math:`f(\omega t + \pi) = -f(\omega t)`,
        then :math:`H(t + T/2) = S H(t) S` and
        :math:`U(T) = (S\,U(T/2))^2`, which halves the cost of one-period
        propagators (:math:`\sigma_z` for one qubit).
    """

    static: np.ndarray
    drive_operator: np.ndarray
    waveform: Waveform = "sin"
    labels: tuple[str, ...] = field(default=())
    parity: np.ndarray | None = None

    def __post_init__(self) -> None:
        h0 = check_hermitian("static", self.static)
        v = check_hermitian("drive_operator", self.drive_operator)
        if h0.shape != v.shape:
            raise LZSMInputError(f"static {h0.shape} and drive_operator {v.shape} must have the same shape")
        if self.waveform not in _WAVEFORMS:
            raise LZSMInputError(f"waveform must be 'sin' or 'cos', got {self.waveform!r}")
        object.__setattr__(self, "static", h0)
        object.__setattr__(self, "drive_operator", v)
        if self.parity is not None:
            s = check_hermitian("parity", self.parity)
            if (
                s.shape != h0.shape
                or not np.allclose(s @ s, np.eye(self.dim), atol=1e-12)
                or not np.allclose(s @ h0 @ s, h0, atol=1e-12)
                or not np.allclose(s @ v @ s, -v, atol=1e-12)
            ):
                raise LZSMInputError("parity S must satisfy S^2 = 1, S H0 S = H0 and S V S = -V")
            object.__setattr__(self, "parity", s)

    @property
    def dim(self) -> int:
        """Hilbert-space dimension d."""
        return self.static.shape[0]

    @property
    def is_real(self) -> bool:
        """True if :math:`H_0` and :math:`V` are real (time-reversal symmetric)."""
        return bool(np.all(self.static.imag == 0) and np.all(self.drive_operator.imag == 0))

    def drive(self, t: np.ndarray, amplitude: np.ndarray, frequency: np.ndarray) -> np.ndarray:
        r"""Drive coefficient :math:`A f(\omega t)` (broadcasting)."""
        return amplitude * _WAVEFORMS[self.waveform](frequency * t)

    def hamiltonian(self, t: float, amplitude: float, frequency: float) -> np.ndarray:
        """The matrix :math:`H(t)` for one parameter point."""
        return self.static + float(self.drive(t, amplitude, frequency)) * self.drive_operator

    def norm_bound(self, amplitude: np.ndarray) -> np.ndarray:
        r"""Upper bound :math:`\|H_0\| + |A|\,\|V\|` of the spectral norm of :math:`H(t)`."""
        return np.linalg.norm(self.static, 2) + np.abs(amplitude) * np.linalg.norm(self.drive_operator, 2)

    def signal(self, amplitude: float, frequency: float, *, start: float = 0.0, periods: float = 1.0) -> Signal:
        r"""The drive as a real baseband qiskit-dynamics :class:`~qiskit_dynamics.Signal`.

        The signal is :math:`A f(\omega (t - t_0))` for
        :math:`t_0 \le t \le t_0 + n T` and zero outside (idle), with
        :math:`t_0` = ``start`` and :math:`n` = ``periods``.
        """
        a = float(check_finite("amplitude", amplitude))
        w = float(check_positive("frequency", frequency))
        t0 = float(check_finite("start", start))
        stop = t0 + float(check_positive("periods", periods)) * 2 * np.pi / w
        fn = _WAVEFORMS[self.waveform]

        def envelope(t):  # noqa: ANN001 - qiskit-dynamics passes floats or arrays
            t = np.asarray(t)
            return np.where((t >= t0) & (t <= stop), a * fn(w * (t - t0)), 0.0)

        from qiskit_dynamics import Signal

        return Signal(envelope, carrier_freq=0.0, name="lzsm_drive")

    def solver(self, **kwargs) -> Solver:
        """A qiskit-dynamics :class:`~qiskit_dynamics.Solver` for this model (signal = drive coefficient).

        Extra keyword arguments go to :class:`~qiskit_dynamics.Solver` (e.g.
        ``static_dissipators`` for a Lindblad model).
        """
        from qiskit_dynamics import Solver

        return Solver(static_hamiltonian=self.static, hamiltonian_operators=[self.drive_operator], **kwargs)


def qubit_model(gap: float = 1.0) -> DrivenModel:
    r"""Single-qubit LZSM model :math:`-\tfrac{\Delta}{2}\sigma_z + A\sin(\omega t)\sigma_x`.

    Parameters
    ----------
    gap : float
        :math:`\Delta` in internal units (1 for the gate problems).
    """
    d = float(check_positive("gap", gap))
    return DrivenModel(-0.5 * d * PAULI_Z, PAULI_X, "sin", labels=("0", "1"), parity=PAULI_Z)


def coupled_qubits_model(gap1: float = 1.0, gap2: float = 1.0) -> DrivenModel:
    r"""Two qubits with a parametrically driven coupling (docs: Physics, Sec. 4).

    .. math::

        H_2(t) = -\frac{\Delta_1}{2}\sigma_{z1} - \frac{\Delta_2}{2}\sigma_{z2}
                 + A \sin(\omega t)\, \sigma_{x1}\sigma_{x2}

    Parameters
    ----------
    gap1, gap2 : float
        Qubit gaps in internal units (qubit 1 is the left tensor factor).
    """
    d1 = float(check_positive("gap1", gap1))
    d2 = float(check_positive("gap2", gap2))
    static = -0.5 * d1 * embed(PAULI_Z, 0, 2) - 0.5 * d2 * embed(PAULI_Z, 1, 2)
    return DrivenModel(
        static, tensor(PAULI_X, PAULI_X), "sin", labels=("00", "01", "10", "11"), parity=embed(PAULI_Z, 0, 2)
    )
