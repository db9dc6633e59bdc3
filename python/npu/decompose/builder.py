"""`Builder`: create level-1/2 ops in place of one op, at its location.

A decomposition (see npu.decompose) receives the op it replaces and a
`Builder` whose insertion point is just before that op and whose location is
the op's own (so every new op keeps the ONNX node name for diagnostics,
per-layer compare and the binary's debug table). Results are typed from a
shape and an element type (`b.elem(x)` is x's element type, quantized types
included):

    y = b.op("npu_tensor.matmul", [a, w], (4, 16), b.elem(a))
    z = b.concat([y0, y1], axis=1)

Shapes of the layout helpers (`reshape`, `transpose`, `slice`, `concat`,
`pad`) are computed here, so callers only say what they want.
`constant_value(v)` reads the numpy value of an `arith.constant` operand
(dense or dense-resource), or None when `v` is not a constant.
"""

from __future__ import annotations

import itertools
from typing import Iterable, Sequence

import numpy as np
from mlir import ir
from mlir.dialects import arith

from npu.ir import dtypes, resources
from npu.ir.attrs import from_attr, to_attr

INLINE_LIMIT = 64  # constants up to this many elements are inline dense attributes
_names = itertools.count()


def shape_of(value: ir.Value) -> tuple[int, ...]:
    return tuple(ir.RankedTensorType(value.type).shape)


class Builder:
    """Creates ops before `anchor`, at `anchor`'s location."""

    def __init__(self, anchor: ir.Operation):
        self.anchor = anchor
        self.loc = anchor.location
        self.ip = ir.InsertionPoint(anchor)

    # ------------------------------------------------------------------ types
    @staticmethod
    def elem(value: ir.Value) -> ir.Type:
        return ir.RankedTensorType(value.type).element_type

    @staticmethod
    def shape(value: ir.Value) -> tuple[int, ...]:
        return shape_of(value)

    # ------------------------------------------------------------------ ops
    def ops(self, name: str, operands: Sequence[ir.Value | None], results: Iterable[tuple[Sequence[int], ir.Type]],
            attrs: dict | None = None) -> list[ir.Value]:
        """Create `name` with (shape, element type) results; None operands are absent optional ones."""
        attributes = {k: (v if isinstance(v, ir.Attribute) else to_attr(v)) for k, v in (attrs or {}).items()}
        if any(v is None for v in operands):
            attributes["operandSegmentSizes"] = ir.DenseI32ArrayAttr.get([0 if v is None else 1 for v in operands])
        types = [ir.RankedTensorType.get(list(shape), elem, loc=self.loc) for shape, elem in results]
        op = ir.Operation.create(name, results=types, operands=[v for v in operands if v is not None],
                                 attributes=attributes, loc=self.loc, ip=self.ip)
        return list(op.results)

    def op(self, name: str, operands: Sequence[ir.Value | None], shape: Sequence[int], elem: ir.Type,
           attrs: dict | None = None) -> ir.Value:
        """Create a one-result op."""
        return self.ops(name, operands, [(shape, elem)], attrs)[0]

    def const(self, array: np.ndarray, elem: ir.Type | None = None, hint: str = "decomposed") -> ir.Value:
        """An arith.constant holding `array` (its dtype, or `elem` when given: a float or integer type)."""
        array = np.ascontiguousarray(array)
        if elem is not None:
            array = array.astype(dtypes.numpy_dtype(elem))
        with self.loc:
            ttype = dtypes.tensor_type(array.shape, array.dtype)
            if array.size <= INLINE_LIMIT or not dtypes.buffer_compatible(array.dtype):
                attr = to_attr(array)
            elif np.all(array.reshape(-1) == array.reshape(-1)[0]):
                attr = ir.DenseElementsAttr.get(array.reshape(-1)[:1].copy(), type=ttype)
            else:
                attr = resources.resource_attr(array, f"{hint}_{next(_names)}")
            return arith.ConstantOp(attr.type, attr, ip=self.ip).result

    def quant_const(self, array: np.ndarray, elem: ir.Type, hint: str = "decomposed") -> ir.Value:
        """An arith.constant of the !quant element type `elem` holding the storage values `array`, as a
        dense_resource (builtin dense attributes cannot carry quantized element types)."""
        array = np.ascontiguousarray(array).astype(dtypes.numpy_dtype(elem))
        with self.loc:
            ttype = ir.RankedTensorType.get(list(array.shape), elem)
            attr = ir.DenseResourceElementsAttr.get_from_buffer(array.reshape(-1).copy(), f"{hint}_{next(_names)}", ttype)
            return arith.ConstantOp(ttype, attr, ip=self.ip).result

    def scalar(self, value: float, like: ir.Value, rank: int | None = None) -> ir.Value:
        """A constant of `like`'s element type and rank `rank` (default: like's), all dims 1."""
        rank = len(shape_of(like)) if rank is None else rank
        return self.const(np.full((1,) * rank, value), self.elem(like))

    # ------------------------------------------------------------------ layout helpers
    def reshape(self, x: ir.Value, shape: Sequence[int]) -> ir.Value:
        if tuple(shape) == shape_of(x):
            return x
        return self.op("npu_tensor.reshape", [x], shape, self.elem(x))

    def transpose(self, x: ir.Value, perm: Sequence[int]) -> ir.Value:
        if list(perm) == list(range(len(perm))):
            return x
        shape = shape_of(x)
        return self.op("npu_tensor.transpose", [x], [shape[p] for p in perm], self.elem(x),
                       {"perm": ir.DenseI64ArrayAttr.get(list(perm))})

    def slice(self, x: ir.Value, axes: Sequence[int], starts: Sequence[int], ends: Sequence[int],
              steps: Sequence[int] | None = None) -> ir.Value:
        """x[starts:ends:steps] along `axes` (positive steps, ends clamped to the dim)."""
        shape = list(shape_of(x))
        steps = list(steps) if steps is not None else [1] * len(axes)
        out = list(shape)
        for a, s, e, st in zip(axes, starts, ends, steps):
            e = min(e, shape[a])
            out[a] = max(0, -(-(e - s) // st))
        if out == shape:
            return x
        i64 = ir.DenseI64ArrayAttr.get
        return self.op("npu_tensor.slice", [x], out, self.elem(x),
                       {"axes": i64(list(axes)), "starts": i64(list(starts)), "ends": i64([min(e, shape[a]) for a, e in zip(axes, ends)]),
                        "steps": i64(steps)})

    def concat(self, values: Sequence[ir.Value], axis: int) -> ir.Value:
        """npu_tensor.concat takes two operands: N values are joined as a balanced tree of pairs."""
        values = list(values)
        if len(values) == 1:
            return values[0]
        if len(values) > 2:
            half = len(values) // 2
            values = [self.concat(values[:half], axis), self.concat(values[half:], axis)]
        shape = list(shape_of(values[0]))
        shape[axis] = sum(shape_of(v)[axis] for v in values)
        return self.op("npu_tensor.concat", values, shape, self.elem(values[0]),
                       {"axis": ir.IntegerAttr.get(ir.IntegerType.get_signless(64), axis)})

    # ------------------------------------------------------------------ constants
    def constant_value(self, value: ir.Value) -> np.ndarray | None:
        """The numpy value of `value` when an arith.constant defines it, else None."""
        owner = value.owner
        if isinstance(owner, ir.Block) or owner.name != "arith.constant":
            return None
        attr = owner.attributes["value"]
        if not str(attr).startswith("dense_resource<"):
            return np.asarray(from_attr(attr))
        with self.loc:
            scratch = ir.Module.create()
            scratch.body.append(owner.clone())
            text = scratch.operation.get_asm(binary=False, large_elements_limit=None)
        return resources.resource_value(attr, resources.parse_blobs(text[text.rfind("{-#"):]))
