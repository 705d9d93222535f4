r"""Floquet states and Floquet-Born-Markov rates of periodically driven models.

Floquet basis
-------------
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
against ``sideband_tol`` (:class:`FloquetWarning`).

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

Steady state
------------
The stationary Floquet populations :math:`p_a` (kernel of the rate equation,
or of the Q = 0 tensor) give the period-averaged lab-frame state

.. math::

    \rho_\infty = \frac1T\int_0^T dt \sum_{ab}\rho_{ab}|u_a(t)\rangle\langle u_b(t)|
                \;=\; \sum_a p_a\,\overline{|u_a(t)\rangle\langle u_a(t)|}\quad(\text{secular}).

Numerics
--------
The numerical settings (``kmax``, ``n_times``, ``sideband_tol``, ``chunk_size``) travel in a
frozen :class:`FloquetOptions`; every result records the settings it was computed with.  Batches
may also vary a static offset :math:`c` of the drive, :math:`H_0 + (c + A f(\omega t))V`, which
shares one model (e.g. the O3L detuning).  Real models with a cosine drive are integrated over
half a period only (:math:`U(T - t) = \overline{U(t)}\,U(T)`); the modes, overlaps, sidebands and
period averages are computed by compiled kernels (:mod:`lzsm_gates._kernels`) when numba is
available.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from typing import Any, Callable, Sequence, TypeVar

import numpy as np
from scipy.linalg import expm
from scipy.optimize import linear_sum_assignment

from .baths import Bath
from .chrw import chrw_parameters, fold_quasienergies
from .lindblad import unvec
from .models import PAULI_X, DrivenModel, check_hermitian, qubit_model
from .propagate import compiled_backend, evolve
from .units import ConvergenceError, LZSMInputError, LZSMWarning, check_finite, check_positive

__all__ = [
    "Coupling",
    "FloquetWarning",
    "FloquetBasis",
    "FloquetOptions",
    "FloquetRates",
    "FloquetSteadyState",
    "QubitRates",
    "default_kmax",
    "floquet_basis",
    "floquet_rates",
    "floquet_steady_state",
    "stationary_populations",
    "stationary_state",
    "population_dynamics",
    "qubit_rates",
    "chrw_qubit_rates",
]

Coupling = tuple[np.ndarray, Bath]
"""A system operator :math:`X` (Hermitian, d x d) and the bath it couples to (:math:`H_{SB} = X\\otimes B`)."""

#: Parseval weight allowed outside |k| <= kmax (relative to ||X||^2) before a FloquetWarning.
SIDEBAND_TOL = 1e-9
#: Relative size of the second-smallest singular value below which a stationary state is not unique.
KERNEL_TOL = 1e-10
_KMAX_MARGIN = 16
_MIN_TIMES = 64
_CHUNK_BYTES = 1 << 26  # default chunks keep each (points, n_times, d, d) complex array near 64 MiB
_PARALLEL_MIN_POINTS = 2048  # grids at least this large are split over the cores in concurrent chunks


class FloquetWarning(LZSMWarning):
    """The sideband sum is not converged (raise ``kmax`` and/or ``n_times``)."""


_R = TypeVar("_R")


def _check_int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise LZSMInputError(f"{name} must be an integer in [{low}, inf), got {value!r}")
    return int(value)


@dataclass(frozen=True)
class FloquetOptions:
    r"""Numerical settings of the Floquet solvers (frozen; results record the settings they used).

    Attributes
    ----------
    kmax : int, optional
        Sideband cutoff :math:`k_\max \ge 0` (default :func:`default_kmax` over the batch).
    n_times : int, optional
        Time samples per period, :math:`\ge 2` and :math:`\ge 2k_\max + 1` (default: a power of
        two :math:`\ge 4(k_\max + 1)`, at least 64).
    sideband_tol : float
        Parseval weight outside :math:`|k| \le k_\max` (relative to :math:`\|X\|^2`) above which a
        :class:`FloquetWarning` is issued.
    chunk_size : int, optional
        Points propagated together (default: as many as keep each array of propagators near 64 MiB,
        :math:`16\,(n_\mathrm{times} + 1) d^2` bytes per point; see :meth:`points_per_chunk`).

    Examples
    --------
    >>> FloquetOptions(kmax=32).n_times is None
    True
    >>> FloquetOptions.build(None, kmax=8, chunk_size=64).chunk_size
    64
    """

    kmax: int | None = None
    n_times: int | None = None
    sideband_tol: float = SIDEBAND_TOL
    chunk_size: int | None = None

    def __post_init__(self) -> None:
        if self.kmax is not None:
            object.__setattr__(self, "kmax", _check_int("kmax", self.kmax, 0))
        if self.n_times is not None:
            object.__setattr__(self, "n_times", _check_int("n_times", self.n_times, 2))
        if self.chunk_size is not None:
            object.__setattr__(self, "chunk_size", _check_int("chunk_size", self.chunk_size, 1))
        tol = check_positive("sideband_tol", self.sideband_tol)
        if tol.ndim != 0:
            raise LZSMInputError(f"sideband_tol must be a scalar in (0, inf), got shape {tol.shape}")
        object.__setattr__(self, "sideband_tol", float(tol))

    @classmethod
    def build(cls, options: "FloquetOptions | None" = None, **settings: Any) -> "FloquetOptions":
        """``options`` (default: all defaults) with the given fields replaced; unknown fields are refused.

        Raises
        ------
        LZSMInputError
            If ``options`` is not a FloquetOptions or a setting is not one of its fields.
        """
        if options is None:
            options = cls()
        elif not isinstance(options, cls):
            raise LZSMInputError(f"options must be a FloquetOptions, got {type(options).__name__}")
        allowed = [f.name for f in fields(cls)]
        unknown = sorted(set(settings) - set(allowed))
        if unknown:
            raise LZSMInputError(f"unknown Floquet option(s) {unknown}; allowed: {allowed}")
        return replace(options, **settings) if settings else options

    def points_per_chunk(self, dim: int) -> int:
        """``chunk_size``, or the default for Hilbert-space dimension ``dim`` (needs ``kmax`` or ``n_times``)."""
        if self.chunk_size is not None:
            return self.chunk_size
        n = self.n_times if self.n_times is not None else _default_times(self.kmax)
        return max(1, _CHUNK_BYTES // (16 * (n + 1) * dim * dim))


def default_kmax(
    model: DrivenModel,
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    *,
    offset: np.ndarray | float = 0.0,
) -> int:
    r"""Sideband cutoff that converges the rates for all given points.

    The Floquet modes carry harmonics up to about :math:`|A|\,\|V\|/\omega`
    (Bessel functions of the drive phase), products
    :math:`\langle u_a|X|u_b\rangle` twice that, and folding the quasienergies
    shifts the sidebands by up to :math:`(\max E - \min E)/\omega`:

    .. math::

        k_\max = \left\lceil \frac{E_\max - E_\min + 2|A|\,\|V\|}{\omega} \right\rceil + 16 ,

    maximised over the points; with a static drive ``offset`` :math:`c` (see
    :func:`~lzsm_gates.propagate.evolve`) :math:`E` are the eigenvalues of :math:`H_0 + cV`.
    """
    a = np.abs(check_finite("amplitude", amplitude))
    w = check_positive("frequency", frequency)
    energies = np.linalg.eigvalsh(_static_parts(model, check_finite("offset", offset)))
    spread = energies[..., -1] - energies[..., 0]
    width = (np.max(spread) + 2 * a * np.linalg.norm(model.drive_operator, 2)) / w
    return int(np.ceil(np.max(width))) + _KMAX_MARGIN


def _static_parts(model: DrivenModel, offset: np.ndarray) -> np.ndarray:
    r"""The static Hamiltonians :math:`H_0 + cV` of the distinct offsets (``(d, d)`` when all are zero)."""
    c = np.unique(offset)
    if c.size == 1 and c[0] == 0:
        return model.static
    return model.static + c[:, None, None] * model.drive_operator


def _default_times(kmax: int) -> int:
    """Power of two >= 4 (kmax + 1): the FFT resolves |k| <= kmax with a wide alias-free margin."""
    return max(_MIN_TIMES, 1 << int(np.ceil(np.log2(4 * (kmax + 1)))))


def _check_kmax(kmax: int) -> int:
    return _check_int("kmax", kmax, 0)


def _couplings(couplings: Coupling | Sequence[Coupling], dim: int) -> list[tuple[np.ndarray, Bath]]:
    """Validate one (operator, bath) pair or a sequence of them."""
    if isinstance(couplings, tuple) and len(couplings) == 2 and isinstance(couplings[1], Bath):
        couplings = [couplings]
    out = []
    for i, item in enumerate(couplings):
        if not (isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], Bath)):
            raise LZSMInputError(f"couplings[{i}] must be an (operator, Bath) pair, got {type(item).__name__}")
        op = check_hermitian(f"couplings[{i}] operator", item[0])
        if op.shape != (dim, dim):
            raise LZSMInputError(f"couplings[{i}] operator has shape {op.shape}, the model has dimension {dim}")
        out.append((op, item[1]))
    if not out:
        raise LZSMInputError("couplings is empty: give at least one (operator, Bath) pair")
    return out


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


def _distance_mod(x: np.ndarray, frequency: np.ndarray) -> np.ndarray:
    """Distance of ``x`` from the nearest multiple of ``frequency``."""
    return np.abs(fold_quasienergies(x, frequency))


@dataclass(frozen=True)
class FloquetBasis:
    r"""Floquet modes and quasienergies of a driven model on a batch of (A, omega) points.

    Build it with :func:`floquet_basis`.  Index :math:`a` of every array
    follows the :math:`a`-th eigenstate of :math:`H_0` (see module docstring).

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
        """Secular Floquet-Born-Markov rates (module docstring) for these points; see :func:`floquet_rates`.

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


def _warn_truncation(truncation: np.ndarray, tol: float, kmax: int, n_times: int) -> None:
    worst = float(np.max(truncation))
    if worst > tol:
        warnings.warn(
            f"Floquet sidebands not converged: weight {worst:.2g} outside |k| <= kmax = {kmax} "
            f"(n_times = {n_times}) exceeds {tol:.1g}; raise kmax (and n_times)",
            FloquetWarning,
            stacklevel=3,
        )


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
    period for real models with a cosine drive, see :func:`_sampled_propagators`).

    Parameters
    ----------
    model : DrivenModel
        :math:`H(t) = H_0 + (c + A f(\omega t)) V`.
    amplitude, frequency, offset : array_like
        :math:`A`, :math:`\omega > 0` and the static drive offset :math:`c` (default 0),
        broadcast to the batch shape.  A batch over :math:`c` shares one model.
    options : FloquetOptions, optional
        ``n_times`` (default: from ``kmax``, a power of two :math:`\ge 4(k_\max + 1)`, at
        least 64) and ``kmax``, the cutoff the basis will be used with (default :func:`default_kmax`).
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
    props = _sampled_propagators(model, a, w, c, n)  # (*batch, n + 1, d, d)
    eigvals, vecs = np.linalg.eig(props[..., -1, :, :])
    vecs = _orthonormalize(vecs)
    period = 2 * np.pi / w
    eps = fold_quasienergies(-np.angle(eigvals) / period[..., None], w[..., None])
    d = model.dim
    statics = _static_parts(model, c)
    _, reference = np.linalg.eigh(statics)
    if statics.ndim == 3:  # one reference basis per distinct offset
        reference = reference[np.searchsorted(np.unique(c), c)]
    perm = _reference_order(_reference_overlaps(props, vecs, reference))
    eps = np.take_along_axis(eps, perm, axis=-1)
    vecs = np.take_along_axis(vecs, perm[..., None, :], axis=-1)
    modes = _floquet_modes(props, vecs, eps, period)
    return FloquetBasis(
        amplitude=a, frequency=w, quasienergies=eps, modes=modes, options=replace(opts, kmax=kmax, n_times=n)
    )


@dataclass(frozen=True)
class FloquetRates:
    r"""Secular Floquet-Born-Markov rates on a batch of points (see module docstring).

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


def _flat_chunks(
    fn: Callable[[np.ndarray, np.ndarray, np.ndarray], _R],
    points: tuple[np.ndarray, ...],
    options: FloquetOptions,
    dim: int,
) -> _R:
    """Evaluate ``fn`` on flat chunks of the broadcast (A, omega, offset) and reassemble its dataclass result.

    Chunks of ``options.points_per_chunk(dim)`` points; with the compiled kernels and several cores,
    large grids get at least one chunk per core and the chunks run in concurrent threads (numpy and
    the kernels release the GIL).  Array fields are concatenated; other fields (the options) are
    taken from the first chunk.
    """
    a, w, c = np.broadcast_arrays(*points)
    shape = a.shape
    a, w, c = a.ravel(), w.ravel(), c.ravel()
    chunk = options.points_per_chunk(dim)
    kernels = compiled_backend()
    threads = 1 if kernels is None or a.size < _PARALLEL_MIN_POINTS else kernels.workers()
    if options.chunk_size is None and threads > 1:
        chunk = min(chunk, -(-a.size // threads))
    starts = range(0, a.size, chunk)

    def part(i: int) -> _R:
        return fn(a[i : i + chunk], w[i : i + chunk], c[i : i + chunk])

    if threads > 1 and len(starts) > 1:
        with ThreadPoolExecutor(min(threads, len(starts)), thread_name_prefix="lzsm-floquet") as pool:
            parts = list(pool.map(part, starts))
    else:
        parts = [part(i) for i in starts]
    first = parts[0]
    values = {}
    for f in fields(first):
        value = getattr(first, f.name)
        if isinstance(value, np.ndarray):
            value = np.concatenate([getattr(p, f.name) for p in parts], axis=0).reshape(shape + value.shape[1:])
        values[f.name] = value
    return type(first)(**values)


def _grid(
    model: DrivenModel, amplitude: Any, frequency: Any, offset: Any, options: FloquetOptions | None, settings: dict
) -> tuple[tuple[np.ndarray, ...], FloquetOptions]:
    """Validated broadcast points and options with ``kmax`` resolved over the whole grid."""
    opts = FloquetOptions.build(options, **settings)
    points = np.broadcast_arrays(
        check_finite("amplitude", amplitude), check_positive("frequency", frequency), check_finite("offset", offset)
    )
    if opts.kmax is None:
        opts = replace(opts, kmax=default_kmax(model, *points[:2], offset=points[2]))
    return points, opts


def floquet_rates(
    model: DrivenModel,
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    couplings: Coupling | Sequence[Coupling],
    *,
    offset: np.ndarray | float = 0.0,
    options: FloquetOptions | None = None,
    **settings: Any,
) -> FloquetRates:
    r"""Secular Floquet-Born-Markov rates on a grid of (A, omega), in memory-bounded chunks.

    Parameters
    ----------
    model : DrivenModel
    amplitude, frequency, offset : array_like
        Broadcast to the batch shape (``offset``: static drive offset, see :func:`floquet_basis`).
    couplings : (operator, Bath) or sequence of them
        System operators :math:`X` with their (independent) baths.
    options : FloquetOptions, optional
        ``kmax`` (default :func:`default_kmax` over the whole grid), ``n_times``, ``chunk_size``
        (points propagated together) and ``sideband_tol`` (truncation weight above which a
        :class:`FloquetWarning` is issued).
    **settings
        Fields of :class:`FloquetOptions` overriding ``options`` (e.g. ``kmax=32``).

    Returns
    -------
    FloquetRates
        Arrays of shape ``(*batch, ...)``; ``options`` records the settings used.

    Examples
    --------
    >>> from lzsm_gates.baths import Bath
    >>> from lzsm_gates.models import PAULI_X, qubit_model
    >>> r = floquet_rates(qubit_model(), 1.0, 3.0, (PAULI_X, Bath.ohmic(1e-3, 20.0, 0.1)))
    >>> r.rates.shape
    (2, 2)
    """
    points, opts = _grid(model, amplitude, frequency, offset, options, settings)
    _couplings(couplings, model.dim)  # fail fast, before any propagation

    def chunk(ac: np.ndarray, wc: np.ndarray, cc: np.ndarray) -> FloquetRates:
        basis = floquet_basis(model, ac, wc, offset=cc, options=opts)
        return basis.rates(couplings, opts.kmax, sideband_tol=opts.sideband_tol)

    return _flat_chunks(chunk, points, opts, model.dim)


def _null_vector(matrix: np.ndarray, what: str) -> np.ndarray:
    """Normalised kernel vector of each (n, n) matrix of a batch; ConvergenceError if the kernel is not 1-D."""
    _, s, vh = np.linalg.svd(matrix)
    scale = np.maximum(s[..., 0], np.finfo(float).tiny)
    degenerate = s[..., -2] <= KERNEL_TOL * scale
    if np.any(degenerate):
        raise ConvergenceError(
            f"{what}: the stationary state is not unique at {int(np.count_nonzero(degenerate))} point(s) "
            "(kernel dimension > 1, e.g. Floquet states not connected by any rate); "
            "add a coupling operator that connects them or a finite temperature"
        )
    return np.conj(vh[..., -1, :])


def stationary_populations(rates: FloquetRates) -> np.ndarray:
    r"""Stationary Floquet populations :math:`M p = 0`, :math:`\sum_a p_a = 1` of the secular rate equation.

    Raises
    ------
    ConvergenceError
        If the stationary state is not unique.
    """
    v = np.abs(_null_vector(rates.generator(), "secular rate equation"))
    return v / np.sum(v, axis=-1, keepdims=True)


def stationary_state(tensor: np.ndarray) -> np.ndarray:
    r"""Stationary Floquet-frame density matrix of a (Q = 0) superoperator, trace 1 and Hermitian.

    Parameters
    ----------
    tensor : ndarray, shape ``(*batch, d*d, d*d)``
        E.g. :meth:`FloquetBasis.redfield_tensor` (column stacking).

    Raises
    ------
    ConvergenceError
        If the stationary state is not unique.
    """
    rho = unvec(_null_vector(np.asarray(tensor), "Floquet-Redfield tensor"))
    rho = rho / np.trace(rho, axis1=-2, axis2=-1)[..., None, None]
    return 0.5 * (rho + _dagger(rho))


@dataclass(frozen=True)
class FloquetSteadyState:
    r"""Stationary state of the driven open system on a batch of points.

    Attributes
    ----------
    rho_floquet : ndarray, shape ``(*batch, d, d)``
        :math:`\rho_{ab}` in the Floquet basis (diagonal, :math:`p_a`, in the secular case).
    rho_average : ndarray, shape ``(*batch, d, d)``
        Period-averaged lab-frame :math:`\rho_\infty`.
    options : FloquetOptions, optional
        The numerical settings that produced it.
    """

    rho_floquet: np.ndarray
    rho_average: np.ndarray
    options: FloquetOptions | None = None

    @property
    def populations(self) -> np.ndarray:
        """Floquet populations :math:`p_a = \\rho_{aa}`."""
        return np.real(np.diagonal(self.rho_floquet, axis1=-2, axis2=-1))


def floquet_steady_state(
    model: DrivenModel,
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    couplings: Coupling | Sequence[Coupling],
    *,
    secular: bool = True,
    offset: np.ndarray | float = 0.0,
    options: FloquetOptions | None = None,
    **settings: Any,
) -> FloquetSteadyState:
    r"""Asymptotic state :math:`\rho_\infty` of the Floquet-Born-Markov master equation.

    Parameters
    ----------
    secular : bool
        True: stationary populations of the secular rate equation
        (:func:`stationary_populations`); False: kernel of the non-secular
        Q = 0 tensor (:meth:`FloquetBasis.redfield_tensor`).
    Others
        As in :func:`floquet_rates`.

    Raises
    ------
    ConvergenceError
        If the stationary state is not unique.
    """
    points, opts = _grid(model, amplitude, frequency, offset, options, settings)
    _couplings(couplings, model.dim)

    def chunk(ac: np.ndarray, wc: np.ndarray, cc: np.ndarray) -> FloquetSteadyState:
        basis = floquet_basis(model, ac, wc, offset=cc, options=opts)
        if secular:
            p = stationary_populations(basis.rates(couplings, opts.kmax, sideband_tol=opts.sideband_tol))
            rho = p[..., :, None] * np.eye(model.dim)
        else:
            rho = stationary_state(basis.redfield_tensor(couplings, opts.kmax, sideband_tol=opts.sideband_tol))
        return FloquetSteadyState(rho_floquet=rho, rho_average=basis.period_average(rho), options=basis.options)

    return _flat_chunks(chunk, points, opts, model.dim)


def population_dynamics(rates: FloquetRates, populations: np.ndarray, times: np.ndarray | float) -> np.ndarray:
    r"""Floquet populations :math:`p(t) = e^{Mt} p(0)` of the secular rate equation.

    Parameters
    ----------
    rates : FloquetRates
    populations : array_like, shape ``(d,)`` or ``(*batch, d)``
        :math:`p_a(0)`, e.g. the diagonal of :meth:`FloquetBasis.to_floquet`
        of the initial state (>= 0, summing to 1).
    times : array_like, shape (n_t,)
        Times :math:`t \ge 0` (internal units).

    Returns
    -------
    ndarray, shape ``(*batch, n_t, d)``
    """
    p0 = check_positive("populations", populations, allow_zero=True)
    if p0.shape[-1:] != rates.rates.shape[-1:] or not np.allclose(p0.sum(axis=-1), 1.0, atol=1e-8):
        raise LZSMInputError(
            f"populations must have a last axis of length {rates.rates.shape[-1]} and sum to 1, got {populations!r}"
        )
    t = check_positive("times", np.atleast_1d(times), allow_zero=True)
    if t.ndim != 1:
        raise LZSMInputError(f"times must be a 1-D array, got shape {t.shape}")
    m = rates.generator()[..., None, :, :] * t[:, None, None]
    return np.real(expm(m) @ np.broadcast_to(p0, m.shape[:-3] + p0.shape[-1:])[..., None, :, None])[..., 0]


@dataclass(frozen=True)
class QubitRates:
    r"""Relaxation and dephasing rates of a driven qubit (docs: Physics, Sec. 5).

    Attributes
    ----------
    gamma_down, gamma_up : ndarray
        Rates from the excited-like to the ground-like Floquet state and back
        (labels follow :math:`|1\rangle`, :math:`|0\rangle` as :math:`A\to0`).
    gamma_phi : ndarray
        Pure dephasing :math:`\Gamma_\varphi`.
    secular_parameter : ndarray
        Largest rate over the quasienergy gap (:class:`FloquetRates`); :math:`\ll 1` for validity.
    options : FloquetOptions, optional
        The numerical settings (exact Floquet rates; None for the CHRW approximation).
    """

    gamma_down: np.ndarray
    gamma_up: np.ndarray
    gamma_phi: np.ndarray
    secular_parameter: np.ndarray
    options: FloquetOptions | None = None

    @property
    def gamma1(self) -> np.ndarray:
        r""":math:`\Gamma_1 = \Gamma_\downarrow + \Gamma_\uparrow`."""
        return self.gamma_down + self.gamma_up

    @property
    def gamma2(self) -> np.ndarray:
        r""":math:`\Gamma_2 = \Gamma_1/2 + \Gamma_\varphi`."""
        return 0.5 * self.gamma1 + self.gamma_phi


def qubit_rates(
    amplitude: np.ndarray | float,
    frequency: np.ndarray | float,
    bath: Bath,
    *,
    gap: float = 1.0,
    options: FloquetOptions | None = None,
    **settings: Any,
) -> QubitRates:
    r"""Exact (numerical Floquet) :math:`\Gamma_1, \Gamma_\varphi, \Gamma_2` for :math:`\sigma_x` noise.

    The model is :func:`~lzsm_gates.models.qubit_model` (gates paper Sec. V).

    Batched over broadcast (A, omega); ``options`` and ``**settings`` as in :func:`floquet_rates`.
    """
    r = floquet_rates(qubit_model(gap), amplitude, frequency, (PAULI_X, bath), options=options, **settings)
    return QubitRates(
        gamma_down=r.rates[..., 0, 1],
        gamma_up=r.rates[..., 1, 0],
        gamma_phi=r.dephasing[..., 0, 1],
        secular_parameter=r.secular_parameter,
        options=r.options,
    )


def chrw_qubit_rates(
    amplitude: np.ndarray | float, frequency: np.ndarray | float, bath: Bath, *, gap: float = 1.0
) -> QubitRates:
    r"""CHRW approximation of the :math:`\sigma_x`-noise rates (gates paper Sec. V, Eqs. 43, 46; App. A).

    In the CHRW frame the Floquet modes are
    :math:`|u_\pm(t)\rangle = W(t)^\dagger\,\mathrm{diag}(1, e^{-i\omega t})|\chi_\pm\rangle`
    with :math:`|\chi_\pm\rangle` the eigenstates of
    :math:`\tfrac{\delta}{2}\sigma_z + \tfrac{\tilde A}{2}\sigma_y` (eigenvalues
    :math:`\pm\Omega/2`), quasienergies :math:`\pm\Omega/2 - \omega/2`
    (:mod:`lzsm_gates.chrw`).  Since :math:`W(t)` commutes with
    :math:`\sigma_x`, :math:`\langle u_a|\sigma_x|u_b\rangle` has only the
    sidebands :math:`k = \pm1`, with :math:`\cos^2(\theta/2)`,
    :math:`\sin^2(\theta/2)` (:math:`\cos\theta = \delta/\Omega`,
    :math:`\sin\theta = \tilde A/\Omega`) between the two states and
    :math:`\pm\tfrac{i}{2}\sin\theta` on the diagonal.  The secular rates then
    are (reconstructed; the extracted text lost the equations)

    .. math::

        \Gamma_1 = 2\pi\left[\cos^4\tfrac\theta2\, S(\omega - \Omega)
                   + \sin^4\tfrac\theta2\, S(\omega + \Omega)\right],
        \qquad
        \Gamma_\varphi = \pi\, S(\omega)\,\frac{\tilde A^2}{\Omega^2},

    with :math:`S(\nu) = g(\nu) + g(-\nu)`.  For :math:`\omega > \tilde\Delta`
    the first term (Floquet gap :math:`\omega - \Omega`) is the paper's
    Eq. 43; for :math:`\omega < \tilde\Delta` the second one dominates.  Both
    reduce to the golden rule :math:`2\pi S(\Delta)` at :math:`A = 0`, where
    :math:`\Gamma_\varphi = 0`.  Accurate where CHRW is (see
    :mod:`lzsm_gates.chrw`), i.e. moderate :math:`A` and :math:`\omega \gtrsim \Delta`.
    """
    p = chrw_parameters(amplitude, frequency, gap)
    rabi = p.rabi
    safe = np.where(rabi > 0, rabi, 1.0)
    cos_t = np.where(rabi > 0, p.detuning / safe, 1.0)
    sin_t = np.where(rabi > 0, p.drive_eff / safe, 0.0)
    c4, s4 = (0.5 * (1 + cos_t)) ** 2, (0.5 * (1 - cos_t)) ** 2
    w = p.frequency
    # chi_+ is the ground-like state where delta > 0 (it tends to |0> as A -> 0), chi_- otherwise
    down_plus = 2 * np.pi * (c4 * bath.spectrum(w - rabi) + s4 * bath.spectrum(-(w + rabi)))  # chi_- -> chi_+
    up_plus = 2 * np.pi * (c4 * bath.spectrum(rabi - w) + s4 * bath.spectrum(w + rabi))  # chi_+ -> chi_-
    ground_plus = cos_t >= 0
    spacing = _distance_mod(rabi, w)  # quasienergy spacing of the CHRW states
    down = np.where(ground_plus, down_plus, up_plus)
    up = np.where(ground_plus, up_plus, down_plus)
    phi = np.pi * bath.symmetrized_spectrum(w) * sin_t**2
    largest = np.maximum(np.maximum(down, up), 0.5 * (down + up) + phi)
    with np.errstate(divide="ignore"):
        secular = largest / spacing
    return QubitRates(gamma_down=down, gamma_up=up, gamma_phi=phi, secular_parameter=secular)
