"""npu-opt in process: pass registry, option parsing, pipelines, error contract."""

import subprocess
import sys
from pathlib import Path

import pytest

import npu.passes as registry
from npu.errors import NpuError
from npu.ir.pass_base import Pass
from npu.ir.pipeline import parse_pipeline, split_top_level
from npu.tools.opt import run

GOOD = """
func.func @f(%a: tensor<2x8xf32>) -> tensor<4x4xf32> {
  %0 = "npu_tensor.reshape"(%a) : (tensor<2x8xf32>) -> tensor<16xf32>
  %1 = "npu_tensor.reshape"(%0) : (tensor<16xf32>) -> tensor<4x4xf32>
  return %1 : tensor<4x4xf32>
}
"""


def test_registry_names_match_modules():
    names = registry.pass_names()
    assert "npu-verify" in names and "npu-fold-reshape" in names
    for name in names:
        cls = registry.get_pass_class(name)
        assert issubclass(cls, Pass) and cls.NAME == name and cls.SUMMARY


def test_unknown_pass_suggests_close_names():
    with pytest.raises(NpuError, match="did you mean npu-verify"):
        registry.get_pass_class("npu-verfy")


def test_options_are_typed():
    cls = registry.get_pass_class("npu-fold-reshape")
    assert cls.from_options("max-iterations=3").max_iterations == 3
    with pytest.raises(NpuError, match="expects int"):
        cls.from_options("max-iterations=three")


def test_split_top_level_respects_nesting():
    assert split_top_level("a{x=1,y=2}, func.func(cse, canonicalize), b") == [
        "a{x=1,y=2}",
        "func.func(cse, canonicalize)",
        "b",
    ]


def test_pipeline_mixes_python_and_upstream_steps():
    steps = parse_pipeline("builtin.module(npu-fold-reshape, canonicalize, func.func(cse))")
    assert [s.name for s in steps] == ["npu-fold-reshape", "canonicalize", "func.func"]
    assert steps[0].python_pass is not None and steps[1].python_pass is None


def test_python_pass_nested_under_anchor_is_rejected():
    with pytest.raises(NpuError, match="run on the module only"):
        parse_pipeline("func.func(npu-verify)")


def test_run_writes_output_file(tmp_path):
    src = tmp_path / "in.mlir"
    src.write_text(GOOD)
    out = tmp_path / "out.mlir"
    assert run([str(src), "-o", str(out), "--npu-fold-reshape"]) == 0
    text = out.read_text()
    assert text.count("npu_tensor.reshape") == 1 and "tensor<2x8xf32>) -> tensor<4x4xf32>" in text


def test_failure_leaves_no_output(tmp_path, capsys):
    src = tmp_path / "bad.mlir"
    src.write_text(GOOD.replace("tensor<16xf32>) -> tensor<4x4xf32>", "tensor<16xf32>) -> tensor<4x5xf32>").replace(
        "-> tensor<4x4xf32> {", "-> tensor<4x5xf32> {").replace("return %1 : tensor<4x4xf32>", "return %1 : tensor<4x5xf32>"))
    out = tmp_path / "out.mlir"
    assert run([str(src), "-o", str(out)]) == 1
    assert not out.exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.mlir:4:8: error: 'npu_tensor.reshape' op expects the same number of elements" in err[0]


def test_cli_has_no_traceback_on_internal_paths(tmp_path):
    src = tmp_path / "x.mlir"
    src.write_text("this is not mlir")
    proc = subprocess.run([sys.executable, "-m", "npu.tools.opt", str(src)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "x.mlir:1:1: error:" in proc.stderr


def test_target_flag_loads_presets_and_rejects_bad_files(tmp_path, capsys):
    src = tmp_path / "in.mlir"
    src.write_text(GOOD)
    assert run([str(src), "--target=edge-lpddr", "-o", str(tmp_path / "o.mlir")]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("[mesh]\nrows = -1\n")
    with pytest.raises(NpuError, match="bad.toml"):
        run([str(src), f"--target={bad}"])
