"""Two-qubit designs: device bounds, physical units, JSON, gap mismatch, the idle-free XY entangler."""

from dataclasses import replace

import numpy as np
import pytest
from conftest import reference_period_propagator

from lzsm_gates import LZSMInputError
from lzsm_gates.entanglers import (
    BSwapDesign,
    bswap_gap_mismatch,
    bswap_target,
    compare_entanglers,
    design_bswap,
    design_xy_entangler,
    xy_entangler_target,
)
from lzsm_gates.metrics import gate_error
from lzsm_gates.models import coupled_qubits_model
from lzsm_gates.units import Device

_MAGIC = np.array([[1, 0, 0, 1j], [0, 1j, 1, 0], [0, 1j, -1, 0], [1, 0, 0, -1j]]) / np.sqrt(2)


def makhlin_invariants(u: np.ndarray) -> tuple[complex, float]:
    """Local invariants (G1, G2) of a two-qubit gate (Makhlin 2002), independent of the package."""
    ub = _MAGIC.conj().T @ u @ _MAGIC
    m = ub.T @ ub
    det = np.linalg.det(u)
    tr = np.trace(m)
    return tr**2 / (16 * det), float(((tr**2 - np.trace(m @ m)) / (4 * det)).real)


def independent_two_qubit_unitary(design) -> np.ndarray:
    """4x4 unitary from scipy's DOP853 one-period propagator and analytic idles."""
    model = coupled_qubits_model(design.gap1, design.gap2)
    u = reference_period_propagator(model, design.pulse.amplitude, design.pulse.frequency)
    e = np.diag(model.static).real
    idle = lambda t: np.diag(np.exp(-1j * e * t))  # noqa: E731
    return idle(design.pulse.idle_after) @ u @ idle(design.pulse.idle_before)


def test_sqrt_bswap_within_every_bound_on_random_devices():
    rng = np.random.default_rng(15)
    for _ in range(5):
        w_lo = rng.uniform(0.3, 1.5)
        device = Device(gap_hz=rng.uniform(10e6, 60e6), max_amplitude=rng.uniform(2.0, 8.0),
                        min_frequency=w_lo, max_frequency=rng.uniform(3.0, 8.0))
        d = design_bswap(device)
        assert abs(d.pulse.amplitude) <= device.max_amplitude
        assert device.min_frequency <= d.pulse.frequency <= device.max_frequency
        phys = d.to_physical()
        assert phys.frequency_mhz <= device.max_frequency * device.gap_hz / 1e6 * (1 + 1e-12)
        assert phys.amplitude_mhz <= device.max_amplitude * device.gap_hz / 1e6 * (1 + 1e-12)
        assert d.exact_error <= 1e-10
        assert d.optimality is not None and d.optimality.optimum <= d.optimality.grid_best


def test_high_min_frequency_designs_or_says_why_in_physical_units():
    device = Device(min_frequency=4.5, max_frequency=8.0)
    try:
        d = design_bswap(device)
    except LZSMInputError as exc:
        assert "MHz" in str(exc)
    else:
        assert 4.5 <= d.pulse.frequency <= 8.0 and d.exact_error <= 1e-10


def test_bswap_physical_and_json_round_trip(tmp_path):
    d = design_bswap()
    restored = BSwapDesign.load(d.save(tmp_path / "bswap.json"))
    assert restored.pulse == d.pulse and restored.exact_error == d.exact_error and restored.name == "sqrt_bswap"
    assert restored.to_physical().duration_ns == pytest.approx(d.to_physical().duration_ns)
    assert gate_error(bswap_target(), independent_two_qubit_unitary(restored)) <= 1e-10
    with pytest.raises(LZSMInputError, match="pulse.frequency"):
        BSwapDesign.from_json(d.to_json().replace(f'"frequency": {d.pulse.frequency!r}', '"frequency": 100.0', 1))


@pytest.mark.slow
def test_xy_entangler_is_idle_free_exact_and_locally_equivalent_to_sqrt_bswap():
    xy = design_xy_entangler()
    assert xy.pulse.idle_before == 0.0 and xy.pulse.idle_after == 0.0
    assert float(gate_error(xy_entangler_target(), independent_two_qubit_unitary(xy))) <= 1e-10
    g_xy, g_bswap = makhlin_invariants(xy_entangler_target()), makhlin_invariants(bswap_target())
    assert np.allclose(g_xy[0], g_bswap[0]) and np.isclose(g_xy[1], g_bswap[1])
    comparison = compare_entanglers()
    assert comparison.fastest.name == comparison.most_robust.name == "xy_entangler"
    assert "xy_entangler" in comparison.table()


@pytest.mark.slow
def test_gap_mismatch_global_reoptimisation():
    d = design_bswap()
    m = bswap_gap_mismatch(d, 1.05)
    fixed, reopt = m
    assert reopt <= 5e-3 < fixed
    assert m.reoptimized_pulse is not None and m.n_evaluations > 0
    assert min(m.start_errors) == pytest.approx(reopt, rel=1e-6) and len(m.start_errors) >= 3
    check = gate_error(bswap_target(), m.reoptimized_pulse.propagator(coupled_qubits_model(1.0, 1.05)))
    assert float(check) == pytest.approx(reopt, rel=1e-6)
    # the idle-free entangler is far less sensitive to the same mismatch, without re-optimisation
    xy = design_xy_entangler()
    assert bswap_gap_mismatch(xy, 1.05, reoptimize=False).fixed_error < 0.1 * fixed


@pytest.mark.slow
def test_xy_entangler_gap_mismatch_reoptimisation():
    """D2/D1 = 1.05: the XY entangler's re-optimised error is 1.80e-4 (the same pulse: 2.98e-4), checked by DOP853."""
    xy = design_xy_entangler()
    m = bswap_gap_mismatch(xy, 1.05)
    assert m.fixed_error == pytest.approx(2.98e-4, rel=0.01)
    assert m.reoptimized_error == pytest.approx(1.80e-4, rel=0.01)
    assert min(m.start_errors) == pytest.approx(m.reoptimized_error, rel=1e-6) and len(m.start_errors) >= 2
    p = m.reoptimized_pulse
    assert 0 <= p.amplitude <= xy.device.max_amplitude
    assert xy.device.min_frequency <= p.frequency <= xy.device.max_frequency
    check = gate_error(xy_entangler_target(), independent_two_qubit_unitary(replace(xy, pulse=p, gap2=1.05)))
    assert float(check) == pytest.approx(m.reoptimized_error, rel=1e-6)
