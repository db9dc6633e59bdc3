"""End to end: npu-compile, npu-run on .npubin, the Python API (npu.compile / npu.load), real models.

Every bundled model compiled to a binary must give, on the level-4 interpreter,
exactly the outputs of its level-4 IR (before encoding), and the level-4 run
must track onnxruntime.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import npu
from npu.errors import NpuError

ROOT = Path(__file__).resolve().parents[2]
DIGITS = ROOT / "examples" / "digits"
CNN = DIGITS / "digits_cnn.onnx"
TRANSFORMER = DIGITS / "digits_transformer.onnx"
BIN = Path(sys.executable).parent


def tool(name: str, *args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / name), *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def cnn_input(tmp_path_factory):
    path = tmp_path_factory.mktemp("io") / "x.npz"
    np.savez(path, input=np.load(DIGITS / "digits_test.npz")["x"][:1])
    return path


@pytest.fixture(scope="module")
def cnn_binary(tmp_path_factory):
    out = tmp_path_factory.mktemp("cnn")
    done = tool("npu-compile", CNN, "-o", out / "cnn.npubin", "--target", "edge-lpddr", "--report", out / "r.json")
    assert done.returncode == 0, done.stderr
    return out, done


def test_npu_compile_writes_binary_report_progress_and_summary(cnn_binary):
    out, done = cnn_binary
    assert (out / "cnn.npubin").read_bytes()[:8] == b"\x7fNPUBIN\x00"
    progress = [line for line in done.stderr.splitlines() if line.startswith("npu-compile: [")]
    assert [line.split("] ")[1].split(":")[0] for line in progress] == ["import", "quantize", "lower", "predict",
                                                                          "encode"]
    report = json.loads((out / "r.json").read_text())
    b = report["binary"]
    assert b["bytes"] == (out / "cnn.npubin").stat().st_size
    assert 0 < b["pes_used"] <= b["pes_total"] == 16
    assert 0 < b["sram_peak_bytes"] <= b["sram_bytes_per_pe"]
    assert report["graph_ops"] > 0 and report["performance"]["cycles"] > 0
    assert f"{b['pes_used']} of 16 PEs used" in done.stdout
    assert f"SRAM peak: {b['sram_peak_bytes']} of 524288 bytes per PE" in done.stdout


def test_npu_run_binary_compares_with_onnxruntime(cnn_binary, cnn_input):
    out, _ = cnn_binary
    done = tool("npu-run", out / "cnn.npubin", "--input", cnn_input, "--output", out / "y.npz", "--compare", CNN)
    assert done.returncode == 0, done.stderr
    assert "top-1 agreement 100.0%" in done.stdout
    y = np.load(out / "y.npz")["logits"]
    assert y.shape == (1, 10) and y.dtype == np.float32


def test_npu_run_binary_rejects_wrong_inputs_and_targets(cnn_binary, cnn_input, tmp_path):
    out, _ = cnn_binary
    x = np.load(cnn_input)["input"]
    cases = {"shape.npz": ({"input": x[:, :, :4]}, "input 'input' expects [1, 1, 8, 8] float32, got [1, 1, 4, 8]"),
             "dtype.npz": ({"input": x.astype(np.float64)}, "expects [1, 1, 8, 8] float32, got [1, 1, 8, 8] float64"),
             "name.npz": ({"image": x, "other": x}, "unknown input 'image'")}
    for name, (arrays, message) in cases.items():
        np.savez(tmp_path / name, **arrays)
        done = tool("npu-run", out / "cnn.npubin", "--input", tmp_path / name)
        assert done.returncode == 1 and message in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    done = tool("npu-run", out / "cnn.npubin", "--input", cnn_input, "--target", "large-inference")
    assert done.returncode == 1 and "at byte 24: built for target 'edge-lpddr'" in done.stderr


def test_npu_compile_errors_are_one_line_and_write_nothing(tmp_path):
    cases = [(["missing.onnx", "--target", "edge-lpddr"], "cannot read 'missing.onnx'"),
             ([CNN, "--target", "no-such-chip"], "unknown target preset 'no-such-chip'"),
             ([CNN, "--target", "edge-lpddr", "--quant", "int8"], "needs calibration data (--calib DIR)"),
             ([CNN, "--target", "edge-lpddr", "--emit=level2"], "emitting level 2 needs quantization")]
    (tmp_path / "bad.onnx").write_bytes(b"not an onnx model")
    cases.append(([tmp_path / "bad.onnx", "--target", "edge-lpddr"], "bad.onnx"))
    for args, message in cases:
        done = tool("npu-compile", *args, "-o", tmp_path / "out.npubin", "--report", tmp_path / "r.json")
        assert done.returncode == 1, done.stderr
        errors = [line for line in done.stderr.splitlines() if not line.startswith("npu-compile: [")]
        assert len(errors) == 1 and errors[0].startswith("npu-compile: error: ") and message in errors[0], done.stderr
        assert not (tmp_path / "out.npubin").exists() and not (tmp_path / "r.json").exists()


def test_npu_compile_emits_each_level(tmp_path):
    done = tool("npu-compile", CNN, "--target", "edge-lpddr", "--emit=level1", "-o", tmp_path / "l1.mlir", "-q")
    assert done.returncode == 0 and '"npu_tensor.conv"' in (tmp_path / "l1.mlir").read_text()
    done = tool("npu-compile", CNN, "--target", "edge-lpddr", "--emit=level4", "-o", tmp_path / "l4.mlir", "-q")
    assert done.returncode == 0, done.stderr
    level4 = (tmp_path / "l4.mlir").read_text()
    assert '"npu_pe.' in level4 and "offset = " in level4
    # the emitted level 4 encodes to the same program the binary holds
    done = tool("npu-translate", "--to-binary", tmp_path / "l4.mlir", "-o", tmp_path / "l4.npubin")
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------- Python API, real models

def _run_both(model, target, x, **kw):
    """(outputs of the binary, outputs of the level-4 IR it was encoded from, artifact)."""
    from npu.api import build
    from npu.interp.level4 import run_level4

    level4, _ = build(model, target, emit="level4", **kw)
    art = npu.compile(model, target=target, **kw)
    return art.run(x), run_level4(level4, x, target=art.target), art


@pytest.mark.parametrize("model,target,key", [(CNN, "edge-lpddr", "x"), (TRANSFORMER, "datacenter-hbm", "x")],
                         ids=["cnn-edge", "transformer-datacenter"])
def test_real_models_binary_equals_level4_and_tracks_onnxruntime(model, target, key, tmp_path):
    import onnxruntime as ort

    data = np.load(DIGITS / ("digits_test.npz" if model == CNN else "digits_test_seq.npz"))
    x = {"input": data[key][:1]}
    from_binary, from_level4, art = _run_both(model, target, x)
    for name in from_level4:
        np.testing.assert_array_equal(from_binary[name], from_level4[name])
    sess = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    ref = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, x)))
    for name, want in ref.items():
        np.testing.assert_allclose(from_binary[name], want, rtol=1e-4, atol=1e-4)
    art.save(tmp_path / "m.npubin")
    again = npu.load(tmp_path / "m.npubin")
    assert again.data == art.data
    np.testing.assert_array_equal(again.run(x)[next(iter(ref))], from_binary[next(iter(ref))])


def test_quantized_binary_equals_its_level4(tmp_path):
    x = {"input": np.load(DIGITS / "digits_test.npz")["x"][:2][:1]}
    from_binary, from_level4, art = _run_both(CNN, "edge-lpddr", x, quant="int8", calibration=DIGITS / "calib")
    np.testing.assert_array_equal(from_binary["logits"], from_level4["logits"])
    assert art.report["quant"] == "int8" and art.report["quantized_ops"] > 0
    weights = [s for s in art._loaded.binary.symbols if s.kind == "weight"]
    assert any(s.type.dtype == "i8" for s in weights)


def test_artifact_checks_inputs_against_the_symbol_table(cnn_binary):
    out, _ = cnn_binary
    art = npu.load(out / "cnn.npubin")
    assert [(s.name, s.shape, str(s.dtype)) for s in art.inputs] == [("input", (1, 1, 8, 8), "float32")]
    x = np.zeros((1, 1, 8, 8), np.float32)
    with pytest.raises(NpuError, match="missing input 'input'"):
        art.run({})
    with pytest.raises(NpuError, match=r"input 'input' expects \[1, 1, 8, 8\] float32 \(the binary's symbol "
                                       r"table\), got \[1, 8, 8\] float32"):
        art.run({"input": x[0]})
    with pytest.raises(NpuError, match="unknown input 'x'"):
        art.run({"input": x, "x": x})
    assert art.run({"input": x})["logits"].shape == (1, 10)
