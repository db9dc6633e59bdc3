"""Memories of the level-4 interpreter: byte arrays, buffers as typed views, byte patterns.

Owns the storage model of docs/level4-execution.md:

* `Memory`: one byte array (`data`) with a parallel per-byte "written" mask
  (`init`). External memory is one `Memory` when every global has an
  `address` (globals are views at their addresses, so overlapping globals
  corrupt each other) and one per global otherwise; a PE's SRAM is one
  `Memory` of `pe.sram.bytes` for the buffers that carry an `offset` and one
  per allocation for those that do not. Unwritten bytes hold `POISON` (0xFF:
  -1 as an integer, NaN in every float format), so a read of them that escapes
  the checks still shows.
* `BufRef`: a buffer at run time (memory, base byte, shape, element type);
  `read()` gives a numpy array (sub-byte types unpacked, lowest bits first: i4
  and i2 to int8 values, ui4 and ui2 to uint8, f4E2M1FN to ml_dtypes'
  float4_e2m1fn), `write()` stores one and marks its bytes written.
* `BytePattern`: the bytes an access touches, as a strided view (start, shape,
  strides in bytes); a DMA side is one, a whole buffer is a contiguous one.
  `overlaps()` is exact (not a bounding-box test), so two DMAs filling
  interleaved rows of one buffer do not conflict.

Element types are those of npu.dialects.level4.ELEMENT_TYPES: i4, ui4 and
f4E2M1FN (packed two per byte), i2 and ui2 (four per byte), i8, i16, i32, i64,
ui8, ui16, ui32, ui64, f8E4M3FN, f8E5M2, f8E4M3FNUZ, f8E5M2FNUZ, f8E8M0FNU, bf16,
f16, f32, f64. `pack_sub_byte` / `unpack_sub_byte` are the one packing (the
binary's weight storage uses them too).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from math import prod

import ml_dtypes
import numpy as np

from npu.dialects.level4 import ELEMENT_BITS, ELEMENT_TYPES

POISON = 0xFF

# numpy dtype of each level-4 element type's values (the list of types itself is
# npu.dialects.level4.ELEMENT_TYPES; a type missing here fails at import)
_NUMPY = {"i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
          "ui8": np.uint8, "ui16": np.uint16, "ui32": np.uint32, "ui64": np.uint64,
          "f8E4M3FN": ml_dtypes.float8_e4m3fn, "f8E5M2": ml_dtypes.float8_e5m2, "bf16": ml_dtypes.bfloat16,
          "f16": np.float16, "f32": np.float32, "f64": np.float64,
          "f8E4M3FNUZ": ml_dtypes.float8_e4m3fnuz, "f8E5M2FNUZ": ml_dtypes.float8_e5m2fnuz,
          "f8E8M0FNU": ml_dtypes.float8_e8m0fnu, "f4E2M1FN": ml_dtypes.float4_e2m1fn}
# sub-byte integers: (value dtype the compute ops see, ml_dtypes type at the API)
_SUB_BYTE_INT = {"i4": (np.int8, ml_dtypes.int4), "i2": (np.int8, ml_dtypes.int2),
                 "ui4": (np.uint8, ml_dtypes.uint4), "ui2": (np.uint8, ml_dtypes.uint2)}

# element type -> (bits, numpy dtype of values as the compute ops see them, numpy dtype at the API)
ELEMENTS: dict[str, tuple[int, np.dtype, np.dtype]] = {
    name: (ELEMENT_BITS[name], np.dtype(_SUB_BYTE_INT[name][0]), np.dtype(_SUB_BYTE_INT[name][1]))
    if name in _SUB_BYTE_INT else (ELEMENT_BITS[name], np.dtype(_NUMPY[name]), np.dtype(_NUMPY[name]))
    for name in ELEMENT_TYPES
}


def element_bits(dtype: str) -> int:
    return ELEMENTS[dtype][0]


def value_dtype(dtype: str) -> np.dtype:
    """numpy dtype of the values compute ops read and write (int8 for i4)."""
    return ELEMENTS[dtype][1]


def api_dtype(dtype: str) -> np.dtype:
    """numpy dtype of inputs and outputs at the API (ml_dtypes.int4 for i4)."""
    return ELEMENTS[dtype][2]


def nbytes_of(shape: tuple[int, ...], dtype: str) -> int:
    return (prod(shape) * element_bits(dtype) + 7) // 8


def is_sub_byte(dtype: str) -> bool:
    return element_bits(dtype) < 8


def sub_byte_codes(values: np.ndarray, dtype: str) -> np.ndarray:
    """The `bits`-bit codes (uint8) of sub-byte values: two's complement low bits for the integers
    (any integer dtype, in range), the format's bit pattern for f4E2M1FN (any float dtype holding
    f4E2M1FN values exactly)."""
    v = np.asarray(values).reshape(-1)
    mask = (1 << element_bits(dtype)) - 1
    if dtype == "f4E2M1FN":
        return v.astype(ml_dtypes.float4_e2m1fn).view(np.uint8) & mask
    return (v.astype(np.int16) & mask).astype(np.uint8)


def sub_byte_values(codes: np.ndarray, dtype: str) -> np.ndarray:
    """Values (in the value dtype) of `bits`-bit codes: sign-extended for the signed integers."""
    if dtype == "f4E2M1FN":
        return np.asarray(codes, np.uint8).view(ml_dtypes.float4_e2m1fn)
    if dtype.startswith("ui"):
        return np.asarray(codes, np.uint8)
    half = 1 << (element_bits(dtype) - 1)
    return ((np.asarray(codes, np.uint8).astype(np.int8) ^ half) - half).astype(np.int8)


def pack_sub_byte(values: np.ndarray, dtype: str) -> np.ndarray:
    """Sub-byte values -> bytes: element k of a byte holding p = 8 / bits elements is at bits
    [(k mod p) * bits, (k mod p + 1) * bits) of byte k div p (lowest index in the lowest bits); the
    padding bits of a partial last byte are 0."""
    b = element_bits(dtype)
    per = 8 // b
    v = sub_byte_codes(values, dtype)
    if v.size % per:
        v = np.concatenate([v, np.zeros(per - v.size % per, np.uint8)])
    v = v.reshape(-1, per).astype(np.uint16) << (np.arange(per, dtype=np.uint16) * b)
    return np.bitwise_or.reduce(v, axis=1).astype(np.uint8)


def unpack_sub_byte(data: np.ndarray, count: int, dtype: str) -> np.ndarray:
    """The first `count` values (in the value dtype) of packed bytes (inverse of pack_sub_byte)."""
    b = element_bits(dtype)
    per = 8 // b
    codes = (np.asarray(data, np.uint8)[:, None] >> (np.arange(per, dtype=np.uint8) * b)) & ((1 << b) - 1)
    return sub_byte_values(codes.reshape(-1)[:count], dtype)


def pack_i4(values: np.ndarray) -> np.ndarray:
    """int4 values (any integer dtype, in [-8, 7]) -> bytes, element 2i in the low nibble of byte i."""
    return pack_sub_byte(values, "i4")


def unpack_i4(data: np.ndarray, count: int) -> np.ndarray:
    """The first `count` int4 values (as int8) of packed bytes."""
    return unpack_sub_byte(data, count, "i4")


class Memory:
    """A byte-addressed memory: contents, per-byte written mask, in-flight accesses."""

    __slots__ = ("name", "data", "init", "inflight")

    def __init__(self, name: str, nbytes: int):
        self.name = name
        self.data = np.full(nbytes, POISON, np.uint8)
        self.init = np.zeros(nbytes, np.bool_)
        self.inflight: list = []  # InFlight records of asynchronous transfers touching this memory

    @property
    def nbytes(self) -> int:
        return self.data.size

    def invalidate(self, lo: int, hi: int) -> None:
        """Forget bytes [lo, hi): poisoned and unwritten (a new allocation, a pending DMA target)."""
        self.data[lo:hi] = POISON
        self.init[lo:hi] = False


@dataclass(frozen=True)
class BytePattern:
    """The bytes `start + sum(i[d] * strides[d])`, 0 <= i[d] < shape[d], in row-major order of i."""

    start: int
    shape: tuple[int, ...]
    strides: tuple[int, ...]

    @staticmethod
    def contiguous(lo: int, nbytes: int) -> "BytePattern":
        return BytePattern(lo, (nbytes,), (1,))

    @property
    def lo(self) -> int:
        return self.start

    @cached_property
    def hi(self) -> int:
        """One past the last byte touched."""
        return self.start + sum((n - 1) * s for n, s in zip(self.shape, self.strides)) + 1

    @cached_property
    def count(self) -> int:
        return prod(self.shape)

    @cached_property
    def is_contiguous(self) -> bool:
        """Visits [lo, hi) in increasing order (row-major strides), so a slice can replace the view."""
        expected = 1
        for n, s in zip(reversed(self.shape), reversed(self.strides)):
            if n > 1 and s != expected:
                return False
            expected *= n
        return True

    def view(self, array: np.ndarray) -> np.ndarray:
        """A strided view of a 1-byte-per-element array (memory data or init mask)."""
        if self.is_contiguous:
            return array[self.lo:self.hi]
        return np.lib.stride_tricks.as_strided(array[self.start:], self.shape,
                                               tuple(s * array.itemsize for s in self.strides))

    def gather(self, array: np.ndarray) -> np.ndarray:
        """The touched bytes, in pattern order, as a new 1-D array."""
        return np.array(self.view(array)).reshape(-1)

    def scatter(self, array: np.ndarray, values: np.ndarray) -> None:
        if self.is_contiguous:
            array[self.lo:self.hi] = values
        else:
            self.view(array)[...] = values.reshape(self.shape)

    def overlaps(self, other: "BytePattern") -> bool:
        """Exact: do the two patterns share a byte? (bounding ranges first, then byte runs)"""
        lo, hi = max(self.lo, other.lo), min(self.hi, other.hi)
        if lo >= hi:
            return False
        if self.is_contiguous and other.is_contiguous:
            return True
        starts, ends = self.runs()
        bstarts, bends = other.runs()
        # the last run of self starting before each run of other ends must end after that run starts
        i = np.searchsorted(starts, bends, side="left") - 1
        return bool(np.any((i >= 0) & (ends[np.maximum(i, 0)] > bstarts)))

    def runs(self) -> tuple[np.ndarray, np.ndarray]:
        """The touched bytes as sorted, disjoint [start, end) runs (numpy arrays)."""
        shape, strides = list(self.shape), list(self.strides)
        length = 1
        while shape and (shape[-1] == 1 or strides[-1] == length):  # fold row-major contiguous inner dims
            length *= shape.pop()
            strides.pop()
        starts = np.full(1, self.start, np.int64)
        for n, s in zip(shape, strides):
            starts = (starts[:, None] + np.arange(n, dtype=np.int64)[None, :] * s).reshape(-1)
        starts.sort()
        ends = starts + length
        if starts.size > 1:  # merge touching or overlapping runs (a source stride 0 repeats bytes)
            reach = np.maximum.accumulate(ends)
            first = np.concatenate([[True], starts[1:] > reach[:-1]])
            group = np.cumsum(first) - 1
            ends = np.zeros(int(group[-1]) + 1, np.int64)
            np.maximum.at(ends, group, reach)
            starts = starts[first]
        return starts, ends


def element_pattern(base: int, dtype: str, offset: int, sizes: list[int], strides: list[int]) -> BytePattern:
    """Bytes of a DMA access pattern (in elements, npu_mem.dma_start) over a buffer at byte `base`.

    Sub-byte patterns move whole bytes (offset, outer strides and innermost size multiples
    of the elements a byte, innermost stride 1, as the dialect requires; a single run
    ending at the last element of a buffer with a partial last byte also moves its
    padding bits: the size rounds up).
    """
    bits = element_bits(dtype)
    if bits < 8:
        per = 8 // bits
        shape = tuple(sizes[:-1]) + (-(-sizes[-1] // per),)
        return BytePattern(base + offset // per, shape, tuple(s // per for s in strides[:-1]) + (1,))
    e = bits // 8
    if e == 1:
        return BytePattern(base + offset, tuple(sizes), tuple(strides))
    return BytePattern(base + offset * e, tuple(sizes) + (e,), tuple(s * e for s in strides) + (1,))


@dataclass(frozen=True)
class BufRef:
    """A buffer at run time: `shape` elements of `dtype` at byte `base` of `mem`."""

    mem: Memory
    base: int
    shape: tuple[int, ...]
    dtype: str

    @property
    def numel(self) -> int:
        return prod(self.shape)

    @property
    def nbytes(self) -> int:
        return nbytes_of(self.shape, self.dtype)

    @property
    def end(self) -> int:
        return self.base + self.nbytes

    @property
    def pattern(self) -> BytePattern:
        return BytePattern.contiguous(self.base, self.nbytes)

    def view(self, byte_offset: int, shape: tuple[int, ...], dtype: str) -> "BufRef":
        return BufRef(self.mem, self.base + byte_offset, shape, dtype)

    def first_unwritten(self) -> int | None:
        """Byte offset (within the buffer) of the first unwritten byte, or None."""
        init = self.mem.init[self.base:self.end]
        if init.all():
            return None
        return int(np.argmin(init))

    def read(self) -> np.ndarray:
        """The buffer's values (a view for whole-byte types, a new array for the sub-byte ones)."""
        raw = self.mem.data[self.base:self.end]
        if is_sub_byte(self.dtype):
            return unpack_sub_byte(raw, self.numel, self.dtype).reshape(self.shape)
        return raw.view(value_dtype(self.dtype)).reshape(self.shape)

    def write(self, values: np.ndarray) -> None:
        """Store `values` (already of the buffer's value dtype and shape) and mark the bytes written."""
        if is_sub_byte(self.dtype):
            raw = pack_sub_byte(values, self.dtype)
        else:
            raw = np.ascontiguousarray(values, dtype=value_dtype(self.dtype)).reshape(-1).view(np.uint8)
        self.mem.data[self.base:self.end] = raw
        self.mem.init[self.base:self.end] = True

    def write_bytes(self, raw: np.ndarray, init: np.ndarray | None = None) -> None:
        self.mem.data[self.base:self.end] = raw
        self.mem.init[self.base:self.end] = True if init is None else init

    def to_api(self) -> np.ndarray:
        """A copy of the contents as the API returns them (ml_dtypes.int4 for i4, int2 for i2, ...)."""
        return np.array(self.read()).astype(api_dtype(self.dtype))

    def from_api(self, array: np.ndarray) -> None:
        self.write(np.asarray(array).astype(value_dtype(self.dtype)))
