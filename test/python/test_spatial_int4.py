"""int4 weight-only layers through the spatial lowering: whole-byte DMA boxes on any mesh.

An int4 weight is packed two values a byte and a DMA moves bytes, so npu-tile admits only
tiles whose boxes of an i4 tensor start and end on bytes (npu.spatial.subbyte); a run may
also end on the padding nibble of an odd-length buffer (npu_mem.dma_start). The int4
scheme's layers (blocked `dequantize` of the weight, then `conv_float` / `matmul_float` on
f32) lower with the dequantize inside the layer (npu.spatial.dequant_fuse: the packed box
DMA'd, cast and scaled in SRAM, tiles on whole bytes and group boundaries) and are
bit-identical to the golden interpreter on every mesh, zero points included; the bundled
models are covered in test_spatial_level2.py and bench/int4_fused.py.
"""

from __future__ import annotations

import itertools
from math import prod

import ml_dtypes
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlir import ir

import npu.spatial as spatial
from npu.dialects.npu_mem import i4_whole_bytes
from npu.errors import NpuError
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.attrs import from_attr
from npu.ir.context import make_context
from npu.spatial.layout import View, box_pattern
from npu.spatial.subbyte import grid_moves_whole_bytes
from npu.target import load_target

PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")
_blob = itertools.count()


@pytest.fixture(scope="module")
def ctx():
    return make_context()


# ------------------------------------------------------------------ the grid check


def _every_box_whole_bytes(view: View, box, order) -> bool:
    """Brute force: every box of the grid, checked with the verifier's rule."""
    numel = prod(view.shape)
    for lo in itertools.product(*(range(0, s, b) for s, b in zip(view.shape, box))):
        sizes = tuple(min(b, s - l) for b, s, l in zip(box, view.shape, lo))
        p = box_pattern(view, lo, sizes, order)
        if not i4_whole_bytes(p.offset, list(p.sizes), list(p.strides), numel):
            return False
        count = prod(sizes)
        if not i4_whole_bytes(0, [count], [1], count):
            return False
    return True


@st.composite
def _grids(draw):
    rank = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 9), min_size=rank, max_size=rank)))
    box = tuple(draw(st.integers(1, s)) for s in shape)
    perm = tuple(draw(st.permutations(range(rank))))
    order = tuple(draw(st.permutations(range(rank))))
    return View.dense("w", shape, perm), box, order


@settings(max_examples=300, deadline=None)
@given(_grids())
def test_grid_check_agrees_with_every_box(grid):
    """The representative boxes (positions 0, 1, n-2, n-1 along each dim) decide like all boxes."""
    view, box, order = grid
    assert grid_moves_whole_bytes(view, prod(view.shape), "i4", box, order) == _every_box_whole_bytes(view, box, order)


def test_grid_check_examples():
    w = View.dense("w", (8, 9))
    assert not grid_moves_whole_bytes(w, 72, "i4", (1, 9), (0, 1))  # odd rows start mid-byte
    assert grid_moves_whole_bytes(w, 72, "i4", (2, 9), (0, 1))
    assert not grid_moves_whole_bytes(w, 72, "i4", (8, 4), (0, 1))  # the row stride 9 is odd
    odd = View.dense("w", (7, 9))
    assert grid_moves_whole_bytes(odd, 63, "i4", (2, 9), (0, 1))  # the last box ends on the padding nibble
    assert not grid_moves_whole_bytes(odd, 63, "i4", (3, 9), (0, 1))  # 27 elements: an odd run inside


# ------------------------------------------------------------------ int4 layers on random meshes


def _f32(v) -> str:
    return repr(float(np.float32(v)))


def _int4_matmul(m: int, k: int, n: int, block: int, seed: int) -> str:
    """x [m, k] f32 @ dequantize(w int4 [k, n], per block of `block` rows along k and per column) + bias:
    the int4 weight-only layer the quantizer emits for a MatMul (groups along the reduction axis)."""
    rng = np.random.default_rng(seed)
    q = rng.integers(-7, 8, (k, n)).astype(ml_dtypes.int4)
    groups = -(-k // block)
    scales = rng.uniform(0.01, 0.1, (groups, n)).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32)
    blob = f"w4_{next(_blob)}"
    per_group = ", ".join("{" + ", ".join(_f32(v) for v in row) + "}" for row in scales)
    qt = f"tensor<{k}x{n}x!quant.uniform<i4<-7:7>:f32:{{0:{block}}}, {{{per_group}}}>>"
    ft = f"tensor<{k}x{n}xf32>"
    return f"""
      func.func @main(%x: tensor<{m}x{k}xf32> {{npu.name = "x"}}) -> (tensor<{m}x{n}xf32> {{npu.name = "y"}}) {{
        %w = arith.constant dense_resource<{blob}> : {qt}
        %d = "npu_tensor.dequantize"(%w) {{axis = 0 : i64, block_size = {block} : i64,
             scale = array<f32: {", ".join(_f32(v) for v in scales.reshape(-1))}>,
             zero_point = array<i64: {", ".join("0" for _ in range(groups * n))}>}} : ({qt}) -> {ft}
        %b = arith.constant dense<{bias.tolist()}> : tensor<{n}xf32>
        %y = "npu_tensor.matmul_float"(%x, %d, %b) {{acc = "fp32", scale = array<f32: 1.0>}}
             : (tensor<{m}x{k}xf32>, {ft}, tensor<{n}xf32>) -> tensor<{m}x{n}xf32>
        return %y : tensor<{m}x{n}xf32>
      }}
      {{-# dialect_resources: {{ builtin: {{ {blob}: "0x01000000{q.tobytes().hex()}" }} }} #-}}"""


def _bit_identical(ctx, text: str, target, seed: int = 0) -> ir.Module:
    module = ir.Module.parse(text, ctx)
    prog = Program(module)
    rng = np.random.default_rng(seed)
    inputs = {s.name: rng.standard_normal(s.shape).astype(np.float32) for s in prog.inputs}
    gold = prog.run(inputs)
    level4 = spatial.lower_module(ir.Module.parse(text, ctx), target)
    out = run_level4(level4, inputs, target=target)
    for name, g in gold.items():
        np.testing.assert_array_equal(np.asarray(out[name]).view(np.uint32), np.asarray(g).view(np.uint32),
                                      err_msg=name)
    return level4


def _divisors(k: int) -> list[int]:
    return [d for d in range(1, k + 1) if k % d == 0]


@st.composite
def _layers(draw):
    k = draw(st.integers(1, 40))
    return (draw(st.integers(1, 3)), k, draw(st.integers(1, 12)), draw(st.sampled_from(_divisors(k))),
            draw(st.integers(1, 8)), draw(st.integers(1, 8)), draw(st.sampled_from([16384, 65536, 1048576])),
            draw(st.sampled_from(PRESETS)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_layers())
def test_int4_matmul_is_bit_identical_on_random_meshes(ctx, layer):
    """Random M, K (odd or even), N, group size (any divisor of K, odd ones included), mesh shape and SRAM:
    the weight's dequantize tiles move whole bytes, and the layer equals the golden run bit for bit."""
    m, k, n, block, rows, cols, sram, preset = layer
    target = load_target(preset).with_overrides({"mesh.rows": rows, "mesh.cols": cols, "pe.sram.bytes": sram})
    _bit_identical(ctx, _int4_matmul(m, k, n, block, seed=k * n), target, seed=m)


def _plans(ctx, text: str, target) -> dict:
    """op name -> its npu.tile plan (the last op of each name)."""
    module = ir.Module.parse(text, ctx)
    spatial.lower_module_stats(module, target, spatial.LowerOptions(stop_after="npu-tile"))
    return {op.name.split(".")[-1]: from_attr(op.attributes["npu.tile"])
            for op in module.body.operations[0].regions[0].blocks[0].operations if "npu.tile" in op.attributes}


def _ops(level4: ir.Module, name: str) -> list:
    return [op2 for op in level4.body.operations for region in op.regions for block in region.blocks
            for op2 in block.operations if op2.name == name]


@pytest.mark.parametrize("preset", PRESETS)
def test_odd_k_odd_groups_odd_length_weight(ctx, preset):
    """K = 255 in groups of 15, N = 7: the weight has 1785 int4 values (an odd length, so its last byte
    holds a padding nibble) and rows of 7 (only even rows start on a byte). The matmul dequantizes it
    in SRAM (the dequantize is a prologue); an SRAM of 6 KiB forces K chunks, which must start on a
    byte and on a group: multiples of 30 rows, the last chunk ending on the padding nibble (a DMA of
    an odd number of values). No f32 copy of the weight exists in external memory."""
    text = _int4_matmul(2, 255, 7, 15, seed=1)
    target = load_target(preset).with_overrides({"mesh.rows": 4, "mesh.cols": 4, "pe.sram.bytes": 6144})
    plans = _plans(ctx, text, target)
    assert str(plans["dequantize"]["family"]) == '"prologue"'
    kt = int(plans["matmul_float"]["tile"][3])
    assert kt < 255 and kt % 30 == 0, kt
    level4 = _bit_identical(ctx, text, target)
    odd_runs = [op for op in _ops(level4, "npu_mem.dma_start")
                if "xi4" in str(op.operands[0].type) and int(from_attr(op.attributes["src_sizes"])[-1]) % 2]
    assert odd_runs, "the last K chunk should end on the padding nibble"
    f32_globals = [op for op in level4.body.operations if op.name == "npu_mem.global" and "255x7xf32" in str(op)]
    assert not f32_globals
    assert _ops(level4, "npu_pe.cast"), "the weight is dequantized at level 4"


def test_no_whole_byte_tile_is_a_located_error(ctx):
    """Rows of 1001 int4 values whose tiles must split the rows (the SRAM budget holds less than a row
    of the f32 result): no box of an odd-strided row split is whole bytes for every row, so npu-tile
    says so, located at the dequantize."""
    text = _odd_row_dequantize(ctx)
    target = load_target("edge-lpddr").with_overrides({"pe.sram.bytes": 4096})
    with pytest.raises(NpuError, match=r"dequantize.*whole-byte DMA boxes of its i4 tensor \[3, 1001\]"):
        spatial.lower_module(ir.Module.parse(text, ctx), target)


def _odd_row_dequantize(ctx) -> str:
    rows, cols = 3, 1001
    q = np.ones((rows, cols), ml_dtypes.int4)
    blob = f"w4_{next(_blob)}"
    qt = f"tensor<{rows}x{cols}x!quant.uniform<i4<-7:7>:f32, 0.5>>"
    return f"""
      func.func @main() -> (tensor<{rows}x{cols}xf32> {{npu.name = "y"}}) {{
        %w = arith.constant dense_resource<{blob}> : {qt}
        %d = "npu_tensor.dequantize"(%w) {{axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.5>,
             zero_point = array<i64: 0>}} : ({qt}) -> tensor<{rows}x{cols}xf32>
        return %d : tensor<{rows}x{cols}xf32>
      }}
      {{-# dialect_resources: {{ builtin: {{ {blob}: "0x01000000{q.tobytes().hex()}" }} }} #-}}"""


# ------------------------------------------------------------------ through the quantizer


def _odd_onnx_model():
    """Conv 1 -> 3 channels 3x3 (K = 9) on 5x5, Relu, flatten to 75, MatMul [75, 5] + bias."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    inits = {"w1": rng.standard_normal((3, 1, 3, 3)).astype(np.float32), "b1": rng.standard_normal(3).astype(np.float32),
             "w2": rng.standard_normal((75, 5)).astype(np.float32), "b2": rng.standard_normal(5).astype(np.float32),
             "shape": np.array([1, 75], np.int64)}
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c"], name="conv", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
             helper.make_node("Relu", ["c"], ["r"], name="relu"),
             helper.make_node("Reshape", ["r", "shape"], ["f"], name="flat"),
             helper.make_node("MatMul", ["f", "w2"], ["m"], name="fc"),
             helper.make_node("Add", ["m", "b2"], ["y"], name="fc_bias")]
    graph = helper.make_graph(nodes, "odd", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 5, 5])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5])],
                              [numpy_helper.from_array(a, n) for n, a in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


@pytest.mark.parametrize("preset", PRESETS)
def test_quantized_odd_shapes_are_bit_identical(preset):
    """npu.quant int4 with group_size 5: the conv weight [3, 9] gets groups of 3 (the largest divisor of
    K = 9 up to 5) and 27 values, the fc weight [75, 5] groups of 5 and 375 values -- both odd lengths.
    Lowered on the preset, two held-out inputs give the golden level-2 bits."""
    import npu.quant

    rng = np.random.default_rng(1)
    calib = [{"x": rng.standard_normal((1, 1, 5, 5)).astype(np.float32)} for _ in range(4)]
    level2, _ = npu.quant.quantize(_odd_onnx_model(), calib, "int4", group_size=5, cache=False)
    blocks = sorted(int(op.attributes["block_size"].value) for op in level2.body.operations[0].regions[0].blocks[0]
                    if op.name == "npu_tensor.dequantize")
    assert blocks == [3, 5]
    samples = [{"x": rng.standard_normal((1, 1, 5, 5)).astype(np.float32)} for _ in range(2)]
    golden = [Program(level2).run(x) for x in samples]
    target = load_target(preset)
    level4 = spatial.lower_module(level2, target)  # in place: the golden runs come first
    for x, want in zip(samples, golden):
        got = run_level4(level4, x, target=target)
        np.testing.assert_array_equal(got["y"].view(np.uint32), want["y"].view(np.uint32))


@pytest.mark.parametrize("preset", PRESETS)
def test_quantize_to_int4_stores_whole_bytes(ctx, preset):
    """An elementwise result of i4 (quantize, full int4 range) [7, 9] is stored tile by tile into an
    odd-length global (one tile on edge-lpddr, 2-row tiles on the others): the tiles end on bytes (the
    last on the padding nibble), and dequantizing it back gives the golden bits."""
    rows, cols = 7, 9
    qt = f"tensor<{rows}x{cols}x!quant.uniform<i4:f32, 0.5>>"
    ft = f"tensor<{rows}x{cols}xf32>"
    attrs = "{axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>}"
    text = f"""
      func.func @main(%x: {ft} {{npu.name = "x"}}) -> ({ft} {{npu.name = "y"}}) {{
        %q = "npu_tensor.quantize"(%x) {attrs} : ({ft}) -> {qt}
        %d = "npu_tensor.dequantize"(%q) {attrs} : ({qt}) -> {ft}
        return %d : {ft}
      }}"""
    target = load_target(preset).with_overrides({"mesh.rows": 4, "mesh.cols": 4})
    _bit_identical(ctx, text, target, seed=3)


def _int4_conv(oc: int, c: int, kh: int, kw: int, block: int, seed: int) -> str:
    """x [1, c, 5, 5] f32 -> conv_float with the weight dequantize(w int4 [oc, c*kh*kw], per block of
    `block` along the reduction axis and per output channel) reshaped to [oc, c, kh, kw], pads 1: the
    form the quantizer emits for an int4 Conv."""
    rng = np.random.default_rng(seed)
    k = c * kh * kw
    q = rng.integers(-7, 8, (oc, k)).astype(ml_dtypes.int4)
    groups = k // block
    scales = rng.uniform(0.01, 0.1, (oc, groups)).astype(np.float32)
    bias = rng.standard_normal(oc).astype(np.float32)
    blob = f"w4_{next(_blob)}"
    per_channel = ", ".join("{" + ", ".join(_f32(v) for v in row) + "}" for row in scales)
    qt = f"tensor<{oc}x{k}x!quant.uniform<i4<-7:7>:f32:{{1:{block}}}, {{{per_channel}}}>>"
    wt = f"tensor<{oc}x{c}x{kh}x{kw}xf32>"
    xt, yt = f"tensor<1x{c}x5x5xf32>", f"tensor<1x{oc}x{5 + 3 - kh}x{5 + 3 - kw}xf32>"
    return f"""
      func.func @main(%x: {xt} {{npu.name = "x"}}) -> ({yt} {{npu.name = "y"}}) {{
        %w = arith.constant dense_resource<{blob}> : {qt}
        %d = "npu_tensor.dequantize"(%w) {{axis = 1 : i64, block_size = {block} : i64,
             scale = array<f32: {", ".join(_f32(v) for v in scales.reshape(-1))}>,
             zero_point = array<i64: {", ".join("0" for _ in range(oc * groups))}>}} : ({qt}) -> tensor<{oc}x{k}xf32>
        %r = "npu_tensor.reshape"(%d) : (tensor<{oc}x{k}xf32>) -> {wt}
        %b = arith.constant dense<{bias.tolist()}> : tensor<{oc}xf32>
        %y = "npu_tensor.conv_float"(%x, %r, %b) {{acc = "fp32", dilations = array<i64: 1, 1>, group = 1 : i64,
             kernel_shape = array<i64: {kh}, {kw}>, pads = array<i64: 1, 1, 1, 1>, scale = array<f32: 1.0>,
             strides = array<i64: 1, 1>}} : ({xt}, {wt}, tensor<{oc}xf32>) -> {yt}
        return %y : {yt}
      }}
      {{-# dialect_resources: {{ builtin: {{ {blob}: "0x01000000{q.tobytes().hex()}" }} }} #-}}"""


@st.composite
def _convs(draw):
    c, kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return (draw(st.integers(1, 7)), c, kh, kw, draw(st.sampled_from(_divisors(c * kh * kw))),
            draw(st.integers(1, 6)), draw(st.integers(1, 6)), draw(st.sampled_from(PRESETS)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_convs())
def test_int4_conv_is_bit_identical_on_random_meshes(ctx, layer):
    """Random output channels, input channels and kernel (K = C·KH·KW odd or even), group size (any divisor
    of K) and mesh shape: the int4 conv layer equals the golden run bit for bit."""
    oc, c, kh, kw, block, rows, cols, preset = layer
    target = load_target(preset).with_overrides({"mesh.rows": rows, "mesh.cols": cols})
    _bit_identical(ctx, _int4_conv(oc, c, kh, kw, block, seed=oc * 7 + c), target)


# ------------------------------------------------------------------ dequantization inside the layer


def _dequant_matmul(k: int, n: int, mode: str, seed: int) -> str:
    """x [3, k] @ dequantize(w i4 [k, n]) with zero points: `mode` "block" (groups of 2 along K, a scale
    and zero point per group and column), "axis" (per column) or "tensor"."""
    rng = np.random.default_rng(seed)
    q = rng.integers(-8, 8, (k, n)).astype(ml_dtypes.int4)
    count = {"block": (k // 2) * n, "axis": n, "tensor": 1}[mode]
    scales = rng.uniform(0.01, 0.1, count).astype(np.float32)
    # (MLIR's parser asserts on a negative zero point in a blocked type: non-negative ones there)
    zps = rng.integers(0 if mode == "block" else -3, 4, count)
    pairs = [f"{_f32(s)}:{int(z)}" for s, z in zip(scales, zps)]
    if mode == "block":
        rows = ", ".join("{" + ", ".join(pairs[g * n:(g + 1) * n]) + "}" for g in range(k // 2))
        qt, axis, block = f"!quant.uniform<i4:f32:{{0:2}}, {{{rows}}}>", 0, 2
    elif mode == "axis":
        qt, axis, block = f"!quant.uniform<i4:f32:1, {{{', '.join(pairs)}}}>", 1, 0
    else:
        qt, axis, block = f"!quant.uniform<i4:f32, {pairs[0]}>", 0, 0
    qt = f"tensor<{k}x{n}x{qt}>"
    blob = f"w4_{next(_blob)}"
    return f"""
      func.func @main(%x: tensor<3x{k}xf32> {{npu.name = "x"}}) -> (tensor<3x{n}xf32> {{npu.name = "y"}}) {{
        %w = arith.constant dense_resource<{blob}> : {qt}
        %d = "npu_tensor.dequantize"(%w) {{axis = {axis} : i64, block_size = {block} : i64,
             scale = array<f32: {", ".join(_f32(v) for v in scales)}>,
             zero_point = array<i64: {", ".join(str(int(z)) for z in zps)}>}} : ({qt}) -> tensor<{k}x{n}xf32>
        %y = "npu_tensor.matmul_float"(%x, %d) {{acc = "fp32", scale = array<f32: 1.0>}}
             : (tensor<3x{k}xf32>, tensor<{k}x{n}xf32>) -> tensor<3x{n}xf32>
        return %y : tensor<3x{n}xf32>
      }}
      {{-# dialect_resources: {{ builtin: {{ {blob}: "0x01000000{q.tobytes().hex()}" }} }} #-}}"""


@pytest.mark.parametrize("mode", ["block", "axis", "tensor"])
@pytest.mark.parametrize("preset", PRESETS)
def test_dequantize_in_the_layer_with_zero_points(ctx, preset, mode):
    """Nonzero zero points (cast to i32, subtract the zero-point box, cast to f32, multiply) per block,
    per column and per tensor, on a 2 x 2 mesh with 8 KiB of SRAM (K chunks): the dequantize is the
    matmul's prologue and the result equals golden's bit for bit."""
    text = _dequant_matmul(24, 6, mode, seed=len(mode))
    target = load_target(preset).with_overrides({"mesh.rows": 2, "mesh.cols": 2, "pe.sram.bytes": 8192})
    assert str(_plans(ctx, text, target)["dequantize"]["family"]) == '"prologue"'
    level4 = _bit_identical(ctx, text, target, seed=5)
    subs = [op for op in _ops(level4, "npu_pe.binary") if str(op.attributes["kind"]) == '"sub"']
    assert subs and all("xi32" in str(op.operands[0].type) for op in subs)


def test_dequantize_stays_a_layer_when_it_is_also_an_output(ctx):
    """A dequantized weight that is also a graph output must be stored: the dequantize keeps its own
    layer (its f32 result global), the matmul reads it, and both outputs equal golden's."""
    text = _int4_matmul(2, 8, 4, 4, seed=3).replace(
        '-> (tensor<2x4xf32> {npu.name = "y"})', '-> (tensor<2x4xf32> {npu.name = "y"}, tensor<8x4xf32> {npu.name = "w"})'
    ).replace("return %y : tensor<2x4xf32>", "return %y, %d : tensor<2x4xf32>, tensor<8x4xf32>")
    target = load_target("datacenter-hbm")
    assert str(_plans(ctx, text, target)["dequantize"]["family"]) == '"eltwise"'
    _bit_identical(ctx, text, target)


@pytest.mark.parametrize("preset", PRESETS)
def test_fused_and_separate_forms_agree_and_the_fused_one_moves_fewer_bytes(preset):
    """The quantizer's int4 model (conv + matmul) lowered with the dequantize inside the layer and as its
    own layer (LowerOptions(fuse_dequant=False)): the same golden bits, and the packed form reads and
    writes fewer external bytes (counted by the level-4 DMA patterns: no f32 weight copy written and
    read back)."""
    import npu.quant
    from npu.perf import simulate

    rng = np.random.default_rng(2)
    calib = [{"x": rng.standard_normal((1, 1, 5, 5)).astype(np.float32)} for _ in range(4)]
    level2, _ = npu.quant.quantize(_odd_onnx_model(), calib, "int4", group_size=5, cache=False)
    text = level2.operation.get_asm(large_elements_limit=None)
    x = {"x": rng.standard_normal((1, 1, 5, 5)).astype(np.float32)}
    want = Program(level2).run(x)["y"]
    target = load_target(preset)
    moved = {}
    for fuse in (True, False):
        module = spatial.lower_module(ir.Module.parse(text, level2.context), target,
                                      spatial.LowerOptions(fuse_dequant=fuse))
        got, report = simulate(module, x, target)
        np.testing.assert_array_equal(got["y"].view(np.uint32), want.view(np.uint32))
        moved[fuse] = report.ext_bytes
    assert moved[True] < moved[False], moved


def _grouped_conv_model(groups: int, oc: int, c: int):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(groups * 10 + oc)
    inits = {"w": rng.standard_normal((oc, c // groups, 3, 3)).astype(np.float32),
             "b": rng.standard_normal(oc).astype(np.float32)}
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv", pads=[1, 1, 1, 1], kernel_shape=[3, 3],
                            group=groups)
    graph = helper.make_graph([node], "grouped", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, 6, 6])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, oc, 6, 6])],
                              [numpy_helper.from_array(a, n) for n, a in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


@pytest.mark.parametrize("groups, oc, c, group_size", [(3, 6, 3, 5), (2, 4, 4, 4)])
@pytest.mark.parametrize("preset", PRESETS)
def test_grouped_int4_conv_dequantizes_in_the_layer(ctx, preset, groups, oc, c, group_size):
    """Grouped convolutions (depthwise 3 -> 6 with K = 9 in groups of 3; 2 groups with K = 18 in groups of
    2): each conv group reads its rows of the packed [OC, K] weight, dequantized in SRAM (a prologue, no
    f32 weight global), and the result equals golden's bit for bit."""
    import npu.quant

    rng = np.random.default_rng(oc)
    calib = [{"x": rng.standard_normal((1, c, 6, 6)).astype(np.float32)} for _ in range(3)]
    level2, _ = npu.quant.quantize(_grouped_conv_model(groups, oc, c), calib, "int4", group_size=group_size,
                                   cache=False)
    text = level2.operation.get_asm(large_elements_limit=None)
    target = load_target(preset)
    assert str(_plans(level2.context, text, target)["dequantize"]["family"]) == '"prologue"'
    x = {"x": rng.standard_normal((1, c, 6, 6)).astype(np.float32)}
    want = Program(level2).run(x)["y"]
    level4 = spatial.lower_module(level2, target)
    got = run_level4(level4, x, target=target)["y"]
    np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))
    assert not [op for op in level4.body.operations if op.name == "npu_mem.global" and 'kind = "scratch"' in str(op)]


def test_a_ragged_last_block_keeps_the_dequantize_layer(ctx):
    """K = 6 in blocks of 4 (the last block holds 2 rows): no [groups, block] view of the weight box
    exists, so the dequantize stays its own layer; the result still equals golden's bit for bit."""
    text = _int4_matmul(2, 6, 4, 4, seed=9)
    target = load_target("edge-lpddr")
    assert str(_plans(ctx, text, target)["dequantize"]["family"]) == '"eltwise"'
    _bit_identical(ctx, text, target)
