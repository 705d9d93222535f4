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
# # Single-qubit gates, operating curves and the identity (gates paper Figs. 3, 4a, 4b)
#
# * **Fig. 3**: exact gate error $1-F$ of one drive period (no idle) against
#   the target $Y$ (a $\pi$ rotation about $y$, reachable by one period
#   alone since $U(T)$ is a rotation about an axis in the $y$-$z$ plane),
#   around the operating point with the largest frequency; the minimum sits
#   at the numerical precision and on the CHRW prediction.
# * **Fig. 4a**: operating curves in $(\omega, A)$ of the $P = 1/2$ gates
#   ($\sqrt{X}$ and Hadamard share the curve $P(A,\omega) = 1/2$ and differ
#   only in their idle times), with the closed contour that limits how fast
#   they can be; the low-frequency branches, where CHRW fails, from the
#   exact map as in the paper.
# * **Fig. 4b**: the one-period identity $U(T) = \pm I$ (paper Eq. 23,
#   $\Omega = n\omega$), available at arbitrarily large $\omega$ and $A$.
#
# Then what the paper leaves to the reader: ranking the candidates (total
# duration with idles, approximation error, robustness to calibration
# errors) and virtual-Z frames.
#
# Units: $A, \omega$ in units of $\Delta$ as in the paper; tables in
# physical units for the default 20 MHz device.  Reduced mode: 41 x 41
# error landscape and a 60 x 60 exact map; `LZSM_FULL=1`: 121 x 121 and
# 200 x 200.

# %%
import os
from pathlib import Path

import numpy as np

import lzsm_gates as lz
from lzsm_gates import plotting
from lzsm_gates.maps import error_landscape

# %matplotlib inline
import matplotlib.pyplot as plt

FULL = os.environ.get("LZSM_FULL", "0") == "1"
FIGURES = os.environ.get("LZSM_FIGURES")
N_LANDSCAPE = 121 if FULL else 41
N_MAP = 200 if FULL else 60
dev = lz.DEFAULT_DEVICE
model = lz.qubit_model()


def save(fig, name):
    if FIGURES:
        Path(FIGURES).mkdir(parents=True, exist_ok=True)
        fig.savefig(Path(FIGURES) / name, dpi=110)


# %% [markdown]
# ## Fig. 3: the $Y$ gate from one period
#
# `design_gate("y")` finds the $P = 1$ points (isolated in $(A, \omega)$)
# from CHRW and refines them exactly; the best one needs no idle.

# %%
y = lz.design_gate("y", dev)
print(y.table())
yb = y.best
print(f"CHRW proposal (A, omega) = ({yb.proposal[0]:.6f}, {yb.proposal[1]:.6f}), "
      f"exact (A, omega) = ({yb.pulse.amplitude:.6f}, {yb.pulse.frequency:.6f})")
assert yb.exact_error < 1e-10
assert abs(yb.moved["amplitude"]) < 1e-2 and abs(yb.moved["frequency"]) < 1e-2

# %%
land = error_landscape(yb.pulse, lz.resolve_target("y").matrix, model, span=0.08, num=N_LANDSCAPE, progress=False)
fig = plotting.plot_error_landscape(land, title=r"exact error of one period vs. $Y$ (Fig. 3)")
fig.axes[0].plot(yb.proposal[1], yb.proposal[0], "wx", ms=8, label="CHRW proposal")
fig.axes[0].legend(loc="upper right")
save(fig, "03_fig3_y_landscape.png")
plt.show()
print(f"error at the centre (exact operating point): {float(land['gate_error'].min()):.1e}")

# %% [markdown]
# ## Fig. 4a: operating curves of the $P = 1/2$ gates
#
# Markers: the CHRW operating curve (`operating_curve`) of $\sqrt{X}$ and
# of the Hadamard; they coincide.  Lines: the exact contour $P = 1/2$ from
# an exact map, which also shows the low-frequency lobes.

# %%
curves = {name: lz.operating_curve(name, dev) for name in ("sx", "h")}
fig = plotting.plot_operating_curves({r"$\sqrt{X}$ (CHRW)": curves["sx"], "H (CHRW)": curves["h"]},
                                     title=r"$P(A,\omega)=1/2$ gates (Fig. 4a)")
exact = lz.lzsm_map(np.linspace(0.05, 8, N_MAP), np.linspace(0.3, 8, N_MAP), approximations=[], progress=False)
fig.axes[0].contour(exact["omega"], exact["A"], exact["P_exact"], levels=[0.5], colors="k", linewidths=0.8)
fig.axes[0].plot([], [], "k-", lw=0.8, label="exact P = 1/2")
fig.axes[0].legend(markerscale=3)
save(fig, "03_fig4a_operating_curves.png")
plt.show()
sx = curves["sx"]
main = sx.branch <= 1
print(f"{len(sx)} CHRW points; main lobe up to omega = {sx.frequency.max():.3f} Delta "
      f"(period >= {dev.time_to_ns(2 * np.pi / sx.frequency.max()):.1f} ns at 20 MHz)")
assert np.allclose(curves["sx"].amplitude, curves["h"].amplitude)

# %% [markdown]
# The contour closes: $P \ge 1/2$ gates have an upper frequency limit, so
# they cannot be made arbitrarily fast.  And because the idles can reach
# $2\pi/\Delta$, the largest $\omega$ is not the shortest total gate:

# %%
d = sx.duration
i_fast, i_wmax = int(np.argmin(d)), int(np.argmax(sx.frequency))
for label, i in [("shortest total", i_fast), ("largest omega", i_wmax)]:
    print(f"{label:>15}: omega = {sx.frequency[i]:.3f}, A = {sx.amplitude[i]:.3f}, "
          f"period {dev.time_to_ns(2 * np.pi / sx.frequency[i]):.2f} ns, total {dev.time_to_ns(d[i]):.2f} ns")

# %% [markdown]
# ## Fig. 4b: identities $U(T) = \pm I$ of variable duration

# %%
ident = lz.identity_curve(dev)
fig = plotting.plot_operating_curves({r"$U(T)=\pm I$ (CHRW, Eq. 23)": ident}, title="identity (Fig. 4b)")
save(fig, "03_fig4b_identity.png")
plt.show()
for ns in (10.0, 20.0, 40.0):
    g = lz.design_identity(dev.time_from_ns(ns), dev)
    print(f"identity of {ns:>4.0f} ns: A/2pi = {dev.frequency_to_hz(g.pulse.amplitude) / 1e6:7.3f} MHz, "
          f"f = {dev.frequency_to_hz(g.pulse.frequency) / 1e6:6.2f} MHz, exact error {g.exact_error:.1e}")
    assert g.exact_error < 1e-8

# %% [markdown]
# ## Ranking: fastest, most accurate approximation, most robust
#
# The same target, three criteria.  `"robustness"` ranks by
# $\sum_p k_p (\delta p/p)^2$ with the second-order error coefficients
# $k_p$ of `sensitivity` (amplitude, frequency, gap) and the relative
# miscalibrations of `DEFAULT_MISCALIBRATION`.

# %%
print("relative miscalibrations:", lz.DEFAULT_MISCALIBRATION)
for rank in ("duration", "approximation", "robustness"):
    r = lz.design_gate("h", dev, rank=rank)
    b = r.best
    s = b.sensitivities or lz.sensitivity(b)
    p = b.to_physical()
    print(f"{rank:>13}: total {p['duration_ns']:6.2f} ns (virtual Z {p['duration_virtual_z_ns']:6.2f} ns), "
          f"A/2pi {p['amplitude_mhz']:6.2f} MHz, f {p['frequency_mhz']:6.2f} MHz, CHRW err {b.approximation_error:.1e}, "
          f"k_A {s['amplitude']:.2f}, k_w {s['frequency']:.2f}, k_gap {s['gap']:.2f}")

# %% [markdown]
# ## Robustness check: sensitivity against brute force
#
# A 1 % amplitude error on the fastest Hadamard: the quadratic prediction
# $k_A (0.01)^2$ against the exact error of the mis-calibrated pulse.

# %%
from dataclasses import replace

hb = lz.design_gate("h", dev).best
k = lz.sensitivity(hb)
for rel in (1e-3, 1e-2):
    wrong = replace(hb.pulse, amplitude=hb.pulse.amplitude * (1 + rel))
    brute = lz.gate_error(hb.target.matrix, wrong.propagator(model))
    print(f"dA/A = {rel:.0e}: predicted {k['amplitude'] * rel**2:.3e}, exact {brute:.3e}")
    assert abs(brute - k["amplitude"] * rel**2) < 0.1 * brute + 1e-12
