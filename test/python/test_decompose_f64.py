"""f64 compute decomposed into the exact f64 kinds level 4 has (add, sub, mul, div, max, min): cum_sum
(npu.decompose.data, shift-and-add tree), reduce_sum (npu.decompose.math), reduce_max / reduce_min / matmul
(npu.decompose.wide_float); golden before/after within each rule's bound, level 4 on the three presets."""

from __future__ import annotations

import math

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
U = 2.0**-53


def _ty(shape):
    return "tensor<" + "".join(f"{d}x" for d in shape) + "f64>"


def _module(op, args, result, attrs=""):
    params = ", ".join(f'%x{i}: {_ty(s)} {{npu.name = "x{i}"}}' for i, s in enumerate(args))
    ops = ", ".join(f"%x{i}" for i in range(len(args)))
    types = ", ".join(_ty(s) for s in args)
    return (f'func.func @main({params}) -> ({_ty(result)} {{npu.name = "y"}}) {{\n'
            f'  %y = "npu_tensor.{op}"({ops}) {{{attrs}}} : ({types}) -> {_ty(result)}\n'
            f"  return %y : {_ty(result)}\n}}")


def _level4(text, inputs, target):
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(text)
        gold = Program(module).run(inputs)
        lowered = spatial.lower_module(module, load_target(target))
        return gold, run_level4(lowered, inputs, target=load_target(target))


CUM = [((7,), 0), ((3, 9), 1), ((5, 2, 4), 0), ((2, 33), -1)]


@pytest.mark.parametrize("shape,axis", CUM)
def test_cum_sum_f64_within_bound(shape, axis):
    """|after - golden| <= n * u * sum|x| over the axis (u = 2^-53), each of exclusive / reverse."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape) * 1e3
    n = shape[axis]
    bound = n * U * np.abs(x).sum(axis=axis, keepdims=True)
    for exclusive in (0, 1):
        for reverse in (0, 1):
            attrs = f"axis = {axis} : i64, exclusive = {exclusive} : i64, reverse = {reverse} : i64"
            before, after, out = run_both(_module("cum_sum", [shape], shape, attrs), {"x0": x})
            assert '"npu_tensor.cum_sum"' not in out and '"npu_tensor.matmul"' not in out
            assert after["y"].dtype == np.float64
            assert np.all(np.abs(after["y"] - before["y"]) <= bound), (exclusive, reverse)


@pytest.mark.parametrize("target", PRESETS)
def test_cum_sum_f64_level4(target):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 19))
    attrs = "axis = 1 : i64, exclusive = 1 : i64, reverse = 1 : i64"
    gold, got = _level4(_module("cum_sum", [(4, 19)], (4, 19), attrs), {"x0": x}, target)
    assert got["y"].dtype == np.float64
    assert np.all(np.abs(got["y"] - gold["y"]) <= 19 * U * np.abs(x).sum(axis=1, keepdims=True))
    assert not np.array_equal(got["y"], np.zeros_like(got["y"]))


@pytest.mark.parametrize("name", [c.name for c in front.list_cases("^test_cumsum_")])
def test_onnx_cum_sum_cases_pass_at_level4(name):
    (case,) = front.list_cases(f"^{name}$")
    r = sc.run_case(case, load_target("edge-lpddr"))
    assert r.status == sc.PASS, r.message
