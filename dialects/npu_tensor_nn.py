"""Python verifiers of the npu_tensor nn family (conv, matmul/gemm, pooling,
normalization, softmax, reductions, recurrent and quantization ops).

IRDL checks that operands are tensors and that attributes exist with the right
kind; these functions check what IRDL cannot: ranks, attribute lengths and
values, operand shapes against each other, and the result shape each op
computes. The output-shape rules (`conv_output_shape`, `pool_output_shape`,
`conv_transpose_output_shape`, `reduced_shape`) are the ONNX formulas and are
public so passes can reuse them.
"""

from __future__ import annotations

from math import isnan
from typing import Callable

from mlir import ir

from npu.ir.attrs import from_attr
from npu.ir.types import broadcast_shapes, tensor_shape
from npu.ir.verify import VerifyEnv, verifier

# ------------------------------------------------------------- shape rules


def pool_output_shape(in_shape, kernel, strides, dilations, pads, ceil_mode: int = 0) -> list[int]:
    """ONNX Conv/Pool output size per spatial dim: floor (or ceil) of
    (in + pad_begin + pad_end - ((k - 1) * d + 1)) / s + 1; with ceil_mode the
    last window must start inside the input or the begin padding."""
    nd = len(in_shape)
    out = []
    for i in range(nd):
        span = in_shape[i] + pads[i] + pads[nd + i] - ((kernel[i] - 1) * dilations[i] + 1)
        if ceil_mode:
            o = -(-span // strides[i]) + 1
            if (o - 1) * strides[i] >= in_shape[i] + pads[i]:
                o -= 1
        else:
            o = span // strides[i] + 1
        out.append(o)
    return out


def conv_output_shape(in_shape, kernel, strides, dilations, pads) -> list[int]:
    return pool_output_shape(in_shape, kernel, strides, dilations, pads, 0)


def conv_transpose_output_shape(in_shape, kernel, strides, dilations, pads, output_padding) -> list[int]:
    nd = len(in_shape)
    return [
        strides[i] * (in_shape[i] - 1) + output_padding[i] + (kernel[i] - 1) * dilations[i] + 1 - pads[i] - pads[nd + i]
        for i in range(nd)
    ]


def reduced_shape(shape, axes, keepdims: int) -> list[int]:
    if keepdims:
        return [1 if i in axes else d for i, d in enumerate(shape)]
    return [d for i, d in enumerate(shape) if i not in axes]


# ---------------------------------------------------------------- accessors


class _Reject(Exception):
    """Raised inside a verifier to stop at the first broken expectation."""


def _attr(op: ir.Operation, name: str):
    return from_attr(op.attributes[name])


def _operands(op: ir.Operation, names: list[str]) -> dict[str, ir.Value | None]:
    """Operands by name, absent optional ones as None (honours operandSegmentSizes)."""
    values = list(op.operands)
    if "operandSegmentSizes" in op.attributes:
        sizes = [int(s) for s in op.attributes["operandSegmentSizes"]]
        out, pos = {}, 0
        for name, size in zip(names, sizes):
            out[name] = values[pos] if size else None
            pos += size
        return out
    return {name: (values[i] if i < len(values) else None) for i, name in enumerate(names)}


def _shape(v: ir.Value | None) -> list[int] | None:
    return None if v is None else tensor_shape(v)


def _elem(v: ir.Value) -> ir.Type:
    return v.type.element_type


def _is_float(t: ir.Type) -> bool:
    return isinstance(t, ir.FloatType)


def _expect(cond: bool, message: str) -> None:
    if not cond:
        raise _Reject(message)


def _nn_verifier(*names: str) -> Callable:
    """Register `fn(op)` for each op name; `_expect` failures become one diagnostic."""

    def register(fn: Callable[[ir.Operation], None]) -> Callable:
        def run(op: ir.Operation, env: VerifyEnv) -> None:
            try:
                fn(op)
            except _Reject as err:
                env.error(op, str(err))

        for name in names:
            verifier(f"npu_tensor.{name}")(run)
        return fn

    return register


def _check_result(op: ir.Operation, expected: list[int], index: int = 0, what: str = "result") -> None:
    got = tensor_shape(op.results[index])
    _expect(got == list(expected), f"expects {what} shape {list(expected)}, got {got}")


def _check_same_shape(op: ir.Operation) -> None:
    _check_result(op, tensor_shape(op.operands[0]), what="result")


def _check_axis(axis: int, rank: int, name: str = "axis") -> None:
    _expect(0 <= axis < max(rank, 1), f"expects {name} in [0, {rank}), got {axis}")


# ------------------------------------------------------------ window ops


def _window_attrs(op: ir.Operation, nd: int, kernel_from: list[int] | None = None):
    kernel = _attr(op, "kernel_shape")
    strides = _attr(op, "strides")
    dilations = _attr(op, "dilations")
    pads = _attr(op, "pads")
    _expect(len(kernel) == nd, f"expects kernel_shape of length {nd}, got {len(kernel)}")
    if kernel_from is not None:
        _expect(list(kernel) == list(kernel_from), f"expects kernel_shape {list(kernel_from)} (the weight's), got {kernel}")
    _expect(len(strides) == nd, f"expects strides of length {nd}, got {len(strides)}")
    _expect(len(dilations) == nd, f"expects dilations of length {nd}, got {len(dilations)}")
    _expect(len(pads) == 2 * nd, f"expects pads of length {2 * nd}, got {len(pads)}")
    _expect(all(k >= 1 for k in kernel), f"expects kernel_shape entries >= 1, got {kernel}")
    _expect(all(s >= 1 for s in strides), f"expects strides >= 1, got {strides}")
    _expect(all(d >= 1 for d in dilations), f"expects dilations >= 1, got {dilations}")
    return kernel, strides, dilations, pads


def _conv_common(op: ir.Operation, x, w, bias, transpose: bool = False) -> None:
    xs, ws = _shape(x), _shape(w)
    _expect(len(xs) >= 3, f"expects an input of rank >= 3 ([N, C, spatial...]), got rank {len(xs)}")
    _expect(len(ws) == len(xs), f"expects a weight of rank {len(xs)}, got rank {len(ws)}")
    nd = len(xs) - 2
    group = _attr(op, "group")
    _expect(group >= 1 and xs[1] % group == 0, f"expects group to divide the {xs[1]} input channels, got {group}")
    kernel, strides, dilations, pads = _window_attrs(op, nd, ws[2:])
    if transpose:
        _expect(ws[0] == xs[1], f"expects weight.shape[0] == input channels {xs[1]}, got {ws[0]}")
        out_pad = _attr(op, "output_padding")
        _expect(len(out_pad) == nd, f"expects output_padding of length {nd}, got {len(out_pad)}")
        m = ws[1] * group
        spatial = conv_transpose_output_shape(xs[2:], kernel, strides, dilations, pads, out_pad)
    else:
        _expect(all(p >= 0 for p in pads), f"expects non-negative pads, got {pads}")
        _expect(ws[1] * group == xs[1], f"expects weight.shape[1] * group == {xs[1]} input channels, got {ws[1]} * {group}")
        _expect(ws[0] % group == 0, f"expects group to divide the {ws[0]} output channels, got {group}")
        m = ws[0]
        spatial = conv_output_shape(xs[2:], kernel, strides, dilations, pads)
    if bias is not None:
        _expect(_shape(bias) == [m], f"expects a bias of shape [{m}], got {_shape(bias)}")
    _expect(all(s >= 1 for s in spatial), f"expects a non-empty output, got spatial size {spatial}")
    _check_result(op, [xs[0], m] + spatial)


@_nn_verifier("conv")
def _verify_conv(op: ir.Operation) -> None:
    o = _operands(op, ["input", "weight", "bias"])
    _conv_common(op, o["input"], o["weight"], o["bias"])


@_nn_verifier("conv_transpose")
def _verify_conv_transpose(op: ir.Operation) -> None:
    o = _operands(op, ["input", "weight", "bias"])
    _conv_common(op, o["input"], o["weight"], o["bias"], transpose=True)


@_nn_verifier("conv_integer")
def _verify_conv_integer(op: ir.Operation) -> None:
    o = _operands(op, ["input", "weight", "x_zero_point", "w_zero_point"])
    _conv_common(op, o["input"], o["weight"], None)
    _expect(len(_shape(o["x_zero_point"])) <= 1, f"expects a scalar x_zero_point, got shape {_shape(o['x_zero_point'])}")


@_nn_verifier("qlinear_conv")
def _verify_qlinear_conv(op: ir.Operation) -> None:
    o = _operands(op, ["x", "x_scale", "x_zero_point", "w", "w_scale", "w_zero_point", "y_scale", "y_zero_point", "bias"])
    _conv_common(op, o["x"], o["w"], o["bias"])
    m = _shape(o["w"])[0]
    for name in ("w_scale", "w_zero_point"):
        s = _shape(o[name])
        _expect(s in ([], [1], [m]), f"expects {name} of shape [] or [1] or [{m}], got {s}")
    for name in ("x_scale", "x_zero_point", "y_scale", "y_zero_point"):
        s = _shape(o[name])
        _expect(s in ([], [1]), f"expects a per-tensor {name}, got shape {s}")


def _verify_pool_common(op: ir.Operation) -> tuple[list[int], list[int]]:
    xs = tensor_shape(op.operands[0])
    _expect(len(xs) >= 3, f"expects an input of rank >= 3 ([N, C, spatial...]), got rank {len(xs)}")
    nd = len(xs) - 2
    kernel, strides, dilations, pads = _window_attrs(op, nd)
    _expect(all(p >= 0 for p in pads), f"expects non-negative pads, got {pads}")
    eff = [(k - 1) * d + 1 for k, d in zip(kernel, dilations)]
    _expect(
        all(pads[i] < eff[i] and pads[nd + i] < eff[i] for i in range(nd)),
        f"expects each pad smaller than the dilated window {eff}, got {pads}",
    )
    ceil_mode = _attr(op, "ceil_mode")
    spatial = pool_output_shape(xs[2:], kernel, strides, dilations, pads, ceil_mode)
    _expect(all(s >= 1 for s in spatial), f"expects a non-empty output, got spatial size {spatial}")
    expected = xs[:2] + spatial
    _check_result(op, expected)
    return xs, expected


@_nn_verifier("max_pool")
def _verify_max_pool(op: ir.Operation) -> None:
    _, expected = _verify_pool_common(op)
    _expect(_attr(op, "storage_order") in (0, 1), f"expects storage_order 0 or 1, got {_attr(op, 'storage_order')}")
    if len(op.results) > 1:
        _check_result(op, expected, 1, "indices")
        t = op.results[1].type.element_type
        _expect(isinstance(t, ir.IntegerType) and t.width == 64, f"expects i64 indices, got {t}")


@_nn_verifier("average_pool", "lp_pool")
def _verify_avg_pool(op: ir.Operation) -> None:
    _verify_pool_common(op)


@_nn_verifier("global_average_pool", "global_max_pool", "global_lp_pool")
def _verify_global_pool(op: ir.Operation) -> None:
    xs = tensor_shape(op.operands[0])
    _expect(len(xs) >= 3, f"expects an input of rank >= 3 ([N, C, spatial...]), got rank {len(xs)}")
    _check_result(op, xs[:2] + [1] * (len(xs) - 2))


# -------------------------------------------------------------- matmul/gemm


# npu_tensor.matmul itself is checked by the same rules in npu_tensor.py (registered there first).
@_nn_verifier("matmul_integer", "qlinear_matmul")
def _verify_matmul(op: ir.Operation) -> None:
    if op.name.endswith("qlinear_matmul"):
        o = _operands(op, ["a", "a_scale", "a_zero_point", "b", "b_scale", "b_zero_point", "y_scale", "y_zero_point"])
        lhs, rhs = _shape(o["a"]), _shape(o["b"])
    else:
        lhs, rhs = tensor_shape(op.operands[0]), tensor_shape(op.operands[1])
    _expect(len(lhs) >= 2 and len(rhs) >= 2, f"expects operands of rank >= 2, got ranks {len(lhs)} and {len(rhs)}")
    _expect(lhs[-1] == rhs[-2], f"expects lhs.shape[-1] == rhs.shape[-2], got {lhs[-1]} and {rhs[-2]}")
    batch = broadcast_shapes(lhs[:-2], rhs[:-2])
    _expect(batch is not None, f"expects broadcast-compatible batch dims, got {lhs[:-2]} and {rhs[:-2]}")
    _check_result(op, batch + [lhs[-2], rhs[-1]])


@_nn_verifier("gemm")
def _verify_gemm(op: ir.Operation) -> None:
    o = _operands(op, ["a", "b", "c"])
    a, b = _shape(o["a"]), _shape(o["b"])
    _expect(len(a) == 2 and len(b) == 2, f"expects rank-2 a and b, got ranks {len(a)} and {len(b)}")
    m, k = (a[1], a[0]) if _attr(op, "transA") else (a[0], a[1])
    k2, n = (b[1], b[0]) if _attr(op, "transB") else (b[0], b[1])
    _expect(k == k2, f"expects matching inner dims, got {k} and {k2}")
    if o["c"] is not None:
        c = _shape(o["c"])
        _expect(broadcast_shapes(c, [m, n]) == [m, n], f"expects c broadcastable to [{m}, {n}], got {c}")
    _check_result(op, [m, n])


# ------------------------------------------------------------ normalization


def _check_per_channel(op: ir.Operation, names: list[str], channels: int) -> None:
    o = _operands(op, ["input"] + names)
    for name in names:
        _expect(_shape(o[name]) == [channels], f"expects {name} of shape [{channels}], got {_shape(o[name])}")


@_nn_verifier("batch_normalization")
def _verify_batch_normalization(op: ir.Operation) -> None:
    xs = tensor_shape(op.operands[0])
    _expect(len(xs) >= 2, f"expects an input of rank >= 2, got rank {len(xs)}")
    _check_per_channel(op, ["scale", "bias", "mean", "var"], xs[1])
    _check_same_shape(op)


@_nn_verifier("batch_normalization_training")
def _verify_batch_normalization_training(op: ir.Operation) -> None:
    _verify_batch_normalization(op)
    c = tensor_shape(op.operands[0])[1]
    _check_result(op, [c], 1, "running_mean")
    _check_result(op, [c], 2, "running_var")


@_nn_verifier("rms_normalization")
def _verify_rms_normalization(op: ir.Operation) -> None:
    xs, ss = tensor_shape(op.operands[0]), tensor_shape(op.operands[1])
    axis = _attr(op, "axis")
    _check_axis(axis, len(xs))
    _expect(broadcast_shapes(ss, xs[axis:]) == xs[axis:], f"expects scale broadcastable to {xs[axis:]}, got {ss}")
    _check_same_shape(op)


@_nn_verifier("instance_normalization", "group_normalization")
def _verify_channel_normalization(op: ir.Operation) -> None:
    xs = tensor_shape(op.operands[0])
    _expect(len(xs) >= 3, f"expects an input of rank >= 3, got rank {len(xs)}")
    _check_per_channel(op, ["scale", "bias"], xs[1])
    if op.name.endswith("group_normalization"):
        g = _attr(op, "num_groups")
        _expect(g >= 1 and xs[1] % g == 0, f"expects num_groups to divide {xs[1]} channels, got {g}")
    _check_same_shape(op)


@_nn_verifier("layer_normalization")
def _verify_layer_normalization(op: ir.Operation) -> None:
    o = _operands(op, ["input", "scale", "bias"])
    xs = _shape(o["input"])
    axis = _attr(op, "axis")
    _check_axis(axis, len(xs))
    for name in ("scale", "bias"):
        if o[name] is not None:
            s = _shape(o[name])
            _expect(broadcast_shapes(s, xs[axis:]) == xs[axis:], f"expects {name} broadcastable to {xs[axis:]}, got {s}")
    _check_result(op, xs)
    stat = xs[:axis] + [1] * (len(xs) - axis)
    _check_result(op, stat, 1, "mean")
    _check_result(op, stat, 2, "inv_std_dev")


@_nn_verifier("mean_variance_normalization")
def _verify_mvn(op: ir.Operation) -> None:
    rank = len(tensor_shape(op.operands[0]))
    for a in _attr(op, "axes"):
        _check_axis(a, rank, "axes")
    _check_same_shape(op)


@_nn_verifier("lp_normalization")
def _verify_lp_normalization(op: ir.Operation) -> None:
    _check_axis(_attr(op, "axis"), len(tensor_shape(op.operands[0])))
    _expect(_attr(op, "p") in (1, 2), f"expects p to be 1 or 2, got {_attr(op, 'p')}")
    _check_same_shape(op)


@_nn_verifier("lrn")
def _verify_lrn(op: ir.Operation) -> None:
    xs = tensor_shape(op.operands[0])
    _expect(len(xs) >= 3, f"expects an input of rank >= 3, got rank {len(xs)}")
    _expect(_attr(op, "size") >= 1, f"expects size >= 1, got {_attr(op, 'size')}")
    _check_same_shape(op)


@_nn_verifier("softmax", "log_softmax", "hardmax")
def _verify_softmax(op: ir.Operation) -> None:
    _check_axis(_attr(op, "axis"), len(tensor_shape(op.operands[0])))
    _check_same_shape(op)


@_nn_verifier(
    "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
    "reduce_l1", "reduce_l2", "reduce_sum_square", "reduce_log_sum", "reduce_log_sum_exp",
)  # fmt: skip
def _verify_reduce(op: ir.Operation) -> None:
    xs = tensor_shape(op.operands[0])
    axes = _attr(op, "axes")
    _expect(bool(axes) or not xs, "expects a non-empty axes list (the importer resolves 'all axes')")
    _expect(axes == sorted(set(axes)), f"expects sorted, unique axes, got {axes}")
    for a in axes:
        _check_axis(a, len(xs), "axes")
    keepdims = _attr(op, "keepdims")
    _expect(keepdims in (0, 1), f"expects keepdims 0 or 1, got {keepdims}")
    _check_result(op, reduced_shape(xs, axes, keepdims))


# ---------------------------------------------------------------- recurrent

_GATES = {"lstm": 4, "gru": 3, "rnn": 1}
_ACTS = {"lstm": 3, "gru": 2, "rnn": 1}
_RNN_OPERANDS = {
    "lstm": ["x", "w", "r", "b", "sequence_lens", "initial_h", "initial_c", "p"],
    "gru": ["x", "w", "r", "b", "sequence_lens", "initial_h"],
    "rnn": ["x", "w", "r", "b", "sequence_lens", "initial_h"],
}


@_nn_verifier("lstm", "gru", "rnn")
def _verify_recurrent(op: ir.Operation) -> None:
    kind = op.name.split(".")[1]
    o = _operands(op, _RNN_OPERANDS[kind])
    direction = _attr(op, "direction")
    _expect(direction in ("forward", "reverse", "bidirectional"), f"expects direction forward, reverse or bidirectional, got '{direction}'")
    dirs = 2 if direction == "bidirectional" else 1
    hidden, layout = _attr(op, "hidden_size"), _attr(op, "layout")
    g = _GATES[kind]
    xs = _shape(o["x"])
    _expect(len(xs) == 3, f"expects a rank-3 X, got rank {len(xs)}")
    seq, batch = (xs[1], xs[0]) if layout else (xs[0], xs[1])
    expect_shapes = {
        "w": [dirs, g * hidden, xs[2]],
        "r": [dirs, g * hidden, hidden],
        "b": [dirs, 2 * g * hidden],
        "sequence_lens": [batch],
        "initial_h": [batch, dirs, hidden] if layout else [dirs, batch, hidden],
        "initial_c": [batch, dirs, hidden] if layout else [dirs, batch, hidden],
        "p": [dirs, 3 * hidden],
    }
    for name in _RNN_OPERANDS[kind][1:]:
        if o[name] is not None:
            _expect(_shape(o[name]) == expect_shapes[name], f"expects {name} of shape {expect_shapes[name]}, got {_shape(o[name])}")
    acts = _attr(op, "activations")
    _expect(len(acts) == _ACTS[kind] * dirs, f"expects {_ACTS[kind] * dirs} activations, got {len(acts)}")
    clip = _attr(op, "clip")
    _expect(not isnan(clip) and clip > 0, f"expects clip > 0 (inf for none), got {clip}")
    _check_result(op, [batch, seq, dirs, hidden] if layout else [seq, dirs, batch, hidden], 0, "Y")
    for k in range(1, len(op.results)):
        _check_result(op, expect_shapes["initial_h"], k, "state")


# ------------------------------------------------------------- quantization


def _verify_qparams(op: ir.Operation, x, scale, zp) -> None:
    xs, ss = _shape(x), _shape(scale)
    axis, block = _attr(op, "axis"), _attr(op, "block_size")
    _expect(block >= 0, f"expects block_size >= 0, got {block}")
    if ss in ([], [1]) and not block:
        pass
    else:
        _check_axis(axis, len(xs))
        if block:
            want = list(xs)
            want[axis] = -(-xs[axis] // block)
            _expect(ss == want, f"expects a blocked scale of shape {want}, got {ss}")
        else:
            _expect(ss == [xs[axis]], f"expects a per-axis scale of shape [{xs[axis]}], got {ss}")
    _expect(_is_float(_elem(scale)), f"expects a float scale, got {_elem(scale)}")
    if zp is not None:
        zs = _shape(zp)
        same = zs == ss or (zs in ([], [1]) and ss in ([], [1]))
        _expect(same, f"expects zero_point of the scale's shape {ss}, got {zs}")
    _check_same_shape(op)


@_nn_verifier("quantize_linear")
def _verify_quantize_linear(op: ir.Operation) -> None:
    o = _operands(op, ["input", "scale", "zero_point"])
    _verify_qparams(op, o["input"], o["scale"], o["zero_point"])
    if o["zero_point"] is not None:
        zt, rt = _elem(o["zero_point"]), op.results[0].type.element_type
        _expect(zt == rt, f"expects the result element type {rt} to be the zero point's {zt}")


@_nn_verifier("dequantize_linear")
def _verify_dequantize_linear(op: ir.Operation) -> None:
    o = _operands(op, ["input", "scale", "zero_point"])
    _verify_qparams(op, o["input"], o["scale"], o["zero_point"])
    rt = op.results[0].type.element_type
    _expect(_is_float(rt), f"expects a float result, got {rt}")


@_nn_verifier("dynamic_quantize_linear")
def _verify_dynamic_quantize_linear(op: ir.Operation) -> None:
    _check_same_shape(op)
    _check_result(op, [], 1, "scale")
    _check_result(op, [], 2, "zero_point")


# ------------------------------------------------------ arg/top-k, einsum


def _check_i64(op: ir.Operation, index: int, what: str) -> None:
    t = op.results[index].type.element_type
    _expect(isinstance(t, ir.IntegerType) and t.width == 64, f"expects i64 {what}, got {t}")


@_nn_verifier("arg_max", "arg_min")
def _verify_arg(op: ir.Operation) -> None:
    xs = tensor_shape(op.operands[0])
    axis = _attr(op, "axis")
    _check_axis(axis, len(xs))
    _check_i64(op, 0, "indices")
    _check_result(op, reduced_shape(xs, [axis], _attr(op, "keepdims")))


@_nn_verifier("top_k")
def _verify_top_k(op: ir.Operation) -> None:
    xs = tensor_shape(op.operands[0])
    axis, k = _attr(op, "axis"), _attr(op, "k")
    _check_axis(axis, len(xs))
    _expect(0 <= k <= xs[axis], f"expects 0 <= k <= {xs[axis]}, got {k}")
    expected = xs[:axis] + [k] + xs[axis + 1 :]
    _check_result(op, expected, 0, "values")
    _check_result(op, expected, 1, "indices")
    _check_i64(op, 1, "indices")


def einsum_output_shape(equation: str, shapes: list[list[int]]) -> list[int]:
    """Result shape of a numpy einsum equation (ValueError when operands disagree).

    Labels of size 1 broadcast against other sizes, `...` dims broadcast; without
    `->` the output is `...` followed by the labels used once, sorted.
    """
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"equation has {len(terms)} operands, got {len(shapes)}")
    sizes: dict[str, int] = {}
    ell: list[int] = []
    for term, shape in zip(terms, shapes):
        head, has_ell, tail = term.partition("...")
        n_ell = len(shape) - len(head) - len(tail)
        if n_ell < 0 or (not has_ell and n_ell):
            raise ValueError(f"term '{term}' does not match operand rank {len(shape)}")
        for ch, size in zip(head + tail, list(shape[: len(head)]) + list(shape[len(shape) - len(tail) :])):
            if ch in sizes and sizes[ch] != size and 1 not in (sizes[ch], size):
                raise ValueError(f"label '{ch}' has sizes {sizes[ch]} and {size}")
            sizes[ch] = max(size, sizes.get(ch, size))
        merged = broadcast_shapes(ell, list(shape[len(head) : len(head) + n_ell]))
        if merged is None:
            raise ValueError(f"'...' dims {ell} and {shape[len(head) : len(head) + n_ell]} do not broadcast")
        ell = merged
    if not arrow:
        rhs = ("..." if "..." in lhs else "") + "".join(sorted(ch for ch in sizes if lhs.count(ch) == 1))
    head, has_ell, tail = rhs.partition("...")
    unknown = [ch for ch in head + tail if ch not in sizes]
    if unknown:
        raise ValueError(f"output label '{unknown[0]}' is not an input label")
    return [sizes[ch] for ch in head] + (ell if has_ell else []) + [sizes[ch] for ch in tail]


@_nn_verifier("einsum")
def _verify_einsum(op: ir.Operation) -> None:
    shapes = [tensor_shape(v) for v in op.operands]
    try:
        expected = einsum_output_shape(_attr(op, "equation"), shapes)
    except ValueError as err:
        raise _Reject(f"expects operands matching the equation: {err}") from None
    _check_result(op, expected)


# ------------------------------------------------------- unpool, col2im


@_nn_verifier("max_unpool")
def _verify_max_unpool(op: ir.Operation) -> None:
    xs, ids = tensor_shape(op.operands[0]), tensor_shape(op.operands[1])
    _expect(len(xs) >= 3, f"expects an input of rank >= 3 ([N, C, spatial...]), got rank {len(xs)}")
    _expect(ids == xs, f"expects indices of the input's shape {xs}, got {ids}")
    out = tensor_shape(op.results[0])
    _expect(len(out) == len(xs) and out[:2] == xs[:2], f"expects a result [{xs[0]}, {xs[1]}, ...] of rank {len(xs)}, got {out}")


@_nn_verifier("col2im")
def _verify_col2im(op: ir.Operation) -> None:
    xs = tensor_shape(op.operands[0])
    image, block = _attr(op, "image_shape"), _attr(op, "block_shape")
    nd = len(image)
    strides, dil, pads = _attr(op, "strides"), _attr(op, "dilations"), _attr(op, "pads")
    _expect(len(xs) == 3, f"expects an input of rank 3 ([N, C * prod(block_shape), L]), got rank {len(xs)}")
    _expect(len(block) == nd and len(strides) == nd and len(dil) == nd and len(pads) == 2 * nd,
            f"expects block_shape, strides, dilations of length {nd} and pads of length {2 * nd}")
    kk = 1
    for v in block:
        kk *= v
    _expect(kk >= 1 and xs[1] % kk == 0, f"expects input.shape[1] {xs[1]} divisible by prod(block_shape) {kk}")
    grid = pool_output_shape(image, block, strides, dil, pads)
    blocks = 1
    for v in grid:
        blocks *= v
    _expect(xs[2] == blocks, f"expects {blocks} blocks (grid {grid}), got {xs[2]}")
    _check_result(op, [xs[0], xs[1] // kk] + list(image))


@_nn_verifier("deform_conv")
def _verify_deform_conv(op: ir.Operation) -> None:
    o = _operands(op, ["input", "weight", "offset", "bias", "mask"])
    _conv_common(op, o["input"], o["weight"], o["bias"])
    xs, ws = _shape(o["input"]), _shape(o["weight"])
    _expect(len(xs) == 4, f"expects a 2-D convolution (rank-4 input), got rank {len(xs)}")
    og = _attr(op, "offset_group")
    _expect(og >= 1 and xs[1] % og == 0, f"expects offset_group to divide the {xs[1]} input channels, got {og}")
    out = tensor_shape(op.results[0])
    taps = ws[2] * ws[3]
    _expect(_shape(o["offset"]) == [xs[0], og * taps * 2] + out[2:],
            f"expects offset of shape {[xs[0], og * taps * 2] + out[2:]}, got {_shape(o['offset'])}")
    if o["mask"] is not None:
        _expect(_shape(o["mask"]) == [xs[0], og * taps] + out[2:],
                f"expects mask of shape {[xs[0], og * taps] + out[2:]}, got {_shape(o['mask'])}")
