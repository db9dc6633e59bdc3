"""NN-family converters + kernels against the ONNX backend node tests, without MLIR import.

Each single-node case under onnx/backend/test/data/node whose op belongs to the
NN family (convolution, matmul, pooling, normalization, softmax, reductions,
RNNs, quantization) is driven through the real converter (npu.onnx.convert_*)
with a stand-in OnnxNode and an eager GraphBuilder that runs each emitted op's
interpreter kernel immediately (attributes round-tripped through MLIR
attributes, as the importer and executor do). Outputs are compared with the
reference outputs shipped with the test: integer and float8/4 outputs exactly,
float outputs with the ONNX backend tolerance (rtol 1e-3, atol 1e-7).

The full path (import to MLIR, verify, execute) is covered by the conformance
runner; this file pins the numerics of the kernels and converter attribute logic.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import onnx
import pytest
from mlir import ir
from onnx import helper, numpy_helper

from npu.errors import NpuError
from npu.interp.registry import ResultSpec, get_kernel
from npu.ir.attrs import from_attr, to_attr
from npu.ir.context import make_context
from npu.onnx.registry import get_converter

import npu.dialects.npu_tensor_nn  # noqa: F401  (NN verifiers run on every imported module)
import npu.interp.kernels_nn  # noqa: F401  (registers kernels)
import npu.interp.kernels_quant  # noqa: F401
import npu.interp.kernels_rnn  # noqa: F401
import npu.onnx.convert_nn  # noqa: F401  (registers converters)
import npu.onnx.convert_quant  # noqa: F401
import npu.onnx.convert_rnn  # noqa: F401

NODE_DIR = Path(onnx.__file__).parent / "backend" / "test" / "data" / "node"

NN_OPS = {
    "Conv", "ConvTranspose", "ConvInteger", "Gemm", "MatMul", "MatMulInteger",
    "MaxPool", "AveragePool", "LpPool", "GlobalAveragePool", "GlobalMaxPool",
    "BatchNormalization", "InstanceNormalization", "GroupNormalization", "LayerNormalization", "RMSNormalization",
    "MeanVarianceNormalization", "LpNormalization", "LRN",
    "Softmax", "LogSoftmax", "Hardmax",
    "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
    "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp",
    "LSTM", "GRU", "RNN", "ArgMax", "ArgMin", "TopK", "Einsum", "MaxUnpool", "Col2Im", "DeformConv",
    "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "QLinearConv", "QLinearMatMul",
}  # fmt: skip

def _cases() -> list[str]:
    if not NODE_DIR.is_dir():
        return []
    out = []
    for d in sorted(os.listdir(NODE_DIR)):
        if "_expanded" in d:  # function-expanded variants are multi-node graphs
            continue
        model = onnx.load(NODE_DIR / d / "model.onnx")
        ops = [n.op_type for n in model.graph.node]
        if len(ops) == 1 and ops[0] in NN_OPS:
            out.append(d[len("test_") :])
    return out


CASES = _cases()


def _np_dtype(elem_type: int):
    return np.dtype(helper.tensor_dtype_to_np_dtype(elem_type))


def _attr_value(a: onnx.AttributeProto):
    if a.type == onnx.AttributeProto.TENSOR:
        return numpy_helper.to_array(a.t)
    v = helper.get_attribute_value(a)
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, list):
        return [x.decode() if isinstance(x, bytes) else x for x in v]
    return v


class FakeNode:
    """The OnnxNode API, built from a single-node model and its input data."""

    def __init__(self, model: onnx.ModelProto, arrays: dict[str, np.ndarray]):
        proto = model.graph.node[0]
        self.proto = proto
        self.name = proto.name or proto.output[0]
        self.op_type = proto.op_type
        self.domain = proto.domain
        self.opset = next(i.version for i in model.opset_import if i.domain in ("", "ai.onnx"))
        schema = onnx.defs.get_schema(proto.op_type, self.opset, "")
        self.attrs = {}
        for name, spec in schema.attributes.items():
            if spec.default_value.type != onnx.AttributeProto.UNDEFINED:
                self.attrs[name] = _attr_value(spec.default_value)
        for a in proto.attribute:
            self.attrs[a.name] = _attr_value(a)
        self.input_names = list(proto.input)
        self.output_names = list(proto.output)
        self._consts = [arrays.get(n) if n else None for n in proto.input]
        self.inputs = list(self._consts)  # eager: a "value" is its array
        self.input_shapes = [None if c is None else list(c.shape) for c in self._consts]
        self.input_dtypes = [None if c is None else c.dtype for c in self._consts]
        outs = {o.name: o for o in model.graph.output}
        self.output_shapes, self.output_dtypes = [], []
        for name in proto.output:
            t = outs[name].type.tensor_type if name in outs else None
            self.output_shapes.append(None if t is None else [d.dim_value for d in t.shape.dim])
            self.output_dtypes.append(None if t is None else _np_dtype(t.elem_type))

    def const(self, i):
        return self._consts[i] if i < len(self._consts) else None

    def has_input(self, i):
        return i < len(self.inputs) and self.inputs[i] is not None

    def static(self, i, what):
        v = self.const(i)
        if v is None:
            raise self.error(f"expects {what} (input {i}) to be a constant")
        return v

    def static_ints(self, i, what):
        return [int(v) for v in self.static(i, what).reshape(-1)]

    def error(self, msg):
        return NpuError(f"node '{self.name}' (op type '{self.op_type}', opset {self.opset}): {msg}")


# Ops of other families that NN converters emit (their kernels live elsewhere).
FOREIGN_KERNELS = {
    "npu_tensor.reshape": lambda inputs, attrs, results: [inputs[0].reshape(results[0].shape)],
}


class EagerBuilder:
    """GraphBuilder stand-in: runs each emitted op's kernel at once."""

    def __init__(self):
        self.ops: list[str] = []

    def constant(self, array, name_hint="cst"):
        return np.asarray(array)

    def emit(self, node, op_name, operands, attrs=None, results=None):
        self.ops.append(op_name)
        mlir_attrs = {k: to_attr(v) for k, v in (attrs or {}).items()}
        py_attrs = {k: from_attr(v) for k, v in mlir_attrs.items() if k != "operandSegmentSizes"}
        if results is None:
            results = list(zip(node.output_shapes, node.output_dtypes))
        specs = [ResultSpec(tuple(s), np.dtype(d)) for s, d in results]
        kern = get_kernel(op_name) or FOREIGN_KERNELS.get(op_name)
        assert kern is not None, f"no kernel for {op_name}"
        outs = kern(list(operands), py_attrs, specs)
        assert len(outs) == len(specs)
        for out, spec in zip(outs, specs):
            assert out.shape == spec.shape and out.dtype == spec.dtype, (op_name, out.shape, out.dtype, spec)
        return outs


def load_case(case: str):
    d = NODE_DIR / f"test_{case}"
    model = onnx.load(d / "model.onnx")
    data = d / "test_data_set_0"
    init = {t.name for t in model.graph.initializer}
    ins = [i.name for i in model.graph.input if i.name not in init]
    arrays = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for k, name in enumerate(ins):
        t = onnx.TensorProto()
        t.ParseFromString((data / f"input_{k}.pb").read_bytes())
        arrays[name] = numpy_helper.to_array(t)
    expected = []
    for k in range(len(model.graph.output)):
        t = onnx.TensorProto()
        t.ParseFromString((data / f"output_{k}.pb").read_bytes())
        expected.append(numpy_helper.to_array(t))
    return model, arrays, expected


def run_case(case: str):
    """(outputs by graph-output order, expected outputs, builder) of one node test."""
    model, arrays, expected = load_case(case)
    node = FakeNode(model, arrays)
    b = EagerBuilder()
    with make_context(), ir.Location.unknown():
        values = get_converter(node.op_type)(node, b)
    produced = {name: v for name, v in zip(node.output_names, values) if name}
    outs = [produced[o.name] for o in model.graph.output]
    return outs, expected, b


def assert_matches(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype} != {expected.dtype}"
    if expected.dtype.kind in "iub" or expected.dtype.itemsize == 1:
        # integers, bools and 8/4-bit floats: bit-exact (NaN patterns compared as bits)
        a = actual.view(np.uint8) if expected.dtype.itemsize == 1 and expected.dtype.kind == "V" else actual
        e = expected.view(np.uint8) if expected.dtype.itemsize == 1 and expected.dtype.kind == "V" else expected
        np.testing.assert_array_equal(a, e, err_msg=what)
    else:
        np.testing.assert_allclose(
            actual.astype(np.float64), expected.astype(np.float64), rtol=1e-3, atol=1e-7, err_msg=what
        )


@pytest.mark.skipif(not CASES, reason="onnx wheel without backend node test data")
@pytest.mark.parametrize("case", CASES)
def test_node_case(case):
    outs, expected, _ = run_case(case)
    for k, (a, e) in enumerate(zip(outs, expected)):
        assert_matches(np.asarray(a), e, f"{case} output {k}")


# ------------------------------------------------------------ whole models

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "digits"


@pytest.mark.parametrize(
    "model, data", [("digits_cnn", "digits_test.npz"), ("digits_transformer", "digits_test_seq.npz")]
)
def test_digits_models_match_onnxruntime(model, data):
    """The bundled digits models (Conv/BN/MaxPool/Gemm; MatMul/LayerNorm/Softmax/ReduceMean)
    import and match onnxruntime on held-out samples: max abs error <= 1e-4 of the
    output range and the same top-1 class."""
    ort = pytest.importorskip("onnxruntime")
    from npu.interp.executor import Program
    from npu.onnx.importer import import_model

    path = EXAMPLES / f"{model}.onnx"
    module = import_model(str(path))
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    xs = np.load(EXAMPLES / data)["x"][:40]
    with module.context:
        prog = Program(module)
        for i in range(len(xs)):
            x = xs[i : i + 1]
            got = prog.run({"input": x})["logits"]
            ref = sess.run(None, {"input": x})[0]
            assert np.abs(got - ref).max() <= 1e-4 * np.ptp(ref), f"{model} sample {i}"
            assert got.argmax() == ref.argmax(), f"{model} sample {i}"


LIGHT_DIR = NODE_DIR.parent / "light"


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    sorted(p.stem[len("light_") :] for p in LIGHT_DIR.glob("light_*.onnx")) if LIGHT_DIR.is_dir() else [],
)
def test_light_architecture_graphs(name):
    """The architecture graphs shipped with onnx (weights as ConstantOfShape fills) match
    their reference outputs for the backend runner's input arange(n) / n."""
    from npu.interp.executor import Program
    from npu.onnx.importer import import_model

    path = LIGHT_DIR / f"light_{name}.onnx"
    model = onnx.load(str(path))
    inits = {t.name for t in model.graph.initializer}
    x = next(i for i in model.graph.input if i.name not in inits)
    shape = tuple(d.dim_value or 1 for d in x.type.tensor_type.shape.dim)
    n = int(np.prod(shape))
    feed = (np.arange(n).reshape(shape) / n).astype(np.float32)
    ref = onnx.TensorProto()
    ref.ParseFromString((LIGHT_DIR / f"light_{name}_output_0.pb").read_bytes())
    ref = numpy_helper.to_array(ref)
    module = import_model(str(path))
    with module.context:
        got = Program(module).run({x.name: feed})[model.graph.output[0].name]
    np.testing.assert_allclose(got, ref, rtol=1e-3, atol=1e-7)


# ----------------------------------------------- random windows vs onnxruntime


def _window_case(rng: np.random.Generator, op: str):
    """A random single-node Conv / ConvTranspose / MaxPool / AveragePool model and its input."""
    from onnx import TensorProto

    nd = int(rng.integers(1, 4))
    n = int(rng.integers(1, 3))
    spatial = [int(rng.integers(4, 9)) for _ in range(nd)]
    k = [int(rng.integers(1, 4)) for _ in range(nd)]
    s = [int(rng.integers(1, 3)) for _ in range(nd)]
    d = [int(rng.integers(1, 3)) for _ in range(nd)]
    attrs: dict = {"kernel_shape": k, "strides": s}
    inits = []
    if op in ("Conv", "ConvTranspose"):
        g = int(rng.choice([1, 2]))
        c, m = g * int(rng.integers(1, 4)), g * int(rng.integers(1, 4))
        wshape = [m, c // g] + k if op == "Conv" else [c, m // g] + k
        inits = [
            numpy_helper.from_array(rng.standard_normal(wshape).astype(np.float32), "w"),
            numpy_helper.from_array(rng.standard_normal([m]).astype(np.float32), "b"),
        ]
        attrs.update(group=g, dilations=d)
    else:
        c = int(rng.integers(1, 4))
        if rng.random() < 0.5:
            attrs["dilations"] = d
    eff = [(kk - 1) * dd + 1 for kk, dd in zip(k, attrs.get("dilations", [1] * nd))]
    mode = rng.choice(["pads", "same_upper", "same_lower", "valid"] if op != "ConvTranspose" else ["pads", "output_shape"])
    if mode == "pads":
        attrs["pads"] = [int(rng.integers(0, e)) for e in eff] + [int(rng.integers(0, e)) for e in eff]
    elif mode == "output_shape":
        full = [ss * (i - 1) + e for ss, i, e in zip(s, spatial, eff)]
        attrs["output_shape"] = [f - int(rng.integers(0, 2)) for f in full]
    else:
        attrs["auto_pad"] = str(mode).upper()
        if op in ("MaxPool", "AveragePool") and mode != "valid":
            # onnxruntime pads SAME pools for the undilated window and so emits fewer
            # outputs than the spec's ceil(in / stride); we follow the spec (as Conv does).
            attrs.pop("dilations", None)
    if op in ("MaxPool", "AveragePool") and "auto_pad" not in attrs:
        attrs["ceil_mode"] = int(rng.integers(0, 2))
    if op == "AveragePool":
        attrs["count_include_pad"] = int(rng.integers(0, 2))
    if any(e > i + (attrs.get("pads") or [0] * 2 * nd)[j] + (attrs.get("pads") or [0] * 2 * nd)[nd + j]
           for j, (e, i) in enumerate(zip(eff, spatial))) and op != "ConvTranspose":
        return None  # window larger than the padded input
    x = rng.standard_normal([n, c] + spatial).astype(np.float32)
    inputs = ["x"] + [t.name for t in inits]
    node = helper.make_node(op, inputs, ["y"], **attrs)
    graph = helper.make_graph(
        [node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], initializer=inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)]), x


@pytest.mark.parametrize("op", ["Conv", "ConvTranspose", "MaxPool", "AveragePool"])
def test_random_windows_match_onnxruntime(op):
    """30 random 1-D/2-D/3-D configurations per op (groups, strides, dilations, explicit
    and auto pads, ceil_mode, count_include_pad, output_shape) through import + verify +
    execute, against onnxruntime."""
    ort = pytest.importorskip("onnxruntime")
    from npu.interp.executor import Program
    from npu.onnx.importer import import_model

    rng = np.random.default_rng(1234 + len(op))
    ctx = make_context()
    checked = 0
    while checked < 30:
        case = _window_case(rng, op)
        if case is None:
            continue
        model, x = case
        try:
            sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
            ref = sess.run(None, {"x": x})[0]
        except Exception:  # onnxruntime rejects some corner configurations
            continue
        del model.graph.output[:]
        model.graph.output.append(helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, list(ref.shape)))
        module = import_model(model, context=ctx)
        with module.context:
            got = Program(module).run({"x": x})["y"]
        what = f"{op} {[(a.name, helper.get_attribute_value(a)) for a in model.graph.node[0].attribute]} x{list(x.shape)}"
        assert got.shape == ref.shape, what
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-5, err_msg=what)
        checked += 1


# ------------------------------------------------- random RNNs vs onnxruntime

_GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}


def _rnn_case(rng: np.random.Generator, op: str):
    from onnx import TensorProto

    seq, batch, inp, hid = (int(rng.integers(1, 6)) for _ in range(4))
    direction = str(rng.choice(["forward", "reverse", "bidirectional"]))
    dirs = 2 if direction == "bidirectional" else 1
    g = _GATES[op]
    f32 = lambda *s: (0.5 * rng.standard_normal(s)).astype(np.float32)  # noqa: E731
    feeds = {"X": f32(seq, batch, inp)}
    inits = [numpy_helper.from_array(f32(dirs, g * hid, inp), "W"), numpy_helper.from_array(f32(dirs, g * hid, hid), "R")]
    names = ["X", "W", "R"]
    optional = {
        "B": lambda: f32(dirs, 2 * g * hid),
        "sequence_lens": lambda: rng.integers(1, seq + 1, size=batch).astype(np.int32),
        "initial_h": lambda: f32(dirs, batch, hid),
        "initial_c": lambda: f32(dirs, batch, hid),
        "P": lambda: f32(dirs, 3 * hid),
    }
    slots = ["B", "sequence_lens", "initial_h"] + (["initial_c", "P"] if op == "LSTM" else [])
    for name in slots:
        if rng.random() < 0.6:
            inits.append(numpy_helper.from_array(optional[name](), name))
            names.append(name)
        else:
            names.append("")
    while names[-1] == "":
        names.pop()
    attrs = {"hidden_size": hid, "direction": direction}
    if rng.random() < 0.3:
        attrs["clip"] = float(rng.uniform(0.5, 2.0))
    if op == "GRU":
        attrs["linear_before_reset"] = int(rng.integers(0, 2))
    if op == "LSTM" and rng.random() < 0.3:
        attrs["input_forget"] = 1
    if op == "RNN" and rng.random() < 0.5:
        attrs["activations"] = ["Relu", "Tanh"][:dirs] if dirs == 2 else ["Relu"]
    outs = ["Y", "Y_h"] + (["Y_c"] if op == "LSTM" else [])
    node = helper.make_node(op, names, outs, **attrs)
    graph = helper.make_graph(
        [node], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [seq, batch, inp])],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outs], initializer=inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]), feeds


@pytest.mark.parametrize("op", ["LSTM", "GRU", "RNN"])
def test_random_rnns_match_onnxruntime(op):
    """15 random LSTM/GRU/RNN nodes per op (directions, sequence_lens, initial states,
    peepholes, clip, input_forget, linear_before_reset, activations) against onnxruntime."""
    ort = pytest.importorskip("onnxruntime")
    from npu.interp.executor import Program
    from npu.onnx.importer import import_model

    rng = np.random.default_rng(99 + len(op))
    ctx = make_context()
    for _ in range(15):
        model, feeds = _rnn_case(rng, op)
        sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        refs = sess.run(None, feeds)
        outs = [o.name for o in model.graph.output]
        del model.graph.output[:]
        for name, ref in zip(outs, refs):
            model.graph.output.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, list(ref.shape)))
        module = import_model(model, context=ctx)
        with module.context:
            got = Program(module).run(feeds)
        what = f"{op} {[(a.name, helper.get_attribute_value(a)) for a in model.graph.node[0].attribute]} inputs {list(model.graph.node[0].input)}"
        for name, ref in zip(outs, refs):
            np.testing.assert_allclose(got[name], ref, rtol=1e-4, atol=1e-5, err_msg=f"{what} output {name}")


def test_random_deform_conv_matches_onnxruntime():
    """12 random DeformConv nodes (groups, offset groups, kernel, strides, dilations, pads,
    bias and mask) against onnxruntime."""
    ort = pytest.importorskip("onnxruntime")
    from npu.interp.executor import Program
    from npu.onnx.importer import import_model

    rng = np.random.default_rng(5)
    ctx = make_context()
    f32 = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    for _ in range(12):
        g, og = int(rng.choice([1, 2])), int(rng.choice([1, 2]))
        c, m = int(np.lcm(g, og)) * int(rng.integers(1, 3)), g * int(rng.integers(1, 3))
        k = [int(rng.integers(1, 4)), int(rng.integers(1, 4))]
        s, d, p = int(rng.integers(1, 3)), int(rng.integers(1, 3)), int(rng.integers(0, 2))
        oh, ow = ((n + 2 * p - (kk - 1) * d - 1) // s + 1 for n, kk in zip((5, 6), k))
        feeds = {"x": f32(1, c, 5, 6), "off": 1.5 * f32(1, og * k[0] * k[1] * 2, oh, ow),
                 "mask": rng.random((1, og * k[0] * k[1], oh, ow)).astype(np.float32)}
        node = helper.make_node("DeformConv", ["x", "w", "off", "b", "mask"], ["y"], kernel_shape=k,
                                strides=[s, s], dilations=[d, d], pads=[p] * 4, group=g, offset_group=og)
        graph = helper.make_graph(
            [node], "g", [helper.make_tensor_value_info(n, onnx.TensorProto.FLOAT, list(a.shape)) for n, a in feeds.items()],
            [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, m, oh, ow])],
            initializer=[numpy_helper.from_array(f32(m, c // g, *k), "w"), numpy_helper.from_array(f32(m), "b")],
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 22)])
        ref = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, feeds)[0]
        module = import_model(model, context=ctx)
        with module.context:
            got = Program(module).run(feeds)["y"]
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-5, err_msg=str(node.attribute))
