"""Elementwise int32 arithmetic, bit operations, casts and reductions of TOSA.

TOSA 1.0 sections "Elementwise Binary Operators" (ADD, SUB, LOGICAL_LEFT_SHIFT,
BITWISE_AND), "Elementwise Unary Operators" (CLZ), "Type Conversion" (CAST) and
"Reduction Operators" (REDUCE_MAX, REDUCE_SUM). These are the steps the integer
softmax and layer normalization (npu.numerics.normalization) are built from; each
is checked bit for bit against the TOSA reference model
(test/python/test_tosa_oracle_norm.py).

- add_int32 / sub_int32: exact a + b / a - b of int32 tensors (numpy broadcasting).
  REQUIRE: the result fits int32 (TOSA apply_add_s / apply_sub_s); NumericsError otherwise.
- clz: number of leading zero bits of the int32 two's complement pattern (0 for
  negative values, 32 for 0).
- logical_left_shift: (a << s) on the 32-bit pattern, wrapped; REQUIRE 0 <= s <= 31.
  For a non-negative s with a * 2**s inside int32 it is the product a * 2**s.
- bitwise_and: & of the int32 patterns.
- cast_int: integer to integer; widening is exact, narrowing keeps the low bits
  (TOSA CAST truncates); int8/int16/int32 only.
- reduce_sum_int: exact int32 sum over `axes`; REQUIRE it fits int32.
- reduce_max_int: maximum over `axes` in the input's type.
All functions take numpy arrays and keep dims as `keepdims` says (TOSA keeps them).
"""

from __future__ import annotations

import numpy as np

from npu.numerics.errors import NumericsError
from npu.numerics.inttypes import int_range, int_type, storage_dtype, wrap

_INT32_LO, _INT32_HI = int_range("int32")


def _int64(x, fn: str) -> np.ndarray:
    a = np.asarray(x)
    if a.dtype.kind not in "iu":
        raise NumericsError(f"{fn}: expects an integer array, got {a.dtype}")
    return a.astype(np.int64)


def _require_int32(v: np.ndarray, fn: str) -> np.ndarray:
    bad = (v < _INT32_LO) | (v > _INT32_HI)
    if np.any(bad):
        i = tuple(int(j) for j in np.argwhere(bad)[0]) if v.ndim else ()
        raise NumericsError(f"{fn}: result {int(v[i])} at index {i} is outside int32 (TOSA REQUIRE)")
    return v.astype(np.int32)


def add_int32(a, b) -> np.ndarray:
    """TOSA ADD on int32: a + b, REQUIRE no overflow."""
    return _require_int32(_int64(a, "add_int32") + _int64(b, "add_int32"), "add_int32")


def sub_int32(a, b) -> np.ndarray:
    """TOSA SUB on int32: a - b, REQUIRE no overflow."""
    return _require_int32(_int64(a, "sub_int32") - _int64(b, "sub_int32"), "sub_int32")


def clz(x) -> np.ndarray:
    """TOSA CLZ on int32: leading zero bits of the 32-bit pattern (32 for 0, 0 for negatives)."""
    v = _int64(x, "clz")
    if v.size and (v.min() < _INT32_LO or v.max() > _INT32_HI):
        raise NumericsError("clz: expects int32 values")
    u = np.where(v < 0, 0, v)  # negative values have the sign bit set: 0 leading zeros
    bits = np.zeros(u.shape, dtype=np.int64)
    for step in (16, 8, 4, 2, 1):  # binary search on the bit length, vectorized
        big = (u >> step) != 0
        bits = np.where(big, bits + step, bits)
        u = np.where(big, u >> step, u)
    length = bits + (u != 0)
    return np.where(v < 0, 0, 32 - length).astype(np.int32)


def logical_left_shift(a, shift) -> np.ndarray:
    """TOSA LOGICAL_LEFT_SHIFT on int32: the 32-bit pattern of a shifted left by s, REQUIRE 0 <= s <= 31."""
    v, s = np.broadcast_arrays(_int64(a, "logical_left_shift"), _int64(shift, "logical_left_shift"))
    if np.any((s < 0) | (s > 31)):
        raise NumericsError(f"logical_left_shift: shift must be in [0, 31] (TOSA REQUIRE), got {int(s[(s < 0) | (s > 31)].flat[0])}")
    return wrap(v << s, "int32")  # |v| < 2**31 and s <= 31: the int64 shift is exact


def bitwise_and(a, b) -> np.ndarray:
    """TOSA BITWISE_AND on int32."""
    return (_int64(a, "bitwise_and") & _int64(b, "bitwise_and")).astype(np.int32)


def cast_int(x, dtype) -> np.ndarray:
    """TOSA CAST between int8, int16 and int32: widening exact, narrowing keeps the low bits."""
    t = int_type(dtype)
    if t not in ("int8", "int16", "int32"):
        raise NumericsError(f"cast_int: unsupported type {t}")
    return wrap(_int64(x, "cast_int"), t).astype(storage_dtype(t))


def _axes(x: np.ndarray, axes) -> tuple[int, ...]:
    out = tuple(sorted({int(a) % max(x.ndim, 1) for a in np.atleast_1d(axes)}))
    if not out:
        raise NumericsError("reduction: expects at least one axis")
    return out


def reduce_sum_int(x, axes, keepdims: bool = True) -> np.ndarray:
    """TOSA REDUCE_SUM on int32 (one axis per TOSA op; several here), exact; REQUIRE the sum fits int32."""
    v = _int64(x, "reduce_sum_int")
    return _require_int32(v.sum(axis=_axes(v, axes), keepdims=keepdims), "reduce_sum_int")


def reduce_max_int(x, axes, keepdims: bool = True) -> np.ndarray:
    """TOSA REDUCE_MAX on integers: the maximum over `axes`, in x's dtype."""
    a = np.asarray(x)
    if a.dtype.kind not in "iu":
        raise NumericsError(f"reduce_max_int: expects an integer array, got {a.dtype}")
    return a.max(axis=_axes(a, axes), keepdims=keepdims)
