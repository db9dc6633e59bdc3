"""Quantization accuracy benchmark: every scheme x every real model, against fp32 and onnxruntime.

    .venv/bin/python bench/quant_accuracy.py [--models digits_cnn,...] [--out bench/results]

Models (all trained in this repository on scikit-learn's bundled data, evaluated on
their held-out split; calibration inputs come from the training split):
    digits_cnn, digits_transformer    examples/digits/
    digits_resnet, cancer_mlp         bench/quant_models/ (train_*.py next to them)

For each model: top-1 and logits SQNR vs the fp32 golden for fp32, int8 per-tensor,
int8 per-channel, fp8 e4m3, fp8 e5m2, int4 weight-only, bf16, fp16, the int8
calibration methods (percentile, entropy, mse), and mixed precision found by the
sensitivity search (int8 + fp16; target: logits SQNR on the calibration inputs, never
the test split, MIXED_MARGIN dB above what all-int8 reaches there, so that int8 alone
misses it by construction); onnxruntime's quantize_static (QDQ,
int8, same calibration data) per-channel and per-tensor; per-layer SQNR / cosine of
npu int8 per-channel and onnxruntime side by side, and the first layer whose error
jumps. For a model whose int8 program has integer softmax / layer normalization
(npu.numerics.normalization), the same scheme with those ops kept in float
(integer_norm=False) is measured too, and the per-layer table shows both. Writes
<out>/quant_accuracy.json, quant_accuracy.txt and, when matplotlib is installed, one
per-layer SQNR plot per model (quant_sqnr_<model>.png).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

from npu.quant import measure, quantize, reference_module, search  # noqa: E402
from npu.quant.evaluate import compare_layers, first_output, output_sqnr, run_batch, top1  # noqa: E402

MIXED_MARGIN = 3.0
MODELS = {
    "digits_cnn": (ROOT / "examples/digits/digits_cnn.onnx", ROOT / "examples/digits/digits_test.npz",
                   ROOT / "examples/digits/calib", (1, 1, 8, 8)),
    "digits_transformer": (ROOT / "examples/digits/digits_transformer.onnx", ROOT / "examples/digits/digits_test_seq.npz",
                           ROOT / "examples/digits/calib", (1, 8, 8)),
    "digits_resnet": (ROOT / "bench/quant_models/digits_resnet/model.onnx", ROOT / "bench/quant_models/digits_resnet/test.npz",
                      ROOT / "bench/quant_models/digits_resnet/calib", (1, 1, 8, 8)),
    "cancer_mlp": (ROOT / "bench/quant_models/cancer_mlp/model.onnx", ROOT / "bench/quant_models/cancer_mlp/test.npz",
                   ROOT / "bench/quant_models/cancer_mlp/calib", (1, 30)),
}
SCHEMES = [
    ("int8 per-tensor", "int8", {"per_channel": False}),
    ("int8 per-channel", "int8", {"per_channel": True}),
    ("fp8 e4m3", "fp8e4m3", {}),
    ("fp8 e5m2", "fp8e5m2", {}),
    ("int4 weight-only (g32)", "int4", {"group_size": 32}),
    ("bf16", "bf16", {}),
    ("fp16", "fp16", {}),
    ("int8 per-channel percentile", "int8", {"method": "percentile"}),
    ("int8 per-channel entropy", "int8", {"method": "entropy"}),
    ("int8 per-channel mse", "int8", {"method": "mse"}),
]


def _finite(x: float):
    return x if math.isfinite(x) else str(x)


def bench_model(name: str) -> dict:
    model, split, calib_dir, shape = MODELS[name]
    d = np.load(split)
    xs, ys = [x.reshape(shape) for x in d["x"]], d["y"]
    calib = [np.load(f)["input"].reshape(shape) for f in sorted(Path(calib_dir).glob("*.npz"))]
    reference = reference_module(model)
    ref_logits = first_output(run_batch(reference, xs))
    out = {"model": str(Path(model).relative_to(ROOT)), "test_samples": len(xs), "calibration_samples": len(calib),
           "rows": [{"scheme": "fp32", "top1": top1(ref_logits, ys), "logits_sqnr_db": "inf"}]}
    print(f"{name}: fp32 top-1 {out['rows'][0]['top1']:.4f}", file=sys.stderr)
    for label, dtype, options in SCHEMES:
        t = time.perf_counter()
        module, report = quantize(model, calib, dtype, progress=False, **options)
        logits = first_output(run_batch(module, xs))
        row = {"scheme": label, "top1": top1(logits, ys), "logits_sqnr_db": _finite(output_sqnr(ref_logits, logits)),
               "layers": report.layer_precisions(), "float_ops": [f["name"] for f in report.float_ops],
               "integer_ops": [f["name"] for f in report.integer_ops], "tables": [t_["output"] for t_ in report.tables]}
        out["rows"].append(row)
        print(f"{name}: {label:<28} top-1 {row['top1']:.4f}  logits SQNR {row['logits_sqnr_db']}"
              f"  ({time.perf_counter() - t:.1f} s)", file=sys.stderr)
        if label == "int8 per-channel":
            measure(report, reference, module, xs, ys, onnx_model=model, calibration=calib)
            out["per_layer"] = report.per_layer
            out["first_jump"] = report.first_jump
            out["ort_per_layer"] = report.ort["per_layer"]
            out["report_text"] = report.to_text()
            out["_report"] = report
            if report.integer_ops:
                _float_norm_row(out, model, calib, reference, xs, ys, ref_logits)
    # mixed precision: sensitivity search on the calibration inputs, for a target int8 alone misses
    int8_model, _ = quantize(model, calib, "int8", progress=False)
    calib_ref = first_output(run_batch(reference, calib))
    target = round(output_sqnr(calib_ref, first_output(run_batch(int8_model, calib))) + MIXED_MARGIN, 1)
    module, report = search(model, calib, f"sqnr>={target}", low="int8", high="fp16", progress=False)
    logits = first_output(run_batch(module, xs))
    s = report.search
    out["rows"].append({"scheme": f"mixed int8+fp16 (search: calib logits SQNR >= {target:g} dB)",
                        "top1": top1(logits, ys), "logits_sqnr_db": _finite(output_sqnr(ref_logits, logits)),
                        "layers": report.layer_precisions(), "kept_fp16": s["kept"], "layer_count": s["layers"],
                        "target_met": s["met"], "calib_sqnr_all_int8": s["all_low_score"], "calib_sqnr": s["score"],
                        "sensitivity": s["sensitivity"]})
    print(f"{name}: mixed: {len(s['kept'])}/{s['layers']} layers fp16, met {s['met']}, "
          f"top-1 {out['rows'][-1]['top1']:.4f}", file=sys.stderr)
    # onnxruntime's own static quantization
    from npu.quant.ort_baseline import ort_outputs, ort_quantize

    feeds = [{"input": x} for x in xs]
    for per_channel in (False, True):
        qdq = ort_quantize(model, [{"input": c} for c in calib], per_channel=per_channel)
        logits = ort_outputs(qdq, feeds)
        out["rows"].append({"scheme": f"onnxruntime int8 {'per-channel' if per_channel else 'per-tensor'} (QDQ)",
                            "top1": top1(logits, ys), "logits_sqnr_db": _finite(output_sqnr(ref_logits, logits))})
    return out


def _float_norm_row(out: dict, model, calib, reference, xs, ys, ref_logits) -> None:
    """int8 per-channel with softmax / layer norm kept in float: a row and its per-layer SQNR."""
    module, report = quantize(model, calib, "int8", integer_norm=False, progress=False)
    logits = first_output(run_batch(module, xs))
    out["rows"].append({"scheme": "int8 per-channel, float softmax/layernorm", "top1": top1(logits, ys),
                        "logits_sqnr_db": _finite(output_sqnr(ref_logits, logits)),
                        "float_ops": [f["name"] for f in report.float_ops]})
    out["float_norm_per_layer"] = compare_layers(reference, module, xs[:100])
    out["integer_ops"] = [f["name"] for f in out["_report"].integer_ops]


def text_report(results: dict) -> str:
    lines = ["npu quantization accuracy (top-1 on each model's held-out split; logits SQNR vs the fp32 golden)", ""]
    for name, r in results["models"].items():
        lines.append(f"{name} ({r['model']}; {r['test_samples']} test, {r['calibration_samples']} calibration samples)")
        lines.append(f"  {'scheme':<58} {'top-1':>7} {'SQNR dB':>8}")
        for row in r["rows"]:
            sq = row["logits_sqnr_db"]
            sq = f"{sq:.1f}" if isinstance(sq, float) else sq
            extra = ""
            if "kept_fp16" in row:
                extra = f"  fp16: {len(row['kept_fp16'])}/{row['layer_count']} layers, target met: {row['target_met']}"
            lines.append(f"  {row['scheme']:<58} {row['top1']:>7.4f} {sq:>8}{extra}")
        lines.append("")
        fl = {o["name"]: o for o in r.get("float_norm_per_layer", [])}
        integer = set(r.get("integer_ops", []))
        extra = " | float softmax/layernorm" if fl else ""
        lines.append(f"  per layer, int8 per-channel (npu level 2 | onnxruntime QDQ{extra}), SQNR dB / cosine vs fp32"
                     + ("; * = integer softmax / layer norm:" if fl else ":"))
        ort = {o["name"]: o for o in r["ort_per_layer"]}

        def cell(o):
            if not o:
                return "     -        -"
            return f"{o['sqnr_db']:6.1f} {o['cosine']:.6f}" if math.isfinite(o["sqnr_db"]) else f"{'inf':>6} {o['cosine']:.6f}"

        for p in r["per_layer"]:
            star = "*" if p["name"] in integer else " "
            line = f"    {star}{p['name']:<27} {cell(p)} | {cell(ort.get(p['name']))}"
            lines.append(line + (f" | {cell(fl.get(p['name']))}" if fl else ""))
        j = r["first_jump"]
        lines.append("  first error jump: " + (f"{j['name']} ({j['drop_db']:.1f} dB below {j['after']})" if j else "none"))
        lines.append("")
    lines.append(f"plots: {results['plots']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = p.parse_args(argv)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    models = {name: bench_model(name) for name in args.models.split(",")}
    plots = []
    for name, r in models.items():
        rep = r.pop("_report")
        rep.model = name
        if rep.plot(out_dir / f"quant_sqnr_{name}.png"):
            plots.append(f"quant_sqnr_{name}.png")
    results = {"benchmark": "bench/quant_accuracy.py", "seconds": round(time.perf_counter() - t, 1),
               "plots": plots or "skipped: matplotlib is not installed", "models": models}
    for r in models.values():
        r.pop("report_text", None)
    (out_dir / "quant_accuracy.json").write_text(json.dumps(results, indent=2, default=_finite) + "\n")
    text = text_report(results)
    (out_dir / "quant_accuracy.txt").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
