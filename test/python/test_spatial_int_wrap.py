"""Level-1 integer add / sub / mul wrap modulo 2^bits (numpy) in the golden interpreter; their
level-4 lowering (binary add_wrap / sub_wrap / mul_wrap) must wrap the same way, not saturate."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper

import npu.spatial as spatial
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.interp.level4_compute import run_compute
from npu.ir.context import make_context
from npu.onnx.importer import import_model
from npu.target import load_target

ONNX_TYPE = {np.int8: TensorProto.INT8, np.int16: TensorProto.INT16, np.int32: TensorProto.INT32}


def _overflowing(dtype, shape, seed):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(seed)
    values = rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=np.int64)
    values.reshape(-1)[:4] = [info.max, info.min, info.max, -1]  # sums / products past the range
    return values.astype(dtype)


@pytest.mark.parametrize("preset", ["edge-lpddr", "datacenter-hbm"])
@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32])
def test_integer_add_sub_mul_wrap_like_golden_on_level4(preset, dtype):
    t = ONNX_TYPE[dtype]
    shape = [3, 40]
    nodes = [helper.make_node("Add", ["a", "b"], ["s"]), helper.make_node("Sub", ["s", "b"], ["d"]),
             helper.make_node("Mul", ["d", "a"], ["y"])]
    graph = helper.make_graph(nodes, "wrap",
                              [helper.make_tensor_value_info(n, t, shape) for n in ("a", "b")],
                              [helper.make_tensor_value_info(n, t, shape) for n in ("s", "d", "y")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    feed = {"a": _overflowing(dtype, shape, 1), "b": _overflowing(dtype, shape, 2)}
    with make_context() as ctx:
        module = import_model(model, context=ctx)
        gold = Program(module).run(feed)
        target = load_target(preset)
        out = run_level4(spatial.lower_module(module, target), feed, target=target)
    wide = {k: v.astype(np.int64) for k, v in feed.items()}
    assert not np.array_equal(gold["s"].astype(np.int64), wide["a"] + wide["b"])  # the inputs do overflow
    for name in ("s", "d", "y"):
        assert out[name].dtype == gold[name].dtype
        np.testing.assert_array_equal(out[name], gold[name], err_msg=name)


@pytest.mark.parametrize("kind, op", [("sub_wrap", np.subtract), ("mul_wrap", np.multiply)])
def test_wrap_kinds_are_modular(kind, op):
    a = np.array([2**31 - 1, -2**31, 12345678, -7], np.int32)
    b = np.array([-1, 1, 98765, 3], np.int32)
    expected = op(a.astype(np.int64), b.astype(np.int64))
    expected = ((expected + 2**31) % 2**32 - 2**31).astype(np.int32)
    got = run_compute("npu_pe.binary", [a, b], ["i32", "i32", "i32"], {"kind": kind}, a.shape)
    np.testing.assert_array_equal(got, expected)
