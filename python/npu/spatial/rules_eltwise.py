"""Elementwise ops (with numpy broadcasting) on the vector unit.

Iteration space: the result's dims, all parallel. One tile on one PE: every
tensor operand's box (its broadcast dims have size 1 in the box) is DMA'd into
a buffer whose dims follow the result's storage order, a short recipe of
npu_pe vector ops computes the tile (npu_pe.binary broadcasts the size-1
dims), and the result box is DMA'd out. Recipes, one per op (equations):

    relu, neg, abs, exp, log, sqrt, tanh, sigmoid, erf, reciprocal, gelu, floor, ceil, round, sign,
    sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, softplus, softsign
                                                           -> unary <kind>
                                                              (integer neg: 0 sub_wrap x; integer abs:
                                                              select(x < 0, 0 sub_wrap x, x): they wrap
                                                              at the minimum like numpy, unary neg/abs saturate)
    bitwise_not                                            -> unary not
    add, sub, mul, div, max, min, add_int                  -> binary <kind>  (integer div truncates, as golden)
                                                              (integer add/sub/mul: add_wrap / sub_wrap /
                                                              mul_wrap, wrapping like the golden numpy op)
    bitwise_and / _or / _xor, and / or / xor (masks)       -> binary and / or / xor
    mod                                                    -> binary mod (integers, fmod = 0)
                                                              or fmod (floats, fmod = 1)
    equal, less, less_or_equal, greater, greater_or_equal  -> compare eq / lt / le / gt / ge
    where(c, a, b)         -> select
    not(m)                 = m xor 1
    is_nan(x)              = compare ne (x, x)
    is_inf(x)              = compare eq (|x|, +inf), or eq (x, +inf) / eq (x, -inf) for one sign
                             (a fill of 0 when neither sign is detected)
    batch_normalization(x) = x * a + (bias - mean * a),  a = scale / sqrt(var + eps)
                             (a and the shift computed at compile time, in float64, as f32 constants)
    leaky_relu(x)          = max(x, alpha * x) for alpha <= 1, min(...) otherwise
    prelu(x, s)            = relu(x) + (x - relu(x)) * s
    clip / clamp           -> clamp [min, max]
    pow(x, 2) = x * x,  pow(x, 0.5) = sqrt(x)
    cast                   -> cast (float <-> float, int -> float, int -> a wider int), or as numpy's astype:
                              -> bool:     compare ne (x, 0)
                              int -> int:  wrap to b bits (when the source range does not fit):
                                           w = cast_i64(x); m = w and (2^b - 1);
                                           signed: m = (m xor 2^(b-1)) sub_wrap 2^(b-1); cast(m)
                              float -> int: truncate: t = select(x < 0, ceil(x), floor(x)); cast(t)
                              (exact when the truncated value fits the result type; beyond it the
                              golden astype is undefined and level 4 saturates, NaN -> 0; a
                              storage-only float source is first cast to f32, exactly)
                              float -> i4 / i2 / ui4 / ui2 (ml_dtypes' astype: truncate, then the
                              low b bits; NaN, +-inf and |x| >= 2^31 give 0 -- the low bits of a
                              larger f32 are 0 anyway): f = f32(x); t = trunc(f) as above;
                              t = select(|f| < 2^31, t, 0); w = cast_i64(t); then the int wrap
                              -> f8E4M3FNUZ / f8E5M2FNUZ with saturate: f = f32(x);
                                           clamp(f, -max, max); cast(f)  (golden: the same clip in f32;
                                           without saturate one cast: overflow, inf, NaN -> NaN)
                              -> f8E8M0FNU: cast (npu_pe.cast is ONNX's default round_mode "up" with
                                           saturate); the other modes and saturate = 0 on the f32 bits
                                           (b = view_i32(f32(x)), e = (b ashr 23) and 255, as golden):
                                           up: bump = (b and 0x7FFFFF) > 0; down: bump = 0; nearest:
                                           bump = (b and 0x400000) > 0 and ((b and 0x3FFFFF) > 0 or e > 0);
                                           saturate: bump = bump and e != 254;
                                           code = select(e == 255, 255, e + bump), cast into a ui8 view
                              -> f4E2M1FN: cast (saturating to +-6 as ml_dtypes' astype; ONNX's
                                           saturate attribute does not apply to it)
    rescale                -> rescale (per-channel parameters sliced to the tile; the
                              channel axis is made the buffer's last dim)
    table                  -> table (the whole 256-entry table loaded)
    quantize(x)   = clamp(cast_i8(cast_i32(x / scale) + zp), qmin, qmax)
    dequantize(q) = cast_f32(cast_i32(q) - zp) * scale   (per block: the parameters repeated over the block)
    quantize_float(x) = cast_fmt(clamp(f32(x) / scale, -max, max))   (the clamp only with saturate:
                    ONNX saturation to the format's largest finite value, then one rounding)
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import Callable

import numpy as np
from mlir.dialects import quant

from npu.dialects.level4 import (
    ELEMENT_TYPES, WIDE_FLOAT_BINARY, WIDE_INT_BINARY, int_range, is_int, is_storage_only, is_wide,
)
from npu.interp.level4_memory import api_dtype
from npu.spatial.cost import Chip
from npu.spatial.family import Family, halvings, register, splits
from npu.spatial.graph import Node
from npu.spatial.layout import View
from npu.spatial.plan import Space
from npu.spatial.program import FLOAT_TYPES, Buf, nbytes

UNARY = {"relu": "relu", "neg": "neg", "abs": "abs", "exp": "exp", "log": "log", "sqrt": "sqrt", "tanh": "tanh",
         "sigmoid": "sigmoid", "erf": "erf", "reciprocal": "reciprocal",
         **{k: k for k in ("floor", "ceil", "round", "sign", "sin", "cos", "tan", "asin", "acos", "atan", "sinh",
                           "cosh", "asinh", "acosh", "atanh", "softplus", "softsign")}}
BINARY = {"add": "add", "sub": "sub", "mul": "mul", "div": "div", "max": "max", "min": "min", "add_int": "add"}
FLOAT_ONLY = set(UNARY) - {"relu", "neg", "abs", "sign"} | {"gelu", "batch_normalization", "leaky_relu",
                                                            "prelu", "is_nan", "is_inf"}
# Booleans are i8 masks of 0 / 1 at level 4 (npu.spatial.graph maps i1 to i8), so the logical ops
# are the bitwise kinds on masks.
BITWISE = {"bitwise_and": "and", "bitwise_or": "or", "bitwise_xor": "xor", "and": "and", "or": "or", "xor": "xor"}
COMPARE = {"equal": "eq", "less": "lt", "less_or_equal": "le", "greater": "gt", "greater_or_equal": "ge"}
INT_ONLY = set(BITWISE) | {"bitwise_not", "not"}
# element types the vector unit takes for the ops above (no i4, no storage-only types)
VECTOR_TYPES = tuple(t for t in ELEMENT_TYPES if t != "i4" and not is_storage_only(t))
# ops that take the storage-only types (npu.dialects.level4.STORAGE_TYPES): cast, and where (select)
_STORAGE_OPS = ("cast", "where")
# the results of a cast that wraps to b bits from a float (trunc_wrap: ml_dtypes' astype)
_SUB_BYTE_INTS = ("i4", "i2", "ui4", "ui2")
# storage-only fp8 formats a saturating cast clamps to +-max first
_FNUZ = ("f8E4M3FNUZ", "f8E5M2FNUZ")
# ONNX Cast round modes to f8E8M0FNU
_E8M0_MODES = ("up", "down", "nearest")
# ops defined on the data-movement types (npu.dialects.level4.WIDE_TYPES: i64, ui8..ui64, f64), by
# whether the type is an integer one; each maps to exact level-4 kinds (WIDE_INT_BINARY /
# WIDE_FLOAT_BINARY, compare, select, cast, unary not)
_WIDE_COMMON = {"max", "min", "where", "cast", *COMPARE}
WIDE_INT_OPS = _WIDE_COMMON | {"add", "sub", "mul", "div", "mod", "bitwise_not", "neg", "abs", *BITWISE}  # neg, abs: sub_wrap + select
WIDE_FLOAT_OPS = _WIDE_COMMON | {"add", "sub", "mul", "div", "is_nan", "mod"}
assert {"add_wrap", "sub_wrap", "mul_wrap", "and", "or", "xor", "mod", "div", "max", "min"} <= set(WIDE_INT_BINARY)
assert {"add", "sub", "mul", "div", "max", "min", "fmod"} <= set(WIDE_FLOAT_BINARY)


@dataclass
class Tile:
    """What a recipe works with: loaded operand buffers, the result buffer, and helpers."""

    ctx: object
    ins: list[Buf]
    out: Buf
    order: tuple[int, ...]
    rank: int

    @property
    def prog(self):
        return self.ctx.prog

    def const(self, array: np.ndarray, dtype: str, hint: str) -> Buf:
        """A compile-time constant broadcastable to the result, loaded for this tile."""
        array = np.asarray(array).astype(_np_dtype(dtype))
        array = array.reshape((1,) * (self.rank - array.ndim) + array.shape)
        view = self.ctx.lw.constant(array, hint, dtype, self.prog.loc)
        buf, tok = _load_operand(self.ctx, view, array.shape, dtype, self.order)
        self.prog.dma_wait([tok] if tok else [])
        self.temps.append(buf)
        return buf

    def temp(self, dtype: str | None = None) -> Buf:
        buf = self.prog.alloc(self.out.shape, dtype or self.out.dtype)
        self.temps.append(buf)
        return buf

    def __post_init__(self):
        self.temps: list[Buf] = []


def _np_dtype(dtype: str):
    return api_dtype(dtype)


def _load_operand(ctx, view: View, shape, dtype: str, order) -> tuple[Buf, str | None]:
    rank = len(ctx.sizes)
    shape = (1,) * (rank - len(shape)) + tuple(shape)
    view = view.reshape(shape)
    lo = tuple(l if n != 1 else 0 for l, n in zip(ctx.lo, shape))
    sizes = tuple(s if n != 1 else 1 for s, n in zip(ctx.sizes, shape))
    return ctx.load(view, lo, sizes, order, dtype)


# ------------------------------------------------------------------ recipes

def _unary(kind: str) -> Callable[[Tile], None]:
    return lambda e: e.prog.unary(kind, e.ins[0], e.out)


def _binary(kind: str) -> Callable[[Tile], None]:
    return lambda e: e.prog.binary(kind, e.ins[0], e.ins[1], e.out)


def _wrapping(kind: str) -> Callable[[Tile], None]:
    """Level-1 add/sub/mul: on integers they wrap modulo 2^bits (numpy), where level-4 `add` saturates."""
    def emit(e: Tile) -> None:
        wrapped = kind + "_wrap" if e.out.dtype not in FLOAT_TYPES else kind
        e.prog.binary(wrapped, e.ins[0], e.ins[1], e.out)
    return emit


def _neg(e: Tile) -> None:
    """Integer neg wraps like numpy (-(-128) = -128 in i8) where level-4 `neg` saturates: 0 sub_wrap x."""
    x = e.ins[0]
    if e.out.dtype in FLOAT_TYPES:
        e.prog.unary("neg", x, e.out)
        return
    e.prog.binary("sub_wrap", e.const(np.zeros((), _np_dtype(x.dtype)), x.dtype, "zero"), x, e.out)


def _abs(e: Tile) -> None:
    """Integer abs wraps like numpy (|-128| = -128 in i8) where level-4 `abs` saturates:
    select(x < 0, 0 sub_wrap x, x)."""
    x = e.ins[0]
    if e.out.dtype in FLOAT_TYPES:
        e.prog.unary("abs", x, e.out)
        return
    zero = e.const(np.zeros((), _np_dtype(x.dtype)), x.dtype, "zero")
    below = e.temp("i8")
    e.prog.compare("lt", x, zero, below)
    negated = e.temp(x.dtype)
    e.prog.binary("sub_wrap", zero, x, negated)
    e.prog.select(below, negated, x, e.out)


def _compare(kind: str) -> Callable[[Tile], None]:
    return lambda e: e.prog.compare(kind, e.ins[0], e.ins[1], e.out)


def _not(e: Tile) -> None:
    e.prog.binary("xor", e.ins[0], e.const(np.int8(1), "i8", "ones"), e.out)


def _mod(e: Tile) -> None:
    e.prog.binary("fmod" if int(e.ctx.node.attrs.get("fmod", 0)) else "mod", e.ins[0], e.ins[1], e.out)


def _is_inf(e: Tile) -> None:
    a = e.ctx.node.attrs
    pos, neg = int(a.get("detect_positive", 1)), int(a.get("detect_negative", 1))
    x = e.ins[0]
    if not (pos or neg):
        e.prog.fill(e.out, 0)
        return
    if pos and neg:
        mag = e.temp(x.dtype)
        e.prog.unary("abs", x, mag)
        x = mag
    inf = np.array(np.inf if pos else -np.inf, dtype=np.float32)
    e.prog.compare("eq", x, e.const(inf, x.dtype, "inf"), e.out)


def _is_bool(value) -> bool:
    return str(value.type.element_type) == "i1"


def cast_plan(node: Node) -> str | None:
    """How a level-1 cast lowers ("cast", "nonzero", "wrap", "trunc", "trunc_wrap" or "clamp"), None
    when it cannot (see the module docstring: the golden cast is numpy's astype, npu.interp's
    kernels_elementwise._cast for the fp8 / e8m0 formats)."""
    src, dst = node.operands[0].dtype, node.out.dtype
    if _is_bool(node.op.results[0]) and not _is_bool(node.op.operands[0]):
        return "nonzero"
    if dst == "f8E8M0FNU" and (node.attrs.get("round_mode", "up") != "up" or not int(node.attrs.get("saturate", 1))):
        return "e8m0_bits" if node.attrs.get("round_mode", "up") in _E8M0_MODES else None
    if dst in _FNUZ and int(node.attrs.get("saturate", 1)) and not _is_bool(node.op.operands[0]):
        return "clamp"
    if dst in FLOAT_TYPES or _is_bool(node.op.operands[0]):
        return "cast"  # rounds once like astype (a mask's 0 / 1 fits every type)
    if is_int(src):
        lo, hi = int_range(src)
        dlo, dhi = int_range(dst)
        if dlo <= lo and hi <= dhi:
            return "cast"
        return "wrap" if "ui64" not in (src, dst) else None
    if src == "f64":
        return None
    return "trunc_wrap" if dst in _SUB_BYTE_INTS else "trunc"


def _as_f32(e: Tile, x: Buf) -> Buf:
    """`x` itself when it is f32, else an f32 temporary holding its values (exact but for f64)."""
    if x.dtype == "f32":
        return x
    f = e.temp("f32")
    e.prog.cast(x, f)
    return f


def _wrap_i64(e: Tile, w: Buf, out: Buf) -> None:
    """out = the low b bits of the i64 values in `w` (two's complement for signed `out`); w is clobbered."""
    b = int(out.dtype.lstrip("ui"))
    e.prog.binary("and", w, e.const(np.int64((1 << b) - 1), "i64", "wrap_mask"), w)
    if not out.dtype.startswith("u"):
        half = e.const(np.int64(1 << (b - 1)), "i64", "wrap_half")
        e.prog.binary("xor", w, half, w)
        e.prog.binary("sub_wrap", w, half, w)
    e.prog.cast(w, out)


def _e8m0_bits(e: Tile, x: Buf, out: Buf) -> None:
    """f8E8M0FNU codes from the f32 bit pattern (golden's to_e8m0, any round_mode, saturate or not)."""
    a = e.ctx.node.attrs
    mode, saturate = a.get("round_mode", "up"), int(a.get("saturate", 1))
    shape = out.shape
    bits = e.prog.view(_as_f32(e, x), shape, "i32")

    def i32(value, hint):
        return e.const(np.int32(value), "i32", hint)

    scratch = e.temp("i32")

    def positive(mask_bits, hint):  # (bits and mask) > 0 as an i8 mask
        flag = e.temp("i8")
        e.prog.binary("and", bits, i32(mask_bits, hint), scratch)
        e.prog.compare("gt", scratch, i32(0, "e8m0_zero"), flag)
        return flag

    exp = e.temp("i32")
    e.prog.binary("ashr", bits, i32(23, "e8m0_shift"), exp)
    e.prog.binary("and", exp, i32(0xFF, "e8m0_field"), exp)
    bump = None
    if mode == "up":
        bump = positive(0x7FFFFF, "e8m0_mantissa")
    elif mode == "nearest":
        bump = positive(0x400000, "e8m0_guard")
        rest = positive(0x3FFFFF, "e8m0_rest")
        normal = e.temp("i8")
        e.prog.compare("gt", exp, i32(0, "e8m0_zero"), normal)
        e.prog.binary("or", rest, normal, rest)
        e.prog.binary("and", bump, rest, bump)
    code = e.temp("i32")
    if bump is None:  # down: the exponent field itself
        e.prog.unary("copy", exp, code)
    else:
        if saturate:
            below = e.temp("i8")
            e.prog.compare("ne", exp, i32(254, "e8m0_top"), below)
            e.prog.binary("and", bump, below, bump)
        e.prog.cast(bump, scratch)
        e.prog.binary("add_wrap", exp, scratch, code)
    special = e.temp("i8")
    e.prog.compare("eq", exp, i32(255, "e8m0_field"), special)
    e.prog.select(special, i32(255, "e8m0_field"), code, code)
    e.prog.cast(code, e.prog.view(out, shape, "ui8"))


def _truncate(e: Tile, x: Buf) -> Buf:
    """A temporary of x's type holding x rounded toward zero (x: a float type the vector unit takes)."""
    neg = e.temp("i8")
    e.prog.compare("lt", x, e.const(np.zeros((), _np_dtype(x.dtype)), x.dtype, "zero"), neg)
    down, up = e.temp(x.dtype), e.temp(x.dtype)
    e.prog.unary("floor", x, down)
    e.prog.unary("ceil", x, up)
    e.prog.select(neg, up, down, down)
    return down


def _cast(e: Tile) -> None:
    plan = cast_plan(e.ctx.node)
    x, out = e.ins[0], e.out
    if plan == "cast":
        e.prog.cast(x, out)
    elif plan == "nonzero":  # astype(bool): x != 0 (NaN too)
        e.prog.compare("ne", x, e.const(np.zeros((), _np_dtype(x.dtype)), x.dtype, "zero"), out)
    elif plan == "wrap":  # the low b bits, two's complement, computed in i64
        w = e.temp("i64")
        e.prog.cast(x, w)
        _wrap_i64(e, w, out)
    elif plan == "clamp":  # ONNX saturate: clip the f32 value to the format's finite range, then round
        import ml_dtypes

        f = _as_f32(e, x)
        c = e.temp("f32")
        m = float(ml_dtypes.finfo(_np_dtype(out.dtype)).max)
        e.prog.clamp(f, c, -m, m)
        e.prog.cast(c, out)
    elif plan == "trunc_wrap":  # truncate in f32, 0 where |x| >= 2^31 (and NaN, inf), then the low bits
        f = _as_f32(e, x)
        t = _truncate(e, f)
        keep = e.temp("i8")
        mag = e.temp("f32")
        e.prog.unary("abs", f, mag)
        e.prog.compare("lt", mag, e.const(np.float32(2.0 ** 31), "f32", "wrap_limit"), keep)
        e.prog.select(keep, t, e.const(np.float32(0), "f32", "zero"), t)
        w = e.temp("i64")
        e.prog.cast(t, w)
        _wrap_i64(e, w, out)
    elif plan == "e8m0_bits":
        _e8m0_bits(e, x, out)
    else:  # trunc: astype's rounding toward zero, then an exact cast
        if is_storage_only(x.dtype):
            x = _as_f32(e, x)
        e.prog.cast(_truncate(e, x), out)


def _batch_norm(e: Tile) -> None:
    node = e.ctx.node
    lw = e.ctx.lw
    scale, bias, mean, var = (lw.const_value(t).astype(np.float64) for t in node.operands[1:5])
    a = scale / np.sqrt(var + float(node.attrs.get("epsilon", 1e-5)))
    shift = bias - mean * a
    shape = (1, -1) + (1,) * (e.rank - 2)
    e.prog.binary("mul", e.ins[0], e.const(a.reshape(shape), "f32", "bn_scale"), e.out)
    e.prog.binary("add", e.out, e.const(shift.reshape(shape), "f32", "bn_shift"), e.out)


def _leaky_relu(e: Tile) -> None:
    alpha = float(e.ctx.node.attrs.get("alpha", 0.01))
    e.prog.binary("mul", e.ins[0], e.const(np.float32(alpha), "f32", "alpha"), e.out)
    e.prog.binary("max" if alpha <= 1 else "min", e.ins[0], e.out, e.out)


def _prelu(e: Tile) -> None:
    neg = e.temp()
    e.prog.unary("relu", e.ins[0], e.out)
    e.prog.binary("sub", e.ins[0], e.out, neg)
    e.prog.binary("mul", neg, e.ins[1], neg)
    e.prog.binary("add", e.out, neg, e.out)


def _clip(e: Tile) -> None:
    a = e.ctx.node.attrs
    lo, hi = a.get("min", float("-inf")), a.get("max", float("inf"))
    e.prog.clamp(e.ins[0], e.out, min(lo, hi), hi)  # min > max: every output is max (ONNX Clip)


def _pow(e: Tile) -> None:
    exponent = float(np.asarray(e.ctx.lw.const_value(e.ctx.node.operands[1])).reshape(()))
    if exponent == 2.0:
        e.prog.binary("mul", e.ins[0], e.ins[0], e.out)
    else:
        e.prog.unary("sqrt", e.ins[0], e.out)


def _rescale(e: Tile) -> None:
    a = e.ctx.node.attrs
    mult, shift = list(a["multiplier"]), list(a["shift"])
    if len(mult) > 1:
        axis = int(a["axis"]) % e.rank
        c0, ct = e.ctx.lo[axis], e.ctx.sizes[axis]
        mult, shift = mult[c0:c0 + ct], shift[c0:c0 + ct]
    rounding = "double_round" if str(a["rounding_mode"]).upper() == "DOUBLE_ROUND" else "single_round"
    e.prog.rescale(e.ins[0], e.out, mult, shift, int(a["input_zp"]), int(a["output_zp"]), rounding)


def _quant_range(node: Node) -> tuple[int, int]:
    t = node.op.results[0].type.element_type
    return int(t.storage_type_min), int(t.storage_type_max)


def _per_axis(e: Tile, values, axis: int) -> np.ndarray:
    v = np.asarray(values)
    if v.size == 1:
        return v.reshape(())
    shape = [1] * e.rank
    shape[axis % e.rank] = v.size
    return v.reshape(shape)


def _quantize(e: Tile) -> None:
    a = e.ctx.node.attrs
    axis = int(a.get("axis", 0))
    wide = e.temp("f32")
    e.prog.binary("div", e.ins[0], e.const(_per_axis(e, np.float32(a["scale"]), axis), "f32", "q_scale"), wide)
    acc = e.temp("i32")
    e.prog.cast(wide, acc)
    zp = np.asarray(a["zero_point"], dtype=np.int32)
    if np.any(zp):
        e.prog.binary("add", acc, e.const(_per_axis(e, zp, axis), "i32", "q_zp"), acc)
    e.prog.cast(acc, e.out)
    lo, hi = _quant_range(e.ctx.node)
    e.prog.clamp(e.out, e.out, lo, hi)


_FORMAT = {"f8E4M3FN": "fp8e4m3", "f8E5M2": "fp8e5m2", "bf16": "bf16", "f16": "fp16", "f32": "fp32"}


def _quantize_float(e: Tile) -> None:
    """round_to_format(f32(x) / scale, fmt, saturate) (npu.numerics.quantize_float): an f32 division,
    with saturate a clamp to +-max_finite, then one rounding cast (f8E4M3FN's cast saturates anyway)."""
    from npu.numerics import max_finite

    a = e.ctx.node.attrs
    x = e.ins[0]
    if x.dtype != "f32":
        wide = e.temp("f32")
        e.prog.cast(x, wide)  # exact
        x = wide
    q = e.temp("f32")
    e.prog.binary("div", x, e.const(np.float32(np.asarray(a["scale"]).reshape(())), "f32", "qf_scale"), q)
    fmt = e.out.dtype
    if int(a.get("saturate", 1)) and fmt != "f32":
        m = float(np.float32(max_finite(_FORMAT[fmt])))
        e.prog.clamp(q, q, -m, m)
    e.prog.cast(q, e.out)


def _blocked(e: Tile, values, axis: int, block: int) -> np.ndarray:
    """Per-block parameters (the tensor's rank, ceil(n / block) along `axis`) repeated to one per element."""
    shape = list(e.ctx.node.operands[0].shape)
    n = shape[axis]
    shape[axis] = -(-n // block)
    return np.repeat(np.asarray(values).reshape(shape), block, axis=axis).take(range(n), axis=axis)


def _dequantize(e: Tile) -> None:
    """float32(q - zp) * scale, per tensor, per axis, or per block (int4 weight-only groups: the
    parameters repeated over each block at compile time)."""
    a = e.ctx.node.attrs
    axis = int(a.get("axis", 0)) % e.rank
    block = int(a.get("block_size", 0))

    def params(values, dtype):
        values = np.asarray(values, dtype)
        return _blocked(e, values, axis, block) if block else _per_axis(e, values, axis)

    acc = e.temp("i32")
    e.prog.cast(e.ins[0], acc)
    zp = np.asarray(a["zero_point"], dtype=np.int32)
    if np.any(zp):
        e.prog.binary("sub", acc, e.const(params(zp, np.int32), "i32", "dq_zp"), acc)
    e.prog.cast(acc, e.out)
    e.prog.binary("mul", e.out, e.const(params(a["scale"], np.float32), "f32", "dq_scale"), e.out)


RECIPES: dict[str, Callable[[Tile], None]] = {
    **{op: _unary(kind) for op, kind in UNARY.items()},
    **{op: _binary(kind) for op, kind in BINARY.items()},
    **{op: _wrapping(op) for op in ("add", "sub", "mul")},
    **{op: _binary(kind) for op, kind in BITWISE.items()},
    **{op: _compare(kind) for op, kind in COMPARE.items()},
    "neg": _neg,
    "abs": _abs,
    "bitwise_not": _unary("not"),
    "not": _not,
    "where": lambda e: e.prog.select(e.ins[0], e.ins[1], e.ins[2], e.out),
    "is_nan": lambda e: e.prog.compare("ne", e.ins[0], e.ins[0], e.out),
    "is_inf": _is_inf,
    "mod": _mod,
    "gelu": _unary("gelu"),
    "batch_normalization": _batch_norm,
    "leaky_relu": _leaky_relu,
    "prelu": _prelu,
    "clip": _clip,
    "clamp": lambda e: e.prog.clamp(e.ins[0], e.out, e.ctx.node.attrs["min"], e.ctx.node.attrs["max"]),
    "pow": _pow,
    "cast": _cast,
    "rescale": _rescale,
    "table": lambda e: e.prog.table(e.ins[0], e.ins[1], e.out),
    "quantize": _quantize,
    "dequantize": _dequantize,
    "quantize_float": _quantize_float,
}
# the ops added with npu_pe.compare / select and the rounding, trigonometric and logical kinds
_VECTOR_OPS = (set(UNARY) - {"relu", "neg", "abs", "exp", "log", "sqrt", "tanh", "sigmoid", "erf", "reciprocal"}
               | set(BITWISE) | set(COMPARE) | {"bitwise_not", "not", "where", "is_nan", "is_inf", "mod"})
# operands read whole (not per tile), and constant operands the recipe reads itself
_WHOLE = {"table": (1,)}
_SKIP = {"batch_normalization": (1, 2, 3, 4), "pow": (1,)}


@register
class EltwiseFamily(Family):
    name = "eltwise"
    ops = tuple(RECIPES)
    wide_types = True  # checked op by op below

    def unsupported(self, node: Node, chip: Chip) -> str | None:
        dtype = node.operands[0].dtype
        wide = [t.dtype for t in (*node.operands, node.out) if is_wide(t.dtype)]
        storage = [d for d in wide if is_storage_only(d)]
        if storage and node.name not in _STORAGE_OPS:
            return (f"element types the vector unit computes '{node.name}' on, got {storage[0]} (a storage-only "
                    f"type: level 4 only moves, selects and casts it)")
        if wide:
            allowed = WIDE_INT_OPS if is_int(wide[0]) else WIDE_FLOAT_OPS
            if node.name not in allowed:
                return (f"element types the vector unit computes '{node.name}' on, got {wide[0]} (level 4 "
                        f"has only {', '.join(sorted(allowed))} on it)")
            if node.name == "mod" and int(node.attrs.get("fmod", 0)) != (not is_int(wide[0])):
                return f"fmod = {int(not is_int(wide[0]))} for {wide[0]} data"
        if node.name in _VECTOR_OPS:
            bad = [t.dtype for t in (*node.operands, node.out) if t.dtype not in VECTOR_TYPES]
            if bad:
                return f"element types {', '.join(VECTOR_TYPES)}, got {bad[0]}"
        if node.name in FLOAT_ONLY and dtype not in FLOAT_TYPES:
            return f"float data, got {dtype}"
        if node.name in INT_ONLY and dtype in FLOAT_TYPES:
            return f"integer data, got {dtype}"
        if node.name == "div" and dtype not in FLOAT_TYPES:  # truncating integer division on plain integers
            if dtype == "i4" or any(isinstance(v.type.element_type, quant.QuantizedType)
                                    for v in list(node.op.operands) + list(node.op.results)):
                return f"float data or plain i8 / i16 / i32 / i64 / unsigned integers, got {dtype}"
        if node.name == "is_inf" and dtype not in ("f32", "f16", "bf16"):
            return f"f32, f16 or bf16 data, got {dtype}"
        if node.name in COMPARE:  # storage values compare as they are (where's types are one, level 1 says)
            types = [v.type.element_type for v in list(node.op.operands)[:2]]
            if any(isinstance(t, quant.QuantizedType) for t in types) and len({str(t) for t in types}) > 1:
                return f"quantized data of one type (scale and zero point), got {', '.join(map(str, types))}"
        if node.name == "mod":
            fmod = int(node.attrs.get("fmod", 0))
            if fmod != (dtype in FLOAT_TYPES):
                return f"integer data with fmod = 0 or float data with fmod = 1, got {dtype} with fmod = {fmod}"
        if node.name == "gelu" and node.attrs.get("approximate", "none") != "none":
            return f"approximate = \"none\", got \"{node.attrs.get('approximate')}\""
        if node.name == "batch_normalization" and any(t.kind != "const" for t in node.operands[1:5]):
            return "constant scale, bias, mean and variance"
        if node.name == "pow":
            exp = node.operands[1]
            if exp.kind != "const" or exp.numel != 1:
                return "a constant scalar exponent"
            from npu.ir.attrs import from_attr

            value = float(np.asarray(from_attr(exp.const)).reshape(-1)[0])
            if value not in (2.0, 0.5):  # the recipe has x * x and sqrt only; npu-decompose rewrites the others
                return f"exponent 2 or 0.5, got {value}"
        if node.name == "cast" and node.operands[0].dtype in FLOAT_TYPES:
            saturate = int(node.attrs.get("saturate", 1))
            if node.out.dtype == "f8E4M3FN" and not saturate:
                return "saturate = 1 for a cast to f8E4M3FN (npu_pe.cast saturates; npu-decompose rewrites it)"
            if node.out.dtype == "f8E5M2" and saturate:
                return "saturate = 0 for a cast to f8E5M2 (npu_pe.cast overflows to inf; npu-decompose rewrites it)"
        if node.name == "cast" and node.out.dtype == "f8E8M0FNU" and cast_plan(node) is None:
            return (f"round_mode \"up\", \"down\" or \"nearest\" for a cast to f8E8M0FNU, got "
                    f"\"{node.attrs.get('round_mode', 'up')}\"")
        if node.name == "cast" and cast_plan(node) is None:
            return (f"a cast numpy's astype semantics can be built for, got {node.operands[0].dtype} to "
                    f"{node.out.dtype} (no ui64 wrap, no f64 to integer)")
        if node.name == "quantize" and int(node.attrs.get("block_size", 0)):
            return "per-tensor or per-axis quantization (block_size = 0)"
        if node.name == "quantize" and not isinstance(node.op.results[0].type.element_type, quant.QuantizedType):
            return "a !quant.uniform result"
        if node.name == "quantize_float":
            if np.asarray(node.attrs["scale"]).size != 1:
                return "a per-tensor scale"
            if node.out.dtype == "f8E4M3FN" and not int(node.attrs.get("saturate", 1)):
                return "saturate = 1 for f8E4M3FN (its overflow is NaN without it; npu_pe.cast saturates)"
            if node.operands[0].dtype not in FLOAT_TYPES:
                return f"float data, got {node.operands[0].dtype}"
        return None

    def space(self, node: Node) -> Space:
        shape = node.out.shape or (1,)
        return Space(tuple(f"d{i}" for i in range(len(shape))), shape)

    def candidates(self, node: Node, space: Space, chip: Chip):
        sizes = space.sizes
        order = node.out.storage_order() if len(node.out.shape) == len(sizes) else range(len(sizes))
        dims = [d for d in order if sizes[d] > 1][:2] or [0]
        first = splits(sizes[dims[0]], chip.num_pes)
        second = halvings(sizes[dims[1]]) if len(dims) > 1 else [None]
        for t0 in first:
            for t1 in second:
                tile = list(sizes)
                tile[dims[0]] = t0
                if t1 is not None:
                    tile[dims[1]] = t1
                if chip.fits(self.step_buffers(node, tuple(tile), chip)):
                    yield tuple(tile)
                    break

    def _operand_tiles(self, node: Node, tile) -> list[tuple[tuple[int, ...], str]]:
        rank = len(tile)
        out = []
        for i, t in enumerate(node.operands):
            if i in _SKIP.get(node.name, ()):
                continue
            if i in _WHOLE.get(node.name, ()):
                out.append((t.shape, t.dtype))
                continue
            shape = (1,) * (rank - len(t.shape)) + t.shape
            out.append((tuple(s if n != 1 else 1 for s, n in zip(tile, shape)), t.dtype))
        return out

    def step_buffers(self, node: Node, tile, chip: Chip) -> list[int]:
        tiles = self._operand_tiles(node, tile)
        bufs = [nbytes(s, d) for s, d in tiles]
        # a mask result may need temporaries of the operands' type (is_inf)
        bufs += [nbytes(tile, self._work_dtype(node, tiles))] * 3  # result + up to two temporaries / constants
        return bufs

    @staticmethod
    def _work_dtype(node: Node, tiles) -> str:
        """The result type, or for the compare/select/logical ops the widest of result and operands
        (a compare of f32 into an i8 mask runs at the f32 rate and may need f32 temporaries); a cast
        that wraps works in i64, one that truncates in the wider of its types."""
        if node.name == "cast":
            plan = cast_plan(node)
            if plan in ("wrap", "trunc_wrap"):
                return "i64"
            if plan == "e8m0_bits":
                return "i64"  # an f32 value, three i32 buffers and up to five i8 masks: under 3 x 8 bytes
            if plan == "clamp":
                return "f32"
            if plan in ("trunc", "nonzero"):
                return max([node.out.dtype, node.operands[0].dtype], key=lambda d: nbytes((1,), d))
        if node.name not in _VECTOR_OPS:
            return node.out.dtype
        return max([node.out.dtype] + [d for _, d in tiles], key=lambda d: nbytes((1,), d))

    def step_cost(self, node: Node, tile, chip: Chip) -> tuple[float, int]:
        tiles = self._operand_tiles(node, tile)
        moved = sum(nbytes(s, d) for s, d in tiles) + nbytes(tile, node.out.dtype)
        return chip.vector_cycles(3 * prod(tile), self._work_dtype(node, tiles)), moved

    def emit(self, ctx) -> None:
        node, prog = ctx.node, ctx.prog
        rank = len(ctx.sizes)
        out_view = ctx.where().reshape(tuple(ctx.plan.space.sizes))
        order = out_view.physical_order()
        if node.name == "rescale" and len(node.attrs["multiplier"]) > 1:
            axis = int(node.attrs["axis"]) % rank
            order = tuple(d for d in order if d != axis) + (axis,)
        out = compute_tile(ctx, order, {})
        tok = ctx.store(out, out_view, ctx.lo, ctx.sizes, order)
        prog.dma_wait([tok])
        ctx.release(out)


# recipes that may write their result over a full-size input of the same type
IN_PLACE = set(UNARY) | set(BINARY) | {"gelu", "batch_normalization", "clip", "clamp"}


def compute_tile(ctx, order, given: dict, in_place: bool = False) -> Buf:
    """Run `ctx.node`'s recipe on the box (ctx.lo, ctx.sizes) with buffer dims in `order`.

    Operands in `given` (tensor index -> buffer already holding the box, e.g. a fused
    producer's accumulator) are used as they are; the others are loaded. With
    `in_place`, a recipe in IN_PLACE writes over the given buffer when it has the
    result's type. Returns the result buffer; every other buffer the recipe used is
    released.
    """
    node, prog = ctx.node, ctx.prog
    rank = len(ctx.sizes)
    ins, tokens, loaded = [], [], []
    for i, t in enumerate(node.operands):
        if i in _SKIP.get(node.name, ()):
            continue
        if t.index in given:
            ins.append(given[t.index])
            continue
        if i in _WHOLE.get(node.name, ()):
            buf, tok = ctx.load(t, (0,) * len(t.shape), t.shape, tuple(range(len(t.shape))), t.dtype)
        else:
            buf, tok = _load_operand(ctx, ctx.view_of(t), t.shape, t.dtype, order)
        ins.append(buf)
        loaded.append(buf)
        tokens.append(tok)
    prog.dma_wait([t for t in tokens if t])
    shape = tuple(ctx.sizes[d] for d in order)
    reuse = [b for b in given.values() if b.shape == shape and b.dtype == node.out.dtype]
    if in_place and node.name in IN_PLACE and reuse:
        out = reuse[0]
    else:
        out = prog.alloc(shape, node.out.dtype)
    tile = Tile(ctx, ins, out, order, rank)
    RECIPES[node.name](tile)
    ctx.release(*loaded, *tile.temps)
    return out


def fusable(node: Node, producer_out, chip: Chip, order: tuple[int, ...]) -> bool:
    """Whether elementwise `node` can run as an epilogue on a tile of `producer_out` kept in SRAM
    with dims in `order`: same result shape, a recipe that handles the op, and for a per-channel
    rescale the channel axis innermost; never on the (8-byte) data-movement types."""
    if node.name not in RECIPES or EltwiseFamily().unsupported(node, chip) is not None:
        return False
    if any(is_wide(t.dtype) for t in (*node.operands, node.out)):  # epilogue_bytes counts 4 bytes an element
        return False
    if node.out.shape != producer_out.shape or len(node.out.shape) != len(order):
        return False
    if sum(1 for t in node.operands if t is producer_out) != 1:
        return False
    if node.name == "rescale" and len(node.attrs["multiplier"]) > 1:
        return int(node.attrs["axis"]) % len(order) == order[-1]
    return True


def epilogue_bytes(node: Node, out_elems: int) -> list[int]:
    """SRAM for the fused epilogue of `node` (set by npu-tile): links run one after the other
    (each frees its input), so the chain needs at most a result, one other operand box and a
    temporary at a time, at 4 bytes an element; small constants live in the layer's cache."""
    return [4 * out_elems] * 3 if node.__dict__.get("epilogue") else []
