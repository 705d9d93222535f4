r"""Floquet-Born-Markov rates on grids of drive points; the driven qubit's :math:`\Gamma_1, \Gamma_\varphi, \Gamma_2`.

Grids are evaluated in memory-bounded chunks (:meth:`FloquetOptions.points_per_chunk
<lzsm_gates.floquet.options.FloquetOptions.points_per_chunk>`), large ones in concurrent
threads; the rate formulas are in :mod:`lzsm_gates.floquet.basis`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from typing import Any, Callable, Sequence, TypeVar

import numpy as np

from ..baths import Bath
from ..chrw import chrw_parameters
from ..models import PAULI_X, DrivenModel, qubit_model
from ..propagate import compiled_backend
from ..units import check_finite, check_positive
from .basis import FloquetRates, _distance_mod, floquet_basis
from .options import _PARALLEL_MIN_POINTS, Coupling, FloquetOptions, _couplings, default_kmax
from ..version import Provenance

__all__ = ["floquet_rates", "QubitRates", "qubit_rates", "chrw_qubit_rates"]

_R = TypeVar("_R")


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
        Broadcast to the batch shape (``offset``: static drive offset, see
        :func:`~lzsm_gates.floquet.basis.floquet_basis`).
    couplings : (operator, Bath) or sequence of them
        System operators :math:`X` with their (independent) baths.
    options : FloquetOptions, optional
        ``kmax`` (default :func:`~lzsm_gates.floquet.options.default_kmax` over the whole grid),
        ``n_times``, ``chunk_size`` (points propagated together) and ``sideband_tol`` (truncation
        weight above which a :class:`~lzsm_gates.floquet.options.FloquetWarning` is issued).
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



@dataclass(frozen=True)
class QubitRates(Provenance):
    r"""Relaxation and dephasing rates of a driven qubit (docs: Physics, Sec. 5).

    Attributes
    ----------
    gamma_down, gamma_up : ndarray
        Rates from the excited-like to the ground-like Floquet state and back
        (labels follow :math:`|1\rangle`, :math:`|0\rangle` as :math:`A\to0`).
    gamma_phi : ndarray
        Pure dephasing :math:`\Gamma_\varphi`.
    secular_parameter : ndarray
        Largest rate over the quasienergy gap (:class:`~lzsm_gates.floquet.basis.FloquetRates`);
        :math:`\ll 1` for validity.
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
