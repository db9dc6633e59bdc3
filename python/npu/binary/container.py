"""The .npubin container: its data model and the one byte-level writer.

`Binary` is a level-4 module in the shape of the file: the target it was built
for, the module-level symbols (external tensors, with weight bytes and I/O
quantization), and one `Program` (instruction list) per PE. `write(binary)`
lays it out as bytes; `npu.binary.loader.read` is the inverse and checks every
byte of the way. The layout is specified in docs/binary-format.md:

    header (64 B) | section table | sections, each 64-aligned | sha256 trailer (32 B)

Sections, in this order, each exactly once: TARGET (TOML text of the target),
MODULE (counts, module target name), STRINGS, TYPES, SYMBOLS, PROGRAMS (one
entry per PE), CODE (one instruction stream per PE), DEBUG (one location
string per instruction), CONST (weights, 64-aligned, and quantization records).
All integers are little-endian. The writer is deterministic: tables are
interned in first-use order, padding is zero, so equal Binaries give equal
bytes (the loader rejects any other spelling of the same content).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from math import prod
from typing import Any

from npu.binary.isa import (DTYPE_BITS, DTYPE_CODES, FIELD_SINCE, HEADER_BYTES, INSTRUCTION_ALIGN, KINDS,
                            MAX_INSTRUCTION_BYTES, SPACE_CODES, UNSIGNED_DTYPES, OpDef)
from npu.errors import NpuError

MAGIC = b"\x7fNPUBIN\x00"
VERSION = (1, 4)  # 1.1: npu_pe.mul_shift, binary kinds add_wrap..ashr_round, unary clz;
                  # 1.2: npu_pe.compare, npu_pe.select, binary kinds or..fmod, unary kinds floor..not;
                  # 1.3: buffer element types i64, ui8..ui64 (type codes 12-15), f64;
                  # 1.4: npu_pe.matmul optional field unit (matrix | vector; absent = matrix); symbol
                  #      entries of 72 bytes: + the graph element type of an I/O symbol (i1: bool)
FILE_HEADER_BYTES = 64
SECTION_ENTRY_BYTES = 24
SECTION_ALIGN = 64
CONST_ALIGN = 64
STREAM_ALIGN = 16
CHECKSUM_BYTES = 32
NONE = 0xFFFFFFFF  # "no string"

SECTIONS = ("TARGET", "MODULE", "STRINGS", "TYPES", "SYMBOLS", "PROGRAMS", "CODE", "DEBUG", "CONST")
SECTION_CODES = {name: i + 1 for i, name in enumerate(SECTIONS)}

SYMBOL_KINDS = ("input", "output", "weight", "scratch")
VALUE_FORMS = ("none", "dense", "dense_resource")
MODULE_BYTES = 16
SYMBOL_BYTES_1_3 = 64  # formats 1.0-1.3
SYMBOL_BYTES = 72  # 1.4: + u32 string (graph element type of an input/output, or none), u32 reserved
PROGRAM_BYTES = 40
QUANT_HEADER_BYTES = 32

_SCALAR_FLOATS = ("f8E4M3FN", "f8E5M2", "bf16", "f16", "f32", "f64")


@dataclass(frozen=True)
class TypeEntry:
    """A memref type: element type name, memory space, static shape."""

    dtype: str
    space: str
    shape: tuple[int, ...]

    @property
    def nbytes(self) -> int:
        return (prod(self.shape) * DTYPE_BITS[self.dtype] + 7) // 8


@dataclass(frozen=True)
class Quant:
    """Affine quantization of an I/O symbol (a `!quant.uniform` type).

    `axis` is -1 per tensor; `scales` / `zero_points` have one value per
    tensor or per channel of `axis`.
    """

    flags: int
    storage: str
    expressed: str
    storage_min: int
    storage_max: int
    axis: int
    scales: tuple[float, ...]
    zero_points: tuple[int, ...]


@dataclass
class Symbol:
    """A module-level `npu_mem.global`."""

    name: str
    kind: str
    type: TypeEntry
    address: int
    position: int
    location: str = "loc(unknown)"
    data: bytes | None = None  # packed storage bytes of a weight
    value_form: str = "none"  # none | dense | dense_resource
    resource: str | None = None  # blob name of a dense_resource value
    resource_alignment: int = 0  # alignment of that blob (part of the printed IR)
    quant: Quant | None = None
    element: str | None = None  # graph element type of an input/output held in another buffer type (i1)
    offset: int = field(default=-1, compare=False)  # byte offset of its entry (set by the loader)


def symbol_bytes(version: tuple[int, int]) -> int:
    """Size of one SYMBOLS entry in a file of format `version`."""
    return SYMBOL_BYTES if version >= (1, 4) else SYMBOL_BYTES_1_3


@dataclass
class Instr:
    """One instruction: its op and field values (None for an absent optional field)."""

    op: OpDef
    values: dict[str, Any]
    location: str = "loc(unknown)"
    offset: int = field(default=-1, compare=False)  # byte offset in the file (set by the loader)


@dataclass
class Program:
    """The instruction stream of one PE (a func.func with npu_pe.pe)."""

    pe: tuple[int, int]
    name: str
    position: int
    location: str = "loc(unknown)"
    instrs: list[Instr] = field(default_factory=list)
    offset: int = field(default=-1, compare=False)  # byte offset of its entry (set by the loader)


@dataclass
class Binary:
    """A whole .npubin: target, symbols, programs."""

    target_toml: str
    fingerprint: str  # hex sha256 of the target (npu.target.Target.fingerprint())
    module_target: str | None  # the module's npu_pe.target attribute, if any
    symbols: list[Symbol]
    programs: list[Program]
    module_location: str = "loc(unknown)"
    version: tuple[int, int] = VERSION
    target: Any = field(default=None, compare=False, repr=False)  # the parsed Target (set by the loader)


# ---------------------------------------------------------------- helpers

def align(n: int, a: int) -> int:
    return (n + a - 1) // a * a


def newer_field(instr: "Instr", version: tuple[int, int]) -> tuple[str, tuple[int, int]] | None:
    """(field, version) of an optional field `instr` holds that format `version` does not have (isa.FIELD_SINCE)."""
    for (op, name), since in FIELD_SINCE.items():
        if instr.op.name == op and version < since and instr.values.get(name) is not None:
            return name, since
    return None


class EncodeError(NpuError):
    """A module or value the binary cannot represent."""


class _Interner:
    """Deterministic first-use tables (strings, types)."""

    def __init__(self):
        self.index: dict[Any, int] = {}
        self.items: list[Any] = []

    def __call__(self, item) -> int:
        if item not in self.index:
            self.index[item] = len(self.items)
            self.items.append(item)
        return self.index[item]


def _fits(kind: str, value: int) -> bool:
    lo, hi = {"u8": (0, 0xFF), "u16": (0, 0xFFFF), "u32": (0, 0xFFFFFFFF), "u64": (0, (1 << 63) - 1),
              "i32": (-(1 << 31), (1 << 31) - 1)}[kind]
    return lo <= value <= hi


INT_FORMATS = {"u8": "<B", "u16": "<H", "u32": "<I", "u64": "<Q", "i32": "<i"}  # struct format per int kind
INTS_FORMATS = {1: "b", 2: "h", 4: "i", 8: "q"}  # struct code per element width of an `ints` field


def pack_scalar(dtype: str, value: int | float) -> bytes:
    if dtype in _SCALAR_FLOATS:
        return struct.pack("<Bd", DTYPE_CODES[dtype], float(value))
    if dtype in UNSIGNED_DTYPES:
        return struct.pack("<BQ", DTYPE_CODES[dtype], int(value))
    return struct.pack("<Bq", DTYPE_CODES[dtype], int(value))


def _pack_coords(coords) -> bytes:
    flat = [v for pe in coords for v in pe]
    return struct.pack(f"<H{len(flat)}H", len(coords), *flat)


def pack_instruction(instr: Instr, types: _Interner, where: str) -> bytes:
    """The bytes of one instruction (header, fields in table order, padding)."""
    op = instr.op
    mask, parts = 0, []
    for bit, f in enumerate(op.optional_fields):
        if instr.values.get(f.name) is not None:
            mask |= 1 << bit
    for f in op.fields:
        v = instr.values.get(f.name)
        if f.optional and v is None:
            parts.append(bytes(f.size))  # absent: zero bytes
            continue
        try:
            parts.append(_pack_field(f.kind, f.choices.index(v) if f.kind == "enum" else v, types))
        except (struct.error, OverflowError, TypeError, ValueError, KeyError):
            raise EncodeError(f"{where}: '{op.name}' field '{f.name}' = {v!r} does not fit its "
                              f"{f.kind} field") from None
    body = b"".join(parts)
    size = align(HEADER_BYTES + len(body), INSTRUCTION_ALIGN)
    if size > MAX_INSTRUCTION_BYTES:
        raise EncodeError(f"{where}: '{op.name}' needs {size} bytes, more than an instruction holds "
                          f"({MAX_INSTRUCTION_BYTES})")
    return struct.pack("<BBH", op.opcode, mask, size) + body + bytes(size - HEADER_BYTES - len(body))


def _pack_field(kind: str, v, types: _Interner) -> bytes:
    if kind in INT_FORMATS:
        v = 0 if v is None else v
        if not _fits(kind, v):
            raise ValueError
        return struct.pack(INT_FORMATS[kind], v)
    if kind == "bool":
        return struct.pack("<B", int(bool(v)))
    if kind in ("enum", "ref", "symbol"):
        return struct.pack("<B" if kind == "enum" else "<I", v)
    if kind == "refs":
        return struct.pack(f"<H{len(v)}I", len(v), *v)
    if kind == "type":
        return struct.pack("<I", types(v))
    if kind == "coord":
        return struct.pack("<HH", *v)
    if kind == "coords":
        return _pack_coords(v)
    if kind == "routes":
        return struct.pack("<H", len(v)) + b"".join(_pack_coords(r) for r in v)
    if kind == "ints":
        width, items = v
        return struct.pack(f"<BH{len(items)}{INTS_FORMATS[width]}", width, len(items), *items)
    if kind == "scalar":
        return pack_scalar(*v)
    raise AssertionError(f"no packer for field kind {kind}")  # table bug


assert set(KINDS) == set(INT_FORMATS) | {"bool", "enum", "ref", "symbol", "refs", "type", "coord", "coords",
                                      "routes", "ints", "scalar"}


# ---------------------------------------------------------------- writer

def _pack_types(items: list[TypeEntry]) -> bytes:
    out = [struct.pack("<I", len(items))]
    for t in items:
        out.append(struct.pack(f"<BBBB{len(t.shape)}I", DTYPE_CODES[t.dtype], SPACE_CODES[t.space],
                               len(t.shape), 0, *t.shape))
    return b"".join(out)


def _pack_strings(items: list[str]) -> bytes:
    blobs = [s.encode("utf-8") for s in items]
    table, offset = [], 0
    for b in blobs:
        table += [offset, len(b)]
        offset += len(b)
    return struct.pack(f"<I{len(table)}I", len(items), *table) + b"".join(blobs)


def pack_quant(q: Quant) -> bytes:
    n = len(q.scales)
    return (struct.pack("<BBBBiqqII", q.flags, DTYPE_CODES[q.storage], DTYPE_CODES[q.expressed], 0, q.axis,
                        q.storage_min, q.storage_max, n, 0)
            + struct.pack(f"<{n}d{n}q", *q.scales, *q.zero_points))


def write(binary: Binary) -> bytes:
    """The bytes of `binary` (see the module docstring and docs/binary-format.md)."""
    strings, types = _Interner(), _Interner()

    def sref(s: str | None) -> int:
        return NONE if s is None else strings(s)

    const = bytearray()
    symbols = []
    for sym in binary.symbols:
        data_off = data_size = q_off = q_size = 0
        if sym.data is not None:
            const += bytes(align(len(const), CONST_ALIGN) - len(const))
            data_off, data_size = len(const), len(sym.data)
            const += sym.data
        if sym.quant is not None:
            const += bytes(align(len(const), 8) - len(const))
            blob = pack_quant(sym.quant)
            q_off, q_size = len(const), len(blob)
            const += blob
        entry = struct.pack(
            "<IBBHIIQQQQQII", sref(sym.name), SYMBOL_KINDS.index(sym.kind), VALUE_FORMS.index(sym.value_form), sym.resource_alignment,
            types(sym.type), sym.position, sym.address, data_off, data_size, q_off, q_size,
            sref(sym.resource), sref(sym.location))
        if binary.version >= (1, 4):
            entry += struct.pack("<II", sref(sym.element), 0)
        elif sym.element is not None:
            raise EncodeError(f"symbol '{sym.name}': format {binary.version[0]}.{binary.version[1]} has no "
                              f"graph element type (element = {sym.element}); 1.4 does")
        symbols.append(entry)

    code, debug, programs = bytearray(), [], []
    for prog in binary.programs:
        code += bytes(align(len(code), STREAM_ALIGN) - len(code))
        start, first_debug = len(code), len(debug)
        name_ref, loc_ref = sref(prog.name), sref(prog.location)
        for i, instr in enumerate(prog.instrs):
            where = f"PE ({prog.pe[0]}, {prog.pe[1]}) instruction {i}"
            newer = newer_field(instr, binary.version)
            if newer is not None:
                raise EncodeError(f"{where}: format {binary.version[0]}.{binary.version[1]} has no field '{newer[0]}' "
                                  f"of '{instr.op.name}'; {newer[1][0]}.{newer[1][1]} does")
            code += pack_instruction(instr, types, where)
            debug.append(sref(instr.location))
        programs.append(struct.pack("<HHIIIQQII", prog.pe[0], prog.pe[1], name_ref, prog.position, loc_ref,
                                    start, len(code) - start, len(prog.instrs), first_debug))

    module = struct.pack("<IIII", sref(binary.module_target), len(binary.symbols), len(binary.programs),
                         sref(binary.module_location))
    bodies = {
        "TARGET": binary.target_toml.encode("utf-8"),
        "MODULE": module,
        "STRINGS": _pack_strings(strings.items),
        "TYPES": _pack_types(types.items),
        "SYMBOLS": struct.pack("<I", len(symbols)) + b"".join(symbols),
        "PROGRAMS": struct.pack("<I", len(programs)) + b"".join(programs),
        "CODE": bytes(code),
        "DEBUG": struct.pack(f"<I{len(debug)}I", len(debug), *debug),
        "CONST": bytes(const),
    }
    table_off = FILE_HEADER_BYTES
    offset = align(table_off + SECTION_ENTRY_BYTES * len(SECTIONS), SECTION_ALIGN)
    table, layout = [], []
    for name in SECTIONS:
        body = bodies[name]
        table.append(struct.pack("<IIQQ", SECTION_CODES[name], 0, offset, len(body)))
        layout.append((offset, body))
        offset = align(offset + len(body), SECTION_ALIGN)
    file_size = offset + CHECKSUM_BYTES
    out = bytearray(file_size - CHECKSUM_BYTES)
    out[0:FILE_HEADER_BYTES] = (MAGIC + struct.pack("<HHIQ", *binary.version, FILE_HEADER_BYTES, file_size)
                                + bytes.fromhex(binary.fingerprint) + struct.pack("<II", len(SECTIONS), table_off))
    out[table_off:table_off + len(b"".join(table))] = b"".join(table)
    for off, body in layout:
        out[off:off + len(body)] = body
    return bytes(out) + hashlib.sha256(out).digest()


def checksum(data: bytes) -> bytes:
    """The trailer a well-formed file of these contents ends with."""
    return hashlib.sha256(data[:-CHECKSUM_BYTES]).digest()


def reseal(data: bytes) -> bytes:
    """`data` with its trailer recomputed (for tools and fuzzing that edit files)."""
    return data[:-CHECKSUM_BYTES] + checksum(data)
