"""npu.spatial.pipeline: the ALLOC pass order (schedule before SRAM allocation) and the GC pause per pass."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import npu.spatial as spatial
from npu.errors import NpuError
from npu.ir.context import make_context, parse_module
from npu.onnx.importer import import_model
from npu.passes import is_registered
from npu.spatial.pipeline import LowerOptions, pipeline_passes
from npu.target import load_target

DIGITS = Path(__file__).resolve().parents[2] / "examples" / "digits"


def test_schedule_runs_before_sram_allocation_and_decompose_first():
    names = [step.split("{")[0] for step in pipeline_passes(LowerOptions())]
    assert names[:3] == ["npu-drop-dead", "npu-fold-empty", "npu-decompose"]  # dead ops gone, empty tensors folded, before anything reads them
    if is_registered("npu-schedule") and is_registered("npu-alloc-sram"):
        assert names.index("npu-schedule") < names.index("npu-alloc-sram") < names.index("npu-alloc-ext")
        assert names[-1] == "npu-check-races"
    off = [step.split("{")[0] for step in pipeline_passes(LowerOptions(schedule=False))]
    assert "npu-schedule" not in off and "npu-alloc-sram" in off


def test_lowering_leaves_the_garbage_collector_as_it_found_it():
    module = import_model(str(DIGITS / "digits_cnn.onnx"), context=make_context())
    assert gc.isenabled()
    spatial.lower_module(module, load_target("edge-lpddr"))
    assert gc.isenabled()
    gc.disable()
    try:  # a caller that turned it off keeps it off
        spatial.lower_module(import_model(str(DIGITS / "digits_cnn.onnx"), context=make_context()),
                             load_target("edge-lpddr"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_failing_pass_still_reenables_the_garbage_collector():
    ctx = make_context()
    module = parse_module("""
      func.func @main(%x: tensor<4xf64> {npu.name = "x"}) -> (tensor<4xf64> {npu.name = "y"}) {
        %0 = "npu_tensor.sin"(%x) : (tensor<4xf64>) -> tensor<4xf64> loc("my_sin")
        return %0 : tensor<4xf64>
      }""", ctx)
    with pytest.raises(NpuError, match="my_sin"):
        spatial.lower_module(module, load_target("edge-lpddr"))
    assert gc.isenabled()
