r"""Parameter sweeps: one engine for every map of the project.

Every parameter map (transition probability :math:`P(A, \omega)`, gate-error
maps, decoherence rates, entanglement maps over two to four parameters) is a
function evaluated on the Cartesian product of a few named parameter axes.
:func:`run_sweep` evaluates such a function and returns a labelled
:class:`xarray.Dataset`.

Design
------
* **Axes.**  An :class:`Axis` is a name, a 1-D array of finite values and a
  unit label (:meth:`Axis.linear`, :meth:`Axis.log`, :meth:`Axis.explicit`;
  defined in :mod:`lzsm_gates.sweep_grid`).
  The grid is the Cartesian product of the axes in the order given, flattened
  in C order (last axis fastest), i.e. the order of
  ``np.meshgrid(*values, indexing="ij")``.
* **Batched evaluation.**  The flattened grid is cut into chunks of
  ``chunk_size`` points.  The function is called once per chunk as
  ``func(**{axis_name: values_at_the_chunk_points})`` and returns a mapping
  ``output_name -> array`` of shape ``(n,)`` or ``(n, *extra)``; trailing
  dimensions become dataset dimensions ``f"{name}_dim{i}"``.  A per-point
  function can be used with ``vectorized=False``.
* **Execution.**  Chunks run in-process by default, or on any
  :class:`concurrent.futures.Executor`-like object: anything with
  ``submit(fn, *args)`` returning futures that have ``result()``,
  ``add_done_callback()`` and ``cancel()``.  This covers
  :class:`~concurrent.futures.ProcessPoolExecutor` and a
  ``dask.distributed.Client``; the engine itself never imports dask.
* **Options.**  The execution settings travel in one frozen
  :class:`SweepOptions` (``chunk_size``, ``checkpoint``, ``executor``,
  ``progress``, ``on_error``, ``allow_large``); the same names are accepted
  as keywords, and an unknown name is refused.
* **Checkpoints.**  With ``checkpoint=<directory>`` every finished chunk is
  written atomically (temporary file, then :func:`os.replace`, with the
  user's normal file permissions) as soon as it arrives.  A manifest holds a
  fingerprint of everything that determines the result: the axes (names,
  units, values), the outputs, the chunk size, ``vectorized``, the ``key``,
  the function's identity (qualified name, code, and its pickled settings,
  e.g. the bath or the model of a map) and the package and format versions.
  A directory belonging to a different sweep is refused, naming what
  differs.  Each chunk file carries its own identity (sweep fingerprint,
  chunk index, the flat point range it covers) and a SHA-256 checksum of its
  arrays: a tampered, truncated, empty, swapped or foreign chunk is
  recomputed with a :class:`SweepWarning`, never used.  A rerun computes
  only the missing or damaged chunks; a finished sweep reloads without
  calling the function.
* **Cost guard.**  Before any work the grid size and the memory of the
  result are estimated (and, with a ``cost`` function, the inner steps, e.g.
  Magnus steps per drive period); above the limits of :data:`WORK_LIMITS`
  the sweep is refused unless ``allow_large=True`` (:mod:`lzsm_gates.sweep_cost`).
* **Bad chunks.**  A chunk whose function raises, or returns non-finite
  values, missing or unexpected outputs, or arrays of the wrong shape, is
  never silently dropped.  It is recorded with the ranges of every axis over
  its points and the error text, its points are NaN in the result, and it is
  not checkpointed (a rerun retries it).  ``on_error="report"`` keeps the
  rest, warns, and stores the failures in ``ds.attrs["failures"]`` (a JSON
  string, see :func:`sweep_failures`); ``on_error="raise"`` stops at the
  first bad chunk and raises :class:`SweepError`, which carries the failures
  and the partial dataset.
* **Provenance.**  Every result records the package version
  (``attrs["lzsm_gates_version"]``) and its numerical settings
  (``attrs["sweep_settings"]``, JSON).
* **Storage.**  :func:`save_result` / :func:`load_result` write and read a
  self-describing ``.npz`` file (arrays exactly, attributes as JSON; keeps
  complex outputs), or a netCDF file through xarray when the path ends in
  ``.nc`` (units in the variables' attributes).  A damaged or foreign file
  gives one :class:`~lzsm_gates.units.LZSMInputError` naming it.

Examples
--------
>>> import numpy as np
>>> from lzsm_gates.sweeps import Axis, run_sweep
>>> def model(A, omega):
...     return {"P": np.sin(A / omega) ** 2}
>>> ds = run_sweep(model, [Axis.linear("A", 0.5, 4.0, 8, units="Delta"),
...                        Axis.log("omega", 0.5, 8.0, 5, units="Delta")],
...                outputs={"P": ""}, progress=False)
>>> ds["P"].dims
('A', 'omega')
"""

from __future__ import annotations

import dataclasses
import json
import os
import queue
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .sweep_files import (
    ChunkStore,
    describe_exception,
    describe_function,
    fingerprint_spec,
    load_result,
    save_result,
)
from .sweep_cost import WORK_LIMITS, WorkEstimate, estimate_work, fixed_cost, guard_work
from .sweep_grid import Axis, Grid, check_axes
from .units import LZSMError, LZSMInputError, LZSMWarning, check_integer
from .version import __version__

__all__ = ["SweepOptions", "SweepError", "SweepWarning", "run_sweep", "sweep_failures"]
# Axis (sweep_grid), the cost guard (sweep_cost) and save_result / load_result (sweep_files) are also importable
# from here; their home modules document them.

_ON_ERROR = ("report", "raise")
_MAX_LISTED_FAILURES = 10


class SweepWarning(LZSMWarning, RuntimeWarning):
    """Bad chunks were reported, or damaged checkpoint chunks are being recomputed."""


@dataclass(frozen=True, init=False)
class SweepOptions:
    """Execution settings of a sweep (frozen; unknown fields are refused).

    Parameters
    ----------
    chunk_size : int, optional
        Grid points per call and per checkpoint file, >= 1.  ``None`` (default)
        lets each map choose (the engine's own default is 4096).
    checkpoint : path-like, optional
        Directory for per-chunk checkpoints (see :func:`run_sweep`).
    executor : Executor-like, optional
        Object with ``submit(fn, *args)`` returning futures; default in-process.
    progress : bool
        Show a progress bar (a widget in Jupyter when ipywidgets is installed,
        text otherwise; never a ``TqdmWarning``).
    on_error : {"report", "raise"}
        What to do with bad chunks.
    allow_large : bool
        Run even above :data:`WORK_LIMITS`.

    Raises
    ------
    LZSMInputError
        For an unknown field or an invalid value.

    Examples
    --------
    >>> SweepOptions(chunk_size=256, progress=False).chunk_size
    256
    """

    chunk_size: int | None = None
    checkpoint: Path | None = None
    executor: Any = None
    progress: bool = True
    on_error: str = "report"
    allow_large: bool = False

    def __init__(
        self,
        chunk_size: int | None = None,
        checkpoint: str | os.PathLike[str] | None = None,
        executor: Any = None,
        progress: bool = True,
        on_error: str = "report",
        allow_large: bool = False,
        **unknown: Any,
    ) -> None:
        if unknown:
            allowed = ", ".join(field.name for field in dataclasses.fields(SweepOptions))
            raise LZSMInputError(f"unknown sweep option(s) {', '.join(sorted(unknown))}; the options are {allowed}")
        if chunk_size is not None:
            chunk_size = _check_chunk_size(chunk_size)
        if on_error not in _ON_ERROR:
            raise LZSMInputError(f"on_error must be one of {_ON_ERROR}, got {on_error!r}")
        if executor is not None and not callable(getattr(executor, "submit", None)):
            raise LZSMInputError(
                f"executor must have a submit(fn, *args) method returning futures, got {type(executor).__name__}"
            )
        if checkpoint is not None and not isinstance(checkpoint, (str, os.PathLike)):
            raise LZSMInputError(f"checkpoint must be a directory path, got {type(checkpoint).__name__}")
        for name, flag in (("progress", progress), ("allow_large", allow_large)):
            if not isinstance(flag, (bool, np.bool_)):
                raise LZSMInputError(f"{name} must be True or False, got {flag!r}")
        values = {
            "chunk_size": chunk_size,
            "checkpoint": None if checkpoint is None else Path(checkpoint),
            "executor": executor,
            "progress": bool(progress),
            "on_error": on_error,
            "allow_large": bool(allow_large),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @classmethod
    def resolve(cls, options: SweepOptions | None = None, /, **keywords: Any) -> SweepOptions:
        """``options`` (default ``SweepOptions()``) with the given keyword fields replaced.

        This is how every sweep entry point accepts both an ``options=``
        object and the individual keywords (``chunk_size=...``).
        """
        if options is None:
            options = cls()
        elif not isinstance(options, SweepOptions):
            raise LZSMInputError(f"options must be a SweepOptions, got {type(options).__name__}")
        return dataclasses.replace(options, **keywords) if keywords else options

    def settings(self) -> dict[str, Any]:
        """The settings that determine the numbers (stored in a result's attributes)."""
        return {"chunk_size": self.chunk_size, "on_error": self.on_error}


class SweepError(LZSMError, RuntimeError):
    """A sweep with ``on_error="raise"`` met a bad chunk.

    Attributes
    ----------
    failures : list of dict
        The failure records (see :func:`run_sweep`).
    dataset : xarray.Dataset
        The partial result: every chunk finished before the failure; all
        other points are NaN.
    """

    def __init__(self, message: str, failures: list[dict[str, Any]], dataset: xr.Dataset | None = None) -> None:
        super().__init__(message)
        self.failures = failures
        self.dataset = dataset


def run_sweep(
    func: Callable[..., Mapping[str, Any]],
    axes: Sequence[Axis],
    *,
    outputs: Mapping[str, str] | None = None,
    vectorized: bool = True,
    options: SweepOptions | None = None,
    key: str | None = None,
    description: str = "",
    attrs: Mapping[str, Any] | None = None,
    cost: Callable[..., Any] | None = None,
    **option_keywords: Any,
) -> xr.Dataset:
    """Evaluate ``func`` on the grid spanned by ``axes`` and return a labelled dataset.

    Parameters
    ----------
    func : callable
        With ``vectorized=True``: ``func(**{name: array})`` receives, for each
        axis, a 1-D float array of that axis' values at the ``n`` points of a
        chunk, and returns a mapping ``output_name -> array`` of shape
        ``(n,)`` or ``(n, *extra)``, real or complex.  With
        ``vectorized=False``: ``func(**{name: float})`` is called per point and
        returns a mapping ``output_name -> scalar or array of shape extra``.
        It must be picklable to run on a process-based executor.
    axes : sequence of Axis
        The axes, in the order of the result's dimensions.
    outputs : mapping of str to str, optional
        Expected output names and their units.  If omitted, the names are
        taken from the first good chunk and the units are ``""``.  Every chunk
        must return exactly these names.
    vectorized : bool
        Whether ``func`` is batched (default) or per point.
    options : SweepOptions, optional
        Execution settings; the keywords below override its fields.
    key : str, optional
        Extra label of the computation in the checkpoint fingerprint (the
        function's name, code and pickled settings are always part of it).
    description : str
        Stored as ``attrs["description"]`` and used as the progress label.
    attrs : mapping, optional
        Extra dataset attributes (use strings and numbers to keep the result
        netCDF-compatible).  The engine's keys ``description``,
        ``chunk_size``, ``n_chunks``, ``failures``, ``lzsm_gates_version``
        and ``sweep_settings`` take precedence.
    cost : callable, optional
        ``cost(**{name: array})`` returns the inner steps of each point (e.g.
        :func:`lzsm_gates.propagate.steps_per_period`); used by the cost
        guard (see :func:`estimate_work`).
    **option_keywords
        ``chunk_size`` (>= 1, default 4096), ``checkpoint`` (directory, created
        if missing; it must be empty or hold a checkpoint of the same sweep),
        ``executor`` (object with ``submit(fn, *args)`` returning futures, e.g.
        a :class:`concurrent.futures.ProcessPoolExecutor` or a
        ``dask.distributed.Client``; not shut down), ``progress``,
        ``on_error`` and ``allow_large``: the fields of :class:`SweepOptions`.

    Returns
    -------
    xarray.Dataset
        Dimensions named after the axes (plus ``f"{output}_dim{i}"`` for
        trailing output dimensions); coordinates with ``units`` and ``scale``
        attributes; one float64 or complex128 data variable per output with a
        ``units`` attribute.  Points of failed chunks are NaN.  The failures,
        one record per bad chunk with keys ``chunk``, ``start``, ``stop``
        (flat point indices), ``points``, ``parameters`` (axis name ->
        ``[min, max]`` over the chunk) and ``error``, are stored as a JSON
        string in ``attrs["failures"]``; read them with :func:`sweep_failures`.

    Raises
    ------
    LZSMInputError
        For invalid arguments, a checkpoint directory of a different sweep or
        with an unreadable manifest, or a sweep above :data:`WORK_LIMITS`
        without ``allow_large``.
    SweepError
        With ``on_error="raise"``, at the first bad chunk.

    Warns
    -----
    SweepWarning
        With ``on_error="report"``, listing the bad chunks and their parameter
        ranges; also when a stored chunk is damaged and recomputed.  (A
        subclass of :class:`RuntimeWarning`.)
    """
    opts = SweepOptions.resolve(options, **option_keywords)
    axes = check_axes(axes)
    declared = _check_outputs(outputs, axes)
    if not callable(func):
        raise LZSMInputError(f"func must be callable, got {type(func).__name__}")
    if cost is not None and not callable(cost):
        raise LZSMInputError(f"cost must be callable, got {type(cost).__name__}")
    work = estimate_work(axes, len(declared) if declared else 1, cost)
    guard_work(work, opts.allow_large, description)
    if opts.progress and (work.steps > 1e8 or work.points > 1e6):
        print(f"{description or 'sweep'}: {work}", file=sys.stderr)
    grid = Grid(axes, opts.chunk_size if opts.chunk_size is not None else 4096)
    vectorized = bool(vectorized)

    store = None
    if opts.checkpoint is not None:
        spec = fingerprint_spec(grid, declared, vectorized, key, func)
        store = ChunkStore.open(opts.checkpoint, spec, describe_function(func))
    results = _Assembler(grid, declared)

    pending = []
    for index in range(grid.n_chunks):
        if store is not None and store.has(index):
            stored, problem = store.load(index, grid.bounds(index))
            if stored is not None:
                problem = results.accept(index, stored)
                if problem is None:
                    continue
            warnings.warn(
                f"checkpoint chunk {index} in {store.directory} is damaged ({problem}); recomputing it",
                SweepWarning,
                stacklevel=2,
            )
        pending.append(index)

    failures: list[dict[str, Any]] = []
    with (
        _progress_bar_class()(
            total=grid.n_chunks,
            initial=grid.n_chunks - len(pending),
            desc=description or "sweep",
            unit="chunk",
            disable=not opts.progress,
        ) as bar,
        closing(_execute(func, vectorized, grid, pending, opts.executor)) as outcomes,
    ):
        for index, outcome in outcomes:
            error = describe_exception(outcome) if isinstance(outcome, Exception) else results.accept(index, outcome)
            bar.update()
            if error is None:
                if store is not None:
                    store.save(index, grid.bounds(index), results.chunk_arrays(index))
                continue
            failures.append(grid.failure_record(index, error))
            if opts.on_error == "raise":
                failures.sort(key=lambda record: record["chunk"])
                dataset = results.to_dataset(_result_attrs(description, attrs, grid, failures, opts, vectorized, key))
                cause = outcome if isinstance(outcome, Exception) else None
                raise SweepError(
                    f"{_failure_line(failures[0])}; the partial result is in SweepError.dataset", failures, dataset
                ) from cause

    failures.sort(key=lambda record: record["chunk"])
    if failures:
        failed_points = sum(record["points"] for record in failures)
        lines = [_failure_line(record) for record in failures[:_MAX_LISTED_FAILURES]]
        if len(failures) > _MAX_LISTED_FAILURES:
            lines.append(f"... and {len(failures) - _MAX_LISTED_FAILURES} more (see attrs['failures'])")
        warnings.warn(
            f"{len(failures)} of {grid.n_chunks} sweep chunks failed ({failed_points} of {grid.size} points set to "
            "NaN; rerun with the same checkpoint to retry only them):\n  " + "\n  ".join(lines),
            SweepWarning,
            stacklevel=2,
        )
    return results.to_dataset(_result_attrs(description, attrs, grid, failures, opts, vectorized, key))


def _progress_bar_class() -> type:
    """The tqdm class for the current front end, chosen without ``TqdmWarning``.

    A widget bar (:mod:`tqdm.notebook`) inside a Jupyter kernel where
    ipywidgets is installed; the text bar everywhere else (terminals, and
    kernels without ipywidgets, where :mod:`tqdm.auto` would warn).
    """
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None  # noqa: N806 - mirrors the IPython name
    shell = get_ipython() if get_ipython is not None else None
    if shell is not None and "IPKernelApp" in getattr(shell, "config", {}):
        try:
            import ipywidgets  # noqa: F401 - only checks that widgets can be drawn
            from tqdm.notebook import tqdm as widget_bar

            return widget_bar
        except ImportError:
            pass
    from tqdm.std import tqdm as text_bar

    return text_bar


def sweep_failures(ds: xr.Dataset) -> list[dict[str, Any]]:
    """The failure records stored by :func:`run_sweep` in ``ds.attrs["failures"]`` (empty if none)."""
    return json.loads(ds.attrs.get("failures", "[]"))


# --------------------------------------------------------------------------- helpers


def _check_chunk_size(chunk_size: int) -> int:
    return check_integer("chunk_size", chunk_size, minimum=1)


def _check_outputs(outputs: Mapping[str, str] | None, axes: tuple[Axis, ...]) -> dict[str, str] | None:
    if outputs is None:
        return None
    if not isinstance(outputs, Mapping) or not outputs:
        raise LZSMInputError(f"outputs must be a non-empty mapping output name -> units, got {outputs!r}")
    axis_names = {axis.name for axis in axes}
    for name, units in outputs.items():
        if not isinstance(name, str) or not name or name in axis_names:
            raise LZSMInputError(f"output names must be non-empty strings other than the axis names, got {name!r}")
        if not isinstance(units, str):
            raise LZSMInputError(f"units of output {name!r} must be a string, got {units!r}")
    return dict(outputs)


def _failure_line(record: dict[str, Any]) -> str:
    ranges = ", ".join(
        f"{name} = {low:g}" if low == high else f"{name} in [{low:g}, {high:g}]"
        for name, (low, high) in record["parameters"].items()
    )
    return f"chunk {record['chunk']} ({record['points']} points; {ranges}): {record['error']}"


def _result_attrs(
    description: str,
    attrs: Mapping[str, Any] | None,
    grid: Grid,
    failures: list[dict[str, Any]],
    options: SweepOptions,
    vectorized: bool,
    key: str | None,
) -> dict[str, Any]:
    settings = {**options.settings(), "chunk_size": grid.chunk_size, "key": key}
    return {
        **(dict(attrs) if attrs else {}),
        "description": description,
        "chunk_size": grid.chunk_size,
        "n_chunks": grid.n_chunks,
        "failures": json.dumps(failures),
        "lzsm_gates_version": __version__,
        "sweep_settings": json.dumps(settings, default=str),
    }


def _evaluate_chunk(
    func: Callable[..., Mapping[str, Any]], vectorized: bool, parameters: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Evaluate one chunk (runs on the executor's workers; must stay a module-level function)."""
    if vectorized:
        result = func(**parameters)
        if not isinstance(result, Mapping):
            raise LZSMInputError(
                f"the sweep function must return a mapping output name -> array, got {type(result).__name__}"
            )
        return {name: np.asarray(value) for name, value in result.items()}
    n = next(iter(parameters.values())).size
    rows = []
    for i in range(n):
        row = func(**{name: float(values[i]) for name, values in parameters.items()})
        if not isinstance(row, Mapping):
            raise LZSMInputError(f"the sweep function must return a mapping output name -> value, got {type(row).__name__}")
        if rows and set(row) != set(rows[0]):
            raise LZSMInputError(
                f"the sweep function returned outputs {sorted(row)} at one point and {sorted(rows[0])} at another"
            )
        rows.append(row)
    return {name: np.stack([np.asarray(row[name]) for row in rows]) for name in rows[0]}


def _execute(
    func: Callable[..., Mapping[str, Any]], vectorized: bool, grid: Grid, pending: list[int], executor: Any
) -> Iterator[tuple[int, dict[str, np.ndarray] | Exception]]:
    """Yield ``(chunk index, outputs or the exception raised)`` for each pending chunk, in completion order.

    Exceptions other than :class:`Exception` (``KeyboardInterrupt``) propagate.
    On exit, futures not yet collected are cancelled.
    """
    if executor is None:
        for index in pending:
            try:
                outcome: dict[str, np.ndarray] | Exception = _evaluate_chunk(func, vectorized, grid.parameters(index))
            except Exception as exc:
                outcome = exc
            yield index, outcome
        return
    finished: queue.Queue[Any] = queue.Queue()
    futures = {}
    try:
        for index in pending:
            future = executor.submit(_evaluate_chunk, func, vectorized, grid.parameters(index))
            futures[future] = index
            future.add_done_callback(finished.put)
        for _ in range(len(futures)):
            future = finished.get()
            try:
                outcome = future.result()
            except Exception as exc:
                outcome = exc
            yield futures.pop(future), outcome
    finally:
        for future in futures:
            future.cancel()


class _Assembler:
    """Collects validated chunk outputs into flat, NaN-initialised result arrays."""

    def __init__(self, grid: Grid, declared: dict[str, str] | None) -> None:
        self.grid = grid
        self.units = declared
        self.arrays: dict[str, np.ndarray] = {}

    def accept(self, index: int, outputs: Mapping[str, np.ndarray]) -> str | None:
        """Store a chunk's outputs; return ``None``, or why they are bad (then nothing is stored)."""
        start, stop = self.grid.bounds(index)
        n = stop - start
        expected = set(self.units) if self.units is not None else set(self.arrays) or None
        if expected is not None and set(outputs) != expected:
            return (
                f"returned outputs {sorted(outputs)}, expected {sorted(expected)}"
                f" (missing {sorted(expected - set(outputs))}, unexpected {sorted(set(outputs) - expected)})"
            )
        if not outputs:
            return "returned no outputs"
        for name, value in outputs.items():
            if value.dtype.kind not in "biufc":
                return f"output {name!r} has dtype {value.dtype}, expected real or complex numbers"
            if value.ndim == 0 or value.shape[0] != n:
                return f"output {name!r} has shape {value.shape}, expected ({n}, ...) for a chunk of {n} points"
            if name in self.arrays and value.shape[1:] != self.arrays[name].shape[1:]:
                return f"output {name!r} has shape {value.shape}, expected {(n, *self.arrays[name].shape[1:])}"
            bad = ~np.isfinite(value)
            if bad.any():
                return f"output {name!r} has {int(bad.sum())} non-finite (NaN or inf) values"
        for name, value in outputs.items():
            complex_value = value.dtype.kind == "c"
            if name not in self.arrays:
                dtype = np.complex128 if complex_value else np.float64
                self.arrays[name] = np.full((self.grid.size, *value.shape[1:]), np.nan, dtype=dtype)
            elif complex_value and self.arrays[name].dtype.kind != "c":
                self.arrays[name] = self.arrays[name].astype(np.complex128)
            self.arrays[name][start:stop] = value
        return None

    def chunk_arrays(self, index: int) -> dict[str, np.ndarray]:
        start, stop = self.grid.bounds(index)
        return {name: array[start:stop] for name, array in self.arrays.items()}

    def to_dataset(self, attrs: dict[str, Any]) -> xr.Dataset:
        dims = tuple(axis.name for axis in self.grid.axes)
        coords = {
            axis.name: (axis.name, np.array(axis.values), {"units": axis.units, "scale": axis.scale})
            for axis in self.grid.axes
        }
        names = list(self.units) if self.units is not None else list(self.arrays)
        data_vars = {}
        for name in names:
            # A declared output that no chunk produced is all-NaN with one value per point.
            flat = self.arrays.get(name, np.full(self.grid.size, np.nan))
            extra = flat.shape[1:]
            data_vars[name] = (
                dims + tuple(f"{name}_dim{i}" for i in range(len(extra))),
                flat.reshape(self.grid.shape + extra),
                {"units": self.units[name] if self.units is not None else ""},
            )
        return xr.Dataset(data_vars, coords, attrs)


