"""Regression: a layer with one output channel quantized per channel.

Its per-axis type has a single scale, which the attribute spelling reads as
per-tensor; the verifier must accept the two as the same parameters, and the
quantized model must still track the float one.
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import npu.quant as Q
from npu.interp.executor import run_module
from npu.onnx.importer import import_model


def _one_output_gemm(path):
    rng = np.random.default_rng(0)
    w = rng.standard_normal((1, 8)).astype(np.float32)
    b = rng.standard_normal((1,)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "W", "B"], ["y"], name="fc", transB=1)],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def test_single_output_channel_gemm_quantizes_and_tracks_float(tmp_path, monkeypatch):
    monkeypatch.setenv("NPU_CACHE_DIR", str(tmp_path / "cache"))
    path = str(tmp_path / "gemm1.onnx")
    _one_output_gemm(path)
    rng = np.random.default_rng(1)
    calib = [{"x": rng.standard_normal((1, 8)).astype(np.float32)} for _ in range(8)]
    module, _ = Q.quantize(path, calib, scheme="int8", per_channel=True)
    x = calib[0]["x"]
    got = run_module(module, {"x": x})["y"]
    want = run_module(import_model(path), {"x": x})["y"]
    assert got.shape == (1, 1)
    assert abs(float(got[0, 0]) - float(want[0, 0])) < 0.05 * max(1.0, abs(float(want[0, 0])))
