"""Decomposition of qlinear_matmul / qlinear_conv into ops with spatial rules, bit-identical to golden.

Golden (npu.interp.kernels_quant) computes acc = (a - a_zp) @ (b - b_zp) exactly, the multiplier
M = a_scale * b_scale / y_scale in the scales' own float type, then
y = saturate(round_half_even(f64(acc) * f64(M)) + y_zp). This rule builds the same steps from ops the
spatial lowering takes, every zero point and scale may be a run-time tensor (scalar, or per row of a /
per column of b):

- uint8 operands move to int8 by subtracting 128 in i32 (exact), their zero points with them;
- acc = P - za*C - R*zb + K*za*zb in i32 with P = matmul_int(a8, b8), R / C the row / column sums
  (matmul_int with a ones operand). Each term and partial sum wraps modulo 2^32 like golden's
  narrowing would; the true acc fits i32 when K * 255 * 255 < 2^31 (K <= 33025, checked), so the
  wrapped sum equals it;
- M in the scales' float type (mul, div: one rounding each, as numpy), cast to f64 (exact);
- t = f64(acc) * f64(M) (one IEEE product, as numpy), clipped to +-2^40 (beyond that every result
  saturates either way), rounded half to even by (t + 1.5*2^52) - 1.5*2^52 (exact for |t| < 2^51:
  t + 1.5*2^52 lies in [2^52, 2^53) where the f64 spacing is 1 and round-to-nearest-even picks the
  even neighbour, since 1.5*2^52 is even);
- + f64(y_zp), clipped to the result type's range, cast f64 -> f32 (exact: |v| <= 255) -> result type.

qlinear_conv is the same with conv_int (zero_point_conv: one input zero point, weight zero points per
output channel; the window count of the zero-point cross term is a constant) and the int32 bias added
in f64 (exact, as golden's int64 sum). zero_point_matmul / zero_point_conv also serve matmul_integer /
conv_integer with run-time zero points (npu.decompose.math).

Bit-identical to golden for finite scales; a NaN or infinite M (y_scale = 0) is not covered
(golden's cast of NaN is undefined there).
"""

from __future__ import annotations

import numpy as np
from mlir import ir

from npu.decompose import decomposes
from npu.decompose.builder import Builder, shape_of
from npu.errors import NpuError
from npu.ir import dtypes

_ROUND = 1.5 * 2.0**52  # adding and subtracting it rounds |t| < 2^51 half to even
_TOP = 2.0**40           # |t| beyond this saturates every 8-bit result, zero point included
MAX_K = (2**31 - 1) // (255 * 255)


def _np(elem: ir.Type) -> np.dtype:
    return np.dtype(dtypes.numpy_dtype(elem))


class _Q:
    """Op construction for one qlinear_matmul rewrite."""

    def __init__(self, op: ir.Operation, b: Builder):
        self.op, self.b = op, b
        self.i32 = ir.IntegerType.get_signless(32)
        self.i8 = ir.IntegerType.get_signless(8)
        self.f32, self.f64 = ir.F32Type.get(), ir.F64Type.get()

    def cast(self, v: ir.Value, elem: ir.Type) -> ir.Value:
        if self.b.elem(v) == elem:
            return v
        return self.b.op("npu_tensor.cast", [v], shape_of(v), elem, {"saturate": 1, "round_mode": "up"})

    def bin(self, name: str, x: ir.Value, y: ir.Value) -> ir.Value:
        shape = tuple(np.broadcast_shapes(shape_of(x), shape_of(y)))
        return self.b.op(f"npu_tensor.{name}", [x, y], shape, self.b.elem(x))

    def c(self, value, elem: ir.Type, rank: int) -> ir.Value:
        return self.b.const(np.full((1,) * rank, value), elem)

    def along(self, v: ir.Value, rank: int, axis: int, what: str) -> ir.Value:
        """v (scalar or 1-D) reshaped to broadcast along `axis` of a rank-`rank` tensor (golden's _zp_along)."""
        n = int(np.prod(shape_of(v), dtype=np.int64))
        if n == 1:
            return self.b.reshape(v, (1,) * rank)
        if len(shape_of(v)) != 1:
            raise NpuError(f"'{self.op.name}' decomposition expects a scalar or 1-D {what}, got shape "
                           f"{list(shape_of(v))}")
        shape = [1] * rank
        shape[axis] = n
        return self.b.reshape(v, shape)

    def int8_operand(self, x: ir.Value, zp: ir.Value | None, rank: int, axis: int, what: str):
        """(int8 tensor, i32 zero point broadcastable to the result) with the same differences x - zp."""
        dtype = _np(self.b.elem(x))
        if dtype not in (np.int8, np.uint8):
            raise NpuError(f"'{self.op.name}' decomposition expects int8 or uint8 {what}, got {self.b.elem(x)}")
        z = self.c(0, self.i32, rank) if zp is None else self.cast(self.along(zp, rank, axis, f"{what} zero point"),
                                                                   self.i32)
        if dtype == np.int8:
            return x, z
        shift = self.c(128, self.i32, len(shape_of(x)))
        x8 = self.cast(self.bin("sub", self.cast(x, self.i32), shift), self.i8)
        return x8, self.bin("sub", z, self.c(128, self.i32, rank))


def zero_point_matmul(op: ir.Operation, b: Builder, a: ir.Value, azp: ir.Value | None, w: ir.Value,
                      wzp: ir.Value | None, so: tuple[int, ...]) -> ir.Value:
    """(a - a_zp) @ (w - w_zp) in wrapping i32 (the exact value modulo 2^32) of shape `so`; a / w int8 or
    uint8, zero points run-time or constant, scalar or per row of a / per column of w (may be None)."""
    q = _Q(op, b)
    r = len(so)
    k = shape_of(a)[-1]
    a8, za = q.int8_operand(a, azp, r, r - 2, "lhs")
    w8, zw = q.int8_operand(w, wzp, r, r - 1, "rhs")
    sa, sw = shape_of(a8), shape_of(w8)

    def mm(x, y, shape):
        return b.op("npu_tensor.matmul_int", [x, y, None], shape, q.i32, {"lhs_zp": 0, "rhs_zp": 0})

    acc = mm(a8, w8, so)
    cols = mm(b.const(np.ones((1, k), np.int8), q.i8), w8, sw[:-2] + (1, sw[-1]))  # sum_k b
    rows = mm(a8, b.const(np.ones((k, 1), np.int8), q.i8), sa[:-1] + (1,))          # sum_k a
    acc = q.bin("sub", acc, q.bin("mul", za, cols))
    acc = q.bin("sub", acc, q.bin("mul", rows, zw))
    acc = q.bin("add", acc, q.bin("mul", q.bin("mul", za, zw), q.c(k, q.i32, r)))
    return b.reshape(acc, so) if shape_of(acc) != so else acc


@decomposes("npu_tensor.qlinear_matmul")
def qlinear_matmul(op: ir.Operation, b: Builder):
    """(a - a_zp) @ (b - b_zp) in i32 via matmul_int, requantized in f64 with round half to even
    (module docstring); bit-identical to golden."""
    a, a_s, azp, w, w_s, wzp, ys, yzp = (list(op.operands) + [None] * 8)[:8]
    q = _Q(op, b)
    out = op.results[0]
    so = shape_of(out)
    r = len(so)
    to = _np(b.elem(out))
    if to not in (np.int8, np.uint8):
        raise NpuError(f"'{op.name}' decomposition expects an int8 or uint8 result, got {b.elem(out)}")
    if len(shape_of(a)) < 2 or len(shape_of(w)) < 2:
        raise NpuError(f"'{op.name}' decomposition expects operands of rank >= 2, got ranks "
                       f"{len(shape_of(a))} and {len(shape_of(w))}")
    k = shape_of(a)[-1]
    if k > MAX_K:
        raise NpuError(f"'{op.name}' decomposition expects K <= {MAX_K} (an i32 accumulator holds "
                       f"K * 255 * 255), got K = {k}")
    acc = zero_point_matmul(op, b, a, azp, w, wzp, so)

    # M in the scales' type, as golden: a_s * b_s / y_s
    m = q.bin("div", q.bin("mul", q.along(a_s, r, r - 2, "lhs scale"), q.along(w_s, r, r - 1, "rhs scale")),
              q.along(ys, r, 0, "output scale"))
    return [_requantize(q, q.cast(acc, q.f64), m, yzp, out)]


def _requantize(q: _Q, t: ir.Value, m: ir.Value, yzp: ir.Value | None, out: ir.Value) -> ir.Value:
    """saturate(round_half_even(t * f64(m)) + y_zp) in `out`'s type; t f64 holding integers (module docstring)."""
    b = q.b
    so = shape_of(out)
    r = len(so)
    info = np.iinfo(_np(b.elem(out)))
    t = q.bin("mul", t, q.cast(m, q.f64))
    t = q.bin("min", q.bin("max", t, q.c(-_TOP, q.f64, r)), q.c(_TOP, q.f64, r))
    t = q.bin("sub", q.bin("add", t, q.c(_ROUND, q.f64, r)), q.c(_ROUND, q.f64, r))
    if yzp is not None:
        t = q.bin("add", t, q.cast(q.along(yzp, r, 0, "output zero point"), q.f64))
    t = q.bin("min", q.bin("max", t, q.c(float(info.min), q.f64, r)), q.c(float(info.max), q.f64, r))
    y = q.cast(q.cast(t, q.f32), b.elem(out))
    return b.reshape(y, so)


_CONV_ATTRS = ("dilations", "group", "kernel_shape", "pads", "strides")


def zero_point_conv(op: ir.Operation, b: Builder, x: ir.Value, xzp: ir.Value | None, w: ir.Value,
                    wzp: ir.Value | None, so: tuple[int, ...]) -> ir.Value:
    """(x - x_zp) conv (w - w_zp) in wrapping i32 (exact modulo 2^32), 2-D NCHW; x_zp one value, w_zp one
    or per output channel, run-time or constant. With V the ones tensor of x's shape (zero in the padding,
    as golden pads x - x_zp with zeros) and 1 the ones kernel of each group:
    conv(x8, w8) - zx conv(V, w8) - zw_m conv(x8, 1) + zx zw_m conv(V, 1), the last a constant."""
    from npu.interp.kernels_nn import conv as golden_conv
    from npu.ir.attrs import from_attr

    q = _Q(op, b)
    if len(shape_of(x)) != 4 or len(so) != 4:
        raise NpuError(f"'{op.name}' decomposition expects a 2-D convolution (rank-4 input), got rank "
                       f"{len(shape_of(x))}")
    if xzp is not None and int(np.prod(shape_of(xzp), dtype=np.int64)) != 1:
        raise NpuError(f"'{op.name}' decomposition expects one input zero point, got shape {list(shape_of(xzp))}")
    x8, zx = q.int8_operand(x, xzp, 4, 1, "input")
    w8, zw = q.int8_operand(w, wzp, 4, 1, "weight")
    attrs = {n: op.attributes[n] for n in _CONV_ATTRS}
    g = int(from_attr(attrs["group"]))
    n, c, h, wd = shape_of(x8)
    m, cg, kh, kw = shape_of(w8)
    oh, ow = so[2:]

    def cv(lhs, rhs, channels, batch):
        return b.op("npu_tensor.conv_int", [lhs, rhs, None], (batch, channels, oh, ow), q.i32,
                    {**attrs, "input_zp": 0, "weight_zp": 0})

    ones_x = b.const(np.ones((1, c, h, wd), np.int8), q.i8)
    ones_w = b.const(np.ones((g, cg, kh, kw), np.int8), q.i8)
    acc = cv(x8, w8, m, n)
    acc = q.bin("sub", acc, q.bin("mul", zx, cv(ones_x, w8, m, 1)))
    sums = b.reshape(cv(x8, ones_w, g, n), (n, g, 1, oh, ow))
    if shape_of(zw)[1] == m:
        zw_g = b.reshape(zw, (1, g, m // g, 1, 1))
    else:  # one weight zero point: spread over the (group, channel in group) grid
        zw_g = q.bin("mul", b.reshape(zw, (1, 1, 1, 1, 1)), b.const(np.ones((1, g, m // g, 1, 1), np.int32), q.i32))
    corr = q.bin("mul", sums, zw_g)
    acc = q.bin("sub", acc, b.reshape(corr, (n, m, oh, ow)))
    # conv(V, 1): the same for every output channel, computed here with golden's conv
    geo = {k: [int(v) for v in np.asarray(from_attr(attrs[k])).reshape(-1)] for k in ("strides", "pads", "dilations")}
    count = golden_conv(np.ones((1, c, h, wd), np.int64), np.ones((g, cg, kh, kw), np.int64), None,
                        group=g, out_shape=(oh, ow), **geo)[:, :1]
    wrapped = ((count.astype(np.int64) + 2**31) % 2**32 - 2**31).astype(np.int32)
    acc = q.bin("add", acc, q.bin("mul", q.bin("mul", zx, zw), b.const(wrapped, q.i32)))
    return acc


@decomposes("npu_tensor.qlinear_conv")
def qlinear_conv(op: ir.Operation, b: Builder):
    """(x - x_zp) conv (w - w_zp) in i32 via conv_int (zero_point_conv), + bias and requantized in f64
    with round half to even (module docstring); bit-identical to golden."""
    x, xs, xzp, w, ws, wzp, ys, yzp, bias = (list(op.operands) + [None] * 9)[:9]
    q = _Q(op, b)
    out = op.results[0]
    so = shape_of(out)
    if _np(b.elem(out)) not in (np.int8, np.uint8):
        raise NpuError(f"'{op.name}' decomposition expects an int8 or uint8 result, got {b.elem(out)}")
    k = int(np.prod(shape_of(w)[1:], dtype=np.int64))
    if k > MAX_K:
        raise NpuError(f"'{op.name}' decomposition expects C/group * kernel size <= {MAX_K} (an i32 accumulator "
                       f"holds it times 255 * 255), got {k}")
    t = q.cast(zero_point_conv(op, b, x, xzp, w, wzp, so), q.f64)
    if bias is not None:  # golden adds the bias in int64: f64 holds both sums exactly
        t = q.bin("add", t, q.cast(q.along(bias, 4, 1, "bias"), q.f64))
    m = q.bin("div", q.bin("mul", q.along(xs, 4, 1, "input scale"), q.along(ws, 4, 1, "weight scale")),
              q.along(ys, 4, 0, "output scale"))
    return [_requantize(q, t, m, yzp, out)]
