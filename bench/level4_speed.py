"""Benchmark: speed of the level-4 interpreter against the golden interpreter on the same model.

    .venv/bin/python bench/level4_speed.py                  # digits models (float, int8) x presets, ResNet-50 light
    .venv/bin/python bench/level4_speed.py --only digits_cnn --repeat 5

For each (model, precision, target): import (and quantize for int8), lower with
npu.spatial.lower_module (full pipeline), then time
  * the golden run of the level-1/2 module (best of --repeat, after one warm-up run),
  * Level4Machine construction (prepare) and its run, checked and unchecked (best of --repeat),
  * one run with per-op-kind wall time (a Level4Machine subclass timing `execute`),
and record ops, PEs, us per level-4 op, the slowdown (level-4 run / golden run), the
time per op kind and the agreement with golden (bit-identical, or the max abs error
relative to the output's max). Writes bench/results/level4_speed.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DIGITS = ROOT / "examples/digits"
LIGHT = ROOT / ".venv/lib/python3.11/site-packages/onnx/backend/test/data/light"
PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")
CASES = ([(m, q, p) for m in ("digits_cnn", "digits_transformer") for q in ("float", "int8") for p in PRESETS]
         + [("light_resnet50", "float", "datacenter-hbm")])


def load(model: str, precision: str):
    from npu.onnx.importer import import_model

    if model.startswith("light_"):
        return import_model(str(LIGHT / f"{model}.onnx"))
    if precision == "float":
        return import_model(str(DIGITS / f"{model}.onnx"))
    import npu.quant as quant

    x = np.load(DIGITS / "digits_test.npz")["x"][:16].astype(np.float32)
    shape = (1, 1, 8, 8) if model == "digits_cnn" else (1, 8, 8)
    calib = [{"input": v.reshape(shape)} for v in x]
    options = {} if model == "digits_cnn" else {"integer_norm": False}
    return quant.quantize(str(DIGITS / f"{model}.onnx"), calib, precision, **options)[0]


def inputs_for(program, model: str) -> dict:
    spec = program.inputs[0]
    if model.startswith("digits"):
        x = np.load(DIGITS / "digits_test.npz")["x"][0]
        return {spec.name: x.reshape(spec.shape).astype(spec.dtype)}
    rng = np.random.default_rng(0)
    return {s.name: rng.standard_normal(s.shape).astype(s.dtype) for s in program.inputs}


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def timed_machine_class():
    from npu.interp.level4 import Level4Machine

    class TimedMachine(Level4Machine):
        """Accumulates wall time per op kind (the one entry point every op goes through)."""

        def reset(self):
            super().reset()
            self.per_op = defaultdict(lambda: [0, 0.0])

        def execute(self, st, step, operands):
            start = time.perf_counter()
            done = super().execute(st, step, operands)
            row = self.per_op[step.name]
            row[0] += 1
            row[1] += time.perf_counter() - start
            return done

    return TimedMachine


def bench_case(model: str, precision: str, preset: str, repeat: int) -> dict:
    from npu.interp.executor import Program
    from npu.interp.level4 import Level4Machine
    from npu.spatial import lower_module
    from npu.target import load_target

    record = {"model": model, "precision": precision, "target": preset}
    module = load(model, precision)
    target = load_target(preset)
    with module.context:
        program = Program(module)
        inputs = inputs_for(program, model)
        golden = program.run(inputs)  # warm-up (kernels cache widened weights)
        record["golden_seconds"] = round(best_of(lambda: program.run(inputs), repeat), 5)
        start = time.perf_counter()
        lower_module(module, target)
        record["lower_seconds"] = round(time.perf_counter() - start, 2)
        start = time.perf_counter()
        machine = Level4Machine(module, target)
        record["prepare_seconds"] = round(time.perf_counter() - start, 3)
        record["ops"] = sum(len(steps) for steps, _ in machine.programs.values())
        record["pes"] = len(machine.programs)
        out = machine.run(inputs)
        record["run_seconds"] = round(best_of(lambda: machine.run(inputs), repeat), 4)
        unchecked = Level4Machine(module, target, check=False)
        record["run_unchecked_seconds"] = round(best_of(lambda: unchecked.run(inputs), repeat), 4)
        timed = timed_machine_class()(module, target)
        timed.run(inputs)
    record["us_per_op"] = round(1e6 * record["run_seconds"] / record["ops"], 1)
    record["slowdown"] = round(record["run_seconds"] / record["golden_seconds"], 1)
    total = sum(t for _, t in timed.per_op.values())
    record["time_by_op"] = {name: {"count": n, "share": round(t / total, 3)}
                            for name, (n, t) in sorted(timed.per_op.items(), key=lambda kv: -kv[1][1])}
    if precision == "int8":
        record["bit_identical"] = all(np.array_equal(out[k], golden[k]) for k in golden)
    else:
        err = max(float(np.abs(out[k].astype(np.float64) - golden[k]).max()) for k in golden)
        scale = max(float(np.abs(golden[k]).max()) for k in golden)
        record["max_abs_error"] = err
        record["max_abs_error_relative"] = err / scale
    return record


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", help="comma-separated model names")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per measurement (best is kept)")
    p.add_argument("-o", default=str(ROOT / "bench/results/level4_speed.json"))
    args = p.parse_args(argv)
    cases = [c for c in CASES if not args.only or c[0] in args.only.split(",")]
    results = []
    for model, precision, preset in cases:
        try:
            record = bench_case(model, precision, preset, args.repeat)
        except Exception as err:  # record the failure, go on with the other cases
            record = {"model": model, "precision": precision, "target": preset,
                      "error": f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"}
        results.append(record)
        keys = ("ops", "pes", "golden_seconds", "run_seconds", "us_per_op", "slowdown", "bit_identical",
                "max_abs_error_relative", "error")
        print(f"{model:20s} {precision:6s} {preset:16s} " + str({k: record[k] for k in keys if k in record}),
              flush=True)
    report = {"bench": "level4_speed", "python": platform.python_version(), "machine": platform.machine(),
              "date": time.strftime("%Y-%m-%d %H:%M:%S"), "repeat": args.repeat, "cases": results}
    Path(args.o).parent.mkdir(parents=True, exist_ok=True)
    Path(args.o).write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {args.o}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
