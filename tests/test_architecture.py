"""The layering of docs/architecture.md holds for the real import graph of the package.

The graph comes from the source (every ``import`` statement, lazy and ``TYPE_CHECKING`` ones
included), not from ``sys.modules``, so an import hidden in a function counts too."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lzsm_gates"
PAGE = ROOT / "docs" / "architecture.md"


def _module_files() -> dict[str, tuple[Path, bool]]:
    """Module name (relative to the package, "" for the package) -> (file, is a package)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        out[".".join(parts)] = (path, is_package)
    return out


MODULES = _module_files()


def _imports(name: str) -> tuple[set[str], set[str]]:
    """Package modules and external top-level names that module ``name`` imports."""
    path, is_package = MODULES[name]
    here = name.split(".") if name else []
    base = here if is_package else here[:-1]
    internal, external = set(), set()
    tree = ast.parse(path.read_text())
    hooks = _plot_hooks(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and id(node) in hooks:
            continue  # a result's .plot() delegating to plotting (checked in test_plot_hooks_only_delegate)
        if isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                target = ".".join(anchor + ([node.module] if node.module else []))
                is_ours = True
            else:
                target = node.module or ""
                is_ours = target == "lzsm_gates" or target.startswith("lzsm_gates.")
                target = target.removeprefix("lzsm_gates").lstrip(".")
            if not is_ours:
                external.add(node.module)
                external.update(f"{node.module}.{alias.name}" for alias in node.names)  # from qiskit import pulse
                continue
            for alias in node.names:  # "from . import x" or "from .pkg import submodule"
                sub = f"{target}.{alias.name}" if target else alias.name
                internal.add(sub if sub in MODULES else target)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "lzsm_gates" or alias.name.startswith("lzsm_gates."):
                    internal.add(alias.name.removeprefix("lzsm_gates").lstrip("."))
                else:
                    external.add(alias.name)
    internal.discard(name)
    return internal, external


def _plot_hooks(tree: ast.Module) -> set[int]:
    """``from .plotting import ...`` statements inside a method named ``plot`` (a result's presentation hook)."""
    return {
        id(imp)
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef) and fn.name == "plot"
        for imp in ast.walk(fn)
        if isinstance(imp, ast.ImportFrom) and imp.level == 1 and imp.module == "plotting"
    }


GRAPH = {name: _imports(name) for name in MODULES}


def _layers() -> dict[str, int]:
    rows = re.findall(r"^\| `([\w.]+)` \| (\d) [^|]*\|", PAGE.read_text(), flags=re.M)
    assert rows, "docs/architecture.md has no module table"
    names = [n for n, _ in rows]
    assert len(names) == len(set(names)), f"modules listed twice in docs/architecture.md: {sorted({n for n in names if names.count(n) > 1})}"
    return {n: int(layer) for n, layer in rows}


LAYERS = _layers()
# the package __init__ only re-exports; it is the one module allowed to import every layer
SUBMODULES = sorted(n for n in MODULES if n)


def test_every_module_has_one_line_on_the_architecture_page():
    missing = [m for m in SUBMODULES if m not in LAYERS]
    stale = [m for m in LAYERS if m not in MODULES]
    assert not missing, f"modules without a line in docs/architecture.md (add `| `name` | layer | holds |`): {missing}"
    assert not stale, f"docs/architecture.md lists modules that do not exist: {stale}"


@pytest.mark.parametrize("module", SUBMODULES)
def test_imports_go_down_the_layers(module):
    higher = sorted(d for d in GRAPH[module][0] if d and LAYERS.get(d, -1) > LAYERS[module])
    assert not higher, (
        f"lzsm_gates.{module} (layer {LAYERS[module]}) imports higher layers: "
        + ", ".join(f"{d} (layer {LAYERS[d]})" for d in higher)
    )
    assert "" not in GRAPH[module][0], f"lzsm_gates.{module} imports the package itself (import the defining module)"


def test_no_import_cycles():
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(GRAPH[node][0]):
            if state.get(dep) == 1:
                cycle = path[path.index(dep):] + [dep] if dep in path else [node, dep]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if dep not in state:
                visit(dep, path + [dep])
        state[node] = 2

    for m in SUBMODULES:
        if m not in state:
            visit(m, [m])


def test_outputs_stay_at_the_edge():
    importers = {m: GRAPH[m][0] for m in SUBMODULES}
    cli_modules = {m for m in SUBMODULES if m == "cli" or m.startswith("cli_")}
    assert cli_modules >= {"cli", "cli_common"}, sorted(cli_modules)
    assert not [m for m, deps in importers.items() if "cli" in deps], "nothing may import lzsm_gates.cli"
    outside = sorted(m for m, deps in importers.items() if m not in cli_modules and deps & cli_modules)
    assert not outside, f"only the CLI's own modules may import them, not {outside}"
    plotting_users = sorted(m for m, deps in importers.items() if "plotting" in deps)
    assert set(plotting_users) <= cli_modules, f"only the CLI may import plotting, not {plotting_users}"


def test_external_imports_stay_in_their_modules():
    def users(prefix: str) -> list[str]:
        return sorted(m for m in MODULES if any(e == prefix or e.startswith(prefix + ".") for e in GRAPH[m][1]))

    assert users("qutip") == ["qutip_adapters"], "QuTiP is a reference, imported only by the adapters module"
    top_level = ast.parse(MODULES["qutip_adapters"][0].read_text()).body
    eager = [n for n in top_level if isinstance(n, (ast.Import, ast.ImportFrom)) and "qutip" in ast.dump(n)]
    assert not eager, "qutip_adapters must import QuTiP inside its functions only (QuTiP is not a dependency)"
    assert all(m.startswith("qiskit.") for m in users("qiskit.pulse")), users("qiskit.pulse")
    # plotting, and the calibration experiments: Qiskit Experiments analyses return matplotlib figures
    assert set(users("matplotlib")) <= {"plotting", "calibration.calibrate", "calibration.experiments"}
    assert "plotting" in users("matplotlib")


def test_the_graph_reader_sees_real_imports():
    """Guard against a silently empty graph: known edges are found."""
    assert {"units", "operators"} <= GRAPH["models"][0]
    assert "cavity.model" in GRAPH["cavity.steady_state"][0]
    assert "qiskit.gates" in GRAPH["qiskit.target"][0]
    assert "qiskit.pulse" in GRAPH["qiskit.pulse_schedules"][1]


def test_plot_hooks_only_delegate():
    """A result's ``plot()`` may import :mod:`lzsm_gates.plotting` lazily, and then only calls into it."""
    hooks = 0
    for name, (path, _) in MODULES.items():
        tree = ast.parse(path.read_text())
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef) and fn.name == "plot" and _plot_hooks(fn):
                hooks += 1
                body = [n for n in fn.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
                assert len(body) == 2 and isinstance(body[1], ast.Return), f"{name}.plot must only delegate to plotting"
    assert hooks >= 1
