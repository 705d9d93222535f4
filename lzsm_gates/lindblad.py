r"""Lindblad master equations: Liouvillian, steady state, qiskit-dynamics solver.

The master equation (:math:`\hbar = 1`)

.. math::

    \dot\rho = \mathcal L\rho = -i[H, \rho]
      + \sum_k \Big(C_k \rho C_k^\dagger
      - \tfrac12 \{C_k^\dagger C_k, \rho\}\Big)

takes collapse operators :math:`C_k` that already include their rates
(:math:`C_k = \sqrt{\gamma_k}\, c_k`), as QuTiP and qiskit-dynamics do.

Vectorisation is column stacking, :math:`\operatorname{vec}(\rho)_{i + d j}
= \rho_{ij}` (``rho.reshape(-1, order="F")``), for which
:math:`\operatorname{vec}(A\rho B) = (B^{T}\otimes A)\operatorname{vec}(\rho)`
and therefore

.. math::

    \hat{\mathcal L} = -i\,(I\otimes H - H^{T}\otimes I)
      + \sum_k \Big(C_k^{*}\otimes C_k
      - \tfrac12\, I\otimes C_k^\dagger C_k
      - \tfrac12\, (C_k^\dagger C_k)^{T}\otimes I\Big).

This is the convention of qiskit-dynamics (``vectorized=True`` models) and of
QuTiP superoperators, so the matrices can be compared entry by entry.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Literal, Sequence

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .models import check_hermitian, check_matrix
from .units import ConvergenceError, LZSMInputError

if TYPE_CHECKING:  # qiskit-dynamics is imported by lindblad_model() and lindblad_solver() only
    from qiskit_dynamics import Solver
    from qiskit_dynamics.models import LindbladModel

__all__ = [
    "vec",
    "unvec",
    "liouvillian",
    "steady_state",
    "lindblad_model",
    "lindblad_solver",
]

Operator = np.ndarray | sp.spmatrix | sp.sparray

#: Largest Hilbert-space dimension for which ``method="auto"`` uses a dense LU.  Above it
#: SuperLU on the (very sparse) Liouvillian is as fast single-threaded and does not suffer
#: from BLAS thread contention, which made dense LUs of a few hundred rows 3-5x slower on a
#: busy 2-core machine.
DENSE_MAX_DIM = 8


def vec(rho: np.ndarray) -> np.ndarray:
    r"""Column-stacked vector :math:`\operatorname{vec}(\rho)`; broadcasts over leading axes.

    Parameters
    ----------
    rho : ndarray, shape (..., d, d)

    Returns
    -------
    ndarray, shape (..., d*d)
    """
    r = np.asarray(rho)
    if r.ndim < 2 or r.shape[-1] != r.shape[-2]:
        raise LZSMInputError(f"rho must be a square (d, d) matrix or a batch of them, got shape {r.shape}")
    return np.swapaxes(r, -1, -2).reshape(r.shape[:-2] + (-1,))


def unvec(v: np.ndarray) -> np.ndarray:
    r"""Inverse of :func:`vec`: ``(..., d*d) -> (..., d, d)``."""
    a = np.asarray(v)
    d = int(round(np.sqrt(a.shape[-1]))) if a.ndim >= 1 else 0
    if a.ndim < 1 or d * d != a.shape[-1]:
        raise LZSMInputError(f"v must have a last axis of length d*d, got shape {a.shape}")
    return np.swapaxes(a.reshape(a.shape[:-1] + (d, d)), -1, -2)


def _validated(hamiltonian: Operator, c_ops: Sequence[Operator], sparse: bool) -> tuple[Any, list[Any]]:
    """Check H (square, finite, Hermitian) and collapse operators (same shape)."""
    h = check_hermitian("hamiltonian", hamiltonian, sparse=sparse)
    if isinstance(c_ops, np.ndarray) and c_ops.ndim == 2 or sp.issparse(c_ops):
        raise LZSMInputError("c_ops must be a sequence of collapse operators, got a single matrix (wrap it in a list)")
    ops = [check_matrix(f"c_ops[{k}]", c, sparse=sparse) for k, c in enumerate(c_ops)]
    for k, c in enumerate(ops):
        if c.shape != h.shape:
            raise LZSMInputError(f"c_ops[{k}] has shape {c.shape}, hamiltonian has shape {h.shape}")
    return h, ops


def liouvillian(
    hamiltonian: Operator, c_ops: Sequence[Operator] = (), *, sparse: bool = False
) -> np.ndarray | sp.csr_matrix:
    r"""Liouvillian superoperator :math:`\hat{\mathcal L}` in column-stacking convention.

    Parameters
    ----------
    hamiltonian : (d, d) array or sparse matrix
        Hermitian Hamiltonian :math:`H`.
    c_ops : sequence of (d, d) arrays or sparse matrices
        Collapse operators :math:`C_k`, rates included.
    sparse : bool
        Return a ``scipy.sparse`` CSR matrix instead of a dense array.

    Returns
    -------
    ndarray or csr_matrix, shape (d*d, d*d)
        :math:`\hat{\mathcal L}` with ``vec(drho/dt) = L @ vec(rho)`` (see the
        module docstring for the formula).

    Raises
    ------
    LZSMInputError
        If ``hamiltonian`` is not square, finite and Hermitian, or a collapse
        operator does not have its shape.
    """
    h, ops = _validated(hamiltonian, c_ops, sparse)
    d = h.shape[0]
    # -i(I x H - H^T x I) - 1/2 (I x K + K^T x I) = -i I x H_eff + i H_eff^* x I,
    # with H_eff = H - (i/2) K and K = sum_k C_k^dag C_k (H, K Hermitian)
    h_eff = h - 0.5j * sum((c.conj().T @ c for c in ops), start=0 * h)
    if sparse:
        eye = sp.identity(d, dtype=complex, format="csr")
        lv = -1j * sp.kron(eye, h_eff, format="csr") + 1j * sp.kron(h_eff.conj(), eye, format="csr")
        for c in ops:
            lv = lv + sp.kron(c.conj(), c, format="csr")
        return lv
    eye = np.eye(d, dtype=complex)
    lv = -1j * np.kron(eye, h_eff) + 1j * np.kron(h_eff.conj(), eye)
    for c in ops:
        lv += np.kron(c.conj(), c)
    return lv


def steady_state(
    hamiltonian: Operator,
    c_ops: Sequence[Operator],
    *,
    method: Literal["auto", "dense", "sparse"] = "auto",
    rcond_min: float = 1e-13,
    residual_tol: float = 1e-9,
    positivity_tol: float = 1e-8,
) -> np.ndarray:
    r"""Unique steady state :math:`\mathcal L\rho_{ss} = 0` by a direct linear solve.

    The trace-preservation identity :math:`\operatorname{vec}(I)^\dagger
    \hat{\mathcal L} = 0` makes the rows of :math:`\hat{\mathcal L}` that
    belong to diagonal entries linearly dependent.  Row 0 (entry
    :math:`\rho_{00}`) is therefore replaced by the trace condition
    :math:`\sum_i \rho_{ii} = 1` (scaled to the size of :math:`\hat{\mathcal L}`),
    which turns the singular homogeneous problem into a regular one exactly
    when the kernel of :math:`\hat{\mathcal L}` is one-dimensional, i.e. when
    the steady state is unique.  The modified matrix is LU-factorised (dense
    LAPACK, or SuperLU for sparse), and its reciprocal 1-norm condition number
    is estimated from the factors.

    Parameters
    ----------
    hamiltonian : (d, d) array or sparse matrix
        Hermitian Hamiltonian (time independent, e.g. in a rotating frame).
    c_ops : sequence of (d, d) arrays or sparse matrices
        Collapse operators, rates included.
    method : {"auto", "dense", "sparse"}
        ``"auto"`` uses a dense LU for :math:`d \le` ``DENSE_MAX_DIM`` and
        SuperLU above.
    rcond_min : float
        Smallest accepted reciprocal condition number of the modified matrix.
    residual_tol : float
        Largest accepted relative residual :math:`\|\hat{\mathcal L}x\|_2 /
        (\|\hat{\mathcal L}\|_F \|x\|_2)`.
    positivity_tol : float
        Largest accepted magnitude of a negative eigenvalue of :math:`\rho_{ss}`.

    Returns
    -------
    ndarray, shape (d, d)
        Hermitian, unit-trace, positive semi-definite :math:`\rho_{ss}`
        (Hermitian part of the solution, trace renormalised).

    Raises
    ------
    LZSMInputError
        On invalid operators or options.
    ConvergenceError
        If the steady state is not unique (singular or ill-conditioned system),
        or the solution fails the residual or positivity check.
    """
    if method not in ("auto", "dense", "sparse"):
        raise LZSMInputError(f"method must be 'auto', 'dense' or 'sparse', got {method!r}")
    for name, value in (("rcond_min", rcond_min), ("residual_tol", residual_tol), ("positivity_tol", positivity_tol)):
        if not (np.isfinite(value) and value > 0):
            raise LZSMInputError(f"{name} must lie in (0, inf), got {value!r}")
    shape = hamiltonian.shape if sp.issparse(hamiltonian) else np.shape(hamiltonian)
    use_sparse = method == "sparse" or (method == "auto" and len(shape) == 2 and shape[0] > DENSE_MAX_DIM)
    lv = liouvillian(hamiltonian, c_ops, sparse=use_sparse)
    d = int(round(np.sqrt(lv.shape[0])))
    trace_idx = np.arange(d) * (d + 1)
    scale = float(abs(lv).max()) or 1.0
    rhs = np.zeros(d * d, dtype=complex)
    rhs[0] = scale

    if use_sparse:
        keep = np.ones(d * d)
        keep[0] = 0.0
        trace_row = sp.csr_matrix((np.full(d, scale, dtype=complex), (np.zeros(d, dtype=int), trace_idx)), shape=lv.shape)
        m = sp.csc_matrix(sp.diags(keep) @ lv + trace_row)
        try:
            lu = spla.splu(m)
        except RuntimeError as exc:  # SuperLU: "Factor is exactly singular"
            raise ConvergenceError(f"steady state is not unique: {exc}") from None
        inv = spla.LinearOperator(
            m.shape, matvec=lu.solve, rmatvec=lambda y: lu.solve(y, trans="H"), dtype=complex
        )
        rcond = 1.0 / (spla.norm(m, 1) * spla.onenormest(inv))
        x = lu.solve(rhs)
    else:
        m = np.array(lv)
        m[0, :] = 0.0
        m[0, trace_idx] = scale
        with warnings.catch_warnings():  # a singular factor is reported through rcond below
            warnings.simplefilter("ignore", sla.LinAlgWarning)
            lu, piv = sla.lu_factor(m, check_finite=False)
        rcond, info = sla.lapack.zgecon(lu, np.abs(m).sum(axis=0).max(), norm="1")
        if info != 0 or not np.isfinite(rcond):
            rcond = 0.0
        x = sla.lu_solve((lu, piv), rhs, check_finite=False) if rcond > 0 else None

    if rcond < rcond_min or x is None or not np.all(np.isfinite(x)):
        raise ConvergenceError(
            f"steady state is not unique or the system is ill-conditioned: reciprocal condition number "
            f"{rcond:.3g} < rcond_min = {rcond_min:g} (is there a decoupled or undamped subspace?)"
        )
    lnorm = spla.norm(lv, "fro") if use_sparse else np.linalg.norm(lv)
    residual = np.linalg.norm(lv @ x) / (lnorm * np.linalg.norm(x))
    if residual > residual_tol:
        raise ConvergenceError(f"steady-state residual {residual:.3g} exceeds residual_tol = {residual_tol:g}")
    rho = unvec(x)
    rho = 0.5 * (rho + rho.conj().T)
    rho /= np.trace(rho).real
    min_eig = np.linalg.eigvalsh(rho)[0]
    if min_eig < -positivity_tol:
        raise ConvergenceError(
            f"steady state is not positive: smallest eigenvalue {min_eig:.3g} < -positivity_tol = {-positivity_tol:g}"
        )
    return rho


def lindblad_model(
    hamiltonian: Operator,
    c_ops: Sequence[Operator] = (),
    *,
    hamiltonian_operators: Sequence[Operator] | None = None,
    vectorized: bool = False,
) -> LindbladModel:
    r"""qiskit-dynamics :class:`~qiskit_dynamics.models.LindbladModel` of the master equation.

    The static part of the generator is :math:`H` with the collapse
    operators as static dissipators (rates included, coefficient 1); optional
    ``hamiltonian_operators`` :math:`H_j` enter as :math:`\sum_j s_j(t) H_j`
    with signals :math:`s_j` set later on the model (``model.signals``).

    Parameters
    ----------
    hamiltonian : (d, d) array
        Static Hermitian Hamiltonian.
    c_ops : sequence of (d, d) arrays
        Static collapse operators (rates included).
    hamiltonian_operators : sequence of (d, d) arrays, optional
        Hermitian operators with time-dependent coefficients.
    vectorized : bool
        Store the generator as a :math:`d^2\times d^2` superoperator acting on
        column-stacked density matrices (needed for superoperator/channel
        simulation).

    Returns
    -------
    LindbladModel
    """
    from qiskit_dynamics.models import LindbladModel

    return LindbladModel(**_model_arguments(hamiltonian, c_ops, hamiltonian_operators, vectorized))


def lindblad_solver(
    hamiltonian: Operator,
    c_ops: Sequence[Operator] = (),
    *,
    hamiltonian_operators: Sequence[Operator] | None = None,
    vectorized: bool = False,
    **solver_options: Any,
) -> Solver:
    r"""qiskit-dynamics :class:`~qiskit_dynamics.Solver` for the master equation.

    Same model as :func:`lindblad_model`; ``solver_options`` are passed on to
    :class:`~qiskit_dynamics.Solver` (``hamiltonian_channels``, ``dt``,
    ``rotating_frame``, ...).  Evolve with
    ``solver.solve(t_span=[0, t], y0=rho0, signals=..., method=..., atol=..., rtol=...)``;
    ``y0`` is a :math:`d\times d` density matrix (or a :math:`d^2\times d^2`
    superoperator with ``vectorized=True``).

    Returns
    -------
    Solver
    """
    from qiskit_dynamics import Solver

    return Solver(**_model_arguments(hamiltonian, c_ops, hamiltonian_operators, vectorized), **solver_options)


def _model_arguments(
    hamiltonian: Operator, c_ops: Sequence[Operator], hamiltonian_operators: Sequence[Operator] | None, vectorized: bool
) -> dict[str, Any]:
    """Validated keyword arguments shared by :class:`~qiskit_dynamics.models.LindbladModel` and :class:`~qiskit_dynamics.Solver`."""
    h, ops = _validated(hamiltonian, c_ops, sparse=False)
    return {
        "static_hamiltonian": h,
        "hamiltonian_operators": _hamiltonian_operators(hamiltonian_operators, h.shape),
        "static_dissipators": ops or None,
        "vectorized": vectorized,
    }


def _hamiltonian_operators(ops: Sequence[Operator] | None, shape: tuple[int, int]) -> np.ndarray | None:
    """Validate time-dependent Hamiltonian operators (square, Hermitian, shape of H)."""
    if ops is None:
        return None
    out = []
    for k, op in enumerate(ops):
        m = check_hermitian(f"hamiltonian_operators[{k}]", op)
        if m.shape != shape:
            raise LZSMInputError(f"hamiltonian_operators[{k}] has shape {m.shape}, hamiltonian has shape {shape}")
        out.append(m)
    return np.array(out) if out else None
