"""npu-opt: parse npu IR, run a pipeline of Python and upstream passes, print.

Behaves like mlir-opt: input file or stdin, `-o`, `--pass-pipeline=` or one
flag per pass (`--npu-fold-reshape`, `--canonicalize`, `--cse="..."`),
`--split-input-file`, `--verify-diagnostics`, `--mlir-print-ir-after-all`,
`--mlir-print-ir-before=`/`-after=`, `--mlir-timing`, `--target=`. The IR is
verified (MLIR + npu's Python verifiers) after parsing and after every pass.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field

from mlir import ir

import npu.passes as registry
from npu.errors import NpuError
from npu.ir import expected_diagnostics
from npu.ir.context import make_context
from npu.ir.diagnostics import Diag, DiagnosticCollector
from npu.ir.pass_base import PassEnv
from npu.ir.pipeline import Step, parse_element, parse_pipeline
from npu.ir.verify import verify_ops
from npu.tools.common import read_input, run_main, write_atomically

SPLIT_MARKER = "// -----"


def pass_help() -> str:
    """The `--help` epilog: every registered pass with its summary and options."""
    lines = ["npu passes (use as --<name>[=\"opt=value ...\"] or inside --pass-pipeline):"]
    for cls in registry.all_pass_classes():
        lines.append(f"  --{cls.NAME:<28} {cls.SUMMARY}")
        for opt in cls.options():
            kind = opt.type if isinstance(opt.type, str) else opt.type.__name__
            lines.append(f"      {opt.name.replace('_', '-')}={kind:<10} default: {opt.default!r}")
    lines.append("Upstream MLIR passes (canonicalize, cse, symbol-dce, inline, ...) are accepted too.")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="npu-opt",
        description="Parse, verify, transform and print npu MLIR (like mlir-opt).",
        epilog=pass_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", nargs="?", default="-", help="input .mlir file ('-' for stdin)")
    p.add_argument("-o", dest="output", default="-", help="output file ('-' for stdout)")
    p.add_argument("--pass-pipeline", help="textual pipeline, e.g. 'builtin.module(npu-verify,cse)'")
    p.add_argument("--target", help="target preset name or TOML file (for target-aware passes and verifiers)")
    p.add_argument("--split-input-file", action="store_true", help="split the input at '// -----' lines")
    p.add_argument("--verify-diagnostics", action="store_true", help="check diagnostics against expected-* comments")
    p.add_argument("--disable-verify", action="store_true", help="do not verify the IR after each pass")
    p.add_argument("--mlir-print-ir-after-all", action="store_true")
    p.add_argument("--mlir-print-ir-before-all", action="store_true")
    p.add_argument("--mlir-print-ir-after", default="", help="comma-separated pass names")
    p.add_argument("--mlir-print-ir-before", default="", help="comma-separated pass names")
    p.add_argument("--mlir-timing", action="store_true", help="print wall time per pass to stderr")
    p.add_argument("--mlir-print-debuginfo", action="store_true", help="print locations")
    p.add_argument("--allow-unregistered-dialect", action="store_true")
    return p


def steps_from_flags(extra: list[str]) -> list[Step]:
    """Turn leftover `--name[=options]` flags into pipeline steps, in order."""
    steps = []
    for flag in extra:
        if not flag.startswith("-") or flag in ("-", "--"):
            raise NpuError(f"unexpected argument '{flag}'")
        name, _, opts = flag.lstrip("-").partition("=")
        if registry.is_registered(name):
            steps.append(parse_element(f"{name}{{{opts}}}" if opts else name))
        else:
            try:
                steps.append(parse_element(f"{name}{{{opts}}}" if opts else name))
            except NpuError:
                raise NpuError(f"unknown option or pass '--{name}' (see npu-opt --help)") from None
    return steps


@dataclass
class Timings:
    rows: list[tuple[str, float]] = field(default_factory=list)

    def add(self, name: str, seconds: float) -> None:
        self.rows.append((name, seconds))

    def report(self) -> str:
        total = sum(s for _, s in self.rows) or 1e-12
        out = [
            "===" + "-" * 73 + "===",
            "                         ... Execution time report ...",
            "===" + "-" * 73 + "===",
            f"  Total Execution Time: {total:.4f} seconds",
            "",
            "  ----Wall Time----  ----Name----",
        ]
        for name, s in self.rows:
            out.append(f"  {s:8.4f} ({100 * s / total:5.1f}%)  {name}")
        out.append(f"  {total:8.4f} (100.0%)  Total")
        return "\n".join(out)


@dataclass
class Options:
    args: argparse.Namespace
    steps: list[Step]
    target: object | None

    def prints_before(self, name: str) -> bool:
        return self.args.mlir_print_ir_before_all or name in self.args.mlir_print_ir_before.split(",")

    def prints_after(self, name: str) -> bool:
        return self.args.mlir_print_ir_after_all or name in self.args.mlir_print_ir_after.split(",")


def render(module: ir.Module, debuginfo: bool) -> str:
    return module.operation.get_asm(enable_debug_info=debuginfo, assume_verified=True)


def process_chunk(text: str, first_line: int, opts: Options, source: str, timings: Timings):
    """Run one input chunk. Returns (output IR or None, diagnostics)."""
    ctx = make_context(allow_unregistered=opts.args.allow_unregistered_dialect)
    padded = "\n" * (first_line - 1) + text  # keep the file's line numbers in locations
    env = PassEnv(target=opts.target)
    with ctx, ir.Location.unknown(), DiagnosticCollector(ctx, source) as collector:
        try:
            start = time.perf_counter()
            module = ir.Module.parse(padded)
            timings.add("Parser", time.perf_counter() - start)
            if not verify_ops(module.operation, opts.target):
                return None, collector.diags
            for step in opts.steps:
                if opts.prints_before(step.name):
                    sys.stderr.write(f"// -----// IR Dump Before {step.name} //----- //\n{render(module, False)}\n")
                start = time.perf_counter()
                step.run(module, env, verify=not opts.args.disable_verify)
                if not opts.args.disable_verify and not verify_ops(module.operation, opts.target):
                    return None, collector.diags
                timings.add(step.name, time.perf_counter() - start)
                if opts.prints_after(step.name):
                    sys.stderr.write(f"// -----// IR Dump After {step.name} //----- //\n{render(module, False)}\n")
            start = time.perf_counter()
            output = render(module, opts.args.mlir_print_debuginfo)
            timings.add("Output", time.perf_counter() - start)
            return output, collector.diags
        except ir.MLIRError as err:
            for diag in err.error_diagnostics:
                collector.add(diag)
            return None, _dedupe(collector.diags)


def _dedupe(diags: list[Diag]) -> list[Diag]:
    seen, out = set(), []
    for d in diags:
        if (d.where, d.message) not in seen:
            seen.add((d.where, d.message))
            out.append(d)
    return out


def split_chunks(text: str, split: bool) -> list[tuple[str, int]]:
    """(chunk text, first line number) pairs."""
    if not split:
        return [(text, 1)]
    chunks, current, first = [], [], 1
    for lineno, line in enumerate(text.splitlines(keepends=True), start=1):
        if line.strip() == SPLIT_MARKER:
            chunks.append(("".join(current), first))
            current, first = [], lineno + 1
        else:
            current.append(line)
    chunks.append(("".join(current), first))
    return chunks


def load_target_arg(spec: str | None):
    if not spec:
        return None
    from npu.target import TargetError, load_target

    try:
        return load_target(spec)
    except TargetError as err:
        raise NpuError(str(err)) from None


def run(argv: list[str] | None = None) -> int:
    args, extra = build_parser().parse_known_args(argv)
    if args.pass_pipeline and extra:
        raise NpuError("use either --pass-pipeline or individual pass flags, not both")
    steps = parse_pipeline(args.pass_pipeline) if args.pass_pipeline else steps_from_flags(extra)
    opts = Options(args, steps, load_target_arg(args.target))
    source = args.input if args.input != "-" else "<stdin>"
    text = read_input(args.input)
    timings = Timings()
    outputs, failed = [], False
    for chunk, first_line in split_chunks(text, args.split_input_file):
        output, diags = process_chunk(chunk, first_line, opts, source, timings)
        if args.verify_diagnostics:
            expected = expected_diagnostics.parse_expectations(chunk, first_line)
            problems = expected_diagnostics.check(expected, diags, source)
            for problem in problems:
                print(problem, file=sys.stderr)
            failed |= bool(problems)
        else:
            for diag in diags:
                print(diag, file=sys.stderr)
            if output is None:
                failed = True
        if output is not None:
            outputs.append(output)
    if args.mlir_timing:
        print(timings.report(), file=sys.stderr)
    if failed:
        return 1
    write_atomically(args.output, f"\n{SPLIT_MARKER}\n".join(outputs) + "\n")
    return 0


def main() -> None:
    sys.exit(run_main("npu-opt", run))


if __name__ == "__main__":
    main()
