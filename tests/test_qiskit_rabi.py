"""LZSM gates beside resonant Rabi gates (lzsm_gates.qiskit.rabi): physics limits and the typed comparison result."""

import dataclasses

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from lzsm_gates import Bath, Device, LZSMInputError  # noqa: E402
from lzsm_gates.plotting import plot_rabi_comparison  # noqa: E402
from lzsm_gates.qiskit import (  # noqa: E402
    RabiComparison,
    RabiComparisonRow,
    compare_with_rabi,
    design_gate_set,
    rabi_gate,
)

DEVICE = Device()
GATES = design_gate_set(DEVICE)
NOISE = Bath.ohmic(1e-4, temperature=0.05)


def test_rabi_comparison_table():
    assert rabi_gate("x", 32).exact_error < 2e-5
    comparison = compare_with_rabi(DEVICE, periods=(1, 4, 32), gate_set=GATES)
    for t in ("x", "sx"):
        lz = comparison.lzsm(t)
        rabi = comparison.rabi(t)
        assert [r.periods for r in rabi] == [1, 4, 32]
        # every Rabi gate is either slower or less accurate than the LZSM design
        assert all(r.duration_ns > lz.duration_ns or r.exact_error > 1e-3 for r in rabi)
        assert lz.exact_error < 1e-10
    with pytest.raises(LZSMInputError):
        rabi_gate("h", 4)


def test_rabi_comparison_under_noise():
    """Long Rabi gates approach the analytic limit 1 - F_avg = Gamma_1 t / 3 (sigma_x coupling, no pure dephasing);
    the LZSM gates beat every Rabi gate once decoherence counts."""
    comparison = compare_with_rabi(DEVICE, periods=(1, 2, 4, 64), gate_set=GATES, noise=NOISE)
    gamma1 = 2 * np.pi * (NOISE.spectrum(1.0) + NOISE.spectrum(-1.0))
    for t in ("x", "sx"):
        lz = comparison.lzsm(t)
        rabi = comparison.rabi(t)
        assert all(r.noisy_error > lz.noisy_error for r in rabi)
        assert rabi[-1].noisy_error == pytest.approx(gamma1 * 2 * np.pi * 64 / 3, rel=0.15)
    assert all(np.isnan(r.noisy_error) for r in compare_with_rabi(DEVICE, periods=(1,), gate_set=GATES).rows)


def test_comparison_is_a_frozen_typed_result():
    comparison = compare_with_rabi(DEVICE, targets=("sx",), periods=(2, 1), gate_set=GATES)
    assert isinstance(comparison, RabiComparison) and comparison.noise is None and comparison.device == DEVICE
    assert all(isinstance(r, RabiComparisonRow) for r in comparison.rows)
    assert comparison.targets == ("sx",)
    assert [r.kind for r in comparison.rows] == ["lzsm", "rabi", "rabi"]
    assert [r.periods for r in comparison.rabi("SX")] == [1, 2]  # shortest first, target case-insensitive
    assert comparison.select(kind="lzsm") == (comparison.lzsm("sx"),)
    with pytest.raises(dataclasses.FrozenInstanceError):
        comparison.rows[0].exact_error = 0.0
    with pytest.raises(LZSMInputError, match="target"):
        comparison.select("x")
    with pytest.raises(LZSMInputError, match="kind"):
        comparison.select(kind="resonant")
    # table(): a header plus one line per gate, with the numbers of the rows
    lines = comparison.table().splitlines()
    assert len(lines) == 1 + len(comparison.rows) and "exact err" in lines[0]
    assert f"{comparison.rows[1].duration_ns:.2f}" in lines[2]
    # the summary repr names the device and the size, not the numbers
    assert repr(comparison) == f"RabiComparison({DEVICE.name}, targets=('sx',), 3 rows, closed system)"


def test_plot_consumes_the_comparison():
    comparison = compare_with_rabi(DEVICE, targets=("x",), periods=(1, 4), gate_set=GATES)
    fig = plot_rabi_comparison(comparison)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 2  # closed-system Rabi curve and the LZSM star; no noisy curves without noise
    np.testing.assert_allclose(lines[0].get_xdata(), [r.duration_ns for r in comparison.rabi("x")])
