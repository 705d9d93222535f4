r"""Multi-level device spectra: eigenenergies and operator matrices in the eigenbasis, and their driven models.

A device Hamiltonian :math:`H_\mathrm{dev}` (given in any basis, e.g. the
charge or harmonic-oscillator basis of scqubits) is diagonalised,
:math:`H_\mathrm{dev}|k\rangle = E_k|k\rangle` with :math:`E_0 \le E_1 \le \dots`,
and the device operators :math:`O` (phase :math:`\varphi`, charge
:math:`n`, ...) are expressed in the lowest :math:`N` eigenstates,
:math:`O_{jk} = \langle j|O|k\rangle`.

Phase convention.  Eigenvectors are defined up to a phase each.  Every
:math:`|k\rangle` is first fixed so that its largest-magnitude component in
the native basis is real and positive (the first such component on ties);
then :math:`|1\rangle` is rephased so that the drive element
:math:`V_{01} = \langle 0|V|1\rangle` is real and positive.  Gauge-invariant
quantities (energies, :math:`|O_{jk}|`, loop products
:math:`O_{ij}O_{jk}O_{ki}`) do not depend on it.

Driven model (units and amplitude mapping).  With the device drive
:math:`a(t)\,V` (:math:`a` the physical coefficient, e.g. :math:`2\pi E_L
\delta\Phi/\Phi_0` for a flux drive through :math:`V = \varphi`, or
:math:`8 E_C\, n_g` for a charge drive through :math:`V = n`), the library's
model in units of the qubit gap :math:`\Delta = E_1 - E_0` is

.. math::

    H(t) = \sum_{k<N} \frac{E_k - \bar E}{\Delta}\,|k\rangle\langle k|
           + A \sin(\omega t)\, \frac{V}{|V_{01}|},
    \qquad \bar E = \frac{E_0 + E_1}{2},
    \qquad A = \frac{a\,|V_{01}|}{\Delta},

so that in the qubit subspace :math:`\{|0\rangle, |1\rangle\}` it is the
two-level problem :math:`-\tfrac{\Delta}{2}\sigma_z + A\sin(\omega t)\sigma_x`
(plus the diagonal :math:`V_{00}, V_{11}`, which vanish for a parity-symmetric
device such as a fluxonium at half flux) and the same :math:`A` means the
same qubit coupling in every truncation :math:`N`.  Levels above 1 see
:math:`A\,V_{jk}/|V_{01}|`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
from scipy.linalg import eigh

from ..models import DrivenModel
from ..units import ConvergenceError, Device, LZSMInputError, check_integer

__all__ = ["MultilevelSpectrum", "eigenbasis_spectrum", "compare_spectra"]

_PARITY_TOL = 1e-12


def _check_levels(levels: int, available: int) -> int:
    return check_integer("levels", levels, minimum=2, maximum=available)


def _fix_gauge(vectors: np.ndarray) -> np.ndarray:
    """Make the largest-magnitude component of each column real and positive."""
    idx = np.argmax(np.abs(vectors), axis=0)
    lead = vectors[idx, np.arange(vectors.shape[1])]
    return vectors * (np.abs(lead) / lead)[None, :]


@dataclass(frozen=True)
class MultilevelSpectrum:
    r"""The lowest levels of a device and its operators in the eigenbasis (module docstring).

    Attributes
    ----------
    energies : ndarray, shape (N,)
        :math:`E_k` in GHz (:math:`E/h`), ascending.
    operators : dict of str to ndarray, shape (N, N)
        Operators in the eigenbasis (phase convention of the module docstring).
    drive : str
        Key of ``operators`` that the control drives.
    name : str
        Label for reports.
    parameters : dict
        The device parameters it was built from (for reports and reproducibility).
    labels : tuple of str
        Name of each level: its index, or for a product of two subsystems the
        bare product state ``"jk"`` with the largest overlap.
    """

    energies: np.ndarray
    operators: Mapping[str, np.ndarray]
    drive: str
    name: str = "device"
    parameters: Mapping[str, Any] = field(default_factory=dict)
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        e = np.asarray(self.energies, dtype=float)
        if e.ndim != 1 or e.size < 2 or not np.all(np.isfinite(e)) or np.any(np.diff(e) < 0):
            raise LZSMInputError("energies must be a finite ascending 1-D array of at least 2 levels")
        if e[1] - e[0] <= 0:
            raise LZSMInputError(f"the qubit gap E1 - E0 must be positive, got {e[1] - e[0]:.3g} GHz")
        if self.drive not in self.operators:
            raise LZSMInputError(f"drive must be one of {sorted(self.operators)}, got {self.drive!r}")
        ops = {k: np.asarray(v, dtype=complex) for k, v in self.operators.items()}
        for k, v in ops.items():
            if v.shape != (e.size, e.size):
                raise LZSMInputError(f"operator {k!r} must have shape {(e.size, e.size)}, got {v.shape}")
        if abs(ops[self.drive][0, 1]) == 0:
            raise LZSMInputError(f"the drive operator {self.drive!r} does not couple the qubit levels (V01 = 0)")
        object.__setattr__(self, "energies", e)
        object.__setattr__(self, "operators", ops)
        labels = tuple(self.labels) or tuple(str(k) for k in range(e.size))
        if len(labels) != e.size:
            raise LZSMInputError(f"labels must name all {e.size} levels, got {len(labels)}")
        object.__setattr__(self, "labels", labels)

    @property
    def levels(self) -> int:
        """Number of levels kept, N."""
        return self.energies.size

    @property
    def gap_ghz(self) -> float:
        r"""Qubit gap :math:`(E_1 - E_0)/h` in GHz."""
        return float(self.energies[1] - self.energies[0])

    @property
    def drive_element(self) -> float:
        r""":math:`|V_{01}|`, the drive matrix element between the qubit levels (units of the operator)."""
        return float(abs(self.operators[self.drive][0, 1]))

    def scaled_energies(self) -> np.ndarray:
        r""":math:`(E_k - \bar E)/\Delta`: level energies in units of the gap, qubit levels at :math:`\mp 1/2`."""
        return (self.energies - 0.5 * (self.energies[0] + self.energies[1])) / self.gap_ghz

    def third_level(self) -> float:
        r""":math:`(E_2 - \bar E)/\Delta`, the third level above the qubit midpoint in units of the gap."""
        if self.levels < 3:
            raise LZSMInputError("third_level needs a spectrum with at least 3 levels")
        return float(self.scaled_energies()[2])

    def truncated(self, levels: int) -> "MultilevelSpectrum":
        """The lowest ``levels`` levels."""
        n = _check_levels(levels, self.levels)
        ops = {k: v[:n, :n] for k, v in self.operators.items()}
        return MultilevelSpectrum(self.energies[:n], ops, self.drive, self.name, dict(self.parameters), self.labels[:n])

    def index(self, label: str) -> int:
        """Level index of a label (e.g. ``"11"`` for a product device)."""
        if label not in self.labels:
            raise LZSMInputError(f"no level labelled {label!r} among the kept levels {self.labels}")
        return self.labels.index(label)

    def operator(self, name: str, levels: int | None = None) -> np.ndarray:
        """Operator ``name`` in the lowest ``levels`` eigenstates (default all)."""
        if name not in self.operators:
            raise LZSMInputError(f"operator must be one of {sorted(self.operators)}, got {name!r}")
        n = self.levels if levels is None else _check_levels(levels, self.levels)
        return self.operators[name][:n, :n]

    def model(self, levels: int | None = None) -> DrivenModel:
        r"""The N-level :class:`~lzsm_gates.models.DrivenModel` in units of the gap (module docstring).

        If the drive only connects levels of opposite index parity (a
        parity-symmetric device), the parity :math:`S = \mathrm{diag}((-1)^k)`
        is attached, which halves the cost of one-period propagators.
        """
        n = self.levels if levels is None else _check_levels(levels, self.levels)
        v = self.operators[self.drive][:n, :n] / self.drive_element
        static = np.diag(self.scaled_energies()[:n]).astype(complex)
        signs = (-1.0) ** np.arange(n)
        same = signs[:, None] * signs[None, :] > 0
        parity = np.diag(signs) if np.all(np.abs(v[same]) <= _PARITY_TOL) else None
        if parity is not None:
            v = np.where(same, 0.0, v)
        return DrivenModel(static, v, "sin", labels=self.labels[:n], parity=parity)

    def device(self, **kwargs: Any) -> Device:
        """A :class:`~lzsm_gates.units.Device` with this gap (keyword arguments set the bounds)."""
        kwargs.setdefault("name", self.name)
        return Device(gap_hz=self.gap_ghz * 1e9, **kwargs)

    def physical_amplitude(self, amplitude: float | np.ndarray) -> np.ndarray:
        r"""Physical drive coefficient :math:`a = A\Delta/|V_{01}|` in GHz (energy / h) for internal amplitudes ``A``."""
        return np.asarray(amplitude, dtype=float) * self.gap_ghz / self.drive_element


def eigenbasis_spectrum(
    hamiltonian: np.ndarray,
    operators: Mapping[str, np.ndarray],
    levels: int,
    drive: str,
    *,
    name: str = "device",
    parameters: Mapping[str, Any] | None = None,
    product_dims: tuple[int, int] | None = None,
) -> MultilevelSpectrum:
    r"""Diagonalise a device Hamiltonian and express its operators in the lowest ``levels`` eigenstates.

    Parameters
    ----------
    hamiltonian : ndarray, shape (D, D)
        Hermitian :math:`H_\mathrm{dev}` in GHz, in any basis.
    operators : mapping of str to ndarray, shape (D, D)
        Device operators in the same basis.
    levels : int
        Number of eigenstates kept, :math:`2 \le N \le D`.
    drive : str
        Key of ``operators`` that the control drives.
    product_dims : (int, int), optional
        For a Hamiltonian on a product of two subsystems (bare eigenbases,
        subsystem 1 left), label each level by the product state
        :math:`|jk\rangle` of largest overlap.

    Returns
    -------
    MultilevelSpectrum
        With the phase convention of the module docstring.
    """
    h = np.asarray(hamiltonian)
    if np.iscomplexobj(h) and not np.any(h.imag):
        h = h.real  # real symmetric: the faster real driver
    n = _check_levels(levels, h.shape[0])
    energies, vectors = eigh(h, subset_by_index=[0, n - 1])
    vecs = _fix_gauge(vectors.astype(complex))
    if drive not in operators:
        raise LZSMInputError(f"drive must be one of {sorted(operators)}, got {drive!r}")
    v01 = vecs[:, 0].conj() @ np.asarray(operators[drive]) @ vecs[:, 1]
    if abs(v01) > 0:
        vecs[:, 1] *= np.conj(v01) / abs(v01)
    ops = {k: vecs.conj().T @ np.asarray(o) @ vecs for k, o in operators.items()}
    labels: tuple[str, ...] = ()
    if product_dims is not None:
        best = np.argmax(np.abs(vecs), axis=0)
        labels = tuple(f"{i // product_dims[1]}{i % product_dims[1]}" for i in best)
    return MultilevelSpectrum(energies, ops, drive, name, dict(parameters or {}), labels)


def compare_spectra(coarse: MultilevelSpectrum, fine: MultilevelSpectrum, tol: float, what: str) -> float:
    r"""Largest change between two spectra of the same device, raising if it exceeds ``tol``.

    The change is measured on gauge-invariant numbers: the energies
    :math:`E_k - E_0` in units of the gap and the magnitudes :math:`|O_{jk}|`
    of every operator (relative to the largest element of that operator).

    Raises
    ------
    ConvergenceError
        If the change exceeds ``tol``; the message names ``what`` was refined.
    """
    n = min(coarse.levels, fine.levels)
    gap = fine.gap_ghz
    dev = float(np.max(np.abs((coarse.energies[:n] - coarse.energies[0]) - (fine.energies[:n] - fine.energies[0]))) / gap)
    for k, op in fine.operators.items():
        ref = np.abs(op[:n, :n])
        dev = max(dev, float(np.max(np.abs(np.abs(coarse.operators[k][:n, :n]) - ref)) / ref.max()))
    if dev > tol:
        raise ConvergenceError(
            f"{coarse.name}: spectrum not converged in {what} (relative change {dev:.2e} > tol {tol:.1e}); "
            f"increase {what}"
        )
    return dev
