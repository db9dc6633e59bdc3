"""Float -> fp8 casts with either `saturate` value, and Clip with min > max, lower to level 4
bit-identically to golden (the casts npu_pe.cast does not do directly go through npu-decompose)."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from mlir import ir

import npu.spatial as spatial
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.target import load_target

SPECIALS = np.array([0.0, -0.0, 1.0, -1.0, 447.0, 449.0, 463.9, 464.0, 464.1, 480.0, 500.0, -500.0, 57343.0,
                     57344.0, 61439.0, 61440.0, 70000.0, -70000.0, 1e30, -1e30, np.inf, -np.inf, np.nan, -np.nan,
                     1e-9, -1e-9, 3.1e-5, 0.3], np.float32)


def _case(src: str, dst: str, saturate: int) -> str:
    n = SPECIALS.size
    return f"""
      func.func @main(%x: tensor<4x{n}x{src}> {{npu.name = "x"}}) -> (tensor<4x{n}x{dst}> {{npu.name = "y"}}) {{
        %0 = "npu_tensor.cast"(%x) {{round_mode = "up", saturate = {saturate} : i64}} : (tensor<4x{n}x{src}>) -> tensor<4x{n}x{dst}>
        return %0 : tensor<4x{n}x{dst}>
      }}"""


def _run(text: str, feed: dict, preset: str):
    with make_context() as ctx:
        gold = Program(ir.Module.parse(text, ctx)).run(feed)
        target = load_target(preset)
        out = run_level4(spatial.lower_module(ir.Module.parse(text, ctx), target), feed, target=target)
    return gold["y"], out["y"]


@pytest.mark.parametrize("preset", ["edge-lpddr", "datacenter-hbm"])
@pytest.mark.parametrize("src", ["f32", "bf16"])
@pytest.mark.parametrize("dst", ["f8E4M3FN", "f8E5M2"])
@pytest.mark.parametrize("saturate", [0, 1])
def test_fp8_cast_both_saturate_modes_bit_identical(preset, src, dst, saturate):
    x = np.stack([SPECIALS, -SPECIALS, SPECIALS * 0.5, SPECIALS * 3])
    x = x.astype(ml_dtypes.bfloat16) if src == "bf16" else x
    gold, out = _run(_case(src, dst, saturate), {"x": x}, preset)
    assert out.dtype == gold.dtype
    np.testing.assert_array_equal(out.view(np.uint8), gold.view(np.uint8))
    # the cases differ: NaN / inf / the largest value where the other mode gives something else
    other, _ = _run(_case(src, dst, 1 - saturate), {"x": x}, "edge-lpddr")
    assert not np.array_equal(other.view(np.uint8), gold.view(np.uint8))


@pytest.mark.parametrize("lo, hi", [(5.0, 2.0), (0.0, 0.0), (-1.0, 1.0)])
def test_clip_with_min_above_max_gives_max(lo, hi):
    text = f"""
      func.func @main(%x: tensor<3x8xf32> {{npu.name = "x"}}) -> (tensor<3x8xf32> {{npu.name = "y"}}) {{
        %0 = "npu_tensor.clip"(%x) {{max = {hi:e} : f32, min = {lo:e} : f32}} : (tensor<3x8xf32>) -> tensor<3x8xf32>
        return %0 : tensor<3x8xf32>
      }}"""
    x = np.linspace(-4, 7, 24, dtype=np.float32).reshape(3, 8)
    gold, out = _run(text, {"x": x}, "edge-lpddr")
    np.testing.assert_array_equal(out, gold)
    if lo > hi:
        assert np.all(gold == hi)
