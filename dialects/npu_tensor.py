"""Python verifiers for npu_tensor: the shape rules IRDL cannot state."""

from __future__ import annotations

from math import prod

from mlir import ir

from npu.ir.types import broadcast_shapes, element_type, i64_array, tensor_shape
from npu.ir.verify import VerifyEnv, verifier


def _shapes(op: ir.Operation) -> tuple[list[list[int]], list[int]]:
    return [tensor_shape(v) for v in op.operands], tensor_shape(op.results[0])


@verifier("npu_tensor.add")
def _verify_broadcast_binary(op: ir.Operation, env: VerifyEnv) -> None:
    (lhs, rhs), out = _shapes(op)
    expected = broadcast_shapes(lhs, rhs)
    if expected is None:
        env.error(op, f"expects broadcast-compatible operands, got {lhs} and {rhs}")
    elif out != expected:
        env.error(op, f"expects result shape {expected}, got {out}")


@verifier("npu_tensor.relu")
def _verify_same_shape(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    if inp != out:
        env.error(op, f"expects result shape {inp} equal to its operand's, got {out}")


@verifier("npu_tensor.matmul")
def _verify_matmul(op: ir.Operation, env: VerifyEnv) -> None:
    (lhs, rhs), out = _shapes(op)
    if len(lhs) < 2 or len(rhs) < 2:
        env.error(op, f"expects operands of rank >= 2, got ranks {len(lhs)} and {len(rhs)}")
        return
    if lhs[-1] != rhs[-2]:
        env.error(op, f"expects lhs.shape[-1] == rhs.shape[-2], got {lhs[-1]} and {rhs[-2]}")
        return
    batch = broadcast_shapes(lhs[:-2], rhs[:-2])
    if batch is None:
        env.error(op, f"expects broadcast-compatible batch dims, got {lhs[:-2]} and {rhs[:-2]}")
    elif out != batch + [lhs[-2], rhs[-1]]:
        env.error(op, f"expects result shape {batch + [lhs[-2], rhs[-1]]}, got {out}")


@verifier("npu_tensor.reshape")
def _verify_reshape(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    if prod(inp) != prod(out):
        env.error(op, f"expects the same number of elements, got {prod(inp)} and {prod(out)}")


@verifier("npu_tensor.transpose")
def _verify_transpose(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    perm = i64_array(op, "perm")
    if sorted(perm) != list(range(len(inp))):
        env.error(op, f"expects perm to be a permutation of 0..{len(inp) - 1}, got {perm}")
    elif out != [inp[p] for p in perm]:
        env.error(op, f"expects result shape {[inp[p] for p in perm]}, got {out}")


# ---------------------------------------------------------------- elementwise family

_BROADCAST_BINARY = (
    "sub", "mul", "div", "pow", "mod", "bit_shift", "prelu", "max", "min",
    "bitwise_and", "bitwise_or", "bitwise_xor",
)
_COMPARE = ("equal", "less", "less_or_equal", "greater", "greater_or_equal")
_LOGICAL = ("and", "or", "xor")
_UNARY = (
    "neg", "abs", "sqrt", "exp", "log", "tanh", "sigmoid", "erf", "reciprocal", "floor", "ceil",
    "round", "sign", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh",
    "atanh", "softplus", "softsign", "mish", "hard_swish", "not", "bitwise_not", "leaky_relu", "elu",
    "celu", "selu", "thresholded_relu", "hard_sigmoid", "shrink", "gelu", "clip",
)


def _is_i1(t) -> bool:
    return isinstance(t, ir.IntegerType) and t.width == 1


def _check_broadcast(op, env, shapes, out) -> bool:
    expected = shapes[0]
    for s in shapes[1:]:
        expected = broadcast_shapes(expected, s) if expected is not None else None
    if expected is None:
        env.error(op, f"expects broadcast-compatible operands, got {' and '.join(str(s) for s in shapes)}")
        return False
    if out != expected:
        env.error(op, f"expects result shape {expected}, got {out}")
        return False
    return True


def _check_same_element_type(op, env, value, what: str) -> None:
    if element_type(value) != element_type(op.results[0]):
        env.error(op, f"expects result element type {element_type(value)} equal to the {what}'s, got {element_type(op.results[0])}")


def _verify_broadcast_same_type(op: ir.Operation, env: VerifyEnv) -> None:
    shapes, out = _shapes(op)
    if element_type(op.operands[0]) != element_type(op.operands[1]) and op.name != "npu_tensor.pow":
        env.error(op, f"expects operands of one element type, got {element_type(op.operands[0])} and {element_type(op.operands[1])}")
        return
    if _check_broadcast(op, env, shapes, out):
        _check_same_element_type(op, env, op.operands[0], "lhs")


def _verify_compare(op: ir.Operation, env: VerifyEnv) -> None:
    shapes, out = _shapes(op)
    if op.name.removeprefix("npu_tensor.") in _LOGICAL and not all(_is_i1(element_type(v)) for v in op.operands):
        env.error(op, "expects i1 operands")
        return
    if not _is_i1(element_type(op.results[0])):
        env.error(op, f"expects an i1 result, got {element_type(op.results[0])}")
        return
    _check_broadcast(op, env, shapes, out)


def _verify_unary(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    if inp != out:
        env.error(op, f"expects result shape {inp} equal to its operand's, got {out}")
    else:
        _check_same_element_type(op, env, op.operands[0], "operand")


def _verify_predicate(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    if inp != out:
        env.error(op, f"expects result shape {inp} equal to its operand's, got {out}")
    elif not _is_i1(element_type(op.results[0])):
        env.error(op, f"expects an i1 result, got {element_type(op.results[0])}")


@verifier("npu_tensor.cast")
def _verify_cast(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    if inp != out:
        env.error(op, f"expects result shape {inp} equal to its operand's, got {out}")
    elif op.attributes["round_mode"].value not in ("up", "down", "nearest"):
        env.error(op, f"expects round_mode up, down or nearest, got '{op.attributes['round_mode'].value}'")


@verifier("npu_tensor.where")
def _verify_where(op: ir.Operation, env: VerifyEnv) -> None:
    shapes, out = _shapes(op)
    if not _is_i1(element_type(op.operands[0])):
        env.error(op, f"expects an i1 condition, got {element_type(op.operands[0])}")
    elif element_type(op.operands[1]) != element_type(op.operands[2]):
        env.error(op, f"expects both branches of one element type, got {element_type(op.operands[1])} and {element_type(op.operands[2])}")
    elif _check_broadcast(op, env, shapes, out):
        _check_same_element_type(op, env, op.operands[1], "lhs")


for _name in _BROADCAST_BINARY:
    verifier(f"npu_tensor.{_name}")(_verify_broadcast_same_type)
for _name in _COMPARE + _LOGICAL:
    verifier(f"npu_tensor.{_name}")(_verify_compare)
for _name in _UNARY:
    verifier(f"npu_tensor.{_name}")(_verify_unary)
for _name in ("is_nan", "is_inf"):
    verifier(f"npu_tensor.{_name}")(_verify_predicate)


# ---------------------------------------------------------------- shape family


def _axes_ok(op, env, axes: list[int], rank: int, what: str = "axes") -> bool:
    if sorted(set(axes)) != list(axes) or any(not 0 <= a < rank for a in axes):
        env.error(op, f"expects {what} sorted, unique and in [0, {rank}), got {list(axes)}")
        return False
    return True


@verifier("npu_tensor.squeeze")
def _verify_squeeze(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    axes = i64_array(op, "axes")
    if not _axes_ok(op, env, axes, len(inp)):
        return
    if any(inp[a] != 1 for a in axes):
        env.error(op, f"expects size-1 dimensions at axes {axes}, got shape {inp}")
    elif out != [d for i, d in enumerate(inp) if i not in axes]:
        env.error(op, f"expects result shape {[d for i, d in enumerate(inp) if i not in axes]}, got {out}")


@verifier("npu_tensor.unsqueeze")
def _verify_unsqueeze(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    axes = i64_array(op, "axes")
    if not _axes_ok(op, env, axes, len(inp) + len(axes)):
        return
    rest = iter(inp)
    expected = [1 if i in axes else next(rest) for i in range(len(inp) + len(axes))]
    if out != expected:
        env.error(op, f"expects result shape {expected}, got {out}")


def _axis_attr(op, env, rank: int) -> int | None:
    axis = op.attributes["axis"].value
    if not 0 <= axis < max(rank, 1):
        env.error(op, f"expects axis in [0, {rank}), got {axis}")
        return None
    return axis


@verifier("npu_tensor.concat")
def _verify_concat(op: ir.Operation, env: VerifyEnv) -> None:
    (lhs, rhs), out = _shapes(op)
    axis = _axis_attr(op, env, len(lhs))
    if axis is None:
        return
    if len(lhs) != len(rhs) or any(a != b for i, (a, b) in enumerate(zip(lhs, rhs)) if i != axis):
        env.error(op, f"expects operands equal outside axis {axis}, got {lhs} and {rhs}")
    elif out != lhs[:axis] + [lhs[axis] + rhs[axis]] + lhs[axis + 1 :]:
        env.error(op, f"expects result shape {lhs[:axis] + [lhs[axis] + rhs[axis]] + lhs[axis + 1:]}, got {out}")


def slice_shape(shape, starts, ends, axes, steps) -> list[int]:
    """Result shape of an ONNX slice (bounds clamped like numpy/ONNX)."""
    out = list(shape)
    for start, end, axis, step in zip(starts, ends, axes, steps):
        dim = shape[axis]
        start = start + dim if start < 0 else start
        end = end + dim if end < 0 else end
        if step > 0:
            start, end = min(max(start, 0), dim), min(max(end, 0), dim)
            out[axis] = max(0, -(-(end - start) // step))
        else:
            start, end = min(max(start, 0), dim - 1), min(max(end, -1), dim - 1)
            out[axis] = max(0, -(-(start - end) // -step))
    return out


@verifier("npu_tensor.slice")
def _verify_slice(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    starts, ends, axes, steps = (i64_array(op, k) for k in ("starts", "ends", "axes", "steps"))
    if not len(starts) == len(ends) == len(axes) == len(steps):
        env.error(op, "expects starts, ends, axes and steps of equal length")
    elif any(not 0 <= a < len(inp) for a in axes) or len(set(axes)) != len(axes):
        env.error(op, f"expects unique axes in [0, {len(inp)}), got {axes}")
    elif 0 in steps:
        env.error(op, "expects non-zero steps")
    elif out != slice_shape(inp, starts, ends, axes, steps):
        env.error(op, f"expects result shape {slice_shape(inp, starts, ends, axes, steps)}, got {out}")


@verifier("npu_tensor.gather")
def _verify_gather(op: ir.Operation, env: VerifyEnv) -> None:
    (inp, idx), out = _shapes(op)
    axis = _axis_attr(op, env, len(inp))
    if axis is None:
        return
    if not isinstance(element_type(op.operands[1]), ir.IntegerType):
        env.error(op, f"expects integer indices, got {element_type(op.operands[1])}")
    elif out != inp[:axis] + idx + inp[axis + 1 :]:
        env.error(op, f"expects result shape {inp[:axis] + idx + inp[axis + 1:]}, got {out}")


@verifier("npu_tensor.gather_elements")
def _verify_gather_elements(op: ir.Operation, env: VerifyEnv) -> None:
    (inp, idx), out = _shapes(op)
    if _axis_attr(op, env, len(inp)) is None:
        return
    if len(idx) != len(inp):
        env.error(op, f"expects indices of rank {len(inp)}, got rank {len(idx)}")
    elif out != idx:
        env.error(op, f"expects result shape {idx} (the indices' shape), got {out}")


@verifier("npu_tensor.gather_nd")
def _verify_gather_nd(op: ir.Operation, env: VerifyEnv) -> None:
    (inp, idx), out = _shapes(op)
    b = op.attributes["batch_dims"].value
    k = idx[-1] if idx else 0
    if not idx or b + k > len(inp):
        env.error(op, f"expects batch_dims + indices.shape[-1] <= rank {len(inp)}, got {b} + {k}")
    elif out != idx[:-1] + inp[b + k :]:
        env.error(op, f"expects result shape {idx[:-1] + inp[b + k:]}, got {out}")


@verifier("npu_tensor.expand")
def _verify_expand(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    shape = i64_array(op, "shape")
    expected = broadcast_shapes(inp, shape)
    if expected is None:
        env.error(op, f"expects shape {shape} broadcast-compatible with the operand {inp}")
    elif out != expected:
        env.error(op, f"expects result shape {expected}, got {out}")


@verifier("npu_tensor.tile")
def _verify_tile(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    repeats = i64_array(op, "repeats")
    if len(repeats) != len(inp) or any(r < 0 for r in repeats):
        env.error(op, f"expects {len(inp)} non-negative repeats, got {repeats}")
    elif out != [d * r for d, r in zip(inp, repeats)]:
        env.error(op, f"expects result shape {[d * r for d, r in zip(inp, repeats)]}, got {out}")


@verifier("npu_tensor.pad")
def _verify_pad(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    pads = i64_array(op, "pads")
    mode = op.attributes["mode"].value
    rank = len(inp)
    if len(pads) != 2 * rank:
        env.error(op, f"expects {2 * rank} pads (begin and end per dimension), got {len(pads)}")
    elif mode not in ("constant", "reflect", "edge", "wrap"):
        env.error(op, f"expects mode constant, reflect, edge or wrap, got '{mode}'")
    elif out != [d + pads[i] + pads[rank + i] for i, d in enumerate(inp)]:
        env.error(op, f"expects result shape {[d + pads[i] + pads[rank + i] for i, d in enumerate(inp)]}, got {out}")


@verifier("npu_tensor.resize")
def _verify_resize(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    scales = list(op.attributes["scales"])
    roi = list(op.attributes["roi"])
    mode = op.attributes["mode"].value
    if len(scales) != len(inp) or len(out) != len(inp):
        env.error(op, f"expects {len(inp)} scales and a result of rank {len(inp)}")
    elif mode not in ("nearest", "linear", "cubic"):
        env.error(op, f"expects mode nearest, linear or cubic, got '{mode}'")
    elif roi and len(roi) != 2 * len(inp):
        env.error(op, f"expects an empty roi or {2 * len(inp)} roi values, got {len(roi)}")
    elif any(s <= 0 for s in scales):
        env.error(op, f"expects positive scales, got {scales}")


@verifier("npu_tensor.depth_to_space")
def _verify_depth_to_space(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    bs = op.attributes["blocksize"].value
    if len(inp) != 4 or bs <= 0 or inp[1] % (bs * bs):
        env.error(op, f"expects an NCHW operand whose channels divide by blocksize^2 = {bs * bs}, got {inp}")
    elif out != [inp[0], inp[1] // (bs * bs), inp[2] * bs, inp[3] * bs]:
        env.error(op, f"expects result shape {[inp[0], inp[1] // (bs * bs), inp[2] * bs, inp[3] * bs]}, got {out}")


@verifier("npu_tensor.space_to_depth")
def _verify_space_to_depth(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    bs = op.attributes["blocksize"].value
    if len(inp) != 4 or bs <= 0 or inp[2] % bs or inp[3] % bs:
        env.error(op, f"expects an NCHW operand whose H and W divide by blocksize {bs}, got {inp}")
    elif out != [inp[0], inp[1] * bs * bs, inp[2] // bs, inp[3] // bs]:
        env.error(op, f"expects result shape {[inp[0], inp[1] * bs * bs, inp[2] // bs, inp[3] // bs]}, got {out}")


@verifier("npu_tensor.trilu")
def _verify_trilu(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    if len(inp) < 2:
        env.error(op, f"expects an operand of rank >= 2, got rank {len(inp)}")
    elif inp != out:
        env.error(op, f"expects result shape {inp} equal to its operand's, got {out}")


@verifier("npu_tensor.bit_cast")
def _verify_bit_cast(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    src, dst = element_type(op.operands[0]), element_type(op.results[0])
    if inp != out:
        env.error(op, f"expects result shape {inp} equal to its operand's, got {out}")
    elif _bit_width(src) != _bit_width(dst):
        env.error(op, f"expects element types of equal width, got {src} and {dst}")


def _bit_width(t) -> int:
    if isinstance(t, ir.IntegerType):
        return max(t.width, 8)  # i1 is stored as a byte
    return ir.FloatType(t).width


_REDUCTIONS = ("none", "add", "mul", "max", "min")


@verifier("npu_tensor.scatter_elements")
def _verify_scatter_elements(op: ir.Operation, env: VerifyEnv) -> None:
    (data, idx, upd), out = _shapes(op)
    if _axis_attr(op, env, len(data)) is None:
        return
    if op.attributes["reduction"].value not in _REDUCTIONS:
        env.error(op, f"expects reduction none, add, mul, max or min, got '{op.attributes['reduction'].value}'")
    elif idx != upd or len(idx) != len(data):
        env.error(op, f"expects indices and updates of one shape and of rank {len(data)}, got {idx} and {upd}")
    elif out != data:
        env.error(op, f"expects result shape {data} (the data's), got {out}")


@verifier("npu_tensor.scatter_nd")
def _verify_scatter_nd(op: ir.Operation, env: VerifyEnv) -> None:
    (data, idx, upd), out = _shapes(op)
    k = idx[-1] if idx else 0
    if op.attributes["reduction"].value not in _REDUCTIONS:
        env.error(op, f"expects reduction none, add, mul, max or min, got '{op.attributes['reduction'].value}'")
    elif not idx or k > len(data) or upd != idx[:-1] + data[k:]:
        env.error(op, f"expects updates of shape indices.shape[:-1] + data.shape[k:], got {upd}")
    elif out != data:
        env.error(op, f"expects result shape {data} (the data's), got {out}")


def _verify_scan(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    if _axis_attr(op, env, len(inp)) is not None and inp != out:
        env.error(op, f"expects result shape {inp} equal to its operand's, got {out}")


verifier("npu_tensor.cum_sum")(_verify_scan)
verifier("npu_tensor.cum_prod")(_verify_scan)


@verifier("npu_tensor.one_hot")
def _verify_one_hot(op: ir.Operation, env: VerifyEnv) -> None:
    (inp,), out = _shapes(op)
    axis = _axis_attr(op, env, len(inp) + 1)
    if axis is None:
        return
    if len(out) != len(inp) + 1 or out[:axis] + out[axis + 1 :] != inp:
        env.error(op, f"expects result shape {inp[:axis]} + [depth] + {inp[axis:]}, got {out}")


@verifier("npu_tensor.reverse_sequence")
def _verify_reverse_sequence(op: ir.Operation, env: VerifyEnv) -> None:
    (inp, lens), out = _shapes(op)
    b, t = op.attributes["batch_axis"].value, op.attributes["time_axis"].value
    if {b, t} != {0, 1} or len(inp) < 2:
        env.error(op, f"expects batch_axis and time_axis to be 0 and 1 of an operand of rank >= 2, got {b} and {t}")
    elif lens != [inp[b]]:
        env.error(op, f"expects one length per batch entry ({inp[b]}), got shape {lens}")
    elif out != inp:
        env.error(op, f"expects result shape {inp} equal to its operand's, got {out}")


# The NN family's verifiers live in their own module (owned by the NN engineer).
try:
    from npu.dialects import npu_tensor_nn  # noqa: F401,E402
except ModuleNotFoundError as _err:
    if _err.name != "npu.dialects.npu_tensor_nn":
        raise

# The level-2 (quantized) ops' verifiers live in their own module (owned by QUANT).
try:
    from npu.dialects import npu_tensor_quant  # noqa: F401,E402
except ModuleNotFoundError as _err:
    if _err.name != "npu.dialects.npu_tensor_quant":
        raise
