"""Physical units at the edges (Device) and the shared argument checks (lzsm_gates.units)."""

import numpy as np
import pytest

from lzsm_gates.units import (
    DEFAULT_DEVICE,
    Device,
    LZSMInputError,
    check_choice,
    check_finite,
    check_in_range,
    check_integer,
    check_interval,
    check_positive,
)


def test_device_conversions_follow_the_gap_unit():
    dev = Device.from_gap(20, "MHz")
    assert dev.gap_hz == 20e6 and dev == DEFAULT_DEVICE
    # one internal time unit is 1/Delta = 1/(2 pi 20 MHz) = 7.9577 ns
    assert dev.time_to_ns(1.0) == pytest.approx(1e9 / (2 * np.pi * 20e6), rel=1e-15)
    assert dev.time_to_ns(2 * np.pi) == pytest.approx(50.0)  # one Larmor period of a 20 MHz qubit
    assert dev.frequency_to_hz(2.0) == pytest.approx(40e6)
    t = np.array([0.0, 1.5, 7.0])
    np.testing.assert_allclose(dev.time_from_ns(dev.time_to_ns(t)), t)
    np.testing.assert_allclose(dev.frequency_from_hz(dev.frequency_to_hz(t)), t)
    assert dev.dt == pytest.approx(0.1 * 2 * np.pi * 20e6 * 1e-9)
    assert Device.from_gap(0.02, "GHz").gap_hz == pytest.approx(20e6)
    assert Device.from_gap(20000, " khz ").gap_hz == pytest.approx(20e6)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: Device(gap_hz=-1.0), r"gap_hz must lie in \[1000.0, 1000000000000.0\], got -1.0"),
        (lambda: Device(min_frequency=9.0), "min_frequency"),
        (lambda: Device.from_gap(20, "rad"), "unit must be one of"),
        (lambda: check_finite("x", [1.0, np.nan]), "x must be finite"),
        (lambda: check_finite("x", [1j]), "x must be real"),
        (lambda: check_finite("x", []), "x is empty"),
        (lambda: check_positive("x", 0.0), r"x must lie in \(0, inf\)"),
        (lambda: check_positive("x", -1e-300, allow_zero=True), r"x must lie in \[0, inf\)"),
        (lambda: check_in_range("p", 1.5, 0, 1), r"p must lie in \[0, 1\]"),
    ],
)
def test_range_checks_name_parameter_and_range(call, match):
    with pytest.raises(LZSMInputError, match=match):
        call()


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3), 3.0, np.float32(3.0)])
def test_check_integer_accepts_integral_values(value):
    out = check_integer("n", value, minimum=0)
    assert out == 3 and type(out) is int


@pytest.mark.parametrize("value", [True, np.bool_(False), 2.5, np.nan, np.inf, "3", [3], np.array([3]), None, 1 + 0j])
def test_check_integer_refuses_non_integers(value):
    with pytest.raises(LZSMInputError, match=r"n must be an integer in \[0, inf\), got"):
        check_integer("n", value, minimum=0)


def test_check_integer_bounds_are_inclusive_and_named():
    assert check_integer("k", 2, minimum=2, maximum=4) == 2
    assert check_integer("k", 4, minimum=2, maximum=4) == 4
    with pytest.raises(LZSMInputError, match=r"k must be an integer in \[2, 4\], got 5"):
        check_integer("k", 5, minimum=2, maximum=4)
    with pytest.raises(LZSMInputError, match=r"k must be an integer in \(-inf, 0\], got 1"):
        check_integer("k", 1, maximum=0)
    assert check_integer("k", -10**20) == -10**20


def test_check_choice():
    assert check_choice("model", "full", ("full", "dispersive")) == "full"
    assert check_choice("model", np.str_("full"), ("full", "dispersive")) == "full"
    for bad in ("Full", None, ["full"], True):
        with pytest.raises(LZSMInputError, match="model must be one of 'full', 'dispersive', got"):
            check_choice("model", bad, ("full", "dispersive"))


def test_check_interval():
    assert check_interval("bracket", (0.05, 1)) == (0.05, 1.0)
    for bad in ((1.0, 0.5), (0.0, 1.0), (0.1, np.inf), (0.1, 0.2, 0.3), 0.5):
        with pytest.raises(LZSMInputError, match="bracket must"):
            check_interval("bracket", bad)
