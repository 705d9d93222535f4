"""Execute every tutorial (jupytext py:percent files in ``tutorials/``) in reduced mode.

Each notebook is converted in memory with jupytext and executed with nbclient
on a "python3" kernel that runs *this* interpreter (a temporary kernelspec
placed first on ``JUPYTER_PATH``), so it works in a fresh virtualenv where
only ``pip install -e ".[test]"`` was run.  A failing cell fails the test.
Executed notebooks are written to ``docs/_build/executed/`` for inspection.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")
nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = sorted((ROOT / "tutorials").glob("[0-9]*.py"))
EXECUTED = ROOT / "docs" / "_build" / "executed"


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """A python3 kernelspec for the running interpreter, first on JUPYTER_PATH; reduced grids."""
    base = tmp_path_factory.mktemp("jupyter")
    spec = base / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (lzsm_gates tests)",
                "language": "python",
            }
        )
    )
    saved = {k: os.environ.get(k) for k in ("JUPYTER_PATH", "LZSM_FULL", "MPLBACKEND")}
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(base), saved["JUPYTER_PATH"]]))
    os.environ["LZSM_FULL"] = "0"
    os.environ.pop("MPLBACKEND", None)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_tutorials_found():
    assert len(TUTORIALS) >= 4, TUTORIALS


@pytest.mark.slow
@pytest.mark.parametrize("path", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_tutorial_executes(path, kernel_env):
    nb = jupytext.read(path)
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError on the first failing cell
    elapsed = time.perf_counter() - start
    EXECUTED.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, EXECUTED / f"{path.stem}.ipynb")
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    print(f"{path.name}: executed in {elapsed:.1f} s")
