"""Two coupled fluxoniums: dressed spectrum, the driven-coupler model and the multi-level sqrt(bSWAP)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lzsm_gates.devices.scqubits_models import coupled_fluxoniums
from lzsm_gates.devices.two_qubit import design_bswap_multilevel, two_qubit_model
from lzsm_gates.models import coupled_qubits_model
from lzsm_gates.units import LZSMInputError

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import scqubits as scq

Q1 = dict(EJ=4.2, EC=1.0, EL=0.5)
Q2 = dict(EJ=4.25, EC=1.0, EL=0.5)


def test_coupled_fluxoniums_match_full_product_space():
    g, cutoff = 0.02, 32
    spec = coupled_fluxoniums(Q1, Q2, g, levels=6, cutoff=cutoff, truncated_dim=20, tol=1e-9)
    f1, f2 = (scq.Fluxonium(**q, flux=0.5, cutoff=cutoff) for q in (Q1, Q2))
    eye = np.eye(cutoff)
    h = np.kron(f1.hamiltonian(), eye) + np.kron(eye, f2.hamiltonian()) + g * np.kron(f1.phi_operator(), f2.phi_operator())
    e = np.linalg.eigvalsh(h)[:6]
    assert np.max(np.abs(spec.energies - e)) < 1e-9
    assert spec.labels[:4] == ("00", "01", "10", "11")


def test_uncoupled_model_is_the_two_qubit_problem():
    spec = coupled_fluxoniums(Q1, Q2, 0.0, levels=8, tol=None)
    model, idx = two_qubit_model(spec)
    block = np.ix_(idx, idx)
    gap2 = (spec.energies[idx[1]] - spec.energies[idx[0]]) / (spec.energies[idx[2]] - spec.energies[idx[0]])
    ref = coupled_qubits_model(1.0, gap2)
    assert np.allclose(model.static[block], ref.static, atol=1e-12)
    assert np.allclose(model.drive_operator[block], ref.drive_operator, atol=1e-12)
    with pytest.raises(LZSMInputError, match="no level labelled"):
        two_qubit_model(spec, 3)


@pytest.mark.slow
def test_multilevel_bswap_error_and_leakage():
    spec = coupled_fluxoniums(Q1, dict(EJ=4.205, EC=1.0, EL=0.5), 0.0, levels=8, tol=None)
    r = design_bswap_multilevel(spec, maxiter=120)
    assert 0 < r.leakage < 1e-3 and 0 < r.two_level_leakage < 1e-3
    assert r.error <= r.two_level_error
    assert r.leakage <= r.error + 1e-12
