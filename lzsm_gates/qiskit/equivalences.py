r"""The equivalence rules that let Qiskit's transpiler reach ``sqrt_bswap`` and ``xy_entangler``.

Qiskit's basis translator rewrites gates through its global
:data:`~qiskit.circuit.equivalence_library.SessionEquivalenceLibrary`.
:func:`register_entangler_equivalences` adds one rule per entangler :math:`B` to it,

.. math::

    \mathrm{CX} = e^{i\varphi} L_3\, B\, L_2\, B\, L_1 ,

with single-qubit layers :math:`L_k` (``u`` gates) derived numerically once
per session; two applications suffice because :math:`\sqrt{\mathrm{bSWAP}}`
and :math:`e^{+i\pi(XY+YX)/8}` are locally equivalent to :math:`\sqrt{i\mathrm{SWAP}}` (Weyl coordinates
:math:`(\pi/8, \pi/8, 0)`).  Every standard two-qubit gate has a path to
``cx``, so with this rule all of them reach the entangler.

The registration changes a process-wide Qiskit object.  It is explicit:
:func:`~lzsm_gates.qiskit.target.lzsm_target` calls it for its entangler (a target with
an entangler is useless to the transpiler without its rule), nothing runs at
import time, and it happens at most once per entangler and session; the rule is checked
with :meth:`~qiskit.quantum_info.Operator.equiv` before it is added.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from qiskit.circuit import QuantumCircuit
from qiskit.circuit.equivalence_library import SessionEquivalenceLibrary
from qiskit.circuit.library import CXGate, UGate
from qiskit.quantum_info import Operator
from scipy.optimize import least_squares

from ..units import ConvergenceError, LZSMInputError
from .gates import SqrtBSwapGate, XYEntanglerGate, _u_matrix

__all__ = ["register_entangler_equivalences", "register_sqrt_bswap_equivalences"]


def _layered(x: np.ndarray, entangler: np.ndarray) -> np.ndarray:
    """:math:`e^{i x_0} L_3 B L_2 B L_1` with :math:`L_k = U(x) \\otimes U(x)` (Qiskit order: qubit 0 right)."""
    out = np.eye(4, dtype=complex)
    for k in range(3):
        q0, q1 = _u_matrix(*x[1 + 6 * k : 4 + 6 * k]), _u_matrix(*x[4 + 6 * k : 7 + 6 * k])
        out = np.kron(q1, q0) @ out
        if k < 2:
            out = entangler @ out
    return np.exp(1j * x[0]) * out



_IDEAL = {"sqrt_bswap": SqrtBSwapGate, "xy_entangler": XYEntanglerGate}



@lru_cache(maxsize=None)
def _cx_via(entangler: str) -> tuple[float, ...]:
    r"""Angles of :math:`\mathrm{CX} = e^{i x_0} L_3 B L_2 B L_1` (:math:`B` the ideal ``entangler``) by least squares.

    Deterministic multistart (seeded) on the 4x4 residual; it reaches machine
    precision because both entanglers are :math:`\sqrt{i\mathrm{SWAP}}`-class and
    :math:`\mathrm{CX}` needs exactly two of them.
    """
    qc = QuantumCircuit(2)
    qc.cx(0, 1)
    target = Operator(qc).data
    b = np.asarray(_IDEAL[entangler]())
    rng = np.random.default_rng(7)

    def residual(x: np.ndarray) -> np.ndarray:
        r = (_layered(x, b) - target).ravel()
        return np.concatenate([r.real, r.imag])

    best = None
    for _ in range(20):
        sol = least_squares(residual, rng.uniform(-np.pi, np.pi, 19), xtol=1e-15, ftol=1e-15, gtol=1e-15)
        if best is None or sol.cost < best.cost:
            best = sol
        if best.cost < 1e-28:
            break
    if best.cost > 1e-24:
        raise ConvergenceError(f"no CX decomposition into two {entangler} found (residual {best.cost:.2g})")
    return tuple(float(v) for v in best.x)



_REGISTERED: set[str] = set()



def register_entangler_equivalences(entangler: str = "sqrt_bswap") -> None:
    r"""Add :math:`\mathrm{CX} \to` two ``entangler`` gates plus ``u`` gates to Qiskit's session library (once each).

    With it the basis translator reaches the entangler from every standard
    two-qubit gate (all of which have a path to ``cx``).  The rule is checked
    with :meth:`Operator.equiv` before it is added.

    Parameters
    ----------
    entangler : {"sqrt_bswap", "xy_entangler"}
        :class:`~lzsm_gates.qiskit.gates.SqrtBSwapGate` or
        :class:`~lzsm_gates.qiskit.gates.XYEntanglerGate`.

    Raises
    ------
    LZSMInputError
        An unknown ``entangler``.
    """
    if entangler not in _IDEAL:
        raise LZSMInputError(f"entangler must be one of {', '.join(map(repr, _IDEAL))}, got {entangler!r}")
    if entangler in _REGISTERED:
        return
    x = _cx_via(entangler)
    qc = QuantumCircuit(2, global_phase=x[0])
    for k in range(3):
        qc.append(UGate(*x[1 + 6 * k : 4 + 6 * k]), [0])
        qc.append(UGate(*x[4 + 6 * k : 7 + 6 * k]), [1])
        if k < 2:
            qc.append(_IDEAL[entangler](), [0, 1])
    ref = QuantumCircuit(2)
    ref.cx(0, 1)
    if not Operator(qc).equiv(Operator(ref), atol=1e-10):
        raise ConvergenceError(f"CX via {entangler} equivalence failed its check")
    SessionEquivalenceLibrary.add_equivalence(CXGate(), qc)
    _REGISTERED.add(entangler)



def register_sqrt_bswap_equivalences() -> None:
    r"""The ``cx`` rule for ``sqrt_bswap``: :func:`register_entangler_equivalences` with ``"sqrt_bswap"``."""
    register_entangler_equivalences("sqrt_bswap")
