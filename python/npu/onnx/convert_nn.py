"""ONNX converters of the neural-network family: convolution, matmul/gemm,
pooling, normalization, softmax and reductions.

Each converter maps one ONNX node to one npu_tensor op (MatMul with 1-D
operands adds reshapes) with every attribute explicit:

  * attribute names are the ONNX names with the schema defaults filled in;
  * auto_pad is resolved to explicit `pads` (and dropped), ConvTranspose's
    output_shape is resolved to `pads` too, so kernels only see explicit pads;
  * axes given as constant inputs (Reduce* from opset 13/18) become the `axes`
    attribute, normalized to sorted non-negative ints; negative `axis`
    attributes are normalized the same way;
  * weights, biases and other tensors stay operands; an absent optional
    operand is simply not passed (all these ops have at most one).

The pure `*_attrs` helpers compute the npu attributes from ONNX attributes and
static shapes; test/python/test_kernels_nn.py drives them directly.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
from mlir import ir

from npu.onnx.registry import converter

if TYPE_CHECKING:
    from npu.onnx.importer import GraphBuilder, OnnxNode

# ------------------------------------------------------------ pure helpers


def _ints(value, n: int, default: int) -> list[int]:
    return [int(v) for v in value] if value else [default] * n


def same_pads(
    auto_pad: str, in_shape: Sequence[int], kernel: Sequence[int], strides: Sequence[int], dilations: Sequence[int]
) -> list[int]:
    """Explicit [begin..., end...] pads of SAME_UPPER / SAME_LOWER: out = ceil(in / stride).

    The odd padding element goes to the end for SAME_UPPER, to the begin for SAME_LOWER.
    """
    nd = len(in_shape)
    begin, end = [], []
    for i in range(nd):
        out = ceil(in_shape[i] / strides[i])
        total = max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in_shape[i])
        small, large = total // 2, total - total // 2
        begin.append(small if auto_pad == "SAME_UPPER" else large)
        end.append(large if auto_pad == "SAME_UPPER" else small)
    return begin + end


def resolve_pads(attrs: dict[str, Any], in_shape, kernel, strides, dilations) -> list[int]:
    """The explicit pads of a Conv/Pool node (auto_pad folded in)."""
    nd = len(in_shape)
    auto_pad = attrs.get("auto_pad", "NOTSET") or "NOTSET"
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        return same_pads(auto_pad, in_shape, kernel, strides, dilations)
    if auto_pad == "VALID":
        return [0] * (2 * nd)
    if auto_pad != "NOTSET":
        raise ValueError(f"unknown auto_pad '{auto_pad}'")
    return _ints(attrs.get("pads"), 2 * nd, 0)


def conv_attrs(attrs: dict[str, Any], x_shape: Sequence[int], w_shape: Sequence[int]) -> dict[str, Any]:
    """npu_tensor.conv attributes of an ONNX Conv (also QLinearConv, ConvInteger)."""
    nd = len(x_shape) - 2
    kernel = _ints(attrs.get("kernel_shape"), nd, 0) if attrs.get("kernel_shape") else list(w_shape[2:])
    strides = _ints(attrs.get("strides"), nd, 1)
    dilations = _ints(attrs.get("dilations"), nd, 1)
    pads = resolve_pads(attrs, x_shape[2:], kernel, strides, dilations)
    return {
        "dilations": dilations,
        "group": int(attrs.get("group", 1)),
        "kernel_shape": kernel,
        "pads": pads,
        "strides": strides,
    }


def conv_transpose_attrs(attrs: dict[str, Any], x_shape: Sequence[int], w_shape: Sequence[int]) -> dict[str, Any]:
    """npu_tensor.conv_transpose attributes; output_shape / auto_pad become pads.

    full[i] = stride*(in-1) + output_padding + (k-1)*dilation + 1, and
    out = full - pads_begin - pads_end. With output_shape (or SAME_*, where
    out = in * stride) total = full - out is split as the ONNX spec says:
    SAME_UPPER puts the odd element at the end, anything else at the begin.
    """
    nd = len(x_shape) - 2
    ins = list(x_shape[2:])
    kernel = _ints(attrs.get("kernel_shape"), nd, 0) if attrs.get("kernel_shape") else list(w_shape[2:])
    strides = _ints(attrs.get("strides"), nd, 1)
    dilations = _ints(attrs.get("dilations"), nd, 1)
    out_pad = _ints(attrs.get("output_padding"), nd, 0)
    auto_pad = attrs.get("auto_pad", "NOTSET") or "NOTSET"
    full = [strides[i] * (ins[i] - 1) + out_pad[i] + (kernel[i] - 1) * dilations[i] + 1 for i in range(nd)]
    output_shape = list(attrs.get("output_shape") or [])
    if output_shape:
        target = [int(v) for v in output_shape[-nd:]]
    elif auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        target = [ins[i] * strides[i] for i in range(nd)]
    else:
        target = None
    if target is None:
        pads = [0] * (2 * nd) if auto_pad == "VALID" else _ints(attrs.get("pads"), 2 * nd, 0)
    else:
        total = [f - t for f, t in zip(full, target)]
        if auto_pad == "SAME_UPPER":
            pads = [t // 2 for t in total] + [t - t // 2 for t in total]
        else:
            pads = [t - t // 2 for t in total] + [t // 2 for t in total]
    return {
        "dilations": dilations,
        "group": int(attrs.get("group", 1)),
        "kernel_shape": kernel,
        "output_padding": out_pad,
        "pads": pads,
        "strides": strides,
    }


def pool_attrs(op_type: str, attrs: dict[str, Any], x_shape: Sequence[int]) -> dict[str, Any]:
    """Attributes of npu_tensor.{max,average,lp}_pool from an ONNX pooling node."""
    nd = len(x_shape) - 2
    kernel = [int(k) for k in attrs["kernel_shape"]]
    strides = _ints(attrs.get("strides"), nd, 1)
    dilations = _ints(attrs.get("dilations"), nd, 1)
    out = {
        "ceil_mode": int(attrs.get("ceil_mode", 0)),
        "dilations": dilations,
        "kernel_shape": kernel,
        "pads": resolve_pads(attrs, x_shape[2:], kernel, strides, dilations),
        "strides": strides,
    }
    if op_type == "MaxPool":
        out["storage_order"] = int(attrs.get("storage_order", 0))
    elif op_type == "AveragePool":
        out["count_include_pad"] = int(attrs.get("count_include_pad", 0))
    elif op_type == "LpPool":
        out["p"] = int(attrs.get("p", 2))
    return out


def normalize_axes(axes: Sequence[int], rank: int) -> list[int]:
    return sorted({int(a) % rank for a in axes}) if rank else []


def reduce_attrs(attrs: dict[str, Any], axes: Sequence[int] | None, rank: int) -> dict[str, Any] | None:
    """Attributes of npu_tensor.reduce_*; None when the node is the identity.

    Empty axes mean every axis unless noop_with_empty_axes, which makes the
    node the identity.
    """
    axes = list(axes or [])
    if not axes:
        if int(attrs.get("noop_with_empty_axes", 0)):
            return None
        axes = list(range(rank))
    return {"axes": normalize_axes(axes, rank), "keepdims": int(attrs.get("keepdims", 1))}


# ---------------------------------------------------------- converter glue


def operands(node: "OnnxNode", n: int) -> list["ir.Value | None"]:
    """The first n inputs of `node`, absent ones as None, trailing absent ones dropped."""
    vals = [node.inputs[i] if i < len(node.inputs) else None for i in range(n)]
    while vals and vals[-1] is None:
        vals.pop()
    return vals


def shape_of(node: "OnnxNode", i: int, what: str) -> list[int]:
    shape = node.input_shapes[i] if i < len(node.input_shapes) else None
    if shape is None:
        raise node.error(f"expects a static shape for {what} (input {i})")
    return list(shape)


def _guard(node: "OnnxNode", fn, *args):
    try:
        return fn(*args)
    except (ValueError, KeyError, ZeroDivisionError) as err:
        raise node.error(str(err)) from None


@converter("Conv")
def convert_conv(node: "OnnxNode", b: "GraphBuilder"):
    attrs = _guard(node, conv_attrs, node.attrs, shape_of(node, 0, "X"), shape_of(node, 1, "W"))
    return b.emit(node, "npu_tensor.conv", operands(node, 3), attrs)


@converter("ConvTranspose")
def convert_conv_transpose(node: "OnnxNode", b: "GraphBuilder"):
    attrs = _guard(node, conv_transpose_attrs, node.attrs, shape_of(node, 0, "X"), shape_of(node, 1, "W"))
    return b.emit(node, "npu_tensor.conv_transpose", operands(node, 3), attrs)


def _zero_point(node: "OnnxNode", b: "GraphBuilder", i: int, like: int):
    """Input i (a zero point), or a scalar zero of input `like`'s dtype when absent."""
    if i < len(node.inputs) and node.inputs[i] is not None:
        return node.inputs[i]
    return b.constant(np.zeros((), dtype=node.input_dtypes[like]), f"{node.name}_zp{i}")


@converter("ConvInteger")
def convert_conv_integer(node: "OnnxNode", b: "GraphBuilder"):
    attrs = _guard(node, conv_attrs, node.attrs, shape_of(node, 0, "x"), shape_of(node, 1, "w"))
    ops = [node.inputs[0], node.inputs[1], _zero_point(node, b, 2, 0), _zero_point(node, b, 3, 1)]
    return b.emit(node, "npu_tensor.conv_integer", ops, attrs)


@converter("MatMulInteger")
def convert_matmul_integer(node: "OnnxNode", b: "GraphBuilder"):
    if len(shape_of(node, 0, "A")) < 2 or len(shape_of(node, 1, "B")) < 2:
        raise node.error("expects operands of rank >= 2")
    ops = [node.inputs[0], node.inputs[1], _zero_point(node, b, 2, 0), _zero_point(node, b, 3, 1)]
    return b.emit(node, "npu_tensor.matmul_integer", ops, {})


@converter("Gemm")
def convert_gemm(node: "OnnxNode", b: "GraphBuilder"):
    a = node.attrs
    attrs = {
        "alpha": float(a.get("alpha", 1.0)),
        "beta": float(a.get("beta", 1.0)),
        "transA": int(a.get("transA", 0)),
        "transB": int(a.get("transB", 0)),
    }
    return b.emit(node, "npu_tensor.gemm", operands(node, 3), attrs)


@converter("MatMul")
def convert_matmul(node: "OnnxNode", b: "GraphBuilder"):
    """MatMul; a 1-D operand is reshaped to a matrix ([K] -> [1,K] or [K,1]) and the
    extra unit dim removed from the result by a reshape (numpy matmul semantics)."""
    ls, rs = shape_of(node, 0, "A"), shape_of(node, 1, "B")
    lhs, rhs = node.inputs[0], node.inputs[1]
    if len(ls) >= 2 and len(rs) >= 2:
        return b.emit(node, "npu_tensor.matmul", [lhs, rhs])
    dtype = node.output_dtypes[0]
    if len(ls) == 1:
        ls = [1, ls[0]]
        (lhs,) = b.emit(node, "npu_tensor.reshape", [lhs], results=[(ls, node.input_dtypes[0])])
    if len(rs) == 1:
        rs = [rs[0], 1]
        (rhs,) = b.emit(node, "npu_tensor.reshape", [rhs], results=[(rs, node.input_dtypes[1])])
    batch = list(np.broadcast_shapes(tuple(ls[:-2]), tuple(rs[:-2])))
    (y,) = b.emit(node, "npu_tensor.matmul", [lhs, rhs], results=[(batch + [ls[-2], rs[-1]], dtype)])
    return b.emit(node, "npu_tensor.reshape", [y])


@converter("MaxPool", "AveragePool", "LpPool")
def convert_pool(node: "OnnxNode", b: "GraphBuilder"):
    attrs = _guard(node, pool_attrs, node.op_type, node.attrs, shape_of(node, 0, "X"))
    name = {"MaxPool": "max_pool", "AveragePool": "average_pool", "LpPool": "lp_pool"}[node.op_type]
    results = None
    if node.op_type == "MaxPool":
        wanted = 2 if len(node.output_names) > 1 and node.output_names[1] else 1
        results = list(zip(node.output_shapes, node.output_dtypes))[:wanted]
    return b.emit(node, f"npu_tensor.{name}", [node.inputs[0]], attrs, results=results)


@converter("GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool")
def convert_global_pool(node: "OnnxNode", b: "GraphBuilder"):
    name = {"GlobalAveragePool": "global_average_pool", "GlobalMaxPool": "global_max_pool", "GlobalLpPool": "global_lp_pool"}
    attrs = {"p": int(node.attrs.get("p", 2))} if node.op_type == "GlobalLpPool" else {}
    return b.emit(node, f"npu_tensor.{name[node.op_type]}", [node.inputs[0]], attrs)


@converter("BatchNormalization")
def convert_batch_normalization(node: "OnnxNode", b: "GraphBuilder"):
    """Inference BatchNormalization, imported as one op (folding into a preceding
    Conv is a later pass); training_mode = 1 (opset 14+) becomes
    batch_normalization_training with the running mean/var results."""
    attrs = {"epsilon": float(node.attrs.get("epsilon", 1e-5))}
    if not int(node.attrs.get("training_mode", 0)):
        if sum(1 for o in node.output_names if o) > 1:
            raise node.error("unsupported: pre-opset-14 training outputs (mean, var, saved stats)")
        return b.emit(node, "npu_tensor.batch_normalization", node.inputs[:5], attrs)
    attrs["momentum"] = float(node.attrs.get("momentum", 0.9))
    x_shape = shape_of(node, 0, "X")
    dtype = node.output_dtypes[0]
    channel = ([x_shape[1]], node.input_dtypes[3])
    results = [(x_shape, dtype), channel, (channel[0], node.input_dtypes[4])]
    return b.emit(node, "npu_tensor.batch_normalization_training", node.inputs[:5], attrs, results=results)


@converter("InstanceNormalization")
def convert_instance_normalization(node: "OnnxNode", b: "GraphBuilder"):
    attrs = {"epsilon": float(node.attrs.get("epsilon", 1e-5))}
    return b.emit(node, "npu_tensor.instance_normalization", node.inputs[:3], attrs)


@converter("GroupNormalization")
def convert_group_normalization(node: "OnnxNode", b: "GraphBuilder"):
    """GroupNormalization; opset-18 per-group scale/bias are expanded to per-channel constants."""
    x_shape = shape_of(node, 0, "X")
    groups = int(node.attrs["num_groups"])
    scale, bias = node.inputs[1], node.inputs[2]
    if shape_of(node, 1, "scale")[0] != x_shape[1]:
        reps = x_shape[1] // groups
        vals = [node.static(i, f"per-group {n}") for i, n in ((1, "scale"), (2, "bias"))]
        scale, bias = (b.constant(np.repeat(v, reps), f"{node.name}_{n}") for v, n in zip(vals, ("scale", "bias")))
    attrs = {"epsilon": float(node.attrs.get("epsilon", 1e-5)), "num_groups": groups}
    return b.emit(node, "npu_tensor.group_normalization", [node.inputs[0], scale, bias], attrs)


@converter("LayerNormalization")
def convert_layer_normalization(node: "OnnxNode", b: "GraphBuilder"):
    """LayerNormalization with its three results (Y, Mean, InvStdDev) always present."""
    x_shape = shape_of(node, 0, "X")
    rank = len(x_shape)
    axis = int(node.attrs.get("axis", -1))
    if not -rank <= axis < rank:
        raise node.error(f"expects axis in [{-rank}, {rank}), got {axis}")
    axis %= rank
    stash = int(node.attrs.get("stash_type", 1))
    stat_shape = x_shape[:axis] + [1] * (rank - axis)
    stat_dtype = np.dtype(np.float32) if stash == 1 else node.input_dtypes[0]
    results = [(x_shape, node.output_dtypes[0])]
    for k in (1, 2):
        dt = node.output_dtypes[k] if k < len(node.output_dtypes) and node.output_dtypes[k] is not None else stat_dtype
        results.append((stat_shape, dt))
    attrs = {"axis": axis, "epsilon": float(node.attrs.get("epsilon", 1e-5)), "stash_type": stash}
    return b.emit(node, "npu_tensor.layer_normalization", operands(node, 3), attrs, results=results)


@converter("RMSNormalization")
def convert_rms_normalization(node: "OnnxNode", b: "GraphBuilder"):
    rank = len(shape_of(node, 0, "X"))
    axis = int(node.attrs.get("axis", -1))
    if not -rank <= axis < rank:
        raise node.error(f"expects axis in [{-rank}, {rank}), got {axis}")
    attrs = {
        "axis": axis % rank,
        "epsilon": float(node.attrs.get("epsilon", 1e-5)),
        "stash_type": int(node.attrs.get("stash_type", 1)),
    }
    return b.emit(node, "npu_tensor.rms_normalization", node.inputs[:2], attrs)


@converter("MeanVarianceNormalization")
def convert_mvn(node: "OnnxNode", b: "GraphBuilder"):
    rank = len(shape_of(node, 0, "X"))
    attrs = {"axes": normalize_axes(node.attrs.get("axes", [0, 2, 3]), rank)}
    return b.emit(node, "npu_tensor.mean_variance_normalization", [node.inputs[0]], attrs)


@converter("LpNormalization")
def convert_lp_normalization(node: "OnnxNode", b: "GraphBuilder"):
    rank = len(shape_of(node, 0, "input"))
    p = int(node.attrs.get("p", 2))
    if p not in (1, 2):
        raise node.error(f"expects p to be 1 or 2, got {p}")
    attrs = {"axis": int(node.attrs.get("axis", -1)) % rank, "p": p}
    return b.emit(node, "npu_tensor.lp_normalization", [node.inputs[0]], attrs)


@converter("LRN")
def convert_lrn(node: "OnnxNode", b: "GraphBuilder"):
    a = node.attrs
    attrs = {
        "alpha": float(a.get("alpha", 1e-4)),
        "beta": float(a.get("beta", 0.75)),
        "bias": float(a.get("bias", 1.0)),
        "size": int(a["size"]),
    }
    return b.emit(node, "npu_tensor.lrn", [node.inputs[0]], attrs)


@converter("Softmax", "LogSoftmax", "Hardmax")
def convert_softmax(node: "OnnxNode", b: "GraphBuilder"):
    """Softmax family (opset >= 13 semantics: one axis)."""
    rank = len(shape_of(node, 0, "input"))
    if node.opset < 13:
        raise node.error("expects opset >= 13 (the importer upgrades older models)")
    axis = int(node.attrs.get("axis", -1))
    if not -rank <= axis < rank:
        raise node.error(f"expects axis in [{-rank}, {rank}), got {axis}")
    name = {"Softmax": "softmax", "LogSoftmax": "log_softmax", "Hardmax": "hardmax"}[node.op_type]
    return b.emit(node, f"npu_tensor.{name}", [node.inputs[0]], {"axis": axis % rank})


_REDUCE = {
    "ReduceSum": "reduce_sum",
    "ReduceMean": "reduce_mean",
    "ReduceMax": "reduce_max",
    "ReduceMin": "reduce_min",
    "ReduceProd": "reduce_prod",
    "ReduceL1": "reduce_l1",
    "ReduceL2": "reduce_l2",
    "ReduceSumSquare": "reduce_sum_square",
    "ReduceLogSum": "reduce_log_sum",
    "ReduceLogSumExp": "reduce_log_sum_exp",
}


@converter(*_REDUCE)
def convert_reduce(node: "OnnxNode", b: "GraphBuilder"):
    """Reduce*: axes from the attribute (older opsets) or the constant second input."""
    rank = len(shape_of(node, 0, "data"))
    if len(node.inputs) > 1 and node.inputs[1] is not None:
        axes = node.static_ints(1, "axes")
    else:
        axes = list(node.attrs.get("axes") or [])
    bad = [a for a in axes if not -rank <= a < max(rank, 1)]
    if bad:
        raise node.error(f"expects axes in [{-rank}, {rank}), got {axes}")
    attrs = reduce_attrs(node.attrs, axes, rank)
    if attrs is None:
        return [node.inputs[0]]
    return b.emit(node, f"npu_tensor.{_REDUCE[node.op_type]}", [node.inputs[0]], attrs)


@converter("Dropout")
def convert_dropout(node: "OnnxNode", b: "GraphBuilder"):
    """Inference Dropout is the identity (mask: all true), and so is training-mode
    Dropout with a constant ratio of 0; random dropping is unsupported."""
    if len(node.inputs) > 2 and node.inputs[2] is not None:
        training = bool(node.static(2, "training_mode").reshape(-1)[0])
        if training:
            has_ratio = len(node.inputs) > 1 and node.inputs[1] is not None
            if not has_ratio or float(node.static(1, "ratio").reshape(-1)[0]) != 0.0:
                raise node.error("unsupported: training-mode dropout (random) needs a constant ratio of 0")
    values = [node.inputs[0]]
    if len(node.output_names) > 1 and node.output_names[1]:
        values.append(b.constant(np.ones(shape_of(node, 0, "data"), dtype=np.bool_), f"{node.name}_mask"))
    return values


@converter("ArgMax", "ArgMin")
def convert_arg(node: "OnnxNode", b: "GraphBuilder"):
    rank = len(shape_of(node, 0, "data"))
    axis = int(node.attrs.get("axis", 0))
    if not -rank <= axis < rank:
        raise node.error(f"expects axis in [{-rank}, {rank}), got {axis}")
    attrs = {
        "axis": axis % rank,
        "keepdims": int(node.attrs.get("keepdims", 1)),
        "select_last_index": int(node.attrs.get("select_last_index", 0)),
    }
    name = "arg_max" if node.op_type == "ArgMax" else "arg_min"
    return b.emit(node, f"npu_tensor.{name}", [node.inputs[0]], attrs)


@converter("TopK")
def convert_top_k(node: "OnnxNode", b: "GraphBuilder"):
    """TopK; the K input must be static and becomes the `k` attribute."""
    shape = shape_of(node, 0, "X")
    rank = len(shape)
    axis = int(node.attrs.get("axis", -1))
    if not -rank <= axis < rank:
        raise node.error(f"expects axis in [{-rank}, {rank}), got {axis}")
    k = node.static_ints(1, "K")[0]
    if not 0 <= k <= shape[axis % rank]:
        raise node.error(f"expects 0 <= K <= {shape[axis % rank]}, got {k}")
    attrs = {
        "axis": axis % rank,
        "k": k,
        "largest": int(node.attrs.get("largest", 1)),
        "sorted": int(node.attrs.get("sorted", 1)),
    }
    return b.emit(node, "npu_tensor.top_k", [node.inputs[0]], attrs)


@converter("Einsum")
def convert_einsum(node: "OnnxNode", b: "GraphBuilder"):
    """Einsum of one or two operands; the equation is kept with blanks removed."""
    if not 1 <= len(node.inputs) <= 2:
        raise node.error(f"unsupported: einsum of {len(node.inputs)} operands (1 or 2 supported)")
    equation = "".join(str(node.attrs["equation"]).split())
    return b.emit(node, "npu_tensor.einsum", list(node.inputs), {"equation": equation})


@converter("MaxUnpool")
def convert_max_unpool(node: "OnnxNode", b: "GraphBuilder"):
    """MaxUnpool; a given output_shape (static) only fixes the result type."""
    x_shape = shape_of(node, 0, "X")
    nd = len(x_shape) - 2
    kernel = [int(k) for k in node.attrs["kernel_shape"]]
    strides = _ints(node.attrs.get("strides"), nd, 1)
    pads = _ints(node.attrs.get("pads"), 2 * nd, 0)
    if len(node.inputs) > 2 and node.inputs[2] is not None:
        out_shape = node.static_ints(2, "output_shape")
    else:
        out_shape = x_shape[:2] + [
            (x_shape[2 + i] - 1) * strides[i] + kernel[i] - pads[i] - pads[nd + i] for i in range(nd)
        ]
    attrs = {"kernel_shape": kernel, "pads": pads, "strides": strides}
    results = [(out_shape, node.input_dtypes[0])]
    return b.emit(node, "npu_tensor.max_unpool", node.inputs[:2], attrs, results=results)


@converter("Col2Im")
def convert_col2im(node: "OnnxNode", b: "GraphBuilder"):
    """Col2Im; image_shape and block_shape (static inputs) become attributes."""
    image = node.static_ints(1, "image_shape")
    block = node.static_ints(2, "block_shape")
    nd = len(image)
    attrs = {
        "block_shape": block,
        "dilations": _ints(node.attrs.get("dilations"), nd, 1),
        "image_shape": image,
        "pads": _ints(node.attrs.get("pads"), 2 * nd, 0),
        "strides": _ints(node.attrs.get("strides"), nd, 1),
    }
    x_shape = shape_of(node, 0, "input")
    results = [([x_shape[0], x_shape[1] // max(1, int(np.prod(block)))] + image, node.input_dtypes[0])]
    return b.emit(node, "npu_tensor.col2im", [node.inputs[0]], attrs, results=results)


@converter("DeformConv")
def convert_deform_conv(node: "OnnxNode", b: "GraphBuilder"):
    """DeformConv (2-D): conv attributes plus offset_group; B and mask stay optional operands."""
    x_shape, w_shape = shape_of(node, 0, "X"), shape_of(node, 1, "W")
    if len(x_shape) != 4:
        raise node.error(f"unsupported: {len(x_shape) - 2}-D deformable convolution (2-D only)")
    attrs = _guard(node, conv_attrs, node.attrs, x_shape, w_shape)
    attrs["offset_group"] = int(node.attrs.get("offset_group", 1))
    ops = [node.inputs[i] if i < len(node.inputs) else None for i in range(5)]
    attrs["operandSegmentSizes"] = ir.DenseI32ArrayAttr.get([0 if v is None else 1 for v in ops])
    return b.emit(node, "npu_tensor.deform_conv", ops, attrs)
