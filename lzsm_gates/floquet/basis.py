r"""The Floquet basis of a driven model and its Floquet-Born-Markov rates and Q = 0 tensor.

The modes and quasienergies (:class:`FloquetBasis`, built by :func:`floquet_basis`) are
described in :mod:`lzsm_gates.floquet.modes`.

Sidebands
---------
The Fourier components of a system operator :math:`X` in the Floquet basis
are defined by

.. math::

    \langle u_a(t)|X|u_b(t)\rangle = \sum_k X_{ab,k}\, e^{-ik\omega t},
    \qquad
    X_{ab,k} = \frac1T\int_0^T dt\, e^{ik\omega t}\langle u_a(t)|X|u_b(t)\rangle ,

evaluated exactly (for a band-limited integrand) by an FFT over the :math:`n`
grid points.  This is the :math:`A^K_{\alpha\beta} = \sum_L\langle
u_\alpha(L)|A|u_\beta(L+K)\rangle` of the O3L paper (App. A); QuTiP's
``_floquet_X_matrices`` stores the same numbers under :math:`-k`.  The
fraction of :math:`\overline{|\langle u_a|X|u_b\rangle|^2}` (Parseval) that
lies outside :math:`|k| \le k_\max` measures the truncation and is checked
against ``sideband_tol`` (:class:`~lzsm_gates.floquet.options.FloquetWarning`).

Rates (secular Floquet-Born-Markov)
-----------------------------------
In the interaction picture :math:`\langle\psi_a|X|\psi_b\rangle =
\sum_k X_{ab,k} e^{-i\nu_{abk}t}` with :math:`\nu_{abk} = \varepsilon_b -
\varepsilon_a + k\omega`, the energy a jump :math:`b \to a` gives to the
bath.  With the noise spectrum :math:`g` of :mod:`lzsm_gates.baths`
(emission at :math:`\nu > 0`) the Born-Markov-secular master equation has the
transition rates (docs: Physics, Sec. 5; O3L paper Eq. C4; gates paper Eq. 49)

.. math::

    \Gamma_{ab} = \sum_{k=-k_\max}^{k_\max} 2\pi\, g(\varepsilon_b - \varepsilon_a + k\omega)\,
    |X_{ab,k}|^2 \qquad (\text{rate } b \to a,\ a \ne b),

which are exactly QuTiP's (``floquet_tensor``, ``FMESolver``):
:math:`\Gamma_{ab}` equals ``_floquet_A_matrix(...)[b, a]`` for
``spectra_cb = bath.spectrum``, ``w_th = 0``, the same ``kmax`` and
``nT = n_times``.  Several coupling operators with independent baths add
their rates.  Principal-value (Lamb-shift) terms are neglected, as in QuTiP
and the papers.

Pure dephasing is where we *differ* from QuTiP.  The secular terms at the
Bohr frequency :math:`k\omega` collect all diagonal elements into one jump
operator :math:`\sum_a X_{aa,k}|a\rangle\langle a|`, so a coherence
:math:`\rho_{ab}` decays with

.. math::

    \Gamma^\varphi_{ab} = \pi\sum_k g(k\omega)\,|X_{aa,k} - X_{bb,k}|^2 ,

plus half the total out-rates of :math:`a` and :math:`b`.  QuTiP's Floquet
tensor treats the :math:`|a\rangle\langle a|` as independent jumps and uses
:math:`\pi\sum_k g(k\omega)(|X_{aa,k}|^2 + |X_{bb,k}|^2)`, which drops the
cross term: for :math:`X = \sigma_z` on a static qubit it gives
:math:`2\pi g(0)`, half the Bloch-Redfield/Lindblad value :math:`4\pi g(0)`
(checked against :func:`qutip.bloch_redfield_tensor` in the tests), and it
wrongly gives dephasing for :math:`X \propto I`.  For a qubit,
:math:`\Gamma_1 = \Gamma_{01} + \Gamma_{10}`, :math:`\Gamma_\varphi =
\Gamma^\varphi_{01}` and :math:`\Gamma_2 = \Gamma_1/2 + \Gamma_\varphi`
(gates paper Eqs. 42, 44).

Secular validity: the approximation drops the coupling of a coherence
:math:`\rho_{ab}` to the populations, which oscillates at
:math:`\varepsilon_a - \varepsilon_b \bmod \omega`.  Near a quasienergy
crossing this frequency becomes comparable to the rates and the secular rates
(with their dips at the crossings) are not trustworthy.
:attr:`FloquetRates.quasienergy_gap` is :math:`\min_{a\ne b}` of the distance of
:math:`\varepsilon_a - \varepsilon_b` from the nearest multiple of :math:`\omega`,
and :attr:`FloquetRates.secular_parameter` = (largest rate) / ``quasienergy_gap``
must be :math:`\ll 1` (:meth:`FloquetRates.near_crossing`).  For d > 2,
coincidences between two coherence frequencies are not flagged; the
non-secular tensor below covers both cases.

Non-secular Q = 0 tensor (O3L paper, App. A, Eqs. A4-A7)
--------------------------------------------------------
Without the secular approximation the Floquet-frame density matrix
:math:`\rho_{ab}(t) = \langle u_a(t)|\rho(t)|u_b(t)\rangle` obeys
:math:`\dot\rho_{ab} = -i(\varepsilon_a - \varepsilon_b)\rho_{ab} -
\sum_{a'b'}\mathcal L_{ab,a'b'}(t)\rho_{a'b'}` with
:math:`\mathcal L(t) = \sum_Q \mathcal L^Q e^{-iQ\omega t}`; keeping the
period average :math:`Q = 0` gives (Eqs. A6-A7, reconstructed: the extracted
text lost the conjugations and the meaning of :math:`g^K`; rederived from the
Born-Markov equation, with our sign conventions)

.. math::

    \dot\rho = -i[E, \rho] + \sum_k \left(Y_k\rho X_k^\dagger + X_k\rho Y_k^\dagger
              - X_k^\dagger Y_k \rho - \rho Y_k^\dagger X_k\right),
    \qquad (Y_k)_{ab} = \pi\, g(\varepsilon_b - \varepsilon_a + k\omega)\, X_{ab,k},

with :math:`E = \mathrm{diag}(\varepsilon_a)`, i.e. the paper's
:math:`R_{\alpha\beta,\alpha'\beta'} = \sum_K g^K_{\alpha\alpha'}A^K_{\alpha\alpha'}(A^K_{\beta\beta'})^*`
with :math:`g^K_{\alpha\alpha'} = \pi g(\varepsilon_{\alpha'} - \varepsilon_\alpha + K\omega)`.
Its population block is the secular rate equation and its diagonal
coherence terms are :math:`-i(\varepsilon_a - \varepsilon_b) - \tfrac12(\Gamma^{out}_a
+ \Gamma^{out}_b) - \Gamma^\varphi_{ab}`; at :math:`A = 0` it is the
Bloch-Redfield tensor.  The superoperator uses column stacking
(:func:`lzsm_gates.lindblad.vec`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

import numpy as np

from ..chrw import fold_quasienergies
from ..models import DrivenModel, check_hermitian
from ..propagate import compiled_backend
from ..units import LZSMInputError, check_finite, check_positive
from .modes import _dagger, _flat_points, _ordered_modes, _sandwich
from .options import (
    SIDEBAND_TOL,
    Coupling,
    FloquetOptions,
    _check_kmax,
    _couplings,
    _default_times,
    _warn_truncation,
    default_kmax,
)
from ..version import Provenance

__all__ = ["FloquetBasis", "FloquetRates", "floquet_basis"]


def _distance_mod(x: np.ndarray, frequency: np.ndarray) -> np.ndarray:
    """Distance of ``x`` from the nearest multiple of ``frequency``."""
    return np.abs(fold_quasienergies(x, frequency))


@dataclass(frozen=True)
class FloquetBasis(Provenance):
    r"""Floquet modes and quasienergies of a driven model on a batch of (A, omega) points.

    Build it with :func:`floquet_basis`.  Index :math:`a` of every array
    follows the :math:`a`-th eigenstate of :math:`H_0` (see :mod:`lzsm_gates.floquet.modes`).

    Attributes
    ----------
    amplitude, frequency : ndarray, shape batch
        :math:`A` and :math:`\omega`.
    quasienergies : ndarray, shape ``(*batch, d)``
        :math:`\varepsilon_a \in (-\omega/2, \omega/2]`.
    modes : ndarray, shape ``(*batch, n, d, d)``
        Column :math:`a` of ``modes[..., j, :, :]`` is :math:`|u_a(t_j)\rangle`,
        :math:`t_j = jT/n` (lab basis).
    options : FloquetOptions, optional
        The settings it was built with (``kmax``, ``n_times`` resolved).
    """

    amplitude: np.ndarray
    frequency: np.ndarray
    quasienergies: np.ndarray
    modes: np.ndarray
    options: FloquetOptions | None = None

    @property
    def dim(self) -> int:
        """Hilbert-space dimension d."""
        return self.modes.shape[-1]

    @property
    def n_times(self) -> int:
        """Number n of time samples per period."""
        return self.modes.shape[-3]

    @property
    def period(self) -> np.ndarray:
        r""":math:`T = 2\pi/\omega`."""
        return 2 * np.pi / self.frequency

    def fourier_components(self, operator: np.ndarray, kmax: int) -> tuple[np.ndarray, np.ndarray]:
        r"""Sidebands :math:`X_{ab,k}`, :math:`|k| \le k_\max`, and their truncation weight.

        Parameters
        ----------
        operator : ndarray, shape (d, d)
            Hermitian :math:`X`.
        kmax : int
            Largest sideband; needs ``n_times >= 2 kmax + 1`` (``4 (kmax + 1)`` recommended).

        Returns
        -------
        components : ndarray, shape ``(*batch, 2 kmax + 1, d, d)``
            ``components[..., kmax + k, a, b]`` :math:`= X_{ab,k}`.
        truncation : ndarray, shape batch
            :math:`\max_{ab}` of the Parseval weight of
            :math:`\langle u_a|X|u_b\rangle` outside :math:`|k|\le k_\max`,
            divided by :math:`\|X\|^2`.
        """
        x = check_hermitian("operator", operator)
        kmax = _check_kmax(kmax)
        if x.shape != (self.dim, self.dim):
            raise LZSMInputError(f"operator has shape {x.shape}, the Floquet basis has dimension {self.dim}")
        if self.n_times < 2 * kmax + 1:
            raise LZSMInputError(
                f"n_times = {self.n_times} samples per period cannot resolve kmax = {kmax} sidebands: "
                f"need n_times >= 2 kmax + 1 = {2 * kmax + 1}"
            )
        xt = _sandwich(self.modes, x)
        spectrum = np.fft.ifft(xt, axis=-3)  # (1/n) sum_j x(t_j) e^{+2 pi i j m / n}
        components = spectrum[..., np.arange(-kmax, kmax + 1) % self.n_times, :, :]
        total = np.mean(np.abs(xt) ** 2, axis=-3)
        kept = np.sum(np.abs(components) ** 2, axis=-3)
        scale = max(np.linalg.norm(x, 2) ** 2, np.finfo(float).tiny)
        truncation = np.max(np.abs(total - kept), axis=(-1, -2)) / scale
        return components, truncation

    def transition_frequencies(self, kmax: int) -> np.ndarray:
        r""":math:`\nu_{abk} = \varepsilon_b - \varepsilon_a + k\omega`, shape ``(*batch, 2 kmax + 1, d, d)``."""
        k = np.arange(-_check_kmax(kmax), kmax + 1)
        e = self.quasienergies
        bohr = e[..., None, :] - e[..., :, None]
        return bohr[..., None, :, :] + (k * self.frequency[..., None])[..., None, None]

    def quasienergy_gap(self) -> np.ndarray:
        r"""Smallest quasienergy spacing :math:`\min_{a\ne b}|\varepsilon_a - \varepsilon_b|` modulo :math:`\omega`.

        Returns shape batch (``inf`` for d = 1).
        """
        e = self.quasienergies
        dist = _distance_mod(e[..., :, None] - e[..., None, :], self.frequency[..., None, None])
        return np.min(np.where(np.eye(self.dim, dtype=bool), np.inf, dist), axis=(-1, -2))

    def to_floquet(self, state: np.ndarray) -> np.ndarray:
        r"""A lab-frame state at :math:`t = 0` (ket or density matrix) in the Floquet basis.

        Returns :math:`\rho_{ab} = \langle u_a(0)|\rho|u_b(0)\rangle`, shape ``(*batch, d, d)``.
        """
        s = np.asarray(state, dtype=complex)
        if s.shape == (self.dim,):
            s = np.outer(s, s.conj())
        if s.shape[-2:] != (self.dim, self.dim):
            raise LZSMInputError(
                f"state must be a ket ({self.dim},) or a density matrix ({self.dim}, {self.dim}), got shape {s.shape}"
            )
        u0 = self.modes[..., 0, :, :]
        return _dagger(u0) @ s @ u0

    def period_average(self, rho_floquet: np.ndarray) -> np.ndarray:
        r"""Lab-frame period average :math:`\frac1T\int_0^T\sum_{ab}\rho_{ab}|u_a(t)\rangle\langle u_b(t)|\,dt`."""
        rho = np.asarray(rho_floquet, dtype=complex)
        n, d = self.n_times, self.dim
        kernels = compiled_backend()
        if kernels is not None:
            batch = np.broadcast_shapes(self.modes.shape[:-3], rho.shape[:-2])
            modes = self.modes if self.modes.shape[:-3] == batch else np.broadcast_to(self.modes, batch + (n, d, d))
            args = _flat_points(batch, modes, np.broadcast_to(rho, batch + (d, d)))
            out = np.empty((args[0].shape[0], d, d), dtype=complex)
            kernels.run_split(kernels.period_average, args, out, out.shape[0], out.size * n * d)
            return out.reshape(batch + (d, d))
        # numpy: sum_j (u_j rho) u_j^dag as one (d, n d) x (n d, d) product per point
        product = self.modes @ rho[..., None, :, :]
        left = np.moveaxis(product, -2, -3).reshape(product.shape[:-3] + (d, n * d))
        right = np.conj(np.moveaxis(self.modes, -2, -1)).reshape(self.modes.shape[:-3] + (n * d, d))
        return left @ right / n

    def rates(
        self, couplings: Coupling | Sequence[Coupling], kmax: int, *, sideband_tol: float = SIDEBAND_TOL
    ) -> "FloquetRates":
        """Secular Floquet-Born-Markov rates (module docstring) for these points.

        On grids, see :func:`~lzsm_gates.floquet.rates.floquet_rates`.

        The result's ``options`` record ``kmax``, ``n_times`` and ``sideband_tol``.
        """
        channels = _couplings(couplings, self.dim)
        nu = self.transition_frequencies(kmax)
        zero = (np.arange(-kmax, kmax + 1) * self.frequency[..., None])[..., None]
        rates = np.zeros(nu.shape[:-3] + (self.dim, self.dim))
        dephasing = np.zeros_like(rates)
        truncation = np.zeros(self.frequency.shape)
        for op, bath in channels:
            x, trunc = self.fourier_components(op, kmax)
            truncation = np.maximum(truncation, trunc)
            rates += np.sum(2 * np.pi * bath.spectrum(nu) * np.abs(x) ** 2, axis=-3)
            diag = np.diagonal(x, axis1=-2, axis2=-1)  # (*batch, K, d)
            jump = np.abs(diag[..., :, None] - diag[..., None, :]) ** 2
            dephasing += np.sum(np.pi * bath.spectrum(zero)[..., None] * jump, axis=-3)
        _warn_truncation(truncation, sideband_tol, kmax, self.n_times)
        rates[..., np.arange(self.dim), np.arange(self.dim)] = 0.0
        return FloquetRates(
            rates=rates,
            dephasing=dephasing,
            quasienergies=self.quasienergies,
            frequency=self.frequency,
            quasienergy_gap=self.quasienergy_gap(),
            truncation=truncation,
            options=replace(
                self.options or FloquetOptions(), kmax=kmax, n_times=self.n_times, sideband_tol=sideband_tol
            ),
        )

    def redfield_tensor(
        self, couplings: Coupling | Sequence[Coupling], kmax: int, *, sideband_tol: float = SIDEBAND_TOL
    ) -> np.ndarray:
        r"""Non-secular Q = 0 Floquet-Born-Markov superoperator (module docstring, O3L Eqs. A6-A7).

        Returns
        -------
        ndarray, shape ``(*batch, d*d, d*d)``
            :math:`\hat{\mathcal L}` with ``vec(d rho_F/dt) = L @ vec(rho_F)``
            in the Floquet frame (column stacking).
        """
        channels = _couplings(couplings, self.dim)
        d = self.dim
        nu = self.transition_frequencies(kmax)
        eye = np.eye(d)
        e = self.quasienergies
        diag = e[..., :, None] - e[..., None, :]  # entry (a, b) multiplies rho_ab
        out = np.zeros(e.shape[:-1] + (d, d, d, d), dtype=complex)  # [..., b, a, b', a'] <-> vec index a + d b
        out[..., np.arange(d)[:, None], np.arange(d)[None, :], np.arange(d)[:, None], np.arange(d)[None, :]] = (
            -1j * np.swapaxes(diag, -1, -2)
        )
        truncation = np.zeros(self.frequency.shape)
        for op, bath in channels:
            x, trunc = self.fourier_components(op, kmax)
            truncation = np.maximum(truncation, trunc)
            y = np.pi * bath.spectrum(nu) * x
            # vec(A rho B) = (B^T kron A) vec(rho): entry [j, i, b, a] = B[b, j] A[i, a]
            out += np.einsum("...kjb,...kia->...jiba", x.conj(), y)  # Y rho X^dag
            out += np.einsum("...kjb,...kia->...jiba", y.conj(), x)  # X rho Y^dag
            left = np.einsum("...kci,...kca->...ia", x.conj(), y)  # X^dag Y
            out -= np.einsum("jb,...ia->...jiba", eye, left)
            out -= np.einsum("...jb,ia->...jiba", np.conj(left), eye)  # rho (X^dag Y)^dag
        _warn_truncation(truncation, sideband_tol, kmax, self.n_times)
        return out.reshape(e.shape[:-1] + (d * d, d * d))



def floquet_basis(
    model: DrivenModel,
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    *,
    offset: np.ndarray | float = 0.0,
    options: FloquetOptions | None = None,
    **settings: Any,
) -> FloquetBasis:
    r"""Floquet modes and quasienergies on a batch of points (one batched :func:`~lzsm_gates.propagate.evolve`).

    All :math:`n + 1` sample times of the period come from one propagation per point (half a
    period for real models with a cosine drive, see :mod:`lzsm_gates.floquet.modes`).

    Parameters
    ----------
    model : DrivenModel
        :math:`H(t) = H_0 + (c + A f(\omega t)) V`.
    amplitude, frequency, offset : array_like
        :math:`A`, :math:`\omega > 0` and the static drive offset :math:`c` (default 0),
        broadcast to the batch shape.  A batch over :math:`c` shares one model.
    options : FloquetOptions, optional
        ``n_times`` (default: from ``kmax``, a power of two :math:`\ge 4(k_\max + 1)`, at
        least 64) and ``kmax``, the cutoff the basis will be used with (default
        :func:`~lzsm_gates.floquet.options.default_kmax`).
    **settings
        Fields of :class:`FloquetOptions` overriding ``options`` (e.g. ``kmax=32``).

    Returns
    -------
    FloquetBasis
    """
    if not isinstance(model, DrivenModel):
        raise LZSMInputError(f"model must be a DrivenModel, got {type(model).__name__}")
    opts = FloquetOptions.build(options, **settings)
    a, w, c = np.broadcast_arrays(
        check_finite("amplitude", amplitude), check_positive("frequency", frequency), check_finite("offset", offset)
    )
    kmax = default_kmax(model, a, w, offset=c) if opts.kmax is None else opts.kmax
    n = _default_times(kmax) if opts.n_times is None else opts.n_times
    eps, modes = _ordered_modes(model, a, w, c, n)
    return FloquetBasis(
        amplitude=a, frequency=w, quasienergies=eps, modes=modes, options=replace(opts, kmax=kmax, n_times=n)
    )


@dataclass(frozen=True)
class FloquetRates(Provenance):
    r"""Secular Floquet-Born-Markov rates on a batch of points (see :mod:`lzsm_gates.floquet.modes`).

    Attributes
    ----------
    rates : ndarray, shape ``(*batch, d, d)``
        :math:`\Gamma_{ab}`, the rate of :math:`b \to a` (zero diagonal).
    dephasing : ndarray, shape ``(*batch, d, d)``
        Pure-dephasing rates :math:`\Gamma^\varphi_{ab}` of the coherences (symmetric, zero diagonal).
    quasienergies : ndarray, shape ``(*batch, d)``
    frequency : ndarray, shape batch
    quasienergy_gap : ndarray, shape batch
        :meth:`FloquetBasis.quasienergy_gap`.
    truncation : ndarray, shape batch
        Sideband truncation weight (max over the coupling operators).
    options : FloquetOptions, optional
        The numerical settings that produced them.
    """

    rates: np.ndarray
    dephasing: np.ndarray
    quasienergies: np.ndarray
    frequency: np.ndarray
    quasienergy_gap: np.ndarray
    truncation: np.ndarray
    options: FloquetOptions | None = None

    def generator(self) -> np.ndarray:
        r"""Rate-equation matrix :math:`M`, :math:`\dot p = M p`.

        :math:`M_{ab} = \Gamma_{ab}` for :math:`a \ne b`, :math:`M_{aa} = -\sum_c \Gamma_{ca}`.
        """
        m = self.rates.copy()
        d = m.shape[-1]
        m[..., np.arange(d), np.arange(d)] = -np.sum(self.rates, axis=-2)
        return m

    def decoherence(self) -> np.ndarray:
        r"""Decay rates of the coherences: :math:`\tfrac12(\Gamma^{out}_a + \Gamma^{out}_b) + \Gamma^\varphi_{ab}`."""
        out = np.sum(self.rates, axis=-2)
        return 0.5 * (out[..., :, None] + out[..., None, :]) + self.dephasing

    @property
    def secular_parameter(self) -> np.ndarray:
        r"""Largest rate (transition or coherence decay) over :attr:`quasienergy_gap`; must be :math:`\ll 1`."""
        largest = np.maximum(np.max(self.decoherence(), axis=(-1, -2)), np.max(self.rates, axis=(-1, -2)))
        with np.errstate(divide="ignore"):
            return largest / self.quasienergy_gap

    def near_crossing(self, threshold: float = 0.1) -> np.ndarray:
        """True where the secular approximation breaks down (``secular_parameter > threshold``)."""
        return self.secular_parameter > float(check_positive("threshold", threshold))
