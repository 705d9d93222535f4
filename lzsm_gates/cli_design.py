r"""The ``design`` subcommand of ``lzsm-gates``: operating points of a target gate on a device.

Single-qubit targets through :func:`lzsm_gates.design.design_gate` (a
table in physical units, JSON and a summary figure), the two-qubit
``sqrt_bswap`` and ``xy_entangler``, and the N-level design on a fluxonium
TOML file (``--device``).  A best point above ``--max-error`` writes nothing
and exits with status 2.  The design modules are imported inside the
subcommand, so that ``lzsm-gates --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from .cli_common import (
    CLIError,
    _check_writable,
    _command,
    _gap_mhz,
    _gap_multiple,
    _integer,
    _number,
    _output_flags,
    _positive,
)
from .units import DEFAULT_DEVICE, Device

__all__: list[str] = []


def _target(text: str) -> str | tuple[float, ...]:
    """A gate name, or U angles 'theta,phi,lambda'."""
    if "," not in text:
        return text
    parts = text.split(",")
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"U angles must be three numbers 'theta,phi,lambda', got {text!r}")
    return tuple(_number(part) for part in parts)


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


def _add_design_parser(sub: argparse._SubParsersAction, gap: float) -> None:
    """The parser of ``design`` (``gap``: the default gap in MHz)."""
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
