r"""Device files: a fluxonium described in TOML, for the command line and scripts.

The file holds the scqubits parameters (energies in GHz) and the number of
levels of the model, at top level or under a ``[fluxonium]`` table::

    EJ = 3.0        # GHz
    EC = 1.0        # GHz
    EL = 1.0        # GHz
    flux = 0.5      # Phi_ext / Phi_0
    cutoff = 110    # harmonic-oscillator basis size
    N = 6           # levels of the driven model
    drive = "phi"   # optional: "phi" (flux drive) or "n" (charge drive)
"""

from __future__ import annotations

import os
import tomllib
from typing import Any

from ..units import LZSMInputError
from .scqubits_models import fluxonium
from .spectrum import MultilevelSpectrum

__all__ = ["load_device"]

_REQUIRED = ("EJ", "EC", "EL")
_OPTIONAL = {"flux": 0.5, "cutoff": 110, "N": 6, "drive": "phi", "name": None}


def load_device(path: str | os.PathLike[str]) -> MultilevelSpectrum:
    """Build the fluxonium spectrum described by a TOML file (module docstring).

    Raises
    ------
    LZSMInputError
        If the file is not valid TOML, misses ``EJ``, ``EC`` or ``EL``, or has unknown keys.
    """
    try:
        with open(path, "rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise LZSMInputError(f"device file {path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise LZSMInputError(f"device file {path}: cannot be read ({exc.strerror})") from None
    table = data.get("fluxonium", data)
    unknown = sorted(set(table) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise LZSMInputError(f"device file {path}: unknown keys {unknown}; allowed: {list(_REQUIRED) + list(_OPTIONAL)}")
    missing = [k for k in _REQUIRED if k not in table]
    if missing:
        raise LZSMInputError(f"device file {path}: missing {missing} (fluxonium energies in GHz)")
    opts = {k: table.get(k, v) for k, v in _OPTIONAL.items()}
    return fluxonium(
        table["EJ"], table["EC"], table["EL"], opts["flux"],
        levels=opts["N"], cutoff=opts["cutoff"], drive=opts["drive"], name=opts["name"],
    )
