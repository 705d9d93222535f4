r"""Files of the sweep engine: checkpoints and result files.

* **Checkpoints** (:class:`ChunkStore`): a directory with ``manifest.json``
  (the sweep's fingerprint, :func:`fingerprint_spec`) and one
  ``chunk_<index>.npz`` per finished chunk, each carrying its own identity
  (sweep fingerprint, chunk index, flat point range) and a SHA-256 of its
  arrays, so a damaged, swapped or foreign chunk is never used.
* **Result files**: :func:`save_result` / :func:`load_result` (``.npz``
  exact, or netCDF through xarray for ``.nc``).
* Every file is written atomically (:func:`atomic_write`: temporary file,
  then :func:`os.replace`) with the user's normal permissions.

:mod:`lzsm_gates.sweeps` re-exports :func:`save_result` and :func:`load_result`.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .units import LZSMInputError
from .version import __version__

__all__ = ["save_result", "load_result"]

_MANIFEST = "manifest.json"
_CHECKPOINT_FORMAT = "lzsm_gates.sweep-checkpoint"
_RESULT_FORMAT = "lzsm_gates.sweep-result"
FORMAT_VERSION = 2
"""Version of the checkpoint and result file formats (part of every fingerprint)."""


def save_result(ds: xr.Dataset, path: str | os.PathLike[str], *, overwrite: bool = True) -> Path:
    """Write a dataset to one file: ``.npz`` (exact, default) or netCDF (path ending in ``.nc``).

    The file is written atomically and at exactly ``path`` (no suffix is
    appended).  ``.npz``: variables of numeric, boolean or string dtype,
    complex included, attributes as JSON (NumPy scalars and arrays become
    Python numbers and lists).  ``.nc``: written by :meth:`xarray.Dataset.to_netcdf`
    with the default engine (netCDF4 where installed, else SciPy's netCDF3);
    units stay in the variables' ``units`` attributes; real data only.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset, e.g. a :func:`run_sweep` result.
    path : path-like
        Destination file.
    overwrite : bool
        Replace an existing file (default).  ``False`` refuses instead.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    LZSMInputError
        If a variable or attribute cannot be stored in the format, or the file
        exists and ``overwrite`` is false.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise LZSMInputError(f"{path} exists; refusing to overwrite it")
    if path.suffix == ".nc":
        _save_netcdf(ds, path)
        return path
    arrays: dict[str, np.ndarray] = {}
    entries = []
    for kind, names in (("coord", list(ds.coords)), ("data", list(ds.data_vars))):
        for name in names:
            variable = ds[name].variable
            if variable.dtype.kind not in "biufcUS":
                raise LZSMInputError(
                    f"variable {name!r} has dtype {variable.dtype}; save_result stores only numbers and strings"
                )
            slot = f"v{len(entries)}"
            arrays[slot] = np.asarray(variable.values)
            entries.append(
                {"name": name, "kind": kind, "slot": slot, "dims": list(variable.dims), "attrs": dict(variable.attrs)}
            )
    meta = {"format": _RESULT_FORMAT, "version": FORMAT_VERSION, "attrs": dict(ds.attrs), "variables": entries}
    try:
        arrays["__meta__"] = np.array(json.dumps(meta, default=json_default))
    except TypeError as exc:
        raise LZSMInputError(f"dataset attributes must be JSON-serialisable: {exc}") from exc
    atomic_savez(path, arrays)
    return path


def load_result(path: str | os.PathLike[str]) -> xr.Dataset:
    """Read a dataset written by :func:`save_result` (``.npz``, or netCDF for ``.nc``).

    Raises
    ------
    LZSMInputError
        If the file is missing, damaged (truncated, empty, corrupted) or not a
        :func:`save_result` file; the message names the file.
    """
    path = Path(path)
    if not path.is_file():
        raise LZSMInputError(f"result file {path} does not exist")
    if path.suffix == ".nc":
        try:
            with xr.open_dataset(path) as stored:
                return stored.load()
        except Exception as exc:  # noqa: BLE001 - any reader failure means a damaged or foreign file
            raise LZSMInputError(f"{path} is not a readable netCDF file ({describe_exception(exc)})") from None
    try:
        with np.load(path, allow_pickle=False) as data:
            if "__meta__" not in data.files:
                raise LZSMInputError(f"{path} is not a file written by lzsm_gates.sweeps.save_result")
            meta = json.loads(str(data["__meta__"]))
            if meta.get("format") != _RESULT_FORMAT or meta.get("version") not in (1, FORMAT_VERSION):
                raise LZSMInputError(
                    f"{path} has format {meta.get('format')!r} version {meta.get('version')!r}; "
                    f"expected {_RESULT_FORMAT!r} version {FORMAT_VERSION}"
                )
            coords, data_vars = {}, {}
            for entry in meta["variables"]:
                target = coords if entry["kind"] == "coord" else data_vars
                target[entry["name"]] = xr.Variable(entry["dims"], data[entry["slot"]], entry["attrs"])
            return xr.Dataset(data_vars, coords, meta["attrs"])
    except LZSMInputError:
        raise
    except Exception as exc:  # noqa: BLE001 - truncated, empty, corrupted or foreign: one clear error
        raise LZSMInputError(
            f"{path} is damaged or not a result file of lzsm_gates ({describe_exception(exc)})"
        ) from None


def _save_netcdf(ds: xr.Dataset, path: Path) -> None:
    complex_vars = [name for name in ds.variables if ds[name].dtype.kind == "c"]
    if complex_vars:
        raise LZSMInputError(f"netCDF cannot store the complex variables {complex_vars} of {path}; save as .npz")
    out = ds.copy()
    out.attrs = {key: _netcdf_attr(value) for key, value in ds.attrs.items()}
    for name in out.variables:
        out[name].attrs = {key: _netcdf_attr(value) for key, value in ds[name].attrs.items()}
    try:
        payload = out.to_netcdf()  # bytes in memory, then the atomic write
    except Exception as exc:  # noqa: BLE001 - report what the netCDF backend refused
        raise LZSMInputError(f"cannot write {path} as netCDF ({describe_exception(exc)}); save as .npz") from None
    atomic_write(path, lambda handle: handle.write(payload))


def _netcdf_attr(value: Any) -> Any:
    """Attribute values netCDF accepts: numbers and strings (booleans as 0/1, others as JSON)."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (str, int, float, np.integer, np.floating)):
        return value
    return json.dumps(value, default=json_default)



def qualified_name(func: Callable[..., Any]) -> str:
    qualname = getattr(func, "__qualname__", type(func).__qualname__)
    return f"{getattr(func, '__module__', None) or type(func).__module__}.{qualname}"


def describe_exception(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"



def json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} value {value!r} is not JSON-serialisable")


def atomic_write(path: Path, write: Callable[[Any], None], mode: str = "wb") -> None:
    """Write ``path`` through ``write(handle)`` into a temporary file, then :func:`os.replace` it.

    The temporary file is created with mode ``0o666`` filtered by the user's
    umask, i.e. the permissions any other file of the user gets.
    """
    temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, mode) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def atomic_savez(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    atomic_write(path, lambda handle: np.savez(handle, **arrays))


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda handle: handle.write(text.encode("utf-8")))



def function_identity(func: Callable[..., Any]) -> dict[str, str]:
    """Name, code and settings of the swept function, for the checkpoint fingerprint.

    ``settings`` hashes the pickled function object: for the picklable
    evaluator objects of the maps this covers every parameter they hold (bath,
    model, target, O3L parameters...).  Functions that cannot be pickled
    (lambdas, closures) are described by their code, defaults and closure
    values instead.
    """
    call = func if hasattr(func, "__code__") else getattr(type(func), "__call__", None)
    code = getattr(call, "__code__", None)
    code_hash = hashlib.sha256()
    if code is not None:
        hash_code(code_hash, code)
    try:
        state = pickle.dumps(func, protocol=4)
    except Exception:  # noqa: BLE001 - any pickling failure: describe the function by its contents instead
        cells = [cell.cell_contents for cell in getattr(func, "__closure__", None) or ()]
        state = repr((getattr(func, "__defaults__", None), cells)).encode()
    return {
        "name": qualified_name(func),
        "code_sha256": code_hash.hexdigest(),
        "settings_sha256": hashlib.sha256(state).hexdigest(),
    }


def describe_function(func: Callable[..., Any]) -> str:
    """A readable description of the swept function for messages (memory addresses removed)."""
    text = repr(func) if not hasattr(func, "__code__") else qualified_name(func)
    return re.sub(r" at 0x[0-9a-f]+", "", text)[:300]


def hash_code(digest: Any, code: Any) -> None:
    """Feed a code object's bytecode and constants (nested code objects recursively, no addresses)."""
    digest.update(code.co_code)
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            hash_code(digest, const)
        else:
            digest.update(repr(const).encode())


def fingerprint_spec(
    grid: Any, declared: dict[str, str] | None, vectorized: bool, key: str | None, func: Callable[..., Any]
) -> dict[str, Any]:
    """The JSON description of a sweep that a checkpoint must match (``grid`` has ``axes`` and ``chunk_size``)."""
    return {
        "axes": [
            {
                "name": axis.name,
                "units": axis.units,
                "size": len(axis),
                "values_sha256": hashlib.sha256(np.ascontiguousarray(axis.values, dtype="<f8").tobytes()).hexdigest(),
            }
            for axis in grid.axes
        ],
        "outputs": declared,
        "chunk_size": grid.chunk_size,
        "vectorized": vectorized,
        "key": key,
        "function": function_identity(func),
        "package_version": __version__,
        "format_version": FORMAT_VERSION,
    }


def arrays_sha256(names: Sequence[str], arrays: Sequence[np.ndarray]) -> str:
    digest = hashlib.sha256()
    for name, array in zip(names, arrays):
        array = np.ascontiguousarray(array)
        digest.update(json.dumps([name, array.dtype.str, list(array.shape)]).encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


class ChunkStore:
    """A checkpoint directory: ``manifest.json`` plus one ``chunk_<index>.npz`` per finished chunk.

    Each chunk file holds its arrays and a ``__chunk__`` record: the sweep
    fingerprint, the chunk index, the flat point range and a SHA-256 of the arrays.
    """

    def __init__(self, directory: Path, fingerprint: str) -> None:
        self.directory = directory
        self.fingerprint = fingerprint
        self.finished = {path.name for path in directory.glob("chunk_*.npz")}

    @classmethod
    def open(cls, directory: Path, spec: dict[str, Any], function_repr: str = "") -> ChunkStore:
        """Open (or create) the checkpoint in ``directory``, refusing one of a different sweep.

        ``function_repr`` describes the function in messages; it is not part of the fingerprint.
        """
        fingerprint = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
        manifest_path = directory / _MANIFEST
        start_over = f"delete the directory {directory} (or give another checkpoint directory) to start over"
        if directory.exists() and not directory.is_dir():
            raise LZSMInputError(f"checkpoint {directory} is a file, not a directory")
        if manifest_path.exists():
            try:
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
                if not isinstance(manifest, dict):
                    raise ValueError(f"expected a JSON object, got {type(manifest).__name__}")
            except (OSError, ValueError) as exc:
                raise LZSMInputError(f"checkpoint manifest {manifest_path} is unreadable ({exc}); {start_over}") from None
            if manifest.get("format") != _CHECKPOINT_FORMAT or manifest.get("version") != FORMAT_VERSION:
                raise LZSMInputError(
                    f"checkpoint {directory} has format {manifest.get('format')!r} version "
                    f"{manifest.get('version')!r}; expected {_CHECKPOINT_FORMAT!r} version {FORMAT_VERSION}; {start_over}"
                )
            if manifest.get("fingerprint") != fingerprint:
                stored = manifest.get("spec")
                stored = stored if isinstance(stored, dict) else {}
                differing = sorted(field for field in spec if stored.get(field) != spec[field])
                detail = ""
                if "function" in differing:
                    detail = f" (stored {manifest.get('function_repr')}, now {function_repr})"
                raise LZSMInputError(
                    f"checkpoint {directory} belongs to a different sweep (differs in: {', '.join(differing)}){detail}; "
                    f"use another checkpoint directory, or {start_over}"
                )
            for stale in directory.glob(".chunk_*.tmp"):  # left by a killed run
                stale.unlink(missing_ok=True)
        else:
            if directory.exists() and any(directory.iterdir()):
                raise LZSMInputError(
                    f"checkpoint directory {directory} is not empty and has no {_MANIFEST}; "
                    "give an empty or new directory"
                )
            directory.mkdir(parents=True, exist_ok=True)
            manifest = {
                "format": _CHECKPOINT_FORMAT,
                "version": FORMAT_VERSION,
                "fingerprint": fingerprint,
                "spec": spec,
                "function_repr": function_repr,
            }
            atomic_write_text(manifest_path, json.dumps(manifest, indent=1))
        return cls(directory, fingerprint)

    def _path(self, index: int) -> Path:
        return self.directory / f"chunk_{index}.npz"

    def has(self, index: int) -> bool:
        return self._path(index).name in self.finished

    def load(self, index: int, bounds: tuple[int, int]) -> tuple[dict[str, np.ndarray] | None, str]:
        """The stored outputs of a chunk, or ``None`` and why they cannot be used."""
        try:
            with np.load(self._path(index), allow_pickle=False) as data:
                record = json.loads(str(data["__chunk__"]))
                names = record["names"]
                arrays = [data[f"o{i}"] for i in range(len(names))]
        except Exception as exc:  # noqa: BLE001 - any failure to read means the file is damaged
            return None, f"unreadable: {describe_exception(exc)}"
        expected = {"fingerprint": self.fingerprint, "index": index, "start": bounds[0], "stop": bounds[1]}
        for field, value in expected.items():
            if record.get(field) != value:
                what = "belongs to another sweep" if field == "fingerprint" else f"holds {field} {record.get(field)!r}"
                return None, f"{what}, expected {field} {value!r}" if field != "fingerprint" else what
        if record.get("sha256") != arrays_sha256(names, arrays):
            return None, "checksum mismatch"
        return dict(zip(names, arrays)), ""

    def save(self, index: int, bounds: tuple[int, int], outputs: Mapping[str, np.ndarray]) -> None:
        names = list(outputs)
        arrays = {f"o{i}": np.ascontiguousarray(value) for i, value in enumerate(outputs.values())}
        record = {
            "fingerprint": self.fingerprint,
            "index": index,
            "start": bounds[0],
            "stop": bounds[1],
            "names": names,
            "sha256": arrays_sha256(names, list(arrays.values())),
        }
        arrays["__chunk__"] = np.array(json.dumps(record))
        atomic_savez(self._path(index), arrays)
        self.finished.add(self._path(index).name)
