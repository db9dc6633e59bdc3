"""int4 weight-only models: the weight dequantized inside its layer vs as its own layer.

    .venv/bin/python bench/int4_fused.py [--samples N]

For the digits CNN and transformer quantized int4 weight-only (npu.quant, group size 32), on
each preset: lower the same level-2 module twice, with `LowerOptions(fuse_dequant=False)` (the
dequantize is its own layer writing an f32 copy of the weight to external memory, which the
layer reads back: the form before npu.spatial.dequant_fuse) and with the default (the layer
DMAs the packed int4 box and dequantizes it in SRAM), then time one held-out input with the
perf model (npu.perf.simulate): cycles, external bytes read / written, the number of
dequantize prologues; and compare N held-out inputs with the golden level-2 run (bit
identity, max |difference| / max |golden|). Writes bench/results/int4_fused.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DIGITS = ROOT / "examples" / "digits"
PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")
MODELS = ("digits_cnn", "digits_transformer")


def calibration(model: str) -> list[dict]:
    shape = (1, 8, 8) if "transformer" in model else (1, 1, 8, 8)
    return [{"input": np.load(f)["input"].reshape(shape)} for f in sorted((DIGITS / "calib").glob("*.npz"))]


def lowered(level2_text: str, ctx, target, fuse: bool):
    from mlir import ir

    import npu.spatial as spatial

    module = ir.Module.parse(level2_text, ctx)
    start = time.perf_counter()
    spatial.lower_module(module, target, spatial.LowerOptions(fuse_dequant=fuse))
    return module, time.perf_counter() - start


def count_prologues(level2_text: str, ctx, target) -> int:
    from mlir import ir

    import npu.spatial as spatial

    module = ir.Module.parse(level2_text, ctx)
    spatial.lower_module_stats(module, target, spatial.LowerOptions(stop_after="npu-tile"))
    return str(module).count('family = "prologue"')


def one(model: str, preset: str, samples: int) -> dict:
    from npu.api import build
    from npu.interp.executor import Program
    from npu.interp.level4 import Level4Machine
    from npu.perf import simulate
    from npu.target import load_target

    target = load_target(preset)
    calib = calibration(model)
    level2, _ = build(DIGITS / f"{model}.onnx", target, quant="int4", calibration=calib, emit="level2")
    text = level2.operation.get_asm(large_elements_limit=None, enable_debug_info=True)
    weights = {"memref<" + "x".join(str(d) for d in op.results[0].type.shape) + "xf32"
               for op in level2.body.operations[0].regions[0].blocks[0].operations
               if op.operation.name == "npu_tensor.dequantize"}
    ctx = level2.context
    golden = Program(level2)
    shape = calib[0]["input"].shape
    xs = np.load(DIGITS / "digits_test.npz")["x"][:samples]
    inputs = [{"input": x.reshape(shape).astype(np.float32)} for x in xs]
    want = [golden.run(i) for i in inputs]
    row = {"model": model, "preset": preset, "dequantize_layers": text.count('"npu_tensor.dequantize"'),
           "prologues": count_prologues(text, ctx, target)}
    for form, fuse in (("separate", False), ("fused", True)):
        module, seconds = lowered(text, ctx, target, fuse)
        _, report = simulate(module, inputs[0], target)
        machine = Level4Machine(module, target)
        identical, rel = True, 0.0
        for i, w in zip(inputs, want):
            with module.context:
                got = machine.run(i)
            for name, g in w.items():
                identical &= bool(np.array_equal(np.asarray(got[name]).view(np.uint32), np.asarray(g).view(np.uint32)))
                rel = max(rel, float(np.max(np.abs(got[name].astype(np.float64) - g)) / max(np.max(np.abs(g)), 1e-30)))
        globals_f32 = sum(1 for op in module.body.operations  # f32 weight copies in external memory
                          if op.operation.name == "npu_mem.global" and 'kind = "scratch"' in str(op)
                          and any(w in str(op) for w in weights))
        row[form] = {"cycles": float(report.cycles), "ext_read_bytes": int(report.ext_read),
                     "ext_write_bytes": int(report.ext_write), "ext_bytes": int(report.ext_bytes),
                     "dequantize_scratch_globals": globals_f32,
                     "golden_identical": identical, "golden_max_rel_err": rel, "lower_seconds": round(seconds, 3)}
    s, f = row["separate"], row["fused"]
    row["ext_bytes_ratio"] = f["ext_bytes"] / s["ext_bytes"]
    row["cycles_ratio"] = f["cycles"] / s["cycles"]
    return row


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=5)
    args = p.parse_args()
    rows = []
    for model in MODELS:
        for preset in PRESETS:
            row = one(model, preset, args.samples)
            rows.append(row)
            s, f = row["separate"], row["fused"]
            print(f"{model:20} {preset:16} ext bytes {s['ext_bytes']:>8} -> {f['ext_bytes']:>8} "
                  f"({row['ext_bytes_ratio']:.2f}x)  cycles {s['cycles']:>9.0f} -> {f['cycles']:>9.0f} "
                  f"({row['cycles_ratio']:.2f}x)  prologues {row['prologues']}/{row['dequantize_layers']}  "
                  f"identical {s['golden_identical']}/{f['golden_identical']}  "
                  f"rel err {s['golden_max_rel_err']:.2e}/{f['golden_max_rel_err']:.2e}", flush=True)
    out = ROOT / "bench" / "results" / "int4_fused.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"samples": args.samples, "rows": rows}, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
