r"""Time-dependent Floquet-Born-Markov (Redfield) generator of a periodic drive, and its propagation.

Master equation
---------------
Each system operator :math:`X` couples to its own bath
(:math:`H_{SB} = \sum X\otimes B`, :mod:`lzsm_gates.baths`).  The Born-Markov
(Redfield) equation of a driven system in the lab frame is

.. math::

    \dot\rho = -i[H(t), \rho] - \sum_X \big[X,\ \Lambda(t)\rho - \rho\Lambda(t)^\dagger\big],
    \qquad
    \Lambda(t) = \int_0^\infty d\tau\, C(\tau)\, U(t, t-\tau)\, X\, U(t, t-\tau)^\dagger ,

with the bath correlation :math:`C(\tau) = \int d\omega\, g(\omega) e^{-i\omega\tau}`.
In the Floquet basis (:mod:`lzsm_gates.floquet`),
:math:`\langle u_a(t)|X|u_b(t)\rangle = \sum_k X_{ab,k} e^{-ik\omega t}` and
:math:`U(t, t-\tau)` contributes :math:`e^{i\nu_{abk}\tau}`,
:math:`\nu_{abk} = \varepsilon_b - \varepsilon_a + k\omega`, so that
:math:`\int_0^\infty C(\tau)e^{i\nu\tau}d\tau = \pi g(\nu) + i\Delta(\nu)`
(:meth:`~lzsm_gates.baths.Bath.lamb_shift`) gives

.. math::

    \Lambda_F(t) = \sum_k Y_k e^{-ik\omega t}, \qquad
    (Y_k)_{ab} = \big[\pi g(\nu_{abk}) + i\Delta(\nu_{abk})\big] X_{ab,k},
    \qquad X_F(t) = \sum_k X_k e^{-ik\omega t},

and the Floquet-frame density matrix
:math:`\rho_F(t) = \langle u_a(t)|\rho(t)|u_b(t)\rangle` obeys

.. math::

    \dot\rho_F = -i[E, \rho_F] + \sum_X \Big(\Lambda_F\rho_F X_F + X_F\rho_F\Lambda_F^\dagger
                 - X_F\Lambda_F\rho_F - \rho_F\Lambda_F^\dagger X_F\Big)
               = \mathcal L(t)\rho_F ,

:math:`E = \mathrm{diag}(\varepsilon_a)`.  :math:`\mathcal L(t)` is
:math:`T`-periodic, :math:`\mathcal L(t) = \sum_Q \mathcal L^Q e^{-iQ\omega t}`;
its period average :math:`\mathcal L^0` (without :math:`\Delta`) is
:meth:`~lzsm_gates.floquet.FloquetBasis.redfield_tensor`.  The principal
part :math:`\Delta` (Lamb shift) is optional, as in QuTiP and the papers.

The full generator keeps the :math:`Q \ne 0` terms, which change the state
after a period at first order in the coupling (their secular parts average
out, so the average gate fidelity does not change at first order).  It is
integrated with the fourth-order Magnus scheme on the two Gauss-Legendre
nodes :math:`t_n + (\tfrac12\mp\tfrac{\sqrt3}{6})h`,

.. math::

    \mathcal P(t_n + h) = \exp\Big(\tfrac h2(\mathcal L_1 + \mathcal L_2)
        + \tfrac{\sqrt3}{12}h^2[\mathcal L_2, \mathcal L_1]\Big)\,\mathcal P(t_n),

with a step resolving the highest significant harmonic of :math:`\mathcal L(t)`.

Markov validity
---------------
The Markov step replaces :math:`\int_0^t` by :math:`\int_0^\infty`: it needs
the bath to forget the drive's switch-on within a small part of the period.
:attr:`FloquetRedfield.memory_time` is the bath memory time at the
transition frequencies the drive probes
(:meth:`~lzsm_gates.baths.Bath.memory_time`, weights :math:`|X_{ab,k}|^2`);
:func:`check_markov` warns (:class:`MarkovWarning`) when it exceeds
``MARKOV_WARN`` of the period and refuses above ``MARKOV_REFUSE``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .baths import Bath
from .floquet import SIDEBAND_TOL, Coupling, FloquetBasis, _warn_truncation, default_kmax, floquet_basis
from .floquet import _couplings as validated_couplings
from .models import DrivenModel
from .propagate import evolve
from .units import LZSMInputError, LZSMWarning, check_finite, check_integer, check_positive
from .version import Provenance

__all__ = [
    "MARKOV_REFUSE",
    "MARKOV_WARN",
    "FloquetRedfield",
    "MarkovWarning",
    "check_markov",
    "expm_batch",
    "floquet_redfield",
    "static_redfield",
    "to_lab",
]

#: Memory time / period above which :func:`check_markov` warns.
MARKOV_WARN = 0.3
#: Memory time / period above which :func:`check_markov` refuses.
MARKOV_REFUSE = 1.0
#: Sidebands below this fraction of max |X_ab,k| neither set the Magnus step nor get a Lamb shift computed.
_HARMONIC_TOL = 1e-10
#: h * (bandwidth of L(t)) per Magnus step (error checked by step doubling in the tests).
_PHASE_PER_STEP = 0.5
_SQRT3 = np.sqrt(3.0)


class MarkovWarning(LZSMWarning):
    """The bath memory time is not small compared with the drive period."""


def check_markov(memory_time: float, period: float, *, what: str = "drive") -> float:
    r"""Ratio :math:`\tau_B / T` of a bath memory time to a drive period, checked.

    Issues a :class:`MarkovWarning` above ``MARKOV_WARN`` and raises
    :class:`~lzsm_gates.units.LZSMInputError` above ``MARKOV_REFUSE``.
    ``what`` names the segment in the messages.
    """
    ratio = float(check_positive("memory_time", memory_time, allow_zero=True)) / float(check_positive("period", period))
    if ratio > MARKOV_REFUSE:
        raise LZSMInputError(
            f"Markov approximation invalid for the {what}: bath memory time {memory_time:.3g} is {ratio:.2g} periods "
            f"(> {MARKOV_REFUSE}); use a faster bath (higher temperature or cutoff) or switch the check off"
        )
    if ratio > MARKOV_WARN:
        warnings.warn(
            f"bath memory time {memory_time:.3g} is {ratio:.2g} of the {what} period (> {MARKOV_WARN}): the Markov "
            "generator is established only after the switch-on transient",
            MarkovWarning,
            stacklevel=3,
        )
    return ratio


def expm_batch(m: np.ndarray) -> np.ndarray:
    r"""Batched :math:`e^{M}`, shape (..., n, n): scaling and squaring of a degree-12 Taylor polynomial.

    Each matrix is scaled by its own :math:`2^{-s}` to :math:`\|M\|_1 \le 1/4`,
    where the truncation error is below :math:`10^{-17}` relative, then squared
    back :math:`s` times.  Much cheaper than SciPy's per-matrix Padé
    approximant for the small Liouvillians here.
    """
    flat = np.asarray(m, dtype=complex).reshape((-1,) + np.shape(m)[-2:])
    eye = np.eye(flat.shape[-1])
    norms = np.max(np.sum(np.abs(flat), axis=-2), axis=-1) if flat.size else np.zeros(0)
    squarings = np.where(norms > 0.25, np.ceil(np.log2(np.maximum(norms, 0.25) / 0.25)), 0).astype(int)
    a = flat / (2.0**squarings)[:, None, None]
    out = np.broadcast_to(eye, flat.shape).astype(complex)
    for k in range(12, 0, -1):  # Horner: 1 + a/1 (1 + a/2 (1 + ...))
        out = eye + (a @ out) / k
    for j in range(int(squarings.max(initial=0))):
        more = squarings > j
        out[more] = out[more] @ out[more]
    return out.reshape(np.shape(m))


def _kron(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Batched Kronecker product of (..., d, d) arrays."""
    d = a.shape[-1]
    return np.einsum("...ij,...kl->...ikjl", a, b).reshape(a.shape[:-2] + (d * d, d * d))


def _dagger(m: np.ndarray) -> np.ndarray:
    return np.conj(np.swapaxes(m, -1, -2))


@dataclass(frozen=True)
class FloquetRedfield(Provenance):
    r"""The periodic Floquet-frame generator :math:`\mathcal L(t)` of one drive (module docstring).

    Build it with :func:`floquet_redfield`.

    Attributes
    ----------
    model : DrivenModel
    basis : FloquetBasis
        Floquet modes of the (single) point :math:`(A, \omega)`.
    sidebands : ndarray, shape ``(n_couplings, 2 kmax + 1, d, d)``
        :math:`X_{ab,k}` of every coupling operator.
    memory : ndarray, shape ``(n_couplings, 2 kmax + 1, d, d)``
        :math:`Y_k` (with the Lamb shift if requested).
    memory_time : float
        Largest bath memory time over the couplings (Markov diagnostic).
    lamb_shift : bool
    """

    model: DrivenModel
    basis: FloquetBasis
    sidebands: np.ndarray
    memory: np.ndarray
    memory_time: float
    lamb_shift: bool

    @property
    def dim(self) -> int:
        """Hilbert-space dimension d."""
        return self.basis.dim

    @property
    def period(self) -> float:
        r"""Drive period :math:`T`."""
        return float(self.basis.period)

    @property
    def kmax(self) -> int:
        """Sideband cutoff."""
        return (self.sidebands.shape[1] - 1) // 2

    def _harmonics(self) -> np.ndarray:
        k = np.arange(-self.kmax, self.kmax + 1)
        return k * float(self.basis.frequency)

    def generator(self, times: np.ndarray | float) -> np.ndarray:
        r""":math:`\hat{\mathcal L}(t)` in the Floquet frame (column stacking), shape ``(*times.shape, d*d, d*d)``."""
        t = check_finite("times", times)
        d = self.dim
        phases = np.exp(-1j * t[..., None] * self._harmonics())  # (..., K)
        x = np.einsum("...k,ckab->c...ab", phases, self.sidebands)
        lam = np.einsum("...k,ckab->c...ab", phases, self.memory)
        eye = np.broadcast_to(np.eye(d, dtype=complex), x.shape)
        energy = np.diag(self.basis.quasienergies).astype(complex)
        out = -1j * (np.kron(np.eye(d), energy) - np.kron(energy, np.eye(d)))
        out = np.broadcast_to(out, t.shape + out.shape).copy()
        terms = (
            _kron(np.swapaxes(x, -1, -2), lam)  # Lambda rho X
            + _kron(lam.conj(), x)  # X rho Lambda^dag
            - _kron(eye, x @ lam)  # X Lambda rho
            - _kron(np.swapaxes(_dagger(lam) @ x, -1, -2), eye)  # rho Lambda^dag X
        )
        return out + np.sum(terms, axis=0)

    def averaged_generator(self) -> np.ndarray:
        r"""Period average :math:`\hat{\mathcal L}^0`: the mean over :math:`4k_\max + 2` equally spaced times (exact)."""
        n = 4 * self.kmax + 2
        return np.mean(self.generator(np.arange(n) * self.period / n), axis=0)

    def steps_per_period(self) -> int:
        """Magnus steps per period: resolves the highest significant harmonic of :math:`\\mathcal L(t)`."""
        weight = np.max(np.abs(self.sidebands), axis=(0, 2, 3))
        significant = np.nonzero(weight > _HARMONIC_TOL * max(float(weight.max()), np.finfo(float).tiny))[0]
        k_eff = int(np.max(np.abs(significant - self.kmax))) if significant.size else 0
        bandwidth = (2 * k_eff + 1) * float(self.basis.frequency)
        return max(16, int(np.ceil(bandwidth * self.period / _PHASE_PER_STEP)))

    def propagators(self, times: np.ndarray | Sequence[float], *, steps: int | None = None) -> np.ndarray:
        r"""Floquet-frame propagators :math:`\mathcal P(t_i)` from 0 to each of ``times`` (Magnus, module docstring).

        Parameters
        ----------
        times : array_like, shape (n,)
            Non-decreasing times :math:`\ge 0` (any number of periods).
        steps : int, optional
            Steps per period (default :meth:`steps_per_period`).

        Returns
        -------
        ndarray, shape ``(n, d*d, d*d)``
        """
        t = check_positive("times", np.atleast_1d(times), allow_zero=True)
        if t.ndim != 1 or np.any(np.diff(t) < 0):
            raise LZSMInputError("times must be a 1-D non-decreasing sequence of times >= 0")
        per = self.steps_per_period() if steps is None else check_integer("steps", steps, minimum=1)
        gaps = np.diff(np.concatenate([[0.0], t]))
        counts = np.where(gaps > 0, np.maximum(np.ceil(gaps * per / self.period - 1e-9), 1), 0).astype(int)
        sizes = np.repeat(gaps / np.maximum(counts, 1), counts)
        first = np.repeat(np.cumsum(counts) - counts, counts)  # index of each step's first sibling
        starts = np.repeat(np.concatenate([[0.0], t[:-1]]), counts) + (np.arange(counts.sum()) - first) * sizes
        d2 = self.dim**2
        out = np.empty((t.size, d2, d2), dtype=complex)
        current = np.eye(d2, dtype=complex)
        if sizes.size:
            nodes = starts[:, None] + sizes[:, None] * (0.5 + np.array([-1.0, 1.0]) * _SQRT3 / 6)
            gen = self.generator(nodes)
            l1, l2 = gen[:, 0], gen[:, 1]
            h = sizes[:, None, None]
            steps_exp = expm_batch(0.5 * h * (l1 + l2) + (_SQRT3 / 12) * h**2 * (l2 @ l1 - l1 @ l2))
        done = 0
        for i, c in enumerate(counts):
            for s in range(done, done + c):
                current = steps_exp[s] @ current
            done += c
            out[i] = current
        return out

    def modes_at(self, times: np.ndarray | Sequence[float]) -> np.ndarray:
        r"""Lab-frame Floquet modes :math:`|u_a(t)\rangle = e^{i\varepsilon_a t}U(t)|u_a(0)\rangle` (columns), shape ``(n, d, d)``."""
        t = check_positive("times", np.atleast_1d(times), allow_zero=True)
        a, w = float(self.basis.amplitude), float(self.basis.frequency)
        u = evolve(self.model, a, w, t / self.period)
        phases = np.exp(1j * t[:, None] * self.basis.quasienergies[None, :])
        return u @ self.basis.modes[0] * phases[:, None, :]

    def period_channel(self, periods: int = 1) -> np.ndarray:
        r"""Lab-frame superoperator of ``periods`` whole periods, :math:`\mathcal B\,\mathcal P(T)^n\,\mathcal B^{-1}`."""
        n = check_integer("periods", periods, minimum=1)
        p = np.linalg.matrix_power(self.propagators([self.period])[0], n)
        return to_lab(p, self.basis.modes[0])


def to_lab(superoperator_floquet: np.ndarray, modes: np.ndarray, modes_after: np.ndarray | None = None) -> np.ndarray:
    r"""Lab-frame superoperator :math:`\mathcal B' S \mathcal B^{-1}`, :math:`\mathcal B\rho_F = B\rho_F B^\dagger`.

    ``modes`` (d, d) is the mode matrix :math:`B` at the start, ``modes_after``
    (default ``modes``; may carry leading batch axes) the one at the end.
    Column stacking: :math:`\mathrm{vec}(B\rho B^\dagger) = (B^*\otimes B)\,\mathrm{vec}\,\rho`.
    """
    after = modes if modes_after is None else modes_after
    return _kron(np.conj(after), after) @ superoperator_floquet @ _kron(modes.T, _dagger(modes))


def floquet_redfield(
    model: DrivenModel,
    amplitude: float,
    frequency: float,
    couplings: Coupling | Sequence[Coupling],
    *,
    kmax: int | None = None,
    lamb_shift: bool = False,
    sideband_tol: float = SIDEBAND_TOL,
) -> FloquetRedfield:
    r"""Time-dependent Floquet-Born-Markov generator of the drive :math:`(A, \omega)` on ``model``.

    Parameters
    ----------
    model : DrivenModel
    amplitude, frequency : float
        :math:`A` and :math:`\omega > 0` (one point).
    couplings : (operator, Bath) or sequence of them
        Each operator with its own, independent bath.
    kmax : int, optional
        Sideband cutoff (default :func:`~lzsm_gates.floquet.default_kmax`).
    lamb_shift : bool
        Include the principal part :math:`\Delta(\nu)` (needs baths that decay at high frequency).
    sideband_tol : float
        Truncation weight above which a :class:`~lzsm_gates.floquet.FloquetWarning` is issued.

    Returns
    -------
    FloquetRedfield
    """
    a = float(check_finite("amplitude", amplitude))
    w = float(check_positive("frequency", frequency))
    channels = validated_couplings(couplings, model.dim)
    k = default_kmax(model, a, w) if kmax is None else kmax
    basis = floquet_basis(model, a, w, kmax=k)
    return _redfield_from_basis(model, basis, channels, k, lamb_shift, sideband_tol)


def static_redfield(model: DrivenModel, couplings: Coupling | Sequence[Coupling], *, lamb_shift: bool = False) -> FloquetRedfield:
    r"""The time-independent Bloch-Redfield generator of :math:`H_0` alone, in the eigenbasis of :math:`H_0`.

    At :math:`A = 0` with a formal frequency above twice the largest :math:`|E_a|`
    no energy is folded and the modes are the eigenstates of :math:`H_0`:
    only :math:`k = 0` survives and :math:`\mathcal L(t) = \mathcal L^0` is constant.
    """
    channels = validated_couplings(couplings, model.dim)
    energies, vectors = np.linalg.eigh(model.static)
    frequency = 4.0 * max(float(np.abs(energies).max()), 1.0)
    modes = np.broadcast_to(vectors, (4,) + vectors.shape)
    basis = FloquetBasis(np.asarray(0.0), np.asarray(frequency), energies, modes)
    return _redfield_from_basis(model, basis, channels, 1, lamb_shift, SIDEBAND_TOL)


def _redfield_from_basis(
    model: DrivenModel,
    basis: FloquetBasis,
    channels: list[tuple[np.ndarray, Bath]],
    kmax: int,
    lamb_shift: bool,
    sideband_tol: float,
) -> FloquetRedfield:
    """Sidebands, memory operators Y_k (module docstring) and memory time of validated couplings on one basis point."""
    if not isinstance(lamb_shift, bool):
        raise LZSMInputError(f"lamb_shift must be True or False, got {lamb_shift!r}")
    nu = basis.transition_frequencies(kmax)
    sidebands, memory, times = [], [], []
    worst = 0.0
    for op, bath in channels:
        x, truncation = basis.fourier_components(op, kmax)
        worst = max(worst, float(truncation))
        weight = np.abs(x) ** 2
        y = np.pi * bath.spectrum(nu) * x
        if lamb_shift:
            keep = np.abs(x) > _HARMONIC_TOL * max(float(np.abs(x).max()), np.finfo(float).tiny)
            shift = np.zeros(nu.shape)
            shift[keep] = bath.lamb_shift(nu[keep])
            y = y + 1j * shift * x
        sidebands.append(x)
        memory.append(y)
        times.append(bath.memory_time(nu, weight))
    _warn_truncation(np.asarray(worst), sideband_tol, kmax, basis.n_times)
    return FloquetRedfield(
        model=model,
        basis=basis,
        sidebands=np.array(sidebands),
        memory=np.array(memory),
        memory_time=float(max(times)),
        lamb_shift=lamb_shift,
    )
