"""Property tests of npu.numerics against independent references.

References used here are deliberately different from the implementation: exact
rational arithmetic (fractions.Fraction / Python big ints) for the integer rules,
brute-force nearest-value search over every value of a float format for rounding,
the ONNX reference evaluator for QuantizeLinear, and a shift-and-add convolution.
The TOSA reference model cross-check lives in test_tosa_oracle.py.
"""

from __future__ import annotations

import math
from fractions import Fraction

import ml_dtypes
import numpy as np
import onnx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import npu.numerics as N

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _round_half_up(q: Fraction) -> int:
    return math.floor(q + Fraction(1, 2))


# ----------------------------------------------------------------------------------------
# Integer types
# ----------------------------------------------------------------------------------------

@FAST
@given(st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=40),
       st.sampled_from(["int4", "uint4", "int8", "uint8", "int16", "uint16", "int32"]))
def test_saturate_and_wrap_match_integer_definitions(vals, t):
    lo, hi = N.int_range(t)
    bits = (hi - lo + 1).bit_length() - 1
    x = np.array(vals, dtype=np.int64)
    assert N.saturate(x, t).tolist() == [min(max(v, lo), hi) for v in vals]
    assert N.wrap(x, t).tolist() == [((v - lo) % (1 << bits)) + lo for v in vals]
    assert N.saturate(x, t).dtype == N.storage_dtype(t)


def test_integer_type_names_and_refusals():
    assert N.int_range("int4") == (-8, 7) and N.int_range("int48") == (-(2**47), 2**47 - 1)
    assert N.int_type(np.uint8) == "uint8" and N.int_type(ml_dtypes.int4) == "int4"
    with pytest.raises(N.NumericsError, match="unknown integer type"):
        N.int_range("int7")
    with pytest.raises(N.NumericsError, match="integer array"):
        N.saturate(np.array([1.5]), "int8")
    with pytest.raises(N.NumericsError, match=r"value 300 at index \(1,\)"):
        N.require_in_range(np.array([1, 300]), "int8", "test")


# ----------------------------------------------------------------------------------------
# apply_scale_32 / apply_scale_16
# ----------------------------------------------------------------------------------------

@st.composite
def scale32_args(draw):
    shift = draw(st.integers(2, 62))
    lim = min(1 << (shift - 1), 1 << 31)
    v = draw(st.lists(st.integers(-lim, lim - 1), min_size=1, max_size=16))
    m = draw(st.integers(0, (1 << 31) - 1))
    return v, m, shift


@FAST
@given(scale32_args())
def test_apply_scale_32_single_round_is_round_half_up_of_the_exact_product(args):
    v, m, s = args
    got = N.apply_scale_32(np.array(v), m, s)
    assert got.dtype == np.int32
    assert got.tolist() == [_round_half_up(Fraction(x * m, 1 << s)) for x in v]


@FAST
@given(scale32_args())
def test_apply_scale_32_double_round_formula_and_error_bound(args):
    v, m, s = args
    got = N.apply_scale_32(np.array(v), m, s, double_round=True).tolist()
    single = N.apply_scale_32(np.array(v), m, s).tolist()
    for x, g, one in zip(v, got, single):
        rnd = (1 << (s - 1)) + ((1 << 30) if x >= 0 else -(1 << 30)) * (s > 31)
        assert g == (x * m + rnd) >> s  # TOSA's formula in big-int arithmetic
        assert abs(Fraction(x * m, 1 << s) - g) < 1  # still a rounding of the exact value
        if s <= 31:
            assert g == one


def test_apply_scale_32_double_round_example_differs_from_single():
    # 3 * 2**30 / 2**33 = 0.375: single rounding gives 0, double rounding rounds 0.375 up
    # at bit 31 first (to 2 * 2**-2 = 0.5) then up again -> 1. The TOSA model agrees.
    assert N.apply_scale_32(np.array([3, -3]), 1 << 30, 33, double_round=True).tolist() == [1, 0]
    assert N.apply_scale_32(np.array([3, -3]), 1 << 30, 33).tolist() == [0, 0]


def test_apply_scale_requires():
    with pytest.raises(N.NumericsError, match=r"value 8 at index \(1,\) is outside \[-8, 8\)"):
        N.apply_scale_32(np.array([0, 8]), 1 << 30, 4)
    with pytest.raises(N.NumericsError, match="shift <= 62"):
        N.apply_scale_32(np.array([0]), 1 << 30, 63)
    with pytest.raises(N.NumericsError, match="multiplier"):
        N.apply_scale_32(np.array([0]), -1, 10)
    with pytest.raises(N.NumericsError, match="outside int32"):
        N.apply_scale_16(np.array([1 << 46]), (1 << 15) - 1, 2)


@FAST
@given(st.lists(st.integers(-(2**47), 2**47 - 1), min_size=1, max_size=16), st.integers(0, 2**15 - 1),
       st.integers(33, 62))
def test_apply_scale_16_is_round_half_up_on_int48(v, m, s):
    assert N.apply_scale_16(np.array(v), m, s).tolist() == [_round_half_up(Fraction(x * m, 1 << s)) for x in v]


def test_inexact_round_is_half_to_even():
    x = np.array([1, 3, 5, -1, -3, -5, 2, 7])  # / 2 with multiplier 2**30, shift 31
    got = N.apply_scale_32(x, 1 << 30, 31, rounding_mode=N.RoundingMode.INEXACT_ROUND)
    assert got.tolist() == [0, 2, 2, 0, -2, -2, 1, 4]


# ----------------------------------------------------------------------------------------
# quantize_multiplier
# ----------------------------------------------------------------------------------------

@FAST
@given(st.lists(st.floats(-60, 28), min_size=1, max_size=32), st.booleans())
def test_quantize_multiplier_is_a_rounded_mantissa(log2s, scale32):
    assume(scale32 or max(log2s) < 12)
    scales = np.exp2(np.array(log2s))
    m, s = N.quantize_multiplier(scales, scale32)
    bits = 31 if scale32 else 15
    assert m.dtype == (np.int32 if scale32 else np.int16) and s.dtype == np.int8
    assert np.all((s >= 2) & (s <= 62))
    back = N.multiplier_to_scale(m, s)
    for sc, mi, si, b in zip(scales, m.tolist(), s.tolist(), back):
        assert b == mi * 2.0 ** -si
        if si < 62:  # full precision: normalized mantissa, error at most half a unit
            assert (1 << (bits - 1)) <= mi < (1 << bits)
            assert abs(Fraction(mi, 1 << si) - Fraction(sc)) <= Fraction(1, 1 << (si + 1))
        else:  # very small scale: the multiplier absorbs the rest of the shift
            assert abs(Fraction(mi, 1 << 62) - Fraction(sc)) <= Fraction(1, 1 << 63)


def test_quantize_multiplier_examples_and_refusals():
    assert N.quantize_multiplier(0.125) == (1 << 30, 33)
    assert N.quantize_multiplier(1.0) == (1 << 30, 30)
    # round(0.99999999999 * 2**31) == 2**31 -> halved, shift one less
    m, s = N.quantize_multiplier(1 - 1e-12)
    assert (int(m), int(s)) == (1 << 30, 30)
    with pytest.raises(N.NumericsError, match="> 0"):
        N.quantize_multiplier(0.0)
    with pytest.raises(N.NumericsError, match="too large"):
        N.quantize_multiplier(2.0**30)


# ----------------------------------------------------------------------------------------
# RESCALE
# ----------------------------------------------------------------------------------------

@st.composite
def rescale_args(draw):
    tin = draw(st.sampled_from(["int8", "uint8", "int16", "int32"]))
    outs = ["int8", "int16"] + (["int32"] if tin != "uint8" else []) + (["uint8"] if tin in ("int8", "int16") else [])
    tout = draw(st.sampled_from(outs))
    lo, hi = N.int_range(tin)
    zp_in = draw(st.integers(lo, hi)) if tin in ("int8", "uint8") else 0
    zp_out = draw(st.integers(*N.int_range(tout))) if tout in ("int8", "uint8") else 0
    shift = draw(st.integers(max(2, (hi - lo).bit_length() + 1), 62))  # all inputs satisfy REQUIRE
    m = draw(st.integers(0, (1 << 31) - 1))
    x = draw(st.lists(st.integers(lo, hi), min_size=1, max_size=24))
    return tin, tout, zp_in, zp_out, m, shift, x, draw(st.booleans())


@FAST
@given(rescale_args())
def test_rescale_matches_rational_definition(args):
    tin, tout, zp_in, zp_out, m, s, x, double = args
    mode = "DOUBLE_ROUND" if double else "SINGLE_ROUND"
    got = N.rescale(np.array(x, dtype=N.storage_dtype(tin)), m, s, zp_in, zp_out, out_dtype=tout, rounding_mode=mode)
    lo, hi = N.int_range(tout)
    for xi, g in zip(x, got.tolist()):
        v = xi - zp_in
        if double:
            rnd = (1 << (s - 1)) + ((1 << 30) if v >= 0 else -(1 << 30)) * (s > 31)
            r = (v * m + rnd) >> s
        else:
            r = _round_half_up(Fraction(v * m, 1 << s))
        assert g == min(max(r + zp_out, lo), hi)


@FAST
@given(st.integers(1, 6), st.integers(1, 5), st.data())
def test_rescale_per_channel_equals_per_tensor_on_each_channel(rows, ch, data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    x = rng.integers(-(2**20), 2**20, (rows, ch, 3)).astype(np.int32)
    m = rng.integers(0, 2**31, ch)
    s = rng.integers(22, 63, ch)
    got = N.rescale(x, m, s, out_dtype="int16", per_channel=True, axis=1)
    for c in range(ch):
        np.testing.assert_array_equal(got[:, c], N.rescale(x[:, c], m[c], s[c], out_dtype="int16"))


@pytest.mark.parametrize("kwargs,msg", [
    (dict(x=np.zeros(4, np.int32), input_zp=3), "input_zp must be 0 for int32"),
    (dict(x=np.zeros(4, np.int16), scale32=False, rounding_mode="DOUBLE_ROUND"), "DOUBLE_ROUND requires scale32"),
    (dict(x=np.zeros(4, np.uint8), out_dtype="uint8"), "both be unsigned"),
    (dict(x=np.zeros(4, np.uint8), out_dtype="int32"), "unsigned input cannot produce int32"),
    (dict(x=np.zeros(4, np.int32), out_dtype="uint8"), "cannot produce an unsigned output"),
    (dict(x=np.zeros(4, np.int64), in_dtype="int48"), "scale32 is not allowed with an int48 input"),
    (dict(x=np.zeros(4, np.uint16), input_zp=5, out_dtype="int16"), "0 or 32768"),
    (dict(x=np.zeros(4, np.int8), input_zp=200), "outside int8"),
    (dict(x=np.zeros((2, 3), np.int8), per_channel=True), "expects 3 multiplier"),
])
def test_rescale_error_if_rules(kwargs, msg):
    args = dict(multiplier=[1 << 30], shift=[31], out_dtype="int8")
    args.update(kwargs)
    x = args.pop("x")
    with pytest.raises(N.NumericsError, match=msg):
        N.rescale(x, **args)


# ----------------------------------------------------------------------------------------
# Affine quantization (ONNX QuantizeLinear / DequantizeLinear)
# ----------------------------------------------------------------------------------------

def _onnx_quantize(x, scale, zp, dtype, axis=None, block_size=0):
    onnx_t = {"int8": TensorProto.INT8, "uint8": TensorProto.UINT8, "int4": TensorProto.INT4,
              "uint4": TensorProto.UINT4, "int16": TensorProto.INT16}[dtype]
    attrs = {} if axis is None else {"axis": axis}
    if block_size:
        attrs["block_size"] = block_size
    node = helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"], **attrs)
    zt = helper.make_tensor("z", onnx_t, list(np.shape(zp)), np.asarray(zp).reshape(-1).tolist())
    graph = helper.make_graph(
        [node], "q", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape)),
                      helper.make_tensor_value_info("s", TensorProto.FLOAT, list(np.shape(scale)))],
        [helper.make_tensor_value_info("y", onnx_t, None)], initializer=[zt])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    (y,) = ReferenceEvaluator(model).run(None, {"x": x, "s": np.asarray(scale, np.float32)})
    return np.asarray(y).astype(np.int64)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["int8", "uint8", "int4", "uint4", "int16"]), st.sampled_from(["tensor", "axis", "block"]),
       st.integers(0, 2**32 - 1))
def test_quantize_affine_matches_onnx_reference(dtype, mode, seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((6, 8)) * rng.uniform(0.1, 50)).astype(np.float32)
    x[0, :4] = [0.5, 1.5, -2.5, 2.5]  # exact ties with scale 1
    lo, hi = N.int_range(dtype)
    if mode == "tensor":
        scale, zp, axis, bs = np.float32(rng.uniform(0.01, 2)), np.array(rng.integers(lo, hi + 1)), None, 0
        scale = np.float32(1.0) if seed % 3 == 0 else scale
    elif mode == "axis":
        scale = rng.uniform(0.01, 2, 8).astype(np.float32)
        zp, axis, bs = rng.integers(lo, hi + 1, 8), 1, 0
    else:
        scale = rng.uniform(0.01, 2, (2, 8)).astype(np.float32)
        zp, axis, bs = rng.integers(lo, hi + 1, (2, 8)), 0, 4  # 6 rows in blocks of 4 -> 2 (last partial)
    got = N.quantize_affine(x, scale, zp, dtype, axis=axis, block_size=bs)
    np.testing.assert_array_equal(got.astype(np.int64), _onnx_quantize(x, scale, zp, dtype, axis, bs))


@FAST
@given(st.floats(1e-4, 1e3), st.integers(-128, 127), st.integers(0, 2**32 - 1))
def test_quantize_dequantize_error_is_within_half_a_step(scale, zp, seed):
    scale = float(np.float32(scale))
    rng = np.random.default_rng(seed)
    lo, hi = (-128 - zp) * scale, (127 - zp) * scale
    x = rng.uniform(lo, hi, 512).astype(np.float32)
    back = N.dequantize_affine(N.quantize_affine(x, scale, zp, "int8"), scale, zp)
    # half a step, plus float32 rounding of x / scale and of the product
    bound = scale / 2 + 4 * np.finfo(np.float32).eps * np.maximum(np.abs(x), scale)
    assert np.all(np.abs(back.astype(np.float64) - x) <= bound)


def test_quantize_affine_ties_to_even_saturates_and_refuses_nan():
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1e30, -np.inf], np.float32)
    assert N.quantize_affine(x, 1.0, 0, "int8").tolist() == [0, 2, 2, 0, -2, -2, 127, -128]
    assert N.quantize_affine(x[:3], 1.0, 0, "int4").tolist() == [0, 2, 2]
    with pytest.raises(N.NumericsError, match="NaN"):
        N.quantize_affine(np.array([np.nan], np.float32), 1.0)


@FAST
@given(st.floats(-100, 0), st.floats(0, 100), st.sampled_from(["int8", "uint8", "int4"]), st.booleans())
def test_qparams_from_range_cover_the_range_and_hit_zero(lo, hi, dtype, symmetric):
    scale, zp = N.qparams_from_range(lo, hi, dtype, symmetric=symmetric)
    qmin, qmax = N.int_range(dtype)
    assert scale > 0 and qmin <= int(zp) <= qmax
    assert N.dequantize_affine(N.quantize_affine(np.float32(0), scale, zp, dtype), scale, zp) == 0
    for v in (lo, hi):
        q = N.quantize_affine(np.float32(v), scale, zp, dtype)
        assert abs(float(N.dequantize_affine(q, scale, zp)) - v) <= scale * 0.5001 + 1e-6


# ----------------------------------------------------------------------------------------
# Floats: fp8 / bf16 / fp16
# ----------------------------------------------------------------------------------------

def _all_values(fmt: str) -> np.ndarray:
    dt = N.FLOAT_FORMATS[fmt]
    bits = np.arange(1 << (8 * dt.itemsize), dtype=np.uint16 if dt.itemsize == 2 else np.uint8)
    with np.errstate(invalid="ignore"):
        vals = bits.view(dt).astype(np.float64)
    return vals


@pytest.mark.parametrize("fmt", ["fp8e4m3", "fp8e5m2", "bf16", "fp16"])
def test_round_to_format_is_nearest_ties_to_even(fmt):
    vals = _all_values(fmt)
    bits = np.arange(vals.size)
    finite = np.isfinite(vals) & ~((vals == 0) & np.signbit(vals))
    grid, gbits = vals[finite], bits[finite]
    order = np.argsort(grid)
    grid, gbits = grid[order], gbits[order]
    rng = np.random.default_rng(1)
    top = N.max_finite(fmt)
    x = np.concatenate([rng.uniform(-top, top, 4000), rng.standard_normal(4000) * rng.choice([1e-3, 1, 100], 4000),
                        (grid[1:] + grid[:-1]) / 2]).astype(np.float32)  # + every midpoint: ties
    x = x[np.abs(x) <= top]
    got = N.round_to_format(x, fmt).astype(np.float64)
    xd = x.astype(np.float64)
    i = np.clip(np.searchsorted(grid, xd), 1, grid.size - 1)
    lo, hi = grid[i - 1], grid[i]
    dlo, dhi = xd - lo, hi - xd
    even_hi = (gbits[i] & 1) == 0
    want = np.where(dlo < dhi, lo, np.where(dhi < dlo, hi, np.where(even_hi, hi, lo)))
    np.testing.assert_array_equal(np.abs(got), np.abs(want))


def test_fp8_overflow_saturate_vs_ieee():
    x = np.array([448, 464, 465, 1e6, np.inf, -np.inf, np.nan], np.float32)
    e4 = N.round_to_format(x, "fp8e4m3").astype(np.float32)
    assert e4[:3].tolist()[:2] == [448, 448] and np.isnan(e4[2:]).all()  # no inf in e4m3fn: NaN
    sat = N.round_to_format(x, "fp8e4m3", saturate=True).astype(np.float32)
    assert sat[:6].tolist() == [448, 448, 448, 448, 448, -448] and np.isnan(sat[6])
    e5 = N.round_to_format(np.array([57344, 61440, 1e6, np.inf], np.float32), "fp8e5m2").astype(np.float32)
    assert e5.tolist() == [57344, np.inf, np.inf, np.inf]
    e5s = N.round_to_format(np.array([61440, -np.inf], np.float32), "fp8e5m2", saturate=True).astype(np.float32)
    assert e5s.tolist() == [57344, -57344]


@pytest.mark.parametrize("fmt,onnx_t", [("fp8e4m3", TensorProto.FLOAT8E4M3FN), ("fp8e5m2", TensorProto.FLOAT8E5M2)])
def test_quantize_float_matches_onnx_saturating_cast(fmt, onnx_t):
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.standard_normal(2000) * 300, [1e9, -1e9, np.inf, -np.inf]]).astype(np.float32)
    scale = np.float32(0.37)
    got = N.quantize_float(x, scale, fmt)
    want = onnx.numpy_helper.saturate_cast(x / scale, N.FLOAT_FORMATS[fmt])
    np.testing.assert_array_equal(got.view(np.uint8), np.asarray(want).view(np.uint8))
    back = N.dequantize_float(got, scale)
    assert back.dtype == np.float32


def test_round_to_format_goes_through_float32_like_ml_dtypes():
    # 1 + 2**-8 + 2**-30 is above the bf16 tie in float64 but exactly on it in float32
    v = np.array([1 + 2**-8 + 2**-30])
    assert float(N.round_to_format(v, "bf16")[0]) == 1.0 == float(v.astype(ml_dtypes.bfloat16)[0])


def _exact_round(q: Fraction, grid: np.ndarray, gbits: np.ndarray) -> float:
    i = int(np.searchsorted(grid, float(q)))
    cands = [j for j in (i - 1, i, i + 1) if 0 <= j < grid.size]
    best = min(cands, key=lambda j: (abs(Fraction(grid[j]) - q), gbits[j] & 1))
    return float(grid[best])


@pytest.mark.parametrize("acc", ["bf16", "fp16", "fp32"])
def test_float_matmul_sequential_rounds_every_step_exactly_once(acc):
    rng = np.random.default_rng(4)
    in_fmt = "fp8e4m3" if acc != "fp32" else "bf16"
    a = N.round_to_format(rng.standard_normal((3, 9)) * 4, in_fmt)
    b = N.round_to_format(rng.standard_normal((9, 2)) * 4, in_fmt)
    got = N.float_matmul(a, b, acc=acc)
    assert got.dtype == N.FLOAT_FORMATS[acc]
    if acc == "fp32":
        grid = None
    else:
        vals = _all_values(acc)
        bits = np.arange(vals.size)
        ok = np.isfinite(vals) & ~((vals == 0) & np.signbit(vals))
        order = np.argsort(vals[ok])
        grid, gbits = vals[ok][order], bits[ok][order]
    af, bf = a.astype(np.float64), b.astype(np.float64)
    for i in range(3):
        for j in range(2):
            s = Fraction(0)
            for k in range(9):
                p = Fraction(af[i, k]) * Fraction(bf[k, j])
                if grid is None:
                    p = Fraction(float(np.float32(float(p))))
                    s = Fraction(float(np.float32(float(s + p))))  # float(Fraction) rounds correctly to float64
                else:
                    p = Fraction(_exact_round(p, grid, gbits))
                    s = Fraction(_exact_round(s + p, grid, gbits))
            assert float(got[i, j]) == float(s), (i, j)


# ----------------------------------------------------------------------------------------
# TABLE
# ----------------------------------------------------------------------------------------

@FAST
@given(st.lists(st.integers(-32768, 32767), min_size=1, max_size=64), st.integers(0, 2**32 - 1))
def test_table_int16_interpolates_as_specified(xs, seed):
    rng = np.random.default_rng(seed)
    table = np.clip(np.cumsum(rng.integers(-2000, 2000, 513)), -32768, 32767).astype(np.int16)
    got = N.table_int16(np.array(xs, np.int16), table)
    assert got.dtype == np.int32
    t = [int(v) for v in table]
    for x, g in zip(xs, got.tolist()):
        base, frac = divmod(x + 32768, 128)  # index = (x + 32768) >> 7, fraction = low 7 bits
        assert g == t[base] * 128 + (t[base + 1] - t[base]) * frac


def test_table_int16_refuses_a_slope_outside_int16():
    table = np.zeros(513, np.int16)
    table[1] = -32768
    table[2] = 32767
    with pytest.raises(N.NumericsError, match="slope 65535 between entries 1 and 2"):
        N.table_int16(np.array([-32768 + 128], np.int16), table)


def test_table_int8_indexes_by_value_plus_128():
    table = np.arange(-128, 128, dtype=np.int16)[::-1].astype(np.int8)  # out = -1 - x
    x = np.arange(-128, 128).astype(np.int8)
    np.testing.assert_array_equal(N.table_int8(x, table), (-1 - x.astype(np.int16)).astype(np.int8))


@pytest.mark.parametrize("fn", ["sigmoid", "tanh", "gelu", "gelu_tanh", "exp"])
def test_build_table_int8_is_within_half_a_step_where_not_saturated(fn):
    in_scale, in_zp, out_scale, out_zp = 0.05, 7, 1 / 64, -20
    table = N.build_table_int8(fn, in_scale, in_zp, out_scale, out_zp)
    assert table.dtype == np.int8 and table.shape == (256,)
    x = in_scale * (np.arange(-128, 128) - in_zp)
    ref = {"sigmoid": 1 / (1 + np.exp(-x)), "tanh": np.tanh(x), "exp": np.exp(x),
           "gelu": np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x]),
           "gelu_tanh": 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))}[fn]
    real = (table.astype(np.float64) - out_zp) * out_scale
    inside = (table > -128) & (table < 127)
    assert inside.sum() > 20
    assert np.all(np.abs(real - ref)[inside] <= out_scale / 2 + 1e-12)
    assert np.all(table[~inside & (ref > 0)] == 127) or fn != "exp"


def test_build_table_int16_tanh_is_accurate_through_interpolation():
    in_scale, out_scale = 4.0 / 32768, 1.0 / 32767
    table = N.build_table_int16("tanh", in_scale, 0, out_scale)
    x = np.arange(-32768, 32768).astype(np.int16)
    y = N.table_int16(x, table).astype(np.float64) / 128 * out_scale
    err = np.abs(y - np.tanh(in_scale * x.astype(np.float64)))
    assert err.max() < 3e-4  # linear interpolation between 512 samples of tanh on [-4, 4]


# ----------------------------------------------------------------------------------------
# Integer matmul / conv, accumulator overflow
# ----------------------------------------------------------------------------------------

@FAST
@given(st.integers(1, 5), st.integers(1, 40), st.integers(1, 5), st.integers(-128, 127), st.integers(-128, 127),
       st.integers(0, 2**32 - 1))
def test_matmul_int_equals_exact_sum(m, k, n, a_zp, b_zp, seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(-128, 128, (m, k)).astype(np.int8)
    b = rng.integers(-128, 128, (k, n)).astype(np.int8)
    got = N.matmul_int(a, b, a_zp, b_zp)
    assert got.dtype == np.int32
    want = [[sum((int(a[i, t]) - a_zp) * (int(b[t, j]) - b_zp) for t in range(k)) for j in range(n)] for i in range(m)]
    assert got.tolist() == want


def test_matmul_int_int64_path_and_wrap_semantics():
    rng = np.random.default_rng(5)
    a = rng.integers(-(2**31), 2**31, (3, 64)).astype(np.int32)  # K*max*max ~ 2**68: too big even for int64?
    with pytest.raises(N.NumericsError, match="exceed int64"):
        N.matmul_int(a, a.T.copy())
    a = rng.integers(-(2**20), 2**20, (3, 64)).astype(np.int32)
    b = rng.integers(-(2**20), 2**20, (64, 4)).astype(np.int32)  # bound 64 * 2**40 = 2**46 < 2**53: float64 path
    c = rng.integers(-(2**27), 2**27, (64, 4)).astype(np.int32)  # bound 2**53: the int64 path
    for rhs in (b, c):
        exact = [[sum(int(a[i, t]) * int(rhs[t, j]) for t in range(64)) for j in range(4)] for i in range(3)]
        wrapped = [[((v + 2**31) % 2**32) - 2**31 for v in row] for row in exact]
        assert N.matmul_int(a, rhs).tolist() == wrapped
        assert N.matmul_int(a, rhs, acc_type="int64").tolist() == exact
        sat = [[min(max(v, -(2**31)), 2**31 - 1) for v in row] for row in exact]
        assert N.matmul_int(a, rhs, overflow="saturate").tolist() == sat
    with pytest.raises(N.NumericsError, match="accumulator overflow"):
        N.matmul_int(a, c, overflow="error")


def test_wrapping_accumulator_is_independent_of_tiling():
    rng = np.random.default_rng(6)
    a = rng.integers(-(2**15), 2**15, (4, 300)).astype(np.int32)
    b = rng.integers(-(2**15), 2**15, (300, 3)).astype(np.int32)
    whole = N.matmul_int(a, b)
    tiles = [N.matmul_int(a[:, i:i + 70], b[i:i + 70]) for i in range(0, 300, 70)]
    acc = tiles[0].astype(np.int64)
    for t in tiles[1:]:
        acc = N.wrap(acc + t, "int32").astype(np.int64)
    np.testing.assert_array_equal(whole, acc)


def _conv_shift_add(x, w, bias, x_zp, w_zp, stride, pad, dil, groups):
    """Reference NHWC conv: one vectorized multiply-add per (ky, kx, input channel)."""
    n, ih, iw, c = x.shape
    oc, kh, kw, cg = w.shape
    xs = np.pad(x.astype(np.int64) - x_zp, ((0, 0), (pad[0], pad[1]), (pad[2], pad[3]), (0, 0)))
    oh = (ih + pad[0] + pad[1] - (kh - 1) * dil[0] - 1) // stride[0] + 1
    ow = (iw + pad[2] + pad[3] - (kw - 1) * dil[1] - 1) // stride[1] + 1
    out = np.zeros((n, oh, ow, oc), np.int64)
    ocg = oc // groups
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = ky * dil[0], kx * dil[1]
            patch = xs[:, y0:y0 + (oh - 1) * stride[0] + 1:stride[0], x0:x0 + (ow - 1) * stride[1] + 1:stride[1], :]
            for o in range(oc):
                g = o // ocg
                wv = w[o, ky, kx, :].astype(np.int64) - w_zp
                out[..., o] += patch[..., g * cg:(g + 1) * cg] @ wv
    return out + (0 if bias is None else bias.astype(np.int64))


@FAST
@given(st.integers(0, 2**32 - 1))
def test_conv2d_int_equals_shift_and_add_reference(seed):
    rng = np.random.default_rng(seed)
    groups = int(rng.choice([1, 2, 3]))
    c, oc = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
    kh, kw = (int(v) for v in rng.integers(1, 4, 2))
    stride, dil = tuple(int(v) for v in rng.integers(1, 3, 2)), tuple(int(v) for v in rng.integers(1, 3, 2))
    pad = tuple(int(v) for v in rng.integers(0, 3, 4))
    ih, iw = (int(v) for v in rng.integers(max(kh, kw) * 2, 10, 2))
    x = rng.integers(-128, 128, (2, ih, iw, c)).astype(np.int8)
    w = rng.integers(-128, 128, (oc, kh, kw, c // groups)).astype(np.int8)
    bias = rng.integers(-1000, 1000, oc).astype(np.int32)
    x_zp, w_zp = (int(v) for v in rng.integers(-128, 128, 2))
    got = N.conv2d_int(x, w, bias, x_zp, w_zp, stride=stride, pad=pad, dilation=dil, groups=groups)
    np.testing.assert_array_equal(got, _conv_shift_add(x, w, bias, x_zp, w_zp, stride, pad, dil, groups))


def test_conv2d_int_refuses_bad_geometry():
    x = np.zeros((1, 4, 4, 3), np.int8)
    with pytest.raises(N.NumericsError, match="groups=2"):
        N.conv2d_int(x, np.zeros((4, 1, 1, 3), np.int8), groups=2)
    with pytest.raises(N.NumericsError, match="does not fit"):
        N.conv2d_int(x, np.zeros((4, 5, 5, 3), np.int8))


# ----------------------------------------------------------------------------------------
# CLAMP, INTDIV, shifts, MUL
# ----------------------------------------------------------------------------------------

def test_clamp_integer_and_float_nan_modes():
    x = np.array([-128, -5, 0, 9, 127], np.int8)
    assert N.clamp(x, -3, 4).tolist() == [-3, -3, 0, 4, 4]
    with pytest.raises(N.NumericsError, match="ERROR_IF"):
        N.clamp(x, 4, -3)
    with pytest.raises(N.NumericsError, match="outside int8"):
        N.clamp(x, -300, 4)
    f = np.array([np.nan, -7.0, 0.5, 9.0], np.float32)
    p = N.clamp(f, -1.0, 1.0)
    assert np.isnan(p[0]) and p[1:].tolist() == [-1.0, 0.5, 1.0]
    assert N.clamp(f, -1.0, 1.0, nan_mode="IGNORE").tolist() == [-1.0, -1.0, 0.5, 1.0]


@FAST
@given(st.lists(st.tuples(st.integers(-(2**31), 2**31 - 1), st.integers(-(2**31), 2**31 - 1)), min_size=1, max_size=32))
def test_intdiv_truncates_towards_zero(pairs):
    pairs = [(a, b) for a, b in pairs if b != 0 and not (a == -(2**31) and b == -1)]
    assume(pairs)
    a, b = (np.array(v, np.int32) for v in zip(*pairs))
    assert N.intdiv(a, b).tolist() == [int(Fraction(x, y)) for x, y in pairs]


def test_intdiv_requires():
    with pytest.raises(N.NumericsError, match="division by zero"):
        N.intdiv(np.array([1]), np.array([0]))
    with pytest.raises(N.NumericsError, match="outside int32"):
        N.intdiv(np.array([-(2**31)]), np.array([-1]))


@FAST
@given(st.lists(st.integers(-(2**31), 2**31 - 1), min_size=1, max_size=32), st.integers(0, 31))
def test_arithmetic_right_shift_with_round_is_round_half_up(xs, s):
    got = N.arithmetic_right_shift(np.array(xs, np.int32), s, round=True).tolist()
    assert got == [_round_half_up(Fraction(x, 1 << s)) for x in xs]
    assert N.arithmetic_right_shift(np.array(xs, np.int32), s).tolist() == [x >> s for x in xs]


@FAST
@given(st.lists(st.tuples(st.integers(-(2**31), 2**31 - 1), st.integers(-(2**31), 2**31 - 1)), min_size=1, max_size=16),
       st.integers(31, 63))
def test_mul_int_with_shift_rounds_half_up(pairs, shift):
    a, b = (np.array(v, np.int64) for v in zip(*pairs))
    want = [_round_half_up(Fraction(x * y, 1 << shift)) for x, y in pairs]
    assume(all(-(2**31) <= w < 2**31 for w in want))
    assert N.mul_int(a.astype(np.int32), b.astype(np.int32), shift).tolist() == want
