"""npu-drop-dead: dead ops leave the graph, live ones and the results are untouched, on golden and level 4."""

from __future__ import annotations

import numpy as np
import pytest
from mlir import ir

import npu.spatial as spatial
from npu.errors import NpuError
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.ir.pass_base import PassEnv
from npu.ir.pipeline import parse_element
from npu.spatial.cost import Chip
from npu.spatial.lowering import lower_to_pe
from npu.target import load_target
from passes.drop_dead import drop_dead

# neg feeds a reduce_max that is an output (live); abs of that max is read by nothing (dead)
DEAD_BRANCH = """
func.func @main(%x: tensor<4x8xi8> {npu.name = "x"}) -> (tensor<4x8xi8> {npu.name = "y"}, tensor<4x1xi8> {npu.name = "m"}) {
  %e = "npu_tensor.neg"(%x) : (tensor<4x8xi8>) -> tensor<4x8xi8>
  %m = "npu_tensor.reduce_max"(%e) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<4x8xi8>) -> tensor<4x1xi8>
  %d = "npu_tensor.abs"(%m) : (tensor<4x1xi8>) -> tensor<4x1xi8>
  %y = "npu_tensor.relu"(%x) : (tensor<4x8xi8>) -> tensor<4x8xi8>
  return %y, %m : tensor<4x8xi8>, tensor<4x1xi8>
}
"""


def _parse(ctx) -> ir.Module:
    return ir.Module.parse(DEAD_BRANCH, ctx)


def _ops(module: ir.Module) -> list[str]:
    main = module.body.operations[0]
    return [op.operation.name for op in main.regions[0].blocks[0].operations]


def test_only_ops_no_output_depends_on_are_erased():
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = _parse(ctx)
        assert drop_dead(module.body.operations[0].operation) == 1
        assert _ops(module) == ["npu_tensor.neg", "npu_tensor.reduce_max", "npu_tensor.relu", "func.return"]


@pytest.mark.parametrize("preset", ["edge-lpddr", "datacenter-hbm"])
def test_dead_branch_lowers_bit_identically(preset):
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = _parse(ctx)
        prog = Program(module)
        rng = np.random.default_rng(0)
        inputs = {s.name: rng.integers(-128, 128, s.shape).astype(np.int8) for s in prog.inputs}
        gold = list(prog.run(inputs).values())
        target = load_target(preset)
        got = list(run_level4(spatial.lower_module(module, target), inputs, target=target).values())
    assert len(gold) == len(got) == 2
    for g, o in zip(gold, got):
        assert g.dtype == o.dtype and np.array_equal(g, o)


def test_lower_to_pe_names_a_dead_op_when_run_without_the_pass():
    ctx = make_context()
    target = load_target("edge-lpddr")
    with ctx, ir.Location.unknown():
        module = _parse(ctx)
        for name in ("npu-tile", "npu-place"):
            parse_element(name).run(module, PassEnv(target=target))
        with pytest.raises(NpuError, match="'npu_tensor.abs' op computes a value no graph output depends on"):
            lower_to_pe(module.operation, Chip(target))
