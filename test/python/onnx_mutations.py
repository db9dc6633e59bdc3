"""Seed models and protobuf-level mutations for fuzzing the ONNX front-end.

`SEEDS` maps a name to a function returning a fresh ModelProto: the bundled
digits models (examples/digits) and small onnx.helper graphs that reach the
converters the digits models do not (shape subgraphs, Resize, Pad, Split,
Gather, If/Loop, LSTM, quantization, opset 11 conversion, symbolic dims).

`MUTATIONS` maps a name to `mutate(model, pick) -> bytes`, where `pick(n)`
returns an int in [0, n) (drawn by hypothesis or by random.Random) and `model`
is a copy the mutation may edit. The result is what a user would hand to
`npu-translate --import-onnx`: serialized bytes, possibly not a valid protobuf.
`mutate(seed, pick)` chains one to three of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parents[2]
DIGITS = ROOT / "examples" / "digits"
F, I64 = TensorProto.FLOAT, TensorProto.INT64

Pick = Callable[[int], int]


# ----------------------------------------------------------------------------- seeds


def _model(nodes, inputs, outputs, inits=(), opset=17, value_info=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits), value_info=list(value_info))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    if opset < 13:
        model.ir_version = 6
    return model


def _vi(name, shape, elem=F):
    return helper.make_tensor_value_info(name, elem, shape)


def _init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def _conv_net():
    rng = np.random.default_rng(0)
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv1", pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu1"),
        helper.make_node("MaxPool", ["r"], ["p"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"], name="flat1", axis=1),
        helper.make_node("Gemm", ["f", "fc", "fb"], ["y"], name="fc1", transB=1),
    ]
    inits = [
        _init("w", rng.standard_normal((4, 2, 3, 3)).astype(np.float32)),
        _init("b", np.zeros(4, np.float32)),
        _init("fc", rng.standard_normal((5, 16)).astype(np.float32)),
        _init("fb", np.ones(5, np.float32)),
    ]
    return _model(nodes, [_vi("x", [1, 2, 4, 4])], [_vi("y", [1, 5])], inits, value_info=[_vi("c", [1, 4, 4, 4])])


def _shape_subgraph():
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape1"),
        helper.make_node("Gather", ["s", "zero"], ["n"], name="gather1", axis=0),
        helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"], name="unsq1"),
        helper.make_node("Concat", ["n1", "minus1"], ["target"], name="concat1", axis=0),
        helper.make_node("Reshape", ["x", "target"], ["r"], name="reshape1"),
        helper.make_node("ConstantOfShape", ["target2"], ["z"], name="cos1", value=numpy_helper.from_array(np.array([1.0], np.float32))),
        helper.make_node("Add", ["r", "z"], ["a"], name="add1"),
        helper.make_node("Slice", ["a", "starts", "ends", "axes1"], ["y"], name="slice1"),
    ]
    inits = [
        _init("zero", np.array(0, np.int64)),
        _init("axes0", np.array([0], np.int64)),
        _init("minus1", np.array([-1], np.int64)),
        _init("target2", np.array([2, 12], np.int64)),
        _init("starts", np.array([1], np.int64)),
        _init("ends", np.array([10], np.int64)),
        _init("axes1", np.array([1], np.int64)),
    ]
    return _model(nodes, [_vi("x", [2, 3, 4])], [_vi("y", [2, 9])], inits)


def _resize_pad_split():
    nodes = [
        helper.make_node("Resize", ["x", "", "scales"], ["r"], name="resize1", mode="linear"),
        helper.make_node("Pad", ["r", "pads"], ["p"], name="pad1", mode="reflect"),
        helper.make_node("Split", ["p", "split"], ["a", "b"], name="split1", axis=3),
        helper.make_node("Concat", ["b", "a"], ["c"], name="concat1", axis=3),
        helper.make_node("Transpose", ["c"], ["t"], name="transpose1", perm=[0, 1, 3, 2]),
        helper.make_node("ReduceMean", ["t", "raxes"], ["y"], name="mean1", keepdims=1),
    ]
    inits = [
        _init("scales", np.array([1, 1, 2, 2], np.float32)),
        _init("pads", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)),
        _init("split", np.array([4, 6], np.int64)),
        _init("raxes", np.array([1], np.int64)),
    ]
    return _model(nodes, [_vi("x", [1, 2, 4, 4])], [_vi("y", [1, 1, 10, 10])], inits, opset=18)


def _control_flow():
    then = helper.make_graph([helper.make_node("Relu", ["x"], ["t_out"], name="t_relu")], "then", [], [_vi("t_out", [2, 3])])
    other = helper.make_graph([helper.make_node("Neg", ["x"], ["e_out"], name="e_neg")], "else", [], [_vi("e_out", [2, 3])])
    body = helper.make_graph(
        [
            helper.make_node("Add", ["v_in", "one"], ["v_out"], name="body_add"),
            helper.make_node("Identity", ["cond_in"], ["cond_out"], name="body_cond"),
        ],
        "body",
        [_vi("i", [], I64), _vi("cond_in", [], TensorProto.BOOL), _vi("v_in", [2, 3])],
        [_vi("cond_out", [], TensorProto.BOOL), _vi("v_out", [2, 3])],
    )
    nodes = [
        helper.make_node("If", ["c"], ["i_out"], name="if1", then_branch=then, else_branch=other),
        helper.make_node("Loop", ["trip", "", "i_out"], ["y"], name="loop1", body=body),
    ]
    inits = [_init("c", np.array(True)), _init("trip", np.array(3, np.int64)), _init("one", np.ones((2, 3), np.float32))]
    return _model(nodes, [_vi("x", [2, 3])], [_vi("y", [2, 3])], inits)


def _rnn_quant():
    rng = np.random.default_rng(1)
    nodes = [
        helper.make_node("LSTM", ["x", "W", "R", "B"], ["", "h"], name="lstm1", hidden_size=3),
        helper.make_node("Squeeze", ["h", "ax0"], ["hs"], name="squeeze1"),
        helper.make_node("QuantizeLinear", ["hs", "scale", "zp"], ["q"], name="q1"),
        helper.make_node("DequantizeLinear", ["q", "scale", "zp"], ["y"], name="dq1"),
    ]
    inits = [
        _init("W", rng.standard_normal((1, 12, 2)).astype(np.float32)),
        _init("R", rng.standard_normal((1, 12, 3)).astype(np.float32)),
        _init("B", np.zeros((1, 24), np.float32)),
        _init("ax0", np.array([0], np.int64)),
        _init("scale", np.array(0.05, np.float32)),
        _init("zp", np.array(0, np.int8)),
    ]
    return _model(nodes, [_vi("x", [4, 1, 2])], [_vi("y", [1, 3])], inits)


def _opset11_symbolic():
    """Opset 11 (converted on import), symbolic batch pinned by the fuzzer, -1 in value_info."""
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="relu1"),
        helper.make_node("Softmax", ["r"], ["s"], name="softmax1", axis=1),
        helper.make_node("Unsqueeze", ["s"], ["u"], name="unsq1", axes=[0]),
        helper.make_node("Squeeze", ["u"], ["y"], name="squeeze1", axes=[0]),
    ]
    return _model(nodes, [_vi("x", ["N", 3, -1])], [_vi("y", ["N", 3, -1])], opset=11, value_info=[_vi("r", [-1, 3, -1])])


def _gather_where_cast():
    nodes = [
        helper.make_node("Gather", ["x", "idx"], ["g"], name="gather1", axis=1),
        helper.make_node("Greater", ["g", "zero"], ["m"], name="greater1"),
        helper.make_node("Where", ["m", "g", "zero"], ["w"], name="where1"),
        helper.make_node("Cast", ["w"], ["c"], name="cast1", to=TensorProto.FLOAT16),
        helper.make_node("Expand", ["c", "shape"], ["y"], name="expand1"),
    ]
    inits = [
        _init("idx", np.array([[0, 2], [1, 1]], np.int64)),
        _init("zero", np.array(0, np.float32)),
        _init("shape", np.array([2, 3, 2, 2], np.int64)),
    ]
    return _model(nodes, [_vi("x", [3, 4])], [_vi("y", [2, 3, 2, 2], TensorProto.FLOAT16)], inits)


def _nn_mix():
    rng = np.random.default_rng(2)
    nodes = [
        helper.make_node("ConvTranspose", ["x", "wt"], ["ct"], name="convt1", strides=[2, 2], pads=[0, 0, 1, 1]),
        helper.make_node("BatchNormalization", ["ct", "s", "b", "m", "v"], ["bn"], name="bn1", epsilon=1e-3),
        helper.make_node("AveragePool", ["bn"], ["ap"], name="avg1", kernel_shape=[2, 2], strides=[1, 1], pads=[1, 1, 0, 0]),
        helper.make_node("Pad", ["ap", "pads", "pv"], ["pd"], name="pad1", mode="constant"),
        helper.make_node("Tile", ["pd", "reps"], ["tl"], name="tile1"),
        helper.make_node("HardSigmoid", ["tl"], ["hs"], name="hsig1", alpha=0.3),
        helper.make_node("GlobalAveragePool", ["hs"], ["gap"], name="gap1"),
        helper.make_node("Flatten", ["gap"], ["f"], name="flat1"),
        helper.make_node("LayerNormalization", ["f", "lns", "lnb"], ["ln"], name="ln1", axis=-1),
        helper.make_node("Softmax", ["ln"], ["sm"], name="sm1", axis=-1),
        helper.make_node("ReduceMax", ["sm", "rax"], ["y"], name="rmax1", keepdims=0),
        helper.make_node("ArgMax", ["sm"], ["am"], name="argmax1", axis=1, keepdims=0),
        helper.make_node("CumSum", ["sm", "cax"], ["cs"], name="cumsum1"),
    ]
    c = 3
    inits = [
        _init("wt", rng.standard_normal((2, c, 3, 3)).astype(np.float32)),
        _init("s", np.ones(c, np.float32)), _init("b", np.zeros(c, np.float32)),
        _init("m", np.zeros(c, np.float32)), _init("v", np.ones(c, np.float32)),
        _init("pads", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)), _init("pv", np.array(0.5, np.float32)),
        _init("reps", np.array([1, 2, 1, 1], np.int64)),
        _init("lns", np.ones(2 * c, np.float32)), _init("lnb", np.zeros(2 * c, np.float32)),
        _init("rax", np.array([1], np.int64)), _init("cax", np.array(1, np.int64)),
    ]
    outs = [_vi("y", [1]), _vi("am", [1], I64), _vi("cs", [1, 2 * c])]
    return _model(nodes, [_vi("x", [1, 2, 3, 3])], outs, inits, opset=18)


def _qlinear_gru():
    rng = np.random.default_rng(3)
    u8 = TensorProto.UINT8
    nodes = [
        helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], ["qc"], name="qconv1", pads=[1, 1, 1, 1]),
        helper.make_node("DequantizeLinear", ["qc", "ys", "yz"], ["dc"], name="dq1"),
        helper.make_node("Reshape", ["dc", "shape"], ["seq"], name="reshape1"),
        helper.make_node("GRU", ["seq", "W", "R"], ["", "h"], name="gru1", hidden_size=4, linear_before_reset=1),
        helper.make_node("QuantizeLinear", ["h", "hs", "hz"], ["qh"], name="qh1"),
        helper.make_node("Reshape", ["qh", "shape2"], ["qh2"], name="reshape2"),
        helper.make_node("QLinearMatMul", ["qh2", "hs", "hz", "mw", "ms", "mz", "os", "oz"], ["y"], name="qmm1"),
    ]
    inits = [
        _init("xs", np.array(0.1, np.float32)), _init("xz", np.array(128, np.uint8)),
        _init("w", rng.integers(0, 255, (2, 1, 3, 3)).astype(np.uint8)),
        _init("ws", np.array(0.02, np.float32)), _init("wz", np.array(128, np.uint8)),
        _init("ys", np.array(0.2, np.float32)), _init("yz", np.array(128, np.uint8)),
        _init("shape", np.array([8, 1, 4], np.int64)),
        _init("W", rng.standard_normal((1, 12, 4)).astype(np.float32)),
        _init("R", rng.standard_normal((1, 12, 4)).astype(np.float32)),
        _init("hs", np.array(0.05, np.float32)), _init("hz", np.array(128, np.uint8)),
        _init("shape2", np.array([1, 4], np.int64)),
        _init("mw", rng.integers(0, 255, (4, 3)).astype(np.uint8)),
        _init("ms", np.array(0.03, np.float32)), _init("mz", np.array(128, np.uint8)),
        _init("os", np.array(0.1, np.float32)), _init("oz", np.array(128, np.uint8)),
    ]
    return _model(nodes, [_vi("x", [1, 1, 4, 4], u8)], [_vi("y", [1, 3], u8)], inits)


def _function_ops():
    """Ops imported through their ONNX function bodies (Swish, CenterCropPad, HannWindow)."""
    nodes = [
        helper.make_node("Swish", ["x"], ["s"], name="swish1", alpha=1.5),
        helper.make_node("CenterCropPad", ["s", "crop"], ["c"], name="crop1", axes=[1, 2]),
        helper.make_node("HannWindow", ["size"], ["w"], name="hann1", periodic=1),
        helper.make_node("Mul", ["c", "w"], ["y"], name="mul1"),
    ]
    inits = [_init("crop", np.array([3, 4], np.int64)), _init("size", np.array(4, np.int64))]
    return _model(nodes, [_vi("x", [2, 5, 6])], [_vi("y", [2, 3, 4])], inits, opset=24)


def _digits(name):
    return lambda: onnx.load(DIGITS / name)


SEEDS: dict[str, Callable[[], onnx.ModelProto]] = {
    "digits_cnn": _digits("digits_cnn.onnx"),
    "digits_transformer": _digits("digits_transformer.onnx"),
    "conv_net": _conv_net,
    "shape_subgraph": _shape_subgraph,
    "resize_pad_split": _resize_pad_split,
    "control_flow": _control_flow,
    "rnn_quant": _rnn_quant,
    "opset11_symbolic": _opset11_symbolic,
    "gather_where_cast": _gather_where_cast,
    "nn_mix": _nn_mix,
    "qlinear_gru": _qlinear_gru,
    "function_ops": _function_ops,
}
# Input shapes the importer is given for a seed (its symbolic dims); None for the others.
INPUT_SHAPES = {"opset11_symbolic": {"x": [2, 3, 5]}}


# ----------------------------------------------------------------------------- helpers


def _choice(pick: Pick, items):
    items = list(items)
    return items[pick(len(items))] if items else None


def _all_graphs(graph: onnx.GraphProto):
    yield graph
    for node in graph.node:
        for a in node.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield from _all_graphs(a.g)
            elif a.type == onnx.AttributeProto.GRAPHS:
                for g in a.graphs:
                    yield from _all_graphs(g)


def _graph(model, pick) -> onnx.GraphProto:
    """The main graph most of the time, sometimes a subgraph."""
    graphs = list(_all_graphs(model.graph))
    return graphs[0] if len(graphs) == 1 or pick(3) else _choice(pick, graphs)


def _nodes(model):
    return [n for g in _all_graphs(model.graph) for n in g.node]


def _value_infos(model):
    out = []
    for g in _all_graphs(model.graph):
        out += list(g.input) + list(g.output) + list(g.value_info)
    return out


SPECIAL_DIMS = [-1, 0, 1, 2, 7, 2**31, 2**40, 2**62, -(2**62)]
SPECIAL_INTS = [-(2**63), -(2**31), -3, -1, 0, 1, 2, 3, 5, 100, 2**31, 2**62]


# ----------------------------------------------------------------------------- mutations


def truncate(model, pick):
    data = model.SerializeToString()
    return data[: pick(len(data))]


def flip_bits(model, pick):
    data = bytearray(model.SerializeToString())
    for _ in range(1 + pick(8) if data else 0):
        i = pick(len(data))
        data[i] ^= 1 << pick(8)
    return bytes(data)


def drop_initializer(model, pick):
    g = _graph(model, pick)
    if g.initializer:
        del g.initializer[pick(len(g.initializer))]
    return model.SerializeToString()


def rename_initializer(model, pick):
    g = _graph(model, pick)
    if g.initializer:
        t = g.initializer[pick(len(g.initializer))]
        others = [i.name for i in g.initializer if i.name != t.name] + [i.name for i in g.input]
        t.name = _choice(pick, others + ["renamed", ""]) or "renamed"
    return model.SerializeToString()


def change_dim(model, pick):
    vis = _value_infos(model)
    dims = [d for vi in vis for d in vi.type.tensor_type.shape.dim]
    if dims:
        d = _choice(pick, dims)
        if pick(5) == 0:
            d.dim_param = "sym"
        else:
            d.dim_value = _choice(pick, SPECIAL_DIMS)
    return model.SerializeToString()


def change_rank(model, pick):
    vi = _choice(pick, _value_infos(model))
    if vi is not None:
        shape = vi.type.tensor_type.shape
        if shape.dim and pick(2):
            del shape.dim[pick(len(shape.dim))]
        else:
            shape.dim.add().dim_value = _choice(pick, [1, 3, 2**40])
    return model.SerializeToString()


def change_initializer_dims(model, pick):
    inits = [t for g in _all_graphs(model.graph) for t in g.initializer]
    if inits:
        t = _choice(pick, inits)
        if t.dims and pick(3):
            t.dims[pick(len(t.dims))] = _choice(pick, SPECIAL_DIMS)
        else:
            t.dims.append(_choice(pick, [1, 2, 2**40]))
    return model.SerializeToString()


def corrupt_initializer_data(model, pick):
    inits = [t for g in _all_graphs(model.graph) for t in g.initializer]
    if inits:
        t = _choice(pick, inits)
        kind = pick(4)
        if kind == 0 and t.raw_data:
            t.raw_data = t.raw_data[: pick(len(t.raw_data))]
        elif kind == 1:
            t.data_type = _choice(pick, [0, TensorProto.STRING, TensorProto.BOOL, TensorProto.FLOAT16, TensorProto.INT4, 99])
        elif kind == 2:
            t.raw_data = t.raw_data + b"\x00" * (1 + pick(7))
        else:
            t.ClearField("raw_data")
            del t.float_data[:]
            del t.int64_data[:]
            del t.int32_data[:]
    return model.SerializeToString()


def remove_value_info(model, pick):
    for g in _all_graphs(model.graph):
        del g.value_info[:]
    return model.SerializeToString()


UNKNOWN_OPS = [
    "FooBar", "", "Relu ", "relu", "Conv", "MatMul", "Loop", "If", "Scan", "Det", "Shape", "Concat", "Split",
    "Resize", "LSTM", "Identity",
    # ops imported through their ONNX function bodies
    "Swish", "CenterCropPad", "HannWindow", "Attention", "RotaryEmbedding", "AffineGrid", "SoftmaxCrossEntropyLoss",
    "CausalConvWithState", "Bernoulli",
]


def change_op_type(model, pick):
    node = _choice(pick, _nodes(model))
    if node is not None:
        node.op_type = _choice(pick, UNKNOWN_OPS)
        if pick(4) == 0:
            node.domain = _choice(pick, ["com.microsoft", "ai.onnx.ml", "custom"])
    return model.SerializeToString()


def break_attribute(model, pick):
    nodes = [n for n in _nodes(model) if n.attribute]
    node = _choice(pick, nodes)
    if node is None:
        return model.SerializeToString()
    a = node.attribute[pick(len(node.attribute))]
    kind = pick(6)
    if kind == 0:  # declared type disagrees with the value
        a.type = _choice(pick, [t for t in range(1, 15) if t != a.type])
    elif kind == 1:  # replaced by a value of another type
        value = _choice(pick, [1.5, 7, "text", [1, 2], [0.5], b"\xff\xfe"])
        new = helper.make_attribute(a.name, value)
        a.CopyFrom(new)
    elif kind == 2:  # extreme integer values
        if a.ints:
            a.ints[pick(len(a.ints))] = _choice(pick, SPECIAL_INTS)
        else:
            a.i = _choice(pick, SPECIAL_INTS)
    elif kind == 3:
        del node.attribute[pick(len(node.attribute))]
    elif kind == 4:
        a.name = _choice(pick, ["", "bogus", "axis", "perm", "to"])
    else:  # duplicated attribute
        node.attribute.append(a)
    return model.SerializeToString()


def change_attribute_value(model, pick):
    """Integers of a known attribute set to out-of-range values (axis 100, stride 0, ...)."""
    nodes = [n for n in _nodes(model) if any(a.type in (onnx.AttributeProto.INT, onnx.AttributeProto.INTS) for a in n.attribute)]
    node = _choice(pick, nodes)
    if node is not None:
        attrs = [a for a in node.attribute if a.type in (onnx.AttributeProto.INT, onnx.AttributeProto.INTS)]
        a = _choice(pick, attrs)
        if a.type == onnx.AttributeProto.INT:
            a.i = _choice(pick, SPECIAL_INTS)
        elif a.ints:
            if pick(3):
                a.ints[pick(len(a.ints))] = _choice(pick, SPECIAL_INTS)
            else:
                del a.ints[pick(len(a.ints)) :]
    return model.SerializeToString()


def change_int_constant(model, pick):
    """An int64 initializer (shape, axes, pads, indices, trip count) set to extreme values."""
    inits = [t for g in _all_graphs(model.graph) for t in g.initializer if t.data_type == I64]
    if inits:
        t = _choice(pick, inits)
        try:
            array = numpy_helper.to_array(t).copy()
        except Exception:  # an earlier mutation broke its data (or made it external)
            return model.SerializeToString()
        if array.size:
            array.reshape(-1)[pick(array.size)] = _choice(pick, SPECIAL_INTS)
        t.CopyFrom(numpy_helper.from_array(array, t.name))
    return model.SerializeToString()


def change_opset(model, pick):
    kind = pick(4)
    if kind == 0 or not model.opset_import:
        del model.opset_import[:]
        if pick(2):
            model.opset_import.append(helper.make_opsetid("", _choice(pick, [0, 1, 6, 7, 9, 10, 12, 25, 99, 2**31 - 1])))
    elif kind == 1:
        model.opset_import[0].version = _choice(pick, [-1, 0, 1, 7, 9, 11, 12, 14, 21, 22, 23, 99, 2**62])
    elif kind == 2:
        model.opset_import[0].domain = _choice(pick, ["custom", "ai.onnx.ml", "ai.onnx", "com.microsoft"])
    else:
        model.opset_import.append(helper.make_opsetid(_choice(pick, ["", "custom"]), _choice(pick, [1, 13, 99])))
    if pick(3) == 0:
        model.ir_version = _choice(pick, [0, 1, 3, 6, 11, 99])
    return model.SerializeToString()


def external_data(model, pick):
    inits = [t for t in model.graph.initializer]
    if inits:
        t = _choice(pick, inits)
        t.data_location = TensorProto.EXTERNAL
        t.ClearField("raw_data")
        del t.external_data[:]
        location = _choice(pick, ["missing.bin", "../../../../etc/passwd", "/etc/hostname", "", ".", "sub/dir/w.bin"])
        entries = [("location", location)]
        if pick(2):
            entries.append(("offset", str(_choice(pick, [0, 7, 2**40, -1]))))
        if pick(2):
            entries.append(("length", str(_choice(pick, [0, 4, 2**40]))))
        if pick(4) == 0:
            entries.append(("checksum", "x"))
        for key, value in entries:
            e = t.external_data.add()
            e.key, e.value = key, value
    return model.SerializeToString()


def make_cycle(model, pick):
    g = _graph(model, pick)
    if len(g.node) >= 1:
        i = pick(len(g.node))
        j = i + pick(len(g.node) - i)  # j >= i: a node reads its own or a later output
        src, dst = g.node[j], g.node[i]
        if src.output and dst.input:
            dst.input[pick(len(dst.input))] = src.output[pick(len(src.output))]
    return model.SerializeToString()


def duplicate_output(model, pick):
    g = _graph(model, pick)
    kind = pick(3)
    if kind == 0 and len(g.node) >= 2:
        a, b = pick(len(g.node)), pick(len(g.node))
        if g.node[a].output and g.node[b].output:
            g.node[b].output[0] = g.node[a].output[0]
    elif kind == 1 and g.output:
        g.output.append(g.output[pick(len(g.output))])
    elif g.node and g.input:
        g.node[pick(len(g.node))].output[0] = g.input[pick(len(g.input))].name
    return model.SerializeToString()


def rewire_input(model, pick):
    node = _choice(pick, _nodes(model))
    if node is not None:
        if node.input and pick(3):
            node.input[pick(len(node.input))] = _choice(pick, ["nowhere", "", node.output[0] if node.output else "x"])
        elif pick(2):
            node.input.append(_choice(pick, ["x", "", "extra"]))
        elif node.input:
            del node.input[pick(len(node.input)) :]
    return model.SerializeToString()


def drop_node(model, pick):
    g = _graph(model, pick)
    if g.node:
        del g.node[pick(len(g.node))]
    return model.SerializeToString()


def change_io(model, pick):
    g = _graph(model, pick)
    kind = pick(5)
    if kind == 0 and g.output:
        del g.output[pick(len(g.output))]
    elif kind == 1 and g.input:
        del g.input[pick(len(g.input))]
    elif kind == 2:
        vi = _choice(pick, list(g.input) + list(g.output))
        if vi is not None:
            vi.type.tensor_type.elem_type = _choice(pick, [0, TensorProto.STRING, TensorProto.BOOL, TensorProto.INT8, TensorProto.COMPLEX64, TensorProto.FLOAT8E4M3FN, 99])
    elif kind == 3:
        vi = _choice(pick, list(g.input) + list(g.output))
        if vi is not None:
            seq = onnx.TypeProto()
            seq.sequence_type.elem_type.CopyFrom(vi.type)
            vi.type.CopyFrom(seq if pick(2) else onnx.TypeProto())
    else:
        g.input.append(_vi(_choice(pick, ["x", "extra", ""]), [1]))
    return model.SerializeToString()


MUTATIONS: dict[str, Callable[[onnx.ModelProto, Pick], bytes]] = {
    f.__name__: f
    for f in [
        truncate, flip_bits, drop_initializer, rename_initializer, change_dim, change_rank,
        change_initializer_dims, corrupt_initializer_data, remove_value_info, change_op_type,
        break_attribute, change_attribute_value, change_int_constant, change_opset, external_data,
        make_cycle, duplicate_output, rewire_input, drop_node, change_io,
    ]
}


def mutate(seed: str, pick: Pick, names: list[str] | None = None) -> tuple[bytes, list[str]]:
    """Serialized bytes of `seed` after the mutations `names` (default: one to three
    picked), and the names of those applied."""
    if names is None:
        names = [list(MUTATIONS)[pick(len(MUTATIONS))] for _ in range(1 + pick(3))]
    data = SEEDS[seed]().SerializeToString()
    applied = []
    for name in names:
        model = onnx.ModelProto()
        try:
            model.ParseFromString(data)
        except Exception:  # an earlier byte-level mutation broke it: keep those bytes
            break
        data = MUTATIONS[name](model, pick)
        applied.append(name)
    return data, applied
