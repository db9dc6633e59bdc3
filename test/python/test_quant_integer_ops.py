"""npu-quantize's integer forms of Softmax, LayerNormalization, Concat, MatMul with a constant
left operand and Gemm with transA, on the bundled transformer and on small inline ONNX models.

- In the quantized digits transformer every softmax_int / layer_norm_int result is, element
  by element, within one step of the float op applied to the same int8 input and rounded to
  the same output grid (and equal to it for >= 99% of the values): the lowering's integer
  parameters (gamma, beta, epsilon, axis, scales) mean what the float model means.
- A model with a constant-left MatMul, Gemm transA, a Gemm whose constant is A, a Concat of
  differently scaled tensors, a LayerNormalization and a Softmax is fully integer at int8
  (per channel and per tensor) and close to the float model; the same layers also work at
  fp8 / bf16 / int4; integer_norm=False keeps Softmax and LayerNormalization in float.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from npu.interp.executor import Program
from npu.quant import quantize, reference_module
from npu.quant.evaluate import first_output, output_sqnr, run_batch
from npu.quant.graph import layer_name
from npu.quant.qtypes import qparams_of

ROOT = Path(__file__).resolve().parents[2]
DIGITS = ROOT / "examples" / "digits"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("NPU_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "npu-cache"))


def _values_by_result(module, x) -> dict:
    """Every op result's value for one run, keyed by the ir.Value."""
    seen = {}
    program = Program(module)

    def hook(op, values):
        for r, v in zip(op.results, values):
            seen[r] = v

    program.run({program.inputs[0].name: x}, on_result=hook)
    return seen


def _float_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _float_layer_norm(x: np.ndarray, axis: int, gamma, beta, eps: float) -> np.ndarray:
    axes = tuple(range(axis, x.ndim))
    mu = x.mean(axis=axes, keepdims=True)
    return gamma * (x - mu) / np.sqrt(((x - mu) ** 2).mean(axis=axes, keepdims=True) + eps) + beta


def test_transformer_integer_ops_agree_with_float_ops_on_the_same_input():
    model_path = DIGITS / "digits_transformer.onnx"
    onnx_model = onnx.load(str(model_path))
    inits = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in onnx_model.graph.initializer}
    ln_nodes = {n.name: n for n in onnx_model.graph.node if n.op_type == "LayerNormalization"}
    calib = [np.load(f)["input"].reshape(1, 8, 8) for f in sorted((DIGITS / "calib").glob("*.npz"))]
    module, report = quantize(model_path, calib, "int8", progress=False)
    assert not report.float_ops
    assert sorted(o["kind"] for o in report.integer_ops) == ["layer_normalization"] * 5 + ["softmax"] * 2
    xs = np.load(DIGITS / "digits_test_seq.npz")["x"][:20]
    diffs: dict[str, list] = {}
    with module.context:
        ops = [op.operation for op in Program(module).func.regions[0].blocks[0].operations
               if op.operation.name in ("npu_tensor.softmax_int", "npu_tensor.layer_norm_int")]
        assert len(ops) == 7
        for x in xs:
            seen = _values_by_result(module, x.reshape(1, 8, 8))
            for op in ops:
                qi, qo = qparams_of(op.operands[0]), qparams_of(op.results[0])
                real = qi.dequantize(seen[op.operands[0]]).astype(np.float64)
                axis = int(op.attributes["axis"].value)
                if op.name == "npu_tensor.softmax_int":
                    y = _float_softmax(real, axis)
                else:
                    node = ln_nodes[layer_name(op, "")]
                    eps = next(a.f for a in node.attribute if a.name == "epsilon")
                    y = _float_layer_norm(real, axis, inits[node.input[1]], inits[node.input[2]], eps)
                want = np.clip(np.rint(y / float(qo.scale)) + int(qo.zero_point), -128, 127)
                diffs.setdefault(layer_name(op, ""), []).append(seen[op.results[0]].astype(np.int64) - want)
    for name, d in diffs.items():
        d = np.concatenate([a.reshape(-1) for a in d])
        assert np.abs(d).max() <= 1, name
        assert np.mean(d != 0) < 0.01, f"{name}: {np.mean(d != 0):.4f} of the values differ from the float op's"


# ----------------------------------------------------------------------------- inline model


def _mixed_model() -> onnx.ModelProto:
    rng = np.random.default_rng(5)
    inits = {"w1": rng.normal(0, 0.5, (6, 4)), "b1": rng.normal(0, 0.1, (6, 1)), "w2": rng.normal(0, 0.5, (6, 5)),
             "w3": rng.normal(0, 0.5, (3, 6)), "g": rng.normal(1, 0.2, (5,)), "beta": rng.normal(0, 0.2, (5,)),
             "three": [3.0]}
    nodes = [
        helper.make_node("MatMul", ["w1", "x"], ["m1"], name="lhs_mm"),  # [6, 4] x [4, 5]
        helper.make_node("Add", ["m1", "b1"], ["a1"], name="lhs_add"),
        helper.make_node("Relu", ["a1"], ["r1"], name="relu"),
        helper.make_node("Gemm", ["r1", "w2"], ["g1"], name="gemm_ta", transA=1),  # r1^T [5, 6] x [6, 5]
        helper.make_node("Gemm", ["w3", "r1"], ["g2"], name="gemm_lhs", alpha=0.5),  # [3, 6] x [6, 5]
        helper.make_node("Mul", ["g2", "three"], ["g3"], name="scale"),
        helper.make_node("Concat", ["g1", "g3", "x"], ["cat"], name="cat", axis=0),  # [12, 5]
        helper.make_node("LayerNormalization", ["cat", "g", "beta"], ["ln"], name="ln", axis=-1),
        helper.make_node("Softmax", ["ln"], ["y"], name="sm", axis=-1),
    ]
    graph = helper.make_graph(nodes, "mixed", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 5])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [12, 5])],
                              [numpy_helper.from_array(np.asarray(v, dtype=np.float32), k) for k, v in inits.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@pytest.fixture(scope="module")
def mixed():
    rng = np.random.default_rng(6)
    model = _mixed_model()
    calib = [rng.normal(0, 1, (4, 5)).astype(np.float32) for _ in range(16)]
    xs = [rng.normal(0, 1, (4, 5)).astype(np.float32) for _ in range(40)]
    ref = first_output(run_batch(reference_module(model), xs))
    return model, calib, xs, ref


def _ops(module) -> list[str]:
    with module.context:
        return [op.operation.name for op in Program(module).func.regions[0].blocks[0].operations]


@pytest.mark.parametrize("per_channel", [True, False])
def test_inline_model_is_fully_integer(mixed, per_channel):
    model, calib, xs, ref = mixed
    module, report = quantize(model, calib, "int8", per_channel=per_channel, progress=False)
    assert not report.float_ops
    assert [(r["name"], r["precision"], r["note"]) for r in report.layers] == [
        ("lhs_mm", "int8", ""), ("gemm_ta", "int8", ""), ("gemm_lhs", "int8", "")]
    names = _ops(module)
    assert names.count("npu_tensor.quantize") == 1 and names.count("npu_tensor.dequantize") == 1
    assert names.count("npu_tensor.concat") == 2 and "npu_tensor.transpose" in names
    assert output_sqnr(ref, first_output(run_batch(module, xs))) > 25.0


def test_concat_rescales_only_inputs_with_other_parameters(mixed):
    model, calib, _, _ = mixed
    module, _ = quantize(model, calib, "int8", progress=False)
    rescaled = 0
    with module.context:
        for op in Program(module).func.regions[0].blocks[0].operations:
            op = op.operation
            if op.name != "npu_tensor.concat":
                continue
            out = qparams_of(op.results[0])
            for v in op.operands:
                assert qparams_of(v).same_as(out)  # every part is on the output's grid
                producer = v.owner.operation
                if producer.name == "npu_tensor.rescale" and layer_name(producer, "") == "cat":
                    assert not qparams_of(producer.operands[0]).same_as(out)  # rescaled only when needed
                    rescaled += 1
    assert rescaled >= 2  # g1, g3 and x come with their own parameters


@pytest.mark.parametrize(("scheme", "floor_db"), [("fp8e4m3", 20.0), ("bf16", 40.0), ("int4", 18.0)])
def test_constant_lhs_and_trans_a_layers_at_other_precisions(mixed, scheme, floor_db):
    model, calib, xs, ref = mixed
    module, report = quantize(model, calib, scheme, progress=False)
    assert [r["precision"] for r in report.layers] == [scheme] * 3
    assert output_sqnr(ref, first_output(run_batch(module, xs))) > floor_db


def test_integer_norm_off_keeps_softmax_and_layer_norm_float(mixed):
    model, calib, _, _ = mixed
    module, report = quantize(model, calib, "int8", integer_norm=False, progress=False)
    assert {f["kind"] for f in report.float_ops} == {"softmax", "layer_normalization"}
    assert "npu_tensor.softmax_int" not in _ops(module)
