"""Shared helpers of the benchmarks: timing and the results table."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable

RESULTS = Path(__file__).parent / "results"


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[Any, float]:
    """Run ``fn`` ``repeat`` times; return the last result and the best wall time in seconds."""
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best


def write_row(name: str, row: dict[str, Any]) -> None:
    """Store one benchmark's result row as JSON (``benchmarks/results/<name>.json``) and print it."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(row, indent=2))
    print(json.dumps(row, indent=2))
