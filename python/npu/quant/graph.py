"""A read-only Python view of a level-1 `func.func @main` for the quantizer.

`Graph(module)` lists the non-constant ops in order as `Node`s (op, layer name
from the location, kind, operands with absent optionals as None, attributes
as Python values), the constants' numpy values, each value's producer and
users, and the returned values. Values are keyed for calibration statistics by
`value_key`: "arg:<i>" for arguments, "<step>:<result>" for op results, where
<step> counts non-constant ops in block order (the interpreter's step order).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from mlir import ir

from npu.errors import NpuError
from npu.interp.executor import find_main
from npu.ir import resources
from npu.ir.attrs import from_attr


def layer_name(op: ir.Operation, default: str) -> str:
    """The ONNX node name an op was created at (outermost name location), else `default`."""
    loc = op.location
    while loc.is_a_fused() if hasattr(loc, "is_a_fused") else False:
        inner = [l for l in loc.locations if l.is_a_name()]
        if not inner:
            break
        loc = inner[0]
    return loc.name_str if loc.is_a_name() else default


@dataclass(eq=False)
class Node:
    index: int
    op: ir.Operation
    name: str
    kind: str
    operands: list[ir.Value | None]
    attrs: dict
    results: list[ir.Value] = field(default_factory=list)

    @property
    def result(self) -> ir.Value:
        return self.results[0]


def _operand_list(op: ir.Operation) -> list[ir.Value | None]:
    values = list(op.operands)
    if "operandSegmentSizes" not in op.attributes:
        return values
    out, pos = [], 0
    for size in [int(s) for s in op.attributes["operandSegmentSizes"]]:
        if size == 0:
            out.append(None)
        out.extend(values[pos:pos + size])
        pos += size
    return out


class Graph:
    """See the module docstring."""

    def __init__(self, module: ir.Module):
        self.module = module
        self.func = find_main(module)
        block = self.func.regions[0].blocks[0]
        self.args = list(block.arguments)
        fattrs = self.func.attributes
        arg_attrs = fattrs["arg_attrs"] if "arg_attrs" in fattrs else None
        self.arg_names = [self._io_name(arg_attrs, i, f"arg{i}") for i in range(len(self.args))]
        res_attrs = fattrs["res_attrs"] if "res_attrs" in fattrs else None
        self.consts: dict[ir.Value, np.ndarray] = {}
        self.const_ops: dict[ir.Value, ir.Operation] = {}
        self.nodes: list[Node] = []
        self.producer: dict[ir.Value, Node] = {}
        self.users: dict[ir.Value, list[Node]] = {}
        self.keys: dict[ir.Value, str] = {a: f"arg:{i}" for i, a in enumerate(self.args)}
        self.outputs: list[ir.Value] = []
        blobs = None
        for op in block.operations:
            op = op.operation
            if op.name == "func.return":
                self.outputs = list(op.operands)
                self.output_names = [self._io_name(res_attrs, i, f"output{i}") for i in range(len(self.outputs))]
                break
            if op.name == "arith.constant":
                attr = op.attributes["value"]
                if str(attr).startswith("dense_resource<"):
                    blobs = blobs if blobs is not None else resources.resource_blobs(module)
                    value = resources.resource_value(attr, blobs)
                else:
                    value = from_attr(attr)
                self.consts[op.result] = np.asarray(value)
                self.const_ops[op.result] = op
                continue
            index = len(self.nodes)
            node = Node(index, op, layer_name(op, f"op{index}"), op.name.removeprefix("npu_tensor."),
                        _operand_list(op), {k: from_attr(op.attributes[k]) for k in op.attributes
                                            if k != "operandSegmentSizes"}, list(op.results))
            self.nodes.append(node)
            for r, v in enumerate(node.results):
                self.producer[v] = node
                self.keys[v] = f"{index}:{r}"
            for v in node.operands:
                if v is not None:
                    self.users.setdefault(v, []).append(node)
        else:
            raise NpuError("func @main has no func.return")

    @staticmethod
    def _io_name(attrs, i: int, default: str) -> str:
        if attrs is not None and i < len(attrs) and "npu.name" in attrs[i]:
            return attrs[i]["npu.name"].value
        return default

    def value_key(self, v: ir.Value) -> str:
        return self.keys[v]

    def is_const(self, v: ir.Value | None) -> bool:
        return v is not None and v in self.consts

    def sole_user(self, v: ir.Value) -> Node | None:
        """The only op using `v`, if exactly one does and `v` is not returned."""
        users = self.users.get(v, [])
        if len(users) != 1 or any(v == o for o in self.outputs):
            return None
        return users[0]

    def value_name(self, v: ir.Value) -> str:
        """Layer name of the op producing `v` (the argument's name for arguments)."""
        if v in self.producer:
            return self.producer[v].name
        for a, n in zip(self.args, self.arg_names):
            if a == v:
                return n
        return "const"

    def layers(self) -> list[Node]:
        """Nodes that carry weights (conv/matmul/gemm): the names overrides and reports use."""
        return [n for n in self.nodes if n.kind in LAYER_KINDS]


LAYER_KINDS = ("conv", "matmul", "gemm")
