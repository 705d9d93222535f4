"""The ``lzsm-gates`` command line.

Subcommands
-----------
``map``
    Exact and approximate :math:`P(A, \\omega)` maps and approximation errors
    (gates paper Figs. 1, 2, 8): writes PNG figures and the data (``.npz``).

Run ``lzsm-gates <subcommand> --help`` for the options.  Nothing in the
library imports this module.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from . import maps, plotting
from .sweeps import save_result
from .units import LZSMInputError

__all__ = ["main"]

_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def _command(name: str) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    def register(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        _COMMANDS[name] = fn
        return fn

    return register


def _range(values: Sequence[str]) -> np.ndarray:
    start, stop, num = float(values[0]), float(values[1]), int(values[2])
    return np.linspace(start, stop, num)


@_command("map")
def _map(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ds = maps.lzsm_map(
        _range(args.amplitude),
        _range(args.frequency),
        checkpoint=out / "checkpoint" if args.resume else None,
        progress=not args.quiet,
    )
    save_result(ds, out / "lzsm_map.npz")
    files = {
        "fig1_fig2a_probability.png": plotting.plot_probability_maps(ds),
        "fig2b_chrw_error.png": plotting.plot_error_map(ds, "chrw"),
        "fig8_cut.png": plotting.plot_approximation_cut(ds, args.cut_amplitude),
    }
    for name, fig in files.items():
        fig.savefig(out / name, dpi=120)
    summary = {
        f"fraction_below_1e-3_{var[6:]}": float((ds[var] < 1e-3).mean()) for var in ds.data_vars if var.startswith("error_")
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"wrote {out / 'lzsm_map.npz'} and {', '.join(files)} in {out}")
    for key, value in summary.items():
        print(f"  {key}: {value:.3f}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lzsm-gates", description="Fast LZSM gates on small-gap qubits.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("map", help="P(A, omega) maps, approximation errors and their figures")
    p.add_argument("--amplitude", nargs=3, default=["0.1", "8", "160"], metavar=("START", "STOP", "NUM"),
                   help="amplitude grid A/Delta (default 0.1 8 160)")
    p.add_argument("--frequency", nargs=3, default=["0.5", "8", "160"], metavar=("START", "STOP", "NUM"),
                   help="frequency grid omega/Delta (default 0.5 8 160)")
    p.add_argument("--cut-amplitude", type=float, default=2.0, help="amplitude of the Fig. 8 cut (default 2)")
    p.add_argument("--out", default="lzsm_map_out", help="output folder")
    p.add_argument("--resume", action="store_true", help="checkpoint chunks in OUT/checkpoint and resume from them")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``lzsm-gates``; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except LZSMInputError as exc:
        print(f"lzsm-gates {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
