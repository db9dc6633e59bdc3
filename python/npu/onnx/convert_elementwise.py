"""ONNX converters of the elementwise / activation family -> npu_tensor ops.

Each ONNX op maps to the npu_tensor op named like it in snake_case, with its
ONNX attributes (defaults filled). Static parameters ONNX passes as inputs
(Clip min/max) become attributes. Identity and Constant create no op.
"""

from __future__ import annotations

import numpy as np

from npu.onnx.registry import converter

BINARY = {
    "Add": "add", "Sub": "sub", "Mul": "mul", "Div": "div", "Pow": "pow",
    "Equal": "equal", "Less": "less", "LessOrEqual": "less_or_equal",
    "Greater": "greater", "GreaterOrEqual": "greater_or_equal",
    "And": "and", "Or": "or", "Xor": "xor",
    "BitwiseAnd": "bitwise_and", "BitwiseOr": "bitwise_or", "BitwiseXor": "bitwise_xor",
    "PRelu": "prelu",
}
UNARY = {
    "Neg": "neg", "Abs": "abs", "Sqrt": "sqrt", "Exp": "exp", "Log": "log", "Tanh": "tanh",
    "Sigmoid": "sigmoid", "Erf": "erf", "Relu": "relu", "Reciprocal": "reciprocal",
    "Floor": "floor", "Ceil": "ceil", "Round": "round", "Sign": "sign",
    "Sin": "sin", "Cos": "cos", "Tan": "tan", "Asin": "asin", "Acos": "acos", "Atan": "atan",
    "Sinh": "sinh", "Cosh": "cosh", "Asinh": "asinh", "Acosh": "acosh", "Atanh": "atanh",
    "Not": "not", "BitwiseNot": "bitwise_not", "Softplus": "softplus", "Softsign": "softsign",
    "Mish": "mish", "IsNaN": "is_nan", "HardSwish": "hard_swish",
}
# op type -> (npu op, attributes it carries)
WITH_ATTRS = {
    "LeakyRelu": ("leaky_relu", ("alpha",)),
    "Elu": ("elu", ("alpha",)),
    "Celu": ("celu", ("alpha",)),
    "Selu": ("selu", ("alpha", "gamma")),
    "ThresholdedRelu": ("thresholded_relu", ("alpha",)),
    "HardSigmoid": ("hard_sigmoid", ("alpha", "beta")),
    "Shrink": ("shrink", ("bias", "lambd")),
    "Gelu": ("gelu", ("approximate",)),
    "IsInf": ("is_inf", ("detect_negative", "detect_positive")),
    "Mod": ("mod", ("fmod",)),
    "BitShift": ("bit_shift", ("direction",)),
}
VARIADIC = {"Max": "max", "Min": "min", "Sum": "add", "Mean": "add"}


@converter(*BINARY)
def convert_binary(node, b):
    return b.emit(node, f"npu_tensor.{BINARY[node.op_type]}", node.inputs[:2])


@converter(*UNARY)
def convert_unary(node, b):
    return b.emit(node, f"npu_tensor.{UNARY[node.op_type]}", node.inputs[:1])


@converter(*WITH_ATTRS)
def convert_with_attrs(node, b):
    name, keys = WITH_ATTRS[node.op_type]
    attrs = {k: node.attrs[k] for k in keys}
    return b.emit(node, f"npu_tensor.{name}", node.inputs, attrs)


def broadcast_shape(node, shapes) -> list[int]:
    try:
        return list(np.broadcast_shapes(*[tuple(s) for s in shapes]))
    except ValueError:
        raise node.error(f"expects broadcast-compatible inputs, got shapes {shapes}") from None


@converter(*VARIADIC)
def convert_variadic(node, b):
    """Max/Min/Sum(x0..xn) = op(...op(op(x0, x1), x2)..., xn); Mean = Sum / n."""
    op_name = f"npu_tensor.{VARIADIC[node.op_type]}"
    dtype = node.output_dtypes[0]
    acc, shape = node.inputs[0], node.input_shapes[0]
    for value, vshape in zip(node.inputs[1:], node.input_shapes[1:]):
        shape = broadcast_shape(node, [shape, vshape])
        (acc,) = b.emit(node, op_name, [acc, value], results=[(shape, dtype)])
    if shape != node.output_shapes[0]:  # a single input, or inputs all smaller than the output
        (acc,) = b.emit(node, "npu_tensor.expand", [acc], {"shape": node.output_shapes[0]})
    if node.op_type == "Mean" and len(node.inputs) > 1:
        count = b.constant(np.array(len(node.inputs), dtype=dtype), f"{node.name}_count")
        (acc,) = b.emit(node, "npu_tensor.div", [acc, count])
    return [acc]


@converter("Clip")
def convert_clip(node, b):
    """`npu_tensor.clip` {min, max} from the static inputs (dtype limits when absent)."""
    dtype = node.input_dtypes[0]
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        lo, hi = int(info.min), int(info.max)
    else:
        lo, hi = float("-inf"), float("inf")
    if node.has_input(1):
        lo = node.static(1, "min").reshape(()).item()
    if node.has_input(2):
        hi = node.static(2, "max").reshape(()).item()
    return b.emit(node, "npu_tensor.clip", node.inputs[:1], {"min": lo, "max": hi})


@converter("Where")
def convert_where(node, b):
    """`npu_tensor.where`."""
    return b.emit(node, "npu_tensor.where", node.inputs)


@converter("Cast", "CastLike")
def convert_cast(node, b):
    """`npu_tensor.cast` {saturate, round_mode}; nothing when the type does not change."""
    if node.input_dtypes[0] == node.output_dtypes[0]:
        return [node.inputs[0]]
    attrs = {"saturate": int(node.attrs.get("saturate", 1)), "round_mode": node.attrs.get("round_mode", "up")}
    return b.emit(node, "npu_tensor.cast", node.inputs[:1], attrs)


@converter("Identity")
def convert_identity(node, b):
    """nothing (the input value is reused)."""
    return [node.inputs[0]]


_CONSTANT_KEYS = ("value", "value_float", "value_floats", "value_int", "value_ints")


@converter("Constant")
def convert_constant(node, b):
    """an `arith.constant` (inline, or a dense resource when large)."""
    for key in _CONSTANT_KEYS:
        if key in node.attrs and node.attrs[key] is not None:
            value = node.attrs[key]
            break
    else:
        raise node.error("expects one of the attributes " + ", ".join(_CONSTANT_KEYS) + " (sparse and string constants are unsupported)")
    if key in ("value_float", "value_floats"):
        value = np.asarray(value, dtype=np.float32)
    elif key in ("value_int", "value_ints"):
        value = np.asarray(value, dtype=np.int64)
    return [b.constant(np.asarray(value), node.output_names[0])]


@converter("BitCast")
def convert_bit_cast(node, b):
    """`npu_tensor.bit_cast`: the same bits read as the result's element type."""
    if node.input_dtypes[0].itemsize != node.output_dtypes[0].itemsize:
        raise node.error("supports element types of equal width only")
    return b.emit(node, "npu_tensor.bit_cast", node.inputs[:1])
