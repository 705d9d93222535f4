"""The ``lzsm-gates`` command line.

Subcommands
-----------
``design``
    Operating points of a target gate on a device (the main job): prints an
    AWG-ready table in physical units and writes JSON that round-trips into
    :meth:`lzsm_gates.design.DesignResult.from_json`.
``o3l-map``
    Steady-state concurrence of the O3L protocol over drive amplitude and detuning.
``cavity-map``
    Steady-state concurrence of the cavity protocol over coupling ratio and drive.
``map``
    Exact and approximate :math:`P(A, \\omega)` maps and approximation errors
    (gates paper Figs. 1, 2, 8): writes PNG figures and the data (``.npz``).
``circuit``
    Compile a circuit (Bell, GHZ, QFT or an OpenQASM 2 file) onto the LZSM
    target, simulate it at pulse level (closed, and open with ``--kappa``),
    sample counts and write its pulse program (``.npz``/``.json``).

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

from . import design, maps, plotting
from .sweeps import save_result
from .units import DEFAULT_DEVICE, ConvergenceError, Device, LZSMInputError

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
    out, options = _sweep_options(args)
    ds = maps.lzsm_map(_range(args.amplitude), _range(args.frequency), **options)
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


@_command("design")
def _design(args: argparse.Namespace) -> int:
    device = Device.from_gap(
        args.gap_mhz,
        "MHz",
        max_amplitude=args.max_amplitude,
        min_frequency=args.min_frequency,
        max_frequency=args.max_frequency,
        name=f"qubit-{args.gap_mhz:g}MHz",
    )
    target = tuple(float(v) for v in args.target.split(",")) if "," in args.target else args.target
    result = design.design_gate(target, device, rank=args.rank, n_refine=args.refine)
    shown = result.candidates[: args.show]
    print(f"target {result.target.name} (P = {result.target.probability:.4f}) on {device.name}: "
          f"{len(result.candidates)} operating points, ranked by {args.rank}; best {len(shown)}:")
    print(design.DesignResult(result.target, shown, result.rank, result.curve).table())
    best = result.best.to_physical()
    print(
        f"\nbest: A/2pi = {best['amplitude_mhz']:.4f} MHz, f = {best['frequency_mhz']:.4f} MHz, "
        f"idle before {best['idle_before_ns']:.3f} ns, one period {best['period_ns']:.3f} ns, idle after "
        f"{best['idle_after_ns']:.3f} ns (total {best['duration_ns']:.3f} ns; with virtual Z "
        f"{best['duration_virtual_z_ns']:.3f} ns, phases {best['vz_before_rad']:.4f}, {best['vz_after_rad']:.4f} rad), "
        f"exact gate error {result.best.exact_error:.1e}"
    )
    Path(args.json).write_text(result.to_json())
    print(f"wrote {args.json}")
    return 0


@_command("cavity-map")
def _cavity_map(args: argparse.Namespace) -> int:
    out, options = _sweep_options(args)
    ds = maps.cavity_map(_range(args.coupling), _range(args.drive), **options)
    save_result(ds, out / "cavity_map.npz")
    fig = plotting.plot_map(ds["concurrence"], title="steady-state concurrence (cavity paper Fig. 3)", label="$E_{ss}$")
    fig.axes[0].set_xlabel("$d/g_1$")
    fig.axes[0].set_ylabel("$g_2/g_1$")
    fig.savefig(out / "cavity_ess.png", dpi=120)
    print(f"wrote {out / 'cavity_map.npz'} and {out / 'cavity_ess.png'}; max E_ss = {float(ds['concurrence'].max()):.3f}")
    return 0


@_command("o3l-map")
def _o3l_map(args: argparse.Namespace) -> int:
    from . import o3l

    out, options = _sweep_options(args)
    ds = o3l.map_amplitude_detuning(_range(args.amplitude), _range(args.eps0), xi=args.xi, **options)
    save_result(ds, out / "o3l_map.npz")
    fig = plotting.plot_map(ds["C_inf"], vmin=0, vmax=1, title=f"O3L $C_\\infty$, xi = {args.xi:g} (O3L paper Fig. 2)",
                            label=r"$C_\infty$")
    fig.axes[0].set_xlabel(r"$\varepsilon_0/\omega$")
    fig.axes[0].set_ylabel(r"$A/\omega$")
    fig.savefig(out / "o3l_cinf.png", dpi=120)
    print(f"wrote {out / 'o3l_map.npz'} and {out / 'o3l_cinf.png'}; max C_inf = {float(ds['C_inf'].max()):.3f}")
    return 0


_BUILTIN_CIRCUITS = ("bell", "ghz", "qft")


def _load_circuit(spec: str, num_qubits: int) -> "QuantumCircuit":  # noqa: F821 - qiskit imported lazily
    """A built-in circuit by name, or an OpenQASM 2 file."""
    from qiskit import QuantumCircuit, qasm2
    from qiskit.circuit.library import QFTGate

    n = int(num_qubits)
    if spec in _BUILTIN_CIRCUITS:
        if n < 2:
            raise LZSMInputError(f"--qubits must be >= 2 for {spec}, got {n}")
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
        raise LZSMInputError(f"circuit must be one of {', '.join(_BUILTIN_CIRCUITS)} or an OpenQASM 2 file, got {spec!r}")
    return qasm2.load(path, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)


@_command("circuit")
def _circuit(args: argparse.Namespace) -> int:
    from qiskit import transpile
    from qiskit.circuit import CONTROL_FLOW_OP_NAMES

    from . import schedules
    from .baths import Bath
    from .qiskit import LZSMBackend, simulate_circuit, simulate_noisy_circuit

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
        print(f"  duration {duration_ns:.1f} ns, closed-system 1 - process fidelity {closed.infidelity:.2e}")
        if noise is not None:
            noisy = simulate_noisy_circuit(compiled, backend.target, noise, ideal, scheduling=args.scheduling)
            print(f"  with noise (Ohmic kappa {args.kappa:g}, T {args.temperature:g} Delta): 1 - process fidelity "
                  f"{noisy.infidelity:.2e}, 1 - average fidelity {noisy.average_infidelity:.2e}")
    else:
        print(f"  duration {duration_ns:.1f} ns (mid-circuit measurement, reset or control flow: no process fidelity)")
    result = backend.run(compiled, shots=args.shots, seed_simulator=args.seed, noise=noise is not None,
                         scheduling=args.scheduling).result()
    print(f"  counts ({args.shots} shots): {dict(sorted(result.get_counts().items()))}")
    if args.program:
        program = schedules.circuit_program(compiled.remove_final_measurements(inplace=False), backend.target,
                                            scheduling=args.scheduling)
        path = schedules.save_program(program, args.program)
        print(f"wrote {path} ({program.duration} samples at dt = {device.dt_ns:g} ns on {', '.join(program.samples)})")
    return 0


@_command("calibrate")
def _calibrate(args: argparse.Namespace) -> int:
    """Calibrate one gate on a simulated, miscalibrated device, printing each step (needs the calibration extra)."""
    try:
        from .calibration import calibrate_gate
    except ImportError as exc:
        raise LZSMInputError(str(exc)) from exc
    from .qiskit import DeviceTruth, LZSMBackend

    device = Device.from_gap(args.gap_mhz, "MHz", name=f"qubit-{args.gap_mhz:g}MHz")
    truth = DeviceTruth((args.gap_offset,), {"d0": args.scale}, cutoff=args.cutoff, readout=((args.readout, args.readout),))
    print(f"simulated device: nominal gap {args.gap_mhz:g} MHz; hidden: gap offset {args.gap_offset:+g}, amplitude scale "
          f"{args.scale:g}, line cutoff {args.cutoff:g} gaps, readout errors {args.readout:g}")
    backend = LZSMBackend(device, 1, truth=truth)
    report = calibrate_gate(backend, args.target, shots=args.shots, tolerance=args.tolerance, max_rounds=args.max_rounds,
                            seed=args.seed, log=lambda line: print(f"  {line}"))
    print(report.table())
    if args.plot:
        report.plot().savefig(args.plot, dpi=120)
        print(f"wrote {args.plot}")
    return 0 if report.converged else 1


def _calibrate_parser(sub: argparse._SubParsersAction) -> None:
    k = sub.add_parser("calibrate", help="calibrate a gate on a simulated miscalibrated device in a handful of measurements")
    k.add_argument("--target", default="x", help="single-qubit target (x, sx, h, ...; default x)")
    k.add_argument("--gap-mhz", type=float, default=DEFAULT_DEVICE.gap_hz / 1e6, help="nominal gap Delta/2pi in MHz (default 20)")
    k.add_argument("--gap-offset", type=float, default=0.03, help="hidden relative gap offset (default 0.03)")
    k.add_argument("--scale", type=float, default=0.93, help="hidden amplitude transfer scale of the line (default 0.93)")
    k.add_argument("--cutoff", type=float, default=15.0, help="hidden line cutoff in units of the gap (default 15)")
    k.add_argument("--readout", type=float, default=0.02, help="hidden readout error p(1|0) = p(0|1) (default 0.02)")
    k.add_argument("--shots", type=int, default=1000, help="shots per measured setting (default 1000)")
    k.add_argument("--tolerance", type=float, default=1e-4, help="target bound on the estimated gate error (default 1e-4)")
    k.add_argument("--max-rounds", type=int, default=4, help="error-amplification rounds at most (default 4)")
    k.add_argument("--seed", type=int, default=1, help="seed of the shot sampling")
    k.add_argument("--plot", default=None, help="write the calibration figure here (e.g. calibration.png)")


def _map_parser(
    sub: argparse._SubParsersAction, name: str, help_text: str, out: str, *grids: tuple[str, list[str], str]
) -> argparse.ArgumentParser:
    """A map subcommand: its grids (START STOP NUM) and the shared --out, --resume, --quiet options."""
    p = sub.add_parser(name, help=help_text)
    for flag, default, what in grids:
        p.add_argument(flag, nargs=3, default=default, metavar=("START", "STOP", "NUM"),
                       help=f"{what} (default {' '.join(default)})")
    p.add_argument("--out", default=out, help="output folder")
    p.add_argument("--resume", action="store_true", help="checkpoint chunks in OUT/checkpoint and resume from them")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _sweep_options(args: argparse.Namespace) -> tuple[Path, dict]:
    """Output folder (created) and the sweep options of a map subcommand."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    return out, {"checkpoint": out / "checkpoint" if args.resume else None, "progress": not args.quiet}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lzsm-gates", description="Fast LZSM gates on small-gap qubits.")
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("design", help="operating points of a gate (amplitude, frequency, idles) in physical units")
    d.add_argument("--target", default="h", help="x, y, z, h, sx, sxdg, s, sdg, t, tdg, id, or U angles 'theta,phi,lambda'")
    d.add_argument("--gap-mhz", type=float, default=DEFAULT_DEVICE.gap_hz / 1e6, help="qubit gap Delta/2pi in MHz (default 20)")
    d.add_argument("--max-amplitude", type=float, default=DEFAULT_DEVICE.max_amplitude, help="largest A in units of the gap")
    d.add_argument("--min-frequency", type=float, default=DEFAULT_DEVICE.min_frequency, help="smallest omega in units of the gap")
    d.add_argument("--max-frequency", type=float, default=DEFAULT_DEVICE.max_frequency, help="largest omega in units of the gap")
    d.add_argument("--rank", default="duration", choices=["duration", "approximation", "robustness"], help="ranking criterion")
    d.add_argument("--refine", type=int, default=3, help="refine this many top candidates exactly (default 3)")
    d.add_argument("--show", type=int, default=10, help="rows of the table")
    d.add_argument("--json", default="design.json", help="output JSON file")
    p = _map_parser(sub, "map", "P(A, omega) maps, approximation errors and their figures", "lzsm_map_out",
                    ("--amplitude", ["0.1", "8", "160"], "amplitude grid A/Delta"),
                    ("--frequency", ["0.5", "8", "160"], "frequency grid omega/Delta"))
    p.add_argument("--cut-amplitude", type=float, default=2.0, help="amplitude of the Fig. 8 cut (default 2)")
    o = _map_parser(sub, "o3l-map", "steady-state concurrence C_inf(A, eps0) of the O3L protocol (O3L paper Fig. 2)",
                    "o3l_map_out", ("--amplitude", ["0", "6", "61"], "amplitude grid A/omega"),
                    ("--eps0", ["0", "6", "61"], "detuning grid eps0/omega"))
    o.add_argument("--xi", type=float, default=0.1, help="bath asymmetry gamma2/gamma1 (default 0.1)")
    _map_parser(sub, "cavity-map", "steady-state concurrence E_ss(g2/g1, d) of the cavity protocol (cavity paper Fig. 3)",
                "cavity_map_out", ("--coupling", ["0.1", "1", "46"], "g2/g1 grid"),
                ("--drive", ["0.002", "0.016", "36"], "drive d/g1 grid"))
    c = sub.add_parser("circuit", help="compile a circuit onto LZSM gates, simulate it at pulse level, export its pulses")
    c.add_argument("circuit", help=f"{', '.join(_BUILTIN_CIRCUITS)}, or an OpenQASM 2 file")
    c.add_argument("--qubits", type=int, default=2, help="qubits of a built-in circuit (default 2; linear coupling chain)")
    c.add_argument("--gap-mhz", type=float, default=DEFAULT_DEVICE.gap_hz / 1e6, help="qubit gap Delta/2pi in MHz (default 20)")
    c.add_argument("--single-qubit", default="u", choices=["u", "sx"],
                   help="u: one designed pulse per single-qubit gate (default); sx: calibrated sx and x pulses")
    c.add_argument("--scheduling", default="alap", choices=["alap", "asap", "serial"], help="gate placement in time")
    c.add_argument("--optimization-level", type=int, default=3, choices=[0, 1, 2, 3], help="Qiskit transpiler level")
    c.add_argument("--kappa", type=float, default=None, help="Ohmic bath coupling per qubit (sigma_x): also simulate with noise")
    c.add_argument("--temperature", type=float, default=0.05, help="bath temperature in units of the gap (default 0.05)")
    c.add_argument("--shots", type=int, default=1000, help="shots of the sampled counts")
    c.add_argument("--seed", type=int, default=1, help="seed of the transpiler and of the sampling")
    c.add_argument("--program", default=None, help="write the pulse program here (.npz or .json)")
    _calibrate_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``lzsm-gates``; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except (LZSMInputError, ConvergenceError) as exc:
        print(f"lzsm-gates {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
