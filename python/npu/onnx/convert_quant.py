"""ONNX converters of the quantization ops: QuantizeLinear, DequantizeLinear,
DynamicQuantizeLinear, QLinearConv, QLinearMatMul -> npu_tensor.quantize_linear /
dequantize_linear / dynamic_quantize_linear / qlinear_conv / qlinear_matmul.

Level 1 keeps them as in ONNX: plain integer (or float8/float4) tensors with
scale and zero-point operands; turning them into `!quant.uniform` types is the
quantizer's job (level 2). QuantizeLinear's result type carries the target
type (output_dtype or the zero point's type), so `output_dtype` is dropped;
`axis` is normalized to a non-negative int; `block_size` and `saturate` are
explicit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from npu.onnx.convert_nn import _guard, conv_attrs, operands, shape_of
from npu.onnx.registry import converter

if TYPE_CHECKING:
    from npu.onnx.importer import GraphBuilder, OnnxNode


def _axis(node: "OnnxNode") -> int:
    """`axis` made non-negative; with a per-tensor scale it is unused and an
    out-of-range default (1 on a rank-1 input) becomes 0."""
    rank = len(shape_of(node, 0, "x"))
    axis = int(node.attrs.get("axis", 1))
    if rank and -rank <= axis < rank:
        return axis % rank
    per_tensor = len(shape_of(node, 1, "scale")) == 0 or shape_of(node, 1, "scale") == [1]
    if per_tensor:
        return 0
    raise node.error(f"expects axis in [{-rank}, {rank}), got {axis}")


@converter("QuantizeLinear")
def convert_quantize_linear(node: "OnnxNode", b: "GraphBuilder"):
    attrs = {
        "axis": _axis(node),
        "block_size": int(node.attrs.get("block_size", 0)),
        "saturate": int(node.attrs.get("saturate", 1)),
    }
    return b.emit(node, "npu_tensor.quantize_linear", operands(node, 3), attrs)


@converter("DequantizeLinear")
def convert_dequantize_linear(node: "OnnxNode", b: "GraphBuilder"):
    attrs = {"axis": _axis(node), "block_size": int(node.attrs.get("block_size", 0))}
    return b.emit(node, "npu_tensor.dequantize_linear", operands(node, 3), attrs)


@converter("QLinearConv")
def convert_qlinear_conv(node: "OnnxNode", b: "GraphBuilder"):
    attrs = _guard(node, conv_attrs, node.attrs, shape_of(node, 0, "x"), shape_of(node, 3, "w"))
    return b.emit(node, "npu_tensor.qlinear_conv", operands(node, 9), attrs)


@converter("QLinearMatMul")
def convert_qlinear_matmul(node: "OnnxNode", b: "GraphBuilder"):
    if len(shape_of(node, 0, "a")) < 2 or len(shape_of(node, 3, "b")) < 2:
        raise node.error("expects operands of rank >= 2")
    return b.emit(node, "npu_tensor.qlinear_matmul", node.inputs[:8])


@converter("DynamicQuantizeLinear")
def convert_dynamic_quantize_linear(node: "OnnxNode", b: "GraphBuilder"):
    """DynamicQuantizeLinear: results y (ui8), y_scale (f32 scalar), y_zero_point (ui8 scalar)."""
    x_shape = shape_of(node, 0, "x")
    results = [(x_shape, np.dtype(np.uint8)), ([], np.dtype(np.float32)), ([], np.dtype(np.uint8))]
    return b.emit(node, "npu_tensor.dynamic_quantize_linear", [node.inputs[0]], {}, results=results)
