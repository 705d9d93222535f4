r"""Device spectra from scqubits: a fluxonium, and a composite qubit of two coupled transmons.

scqubits (Groszkowski & Koch 2021) builds the device Hamiltonians; this
module diagonalises them and keeps the lowest :math:`N` levels with the
operators in the eigenbasis (:mod:`lzsm_gates.devices.spectrum`, which fixes
the phase convention and the amplitude mapping).  scqubits is imported
lazily, inside the functions, so that ``import lzsm_gates`` stays fast.

Fluxonium (scqubits' convention, energies in GHz):

.. math::

    H = 4E_C n^2 - E_J\cos\varphi + \tfrac12 E_L(\varphi + 2\pi\Phi_\mathrm{ext}/\Phi_0)^2 ,

in the harmonic-oscillator basis of ``cutoff`` states.  A flux drive
:math:`\delta\Phi(t)` adds :math:`2\pi E_L(\delta\Phi/\Phi_0)\,\varphi`
(drive operator ``"phi"``), a gate-charge drive adds :math:`-8E_C n_g(t)\,n`
(drive operator ``"n"``).  At half flux quantum the device is symmetric under
:math:`\varphi \to -2\pi\Phi_\mathrm{ext}/\Phi_0 - \varphi`: both drive
operators connect only levels of opposite parity.

Composite qubit: two transmons :math:`H_i = 4E_{C,i}(n_i - n_{g,i})^2 -
E_{J,i}\cos\varphi_i`, each truncated to ``truncated_dim`` bare levels,
coupled capacitively, :math:`g\, n_1 n_2`.  The product Hamiltonian is
built as scqubits' :class:`~scqubits.HilbertSpace` builds it, in the bare
eigenbases of the transmons (scqubits' ``eigensys`` and
``matrixelement_table``):
:math:`H = \mathrm{diag}(E^{(1)})\otimes 1 + 1\otimes\mathrm{diag}(E^{(2)})
+ g\, n_1\otimes n_2` (``HilbertSpace.hamiltonian`` itself fails in
scqubits 4.3.1 with QuTiP 5.3, whose sparse arrays it does not accept).  The qubit is the lowest pair of dressed
levels; the drive is a charge drive on one transmon (``"n1"`` or ``"n2"``).

Convergence.  Every spectrum is rebuilt with a larger basis (``cutoff``,
``ncut`` or ``truncated_dim`` increased by a quarter, at least 10) and
compared (:func:`~lzsm_gates.devices.spectrum.compare_spectra`): a change
above ``tol`` raises :class:`~lzsm_gates.units.ConvergenceError`.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Literal

import numpy as np

from ..units import LZSMInputError, check_finite, check_positive
from .spectrum import MultilevelSpectrum, compare_spectra, eigenbasis_spectrum

__all__ = ["fluxonium", "composite_qubit", "CUTOFF_TOL"]

CUTOFF_TOL = 1e-9
"""Default largest relative change of the kept spectrum when the basis cutoff is enlarged."""


def _scqubits() -> Any:
    """Import scqubits quietly (it warns about optional backends at import)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import scqubits

    scqubits.settings.PROGRESSBAR_DISABLED = True
    return scqubits


def _check_cutoff(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise LZSMInputError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _converged(build: Callable[[int], MultilevelSpectrum], cutoff: int, tol: float | None, what: str) -> MultilevelSpectrum:
    spectrum = build(cutoff)
    if tol is not None:
        finer = build(cutoff + max(10, cutoff // 4))
        compare_spectra(spectrum, finer, float(check_positive("tol", tol)), what)
    return spectrum


def fluxonium(
    EJ: float,  # noqa: N803 - physics names
    EC: float,  # noqa: N803
    EL: float,  # noqa: N803
    flux: float = 0.5,
    *,
    levels: int = 6,
    cutoff: int = 110,
    drive: Literal["phi", "n"] = "phi",
    tol: float | None = CUTOFF_TOL,
    name: str | None = None,
) -> MultilevelSpectrum:
    r"""The lowest ``levels`` levels of a fluxonium (module docstring), with :math:`\varphi` and :math:`n`.

    Parameters
    ----------
    EJ, EC, EL : float
        Josephson, charging and inductive energies in GHz (> 0).
    flux : float
        External flux :math:`\Phi_\mathrm{ext}/\Phi_0` (0.5: the sweet spot).
    levels : int
        Levels kept, :math:`2 \le N <` ``cutoff``.
    cutoff : int
        Harmonic-oscillator basis size of scqubits.
    drive : {"phi", "n"}
        Flux drive (through the phase operator) or charge drive.
    tol : float or None
        Convergence tolerance in the cutoff (``None`` skips the check).
    name : str, optional
        Label (default from the parameters).

    Raises
    ------
    LZSMInputError
        For non-positive energies, a bad cutoff or drive.
    ConvergenceError
        If the kept spectrum changes by more than ``tol`` when the cutoff grows.
    """
    ej, ec, el = (float(check_positive(k, v)) for k, v in (("EJ", EJ), ("EC", EC), ("EL", EL)))
    phi_ext = float(check_finite("flux", flux))
    if drive not in ("phi", "n"):
        raise LZSMInputError(f"drive must be 'phi' (flux drive) or 'n' (charge drive), got {drive!r}")
    _check_cutoff("cutoff", cutoff, int(levels) + 2 if isinstance(levels, (int, np.integer)) else 4)
    params = {"EJ": ej, "EC": ec, "EL": el, "flux": phi_ext, "cutoff": int(cutoff), "drive": drive}
    label = name or f"fluxonium(EJ={ej:g}, EC={ec:g}, EL={el:g}, flux={phi_ext:g})"
    scq = _scqubits()

    def build(cut: int) -> MultilevelSpectrum:
        f = scq.Fluxonium(EJ=ej, EC=ec, EL=el, flux=phi_ext, cutoff=cut, truncated_dim=levels)
        ops = {"phi": f.phi_operator(), "n": f.n_operator()}
        return eigenbasis_spectrum(f.hamiltonian(), ops, levels, drive, name=label, parameters=params)

    return _converged(build, int(cutoff), tol, "cutoff")


def composite_qubit(
    EJ1: float,  # noqa: N803 - physics names
    EC1: float,  # noqa: N803
    EJ2: float,  # noqa: N803
    EC2: float,  # noqa: N803
    coupling: float,
    *,
    ng1: float = 0.0,
    ng2: float = 0.0,
    levels: int = 6,
    ncut: int = 30,
    truncated_dim: int = 14,
    drive: Literal["n1", "n2"] = "n1",
    tol: float | None = CUTOFF_TOL,
    name: str | None = None,
) -> MultilevelSpectrum:
    r"""A composite qubit: two capacitively coupled transmons (module docstring), lowest ``levels`` dressed levels.

    Parameters
    ----------
    EJ1, EC1, EJ2, EC2 : float
        Transmon energies in GHz (> 0).
    coupling : float
        :math:`g` of :math:`g\,n_1 n_2` in GHz.
    ng1, ng2 : float
        Offset charges.
    levels : int
        Dressed levels kept (:math:`\le` ``truncated_dim**2``).
    ncut : int
        Charge-basis cutoff of each transmon.
    truncated_dim : int
        Bare levels of each transmon in the product space (the convergence
        check enlarges it together with ``ncut``).
    drive : {"n1", "n2"}
        Which transmon's charge is driven.
    tol : float or None
        Convergence tolerance (``None`` skips the check).

    Raises
    ------
    LZSMInputError, ConvergenceError
        As :func:`fluxonium`.
    """
    e = {k: float(check_positive(k, v)) for k, v in (("EJ1", EJ1), ("EC1", EC1), ("EJ2", EJ2), ("EC2", EC2))}
    g = float(check_finite("coupling", coupling))
    if drive not in ("n1", "n2"):
        raise LZSMInputError(f"drive must be 'n1' or 'n2', got {drive!r}")
    _check_cutoff("ncut", ncut, 2)
    _check_cutoff("truncated_dim", truncated_dim, 2)
    if not isinstance(levels, (int, np.integer)) or levels > truncated_dim**2:
        raise LZSMInputError(f"levels must be an integer <= truncated_dim**2 = {truncated_dim ** 2}, got {levels!r}")
    params = dict(e, coupling=g, ng1=float(ng1), ng2=float(ng2), ncut=int(ncut), truncated_dim=int(truncated_dim), drive=drive)
    label = name or f"composite(EJ={e['EJ1']:g}/{e['EJ2']:g}, EC={e['EC1']:g}/{e['EC2']:g}, g={g:g})"
    scq = _scqubits()

    def bare(ej: float, ec: float, ng: float, cut: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
        t = scq.Transmon(EJ=ej, EC=ec, ng=ng, ncut=cut, truncated_dim=dim)
        evals, evecs = t.eigensys(evals_count=dim)
        return evals, t.matrixelement_table("n_operator", evecs=evecs, evals_count=dim)

    def build(cut: int) -> MultilevelSpectrum:
        dim = int(truncated_dim) + (cut - int(ncut))
        e1, n1 = bare(e["EJ1"], e["EC1"], float(ng1), cut, dim)
        e2, n2 = bare(e["EJ2"], e["EC2"], float(ng2), cut, dim)
        eye = np.eye(dim)
        h = np.kron(np.diag(e1), eye) + np.kron(eye, np.diag(e2)) + g * np.kron(n1, n2)
        ops = {"n1": np.kron(n1, eye), "n2": np.kron(eye, n2)}
        return eigenbasis_spectrum(h, ops, levels, drive, name=label, parameters=params)

    return _converged(build, int(ncut), tol, "ncut and truncated_dim")
