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
  `read()` gives a numpy array (i4 unpacked to int8 values, low nibble first),
  `write()` stores one and marks its bytes written.
* `BytePattern`: the bytes an access touches, as a strided view (start, shape,
  strides in bytes); a DMA side is one, a whole buffer is a contiguous one.
  `overlaps()` is exact (not a bounding-box test), so two DMAs filling
  interleaved rows of one buffer do not conflict.

Element types are those of npu.dialects.level4.ELEMENT_TYPES: i4 (packed two
per byte), i8, i16, i32, i64, ui8, ui16, ui32, ui64, f8E4M3FN, f8E5M2, bf16,
f16, f32, f64.
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
          "f16": np.float16, "f32": np.float32, "f64": np.float64}

# element type -> (bits, numpy dtype of values as the compute ops see them, numpy dtype at the API)
ELEMENTS: dict[str, tuple[int, np.dtype, np.dtype]] = {
    name: (ELEMENT_BITS[name], np.dtype(np.int8), np.dtype(ml_dtypes.int4)) if name == "i4"
    else (ELEMENT_BITS[name], np.dtype(_NUMPY[name]), np.dtype(_NUMPY[name]))
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


def pack_i4(values: np.ndarray) -> np.ndarray:
    """int4 values (any integer dtype, in [-8, 7]) -> bytes, element 2i in the low nibble of byte i."""
    v = (np.asarray(values).reshape(-1).astype(np.int16) & 0xF).astype(np.uint8)
    if v.size % 2:
        v = np.concatenate([v, np.zeros(1, np.uint8)])
    return v[0::2] | (v[1::2] << 4)


def unpack_i4(data: np.ndarray, count: int) -> np.ndarray:
    """The first `count` int4 values (as int8) of packed bytes."""
    out = np.empty(2 * data.size, np.int8)
    out[0::2] = (data & 0xF).astype(np.int8)
    out[1::2] = (data >> 4).astype(np.int8)
    return ((out[:count] ^ 8) - 8).astype(np.int8)


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

    i4 patterns move whole bytes (even offset and outer strides, innermost stride 1
    and even innermost size, as the dialect requires; a single run ending at the last
    element of an odd-length buffer also moves its padding nibble: the size rounds up).
    """
    bits = element_bits(dtype)
    if bits == 4:
        shape = tuple(sizes[:-1]) + (-(-sizes[-1] // 2),)
        return BytePattern(base + offset // 2, shape, tuple(s // 2 for s in strides[:-1]) + (1,))
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
        """The buffer's values (a view for whole-byte types, a new int8 array for i4)."""
        raw = self.mem.data[self.base:self.end]
        if self.dtype == "i4":
            return unpack_i4(raw, self.numel).reshape(self.shape)
        return raw.view(value_dtype(self.dtype)).reshape(self.shape)

    def write(self, values: np.ndarray) -> None:
        """Store `values` (already of the buffer's value dtype and shape) and mark the bytes written."""
        if self.dtype == "i4":
            raw = pack_i4(values)
        else:
            raw = np.ascontiguousarray(values, dtype=value_dtype(self.dtype)).reshape(-1).view(np.uint8)
        self.mem.data[self.base:self.end] = raw
        self.mem.init[self.base:self.end] = True

    def write_bytes(self, raw: np.ndarray, init: np.ndarray | None = None) -> None:
        self.mem.data[self.base:self.end] = raw
        self.mem.init[self.base:self.end] = True if init is None else init

    def to_api(self) -> np.ndarray:
        """A copy of the contents as the API returns them (ml_dtypes.int4 for i4)."""
        return np.array(self.read()).astype(api_dtype(self.dtype))

    def from_api(self, array: np.ndarray) -> None:
        self.write(np.asarray(array).astype(value_dtype(self.dtype)))
