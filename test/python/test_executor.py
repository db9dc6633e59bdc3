"""The golden interpreter's executor: inputs, outputs, constants, trace hook, errors."""

import subprocess
import sys

import numpy as np
import onnx
import pytest
from mlir import ir
from onnx import TensorProto, helper, numpy_helper

import npu
from npu.errors import NpuError
from npu.interp.executor import Program, run_module
from npu.ir.attrs import from_attr, to_attr
from npu.ir.context import make_context, parse_module


def _model():
    w = numpy_helper.from_array(np.linspace(-1, 1, 300, dtype=np.float32).reshape(3, 100), "w")
    nodes = [
        helper.make_node("Mul", ["x", "w"], ["m"], name="mul1"),
        helper.make_node("Relu", ["m"], ["r"], name="relu1"),
        helper.make_node("Transpose", ["r"], ["y"], name="t1", perm=[1, 0]),
    ]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 100])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [100, 3])], [w],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), numpy_helper.to_array(w)


def test_runs_and_reads_dense_resources_after_a_text_round_trip():
    model, w = _model()
    text = str(npu.import_onnx(model))
    assert "dense_resource<w>" in text
    ctx = make_context()
    module = parse_module(text, ctx)
    x = np.random.default_rng(0).standard_normal((3, 100)).astype(np.float32)
    out = run_module(module, {"x": x})
    np.testing.assert_array_equal(out["y"], np.maximum(x * w, 0).T)


def test_trace_hook_sees_every_op_with_its_node_name():
    model, _ = _model()
    module = npu.import_onnx(model)
    seen = []
    x = np.ones((3, 100), np.float32)
    npu.run(module, {"x": x}, on_result=lambda op, values: seen.append((str(op.location), values[0].shape)))
    assert [s[1] for s in seen] == [(3, 100), (3, 100), (100, 3)]
    assert 'loc("mul1"' in seen[0][0] and 'loc("t1"' in seen[2][0]


@pytest.mark.parametrize(
    "inputs, message",
    [
        ({}, "missing input 'x' (shape [3, 100] float32)"),
        ({"x": np.ones((3, 100), np.float32), "z": np.ones(1)}, "unknown input 'z' (the model takes: x)"),
        ({"x": np.ones((100, 3), np.float32)}, "input 'x' expects shape [3, 100] float32, got shape [100, 3] float32"),
        ({"x": np.ones((3, 100), np.float64)}, "input 'x' expects shape [3, 100] float32, got shape [3, 100] float64"),
    ],
)
def test_bad_inputs_are_one_line_errors(inputs, message):
    module = npu.import_onnx(_model()[0])
    with pytest.raises(NpuError) as err:
        run_module(module, inputs)
    assert str(err.value) == message


def test_an_op_without_kernel_is_named():
    ctx = make_context()
    text = """func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
      %0 = "npu_tensor.relu"(%a) : (tensor<2xf32>) -> tensor<2xf32> loc("r1"("Relu"))
      %1 = "math.absf"(%0) : (tensor<2xf32>) -> tensor<2xf32> loc("abs1"("Abs"))
      return %1 : tensor<2xf32>
    }"""
    module = parse_module(text, ctx)
    with pytest.raises(NpuError, match=r"'math.absf' at abs1\(Abs\): no interpreter kernel for 'math.absf'"):
        Program(module)


def test_a_kernel_error_names_the_op():
    ctx = make_context()
    text = """func.func @main(%a: tensor<2xi32>, %b: tensor<2xi32>) -> tensor<2xi32> {
      %0 = "npu_tensor.div"(%a, %b) : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32> loc("d1"("Div"))
      return %0 : tensor<2xi32>
    }"""
    module = parse_module(text, ctx)
    with pytest.raises(NpuError, match=r"'npu_tensor.div' at d1\(Div\): integer division by zero"):
        run_module(module, {"arg0": np.array([1, 2], np.int32), "arg1": np.array([1, 0], np.int32)})


def test_integer_division_truncates_toward_zero():
    ctx = make_context()
    text = """func.func @main(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
      %0 = "npu_tensor.div"(%a, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
      return %0 : tensor<4xi32>
    }"""
    out = run_module(parse_module(text, ctx), {"arg0": np.array([7, -7, 7, -7], np.int32), "arg1": np.array([2, 2, -2, -2], np.int32)})
    assert out["output0"].tolist() == [3, -3, -3, 3]


def test_attrs_keep_rank_and_element_type():
    with make_context(), ir.Location.unknown():
        for value in [np.array(2.5, np.float32), np.array([[1, 2]], np.uint8), np.array([True, False])]:
            back = from_attr(to_attr(value))
            assert back.shape == value.shape and back.dtype == value.dtype
            np.testing.assert_array_equal(back, value)


def _npu_run(*args):
    return subprocess.run([sys.executable, "-m", "npu.tools.run", *map(str, args)], capture_output=True, text=True)


def test_npu_run_compare_and_errors(tmp_path):
    model, w = _model()
    onnx.save(model, tmp_path / "m.onnx")
    x = np.random.default_rng(1).standard_normal((3, 100)).astype(np.float32)
    np.savez(tmp_path / "x.npz", x=x)
    subprocess.run([sys.executable, "-m", "npu.tools.translate", "--import-onnx", tmp_path / "m.onnx", "-o", tmp_path / "m.mlir"], check=True)
    ok = _npu_run(tmp_path / "m.mlir", "--input", tmp_path / "x.npz", "--output", tmp_path / "y.npz", "--compare", tmp_path / "m.onnx")
    assert ok.returncode == 0, ok.stderr
    assert "y: max abs error 0, SQNR inf dB" in ok.stdout
    np.testing.assert_array_equal(np.load(tmp_path / "y.npz")["y"], np.maximum(x * w, 0).T)
    np.savez(tmp_path / "bad.npz", x=x.T.copy())
    bad = _npu_run(tmp_path / "m.mlir", "--input", tmp_path / "bad.npz", "--output", tmp_path / "out.npz")
    assert bad.returncode == 1 and not (tmp_path / "out.npz").exists()
    assert bad.stderr.strip() == "npu-run: error: input 'x' expects shape [3, 100] float32, got shape [100, 3] float32"
    missing = _npu_run(tmp_path / "m.mlir", "--input", tmp_path / "nope.npz")
    assert missing.returncode == 1 and "cannot read" in missing.stderr and "Traceback" not in missing.stderr


def test_erf_series_matches_scipy():
    from scipy.special import erf as reference

    from npu.interp.kernels_elementwise import erf_series

    x = np.linspace(-9, 9, 20001)
    assert np.max(np.abs(erf_series(x) - reference(x))) < 1e-14


def test_npu_run_onnx_pins_symbolic_batch_from_the_inputs_and_reports_top_k(tmp_path):
    from onnx import TensorProto, helper

    rng = np.random.default_rng(3)
    w = rng.standard_normal((16, 10)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "dyn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 10])],
        [onnx.numpy_helper.from_array(w, "w")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), tmp_path / "dyn.onnx")
    for batch in (1, 5):
        x = rng.standard_normal((batch, 16)).astype(np.float32)
        np.savez(tmp_path / "x.npz", x=x)
        done = _npu_run(tmp_path / "dyn.onnx", "--input", tmp_path / "x.npz", "--output", tmp_path / "y.npz",
                        "--compare", tmp_path / "dyn.onnx")
        assert done.returncode == 0, done.stderr
        assert "top-1 agreement 100.0%, top-5 agreement 100.0%" in done.stdout
        np.testing.assert_allclose(np.load(tmp_path / "y.npz")["y"], x @ w, rtol=1e-5, atol=1e-5)
    wrong_rank = tmp_path / "r.npz"
    np.savez(wrong_rank, x=np.zeros((2, 4, 16), np.float32))
    bad = _npu_run(tmp_path / "dyn.onnx", "--input", wrong_rank)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "rank 2" in bad.stderr and "Traceback" not in bad.stderr
