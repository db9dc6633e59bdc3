"""Integer types, their ranges, and the two ways to narrow: saturate and wrap.

TOSA spec, "Integer Behavior" / "Number formats": a tensor element type such as
i8 is signless; whether its bits are read as signed or unsigned is stated by the
operator (e.g. RESCALE's input_unsigned). Here an integer type is named by a
string and always carries its signedness:

    name     range                     numpy storage
    int4     [-8, 7]                   int8
    uint4    [0, 15]                   uint8
    int8     [-128, 127]               int8
    uint8    [0, 255]                  uint8
    int16    [-32768, 32767]           int16
    uint16   [0, 65535]                uint16
    int32    [-2**31, 2**31 - 1]       int32
    uint32   [0, 2**32 - 1]            uint32
    int48    [-2**47, 2**47 - 1]       int64  (TOSA's 48-bit accumulator)
    int64    [-2**63, 2**63 - 1]       int64

Narrowing is always explicit:
- `saturate(x, t)` clips to t's range (TOSA `apply_clip_s` / `apply_clip_u`);
- `wrap(x, t)` keeps the low bits, two's complement (what `static_cast` to a
  narrower C integer does; TOSA uses it nowhere on purpose, npu uses it for the
  int32 accumulator, see npu.numerics.integer_ops).
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from npu.numerics.errors import NumericsError

# name -> (bits, signed, numpy storage dtype)
_TYPES: dict[str, tuple[int, bool, type]] = {
    "int4": (4, True, np.int8),
    "uint4": (4, False, np.uint8),
    "int8": (8, True, np.int8),
    "uint8": (8, False, np.uint8),
    "int16": (16, True, np.int16),
    "uint16": (16, False, np.uint16),
    "int32": (32, True, np.int32),
    "uint32": (32, False, np.uint32),
    "int48": (48, True, np.int64),
    "int64": (64, True, np.int64),
}
INT_TYPES: tuple[str, ...] = tuple(_TYPES)

_FROM_NUMPY = {
    np.dtype(np.int8): "int8",
    np.dtype(np.uint8): "uint8",
    np.dtype(np.int16): "int16",
    np.dtype(np.uint16): "uint16",
    np.dtype(np.int32): "int32",
    np.dtype(np.uint32): "uint32",
    np.dtype(np.int64): "int64",
    np.dtype(ml_dtypes.int4): "int4",
    np.dtype(ml_dtypes.uint4): "uint4",
}


def int_type(t) -> str:
    """Normalize an integer type given as a name, numpy dtype or ml_dtypes type to its name."""
    if isinstance(t, str):
        if t not in _TYPES:
            raise NumericsError(f"unknown integer type {t!r}; expected one of {', '.join(INT_TYPES)}")
        return t
    try:
        return _FROM_NUMPY[np.dtype(t)]
    except (KeyError, TypeError):
        raise NumericsError(f"unsupported integer type {t!r}; expected one of {', '.join(INT_TYPES)}") from None


def int_range(t) -> tuple[int, int]:
    """(min, max) of integer type `t`, as Python ints."""
    bits, signed, _ = _TYPES[int_type(t)]
    if signed:
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def storage_dtype(t) -> np.dtype:
    """numpy dtype that holds values of integer type `t` (int4 -> int8, int48 -> int64)."""
    return np.dtype(_TYPES[int_type(t)][2])


def is_unsigned(t) -> bool:
    return not _TYPES[int_type(t)][1]


def _as_int64(x, fn: str) -> np.ndarray:
    a = np.asarray(x)
    if a.dtype.kind not in "iu":
        raise NumericsError(f"{fn}: expects an integer array, got dtype {a.dtype}")
    if a.dtype == np.uint64:
        if a.size and a.max() > np.iinfo(np.int64).max:
            raise NumericsError(f"{fn}: uint64 values above 2**63 - 1 are not supported")
    return a.astype(np.int64)


def saturate(x, t) -> np.ndarray:
    """Clip integer array `x` to the range of `t` and return it in t's storage dtype.

    TOSA `apply_clip_s<t>(x, minimum_s<t>, maximum_s<t>)` (or `apply_clip_u` for
    an unsigned t). Float input is refused: round it first (see npu.numerics.affine).
    """
    lo, hi = int_range(t)
    return np.clip(_as_int64(x, "saturate"), lo, hi).astype(storage_dtype(t))


def wrap(x, t) -> np.ndarray:
    """Keep the low `bits(t)` bits of integer array `x` (two's complement) in t's storage dtype.

    wrap(x, "int32") == ((x + 2**31) mod 2**32) - 2**31. int64 arithmetic in numpy is
    itself modulo 2**64, a multiple of 2**bits, so the result is exact for any input.
    """
    name = int_type(t)
    bits, signed, _ = _TYPES[name]
    a = _as_int64(x, "wrap")
    if bits == 64:
        return a
    mask = np.int64((1 << bits) - 1)
    if signed:
        half = np.int64(1 << (bits - 1))
        out = ((a + half) & mask) - half
    else:
        out = a & mask
    return out.astype(storage_dtype(name))


def in_range(x, t) -> np.ndarray:
    """Boolean mask: which elements of integer array `x` are representable in `t`."""
    lo, hi = int_range(t)
    a = _as_int64(x, "in_range")
    return (a >= max(lo, -(1 << 63))) & (a <= min(hi, (1 << 63) - 1))


def require_in_range(x, t, what: str) -> None:
    """Raise NumericsError naming the first element of `x` outside `t` (a TOSA REQUIRE)."""
    ok = in_range(x, t)
    if not np.all(ok):
        bad = np.argwhere(~ok)[0]
        idx = tuple(int(i) for i in bad)
        lo, hi = int_range(t)
        val = np.asarray(x)[idx] if np.ndim(x) else np.asarray(x)
        raise NumericsError(f"{what}: value {int(val)} at index {idx} is outside {int_type(t)} [{lo}, {hi}]")
