"""A light Python view of a level-1/2 (or level-3) module: the graph the spatial passes plan over.

`read_graph(module)` walks `func.func @main` once and returns a `Graph`:
tensors numbered in definition order (graph inputs, constants, op results),
each with its static shape and level-4 element type name (`f32`, `i8`,
`i64`, `ui8`, `f64`, ... -- npu.dialects.level4.ELEMENT_TYPES, checked by
npu-tile; a `!quant.uniform` type gives its storage type, i1 an i8 mask), and the compute ops as `Node`s
in program order. Nodes keep their `ir.Operation`, so passes can read and set
attributes (`npu.tile`, `npu.place`) and emit located diagnostics on them.

Nothing here knows about tiles or PEs; it only answers "what is this tensor"
and "who produces / consumes it".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlir import ir
from mlir.dialects import quant

from npu.errors import NpuError
from npu.ir.attrs import from_attr

# Attributes the spatial passes add (never part of an op's semantics).
TILE_ATTR = "npu.tile"
PLACE_ATTR = "npu.place"
SPATIAL_ATTRS = (TILE_ATTR, PLACE_ATTR)


class SpatialError(NpuError):
    """A one-line error about one op (`op` gives the location the passes report it at)."""

    def __init__(self, op: ir.Operation | None, message: str):
        super().__init__(message)
        self.op = op


@dataclass
class Tensor:
    """One SSA tensor value: static shape, level-4 element type name, where it comes from."""

    index: int
    shape: tuple[int, ...]
    dtype: str
    kind: str  # "input", "const" or "value"
    name: str | None = None  # ONNX name of a graph input/output
    const: ir.Attribute | None = None  # the constant's value attribute
    producer: "Node | None" = None
    consumers: list["Node"] = field(default_factory=list)
    # dims from outermost to innermost as stored (set by npu.spatial.storage.assign_views)
    order: tuple[int, ...] | None = None

    def storage_order(self) -> tuple[int, ...]:
        return self.order if self.order is not None else tuple(range(len(self.shape)))

    @property
    def numel(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


@dataclass(eq=False)
class Node:
    """One compute op of the graph."""

    op: ir.Operation
    name: str  # op name without the dialect prefix, e.g. "conv"
    operands: list[Tensor | None]
    results: list[Tensor]
    _attrs: dict[str, Any] | None = None

    @property
    def attrs(self) -> dict[str, Any]:
        """The op's semantic attributes as Python values (spatial plan attributes excluded)."""
        if self._attrs is None:
            self._attrs = {
                k: from_attr(self.op.attributes[k]) for k in self.op.attributes if k not in SPATIAL_ATTRS
            }
        return self._attrs

    @property
    def out(self) -> Tensor:
        return self.results[0]

    def where(self) -> str:
        return f"'{self.op.name}'"


@dataclass
class Graph:
    func: ir.Operation
    tensors: list[Tensor]
    nodes: list[Node]
    inputs: list[Tensor]
    outputs: list[Tensor]
    output_names: list[str] = field(default_factory=list)


def element_name(t: ir.Type) -> str:
    """The level-4 element type name of a tensor element type (storage type for quantized; i1
    booleans are i8 masks of 0 / 1 at level 4, see "Booleans" in dialects/npu_pe.irdl.mlir)."""
    if isinstance(t, quant.QuantizedType):
        width = t.storage_type_integral_width
        return f"i{width}" if t.is_signed else f"ui{width}"
    name = str(t)
    return "i8" if name == "i1" else name


def find_main(module_op: ir.Operation) -> ir.Operation:
    funcs = [op.operation for op in module_op.regions[0].blocks[0].operations if op.operation.name == "func.func"]
    for op in funcs:
        if op.attributes["sym_name"].value == "main":
            return op
    if len(funcs) == 1:
        return funcs[0]
    raise NpuError("the module has no func.func @main to lower")


def _arg_names(func: ir.Operation, key: str, count: int, prefix: str) -> list[str]:
    attrs = func.attributes[key] if key in func.attributes else None
    names = []
    for i in range(count):
        name = None
        if attrs is not None and i < len(attrs) and "npu.name" in attrs[i]:
            name = attrs[i]["npu.name"].value
        names.append(name or f"{prefix}{i}")
    return names


def _tensor_type(value: ir.Value, where: str) -> tuple[tuple[int, ...], str]:
    t = value.type
    if not isinstance(t, ir.RankedTensorType) or not t.has_static_shape:
        raise NpuError(f"{where} expects statically shaped tensors, got {t}")
    return tuple(int(d) for d in t.shape), element_name(t.element_type)


def read_graph(module_op: ir.Operation) -> Graph:
    """The graph of `func.func @main` (one walk over its block)."""
    func = find_main(module_op)
    block = func.regions[0].blocks[0]
    tensors: list[Tensor] = []
    by_value: dict[ir.Value, Tensor] = {}

    def new(value: ir.Value, kind: str, where: str, **extra) -> Tensor:
        shape, dtype = _tensor_type(value, where)
        t = Tensor(len(tensors), shape, dtype, kind, **extra)
        tensors.append(t)
        by_value[value] = t
        return t

    args = list(block.arguments)
    inputs = [new(a, "input", "the function argument", name=n)
              for a, n in zip(args, _arg_names(func, "arg_attrs", len(args), "input"))]
    nodes: list[Node] = []
    outputs: list[Tensor] = []
    names: list[str] = []
    for op in block.operations:
        op = op.operation
        name = op.name
        if name == "arith.constant":
            new(op.results[0], "const", "'arith.constant'", const=op.attributes["value"])
            continue
        if name == "func.return":
            outputs = [by_value[v] for v in op.operands]
            names = _arg_names(func, "res_attrs", len(outputs), "output")
            for t, n in zip(outputs, names):
                if t.name is None or t.kind != "input":
                    t.name = n
            break
        where = f"'{name}'"
        operands = [by_value[v] for v in op.operands]
        node = Node(op, name.split(".", 1)[-1], operands, [])
        node.results = [new(r, "value", where, producer=node) for r in op.results]
        for t in operands:
            t.consumers.append(node)
        nodes.append(node)
    return Graph(func, tensors, nodes, inputs, outputs, names)
