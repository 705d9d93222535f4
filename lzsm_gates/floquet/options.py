r"""Numerical settings, validation and warnings shared by the Floquet modules.

The numerical settings (``kmax``, ``n_times``, ``sideband_tol``, ``chunk_size``) travel in a
frozen :class:`FloquetOptions`; every result records the settings it was computed with.  Batches
may also vary a static offset :math:`c` of the drive, :math:`H_0 + (c + A f(\omega t))V`, which
shares one model (e.g. the O3L detuning).  Real models with a cosine drive are integrated over
half a period only (:math:`U(T - t) = \overline{U(t)}\,U(T)`); the modes, overlaps, sidebands and
period averages are computed by compiled kernels (:mod:`lzsm_gates._kernels`) when numba is
available.

The sideband cutoff :func:`default_kmax` and the truncation check
(:class:`FloquetWarning`, ``sideband_tol``) are described in
:mod:`lzsm_gates.floquet.basis`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, fields, replace
from typing import Any, Sequence

import numpy as np

from ..baths import Bath
from ..models import DrivenModel, check_hermitian
from ..units import LZSMInputError, LZSMWarning, check_finite, check_integer, check_positive

__all__ = ["Coupling", "FloquetWarning", "FloquetOptions", "default_kmax"]

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
            object.__setattr__(self, "kmax", check_integer("kmax", self.kmax, minimum=0))
        if self.n_times is not None:
            object.__setattr__(self, "n_times", check_integer("n_times", self.n_times, minimum=2))
        if self.chunk_size is not None:
            object.__setattr__(self, "chunk_size", check_integer("chunk_size", self.chunk_size, minimum=1))
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
    return check_integer("kmax", kmax, minimum=0)


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


def _warn_truncation(truncation: np.ndarray, tol: float, kmax: int, n_times: int) -> None:
    worst = float(np.max(truncation))
    if worst > tol:
        warnings.warn(
            f"Floquet sidebands not converged: weight {worst:.2g} outside |k| <= kmax = {kmax} "
            f"(n_times = {n_times}) exceeds {tol:.1g}; raise kmax (and n_times)",
            FloquetWarning,
            stacklevel=3,
        )


