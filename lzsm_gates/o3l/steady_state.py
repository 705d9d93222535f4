r"""O3L steady states (secular and non-secular Floquet-Born-Markov), their concurrence, and the dynamics."""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Mapping

import numpy as np
import xarray as xr

from ..floquet import FloquetBasis, FloquetOptions, _default_times, default_kmax, floquet_basis, population_dynamics, stationary_populations, stationary_state
from ..metrics import concurrence
from ..models import DrivenModel
from ..propagate import compiled_backend
from ..units import LZSMInputError, check_finite, check_positive
from .model import O3LSecularWarning, _static_part, o3l_coupling, o3l_model
from .params import O3LParams, _BATH_FIELDS, _MODEL_FIELDS, _check_params, _param_attrs
from ..version import Provenance

__all__ = ["O3LSteadyState", "o3l_steady_state", "steady_state_concurrence", "o3l_dynamics"]


@dataclass(frozen=True)
class O3LSteadyState(Provenance):
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
