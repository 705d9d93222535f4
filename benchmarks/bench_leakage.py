"""Leakage map L(A, omega), 100 x 100, of a 6-level fluxonium against QuTiP propagators on a subsample.

Run: ``python benchmarks/bench_leakage.py``.  The map runs through the sweep
engine (``lzsm_gates.devices.leakage_map``, batched sixth-order Magnus); the
baseline is QuTiP 5's ``propagator`` (adaptive, atol 1e-12) on random points
of the same grid, whose leakage must agree to 1e-9.  Device: the
close-third-level fluxonium of the docs (EJ, EC, EL = 3, 1, 1 GHz at half flux).
"""

from __future__ import annotations

import time
import warnings
from datetime import date

import numpy as np
import qutip as qt

from common import timed, write_row
from lzsm_gates.devices import fluxonium, leakage, leakage_map

N_GRID = 100
LEVELS = 6
SUBSAMPLE = 10
AMPLITUDES = np.linspace(0.0, 4.0, N_GRID)
FREQUENCIES = np.linspace(0.5, 6.0, N_GRID)


def qutip_leakage(model, amplitude: float, frequency: float) -> float:
    """Leakage of one period from QuTiP's propagator."""
    h = [qt.Qobj(model.static), [qt.Qobj(model.drive_operator), lambda t: amplitude * np.sin(frequency * t)]]
    u = qt.propagator(h, 2 * np.pi / frequency, options={"atol": 1e-12, "rtol": 1e-11, "nsteps": 10**6}).full()
    return float(leakage(u))


def run() -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fluxonium(3.0, 1.0, 1.0, levels=LEVELS).model()
    ds, t_map = timed(lambda: leakage_map(model, AMPLITUDES, FREQUENCIES))
    rng = np.random.default_rng(5)
    idx = rng.integers(0, N_GRID, size=(SUBSAMPLE, 2))
    dev, t_ref = 0.0, 0.0
    for i, j in idx:
        t0 = time.perf_counter()
        ref = qutip_leakage(model, AMPLITUDES[i], FREQUENCIES[j])
        t_ref += time.perf_counter() - t0
        dev = max(dev, abs(float(ds["leakage"].values[i, j]) - ref))
    per_point = t_map / N_GRID**2
    return {
        "benchmark": f"leakage map {N_GRID}x{N_GRID}, N = {LEVELS} fluxonium (A in [0, 4], omega in [0.5, 6] gap) vs QuTiP propagator",
        "date": date.today().isoformat(),
        "ours_total_s": round(t_map, 2),
        "ours_per_point_ms": round(1e3 * per_point, 3),
        "qutip_per_point_ms": round(1e3 * t_ref / SUBSAMPLE, 1),
        "speedup_per_point": round(t_ref / SUBSAMPLE / per_point, 1),
        "max_abs_dev_leakage": float(f"{dev:.3g}"),
        "leaky_fraction_above_1e-4": round(float(np.mean(ds["leakage"].values > 1e-4)), 3),
        "targets": "map < 60 s on 2 cores, deviation <= 1e-9",
    }


if __name__ == "__main__":
    write_row("leakage", run())
