"""Small ONNX models for the importer's lit tests: `%PYTHON models.py NAME OUT.onnx`.

Each builder returns a ModelProto made inline with onnx.helper, so a test's
input is readable next to its CHECK lines.
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def model(nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def elementwise():
    """x -> Add(w) -> Relu -> LeakyRelu -> Clip(0, 6) -> Cast(f16)."""
    w = numpy_helper.from_array(np.arange(4, dtype=np.float32), "w")
    lo = numpy_helper.from_array(np.array(0, np.float32), "lo")
    hi = numpy_helper.from_array(np.array(6, np.float32), "hi")
    nodes = [
        helper.make_node("Add", ["x", "w"], ["a"], name="add1"),
        helper.make_node("Relu", ["a"], ["r"], name="relu1"),
        helper.make_node("LeakyRelu", ["r"], ["l"], name="leaky1", alpha=0.2),
        helper.make_node("Clip", ["l", "lo", "hi"], ["c"], name="clip1"),
        helper.make_node("Cast", ["c"], ["y"], name="cast1", to=TensorProto.FLOAT16),
    ]
    return model(nodes, [vi("x", F, [2, 4])], [vi("y", TensorProto.FLOAT16, [2, 4])], [w, lo, hi])


def shape_chain():
    """Reshape(x, Concat(Gather(Shape(x), 0), [-1])): the shape subgraph folds away."""
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape1"),
        helper.make_node("Gather", ["s", "zero"], ["n"], name="gather1", axis=0),
        helper.make_node("Unsqueeze", ["n", "zero1d"], ["n1"], name="unsq1"),
        helper.make_node("Concat", ["n1", "minus1"], ["target"], name="concat1", axis=0),
        helper.make_node("Reshape", ["x", "target"], ["r"], name="reshape1"),
        helper.make_node("Transpose", ["r"], ["t"], name="transpose1", perm=[1, 0]),
        helper.make_node("Slice", ["t", "starts", "ends", "axes"], ["y"], name="slice1"),
    ]
    inits = [
        numpy_helper.from_array(np.array(0, np.int64), "zero"),
        numpy_helper.from_array(np.array([0], np.int64), "zero1d"),
        numpy_helper.from_array(np.array([-1], np.int64), "minus1"),
        numpy_helper.from_array(np.array([1], np.int64), "starts"),
        numpy_helper.from_array(np.array([100], np.int64), "ends"),
        numpy_helper.from_array(np.array([0], np.int64), "axes"),
    ]
    return model(nodes, [vi("x", F, [2, 3, 4])], [vi("y", F, [11, 2])], inits)


def weights():
    """A large initializer becomes a dense resource; a small one stays inline."""
    big = numpy_helper.from_array(np.linspace(-1, 1, 256, dtype=np.float32).reshape(16, 16), "big_w")
    small = numpy_helper.from_array(np.ones(16, np.float32), "small_b")
    nodes = [
        helper.make_node("Mul", ["x", "big_w"], ["m"], name="mul1"),
        helper.make_node("Add", ["m", "small_b"], ["y"], name="add1"),
    ]
    return model(nodes, [vi("x", F, [16, 16])], [vi("y", F, [16, 16])], [big, small])


def multi_io():
    """Two inputs, two outputs, Split into uneven pieces and Max of three operands."""
    nodes = [
        helper.make_node("Split", ["a", "sizes"], ["p", "q"], name="split1", axis=1),
        helper.make_node("Max", ["p", "b", "p"], ["y0"], name="max1"),
        helper.make_node("Neg", ["q"], ["y1"], name="neg1"),
    ]
    sizes = numpy_helper.from_array(np.array([1, 3], np.int64), "sizes")
    return model(nodes, [vi("a", F, [2, 4]), vi("b", F, [1])], [vi("y0", F, [2, 1]), vi("y1", F, [2, 3])], [sizes])


def unsupported():
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="n1"), helper.make_node("Det", ["r"], ["y"], name="n3")]
    return model(nodes, [vi("x", F, [3, 3])], [vi("y", F, [])])


def dynamic():
    return model([helper.make_node("Relu", ["x"], ["y"], name="n1")], [vi("x", F, ["batch", 3])], [vi("y", F, ["batch", 3])])


def runtime_shape():
    nodes = [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape1")]
    return model(nodes, [vi("x", F, [2, 3]), vi("shape", I64, [1])], [vi("y", F, [6])])


def external():
    """An initializer whose bytes live in a file that is not there."""
    m = weights()
    onnx.external_data_helper.convert_model_to_external_data(m, location="weights.bin", size_threshold=0)
    return m


def old_opset():
    """Opset 11 (converted up to 13 on import): Unsqueeze axes as an attribute."""
    nodes = [helper.make_node("Unsqueeze", ["x"], ["y"], name="unsq1", axes=[0])]
    return model(nodes, [vi("x", F, [3])], [vi("y", F, [1, 3])], opset=11)


def control_flow():
    """If on a constant condition, whose branch holds another If reading a branch-local
    value, and a Loop of 3 static iterations; the output's shape is left symbolic."""
    inner_then = helper.make_graph([helper.make_node("Neg", ["r"], ["n"], name="neg1")], "inner_then", [], [vi("n", F, [2])])
    inner_else = helper.make_graph([helper.make_node("Abs", ["r"], ["n"], name="abs1")], "inner_else", [], [vi("n", F, [2])])
    then = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["r"], name="relu1"),
         helper.make_node("If", ["flag"], ["t"], name="inner_if", then_branch=inner_then, else_branch=inner_else)],
        "then", [], [vi("t", F, [2])])
    other = helper.make_graph([helper.make_node("Identity", ["x"], ["t"], name="id1")], "else", [], [vi("t", F, [2])])
    body = helper.make_graph(
        [helper.make_node("Add", ["acc_in", "step"], ["acc_out"], name="add1"),
         helper.make_node("Identity", ["cond_in"], ["cond_out"], name="cond1")],
        "body", [vi("i", I64, []), vi("cond_in", TensorProto.BOOL, []), vi("acc_in", F, [2])],
        [vi("cond_out", TensorProto.BOOL, []), vi("acc_out", F, [2])])
    nodes = [
        helper.make_node("If", ["flag"], ["b"], name="outer_if", then_branch=then, else_branch=other),
        helper.make_node("Loop", ["trips", "", "b"], ["y"], name="loop1", body=body),
    ]
    inits = [
        numpy_helper.from_array(np.array(True), "flag"),
        numpy_helper.from_array(np.array(3, np.int64), "trips"),
        numpy_helper.from_array(np.array([1, 10], np.float32), "step"),
    ]
    return model(nodes, [vi("x", F, [2])], [vi("y", F, ["n"])], inits)


if __name__ == "__main__":
    name, out = sys.argv[1], sys.argv[2]
    m = globals()[name]()
    if name == "external":
        onnx.save(m, out, location="weights.bin")  # written next to the model, then removed by the test
    else:
        onnx.save(m, out)
