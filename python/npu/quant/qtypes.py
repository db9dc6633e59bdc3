"""Quantization parameters and the `!quant.uniform` types that carry them in level-2 IR.

`QParams` is the one Python description of an affine quantization:
real = (q - zero_point) * scale with q in [qmin, qmax] of an integer storage type,
per tensor (scale shape ()), per axis (shape (C,), `axis`), or per block
(`block_size` > 0: scale has the tensor's rank, dimension `axis` holding
ceil(n / block_size) blocks; int4 weight-only groups). It converts both ways
between QParams and MLIR types:

    per tensor    !quant.uniform<i8:f32, 0.02:-3>
    per axis      !quant.uniform<i8<-127:127>:f32:0, {0.1,0.2}>
    per block     !quant.uniform<i4:f32:{0:32}, {{0.1, ...}, ...}>   (sub-channel type)

and does the arithmetic by calling npu.numerics (quantize_affine /
dequantize_affine), clipping to [qmin, qmax] (the type's storage range, e.g. the
narrow [-127, 127] of symmetric weights). Level-2 ops also spell these
parameters as attributes (`qparams_attrs`); the verifiers check both agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import ml_dtypes
import numpy as np
from mlir import ir
from mlir.dialects import quant

from npu.errors import NpuError
from npu.ir.attrs import dense_attr, dense_value
from npu.numerics import dequantize_affine, int_range, quantize_affine, storage_dtype

_SUB_BYTE = {"int4": np.dtype(ml_dtypes.int4), "uint4": np.dtype(ml_dtypes.uint4)}

_BITS = {"int4": 4, "uint4": 4, "int8": 8, "uint8": 8, "int16": 16, "uint16": 16, "int32": 32}


@dataclass(frozen=True, eq=False)
class QParams:
    """Affine quantization parameters (see the module docstring)."""

    storage: str
    scale: np.ndarray
    zero_point: np.ndarray
    axis: int | None = None
    block_size: int = 0
    qmin: int | None = None
    qmax: int | None = None

    def __post_init__(self):
        lo, hi = int_range(self.storage)
        object.__setattr__(self, "scale", np.asarray(self.scale, dtype=np.float64))
        object.__setattr__(self, "zero_point", np.asarray(self.zero_point, dtype=np.int64))
        object.__setattr__(self, "qmin", lo if self.qmin is None else int(self.qmin))
        object.__setattr__(self, "qmax", hi if self.qmax is None else int(self.qmax))

    @property
    def per_tensor(self) -> bool:
        return self.scale.ndim == 0

    @property
    def np_dtype(self) -> np.dtype:
        """The numpy dtype a tensor of this type holds in the interpreter (int4 -> ml_dtypes.int4)."""
        return _SUB_BYTE.get(self.storage) or np.dtype(storage_dtype(self.storage))

    def _axis_args(self) -> dict:
        if self.per_tensor:
            return {}
        return {"axis": self.axis, "block_size": self.block_size}

    def quantize(self, x) -> np.ndarray:
        """saturate(rint(float32(x) / float32(scale)) + zp) clipped to [qmin, qmax]."""
        q = quantize_affine(x, self.scale.astype(np.float32), self.zero_point, self.storage, **self._axis_args())
        return np.clip(q, self.qmin, self.qmax).astype(self.np_dtype)

    def dequantize(self, q) -> np.ndarray:
        """float32(q - zp) * float32(scale)."""
        q64 = np.asarray(q).astype(np.int64)
        return dequantize_affine(q64, self.scale.astype(np.float32), self.zero_point, **self._axis_args())

    def channel_scale(self, n: int) -> np.ndarray:
        """Scale as a 1-D array of n channels (broadcasting a per-tensor scale)."""
        return np.broadcast_to(self.scale.reshape(-1), (n,)) if self.per_tensor else self.scale.reshape(-1)

    def same_as(self, other: "QParams") -> bool:
        return (self.storage == other.storage and self.axis == other.axis and self.block_size == other.block_size
                and self.qmin == other.qmin and self.qmax == other.qmax
                and np.array_equal(self.scale, other.scale) and np.array_equal(self.zero_point, other.zero_point))


# ----------------------------------------------------------------------------- MLIR types


def _flags(storage: str) -> int:
    return 0 if storage.startswith("u") else quant.UniformQuantizedType.FLAG_SIGNED


def quant_type(qp: QParams) -> ir.Type:
    """The `!quant.uniform` element type of `qp` (needs an active context)."""
    storage = ir.IntegerType.get_signless(_BITS[qp.storage])
    f32 = ir.F32Type.get()
    flags = _flags(qp.storage)
    if qp.per_tensor:
        return quant.UniformQuantizedType.get(flags, storage, f32, float(qp.scale), int(qp.zero_point),
                                              qp.qmin, qp.qmax)
    if qp.block_size:
        shape = list(qp.scale.shape)
        scales = ir.DenseElementsAttr.get(np.ascontiguousarray(qp.scale, dtype=np.float32), type=f32, shape=shape)
        zps = dense_attr(qp.zero_point.astype(qp.np_dtype))  # typed like the storage (MLIR requires it)
        return quant.UniformQuantizedSubChannelType.get(flags, storage, f32, scales, zps, [qp.axis],
                                                        [qp.block_size], qp.qmin, qp.qmax)
    return quant.UniformQuantizedPerAxisType.get(flags, storage, f32, [float(s) for s in qp.scale],
                                                 [int(z) for z in qp.zero_point], qp.axis, qp.qmin, qp.qmax)


def tensor_type(shape, qp: QParams) -> ir.RankedTensorType:
    return ir.RankedTensorType.get([int(d) for d in shape], quant_type(qp))


def storage_name(t: ir.Type) -> str:
    """'int8', 'uint8', 'int4', 'int32'... of a quant type's storage."""
    return ("int" if t.is_signed else "uint") + str(t.storage_type_integral_width)


def qparams_of(value_or_type) -> QParams | None:
    """QParams of a quantized tensor value/type or element type; None if not quantized."""
    t = value_or_type.type if hasattr(value_or_type, "type") else value_or_type
    if isinstance(t, ir.ShapedType):
        t = t.element_type
    if not isinstance(t, quant.QuantizedType):
        return None
    common = {"storage": storage_name(t), "qmin": t.storage_type_min, "qmax": t.storage_type_max}
    if isinstance(t, quant.UniformQuantizedType):
        return QParams(scale=t.scale, zero_point=t.zero_point, **common)
    if isinstance(t, quant.UniformQuantizedPerAxisType):
        return QParams(scale=list(t.scales), zero_point=list(t.zero_points), axis=t.quantized_dimension, **common)
    if isinstance(t, quant.UniformQuantizedSubChannelType):
        dims, blocks = list(t.quantized_dimensions), list(t.block_sizes)
        if len(dims) != 1:
            raise NpuError(f"quantized type {t}: npu supports blocks along one dimension, got {len(dims)}")
        scale = dense_value(t.scales).astype(np.float64)
        zp = dense_value(t.zero_points).astype(np.int64)
        return QParams(scale=scale, zero_point=zp, axis=dims[0], block_size=blocks[0], **common)
    raise NpuError(f"unsupported quantized type {t}")


# ----------------------------------------------------------------------------- attributes


def qparams_attrs(qp: QParams) -> dict:
    """The explicit attributes of npu_tensor.quantize / dequantize for `qp` (npu.ir.attrs values)."""
    return {
        "axis": ir.IntegerAttr.get(ir.IntegerType.get_signless(64), qp.axis or 0),
        "block_size": ir.IntegerAttr.get(ir.IntegerType.get_signless(64), qp.block_size),
        "scale": ir.DenseF32ArrayAttr.get([float(s) for s in qp.scale.astype(np.float32).reshape(-1)]),
        "zero_point": ir.DenseI64ArrayAttr.get([int(z) for z in qp.zero_point.reshape(-1)]),
    }


def qparams_from_attrs(attrs: dict, storage: str, shape, qmin: int | None = None, qmax: int | None = None) -> QParams:
    """QParams from quantize/dequantize attributes (Python values) for a tensor of `shape`."""
    scale = np.asarray(attrs["scale"], dtype=np.float64)
    zp = np.asarray(attrs["zero_point"], dtype=np.int64)
    axis, block = int(attrs["axis"]), int(attrs["block_size"])
    if block > 0:
        bshape = list(shape)
        bshape[axis] = -(-bshape[axis] // block)
        return QParams(storage, scale.reshape(bshape), zp.reshape(bshape), axis, block, qmin, qmax)
    if scale.size == 1 and zp.size == 1:
        return QParams(storage, scale.reshape(()), zp.reshape(()), None, 0, qmin, qmax)
    return QParams(storage, scale, zp, axis, 0, qmin, qmax)
