"""npu_pe.matmul with `unit = "vector"`: the float product of targets whose matrix unit lacks the type.

* its value is the dialect's float chain bit for bit (checked against a scalar loop, not
  the interpreter's own kernel), for f32, bf16 and fp8 inputs, with and without accumulate;
* fp32 gemm / conv on edge-lpddr (no fp32 MACs) lower to it with the tile budget of the
  matrix path: no [M', K', N'] products buffer, no npu_pe.reduce, tiles whose products
  would not even fit the SRAM budget; results within the accumulation-order bound of
  docs/spatial.md;
* the perf model charges the vector unit: two ops per MAC at pe.vector.ops_per_cycle,
  tallied as vector ops, not as MACs of the matrix roofline.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from mlir import ir
from test_level4_interp import MLIR_TYPE, compute_module, run, seq_f32_matmul, spread_floats

import npu.spatial as spatial
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.perf.machine import PerfMachine
from npu.perf.report import build_report
from npu.spatial.cost import Chip
from npu.spatial.family import family_named
from npu.spatial.graph import read_graph
from npu.spatial.program import nbytes
from npu.spatial.tiling import plan_graph
from npu.target import load_target

EDGE = load_target("edge-lpddr")
U = 2.0**-24  # unit roundoff of f32
VECTOR_MATMUL = '"npu_pe.matmul"(%a, %b, %out) {{accumulate = ACC, unit = "vector"}} : ({T_a}, {T_b}, {T_out}) -> ()'


@pytest.fixture(scope="module")
def ctx():
    return make_context()


def _vector_module(a, b, accumulate: bool) -> str:
    m, n = a.shape[0], b.shape[1]
    op = VECTOR_MATMUL.replace("ACC", "true" if accumulate else "false")
    return compute_module(op, {"a": (a.shape, MLIR_TYPE[a.dtype]), "b": (b.shape, MLIR_TYPE[b.dtype])},
                          ((m, n), "f32"), out_init=accumulate)


@pytest.mark.parametrize("dtype", [np.float32, ml_dtypes.bfloat16, ml_dtypes.float8_e4m3fn])
@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("m,k,n", [(5, 48, 7), (9, 20, 9)])  # both evaluation paths of the kernel
def test_vector_unit_matmul_is_the_sequential_f32_chain(dtype, accumulate, m, k, n):
    a, b = spread_floats((m, k), dtype), spread_floats((k, n), dtype)
    c = spread_floats((m, n), np.float32)
    inputs = {"a": a, "b": b} | ({"out_init": c} if accumulate else {})
    out = run(_vector_module(a, b, accumulate), inputs, target=EDGE)["out"]
    ref = seq_f32_matmul(a, b, c if accumulate else None)
    assert out.dtype == np.float32
    assert np.array_equal(out.view(np.uint32), ref.view(np.uint32))


def _gemm(ctx, m: int, k: int, n: int) -> ir.Module:
    return ir.Module.parse(f"""
      func.func @main(%x: tensor<{m}x{k}xf32> {{npu.name = "x"}}, %w: tensor<{k}x{n}xf32> {{npu.name = "w"}},
                      %b: tensor<{n}xf32> {{npu.name = "b"}}) -> (tensor<{m}x{n}xf32> {{npu.name = "y"}}) {{
        %0 = "npu_tensor.gemm"(%x, %w, %b) {{alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64}}
             : (tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>, tensor<{n}xf32>) -> tensor<{m}x{n}xf32>
        return %0 : tensor<{m}x{n}xf32>
      }}""", ctx)


def _conv(ctx) -> ir.Module:
    return ir.Module.parse("""
      func.func @main(%x: tensor<1x32x16x16xf32> {npu.name = "x"}) -> (tensor<1x64x16x16xf32> {npu.name = "y"}) {
        %w = arith.constant dense<0.03> : tensor<64x32x3x3xf32>
        %b = arith.constant dense<0.5> : tensor<64xf32>
        %0 = "npu_tensor.conv"(%x, %w, %b) {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>,
             strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}
             : (tensor<1x32x16x16xf32>, tensor<64x32x3x3xf32>, tensor<64xf32>) -> tensor<1x64x16x16xf32>
        return %0 : tensor<1x64x16x16xf32>
      }""", ctx)


def _lowered_ops(module) -> dict[str, int]:
    counts: dict[str, int] = {}
    for func in module.body.operations:
        if func.operation.name != "func.func":
            continue
        for op in func.regions[0].blocks[0].operations:
            counts[op.operation.name] = counts.get(op.operation.name, 0) + 1
    return counts


def test_edge_fp32_gemm_runs_on_the_vector_unit_with_matrix_sized_tiles(ctx):
    """K = 1024: the plan's tile keeps a [M', K', N'] product set larger than the whole SRAM budget --
    impossible with a products buffer -- and the level-4 program has no reduce and no products."""
    m, k, n = 32, 1024, 128
    module = _gemm(ctx, m, k, n)
    chip = Chip(EDGE)
    graph = read_graph(module.operation)
    node, plan = graph.nodes[0], plan_graph(graph, chip)[0]
    _, mt, nt, kt = plan.tile
    assert chip.fits(family_named("matmul").step_buffers(node, plan.tile, chip))
    assert nbytes((mt, kt, nt), "f32") > chip.sram_budget
    rng = np.random.default_rng(3)
    inputs = {"x": (rng.standard_normal((m, k)) * 10.0 ** rng.integers(-3, 3, (m, k))).astype(np.float32),
              "w": rng.standard_normal((k, n)).astype(np.float32), "b": rng.standard_normal(n).astype(np.float32)}
    gold = Program(module).run(inputs)
    lowered = spatial.lower_module(module, EDGE)
    counts = _lowered_ops(lowered)
    assert counts.get("npu_pe.reduce", 0) == 0
    assert counts["npu_pe.matmul"] >= 1 and 'unit = "vector"' in str(lowered)
    out = run_level4(lowered, inputs, target=EDGE)
    x, w, b = (inputs[name].astype(np.float64) for name in ("x", "w", "b"))
    exact = x @ w + b
    gamma = (k + 1) * U / (1 - (k + 1) * U)
    bound = gamma * (np.abs(x) @ np.abs(w) + np.abs(b))
    assert np.all(np.abs(out["y"] - exact) <= bound)
    assert np.all(np.abs(out["y"] - gold["y"]) <= bound + U * np.abs(exact))


def test_edge_fp32_conv_runs_on_the_vector_unit_within_the_bound(ctx):
    module = _conv(ctx)
    rng = np.random.default_rng(4)
    x = rng.standard_normal((1, 32, 16, 16)).astype(np.float32)
    gold = Program(module).run({"x": x})["y"]
    lowered = spatial.lower_module(module, EDGE)
    counts = _lowered_ops(lowered)
    assert counts.get("npu_pe.reduce", 0) == 0 and counts["npu_pe.im2col"] >= 1
    out = run_level4(lowered, {"x": x}, target=EDGE)["y"]
    # y = 0.5 + sum over 3*3*32 = 288 taps of 0.03 x; gamma_(K+1) (|b| + sum |a_k w_k|) elementwise
    absx = np.pad(np.abs(x[0]).astype(np.float64), ((0, 0), (1, 1), (1, 1)))
    window = sum(absx[:, dy:dy + 16, dx:dx + 16] for dy in range(3) for dx in range(3)).sum(axis=0)
    k = 288
    bound = (k + 1) * U / (1 - (k + 1) * U) * (0.5 + np.float64(np.float32(0.03)) * window)
    assert np.all(np.abs(out[0].astype(np.float64) - gold[0]) <= bound + U * np.abs(gold[0]))


def test_vector_matmul_is_charged_at_the_vector_rate_as_vector_ops():
    from test_level4_interp import parse

    m, k, n = 16, 64, 8
    a = spread_floats((m, k), np.float32)
    b = spread_floats((k, n), np.float32)
    module = parse(_vector_module(a, b, False), target=EDGE)
    machine = PerfMachine(module, EDGE)
    with module.context:
        machine.run({"a": a, "b": b})
    report = build_report(machine)
    assert report.macs == 0  # nothing on the matrix unit
    layer_vector_ops = sum(layer.vector_ops for layer in report.layers)
    assert layer_vector_ops >= 2 * m * k * n
    rate = EDGE.pe.vector.ops_per_cycle["fp32"]
    vector_busy = sum(pe.vector_busy for pe in report.pes)
    assert vector_busy >= 2 * m * k * n / rate
    assert report.cycles >= 2 * m * k * n / rate
