"""Every result records the package version that produced it (``version.Provenance``), beside its settings."""

import dataclasses
import json
import re

import pytest

import lzsm_gates
from lzsm_gates import Bath, design_gate, qubit_model
from lzsm_gates.design_results import DesignResult
from lzsm_gates.floquet import floquet_basis, qubit_rates
from lzsm_gates.version import Provenance, __version__

RESULT_NAME = re.compile(
    r"(Result|Rates|SteadyState|Simulation|Execution|Design|Dynamics|Comparison|Mismatch|Score|Redfield|Basis|Multilevel)$"
)
RESULT_CLASSES = sorted(n for n in lzsm_gates.__all__ if RESULT_NAME.search(n))


def test_the_result_classes_are_found():
    # guards the pattern: a rename must not silently empty the list below
    assert {"DesignResult", "GateDesign", "FloquetRates", "QubitRates", "CircuitSimulation", "Execution",
            "O3LSteadyState", "CavitySteadyState", "OpenEvolutionResult"} <= set(RESULT_CLASSES)


@pytest.mark.parametrize("name", RESULT_CLASSES)
def test_every_exported_result_class_records_the_version(name):
    cls = getattr(lzsm_gates, name)
    assert isinstance(cls, type) and issubclass(cls, Provenance), f"{name} does not derive from version.Provenance"
    field = {f.name: f for f in dataclasses.fields(cls)}["version"]
    assert field.kw_only and field.default == __version__ == lzsm_gates.__version__


def test_computed_results_carry_the_version_and_keep_their_repr():
    rates = qubit_rates(1.0, 2.0, Bath.ohmic(0.01, temperature=0.05))
    basis = floquet_basis(qubit_model(), [1.0, 2.0], 2.0)
    for result in (rates, basis):
        assert result.version == __version__
        assert "version=" not in repr(result)  # a provenance field, not part of the summary
    other = dataclasses.replace(rates, version="0.0.1")
    assert other.version == "0.0.1" and other != rates


def test_design_result_version_round_trips_through_json():
    result = design_gate("x")
    assert result.version == __version__ and all(c.version == __version__ for c in result.candidates)
    data = json.loads(result.to_json())
    assert data["version"] == __version__
    data["version"] = "0.0.7"
    loaded = DesignResult.from_json(json.dumps(data))
    assert loaded.version == "0.0.7" and {c.version for c in loaded.candidates} == {"0.0.7"}
    del data["version"]  # a file written before versions were recorded
    assert DesignResult.from_json(json.dumps(data)).version == "unknown"


def test_two_qubit_design_version_round_trips_through_json():
    from lzsm_gates.entanglers import BSwapDesign, design_bswap

    d = design_bswap()
    data = json.loads(d.to_json())
    assert d.version == data["version"] == __version__
    data["version"] = "0.0.7"
    assert BSwapDesign.from_json(json.dumps(data)).version == "0.0.7"
