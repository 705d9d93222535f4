r"""Device spectra from scqubits: a fluxonium, a composite qubit of two coupled transmons, two coupled fluxoniums.

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

from ..units import LZSMInputError, check_finite, check_integer, check_positive
from .spectrum import MultilevelSpectrum, compare_spectra, eigenbasis_spectrum

__all__ = ["fluxonium", "composite_qubit", "coupled_fluxoniums", "CUTOFF_TOL"]

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
    return check_integer(name, value, minimum=minimum)


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

    def build(cut: int) -> MultilevelSpectrum:
        dim = int(truncated_dim) + (cut - int(ncut))
        t1 = scq.Transmon(EJ=e["EJ1"], EC=e["EC1"], ng=float(ng1), ncut=cut, truncated_dim=dim)
        t2 = scq.Transmon(EJ=e["EJ2"], EC=e["EC2"], ng=float(ng2), ncut=cut, truncated_dim=dim)
        return _product_spectrum(_bare(t1, dim, ("n",)), _bare(t2, dim, ("n",)), g, "n", drive, levels, label, params)

    return _converged(build, int(ncut), tol, "ncut and truncated_dim")


def _bare(qubit: Any, dim: int, names: tuple[str, ...]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Bare energies and operators (``"phi"``, ``"n"``) of an scqubits qubit in its lowest ``dim`` eigenstates."""
    evals, evecs = qubit.eigensys(evals_count=dim)
    return evals, {k: qubit.matrixelement_table(f"{k}_operator", evecs=evecs, evals_count=dim) for k in names}


def _product_spectrum(
    bare1: tuple[np.ndarray, dict[str, np.ndarray]], bare2: tuple[np.ndarray, dict[str, np.ndarray]], coupling: float,
    coupling_operator: str, drive: str, levels: int, name: str, params: dict[str, Any],
) -> MultilevelSpectrum:
    r"""Dressed spectrum of :math:`H_1\otimes 1 + 1\otimes H_2 + g\,O_1\otimes O_2` in the bare eigenbases.

    Operators: each subsystem's ``"<op>1"``, ``"<op>2"``, and ``"coupling"`` = :math:`O_1\otimes O_2`.
    """
    (e1, ops1), (e2, ops2) = bare1, bare2
    eye1, eye2 = np.eye(e1.size), np.eye(e2.size)
    coupler = np.kron(ops1[coupling_operator], ops2[coupling_operator])
    h = np.kron(np.diag(e1), eye2) + np.kron(eye1, np.diag(e2)) + coupling * coupler
    ops = {f"{k}1": np.kron(o, eye2) for k, o in ops1.items()}
    ops.update({f"{k}2": np.kron(eye1, o) for k, o in ops2.items()})
    ops["coupling"] = coupler
    return eigenbasis_spectrum(h, ops, levels, drive, name=name, parameters=params, product_dims=(e1.size, e2.size))


def coupled_fluxoniums(
    qubit1: dict[str, float],
    qubit2: dict[str, float],
    coupling: float = 0.0,
    *,
    kind: Literal["inductive", "capacitive"] = "inductive",
    levels: int = 10,
    cutoff: int = 110,
    truncated_dim: int = 8,
    tol: float | None = 1e-7,
    name: str | None = None,
) -> MultilevelSpectrum:
    r"""Two fluxoniums with a parametrically driven coupler: the multi-level :math:`\sqrt{\mathrm{bSWAP}}` device.

    .. math::

        H = H_{F1}\otimes 1 + 1\otimes H_{F2} + (g + a(t))\, O_1\otimes O_2 ,
        \qquad O = \varphi\ (\text{inductive}) \text{ or } n\ (\text{capacitive}),

    each fluxonium truncated to ``truncated_dim`` bare levels (scqubits'
    ``eigensys`` and ``matrixelement_table``), a static coupling :math:`g`
    (GHz, may be 0) and the drive on the coupler, operator ``"coupling"``.
    Levels are labelled by their dominant bare product state (``"00"``,
    ``"01"``, ...).  See :func:`~lzsm_gates.devices.two_qubit.two_qubit_model`
    for the driven model.

    Parameters
    ----------
    qubit1, qubit2 : dict
        ``EJ``, ``EC``, ``EL`` in GHz and optional ``flux`` (default 0.5).
    coupling : float
        Static :math:`g` in GHz.
    kind : {"inductive", "capacitive"}
    levels : int
        Dressed levels kept.
    cutoff, truncated_dim : int
        Oscillator basis of each fluxonium, and bare levels kept of each.
    tol : float or None
        Convergence tolerance in ``truncated_dim`` (``None`` skips the check).
    """
    if kind not in ("inductive", "capacitive"):
        raise LZSMInputError(f"kind must be 'inductive' or 'capacitive', got {kind!r}")
    qs = []
    for label, q in (("qubit1", qubit1), ("qubit2", qubit2)):
        unknown = set(q) - {"EJ", "EC", "EL", "flux"}
        if unknown or not {"EJ", "EC", "EL"} <= set(q):
            raise LZSMInputError(f"{label} must give EJ, EC, EL (GHz) and optionally flux, got keys {sorted(q)}")
        qs.append({k: float(check_positive(f"{label}[{k!r}]", q[k])) for k in ("EJ", "EC", "EL")} | {"flux": float(check_finite(f"{label}['flux']", q.get("flux", 0.5)))})
    g = float(check_finite("coupling", coupling))
    _check_cutoff("truncated_dim", truncated_dim, 2)
    if not isinstance(levels, (int, np.integer)) or levels > truncated_dim**2:
        raise LZSMInputError(f"levels must be an integer <= truncated_dim**2 = {truncated_dim ** 2}, got {levels!r}")
    largest = int(truncated_dim) + (max(10, int(truncated_dim) // 4) if tol is not None else 0)
    _check_cutoff("cutoff", cutoff, largest)  # the convergence check needs this many bare levels
    op = "phi" if kind == "inductive" else "n"
    params = {"qubit1": qs[0], "qubit2": qs[1], "coupling": g, "kind": kind, "cutoff": int(cutoff), "truncated_dim": int(truncated_dim)}
    label = name or f"coupled fluxoniums ({kind}, g={g:g} GHz)"
    scq = _scqubits()

    def build(dim: int) -> MultilevelSpectrum:
        bares = [
            _bare(scq.Fluxonium(EJ=q["EJ"], EC=q["EC"], EL=q["EL"], flux=q["flux"], cutoff=int(cutoff), truncated_dim=dim), dim, ("phi", "n"))
            for q in qs
        ]
        return _product_spectrum(bares[0], bares[1], g, op, "coupling", levels, label, params)

    return _converged(build, int(truncated_dim), tol, "truncated_dim")
