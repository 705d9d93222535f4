"""Independent dense-scan optimum of the single-qubit gate duration (reference values for tests/test_design_optimum.py).

Brute force, sharing nothing with ``lzsm_gates.design`` or ``lzsm_gates.targets``
but the exact propagator (itself checked against scipy's DOP853 in the tests):

1. exact one-period propagators on a dense (A, omega) grid over the default
   device bounds;
2. on every frequency column, every sign change in A of ``U10 - b`` for
   ``b = +|V10|, -|V10|``, polished by bisection on the exact propagator, and
   its total time ``T + t1 + t2`` (idle times from the phases by enumeration,
   own formula for ``R(t2) U R(t1) = +-V``);
3. around the six best of them a 20x finer exact (A, omega) scan, polished the
   same way: the shortest exact total time found is the reference;
4. for ``|V10| = 1`` (X, Y): the grid minima of ``|U00|`` polished by scipy's ``root``.

Run ``python tests/dense_scan_reference.py`` to print the table the tests hold.
"""

from __future__ import annotations

import sys

import numpy as np
from qiskit.circuit.library import get_standard_gate_name_mapping
from qiskit.quantum_info import Operator, random_unitary
from scipy.optimize import root

from lzsm_gates.models import qubit_model
from lzsm_gates.propagate import period_propagator

NAMED = ("x", "y", "h", "sx", "s", "t", "id")
N_HAAR = 50
HAAR_SEED = 7000
A_LO, A_HI, W_LO, W_HI = 0.02, 8.0, 0.5, 8.0  # default device bounds (units of the gap)
N_SEEDS = 6


def target_matrix(key: str) -> np.ndarray:
    """SU(2) matrix of a named gate or of ``haar<k>`` (qiskit random_unitary with seed HAAR_SEED + k)."""
    if key.startswith("haar"):
        m = random_unitary(2, seed=HAAR_SEED + int(key[4:])).data
    else:
        m = Operator(get_standard_gate_name_mapping()[key]).data
    return m / np.sqrt(np.linalg.det(m))


def _wrap(x: float, tol: float = 1e-9) -> float:
    """x mod 2 pi, with values within ``tol`` below 2 pi counted as 0."""
    y = float(np.mod(x, 2 * np.pi))
    return 0.0 if 2 * np.pi - y < tol else y


def _durations(u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Shortest T + t1 + t2 with R(t2) U R(t1) = +-V, R(t) = diag(e^{it/2}, e^{-it/2}) (gap 1), by enumeration."""
    def r(t):
        return np.diag([np.exp(0.5j * t), np.exp(-0.5j * t)])

    out = np.full(w.size, np.inf)
    tol = 1e-9
    for k in range(w.size):
        a, b = u[k, 0, 0], u[k, 1, 0]
        if abs(v[1, 0]) < 1e-12 or abs(b) < 1e-12:  # only t1 + t2 matters: t1 + t2 = 2 arg(V00 / a) (mod 2 pi)
            out[k] = _wrap(2 * np.angle(v[0, 0] / a), tol)
            continue
        if abs(v[0, 0]) < 1e-12 or abs(a) < 1e-12:  # only t1 - t2 matters
            d = _wrap(2 * np.angle(v[1, 0] / b), tol)
            out[k] = min(d, _wrap(-d))
            continue
        for e in (1.0, -1.0):
            sig, dlt = np.angle(e * v[0, 0] / a), np.angle(e * v[1, 0] / b)
            for s_ in (sig, sig + 2 * np.pi):
                for d_ in (dlt, dlt + 2 * np.pi):
                    t1, t2 = _wrap(s_ + d_, tol), _wrap(s_ - d_, tol)
                    m = v.conj().T @ r(t2) @ u[k] @ r(t1)
                    if abs(abs(np.trace(m)) - 2) < 1e-8:
                        out[k] = min(out[k], t1 + t2)
    return 2 * np.pi / w + out


def _column_roots(model, a: np.ndarray, w: np.ndarray, b_grid: np.ndarray, level: float, iterations: int = 36):
    """Exact roots in A of U10 - level on each column (sign changes, bisection on the exact propagator)."""
    vals = b_grid - level
    i, j = np.nonzero(np.sign(vals[:-1]) * np.sign(vals[1:]) < 0)
    if i.size == 0:
        return np.zeros(0), np.zeros(0), np.zeros((0, 2, 2), dtype=complex)
    lo, hi, ww = a[i], a[i + 1], w[j]
    flo = vals[i, j]
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        fm = period_propagator(model, mid, ww)[:, 1, 0].real - level
        left = np.sign(fm) == np.sign(flo)
        lo, flo = np.where(left, mid, lo), np.where(left, fm, flo)
        hi = np.where(left, hi, mid)
    x = 0.5 * (lo + hi)
    u = period_propagator(model, x, ww)
    good = np.abs(u[:, 1, 0].real - level) < 1e-6
    return x[good], ww[good], u[good]


def _unit_points(model, a, w, u_grid):
    mag = np.abs(u_grid[..., 0, 0])
    inner = mag[1:-1, 1:-1]
    low = (inner < 0.3) & np.all(
        [inner <= np.roll(np.roll(mag, di, 0), dj, 1)[1:-1, 1:-1] for di in (-1, 0, 1) for dj in (-1, 0, 1)], axis=0
    )
    pts = []
    for i, j in zip(*np.nonzero(low)):
        f = lambda x: [period_propagator(model, x[0], x[1])[0, 0].real, period_propagator(model, x[0], x[1])[0, 0].imag]  # noqa
        sol = root(f, [a[i + 1], w[j + 1]], method="hybr", options={"xtol": 1e-14})
        if np.hypot(*sol.fun) < 1e-9 and A_LO <= sol.x[0] <= A_HI and W_LO <= sol.x[1] <= W_HI:
            pts.append(sol.x)
    pts = np.array(pts).reshape(-1, 2)
    return pts[:, 0], pts[:, 1], period_propagator(model, pts[:, 0], pts[:, 1])


def dense_scan_optimum(v: np.ndarray, n_a: int = 400, n_w: int = 300, cache: dict | None = None) -> float:
    """Shortest duration (units of 1/Delta) of ``v`` inside the default device bounds, by brute force."""
    model = qubit_model()
    a = np.linspace(A_LO, A_HI, n_a)
    w = np.linspace(W_LO, W_HI, n_w)
    if cache is not None and "u" in cache:
        u_grid = cache["u"]
    else:
        aa, ww = np.meshgrid(a, w, indexing="ij")
        u_grid = period_propagator(model, aa.ravel(), ww.ravel()).reshape(n_a, n_w, 2, 2)
        if cache is not None:
            cache["u"] = u_grid
    s = abs(v[1, 0])
    if s > 1 - 1e-12:
        x, ww_, u = _unit_points(model, a, w, u_grid)
        return float(_durations(u, v, ww_).min())
    levels = (0.0,) if s == 0 else (s, -s)
    best = np.inf
    spacing = w[1] - w[0]
    seeds = []
    for lev in levels:
        x, ww_, u = _column_roots(model, a, w, u_grid[..., 1, 0].real, lev, iterations=26)
        if x.size == 0:
            continue
        d = _durations(u, v, ww_)
        best = min(best, d.min())
        for k in np.argsort(d)[:N_SEEDS]:
            seeds.append((d[k], x[k], ww_[k], lev))
    seeds.sort()
    for _, x0, w0, lev in seeds[:N_SEEDS]:
        fine_w = np.linspace(max(W_LO, w0 - 2 * spacing), min(W_HI, w0 + 2 * spacing), 81)
        fine_a = np.linspace(max(A_LO, 0.85 * x0), min(A_HI, 1.15 * x0), 40)
        aa, ww = np.meshgrid(fine_a, fine_w, indexing="ij")
        ug = period_propagator(model, aa.ravel(), ww.ravel()).reshape(aa.shape + (2, 2))
        x, wf, u = _column_roots(model, fine_a, fine_w, ug[..., 1, 0].real, lev)
        if x.size:
            best = min(best, _durations(u, v, wf).min())
    return float(best)


if __name__ == "__main__":
    keys = (list(NAMED) + [f"haar{k}" for k in range(N_HAAR)])[slice(*(int(x) for x in sys.argv[1:3]))]
    cache: dict = {}
    print("REFERENCE = {")
    for key in keys:
        print(f"    {key!r}: {dense_scan_optimum(target_matrix(key), cache=cache):.6f},", flush=True)
    print("}")
    sys.exit(0)
