r"""Compiled (numba) kernels of the sixth-order Magnus propagator; private to :mod:`lzsm_gates.propagate`.

The kernels integrate :math:`H(t) = H_0 + a(t)V`, :math:`a(t) = c + A\sin(\omega t + \phi_0)`
(:math:`\phi_0 = \pi/2` for a cosine drive, :math:`c` a per-point static offset), with the step rule
and exponent of :mod:`lzsm_gates.propagate`.  The Hermitian step exponent :math:`K = i\Omega` is a
fixed linear combination

.. math::

    K = \sum_{m=0}^{10} \mu_m(b_1, b_2, b_3)\, C_m(h)

of eleven per-segment matrices :math:`C_m(h)` (powers of :math:`h` times the commutator table of
:math:`H_0, V`, built by :func:`segment_columns` from the fourteen fixed matrices ``basis``) with
the monomials :math:`\mu = (1,\ b_1 + b_3/12,\ \hat y_i \hat z_j)`,
:math:`\hat y = (1, 20 b_1 + b_3, b_2)`, :math:`\hat z = (b_2, b_3, b_1 b_2)` of the Gauss-Legendre
combinations :math:`b_1 = a_2`, :math:`b_2 = \tfrac{\sqrt{15}}{3}(a_3 - a_1)`,
:math:`b_3 = \tfrac{10}{3}(a_3 - 2a_2 + a_1)` (see ``propagate._magnus_basis``).

* d = 2 (:func:`evolve_su2`): ``basis`` holds the real Pauli coordinates
  :math:`(k_0, k_x, k_y, k_z)` of each matrix; a step is the quaternion
  :math:`e^{-iK} = e^{-ik_0}(\cos|k| - i\,\mathrm{sinc}|k|\,\vec k\cdot\vec\sigma)`, applied with the
  16-multiplication quaternion product; no complex matrix arithmetic.
* general d (:func:`evolve_dense`): :math:`e^{-iK}` by a Taylor polynomial (Horner form) with scaling
  and squaring.  With :math:`\theta = \|K\|_1/2^s \le 1/2` (the 1-norm bounds the spectral norm of
  a Hermitian matrix) the degree :math:`m` is the smallest with the remainder bound
  :math:`\theta^{m+1}/(m+1)!\,/(1 - \theta/(m+2)) \le 2^{-53}`; each of the :math:`2^s` factors
  then errs by at most :math:`2^{-53}` in operator norm.

The node values :math:`\sin(\omega t + \phi_0)` of consecutive steps follow by an exact rotation
recurrence, reseeded from ``sin``/``cos`` every :data:`RESEED` steps (the recurrence drifts by
about one rounding error per step).  All kernels release the GIL and work on the points listed in
``index``, so that callers can split a batch over threads; compiled code is cached on disk.
"""

from __future__ import annotations

import math

import numpy as np

try:
    import numba
except ImportError:  # the numpy route of lzsm_gates.propagate uses the plain helpers below
    numba = None

RESEED = 32
_SQRT15 = math.sqrt(15.0)
_C1 = 0.5 - _SQRT15 / 10
_C3 = 0.5 + _SQRT15 / 10
_TOL = 2.0**-53


def segment_columns(basis: np.ndarray, h: float, columns: np.ndarray) -> None:
    """The eleven per-segment matrices :math:`C_m(h)` from the fourteen fixed ones.

    Plain numpy code (``h`` may be an array broadcasting against ``basis[0]``), compiled for the kernels.
    """
    columns[0] = h * basis[0]
    columns[1] = h * basis[1]
    for i in range(3):
        e = 1 if i < 2 else 2
        he = h**e
        columns[2 + 3 * i] = he * h * basis[2 + 4 * i] + he * h**3 * basis[4 + 4 * i]
        columns[3 + 3 * i] = he * h * h * basis[3 + 4 * i]
        columns[4 + 3 * i] = he * h**3 * basis[5 + 4 * i]


def step_monomials(a1: float, a2: float, a3: float, mu: np.ndarray) -> None:
    r"""The eleven scalars :math:`\mu_m` of one step from the drive values at the three nodes (scalars or arrays)."""
    b1 = a2
    b2 = (_SQRT15 / 3) * (a3 - a1)
    b3 = (10.0 / 3) * (a3 - 2 * a2 + a1)
    y1 = 20 * b1 + b3
    z2 = b1 * b2
    mu[0] = 1.0
    mu[1] = b1 + b3 / 12
    mu[2] = b2
    mu[3] = b3
    mu[4] = z2
    mu[5] = y1 * b2
    mu[6] = y1 * b3
    mu[7] = y1 * z2
    mu[8] = b2 * b2
    mu[9] = b2 * b3
    mu[10] = b2 * z2


#: True when the kernels below are compiled (numba importable); otherwise they are never called.
compiled = numba is not None
_jit = numba.njit(cache=True, nogil=True, error_model="numpy") if compiled else (lambda fn: fn)
_segment_columns = _jit(segment_columns)
_step_monomials = _jit(step_monomials)


@_jit
def _seed(omega: float, phase: float, t: float, h: float, sines: np.ndarray, cosines: np.ndarray) -> None:
    """sin/cos of the drive phase at the three nodes of the step starting at ``t``."""
    for j, c in enumerate((_C1, 0.5, _C3)):
        theta = omega * (t + c * h) + phase
        sines[j] = math.sin(theta)
        cosines[j] = math.cos(theta)


@_jit
def _advance(rot_c: float, rot_s: float, sines: np.ndarray, cosines: np.ndarray) -> None:
    """Rotate the three node phases by one step (angle omega h)."""
    for j in range(3):
        s, c = sines[j], cosines[j]
        sines[j] = s * rot_c + c * rot_s
        cosines[j] = c * rot_c - s * rot_s


@_jit
def evolve_su2(
    basis: np.ndarray,
    phase: float,
    offset: np.ndarray,
    amplitude: np.ndarray,
    frequency: np.ndarray,
    steps: np.ndarray,
    fractions: np.ndarray,
    index: np.ndarray,
    out: np.ndarray,
) -> None:
    r"""d = 2: ``out[p, k]`` = :math:`U(f_k T)` for each point ``p`` in ``index`` (quaternion arithmetic).

    ``basis`` (14, 4) holds the Pauli coordinates :math:`(k_0, k_x, k_y, k_z)` of the fixed matrices.
    """
    columns = np.empty((11, 4))
    mu = np.empty(11)
    sines = np.empty(3)
    cosines = np.empty(3)
    for p in index:
        w = frequency[p]
        period = 2 * math.pi / w
        q0, qx, qy, qz, phi = 1.0, 0.0, 0.0, 0.0, 0.0
        done = 0.0
        for k in range(fractions.size):
            span = fractions[k] - done
            n_seg = max(int(math.ceil(steps[p] * span - 1e-9)), 1) if span > 0 else 0
            if n_seg > 0:
                h = span * period / n_seg
                t0 = done * period
                _segment_columns(basis, h, columns)
                rot_c, rot_s = math.cos(w * h), math.sin(w * h)
                for s in range(n_seg):
                    if s % RESEED == 0:
                        _seed(w, phase, t0 + s * h, h, sines, cosines)
                    else:
                        _advance(rot_c, rot_s, sines, cosines)
                    a = amplitude[p]
                    c = offset[p]
                    _step_monomials(c + a * sines[0], c + a * sines[1], c + a * sines[2], mu)
                    k0 = kx = ky = kz = 0.0
                    for m in range(11):
                        k0 += mu[m] * columns[m, 0]
                        kx += mu[m] * columns[m, 1]
                        ky += mu[m] * columns[m, 2]
                        kz += mu[m] * columns[m, 3]
                    norm = math.sqrt(kx * kx + ky * ky + kz * kz)
                    if norm > 1e-4:
                        sinc = math.sin(norm) / norm
                    else:
                        sinc = 1.0 - norm * norm / 6 * (1.0 - norm * norm / 20)
                    e0 = math.cos(norm)
                    ex, ey, ez = sinc * kx, sinc * ky, sinc * kz
                    # (e0 - i e.s)(q0 - i q.s) = (e0 q0 - e.q) - i (e0 q + q0 e + e x q).s
                    n0 = e0 * q0 - ex * qx - ey * qy - ez * qz
                    nx = e0 * qx + q0 * ex + ey * qz - ez * qy
                    ny = e0 * qy + q0 * ey + ez * qx - ex * qz
                    nz = e0 * qz + q0 * ez + ex * qy - ey * qx
                    q0, qx, qy, qz = n0, nx, ny, nz
                    phi += k0
            done = fractions[k]
            scale = 1.0 / math.sqrt(q0 * q0 + qx * qx + qy * qy + qz * qz)
            g = complex(math.cos(phi), -math.sin(phi)) * scale
            out[p, k, 0, 0] = g * complex(q0, -qz)
            out[p, k, 0, 1] = g * complex(-qy, -qx)
            out[p, k, 1, 0] = g * complex(qy, -qx)
            out[p, k, 1, 1] = g * complex(q0, qz)


@_jit
def expm_minus_i(k: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> None:
    r""":math:`e^{-iK}` of a Hermitian ``k`` into ``out`` (Taylor + scaling and squaring, see module docstring)."""
    d = k.shape[0]
    norm = 0.0
    for j in range(d):
        col = 0.0
        for i in range(d):
            col += abs(k[i, j])
        norm = max(norm, col)
    squarings = 0
    while norm > 0.5:
        norm *= 0.5
        squarings += 1
    degree = 1
    term = norm * norm / 2  # theta^(m+1)/(m+1)! for m = 1
    while term / (1.0 - norm / (degree + 2)) > _TOL:
        degree += 1
        term *= norm / (degree + 1)
    x = k * complex(0.0, -(0.5**squarings))
    # Horner: T = I + X/1 (I + X/2 (I + ... (I + X/m)))
    for i in range(d):
        for j in range(d):
            out[i, j] = 1.0 if i == j else 0.0
    for n in range(degree, 0, -1):
        np.dot(x, out, tmp)
        for i in range(d):
            for j in range(d):
                out[i, j] = tmp[i, j] / n + (1.0 if i == j else 0.0)
    for _ in range(squarings):
        np.dot(out, out, tmp)
        out[:, :] = tmp


@_jit
def evolve_dense(
    basis: np.ndarray,
    phase: float,
    offset: np.ndarray,
    amplitude: np.ndarray,
    frequency: np.ndarray,
    steps: np.ndarray,
    fractions: np.ndarray,
    index: np.ndarray,
    out: np.ndarray,
) -> None:
    r"""General d: ``out[p, k]`` = :math:`U(f_k T)` for each point ``p`` in ``index``.

    ``basis`` (14, d, d) holds the fixed Hermitian matrices (complex).
    """
    d = basis.shape[1]
    columns = np.empty((11, d, d), dtype=np.complex128)
    mu = np.empty(11)
    sines = np.empty(3)
    cosines = np.empty(3)
    kmat = np.empty((d, d), dtype=np.complex128)
    step = np.empty((d, d), dtype=np.complex128)
    tmp = np.empty((d, d), dtype=np.complex128)
    u = np.empty((d, d), dtype=np.complex128)
    for p in index:
        w = frequency[p]
        period = 2 * math.pi / w
        u[:, :] = 0.0
        for i in range(d):
            u[i, i] = 1.0
        done = 0.0
        for k in range(fractions.size):
            span = fractions[k] - done
            n_seg = max(int(math.ceil(steps[p] * span - 1e-9)), 1) if span > 0 else 0
            if n_seg > 0:
                h = span * period / n_seg
                t0 = done * period
                _segment_columns(basis, h, columns)
                rot_c, rot_s = math.cos(w * h), math.sin(w * h)
                for s in range(n_seg):
                    if s % RESEED == 0:
                        _seed(w, phase, t0 + s * h, h, sines, cosines)
                    else:
                        _advance(rot_c, rot_s, sines, cosines)
                    a = amplitude[p]
                    c = offset[p]
                    _step_monomials(c + a * sines[0], c + a * sines[1], c + a * sines[2], mu)
                    for i in range(d):
                        for j in range(d):
                            acc = 0j
                            for m in range(11):
                                acc += mu[m] * columns[m, i, j]
                            kmat[i, j] = acc
                    expm_minus_i(kmat, step, tmp)
                    np.dot(step, u, tmp)
                    u[:, :] = tmp
            done = fractions[k]
            out[p, k] = u
