"""The public surface: every public name of every module is exported by ``lzsm_gates`` or deliberately module-only.

A module's public names are its ``__all__`` (every module must define one).  When this test fails it
prints the exact names: add each to ``lzsm_gates/__init__.py`` (import and ``__all__``), or, if it
should stay in its module, to ``MODULE_ONLY`` below with the reason.
"""

import importlib
import pkgutil
import types

import pytest

import lzsm_gates

#: (module, name) -> why the name is not exported at top level.
MODULE_ONLY = {
    ("lzsm_gates.cli", "main"): "entry point of the lzsm-gates command, not a library function",
    ("lzsm_gates.operators", "TensorOrder"): "type alias for annotations (Literal['model', 'qiskit'])",
}

#: Modules whose public names stay in the module, and why.
MODULE_ONLY_MODULES = {
    "lzsm_gates.plotting": "figures need matplotlib; `import lzsm_gates` does not import it (use lzsm_gates.plotting)",
    "lzsm_gates.calibration": "optional extra (Qiskit Experiments): `from lzsm_gates import *` must work without it",
}


def _modules() -> list[types.ModuleType]:
    return [importlib.import_module(m.name) for m in pkgutil.walk_packages(lzsm_gates.__path__, "lzsm_gates.")]


MODULES = _modules()


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_module_defines_all_of_existing_names(module):
    names = getattr(module, "__all__", None)
    assert names is not None, f"{module.__name__} has no __all__: list its public names explicitly"
    missing = [n for n in names if not hasattr(module, n)]
    assert not missing, f"{module.__name__}.__all__ lists names the module does not define: {missing}"
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, f"{module.__name__}.__all__ lists names twice: {dupes}"


def test_every_public_name_is_exported_or_deliberately_module_only():
    exported = set(lzsm_gates.__all__)
    problems = []
    for module in MODULES:
        if any(module.__name__ == m or module.__name__.startswith(m + ".") for m in MODULE_ONLY_MODULES):
            continue  # a module-only module, or a submodule of a module-only subpackage
        for name in getattr(module, "__all__", ()):
            if (module.__name__, name) in MODULE_ONLY:
                continue
            if name not in exported:
                problems.append(f"{module.__name__}.{name} is not in lzsm_gates.__all__")
            elif getattr(lzsm_gates, name) is not getattr(module, name):
                problems.append(f"lzsm_gates.{name} is not the object {module.__name__}.{name} (two objects, one name)")
    assert not problems, (
        "public names missing from the top level (add them to lzsm_gates/__init__.py, import and __all__, "
        "or to MODULE_ONLY in this test with a reason):\n  " + "\n  ".join(problems)
    )


def test_top_level_all_is_exact():
    names = lzsm_gates.__all__
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, f"lzsm_gates.__all__ lists names twice: {dupes}"
    missing = [n for n in names if not hasattr(lzsm_gates, n)]
    assert not missing, f"lzsm_gates.__all__ lists names lzsm_gates does not define: {missing}"
    homes = {n for m in MODULES for n in getattr(m, "__all__", ())}
    orphans = [n for n in names if n not in homes]
    assert not orphans, f"lzsm_gates.__all__ names not public in any module (give each a home module's __all__): {orphans}"
    # names imported into the package namespace but not listed (submodules and dunders aside)
    unlisted = sorted(
        n for n, obj in vars(lzsm_gates).items()
        if not n.startswith("_") and not isinstance(obj, types.ModuleType) and n not in names
    )
    assert not unlisted, f"lzsm_gates imports public names it does not list in __all__: {unlisted}"


def test_allow_list_entries_exist():
    for (module, name), reason in MODULE_ONLY.items():
        assert hasattr(importlib.import_module(module), name), f"stale MODULE_ONLY entry {module}.{name} ({reason})"
        assert name not in lzsm_gates.__all__, f"{module}.{name} is exported although MODULE_ONLY says: {reason}"
    for module in MODULE_ONLY_MODULES:
        importlib.import_module(module)


def test_star_import_gives_exactly_all():
    namespace: dict = {}
    exec("from lzsm_gates import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(lzsm_gates.__all__)
