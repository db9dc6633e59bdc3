"""npu.numerics: the int32 elementwise/reduction primitives and the integer softmax and layer norm.

Primitives are checked against Python's own integers (bit_length, <<, &) element by
element; the composite algorithms against float64 softmax / layer normalization of
the dequantized input, within the bounds docs/quantization.md states:
  softmax:    |q - (255 p - 128)| <= 1/2 + (N + 1)/255 + 0.013   (measured: <= 0.52 here)
  layer norm: |q - (y / s_y + z_y)| <= 1/2 + 0.05                 (y inside the output range)
plus exact properties (shift invariance) and the REQUIREs.
"""

from __future__ import annotations

import numpy as np
import pytest

from npu.numerics import (
    NumericsError,
    add_int32,
    bitwise_and,
    cast_int,
    clz,
    layer_norm_params,
    logical_left_shift,
    reciprocal_table,
    reduce_max_int,
    reduce_sum_int,
    rsqrt_table,
    softmax_exp_table,
    softmax_int8,
    sub_int32,
)
from npu.numerics.normalization import SOFTMAX_OUT_SCALE, layer_norm_int8_params

I32 = np.iinfo(np.int32)


def _edge_int32(rng, n: int) -> np.ndarray:
    """int32 values with every bit length, both signs, and the extremes."""
    bits = rng.integers(0, 32, n)
    v = rng.integers(0, 1 << 62, n) >> (62 - bits)
    v = np.where(rng.random(n) < 0.5, -v, v)
    return np.concatenate([v, [0, 1, -1, I32.max, I32.min, 1 << 30, -(1 << 30)]]).astype(np.int32)


# ----------------------------------------------------------------------------- primitives


def test_clz_is_32_minus_bit_length_and_0_for_negatives():
    x = _edge_int32(np.random.default_rng(0), 3000)
    expected = [0 if v < 0 else 32 - int(v).bit_length() for v in x.tolist()]
    assert clz(x).dtype == np.int32
    assert clz(x).tolist() == expected


def test_logical_left_shift_keeps_the_low_32_bits():
    rng = np.random.default_rng(1)
    x = _edge_int32(rng, 2000)
    s = rng.integers(0, 32, x.size)
    expected = [((v << k) + 2**31) % 2**32 - 2**31 for v, k in zip(x.tolist(), s.tolist())]
    assert logical_left_shift(x, s).tolist() == expected
    with pytest.raises(NumericsError, match="shift must be in"):
        logical_left_shift(x, 32)


def test_bitwise_and_add_sub_cast_match_python_integers():
    rng = np.random.default_rng(2)
    a, b = _edge_int32(rng, 1000), _edge_int32(rng, 1000)
    assert bitwise_and(a, b).tolist() == [p & q for p, q in zip(a.tolist(), b.tolist())]
    small_a, small_b = a >> 2, b >> 2  # sums of values below 2^29 cannot overflow
    assert add_int32(small_a, small_b).tolist() == [p + q for p, q in zip(small_a.tolist(), small_b.tolist())]
    assert sub_int32(small_a, small_b).tolist() == [p - q for p, q in zip(small_a.tolist(), small_b.tolist())]
    with pytest.raises(NumericsError, match="outside int32"):
        add_int32(np.int32(I32.max), 1)
    with pytest.raises(NumericsError, match="outside int32"):
        sub_int32(np.int32(I32.min), 1)
    narrowed = cast_int(a, "int16")
    assert narrowed.dtype == np.int16
    assert narrowed.tolist() == [((v + 2**15) % 2**16) - 2**15 for v in a.tolist()]
    assert cast_int(np.int8(-5), "int32").dtype == np.int32


def test_reductions_are_exact_and_refuse_int32_overflow():
    rng = np.random.default_rng(3)
    x = rng.integers(-(1 << 20), 1 << 20, (3, 5, 7)).astype(np.int32)
    for axes in ((0,), (1, 2), (-1,)):
        ref = x.astype(object).sum(axis=axes, keepdims=True)
        assert reduce_sum_int(x, axes).tolist() == ref.tolist()
    assert reduce_sum_int(x, 1, keepdims=False).shape == (3, 7)
    q = rng.integers(-128, 128, (4, 9)).astype(np.int8)
    assert reduce_max_int(q, 1).dtype == np.int8 and np.array_equal(reduce_max_int(q, 1)[:, 0], q.max(1))
    with pytest.raises(NumericsError, match="outside int32"):
        reduce_sum_int(np.full(3, I32.max, dtype=np.int32), 0)


# ----------------------------------------------------------------------------- tables


def test_tables_sample_their_functions():
    j = np.arange(513)
    recip = reciprocal_table()
    assert recip.dtype == np.int16 and recip.shape == (513,)
    assert np.array_equal(recip, np.rint(2**15 * (255 / 256) / (1 + j / 512)).astype(np.int16))
    rs = rsqrt_table()
    assert rs[128] == 32767 and rs[512] == 16384 and np.all(rs[:128] == 32767)
    assert np.array_equal(rs[128:], np.rint((1 / np.sqrt(j[128:] / 512)) * 32767 / 2).astype(np.int16))
    e = softmax_exp_table(0.05)
    assert e[256] == 32767 and np.all(e[257:] == 32767)
    assert np.array_equal(e[:257], np.rint(32767 * np.exp(0.05 * (j[:257] - 256))).astype(np.int16))


# ----------------------------------------------------------------------------- softmax


def _softmax_ref(x: np.ndarray, scale: float, zp: int, axis: int) -> np.ndarray:
    xr = scale * (x.astype(np.float64) - zp)
    p = np.exp(xr - xr.max(axis=axis, keepdims=True))
    return p / p.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("seed", range(6))
def test_softmax_int8_within_the_stated_bound(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.choice([1, 2, 8, 50, 300]))
    axis = int(rng.integers(0, 2))
    shape = (n, 12) if axis == 0 else (12, n)
    scale = float(np.exp(rng.uniform(np.log(0.002), np.log(0.5))))
    zp = int(rng.integers(-128, 128))
    x = rng.integers(-128, 128, shape).astype(np.int8)
    q = softmax_int8(x, softmax_exp_table(scale), reciprocal_table(), axis=axis)
    assert q.dtype == np.int8 and q.shape == x.shape
    exact = 255 * _softmax_ref(x, scale, zp, axis) - 128
    err = np.abs(q.astype(np.float64) - exact)
    assert err.max() <= 0.5 + (n + 1) / 255 + 0.013
    assert err.max() <= 0.52  # measured: far inside the proven bound
    assert np.abs((q.astype(np.int64) + 128).sum(axis=axis) - 255).max() <= n  # sums to ~1 within rounding


def test_softmax_int8_is_shift_invariant_and_exact_at_one():
    rng = np.random.default_rng(7)
    x = rng.integers(-100, 100, (6, 10)).astype(np.int8)
    tables = softmax_exp_table(0.03), reciprocal_table()
    assert np.array_equal(softmax_int8(x, *tables), softmax_int8((x + 27).astype(np.int8), *tables))
    peaked = np.full((1, 4), -128, dtype=np.int8)
    peaked[0, 2] = 127
    q = softmax_int8(peaked, softmax_exp_table(0.5), reciprocal_table())
    assert q.tolist() == [[-128, -128, 127, -128]]  # p = 1 is exactly representable: (127 + 128) / 255
    assert SOFTMAX_OUT_SCALE == np.float32(1 / 255)


def test_softmax_int8_refuses_bad_input():
    with pytest.raises(NumericsError, match="int8"):
        softmax_int8(np.zeros((2, 3), dtype=np.int16), softmax_exp_table(0.1), reciprocal_table())
    with pytest.raises(NumericsError, match="int32 sum"):
        softmax_int8(np.zeros((1, 70000), dtype=np.int8), softmax_exp_table(0.1), reciprocal_table())


# ----------------------------------------------------------------------------- layer normalization


def _ln_case(rng, n: int, eps: float):
    scale = float(np.exp(rng.uniform(np.log(0.002), np.log(0.5))))
    zp = int(rng.integers(-128, 128))
    spread = int(rng.integers(1, 256))
    lo = int(rng.integers(-128, 128 - spread)) if spread < 255 else -128
    x = rng.integers(lo, lo + spread + 1, (5, n)).astype(np.int8)
    gamma, beta = rng.normal(1, 0.5, n), rng.normal(0, 0.5, n)
    xr = scale * (x.astype(np.float64) - zp)
    mu = xr.mean(-1, keepdims=True)
    y = gamma * (xr - mu) / np.sqrt(((xr - mu) ** 2).mean(-1, keepdims=True) + eps) + beta
    lo_y, hi_y = min(y.min(), 0.0), max(y.max(), 0.0)
    out_scale = (hi_y - lo_y) / 255
    out_zp = int(np.clip(np.rint(-128 - lo_y / out_scale), -128, 127))
    return x, scale, zp, gamma, beta, y, out_scale, out_zp


@pytest.mark.parametrize("n", [1, 2, 3, 32, 200, 768, 4096])
@pytest.mark.parametrize("eps", [1e-5, 1e-12])
def test_layer_norm_int8_within_the_stated_bound(n, eps):
    rng = np.random.default_rng(n * 7 + int(eps < 1e-6))
    x, scale, zp, gamma, beta, y, out_scale, out_zp = _ln_case(rng, n, eps)
    p = layer_norm_params(n, scale, zp, eps, gamma, beta, out_scale, out_zp)
    q = layer_norm_int8_params(x, rsqrt_table(), p, axis=-1)
    assert q.dtype == np.int8
    exact = np.clip(y / out_scale + out_zp, -128, 127)
    assert np.abs(q - exact).max() <= 0.55


def test_layer_norm_params_choose_the_pre_shift_by_size():
    common = dict(in_scale=0.02, in_zp=0, epsilon=1e-5, out_scale=0.03, out_zp=0)
    shifts = [layer_norm_params(n, gamma=np.ones(n), beta=np.zeros(n), **common).pre_shift for n in (2, 32, 768, 8192)]
    assert shifts == sorted(shifts) and shifts[0] < 0 < shifts[-1]  # small rows gain bits, large ones shed them
    p = layer_norm_params(32, gamma=np.ones(32), beta=np.zeros(32), **common)
    assert p.epsilon == round(32**3 * 1e-5 / 0.02**2 / 4.0**p.pre_shift)


def test_layer_norm_int8_is_invariant_to_moving_the_zero_point():
    rng = np.random.default_rng(11)
    x, scale, zp, gamma, beta, _, out_scale, out_zp = _ln_case(rng, 16, 1e-5)
    x = np.clip(x, -100, 100).astype(np.int8)
    p = layer_norm_params(16, scale, zp, 1e-5, gamma, beta, out_scale, out_zp)
    q0 = layer_norm_int8_params(x, rsqrt_table(), p, axis=-1)
    moved = layer_norm_params(16, scale, zp + 20, 1e-5, gamma, beta, out_scale, out_zp)
    assert np.array_equal(q0, layer_norm_int8_params((x + 20).astype(np.int8), rsqrt_table(), moved, axis=-1))


def test_layer_norm_over_several_axes_equals_the_flattened_rows():
    rng = np.random.default_rng(12)
    x, scale, zp, gamma, beta, _, out_scale, out_zp = _ln_case(rng, 24, 1e-5)
    p = layer_norm_params(24, scale, zp, 1e-5, gamma, beta, out_scale, out_zp)
    flat = layer_norm_int8_params(x, rsqrt_table(), p, axis=-1)
    p3 = p.__class__(**{**p.__dict__, "gamma": p.gamma.reshape(4, 6), "beta": p.beta.reshape(4, 6)})
    assert np.array_equal(layer_norm_int8_params(x.reshape(5, 4, 6), rsqrt_table(), p3, axis=1).reshape(5, 24), flat)


def test_layer_norm_refuses_impossible_parameters():
    with pytest.raises(NumericsError, match="expects size"):
        layer_norm_params(0, 0.1, 0, 1e-5, [], [], 0.1, 0)
    with pytest.raises(NumericsError, match="finer"):
        layer_norm_params(8, 0.1, 0, 1e-5, np.ones(8), np.zeros(8), 1e-12, 0)
    p = layer_norm_params(8, 0.1, 0, 1e-5, np.ones(8), np.zeros(8), 0.02, 0)
    bad = p.__class__(**{**p.__dict__, "epsilon": 0})
    with pytest.raises(NumericsError, match="epsilon"):
        layer_norm_int8_params(np.zeros((1, 8), dtype=np.int8), rsqrt_table(), bad, axis=-1)
