r"""The ``calibrate`` subcommand of ``lzsm-gates``: a gate calibrated on a simulated, miscalibrated device.

The device is an :class:`~lzsm_gates.qiskit.LZSMBackend` whose hidden truth
(gap offset, amplitude transfer scale, line cutoff, readout errors) is set by
the options; :func:`lzsm_gates.calibration.calibrate_gate` then identifies the
device, re-designs the gate and fine-tunes it by error amplification, printing
each step.  Needs the optional ``calibration`` extra (Qiskit Experiments).  A
calibration that stops without reaching ``--tolerance`` exits with status 2
and its reason, like any other error of the command line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .cli_common import (
    CLIError,
    _check_writable,
    _command,
    _gap_mhz,
    _integer,
    _number_in,
    _output_flags,
    _positive,
    _positive_in,
)
from .units import Device

__all__: list[str] = []


@_command("calibrate")
def _calibrate(args: argparse.Namespace) -> int:
    """Calibrate one gate on a simulated, miscalibrated device, printing each step."""
    plot = None if args.plot is None else _check_writable(Path(args.plot), "--plot", args.force)
    try:
        from .calibration import calibrate_gate
    except ImportError as exc:
        raise CLIError(str(exc)) from None
    from .qiskit import DeviceTruth, LZSMBackend

    device = Device.from_gap(args.gap_mhz, "MHz", name=f"qubit-{args.gap_mhz:g}MHz")
    truth = DeviceTruth((args.gap_offset,), {"d0": args.scale}, cutoff=args.cutoff, readout=((args.readout, args.readout),))
    print(f"simulated device: nominal gap {args.gap_mhz:g} MHz; hidden: gap offset {args.gap_offset:+g}, amplitude scale "
          f"{args.scale:g}, line cutoff {args.cutoff:g} gaps, readout errors {args.readout:g}")
    backend = LZSMBackend(device, 1, truth=truth)
    report = calibrate_gate(backend, args.target, shots=args.shots, tolerance=args.tolerance, max_rounds=args.max_rounds,
                            seed=args.seed, log=lambda line: print(f"  {line}"))
    print(report.table())
    if plot is not None:
        report.plot().savefig(plot, dpi=120)
        print(f"wrote {plot}")
    if not report.converged:
        raise CLIError(f"calibration of {args.target} stopped without reaching --tolerance {args.tolerance:g}: {report.reason}")
    return 0


def _add_calibrate_parser(sub: argparse._SubParsersAction, gap: float) -> None:
    """The parser of ``calibrate`` (``gap``: the default gap in MHz)."""
    k = sub.add_parser("calibrate", help="calibrate a gate on a simulated miscalibrated device in a handful of measurements",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    k.add_argument("--target", default="x", help="single-qubit target (x, sx, h, ...)")
    k.add_argument("--gap-mhz", type=_gap_mhz, default=gap, help="nominal gap Delta/2pi in MHz")
    k.add_argument("--gap-offset", type=_number_in(-0.5, 0.5), default=0.03, help="hidden relative gap offset")
    k.add_argument("--scale", type=_positive_in(0.0, 10.0), default=0.93, help="hidden amplitude transfer scale of the line")
    k.add_argument("--cutoff", type=_positive, default=15.0, help="hidden line cutoff in units of the gap")
    k.add_argument("--readout", type=_number_in(0.0, 0.5), default=0.02, help="hidden readout error p(1|0) = p(0|1)")
    k.add_argument("--shots", type=_integer(1, 10_000_000), default=1000, help="shots per measured setting")
    k.add_argument("--tolerance", type=_positive, default=1e-4, help="target bound on the estimated gate error")
    k.add_argument("--max-rounds", type=_integer(1, 20), default=4, help="error-amplification rounds at most")
    k.add_argument("--seed", type=_integer(0), default=1, help="seed of the shot sampling")
    k.add_argument("--plot", default=None, help="write the calibration figure here (e.g. calibration.png)")
    _output_flags(k)
