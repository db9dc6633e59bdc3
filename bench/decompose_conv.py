"""Benchmark: the conv/pool decompositions (npu.decompose.conv) end to end on level 4.

    .venv/bin/python bench/decompose_conv.py            # both parts, edge-lpddr (+ datacenter-hbm for the costs)

1. Every ONNX node test of Conv, ConvTranspose, MaxPool, AveragePool, LpPool and the global pools
   (npu.onnx.conformance.list_cases; first data set) is imported, lowered with
   npu.spatial.lower_module on edge-lpddr (npu-decompose runs first in that pipeline) and run on the
   level-4 interpreter; recorded: ok or the first error line, and max|level4 - golden| in units of
   2^-24 * max|golden| (non-finite golden values must match exactly).
2. conv_transpose forms: a 16x16x16 -> 32x32x16 layer (kernels 4x4 and 3x3, stride 2, pads 1) lowered
   with the per-phase form and with the zero-interleaved form (npu.decompose.conv.PHASE_LIMIT forced to
   1), predicted cycles and MACs from the perf model (npu.perf.simulate) on edge-lpddr and datacenter-hbm.

Writes bench/results/decompose_conv.json.
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench/results/decompose_conv.json"
U = 2.0**-24
OPS = ("Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool", "GlobalLpPool", "GlobalMaxPool", "GlobalAveragePool")


def ulps(gold: np.ndarray, out: np.ndarray) -> float | None:
    finite = np.isfinite(gold)
    if not np.array_equal(gold[~finite], out[~finite], equal_nan=True):
        return None
    if not finite.any():
        return 0.0
    g = gold[finite].astype(np.float64)
    return float(np.abs(g - out[finite]).max() / (U * max(float(np.abs(g).max()), 1e-30)))


def onnx_cases(target) -> list[dict]:
    import onnx
    from mlir import ir

    import npu.spatial as spatial
    from npu.interp.executor import Program
    from npu.interp.level4 import run_level4
    from npu.ir.context import make_context
    from npu.onnx.conformance import _data_sets, import_case, list_cases

    rows = []
    for case in [c for c in list_cases() if c.op_type in OPS and c.numeric]:
        model = onnx.load(str(case.path / "model.onnx"))
        init = {t.name for t in model.graph.initializer}
        names = [i.name for i in model.graph.input if i.name not in init]
        inputs, _ = next(_data_sets(case))
        feeds = dict(zip(names, inputs))
        row = {"case": case.name, "op": case.op_type}
        try:
            text = str(import_case(model, feeds)[0])
            with make_context(), ir.Location.unknown():
                module = ir.Module.parse(text)
                prog = Program(module)
                feeds = {s.name: feeds[s.name] for s in prog.inputs}
                gold = list(prog.run(feeds).values())
                out = list(run_level4(spatial.lower_module(module, target), feeds, target=target).values())
            errs = [ulps(g, o) for g, o in zip(gold, out)]
            row.update(status="ok" if None not in errs else "nonfinite mismatch", ulps=errs)
        except Exception as err:  # recorded, not raised: one failing case must not hide the others
            row.update(status="error", message=str(err).splitlines()[0][:300])
        print(f"{row['case']:60s} {row['status']} {row.get('ulps', row.get('message', ''))}", flush=True)
        rows.append(row)
    return rows


def conv_transpose_text(k: int) -> str:
    rng = np.random.default_rng(0)
    w = rng.standard_normal((16, 16, k, k)).astype(np.float32)
    b = rng.standard_normal(16).astype(np.float32)
    o = 2 * 15 + k - 2 + (1 if k == 3 else 0)
    op = 1 if k == 3 else 0

    def dense(a):
        return "dense<" + np.array2string(a, separator=",", threshold=1 << 30, floatmode="unique").replace("\n", "") + ">"

    xt, wt, bt, yt = "tensor<1x16x16x16xf32>", f"tensor<16x16x{k}x{k}xf32>", "tensor<16xf32>", f"tensor<1x16x{o}x{o}xf32>"
    return (f"func.func @main(%x: {xt}) -> {yt} {{\n"
            f"  %w = arith.constant {dense(w)} : {wt}\n  %b = arith.constant {dense(b)} : {bt}\n"
            f"  %y = \"npu_tensor.conv_transpose\"(%x, %w, %b) {{dilations = array<i64: 1, 1>, group = 1 : i64, "
            f"kernel_shape = array<i64: {k}, {k}>, output_padding = array<i64: {op}, {op}>, pads = array<i64: 1, 1, 1, 1>, "
            f"strides = array<i64: 2, 2>}} : ({xt}, {wt}, {bt}) -> {yt}\n  return %y : {yt}\n}}\n")


def conv_transpose_costs() -> list[dict]:
    from mlir import ir

    import npu.decompose.conv as rules
    import npu.spatial as spatial
    from npu.interp.executor import Program
    from npu.ir.context import make_context
    from npu.perf import simulate
    from npu.target import load_target

    rows = []
    saved = rules.PHASE_LIMIT
    try:
        for preset in ("edge-lpddr", "datacenter-hbm"):
            target = load_target(preset)
            for k in (4, 3):
                for form, limit in (("phases", saved), ("interleave", 1)):
                    rules.PHASE_LIMIT = limit
                    x = np.random.default_rng(1).standard_normal((1, 16, 16, 16)).astype(np.float32)
                    with make_context(), ir.Location.unknown():
                        module = ir.Module.parse(conv_transpose_text(k))
                        gold = list(Program(module).run({"arg0": x}).values())[0]
                        lowered = spatial.lower_module(module, target)
                        outs, report = simulate(lowered, {"input0": x}, target)
                    d = report.to_dict()
                    rows.append({"target": preset, "kernel": k, "form": form, "cycles": d.get("cycles"),
                                 "macs": d.get("macs"), "ulps": ulps(gold, list(outs.values())[0])})
                    print(rows[-1], flush=True)
    finally:
        rules.PHASE_LIMIT = saved
    return rows


def main() -> int:
    from npu.target import load_target

    result = {"machine": platform.machine(), "python": platform.python_version(),
              "onnx_cases_edge_lpddr": onnx_cases(load_target("edge-lpddr")),
              "conv_transpose_forms": conv_transpose_costs()}
    cases = result["onnx_cases_edge_lpddr"]
    result["summary"] = {"cases": len(cases), "ok": sum(r["status"] == "ok" for r in cases),
                         "max_ulps": max((u for r in cases for u in r.get("ulps", []) if u is not None), default=0.0)}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(result["summary"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
