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


def _normalize_nd(indices: np.ndarray, dims) -> np.ndarray:
    """Index tuples along the last axis of `indices` into `dims`, negatives wrapped; a
    one-line error for the first one out of range (they are run-time data)."""
    dims = np.asarray(dims, dtype=np.int64)
    idx = indices.astype(np.int64, copy=False)
    idx = np.where(idx < 0, idx + dims, idx)
    bad = (idx < 0) | (idx >= dims)
    if bad.any():
        pos = tuple(int(p) for p in np.argwhere(bad)[0])
        d = int(dims[pos[-1]])
        raise NpuError(f"index {int(indices[pos])} at {list(pos)} out of range [-{d}, {d - 1}]")
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
    idx = _normalize_nd(indices, x.shape[b : b + k]).reshape((nb, -1, k))
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


# ---------------------------------------------------------------- scatter, scan, one-hot


_REDUCE = {"none": None, "add": np.add, "mul": np.multiply, "max": np.maximum, "min": np.minimum}


def _reduction(name: str):
    if name not in _REDUCE:
        raise NpuError(f"unknown reduction '{name}'")
    return _REDUCE[name]


@kernel("npu_tensor.scatter_elements")
def _scatter_elements(inputs, attrs, results):
    data, indices, updates = inputs
    axis = _axis(attrs["axis"], data.ndim)
    idx = list(np.indices(indices.shape, sparse=True))
    idx[axis] = _normalize_indices(indices, data.shape[axis])
    out = data.copy()
    ufunc = _reduction(attrs["reduction"])
    if ufunc is None:
        out[tuple(idx)] = updates
    else:
        ufunc.at(out, tuple(idx), updates)
    return [out]


@kernel("npu_tensor.scatter_nd")
def _scatter_nd(inputs, attrs, results):
    data, indices, updates = inputs
    k = indices.shape[-1]
    idx = _normalize_nd(indices, data.shape[:k]).reshape(-1, k)
    upd = updates.reshape((idx.shape[0],) + data.shape[k:])
    out = data.copy()
    ufunc = _reduction(attrs["reduction"])
    where = tuple(idx[:, j] for j in range(k))
    if ufunc is None:
        out[where] = upd
    else:
        ufunc.at(out, where, upd)
    return [out]


def _scan(x, attrs, ufunc, identity):
    axis = _axis(attrs["axis"], x.ndim)
    y = np.flip(x, axis) if attrs["reverse"] else x
    acc = ufunc.accumulate(y, axis=axis, dtype=y.dtype)
    if attrs["exclusive"]:
        first = np.full_like(np.take(acc, [0], axis=axis), identity)
        acc = np.concatenate([first, np.take(acc, np.arange(acc.shape[axis] - 1), axis=axis)], axis=axis)
    return np.ascontiguousarray(np.flip(acc, axis) if attrs["reverse"] else acc)


@kernel("npu_tensor.cum_sum")
def _cum_sum(inputs, attrs, results):
    return [_scan(inputs[0], attrs, np.add, 0)]


@kernel("npu_tensor.cum_prod")
def _cum_prod(inputs, attrs, results):
    return [_scan(inputs[0], attrs, np.multiply, 1)]


@kernel("npu_tensor.one_hot")
def _one_hot(inputs, attrs, results):
    indices = inputs[0]
    depth = results[0].shape[_axis(attrs["axis"], indices.ndim + 1)]
    idx = indices.astype(np.int64)
    idx = np.where(idx < 0, idx + depth, idx)
    hot = idx[..., None] == np.arange(depth)
    out = np.where(hot, np.asarray(attrs["on_value"]), np.asarray(attrs["off_value"])).astype(results[0].dtype)
    return [np.ascontiguousarray(np.moveaxis(out, -1, _axis(attrs["axis"], indices.ndim + 1)))]


@kernel("npu_tensor.reverse_sequence")
def _reverse_sequence(inputs, attrs, results):
    x, lens = inputs
    b, t = attrs["batch_axis"], attrs["time_axis"]
    moved = np.moveaxis(x, (b, t), (0, 1))
    steps = np.arange(moved.shape[1])[None, :]
    lens = lens.astype(np.int64)[:, None]
    src = np.where(steps < lens, lens - 1 - steps, steps)
    src = src.reshape(src.shape + (1,) * (moved.ndim - 2))
    out = np.take_along_axis(moved, np.broadcast_to(src, moved.shape), axis=1)
    return [np.ascontiguousarray(np.moveaxis(out, (0, 1), (b, t)))]


@kernel("npu_tensor.bit_cast")
def _bit_cast(inputs, attrs, results):
    x = np.ascontiguousarray(inputs[0])
    return [x.view(results[0].dtype).reshape(results[0].shape)]


# Kernels used only to fold constant inputs at import time (their results have
# data-dependent shapes, so they never reach level 1 as ops).


@kernel("npu_tensor.non_zero")
def _non_zero(inputs, attrs, results):
    return [np.array(np.nonzero(inputs[0]), dtype=np.int64).reshape(inputs[0].ndim, -1)]


@kernel("npu_tensor.unique")
def _unique(inputs, attrs, results):
    x = inputs[0]
    axis = attrs.get("axis")
    values, first, inverse, counts = np.unique(x, return_index=True, return_inverse=True, return_counts=True, axis=axis)
    if not attrs.get("sorted", 1):  # order of first occurrence
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        values = np.take(values, order, axis=0 if axis is None else axis)
        first, counts, inverse = first[order], counts[order], rank[inverse.reshape(-1)]
    return [values, first.astype(np.int64), inverse.reshape(-1).astype(np.int64), counts.astype(np.int64)]
