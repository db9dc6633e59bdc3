"""ONNX converters of the recurrent ops: LSTM, GRU, RNN -> npu_tensor.lstm / gru / rnn.

Attributes are the ONNX ones with defaults filled: `activations` is always the
full list (default per direction: LSTM Sigmoid/Tanh/Tanh, GRU Sigmoid/Tanh,
RNN Tanh), `clip` is inf when the node has none, `direction` and `layout` are
explicit. Optional operands (B, sequence_lens, initial_h, initial_c, P) stay
optional; the op always carries `operandSegmentSizes` and every result (Y,
Y_h[, Y_c]) exists even when the ONNX node leaves it unnamed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mlir import ir

from npu.interp.kernels_rnn import ACTIVATION_NAMES
from npu.onnx.convert_nn import shape_of
from npu.onnx.registry import converter

if TYPE_CHECKING:
    from npu.onnx.importer import GraphBuilder, OnnxNode

_SPEC = {
    # op type: (npu op, gates, default activations per direction, operand count, state results)
    "LSTM": ("lstm", 4, ["Sigmoid", "Tanh", "Tanh"], 8, 2),
    "GRU": ("gru", 3, ["Sigmoid", "Tanh"], 6, 1),
    "RNN": ("rnn", 1, ["Tanh"], 6, 1),
}


def rnn_attrs(op_type: str, attrs: dict, dirs: int) -> dict:
    """npu attributes of an LSTM/GRU/RNN node (raises ValueError on bad values)."""
    _, _, default_acts, _, _ = _SPEC[op_type]
    direction = attrs.get("direction", "forward") or "forward"
    if direction not in ("forward", "reverse", "bidirectional"):
        raise ValueError(f"unknown direction '{direction}'")
    need = len(default_acts) * dirs
    acts = list(attrs.get("activations") or default_acts * dirs)
    if len(acts) == len(default_acts) and dirs == 2:
        acts = acts * 2  # one list given for both directions
    if len(acts) < need:
        raise ValueError(f"expects {need} activations, got {len(acts)}")
    acts = acts[:need]  # RNN's schema default lists two (Tanh, Tanh) even for one direction
    unknown = [a for a in acts if a.lower() not in ACTIVATION_NAMES]
    if unknown:
        raise ValueError(f"unsupported activation '{unknown[0]}' (supported: {', '.join(sorted(ACTIVATION_NAMES))})")
    clip = attrs.get("clip")
    out = {
        "activation_alpha": [float(v) for v in attrs.get("activation_alpha") or []],
        "activation_beta": [float(v) for v in attrs.get("activation_beta") or []],
        "activations": acts,
        "clip": math.inf if clip is None else float(clip),
        "direction": direction,
        "hidden_size": int(attrs["hidden_size"]),
        "layout": int(attrs.get("layout", 0)),
    }
    if op_type == "LSTM":
        out["input_forget"] = int(attrs.get("input_forget", 0))
    if op_type == "GRU":
        out["linear_before_reset"] = int(attrs.get("linear_before_reset", 0))
    return out


@converter("LSTM", "GRU", "RNN")
def convert_rnn(node: "OnnxNode", b: "GraphBuilder"):
    name, _, _, n_operands, n_states = _SPEC[node.op_type]
    x_shape = shape_of(node, 0, "X")
    w_shape = shape_of(node, 1, "W")
    dirs = w_shape[0]
    onnx_attrs = dict(node.attrs)
    onnx_attrs.setdefault("hidden_size", shape_of(node, 2, "R")[-1])
    try:
        attrs = rnn_attrs(node.op_type, onnx_attrs, dirs)
    except ValueError as err:
        raise node.error(str(err)) from None
    hidden = attrs["hidden_size"]
    layout = attrs["layout"]
    seq, batch = (x_shape[1], x_shape[0]) if layout else (x_shape[0], x_shape[1])
    dtype = node.input_dtypes[0]
    y_shape = [batch, seq, dirs, hidden] if layout else [seq, dirs, batch, hidden]
    s_shape = [batch, dirs, hidden] if layout else [dirs, batch, hidden]
    results = [(y_shape, dtype)] + [(s_shape, dtype)] * n_states
    operands = [node.inputs[i] if i < len(node.inputs) else None for i in range(n_operands)]
    attrs["operandSegmentSizes"] = ir.DenseI32ArrayAttr.get([0 if v is None else 1 for v in operands])
    return b.emit(node, f"npu_tensor.{name}", operands, attrs, results=results)
