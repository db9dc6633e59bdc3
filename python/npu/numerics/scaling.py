"""Fixed-point scaling: apply_scale_32/16, RESCALE, and real scale <-> (multiplier, shift).

Follows the TOSA 1.0 specification, section "Integer Behavior" > "Integer
Rescaling" (apply_scale_32, apply_scale_16) and section "Type Conversion" >
"RESCALE". A real scale s is carried as an integer multiplier m and a right
shift n with s ~= m * 2**-n; applying it to an integer v is

    apply_scale_32(v, m, n) = (v * m + 2**(n-1)) >> n          (int64 intermediate)

i.e. v * s rounded to the nearest integer, ties towards +infinity. With
DOUBLE_ROUND and n > 31 the rounding constant gains +-2**30 (sign of v): the
result is as if v were first shifted right by n-31 with rounding and then by 31
with rounding again (the gemmlowp/TFLite "double rounding").

Everything here is vectorized numpy: values, multipliers and shifts broadcast.
"""

from __future__ import annotations

import enum

import numpy as np

from npu.numerics.errors import NumericsError
from npu.numerics.inttypes import int_range, int_type, is_unsigned, storage_dtype


class RoundingMode(str, enum.Enum):
    """TOSA 1.0 RESCALE `rounding_mode`."""

    SINGLE_ROUND = "SINGLE_ROUND"  # round half towards +inf, once
    DOUBLE_ROUND = "DOUBLE_ROUND"  # scale32 only; differs from SINGLE_ROUND only for shift > 31
    INEXACT_ROUND = "INEXACT_ROUND"  # spec leaves the tie rule to the implementation; npu: half to even


def _first_bad(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0]) if mask.ndim else ()


def _check_scale_args(fn: str, m: np.ndarray, s: np.ndarray, mult_bits: int) -> None:
    bad = (m < 0) | (m >= (1 << mult_bits))
    if np.any(bad):
        raise NumericsError(f"{fn}: expects 0 <= multiplier < 2**{mult_bits} (TOSA REQUIRE), got {int(m[bad].flat[0])}")
    if np.any((s < 2) | (s > 62)):
        raise NumericsError(f"{fn}: expects 2 <= shift <= 62 (TOSA REQUIRE), got {int(s[(s < 2) | (s > 62)].flat[0])}")


def _scale(v: np.ndarray, m: np.ndarray, s: np.ndarray, mode: RoundingMode) -> np.ndarray:
    """(v*m) * 2**-s rounded as `mode` says, in int64; v*m must fit in int63."""
    prod = v * m
    if mode is RoundingMode.INEXACT_ROUND:
        q = prod >> s  # floor
        rem = prod - (q << s)
        half = np.int64(1) << (s - 1)
        return q + ((rem > half) | ((rem == half) & ((q & 1) == 1)))
    rnd = np.int64(1) << (s - 1)
    if mode is RoundingMode.DOUBLE_ROUND:
        rnd = rnd + np.where(s > 31, np.where(v >= 0, np.int64(1 << 30), np.int64(-(1 << 30))), np.int64(0))
    return (prod + rnd) >> s


def apply_scale_32(value, multiplier, shift, double_round: bool = False, *, rounding_mode=None,
                   check: bool = True) -> np.ndarray:
    """TOSA `apply_scale_32` (section "Integer Rescaling"), vectorized; returns int32.

    result = (int64(value) * multiplier + round) >> shift, with
    round = 2**(shift-1), plus +2**30 (value >= 0) or -2**30 (value < 0) when
    double_round and shift > 31. `>>` is an arithmetic (flooring) shift.

    REQUIREs checked when `check` (NumericsError otherwise): 0 <= multiplier < 2**31,
    2 <= shift <= 62, -2**(shift-1) <= value < 2**(shift-1) (this keeps the result
    inside int32). check=False skips the validation: out-of-contract results are
    unspecified, as in the spec (npu saturates to int32 while the int64 product does
    not overflow).
    `rounding_mode` (a RoundingMode) overrides `double_round` when given.
    """
    mode = RoundingMode(rounding_mode) if rounding_mode is not None else (
        RoundingMode.DOUBLE_ROUND if double_round else RoundingMode.SINGLE_ROUND)
    v, m, s = np.broadcast_arrays(*(np.asarray(a).astype(np.int64) for a in (value, multiplier, shift)))
    if check:
        _check_scale_args("apply_scale_32", m, s, 31)
        lim = np.int64(1) << (s - 1)
        bad = (v < -lim) | (v >= lim) | (v < -(1 << 31)) | (v >= (1 << 31))
        if np.any(bad):
            i = _first_bad(bad)
            raise NumericsError(f"apply_scale_32: value {int(v[i])} at index {i} is outside "
                                f"[{-int(lim[i])}, {int(lim[i])}) required by shift {int(s[i])} (TOSA REQUIRE)")
    out = _scale(v, m, s, mode)
    return np.clip(out, -(1 << 31), (1 << 31) - 1).astype(np.int32)


def apply_scale_16(value, multiplier, shift, *, check: bool = True) -> np.ndarray:
    """TOSA `apply_scale_16` (section "Integer Rescaling"), vectorized; returns int32.

    result = (int64(value) * multiplier + 2**(shift-1)) >> shift, value an int48,
    0 <= multiplier < 2**15, 2 <= shift <= 62; REQUIRE: the result fits int32.
    No double rounding exists for the 16-bit scale.
    """
    v, m, s = np.broadcast_arrays(*(np.asarray(a).astype(np.int64) for a in (value, multiplier, shift)))
    if check:
        _check_scale_args("apply_scale_16", m, s, 15)
        bad = (v < -(1 << 47)) | (v >= (1 << 47))
        if np.any(bad):
            raise NumericsError(f"apply_scale_16: value {int(v[_first_bad(bad)])} is outside int48")
    out = _scale(v, m, s, RoundingMode.SINGLE_ROUND)
    if check:
        bad = (out < -(1 << 31)) | (out >= (1 << 31))
        if np.any(bad):
            i = _first_bad(bad)
            raise NumericsError(f"apply_scale_16: result {int(out[i])} at index {i} is outside int32 (TOSA REQUIRE)")
    return np.clip(out, -(1 << 31), (1 << 31) - 1).astype(np.int32)


def quantize_multiplier(scale, scale32: bool = True):
    """Real scale(s) > 0 -> (multiplier, shift) with scale ~= multiplier * 2**-shift.

    Algorithm (vectorized; bits = 31 for scale32, 15 for scale16):
      1. (f, e) = frexp(scale), f in [0.5, 1)
      2. multiplier = round(f * 2**bits), ties away from zero (exact in float64);
         shift = bits - e. If multiplier == 2**bits: multiplier //= 2, shift -= 1.
         Now 2**(bits-1) <= multiplier < 2**bits: relative error <= 2**-bits.
      3. shift > 62 (scale < 2**-32 for scale32): shift = 62, multiplier = round(scale * 2**62)
         (one rounding of the exact value; precision is lost, a scale below 2**-63 gives 0).
      4. shift < 2 (scale >= ~2**(bits-2)): not representable, NumericsError.
    This is the rule of MLIR's computeMultiplierAndShiftTosaScale32/16, except that
    step 3 rounds (MLIR truncates the step-2 multiplier). Returns numpy int32 (scale16: int16)
    multiplier(s) and int8 shift(s), scalars for a scalar input.
    """
    bits = 31 if scale32 else 15
    x = np.asarray(scale, dtype=np.float64)
    if np.any(~np.isfinite(x)) or np.any(x <= 0):
        bad = x[~np.isfinite(x) | (x <= 0)].flat[0]
        raise NumericsError(f"quantize_multiplier: expects finite scales > 0, got {float(bad)!r}")
    f, e = np.frexp(x)
    e = e.astype(np.int64)
    shift = np.minimum(bits - e, 62)  # a scale below 2**(bits-63) keeps shift 62 and loses precision
    mant = np.floor(np.ldexp(f, shift + e) + 0.5).astype(np.int64)  # round(scale * 2**shift), exact
    top = mant == (1 << bits)
    mant = np.where(top, mant >> 1, mant)
    shift = np.where(top, shift - 1, shift)
    if np.any(shift < 2):
        bad = x[shift < 2].flat[0]
        raise NumericsError(f"quantize_multiplier: scale {float(bad)!r} is too large: it needs shift < 2 "
                            f"(largest is {((1 << bits) - 1) / 4!r})")
    mult = mant.astype(np.int32 if scale32 else np.int16)
    sh = shift.astype(np.int8)
    if x.ndim == 0:
        return mult[()], sh[()]
    return mult, sh


def multiplier_to_scale(multiplier, shift) -> np.ndarray | float:
    """The real scale multiplier * 2**-shift that a (multiplier, shift) pair applies (exact in float64)."""
    out = np.ldexp(np.asarray(multiplier, dtype=np.float64), -np.asarray(shift, dtype=np.int64))
    return float(out) if out.ndim == 0 else out


def _check_zero_point(zp: int, t: str, fn: str, which: str) -> None:
    if t in ("int8", "uint8"):
        lo, hi = int_range(t)
        if not lo <= zp <= hi:
            raise NumericsError(f"{fn}: {which} {zp} is outside {t} [{lo}, {hi}]")
    elif t == "uint16":
        if zp not in (0, 32768):
            raise NumericsError(f"{fn}: {which} for uint16 must be 0 or 32768, got {zp}")
    elif zp != 0:
        raise NumericsError(f"{fn}: {which} must be 0 for {t}, got {zp}")


def rescale(x, multiplier, shift, input_zp: int = 0, output_zp: int = 0, *, out_dtype="int8",
            in_dtype=None, scale32: bool = True, rounding_mode=RoundingMode.SINGLE_ROUND,
            per_channel: bool = False, axis: int = -1, check: bool = True) -> np.ndarray:
    """TOSA RESCALE (section "Type Conversion" > "RESCALE"), vectorized.

    Signedness comes from the types (TOSA's input_unsigned/output_unsigned):
    input_unsigned <=> in_dtype is uint8/uint16; output_unsigned <=> out_dtype is
    uint8/uint16. `in_dtype` defaults to x's numpy dtype (pass "int48" for an
    int64 array holding a 48-bit accumulator). Per element:

        v = x - input_zp                        (48-bit, exact)
        c = index along `axis` if per_channel else 0
        r = apply_scale_32(v, m[c], n[c], rounding) if scale32 else apply_scale_16(v, m[c], n[c])
        out = clip(r + output_zp, out_dtype range)

    TOSA fixes the channel as the last axis (`axis=-1`); other layouts pass theirs.
    ERROR_IF rules of the spec raise NumericsError: zero points only for int8/uint8
    (any value in range) and uint16 (0 or 32768); no DOUBLE_ROUND without scale32;
    no int48 input with scale32; not both sides unsigned; no unsigned input with
    an int32 output; no int32/int48 input with an unsigned output.
    """
    fn = "rescale"
    x = np.asarray(x)
    tin = int_type(in_dtype if in_dtype is not None else x.dtype)
    tout = int_type(out_dtype)
    mode = RoundingMode(rounding_mode)
    if tin not in ("int8", "uint8", "int16", "uint16", "int32", "int48"):
        raise NumericsError(f"{fn}: unsupported input type {tin}")
    if tout not in ("int8", "uint8", "int16", "uint16", "int32"):
        raise NumericsError(f"{fn}: unsupported output type {tout}")
    in_u, out_u = is_unsigned(tin), is_unsigned(tout)
    rules = [
        (scale32 and tin == "int48", "scale32 is not allowed with an int48 input"),
        (not scale32 and mode is RoundingMode.DOUBLE_ROUND, "DOUBLE_ROUND requires scale32"),
        (in_u and out_u, "input and output cannot both be unsigned"),
        (in_u and tout == "int32", "an unsigned input cannot produce int32"),
        (out_u and tin in ("int32", "int48"), f"an {tin} input cannot produce an unsigned output"),
        (per_channel and x.ndim < 1, "per_channel needs an input of rank >= 1"),
    ]
    for broken, msg in rules:
        if broken:
            raise NumericsError(f"{fn}: {msg} (TOSA ERROR_IF)")
    _check_zero_point(int(input_zp), tin, fn, "input_zp")
    _check_zero_point(int(output_zp), tout, fn, "output_zp")
    if check and tin == "int48":
        lo, hi = int_range("int48")
        if x.size and (x.min() < lo or x.max() > hi):
            raise NumericsError(f"{fn}: int48 input holds values outside [{lo}, {hi}]")
    m = np.asarray(multiplier, dtype=np.int64).reshape(-1)
    s = np.asarray(shift, dtype=np.int64).reshape(-1)
    nc = x.shape[axis] if per_channel else 1
    if m.size != nc or s.size != nc:
        raise NumericsError(f"{fn}: expects {nc} multiplier(s) and shift(s), got {m.size} and {s.size}")
    if per_channel:
        bshape = [1] * x.ndim
        bshape[axis] = nc
        m, s = m.reshape(bshape), s.reshape(bshape)
    else:
        m, s = m.reshape(()), s.reshape(())
    v = x.astype(np.int64) - np.int64(input_zp)
    if scale32:
        r = apply_scale_32(v, m, s, rounding_mode=mode, check=check)
    else:
        r = apply_scale_16(v, m, s, check=check)
    lo, hi = int_range(tout)
    return np.clip(r.astype(np.int64) + np.int64(output_zp), lo, hi).astype(storage_dtype(tout))
