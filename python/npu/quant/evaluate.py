"""Measuring a level-2 module against its float module: accuracy and per-layer error.

- `run_batch(module, xs)`: outputs of a module over many samples (one interpreter run each).
- `top1(module, xs, labels)`: top-1 accuracy of the first output.
- `layer_values(module, samples)`: per layer name (the ONNX node name in each op's
  location), the real values the module holds for that layer, in execution
  order. For a level-2 module the last op located at a name whose result has the
  level-1 shape represents it: quantized results are dequantized with their
  `!quant.uniform` type (int32 accumulators too), `quantize_float` results are
  multiplied by their scale.
- `compare_layers(reference, quantized, samples)`: npu.compare figures (SQNR,
  cosine, verdict) per layer present in both, over all samples concatenated.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
from mlir import ir

from npu.compare import compare, sqnr_db
from npu.interp.executor import Program
from npu.quant.graph import layer_name
from npu.quant.qtypes import qparams_of


def _inputs(program: Program, x) -> dict[str, np.ndarray]:
    if isinstance(x, dict):
        return x
    spec = program.inputs[0]
    return {spec.name: np.asarray(x, dtype=spec.dtype).reshape(spec.shape)}


def run_batch(module: ir.Module, xs: Iterable) -> list[dict[str, np.ndarray]]:
    """Run `module` on every sample (a dict, or an array for one-input models reshaped to the input)."""
    with module.context:
        program = Program(module)
        return [program.run(_inputs(program, x)) for x in xs]


def first_output(results: list[dict[str, np.ndarray]]) -> np.ndarray:
    return np.concatenate([np.asarray(next(iter(r.values()))).reshape(1, -1) for r in results])


def top1(logits: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(np.asarray(logits).argmax(-1) == np.asarray(labels).reshape(-1)))


def output_sqnr(reference: np.ndarray, actual: np.ndarray) -> float:
    return sqnr_db(reference, actual)


def _real(op: ir.Operation, value: np.ndarray, result: ir.Value) -> np.ndarray | None:
    qp = qparams_of(result)
    if qp is not None:
        return qp.dequantize(value)
    if op.name == "npu_tensor.quantize_float":
        return np.asarray(value).astype(np.float32) * np.float32(op.attributes["scale"].value)
    if np.asarray(value).dtype.kind in "fV":
        return np.asarray(value).astype(np.float32)
    return None


def layer_values(module: ir.Module, samples: list, shapes: dict[str, tuple] | None = None) -> dict[str, list[np.ndarray]]:
    """name -> [real value per sample] (see the module docstring); `shapes` filters by level-1 shape."""
    out: dict[str, list[np.ndarray]] = {}
    with module.context:
        program = Program(module)
        for x in samples:
            seen: dict[str, np.ndarray] = {}

            def hook(op, values, seen=seen):
                name = layer_name(op, "")
                if not name or not values:
                    return
                want = None if shapes is None else shapes.get(name)
                if want is not None and tuple(np.shape(values[0])) != tuple(want):
                    return
                real = _real(op, values[0], op.results[0])
                if real is not None:
                    seen[name] = real

            inputs = _inputs(program, x)
            for spec in program.inputs:
                if np.dtype(spec.dtype).kind == "f":
                    seen[spec.name] = np.asarray(inputs[spec.name], dtype=np.float32)
            program.run(inputs, on_result=hook)
            for k, v in seen.items():
                out.setdefault(k, []).append(v)
    return out


def layer_order(module: ir.Module) -> list[str]:
    """Layer names in execution order (graph inputs first)."""
    from npu.quant.graph import Graph

    g = Graph(module)
    names = list(g.arg_names)
    for n in g.nodes:
        if n.name not in names:
            names.append(n.name)
    return names


def compare_layers(reference: ir.Module, quantized: ir.Module, samples: list) -> list[dict]:
    """Per-layer figures of `quantized` vs `reference` (same layer names), in execution order."""
    ref = layer_values(reference, samples)
    shapes = {k: np.shape(v[0]) for k, v in ref.items()}
    act = layer_values(quantized, samples, shapes)
    from npu.quant.graph import Graph

    inputs = set(Graph(reference).arg_names)
    rows = []
    for name in layer_order(reference):
        if name in ref and name in act and len(act[name]) == len(ref[name]):
            r = np.concatenate([a.reshape(-1) for a in ref[name]])
            a = np.concatenate([b.reshape(-1) for b in act[name]])
            f = compare(name, r, a)
            rows.append({"name": name, "sqnr_db": f.sqnr_db, "cosine": f.cosine, "max_abs": f.max_abs,
                         "verdict": f.verdict, "graph_input": name in inputs})
    return rows


def measure(report, float_module: ir.Module, quant_module: ir.Module, xs: list, labels=None, *,
            layer_samples: int = 100, onnx_model=None, calibration: list | None = None) -> None:
    """Fill `report` (a QuantReport) with accuracy, per-layer figures and, given the ONNX model, ORT's.

    xs: evaluation inputs (dicts or arrays); labels: their classes (optional).
    Per-layer figures use the first `layer_samples` inputs. The onnxruntime
    baseline (`onnx_model` path and the same `calibration` samples) quantizes with
    quantize_static using the report's per-channel, symmetric and method options.
    """
    ref = first_output(run_batch(float_module, xs))
    got = first_output(run_batch(quant_module, xs))
    acc = {"samples": len(xs), "logits_sqnr_db": output_sqnr(ref, got),
           "top1_agreement": float(np.mean(ref.argmax(-1) == got.argmax(-1)))}
    if labels is not None:
        acc["float_top1"] = top1(ref, labels)
        acc["top1"] = top1(got, labels)
        acc["top1_drop_points"] = 100.0 * (acc["float_top1"] - acc["top1"])
    report.accuracy = acc
    few = xs[:layer_samples]
    report.set_per_layer(compare_layers(float_module, quant_module, few))
    if onnx_model is None:
        return
    import onnx

    from npu.quant.ort_baseline import ort_layer_rows, ort_outputs, ort_quantize

    with float_module.context:
        program = Program(float_module)
    feeds = [_inputs(program, x) for x in xs]
    calib = [_inputs(program, x) for x in (calibration or [])]
    sch = report.scheme
    qdq = ort_quantize(onnx_model, calib, per_channel=bool(sch.get("per_channel", True)),
                       symmetric=bool(sch.get("symmetric", False)), method=str(sch.get("method", "minmax")))
    ort_logits = ort_outputs(qdq, feeds)
    ort = {"logits_sqnr_db": output_sqnr(ref, ort_logits)}
    if labels is not None:
        ort["top1"] = top1(ort_logits, labels)
    ort["per_layer"] = ort_layer_rows(onnx.load(str(onnx_model)), qdq, feeds[:layer_samples],
                                      [r["name"] for r in report.per_layer])
    report.ort = ort
