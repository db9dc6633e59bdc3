"""Golden-interpreter kernels of the neural-network family of npu_tensor.

Owns: conv, conv_transpose, conv_integer, gemm, matmul, matmul_integer,
max_pool, average_pool, lp_pool, global_{average,max,lp}_pool,
batch_normalization(_training), instance_normalization, group_normalization,
layer_normalization, rms_normalization, mean_variance_normalization,
lp_normalization, lrn, softmax, log_softmax, hardmax, the reduce_* ops,
arg_max, arg_min, top_k and einsum.

Accumulation rules (the golden numerics of this family):
  * float inputs (f16, bf16, f32, f64) are widened to float64, every sum,
    product and transcendental runs in float64, and the result is rounded
    once to the result dtype. So a float32 conv is the float64 result rounded
    to float32, independent of BLAS blocking up to float64 rounding noise.
  * integer inputs accumulate exactly in int64 (float64 BLAS is used when
    every partial sum provably fits in 53 bits, which is exact too), then
    cast to the result dtype (C-style wrap, as ONNX integer ops do).

Sliding-window ops: conv gathers its im2col matrix as one copy of a strided
window view per chunk of output rows (ConvGeometry); pools and large depthwise
convs loop over the kernel window offsets only (at most prod(kernel_shape)
iterations), each one strided numpy slice over every batch, channel and output
position. The output spatial shape is taken from the op's result type (the
verifier checks it against the ONNX formula), so ceil_mode needs no special
case beyond end padding.

Speed: planners (npu.interp.registry) give the executor prepared runs of conv,
pools, normalizations, gemm/matmul, softmax and reduce_mean with geometry and
constant operands processed once. A plan performs the kernel's float64
operations in the kernel's order, and the same BLAS calls (the dgemm call
shapes decide float64 rounding, so chunk boundaries are part of the numerics):
its results are bit-identical to the kernel's (test/python/test_interp_speed.py).
"""

from __future__ import annotations

import weakref
from functools import lru_cache
from math import prod
from typing import Any, Sequence

import numpy as np

from npu.errors import NpuError
from npu.interp.registry import ResultSpec, kernel, planner

# ---------------------------------------------------------------- helpers

# im2col buffers are built in chunks of output rows of at most this many elements.
IM2COL_CHUNK = 1 << 23
# Depthwise convs with at most this many products form them in one multiply (cache-sized).
DEPTHWISE_SMALL = 1 << 15
# Large float32 matmul operands are widened to float64 in cache-sized column blocks.
WIDEN_CHUNK = 1 << 18
# Read-only (constant) operands up to this many elements keep a memoized float64 copy.
WIDE_CACHE_LIMIT = 1 << 24


def acc_dtype(dtype: np.dtype) -> np.dtype:
    """The accumulation dtype of an element type: float64 or int64 (bool stays bool)."""
    dtype = np.dtype(dtype)
    acc = _ACC.get(dtype)
    if acc is None:
        if dtype == np.bool_:
            acc = dtype
        elif np.issubdtype(dtype, np.integer):
            acc = np.dtype(np.int64)
        else:
            acc = np.dtype(np.float64)
        _ACC[dtype] = acc
    return acc


_ACC: dict[np.dtype, np.dtype] = {}


def widen(x: np.ndarray) -> np.ndarray:
    """`x` in its accumulation dtype (float64 / int64)."""
    return np.asarray(x).astype(acc_dtype(np.asarray(x).dtype), copy=False)


# float64 copies of read-only operands (constants), keyed by id and checked by weakref.
_WIDE: dict[int, tuple[weakref.ref, np.ndarray]] = {}


def widen_const(x: np.ndarray) -> np.ndarray:
    """widen(x), memoized when x is read-only (a constant the executor will pass again).

    Writeable arrays are never cached: they could change in place between runs.
    """
    if x.flags.writeable or x.dtype == acc_dtype(x.dtype):
        return widen(x)
    key = id(x)
    hit = _WIDE.get(key)
    if hit is not None and hit[0]() is x:
        return hit[1]
    wide = widen(x)
    wide.setflags(write=False)
    _WIDE[key] = (weakref.ref(x, lambda _ref, key=key: _WIDE.pop(key, None)), wide)
    return wide


@lru_cache(maxsize=None)  # per dtype: pools ask on every run
def _pad_value_min(dtype: np.dtype):
    if np.issubdtype(dtype, np.floating) or dtype.kind == "V":
        return -np.inf
    if dtype == np.bool_:
        return False
    return np.iinfo(dtype).min


class Padding:
    """Padding (or, for negative amounts, cropping) of the trailing spatial dims of
    arrays of one shape, with the index arithmetic done once.

    Calling it gives a new C-contiguous array filled with `value` and `x` copied in,
    or, when nothing is padded, the (cropped) view of `x` itself.
    """

    def __init__(self, shape: Sequence[int], begin: Sequence[int], end: Sequence[int]):
        nd = len(begin)
        lead = len(shape) - nd
        spatial = shape[lead:]
        crops = [slice(max(-b, 0), d - max(-e, 0)) for d, b, e in zip(spatial, begin, end)]
        self.crop = None if all(c.start == 0 and c.stop == d for c, d in zip(crops, spatial)) else (Ellipsis, *crops)
        kept = [c.stop - c.start for c in crops]
        self.shape = None
        if any(b > 0 or e > 0 for b, e in zip(begin, end)):
            self.shape = tuple(shape[:lead]) + tuple(k + max(b, 0) + max(e, 0) for k, b, e in zip(kept, begin, end))
            self.interior = (Ellipsis,) + tuple(slice(max(b, 0), max(b, 0) + k) for b, k in zip(begin, kept))

    def __call__(self, x: np.ndarray, value=0) -> np.ndarray:
        if self.crop is not None:
            x = x[self.crop]
        if self.shape is None:
            return x
        out = np.zeros(self.shape, dtype=x.dtype) if value == 0 else np.full(self.shape, value, dtype=x.dtype)
        out[self.interior] = x
        return out


def pad_spatial(x: np.ndarray, begin: Sequence[int], end: Sequence[int], value=0) -> np.ndarray:
    """Pad (or, for negative amounts, crop) the trailing spatial dims of `x` (see Padding)."""
    return Padding(x.shape, begin, end)(x, value)


def window_pads(
    in_shape: Sequence[int],
    out_shape: Sequence[int],
    kernel_shape: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    pads: Sequence[int],
) -> tuple[list[int], list[int]]:
    """Begin/end padding so that every window of every output position is in bounds.

    The end padding is the explicit one, extended when ceil_mode makes the last
    window run past it.
    """
    nd = len(in_shape)
    begin = list(pads[:nd])
    end = []
    for i in range(nd):
        need = (out_shape[i] - 1) * strides[i] + (kernel_shape[i] - 1) * dilations[i] + 1
        end.append(max(pads[nd + i], need - in_shape[i] - begin[i]))
    return begin, end


def window_slice(offset: Sequence[int], strides, dilations, out_shape) -> tuple[slice, ...]:
    """Spatial slices picking, for window offset `offset`, one element per output position."""
    return tuple(
        slice(k * d, k * d + s * (o - 1) + 1, s) for k, d, s, o in zip(offset, dilations, strides, out_shape)
    )


def kernel_offsets(kernel_shape: Sequence[int]):
    return np.ndindex(*kernel_shape)


def _attr_list(attrs: dict, name: str, nd: int, default: int) -> list[int]:
    v = attrs.get(name)
    return list(v) if v else [default] * nd


def _exact_in_float64(a: np.ndarray, b: np.ndarray, k: int) -> bool:
    """True when an integer dot product of length k of a and b is exact in float64."""
    amax = int(np.abs(a).max(initial=0))
    bmax = int(np.abs(b).max(initial=0))
    return amax * bmax * max(k, 1) < 2**53


def int_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact int64 (batched) matrix product of integer arrays."""
    a = a.astype(np.int64)
    b = b.astype(np.int64)
    if _exact_in_float64(a, b, a.shape[-1]):
        return np.matmul(a.astype(np.float64), b.astype(np.float64)).astype(np.int64)
    return np.matmul(a, b)


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Matrix product in the accumulation dtype (exact for integers).

    Operands may come in their storage dtype: a large `b` is widened one block
    of columns at a time (a float32 weight matrix is never copied whole to float64).
    """
    if np.issubdtype(a.dtype, np.integer) or a.dtype == np.bool_:
        return int_matmul(a, b)
    a = widen(a)
    if b.dtype == acc_dtype(b.dtype) or b.size <= 4 * WIDEN_CHUNK:
        return np.matmul(a, widen_const(b))
    if not b.flags.writeable and b.size <= WIDE_CACHE_LIMIT:
        return np.matmul(a, widen_const(b))
    n = b.shape[-1]
    step = max(1, WIDEN_CHUNK // max(1, b.size // n))
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    y = np.empty(batch + (a.shape[-2], n), dtype=a.dtype)
    for j in range(0, n, step):
        y[..., j : j + step] = np.matmul(a, widen(b[..., j : j + step]))
    return y


def _cast(y: np.ndarray, spec: ResultSpec) -> np.ndarray:
    """`y` in the result's dtype and shape (either may be unknown while folding)."""
    y = np.asarray(y)
    if spec.dtype is not None and y.dtype != spec.dtype:
        y = y.astype(spec.dtype)
    return y if spec.shape is None or y.shape == spec.shape else y.reshape(spec.shape)


def _inputs(inputs: list, n: int) -> list:
    """`inputs` padded with None up to n entries (absent trailing optional operands)."""
    return list(inputs) + [None] * (n - len(inputs))


# ------------------------------------------------------------ convolution




class ConvGeometry:
    """An N-d grouped convolution's shape-only facts, computed once (a Program keeps one
    per conv op): padding, the chunks of output rows, the window view of the input.

    run(x, wm, bias) computes y[n, m, o] = b[m] + sum_{c in group(m), k} x[n, c, o*s - pad + k*d] * w[m, c, k]
    by im2col: per chunk of output rows, cols (G, C/G * K, N * Pc) is one widening copy
    of a strided window view of the padded input, then one matmul batched over groups,
    (G, M/G, C/G * K) @ cols. Chunks keep cols below IM2COL_CHUNK elements. The sum and
    the bias are accumulated in the accumulation dtype and rounded once to `out_dtype`.
    A conv with one input channel per group goes to the depthwise form instead.
    """

    def __init__(self, x_shape, w_shape, *, strides, pads, dilations, group, out_shape):
        self.nd = nd = len(x_shape) - 2
        self.n, c = n, c = x_shape[:2]
        m = w_shape[0]
        self.ks = ks = tuple(w_shape[2:])
        self.g = g = group
        self.cg, self.mg = cg, mg = c // g, m // g
        self.kk = kk = prod(ks)
        self.strides, self.dilations = tuple(strides), tuple(dilations)
        self.out_shape = out_shape = tuple(out_shape)
        self.begin, self.end = window_pads(x_shape[2:], out_shape, ks, strides, dilations, pads)
        self.pad = Padding(x_shape, self.begin, self.end)
        self.y_shape = (n, g, mg) + out_shape
        self._view_strides: dict[tuple, tuple] = {}  # input strides -> window view strides
        self.depthwise = cg == 1
        if self.depthwise:
            # per kernel offset: x[n, g, None, window positions]; small convs: all the windows at once
            self.offset_slices = [
                (slice(None), slice(None), None) + window_slice(off, strides, dilations, out_shape) for off in kernel_offsets(ks)
            ]
            self.small = kk * prod(self.y_shape) <= DEPTHWISE_SMALL
            p = prod(out_shape)
            self.dw_shapes = ((n, g, 1) + ks + out_shape, ks + (n, g, 1) + out_shape, (kk, n, g, 1, p), (n, g, mg, p))
            self.perm = tuple(range(3, 3 + nd)) + (0, 1, 2) + tuple(range(3 + nd, 3 + 2 * nd))
            return
        row = cg * kk * n * prod(out_shape[1:])  # cols elements per output row (per group)
        step = max(1, IM2COL_CHUNK // max(1, row * g))
        # per chunk of output rows [r0, r1): first input row, cols shape, (G, C/G*K, N*Pc), yc shape
        self.chunks = []
        for r0 in range(0, out_shape[0], step):
            r1 = min(out_shape[0], r0 + step)
            sub = (r1 - r0,) + out_shape[1:]
            self.chunks.append(
                (r0, r1, r0 * self.strides[0], (n, g, cg) + ks + sub, (g, cg) + ks + (n,) + sub, (g, cg * kk, n * prod(sub)), (g, mg, n) + sub)
            )
        self.whole = n == 1 and len(self.chunks) == 1
        # window view axes (N, G, C/G, *K, *sub) -> cols axes (G, C/G, *K, N, *sub); yc (G, M/G, N, *sub) -> (N, G, M/G, *sub)
        self.perm = (1, 2) + tuple(range(3, 3 + nd)) + (0,) + tuple(range(3 + nd, 3 + 2 * nd))
        self.y_perm = (2, 0, 1) + tuple(range(3, 3 + nd))

    def weight(self, w: np.ndarray):
        """The weight in the form `run` takes: widened, (G, M/G, C/G * K); depthwise, a list
        over kernel offsets of (1, G, M/G, 1...) factors, then all of them as (K, 1, G, M/G, 1)."""
        wm = widen_const(w).reshape(self.g, self.mg, self.cg * self.kk)
        if not self.depthwise:
            return wm
        shape = (1, self.g, self.mg) + (1,) * self.nd
        whole = np.ascontiguousarray(wm.transpose(2, 0, 1)).reshape(self.kk, 1, self.g, self.mg, 1)
        return [wm[:, :, ki].reshape(shape) for ki in range(self.kk)] + [whole]

    def bias(self, b: np.ndarray | None) -> np.ndarray | None:
        return None if b is None else widen(b).reshape((1, self.g, self.mg) + (1,) * self.nd)

    def run(self, x: np.ndarray, wm: np.ndarray, bias: np.ndarray | None, out_dtype=None) -> np.ndarray:
        """(N, M, *out_shape): x (N, C, *in), wm and bias from weight() and bias()."""
        acc = acc_dtype(x.dtype)
        xp = self.pad(x)
        if self.depthwise:
            return self._depthwise(xp, wm, bias, acc, out_dtype)
        mm = np.matmul if acc.kind == "f" and wm.dtype == acc else _mm  # _mm's own float path, minus its checks
        if self.whole:  # one image, one chunk: the matmul result is y's layout already
            _, _, row0, view_shape, cols_shape, mat_shape, _ = self.chunks[0]
            cols = np.empty(cols_shape, dtype=acc)
            cols[...] = self._windows(xp, row0, view_shape).transpose(self.perm)
            y = mm(wm, cols.reshape(mat_shape)).reshape(self.y_shape)
            if bias is not None:
                y += bias  # the matmul's own fresh result: no second large temporary
            return y.reshape(x.shape[:1] + (-1,) + self.out_shape).astype(out_dtype or acc, copy=False)
        y = np.empty(self.y_shape, dtype=out_dtype or acc)
        for r0, r1, row0, view_shape, cols_shape, mat_shape, yc_shape in self.chunks:
            cols = np.empty(cols_shape, dtype=acc)
            cols[...] = self._windows(xp, row0, view_shape).transpose(self.perm)  # one widening copy
            yc = mm(wm, cols.reshape(mat_shape)).reshape(yc_shape).transpose(self.y_perm)
            if bias is None:
                y[:, :, :, r0:r1] = yc
            else:
                np.add(yc, bias, out=y[:, :, :, r0:r1], casting="unsafe")
        return y.reshape(x.shape[:1] + (-1,) + self.out_shape)

    def _windows(self, xp: np.ndarray, row0: int, shape: tuple[int, ...]) -> np.ndarray:
        """Strided view `shape` = (N, G, C/G, *K, *sub) of xp, only read:
        [n, g, c, k, o] = xp[n, g*C/G + c, row0 + o*s + k*d] (row0 offsets the first spatial dim)."""
        st = xp.strides
        strides = self._view_strides.get(st)
        if strides is None:
            strides = (st[0], st[1] * self.cg, st[1]) + tuple(t * d for t, d in zip(st[2:], self.dilations))
            strides = self._view_strides[st] = strides + tuple(t * s for t, s in zip(st[2:], self.strides))
        if xp.flags.c_contiguous:  # the common case (a padded copy): a plain view of the buffer
            return np.ndarray(shape, xp.dtype, xp, row0 * st[2], strides)
        return np.lib.stride_tricks.as_strided(xp[:, :, row0:], shape, strides, writeable=False)

    def _depthwise(self, xp, wm, bias, acc, out_dtype) -> np.ndarray:
        """One input channel per group: y = sum over kernel offsets k, in order from zero, of
        x[n, g, window k] * w[g, m, k]. Per offset one broadcast multiply-add; a small conv
        forms every product in one multiply of its widened windows (K, N, G, 1, P) instead."""
        y = np.zeros(self.y_shape, dtype=acc)
        if self.small:
            view_shape, cols_shape, prod_shape, acc_shape = self.dw_shapes
            cols = np.empty(cols_shape, dtype=acc)
            cols[...] = self._windows(xp, 0, view_shape).transpose(self.perm)  # one widening copy
            total = y.reshape(acc_shape)
            for p in np.multiply(cols.reshape(prod_shape), wm[-1]):  # (K, N, G, M/G, P)
                total += p
        else:
            tmp = np.empty_like(y)
            for sl, wk in zip(self.offset_slices, wm):
                np.multiply(xp[sl], wk, out=tmp)
                y += tmp
        if bias is not None:
            y += bias
        return y.reshape(xp.shape[:1] + (-1,) + self.out_shape).astype(out_dtype or acc, copy=False)


def conv(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None,
    *,
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    group: int,
    out_shape: Sequence[int],
    out_dtype=None,
) -> np.ndarray:
    """N-d grouped convolution; returns (N, M, *out_shape) (see ConvGeometry)."""
    geo = ConvGeometry(x.shape, w.shape, strides=strides, pads=pads, dilations=dilations, group=group, out_shape=out_shape)
    return geo.run(x, geo.weight(w), geo.bias(b), out_dtype)


def conv_transpose(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None,
    *,
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    group: int,
    out_shape: Sequence[int],
) -> np.ndarray:
    """N-d grouped transposed convolution; returns (N, M, *out_shape).

    Scatter form: full[n, m, i*s + k*d] += sum_c x[n, c, i] * w[c, m, k], then
    out = full[..., pads_begin : pads_begin + out_shape] (zero beyond `full`,
    which is how output_padding adds trailing zeros-plus-bias positions).
    """
    x = widen(x)
    w = widen(w)
    nd = x.ndim - 2
    n, c = x.shape[:2]
    ins = x.shape[2:]
    ks = w.shape[2:]
    g = group
    cg, mg = c // g, w.shape[1]
    m = mg * g
    pin = prod(ins)
    full_shape = [(i - 1) * s + (k - 1) * d + 1 for i, s, k, d in zip(ins, strides, ks, dilations)]
    full = np.zeros((n, g, mg, *full_shape), dtype=x.dtype)
    xg = x.reshape(n, g, cg, pin).transpose(1, 2, 0, 3).reshape(g, cg, n * pin)  # (G, C/G, N*Pin)
    wg = w.reshape(g, cg, mg, *ks)
    for off in kernel_offsets(ks):
        wk = wg[(slice(None), slice(None), slice(None)) + off].transpose(0, 2, 1)  # (G, M/G, C/G)
        contrib = wk * xg if cg == 1 else _mm(wk, xg)  # (G, M/G, N*Pin)
        contrib = np.moveaxis(contrib.reshape(g, mg, n, *ins), 2, 0)  # (N, G, M/G, *in)
        sl = window_slice(off, strides, dilations, ins)  # start k*d, step s, one per input position
        full[(slice(None), slice(None), slice(None)) + sl] += contrib
    full = full.reshape(n, m, *full_shape)
    begin = [-p for p in pads[:nd]]
    end = [o - f + pads[i] for i, (o, f) in enumerate(zip(out_shape, full_shape))]
    y = pad_spatial(full, begin, end, 0)
    if b is not None:
        y = y + widen(b).reshape((m,) + (1,) * nd)
    return y


def _conv_args(attrs: dict, x, w, out: ResultSpec) -> dict:
    """Keyword arguments of conv / ConvGeometry; x and w are arrays or OperandSpecs."""
    nd = len(x.shape) - 2
    return dict(
        strides=_attr_list(attrs, "strides", nd, 1),
        pads=_attr_list(attrs, "pads", 2 * nd, 0),
        dilations=_attr_list(attrs, "dilations", nd, 1),
        group=int(attrs.get("group", 1)),
        out_shape=tuple(out.shape[2:]),
    )


@kernel("npu_tensor.conv")
def _conv_kernel(inputs, attrs, results):
    x, w, b = _inputs(inputs, 3)
    out = results[0]
    return [_cast(conv(x, w, b, **_conv_args(attrs, x, w, out), out_dtype=out.dtype), out)]


@planner("npu_tensor.conv")
def _conv_plan(attrs, operands, results):
    """Geometry once; constant weight and bias widened and laid out once."""
    x, w, b = _inputs(operands, 3)
    out = results[0]
    geo = ConvGeometry(x.shape, w.shape, **_conv_args(attrs, x, w, out))
    wm = None if w.value is None else geo.weight(w.value)
    bias = None if b is None or b.value is None else geo.bias(b.value)

    def run(inputs):
        xv, wv, bv = _inputs(inputs, 3)
        y = geo.run(xv, geo.weight(wv) if wm is None else wm, geo.bias(bv) if bias is None else bias, out.dtype)
        return [_cast(y, out)]

    return run


@kernel("npu_tensor.conv_transpose")
def _conv_transpose_kernel(inputs, attrs, results):
    x, w, b = _inputs(inputs, 3)
    return [_cast(conv_transpose(x, w, b, **_conv_args(attrs, x, w, results[0])), results[0])]


def _zero_point_per_channel(zp: np.ndarray | None, rank: int, axis: int) -> np.ndarray | int:
    """A scalar or 1-D zero point, broadcastable along `axis` of a rank-`rank` tensor."""
    if zp is None:
        return 0
    zp = np.asarray(zp).astype(np.int64)
    if zp.size == 1:
        return zp.reshape(())
    shape = [1] * rank
    shape[axis] = zp.size
    return zp.reshape(shape)


@kernel("npu_tensor.conv_integer")
def _conv_integer_kernel(inputs, attrs, results):
    """ConvInteger: (x - x_zp) conv (w - w_zp), exact int32 result."""
    x, w, xzp, wzp = _inputs(inputs, 4)
    xi = x.astype(np.int64) - _zero_point_per_channel(xzp, x.ndim, 1)
    wi = w.astype(np.int64) - _zero_point_per_channel(wzp, w.ndim, 0)
    y = conv(xi, wi, None, **_conv_args(attrs, x, w, results[0]))
    return [_cast(y, results[0])]


# ------------------------------------------------------------- matmul/gemm


def gemm(a, b, c, *, alpha: float, beta: float, trans_a: int, trans_b: int) -> np.ndarray:
    """alpha * A' @ B' + beta * C in the accumulation dtype."""
    if not b.flags.writeable and b.size <= WIDE_CACHE_LIMIT:
        b = widen_const(b)  # memoize before transposing (a transposed view is a new object)
    a = a.T if trans_a else a
    b = b.T if trans_b else b
    y = _mm(a, b)
    if alpha != 1.0:
        y = y * alpha
    if c is not None:
        y = y + beta * widen(c)
    return y


@kernel("npu_tensor.gemm")
def _gemm_kernel(inputs, attrs, results):
    a, b, c = _inputs(inputs, 3)
    y = gemm(
        a,
        b,
        c,
        alpha=float(attrs.get("alpha", 1.0)),
        beta=float(attrs.get("beta", 1.0)),
        trans_a=int(attrs.get("transA", 0)),
        trans_b=int(attrs.get("transB", 0)),
    )
    return [_cast(y, results[0])]


@kernel("npu_tensor.matmul")
def _matmul_kernel(inputs, attrs, results):
    a, b = inputs[:2]
    return [_cast(_mm(a, b), results[0])]


def _matmul_shape(a: tuple, b: tuple) -> tuple | None:
    """np.matmul's result shape for operand shapes a and b (None if they do not fit)."""
    a2 = (1,) + tuple(a) if len(a) == 1 else tuple(a)
    b2 = tuple(b) + (1,) if len(b) == 1 else tuple(b)
    if len(a2) < 2 or len(b2) < 2 or a2[-1] != b2[-2]:
        return None
    try:
        shape = np.broadcast_shapes(a2[:-2], b2[:-2]) + (a2[-2], b2[-1])
    except ValueError:
        return None
    if len(a) == 1:
        shape = shape[:-2] + shape[-1:]
    if len(b) == 1:
        shape = shape[:-1]
    return shape


def _float_rhs(b, dynamic_ok: bool = True):
    """How _mm would take float `b` (an OperandSpec): its widened constant, the marker
    "widen" (widened whole each run), or None when _mm would widen it in column blocks."""
    small = b.dtype == acc_dtype(b.dtype) or prod(b.shape) <= 4 * WIDEN_CHUNK
    if b.value is not None and (small or b.value.size <= WIDE_CACHE_LIMIT):
        return widen_const(b.value)
    return "widen" if small and dynamic_ok else None


@planner("npu_tensor.matmul")
def _matmul_plan(attrs, operands, results):
    """Float operands: _mm's float path with its dtype and size decisions taken once."""
    a, b = operands[:2]
    if a.dtype.kind != "f" or b.dtype.kind != "f":
        return None
    bw = _float_rhs(b)
    if bw is None:
        return None
    out, f64 = results[0], np.float64  # float operands: widen() is astype(float64)
    if out.dtype is None or out.shape != _matmul_shape(a.shape, b.shape):
        return None
    to = out.dtype  # _cast is astype(to) here: the shapes agree
    if isinstance(bw, str):
        return lambda inputs: [np.matmul(inputs[0].astype(f64, copy=False), inputs[1].astype(f64, copy=False)).astype(to, copy=False)]
    return lambda inputs: [np.matmul(inputs[0].astype(f64, copy=False), bw).astype(to, copy=False)]


@planner("npu_tensor.gemm")
def _gemm_plan(attrs, operands, results):
    """Float operands with a constant B: B widened (and transposed) once, beta * C folded once when constant."""
    a, b, c = _inputs(operands, 3)
    if a.dtype.kind != "f" or b.dtype.kind != "f" or b.value is None or b.value.size > WIDE_CACHE_LIMIT:
        return None
    alpha, beta = float(attrs.get("alpha", 1.0)), float(attrs.get("beta", 1.0))
    trans_a = int(attrs.get("transA", 0))
    bw = widen_const(b.value)
    bw = bw.T if int(attrs.get("transB", 0)) else bw
    bc = None if c is None or c.value is None else beta * widen(c.value)
    out = results[0]

    def run(inputs):
        av, cv = inputs[0], inputs[2] if len(inputs) > 2 else None
        y = np.matmul((av.T if trans_a else av).astype(np.float64, copy=False), bw)  # widen() of a float
        if alpha != 1.0:
            y = y * alpha
        if bc is not None:
            y = y + bc
        elif cv is not None:
            y = y + beta * widen(cv)
        return [_cast(y, out)]

    return run


@kernel("npu_tensor.matmul_integer")
def _matmul_integer_kernel(inputs, attrs, results):
    """MatMulInteger: (a - a_zp) @ (b - b_zp), exact int32 result.

    a_zp is scalar or per-row (along a's M axis), b_zp scalar or per-column.
    """
    a, b, azp, bzp = _inputs(inputs, 4)
    ai = a.astype(np.int64)
    bi = b.astype(np.int64)
    if azp is not None:
        azp = np.asarray(azp).astype(np.int64)
        ai = ai - (azp.reshape(()) if azp.size == 1 else azp.reshape(-1, 1))
    if bzp is not None:
        bzp = np.asarray(bzp).astype(np.int64)
        bi = bi - (bzp.reshape(()) if bzp.size == 1 else bzp.reshape(-1))
    return [_cast(int_matmul(ai, bi), results[0])]


# ----------------------------------------------------------------- pooling


def _pool_geometry(attrs: dict, x, out: ResultSpec):
    """(kernel_shape, strides, dilations, pads, out spatial shape); x an array or OperandSpec."""
    nd = len(x.shape) - 2
    ks = list(attrs["kernel_shape"])
    strides = _attr_list(attrs, "strides", nd, 1)
    dil = _attr_list(attrs, "dilations", nd, 1)
    pads = _attr_list(attrs, "pads", 2 * nd, 0)
    out_shape = tuple(out.shape[2:])
    return ks, strides, dil, pads, out_shape


def _window_counts(in_shape, out_shape, ks, strides, dil, pads, *, include_pad: bool) -> np.ndarray:
    """Per output position, how many window elements fall inside the input
    (or inside input + explicit pads when include_pad). Separable, so built
    from one 1-D count per spatial dim."""
    nd = len(in_shape)
    count = np.ones((), dtype=np.float64)
    for i in range(nd):
        lo = -pads[i] if include_pad else 0
        hi = in_shape[i] + (pads[nd + i] if include_pad else 0)
        starts = np.arange(out_shape[i]) * strides[i] - pads[i]
        pos = starts[:, None] + np.arange(ks[i])[None, :] * dil[i]
        c1 = ((pos >= lo) & (pos < hi)).sum(axis=1).astype(np.float64)
        count = np.multiply.outer(count, c1)
    return count


class PoolGeometry:
    """A pooling window's shape-only facts for one input shape, computed once (a
    Program keeps one per pool op): the padding, one index per kernel offset picking
    that offset's element of every window, and the window counts of average pooling."""

    def __init__(self, x_shape, ks, strides, dil, pads, out_shape):
        self.x_shape, self.ks, self.strides, self.dil, self.pads = tuple(x_shape), tuple(ks), strides, dil, pads
        self.out_shape = tuple(out_shape)
        begin, end = window_pads(x_shape[2:], out_shape, ks, strides, dil, pads)
        self.pad = Padding(x_shape, begin, end)
        self.offsets = list(kernel_offsets(ks))
        self.slices = [(slice(None), slice(None)) + window_slice(off, strides, dil, out_shape) for off in self.offsets]
        self._counts: dict[bool, np.ndarray] = {}

    def counts(self, include_pad: bool) -> np.ndarray:
        if include_pad not in self._counts:
            self._counts[include_pad] = _window_counts(
                self.x_shape[2:], self.out_shape, self.ks, self.strides, self.dil, self.pads, include_pad=include_pad
            )
        return self._counts[include_pad]

    def max(self, x: np.ndarray, *, storage_order: int = 0, want_indices=False):
        """Max over each window (padding never wins); optional flat argmax indices."""
        xp = self.pad(x, _pad_value_min(x.dtype))
        best = xp[self.slices[0]].copy()
        if not want_indices:
            for sl in self.slices[1:]:
                np.maximum(best, xp[sl], out=best)
            return best, None
        arg = np.zeros(best.shape, dtype=np.int64)
        for off, sl in zip(self.offsets[1:], self.slices[1:]):
            xs = xp[sl]
            better = xs > best
            arg[better] = np.ravel_multi_index(off, self.ks)
            best = np.where(better, xs, best)
        return best, self._flat_indices(arg, storage_order)

    def _flat_indices(self, arg: np.ndarray, storage_order: int) -> np.ndarray:
        """window offset -> input coordinates -> flat index over (N, C, *spatial)"""
        ks, out_shape, in_shape = self.ks, self.out_shape, self.x_shape[2:]
        nd = len(ks)
        koff = np.unravel_index(arg, ks)
        flat = np.zeros(arg.shape, dtype=np.int64)
        coords = []
        for i in range(nd):
            o = np.arange(out_shape[i]).reshape((-1,) + (1,) * (nd - 1 - i))
            coords.append(o * self.strides[i] - self.pads[i] + koff[i] * self.dil[i])
        order = range(nd) if storage_order == 0 else reversed(range(nd))
        for i in order:
            flat = flat * in_shape[i] + coords[i]
        n, c = self.x_shape[:2]
        nc = np.arange(n * c).reshape(n, c, *([1] * nd))
        return flat + nc * prod(in_shape)

    def average(self, x: np.ndarray, *, count_include_pad: int) -> np.ndarray:
        """Window sum / window count, in float64. Padded elements add 0; the count
        includes explicit padding iff count_include_pad (never the ceil_mode tail).
        The sum runs from zero over the kernel offsets in order; numpy float inputs are
        widened (exactly) as they are added, others up front."""
        acc = acc_dtype(x.dtype)
        xp = self.pad(x if x.dtype.kind == "f" else widen(x), 0)
        total = np.zeros(self.x_shape[:2] + self.out_shape, dtype=acc)
        for sl in self.slices:
            total += xp[sl]
        return total / self.counts(bool(count_include_pad))


def max_pool(x, ks, strides, dil, pads, out_shape, *, storage_order: int = 0, want_indices=False):
    """Max over each window (padding never wins); optional flat argmax indices."""
    geo = PoolGeometry(x.shape, ks, strides, dil, pads, out_shape)
    return geo.max(x, storage_order=storage_order, want_indices=want_indices)


@kernel("npu_tensor.max_pool")
def _max_pool_kernel(inputs, attrs, results):
    x = inputs[0]
    ks, strides, dil, pads, out_shape = _pool_geometry(attrs, x, results[0])
    y, idx = max_pool(
        x, ks, strides, dil, pads, out_shape,
        storage_order=int(attrs.get("storage_order", 0)),
        want_indices=len(results) > 1,
    )
    out = [_cast(y, results[0])]
    if len(results) > 1:
        out.append(_cast(idx, results[1]))
    return out


@planner("npu_tensor.max_pool")
def _max_pool_plan(attrs, operands, results):
    x = operands[0]
    geo = PoolGeometry(x.shape, *_pool_geometry(attrs, x, results[0]))
    storage_order, want = int(attrs.get("storage_order", 0)), len(results) > 1

    def run(inputs):
        y, idx = geo.max(inputs[0], storage_order=storage_order, want_indices=want)
        return [_cast(y, results[0])] + ([_cast(idx, results[1])] if want else [])

    return run


def average_pool(x, ks, strides, dil, pads, out_shape, *, count_include_pad: int) -> np.ndarray:
    """Window sum / window count, in float64 (see PoolGeometry.average)."""
    return PoolGeometry(x.shape, ks, strides, dil, pads, out_shape).average(x, count_include_pad=count_include_pad)


@kernel("npu_tensor.average_pool")
def _average_pool_kernel(inputs, attrs, results):
    x = inputs[0]
    ks, strides, dil, pads, out_shape = _pool_geometry(attrs, x, results[0])
    y = average_pool(x, ks, strides, dil, pads, out_shape, count_include_pad=int(attrs.get("count_include_pad", 0)))
    return [_cast(y, results[0])]


@planner("npu_tensor.average_pool")
def _average_pool_plan(attrs, operands, results):
    x = operands[0]
    geo = PoolGeometry(x.shape, *_pool_geometry(attrs, x, results[0]))
    include = int(attrs.get("count_include_pad", 0))
    geo.counts(bool(include))
    return lambda inputs: [_cast(geo.average(inputs[0], count_include_pad=include), results[0])]


@kernel("npu_tensor.lp_pool")
def _lp_pool_kernel(inputs, attrs, results):
    """LpPool: (sum over window of |x|^p)^(1/p); padding contributes 0."""
    x = inputs[0]
    ks, strides, dil, pads, out_shape = _pool_geometry(attrs, x, results[0])
    p = float(attrs.get("p", 2))
    xw = np.abs(widen(x)) ** p
    begin, end = window_pads(x.shape[2:], out_shape, ks, strides, dil, pads)
    xp = pad_spatial(xw, begin, end, 0)
    total = np.zeros(x.shape[:2] + tuple(out_shape))
    for off in kernel_offsets(ks):
        total += xp[(slice(None), slice(None)) + window_slice(off, strides, dil, out_shape)]
    return [_cast(total ** (1.0 / p), results[0])]


def _spatial_axes(x: np.ndarray) -> tuple[int, ...]:
    return tuple(range(2, x.ndim))


@kernel("npu_tensor.global_average_pool")
def _global_average_pool_kernel(inputs, attrs, results):
    x = inputs[0]
    flat = x.reshape(x.shape[0], x.shape[1], -1)
    return [_cast(flat.sum(axis=-1, dtype=acc_dtype(x.dtype)) / flat.shape[-1], results[0])]


@planner("npu_tensor.global_average_pool")
def _global_average_pool_plan(attrs, operands, results):
    """The kernel's sum (ndarray.sum is this add.reduce) / count, shapes and dtypes once."""
    x = operands[0]
    flat_shape = tuple(x.shape[:2]) + (-1,)
    count, acc, out = prod(x.shape[2:]), acc_dtype(x.dtype), results[0]
    return lambda inputs: [_cast(np.add.reduce(inputs[0].reshape(flat_shape), axis=-1, dtype=acc) / count, out)]


@kernel("npu_tensor.global_max_pool")
def _global_max_pool_kernel(inputs, attrs, results):
    x = inputs[0]
    return [_cast(x.max(axis=_spatial_axes(x), keepdims=True), results[0])]


@kernel("npu_tensor.global_lp_pool")
def _global_lp_pool_kernel(inputs, attrs, results):
    x = inputs[0]
    p = float(attrs.get("p", 2))
    y = (np.abs(widen(x)) ** p).sum(axis=_spatial_axes(x), keepdims=True) ** (1.0 / p)
    return [_cast(y, results[0])]


# ----------------------------------------------------------- normalization


def _channel(v: np.ndarray, rank: int) -> np.ndarray:
    """A per-channel (axis 1) vector broadcastable over a rank-`rank` NC... tensor."""
    return widen(v).reshape((1, -1) + (1,) * (rank - 2))


@kernel("npu_tensor.batch_normalization")
def _batch_normalization_kernel(inputs, attrs, results):
    """Inference BatchNormalization: (x - mean) / sqrt(var + eps) * scale + bias,
    evaluated as x * a + (bias - mean * a) with a = scale / sqrt(var + eps) in float64."""
    x, scale, bias, mean, var = inputs[:5]
    r = x.ndim
    eps = float(attrs.get("epsilon", 1e-5))
    a = _channel(scale, r) / np.sqrt(_channel(var, r) + eps)  # per channel, float64
    shift = _channel(bias, r) - _channel(mean, r) * a
    y = np.multiply(x, a, dtype=acc_dtype(x.dtype))  # widened on the fly
    y += shift
    return [_cast(y, results[0])]


@planner("npu_tensor.batch_normalization")
def _batch_normalization_plan(attrs, operands, results):
    """Constant statistics: a and shift folded once (the kernel's float64 expressions)."""
    x, scale, bias, mean, var = operands[:5]
    if x.dtype.kind != "f" or any(v is None or v.value is None for v in (scale, bias, mean, var)):
        return None
    r = len(x.shape)
    eps = float(attrs.get("epsilon", 1e-5))
    a = _channel(scale.value, r) / np.sqrt(_channel(var.value, r) + eps)
    shift = _channel(bias.value, r) - _channel(mean.value, r) * a
    acc, out = acc_dtype(x.dtype), results[0]

    def run(inputs):
        y = inputs[0].astype(acc)  # a fresh widened copy (exact); x * a in place is the kernel's product
        y *= a
        y += shift
        return [_cast(y, out)]

    return run


@kernel("npu_tensor.batch_normalization_training")
def _batch_normalization_training_kernel(inputs, attrs, results):
    """Training-mode BatchNormalization: normalize with the batch statistics
    (mean and population variance over every axis but 1) and update the running ones:
    running = input_stat * momentum + batch_stat * (1 - momentum)."""
    x, scale, bias, mean, var = inputs[:5]
    r = x.ndim
    eps = float(attrs.get("epsilon", 1e-5))
    momentum = float(attrs.get("momentum", 0.9))
    xw = widen(x)
    axes = (0,) + tuple(range(2, r))
    bmean = xw.mean(axis=axes, keepdims=True)
    bvar = ((xw - bmean) ** 2).mean(axis=axes, keepdims=True)
    y = (xw - bmean) / np.sqrt(bvar + eps) * _channel(scale, r) + _channel(bias, r)
    run_mean = widen(mean) * momentum + bmean.reshape(-1) * (1 - momentum)
    run_var = widen(var) * momentum + bvar.reshape(-1) * (1 - momentum)
    return [_cast(v, spec) for v, spec in zip((y, run_mean, run_var), results)]


@kernel("npu_tensor.rms_normalization")
def _rms_normalization_kernel(inputs, attrs, results):
    """x / sqrt(mean(x^2 over dims [axis, rank)) + epsilon) * scale."""
    x, scale = inputs[:2]
    axis = int(attrs.get("axis", -1)) % x.ndim
    xw = widen(x)
    ms = (xw * xw).mean(axis=tuple(range(axis, x.ndim)), keepdims=True)
    return [_cast(xw / np.sqrt(ms + float(attrs.get("epsilon", 1e-5))) * widen(scale), results[0])]


@kernel("npu_tensor.instance_normalization")
def _instance_normalization_kernel(inputs, attrs, results):
    """Per (n, c): (x - mean) / sqrt(var + eps) * scale[c] + bias[c] over spatial dims."""
    x, scale, bias = inputs[:3]
    eps = float(attrs.get("epsilon", 1e-5))
    xw = widen(x)
    axes = _spatial_axes(x)
    mean = xw.mean(axis=axes, keepdims=True)
    var = ((xw - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (xw - mean) / np.sqrt(var + eps) * _channel(scale, x.ndim) + _channel(bias, x.ndim)
    return [_cast(y, results[0])]


@kernel("npu_tensor.group_normalization")
def _group_normalization_kernel(inputs, attrs, results):
    """GroupNormalization (opset 21): normalize per (n, group), then per-channel scale/bias."""
    x, scale, bias = inputs[:3]
    eps = float(attrs.get("epsilon", 1e-5))
    g = int(attrs["num_groups"])
    n, c = x.shape[:2]
    xg = widen(x).reshape(n, g, -1)
    mean = xg.mean(axis=2, keepdims=True)
    var = ((xg - mean) ** 2).mean(axis=2, keepdims=True)
    y = ((xg - mean) / np.sqrt(var + eps)).reshape(x.shape)
    y = y * _channel(scale, x.ndim) + _channel(bias, x.ndim)
    return [_cast(y, results[0])]


def layer_normalization(x, scale, bias, *, axis: int, epsilon: float):
    """Returns (y, mean, inv_std_dev), all float64; mean/inv keep reduced dims as 1."""
    xw = widen(x)
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = xw.mean(axis=axes, keepdims=True)
    var = ((xw - mean) ** 2).mean(axis=axes, keepdims=True)
    inv = 1.0 / np.sqrt(var + epsilon)
    y = (xw - mean) * inv * widen(scale)
    if bias is not None:
        y = y + widen(bias)
    return y, mean, inv


@kernel("npu_tensor.layer_normalization")
def _layer_normalization_kernel(inputs, attrs, results):
    x, scale, bias = _inputs(inputs, 3)
    y, mean, inv = layer_normalization(
        x, scale, bias, axis=int(attrs.get("axis", -1)), epsilon=float(attrs.get("epsilon", 1e-5))
    )
    return [_cast(v, spec) for v, spec in zip((y, mean, inv), results)]


@planner("npu_tensor.layer_normalization")
def _layer_normalization_plan(attrs, operands, results):
    """layer_normalization's float64 expressions with the axes, the count and the widened
    constant scale and bias taken once; mean is add.reduce / count, as np.mean computes it."""
    x, scale, bias = _inputs(operands, 3)
    if scale.value is None or (bias is not None and bias.value is None):
        return None
    rank = len(x.shape)
    axes = tuple(range(int(attrs.get("axis", -1)) % rank, rank))
    count = prod(x.shape[a] for a in axes)
    if count == 0:
        return None
    eps = float(attrs.get("epsilon", 1e-5))
    sw = widen(scale.value)
    bw = None if bias is None else widen(bias.value)

    acc = acc_dtype(x.dtype)
    stat_shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
    factors = [sw.shape] + ([] if bw is None else [bw.shape])
    if np.broadcast_shapes(tuple(x.shape), *factors) != tuple(x.shape) or results[0].shape != tuple(x.shape):
        return None  # scale/bias would widen the result: leave it to the kernel
    if any(r.shape != stat_shape or r.dtype is None for r in results[1:]) or results[0].dtype is None:
        return None
    to = [r.dtype for r in results]

    def run(inputs):  # the same operations, in place on the fresh intermediates
        xw = inputs[0].astype(acc, copy=False)
        mean = np.add.reduce(xw, axis=axes, keepdims=True)
        mean /= count
        d = xw - mean
        inv = np.add.reduce(d**2, axis=axes, keepdims=True)
        inv /= count
        inv += eps
        np.sqrt(inv, out=inv)
        np.divide(1.0, inv, out=inv)
        d *= inv
        d *= sw
        if bw is not None:
            d += bw
        return [v.astype(t, copy=False) for v, t in zip((d, mean, inv), to)]

    return run


@kernel("npu_tensor.mean_variance_normalization")
def _mvn_kernel(inputs, attrs, results):
    """(x - mean) / (sqrt(var) + 1e-9) over `axes` (the epsilon of the ONNX function body)."""
    x = inputs[0]
    axes = tuple(attrs.get("axes", [0, 2, 3]))
    xw = widen(x)
    mean = xw.mean(axis=axes, keepdims=True)
    var = ((xw - mean) ** 2).mean(axis=axes, keepdims=True)
    return [_cast((xw - mean) / (np.sqrt(var) + 1e-9), results[0])]


@kernel("npu_tensor.lp_normalization")
def _lp_normalization_kernel(inputs, attrs, results):
    """x / ||x||_p along `axis` (p in {1, 2}); a zero norm leaves zeros."""
    x = inputs[0]
    axis = int(attrs.get("axis", -1))
    p = int(attrs.get("p", 2))
    xw = widen(x)
    if p == 1:
        norm = np.abs(xw).sum(axis=axis, keepdims=True)
    else:
        norm = np.sqrt((xw * xw).sum(axis=axis, keepdims=True))
    y = np.divide(xw, norm, out=np.zeros_like(xw), where=norm != 0)
    return [_cast(y, results[0])]


@kernel("npu_tensor.lrn")
def _lrn_kernel(inputs, attrs, results):
    """LRN across channels: x / (bias + alpha/size * sum_{window} x^2) ** beta.

    The window of channel c is [c - floor((size-1)/2), c + ceil((size-1)/2)].
    """
    x = inputs[0]
    size = int(attrs["size"])
    alpha = float(attrs.get("alpha", 1e-4))
    beta = float(attrs.get("beta", 0.75))
    bias = float(attrs.get("bias", 1.0))
    xw = widen(x)
    sq = xw * xw
    lo = (size - 1) // 2
    c = x.shape[1]
    # csum[:, j] = sum of the first j channels of sq zero-padded by lo in front, size-1-lo behind
    # (np.cumsum's order, one channel at a time: a cumsum along axis 1 crawls through memory)
    padded = np.zeros((x.shape[0], c + size - 1) + x.shape[2:], dtype=sq.dtype)
    padded[:, lo : lo + c] = sq
    csum = np.empty((x.shape[0], c + size) + x.shape[2:], dtype=sq.dtype)
    csum[:, 0] = 0
    csum[:, 1] = padded[:, 0]
    for j in range(1, c + size - 1):
        np.add(csum[:, j], padded[:, j], out=csum[:, j + 1])
    # y = xw / (bias + alpha / size * window) ** beta, each step in place on the fresh window
    y = np.subtract(csum[:, size : size + c], csum[:, :c])
    y *= alpha / size
    y += bias
    y **= beta  # ndarray ** (not np.power): its scalar fast paths (sqrt for 0.5, square for 2)
    np.divide(xw, y, out=y)
    return [_cast(y, results[0])]


# ----------------------------------------------------------------- softmax


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    xw = widen(x)
    e = np.exp(xw - xw.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    xw = widen(x)
    z = xw - xw.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


@kernel("npu_tensor.softmax")
def _softmax_kernel(inputs, attrs, results):
    return [_cast(softmax(inputs[0], int(attrs.get("axis", -1))), results[0])]


@planner("npu_tensor.softmax")
def _softmax_plan(attrs, operands, results):
    """softmax() with its max and sum as the ufunc reductions ndarray.max / .sum call."""
    axis, acc, out = int(attrs.get("axis", -1)), acc_dtype(operands[0].dtype), results[0]

    def run(inputs):
        xw = inputs[0].astype(acc, copy=False)
        e = np.exp(xw - np.maximum.reduce(xw, axis=axis, keepdims=True))
        return [_cast(e / np.add.reduce(e, axis=axis, keepdims=True), out)]

    return run


@kernel("npu_tensor.log_softmax")
def _log_softmax_kernel(inputs, attrs, results):
    return [_cast(log_softmax(inputs[0], int(attrs.get("axis", -1))), results[0])]


@kernel("npu_tensor.hardmax")
def _hardmax_kernel(inputs, attrs, results):
    """One-hot of the first maximum along `axis`."""
    x = inputs[0]
    axis = int(attrs.get("axis", -1)) % x.ndim
    idx = np.expand_dims(np.argmax(x, axis=axis), axis)
    y = np.zeros(x.shape, dtype=results[0].dtype)
    np.put_along_axis(y, idx, 1, axis=axis)
    return [y]


# -------------------------------------------------------------- reductions


def _reduce_axes(attrs: dict, rank: int) -> tuple[int, ...] | None:
    """The reduced axes, or None for the identity (empty axes with noop_with_empty_axes)."""
    axes = list(attrs.get("axes", []))
    if not axes:
        return None if int(attrs.get("noop_with_empty_axes", 0)) else tuple(range(rank))
    return tuple(sorted(a % rank for a in axes))


_REDUCERS = {
    "reduce_sum": lambda x, ax: x.sum(axis=ax, keepdims=True, dtype=acc_dtype(x.dtype)),
    "reduce_mean": lambda x, ax: x.mean(axis=ax, keepdims=True, dtype=acc_dtype(x.dtype)),
    "reduce_prod": lambda x, ax: widen(x).prod(axis=ax, keepdims=True),
    "reduce_max": lambda x, ax: x.max(axis=ax, keepdims=True, initial=_pad_value_min(x.dtype)),
    "reduce_min": lambda x, ax: x.min(axis=ax, keepdims=True, initial=_max_value(x.dtype)),
    "reduce_l1": lambda x, ax: np.abs(widen(x)).sum(axis=ax, keepdims=True),
    "reduce_l2": lambda x, ax: np.sqrt(np.square(widen(x)).sum(axis=ax, keepdims=True)),
    "reduce_sum_square": lambda x, ax: np.square(widen(x)).sum(axis=ax, keepdims=True),
    "reduce_log_sum": lambda x, ax: _log(widen(x).sum(axis=ax, keepdims=True)),
    "reduce_log_sum_exp": lambda x, ax: _log_sum_exp(widen(x), ax),
}


def _max_value(dtype: np.dtype):
    if np.issubdtype(dtype, np.floating) or dtype.kind == "V":
        return np.inf
    if dtype == np.bool_:
        return True
    return np.iinfo(dtype).max


def _log(v: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(v)


def _log_sum_exp(x: np.ndarray, axes) -> np.ndarray:
    if x.size == 0 or any(x.shape[a] == 0 for a in axes):
        return _log(np.exp(x).sum(axis=axes, keepdims=True))
    m = x.max(axis=axes, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return _log(np.exp(x - m).sum(axis=axes, keepdims=True)) + m


def reduce(op: str, x: np.ndarray, attrs: dict[str, Any]) -> np.ndarray:
    """ONNX Reduce* semantics; the keepdims=0 squeeze comes from the result shape."""
    axes = _reduce_axes(attrs, x.ndim)
    if axes is None:
        return x
    return _REDUCERS[op](x, axes)


def _reduce_kernel(op: str):
    def run(inputs, attrs, results):
        return [_cast(reduce(op, inputs[0], attrs), results[0])]

    run.__name__ = f"_{op}_kernel"
    return run


for _op in _REDUCERS:
    kernel(f"npu_tensor.{_op}")(_reduce_kernel(_op))


@planner("npu_tensor.reduce_mean")
def _reduce_mean_plan(attrs, operands, results):
    """Float reduce_mean: np.mean's own steps (add.reduce in float64, then / count) with
    the axes and the count taken once."""
    x = operands[0]
    axes = _reduce_axes(attrs, len(x.shape))
    if axes is None or x.dtype.kind != "f":
        return None
    count = prod(x.shape[a] for a in axes)
    if count == 0:
        return None
    out = results[0]

    def run(inputs):
        total = np.add.reduce(inputs[0], axis=axes, dtype=np.float64, keepdims=True)
        total /= count
        return [_cast(total, out)]

    return run


# ------------------------------------------------------ arg/top-k, einsum


def _arg_reduce(x: np.ndarray, axis: int, last: int, fn) -> np.ndarray:
    """First (or with `last`, last) index of the extreme along `axis`."""
    if x.shape[axis] == 0:
        raise NpuError(f"expects a non-empty axis {axis} to take the index of an extreme, got shape {list(x.shape)}")
    if not last:
        return fn(x, axis=axis)
    flipped = np.flip(x, axis=axis)
    return x.shape[axis] - 1 - fn(flipped, axis=axis)


@kernel("npu_tensor.arg_min")
def _arg_min_kernel(inputs, attrs, results):
    """ArgMin along `axis` (int64; ties: the first, or the last with select_last_index)."""
    x = inputs[0]
    idx = _arg_reduce(x, int(attrs["axis"]), int(attrs.get("select_last_index", 0)), np.argmin)
    return [_cast(idx, results[0])]


@kernel("npu_tensor.arg_max")
def _arg_max_kernel(inputs, attrs, results):
    """ArgMax along `axis` (int64; ties: the first, or the last with select_last_index)."""
    x = inputs[0]
    idx = _arg_reduce(x, int(attrs["axis"]), int(attrs.get("select_last_index", 0)), np.argmax)
    return [_cast(idx, results[0])]


@kernel("npu_tensor.top_k")
def _top_k_kernel(inputs, attrs, results):
    """TopK along `axis`: the k largest (or smallest) values, sorted, with their int64
    indices; equal values keep the lower index first."""
    x = inputs[0]
    axis = int(attrs["axis"])
    k = int(attrs["k"])
    if int(attrs.get("largest", 1)):
        key = -x if x.dtype.kind == "f" or x.dtype.kind == "V" else ~x  # ~ reverses integer order exactly
    else:
        key = x
    order = np.argsort(key, axis=axis, kind="stable")
    idx = np.take(order, np.arange(k), axis=axis)
    values = np.take_along_axis(x, idx, axis=axis)
    return [_cast(values, results[0]), _cast(idx, results[1])]


@kernel("npu_tensor.einsum")
def _einsum_kernel(inputs, attrs, results):
    """numpy einsum of the equation, in the accumulation dtype."""
    ops = [widen(v) for v in inputs if v is not None]
    return [_cast(np.einsum(attrs["equation"], *ops), results[0])]


# ------------------------------------------------------- unpool, col2im


def unpool_shape(x_shape, kernel_shape, strides, pads) -> list[int]:
    """The pooled-from shape MaxUnpool indices refer to: (in - 1) * s + k - pad_begin - pad_end."""
    nd = len(kernel_shape)
    return list(x_shape[:2]) + [
        (x_shape[2 + i] - 1) * strides[i] + kernel_shape[i] - pads[i] - pads[nd + i] for i in range(nd)
    ]


@kernel("npu_tensor.max_unpool")
def _max_unpool_kernel(inputs, attrs, results):
    """MaxUnpool: input[i] is stored at flat index indices[i] of a zero tensor of the
    pooled-from shape (indices as MaxPool produces them: flat over (N, C, *spatial)),
    which then sits at the origin of the (possibly larger) result."""
    x, idx = inputs[:2]
    nd = x.ndim - 2
    shape = unpool_shape(x.shape, attrs["kernel_shape"], _attr_list(attrs, "strides", nd, 1), _attr_list(attrs, "pads", 2 * nd, 0))
    y = np.zeros(prod(shape), dtype=x.dtype)
    flat = np.asarray(idx, dtype=np.int64).reshape(-1)
    if flat.size and (flat.min() < 0 or flat.max() >= y.size):  # run-time data
        bad = int(flat[(flat < 0) | (flat >= y.size)][0])
        raise NpuError(f"unpool index {bad} out of range [0, {y.size - 1}]")
    y[flat] = x.reshape(-1)
    out = np.zeros(results[0].shape, dtype=results[0].dtype)
    region = tuple(slice(0, min(a, b)) for a, b in zip(shape, out.shape))
    out[region] = y.reshape(shape)[region]
    return [out]


@kernel("npu_tensor.col2im")
def _col2im_kernel(inputs, attrs, results):
    """Col2Im: sum the blocks of input [N, C * prod(block_shape), L] back into the image
    [N, C, *image_shape] (the inverse of im2col; overlapping elements add up)."""
    x = widen(inputs[0])
    image = list(attrs["image_shape"])
    block = list(attrs["block_shape"])
    nd = len(image)
    strides = _attr_list(attrs, "strides", nd, 1)
    dil = _attr_list(attrs, "dilations", nd, 1)
    pads = _attr_list(attrs, "pads", 2 * nd, 0)
    n, ck, _ = x.shape
    c = ck // prod(block)
    grid = [(image[i] + pads[i] + pads[nd + i] - (block[i] - 1) * dil[i] - 1) // strides[i] + 1 for i in range(nd)]
    cols = x.reshape(n, c, prod(block), *grid)
    full = np.zeros((n, c) + tuple(image[i] + pads[i] + pads[nd + i] for i in range(nd)), dtype=x.dtype)
    for ki, off in enumerate(kernel_offsets(block)):
        full[(slice(None), slice(None)) + window_slice(off, strides, dil, grid)] += cols[:, :, ki]
    y = pad_spatial(full, [-p for p in pads[:nd]], [-p for p in pads[nd:]])
    return [_cast(y, results[0])]


# --------------------------------------------------------------- deform conv


def _bilinear_gather(xg: np.ndarray, hs: np.ndarray, ws: np.ndarray) -> np.ndarray:
    """Bilinear samples of xg [N, OG, Cg, H, W] at real coordinates hs, ws [N, OG, *out];
    taps outside the image contribute 0. Returns [N, OG, *out, Cg]."""
    n, og, _, h, w = xg.shape
    bi = np.arange(n).reshape((n, 1) + (1,) * (hs.ndim - 2))
    gi = np.arange(og).reshape((1, og) + (1,) * (hs.ndim - 2))
    h0, w0 = np.floor(hs), np.floor(ws)
    out = 0.0
    for dh in (0, 1):
        for dw in (0, 1):
            hc, wc = h0 + dh, w0 + dw
            weight = (1 - np.abs(hs - hc)) * (1 - np.abs(ws - wc))
            inside = (hc >= 0) & (hc < h) & (wc >= 0) & (wc < w)
            hi = np.clip(hc, 0, h - 1).astype(np.int64)
            wi = np.clip(wc, 0, w - 1).astype(np.int64)
            vals = xg[bi, gi, :, hi, wi]  # [N, OG, *out, Cg]
            out = out + vals * np.where(inside, weight, 0.0)[..., None]
    return out


@kernel("npu_tensor.deform_conv")
def _deform_conv_kernel(inputs, attrs, results):
    """2-D deformable convolution: each kernel tap of each output position samples
    x bilinearly at its regular position plus a learned offset (per offset group),
    scaled by the optional mask; then the grouped conv matmul."""
    x, w, offset, b, mask = _inputs(inputs, 5)
    x, w, offset = widen(x), widen(w), widen(offset)
    n, c, h, wd = x.shape
    m, cg = w.shape[:2]
    ks = tuple(w.shape[2:])
    kk = prod(ks)
    out = results[0].shape[2:]
    g, og = int(attrs.get("group", 1)), int(attrs.get("offset_group", 1))
    strides = _attr_list(attrs, "strides", 2, 1)
    dil = _attr_list(attrs, "dilations", 2, 1)
    pads = _attr_list(attrs, "pads", 4, 0)
    off = offset.reshape(n, og, kk, 2, *out)
    msk = None if mask is None else widen(mask).reshape(n, og, kk, *out)
    xg = x.reshape(n, og, c // og, h, wd)
    oh = (np.arange(out[0]) * strides[0] - pads[0]).reshape(-1, 1)
    ow = (np.arange(out[1]) * strides[1] - pads[1]).reshape(1, -1)
    cols = np.empty((n, c, kk) + tuple(out))
    for ki, (kh, kw) in enumerate(kernel_offsets(ks)):
        hs = oh + kh * dil[0] + off[:, :, ki, 0]
        ws = ow + kw * dil[1] + off[:, :, ki, 1]
        s = _bilinear_gather(xg, hs, ws)  # [N, OG, OH, OW, C/OG]
        if msk is not None:
            s = s * msk[:, :, ki, ..., None]
        cols[:, :, ki] = np.moveaxis(s, -1, 2).reshape(n, c, *out)
    p = prod(out)
    cols = cols.reshape(n, g, cg * kk, p).transpose(1, 2, 0, 3).reshape(g, cg * kk, n * p)
    y = _mm(w.reshape(g, m // g, cg * kk), cols).reshape(m, n, p).swapaxes(0, 1)
    if b is not None:
        y = y + widen(b).reshape(1, m, 1)
    return [_cast(y, results[0])]
