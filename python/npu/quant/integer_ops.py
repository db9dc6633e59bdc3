"""Level-2 integer forms of Softmax, LayerNormalization and Concat (non-layer ops on int8 inputs).

Called by npu.quant.lower for a node whose data input is available as int8:

    softmax(x)              softmax_int(x_q, exp_table(s_x), recip_table)      output scale 1/255, zp -128
    layer_normalization(x)  layer_norm_int(x_q, rsqrt_table, gamma_q, beta_q)  output: calibrated range
                            (integer parameters from npu.numerics.layer_norm_params)
    concat(a, b)            rescale each int8 input whose parameters differ from the output's
                            (RESCALE int8 -> int8 by s_in / s_out, zero points moved), then concat
                            on int8; a constant input is quantized at compile time

A concat chain (ONNX Concat of n inputs is n - 1 binary concats at one node name)
uses the final output's parameters throughout, so no value is rescaled twice. Each
function returns False when the op cannot take its integer form (the caller then
keeps it in float): a layer normalization whose mean/inv_std results are used,
whose scale or bias is not constant, or whose size breaks the int32 bounds; a
softmax over more values than the int32 sum allows.
"""

from __future__ import annotations

import numpy as np

from npu.numerics import NumericsError
from npu.numerics.normalization import (
    SOFTMAX_MAX_N,
    SOFTMAX_OUT_SCALE,
    SOFTMAX_OUT_ZP,
    layer_norm_params,
    reciprocal_table,
    rsqrt_table,
    softmax_exp_table,
)
from npu.quant.graph import Node
from npu.quant.lower import Lowering, loc
from npu.quant.qtypes import QParams, tensor_type

SOFTMAX_QPARAMS = QParams("int8", SOFTMAX_OUT_SCALE, SOFTMAX_OUT_ZP)


def lower_softmax(lw: Lowering, node: Node) -> bool:
    """softmax(x) -> softmax_int(x_q, exp_table, recip_table); the exp table depends on s_x only."""
    x = node.operands[0]
    val, qp = lw.rep[x].q
    shape = list(x.type.shape)
    axis = int(node.attrs["axis"]) % len(shape)
    if len(node.results) != 1 or shape[axis] > SOFTMAX_MAX_N or not qp.per_tensor:
        return False
    exp_t = lw.constant(softmax_exp_table(float(qp.scale)), None, f"{node.name}_exp")
    recip_t = lw.shared_constant("softmax_recip", reciprocal_table)
    y = lw.emit("npu_tensor.softmax_int", [val, exp_t, recip_t], [tensor_type(shape, SOFTMAX_QPARAMS)],
                {"axis": axis}, loc(node.name, "softmax_int"))[0]
    lw.pin_qparams(node.result, SOFTMAX_QPARAMS)
    lw.set_int8(node.result, y, SOFTMAX_QPARAMS)
    return True


def lower_layer_norm(lw: Lowering, node: Node) -> bool:
    """layer_normalization(x, gamma, beta) -> layer_norm_int(x_q, rsqrt_table, gamma_q, beta_q)."""
    g = lw.g
    x, scale, bias = (node.operands + [None, None])[:3]
    if any(g.users.get(r) or any(r == o for o in g.outputs) for r in node.results[1:]):
        return False  # mean / inv_std_dev are used: only the float op computes them
    if not g.is_const(scale) or (bias is not None and not g.is_const(bias)):
        return False
    val, qp = lw.rep[x].q
    shape = list(x.type.shape)
    axis = int(node.attrs.get("axis", -1)) % len(shape)
    dims = tuple(shape[axis:])
    try:
        gamma = np.broadcast_to(g.consts[scale].astype(np.float64), dims)
        beta = np.zeros(dims) if bias is None else np.broadcast_to(g.consts[bias].astype(np.float64), dims)
    except ValueError:
        return False
    if not qp.per_tensor:
        return False
    qo = lw.act_qparams(node.result)
    try:
        p = layer_norm_params(int(np.prod(dims)), float(qp.scale), int(qp.zero_point),
                              float(node.attrs.get("epsilon", 1e-5)), gamma, beta, float(qo.scale), int(qo.zero_point))
    except NumericsError:
        return False
    table = lw.shared_constant("layer_norm_rsqrt", rsqrt_table)
    gq = lw.constant(np.ascontiguousarray(p.gamma.reshape(dims)), None, f"{node.name}_gamma")
    bq = lw.constant(np.ascontiguousarray(p.beta.reshape(dims)), None, f"{node.name}_beta")
    attrs = {"axis": axis, "epsilon": p.epsilon, "gamma_shift": p.gamma_shift, "input_zp": p.input_zp,
             "multiplier": p.multiplier, "output_zp": p.output_zp, "pre_shift": p.pre_shift,
             "rounding_mode": lw.scheme.rounding, "shift": p.shift}
    y = lw.emit("npu_tensor.layer_norm_int", [val, table, gq, bq], [tensor_type(shape, qo)], attrs,
                loc(node.name, "layer_norm_int"))[0]
    lw.set_int8(node.result, y, qo)
    return True


def _concat_output(lw: Lowering, node: Node):
    """The value whose parameters a concat chain shares: the last concat of the chain at this node name."""
    v = node.result
    while (u := lw.g.sole_user(v)) is not None and u.kind == "concat" and u.name == node.name and u.operands[0] == v:
        v = u.result
    return v


def lower_concat(lw: Lowering, node: Node) -> bool:
    """concat(a, b) on int8: inputs rescaled to the output's parameters when theirs differ."""
    g = lw.g
    if not all(lw.has_int8(v) or g.is_const(v) for v in node.operands):
        return False
    qo = lw.act_qparams(_concat_output(lw, node))
    lw.pin_qparams(node.result, qo)
    at = loc(node.name, "rescale")
    parts = []
    for v in node.operands:
        shape = list(v.type.shape)
        if g.is_const(v):
            parts.append(lw.constant(qo.quantize(g.consts[v]), tensor_type(shape, qo), f"{node.name}_const"))
            continue
        val, qp = lw.rep[v].q
        if qp.same_as(qo):
            parts.append(val)
        else:
            parts.append(lw.rescale(val, float(qp.scale) / float(qo.scale), tensor_type(shape, qo),
                                    int(qp.zero_point), int(qo.zero_point), 0, at))
    y = lw.emit("npu_tensor.concat", parts, [tensor_type(list(node.result.type.shape), qo)],
                {"axis": int(node.attrs["axis"])}, node.op.location)[0]
    lw.set_int8(node.result, y, qo)
    return True
