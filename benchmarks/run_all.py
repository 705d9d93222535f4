"""Run every benchmark (each against its baseline in the same run) and write the summary table.

Run: ``python benchmarks/run_all.py``; writes ``benchmarks/results/<name>.json``
and ``benchmarks/results/summary.md`` (included by the docs).
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
from pathlib import Path

from common import RESULTS, write_row

BENCHMARKS = [
    "bench_speed",
    "bench_core",
    "bench_design",
    "bench_rates",
    "bench_o3l",
    "bench_open_systems",
    "bench_leakage",
    "bench_import",
    "bench_scale",
]


def main(names: list[str]) -> None:
    lines = [f"# Benchmark results\n\nMachine: {platform.processor() or platform.machine()}, Python {platform.python_version()}\n"]
    for name in names:
        module = importlib.import_module(name)
        row = module.run()
        write_row(name.removeprefix("bench_"), row)
        lines.append(f"## {row.get('benchmark', name)}\n\n| quantity | value |\n|---|---|")
        lines += [f"| {k} | {json.dumps(v)} |" for k, v in row.items() if k not in ("benchmark", "scaling")]
        lines.append("")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "summary.md").write_text("\n".join(lines))
    print(f"wrote {RESULTS / 'summary.md'}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main(sys.argv[1:] or BENCHMARKS)
