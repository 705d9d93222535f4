"""O3L steady-state concurrence map C_inf(A, eps0), 100 x 100, against per-point QuTiP Floquet-Markov solves.

Run: ``python benchmarks/bench_o3l.py``.  Target: the whole map in < 5 s on
2 cores (it goes through :func:`lzsm_gates.sweeps.run_sweep` in one process:
the compiled propagation and Floquet kernels use both cores); the QuTiP route (the
independent model of ``tests/test_o3l.py``: ``qutip.FloquetBasis`` +
``qutip.floquet_tensor`` + ``qutip.steadystate``, kmax = 40, nT = 256) is
timed on a random subsample of the same grid in the same run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from common import timed, write_row
from lzsm_gates.o3l import map_amplitude_detuning

N = 100
SUBSAMPLE = 12


def _qutip_reference():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from test_o3l import qutip_concurrence  # the independent QuTiP model of the tests

    return qutip_concurrence


def run() -> dict:
    a = np.linspace(0.0, 6.0, N)
    e = np.linspace(0.0, 6.0, N)
    map_amplitude_detuning(a[:2], e[:2], xi=0.1)  # warm-up (loads the compiled kernels)
    ds, t_map = timed(lambda: map_amplitude_detuning(a, e, xi=0.1))
    c_map = ds["C_inf"].values
    rng = np.random.default_rng(11)
    idx = rng.integers(0, N, size=(SUBSAMPLE, 2))
    qutip_concurrence = _qutip_reference()
    c_ref, t_ref = timed(lambda: [qutip_concurrence(e[j], a[i], 0.1) for i, j in idx])
    deviation = max(abs(c - c_map[i, j]) for c, (i, j) in zip(c_ref, idx))
    per_point_ours = t_map / N**2
    per_point_ref = t_ref / SUBSAMPLE
    return {
        "benchmark": "O3L C_inf(A, eps0) map 100x100 (xi = 0.1) vs per-point QuTiP Floquet-Markov (kmax 40, nT 256)",
        "ours_total_s": round(t_map, 2),
        "ours_per_point_ms": round(1e3 * per_point_ours, 3),
        "baseline_per_point_ms": round(1e3 * per_point_ref, 1),
        "baseline_points": SUBSAMPLE,
        "speedup": round(per_point_ref / per_point_ours, 1),
        "max_deviation_C": float(deviation),
        "fraction_C_above_0.9": round(float(np.mean(c_map >= 0.9)), 3),
        "targets": "total < 5 s on 2 cores, deviation <= 1e-4",
    }


if __name__ == "__main__":
    write_row("o3l_map", run())
