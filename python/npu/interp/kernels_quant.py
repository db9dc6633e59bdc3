"""Golden-interpreter kernels of the ONNX quantization ops in npu_tensor (level 1):
quantize_linear, dequantize_linear, dynamic_quantize_linear, qlinear_conv,
qlinear_matmul.

Rounding and saturation come from npu.numerics (ONNX QuantizeLinear rules):
  quantize    q = saturate(round_half_even(float32(x) / float32(scale)) + zp)
              float8 targets: round_to_format(x / scale) with or without
              saturation (`saturate`); float4 e2m1: a saturating cast.
  dequantize  x = float32(q - zp) * float32(scale), q - zp exact in int64,
              then rounded to the result dtype (f16/bf16 results round once).
Scales and zero points are per tensor, per axis (1-D along `axis`) or blocked
(`block_size` > 0), as in ONNX opset 21+.

QLinearConv / QLinearMatMul are exact integer ops up to the final requantize:
  acc = sum (x - x_zp) * (w - w_zp) (+ bias)           exact, int64
  y   = saturate(round_half_even(acc * M) + y_zp)      M = x_scale * w_scale / y_scale
M is computed in the scales' float type (float32, as the ONNX reference and
onnxruntime do) and the product acc * M in float64, then rounded half to even.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from npu.interp.kernels_nn import _cast, _conv_args, _inputs, conv, int_matmul
from npu.interp.registry import kernel
from npu.numerics import dequantize_affine, quantize_affine, round_to_format
from npu.numerics.inttypes import INT_TYPES

_FLOAT8 = {np.dtype(ml_dtypes.float8_e4m3fn), np.dtype(ml_dtypes.float8_e5m2)}


def int_bounds(dtype: np.dtype) -> tuple[int, int] | None:
    """(min, max) of an integer dtype (numpy or ml_dtypes int2/int4), None for floats."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu" or dtype.name in ("int4", "uint4", "int2", "uint2"):
        info = ml_dtypes.iinfo(dtype)
        return int(info.min), int(info.max)
    return None


def _as_int(a: np.ndarray) -> np.ndarray:
    """Integer array of any width (ml_dtypes int2/int4 included) as int64."""
    return np.asarray(a).astype(np.int64)


def _param(p: np.ndarray | None, block_size: int) -> np.ndarray | None:
    """A size-1 per-tensor parameter as a scalar (ONNX accepts [1] for per-tensor)."""
    if p is None:
        return None
    p = np.asarray(p)
    return p.reshape(()) if p.size == 1 and not block_size else p


def _expand(p: np.ndarray, shape: tuple, axis: int, block_size: int) -> np.ndarray:
    """Broadcast a per-tensor / per-axis / blocked parameter against `shape`."""
    if p.ndim == 0:
        return p
    if block_size:
        return np.repeat(p, block_size, axis=axis).take(np.arange(shape[axis]), axis=axis)
    out = [1] * len(shape)
    out[axis] = p.size
    return p.reshape(out)


def quantize_linear(x, scale, zp, out_dtype, *, axis: int, block_size: int, saturate: int) -> np.ndarray:
    out_dtype = np.dtype(out_dtype)
    axis = axis % max(np.ndim(x), 1)
    scale = _param(scale, block_size)
    zp = _param(zp, block_size)
    bounds = int_bounds(out_dtype)
    if bounds is not None:
        zp_i = 0 if zp is None else _as_int(zp)
        name = out_dtype.name if out_dtype.name in INT_TYPES else "int16"  # int2/uint2: narrow below
        q = quantize_affine(x, scale, zp_i, name, axis=axis, block_size=block_size)
        return np.clip(q.astype(np.int64), *bounds).astype(out_dtype)
    s = _expand(np.asarray(scale, dtype=np.float32), np.shape(x), axis, block_size)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        v = np.asarray(x, dtype=np.float32) / s
    if out_dtype in _FLOAT8:
        return round_to_format(v, out_dtype, saturate=bool(saturate))
    # float4 e2m1 (no inf/NaN encodings): the zero point is added in float, then a saturating cast
    if zp is not None:
        v = v + _expand(np.asarray(zp).astype(np.float32), np.shape(x), axis, block_size)
    return v.astype(out_dtype)


def dequantize_linear(x, scale, zp, *, axis: int, block_size: int) -> np.ndarray:
    """float32 result; the kernel rounds it to the declared result dtype."""
    axis = axis % max(np.ndim(x), 1)
    scale = _param(scale, block_size)
    zp = _param(zp, block_size)
    if int_bounds(np.asarray(x).dtype) is not None:
        zp_i = 0 if zp is None else _as_int(zp)
        return dequantize_affine(_as_int(x), scale, zp_i, axis=axis, block_size=block_size)
    # float8 / float4 input: float32(x - zp) * scale
    xf = np.asarray(x).astype(np.float32)
    if zp is not None:
        xf = xf - _expand(np.asarray(zp).astype(np.float32), xf.shape, axis, block_size)
    return xf * _expand(np.asarray(scale, dtype=np.float32), xf.shape, axis, block_size)


@kernel("npu_tensor.quantize_linear")
def _quantize_linear_kernel(inputs, attrs, results):
    x, scale, zp = _inputs(inputs, 3)
    y = quantize_linear(
        x, scale, zp, results[0].dtype,
        axis=int(attrs.get("axis", 1)), block_size=int(attrs.get("block_size", 0)),
        saturate=int(attrs.get("saturate", 1)),
    )
    return [_cast(y, results[0])]


@kernel("npu_tensor.dequantize_linear")
def _dequantize_linear_kernel(inputs, attrs, results):
    x, scale, zp = _inputs(inputs, 3)
    y = dequantize_linear(x, scale, zp, axis=int(attrs.get("axis", 1)), block_size=int(attrs.get("block_size", 0)))
    return [_cast(y, results[0])]


def requantize(acc: np.ndarray, multiplier: np.ndarray, zp, out_dtype) -> np.ndarray:
    """saturate(round_half_even(acc * multiplier) + zp) in out_dtype (acc exact int64)."""
    lo, hi = int_bounds(out_dtype)
    r = np.rint(acc.astype(np.float64) * np.asarray(multiplier, dtype=np.float64))
    zp = 0 if zp is None else _as_int(zp)
    return np.clip(r + zp, lo, hi).astype(out_dtype)


def _zp_along(zp, rank: int, axis: int):
    """Zero point: scalar, or 1-D broadcast along `axis` of a rank-`rank` tensor (int64)."""
    if zp is None:
        return 0
    zp = _as_int(zp)
    if zp.size == 1:
        return zp.reshape(())
    shape = [1] * rank
    shape[axis] = zp.size
    return zp.reshape(shape)


def _scale_along(s, rank: int, axis: int) -> np.ndarray:
    s = np.asarray(s)
    if s.size == 1:
        return s.reshape(())
    shape = [1] * rank
    shape[axis] = s.size
    return s.reshape(shape)


@kernel("npu_tensor.qlinear_conv")
def _qlinear_conv_kernel(inputs, attrs, results):
    """QLinearConv: integer conv of zero-point-corrected operands, int32 bias, requantize.

    w_scale / w_zero_point may be per output channel."""
    x, xs, xzp, w, ws, wzp, ys, yzp, bias = _inputs(inputs, 9)
    xi = _as_int(x) - _zp_along(xzp, x.ndim, 1)
    wi = _as_int(w) - _zp_along(wzp, w.ndim, 0)
    out = results[0]
    acc = conv(xi, wi, None if bias is None else _as_int(bias), **_conv_args(attrs, x, w, out))
    mult = np.asarray(xs) * _scale_along(ws, len(out.shape), 1) / np.asarray(ys)
    return [_cast(requantize(acc, mult, yzp, out.dtype), out)]


@kernel("npu_tensor.qlinear_matmul")
def _qlinear_matmul_kernel(inputs, attrs, results):
    """QLinearMatMul: (a - a_zp) @ (b - b_zp) exactly, then requantize.

    a's parameters may be per row (axis -2), b's per column (axis -1)."""
    a, a_s, azp, b, b_s, bzp, ys, yzp = _inputs(inputs, 8)
    ai = _as_int(a) - _zp_along(azp, a.ndim, a.ndim - 2)
    bi = _as_int(b) - _zp_along(bzp, b.ndim, b.ndim - 1)
    acc = int_matmul(ai, bi)
    r = acc.ndim
    mult = _scale_along(a_s, r, r - 2) * _scale_along(b_s, r, r - 1) / np.asarray(ys)
    return [_cast(requantize(acc, mult, yzp, results[0].dtype), results[0])]


@kernel("npu_tensor.dynamic_quantize_linear")
def _dynamic_quantize_linear_kernel(inputs, attrs, results):
    """DynamicQuantizeLinear (uint8): scale = (max(x, 0) - min(x, 0)) / 255 in float32
    (1/255 when that range is empty), zero point = round_half_even(saturate(-min / scale)),
    y = QuantizeLinear(x, scale, zero point)."""
    x = np.asarray(inputs[0], dtype=np.float32)
    hi = np.float32(max(0.0, float(x.max(initial=0.0))))
    lo = np.float32(min(0.0, float(x.min(initial=0.0))))
    scale = np.float32(1.0 if hi == lo else hi - lo) / np.float32(255)
    zp = np.rint(np.clip(np.float32(0) - lo / scale, 0, 255))
    y = quantize_affine(x, scale, int(zp), "uint8")
    outs = (y, np.asarray(scale), np.asarray(zp))
    return [_cast(v, spec) for v, spec in zip(outs, results)]
