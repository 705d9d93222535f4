r"""O3L transition rates: golden rule (Eq. C1), perturbative (Eq. C2), Floquet, effective rates, and their parameter dependence."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

import numpy as np
import xarray as xr

from ..floquet import FloquetRates, floquet_basis, floquet_rates
from ..units import LZSMInputError, check_finite
from .model import o3l_coupling, o3l_eigenstates, o3l_model
from .params import O3LParams, _check_params, _param_attrs

__all__ = ["golden_rule_rates", "perturbative_rates", "o3l_floquet_rates", "effective_rates", "rates_vs_xi", "rates_vs_parameter"]


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
