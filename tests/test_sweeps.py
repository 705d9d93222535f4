"""Tests of the sweep engine (lzsm_gates.sweeps)."""

from __future__ import annotations

import concurrent.futures
import json
import os
import re

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from lzsm_gates.sweeps import Axis, SweepError, load_result, run_sweep, save_result, sweep_failures
from lzsm_gates.units import LZSMInputError

AXES = [Axis.linear("A", 0.1, 4.0, 9, units="Delta"), Axis.log("omega", 0.5, 8.0, 7, units="Delta")]
OUTPUTS = {"P": "", "U": "Delta"}
CHUNK = 10  # 63 points -> 7 chunks, the last one of 3 points
N_CHUNKS = 7


def model(A: np.ndarray, omega: np.ndarray) -> dict[str, np.ndarray]:
    """A batched map with a real output and a complex output with a trailing dimension."""
    return {"P": np.sin(A * omega) ** 2 + A / omega, "U": np.stack([np.exp(1j * A * omega), A + 1j * omega], axis=-1)}


def model_with_pid(A: np.ndarray, omega: np.ndarray) -> dict[str, np.ndarray]:
    """``model`` plus the id of the process that ran the chunk."""
    return {**model(A, omega), "pid": np.full(A.shape, os.getpid())}


def reference() -> dict[str, np.ndarray]:
    """``model`` evaluated directly on the ij-meshgrid."""
    a, w = np.meshgrid(AXES[0].values, AXES[1].values, indexing="ij")
    return {name: value.reshape(a.shape + value.shape[1:]) for name, value in model(a.ravel(), w.ravel()).items()}


def chunk_mask(chunks: set[int]) -> np.ndarray:
    """Boolean (A, omega) mask of the points in the given chunks."""
    flat = np.zeros(len(AXES[0]) * len(AXES[1]), dtype=bool)
    for index in chunks:
        flat[index * CHUNK : (index + 1) * CHUNK] = True
    return flat.reshape(len(AXES[0]), len(AXES[1]))


class SimulatedKill(BaseException):
    """Stands for the process being killed (not an Exception, so the engine does not catch it)."""


CALLS = {"count": 0, "kill_after": None}


def counting_model(A: np.ndarray, omega: np.ndarray) -> dict[str, np.ndarray]:
    """``model`` that counts its calls and "dies" once ``kill_after`` chunks are done."""
    if CALLS["kill_after"] is not None and CALLS["count"] >= CALLS["kill_after"]:
        raise SimulatedKill
    CALLS["count"] += 1
    return model(A, omega)


@pytest.fixture
def calls():
    CALLS.update(count=0, kill_after=None)
    yield CALLS
    CALLS.update(count=0, kill_after=None)


def sweep(func=model, **kwargs) -> xr.Dataset:
    kwargs = {"outputs": OUTPUTS, "chunk_size": CHUNK, "progress": False, **kwargs}
    return run_sweep(func, AXES, **kwargs)


# ----------------------------------------------------------------------------- labelled result


def test_in_process_result_is_labelled_and_matches_direct_evaluation():
    ds = sweep(description="test map", attrs={"device": "fluxonium"})
    ref = reference()
    assert ds["P"].dims == ("A", "omega")
    assert ds["U"].dims == ("A", "omega", "U_dim0")
    assert ds["P"].dtype == np.float64 and ds["U"].dtype == np.complex128
    assert np.array_equal(ds["P"].values, ref["P"]) and np.array_equal(ds["U"].values, ref["U"])
    assert np.array_equal(ds["A"].values, AXES[0].values) and np.array_equal(ds["omega"].values, AXES[1].values)
    assert ds["A"].attrs == {"units": "Delta", "scale": "linear"}
    assert ds["omega"].attrs == {"units": "Delta", "scale": "log"}
    assert ds["P"].attrs["units"] == "" and ds["U"].attrs["units"] == "Delta"
    assert ds.attrs["description"] == "test map" and ds.attrs["device"] == "fluxonium"
    assert ds.attrs["n_chunks"] == N_CHUNKS and sweep_failures(ds) == []


def test_per_point_function_matches_batched():
    def per_point(A: float, omega: float) -> dict[str, object]:
        assert isinstance(A, float) and isinstance(omega, float)
        out = model(np.array([A]), np.array([omega]))
        return {"P": out["P"][0], "U": out["U"][0]}

    xr.testing.assert_identical(sweep(per_point, vectorized=False), sweep())


def test_undeclared_outputs_are_taken_from_the_function():
    ds = run_sweep(model, AXES, chunk_size=CHUNK, progress=False)
    assert list(ds.data_vars) == ["P", "U"] and ds["P"].attrs["units"] == ""
    assert np.array_equal(ds["P"].values, reference()["P"])


def test_progress_bar_runs(capsys):
    ds = sweep(progress=True, description="progress check")
    assert np.array_equal(ds["P"].values, reference()["P"])
    assert "progress check" in capsys.readouterr().err


# ----------------------------------------------------------------------------- executors


def test_process_pool_matches_in_process():
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        ds = sweep(model_with_pid, outputs=None, executor=pool)
    local = sweep()
    assert np.array_equal(ds["P"].values, local["P"].values)
    assert np.array_equal(ds["U"].values, local["U"].values)
    assert os.getpid() not in set(ds["pid"].values.ravel())


def test_dask_cluster_matches_in_process():
    distributed = pytest.importorskip("dask.distributed")

    def local_model(A, omega):  # defined in the test: dask ships it with cloudpickle
        return {"P": np.sin(A * omega) ** 2 + A / omega, "pid": np.full(A.shape, os.getpid())}

    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        ds = sweep(local_model, outputs=None, executor=client)
    assert np.array_equal(ds["P"].values, sweep()["P"].values)
    assert os.getpid() not in set(ds["pid"].values.ravel())


# ----------------------------------------------------------------------------- checkpoints


def test_resume_computes_only_missing_chunks_and_finished_sweep_reloads(tmp_path, calls):
    calls["kill_after"] = 3
    with pytest.raises(SimulatedKill):
        sweep(counting_model, checkpoint=tmp_path)
    assert len(list(tmp_path.glob("chunk_*.npz"))) == 3

    calls.update(count=0, kill_after=None)
    resumed = sweep(counting_model, checkpoint=tmp_path)
    assert calls["count"] == N_CHUNKS - 3
    xr.testing.assert_identical(resumed, sweep())

    calls.update(count=0, kill_after=0)  # any call would raise
    reloaded = sweep(counting_model, checkpoint=tmp_path)
    assert calls["count"] == 0
    xr.testing.assert_identical(reloaded, resumed)


def test_resume_through_process_pool(tmp_path):
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        first = sweep(checkpoint=tmp_path, key="model", executor=pool)
    (tmp_path / "chunk_4.npz").unlink()
    kept = {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in tmp_path.glob("chunk_*.npz")}
    xr.testing.assert_identical(sweep(checkpoint=tmp_path, key="model"), first)
    assert (tmp_path / "chunk_4.npz").is_file()  # only the missing chunk was written again
    assert {name: (tmp_path / name).stat().st_mtime_ns for name in kept} == {n: m for n, (m, _) in kept.items()}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"axes": [Axis.linear("A", 0.1, 4.0, 10, units="Delta"), AXES[1]]}, "axes"),
        ({"axes": [Axis.linear("A", 0.1, 4.0, 9, units="GHz"), AXES[1]]}, "axes"),
        ({"chunk_size": CHUNK + 1}, "chunk_size"),
        ({"outputs": {"P": "", "U": ""}}, "outputs"),
        ({"key": "another model"}, "key"),
    ],
)
def test_checkpoint_of_a_different_sweep_is_refused(tmp_path, change, field):
    sweep(checkpoint=tmp_path)
    kwargs = {"outputs": OUTPUTS, "chunk_size": CHUNK, "progress": False, "checkpoint": tmp_path, **change}
    axes = kwargs.pop("axes", AXES)
    with pytest.raises(LZSMInputError, match=rf"belongs to a different sweep \(differs in: {field}\)"):
        run_sweep(model, axes, **kwargs)


def test_unrelated_non_empty_directory_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(LZSMInputError, match="not empty and has no manifest.json"):
        sweep(checkpoint=tmp_path)


def test_unreadable_chunk_is_recomputed_with_a_warning(tmp_path):
    first = sweep(checkpoint=tmp_path)
    (tmp_path / "chunk_2.npz").write_bytes(b"garbage")
    with pytest.warns(RuntimeWarning, match="chunk 2 .* recomputing"):
        xr.testing.assert_identical(sweep(checkpoint=tmp_path), first)


# ----------------------------------------------------------------------------- bad chunks

BAD_A = AXES[0].values[4]  # A index 4 -> flat points 28..34 -> chunks 2 and 3


FAILING = {"on": True}  # a transient failure: switched off to retry with the same function


def failing_model(A: np.ndarray, omega: np.ndarray) -> dict[str, np.ndarray]:
    if FAILING["on"] and np.any(A == BAD_A):
        raise ValueError("boom")
    return counting_model(A, omega)


def test_raising_chunk_is_reported_and_the_rest_kept(tmp_path, calls):
    with pytest.warns(RuntimeWarning, match=r"2 of 7 sweep chunks failed \(20 of 63 points") as record:
        ds = sweep(failing_model, checkpoint=tmp_path)
    message = str(record[0].message)
    assert "chunk 2 (10 points; A in [" in message and "ValueError: boom" in message

    bad = chunk_mask({2, 3})
    ref = reference()
    assert np.isnan(ds["P"].values[bad]).all() and np.isnan(ds["U"].values[bad]).all()
    assert np.array_equal(ds["P"].values[~bad], ref["P"][~bad])
    assert np.array_equal(ds["U"].values[~bad], ref["U"][~bad])

    failures = sweep_failures(ds)
    assert [f["chunk"] for f in failures] == [2, 3]
    a, w = np.meshgrid(AXES[0].values, AXES[1].values, indexing="ij")
    chunk2 = chunk_mask({2})
    assert failures[0]["parameters"] == {
        "A": [a[chunk2].min(), a[chunk2].max()],
        "omega": [w[chunk2].min(), w[chunk2].max()],
    }
    assert failures[0]["error"] == "ValueError: boom"
    assert (failures[0]["start"], failures[0]["stop"], failures[0]["points"]) == (20, 30, 10)
    assert json.loads(ds.attrs["failures"]) == failures

    # failed chunks were not checkpointed: a rerun computes exactly them
    assert not (tmp_path / "chunk_2.npz").exists() and not (tmp_path / "chunk_3.npz").exists()
    calls.update(count=0)
    FAILING["on"] = False
    try:
        retried = sweep(failing_model, checkpoint=tmp_path)
    finally:
        FAILING["on"] = True
    assert calls["count"] == 2
    xr.testing.assert_identical(retried, sweep())


def test_on_error_raise_carries_failures_and_partial_result():
    with pytest.raises(SweepError, match=r"chunk 2 \(10 points; A in \[.*ValueError: boom") as info:
        sweep(failing_model, on_error="raise")
    error = info.value
    assert isinstance(error, RuntimeError) and isinstance(error.__cause__, ValueError)
    assert [f["chunk"] for f in error.failures] == [2]
    done = chunk_mask({0, 1})
    partial = error.dataset["P"].values
    assert np.array_equal(partial[done], reference()["P"][done]) and np.isnan(partial[~done]).all()
    assert sweep_failures(error.dataset) == error.failures


def _bad_output(kind: str):
    def func(A, omega):
        out = model(A, omega)
        if np.any(A == BAD_A):
            if kind == "nan":
                out["P"] = np.where(omega > 1, np.nan, out["P"])
            elif kind == "inf":
                out["U"] = out["U"] * np.inf
            elif kind == "shape":
                out["P"] = out["P"][:-1]
            elif kind == "missing":
                del out["U"]
            elif kind == "object":
                out["P"] = out["P"].astype(object)
            elif kind == "not a mapping":
                return [out["P"]]
        return out

    return func


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("nan", "output 'P' has .* non-finite"),
        ("inf", "output 'U' has .* non-finite"),
        ("shape", r"output 'P' has shape \(9,\), expected \(10, \.\.\.\)"),
        ("missing", r"missing \['U'\]"),
        ("object", "dtype object"),
        ("not a mapping", "LZSMInputError: the sweep function must return a mapping"),
    ],
)
def test_bad_outputs_are_reported_as_bad_chunks(kind, message):
    with pytest.warns(RuntimeWarning, match="2 of 7 sweep chunks failed"):
        ds = sweep(_bad_output(kind))
    failures = sweep_failures(ds)
    assert [f["chunk"] for f in failures] == [2, 3]
    assert all(re.search(message, f["error"]) for f in failures)
    assert np.isnan(ds["P"].values[chunk_mask({2, 3})]).all()
    assert np.array_equal(ds["P"].values[~chunk_mask({2, 3})], reference()["P"][~chunk_mask({2, 3})])


# ----------------------------------------------------------------------------- storage


def test_save_load_round_trip_is_exact(tmp_path):
    with pytest.warns(RuntimeWarning):
        ds = sweep(failing_model, description="round trip", attrs={"gap_hz": 2e7, "n": np.int64(3)})
    path = save_result(ds, tmp_path / "result")  # no suffix is added
    assert path == tmp_path / "result" and path.exists()
    loaded = load_result(path)
    xr.testing.assert_identical(loaded, ds)
    for name in ds.variables:
        assert loaded[name].dtype == ds[name].dtype
    assert sweep_failures(loaded) == sweep_failures(ds)
    assert [p.name for p in tmp_path.iterdir()] == ["result"]  # no temporary files left


def test_load_rejects_foreign_npz(tmp_path):
    np.savez(tmp_path / "x.npz", a=np.arange(3))
    with pytest.raises(LZSMInputError, match="not a file written by"):
        load_result(tmp_path / "x.npz")


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Axis.explicit("x", []), "values of axis 'x' is empty"),
        (lambda: Axis.explicit("x", [1.0, np.nan]), "values of axis 'x' must be finite"),
        (lambda: Axis.explicit("x", [[1.0, 2.0]]), "values of axis 'x' must be 1-D"),
        (lambda: Axis.explicit("x", [1j]), "values of axis 'x' must be real"),
        (lambda: Axis.explicit("1x", [1.0]), "axis name must be a Python identifier"),
        (lambda: Axis.log("x", 0.0, 1.0, 3), r"start of log axis 'x' must lie in \(0, inf\)"),
        (lambda: Axis.log("x", 1.0, -2.0, 3), r"stop of log axis 'x' must lie in \(0, inf\)"),
        (lambda: Axis.linear("x", 0.0, np.inf, 3), "stop of axis 'x' must be finite"),
        (lambda: Axis.linear("x", 0.0, 1.0, 0), r"num of axis 'x' must be an integer in \[1, 10000000\]"),
        (lambda: run_sweep(model, [], progress=False), "axes must hold at least one Axis"),
        (lambda: run_sweep(model, [AXES[0], AXES[0]], progress=False), r"axis names must be unique, got \['A'\]"),
        (lambda: sweep(chunk_size=0), r"chunk_size must be an integer in \[1, inf\), got 0"),
        (lambda: sweep(chunk_size=2.5), r"chunk_size must be an integer in \[1, inf\)"),
        (lambda: sweep(on_error="ignore"), r"on_error must be one of \('report', 'raise'\), got 'ignore'"),
        (lambda: sweep(outputs={"A": ""}), "output names must be non-empty strings other than the axis names"),
        (lambda: sweep(executor=object()), "executor must have a submit"),
    ],
)
def test_bad_input_raises(make, message):
    with pytest.raises(LZSMInputError, match=message):
        make()


# ----------------------------------------------------------------------------- property


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_sweep_equals_direct_evaluation_on_meshgrid(data):
    names = ["a", "b", "c"][: data.draw(st.integers(1, 3), label="n_axes")]
    values = [
        data.draw(st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=4), label=name)
        for name in names
    ]
    chunk_size = data.draw(st.integers(1, 30), label="chunk_size")
    vectorized = data.draw(st.booleans(), label="vectorized")

    def func(**kw):
        x = [kw[name] for name in names]
        total = sum((i + 1.5) * xi for i, xi in enumerate(x))
        product = x[0] * x[-1] - 0.25
        return {"y": total * product, "z": total + 1j * product, "v": np.stack([total, product], axis=-1)}

    ds = run_sweep(
        func,
        [Axis.explicit(name, v) for name, v in zip(names, values)],
        vectorized=vectorized,
        chunk_size=chunk_size,
        progress=False,
    )
    direct = func(**dict(zip(names, np.meshgrid(*values, indexing="ij"))))
    for name in ("y", "z", "v"):
        assert np.array_equal(ds[name].values, direct[name])
    assert ds["v"].dims == (*names, "v_dim0")


def test_output_becoming_complex_in_a_later_chunk_promotes_the_whole_map():
    def sometimes_complex(A, omega):
        p = model(A, omega)["P"]
        return {"P": p + 1j * omega if np.any(A > 2.0) else p}

    ds = sweep(sometimes_complex, outputs={"P": ""})
    a, w = np.meshgrid(AXES[0].values, AXES[1].values, indexing="ij")
    flat_a = a.ravel()
    complex_chunk = np.array([np.any(flat_a[i : i + CHUNK] > 2.0) for i in range(0, flat_a.size, CHUNK)])
    expected = reference()["P"] + 1j * w * np.repeat(complex_chunk, CHUNK)[: flat_a.size].reshape(a.shape)
    assert ds["P"].dtype == np.complex128
    assert np.array_equal(ds["P"].values, expected)
