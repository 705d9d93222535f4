r"""Executors for the sweep engine: in-process, local worker processes, or a Dask cluster.

:func:`~lzsm_gates.sweeps.run_sweep` runs its chunks on any object with
``submit(fn, *args)``; :func:`sweep_executor` opens the three kinds a user
asks for and always closes them:

* ``workers=1`` (default), no ``scheduler``: ``None``, i.e. in-process;
* ``workers=N > 1``: a :class:`~concurrent.futures.ProcessPoolExecutor` of
  ``N`` processes started with the ``"spawn"`` method (no ``fork`` of a
  process holding threads or BLAS state), shut down on exit with its queued
  chunks cancelled;
* ``scheduler=ADDRESS``: a ``dask.distributed.Client`` connected to an
  existing scheduler (e.g. ``"tcp://10.0.0.5:8786"``, started by a
  ``LocalCluster`` or by dask-jobqueue on a SLURM/PBS cluster), closed on
  exit.  dask is the optional extra ``lzsm_gates[dask]``.

The chunks and their order do not depend on the executor: every chunk is
the same function call on the same points, so a map is bit-for-bit the same
in-process, on worker processes and on a cluster (given the same
installation on the workers: on connecting, the workers' ``lzsm_gates``
version is checked), and a checkpointed sweep started with one executor can
be finished with another.  What travels to a
worker is the sweep function (a picklable object: the maps' evaluators hold
only their settings, e.g. the bath or the model) and the axis values of one
chunk; what comes back is the chunk's output arrays.

Examples
--------
>>> from lzsm_gates import lzsm_map, sweep_executor
>>> with sweep_executor(workers=2) as pool:            # doctest: +SKIP
...     ds = lzsm_map([0.5, 1.0], [1.0, 2.0], executor=pool, progress=False)
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from .units import LZSMInputError, check_integer
from .version import __version__

__all__ = ["MAX_LOCAL_WORKERS", "sweep_executor"]

MAX_LOCAL_WORKERS = 1024
"""Largest number of local worker processes :func:`sweep_executor` starts."""


@contextmanager
def sweep_executor(workers: int = 1, scheduler: str | None = None, *, connect_timeout: float = 10.0) -> Iterator[Any]:
    """Open the executor of a sweep and close it on exit (module docstring).

    Parameters
    ----------
    workers : int
        Local worker processes, in ``[1, MAX_LOCAL_WORKERS]``; 1 runs in-process.
        Must be 1 when ``scheduler`` is given.
    scheduler : str, optional
        Address of a running Dask scheduler.
    connect_timeout : float
        Seconds to wait for the scheduler, in ``(0, 3600]``.

    Yields
    ------
    None, ProcessPoolExecutor or dask.distributed.Client
        Pass it as ``executor=`` to any map or to :func:`~lzsm_gates.sweeps.run_sweep`.

    Raises
    ------
    LZSMInputError
        For an invalid argument, both ``workers > 1`` and ``scheduler``,
        dask missing, a scheduler that cannot be reached within
        ``connect_timeout``, or workers (those connected at that moment)
        that cannot import ``lzsm_gates`` or run another version of it (the
        message starts with the parameter's name).
    """
    workers = check_integer("workers", workers, minimum=1, maximum=MAX_LOCAL_WORKERS)
    if not isinstance(connect_timeout, (int, float)) or not 0 < connect_timeout <= 3600:
        raise LZSMInputError(f"connect_timeout must be a number of seconds in (0, 3600], got {connect_timeout!r}")
    if scheduler is not None:
        if workers != 1:
            raise LZSMInputError(f"workers must be 1 with a scheduler (the cluster has its own workers), got {workers}")
        client = _connect(scheduler, float(connect_timeout))
        try:
            yield client
        finally:
            client.close()
    elif workers == 1:
        yield None
    else:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        try:
            yield pool
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _connect(address: str, timeout: float) -> Any:
    """A ``dask.distributed.Client`` on ``address``, or one LZSMInputError saying why not."""
    if not isinstance(address, str) or not address.strip():
        raise LZSMInputError(f"scheduler must be a Dask scheduler address such as 'tcp://host:8786', got {address!r}")
    try:
        from dask.distributed import Client
    except ImportError:
        raise LZSMInputError(
            "scheduler needs dask.distributed, which is not installed: pip install 'lzsm_gates[dask]'"
        ) from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - refused, timed out, malformed address or reply: one error
        raise LZSMInputError(
            f"scheduler {address!r}: cannot reach a Dask scheduler within {timeout:g} s ({_reason(exc)})"
        ) from None
    try:
        versions = client.run(_package_version)
    except Exception as exc:  # noqa: BLE001 - e.g. workers that cannot import lzsm_gates
        client.close()
        raise LZSMInputError(f"scheduler {address!r}: its workers cannot run lzsm_gates ({_reason(exc)})") from None
    other = {worker: version for worker, version in versions.items() if version != __version__}
    if other:
        client.close()
        worker, version = next(iter(other.items()))
        raise LZSMInputError(
            f"scheduler {address!r}: {len(other)} of its workers run lzsm_gates {version} (e.g. {worker}), "
            f"this process {__version__}; install the same version on the workers"
        )
    return client


def _package_version() -> str:
    """The lzsm_gates version of the process that runs it (called on every Dask worker)."""
    from .version import __version__ as version

    return version


def _reason(exc: Exception) -> str:
    return (" ".join(str(exc).split()) or type(exc).__name__)[:200]
