"""``lzsm-gates design --device fluxonium.toml`` and the device-file reader."""

from __future__ import annotations

import json

import pytest

from lzsm_gates.cli import main
from lzsm_gates.devices.config import load_device
from lzsm_gates.units import LZSMInputError

TOML = "EJ = 3.0\nEC = 1.0\nEL = 1.0\nflux = 0.5\ncutoff = 110\nN = 4\n"


def test_design_on_device_prints_leakage_in_physical_units(tmp_path, capsys):
    path = tmp_path / "fluxonium.toml"
    path.write_text(TOML)
    out_json = tmp_path / "d.json"
    args = ["design", "--device", str(path), "--target", "h", "--refine", "1", "--show", "3", "--json", str(out_json)]
    assert main(args) == 2  # this device's floor (~2e-4, leakage) is above the default --max-error 1e-8: refused
    assert "was not written" in capsys.readouterr().err and not out_json.exists()
    assert main(args + ["--max-error", "1e-2"]) == 0
    out = capsys.readouterr().out
    assert "leakage" in out and "A/2pi MHz" in out and "4 levels" in out
    rows = json.loads(out_json.read_text())
    assert rows[0]["leakage"] <= rows[0]["total_error"] + 1e-12
    assert rows[0]["levels"] == 4 and rows[0]["duration_ns"] > 0


def test_device_file_errors(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("EJ = 3.0\nEC = 1.0\nEl = 1.0\n")
    with pytest.raises(LZSMInputError, match="unknown keys"):
        load_device(bad)
    assert main(["design", "--device", str(bad)]) == 2
    assert "unknown keys" in capsys.readouterr().err
    broken = tmp_path / "broken.toml"
    broken.write_text("EJ = \n")
    with pytest.raises(LZSMInputError, match="not valid TOML"):
        load_device(broken)
    sub = tmp_path / "table.toml"
    sub.write_text("[fluxonium]\n" + TOML)
    assert load_device(sub).levels == 4
