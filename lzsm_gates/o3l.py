r"""Off-resonance three-level (O3L) steady-state entanglement of two driven qubits.

Model (docs: Physics, Sec. 6.1; O3L paper Sec. II, Eq. 1), energies and rates in
units of the drive frequency :math:`\omega` (:math:`\omega = 1` internally,
times in units of :math:`1/\omega`, so :math:`t/\tau = t/2\pi`):

.. math::

    H_0 = \sum_{i=1,2}\Big(-\frac{\varepsilon_0}{2}\sigma_z^{(i)} - \frac{\Delta_i}{2}\sigma_x^{(i)}\Big)
          - \frac J2\big(\sigma_+^{(1)}\sigma_-^{(2)} + \sigma_-^{(1)}\sigma_+^{(2)}\big),
    \qquad
    V(t) = -A\cos(\omega t)\,\frac{\sigma_z^{(1)} + \sigma_z^{(2)}}2 ,

basis ``|00>, |01>, |10>, |11>`` with :math:`\sigma_z|0\rangle = |0\rangle`,
:math:`\sigma_+ = |0\rangle\langle 1|`.  The bath couples through
:math:`X = \gamma_1\sigma_z^{(1)} + \gamma_2\sigma_z^{(2)}`, :math:`\gamma_1 = 1`,
:math:`\gamma_2 = \xi`, to Ohmic bath fluctuations :math:`J(\Omega) = \kappa\Omega
e^{-|\Omega|/\omega_c}` at temperature :math:`T_b \ge 0` (:math:`T_b = 0`: vacuum), by default one
common bath; a correlation coefficient :math:`c \in [-1, 1]` between the baths seen by the two
qubits describes independent (:math:`c = 0`) and partly correlated baths (:func:`o3l_coupling`).
Paper values (common bath):
:math:`\Delta_1 = 0.1`, :math:`\Delta_2/\Delta_1 = 1.5`, :math:`J = -2.5`,
:math:`\kappa = 10^{-3}`, :math:`T_b = 0.00467`.

Reconstruction notes (the extracted paper text lost most equation layout):

* With this sign convention and :math:`J < 0` the entangled level
  :math:`|e_-\rangle = (|01\rangle - |10\rangle)/\sqrt2` lies at
  :math:`-|J|/2` and is the first excited state :math:`|1\rangle` for
  :math:`\varepsilon_0 > |J|/2`, as the paper's text says (its "E_e± ≈ ∓|J|/2"
  holds literally only for J > 0; labels of the Bell states do not affect
  the concurrence).
* The bath cutoff :math:`\omega_c` is not given in the paper.  Default
  :data:`DEFAULT_CUTOFF` = 50 ω: the transitions that matter carry energies up to
  :math:`\varepsilon_0 + |J|/2 + A \approx 10\,\omega` (plus sidebands with
  Bessel-suppressed weight), so :math:`\omega_c = 50\omega` keeps
  :math:`J(\Omega)` Ohmic to within ~20 % over that window while still
  damping the far sidebands.  :func:`cutoff_dependence` quantifies the
  (small, see the tests) dependence of :math:`C_\infty` on it.
* Eq. (C2) (perturbative golden-rule rates) is reconstructed in
  :func:`perturbative_rates`; :func:`golden_rule_rates` evaluates Eq. (C1)
  exactly between numerically diagonalised eigenstates.

Numerics: the steady state is by default the secular Floquet-Born-Markov one
(the paper's Q = 0 tensor with the secular approximation; its population block
does not involve pure dephasing, hence is identical to QuTiP's):
:math:`\rho_\infty = \sum_a p_a\overline{|u_a(t)\rangle\langle u_a(t)|}`;
with ``secular=False`` it is the kernel of the full (non-secular) Q = 0 tensor
:meth:`~lzsm_gates.floquet.FloquetBasis.redfield_tensor`, coherences between Floquet
states included.  The secular approximation needs the quasienergy spacings to be large
against the rates; where the ratio ``secular_parameter`` exceeds ``secular_tol`` (default 1)
the secular solver warns (:class:`O3LSecularWarning`).  :math:`C_\infty` is the Wootters
concurrence of :math:`\rho_\infty`.  The detuning enters as a static offset of the
drive coefficient, :math:`H_0(\varepsilon_0) = H_0(0) + \varepsilon_0 V`, so all
points with the same :math:`(J, \Delta_1, \Delta_2/\Delta_1)` share one model
(one cached Magnus algebra) and are propagated in one batch over
:math:`(A, \varepsilon_0)`; the bath parameters
(:math:`\xi, \kappa, T_b, \omega_c`) reuse the same Floquet basis.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Mapping, Sequence

import numpy as np
import xarray as xr

from .baths import Bath
from .floquet import (
    FloquetBasis,
    FloquetOptions,
    FloquetRates,
    FloquetWarning,
    _default_times,
    default_kmax,
    floquet_basis,
    floquet_rates,
    population_dynamics,
    stationary_populations,
    stationary_state,
)
from .metrics import concurrence
from .models import DrivenModel
from .operators import PAULI_X, PAULI_Z, SIGMA_MINUS, SIGMA_PLUS, embed, tensor
from .propagate import compiled_backend
from .sweeps import Axis, fixed_cost, run_sweep
from .units import LZSMInputError, check_finite, check_positive

__all__ = [
    "DEFAULT_CUTOFF",
    "O3LSecularWarning",
    "O3LParams",
    "O3LSteadyState",
    "o3l_model",
    "o3l_coupling",
    "o3l_eigenstates",
    "o3l_steady_state",
    "steady_state_concurrence",
    "o3l_dynamics",
    "golden_rule_rates",
    "perturbative_rates",
    "o3l_floquet_rates",
    "effective_rates",
    "rates_vs_xi",
    "rates_vs_parameter",
    "o3l_sweep",
    "map_amplitude_detuning",
    "map_xi_amplitude",
    "cut_detuning",
    "map_coupling_detuning",
    "cutoff_dependence",
]

#: Default bath cutoff in units of omega (not given in the paper; see module docstring).
DEFAULT_CUTOFF = 50.0

_Z1 = embed(PAULI_Z, 0, 2)
_Z2 = embed(PAULI_Z, 1, 2)
_X1 = embed(PAULI_X, 0, 2)
_X2 = embed(PAULI_X, 1, 2)
_FLIP = tensor(SIGMA_PLUS, SIGMA_MINUS)  # s+1 s-2
_FLIPFLOP = _FLIP + _FLIP.conj().T
_DRIVE = -0.5 * (_Z1 + _Z2)
_LABELS = ("00", "01", "10", "11")
_MODEL_FIELDS = ("J", "delta1", "delta_ratio")  # eps0 is the static drive offset
_BATH_FIELDS = ("xi", "kappa", "temperature", "cutoff", "correlation")


class O3LSecularWarning(FloquetWarning):
    """The secular approximation is questionable: quasienergy spacings not large against the rates."""


@dataclass(frozen=True)
class O3LParams:
    r"""Parameters of the O3L model, in units of :math:`\omega` (defaults: the paper's Fig. 3 point).

    Attributes
    ----------
    eps0 : float
        Detuning :math:`\varepsilon_0`.
    amplitude : float
        Drive amplitude :math:`A`.
    xi : float
        Bath-coupling asymmetry :math:`\xi = \gamma_2/\gamma_1 \ge 0` (:math:`\gamma_1 = 1`).
    J : float
        Qubit-qubit coupling.
    delta1 : float
        Gap :math:`\Delta_1 > 0`.
    delta_ratio : float
        :math:`\Delta_2/\Delta_1 > 0`.
    kappa : float
        Ohmic coupling :math:`\kappa > 0`.
    temperature : float
        :math:`k_B T_b/\hbar\omega \ge 0` (0: the Bose factors become the vacuum ones).
    cutoff : float
        Ohmic cutoff :math:`\omega_c > 0` (not given in the paper; :data:`DEFAULT_CUTOFF`).
    correlation : float
        Correlation coefficient :math:`c \in [-1, 1]` of the bath fluctuations seen by the two
        qubits: 1 one common bath (the paper), 0 independent baths (see :func:`o3l_coupling`).
    """

    eps0: float = 3.7
    amplitude: float = 3.8
    xi: float = 0.1
    J: float = -2.5
    delta1: float = 0.1
    delta_ratio: float = 1.5
    kappa: float = 1e-3
    temperature: float = 0.00467
    cutoff: float = DEFAULT_CUTOFF
    correlation: float = 1.0

    def __post_init__(self) -> None:
        for name in ("eps0", "amplitude", "J"):
            _scalar(name, check_finite(name, getattr(self, name)))
        for name in ("xi", "temperature"):
            _scalar(name, check_positive(name, getattr(self, name), allow_zero=True))
        for name in ("delta1", "delta_ratio", "kappa", "cutoff"):
            _scalar(name, check_positive(name, getattr(self, name)))
        c = check_finite("correlation", self.correlation)
        _scalar("correlation", c)
        if not -1.0 <= float(c) <= 1.0:
            raise LZSMInputError(f"correlation must lie in [-1, 1] (1: common bath, 0: independent), got {self.correlation!r}")
        for f in fields(self):
            object.__setattr__(self, f.name, float(getattr(self, f.name)))

    @property
    def delta2(self) -> float:
        r""":math:`\Delta_2 = \Delta_1\,\Delta_2/\Delta_1`."""
        return self.delta1 * self.delta_ratio


def _scalar(name: str, arr: np.ndarray) -> None:
    if arr.ndim != 0:
        raise LZSMInputError(f"{name} must be a scalar, got shape {arr.shape}")


def _check_params(params: Any) -> O3LParams:
    if not isinstance(params, O3LParams):
        raise LZSMInputError(f"params must be an O3LParams, got {type(params).__name__}")
    return params


def o3l_model(params: O3LParams = O3LParams()) -> DrivenModel:
    r"""The driven two-qubit model :math:`H_0 + A\cos(\omega t)V`, :math:`V = -(\sigma_z^{(1)} + \sigma_z^{(2)})/2`."""
    p = _check_params(params)
    return DrivenModel(_static_part(p.eps0, p.J, p.delta1, p.delta2), _DRIVE, "cos", labels=_LABELS)


def _static_part(eps0: Any, J: Any, delta1: Any, delta2: Any) -> np.ndarray:  # noqa: N803 - physics names
    """:math:`H_0` (module docstring); array arguments of shape (n, 1, 1) give shape (n, 4, 4)."""
    return -0.5 * eps0 * (_Z1 + _Z2) - 0.5 * delta1 * _X1 - 0.5 * delta2 * _X2 - 0.5 * J * _FLIPFLOP


def o3l_coupling(params: O3LParams = O3LParams()) -> list[tuple[np.ndarray, Bath]]:
    r"""The system-bath coupling as independent (operator, Ohmic bath) channels for the Floquet solvers.

    The qubits couple as :math:`\sigma_z^{(1)}B_1 + \xi\sigma_z^{(2)}B_2`, where :math:`B_1, B_2`
    have the same spectrum and correlation coefficient :math:`c` (``params.correlation``).
    Writing :math:`B_1 = \sqrt{|c|}B_0 + \sqrt{1-|c|}B_a`, :math:`B_2 = \mathrm{sign}(c)\sqrt{|c|}B_0
    + \sqrt{1-|c|}B_b` with independent, identical :math:`B_0, B_a, B_b` gives the channels

    .. math::

        \sqrt{|c|}\,(\sigma_z^{(1)} + \mathrm{sign}(c)\,\xi\sigma_z^{(2)}),\quad
        \sqrt{1-|c|}\,\sigma_z^{(1)},\quad \sqrt{1-|c|}\,\xi\sigma_z^{(2)},

    whose rates add.  :math:`c = 1` is the paper's common bath (one channel), :math:`c = 0` two
    independent baths.  Channels with a zero operator are left out.
    """
    p = _check_params(params)
    bath = Bath.ohmic(p.kappa, p.cutoff, p.temperature)
    c = p.correlation
    common, own = np.sqrt(abs(c)), np.sqrt(1.0 - abs(c))
    operators = (common * (_Z1 + np.sign(c) * p.xi * _Z2), own * _Z1, own * p.xi * _Z2)
    return [(op, bath) for op in operators if np.any(op)]


def o3l_eigenstates(params: O3LParams = O3LParams()) -> tuple[np.ndarray, np.ndarray]:
    r"""Eigenvalues (ascending) and eigenvectors (columns) of :math:`H_0`; level k is the paper's :math:`|k\rangle`."""
    return np.linalg.eigh(o3l_model(params).static)


# ----------------------------------------------------------------------------------------------------------------
# Steady state
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class O3LSteadyState:
    r"""Steady state on a batch of points (all arrays have the batch shape first).

    Attributes
    ----------
    rho : ndarray, shape ``(*batch, 4, 4)``
        Period-averaged :math:`\rho_\infty` (lab basis).
    concurrence : ndarray, shape ``(*batch,)``
        Wootters :math:`C_\infty`.
    floquet_populations : ndarray, shape ``(*batch, 4)``
        Stationary :math:`p_a` (Floquet states ordered like the levels of H0).
    eigen_populations : ndarray, shape ``(*batch, 4)``
        :math:`\langle k|\rho_\infty|k\rangle` in the H0 eigenbasis.
    secular_parameter : ndarray, shape ``(*batch,)``
        Largest rate over the smallest quasienergy spacing (secular validity, << 1).
    cutoff : ndarray, shape ``(*batch,)``
        The bath cutoff :math:`\omega_c` used at each point (not given in the paper).
    secular : bool
        True: secular rate-equation steady state; False: non-secular Q = 0 tensor.
    """

    rho: np.ndarray
    concurrence: np.ndarray
    floquet_populations: np.ndarray
    eigen_populations: np.ndarray
    secular_parameter: np.ndarray
    cutoff: np.ndarray
    secular: bool = True


def _broadcast_overrides(params: O3LParams, overrides: Mapping[str, Any]) -> tuple[dict[str, np.ndarray], tuple]:
    names = {f.name for f in fields(O3LParams)}
    bad = set(overrides) - names
    if bad:
        raise LZSMInputError(f"unknown O3L parameter(s) {sorted(bad)}; allowed: {sorted(names)}")
    values = {k: check_finite(k, v) for k, v in overrides.items()}
    shape = np.broadcast_shapes(*(v.shape for v in values.values())) if values else ()
    base = asdict(params)
    flat = {k: np.broadcast_to(values.get(k, base[k]), shape).ravel() for k in names}
    # validate every distinct value of the given fields through O3LParams (the base point is valid)
    for k in values:
        for v in np.unique(flat[k]):
            replace(params, **{k: float(v)})
    return flat, shape


def o3l_steady_state(
    params: O3LParams = O3LParams(),
    *,
    kmax: int | None = None,
    n_times: int | None = None,
    options: FloquetOptions | None = None,
    secular: bool = True,
    secular_tol: float = 1.0,
    **overrides: Any,
) -> O3LSteadyState:
    r"""Floquet-Born-Markov steady state, batched over any O3LParams fields given as arrays.

    Parameters
    ----------
    params : O3LParams
        Base point.
    secular : bool
        True (default): stationary populations of the secular rate equation; False: stationary
        state of the non-secular Q = 0 tensor :meth:`~lzsm_gates.floquet.FloquetBasis.redfield_tensor`
        (keeps the coherences between Floquet states; valid also where quasienergies nearly cross).
    secular_tol : float
        With ``secular=True``, warn (:class:`O3LSecularWarning`) where ``secular_parameter``
        (largest rate over the smallest quasienergy spacing) exceeds this.
    kmax, n_times : int, optional
        Sideband cutoff and samples per period (shortcuts for the ``options`` fields).
    options : FloquetOptions, optional
        Numerical settings; by default ``kmax`` is :func:`~lzsm_gates.floquet.default_kmax` per
        detuning, and detunings needing the same time grid are solved together.
    **overrides : array_like
        Values of O3LParams fields (e.g. ``eps0=..., amplitude=...``), broadcast together.

    Returns
    -------
    O3LSteadyState
        Arrays with the broadcast shape of the overrides first.

    Warns
    -----
    O3LSecularWarning
        Secular solver only, where the secular condition fails (``secular_parameter > secular_tol``).

    Notes
    -----
    Points are grouped by :math:`(J, \Delta_1, \Delta_2/\Delta_1)`; each group is one model, with
    :math:`\varepsilon_0` as the static drive offset, and needs one batched Floquet basis over its
    distinct :math:`(A, \varepsilon_0)`, which all bath parameters share.
    """
    p = _check_params(params)
    tol = float(check_positive("secular_tol", secular_tol))
    settings = {k: v for k, v in (("kmax", kmax), ("n_times", n_times)) if v is not None}
    opts = FloquetOptions.build(options, **settings)
    flat, shape = _broadcast_overrides(p, overrides)
    n = flat["eps0"].size
    rho = np.zeros((n, 4, 4), dtype=complex)
    pf = np.zeros((n, 4))
    sec = np.zeros(n)
    model_keys = np.stack([flat[k] for k in _MODEL_FIELDS], axis=-1)
    groups, group_index = np.unique(model_keys, axis=0, return_inverse=True)
    group_index = group_index.ravel()
    for g, key in enumerate(groups):
        sel = np.flatnonzero(group_index == g)
        gp = replace(p, eps0=0.0, **dict(zip(_MODEL_FIELDS, map(float, key))))
        model = o3l_model(gp)
        points, point_index = np.unique(
            np.stack([flat["amplitude"][sel], flat["eps0"][sel]], axis=-1), axis=0, return_inverse=True
        )
        point_index = point_index.ravel()
        bath_keys = np.stack([flat[f][sel] for f in _BATH_FIELDS], axis=-1)
        baths, bath_index = np.unique(bath_keys, axis=0, return_inverse=True)
        bath_index = bath_index.ravel()
        tasks = [
            (members[start : start + class_opts.points_per_chunk(4)], class_opts)
            for members, class_opts in _cutoff_classes(model, points, opts)
            for start in range(0, members.size, class_opts.points_per_chunk(4))
        ]
        context = (model, gp, points, point_index, baths, bath_index, sel, (rho, pf, sec), bool(secular))
        _map_in_threads(lambda task: _solve_part(*context, *task), tasks)  # noqa: B023 - used at once
    # populations of the H0 levels, <k|rho_inf|k>, in the eigenbasis of each point's H0
    eps0, j, d1, ratio = (flat[k][:, None, None] for k in ("eps0", "J", "delta1", "delta_ratio"))
    _, vecs = np.linalg.eigh(_static_part(eps0, j, d1, d1 * ratio))
    pe = np.real(np.einsum("nak,nab,nbk->nk", vecs.conj(), rho, vecs))
    conc = concurrence(rho)
    failing = sec > tol
    if secular and np.any(failing):
        warnings.warn(
            f"secular approximation questionable at {int(failing.sum())} of {n} O3L point(s): rates up to "
            f"{float(sec.max()):.2g} x the smallest quasienergy spacing (> secular_tol = {tol:g}); "
            "compare with secular=False (non-secular Q = 0 tensor)",
            O3LSecularWarning,
            stacklevel=2,
        )
    return O3LSteadyState(
        rho=rho.reshape(shape + (4, 4)),
        concurrence=conc.reshape(shape),
        floquet_populations=pf.reshape(shape + (4,)),
        eigen_populations=pe.reshape(shape + (4,)),
        secular_parameter=sec.reshape(shape),
        cutoff=flat["cutoff"].reshape(shape).copy(),
        secular=bool(secular),
    )


def _solve_part(
    model: DrivenModel,
    params: O3LParams,
    points: np.ndarray,
    point_index: np.ndarray,
    baths: np.ndarray,
    bath_index: np.ndarray,
    sel: np.ndarray,
    out: tuple[np.ndarray, np.ndarray, np.ndarray],
    secular: bool,
    part: np.ndarray,
    options: FloquetOptions,
) -> None:
    """Steady states of the (A, eps0) ``points[part]`` for every bath, written into ``out`` = (rho, p_F, secular
    parameter); secular rate equation or non-secular Q = 0 tensor."""
    rho, pf, sec = out
    basis = floquet_basis(model, points[part, 0], 1.0, offset=points[part, 1], options=options)
    position = np.full(len(points), -1)
    position[part] = np.arange(part.size)
    for b, bkey in enumerate(baths):
        use = (bath_index == b) & (position[point_index] >= 0)
        if not np.any(use):
            continue
        bp = replace(params, **dict(zip(_BATH_FIELDS, map(float, bkey))))
        couplings = o3l_coupling(bp)
        rates = basis.rates(couplings, options.kmax, sideband_tol=options.sideband_tol)
        if secular:
            rho_floquet = stationary_populations(rates)[..., :, None] * np.eye(4)  # (points in part, 4, 4)
        else:
            rho_floquet = stationary_state(basis.redfield_tensor(couplings, options.kmax, sideband_tol=options.sideband_tol))
        pops = np.real(np.diagonal(rho_floquet, axis1=-2, axis2=-1))
        avg = basis.period_average(rho_floquet)
        where, at = sel[use], position[point_index[use]]
        rho[where], pf[where], sec[where] = avg[at], pops[at], rates.secular_parameter[at]


def _map_in_threads(fn: Any, tasks: list) -> None:
    """Run ``fn`` on every task, in concurrent threads when the compiled kernels are available (they and
    numpy release the GIL) and there are several tasks."""
    kernels = compiled_backend()
    threads = 1 if kernels is None else min(kernels.workers(), len(tasks))
    if threads < 2:
        for task in tasks:
            fn(task)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="lzsm-o3l") as pool:
        list(pool.map(fn, tasks))


def _cutoff_classes(
    model: DrivenModel, points: np.ndarray, options: FloquetOptions
) -> list[tuple[np.ndarray, FloquetOptions]]:
    """Split the (A, eps0) ``points`` into groups sharing a time grid, each with its resolved options.

    With ``kmax`` unset, each detuning gets :func:`~lzsm_gates.floquet.default_kmax` over its
    amplitudes, and detunings whose default time grids coincide are solved together (with the
    largest of their cutoffs), so that weakly driven points are not sampled as finely as the
    strongest ones.
    """
    if options.kmax is not None:
        return [(np.arange(len(points)), options)]
    detunings, which = np.unique(points[:, 1], return_inverse=True)
    which = which.ravel()
    kmax = np.array([default_kmax(model, points[which == i, 0], 1.0, offset=e) for i, e in enumerate(detunings)])
    grid = np.array([_default_times(k) if options.n_times is None else options.n_times for k in kmax])
    classes = []
    for n in np.unique(grid):
        members = np.flatnonzero(grid[which] == n)
        classes.append((members, replace(options, kmax=int(kmax[grid == n].max()))))
    return classes


def steady_state_concurrence(params: O3LParams = O3LParams(), **overrides: Any) -> np.ndarray:
    r"""Wootters concurrence :math:`C_\infty` of the period-averaged steady state (batched like :func:`o3l_steady_state`).

    Examples
    --------
    >>> float(steady_state_concurrence(O3LParams(eps0=3.7, amplitude=3.8, xi=0.1))) > 0.9
    True
    """
    return o3l_steady_state(params, **overrides).concurrence


# ----------------------------------------------------------------------------------------------------------------
# Rates
# ----------------------------------------------------------------------------------------------------------------


def golden_rule_rates(params: O3LParams = O3LParams()) -> np.ndarray:
    r"""Fermi-golden-rule rates between the eigenstates of :math:`H_0` (paper Eq. C1), exact eigenstates.

    :math:`\Gamma_{fi} = 2\pi\,g(E_i - E_f)\,\sum_c|\langle f|X_c|i\rangle|^2` (rate :math:`i \to f`),
    summed over the bath channels :math:`X_c` of :func:`o3l_coupling`, with the
    noise spectrum :math:`g` of :meth:`lzsm_gates.baths.Bath.spectrum` (emission at positive
    arguments, so thermal up-rates are included).  This equals the Floquet rates at A = 0.

    Returns
    -------
    ndarray, shape (4, 4)
        ``rates[f, i]``, zero diagonal; levels ordered by energy.
    """
    e, v = o3l_eigenstates(params)
    channels = o3l_coupling(params)
    weight = sum(np.abs(v.conj().T @ op @ v) ** 2 for op, _ in channels)
    rates = 2 * np.pi * channels[0][1].spectrum(e[None, :] - e[:, None]) * weight
    np.fill_diagonal(rates, 0.0)
    return rates


def perturbative_rates(params: O3LParams = O3LParams()) -> dict[str, float]:
    r"""The perturbative golden-rule rates of the paper's Eq. (C2), valid for :math:`\Delta_i \ll |\varepsilon_0 \pm J/2|`.

    Reconstructed from the garbled extraction, with :math:`\Delta_\pm = (\Delta_1 \pm \Delta_2)/(2\sqrt2)`,
    :math:`\gamma_1 = 1`, and ``"fi"`` the rate :math:`i \to f` at energy :math:`E_{if}`:

    .. math::

        \Gamma_{12} &= 2\pi g(E_{21})\big[(1-\xi) + 2(1+\xi)\Delta_-\Delta_+/(\varepsilon_0^2 - J^2/4)\big]^2\\
        \Gamma_{01} &= 2\pi g(E_{10})\big[(1-\xi)\Delta_+/(\varepsilon_0 - J/2) + (1+\xi)\Delta_-/(\varepsilon_0 + J/2)\big]^2\\
        \Gamma_{13} &= 2\pi g(E_{31})\big[(1-\xi)\Delta_+/(\varepsilon_0 + J/2) + (1+\xi)\Delta_-/(\varepsilon_0 - J/2)\big]^2\\
        \Gamma_{02} &= 2\pi g(E_{20})\big[(1+\xi)\Delta_+/(\varepsilon_0 - J/2) + (1-\xi)\Delta_-/(\varepsilon_0 + J/2)\big]^2\\
        \Gamma_{23} &= 2\pi g(E_{32})\big[(1+\xi)\Delta_+/(\varepsilon_0 + J/2) + (1-\xi)\Delta_-/(\varepsilon_0 - J/2)\big]^2

    Labels as in the paper for J < 0 (for J > 0 it swaps 1 and 2).  The
    energies :math:`E_{if}` are the exact eigenvalue differences.  Compare with
    :func:`golden_rule_rates` (which is exact) to judge the expansion.  Eq. (C2) is for one
    common bath: other ``correlation`` values are refused.
    """
    p = _check_params(params)
    if p.correlation != 1.0:
        raise LZSMInputError(
            f"perturbative_rates (Eq. C2) holds for one common bath (correlation = 1), got correlation = "
            f"{p.correlation:g}; use golden_rule_rates"
        )
    e, _ = o3l_eigenstates(p)
    bath = o3l_coupling(p)[0][1]
    dp = (p.delta1 + p.delta2) / (2 * np.sqrt(2))
    dm = (p.delta1 - p.delta2) / (2 * np.sqrt(2))
    e0, h, xi = p.eps0, p.J / 2, p.xi

    def g(i: int, f: int) -> float:
        return float(2 * np.pi * bath.spectrum(e[i] - e[f]))

    return {
        "12": g(2, 1) * ((1 - xi) + 2 * (1 + xi) * dm * dp / (e0**2 - h**2)) ** 2,
        "01": g(1, 0) * ((1 - xi) * dp / (e0 - h) + (1 + xi) * dm / (e0 + h)) ** 2,
        "13": g(3, 1) * ((1 - xi) * dp / (e0 + h) + (1 + xi) * dm / (e0 - h)) ** 2,
        "02": g(2, 0) * ((1 + xi) * dp / (e0 - h) + (1 - xi) * dm / (e0 + h)) ** 2,
        "23": g(3, 2) * ((1 + xi) * dp / (e0 + h) + (1 - xi) * dm / (e0 - h)) ** 2,
    }


def o3l_floquet_rates(params: O3LParams = O3LParams(), *, kmax: int | None = None) -> FloquetRates:
    r"""Secular Floquet rates :math:`\Gamma_{\alpha\beta}` (paper Eq. C4) at ``params`` (``rates[a, b]``: b -> a).

    Floquet states are ordered like the levels of :math:`H_0` (they tend to them as A -> 0).
    """
    p = _check_params(params)
    return floquet_rates(o3l_model(p), p.amplitude, 1.0, o3l_coupling(p), kmax=kmax)


def effective_rates(params: O3LParams = O3LParams(), *, kmax: int | None = None) -> np.ndarray:
    r"""Effective rates between :math:`H_0` eigenstates at finite drive (paper Eq. C9).

    .. math::

        \Gamma_{ij} = \sum_{\alpha\beta} |\langle i|u_\alpha(0)\rangle|^2\,
            |\langle u_\beta(0)|j\rangle|^2\,\Gamma_{\alpha\beta}

    Returns
    -------
    ndarray, shape (4, 4)
        ``rates[i, j]`` (:math:`j \to i`, the convention of :func:`o3l_floquet_rates`), zero diagonal.
    """
    p = _check_params(params)
    model = o3l_model(p)
    floquet = floquet_rates(model, p.amplitude, 1.0, o3l_coupling(p), kmax=kmax)
    modes = floquet_basis(model, p.amplitude, 1.0, kmax=kmax).modes[0]
    _, v = o3l_eigenstates(p)
    weight = np.abs(v.conj().T @ modes) ** 2  # weight[i, alpha] = |<i|u_alpha(0)>|^2
    out = weight @ floquet.rates @ weight.T
    np.fill_diagonal(out, 0.0)
    return out


def rates_vs_parameter(name: str, values: Any, params: O3LParams = O3LParams()) -> xr.Dataset:
    r"""The dominant rates vs one O3LParams field: FGR at A = 0 (Eq. C1), Floquet (Eq. C4) and effective (Eq. C9).

    Variables ``fgr``, ``floquet``, ``effective`` with dims ``(name, transition)``;
    transitions ``"12"``, ``"02"``, ``"23"``, ``"01"``, ``"13"`` are the paper's
    :math:`\Gamma_{kl}` (rate :math:`l \to k`, levels of :math:`H_0` by energy).  E.g. the paper's
    Figs. 5, 10 (``"xi"`` at J = -2.5) and Fig. 12 (``"xi"`` at J = +2.5), or the J dependence
    (``"J"``).  The attrs hold the base parameters (``param_<name>``) and ``bath_cutoff``.
    """
    p = _check_params(params)
    if name not in {f.name for f in fields(O3LParams)}:
        raise LZSMInputError(f"name must be an O3LParams field {[f.name for f in fields(O3LParams)]}, got {name!r}")
    x = check_finite(name, values)
    if x.ndim != 1:
        raise LZSMInputError(f"{name} values must be 1-D, got shape {x.shape}")
    pairs = [(1, 2), (0, 2), (2, 3), (0, 1), (1, 3)]
    data = {"fgr": [], "floquet": [], "effective": []}
    for value in x:
        q = replace(p, **{name: float(value)})
        fgr = golden_rule_rates(q)
        flo = o3l_floquet_rates(q).rates
        eff = effective_rates(q)
        for key, m in (("fgr", fgr), ("floquet", flo), ("effective", eff)):
            data[key].append([m[k, l] for k, l in pairs])
    labels = [f"{k}{l}" for k, l in pairs]
    return xr.Dataset(
        {k: ((name, "transition"), np.array(v), {"units": "omega"}) for k, v in data.items()},
        coords={name: x, "transition": labels},
        attrs={"description": f"O3L rates vs {name} (Eqs. C1, C4, C9)", **_param_attrs(p)},
    )


def rates_vs_xi(xi: Any = None, params: O3LParams = O3LParams()) -> xr.Dataset:
    r"""The dominant rates vs :math:`\xi` (paper Figs. 5, 10; Fig. 12 with J = +2.5): :func:`rates_vs_parameter`.

    Default :math:`\xi` = 0, 0.05, ..., 1.
    """
    return rates_vs_parameter("xi", np.linspace(0.0, 1.0, 21) if xi is None else xi, params)


# ----------------------------------------------------------------------------------------------------------------
# Dynamics
# ----------------------------------------------------------------------------------------------------------------


def o3l_dynamics(
    params: O3LParams = O3LParams(), periods: Any = None, *, kmax: int | None = None, n_times: int | None = None
) -> xr.Dataset:
    r"""Populations :math:`P_k(t)` in the :math:`H_0` eigenbasis and :math:`C(t)` from the ground state (Figs. 3, 8, 9).

    Approximation (secular Floquet-Born-Markov, as the paper's Eq. C3): in the
    Floquet basis the populations follow the rate equation
    (:func:`~lzsm_gates.floquet.population_dynamics`) and each coherence
    evolves independently, :math:`\rho_{ab}(t) = \rho_{ab}(0)\,e^{-i(\varepsilon_a-\varepsilon_b)t
    - \Gamma^{dec}_{ab}t}` with :math:`\Gamma^{dec}` of
    :meth:`~lzsm_gates.floquet.FloquetRates.decoherence` (correct pure dephasing,
    not QuTiP's halved one).  The lab state is
    :math:`\rho(t) = \sum_{ab}\rho_{ab}(t)|u_a(t)\rangle\langle u_b(t)|`, so the coherent
    (Rabi-like) population exchange at resonances appears as quasienergy beating.
    Not valid where quasienergies nearly cross (``secular_parameter`` is reported): there the
    non-secular coupling of coherences and populations is missing.

    Parameters
    ----------
    params : O3LParams
    periods : array_like, optional
        Times :math:`t/\tau` (:math:`\tau = 2\pi/\omega`), >= 0; rounded to the
        Floquet time grid (multiples of :math:`\tau/n`), sorted and de-duplicated.  Default: 400 log-spaced from 0.1 to 1e5.
    kmax, n_times : int, optional
        As in :func:`~lzsm_gates.floquet.floquet_basis`.

    Returns
    -------
    xarray.Dataset
        ``P`` (time, level), ``C`` (time), and attrs with the secular parameter.
    """
    p = _check_params(params)
    if periods is None:
        periods = np.concatenate([[0.0], np.logspace(-1, 5, 400)])
    tau = check_positive("periods", periods, allow_zero=True)
    if tau.ndim != 1:
        raise LZSMInputError(f"periods must be 1-D, got shape {tau.shape}")
    model = o3l_model(p)
    k = default_kmax(model, p.amplitude, 1.0) if kmax is None else kmax
    basis: FloquetBasis = floquet_basis(model, p.amplitude, 1.0, kmax=k, n_times=n_times)
    rates = basis.rates(o3l_coupling(p), k)
    e, vecs = np.linalg.eigh(model.static)
    psi0 = vecs[:, 0]  # separable ground state |s0> ~ |00>
    rho0 = basis.to_floquet(psi0)
    n = basis.n_times
    steps = np.unique(np.rint(tau * n).astype(np.int64))  # on the Floquet grid, sorted, no duplicates
    t = steps / n * 2 * np.pi
    pops = population_dynamics(rates, np.clip(np.real(np.diag(rho0)), 0, None) / np.real(np.trace(rho0)), t)
    eps = basis.quasienergies
    decay = rates.decoherence()
    phase = np.exp(-1j * (eps[:, None] - eps[None, :])[None] * t[:, None, None] - decay[None] * t[:, None, None])
    rho_f = rho0[None] * phase
    idx = np.arange(4)
    rho_f[:, idx, idx] = pops
    modes = basis.modes[steps % n]  # (nt, 4, 4) columns |u_a(t)>
    rho = modes @ rho_f @ np.conj(np.swapaxes(modes, -1, -2))
    P = np.real(np.einsum("ak,tab,bk->tk", vecs.conj(), rho, vecs))
    C = concurrence(rho)
    return xr.Dataset(
        {"P": (("t", "level"), P), "C": (("t",), C)},
        coords={"t": ("t", steps / n, {"units": "tau = 2 pi / omega"}), "level": np.arange(4)},
        attrs={**_param_attrs(p), "secular_parameter": float(rates.secular_parameter),
               "approximation": "secular Floquet-Born-Markov (rate equation + independently decaying coherences)"},
    )


# ----------------------------------------------------------------------------------------------------------------
# Maps (all through run_sweep)
# ----------------------------------------------------------------------------------------------------------------

_OUTPUTS = {"C_inf": "", "P_eigen": "", "secular_parameter": ""}


def _param_attrs(params: O3LParams) -> dict[str, float]:
    """Dataset attrs: every parameter as ``param_<name>``, and the (unpublished) bath cutoff as ``bath_cutoff``."""
    return {**{f"param_{k}": v for k, v in asdict(params).items()}, "bath_cutoff": params.cutoff}


@dataclass(frozen=True)
class _SteadyStateFunction:
    """Batched sweep function (a picklable object, so that process executors can run it)."""

    params: O3LParams
    kmax: int | None = None
    secular: bool = True

    def __call__(self, **values: np.ndarray) -> dict[str, np.ndarray]:
        ss = o3l_steady_state(self.params, kmax=self.kmax, secular=self.secular, **values)
        return {"C_inf": ss.concurrence, "P_eigen": ss.eigen_populations, "secular_parameter": ss.secular_parameter}


def o3l_sweep(
    axes: Sequence[Axis],
    params: O3LParams = O3LParams(),
    *,
    kmax: int | None = None,
    secular: bool = True,
    chunk_size: int = 4096,
    progress: bool = False,
    description: str = "O3L C_inf map",
    **sweep_kwargs: Any,
) -> xr.Dataset:
    r"""Steady-state map over any O3LParams fields (axis names = field names), via :func:`~lzsm_gates.sweeps.run_sweep`.

    Outputs: ``C_inf``, ``P_eigen`` (populations of the H0 levels, trailing dim ``P_eigen_dim0``)
    and ``secular_parameter``.  The base parameters are stored in the attrs (``param_<name>``),
    the bath cutoff also as ``bath_cutoff`` (an axis named ``cutoff`` overrides it point by point),
    and ``steady_state`` says ``"secular"`` or ``"non-secular"`` (``secular``, see :func:`o3l_steady_state`).
    """
    p = _check_params(params)
    names = {f.name for f in fields(O3LParams)}
    for ax in axes:
        if not isinstance(ax, Axis) or ax.name not in names:
            raise LZSMInputError(f"axes must be Axis objects named after O3LParams fields {sorted(names)}, got {ax!r}")
    attrs = {**_param_attrs(p), "steady_state": "secular" if secular else "non-secular"}
    sweep_kwargs.setdefault("cost", fixed_cost(5e3))  # one steady state ~30 ms ~ 5e3 Magnus point-steps (cost guard)
    return run_sweep(
        _SteadyStateFunction(p, kmax, bool(secular)),
        axes,
        outputs=_OUTPUTS,
        chunk_size=chunk_size,
        progress=progress,
        description=description,
        attrs={**attrs, **sweep_kwargs.pop("attrs", {})},
        **sweep_kwargs,
    )


def map_amplitude_detuning(
    amplitude: Any = None, eps0: Any = None, xi: float = 0.1, params: O3LParams = O3LParams(), **kw: Any
) -> xr.Dataset:
    r""":math:`C_\infty(A, \varepsilon_0)` (paper Fig. 2: ``xi = 1`` and ``xi = 0.1``); default 0..6 ω on 100 x 100."""
    a = np.linspace(0.0, 6.0, 100) if amplitude is None else amplitude
    e = np.linspace(0.0, 6.0, 100) if eps0 is None else eps0
    return o3l_sweep(
        [Axis.explicit("amplitude", a, "omega"), Axis.explicit("eps0", e, "omega")],
        replace(params, xi=xi),
        description=f"O3L C_inf(A, eps0), xi = {xi}",
        **kw,
    )


def map_xi_amplitude(
    xi: Any = None, amplitude: Any = None, eps0: float = 3.7, params: O3LParams = O3LParams(), **kw: Any
) -> xr.Dataset:
    r""":math:`C_\infty(\xi, A)` at :math:`\varepsilon_0 = 3.7` (paper Fig. 6)."""
    x = np.linspace(0.0, 1.0, 51) if xi is None else xi
    a = np.linspace(0.0, 6.0, 61) if amplitude is None else amplitude
    return o3l_sweep(
        [Axis.explicit("xi", x), Axis.explicit("amplitude", a, "omega")],
        replace(params, eps0=eps0),
        description="O3L C_inf(xi, A)",
        **kw,
    )


def cut_detuning(
    eps0: Any = None, amplitudes: Sequence[float] = (3.8, 1.5), params: O3LParams = O3LParams(), **kw: Any
) -> xr.Dataset:
    r""":math:`C_\infty(\varepsilon_0)` cuts at fixed amplitudes (paper Fig. 7; SE/ES resonances near 3.25 and 3.75)."""
    e = np.linspace(0.0, 6.0, 601) if eps0 is None else eps0
    return o3l_sweep(
        [Axis.explicit("amplitude", list(amplitudes), "omega"), Axis.explicit("eps0", e, "omega")],
        params,
        description="O3L C_inf(eps0) cuts",
        **kw,
    )


def map_coupling_detuning(
    J: Any = None, eps0: Any = None, amplitude: float = 3.8, params: O3LParams = O3LParams(), **kw: Any
) -> xr.Dataset:
    r""":math:`C_\infty(J, \varepsilon_0)` at fixed A (paper Fig. 11, App. D)."""
    j = np.linspace(-5.0, 5.0, 51) if J is None else J
    e = np.linspace(0.0, 6.0, 61) if eps0 is None else eps0
    return o3l_sweep(
        [Axis.explicit("J", j, "omega"), Axis.explicit("eps0", e, "omega")],
        replace(params, amplitude=amplitude),
        description="O3L C_inf(J, eps0)",
        **kw,
    )


def cutoff_dependence(
    cutoffs: Any = (5.0, 10.0, 20.0, 50.0, 100.0, 1000.0),
    eps0: Any = (3.25, 3.7, 3.75),
    params: O3LParams = O3LParams(),
    **kw: Any,
) -> xr.Dataset:
    r""":math:`C_\infty` versus the (unpublished) bath cutoff :math:`\omega_c` at a few detunings.

    Same outputs as :func:`o3l_sweep`, dims ``(cutoff, eps0)``; the sensitivity is
    ``ds.C_inf - ds.C_inf.sel(cutoff=DEFAULT_CUTOFF)``.
    """
    return o3l_sweep(
        [Axis.explicit("cutoff", cutoffs, "omega"), Axis.explicit("eps0", eps0, "omega")],
        params,
        description="O3L C_inf vs bath cutoff",
        **kw,
    )
