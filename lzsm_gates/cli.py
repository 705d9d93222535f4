r"""The ``lzsm-gates`` command line.

Subcommands
-----------
``design``
    Operating points of a target gate on a device (the main job): prints an
    AWG-ready table in physical units and writes JSON that round-trips into
    :meth:`lzsm_gates.design.DesignResult.from_json`.  Fails (exit status 2)
    when the best candidate's exact gate error exceeds ``--max-error``.
``o3l-map``
    Steady-state concurrence of the O3L protocol over drive amplitude and detuning.
``cavity-map``
    Steady-state concurrence of the cavity protocol over coupling ratio and drive.
``leakage-map``
    One-period leakage :math:`L(A, \omega)` of a multi-level device (a fluxonium TOML file).
``map``
    Exact and approximate :math:`P(A, \omega)` maps and approximation errors
    (gates paper Figs. 1, 2, 8): writes PNG figures and the data (``.npz``
    and netCDF ``.nc``); with ``--gap-mhz`` the grids are in MHz.
``circuit``
    Compile a circuit (Bell, GHZ, QFT or an OpenQASM 2 file) onto the LZSM
    target, simulate it at pulse level (closed, and open with ``--kappa``),
    sample counts and write its pulse program (``.npz``/``.json``).
``inspect``
    Check and summarise a file of the package: a design JSON, a map result
    (``.npz``/``.nc``), a pulse program or an OpenQASM 2 file.

Rules every subcommand follows: options are validated before any heavy
computation and errors name the option as typed; an existing file is never
overwritten without ``--force``; a map with failed (NaN) points exits with
an error naming them instead of drawing a blank figure; a map above the cost
limits is refused unless ``--allow-large``; every map runs in-process, on
``--workers N`` local processes or on a Dask cluster (``--scheduler``) with
the same result bit for bit, and ``--resume`` continues it on any of them.
Every error is one line on stderr with exit status 2 (``--debug`` shows the
traceback).

Run ``lzsm-gates <subcommand> --help`` for the options.  Nothing in the
library imports this module.  It holds the entry point (:func:`main`: the
parser and the one-line error handling) and the ``circuit`` and ``inspect``
subcommands; ``design`` lives in :mod:`lzsm_gates.cli_design`, the map
subcommands in :mod:`lzsm_gates.cli_maps`, and what they share in
:mod:`lzsm_gates.cli_common`.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .cli_common import (
    _COMMANDS,
    CLIError,
    _check_writable,
    _command,
    _gap_mhz,
    _integer,
    _nonnegative,
    _one_line,
    _output_flags,
    _positive_in,
    _Parser,
)
from .cli_calibrate import _add_calibrate_parser
from .cli_design import _add_design_parser
from .cli_maps import _add_map_parsers
from .units import DEFAULT_DEVICE, Device, LZSMError
from .version import __version__

# The subcommands live in cli_design (design) and cli_maps (map, o3l-map, cavity-map, leakage-map), registered in
# _COMMANDS on import; design, maps, plotting, sweeps and qiskit (scipy.optimize, xarray, matplotlib) are imported
# inside the subcommands that use them, so that `lzsm-gates --help` stays fast.

__all__ = ["main"]


# --------------------------------------------------------------------------- files


def _load_circuit(spec: str, num_qubits: int) -> "QuantumCircuit":  # noqa: F821 - qiskit imported lazily
    """A built-in circuit by name, or an OpenQASM 2 file (one clear error naming a bad file)."""
    from qiskit import QuantumCircuit, qasm2
    from qiskit.circuit.library import QFTGate

    n = int(num_qubits)
    if spec in _BUILTIN_CIRCUITS:
        if n < 2:
            raise CLIError(f"--qubits must be >= 2 for {spec}, got {n}")
        qc = QuantumCircuit(n, name=spec)
        if spec == "qft":
            qc.append(QFTGate(n), range(n))
        else:
            qc.h(0)
            for q in range(1, n if spec == "ghz" else 2):
                qc.cx(q - 1, q)
        return qc
    path = Path(spec)
    if not path.is_file():
        raise CLIError(f"circuit must be one of {', '.join(_BUILTIN_CIRCUITS)} or an OpenQASM 2 file, got {spec!r}")
    try:
        return qasm2.load(path, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    except Exception as exc:  # noqa: BLE001 - any parser failure: one line naming the file
        raise CLIError(f"{path} is not a valid OpenQASM 2 file: {_one_line(exc)}") from None


def _load_file(path: Path) -> tuple[str, Any]:
    """Load a design JSON, a map result, a pulse program or a QASM file; ``(kind, object)``."""
    if not path.is_file():
        raise CLIError(f"{path} does not exist or is not a file")
    from . import design
    from .sweeps import load_result

    suffix = path.suffix.lower()
    if suffix == ".qasm":
        return "OpenQASM 2 circuit", _load_circuit(str(path), 2)
    if suffix == ".nc":
        return "map result", load_result(path)
    try:
        if suffix == ".npz":
            with np.load(path, allow_pickle=False) as data:
                files = set(data.files)
            if "__meta__" in files:
                return "map result", load_result(path)
            if "header" in files:
                from .schedules import load_program

                return "pulse program", load_program(path)
            raise CLIError(f"{path} is an .npz file of neither a map result nor a pulse program")
        if suffix == ".json":
            content = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(content, dict) and "candidates" in content:
                return "design", design.DesignResult.from_json(path.read_text(encoding="utf-8"))
            if isinstance(content, dict) and "samples" in content:
                from .schedules import load_program

                return "pulse program", load_program(path)
            raise CLIError(f"{path} is a JSON file of neither a design nor a pulse program")
    except (CLIError, LZSMError):
        raise
    except Exception as exc:  # noqa: BLE001 - truncated, corrupted or foreign: one line naming the file
        raise CLIError(f"{path} is damaged or not a file of lzsm_gates ({_one_line(exc)})") from None
    raise CLIError(f"{path}: unknown file type {suffix!r} (expected .json, .npz, .nc or .qasm)")


# --------------------------------------------------------------------------- subcommands


_BUILTIN_CIRCUITS = ("bell", "ghz", "qft")


@_command("circuit")
def _circuit(args: argparse.Namespace) -> int:
    from qiskit import transpile
    from qiskit.circuit import CONTROL_FLOW_OP_NAMES

    from .baths import Bath
    from .qiskit import LZSMBackend, schedules, simulate_circuit, simulate_noisy_circuit

    program_path = None
    if not args.program and (args.dt is not None or args.refine_tolerance is not None):
        raise CLIError("--dt and --refine-tolerance apply to the exported pulse program: give --program too")
    if args.program:
        program_path = _check_writable(Path(args.program), "--program", args.force)
        if program_path.suffix not in (".npz", ".json"):
            raise CLIError(f"--program must end in .npz or .json, got {program_path.name!r}")
    device = Device.from_gap(args.gap_mhz, "MHz", name=f"qubit-{args.gap_mhz:g}MHz")
    logical = _load_circuit(args.circuit, args.qubits)
    if not any(i.operation.name == "measure" for i in logical.data):
        logical = logical.measure_all(inplace=False)  # counts of every logical qubit
    noise = None if args.kappa is None else Bath.ohmic(args.kappa, temperature=args.temperature)
    backend = LZSMBackend(device, max(logical.num_qubits, 1), single_qubit=args.single_qubit, baths=noise)
    compiled = transpile(logical, backend=backend, optimization_level=args.optimization_level, seed_transpiler=args.seed)
    ops = ", ".join(f"{k}: {v}" for k, v in compiled.count_ops().items())
    print(f"{args.circuit} on {device.name} ({args.single_qubit} single-qubit gates, {args.scheduling} schedule): {ops}")
    duration_ns = backend.timeline(compiled, args.scheduling).total * 1e9
    ideal = logical.remove_final_measurements(inplace=False)
    unitary = not any(i.operation.name in ("measure", "reset", *CONTROL_FLOW_OP_NAMES) for i in ideal.data)
    if unitary:
        closed = simulate_circuit(compiled, backend.target, ideal, scheduling=args.scheduling)
        print(f"  duration {duration_ns:.1f} ns (readout included), closed-system 1 - process fidelity {closed.infidelity:.2e}")
        if noise is not None:
            noisy = simulate_noisy_circuit(compiled, backend.target, noise, ideal, scheduling=args.scheduling)
            print(f"  with noise (Ohmic kappa {args.kappa:g}, T {args.temperature:g} Delta): 1 - process fidelity "
                  f"{noisy.infidelity:.2e}, 1 - average fidelity {noisy.average_infidelity:.2e}")
    else:
        print(f"  duration {duration_ns:.1f} ns (readout included; mid-circuit measurement, reset or control flow: no process fidelity)")
    result = backend.run(compiled, shots=args.shots, seed_simulator=args.seed, noise=noise is not None,
                         scheduling=args.scheduling).result()
    print(f"  counts ({args.shots} shots): {dict(sorted(result.get_counts().items()))}")
    if program_path is not None:
        dt_ns = device.dt_ns if args.dt is None else args.dt
        bare = compiled.remove_final_measurements(inplace=False)
        program = backend.program(bare, dt_ns=dt_ns, scheduling=args.scheduling, refine_tolerance=args.refine_tolerance)
        path = schedules.save_program(program, program_path)
        grid = "the backend's slots" if dt_ns == device.dt_ns else "gate lengths rounded to the grid"
        print(f"wrote {path} ({program.duration} samples at dt = {dt_ns:g} ns on {', '.join(program.samples)}; {grid})")
        error = schedules.sampling_error(program, bare, backend.target)
        print(f"  sampling error of the program (gate error against the exact pulses): {error:.2e}")
    return 0


@_command("inspect")
def _inspect(args: argparse.Namespace) -> int:
    from .sweeps import sweep_failures

    path = Path(args.file)
    kind, content = _load_file(path)
    if kind == "map result":
        dims = ", ".join(f"{name} ({size})" for name, size in content.sizes.items())
        summary = f"dims {dims}; variables {', '.join(content.data_vars)}; {len(sweep_failures(content))} failed chunks"
    elif kind == "design":
        best = f"; best exact gate error {content[0].exact_error:.1e}" if content else ""
        summary = f"{len(content)} operating points{best}"
    elif kind == "pulse program":
        summary = f"{content.num_qubits} qubits, {content.duration} samples on {', '.join(content.samples)}"
    else:
        summary = f"{content.num_qubits} qubits, {len(content.data)} instructions"
    print(f"{path}: {kind}: {summary}")
    return 0


# --------------------------------------------------------------------------- parser


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="lzsm-gates", description="Fast LZSM gates on small-gap qubits.")
    parser.add_argument("--version", action="version", version=f"lzsm-gates {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    gap = DEFAULT_DEVICE.gap_hz / 1e6
    _add_design_parser(sub, gap)
    _add_map_parsers(sub)
    _add_calibrate_parser(sub, gap)

    c = sub.add_parser("circuit", help="compile a circuit onto LZSM gates, simulate it at pulse level, export its pulses")
    c.add_argument("circuit", help=f"{', '.join(_BUILTIN_CIRCUITS)}, or an OpenQASM 2 file")
    c.add_argument("--qubits", type=_integer(2, 12), default=2, help="qubits of a built-in circuit (default 2; linear coupling chain)")
    c.add_argument("--gap-mhz", type=_gap_mhz, default=gap, help=f"qubit gap Delta/2pi in MHz (default {gap:g})")
    c.add_argument("--single-qubit", default="u", choices=["u", "sx"],
                   help="u: one designed pulse per single-qubit gate (default); sx: calibrated sx and x pulses")
    c.add_argument("--scheduling", default="alap", choices=["alap", "asap", "serial"], help="gate placement in time")
    c.add_argument("--optimization-level", type=int, default=3, choices=[0, 1, 2, 3], help="Qiskit transpiler level")
    c.add_argument("--kappa", type=_nonnegative, default=None,
                   help="Ohmic bath coupling per qubit (sigma_x): also simulate with noise")
    c.add_argument("--temperature", type=_nonnegative, default=0.05, help="bath temperature in units of the gap (default 0.05)")
    c.add_argument("--shots", type=_integer(1, 10**9), default=1000, help="shots of the sampled counts")
    c.add_argument("--seed", type=_integer(0), default=1, help="seed of the transpiler and of the sampling")
    c.add_argument("--program", default=None, help="write the pulse program here (.npz or .json)")
    c.add_argument("--dt", type=_positive_in(1e-6, 1e3), default=None,
                   help="AWG sample time of the exported program in ns (default: the device's, 0.1; range of Device.dt_ns)")
    c.add_argument("--refine-tolerance", type=_nonnegative, default=None,
                   help="re-refine on the sample grid every pulse whose sampling error exceeds this (default: never)")
    _output_flags(c)

    i = sub.add_parser("inspect", help="check and summarise a design JSON, map result, pulse program or QASM file")
    i.add_argument("file", help="the file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``lzsm-gates``; returns the exit status (0 success, 2 error, 130 interrupted)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    argv = [word for word in argv if word != "--debug"]  # accepted anywhere on the line
    command = next((word for word in argv if word in _COMMANDS), None)
    prefix = f"lzsm-gates {command}" if command else "lzsm-gates"

    def one_line_warning(message: Any, category: type, *_: Any, **__: Any) -> None:
        print(f"{prefix}: warning: {_one_line(message)}", file=sys.stderr)

    with warnings.catch_warnings():
        if not debug:
            warnings.showwarning = one_line_warning
        try:
            args = _parser().parse_args(argv)
            return _COMMANDS[args.command](args)
        except SystemExit as exc:  # --help, --version
            return exc.code if isinstance(exc.code, int) else 0
        except KeyboardInterrupt:
            print(f"{prefix}: interrupted", file=sys.stderr)
            return 130
        except Exception as exc:  # noqa: BLE001 - every error becomes one line (the traceback with --debug)
            if debug:
                traceback.print_exc()
            if isinstance(exc, LZSMError):
                text = _one_line(exc)
            elif isinstance(exc, OSError):
                text = f"{exc.strerror or _one_line(exc)}{f': {exc.filename}' if exc.filename else ''}"
            else:
                text = f"internal error ({type(exc).__name__}: {_one_line(exc)}); rerun with --debug for the traceback"
            print(f"{prefix}: error: {text}", file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main())
