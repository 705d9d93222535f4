r"""Leakage, seepage and computational-subspace fidelity of N-level evolutions.

With :math:`P` the projector on the computational subspace (dimension
:math:`d`, the qubit levels :math:`\{0, 1\}` by default) and :math:`Q = 1 -
P` (dimension :math:`N - d`), the average leakage and seepage of a unitary
:math:`U` (Wood & Gambetta 2018) are

.. math::

    L = 1 - \frac{\operatorname{Tr}[P U P U^\dagger]}{d}, \qquad
    S = 1 - \frac{\operatorname{Tr}[Q U Q U^\dagger]}{N - d},

the population that leaves the subspace (enters it) averaged over the
maximally mixed input; for a unitary :math:`d\,L = (N-d)\,S`.  The idles of
an LZSM pulse are diagonal in the eigenbasis, so the leakage of a whole pulse
is that of its drive period.

The subspace gate fidelity is Pedersen's formula on the projected block
:math:`M = V^\dagger P U P` (:func:`lzsm_gates.metrics.gate_fidelity`), the
average fidelity over pure inputs in the subspace with leaked population
counted as lost; its error is the *total* error of a gate,
:math:`\approx` (coherent error in the subspace) :math:`+ \frac{d}{d+1}L`.
With ``virtual_z=True`` (single qubit) the frames
:math:`R_z(\phi_a)\,M\,R_z(\phi_b)` that maximise the fidelity are applied
first (zero-duration frame changes, McKay et al. 2017).

Leakage maps :math:`L(A, \omega)` of one drive period run through the sweep
engine (:func:`lzsm_gates.sweeps.run_sweep`).

The gates paper's rule of thumb bounds the amplitude by the third level,
:math:`A \lesssim (E_2 - \bar E)/\Delta` with :math:`\bar E` the qubit
midpoint (:meth:`~lzsm_gates.devices.spectrum.MultilevelSpectrum.third_level`);
:func:`leakage_onset` measures the amplitude where the leakage actually
starts, to test it.  What replaces it is the first-order (Dyson) leakage of
one sine period, :func:`perturbative_leakage`,

.. math::

    L^{(1)} = \frac{A^2}{d}\sum_{k\in P}\sum_{j\notin P} |V_{jk}|^2
              \left|\frac{2\omega\sin(\nu_{jk}T/2)}{\nu_{jk}^2 - \omega^2}\right|^2,
    \qquad \nu_{jk} = E_j - E_k,

(:math:`V` in the normalised units of the model): the one-period pulse is
not band-limited, its spectrum falls as :math:`\omega/(\nu^2 - \omega^2)`,
so leakage grows as :math:`A^2` from the first transition out of the
subspace and falls as the square of that transition over the drive
frequency, not as a sharp threshold at :math:`E_2`.
:func:`leakage_bound` inverts it for an allowed leakage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from ..metrics import gate_error
from ..models import PAULI_Z, DrivenModel
from ..propagate import period_propagator, steps_per_period
from ..units import LZSMInputError, check_finite, check_positive

if TYPE_CHECKING:  # the sweep engine (xarray) is imported by leakage_map() only
    import xarray as xr

__all__ = [
    "leakage",
    "seepage",
    "subspace_block",
    "subspace_gate_error",
    "virtual_z_phases",
    "pattern_search",
    "leakage_map",
    "leakage_onset",
    "perturbative_leakage",
    "leakage_bound",
]


def _subspace(subspace: Sequence[int], dim: int) -> np.ndarray:
    idx = np.asarray(subspace)
    if idx.ndim != 1 or idx.size == 0 or idx.dtype.kind not in "iu" or len(set(idx.tolist())) != idx.size:
        raise LZSMInputError(f"subspace must be distinct level indices, got {subspace!r}")
    if idx.min() < 0 or idx.max() >= dim:
        raise LZSMInputError(f"subspace indices must lie in [0, {dim - 1}], got {subspace!r}")
    return idx


def _complement(idx: np.ndarray, dim: int) -> np.ndarray:
    return np.setdiff1d(np.arange(dim), idx)


def _square(name: str, u: np.ndarray) -> np.ndarray:
    u = np.asarray(u, dtype=complex)
    if u.ndim < 2 or u.shape[-1] != u.shape[-2]:
        raise LZSMInputError(f"{name} must be square (..., N, N) matrices, got shape {u.shape}")
    return u


def subspace_block(u: np.ndarray, subspace: Sequence[int] = (0, 1)) -> np.ndarray:
    """The block :math:`PUP` of ``u`` (shape ``(..., d, d)``) on the subspace levels."""
    u = _square("u", u)
    idx = _subspace(subspace, u.shape[-1])
    return u[..., idx[:, None], idx[None, :]]


def _block_weight(u: np.ndarray, idx: np.ndarray) -> np.ndarray:
    block = u[..., idx[:, None], idx[None, :]]
    return np.einsum("...ij,...ij->...", block, block.conj()).real / idx.size


def leakage(u: np.ndarray, subspace: Sequence[int] = (0, 1)) -> np.ndarray:
    r"""Average leakage :math:`L = 1 - \operatorname{Tr}[PUPU^\dagger]/d` (module docstring), batched."""
    u = _square("u", u)
    return np.clip(1.0 - _block_weight(u, _subspace(subspace, u.shape[-1])), 0.0, 1.0)


def seepage(u: np.ndarray, subspace: Sequence[int] = (0, 1)) -> np.ndarray:
    r"""Average seepage :math:`S = 1 - \operatorname{Tr}[QUQU^\dagger]/(N-d)` (module docstring), batched."""
    u = _square("u", u)
    rest = _complement(_subspace(subspace, u.shape[-1]), u.shape[-1])
    if rest.size == 0:
        raise LZSMInputError("seepage needs levels outside the subspace")
    return np.clip(1.0 - _block_weight(u, rest), 0.0, 1.0)


def _rz_diag(phi: np.ndarray) -> np.ndarray:
    """Diagonal of :math:`R_z(\\phi)`, shape (..., 2)."""
    return np.exp(-0.5j * np.asarray(phi)[..., None] * np.diag(PAULI_Z).real)


_STENCIL = np.array([(i, j) for i in (-1, 0, 1) for j in (-1, 0, 1)], dtype=float)


def pattern_search(
    objective: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, step: np.ndarray, *, tol: float = 1e-10, max_rounds: int = 200
) -> tuple[np.ndarray, np.ndarray]:
    r"""Batched 2-D compass search: minimise ``objective`` from each of the points ``x0``.

    Each round evaluates the 3x3 stencil :math:`x + s\,(i, j)`,
    :math:`i, j \in \{-1, 0, 1\}`, of every point in one call (batched), moves
    to the best stencil point, and halves :math:`s` where the centre was best,
    until every step is below ``tol``.

    Parameters
    ----------
    objective : callable
        ``(..., 2) -> (...)``, batched.
    x0 : ndarray, shape (B, 2)
    step : ndarray, shape (2,) or (B, 2)
        Initial steps.

    Returns
    -------
    x, value : ndarray
        Minimisers (B, 2) and objective values (B,).
    """
    x = np.array(x0, dtype=float)
    s = np.broadcast_to(np.asarray(step, dtype=float), x.shape).copy()
    best = objective(x)
    for _ in range(max_rounds):
        trial = x[:, None, :] + s[:, None, :] * _STENCIL[None, :, :]
        values = objective(trial)
        k = np.argmin(values, axis=1)
        improved = values[np.arange(x.shape[0]), k] < best
        x = np.where(improved[:, None], trial[np.arange(x.shape[0]), k], x)
        best = np.where(improved, values[np.arange(x.shape[0]), k], best)
        s = np.where(improved[:, None], s, 0.5 * s)
        if np.all(s < tol):
            break
    return x, best


def _frame_objective(c: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    def neg_overlap(x: np.ndarray) -> np.ndarray:
        cc = c.reshape(c.shape[:1] + (1,) * (x.ndim - 2) + (2, 2))
        u_, w_ = x[..., 0], x[..., 1]
        total = (cc[..., 0, 0] * np.exp(-1j * u_) + cc[..., 1, 1] * np.exp(1j * u_)
                 + cc[..., 0, 1] * np.exp(-1j * w_) + cc[..., 1, 0] * np.exp(1j * w_))
        return -np.abs(total)

    return neg_overlap


def virtual_z_phases(block: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Frame phases :math:`(\phi_b, \phi_a)` maximising the fidelity of :math:`R_z(\phi_a)\,M\,R_z(\phi_b)` to ``target``.

    Only :math:`|\operatorname{Tr}(V^\dagger R_z(\phi_a) M R_z(\phi_b))|`
    depends on the phases; it is
    :math:`|c_{00}e^{-iu} + c_{11}e^{iu} + c_{01}e^{-iv} + c_{10}e^{iv}|`
    with :math:`u = (\phi_a + \phi_b)/2`, :math:`v = (\phi_a - \phi_b)/2`
    and :math:`c_{ij} = V^*_{ij}M_{ij}`, maximised by :func:`pattern_search`
    from the best of the four points where each pair of terms is in phase
    (the exact optimum when the block is a scaled unitary with the target's
    :math:`|V_{10}|`).

    Parameters
    ----------
    block : ndarray, shape (..., 2, 2)
        Projected qubit blocks :math:`M = PUP` (batched).
    target : ndarray, shape (2, 2)
        Target unitary.

    Returns
    -------
    phi_before, phi_after : ndarray
        Shape of the batch.
    """
    m = np.asarray(block, dtype=complex)
    v = np.asarray(target, dtype=complex)
    if m.shape[-2:] != (2, 2) or v.shape != (2, 2):
        raise LZSMInputError(f"virtual-Z correction is defined for a qubit subspace (2x2), got {m.shape} and {v.shape}")
    batch = m.shape[:-2]
    c = (v.conj() * m).reshape(-1, 2, 2)
    u0 = 0.5 * (np.angle(c[:, 0, 0]) - np.angle(c[:, 1, 1]))
    w0 = 0.5 * (np.angle(c[:, 0, 1]) - np.angle(c[:, 1, 0]))
    objective = _frame_objective(c)
    starts = np.stack([np.stack([u0 + i * np.pi, w0 + j * np.pi], axis=-1) for i in (0, 1) for j in (0, 1)], axis=1)
    x0 = starts[np.arange(c.shape[0]), np.argmin(objective(starts), axis=1)]
    x, _ = pattern_search(objective, x0, np.array([0.25, 0.25]), tol=1e-11)
    return (x[:, 0] - x[:, 1]).reshape(batch), (x[:, 0] + x[:, 1]).reshape(batch)


def subspace_gate_error(
    u: np.ndarray, target: np.ndarray, subspace: Sequence[int] = (0, 1), *, virtual_z: bool = False
) -> float | np.ndarray:
    r"""Total gate error :math:`1 - F` of the projected block against ``target`` (module docstring).

    Parameters
    ----------
    u : ndarray, shape (..., N, N)
        N-level unitary (batched unless ``virtual_z``).
    target : ndarray, shape (d, d)
    subspace : sequence of int
        Levels of the computational subspace, in the order of ``target``'s basis.
    virtual_z : bool
        Apply the optimal virtual-Z frames first (qubit subspace).
    """
    block = subspace_block(u, subspace)
    v = np.asarray(target, dtype=complex)
    if v.shape != block.shape[-2:]:
        raise LZSMInputError(f"target must have shape {block.shape[-2:]} for this subspace, got {v.shape}")
    if virtual_z:
        phi_b, phi_a = virtual_z_phases(block, v)
        block = _rz_diag(phi_a)[..., :, None] * block * _rz_diag(phi_b)[..., None, :]
    return gate_error(v, block)


class _LeakagePoints:
    """Picklable per-chunk evaluator: leakage and subspace transition probability of one drive period."""

    def __init__(self, model: DrivenModel, subspace: tuple[int, ...]) -> None:
        self.model, self.subspace = model, subspace

    def __call__(self, A: np.ndarray, omega: np.ndarray) -> dict[str, np.ndarray]:  # noqa: N803 - physics names
        u = period_propagator(self.model, A, omega)
        block = subspace_block(u, self.subspace)
        return {"leakage": leakage(u, self.subspace), "transition": np.abs(block[..., 1, 0]) ** 2}


def leakage_map(
    model: DrivenModel,
    amplitudes: np.ndarray | Sequence[float],
    frequencies: np.ndarray | Sequence[float],
    *,
    subspace: Sequence[int] = (0, 1),
    **sweep_options,
) -> xr.Dataset:
    r"""Leakage :math:`L(A, \omega)` and subspace transition probability :math:`|U_{10}|^2` of one period.

    Parameters
    ----------
    model : DrivenModel
        N-level model in units of the gap (e.g. ``spectrum.model(N)``).
    amplitudes, frequencies : array_like
        Axis values (units of the gap).
    subspace : sequence of int
    **sweep_options
        Passed to :func:`lzsm_gates.sweeps.run_sweep` (``chunk_size``,
        ``executor``, ``checkpoint``, ``progress``, ...).

    Returns
    -------
    xarray.Dataset
        Variables ``leakage`` and ``transition`` over ``(A, omega)``.
    """
    from ..sweeps import Axis, run_sweep

    idx = tuple(int(i) for i in _subspace(subspace, model.dim))
    axes = [
        Axis.explicit("A", check_finite("amplitudes", amplitudes), units="Delta"),
        Axis.explicit("omega", check_positive("frequencies", frequencies), units="Delta"),
    ]
    sweep_options.setdefault("progress", False)
    sweep_options.setdefault("description", f"leakage map, {model.dim} levels")
    return run_sweep(_LeakagePoints(model, idx), axes, outputs={"leakage": "", "transition": ""},
                     cost=lambda A, omega: steps_per_period(model, A, omega), **sweep_options)  # noqa: N803


def leakage_onset(
    model: DrivenModel,
    frequency: float,
    threshold: float = 1e-4,
    *,
    max_amplitude: float = 8.0,
    num: int = 161,
    subspace: Sequence[int] = (0, 1),
) -> float:
    r"""Smallest amplitude at which the one-period leakage at ``frequency`` reaches ``threshold``.

    The leakage is scanned on ``num`` amplitudes in :math:`(0, A_\max]` and
    the first crossing is refined by bisection on the exact propagator.
    Returns ``inf`` if the leakage stays below ``threshold`` up to
    ``max_amplitude``.
    """
    w = float(check_positive("frequency", frequency))
    thr = float(check_positive("threshold", threshold))
    a = np.linspace(0.0, float(check_positive("max_amplitude", max_amplitude)), int(num))[1:]
    lk = leakage(period_propagator(model, a, w), subspace)
    above = np.nonzero(lk >= thr)[0]
    if above.size == 0:
        return float("inf")
    i = int(above[0])
    if i == 0:
        return float(a[0])
    lo, hi = float(a[i - 1]), float(a[i])
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        if leakage(period_propagator(model, mid, w), subspace) >= thr:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)



def perturbative_leakage(
    model: DrivenModel, amplitude: np.ndarray | float, frequency: np.ndarray | float, subspace: Sequence[int] = (0, 1)
) -> np.ndarray:
    r"""First-order leakage :math:`L^{(1)}(A, \omega)` of one drive period (module docstring), batched.

    Valid while :math:`L^{(1)} \ll 1`; it neglects the driven dynamics inside
    the subspace, so it is exact only as :math:`A \to 0` and an estimate at
    operating amplitudes (compare :func:`leakage`).  Needs a diagonal
    :math:`H_0` (a model in the eigenbasis).
    """
    a, w = np.broadcast_arrays(check_finite("amplitude", amplitude), check_positive("frequency", frequency))
    h0 = model.static
    if np.max(np.abs(h0 - np.diag(np.diag(h0)))) > 0:
        raise LZSMInputError("perturbative_leakage needs a model with a diagonal static part (eigenbasis)")
    idx = _subspace(subspace, model.dim)
    rest = _complement(idx, model.dim)
    e = np.diag(h0).real
    nu = e[rest][:, None] - e[idx][None, :]  # (N - d, d)
    v2 = np.abs(model.drive_operator[np.ix_(rest, idx)]) ** 2
    w_ = w[..., None, None]
    period = 2 * np.pi / w_
    den = nu**2 - w_**2
    resonant = np.abs(den) < 1e-12
    weight = np.where(resonant, period / 2, 2 * w_ * np.abs(np.sin(nu * period / 2)) / np.where(resonant, 1.0, np.abs(den)))
    return a**2 * np.sum(v2 * weight**2, axis=(-1, -2)) / idx.size


def leakage_bound(model: DrivenModel, frequency: np.ndarray | float, goal: float = 1e-4, subspace: Sequence[int] = (0, 1)) -> np.ndarray:
    r"""Amplitude where :math:`L^{(1)}` reaches ``goal``: :math:`A = \sqrt{\mathrm{goal}/L^{(1)}(1, \omega)}` (the replacement rule)."""
    g = float(check_positive("goal", goal))
    return np.sqrt(g / perturbative_leakage(model, 1.0, frequency, subspace))
