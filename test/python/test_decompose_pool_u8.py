"""max_pool of ui8 data (npu.decompose.conv: pooled as its exact i16 copy, cast back): bit-identical to golden,
at level 4 on the three presets and on the ONNX node case."""

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


def _module(shape, out, k, s, p, d):
    attrs = (f"{{auto_pad = \"NOTSET\", ceil_mode = 0 : i64, dilations = array<i64: {d}, {d}>, kernel_shape = "
             f"array<i64: {k}, {k}>, pads = array<i64: {p}, {p}, {p}, {p}>, storage_order = 0 : i64, "
             f"strides = array<i64: {s}, {s}>}}")
    t = "tensor<" + "x".join(map(str, shape)) + "xui8>"
    o = "tensor<" + "x".join(map(str, out)) + "xui8>"
    oi = "tensor<" + "x".join(map(str, out)) + "xi64>"
    return (f'func.func @main(%x: {t} {{npu.name = "x"}}) -> ({o} {{npu.name = "y"}}) {{\n'
            f'  %y, %i = "npu_tensor.max_pool"(%x) {attrs} : ({t}) -> ({o}, {oi})\n'
            f"  return %y : {o}\n}}")


GEOS = [(3, 1, 1, 1), (2, 2, 0, 1), (3, 2, 2, 2)]


def _case(rng, k, s, p, d, shape=(2, 3, 9, 9)):
    o = (shape[2] + 2 * p - (d * (k - 1) + 1)) // s + 1
    x = rng.integers(0, 256, shape).astype(np.uint8)
    x[0, 0] = 255  # values above 127: an int8 view would get them wrong
    return _module(shape, shape[:2] + (o, o), k, s, p, d), {"x": x}


@pytest.mark.parametrize("k,s,p,d", GEOS)
def test_max_pool_u8_golden_bit_identical(k, s, p, d):
    text, inputs = _case(np.random.default_rng(k * 10 + s), k, s, p, d)
    before, after, out = run_both(text, inputs)
    assert "xi16>" in out
    assert after["y"].dtype == np.uint8
    np.testing.assert_array_equal(after["y"], before["y"])


@pytest.mark.parametrize("target", PRESETS)
def test_max_pool_u8_level4(target):
    tgt = load_target(target)
    for k, s, p, d in GEOS:
        text, inputs = _case(np.random.default_rng(5), k, s, p, d)
        with make_context(), ir.Location.unknown():
            module = ir.Module.parse(text)
            gold = Program(module).run(inputs)
            got = run_level4(spatial.lower_module(module, tgt), inputs, target=tgt)
        assert got["y"].dtype == np.uint8
        np.testing.assert_array_equal(got["y"], gold["y"])


def test_onnx_max_pool_u8_case_passes_at_level4():
    (case,) = front.list_cases("^test_maxpool_2d_uint8$")
    r = sc.run_case(case, load_target("edge-lpddr"))
    assert r.status == sc.PASS, r.message
