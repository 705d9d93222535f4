r"""Exact propagation of driven models, batched over parameter grids.

The propagator :math:`U(t) = \mathcal{T}\exp[-i\int_0^t H(s)\,ds]` of a
:class:`~lzsm_gates.models.DrivenModel` is computed with the sixth-order
Magnus integrator of Blanes, Casas & Ros (2000) on the three Gauss-Legendre
nodes :math:`c_{1,2,3} = \tfrac12 \mp \tfrac{\sqrt{15}}{10}, \tfrac12` of each
step :math:`h`.  With :math:`A_j = -iH(t_n + c_j h)`:

.. math::

    \alpha_1 = h A_2,\quad
    \alpha_2 = \tfrac{\sqrt{15}}{3} h (A_3 - A_1),\quad
    \alpha_3 = \tfrac{10}{3} h (A_3 - 2A_2 + A_1),

    C_1 = [\alpha_1, \alpha_2],\quad
    C_2 = -\tfrac{1}{60}[\alpha_1, 2\alpha_3 + C_1],

    \Omega = \alpha_1 + \tfrac{1}{12}\alpha_3
             + \tfrac{1}{240}[-20\alpha_1 - \alpha_3 + C_1, \alpha_2 + C_2],
    \qquad U(t_n + h) = e^{\Omega}\, U(t_n).

Each step is exactly unitary (:math:`\Omega` is anti-Hermitian) and the local
error is :math:`O(h^7)`.  The number of steps per period :math:`N` is chosen
per point (step :math:`h = T/N`) from the bound
:math:`\|H\| \le \|H_0\| + |A|\|V\|` and the drive frequency so that the propagator error stays
below about :math:`10^{-11}` in operator norm.  The scheme is validated against
QuTiP and scipy's DOP853 in the tests and the benchmark.

Implementation: the exponent is a real combination of fourteen fixed
matrices of the model (:class:`_MagnusAlgebra`, cached per model), so a step
needs only a few dozen scalar multiply-adds.  The compiled kernels of
:mod:`lzsm_gates._kernels` (numba, cached on disk) advance each point on its
own: for d = 2 in real quaternion arithmetic, for larger d with a Taylor
exponential with a rigorous remainder bound (no eigendecomposition); large
batches are split over threads.  Without numba (or with the environment
variable ``LZSM_GATES_DISABLE_NUMBA=1``) a vectorised numpy route computes the
same scheme (points with similar :math:`N` advance together, each rounded up
to a :math:`2^{1/4}` ladder).

Times are given as fractions of the drive period so that a batch of
different frequencies shares one time grid.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .models import PAULI_I, PAULI_X, PAULI_Y, PAULI_Z, DrivenModel
from .units import LZSMInputError, check_finite, check_integer, check_positive

__all__ = ["evolve", "period_propagator", "static_propagator", "steps_per_period", "expm_hermitian", "compiled_backend"]

# Step size control: h * (||H||max + omega) <= _PHASE_PER_STEP keeps the sixth-order
# Magnus error below ~1e-11 per period for the drives of this project
# (calibrated in tests/test_propagate.py::test_step_rule_meets_accuracy).
_PHASE_PER_STEP = 0.15
_MIN_STEPS = 48
_SQRT15 = np.sqrt(15.0)
_NODES = np.array([0.5 - _SQRT15 / 10, 0.5, 0.5 + _SQRT15 / 10])
_PHASE = {"sin": 0.0, "cos": 0.5 * np.pi}  # f(x) = sin(x + phase)
#: Set this environment variable (to anything but "" or "0") to use the numpy fallback instead of numba.
DISABLE_COMPILED_ENV = "LZSM_GATES_DISABLE_NUMBA"


def expm_hermitian(k: np.ndarray) -> np.ndarray:
    r"""Batched :math:`\exp(-iK)` for Hermitian :math:`K` of shape (..., d, d).

    Closed form for d = 2 (:math:`K = k_0 + \vec k\cdot\vec\sigma`), batched
    eigendecomposition otherwise.
    """
    d = k.shape[-1]
    if d == 2:
        k0 = 0.5 * (k[..., 0, 0] + k[..., 1, 1]).real
        kz = 0.5 * (k[..., 0, 0] - k[..., 1, 1]).real
        kx = k[..., 1, 0].real
        ky = k[..., 1, 0].imag
        norm = np.sqrt(kx * kx + ky * ky + kz * kz)
        c = np.cos(norm)
        s = np.sinc(norm / np.pi)  # sin(n)/n, finite at n = 0
        phase = np.exp(-1j * k0)
        out = np.empty(k.shape, dtype=complex)
        out[..., 0, 0] = phase * (c - 1j * s * kz)
        out[..., 1, 1] = phase * (c + 1j * s * kz)
        out[..., 0, 1] = phase * (-1j * s * (kx - 1j * ky))
        out[..., 1, 0] = phase * (-1j * s * (kx + 1j * ky))
        return out
    w, v = np.linalg.eigh(k)
    return (v * np.exp(-1j * w)[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))


@dataclass(frozen=True)
class _MagnusAlgebra:
    r"""Fixed matrices spanning every Magnus exponent of :math:`H_0 + a(t)V`, cached per model.

    Because :math:`[H(t_1), H(t_2)] = (a_2 - a_1)[H_0, V]`, the sixth-order
    exponent is :math:`\Omega = \alpha_1 + \alpha_3/12 + [Y, Z]/240` with
    :math:`Y \in \mathrm{span}(H_0, V, C)` and
    :math:`Z \in \mathrm{span}(V, C, D_0, D_1)`, where :math:`C = [H_0, V]`,
    :math:`D_0 = [H_0, C]`, :math:`D_1 = [V, C]`.  Writing the coefficients as
    :math:`y = (20ih,\ ih(20b_1 + b_3),\ -h^2 b_2)` and
    :math:`z = (-ihb_2,\ h^2b_3/30,\ -ih^3b_2/60,\ -ih^3b_1b_2/60)`,
    :math:`K = i\Omega = hH_0 + h(b_1 + b_3/12)V + \sum_{ij} i\,y_iz_j[Y_i, Z_j]/240`,
    a real combination of the fourteen Hermitian matrices ``basis``
    (:math:`H_0`, :math:`V`, then :math:`i\hat p_i\hat q_j[Y_i, Z_j]/240` with the
    :math:`h`- and :math:`b`-free factors :math:`\hat p = (20i, i, -1)`,
    :math:`\hat q = (-i, 1/30, -i/60, -i/60)`).  Only per-step scalars
    change, so a step costs a few dozen multiply-adds (see :mod:`lzsm_gates._kernels`).
    Also holds the spectral norms of the step rule.
    """

    basis: np.ndarray  # (14, d, d) complex Hermitian
    pauli: np.ndarray | None  # (14, 4) Pauli coordinates (I, X, Y, Z) for d = 2
    static_norm: float
    drive_norm: float

    @property
    def dim(self) -> int:
        return self.basis.shape[-1]

    def steps(self, amplitude: np.ndarray, frequency: np.ndarray, offset: np.ndarray) -> np.ndarray:
        """Steps per period of the step rule (module docstring)."""
        bound = self.static_norm + (np.abs(amplitude) + np.abs(offset)) * self.drive_norm
        n = np.ceil((bound + frequency) * (2 * np.pi / frequency) / _PHASE_PER_STEP)
        return np.maximum(n, _MIN_STEPS).astype(np.int64)


def _commutator(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return x @ y - y @ x


@lru_cache(maxsize=256)
def _algebra_from_bytes(static: bytes, drive: bytes, dim: int) -> _MagnusAlgebra:
    h0 = np.frombuffer(static, dtype=complex).reshape(dim, dim)
    v = np.frombuffer(drive, dtype=complex).reshape(dim, dim)
    c = _commutator(h0, v)
    ys = (h0, v, c)
    zs = (v, c, _commutator(h0, c), _commutator(v, c))
    p_hat = (20j, 1j, -1.0)
    q_hat = (-1j, 1 / 30, -1j / 60, -1j / 60)
    table = [1j * p_hat[i] * q_hat[j] * _commutator(ys[i], zs[j]) / 240 for i in range(3) for j in range(4)]
    basis = np.ascontiguousarray(np.array([h0, v] + table, dtype=complex))
    pauli = None
    if dim == 2:
        sigma = np.array([PAULI_I, PAULI_X, PAULI_Y, PAULI_Z])
        pauli = np.ascontiguousarray(0.5 * np.einsum("sij,mji->ms", sigma, basis).real)
    return _MagnusAlgebra(basis, pauli, float(np.linalg.norm(h0, 2)), float(np.linalg.norm(v, 2)))


def _algebra(model: DrivenModel) -> _MagnusAlgebra:
    """The cached :class:`_MagnusAlgebra` of ``model`` (keyed by the bytes of :math:`H_0` and :math:`V`)."""
    return _algebra_from_bytes(model.static.tobytes(), model.drive_operator.tobytes(), model.dim)


def compiled_backend() -> Any:
    """The compiled kernel module (:mod:`lzsm_gates._kernels`), or None when numba is unavailable or disabled.

    Set the environment variable ``LZSM_GATES_DISABLE_NUMBA=1`` to force the (slower) numpy route.
    """
    if os.environ.get(DISABLE_COMPILED_ENV, "") not in ("", "0"):
        return None
    return _import_kernels()


@lru_cache(maxsize=1)
def _import_kernels() -> Any:
    from . import _kernels  # imports numba (slow): only on first use

    return _kernels if _kernels.compiled else None


def _run_compiled(kernels: Any, algebra: _MagnusAlgebra, phase: float, c, a, w, n_per, f) -> np.ndarray:
    """Run the compiled kernel on all points (split over threads when the batch is large)."""
    d = algebra.dim
    out = np.empty((a.size, f.size, d, d), dtype=complex)
    if d == 2:
        kernel, basis = kernels.evolve_su2, algebra.pauli
    else:
        kernel, basis = kernels.evolve_dense, algebra.basis
    work = float(np.sum(n_per)) * max(float(f[-1]), 1.0) * (1 if d == 2 else d**3)
    f = f if f.flags.writeable else f.copy()  # one array type per argument: one compiled specialisation
    kernels.run_split(kernel, (basis, phase, c, a, w, n_per, f), out, a.size, work)
    return out


def _run_numpy(algebra: _MagnusAlgebra, phase: float, c, a, w, n_per, f) -> np.ndarray:
    """The numpy route: points with similar step counts advance together (vectorised over points)."""
    from . import _kernels as shared  # its plain-numpy helpers

    d = algebra.dim
    out = np.empty((a.size, f.size, d, d), dtype=complex)
    # group points with similar step counts (rounded up to a factor 2**(1/4) ladder)
    ladder = np.ceil(2 ** (np.ceil(4 * np.log2(n_per)) / 4)).astype(int)
    for n_group in np.unique(ladder):
        idx = np.nonzero(ladder == n_group)[0]
        period = 2 * np.pi / w[idx]
        u = np.broadcast_to(np.eye(d, dtype=complex), (idx.size, d, d)).copy()
        nu = np.empty((14, idx.size))
        done = 0.0
        for k, fk in enumerate(f):
            span = fk - done
            n_seg = max(int(np.ceil(n_group * span - 1e-9)), 1) if span > 0 else 0
            h = span * period / max(n_seg, 1)
            for step in range(n_seg):
                t = (done * period)[:, None] + (step + _NODES[None, :]) * h[:, None]
                drive = c[idx, None] + a[idx, None] * np.sin(w[idx, None] * t + phase)
                shared.step_weights(h, drive[:, 0], drive[:, 1], drive[:, 2], nu)
                u = expm_hermitian(np.einsum("mb,mij->bij", nu, algebra.basis)) @ u
            out[idx, k] = u
            done = fk
    return out


_SCALAR = (float, int, np.floating, np.integer)


def _points(amplitude: Any, frequency: Any, offset: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated, broadcast (A, omega, c); plain scalars take a fast path (single-point calls in root searches)."""
    scalars = (amplitude, frequency, offset)
    if all(isinstance(x, _SCALAR) and not isinstance(x, bool) for x in scalars):
        a, w, c = (float(x) for x in scalars)
        if math.isfinite(a) and math.isfinite(c) and math.isfinite(w) and w > 0:
            return np.array(a), np.array(w), np.array(c)
    return np.broadcast_arrays(
        check_finite("amplitude", amplitude), check_positive("frequency", frequency), check_finite("offset", offset)
    )


def _fractions(fractions: Any) -> np.ndarray:
    if isinstance(fractions, tuple) and all(isinstance(x, float) for x in fractions):
        return _fraction_tuple(fractions)  # the callers' constant tuples: validated once
    return _check_fractions(fractions)


@lru_cache(maxsize=64)
def _fraction_tuple(fractions: tuple[float, ...]) -> np.ndarray:
    f = _check_fractions(fractions)
    f.setflags(write=False)
    return f


def _check_fractions(fractions: Any) -> np.ndarray:
    f = check_positive("fractions", np.atleast_1d(fractions), allow_zero=True)
    if f.ndim != 1 or np.any(np.diff(f) < 0):
        raise LZSMInputError("fractions must be a 1-D non-decreasing sequence of period fractions >= 0")
    return np.ascontiguousarray(f, dtype=float)


def steps_per_period(
    model: DrivenModel, amplitude: np.ndarray, frequency: np.ndarray, *, offset: np.ndarray | float = 0.0
) -> np.ndarray:
    r"""Number of Magnus steps per drive period used for each point (see module docstring).

    With a static ``offset`` :math:`c` of the drive the bound is
    :math:`\|H_0\| + (|c| + |A|)\|V\|`.
    """
    a, w, c = np.broadcast_arrays(np.asarray(amplitude, float), np.asarray(frequency, float), np.asarray(offset, float))
    return _algebra(model).steps(a, w, c)


def evolve(
    model: DrivenModel,
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    fractions: np.ndarray | list[float] = (1.0,),
    *,
    steps: int | None = None,
    offset: np.ndarray | float = 0.0,
) -> np.ndarray:
    r"""Propagators :math:`U(t_k)` at times :math:`t_k = f_k T`, :math:`T = 2\pi/\omega`.

    Parameters
    ----------
    model : DrivenModel
        The Hamiltonian.
    amplitude, frequency : array_like
        Drive amplitude :math:`A` and angular frequency :math:`\omega > 0`
        (internal units); broadcast against each other to the batch shape.
    fractions : array_like of float
        Increasing times as fractions of the period, in [0, 1] or beyond (several periods).
    steps : int, optional
        Steps per period for every point (default: chosen per point for
        ~1e-11 accuracy, see :func:`steps_per_period`).
    offset : array_like, optional
        Static part :math:`c` of the drive coefficient,
        :math:`H(t) = H_0 + (c + A f(\omega t))V` (broadcast with the others):
        a batch over :math:`c` shares one Magnus algebra (e.g. a detuning
        :math:`\varepsilon_0` entering as :math:`\varepsilon_0 V`).

    Returns
    -------
    ndarray, shape ``(*batch, len(fractions), d, d)``
    """
    if not isinstance(model, DrivenModel):
        raise LZSMInputError(f"model must be a DrivenModel, got {type(model).__name__}")
    a, w, c = _points(amplitude, frequency, offset)
    batch = a.shape
    a, w, c = (np.array(x, dtype=float).ravel() for x in (a, w, c))  # fresh, writable, contiguous
    f = _fractions(fractions)
    algebra = _algebra(model)
    if steps:
        n_per = np.full(a.shape, check_integer("steps", steps, minimum=1), dtype=np.int64)
    else:
        n_per = algebra.steps(a, w, c)
    phase = _PHASE[model.waveform]
    kernels = compiled_backend()
    if kernels is None:
        out = _run_numpy(algebra, phase, c, a, w, n_per, f)
    else:
        out = _run_compiled(kernels, algebra, phase, c, a, w, n_per, f)
    return out.reshape(batch + (f.size, model.dim, model.dim))


def period_propagator(
    model: DrivenModel,
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    *,
    steps: int | None = None,
    offset: np.ndarray | float = 0.0,
) -> np.ndarray:
    r"""One-period propagator :math:`U(T)`, shape ``(*batch, d, d)`` (see :func:`evolve`).

    With a model ``parity`` :math:`S` (and no ``offset``) only half a period is integrated:
    :math:`U(T) = (S\,U(T/2))^2`.
    """
    if model.parity is None or np.any(np.asarray(offset) != 0):
        return evolve(model, amplitude, frequency, (1.0,), steps=steps, offset=offset)[..., 0, :, :]
    half = model.parity @ evolve(model, amplitude, frequency, (0.5,), steps=steps)[..., 0, :, :]
    return half @ half


def static_propagator(hamiltonian: np.ndarray, times: np.ndarray | float) -> np.ndarray:
    r""":math:`\exp(-i H t)` for a static Hermitian ``hamiltonian``, batched over ``times`` (t >= 0 or any real)."""
    t = check_finite("times", times)
    k = np.asarray(hamiltonian, dtype=complex) * t[..., None, None]
    return expm_hermitian(k)
