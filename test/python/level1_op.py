"""Test helper: the golden interpreter's result of one level-1 `npu_tensor` op on numpy arrays."""

from __future__ import annotations

import ml_dtypes
import numpy as np
from mlir import ir

from npu.interp.executor import Program

MLIR_OF = {np.dtype(t): name for t, name in (
    (np.float64, "f64"), (np.float32, "f32"), (np.float16, "f16"), (ml_dtypes.bfloat16, "bf16"),
    (np.int64, "i64"), (np.int32, "i32"), (np.int16, "i16"), (np.int8, "i8"),
    (np.uint64, "ui64"), (np.uint32, "ui32"), (np.uint16, "ui16"), (np.uint8, "ui8"), (np.bool_, "i1"))}


def golden(ctx, op: str, args: list[np.ndarray], out_type: str, attrs: str = "") -> np.ndarray:
    """The golden interpreter's result of `npu_tensor.<op>` on `args` (result broadcast, of `out_type`)."""
    shape = np.broadcast_shapes(*(a.shape for a in args))
    tt = lambda s, t: f"tensor<{'x'.join(map(str, s))}x{t}>"
    params = ", ".join(f'%a{i}: {tt(a.shape, MLIR_OF[a.dtype])} {{npu.name = "a{i}"}}' for i, a in enumerate(args))
    text = (f'func.func @main({params}) -> ({tt(shape, out_type)} {{npu.name = "y"}}) {{\n'
            f'  %0 = "npu_tensor.{op}"({", ".join(f"%a{i}" for i in range(len(args)))}) {attrs} : '
            f'({", ".join(tt(a.shape, MLIR_OF[a.dtype]) for a in args)}) -> {tt(shape, out_type)}\n'
            f"  return %0 : {tt(shape, out_type)}\n}}")
    return Program(ir.Module.parse(text, ctx)).run({f"a{i}": a for i, a in enumerate(args)})["y"]
