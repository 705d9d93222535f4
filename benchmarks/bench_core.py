"""Exact P(A, omega) map on a 256 x 256 grid against per-point qiskit-dynamics solves.

Run: ``python benchmarks/bench_core.py``.  Targets (issue 2): >= 100x faster
per point than an adaptive qiskit-dynamics solve (DOP853, rtol = atol =
1e-12), under 5 s for the whole map on 2 cores, max deviation <= 1e-9.
"""

from __future__ import annotations

import numpy as np

from common import timed, write_row
from lzsm_gates.maps import lzsm_map
from lzsm_gates.models import qubit_model
from lzsm_gates.pulses import LZSMPulse

N = 256
SUBSAMPLE = 24


def run() -> dict:
    a = np.linspace(0.1, 8.0, N)
    w = np.linspace(0.5, 8.0, N)
    ds, t_map = timed(lambda: lzsm_map(a, w, approximations=(), progress=False, chunk_size=N * N))
    p_map = ds["P_exact"].values
    rng = np.random.default_rng(7)
    idx = rng.integers(0, N, size=(SUBSAMPLE, 2))
    model = qubit_model()

    def per_point():
        return [abs(LZSMPulse(a[i], w[j]).simulate(model)[1, 0]) ** 2 for i, j in idx]

    p_ref, t_ref = timed(per_point)
    deviation = max(abs(p - p_map[i, j]) for p, (i, j) in zip(p_ref, idx))
    per_point_ours = t_map / N**2
    per_point_ref = t_ref / SUBSAMPLE
    return {
        "benchmark": "exact P(A, omega) map 256x256 vs per-point qiskit-dynamics (DOP853, tol 1e-12)",
        "ours_total_s": round(t_map, 3),
        "ours_per_point_ms": round(1e3 * per_point_ours, 4),
        "baseline_per_point_ms": round(1e3 * per_point_ref, 2),
        "baseline_points": SUBSAMPLE,
        "speedup": round(per_point_ref / per_point_ours, 1),
        "max_deviation_P": float(deviation),
        "targets": "speedup >= 100, total < 5 s, deviation <= 1e-9",
    }


if __name__ == "__main__":
    write_row("core_map", run())
