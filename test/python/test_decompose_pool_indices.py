"""2-D max_pool with its indices result used (npu.decompose.conv: compare/select chain over the window
offsets with constant flat indices): bit-identical to golden (ties: the first maximum; NaN; padding;
storage_order), at level 4 on the three presets and on the ONNX node cases."""

from __future__ import annotations

import numpy as np
import pytest
from mlir import ir

import npu.spatial as spatial
from npu.decompose.golden import run_both
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.onnx import conformance as front
from npu.spatial import conformance as sc
from npu.target import load_target

PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")


def _module(shape, k, s, p, d, order, elem="f32"):
    o = (shape[2] + 2 * p - (d * (k - 1) + 1)) // s + 1
    out = shape[:2] + (o, o)
    attrs = (f"{{auto_pad = \"NOTSET\", ceil_mode = 0 : i64, dilations = array<i64: {d}, {d}>, kernel_shape = "
             f"array<i64: {k}, {k}>, pads = array<i64: {p}, {p}, {p}, {p}>, storage_order = {order} : i64, "
             f"strides = array<i64: {s}, {s}>}}")
    t = "tensor<" + "x".join(map(str, shape)) + f"x{elem}>"
    o_t = "tensor<" + "x".join(map(str, out)) + f"x{elem}>"
    oi = "tensor<" + "x".join(map(str, out)) + "xi64>"
    return (f'func.func @main(%x: {t} {{npu.name = "x"}}) -> ({o_t} {{npu.name = "y"}}, {oi} {{npu.name = "i"}}) {{\n'
            f'  %y, %i = "npu_tensor.max_pool"(%x) {attrs} : ({t}) -> ({o_t}, {oi})\n'
            f"  return %y, %i : {o_t}, {oi}\n}}")


GEOS = [(3, 1, 1, 1, 0), (2, 2, 0, 1, 1), (3, 2, 2, 2, 0), (2, 1, 1, 1, 1)]


def _x(rng, shape, dtype=np.float32):
    x = rng.integers(-3, 4, shape).astype(dtype)  # few values: many ties, the first maximum must win
    if dtype == np.float32:
        x[0, 0, 1, 1] = np.nan
        x[1, 1] = -np.inf  # a whole plane of -inf: the padding must still not win
    return x


@pytest.mark.parametrize("k,s,p,d,order", GEOS)
@pytest.mark.parametrize("elem,dtype", [("f32", np.float32), ("i8", np.int8)])
def test_max_pool_indices_golden_bit_identical(k, s, p, d, order, elem, dtype):
    shape = (2, 3, 8, 8)
    inputs = {"x": _x(np.random.default_rng(k + s + p), shape, dtype)}
    before, after, out = run_both(_module(shape, k, s, p, d, order, elem), inputs)
    assert '"npu_tensor.max_pool"' not in out
    np.testing.assert_array_equal(after["y"], before["y"])
    np.testing.assert_array_equal(after["i"], before["i"])


@pytest.mark.parametrize("target", PRESETS)
def test_max_pool_indices_level4(target):
    tgt = load_target(target)
    for k, s, p, d, order in GEOS[:3]:
        inputs = {"x": _x(np.random.default_rng(9), (2, 3, 8, 8))}
        with make_context(), ir.Location.unknown():
            module = ir.Module.parse(_module((2, 3, 8, 8), k, s, p, d, order))
            gold = Program(module).run(inputs)
            got = run_level4(spatial.lower_module(module, tgt), inputs, target=tgt)
        np.testing.assert_array_equal(got["y"], gold["y"])
        np.testing.assert_array_equal(got["i"], gold["i"])


@pytest.mark.parametrize("name", ["test_maxpool_with_argmax_2d_precomputed_pads",
                                  "test_maxpool_with_argmax_2d_precomputed_strides"])
def test_onnx_max_pool_indices_cases_pass_at_level4(name):
    (case,) = front.list_cases(f"^{name}$")
    r = sc.run_case(case, load_target("edge-lpddr"))
    assert r.status == sc.PASS, r.message
