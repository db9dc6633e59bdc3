"""Integer tensor arithmetic: MATMUL/CONV2D accumulation, CLAMP, INTDIV, shifts, MUL.

TOSA 1.0 sections "Tensor Operators" (CONV2D, DEPTHWISE_CONV2D, MATMUL),
"Activation Functions" (CLAMP) and "Elementwise Binary Operators"
(ARITHMETIC_RIGHT_SHIFT, INTDIV, MUL).

Accumulator overflow. TOSA accumulates int8 x int8 products in int32 with
apply_add_s, whose REQUIRE makes an overflowing sum unpredictable. npu defines it:
`overflow="wrap"` (default) keeps the int32 two's complement low bits of the exact
sum. Wrapping is associative, so a sum split into tiles in any order gives the
same bits as the whole; a saturating accumulator would not. `overflow="error"`
raises NumericsError instead (TOSA's REQUIRE), `overflow="saturate"` clips the
exact total once (this is NOT a per-step saturating accumulator).
No overflow is possible while K * max|a - a_zp| * max|b - b_zp| < 2**31
(int8 with zero points: K < 33026).

Exactness. Sums are formed exactly: with float64 BLAS when
K * max|a - a_zp| * max|b - b_zp| < 2**53 (every partial sum is then an integer
below 2**53, so each float64 operation is exact whatever the order), otherwise
with numpy's int64 matmul (exact while that bound is < 2**63; NumericsError beyond).
For int8 operands this means float64 for K < 2**53 / 255**2 ~ 1.4e11: always.
"""

from __future__ import annotations

import numpy as np

from npu.numerics.errors import NumericsError
from npu.numerics.inttypes import int_range, int_type, storage_dtype, wrap

_F64_EXACT = 1 << 53
_I64_EXACT = 1 << 63


def _max_abs(a: np.ndarray) -> int:
    return int(np.abs(a).max()) if a.size else 0


def exact_int_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact int64 `a @ b` of int64 arrays (numpy broadcasting), float64 BLAS when exact."""
    k = a.shape[-1]
    bound = k * _max_abs(a) * _max_abs(b)
    if bound < _F64_EXACT:
        return (a.astype(np.float64) @ b.astype(np.float64)).astype(np.int64)
    if bound < _I64_EXACT:
        return a @ b
    raise NumericsError(f"matmul_int: K={k} with operand magnitudes {_max_abs(a)} and {_max_abs(b)} "
                        "can exceed int64; not supported")


def narrow_accumulator(acc: np.ndarray, acc_type: str = "int32", overflow: str = "wrap") -> np.ndarray:
    """Bring an exact int64 sum into the accumulator type per the `overflow` policy."""
    t = int_type(acc_type)
    lo, hi = int_range(t)
    if overflow == "wrap":
        return wrap(acc, t)
    if overflow == "saturate":
        return np.clip(acc, lo, hi).astype(storage_dtype(t))
    if overflow == "error":
        bad = (acc < lo) | (acc > hi)
        if np.any(bad):
            i = tuple(int(j) for j in np.argwhere(bad)[0])
            raise NumericsError(f"accumulator overflow: sum {int(acc[i])} at index {i} is outside {t} (TOSA REQUIRE)")
        return acc.astype(storage_dtype(t))
    raise NumericsError(f"unknown overflow policy {overflow!r}; expected 'wrap', 'saturate' or 'error'")


def _minus_zp(x, zp, what: str) -> np.ndarray:
    xa = np.asarray(x)
    if xa.dtype.kind not in "iu":
        raise NumericsError(f"{what}: expects an integer array, got {xa.dtype}")
    return xa.astype(np.int64) - np.asarray(zp, dtype=np.int64)


def matmul_int(a, b, a_zp=0, b_zp=0, *, acc_type: str = "int32", overflow: str = "wrap") -> np.ndarray:
    """Integer matmul sum_k (a[..., m, k] - a_zp) * (b[..., k, n] - b_zp) in `acc_type`.

    TOSA MATMUL is the rank-3 case a[N, H, C], b[N, C, W] with scalar zero points
    (int8 inputs; zero points must be 0 for int16). Here any numpy-broadcastable
    batch is accepted, and zero points broadcast against their operand (a_zp of
    shape [M, 1] is per row, b_zp of shape [1, N] per column, as ONNX MatMulInteger).
    acc_type "int32" (int8 inputs) or "int48" (int16 inputs, TOSA).
    """
    a64 = _minus_zp(a, a_zp, "matmul_int")
    b64 = _minus_zp(b, b_zp, "matmul_int")
    if a64.ndim < 2 or b64.ndim < 2 or a64.shape[-1] != b64.shape[-2]:
        raise NumericsError(f"matmul_int: expects [..., M, K] @ [..., K, N], got {a64.shape} and {b64.shape}")
    return narrow_accumulator(exact_int_matmul(a64, b64), acc_type, overflow)


def _pair(v, name: str) -> tuple[int, int]:
    t = tuple(int(i) for i in (v if np.ndim(v) else (v, v)))
    if len(t) != 2:
        raise NumericsError(f"conv2d_int: {name} needs 2 values, got {len(t)}")
    return t


def conv2d_int(x, w, bias=None, x_zp=0, w_zp=0, *, stride=(1, 1), pad=(0, 0, 0, 0), dilation=(1, 1),
               groups: int = 1, layout: str = "NHWC", acc_type: str = "int32", overflow: str = "wrap") -> np.ndarray:
    """Integer 2-D convolution as TOSA CONV2D defines it, with groups.

    layout "NHWC": x [N, IH, IW, C], w [OC, KH, KW, C/groups] (TOSA), output [N, OH, OW, OC].
    layout "NCHW": x [N, C, IH, IW], w [OC, C/groups, KH, KW] (ONNX), output [N, OC, OH, OW].
    pad = (top, bottom, left, right); OH = (IH - 1 + top + bottom - (KH - 1) * dil_y) // stride_y + 1.
    acc[n, oy, ox, oc] = sum over (ky, kx, ic) of (x[n, y, x', g*Cg + ic] - x_zp) * (w[oc, ky, kx, ic] - w_zp),
    y = oy*stride_y - top + ky*dil_y (likewise x'), terms outside the input skipped (padding
    contributes 0, i.e. it pads with x_zp); then acc += bias[oc] (bias of 1 or OC entries).
    Output channel oc belongs to group oc // (OC / groups). DEPTHWISE_CONV2D with
    weight [KH, KW, C, M] is groups=C with w transposed to [C*M, KH, KW, 1].
    """
    if layout not in ("NHWC", "NCHW"):
        raise NumericsError(f"conv2d_int: unknown layout {layout!r}; expected 'NHWC' or 'NCHW'")
    xa, wa = np.asarray(x), np.asarray(w)
    if xa.ndim != 4 or wa.ndim != 4:
        raise NumericsError(f"conv2d_int: expects rank-4 input and weight, got ranks {xa.ndim} and {wa.ndim}")
    if layout == "NCHW":
        xa, wa = xa.transpose(0, 2, 3, 1), wa.transpose(0, 2, 3, 1)
    sy, sx = _pair(stride, "stride")
    dy, dx = _pair(dilation, "dilation")
    top, bottom, left, right = (int(p) for p in pad)
    n, ih, iw, c = xa.shape
    oc, kh, kw, cg = wa.shape
    if groups < 1 or c % groups or oc % groups or cg * groups != c:
        raise NumericsError(f"conv2d_int: {c} input channels, {oc} output channels and weight input "
                            f"channels {cg} do not fit groups={groups}")
    if min(sy, sx, dy, dx) < 1 or min(top, bottom, left, right) < 0:
        raise NumericsError("conv2d_int: expects stride, dilation >= 1 and pad >= 0")
    ekh, ekw = (kh - 1) * dy + 1, (kw - 1) * dx + 1
    oh = (ih + top + bottom - ekh) // sy + 1
    ow = (iw + left + right - ekw) // sx + 1
    if oh < 1 or ow < 1:
        raise NumericsError(f"conv2d_int: the kernel does not fit the padded input ({ih}x{iw})")
    xs = np.pad(_minus_zp(xa, x_zp, "conv2d_int"), ((0, 0), (top, bottom), (left, right), (0, 0)))
    win = np.lib.stride_tricks.sliding_window_view(xs, (ekh, ekw), axis=(1, 2))
    win = win[:, : (oh - 1) * sy + 1 : sy, : (ow - 1) * sx + 1 : sx, :, ::dy, ::dx]  # [N,OH,OW,C,KH,KW]
    kg = cg * kh * kw
    patches = win.reshape(n * oh * ow, groups, kg).transpose(1, 0, 2)  # [G, P, Cg*KH*KW]
    wt = _minus_zp(wa, w_zp, "conv2d_int").transpose(0, 3, 1, 2)  # [OC, Cg, KH, KW]
    wg = wt.reshape(groups, oc // groups, kg).transpose(0, 2, 1)  # [G, Kg, OCg]
    acc = exact_int_matmul(patches, wg).transpose(1, 0, 2).reshape(n, oh, ow, oc)
    if bias is not None:
        bz = np.asarray(bias)
        if bz.dtype.kind not in "iu" or bz.ndim != 1 or bz.size not in (1, oc):
            raise NumericsError(f"conv2d_int: bias must be an integer vector of 1 or {oc} values")
        acc = acc + bz.astype(np.int64)
    out = narrow_accumulator(acc, acc_type, overflow)
    return out.transpose(0, 3, 1, 2) if layout == "NCHW" else out


def clamp(x, min_val, max_val, *, nan_mode: str = "PROPAGATE") -> np.ndarray:
    """TOSA CLAMP: min(max(x, min_val), max_val), same dtype as x.

    ERROR_IF(max_val < min_val); integer bounds must be representable in x's type.
    Floats: nan_mode "PROPAGATE" keeps NaN; "IGNORE" treats NaN as missing, so a
    NaN element becomes min_val (max(NaN, min_val) = min_val, then min with max_val).
    """
    xa = np.asarray(x)
    if max_val < min_val:
        raise NumericsError(f"clamp: max_val {max_val} < min_val {min_val} (TOSA ERROR_IF)")
    if xa.dtype.kind in "iu":
        lo, hi = int_range(int_type(xa.dtype))
        if not (lo <= min_val <= hi and lo <= max_val <= hi):
            raise NumericsError(f"clamp: bounds [{min_val}, {max_val}] are outside {xa.dtype} [{lo}, {hi}]")
        return np.clip(xa, min_val, max_val).astype(xa.dtype)
    if nan_mode not in ("PROPAGATE", "IGNORE"):
        raise NumericsError(f"clamp: unknown nan_mode {nan_mode!r}; expected 'PROPAGATE' or 'IGNORE'")
    lo, hi = xa.dtype.type(min_val), xa.dtype.type(max_val)
    out = np.minimum(np.maximum(xa, lo), hi)
    if nan_mode == "IGNORE":
        out = np.where(np.isnan(xa), lo, out)
    return out.astype(xa.dtype)


def intdiv(a, b) -> np.ndarray:
    """TOSA INTDIV (int32): quotient truncated towards zero.

    REQUIREs: b != 0 and the quotient fits int32 (-2**31 / -1 does not): NumericsError.
    """
    a64, b64 = np.broadcast_arrays(np.asarray(a).astype(np.int64), np.asarray(b).astype(np.int64))
    if np.any(b64 == 0):
        raise NumericsError("intdiv: division by zero (TOSA REQUIRE)")
    q = np.abs(a64) // np.abs(b64) * np.sign(a64) * np.sign(b64)
    if np.any(q > (1 << 31) - 1) or np.any(q < -(1 << 31)):
        raise NumericsError("intdiv: quotient outside int32 (TOSA REQUIRE)")
    return q.astype(np.int32)


def arithmetic_right_shift(a, shift, *, round: bool = False, dtype=None) -> np.ndarray:
    """TOSA ARITHMETIC_RIGHT_SHIFT: a >> shift (flooring); with round, +1 when bit shift-1 of a is set.

    round=True therefore rounds a / 2**shift half towards +infinity. REQUIRE:
    0 <= shift < bits(dtype) (int8: 7, int16: 15, int32: 31 at most). dtype defaults to a's.
    """
    t = int_type(dtype if dtype is not None else np.asarray(a).dtype)
    if t not in ("int8", "int16", "int32"):
        raise NumericsError(f"arithmetic_right_shift: unsupported type {t}")
    bits = {"int8": 8, "int16": 16, "int32": 32}[t]
    a64, s64 = np.broadcast_arrays(np.asarray(a).astype(np.int64), np.asarray(shift).astype(np.int64))
    if np.any((s64 < 0) | (s64 >= bits)):
        raise NumericsError(f"arithmetic_right_shift: shift must be in [0, {bits - 1}] for {t} (TOSA REQUIRE)")
    out = a64 >> s64
    if round:
        out = out + ((s64 > 0) & (((a64 >> np.maximum(s64 - 1, 0)) & 1) == 1))
    lo, hi = int_range(t)
    return np.clip(out, lo, hi).astype(storage_dtype(t))


def mul_int(a, b, shift: int = 0) -> np.ndarray:
    """TOSA MUL for integers, int32 result.

    shift = 0: a * b, REQUIRE it fits int32. shift in 1..63 (int32 inputs only):
    (int64(a) * b + 2**(shift-1)) >> shift, REQUIRE it fits int32. NumericsError otherwise.
    """
    a64, b64 = np.broadcast_arrays(np.asarray(a).astype(np.int64), np.asarray(b).astype(np.int64))
    if not 0 <= shift <= 63:
        raise NumericsError(f"mul_int: shift must be in [0, 63], got {shift}")
    prod = a64 * b64
    if shift > 0:
        prod = ((prod >> (shift - 1)) + 1) >> 1  # == (prod + 2**(shift-1)) >> shift, no int64 overflow
    if np.any(prod > (1 << 31) - 1) or np.any(prod < -(1 << 31)):
        raise NumericsError("mul_int: result outside int32 (TOSA REQUIRE)")
    return prod.astype(np.int32)
