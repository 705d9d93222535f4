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
# # Cavity-mediated steady-state entanglement with asymmetric couplings (cavity paper Figs. 1-5)
#
# Two qubits share one mode with couplings $g_1, g_2$ (units of $g_1$).
#
# * **Fig. 1**: closed system, $N_\mathrm{ph}$ photons.  A maximally
#   entangled state is reached above the threshold
#   $(g_2/g_1)_\mathrm{th} = 1/(1/c + \sqrt{1 + 1/c^2})$, $c = 2N_\mathrm{ph}+1$.
#   The threshold is found numerically as the coupling where the largest
#   excitation transfer to qubit 1 reaches 1/2 (a sharp criterion, unlike a
#   tolerance on the peak concurrence).
# * **Fig. 2**: driven-dissipative time evolution from $|0\,N_\mathrm{ph}\,1\rangle$
#   ($N_\mathrm{ph} = 1$, $g_2 = g_1$): $\langle s^z_i\rangle(t)$ and $E(t)$ without
#   drive (everything decays) and with $d = 0.01\,g_1$ (finite steady entanglement).
# * **Fig. 3**: driven-dissipative steady-state concurrence
#   $E_{ss}(g_2/g_1, d)$ with the paper's $\kappa = g_1$, $\gamma = 0.005 g_1$,
#   $\omega = 50 g_1$, $\varepsilon = 10 g_1$, $\omega_d = 9.99 g_1$, drive
#   $d$ on qubit 2, from a direct linear solve of the Lindblad equation with
#   a converged Fock cutoff: non-monotonic in $d$, with a valley of zero
#   entanglement that opens with $d$.
# * **Fig. 4**: the drive of the $E_{ss}$ peak vs $g_2/g_1$ (falls as
#   $g_2/g_1$ falls from 1, then saturates and turns around below about 0.35)
#   and the valley edges vs $d$.
# * **Fig. 5**: cross-correlation $C_{ss}$.
#
# Reduced mode: 16 x 12 map; `LZSM_FULL=1`: 61 x 41.

# %%
# %matplotlib inline
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from lzsm_gates import (
    CavityParams,
    cavity_map,
    cavity_open_dynamics,
    cavity_steady_state,
    drive_at_peak,
    entanglement_valley,
    mes_threshold,
    mes_threshold_analytic,
    peak_concurrence,
    plotting,
)

FULL = os.environ.get("LZSM_FULL", "0") == "1"
FIGURES = os.environ.get("LZSM_FIGURES")  # set to a folder to save the PNGs

# %% [markdown]
# ## Fig. 1: MES thresholds, numerical (full and dispersive models) vs analytic

# %%
for n_ph in (0, 1, 2):
    exact = mes_threshold(n_ph)
    dispersive = mes_threshold(n_ph, model="dispersive")
    analytic = float(mes_threshold_analytic(n_ph))
    print(f"Nph = {n_ph}: full {exact:.6f}, dispersive {dispersive:.6f}, analytic {analytic:.6f}")
    assert abs(exact / analytic - 1) < 1e-3

g2_grid = np.linspace(0.2, 1.0, 33 if FULL else 11)
peaks = {n: np.array([peak_concurrence(CavityParams(g2=g), n) for g in g2_grid]) for n in (0, 1, 2)}
fig1 = plotting.plot_peak_concurrence(g2_grid, peaks, {n: float(mes_threshold_analytic(n)) for n in (0, 1, 2)})

# %% [markdown]
# ## Fig. 2: driven-dissipative dynamics
#
# The Lindblad equation (paper Eqs. 6-7, $\kappa = g_1$, $\gamma = 0.005\,g_1$) integrated
# exactly on a time grid from $|0\rangle_1|1\rangle_2|N_\mathrm{ph} = 1\rangle$.  The
# exchange through virtual photons entangles the qubits within $t \sim 1/J = \delta/(g_1g_2)$;
# without drive the qubits then relax to $|00\rangle$ and $E \to 0$, with $d = 0.01\,g_1$ on
# qubit 2 the state settles at the steady state of Fig. 3.

# %%
times = np.linspace(0.0, 2500.0, 2501 if FULL else 501)
fig2, axes = plt.subplots(1, 2, figsize=(12, 4), constrained_layout=True, sharey=True)
for ax, drive, panel in zip(axes, (0.0, 0.01), ("(a) d = 0", "(b) d = 0.01 $g_1$")):
    run = cavity_open_dynamics(CavityParams(g2=1.0, drive=drive), times, n_photons=1)
    ax.plot(run.times, run.sz[:, 0], "-", label=r"$\langle s^z_1\rangle$")
    ax.plot(run.times, run.sz[:, 1], "--", label=r"$\langle s^z_2\rangle$")
    ax.set_xlabel("$g_1 t$")
    ax.set_title(f"Fig. 2{panel}")
    inset = ax.inset_axes([0.55, 0.55, 0.4, 0.35])
    inset.plot(run.times, run.concurrence, color="C3")
    inset.set_title("E(t)", fontsize=9)
    inset.tick_params(labelsize=8)
    steady = cavity_steady_state(CavityParams(g2=1.0, drive=drive)).concurrence
    print(f"d = {drive}: E(t_end) = {run.concurrence[-1]:.4f}, E_ss = {steady:.4f}, "
          f"<s_z>(t_end) = {run.sz[-1].round(3)}, n_fock = {run.n_fock}")
    assert abs(run.concurrence[-1] - steady) < 5e-3
axes[0].set_ylabel(r"$\langle s^z_i\rangle$")
axes[0].legend(loc="center right")
if FIGURES:
    Path(FIGURES).mkdir(parents=True, exist_ok=True)
    fig2.savefig(Path(FIGURES) / "06_fig2_dynamics.png", dpi=100)

# %% [markdown]
# ## Fig. 3: steady-state concurrence over coupling ratio and drive

# %%
g2 = np.linspace(0.1, 1.0, 61 if FULL else 16)
d = np.linspace(0.002, 0.016, 41 if FULL else 12)
ess = cavity_map(g2, d, outputs=("concurrence", "cross_correlation"), progress=False)
fig3 = plotting.plot_map(ess["concurrence"], cmap="viridis", title="Fig. 3: $E_{ss}$", label="$E_{ss}$")
fig3.axes[0].set_xlabel("$d/g_1$")
fig3.axes[0].set_ylabel("$g_2/g_1$")

# %% [markdown]
# ## Fig. 4: where the peak and the valley are

# %%
ratios = np.array([1.0, 0.8, 0.6, 0.4, 0.3, 0.2]) if not FULL else np.linspace(1.0, 0.1, 10)
peaks = np.array([drive_at_peak(r)[0] for r in ratios])
drives = np.array([0.011, 0.013, 0.016])
valleys = np.array([entanglement_valley(x) for x in drives])
fig4, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
ax1.plot(ratios, peaks, "o-")
ax1.set_xlabel("$g_2/g_1$")
ax1.set_ylabel("drive of the $E_{ss}$ peak, $d/g_1$")
ax1.set_title("Fig. 4: peak drive")
ax2.plot(drives, valleys[:, 0], "o-", label="lower edge")
ax2.plot(drives, valleys[:, 1], "s-", label="upper edge")
ax2.set_xlabel("$d/g_1$")
ax2.set_ylabel("$g_2/g_1$")
ax2.set_title("Fig. 4: valley of zero $E_{ss}$")
ax2.legend()
print("peak drive:", dict(zip(ratios.round(2), peaks.round(5))))

# %% [markdown]
# ## Fig. 5: cross-correlation (finite where the driven qubit's inversion does not vanish)

# %%
# C_ss diverges where <s_z> of the driven qubit changes sign: clip the colour scale to the paper's range
fig5 = plotting.plot_map(
    ess["cross_correlation"], cmap="coolwarm", vmin=-1, vmax=5, title="Fig. 5: $C_{ss}$", label="$C_{ss}$"
)
