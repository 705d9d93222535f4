r"""The equivalence rule that lets Qiskit's transpiler reach ``sqrt_bswap``.

Qiskit's basis translator rewrites gates through its global
:data:`~qiskit.circuit.equivalence_library.SessionEquivalenceLibrary`.
:func:`register_sqrt_bswap_equivalences` adds one rule to it,

.. math::

    \mathrm{CX} = e^{i\varphi} L_3\, \sqrt{\mathrm{bSWAP}}\, L_2\, \sqrt{\mathrm{bSWAP}}\, L_1 ,

with single-qubit layers :math:`L_k` (``u`` gates) derived numerically once
per session; two applications suffice because :math:`\sqrt{\mathrm{bSWAP}}`
is locally equivalent to :math:`\sqrt{i\mathrm{SWAP}}` (Weyl coordinates
:math:`(\pi/8, \pi/8, 0)`).  Every standard two-qubit gate has a path to
``cx``, so with this rule all of them reach ``sqrt_bswap``.

The registration changes a process-wide Qiskit object.  It is explicit:
:func:`~lzsm_gates.qiskit.target.lzsm_target` calls it (a target with
``sqrt_bswap`` is useless to the transpiler without it), nothing runs at
import time, and it happens at most once per session; the rule is checked
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

from ..entanglers import bswap_target
from ..units import ConvergenceError
from .gates import SqrtBSwapGate, _u_matrix

__all__ = ["register_sqrt_bswap_equivalences"]


def _layered(x: np.ndarray, entangler: np.ndarray) -> np.ndarray:
    """:math:`e^{i x_0} L_3 B L_2 B L_1` with :math:`L_k = U(x) \\otimes U(x)` (Qiskit order: qubit 0 right)."""
    out = np.eye(4, dtype=complex)
    for k in range(3):
        q0, q1 = _u_matrix(*x[1 + 6 * k : 4 + 6 * k]), _u_matrix(*x[4 + 6 * k : 7 + 6 * k])
        out = np.kron(q1, q0) @ out
        if k < 2:
            out = entangler @ out
    return np.exp(1j * x[0]) * out



@lru_cache(maxsize=1)
def _cx_via_sqrt_bswap() -> tuple[float, ...]:
    r"""Angles of :math:`\mathrm{CX} = e^{i x_0} L_3 B L_2 B L_1` by least squares on the 4x4 residual.

    Deterministic multistart (seeded); the residual reaches machine precision
    because :math:`\mathrm{CX}` needs exactly two :math:`\sqrt{i\mathrm{SWAP}}`-class gates.
    """
    qc = QuantumCircuit(2)
    qc.cx(0, 1)
    target = Operator(qc).data
    b = bswap_target()
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
        raise ConvergenceError(f"no CX decomposition into two sqrt(bSWAP) found (residual {best.cost:.2g})")
    return tuple(float(v) for v in best.x)



_REGISTERED = False



def register_sqrt_bswap_equivalences() -> None:
    r"""Add :math:`\mathrm{CX} \to` two :math:`\sqrt{\mathrm{bSWAP}}` plus ``u`` gates to Qiskit's session library (once).

    With it the basis translator reaches ``sqrt_bswap`` from every standard
    two-qubit gate (all of which have a path to ``cx``).  The rule is checked
    with :meth:`Operator.equiv` before it is added.
    """
    global _REGISTERED
    if _REGISTERED:
        return
    x = _cx_via_sqrt_bswap()
    qc = QuantumCircuit(2, global_phase=x[0])
    for k in range(3):
        qc.append(UGate(*x[1 + 6 * k : 4 + 6 * k]), [0])
        qc.append(UGate(*x[4 + 6 * k : 7 + 6 * k]), [1])
        if k < 2:
            qc.append(SqrtBSwapGate(), [0, 1])
    ref = QuantumCircuit(2)
    ref.cx(0, 1)
    if not Operator(qc).equiv(Operator(ref), atol=1e-10):
        raise ConvergenceError("CX via sqrt(bSWAP) equivalence failed its check")
    SessionEquivalenceLibrary.add_equivalence(CXGate(), qc)
    _REGISTERED = True
