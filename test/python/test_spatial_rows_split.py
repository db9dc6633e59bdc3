"""Rows longer than the SRAM budget (npu.spatial.rows_split): reductions, softmax and layer norm across chunks.

Targets with a deliberately tiny SRAM (8-16 KiB per PE) force npu-tile to cut each row into
chunks: on a 1x1 mesh the chunks are tile steps of one PE, on a 2x2 mesh a tile's chunks are
also spread over K groups on several PEs (partials combined over the NoC). Each op is compared
with the golden interpreter: integer ops bit for bit, f32 ops within the bounds below, derived
for the level-4 arithmetic (every f32 op rounds once, u = 2^-24, gamma_n = n u / (1 - n u), sums
in any order within gamma_N of exact, N the row length) against the exact (float64) result y;
golden rounds y once, so |y4 - y1| <= B + 2 u |y| (2 u: golden's rounding and float64 noise).

* reduce_sum: B = gamma_N * sum |x|; reduce_mean / global_average_pool: B = gamma_(N+1) * mean |x|;
  reduce_max / min, global_max_pool: exact.
* softmax: e_i = exp(fl(x_i - m)) has relative error eps_i <= exp(|x_i - m| u)(1 + u) - 1; the sum
  s within gamma_N and eps_max; y_i = e_i / s: B_i = y_i ((1 + eps_i)(1 + u) / ((1 - gamma_N)(1 - eps_max)) - 1)
  + 2^-148 (e_i and y_i may be f32 subnormals, each rounded within 2^-150 absolute).
* log_softmax: y_i = fl(fl(x_i - m) - fl(log s)): log s within L = -log(1 - sigma), sigma =
  (1 + gamma_N)(1 + eps_max) - 1, B_i = (u |x_i - m| + L + u (|log s| + L)) (1 + u) + u (|y_i| + that).
* layer_normalization: first-order-free interval propagation of the two-pass algorithm (`_ln_bound`).
"""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlir import ir

import npu.spatial as spatial
from npu.errors import NpuError
from npu.interp.executor import Program
from npu.interp.level4 import run_level4
from npu.ir.context import make_context
from npu.spatial.cost import Chip
from npu.spatial.graph import read_graph
from npu.spatial.placement import place
from npu.spatial.family import family_named
from npu.spatial.tiling import plan_graph
from npu.target import load_target

U = 2.0**-24
TINY = 2.0**-148  # f32 subnormal results (exp of a very negative x - m): two roundings of at most 2^-150 each


def gamma(n: int) -> float:
    return n * U / (1 - n * U)


@pytest.fixture(scope="module")
def ctx():
    return make_context()


def tiny(mesh: tuple[int, int], sram: int = 8192, preset: str = "datacenter-hbm"):
    """`preset` (datacenter-hbm: NoC multicast; edge-lpddr: none) with a small SRAM and mesh."""
    return load_target(preset).with_overrides({"pe.sram.bytes": sram, "mesh.rows": mesh[0], "mesh.cols": mesh[1]})


def _tt(shape, dtype: str = "f32") -> str:
    return f"tensor<{'x'.join(map(str, shape))}x{dtype}>"


def float_case(op: str, shape: tuple[int, ...]) -> tuple[str, tuple[int, ...]]:
    """A one-op module reducing over the last dim (global pools: the spatial dims); its result shape."""
    t = _tt(shape)
    n = shape[-1]
    if op in ("softmax", "log_softmax"):
        body, out = f'%0 = "npu_tensor.{op}"(%x) {{axis = {len(shape) - 1} : i64}} : ({t}) -> {t}', shape
        ret = "%0"
    elif op == "layer_normalization":
        out = shape
        stat = _tt(shape[:-1] + (1,))
        body = (f'%0:3 = "npu_tensor.layer_normalization"(%x, %s, %b) {{axis = {len(shape) - 1} : i64, '
                f"epsilon = 1.0E-5 : f32, stash_type = 1 : i64}} : ({t}, {_tt((n,))}, {_tt((n,))}) -> "
                f"({t}, {stat}, {stat})")
        ret = "%0#0, %0#1, %0#2"
        return (f"""func.func @main(%x: {t} {{npu.name = "x"}}, %s: {_tt((n,))} {{npu.name = "s"}},
                    %b: {_tt((n,))} {{npu.name = "b"}}) -> ({t} {{npu.name = "y"}}, {stat} {{npu.name = "mean"}},
                    {stat} {{npu.name = "inv"}}) {{
              {body}
              return {ret} : {t}, {stat}, {stat}
            }}""", out)
    elif op.startswith("global_"):
        out = shape[:2] + (1,) * (len(shape) - 2)
        body, ret = f'%0 = "npu_tensor.{op}"(%x) : ({t}) -> {_tt(out)}', "%0"
    else:
        out = shape[:-1]
        body = (f'%0 = "npu_tensor.{op}"(%x) {{axes = array<i64: {len(shape) - 1}>, keepdims = 0 : i64}} : '
                f"({t}) -> {_tt(out)}")
        ret = "%0"
    return (f"""func.func @main(%x: {t} {{npu.name = "x"}}) -> ({_tt(out)} {{npu.name = "y"}}) {{
              {body}
              return {ret} : {_tt(out)}
            }}""", out)


def lower_and_run(ctx, text: str, target, inputs):
    module = ir.Module.parse(text, ctx)
    plan = plan_graph(read_graph(module.operation), Chip(target))[0]
    gold = Program(module).run(inputs)
    out = run_level4(spatial.lower_module(module, target), inputs, target=target)
    return plan, gold, out


def kgroups_of(ctx, text: str, target) -> int:
    module = ir.Module.parse(text, ctx)
    graph = read_graph(module.operation)
    chip = Chip(target)
    plan = plan_graph(graph, chip)[0]
    return place(graph.nodes[0], plan, family_named("rows"), chip, "output-stationary").kgroups


# ------------------------------------------------------------------ float bounds


def _softmax_bounds(x: np.ndarray):
    """(exact softmax, exact log_softmax, softmax bound, log_softmax bound) along the last axis."""
    n = x.shape[-1]
    d = x - x.max(axis=-1, keepdims=True)
    e = np.exp(d)
    s = e.sum(axis=-1, keepdims=True)
    y = e / s
    ly = d - np.log(s)
    eps = np.expm1(np.abs(d) * U) * (1 + U) + U
    eps_max = eps.max(axis=-1, keepdims=True)
    g = gamma(n)
    b_soft = y * ((1 + eps) * (1 + U) / ((1 - g) * (1 - eps_max)) - 1) + TINY
    sigma = (1 + g) * (1 + eps_max) - 1
    lerr = -np.log1p(-sigma)
    inner = (U * np.abs(d) + lerr + U * (np.abs(np.log(s)) + lerr)) * (1 + U)
    b_log = inner + U * (np.abs(ly) + inner) * (1 + U)
    return y, ly, b_soft, b_log


def _ln_bound(x: np.ndarray, s: np.ndarray, b: np.ndarray, eps: float):
    """(exact y, mean, inv, bounds of y, mean, inv) of layer norm over the last axis, propagating the error of
    each rounded level-4 step (sum, div, sub, mul, sum, div, add, rsqrt, mul, mul, add) as intervals."""
    n = x.shape[-1]
    mu = x.mean(axis=-1, keepdims=True)
    d = x - mu
    v = (d * d).mean(axis=-1, keepdims=True)
    w = v + eps
    r = 1.0 / np.sqrt(w)
    z = d * r
    y = z * s + b
    dmu = gamma(n) * np.abs(x).mean(axis=-1, keepdims=True)  # sum (any order) and the division by N
    e_d = dmu + U * (np.abs(d) + dmu)  # fl(x - mu4)
    erms = np.sqrt((e_d * e_d).mean(axis=-1, keepdims=True))
    sv = np.sqrt(v)
    base = 2 * sv * erms + erms * erms  # sum of (d + e)^2 / N - v
    dv = gamma(n + 1) * (v + base) + base  # the squares, their sum and the division
    dw = dv + U * (w + dv)
    dr = r * ((1 - np.minimum(dw / w, 0.5)) ** -0.5 * (1 + U) - 1)
    dz = (np.abs(d) + e_d) * (r + dr) * (1 + U) - np.abs(d) * r
    zs = np.abs(z * s)
    dzs = np.abs(s) * dz + U * (zs + np.abs(s) * dz)
    dy = (dzs + U * (np.abs(y) + dzs)) * (1 + U)
    return y, mu, r, dy, dmu, dr


# Narrow float data computes in f32 and rounds the result once to its type, like golden's float64 result:
# rounding is monotone, so both move by at most one unit in the last place, 2^(1-p) |y| (p significand
# bits), or the type's smallest subnormal.
NARROW = {"bf16": (ml_dtypes.bfloat16, 8, 2.0**-133), "f16": (np.float16, 11, 2.0**-24)}
_narrow = [None]


def _check(name: str, out: np.ndarray, gold: np.ndarray, exact: np.ndarray, bound: np.ndarray) -> float:
    """|y4 - y| <= B against the exact result and |y4 - y1| <= B + 2 u |y| against golden (plus a unit in the
    last place of a narrow result type, `_narrow`); the max error vs golden."""
    if _narrow[0] is not None:
        _, p, sub = NARROW[_narrow[0]]
        bound = bound + 2.0 ** (1 - p) * (np.abs(exact) + bound) + sub
    out = out.astype(np.float64)
    assert np.all(np.abs(out - exact) <= bound), f"{name}: {np.max(np.abs(out - exact) - bound)} over the bound"
    err = np.abs(out - gold.astype(np.float64))
    assert np.all(err <= bound + 2 * U * np.abs(exact)), f"{name}: golden differs beyond the bound"
    return float(err.max())


FLOAT_OPS = ("softmax", "log_softmax", "layer_normalization", "reduce_sum", "reduce_mean", "reduce_max",
             "reduce_min", "global_average_pool", "global_max_pool")


def check_float(ctx, op: str, shape, target, seed: int = 0, scale: float = 3.0, dtype: str = "f32",
                split: bool = True):
    text, _ = float_case(op, shape)
    npdt = np.float32
    if dtype != "f32":
        text, npdt = text.replace("xf32>", f"x{dtype}>"), NARROW[dtype][0]
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * scale).astype(npdt)
    inputs = {"x": x}
    n = shape[-1] if not op.startswith("global_") else int(np.prod(shape[2:]))
    if op == "layer_normalization":
        inputs["s"] = rng.uniform(0.5, 2.0, n).astype(npdt)
        inputs["b"] = rng.uniform(-1.0, 1.0, n).astype(npdt)
    plan, gold, out = lower_and_run(ctx, text, target, inputs)
    assert (plan.num_chunks > 1) == split, f"{op} {shape}: {plan.num_chunks} chunks of {plan.tile}"
    _narrow[0] = None if dtype == "f32" else dtype
    try:
        return _float_errors(op, shape, inputs, gold, out)
    finally:
        _narrow[0] = None


def _float_errors(op: str, shape, inputs, gold, out) -> float:
    x = inputs["x"]
    xd = x.astype(np.float64)
    if op.startswith("global_"):
        xd = xd.reshape(shape[:2] + (-1,))
    if op in ("softmax", "log_softmax"):
        y, ly, bs, bl = _softmax_bounds(xd)
        exact, bound = (y, bs) if op == "softmax" else (ly, bl)
        return _check(op, out["y"], gold["y"], exact, bound)
    if op == "layer_normalization":
        y, mu, r, dy, dmu, dr = _ln_bound(xd, inputs["s"].astype(np.float64), inputs["b"].astype(np.float64), 1e-5)
        errs = [_check(op, out["y"], gold["y"], y, dy), _check("mean", out["mean"], gold["mean"], mu, dmu),
                _check("inv_std_dev", out["inv"], gold["inv"], r, dr)]
        return max(errs)
    if op in ("reduce_max", "reduce_min", "global_max_pool"):
        np.testing.assert_array_equal(out["y"].astype(np.float64), gold["y"].astype(np.float64))
        return 0.0
    nn = xd.shape[-1]
    total = xd.sum(axis=-1)
    if op == "reduce_sum":
        exact, bound = total, gamma(nn) * np.abs(xd).sum(axis=-1)
    else:
        exact, bound = total / nn, gamma(nn + 1) * np.abs(xd).mean(axis=-1)
    return _check(op, out["y"].reshape(exact.shape), gold["y"].reshape(exact.shape), exact, bound)


@pytest.mark.parametrize("op", FLOAT_OPS)
@pytest.mark.parametrize("mesh", [(1, 1), (2, 2)])
def test_float_rows_split_within_the_bound(ctx, op, mesh):
    """Rows of 2000-2500 elements (global pools: channels of 40 x 50) on 8 KiB SRAM: chunks on one PE (1x1),
    and on a 2x2 mesh two rows whose chunks also spread over two K groups each."""
    if mesh == (1, 1):
        shape = (2, 3, 40, 50) if op.startswith("global_") else (3, 2000)
    else:
        shape = (1, 2, 50, 50) if op.startswith("global_") else (2, 2500)
        assert kgroups_of(ctx, float_case(op, shape)[0], tiny(mesh)) == 2
    check_float(ctx, op, shape, tiny(mesh))


@pytest.mark.parametrize("dtype", ["bf16", "f16"])
@pytest.mark.parametrize("op", ["softmax", "log_softmax", "layer_normalization", "reduce_mean", "reduce_max"])
def test_narrow_float_rows_compute_in_f32(ctx, op, dtype):
    """bf16 / f16 rows widened to f32 and rounded once to their type: whole rows (100) and split rows (2500, over
    two K groups each on a 2x2 mesh) within the f32 bound plus one unit in the last place of the type."""
    check_float(ctx, op, (2, 100), tiny((2, 2)), dtype=dtype, split=False)
    check_float(ctx, op, (2, 2500), tiny((2, 2)), dtype=dtype)


@pytest.mark.parametrize("preset", ["datacenter-hbm", "edge-lpddr"])
def test_a_single_row_spreads_its_chunks_over_k_groups(ctx, preset):
    """One row, four PEs: the chunks run as K groups (the K-group 0 PE gathers the statistics and sends them
    back by multicast on datacenter-hbm, by one send per PE on edge-lpddr, which has no multicast)."""
    target = tiny((2, 2), preset=preset)
    for op in ("softmax", "layer_normalization", "reduce_sum"):
        text, _ = float_case(op, (1, 3000))
        assert kgroups_of(ctx, text, target) > 1
        check_float(ctx, op, (1, 3000), target, seed=3)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(op=st.sampled_from(("softmax", "log_softmax", "layer_normalization", "reduce_sum", "reduce_mean",
                           "reduce_max")),
       rows=st.integers(1, 3), length=st.integers(1100, 2600), mesh=st.sampled_from([(1, 1), (1, 2), (2, 2)]),
       scale=st.sampled_from([0.01, 1.0, 30.0]), seed=st.integers(0, 2**16))
def test_random_split_rows_within_the_bound(ctx, op, rows, length, mesh, scale, seed):
    check_float(ctx, op, (rows, length), tiny(mesh), seed=seed, scale=scale)


@pytest.mark.parametrize("mesh", [(1, 1), (2, 2)])
def test_rows_over_several_dims_split(ctx, mesh):
    """Rows spanning two dims: reduce_sum / reduce_max over axes (0, 2) of (40, 3, 60) (not adjacent in storage:
    buffers take them last) and layer norm over the last two dims of (2, 40, 60) with a 2-D scale and bias."""
    target = tiny(mesh)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((40, 3, 60)).astype(np.float32)
    for op in ("reduce_sum", "reduce_max"):
        t = _tt(x.shape)
        text = f"""func.func @main(%x: {t} {{npu.name = "x"}}) -> ({_tt((3,))} {{npu.name = "y"}}) {{
              %0 = "npu_tensor.{op}"(%x) {{axes = array<i64: 0, 2>, keepdims = 0 : i64}} : ({t}) -> {_tt((3,))}
              return %0 : {_tt((3,))}
            }}"""
        plan, gold, out = lower_and_run(ctx, text, target, {"x": x})
        assert plan.num_chunks > 1
        rows = x.astype(np.float64).transpose(1, 0, 2).reshape(3, -1)
        if op == "reduce_max":
            np.testing.assert_array_equal(out["y"], gold["y"])
        else:
            _check(op, out["y"], gold["y"], rows.sum(axis=1), gamma(rows.shape[1]) * np.abs(rows).sum(axis=1))
    shape, p = (2, 40, 60), (40, 60)
    t, pt, st_ = _tt(shape), _tt(p), _tt((2, 1, 1))
    text = f"""func.func @main(%x: {t} {{npu.name = "x"}}, %s: {pt} {{npu.name = "s"}}, %b: {pt} {{npu.name = "b"}})
                  -> ({t} {{npu.name = "y"}}, {st_} {{npu.name = "mean"}}) {{
          %0:3 = "npu_tensor.layer_normalization"(%x, %s, %b) {{axis = 1 : i64, epsilon = 1.0E-5 : f32,
                 stash_type = 1 : i64}} : ({t}, {pt}, {pt}) -> ({t}, {st_}, {st_})
          return %0#0, %0#1 : {t}, {st_}
        }}"""
    inputs = {"x": rng.standard_normal(shape).astype(np.float32), "s": rng.uniform(0.5, 2, p).astype(np.float32),
              "b": rng.uniform(-1, 1, p).astype(np.float32)}
    plan, gold, out = lower_and_run(ctx, text, target, inputs)
    assert plan.num_chunks > 1
    flat = lambda a: a.astype(np.float64).reshape(-1, 2400)
    y, mu, _, dy, dmu, _ = _ln_bound(flat(inputs["x"]), flat(inputs["s"]), flat(inputs["b"]), 1e-5)
    _check("layer_normalization", flat(out["y"]), flat(gold["y"]), y, dy)
    _check("mean", out["mean"].reshape(2, 1), gold["mean"].reshape(2, 1), mu, dmu)


def test_rows_that_fit_stay_whole(ctx):
    """The split is only chosen when no whole row fits: a 200-element row stays one chunk on the same target."""
    for op in ("softmax", "layer_normalization", "reduce_sum"):
        text, _ = float_case(op, (3, 200))
        plan = plan_graph(read_graph(ir.Module.parse(text, ctx).operation), Chip(tiny((1, 1))))[0]
        assert plan.num_chunks == 1 and plan.tile[1] == 200


# ------------------------------------------------------------------ integer ops: bit-identical


def _qtype(shape, scale: float, zp: int) -> str:
    return f"tensor<{'x'.join(map(str, shape))}x!quant.uniform<i8:f32, {scale!r}:{zp}>>"


def _dense(values, etype: str) -> str:
    return f"dense<{np.asarray(values).astype(np.int64).tolist()}> : tensor<{etype}>"


def softmax_int_case(shape, scale: float, zp: int) -> str:
    from npu.numerics import reciprocal_table, softmax_exp_table

    out = _qtype(shape, float(np.float32(1 / 255)), -128)
    xt = _qtype(shape, scale, zp)
    return f"""
      func.func @main(%x: {xt} {{npu.name = "x"}}) -> ({out} {{npu.name = "y"}}) {{
        %e = arith.constant {_dense(softmax_exp_table(scale), "513xi16")}
        %r = arith.constant {_dense(reciprocal_table(), "513xi16")}
        %0 = "npu_tensor.softmax_int"(%x, %e, %r) {{axis = {len(shape) - 1} : i64}}
             : ({xt}, tensor<513xi16>, tensor<513xi16>) -> {out}
        return %0 : {out}
      }}"""


def layer_norm_int_case(shape, seed: int, in_scale: float = 0.02) -> tuple[str, int]:
    from npu.numerics import layer_norm_params, rsqrt_table

    rng = np.random.default_rng(seed)
    n = shape[-1]
    gamma_, beta = rng.uniform(0.5, 2.0, n), rng.uniform(-1.0, 1.0, n)
    pr = layer_norm_params(n, in_scale, 3, 1e-5, gamma_, beta, 0.03, -5)
    xt, yt = _qtype(shape, in_scale, 3), _qtype(shape, 0.03, -5)
    return f"""
      func.func @main(%x: {xt} {{npu.name = "x"}}) -> ({yt} {{npu.name = "y"}}) {{
        %t = arith.constant {_dense(rsqrt_table(), "513xi16")}
        %g = arith.constant {_dense(pr.gamma, f"{n}xi32")}
        %b = arith.constant {_dense(pr.beta, f"{n}xi32")}
        %0 = "npu_tensor.layer_norm_int"(%x, %t, %g, %b) {{axis = {len(shape) - 1} : i64, epsilon = {pr.epsilon} : i64,
             gamma_shift = {pr.gamma_shift} : i64, input_zp = 3 : i64, multiplier = {pr.multiplier} : i64,
             output_zp = -5 : i64, pre_shift = {pr.pre_shift} : i64, rounding_mode = "SINGLE_ROUND",
             shift = {pr.shift} : i64}} : ({xt}, tensor<513xi16>, tensor<{n}xi32>, tensor<{n}xi32>) -> {yt}
        return %0 : {yt}
      }}""", pr.pre_shift


def reduce_int_case(op: str, shape) -> str:
    out = shape[:-1]
    if op == "reduce_sum_int":
        xt = _qtype(shape, 0.05, 7)
        attrs = f"axes = array<i64: {len(shape) - 1}>, input_zp = 7 : i64, keepdims = 0 : i64"
        ot = _tt(out, "i32")
    else:
        xt, ot = _tt(shape, "i8"), _tt(out, "i8")
        attrs = f"axes = array<i64: {len(shape) - 1}>, keepdims = 0 : i64"
    return f"""
      func.func @main(%x: {xt} {{npu.name = "x"}}) -> ({ot} {{npu.name = "y"}}) {{
        %0 = "npu_tensor.{op}"(%x) {{{attrs}}} : ({xt}) -> {ot}
        return %0 : {ot}
      }}"""


def check_bit_identical(ctx, text: str, target, seed: int = 0, lo: int = -128, hi: int = 128):
    """Random int8 inputs (every value); a single row on several PEs must use K groups."""
    module = ir.Module.parse(text, ctx)
    spec = Program(module).inputs[0]
    x = np.random.default_rng(seed).integers(lo, hi, spec.shape).astype(np.int8)
    plan, gold, out = lower_and_run(ctx, text, target, {"x": x})
    assert plan.num_chunks > 1, f"the row was not split ({plan.tile})"
    if spec.shape[0] == 1 and target.mesh.rows * target.mesh.cols > 1:
        assert kgroups_of(ctx, text, target) > 1
    np.testing.assert_array_equal(out["y"], gold["y"])


@pytest.mark.parametrize("op", ["reduce_sum_int", "reduce_max", "reduce_min"])
@pytest.mark.parametrize("mesh", [(1, 1), (2, 2)])
def test_integer_reductions_split_bit_identically(ctx, op, mesh):
    check_bit_identical(ctx, reduce_int_case(op, (3, 9000)), tiny(mesh))


@pytest.mark.parametrize("mesh", [(1, 1), (2, 2)])
@pytest.mark.parametrize("shape,scale,zp", [((3, 3000), 0.07, 5), ((1, 5000), 0.5, -20)])
def test_softmax_int_split_bit_identically(ctx, mesh, shape, scale, zp):
    check_bit_identical(ctx, softmax_int_case(shape, scale, zp), tiny(mesh, 16384))


@pytest.mark.parametrize("mesh", [(1, 1), (2, 2)])
@pytest.mark.parametrize("shape,seed,in_scale", [((2, 2500), 0, 0.02), ((1, 4000), 1, 0.3)])
def test_layer_norm_int_split_bit_identically(ctx, mesh, shape, seed, in_scale):
    text, pre = layer_norm_int_case(shape, seed, in_scale)
    check_bit_identical(ctx, text, tiny(mesh, 16384), seed=seed)


# ------------------------------------------------------------------ what still does not lower


def test_a_row_whose_smallest_chunk_does_not_fit_is_a_located_error(ctx):
    """softmax_int keeps two 513-entry tables in SRAM: on 4 KiB no chunk fits; the error names the op, the row
    length and the budget."""
    text = softmax_int_case((2, 3000), 0.07, 5)
    module = ir.Module.parse(text, ctx)
    with pytest.raises(NpuError) as err:
        spatial.lower_module(module, tiny((1, 1), 4096))
    msg = str(err.value)
    assert "\n" not in msg and "npu_tensor.softmax_int" in msg and "3000" in msg and "SRAM budget" in msg


def test_split_rows_survive_the_binary(ctx):
    """A single integer softmax row over K groups (sends, recvs, multicast) encoded to a .npubin, loaded and run:
    the same bits as the level-4 module and golden."""
    from npu.binary.encode import encode
    from npu.binary.loader import load
    from npu.interp.level4 import Level4Machine

    target = tiny((2, 2), 16384)
    text = softmax_int_case((1, 5000), 0.07, 5)
    module = ir.Module.parse(text, ctx)
    x = np.random.default_rng(9).integers(-128, 128, (1, 5000)).astype(np.int8)
    gold = Program(module).run({"x": x})["y"]
    level4 = spatial.lower_module(module, target)
    assert "npu_noc.multicast" in str(level4)
    loaded = load(encode(level4, target), target)
    with level4.context:
        got = Level4Machine(level4, target).run({"x": x})["y"]
    with loaded.module.context:
        from_binary = Level4Machine(loaded.module, target).run({"x": x})["y"]
    np.testing.assert_array_equal(got, gold)
    np.testing.assert_array_equal(from_binary, gold)
