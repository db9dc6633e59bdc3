"""TOSA TABLE lookups (int8 and int16) and builders of tables for float functions.

TOSA 1.0 section "Elementwise Binary Operators" > "TABLE", and section
"Integer Behavior" > "General Unary Functions" (apply_lookup_s):

- int8: a 256-entry int8 table; out = table[x + 128].
- int16: a 513-entry int16 table and linear interpolation with a 7-bit fraction;
  the int32 output carries 16 + 7 bits:
      index = (x + 32768) >> 7        in [0, 511]
      frac  = x & 0x7f                in [0, 127]
      out   = (table[index] << 7) + (table[index + 1] - table[index]) * frac
  REQUIRE: the slope table[index+1] - table[index] fits int16.

Builders sample a float function on the input grid and quantize the samples with
round-half-to-even and saturation (the ONNX QuantizeLinear rule, see
npu.numerics.affine): entry = saturate(rint(fn(in_scale * (x - in_zp)) / out_scale) + out_zp),
fn evaluated in float64. The int16 builder samples at x_j = -32768 + 128*j
(j = 0..512, the last point one past int16's end); its TABLE output is in units
of out_scale / 128 (real ~= out_scale * (out / 128 - out_zp)).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from npu.numerics.errors import NumericsError
from npu.numerics.inttypes import int_range

_erf = np.frompyfunc(math.erf, 1, 1)  # libm erf; used on at most 513 table sample points


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)).astype(np.float64))


def _gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def _rsqrt(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, 1.0 / np.sqrt(np.where(x > 0, x, 1.0)), np.inf)


def _reciprocal(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.where(x != 0, 1.0 / np.where(x != 0, x, 1.0), np.inf)


TABLE_FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": lambda x: 0.5 * (1.0 + np.tanh(0.5 * x)),  # = 1/(1+exp(-x)), no overflow
    "tanh": np.tanh,
    "gelu": _gelu,  # exact (erf) form, ONNX Gelu approximate="none"
    "gelu_tanh": _gelu_tanh,  # ONNX Gelu approximate="tanh"
    "exp": np.exp,
    "rsqrt": _rsqrt,  # +inf (saturates) at x <= 0
    "reciprocal": _reciprocal,  # +inf (saturates) at 0
}
"""Named float functions the builders accept by name (float64 in, float64 out)."""


def table_int8(x, table) -> np.ndarray:
    """TOSA TABLE, int8 input: out = table[x + 128] (int8)."""
    xa = np.asarray(x)
    t = np.asarray(table)
    if t.shape != (256,):
        raise NumericsError(f"table_int8: expects a 256-entry table, got shape {t.shape}")
    if xa.dtype != np.int8:
        raise NumericsError(f"table_int8: expects int8 input, got {xa.dtype}")
    lo, hi = int_range("int8")
    if t.dtype.kind not in "iu" or t.min() < lo or t.max() > hi:
        raise NumericsError("table_int8: table entries must be int8 values")
    return t.astype(np.int8)[xa.astype(np.int16) + 128]


def table_int16(x, table) -> np.ndarray:
    """TOSA TABLE, int16 input: interpolated lookup in a 513-entry int16 table, int32 output."""
    xa = np.asarray(x)
    t = np.asarray(table)
    if t.shape != (513,):
        raise NumericsError(f"table_int16: expects a 513-entry table, got shape {t.shape}")
    if xa.dtype != np.int16:
        raise NumericsError(f"table_int16: expects int16 input, got {xa.dtype}")
    lo, hi = int_range("int16")
    if t.dtype.kind not in "iu" or t.min() < lo or t.max() > hi:
        raise NumericsError("table_int16: table entries must be int16 values")
    t32 = t.astype(np.int32)
    slope = t32[1:] - t32[:-1]
    v = xa.astype(np.int32)
    index = (v + 32768) >> 7
    frac = v & 0x7F
    s = slope[index]
    if np.any((s < lo) | (s > hi)):
        i = int(index[(s < lo) | (s > hi)].flat[0])
        raise NumericsError(f"table_int16: slope {int(slope[i])} between entries {i} and {i + 1} "
                            "is outside int16 (TOSA REQUIRE)")
    return (t32[index] << 7) + s * frac


def _resolve(fn) -> Callable[[np.ndarray], np.ndarray]:
    if isinstance(fn, str):
        if fn not in TABLE_FUNCTIONS:
            raise NumericsError(f"unknown table function {fn!r}; expected one of {', '.join(TABLE_FUNCTIONS)}")
        return TABLE_FUNCTIONS[fn]
    return fn


def _quantize_samples(y: np.ndarray, out_scale: float, out_zp: int, t: str, who: str) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    if np.isnan(y).any():
        raise NumericsError(f"{who}: the function returned NaN on the input grid")
    if not out_scale > 0:
        raise NumericsError(f"{who}: out_scale must be > 0, got {out_scale}")
    lo, hi = int_range(t)
    with np.errstate(over="ignore", invalid="ignore"):
        q = np.rint(y / float(out_scale)) + float(out_zp)
    return np.clip(q, lo, hi).astype(np.int8 if t == "int8" else np.int16)


def build_table_int8(fn, in_scale: float, in_zp: int, out_scale: float, out_zp: int) -> np.ndarray:
    """256-entry int8 TABLE for float function `fn` (a callable or a TABLE_FUNCTIONS name).

    entry[i] = saturate_int8(rint(fn(in_scale * (i - 128 - in_zp)) / out_scale) + out_zp)
    """
    if not in_scale > 0:
        raise NumericsError(f"build_table_int8: in_scale must be > 0, got {in_scale}")
    x = float(in_scale) * (np.arange(-128, 128, dtype=np.float64) - float(in_zp))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        y = _resolve(fn)(x)
    return _quantize_samples(y, out_scale, out_zp, "int8", "build_table_int8")


def build_table_int16(fn, in_scale: float, in_zp: int, out_scale: float, out_zp: int = 0) -> np.ndarray:
    """513-entry int16 TABLE for `fn`, sampled at x_j = -32768 + 128*j (j = 0..512).

    entry[j] = saturate_int16(rint(fn(in_scale * (x_j - in_zp)) / out_scale) + out_zp).
    Raises NumericsError when two neighbours differ by more than int16 (TABLE's REQUIRE).
    """
    if not in_scale > 0:
        raise NumericsError(f"build_table_int16: in_scale must be > 0, got {in_scale}")
    xj = -32768.0 + 128.0 * np.arange(513, dtype=np.float64)
    x = float(in_scale) * (xj - float(in_zp))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        y = _resolve(fn)(x)
    t = _quantize_samples(y, out_scale, out_zp, "int16", "build_table_int16")
    slope = np.diff(t.astype(np.int32))
    if np.any((slope < -32768) | (slope > 32767)):
        raise NumericsError("build_table_int16: neighbouring entries differ by more than int16; "
                            "choose a larger out_scale")
    return t
