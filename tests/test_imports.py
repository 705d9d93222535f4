"""Import cost: heavy dependencies are imported only by the code that uses them.

Each check runs in a fresh interpreter (``sys.modules`` of the test session
already holds everything) and lists the heavy modules an import pulled in.
Timings are in ``benchmarks/bench_import.py``, not here.
"""

import json
import subprocess
import sys

import pytest

import lzsm_gates

#: Imported by no ``import lzsm_gates...`` statement at all: only inside the functions that need them.
NEVER_AT_IMPORT = ("qiskit_dynamics", "matplotlib", "dask", "qutip", "scqubits", "numba")
#: Also not imported by ``import lzsm_gates`` or by the command line's ``--help``.
NOT_BY_PACKAGE = NEVER_AT_IMPORT + ("qiskit", "xarray", "pandas", "scipy.optimize", "tqdm")


def _imported_after(code: str, candidates: tuple[str, ...]) -> list[str]:
    """The ``candidates`` present in ``sys.modules`` after running ``code`` in a new interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {list(candidates)!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-W", "error", "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_lzsm_gates_imports_no_heavy_dependency():
    heavy = _imported_after("import lzsm_gates", NOT_BY_PACKAGE)
    assert not heavy, (
        f"`import lzsm_gates` imports {heavy}: re-export new names lazily (add them to _EXPORTS in "
        "lzsm_gates/__init__.py, not as `from .module import name`)"
    )


@pytest.mark.parametrize("package", ["lzsm_gates.qiskit", "lzsm_gates.devices", "lzsm_gates.cavity"])
def test_subpackages_import_lazily(package):
    heavy = _imported_after(f"import {package}", NOT_BY_PACKAGE)
    assert not heavy, f"`import {package}` imports {heavy}"


def test_command_line_help_imports_no_heavy_dependency():
    code = (
        "import contextlib, io\nfrom lzsm_gates.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n    main(['--help'])"
    )
    heavy = _imported_after(code, NOT_BY_PACKAGE)
    assert not heavy, f"`lzsm-gates --help` imports {heavy}: import them inside the subcommand functions"


@pytest.mark.slow
def test_every_module_defers_the_heaviest_dependencies():
    # plotting is the one module whose purpose is matplotlib; the calibration subpackage (an optional extra)
    # is built on Qiskit Experiments, whose own import loads matplotlib
    # (walked by hand: pkgutil.walk_packages imports every subpackage it descends into)
    code = (
        "import importlib, pkgutil, lzsm_gates\n"
        "skip = ('lzsm_gates.plotting', 'lzsm_gates._kernels', 'lzsm_gates.calibration')\n"
        "todo = [('lzsm_gates.', lzsm_gates.__path__)]\n"
        "while todo:\n"
        "    prefix, path = todo.pop()\n"
        "    for m in pkgutil.iter_modules(path, prefix):\n"
        "        if m.name in skip:\n"
        "            continue\n"
        "        module = importlib.import_module(m.name)\n"
        "        if m.ispkg:\n"
        "            todo.append((m.name + '.', module.__path__))"
    )
    heavy = _imported_after(code, NEVER_AT_IMPORT)
    assert not heavy, f"importing the modules of lzsm_gates imports {heavy} at module level"


def test_lazy_names_are_the_defining_modules_objects():
    from lzsm_gates import floquet_rates
    from lzsm_gates.floquet import floquet_rates as defined

    assert floquet_rates is defined
    assert lzsm_gates.floquet_rates is defined
    # the function `leakage`, not the submodule of the same name
    from lzsm_gates.devices import leakage as leakage_module_name

    assert callable(leakage_module_name) and lzsm_gates.leakage is leakage_module_name


def test_dir_lists_every_public_name_and_unknown_names_raise():
    assert set(lzsm_gates.__all__) <= set(dir(lzsm_gates))
    with pytest.raises(AttributeError, match="no_such_name"):
        lzsm_gates.no_such_name  # noqa: B018
    with pytest.raises(ImportError):
        from lzsm_gates import no_such_name  # noqa: F401


def test_submodules_are_attributes_as_with_eager_imports():
    code = "import lzsm_gates\nassert lzsm_gates.maps.lzsm_map is lzsm_gates.lzsm_map"
    assert _imported_after(code, ("lzsm_gates.maps",)) == ["lzsm_gates.maps"]


def test_lazy_exports_refuse_a_name_listed_twice():
    from lzsm_gates._lazy import lazy_exports

    with pytest.raises(ValueError, match="'x' is re-exported from both 'a' and 'b'"):
        lazy_exports("pkg", {}, {"a": ("x",), "b": ("x",)})
