# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---


# %% [markdown]
# # Off-resonance three-level (O3L) steady-state entanglement (O3L paper Figs. 2, 3, 6, 7, 11)
#
# Two coupled flux qubits with an LZSM detuning drive
# $V(t) = -A\cos(\omega t)(\sigma_{z1}+\sigma_{z2})/2$ and one Ohmic bath
# coupled through $\gamma_1\sigma_{z1} + \gamma_2\sigma_{z2}$,
# $\gamma_2 = \xi\gamma_1$.  The paper's parameters (units of $\omega$):
# $\Delta_1 = 0.1$, $\Delta_2/\Delta_1 = 1.5$, $J = -2.5$, $T_b = 0.00467$,
# $\kappa = 0.001$.  The bath cutoff is not given in the paper; we use
# $\omega_c = 50\,\omega$ and show below that $C_\infty$ barely depends on it.
# The steady state is the period average of the Floquet-Born-Markov
# stationary state (`lzsm_gates.floquet`), its entanglement the Wootters
# concurrence.
#
# * **Fig. 2**: $C_\infty(A, \varepsilon_0)$ for $\xi = 1$ (no entanglement) and $\xi = 0.1$.
# * **Figs. 3, 8, 9**: populations and $C(t)$ from the separable ground state at the O3L point and at the resonances.
# * **Figs. 5, 10**: the dominant rates vs $\xi$ (golden rule, Floquet, effective Eq. C9).
# * **Fig. 6**: $C_\infty(\xi, A)$; **Fig. 7**: cuts vs $\varepsilon_0$ with the SE/ES resonances;
#   **Fig. 11**: $C_\infty(J, \varepsilon_0)$ (O3L needs $J < 0$).
#
# Reduced mode: 13 x 13 maps; `LZSM_FULL=1`: 100 x 100.

# %%
# %matplotlib inline
import os
from dataclasses import replace

import matplotlib.pyplot as plt
import numpy as np

from lzsm_gates import (
    O3LParams,
    cut_detuning,
    cutoff_dependence,
    map_amplitude_detuning,
    map_coupling_detuning,
    map_xi_amplitude,
    o3l_dynamics,
    plotting,
    rates_vs_xi,
    steady_state_concurrence,
)

FULL = os.environ.get("LZSM_FULL", "0") == "1"
N = 100 if FULL else 13

# %%
point = O3LParams(eps0=3.7, amplitude=3.8, xi=0.1, J=-2.5)
c_o3l = float(steady_state_concurrence(point))
c_sym = float(steady_state_concurrence(point, xi=1.0))
print(f"C_inf at the O3L point: {c_o3l:.4f} (xi = 0.1), {c_sym:.4f} (xi = 1)")
assert c_o3l > 0.9 and c_sym < 0.1

# %%
grid = np.linspace(0.0, 6.0, N)
for xi in (1.0, 0.1):
    ds = map_amplitude_detuning(grid, grid, xi=xi, progress=False)
    fig = plotting.plot_map(ds["C_inf"], vmin=0, vmax=1, title=f"Fig. 2: $C_\\infty$, ξ = {xi}", label=r"$C_\infty$")

# %% [markdown]
# ## Fig. 3: dynamics from the ground state

# %%
dyn = o3l_dynamics(point, np.unique(np.logspace(0, 4, 40 if FULL else 20).astype(int)))
fig3 = plotting.plot_o3l_dynamics(dyn)

# %% [markdown]
# ## Figs. 8, 9: dynamics at the SE (eps0 = 3.25) and ES (eps0 = 3.75) resonances
#
# At the resonances two levels are mixed by the drive and share the steady
# population, which caps the concurrence near 1/2.

# %%
for eps0, fig_name in ((3.25, "Fig. 8 (SE)"), (3.75, "Fig. 9 (ES)")):
    d = o3l_dynamics(replace(point, eps0=eps0), np.unique(np.logspace(0, 4, 40 if FULL else 20).astype(int)))
    f = plotting.plot_o3l_dynamics(d)
    f.suptitle(f"{fig_name}: eps0 = {eps0} omega")
    print(fig_name, "final populations", np.round(d["P"].isel(t=-1).values, 3), "C =", round(float(d["C"].isel(t=-1)), 3))

# %% [markdown]
# ## Figs. 6, 7, 11

# %%
fig6 = plotting.plot_map(
    map_xi_amplitude(np.linspace(0, 1, N), grid, progress=False)["C_inf"], vmin=0, vmax=1, title="Fig. 6", label=r"$C_\infty$"
)
cuts = cut_detuning(np.linspace(3.0, 4.0, 201 if FULL else 101), progress=False)
fig7, ax = plt.subplots(figsize=(6, 4))
cuts["C_inf"].plot.line(x="eps0", hue="amplitude", ax=ax)
ax.set_title("Fig. 7: $C_\\infty(\\varepsilon_0)$ (SE and ES resonances at 3.25, 3.75)")
fig11 = plotting.plot_map(
    map_coupling_detuning(np.linspace(-5, 5, N), grid, progress=False)["C_inf"], vmin=0, vmax=1, title="Fig. 11",
    label=r"$C_\infty$",
)

# %% [markdown]
# ## Figs. 5 and 10: which relaxation channel dominates
#
# $\Gamma_{12}$ (the O3L channel into the entangled state) dominates for small
# $\xi$, $\Gamma_{02}$ and $\Gamma_{23}$ near $\xi = 1$; the effective rates
# of Eq. C9 follow the Floquet rates.

# %%
rates = rates_vs_xi(np.linspace(0, 1, 21 if FULL else 11))
fig5 = plotting.plot_o3l_rates(rates)
assert float(rates["floquet"].sel(xi=0.0, transition="12")) > 10 * float(rates["floquet"].sel(xi=0.0, transition="02"))
assert float(rates["floquet"].sel(xi=1.0, transition="23")) > 10 * float(rates["floquet"].sel(xi=1.0, transition="12"))

# %% [markdown]
# ## Dependence on the unknown bath cutoff

# %%
cut = cutoff_dependence(progress=False)
print((cut["C_inf"] - cut["C_inf"].sel(cutoff=50.0, method="nearest")).to_pandas().round(4))
