"""The one mapping between Python values and MLIR attributes used by npu ops.

The importer builds op attributes from Python values and the interpreter reads
them back; both go through this module so the two directions cannot drift:

  bool        <-> BoolAttr                int   <-> IntegerAttr i64
  float       <-> FloatAttr f32           str   <-> StringAttr
  list[int]   <-> DenseI64ArrayAttr       list[float] <-> DenseF32ArrayAttr
  list[str]   <-> ArrayAttr of StringAttr np.ndarray  <-> DenseElementsAttr

Arrays keep their rank (a 0-d array is a `tensor<f32>`) and their element type
as given by npu.ir.dtypes (uint8 -> ui8, bool -> i1, bfloat16 -> bf16, ...).
"""

from __future__ import annotations

from typing import Any

import re

import numpy as np
from mlir import ir

from npu.ir import dtypes


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
        return dense_attr(value)
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
        return dense_value(attr)
    if isinstance(attr, ir.ArrayAttr):
        return [from_attr(a) for a in attr]
    if isinstance(attr, ir.TypeAttr):
        return attr.value
    return attr


def op_attrs(op: ir.Operation) -> dict[str, Any]:
    """Every attribute of `op` as Python values."""
    return {name: from_attr(op.attributes[name]) for name in op.attributes}


def dense_attr(array: np.ndarray) -> ir.DenseElementsAttr:
    """A DenseElementsAttr holding `array` with its exact shape and element type."""
    arr = np.array(array, order="C", copy=None)  # keeps 0-d arrays 0-d
    shape = list(arr.shape)
    etype = dtypes.mlir_type(arr.dtype)
    if arr.dtype == np.bool_:
        packed = np.packbits(arr, axis=None, bitorder="little")
        return ir.DenseElementsAttr.get(packed, type=etype, shape=shape)
    if not dtypes.buffer_compatible(arr.dtype):
        return ir.DenseElementsAttr.get(dtypes.raw_view(arr), type=etype, shape=shape)
    return ir.DenseElementsAttr.get(arr, type=etype, shape=shape)


def dense_value(attr: ir.DenseElementsAttr) -> np.ndarray:
    """The numpy array a DenseElementsAttr holds (dtype from npu.ir.dtypes)."""
    t = attr.type
    dtype = dtypes.numpy_dtype(t.element_type)
    shape = tuple(t.shape)
    if attr.is_splat:
        text = str(attr.get_splat_value())
        return np.full(shape, _parse_elements(text.split(":")[0], dtype).reshape(()), dtype=dtype)
    if dtypes.buffer_compatible(dtype):
        return np.array(attr).astype(dtype, copy=False).reshape(shape)
    body = str(attr)
    body = body[body.index("<") + 1 : body.rindex(">", 0, body.rindex(":"))]
    if body.startswith('"0x'):
        return np.frombuffer(bytes.fromhex(body[3:-1]), dtype=dtype).reshape(shape).copy()
    return _parse_elements(body, dtype).reshape(shape)


_TOKEN = re.compile(r"0x[0-9A-Fa-f]+|true|false|[-+]?(?:inf|nan|[0-9.]+(?:[eE][-+]?[0-9]+)?)")


def _parse_elements(text: str, dtype: np.dtype) -> np.ndarray:
    """Elements printed by MLIR (`[1.5, 0x7FC0]`, `true`) as a flat array of `dtype`."""
    out = []
    for tok in _TOKEN.findall(text):
        if tok.startswith("0x"):  # a float printed as its bit pattern
            bits = np.array([int(tok, 16)], dtype=dtypes.raw_view(np.zeros(1, dtype)).dtype)
            out.append(bits.view(dtype)[0])
        elif tok in ("true", "false"):
            out.append(tok == "true")
        else:
            out.append(float(tok) if dtype.kind in "fV" or not tok.lstrip("-+").isdigit() else int(tok))
    return np.array(out).astype(dtype) if out else np.zeros(0, dtype)
