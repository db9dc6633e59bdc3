"""The integer softmax / layer norm / concat / constant-lhs matmul against the TOSA reference model.

1. The new npu.numerics primitives (CLZ, LOGICAL_LEFT_SHIFT, BITWISE_AND, ADD, SUB,
   CAST, REDUCE_MAX, REDUCE_SUM) equal the model on thousands of random values.
2. Small ONNX models (a MatMul layer feeding one Softmax or one LayerNormalization: the
   integer forms apply to int8 inputs; or MatMul with a constant left operand + Gemm
   transA + Concat of differently scaled inputs) are quantized
   with random calibration data; npu.quant.tosa_export writes their integer core as
   TOSA (the softmax and layer norm expanded into TOSA operators), and the model's
   output on random int8 inputs (every int8 value, not only quantized floats) must
   equal the golden interpreter's bit for bit.
Skips cleanly when the tosa-tools venv is absent (`make .venv-tosa/.installed`).
"""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import npu.numerics as N
from npu.interp.executor import Program
from npu.quant import quantize
from npu.quant.qtypes import qparams_of
from npu.quant.tosa_export import export
from npu.testing import tosa_oracle as T

N_VALUES = 4096


@pytest.fixture(scope="module")
def oracle() -> T.TosaOracle:
    try:
        return T.TosaOracle.locate()
    except T.TosaOracleUnavailable as e:
        pytest.skip(f"TOSA reference model unavailable: {e}")


def _int32(rng, n: int, bits: int = 31) -> np.ndarray:
    lengths = rng.integers(0, bits + 1, n)
    v = rng.integers(0, 1 << 40, n) >> (40 - lengths)
    return np.where(rng.random(n) < 0.5, -v, v).astype(np.int32)


def test_new_primitives_match_reference_model(oracle):
    rng = np.random.default_rng(900)
    a, b = _int32(rng, N_VALUES), _int32(rng, N_VALUES)
    a[:3] = [0, -1, np.iinfo(np.int32).max]
    (ref,) = oracle.run(T.unary_case("clz", a.shape, "int32"), [a])
    np.testing.assert_array_equal(ref, N.clz(a))
    s = rng.integers(0, 32, N_VALUES).astype(np.int32)
    (ref,) = oracle.run(T.binary_case("logical_left_shift", a.shape, "int32"), [a, s])
    np.testing.assert_array_equal(ref, N.logical_left_shift(a, s))
    (ref,) = oracle.run(T.binary_case("bitwise_and", a.shape, "int32"), [a, b])
    np.testing.assert_array_equal(ref, N.bitwise_and(a, b))
    half_a, half_b = (a >> 1).astype(np.int32), (b >> 1).astype(np.int32)
    for op, fn in (("add", N.add_int32), ("sub", N.sub_int32)):
        (ref,) = oracle.run(T.binary_case(op, a.shape, "int32"), [half_a, half_b])
        np.testing.assert_array_equal(ref, fn(half_a, half_b))
    small = np.clip(a, -40000, 40000).astype(np.int32)  # the casts to int16 npu emits are in range
    (ref,) = oracle.run(T.unary_case("cast", a.shape, "int32", "int16"), [small])
    np.testing.assert_array_equal(ref, N.cast_int(small, "int16"))
    q = rng.integers(-128, 128, (64, 64)).astype(np.int8)
    (ref,) = oracle.run(T.unary_case("cast", q.shape, "int8", "int32"), [q])
    np.testing.assert_array_equal(ref, N.cast_int(q, "int32"))
    (ref,) = oracle.run(T.reduce_case("reduce_max", q.shape, "int8", 1), [q])
    np.testing.assert_array_equal(ref, N.reduce_max_int(q, 1))
    wide = (a >> 8).reshape(64, 64).astype(np.int32)
    (ref,) = oracle.run(T.reduce_case("reduce_sum", wide.shape, "int32", 0), [wide])
    np.testing.assert_array_equal(ref, N.reduce_sum_int(wide, 0))


# ----------------------------------------------------------------------------- whole level-2 cores


def _model(nodes, inits, in_shape, out_shape) -> onnx.ModelProto:
    graph = helper.make_graph(nodes, "case", [helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)],
                              [numpy_helper.from_array(np.asarray(v, dtype=np.float32), k) for k, v in inits.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _check_core(oracle, model, calib, rng, expect_ops) -> None:
    """Random int8 inputs through the exported core on the reference model == the golden interpreter."""
    module, _ = quantize(model, calib, "int8", progress=False, cache=False)
    core = export(module)
    for op in expect_ops:
        assert op in core.text, f"{op} missing from the exported core"
    shape = calib[0].shape
    with module.context:
        program = Program(module)
        quant = next(op for op in program.func.regions[0].blocks[0].operations
                     if op.operation.name == "npu_tensor.quantize")
        qp = qparams_of(quant.results[0])
        for _ in range(2):
            q = rng.integers(-128, 128, shape).astype(np.int8)
            seen: list = []
            program.run({"x": qp.dequantize(q)}, on_result=lambda op, values: seen.append((op.name, values[0])))
            assert np.array_equal(seen[0][1], q)  # dequantized int8 values quantize back exactly
            last = max(i for i, (name, _) in enumerate(seen) if name == "npu_tensor.dequantize")
            expected = seen[last - 1][1]
            (got,) = oracle.run(core.text, [q.transpose(0, 2, 3, 1) if core.input_nhwc else q])
            assert got.dtype == expected.dtype and np.array_equal(got, expected)


@pytest.mark.parametrize("seed", range(3))
def test_integer_softmax_core_matches_reference_model(oracle, seed):
    rng = np.random.default_rng(910 + seed)
    n, axis = [(7, 1), (33, 0), (130, 1)][seed]
    shape = [16, n] if axis == 1 else [n, 16]
    spread = [0.5, 4.0, 20.0][seed]
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"], name="mm"),
             helper.make_node("Softmax", ["h"], ["y"], name="sm", axis=axis)]
    w = np.eye(shape[-1]) + rng.normal(0, 0.2, (shape[-1], shape[-1]))
    model = _model(nodes, {"w": w}, shape, shape)
    calib = [rng.normal(0, spread, shape).astype(np.float32) for _ in range(4)]
    _check_core(oracle, model, calib, rng, ["tosa.clz", "tosa.table", "tosa.reduce_max"])


@pytest.mark.parametrize("seed", range(4))
def test_integer_layer_norm_core_matches_reference_model(oracle, seed):
    rng = np.random.default_rng(920 + seed)
    shape, axis = [([12, 3], -1), ([6, 32], -1), ([4, 300], -1), ([2, 4, 5, 6], 1)][seed]
    dims = shape[axis:] if axis != -1 else shape[-1:]
    eps = [1e-5, 1e-3, 1e-6, 1e-5][seed]
    inits = {"g": rng.normal(1, 0.5, dims), "b": rng.normal(0, 0.3, dims)}
    inits["w"] = np.eye(shape[-1]) + rng.normal(0, 0.2, (shape[-1], shape[-1]))
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"], name="mm"),
             helper.make_node("LayerNormalization", ["h", "g", "b"], ["y"], name="ln", axis=axis, epsilon=eps)]
    calib = [(rng.normal(0, 2, shape) + rng.normal(0, 1)).astype(np.float32) for _ in range(4)]
    _check_core(oracle, _model(nodes, inits, shape, shape), calib, rng, ["tosa.clz", "tosa.table", "tosa.bitwise_and"])


def test_constant_lhs_matmul_gemm_trans_a_and_concat_match_reference_model(oracle):
    rng = np.random.default_rng(930)
    inits = {"w1": rng.normal(0, 0.5, (6, 4)), "b1": rng.normal(0, 0.1, (6, 1)), "w2": rng.normal(0, 0.5, (6, 5)),
             "w3": rng.normal(0, 0.5, (3, 6)), "two": [3.0]}
    nodes = [helper.make_node("MatMul", ["w1", "x"], ["m1"], name="lhs_mm"),
             helper.make_node("Add", ["m1", "b1"], ["a1"], name="lhs_add"),
             helper.make_node("Relu", ["a1"], ["r1"], name="relu"),
             helper.make_node("Gemm", ["r1", "w2"], ["g1"], name="gemm_ta", transA=1),
             helper.make_node("Gemm", ["w3", "r1"], ["g2"], name="gemm_lhs", alpha=0.5),
             helper.make_node("Mul", ["g2", "two"], ["g3"], name="scale"),
             helper.make_node("Concat", ["g1", "g3", "x"], ["c"], name="cat", axis=0),
             helper.make_node("Relu", ["c"], ["y"], name="out")]
    model = _model(nodes, inits, [4, 5], [12, 5])
    calib = [rng.normal(0, 1, (4, 5)).astype(np.float32) for _ in range(8)]
    _check_core(oracle, model, calib, rng, ["tosa.matmul", "tosa.concat", "tosa.transpose"])
