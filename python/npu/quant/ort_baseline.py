"""onnxruntime's own static quantization as the baseline npu's quantizer is measured against.

`ort_quantize(model_path, samples, ...)` runs `onnxruntime.quantization.quantize_static`
(QDQ format, int8 activations and weights, the same calibration samples, the
closest calibration method) and returns the quantized ONNX model.

`ort_layer_rows(original, qdq_model, samples, names)` compares, per npu layer
name, onnxruntime's quantized value of that layer's tensor with onnxruntime's
fp32 value of it: each model gets the tensors as extra graph outputs. In the
QDQ model the quantized value of tensor T is the output of the
DequantizeLinear reading QuantizeLinear(T) when there is one (what the next
node consumes), else T itself; when onnxruntime folded a ReLU into the
quantization (the conv then writes the ReLU's tensor), the conv's layer is
that tensor before its QuantizeLinear. These runs disable graph optimizations
so no fusion hides a tensor; accuracy uses the QDQ model as onnxruntime runs
it normally (`ort_outputs`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import onnx

from npu.compare import compare

_METHODS = {"minmax": "MinMax", "entropy": "Entropy", "percentile": "Percentile", "mse": "MinMax"}


def ort_quantize(model_path, samples: list[dict], *, per_channel: bool = True, symmetric: bool = False,
                 method: str = "minmax", preprocess: bool = True) -> onnx.ModelProto:
    """QDQ int8 model from onnxruntime's quantize_static (after its recommended pre-processing)."""
    import logging

    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                          quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter(samples)

        def get_next(self):
            return next(self.it, None)

    logging.getLogger().setLevel(logging.ERROR)  # ORT warns through the root logger
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "pre.onnx"
        if preprocess:
            quant_pre_process(str(model_path), str(src), skip_symbolic_shape=True)
        else:
            src = Path(model_path)
        out = Path(tmp) / "qdq.onnx"
        quantize_static(str(src), str(out), Reader(), quant_format=QuantFormat.QDQ, per_channel=per_channel,
                        activation_type=QuantType.QInt8, weight_type=QuantType.QInt8,
                        calibrate_method=getattr(CalibrationMethod, _METHODS.get(method, "MinMax")),
                        extra_options={"ActivationSymmetric": symmetric, "WeightSymmetric": True})
        return onnx.load(str(out))


def _session(model: onnx.ModelProto, optimize: bool):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    if not optimize:
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])


def _with_outputs(model: onnx.ModelProto, names: list[str]) -> onnx.ModelProto:
    m = onnx.ModelProto()
    m.CopyFrom(model)
    have = {o.name for o in m.graph.output}
    for n in names:
        if n not in have:
            m.graph.output.append(onnx.helper.make_empty_tensor_value_info(n))
            have.add(n)
    return m


def layer_tensors(model: onnx.ModelProto) -> dict[str, str]:
    """npu layer name -> ONNX tensor holding that layer's value.

    A node's first output, except that a Conv followed only by a BatchNormalization
    maps to the BN's output (npu folds the BN into the conv, which keeps the conv's name).
    """
    users: dict[str, list] = {}
    for n in model.graph.node:
        for t in n.input:
            users.setdefault(t, []).append(n)
    out = {}
    for n in model.graph.node:
        if not n.output:
            continue
        t = n.output[0]
        u = users.get(t, [])
        if n.op_type == "Conv" and len(u) == 1 and u[0].op_type == "BatchNormalization":
            t = u[0].output[0]
        out[n.name or n.output[0]] = t
    return out


def _qdq_tensor(qdq: onnx.ModelProto, original: onnx.ModelProto, t: str) -> str | None:
    """The QDQ-model tensor that holds original tensor `t` as the next op sees it (see module docstring)."""
    produced = {o for n in qdq.graph.node for o in n.output}
    q_of = {n.input[0]: n.output[0] for n in qdq.graph.node if n.op_type == "QuantizeLinear"}
    dq_of = {n.input[0]: n.output[0] for n in qdq.graph.node if n.op_type == "DequantizeLinear"}
    if t in q_of and q_of[t] in dq_of:
        return dq_of[q_of[t]]
    if t in produced:
        return t
    # a ReLU/Clip that onnxruntime folded into the quantization: the conv now writes the
    # activation's tensor name, whose raw (pre-quantization) value is the pre-activation value
    users = [n for n in original.graph.node if t in n.input]
    if len(users) == 1 and users[0].op_type in ("Relu", "Clip") and users[0].output[0] in produced:
        return users[0].output[0]
    return None


def _run(model: onnx.ModelProto, tensors: list[str], samples: list[dict], optimize: bool = False):
    sess = _session(_with_outputs(model, tensors), optimize)
    outs = {t: [] for t in tensors}
    for s in samples:
        got = sess.run(tensors, s)
        for t, v in zip(tensors, got):
            outs[t].append(np.asarray(v, dtype=np.float32))
    return outs


def ort_layer_rows(original: onnx.ModelProto, qdq_model: onnx.ModelProto, samples: list[dict],
                   names: list[str] | None = None) -> list[dict]:
    """Per layer name (npu's naming, `names` order): ORT's quantized value vs ORT's fp32 value."""
    tensors = layer_tensors(original)
    names = [n for n in (names or list(tensors)) if n in tensors]
    pairs = {n: (tensors[n], _qdq_tensor(qdq_model, original, tensors[n])) for n in names}
    pairs = {n: p for n, p in pairs.items() if p[1] is not None}
    ref = _run(original, sorted({p[0] for p in pairs.values()}), samples)
    act = _run(qdq_model, sorted({p[1] for p in pairs.values()}), samples)
    rows = []
    for n, (rt, qt) in pairs.items():
        r = np.concatenate([a.reshape(-1) for a in ref[rt]])
        a = np.concatenate([b.reshape(-1) for b in act[qt]])
        if r.shape != a.shape:
            continue
        f = compare(n, r, a)
        rows.append({"name": n, "sqnr_db": f.sqnr_db, "cosine": f.cosine, "max_abs": f.max_abs, "verdict": f.verdict})
    return rows


def ort_outputs(model: onnx.ModelProto, samples: list[dict]) -> np.ndarray:
    """First graph output over the samples, with onnxruntime's default optimizations (its real int8 path)."""
    sess = _session(model, optimize=True)
    name = sess.get_outputs()[0].name
    return np.concatenate([np.asarray(sess.run([name], s)[0]).reshape(1, -1) for s in samples])
