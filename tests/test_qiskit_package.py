"""The Qiskit subpackage layout: old import paths re-export the same objects."""

import importlib

import pytest

import lzsm_gates
import lzsm_gates.qiskit as lq


@pytest.mark.parametrize("old", ["lzsm_gates.circuits", "lzsm_gates.schedules"])
def test_old_import_paths_reexport_the_same_objects(old):
    module = importlib.import_module(old)
    assert module.__all__, old
    for name in module.__all__:
        assert getattr(module, name) is getattr(lq, name), f"{old}.{name}"


def test_subpackage_names_are_public_at_top_level():
    for name in lq.__all__:
        assert getattr(lzsm_gates, name) is getattr(lq, name), name


def test_each_name_is_defined_in_one_module():
    owners = {}
    for mod in ("gates", "equivalences", "target", "timeline", "simulation", "device", "execution", "backend", "rabi", "schedules", "pulse_schedules"):
        m = importlib.import_module(f"lzsm_gates.qiskit.{mod}")
        for name in m.__all__:
            obj = getattr(m, name)
            if isinstance(obj, type) or callable(obj):
                assert obj.__module__ == m.__name__, f"{name} is defined in {obj.__module__}, exported by {m.__name__}"
            assert name not in owners, f"{name} exported by {owners.get(name)} and {mod}"
            owners[name] = mod
    assert set(owners) == set(lq.__all__)
