"""Maps at scale: a 512 x 512 exact P(A, omega) map and a 200 x 200 O3L C_inf map on 1 and 2 local workers.

Run: ``python benchmarks/bench_scale.py`` (full sizes: minutes on 2 cores with
the compiled propagator, much longer without it), or smaller grids with
``python benchmarks/bench_scale.py --exact 64 --o3l 16`` (the development check).
Each map runs in-process (the baseline) and on 2 worker processes through
:func:`lzsm_gates.sweep_executor` (the route of ``lzsm-gates map --workers 2``)
in the same run; the row gives both times, their ratio (the parallel speed-up;
the workers' start-up, one import of the package each, is timed separately) and
whether the two results are bit-for-bit equal.
It uses only the public map functions, so it measures whichever propagator
the installed package has.  BLAS threads are pinned to one per process
(``OMP_NUM_THREADS=1`` unless set) so that 1 vs 2 workers compares processes,
not thread pools.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy: one BLAS thread per process (inherited by the workers)

import numpy as np  # noqa: E402

from common import timed, write_row  # noqa: E402
from lzsm_gates import __version__, lzsm_map, sweep_executor  # noqa: E402
from lzsm_gates.o3l import map_amplitude_detuning  # noqa: E402

N_EXACT = 512
N_O3L = 200
WORKERS = 2


def _compare(name: str, compute, points: int, chunk_size: int) -> dict:
    """Time ``compute(executor)`` in-process and on WORKERS processes; check the results are identical."""
    local, t_local = timed(lambda: compute(None))
    with sweep_executor(workers=WORKERS) as pool:
        _, t_start = timed(lambda: pool.submit(abs, -1).result())  # spawn the workers (one import of the package)
        parallel, t_parallel = timed(lambda: compute(pool))
    identical = all(np.array_equal(local[v].values, parallel[v].values) for v in local.data_vars)
    return {
        f"{name}_points": points,
        f"{name}_chunk_size": chunk_size,
        f"{name}_in_process_s": round(t_local, 2),
        f"{name}_{WORKERS}_workers_s": round(t_parallel, 2),
        f"{name}_worker_start_s": round(t_start, 2),
        f"{name}_speedup_{WORKERS}_workers": round(t_local / t_parallel, 2),
        f"{name}_identical": bool(identical),
    }


def run(n_exact: int = N_EXACT, n_o3l: int = N_O3L) -> dict:
    a = np.linspace(0.1, 8.0, n_exact)
    w = np.linspace(0.5, 8.0, n_exact)
    exact_chunk = max(n_exact**2 // 64, 1)  # 64 chunks: 32 per worker
    row = _compare("exact", lambda ex: lzsm_map(a, w, chunk_size=exact_chunk, executor=ex, progress=False,
                                                  allow_large=True), n_exact**2, exact_chunk)
    amplitude = np.linspace(0.0, 6.0, n_o3l)
    eps0 = np.linspace(0.0, 6.0, n_o3l)
    o3l_chunk = max(n_o3l**2 // 10, 1)  # 10 chunks of whole amplitude rows' worth of points
    row.update(_compare("o3l", lambda ex: map_amplitude_detuning(amplitude, eps0, xi=0.1, chunk_size=o3l_chunk,
                                                                   executor=ex, allow_large=True),
                        n_o3l**2, o3l_chunk))
    return {
        "benchmark": f"maps at scale: exact P(A, omega) {n_exact}x{n_exact} and O3L C_inf {n_o3l}x{n_o3l}, "
                     f"in-process vs {WORKERS} local workers",
        **row,
        "lzsm_gates_version": __version__,
        "omp_num_threads": os.environ["OMP_NUM_THREADS"],
        "cpu_count": os.cpu_count(),
        "targets": f"identical results; speed-up close to {WORKERS} on {WORKERS} free cores",
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exact", type=int, default=N_EXACT, help=f"points per axis of the exact map (default {N_EXACT})")
    parser.add_argument("--o3l", type=int, default=N_O3L, help=f"points per axis of the O3L map (default {N_O3L})")
    args = parser.parse_args()
    write_row("scale", run(args.exact, args.o3l))
