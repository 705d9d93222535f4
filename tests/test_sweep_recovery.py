"""Kill-and-tamper test of sweep checkpoints: SIGKILL mid-run, damage chunk files, resume.

The final data must equal an uninterrupted run bit for bit, only damaged or
missing chunks may be recomputed (each with a warning), and a resume with a
changed sweep setting must be refused.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from lzsm_gates.sweeps import Axis, SweepWarning, run_sweep
from lzsm_gates.units import LZSMInputError

AXES = [Axis.linear("A", 0.1, 4.0, 12, units="Delta"), Axis.log("omega", 0.5, 8.0, 10, units="Delta")]
CHUNK = 6  # 120 points -> 20 chunks
N_CHUNKS = 20
DELAY = float(os.environ.get("LZSM_TEST_CHUNK_DELAY", "0"))  # the killed subprocess runs slowly
CALLED: list[float] = []


def slow_model(A: np.ndarray, omega: np.ndarray, scale: float = 1.0) -> dict[str, np.ndarray]:
    """A batched map (real and complex outputs); records its calls by the first A value."""
    CALLED.append(float(A[0] * 1000 + omega[0]))
    if DELAY:
        time.sleep(DELAY)
    return {"P": scale * np.sin(A * omega) ** 2 + A / omega, "U": np.stack([np.exp(1j * A * omega), A - 1j * omega], -1)}


def sweep(checkpoint: Path | None, **kwargs) -> xr.Dataset:
    return run_sweep(slow_model, AXES, outputs={"P": "", "U": "Delta"}, chunk_size=CHUNK, progress=False,
                     checkpoint=checkpoint, **kwargs)


def _run_and_kill(checkpoint: Path, after_chunks: int) -> None:
    """Start the sweep in a subprocess and SIGKILL it once ``after_chunks`` chunk files exist."""
    here = Path(__file__).parent
    code = f"import sys; sys.path.insert(0, {str(here)!r}); import {Path(__file__).stem} as t; t.sweep(t.Path({str(checkpoint)!r}))"
    env = {**os.environ, "LZSM_TEST_CHUNK_DELAY": "0.15"}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        deadline = time.monotonic() + 120
        while len(list(checkpoint.glob("chunk_*.npz"))) < after_chunks:
            assert proc.poll() is None, "the sweep subprocess ended before it was killed"
            assert time.monotonic() < deadline, "the sweep subprocess made no progress"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


def test_kill_swap_truncate_empty_foreign_then_resume_is_bit_exact(tmp_path):
    reference = sweep(None)
    checkpoint = tmp_path / "ck"
    _run_and_kill(checkpoint, after_chunks=8)
    done = {int(p.stem.split("_")[1]) for p in checkpoint.glob("chunk_*.npz")}
    assert 8 <= len(done) < N_CHUNKS, done  # killed mid-run
    assert sorted(done) == list(range(len(done)))  # in-process chunks finish in order

    # damage: swap chunks 0 and 1, truncate 2, empty 3, a chunk of another sweep as 4, flip one byte of 5's data
    c = {i: checkpoint / f"chunk_{i}.npz" for i in range(6)}
    b0, b1 = c[0].read_bytes(), c[1].read_bytes()
    c[0].write_bytes(b1)
    c[1].write_bytes(b0)
    c[2].write_bytes(c[2].read_bytes()[: c[2].stat().st_size // 2])
    c[3].write_bytes(b"")
    other = tmp_path / "other"
    run_sweep(slow_model, AXES, outputs={"P": "", "U": "Delta"}, chunk_size=CHUNK, progress=False, checkpoint=other,
              key="another sweep")
    c[4].write_bytes((other / "chunk_4.npz").read_bytes())
    with np.load(c[5]) as data:
        arrays = {name: data[name].copy() for name in data.files}
    arrays["o0"][0] += 1e-15 * max(abs(arrays["o0"][0]), 1.0)  # a tiny, plausible-looking tamper
    np.savez(c[5], **arrays)

    # a changed sweep setting is refused, naming it
    with pytest.raises(LZSMInputError, match=r"differs in: .*key"):
        sweep(checkpoint, key="changed setting")
    with pytest.raises(LZSMInputError, match=r"differs in: axes"):
        run_sweep(slow_model, [AXES[0], Axis.log("omega", 0.5, 8.0, 11)], outputs={"P": "", "U": "Delta"},
                  chunk_size=CHUNK, progress=False, checkpoint=checkpoint)

    CALLED.clear()
    with pytest.warns(SweepWarning) as record:
        resumed = sweep(checkpoint)
    messages = " | ".join(str(w.message) for w in record)
    for index, reason in [(0, "holds index 1"), (1, "holds index 0"), (2, "unreadable"), (3, "unreadable"),
                          (4, "belongs to another sweep"), (5, "checksum mismatch")]:
        assert f"chunk {index} " in messages and reason in messages, (index, messages)
    xr.testing.assert_identical(resumed, reference)  # bit for bit, attributes included
    missing = N_CHUNKS - len(done)
    assert len(CALLED) == missing + 6  # only damaged and missing chunks were computed
    assert len([w for w in record if issubclass(w.category, SweepWarning)]) == 6, messages

    CALLED.clear()
    xr.testing.assert_identical(sweep(checkpoint), reference)  # now complete: reloads without computing
    assert CALLED == []
