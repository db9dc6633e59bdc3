"""Interpreter kernel of npu_tensor.resize (ONNX Resize), separable and vectorized.

Resize is separable, so the N-d op is a sequence of 1-d resamples, one per
axis whose size or scale changes. For one axis:

1. map each output index y to a source coordinate x (coordinate_transformation_mode);
2. nearest: round x (nearest_mode) and take; linear / cubic: take the n
   neighbours of x (edge-clamped) and weight them by the mode's coefficients
   (widened by 1/scale when antialias downsamples), optionally dropping
   neighbours outside the input (exclude_outside) and renormalizing;
3. tf_crop_and_resize positions outside the input get extrapolation_value.

Math runs in float64; the result is rounded (integers) and saturated to the
input dtype.
"""

from __future__ import annotations

import numpy as np

from npu.errors import NpuError
from npu.interp.registry import kernel


def source_coords(mode: str, y: np.ndarray, scale: float, in_len: int, out_len: int, roi) -> tuple[np.ndarray, np.ndarray | None]:
    """Source coordinate of each output index, and the extrapolated mask (tf_crop_and_resize)."""
    out_f = scale * in_len
    if mode == "align_corners":
        return (np.zeros_like(y) if out_f == 1 else y * (in_len - 1) / (out_f - 1)), None
    if mode == "asymmetric":
        return y / scale, None
    if mode == "tf_crop_and_resize":
        lo, hi = roi
        x = np.full_like(y, (hi - lo) * (in_len - 1) / 2) if out_f == 1 else y * (hi - lo) * (in_len - 1) / (out_f - 1)
        x = x + lo * (in_len - 1)
        return x, (x < 0) | (x > in_len - 1)
    if mode == "pytorch_half_pixel":
        return (np.full_like(y, -0.5) if out_f == 1 else (y + 0.5) / scale - 0.5), None
    if mode == "half_pixel":
        return (y + 0.5) / scale - 0.5, None
    if mode == "half_pixel_symmetric":
        offset = in_len / 2 * (1 - out_len / out_f)
        return offset + (y + 0.5) / scale - 0.5, None
    raise NpuError(f"unknown coordinate_transformation_mode '{mode}'")


def _nearest_index(x: np.ndarray, mode: str) -> np.ndarray:
    if mode == "round_prefer_floor":
        return np.ceil(x - 0.5)
    if mode == "round_prefer_ceil":
        return np.floor(x + 0.5)
    if mode == "floor":
        return np.floor(x)
    if mode == "ceil":
        return np.ceil(x)
    raise NpuError(f"unknown nearest_mode '{mode}'")


def _cubic(t: np.ndarray, a: float) -> np.ndarray:
    """Keys' cubic convolution kernel at distance t."""
    t = np.abs(t)
    near = ((a + 2) * t - (a + 3)) * t * t + 1
    far = ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
    return np.where(t <= 1, near, np.where(t < 2, far, 0.0))


def _coefficients(mode: str, ratio: np.ndarray, scale: float, a: float, antialias: bool) -> tuple[np.ndarray, int]:
    """(coefficients [out, n], index of the first neighbour relative to floor(x))."""
    if antialias and scale < 1:
        support = 1 if mode == "linear" else 2
        start = int(np.floor(-support / scale) + 1)
        offsets = np.arange(start, 2 - start)
        dist = (offsets[None, :] - ratio[:, None]) * scale
        w = np.clip(1 - np.abs(dist), 0, 1) if mode == "linear" else _cubic(dist, a)
        return w / w.sum(axis=1, keepdims=True), start
    if mode == "linear":
        return np.stack([1 - ratio, ratio], axis=1), 0
    offsets = np.arange(-1, 3)
    return _cubic(offsets[None, :] - ratio[:, None], a), -1


def resize_axis(x: np.ndarray, axis: int, out_len: int, scale: float, attrs, roi) -> np.ndarray:
    in_len = x.shape[axis]
    if out_len == 0 or in_len == 0:
        shape = list(x.shape)
        shape[axis] = out_len
        return np.zeros(shape, x.dtype)
    y = np.arange(out_len, dtype=np.float64)
    src, outside = source_coords(attrs["coordinate_transformation_mode"], y, scale, in_len, out_len, roi)
    mode = attrs["mode"]
    if mode == "nearest":
        idx = np.clip(_nearest_index(src, attrs["nearest_mode"]), 0, in_len - 1).astype(np.intp)
        out = np.take(x, idx, axis=axis)
    elif mode in ("linear", "cubic"):
        base = np.floor(src)
        exact = src == base
        # an exact source coordinate counts as ratio 1 from the pixel on its left (ONNX's convention)
        ratio = np.where(exact, 1.0, src - base)
        left = np.where(exact, base - 1, base)
        coeffs, start = _coefficients(mode, ratio, scale, attrs["cubic_coeff_a"], bool(attrs["antialias"]))
        n = coeffs.shape[1]
        neigh = left[:, None] + start + np.arange(n)[None, :]
        if attrs["exclude_outside"]:
            coeffs = np.where((neigh < 0) | (neigh >= in_len), 0.0, coeffs)
            total = coeffs.sum(axis=1, keepdims=True)
            coeffs = coeffs / np.where(total == 0, 1.0, total)
        idx = np.clip(neigh, 0, in_len - 1).astype(np.intp)
        gathered = np.take(x, idx, axis=axis)  # axis becomes (out, n)
        shape = (1,) * axis + coeffs.shape + (1,) * (x.ndim - axis - 1)
        out = (gathered * coeffs.reshape(shape)).sum(axis=axis + 1)
    else:
        raise NpuError(f"unknown resize mode '{mode}'")
    if outside is not None and outside.any():
        mask = outside.reshape((1,) * axis + (out_len,) + (1,) * (x.ndim - axis - 1))
        out = np.where(mask, attrs["extrapolation_value"], out)
    return out


def _saturate(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return np.clip(np.rint(x), info.min, info.max).astype(dtype)
    return x.astype(dtype)


@kernel("npu_tensor.resize")
def _resize(inputs, attrs, results):
    x = inputs[0]
    out_shape = results[0].shape
    scales = attrs["scales"]
    roi = attrs["roi"]
    rank = x.ndim
    data = x.astype(np.float64)
    for axis in range(rank):
        has_roi = len(roi) == 2 * rank and (roi[axis], roi[axis + rank]) != (0.0, 1.0)
        if out_shape[axis] == x.shape[axis] and np.isclose(scales[axis], 1.0) and not has_roi:
            continue
        axis_roi = (roi[axis], roi[axis + rank]) if len(roi) == 2 * rank else (0.0, 1.0)
        data = resize_axis(data, axis, out_shape[axis], scales[axis], attrs, axis_roi)
    return [_saturate(data, results[0].dtype)]
