r"""Floquet modes and quasienergies of a batch of driven models (numerics of :func:`~lzsm_gates.floquet.floquet_basis`).

For :math:`H(t + T) = H(t)` the solutions of the Schrödinger equation are
:math:`|\psi_a(t)\rangle = e^{-i\varepsilon_a t}|u_a(t)\rangle` with
:math:`T`-periodic Floquet modes :math:`|u_a(t)\rangle` and quasienergies
:math:`\varepsilon_a`.  From the one-period propagator,
:math:`U(T)|u_a(0)\rangle = e^{-i\varepsilon_a T}|u_a(0)\rangle` and
:math:`|u_a(t)\rangle = e^{i\varepsilon_a t}U(t)|u_a(0)\rangle`.  The
propagators :math:`U(t_j)` on the grid :math:`t_j = jT/n`, :math:`j = 0..n`,
come from :func:`lzsm_gates.propagate.evolve` (batched, ~1e-11).
Quasienergies are folded into :math:`(-\omega/2, \omega/2]` (as QuTiP does);
the modes are *ordered* like the eigenstates :math:`|E_i\rangle` of
:math:`H_0` (ascending energy), by the assignment that maximises the
period-averaged overlaps :math:`\overline{|\langle E_i|u_a(t)\rangle|^2}`,
so that index :math:`a` follows the undriven level :math:`a` as
:math:`A \to 0` (QuTiP sorts by quasienergy instead).

Real models with a cosine drive are integrated over half a period only
(:func:`_sampled_propagators`); the overlaps, modes and sandwiches
:math:`M^\dagger X M` run in compiled kernels (:mod:`lzsm_gates._kernels`)
when numba is available.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..chrw import fold_quasienergies
from ..models import DrivenModel
from ..propagate import compiled_backend, evolve
from .options import _static_parts

__all__: list[str] = []  # private: FloquetBasis (lzsm_gates.floquet.basis) is the public face


def _dagger(m: np.ndarray) -> np.ndarray:
    return np.conj(np.swapaxes(m, -1, -2))


def _orthonormalize(v: np.ndarray) -> np.ndarray:
    r"""Löwdin orthonormalisation :math:`V (V^\dagger V)^{-1/2}` (removes eig's O(eps/gap) skew)."""
    w, s = np.linalg.eigh(_dagger(v) @ v)
    return v @ (s * (1 / np.sqrt(w))[..., None, :]) @ _dagger(s)


def _flat_points(batch: tuple[int, ...], *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """Arrays of shape ``batch + tail`` as writable C-contiguous ``(size,) + tail`` arrays for the kernels.

    Writable contiguous inputs are not copied; broadcast (read-only) views are, so that every kernel
    argument has one array type (one compiled specialisation).
    """
    size = int(np.prod(batch, dtype=int))
    out = []
    for x in arrays:
        flat = np.ascontiguousarray(x.reshape((size,) + x.shape[len(batch) :]))
        out.append(flat if flat.flags.writeable else flat.copy())
    return tuple(out)


def _reference_overlaps(props: np.ndarray, vecs: np.ndarray, reference: np.ndarray) -> np.ndarray:
    r""":math:`\overline{|\langle E_i|U(t)|v_a\rangle|^2}` over the samples, shape ``(*batch, d, d)`` (phase-free, so
    the modes can be ordered before they are built)."""
    n, d = props.shape[-3] - 1, props.shape[-1]
    batch = vecs.shape[:-2]
    reference = np.broadcast_to(reference, batch + (d, d))
    kernels = compiled_backend()
    if kernels is None:
        flat = props.reshape((-1, n + 1, d, d))[:, :n].reshape(batch + (n * d, d))  # one product per point
        rows = np.moveaxis((flat @ vecs).reshape(batch + (n, d, d)), -2, -3).reshape(batch + (d, n * d))
        overlaps = (_dagger(reference) @ rows).reshape(batch + (d, n, d))
        return np.mean(np.abs(overlaps) ** 2, axis=-2)
    args = _flat_points(batch, props, vecs, reference)
    weights = np.empty((args[0].shape[0], d, d))
    kernels.run_split(kernels.reference_overlaps, args, weights, weights.shape[0], weights.shape[0] * n * d**3)
    return weights.reshape(batch + (d, d))


def _floquet_modes(props: np.ndarray, vecs: np.ndarray, eps: np.ndarray, period: np.ndarray) -> np.ndarray:
    r"""Modes :math:`|u_a(t_j)\rangle = e^{i\varepsilon_a t_j}U(t_j)|v_a\rangle`, shape ``(*batch, n, d, d)``."""
    n, d = props.shape[-3] - 1, props.shape[-1]
    batch = vecs.shape[:-2]
    kernels = compiled_backend()
    if kernels is None:
        phases = np.exp(1j * eps[..., None, :] * (np.arange(n) / n * period[..., None])[..., :, None])
        flat = props.reshape((-1, n + 1, d, d))[:, :n].reshape(batch + (n * d, d))
        return (flat @ vecs).reshape(batch + (n, d, d)) * phases[..., None, :]
    args = _flat_points(batch, props, vecs, eps, np.broadcast_to(period, batch))
    modes = np.empty((args[0].shape[0], n, d, d), dtype=complex)
    kernels.run_split(kernels.floquet_modes, args, modes, modes.shape[0], modes.shape[0] * n * d**3 / 2)
    return modes.reshape(batch + (n, d, d))


def _sampled_propagators(model: DrivenModel, a: np.ndarray, w: np.ndarray, c: np.ndarray, n: int) -> np.ndarray:
    r""":math:`U(t_j)`, :math:`t_j = jT/n`, :math:`j = 0..n` (shape ``(*batch, n + 1, d, d)``).

    For a real model with an even drive (cosine) :math:`H(T - t) = H(t)` and :math:`H^T = H`, so
    :math:`U(T, T - t) = U(t)^T` and :math:`U(T - t) = \overline{U(t)}\,U(T)` with
    :math:`U(T) = U(T/2)^T U(T/2)`: only half a period is integrated (even ``n``).
    """
    if not (model.waveform == "cos" and model.is_real and n % 2 == 0):
        return evolve(model, a, w, np.arange(n + 1) / n, offset=c)
    half = evolve(model, a, w, np.arange(n // 2 + 1) / n, offset=c)
    props = np.empty(half.shape[:-3] + (n + 1,) + half.shape[-2:], dtype=complex)
    props[..., : n // 2 + 1, :, :] = half
    middle = half[..., -1, :, :]
    props[..., n, :, :] = np.swapaxes(middle, -1, -2) @ middle
    mirrored = props[..., n // 2 + 1 : n, :, :]  # conj(U(t_{n-j}) conj(U(T))), written in place
    np.matmul(half[..., n // 2 - 1 : 0 : -1, :, :], np.conj(props[..., n, None, :, :]), out=mirrored)
    np.conjugate(mirrored, out=mirrored)
    return props


def _sandwich(modes: np.ndarray, operator: np.ndarray) -> np.ndarray:
    r""":math:`M^\dagger X M` for every matrix :math:`M` of ``modes`` (``(..., d, d)``), compiled when available."""
    kernels = compiled_backend()
    if kernels is None:
        return _dagger(modes) @ operator @ modes
    n, d = modes.shape[-3], modes.shape[-1]
    flat = np.ascontiguousarray(modes.reshape((-1, n, d, d)))
    out = np.empty(flat.shape, dtype=complex)
    kernels.run_split(kernels.sandwich, (flat, np.ascontiguousarray(operator)), out, flat.shape[0], out.size * d)
    return out.reshape(modes.shape)


def _reference_order(weights: np.ndarray) -> np.ndarray:
    """Permutation ``perm`` with mode ``perm[i]`` assigned to reference level ``i``, maximising the overlap sum."""
    flat = weights.reshape((-1,) + weights.shape[-2:])
    perm = np.empty(flat.shape[:2], dtype=int)
    for p, w in enumerate(flat):
        perm[p] = linear_sum_assignment(w, maximize=True)[1]
    return perm.reshape(weights.shape[:-1])




def _ordered_modes(
    model: DrivenModel, a: np.ndarray, w: np.ndarray, c: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    r"""Quasienergies ``(*batch, d)`` and modes ``(*batch, n, d, d)`` at :math:`t_j = jT/n`, ordered.

    Mode :math:`a` is the one assigned to the :math:`a`-th eigenstate of the static Hamiltonian by the
    largest period-averaged overlap sum (see the module docstring).
    """
    props = _sampled_propagators(model, a, w, c, n)  # (*batch, n + 1, d, d)
    eigvals, vecs = np.linalg.eig(props[..., -1, :, :])
    vecs = _orthonormalize(vecs)
    period = 2 * np.pi / w
    eps = fold_quasienergies(-np.angle(eigvals) / period[..., None], w[..., None])
    statics = _static_parts(model, c)
    _, reference = np.linalg.eigh(statics)
    if statics.ndim == 3:  # one reference basis per distinct offset
        reference = reference[np.searchsorted(np.unique(c), c)]
    perm = _reference_order(_reference_overlaps(props, vecs, reference))
    eps = np.take_along_axis(eps, perm, axis=-1)
    vecs = np.take_along_axis(vecs, perm[..., None, :], axis=-1)
    modes = _floquet_modes(props, vecs, eps, period)
    return eps, modes
