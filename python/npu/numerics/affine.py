"""Affine integer quantization: float <-> int8/uint8/int4/uint4/int16 with scale and zero point.

Rules are ONNX's QuantizeLinear/DequantizeLinear (opset 21), which define what a
quantized ONNX model means:

    quantize:   q = saturate(round_half_to_even(x / scale) + zero_point)
    dequantize: x = (q - zero_point) * scale

computed in float32 like onnxruntime (x / scale is an IEEE float32 division).
Scales and zero points are per tensor (scalars), per axis (1-D along `axis`), or
blocked (`block_size` > 0: one scale per `block_size` consecutive elements along
`axis`, as ONNX's blocked quantization and int4 weight-only "group size").

Rounding differs from TOSA's on exact ties: RESCALE (apply_scale_32) rounds ties
towards +infinity (-2.5 -> -2, 2.5 -> 3), QuantizeLinear rounds them to even
(-2.5 -> -2, 2.5 -> 2, -1.5 -> -2). TOSA has no float->int quantize operator; its
CAST from float to int rounds to nearest, ties to even, like this module.
"""

from __future__ import annotations

import numpy as np

from npu.numerics.errors import NumericsError
from npu.numerics.inttypes import int_range, int_type, storage_dtype


def _expand(param, x: np.ndarray, axis: int | None, block_size: int, what: str) -> np.ndarray:
    """Broadcast a per-tensor/per-axis/blocked parameter to x's shape."""
    p = np.asarray(param)
    if p.ndim == 0 or (p.size == 1 and axis is None):
        return p.reshape(())
    if axis is None:
        raise NumericsError(f"{what}: a non-scalar parameter needs an axis")
    ax = axis % x.ndim
    n = x.shape[ax]
    if block_size > 0:
        if p.shape[ax] != -(-n // block_size) or p.ndim != x.ndim:
            raise NumericsError(f"{what}: blocked parameter shape {p.shape} does not match input {x.shape} "
                                f"with block_size {block_size} on axis {ax}")
        return np.repeat(p, block_size, axis=ax).take(np.arange(n), axis=ax)
    if p.ndim != 1 or p.size != n:
        raise NumericsError(f"{what}: per-axis parameter has {p.size} values, axis {ax} has {n}")
    shape = [1] * x.ndim
    shape[ax] = n
    return p.reshape(shape)


def quantize_affine(x, scale, zero_point=0, dtype="int8", *, axis: int | None = None,
                    block_size: int = 0) -> np.ndarray:
    """ONNX QuantizeLinear: saturate(rint(float32(x) / float32(scale)) + zero_point).

    Ties round to even (np.rint); NaN is refused; +-inf saturate. Returns the
    storage dtype of `dtype` (int4 values in int8, uint4 in uint8).
    """
    t = int_type(dtype)
    xf = np.asarray(x, dtype=np.float32)
    if np.isnan(xf).any():
        raise NumericsError("quantize_affine: input contains NaN")
    s = _expand(np.asarray(scale, dtype=np.float32), xf, axis, block_size, "quantize_affine scale")
    if np.any(~(s > 0)) or not np.all(np.isfinite(s)):
        raise NumericsError("quantize_affine: scales must be finite and > 0")
    zp = _expand(np.asarray(zero_point, dtype=np.int64), xf, axis, block_size, "quantize_affine zero_point")
    lo, hi = int_range(t)
    if np.any((zp < lo) | (zp > hi)):
        raise NumericsError(f"quantize_affine: zero point outside {t} [{lo}, {hi}]")
    with np.errstate(over="ignore"):
        r = np.rint(xf / s).astype(np.float64) + zp
    return np.clip(r, lo, hi).astype(storage_dtype(t))


def dequantize_affine(q, scale, zero_point=0, *, axis: int | None = None, block_size: int = 0) -> np.ndarray:
    """ONNX DequantizeLinear: float32(q - zero_point) * float32(scale), returns float32.

    q - zero_point is exact (int64); its conversion to float32 is exact for any
    8/16-bit q, and rounds to nearest even for int32 magnitudes above 2**24.
    """
    qa = np.asarray(q)
    if qa.dtype.kind not in "iu":
        raise NumericsError(f"dequantize_affine: expects an integer array, got {qa.dtype}")
    s = _expand(np.asarray(scale, dtype=np.float32), qa, axis, block_size, "dequantize_affine scale")
    zp = _expand(np.asarray(zero_point, dtype=np.int64), qa, axis, block_size, "dequantize_affine zero_point")
    return (qa.astype(np.int64) - zp).astype(np.float32) * s


def qparams_from_range(lo, hi, dtype="int8", *, symmetric: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(scale float32, zero_point int) that map the real range [lo, hi] onto `dtype`.

    The range is first widened to contain 0 (so 0.0 is exactly representable).
    Asymmetric: scale = (hi - lo) / (qmax - qmin), zero_point = saturate(rint(qmin - lo / scale)).
    Symmetric (signed types): scale = max(|lo|, |hi|) / qmax and zero_point = 0, so the
    grid is [-qmax, qmax] (int8: [-127, 127]; -128 is never produced by a real in range).
    Symmetric unsigned: zero_point = (qmax + 1) // 2 (uint8: 128), scale = max|.| / (qmax - zp).
    A zero-width range gets scale 1.0; scales never go below float32's smallest
    normal number. Vectorized over per-channel lo/hi arrays.
    """
    t = int_type(dtype)
    qmin, qmax = int_range(t)
    lo = np.minimum(np.asarray(lo, dtype=np.float64), 0.0)
    hi = np.maximum(np.asarray(hi, dtype=np.float64), 0.0)
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        raise NumericsError("qparams_from_range: range bounds must be finite")
    if symmetric:
        zp = 0 if qmin < 0 else (qmax + 1) // 2
        scale = np.maximum(-lo, hi) / float(qmax - zp)
    else:
        scale = (hi - lo) / float(qmax - qmin)
    # zero-width range -> 1.0; keep the float32 scale a normal number (never 0)
    scale = np.maximum(np.where(scale > 0, scale, 1.0), np.finfo(np.float32).tiny).astype(np.float32)
    if symmetric:
        zero = np.full(np.shape(scale), zp, dtype=np.int64)
    else:
        zero = np.clip(np.rint(qmin - lo / scale.astype(np.float64)), qmin, qmax).astype(np.int64)
    return scale, zero
