r"""The map subcommands of ``lzsm-gates``: ``map``, ``o3l-map``, ``cavity-map`` and ``leakage-map``.

What they share lives here too: the grid option ``--name START STOP NUM``
(validated into a ``(start, stop, num)`` tuple), the output folder checked
before any work, the sweep options (checkpoint, ``--resume``/``--restart``,
chunk size, the executor of ``--workers``/``--scheduler``), the refusal of a
map with failed (NaN) points and the writing of the map data (``.npz`` and
netCDF).  The maps, plotting and sweep modules are imported inside the
subcommands, so that ``lzsm-gates --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import numpy as np

from .cli_common import (
    CLIError,
    _check_writable,
    _command,
    _gap_mhz,
    _integer,
    _nonnegative,
    _number,
    _number_in,
    _one_line,
    _output_flags,
    _positive,
    _positive_in,
)
from .executors import MAX_LOCAL_WORKERS, sweep_executor
from .units import Device, LZSMInputError

if TYPE_CHECKING:
    from .sweeps import Axis

__all__: list[str] = []

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


# --------------------------------------------------------------------------- parsers


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


def _add_map_parsers(sub: argparse._SubParsersAction) -> None:
    """The parsers of the map subcommands, in the order of ``lzsm-gates --help``."""
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
