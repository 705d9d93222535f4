"""Maps at scale from the command line: --workers, --scheduler (Dask), --chunk-size, resume across executors."""

from __future__ import annotations

import socket
import sys

import numpy as np
import pytest
import xarray as xr

from lzsm_gates.cli import _parser, main
from lzsm_gates.devices import leakage_map
from lzsm_gates.devices.config import load_device
from lzsm_gates.executors import sweep_executor
from lzsm_gates.sweep_files import ChunkStore
from lzsm_gates.sweeps import load_result
from lzsm_gates.units import LZSMInputError

distributed = pytest.importorskip("dask.distributed")

# 6 x 5 = 30 points in 8 chunks of 4: enough chunks to spread over workers and to kill a run midway
MAP = ["map", "--amplitude", "0.5", "3", "6", "--frequency", "1", "4", "5", "--cut-amplitude", "1",
       "--chunk-size", "4", "--quiet"]
N_CHUNKS = 8


@pytest.fixture(scope="module")
def cluster():
    """A one-worker Dask cluster in this process, reached over TCP like a remote scheduler."""
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
                                  dashboard_address=":0") as local:
        yield local


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("in_process")
    assert main([*MAP, "--out", str(out)]) == 0
    return load_result(out / "lzsm_map.npz")


def _run(out, *extra):
    assert main([*MAP, "--out", str(out), *extra]) == 0
    return load_result(out / "lzsm_map.npz")


def test_map_is_identical_in_process_on_workers_and_on_a_dask_cluster(tmp_path, reference, cluster):
    on_workers = _run(tmp_path / "workers", "--workers", "2")
    on_cluster = _run(tmp_path / "dask", "--scheduler", cluster.scheduler_address)
    for ds in (on_workers, on_cluster):
        xr.testing.assert_identical(ds, reference)  # data, coordinates and attributes, bit for bit
        for name in reference.data_vars:
            assert np.array_equal(ds[name].values, reference[name].values)
    assert reference.attrs["n_chunks"] == N_CHUNKS


def test_resume_switches_executor_mid_sweep(tmp_path, reference, cluster, monkeypatch, capsys):
    """Start in-process, continue on local workers, finish on the cluster: the same map."""
    out = tmp_path / "resumed"
    save = ChunkStore.save
    budget = {"left": 0}

    def killed_after_budget(store, *args, **kwargs):
        if budget["left"] == 0:
            raise KeyboardInterrupt
        budget["left"] -= 1
        return save(store, *args, **kwargs)

    monkeypatch.setattr(ChunkStore, "save", killed_after_budget)
    checkpoint = out / "checkpoint"
    budget["left"] = 3
    assert main([*MAP, "--out", str(out), "--resume"]) == 130
    assert len(list(checkpoint.glob("chunk_*.npz"))) == 3 and not (out / "lzsm_map.npz").exists()
    budget["left"] = 2
    assert main([*MAP, "--out", str(out), "--resume", "--workers", "2"]) == 130
    assert len(list(checkpoint.glob("chunk_*.npz"))) == 5
    assert "interrupted" in capsys.readouterr().err
    budget["left"] = N_CHUNKS - 5  # exactly the missing chunks may be saved; one more would fail the run
    resumed = _run(out, "--resume", "--scheduler", cluster.scheduler_address)
    assert budget["left"] == 0 and len(list(checkpoint.glob("chunk_*.npz"))) == N_CHUNKS
    xr.testing.assert_identical(resumed, reference)


def test_resume_with_another_chunk_size_is_refused(tmp_path, monkeypatch):
    out = tmp_path / "chunks"
    monkeypatch.setattr(ChunkStore, "save", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt))
    assert main([*MAP, "--out", str(out), "--resume"]) == 130
    monkeypatch.undo()
    assert main([*MAP[:-3], "--chunk-size", "5", "--quiet", "--out", str(out), "--resume"]) == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_executor_errors_are_one_line(tmp_path, capsys, monkeypatch):
    address = f"tcp://127.0.0.1:{_free_port()}"
    assert main([*MAP, "--out", str(tmp_path / "a"), "--scheduler", address, "--connect-timeout", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("lzsm-gates map: error: --scheduler") and "cannot reach" in err and "\n" not in err
    assert main([*MAP, "--out", str(tmp_path / "b"), "--scheduler", address, "--workers", "2"]) == 2
    assert "argument --workers: not allowed with argument --scheduler" in capsys.readouterr().err
    for bad in (["--workers", "0"], ["--chunk-size", "0"], ["--connect-timeout", "-1"]):
        assert main([*MAP, "--out", str(tmp_path / "c"), *bad]) == 2
        assert f"argument {bad[0]}" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # dask not installed
    assert main([*MAP, "--out", str(tmp_path / "d"), "--scheduler", address]) == 2
    assert "pip install 'lzsm_gates[dask]'" in capsys.readouterr().err
    with pytest.raises(LZSMInputError, match="workers must be an integer"), sweep_executor(workers=0):
        pass


def test_every_map_subcommand_takes_the_executor_options():
    parser = _parser()
    for command in ("map", "o3l-map", "cavity-map", "leakage-map"):
        extra = ["--device", "x.toml"] if command == "leakage-map" else []
        args = parser.parse_args([command, *extra, "--workers", "3", "--chunk-size", "17"])
        assert (args.workers, args.chunk_size, args.scheduler) == (3, 17, None)
        args = parser.parse_args([command, *extra, "--scheduler", "tcp://h:8786", "--connect-timeout", "2"])
        assert (args.workers, args.scheduler, args.connect_timeout) == (1, "tcp://h:8786", 2.0)


def test_leakage_map_command_matches_the_library_on_workers(tmp_path, capsys):
    device = tmp_path / "fluxonium.toml"
    device.write_text("EJ = 3.0\nEC = 1.0\nEL = 1.0\nflux = 0.5\ncutoff = 110\nN = 4\n")
    out = tmp_path / "leakage"
    grid = ["--amplitude", "0.5", "3", "4", "--frequency", "1", "3", "3"]
    assert main(["leakage-map", "--device", str(device), *grid, "--levels", "3", "--chunk-size", "5", "--workers", "2",
                 "--out", str(out), "--quiet"]) == 0
    assert "max leakage" in capsys.readouterr().out and (out / "leakage.png").is_file()
    ds = load_result(out / "leakage_map.npz")
    model = load_device(device).model(3)
    direct = leakage_map(model, np.linspace(0.5, 3, 4), np.linspace(1, 3, 3), chunk_size=5)
    for name in ("leakage", "transition"):
        assert np.array_equal(ds[name].values, direct[name].values)
    assert ds["leakage"].max() > 1e-3  # the strong-drive corner leaks: the map is not trivially zero


def test_workers_of_another_package_version_are_refused(tmp_path, cluster, monkeypatch, capsys):
    from lzsm_gates import executors

    monkeypatch.setattr(executors, "__version__", "0.0.0-other")  # this process now differs from the workers
    assert main([*MAP, "--out", str(tmp_path), "--scheduler", cluster.scheduler_address]) == 2
    err = capsys.readouterr().err
    assert "workers run lzsm_gates" in err and "this process 0.0.0-other" in err
    assert not (tmp_path / "lzsm_map.npz").exists()
