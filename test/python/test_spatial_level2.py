"""Level-2 ops through the spatial lowering, bit for bit against the golden interpreter.

Covers what issue 6 left out: K-split integer partial sums that overflow int32 (the
K-group 0 PE must wrap like the golden accumulator), the integer softmax and layer
normalization (`softmax_int`, `layer_norm_int`: CLZ, per-element shifts and
MUL with shift on the vector unit), the low-precision float layers (`conv_float`,
`matmul_float`, `quantize_float` of the fp8 / bf16 schemes), and per-layer location
names on level-4 ops (the perf model and the binary's debug table key by them).
The slow cases (every preset) are also run by bench/spatial_compile.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from mlir import ir

import npu.spatial as spatial
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.target import load_target

PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")
DIGITS = "examples/digits"


@pytest.fixture(scope="module")
def ctx():
    return make_context()


def _placed(ctx, text: str, target) -> tuple[dict, dict]:
    """npu.tile and npu.place of the one compute op of `text` after npu-tile and npu-place."""
    module = ir.Module.parse(text, ctx)
    spatial.lower_module_stats(module, target, spatial.LowerOptions(stop_after="npu-place"))
    from npu.ir.attrs import from_attr

    for op in module.body.operations[0].regions[0].blocks[0].operations:
        if "npu.place" in op.attributes:
            return from_attr(op.attributes["npu.tile"]), from_attr(op.attributes["npu.place"])
    raise AssertionError("no placed op")


# ------------------------------------------------------------------ K split wraps


def _k_split_case(k: int) -> str:
    return f"""
      func.func @main(%x: tensor<4x{k}xi8> {{npu.name = "x"}}) -> (tensor<4x8xi32> {{npu.name = "y"}}) {{
        %w = arith.constant dense<127> : tensor<{k}x8xi8>
        %b = arith.constant dense<{2**31 - 50000}> : tensor<8xi32>
        %0 = "npu_tensor.matmul_int"(%x, %w, %b) {{lhs_zp = 0 : i64, rhs_zp = 0 : i64}}
             : (tensor<4x{k}xi8>, tensor<{k}x8xi8>, tensor<8xi32>) -> tensor<4x8xi32>
        return %0 : tensor<4x8xi32>
      }}"""


def test_k_split_partial_sums_wrap_like_the_golden_int32_accumulator(ctx):
    """The K-group 0 PE's partial sum (bias + its chunks) overflows int32 and wraps; the other
    groups' partials are negative, so adding them with a saturating add would stick at -2^31.
    The golden total (bias + all products) is back in range: only wrapping gives it."""
    k = 512
    target = load_target("datacenter-hbm").with_overrides({"pe.sram.bytes": 8192, "mesh.rows": 1, "mesh.cols": 4})
    tile, place = _placed(ctx, _k_split_case(k), target)
    groups = int(place["kgroups"])
    assert groups > 1
    chunk = int(tile["tile"][3])
    chunks = -(-k // chunk)
    lead = chunk * (chunks // groups)  # the K-group 0 PE owns chunks [0, chunks // groups)
    x = np.full((4, k), -100, np.int8)
    x[:, :lead] = 100
    bias = 2**31 - 50000
    lead_sum = bias + lead * 100 * 127
    assert lead_sum > 2**31 - 1  # the leader's partial wraps
    module = ir.Module.parse(_k_split_case(k), ctx)
    gold = Program(module).run({"x": x})["y"]
    exact = bias + (lead - (k - lead)) * 100 * 127
    assert -(2**31) <= exact < 2**31 and np.all(gold == exact)
    out = run_level4(spatial.lower_module(module, target), {"x": x}, target=target)["y"]
    np.testing.assert_array_equal(out, gold)
