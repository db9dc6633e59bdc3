"""TOSA expansions of the integer softmax and layer normalization (for npu.quant.tosa_export).

Each level-2 op becomes the TOSA operators its npu.numerics algorithm is made of
(npu.numerics.normalization states the steps), one TOSA op per step, so the TOSA
reference model checks the composition bit for bit, not just the primitives:

    softmax_int     reduce_max, cast, sub, rescale (x128 to int16), table (int16), arithmetic_right_shift,
                    reduce_sum, clz, sub, logical_left_shift, arithmetic_right_shift, sub, cast, table (int16),
                    mul (shift 15), sub, arithmetic_right_shift (round), rescale (to int8, zero point -128)
    layer_norm_int  reshape to [rows, N], cast, sub, reduce_sum, mul, sub, [arithmetic_right_shift or
                    logical_left_shift], mul, reduce_sum, add, clz, sub, bitwise_and, logical_left_shift,
                    arithmetic_right_shift, sub, cast, table (int16), arithmetic_right_shift,
                    logical_left_shift, mul, mul, add, rescale, reshape back
Both work in level 2's layout (NCHW for rank 4).
"""

from __future__ import annotations

import numpy as np

from npu.numerics.normalization import SOFTMAX_OUT_ZP
from npu.quant.graph import Node
from npu.quant.tosa_export import _Writer, _elt


def softmax(w: _Writer, node: Node) -> None:
    x, exp_table, recip_table = node.operands
    ssa, shape, _, _ = w.get(x, nhwc=False)
    axis, rank = int(node.attrs["axis"]), len(shape)
    mx, red = w.reduce("reduce_max", ssa, shape, axis, "i8")
    d = w.binary("sub", w.unary("cast", ssa, shape, "i8", "i32"), w.unary("cast", mx, red, "i8", "i32"), shape, red, "i32")
    d16 = w.rescale(d, shape, "i32", "i16", [1 << 30], [23], 0, 0)
    e = _shift_right(w, w.table(d16, shape, w.g.consts[exp_table], "i16"), shape, 7, rank)
    s, _ = w.reduce("reduce_sum", e, shape, axis, "i32")
    k = w.unary("clz", s, red, "i32")
    one, ones = w.scalar(1, rank)
    m = w.binary("logical_left_shift", s, w.binary("sub", k, one, red, ones, "i32"), red, red, "i32")
    c98304, _ = w.scalar(98304, rank)
    t = w.binary("sub", _shift_right(w, m, red, 14, rank), c98304, red, ones, "i32")
    r = w.table(w.unary("cast", t, red, "i32", "i16"), red, w.g.consts[recip_table], "i16")
    y = w.mul(e, r, shape, red, 15)
    c30, _ = w.scalar(30, rank)
    amount = w.binary("sub", c30, k, ones, red, "i32")
    q = w.binary("arithmetic_right_shift", y, amount, shape, red, "i32", attrs=" {round = true}")
    out = w.rescale(q, shape, "i32", "i8", [1 << 30], [30], 0, SOFTMAX_OUT_ZP)
    w.put(node.result, out, shape, "i8", False)


def _shift_right(w: _Writer, ssa: str, shape, amount: int, rank: int, round_: bool = False) -> str:
    c, ones = w.scalar(amount, rank)
    return w.binary("arithmetic_right_shift", ssa, c, shape, ones, "i32", attrs=f" {{round = {str(round_).lower()}}}")


def _const_op(w: _Writer, kind: str, ssa: str, shape, value: int) -> str:
    c, ones = w.scalar(value, len(shape))
    return w.binary(kind, ssa, c, shape, ones, "i32")


def layer_norm(w: _Writer, node: Node) -> None:
    x, table, gamma, beta = node.operands
    ssa, shape, _, _ = w.get(x, nhwc=False)
    a = node.attrs
    axis = int(a["axis"])
    n = int(np.prod(shape[axis:]))
    rows = int(np.prod(shape[:axis]))
    two = [rows, n]
    x2 = w.reshape(ssa, shape, two, "i8")
    u = _const_op(w, "sub", w.unary("cast", x2, two, "i8", "i32"), two, int(a["input_zp"]))
    s1, red = w.reduce("reduce_sum", u, two, 1, "i32")
    cn, ones = w.scalar(n, 2)
    c = w.binary("sub", w.mul(u, cn, two, ones, 0), s1, two, red, "i32")
    p = int(a["pre_shift"])
    if p > 0:
        h = _shift_right(w, c, two, p, 2, round_=True)
    elif p < 0:
        h = _const_op(w, "logical_left_shift", c, two, -p)
    else:
        h = c
    q, _ = w.reduce("reduce_sum", w.mul(h, h, two, two, 0), two, 1, "i32")
    wv = _const_op(w, "add", q, red, int(a["epsilon"]))
    sh = _const_op(w, "bitwise_and", _const_op(w, "sub", w.unary("clz", wv, red, "i32"), red, 1), red, -2)
    m = w.binary("logical_left_shift", wv, sh, red, red, "i32")
    t = _const_op(w, "sub", _shift_right(w, m, red, 15, 2), red, 32768)
    r = w.table(w.unary("cast", t, red, "i32", "i16"), red, w.g.consts[table], "i16")
    half = _shift_right(w, sh, red, 1, 2)
    z = w.binary("logical_left_shift", c if p > 0 else h, half, two, red, "i32")
    big_p = w.mul(z, r, two, red, 16 + max(p, 0))
    g = w.const(w.g.consts[gamma].astype(np.int64), [1, n], "i32")
    b = w.const(w.g.consts[beta].astype(np.int64), [1, n], "i32")
    acc = w.binary("add", w.mul(big_p, g, two, [1, n], int(a["gamma_shift"])), b, two, [1, n], "i32")
    out = w.rescale(acc, two, "i32", _elt(node.result), [int(a["multiplier"])], [int(a["shift"])], 0,
                    int(a["output_zp"]), a["rounding_mode"])
    w.put(node.result, w.reshape(out, two, shape, "i8"), shape, "i8", False)
