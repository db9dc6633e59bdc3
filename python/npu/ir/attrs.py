"""The one mapping between Python values and MLIR attributes used by npu ops.

The importer builds op attributes from Python values and the interpreter reads
them back; both go through this module so the two directions cannot drift:

  bool        <-> BoolAttr                int   <-> IntegerAttr i64
  float       <-> FloatAttr f32           str   <-> StringAttr
  list[int]   <-> DenseI64ArrayAttr       list[float] <-> DenseF32ArrayAttr
  list[str]   <-> ArrayAttr of StringAttr np.ndarray  <-> DenseElementsAttr
"""

from __future__ import annotations

from typing import Any

import numpy as np
from mlir import ir


def to_attr(value: Any) -> ir.Attribute:
    """Python value -> MLIR attribute (needs an active context)."""
    if isinstance(value, ir.Attribute):
        return value
    if isinstance(value, (bool, np.bool_)):
        return ir.BoolAttr.get(bool(value))
    if isinstance(value, (int, np.integer)):
        return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), int(value))
    if isinstance(value, (float, np.floating)):
        return ir.FloatAttr.get(ir.F32Type.get(), float(value))
    if isinstance(value, str):
        return ir.StringAttr.get(value)
    if isinstance(value, np.ndarray):
        return ir.DenseElementsAttr.get(np.ascontiguousarray(value))
    if isinstance(value, (list, tuple)):
        items = list(value)
        if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items):
            return ir.DenseI64ArrayAttr.get([int(v) for v in items])
        if all(isinstance(v, (int, float, np.number)) for v in items):
            return ir.DenseF32ArrayAttr.get([float(v) for v in items])
        if all(isinstance(v, str) for v in items):
            return ir.ArrayAttr.get([ir.StringAttr.get(v) for v in items])
    raise TypeError(f"cannot express {type(value).__name__} value {value!r} as an MLIR attribute")


def from_attr(attr: ir.Attribute) -> Any:
    """MLIR attribute -> Python value (inverse of `to_attr`)."""
    if isinstance(attr, ir.BoolAttr):
        return bool(attr.value)
    if isinstance(attr, ir.IntegerAttr):
        return int(attr.value)
    if isinstance(attr, ir.FloatAttr):
        return float(attr.value)
    if isinstance(attr, ir.StringAttr):
        return attr.value
    if isinstance(attr, ir.DenseI64ArrayAttr):
        return [int(v) for v in attr]
    if isinstance(attr, (ir.DenseF32ArrayAttr, ir.DenseF64ArrayAttr)):
        return [float(v) for v in attr]
    if isinstance(attr, ir.DenseElementsAttr):
        return np.array(attr)
    if isinstance(attr, ir.ArrayAttr):
        return [from_attr(a) for a in attr]
    if isinstance(attr, ir.TypeAttr):
        return attr.value
    return attr


def op_attrs(op: ir.Operation) -> dict[str, Any]:
    """Every attribute of `op` as Python values."""
    return {name: from_attr(op.attributes[name]) for name in op.attributes}
