"""Interpreter kernels of the elementwise / activation family of npu_tensor.

Broadcasting follows numpy (= ONNX multidirectional broadcasting). Every kernel
returns arrays of exactly the declared result dtype. Float math runs in the
operand's dtype (float16 ops are computed in float32 and rounded once, like
onnxruntime); integer Div truncates toward zero (C semantics, as ONNX says).

Planners (see registry.py) serve the executor the plain ufunc ops whose operands
need no up-cast with those decisions taken once; the executor runs every op
under np.errstate(all="ignore"), so a plan skips the kernel's own errstate.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from npu.errors import NpuError
from npu.interp.registry import kernel, planner

def _is_float(dtype: np.dtype) -> bool:
    return np.issubdtype(dtype, np.floating) or dtype.name in ("bfloat16",) or "float8" in dtype.name


def _compute_dtype(dtype: np.dtype) -> np.dtype:
    """Dtype math is carried out in: float32 for the narrow float formats."""
    if _is_float(dtype) and dtype.itemsize < 4:
        return np.dtype(np.float32)
    return dtype


def _fin(x: np.ndarray, spec) -> np.ndarray:
    """The result in the declared dtype (the executor checks the shape)."""
    return np.asarray(x).astype(spec.dtype, copy=False)


def _up(x: np.ndarray) -> np.ndarray:
    return x.astype(_compute_dtype(x.dtype), copy=False)


# ---------------------------------------------------------------- binary


def _int_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if np.any(b == 0):
        raise NpuError("integer division by zero")
    q = np.floor_divide(a, b)
    fix = (np.remainder(a, b) != 0) & ((a < 0) ^ (b < 0))
    return q + fix.astype(q.dtype)


def _div(a, b):
    if np.issubdtype(a.dtype, np.integer):
        return _int_div(a, b)
    return np.divide(a, b)


def _pow(a, b):
    """lhs ** rhs in the lhs's type: integer powers wrap like C; a float base takes the exponent in its own type."""
    if np.issubdtype(a.dtype, np.integer) and np.issubdtype(b.dtype, np.integer):
        if np.any(b < 0):
            raise NpuError("integer power with a negative exponent")
        return np.power(a, b.astype(a.dtype))
    return np.power(a, b.astype(a.dtype) if _is_float(a.dtype) else b)


def _mod(a, b, fmod):
    if fmod:
        return np.fmod(a, b)
    if np.issubdtype(a.dtype, np.integer) and np.any(b == 0):
        raise NpuError("integer modulo by zero")
    return np.mod(a, b)


_BINARY = {
    "npu_tensor.add": np.add,
    "npu_tensor.sub": np.subtract,
    "npu_tensor.mul": np.multiply,
    "npu_tensor.div": _div,
    "npu_tensor.pow": _pow,
    "npu_tensor.equal": np.equal,
    "npu_tensor.less": np.less,
    "npu_tensor.less_or_equal": np.less_equal,
    "npu_tensor.greater": np.greater,
    "npu_tensor.greater_or_equal": np.greater_equal,
    "npu_tensor.and": np.logical_and,
    "npu_tensor.or": np.logical_or,
    "npu_tensor.xor": np.logical_xor,
    "npu_tensor.bitwise_and": np.bitwise_and,
    "npu_tensor.bitwise_or": np.bitwise_or,
    "npu_tensor.bitwise_xor": np.bitwise_xor,
}


def _make_binary(fn):
    def run(inputs, attrs, results):
        a, b = inputs
        with np.errstate(all="ignore"):
            return [_fin(fn(_up(a), _up(b)), results[0])]

    return run


for _name, _fn in _BINARY.items():
    kernel(_name)(_make_binary(_fn))


def _plan_elementwise(fn, float_only: bool = False):
    """Planner of a kernel computing fn(*operands): fn straight on the operands when none
    needs the narrow-float up-cast (and, with float_only, all are floats), else None."""

    def plan(attrs, operands, results):
        if any(o is None or _compute_dtype(o.dtype) != o.dtype or (float_only and not _is_float(o.dtype)) for o in operands):
            return None
        out = results[0]
        if _yields(fn, [o.dtype for o in operands], out.dtype):  # _fin would be a no-op
            if len(operands) == 1:
                return lambda inputs: [fn(inputs[0])]
            return lambda inputs: [fn(inputs[0], inputs[1])]
        if len(operands) == 1:
            return lambda inputs: [_fin(fn(inputs[0]), out)]
        return lambda inputs: [_fin(fn(inputs[0], inputs[1]), out)]

    return plan


def _yields(fn, dtypes: list, out: np.dtype) -> bool:
    """True when ufunc `fn` on operands of `dtypes` returns `out` (numpy's own type resolution)."""
    if not isinstance(fn, np.ufunc):
        return False
    try:
        return fn.resolve_dtypes(tuple(dtypes) + (None,) * fn.nout)[-1] == out
    except (TypeError, ValueError):  # no loop for these dtypes: leave it to the kernel's path
        return False


for _name, _fn in _BINARY.items():
    if isinstance(_fn, np.ufunc):
        planner(_name)(_plan_elementwise(_fn))
planner("npu_tensor.div")(_plan_elementwise(np.divide, float_only=True))


@kernel("npu_tensor.mod")
def _mod_kernel(inputs, attrs, results):
    a, b = inputs
    with np.errstate(all="ignore"):
        return [_fin(_mod(_up(a), _up(b), attrs.get("fmod", 0)), results[0])]


@kernel("npu_tensor.bit_shift")
def _bit_shift(inputs, attrs, results):
    a, b = inputs
    out = np.left_shift(a, b) if attrs["direction"] == "LEFT" else np.right_shift(a, b)
    return [_fin(out, results[0])]


kernel("npu_tensor.max")(_make_binary(np.maximum))
kernel("npu_tensor.min")(_make_binary(np.minimum))
planner("npu_tensor.max")(_plan_elementwise(np.maximum))
planner("npu_tensor.min")(_plan_elementwise(np.minimum))


# ---------------------------------------------------------------- unary


try:  # scipy's erf is exact to float64 and fast; the series below matches it when scipy is absent
    from scipy.special import erf as _scipy_erf
except ImportError:  # pragma: no cover - scipy ships with the test extras
    _scipy_erf = None


def erf(x: np.ndarray) -> np.ndarray:
    """erf in float64 (scipy's when available), else vectorized: 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (2n+1)!!.

    The series has only positive terms (no cancellation); |x| is clipped at 6,
    beyond which erf is +-1 in float64. 160 terms reach double precision there.
    """
    if _scipy_erf is not None:
        return _scipy_erf(np.asarray(x, dtype=np.float64))
    return erf_series(x)


def erf_series(x: np.ndarray) -> np.ndarray:
    """The positive-term series of `erf` (used without scipy; tested against it)."""
    x64 = np.clip(np.asarray(x, dtype=np.float64), -6.0, 6.0)
    x2 = x64 * x64
    term = x64.copy()
    total = x64.copy()
    for n in range(1, 160):
        term = term * (2.0 * x2) / (2 * n + 1)
        total += term
    return 2.0 / np.sqrt(np.pi) * np.exp(-x2) * total


def _sigmoid(x):
    """1 / (1 + e^-x) without overflow: e^-|x| / (1 + e^-|x|) for negative x."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


_UNARY = {
    "npu_tensor.neg": np.negative,
    "npu_tensor.abs": np.abs,
    "npu_tensor.sqrt": np.sqrt,
    "npu_tensor.exp": np.exp,
    "npu_tensor.log": np.log,
    "npu_tensor.tanh": np.tanh,
    "npu_tensor.sigmoid": _sigmoid,
    "npu_tensor.erf": lambda x: erf(x),
    "npu_tensor.reciprocal": np.reciprocal,
    "npu_tensor.floor": np.floor,
    "npu_tensor.ceil": np.ceil,
    "npu_tensor.round": np.round,  # half to even, as ONNX says
    "npu_tensor.sign": np.sign,
    "npu_tensor.sin": np.sin,
    "npu_tensor.cos": np.cos,
    "npu_tensor.tan": np.tan,
    "npu_tensor.asin": np.arcsin,
    "npu_tensor.acos": np.arccos,
    "npu_tensor.atan": np.arctan,
    "npu_tensor.sinh": np.sinh,
    "npu_tensor.cosh": np.cosh,
    "npu_tensor.asinh": np.arcsinh,
    "npu_tensor.acosh": np.arccosh,
    "npu_tensor.atanh": np.arctanh,
    "npu_tensor.not": np.logical_not,
    "npu_tensor.bitwise_not": np.bitwise_not,
    "npu_tensor.softplus": lambda x: np.logaddexp(0, x),
    "npu_tensor.softsign": lambda x: x / (1 + np.abs(x)),
    "npu_tensor.mish": lambda x: x * np.tanh(np.logaddexp(0, x)),
    "npu_tensor.is_nan": np.isnan,
}


def _make_unary(fn):
    def run(inputs, attrs, results):
        with np.errstate(all="ignore"):
            return [_fin(fn(_up(inputs[0])), results[0])]

    return run


for _name, _fn in _UNARY.items():
    kernel(_name)(_make_unary(_fn))
    planner(_name)(_plan_elementwise(_fn))


@kernel("npu_tensor.is_inf")
def _is_inf(inputs, attrs, results):
    x = inputs[0]
    out = (np.isposinf(x) & bool(attrs["detect_positive"])) | (np.isneginf(x) & bool(attrs["detect_negative"]))
    return [_fin(out, results[0])]


@kernel("npu_tensor.relu")
def _relu(inputs, attrs, results):
    x = inputs[0]
    return [_fin(np.maximum(x, np.zeros((), x.dtype)), results[0])]


def _act(fn):
    def run(inputs, attrs, results):
        with np.errstate(all="ignore"):
            return [_fin(fn(_up(inputs[0]), attrs), results[0])]

    return run


def _f(attrs, name, dtype):
    return np.asarray(attrs[name], dtype=np.float32).astype(dtype)


_ACTIVATIONS = {
    "npu_tensor.leaky_relu": lambda x, a: np.where(x >= 0, x, x * _f(a, "alpha", x.dtype)),
    "npu_tensor.elu": lambda x, a: np.where(x >= 0, x, _f(a, "alpha", x.dtype) * np.expm1(x)),
    "npu_tensor.celu": lambda x, a: np.maximum(x, 0) + np.minimum(0, _f(a, "alpha", x.dtype) * np.expm1(x / _f(a, "alpha", x.dtype))),
    "npu_tensor.selu": lambda x, a: _f(a, "gamma", x.dtype) * np.where(x > 0, x, _f(a, "alpha", x.dtype) * np.expm1(x)),
    "npu_tensor.thresholded_relu": lambda x, a: np.where(x > _f(a, "alpha", x.dtype), x, 0),
    "npu_tensor.hard_sigmoid": lambda x, a: np.clip(_f(a, "alpha", x.dtype) * x + _f(a, "beta", x.dtype), 0, 1),
    "npu_tensor.hard_swish": lambda x, a: x * np.clip(x * x.dtype.type(1 / 6) + x.dtype.type(0.5), 0, 1),
    "npu_tensor.shrink": lambda x, a: np.where(
        x < -_f(a, "lambd", x.dtype), x + _f(a, "bias", x.dtype), np.where(x > _f(a, "lambd", x.dtype), x - _f(a, "bias", x.dtype), 0)
    ),
}

for _name, _fn in _ACTIVATIONS.items():
    kernel(_name)(_act(_fn))


def _plan_act(fn):
    """Planner of an _act kernel: fn(x, attrs) straight on x when x needs no up-cast."""

    def plan(attrs, operands, results):
        if _compute_dtype(operands[0].dtype) != operands[0].dtype:
            return None
        out = results[0]
        return lambda inputs: [_fin(fn(inputs[0], attrs), out)]

    return plan


for _name, _fn in _ACTIVATIONS.items():
    planner(_name)(_plan_act(_fn))


@kernel("npu_tensor.gelu")
def _gelu(inputs, attrs, results):
    x = _up(inputs[0])
    if attrs["approximate"] == "tanh":
        c = np.sqrt(2 / np.pi)
        out = 0.5 * x * (1 + np.tanh(c * (x + 0.044715 * x.astype(np.float64) ** 3)))
    else:
        out = 0.5 * x * (1 + erf(x / np.sqrt(2)))
    return [_fin(out, results[0])]


@kernel("npu_tensor.prelu")
def _prelu(inputs, attrs, results):
    x, slope = (_up(v) for v in inputs)
    return [_fin(np.where(x < 0, x * slope, x), results[0])]


@kernel("npu_tensor.clip")
def _clip(inputs, attrs, results):
    x = inputs[0]
    lo = np.asarray(attrs["min"]).astype(x.dtype)
    hi = np.asarray(attrs["max"]).astype(x.dtype)
    return [_fin(np.minimum(np.maximum(x, lo), hi), results[0])]


@kernel("npu_tensor.where")
def _where(inputs, attrs, results):
    cond, a, b = inputs
    return [_fin(np.where(cond, a, b), results[0])]


# ---------------------------------------------------------------- cast

_FLOAT8 = {"float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz"}
_SUB_BYTE_INT = {"int2", "uint2", "int4", "uint4"}
_NARROW_ML_FLOAT = {"float4_e2m1fn", "float8_e8m0fnu"}


def to_e8m0(x: np.ndarray, saturate: bool, round_mode: str) -> np.ndarray:
    """float -> float8_e8m0fnu (a power of two: the float32 exponent field), rounding
    the mantissa away `up`, `down` (truncate) or to `nearest`; NaN/inf map to NaN."""
    bits = np.asarray(x, dtype=np.float32).view(np.uint32)
    exponent = ((bits >> 23) & 0xFF).astype(np.uint16)
    special = exponent == 0xFF
    if round_mode == "up":
        bump = (bits & 0x7FFFFF) > 0
    elif round_mode == "nearest":
        guard = (bits & 0x400000) > 0
        rest = (bits & 0x3FFFFF) > 0
        bump = guard & (rest | (exponent > 0))
    elif round_mode == "down":
        bump = np.zeros(bits.shape, bool)
    else:
        raise NpuError(f"unknown round_mode '{round_mode}'")
    bump &= ~special
    if saturate:
        bump &= exponent != 0xFE
    out = np.where(special, 0xFF, exponent + bump).astype(np.uint8)
    return out.view(ml_dtypes.float8_e8m0fnu)


@kernel("npu_tensor.cast")
def _cast(inputs, attrs, results):
    x = inputs[0]
    to = results[0].dtype
    saturate = bool(attrs.get("saturate", 1))
    if to.name == "float8_e8m0fnu":
        return [to_e8m0(x, saturate, attrs.get("round_mode", "up")).reshape(x.shape)]
    if to.name in _FLOAT8:
        wide = x.astype(np.float32)
        if saturate:
            info = ml_dtypes.finfo(to)
            wide = np.clip(wide, float(info.min), float(info.max))
        return [wide.astype(to)]
    if _is_float(x.dtype) and not _is_float(to) and x.dtype.itemsize < 4:
        x = x.astype(np.float32)
    elif x.dtype.name in _NARROW_ML_FLOAT:
        x = x.astype(np.float32)  # exact; ml_dtypes has no direct cast between e.g. e8m0 and f4 / sub-byte ints
    elif x.dtype.name in _SUB_BYTE_INT and (to.name in _SUB_BYTE_INT or np.issubdtype(to, np.integer)):
        x = x.astype(np.int64)  # exact; the cast below wraps (ml_dtypes refuses e.g. int4 -> uint4 directly)
    with np.errstate(invalid="ignore"):
        return [x.astype(to)]
