"""Roofline ratio per model and target preset, and cost-chosen vs naive tiling, in simulated cycles.

    .venv/bin/python bench/perf_roofline.py [--models digits_cnn,digits_transformer,mlp]
                                            [--presets edge-lpddr,datacenter-hbm,large-inference]
                                            [--out bench/results/perf_roofline.json] [--plots docs/perf]

For each model and preset:
1. lower with the spatial pipeline (npu.perf.models.lower_for_timing: npu-tile
   choosing tiles by its cost estimate, npu-place, npu-lower-to-pe,
   npu-alloc-sram, npu-alloc-ext) and run it on the performance model
   (npu.perf.simulate) with one real input;
2. record cycles, the roofline bound (program traffic and compulsory traffic),
   the ratio bound / cycles, utilization, bandwidth, energy, TOPS/W, the
   stall breakdown, and the per-layer rows;
3. lower again with the naive plan rule (npu.perf.models.naive_plans: the
   largest tile that fits, whatever the PE count) and record its cycles, so
   the JSON shows tuned vs naive.

Models: the bundled digits CNN and transformer (examples/digits), and `mlp`,
a synthetic float MLP (x[64,256] @ W1[256,512] -> Relu -> @ W2[512,256]) built
here with onnx.helper so one workload is large enough to be limited by the
chip rather than by latency. Writes JSON (and SVG plots for datacenter-hbm
when --plots is given); prints a markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DIGITS = ROOT / "examples" / "digits"


def mlp_model(path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    w1 = numpy_helper.from_array((rng.standard_normal((256, 512)) * 0.05).astype(np.float32), "W1")
    w2 = numpy_helper.from_array((rng.standard_normal((512, 256)) * 0.05).astype(np.float32), "W2")
    nodes = [helper.make_node("MatMul", ["x", "W1"], ["h"], name="fc1"),
             helper.make_node("Relu", ["h"], ["r"], name="relu1"),
             helper.make_node("MatMul", ["r", "W2"], ["y"], name="fc2")]
    graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [64, 256])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [64, 256])], [w1, w2])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def model_input(name: str) -> np.ndarray:
    if name == "mlp":
        return np.random.default_rng(1).standard_normal((64, 256)).astype(np.float32)
    data = np.load(DIGITS / ("digits_test_seq.npz" if "transformer" in name else "digits_test.npz"))
    return data["x"][:1].astype(np.float32)


def measure(path: str, name: str, target, naive: bool) -> tuple[dict, object]:
    from npu.interp.level4 import Level4Machine
    from npu.perf import PerfMachine, build_report
    from npu.perf.models import lower_for_timing, naive_plans

    t0 = time.perf_counter()
    low = lower_for_timing(path, target, after={"npu-tile": naive_plans} if naive else None)
    t1 = time.perf_counter()
    machine = PerfMachine(low.module, target, layer_names=low.layer_names)
    inputs = {Level4Machine(low.module, target).inputs[0].name: model_input(name)}
    with low.module.context:
        machine.run(inputs)
    report = build_report(machine)
    t2 = time.perf_counter()
    stalls: dict[str, float] = {}
    for p in report.pes:
        for k, v in p.stalls.items():
            stalls[k] = stalls.get(k, 0.0) + v
    row = {
        "cycles": report.cycles, "microseconds": report.seconds * 1e6, "macs": report.macs,
        "roofline_bound_cycles": report.bound.cycles, "roofline_kind": report.bound.kind,
        "roofline_ratio": report.roofline_ratio, "ideal_bound_cycles": report.ideal_bound.cycles,
        "ideal_ratio": report.ideal_bound.ratio(report.cycles), "ext_bytes": report.ext_bytes,
        "compulsory_ext_bytes": report.ideal_bound.ext_bytes, "matrix_utilization": report.matrix_utilization,
        "ext_bandwidth_fraction": report.ext_bandwidth_fraction, "energy_uj": report.energy.total_pj / 1e6,
        "static_energy_uj": report.energy.static_pj / 1e6, "tops_per_watt": report.tops_per_watt,
        "stall_pe_cycles": stalls, "memory_latency_cycles": target.memory.latency_cycles,
        "level4_ops": sum(len(steps) for steps, _ in machine.programs.values()),
        "pes_used": len(machine.programs), "lower_seconds": t1 - t0, "simulate_seconds": t2 - t1,
    }
    if not naive:
        row["layers"] = [layer.to_dict() for layer in report.layers]
    return row, report


def main(argv: list[str] | None = None) -> int:
    from npu.perf.plots import write_plots
    from npu.target import load_target

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="digits_cnn,digits_transformer,mlp")
    ap.add_argument("--presets", default="edge-lpddr,datacenter-hbm,large-inference")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "perf_roofline.json"))
    ap.add_argument("--plots", help="directory for the datacenter-hbm SVG plots of each model")
    ap.add_argument("--no-naive", action="store_true", help="skip the naive-plan comparison")
    args = ap.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            path = str(DIGITS / f"{name}.onnx")
            if name == "mlp":
                path = str(Path(tmp) / "mlp.onnx")
                mlp_model(Path(path))
            for preset in args.presets.split(","):
                target = load_target(preset)
                entry = {"model": name, "preset": preset}
                try:
                    entry["tuned"], report = measure(path, name, target, naive=False)
                    if args.plots and preset == "datacenter-hbm":
                        write_plots(report, Path(args.plots) / name)
                    if not args.no_naive:
                        entry["naive"], _ = measure(path, name, target, naive=True)
                        entry["naive_over_tuned"] = entry["naive"]["cycles"] / entry["tuned"]["cycles"]
                except Exception as err:  # a model the pipeline cannot lower yet is recorded, not fatal
                    entry["error"] = str(err).splitlines()[0][:300]
                results.append(entry)
                print(json.dumps({k: v for k, v in entry.items() if k not in ("tuned", "naive")} |
                                 ({"cycles": entry["tuned"]["cycles"], "ratio": entry["tuned"]["roofline_ratio"]}
                                  if "tuned" in entry else {})), file=sys.stderr)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"bench": "perf_roofline", "results": results}, indent=1) + "\n")
    print("| model | preset | cycles | bound (kind) | ratio | ideal ratio | naive cycles | naive/tuned | TOPS/W |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for e in results:
        if "error" in e:
            print(f"| {e['model']} | {e['preset']} | error: {e['error'][:80]} | | | | | | |")
            continue
        t, n = e["tuned"], e.get("naive")
        print(f"| {e['model']} | {e['preset']} | {t['cycles']:,.0f} | {t['roofline_bound_cycles']:,.0f} "
              f"({t['roofline_kind']}) | {100 * t['roofline_ratio']:.1f}% | {100 * t['ideal_ratio']:.1f}% | "
              f"{n['cycles']:,.0f} | {e['naive_over_tuned']:.2f} | {t['tops_per_watt']:.3g} |" if n else
              f"| {e['model']} | {e['preset']} | {t['cycles']:,.0f} | {t['roofline_bound_cycles']:,.0f} "
              f"({t['roofline_kind']}) | {100 * t['roofline_ratio']:.1f}% | {100 * t['ideal_ratio']:.1f}% | | | "
              f"{t['tops_per_watt']:.3g} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
