"""A `quantize` to a narrowed storage range (`i8<-127:127>`, `i4<-7:7>`) clips to that range in the
golden interpreter (what docs/quantization.md states), and its level-4 lowering agrees bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from mlir import ir

import npu.spatial as spatial
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.target import load_target


def _module(storage: str, lo: int, hi: int) -> str:
    qt = f"!quant.uniform<{storage}<{lo}:{hi}>:f32, 0.5>"
    return f"""
      func.func @main(%x: tensor<4x16xf32> {{npu.name = "x"}}) -> (tensor<4x16xf32> {{npu.name = "y"}}) {{
        %q = "npu_tensor.quantize"(%x) {{axis = 1 : i64, block_size = 0 : i64, saturate = 1 : i64,
             scale = array<f32: 0.5>, zero_point = array<i64: 0>}} : (tensor<4x16xf32>) -> tensor<4x16x{qt}>
        %y = "npu_tensor.dequantize"(%q) {{axis = 1 : i64, block_size = 0 : i64,
             scale = array<f32: 0.5>, zero_point = array<i64: 0>}} : (tensor<4x16x{qt}>) -> tensor<4x16xf32>
        return %y : tensor<4x16xf32>
      }}"""


@pytest.mark.parametrize("storage, lo, hi", [("i8", -127, 127), ("i4", -7, 7), ("i8", -100, 90)])
@pytest.mark.parametrize("preset", ["edge-lpddr", "datacenter-hbm"])
def test_narrowed_quantize_clips_to_the_type_range_at_every_level(storage, lo, hi, preset):
    x = np.linspace(-80, 80, 64, dtype=np.float32).reshape(4, 16)  # past both ends of every range
    with make_context() as ctx:
        gold = Program(ir.Module.parse(_module(storage, lo, hi), ctx)).run({"x": x})["y"]
        np.testing.assert_array_equal(gold, np.clip(np.rint(x / 0.5), lo, hi) * 0.5)
        target = load_target(preset)
        lowered = spatial.lower_module(ir.Module.parse(_module(storage, lo, hi), ctx), target)
        out = run_level4(lowered, {"x": x}, target=target)["y"]
    np.testing.assert_array_equal(out.view(np.uint32), gold.view(np.uint32))
