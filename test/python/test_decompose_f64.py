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


# ------------------------------------------------------------------ reductions and matmul (wide_float, math)

RED = [((6, 7), "array<i64: 1>", 0), ((3, 4, 5), "array<i64: 0, 2>", 1), ((9,), "array<i64: 0>", 1)]


def _axes(axes):
    return tuple(int(a) for a in axes.split(":")[1].strip(" >").split(","))


def _reduce_out(shape, axes, keep):
    ax = _axes(axes)
    return tuple(1 if i in ax else d for i, d in enumerate(shape)) if keep else \
        tuple(d for i, d in enumerate(shape) if i not in ax)


@pytest.mark.parametrize("name", ["reduce_max", "reduce_min"])
@pytest.mark.parametrize("shape,axes,keep", RED)
def test_reduce_extremum_f64_bit_identical(name, shape, axes, keep):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape) * 1e200
    x.reshape(-1)[1] = np.nan  # a NaN propagates like numpy's max / min
    out = _reduce_out(shape, axes, keep)
    text = _module(name, [shape], out, f"axes = {axes}, keepdims = {keep} : i64")
    before, after, dec = run_both(text, {"x0": x})
    assert f'"npu_tensor.{name}"' not in dec
    np.testing.assert_array_equal(after["y"], before["y"])
    assert np.isnan(after["y"]).any()


@pytest.mark.parametrize("shape,axes,keep", RED)
def test_reduce_sum_f64_within_bound(shape, axes, keep):
    """|after - golden| <= (ceil(log2 n) + n) u sum|x| (pairwise tree vs golden's own order)."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape) * 1e5
    out = _reduce_out(shape, axes, keep)
    before, after, dec = run_both(_module("reduce_sum", [shape], out, f"axes = {axes}, keepdims = {keep} : i64"),
                                  {"x0": x})
    assert '"npu_tensor.reduce_sum"' not in dec
    n = x.size // int(np.prod(out))
    bound = (math.ceil(math.log2(n)) + n) * U * np.abs(x).sum(axis=_axes(axes)).reshape(out)
    assert np.all(np.abs(after["y"] - before["y"]) <= bound)


MM = [((5, 7), (7, 3)), ((2, 4, 9), (9, 6)), ((2, 3, 5), (2, 5, 4)), ((8,), (8, 3)), ((4, 8), (8,))]


@pytest.mark.parametrize("sa,sb", MM)
def test_matmul_f64_within_bound(sa, sb):
    """|after - golden| <= (K + ceil(log2 K) + 1) u (|a| @ |b|)."""
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    out = np.matmul(a, b).shape
    before, after, dec = run_both(_module("matmul", [sa, sb], out), {"x0": a, "x1": b})
    assert '"npu_tensor.matmul"' not in dec
    k = sa[-1]
    bound = (k + math.ceil(math.log2(k)) + 1) * U * np.matmul(np.abs(a), np.abs(b))
    err = np.abs(after["y"] - before["y"])
    assert np.all(err <= bound)
    assert after["y"].dtype == np.float64


def test_f32_instances_are_left_alone():
    text = ('func.func @main(%x0: tensor<3x4xf32> {npu.name = "x0"}, %x1: tensor<4x2xf32> {npu.name = "x1"}) -> '
            '(tensor<3x2xf32> {npu.name = "y"}) {\n'
            '  %y = "npu_tensor.matmul"(%x0, %x1) : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>\n'
            '  return %y : tensor<3x2xf32>\n}')
    rng = np.random.default_rng(6)
    _, _, dec = run_both(text, {"x0": rng.standard_normal((3, 4)).astype(np.float32),
                                "x1": rng.standard_normal((4, 2)).astype(np.float32)})
    assert '"npu_tensor.matmul"' in dec


@pytest.mark.parametrize("target", PRESETS)
def test_matmul_and_reductions_f64_level4(target):
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal((2, 5, 12)), rng.standard_normal((2, 12, 3))
    gold, got = _level4(_module("matmul", [(2, 5, 12), (2, 12, 3)], (2, 5, 3)), {"x0": a, "x1": b}, target)
    assert np.all(np.abs(got["y"] - gold["y"]) <= (12 + 4 + 1) * U * np.matmul(np.abs(a), np.abs(b)))
    x = rng.standard_normal((4, 10)) * 1e100
    for name in ("reduce_max", "reduce_min"):
        gold, got = _level4(_module(name, [(4, 10)], (4, 1), "axes = array<i64: 1>, keepdims = 1 : i64"),
                            {"x0": x}, target)
        np.testing.assert_array_equal(got["y"], gold["y"])
    gold, got = _level4(_module("reduce_sum", [(4, 10)], (4,), "axes = array<i64: 1>, keepdims = 0 : i64"),
                        {"x0": x}, target)
    assert np.all(np.abs(got["y"] - gold["y"]) <= 14 * U * np.abs(x).sum(axis=1))


@pytest.mark.parametrize("name", ["test_einsum_batch_diagonal", "test_einsum_batch_matmul", "test_einsum_inner_prod",
                                  "test_einsum_sum", "test_einsum_transpose"])
def test_onnx_f64_einsum_cases_pass_at_level4(name):
    (case,) = front.list_cases(f"^{name}$")
    r = sc.run_case(case, load_target("edge-lpddr"))
    assert r.status == sc.PASS, r.message
