"""Benchmark: simulated cycles with npu-schedule before SRAM allocation, after it, and not at all.

    .venv/bin/python bench/schedule_order.py [--models digits_cnn,digits_transformer]
                                             [--presets edge-lpddr,datacenter-hbm,large-inference]

For each model and preset the spatial pipeline (npu.spatial.lower_module_stats, verification after
every pass) runs three times with its ALLOC passes in a different order:

* schedule_first: npu-schedule, npu-alloc-sram, npu-alloc-ext, npu-check-races (the pipeline's order);
* alloc_first:    npu-alloc-sram, npu-alloc-ext, npu-schedule, npu-check-races;
* unscheduled:    npu-alloc-sram, npu-alloc-ext, npu-check-races;

and the performance model (npu.perf.simulate) runs each result on one input (the digits test image,
or a standard-normal input for the light ONNX graphs, `light_*`, with the random weights of
bench/arch_level4.py). Records cycles, the speed-up of each scheduled order over the unscheduled
one, the per-pass seconds, and whether the three outputs are bit-identical.
Writes bench/results/schedule_order.json (merged by (model, target)).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
RESULTS = ROOT / "bench/results/schedule_order.json"

ORDERS = {"schedule_first": ("npu-schedule", "npu-alloc-sram", "npu-alloc-ext", "npu-check-races"),
          "alloc_first": ("npu-alloc-sram", "npu-alloc-ext", "npu-schedule", "npu-check-races"),
          "unscheduled": ("npu-alloc-sram", "npu-alloc-ext", "npu-check-races")}


def _module(name: str):
    from npu.ir.context import make_context
    from npu.onnx.importer import import_model

    if name.startswith("light_"):
        from arch_level4 import LIGHT, random_weights
        return import_model(random_weights(LIGHT / f"{name}.onnx"), context=make_context())
    from perf_roofline import DIGITS
    return import_model(str(DIGITS / f"{name}.onnx"), context=make_context())


def _inputs(name: str, module, target) -> dict:
    from npu.interp.level4 import Level4Machine

    specs = Level4Machine(module, target).inputs
    if name.startswith("light_"):
        rng = np.random.default_rng(0)
        return {s.name: rng.standard_normal(s.shape).astype(np.float32) for s in specs}
    from perf_roofline import model_input
    return {specs[0].name: model_input(name)}


def measure(name: str, preset: str) -> dict:
    import npu.spatial.pipeline as pipeline
    from npu.perf import simulate
    from npu.target import load_target

    target = load_target(preset)
    row: dict = {"model": name, "target": preset}
    outputs = {}
    saved = pipeline.ALLOC_PASSES
    try:
        for tag, order in ORDERS.items():
            pipeline.ALLOC_PASSES = order
            start = time.perf_counter()
            lowered, stats = pipeline.lower_module_stats(_module(name), target)
            row[f"{tag}_lower_seconds"] = round(time.perf_counter() - start, 2)
            row[f"{tag}_pass_seconds"] = {s.name: round(s.seconds, 2) for s in stats if s.name in order}
            outputs[tag], report = simulate(lowered, _inputs(name, lowered, target), target)
            row[tag] = report.cycles
    finally:
        pipeline.ALLOC_PASSES = saved
    for tag in ("schedule_first", "alloc_first"):
        row[f"speedup_{tag}"] = round(row["unscheduled"] / row[tag], 4)
    ref = outputs["unscheduled"]
    row["outputs_identical"] = all(np.array_equal(np.asarray(out[k]), np.asarray(ref[k]))
                                   for out in outputs.values() for k in ref)
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="digits_cnn,digits_transformer")
    ap.add_argument("--presets", default="edge-lpddr,datacenter-hbm,large-inference")
    args = ap.parse_args(argv)
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"rows": []}
    rows = {(r["model"], r["target"]): r for r in old["rows"]}
    for name in args.models.split(","):
        for preset in args.presets.split(","):
            row = measure(name, preset)
            rows[(name, preset)] = row
            RESULTS.write_text(json.dumps({"rows": sorted(rows.values(), key=lambda r: (r["model"], r["target"]))},
                                          indent=1) + "\n")
            print(json.dumps({k: v for k, v in row.items() if not k.endswith("pass_seconds")}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
