r"""Single-qubit operators and their embedding into multi-qubit registers.

The one home of the Pauli matrices, the ladder operators
:math:`\sigma^\pm` and the tensor-product conventions of the package.

.. rubric:: Single-qubit basis

The basis is :math:`|0\rangle, |1\rangle` with
:math:`\sigma_z|0\rangle = +|0\rangle` (docs: Physics, Sec. 1).  For the gate
Hamiltonian :math:`-\tfrac{\Delta}{2}\sigma_z` this makes :math:`|0\rangle` the
ground state.  The ladder operators follow the Pauli algebra,

.. math::

    \sigma^+ = \tfrac12(\sigma_x + i\sigma_y) = |0\rangle\langle 1|, \qquad
    \sigma^- = \tfrac12(\sigma_x - i\sigma_y) = |1\rangle\langle 0| ,

so :math:`\sigma^+` raises the :math:`\sigma_z` eigenvalue from :math:`-1` to
:math:`+1`.  With :math:`|0\rangle` the ground state it *lowers* the energy;
models that label the excited state :math:`|1\rangle` (the cavity model,
docs: Physics, Sec. 6.2) therefore use :data:`SIGMA_PLUS` as their energy
lowering operator :math:`s^-`.

.. rubric:: Tensor order of a register of ``n`` qubits (docs: Physics, Sec. 7)

Qubits are numbered ``0 .. n-1``.  Two orders are in use:

``"model"``
    Qubit 0 is the *leftmost* tensor factor: :math:`O_0 \otimes O_1 \otimes
    \dots \otimes O_{n-1}`, basis labels :math:`|q_0 q_1 \dots\rangle`.  This is
    the order of every Hamiltonian of :mod:`lzsm_gates.models`,
    :mod:`lzsm_gates.o3l`, :mod:`lzsm_gates.noise` and :mod:`lzsm_gates.cavity`
    (where the papers' "qubit 1" is qubit 0 here).
``"qiskit"``
    Qubit 0 is the *rightmost* factor (little-endian), :math:`O_{n-1} \otimes
    \dots \otimes O_0`, the order of :class:`qiskit.quantum_info.Operator`
    and of :mod:`lzsm_gates.qiskit`.
"""

from __future__ import annotations

from typing import Literal, Sequence

import numpy as np

from .units import LZSMInputError, check_integer

__all__ = [
    "PAULI_I",
    "PAULI_X",
    "PAULI_Y",
    "PAULI_Z",
    "SIGMA_PLUS",
    "SIGMA_MINUS",
    "TensorOrder",
    "tensor",
    "embed",
]

TensorOrder = Literal["model", "qiskit"]


def _constant(matrix: list[list[complex]]) -> np.ndarray:
    out = np.array(matrix, dtype=complex)
    out.setflags(write=False)
    return out


PAULI_I = _constant([[1, 0], [0, 1]])
r"""Identity :math:`I` (read-only, complex)."""
PAULI_X = _constant([[0, 1], [1, 0]])
r""":math:`\sigma_x` (read-only, complex)."""
PAULI_Y = _constant([[0, -1j], [1j, 0]])
r""":math:`\sigma_y` (read-only, complex)."""
PAULI_Z = _constant([[1, 0], [0, -1]])
r""":math:`\sigma_z`, with :math:`\sigma_z|0\rangle = +|0\rangle` (read-only, complex)."""
SIGMA_PLUS = _constant([[0, 1], [0, 0]])
r""":math:`\sigma^+ = (\sigma_x + i\sigma_y)/2 = |0\rangle\langle 1|` (read-only, complex)."""
SIGMA_MINUS = _constant([[0, 0], [1, 0]])
r""":math:`\sigma^- = (\sigma_x - i\sigma_y)/2 = |1\rangle\langle 0|` (read-only, complex)."""


def tensor(*ops: np.ndarray) -> np.ndarray:
    r"""Kronecker product :math:`O_1 \otimes O_2 \otimes \dots` of square matrices, left to right.

    Parameters
    ----------
    *ops : array_like, shape (d_k, d_k)
        At least one operator; the first is the leftmost (most significant) factor.

    Returns
    -------
    ndarray, shape (prod d_k, prod d_k)
        A new complex array.

    Raises
    ------
    LZSMInputError
        If no operator is given or one is not a square matrix.
    """
    if not ops:
        raise LZSMInputError("tensor needs at least one operator, got none")
    out = np.ones((1, 1), dtype=complex)
    for k, op in enumerate(ops):
        arr = np.asarray(op)
        if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
            raise LZSMInputError(f"operator {k} of tensor must be a non-empty square matrix, got shape {arr.shape}")
        out = np.kron(out, arr)
    return out


def embed(
    op: np.ndarray, qubits: int | Sequence[int], n: int, order: TensorOrder = "model"
) -> np.ndarray:
    r"""An operator on some qubits of an ``n``-qubit register, identity on the others.

    ``op`` acts jointly on the listed qubits; its own tensor factors are in the
    order of ``qubits`` with the *first listed qubit leftmost*, whatever
    ``order`` is.  For example, with ``n = 3``,

    * ``embed(PAULI_X, 1, 3)`` is :math:`I \otimes \sigma_x \otimes I`
      (both orders, qubit 1 is the middle factor);
    * ``embed(tensor(PAULI_Z, PAULI_X), (0, 2), 3)`` is
      :math:`\sigma_z \otimes I \otimes \sigma_x` (``"model"``: qubit 0 left) and
      :math:`\sigma_x \otimes I \otimes \sigma_z` with ``order="qiskit"``
      (qubit 0 right), i.e. :math:`\sigma_z` on qubit 0 and :math:`\sigma_x`
      on qubit 2 in both cases.

    Parameters
    ----------
    op : array_like, shape (2**k, 2**k)
        Operator on ``k = len(qubits)`` qubits.
    qubits : int or sequence of int
        Distinct qubit indices in ``[0, n)``.
    n : int
        Number of qubits of the register, ``>= 1``.
    order : {"model", "qiskit"}
        Tensor order of the result: ``"model"`` puts qubit 0 leftmost,
        ``"qiskit"`` rightmost (see the module docstring).

    Returns
    -------
    ndarray, shape (2**n, 2**n)
        A new complex array.

    Raises
    ------
    LZSMInputError
        If ``order`` is unknown, a qubit index is out of range or repeated, or
        ``op`` does not have the shape ``(2**k, 2**k)``.
    """
    num = check_integer("n", n, minimum=1)
    if order not in ("model", "qiskit"):
        raise LZSMInputError(f"order must be 'model' or 'qiskit', got {order!r}")
    targets = [qubits] if np.ndim(qubits) == 0 else list(qubits)
    targets = [check_integer("qubits", q, minimum=0) for q in targets]
    if not targets or len(set(targets)) != len(targets) or max(targets) >= num:
        raise LZSMInputError(f"qubits must be distinct indices in [0, {num - 1}], got {qubits!r}")
    k = len(targets)
    arr = np.asarray(op, dtype=complex)
    if arr.shape != (2**k, 2**k):
        raise LZSMInputError(f"op must have shape {(2**k, 2**k)} to act on {k} qubit(s), got {arr.shape}")
    # factor j of the product (model order, j = 0 leftmost) is qubit axes[j]
    rest = [q for q in range(num) if q not in targets]
    full = np.kron(arr, np.eye(2 ** len(rest), dtype=complex)).reshape((2,) * (2 * num))
    axes = targets + rest
    position = [axes.index(q) for q in range(num)]
    if order == "qiskit":
        position = position[::-1]
    full = full.transpose(position + [num + p for p in position])
    return full.reshape(2**num, 2**num)
