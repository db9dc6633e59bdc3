"""Interpreter kernels of the shape / data-movement family of npu_tensor.

All static parameters are attributes (see dialects/npu_tensor.irdl.mlir); index
conventions are ONNX's (negative axes and indices count from the end, Slice
bounds are clamped). Resize lives in kernels_resize.py.
"""

from __future__ import annotations

import numpy as np

from npu.errors import NpuError
from npu.interp.registry import kernel


def _axis(axis: int, rank: int) -> int:
    if not -rank <= axis < max(rank, 1):
        raise NpuError(f"axis {axis} is out of range for rank {rank}")
    return axis % rank if rank else 0


@kernel("npu_tensor.reshape")
def _reshape(inputs, attrs, results):
    return [inputs[0].reshape(results[0].shape)]


@kernel("npu_tensor.squeeze")
def _squeeze(inputs, attrs, results):
    x = inputs[0]
    axes = attrs["axes"]
    return [np.squeeze(x, axis=tuple(_axis(a, x.ndim) for a in axes)) if axes else np.squeeze(x)]


@kernel("npu_tensor.unsqueeze")
def _unsqueeze(inputs, attrs, results):
    x = inputs[0]
    rank = x.ndim + len(attrs["axes"])
    return [np.expand_dims(x, tuple(_axis(a, rank) for a in attrs["axes"]))]


@kernel("npu_tensor.transpose")
def _transpose(inputs, attrs, results):
    return [np.ascontiguousarray(np.transpose(inputs[0], attrs["perm"]))]


@kernel("npu_tensor.concat")
def _concat(inputs, attrs, results):
    rank = inputs[0].ndim
    return [np.concatenate(inputs, axis=_axis(attrs["axis"], rank))]


def slice_index(shape, starts, ends, axes, steps) -> tuple:
    """The numpy index tuple of an ONNX Slice (bounds clamped as ONNX says)."""
    index = [slice(None)] * len(shape)
    for start, end, axis, step in zip(starts, ends, axes, steps):
        axis = _axis(axis, len(shape))
        dim = shape[axis]
        if step == 0:
            raise NpuError("slice step must not be 0")
        start = start + dim if start < 0 else start
        end = end + dim if end < 0 else end
        if step > 0:
            start, end = min(max(start, 0), dim), min(max(end, 0), dim)
            index[axis] = slice(start, end, step)
        else:
            start, end = min(max(start, 0), dim - 1), min(max(end, -1), dim - 1)
            index[axis] = slice(start, None if end < 0 else end, step)
    return tuple(index)


@kernel("npu_tensor.slice")
def _slice(inputs, attrs, results):
    x = inputs[0]
    idx = slice_index(x.shape, attrs["starts"], attrs["ends"], attrs["axes"], attrs["steps"])
    return [np.ascontiguousarray(x[idx])]


def _normalize_indices(indices: np.ndarray, dim: int) -> np.ndarray:
    idx = indices.astype(np.int64, copy=False)
    idx = np.where(idx < 0, idx + dim, idx)
    if idx.size and (idx.min() < 0 or idx.max() >= dim):
        raise NpuError(f"gather index out of range [-{dim}, {dim - 1}]")
    return idx


@kernel("npu_tensor.gather")
def _gather(inputs, attrs, results):
    x, indices = inputs
    axis = _axis(attrs["axis"], x.ndim)
    return [np.take(x, _normalize_indices(indices, x.shape[axis]), axis=axis)]


@kernel("npu_tensor.gather_elements")
def _gather_elements(inputs, attrs, results):
    x, indices = inputs
    axis = _axis(attrs["axis"], x.ndim)
    return [np.take_along_axis(x, _normalize_indices(indices, x.shape[axis]), axis=axis)]


@kernel("npu_tensor.gather_nd")
def _gather_nd(inputs, attrs, results):
    x, indices = inputs
    b = attrs["batch_dims"]
    k = indices.shape[-1]
    batch = x.shape[:b]
    nb = int(np.prod(batch, dtype=np.int64))
    xs = x.reshape((nb,) + x.shape[b:])
    idx = indices.reshape((nb, -1, k)).astype(np.int64)
    dims = np.array(x.shape[b : b + k])
    idx = np.where(idx < 0, idx + dims, idx)
    gathered = xs[(np.arange(nb)[:, None],) + tuple(idx[..., j] for j in range(k))]
    return [gathered.reshape(results[0].shape)]


@kernel("npu_tensor.expand")
def _expand(inputs, attrs, results):
    x = inputs[0]
    shape = np.broadcast_shapes(x.shape, tuple(attrs["shape"]))
    return [np.ascontiguousarray(np.broadcast_to(x, shape))]


@kernel("npu_tensor.tile")
def _tile(inputs, attrs, results):
    return [np.tile(inputs[0], attrs["repeats"])]


_PAD_MODES = {"constant": "constant", "reflect": "reflect", "edge": "edge", "wrap": "wrap"}


@kernel("npu_tensor.pad")
def _pad(inputs, attrs, results):
    x = inputs[0]
    pads = attrs["pads"]
    rank = x.ndim
    begin, end = pads[:rank], pads[rank:]
    mode = attrs["mode"]
    if mode not in _PAD_MODES:
        raise NpuError(f"unknown pad mode '{mode}'")
    # Negative pads crop: crop first, then pad by the positive amounts.
    crop = tuple(slice(max(-b, 0), x.shape[i] - max(-e, 0)) for i, (b, e) in enumerate(zip(begin, end)))
    x = x[crop]
    widths = [(max(b, 0), max(e, 0)) for b, e in zip(begin, end)]
    if mode == "constant":
        value = np.asarray(attrs["value"]).astype(x.dtype)
        out = np.pad(x, widths, mode="constant", constant_values=value)
    else:
        out = np.pad(x, widths, mode=_PAD_MODES[mode])
    return [out]


@kernel("npu_tensor.depth_to_space")
def _depth_to_space(inputs, attrs, results):
    x = inputs[0]
    n, c, h, w = x.shape
    bs = attrs["blocksize"]
    if attrs["mode"] == "DCR":
        t = x.reshape(n, bs, bs, c // (bs * bs), h, w).transpose(0, 3, 4, 1, 5, 2)
    else:
        t = x.reshape(n, c // (bs * bs), bs, bs, h, w).transpose(0, 1, 4, 2, 5, 3)
    return [np.ascontiguousarray(t.reshape(results[0].shape))]


@kernel("npu_tensor.space_to_depth")
def _space_to_depth(inputs, attrs, results):
    x = inputs[0]
    n, c, h, w = x.shape
    bs = attrs["blocksize"]
    t = x.reshape(n, c, h // bs, bs, w // bs, bs).transpose(0, 3, 5, 1, 2, 4)
    return [np.ascontiguousarray(t.reshape(results[0].shape))]


@kernel("npu_tensor.trilu")
def _trilu(inputs, attrs, results):
    x = inputs[0]
    k = attrs["k"]
    return [np.triu(x, k) if attrs["upper"] else np.tril(x, k)]


@kernel("npu_tensor.range")
def _range(inputs, attrs, results):
    start, limit, delta = inputs
    count = max(int(np.ceil((limit.item() - start.item()) / delta.item())), 0)
    out = start.item() + np.arange(count, dtype=np.float64 if start.dtype.kind == "f" else np.int64) * delta.item()
    return [out.astype(start.dtype)]


@kernel("npu_tensor.constant_of_shape")
def _constant_of_shape(inputs, attrs, results):
    value = np.asarray(attrs["value"]).reshape(-1)
    shape = tuple(int(d) for d in inputs[0])
    return [np.full(shape, value[0], dtype=value.dtype)]
