"""Malformed ONNX models for the front-end's error tests: `%PYTHON bad_models.py NAME OUT.onnx`.

Each builder returns the bytes of one model that onnx.helper builds and one
defect put in on purpose (named by the builder), so a test's input is readable
next to its CHECK lines.
"""

import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def _vi(name, shape, elem=F):
    return helper.make_tensor_value_info(name, elem, shape)


def _model(nodes, inputs, outputs, inits=(), opset=17, value_info=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits), value_info=list(value_info))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    if opset < 13:
        model.ir_version = 6
    return model


def paddle_opset11():
    """Opset 11, -1 spatial dims in the input and value_info (as Paddle2ONNX writes them)."""
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="relu1"),
        helper.make_node("Softmax", ["r"], ["y"], name="softmax1", axis=1),
    ]
    dims = [1, 3, -1, -1]
    return _model(nodes, [_vi("x", dims)], [_vi("y", dims)], opset=11, value_info=[_vi("r", dims)]).SerializeToString()


def short_initializer():
    """Initializer 'w' declares [4, 4] floats but holds 15 of them."""
    w = numpy_helper.from_array(np.ones((4, 4), np.float32), "w")
    w.raw_data = w.raw_data[:60]
    nodes = [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm1")]
    return _model(nodes, [_vi("x", [2, 4])], [_vi("y", [2, 4])], [w]).SerializeToString()


def huge_initializer():
    """Initializer 'n' declares 2**40 int64s and holds one (ONNX inference would allocate 8 TiB)."""
    n = numpy_helper.from_array(np.array([3], np.int64), "n")
    del n.dims[:]
    n.dims.append(2**40)
    nodes = [helper.make_node("Add", ["x", "n"], ["y"], name="add1")]
    return _model(nodes, [_vi("x", [1], I64)], [_vi("y", [1], I64)], [n]).SerializeToString()


def empty_required_input():
    """Concat's second input is '' (the checker lets it through for a variadic input)."""
    nodes = [helper.make_node("Concat", ["x", ""], ["y"], name="concat1", axis=0)]
    return _model(nodes, [_vi("x", [2])], [_vi("y", [2])]).SerializeToString()


def cycle():
    """relu1 reads relu2's output."""
    nodes = [
        helper.make_node("Relu", ["b"], ["a"], name="relu1"),
        helper.make_node("Relu", ["a"], ["b"], name="relu2"),
    ]
    return _model(nodes, [_vi("x", [2])], [_vi("b", [2])]).SerializeToString()


def custom_domain():
    """An op of a domain npu does not know."""
    nodes = [helper.make_node("FusedGelu", ["x"], ["y"], name="gelu1", domain="com.example")]
    model = _model(nodes, [_vi("x", [2])], [_vi("y", [2])])
    model.opset_import.append(helper.make_opsetid("com.example", 1))
    return model.SerializeToString()


def not_utf8():
    """A node name holding the byte 0xff."""
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu@")]
    return _model(nodes, [_vi("x", [2])], [_vi("y", [2])]).SerializeToString().replace(b"relu@", b"relu\xff")


def huge_fold():
    """ConstantOfShape [2, 2**31]: folding it would materialize 16 GiB."""
    shape = numpy_helper.from_array(np.array([2, 2**31], np.int64), "shape")
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["y"], name="fill1")]
    return _model(nodes, [], [_vi("y", ["a", "b"])], [shape]).SerializeToString()


def empty_if_condition():
    """If on a constant condition of shape [0]."""
    branch = helper.make_graph([helper.make_node("Relu", ["x"], ["o"], name="r")], "b", [], [_vi("o", [2])])
    cond = numpy_helper.from_array(np.zeros(0, np.bool_), "c")
    nodes = [helper.make_node("If", ["c"], ["y"], name="if1", then_branch=branch, else_branch=branch)]
    return _model(nodes, [_vi("x", [2])], [_vi("y", [2])], [cond]).SerializeToString()


def bad_attribute_type():
    """Softmax's axis given as a float."""
    node = helper.make_node("Softmax", ["x"], ["y"], name="softmax1")
    node.attribute.append(helper.make_attribute("axis", 1.0))
    return _model([node], [_vi("x", [2, 3])], [_vi("y", [2, 3])]).SerializeToString()


def kernel_too_large():
    """Conv whose 5x5 kernel does not fit the 3x3 input."""
    w = numpy_helper.from_array(np.ones((1, 1, 5, 5), np.float32), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv1")]
    return _model(nodes, [_vi("x", [1, 1, 3, 3])], [_vi("y", [1, 1, 3, 3])], [w]).SerializeToString()


def two_inputs():
    """A valid model for npu-run's input errors: y = a + b over [2, 3] float32."""
    nodes = [helper.make_node("Add", ["a", "b"], ["y"], name="add1")]
    return _model(nodes, [_vi("a", [2, 3]), _vi("b", [2, 3])], [_vi("y", [2, 3])]).SerializeToString()


def inputs(kind, out):
    """Input files for two_inputs(): ok, wrong-name, transposed, float64, truncated, objects."""
    a = np.ones((2, 3), np.float32)
    arrays = {
        "ok": {"a": a, "b": a},
        "wrong-name": {"a": a, "B": a},
        "transposed": {"a": a, "b": a.T.copy()},
        "float64": {"a": a, "b": a.astype(np.float64)},
        "objects": {"a": a, "b": np.array([None] * 6, dtype=object)},
    }
    if kind == "truncated":
        np.savez(out, a=a, b=a)
        with open(out, "rb") as f:
            data = f.read()
        with open(out, "wb") as f:
            f.write(data[:150])
        return
    with open(out, "wb") as f:
        np.savez(f, **arrays[kind])


if __name__ == "__main__":
    if sys.argv[1] == "inputs":
        inputs(sys.argv[2], sys.argv[3])
        sys.exit(0)
    name, out = sys.argv[1], sys.argv[2]
    with open(out, "wb") as f:
        f.write(globals()[name]())
