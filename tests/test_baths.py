"""Tests of the bath models (lzsm_gates.baths)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lzsm_gates.baths import Bath, OhmicSpectralDensity, bose_einstein, thermal_energy
from lzsm_gates.units import LZSMInputError


def test_ohmic_spectrum_values():
    bath = Bath.ohmic(2e-3, 10.0, 0.3)
    w = np.array([0.7, 2.0])
    j = 2e-3 * w * np.exp(-w / 10.0)
    n = 1 / (np.exp(w / 0.3) - 1)
    np.testing.assert_allclose(bath.spectrum(w), j * (n + 1), rtol=1e-13)
    np.testing.assert_allclose(bath.spectrum(-w), j * n, rtol=1e-13)
    np.testing.assert_allclose(bath.symmetrized_spectrum(w), j / np.tanh(w / 0.6), rtol=1e-13)
    # zero-frequency limit kappa * T, continuous with small frequencies
    assert bath.spectrum(0.0) == pytest.approx(2e-3 * 0.3, rel=1e-14)
    assert bath.spectrum(1e-6) == pytest.approx(2e-3 * 0.3, rel=1e-5)


@settings(max_examples=50, deadline=None)
@given(w=st.floats(1e-3, 20.0), temperature=st.floats(0.01, 5.0))
def test_detailed_balance(w, temperature):
    bath = Bath.ohmic(1e-3, 15.0, temperature)
    assert bath.spectrum(-w) == pytest.approx(np.exp(-w / temperature) * bath.spectrum(w), rel=1e-10, abs=1e-300)


def test_zero_temperature_is_emission_only():
    bath = Bath.ohmic(1e-3, np.inf, 0.0)
    np.testing.assert_array_equal(bath.spectrum([-1.0, 0.0]), [0.0, 0.0])
    assert bath.spectrum(1.5) == pytest.approx(1.5e-3)


def test_callable_density_matches_ohmic_and_zero_limit():
    ohmic = Bath.ohmic(1e-3, 5.0, 0.2)
    custom = Bath(lambda w: 1e-3 * w * np.exp(-w / 5.0), 0.2)
    w = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(custom.spectrum(w), ohmic.spectrum(w), rtol=1e-7)


def test_bose_einstein_and_units():
    assert bose_einstein(1.0, 1.0) == pytest.approx(1 / (np.e - 1))
    assert bose_einstein(-1.0, 0.0) == -1.0
    # 20 mK for a 1 GHz energy unit: k T / h f = 0.4167
    assert thermal_energy(0.02, 1e9) == pytest.approx(0.41671, rel=1e-4)


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: Bath.ohmic(1e-3, 10.0, -0.1), "temperature"),
        (lambda: Bath.ohmic(1e-3, 10.0, np.nan), "temperature"),
        (lambda: Bath.ohmic(-1e-3, 10.0, 0.1), "coupling"),
        (lambda: OhmicSpectralDensity(1e-3, 0.0), "cutoff"),
        (lambda: Bath("not callable", 0.1), "callable"),
        (lambda: Bath(lambda w: np.full_like(w, np.nan), 0.1).spectrum(1.0), "NaN"),
        (lambda: Bath(lambda w: np.full_like(w, np.inf), 0.1).spectrum(1.0), "NaN or inf"),
        (lambda: Bath(lambda w: -w, 0.1).spectrum(1.0), ">= 0"),
        (lambda: Bath(lambda w: 1.0, 0.1).spectrum(np.ones(3)), "shape"),
        (lambda: Bath.ohmic(1e-3).spectrum(np.nan), "frequency"),
    ],
)
def test_bad_inputs_raise(build, match):
    with pytest.raises(LZSMInputError, match=match):
        build()
