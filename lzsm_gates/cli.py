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
library imports this module.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import traceback
import warnings
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import numpy as np

from .version import __version__
from .executors import MAX_LOCAL_WORKERS, sweep_executor
from .units import DEFAULT_DEVICE, Device, LZSMError, LZSMInputError

# design, maps, plotting and sweeps (qiskit, scipy.optimize, xarray, matplotlib) are imported inside the
# subcommands that use them, so that `lzsm-gates --help` stays fast
if TYPE_CHECKING:
    from .sweeps import Axis

__all__ = ["main"]

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


def _target(text: str) -> str | tuple[float, ...]:
    """A gate name, or U angles 'theta,phi,lambda'."""
    if "," not in text:
        return text
    parts = text.split(",")
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"U angles must be three numbers 'theta,phi,lambda', got {text!r}")
    return tuple(_number(part) for part in parts)


_GRID_DOMAINS = {"finite": (_number, "a finite number"), "positive": (_positive, "> 0"),
                 "nonnegative": (_nonnegative, ">= 0")}
_MAX_GRID_NUM = 10_000_000


def _grid_action(domain: str) -> type[argparse.Action]:
    """An argparse action for ``--option START STOP NUM``, validated and stored as a (start, stop, num) tuple."""
    parse_value, _ = _GRID_DOMAINS[domain]

    class GridAction(argparse.Action):
        def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                     option_string: str | None = None) -> None:
            try:
                start, stop = parse_value(values[0]), parse_value(values[1])
                num = _integer(1, _MAX_GRID_NUM)(values[2])
            except argparse.ArgumentTypeError as exc:
                parser.error(f"argument {option_string}: START STOP NUM: {exc}")
            setattr(namespace, self.dest, (start, stop, num))

    return GridAction


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


def _prepare_out(args: argparse.Namespace, names: Sequence[str]) -> Path:
    """The --out folder of a map (created), checked before any work: writable, no file overwritten without --force."""
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out: {out} is a file, expected a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CLIError(f"--out: cannot create folder {out} ({exc.strerror})") from None
    for name in names:
        _check_writable(out / name, "--out", args.force)
    return out


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


def _axis(name: str, grid: tuple[float, float, int], units: str = "") -> Axis:
    from .sweeps import Axis

    start, stop, num = grid
    return Axis.linear(name, start, stop, num, units=units)


@contextmanager
def _sweep_options(args: argparse.Namespace, out: Path) -> Iterator[dict[str, Any]]:
    """The sweep options of every map subcommand, with its executor (in-process, --workers, --scheduler) open."""
    checkpoint = out / "checkpoint"
    if args.restart and checkpoint.exists():
        if not (checkpoint / "manifest.json").is_file():
            raise CLIError(f"--restart: {checkpoint} is not a sweep checkpoint (no manifest.json); not deleting it")
        shutil.rmtree(checkpoint)
    options: dict[str, Any] = {"checkpoint": checkpoint if args.resume or args.restart else None,
                               "progress": not args.quiet, "allow_large": args.allow_large}
    if args.chunk_size is not None:
        options["chunk_size"] = args.chunk_size
    with ExitStack() as stack:
        try:
            executor = stack.enter_context(sweep_executor(args.workers, args.scheduler, connect_timeout=args.connect_timeout))
        except LZSMInputError as exc:  # its message starts with the parameter's name
            raise CLIError(f"--{_one_line(exc)}") from None
        if args.scheduler and not args.quiet:
            count = len(executor.scheduler_info().get("workers", {}))
            print(f"running on the Dask scheduler {args.scheduler} ({count} workers now)", file=sys.stderr)
        yield {**options, "executor": executor}


def _require_finite_map(ds: Any, what: str) -> None:
    """Fail, naming the bad points, if any chunk failed or any value is not finite."""
    from .sweeps import sweep_failures

    failures = sweep_failures(ds)
    if failures:
        first = failures[0]
        ranges = ", ".join(f"{k} in [{lo:g}, {hi:g}]" for k, (lo, hi) in first["parameters"].items())
        total = int(np.prod([ds.sizes[dim] for dim in ds.dims if dim in ds.coords]))
        raise CLIError(
            f"{what} failed at {sum(f['points'] for f in failures)} of {total} points "
            f"({len(failures)} bad chunks; first: {ranges}: {_one_line(first['error'])}); nothing was written "
            "(rerun with --resume to retry only the failed chunks)"
        )
    for name, variable in ds.data_vars.items():
        bad = ~np.isfinite(np.asarray(variable.values))
        if bad.any():
            raise CLIError(f"{what}: {name} is not finite at {int(bad.sum())} points; nothing was written")


def _save_map(ds: Any, out: Path, stem: str) -> list[str]:
    from .sweeps import save_result

    save_result(ds, out / f"{stem}.npz")
    save_result(ds, out / f"{stem}.nc")
    return [f"{stem}.npz", f"{stem}.nc"]


_MAP_FIGURES = ("fig1_fig2a_probability.png", "fig2b_chrw_error.png", "fig8_cut.png")


@_command("map")
def _map(args: argparse.Namespace) -> int:
    from . import maps, plotting

    out = _prepare_out(args, ["lzsm_map.npz", "lzsm_map.nc", "summary.json", *_MAP_FIGURES])
    device = None
    scale = 1.0
    if args.gap_mhz is not None:
        device = Device.from_gap(args.gap_mhz, "MHz", name=f"qubit-{args.gap_mhz:g}MHz")
        scale = args.gap_mhz
    amplitude = args.amplitude or (0.1 * scale, 8.0 * scale, 160)
    frequency = args.frequency or (0.5 * scale, 8.0 * scale, 160)
    cut = args.cut_amplitude if args.cut_amplitude is not None else 2.0 * scale
    amplitudes, frequencies = _axis("A", amplitude), _axis("omega", frequency)
    if not amplitudes.values.min() <= cut <= amplitudes.values.max():
        raise CLIError(f"--cut-amplitude {cut:g} lies outside the --amplitude grid "
                       f"[{amplitudes.values.min():g}, {amplitudes.values.max():g}]")
    with _sweep_options(args, out) as sweep:
        ds = maps.lzsm_map(amplitudes, frequencies, device=device, **sweep)
    _require_finite_map(ds, "map")
    written = _save_map(ds, out, "lzsm_map")
    figures = {
        _MAP_FIGURES[0]: plotting.plot_probability_maps(ds),
        _MAP_FIGURES[1]: plotting.plot_error_map(ds, "chrw"),
        _MAP_FIGURES[2]: plotting.plot_approximation_cut(ds, cut),
    }
    for name, fig in figures.items():
        fig.savefig(out / name, dpi=120)
    summary = {
        f"fraction_below_1e-3_{var[6:]}": float((ds[var] < 1e-3).mean()) for var in ds.data_vars if var.startswith("error_")
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"wrote {', '.join(written + list(figures))} and summary.json in {out}"
          + (f" (axes A/2pi and omega/2pi in MHz, gap {args.gap_mhz:g} MHz)" if device else " (axes in units of the gap)"))
    for key, value in summary.items():
        print(f"  {key}: {value:.3f}")
    return 0


@_command("design")
def _design(args: argparse.Namespace) -> int:
    json_path = _check_writable(Path(args.json), "--json", args.force)
    if args.device:
        return _design_on_device(args, json_path)
    figure_path = _check_writable(json_path.with_suffix(".png"), "--json (its figure)", args.force)
    device = _design_device(args)
    if args.target in ("sqrt_bswap", "xy_entangler"):
        return _design_two_qubit(args, device, json_path)
    from . import design, plotting

    result = design.design_gate(args.target, device, rank=args.rank, variant=args.variant, n_refine=args.refine)
    print(f"target {result.target.name} (|V10| = {result.target.transition_amplitude:.6g}) on {device.name}: "
          f"{len(result.candidates)} operating points, ranked by {args.rank}; best {min(args.show, len(result))}:")
    print(result.table(args.show))
    print("columns: idle1/idle2 = free-evolution (idle) times before/after the drive period (not T1/T2); "
          "vz total = duration with the idles replaced by virtual-Z frame changes; err = gate error 1 - F")
    if result.optimality is not None:
        print("optimality: " + result.optimality.statement())
    best = result.best
    _check_error(best.exact_error, args, json_path, best.refined)
    phys = best.to_physical()
    print(
        f"\nbest{'' if best.refined else ' (unrefined)'}: A/2pi = {phys.amplitude_mhz:.4f} MHz, "
        f"f = {phys.frequency_mhz:.4f} MHz, idle before {phys.idle_before_ns:.3f} ns, one period {phys.period_ns:.3f} ns, "
        f"idle after {phys.idle_after_ns:.3f} ns (total {phys.duration_ns:.3f} ns; with virtual Z "
        f"{phys.duration_virtual_z_ns:.3f} ns, phases {phys.vz_before_rad:.4f}, {phys.vz_after_rad:.4f} rad), "
        f"exact gate error {best.exact_error:.1e}"
    )
    result.save(json_path)
    plotting.plot_design(result).savefig(figure_path, dpi=120)
    print(f"wrote {json_path} and the design summary figure {figure_path}")
    return 0


def _design_device(args: argparse.Namespace) -> Device:
    """The device of ``design``: the gap, and the drive bounds in gap units or (``--*-mhz``) in MHz."""
    mhz = args.gap_mhz

    def gap_units(value_gap: float, value_mhz: float | None, option: str) -> float:
        if value_mhz is None:
            return value_gap
        try:
            return _gap_multiple(str(value_mhz / mhz))
        except argparse.ArgumentTypeError as exc:
            raise CLIError(f"{option}: {value_mhz:g} MHz is {value_mhz / mhz:g} gaps; {exc}") from None

    lo = gap_units(args.min_frequency, args.min_frequency_mhz, "--min-frequency-mhz")
    hi = gap_units(args.max_frequency, args.max_frequency_mhz, "--max-frequency-mhz")
    if lo >= hi:
        low_opt = "--min-frequency-mhz" if args.min_frequency_mhz is not None else "--min-frequency"
        high_opt = "--max-frequency-mhz" if args.max_frequency_mhz is not None else "--max-frequency"
        raise CLIError(f"{low_opt} ({lo * mhz:g} MHz) must be below {high_opt} ({hi * mhz:g} MHz)")
    device = Device.from_gap(mhz, "MHz", max_amplitude=gap_units(args.max_amplitude, args.max_amplitude_mhz,
                                                                 "--max-amplitude-mhz"),
                             min_frequency=lo, max_frequency=hi, name=f"qubit-{mhz:g}MHz")
    print(f"bounds: A/2pi <= {device.max_amplitude * mhz:.4g} MHz, drive f in [{device.min_frequency * mhz:.4g}, "
          f"{device.max_frequency * mhz:.4g}] MHz (A <= {device.max_amplitude:g}, omega in [{device.min_frequency:g}, "
          f"{device.max_frequency:g}] in units of the {mhz:g} MHz gap)")
    return device


def _check_error(error: float, args: argparse.Namespace, json_path: Path, refined: bool = True) -> None:
    """Refuse (status 2, nothing written) a best point above --max-error; warn on an unrefined one."""
    if not math.isfinite(error) or error > args.max_error:
        raise CLIError(
            f"the best operating point has exact gate error {error:.2e} > --max-error {args.max_error:g} "
            f"({'refined' if refined else 'NOT refined'}); {json_path} was not written "
            "(raise --refine, widen the device limits, or relax --max-error)"
        )
    if not refined:
        print(f"lzsm-gates design: warning: the best operating point is NOT refined (--refine {args.refine}); "
              f"its exact gate error is {error:.2e}", file=sys.stderr)


def _design_two_qubit(args: argparse.Namespace, device: Device, json_path: Path) -> int:
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
    _check_error(d.exact_error, args, json_path)
    print(f"wrote {d.save(json_path)}")
    return 0


def _design_on_device(args: argparse.Namespace, json_path: Path) -> int:
    """``design --device file.toml``: N-level design on a fluxonium, leakage beside the error."""
    from .devices import design_multilevel
    from .devices.config import load_device

    spectrum = load_device(args.device)
    device = spectrum.device(max_amplitude=args.max_amplitude, min_frequency=args.min_frequency, max_frequency=args.max_frequency)
    result = design_multilevel(args.target, spectrum, device=device, n_refine=args.refine)
    print(f"target {result.target.name} on {spectrum.name}: gap {spectrum.gap_ghz * 1e3:.3f} MHz, "
          f"{spectrum.levels} levels, third level {spectrum.third_level():.3f} gaps above the qubit midpoint")
    print("\n".join(result.table().splitlines()[: args.show + 1]))
    two = result.two_level_best
    print(f"\ntwo-level design in the {spectrum.levels}-level model: total error {two.total_error:.2e}, "
          f"leakage {two.leakage:.2e}, {two.to_physical()['duration_ns']:.3f} ns")
    best = result.candidates[0]
    if not math.isfinite(best.total_error) or best.total_error > args.max_error:
        raise CLIError(
            f"the best {spectrum.levels}-level operating point has total error {best.total_error:.2e} (leakage "
            f"{best.leakage:.2e}) > --max-error {args.max_error:g}; {json_path} was not written "
            "(relax --max-error to accept it, or widen the device limits)"
        )
    json_path.write_text(json.dumps([c.to_physical() for c in result.candidates], indent=2))
    print(f"wrote {json_path}")
    return 0


@_command("cavity-map")
def _cavity_map(args: argparse.Namespace) -> int:
    from . import maps, plotting
    from .cavity import CavityParams

    out = _prepare_out(args, ["cavity_map.npz", "cavity_map.nc", "cavity_ess.png"])
    params = CavityParams(kappa=args.kappa, gamma=args.gamma, omega=args.omega, epsilon=args.epsilon,
                          omega_d=args.omega_d)
    print(f"cavity-map: kappa = {params.kappa:g}, gamma = {params.gamma:g}, omega = {params.omega:g}, "
          f"epsilon = {params.epsilon:g}, omega_d = {params.omega_d:g} (units of g1)")
    with _sweep_options(args, out) as sweep:
        ds = maps.cavity_map(_axis("g2", args.coupling), _axis("drive", args.drive), params, **sweep)
    _require_finite_map(ds, "cavity-map")
    written = _save_map(ds, out, "cavity_map")
    fig = plotting.plot_map(ds["concurrence"], label="$E_{ss}$",
                            title=f"steady-state concurrence, kappa = {params.kappa:g}, gamma = {params.gamma:g}")
    fig.axes[0].set_xlabel("$d/g_1$")
    fig.axes[0].set_ylabel("$g_2/g_1$")
    fig.savefig(out / "cavity_ess.png", dpi=120)
    print(f"wrote {', '.join(written)} and cavity_ess.png in {out}; max E_ss = {float(ds['concurrence'].max()):.3f}")
    return 0


@_command("o3l-map")
def _o3l_map(args: argparse.Namespace) -> int:
    from . import o3l, plotting

    out = _prepare_out(args, ["o3l_map.npz", "o3l_map.nc", "o3l_cinf.png"])
    params = _o3l_params(args)
    bath = (f"bath cutoff omega_c = {params.cutoff:g} omega (not given in the paper), kappa = {params.kappa:g}, "
            f"T_b = {params.temperature:g} omega, correlation = {params.correlation:g}, "
            f"{'secular' if args.secular else 'non-secular'} steady state")
    print(f"o3l-map: {bath}")
    with _sweep_options(args, out) as sweep:
        ds = o3l.map_amplitude_detuning(_axis("amplitude", args.amplitude).values, _axis("eps0", args.eps0).values,
                                        xi=args.xi, params=params, secular=args.secular, **sweep)
    _require_finite_map(ds, "o3l-map")
    written = _save_map(ds, out, "o3l_map")
    fig = plotting.plot_map(ds["C_inf"], vmin=0, vmax=1, label=r"$C_\infty$",
                            title=f"O3L $C_\\infty$, xi = {args.xi:g}, J = {params.J:g}, $\\omega_c$ = {params.cutoff:g}")
    fig.axes[0].set_xlabel(r"$\varepsilon_0/\omega$")
    fig.axes[0].set_ylabel(r"$A/\omega$")
    fig.savefig(out / "o3l_cinf.png", dpi=120)
    print(f"wrote {', '.join(written)} and o3l_cinf.png in {out}; max C_inf = {float(ds['C_inf'].max()):.3f} "
          f"(bath cutoff omega_c = {params.cutoff:g} omega)")
    return 0


def _o3l_params(args: argparse.Namespace) -> "O3LParams":  # noqa: F821 - imported lazily
    """The O3L model and bath parameters of the o3l-map options (units of omega)."""
    from .o3l.params import O3LParams

    return O3LParams(xi=args.xi, J=args.J, delta1=args.delta1, delta_ratio=args.delta2 / args.delta1,
                     kappa=args.kappa, temperature=args.temperature, cutoff=args.cutoff, correlation=args.correlation)


@_command("leakage-map")
def _leakage_map(args: argparse.Namespace) -> int:
    from . import plotting
    from .devices import leakage_map, load_device

    out = _prepare_out(args, ["leakage_map.npz", "leakage_map.nc", "leakage.png"])
    spectrum = load_device(args.device)
    model = spectrum.model(args.levels)
    with _sweep_options(args, out) as sweep:
        ds = leakage_map(model, _axis("A", args.amplitude).values, _axis("omega", args.frequency).values,
                         description=f"leakage map, {spectrum.name}, {model.dim} levels", **sweep)
    _require_finite_map(ds, "leakage-map")
    written = _save_map(ds, out, "leakage_map")
    fig = plotting.plot_map(ds["leakage"], log=True, vmin=1e-12, title=f"one-period leakage, {model.dim} levels", label="$L$")
    fig.savefig(out / "leakage.png", dpi=120)
    print(f"wrote {', '.join(written)} and leakage.png in {out} ({spectrum.name}: gap {spectrum.gap_ghz * 1e3:.3f} MHz, "
          f"{model.dim} levels); max leakage {float(ds['leakage'].max()):.2e}")
    return 0


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


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (raised as CLIError, printed by main)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CLIError(f"{message} (see {self.prog} --help)")


def _output_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true", help="overwrite existing output files")


def _map_parser(
    sub: argparse._SubParsersAction, name: str, help_text: str, out: str, *grids: tuple[str, str, tuple, str]
) -> argparse.ArgumentParser:
    """A map subcommand: its grids (START STOP NUM) and the shared --out, --resume, --quiet, --force, --allow-large."""
    p = sub.add_parser(name, help=help_text)
    for flag, domain, default, what in grids:
        shown = "" if default is None else f"; default {' '.join(f'{v:g}' for v in default)}"
        p.add_argument(flag, nargs=3, default=default, metavar=("START", "STOP", "NUM"), action=_grid_action(domain),
                       help=f"{what} (values {_GRID_DOMAINS[domain][1]}{shown})")
    p.add_argument("--out", default=out, help="output folder (created if missing)")
    p.add_argument("--resume", action="store_true", help="checkpoint chunks in OUT/checkpoint and resume from them")
    p.add_argument("--restart", action="store_true",
                   help="discard OUT/checkpoint (e.g. of a sweep with other settings) and start a new checkpointed run")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--allow-large", action="store_true", help="run even above the cost limits (points, steps, memory)")
    p.add_argument("--chunk-size", type=_integer(1), default=None, metavar="N",
                   help="grid points per task and per checkpoint file (default: the map's own; keep it when resuming)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_integer(1, MAX_LOCAL_WORKERS), default=1, metavar="N",
                       help="local worker processes (default 1: in-process)")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="address of a running Dask scheduler, e.g. tcp://host:8786 (needs lzsm_gates[dask])")
    p.add_argument("--connect-timeout", type=_positive_in(0.0, 3600.0), default=10.0, metavar="SECONDS",
                   help="seconds to wait for --scheduler (default 10)")
    _output_flags(p)
    return p


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="lzsm-gates", description="Fast LZSM gates on small-gap qubits.")
    parser.add_argument("--version", action="version", version=f"lzsm-gates {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    gap = DEFAULT_DEVICE.gap_hz / 1e6

    d = sub.add_parser("design", help="operating points of a gate (amplitude, frequency, idles) in physical units",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    d.add_argument("--target", type=_target, default="h",
                   help="x, y, z, h, sx, sxdg, s, sdg, t, tdg, id, U angles 'theta,phi,lambda', "
                   "or the two-qubit sqrt_bswap / xy_entangler")
    d.add_argument("--gap-mhz", type=_gap_mhz, default=gap, help="qubit gap Delta/2pi in MHz")
    d.add_argument("--gap2-mhz", type=_gap_mhz, default=None, help="second qubit's gap in MHz (two-qubit targets; default: equal)")
    d.add_argument("--max-amplitude", type=_gap_multiple, default=DEFAULT_DEVICE.max_amplitude,
                   help="largest A in units of the gap")
    d.add_argument("--min-frequency", type=_gap_multiple, default=DEFAULT_DEVICE.min_frequency,
                   help="smallest omega in units of the gap")
    d.add_argument("--max-frequency", type=_gap_multiple, default=DEFAULT_DEVICE.max_frequency,
                   help="largest omega in units of the gap")
    d.add_argument("--max-amplitude-mhz", type=_positive, default=None, help="largest A/2pi in MHz (overrides --max-amplitude)")
    d.add_argument("--min-frequency-mhz", type=_positive, default=None, help="smallest drive f in MHz (overrides --min-frequency)")
    d.add_argument("--max-frequency-mhz", type=_positive, default=None, help="largest drive f in MHz (overrides --max-frequency)")
    d.add_argument("--rank", default="duration", choices=["duration", "approximation", "robustness"], help="ranking criterion")
    d.add_argument("--variant", default="idle", choices=["idle", "virtual_z"],
                   help="duration with real idles, or with the idles replaced by virtual-Z frame changes")
    d.add_argument("--refine", type=_integer(0, 1000), default=3,
                   help="0: CHRW proposals only; else the minimum number of continuous optimisations")
    d.add_argument("--show", type=_integer(1), default=10, help="rows of the table")
    d.add_argument("--max-error", type=_positive, default=1e-8,
                   help="fail (no file written) if the best point's exact gate error exceeds this")
    d.add_argument("--json", default="design.json", help="output JSON file (the summary figure goes beside it as .png)")
    d.add_argument("--device", default=None,
                   help="fluxonium TOML file (EJ, EC, EL in GHz, flux, cutoff, N): N-level design, leakage beside the error")
    _output_flags(d)

    p = _map_parser(sub, "map", "P(A, omega) maps, approximation errors and their figures", "lzsm_map_out",
                    ("--amplitude", "finite", None, "amplitude grid A/Delta, or A/2pi in MHz with --gap-mhz (default 0.1 8 160 gaps)"),
                    ("--frequency", "positive", None, "frequency grid omega/Delta, or omega/2pi in MHz with --gap-mhz (default 0.5 8 160 gaps)"))
    p.add_argument("--cut-amplitude", type=_number, default=None,
                   help="amplitude of the Fig. 8 cut, in the grid's units (default 2 gaps)")
    p.add_argument("--gap-mhz", type=_gap_mhz, default=None,
                   help="qubit gap Delta/2pi in MHz: grids and results in MHz (lab units)")

    o = _map_parser(sub, "o3l-map", "steady-state concurrence C_inf(A, eps0) of the O3L protocol (O3L paper Fig. 2)",
                    "o3l_map_out", ("--amplitude", "nonnegative", (0.0, 6.0, 61), "amplitude grid A/omega"),
                    ("--eps0", "finite", (0.0, 6.0, 61), "detuning grid eps0/omega"))
    from .o3l.params import O3LParams

    paper = O3LParams()  # the paper's values (the cutoff is ours: not given in the paper)
    o.add_argument("--xi", type=_nonnegative, default=0.1, help="bath asymmetry gamma2/gamma1 (default 0.1)")
    o.add_argument("--J", type=_number, default=paper.J, help=f"qubit-qubit coupling J/omega (default {paper.J:g})")
    o.add_argument("--delta1", type=_positive, default=paper.delta1,
                   help=f"gap Delta_1/omega of qubit 1 (default {paper.delta1:g})")
    o.add_argument("--delta2", type=_positive, default=paper.delta2,
                   help=f"gap Delta_2/omega of qubit 2 (default {paper.delta2:g})")
    o.add_argument("--kappa", type=_positive, default=paper.kappa, help=f"Ohmic bath coupling kappa (default {paper.kappa:g})")
    o.add_argument("--temperature", type=_nonnegative, default=paper.temperature,
                   help=f"bath temperature k_B T_b/(hbar omega), 0 allowed (default {paper.temperature:g})")
    o.add_argument("--cutoff", type=_positive, default=paper.cutoff,
                   help=f"Ohmic bath cutoff omega_c/omega (not given in the paper; default {paper.cutoff:g})")
    o.add_argument("--correlation", type=_number_in(-1.0, 1.0), default=paper.correlation,
                   help="correlation of the two qubits' baths in [-1, 1]: 1 one common bath (default), 0 independent")
    o.add_argument("--non-secular", dest="secular", action="store_false",
                   help="steady state of the non-secular Q = 0 Floquet-Redfield tensor (default: secular rate equation)")
    k = _map_parser(sub, "cavity-map", "steady-state concurrence E_ss(g2/g1, d) of the cavity protocol (cavity paper Fig. 3)",
                    "cavity_map_out", ("--coupling", "positive", (0.1, 1.0, 46), "g2/g1 grid"),
                    ("--drive", "nonnegative", (0.002, 0.016, 36), "drive d/g1 grid"))
    from .cavity import CavityParams

    cavity = CavityParams()  # the paper's values
    k.add_argument("--kappa", type=_nonnegative, default=cavity.kappa,
                   help=f"cavity decay rate kappa/g1 (default {cavity.kappa:g})")
    k.add_argument("--gamma", type=_nonnegative, default=cavity.gamma,
                   help=f"qubit decay rate gamma/g1 (default {cavity.gamma:g})")
    k.add_argument("--omega", type=_positive, default=cavity.omega, help=f"cavity frequency omega/g1 (default {cavity.omega:g})")
    k.add_argument("--epsilon", "--eps", dest="epsilon", type=_positive, default=cavity.epsilon,
                   help=f"qubit transition frequency epsilon/g1 (default {cavity.epsilon:g})")
    k.add_argument("--omega-d", type=_positive, default=cavity.omega_d,
                   help=f"drive frequency omega_d/g1 (default {cavity.omega_d:g})")

    k = _map_parser(sub, "leakage-map", "one-period leakage L(A, omega) of a multi-level device (fluxonium TOML file)",
                    "leakage_map_out", ("--amplitude", "positive", (0.1, 6.0, 60), "amplitude grid A/Delta"),
                    ("--frequency", "positive", (0.5, 6.0, 60), "frequency grid omega/Delta"))
    k.add_argument("--device", required=True, metavar="FILE", help="fluxonium TOML file (EJ, EC, EL in GHz, flux, cutoff, N)")
    k.add_argument("--levels", type=_integer(2), default=None, help="levels of the model (default: N of the file)")

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


def _one_line(message: Any) -> str:
    return " ".join(str(message).split())


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
