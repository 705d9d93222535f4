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
# # From a fluxonium to a pulse: spectrum, leakage, N-level design
#
# The two-level model is where a design starts.  A real fluxonium has more
# levels, and a strong one-period drive leaks into them.  This tutorial
# takes a fluxonium from its circuit parameters (scqubits), builds the
# N-level driven model with the qubit coupling mapped onto the two-level
# amplitude $A$, maps the leakage $L(A, \omega)$ of one drive period,
# refines a Hadamard in the N-level model, and prints and plots its pulse.
#
# Device: $E_J, E_C, E_L = 4, 1, 1$ GHz at half flux: a 582 MHz qubit whose
# third level sits 6.3 gaps above the qubit midpoint.  The gates paper's
# rule of thumb ($A$ below the third level) would allow $A \approx 6$; we
# will see leakage of $10^{-4}$ already near $A \approx 0.4$.
#
# Reduced mode: a 25 x 25 leakage map with 5 levels and one refined
# candidate; `LZSM_FULL=1`: 80 x 80 with 6 levels and three candidates.

# %%
# %matplotlib inline
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np

from lzsm_gates.devices import (
    design_multilevel,
    fluxonium,
    leakage_bound,
    leakage_map,
)

FULL = os.environ.get("LZSM_FULL", "0") == "1"
LEVELS = 6 if FULL else 5
N_MAP = 80 if FULL else 25
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # scqubits' optional-backend notices
    device = fluxonium(4.0, 1.0, 1.0, flux=0.5, levels=8, cutoff=110)

# %% [markdown]
# ## Spectrum and drive matrix elements
#
# Energies in units of the gap, qubit levels at $\mp 1/2$; the flux drive
# couples through $\varphi$, normalised so that $V_{01} = 1$ (module
# `lzsm_gates.devices.spectrum`).  At half flux $\varphi$ connects only
# levels of opposite parity.

# %%
model = device.model(LEVELS)
print(f"gap {device.gap_ghz * 1e3:.1f} MHz, third level {device.third_level():.2f} gaps above the midpoint")
print("levels (units of the gap):", np.round(device.scaled_energies(), 3))
print("|V_jk| / |V_01| (first rows):\n", np.round(np.abs(model.drive_operator[:3]), 3))
assert np.allclose(np.diag(model.static)[:2], [-0.5, 0.5])

# %% [markdown]
# ## Leakage map of one drive period
#
# The white line is the first-order amplitude bound for $L = 10^{-4}$
# (`leakage_bound`), the dashed one the rule of thumb.

# %%
amplitudes = np.linspace(0.02, 3.0, N_MAP)
frequencies = np.linspace(0.5, 4.0, N_MAP)
ds = leakage_map(model, amplitudes, frequencies)
fig, ax = plt.subplots(figsize=(6, 4))
im = ax.pcolormesh(frequencies, amplitudes, np.log10(ds["leakage"].values + 1e-16), vmin=-8, vmax=0, shading="auto")
ax.plot(frequencies, leakage_bound(model, frequencies, 1e-4), "w-", label="first-order bound, L = 1e-4")
ax.axhline(min(device.third_level(), amplitudes[-1]), color="k", ls="--", label="rule of thumb")
ax.set(xlabel=r"$\omega/\Delta$", ylabel=r"$A/\Delta$", ylim=(amplitudes[0], amplitudes[-1]))
fig.colorbar(im, label=r"$\log_{10} L$")
ax.legend(loc="upper right", fontsize=8)
print(f"fraction of the map with L < 1e-4: {float((ds['leakage'] < 1e-4).mean()):.2f}")

# %% [markdown]
# ## N-level design of a Hadamard
#
# Two-level CHRW proposals, scored in the N-level model with the optimal
# frames, the best refined over $(A, \omega)$; ranked by total error
# (subspace error with leakage counted as loss).

# %%
result = design_multilevel("h", device, LEVELS, n_refine=3 if FULL else 1)
print(result.table().splitlines()[0])
print("\n".join(result.table().splitlines()[1:6]))
best, two = result.best, result.two_level_best
print(f"\nN-level design: total error {best.total_error:.2e}, leakage {best.leakage:.2e}, {best.to_physical()['duration_ns']:.2f} ns")
print(f"two-level design on this device: total error {two.total_error:.2e}, leakage {two.leakage:.2e}, "
      f"{two.to_physical()['duration_ns']:.2f} ns")
print(f"price in duration of staying leakage-free: {device.device().time_to_ns(result.duration_price):.2f} ns")
assert best.total_error < two.total_error

# %% [markdown]
# ## Its pulse
#
# Idle, one sine period, idle, sampled at the AWG rate; the amplitude axis is
# the physical flux drive $\delta\Phi/\Phi_0 = a/(2\pi E_L)$ with
# $a = A\Delta/|\varphi_{01}|$.

# %%
phys = best.to_physical()
for key in ("amplitude_mhz", "frequency_mhz", "idle_before_ns", "period_ns", "idle_after_ns", "duration_ns"):
    print(f"{key:>16}: {phys[key]:.4f}")
dt = device.device().dt
samples = best.pulse.samples(model, dt)
flux_drive = device.physical_amplitude(samples) / (2 * np.pi * device.parameters["EL"])
t_ns = device.device().time_to_ns(best.pulse.times(dt))
fig2, ax2 = plt.subplots(figsize=(6, 2.5))
ax2.step(t_ns, flux_drive, where="mid")
ax2.set(xlabel="t (ns)", ylabel=r"$\delta\Phi/\Phi_0$")
print(f"peak flux drive {np.max(np.abs(flux_drive)):.4f} Phi_0")
