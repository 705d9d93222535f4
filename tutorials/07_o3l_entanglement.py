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
# # Off-resonance three-level (O3L) steady-state entanglement (O3L paper Figs. 2, 3, 5-7, 10-12)
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
# * **Fig. 12**: the Floquet rates vs $\xi$ for $J = +2.5$, and the rates vs $J$.
# * Beyond the paper: independent and partly correlated baths, $T_b = 0$, the non-secular
#   steady state, and the dependence on the unpublished bath cutoff.
#
# Reduced mode: 13 x 13 maps; `LZSM_FULL=1`: 100 x 100.

# %%
# %matplotlib inline
import os
from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from lzsm_gates import (
    Axis,
    O3LParams,
    cut_detuning,
    cutoff_dependence,
    map_amplitude_detuning,
    map_coupling_detuning,
    map_xi_amplitude,
    o3l_dynamics,
    o3l_steady_state,
    o3l_sweep,
    plotting,
    rates_vs_parameter,
    rates_vs_xi,
    steady_state_concurrence,
)

FULL = os.environ.get("LZSM_FULL", "0") == "1"
FIGURES = os.environ.get("LZSM_FIGURES")  # set to a folder to save the PNGs
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
# ## Fig. 12: the rates for J > 0, and their J dependence
#
# For $J > 0$ the Bell states swap places ($|1\rangle = |e_+\rangle$, $|2\rangle = |e_-\rangle$).
# The Floquet rate $[\Gamma_{12}]_F$ still vanishes at $\xi = 1$ for both signs of $J$
# (Figs. 5b and 12), but for $J > 0$ and small $\xi$ the decay $|2\rangle \to |0\rangle$
# ($[\Gamma_{02}]_F$) competes with $|2\rangle \to |1\rangle$ and drains the entangled state
# towards the separable ground state, so O3L is suppressed (Fig. 11, right half).

# %%
xis = np.linspace(0, 1, 21 if FULL else 11)
fig12_data = {j: rates_vs_xi(xis, replace(point, J=j))["floquet"] for j in (-2.5, 2.5)}
couplings = np.linspace(-5, 5, 41 if FULL else 21)
couplings = couplings[np.abs(couplings) > 0.3]  # |J| > 2 Delta: Bell-like levels
vs_j = rates_vs_parameter("J", couplings, point)["floquet"]
fig12, axes = plt.subplots(1, 3, figsize=(14, 4), constrained_layout=True)
for ax, (j, flo) in zip(axes[:2], fig12_data.items()):
    for t in flo["transition"].values:
        ax.semilogy(xis, np.maximum(flo.sel(transition=t), 1e-12), label=rf"$[\Gamma_{{{t}}}]_F$")
    ax.set_xlabel(r"$\xi$")
    ax.set_title(f"J = {j:+g}" + (" (Fig. 5b)" if j < 0 else " (Fig. 12)"))
for t in vs_j["transition"].values:
    axes[2].semilogy(couplings, np.maximum(vs_j.sel(transition=t), 1e-12), ".-", label=rf"$[\Gamma_{{{t}}}]_F$")
axes[2].set_xlabel(r"$J/\omega$")
axes[2].set_title(r"rates vs J ($\xi$ = 0.1, A = 3.8, $\varepsilon_0$ = 3.7)")
axes[0].set_ylabel(r"rate / $\omega$")
axes[0].legend(fontsize=8)
if FIGURES:
    Path(FIGURES).mkdir(parents=True, exist_ok=True)
    fig12.savefig(Path(FIGURES) / "07_fig12_rates.png", dpi=100)
pos, neg = fig12_data[2.5], fig12_data[-2.5]
for flo in (pos, neg):  # [Gamma_12]_F ~ 0 at xi = 1 for both signs of J
    assert float(flo.sel(xi=1.0, transition="12")) < 1e-3 * float(flo.sel(xi=0.0, transition="12"))
# J > 0: |2> -> |0> is ten times faster than for J < 0 and competes with |2> -> |1>
assert float(pos.sel(xi=0.1, transition="02")) > 5 * float(neg.sel(xi=0.1, transition="02"))

# %% [markdown]
# ## Independent and partly correlated baths, T = 0, non-secular steady state
#
# The "no entanglement at $\xi = 1$" conclusion needs one common bath (correlation $c = 1$):
# the cross term that closes the $|2\rangle \to |1\rangle$ channel is then exact.  For
# independent baths ($c = 0$) the channel stays open, and already $c = 0.8$ gives $C_\infty > 0.9$:
# only an exactly common bath closes it.  The vacuum ($T_b = 0$) changes little,
# and the non-secular $Q = 0$ steady state agrees with the secular one.

# %%
corr = np.linspace(0.0, 1.0, 11 if FULL else 6)
c_corr = steady_state_concurrence(point, xi=1.0, correlation=corr)
print("C_inf at xi = 1 vs bath correlation c:", ", ".join(f"c = {c:.1f}: {v:.3f}" for c, v in zip(corr, c_corr)))
assert c_corr[0] > 0.9 and c_corr[-1] < 0.01
cold = o3l_steady_state(point, temperature=0.0)
full = o3l_steady_state(point, secular=False)
print(f"T_b = 0: C_inf = {float(cold.concurrence):.4f}; non-secular: {float(full.concurrence):.4f}; "
      f"secular parameter {float(full.secular_parameter):.2f}; bath cutoff {float(full.cutoff):g} omega")

# %% [markdown]
# ## Dependence on the unpublished bath cutoff
#
# The paper does not give $\omega_c$.  The change of $C_\infty$ against the default
# $\omega_c = 50\,\omega$ over the Fig. 2 plane: a few hundredths at worst for
# $\omega_c \ge 20$, much more for a cutoff comparable to the transition energies
# (docs: Physics, Sec. 6.1, has the table on a finer grid).

# %%
cut = cutoff_dependence(cutoffs=(5.0, 10.0, 20.0, 50.0, 100.0, 1000.0), eps0=np.linspace(0, 6, 13 if FULL else 7),
                        progress=False)
print((cut["C_inf"] - cut["C_inf"].sel(cutoff=50.0)).to_pandas().round(4))
study = o3l_sweep(
    [Axis.explicit("cutoff", [10.0, 20.0, 50.0, 100.0, 1000.0]), Axis.explicit("amplitude", np.linspace(0, 6, N)),
     Axis.explicit("eps0", np.linspace(0, 6, N))],
    point,
)
change = np.abs(study["C_inf"] - study["C_inf"].sel(cutoff=50.0))
print("max |dC_inf| over the plane:", change.max(["amplitude", "eps0"]).to_pandas().round(4).to_dict())
assert float(change.sel(cutoff=[20.0, 100.0, 1000.0]).max()) < 0.05
