"""Decompositions of data-movement ops into slices, concats, expands, reshapes, transposes and matmuls.

Ops and rewrites (x the input; "take" is a gather along one axis by a constant
index vector, built from strided slices, expand-repeats of runs and a chain of
concats; entries marked fill become constant blocks):

- pad (constant / reflect / edge / wrap, negative pads crop): per axis, a take
  whose index vector is numpy's own pad of arange(n) (constant: fill blocks of
  `value`). Reflect and wrap give reversed or wrapped single-row slices.
- resize: per resized axis (the golden kernel's order and skip rule),
  nearest -> a take by the golden kernel's own source indices (extrapolated
  positions of tf_crop_and_resize become fill blocks); linear / cubic -> a
  matmul with the constant matrix R (out = R . in along the axis) obtained by
  running the golden kernel's `resize_axis` on the identity, plus a constant
  for extrapolated positions. Float nearest also takes the matmul when the take
  would need more than NEAREST_PIECES pieces.
- gather: constant indices -> a take (then a reshape); runtime indices -> a
  one-hot matmul: the indices cast to f32, negatives wrapped by
  idx + n * min(relu(-idx), 1), onehot = relu(1 - |idx - iota|), out =
  onehot @ table (the gathered axis brought first by transpose/reshape).
- gather_nd: index tuples flattened over the indexed dims (per batch_dims entry);
  constant -> a take of the flattened input; run-time -> f32 flat index
  sum_j wrap(idx_j) * stride_j, one-hot rows, batched matmul; an i32 table as two i16
  halves gathered that way and recombined in i32 (exact).
- one_hot (run-time indices): the same one-hot rows; on/off as on * hot + off * (1 - hot).
- gather_elements: constant indices -> a take of the flattened input at the flat
  indices; run-time indices -> one-hot rows (as gather) times x along the axis, reduce_sum.
- einsum (one or two operands, `...` broadcast): repeated labels -> mask multiply by an
  identity + reduce_sum; labels in one operand only and not in the output -> reduce_sum;
  then transpose/reshape both to (batch.., M, K) and (batch.., K, N), matmul, reshape,
  transpose to the output order.
- depth_to_space / space_to_depth: reshape, transpose, reshape.
- tile: per axis, reshape (a size-1 axis before it) + expand + reshape.
- trilu: mul by a constant 0/1 mask.
- cum_sum: f32 -> matmul with a constant triangular 0/1 matrix along the axis;
  integer and f64 (level 4 has f64 add, no f64 matmul) -> ceil(log2 n) rounds of y += y shifted by 1, 2, 4, .. (slice + zero
  block concat), exclusive/reverse by shifting the input / the other way.
- reverse_sequence: constant lens -> per batch entry a take along time, concat over
  batch; run-time lens -> per batch entry a 0/1 permutation matrix built from the
  lengths (src(t) = t + min(relu(L - t), 1) * (L - 1 - 2t), one-hot as above) and a
  batched matmul.

Exactness. Takes, fills, reshapes, transposes and expands move values and are
bit-exact for every dtype (integer and !quant.uniform included: fills of a
quantized tensor are a one-element slice clamped to the value, then expanded).
The one-hot selections (gather, gather_elements, gather_nd, reverse_sequence
with run-time indices) are exact in float for finite inputs (one non-zero term
per sum: 1 * t plus exact zeros, a -0.0 may come out +0.0; an inf/NaN entry
would poison its whole output row as 0 * inf = NaN) and for integer indices
with |idx| < 2^24 (exact in f32, so |idx - k| is an exact integer and
relu(1 - |d|) is exactly 1 at d = 0 and 0 elsewhere). Every in-range index
satisfies it, since the axis has fewer than 2^24 entries (checked); int64
indices (ONNX's default, a level-4 data-movement type) reach f32 through one
npu_pe.cast, which rounds an index of magnitude >= 2^24 to a float still
>= 2^24 in magnitude: an out-of-range index of any size, wrapped or not, stays
at distance >= 1 from every column and gives a zero row. f16/bf16/fp8 values and
integers up to 16 bits go through an exact f32 cast (f64 stays f64); wider
integers and quantized values are refused. An index out of range gives a zero
row instead of the golden interpreter's run-time error. one_hot is exact (f32
or integer values); float indices truncate toward zero through an i32 cast as
the golden's astype does. trilu by mask: exact for finite inputs (0 * inf =
NaN where the golden zeroes). Integer cum_sum by shift-and-add and integer
einsum are exact on the golden interpreter (adds, reduce_sum and matmul wrap
to the width as the golden's running sum does); level-4 integer adds saturate
instead, so there the partial sums must stay in range.

Float bounds (u = 2^-24 for f32). Resize linear/cubic per axis a: |err| <=
(t_a + 2) * u * L_a * max|in_a| where t_a is the most non-zero taps of a row of
R and L_a its largest row sum of |R| (rounding R to f32, the products, the
sums; the golden kernel computes in float64 and rounds once); the axes chain
(L multiplies). Nearest by matmul is exact for finite inputs (one weight 1.0
per row). f16 / bf16 / fp8 linear and cubic compute in f32 and round once at
the end: at most one unit in the last place of the result type more than the
golden's single rounding. cum_sum (f32, or f64 with u = 2^-53): |err| <= n * u
* sum|x| over the axis (the golden accumulates left to right, the matmul or the
f64 shift-and-add tree of depth ceil(log2 n) in another order). einsum: |err| <= (L + 2) * u * einsum(|a|, |b|), L the number
of products per output element (the golden sums in float64 and rounds once;
the diagonal masks are exact).
Measured (bench/decompose_data_errors.py, standard-normal inputs): resize
linear/cubic max |err| / max|x| 6.5e-8 .. 1.2e-7 on the golden interpreter
(<= 0.31 of the bound), 3.3e-8 .. 8.1e-8 on level 4 (edge-lpddr); cum_sum
1.1e-7 of sum|x| (0.36 of the bound); einsum 1.7e-8 of einsum(|a|, |b|).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from mlir import ir
from mlir.dialects import quant

from npu.decompose import decomposes
from npu.decompose.builder import Builder, shape_of
from npu.errors import NpuError
from npu.ir import dtypes
from npu.ir.attrs import from_attr

NEAREST_PIECES = 16  # a float nearest resize with more take pieces than this uses the matmul instead
FILL = -1  # marks a fill entry in a take's index vector


# ------------------------------------------------------------------ helpers


def _attrs(op: ir.Operation) -> dict:
    return {name: from_attr(op.attributes[name]) for name in op.attributes}


def _is_quant(t: ir.Type) -> bool:
    return isinstance(t, quant.QuantizedType)


def _float_dtype(dt) -> bool:
    """numpy floats and ml_dtypes' (bfloat16, float8_*: numpy kind 'V')."""
    return dt is not None and (dt.kind == "f" or dt.name.startswith(("bfloat", "float")))


def _i64(values) -> ir.DenseI64ArrayAttr:
    return ir.DenseI64ArrayAttr.get([int(v) for v in values])


def concat(b: Builder, values: Sequence[ir.Value], axis: int) -> ir.Value:
    """A chain of two-operand concats along `axis`."""
    out = values[0]
    for v in values[1:]:
        out = b.concat([out, v], axis)
    return out


def expand(b: Builder, x: ir.Value, shape: Sequence[int]) -> ir.Value:
    if tuple(shape) == shape_of(x):
        return x
    return b.op("npu_tensor.expand", [x], shape, b.elem(x), {"shape": _i64(shape)})


def repeat_axis(b: Builder, x: ir.Value, axis: int, times: int, outer: bool = False) -> ir.Value:
    """Each entry along `axis` repeated `times` times in place (outer: the whole axis repeated, like np.tile)."""
    if times == 1:
        return x
    shape = list(shape_of(x))
    at = axis if outer else axis + 1
    y = b.reshape(x, shape[:at] + [1] + shape[at:])
    y = expand(b, y, shape[:at] + [times] + shape[at:])
    shape[axis] *= times
    return b.reshape(y, shape)


def fill(b: Builder, like: ir.Value, shape: Sequence[int], value) -> ir.Value:
    """A tensor of `shape` and like's element type, every element `value` (in like's dtype / storage)."""
    elem = b.elem(like)
    if not _is_quant(elem):
        dtype = dtypes.numpy_dtype(elem)
        return b.const(np.full(tuple(shape), np.asarray(value).astype(dtype), dtype), elem)
    # no constant of a quantized type: one element of `like` clamped to the value, broadcast
    q = int(np.asarray(value).astype(dtypes.numpy_dtype(elem)))
    one = b.slice(like, list(range(len(shape))), [0] * len(shape), [1] * len(shape))
    one = b.op("npu_tensor.clamp", [one], [1] * len(shape), elem, {"min": q, "max": q})
    return expand(b, one, shape)


def pieces(idx: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Cut an index vector into (start, step, count, repeat) pieces: entries start + step*i
    for i < count, each repeated `repeat` times (step >= 1); start FILL marks fill entries."""
    idx = [int(v) for v in idx]
    runs: list[list[int]] = []  # [value, length]
    for v in idx:
        if runs and runs[-1][0] == v:
            runs[-1][1] += 1
        else:
            runs.append([v, 1])
    out: list[tuple[int, int, int, int]] = []
    i = 0
    while i < len(runs):
        v, c = runs[i]
        if v == FILL:
            out.append((FILL, 0, c, 1))
            i += 1
            continue
        j, step = i + 1, None
        while j < len(runs) and runs[j][1] == c and runs[j][0] != FILL:
            d = runs[j][0] - runs[j - 1][0]
            if d < 1 or (step is not None and d != step):
                break
            step = d
            j += 1
        out.append((v, step or 1, j - i, c))
        i = j
    return out


def take(b: Builder, x: ir.Value, axis: int, idx: np.ndarray, fill_value=0) -> ir.Value:
    """x gathered along `axis` at the constant (non-negative) indices `idx`; FILL entries are `fill_value`."""
    parts, made = [], {}
    shape = list(shape_of(x))
    if len(idx) == 0:
        raise NpuError("a result with an empty dimension has no decomposition")
    if list(idx) == list(range(shape[axis])):
        return x
    for key in pieces(np.asarray(idx)):
        start, step, count, rep = key
        if key not in made:  # a piece that recurs (reflect, wrap) is built once
            if start == FILL:
                block = list(shape)
                block[axis] = count
                made[key] = fill(b, x, block, fill_value)
            else:
                part = b.slice(x, [axis], [start], [start + step * (count - 1) + 1], [step])
                made[key] = repeat_axis(b, part, axis, rep)
        parts.append(made[key])
    return concat(b, parts, axis)


@decomposes("npu_tensor.slice")
def slice_(op: ir.Operation, b: Builder) -> list[ir.Value] | None:
    """A slice with a negative step (level-4 DMA strides are non-negative): per listed axis, a take
    of golden's own index vector (npu.interp.kernels_shape.slice_index: ONNX's clamping); a reversed
    run is one single-row slice per element, concatenated. Exact (values only move). Other slices:
    the sub-byte byte-carrier rule (npu.decompose.subbyte), else left alone."""
    from npu.decompose.subbyte import as_bytes
    from npu.interp.kernels_shape import slice_index

    attrs = {k: [int(v) for v in from_attr(op.attributes[k])] for k in ("starts", "ends", "axes", "steps")}
    if all(step > 0 for step in attrs["steps"]):
        return as_bytes(op, b)
    x = op.operands[0]
    shape = shape_of(x)
    index = slice_index(shape, attrs["starts"], attrs["ends"], attrs["axes"], attrs["steps"])
    for axis, sl in enumerate(index):
        idx = np.arange(shape[axis])[sl]
        if len(idx) == 0:
            return None  # an empty result: npu-fold-empty's case
        x = take(b, x, axis, idx)
    return [x]


def _axis(axis: int, rank: int) -> int:
    if not -rank <= axis < max(rank, 1):
        raise NpuError(f"axis {axis} is out of range for rank {rank}")
    return axis % max(rank, 1)


def _require_nonempty(x: ir.Value, what: str) -> None:
    if 0 in shape_of(x):
        raise NpuError(f"{what} of an empty tensor has no decomposition")


# ------------------------------------------------------------------ pad


def pad_indices(n: int, begin: int, end: int, mode: str) -> np.ndarray:
    """The source index of each result entry of a 1-D pad of length n (golden kernel's order: crop, then pad)."""
    src = np.arange(n)[max(-begin, 0): n - max(-end, 0)]
    widths = (max(begin, 0), max(end, 0))
    if mode == "constant":
        return np.pad(src, widths, mode="constant", constant_values=FILL)
    if src.size == 0 and any(widths):
        raise NpuError(f"pad mode '{mode}' of an axis cropped to nothing")
    return np.pad(src, widths, mode=mode)


@decomposes("npu_tensor.pad")
def pad(op: ir.Operation, b: Builder):
    x = op.operands[0]
    attrs = _attrs(op)
    mode, pads = attrs["mode"], list(attrs["pads"])
    if mode not in ("constant", "reflect", "edge", "wrap"):
        raise NpuError(f"unknown pad mode '{mode}'")
    rank = len(shape_of(x))
    _require_nonempty(x, "pad")
    value = attrs.get("value", 0)
    y = x
    for axis in range(rank):
        idx = pad_indices(shape_of(y)[axis], pads[axis], pads[axis + rank], mode)
        y = take(b, y, axis, idx, value)
    return [y]


# ------------------------------------------------------------------ resize


def _resize_axes(attrs: dict, in_shape, out_shape):
    """(axis, out_len, scale, roi) for each axis the golden kernel resamples, in its order."""
    rank, roi, scales = len(in_shape), list(attrs["roi"]), list(attrs["scales"])
    for axis in range(rank):
        has_roi = len(roi) == 2 * rank and (roi[axis], roi[axis + rank]) != (0.0, 1.0)
        if out_shape[axis] == in_shape[axis] and np.isclose(scales[axis], 1.0) and not has_roi:
            continue
        axis_roi = (roi[axis], roi[axis + rank]) if len(roi) == 2 * rank else (0.0, 1.0)
        yield axis, out_shape[axis], scales[axis], axis_roi


def resize_matrix(attrs: dict, in_len: int, out_len: int, scale: float, roi) -> tuple[np.ndarray, np.ndarray]:
    """(R [out, in], e [out]) with resize_axis(v) == R @ v + e for every vector v (float64, golden logic)."""
    from npu.interp.kernels_resize import resize_axis

    zero_ext = dict(attrs, extrapolation_value=0.0)
    r = resize_axis(np.eye(in_len), 0, out_len, scale, zero_ext, roi)
    e = resize_axis(np.zeros((in_len, 1)), 0, out_len, scale, attrs, roi)[:, 0]
    return r, e


def nearest_indices(attrs: dict, in_len: int, out_len: int, scale: float, roi) -> np.ndarray:
    """Source index of each output entry of a nearest resize (FILL where extrapolated)."""
    from npu.interp.kernels_resize import resize_axis

    marked = dict(attrs, extrapolation_value=np.nan)
    src = resize_axis(np.arange(in_len, dtype=np.float64)[:, None], 0, out_len, scale, marked, roi)[:, 0]
    return np.where(np.isnan(src), FILL, src).astype(np.int64)


def along(b: Builder, x: ir.Value, axis: int, r: np.ndarray) -> ir.Value:
    """x with `axis` mapped by the constant matrix r [m, n]: out[.., y, ..] = sum_k r[y, k] x[.., k, ..]."""
    shape = list(shape_of(x))
    m, n = r.shape
    pre, post = math.prod(shape[:axis]), math.prod(shape[axis + 1:])
    elem = b.elem(x)
    if post == 1:
        y = b.op("npu_tensor.matmul", [b.reshape(x, [pre, n]), b.const(r.T, elem)], [pre, m], elem)
    elif pre == 1:
        y = b.op("npu_tensor.matmul", [b.const(r, elem), b.reshape(x, [n, post])], [m, post], elem)
    else:
        y = b.op("npu_tensor.matmul", [b.const(r, elem), b.reshape(x, [pre, n, post])], [pre, m, post], elem)
    shape[axis] = m
    return b.reshape(y, shape)


@decomposes("npu_tensor.resize")
def resize(op: ir.Operation, b: Builder):
    x = op.operands[0]
    attrs = _attrs(op)
    out_shape = shape_of(op.results[0])
    elem = b.elem(x)
    mode = attrs["mode"]
    if mode not in ("nearest", "linear", "cubic"):
        raise NpuError(f"unknown resize mode '{mode}'")
    if b.elem(op.results[0]) != elem:
        raise NpuError("resize with a result type other than its input's has no decomposition")
    _require_nonempty(x, "resize")
    dt = None if _is_quant(elem) else dtypes.numpy_dtype(elem)
    # linear / cubic run in f32 (f64 kept); f16, bf16, fp8 go through f32 and are rounded back once
    work = elem if dt in (np.float32, np.float64) else ir.F32Type.get()
    cast = {"saturate": 1, "round_mode": "up"}
    y = x
    for axis, out_len, scale, roi in _resize_axes(attrs, shape_of(x), out_shape):
        in_len = shape_of(y)[axis]
        if mode == "nearest":
            idx = nearest_indices(attrs, in_len, out_len, scale, roi)
            if dt not in (np.float32, np.float64) or len(pieces(idx)) <= NEAREST_PIECES:
                ext = attrs["extrapolation_value"]
                if not _float_dtype(dt):
                    ext = _saturated(ext, elem)
                y = take(b, y, axis, idx, ext)
                continue
        elif not _float_dtype(dt):
            raise NpuError(f"{mode} resize of {elem} has no decomposition (float only: integers would need the golden rounding)")
        if b.elem(y) != work:
            y = b.op("npu_tensor.cast", [y], shape_of(y), work, cast)
        r, e = resize_matrix(attrs, in_len, out_len, scale, roi)
        y = along(b, y, axis, r)
        if np.any(e != 0):
            rank = len(out_shape)
            shape = [1] * rank
            shape[axis] = out_len
            y = b.op("npu_tensor.add", [y, b.const(e.reshape(shape), work)], shape_of(y), work)
    if b.elem(y) != elem:
        y = b.op("npu_tensor.cast", [y], shape_of(y), elem, cast)
    return [y]


def _saturated(value: float, elem: ir.Type) -> int:
    info = np.iinfo(dtypes.numpy_dtype(elem))
    return int(np.clip(np.rint(value), info.min, info.max))


# ------------------------------------------------------------------ gather


@decomposes("npu_tensor.gather")
def gather(op: ir.Operation, b: Builder):
    x, indices = op.operands[0], op.operands[1]
    shape = shape_of(x)
    axis = _axis(from_attr(op.attributes["axis"]), len(shape))
    n = shape[axis]
    out_shape = list(shape_of(op.results[0]))
    const = b.constant_value(indices)
    if const is not None:
        idx = const.astype(np.int64).reshape(-1)
        idx = np.where(idx < 0, idx + n, idx)
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            bad = int(const.reshape(-1)[(idx < 0) | (idx >= n)][0])
            raise NpuError(f"gather index {bad} out of range [-{n}, {n - 1}]")
        if idx.size == 0:
            return None
        return [b.reshape(take(b, x, axis, idx), out_shape)]
    return [onehot_gather(b, x, indices, axis, out_shape)]


def _select_type(elem: ir.Type, what: str) -> ir.Type:
    """The type a one-hot selection of `elem` values runs in: f32 (f64 kept); other floats and integers
    up to 16 bits are cast there and back exactly; anything else is refused."""
    if _is_quant(elem):
        raise NpuError(f"{what} of quantized values with run-time indices has no exact decomposition")
    dt = dtypes.numpy_dtype(elem)
    if not _float_dtype(dt) and (dt.kind not in "iu" or dt.itemsize > 2):
        raise NpuError(f"{what} of a {elem} table with run-time indices has no exact decomposition (floats and integers up to 16 bits)")
    return elem if dt in (np.float32, np.float64) else ir.F32Type.get()


def onehot_gather(b: Builder, x: ir.Value, indices: ir.Value, axis: int, out_shape) -> ir.Value:
    """x gathered along `axis` at run-time `indices` by a one-hot matmul (see the module docstring)."""
    elem = b.elem(x)
    shape = list(shape_of(x))
    n = shape[axis]
    ielem = b.elem(indices)
    if _is_quant(ielem) or dtypes.numpy_dtype(ielem).kind not in "iu":
        raise NpuError(f"gather with run-time indices of type {ielem} has no decomposition")
    work = _select_type(elem, "gather")
    k = math.prod(shape_of(indices))
    cast = {"saturate": 1, "round_mode": "up"}
    hot = _one_hot_rows(b, indices, n)
    if work != hot.type.element_type:
        hot = b.op("npu_tensor.cast", [hot], [k, n], work, cast)
    pre, post = math.prod(shape[:axis]), math.prod(shape[axis + 1:])
    table = x
    if axis:
        table = b.transpose(b.reshape(x, [pre, n, post]), [1, 0, 2])
    table = b.reshape(table, [n, pre * post])
    if work != elem:
        table = b.op("npu_tensor.cast", [table], [n, pre * post], work, cast)
    y = b.op("npu_tensor.matmul", [hot, table], [k, pre * post], work)
    if work != elem:
        y = b.op("npu_tensor.cast", [y], [k, pre * post], elem, cast)
    if axis:
        y = b.transpose(b.reshape(y, [k, pre, post]), [1, 0, 2])
    return b.reshape(y, out_shape)


# ------------------------------------------------------------------ layout family


@decomposes("npu_tensor.depth_to_space")
def depth_to_space(op: ir.Operation, b: Builder):
    x = op.operands[0]
    attrs = _attrs(op)
    n, c, h, w = shape_of(x)
    bs = attrs["blocksize"]
    if attrs["mode"] == "DCR":
        t = b.transpose(b.reshape(x, [n, bs, bs, c // (bs * bs), h, w]), [0, 3, 4, 1, 5, 2])
    else:
        t = b.transpose(b.reshape(x, [n, c // (bs * bs), bs, bs, h, w]), [0, 1, 4, 2, 5, 3])
    return [b.reshape(t, shape_of(op.results[0]))]


@decomposes("npu_tensor.space_to_depth")
def space_to_depth(op: ir.Operation, b: Builder):
    x = op.operands[0]
    n, c, h, w = shape_of(x)
    bs = from_attr(op.attributes["blocksize"])
    t = b.transpose(b.reshape(x, [n, c, h // bs, bs, w // bs, bs]), [0, 3, 5, 1, 2, 4])
    return [b.reshape(t, shape_of(op.results[0]))]


@decomposes("npu_tensor.tile")
def tile(op: ir.Operation, b: Builder):
    y = op.operands[0]
    for axis, times in enumerate(from_attr(op.attributes["repeats"])):
        y = repeat_axis(b, y, axis, int(times), outer=True)
    return [y]


@decomposes("npu_tensor.trilu")
def trilu(op: ir.Operation, b: Builder):
    x = op.operands[0]
    elem = b.elem(x)
    if _is_quant(elem) or dtypes.numpy_dtype(elem).kind == "b":
        raise NpuError(f"trilu of {elem} has no decomposition (mask multiply needs a plain number type)")
    shape = shape_of(x)
    if len(shape) < 2:
        return None
    attrs = _attrs(op)
    ones = np.ones(shape[-2:])
    mask = np.triu(ones, attrs["k"]) if attrs["upper"] else np.tril(ones, attrs["k"])
    return [b.op("npu_tensor.mul", [x, b.const(mask, elem)], shape, elem)]


@decomposes("npu_tensor.cum_sum")
def cum_sum(op: ir.Operation, b: Builder):
    x = op.operands[0]
    elem = b.elem(x)
    dt = None if _is_quant(elem) else dtypes.numpy_dtype(elem)
    if dt is None or dt.kind not in "iuf" or (dt.kind == "f" and dt not in (np.float32, np.float64)):
        raise NpuError(f"cum_sum of {elem} has no decomposition (f32, f64 and plain integers only)")
    shape = shape_of(x)
    attrs = _attrs(op)
    axis = _axis(attrs["axis"], len(shape))
    n = shape[axis]
    if dt.kind in "iu" or dt == np.float64:  # f64: exact f64 adds in a tree (no f64 matmul at level 4)
        return [_scan_add(b, x, axis, bool(attrs["exclusive"]), bool(attrs["reverse"]))]
    k, j = np.arange(n)[:, None], np.arange(n)[None, :]
    if attrs["reverse"]:
        tri = (k > j) if attrs["exclusive"] else (k >= j)
    else:
        tri = (k < j) if attrs["exclusive"] else (k <= j)
    # out[j] = sum_k tri[k, j] x[k]: the matrix applied along the axis is tri.T
    return [along(b, x, axis, tri.T.astype(np.float64))]


def shift_in(b: Builder, x: ir.Value, axis: int, by: int, reverse: bool, value=0) -> ir.Value:
    """x moved `by` places along `axis` (towards the end, or the start when reverse), `value` shifted in
    (the identity of a scan: 0 for cum_sum, 1 for cum_prod)."""
    shape = list(shape_of(x))
    n = shape[axis]
    block = list(shape)
    block[axis] = min(by, n)
    pad = fill(b, x, block, value)
    if by >= n:
        return pad
    if reverse:
        return concat(b, [b.slice(x, [axis], [by], [n]), pad], axis)
    return concat(b, [pad, b.slice(x, [axis], [0], [n - by])], axis)


def _scan_add(b: Builder, x: ir.Value, axis: int, exclusive: bool, reverse: bool) -> ir.Value:
    """Running sum in ceil(log2 n) shift-and-add rounds (Hillis-Steele); integer adds wrap like the
    golden's accumulate, so an integer result is bit-identical (f64: within the module's cum_sum bound)."""
    n = shape_of(x)[axis]
    y = shift_in(b, x, axis, 1, reverse) if exclusive else x
    step = 1
    while step < n:
        y = b.op("npu_tensor.add", [y, shift_in(b, y, axis, step, reverse)], shape_of(y), b.elem(y))
        step *= 2
    return y


def _reverse_runtime(b: Builder, x: ir.Value, lens: ir.Value, bax: int, tax: int) -> ir.Value:
    """reverse_sequence by run-time lengths: per batch entry a 0/1 permutation matrix P[t, s] = (s == src(t)),
    src(t) = t + [t < L] * (L - 1 - 2t), with [t < L] = min(relu(L - t), 1); out = P @ x (one non-zero term)."""
    shape = shape_of(x)
    elem = b.elem(x)
    work = _select_type(elem, "reverse_sequence")
    if _is_quant(b.elem(lens)) or dtypes.numpy_dtype(b.elem(lens)).kind not in "iu":
        raise NpuError(f"reverse_sequence lengths of type {b.elem(lens)}: integers only")
    cast = {"saturate": 1, "round_mode": "up"}
    f32 = ir.F32Type.get()
    nb, nt = shape[bax], shape[tax]
    rest = [d for d in range(len(shape)) if d not in (bax, tax)]
    perm = [bax, tax] + rest
    r = math.prod(shape[d] for d in rest)
    length = b.op("npu_tensor.cast", [b.reshape(lens, [nb, 1, 1])], [nb, 1, 1], f32, cast)
    t = b.const(np.arange(nt, dtype=np.float32).reshape(1, nt, 1))
    inside = b.op("npu_tensor.relu", [b.op("npu_tensor.sub", [length, t], [nb, nt, 1], f32)], [nb, nt, 1], f32)
    inside = b.op("npu_tensor.min", [inside, b.const(np.ones((1, 1, 1), np.float32))], [nb, nt, 1], f32)
    delta = b.op("npu_tensor.sub", [length, b.const((1 + 2 * np.arange(nt, dtype=np.float32)).reshape(1, nt, 1))], [nb, nt, 1], f32)
    src = b.op("npu_tensor.add", [t, b.op("npu_tensor.mul", [inside, delta], [nb, nt, 1], f32)], [nb, nt, 1], f32)
    diff = b.op("npu_tensor.sub", [src, b.const(np.arange(nt, dtype=np.float32).reshape(1, 1, nt))], [nb, nt, nt], f32)
    diff = b.op("npu_tensor.abs", [diff], [nb, nt, nt], f32)
    hot = b.op("npu_tensor.sub", [b.const(np.ones((1, 1, 1), np.float32)), diff], [nb, nt, nt], f32)
    hot = b.op("npu_tensor.relu", [hot], [nb, nt, nt], f32)
    if work != f32:
        hot = b.op("npu_tensor.cast", [hot], [nb, nt, nt], work, cast)
    xb = b.reshape(b.transpose(x, perm), [nb, nt, r])
    if work != elem:
        xb = b.op("npu_tensor.cast", [xb], [nb, nt, r], work, cast)
    y = b.op("npu_tensor.matmul", [hot, xb], [nb, nt, r], work)
    if work != elem:
        y = b.op("npu_tensor.cast", [y], [nb, nt, r], elem, cast)
    y = b.reshape(y, [shape[d] for d in perm])
    return b.transpose(y, [perm.index(d) for d in range(len(shape))])


@decomposes("npu_tensor.reverse_sequence")
def reverse_sequence(op: ir.Operation, b: Builder):
    x, lens = op.operands[0], op.operands[1]
    value = b.constant_value(lens)
    attrs = _attrs(op)
    shape = shape_of(x)
    bax, tax = attrs["batch_axis"], attrs["time_axis"]
    if value is None:
        return [_reverse_runtime(b, x, lens, bax, tax)]
    steps = np.arange(shape[tax])
    parts = []
    for i, length in enumerate(value.astype(np.int64).reshape(-1)):
        if not 0 <= length <= shape[tax]:
            raise NpuError(f"reverse_sequence length {int(length)} out of range [0, {shape[tax]}]")
        row = b.slice(x, [bax], [i], [i + 1]) if shape[bax] > 1 else x
        src = np.where(steps < length, length - 1 - steps, steps)
        parts.append(take(b, row, tax, src))
    return [concat(b, parts, bax)]


# ------------------------------------------------------------------ one_hot, gather_elements


def _one_hot_rows(b: Builder, indices: ir.Value, depth: int) -> ir.Value:
    """f32 [K, depth]: 1.0 where the (wrapped) index equals the column, else 0.0 (exact for |idx| < 2^24)."""
    return _hot(b, _index_f32(b, indices, depth), depth)


def _index_f32(b: Builder, indices: ir.Value, depth: int) -> ir.Value:
    """f32 [K, 1]: the indices as exact f32 integers, negatives wrapped by + depth."""
    ielem = b.elem(indices)
    kind = "q" if _is_quant(ielem) else dtypes.numpy_dtype(ielem).kind
    if kind not in "iu" and (kind != "f" or dtypes.numpy_dtype(ielem) != np.float32):
        raise NpuError(f"indices of type {ielem} have no one-hot decomposition (integers or f32)")
    if depth >= 2**24:
        raise NpuError(f"one-hot over {depth} >= 2^24 entries is not exact in f32")
    f32 = ir.F32Type.get()
    k = math.prod(shape_of(indices))
    cast = {"saturate": 1, "round_mode": "up"}
    idx = b.reshape(indices, [k, 1])
    if kind == "f":  # float indices truncate toward zero (the golden astype(int64)): a round trip through i32
        idx = b.op("npu_tensor.cast", [idx], [k, 1], ir.IntegerType.get_signless(32), cast)
    idx = b.op("npu_tensor.cast", [idx], [k, 1], f32, cast)
    if kind in "if":
        neg = b.op("npu_tensor.relu", [b.op("npu_tensor.neg", [idx], [k, 1], f32)], [k, 1], f32)
        neg = b.op("npu_tensor.min", [neg, b.const(np.ones((1, 1), np.float32))], [k, 1], f32)
        wrap = b.op("npu_tensor.mul", [neg, b.const(np.full((1, 1), depth, np.float32))], [k, 1], f32)
        idx = b.op("npu_tensor.add", [idx, wrap], [k, 1], f32)
    return idx


def _hot(b: Builder, idx: ir.Value, depth: int) -> ir.Value:
    """relu(1 - |idx - iota|) of f32 [K, 1] integer values: [K, depth] one-hot rows."""
    f32 = ir.F32Type.get()
    k = shape_of(idx)[0]
    diff = b.op("npu_tensor.sub", [idx, b.const(np.arange(depth, dtype=np.float32).reshape(1, depth))], [k, depth], f32)
    diff = b.op("npu_tensor.abs", [diff], [k, depth], f32)
    hot = b.op("npu_tensor.sub", [b.const(np.ones((1, 1), np.float32)), diff], [k, depth], f32)
    return b.op("npu_tensor.relu", [hot], [k, depth], f32)


@decomposes("npu_tensor.gather_nd")
def gather_nd(op: ir.Operation, b: Builder):
    """Index tuples into the dims after batch_dims, flattened: a take (constant) or a batched one-hot matmul."""
    x, indices = op.operands[0], op.operands[1]
    shape, ishape = list(shape_of(x)), list(shape_of(indices))
    out_shape = list(shape_of(op.results[0]))
    nb = from_attr(op.attributes["batch_dims"])
    k = ishape[-1]
    dims = shape[nb:nb + k]
    batch, depth, rest = math.prod(shape[:nb]), math.prod(dims), math.prod(shape[nb + k:])
    q = math.prod(ishape[nb:-1])
    strides = [math.prod(dims[j + 1:]) for j in range(k)]
    value = b.constant_value(indices)
    if value is not None:
        idx = value.astype(np.int64).reshape(batch, q, k)
        idx = np.where(idx < 0, idx + np.asarray(dims), idx)
        bad = (idx < 0) | (idx >= np.asarray(dims))
        if bad.any():
            raise NpuError(f"gather_nd index {int(value.reshape(batch, q, k)[bad][0])} out of range")
        flat = (np.arange(batch)[:, None] * depth + (idx * np.asarray(strides)).sum(-1)).reshape(-1)
        if flat.size == 0:
            return None
        y = take(b, b.reshape(x, [batch * depth, rest]), 0, flat)
        return [b.reshape(y, out_shape)]
    elem = b.elem(x)
    if elem == ir.IntegerType.get_signless(32):
        return [_gather_i32_halves(op, b, x)]
    work = _select_type(elem, "gather_nd")
    if depth >= 2**24:
        raise NpuError(f"gather_nd over {depth} >= 2^24 entries is not exact in f32")
    f32 = ir.F32Type.get()
    cast = {"saturate": 1, "round_mode": "up"}
    rows = batch * q
    flat = None
    for j in range(k):  # flat = sum_j wrap(idx_j) * stride_j, exact integers in f32
        comp = b.slice(b.reshape(indices, [rows, k]), [1], [j], [j + 1])
        comp = _index_f32(b, comp, dims[j])
        if strides[j] != 1:
            comp = b.op("npu_tensor.mul", [comp, b.const(np.full((1, 1), strides[j], np.float32))], [rows, 1], f32)
        flat = comp if flat is None else b.op("npu_tensor.add", [flat, comp], [rows, 1], f32)
    hot = b.reshape(_hot(b, flat, depth), [batch, q, depth])
    if work != f32:
        hot = b.op("npu_tensor.cast", [hot], [batch, q, depth], work, cast)
    table = b.reshape(x, [batch, depth, rest])
    if work != elem:
        table = b.op("npu_tensor.cast", [table], [batch, depth, rest], work, cast)
    y = b.op("npu_tensor.matmul", [hot, table], [batch, q, rest], work)
    if work != elem:
        y = b.op("npu_tensor.cast", [y], [batch, q, rest], elem, cast)
    return [b.reshape(y, out_shape)]


def _gather_i32_halves(op: ir.Operation, b: Builder, x: ir.Value) -> ir.Value:
    """An i32 table gathered as two i16 tables (each exact through the one-hot route): lo = (x & 0xFFFF)
    - 2^15, hi = (x - (x & 0xFFFF)) / 2^16 (an exact division), both in [-2^15, 2^15); the result is
    hi * 2^16 + lo + 2^15 in i32 (bit-identical: every step is exact)."""
    i32, i16 = ir.IntegerType.get_signless(32), ir.IntegerType.get_signless(16)
    shape = shape_of(x)
    rank = len(shape)
    cast = {"saturate": 1, "round_mode": "up"}

    def c(v):
        return b.const(np.full((1,) * rank, v, np.int32), i32)

    def gathered(v16):
        attrs = {n: op.attributes[n] for n in op.attributes}
        g = b.op(op.name, [v16, op.operands[1]], shape_of(op.results[0]), i16, attrs)
        return b.op("npu_tensor.cast", [g], shape_of(op.results[0]), i32, cast)

    low = b.op("npu_tensor.bitwise_and", [x, c(0xFFFF)], shape, i32)
    high = b.op("npu_tensor.div", [b.op("npu_tensor.sub", [x, low], shape, i32), c(1 << 16)], shape, i32)
    lo16 = b.op("npu_tensor.cast", [b.op("npu_tensor.sub", [low, c(1 << 15)], shape, i32)], shape, i16, cast)
    hi16 = b.op("npu_tensor.cast", [high], shape, i16, cast)
    out = shape_of(op.results[0])
    co = b.const(np.full((1,) * len(out), 1 << 16, np.int32), i32)
    half = b.const(np.full((1,) * len(out), 1 << 15, np.int32), i32)
    y = b.op("npu_tensor.mul", [gathered(hi16), co], out, i32)
    y = b.op("npu_tensor.add", [y, gathered(lo16)], out, i32)
    return b.op("npu_tensor.add", [y, half], out, i32)


@decomposes("npu_tensor.one_hot")
def one_hot(op: ir.Operation, b: Builder):
    indices = op.operands[0]
    out = op.results[0]
    elem = b.elem(out)
    if _is_quant(elem) or dtypes.numpy_dtype(elem).kind not in "iuf" or (
            dtypes.numpy_dtype(elem).kind == "f" and dtypes.numpy_dtype(elem) != np.float32):
        raise NpuError(f"one_hot with {elem} values has no decomposition (f32 and plain integers)")
    attrs = _attrs(op)
    out_shape = list(shape_of(out))
    rank = len(out_shape)
    axis = _axis(attrs["axis"], rank)
    depth = out_shape[axis]
    ishape = list(shape_of(indices))
    k = math.prod(ishape)
    hot = _one_hot_rows(b, indices, depth)
    dt = dtypes.numpy_dtype(elem)
    on, off = np.asarray(attrs["on_value"]).astype(dt), np.asarray(attrs["off_value"]).astype(dt)
    if dt != np.float32:
        hot = b.op("npu_tensor.cast", [hot], [k, depth], elem, {"saturate": 1, "round_mode": "up"})
    y = hot
    if not (on == 1 and off == 0):
        # on * hot + off * (1 - hot): in every element one of the two products is an exact zero
        cold = b.op("npu_tensor.sub", [b.const(np.ones((1, 1), dt), elem), hot], [k, depth], elem)
        y = b.op("npu_tensor.add", [b.op("npu_tensor.mul", [hot, b.const(on.reshape(1, 1), elem)], [k, depth], elem),
                                    b.op("npu_tensor.mul", [cold, b.const(off.reshape(1, 1), elem)], [k, depth], elem)],
                 [k, depth], elem)
    y = b.reshape(y, ishape + [depth])
    perm = list(range(axis)) + [rank - 1] + list(range(axis, rank - 1))
    return [b.transpose(y, perm)]


def _select_elements(b: Builder, x: ir.Value, indices: ir.Value, axis: int) -> ir.Value:
    """gather_elements by run-time indices: one-hot rows times x along the axis, summed (one non-zero term)."""
    shape, ishape = shape_of(x), shape_of(indices)
    if any(i != s for d, (i, s) in enumerate(zip(ishape, shape)) if d != axis):
        raise NpuError(f"gather_elements with run-time indices of shape {list(ishape)} into {list(shape)}: "
                       "only the gathered axis may differ")
    elem = b.elem(x)
    work = _select_type(elem, "gather_elements")
    cast = {"saturate": 1, "round_mode": "up"}
    rank, n, m = len(shape), shape[axis], ishape[axis]
    perm = [d for d in range(rank) if d != axis] + [axis]
    lead = [shape[d] for d in perm[:-1]]
    hot = _one_hot_rows(b, b.transpose(indices, perm), n)
    hot = b.reshape(hot, lead + [m, n])
    if work != hot.type.element_type:
        hot = b.op("npu_tensor.cast", [hot], lead + [m, n], work, cast)
    xt = b.reshape(b.transpose(x, perm), lead + [1, n])
    if work != elem:
        xt = b.op("npu_tensor.cast", [xt], lead + [1, n], work, cast)
    y = b.op("npu_tensor.mul", [hot, xt], lead + [m, n], work)
    y = b.op("npu_tensor.reduce_sum", [y], lead + [m], work, {"axes": _i64([rank]), "keepdims": 0})
    if work != elem:
        y = b.op("npu_tensor.cast", [y], lead + [m], elem, cast)
    return b.transpose(y, [perm.index(d) for d in range(rank)])


@decomposes("npu_tensor.gather_elements")
def gather_elements(op: ir.Operation, b: Builder):
    x, indices = op.operands[0], op.operands[1]
    value = b.constant_value(indices)
    shape = shape_of(x)
    axis = _axis(from_attr(op.attributes["axis"]), len(shape))
    n = shape[axis]
    if value is None:
        return [_select_elements(b, x, indices, axis)]
    idx = value.astype(np.int64)
    idx = np.where(idx < 0, idx + n, idx)
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = int(value[(idx < 0) | (idx >= n)][0])
        raise NpuError(f"gather_elements index {bad} out of range [-{n}, {n - 1}]")
    if idx.size == 0:
        return None
    where = list(np.indices(idx.shape))
    where[axis] = idx
    flat = np.ravel_multi_index(tuple(where), shape)
    y = take(b, b.reshape(x, [math.prod(shape)]), 0, flat.reshape(-1))
    return [b.reshape(y, list(idx.shape))]


# ------------------------------------------------------------------ einsum


def _einsum_terms(equation: str, ranks: list[int]) -> tuple[list[list[str]], list[str]]:
    """Operand and output labels, one letter per dimension, '...' expanded to fresh upper-case letters."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ranks):
        raise NpuError(f"einsum equation '{equation}' names {len(terms)} operands, got {len(ranks)}")
    used = set(eq)
    fresh = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
    ell = max((r - len(t.replace("...", "")) for t, r in zip(terms, ranks) if "..." in t), default=0)
    if ell > len(fresh):
        raise NpuError(f"einsum equation '{equation}': too many broadcast dimensions")
    names = fresh[:ell]
    out_terms = []
    for t, r in zip(terms, ranks):
        if "..." in t:
            head, _, tail = t.partition("...")
            e = r - len(head) - len(tail)
            labels = list(head) + names[ell - e:] + list(tail)
        else:
            labels = list(t)
        if len(labels) != r or not all(c.isalpha() for c in labels):
            raise NpuError(f"einsum equation '{equation}' does not match operand ranks {ranks}")
        out_terms.append(labels)
    if arrow:
        head, dots, tail = rhs.partition("...")
        out = list(head) + (names if dots else []) + list(tail)
    else:
        counts = {c: sum(t.count(c) for t in out_terms) for c in set().union(*map(set, out_terms))}
        out = names + sorted(c for c, n in counts.items() if n == 1 and c not in names)
    return out_terms, out


def _diagonal_and_reduce(b: Builder, x: ir.Value, labels: list[str], keep: set[str]) -> tuple[ir.Value, list[str]]:
    """Take repeated labels' diagonals (mask multiply + sum) and sum away labels not in `keep`."""
    labels = list(labels)
    while len(set(labels)) != len(labels):
        c = next(c for c in labels if labels.count(c) > 1)
        p = labels.index(c)
        q = labels.index(c, p + 1)
        shape = list(shape_of(x))
        mshape = [1] * len(shape)
        mshape[p] = mshape[q] = shape[p]
        eye = np.eye(shape[p]).reshape(mshape)
        x = b.op("npu_tensor.mul", [x, b.const(eye, b.elem(x))], shape, b.elem(x))
        x = _reduce(b, x, [q])
        del labels[q]
    drop = [i for i, c in enumerate(labels) if c not in keep]
    if drop:
        x = _reduce(b, x, drop)
        labels = [c for c in labels if c in keep]
    return x, labels


def _reduce(b: Builder, x: ir.Value, axes: list[int]) -> ir.Value:
    shape = shape_of(x)
    out = [n for i, n in enumerate(shape) if i not in axes]
    return b.op("npu_tensor.reduce_sum", [x], out, b.elem(x), {"axes": _i64(sorted(axes)), "keepdims": 0})


@decomposes("npu_tensor.einsum")
def einsum(op: ir.Operation, b: Builder):
    operands = list(op.operands)
    elem = b.elem(operands[0])
    dt = None if _is_quant(elem) else dtypes.numpy_dtype(elem)
    if dt is None or dt.kind not in "iuf" or (dt.kind == "f" and dt not in (np.float32, np.float64)):
        raise NpuError(f"einsum of {elem} has no decomposition (f32, f64 and plain integers)")
    if any(b.elem(v) != elem for v in operands) or b.elem(op.results[0]) != elem:
        raise NpuError("einsum with mixed element types has no decomposition")
    terms, out = _einsum_terms(from_attr(op.attributes["equation"]), [len(shape_of(v)) for v in operands])
    if len(set(out)) != len(out):
        raise NpuError("einsum with a repeated output label has no decomposition")
    out_shape = list(shape_of(op.results[0]))
    if len(operands) == 1:
        x, labels = _diagonal_and_reduce(b, operands[0], terms[0], set(out))
        return [b.reshape(b.transpose(x, [labels.index(c) for c in out]), out_shape)]
    (a, la), (c, lc) = [_diagonal_and_reduce(b, v, t, set(out) | set(other))
                        for v, t, other in ((operands[0], terms[0], terms[1]), (operands[1], terms[1], terms[0]))]
    sa, sc = dict(zip(la, shape_of(a))), dict(zip(lc, shape_of(c)))
    batch = [l for l in out if l in sa and l in sc]
    contract = [l for l in la if l in sc and l not in out]
    free_a = [l for l in la if l not in sc]
    free_c = [l for l in lc if l not in sa]
    if any(sa[l] != sc[l] for l in contract):
        raise NpuError("einsum contracting dimensions of different sizes has no decomposition")
    m = math.prod(sa[l] for l in free_a)
    n = math.prod(sc[l] for l in free_c)
    k = math.prod(sa[l] for l in contract)
    a2 = b.reshape(b.transpose(a, [la.index(l) for l in batch + free_a + contract]), [sa[l] for l in batch] + [m, k])
    c2 = b.reshape(b.transpose(c, [lc.index(l) for l in batch + contract + free_c]), [sc[l] for l in batch] + [k, n])
    bshape = [max(sa[l], sc[l]) for l in batch]
    y = b.op("npu_tensor.matmul", [a2, c2], bshape + [m, n], elem)
    size = dict(zip(batch, bshape)) | {l: sa[l] for l in free_a} | {l: sc[l] for l in free_c}
    order = batch + free_a + free_c
    y = b.reshape(y, [size[l] for l in order])
    return [b.reshape(b.transpose(y, [order.index(l) for l in out]), out_shape)]
