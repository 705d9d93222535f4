"""Property-based fuzzing of the CLI's numeric options and the main API entry points.

Every input either succeeds with finite output or raises the package's error
class (:class:`~lzsm_gates.units.LZSMError`; at the CLI: exit status 2 with
one line on stderr); no other exception escapes.  Grids are tiny and the
example counts small, so the whole module stays cheap.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lzsm_gates.cli import CLIError, _parser, main
from lzsm_gates.maps import lzsm_map
from lzsm_gates.sweeps import Axis, SweepOptions, load_result
from lzsm_gates.units import Device, LZSMError

NASTY_TEXT = ["nan", "inf", "-inf", "1e400", "-0", "0", "", "abc", "1,2", "0x10", " 3 ", "1e-320", "-1e-9", "2.5"]
numbers_as_text = st.one_of(
    st.sampled_from(NASTY_TEXT),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**12), 10**12).map(str),
)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _assert_clean_failure(code: int, err: str) -> None:
    assert code == 2, code
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1 and "Traceback" not in err, err


@FUZZ
@given(
    option=st.sampled_from(["--gap-mhz", "--max-amplitude", "--min-frequency", "--max-frequency", "--refine", "--show",
                            "--max-error", "--target"]),
    value=numbers_as_text,
)
def test_design_options_parse_to_valid_values_or_one_line_error(option, value):
    try:
        args = _parser().parse_args(["design", option, value])
    except CLIError as exc:
        assert "\n" not in str(exc) and option in str(exc)
        return
    parsed = getattr(args, option[2:].replace("-", "_"))
    if option == "--target":
        assert isinstance(parsed, str) or all(math.isfinite(v) for v in parsed)
    elif option == "--refine":
        assert isinstance(parsed, int) and parsed >= 0
    else:
        assert math.isfinite(parsed) and parsed > 0
        if option in ("--gap-mhz", "--max-amplitude", "--max-frequency"):  # a parsed value always makes a device
            device = Device.from_gap(args.gap_mhz, "MHz", max_amplitude=args.max_amplitude,
                                     min_frequency=args.max_frequency / 2, max_frequency=args.max_frequency)
            assert device.dt > 0 and math.isfinite(device.gap_angular)


@FUZZ
@given(
    option=st.sampled_from(["--kappa", "--temperature", "--shots", "--qubits", "--gap-mhz", "--seed"]),
    value=numbers_as_text,
)
def test_circuit_options_parse_to_valid_values_or_one_line_error(option, value):
    try:
        args = _parser().parse_args(["circuit", "bell", option, value])
    except CLIError as exc:
        assert "\n" not in str(exc) and option in str(exc)
        return
    parsed = getattr(args, option[2:].replace("-", "_"))
    assert math.isfinite(parsed) and parsed >= 0
    if option in ("--shots", "--qubits"):
        assert isinstance(parsed, int) and parsed >= 1


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amplitude=st.tuples(numbers_as_text, numbers_as_text, st.sampled_from(["1", "2", "0", "-1", "1.5", "x"])),
    frequency=st.tuples(numbers_as_text, numbers_as_text, st.sampled_from(["1", "2", "0", "3"])),
)
def test_cli_map_succeeds_with_finite_data_or_fails_in_one_line(amplitude, frequency, tmp_path_factory, capsys):
    out = tmp_path_factory.mktemp("map")
    code = main(["map", "--amplitude", *amplitude, "--frequency", *frequency, "--cut-amplitude", amplitude[0],
                 "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    if code == 0:
        ds = load_result(out / "lzsm_map.npz")
        assert all(np.isfinite(ds[name].values).all() for name in ds.data_vars)
    else:
        _assert_clean_failure(code, err)


finite_or_not = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-10, max_value=10),
    st.sampled_from([0.0, 1e-12, 1e-7, 1e6, -1.0]),
)


@settings(max_examples=40, deadline=None)
@given(amplitudes=st.lists(finite_or_not, min_size=0, max_size=2), frequencies=st.lists(finite_or_not, min_size=0, max_size=2))
def test_lzsm_map_is_finite_or_raises_lzsm_error(amplitudes, frequencies):
    try:
        ds = lzsm_map(amplitudes, frequencies, approximations=("chrw", "rwa"), progress=False)
    except LZSMError:
        return
    assert all(np.isfinite(ds[name].values).all() for name in ds.data_vars)


@settings(max_examples=60, deadline=None)
@given(
    start=finite_or_not,
    stop=finite_or_not,
    num=st.one_of(st.integers(-3, 5), st.just(10**9), st.floats(0, 3), st.booleans()),
    kind=st.sampled_from(["linear", "log"]),
)
def test_axis_constructors_give_finite_values_or_raise(start, stop, num, kind):
    try:
        axis = getattr(Axis, kind)("x", start, stop, num)
    except LZSMError:
        return
    assert np.isfinite(axis.values).all() and axis.values.size == num


@settings(max_examples=60, deadline=None)
@given(
    gap=finite_or_not,
    unit=st.sampled_from(["MHz", "GHz", "hz", "parsec", ""]),
    max_amplitude=finite_or_not,
    min_frequency=finite_or_not,
    max_frequency=finite_or_not,
    dt_ns=finite_or_not,
)
def test_device_is_valid_or_raises(gap, unit, max_amplitude, min_frequency, max_frequency, dt_ns):
    try:
        device = Device.from_gap(gap, unit, max_amplitude=max_amplitude, min_frequency=min_frequency,
                                 max_frequency=max_frequency, dt_ns=dt_ns)
    except LZSMError:
        return
    assert math.isfinite(device.gap_hz) and device.gap_hz > 0 and 0 < device.min_frequency < device.max_frequency
    assert math.isfinite(device.dt) and device.dt > 0


@settings(max_examples=60, deadline=None)
@given(
    fields=st.dictionaries(
        st.sampled_from(["chunk_size", "progress", "on_error", "allow_large", "checkpoint", "checkpointt", "executor"]),
        st.one_of(st.integers(-2, 3), st.booleans(), st.text(max_size=3), st.none(), st.floats()),
        max_size=3,
    )
)
def test_sweep_options_are_valid_or_raise(fields):
    try:
        options = SweepOptions(**fields)
    except LZSMError:
        return
    assert options.chunk_size is None or options.chunk_size >= 1
    assert options.on_error in ("report", "raise") and isinstance(options.progress, bool)


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "1e400"])
def test_cli_map_gap_mhz_rejects_non_positive_or_non_finite(value, capsys, tmp_path):
    code = main(["map", "--gap-mhz", value, "--out", str(tmp_path), "--quiet"])
    _assert_clean_failure(code, capsys.readouterr().err)


@settings(max_examples=30, deadline=None)
@given(span=finite_or_not, num=st.one_of(st.integers(-2, 3), st.floats(0, 3), st.none()))
def test_error_landscape_is_finite_or_raises(span, num):
    from lzsm_gates import qubit_model
    from lzsm_gates.maps import error_landscape
    from lzsm_gates.pulses import LZSMPulse

    try:
        ds = error_landscape(LZSMPulse(2.0, 3.0, 0.1, 0.2), np.eye(2), qubit_model(), span=span, num=num, progress=False)
    except LZSMError:
        return
    assert np.isfinite(ds["gate_error"].values).all() and ds["gate_error"].shape == (num, num)
