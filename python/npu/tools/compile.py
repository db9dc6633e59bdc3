"""npu-compile: ONNX model -> .npubin for a target, with a progress line per stage and a summary.

  npu-compile model.onnx -o model.npubin --target PRESET|FILE [--quant SCHEME --calib DIR]
              [--report out.json] [--emit=level1|level2|level4|binary]

Stages (npu.api.build): import -> quantize (with --quant) -> lower (tile, place,
PE programs, SRAM/external allocation, schedule, race check) -> predict (the
performance model's cycles and energy, when npu.perf is present) -> encode.
`--emit` stops after a stage and writes its MLIR instead of the binary. Each
stage prints one progress line on stderr; the summary (graph ops, PEs used,
instructions, SRAM peak, sizes, predicted cycles/energy) goes to stdout, or to stderr when the output
itself goes to stdout. Any bad input is one line on stderr, exit 1, and
nothing is written (neither the output nor the report).
"""

from __future__ import annotations

import argparse
import json
import sys

from npu.errors import NpuError
from npu.tools.common import run_main, write_atomically


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="npu-compile", description="Compile an ONNX model to a .npubin.")
    p.add_argument("model", help="ONNX model")
    p.add_argument("-o", dest="output", required=True, help="output file ('-' for stdout)")
    p.add_argument("--target", required=True, metavar="PRESET|FILE", help="target preset name or TOML file")
    p.add_argument("--quant", metavar="SCHEME", help="quantize first (int8, int4, fp8e4m3, fp8e5m2, bf16, fp16, ...)")
    p.add_argument("--calib", metavar="DIR", help="calibration inputs (.npz/.npy files) for --quant")
    p.add_argument("--report", metavar="FILE.json", help="write the compile report as JSON")
    p.add_argument("--emit", choices=("level1", "level2", "level4", "binary"), default="binary",
                   help="stop after this stage and write its output (default: binary)")
    p.add_argument("--mlir-print-debuginfo", action="store_true", help="--emit=level*: print locations")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    return p


def _progress(quiet: bool):
    from npu.api import STAGES

    def on_stage(name: str, detail: str) -> None:
        if not quiet:
            print(f"npu-compile: [{STAGES.index(name) + 1}/{len(STAGES)}] {name}: {detail}", file=sys.stderr,
                  flush=True)

    return on_stage


def summary(report: dict, output: str) -> list[str]:
    """The summary lines: only figures the report holds (nothing estimated)."""
    b = report.get("binary")
    lines = [f"{report['model']} -> {output} for target '{report['target']}'"
             + (f", quantized {report['quant']}" if report.get("quant") else "")]
    ops = f"graph: {report['graph_ops']} ops (level 1)"
    if "quantized_ops" in report:
        ops += f", {report['quantized_ops']} ops (level 2)"
    lines.append(ops)
    if b:
        lines.append(f"level 4: {b['pes_used']} of {b['pes_total']} PEs used, {b['instructions']} instructions")
        pe = b["sram_peak_pe"]
        where = f" (PE ({pe[0]}, {pe[1]}))" if pe else ""
        lines.append(f"SRAM peak: {b['sram_peak_bytes']} of {b['sram_bytes_per_pe']} bytes per PE{where}")
        lines.append(f"external memory: {b['external_bytes']} bytes, weights {b['weights_bytes']} bytes")
        lines.append(f"binary: {b['bytes']} bytes")
    perf = report.get("performance")
    if perf and "cycles" in perf:
        lines.append(f"predicted (npu.perf): {perf['cycles']:,.0f} cycles = {perf['seconds'] * 1e6:.1f} us, "
                     f"{perf['energy_uj']:.2f} uJ, matrix utilization {100 * perf['matrix_utilization']:.1f}%")
    total = sum(s["seconds"] for s in report["stages"])
    lines.append(f"compile time: {total:.2f} s (" + ", ".join(f"{s['stage']} {s['seconds']:.2f} s"
                                                          for s in report["stages"]) + ")")
    return lines


def run(argv: list[str] | None = None) -> int:
    from npu.api import Artifact, build
    from npu.target import load_target

    args = build_parser().parse_args(argv)
    if args.calib and not args.quant:
        raise NpuError("--calib is only used with --quant")
    target = load_target(args.target)
    result, report = build(args.model, target, quant=args.quant, calibration=args.calib, emit=args.emit,
                           on_stage=_progress(args.quiet))
    if args.emit == "binary":
        report = Artifact(result, report, target=target).report  # loaded back: what is written is checked
        payload: bytes | str = result
    else:
        payload = result.operation.get_asm(enable_debug_info=args.mlir_print_debuginfo, assume_verified=True) + "\n"
    report_text = json.dumps(report, indent=2, default=str) + "\n" if args.report else None
    write_atomically(args.output, payload)
    if report_text is not None:
        write_atomically(args.report, report_text)
    out = sys.stderr if args.output == "-" else sys.stdout
    for line in summary(report, args.output):
        print(line, file=out)
    return 0


def main() -> None:
    sys.exit(run_main("npu-compile", run))


if __name__ == "__main__":
    main()
