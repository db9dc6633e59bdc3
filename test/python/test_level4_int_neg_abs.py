"""Integer neg / abs at level 4 wrap at the type's minimum like golden (numpy): -(-128) = |-128| = -128 in i8.

Level-4 unary neg / abs saturate (the ISA's rule); the eltwise family lowers level-1 integer neg to
0 sub_wrap x and abs to select(x < 0, 0 sub_wrap x, x). Checked bit for bit on every integer type.
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

INTS = {"i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
        "ui8": np.uint8, "ui16": np.uint16, "ui32": np.uint32, "ui64": np.uint64}


def _values(dtype) -> np.ndarray:
    info = np.iinfo(dtype)
    edge = [info.min, info.min + 1, -1 if info.min < 0 else 2, 0, 1, info.max, info.max - 1, info.max // 2]
    rand = np.random.default_rng(1).integers(info.min, info.max, size=40, dtype=dtype, endpoint=True)
    return np.concatenate([np.array(edge, dtype=dtype), rand]).reshape(6, 8)


@pytest.mark.parametrize("preset", ["edge-lpddr", "datacenter-hbm"])
@pytest.mark.parametrize("op", ["neg", "abs"])
@pytest.mark.parametrize("elem", list(INTS))
def test_integer_neg_and_abs_wrap_like_golden(op, elem, preset):
    x = _values(INTS[elem])
    t = f"tensor<6x8x{elem}>"
    text = (f'func.func @main(%x: {t} {{npu.name = "x"}}) -> ({t} {{npu.name = "y"}}) {{\n'
            f'  %y = "npu_tensor.{op}"(%x) : ({t}) -> {t}\n  return %y : {t}\n}}')
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.parse(text)
        gold = Program(module).run({"x": x})["y"]
        target = load_target(preset)
        got = run_level4(spatial.lower_module(module, target), {"x": x}, target=target)["y"]
    assert gold.dtype == got.dtype and np.array_equal(gold, got)
    if np.iinfo(INTS[elem]).min < 0:  # the case level-4 unary neg / abs would saturate
        assert got.flat[0] == np.iinfo(INTS[elem]).min
