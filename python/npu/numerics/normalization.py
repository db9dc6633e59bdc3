"""Integer softmax and layer normalization of int8 tensors, built only from TOSA operators.

Both algorithms are compositions of npu.numerics primitives that are TOSA operators
(RESCALE, TABLE int16, MUL with shift, ARITHMETIC_RIGHT_SHIFT, CLZ,
LOGICAL_LEFT_SHIFT, BITWISE_AND, ADD, SUB, CAST, REDUCE_SUM, REDUCE_MAX), so the
same steps run on the TOSA reference model (npu.quant.tosa_export writes them) and
on an accelerator without a divider or a float unit. docs/quantization.md states
the algorithms with their measured and proven error bounds.

Reciprocal and inverse square root use the same trick: count leading zeros to
normalize the int32 argument into a fixed binade, look the mantissa up in an int16
TABLE (513 entries, linear interpolation with a 7-bit fraction), and fold the
exponent back in with shifts.

softmax_int8(x, exp_table, recip_table, axis)       int8 in, int8 out (scale 1/255, zp -128)
    1. d   = x - max(x)                           int32 in [-255, 0] (the zero point cancels)
    2. e   = TABLE16(RESCALE(d, x128) : int16) >> 7
           = round(32767 * exp(s_x * d))          exact lookup: the 7-bit fraction is 0
    3. S   = sum(e)                               int32; 32767 <= S <= N * 32767
    4. k   = CLZ(S);  m = S << (k - 1)            m in [2^30, 2^31): S = (1 + f) 2^(31-k), f = m/2^30 - 1
    5. r   = TABLE16((m >> 14) - 98304)           ~ 2^22 (255/256) / (1 + f)
                                                  (recip_table: 2^15 (255/256) / (1 + j/512))
    6. y   = MUL(e, r, shift 15)                  ~ 2^7 (255/256) e / (1 + f)
    7. q   = ARITHMETIC_RIGHT_SHIFT(y, 30 - k, round)      ~ 255 e / S
    8. out = RESCALE(q, x1, output_zp -128) : int8  (p = 1 gives 127 exactly)

layer_norm_int8(x, rsqrt_table, gamma_q, beta_q, ...)     normalizes over the dims from `axis` on (N values)
    1. u   = x - input_zp;  S1 = sum(u);  c = N u - S1          exact int32: c = N (u - mean)
    2. h   = c * 2^-p: c << -p (p <= 0) or c >> p rounded (p > 0);  Q = sum(h * h)
           p = pre_shift, the smallest in [-16, 14] whose Q bound fits: small N gain bits
    3. W   = Q + E                                   E = round(N^3 eps / (s_x^2 4^p)) >= 1: the epsilon
    4. sh  = (CLZ(W) - 1) & -2;  m = W << sh         m in [2^29, 2^31), sh even
    5. r   = TABLE16((m >> 15) - 32768)              ~ 128 * rsqrt(m / 2^31) / (2 / 32767)
    6. z   = (c if p > 0 else h) << (sh / 2)         |z| < 2^15.5 (+ 2^(p+14) when p > 0)
       P   = MUL(z, r, 16 + max(p, 0))               P * U_P = (x - mean) / sqrt(var + eps),
                                                     U_P = (2/32767) sqrt(N) 2^-6.5
    7. A   = MUL(P, gamma_q, gamma_shift) + beta_q   gamma_q = round(gamma / s_g), beta_q = round(beta / U_A)
    8. out = RESCALE(A, U_A / s_y) + output_zp : int8          U_A = U_P s_g 2^gamma_shift
`layer_norm_params` derives every integer parameter (p, E, gamma_q, beta_q, the
shifts, the multiplier) from the float model and proves the int32 ranges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from npu.numerics.errors import NumericsError
from npu.numerics.int_elementwise import (
    add_int32,
    bitwise_and,
    cast_int,
    clz,
    logical_left_shift,
    reduce_max_int,
    reduce_sum_int,
    sub_int32,
)
from npu.numerics.integer_ops import arithmetic_right_shift, mul_int
from npu.numerics.scaling import quantize_multiplier, rescale
from npu.numerics.table import build_table_int16, table_int16

EXP_ONE = 32767  # the exp table's value of 1.0
SOFTMAX_LEVELS = 255  # out = round(255 p) - 128: p = 1 is 127 exactly (1/256 would saturate it to 255/256)
SOFTMAX_OUT_SCALE = float(np.float32(1.0 / SOFTMAX_LEVELS))  # float32, as every quantize scale
SOFTMAX_OUT_ZP = -128
SOFTMAX_MAX_N = (2**31 - 1) // EXP_ONE  # the sum of e must fit int32
RSQRT_TABLE_SCALE = 2.0 / 32767.0  # rsqrt(1/4) = 2 is entry 32767
_TIMES_128 = (1 << 30, 23)  # RESCALE multiplier and shift of exactly x128
_TIMES_1 = (1 << 30, 30)  # RESCALE of exactly x1
_R16_MAX = 32767 * 128  # largest TABLE16 output for non-negative entries
LN_MAX_PRE_SHIFT = 14
LN_MIN_PRE_SHIFT = -16


# ----------------------------------------------------------------------------- tables


def softmax_exp_table(in_scale: float) -> np.ndarray:
    """513-entry int16 table: entry 256 + d = round(32767 * exp(in_scale * d)) for d in [-256, 0];
    entries above 256 repeat 32767 (never read: d <= 0)."""
    return build_table_int16(lambda v: np.exp(np.minimum(v, 0.0)), float(in_scale) / 128.0, 0, 1.0 / EXP_ONE)


def reciprocal_table(levels: int = SOFTMAX_LEVELS) -> np.ndarray:
    """513-entry int16 table: entry j = round(2^15 (levels/256) / (1 + j/512)) (32640 .. 16320 for 255 levels)."""
    return build_table_int16(lambda f: (levels / 256.0) / (1.0 + f), 1.0 / 65536.0, -32768, 2.0**-15)


def rsqrt_table() -> np.ndarray:
    """513-entry int16 table: entry j = round(rsqrt(g_j) / (2/32767)), g_j = max(j/512, 1/4) (j < 128 never read)."""
    return build_table_int16(lambda g: 1.0 / np.sqrt(np.maximum(g, 0.25)), 1.0 / 65536.0, -32768, RSQRT_TABLE_SCALE)


def _expect_int8(x, fn: str) -> np.ndarray:
    xa = np.asarray(x)
    if xa.dtype != np.int8:
        raise NumericsError(f"{fn}: expects an int8 input, got {xa.dtype}")
    return xa


# ----------------------------------------------------------------------------- softmax


def softmax_int8(x, exp_table, recip_table, axis: int = -1) -> np.ndarray:
    """Integer softmax along `axis` (module docstring); int8 result with scale 1/255 and zero point -128."""
    xa = _expect_int8(x, "softmax_int8")
    n = xa.shape[axis]
    if n > SOFTMAX_MAX_N:
        raise NumericsError(f"softmax_int8: {n} values along axis {axis}; the int32 sum allows at most {SOFTMAX_MAX_N}")
    d = sub_int32(cast_int(xa, "int32"), cast_int(reduce_max_int(xa, axis), "int32"))
    d16 = rescale(d, *_TIMES_128, out_dtype="int16")
    e = arithmetic_right_shift(table_int16(d16, exp_table), 7)
    s = reduce_sum_int(e, axis)
    k = clz(s)
    m = logical_left_shift(s, sub_int32(k, 1))
    t = cast_int(sub_int32(arithmetic_right_shift(m, 14), 98304), "int16")
    r = table_int16(t, recip_table)
    y = mul_int(e, r, 15)
    q = arithmetic_right_shift(y, sub_int32(30, k), round=True)
    return rescale(q, *_TIMES_1, 0, SOFTMAX_OUT_ZP, out_dtype="int8")


# ----------------------------------------------------------------------------- layer normalization


@dataclass(frozen=True)
class LayerNormParams:
    """The integer parameters of layer_norm_int8 (see layer_norm_params)."""

    size: int  # N, values normalized together
    input_zp: int
    epsilon: int  # E
    pre_shift: int  # p
    gamma: np.ndarray  # int32 gamma_q
    beta: np.ndarray  # int32 beta_q
    gamma_shift: int
    multiplier: int
    shift: int
    output_zp: int
    unit: float  # U_A: the real value of one unit of A (reports and tests)


def _q_bound(n: int, p: int) -> float:
    """Largest sum of h^2: sum c^2 <= N^3 (255/2)^2 (values spread over at most 255 steps), times 4^-p;
    rounding c / 2^p (p > 0) adds at most |c|/2^p + 1/4 per value, and sum |c| <= N^2 255/2."""
    if p <= 0:
        return n**3 * 127.5**2 * 4.0**-p
    return n**3 * 127.5**2 / 4.0**p + n * n * 127.5 / 2.0**p + n / 4.0


def _p_bound(p: int) -> int:
    """Largest |P|: |z| < 2^15.5 (+ 2^(p+14) when z comes from c, p > 0), r <= 32767 * 128."""
    z = math.sqrt(2.0**31) * 2.0 ** max(p, 0) + (2.0 ** (p + 14) if p > 0 else 0.0)
    return math.ceil(z * _R16_MAX / 2.0 ** (16 + max(p, 0))) + 1


def layer_norm_params(size: int, in_scale: float, in_zp: int, epsilon: float, gamma, beta, out_scale: float,
                      out_zp: int) -> LayerNormParams:
    """Integer parameters for y = gamma (x - mean) / sqrt(var + epsilon) + beta, quantized to (out_scale, out_zp).

    Chooses the smallest pre-shift p with Q + E < 2^31, gamma_q on 16 bits (s_g = max|gamma| / 32767),
    the smallest gamma_shift with |A| < 2^30, and the RESCALE (multiplier, shift) of U_A / out_scale.
    NumericsError when no choice keeps every int32 step in range.
    """
    n = int(size)
    if n < 1 or not in_scale > 0 or not out_scale > 0 or not epsilon >= 0:
        raise NumericsError("layer_norm_params: expects size >= 1, scales > 0 and epsilon >= 0")
    eps_u = float(epsilon) / float(in_scale) ** 2  # epsilon in units of u^2
    for p in range(LN_MIN_PRE_SHIFT, LN_MAX_PRE_SHIFT + 1):
        e = max(1, int(np.rint(n**3 * eps_u / 4.0**p)))
        if _q_bound(n, p) + e < 2**31 - 1:
            break
    else:
        raise NumericsError(f"layer_norm_params: {n} values (or epsilon) do not fit the int32 variance")
    g = np.asarray(gamma, dtype=np.float64)
    b = np.asarray(beta, dtype=np.float64)
    gmax = float(np.abs(g).max()) if g.size else 0.0
    s_g = gmax / 32767.0 if gmax > 0 else 1.0
    gamma_q = np.rint(g / s_g).astype(np.int64)
    unit_p = RSQRT_TABLE_SCALE * math.sqrt(n) * 2.0**-6.5
    pmax, bmax = _p_bound(p), float(np.abs(b).max()) if b.size else 0.0
    for gs in range(64):
        unit_a = unit_p * s_g * 2.0**gs
        beta_max = bmax / unit_a + 1.0
        if pmax * max(int(np.abs(gamma_q).max(initial=0)), 1) / 2.0**gs + 1.0 + beta_max < 2**30:
            break
    else:
        raise NumericsError("layer_norm_params: no gamma shift keeps the int32 accumulator in range")
    ratio = unit_a / float(out_scale)
    if not ratio < 1.0:
        raise NumericsError(f"layer_norm_params: output scale {out_scale!r} is finer than the normalized values' unit")
    mult, shift = quantize_multiplier(ratio)
    beta_q = np.rint(b / unit_a).astype(np.int64)
    return LayerNormParams(n, int(in_zp), e, p, gamma_q.astype(np.int32), beta_q.astype(np.int32), gs, int(mult),
                           int(shift), int(out_zp), unit_a)


def layer_norm_int8(x, rsqrt_tab, gamma_q, beta_q, *, axis: int, input_zp: int, epsilon: int, pre_shift: int,
                    gamma_shift: int, multiplier: int, shift: int, output_zp: int,
                    rounding_mode: str = "SINGLE_ROUND") -> np.ndarray:
    """Integer layer normalization over the dims from `axis` on (module docstring); int8 result.

    gamma_q and beta_q (int32) broadcast against those dims. REQUIREs of the steps raise
    NumericsError (parameters from layer_norm_params never break them).
    """
    xa = _expect_int8(x, "layer_norm_int8")
    axis = axis % xa.ndim
    axes = tuple(range(axis, xa.ndim))
    n = int(np.prod(xa.shape[axis:]))
    if epsilon < 1:
        raise NumericsError(f"layer_norm_int8: epsilon must be >= 1 (W = Q + E > 0), got {epsilon}")
    if not LN_MIN_PRE_SHIFT <= pre_shift <= LN_MAX_PRE_SHIFT:
        raise NumericsError(f"layer_norm_int8: pre_shift must be in [{LN_MIN_PRE_SHIFT}, {LN_MAX_PRE_SHIFT}], "
                            f"got {pre_shift}")
    u = sub_int32(cast_int(xa, "int32"), input_zp)
    c = sub_int32(mul_int(u, n), reduce_sum_int(u, axes))
    if pre_shift > 0:
        h = arithmetic_right_shift(c, pre_shift, round=True)
    else:
        h = logical_left_shift(c, -pre_shift) if pre_shift else c
    w = add_int32(reduce_sum_int(mul_int(h, h), axes), epsilon)
    sh = bitwise_and(sub_int32(clz(w), 1), -2)
    m = logical_left_shift(w, sh)
    t = cast_int(sub_int32(arithmetic_right_shift(m, 15), 32768), "int16")
    r = table_int16(t, rsqrt_tab)
    z = logical_left_shift(c if pre_shift > 0 else h, arithmetic_right_shift(sh, 1))
    big_p = mul_int(z, r, 16 + max(pre_shift, 0))
    a = add_int32(mul_int(big_p, np.asarray(gamma_q, dtype=np.int32), gamma_shift), np.asarray(beta_q, dtype=np.int32))
    return rescale(a, multiplier, shift, 0, output_zp, out_dtype="int8", rounding_mode=rounding_mode)


def layer_norm_int8_params(x, rsqrt_tab, params: LayerNormParams, axis: int,
                           rounding_mode: str = "SINGLE_ROUND") -> np.ndarray:
    """layer_norm_int8 with the parameters of layer_norm_params."""
    return layer_norm_int8(x, rsqrt_tab, params.gamma, params.beta, axis=axis, input_zp=params.input_zp,
                           epsilon=params.epsilon, pre_shift=params.pre_shift, gamma_shift=params.gamma_shift,
                           multiplier=params.multiplier, shift=params.shift, output_zp=params.output_zp,
                           rounding_mode=rounding_mode)
