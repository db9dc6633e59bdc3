"""npu.numerics against the TOSA reference model, bit for bit, on randomized cases.

Each case is one operator written as TOSA MLIR, serialized by tosa-opt and run by
tosa_reference_model (npu.testing.tosa_oracle), with thousands of random values
batched into it; the outputs must equal npu.numerics exactly. Seeds are fixed, so
a failure reproduces. Skips (with the reason) only when the tosa-tools venv is
absent: `make .venv-tosa/.installed` provides it, and `make pytest` depends on it.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import npu.numerics as N
from npu.testing import tosa_oracle as T

N_VALUES = 4096


@pytest.fixture(scope="module")
def oracle() -> T.TosaOracle:
    try:
        return T.TosaOracle.locate()
    except T.TosaOracleUnavailable as e:
        pytest.skip(f"TOSA reference model unavailable: {e}")


def _log_uniform(rng, n: int, lo: int, hi: int) -> np.ndarray:
    """n int64 values in [lo, hi]: magnitudes log-uniform (all bit lengths covered) plus the edges."""
    mag_hi = max(abs(lo), abs(hi), 1)
    mags = np.floor(np.exp2(rng.uniform(0, np.log2(mag_hi + 1), n))).astype(np.int64) - rng.integers(0, 2, n)
    signs = np.where(rng.random(n) < 0.5, -1, 1) if lo < 0 else np.ones(n, np.int64)
    v = np.clip(mags * signs, lo, hi)
    edges = np.array([lo, hi, 0, min(max(1, lo), hi), max(min(-1, hi), lo)], dtype=np.int64)
    v[: edges.size] = edges
    return rng.permutation(v)


def _rescale_inputs(rng, shape, in_t: str, input_zp: int, shift: np.ndarray, per_channel: bool) -> np.ndarray:
    """Random inputs that keep x - input_zp inside apply_scale's REQUIRE range for each channel's shift."""
    lo_t, hi_t = N.int_range(in_t)
    s = shift.reshape(-1) if per_channel else shift.reshape(1)
    out = np.empty(shape, dtype=np.int64)
    flat = out.reshape(-1, s.size)
    for c, sc in enumerate(s):  # one column per channel; values vectorized
        lim = 1 << (int(sc) - 1)
        lo, hi = max(lo_t, input_zp - lim), min(hi_t, input_zp + lim - 1)
        flat[:, c] = _log_uniform(rng, flat.shape[0], lo - input_zp, hi - input_zp) + input_zp
    return out.astype(N.storage_dtype(in_t))


def _rescale_params(rng, in_t: str, out_t: str, scale32: bool, channels: int):
    """Per channel (multiplier, shift). A per-tensor case gets a useful scale: one that maps the
    input range onto the output range within a factor 2**+-4. Per-channel cases mix such scales
    with raw random pairs (any multiplier, shift 2..62), and always hold shifts 31, 32 and 62
    (both sides of the double-rounding threshold)."""
    bits = 31 if scale32 else 15
    ratio = (N.int_range(out_t)[1] - N.int_range(out_t)[0]) / (N.int_range(in_t)[1] - N.int_range(in_t)[0])
    scales = np.exp2(np.log2(ratio) + rng.uniform(-4, 4, channels))
    mult, shift = (np.asarray(v, dtype=np.int64) for v in N.quantize_multiplier(scales, scale32))
    if channels > 1:
        raw = rng.random(channels) < 0.5
        raw[:3] = True
        mult = np.where(raw, rng.integers(0, 1 << bits, channels), mult)
        # int48 inputs (scale16 only) need shift >= 31 to keep results inside int32
        shift = np.where(raw, rng.integers(31 if in_t == "int48" else 2, 63, channels), shift)
        shift[:3] = [31, 32, 62]
        mult[0] = (1 << bits) - 1
    return mult, shift


# (in, out, scale32, rounding, per_channel, zp_in, zp_out)
RESCALE_CASES = [
    ("int32", "int8", True, "SINGLE_ROUND", False, 0, 5),
    ("int32", "int8", True, "DOUBLE_ROUND", False, 0, -9),
    ("int32", "int32", True, "SINGLE_ROUND", True, 0, 0),
    ("int32", "int16", True, "DOUBLE_ROUND", True, 0, 0),
    ("int8", "int8", True, "SINGLE_ROUND", False, -17, 33),
    ("int8", "int32", True, "DOUBLE_ROUND", True, 100, 0),
    ("int16", "int8", True, "SINGLE_ROUND", True, 0, -128),
    ("int16", "int16", False, "SINGLE_ROUND", False, 0, 0),
    ("int16", "int8", False, "SINGLE_ROUND", True, 0, 7),
    ("uint8", "int8", True, "SINGLE_ROUND", False, 200, -3),
    ("int8", "uint8", True, "DOUBLE_ROUND", False, -5, 130),
    ("uint16", "int16", True, "SINGLE_ROUND", False, 32768, 0),
    ("int16", "uint16", True, "SINGLE_ROUND", True, 0, 32768),
    ("int48", "int32", False, "SINGLE_ROUND", False, 0, 0),
    ("int48", "int8", False, "SINGLE_ROUND", True, 0, 1),
]


def _case_id(c) -> str:
    return f"{c[0]}-{c[1]}-{'s32' if c[2] else 's16'}-{c[3]}-{'pc' if c[4] else 'pt'}"


@pytest.mark.parametrize("case", RESCALE_CASES, ids=_case_id)
def test_rescale_matches_reference_model(oracle, case):
    in_t, out_t, scale32, mode, per_channel, zp_in, zp_out = case
    rng = np.random.default_rng(zlib.crc32(repr(case).encode()))
    channels = 32 if per_channel else 1
    shape = (N_VALUES // 32, 32)
    mult, shift = _rescale_params(rng, in_t, out_t, scale32, channels)
    x = _rescale_inputs(rng, shape, in_t, zp_in, shift, per_channel)
    if in_t == "int48":  # apply_scale_16 REQUIREs its result inside int32: bound |x| per channel
        lim = np.minimum(2.0 ** 46, np.floor(2.0 ** 31 / (np.maximum(mult, 1) * np.exp2(-shift.astype(float)))) - 2)
        lim = lim.astype(np.int64) if per_channel else np.int64(lim[0])
        x = np.clip(x, -lim, lim)
    ours = N.rescale(x, mult, shift, zp_in, zp_out, out_dtype=out_t, in_dtype=in_t, scale32=scale32,
                     rounding_mode=mode, per_channel=per_channel)
    text = T.rescale_case(shape, in_t, out_t, mult, shift, zp_in, zp_out, scale32=scale32,
                          rounding_mode=mode, per_channel=per_channel)
    (ref,) = oracle.run(text, [x])
    assert ref.shape == ours.shape
    # the model writes unsigned results in signless storage: compare bit patterns
    np.testing.assert_array_equal(ref.view(ours.dtype), ours)
    # the case exercised something: not every output saturated, values vary
    assert np.unique(ours).size > 8


def test_rescale_require_violation_is_refused_by_both(oracle):
    x = np.array([0, 7, 8, -9], dtype=np.int32)  # shift 4 allows [-8, 7]
    with pytest.raises(N.NumericsError, match="REQUIRE"):
        N.rescale(x, 1 << 30, 4, out_dtype="int32")
    with pytest.raises(T.TosaOracleError, match="apply_scale_32"):
        oracle.run(T.rescale_case(x.shape, "int32", "int32", [1 << 30], [4], 0, 0), [x])


def test_quantize_multiplier_pairs_run_on_the_model(oracle):
    """Real scales -> (multiplier, shift) by npu, applied by the model == applied by npu."""
    rng = np.random.default_rng(7)
    scales = np.exp2(rng.uniform(-40, 8, 32))
    m, s = N.quantize_multiplier(scales)
    x = _rescale_inputs(rng, (128, 32), "int32", 0, s.astype(np.int64), True)
    (ref,) = oracle.run(T.rescale_case(x.shape, "int32", "int32", m, s, 0, 0, per_channel=True), [x])
    np.testing.assert_array_equal(ref, N.rescale(x, m, s, out_dtype="int32", per_channel=True))


def test_table_int8_matches_reference_model(oracle):
    rng = np.random.default_rng(11)
    x = np.concatenate([np.arange(-128, 128), rng.integers(-128, 128, N_VALUES - 256)]).astype(np.int8)
    for table in (rng.integers(-128, 128, 256).astype(np.int8),
                  N.build_table_int8("sigmoid", 0.06, -3, 1 / 256, -128)):
        (ref,) = oracle.run(T.table_case(x.shape, "int8", table), [x])
        np.testing.assert_array_equal(ref, N.table_int8(x, table))


def test_table_int16_matches_reference_model(oracle):
    rng = np.random.default_rng(12)
    x = np.arange(-32768, 32768).astype(np.int16)  # every int16 input
    walk = np.cumsum(rng.integers(-3000, 3000, 513)) - 12000
    for table in (np.clip(walk, -32768, 32767).astype(np.int16),
                  N.build_table_int16("tanh", 6.0 / 32768, 0, 1.0 / 32767, 0)):
        (ref,) = oracle.run(T.table_case(x.shape, "int16", table), [x])
        assert ref.dtype == np.int32
        np.testing.assert_array_equal(ref, N.table_int16(x, table))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matmul_int8_matches_reference_model(oracle, seed):
    rng = np.random.default_rng(100 + seed)
    n, h, c, w = rng.integers(1, 3), rng.integers(8, 48), rng.integers(1, 160), rng.integers(8, 48)
    a = rng.integers(-128, 128, (n, h, c)).astype(np.int8)
    b = rng.integers(-128, 128, (n, c, w)).astype(np.int8)
    a_zp, b_zp = (int(v) for v in rng.integers(-128, 128, 2))
    (ref,) = oracle.run(T.matmul_case(a.shape, b.shape, a_zp, b_zp), [a, b])
    np.testing.assert_array_equal(ref, N.matmul_int(a, b, a_zp, b_zp))


def _conv_geometry(rng, ih: int, kh: int, stride: int, dil: int) -> tuple[int, int]:
    """(pad_before, pad_after) such that TOSA's divisibility ERROR_IF holds."""
    before = int(rng.integers(0, kh))
    after = int(rng.integers(0, kh))
    while (ih - 1 + before + after - (kh - 1) * dil) % stride or ih - 1 + before + after < (kh - 1) * dil:
        after += 1
    return before, after


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_conv2d_int8_matches_reference_model(oracle, seed):
    rng = np.random.default_rng(200 + seed)
    n = 2
    ih, iw = (int(v) for v in rng.integers(5, 14, 2))
    c, oc = (int(v) for v in rng.integers(1, 9, 2))
    kh, kw = (int(v) for v in rng.integers(1, 4, 2))
    sy, sx = (int(v) for v in rng.integers(1, 3, 2))
    dy, dx = (int(v) for v in rng.integers(1, 3, 2))
    pad = _conv_geometry(rng, ih, kh, sy, dy) + _conv_geometry(rng, iw, kw, sx, dx)
    x = rng.integers(-128, 128, (n, ih, iw, c)).astype(np.int8)
    w = rng.integers(-128, 128, (oc, kh, kw, c)).astype(np.int8)
    bias = rng.integers(-(1 << 20), 1 << 20, oc).astype(np.int32)
    x_zp, w_zp = (int(v) for v in rng.integers(-128, 128, 2))
    (ref,) = oracle.run(T.conv2d_case(x.shape, w.shape, bias, x_zp, w_zp, (sy, sx), pad, (dy, dx)), [x, w])
    ours = N.conv2d_int(x, w, bias, x_zp, w_zp, stride=(sy, sx), pad=pad, dilation=(dy, dx))
    np.testing.assert_array_equal(ref, ours)
    # the same convolution in ONNX layout
    ours_nchw = N.conv2d_int(x.transpose(0, 3, 1, 2), w.transpose(0, 3, 1, 2), bias, x_zp, w_zp,
                             stride=(sy, sx), pad=pad, dilation=(dy, dx), layout="NCHW")
    np.testing.assert_array_equal(ref.transpose(0, 3, 1, 2), ours_nchw)


def test_depthwise_conv2d_is_grouped_conv(oracle):
    rng = np.random.default_rng(300)
    c, m, kh, kw = 5, 3, 3, 2
    x = rng.integers(-128, 128, (2, 9, 8, c)).astype(np.int8)
    w = rng.integers(-128, 128, (kh, kw, c, m)).astype(np.int8)
    bias = rng.integers(-1000, 1000, c * m).astype(np.int32)
    pad = (1, 1, 0, 1)
    (ref,) = oracle.run(T.depthwise_conv2d_case(x.shape, w.shape, bias, -3, 9, (1, 1), pad, (1, 1)), [x, w])
    w_grouped = w.transpose(2, 3, 0, 1).reshape(c * m, kh, kw, 1)  # [C*M, KH, KW, 1]
    ours = N.conv2d_int(x, w_grouped, bias, -3, 9, pad=pad, groups=c)
    np.testing.assert_array_equal(ref, ours)


@pytest.mark.parametrize("elt,lo,hi", [("int8", -20, 77), ("int8", -128, 127), ("int16", -1000, 31000)])
def test_clamp_matches_reference_model(oracle, elt, lo, hi):
    rng = np.random.default_rng(400)
    tlo, thi = N.int_range(elt)
    x = _log_uniform(rng, N_VALUES, tlo, thi).astype(N.storage_dtype(elt))
    (ref,) = oracle.run(T.clamp_case(x.shape, elt, lo, hi), [x])
    np.testing.assert_array_equal(ref, N.clamp(x, lo, hi))


def test_mul_shift_intdiv_and_rounding_shift_match_reference_model(oracle):
    rng = np.random.default_rng(500)
    a = _log_uniform(rng, N_VALUES, -(1 << 31), (1 << 31) - 1).astype(np.int32)
    b = _log_uniform(rng, N_VALUES, -(1 << 31), (1 << 31) - 1).astype(np.int32)
    # MUL with shift: keep (a*b) >> shift inside int32
    shift = 40
    b_small = np.clip(b, -(1 << 23), 1 << 23).astype(np.int32)
    (ref,) = oracle.run(T.binary_case("mul", a.shape, "int32", shift=shift), [a, b_small])
    np.testing.assert_array_equal(ref, N.mul_int(a, b_small, shift))
    # INTDIV: no zero divisor, no -2**31 / -1
    b_nz = np.where(b == 0, 3, b).astype(np.int32)
    b_nz = np.where((a == -(1 << 31)) & (b_nz == -1), 2, b_nz).astype(np.int32)
    (ref,) = oracle.run(T.binary_case("intdiv", a.shape, "int32"), [a, b_nz])
    np.testing.assert_array_equal(ref, N.intdiv(a, b_nz))
    # ARITHMETIC_RIGHT_SHIFT with rounding
    s = rng.integers(0, 32, N_VALUES).astype(np.int32)
    (ref,) = oracle.run(T.binary_case("arithmetic_right_shift", a.shape, "int32", round=True), [a, s])
    np.testing.assert_array_equal(ref, N.arithmetic_right_shift(a, s, round=True))
