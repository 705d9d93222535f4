"""Exact Floquet Gamma_1, Gamma_phi map (100 x 100) against QuTiP's Floquet-Markov route on a subsample.

Run: ``python benchmarks/bench_rates.py``.  Targets (issue): the whole map in
< 60 s on 2 cores, rates equal to QuTiP's to 1e-6 relative with the same
sidebands.  QuTiP's pure dephasing treats the |a><a| jumps independently and
is half the correct value for sigma_x noise (see lzsm_gates.floquet); Gamma_phi
is compared with QuTiP's diagonal rates with the cross term restored,
A_00 + A_11 (exact for a traceless coupling on a qubit).
"""

from __future__ import annotations

import time
from datetime import date

import numpy as np
import qutip as qt
from qutip.solver.floquet import _floquet_A_matrix, _floquet_delta_tensor, _floquet_gamma_matrices, _floquet_X_matrices

from common import RESULTS, timed, write_row
from lzsm_gates.baths import Bath
from lzsm_gates.floquet import chrw_qubit_rates, default_kmax, floquet_basis, qubit_rates
from lzsm_gates.models import qubit_model

N = 100
SUBSAMPLE = 10
BATH = Bath.ohmic(1e-3, 20.0, 0.1)  # kappa, omega_c = 20 Delta, T = 0.1 Delta
AMPLITUDES = np.linspace(0.0, 3.0, N)
FREQUENCIES = np.linspace(1.0, 5.0, N)


def qutip_rates(amplitude: float, frequency: float, kmax: int, n_times: int) -> tuple[float, float]:
    """Gamma_1 and Gamma_phi (cross term restored) from QuTiP's Floquet-Markov helpers."""
    period = 2 * np.pi / frequency
    model = qubit_model()
    h = [qt.Qobj(model.static), [qt.Qobj(model.drive_operator), lambda t: amplitude * np.sin(frequency * t)]]
    basis = qt.FloquetBasis(h, period, options={"atol": 1e-13, "rtol": 1e-12, "nsteps": 10**6})
    x = _floquet_X_matrices(basis, [qt.sigmax()], kmax, n_times)
    delta = _floquet_delta_tensor(basis.e_quasi, kmax, period)
    a = _floquet_A_matrix(delta, _floquet_gamma_matrices(x, delta, [BATH.spectrum]), 0.0).to_array().real
    return a[0, 1] + a[1, 0], a[0, 0] + a[1, 1]


def run() -> dict:
    a, w = np.meshgrid(AMPLITUDES, FREQUENCIES, indexing="ij")
    exact, t_map = timed(lambda: qubit_rates(a, w, BATH))
    _, t_chrw = timed(lambda: chrw_qubit_rates(a, w, BATH))
    kmax = default_kmax(qubit_model(), a, w)
    n_times = floquet_basis(qubit_model(), 0.0, 1.0, kmax=kmax).n_times
    rng = np.random.default_rng(11)
    idx = rng.integers(0, N, size=(SUBSAMPLE, 2))
    dev1, dev_phi, t_ref = 0.0, 0.0, 0.0
    for i, j in idx:
        t0 = time.perf_counter()
        g1, gphi = qutip_rates(a[i, j], w[i, j], kmax, n_times)
        t_ref += time.perf_counter() - t0
        dev1 = max(dev1, abs(exact.gamma1[i, j] / g1 - 1))
        if gphi > 0:
            dev_phi = max(dev_phi, abs(exact.gamma_phi[i, j] / gphi - 1))
    per_point = t_map / N**2
    per_point_ref = t_ref / SUBSAMPLE
    flagged = int(np.count_nonzero(exact.secular_parameter > 0.1))
    return {
        "benchmark": f"exact Floquet Gamma_1, Gamma_phi map {N}x{N} (A in [0, 3], omega in [1, 5] Delta) "
        "vs QuTiP 5 Floquet-Markov",
        "date": date.today().isoformat(),
        "kmax": kmax,
        "n_times": n_times,
        "ours_total_s": round(t_map, 3),
        "ours_per_point_ms": round(1e3 * per_point, 4),
        "qutip_per_point_ms": round(1e3 * per_point_ref, 2),
        "qutip_points": SUBSAMPLE,
        "speedup_per_point": round(per_point_ref / per_point, 1),
        "max_rel_dev_gamma1": float(f"{dev1:.3g}"),
        "max_rel_dev_gamma_phi": float(f"{dev_phi:.3g}"),
        "chrw_map_s": round(t_chrw, 4),
        "points_near_crossing": flagged,
        "targets": "map < 60 s on 2 cores, deviation <= 1e-6",
    }


def write_markdown(row: dict) -> None:
    """Append the row to benchmarks/results/rates.md (header on first use)."""
    path = RESULTS / "rates.md"
    keys = [k for k in row if k not in ("benchmark", "targets")]
    if not path.exists():
        path.write_text(
            f"# {row['benchmark']}\n\nTargets: {row['targets']}.  Command: `python benchmarks/bench_rates.py`.\n\n"
            + "| " + " | ".join(keys) + " |\n|" + "---|" * len(keys) + "\n"
        )
    with path.open("a") as fh:
        fh.write("| " + " | ".join(str(row[k]) for k in keys) + " |\n")


if __name__ == "__main__":
    result = run()
    write_row("rates", result)
    write_markdown(result)
