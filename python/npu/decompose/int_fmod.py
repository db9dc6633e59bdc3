"""Integer `mod` with fmod = 1 (C's fmod: truncated remainder, the sign of the dividend), bit-identical.

Level 4 computes integer `mod` with fmod = 0 only (numpy's mod: floored, the sign of the divisor), for
every integer type up to i64 / ui64. Golden's fmod = 1 is np.fmod, 0 where the divisor is 0. With
d = where(y == 0, 1, y) (no division by zero) and m = mod(x, d):

    fmod(x, y) = where(y == 0, 0, where(m != 0 and (x < 0) != (d < 0), m - d, m))

(the floored and truncated remainders differ by d exactly when the remainder is non-zero and the
operands' signs differ; INT_MIN mod -1 is 0 in both). Float fmod = 1 has its own level-4 kind.
"""

from __future__ import annotations

import numpy as np
from mlir import ir

from npu.decompose import decomposes
from npu.decompose.builder import Builder, shape_of
from npu.ir import dtypes


@decomposes("npu_tensor.mod")
def int_fmod(op: ir.Operation, b: Builder):
    x, y = op.operands[0], op.operands[1]
    out = op.results[0]
    elem = b.elem(out)
    if not isinstance(elem, ir.IntegerType) or "fmod" not in op.attributes \
            or not ir.IntegerAttr(op.attributes["fmod"]).value:
        return None
    if b.elem(x) != elem or b.elem(y) != elem:
        return None
    shape = tuple(np.broadcast_shapes(shape_of(x), shape_of(y)))
    i1 = ir.IntegerType.get_signless(1)
    dt = dtypes.numpy_dtype(elem)

    def c(value, rank):
        return b.const(np.full((1,) * rank, value, dt), elem)

    def cmp(name, u, v):
        return b.op(f"npu_tensor.{name}", [u, v], np.broadcast_shapes(shape_of(u), shape_of(v)), i1)

    def where(cond, u, v):
        s = np.broadcast_shapes(shape_of(cond), shape_of(u), shape_of(v))
        return b.op("npu_tensor.where", [cond, u, v], s, elem)

    ry = len(shape_of(y))
    zero_y = cmp("equal", y, c(0, ry))
    d = where(zero_y, c(1, ry), y)
    m = b.op("npu_tensor.mod", [x, d], shape, elem, {"fmod": 0})
    signs = b.op("npu_tensor.xor", [cmp("less", x, c(0, len(shape_of(x)))), cmp("less", d, c(0, ry))],
                 np.broadcast_shapes(shape_of(x), shape_of(d)), i1)
    exact = cmp("equal", m, c(0, len(shape)))
    fixed = where(signs, b.op("npu_tensor.sub", [m, d], shape, elem), m)
    r = where(exact, m, fixed)
    return [where(zero_y, c(0, len(shape)), r)]
