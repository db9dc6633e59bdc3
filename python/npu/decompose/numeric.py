"""Decompositions of the numeric-format ops: quantize / dequantize / dynamic_quantize_linear, pow with a
run-time exponent, bit_shift, bit_cast and cum_prod, into elementwise, reduction and layout ops the
spatial families lower. Equations (x the input; s, z the scale and zero point, made to broadcast
against x: per tensor, per `axis`, or blocked -- each block's value repeated over its `block_size`
elements along `axis`, folded at compile time for constants, expand + reshape + slice otherwise):

    dequantize_linear  = (f32(x) - f32(z)) * f32(s)        (integers of <= 16 bits and fp8: the
                         difference is exact in f32, as golden's int64 one; i32 data: cast to i64,
                         sub, one rounding cast to f32), rounded once to an f16 / bf16 result
                                                                               bit-identical
    quantize_linear    integer result type T in [lo, hi]:
                         cast_T(clip(round(f32(x) / s) + f32(z), lo, hi))  (round: half to even;
                         round(v) + z is exact below 2^24 and saturates to the same bound above it;
                         the cast is exact on the clipped integers)            bit-identical
                       fp8 (e4m3fn / e5m2): cast(f32(x) / s) {saturate} (golden's round_to_format;
                         math.py's cast rule rewrites the two saturate modes npu_pe.cast lacks)
                                                                               bit-identical
                       fp4 e2m1: cast(f32(x) / s + f32(z)) {saturate = 1}     bit-identical
    dynamic_quantize_linear: hi = max(reduce_max(x), 0), lo = min(reduce_min(x), 0),
                         d = hi - lo (1 where 0), s = d / 255, z = round(clip(0 - lo / s, 0, 255)),
                         y = quantize_linear(x, s, z) as above                 bit-identical
    pow(x, y) with a run-time y (math.py's rule hands these here):
        float x:         integer |y| < 2^SQUARE_BITS: square-and-multiply of x (y > 0) or 1/x (y < 0)
                         over the bits of |y| (the sign of a negative base comes out of the products);
                         else r = exp(y * log|x|); -r where x is negative (or -0) and y an odd integer;
                         NaN where x < 0 is finite and y finite non-integer; 1 where y = 0, x = 1, or
                         |x| = 1 and y = +-inf (C99 pow special cases, as numpy); y cast to x's type
                         first, f16 / bf16 computed in f32 and rounded once
        integer x, y:    square-and-multiply over every bit of y (y cast to x's type as golden):
                         acc = where(y & 2^k, acc * p, acc), p = p * p; wraps like golden (mul_wrap)
                                                                               bit-identical
        integer x, float y (golden: float64 power truncated to x's type): where y is an integer
                         >= 0, the integer square-and-multiply of x by min(y, 2w - 2 + (y mod 2))
                         (w = x's bits: |x| >= 2 overflows earlier, |x| <= 1 only needs the
                         parity); elsewhere trunc(float pow in f32)
    bit_shift          LEFT: where(y >= w, 0, x * 2^(y mod w)); RIGHT: where(y >= w, 0, x / 2^(y mod w))
                         (w the bits of the unsigned type; 2^(y mod w) the product over the bits of
                         y of where(y & 2^k, 2^(2^k), 1); integer mul wraps, integer div truncates)
                                                                               bit-identical
    bit_cast           between integer types of one width (bool -> ui8 included): the wrapping cast
                         (numpy's astype keeps the two's complement bits)      bit-identical
                       f32 -> i32, f64 -> i64 (M mantissa bits, bias B): K = floor(log2 |x|) by a binary
                         search over exact powers of two p (where(|x| >= p * 2^(2^j), ...), from the
                         smallest subnormal up), E = K + B, m = (|x| / p - 1) 2^M (subnormals: E = 0,
                         m = |x| 2^(M + B - 1)), bits = E 2^M + m (+ the sign bit by a wrapping add of the
                         type's minimum where x < 0 or x = -0); inf / NaN set E to all ones; f64 values go
                         to integers in 24-bit chunks (fmod, f64 -> f32 -> i32 -> i64: level 4 has no
                         f64 -> integer cast)
                       i32 -> f32, i64 -> f64: E and m by and / div, (1 + m 2^-M) times one power-of-two
                         factor per bit of |E - B|, subnormals m 2^(1 - B - M), E all ones: inf or NaN,
                         the sign by * -1                                      bit-identical except
                         NaNs: any NaN becomes the quiet NaN of its type (0x7FC00000 / 0x7FF8..0; a NaN's
                         sign and payload bits are not recovered)
    cum_prod           float: a sequential chain (one multiply per position, in golden's order)
                         when the axis has <= SEQUENTIAL_MAX entries, bit-identical; longer axes:
                         ceil(log2 n) shift-and-multiply rounds (ones shifted in)
                       integer: the shift-and-multiply rounds (products wrap, as golden)
                                                                               bit-identical

Float bounds against golden (u = 2^-24), asserted by test/python/test_decompose_numeric.py, measured by
bench/decompose_numeric_errors.py (bench/results/decompose_numeric_errors.json):
    pow (f32): square-and-multiply: |r - golden| <= (2 |y| + 1) u |golden| (each squaring doubles the
        error so far; 1/x one rounding more), measured 2.3e-7 relative (0.66 of the bound); exp-log:
        <= (2 |y ln|x|| + 3) u |golden| for normal results (log carries one rounding of ln|x| into
        t = y ln|x|, the product one of t, exp one of its own), measured max 7.1e-6 relative (0.83 of
        the bound) over x ~ +-logspace(-20, 20), y ~ U(-4, 4) (|t| up to 88.5 on finite results);
        subnormal results one step of 2^-149 more. On level 4 (f32 exp / log of
        the vector unit) against golden: 2.2e-7 relative for x ~ U(0.2, 3), y ~ U(-3, 3) on
        edge-lpddr; 2.4e-7 over the ONNX Pow cases on all three presets. f16 / bf16: one ulp of the
        result type at most (the f32 result rounded once).
    integer x, float y, non-integer y: trunc of the f32 pow may differ from golden's float64 one
        by one where x^y lies within that bound of an integer; integer y: exact while |x^y| < 2^31
        (i32) / 2^53 (i64) (beyond, golden's float64 result is rounded or its cast undefined).
    cum_prod (float, long axes): |err| <= 2 (n - 1) u |golden| while no partial product
        overflows or underflows (golden multiplies left to right, the rounds in another order);
        measured 1.5e-6 relative (0.063 of the bound) on a 200-long axis of 1 + 0.05 N(0, 1).
Refused with a located error: bit_cast other than integers of one width and f32 <-> i32 / f64 <-> i64
(f16 / bf16 / fp8 <-> integers); bit_shift of a signed or non-integer type; dequantize_linear of i64 /
ui32 / ui64 data; pow of f64 data with a run-time exponent (level 4 has no f64 exp / log).
The rules keep golden's results for every type golden takes; a graph whose types level 4 cannot hold
or cast (npu.dialects.level4, the eltwise family's cast plans) stops at the spatial passes' located
"cannot lower" error. Rank-0 operands go through as shape [1]. Level 4 (spatial conformance, the 72
ONNX cases of these ops): all lower and pass on edge-lpddr, datacenter-hbm and large-inference,
bit-identical to golden except Pow with non-integer exponents (2.4e-7 relative).
"""

from __future__ import annotations

from math import prod

import ml_dtypes
import numpy as np
from mlir import ir
from mlir.dialects import quant

from npu.decompose import decomposes
from npu.decompose.builder import Builder, shape_of
from npu.decompose.data import concat, expand, shift_in
from npu.decompose.math import _F, _attr, _is_float, _np
from npu.errors import NpuError

SEQUENTIAL_MAX = 32  # a float cum_prod axis up to this long is a chain in golden's order (bit-identical)
_FLOAT8 = (np.dtype(ml_dtypes.float8_e4m3fn), np.dtype(ml_dtypes.float8_e5m2))


# ------------------------------------------------------------------ helpers

def _int_bounds(dtype: np.dtype) -> tuple[int, int] | None:
    dtype = np.dtype(dtype)
    if dtype.kind in "iu" or dtype.name in ("int4", "uint4", "int2", "uint2"):
        info = ml_dtypes.iinfo(dtype)
        return int(info.min), int(info.max)
    return None


def _bits(dtype: np.dtype) -> int:
    dtype = np.dtype(dtype)
    return {"int4": 4, "uint4": 4, "int2": 2, "uint2": 2}.get(dtype.name, dtype.itemsize * 8)


def _param(f: _F, v: ir.Value | None, x: ir.Value, axis: int, block: int, elem: ir.Type) -> ir.Value | None:
    """Scale or zero point `v` in `elem`, broadcastable against x (per tensor, per axis or blocked, as
    golden's _expand); a constant is expanded and converted at compile time."""
    if v is None:
        return None
    b = f.b
    shape = shape_of(x)
    rank = len(shape)
    n = prod(shape_of(v))
    value = b.constant_value(v)
    if value is not None:
        p = np.asarray(value).astype(np.float64 if _np(elem).kind == "f" else np.int64)
        if p.size == 1 and not block:
            p = p.reshape((1,) * rank)
        elif block:
            p = np.repeat(p, block, axis=axis).take(np.arange(shape[axis]), axis=axis)
        else:
            p = p.reshape([n if i == axis else 1 for i in range(rank)])
        return b.const(p, elem)
    v = f.cast(v, elem) if b.elem(v) != elem else v
    if n == 1 and not block:
        return b.reshape(v, (1,) * rank)
    if not block:
        return b.reshape(v, [n if i == axis else 1 for i in range(rank)])
    vs = list(shape_of(v))
    y = b.reshape(v, vs[:axis + 1] + [1] + vs[axis + 1:])
    y = expand(b, y, vs[:axis + 1] + [block] + vs[axis + 1:])
    vs[axis] *= block
    y = b.reshape(y, vs)
    return b.slice(y, [axis], [0], [shape[axis]])


def _axis_of(op: ir.Operation, x: ir.Value) -> int:
    rank = len(shape_of(x))
    return int(_attr(op, "axis", 1)) % max(rank, 1)


def _zero_point(op: ir.Operation) -> ir.Value | None:
    return op.operands[2] if len(op.operands) > 2 else None


def _is_zero(b: Builder, v: ir.Value | None) -> bool:
    if v is None:
        return True
    c = b.constant_value(v)
    return c is not None and not np.any(np.asarray(c).astype(np.float64))


def _rank1(b: Builder, v: ir.Value) -> ir.Value:
    """A rank-0 value as shape [1] (rank-matched scalar constants need a rank), others as they are."""
    return b.reshape(v, (1,)) if not shape_of(v) else v


def _to_f32(f: _F, v: ir.Value) -> ir.Value:
    return f.cast(v, f.f32)


# ------------------------------------------------------------------ dequantize / quantize

@decomposes("npu_tensor.dequantize_linear")
def dequantize_linear(op: ir.Operation, b: Builder):
    f = _F(op, b)
    x, scale = op.operands[:2]
    zp = _zero_point(op)
    out = op.results[0]
    xt = _np(b.elem(x))
    axis, block = _axis_of(op, x), int(_attr(op, "block_size", 0))
    s = _param(f, scale, x, axis, block, f.f32)
    bounds = _int_bounds(xt)
    if bounds is not None and _bits(xt) > 16:
        if xt != np.int32:
            raise NpuError(f"dequantize_linear decomposition expects integers of up to 32 bits (signed), got {b.elem(x)}")
        # int64 difference (exact), one rounding to f32, as golden's float32(int64(q) - zp)
        i64 = ir.IntegerType.get_signless(64)
        d = f.cast(x, i64)
        if not _is_zero(b, zp):
            d = f.sub(d, _param(f, zp, x, axis, block, i64))
        d = _to_f32(f, d)
    elif bounds is not None or xt in _FLOAT8 or "float" in xt.name:
        d = _to_f32(f, x)  # exact: <= 16-bit integers and the narrow floats fit f32
        if not _is_zero(b, zp):
            d = f.sub(d, _param(f, zp, x, axis, block, f.f32))  # exact for integers (|d| < 2^17)
    else:
        raise NpuError(f"dequantize_linear decomposition expects integer or narrow float data, got {b.elem(x)}")
    return [f.back(f.mul(d, s), out)]


def _round_saturate(f: _F, v: ir.Value, z: ir.Value | None, out: ir.Value) -> ir.Value:
    """cast_T(clip(round(v) + z, lo, hi)) for v in f32: golden's saturate(rint(v) + zp)."""
    lo, hi = _int_bounds(_np(f.b.elem(out)))
    r = f.un("round", v)
    if z is not None:
        r = f.add(r, z)
    r = f.clip(r, lo, hi)
    return f.b.op("npu_tensor.cast", [r], shape_of(r), f.b.elem(out), {"saturate": 1, "round_mode": "up"})


@decomposes("npu_tensor.quantize_linear")
def quantize_linear(op: ir.Operation, b: Builder):
    f = _F(op, b)
    x, scale = op.operands[:2]
    zp = _zero_point(op)
    out = op.results[0]
    ot = _np(b.elem(out))
    if not _is_float(b.elem(x)):
        raise NpuError(f"quantize_linear decomposition expects float data, got {b.elem(x)}")
    axis, block = _axis_of(op, x), int(_attr(op, "block_size", 0))
    v = f.div(_to_f32(f, x), _param(f, scale, x, axis, block, f.f32))
    if _int_bounds(ot) is not None:
        z = None if _is_zero(b, zp) else _param(f, zp, x, axis, block, f.f32)
        return [b.reshape(_round_saturate(f, v, z, out), shape_of(out))]
    if ot in _FLOAT8:  # round_to_format(v, saturate): the zero point is not used (ONNX: it is 0)
        y = b.op("npu_tensor.cast", [v], shape_of(v), b.elem(out), {"saturate": int(_attr(op, "saturate", 1)),
                                                                    "round_mode": "up"})
        return [b.reshape(y, shape_of(out))]
    if ot.name == "float4_e2m1fn":
        if not _is_zero(b, zp):
            v = f.add(v, _param(f, zp, x, axis, block, f.f32))
        y = b.op("npu_tensor.cast", [v], shape_of(v), b.elem(out), {"saturate": 1, "round_mode": "up"})
        return [b.reshape(y, shape_of(out))]
    raise NpuError(f"quantize_linear decomposition expects an integer, fp8 or fp4 result, got {b.elem(out)}")


@decomposes("npu_tensor.dynamic_quantize_linear")
def dynamic_quantize_linear(op: ir.Operation, b: Builder):
    f = _F(op, b)
    x = op.operands[0]
    y_out, s_out, z_out = op.results
    if not _is_float(b.elem(x)):
        raise NpuError(f"dynamic_quantize_linear decomposition expects float data, got {b.elem(x)}")
    shape = shape_of(x)
    if prod(shape) == 0:
        raise NpuError("dynamic_quantize_linear decomposition expects a non-empty input")
    xf = _to_f32(f, _rank1(b, x))
    axes = tuple(range(len(shape_of(xf))))
    hi = f.max(f.reduce("reduce_max", xf, axes), 0.0)
    lo = f.min(f.reduce("reduce_min", xf, axes), 0.0)
    d = f.sub(hi, lo)
    d = f.where(f.cmp("equal", d, 0.0), 1.0, d)  # hi == lo only when both are 0
    s = f.div(d, 255.0)
    zf = f.un("round", f.clip(f.rsub(0.0, f.div(lo, s)), 0.0, 255.0))
    y = _round_saturate(f, f.div(xf, s), zf, y_out)
    z = b.op("npu_tensor.cast", [zf], shape_of(zf), b.elem(z_out), {"saturate": 1, "round_mode": "up"})
    return [b.reshape(y, shape_of(y_out)), f.back(s, s_out), b.reshape(z, shape_of(z_out))]


# ------------------------------------------------------------------ integer helpers

def _iconst(b: Builder, value: int, like: ir.Value) -> ir.Value:
    """A rank-matched scalar constant of like's integer type (value wrapped to it)."""
    dt = _np(b.elem(like))
    bits = _bits(dt)
    v = int(value) % (1 << bits)
    if dt.kind == "i" and v >= 1 << (bits - 1):
        v -= 1 << bits
    return b.const(np.full((1,) * len(shape_of(like)), v, dtype=dt), b.elem(like))


def _ibin(b: Builder, name: str, x: ir.Value, y: ir.Value) -> ir.Value:
    shape = tuple(np.broadcast_shapes(shape_of(x), shape_of(y)))
    return b.op(f"npu_tensor.{name}", [x, y], shape, b.elem(x))


def _icmp(b: Builder, name: str, x: ir.Value, y: ir.Value) -> ir.Value:
    shape = tuple(np.broadcast_shapes(shape_of(x), shape_of(y)))
    return b.op(f"npu_tensor.{name}", [x, y], shape, ir.IntegerType.get_signless(1))


def _where(b: Builder, c: ir.Value, x: ir.Value, y: ir.Value) -> ir.Value:
    shape = tuple(np.broadcast_shapes(shape_of(c), shape_of(x), shape_of(y)))
    return b.op("npu_tensor.where", [c, x, y], shape, b.elem(x))


def _bit_clear(b: Builder, e: ir.Value, k: int) -> ir.Value:
    """i1 mask: bit k of integer e is clear."""
    return _icmp(b, "equal", _ibin(b, "bitwise_and", e, _iconst(b, 1 << k, e)), _iconst(b, 0, e))


def _int_power(b: Builder, x: ir.Value, e: ir.Value, nbits: int) -> ir.Value:
    """x ** e by square-and-multiply over the low `nbits` bits of e (e in x's type, >= 0); every
    multiply wraps in x's type, so the result is golden's wrapped power."""
    shape = tuple(np.broadcast_shapes(shape_of(x), shape_of(e)))
    acc = b.const(np.ones(shape, _np(b.elem(x))), b.elem(x))
    p = x
    for k in range(nbits):
        acc = _where(b, _bit_clear(b, e, k), acc, _ibin(b, "mul", acc, p))
        if k + 1 < nbits:
            p = _ibin(b, "mul", p, p)
    return acc


# ------------------------------------------------------------------ pow with a run-time exponent

SQUARE_BITS = 6  # integer exponents |y| < 2^6 go by square-and-multiply (exact where the powers are)


def _float_pow(f: _F, x: ir.Value, y: ir.Value) -> ir.Value:
    """x ** y in f32 (both f32) with C99 pow's special cases (numpy's): square-and-multiply of x (y > 0) or
    1/x (y < 0) for integer |y| < 2^SQUARE_BITS (the signs of negative bases come out of the products),
    exp(y log|x|) with the sign of odd integer powers elsewhere."""
    ax = f.un("abs", x)
    r = f.un("exp", f.mul(y, f.un("log", ax)))
    fl = f.un("floor", y)
    integer = f.cmp("equal", fl, y)  # +-inf count as (even) integers, NaN does not
    half = f.un("floor", f.mul(y, 0.5))
    odd = f.cmp("equal", f.sub(y, f.add(half, half)), 1.0)
    negative = f.b.op("npu_tensor.or", [f.cmp("less", x, 0.0), f.cmp("less", f.un("reciprocal", x), 0.0)],
                      shape_of(x), ir.IntegerType.get_signless(1))  # x < 0 or x = -0
    r = f.where(_and(f, negative, odd), f.un("neg", r), r)
    # integer |y| < 2^SQUARE_BITS: acc = prod of p^(2^j) over the set bits j of |y|, p = x or 1 / x
    n = f.un("abs", y)
    small = _and(f, integer, f.cmp("less", n, float(1 << SQUARE_BITS)))
    p = f.where(f.cmp("less", y, 0.0), f.un("reciprocal", x), x)
    acc, h = None, n
    for j in range(SQUARE_BITS):
        bit = f.cmp("equal", f.b.op("npu_tensor.mod", [h, f.c(2.0, h)], shape_of(h), f.b.elem(h), {"fmod": 1}), 1.0)
        acc = f.where(bit, p, 1.0) if acc is None else f.where(bit, f.mul(acc, p), acc)
        if j + 1 < SQUARE_BITS:
            h = f.un("floor", f.mul(h, 0.5))
            p = f.mul(p, p)
    r = f.where(small, acc, r)
    finite_neg = _and(f, f.cmp("less", x, 0.0), f.cmp("greater", x, float("-inf")))
    finite_y = f.cmp("less", f.un("abs", y), float("inf"))
    r = f.where(_and(f, finite_neg, _and(f, finite_y, _not(f, integer))), float("nan"), r)
    r = f.where(_and(f, f.cmp("equal", ax, 1.0), f.cmp("equal", f.un("abs", y), float("inf"))), 1.0, r)
    r = f.where(f.cmp("equal", x, 1.0), 1.0, r)
    return f.where(f.cmp("equal", y, 0.0), 1.0, r)


def _and(f: _F, a: ir.Value, c: ir.Value) -> ir.Value:
    return f.b.op("npu_tensor.and", [a, c], f.broadcast(a, c), ir.IntegerType.get_signless(1))


def _not(f: _F, a: ir.Value) -> ir.Value:
    return f.b.op("npu_tensor.not", [a], shape_of(a), ir.IntegerType.get_signless(1))


def pow_runtime(op: ir.Operation, b: Builder) -> list[ir.Value]:
    """pow(x, y) for a y that is not a constant scalar (called by math.py's pow rule)."""
    f = _F(op, b)
    x, y = (_rank1(b, v) for v in op.operands[:2])
    out = op.results[0]
    xt, yt = _np(b.elem(x)), _np(b.elem(y))
    shape = tuple(np.broadcast_shapes(shape_of(x), shape_of(y)))
    if _is_float(b.elem(x)):
        if xt == np.float64:
            raise NpuError("pow decomposition of a run-time exponent expects f32, f16 or bf16 data, got f64")
        yx = f.cast(y, b.elem(x))  # golden: the exponent in the base's type
        r = _float_pow(f, f.wide(x), f.wide(yx))
        return [f.back(b.reshape(r, shape) if shape_of(r) != shape else r, out)]
    if _int_bounds(xt) is None or xt.name in ("int4", "uint4", "int2", "uint2"):
        raise NpuError(f"pow decomposition expects float or 8..64-bit integer data, got {b.elem(x)}")
    if _int_bounds(yt) is not None:  # integer ** integer, wrapping in x's type (negative exponents: golden refuses)
        e = f.cast(y, b.elem(x)) if yt != xt else y
        if _np(b.elem(e)).kind == "i":
            e = _ibin(b, "max", e, _iconst(b, 0, e))
        nbits = _bits(xt) - (1 if xt.kind == "i" else 0)
        return [f.back(_int_power(b, x, e, nbits), out)]
    if not _is_float(b.elem(y)):
        raise NpuError(f"pow decomposition expects an integer or float exponent, got {b.elem(y)}")
    # integer ** float: golden takes the float64 power and truncates it to x's type
    yf = f.wide(y)
    if _np(b.elem(yf)) == np.float64:
        yf = f.cast(yf, f.f32)
    w = _bits(xt)
    fl = f.un("floor", yf)
    half = f.un("floor", f.mul(yf, 0.5))
    parity = f.sub(yf, f.add(half, half))
    capped = f.min(yf, f.add(parity, float(2 * w - 2)))  # |x| >= 2 overflows before; |x| <= 1 keeps parity
    ok = _and(f, f.cmp("equal", fl, yf), f.cmp("greater_or_equal", yf, 0.0))
    e = b.op("npu_tensor.cast", [f.where(ok, capped, 0.0)], shape_of(yf), b.elem(x), {"saturate": 1, "round_mode": "up"})
    exact = _int_power(b, x, e, (2 * w - 1).bit_length())
    approx = _float_pow(f, _to_f32(f, x), yf)
    approx = b.op("npu_tensor.cast", [f.where(f.cmp("equal", approx, approx), approx, 0.0)], shape_of(approx),
                  b.elem(x), {"saturate": 1, "round_mode": "up"})
    r = _where(b, b.reshape(ok, shape) if shape_of(ok) != shape else ok, exact, approx)
    return [f.back(r, out)]


# ------------------------------------------------------------------ bit_shift, bit_cast

@decomposes("npu_tensor.bit_shift")
def bit_shift(op: ir.Operation, b: Builder):
    x, s = op.operands[:2]
    out = op.results[0]
    xt = _np(b.elem(x))
    if xt.kind != "u" or _np(b.elem(s)) != xt:
        raise NpuError(f"bit_shift decomposition expects unsigned integers of one type, got {b.elem(x)} and {b.elem(s)}")
    w = _bits(xt)
    left = str(_attr(op, "direction", "LEFT")).upper() == "LEFT"
    sv = b.constant_value(s)
    if sv is not None:  # constant amounts: 2^s folded
        sv = np.broadcast_to(np.asarray(sv).astype(np.uint64), shape_of(s))
        big = sv >= w
        pw = np.left_shift(np.uint64(1), np.minimum(sv, w - 1))
        if left:
            y = _ibin(b, "mul", x, b.const(np.where(big, 0, pw).astype(xt), b.elem(x)))
        else:
            y = _ibin(b, "div", x, b.const(np.where(big, 1, pw).astype(xt), b.elem(x)))
            if np.any(big):
                y = _where(b, b.const(big.copy(), ir.IntegerType.get_signless(1)),
                           b.const(np.zeros((1,) * len(shape_of(y)), xt), b.elem(x)), y)
        return [b.reshape(y, shape_of(out))]
    p = None  # 2^(s mod w) = prod_k where(s & 2^k, 2^(2^k), 1)
    for k in range((w - 1).bit_length()):
        factor = _where(b, _bit_clear(b, s, k), _iconst(b, 1, s), _iconst(b, 1 << (1 << k), s))
        p = factor if p is None else _ibin(b, "mul", p, factor)
    y = _ibin(b, "mul" if left else "div", x, p)
    zero = b.const(np.zeros((1,) * len(shape_of(y)), xt), b.elem(x))
    y = _where(b, _icmp(b, "greater_or_equal", s, _iconst(b, w, s)), zero, y)
    return [b.reshape(y, shape_of(out))]


# (float type, integer type of its width): mantissa bits, exponent bias, largest exponent, smallest
# subnormal exponent, largest power-of-two factor a constant may hold here
_IEEE = {np.dtype(np.float32): (23, 127, 127, -149, 64), np.dtype(np.float64): (52, 1023, 1023, -1074, 512)}
_SAME_WIDTH = {np.dtype(np.float32): np.dtype(np.int32), np.dtype(np.float64): np.dtype(np.int64)}


def _times_pow2(f: _F, v: ir.Value, d: int, cap: int) -> ir.Value:
    """v * 2^d with constants no larger than 2^cap (exact while v * 2^d stays in range; inf past it)."""
    sign = 1 if d > 0 else -1
    d = abs(d)
    while d:
        step = min(d, cap)
        v = f.mul(v, 2.0 ** (sign * step))
        d -= step
    return v


def _abs(f: _F, x: ir.Value) -> ir.Value:
    return f.max(x, f.rsub(0.0, x))  # f64 has no unary kinds at level 4


def _float_bits(f: _F, x: ir.Value, it: ir.Type) -> ir.Value:
    """The IEEE bit pattern of float x as the integer type `it` of its width. The exponent is found by a
    binary search over powers of two (p = 2^K <= |x| < 2^(K+1), every product exact), the mantissa
    as (|x| / p - 1) * 2^M (subnormals: |x| * 2^(M - emin)); NaN gives the quiet NaN 0x7FC.. (its sign and
    payload are not recovered)."""
    b = f.b
    ft = _np(b.elem(x))
    mbits, bias, emax, lo, cap = _IEEE[ft]
    a = _abs(f, x)
    nan = b.op("npu_tensor.is_nan", [x], shape_of(x), ir.IntegerType.get_signless(1))
    inf = f.cmp("equal", a, float("inf"))
    neg = b.op("npu_tensor.or", [f.cmp("less", x, 0.0), f.cmp("less", f.div(f.c(1.0, x), x), 0.0)], shape_of(x),
               ir.IntegerType.get_signless(1))  # x < 0 or x = -0
    p = f.c(2.0**lo, x)
    k = f.c(float(lo), x)
    for j in range((emax - lo).bit_length() - 1, -1, -1):
        cand = _times_pow2(f, p, 1 << j, cap)
        ge = f.cmp("greater_or_equal", a, cand)
        p = f.where(ge, cand, p)
        k = f.add(k, f.where(ge, float(1 << j), 0.0, like=k))
    normal = f.cmp("greater_or_equal", k, float(1 - bias))
    e = f.where(normal, f.add(k, float(bias)), 0.0)
    m = f.where(normal, f.mul(f.sub(f.div(a, p), 1.0), 2.0**mbits), _times_pow2(f, a, mbits + bias - 1, cap))
    special = b.op("npu_tensor.or", [nan, inf], shape_of(x), ir.IntegerType.get_signless(1))
    e = f.where(special, float(2 * bias + 1), e)
    m = f.where(nan, float(2 ** (mbits - 1)), f.where(inf, 0.0, m))
    ei = _exact_int(f, e, it)
    bits = _ibin(b, "add", _ibin(b, "mul", ei, _iconst(b, 1 << mbits, ei)), _exact_int(f, m, it))
    signed = _and(f, neg, _not(f, nan))
    return _where(b, signed, _ibin(b, "add", bits, _iconst(b, -(1 << (_bits(_np(it)) - 1)), bits)), bits)


def _exact_int(f: _F, v: ir.Value, it: ir.Type) -> ir.Value:
    """Integer-valued float v (0 <= v < 2^53) in integer type `it`, exactly: f32 through one truncating cast;
    f64 (no f64 -> integer cast at level 4) in 24-bit chunks through f32 and i32."""
    b = f.b
    if _np(b.elem(v)) == np.float32:
        return f.cast(v, it)
    i32 = ir.IntegerType.get_signless(32)
    out, rest, shift = None, v, 0
    while shift < 53:
        chunk = b.op("npu_tensor.mod", [rest, f.c(2.0**24, rest)], shape_of(rest), b.elem(rest), {"fmod": 1})
        part = f.cast(f.cast(f.cast(chunk, f.f32), i32), it)
        if shift:
            part = _ibin(b, "mul", part, _iconst(b, 1 << shift, part))
        out = part if out is None else _ibin(b, "add", out, part)
        shift += 24
        if shift < 53:
            rest = f.div(f.sub(rest, chunk), 2.0**24)
    return out


def _bits_float(f: _F, u: ir.Value, ft: ir.Type) -> ir.Value:
    """The float of type `ft` whose IEEE bit pattern is integer u: (1 + m 2^-M) scaled by 2^(E - bias) one
    power-of-two factor per bit of |E - bias| (each product exact: the value moves monotonically to the
    result), subnormals m 2^lo, E all ones: inf or NaN; the sign by a multiply with -1."""
    b = f.b
    mbits, bias, emax, lo, cap = _IEEE[_np(ft)]
    field = _ibin(b, "bitwise_and", u, _iconst(b, (2 * bias + 1) << mbits, u))
    e = _ibin(b, "div", field, _iconst(b, 1 << mbits, u))
    m = _ibin(b, "bitwise_and", u, _iconst(b, (1 << mbits) - 1, u))
    mf = f.cast(m, ft)
    v = f.add(f.mul(mf, 2.0**-mbits), 1.0)
    ue = _ibin(b, "sub", e, _iconst(b, bias, e))
    mag = _ibin(b, "max", ue, _ibin(b, "sub", _iconst(b, 0, ue), ue))
    up = _icmp(b, "greater", ue, _iconst(b, 0, ue))
    for j in range(bias.bit_length()):
        d = 1 << j
        factor = f.where(up, _times_pow2(f, f.c(1.0, v), d, cap), _times_pow2(f, f.c(1.0, v), -d, cap), like=v)
        factor = f.where(_bit_clear(b, mag, j), 1.0, factor, like=v)
        v = f.mul(v, factor)
    v = f.where(_icmp(b, "equal", e, _iconst(b, 0, e)), _times_pow2(f, mf, lo, cap), v)
    top = _icmp(b, "equal", e, _iconst(b, 2 * bias + 1, e))
    v = f.where(top, f.where(_icmp(b, "equal", m, _iconst(b, 0, m)), float("inf"), float("nan"), like=v), v)
    return f.where(_icmp(b, "less", u, _iconst(b, 0, u)), f.mul(v, -1.0), v)


@decomposes("npu_tensor.bit_cast")
def bit_cast(op: ir.Operation, b: Builder):
    x = op.operands[0]
    out = op.results[0]
    it, ot = b.elem(x), b.elem(out)
    ibool = isinstance(it, ir.IntegerType) and ir.IntegerType(it).width == 1
    if it == ot:
        return [b.reshape(x, shape_of(out))]
    if (ibool or _int_bounds(_np(it)) is not None) and _int_bounds(_np(ot)) is not None and \
            (ibool and _bits(_np(ot)) == 8 or not ibool and _bits(_np(it)) == _bits(_np(ot))):
        # numpy's astype between integers of one width keeps the bits (two's complement wrap)
        y = b.op("npu_tensor.cast", [x], shape_of(x), ot, {"saturate": 1, "round_mode": "up"})
        return [b.reshape(y, shape_of(out))]
    src, dst = _np(it), _np(ot)
    flat = _rank1(b, x)
    if src in _SAME_WIDTH and _SAME_WIDTH[src] == dst:
        return [b.reshape(_float_bits(_F(op, b), flat, ot), shape_of(out))]
    if dst in _SAME_WIDTH and _SAME_WIDTH[dst] == src:
        return [b.reshape(_bits_float(_F(op, b), flat, ot), shape_of(out))]
    raise NpuError(f"bit_cast decomposition expects integer types of one width or f32 <-> i32 / f64 <-> i64, "
                   f"got {it} -> {ot}")


# ------------------------------------------------------------------ cum_prod

@decomposes("npu_tensor.cum_prod")
def cum_prod(op: ir.Operation, b: Builder):
    x = op.operands[0]
    elem = b.elem(x)
    dt = _np(elem)
    if isinstance(elem, quant.QuantizedType) or _int_bounds(dt) is None and not _is_float(elem) or \
            dt.name in ("int4", "uint4", "int2", "uint2"):
        raise NpuError(f"cum_prod decomposition expects float or 8..64-bit integer data, got {elem}")
    shape = shape_of(x)
    rank = len(shape)
    axis = int(_attr(op, "axis", 0)) % max(rank, 1)
    n = shape[axis]
    exclusive, reverse = bool(_attr(op, "exclusive", 0)), bool(_attr(op, "reverse", 0))
    y = shift_in(b, x, axis, 1, reverse, 1) if exclusive else x
    if n <= 1:
        return [y]
    if _is_float(elem) and n <= SEQUENTIAL_MAX:  # golden's order: out[k] = out[k - 1] * x[k]
        order = range(n - 1, -1, -1) if reverse else range(n)
        parts, acc = {}, None
        for k in order:
            term = b.slice(y, [axis], [k], [k + 1])
            acc = term if acc is None else _ibin(b, "mul", acc, term)
            parts[k] = acc
        return [concat(b, [parts[k] for k in range(n)], axis)]
    step = 1  # Hillis-Steele: y *= y shifted by 1, 2, 4, ...
    while step < n:
        y = _ibin(b, "mul", y, shift_in(b, y, axis, step, reverse, 1))
        step *= 2
    return [y]
