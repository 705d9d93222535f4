r"""Compiled (numba) kernels of the sixth-order Magnus propagator; private to :mod:`lzsm_gates.propagate`.

The kernels integrate :math:`H(t) = H_0 + a(t)V`, :math:`a(t) = c + A\sin(\omega t + \phi_0)`
(:math:`\phi_0 = \pi/2` for a cosine drive, :math:`c` a per-point static offset), with the step rule
and exponent of :mod:`lzsm_gates.propagate`.  The Hermitian step exponent :math:`K = i\Omega` is

.. math::

    K = \sum_{j=0}^{13} \nu_j(h, a_1, a_2, a_3)\, B_j

with the fourteen fixed matrices ``basis`` :math:`B_j` of the model (``propagate._MagnusAlgebra``)
and the scalar weights of :func:`step_weights`.

* d = 2 (:func:`evolve_su2`): ``basis`` holds the real Pauli coordinates
  :math:`(k_0, k_x, k_y, k_z)` of each matrix; a step is the quaternion
  :math:`e^{-iK} = e^{-ik_0}(\cos|k| - i\,\mathrm{sinc}|k|\,\vec k\cdot\vec\sigma)`, applied with the
  16-multiplication quaternion product; no complex matrix arithmetic.
* general d (:func:`evolve_dense`): :math:`e^{-iK}` by a Taylor polynomial (Paterson-Stockmeyer
  form) with scaling and squaring.  Let :math:`\theta = \beta/2^s \le 1/2`, where :math:`\beta`, the
  largest column sum of :math:`|\mathrm{Re}\,K_{ij}| + |\mathrm{Im}\,K_{ij}|`, bounds the 1-norm
  and hence the spectral norm of the Hermitian :math:`K`.  The degree :math:`m` is the smallest
  multiple of 4 with the remainder bound :math:`\theta^{m+1}/(m+1)!\,/(1 - \theta/(m+2)) \le 2^{-53}`,
  so each of the :math:`2^s` factors errs by at most :math:`2^{-53}` in operator norm.

The node values :math:`\sin(\omega t + \phi_0)` of consecutive steps follow by an exact rotation
recurrence, reseeded from ``sin``/``cos`` every :data:`RESEED` steps and whenever the step size
changes (the recurrence drifts by about one rounding error per step); consecutive output segments
with equal steps (a Floquet time grid) continue it.  All kernels release the GIL and work on the points listed in
``index``, so that callers can split a batch over threads; compiled code is cached on disk.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Callable

import numpy as np

__all__: list[str] = []  # private: the compiled kernels behind lzsm_gates.propagate and lzsm_gates.floquet

try:
    import numba
except ImportError:  # the numpy route of lzsm_gates.propagate uses the plain helpers below
    numba = None

RESEED = 32
_SQRT15 = math.sqrt(15.0)
_C1 = 0.5 - _SQRT15 / 10
_C3 = 0.5 + _SQRT15 / 10
_TOL = 2.0**-53
_COS_TAYLOR = tuple((-1) ** m / math.factorial(2 * m) for m in range(9))
_SINC_TAYLOR = tuple((-1) ** m / math.factorial(2 * m + 1) for m in range(9))
_FACTORIALS = tuple(float(math.factorial(n)) for n in range(41))


def step_weights(h: float, a1: float, a2: float, a3: float, nu: np.ndarray) -> None:
    r"""The fourteen weights :math:`\nu_j` of :math:`K = \sum_j \nu_j B_j` for one step.

    From the step :math:`h` and the drive coefficients :math:`a_{1,2,3}` at the three Gauss nodes:
    :math:`\nu_0 = h`, :math:`\nu_1 = h(b_1 + b_3/12)`, :math:`\nu_{2+4i+j} = y_i z_j` with
    :math:`y = (h,\ h(20b_1 + b_3),\ h^2 b_2)`, :math:`z = (hb_2,\ h^2b_3,\ h^3b_2,\ h^3b_1b_2)`.
    Plain arithmetic, so it serves scalars (compiled kernels) and arrays (numpy route) alike.
    """
    b1 = a2
    b2 = (_SQRT15 / 3) * (a3 - a1)
    b3 = (10.0 / 3) * (a3 - 2 * a2 + a1)
    h2 = h * h
    h3 = h2 * h
    y = (h, h * (20 * b1 + b3), h2 * b2)
    z = (h * b2, h2 * b3, h3 * b2, h3 * b1 * b2)
    nu[0] = h
    nu[1] = h * (b1 + b3 / 12)
    for i in range(3):
        for j in range(4):
            nu[2 + 4 * i + j] = y[i] * z[j]


#: Batches with less work than this (about point-steps) run on the calling thread (a hand-off costs ~50 us).
PARALLEL_MIN_WORK = 200_000
_POOL: dict[int, ThreadPoolExecutor] = {}


@lru_cache(maxsize=1)
def workers() -> int:
    """Cores available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _thread_pool(n: int) -> ThreadPoolExecutor:
    """A pool of ``n`` threads owned by this process (a forked child makes its own)."""
    pid = os.getpid()
    if pid not in _POOL:
        _POOL.clear()
        _POOL[pid] = ThreadPoolExecutor(n, thread_name_prefix="lzsm-kernels")
    return _POOL[pid]


def run_split(kernel: Callable[..., None], args: tuple[Any, ...], out: np.ndarray, size: int, work: float) -> None:
    """Call ``kernel(*args, index, out)`` over the points ``0..size-1``, in threads when ``work`` is large.

    Thread ``t`` of ``n`` gets the points ``t, t + n, ...`` (neighbouring points cost about the same,
    so the interleaving balances the load).  The kernels release the GIL.
    """
    threads = min(workers(), size)
    if threads < 2 or work < PARALLEL_MIN_WORK:
        kernel(*args, np.arange(size), out)
        return
    pool = _thread_pool(threads)
    jobs = [pool.submit(kernel, *args, np.arange(t, size, threads), out) for t in range(threads)]
    for job in jobs:
        job.result()


#: True when the kernels below are compiled (numba importable); otherwise they are never called.
compiled = numba is not None
_jit = numba.njit(cache=True, nogil=True, error_model="numpy") if compiled else (lambda fn: fn)
_step_weights = _jit(step_weights)


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
def _segment(
    steps: float, span: float, period: float, omega: float, h_prev: float, since_seed: int, rot: np.ndarray
) -> tuple[int, float, float, int]:
    """Steps and step size of an output segment covering ``span`` of the period, under the step rule.

    A new step size (not a rounding difference) sets the node-phase rotation ``rot`` and forces a reseed;
    segments of equal steps continue the recurrence.  Returns ``(n_seg, h, h_prev, since_seed)``.
    """
    n_seg = max(int(math.ceil(steps * span - 1e-9)), 1) if span > 0 else 0
    h = span * period / max(n_seg, 1)
    if abs(h - h_prev) > 1e-12 * h:
        rot[0], rot[1] = math.cos(omega * h), math.sin(omega * h)
        return n_seg, h, h, RESEED
    return n_seg, h, h_prev, since_seed


@_jit
def _node_weights(
    omega: float, phase: float, t: float, h: float, since_seed: int, rot: np.ndarray, offset: float, amplitude: float,
    sines: np.ndarray, cosines: np.ndarray, nu: np.ndarray,
) -> int:
    """The 14 Magnus weights ``nu`` of the step starting at ``t``; returns the steps since the last reseed.

    The node phases are reseeded from sin/cos every :data:`RESEED` steps and rotated by one step otherwise.
    """
    if since_seed >= RESEED:
        _seed(omega, phase, t, h, sines, cosines)
        since_seed = 0
    else:
        _advance(rot[0], rot[1], sines, cosines)
    _step_weights(h, offset + amplitude * sines[0], offset + amplitude * sines[1], offset + amplitude * sines[2], nu)
    return since_seed + 1


@_jit
def _cos_sinc(x: float) -> tuple[float, float]:
    r""":math:`\cos n` and :math:`\sin n / n` of :math:`n = \sqrt{x}`.

    For :math:`n \le 1/2` (every step of the step rule) by their Taylor series through :math:`n^{16}`
    (remainder below :math:`0.5^{18}/18! < 10^{-21}`), else from ``math``.
    """
    if x > 0.25:
        n = math.sqrt(x)
        return math.cos(n), math.sin(n) / n
    c, s = _COS_TAYLOR, _SINC_TAYLOR  # Horner in x = n^2
    cos = c[0] + x * (c[1] + x * (c[2] + x * (c[3] + x * (c[4] + x * (c[5] + x * (c[6] + x * (c[7] + x * c[8])))))))
    sinc = s[0] + x * (s[1] + x * (s[2] + x * (s[3] + x * (s[4] + x * (s[5] + x * (s[6] + x * (s[7] + x * s[8])))))))
    return cos, sinc


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
    nu = np.empty(14)
    sines = np.empty(3)
    cosines = np.empty(3)
    rot = np.empty(2)  # cos, sin of the node-phase rotation by one step
    for p in index:
        w = frequency[p]
        a = amplitude[p]
        c = offset[p]
        period = 2 * math.pi / w
        q0, qx, qy, qz, phi = 1.0, 0.0, 0.0, 0.0, 0.0
        done = 0.0
        h_prev, since_seed = -1.0, RESEED
        for k in range(fractions.size):
            n_seg, h, h_prev, since_seed = _segment(steps[p], fractions[k] - done, period, w, h_prev, since_seed, rot)
            for s in range(n_seg):
                since_seed = _node_weights(w, phase, done * period + s * h, h, since_seed, rot, c, a, sines, cosines, nu)
                k0 = kx = ky = kz = 0.0
                for m in range(14):
                    k0 += nu[m] * basis[m, 0]
                    kx += nu[m] * basis[m, 1]
                    ky += nu[m] * basis[m, 2]
                    kz += nu[m] * basis[m, 3]
                e0, sinc = _cos_sinc(kx * kx + ky * ky + kz * kz)
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
def _matmul(x: np.ndarray, y: np.ndarray, out: np.ndarray) -> None:
    """``out = x @ y`` for small square complex matrices (no BLAS call overhead)."""
    d = x.shape[0]
    for i in range(d):
        for j in range(d):
            acc = 0j
            for m in range(d):
                acc += x[i, m] * y[m, j]
            out[i, j] = acc


@_jit
def expm_minus_i(k: np.ndarray, out: np.ndarray, work: np.ndarray) -> None:
    r""":math:`e^{-iK}` of a Hermitian ``k`` into ``out`` (Taylor + scaling and squaring, see module docstring).

    ``work`` has shape (4, d, d).  The Taylor polynomial of degree :math:`m = 4q` is evaluated in
    Paterson-Stockmeyer form, :math:`T = B_0 + X^4(B_1 + X^4(\dots + X^4 B_{q-1}))` with
    :math:`B_j = \sum_{i<4} X^i/(4j+i)!` (plus :math:`X^{4q}/(4q)!` innermost): :math:`q + 3`
    matrix products instead of :math:`m`.
    """
    d = k.shape[0]
    norm = 0.0
    for j in range(d):  # 1-norm bound, with |z| <= |Re z| + |Im z| (no square roots)
        col = 0.0
        for i in range(d):
            col += abs(k[i, j].real) + abs(k[i, j].imag)
        norm = max(norm, col)
    squarings = 0
    while norm > 0.5:
        norm *= 0.5
        squarings += 1
    degree = 1
    term = norm * norm / 2  # theta^(m+1)/(m+1)! for m = 1
    while degree % 4 != 0 or term / (1.0 - norm / (degree + 2)) > _TOL:
        degree += 1
        term *= norm / (degree + 1)
    x, x2, x3, x4 = work[0], work[1], work[2], work[3]
    scale = complex(0.0, -(0.5**squarings))
    for i in range(d):
        for j in range(d):
            x[i, j] = scale * k[i, j]
    _matmul(x, x, x2)
    _matmul(x2, x, x3)
    _matmul(x2, x2, x4)
    blocks = degree // 4
    inv = 1.0 / _FACTORIALS[degree]
    for i in range(d):  # innermost: X^(4q) / (4q)! = X^4 * (I / (4q)!)
        for j in range(d):
            out[i, j] = inv if i == j else 0.0
    for block in range(blocks - 1, -1, -1):
        _matmul(x4, out, x)  # x is free after the powers: reuse as scratch
        f0, f1 = 1.0 / _FACTORIALS[4 * block], 1.0 / _FACTORIALS[4 * block + 1]
        f2, f3 = 1.0 / _FACTORIALS[4 * block + 2], 1.0 / _FACTORIALS[4 * block + 3]
        for i in range(d):
            for j in range(d):
                value = f2 * x2[i, j] + f3 * x3[i, j] + (f0 if i == j else 0.0)
                value += f1 * (scale * k[i, j])
                out[i, j] = value + x[i, j]
    for _ in range(squarings):
        _matmul(out, out, x)
        out[:, :] = x


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
    nu = np.empty(14)
    sines = np.empty(3)
    cosines = np.empty(3)
    rot = np.empty(2)  # cos, sin of the node-phase rotation by one step
    kmat = np.empty((d, d), dtype=np.complex128)
    step = np.empty((d, d), dtype=np.complex128)
    work = np.empty((4, d, d), dtype=np.complex128)
    tmp = np.empty((d, d), dtype=np.complex128)
    u = np.empty((d, d), dtype=np.complex128)
    for p in index:
        w = frequency[p]
        a = amplitude[p]
        c = offset[p]
        period = 2 * math.pi / w
        u[:, :] = 0.0
        for i in range(d):
            u[i, i] = 1.0
        done = 0.0
        h_prev, since_seed = -1.0, RESEED
        for k in range(fractions.size):
            n_seg, h, h_prev, since_seed = _segment(steps[p], fractions[k] - done, period, w, h_prev, since_seed, rot)
            for s in range(n_seg):
                since_seed = _node_weights(w, phase, done * period + s * h, h, since_seed, rot, c, a, sines, cosines, nu)
                for i in range(d):
                    for j in range(d):
                        acc = 0j
                        for m in range(14):
                            acc += nu[m] * basis[m, i, j]
                        kmat[i, j] = acc
                expm_minus_i(kmat, step, work)
                _matmul(step, u, tmp)
                u[:, :] = tmp
            done = fractions[k]
            out[p, k] = u


@_jit
def floquet_modes(
    props: np.ndarray,
    vecs: np.ndarray,
    quasienergies: np.ndarray,
    period: np.ndarray,
    index: np.ndarray,
    modes: np.ndarray,
) -> None:
    r"""Floquet modes ``modes[p, j]`` :math:`= U(t_j)V\,\mathrm{diag}(e^{i\varepsilon_a t_j})`, :math:`t_j = jT/n`.

    ``props[p, j]`` is :math:`U(t_j)`, ``vecs[p]`` the eigenvectors :math:`V` of :math:`U(T)`.  The
    phases advance by multiplication, reseeded every :data:`RESEED` samples.
    """
    n, d = modes.shape[1], modes.shape[2]
    phase = np.empty(d, dtype=np.complex128)
    step = np.empty(d, dtype=np.complex128)
    for p in index:
        for a in range(d):
            angle = quasienergies[p, a] * period[p] / n
            step[a] = complex(math.cos(angle), math.sin(angle))
        for j in range(n):
            if j % RESEED == 0:
                for a in range(d):
                    angle = quasienergies[p, a] * period[p] * j / n
                    phase[a] = complex(math.cos(angle), math.sin(angle))
            for i in range(d):
                for a in range(d):
                    acc = 0j
                    for m in range(d):
                        acc += props[p, j, i, m] * vecs[p, m, a]
                    modes[p, j, i, a] = acc * phase[a]
            for a in range(d):
                phase[a] *= step[a]


@_jit
def reference_overlaps(
    props: np.ndarray, vecs: np.ndarray, reference: np.ndarray, index: np.ndarray, weights: np.ndarray
) -> None:
    r"""``weights[p, i, a]`` :math:`= \frac1n\sum_{j<n}|\langle E_i|U(t_j)|v_a\rangle|^2`.

    :math:`|E_i\rangle` are the columns of ``reference[p]``, :math:`|v_a\rangle` those of ``vecs[p]``.
    """
    n, d = props.shape[1] - 1, props.shape[2]
    rotated = np.empty((d, d), dtype=np.complex128)
    for p in index:
        weights[p] = 0.0
        for j in range(n):
            for i in range(d):
                for m in range(d):
                    acc = 0j
                    for k in range(d):
                        acc += reference[p, k, i].conjugate() * props[p, j, k, m]
                    rotated[i, m] = acc
            for i in range(d):
                for a in range(d):
                    acc = 0j
                    for m in range(d):
                        acc += rotated[i, m] * vecs[p, m, a]
                    weights[p, i, a] += (acc.real * acc.real + acc.imag * acc.imag) / n


@_jit
def sandwich(modes: np.ndarray, operator: np.ndarray, index: np.ndarray, out: np.ndarray) -> None:
    r"""``out[p, j]`` :math:`= M^\dagger X M` with :math:`M` = ``modes[p, j]`` and :math:`X` = ``operator``."""
    n, d = modes.shape[1], modes.shape[2]
    tmp = np.empty((d, d), dtype=np.complex128)
    for p in index:
        for j in range(n):
            for i in range(d):
                for b in range(d):
                    acc = 0j
                    for m in range(d):
                        acc += operator[i, m] * modes[p, j, m, b]
                    tmp[i, b] = acc
            for a in range(d):
                for b in range(d):
                    acc = 0j
                    for i in range(d):
                        acc += modes[p, j, i, a].conjugate() * tmp[i, b]
                    out[p, j, a, b] = acc


@_jit
def period_average(modes: np.ndarray, rho: np.ndarray, index: np.ndarray, out: np.ndarray) -> None:
    r"""Period average ``out[p]`` :math:`= \frac1n\sum_j M_j\rho M_j^\dagger` (``modes[p, j]``, ``rho[p]``)."""
    n, d = modes.shape[1], modes.shape[2]
    tmp = np.empty((d, d), dtype=np.complex128)
    for p in index:
        out[p] = 0.0
        for j in range(n):
            for i in range(d):
                for b in range(d):
                    acc = 0j
                    for a in range(d):
                        acc += modes[p, j, i, a] * rho[p, a, b]
                    tmp[i, b] = acc
            for i in range(d):
                for k in range(d):
                    acc = 0j
                    for b in range(d):
                        acc += tmp[i, b] * modes[p, j, k, b].conjugate()
                    out[p, i, k] += acc / n
