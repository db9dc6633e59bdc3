"""The hardened .npubin loader: bytes -> a checked `container.Binary`, or a `BinaryError`.

    read(data, source="<binary>", target=None) -> Binary     (pure Python, no MLIR)
    load(path_or_bytes, target=None) -> Loaded               (read + level-4 module, verified)

Every read (`npu.binary.reader.Reader`) is bounds-checked against the region it belongs to (file, section,
instruction), every count is checked against the bytes that would hold it
before anything is allocated, and every index (string, type, symbol, operand)
is checked against its table. A failure is a `BinaryError`: one line naming
the byte offset and the reason. The order of the checks:

  1. magic, format version (major must equal, minor must not exceed ours),
     header size, file size (truncation, trailing bytes);
  2. the sha256 trailer (any bit flip);
  3. the section table: every section once, in order, inside the file;
  4. the embedded target: it parses, its fingerprint is the header's, and it is
     the expected target when one is given;
  5. strings, types, module counts, symbols (external address range, weight
     sizes, quantization records), programs (PE inside the mesh, once each),
     debug table;
  6. every instruction of every stream (`npu.binary.stream`): known opcode,
     length consistent with its fields, operands naming earlier instructions
     that define the right kind of value, enums/types/symbols in range,
     scalars representable, SRAM buffers inside the PE's SRAM, `func.return`
     last;
  7. canonical form: re-writing the decoded content gives the same bytes, so
     a file means exactly what the loader decoded (nothing is ignored);
  8. (`load` only) the rebuilt level-4 module passes the dialect verifiers with
     the target; a failure is reported at the offending instruction's offset.
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from npu.binary import container as C
from npu.binary import isa
from npu.binary.reader import BinaryError, Reader, out_of_range
from npu.binary.stream import read_stream
from npu.errors import NpuError


@dataclass
class _Sections:
    offsets: dict[str, int]
    ends: dict[str, int]


def read(data: bytes, source: str = "<binary>", target=None) -> C.Binary:
    """Parse and check `data` (see the module docstring); `target` is the Target expected, if any."""
    data = bytes(data)
    r = Reader(data, source)
    _check_header(r)
    sections = _read_sections(r)
    tgt, toml = _read_target(r, sections, target)
    strings = _read_strings(r, sections)
    types = _read_types(r, sections, _version(data))
    module_target, n_symbols, n_programs, module_loc = _read_module(r, sections, strings)
    symbols = _read_symbols(r, sections, strings, types, tgt, n_symbols, _version(data))
    programs, counts, debug_at = _read_programs(r, sections, strings, tgt, n_programs)
    _check_positions(r, sections, symbols, programs)
    debug = _read_debug(r, sections, strings, counts, debug_at)
    for prog, code, locs in zip(programs, counts, debug):
        read_stream(r, prog, code, locs, types, symbols, tgt)
    _check_fields_of_version(r, programs, _version(data))
    binary = C.Binary(toml, data[24:56].hex(), module_target, symbols, programs, module_loc, _version(data), tgt)
    _check_canonical(r, binary)
    return binary


def _check_fields_of_version(r: Reader, programs: list[C.Program], version: tuple[int, int]) -> None:
    """An optional field newer than the file's format (isa.FIELD_SINCE) is refused at its present mask."""
    for prog in programs:
        for i, instr in enumerate(prog.instrs):
            newer = C.newer_field(instr, version)
            if newer is not None:
                raise r.fail(instr.offset + 1, f"PE ({prog.pe[0]}, {prog.pe[1]}) instruction {i}: "
                                               f"'{instr.op.name}' field '{newer[0]}' is present in a format "
                                               f"{version[0]}.{version[1]} file (since {newer[1][0]}.{newer[1][1]})")


def _version(data: bytes) -> tuple[int, int]:
    return struct.unpack_from("<HH", data, 8)


# ---------------------------------------------------------------- 1-3: header, checksum, sections

def _check_header(r: Reader) -> None:
    data = r.data
    if len(data) < len(C.MAGIC) or data[:len(C.MAGIC)] != C.MAGIC:
        raise r.fail(0, "not a .npubin file (bad magic number)")
    minimum = C.FILE_HEADER_BYTES + C.CHECKSUM_BYTES
    if len(data) < minimum:
        raise r.fail(len(data), f"truncated: {len(data)} bytes, shorter than the {minimum}-byte minimum")
    major, minor = _version(data)
    if major != C.VERSION[0]:
        raise r.fail(8, f"format version {major}.{minor}, this loader reads {C.VERSION[0]}.x")
    if minor > C.VERSION[1]:
        raise r.fail(10, f"format version {major}.{minor} is newer than this loader's "
                         f"{C.VERSION[0]}.{C.VERSION[1]}")
    header_size, file_size = struct.unpack_from("<IQ", data, 12)
    if header_size != C.FILE_HEADER_BYTES:
        raise r.fail(12, f"header size {header_size}, expected {C.FILE_HEADER_BYTES}")
    if len(data) < file_size:
        raise r.fail(len(data), f"truncated: the header gives {file_size} bytes, the file has {len(data)}")
    if len(data) > file_size:
        raise r.fail(file_size, f"{len(data) - file_size} bytes after the end the header gives ({file_size})")
    if data[-C.CHECKSUM_BYTES:] != hashlib.sha256(data[:-C.CHECKSUM_BYTES]).digest():
        raise r.fail(len(data) - C.CHECKSUM_BYTES, "checksum mismatch: the file is corrupt")


def _read_sections(r: Reader) -> _Sections:
    end = len(r.data) - C.CHECKSUM_BYTES
    count, table = r.unpack("<II", 56, end, "section table reference")
    if count != len(C.SECTIONS):
        raise r.fail(56, f"{count} sections, expected {len(C.SECTIONS)}")
    if table != C.FILE_HEADER_BYTES:
        raise r.fail(60, f"section table at byte {table}, expected {C.FILE_HEADER_BYTES}")
    offsets, ends = {}, {}
    previous = table + C.SECTION_ENTRY_BYTES * count
    for i, name in enumerate(C.SECTIONS):
        at = table + i * C.SECTION_ENTRY_BYTES
        kind, reserved, offset, size = r.unpack("<IIQQ", at, end, f"section table entry {i}")
        if kind != C.SECTION_CODES[name]:
            raise r.fail(at, f"section {i} has kind {kind}, expected {C.SECTION_CODES[name]} ({name})")
        if reserved:
            raise r.fail(at + 4, f"reserved field of the {name} section entry is {reserved}, expected 0")
        if offset % C.SECTION_ALIGN or offset < previous:
            raise r.fail(at + 8, f"{name} section at byte {offset}: not {C.SECTION_ALIGN}-aligned after "
                                 f"the previous section (ends at {previous})")
        if offset + size > end:
            raise r.fail(at + 16, f"{name} section [{offset}, {offset + size}) runs past the data, "
                                  f"which ends at byte {end}")
        offsets[name], ends[name] = offset, offset + size
        previous = offset + size
    return _Sections(offsets, ends)


# ---------------------------------------------------------------- 4: target

def _read_target(r: Reader, s: _Sections, expected):
    from npu.target import TargetError, parse_target

    at = s.offsets["TARGET"]
    try:
        toml = r.data[at:s.ends["TARGET"]].decode("utf-8")
        tgt = parse_target(toml, source="embedded target")
    except UnicodeDecodeError as err:
        raise r.fail(at + err.start, "embedded target description is not UTF-8") from None
    except TargetError as err:
        raise r.fail(at, f"embedded target description is invalid: {err}") from None
    canonical = tgt.to_toml()
    if toml != canonical:
        n = min(len(toml), len(canonical))
        diff = next((i for i in range(n) if toml[i] != canonical[i]), n)
        raise r.fail(at + len(toml[:diff].encode("utf-8")), "embedded target description is not in the "
                                                            "canonical form npu writes")
    fingerprint = r.data[24:56].hex()
    if tgt.fingerprint() != fingerprint:
        raise r.fail(24, f"target fingerprint {fingerprint[:12]}... does not match the embedded target "
                         f"'{tgt.chip.name}' ({tgt.fingerprint()[:12]}...)")
    if expected is not None and expected.fingerprint() != fingerprint:
        raise r.fail(24, f"built for target '{tgt.chip.name}' (fingerprint {fingerprint[:12]}...), "
                         f"not for '{expected.chip.name}' ({expected.fingerprint()[:12]}...)")
    return tgt, toml


# ---------------------------------------------------------------- 5: tables

def _read_strings(r: Reader, s: _Sections) -> list[str]:
    at, end = s.offsets["STRINGS"], s.ends["STRINGS"]
    n = r.count(at, end, 8, "strings")
    table = r.unpack(f"<{2 * n}I", at + 4, end, "string table")
    base = at + 4 + 8 * n
    out = []
    for i in range(n):
        off, length = table[2 * i], table[2 * i + 1]
        if base + off + length > end:
            raise r.fail(at + 4 + 8 * i, f"string {i} [{off}, {off + length}) runs past the STRINGS section")
        try:
            out.append(r.data[base + off:base + off + length].decode("utf-8"))
        except UnicodeDecodeError as err:
            raise r.fail(base + off + err.start, f"string {i} is not UTF-8") from None
    return out


def _string(r: Reader, strings: list[str], index: int, at: int, what: str, optional: bool = False) -> str | None:
    if optional and index == C.NONE:
        return None
    if index >= len(strings):
        raise r.fail(at, f"{what} names string {index}, but there are {len(strings)}")
    return strings[index]


def _read_types(r: Reader, s: _Sections, version: tuple[int, int]) -> list[C.TypeEntry]:
    at, end = s.offsets["TYPES"], s.ends["TYPES"]
    known = (isa.BUFFER_DTYPES if version >= (1, 4) else isa.BUFFER_DTYPES_1_3 if version >= (1, 3)
             else isa.BUFFER_DTYPES_1_2)
    n = r.count(at, end, 4, "types")
    out, pos = [], at + 4
    for i in range(n):
        code, space, rank, reserved = r.unpack("<BBBB", pos, end, f"type {i}")
        if isa.DTYPE_NAMES.get(code) not in known:
            raise r.fail(pos, f"type {i} has unknown element type code {code}"
                              + (f" (format {version[0]}.{version[1]})" if code in isa.DTYPE_NAMES else ""))
        if space not in isa.SPACE_NAMES:
            raise r.fail(pos + 1, f"type {i} has unknown memory space code {space}")
        if reserved:
            raise r.fail(pos + 3, f"reserved byte of type {i} is {reserved}, expected 0")
        dims = r.unpack(f"<{rank}I", pos + 4, end, f"shape of type {i}")
        out.append(C.TypeEntry(isa.DTYPE_NAMES[code], isa.SPACE_NAMES[space], tuple(dims)))
        pos += 4 + 4 * rank
    if pos != end:
        raise r.fail(pos, f"TYPES section has {end - pos} bytes after its {n} types")
    return out


def _read_module(r: Reader, s: _Sections, strings: list[str]):
    at, end = s.offsets["MODULE"], s.ends["MODULE"]
    if end - at != C.MODULE_BYTES:
        raise r.fail(at, f"MODULE section has {end - at} bytes, expected {C.MODULE_BYTES}")
    name, n_symbols, n_programs, loc = r.unpack("<IIII", at, end, "module record")
    return (_string(r, strings, name, at, "module target", optional=True), n_symbols, n_programs,
            _string(r, strings, loc, at + 12, "module location"))


def _read_symbols(r: Reader, s: _Sections, strings, types, tgt, expected: int,
                  version: tuple[int, int]) -> list[C.Symbol]:
    at, end = s.offsets["SYMBOLS"], s.ends["SYMBOLS"]
    size = C.symbol_bytes(version)
    n = r.count(at, end, size, "symbols")
    if n != expected:
        raise r.fail(at, f"inconsistent sizes: {n} symbols, the module record says {expected}")
    if end - at != 4 + n * size:
        raise r.fail(at, f"inconsistent sizes: SYMBOLS section has {end - at} bytes for {n} symbols")
    const_at, const_end = s.offsets["CONST"], s.ends["CONST"]
    out, names = [], set()
    for i in range(n):
        e = at + 4 + i * size
        (name_i, kind, form, reserved, type_i, position, address, data_off, data_size, q_off, q_size,
         res_i, loc_i) = r.unpack("<IBBHIIQQQQQII", e, end, f"symbol {i}")
        name = _string(r, strings, name_i, e, f"symbol {i}")
        if name in names:
            raise r.fail(e, f"symbol '{name}' is defined twice")
        names.add(name)
        if kind >= len(C.SYMBOL_KINDS):
            raise r.fail(e + 4, f"symbol '{name}' has unknown kind {kind}")
        if form >= len(C.VALUE_FORMS):
            raise r.fail(e + 5, f"symbol '{name}' has unknown value form {form}")
        if type_i >= len(types):
            raise r.fail(e + 8, f"symbol '{name}' names type {type_i}, but there are {len(types)}")
        t = types[type_i]
        if t.space != "ext":
            raise r.fail(e + 8, f"symbol '{name}' has a {t.space} type, expected ext")
        if address + t.nbytes > tgt.memory.bytes:
            raise r.fail(e + 16, out_of_range(f"symbol '{name}'", address, address + t.nbytes,
                                               tgt.memory.bytes, "external memory"))
        sym = C.Symbol(name, C.SYMBOL_KINDS[kind], t, address, position,
                       _string(r, strings, loc_i, e + 60, f"location of symbol '{name}'"))
        sym.value_form, sym.offset = C.VALUE_FORMS[form], e
        if (sym.kind == "weight") != (sym.value_form != "none"):
            raise r.fail(e + 5, f"symbol '{name}' of kind {sym.kind} has value form {sym.value_form}")
        sym.resource = _string(r, strings, res_i, e + 56, f"resource of symbol '{name}'", optional=True)
        if (sym.resource is None) != (sym.value_form != "dense_resource"):
            raise r.fail(e + 56, f"symbol '{name}' with value form {sym.value_form} "
                                 f"{'lacks' if sym.resource is None else 'has'} a resource name")
        if sym.resource is None and reserved or sym.resource is not None and (reserved & (reserved - 1) or not reserved):
            raise r.fail(e + 6, f"symbol '{name}' has blob alignment {reserved}, expected "
                                f"{'a power of two' if sym.resource is not None else '0 (no resource)'}")
        sym.resource_alignment = reserved
        if sym.value_form != "none":
            if data_size != t.nbytes:
                raise r.fail(e + 32, f"inconsistent sizes: weight '{name}' has {data_size} bytes, "
                                     f"its type needs {t.nbytes}")
            if data_off % C.CONST_ALIGN or const_at + data_off + data_size > const_end:
                raise r.fail(e + 24, f"weight '{name}' data [{data_off}, {data_off + data_size}) is not a "
                                     f"{C.CONST_ALIGN}-aligned range of the CONST section")
            sym.data = r.data[const_at + data_off:const_at + data_off + data_size]
        elif data_off or data_size:
            raise r.fail(e + 24, f"symbol '{name}' of kind {sym.kind} has data")
        if size > C.SYMBOL_BYTES_1_3:
            sym.element = _read_element(r, strings, e, end, sym)
        if q_size or q_off:
            sym.quant = _read_quant(r, const_at + q_off, min(const_at + q_off + q_size, const_end), q_size,
                                    e + 40, name, t)
        out.append(sym)
    return out


def _read_element(r: Reader, strings, e: int, end: int, sym: C.Symbol) -> str | None:
    """The 1.4 tail of a symbol entry: the graph element type of an input/output (or none), reserved 0."""
    from npu.dialects.level4 import io_element_problem

    element_i, reserved = r.unpack("<II", e + 64, end, f"symbol '{sym.name}'")
    if reserved:
        raise r.fail(e + 68, f"reserved field of symbol '{sym.name}' is {reserved}, expected 0")
    element = _string(r, strings, element_i, e + 64, f"element type of symbol '{sym.name}'", optional=True)
    why = io_element_problem(element, sym.type.dtype, sym.kind)
    if why:
        raise r.fail(e + 64, f"symbol '{sym.name}' expects {why}")
    return element


def _read_quant(r: Reader, at: int, end: int, size: int, ref_at: int, name: str, t: C.TypeEntry) -> C.Quant:
    flags, storage, expressed, reserved, axis, smin, smax, n, reserved2 = r.unpack(
        "<BBBBiqqII", at, end, f"quantization record of '{name}'")
    if size != C.QUANT_HEADER_BYTES + 16 * n:
        raise r.fail(ref_at, f"inconsistent sizes: quantization record of '{name}' has {size} bytes "
                             f"for {n} values")
    names = [isa.DTYPE_NAMES.get(storage), isa.DTYPE_NAMES.get(expressed)]
    if names[0] not in ("i4", "i8", "i16", "i32") or names[1] not in ("bf16", "f16", "f32", "f64"):
        raise r.fail(at + 1, f"quantization record of '{name}' has storage/expressed type codes "
                             f"{storage}/{expressed}")
    if reserved or reserved2 or flags > 1:
        raise r.fail(at, f"quantization record of '{name}' has nonzero reserved bits")
    if names[0] != t.dtype:
        raise r.fail(at + 1, f"quantization record of '{name}' has storage type {names[0]}, the symbol holds {t.dtype}")
    channels = 1 if axis == -1 else (t.shape[axis] if 0 <= axis < len(t.shape) else None)
    if channels != n:
        raise r.fail(at + 4, f"quantization record of '{name}': axis {axis} with {n} values "
                             f"does not fit shape {list(t.shape)}")
    lo, hi = -(1 << (isa.DTYPE_BITS[names[0]] - 1)), (1 << (isa.DTYPE_BITS[names[0]] - 1)) - 1
    if not lo <= smin <= smax <= hi:
        raise r.fail(at + 8, f"quantization record of '{name}': storage range [{smin}, {smax}] "
                             f"outside {names[0]}")
    values = r.unpack(f"<{n}d{n}q", at + C.QUANT_HEADER_BYTES, end, f"quantization values of '{name}'")
    scales, zps = values[:n], values[n:]
    if not all(math.isfinite(v) and v > 0 for v in scales) or not all(smin <= z <= smax for z in zps):
        raise r.fail(at + C.QUANT_HEADER_BYTES, f"quantization record of '{name}' has a non-positive "
                                                f"scale or a zero point outside [{smin}, {smax}]")
    return C.Quant(flags, names[0], names[1], smin, smax, axis, tuple(scales), tuple(zps))


def _read_programs(r: Reader, s: _Sections, strings, tgt, expected: int):
    at, end = s.offsets["PROGRAMS"], s.ends["PROGRAMS"]
    n = r.count(at, end, C.PROGRAM_BYTES, "programs")
    if n != expected:
        raise r.fail(at, f"inconsistent sizes: {n} programs, the module record says {expected}")
    if end - at != 4 + n * C.PROGRAM_BYTES:
        raise r.fail(at, f"inconsistent sizes: PROGRAMS section has {end - at} bytes for {n} programs")
    code_at, code_end = s.offsets["CODE"], s.ends["CODE"]
    out, streams, debug_at, seen = [], [], [], set()
    for i in range(n):
        e = at + 4 + i * C.PROGRAM_BYTES
        row, col, name_i, position, loc_i, off, size, count, first = r.unpack("<HHIIIQQII", e, end, f"program {i}")
        if not (row < tgt.mesh.rows and col < tgt.mesh.cols):
            raise r.fail(e, f"program {i} runs on PE ({row}, {col}), outside the "
                            f"{tgt.mesh.rows}x{tgt.mesh.cols} mesh")
        if (row, col) in seen:
            raise r.fail(e, f"PE ({row}, {col}) has two programs")
        seen.add((row, col))
        if code_at + off + size > code_end or off % C.STREAM_ALIGN:
            raise r.fail(e + 16, f"stream of PE ({row}, {col}) [{off}, {off + size}) is not a "
                                 f"{C.STREAM_ALIGN}-aligned range of the CODE section")
        if count * isa.HEADER_BYTES > size:
            raise r.fail(e + 32, f"inconsistent sizes: {count} instructions cannot fit in {size} bytes")
        prog = C.Program((row, col), _string(r, strings, name_i, e + 4, f"program {i}"), position,
                         _string(r, strings, loc_i, e + 12, f"location of program {i}"), offset=e)
        out.append(prog)
        streams.append((code_at + off, code_at + off + size, count, e))
        debug_at.append((first, e + 36))
    return out, streams, debug_at


def _check_positions(r: Reader, s: _Sections, symbols, programs) -> None:
    positions = sorted([x.position for x in symbols] + [p.position for p in programs])
    if positions != list(range(len(positions))):
        raise r.fail(s.offsets["SYMBOLS"], "positions of the symbols and programs are not a permutation "
                                           f"of 0..{len(positions) - 1}")


def _read_debug(r: Reader, s: _Sections, strings, streams, debug_at) -> list[list[str]]:
    at, end = s.offsets["DEBUG"], s.ends["DEBUG"]
    n = r.count(at, end, 4, "debug entries")
    total = sum(count for _, _, count, _ in streams)
    if n != total or end - at != 4 + 4 * n:
        raise r.fail(at, f"inconsistent sizes: {n} debug entries ({end - at} bytes) for {total} instructions")
    refs = r.unpack(f"<{n}I", at + 4, end, "debug entries")
    out, running = [], 0
    for (first, ref_at), (_, _, count, _) in zip(debug_at, streams):
        if first != running:
            raise r.fail(ref_at, f"inconsistent sizes: program's debug entries start at {first}, expected {running}")
        out.append([_string(r, strings, refs[k], at + 4 + 4 * k, f"debug entry {k}")
                    for k in range(first, first + count)])
        running += count
    return out


# ---------------------------------------------------------------- 7: canonical form

def _check_canonical(r: Reader, binary: C.Binary) -> None:
    try:
        again = C.write(binary)
    except C.EncodeError as err:
        raise r.fail(0, f"content cannot be re-encoded: {err}") from None
    if again != r.data:
        n = min(len(again), len(r.data))
        a, b = np.frombuffer(again, np.uint8, n), np.frombuffer(r.data, np.uint8, n)
        differ = np.flatnonzero(a != b)
        diff = int(differ[0]) if differ.size else n
        raise r.fail(diff, "non-canonical encoding (the writer spells this content differently: "
                           "nonzero padding, reordered or unused table entries)")


# ---------------------------------------------------------------- 8: load

@dataclass
class Loaded:
    """A loaded binary: its checked content, the target and the level-4 module."""

    binary: C.Binary
    target: object
    module: object  # mlir.ir.Module
    source: str

    @property
    def inputs(self) -> list[C.Symbol]:
        return [s for s in sorted(self.binary.symbols, key=lambda s: s.position) if s.kind == "input"]

    @property
    def outputs(self) -> list[C.Symbol]:
        return [s for s in sorted(self.binary.symbols, key=lambda s: s.position) if s.kind == "output"]


def is_binary(path: str | Path) -> bool:
    """Whether `path` names a .npubin (by suffix, or by its magic number)."""
    if str(path).endswith(".npubin"):
        return True
    try:
        with open(path, "rb") as f:
            return f.read(len(C.MAGIC)) == C.MAGIC
    except OSError:
        return False


def read_file(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as err:
        raise NpuError(f"cannot read '{path}': {err.strerror}") from None


def load(source: str | Path | bytes, target=None, verify: bool = True, context=None) -> Loaded:
    """Read, check and rebuild a binary as a level-4 module (verified against its target).

    `target` (a Target, preset name or TOML path) is the target the caller
    expects; `context` an MLIR context with the npu dialects to build the
    module in (default: a fresh one).
    """
    from npu.binary.decode import to_module

    if isinstance(source, (bytes, bytearray, memoryview)):
        data, name = bytes(source), "<binary>"
    else:
        data, name = read_file(source), str(source)
    if isinstance(target, str):
        from npu.target import load_target

        target = load_target(target)
    binary = read(data, name, target)
    tgt = binary.target
    module = to_module(binary, source=name, context=context)
    if verify:
        _verify(binary, module, tgt, name, context)
    return Loaded(binary, tgt, module, name)


_OFFSET_LOC = re.compile(r"npubin@(\d+)")


def _verify(binary: C.Binary, module, tgt, name: str, context) -> None:
    """Dialect verifiers with the target; on failure, rebuild with offset locations to name the byte."""
    from npu.binary.decode import to_module
    from npu.ir.diagnostics import DiagnosticCollector
    from npu.ir.verify import verify_ops

    def check(m) -> bool:  # MLIR's verifier (IRDL constraints), then npu's Python verifiers
        try:
            m.operation.verify()
        except ir.MLIRError as err:
            for diag in err.error_diagnostics:
                diags.add(diag)
            return False
        return verify_ops(m.operation, target=tgt)

    from mlir import ir

    with module.context, DiagnosticCollector(module.context, name) as diags:
        if check(module):
            return
    located = to_module(binary, source=name, offset_locations=True, context=context)
    with located.context, DiagnosticCollector(located.context, name) as diags:
        check(located)
    first = diags.errors[0] if diags.errors else None
    text = first.message if first is not None else "the decoded module fails verification"
    found = _OFFSET_LOC.search(str(first)) if first is not None else None
    raise BinaryError(name, int(found.group(1)) if found else 0, f"invalid program: {text}")
