"""Python verifiers of the level-2 (quantized) npu_tensor ops (owned by QUANT).

IRDL checks operand kinds and that attributes exist; these rules check what a
bit-exact integer program needs and what IRDL cannot say:

* element types: integer storage where the op computes on integers (int8
  inputs, int32 accumulators), low-precision floats where it rounds;
* explicit parameters agree with the `!quant.uniform` types they describe
  (zero points, quantize/dequantize scales, accumulator scale = input scale x
  weight scale, a per-channel rescale along the input's quantized dimension).
  A rescale's multiplier is not checked against in_scale / out_scale: fused
  scalar multiplies and means (1/N) legitimately change the ratio;
* TOSA's ranges: multipliers in [0, 2^31), shifts in [2, 62], zero points only
  on 8-bit types, clamp bounds inside the storage type, 256-entry int8 tables,
  513-entry int16 tables for the integer softmax and layer normalization;
* the integer softmax's fixed output (scale 1/255, zero point -128) and the ranges
  its sums and the layer normalization's shifts need;
* result shapes (conv output size by the ONNX formula, matmul, reductions).

Every failure is one located diagnostic: `'npu_tensor.rescale' op expects ...`.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from mlir import ir

from npu.dialects.npu_tensor_nn import conv_output_shape, reduced_shape
from npu.ir.attrs import from_attr
from npu.ir.types import broadcast_shapes, tensor_shape
from npu.ir.verify import VerifyEnv, verifier
from npu.numerics import int_range
from npu.numerics.normalization import LN_MAX_PRE_SHIFT, LN_MIN_PRE_SHIFT, SOFTMAX_MAX_N, SOFTMAX_OUT_SCALE, SOFTMAX_OUT_ZP
from npu.quant.qtypes import QParams, qparams_from_attrs, qparams_of

ROUNDING_MODES = ("SINGLE_ROUND", "DOUBLE_ROUND")
ACCUMULATORS = ("fp32", "fp16", "bf16")
LOW_FLOATS = (ir.Float8E4M3FNType, ir.Float8E5M2Type, ir.BF16Type, ir.F16Type)


class _Broken(Exception):
    """A broken expectation; the message becomes the op's diagnostic."""


def _expect(cond: bool, message: str) -> None:
    if not cond:
        raise _Broken(message)


def _quant_verifier(name: str) -> Callable:
    def register(fn: Callable[[ir.Operation], None]) -> Callable:
        def run(op: ir.Operation, env: VerifyEnv) -> None:
            try:
                fn(op)
            except _Broken as err:
                env.error(op, str(err))

        verifier(f"npu_tensor.{name}")(run)
        return fn

    return register


# ----------------------------------------------------------------------------- accessors


def _attr(op: ir.Operation, name: str):
    return from_attr(op.attributes[name])


def _operands(op: ir.Operation, names: list[str]) -> dict[str, ir.Value | None]:
    """Operands by name; an absent optional operand is None (reads operandSegmentSizes)."""
    values = list(op.operands)
    if "operandSegmentSizes" not in op.attributes:
        return {n: (values[i] if i < len(values) else None) for i, n in enumerate(names)}
    out, pos = {}, 0
    for n, size in zip(names, [int(s) for s in op.attributes["operandSegmentSizes"]]):
        out[n] = values[pos] if size else None
        pos += size
    return out


def _elem(v: ir.Value) -> ir.Type:
    return v.type.element_type


def _int_storage(v: ir.Value) -> str | None:
    """'int8', 'uint8', 'int32', ... for integer or quantized tensors; None otherwise."""
    t = _elem(v)
    q = qparams_of(t)
    if q is not None:
        return q.storage
    if isinstance(t, ir.IntegerType) and t.width > 1:
        return ("uint" if t.is_unsigned else "int") + str(t.width)
    return None


def _expect_storage(v: ir.Value, allowed: tuple[str, ...], what: str) -> str:
    s = _int_storage(v)
    _expect(s in allowed, f"expects {what} of {' or '.join(allowed)} storage, got {_elem(v)}")
    return s


def _zp_of(v: ir.Value) -> int | None:
    """The single zero point of a quantized value (None if not quantized); per-axis zero points must agree."""
    q = qparams_of(v)
    if q is None:
        return None
    zps = np.unique(q.zero_point)
    _expect(zps.size == 1, f"expects one zero point for {_elem(v)}, got {zps.size} different ones")
    return int(zps[0])


def _expect_zp(op: ir.Operation, attr: str, v: ir.Value, what: str) -> int:
    zp = int(_attr(op, attr))
    tz = _zp_of(v)
    _expect(tz is None or tz == zp, f"expects {attr} {zp} to equal the {what} type's zero point {tz}")
    s = _int_storage(v)
    if s not in ("int8", "uint8"):
        _expect(zp == 0, f"expects {attr} = 0 for {s} {what} (TOSA: zero points on 8-bit types only), got {zp}")
    return zp


def _expect_acc_scale(op: ir.Operation, out: ir.Value, x: ir.Value, w: ir.Value, channels: int, axis: int) -> None:
    """An accumulator quant type's scale must be input scale x weight scale, per output channel."""
    qo, qx, qw = qparams_of(out), qparams_of(x), qparams_of(w)
    if qo is None or qx is None or qw is None:
        return
    expected = qx.channel_scale(1)[0] * qw.channel_scale(channels)
    got = qo.channel_scale(channels)
    _expect(qo.per_tensor or qo.axis == axis, f"expects a per-tensor result scale or one along axis {axis}, got axis {qo.axis}")
    rel = np.abs(got - expected) <= 1e-6 * np.abs(expected)
    _expect(bool(np.all(rel)), f"expects result scale = input scale x weight scale ({expected.reshape(-1)[0]:.9g} "
                               f"for channel 0), got {got.reshape(-1)[0]:.9g}")


# ----------------------------------------------------------------------------- affine


def _expect_qattrs(op: ir.Operation, v: ir.Value, what: str) -> None:
    q: QParams | None = qparams_of(v)
    shape = tensor_shape(v)
    _expect(q is not None, f"expects a !quant.uniform {what} element type, got {_elem(v)}")
    block, axis = int(_attr(op, "block_size")), int(_attr(op, "axis"))
    _expect(block >= 0, f"expects block_size >= 0, got {block}")
    _expect(0 <= axis < max(len(shape), 1), f"expects axis in [0, {len(shape)}), got {axis}")
    scale, zp = np.asarray(_attr(op, "scale")), np.asarray(_attr(op, "zero_point"))
    _expect(scale.size == zp.size and scale.size >= 1, f"expects as many scales as zero points (>= 1), got {scale.size} and {zp.size}")
    _expect(bool(np.all(scale > 0)) and bool(np.all(np.isfinite(scale))), "expects finite scales > 0")
    if block == 0 and scale.size > 1:
        _expect(scale.size == shape[axis], f"expects {shape[axis]} scales along axis {axis}, got {scale.size}")
    if block > 0:
        nb = -(-shape[axis] // block)
        others = int(np.prod([d for i, d in enumerate(shape) if i != axis]))
        _expect(scale.size == nb * others, f"expects {nb * others} block scales ({nb} blocks of {block} along axis {axis}), got {scale.size}")
    attrq = qparams_from_attrs({"scale": scale, "zero_point": zp, "axis": axis, "block_size": block}, q.storage, shape,
                               q.qmin, q.qmax)
    # One scale along an axis of size 1 is per-tensor in effect: compare meanings, not spellings.
    per_tensor_a = attrq.per_tensor or (attrq.block_size == 0 and attrq.scale.size == 1)
    per_tensor_q = q.per_tensor or (q.block_size == 0 and q.scale.size == 1)
    same = (per_tensor_a == per_tensor_q and attrq.block_size == q.block_size
            and (per_tensor_q or attrq.axis == q.axis)
            and np.array_equal(attrq.scale.reshape(-1), q.scale.astype(np.float32).astype(np.float64).reshape(-1))
            and np.array_equal(attrq.zero_point.reshape(-1), q.zero_point.reshape(-1)))
    _expect(same, f"expects scale/zero_point/axis/block_size attributes equal to the {what} type's parameters")
    lo, hi = int_range(q.storage)
    _expect(bool(np.all((zp >= lo) & (zp <= hi))), f"expects zero points inside {q.storage}")


@_quant_verifier("quantize")
def _verify_quantize(op: ir.Operation) -> None:
    x, out = op.operands[0], op.results[0]
    _expect(_elem(x) == ir.F32Type.get(), f"expects an f32 operand, got {_elem(x)}")
    _expect(tensor_shape(x) == tensor_shape(out), f"expects result shape {tensor_shape(x)}, got {tensor_shape(out)}")
    _expect_qattrs(op, out, "result")


@_quant_verifier("dequantize")
def _verify_dequantize(op: ir.Operation) -> None:
    q, out = op.operands[0], op.results[0]
    _expect(_elem(out) == ir.F32Type.get(), f"expects an f32 result, got {_elem(out)}")
    _expect(tensor_shape(q) == tensor_shape(out), f"expects result shape {tensor_shape(q)}, got {tensor_shape(out)}")
    _expect_qattrs(op, q, "operand")


# ----------------------------------------------------------------------------- integer compute


@_quant_verifier("conv_int")
def _verify_conv_int(op: ir.Operation) -> None:
    o = _operands(op, ["input", "weight", "bias"])
    x, w, b, out = o["input"], o["weight"], o["bias"], op.results[0]
    _expect_storage(x, ("int8",), "an input")
    _expect_storage(w, ("int8",), "a weight")
    _expect_storage(out, ("int32",), "a result")
    xs, ws = tensor_shape(x), tensor_shape(w)
    _expect(len(xs) == 4 and len(ws) == 4, f"expects rank-4 input and weight (2-D NCHW conv), got ranks {len(xs)} and {len(ws)}")
    group = int(_attr(op, "group"))
    _expect(group >= 1 and xs[1] % group == 0 and ws[0] % group == 0 and ws[1] * group == xs[1],
            f"expects weight [M, C/group, KH, KW] for C={xs[1]} and group={group}, got {ws}")
    kernel, strides, dil, pads = (list(_attr(op, n)) for n in ("kernel_shape", "strides", "dilations", "pads"))
    _expect(kernel == ws[2:], f"expects kernel_shape {ws[2:]}, got {kernel}")
    _expect(len(strides) == 2 and len(dil) == 2 and len(pads) == 4, "expects 2 strides, 2 dilations and 4 pads")
    _expect(min(strides + dil) >= 1 and min(pads) >= 0, "expects strides, dilations >= 1 and pads >= 0")
    expected = [xs[0], ws[0]] + conv_output_shape(xs[2:], kernel, strides, dil, pads)
    _expect(tensor_shape(out) == expected, f"expects result shape {expected}, got {tensor_shape(out)}")
    _expect_zp(op, "input_zp", x, "input")
    _expect_zp(op, "weight_zp", w, "weight")
    if b is not None:
        _expect(_int_storage(b) == "int32" and tensor_shape(b) == [ws[0]], f"expects an int32 bias of shape [{ws[0]}], got {b.type}")
    _expect_acc_scale(op, out, x, w, ws[0], 1)


@_quant_verifier("matmul_int")
def _verify_matmul_int(op: ir.Operation) -> None:
    o = _operands(op, ["lhs", "rhs", "bias"])
    a, b, bias, out = o["lhs"], o["rhs"], o["bias"], op.results[0]
    _expect_storage(a, ("int8",), "an lhs")
    _expect_storage(b, ("int8",), "an rhs")
    _expect_storage(out, ("int32",), "a result")
    sa, sb = tensor_shape(a), tensor_shape(b)
    _expect(len(sa) >= 2 and len(sb) >= 2 and sa[-1] == sb[-2], f"expects [..., M, K] x [..., K, N] operands, got {sa} and {sb}")
    batch = broadcast_shapes(sa[:-2], sb[:-2])
    _expect(batch is not None, f"expects broadcast-compatible batch dims, got {sa[:-2]} and {sb[:-2]}")
    expected = batch + [sa[-2], sb[-1]]
    _expect(tensor_shape(out) == expected, f"expects result shape {expected}, got {tensor_shape(out)}")
    _expect_zp(op, "lhs_zp", a, "lhs")
    _expect_zp(op, "rhs_zp", b, "rhs")
    if bias is not None:
        _expect(_int_storage(bias) == "int32", f"expects an int32 bias, got {_elem(bias)}")
        _expect(broadcast_shapes(expected, tensor_shape(bias)) == expected,
                f"expects a bias broadcastable to {expected}, got {tensor_shape(bias)}")
    qa, qb = qparams_of(a), qparams_of(b)
    _expect(qb is None or qb.per_tensor or qb.axis == len(sb) - 1,
            f"expects a per-tensor rhs or one quantized along its last axis, got axis {qb.axis if qb else None}")
    _expect(qa is None or qa.per_tensor or qa.axis == len(sa) - 2,
            f"expects a per-tensor lhs or one quantized along its row axis {len(sa) - 2}, got axis {qa.axis if qa else None}")
    _expect(qa is None or qb is None or qa.per_tensor or qb.per_tensor,
            "expects at most one operand quantized per channel")
    if qa is not None and not qa.per_tensor:  # a constant left operand, one scale per output row
        _expect_acc_scale(op, out, b, a, sa[-2], len(expected) - 2)
    else:
        _expect_acc_scale(op, out, a, b, sb[-1], len(expected) - 1)


@_quant_verifier("rescale")
def _verify_rescale(op: ir.Operation) -> None:
    x, out = op.operands[0], op.results[0]
    tin = _expect_storage(x, ("int8", "uint8", "int16", "int32"), "an input")
    tout = _expect_storage(out, ("int8", "uint8", "int16", "int32"), "a result")
    shape = tensor_shape(x)
    _expect(shape == tensor_shape(out), f"expects result shape {shape}, got {tensor_shape(out)}")
    mode = _attr(op, "rounding_mode")
    _expect(mode in ROUNDING_MODES, f"expects rounding_mode {' or '.join(ROUNDING_MODES)}, got '{mode}'")
    mult, shift = np.asarray(_attr(op, "multiplier")), np.asarray(_attr(op, "shift"))
    _expect(mult.size == shift.size and mult.size >= 1, f"expects as many multipliers as shifts (>= 1), got {mult.size} and {shift.size}")
    axis = int(_attr(op, "axis"))
    if mult.size > 1:
        _expect(0 <= axis < len(shape) and shape[axis] == mult.size,
                f"expects {mult.size} multipliers to match dimension {axis} of {shape}")
    _expect(bool(np.all((mult >= 0) & (mult < 2**31))), "expects multipliers in [0, 2^31) (TOSA REQUIRE)")
    _expect(bool(np.all((shift >= 2) & (shift <= 62))), "expects shifts in [2, 62] (TOSA REQUIRE)")
    _expect(not (tin.startswith("u") and tout.startswith("u")), "expects at most one unsigned side (TOSA ERROR_IF)")
    _expect_zp(op, "input_zp", x, "input")
    _expect_zp(op, "output_zp", out, "result")
    qi, qo = qparams_of(x), qparams_of(out)
    if qi is not None and not qi.per_tensor:
        _expect(mult.size in (1, shape[qi.axis]) and qi.axis == axis,
                f"expects axis {qi.axis} (the input type's quantized dimension), got {axis}")
    _expect(qo is None or qo.per_tensor, f"expects a per-tensor result type, got {_elem(out)}")


@_quant_verifier("clamp")
def _verify_clamp(op: ir.Operation) -> None:
    x, out = op.operands[0], op.results[0]
    s = _expect_storage(x, ("int8", "uint8", "int16", "int32"), "an operand")
    _expect(x.type == out.type, f"expects the result type {x.type}, got {out.type}")
    lo, hi = int(_attr(op, "min")), int(_attr(op, "max"))
    tlo, thi = int_range(s)
    _expect(lo <= hi, f"expects min <= max, got {lo} > {hi}")
    _expect(tlo <= lo and hi <= thi, f"expects bounds inside {s} [{tlo}, {thi}], got [{lo}, {hi}]")


@_quant_verifier("table")
def _verify_table(op: ir.Operation) -> None:
    x, t, out = op.operands[0], op.operands[1], op.results[0]
    _expect_storage(x, ("int8",), "an input")
    _expect_storage(out, ("int8",), "a result")
    _expect(isinstance(_elem(t), ir.IntegerType) and _elem(t).width == 8 and tensor_shape(t) == [256],
            f"expects a tensor<256xi8> table, got {t.type}")
    _expect(tensor_shape(x) == tensor_shape(out), f"expects result shape {tensor_shape(x)}, got {tensor_shape(out)}")


@_quant_verifier("add_int")
def _verify_add_int(op: ir.Operation) -> None:
    a, b, out = op.operands[0], op.operands[1], op.results[0]
    for v, what in ((a, "an lhs"), (b, "an rhs"), (out, "a result")):
        _expect_storage(v, ("int32",), what)
    expected = broadcast_shapes(tensor_shape(a), tensor_shape(b))
    _expect(expected is not None, f"expects broadcast-compatible operands, got {tensor_shape(a)} and {tensor_shape(b)}")
    _expect(tensor_shape(out) == expected, f"expects result shape {expected}, got {tensor_shape(out)}")


@_quant_verifier("reduce_sum_int")
def _verify_reduce_sum_int(op: ir.Operation) -> None:
    x, out = op.operands[0], op.results[0]
    _expect_storage(x, ("int8", "uint8", "int16", "int32"), "an input")
    _expect_storage(out, ("int32",), "a result")
    shape = tensor_shape(x)
    axes = list(_attr(op, "axes"))
    _expect(len(set(axes)) == len(axes) and all(0 <= a < len(shape) for a in axes),
            f"expects distinct axes in [0, {len(shape)}), got {axes}")
    expected = reduced_shape(shape, axes, int(_attr(op, "keepdims")))
    _expect(tensor_shape(out) == expected, f"expects result shape {expected}, got {tensor_shape(out)}")
    _expect_zp(op, "input_zp", x, "input")


# ----------------------------------------------------------------------------- low-precision float


def _is_low_float(t: ir.Type) -> bool:
    return isinstance(t, LOW_FLOATS)


@_quant_verifier("quantize_float")
def _verify_quantize_float(op: ir.Operation) -> None:
    x, out = op.operands[0], op.results[0]
    _expect(_elem(x) == ir.F32Type.get(), f"expects an f32 operand, got {_elem(x)}")
    _expect(_is_low_float(_elem(out)), f"expects an f8E4M3FN, f8E5M2, bf16 or f16 result, got {_elem(out)}")
    _expect(tensor_shape(x) == tensor_shape(out), f"expects result shape {tensor_shape(x)}, got {tensor_shape(out)}")
    s = float(_attr(op, "scale"))
    _expect(s > 0 and np.isfinite(s), f"expects a finite scale > 0, got {s}")


@_quant_verifier("dequantize_float")
def _verify_dequantize_float(op: ir.Operation) -> None:
    q, out = op.operands[0], op.results[0]
    _expect(_is_low_float(_elem(q)), f"expects an f8E4M3FN, f8E5M2, bf16 or f16 operand, got {_elem(q)}")
    _expect(_elem(out) == ir.F32Type.get(), f"expects an f32 result, got {_elem(out)}")
    _expect(tensor_shape(q) == tensor_shape(out), f"expects result shape {tensor_shape(q)}, got {tensor_shape(out)}")
    s = float(_attr(op, "scale"))
    _expect(s > 0 and np.isfinite(s), f"expects a finite scale > 0, got {s}")


def _expect_float_compute(op: ir.Operation, a: ir.Value, b: ir.Value, channels: int) -> None:
    ta, tb = _elem(a), _elem(b)
    _expect(ta == tb and (_is_low_float(ta) or ta == ir.F32Type.get()),
            f"expects both operands of one float format (f8E4M3FN, f8E5M2, bf16, f16 or f32), got {ta} and {tb}")
    _expect(_elem(op.results[0]) == ir.F32Type.get(), f"expects an f32 result, got {_elem(op.results[0])}")
    acc = _attr(op, "acc")
    _expect(acc in ACCUMULATORS, f"expects acc {', '.join(ACCUMULATORS)}, got '{acc}'")
    scale = np.asarray(_attr(op, "scale"))
    _expect(scale.size in (1, channels), f"expects 1 or {channels} scales, got {scale.size}")
    _expect(bool(np.all(scale > 0)) and bool(np.all(np.isfinite(scale))), "expects finite scales > 0")


@_quant_verifier("conv_float")
def _verify_conv_float(op: ir.Operation) -> None:
    o = _operands(op, ["input", "weight", "bias"])
    x, w, b, out = o["input"], o["weight"], o["bias"], op.results[0]
    xs, ws = tensor_shape(x), tensor_shape(w)
    _expect(len(xs) == 4 and len(ws) == 4, f"expects rank-4 input and weight (2-D NCHW conv), got ranks {len(xs)} and {len(ws)}")
    group = int(_attr(op, "group"))
    _expect(group >= 1 and ws[0] % group == 0 and ws[1] * group == xs[1],
            f"expects weight [M, C/group, KH, KW] for C={xs[1]} and group={group}, got {ws}")
    kernel, strides, dil, pads = (list(_attr(op, n)) for n in ("kernel_shape", "strides", "dilations", "pads"))
    _expect(kernel == ws[2:], f"expects kernel_shape {ws[2:]}, got {kernel}")
    _expect(len(strides) == 2 and len(dil) == 2 and len(pads) == 4, "expects 2 strides, 2 dilations and 4 pads")
    expected = [xs[0], ws[0]] + conv_output_shape(xs[2:], kernel, strides, dil, pads)
    _expect(tensor_shape(out) == expected, f"expects result shape {expected}, got {tensor_shape(out)}")
    _expect_float_compute(op, x, w, ws[0])
    if b is not None:
        _expect(_elem(b) == ir.F32Type.get() and tensor_shape(b) == [ws[0]], f"expects an f32 bias of shape [{ws[0]}], got {b.type}")


@_quant_verifier("matmul_float")
def _verify_matmul_float(op: ir.Operation) -> None:
    o = _operands(op, ["lhs", "rhs", "bias"])
    a, b, bias, out = o["lhs"], o["rhs"], o["bias"], op.results[0]
    sa, sb = tensor_shape(a), tensor_shape(b)
    _expect(len(sa) >= 2 and len(sb) >= 2 and sa[-1] == sb[-2], f"expects [..., M, K] x [..., K, N] operands, got {sa} and {sb}")
    batch = broadcast_shapes(sa[:-2], sb[:-2])
    _expect(batch is not None, f"expects broadcast-compatible batch dims, got {sa[:-2]} and {sb[:-2]}")
    expected = batch + [sa[-2], sb[-1]]
    _expect(tensor_shape(out) == expected, f"expects result shape {expected}, got {tensor_shape(out)}")
    _expect_float_compute(op, a, b, sb[-1])
    if bias is not None:
        _expect(_elem(bias) == ir.F32Type.get(), f"expects an f32 bias, got {_elem(bias)}")
        _expect(broadcast_shapes(expected, tensor_shape(bias)) == expected,
                f"expects a bias broadcastable to {expected}, got {tensor_shape(bias)}")


# ----------------------------------------------------------------------------- softmax / layer normalization


def _expect_table16(v: ir.Value, what: str) -> None:
    t = _elem(v)
    _expect(isinstance(t, ir.IntegerType) and t.width == 16 and tensor_shape(v) == [513],
            f"expects a tensor<513xi16> {what}, got {v.type}")


def _expect_axis(op: ir.Operation, rank: int) -> int:
    axis = int(_attr(op, "axis"))
    _expect(0 <= axis < max(rank, 1), f"expects axis in [0, {rank}), got {axis}")
    return axis


@_quant_verifier("softmax_int")
def _verify_softmax_int(op: ir.Operation) -> None:
    x, exp_t, recip_t, out = op.operands[0], op.operands[1], op.operands[2], op.results[0]
    _expect_storage(x, ("int8",), "an input")
    _expect_storage(out, ("int8",), "a result")
    _expect_table16(exp_t, "exp table")
    _expect_table16(recip_t, "reciprocal table")
    shape = tensor_shape(x)
    _expect(tensor_shape(out) == shape, f"expects result shape {shape}, got {tensor_shape(out)}")
    axis = _expect_axis(op, len(shape))
    _expect(shape[axis] <= SOFTMAX_MAX_N, f"expects at most {SOFTMAX_MAX_N} values along axis {axis} "
                                          f"(the int32 sum of exponentials), got {shape[axis]}")
    qo = qparams_of(out)
    _expect(qo is not None and qo.per_tensor and float(qo.scale) == SOFTMAX_OUT_SCALE
            and int(qo.zero_point) == SOFTMAX_OUT_ZP,
            f"expects a result of scale 1/255 and zero point {SOFTMAX_OUT_ZP} (the integer softmax's output), got {_elem(out)}")


@_quant_verifier("layer_norm_int")
def _verify_layer_norm_int(op: ir.Operation) -> None:
    x, table, gamma, beta, out = (*op.operands[:4], op.results[0])
    _expect_storage(x, ("int8",), "an input")
    _expect_storage(out, ("int8",), "a result")
    _expect_table16(table, "rsqrt table")
    shape = tensor_shape(x)
    _expect(tensor_shape(out) == shape, f"expects result shape {shape}, got {tensor_shape(out)}")
    axis = _expect_axis(op, len(shape))
    for v, what in ((gamma, "gamma"), (beta, "beta")):
        _expect(_int_storage(v) == "int32" and tensor_shape(v) == shape[axis:],
                f"expects an int32 {what} of shape {shape[axis:]} (the normalized dims), got {v.type}")
    qo = qparams_of(out)
    _expect(qo is None or qo.per_tensor, f"expects a per-tensor result type, got {_elem(out)}")
    _expect_zp(op, "input_zp", x, "input")
    _expect_zp(op, "output_zp", out, "result")
    eps = int(_attr(op, "epsilon"))
    _expect(1 <= eps < 2**31, f"expects epsilon in [1, 2^31) (the variance's integer epsilon), got {eps}")
    pre = int(_attr(op, "pre_shift"))
    _expect(LN_MIN_PRE_SHIFT <= pre <= LN_MAX_PRE_SHIFT,
            f"expects pre_shift in [{LN_MIN_PRE_SHIFT}, {LN_MAX_PRE_SHIFT}], got {pre}")
    gs = int(_attr(op, "gamma_shift"))
    _expect(0 <= gs <= 63, f"expects gamma_shift in [0, 63] (TOSA MUL), got {gs}")
    mult, shift = int(_attr(op, "multiplier")), int(_attr(op, "shift"))
    _expect(0 <= mult < 2**31, "expects a multiplier in [0, 2^31) (TOSA REQUIRE)")
    _expect(2 <= shift <= 62, f"expects a shift in [2, 62] (TOSA REQUIRE), got {shift}")
    mode = _attr(op, "rounding_mode")
    _expect(mode in ROUNDING_MODES, f"expects rounding_mode {' or '.join(ROUNDING_MODES)}, got '{mode}'")
