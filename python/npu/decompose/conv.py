"""Decompositions of convolution and pooling instances the spatial lowering has no rule for.

The spatial families take 2-D (rank-4) conv / conv_int / conv_float and
max_pool / average_pool, and global pools of any rank; everything else of the
conv/pool group is rewritten here into those ops plus layout copies
(reshape, transpose, slice, concat) and elementwise ops:

    conv, rank 3 (1-D)     reshape to [N, C, 1, L], a 2-D conv with a 1 x K kernel, reshape back.
    conv, rank >= 5        fold the first spatial axis D into channels: x transposed to [N, D, C, *R],
                           D padded explicitly, the KD tap slices (stride sd, dilation dd) concatenated
                           per group on channels as (g, kd, c), depth folded into the batch
                           [N*OD, G*KD*C/G, *R]; one conv of rank - 1 with the weight
                           [M, KD*C/G, *KR] (numpy at compile time for a constant weight, transpose +
                           reshape ops otherwise); result [N*OD, M, *OR] -> [N, M, OD, *OR].
                           Rank 6+ folds again on the next round.
    conv, rank 4 with a window wholly in the padding (the spatial conv refuses it): the input
                           padded explicitly with zeros, then the conv with pads 0.
    conv_transpose (any rank), W'[g*M/G + m, c, k] = w[g*C/G + c, m, K-1-k] (the kernel flipped, in/out
                           channels swapped per group; numpy for a constant weight, reshape + transpose +
                           per-tap slices concatenated otherwise):
      stride == kernel, dilation 1, no output_padding: windows never overlap, so a conv with a 1x1
                           kernel to M*prod(K) channels, then depth-to-space (reshape/transpose) and a crop.
      other strides, up to PHASE_LIMIT output phases: one stride-1 conv over x itself per phase
                           (o mod s on every axis) with the taps that reach it (a strided slice of W'),
                           the phases woven with reshape + concat, then cropped; a phase no tap reaches
                           is the bias. No multiplications by zeros (prod(s) times fewer MACs than the
                           zero-interleaved form; bench/decompose_conv.py, a 16x16x16 -> 32x32x16
                           4x4-kernel stride-2 layer: perf model 29.7k vs 73.9k cycles on edge-lpddr,
                           9.4k vs 10.8k on datacenter-hbm, 1.0M vs 4.2M MACs). A matmul + col2im form
                           would need prod(K) shifted adds of overlapping tap products (another summation
                           order, a wide intermediate): not chosen.
      stride 1 or more phases: x zero-interleaved per axis (concat with a zero constant on an inserted
                           axis, reshape), padded / cropped to O + (K-1)*d, then a stride-1 conv with W'.
    conv_int / conv_float (2-D only at level 2) with a window wholly in the padding: x padded with
                           input_zp (a !quant dense_resource constant) / +0.0, then the conv with pads 0;
                           the same terms in the same order: bit-identical.
    max_pool / average_pool, rank 3    reshape to a 2-D pool with a 1 x K window, reshape back
                           (the indices result, when present, is exact too: same flat indices).
    max_pool, rank 4, indices used  golden's chain over the window offsets of the input padded
                           with the type's minimum: better = slice > best (strict), best / index =
                           where(better, slice / constant flat index, ...): bit-identical.
    max_pool, rank 4, ui8  the exact i16 copy pooled (indices unused), cast back: bit-identical.
    max_pool / average_pool, rank >= 5  separable: a pool over the trailing spatial axes with D
                           folded into channels [N, C*D, *R], then a (KD x 1) pool over D on
                           [N, C, D, prod(OR)]; max is exact, average divides twice (the window
                           counts are separable per axis, so the quotient is the same number).
    lp_pool (any rank)     |x|^p (abs, then multiplications by binary powering; x*x for p = 2), a window
                           sum as a depthwise conv with an all-ones kernel (padding adds 0; the
                           ceil_mode tail as extra end padding), then sqrt for p = 2 or exp(log(s) / p)
                           for p > 2 (npu_tensor.pow is not used: the spatial pow lowers only the
                           exponents 2 and 0.5).
    global_lp_pool         |x|^p, reduce_sum over the spatial axes (keepdims), then the root.

Padding is built here from concat with constants (zeros, or input_zp for
conv_int) and slices (`pad_axis`), not npu_tensor.pad.

Accuracy. Integer instances are bit-identical to the golden interpreter (the
same exact sums; interleaved zeros add 0). Float, golden interpreter before vs
after (tests): conv 1-D / N-d and conv_transpose sum the same products in
float64 and round once, so they agree to one f32 rounding (bound asserted
1 * 2^-24 * max|y|; measured 0: bit-identical on every test instance and ONNX
node test); 1-D pools are the same computation (measured 0); the separable
N-d average pool rounds once per pass (bound (nd - 1) * 2^-24 * max|y|,
measured 1.6 * 2^-24); lp_pool / global_lp_pool round |x|^p (one rounding
per multiplication), the window sum and the root (exp(log(s)/p) for p > 2)
to f32 (bound asserted (p + 3) * 2^-24 * max|y|, measured 2.2 * 2^-24).
At level 4 (edge-lpddr, f32 accumulation in another order) the results are
within the 1e-5 * max|y| model bound of docs/spatial.md (measured <= 6.2 * 2^-24
* max|y| on conv_transpose, <= 2.1 on conv1d/conv3d, max pools and level-2
convs exact).
Non-finite values may spread further than in the golden kernels where a
rewrite multiplies padding or interleaved zeros by them (0 * inf = NaN): an
inf input of an interleaved conv_transpose, an inf weight next to padding.

Refused (one-line error at the op): max_pool indices used on rank >= 5,
lp_pool / global_lp_pool on integer data, conv_transpose with a non-constant
weight and a kernel so large that the flip needs more than 64 slices per
axis. Left to the spatial lowering's error (the rule does not apply): the
indices of a 2-D max_pool, integer average_pool, conv_int / conv_float
instances refused for their types. ONNX node tests of the family on
edge-lpddr level 4 (bench/decompose_conv.py): 65 of 68 lower and match
(max 3.1 * 2^-24 * max|y|); the 3 others are a ui8 max_pool and max_pool
with argmax indices (types level 4 has no buffers for).
"""

from __future__ import annotations

import itertools
from math import gcd, prod
from typing import Sequence

import numpy as np
from mlir import ir
from mlir.dialects import quant

from npu.decompose import decomposes
from npu.decompose.builder import Builder
from npu.errors import NpuError
from npu.ir import dtypes
from npu.ir.attrs import from_attr

PHASE_LIMIT = 16  # conv_transpose: up to this many output phases (prod(strides)) as separate convs
FLIP_SLICE_LIMIT = 64  # a non-constant conv_transpose weight is flipped by at most this many slices per axis


# ------------------------------------------------------------------ small helpers


def _attrs(op: ir.Operation) -> dict:
    return {name: from_attr(op.attributes[name]) for name in op.attributes if name != "operandSegmentSizes"}


def _window(attrs: dict, nd: int, kernel: Sequence[int]):
    strides = list(attrs.get("strides") or [1] * nd)
    dil = list(attrs.get("dilations") or [1] * nd)
    pads = list(attrs.get("pads") or [0] * (2 * nd))
    return list(kernel), strides, dil, pads


def _float_elem(t: ir.Type) -> bool:
    name = str(t)
    return name in ("f16", "bf16", "f32", "f64") or name.startswith("f8")


def pad_axis(b: Builder, x: ir.Value, axis: int, before: int, after: int, value=0) -> ir.Value:
    """x padded along `axis` by `before`/`after` elements of `value` (negative amounts crop)."""
    shape = list(b.shape(x))
    if before < 0 or after < 0:
        start, end = max(-before, 0), shape[axis] - max(-after, 0)
        x = b.slice(x, [axis], [start], [end])
        shape = list(b.shape(x))
    parts = []
    for amount in (before, after):
        if amount > 0:
            zshape = list(shape)
            zshape[axis] = amount
            parts.append(_filled(b, zshape, value, b.elem(x)))
        else:
            parts.append(None)
    values = [v for v in (parts[0], x, parts[1]) if v is not None]
    return b.concat(values, axis)


def _filled(b: Builder, shape, value, elem: ir.Type) -> ir.Value:
    """A constant of `shape` filled with `value` (the storage value for a !quant element type)."""
    if isinstance(elem, quant.QuantizedType):
        return b.quant_const(np.full(shape, value), elem)
    return b.const(np.full(shape, value), elem)


def pad_to_windows(b: Builder, x: ir.Value, axis: int, begin: int, out: int, k: int, s: int, d: int, value=0) -> ir.Value:
    """x padded (or cropped) along `axis` so that `out` windows (kernel k, stride s, dilation d), the first
    starting `begin` elements before x, tile it exactly: length (out - 1) * s + (k - 1) * d + 1."""
    need = (out - 1) * s + (k - 1) * d + 1
    return pad_axis(b, x, axis, begin, need - b.shape(x)[axis] - begin, value)


def _conv_op(b: Builder, name: str, x, w, bias, out_shape, elem, attrs: dict) -> ir.Value:
    operands = [x, w] + ([bias] if bias is not None else [])
    return b.op(name, operands, out_shape, elem, attrs)


def _weight(b: Builder, w: ir.Value, transform, build):
    """`transform(numpy weight)` as a constant when w is constant, else `build(w)` with ops."""
    value = b.constant_value(w)
    if value is not None:
        return b.const(transform(value), b.elem(w), hint="decomposed_weight")
    return build(w)


# ------------------------------------------------------------------ conv


@decomposes("npu_tensor.conv")
def conv(op: ir.Operation, b: Builder):
    x, w = op.operands[0], op.operands[1]
    bias = op.operands[2] if len(op.operands) > 2 else None
    rank = len(b.shape(x))
    with b.loc:
        if rank == 3:
            return [_conv1d(op, b, x, w, bias)]
        if rank >= 5:
            return [_conv_fold(op, b, x, w, bias)]
        if rank == 4 and _window_in_padding(op, b.shape(w)[2:]):
            return [_conv_pad_explicit(op, b, x, w, bias)]
    return None


@decomposes("npu_tensor.conv_int")
def conv_int(op: ir.Operation, b: Builder):
    """A window wholly in the padding: x padded with input_zp (x - input_zp = 0 there, as the golden
    padding contributes 0), then the conv with pads 0. Bit-identical."""
    return _level2_conv(op, b, int(_attrs(op).get("input_zp", 0)))


@decomposes("npu_tensor.conv_float")
def conv_float(op: ir.Operation, b: Builder):
    """A window wholly in the padding: x padded with +0.0 (the golden im2col's padding bits), then the
    conv with pads 0: the same columns in the same (c, ky, kx) order, bit-identical."""
    return _level2_conv(op, b, 0)


def _level2_conv(op: ir.Operation, b: Builder, pad_value: int):
    x, w = op.operands[0], op.operands[1]
    bias = op.operands[2] if len(op.operands) > 2 else None
    if len(b.shape(x)) != 4 or not _window_in_padding(op, b.shape(w)[2:]):
        return None
    with b.loc:
        return [_conv_pad_explicit(op, b, x, w, bias, pad_value)]


def _window_in_padding(op: ir.Operation, kernel) -> bool:
    a = _attrs(op)
    nd = len(kernel)
    kernel, _, dil, pads = _window(a, nd, kernel)
    extent = [(k - 1) * d + 1 for k, d in zip(kernel, dil)]
    return any(p >= extent[i % nd] for i, p in enumerate(pads))


def _conv1d(op, b: Builder, x, w, bias) -> ir.Value:
    a = _attrs(op)
    n, c, length = b.shape(x)
    m, cg, k = b.shape(w)
    kernel, strides, dil, pads = _window(a, 1, [k])
    out = b.shape(op.results[0])
    x4 = b.reshape(x, (n, c, 1, length))
    w4 = _weight(b, w, lambda v: v.reshape(m, cg, 1, k), lambda v: b.reshape(v, (m, cg, 1, k)))
    attrs = {"dilations": [1, dil[0]], "group": int(a.get("group", 1)), "kernel_shape": [1, k],
             "pads": [0, pads[0], 0, pads[1]], "strides": [1, strides[0]]}
    y = _conv_op(b, "npu_tensor.conv", x4, w4, bias, (n, m, 1, out[2]), b.elem(op.results[0]), attrs)
    return b.reshape(y, out)


def _conv_fold(op, b: Builder, x, w, bias) -> ir.Value:
    """Fold the first spatial axis of an N-d conv (N >= 3) into channels and batch."""
    a = _attrs(op)
    xs, ws, out = b.shape(x), b.shape(w), b.shape(op.results[0])
    nd = len(xs) - 2
    n, c, rest = xs[0], xs[1], list(xs[3:])
    m, cg, kd, krest = ws[0], ws[1], ws[2], list(ws[3:])
    kernel, strides, dil, pads = _window(a, nd, ws[2:])
    g = int(a.get("group", 1))
    od, orest = out[2], list(out[3:])
    r = prod(rest)
    # [N, D, C, *R], D padded / cropped to exactly the rows the OD windows read
    xt = b.transpose(x, [0, 2, 1] + list(range(3, 2 + nd)))
    xt = pad_to_windows(b, xt, 1, pads[0], od, kd, strides[0], dil[0])
    taps = []
    for t in range(kd):
        start = t * dil[0]
        sl = b.slice(xt, [1], [start], [start + (od - 1) * strides[0] + 1], [strides[0]])  # [N, OD, C, *R]
        taps.append(b.reshape(sl, (n * od, g, 1, c // g, r)))
    folded = b.concat(taps, 2)  # [N*OD, G, KD, C/G, R]
    folded = b.reshape(folded, [n * od, g * kd * cg] + rest)

    def transform(v):
        return np.ascontiguousarray(np.swapaxes(v, 1, 2)).reshape([m, kd * cg] + krest)

    w2 = _weight(b, w, transform,
                 lambda v: b.reshape(b.transpose(v, [0, 2, 1] + list(range(3, 2 + nd))), [m, kd * cg] + krest))
    attrs = {"dilations": dil[1:], "group": g, "kernel_shape": krest,
             "pads": pads[1:nd] + pads[nd + 1:], "strides": strides[1:]}
    y = _conv_op(b, "npu_tensor.conv", folded, w2, bias, [n * od, m] + orest, b.elem(op.results[0]), attrs)
    y = b.reshape(y, [n, od, m] + orest)
    return b.transpose(y, [0, 2, 1] + list(range(3, 2 + nd)))


def _conv_pad_explicit(op, b: Builder, x, w, bias, value=0) -> ir.Value:
    a = _attrs(op)
    ws, out = b.shape(w), b.shape(op.results[0])
    nd = len(ws) - 2
    kernel, strides, dil, pads = _window(a, nd, ws[2:])
    for i in range(nd):
        x = pad_to_windows(b, x, 2 + i, pads[i], out[2 + i], kernel[i], strides[i], dil[i], value)
    attrs = dict(a)
    attrs["pads"] = [0] * (2 * nd)
    attrs.pop("operandSegmentSizes", None)
    return _conv_op(b, op.name, x, w, bias, out, b.elem(op.results[0]), attrs)


# ------------------------------------------------------------------ conv_transpose


def _interleave(b: Builder, x: ir.Value, axis: int, s: int) -> ir.Value:
    """x with s - 1 zeros after every element along `axis` (length S * s)."""
    if s == 1:
        return x
    shape = list(b.shape(x))
    pre, size, post = prod(shape[:axis]), shape[axis], prod(shape[axis + 1:])
    x4 = b.reshape(x, (pre, size, 1, post))
    zeros = b.const(np.zeros((pre, size, s - 1, post)), b.elem(x))
    y = b.concat([x4, zeros], 2)
    shape[axis] = size * s
    return b.reshape(y, shape)


def _flip_ops(b: Builder, w: ir.Value, axes: Sequence[int]) -> ir.Value:
    for axis in axes:
        k = b.shape(w)[axis]
        if k == 1:
            continue
        if k > FLIP_SLICE_LIMIT:
            raise NpuError(f"conv_transpose: a non-constant weight with {k} taps on an axis "
                           f"(flipping it needs more than {FLIP_SLICE_LIMIT} slices); give a constant weight")
        w = b.concat([b.slice(w, [axis], [t], [t + 1]) for t in reversed(range(k))], axis)
    return w


@decomposes("npu_tensor.conv_transpose")
def conv_transpose(op: ir.Operation, b: Builder):
    x, w = op.operands[0], op.operands[1]
    bias = op.operands[2] if len(op.operands) > 2 else None
    a = _attrs(op)
    xs, ws, out = b.shape(x), b.shape(w), b.shape(op.results[0])
    nd = len(xs) - 2
    kernel, strides, dil, pads = _window(a, nd, ws[2:])
    g = int(a.get("group", 1))
    n, c = xs[:2]
    cg, mg = c // g, ws[1]
    elem = b.elem(op.results[0])
    with b.loc:
        full = [(i - 1) * s + (k - 1) * d + 1 for i, s, k, d in zip(xs[2:], strides, kernel, dil)]
        if all(s == k for s, k in zip(strides, kernel)) and all(d == 1 for d in dil) \
                and all(o <= f - pads[i] - pads[nd + i] for i, (o, f) in enumerate(zip(out[2:], full))):
            return [_conv_transpose_d2s(b, x, w, bias, out, kernel, pads, g, elem)]
        wf = _flipped_weight(b, w, g, cg, mg, kernel)
        if 1 < prod(strides) <= PHASE_LIMIT:
            return [_conv_transpose_phases(b, x, wf, bias, out, kernel, strides, dil, pads, g, elem)]
        z = x
        for i in range(nd):
            axis = 2 + i
            z = _interleave(b, z, axis, strides[i])
            before = (kernel[i] - 1) * dil[i] - pads[i]
            length = out[2 + i] + (kernel[i] - 1) * dil[i]
            z = pad_axis(b, z, axis, before, length - before - b.shape(z)[axis])
        if isinstance(wf, np.ndarray):
            wf = b.const(wf, b.elem(w), hint="decomposed_weight")
        attrs = {"dilations": dil, "group": g, "kernel_shape": kernel, "pads": [0] * (2 * nd), "strides": [1] * nd}
        return [_conv_op(b, "npu_tensor.conv", z, wf, bias, out, elem, attrs)]


def _flipped_weight(b: Builder, w: ir.Value, g: int, cg: int, mg: int, kernel: list[int]):
    """W'[g*M/G + m, c, k] = w[g*C/G + c, m, K-1-k]: a numpy array for a constant w, else a value built with ops."""
    nd = len(kernel)
    m = g * mg
    value = b.constant_value(w)
    if value is not None:
        v = value.reshape([g, cg, mg] + kernel).swapaxes(1, 2)
        v = np.flip(v, axis=tuple(range(3, 3 + nd)))
        return np.ascontiguousarray(v).reshape([m, cg] + kernel)
    v = b.reshape(w, [g, cg, mg] + kernel)
    v = b.transpose(v, [0, 2, 1] + list(range(3, 3 + nd)))
    v = _flip_ops(b, v, range(3, 3 + nd))
    return b.reshape(v, [m, cg] + kernel)


def _phase_taps(r: int, k: int, s: int, d: int, pad: int):
    """The taps of output phase r (outputs o = q*s + r) along one axis, as a conv over x without zeros:
    None when no tap reaches the phase, else (first flipped tap, tap step, tap count, dilation over x,
    e_min): out_r[q] = sum_j x[q + e_min + j*d'] * wf[first + j*step]."""
    taps = [t for t in range(k) if (r + pad - t * d) % s == 0]
    if not taps:
        return None
    step = s // gcd(d, s)
    e_min = (r + pad - taps[-1] * d) // s
    return k - 1 - taps[-1], step, len(taps), d // gcd(d, s), e_min


def _conv_transpose_phases(b: Builder, x, wf, bias, out, kernel, strides, dil, pads, g, elem) -> ir.Value:
    """One stride-1 conv per output phase (o mod s on every axis) over x itself with the taps that reach
    that phase (a strided slice of the flipped kernel), then the phases woven together and cropped.
    Each output is the sum of the same nonzero terms as the golden scatter, none of the interleaved zeros."""
    xs = b.shape(x)
    nd = len(xs) - 2
    n, m = xs[0], out[1]
    qs = [-(-o // s) for o, s in zip(out[2:], strides)]  # outputs per phase (the longest; the rest cropped)
    wconst = isinstance(wf, np.ndarray)
    phase_out: dict[tuple, ir.Value] = {}
    for phase in itertools.product(*[range(s) for s in strides]):
        per_axis = [_phase_taps(r, k, s, d, pads[i]) for i, (r, k, s, d) in enumerate(zip(phase, kernel, strides, dil))]
        qr = [-(-(o - r) // s) for o, r, s in zip(out[2:], phase, strides)]  # this phase's outputs per axis
        if any(q <= 0 for q in qr):  # the phase lies wholly in the cropped tail
            phase_out[phase] = b.const(np.zeros([n, m] + qs), elem)
            continue
        if any(t is None for t in per_axis):
            phase_out[phase] = _bias_only(b, bias, [n, m] + qs, elem)
            continue
        xp, begins, ends = x, [], []
        for i, (first, step, count, dd, e_min) in enumerate(per_axis):
            before = -e_min
            after = qr[i] - 1 + e_min + (count - 1) * dd - (xs[2 + i] - 1)
            if before < 0 or after < 0:
                xp = pad_axis(b, xp, 2 + i, min(before, 0), min(after, 0))
            begins.append(max(before, 0))
            ends.append(max(after, 0))
        sub = [slice(None), slice(None)] + [slice(f, f + (cnt - 1) * st + 1, st) for f, st, cnt, _, _ in per_axis]
        if wconst:
            wp = b.const(np.ascontiguousarray(wf[tuple(sub)]), b.elem(x), hint="decomposed_weight")
        else:
            wp = b.slice(wf, list(range(2, 2 + nd)), [t[0] for t in per_axis],
                         [t[0] + (t[2] - 1) * t[1] + 1 for t in per_axis], [t[1] for t in per_axis])
        ksub = [t[2] for t in per_axis]
        attrs = {"dilations": [t[3] for t in per_axis], "group": g, "kernel_shape": ksub,
                 "pads": begins + ends, "strides": [1] * nd}
        y = _conv_op(b, "npu_tensor.conv", xp, wp, bias, [n, m] + qr, elem, attrs)
        for i in range(nd):  # up to the longest phase; the tail is cropped after weaving
            y = pad_axis(b, y, 2 + i, 0, qs[i] - qr[i])
        phase_out[phase] = y

    def weave(prefix: tuple, axis: int) -> ir.Value:
        if axis == nd:
            return phase_out[prefix]
        parts = [weave(prefix + (r,), axis + 1) for r in range(strides[axis])]
        if len(parts) == 1:
            return parts[0]
        shape = list(b.shape(parts[0]))
        pre, size, post = prod(shape[:2 + axis]), shape[2 + axis], prod(shape[3 + axis:])
        y = b.concat([b.reshape(v, (pre, size, 1, post)) for v in parts], 2)
        shape[2 + axis] = size * len(parts)
        return b.reshape(y, shape)

    y = weave((), 0)
    for i in range(nd):
        y = pad_axis(b, y, 2 + i, 0, out[2 + i] - b.shape(y)[2 + i])
    return y


def _bias_only(b: Builder, bias, shape, elem) -> ir.Value:
    """An output phase no tap reaches: the bias broadcast (zeros without one)."""
    if bias is None:
        return b.const(np.zeros(shape), elem)
    bv = b.constant_value(bias)
    rank = len(shape)
    if bv is not None:
        return b.const(np.broadcast_to(bv.reshape([1, -1] + [1] * (rank - 2)), shape), elem)
    zeros = b.const(np.zeros(shape), elem)
    return b.op("npu_tensor.add", [zeros, b.reshape(bias, [1, shape[1]] + [1] * (rank - 2))], shape, elem)


def _conv_transpose_d2s(b: Builder, x, w, bias, out, kernel, pads, g, elem) -> ir.Value:
    """stride == kernel, dilation 1: out[n, m, i*k + t] = sum_c x[n, c, i] w[c, m, t] (windows never overlap):
    a 1x1 conv to (m, t) channels, then depth-to-space and a crop of the pads."""
    xs, ws = b.shape(x), b.shape(w)
    nd = len(xs) - 2
    n, c = xs[:2]
    cg, mg = c // g, ws[1]
    m, kk, ins = g * mg, prod(kernel), list(xs[2:])

    def transform(v):  # [C, M/G, *K] -> [G*M/G*KK, C/G, 1...] rows (g, m, t)
        v = v.reshape(g, cg, mg * kk).swapaxes(1, 2)
        return np.ascontiguousarray(v).reshape([m * kk, cg] + [1] * nd)

    def build(v):
        v = b.transpose(b.reshape(v, (g, cg, mg * kk)), [0, 2, 1])
        return b.reshape(v, [m * kk, cg] + [1] * nd)

    w2 = _weight(b, w, transform, build)
    bias2 = None  # the bias repeated over the taps: out channel (m, t) gets bias[m]
    if bias is not None:
        bv = b.constant_value(bias)
        if bv is not None:
            bias2 = b.const(np.repeat(bv.reshape(m), kk), b.elem(bias))
        else:
            col = b.reshape(bias, (m, 1))
            bias2 = b.reshape(b.concat([col] * kk, 1), (m * kk,))
    attrs = {"dilations": [1] * nd, "group": g, "kernel_shape": [1] * nd, "pads": [0] * (2 * nd), "strides": [1] * nd}
    y = _conv_op(b, "npu_tensor.conv", x, w2, bias2, [n, m * kk] + ins, elem, attrs)
    # [N, M, *K, *S] -> [N, M, S0, K0, S1, K1, ...] -> [N, M, S0*K0, ...]
    y = b.reshape(y, [n, m] + list(kernel) + ins)
    perm = [0, 1] + [p for i in range(nd) for p in (2 + nd + i, 2 + i)]
    y = b.transpose(y, perm)
    y = b.reshape(y, [n, m] + [i * k for i, k in zip(ins, kernel)])
    for i in range(nd):
        y = pad_axis(b, y, 2 + i, -pads[i], out[2 + i] + pads[i] - b.shape(y)[2 + i])
    return y


# ------------------------------------------------------------------ pooling


def _indices_used(op: ir.Operation) -> bool:
    return len(op.results) > 1 and bool(list(op.results[1].uses))


@decomposes("npu_tensor.max_pool")
def max_pool(op: ir.Operation, b: Builder):
    return _pool(op, b)


@decomposes("npu_tensor.average_pool")
def average_pool(op: ir.Operation, b: Builder):
    return _pool(op, b)


def _pool(op: ir.Operation, b: Builder):
    x = op.operands[0]
    rank = len(b.shape(x))
    if rank == 4:  # (pads are smaller than the window: the verifier's rule, so no window lies in the padding)
        if op.name == "npu_tensor.max_pool" and _indices_used(op):
            return _max_pool_indices(op, b, x)
        return _max_pool_u8(op, b, x)

    with b.loc:
        if rank == 3:
            return _pool1d(op, b, x)
        if _indices_used(op):
            raise NpuError(f"{op.name.split('.')[-1]}: the indices result of a {rank - 2}-D max_pool has no decomposition")
        y = _pool_fold(op, b, x)
        rest = [b.const(np.zeros(b.shape(r)), b.elem(r)) for r in list(op.results)[1:]]  # unused indices: dead
        return [y] + rest


def _max_pool_indices(op, b: Builder, x):
    """A 2-D max_pool whose indices are used, as golden computes both: over the window offsets in order,
    better = slice > best (strict: the first maximum wins, a NaN never replaces), best / index =
    where(better, slice / its flat input index, best / index); the input padded with the type's minimum
    (-inf for floats) so padding never wins. The flat indices (over N, C, H, W, or W-major with
    storage_order = 1) are constants per offset; bit-identical."""
    a = _attrs(op)
    n, c, h, w = b.shape(x)
    kernel, strides, dil, pads = _window(a, 2, list(a["kernel_shape"]))
    out = b.shape(op.results[0])
    oh, ow = out[2:]
    elem = b.elem(x)
    if isinstance(elem, quant.QuantizedType):
        raise NpuError("max_pool indices of quantized data have no decomposition")
    dt = np.dtype(dtypes.numpy_dtype(elem))
    low = float("-inf") if dt.kind == "f" or dt.name == "bfloat16" else int(np.iinfo(dt).min)
    ends = [max((out[2 + i] - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1 - (b.shape(x)[2 + i] + pads[i]), 0)
            for i in range(2)]
    xp = pad_axis(b, pad_axis(b, x, 2, pads[0], ends[0], low), 3, pads[1], ends[1], low)
    i1, i64 = ir.IntegerType.get_signless(1), b.elem(op.results[1])
    order = 0 if int(a.get("storage_order", 0)) == 0 else 1
    nc = (np.arange(n * c, dtype=np.int64) * h * w).reshape(n, c, 1, 1)
    best = index = None
    for kh in range(kernel[0]):
        for kw in range(kernel[1]):
            sl = b.slice(xp, [2, 3], [kh * dil[0], kw * dil[1]],
                         [kh * dil[0] + strides[0] * (oh - 1) + 1, kw * dil[1] + strides[1] * (ow - 1) + 1],
                         [strides[0], strides[1]])
            rows = np.arange(oh).reshape(-1, 1) * strides[0] - pads[0] + kh * dil[0]
            cols = np.arange(ow).reshape(1, -1) * strides[1] - pads[1] + kw * dil[1]
            flat = rows * w + cols if order == 0 else cols * h + rows
            cand = b.const((nc + flat[None, None]).astype(np.int64), i64)
            if best is None:
                best, index = sl, cand
                continue
            better = b.op("npu_tensor.greater", [sl, best], out, i1)
            best = b.op("npu_tensor.where", [better, sl, best], out, elem)
            index = b.op("npu_tensor.where", [better, cand, index], out, i64)
    return [best, index]


def _max_pool_u8(op, b: Builder, x):
    """A 2-D max_pool of ui8 data (level 4 has no ui8 compute) pools its exact i16 copy and casts the
    maxima back (bit-identical); other 2-D pools are the pool family's own (None)."""
    ui8 = ir.IntegerType.get_unsigned(8)
    if op.name != "npu_tensor.max_pool" or b.elem(x) != ui8 or _indices_used(op):
        return None
    i16 = ir.IntegerType.get_signless(16)
    wide = b.op("npu_tensor.cast", [x], b.shape(x), i16, {"saturate": 1, "round_mode": "up"})
    attrs = {n: op.attributes[n] for n in op.attributes if n != "resultSegmentSizes"}
    if len(op.results) > 1:  # the unused indices result is not built (an i64 result would stop the lowering)
        attrs["resultSegmentSizes"] = ir.DenseI32ArrayAttr.get([1, 0])
    pooled = b.op(op.name, [wide], b.shape(op.results[0]), i16, attrs)
    y = b.op("npu_tensor.cast", [pooled], b.shape(op.results[0]), ui8, {"saturate": 1, "round_mode": "up"})
    return [y] + [b.const(np.zeros(b.shape(r)), b.elem(r)) for r in list(op.results)[1:]]  # dead


def _pool1d(op, b: Builder, x):
    a = _attrs(op)
    n, c, length = b.shape(x)
    k = list(a["kernel_shape"])
    kernel, strides, dil, pads = _window(a, 1, k)
    attrs = dict(a)
    attrs.update({"kernel_shape": [1, k[0]], "strides": [1, strides[0]], "dilations": [1, dil[0]],
                  "pads": [0, pads[0], 0, pads[1]]})
    results = [(list(b.shape(r))[:2] + [1] + list(b.shape(r))[2:], b.elem(r)) for r in op.results]
    ys = b.ops(op.name, [b.reshape(x, (n, c, 1, length))], results, attrs)
    return [b.reshape(y, b.shape(r)) for y, r in zip(ys, op.results)]


def _pool_fold(op, b: Builder, x):
    """A rank >= 5 pool: the trailing spatial axes pooled with D folded into channels, then D pooled."""
    a = _attrs(op)
    xs, out = b.shape(x), b.shape(op.results[0])
    nd = len(xs) - 2
    kernel, strides, dil, pads = _window(a, nd, a["kernel_shape"])
    n, c, depth, rest = xs[0], xs[1], xs[2], list(xs[3:])
    od, orest = out[2], list(out[3:])
    elem = b.elem(op.results[0])
    inner = dict(a)
    inner.update({"kernel_shape": kernel[1:], "strides": strides[1:], "dilations": dil[1:],
                  "pads": pads[1:nd] + pads[nd + 1:]})
    if "storage_order" in inner:
        inner["storage_order"] = 0
    y = b.op(op.name, [b.reshape(x, [n, c * depth] + rest)], [n, c * depth] + orest, elem, inner)
    outer = dict(a)
    outer.update({"kernel_shape": [kernel[0], 1], "strides": [strides[0], 1], "dilations": [dil[0], 1],
                  "pads": [pads[0], 0, pads[nd], 0]})
    if "storage_order" in outer:
        outer["storage_order"] = 0
    r = prod(orest)
    y = b.op(op.name, [b.reshape(y, (n, c, depth, r))], (n, c, od, r), elem, outer)
    return b.reshape(y, out)


def _power(b: Builder, x: ir.Value, p: int, name: str) -> ir.Value:
    """|x|^p in x's type: abs, then multiplications by binary powering (x*x for p = 2, no abs)."""
    if not _float_elem(b.elem(x)):
        raise NpuError(f"{name}: float data only, got {b.elem(x)}")
    if p < 1:
        raise NpuError(f"{name}: p >= 1, got {p}")
    shape, elem = b.shape(x), b.elem(x)
    base = x if p % 2 == 0 and p == 2 else b.op("npu_tensor.abs", [x], shape, elem)
    result = None
    while p:
        if p & 1:
            result = base if result is None else b.op("npu_tensor.mul", [result, base], shape, elem)
        p >>= 1
        if p:
            base = b.op("npu_tensor.mul", [base, base], shape, elem)
    return result


def _root(b: Builder, s: ir.Value, p: int) -> ir.Value:
    """s^(1/p) for s >= 0: sqrt for p = 2, exp(log(s) / p) otherwise (log 0 = -inf gives 0)."""
    shape, elem = b.shape(s), b.elem(s)
    if p == 1:
        return s
    if p == 2:
        return b.op("npu_tensor.sqrt", [s], shape, elem)
    log = b.op("npu_tensor.log", [s], shape, elem)
    return b.op("npu_tensor.exp", [b.op("npu_tensor.mul", [log, b.scalar(1.0 / p, s)], shape, elem)], shape, elem)


def _window_sum(b: Builder, x, kernel, strides, dil, pads, out) -> ir.Value:
    """Per channel, the sum over each pooling window (padding adds 0): a depthwise conv with an all-ones
    kernel whose end padding is exactly what the windows read (the ceil_mode tail included)."""
    xs = b.shape(x)
    nd = len(xs) - 2
    ends = []
    for i in range(nd):
        need = (out[2 + i] - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1
        end = need - b.shape(x)[2 + i] - pads[i]
        if end < 0:
            x = pad_axis(b, x, 2 + i, 0, end)
            end = 0
        ends.append(end)
    c = xs[1]
    ones = b.const(np.ones([c, 1] + list(kernel)), b.elem(x))
    attrs = {"dilations": list(dil), "group": c, "kernel_shape": list(kernel), "pads": list(pads[:nd]) + ends,
             "strides": list(strides)}
    return _conv_op(b, "npu_tensor.conv", x, ones, None, list(out), b.elem(x), attrs)


@decomposes("npu_tensor.lp_pool")
def lp_pool(op: ir.Operation, b: Builder):
    x = op.operands[0]
    a = _attrs(op)
    xs, out = b.shape(x), b.shape(op.results[0])
    nd = len(xs) - 2
    p = int(a.get("p", 2))
    kernel, strides, dil, pads = _window(a, nd, a["kernel_shape"])
    with b.loc:
        xp = _power(b, x, p, "lp_pool")
        s = _window_sum(b, xp, kernel, strides, dil, pads, out)
        return [_root(b, s, p)]


@decomposes("npu_tensor.global_lp_pool")
def global_lp_pool(op: ir.Operation, b: Builder):
    x = op.operands[0]
    a = _attrs(op)
    xs, out = b.shape(x), b.shape(op.results[0])
    p = int(a.get("p", 2))
    with b.loc:
        xp = _power(b, x, p, "global_lp_pool")
        s = b.op("npu_tensor.reduce_sum", [xp], out, b.elem(op.results[0]),
                 {"axes": list(range(2, len(xs))), "keepdims": 1})
        return [_root(b, s, p)]
