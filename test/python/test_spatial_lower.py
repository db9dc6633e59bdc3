"""Spatial lowering (issue 6, LOWER): npu-tile, npu-place, npu-lower-to-pe and npu.spatial.lower_module.

Level-4 modules are run on the level-4 interpreter (npu.interp.level4) and compared
with the golden interpreter on the level-1/2 module: integer (level-2) models bit for
bit, float models within the accumulation-order bound of docs/spatial.md.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from mlir import ir

import npu.spatial as spatial
from npu.errors import NpuError
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.onnx.importer import import_model
from npu.spatial.cost import Chip
from npu.spatial.family import family_named
from npu.spatial.graph import read_graph
from npu.spatial.layout import View, box_pattern
from npu.spatial.placement import check_placement, place
from npu.spatial.tiling import plan_graph
from npu.target import load_target

PRESETS = ("edge-lpddr", "datacenter-hbm", "large-inference")
DIGITS = "examples/digits"
U = 2.0**-24  # unit roundoff of f32


@pytest.fixture(scope="module")
def ctx():
    return make_context()


def parse(ctx, text: str) -> ir.Module:
    return ir.Module.parse(text, ctx)


def golden_and_level4(module: ir.Module, target, inputs=None, options=None, seed=0):
    """(golden outputs, level-4 outputs, stats) for a level-1/2 module lowered for `target`."""
    prog = Program(module)
    rng = np.random.default_rng(seed)
    if inputs is None:
        inputs = {s.name: rng.standard_normal(s.shape).astype(s.dtype) for s in prog.inputs}
    gold = prog.run(inputs)
    lowered, stats = spatial.lower_module_stats(module, target, options)
    return gold, run_level4(lowered, inputs, target=target), stats


def assert_close(gold, out, rtol):
    for name, g in gold.items():
        scale = max(float(np.abs(g).max()), 1e-30)
        err = float(np.abs(g.astype(np.float64) - out[name]).max())
        assert err <= rtol * scale, f"{name}: max error {err} > {rtol} x {scale}"


# ------------------------------------------------------------------ views and access patterns


@st.composite
def strided_views(draw):
    rank = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))
    perm = tuple(draw(st.permutations(range(rank))))
    return shape, perm


@given(strided_views(), st.data())
@settings(max_examples=150, deadline=None)
def test_view_reshape_follows_numpy_no_copy_rule(view_spec, data):
    """View.reshape gives the same elements as numpy's reshape, and is None exactly when numpy must copy."""
    shape, perm = view_spec
    n = int(np.prod(shape))
    base = np.arange(n)
    arr = base.reshape(shape).transpose(perm)
    view = View.dense("g", shape).permute(perm)
    factors = data.draw(st.lists(st.sampled_from([d for d in range(1, n + 1) if n % d == 0]), max_size=3))
    new, rest = [], n
    for f in factors:
        if rest % f == 0:
            new.append(f)
            rest //= f
    new = tuple(new + [rest])
    got = view.reshape(new)
    trial = arr.view()
    try:
        trial.shape = new
        copies = False
    except AttributeError:
        copies = True
    assert (got is None) == copies
    if got is not None:
        idx = np.indices(new).reshape(len(new), -1).T
        flat = got.offset + idx @ np.array(got.strides)
        np.testing.assert_array_equal(base[flat].reshape(new), arr.reshape(new))


@given(strided_views(), st.data())
@settings(max_examples=150, deadline=None)
def test_box_pattern_visits_the_box_in_buffer_order(view_spec, data):
    shape, perm = view_spec
    base = np.arange(int(np.prod(shape)))
    arr = base.reshape(shape).transpose(perm)
    view = View.dense("g", shape).permute(perm)
    lo = tuple(data.draw(st.integers(0, s - 1)) for s in arr.shape)
    sizes = tuple(data.draw(st.integers(1, s - l)) for s, l in zip(arr.shape, lo))
    order = tuple(data.draw(st.permutations(range(len(lo)))))
    pattern = box_pattern(view, lo, sizes, order)
    idx = np.indices(pattern.sizes).reshape(len(pattern.sizes), -1).T
    visited = pattern.offset + idx @ np.array(pattern.strides)
    box = arr[tuple(slice(l, l + s) for l, s in zip(lo, sizes))].transpose(order)
    np.testing.assert_array_equal(base[visited], box.reshape(-1))


# ------------------------------------------------------------------ plans and placements


def digits_module(ctx, name: str) -> ir.Module:
    return import_model(f"{DIGITS}/{name}.onnx", context=ctx)


TINY = {"pe.sram.bytes": 16384}


@pytest.mark.parametrize("model", ["digits_cnn", "digits_transformer"])
@pytest.mark.parametrize("preset,overrides", [("edge-lpddr", {}), ("datacenter-hbm", {}), ("edge-lpddr", TINY)])
def test_plans_fit_the_sram_budget_and_cover_the_space(ctx, model, preset, overrides):
    module = digits_module(ctx, model)
    chip = Chip(load_target(preset).with_overrides(overrides))
    graph = read_graph(module.operation)
    for node, plan in zip(graph.nodes, plan_graph(graph, chip)):
        if plan.runs_nowhere:
            continue
        fam = family_named(plan.family)
        assert chip.fits(fam.step_buffers(node, plan.tile, chip)), node.name
        assert plan.sram <= chip.sram_budget
        volume = 0
        for t in range(plan.num_tiles):
            lo, sizes = plan.tile_box(t)
            assert all(0 <= l and l + s <= n for l, s, n in zip(lo, sizes, plan.space.sizes))
            volume += int(np.prod([s for d, s in enumerate(sizes) if d in plan.parallel_dims]))
        assert volume == int(np.prod([plan.space.sizes[d] for d in plan.parallel_dims]))
        for strategy in ("output-stationary", "weight-stationary"):
            placement = place(node, plan, fam, chip, strategy)
            assert check_placement(node, plan, placement, chip) is None


def test_tiny_sram_splits_the_reduction_into_chunks(ctx):
    """A 256-deep product that cannot fit whole in 4 KiB of working set runs as several K chunks."""
    module = parse(ctx, """
      func.func @main(%x: tensor<16x256xf32> {npu.name = "x"}) -> (tensor<16x32xf32> {npu.name = "y"}) {
        %w = arith.constant dense<0.01> : tensor<256x32xf32>
        %0 = "npu_tensor.matmul"(%x, %w) : (tensor<16x256xf32>, tensor<256x32xf32>) -> tensor<16x32xf32>
        return %0 : tensor<16x32xf32>
      }""")
    target = load_target("datacenter-hbm").with_overrides({"pe.sram.bytes": 8192, "mesh.rows": 1, "mesh.cols": 2})
    graph = read_graph(module.operation)
    plan = plan_graph(graph, Chip(target))[0]
    assert plan.num_chunks > 1
    gold, out, _ = golden_and_level4(module, target)
    assert_close(gold, out, 1e-5)


# ------------------------------------------------------------------ bundled models


def _full_pipeline_cases():
    return list(itertools.product(["digits_cnn", "digits_transformer"], PRESETS))


@pytest.mark.parametrize("model,preset", [("digits_cnn", "edge-lpddr"), ("digits_transformer", "datacenter-hbm")])
def test_bundled_float_models_match_golden(ctx, model, preset):
    module = digits_module(ctx, model)
    gold, out, stats = golden_and_level4(module, load_target(preset))
    assert [s.name for s in stats][:6] == ["npu-drop-dead", "npu-fold-empty", "npu-decompose", "npu-tile", "npu-place", "npu-lower-to-pe"]
    assert_close(gold, out, 1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("model,preset", _full_pipeline_cases())
def test_bundled_float_models_all_presets(ctx, model, preset):
    module = digits_module(ctx, model)
    gold, out, _ = golden_and_level4(module, load_target(preset))
    assert_close(gold, out, 1e-5)


def quantized(ctx, model: str):
    import npu.quant as quant

    if model == "digits_cnn":
        calib = f"{DIGITS}/calib"
        options = {}
    else:
        x = np.load(f"{DIGITS}/digits_test.npz")["x"]
        calib = [{"input": x[i].reshape(1, 8, 8).astype(np.float32)} for i in range(16)]
        options = {"integer_norm": False}
    module, _ = quant.quantize(f"{DIGITS}/{model}.onnx", calib, "int8", **options)
    return module


def _quantized_inputs(module):
    prog = Program(module)
    x = np.load(f"{DIGITS}/digits_test.npz")["x"]
    spec = prog.inputs[0]
    return {spec.name: x[3].reshape(spec.shape).astype(spec.dtype)}


@pytest.mark.parametrize("preset", PRESETS)
def test_quantized_cnn_is_bit_identical(ctx, preset):
    module = quantized(ctx, "digits_cnn")
    inputs = _quantized_inputs(module)
    gold, out, _ = golden_and_level4(module, load_target(preset), inputs)
    for name in gold:
        np.testing.assert_array_equal(out[name], gold[name])


@pytest.mark.slow
@pytest.mark.parametrize("preset", PRESETS)
def test_quantized_transformer_is_bit_identical(ctx, preset):
    module = quantized(ctx, "digits_transformer")
    inputs = _quantized_inputs(module)
    gold, out, _ = golden_and_level4(module, load_target(preset), inputs)
    for name in gold:
        np.testing.assert_array_equal(out[name], gold[name])


# ------------------------------------------------------------------ the float bound


def _bound_case(ctx, k: int):
    return parse(ctx, f"""
      func.func @main(%x: tensor<8x{k}xf32> {{npu.name = "x"}}, %w: tensor<{k}x12xf32> {{npu.name = "w"}},
                      %b: tensor<12xf32> {{npu.name = "b"}}) -> (tensor<8x12xf32> {{npu.name = "y"}}) {{
        %0 = "npu_tensor.gemm"(%x, %w, %b) {{alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64}}
             : (tensor<8x{k}xf32>, tensor<{k}x12xf32>, tensor<12xf32>) -> tensor<8x12xf32>
        return %0 : tensor<8x12xf32>
      }}""")


@pytest.mark.parametrize("preset,overrides", [("edge-lpddr", {}), ("datacenter-hbm", {}),
                                              ("datacenter-hbm", {"pe.sram.bytes": 8192})])
def test_float_results_within_the_accumulation_bound(ctx, preset, overrides):
    """|y4 - y| <= gamma_(K+1) * (|b| + sum_k |x_k w_k|) elementwise against the exact (float64) result,
    for every summation order (vector unit, matrix unit, K chunks, K groups over the NoC);
    the golden result is within u |y| of exact, so |y4 - y1| is within the sum of the two."""
    k = 300
    module = _bound_case(ctx, k)
    rng = np.random.default_rng(1)
    inputs = {"x": (rng.standard_normal((8, k)) * 10.0 ** rng.integers(-3, 3, (8, k))).astype(np.float32),
              "w": rng.standard_normal((k, 12)).astype(np.float32), "b": rng.standard_normal(12).astype(np.float32)}
    gold, out, _ = golden_and_level4(module, load_target(preset).with_overrides(overrides), inputs)
    x, w, b = (inputs[n].astype(np.float64) for n in ("x", "w", "b"))
    exact = x @ w + b
    gamma = (k + 1) * U / (1 - (k + 1) * U)
    bound = gamma * (np.abs(x) @ np.abs(w) + np.abs(b))
    assert np.all(np.abs(out["y"] - exact) <= bound)
    assert np.all(np.abs(out["y"] - gold["y"]) <= bound + U * np.abs(exact))


# ------------------------------------------------------------------ random graphs x random targets


@st.composite
def random_graphs(draw, float_tails: bool = True):
    """A small float CNN-like or MLP-like graph as level-1 text, with random constants
    (`float_tails=False`: no softmax / layer norm, which quantization keeps in float)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))

    lines, consts = [], []
    counter = itertools.count()

    def cst(shape):
        name = f"%c{next(counter)}"
        values = rng.standard_normal(shape).astype(np.float32)

        def literal(v):
            return f"[{', '.join(literal(x) for x in v)}]" if isinstance(v, list) else f"{v:.9e}"

        consts.append(f"{name} = arith.constant dense<{literal(values.tolist())}> : {ty(shape)}")
        return name

    def ty(shape):
        return f"tensor<{'x'.join(map(str, shape))}xf32>"

    if draw(st.booleans()):  # CNN
        c, h, w = draw(st.integers(1, 3)), draw(st.integers(4, 9)), draw(st.integers(4, 9))
        shape = (1, c, h, w)
        cur = "%x"
        arg = ty(shape)
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(st.sampled_from(["conv", "conv", "relu", "pool", "add"]))
            v = f"%v{next(counter)}"
            if kind == "conv":
                m, k = draw(st.integers(1, 6)), draw(st.sampled_from([1, 3]))
                s, p = draw(st.sampled_from([1, 2])), draw(st.sampled_from([0, 1])) if k == 3 else 0
                oh, ow = (shape[2] + 2 * p - k) // s + 1, (shape[3] + 2 * p - k) // s + 1
                if oh < 1 or ow < 1:
                    continue
                wt, bias = cst((m, shape[1], k, k)), cst((m,))
                out = (1, m, oh, ow)
                lines.append(f'{v} = "npu_tensor.conv"({cur}, {wt}, {bias}) {{dilations = array<i64: 1, 1>, '
                             f'group = 1 : i64, kernel_shape = array<i64: {k}, {k}>, pads = array<i64: {p}, {p}, {p}, '
                             f'{p}>, strides = array<i64: {s}, {s}>}} : ({ty(shape)}, {ty((m, shape[1], k, k))}, '
                             f'{ty((m,))}) -> {ty(out)}')
            elif kind == "pool" and shape[2] >= 2 and shape[3] >= 2:
                op = draw(st.sampled_from(["max_pool", "average_pool"]))
                out = (1, shape[1], shape[2] // 2, shape[3] // 2)
                extra = "count_include_pad = 0 : i64, " if op == "average_pool" else "storage_order = 0 : i64, "
                lines.append(f'{v} = "npu_tensor.{op}"({cur}) {{ceil_mode = 0 : i64, {extra}dilations = array<i64: 1, 1>, '
                             f'kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}} '
                             f': ({ty(shape)}) -> {ty(out)}')
            elif kind == "add":
                bias = cst((shape[1], 1, 1))
                out = shape
                lines.append(f'{v} = "npu_tensor.add"({cur}, {bias}) : ({ty(shape)}, {ty((shape[1], 1, 1))}) -> {ty(out)}')
            else:
                out = shape
                lines.append(f'{v} = "npu_tensor.relu"({cur}) : ({ty(shape)}) -> {ty(out)}')
            cur, shape = v, out
        flat = int(np.prod(shape))
        v = f"%v{next(counter)}"
        lines.append(f'{v} = "npu_tensor.reshape"({cur}) : ({ty(shape)}) -> {ty((1, flat))}')
        cur, shape = v, (1, flat)
    else:  # MLP
        m, k = draw(st.integers(1, 6)), draw(st.integers(2, 40))
        shape = (m, k)
        cur, arg = "%x", ty(shape)
    n = draw(st.integers(1, 12))
    wt, bias = cst((n, shape[1])), cst((n,))
    v = f"%v{next(counter)}"
    lines.append(f'{v} = "npu_tensor.gemm"({cur}, {wt}, {bias}) {{alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, '
                 f'transB = 1 : i64}} : ({ty(shape)}, {ty((n, shape[1]))}, {ty((n,))}) -> {ty((shape[0], n))}')
    cur, shape = v, (shape[0], n)
    tail = draw(st.sampled_from(["none", "softmax", "layernorm", "transpose"] if float_tails else ["none", "transpose"]))
    v = f"%v{next(counter)}"
    if tail == "softmax":
        lines.append(f'{v} = "npu_tensor.softmax"({cur}) {{axis = 1 : i64}} : ({ty(shape)}) -> {ty(shape)}')
        cur = v
    elif tail == "layernorm":
        sc, bi = cst((shape[1],)), cst((shape[1],))
        lines.append(f'{v}:3 = "npu_tensor.layer_normalization"({cur}, {sc}, {bi}) {{axis = 1 : i64, epsilon = 1.0E-5 : f32, '
                     f'stash_type = 1 : i64}} : ({ty(shape)}, {ty((shape[1],))}, {ty((shape[1],))}) -> ({ty(shape)}, '
                     f'{ty((shape[0], 1))}, {ty((shape[0], 1))})')
        cur = f"{v}#0"
    elif tail == "transpose":
        lines.append(f'{v} = "npu_tensor.transpose"({cur}) {{perm = array<i64: 1, 0>}} : ({ty(shape)}) -> '
                     f'{ty(shape[::-1])}')
        cur, shape = v, shape[::-1]
    body = "\n".join(consts + lines)
    return (f'func.func @main(%x: {arg} {{npu.name = "x"}}) -> ({ty(shape)} {{npu.name = "y"}}) {{\n{body}\n'
            f"return {cur} : {ty(shape)}\n}}")


target_overrides = st.fixed_dictionaries({
    "mesh.rows": st.integers(1, 4), "mesh.cols": st.integers(1, 4),
    "pe.sram.bytes": st.sampled_from([8192, 16384, 65536, 262144]),
    "noc.link_bytes_per_cycle": st.sampled_from([4, 16, 64]),
    "noc.multicast": st.booleans(),
})


@given(random_graphs(), st.sampled_from(PRESETS), target_overrides,
       st.sampled_from(["output-stationary", "weight-stationary"]))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_random_graphs_on_random_targets_match_golden(ctx, text, preset, overrides, strategy):
    module = parse(ctx, text)
    target = load_target(preset).with_overrides(overrides)
    options = spatial.LowerOptions(strategy=strategy, allocate=False, schedule=False, check_races=False)
    gold, out, _ = golden_and_level4(module, target, options=options)
    assert_close(gold, out, 1e-4)


# ------------------------------------------------------------------ pipeline API and errors


def test_lower_module_runs_alloc_passes_and_reports_each_pass(ctx):
    module = digits_module(ctx, "digits_cnn")
    target = load_target("edge-lpddr")
    lowered, stats = spatial.lower_module_stats(module, target, count_ops=True)
    names = [s.name for s in stats]
    lower = len(spatial.pipeline.LOWER_PASSES)
    assert names[:lower] == list(spatial.pipeline.LOWER_PASSES)
    from npu.passes import is_registered

    assert names[lower:] == [n for n in spatial.pipeline.ALLOC_PASSES if is_registered(n)]
    assert all(s.seconds >= 0 and s.peak_rss_kb > 0 for s in stats)
    at = names.index("npu-lower-to-pe")
    assert stats[at].ops > stats[at - 1].ops  # level 4 has far more (smaller) ops than the graph
    if "npu-alloc-sram" in names:
        allocs = [op for f in lowered.body.operations if f.operation.name == "func.func"
                  for op in f.regions[0].blocks[0].operations if op.operation.name == "npu_mem.alloc"]
        assert allocs and all("offset" in op.attributes for op in allocs)


def test_lower_module_stop_after(ctx):
    module = digits_module(ctx, "digits_cnn")
    _, stats = spatial.lower_module_stats(module, load_target("edge-lpddr"), spatial.LowerOptions(stop_after="npu-tile"))
    assert [s.name for s in stats] == ["npu-drop-dead", "npu-fold-empty", "npu-decompose", "npu-tile"]
    func = module.body.operations[0]
    assert all("npu.tile" in op.attributes for op in func.regions[0].blocks[0].operations
               if op.operation.name.startswith("npu_tensor."))


def test_level3_still_runs_on_the_golden_interpreter(ctx):
    module = digits_module(ctx, "digits_transformer")
    x = {"input": np.random.default_rng(0).standard_normal((1, 8, 8)).astype(np.float32)}
    before = Program(module).run(x)
    spatial.lower_module_stats(module, load_target("datacenter-hbm"), spatial.LowerOptions(stop_after="npu-place"))
    after = Program(module).run(x)
    np.testing.assert_array_equal(before["logits"], after["logits"])


def test_unsupported_op_is_a_located_one_line_error(ctx):
    module = parse(ctx, """
      func.func @main(%x: tensor<4xf64> {npu.name = "x"}) -> (tensor<4xf64> {npu.name = "y"}) {
        %0 = "npu_tensor.sin"(%x) : (tensor<4xf64>) -> tensor<4xf64> loc("my_sin")
        return %0 : tensor<4xf64>
      }""")  # sin lowers (npu_pe.unary "sin"), but level 4 has no f64 buffers
    with pytest.raises(NpuError, match=r"^my_sin: error: 'npu_tensor.sin' op cannot lower to level 4 yet") as err:
        spatial.lower_module(module, load_target("edge-lpddr"))
    assert "\n" not in str(err.value)


@pytest.mark.slow
def test_resnet50_light_lowers_to_an_8x8_mesh_within_a_minute(ctx):
    path = ".venv/lib/python3.11/site-packages/onnx/backend/test/data/light/light_resnet50.onnx"
    module = import_model(path, context=ctx)
    start = time.perf_counter()
    options = spatial.LowerOptions(allocate=False, schedule=False, check_races=False)
    lowered, stats = spatial.lower_module_stats(module, load_target("datacenter-hbm"), options, count_ops=True)
    assert time.perf_counter() - start < 60
    programs = [op for op in lowered.body.operations if op.operation.name == "func.func"]
    assert len(programs) == 64
    assert stats[-1].ops < 200_000  # proportional to tiles, not elements (25M weights, 11M activations)


@pytest.mark.slow
@given(random_graphs(), st.sampled_from(PRESETS), target_overrides,
       st.sampled_from(["output-stationary", "weight-stationary"]))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_random_graphs_full_pipeline_match_golden(ctx, text, preset, overrides, strategy):
    """The same with ALLOC's allocation, scheduling and race checking in the pipeline."""
    module = parse(ctx, text)
    target = load_target(preset).with_overrides(overrides)
    gold, out, _ = golden_and_level4(module, target, options=spatial.LowerOptions(strategy=strategy))
    assert_close(gold, out, 1e-4)


@pytest.mark.slow
@given(random_graphs(float_tails=False), st.sampled_from(PRESETS), target_overrides)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_random_quantized_graphs_are_bit_identical(ctx, text, preset, overrides):
    """Random graphs quantized to int8 (npu.quant, integer_norm=False) lower bit-identically."""
    import npu.quant as quant

    float_module = parse(ctx, text)
    spec = Program(float_module).inputs[0]
    rng = np.random.default_rng(7)
    calib = [{spec.name: rng.standard_normal(spec.shape).astype(np.float32)} for _ in range(4)]
    try:
        module, _ = quant.quantize(float_module, calib, "int8", integer_norm=False, cache=False)
    except NpuError as err:  # the quantizer's own limits are not under test here
        assume("quantizer produced invalid IR" not in str(err))
        raise
    assert any(op.operation.name in ("npu_tensor.conv_int", "npu_tensor.matmul_int")
               for op in module.body.operations[0].regions[0].blocks[0].operations)
    target = load_target(preset).with_overrides(overrides)
    gold, out, _ = golden_and_level4(module, target, inputs=calib[0],
                                     options=spatial.LowerOptions(allocate=False, schedule=False, check_races=False))
    for name in gold:
        np.testing.assert_array_equal(out[name], gold[name])
