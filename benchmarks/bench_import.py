"""Import time: ``import lzsm_gates`` and ``lzsm-gates --help`` against importing everything, in the same run.

Each figure is the median (and best) wall time of a fresh interpreter running
one statement, repeated; the interpreter's own start-up (``python -c pass``)
is measured beside them.  The baseline is ``from lzsm_gates import *``, which
imports every module the package re-exports (the cost every ``import
lzsm_gates`` paid when the re-exports were eager, less qiskit-dynamics, now
imported only by the signal/solver builders), plus ``import qiskit_dynamics``
for the old eager import of ``models``.  Target (issue 14): ``lzsm-gates
--help`` under 0.5 s.

Run: ``python benchmarks/bench_import.py [--repeat N]`` (writes ``benchmarks/results/import.json``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import write_row

ROOT = Path(__file__).resolve().parents[1]

#: label -> statement run by a fresh ``python -c``
STATEMENTS = {
    "python start-up (python -c pass)": "pass",
    "import numpy": "import numpy",
    "import lzsm_gates": "import lzsm_gates",
    "lzsm-gates --help": (
        "import contextlib, io\nfrom lzsm_gates.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n    main(['--help'])"
    ),
    "first use of lzsm_gates.floquet_rates": "import lzsm_gates\nlzsm_gates.floquet_rates",
    "first use of lzsm_gates.design_gate": "import lzsm_gates\nlzsm_gates.design_gate",
    "baseline: everything (from lzsm_gates import * ; import qiskit_dynamics)": (
        "from lzsm_gates import *\nimport qiskit_dynamics"
    ),
}


def _wall(statement: str, repeat: int) -> tuple[float, float]:
    """Median and best wall time (s) of a fresh interpreter running ``statement``."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True, env=env, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def run(repeat: int = 5) -> dict[str, Any]:
    row: dict[str, Any] = {"benchmark": "import time (fresh interpreter per run)", "repeat": repeat}
    medians = {}
    for label, statement in STATEMENTS.items():
        median, best = _wall(statement, repeat)
        medians[label] = median
        row[f"{label}: median / best (s)"] = [round(median, 3), round(best, 3)]
    baseline = medians["baseline: everything (from lzsm_gates import * ; import qiskit_dynamics)"]
    row["speedup of import lzsm_gates over the baseline"] = round(baseline / medians["import lzsm_gates"], 1)
    row["speedup of lzsm-gates --help over the baseline"] = round(baseline / medians["lzsm-gates --help"], 1)
    row["lzsm-gates --help under 0.5 s (target)"] = medians["lzsm-gates --help"] < 0.5
    return row


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh interpreters per statement (default 5)")
    write_row("import", run(parser.parse_args().repeat))
