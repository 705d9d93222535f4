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
    mhz = args.gap_mhz

    def gap_units(value_gap: float, value_mhz: float | None) -> float:
        return value_gap if value_mhz is None else value_mhz / mhz

    device = Device.from_gap(
        mhz,
        "MHz",
        max_amplitude=gap_units(args.max_amplitude, args.max_amplitude_mhz),
        min_frequency=gap_units(args.min_frequency, args.min_frequency_mhz),
        max_frequency=gap_units(args.max_frequency, args.max_frequency_mhz),
        name=f"qubit-{mhz:g}MHz",
    )
    print(f"bounds: A/2pi <= {device.max_amplitude * mhz:.4g} MHz, drive f in [{device.min_frequency * mhz:.4g}, "
          f"{device.max_frequency * mhz:.4g}] MHz (A <= {device.max_amplitude:g}, omega in [{device.min_frequency:g}, "
          f"{device.max_frequency:g}] in units of the {mhz:g} MHz gap)")
    if args.target in ("sqrt_bswap", "xy_entangler"):
        return _design_two_qubit(args, device)
    target = tuple(float(v) for v in args.target.split(",")) if "," in args.target else args.target
    result = design.design_gate(target, device, rank=args.rank, variant=args.variant, n_refine=args.refine)
    print(f"target {result.target.name} (|V10| = {result.target.transition_amplitude:.6g}) on {device.name}: "
          f"{len(result.candidates)} operating points, ranked by {args.rank}; best {min(args.show, len(result))}:")
    print(result.table(args.show))
    print("columns: idle1/idle2 = free-evolution (idle) times before/after the drive period (not T1/T2); "
          "vz total = duration with the idles replaced by virtual-Z frame changes; err = gate error 1 - F")
    if result.optimality is not None:
        print("optimality: " + result.optimality.statement())
    best = result.best.to_physical()
    print(
        f"\nbest: A/2pi = {best.amplitude_mhz:.4f} MHz, f = {best.frequency_mhz:.4f} MHz, "
        f"idle before {best.idle_before_ns:.3f} ns, one period {best.period_ns:.3f} ns, idle after "
        f"{best.idle_after_ns:.3f} ns (total {best.duration_ns:.3f} ns; with virtual Z "
        f"{best.duration_virtual_z_ns:.3f} ns, phases {best.vz_before_rad:.4f}, {best.vz_after_rad:.4f} rad), "
        f"exact gate error {result.best.exact_error:.1e}"
    )
    out = result.save(args.json)
    figure = out.with_suffix(".png")
    result.plot().savefig(figure, dpi=120)
    print(f"wrote {out} and the design summary figure {figure}")
    return 0


def _design_two_qubit(args: argparse.Namespace, device: Device) -> int:
    from . import entanglers

    gap2 = 1.0 if args.gap2_mhz is None else args.gap2_mhz / args.gap_mhz
    if args.target == "sqrt_bswap":
        d = entanglers.design_bswap(device, gap2=gap2)
    else:
        d = entanglers.design_xy_entangler(device, gap2=gap2)
    p = d.to_physical()
    print(f"{d.name} on gaps {args.gap_mhz:g} MHz and {gap2 * args.gap_mhz:g} MHz (coupler drive): "
          f"A/2pi = {p.amplitude_mhz:.4f} MHz, f = {p.frequency_mhz:.4f} MHz, idle before {p.idle_before_ns:.3f} ns, "
          f"one period {p.period_ns:.3f} ns, idle after {p.idle_after_ns:.3f} ns (total {p.duration_ns:.3f} ns), "
          f"exact 4x4 gate error {d.exact_error:.1e}")
    print(f"wrote {d.save(args.json)}")
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

    from . import circuits, schedules
    from .baths import Bath

    device = Device.from_gap(args.gap_mhz, "MHz", name=f"qubit-{args.gap_mhz:g}MHz")
    logical = _load_circuit(args.circuit, args.qubits)
    ideal = logical.remove_final_measurements(inplace=False)
    target = circuits.lzsm_target(device, max(ideal.num_qubits, 1), single_qubit=args.single_qubit)
    compiled = transpile(ideal, target=target, optimization_level=args.optimization_level, seed_transpiler=args.seed)
    closed = circuits.simulate_circuit(compiled, target, ideal, scheduling=args.scheduling)
    ops = ", ".join(f"{k}: {v}" for k, v in compiled.count_ops().items())
    print(f"{args.circuit} on {device.name} ({args.single_qubit} single-qubit gates, {args.scheduling} schedule): {ops}")
    print(f"  duration {closed.duration_s * 1e9:.1f} ns, closed-system 1 - process fidelity {closed.infidelity:.2e}")
    noise = None
    if args.kappa is not None:
        noise = Bath.ohmic(args.kappa, temperature=args.temperature)
        noisy = circuits.simulate_noisy_circuit(compiled, target, noise, ideal, scheduling=args.scheduling)
        print(f"  with noise (Ohmic kappa {args.kappa:g}, T {args.temperature:g} Delta): 1 - process fidelity "
              f"{noisy.infidelity:.2e}, 1 - average fidelity {noisy.average_infidelity:.2e}")
    measured = compiled.copy()
    measured.measure_all()
    counts = circuits.sample_counts(measured, target, args.shots, seed=args.seed, noise=noise, scheduling=args.scheduling)
    print(f"  counts ({args.shots} shots): {dict(sorted(counts.items()))}")
    if args.program:
        program = schedules.circuit_program(compiled, target, scheduling=args.scheduling)
        path = schedules.save_program(program, args.program)
        print(f"wrote {path} ({program.duration} samples at dt = {device.dt_ns:g} ns on {', '.join(program.samples)})")
    return 0


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
    d = sub.add_parser("design", help="operating points of a gate (amplitude, frequency, idles) in physical units",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    d.add_argument("--target", default="h", help="x, y, z, h, sx, sxdg, s, sdg, t, tdg, id, U angles 'theta,phi,lambda', "
                   "or the two-qubit sqrt_bswap / xy_entangler")
    d.add_argument("--gap-mhz", type=float, default=DEFAULT_DEVICE.gap_hz / 1e6, help="qubit gap Delta/2pi in MHz")
    d.add_argument("--gap2-mhz", type=float, default=None, help="second qubit's gap in MHz (two-qubit targets; default: equal)")
    d.add_argument("--max-amplitude", type=float, default=DEFAULT_DEVICE.max_amplitude, help="largest A in units of the gap")
    d.add_argument("--min-frequency", type=float, default=DEFAULT_DEVICE.min_frequency, help="smallest omega in units of the gap")
    d.add_argument("--max-frequency", type=float, default=DEFAULT_DEVICE.max_frequency, help="largest omega in units of the gap")
    d.add_argument("--max-amplitude-mhz", type=float, default=None, help="largest A/2pi in MHz (overrides --max-amplitude)")
    d.add_argument("--min-frequency-mhz", type=float, default=None, help="smallest drive f in MHz (overrides --min-frequency)")
    d.add_argument("--max-frequency-mhz", type=float, default=None, help="largest drive f in MHz (overrides --max-frequency)")
    d.add_argument("--rank", default="duration", choices=["duration", "approximation", "robustness"], help="ranking criterion")
    d.add_argument("--variant", default="idle", choices=["idle", "virtual_z"],
                   help="duration with real idles, or with the idles replaced by virtual-Z frame changes")
    d.add_argument("--refine", type=int, default=3, help="0: CHRW proposals only; else the minimum number of continuous optimisations")
    d.add_argument("--show", type=int, default=10, help="rows of the table")
    d.add_argument("--json", default="design.json", help="output JSON file (the summary figure goes beside it as .png)")
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
