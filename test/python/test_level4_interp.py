"""The level-4 interpreter (npu.interp.level4) on hand-written level-4 modules.

Every expected value is computed independently here: plain numpy, Python
scalar loops for the exact float orders, or npu.numerics for the TOSA integer
rules (themselves checked against the TOSA reference model in test_tosa_oracle).
Modules are verified by the Python verifiers before they run, so each one is a
legal level-4 module unless a test says otherwise.
"""

from __future__ import annotations

from math import prod
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from mlir import ir

from npu.errors import NpuError
from npu.interp.level4 import Level4Machine, run_level4
from npu.interp.level4_memory import BytePattern, pack_i4, unpack_i4
from npu.ir.context import make_context
from npu.ir.diagnostics import DiagnosticCollector
from npu.ir.verify import verify_ops
from npu.numerics import rescale as ref_rescale, table_int8, table_int16
from npu.target import load_target

ROOT = Path(__file__).resolve().parents[2]
BITS = {"i4": 4, "i8": 8, "i16": 16, "i32": 32, "f8E4M3FN": 8, "f8E5M2": 8, "bf16": 16, "f16": 16, "f32": 32}
MLIR_TYPE = {np.dtype(np.int8): "i8", np.dtype(np.int16): "i16", np.dtype(np.int32): "i32",
             np.dtype(np.float32): "f32", np.dtype(np.float16): "f16", np.dtype(ml_dtypes.bfloat16): "bf16",
             np.dtype(ml_dtypes.float8_e4m3fn): "f8E4M3FN", np.dtype(ml_dtypes.float8_e5m2): "f8E5M2",
             np.dtype(ml_dtypes.int4): "i4"}


_CTX = []


def parse(text: str, *, verify: bool = True, target=None) -> ir.Module:
    if not _CTX:
        _CTX.append(make_context())  # one context for the whole file: loading the dialects is the slow part
    ctx = _CTX[0]
    with ctx, ir.Location.unknown(), DiagnosticCollector(ctx) as diags:
        module = ir.Module.parse(text)
        if verify:
            ok = verify_ops(module.operation, target)
            assert ok, [d.message for d in diags.errors]
    return module


def run(text: str, inputs: dict, *, verify: bool = True, **kwargs) -> dict:
    module = parse(text, verify=verify, target=kwargs.get("target"))
    with module.context:
        return run_level4(module, inputs, **kwargs)


def mtype(shape, etype: str, space: str) -> str:
    return f'memref<{"x".join(map(str, shape))}x{etype}, "{space}">'


def dma(src: str, dst: str, n: int, src_t: str, dst_t: str, src_offset: int = 0, dst_offset: int = 0) -> str:
    return (f'"npu_mem.dma_start"({src}, {dst}) {{src_offset = {src_offset}, src_sizes = array<i64: {n}>, '
            f'src_strides = array<i64: 1>, dst_offset = {dst_offset}, dst_sizes = array<i64: {n}>, '
            f'dst_strides = array<i64: 1>}} : ({src_t}, {dst_t}) -> !npu_mem.token')


def compute_module(op: str, inputs: dict[str, tuple[tuple, str]], out: tuple[tuple, str],
                   out_init: bool = False, offsets: bool = False) -> str:
    """One PE: DMA every input (and `out` when out_init) into SRAM, run `op`, DMA %out back to ext.

    `op` names the SRAM buffers %<input name> and %out; types are spelled by {T_<name>} / {T_out}.
    """
    bufs = dict(inputs)
    bufs["out"] = out
    loads = list(inputs) + (["out"] if out_init else [])
    lines, gl = [], []
    offset = 0
    for name, (shape, et) in bufs.items():
        if name != "out" or out_init:
            gname = "out_init" if name == "out" else name
            gl.append(f'"npu_mem.global"() {{sym_name = "{gname}", kind = "input", type = {mtype(shape, et, "ext")}}} : () -> ()')
    gl.append(f'"npu_mem.global"() {{sym_name = "out", kind = "output", type = {mtype(out[0], out[1], "ext")}}} : () -> ()')
    for name, (shape, et) in bufs.items():
        attr = f" {{offset = {offset}}}" if offsets else ""
        offset += (prod(shape) * BITS[et] + 7) // 8 + 64
        lines.append(f'%{name} = "npu_mem.alloc"(){attr} : () -> {mtype(shape, et, "sram")}')
    for name in loads:
        shape, et = bufs[name]
        gname = "out_init" if name == "out" else name
        lines.append(f'%g_{name} = "npu_mem.get_global"() {{name = @{gname}}} : () -> {mtype(shape, et, "ext")}')
        lines.append(f'%t_{name} = ' + dma(f"%g_{name}", f"%{name}", prod(shape), mtype(shape, et, "ext"),
                                          mtype(shape, et, "sram")))
    if loads:
        toks = ", ".join(f"%t_{n}" for n in loads)
        lines.append(f'"npu_mem.dma_wait"({toks}) : ({", ".join(["!npu_mem.token"] * len(loads))}) -> ()')
    types = {f"T_{n}": mtype(s, e, "sram") for n, (s, e) in bufs.items()}
    lines.append(op.format(**types))
    oshape, oet = out
    lines.append(f'%g_res = "npu_mem.get_global"() {{name = @out}} : () -> {mtype(oshape, oet, "ext")}')
    lines.append("%t_res = " + dma("%out", "%g_res", prod(oshape), mtype(oshape, oet, "sram"), mtype(oshape, oet, "ext")))
    lines.append('"npu_mem.dma_wait"(%t_res) : (!npu_mem.token) -> ()')
    body = "\n    ".join(lines)
    return "module {\n  " + "\n  ".join(gl) + (
        f'\n  func.func @pe() attributes {{npu_pe.pe = array<i64: 0, 0>}} {{\n    {body}\n    return\n  }}\n}}')


def run_compute(op: str, arrays: dict[str, np.ndarray], out_shape, out_dtype, out_init: np.ndarray | None = None,
                offsets: bool = False) -> np.ndarray:
    ins = {n: (a.shape, MLIR_TYPE[a.dtype]) for n, a in arrays.items()}
    text = compute_module(op, ins, (tuple(out_shape), MLIR_TYPE[np.dtype(out_dtype)]), out_init is not None, offsets)
    inputs = dict(arrays)
    if out_init is not None:
        inputs["out_init"] = out_init
    return run(text, inputs)["out"]


RNG = np.random.default_rng(1234)


def ints(shape, dtype, lo=None, hi=None):
    info = np.iinfo(dtype) if dtype != ml_dtypes.int4 else None
    lo = lo if lo is not None else (info.min if info else -8)
    hi = hi if hi is not None else (info.max if info else 7)
    return RNG.integers(lo, hi + 1, shape).astype(dtype)


def wrap32(x):
    return (((np.asarray(x, np.int64) + (1 << 31)) % (1 << 32)) - (1 << 31)).astype(np.int32)


# ---------------------------------------------------------------- the bundled example module

def test_bundled_double_buffered_program():
    text = (ROOT / "test/dialects/npu_pe_program.mlir").read_text()
    x = ints((32, 64), np.int8)
    out = run(text, {"x": x}, target=load_target("edge-lpddr"))["y"]
    acc = x.astype(np.int64) @ np.ones((64, 8), np.int64) + np.arange(8)
    # rescale by 2^30 / 2^36 = 1/64, round half up (double_round only differs for shift > 31 ... and it is 36)
    q = np.clip((acc * (1 << 30) + (1 << 35) + np.where(acc >= 0, 1 << 30, -(1 << 30))) >> 36, -128, 127)
    assert np.array_equal(out, np.maximum(q, 0).astype(np.int8))


# ---------------------------------------------------------------- matrix unit

MATMUL = '"npu_pe.matmul"(%a, %b, %out) {{accumulate = {acc}{zp}}} : ({T_a}, {T_b}, {T_out}) -> ()'


@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("zps", [(0, 0), (3, -5)])
def test_matmul_int8_with_zero_points_and_accumulate(accumulate, zps):
    a, b = ints((6, 40), np.int8), ints((40, 5), np.int8)
    c = ints((6, 5), np.int32, -1000, 1000)
    zp = f", a_zp = {zps[0]} : i8, b_zp = {zps[1]} : i8" if zps != (0, 0) else ""
    op = MATMUL.replace("{acc}", "true" if accumulate else "false").replace("{zp}", zp)
    out = run_compute(op, {"a": a, "b": b}, (6, 5), np.int32, out_init=c if accumulate else None)
    ref = (a.astype(np.int64) - zps[0]) @ (b.astype(np.int64) - zps[1]) + (c if accumulate else 0)
    assert np.array_equal(out, wrap32(ref))


def test_matmul_int32_accumulator_wraps():
    a = np.full((2, 4), -128, np.int8)
    b = np.full((4, 3), -128, np.int8)
    c = np.full((2, 3), 2**31 - 10, np.int32)
    op = MATMUL.replace("{acc}", "true").replace("{zp}", "")
    out = run_compute(op, {"a": a, "b": b}, (2, 3), np.int32, out_init=c)
    assert np.array_equal(out, wrap32(np.full((2, 3), 2**31 - 10 + 4 * 128 * 128)))
    assert out[0, 0] < 0


def test_matmul_int16_accumulator_wraps():
    a, b = ints((3, 64), np.int8), ints((64, 4), np.int8)
    op = MATMUL.replace("{acc}", "false").replace("{zp}", "")
    out = run_compute(op, {"a": a, "b": b}, (3, 4), np.int16)
    ref = a.astype(np.int64) @ b.astype(np.int64)
    assert np.array_equal(out, (((ref + 2**15) % 2**16) - 2**15).astype(np.int16))


def test_matmul_int4_packed():
    a, b = ints((4, 6), ml_dtypes.int4), ints((6, 2), ml_dtypes.int4)
    op = MATMUL.replace("{acc}", "false").replace("{zp}", ", a_zp = -2 : i4, b_zp = 1 : i4")
    out = run_compute(op, {"a": a, "b": b}, (4, 2), np.int32)
    assert np.array_equal(out, (a.astype(np.int64) + 2) @ (b.astype(np.int64) - 1))


def seq_f32_matmul(a, b, c=None):
    """The dialect's order with Python scalars: acc = f32(acc + f32(a*b)) for k ascending."""
    m, k = a.shape
    n = b.shape[1]
    out = np.zeros((m, n), np.float32)
    for i in range(m):
        for j in range(n):
            acc = np.float32(0.0) if c is None else np.float32(c[i, j])
            for kk in range(k):
                acc = np.float32(acc + np.float32(np.float32(a[i, kk]) * np.float32(b[kk, j])))
            out[i, j] = acc
    return out


def spread_floats(shape, dtype):
    """Values over many binades, so that summation order changes the f32 result."""
    span = {1: 3, 2: 6}.get(np.dtype(dtype).itemsize, 12)
    v = RNG.standard_normal(shape) * np.exp2(RNG.integers(-span, span, shape))
    return v.astype(np.float32).astype(dtype)


@pytest.mark.parametrize("dtype,acc_dtype", [(np.float32, np.float32), (ml_dtypes.bfloat16, np.float32),
                                             (np.float16, np.float16), (ml_dtypes.float8_e4m3fn, ml_dtypes.bfloat16)])
@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("m,k,n", [(5, 48, 7), (9, 20, 9)])  # both evaluation paths: accumulate, K-step loop
def test_matmul_float_is_the_sequential_f32_chain(dtype, acc_dtype, accumulate, m, k, n):
    a, b = spread_floats((m, k), dtype), spread_floats((k, n), dtype)
    c = spread_floats((m, n), acc_dtype)
    op = MATMUL.replace("{acc}", "true" if accumulate else "false").replace("{zp}", "")
    out = run_compute(op, {"a": a, "b": b}, (m, n), acc_dtype, out_init=c if accumulate else None)
    ref = seq_f32_matmul(a, b, c if accumulate else None).astype(acc_dtype)
    assert out.dtype == np.dtype(acc_dtype)
    assert np.array_equal(out.view(np.uint8), ref.view(np.uint8))


def test_matmul_float_order_matters_here():
    """The inputs above do distinguish orders: a float64 BLAS product differs from the chain."""
    a, b = spread_floats((5, 48), np.float32), spread_floats((48, 7), np.float32)
    blas = (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float32)
    assert not np.array_equal(blas, seq_f32_matmul(a, b))


def test_matmul_float_error_bound_vs_exact():
    """The bound docs/level4-execution.md states: |C - exact| <= (K + 1) * 2**-24 * (|A| @ |B|)."""
    a, b = spread_floats((8, 300), np.float32), spread_floats((300, 6), np.float32)
    op = MATMUL.replace("{acc}", "false").replace("{zp}", "")
    out = run_compute(op, {"a": a, "b": b}, (8, 6), np.float32).astype(np.float64)
    exact = a.astype(np.float64) @ b.astype(np.float64)
    bound = (300 + 1) * 2.0**-24 * (np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64))
    assert np.all(np.abs(out - exact) <= bound) and np.any(out != exact)


def test_matmul_k_split_with_accumulate_equals_one_matmul():
    """Two K tiles, the second accumulating: bit-identical to the whole-K chain (f32 acc)."""
    a, b = spread_floats((4, 32), np.float32), spread_floats((32, 3), np.float32)
    text = compute_module(
        '"npu_pe.matmul"(%a0, %b0, %out) {{accumulate = false}} : ({T_a0}, {T_b0}, {T_out}) -> ()\n'
        '    "npu_pe.matmul"(%a1, %b1, %out) {{accumulate = true}} : ({T_a1}, {T_b1}, {T_out}) -> ()',
        {"a0": ((4, 16), "f32"), "a1": ((4, 16), "f32"), "b0": ((16, 3), "f32"), "b1": ((16, 3), "f32")},
        ((4, 3), "f32"))
    out = run(text, {"a0": np.ascontiguousarray(a[:, :16]), "a1": np.ascontiguousarray(a[:, 16:]),
                     "b0": b[:16], "b1": b[16:]})["out"]
    assert np.array_equal(out, seq_f32_matmul(a, b))


# ---------------------------------------------------------------- vector unit

BINARY = '"npu_pe.binary"(%a, %b, %out) {{kind = "{kind}"}} : ({T_a}, {T_b}, {T_out}) -> ()'


@pytest.mark.parametrize("kind", ["add", "sub", "mul", "max", "min"])
@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32])
def test_binary_int_saturates_and_broadcasts(kind, dtype):
    a, b = ints((4, 6), dtype), ints((1, 6), dtype)
    out = run_compute(BINARY.replace("{kind}", kind), {"a": a, "b": b}, (4, 6), dtype)
    fn = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "max": np.maximum, "min": np.minimum}[kind]
    info = np.iinfo(dtype)
    ref = np.clip(fn(a.astype(object), b.astype(object)), info.min, info.max).astype(dtype)
    assert np.array_equal(out, ref)


@pytest.mark.parametrize("kind", ["add", "sub", "mul", "div", "max", "min"])
@pytest.mark.parametrize("dtype", [np.float32, ml_dtypes.bfloat16, np.float16])
def test_binary_float_rounds_once(kind, dtype):
    a, b = spread_floats((3, 5), dtype), spread_floats((3, 5), dtype)
    out = run_compute(BINARY.replace("{kind}", kind), {"a": a, "b": b}, (3, 5), dtype)
    fn = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
          "max": np.maximum, "min": np.minimum}[kind]
    ref = fn(a.astype(np.float32), b.astype(np.float32)).astype(dtype)  # one f32 op, then round
    assert np.array_equal(out.view(np.uint8), ref.view(np.uint8))


def test_binary_in_place_on_lhs():
    a, b = ints((4, 3), np.int32, -100, 100), ints((4, 3), np.int32, -100, 100)
    op = '"npu_pe.binary"(%out, %b, %out) {{kind = "add"}} : ({T_out}, {T_b}, {T_out}) -> ()'
    out = run_compute(op, {"b": b}, (4, 3), np.int32, out_init=a)
    assert np.array_equal(out, a + b)


UNARY = '"npu_pe.unary"(%a, %out) {{kind = "{kind}"}} : ({T_a}, {T_out}) -> ()'


@pytest.mark.parametrize("kind", ["copy", "neg", "abs", "relu"])
@pytest.mark.parametrize("dtype", [np.int8, np.int32, ml_dtypes.int4])
def test_unary_int(kind, dtype):
    a = ints((4, 6), dtype)
    a.flat[0] = np.iinfo(np.int8).min if dtype == np.int8 else a.flat[0]
    out = run_compute(UNARY.replace("{kind}", kind), {"a": a}, (4, 6), dtype)
    v = a.astype(np.int64)
    lo, hi = (-8, 7) if dtype == ml_dtypes.int4 else (np.iinfo(dtype).min, np.iinfo(dtype).max)
    ref = {"copy": v, "neg": -v, "abs": np.abs(v), "relu": np.maximum(v, 0)}[kind]
    assert np.array_equal(out.astype(np.int64), np.clip(ref, lo, hi))


def _erf(x):
    from math import erf
    return np.vectorize(erf)(x)


FLOAT_UNARY_REF = {
    "neg": lambda x: -x, "abs": np.abs, "relu": lambda x: np.maximum(x, 0), "exp": np.exp,
    "log": lambda x: np.log(np.abs(x)), "sqrt": lambda x: np.sqrt(np.abs(x)),
    "rsqrt": lambda x: 1 / np.sqrt(np.abs(x)), "reciprocal": lambda x: 1 / x, "tanh": np.tanh,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "erf": _erf, "gelu": lambda x: x / 2 * (1 + _erf(x / np.sqrt(2))),
}


@pytest.mark.parametrize("kind", sorted(FLOAT_UNARY_REF))
def test_unary_float_within_one_f32_ulp(kind):
    """Evaluated in float64 and rounded: within one f32 ulp of an independent float64 reference."""
    x = (RNG.standard_normal((4, 16)) * 3).astype(np.float32)
    if kind in ("log", "sqrt", "rsqrt"):
        x = np.abs(x) + np.float32(1e-3)
    out = run_compute(UNARY.replace("{kind}", kind), {"a": x}, (4, 16), np.float32)
    ref = FLOAT_UNARY_REF[kind](x.astype(np.float64))
    ulp = np.spacing(np.abs(ref).astype(np.float32))
    # erf/gelu: the interpreter's float64 series and math.erf differ by ~1e-16 absolute
    assert np.all(np.abs(out - ref) <= ulp + (1e-12 if kind in ("erf", "gelu") else 0.0))


def test_unary_float_to_bf16_rounds_the_f32_value():
    x = (RNG.standard_normal((2, 8)) * 4).astype(ml_dtypes.bfloat16)
    out = run_compute(UNARY.replace("{kind}", "exp"), {"a": x}, (2, 8), ml_dtypes.bfloat16)
    assert np.array_equal(out, np.exp(x.astype(np.float64)).astype(np.float32).astype(ml_dtypes.bfloat16))


CAST = '"npu_pe.cast"(%a, %out) : ({T_a}, {T_out}) -> ()'


def test_cast_int_to_int_saturates():
    a = ints((3, 8), np.int32, -100000, 100000)
    out = run_compute(CAST, {"a": a}, (3, 8), np.int8)
    assert np.array_equal(out, np.clip(a, -128, 127).astype(np.int8))


def test_cast_float_to_int_half_even_saturating_nan_zero():
    a = np.array([[0.5, 1.5, 2.5, -0.5, -1.5, 200.0, -300.0, np.nan]], np.float32)
    out = run_compute(CAST, {"a": a}, (1, 8), np.int8)
    assert out.tolist() == [[0, 2, 2, 0, -2, 127, -128, 0]]


def test_cast_float_overflow_fp8_saturates_bf16_goes_inf():
    a = np.array([[1e6, -1e6, 3.0, 449.0]], np.float32)
    e4 = run_compute(CAST, {"a": a}, (1, 4), ml_dtypes.float8_e4m3fn).astype(np.float32)
    assert e4.tolist() == [[448.0, -448.0, 3.0, 448.0]]
    big = np.array([[3.4e38, -3.4e38, 1.0, 2.0]], np.float32)
    f16 = run_compute(CAST, {"a": big}, (1, 4), np.float16)
    assert np.isinf(f16[0, :2]).all() and f16[0, 2:].tolist() == [1.0, 2.0]


def test_cast_int32_to_bf16_rounds_once():
    a = np.array([[2**24 + 1, 257, 259, -(2**31)]], np.int32)  # 257 is a bf16 tie, 259 rounds up
    out = run_compute(CAST, {"a": a}, (1, 4), ml_dtypes.bfloat16).astype(np.float64)
    assert out.tolist() == [[2.0**24, 256.0, 260.0, -(2.0**31)]]


REDUCE = '"npu_pe.reduce"(%a, %out) {{kind = "{kind}", axis = {axis}}} : ({T_a}, {T_out}) -> ()'


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_reduce_int_sum_saturates_to_i32(axis):
    a = ints((3, 4, 5), np.int32, 2**29, 2**30)
    shape = list(a.shape)
    shape[axis] = 1
    out = run_compute(REDUCE.replace("{kind}", "sum").replace("{axis}", str(axis)), {"a": a}, shape, np.int32)
    ref = np.clip(a.astype(np.int64).sum(axis=axis, keepdims=True), -(2**31), 2**31 - 1)
    assert np.array_equal(out, ref)


@pytest.mark.parametrize("kind", ["max", "min"])
def test_reduce_max_min(kind):
    a = ints((5, 7), np.int8)
    out = run_compute(REDUCE.replace("{kind}", kind).replace("{axis}", "0"), {"a": a}, (1, 7), np.int8)
    assert np.array_equal(out, getattr(a, kind)(axis=0, keepdims=True))


@pytest.mark.parametrize("rows", [6, 70])  # both evaluation paths: accumulate, step loop
def test_reduce_float_sum_ascending_f32(rows):
    a = spread_floats((rows, 40), np.float32)
    out = run_compute(REDUCE.replace("{kind}", "sum").replace("{axis}", "1"), {"a": a}, (rows, 1), np.float32)
    ref = np.zeros((rows, 1), np.float32)
    for i in range(rows):
        acc = a[i, 0]
        for j in range(1, 40):
            acc = np.float32(acc + a[i, j])
        ref[i, 0] = acc
    assert np.array_equal(out, ref)
    assert not np.array_equal(out, a.sum(axis=1, keepdims=True))  # numpy's pairwise order differs here


def test_table_int8_and_int16():
    x8 = ints((4, 8), np.int8)
    t8 = ints((256,), np.int8)
    op = '"npu_pe.table"(%a, %t, %out) : ({T_a}, {T_t}, {T_out}) -> ()'
    out = run_compute(op, {"a": x8, "t": t8}, (4, 8), np.int8)
    assert np.array_equal(out, t8[x8.astype(np.int64) + 128])
    x16 = ints((4, 8), np.int16)
    t16 = np.cumsum(ints((513,), np.int16, -60, 60)).astype(np.int16)
    out = run_compute(op, {"a": x16, "t": t16}, (4, 8), np.int32)
    i = x16.astype(np.int64) + 32768
    base, nxt = t16[i >> 7].astype(np.int64), t16[(i >> 7) + 1].astype(np.int64)
    assert np.array_equal(out, (base << 7) + (nxt - base) * (i & 127))
    assert np.array_equal(out, table_int16(x16, t16)) and np.array_equal(table_int8(x8, t8), t8[x8.astype(int) + 128])


@pytest.mark.parametrize("rounding", ["single_round", "double_round"])
@pytest.mark.parametrize("per_channel", [False, True])
def test_rescale(rounding, per_channel):
    x = ints((5, 4), np.int32, -(2**20), 2**20)
    mult = [1518500250, 1073741824, 1900000000, 1234567890] if per_channel else [1518500250]
    shift = [40, 33, 38, 31] if per_channel else [38]
    op = ('"npu_pe.rescale"(%a, %out) {{multiplier = array<i32: ' + ", ".join(map(str, mult)) +
          '>, shift = array<i8: ' + ", ".join(map(str, shift)) +
          f'>, input_zp = 0, output_zp = -7, rounding = "{rounding}"}}}} : ({{T_a}}, {{T_out}}) -> ()')
    out = run_compute(op, {"a": x}, (5, 4), np.int8)
    # TOSA apply_scale_32 written out with Python integers
    ref = np.zeros((5, 4), np.int64)
    for (i, c), v in np.ndenumerate(x):
        m, s = (mult[c], shift[c]) if per_channel else (mult[0], shift[0])
        r = 1 << (s - 1)
        if rounding == "double_round" and s > 31:
            r += (1 << 30) if v >= 0 else -(1 << 30)
        ref[i, c] = min(max(((int(v) * m + r) >> s) - 7, -128), 127)
    assert np.array_equal(out, ref)
    assert np.array_equal(out, ref_rescale(x, mult, shift, 0, -7, out_dtype="int8", per_channel=per_channel,
                                           rounding_mode=rounding.upper()))


def test_rescale_int8_input_zero_point():
    x = ints((3, 5), np.int8)
    op = ('"npu_pe.rescale"(%a, %out) {{multiplier = array<i32: 1073741824>, shift = array<i8: 30>, '
          'input_zp = 5, output_zp = 0, rounding = "single_round"}} : ({T_a}, {T_out}) -> ()')
    out = run_compute(op, {"a": x}, (3, 5), np.int32)
    assert np.array_equal(out, x.astype(np.int32) - 5)


def test_rescale_out_of_contract_is_a_located_error():
    x = np.full((1, 2), 2**30, np.int32)
    op = ('"npu_pe.rescale"(%a, %out) {{multiplier = array<i32: 1073741824>, shift = array<i8: 10>, '
          'input_zp = 0, output_zp = 0, rounding = "single_round"}} : ({T_a}, {T_out}) -> ()')
    with pytest.raises(NpuError, match=r"'npu_pe.rescale' at .* on PE \(0, 0\): apply_scale_32"):
        run_compute(op, {"a": x}, (1, 2), np.int8)


def test_clamp_int_and_float():
    x = ints((4, 4), np.int8)
    op = '"npu_pe.clamp"(%a, %out) {{min = -10 : i8, max = 20 : i8}} : ({T_a}, {T_out}) -> ()'
    assert np.array_equal(run_compute(op, {"a": x}, (4, 4), np.int8), np.clip(x, -10, 20))
    xf = np.array([[-3.0, 0.25, 7.5, np.nan]], np.float32)
    op = '"npu_pe.clamp"(%a, %out) {{min = -1.0 : f32, max = 6.0 : f32}} : ({T_a}, {T_out}) -> ()'
    out = run_compute(op, {"a": xf}, (1, 4), np.float32)
    assert out[0, :3].tolist() == [-1.0, 0.25, 6.0] and np.isnan(out[0, 3])


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.float32, ml_dtypes.bfloat16])
def test_fill(dtype):
    value = "-3 : " + MLIR_TYPE[np.dtype(dtype)] if np.dtype(dtype).kind == "i" else "0.1 : f32"
    op = f'"npu_pe.fill"(%out) {{{{value = {value}}}}} : ({{T_out}}) -> ()'
    out = run_compute(op, {}, (3, 5), dtype)
    expect = -3 if np.dtype(dtype).kind == "i" else np.float32(0.1).astype(dtype)
    assert out.dtype == np.dtype(dtype) and np.all(out == expect)


def im2col_ref(x, kernel, strides, pads, dilations, pad_value):
    """Straight from the formula, with Python loops over output rows and taps."""
    h, w, c = x.shape
    kh, kw = kernel
    top, left, bottom, right = pads
    oh = (h + top + bottom - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (w + left + right - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    out = np.empty((oh * ow, kh * kw * c), x.dtype)
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    y, z = i * strides[0] - top + a * dilations[0], j * strides[1] - left + b * dilations[1]
                    inside = 0 <= y < h and 0 <= z < w
                    out[i * ow + j, (a * kw + b) * c:(a * kw + b + 1) * c] = x[y, z] if inside else pad_value
    return out


@pytest.mark.parametrize("kernel,strides,pads,dilations", [
    ((3, 3), (1, 1), (1, 1, 1, 1), (1, 1)),
    ((3, 2), (2, 1), (0, 1, 2, 0), (1, 2)),
    ((1, 1), (2, 2), (0, 0, 0, 0), (1, 1)),
])
def test_im2col(kernel, strides, pads, dilations):
    x = ints((6, 7, 3), np.int8)
    ref = im2col_ref(x, kernel, strides, pads, dilations, -4)
    arr = lambda v: "array<i64: " + ", ".join(map(str, v)) + ">"
    op = (f'"npu_pe.im2col"(%a, %out) {{{{kernel = {arr(kernel)}, strides = {arr(strides)}, pads = {arr(pads)}, '
          f'dilations = {arr(dilations)}, pad_value = -4 : i8}}}} : ({{T_a}}, {{T_out}}) -> ()')
    out = run_compute(op, {"a": x}, ref.shape, np.int8)
    assert np.array_equal(out, ref)


def test_transpose():
    x = ints((2, 3, 4), np.int16)
    op = '"npu_pe.transpose"(%a, %out) {{perm = array<i64: 2, 0, 1>}} : ({T_a}, {T_out}) -> ()'
    out = run_compute(op, {"a": x}, (4, 2, 3), np.int16)
    assert np.array_equal(out, x.transpose(2, 0, 1))


# ---------------------------------------------------------------- memories and DMA

def test_i4_packing_low_nibble_first():
    values = np.array([1, -2, 7, -8, 0, 3], dtype=np.int8)
    packed = pack_i4(values)
    assert packed.tolist() == [0xE1, 0x87, 0x30]
    assert unpack_i4(packed, 6).tolist() == values.tolist()
    assert unpack_i4(pack_i4(values[:5]), 5).tolist() == values[:5].tolist()


def test_i4_buffers_in_ext_memory_are_packed():
    x = np.array([[1, -2, 7, -8], [0, 3, -1, 5]], ml_dtypes.int4)
    text = compute_module('"npu_pe.unary"(%a, %out) {{kind = "copy"}} : ({T_a}, {T_out}) -> ()',
                          {"a": ((2, 4), "i4")}, ((2, 4), "i4"))
    module = parse(text)
    with module.context:
        machine = Level4Machine(module)
        out = machine.run({"a": x})
    assert out["out"].dtype == np.dtype(ml_dtypes.int4) and np.array_equal(out["out"], x)
    ext = machine.ext["a"]
    assert ext.mem.data[ext.base:ext.end].tolist() == [0xE1, 0x87, 0x30, 0x5F]


def test_allocated_and_unallocated_buffers_agree():
    a, b = ints((8, 16), np.int8), ints((16, 4), np.int8)
    op = MATMUL.replace("{acc}", "false").replace("{zp}", "")
    free = run_compute(op, {"a": a, "b": b}, (8, 4), np.int32)
    placed = run_compute(op, {"a": a, "b": b}, (8, 4), np.int32, offsets=True)
    assert np.array_equal(free, placed) and np.array_equal(free, a.astype(np.int32) @ b.astype(np.int32))


STRIDED = """module {{
  "npu_mem.global"() {{sym_name = "x", kind = "input", type = memref<{n}xi16, "ext">}} : () -> ()
  "npu_mem.global"() {{sym_name = "y", kind = "output", type = memref<{m}xi16, "ext">}} : () -> ()
  func.func @p() attributes {{npu_pe.pe = array<i64: 1, 2>}} {{
    %x = "npu_mem.get_global"() {{name = @x}} : () -> memref<{n}xi16, "ext">
    %y = "npu_mem.get_global"() {{name = @y}} : () -> memref<{m}xi16, "ext">
    %s = "npu_mem.alloc"() {{offset = {s_offset}}} : () -> memref<{count}xi16, "sram">
    %f = "npu_mem.alloc"() {{offset = 0}} : () -> memref<{m}xi16, "sram">
    "npu_pe.fill"(%f) {{value = -1 : i16}} : (memref<{m}xi16, "sram">) -> ()
    %t0 = "npu_mem.dma_start"(%f, %y) {{src_offset = 0, src_sizes = array<i64: {m}>, src_strides = array<i64: 1>, dst_offset = 0, dst_sizes = array<i64: {m}>, dst_strides = array<i64: 1>}} : (memref<{m}xi16, "sram">, memref<{m}xi16, "ext">) -> !npu_mem.token
    %t1 = "npu_mem.dma_start"(%x, %s) {{src_offset = {so}, src_sizes = array<i64: {ss}>, src_strides = array<i64: {sst}>, dst_offset = 0, dst_sizes = array<i64: {count}>, dst_strides = array<i64: 1>}} : (memref<{n}xi16, "ext">, memref<{count}xi16, "sram">) -> !npu_mem.token
    "npu_mem.dma_wait"(%t0, %t1) : (!npu_mem.token, !npu_mem.token) -> ()
    %t2 = "npu_mem.dma_start"(%s, %y) {{src_offset = 0, src_sizes = array<i64: {count}>, src_strides = array<i64: 1>, dst_offset = {do}, dst_sizes = array<i64: {ds}>, dst_strides = array<i64: {dst}>}} : (memref<{count}xi16, "sram">, memref<{m}xi16, "ext">) -> !npu_mem.token
    "npu_mem.dma_wait"(%t2) : (!npu_mem.token) -> ()
    return
  }}
}}"""


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_strided_dma_patterns_match_index_arithmetic(data):
    rank = data.draw(st.integers(1, 3))
    sizes = data.draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    src_strides = data.draw(st.lists(st.integers(0, 6), min_size=rank, max_size=rank))
    src_offset = data.draw(st.integers(0, 5))
    count = prod(sizes)
    # target: a permuted, gapped injective pattern
    perm = data.draw(st.permutations(list(range(rank))))
    gap = data.draw(st.integers(0, 2))
    dst_strides = [0] * rank
    extent = 1
    for d in reversed(perm):
        dst_strides[d] = extent
        extent = extent * sizes[d] + gap
    dst_offset = data.draw(st.integers(0, 3))
    n = src_offset + sum((s - 1) * t for s, t in zip(sizes, src_strides)) + 1
    m = dst_offset + sum((s - 1) * t for s, t in zip(sizes, dst_strides)) + 1
    arr = lambda v: ", ".join(map(str, v))
    text = STRIDED.format(n=n, m=m, count=count, s_offset=2 * m, so=src_offset, ss=arr(sizes), sst=arr(src_strides),
                          do=dst_offset, ds=arr(sizes), dst=arr(dst_strides))
    x = RNG.integers(-1000, 1000, n).astype(np.int16)
    out = run(text, {"x": x})["y"]
    idx = np.indices(sizes).reshape(rank, -1).T
    expect = np.full(m, -1, np.int16)
    expect[dst_offset + idx @ np.array(dst_strides)] = x[src_offset + idx @ np.array(src_strides)]
    assert np.array_equal(out, expect)


_PATTERNS = st.builds(
    lambda start, dims: BytePattern(start, tuple(n for n, _ in dims), tuple(s for _, s in dims)),
    st.integers(0, 20), st.lists(st.tuples(st.integers(1, 4), st.integers(0, 7)), min_size=1, max_size=3))


def _bytes_of(p: BytePattern) -> set[int]:
    idx = np.indices(p.shape).reshape(len(p.shape), -1).T
    return set((p.start + idx @ np.array(p.strides)).tolist())


@settings(max_examples=500, deadline=None)
@given(_PATTERNS, _PATTERNS)
def test_byte_pattern_overlap_is_exact(a, b):
    """The in-flight race check compares byte runs, not bounding ranges."""
    assert a.overlaps(b) == bool(_bytes_of(a) & _bytes_of(b))
    starts, ends = a.runs()
    assert np.all(starts[1:] > ends[:-1])
    assert set(np.concatenate([np.arange(x, y) for x, y in zip(starts, ends)]).tolist()) == _bytes_of(a)


# ---------------------------------------------------------------- network: multicast, semaphores, barriers

def _program(pe, body: str) -> str:
    return f'  func.func @pe_{pe[0]}_{pe[1]}() attributes {{npu_pe.pe = array<i64: {pe[0]}, {pe[1]}>}} {{\n{body}\n    return\n  }}\n'


T8 = 'memref<8xi32, "sram">'
E8 = 'memref<8xi32, "ext">'


def _store(buf: str, glob: str, n: int, dst_offset: int, tok: str, ext_t: str, sram_t: str = T8) -> str:
    return (f'    %{glob}_{tok} = "npu_mem.get_global"() {{name = @{glob}}} : () -> {ext_t}\n'
            f'    %{tok} = ' + dma(buf, f"%{glob}_{tok}", n, sram_t, ext_t, dst_offset=dst_offset) + "\n"
            f'    "npu_mem.dma_wait"(%{tok}) : (!npu_mem.token) -> ()')


def multicast_module() -> str:
    """(0, 0) loads x and multicasts it to (0, 1) and (1, 1); each adds its own constant and stores a row of y."""
    src = (f'    %x = "npu_mem.get_global"() {{name = @x}} : () -> {E8}\n'
           f'    %b = "npu_mem.alloc"() : () -> {T8}\n'
           f'    %t = ' + dma("%x", "%b", 8, E8, T8) + "\n"
           '    "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()\n'
           f'    %m = "npu_noc.multicast"(%b) {{dsts = array<i64: 0, 1, 1, 1>, routes = [array<i64: 0, 0, 0, 1>, '
           f'array<i64: 0, 0, 0, 1, 1, 1>], tag = 3}} : ({T8}) -> !npu_noc.token\n'
           '    "npu_noc.wait"(%m) : (!npu_noc.token) -> ()')
    progs = [_program((0, 0), src)]
    for k, pe in enumerate([(0, 1), (1, 1)]):
        body = (f'    %r = "npu_mem.alloc"() : () -> {T8}\n'
                f'    %c = "npu_mem.alloc"() : () -> {T8}\n'
                f'    %u = "npu_noc.recv"(%r) {{src = array<i64: 0, 0>, tag = 3}} : ({T8}) -> !npu_noc.token\n'
                f'    "npu_pe.fill"(%c) {{value = {10 * (k + 1)} : i32}} : ({T8}) -> ()\n'
                '    "npu_noc.wait"(%u) : (!npu_noc.token) -> ()\n'
                f'    "npu_pe.binary"(%r, %c, %r) {{kind = "add"}} : ({T8}, {T8}, {T8}) -> ()\n'
                + _store("%r", "y", 8, 8 * k, "s", 'memref<2x8xi32, "ext">'))
        progs.append(_program(pe, body))
    return ('module {\n'
            f'  "npu_mem.global"() {{sym_name = "x", kind = "input", type = {E8}}} : () -> ()\n'
            '  "npu_mem.global"() {sym_name = "y", kind = "output", type = memref<2x8xi32, "ext">} : () -> ()\n'
            + "".join(progs) + "}")


def test_multicast_delivers_to_every_destination():
    x = ints((8,), np.int32, -50, 50)
    events = []
    module = parse(multicast_module(), target=load_target("datacenter-hbm"))
    with module.context:
        out = run_level4(module, {"x": x}, on_op=lambda pe, op, operands: events.append((pe, op.name)))
    assert np.array_equal(out["y"], np.stack([x + 10, x + 20]))
    assert events[0] == ((0, 0), "npu_mem.get_global")
    assert sum(1 for e in events if e[1] == "npu_noc.recv") == 2
    assert len(events) == 7 + 2 * 10  # every op of the three programs, once


class Recorder(Level4Machine):
    """A machine subclass recording the explicit transfer events (what a performance model hooks)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.log = []

    def dma_completed(self, dma):
        self.log.append(("dma", dma.pe, dma.src_space, dma.dst_space, dma.nbytes))

    def transfer_delivered(self, transfer, recv):
        self.log.append(("noc", transfer.src, recv.pe, transfer.nbytes, transfer.routes[transfer.dsts.index(recv.pe)]))


def test_transfer_events_carry_bytes_and_routes():
    module = parse(multicast_module())
    with module.context:
        machine = Recorder(module)
        machine.run({"x": np.arange(8, dtype=np.int32)})
    assert ("dma", (0, 0), "ext", "sram", 32) in machine.log
    assert ("noc", (0, 0), (1, 1), 32, [(0, 0), (0, 1), (1, 1)]) in machine.log
    assert sum(1 for e in machine.log if e[0] == "dma" and e[3] == "ext") == 2


def sem_module(with_semaphore: bool) -> str:
    """PE (0, 1) doubles x into scratch s; PE (0, 0) (which runs first) copies s to y once signalled."""
    sig = '    "npu_noc.sem_signal"() {pe = array<i64: 0, 0>, id = 2, count = 1, route = array<i64: 0, 1, 0, 0>} : () -> ()' if with_semaphore else ""
    wait = '    "npu_noc.sem_wait"(%sem) {count = 1} : (!npu_noc.sem) -> ()' if with_semaphore else ""
    decl = '    %sem = "npu_noc.semaphore"() {id = 2, init = 0} : () -> !npu_noc.sem' if with_semaphore else ""
    producer = (f'    %x = "npu_mem.get_global"() {{name = @x}} : () -> {E8}\n'
                f'    %b = "npu_mem.alloc"() : () -> {T8}\n'
                f'    %t = ' + dma("%x", "%b", 8, E8, T8) + "\n"
                '    "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()\n'
                f'    "npu_pe.binary"(%b, %b, %b) {{kind = "add"}} : ({T8}, {T8}, {T8}) -> ()\n'
                + _store("%b", "s", 8, 0, "w", E8) + "\n" + sig)
    consumer = (f'{decl}\n{wait}\n'
                f'    %s = "npu_mem.get_global"() {{name = @s}} : () -> {E8}\n'
                f'    %b = "npu_mem.alloc"() : () -> {T8}\n'
                f'    %t = ' + dma("%s", "%b", 8, E8, T8) + "\n"
                '    "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()\n'
                f'    "npu_pe.unary"(%b, %b) {{kind = "neg"}} : ({T8}, {T8}) -> ()\n'
                + _store("%b", "y", 8, 0, "o", E8))
    return ('module {\n'
            f'  "npu_mem.global"() {{sym_name = "x", kind = "input", type = {E8}}} : () -> ()\n'
            f'  "npu_mem.global"() {{sym_name = "s", kind = "scratch", type = {E8}}} : () -> ()\n'
            f'  "npu_mem.global"() {{sym_name = "y", kind = "output", type = {E8}}} : () -> ()\n'
            + _program((0, 0), consumer) + _program((0, 1), producer) + "}")


def test_semaphore_orders_a_producer_before_a_consumer():
    x = ints((8,), np.int32, -1000, 1000)
    assert np.array_equal(run(sem_module(True), {"x": x})["y"], -2 * x)


def test_missing_semaphore_is_schedule_dependent():
    """Without the semaphore the consumer (0, 0) runs first and reads scratch nobody wrote;
    in reverse order the producer runs first and the race stays hidden."""
    x = ints((8,), np.int32, -1000, 1000)
    assert np.array_equal(run(sem_module(False), {"x": x}, schedule="reverse")["y"], -2 * x)
    assert np.array_equal(run(sem_module(True), {"x": x}, schedule="reverse")["y"], -2 * x)


def test_missing_semaphore_reads_unwritten_scratch():
    with pytest.raises(NpuError, match=r"'npu_pe.unary' at .* on PE \(0, 0\): reads input byte 0 of 32, never written"):
        run(sem_module(False), {"x": np.zeros(8, np.int32)})


def barrier_module(pes: list, rounds: int) -> str:
    """Every PE adds its index to a shared ext counter row, one PE per round, separated by barriers."""
    group = "array<i64: " + ", ".join(f"{r}, {c}" for r, c in pes) + ">"
    progs = []
    for k, pe in enumerate(pes):
        lines = [f'    %y = "npu_mem.get_global"() {{name = @y}} : () -> {E8}',
                 f'    %b = "npu_mem.alloc"() : () -> {T8}']
        for r in range(rounds):
            turn = r % len(pes)
            if turn == k:
                if r == 0:
                    lines.append(f'    "npu_pe.fill"(%b) {{value = 0 : i32}} : ({T8}) -> ()')
                else:
                    lines.append(f'    %l{r} = ' + dma("%y", "%b", 8, E8, T8))
                    lines.append(f'    "npu_mem.dma_wait"(%l{r}) : (!npu_mem.token) -> ()')
                lines.append(f'    %c{r} = "npu_mem.alloc"() : () -> {T8}')
                lines.append(f'    "npu_pe.fill"(%c{r}) {{value = {k + 1} : i32}} : ({T8}) -> ()')
                lines.append(f'    "npu_pe.binary"(%b, %c{r}, %b) {{kind = "add"}} : ({T8}, {T8}, {T8}) -> ()')
                lines.append(f'    %s{r} = ' + dma("%b", "%y", 8, T8, E8))
                lines.append(f'    "npu_mem.dma_wait"(%s{r}) : (!npu_mem.token) -> ()')
            lines.append(f'    "npu_noc.barrier"() {{id = 5, pes = {group}}} : () -> ()')
        progs.append(_program(pe, "\n".join(lines)))
    return ('module {\n'
            f'  "npu_mem.global"() {{sym_name = "y", kind = "output", type = {E8}}} : () -> ()\n'
            + "".join(progs) + "}")


def test_barriers_order_rounds_across_pes():
    pes = [(1, 1), (0, 0), (0, 3), (1, 0)]  # program order of the module is not the PE order
    out = run(barrier_module(pes, 7), {})["y"]
    assert np.array_equal(out, np.full(8, sum((r % 4) + 1 for r in range(7)), np.int32))


# ---------------------------------------------------------------- errors: deadlock, races, checks

def test_deadlock_names_every_blocked_pe_and_op():
    def body(peer):
        return (f'    %a = "npu_mem.alloc"() : () -> {T8}\n'
                f'    %b = "npu_mem.alloc"() : () -> {T8}\n'
                f'    "npu_pe.fill"(%a) {{value = 1 : i32}} : ({T8}) -> ()\n'
                f'    %r = "npu_noc.recv"(%b) {{src = array<i64: {peer[0]}, {peer[1]}>, tag = 0}} : ({T8}) -> !npu_noc.token\n'
                '    "npu_noc.wait"(%r) : (!npu_noc.token) -> ()\n'
                f'    %s = "npu_noc.send"(%a) {{dst = array<i64: {peer[0]}, {peer[1]}>, '
                f'route = array<i64: {1 - peer[0]}, 0, {peer[0]}, 0>, tag = 0}} : ({T8}) -> !npu_noc.token\n'
                '    "npu_noc.wait"(%s) : (!npu_noc.token) -> ()')
    text = "module {\n" + _program((0, 0), body((1, 0))) + _program((1, 0), body((0, 0))) + "}"
    with pytest.raises(NpuError) as err:
        run(text, {})
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("deadlock: ")
    assert "PE (0, 0) blocked at 'npu_noc.wait'" in msg and "PE (1, 0) blocked at 'npu_noc.wait'" in msg
    assert "waits for a send from PE (1, 0) with tag 0" in msg


def test_deadlock_on_a_semaphore_nobody_signals():
    text = ("module {\n" + _program((0, 0), '    %s = "npu_noc.semaphore"() {id = 0, init = 1} : () -> !npu_noc.sem\n'
                                            '    "npu_noc.sem_wait"(%s) {count = 2} : (!npu_noc.sem) -> ()') + "}")
    with pytest.raises(NpuError, match=r"deadlock: PE \(0, 0\) blocked at 'npu_noc.sem_wait' .*semaphore 0 to reach 2 \(holds 1\)"):
        run(text, {})


def test_send_recv_is_a_rendezvous():
    """A wait on a send blocks until the recv is posted: send/wait before recv on both sides deadlocks."""
    def body(peer):
        return (f'    %a = "npu_mem.alloc"() : () -> {T8}\n'
                f'    %b = "npu_mem.alloc"() : () -> {T8}\n'
                f'    "npu_pe.fill"(%a) {{value = 1 : i32}} : ({T8}) -> ()\n'
                f'    %s = "npu_noc.send"(%a) {{dst = array<i64: 0, {peer}>, route = array<i64: 0, {1 - peer}, 0, {peer}>, tag = 0}} : ({T8}) -> !npu_noc.token\n'
                '    "npu_noc.wait"(%s) : (!npu_noc.token) -> ()\n'
                f'    %r = "npu_noc.recv"(%b) {{src = array<i64: 0, {peer}>, tag = 0}} : ({T8}) -> !npu_noc.token\n'
                '    "npu_noc.wait"(%r) : (!npu_noc.token) -> ()')
    text = "module {\n" + _program((0, 0), body(1)) + _program((0, 1), body(0)) + "}"
    with pytest.raises(NpuError, match=r"deadlock: .*to post the 'npu_noc.recv' matching send tag 0"):
        run(text, {})


def one_pe(body: str, globals_: str = "") -> str:
    return "module {\n" + globals_ + _program((0, 0), body) + "}"


def test_uninitialized_sram_read():
    text = one_pe(f'    %a = "npu_mem.alloc"() {{offset = 0}} : () -> {T8}\n'
                  f'    %b = "npu_mem.alloc"() {{offset = 64}} : () -> {T8}\n'
                  f'    "npu_pe.unary"(%a, %b) {{kind = "relu"}} : ({T8}, {T8}) -> ()')
    with pytest.raises(NpuError, match=r"'npu_pe.unary' at .* on PE \(0, 0\): reads input byte 0 of 32, never written \(SRAM of PE \(0, 0\), byte 0\)"):
        run(text, {})


def test_reused_sram_bytes_are_unwritten_again():
    """After a dealloc, a new buffer at the same offset does not inherit the old contents."""
    text = one_pe(f'    %a = "npu_mem.alloc"() {{offset = 0}} : () -> {T8}\n'
                  f'    "npu_pe.fill"(%a) {{value = 1 : i32}} : ({T8}) -> ()\n'
                  f'    "npu_mem.dealloc"(%a) : ({T8}) -> ()\n'
                  f'    %b = "npu_mem.alloc"() {{offset = 0}} : () -> {T8}\n'
                  f'    %c = "npu_mem.alloc"() {{offset = 32}} : () -> {T8}\n'
                  f'    "npu_pe.unary"(%b, %c) {{kind = "copy"}} : ({T8}, {T8}) -> ()')
    with pytest.raises(NpuError, match="reads input byte 0 of 32, never written"):
        run(text, {})


def test_overlapping_live_allocations():
    text = one_pe(f'    %a = "npu_mem.alloc"() {{offset = 0}} : () -> {T8}\n'
                  f'    %b = "npu_mem.alloc"() {{offset = 16}} : () -> {T8}')
    with pytest.raises(NpuError, match=r"'npu_mem.alloc' at .*: allocates SRAM bytes \[16, 48\) overlapping \[0, 32\) of the live buffer of 'npu_mem.alloc'"):
        run(text, {})


def test_overlapping_buffers_corrupt_each_other_unchecked():
    """check=False: an allocator bug shows as wrong data, because buffers share one SRAM array."""
    text = one_pe(f'    %a = "npu_mem.alloc"() {{offset = 0}} : () -> {T8}\n'
                  f'    %b = "npu_mem.alloc"() {{offset = 16}} : () -> {T8}\n'
                  f'    "npu_pe.fill"(%a) {{value = 1 : i32}} : ({T8}) -> ()\n'
                  f'    "npu_pe.fill"(%b) {{value = 2 : i32}} : ({T8}) -> ()\n'
                  + _store("%a", "y", 8, 0, "o", E8),
                  f'  "npu_mem.global"() {{sym_name = "y", kind = "output", type = {E8}}} : () -> ()\n')
    assert run(text, {}, check=False)["y"].tolist() == [1, 1, 1, 1, 2, 2, 2, 2]


def _dma_race(between: str) -> str:
    return one_pe(f'    %x = "npu_mem.get_global"() {{name = @x}} : () -> {E8}\n'
                  f'    %a = "npu_mem.alloc"() : () -> {T8}\n'
                  f'    %b = "npu_mem.alloc"() : () -> {T8}\n'
                  f'    "npu_pe.fill"(%b) {{value = 0 : i32}} : ({T8}) -> ()\n'
                  f'    %t = ' + dma("%x", "%a", 8, E8, T8) + "\n" + between + "\n"
                  '    "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()',
                  f'  "npu_mem.global"() {{sym_name = "x", kind = "input", type = {E8}}} : () -> ()\n')


def test_reading_a_dma_target_before_the_wait():
    text = _dma_race(f'    "npu_pe.unary"(%a, %b) {{kind = "copy"}} : ({T8}, {T8}) -> ()')
    with pytest.raises(NpuError, match=r"'npu_pe.unary' .*: reads input while its bytes are still arriving from the DMA of 'npu_mem.dma_start'"):
        run(text, {"x": np.zeros(8, np.int32)})


def test_writing_a_dma_source_before_the_wait():
    text = one_pe(f'    %y = "npu_mem.get_global"() {{name = @y}} : () -> {E8}\n'
                  f'    %a = "npu_mem.alloc"() : () -> {T8}\n'
                  f'    "npu_pe.fill"(%a) {{value = 3 : i32}} : ({T8}) -> ()\n'
                  f'    %t = ' + dma("%a", "%y", 8, T8, E8) + "\n"
                  f'    "npu_pe.fill"(%a) {{value = 4 : i32}} : ({T8}) -> ()\n'
                  '    "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()',
                  f'  "npu_mem.global"() {{sym_name = "y", kind = "output", type = {E8}}} : () -> ()\n')
    with pytest.raises(NpuError, match=r"'npu_pe.fill' .*: writes out while its bytes are still being read by the DMA"):
        run(text, {})
    # unchecked, the late read shows the overwrite: the copy happens at the wait
    assert run(text, {}, check=False)["y"].tolist() == [4] * 8


def test_two_dmas_into_interleaved_rows_do_not_conflict():
    """Exact byte overlap, not bounding boxes: even and odd rows of one buffer in flight together."""
    e, s = 'memref<4x8xi32, "ext">', 'memref<4x8xi32, "sram">'
    rows = lambda off: (f'{{src_offset = {off}, src_sizes = array<i64: 2, 8>, src_strides = array<i64: 16, 1>, '
                        f'dst_offset = {off}, dst_sizes = array<i64: 2, 8>, dst_strides = array<i64: 16, 1>}}')
    text = one_pe(f'    %x = "npu_mem.get_global"() {{name = @x}} : () -> {e}\n'
                  f'    %a = "npu_mem.alloc"() : () -> {s}\n'
                  f'    %t0 = "npu_mem.dma_start"(%x, %a) {rows(0)} : ({e}, {s}) -> !npu_mem.token\n'
                  f'    %t1 = "npu_mem.dma_start"(%x, %a) {rows(8)} : ({e}, {s}) -> !npu_mem.token\n'
                  '    "npu_mem.dma_wait"(%t1, %t0) : (!npu_mem.token, !npu_mem.token) -> ()\n'
                  + _store("%a", "y", 32, 0, "o", e, s),
                  f'  "npu_mem.global"() {{sym_name = "x", kind = "input", type = {e}}} : () -> ()\n'
                  f'  "npu_mem.global"() {{sym_name = "y", kind = "output", type = {e}}} : () -> ()\n')
    x = ints((4, 8), np.int32)
    assert np.array_equal(run(text, {"x": x})["y"], x)


def test_recv_size_mismatch():
    text = ("module {\n" + _program((0, 0), f'    %a = "npu_mem.alloc"() : () -> {T8}\n'
                                          f'    "npu_pe.fill"(%a) {{value = 1 : i32}} : ({T8}) -> ()\n'
                                          f'    %s = "npu_noc.send"(%a) {{dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 1}} : ({T8}) -> !npu_noc.token\n'
                                          '    "npu_noc.wait"(%s) : (!npu_noc.token) -> ()')
            + _program((0, 1), '    %b = "npu_mem.alloc"() : () -> memref<4xi32, "sram">\n'
                               '    %r = "npu_noc.recv"(%b) {src = array<i64: 0, 0>, tag = 1} : (memref<4xi32, "sram">) -> !npu_noc.token\n'
                               '    "npu_noc.wait"(%r) : (!npu_noc.token) -> ()') + "}")
    with pytest.raises(NpuError, match=r"'npu_noc.recv' at .* on PE \(0, 1\): expects the 8 i32 elements that 'npu_noc.send' at .* on PE \(0, 0\) sends with tag 1, got a buffer of 4 i32"):
        run(text, {}, verify=False)  # the verifier rejects it statically too


def test_send_without_recv_is_reported():
    text = ("module {\n" + _program((0, 0), f'    %a = "npu_mem.alloc"() : () -> {T8}\n'
                                          f'    "npu_pe.fill"(%a) {{value = 1 : i32}} : ({T8}) -> ()\n'
                                          f'    %s = "npu_noc.send"(%a) {{dst = array<i64: 0, 1>, route = array<i64: 0, 0, 0, 1>, tag = 1}} : ({T8}) -> !npu_noc.token\n'
                                          '    "npu_noc.wait"(%s) : (!npu_noc.token) -> ()')
            + _program((0, 1), "") + "}")
    with pytest.raises(NpuError, match=r"deadlock: PE \(0, 0\) blocked at 'npu_noc.wait' .*PE \(0, 1\) to post"):
        run(text, {}, verify=False)


def test_unwaited_dma_at_program_end():
    text = one_pe(f'    %y = "npu_mem.get_global"() {{name = @y}} : () -> {E8}\n'
                  f'    %a = "npu_mem.alloc"() : () -> {T8}\n'
                  f'    "npu_pe.fill"(%a) {{value = 3 : i32}} : ({T8}) -> ()\n'
                  f'    %t = ' + dma("%a", "%y", 8, T8, E8),
                  f'  "npu_mem.global"() {{sym_name = "y", kind = "output", type = {E8}}} : () -> ()\n')
    with pytest.raises(NpuError, match=r"'func.return' .*: ends the program while 'npu_mem.dma_start' at .* was never waited for"):
        run(text, {})


def test_output_never_written():
    text = one_pe('', '  "npu_mem.global"() {sym_name = "y", kind = "output", type = memref<8xi32, "ext">} : () -> ()\n')
    with pytest.raises(NpuError, match=r"output 'y': 32 of its 32 bytes were never written \(first at byte 0\)"):
        run(text, {})


def test_out_of_bounds_dma_caught_at_run_time():
    text = one_pe(f'    %x = "npu_mem.get_global"() {{name = @x}} : () -> {E8}\n'
                  f'    %a = "npu_mem.alloc"() : () -> {T8}\n'
                  f'    %t = ' + dma("%x", "%a", 8, E8, T8, src_offset=1) + "\n"
                  '    "npu_mem.dma_wait"(%t) : (!npu_mem.token) -> ()',
                  f'  "npu_mem.global"() {{sym_name = "x", kind = "input", type = {E8}}} : () -> ()\n')
    with pytest.raises(NpuError, match=r"'npu_mem.dma_start' .*: src pattern \(offset 1, sizes \[8\], strides \[1\]\) leaves its 8-element buffer"):
        run(text, {"x": np.zeros(8, np.int32)}, verify=False)


def test_input_errors():
    text = _dma_race("")
    with pytest.raises(NpuError, match=r"missing input 'x' \(\[8\] int32\)"):
        run(text, {})
    with pytest.raises(NpuError, match=r"input 'x' expects \[8\] int32, got \[8\] int64"):
        run(text, {"x": np.zeros(8, np.int64)})
    with pytest.raises(NpuError, match=r"unknown input 'z'"):
        run(text, {"x": np.zeros(8, np.int32), "z": np.zeros(1)})


def test_unsupported_op_is_named():
    text = one_pe('    %c = arith.constant 0 : index')
    with pytest.raises(NpuError, match=r"'arith.constant' at .*: the level-4 interpreter does not run 'arith.constant'"):
        run(text, {}, verify=False)


# ---------------------------------------------------------------- npu-run

def test_npu_run_runs_a_level4_module(tmp_path, capsys):
    from npu.tools.run import run as npu_run

    x = ints((32, 64), np.int8)
    np.savez(tmp_path / "x.npz", x=x)
    model = ROOT / "test/dialects/npu_pe_program.mlir"
    assert npu_run([str(model), "--input", str(tmp_path / "x.npz"), "--output", str(tmp_path / "y.npz")]) == 0
    y = np.load(tmp_path / "y.npz")["y"]
    assert np.array_equal(y, run(model.read_text(), {"x": x})["y"])
    with pytest.raises(NpuError, match="the module was compiled for target 'edge-lpddr', not 'datacenter-hbm'"):
        npu_run([str(model), "--input", str(tmp_path / "x.npz"), "--target", "datacenter-hbm"])


def test_allocation_beyond_the_target_sram():
    text = one_pe(f'    %a = "npu_mem.alloc"() {{offset = 8160}} : () -> {T8}')
    small = load_target("edge-lpddr").with_overrides({"pe.sram.bytes": 8184})
    with pytest.raises(NpuError, match=r"'npu_mem.alloc' .*: allocates SRAM bytes \[8160, 8192\) beyond the 8184 bytes of SRAM"):
        run(text, {}, verify=False, target=small)
    run(text, {}, target=small.with_overrides({"pe.sram.bytes": 8192}))


# ---------------------------------------------------------------- fixed-point kinds (integer softmax / layer norm)
# References with Python integers, independent of npu.numerics.

def _py(a) -> np.ndarray:
    return np.asarray(a).astype(object)


def test_clz_counts_leading_zero_bits_of_the_32_bit_pattern():
    a = np.array([[0, 1, 2, 3, 255, 256, 2**30, 2**31 - 1], [-1, -2**31, 7, 65535, 65536, 12345, 1 << 20, 5]],
                 np.int32)
    out = run_compute(UNARY.replace("{kind}", "clz"), {"a": a}, a.shape, np.int32)
    ref = [[32 - int(v).bit_length() if v >= 0 else 0 for v in row] for row in a.tolist()]
    assert out.tolist() == ref


@pytest.mark.parametrize("kind", ["shl", "ashr", "ashr_round", "and", "add_wrap"])
def test_int_only_binary_kinds_with_per_row_amounts(kind):
    a = ints((4, 6), np.int32)
    if kind == "shl":
        b = ints((4, 1), np.int32, 0, 31)
    elif kind.startswith("ashr"):
        b = ints((4, 1), np.int32, 0, 31)
    else:
        b = ints((4, 1), np.int32)
    out = run_compute(BINARY.replace("{kind}", kind), {"a": a, "b": b}, (4, 6), np.int32)
    x, s = _py(a), _py(np.broadcast_to(b, (4, 6)))
    if kind == "shl":
        ref = [[int(wrap32((v << k) % 2**32)) for v, k in zip(r, q)] for r, q in zip(x, s)]
    elif kind == "ashr":
        ref = [[v >> k for v, k in zip(r, q)] for r, q in zip(x, s)]
    elif kind == "ashr_round":
        ref = [[(v >> k) + (1 if k > 0 and (v >> (k - 1)) & 1 else 0) for v, k in zip(r, q)] for r, q in zip(x, s)]
    elif kind == "and":
        ref = [[v & k for v, k in zip(r, q)] for r, q in zip(x, s)]
    else:
        ref = [[int(wrap32(v + k)) for v, k in zip(r, q)] for r, q in zip(x, s)]
    assert out.tolist() == ref


def test_ashr_round_rounds_half_up_on_int8():
    a = np.array([[-3, -2, -1, 0, 1, 2, 3, 127]], np.int8)
    b = np.full((1, 1), 1, np.int8)
    out = run_compute(BINARY.replace("{kind}", "ashr_round"), {"a": a, "b": b}, a.shape, np.int8)
    assert out.tolist() == [[-1, -1, 0, 0, 1, 1, 2, 64]]


def test_shift_amount_out_of_range_is_a_located_error():
    a, b = np.ones((2, 2), np.int32), np.full((2, 1), 32, np.int32)
    with pytest.raises(NpuError, match=r"'npu_pe.binary' at .* on PE \(0, 0\): logical_left_shift: shift must be"):
        run_compute(BINARY.replace("{kind}", "shl"), {"a": a, "b": b}, (2, 2), np.int32)


MUL_SHIFT = '"npu_pe.mul_shift"(%a, %b, %out) {{shift = {shift}}} : ({T_a}, {T_b}, {T_out}) -> ()'


@pytest.mark.parametrize("shift", [0, 1, 15, 31, 40])
def test_mul_shift_rounds_the_exact_product(shift):
    lim = 2**15 if shift < 16 else 2**31 - 1
    a, b = ints((3, 7), np.int32, -lim, lim), ints((3, 1), np.int32, -lim, lim)
    out = run_compute(MUL_SHIFT.replace("{shift}", str(shift)), {"a": a, "b": b}, (3, 7), np.int32)
    p = _py(a) * _py(np.broadcast_to(b, (3, 7)))
    ref = (p + (1 << (shift - 1))) >> shift if shift else p
    assert out.tolist() == ref.tolist()


def test_mul_shift_overflow_is_an_error_not_saturation():
    a = np.full((1, 2), 2**20, np.int32)
    with pytest.raises(NpuError, match=r"'npu_pe.mul_shift' at .*: mul_int: result outside int32"):
        run_compute(MUL_SHIFT.replace("{shift}", "1"), {"a": a, "b": a}, (1, 2), np.int32)
