"""Empty tensors (a dimension of size 0) through level 4 and the binary (npu-fold-empty + io_copy).

A model with an empty graph input, reductions over its empty axis (sum, max, log of the sum),
a split with a zero-size piece returned as an (empty) graph output and a concat with an empty
piece: lowered on two presets, the level-4 outputs are bit-identical to golden (dtype, shape,
bytes), and so are those of its .npubin loaded back (zero-size symbols).
"""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto as TP
from onnx import helper

from npu.binary.encode import encode
from npu.binary.loader import load
from npu.interp.executor import Program
from npu.interp.level4 import Level4Machine
from npu.ir.context import make_context, parse_module
from npu.onnx.importer import import_model
from npu.spatial import lower_module
from npu.target import load_target


def _model(path):
    e = helper.make_tensor_value_info("e", TP.FLOAT, [2, 0, 4])
    y = helper.make_tensor_value_info("y", TP.FLOAT, [3, 4])
    outs = [helper.make_tensor_value_info("sum", TP.FLOAT, [2, 1, 4]),
            helper.make_tensor_value_info("max", TP.FLOAT, [2, 4]),
            helper.make_tensor_value_info("logsum", TP.FLOAT, [2, 1, 4]),
            helper.make_tensor_value_info("piece", TP.FLOAT, [0, 4]),
            helper.make_tensor_value_info("cat", TP.FLOAT, [3, 4]),
            helper.make_tensor_value_info("relu", TP.FLOAT, [3, 4])]
    axes = helper.make_node("Constant", [], ["axes"], value=helper.make_tensor("a", TP.INT64, [1], [1]))
    split = helper.make_node("Constant", [], ["split"], value=helper.make_tensor("s", TP.INT64, [2], [0, 3]))
    nodes = [axes, split,
             helper.make_node("ReduceSum", ["e", "axes"], ["sum"], keepdims=1),
             helper.make_node("ReduceMax", ["e", "axes"], ["max"], keepdims=0),
             helper.make_node("Log", ["sum"], ["logsum"]),
             helper.make_node("Split", ["y", "split"], ["piece", "rest"], axis=0),
             helper.make_node("Concat", ["piece", "rest"], ["cat"], axis=0),
             helper.make_node("Relu", ["rest"], ["relu"])]
    graph = helper.make_graph(nodes, "empty", [e, y], outs)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]), path)
    return path


def _same(got, want):
    assert list(got) == list(want)  # the same outputs in the function's result order
    for name, value in want.items():
        assert got[name].dtype == value.dtype and got[name].shape == value.shape, name
        assert got[name].tobytes() == value.tobytes(), name


@pytest.mark.parametrize("preset", ["edge-lpddr", "datacenter-hbm"])
def test_empty_tensors_lower_and_match_golden(tmp_path, preset):
    path = _model(tmp_path / "empty.onnx")
    inputs = {"e": np.zeros((2, 0, 4), np.float32),
              "y": np.random.default_rng(3).standard_normal((3, 4)).astype(np.float32)}
    module = import_model(str(path))
    with module.context:
        want = Program(module).run(inputs)
    assert np.all(want["sum"] == 0) and np.all(np.isneginf(want["max"])) and np.all(np.isneginf(want["logsum"]))
    target = load_target(preset)
    lowered = lower_module(import_model(str(path)), target)
    with lowered.context:
        text = str(lowered)
        _same(Level4Machine(lowered, target).run(inputs), want)
        data = encode(lowered, target)
    assert 'sym_name = "piece", type = memref<0x4xf32, "ext">' in text  # an empty output global
    assert "npu_pe.reduce" not in text  # the reductions over nothing are constants
    loaded = load(data)
    with loaded.module.context:
        _same(Level4Machine(loaded.module, target).run(inputs), want)


def test_fold_empty_leaves_ops_it_cannot_evaluate():
    """An op reading an empty tensor and a non-constant one (rule 4) stays for npu-tile to name."""
    from npu.passes.fold_empty import fold_empty

    text = ('func.func @main(%x: tensor<3x0xf32> {npu.name = "x"}, %w: tensor<0x4xf32> {npu.name = "w"}, '
            '%b: tensor<3x4xf32> {npu.name = "b"}) -> tensor<3x4xf32> {\n'
            '  %0 = "npu_tensor.matmul"(%x, %w) : (tensor<3x0xf32>, tensor<0x4xf32>) -> tensor<3x4xf32>\n'
            '  %1 = "npu_tensor.add"(%0, %b) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>\n'
            "  return %1 : tensor<3x4xf32>\n}")
    module = parse_module(text, make_context())
    with module.context, module.operation.location:
        func_op = module.body.operations[0].operation
        assert fold_empty(func_op) == 1  # the matmul of two empty tensors: zeros [3, 4]
        printed = str(module)
    assert "npu_tensor.matmul" not in printed and "arith.constant dense<0.000000e+00> : tensor<3x4xf32>" in printed
    assert "npu_tensor.add" in printed  # a constant plus a graph input: not this pass's business
