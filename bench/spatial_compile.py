"""Benchmark: compile time and memory of the spatial pipeline per pass, level-4 interpretation slowdown.

    .venv/bin/python bench/spatial_compile.py                 # digits models x presets, ResNet-50 light on 8x8
    .venv/bin/python bench/spatial_compile.py --run           # also run level 4 vs the golden interpreter
    .venv/bin/python bench/spatial_compile.py --tracemalloc   # also Python heap peak per pass (slower)

For each (model, target) it imports the model, lowers it with npu.spatial.lower_module_stats
(npu-tile, npu-place, npu-lower-to-pe, then ALLOC's passes when registered) and records, per pass,
wall seconds, the process's peak RSS after the pass and how much the pass raised it, the module's
op count, and optionally the tracemalloc peak; with --run, the golden and level-4 run times, their
ratio and the largest output difference. Writes bench/results/spatial_compile.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
LIGHT = ROOT / ".venv/lib/python3.11/site-packages/onnx/backend/test/data/light"
DIGITS = ROOT / "examples/digits"

CASES = [
    ("digits_cnn", "edge-lpddr"), ("digits_cnn", "datacenter-hbm"), ("digits_cnn", "large-inference"),
    ("digits_transformer", "edge-lpddr"), ("digits_transformer", "datacenter-hbm"),
    ("digits_transformer", "large-inference"),
    ("digits_cnn_int8", "edge-lpddr"), ("digits_cnn_int8", "datacenter-hbm"),
    ("digits_transformer_int8", "edge-lpddr"), ("digits_transformer_int8", "datacenter-hbm"),
    ("digits_transformer_int8", "large-inference"),
    ("digits_cnn_fp8", "edge-lpddr"), ("digits_cnn_bf16", "datacenter-hbm"),
    ("light_resnet50", "datacenter-hbm"),
]
SCHEMES = ("int8", "fp8", "bf16")


def load(name: str, ctx):
    from npu.onnx.importer import import_model

    model, _, scheme = name.rpartition("_")
    if scheme in SCHEMES:  # quantized (level 2): integer softmax / layer norm, low-precision float layers
        import npu.quant as quant

        shape = (1, 8, 8) if "transformer" in model else (1, 1, 8, 8)
        calib = [{"input": np.load(f)["input"].reshape(shape)} for f in sorted((DIGITS / "calib").glob("*.npz"))]
        module, _ = quant.quantize(str(DIGITS / f"{model}.onnx"), calib, scheme)
        return module
    path = LIGHT / f"{name}.onnx" if name.startswith("light_") else DIGITS / f"{name}.onnx"
    return import_model(str(path), context=ctx)


def inputs_for(module, seed: int = 0) -> dict:
    from npu.interp.executor import Program

    rng = np.random.default_rng(seed)
    out = {}
    for spec in Program(module).inputs:
        if np.issubdtype(spec.dtype, np.floating):
            out[spec.name] = rng.standard_normal(spec.shape).astype(spec.dtype)
        else:
            out[spec.name] = rng.integers(-128, 128, spec.shape).astype(spec.dtype)
    return out


class _Traced:
    """lower_module_stats with the tracemalloc peak of each pass (wraps the pass runner)."""

    def __init__(self):
        self.peaks: list[int] = []

    def __enter__(self):
        from npu.ir import pipeline

        self._orig = pipeline.Step.run
        peaks = self.peaks

        def run(step, module, env, verify=True):
            tracemalloc.start()
            try:
                return self._orig(step, module, env, verify)
            finally:
                peaks.append(tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()

        pipeline.Step.run = run
        return self

    def __exit__(self, *exc):
        from npu.ir import pipeline

        pipeline.Step.run = self._orig


def bench_case(model: str, preset: str, run: bool, traced: bool) -> dict:
    import npu.spatial as spatial
    from npu.interp.executor import Program
    from npu.interp.level4 import run_level4
    from npu.ir.context import make_context
    from npu.target import load_target

    ctx = make_context()
    start = time.perf_counter()
    module = load(model, ctx)
    record = {"model": model, "target": preset, "import_seconds": round(time.perf_counter() - start, 3)}
    inputs = inputs_for(module) if run else None
    golden = None
    if run:
        start = time.perf_counter()
        golden = Program(module).run(inputs)
        record["golden_seconds"] = round(time.perf_counter() - start, 4)
    target = load_target(preset)
    tracer = _Traced() if traced else None
    start = time.perf_counter()
    try:
        if tracer:
            with tracer:
                lowered, stats = spatial.lower_module_stats(module, target, count_ops=True)
        else:
            lowered, stats = spatial.lower_module_stats(module, target, count_ops=True)
    except Exception as err:  # record the failure and go on with the other cases
        record["error"] = f"{type(err).__name__}: {err}"
        return record
    record["compile_seconds"] = round(time.perf_counter() - start, 3)
    record["passes"] = [s.as_dict() for s in stats]
    if tracer:
        for row, peak in zip(record["passes"], tracer.peaks):
            row["tracemalloc_peak_mb"] = round(peak / 2**20, 1)
    record["level4_ops"] = stats[-1].ops
    record["programs"] = sum(1 for op in lowered.body.operations if op.operation.name == "func.func")
    if run:
        start = time.perf_counter()
        out = run_level4(lowered, inputs, target=target)
        record["level4_seconds"] = round(time.perf_counter() - start, 3)
        record["level4_slowdown"] = round(record["level4_seconds"] / max(record["golden_seconds"], 1e-9), 1)
        record["max_abs_diff"] = max(float(np.abs(golden[k].astype(np.float64) - out[k]).max()) for k in golden)
        record["max_abs_output"] = max(float(np.abs(golden[k]).max()) for k in golden)
    return record


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run", action="store_true", help="also interpret level 4 and compare with the golden run")
    p.add_argument("--tracemalloc", action="store_true", help="also record the Python heap peak per pass")
    p.add_argument("--only", help="comma-separated model names")
    p.add_argument("-o", default=str(ROOT / "bench/results/spatial_compile.json"))
    args = p.parse_args(argv)
    cases = [c for c in CASES if not args.only or c[0] in args.only.split(",")]
    results = []
    for model, preset in cases:
        record = bench_case(model, preset, args.run, args.tracemalloc)
        results.append(record)
        summary = {k: record.get(k) for k in ("compile_seconds", "level4_ops", "level4_slowdown", "error")}
        print(f"{model:20s} {preset:16s} {summary}", flush=True)
    report = {"bench": "spatial_compile", "python": platform.python_version(), "machine": platform.machine(),
              "date": time.strftime("%Y-%m-%d %H:%M:%S"), "cases": results}
    Path(args.o).parent.mkdir(parents=True, exist_ok=True)
    Path(args.o).write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {args.o}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
