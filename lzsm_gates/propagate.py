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

Each step is exactly unitary (:math:`\Omega` is anti-Hermitian), the local
error is :math:`O(h^7)`, and all parameter points of a batch advance together
in vectorised numpy (each with its own step :math:`h = T/N`).  The number of
steps per period :math:`N` is chosen per point from the bound
:math:`\|H\| \le \|H_0\| + |A|\|V\|` and the drive frequency so that the propagator error stays
below about :math:`10^{-11}` in operator norm; points needing similar
:math:`N` are grouped so that a grid mixing weak and strong drives costs
little more than its hardest points.  The scheme is validated against
qiskit-dynamics (adaptive DOP853) and an independent integrator in the
tests and the benchmark.

Times are given as fractions of the drive period so that a batch of
different frequencies shares one time grid.
"""

from __future__ import annotations

import numpy as np

from .models import DrivenModel
from .units import LZSMInputError, check_finite, check_positive

__all__ = ["evolve", "period_propagator", "static_propagator", "steps_per_period", "expm_hermitian"]

# Step size control: h * (||H||max + omega) <= _PHASE_PER_STEP keeps the sixth-order
# Magnus error below ~1e-11 per period for the drives of this project
# (calibrated in tests/test_propagate.py::test_step_rule_meets_accuracy).
_PHASE_PER_STEP = 0.15
_MIN_STEPS = 48
_SQRT15 = np.sqrt(15.0)
_NODES = np.array([0.5 - _SQRT15 / 10, 0.5, 0.5 + _SQRT15 / 10])


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


def steps_per_period(model: DrivenModel, amplitude: np.ndarray, frequency: np.ndarray) -> np.ndarray:
    """Number of Magnus steps per drive period used for each point (see module docstring)."""
    w = np.asarray(frequency, dtype=float)
    n = np.ceil((model.norm_bound(amplitude) + w) * (2 * np.pi / w) / _PHASE_PER_STEP)
    return np.maximum(n, _MIN_STEPS).astype(int)


class _MagnusAlgebra:
    r"""Fixed matrices spanning every Magnus exponent of :math:`H_0 + a(t)V`.

    Because :math:`[H(t_1), H(t_2)] = (a_2 - a_1)[H_0, V]`, the sixth-order
    exponent is :math:`\Omega = \alpha_1 + \alpha_3/12 + [Y, Z]/240` with
    :math:`Y \in \mathrm{span}(H_0, V, C)` and
    :math:`Z \in \mathrm{span}(V, C, D_0, D_1)`, where :math:`C = [H_0, V]`,
    :math:`D_0 = [H_0, C]`, :math:`D_1 = [V, C]`.  Only per-point scalar
    coefficients change from step to step, so a whole batch costs one small
    matrix product per step instead of a dozen batched commutators.
    """

    def __init__(self, model: DrivenModel) -> None:
        h0, v = model.static, model.drive_operator
        c = h0 @ v - v @ h0
        y_basis = [h0, v, c]
        z_basis = [v, c, h0 @ c - c @ h0, v @ c - c @ v]
        table = [(yi @ zj - zj @ yi) / 240 for yi in y_basis for zj in z_basis]
        self.dim = model.dim
        self.matrices = np.array([h0, v] + table).reshape(2 + len(table), -1)

    def exponent(self, h: np.ndarray, a1: np.ndarray, a2: np.ndarray, a3: np.ndarray) -> np.ndarray:
        r"""Hermitian :math:`K = i\Omega` of one step for each point, shape (B, d, d)."""
        b1 = a2
        b2 = (_SQRT15 / 3) * (a3 - a1)
        b3 = (10.0 / 3) * (a3 - 2 * a2 + a1)
        h2 = h * h
        h3b2 = h2 * h * b2 / 60
        y = (20j * h, 1j * h * (20 * b1 + b3), -h2 * b2)
        z = (-1j * h * b2, h2 * b3 / 30, -1j * h3b2, -1j * h3b2 * b1)
        coeffs = np.stack([h + 0j, h * (b1 + b3 / 12) + 0j] + [1j * yi * zj for yi in y for zj in z], axis=-1)
        return (coeffs @ self.matrices).reshape(-1, self.dim, self.dim)


def _magnus_steps(
    model: DrivenModel, amplitude: np.ndarray, frequency: np.ndarray, t0: np.ndarray, h: np.ndarray, n: int, u: np.ndarray
) -> np.ndarray:
    """Advance propagators ``u`` (B, d, d) by ``n`` steps of size ``h`` (B,) from times ``t0`` (B,)."""
    algebra = _MagnusAlgebra(model)
    for step in range(n):
        t = t0[:, None] + (step + _NODES[None, :]) * h[:, None]
        a = model.drive(t, amplitude[:, None], frequency[:, None])
        u = expm_hermitian(algebra.exponent(h, a[:, 0], a[:, 1], a[:, 2])) @ u
    return u


def evolve(
    model: DrivenModel,
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    fractions: np.ndarray | list[float] = (1.0,),
    *,
    steps: int | None = None,
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

    Returns
    -------
    ndarray, shape ``(*batch, len(fractions), d, d)``
    """
    a, w = np.broadcast_arrays(check_finite("amplitude", amplitude), check_positive("frequency", frequency))
    f = check_positive("fractions", np.atleast_1d(fractions), allow_zero=True)
    if f.ndim != 1 or np.any(np.diff(f) < 0):
        raise LZSMInputError("fractions must be a 1-D non-decreasing sequence of period fractions >= 0")
    batch = a.shape
    a, w = a.ravel(), w.ravel()
    d = model.dim
    n_per = np.full(a.shape, int(check_positive("steps", steps)), dtype=int) if steps else steps_per_period(model, a, w)
    # group points with similar step counts (rounded up to a factor 2**(1/4) ladder)
    ladder = np.ceil(2 ** (np.ceil(4 * np.log2(n_per)) / 4)).astype(int)
    out = np.empty((a.size, f.size, d, d), dtype=complex)
    for n_group in np.unique(ladder):
        idx = np.nonzero(ladder == n_group)[0]
        period = 2 * np.pi / w[idx]
        u = np.broadcast_to(np.eye(d, dtype=complex), (idx.size, d, d)).copy()
        done = 0.0
        for k, fk in enumerate(f):
            span = fk - done
            n_seg = max(int(np.ceil(n_group * span - 1e-9)), 1) if span > 0 else 0
            if n_seg:
                u = _magnus_steps(model, a[idx], w[idx], done * period, span * period / n_seg, n_seg, u)
            out[idx, k] = u
            done = fk
    return out.reshape(batch + (f.size, d, d))


def period_propagator(
    model: DrivenModel, amplitude: np.ndarray | float, frequency: np.ndarray | float, *, steps: int | None = None
) -> np.ndarray:
    r"""One-period propagator :math:`U(T)`, shape ``(*batch, d, d)`` (see :func:`evolve`).

    With a model ``parity`` :math:`S` only half a period is integrated:
    :math:`U(T) = (S\,U(T/2))^2`.
    """
    if model.parity is None:
        return evolve(model, amplitude, frequency, (1.0,), steps=steps)[..., 0, :, :]
    half = model.parity @ evolve(model, amplitude, frequency, (0.5,), steps=steps)[..., 0, :, :]
    return half @ half


def static_propagator(hamiltonian: np.ndarray, times: np.ndarray | float) -> np.ndarray:
    r""":math:`\exp(-i H t)` for a static Hermitian ``hamiltonian``, batched over ``times`` (t >= 0 or any real)."""
    t = check_finite("times", times)
    k = np.asarray(hamiltonian, dtype=complex) * t[..., None, None]
    return expm_hermitian(k)

