"""Emitting one layer (conv, matmul, gemm) of level 1 at its level-2 precision.

A layer is normalized to a `LayerSpec`: a dynamic input x, a constant weight
(conv [M, C, KH, KW]; matmul/gemm [K, N], with Gemm's transB and alpha applied;
or, for a constant *left* operand, [M, K] with one channel per output row) or a
dynamic right-hand side (attention), and a float bias (Gemm's beta applied). A
Gemm whose dynamic operand is transposed (transA, or transB when A is the
constant) transposes x first, on whichever representation the layer reads
(int8, low-precision float or f32), with an `npu_tensor.transpose`.
`fuse_tail` then absorbs the single-use ops after it:

    layer -> Add/Sub(const)*  -> Mul/Div(positive scalar)?  -> Relu | Clip ?
             (into the bias)     (into the RESCALE ratio)       (a CLAMP)

(float-format layers absorb the bias adds only). Per precision:

    int8   acc = conv_int / matmul_int(quantize(x), w_int8, bias_int32)   scale s_x * s_w[c]
                 (constant left operand: matmul_int(w_int8, quantize(x)), s_w per output row)
           y   = rescale(acc, s_x * s_w[c] * factor / s_y) [-> clamp]     next int8 activation
           (a returned result is dequantized straight from the int32 accumulator)
    fp8 / bf16 / fp16
           y   = conv_float / matmul_float(quantize_float(x, s_x), w_fmt, bias) with scale s_x * s_w[c],
                 accumulated in the target's accumulator for that format
    int4   y   = conv_float / matmul_float(x, dequantize(w_int4 per group), bias), fp32 accumulator
    fp32   the op is copied unchanged
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from mlir import ir

from npu.numerics import max_finite, qparams_from_range, quantize_float
from npu.quant.graph import Node
from npu.quant.lower import LayerRecord, Lowering, loc, qp_summary
from npu.quant.qtypes import QParams, qparams_attrs, tensor_type
from npu.quant.scheme import FLOAT_FORMATS

_CONV_ATTRS = ("dilations", "group", "kernel_shape", "pads", "strides")
_ACC_KEY = {"fp8e4m3": "fp8", "fp8e5m2": "fp8", "bf16": "bf16", "fp16": "fp16"}


@dataclass
class LayerSpec:
    kind: str  # "conv" or "matmul"
    x: ir.Value
    weight: np.ndarray | None
    rhs: ir.Value | None
    bias: np.ndarray | None
    out_shape: list[int]
    conv_attrs: dict = field(default_factory=dict)
    lhs_weight: bool = False  # the constant is the left operand: out = w @ x, channels are output rows
    trans_x: bool = False  # x is transposed (its last two dims) before the product (Gemm transA / transB)

    @property
    def channels(self) -> int:
        return self.out_shape[self.channel_axis]

    @property
    def channel_axis(self) -> int:
        if self.kind == "conv":
            return 1
        return len(self.out_shape) - (2 if self.lhs_weight else 1)


@dataclass
class Tail:
    acc_value: ir.Value  # the level-1 value the accumulator holds (layer output + folded adds)
    out: ir.Value  # the level-1 value the layer's final op holds
    bias: np.ndarray | None
    factor: float = 1.0
    act: tuple[float, float] | None = None
    fused: list[Node] = field(default_factory=list)


def layer_spec(lw: Lowering, node: Node) -> LayerSpec | str:
    """The normalized layer, or the reason it cannot be quantized (it then stays float)."""
    g = lw.g
    ops = node.operands
    out_shape = list(node.result.type.shape)
    if node.kind == "conv":
        x, w, b = (ops + [None])[:3]
        if g.is_const(x) or not g.is_const(w) or (b is not None and not g.is_const(b)):
            return "conv needs a dynamic input and constant weight and bias"
        if len(x.type.shape) != 4:
            return "only 2-D convolutions are quantized"
        attrs = {k: node.op.attributes[k] for k in _CONV_ATTRS}
        bias = None if b is None else g.consts[b].astype(np.float64)
        return LayerSpec("conv", x, g.consts[w].astype(np.float64), None, bias, out_shape, attrs)
    if node.kind == "matmul":
        a, b = ops[:2]
        if g.is_const(a) and g.is_const(b):
            return "matmul of two constants"
        if g.is_const(a):
            w = g.consts[a]
            if w.ndim != 2 or len(b.type.shape) < 2:
                return "matmul with a constant left operand needs a rank-2 constant and a right operand of rank >= 2"
            return LayerSpec("matmul", b, w.astype(np.float64), None, None, out_shape, lhs_weight=True)
        if g.is_const(b):
            w = g.consts[b]
            if w.ndim != 2:
                return "matmul with a constant right operand of rank != 2"
            return LayerSpec("matmul", a, w.astype(np.float64), None, None, out_shape)
        return LayerSpec("matmul", a, None, b, None, out_shape)
    if node.kind == "gemm":
        return _gemm_spec(lw, node, out_shape)
    return f"not a layer: {node.kind}"


def _gemm_spec(lw: Lowering, node: Node, out_shape: list[int]) -> LayerSpec | str:
    """Y = alpha op(A) op(B) + beta C with exactly one of A, B constant (and C constant)."""
    g = lw.g
    a, b, c = (node.operands + [None])[:3]
    if c is not None and not g.is_const(c):
        return "gemm needs a constant C"
    if g.is_const(a) == g.is_const(b):
        return "gemm needs exactly one constant operand of A and B"
    alpha, beta = float(node.attrs.get("alpha", 1.0)), float(node.attrs.get("beta", 1.0))
    trans_a, trans_b = bool(int(node.attrs.get("transA", 0))), bool(int(node.attrs.get("transB", 0)))
    bias = None if c is None else g.consts[c].astype(np.float64) * beta
    if g.is_const(b):
        w = g.consts[b].astype(np.float64)
        return LayerSpec("matmul", a, (w.T if trans_b else w) * alpha, None, bias, out_shape, trans_x=trans_a)
    w = g.consts[a].astype(np.float64)
    return LayerSpec("matmul", b, (w.T if trans_a else w) * alpha, None, bias, out_shape, lhs_weight=True,
                     trans_x=trans_b)


def transposed_x(lw: Lowering, spec: LayerSpec, val: ir.Value, name: str) -> ir.Value:
    """`val` (a representation of spec.x) with its last two dims swapped when spec.trans_x (Gemm transA)."""
    if not spec.trans_x:
        return val
    shape = list(val.type.shape)
    perm = list(range(len(shape) - 2)) + [len(shape) - 1, len(shape) - 2]
    rtype = ir.RankedTensorType.get([shape[p] for p in perm], val.type.element_type)
    return lw.emit("npu_tensor.transpose", [val], [rtype], {"perm": perm}, loc(name, "transpose"))[0]


def _fold_bias(spec: LayerSpec, bias: np.ndarray | None, c: np.ndarray) -> np.ndarray | None:
    """bias + c if c broadcasts onto the layer output per channel (conv) or numpy-style (matmul)."""
    c = np.asarray(c, dtype=np.float64)
    if spec.kind == "conv":
        m = spec.channels
        if c.size == 1:
            vec = np.full(m, float(c.reshape(-1)[0]))
        elif c.ndim >= 3 and c.size == m and c.shape[-3] == m:
            vec = c.reshape(m)
        else:
            return None
        return vec if bias is None else bias + vec
    try:
        if np.broadcast_shapes(tuple(spec.out_shape), c.shape) != tuple(spec.out_shape):
            return None
    except ValueError:
        return None
    return c if bias is None else bias + c


def _scalar_other(node: Node, v: ir.Value, lw: Lowering) -> float | None:
    """The scalar constant `node` combines with `v`, if it is its other operand."""
    others = [o for o in node.operands if o is not None and o != v]
    if len(others) != 1 or not lw.g.is_const(others[0]) or lw.g.consts[others[0]].size != 1:
        return None
    return float(lw.g.consts[others[0]].reshape(-1)[0])


def fuse_tail(lw: Lowering, spec: LayerSpec, node: Node, integer: bool) -> Tail:
    g = lw.g
    v, bias, fused = node.result, spec.bias, []
    while (u := g.sole_user(v)) is not None and u.kind in ("add", "sub"):
        others = [o for o in u.operands if o != v]
        if len(others) != 1 or not g.is_const(others[0]) or (u.kind == "sub" and u.operands[0] != v):
            break
        c = g.consts[others[0]] * (-1.0 if u.kind == "sub" else 1.0)
        folded = _fold_bias(spec, bias, c)
        if folded is None or list(u.result.type.shape) != spec.out_shape:
            break
        bias, v = folded, u.result
        fused.append(u)
    tail = Tail(v, v, bias, fused=fused)
    if not integer:
        return tail
    u = g.sole_user(v)
    if u is not None and u.kind in ("mul", "div") and u.operands[0] == v:
        c = _scalar_other(u, v, lw)
        if c is not None and c > 0 and np.isfinite(c):
            tail.factor = c if u.kind == "mul" else 1.0 / c
            tail.out = v = u.result
            fused.append(u)
    out, act, acts = lw._act_tail(v)
    tail.out, tail.act = out, act
    fused.extend(acts)
    return tail


# ----------------------------------------------------------------------------- weights


def _weight_axis(spec: LayerSpec) -> int:
    """The weight's output-channel axis: conv [M, ...] and a left operand [M, K] 0, a right operand [K, N] 1."""
    return 0 if spec.kind == "conv" or spec.lhs_weight else 1


def _channel_absmax(w: np.ndarray, axis: int) -> np.ndarray:
    return np.abs(w).max(axis=tuple(i for i in range(w.ndim) if i != axis))


def int8_weight_qparams(spec: LayerSpec, per_channel: bool) -> QParams:
    """Symmetric int8 on [-127, 127]: per output channel or per tensor."""
    w, axis = spec.weight, _weight_axis(spec)
    if per_channel:
        amax = _channel_absmax(w, axis)
        scale, _ = qparams_from_range(-amax, amax, "int8", symmetric=True)
        return QParams("int8", scale, np.zeros(amax.size), axis, 0, -127, 127)
    amax = float(np.abs(w).max())
    scale, _ = qparams_from_range(-amax, amax, "int8", symmetric=True)
    return QParams("int8", float(scale), 0, None, 0, -127, 127)


def _group(k: int, size: int) -> int:
    """The largest divisor of k that is <= size (the int4 group actually used)."""
    return max(d for d in range(1, min(k, size) + 1) if k % d == 0)


# ----------------------------------------------------------------------------- emission


def _int8_layer(lw: Lowering, node: Node, spec: LayerSpec, rec: LayerRecord) -> None:
    tail = fuse_tail(lw, spec, node, integer=True)
    xq, qx = lw.as_int8(spec.x)
    xq = transposed_x(lw, spec, xq, node.name)
    c, axis = spec.channels, spec.channel_axis
    if spec.weight is not None:
        qw = int8_weight_qparams(spec, lw.scheme.per_channel)
        wval = lw.constant(qw.quantize(spec.weight), tensor_type(spec.weight.shape, qw), f"{node.name}_w")
    else:
        wval, qw = lw.as_int8(spec.rhs)
    acc_scale = (np.float32(qx.scale) * qw.channel_scale(c).astype(np.float32)).astype(np.float64)
    per_channel = not qw.per_tensor
    qacc = (QParams("int32", acc_scale, np.zeros(c), axis) if per_channel else QParams("int32", float(acc_scale[0]), 0))
    bval = None
    if tail.bias is not None:
        if spec.kind == "conv":
            b = QParams("int32", acc_scale, np.zeros(c), 0).quantize(np.broadcast_to(tail.bias, (c,)))
        else:
            per_channel_shape = (c, 1) if spec.lhs_weight else (c,)
            full = np.broadcast_to(tail.bias, np.broadcast_shapes(tail.bias.shape, per_channel_shape))
            b = QParams("int32", acc_scale, np.zeros(c), full.ndim - len(per_channel_shape)).quantize(full)
        bval = lw.constant(b, None, f"{node.name}_bias")
    acc_name = lw.g.value_name(tail.acc_value)
    acc_type = tensor_type(spec.out_shape, qacc)
    if spec.kind == "conv":
        attrs = dict(spec.conv_attrs, input_zp=int(qx.zero_point), weight_zp=0)
        acc = lw.emit("npu_tensor.conv_int", [xq, wval, bval], [acc_type], attrs, loc(acc_name, "conv_int"))[0]
    elif spec.lhs_weight:
        attrs = {"lhs_zp": int(qw.zero_point.reshape(-1)[0]), "rhs_zp": int(qx.zero_point)}
        acc = lw.emit("npu_tensor.matmul_int", [wval, xq, bval], [acc_type], attrs, loc(acc_name, "matmul_int"))[0]
    else:
        attrs = {"lhs_zp": int(qx.zero_point), "rhs_zp": int(qw.zero_point.reshape(-1)[0])}
        acc = lw.emit("npu_tensor.matmul_int", [xq, wval, bval], [acc_type], attrs, loc(acc_name, "matmul_int"))[0]
    returned = any(tail.out == o for o in lw.g.outputs)
    if returned and tail.act is None and tail.factor == 1.0:
        y = lw.emit("npu_tensor.dequantize", [acc], [tail.out.type], qparams_attrs(qacc), loc(acc_name, "dequantize"))[0]
        lw.set_orig(tail.out, y)
        rec.output = {"dtype": "float32 (dequantized from the int32 accumulator)"}
    else:
        qo = lw.act_qparams(tail.out)
        out_name = lw.g.value_name(tail.out)
        y = lw.rescale(acc, acc_scale * tail.factor / float(qo.scale), tensor_type(spec.out_shape, qo), 0,
                       int(qo.zero_point), axis, loc(out_name, "rescale"))
        if tail.act is not None:
            y = lw.clamp_for(y, qo, *tail.act, loc(out_name, "clamp"))
        lw.set_int8(tail.out, y, qo)
        rec.output = qp_summary(qo)
    rec.input, rec.weight = qp_summary(qx), qp_summary(qw)
    _mark_fused(lw, tail, rec)


def _float_layer(lw: Lowering, node: Node, spec: LayerSpec, fmt: str, rec: LayerRecord) -> None:
    tail = fuse_tail(lw, spec, node, integer=False)
    acc = lw.plan.accumulators[_ACC_KEY[fmt]]
    xv, sx = lw.as_format(spec.x, fmt)
    xv = transposed_x(lw, spec, xv, node.name)
    c, axis = spec.channels, _weight_axis(spec)
    if spec.weight is not None:
        if fmt.startswith("fp8"):
            # the matmul_float epilogue scales along the last axis: a left-operand weight gets one scale
            per_channel = lw.scheme.per_channel and not spec.lhs_weight
            amax = _channel_absmax(spec.weight, axis) if per_channel else np.array([np.abs(spec.weight).max()])
            sw = np.where(amax > 0, amax / max_finite(fmt), 1.0).astype(np.float32)
        else:
            sw = np.ones(1, dtype=np.float32)
        wf = quantize_float(spec.weight, sw if sw.size > 1 else sw[0], fmt, axis=axis if sw.size > 1 else None)
        wval = lw.constant(wf, None, f"{node.name}_w")
    else:
        wval, s = lw.as_format(spec.rhs, fmt)
        sw = np.array([s], dtype=np.float32)
    scale = np.float32(sx) * sw
    rec.input = {"dtype": fmt, "scale": float(sx)}
    rec.weight = {"dtype": fmt, "scale_min": float(sw.min()), "scale_max": float(sw.max()), "channels": int(sw.size)}
    rec.output = {"dtype": "float32", "accumulator": acc}
    _emit_float_compute(lw, spec, tail, xv, wval, acc, [float(s) for s in scale], rec)


def _int4_layer(lw: Lowering, node: Node, spec: LayerSpec, rec: LayerRecord) -> None:
    tail = fuse_tail(lw, spec, node, integer=False)
    w = spec.weight
    name = node.name
    w2 = w.reshape(w.shape[0], -1) if spec.kind == "conv" else w
    axis = 1 if spec.kind == "conv" or spec.lhs_weight else 0  # groups along the reduction axis
    group = _group(w2.shape[axis], lw.scheme.group_size)
    if axis == 1:
        amax = np.abs(w2).reshape(w2.shape[0], -1, group).max(axis=2)
    else:
        amax = np.abs(w2).reshape(-1, group, w2.shape[1]).max(axis=1)
    scale, _ = qparams_from_range(-amax, amax, "int4", symmetric=True)
    qw = QParams("int4", scale, np.zeros(scale.shape), axis, group, -7, 7)
    at = loc(name, "dequantize")
    cval = lw.constant(qw.quantize(w2), tensor_type(w2.shape, qw), f"{name}_w4")
    f32 = ir.F32Type.get()
    wval = lw.emit("npu_tensor.dequantize", [cval], [ir.RankedTensorType.get(list(w2.shape), f32)],
                   qparams_attrs(qw), at)[0]
    if spec.kind == "conv":
        wval = lw.emit("npu_tensor.reshape", [wval], [ir.RankedTensorType.get(list(w.shape), f32)], {},
                       loc(name, "reshape"))[0]
    acc = lw.plan.accumulators["fp32"]
    rec.weight = {"dtype": "int4", "group_size": group, "scale_min": float(scale.min()), "scale_max": float(scale.max())}
    rec.input = rec.output = {"dtype": "float32", "accumulator": acc}
    _emit_float_compute(lw, spec, tail, transposed_x(lw, spec, lw.as_orig(spec.x), name), wval, acc, [1.0], rec)


def _emit_float_compute(lw, spec, tail, xv, wval, acc, scale, rec) -> None:
    bval = None if tail.bias is None else lw.constant(np.asarray(tail.bias, dtype=np.float32), None,
                                                      f"{rec.name}_bias")
    name = lw.g.value_name(tail.acc_value)
    out_type = ir.RankedTensorType.get(spec.out_shape, ir.F32Type.get())
    if spec.kind == "conv":
        attrs = dict(spec.conv_attrs, acc=acc, scale=scale)
        y = lw.emit("npu_tensor.conv_float", [xv, wval, bval], [out_type], attrs, loc(name, "conv_float"))[0]
    else:
        operands = [wval, xv, bval] if spec.lhs_weight else [xv, wval, bval]
        y = lw.emit("npu_tensor.matmul_float", operands, [out_type], {"acc": acc, "scale": scale},
                    loc(name, "matmul_float"))[0]
    lw.set_orig(tail.acc_value, y)
    _mark_fused(lw, tail, rec)


def _mark_fused(lw: Lowering, tail: Tail, rec: LayerRecord) -> None:
    for n in tail.fused:
        lw.done.add(n.index)
        rec.fused.append(n.name)


def lower_layer(lw: Lowering, node: Node) -> None:
    """Emit `node` (a conv/matmul/gemm) at the precision the plan gives its layer name."""
    prec = lw.plan.precisions.get(node.name, "fp32")
    rec = LayerRecord(node.name, node.kind, prec)
    lw.records.append(rec)
    spec = layer_spec(lw, node)
    if isinstance(spec, str) or prec == "fp32" or (prec == "int4" and spec.weight is None):
        if prec != "fp32":
            rec.note = spec if isinstance(spec, str) else "int4 is weight-only; this matmul has no constant weight"
            rec.precision = "fp32"
        lw.copy_float(node)
        lw.float_ops.pop()  # a float layer is reported with the layers, not as a fallback op
        return
    if prec == "int8":
        _int8_layer(lw, node, spec, rec)
    elif prec in FLOAT_FORMATS:
        _float_layer(lw, node, spec, prec, rec)
    else:
        _int4_layer(lw, node, spec, rec)

