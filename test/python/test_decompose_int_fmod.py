"""Integer mod with fmod = 1 (npu.decompose.int_fmod): bit-identical to golden's np.fmod, zero divisors
and INT_MIN % -1 included, at level 4 on the three presets and on the ONNX node case."""

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
T = {"i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64, "ui8": np.uint8, "ui32": np.uint32}


def _module(elem, sx, sy, so, fmod=1):
    tx, ty, to = (f"tensor<{'x'.join(map(str, s))}x{elem}>" for s in (sx, sy, so))
    return (f'func.func @main(%x: {tx} {{npu.name = "x"}}, %y: {ty} {{npu.name = "y"}}) -> ({to} {{npu.name = "z"}}) {{\n'
            f'  %z = "npu_tensor.mod"(%x, %y) {{fmod = {fmod} : i64}} : ({tx}, {ty}) -> {to}\n'
            f"  return %z : {to}\n}}")


def _data(rng, elem, sx, sy):
    info = np.iinfo(T[elem])
    x = rng.integers(info.min, info.max, sx, endpoint=True).astype(T[elem])
    y = rng.integers(max(info.min, -9), 10, sy, endpoint=True).astype(T[elem])
    x.reshape(-1)[:4] = [info.min, info.min, 0, info.max]
    y.reshape(-1)[:4] = [0, 1 if info.min == 0 else -1, 0, 7]  # zero divisor, INT_MIN % -1
    return {"x": x, "y": y}


@pytest.mark.parametrize("elem", list(T))
@pytest.mark.parametrize("sx,sy", [((6, 7), (6, 7)), ((4, 5), (1, 5))])
def test_int_fmod_bit_identical(elem, sx, sy):
    inputs = _data(np.random.default_rng(1), elem, sx, sy)
    before, after, out = run_both(_module(elem, sx, sy, sx), inputs)
    assert "fmod = 1" not in out
    np.testing.assert_array_equal(after["z"], before["z"])
    assert np.any((inputs["x"] < 0) & (after["z"] != 0)) or elem.startswith("ui")  # a negative remainder seen


def test_fmod_zero_and_floats_are_left_alone():
    _, _, out = run_both(_module("i32", (3,), (3,), (3,), fmod=0), {"x": np.arange(3, dtype=np.int32) - 1,
                                                                      "y": np.full(3, 2, np.int32)})
    assert out.count('"npu_tensor.mod"') == 1 and "fmod = 0" in out


@pytest.mark.parametrize("target", PRESETS)
def test_int_fmod_level4(target):
    tgt = load_target(target)
    for elem in ("i64", "i32"):
        inputs = _data(np.random.default_rng(2), elem, (5, 9), (5, 9))
        text = _module(elem, (5, 9), (5, 9), (5, 9))
        with make_context(), ir.Location.unknown():
            module = ir.Module.parse(text)
            gold = Program(module).run(inputs)
            got = run_level4(spatial.lower_module(module, tgt), inputs, target=tgt)
        np.testing.assert_array_equal(got["z"], gold["z"])


def test_onnx_mod_int64_fmod_passes_at_level4():
    (case,) = front.list_cases("^test_mod_int64_fmod$")
    r = sc.run_case(case, load_target("edge-lpddr"))
    assert r.status == sc.PASS, r.message
