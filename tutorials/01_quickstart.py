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
# # Quickstart: a fast gate on a 20 MHz qubit in five minutes
#
# This notebook designs a $\sqrt{X}$ gate for a small-gap qubit with
# $\Delta/2\pi = 20$ MHz (a heavy-fluxonium scale, the default `Device`),
# driven by one period of a strong, non-resonant sine
#
# $$H(t) = -\frac{\Delta}{2}\sigma_z + A\sin(\omega t)\,\sigma_x ,\qquad 0 \le t \le T = 2\pi/\omega ,$$
#
# framed by idle times (or zero-duration virtual-Z frame changes).  It
# reproduces no paper figure: it is the workflow of the docs' Physics page,
# Sec. 3 (CHRW proposal, then exact refinement) in the units an AWG needs.
#
# Runtime: a few seconds.  Every tutorial reads the environment variable
# `LZSM_FULL` (`LZSM_FULL=1` selects the paper-resolution grids); this one
# has no grid to refine.

# %%
import os
from pathlib import Path

import numpy as np

import lzsm_gates as lz

FULL = os.environ.get("LZSM_FULL", "0") == "1"
FIGURES = os.environ.get("LZSM_FIGURES")  # set to a folder to save the PNGs

# %% [markdown]
# ## 1. The device and the design
#
# Internally every energy is in units of the gap $\Delta$ and every time in
# units of $1/\Delta$; the `Device` converts at the edges.  `design_gate`
# (i) finds the CHRW operating curve $P_\mathrm{CHRW}(A, \omega) = |V_{10}|^2$
# inside the device bounds, (ii) evaluates every proposal with exact
# propagation and ranks them (here by total duration), (iii) refines the
# best ones exactly and solves for the idle times.

# %%
dev = lz.Device.from_gap(20, "MHz")
print(dev)
result = lz.design_gate("sx", dev)
print(result.table().splitlines()[0])
print("\n".join(result.table().splitlines()[1:8]))

# %% [markdown]
# The columns are the AWG table: amplitude $A/2\pi$ and frequency
# $\omega/2\pi$ in MHz, the period, the idle times before/after and the total
# duration in ns, the total with virtual-Z frame changes instead of idles,
# the CHRW approximation error of the proposal and the exact gate error
# $1-F$ (Pedersen fidelity) of the pulse.  Refined rows reach the
# propagator accuracy.

# %%
best = result.best
phys = best.to_physical()
for key, value in phys.items():
    print(f"{key:>22}: {value: .4f}")
assert best.refined and best.exact_error < 1e-10
assert abs(phys["period_ns"] - 1e3 / phys["frequency_mhz"]) < 1e-9

# %% [markdown]
# ## 2. End-to-end check with qiskit-dynamics
#
# `pulse.propagator` uses the library's batched sixth-order Magnus
# propagator plus analytic idles.  `pulse.simulate` is an independent route:
# an adaptive qiskit-dynamics solve (DOP853) of the pulse as a `Signal`.

# %%
model = lz.qubit_model()
u_magnus = best.pulse.propagator(model)
u_dynamics = best.pulse.simulate(model)
err_dynamics = lz.gate_error(best.target.matrix, u_dynamics)
print(f"exact gate error, Magnus propagator : {lz.gate_error(best.target.matrix, u_magnus):.2e}")
print(f"exact gate error, qiskit-dynamics   : {err_dynamics:.2e}")
print(f"distance between the two unitaries  : {lz.gate_error(u_magnus, u_dynamics):.2e}")
assert err_dynamics < 1e-9

# %% [markdown]
# The virtual-Z alternative replaces the idles by frame phases: only the
# drive period remains.

# %%
vz = best.virtual_z_pulse
print(vz)
print(f"duration {dev.time_to_ns(vz.duration):.2f} ns instead of {phys['duration_ns']:.2f} ns, "
      f"gate error {lz.gate_error(best.target.matrix, vz.simulate(model)):.1e}")

# %% [markdown]
# ## 3. AWG samples
#
# `pulse.samples(model, dt)` evaluates the drive at the midpoints of
# `dt`-long samples covering the whole pulse (idles are zeros).  The AWG
# sample time of the device is 0.1 ns; `dev.dt` is that in units of
# $1/\Delta$.  Samples are in units of $\Delta$: multiply by
# $\Delta/2\pi = 20$ MHz to get $A\sin(\omega t)/2\pi$ in MHz.

# %%
import matplotlib.pyplot as plt

t = best.pulse.times(dev.dt)
samples = best.pulse.samples(model, dev.dt)
print(f"{samples.size} samples of {dev.dt_ns} ns, peak |A sin| = {np.abs(samples).max():.4f} Delta")
assert np.isclose(np.abs(samples).max(), best.pulse.amplitude, rtol=1e-3)
assert abs(samples.sum() * dev.dt) < 1e-2 * best.pulse.amplitude * best.pulse.period  # one full period: zero area

fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(dev.time_to_ns(t), samples * dev.gap_hz / 1e6, ".-", ms=2)
ax.set_xlabel("t (ns)")
ax.set_ylabel(r"$A\sin(\omega t)/2\pi$ (MHz)")
ax.set_title(r"$\sqrt{X}$ pulse: idle, one period, idle")
if FIGURES:
    Path(FIGURES).mkdir(parents=True, exist_ok=True)
    fig.savefig(Path(FIGURES) / "01_samples.png", dpi=110)
plt.show()

# %% [markdown]
# Piecewise-constant playback of these samples is itself a good gate: the
# error below comes from the sample-and-hold discretisation at 0.1 ns.

# %%
from lzsm_gates.propagate import static_propagator

h0 = model.static
u = np.eye(2, dtype=complex)
for s in samples:
    u = static_propagator(h0 + s * model.drive_operator, dev.dt) @ u
print(f"sample-and-hold gate error at dt = {dev.dt_ns} ns: {lz.gate_error(best.target.matrix, u):.1e}")

# %% [markdown]
# ## 4. Save and reload the design
#
# `DesignResult.to_json` is what `lzsm-gates design --target sx` writes.

# %%
text = result.to_json()
again = lz.DesignResult.from_json(text)[0]
assert again.pulse == best.pulse
print(f"{len(text)} characters of JSON, {len(lz.DesignResult.from_json(text))} candidates")
