"""Level-4 MLIR module -> .npubin bytes, driven by the ISA table.

    encode(module, target=None) -> bytes
    module_to_binary(module, target=None) -> container.Binary

Algorithm:
  1. resolve the target (argument, else the module's `npu_pe.target` preset)
     and verify the module against it (the Python verifiers of the level-4
     dialects): the binary only holds verified programs;
  2. each `npu_mem.global` becomes a symbol; it must have its `address` (run
     the external-memory allocator first); weights keep their bytes in storage
     format (i4 packed two per byte, low nibble first) and remember whether
     they were `dense<...>` or `dense_resource<name>`;
  3. each PE program (`func.func` with `npu_pe.pe`) becomes a stream: every op
     is looked up in `isa.OPS` and its operands, result type and attributes
     become the op's fields; operands name the instruction that defined them;
     `npu_mem.alloc` must have its SRAM `offset` (run the SRAM allocator first);
  4. `container.write` lays the result out.

Attributes the ISA does not know are an error when inherent (no dot in the
name) and are dropped when discardable (dialect-prefixed, e.g. `npu.tile`),
except those the format stores: `npu_pe.pe` on programs, `npu_pe.target` on
the module and `npu.quant` (a `!quant.uniform` type: the I/O quantization) on
globals; a global's `element` (the graph element type of an input/output held in
another buffer type, e.g. i1 in an i8 mask) is stored from format 1.4 on.
"""

from __future__ import annotations

import math
import re

import numpy as np
from mlir import ir
from mlir.dialects import quant

from npu.binary import isa
from npu.binary.container import Binary, EncodeError, Instr, Program, Quant, Symbol, TypeEntry, write
from npu.errors import NpuError

PE_ATTR = "npu_pe.pe"
TARGET_ATTR = "npu_pe.target"
QUANT_ATTR = "npu.quant"
_GLOBAL_ATTRS = {"sym_name", "kind", "type", "address", "value", "element", QUANT_ATTR}
_FUNC_ATTRS = {"sym_name", "function_type", PE_ATTR}
_INT_ARRAYS = {ir.DenseI8ArrayAttr: 1, ir.DenseI16ArrayAttr: 2, ir.DenseI32ArrayAttr: 4, ir.DenseI64ArrayAttr: 8}


def encode(module: ir.Module, target=None) -> bytes:
    """The .npubin bytes of a verified, allocated level-4 module."""
    with module.context:
        return write(module_to_binary(module, target))


def encode_file(path: str, target=None) -> bytes:
    """The .npubin bytes of the level-4 module in the .mlir file `path` ('-' for stdin)."""
    from npu.ir.context import make_context, parse_module
    from npu.tools.common import read_input

    module = parse_module(read_input(path), make_context(), path)
    try:
        return encode(module, target)
    except EncodeError as err:  # name the file instead of the anonymous module
        raise EncodeError(str(err).replace("<module>", path, 1)) from None


def _where(op: ir.Operation) -> str:
    from npu.ir.diagnostics import format_location

    return format_location(op.location, "<module>")


def _fail(op: ir.Operation, message: str) -> EncodeError:
    return EncodeError(f"{_where(op)}: '{op.name}' op {message}")


def resolve_target(module: ir.Module, target=None):
    """The Target to build for: `target` (a Target or a preset/file name), else the module's."""
    from npu.target import Target, load_target

    if isinstance(target, Target):
        return target
    if target is not None:
        return load_target(target)
    attrs = module.operation.attributes
    if TARGET_ATTR in attrs and isinstance(attrs[TARGET_ATTR], ir.StringAttr):
        return load_target(attrs[TARGET_ATTR].value)
    raise EncodeError("no target given and the module has no npu_pe.target attribute")


def verify_for(module: ir.Module, target) -> None:
    """Run the level-4 verifiers with `target`; the first error becomes an EncodeError."""
    from npu.ir.diagnostics import DiagnosticCollector
    from npu.ir.verify import verify_ops

    with module.context, DiagnosticCollector(module.context, "<module>") as diags:
        ok = verify_ops(module.operation, target=target)
    if not ok:
        first = str(diags.errors[0]) if diags.errors else "the module fails verification"
        raise EncodeError(f"cannot encode an invalid module: {first}")


def module_to_binary(module: ir.Module, target=None, verify: bool = True) -> Binary:
    """The container model of `module` (see the module docstring)."""
    with module.context:
        return _module_to_binary(module, target, verify)


def _module_to_binary(module: ir.Module, target, verify: bool) -> Binary:
    target = resolve_target(module, target)
    if verify:
        verify_for(module, target)
    mod_attrs = module.operation.attributes
    module_target = None
    if TARGET_ATTR in mod_attrs:
        module_target = mod_attrs[TARGET_ATTR].value
    for a in mod_attrs:
        if a != TARGET_ATTR and "." not in a:
            raise EncodeError(f"cannot encode module attribute '{a}'")
    symbols, programs, sym_index = [], [], {}
    blobs = None
    for position, op in enumerate(module.body.operations):
        op = op.operation
        if op.name == "npu_mem.global":
            if "value" in op.attributes and _is_resource(op.attributes["value"]) and blobs is None:
                blobs = resource_blobs(module)
            sym = _symbol(op, position, blobs)
            sym_index[sym.name] = len(symbols)
            symbols.append(sym)
        elif op.name == "func.func" and PE_ATTR in op.attributes:
            programs.append((position, op))
        else:
            raise _fail(op, "is not a level-4 module item (an npu_mem.global or a PE program)")
    progs = [_program(op, position, sym_index) for position, op in programs]
    return Binary(target.to_toml(), target.fingerprint(), module_target, symbols, progs,
                  str(module.operation.location))


# ---------------------------------------------------------------- symbols

def type_entry(t: ir.Type, op: ir.Operation, what: str) -> TypeEntry:
    from npu.dialects.level4 import buffer_type

    buf, problem = buffer_type(t)
    if buf is None:
        raise _fail(op, f"expects {what} to have {problem}")
    return TypeEntry(buf.dtype, buf.space, tuple(int(d) for d in buf.shape))


def pack_storage(array: np.ndarray, dtype: str) -> bytes:
    """Storage bytes of an array: little-endian elements, the sub-byte types packed as level-4 buffers
    hold them (npu.interp.level4_memory.pack_sub_byte: lowest index in the lowest bits)."""
    from npu.interp.level4_memory import is_sub_byte, pack_sub_byte

    flat = np.ascontiguousarray(array).reshape(-1)
    if is_sub_byte(dtype):
        return pack_sub_byte(flat, dtype).tobytes()
    if flat.dtype.byteorder == ">":
        flat = flat.astype(flat.dtype.newbyteorder("<"))
    return flat.tobytes()


def _symbol(op: ir.Operation, position: int, blobs) -> Symbol:
    attrs = op.attributes
    for a in attrs:
        if a not in _GLOBAL_ATTRS and "." not in a:
            raise _fail(op, f"has attribute '{a}' that the binary format cannot hold")
    name = attrs["sym_name"].value
    t = type_entry(attrs["type"].value, op, "type")
    if "address" not in attrs:
        raise _fail(op, f"'{name}' has no address: run the external-memory allocator (npu-alloc-ext) first")
    sym = Symbol(name, attrs["kind"].value, t, _int_value(op, "address", attrs["address"]), position,
                 str(op.location))
    if "value" in attrs:
        value = attrs["value"]
        if _is_resource(value):
            from npu.ir.resources import resource_name, resource_value

            sym.value_form, sym.resource = "dense_resource", resource_name(value)
            if sym.resource not in blobs:
                raise _fail(op, f"refers to resource '{sym.resource}', which the module does not hold")
            sym.resource_alignment, data = blobs[sym.resource]
            array = resource_value(value, {sym.resource: data})
        elif isinstance(value, ir.DenseElementsAttr):
            from npu.ir.attrs import dense_value

            sym.value_form, array = "dense", dense_value(value)
        else:
            raise _fail(op, f"expects value to be dense or dense_resource elements, got {value}")
        sym.data = pack_storage(array, t.dtype)
    if "element" in attrs:
        element = attrs["element"]
        sym.element = str(element.value) if isinstance(element, ir.TypeAttr) else str(element)
    if QUANT_ATTR in attrs:
        sym.quant = _quant(op, attrs[QUANT_ATTR])
        if sym.quant.storage != t.dtype:
            raise _fail(op, f"expects the {QUANT_ATTR} storage type to be the element type {t.dtype}, "
                            f"got {sym.quant.storage}")
    return sym


_SECTION = re.compile(r"\{-#\s*dialect_resources:\s*\{\s*builtin:\s*\{(.*?)\}\s*\}\s*#-\}", re.S)
_ENTRY = re.compile(r'([A-Za-z_][\w$.-]*|"[^"]*")\s*:\s*"0x([0-9A-Fa-f]*)"')


def resource_blobs(module: ir.Module) -> dict[str, tuple[int, bytes]]:
    """name -> (alignment, bytes) of every builtin resource blob (prints the module once)."""
    text = module.operation.get_asm(binary=False, large_elements_limit=None)
    start = text.rfind("{-#")
    blobs = {}
    for section in _SECTION.findall(text[start:] if start >= 0 else ""):
        for name, hexdata in _ENTRY.findall(section):
            raw = bytes.fromhex(hexdata)
            blobs[name.strip('"')] = (int.from_bytes(raw[:4], "little"), raw[4:])
    return blobs


def _is_resource(attr: ir.Attribute) -> bool:
    # the bindings do not downcast dense_resource attributes
    return isinstance(attr, ir.DenseResourceElementsAttr) or str(attr).startswith("dense_resource<")


def _dtype_name(t: ir.Type, op: ir.Operation, what: str) -> str:
    name = str(t)
    if name not in isa.DTYPE_CODES:
        raise _fail(op, f"expects {what} of a type in {', '.join(isa.DTYPE_CODES)}, got {name}")
    return name


def _quant(op: ir.Operation, attr: ir.Attribute) -> Quant:
    qt = attr.value if isinstance(attr, ir.TypeAttr) else None
    if isinstance(qt, quant.UniformQuantizedType):
        axis, scales, zps = -1, (float(qt.scale),), (int(qt.zero_point),)
    elif isinstance(qt, quant.UniformQuantizedPerAxisType):
        axis, scales, zps = int(qt.quantized_dimension), tuple(map(float, qt.scales)), tuple(map(int, qt.zero_points))
    else:
        raise _fail(op, f"expects {QUANT_ATTR} to be a per-tensor or per-axis !quant.uniform type, got {attr}")
    return Quant(int(qt.flags), _dtype_name(qt.storage_type, op, "quantized storage"),
                 _dtype_name(qt.expressed_type, op, "quantized expressed type"),
                 int(qt.storage_type_min), int(qt.storage_type_max), axis, scales, zps)


# ---------------------------------------------------------------- programs

def _program(func: ir.Operation, position: int, sym_index: dict[str, int]) -> Program:
    attrs = func.attributes
    for a in attrs:
        if a not in _FUNC_ATTRS and "." not in a:
            raise _fail(func, f"has attribute '{a}' that the binary format cannot hold")
    pe_attr = attrs[PE_ATTR]
    pe = (int(pe_attr[0]), int(pe_attr[1]))
    prog = Program(pe, attrs["sym_name"].value, position, str(func.location))
    blocks = list(func.regions[0].blocks)
    if len(blocks) != 1:
        raise _fail(func, f"expects a PE program of one block, got {len(blocks)}")
    defs: dict[ir.Value, int] = {}
    for op in blocks[0].operations:
        op = op.operation
        opdef = isa.OPS.get(op.name)
        if opdef is None:
            raise _fail(op, "has no instruction in the ISA (level-4 programs are straight-line "
                            "npu_mem/npu_noc/npu_pe ops)")
        index = len(prog.instrs)
        prog.instrs.append(Instr(opdef, _fields(op, opdef, defs, sym_index), str(op.location)))
        if opdef.result is not None:
            defs[op.results[0]] = index
    return prog


def _fields(op: ir.Operation, opdef: isa.OpDef, defs: dict, sym_index: dict[str, int]) -> dict:
    known = {f.name for f in opdef.attr_fields}
    for a in op.attributes:
        if a not in known and "." not in a:
            raise _fail(op, f"has attribute '{a}' that its instruction cannot hold")
    values, operands = {}, list(op.operands)
    single = [f for f in opdef.operand_fields if f.kind == "ref"]
    variadic = [f for f in opdef.operand_fields if f.kind == "refs"]
    if (variadic and len(operands) < len(single)) or (not variadic and len(operands) != len(single)):
        raise _fail(op, f"expects {len(single)} operands, got {len(operands)}")
    if op.name == "npu_mem.alloc" and "offset" not in op.attributes:
        raise _fail(op, "has no SRAM offset: run the SRAM allocator (npu-alloc-sram) first")
    pos = 0
    for f in opdef.fields:
        if f.kind == "ref":
            values[f.name] = _ref(op, operands[pos], defs)
            pos += 1
        elif f.kind == "refs":
            values[f.name] = [_ref(op, v, defs) for v in operands[pos:]]
        elif f.kind == "type":
            values[f.name] = type_entry(op.results[0].type, op, "its result")
        elif f.name not in op.attributes:
            if not f.optional:
                raise _fail(op, f"has no attribute '{f.name}'")
            values[f.name] = None
        else:
            values[f.name] = _attr_value(op, f, op.attributes[f.name], sym_index)
    return values


def _ref(op: ir.Operation, value: ir.Value, defs: dict) -> int:
    if value not in defs:
        raise _fail(op, "uses a value that no earlier instruction of its program defines")
    return defs[value]


_IS_I64: dict[ir.Type, bool] = {}


def _int_value(op: ir.Operation, name: str, attr: ir.Attribute) -> int:
    ok = isinstance(attr, ir.IntegerAttr) and not isinstance(attr, ir.BoolAttr)
    if ok:
        t = attr.type
        if t not in _IS_I64:
            _IS_I64[t] = str(t) == "i64"
        ok = _IS_I64[t]
    if not ok:
        raise _fail(op, f"expects attribute '{name}' to be an i64 integer, got {attr}")
    return int(attr.value)


def _pairs(op: ir.Operation, name: str, attr: ir.Attribute) -> list[tuple[int, int]]:
    if not isinstance(attr, ir.DenseI64ArrayAttr) or len(attr) % 2:
        raise _fail(op, f"expects attribute '{name}' to be array<i64: r0, c0, ...>, got {attr}")
    flat = [int(v) for v in attr]
    return [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]


def _attr_value(op: ir.Operation, f: isa.Field, attr: ir.Attribute, sym_index: dict[str, int]):
    kind = f.kind
    if kind in ("u8", "u16", "u32", "u64", "i32"):
        return _int_value(op, f.name, attr)
    if kind == "bool":
        if not isinstance(attr, ir.BoolAttr):
            raise _fail(op, f"expects attribute '{f.name}' to be a bool, got {attr}")
        return bool(attr.value)
    if kind == "enum":
        if not isinstance(attr, ir.StringAttr) or attr.value not in f.choices:
            raise _fail(op, f"expects attribute '{f.name}' to be one of {', '.join(f.choices)}, got {attr}")
        return attr.value
    if kind == "symbol":
        if not isinstance(attr, ir.FlatSymbolRefAttr) or attr.value not in sym_index:
            raise _fail(op, f"expects attribute '{f.name}' to name a global of the module, got {attr}")
        return sym_index[attr.value]
    if kind == "coord":
        pairs = _pairs(op, f.name, attr)
        if len(pairs) != 1:
            raise _fail(op, f"expects attribute '{f.name}' to be array<i64: row, col>, got {attr}")
        return pairs[0]
    if kind == "coords":
        return _pairs(op, f.name, attr)
    if kind == "routes":
        if not isinstance(attr, ir.ArrayAttr):
            raise _fail(op, f"expects attribute '{f.name}' to be an array of routes, got {attr}")
        return [_pairs(op, f.name, a) for a in attr]
    if kind == "ints":
        width = next((w for cls, w in _INT_ARRAYS.items() if isinstance(attr, cls)), None)
        if width is None:
            raise _fail(op, f"expects attribute '{f.name}' to be a dense integer array, got {attr}")
        return width, tuple(int(v) for v in attr)
    if kind == "scalar":
        return _scalar(op, f.name, attr)
    raise AssertionError(f"no reader for field kind {kind}")  # table bug


def _scalar(op: ir.Operation, name: str, attr: ir.Attribute) -> tuple[str, int | float]:
    if isinstance(attr, ir.IntegerAttr) and not isinstance(attr, ir.BoolAttr):
        dtype = _dtype_name(attr.type, op, f"attribute '{name}'")
        if dtype.startswith("f"):
            raise _fail(op, f"expects attribute '{name}' to be an integer or float, got {attr}")
        value = int(attr.value)
        if dtype == "ui64" and value < 0:  # the bindings read ui64 attributes as int64
            value += 1 << 64
        return dtype, value
    if isinstance(attr, ir.FloatAttr):
        dtype = _dtype_name(attr.type, op, f"attribute '{name}'")
        value = float(attr.value)
        if math.isnan(value):
            raise _fail(op, f"has a NaN attribute '{name}', which the binary format cannot hold")
        return dtype, value
    raise _fail(op, f"expects attribute '{name}' to be an integer or float, got {attr}")


__all__ = ["encode", "encode_file", "module_to_binary", "resolve_target", "pack_storage", "NpuError"]
