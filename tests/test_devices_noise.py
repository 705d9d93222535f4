"""Open-system scores of N-level designs with the device's own noise operators."""

from __future__ import annotations

import numpy as np
import pytest

from lzsm_gates.baths import Bath
from lzsm_gates.devices import evaluate_pulse, fluxonium, subspace_gate_error
from lzsm_gates.devices.noise import (
    device_couplings,
    open_system_score,
    rank_open_system,
    subspace_channel_error,
)
from lzsm_gates.floquet import floquet_rates
from lzsm_gates.metrics import average_gate_fidelity, unitary_superoperator
from lzsm_gates.noise import gate_channel
from lzsm_gates.targets import resolve_target
from lzsm_gates.units import LZSMInputError


@pytest.fixture(scope="module")
def device():
    return fluxonium(4.0, 1.0, 1.0, levels=4)


def test_subspace_channel_error_of_unitaries_and_full_space():
    rng = np.random.default_rng(1)
    u, _ = np.linalg.qr(rng.normal(size=(5, 5)) + 1j * rng.normal(size=(5, 5)))
    v = np.array([[0, 1], [1, 0]], dtype=complex)
    assert subspace_channel_error(unitary_superoperator(u), v) == pytest.approx(float(subspace_gate_error(u, v)), abs=1e-13)
    # whole space as subspace: the usual average gate fidelity of a channel
    u3, _ = np.linalg.qr(rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3)))
    depol = 0.9 * unitary_superoperator(u3) + 0.1 * np.outer(np.eye(3).ravel(), np.eye(3).ravel()) / 3
    expected = 1 - average_gate_fidelity(depol, u3)
    assert subspace_channel_error(depol, u3, (0, 1, 2)) == pytest.approx(expected, abs=1e-13)


def test_dielectric_relaxation_is_the_golden_rule(device):
    temperature, q = 0.4, 3e5
    couplings = device_couplings(device, dielectric_q=q, temperature=temperature)
    rates = floquet_rates(device.model(), 0.0, 3.0, couplings)
    ec = 1.0 / device.gap_ghz  # EC = 1 GHz in units of the gap
    phi01 = abs(device.operator("phi")[0, 1])
    golden = phi01**2 / (4 * ec * q) / np.tanh(1 / (2 * temperature))  # omega_01 = 1
    assert rates.rates[0, 1] + rates.rates[1, 0] == pytest.approx(golden, rel=1e-9)
    with pytest.raises(LZSMInputError, match="noise channel"):
        device_couplings(device)


def test_open_system_counts_leakage_out_of_the_qubit(device):
    target = resolve_target("h")
    design = evaluate_pulse(target, device, 4, 0.4, 1.3)
    cold = device_couplings(device, flux=Bath.ohmic(1e-4, 20.0, 0.01))
    hot = device_couplings(device, flux=Bath.ohmic(1e-4, 20.0, 3.0))
    s_cold, s_hot = open_system_score(design, device, cold), open_system_score(design, device, hot)
    assert s_cold.incoherent_error > 0 and s_hot.incoherent_error > s_cold.incoherent_error
    # thermal excitation into level 2 shows up as leaked population beyond the coherent leakage
    assert s_hot.leaked_population > design.leakage + 1e-6
    # the same channel through the library's qubit route when N = 2
    two = evaluate_pulse(target, device, 2, 0.4, 1.3)
    phi2 = [(device.operator("phi", 2), Bath.ohmic(1e-4, 20.0, 0.5))]
    ref = 1 - average_gate_fidelity(gate_channel(two.pulse, phi2, model=device.model(2)), target.matrix)
    assert open_system_score(two, device, phi2).total_error == pytest.approx(ref, rel=1e-9, abs=1e-14)


def test_rank_open_system_orders_by_total_error(device):
    target = resolve_target("h")
    designs = [evaluate_pulse(target, device, 4, a, w) for a, w in ((0.4, 1.3), (0.9, 2.2))]
    couplings = device_couplings(device, dielectric_q=1e5, temperature=0.2)
    ranked = rank_open_system(designs, device, couplings)
    assert [r.total_error for r in ranked] == sorted(r.total_error for r in ranked)
    assert all(r.total_error >= r.coherent_error for r in ranked)
