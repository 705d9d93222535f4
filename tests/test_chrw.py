import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import j1

from lzsm_gates import LZSMInputError
from lzsm_gates.approximations import APPROXIMATIONS, approximate_propagator
from lzsm_gates.chrw import CHRWWarning, chrw_parameters, chrw_probability, chrw_propagator, chrw_quasienergies, chrw_xi
from lzsm_gates.maps import lzsm_map
from lzsm_gates.metrics import gate_error
from lzsm_gates.models import PAULI_Z, qubit_model
from lzsm_gates.propagate import period_propagator

AMPLITUDES = np.linspace(0.1, 8.0, 64)
FREQUENCIES = np.linspace(0.5, 8.0, 61)


@pytest.fixture(scope="module")
def error_map():
    return lzsm_map(AMPLITUDES, FREQUENCIES, progress=False)


def test_chrw_validity_region_over_grid(error_map):
    """Self-consistent CHRW: 1-F < 1e-3 for all A <= 8 once omega >= 2.5, < 1e-4 once omega >= 3.5 (whole grid)."""
    err = error_map["error_chrw"]
    assert float(err.sel(omega=slice(2.5, None)).max()) < 1e-3
    assert float(err.sel(omega=slice(3.5, None)).max()) < 1e-4


def test_other_approximations_visibly_worse(error_map):
    frac = {name: float((error_map[f"error_{name.replace('-', '_')}"] < 1e-3).mean()) for name in APPROXIMATIONS}
    assert frac["chrw"] > 0.85
    assert frac["chrw-first-order"] < frac["chrw"] - 0.3
    assert frac["rwa"] < 0.1
    # and the worst error over the fast-gate region omega >= 2.5
    fast = error_map.sel(omega=slice(2.5, None))
    assert float(fast["error_chrw_first_order"].max()) > 0.1
    assert float(fast["error_rwa"].max()) > 0.1


def test_map_probabilities_consistent(error_map):
    p_exact = error_map["P_exact"].values
    assert np.all((p_exact >= 0) & (p_exact <= 1))
    u = period_propagator(qubit_model(), AMPLITUDES[10], FREQUENCIES[20])
    assert np.isclose(float(error_map["P_exact"][10, 20]), abs(u[1, 0]) ** 2, atol=1e-14)


@pytest.mark.parametrize("amplitude,frequency,bound", [(0.5, 2, 1e-6), (1, 2, 5e-5), (2, 3, 5e-5), (3, 4, 5e-5), (1, 1, 5e-4)])
def test_chrw_accuracy_at_reference_points(amplitude, frequency, bound):
    """physics.md: ~1e-7 at (0.5, 2), ~1e-5 at (1, 2), (2, 3), (3, 4), ~1e-4 at (1, 1)."""
    exact = period_propagator(qubit_model(), amplitude, frequency)
    assert gate_error(exact, chrw_propagator(amplitude, frequency)) < bound


def test_magnus_converges_with_frequency():
    w = np.array([4.0, 8.0, 16.0, 32.0, 64.0])
    a = 1.5
    err = gate_error(period_propagator(qubit_model(), a, w), approximate_propagator("magnus", a, w))
    assert np.all(np.diff(err) < 0)
    assert err[-1] < 1e-6 * err[0] * 1e3


def test_self_consistent_root_solves_equation_and_may_exceed_one():
    a = np.array([0.5, 2.0, 4.88, 8.0])
    w = np.array([2.0, 3.0, 2.517, 3.5])
    xi, unique = chrw_xi(a, w)
    assert np.all(unique)
    assert np.allclose(a * (1 - xi), j1(2 * xi * a / w), atol=1e-12)
    assert xi[2] > 1.0  # beyond the first zero of J1 the root leaves (0, 1)
    # weak drive: first-order value
    xi0, _ = chrw_xi(1e-4, 2.0)
    assert np.isclose(xi0, 2.0 / 3.0, atol=1e-6)


def test_multiple_roots_flagged_and_warned():
    xi, unique = chrw_xi(1.0, 0.5)
    assert not unique
    with pytest.warns(CHRWWarning, match="no unique root"):
        chrw_parameters([1.0, 1.0], [2.0, 0.5], warn=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chrw_parameters(1.0, 2.0, warn=True)


def test_chrw_probability_formula_and_symmetry():
    a, w = np.meshgrid(np.linspace(0.1, 4, 7), np.linspace(1.5, 6, 7), indexing="ij")
    p = chrw_parameters(a, w)
    x = 2 * p.theta0
    closed = np.sin(p.rabi * np.pi / w) ** 2 * (p.detuning * np.sin(x) + p.drive_eff * np.cos(x)) ** 2 / p.rabi**2
    assert np.allclose(chrw_probability(a, w), closed, atol=1e-13)
    u = chrw_propagator(a, w)
    assert np.abs(np.swapaxes(u, -1, -2) - PAULI_Z @ u @ PAULI_Z).max() < 1e-13


def test_chrw_quasienergies_match_exact_floquet_phases():
    for a, w in [(0.5, 2.0), (2.0, 3.0), (3.0, 4.0)]:
        u = period_propagator(qubit_model(), a, w)
        eps = np.sort(-np.angle(np.linalg.eigvals(u)) / (2 * np.pi / w))
        approx = chrw_quasienergies(a, w)
        diff = np.abs(((eps - approx) + w / 2) % w - w / 2)
        assert diff.max() < 5e-3 * w


@settings(max_examples=30, deadline=None)
@given(st.floats(0.05, 8), st.floats(0.5, 8), st.sampled_from(sorted(APPROXIMATIONS)))
def test_property_approximations_unitary(amplitude, frequency, name):
    u = approximate_propagator(name, amplitude, frequency)
    assert np.abs(u.conj().T @ u - np.eye(2)).max() < 1e-12
    assert 0.0 <= abs(u[1, 0]) ** 2 <= 1.0


@pytest.mark.parametrize("args,match", [((1.0, 0.0), "frequency"), ((np.nan, 1.0), "amplitude"), ((1.0, 2.0, -1.0), "gap")])
def test_bad_input(args, match):
    with pytest.raises(LZSMInputError, match=match):
        chrw_propagator(*args)


def test_bad_map_inputs():
    with pytest.raises(LZSMInputError):
        lzsm_map([], [1.0], progress=False)
    with pytest.raises(LZSMInputError, match="approximations"):
        lzsm_map([1.0], [1.0], approximations=["nope"], progress=False)
    with pytest.raises(LZSMInputError):
        approximate_propagator("nope", 1.0, 1.0)


@pytest.mark.parametrize("frequency,a_lo,a_hi,sup", [(2.5, 4.1, 4.3, 4.2e-4), (3.5, 5.8, 5.95, 5.3e-5)])
def test_documented_chrw_validity_is_the_supremum_over_amplitude(frequency, a_lo, a_hi, sup):
    """The figures in the chrw module docstring: a fine scan around the worst amplitude reaches them (2 digits)."""
    a = np.linspace(a_lo, a_hi, 201)
    w = np.full_like(a, frequency)
    err = gate_error(period_propagator(qubit_model(), a, w), chrw_propagator(a, w))
    assert float(err.max()) == pytest.approx(sup, rel=0.015)
    assert 0 < np.argmax(err) < a.size - 1  # an interior maximum, not an edge of the scan
