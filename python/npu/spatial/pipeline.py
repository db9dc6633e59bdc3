"""The spatial pipeline as one call: level 1/2 -> level 4, verified between passes, timed per pass.

    from npu.spatial import lower_module, LowerOptions
    module = lower_module(module, target, LowerOptions(strategy="weight-stationary"))

runs npu-drop-dead (ops whose results nothing reads are erased), npu-fold-empty
(ops on empty tensors become constants), npu-decompose (ops
without a spatial rule rewritten into ops with one),
npu-tile, npu-place, npu-lower-to-pe, then ALLOC's npu-schedule, npu-alloc-sram,
npu-alloc-ext and npu-check-races when they are registered (and enabled in the
options), on the module in place. Scheduling comes before SRAM allocation: a
prefetched buffer can then take fresh bytes, where after allocation it could
not start before the last read of the buffer whose bytes it was given (measured
with npu.perf in docs/spatial.md; npu-schedule keeps its order only when the
buffers still pack, so allocation cannot fail because of it). After every pass the module
is verified (MLIR's verifier, then npu's Python verifiers against the target);
the first failure raises one NpuError line naming the op's location and the
broken expectation (npu's verifiers are not re-run after a pass that only reads
the module, `READ_ONLY_PASSES`). `lower_module_stats` also returns a `PassStat` per pass:
wall time and the process's peak resident memory (`ru_maxrss`) after it and
how much the pass raised it.
"""

from __future__ import annotations

import contextlib
import gc
import resource
import time
from dataclasses import dataclass

from mlir import ir

import npu.passes as registry
from npu.errors import NpuError
from npu.ir.diagnostics import DiagnosticCollector
from npu.ir.pass_base import PassEnv
from npu.ir.pipeline import Step
from npu.ir.verify import verify_ops

LOWER_PASSES = ("npu-drop-dead", "npu-fold-empty", "npu-decompose", "npu-tile", "npu-place", "npu-lower-to-pe")
ALLOC_PASSES = ("npu-schedule", "npu-alloc-sram", "npu-alloc-ext", "npu-check-races")
# Passes that only read the module (they report, never rewrite): the module after them is the one
# npu's verifiers passed after the previous pass, so they are not run again (MLIR's own verifier
# still is). test_spatial_compile_time checks the module text is unchanged by each of them.
READ_ONLY_PASSES = frozenset({"npu-check-races"})


@dataclass(frozen=True)
class LowerOptions:
    strategy: str = "output-stationary"  # npu-place strategy
    multicast: bool = True  # share weight blocks by NoC multicast where the target has it
    double_buffer: bool = True  # tile working sets use half the SRAM
    allocate: bool = True  # run npu-alloc-sram and npu-alloc-ext when registered
    schedule: bool = True  # run npu-schedule when registered
    check_races: bool = True  # run npu-check-races when registered
    verify: bool = True  # verify after every pass
    pause_gc: bool = True  # no cyclic garbage collection inside a pass
    stop_after: str | None = None  # a pass name: stop once it has run
    fuse_dequant: bool = True  # int4 weights dequantized inside their layer (False: the dequantize is its own layer)


@dataclass
class PassStat:
    name: str
    seconds: float
    peak_rss_kb: int  # process high-water mark after the pass
    rss_growth_kb: int  # how much this pass raised the high-water mark
    ops: int = 0  # ops in the module after the pass

    def as_dict(self) -> dict:
        return {"pass": self.name, "seconds": round(self.seconds, 4), "peak_rss_mb": round(self.peak_rss_kb / 1024, 1),
                "rss_growth_mb": round(self.rss_growth_kb / 1024, 1), "ops": self.ops}


def pipeline_passes(options: LowerOptions) -> list[str]:
    """Pass names with their options, in order (ALLOC's only when registered)."""
    db = "true" if options.double_buffer else "false"
    steps = ["npu-drop-dead", "npu-fold-empty", "npu-decompose",
             f"npu-tile{{double-buffer={db}" + ("" if options.fuse_dequant else " fuse-dequant=false") + "}",
             f"npu-place{{strategy={options.strategy} double-buffer={db}}}",
             f"npu-lower-to-pe{{multicast={'true' if options.multicast else 'false'} double-buffer={db}}}"]
    wanted = {"npu-alloc-sram": options.allocate, "npu-alloc-ext": options.allocate,
              "npu-schedule": options.schedule, "npu-check-races": options.check_races}
    steps += [name for name in ALLOC_PASSES if wanted[name] and registry.is_registered(name)]
    return steps


def _count_ops(module: ir.Module) -> int:
    count = 0
    for op in module.body.operations:
        op = op.operation
        count += 1
        if op.name == "func.func":
            count += len(op.regions[0].blocks[0].operations)
    return count


def lower_module_stats(module: ir.Module, target, options: LowerOptions | None = None,
                       count_ops: bool = False) -> tuple[ir.Module, list[PassStat]]:
    from npu.ir.pipeline import parse_element

    options = options or LowerOptions()
    env = PassEnv(target=target)
    stats: list[PassStat] = []
    ctx = module.context
    with ctx, ir.Location.unknown(), DiagnosticCollector(ctx) as collector:
        for text in pipeline_passes(options):
            step: Step = parse_element(text)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            start = time.perf_counter()
            with _gc_paused(options.pause_gc):
                try:
                    step.run(module, env, verify=options.verify)
                except ir.MLIRError as err:
                    for diag in err.error_diagnostics:
                        collector.add(diag)
                    _raise(step.name, collector)
                if options.verify and step.name not in READ_ONLY_PASSES and not verify_ops(module.operation, target):
                    _raise(step.name, collector)
            seconds = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            stats.append(PassStat(step.name, seconds, after, after - before, _count_ops(module) if count_ops else 0))
            if options.stop_after == step.name:
                break
    return module, stats


@contextlib.contextmanager
def _gc_paused(pause: bool):
    """Python's cyclic collector off for the duration of a pass.

    A pass over a large module allocates millions of small objects (the access
    model of every PE program, MLIR handles) that stay alive until it ends; each
    automatic collection re-traverses all of them, which measured 40-50% of the
    access model's construction time on a 175 000-op module. They hold no
    garbage cycles worth collecting early. Re-enabled afterwards, the collector
    runs on its own thresholds (a forced full collection after every pass cost
    ~25 ms each, which dominated lowering one-op graphs)."""
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def lower_module(module: ir.Module, target, options: LowerOptions | None = None) -> ir.Module:
    """Lower `module` (level 1/2) to level 4 for `target` in place and return it (see the module docstring)."""
    return lower_module_stats(module, target, options)[0]


def _raise(name: str, collector: DiagnosticCollector):
    errors = collector.errors or collector.diags
    if errors:
        first = errors[0]
        raise NpuError(f"{first.where}: error: {first.message}")
    raise NpuError(f"{name} failed")
