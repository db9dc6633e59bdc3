"""A checked `container.Binary` -> level-4 MLIR module, driven by the ISA table.

    decode(data_or_path, target=None) -> ir.Module     (load + verify, then the module)
    disassemble(data_or_path, target=None) -> str      (the module as level-4 IR text)
    to_module(binary, ...) -> ir.Module                (no checks beyond the loader's)

Every instruction becomes its op (`isa.OPS`): `ref` fields become operands
(the results of earlier ops of the same program), `type` fields the result
type, the other fields attributes of the kinds the table names. Top-level
items come back in their original order (`position`), with their locations
from the debug table, so `decode(encode(m))` prints like `m`.
"""

from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import func, quant

from npu.binary import isa
from npu.binary import container as C
from npu.errors import NpuError

_RESULT_TYPES = {"mem_token": "!npu_mem.token", "noc_token": "!npu_noc.token", "sem": "!npu_noc.sem"}
_FLOATS = ("f8E4M3FN", "f8E5M2", "bf16", "f16", "f32", "f64")
_INTS_ATTR = {1: ir.DenseI8ArrayAttr, 2: ir.DenseI16ArrayAttr, 4: ir.DenseI32ArrayAttr, 8: ir.DenseI64ArrayAttr}


def decode(source, target=None) -> ir.Module:
    """The verified level-4 module of a .npubin (bytes or path)."""
    from npu.binary.loader import load

    return load(source, target).module


def disassemble(source, target=None, debug_info: bool = False) -> str:
    """The level-4 IR text of a .npubin (bytes, or a path; '-' reads stdin)."""
    if source == "-":
        import sys

        source = sys.stdin.buffer.read()
    module = decode(source, target)
    return module.operation.get_asm(enable_debug_info=debug_info, assume_verified=True) + "\n"


# ---------------------------------------------------------------- storage

def numpy_dtype(name: str) -> np.dtype:
    """The numpy dtype of an element type name of the type table."""
    from npu.interp.level4_memory import api_dtype

    return api_dtype(name)


def unpack_storage(data: bytes, t: C.TypeEntry) -> np.ndarray:
    """The array of a weight from its storage bytes (inverse of encode.pack_storage)."""
    dtype = numpy_dtype(t.dtype)
    count = int(np.prod(t.shape, dtype=np.int64))
    from npu.interp.level4_memory import is_sub_byte, unpack_sub_byte

    if is_sub_byte(t.dtype):
        values = unpack_sub_byte(np.frombuffer(data, dtype=np.uint8), count, t.dtype)
        return values.astype(dtype).reshape(t.shape)
    return np.frombuffer(data, dtype=dtype.newbyteorder("<")).astype(dtype).reshape(t.shape)


def _resource_attr(array: np.ndarray, name: str, alignment: int) -> ir.Attribute:
    from npu.ir import dtypes

    raw = array if dtypes.buffer_compatible(array.dtype) else dtypes.raw_view(array)
    return ir.DenseResourceElementsAttr.get_from_buffer(np.ascontiguousarray(raw).reshape(-1).copy(), name,
                                                        dtypes.tensor_type(array.shape, array.dtype),
                                                        alignment=alignment)


# ---------------------------------------------------------------- builder

class _Builder:
    """Shared state while building one module: caches of types and locations."""

    def __init__(self, binary: C.Binary, source: str, offset_locations: bool):
        self.binary, self.source, self.offset_locations = binary, source, offset_locations
        self.types: dict[C.TypeEntry, ir.Type] = {}
        self.locs: dict[str, ir.Location] = {}
        self.i64 = ir.IntegerType.get_signless(64)

    def memref(self, t: C.TypeEntry) -> ir.Type:
        if t not in self.types:
            self.types[t] = ir.MemRefType.get(list(t.shape), ir.Type.parse(t.dtype),
                                              memory_space=ir.StringAttr.get(t.space))
        return self.types[t]

    def loc(self, text: str, offset: int) -> ir.Location:
        if self.offset_locations:
            return ir.Location.name(f"npubin@{offset}")
        if text not in self.locs:
            from npu.binary.loader import BinaryError

            try:
                loc = ir.Location.from_attr(ir.Attribute.parse(text))
            except (ir.MLIRError, ValueError):
                raise BinaryError(self.source, offset, f"debug location {text[:60]!r} is not an MLIR "
                                                       "location") from None
            if str(loc) != text:  # one spelling per location, so the bytes re-encode to themselves
                raise BinaryError(self.source, offset, f"debug location {text[:60]!r} is not in the canonical "
                                                       f"form {str(loc)[:60]!r}")
            self.locs[text] = loc
        return self.locs[text]

    def int_attr(self, v: int) -> ir.Attribute:
        return ir.IntegerAttr.get(self.i64, v)

    # ------------------------------------------------------------ symbols

    def symbol(self, sym: C.Symbol) -> None:
        from npu.ir.attrs import dense_attr

        attrs = {"sym_name": ir.StringAttr.get(sym.name), "kind": ir.StringAttr.get(sym.kind),
                 "type": ir.TypeAttr.get(self.memref(sym.type)), "address": self.int_attr(sym.address)}
        if sym.value_form != "none":
            array = unpack_storage(sym.data, sym.type)
            if sym.value_form == "dense":
                attrs["value"] = dense_attr(array)
            else:
                attrs["value"] = _resource_attr(array, sym.resource, sym.resource_alignment)
        if sym.element is not None:
            attrs["element"] = ir.TypeAttr.get(ir.Type.parse(sym.element))
        if sym.quant is not None:
            attrs["npu.quant"] = ir.TypeAttr.get(self.quant_type(sym.quant))
        ir.Operation.create("npu_mem.global", attributes=attrs, loc=self.loc(sym.location, sym.offset))

    def quant_type(self, q: C.Quant) -> ir.Type:
        storage, expressed = ir.Type.parse(q.storage), ir.Type.parse(q.expressed)
        if q.axis < 0:
            return quant.UniformQuantizedType.get(q.flags, storage, expressed, q.scales[0], q.zero_points[0],
                                                  q.storage_min, q.storage_max)
        return quant.UniformQuantizedPerAxisType.get(q.flags, storage, expressed, list(q.scales),
                                                     list(q.zero_points), q.axis, q.storage_min, q.storage_max)

    # ------------------------------------------------------------ programs

    def program(self, prog: C.Program) -> None:
        f = func.FuncOp(prog.name, ir.FunctionType.get([], []), loc=self.loc(prog.location, prog.offset))
        f.attributes["npu_pe.pe"] = ir.DenseI64ArrayAttr.get(list(prog.pe))
        block = f.add_entry_block()
        values: list[ir.Value | None] = []
        with ir.InsertionPoint(block):
            for instr in prog.instrs:
                values.append(self.instruction(instr, values))

    def instruction(self, instr: C.Instr, values: list) -> ir.Value | None:
        op, v = instr.op, instr.values
        operands, attrs, result = [], {}, None
        for f in op.fields:
            x = v[f.name]
            if f.kind == "ref":
                operands.append(values[x])
            elif f.kind == "refs":
                operands += [values[i] for i in x]
            elif f.kind == "type":
                result = self.memref(x)
            elif x is not None:
                attrs[f.name] = self.attribute(f, x)
        if op.name == "npu_mem.get_global":
            result = self.memref(self.binary.symbols[v["name"]].type)
            attrs["name"] = ir.FlatSymbolRefAttr.get(self.binary.symbols[v["name"]].name)
        elif op.result in _RESULT_TYPES:
            result = ir.Type.parse(_RESULT_TYPES[op.result])
        created = ir.Operation.create(op.name, results=[result] if result is not None else [], operands=operands,
                                      attributes=attrs, loc=self.loc(instr.location, instr.offset))
        return created.results[0] if result is not None else None

    def attribute(self, f: isa.Field, x) -> ir.Attribute:
        kind = f.kind
        if kind in ("u8", "u16", "u32", "u64", "i32"):
            return self.int_attr(x)
        if kind == "bool":
            return ir.BoolAttr.get(x)
        if kind == "enum":
            return ir.StringAttr.get(x)
        if kind == "symbol":
            return ir.FlatSymbolRefAttr.get(self.binary.symbols[x].name)
        if kind == "coord":
            return ir.DenseI64ArrayAttr.get(list(x))
        if kind == "coords":
            return ir.DenseI64ArrayAttr.get([c for pe in x for c in pe])
        if kind == "routes":
            return ir.ArrayAttr.get([ir.DenseI64ArrayAttr.get([c for pe in r for c in pe]) for r in x])
        if kind == "ints":
            width, items = x
            return _INTS_ATTR[width].get(list(items))
        if kind == "scalar":
            dtype, value = x
            t = ir.Type.parse(dtype)
            if dtype in _FLOATS:
                return ir.FloatAttr.get(t, float(value))
            value = int(value)
            return ir.IntegerAttr.get(t, value - (1 << 64) if value >= 1 << 63 else value)  # ui64: the bindings take int64
        raise AssertionError(f"no builder for field kind {kind}")  # table bug


def to_module(binary: C.Binary, source: str = "<binary>", offset_locations: bool = False,
              context: ir.Context | None = None) -> ir.Module:
    """Build the level-4 module of a checked binary in a fresh context.

    With `offset_locations`, every op is located at `npubin@<byte offset>` of
    its instruction or entry instead of its debug location (the loader uses it
    to name the offset of a verifier failure). `context`: build in this context
    instead of a fresh one (dense_resource blob names must then be new to it).
    """
    from npu.ir.context import make_context

    ctx = context if context is not None else make_context()
    with ctx, ir.Location.unknown():
        b = _Builder(binary, source, offset_locations)
        module = ir.Module.create(loc=b.loc(binary.module_location, 0))
        if binary.module_target is not None:
            module.operation.attributes["npu_pe.target"] = ir.StringAttr.get(binary.module_target)
        items = sorted([(s.position, 0, s) for s in binary.symbols] + [(p.position, 1, p) for p in binary.programs],
                       key=lambda item: item[0])
        with ir.InsertionPoint(module.body):
            for _, is_program, item in items:
                if is_program:
                    b.program(item)
                else:
                    b.symbol(item)
    return module


__all__ = ["decode", "disassemble", "to_module", "unpack_storage", "NpuError"]
