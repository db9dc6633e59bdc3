"""Level-2 kernels are bit-exact against straightforward references computed another way.

Each reference is written from the op's definition in docs/quantization.md with
plain loops over kernel taps / reduction indices in Python or int64 numpy, not
with npu.numerics: conv_int and matmul_int (exact sums, wrapping at int32),
rescale (exact rational rounding with Python integers), table, clamp, add_int,
reduce_sum_int, quantize/dequantize (ONNX rules with Python's round-half-even),
and conv_float/matmul_float (sequential accumulation rounded at every step).
"""

from __future__ import annotations

from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest

from npu.errors import NpuError
from npu.interp.registry import ResultSpec, get_kernel
from npu.onnx.importer import load_registries

load_registries()


def run_kernel(name, inputs, attrs, shape, dtype):
    return get_kernel(f"npu_tensor.{name}")(inputs, attrs, [ResultSpec(tuple(shape), np.dtype(dtype))])[0]


def wrap32(v: int) -> int:
    return ((v + (1 << 31)) % (1 << 32)) - (1 << 31)


# ----------------------------------------------------------------------------- conv_int


def conv_reference(x, w, bias, xzp, wzp, stride, pads, dil, groups):
    """Loops over output positions and kernel taps, int64, zero (real) padding; wraps at the end."""
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    top, left, bottom, right = pads
    oh = (h + top + bottom - (kh - 1) * dil[0] - 1) // stride[0] + 1
    ow = (wd + left + right - (kw - 1) * dil[1] - 1) // stride[1] + 1
    out = np.zeros((n, m, oh, ow), dtype=np.int64)
    xs = x.astype(np.int64) - xzp
    ws = w.astype(np.int64) - wzp
    for oc in range(m):
        g = oc // (m // groups)
        for ky in range(kh):
            for kx in range(kw):
                for ic in range(cg):
                    for oy in range(oh):
                        for ox in range(ow):
                            iy = oy * stride[0] - top + ky * dil[0]
                            ix = ox * stride[1] - left + kx * dil[1]
                            if 0 <= iy < h and 0 <= ix < wd:
                                out[:, oc, oy, ox] += xs[:, g * cg + ic, iy, ix] * ws[oc, ic, ky, kx]
    if bias is not None:
        out += bias.astype(np.int64).reshape(1, m, 1, 1)
    return np.vectorize(wrap32)(out).astype(np.int32)


@pytest.mark.parametrize("seed", range(12))
def test_conv_int_matches_tap_loops(seed):
    rng = np.random.default_rng(seed)
    groups = int(rng.choice([1, 2]))
    c = groups * int(rng.integers(1, 3))
    m = groups * int(rng.integers(1, 3))
    kh, kw = (int(v) for v in rng.integers(1, 4, size=2))
    stride = tuple(int(v) for v in rng.integers(1, 3, size=2))
    dil = tuple(int(v) for v in rng.integers(1, 3, size=2))
    pads = tuple(int(v) for v in rng.integers(0, 3, size=4))  # ONNX order: top, left, bottom, right
    h = int(rng.integers((kh - 1) * dil[0] + 1, 8))
    wd = int(rng.integers((kw - 1) * dil[1] + 1, 8))
    x = rng.integers(-128, 128, size=(int(rng.integers(1, 3)), c, h, wd), dtype=np.int8)
    w = rng.integers(-127, 128, size=(m, c // groups, kh, kw), dtype=np.int8)
    bias = rng.integers(-5000, 5000, size=m, dtype=np.int32) if seed % 2 else None
    xzp, wzp = int(rng.integers(-128, 128)), 0
    ref = conv_reference(x, w, bias, xzp, wzp, stride, pads, dil, groups)
    attrs = {"dilations": list(dil), "group": groups, "input_zp": xzp, "kernel_shape": [kh, kw], "pads": list(pads),
             "strides": list(stride), "weight_zp": wzp}
    got = run_kernel("conv_int", [x, w, bias], attrs, ref.shape, np.int32)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, ref)


def test_conv_int_wraps_at_int32():
    # 1x1 conv over 40000 channels of (127 - (-128)) * 127: the exact sum is far above 2^31
    x = np.full((1, 40000, 1, 1), 127, dtype=np.int8)
    w = np.full((1, 40000, 1, 1), 127, dtype=np.int8)
    attrs = {"dilations": [1, 1], "group": 1, "input_zp": -128, "kernel_shape": [1, 1], "pads": [0, 0, 0, 0],
             "strides": [1, 1], "weight_zp": 0}
    got = run_kernel("conv_int", [x, w, None], attrs, (1, 1, 1, 1), np.int32)
    assert int(got.reshape(())) == wrap32(40000 * 255 * 127)


# ----------------------------------------------------------------------------- matmul_int


@pytest.mark.parametrize("seed", range(8))
def test_matmul_int_matches_k_loop(seed):
    rng = np.random.default_rng(100 + seed)
    batch = [int(v) for v in rng.integers(1, 3, size=int(rng.integers(0, 3)))]
    mm, k, nn = (int(v) for v in rng.integers(1, 9, size=3))
    a = rng.integers(-128, 128, size=batch + [mm, k], dtype=np.int8)
    b = rng.integers(-128, 128, size=[k, nn], dtype=np.int8)
    za, zb = int(rng.integers(-128, 128)), int(rng.integers(-128, 128))
    bias = rng.integers(-10**6, 10**6, size=[nn], dtype=np.int32)
    ref = np.zeros(batch + [mm, nn], dtype=np.int64)
    for kk in range(k):
        ref += (a[..., :, kk:kk + 1].astype(np.int64) - za) * (b[kk:kk + 1, :].astype(np.int64) - zb)
    ref += bias
    got = run_kernel("matmul_int", [a, b, bias], {"lhs_zp": za, "rhs_zp": zb}, ref.shape, np.int32)
    np.testing.assert_array_equal(got, ref.astype(np.int32))


# ----------------------------------------------------------------------------- rescale


def rescale_reference(v: int, m: int, s: int, in_zp: int, out_zp: int, double: bool, lo: int, hi: int) -> int:
    """TOSA RESCALE with Python integers: single round = floor(exact + 1/2); double per the spec's apply_scale_32."""
    t = (v - in_zp) * m
    if double and s > 31:
        # round at bit 31 first (half away from zero), then round the rest half up
        r1 = (abs(t) + (1 << 30)) >> 31
        r1 = r1 if t >= 0 else -r1
        q = (Fraction(r1, 1 << (s - 31)) + Fraction(1, 2)).__floor__()
    else:
        exact = Fraction(t, 1 << s)
        q = (exact + Fraction(1, 2)).__floor__()
    return min(max(q + out_zp, lo), hi)


@pytest.mark.parametrize("mode", ["SINGLE_ROUND", "DOUBLE_ROUND"])
@pytest.mark.parametrize("seed", range(4))
def test_rescale_matches_exact_rounding(mode, seed):
    rng = np.random.default_rng(200 + seed)
    x = rng.integers(-(1 << 20), 1 << 20, size=(2, 3, 5)).astype(np.int32)
    mult = [int(v) for v in rng.integers(1 << 30, 1 << 31, size=3)]
    shift = [int(v) for v in rng.integers(28, 45, size=3)]
    out_zp = int(rng.integers(-128, 128))
    attrs = {"axis": 1, "input_zp": 0, "multiplier": mult, "output_zp": out_zp, "rounding_mode": mode, "shift": shift}
    got = run_kernel("rescale", [x], attrs, x.shape, np.int8)
    ref = np.empty(x.shape, dtype=np.int8)
    for idx in np.ndindex(x.shape):
        c = idx[1]
        ref[idx] = rescale_reference(int(x[idx]), mult[c], shift[c], 0, out_zp, mode == "DOUBLE_ROUND", -128, 127)
    np.testing.assert_array_equal(got, ref)


def test_rescale_int8_to_int32_with_input_zero_point():
    x = np.arange(-128, 128, dtype=np.int8)
    attrs = {"axis": 0, "input_zp": -7, "multiplier": [1 << 30], "output_zp": 0, "rounding_mode": "SINGLE_ROUND",
             "shift": [11]}  # (x + 7) * 2^30 / 2^11 = (x + 7) * 2^19 exactly
    got = run_kernel("rescale", [x], attrs, x.shape, np.int32)
    np.testing.assert_array_equal(got, (x.astype(np.int64) + 7) * (1 << 19))


# ----------------------------------------------------------------------------- table, clamp, add, reduce


def test_table_clamp_add_reduce_match_python():
    rng = np.random.default_rng(7)
    x = rng.integers(-128, 128, size=(3, 11), dtype=np.int8)
    table = rng.integers(-128, 128, size=256, dtype=np.int8)
    got = run_kernel("table", [x, table], {}, x.shape, np.int8)
    assert got.tolist() == [[int(table[int(v) + 128]) for v in row] for row in x.tolist()]
    got = run_kernel("clamp", [x], {"min": -5, "max": 9}, x.shape, np.int8)
    assert got.tolist() == [[min(max(int(v), -5), 9) for v in row] for row in x.tolist()]
    a = rng.integers(-(1 << 28), 1 << 28, size=(3, 11)).astype(np.int32)
    b = rng.integers(-(1 << 28), 1 << 28, size=(11,)).astype(np.int32)
    got = run_kernel("add_int", [a, b], {}, a.shape, np.int32)
    assert got.tolist() == [[int(p) + int(q) for p, q in zip(row, b.tolist())] for row in a.tolist()]
    got = run_kernel("reduce_sum_int", [x], {"axes": [1], "input_zp": -3, "keepdims": 0}, (3,), np.int32)
    assert got.tolist() == [sum(int(v) + 3 for v in row) for row in x.tolist()]


def test_add_int_overflow_is_an_error():
    big = np.full((2,), (1 << 31) - 1, dtype=np.int32)
    with pytest.raises(NpuError, match="overflows"):
        run_kernel("add_int", [big, big], {}, (2,), np.int32)


# ----------------------------------------------------------------------------- affine quantize


def test_quantize_dequantize_match_onnx_rules():
    rng = np.random.default_rng(11)
    x = np.concatenate([rng.normal(0, 3, 500), [0.25, -0.25, 0.75, 1e9, -1e9]]).astype(np.float32)
    scale, zp = np.float32(0.5), -3
    attrs = {"axis": 0, "block_size": 0, "scale": [float(scale)], "zero_point": [zp]}
    got = run_kernel("quantize", [x], attrs, x.shape, np.int8)
    ref = [min(max(round(float(np.float32(v) / scale)) + zp, -128), 127) for v in x]  # round(): half to even
    assert got.tolist() == ref
    back = run_kernel("dequantize", [got], attrs, x.shape, np.float32)
    assert back.tolist() == [float(np.float32(q - zp) * scale) for q in ref]


# ----------------------------------------------------------------------------- float compute


def _seq_dot(a_row, b_col, acc_dtype):
    """Sequential sum: acc = round(acc + round(a_k * b_k)), k in order, starting at +0."""
    acc = acc_dtype(0.0)
    for p, q in zip(a_row, b_col):
        prod = acc_dtype(float(p) * float(q))  # inputs no wider than acc: the float64 product is exact
        acc = acc_dtype(float(acc) + float(prod))
    return float(acc)


@pytest.mark.parametrize("fmt,acc", [(ml_dtypes.bfloat16, "fp32"), (ml_dtypes.float8_e4m3fn, "fp32"),
                                     (ml_dtypes.bfloat16, "bf16"), (np.float16, "fp16")])
def test_matmul_float_sequential(fmt, acc):
    rng = np.random.default_rng(3)
    a = rng.normal(0, 1, (3, 20)).astype(fmt)
    b = rng.normal(0, 1, (20, 4)).astype(fmt)
    bias = rng.normal(0, 1, 4).astype(np.float32)
    scale = [0.5, 0.25, 2.0, 1.0]
    got = run_kernel("matmul_float", [a, b, bias], {"acc": acc, "scale": scale}, (3, 4), np.float32)
    acc_t = {"fp32": np.float32, "bf16": ml_dtypes.bfloat16, "fp16": np.float16}[acc]
    for i in range(3):
        for j in range(4):
            s = _seq_dot(a[i], b[:, j], acc_t)
            expect = np.float32(np.float32(s) * np.float32(scale[j])) + bias[j]
            assert got[i, j] == expect, (i, j)


def test_conv_float_taps_in_channel_row_column_order():
    rng = np.random.default_rng(5)
    x = rng.normal(0, 1, (1, 2, 5, 5)).astype(ml_dtypes.bfloat16)
    w = rng.normal(0, 1, (3, 2, 3, 3)).astype(ml_dtypes.bfloat16)
    attrs = {"acc": "bf16", "dilations": [1, 1], "group": 1, "kernel_shape": [3, 3], "pads": [1, 1, 1, 1],
             "scale": [1.0], "strides": [2, 2]}
    got = run_kernel("conv_float", [x, w, None], attrs, (1, 3, 3, 3), np.float32)
    xp = np.zeros((1, 2, 7, 7), dtype=ml_dtypes.bfloat16)
    xp[:, :, 1:6, 1:6] = x
    for m in range(3):
        for oy in range(3):
            for ox in range(3):
                taps = [(c, ky, kx) for c in range(2) for ky in range(3) for kx in range(3)]
                s = _seq_dot([xp[0, c, oy * 2 + ky, ox * 2 + kx] for c, ky, kx in taps],
                             [w[m, c, ky, kx] for c, ky, kx in taps], ml_dtypes.bfloat16)
                assert got[0, m, oy, ox] == np.float32(s), (m, oy, ox)


@pytest.mark.parametrize("fmt", [ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e5m2, ml_dtypes.bfloat16, np.float16])
def test_quantize_float_rounds_exactly_as_ml_dtypes(fmt):
    rng = np.random.default_rng(13)
    # every float32 near the format's ties: random mantissas over the format's whole exponent range
    fmax = float(ml_dtypes.finfo(fmt).max)
    x = (rng.uniform(-1, 1, 20000) * np.exp2(rng.uniform(-20, np.log2(fmax), 20000))).astype(np.float32)
    got = run_kernel("quantize_float", [x], {"saturate": 0, "scale": 1.0}, x.shape, fmt)
    ref = x.astype(fmt)  # ml_dtypes' own cast
    assert np.array_equal(got.view(np.uint8 if np.dtype(fmt).itemsize == 1 else np.uint16),
                          ref.view(np.uint8 if np.dtype(fmt).itemsize == 1 else np.uint16))
