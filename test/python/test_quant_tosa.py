"""The integer core of quantized models, run by the TOSA reference model, equals the golden interpreter bit for bit.

npu.quant.tosa_export writes the level-2 int8 program between the input's quantize
and the output's dequantize as upstream TOSA (conv2d, depthwise_conv2d, rescale,
clamp, table, max_pool2d, reshape, transpose, matmul, add, reduce_sum, and for the
transformer the integer softmax and layer norm expanded into reduce_max, cast, sub,
mul, table int16, clz, logical_left_shift, bitwise_and, arithmetic_right_shift);
`tosa_reference_model`
(tosa-tools, in .venv-tosa) runs it on the int8 input the interpreter computed, and
its int32 output must equal the interpreter's accumulator that feeds the final
dequantize. Skips cleanly when the TOSA venv is absent (`make .venv-tosa/.installed`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from npu.interp.executor import Program
from npu.quant import quantize
from npu.quant.tosa_export import export
from npu.testing.tosa_oracle import TosaOracle, TosaOracleUnavailable

ROOT = Path(__file__).resolve().parents[2]
CASES = {
    "digits_cnn": (ROOT / "examples/digits/digits_cnn.onnx", ROOT / "examples/digits/calib",
                   ROOT / "examples/digits/digits_test.npz", (1, 1, 8, 8)),
    "digits_resnet": (ROOT / "bench/quant_models/digits_resnet/model.onnx", ROOT / "bench/quant_models/digits_resnet/calib",
                      ROOT / "bench/quant_models/digits_resnet/test.npz", (1, 1, 8, 8)),
    "digits_transformer": (ROOT / "examples/digits/digits_transformer.onnx", ROOT / "examples/digits/calib",
                           ROOT / "examples/digits/digits_test_seq.npz", (1, 8, 8)),
}


@pytest.fixture(scope="module")
def oracle():
    try:
        return TosaOracle.locate()
    except TosaOracleUnavailable as err:
        pytest.skip(str(err))


def _golden(program: Program, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int8 input after quantize, integer operand of the final dequantize) for one sample."""
    seen: list = []
    program.run({"input": x}, on_result=lambda op, values: seen.append((op.name, values[0])))
    q_in = next(v for name, v in seen if name == "npu_tensor.quantize")
    last = max(i for i, (name, _) in enumerate(seen) if name == "npu_tensor.dequantize")
    return q_in, seen[last - 1][1]


@pytest.mark.parametrize("name", list(CASES))
def test_integer_core_matches_tosa_reference_model(oracle, name, tmp_path, monkeypatch):
    monkeypatch.setenv("NPU_CACHE_DIR", str(tmp_path))
    model, calib, split, shape = CASES[name]
    calib = [np.load(f)["input"].reshape(shape) for f in sorted(calib.glob("*.npz"))]
    module, report = quantize(model, calib, "int8", progress=False)
    core = export(module)
    for op in ("tosa.conv2d", "tosa.rescale", "tosa.matmul") if name != "digits_transformer" else ("tosa.matmul",):
        assert op in core.text
    if name == "digits_resnet":
        for op in ("tosa.depthwise_conv2d", "tosa.table", "tosa.add", "tosa.reduce_sum"):
            assert op in core.text
    if name == "digits_transformer":  # fully integer: every softmax and layer norm is in the core
        assert not report.float_ops
        assert {o["kind"] for o in report.integer_ops} == {"softmax", "layer_normalization"}
        for op in ("tosa.clz", "tosa.reduce_max", "tosa.logical_left_shift", "tosa.transpose"):
            assert op in core.text
    xs = np.load(split)["x"]
    rng = np.random.default_rng(0)
    with module.context:
        program = Program(module)
        for i in rng.choice(len(xs), size=3, replace=False):
            q_in, expected = _golden(program, xs[i].reshape(shape))
            got = oracle.run(core.text, [q_in.transpose(0, 2, 3, 1) if core.input_nhwc else q_in])[0]
            if core.output_nhwc:
                got = got.transpose(0, 3, 1, 2)
            assert got.dtype == expected.dtype and np.array_equal(got, expected), f"{name} sample {i}"
