"""Golden-interpreter kernels of the level-2 (quantized) npu_tensor ops.

Owns: quantize, dequantize, conv_int, matmul_int, rescale, clamp, table,
add_int, reduce_sum_int, softmax_int, layer_norm_int, quantize_float,
dequantize_float, conv_float, matmul_float (IRDL section "level 2: quantized" of npu_tensor.irdl.mlir,
semantics in docs/quantization.md).

Every arithmetic rule comes from npu.numerics: affine quantize/dequantize
(ONNX rules), conv2d_int / matmul_int (exact int32 accumulation, wrapping),
RESCALE (TOSA apply_scale_32), CLAMP, TABLE, the integer softmax and layer
normalization (npu.numerics.normalization), fp8/bf16/fp16 rounding and the
sequential float accumulation of float_matmul. These kernels only gather
operands, read attributes and reshape; a later level-4 interpreter must
reproduce them bit for bit, so each op's semantics stay one formula.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from npu.errors import NpuError
from npu.interp.registry import kernel
from npu.numerics import (
    clamp,
    conv2d_int,
    dequantize_float,
    float_format,
    float_matmul,
    matmul_int,
    quantize_float,
    rescale,
    table_int8,
    wrap,
)
from npu.numerics.inttypes import int_type
from npu.numerics.normalization import layer_norm_int8, softmax_int8
from npu.quant.qtypes import qparams_from_attrs

_INT32 = (-(1 << 31), (1 << 31) - 1)
_UINT = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def _storage(dtype: np.dtype) -> str:
    """numerics type name of an interpreter storage dtype (ml_dtypes int4 -> 'int4')."""
    dtype = np.dtype(dtype)
    if dtype == np.dtype(ml_dtypes.int4):
        return "int4"
    if dtype == np.dtype(ml_dtypes.uint4):
        return "uint4"
    return int_type(dtype)


def _as_int(x: np.ndarray) -> np.ndarray:
    """Integer array of any storage (ml_dtypes int4 included) as int64."""
    return np.asarray(x).astype(np.int64)


def _conv_geometry(attrs) -> dict:
    pads = list(attrs["pads"])
    if len(pads) != 4:
        raise NpuError(f"expects a 2-D convolution (4 pads), got {len(pads)} pads")
    return {"stride": tuple(attrs["strides"]), "dilation": tuple(attrs["dilations"]),
            "pad": (pads[0], pads[2], pads[1], pads[3]), "groups": int(attrs["group"])}


def _require_int32(acc: np.ndarray, what: str) -> np.ndarray:
    bad = (acc < _INT32[0]) | (acc > _INT32[1])
    if np.any(bad):
        i = tuple(int(j) for j in np.argwhere(bad)[0])
        raise NpuError(f"{what}: int32 result overflows at index {i} (TOSA REQUIRE)")
    return acc.astype(np.int32)


# ----------------------------------------------------------------------------- affine


@kernel("npu_tensor.quantize")
def k_quantize(inputs, attrs, results):
    """q = clip(saturate(rint(float32(x) / scale) + zp), qmin, qmax) (qmin/qmax: the storage range,
    narrowed when the result type says so, e.g. `i4<-7:7>`)."""
    spec = results[0]
    qmin, qmax = spec.qrange if spec.qrange is not None else (None, None)
    qp = qparams_from_attrs(attrs, _storage(spec.dtype), spec.shape, qmin, qmax)
    return [qp.quantize(inputs[0])]


@kernel("npu_tensor.dequantize")
def k_dequantize(inputs, attrs, results):
    """x = float32(q - zp) * scale, then cast to the result float type."""
    q = inputs[0]
    qp = qparams_from_attrs(attrs, _storage(q.dtype), q.shape)
    return [qp.dequantize(q).astype(results[0].dtype)]


# ----------------------------------------------------------------------------- integer compute


@kernel("npu_tensor.conv_int")
def k_conv_int(inputs, attrs, results):
    """acc = bias + sum (x - input_zp) * (w - weight_zp) in NCHW, exact then wrapped to the result type."""
    x, w, bias = inputs
    acc = conv2d_int(x, _as_int(w), None if bias is None else _as_int(bias), int(attrs["input_zp"]),
                     int(attrs["weight_zp"]), layout="NCHW", acc_type=_storage(results[0].dtype),
                     overflow="wrap", **_conv_geometry(attrs))
    return [acc]


@kernel("npu_tensor.matmul_int")
def k_matmul_int(inputs, attrs, results):
    """acc = sum_k (a - lhs_zp) * (b - rhs_zp) (+ bias, broadcast), exact, wrapped to int32."""
    a, b, bias = inputs
    t = _storage(results[0].dtype)
    acc = matmul_int(_as_int(a), _as_int(b), int(attrs["lhs_zp"]), int(attrs["rhs_zp"]), acc_type=t, overflow="wrap")
    if bias is not None:
        acc = wrap(acc.astype(np.int64) + _as_int(bias), t)
    return [np.broadcast_to(acc, results[0].shape).astype(results[0].dtype)]


@kernel("npu_tensor.rescale")
def k_rescale(inputs, attrs, results):
    """TOSA RESCALE with one multiplier/shift or one per index of `axis`."""
    x = inputs[0]
    mult, shift = list(attrs["multiplier"]), list(attrs["shift"])
    per_channel = len(mult) > 1
    out = rescale(x, mult, shift, int(attrs["input_zp"]), int(attrs["output_zp"]),
                  out_dtype=_storage(results[0].dtype), in_dtype=_storage(x.dtype), scale32=True,
                  rounding_mode=attrs["rounding_mode"], per_channel=per_channel, axis=int(attrs["axis"]))
    return [out.astype(results[0].dtype)]


@kernel("npu_tensor.clamp")
def k_clamp(inputs, attrs, results):
    return [clamp(inputs[0], int(attrs["min"]), int(attrs["max"]))]


@kernel("npu_tensor.table")
def k_table(inputs, attrs, results):
    return [table_int8(inputs[0], inputs[1])]


@kernel("npu_tensor.add_int")
def k_add_int(inputs, attrs, results):
    total = _as_int(inputs[0]) + _as_int(inputs[1])
    return [_require_int32(total, "add_int")]


@kernel("npu_tensor.reduce_sum_int")
def k_reduce_sum_int(inputs, attrs, results):
    x = _as_int(inputs[0]) - int(attrs["input_zp"])
    total = x.sum(axis=tuple(attrs["axes"]), keepdims=bool(attrs["keepdims"]))
    return [_require_int32(total, "reduce_sum_int").reshape(results[0].shape).astype(results[0].dtype)]


@kernel("npu_tensor.softmax_int")
def k_softmax_int(inputs, attrs, results):
    """Integer softmax (npu.numerics.softmax_int8): int8 in, int8 out with scale 1/256 and zero point -128."""
    x, exp_table, recip_table = inputs
    return [softmax_int8(x, exp_table, recip_table, axis=int(attrs["axis"]))]


@kernel("npu_tensor.layer_norm_int")
def k_layer_norm_int(inputs, attrs, results):
    """Integer layer normalization over the dims from `axis` on (npu.numerics.layer_norm_int8)."""
    x, table, gamma, beta = inputs
    names = ("input_zp", "epsilon", "pre_shift", "gamma_shift", "multiplier", "shift", "output_zp")
    return [layer_norm_int8(x, table, gamma, beta, axis=int(attrs["axis"]), rounding_mode=attrs["rounding_mode"],
                            **{n: int(attrs[n]) for n in names})]


# ----------------------------------------------------------------------------- low-precision float


@kernel("npu_tensor.quantize_float")
def k_quantize_float(inputs, attrs, results):
    fmt = float_format(results[0].dtype)
    return [quantize_float(inputs[0], attrs["scale"], fmt, saturate=bool(attrs["saturate"]))]


@kernel("npu_tensor.dequantize_float")
def k_dequantize_float(inputs, attrs, results):
    return [dequantize_float(inputs[0], attrs["scale"]).astype(results[0].dtype)]


def _epilogue(acc: np.ndarray, scale, bias, channel_axis: int) -> np.ndarray:
    """float32(acc) * scale[c] + bias in float32 (two roundings, no fused multiply-add).

    A conv's bias has one value per output channel (axis 1); a matmul's bias
    broadcasts against the result like numpy.
    """
    y = np.asarray(acc).astype(np.float32)
    shape = [1] * y.ndim
    shape[channel_axis] = -1
    s = np.asarray(scale, dtype=np.float32)
    y = y * (s.reshape(shape) if s.size > 1 else s.reshape(()))
    if bias is not None:
        b = np.asarray(bias, dtype=np.float32)
        y = y + (b.reshape(shape) if channel_axis == 1 else b)
    return y


def im2col(x: np.ndarray, kernel_shape, stride, pad, dilation, groups: int) -> tuple[np.ndarray, tuple[int, int]]:
    """NCHW x -> (patches [G, N*OH*OW, Cg*KH*KW] with taps ordered (c, ky, kx), (OH, OW)); padding reads 0."""
    n, c, h, w = x.shape
    kh, kw = kernel_shape
    (sy, sx), (dy, dx) = stride, dilation
    top, bottom, left, right = pad
    ekh, ekw = (kh - 1) * dy + 1, (kw - 1) * dx + 1
    oh = (h + top + bottom - ekh) // sy + 1
    ow = (w + left + right - ekw) // sx + 1
    bits = np.asarray(x).view(_UINT[np.dtype(x.dtype).itemsize])  # ml_dtypes floats: window over raw bits
    xp = np.pad(bits, ((0, 0), (0, 0), (top, bottom), (left, right)))  # bit pattern 0 is +0.0
    win = np.lib.stride_tricks.sliding_window_view(xp, (ekh, ekw), axis=(2, 3))
    win = win[:, :, : (oh - 1) * sy + 1 : sy, : (ow - 1) * sx + 1 : sx, ::dy, ::dx]  # [N, C, OH, OW, KH, KW]
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, groups, (c // groups) * kh * kw)
    return cols.transpose(1, 0, 2).view(x.dtype), (oh, ow)


@kernel("npu_tensor.conv_float")
def k_conv_float(inputs, attrs, results):
    """Grouped conv as float_matmul(patches, weights) per group, accumulated sequentially in `acc`."""
    x, w, bias = (list(inputs) + [None])[:3]  # the bias operand is optional
    geo = _conv_geometry(attrs)
    m = w.shape[0]
    g = geo["groups"]
    cols, (oh, ow) = im2col(x, tuple(w.shape[2:]), geo["stride"], geo["pad"], geo["dilation"], g)
    wg = w.reshape(g, m // g, -1).transpose(0, 2, 1)  # [G, Kg, Mg]
    acc = float_matmul(cols, wg, acc=attrs["acc"])  # [G, P, Mg]
    n = x.shape[0]
    acc = acc.transpose(1, 0, 2).reshape(n, oh, ow, m).transpose(0, 3, 1, 2)
    return [_epilogue(acc, attrs["scale"], bias, 1).astype(results[0].dtype)]


@kernel("npu_tensor.matmul_float")
def k_matmul_float(inputs, attrs, results):
    a, b, bias = (list(inputs) + [None])[:3]  # the bias operand is optional
    acc = float_matmul(a, b, acc=attrs["acc"])
    y = _epilogue(acc, attrs["scale"], bias, -1)
    return [np.broadcast_to(y, results[0].shape).astype(results[0].dtype)]
