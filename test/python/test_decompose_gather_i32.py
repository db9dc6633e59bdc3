"""gather_nd of an i32 table with run-time indices (npu.decompose.data: two i16 halves through the exact
one-hot route, recombined in i32): bit-identical to golden over the whole i32 range, at level 4 on the three
presets and on the ONNX node cases."""

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


def _t(shape, elem):
    return "tensor<" + "".join(f"{d}x" for d in shape) + elem + ">"


def _module(xs, ids, out, batch_dims):
    tx, ti, to = _t(xs, "i32"), _t(ids, "i64"), _t(out, "i32")
    return (f'func.func @main(%x: {tx} {{npu.name = "x"}}, %i: {ti} {{npu.name = "i"}}) -> ({to} {{npu.name = "y"}}) {{\n'
            f'  %y = "npu_tensor.gather_nd"(%x, %i) {{batch_dims = {batch_dims} : i64}} : ({tx}, {ti}) -> {to}\n'
            f"  return %y : {to}\n}}")


CASES = [((5, 6, 3), (4, 2), (4, 3), 0), ((2, 7, 4), (2, 3, 1), (2, 3, 4), 1), ((9,), (6, 1), (6,), 0)]


def _inputs(rng, xs, ids, batch_dims):
    x = rng.integers(-2**31, 2**31, xs, dtype=np.int64).astype(np.int32)
    x.reshape(-1)[:4] = [-2**31, 2**31 - 1, -1, 0]
    dims = xs[batch_dims:batch_dims + ids[-1]]
    i = np.stack([rng.integers(-d, d, ids[:-1]) for d in dims], axis=-1).astype(np.int64)  # negative indices too
    return {"x": x, "i": i}


@pytest.mark.parametrize("xs,ids,out,batch_dims", CASES)
def test_gather_nd_i32_bit_identical(xs, ids, out, batch_dims):
    inputs = _inputs(np.random.default_rng(1), xs, ids, batch_dims)
    before, after, text = run_both(_module(xs, ids, out, batch_dims), inputs)
    assert '"npu_tensor.gather_nd"' not in text
    np.testing.assert_array_equal(after["y"], before["y"])


@pytest.mark.parametrize("target", PRESETS)
def test_gather_nd_i32_level4(target):
    tgt = load_target(target)
    xs, ids, out, batch_dims = CASES[1]
    inputs = _inputs(np.random.default_rng(2), xs, ids, batch_dims)
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(_module(xs, ids, out, batch_dims))
        gold = Program(module).run(inputs)
        got = run_level4(spatial.lower_module(module, tgt), inputs, target=tgt)
    np.testing.assert_array_equal(got["y"], gold["y"])


@pytest.mark.parametrize("name", ["test_gathernd_example_int32", "test_gathernd_example_int32_batch_dim1"])
def test_onnx_gather_nd_i32_cases_pass_at_level4(name):
    (case,) = front.list_cases(f"^{name}$")
    r = sc.run_case(case, load_target("edge-lpddr"))
    assert r.status == sc.PASS, r.message
