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
# # Relaxation and decoherence under strong drive, and the optimal region (gates paper Figs. 6, 7)
#
# Noise couples through the drive channel, $X = \sigma_x$, to an Ohmic bath
# $J(\omega) = \kappa\,\omega\,e^{-|\omega|/\omega_c}$ at temperature $T_b$.
# The secular Floquet-Born-Markov rates (`lzsm_gates.floquet`) give
# $\Gamma_1 = \Gamma_\downarrow + \Gamma_\uparrow$ between the two Floquet
# states and the pure dephasing $\Gamma_\varphi$ from the $k \neq 0$
# diagonal sidebands; $\Gamma_2 = \Gamma_1/2 + \Gamma_\varphi$.
#
# * **Fig. 6**: rates vs $A$ at $\omega = 3\Delta$, exact (numerical Floquet)
#   and CHRW.  $\Gamma_1$ falls with $A$ while $\Gamma_\varphi$ grows from 0
#   (sweet spot at $A = 0$).
# * **Fig. 7**: maps of $\Gamma_1$ and $\Gamma_2$ over $(\omega, A)$ with the
#   operating points of $X$ and $H$ overlaid.  Dark streaks at larger $A$ and
#   low $\omega$ are quasienergy crossings, where the secular approximation
#   breaks down (flagged by `secular_parameter`).
# * The optimal region *computed*: the average gate error of each candidate
#   of $X$, $H$, $\sqrt{X}$ under the bath (coherent + incoherent), from the
#   gate channel of the time-dependent Floquet-Redfield equation
#   (`lzsm_gates.noise`, `lzsm_gates.redfield`).
# * Inside the pulse: the time-resolved noisy evolution (`open_evolution`)
#   against the period-averaged generator.
#
# Parameters: the paper's exact noise strength and temperature were lost in
# the text we have; we use $\kappa = 10^{-3}$, $T_b = 0.1\Delta$ (low
# temperature, as the paper's Fig. 6).  Reduced mode: 41 x 41 map;
# `LZSM_FULL=1`: 121 x 121.

# %%
# %matplotlib inline
import os

import numpy as np

from lzsm_gates import Bath, design_gate, operating_curve, plotting, rate_map
from lzsm_gates.noise import noisy_gate_error, open_system_error

FULL = os.environ.get("LZSM_FULL", "0") == "1"
N = 121 if FULL else 41
bath = Bath.ohmic(1e-3, temperature=0.1)

# %%
rates = rate_map(np.linspace(0.0, 3.0, N), np.linspace(1.0, 5.0, N), bath, progress=False)
fig6 = plotting.plot_rates_cut(rates, 3.0)
cut = rates.sel(omega=3.0, method="nearest").sel(A=slice(0, 1.5))
assert np.all(np.diff(cut["gamma1"]) < 0) and np.all(np.diff(cut["gamma_phi"]) > 0)

# %%
curves = {name: operating_curve(name) for name in ("x", "h")}
fig7 = plotting.plot_rate_maps(rates, curves)
print("points near quasienergy crossings (secular parameter > 0.1):", int((rates["secular_parameter"] > 0.1).sum()))

# %% [markdown]
# ## The noise-aware optimum along each target's curve

# %%
results = {
    name: design_gate(name, rank="open_system", open_system=open_system_error(bath), n_refine=1)
    for name in ("x", "h", "sx")
}
for name, result in results.items():
    best = result.best
    budget = noisy_gate_error(best.pulse, best.target.matrix, bath)
    phys = best.to_physical()
    print(
        f"{name:>2}: A = {best.pulse.amplitude:.3f} Δ, ω = {best.pulse.frequency:.3f} Δ, "
        f"duration {phys['duration_ns']:.1f} ns, total error {budget.total_error:.2e} "
        f"(coherent {budget.coherent_error:.1e}), Γ1 = {budget.gamma1:.2e} Δ, Γφ = {budget.gamma_phi:.2e} Δ"
    )
fig = plotting.plot_error_along_curves(results)

# %% [markdown]
# The incoherent error is of order $t_\mathrm{gate}(\Gamma_1 + \Gamma_\varphi)/3$:
# larger $A$ lowers $\Gamma_1$ but raises $\Gamma_\varphi$, and idles count
# with the undriven rates, so the optimum sits where the total duration is
# short and $\Gamma_1$ already suppressed, at the high-frequency end of each
# target's main lobe, as the paper concludes.


# %% [markdown]
# ## Inside the pulse: time-resolved noisy evolution
#
# `open_evolution` follows the state through the pulse (QuTiP-like `tlist`,
# `e_ops`).  The full time-dependent Floquet-Redfield generator and its
# period average give the same gate fidelity to second order in the
# coupling, but not the same states: the average misses terms of first order.
# A stronger bath ($\kappa = 10^{-2}$) makes the difference visible.

# %%
import matplotlib.pyplot as plt

from lzsm_gates import PAULI_Y, PAULI_Z, open_evolution

x_gate = results["x"].best.pulse
strong = Bath.ohmic(1e-2, 20.0, 0.5)
tlist = np.linspace(0.0, x_gate.duration, 121)
e_ops = {"y": PAULI_Y, "z": PAULI_Z}
psi0 = np.array([1.0, 1.0]) / np.sqrt(2)
full = open_evolution(x_gate, psi0, tlist, strong, e_ops=e_ops)
averaged = open_evolution(x_gate, psi0, tlist, strong, e_ops=e_ops, method="averaged")
fig, ax = plt.subplots(figsize=(6, 3.5))
for key, style in (("y", "-"), ("z", "--")):
    ax.plot(tlist, full.expect[key], style, color="C0", label=f"<σ{key}> Redfield")
    ax.plot(tlist, averaged.expect[key], style, color="C1", label=f"<σ{key}> period average")
ax.axvspan(x_gate.idle_before, x_gate.idle_before + x_gate.period, color="0.9", label="drive period")
ax.set_xlabel("t (1/Δ)")
ax.legend(fontsize=7)
fig.tight_layout()
print("Markov check (memory time / period):", full.options["markov_ratios"])
print("final <σy>: Redfield", round(full.expect["y"][-1], 5), "period average", round(averaged.expect["y"][-1], 5))
