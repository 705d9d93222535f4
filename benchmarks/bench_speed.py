"""Speed of the compiled propagator and of the Floquet/O3L routes, each against a baseline in the same run.

Run: ``python benchmarks/bench_speed.py [--quick]`` (or through ``run_all.py``).  Writes
``benchmarks/results/speed.json`` and ``benchmarks/results/speed.md`` (the tables of
``docs/benchmarks.md``).

Routes and baselines
--------------------
* **P map** (256 x 256, A in [0.1, 8], omega in [0.5, 8], units of the gap): ours is
  :func:`lzsm_gates.propagate.period_propagator`.  Baseline: :func:`numpy_quaternion_magnus` below,
  a vectorised numpy sixth-order Magnus integrator in SU(2) quaternion arithmetic written here
  independently of the package.  Step rule (the package's): on the three Gauss-Legendre nodes,
  ``N = max(48, ceil((|Delta|/2 + |A| + omega) T / 0.15))`` steps per period, half a period
  integrated and squared with the parity ``sz``; points advance together in groups, each with ``N``
  rounded up to a ``2**(1/4)`` ladder (a few percent more steps, many fewer numpy calls).
* **single point**: ``period_propagator(model, 2.0, 1.0)`` against ``qutip.propagator``
  (vern9, atol = rtol = 1e-10: an error of the same order as ours, both reported).
* **O3L point**: :func:`lzsm_gates.o3l.o3l_steady_state` against the independent QuTiP model of
  ``tests/test_o3l.py`` (FloquetBasis + floquet_tensor + steadystate, kmax 40, nT 256).
* Every route's maximum deviation from an independent reference: scipy DOP853 at rtol = atol = 1e-13
  (``tests/conftest.py``) for propagators, QuTiP for C_inf.
* Compile time: the first call in a fresh interpreter with an empty numba cache directory (cold:
  import of numba + compilation), and with the cache filled (warm: import of numba + loading the
  cached machine code); the package import is timed separately.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from common import RESULTS, timed, write_row

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import reference_period_propagator  # noqa: E402  (independent DOP853 reference)

from lzsm_gates.models import DrivenModel, qubit_model  # noqa: E402
from lzsm_gates.propagate import period_propagator, steps_per_period  # noqa: E402

QUICK = "--quick" in sys.argv
SQRT15 = np.sqrt(15.0)
NODES = (0.5 - SQRT15 / 10, 0.5, 0.5 + SQRT15 / 10)


def _cpu(fn) -> float:
    """CPU seconds of this process (all threads) for one call of ``fn``: less sensitive to other jobs than wall time."""
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def _cross(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Cross product of stacks of 3-vectors along axis 0 (faster than np.cross for this layout)."""
    return np.stack([u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]])


def numpy_quaternion_magnus(amplitude: np.ndarray, frequency: np.ndarray, gap: float = 1.0) -> np.ndarray:
    r"""Baseline: one-period propagators of :math:`-\tfrac{\Delta}{2}\sigma_z + A\sin(\omega t)\sigma_x`.

    Written independently of the package: sixth-order Magnus (Blanes-Casas-Ros) exponent
    :math:`\Omega = \alpha_1 + \alpha_3/12 + [-20\alpha_1 - \alpha_3 + C_1, \alpha_2 + C_2]/240` in
    quaternion form (:math:`-i(\vec k\cdot\vec\sigma)` as a real 3-vector, commutators as cross
    products), vectorised over the points of a step-count group (``N`` rounded up to a ``2**(1/4)`` ladder).
    """
    a = np.asarray(amplitude, float).ravel()
    w = np.asarray(frequency, float).ravel()
    n_per = np.maximum(np.ceil((0.5 * gap + np.abs(a) + w) * (2 * np.pi / w) / 0.15), 48)
    n_per = np.ceil(2 ** (np.ceil(4 * np.log2(n_per)) / 4)).astype(int)
    out = np.empty((a.size, 2, 2), complex)
    for n in np.unique(n_per):
        idx = np.flatnonzero(n_per == n)
        ai, wi = a[idx], w[idx]
        half = (np.pi / wi) / np.ceil(n / 2)
        q = np.zeros((4, idx.size))
        q[0] = 1.0
        for step in range(int(np.ceil(n / 2))):
            # H(t) = h_z sz + h_x sx with h_z = -gap/2, h_x = A sin(w t); a Pauli vector v means -i v.sigma
            hx = [ai * np.sin(wi * (step + c) * half) for c in NODES]
            hz = -0.5 * gap
            h1 = [np.stack([x, 0 * x, hz + 0 * x]) * half for x in hx]  # h * H(t_j) as vectors
            a1 = h1[1]
            a2 = (SQRT15 / 3) * (h1[2] - h1[0])
            a3 = (10 / 3) * (h1[2] - 2 * h1[1] + h1[0])
            # with A_j = -i v_j.sigma: [-i u.s, -i v.s] = -2i (u x v).s, i.e. the vector 2 u x v
            c1 = 2 * _cross(a1, a2)
            c2 = -(1 / 60) * 2 * _cross(a1, 2 * a3 + c1)
            k = a1 + a3 / 12 + (1 / 240) * 2 * _cross(-20 * a1 - a3 + c1, a2 + c2)
            norm = np.sqrt(np.sum(k * k, axis=0))
            e0, s = np.cos(norm), np.sinc(norm / np.pi)
            e = s * k
            q = np.stack(
                [
                    e0 * q[0] - np.sum(e * q[1:], axis=0),
                    *(e0 * q[1:] + q[0] * e + _cross(e, q[1:])),
                ]
            )
        u = np.empty((idx.size, 2, 2), complex)
        u[:, 0, 0] = q[0] - 1j * q[3]
        u[:, 0, 1] = -q[2] - 1j * q[1]
        u[:, 1, 0] = q[2] - 1j * q[1]
        u[:, 1, 1] = q[0] + 1j * q[3]
        sz = np.diag([1.0, -1.0])
        hu = sz @ u
        out[idx] = hu @ hu
    return out.reshape(np.shape(amplitude) + (2, 2))


def _deviation(u_grid: np.ndarray, a: np.ndarray, w: np.ndarray, picks: np.ndarray) -> float:
    model = qubit_model()
    return max(
        float(np.linalg.norm(u_grid[i, j] - reference_period_propagator(model, a[i, j], w[i, j]), 2)) for i, j in picks
    )


def _per_step_ns(seconds: float, model: DrivenModel, a: np.ndarray, w: np.ndarray) -> float:
    steps = steps_per_period(model, a, w).astype(float)
    if model.parity is not None:
        steps = np.ceil(steps / 2)
    return 1e9 * seconds / float(np.sum(steps))


def compile_times() -> dict:
    """Cold (empty cache) and warm (cached) first-call times in fresh interpreters."""
    code = (
        "import time; t0 = time.perf_counter(); from lzsm_gates.models import qubit_model, coupled_qubits_model; "
        "from lzsm_gates.propagate import period_propagator; t1 = time.perf_counter(); "
        "period_propagator(qubit_model(), 1.0, 1.0); t2 = time.perf_counter(); "
        "period_propagator(coupled_qubits_model(), 1.0, 1.0); print(t1 - t0, t2 - t1, time.perf_counter() - t2)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env["NUMBA_CACHE_DIR"] = cache
        for label in ("cold", "warm"):
            res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            imports, su2, dense = map(float, res.stdout.split())
            out[f"import_lzsm_gates_{label}_s"] = round(imports, 2)
            out[f"first_call_su2_{label}_s"] = round(su2, 2)
            out[f"first_call_dense_{label}_s"] = round(dense, 2)
    return out


def p_map_rows() -> dict:
    n = 128 if QUICK else 256
    a, w = np.meshgrid(np.linspace(0.1, 8.0, n), np.linspace(0.5, 8.0, n), indexing="ij")
    model = qubit_model()
    period_propagator(model, a[:2, :2], w[:2, :2])  # warm-up (loads the compiled kernels)
    ours, t_ours = timed(lambda: period_propagator(model, a, w), repeat=5)
    base, t_base = timed(lambda: numpy_quaternion_magnus(a, w), repeat=2)
    cpu_ours = min(_cpu(lambda: period_propagator(model, a, w)) for _ in range(3))
    cpu_base = _cpu(lambda: numpy_quaternion_magnus(a, w))
    picks = np.random.default_rng(3).integers(0, n, size=(8, 2))
    return {
        "p_map_grid": f"{n}x{n}",
        "p_map_ours_s": round(t_ours, 4),
        "p_map_numpy_quaternion_s": round(t_base, 4),
        "p_map_speedup": round(t_base / t_ours, 1),
        "p_map_ours_cpu_s": round(cpu_ours, 4),
        "p_map_numpy_quaternion_cpu_s": round(cpu_base, 4),
        "p_map_ours_ns_per_point_step": round(_per_step_ns(t_ours, model, a, w), 1),
        "p_map_ours_max_dev_vs_dop853": float(f"{_deviation(ours, a, w, picks):.2g}"),
        "p_map_numpy_max_dev_vs_dop853": float(f"{_deviation(base, a, w, picks):.2g}"),
        "p_map_ours_vs_numpy_max_dev": float(f"{np.abs(ours - base).max():.2g}"),
    }


def single_point_rows() -> dict:
    import qutip

    model = qubit_model()
    period_propagator(model, 2.0, 1.0)
    _, t_ours = timed(lambda: [period_propagator(model, 2.0, 1.0) for _ in range(200)], repeat=3)
    h = [qutip.Qobj(model.static), [qutip.Qobj(model.drive_operator), lambda t: 2.0 * np.sin(t)]]
    opts = {"atol": 1e-10, "rtol": 1e-10, "nsteps": 10**6, "method": "vern9"}
    ref_q, t_q = timed(lambda: qutip.propagator(h, 2 * np.pi, options=opts).full(), repeat=3)
    ref = reference_period_propagator(model, 2.0, 1.0)
    ours = period_propagator(model, 2.0, 1.0)
    return {
        "single_point_ours_ms": round(1e3 * t_ours / 200, 4),
        "single_point_qutip_ms": round(1e3 * t_q, 3),
        "single_point_speedup": round(t_q / (t_ours / 200), 1),
        "single_point_ours_dev_vs_dop853": float(f"{np.linalg.norm(ours - ref, 2):.2g}"),
        "single_point_qutip_dev_vs_dop853": float(f"{np.linalg.norm(ref_q - ref, 2):.2g}"),
    }


def scaling_table() -> list[dict]:
    """Cost per point-step (ns, wall, all cores) vs grid size, amplitude and dimension."""
    rows = []
    model = qubit_model()
    sizes = (64, 128, 256) if QUICK else (64, 128, 256, 512)
    for n in sizes:
        a, w = np.meshgrid(np.linspace(0.1, 8.0, n), np.linspace(0.5, 8.0, n), indexing="ij")
        _, t = timed(lambda: period_propagator(model, a, w), repeat=3)
        rows.append({"axis": "grid", "value": f"{n}^2", "ns_per_point_step": round(_per_step_ns(t, model, a, w), 1)})
    w = np.linspace(0.5, 8.0, 4096)
    for amp in (0.5, 2.0, 8.0, 32.0):
        a = np.full_like(w, amp)
        _, t = timed(lambda: period_propagator(model, a, w), repeat=3)
        rows.append({"axis": "amplitude", "value": amp, "ns_per_point_step": round(_per_step_ns(t, model, a, w), 1)})
    rng = np.random.default_rng(0)
    for d in (2, 4, 8, 16):
        x = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        y = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        dm = DrivenModel((x + x.conj().T) / np.sqrt(8 * d), (y + y.conj().T) / np.sqrt(8 * d), "sin")
        a = np.linspace(0.5, 2.0, 256 if d <= 8 else 64)
        w = np.full_like(a, 1.5)
        period_propagator(dm, a[:1], w[:1])
        u, t = timed(lambda: period_propagator(dm, a, w), repeat=2)
        dev = np.linalg.norm(u[-1] - reference_period_propagator(dm, a[-1], w[-1]), 2)
        rows.append(
            {
                "axis": "dimension",
                "value": d,
                "ns_per_point_step": round(_per_step_ns(t, dm, a, w), 1),
                "max_dev_vs_dop853": float(f"{dev:.2g}"),
            }
        )
    return rows


def design_rows() -> dict:
    from lzsm_gates.design import design_gate

    out = {}
    for name in ("x", "h", "sx", "t"):
        design_gate(name)  # warm-up
        _, t = timed(lambda: design_gate(name), repeat=2)
        out[f"design_gate_{name}_s"] = round(t, 3)
    return out


def floquet_rows() -> dict:
    from lzsm_gates.baths import Bath
    from lzsm_gates.floquet import qubit_rates
    from lzsm_gates.o3l import O3LParams, o3l_steady_state
    from test_o3l import qutip_concurrence

    out = {}
    p = O3LParams()
    o3l_steady_state(p)
    c_ours, t_ours = timed(lambda: o3l_steady_state(p).concurrence, repeat=3)
    c_ref, t_ref = timed(lambda: qutip_concurrence(p.eps0, p.amplitude, p.xi))
    out.update(
        o3l_point_ours_ms=round(1e3 * t_ours, 2),
        o3l_point_qutip_ms=round(1e3 * t_ref, 1),
        o3l_point_speedup=round(t_ref / t_ours, 1),
        o3l_point_dev_C_vs_qutip=float(f"{abs(float(c_ours) - c_ref):.2g}"),
    )
    n = 40 if QUICK else 100
    grid = np.linspace(0.0, 6.0, n)
    _, t_map = timed(lambda: o3l_steady_state(p, amplitude=grid[:, None], eps0=grid[None, :]))
    out[f"o3l_C_map_{n}x{n}_s"] = round(t_map, 2)
    cpu_map = _cpu(lambda: o3l_steady_state(p, amplitude=grid[:, None], eps0=grid[None, :]))
    out[f"o3l_C_map_{n}x{n}_cpu_s"] = round(cpu_map, 2)
    bath = Bath.ohmic(1e-3, 20.0, 0.1)
    a, w = np.meshgrid(np.linspace(0.0, 3.0, 100), np.linspace(1.0, 5.0, 100), indexing="ij")
    qubit_rates(a[:2, :2], w[:2, :2], bath)
    _, t_rates = timed(lambda: qubit_rates(a, w, bath), repeat=2)
    out["rates_map_100x100_s"] = round(t_rates, 2)
    out["rates_map_100x100_cpu_s"] = round(min(_cpu(lambda: qubit_rates(a, w, bath)) for _ in range(2)), 2)
    return out


def run() -> dict:
    t0 = time.perf_counter()
    row: dict = {
        "benchmark": "compiled propagator, single points, Floquet/O3L (loaded 2-core machine unless stated)",
        "cores": len(os.sched_getaffinity(0)),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    row.update(compile_times())
    row.update(p_map_rows())
    row.update(single_point_rows())
    row.update(design_rows())
    row.update(floquet_rows())
    row["scaling"] = scaling_table()
    row["bench_wall_s"] = round(time.perf_counter() - t0, 1)
    row["targets"] = (
        "P map 256^2 <= 0.1 s and >= 3x numpy quaternion; single point <= 0.1 ms and >= 8x QuTiP; "
        "design_gate <= 0.1 s; O3L point >= 30x QuTiP; C_inf 100^2 <= 5 s; rates 100^2 <= 0.3 s"
    )
    write_markdown(row)
    return row


def write_markdown(row: dict) -> None:
    """The tables of docs/benchmarks.md: headline ratios and the scaling table."""
    lines = [
        "# Propagator and Floquet speed (`python benchmarks/bench_speed.py`)",
        "",
        f"{row['cores']} cores, 1-min load average {row['load_average_1min']} at the start.",
        "",
        "| quantity | value |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in row.items() if k not in ("benchmark", "scaling", "targets", "cores")]
    lines += ["", "| axis | value | ns per point-step | max deviation vs DOP853 |", "|---|---|---|---|"]
    lines += [
        f"| {r['axis']} | {r['value']} | {r['ns_per_point_step']} | {r.get('max_dev_vs_dop853', '')} |"
        for r in row["scaling"]
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "speed.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    write_row("speed", run())
