r"""Figures of merit: gate fidelity and error of (possibly non-unitary) evolutions,
and entanglement measures (concurrence, negativity) with the partial trace and
partial transpose they need.

All functions broadcast over leading batch dimensions of their matrix
arguments.
"""

from __future__ import annotations

import numpy as np

from .operators import PAULI_Y, tensor
from .units import LZSMInputError, check_integer

__all__ = [
    "unitary_superoperator",
    "average_gate_fidelity",
    "gate_fidelity",
    "gate_error",
    "check_unitary",
    "partial_trace",
    "partial_transpose",
    "reduced_qubit_state",
    "concurrence",
    "negativity",
    "log_negativity",
]


def gate_fidelity(target: np.ndarray, actual: np.ndarray) -> np.ndarray:
    r"""Average gate fidelity of ``actual`` with respect to the unitary ``target``.

    Pedersen, Møller & Mølmer (2007):

    .. math::

        F = \frac{\operatorname{Tr}(M M^\dagger) + |\operatorname{Tr} M|^2}{d(d+1)},
        \qquad M = V^\dagger U ,

    which is the average fidelity over Haar-random input states, insensitive
    to the global phase, and also valid for a non-unitary ``actual`` (a
    projected, leaky block).

    Parameters
    ----------
    target : ndarray, shape (..., d, d)
        Target unitary :math:`V`.
    actual : ndarray, shape (..., d, d)
        Evolution :math:`U` (unitary or a sub-block of one).

    Returns
    -------
    ndarray
        :math:`F \in [0, 1]`, broadcast over the leading dimensions.
    """
    v = np.asarray(target, dtype=complex)
    u = np.asarray(actual, dtype=complex)
    if v.shape[-1] != u.shape[-1] or v.shape[-2:] != (v.shape[-1], v.shape[-1]):
        raise LZSMInputError(f"target and actual must be square (d, d) matrices of equal d, got {v.shape} and {u.shape}")
    d = v.shape[-1]
    m = np.conj(np.swapaxes(v, -1, -2)) @ u
    tr_mmdag = np.einsum("...ij,...ij->...", m, m.conj()).real
    tr_m = np.einsum("...ii->...", m)
    return (tr_mmdag + np.abs(tr_m) ** 2) / (d * (d + 1))


def gate_error(target: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Gate error :math:`1 - F` (see :func:`gate_fidelity`), clipped at 0 against round-off."""
    return np.maximum(1.0 - gate_fidelity(target, actual), 0.0)


def check_unitary(name: str, matrix: np.ndarray, *, atol: float = 1e-8) -> np.ndarray:
    """Return ``matrix`` as a complex square array, raising if it is not unitary.

    Raises
    ------
    LZSMInputError
        If the array is not square, contains NaN/inf, or :math:`\\|U^\\dagger U - I\\| > atol`.
    """
    m = np.asarray(matrix, dtype=complex)
    if m.ndim < 2 or m.shape[-1] != m.shape[-2]:
        raise LZSMInputError(f"{name} must be a square matrix, got shape {m.shape}")
    if not np.all(np.isfinite(m)):
        raise LZSMInputError(f"{name} contains NaN or inf")
    dev = np.abs(np.conj(np.swapaxes(m, -1, -2)) @ m - np.eye(m.shape[-1])).max()
    if dev > atol:
        raise LZSMInputError(f"{name} must be unitary (|U^dag U - I| <= {atol:g}), deviation is {dev:.3g}")
    return m


# ---------------------------------------------------------------------------
# Entanglement measures and reduced states
# ---------------------------------------------------------------------------

_SIGMA_YY = tensor(PAULI_Y, PAULI_Y).real  # real symmetric


def unitary_superoperator(u: np.ndarray) -> np.ndarray:
    r"""Column-stacking Liouville matrix :math:`\bar U \otimes U` of :math:`\rho \mapsto U\rho U^\dagger`."""
    u = np.asarray(u, dtype=complex)
    return np.kron(u.conj(), u)


def average_gate_fidelity(superoperator: np.ndarray, target: np.ndarray) -> float:
    r"""Average gate fidelity of a channel (column-stacking Liouville matrix) against a unitary target.

    .. math::

        F_\mathrm{avg} = \frac{d F_\mathrm{pro} + 1}{d + 1}, \qquad
        F_\mathrm{pro} = \frac{\operatorname{Tr}(S_V^\dagger S)}{d^2}

    (Horodecki et al. 1999; Nielsen 2002).  For a unitary channel it equals :func:`gate_fidelity`.
    """
    v = check_unitary("target", target)
    d = v.shape[0]
    s = np.asarray(superoperator, dtype=complex)
    if s.shape != (d * d, d * d):
        raise LZSMInputError(f"superoperator must have shape {(d * d, d * d)} for a {d}x{d} target, got {s.shape}")
    f_pro = np.trace(unitary_superoperator(v).conj().T @ s).real / d**2
    return float((d * f_pro + 1) / (d + 1))


def _as_density_matrix(name: str, state: np.ndarray, dim: int, pure: bool | None) -> np.ndarray:
    """Return ``state`` as density matrices of shape ``(..., dim, dim)``.

    ``pure=None`` reads a 1-D array as a ket and anything else as density
    matrices; ``pure=True`` reads the last axis as kets (a batch of pure
    states); ``pure=False`` insists on density matrices.
    """
    arr = np.asarray(state)
    if not np.all(np.isfinite(arr)):
        raise LZSMInputError(f"{name} contains NaN or inf")
    arr = arr.astype(complex, copy=False)
    is_ket = arr.ndim == 1 if pure is None else pure
    if is_ket:
        if arr.ndim < 1 or arr.shape[-1] != dim:
            raise LZSMInputError(f"{name} must be a ket of length {dim} (or a batch (..., {dim})), got shape {arr.shape}")
        return arr[..., :, None] * arr[..., None, :].conj()
    if arr.ndim < 2 or arr.shape[-2:] != (dim, dim):
        raise LZSMInputError(
            f"{name} must be a ({dim}, {dim}) density matrix (or a batch (..., {dim}, {dim})), got shape {arr.shape}"
        )
    return arr


def _check_dims(dims: "list[int] | tuple[int, ...]") -> tuple[int, ...]:
    if np.ndim(dims) != 1 or len(dims) == 0:
        raise LZSMInputError(f"dims must be a non-empty list of positive integers, got {dims!r}")
    return tuple(check_integer("dims", d, minimum=1) for d in dims)


def _check_subsystems(name: str, subsystems: "int | list[int] | tuple[int, ...]", n: int) -> tuple[int, ...]:
    subs = (subsystems,) if np.ndim(subsystems) == 0 else tuple(subsystems)
    subs_t = tuple(sorted(check_integer(name, s, minimum=0, maximum=n - 1) for s in subs))
    if len(set(subs_t)) != len(subs_t):
        raise LZSMInputError(f"{name} must be distinct indices in [0, {n - 1}], got {subsystems!r}")
    return subs_t


def partial_trace(
    state: np.ndarray,
    dims: "list[int] | tuple[int, ...]",
    keep: "int | list[int] | tuple[int, ...]",
    *,
    pure: bool | None = None,
) -> np.ndarray:
    r"""Reduced density matrix of the subsystems ``keep`` of a composite state.

    For :math:`\mathcal H = \bigotimes_k \mathcal H_k` with ``dims[k]`` =
    :math:`\dim\mathcal H_k` (subsystem 0 leftmost in the Kronecker product),

    .. math::

        \rho_{\mathrm{keep}} = \operatorname{Tr}_{\overline{\mathrm{keep}}}\,\rho .

    Parameters
    ----------
    state : ndarray, shape (..., D, D) or (..., D)
        Density matrices, or kets (see ``pure``), with :math:`D = \prod_k`
        ``dims[k]``.  Leading dimensions are a batch.
    dims : sequence of int
        Subsystem dimensions, e.g. ``[2, 2, n_fock]`` for two qubits and a
        cavity.
    keep : int or sequence of int
        Subsystems to keep.  The result is ordered by ascending index (as
        ``qutip.ptrace``), whatever the order given.
    pure : bool or None
        ``None``: a 1-D ``state`` is a ket, otherwise density matrices.
        ``True``: the last axis holds kets (batch of pure states).
        ``False``: density matrices.

    Returns
    -------
    ndarray, shape (..., d_keep, d_keep)

    Raises
    ------
    LZSMInputError
        If ``dims`` does not match the state or ``keep`` is not a set of valid
        indices.
    """
    dims_t = _check_dims(dims)
    keep_t = _check_subsystems("keep", keep, len(dims_t))
    rho = _as_density_matrix("state", state, int(np.prod(dims_t)), pure)
    batch = rho.shape[:-2]
    n = len(dims_t)
    tensor = rho.reshape(batch + dims_t + dims_t)
    # einsum labels: batch '...', row index of subsystem k -> letter k, column -> letter n + k
    # (traced subsystems reuse the row letter for the column, which contracts them).
    letters = [chr(ord("a") + k) for k in range(2 * n)]
    rows = letters[:n]
    cols = [letters[n + k] if k in keep_t else letters[k] for k in range(n)]
    out = [letters[k] for k in keep_t] + [letters[n + k] for k in keep_t]
    reduced = np.einsum(f"...{''.join(rows)}{''.join(cols)}->...{''.join(out)}", tensor)
    d_keep = int(np.prod([dims_t[k] for k in keep_t]))
    return reduced.reshape(batch + (d_keep, d_keep))


def partial_transpose(
    state: np.ndarray,
    dims: "list[int] | tuple[int, ...]",
    subsystems: "int | list[int] | tuple[int, ...]",
    *,
    pure: bool | None = None,
) -> np.ndarray:
    r"""Partial transpose :math:`\rho^{T_S}` over the subsystems ``subsystems``.

    .. math::

        \langle i_S\, j_{\bar S}|\rho^{T_S}|k_S\, l_{\bar S}\rangle
        = \langle k_S\, j_{\bar S}|\rho|i_S\, l_{\bar S}\rangle .

    Parameters are as in :func:`partial_trace`; the result has the input's
    shape ``(..., D, D)``.
    """
    dims_t = _check_dims(dims)
    subs_t = _check_subsystems("subsystems", subsystems, len(dims_t))
    rho = _as_density_matrix("state", state, int(np.prod(dims_t)), pure)
    batch = rho.shape[:-2]
    nb, n = len(batch), len(dims_t)
    tensor = rho.reshape(batch + dims_t + dims_t)
    axes = list(range(nb + 2 * n))
    for k in subs_t:
        axes[nb + k], axes[nb + n + k] = axes[nb + n + k], axes[nb + k]
    return tensor.transpose(axes).reshape(rho.shape)


def reduced_qubit_state(state: np.ndarray, n_fock: int, *, pure: bool | None = None) -> np.ndarray:
    r"""Two-qubit reduced state :math:`\operatorname{Tr}_\mathrm{cav}\rho` of a qubits + cavity state.

    The composite ordering is qubit 1 :math:`\otimes` qubit 2 :math:`\otimes`
    cavity (dims ``[2, 2, n_fock]``), the convention of
    :mod:`lzsm_gates.cavity`.

    Parameters
    ----------
    state : ndarray, shape (..., 4 n_fock, 4 n_fock) or (..., 4 n_fock)
        Density matrices or kets (see :func:`partial_trace`).
    n_fock : int
        Fock-space cutoff of the cavity (photon numbers ``0 .. n_fock - 1``).

    Returns
    -------
    ndarray, shape (..., 4, 4)
    """
    return partial_trace(state, [2, 2, check_integer("n_fock", n_fock, minimum=1)], [0, 1], pure=pure)


def concurrence(state: np.ndarray, *, pure: bool | None = None, signed: bool = False) -> np.ndarray:
    r"""Wootters concurrence of two-qubit states.

    With the spin-flipped state :math:`\tilde\rho = (\sigma_y\otimes\sigma_y)
    \rho^* (\sigma_y\otimes\sigma_y)` and :math:`\lambda_1 \ge \dots \ge
    \lambda_4` the square roots of the eigenvalues of :math:`\rho\tilde\rho`
    (equivalently the eigenvalues of :math:`\sqrt{\sqrt\rho\,\tilde\rho\sqrt\rho}`),

    .. math::

        C(\rho) = \max(0,\ \lambda_1 - \lambda_2 - \lambda_3 - \lambda_4),
        \qquad C(|\psi\rangle) = |\langle\psi|\sigma_y\otimes\sigma_y|\psi^*\rangle| .

    The :math:`\lambda_i` are computed as the singular values of the
    symmetric matrix :math:`\tau = W^{T}(\sigma_y\otimes\sigma_y)W`, where
    :math:`W = U\sqrt{D}` holds the subnormalised eigenvectors of
    :math:`\rho = UDU^\dagger` (Wootters 1998): :math:`\rho\tilde\rho` and
    :math:`\tau^\dagger\tau` share their non-zero eigenvalues.  This avoids
    square roots of round-off-sized eigenvalues, so rank-deficient (e.g.
    pure) states are accurate to machine precision; round-off negative
    eigenvalues of :math:`\rho` are clipped to zero.

    Parameters
    ----------
    state : ndarray, shape (..., 4, 4) or (..., 4)
        Density matrices or kets (see ``pure``) in the basis
        ``|00>, |01>, |10>, |11>``; leading dimensions are a batch.  Any
        local relabelling of the basis leaves :math:`C` unchanged.
    pure : bool or None
        ``None``: a 1-D ``state`` is a ket, otherwise density matrices;
        ``True``: the last axis holds kets; ``False``: density matrices.
    signed : bool
        Return :math:`\lambda_1 - \lambda_2 - \lambda_3 - \lambda_4` without
        the :math:`\max(0, \cdot)`.  It is continuous and changes sign on the
        boundary of the entangled region, which makes it the function to
        root-find when locating where :math:`C` becomes zero.

    Returns
    -------
    ndarray
        Concurrence, shape of the batch (0-d for one state).
    """
    rho = _as_density_matrix("state", state, 4, pure)
    w, u = np.linalg.eigh(0.5 * (rho + np.conj(np.swapaxes(rho, -1, -2))))
    sub = u * np.sqrt(np.clip(w, 0.0, None))[..., None, :]
    tau = np.swapaxes(sub, -1, -2) @ _SIGMA_YY @ sub
    lam = np.linalg.svd(tau, compute_uv=False)
    margin = lam[..., 0] - lam[..., 1] - lam[..., 2] - lam[..., 3]
    return margin if signed else np.maximum(margin, 0.0)


def negativity(
    state: np.ndarray,
    dims: "list[int] | tuple[int, ...]" = (2, 2),
    subsystems: "int | list[int] | tuple[int, ...]" = 0,
    *,
    pure: bool | None = None,
) -> np.ndarray:
    r"""Negativity of the bipartition ``subsystems`` | rest.

    .. math::

        \mathcal N(\rho) = \frac{\|\rho^{T_S}\|_1 - 1}{2}
        = \sum_{\mu < 0} |\mu| ,\qquad \mu \in \operatorname{spec}\rho^{T_S},

    for a unit-trace Hermitian :math:`\rho`.  It is zero for separable states
    and :math:`1/2` for a two-qubit Bell state.

    Parameters
    ----------
    state : ndarray, shape (..., D, D) or (..., D)
        Density matrices or kets (see :func:`partial_trace`).
    dims : sequence of int
        Subsystem dimensions; default two qubits.
    subsystems : int or sequence of int
        The side :math:`S` of the cut that is transposed.
    pure : bool or None
        See :func:`partial_trace`.

    Returns
    -------
    ndarray
        Negativity, shape of the batch.
    """
    pt = partial_transpose(state, dims, subsystems, pure=pure)
    mu = np.linalg.eigvalsh(0.5 * (pt + np.conj(np.swapaxes(pt, -1, -2))))
    return np.sum(np.clip(-mu, 0.0, None), axis=-1)


def log_negativity(
    state: np.ndarray,
    dims: "list[int] | tuple[int, ...]" = (2, 2),
    subsystems: "int | list[int] | tuple[int, ...]" = 0,
    *,
    pure: bool | None = None,
) -> np.ndarray:
    r"""Logarithmic negativity :math:`E_N = \log_2 \|\rho^{T_S}\|_1 = \log_2(2\mathcal N + 1)`.

    Same arguments as :func:`negativity`; base-2 logarithm (one ebit for a
    Bell state), as ``qutip.negativity(..., logarithmic=True)``.
    """
    return np.log2(2.0 * negativity(state, dims, subsystems, pure=pure) + 1.0)
