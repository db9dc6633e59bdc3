"""Decoding and checking the instruction stream of one PE (step 6 of the loader).

`read_stream(r, prog, (start, end, count, entry), locations, types, symbols,
target)` decodes the instructions of `prog` from bytes [start, end) with the
ISA table (`npu.binary.isa`): every header (known opcode, length a multiple of
4 that fits, present-mask bits only for optional fields), every field
(bounds-checked, enums and bools in range, type/symbol indices in their
tables, PEs inside the mesh, scalars representable in their type), operands
naming earlier instructions that define the kind of value the field expects,
absent optional fields zero, the length equal to the fields' size, SRAM
buffers inside the PE's SRAM, and `func.return` exactly last.
"""

from __future__ import annotations

import math

import numpy as np

from npu.binary import container as C
from npu.binary import isa
from npu.binary.reader import BinaryError, Reader, out_of_range

_FLOAT_NP = None


def _float_dtypes():
    global _FLOAT_NP
    if _FLOAT_NP is None:
        import ml_dtypes

        _FLOAT_NP = {"f8E4M3FN": ml_dtypes.float8_e4m3fn, "f8E5M2": ml_dtypes.float8_e5m2,
                     "bf16": ml_dtypes.bfloat16, "f16": np.float16, "f32": np.float32, "f64": np.float64}
    return _FLOAT_NP


class _Stream:
    """Decoding state of one PE stream."""

    def __init__(self, r: Reader, prog: C.Program, types, symbols, tgt):
        self.r, self.prog, self.types, self.symbols, self.tgt = r, prog, types, symbols, tgt
        self.results: list[str | None] = []

    def where(self) -> str:
        return f"PE ({self.prog.pe[0]}, {self.prog.pe[1]}) instruction {len(self.results)}"

    def fail(self, at: int, reason: str) -> BinaryError:
        return self.r.fail(at, f"{self.where()}: {reason}")

    def coords(self, at: int, end: int, what: str) -> tuple[list[tuple[int, int]], int]:
        n = self.r.count(at, end, 4, what, "<H")
        flat = self.r.unpack(f"<{2 * n}H", at + 2, end, what)
        pes = [(flat[2 * i], flat[2 * i + 1]) for i in range(n)]
        for pe in pes:
            self.check_pe(pe, at, what)
        return pes, at + 2 + 4 * n

    def check_pe(self, pe, at: int, what: str) -> None:
        if not (pe[0] < self.tgt.mesh.rows and pe[1] < self.tgt.mesh.cols):
            raise self.fail(at, f"{what} names PE ({pe[0]}, {pe[1]}), outside the "
                                f"{self.tgt.mesh.rows}x{self.tgt.mesh.cols} mesh")

    def ref(self, index: int, at: int, f: isa.Field) -> int:
        if index >= len(self.results):
            raise self.fail(at, f"operand '{f.name}' names instruction {index}, not an earlier one")
        kind = self.results[index]
        if kind != f.expect:
            raise self.fail(at, f"operand '{f.name}' names instruction {index}, which defines "
                                f"{kind or 'nothing'}, expected a {f.expect}")
        return index

    def field(self, f: isa.Field, at: int, end: int):
        """(value, next offset) of field f at `at`; `end` is the instruction's end."""
        r, kind = self.r, f.kind
        what = f"field '{f.name}'"
        if kind in C.INT_FORMATS:
            (v,) = r.unpack(C.INT_FORMATS[kind], at, end, what)
            if kind == "u64" and v >= 1 << 63:
                raise self.fail(at, f"{what} is {v}, more than an i64 holds")
            return v, at + isa.KINDS[kind].size
        if kind in ("bool", "enum"):
            (v,) = r.unpack("<B", at, end, what)
            limit = 2 if kind == "bool" else len(f.choices)
            if v >= limit:
                raise self.fail(at, f"{what} is {v}, expected below {limit}")
            return (bool(v) if kind == "bool" else f.choices[v]), at + 1
        if kind == "ref":
            (v,) = r.unpack("<I", at, end, what)
            return self.ref(v, at, f), at + 4
        if kind == "refs":
            n = r.count(at, end, 4, what, "<H")
            refs = r.unpack(f"<{n}I", at + 2, end, what)
            return [self.ref(v, at + 2 + 4 * k, f) for k, v in enumerate(refs)], at + 2 + 4 * n
        if kind == "type":
            (v,) = r.unpack("<I", at, end, what)
            if v >= len(self.types):
                raise self.fail(at, f"{what} names type {v}, but there are {len(self.types)}")
            return self.types[v], at + 4
        if kind == "symbol":
            (v,) = r.unpack("<I", at, end, what)
            if v >= len(self.symbols):
                raise self.fail(at, f"{what} names symbol {v}, but there are {len(self.symbols)}")
            return v, at + 4
        if kind == "coord":
            pe = r.unpack("<HH", at, end, what)
            self.check_pe(pe, at, what)
            return tuple(pe), at + 4
        if kind == "coords":
            return self.coords(at, end, what)
        if kind == "routes":
            n = r.count(at, end, 2, what, "<H")
            routes, pos = [], at + 2
            for _ in range(n):
                route, pos = self.coords(pos, end, what)
                routes.append(route)
            return routes, pos
        if kind == "ints":
            width, n = r.unpack("<BH", at, end, what)
            if width not in C.INTS_FORMATS:
                raise self.fail(at, f"{what} has element width {width}, expected 1, 2, 4 or 8")
            items = r.unpack(f"<{n}{C.INTS_FORMATS[width]}", at + 3, end, what)
            return (width, tuple(items)), at + 3 + width * n
        if kind == "scalar":
            return self.scalar(at, end, what), at + 9
        raise AssertionError(f"no reader for field kind {kind}")  # table bug

    def scalar(self, at: int, end: int, what: str):
        code, = self.r.unpack("<B", at, end, what)
        dtype = isa.DTYPE_NAMES.get(code)
        if dtype is None:
            raise self.fail(at, f"{what} has unknown type code {code}")
        if dtype in _float_dtypes():
            (v,) = self.r.unpack("<d", at + 1, end, what)
            np_type = _float_dtypes()[dtype]
            with np.errstate(over="ignore"):  # an out-of-range value becomes inf, hence != v
                exact = float(np.array(v).astype(np_type)) == v
            if math.isnan(v) or not exact:
                raise self.fail(at, f"{what} value {v!r} is not a {dtype} value")
            return dtype, v
        bits = isa.DTYPE_BITS[dtype]
        if dtype in isa.UNSIGNED_DTYPES:
            (v,) = self.r.unpack("<Q", at + 1, end, what)
            if v >= 1 << bits:
                raise self.fail(at, f"{what} value {v} does not fit {dtype}")
            return dtype, v
        (v,) = self.r.unpack("<q", at + 1, end, what)
        if not -(1 << (bits - 1)) <= v < (1 << (bits - 1)):
            raise self.fail(at, f"{what} value {v} does not fit {dtype}")
        return dtype, v


def read_stream(r: Reader, prog: C.Program, stream, locs: list[str], types, symbols, tgt) -> None:
    start, end, count, entry_at = stream
    st = _Stream(r, prog, types, symbols, tgt)
    pos = start
    while pos < end and len(prog.instrs) < count:
        opcode, mask, length = r.unpack("<BBH", pos, end, f"header of {st.where()}")
        op = isa.BY_OPCODE.get(opcode)
        if op is None:
            raise st.fail(pos, f"unknown opcode 0x{opcode:02X}")
        if length < isa.HEADER_BYTES or length % isa.INSTRUCTION_ALIGN or pos + length > end:
            raise st.fail(pos + 2, f"inconsistent sizes: instruction length {length} "
                                   f"({end - pos} bytes left in the stream)")
        if mask >> len(op.optional_fields):
            raise st.fail(pos + 1, f"present mask 0x{mask:02X} sets bits beyond the "
                                   f"{len(op.optional_fields)} optional fields of {op.name}")
        values, at, bit = {}, pos + isa.HEADER_BYTES, 0
        for f in op.fields:
            if f.optional:
                present = mask >> bit & 1
                bit += 1
                if not present:  # stored as zero bytes, not decoded
                    raw = r.unpack(f"<{f.size}s", at, pos + length, f"field '{f.name}'")[0]
                    if any(raw):
                        raise st.fail(at, f"absent optional field '{f.name}' is not zero")
                    values[f.name], at = None, at + f.size
                    continue
            values[f.name], at = st.field(f, at, pos + length)
        if C.align(at - pos, isa.INSTRUCTION_ALIGN) != length:
            raise st.fail(pos + 2, f"inconsistent sizes: instruction length {length}, its fields end at "
                                   f"{at - pos} bytes")
        instr = C.Instr(op, values, locs[len(prog.instrs)], pos)
        _check_semantics(st, instr, pos)
        prog.instrs.append(instr)
        st.results.append(op.result)
        pos += length
        if op.name == "func.return" and len(prog.instrs) != count:
            raise st.fail(pos - length, f"func.return before the end of the stream ({count} instructions)")
    if len(prog.instrs) != count or pos != end:
        raise r.fail(pos, f"inconsistent sizes: stream of PE ({prog.pe[0]}, {prog.pe[1]}) holds "
                          f"{len(prog.instrs)} instructions in {pos - start} bytes, its entry says "
                          f"{count} in {end - start}")
    if not prog.instrs or prog.instrs[-1].op.name != "func.return":
        raise r.fail(end, f"stream of PE ({prog.pe[0]}, {prog.pe[1]}) does not end with func.return")


def _check_semantics(st: _Stream, instr: C.Instr, at: int) -> None:
    """Checks the bytes alone can make: buffer placement in the PE's SRAM."""
    name, v = instr.op.name, instr.values
    if name == "npu_mem.alloc":
        t, off = v["type"], v["offset"]
        if t.space != "sram":
            raise st.fail(at, f"npu_mem.alloc of a {t.space} type, expected sram")
        sram = st.tgt.pe.sram.bytes
        if off + t.nbytes > sram:
            raise st.fail(at + 8, out_of_range("buffer", off, off + t.nbytes, sram, "SRAM"))
