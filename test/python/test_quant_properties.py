"""Property tests: quantize -> dequantize error stays within the analytic bound.

- int8/int4 affine (per tensor, per channel, per block), through the level-2
  quantize/dequantize kernels: |x - dq(q(x))| <= scale/2 for x inside the range
  the parameters were made for (plus float32 rounding of the division/product).
- fp8 e4m3/e5m2, bf16, fp16 through quantize_float/dequantize_float: the error of
  x/scale is at most half the format's spacing at that magnitude (2^(e - m - 1),
  e = max(floor(log2|v|), emin)) for values inside the format's range.
- RESCALE of int32 accumulators: |out - exact| <= 1/2 + the multiplier's relative
  error, the quantizer's requantization bound.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from npu.interp.registry import ResultSpec, get_kernel
from npu.numerics import multiplier_to_scale, qparams_from_range, quantize_multiplier
from npu.onnx.importer import load_registries
from npu.quant.lower import format_dtype
from npu.quant.qtypes import QParams

load_registries()
SETTINGS = settings(max_examples=60, deadline=None)
_FORMATS = {"fp8e4m3": (3, -6, 448.0), "fp8e5m2": (2, -14, 57344.0), "bf16": (7, -126, 3.0e38), "fp16": (10, -14, 65504.0)}


def _kernel(name, inputs, attrs, shape, dtype):
    return get_kernel(f"npu_tensor.{name}")(inputs, attrs, [ResultSpec(tuple(shape), np.dtype(dtype))])[0]


def _attrs(qp: QParams) -> dict:
    return {"axis": qp.axis or 0, "block_size": qp.block_size, "scale": qp.scale.astype(np.float32).reshape(-1).tolist(),
            "zero_point": qp.zero_point.reshape(-1).tolist()}


@SETTINGS
@given(lo=st.floats(-1e3, 0.0), width=st.floats(1e-3, 2e3), symmetric=st.booleans(), seed=st.integers(0, 2**31))
def test_int8_per_tensor_round_trip_within_half_scale(lo, width, symmetric, seed):
    hi = lo + width
    scale, zp = qparams_from_range(lo, hi, "int8", symmetric=symmetric)
    qp = QParams("int8", float(scale), int(zp))
    rng = np.random.default_rng(seed)
    x = rng.uniform(min(lo, 0.0), max(hi, 0.0), 256).astype(np.float32)
    if symmetric:
        x = np.clip(x, -float(scale) * 127, float(scale) * 127).astype(np.float32)
    q = _kernel("quantize", [x], _attrs(qp), x.shape, np.int8)
    back = _kernel("dequantize", [q], _attrs(qp), x.shape, np.float32)
    err = np.abs(back.astype(np.float64) - x.astype(np.float64))
    assert np.all(err <= float(scale) / 2 * (1 + 1e-5) + 4 * np.spacing(np.abs(x).astype(np.float32)))


@SETTINGS
@given(channels=st.integers(1, 6), seed=st.integers(0, 2**31))
def test_int8_per_channel_round_trip(channels, seed):
    rng = np.random.default_rng(seed)
    amax = rng.uniform(1e-3, 50.0, channels)
    scale, _ = qparams_from_range(-amax, amax, "int8", symmetric=True)
    qp = QParams("int8", scale, np.zeros(channels), 1, 0, -127, 127)
    x = (rng.uniform(-1, 1, (3, channels, 5)) * amax.reshape(1, -1, 1)).astype(np.float32)
    q = _kernel("quantize", [x], _attrs(qp), x.shape, np.int8)
    assert q.min() >= -127
    back = _kernel("dequantize", [q], _attrs(qp), x.shape, np.float32)
    bound = scale.astype(np.float64).reshape(1, -1, 1) / 2 * (1 + 1e-5) + 4 * np.spacing(np.abs(x))
    assert np.all(np.abs(back.astype(np.float64) - x) <= bound)


@SETTINGS
@given(groups=st.integers(1, 4), group=st.sampled_from([2, 4, 8]), seed=st.integers(0, 2**31))
def test_int4_blocked_round_trip(groups, group, seed):
    import ml_dtypes

    rng = np.random.default_rng(seed)
    w = rng.normal(0, 1, (groups * group, 3)).astype(np.float32)
    amax = np.abs(w).reshape(groups, group, 3).max(axis=1)
    scale, _ = qparams_from_range(-amax, amax, "int4", symmetric=True)
    qp = QParams("int4", scale, np.zeros(scale.shape), 0, group, -7, 7)
    q = _kernel("quantize", [w], _attrs(qp), w.shape, ml_dtypes.int4)
    assert q.astype(np.int64).min() >= -7 and q.astype(np.int64).max() <= 7
    back = _kernel("dequantize", [q], _attrs(qp), w.shape, np.float32)
    bound = np.repeat(scale.astype(np.float64), group, axis=0) / 2 * (1 + 1e-5) + 4 * np.spacing(np.abs(w))
    assert np.all(np.abs(back.astype(np.float64) - w) <= bound)


@SETTINGS
@given(fmt=st.sampled_from(sorted(_FORMATS)), seed=st.integers(0, 2**31), log_scale=st.floats(-8, 8))
def test_float_formats_round_within_half_spacing(fmt, seed, log_scale):
    mant, emin, fmax = _FORMATS[fmt]
    scale = float(np.float32(2.0 ** log_scale)) if fmt.startswith("fp8") else 1.0
    rng = np.random.default_rng(seed)
    v_target = rng.uniform(-1, 1, 200) * min(fmax, 1e30) * rng.uniform(0, 1, 200) ** 8
    x = (v_target * scale).astype(np.float32)
    v = x.astype(np.float64) / np.float64(np.float32(scale))
    keep = np.abs(v) < fmax * 0.999
    x, v = x[keep], v[keep]
    q = _kernel("quantize_float", [x], {"saturate": 1, "scale": scale}, x.shape, format_dtype(fmt))
    got = q.astype(np.float64)
    e = np.maximum(np.floor(np.log2(np.maximum(np.abs(v), 1e-300))), emin)
    half_spacing = 2.0 ** (e - mant - 1)
    slack = 2.0 ** -23 * np.abs(v)  # the float32 division before the rounding
    assert np.all(np.abs(got - v) <= half_spacing + slack)
    back = _kernel("dequantize_float", [q], {"scale": scale}, x.shape, np.float32)
    assert np.array_equal(back, (q.astype(np.float32) * np.float32(scale)).astype(np.float32))


@SETTINGS
@given(ratio=st.floats(1e-6, 10.0), seed=st.integers(0, 2**31))
def test_rescale_error_within_half_plus_multiplier_error(ratio, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(-(1 << 24), 1 << 24, 500).astype(np.int32)
    m, s = quantize_multiplier(ratio)
    attrs = {"axis": 0, "input_zp": 0, "multiplier": [int(m)], "output_zp": 0, "rounding_mode": "SINGLE_ROUND",
             "shift": [int(s)]}
    out = _kernel("rescale", [x], attrs, x.shape, np.int32)
    exact = x.astype(np.float64) * ratio
    rel = abs(multiplier_to_scale(m, s) - ratio) / ratio
    assert rel <= 2.0 ** -31 or s == 62
    assert np.all(np.abs(out - exact) <= 0.5 + np.abs(exact) * rel + 1e-9)
    assert math.isfinite(float(out.max()))
