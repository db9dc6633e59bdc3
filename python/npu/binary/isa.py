"""THE ISA table of the npu binary: every level-4 op -> opcode, fields, semantics.

Everything that reads or writes instructions derives from `OPS` below: the
encoder (`npu.binary.encode`), the loader's instruction decoder
(`npu.binary.loader`), the IR rebuilder (`npu.binary.decode`), the hypothesis
program generator of the tests, and the reference `docs/isa.md`:

    python -m npu.binary.isa --write docs/isa.md   # regenerate
    python -m npu.binary.isa --check docs/isa.md   # exit 1 when stale

An instruction is a 4-byte header -- opcode (u8), present mask (u8), length in
bytes of the whole instruction (u16) -- then its fields in table order,
little-endian and packed, then zero bytes up to a multiple of 4. Bit i of the
present mask says that optional field i (counting optional fields only) is
present; an absent optional field is still stored, as zero bytes.

Field kinds (`KINDS`) say how a field is stored and where it comes from in the
IR: operands are `ref` (the index, in the PE's stream, of the instruction that
defined the value) or `refs` (u16 count, then refs); result types are `type`
(an index into the type table); everything else is an attribute.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from npu.dialects.level4 import ELEMENT_BITS, ELEMENT_TYPES, UNSIGNED_TYPES

HEADER_BYTES = 4
INSTRUCTION_ALIGN = 4
MAX_INSTRUCTION_BYTES = 0xFFFF


@dataclass(frozen=True)
class Kind:
    """How a field is stored: fixed `size` in bytes (None: variable) and its layout."""

    name: str
    size: int | None
    layout: str


_KIND_LIST = (
    Kind("u8", 1, "unsigned 8-bit integer (an i64 attribute)"),
    Kind("u16", 2, "unsigned 16-bit integer (an i64 attribute)"),
    Kind("u32", 4, "unsigned 32-bit integer (an i64 attribute)"),
    Kind("u64", 8, "unsigned 64-bit integer (an i64 attribute, < 2^63)"),
    Kind("i32", 4, "signed 32-bit integer (an i64 attribute)"),
    Kind("bool", 1, "0 or 1 (a bool attribute)"),
    Kind("enum", 1, "index into the field's choices (a string attribute)"),
    Kind("ref", 4, "u32 index of the earlier instruction of this stream whose result is the operand"),
    Kind("refs", None, "u16 count, then count refs (a variadic operand)"),
    Kind("type", 4, "u32 index into the type table (the result's memref type)"),
    Kind("symbol", 4, "u32 index into the symbol table (a flat symbol reference)"),
    Kind("coord", 4, "PE row (u16), column (u16) (an `array<i64: r, c>` attribute)"),
    Kind("coords", None, "u16 count of PEs, then count coords (an `array<i64: r0, c0, ...>` attribute)"),
    Kind("routes", None, "u16 count of routes, then count `coords` (an array of `array<i64>` attributes)"),
    Kind("ints", None, "u8 element bytes (1, 2, 4 or 8), u16 count, then count signed integers "
                       "(an `array<iN: ...>` attribute of that width)"),
    Kind("scalar", 9, "u8 type code, then 8 bytes: i64 for a signed integer type, u64 for an unsigned one, "
                      "f64 bits for a float type (a typed integer or float attribute)"),
)
KINDS = {k.name: k for k in _KIND_LIST}

# Results an instruction defines, and which `ref` fields may name it.
RESULTS = ("buffer", "mem_token", "noc_token", "sem")

# Element and scalar type codes, shared by the type table and `scalar` fields. Codes are only ever
# appended: 1-11 since format 1.0 (i64 and f64 for scalars only until 1.3), the unsigned types 12-15
# since 1.3, the storage-only types 16-22 since 1.4. The element types of buffers are
# npu.dialects.level4's (format 1.3 added i64, ui8..ui64 and f64 to the type table).
DTYPE_CODES = {"i4": 1, "i8": 2, "i16": 3, "i32": 4, "i64": 5,
               "f8E4M3FN": 6, "f8E5M2": 7, "bf16": 8, "f16": 9, "f32": 10, "f64": 11,
               "ui8": 12, "ui16": 13, "ui32": 14, "ui64": 15,
               "i2": 16, "ui2": 17, "ui4": 18, "f8E4M3FNUZ": 19, "f8E5M2FNUZ": 20, "f8E8M0FNU": 21, "f4E2M1FN": 22}
DTYPE_NAMES = {v: k for k, v in DTYPE_CODES.items()}
DTYPE_BITS = dict(ELEMENT_BITS)
UNSIGNED_DTYPES = UNSIGNED_TYPES
BUFFER_DTYPES = ELEMENT_TYPES
# element types of the type table readers of formats 1.0-1.2 know (a file of those versions naming
# another one is refused)
BUFFER_DTYPES_1_2 = ("i4", "i8", "i16", "i32", "f8E4M3FN", "f8E5M2", "bf16", "f16", "f32")
BUFFER_DTYPES_1_3 = tuple(t for t in ELEMENT_TYPES if DTYPE_CODES[t] <= 15)
SPACE_CODES = {"sram": 0, "ext": 1}
SPACE_NAMES = {v: k for k, v in SPACE_CODES.items()}
INTS_WIDTHS = {1: "i8", 2: "i16", 4: "i32", 8: "i64"}


@dataclass(frozen=True)
class Field:
    """One field of an instruction.

    `role` is "operand" (kinds ref/refs), "type" (the result type) or "attr".
    `expect` is the result kind a ref must name; `choices` the strings of an
    enum; `optional` fields may be absent from the IR (present-mask bit).
    """

    name: str
    kind: str
    role: str
    doc: str = ""
    expect: str | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False

    @property
    def size(self) -> int | None:
        return KINDS[self.kind].size


def operand(name: str, expect: str = "buffer", doc: str = "") -> Field:
    return Field(name, "ref", "operand", doc, expect=expect)


def operands(name: str, expect: str, doc: str = "") -> Field:
    return Field(name, "refs", "operand", doc, expect=expect)


def result_type(doc: str = "memref type of the result") -> Field:
    return Field("type", "type", "type", doc)


def attr(name: str, kind: str, doc: str = "", choices: tuple[str, ...] = (), optional: bool = False) -> Field:
    return Field(name, kind, "attr", doc, choices=choices, optional=optional)


@dataclass(frozen=True)
class OpDef:
    """One instruction: `opcode`, the level-4 op `name`, what it defines, its fields."""

    opcode: int
    name: str
    result: str | None
    fields: tuple[Field, ...]
    semantics: str

    def __post_init__(self):
        # derived views, computed once (the encoder and loader ask per instruction)
        object.__setattr__(self, "optional_fields", tuple(f for f in self.fields if f.optional))
        object.__setattr__(self, "operand_fields", tuple(f for f in self.fields if f.role == "operand"))
        object.__setattr__(self, "attr_fields", tuple(f for f in self.fields if f.role == "attr"))

    def fixed_layout(self) -> list[tuple[int, Field]]:
        """(byte offset, field) of the fields before the first variable-size one."""
        out, offset = [], HEADER_BYTES
        for f in self.fields:
            if f.size is None:
                break
            out.append((offset, f))
            offset += f.size
        return out


# Enum choices are only ever appended (format 1.1 added add_wrap .. ashr_round and clz; 1.2 added
# or .. fmod, floor .. not, and the compare kinds with opcodes 0x3C, 0x3D; sub_wrap and mul_wrap came
# within 1.2, before it was released).
BINARY_KINDS = ("add", "sub", "mul", "max", "min", "div", "add_wrap", "and", "shl", "ashr", "ashr_round",
                "or", "xor", "mod", "fmod", "sub_wrap", "mul_wrap")
UNARY_KINDS = ("copy", "neg", "abs", "relu", "exp", "log", "sqrt", "rsqrt", "reciprocal",
               "tanh", "sigmoid", "erf", "gelu", "clz",
               "floor", "ceil", "round", "sign", "sin", "cos", "tan", "asin", "acos", "atan",
               "sinh", "cosh", "asinh", "acosh", "atanh", "softplus", "softsign", "not")
COMPARE_KINDS = ("eq", "ne", "lt", "le", "gt", "ge")
REDUCE_KINDS = ("sum", "max", "min")
MATMUL_UNITS = ("matrix", "vector")  # format 1.4 added the optional field (1.0-1.3 files: matrix)
# optional fields added after format 1.0: (op, field) -> the first version holding them; a writer asked for an
# older version refuses them, a loader refuses them present in an older file
FIELD_SINCE = {("npu_pe.matmul", "unit"): (1, 4)}
ROUNDINGS = ("single_round", "double_round")

_OP_LIST = (
    # ---------------------------------------------------------------- control
    OpDef(0x01, "func.return", None, (),
          "end of the PE program; must be the last instruction of its stream"),
    # ---------------------------------------------------------------- npu_mem
    OpDef(0x10, "npu_mem.get_global", "buffer",
          (attr("name", "symbol", "the global (its type is the result type)"),),
          "bind the external-memory buffer of global `name` at its address"),
    OpDef(0x11, "npu_mem.alloc", "buffer",
          (result_type("memref type of the SRAM buffer"),
           attr("offset", "u32", "byte offset of the buffer in this PE's SRAM"),
           attr("alignment", "u32", "required alignment of offset", optional=True)),
          "define an SRAM buffer of this PE at byte `offset` (contents undefined)"),
    OpDef(0x12, "npu_mem.dealloc", None, (operand("buffer"),),
          "end the lifetime of an SRAM buffer; its bytes may be reused"),
    OpDef(0x13, "npu_mem.view", "buffer",
          (operand("source"), result_type("memref type of the view"),
           attr("byte_offset", "u64", "offset of the view in the source, in bytes")),
          "reinterpret source bytes [byte_offset, byte_offset + size) as the result type"),
    OpDef(0x14, "npu_mem.dma_start", "mem_token",
          (operand("source"), operand("target"),
           attr("src_offset", "u64", "first source element (flat index)"),
           attr("dst_offset", "u64", "first target element (flat index)"),
           attr("src_sizes", "ints", "source pattern sizes, outermost first"),
           attr("src_strides", "ints", "source pattern strides in elements"),
           attr("dst_sizes", "ints", "target pattern sizes, outermost first"),
           attr("dst_strides", "ints", "target pattern strides in elements")),
          "start copying the k-th element of the source pattern to the k-th of the target pattern"),
    OpDef(0x15, "npu_mem.dma_wait", None, (operands("tokens", "mem_token"),),
          "block until the given DMAs have completed"),
    # ---------------------------------------------------------------- npu_noc
    OpDef(0x20, "npu_noc.send", "noc_token",
          (operand("buffer"), attr("dst", "coord", "receiving PE"),
           attr("tag", "u32", "matching tag"), attr("route", "coords", "PEs visited, this PE to dst")),
          "start sending an SRAM buffer to PE dst along route"),
    OpDef(0x21, "npu_noc.recv", "noc_token",
          (operand("buffer"), attr("src", "coord", "sending PE"), attr("tag", "u32", "matching tag")),
          "start receiving into an SRAM buffer the k-th transfer from src with tag"),
    OpDef(0x22, "npu_noc.multicast", "noc_token",
          (operand("buffer"), attr("tag", "u32", "matching tag"),
           attr("dsts", "coords", "receiving PEs"), attr("routes", "routes", "one route per receiving PE")),
          "start sending one SRAM buffer to several PEs along a route tree"),
    OpDef(0x23, "npu_noc.wait", None, (operands("tokens", "noc_token"),),
          "block until the given network transfers have completed"),
    OpDef(0x24, "npu_noc.semaphore", "sem",
          (attr("id", "u32", "semaphore number on this PE"), attr("init", "u32", "initial value")),
          "declare semaphore id of this PE with an initial value"),
    OpDef(0x25, "npu_noc.sem_signal", None,
          (attr("pe", "coord", "PE owning the semaphore"), attr("id", "u32", "semaphore number"),
           attr("count", "u32", "amount added"), attr("route", "coords", "PEs visited, this PE to pe")),
          "atomically add count to semaphore id of PE pe (non-blocking)"),
    OpDef(0x26, "npu_noc.sem_wait", None,
          (operand("semaphore", "sem"), attr("count", "u32", "amount taken")),
          "block until the semaphore holds at least count, then subtract count"),
    OpDef(0x27, "npu_noc.barrier", None,
          (attr("id", "u32", "barrier number"), attr("pes", "coords", "the group of PEs")),
          "block until every PE of the group has reached its barrier id"),
    # ---------------------------------------------------------------- npu_pe
    OpDef(0x30, "npu_pe.matmul", None,
          (operand("lhs"), operand("rhs"), operand("acc"),
           attr("accumulate", "bool", "add to acc instead of overwriting it"),
           attr("a_zp", "scalar", "zero point of lhs", optional=True),
           attr("b_zp", "scalar", "zero point of rhs", optional=True),
           attr("unit", "enum", "unit computing the product (absent: matrix; since format 1.4)",
                choices=MATMUL_UNITS, optional=True)),
          "acc = (accumulate ? acc : 0) + (lhs - a_zp) x (rhs - b_zp) on the matrix unit, or on the vector "
          "unit (unit = vector: float inputs, f32 acc, the same f32 chain in ascending k)"),
    OpDef(0x31, "npu_pe.fill", None, (operand("out"), attr("value", "scalar", "the value")),
          "set every element of out to value"),
    OpDef(0x32, "npu_pe.binary", None,
          (operand("lhs"), operand("rhs"), operand("out"),
           attr("kind", "enum", "operation", choices=BINARY_KINDS)),
          "out = lhs (kind) rhs elementwise, with broadcasting; fmod (float) is C fmod; div of integers "
          "truncates toward zero; the integer-only "
          "kinds add_wrap / sub_wrap / mul_wrap (modulo 2^bits), and / or / xor (bitwise), mod (floored remainder), shl (TOSA "
          "LOGICAL_LEFT_SHIFT), ashr / ashr_round (TOSA ARITHMETIC_RIGHT_SHIFT, round false / true; rhs "
          "gives per-element amounts)"),
    OpDef(0x33, "npu_pe.unary", None,
          (operand("input"), operand("out"), attr("kind", "enum", "operation", choices=UNARY_KINDS)),
          "out = kind(input) elementwise (clz: leading zero bits of an i32, TOSA CLZ; not: bitwise "
          "complement)"),
    OpDef(0x34, "npu_pe.cast", None, (operand("input"), operand("out")),
          "out = convert(input) to out's element type"),
    OpDef(0x35, "npu_pe.reduce", None,
          (operand("input"), operand("out"), attr("kind", "enum", "operation", choices=REDUCE_KINDS),
           attr("axis", "u8", "reduced axis")),
          "out = the kind-reduction of input along axis (kept with size 1)"),
    OpDef(0x36, "npu_pe.table", None, (operand("input"), operand("table"), operand("out")),
          "out = table[input] (TOSA TABLE)"),
    OpDef(0x37, "npu_pe.rescale", None,
          (operand("input"), operand("out"), attr("input_zp", "scalar", "input zero point"),
           attr("output_zp", "scalar", "output zero point"),
           attr("rounding", "enum", "rounding mode", choices=ROUNDINGS),
           attr("multiplier", "ints", "per-tensor or per-channel multipliers"),
           attr("shift", "ints", "per-tensor or per-channel shifts")),
          "out = saturate(apply_scale_32(input - input_zp, multiplier, shift) + output_zp) (TOSA RESCALE)"),
    OpDef(0x38, "npu_pe.clamp", None,
          (operand("input"), operand("out"), attr("min", "scalar", "lower bound"),
           attr("max", "scalar", "upper bound")),
          "out = min(max(input, min), max) (TOSA CLAMP)"),
    OpDef(0x39, "npu_pe.im2col", None,
          (operand("input"), operand("out"), attr("pad_value", "scalar", "value outside the input"),
           attr("kernel", "ints", "KH, KW"), attr("strides", "ints", "SH, SW"),
           attr("pads", "ints", "top, left, bottom, right"), attr("dilations", "ints", "DH, DW")),
          "unfold the convolution windows of an HxWxC input into matrix rows"),
    OpDef(0x3A, "npu_pe.transpose", None,
          (operand("input"), operand("out"), attr("perm", "ints", "permutation of the dimensions")),
          "out = transpose(input, perm)"),
    OpDef(0x3B, "npu_pe.mul_shift", None,
          (operand("lhs"), operand("rhs"), operand("out"),
           attr("shift", "u8", "right shift of the exact product, 0..63")),
          "out = (lhs * rhs + 2^(shift-1)) >> shift on i32 with broadcasting (TOSA MUL with shift; "
          "a result outside int32 is an error)"),
    OpDef(0x3C, "npu_pe.compare", None,
          (operand("lhs"), operand("rhs"), operand("out"),
           attr("kind", "enum", "comparison", choices=COMPARE_KINDS)),
          "out = (lhs kind rhs) ? 1 : 0 elementwise into an i8 mask, with broadcasting"),
    OpDef(0x3D, "npu_pe.select", None,
          (operand("cond"), operand("lhs"), operand("rhs"), operand("out")),
          "out = cond != 0 ? lhs : rhs elementwise (cond an i8 mask), with broadcasting"),
)

OPS: dict[str, OpDef] = {op.name: op for op in _OP_LIST}
BY_OPCODE: dict[int, OpDef] = {op.opcode: op for op in _OP_LIST}


def _check_table() -> None:
    """Internal consistency of the table (a bug here is a bug in npu, hence assert)."""
    assert len(BY_OPCODE) == len(_OP_LIST), "duplicate opcode"
    assert set(BUFFER_DTYPES) <= set(DTYPE_CODES) and set(BUFFER_DTYPES_1_2) <= set(BUFFER_DTYPES)
    for op in _OP_LIST:
        assert 0 < op.opcode < 0x100 and op.result in (None, *RESULTS), op.name
        assert len(op.optional_fields) <= 8, op.name
        assert all(f.size is not None for f in op.optional_fields), op.name  # absent = zero bytes of that size
        for f in op.fields:
            assert f.kind in KINDS, (op.name, f.name)
            assert (f.role == "operand") == (f.kind in ("ref", "refs")), (op.name, f.name)
            assert (f.role == "type") == (f.kind == "type"), (op.name, f.name)
            assert (f.kind == "enum") == bool(f.choices), (op.name, f.name)


_check_table()


# ---------------------------------------------------------------- docs/isa.md

GENERATED_MARK = "<!-- Generated by `python -m npu.binary.isa --write docs/isa.md` from python/npu/binary/isa.py; do not edit. -->"


def render_markdown() -> str:
    """The ISA reference page, generated from the table."""
    lines = [
        "# npu ISA reference",
        "",
        GENERATED_MARK,
        "",
        "Every level-4 op of the `npu_mem`, `npu_noc` and `npu_pe` dialects (and the `func.return` that",
        "ends a PE program) is one instruction of a PE's stream in a `.npubin` file (see",
        "[binary-format.md](binary-format.md)). An instruction is a 4-byte header -- opcode (u8), present",
        "mask of the optional fields (u8), total length in bytes (u16) -- followed by its fields in the order",
        "listed, little-endian and packed, then zero padding to a multiple of 4 bytes. Absent optional",
        "fields are stored as zero bytes. Offsets below are from the start of the instruction and are given",
        "for the fields before the first variable-size one.",
        "",
        f"{len(_OP_LIST)} instructions.",
        "",
        "## Field kinds",
        "",
        "| kind | bytes | layout |",
        "|---|---|---|",
    ]
    for k in _KIND_LIST:
        lines.append(f"| `{k.name}` | {k.size if k.size is not None else 'variable'} | {k.layout} |")
    lines += ["", "Type codes (type table and `scalar` fields): "
              + ", ".join(f"{code} `{name}`" for name, code in DTYPE_CODES.items()) + ".", "",
              "## Opcode map", "", "| opcode | op | defines | semantics |", "|---|---|---|---|"]
    for op in _OP_LIST:
        lines.append(f"| `0x{op.opcode:02X}` | [`{op.name}`](#{_anchor(op)}) | {op.result or '-'} | {op.semantics} |")
    for op in _OP_LIST:
        lines += ["", f"## `0x{op.opcode:02X}` {op.name}", "", f"Semantics: {op.semantics}.", ""]
        if op.result:
            lines += [f"Defines a {op.result} that later `ref` fields of the stream may name.", ""]
        if not op.fields:
            lines += ["No fields: the instruction is its 4-byte header.", ""]
            continue
        fixed = dict((f.name, off) for off, f in op.fixed_layout())
        lines += ["| offset | field | kind | from | meaning |", "|---|---|---|---|---|"]
        for f in op.fields:
            off = str(fixed[f.name]) if f.name in fixed else "-"
            source = {"operand": "operand", "type": "result type", "attr": "attribute"}[f.role]
            extra = []
            if f.expect:
                extra.append(f"names a {f.expect}")
            if f.choices:
                extra.append("choices " + ", ".join(f"{i} `{c}`" for i, c in enumerate(f.choices)))
            if f.optional:
                extra.append(f"optional: present-mask bit {op.optional_fields.index(f)}")
            meaning = "; ".join([f.doc] + extra if f.doc else extra)
            lines.append(f"| {off} | `{f.name}` | `{f.kind}` | {source} | {meaning} |")
    return "\n".join(lines) + "\n"


def _anchor(op: OpDef) -> str:
    return f"0x{op.opcode:02x}-{op.name.replace('.', '')}".lower()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m npu.binary.isa", description="Generate docs/isa.md.")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", metavar="PATH")
    group.add_argument("--check", metavar="PATH")
    args = p.parse_args(argv)
    text = render_markdown()
    if args.write:
        Path(args.write).write_text(text)
        return 0
    path = Path(args.check)
    if not path.is_file() or path.read_text() != text:
        print(f"{path} is stale: run python -m npu.binary.isa --write {path}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
