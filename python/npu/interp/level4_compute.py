"""Semantics of the npu_pe compute ops for the level-4 interpreter, one numpy function per op.

Each kernel is `fn(args, types, attrs, out_shape) -> np.ndarray`: `args` holds one numpy
array per operand of the op (the values of the buffers it reads, None for a
buffer it only writes), `types` the operands' element types (`"i8"`,
`"bf16"`, ...), `attrs` the op's attributes as Python values; it returns the
new contents of the output buffer (the last operand) in that buffer's value
dtype (npu.interp.level4_memory.value_dtype). `COMPUTE[name]` gives the
kernel and which operands the op reads.

The formulas are those of dialects/npu_pe.irdl.mlir, with the integer rules
from npu.numerics (matmul_int with int32/int16 wrapping, TOSA RESCALE, TABLE,
CLAMP, saturate) so results are bit-identical to the golden level-2 kernels.
Choices where the dialect leaves room are listed in docs/level4-execution.md:
float elementwise functions are evaluated in float64 and rounded to f32 then
to the output type; float `reduce` sums start from the first element; float
matmul is the exact sequential f32 chain the dialect specifies (a loop over K
with M x N vector steps). The data-movement types (i64, ui8..ui64, f64; see
npu.dialects.level4) are computed with numpy's own ops on their value dtypes --
exactly the golden kernels' numpy semantics (integer wrap, IEEE binary64) --
and only for the kinds the dialect defines on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import ml_dtypes
import numpy as np

from npu.dialects.level4 import FLOAT_TYPES, INT_TYPES, WIDE_FLOAT_BINARY, WIDE_INT_BINARY, int_value, is_wide
from npu.dialects.level4 import int_range as type_range
from npu.errors import NpuError
from npu.interp.kernels_elementwise import erf as _erf64
from npu.interp.level4_memory import value_dtype
from npu.numerics import (
    NumericsError, arithmetic_right_shift, bitwise_and, clamp, clz, logical_left_shift, matmul_int,
    mul_int, rescale, round_to_format, saturate, table_int8, table_int16, wrap,
)

# npu.numerics names of the compute types (the wide and unsigned types are computed with numpy on
# their own value dtypes, see binary / cast)
INT_NAME = {"i4": "int4", "i8": "int8", "i16": "int16", "i32": "int32"}
FLOAT_NAME = {"f8E4M3FN": "fp8e4m3", "f8E5M2": "fp8e5m2", "bf16": "bf16", "f16": "fp16", "f32": "fp32"}


def is_int(dtype: str) -> bool:
    return dtype in INT_TYPES


# the storage-only float formats (npu.dialects.level4.STORAGE_FLOAT_TYPES): cast is their only op
STORAGE_FLOAT = {"f8E4M3FNUZ": ml_dtypes.float8_e4m3fnuz, "f8E5M2FNUZ": ml_dtypes.float8_e5m2fnuz,
                 "f4E2M1FN": ml_dtypes.float4_e2m1fn, "f8E8M0FNU": ml_dtypes.float8_e8m0fnu}
assert set(FLOAT_NAME) | {"f64"} | set(STORAGE_FLOAT) == set(FLOAT_TYPES)


def to_float(x, dtype: str) -> np.ndarray:
    """Round float values (any float dtype, float64 included) to float type `dtype`, nearest-even.

    The value is rounded to f32 first (exact for every narrower result:
    f32 keeps more than 2p+2 bits of each of them, so the two roundings equal
    one). Overflow: f8E4M3FN saturates to +-448, the other types give +-inf.
    The storage-only formats (npu_pe.cast only): f8E4M3FNUZ and f8E5M2FNUZ give
    NaN (their one special value) for overflow, +-inf and NaN; f4E2M1FN saturates
    overflow and +-inf to +-6 and gives a zero of NaN's sign for NaN;
    f8E8M0FNU is `to_e8m0` (not nearest-even: see there).
    """
    if dtype == "f64":
        return np.asarray(x).astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        x32 = np.asarray(x).astype(np.float32)
        if dtype == "f32":
            return x32
        if dtype == "f8E8M0FNU":
            return to_e8m0(x32)
        if dtype in STORAGE_FLOAT:  # ml_dtypes' conversion from f32 has exactly the rules above
            return x32.astype(STORAGE_FLOAT[dtype])
        return round_to_format(x32, FLOAT_NAME[dtype], saturate=dtype == "f8E4M3FN")


def to_e8m0(x32: np.ndarray) -> np.ndarray:
    """f32 -> f8E8M0FNU (2^(e - 127), code e in 0..254; 255 is NaN), ONNX Cast's default rounding
    (round_mode "up", saturate): the f32 exponent field, plus one when any mantissa bit is set,
    but never past 254 (2^127); the sign is dropped; NaN and +-inf give NaN; 0 gives code 0
    (2^-127), an f32 subnormal code 1."""
    b = np.asarray(x32, np.float32).view(np.uint32)
    e = ((b >> 23) & 0xFF).astype(np.int32)
    up = np.minimum(e + ((b & 0x7FFFFF) != 0), 254)
    return np.where(e == 255, 255, up).astype(np.uint8).view(ml_dtypes.float8_e8m0fnu)


def _f64(x: np.ndarray) -> np.ndarray:
    """Float values as float64 (exact; narrow formats go through f32, which holds them all)."""
    x = np.asarray(x)
    if x.dtype == np.float64:
        return x
    return x.astype(np.float32).astype(np.float64)


def _i64(x: np.ndarray) -> np.ndarray:
    return np.asarray(x).astype(np.int64)


# ---------------------------------------------------------------- matrix unit

def matmul(args, types, attrs, out_shape) -> np.ndarray:
    """C = (accumulate ? C : 0) + (A - a_zp) x (B - b_zp)."""
    a, b, c = args
    acc_type = types[2]
    if is_int(types[0]):
        prod_ = matmul_int(a, b, attrs.get("a_zp", 0), attrs.get("b_zp", 0), acc_type=INT_NAME[acc_type],
                           overflow="wrap")
        if attrs["accumulate"]:
            return wrap(_i64(c) + _i64(prod_), INT_NAME[acc_type])
        return prod_
    return to_float(float_matmul_f32(a, b, c if attrs["accumulate"] else None), acc_type)


# Below this many output elements, numpy's per-call overhead of the K-step loop dominates and
# one `np.add.accumulate` over all K products (a C loop of the same f32 additions) is faster.
_ACCUMULATE_MAX_OUTPUTS = 64
_CHUNK_ELEMENTS = 1 << 18


def float_matmul_f32(a: np.ndarray, b: np.ndarray, init: np.ndarray | None) -> np.ndarray:
    """acc = init (or +0.0); for k ascending: acc = f32(acc + f32(a[:, k] * b[k, :])).

    Each product and each partial sum is an IEEE f32 operation (round to
    nearest-even), exactly the order npu_pe.matmul specifies. Vectorized over
    M x N with one pass per k, or, for small outputs, the products of a chunk
    of K summed by `np.add.accumulate` along k (sequential f32 additions too,
    so the bits are the same).
    """
    at = np.ascontiguousarray(np.asarray(a).astype(np.float32).T)  # [K, M]: row k is column k of A
    b32 = np.ascontiguousarray(np.asarray(b).astype(np.float32))
    k, m, n = at.shape[0], at.shape[1], b32.shape[1]
    acc = np.zeros((m, n), np.float32) if init is None else np.array(init, dtype=np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        if m * n <= _ACCUMULATE_MAX_OUTPUTS:
            step = max(1, _CHUNK_ELEMENTS // max(1, m * n))
            for k0 in range(0, k, step):
                k1 = min(k, k0 + step)
                terms = np.empty((k1 - k0 + 1, m, n), np.float32)
                terms[0] = acc
                np.multiply(at[k0:k1, :, None], b32[k0:k1, None, :], out=terms[1:])
                acc = np.add.accumulate(terms, axis=0)[-1]
            return acc
        prod_ = np.empty((m, n), np.float32)
        for kk in range(k):
            np.multiply(at[kk][:, None], b32[kk][None, :], out=prod_)
            np.add(acc, prod_, out=acc)
    return acc


# ---------------------------------------------------------------- vector unit

def fill(args, types, attrs, out_shape) -> np.ndarray:
    return fill_value(attrs["value"], out_shape, types[0])


def fill_value(value, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    if is_int(dtype):
        return np.full(shape, int_value(value, dtype), value_dtype(dtype))
    return np.full(shape, to_float(np.float64(value), dtype)[()], value_dtype(dtype))


_FLOAT_BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
    "max": np.maximum, "min": np.minimum, "fmod": np.fmod,  # fmod is exact: float64 gives the f32 bits
}


def div_trunc(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Integer a / b truncated toward zero (C, ONNX), in the operands' dtype: the most negative
    value / -1 wraps to itself (numpy's floor_divide does); a zero rhs is an error."""
    if np.any(np.asarray(b) == 0):
        raise NpuError("binary 'div': division by zero")
    with np.errstate(all="ignore"):
        q = np.floor_divide(a, b)
        fix = (np.remainder(a, b) != 0) & ((a < 0) ^ (b < 0))
    return q + fix.astype(q.dtype)


def _int_mod(a, b):
    """lhs - floor(lhs / rhs) * rhs (the remainder takes rhs's sign); a zero rhs is an error."""
    b = _i64(b)
    if np.any(b == 0):
        raise NpuError("binary 'mod': division by zero")
    return np.mod(_i64(a), b)


# Integer-only kinds, each one npu.numerics rule (TOSA operators); shift amounts out of range raise
# NumericsError (a TOSA REQUIRE), reported by run_compute as an error of the op.
_INT_BINARY: dict[str, Callable] = {
    "add_wrap": lambda a, b, t: wrap(_i64(a) + _i64(b), INT_NAME[t]),
    "sub_wrap": lambda a, b, t: wrap(_i64(a) - _i64(b), INT_NAME[t]),
    "mul_wrap": lambda a, b, t: wrap(_i64(a) * _i64(b), INT_NAME[t]),  # |a * b| < 2^62: exact in int64
    "and": lambda a, b, t: bitwise_and(a, b),
    "shl": lambda a, b, t: logical_left_shift(a, b),
    "ashr": lambda a, b, t: arithmetic_right_shift(a, b, dtype=INT_NAME[t]),
    "ashr_round": lambda a, b, t: arithmetic_right_shift(a, b, round=True, dtype=INT_NAME[t]),
    "or": lambda a, b, t: np.bitwise_or(_i64(a), _i64(b)),
    "xor": lambda a, b, t: np.bitwise_xor(_i64(a), _i64(b)),
    "mod": lambda a, b, t: _int_mod(a, b),
}


_WIDE_INT = {"add_wrap": np.add, "sub_wrap": np.subtract, "mul_wrap": np.multiply, "max": np.maximum,
             "min": np.minimum, "and": np.bitwise_and, "or": np.bitwise_or, "xor": np.bitwise_xor}


def _wide_binary(kind: str, a, b, dtype: str) -> np.ndarray:
    """The kinds of the wide and unsigned types, exactly numpy's ops on their value dtypes: integer
    add / sub / mul wrap modulo 2^bits, mod is the floored remainder (a zero rhs is an error), f64
    kinds are IEEE binary64 (correctly rounded)."""
    vd = value_dtype(dtype)
    a, b = np.asarray(a).astype(vd, copy=False), np.asarray(b).astype(vd, copy=False)
    allowed = WIDE_INT_BINARY if is_int(dtype) else WIDE_FLOAT_BINARY
    if kind not in allowed:
        raise NpuError(f"binary '{kind}' is not defined for {dtype} data")
    with np.errstate(all="ignore"):
        if is_int(dtype):
            if kind == "mod":
                if np.any(b == 0):
                    raise NpuError("binary 'mod': division by zero")
                return np.mod(a, b)
            if kind == "div":
                return div_trunc(a, b)
            return _WIDE_INT[kind](a, b)
        return _FLOAT_BINARY[kind](a, b)


def binary(args, types, attrs, out_shape) -> np.ndarray:
    """Integer: exact in int64, then saturated (the integer-only kinds: their npu.numerics rule;
    div truncates toward zero); float: in float64, rounded to f32 then to the type."""
    a, b = args[0], args[1]
    kind = attrs["kind"]
    out_type = types[2]
    if is_wide(out_type):
        return np.broadcast_to(_wide_binary(kind, a, b, out_type), out_shape)
    if is_int(out_type):
        if kind in _INT_BINARY:
            return np.broadcast_to(_INT_BINARY[kind](a, b, out_type), out_shape)
        if kind == "div" and out_type != "i4":  # in the value dtype: wraps like the golden numpy op
            vd = value_dtype(out_type)
            return np.broadcast_to(div_trunc(np.asarray(a).astype(vd), np.asarray(b).astype(vd)), out_shape)
        if kind in ("div", "fmod"):
            raise NpuError(f"binary '{kind}' is defined for float data only, got {out_type}")
        return saturate(_FLOAT_BINARY[kind](_i64(a), _i64(b)), INT_NAME[out_type])
    if kind in _INT_BINARY:
        raise NpuError(f"binary '{kind}' is defined for integer data only, got {out_type}")
    with np.errstate(all="ignore"):
        return to_float(_FLOAT_BINARY[kind](_f64(a), _f64(b)), out_type)


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


_FLOAT_UNARY: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "neg": np.negative,
    "abs": np.abs,
    "relu": lambda x: np.maximum(x, 0.0),
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "rsqrt": lambda x: 1.0 / np.sqrt(x),
    "reciprocal": lambda x: 1.0 / x,
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "erf": lambda x: np.where(np.isnan(x), x, _erf64(x)),
    "gelu": lambda x: 0.5 * x * (1.0 + _erf64(x / np.sqrt(2.0))),
}
_INT_UNARY = {"neg": np.negative, "abs": np.abs, "relu": lambda x: np.maximum(x, 0), "sign": np.sign,
              "not": np.invert}

# Kinds evaluated with numpy's f32 routines on the f32 values (then rounded to the output type):
# exact for floor/ceil/round/sign, and for the others the f32 functions the golden interpreter
# uses (its kernels compute narrow floats in f32), so level 4 matches it bit for bit. The dialect
# allows any f32 evaluation within 4 ulp; tests measure numpy's against float64.
_F32_UNARY: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "floor": np.floor, "ceil": np.ceil, "round": np.round, "sign": np.sign,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh,
    "softplus": lambda x: np.logaddexp(np.float32(0), x),
    "softsign": lambda x: x / (np.float32(1) + np.abs(x)),
}


def unary(args, types, attrs, out_shape) -> np.ndarray:
    x = args[0]
    kind = attrs["kind"]
    dtype = types[1]
    if kind == "copy":
        return np.array(x, dtype=value_dtype(dtype))
    if is_wide(dtype):
        if kind == "not" and is_int(dtype):
            return np.invert(np.asarray(x).astype(value_dtype(dtype), copy=False))
        raise NpuError(f"unary '{kind}' is not defined for {dtype} data")
    if kind == "clz":
        if dtype != "i32":
            raise NpuError(f"unary 'clz' is defined for i32 data only, got {dtype}")
        return clz(x)
    if is_int(dtype):
        if kind not in _INT_UNARY:
            raise NpuError(f"unary '{kind}' is defined for float data only, got {dtype}")
        return saturate(_INT_UNARY[kind](_i64(x)), INT_NAME[dtype])
    if kind == "not":
        raise NpuError(f"unary 'not' is defined for integer data only, got {dtype}")
    with np.errstate(all="ignore"):
        if kind in _F32_UNARY:
            return to_float(_F32_UNARY[kind](np.asarray(x).astype(np.float32)), dtype)
        return to_float(_FLOAT_UNARY[kind](_f64(x)), dtype)


_COMPARE = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal,
            "gt": np.greater, "ge": np.greater_equal}


def compare(args, types, attrs, out_shape) -> np.ndarray:
    """(lhs kind rhs) as an i8 mask of 0 / 1: integers exactly (in int64, or their own dtype for the
    wide and unsigned types), floats as their f32 values (exact for every narrower format; f64 as
    itself), NaN unordered."""
    a, b = args[0], args[1]
    if is_wide(types[0]):  # exact on the value dtypes (uint64 does not fit int64)
        a, b = np.asarray(a), np.asarray(b)
    elif is_int(types[0]):
        a, b = _i64(a), _i64(b)
    else:
        a, b = np.asarray(a).astype(np.float32), np.asarray(b).astype(np.float32)
    with np.errstate(invalid="ignore"):
        return np.broadcast_to(_COMPARE[attrs["kind"]](a, b), out_shape).astype(np.int8)


def select(args, types, attrs, out_shape) -> np.ndarray:
    """cond != 0 ? lhs : rhs, values copied as they are (no conversion)."""
    cond, a, b = args[0], args[1], args[2]
    return np.broadcast_to(np.where(np.asarray(cond) != 0, a, b), out_shape)


def mul_shift(args, types, attrs, out_shape) -> np.ndarray:
    """TOSA MUL with shift (npu.numerics.mul_int): (lhs * rhs + 2^(shift-1)) >> shift, REQUIRE int32."""
    return np.broadcast_to(mul_int(args[0], args[1], int(attrs["shift"])), out_shape)


def _int_values(x, dtype: str) -> np.ndarray:
    """Integer values exactly: int64, or uint64 for ui64."""
    return np.asarray(x).astype(np.uint64 if dtype == "ui64" else np.int64)


def saturate_to(x: np.ndarray, dst: str) -> np.ndarray:
    """Exact integers (int64 or uint64) clipped to the range of integer type `dst`, in its value dtype."""
    lo, hi = type_range(dst)
    if x.dtype == np.uint64:
        return np.minimum(x, np.uint64(hi)).astype(value_dtype(dst))
    return np.clip(x, max(lo, -(1 << 63)), min(hi, (1 << 63) - 1)).astype(value_dtype(dst))


def cast(args, types, attrs, out_shape) -> np.ndarray:
    """int->int saturates; int->float and float->float round to nearest-even; float->int
    rounds half to even and saturates, NaN -> 0 (every type of npu.dialects.level4)."""
    x = args[0]
    src, dst = types
    if is_int(src) and is_int(dst):
        return saturate_to(_int_values(x, src), dst)
    if is_int(dst):
        lo, hi = type_range(dst)
        vd = value_dtype(dst)
        with np.errstate(invalid="ignore"):
            r = np.rint(_f64(x))
            r = np.where(np.isnan(r), 0.0, r)
            big, small = r >= float(hi + 1), r < float(lo)  # both bounds are exact powers of two
            inner = np.where(big | small, 0.0, r).astype(vd)
        return np.where(big, vd.type(hi), np.where(small, vd.type(lo), inner))
    if is_int(src):
        v = _int_values(x, src)
        if dst == "f64":
            return v.astype(np.float64)
        return to_float(v.astype(np.float32), dst)  # one rounding to f32; narrower: see to_float
    return to_float(x, dst)


def reduce(args, types, attrs, out_shape) -> np.ndarray:
    """sum/max/min along `axis`, kept with size 1. Integer sum: exact, saturated to i32.
    Float sum: f32 chain in ascending index order starting from the first element."""
    x = args[0]
    axis = attrs["axis"]
    kind = attrs["kind"]
    src, dst = types
    if kind in ("max", "min"):
        fn = np.max if kind == "max" else np.min
        return fn(x, axis=axis, keepdims=True).astype(value_dtype(dst))
    if is_int(src):
        return saturate(_i64(x).sum(axis=axis, keepdims=True), INT_NAME[dst])
    xs = np.moveaxis(np.asarray(x).astype(np.float32), axis, 0)
    with np.errstate(over="ignore", invalid="ignore"):
        if xs[0].size <= _ACCUMULATE_MAX_OUTPUTS:  # the same additions in one C loop
            acc = np.add.accumulate(xs, axis=0)[-1]
        else:
            acc = np.array(xs[0], dtype=np.float32)
            for i in range(1, xs.shape[0]):
                np.add(acc, xs[i], out=acc)
    return to_float(np.expand_dims(acc, axis), dst)


def table(args, types, attrs, out_shape) -> np.ndarray:
    x, tab = args[0], args[1]
    if types[0] == "i8":
        return table_int8(x, tab)
    return table_int16(x, tab).astype(np.int32)


def rescale_op(args, types, attrs, out_shape) -> np.ndarray:
    x = args[0]
    mult = list(attrs["multiplier"])
    return rescale(x, mult, list(attrs["shift"]), int(attrs["input_zp"]), int(attrs["output_zp"]),
                   out_dtype=INT_NAME[types[1]], in_dtype=INT_NAME[types[0]], scale32=True,
                   rounding_mode=attrs["rounding"].upper(), per_channel=len(mult) > 1, axis=-1)


def clamp_op(args, types, attrs, out_shape) -> np.ndarray:
    x = args[0]
    if is_int(types[0]):
        return clamp(x, int(attrs["min"]), int(attrs["max"]))
    lo = to_float(np.float64(attrs["min"]), types[0]).astype(np.float64)
    hi = to_float(np.float64(attrs["max"]), types[0]).astype(np.float64)
    return to_float(clamp(_f64(x), float(lo), float(hi)), types[0])


def im2col(args, types, attrs, out_shape) -> np.ndarray:
    """out[oh*OW + ow, (kh*KW + kw)*C + c] = input[oh*SH - top + kh*DH, ow*SW - left + kw*DW, c] or pad_value."""
    x = np.asarray(args[0])
    kh, kw = attrs["kernel"]
    sh, sw = attrs["strides"]
    dh, dw = attrs["dilations"]
    top, left, bottom, right = attrs["pads"]
    pad = fill_value(attrs["pad_value"], (), types[0]).reshape(1)
    # windows over the raw bits: numpy's strided windows do not take ml_dtypes floats (f8E5M2)
    bits = np.dtype(f"u{x.dtype.itemsize}")
    x, pad, dtype = x.view(bits), pad.view(bits)[0], x.dtype
    h, w, c = x.shape
    xp = np.full((h + top + bottom, w + left + right, c), pad, dtype=x.dtype)
    xp[top:top + h, left:left + w] = x
    ekh, ekw = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    oh = (h + top + bottom - ekh) // sh + 1
    ow = (w + left + right - ekw) // sw + 1
    win = np.lib.stride_tricks.sliding_window_view(xp, (ekh, ekw), axis=(0, 1))  # [H', W', C, ekh, ekw]
    win = win[: (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw, :, ::dh, ::dw]  # [OH, OW, C, KH, KW]
    return np.ascontiguousarray(win.transpose(0, 1, 3, 4, 2)).reshape(oh * ow, kh * kw * c).view(dtype)


def transpose(args, types, attrs, out_shape) -> np.ndarray:
    return np.ascontiguousarray(np.transpose(args[0], attrs["perm"]))


@dataclass(frozen=True)
class ComputeSpec:
    """How the machine runs one npu_pe op: the kernel and the operands it reads."""

    kernel: Callable
    reads: Callable[[dict], tuple[int, ...]]


def _fixed(*indices: int) -> Callable[[dict], tuple[int, ...]]:
    return lambda attrs: indices


COMPUTE: dict[str, ComputeSpec] = {
    "npu_pe.matmul": ComputeSpec(matmul, lambda attrs: (0, 1, 2) if attrs["accumulate"] else (0, 1)),
    "npu_pe.fill": ComputeSpec(fill, _fixed()),
    "npu_pe.binary": ComputeSpec(binary, _fixed(0, 1)),
    "npu_pe.mul_shift": ComputeSpec(mul_shift, _fixed(0, 1)),
    "npu_pe.unary": ComputeSpec(unary, _fixed(0)),
    "npu_pe.cast": ComputeSpec(cast, _fixed(0)),
    "npu_pe.reduce": ComputeSpec(reduce, _fixed(0)),
    "npu_pe.table": ComputeSpec(table, _fixed(0, 1)),
    "npu_pe.rescale": ComputeSpec(rescale_op, _fixed(0)),
    "npu_pe.clamp": ComputeSpec(clamp_op, _fixed(0)),
    "npu_pe.im2col": ComputeSpec(im2col, _fixed(0)),
    "npu_pe.transpose": ComputeSpec(transpose, _fixed(0)),
    "npu_pe.compare": ComputeSpec(compare, _fixed(0, 1)),
    "npu_pe.select": ComputeSpec(select, _fixed(0, 1, 2)),
}


def run_compute(name: str, args, types, attrs, out_shape: tuple[int, ...]) -> np.ndarray:
    """The new contents of the output buffer; NumericsError (a TOSA REQUIRE) becomes NpuError."""
    try:
        out = COMPUTE[name].kernel(args, types, attrs, out_shape)
    except NumericsError as err:
        raise NpuError(str(err)) from None
    return np.asarray(out).astype(value_dtype(types[-1]), copy=False).reshape(out_shape)
