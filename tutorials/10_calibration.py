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
# # Calibration in a handful of measurements
#
# The analytic design puts a gate's operating point close to where it must be,
# so a real device needs only fine-tuning, not a 2-D map of $P(A, \omega)$.
# Here a simulated device (`LZSMBackend`) hides a 3 % gap offset, a 7 %
# amplitude transfer error, a low-pass line and 2 % readout errors.  The
# calibration (`lzsm_gates.calibration`, built on Qiskit Experiments; install
# the extra `lzsm_gates[calibration]`) identifies the device from a few
# single pulses, re-designs the gate on it, calibrates the idle frame with a
# Ramsey experiment and fine-tunes by error amplification, fitting one device
# model to all counts by maximum likelihood.  The simulator's hidden truth is
# read only at the end, to judge the result.

# %%
# %matplotlib inline
import os

import matplotlib.pyplot as plt
import numpy as np

import lzsm_gates as lz
from lzsm_gates.calibration import calibrate_gate

FULL = os.environ.get("LZSM_FULL") == "1"
TARGETS = ("x", "sx", "h") if FULL else ("x",)

truth = lz.DeviceTruth((0.03,), {"d0": 0.93}, cutoff=15.0, readout=((0.02, 0.02),))
backend = lz.LZSMBackend(lz.DEFAULT_DEVICE, 1, truth=truth)

# %% [markdown]
# ## One gate, step by step
#
# Each step prints the settings it measured, the fitted gap and amplitude
# scale with their standard errors, the re-designed pulse (internal units:
# the nominal gap) and the estimated gate error from the fit's covariance.

# %%
reports = {t: calibrate_gate(backend, t, seed=11, log=print) for t in TARGETS}
print(reports["x"].table())

# %% [markdown]
# The identification experiment's data and the fitted model (first figure),
# and how the estimated error and the fitted parameters evolve over the steps:

# %%
report = reports["x"]
report.figures[0]

# %%
report.plot()

# %% [markdown]
# ## Against the 2-D map
#
# The map labs measure today has thousands of settings; the calibration above
# used a couple of dozen.  `benchmarks/bench_calibration.py` runs both on 20
# random devices.  Here, the exact map the device would show near the design
# point (computed from the hidden truth, for illustration only), with the
# nominal and the calibrated operating points:

# %%
from lzsm_gates.models import qubit_model
from lzsm_gates.propagate import period_propagator

a0, w0 = report.nominal_pulse.amplitude, report.nominal_pulse.frequency
amps, freqs = a0 * np.linspace(0.7, 1.3, 61), w0 * np.linspace(0.85, 1.15, 61)
true_amps = amps[:, None] * truth.transfer("d0", freqs[None, :])
p = np.abs(period_propagator(qubit_model(truth.gap(0)), true_amps, np.broadcast_to(freqs, true_amps.shape))[..., 1, 0]) ** 2
fig, ax = plt.subplots(figsize=(5, 4))
im = ax.pcolormesh(freqs, amps, p, shading="auto")
ax.plot(w0, a0, "wo", label="nominal design")
ax.plot(report.pulse.frequency, report.pulse.amplitude, "r*", ms=12, label="calibrated")
ax.set_xlabel(r"$\omega/\Delta$")
ax.set_ylabel(r"$A/\Delta$ (asked for)")
fig.colorbar(im, label="P on the true device")
ax.legend(fontsize=8)
plt.close(fig)
fig

# %%
for t, r in reports.items():
    print(f"{t}: {r.settings} settings, {r.shots} shots, true gate error {r.true_error:.1e} "
          f"(nominal design {r.nominal_true_error:.1e})")
