"""Spatial lowering of npu_tensor.lrn (npu.spatial.rules_lrn): level 4 vs the golden kernel on edge-lpddr.

The level-4 result is checked elementwise against the exact (float64) LRN within the bound
stated in rules_lrn's docstring: (beta (size + 3) + 3 (1 + |beta ln D|) + 2) u |y|, u = 2^-24.
"""

from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper

import npu.spatial as spatial
from npu.errors import NpuError
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.onnx.importer import import_model
from npu.target import load_target

U = 2.0**-24


def lrn_model(shape, size, alpha, beta, bias):
    node = helper.make_node("LRN", ["x"], ["y"], size=size, alpha=alpha, beta=beta, bias=bias, name="norm")
    graph = helper.make_graph([node], "lrn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)])
    return import_model(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
                        context=make_context())


def exact_lrn(x, size, alpha, beta, bias):
    """float64 LRN (independent of the golden kernel's cumulative sum) and its base D."""
    xw = x.astype(np.float64)
    lo = (size - 1) // 2
    c = x.shape[1]
    pad = np.zeros((x.shape[0], c + size - 1) + x.shape[2:])
    pad[:, lo:lo + c] = xw * xw
    s = sum(pad[:, k:k + c] for k in range(size))
    d = bias + alpha / size * s
    return xw / d**beta, d


@pytest.mark.parametrize("shape,size,alpha,beta,bias", [
    ((2, 7, 5, 6), 5, 1e-4, 0.75, 1.0),     # AlexNet / GoogLeNet parameters
    ((1, 16, 3, 3), 4, 0.3, 0.75, 2.0),     # even size: window [c - 1, c + 2]
    ((1, 3, 2, 2), 1, 0.5, 0.5, 1.0),       # size 1: no padding rows
    ((1, 8, 40, 40), 5, 2.0, 1.3, 0.5),     # strong normalization, tiles spread over several PEs
])
def test_lrn_level4_within_bound_of_golden(shape, size, alpha, beta, bias):
    target = load_target("edge-lpddr")
    module = lrn_model(list(shape), size, alpha, beta, bias)
    x = (np.random.default_rng(size).standard_normal(shape) * 3).astype(np.float32)
    gold = Program(module).run({"x": x})["y"]
    lowered = spatial.lower_module(module, target)
    text = str(lowered)
    assert '"npu_pe.unary"' in text and 'kind = "exp"' in text and 'kind = "log"' in text
    out = run_level4(lowered, {"x": x}, target=target)["y"]
    y, d = exact_lrn(x, size, *(float(np.float32(v)) for v in (alpha, beta, bias)))
    beta32 = float(np.float32(beta))
    bound = (beta32 * (size + 3) + 3 * (1 + np.abs(beta32 * np.log(d))) + 2) * U * np.abs(y)
    assert np.all(np.abs(gold - y) <= U * np.abs(y))  # golden: one rounding of the float64 result
    err = np.abs(out.astype(np.float64) - y)
    assert np.all(err <= bound), f"max error / bound {float((err / bound).max())}"
    assert np.all(np.abs(out.astype(np.float64) - gold) <= bound + U * np.abs(y))


def test_lrn_nonpositive_bias_is_a_located_error():
    module = lrn_model([1, 4, 2, 2], 3, 1e-4, 0.75, 0.0)
    with pytest.raises(NpuError, match=r"lrn.*bias > 0"):
        spatial.lower_module(module, load_target("edge-lpddr"))
