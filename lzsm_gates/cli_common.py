r"""What every subcommand of the ``lzsm-gates`` command line shares.

The command registry (:data:`_COMMANDS`, filled by the :func:`_command`
decorator of each subcommand), the one-line error (:class:`CLIError`), the
argparse option types (every failing type is reported by argparse as
``argument --option: <message>``, naming the option as typed), the parser
with one-line errors, and the checks of output files.  Used by
:mod:`lzsm_gates.cli` (the entry point), :mod:`lzsm_gates.cli_design` and
:mod:`lzsm_gates.cli_maps`; it imports nothing heavy.
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path
from typing import Any, Callable

from .units import LZSMError

__all__: list[str] = []

_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


class CLIError(LZSMError):
    """A command-line error: printed as one line, exit status 2."""


def _command(name: str) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    def register(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        _COMMANDS[name] = fn
        return fn

    return register


# --------------------------------------------------------------------------- option types
# argparse reports a failing type as "argument --option: <message>", naming the option as typed.


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


def _positive(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
    return value


def _nonnegative(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text!r}")
    return value


def _positive_in(low: float, high: float) -> Callable[[str], float]:
    """A number in (0, high] that is also >= low (``low = 0``: any positive number up to ``high``)."""

    def parse(text: str) -> float:
        value = _positive(text)
        if not low <= value <= high:
            bounds = f"(0, {high:g}]" if low == 0 else f"[{low:g}, {high:g}]"
            raise argparse.ArgumentTypeError(f"must lie in {bounds}, got {text!r}")
        return value

    parse.__name__ = "number"
    return parse


def _number_in(low: float, high: float) -> Callable[[str], float]:
    """A finite number in [low, high]."""

    def parse(text: str) -> float:
        value = _number(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must lie in [{low:g}, {high:g}], got {text!r}")
        return value

    parse.__name__ = "number"
    return parse


_gap_mhz = _positive_in(1e-3, 1e6)  # Device: 1 kHz .. 1 THz
_gap_multiple = _positive_in(0.0, 1e4)  # amplitudes and frequencies in units of the gap


def _integer(low: int, high: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be an integer in [{low}, {'inf' if high is None else high}], got {text!r}")
        return value

    parse.__name__ = "integer"
    return parse


def _one_line(message: Any) -> str:
    return " ".join(str(message).split())


# --------------------------------------------------------------------------- files


def _check_writable(path: Path, option: str, force: bool) -> Path:
    """Refuse an existing file without --force, or a destination whose folder cannot be written."""
    if path.is_dir():
        raise CLIError(f"{option}: {path} is a directory, expected a file name")
    if path.exists() and not force:
        raise CLIError(f"{option}: {path} exists; pass --force to overwrite it")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CLIError(f"{option}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise CLIError(f"{option}: folder {folder} is not writable")
    return path


# --------------------------------------------------------------------------- parser


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (raised as CLIError, printed by main)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CLIError(f"{message} (see {self.prog} --help)")


def _output_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true", help="overwrite existing output files")
