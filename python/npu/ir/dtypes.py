"""The one mapping between numpy dtypes and MLIR element types.

Every npu level uses builtin element types: signless `iN` for signed ONNX
integers, `uiN` for unsigned ones, `i1` for bool, and the builtin float types
(`f16`, `bf16`, `f8E4M3FN`, ...). Numpy represents the formats numpy lacks with
ml_dtypes. `buffer_compatible(dtype)` says whether the MLIR bindings can build
and read a DenseElementsAttr of that dtype through the buffer protocol; other
dtypes are stored as dense resources (raw bytes) by the importer.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
from mlir import ir
from mlir.dialects import quant

from npu.errors import NpuError

_FLOAT_TYPES = {
    "float16": ir.F16Type,
    "float32": ir.F32Type,
    "float64": ir.F64Type,
    "bfloat16": ir.BF16Type,
    "float8_e4m3fn": ir.Float8E4M3FNType,
    "float8_e4m3fnuz": ir.Float8E4M3FNUZType,
    "float8_e5m2": ir.Float8E5M2Type,
    "float8_e5m2fnuz": ir.Float8E5M2FNUZType,
    "float8_e8m0fnu": ir.Float8E8M0FNUType,
    "float4_e2m1fn": ir.Float4E2M1FNType,
}
_SIGNED = {"int2": 2, "int4": 4, "int8": 8, "int16": 16, "int32": 32, "int64": 64}
_UNSIGNED = {"uint2": 2, "uint4": 4, "uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64}
_BUFFER_OK = {"bool", "float16", "float32", "float64"} | set(_SIGNED) | set(_UNSIGNED)
_BUFFER_OK -= {"int2", "int4", "uint2", "uint4"}


def mlir_type(dtype) -> ir.Type:
    """numpy dtype -> MLIR element type (needs an active context)."""
    name = np.dtype(dtype).name
    if name == "bool":
        return ir.IntegerType.get_signless(1)
    if name in _SIGNED:
        return ir.IntegerType.get_signless(_SIGNED[name])
    if name in _UNSIGNED:
        return ir.IntegerType.get_unsigned(_UNSIGNED[name])
    if name in _FLOAT_TYPES:
        return _FLOAT_TYPES[name].get()
    raise NpuError(f"element type {name} has no npu equivalent")


def numpy_dtype(t: ir.Type) -> np.dtype:
    """MLIR element type -> numpy dtype (inverse of `mlir_type`).

    A `!quant.uniform` type (level 2, npu.quant) maps to its storage type:
    `!quant.uniform<i8:f32, 0.1:3>` -> int8, `<u8:...>` -> uint8, `<i4:...>` -> int4.
    """
    if isinstance(t, quant.QuantizedType):
        table = _SIGNED if t.is_signed else _UNSIGNED
        return np.dtype(_by_width(table, t.storage_type_integral_width))
    if isinstance(t, ir.IntegerType):
        if t.width == 1:
            return np.dtype(np.bool_)
        if t.is_unsigned:
            return np.dtype(_by_width(_UNSIGNED, t.width))
        return np.dtype(_by_width(_SIGNED, t.width))
    for name, cls in _FLOAT_TYPES.items():
        if isinstance(t, cls):
            return np.dtype(getattr(ml_dtypes, name, None) or name)
    raise NpuError(f"element type {t} has no numpy equivalent")


def _by_width(table: dict[str, int], width: int):
    for name, w in table.items():
        if w == width:
            return getattr(np, name, None) or getattr(ml_dtypes, name)
    raise NpuError(f"integer width {width} has no numpy equivalent")


def tensor_type(shape, dtype) -> ir.RankedTensorType:
    """`tensor<shape x dtype>` for a numpy dtype."""
    return ir.RankedTensorType.get([int(d) for d in shape], mlir_type(dtype))


def buffer_compatible(dtype) -> bool:
    """Whether DenseElementsAttr can be built from and read into this dtype directly."""
    return np.dtype(dtype).name in _BUFFER_OK


def raw_view(array: np.ndarray) -> np.ndarray:
    """`array` reinterpreted as unsigned bytes-per-element storage (for ml_dtypes formats)."""
    size = array.dtype.itemsize
    return array.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[size])
