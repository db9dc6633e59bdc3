"""`python -m npu.quant` end to end: level-2 MLIR out, report in JSON/text (and the plot), overrides."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
CNN = ROOT / "examples" / "digits" / "digits_cnn.onnx"


def _run(args, tmp_path):
    env = {"NPU_CACHE_DIR": str(tmp_path / "cache"), "PATH": str(Path(sys.executable).parent)}
    return subprocess.run([sys.executable, "-m", "npu.quant", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=ROOT)


def test_cli_writes_module_and_report(tmp_path):
    out = tmp_path / "r" / "cnn.json"
    proc = _run([CNN, "--calib", ROOT / "examples/digits/calib", "--eval", ROOT / "examples/digits/digits_test.npz",
                 "--eval-limit", "40", "--ort", "--override", "fc=fp16", "--report", out, "-o", tmp_path / "cnn.mlir",
                 "--no-progress"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    rep = json.loads(out.read_text())
    assert rep["layers"][-1] == {**rep["layers"][-1], "name": "fc", "precision": "fp16"}
    assert [r["precision"] for r in rep["layers"][:3]] == ["int8"] * 3
    assert rep["accuracy"]["samples"] == 40 and 0.9 <= rep["accuracy"]["top1"] <= 1.0
    names = [r["name"] for r in rep["per_layer"]]
    assert names[:3] == ["input", "conv1", "relu1"] and "fc" in names
    assert {r["name"] for r in rep["ort"]["per_layer"]} >= {"conv1", "relu1", "conv2"}
    assert "first error jump" in out.with_suffix(".txt").read_text()
    assert out.with_suffix(".png").exists() == (importlib.util.find_spec("matplotlib") is not None)
    check = subprocess.run([str(Path(sys.executable).parent / "npu-opt"), str(tmp_path / "cnn.mlir")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert '"npu_tensor.conv_int"' in check.stdout and '"npu_tensor.matmul_float"' in check.stdout


def test_cli_mixed_search(tmp_path):
    xs = np.load(ROOT / "examples/digits/digits_test.npz")
    np.savez(tmp_path / "val.npz", x=xs["x"][:24])  # evaluation inputs without labels: agreement with fp32
    out = tmp_path / "mixed.json"
    proc = _run([CNN, "--calib", ROOT / "examples/digits/calib", "--quant", "int4", "--search", "sqnr>=24",
                 "--high", "bf16", "--eval", tmp_path / "val.npz", "--report", out, "--no-progress"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    s = json.loads(out.read_text())["search"]
    assert s["met"] and s["all_low_score"] < 24.0 <= s["score"]
    assert 0 < len(s["kept"]) < s["layers"] and s["eval_samples"] == 24
