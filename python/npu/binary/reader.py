"""Bounds-checked reading of a .npubin: the error type and the reader every loader stage uses.

`BinaryError` is the loader's one error: an `NpuError` whose message is
`<file>: at byte <offset>: <reason>`, with `.offset` and `.reason` kept for
tools and tests. `Reader.unpack` refuses to read past the end of the region
it is given (file, section, instruction); `Reader.count` checks that a count
read from the file fits in the bytes that follow before anything is
allocated for it.
"""

from __future__ import annotations

import struct

from npu.errors import NpuError


class BinaryError(NpuError):
    """A rejected binary: `offset` is the byte offset of the problem in the file."""

    def __init__(self, source: str, offset: int, reason: str):
        super().__init__(f"{source}: at byte {offset}: {reason}")
        self.source = source
        self.offset = offset
        self.reason = reason


class Reader:
    """Bounds-checked little-endian reads of one file."""

    def __init__(self, data: bytes, source: str):
        self.data = data
        self.source = source

    def fail(self, offset: int, reason: str) -> BinaryError:
        return BinaryError(self.source, offset, reason)

    def unpack(self, fmt: str, offset: int, end: int, what: str) -> tuple:
        size = struct.calcsize(fmt)
        if offset < 0 or offset + size > end:
            raise self.fail(min(max(offset, 0), end), f"{what} runs past the end of its region "
                                                      f"(needs {size} bytes, {max(end - offset, 0)} left)")
        return struct.unpack_from(fmt, self.data, offset)

    def count(self, offset: int, end: int, item_bytes: int, what: str, fmt: str = "<I") -> int:
        (n,) = self.unpack(fmt, offset, end, f"count of {what}")
        room = end - offset - struct.calcsize(fmt)
        if n * item_bytes > room:
            raise self.fail(offset, f"count of {what} is {n}, but only {room} bytes follow "
                                    f"({item_bytes} needed per item)")
        return n



def out_of_range(what, lo, hi, limit, where) -> str:
    return f"out-of-range {where} address: {what} [{lo}, {hi}) ends past the {limit}-byte {where}"


