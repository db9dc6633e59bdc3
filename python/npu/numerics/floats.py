"""Low-precision floats (fp8 e4m3/e5m2, bf16, fp16): rounding, scaled quantization, accumulation.

Formats (ml_dtypes provides the numpy types):

    name      numpy type                    max finite   inf?  NaN
    fp8e4m3   ml_dtypes.float8_e4m3fn       448          no    S.1111.111
    fp8e5m2   ml_dtypes.float8_e5m2         57344        yes   IEEE
    bf16      ml_dtypes.bfloat16            ~3.39e38     yes   IEEE
    fp16      numpy.float16                 65504        yes   IEEE
    fp32      numpy.float32

Rounding (`round_to_format`): the input is converted to float32 (round to nearest,
ties to even), then to the format (round to nearest, ties to even). This is what
ml_dtypes does for every input type: it converts float64 through float32 (a
float64 just above a bf16/fp8 tie can therefore round down; measured on
ml_dtypes 0.5/0.6), so npu states it once for all formats, fp16 included.

Overflow, two behaviours:
- saturate=False (ml_dtypes' cast, IEEE): beyond the largest finite value after
  rounding, e5m2/bf16/fp16 give +-inf and e4m3fn (no inf) gives NaN; +-inf input
  becomes +-inf, or NaN for e4m3fn. Values in (448, 464] round down to 448.
- saturate=True (ONNX Cast/QuantizeLinear `saturate=1`, the default for fp8 in
  ONNX): clip to [-max, max] first, so overflow and +-inf give +-max. NaN stays NaN.

Accumulation (`float_matmul`) takes the accumulator format as a parameter; which
one a chip uses is a target property (npu.target: pe.matrix.accumulator).
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from npu.numerics.errors import NumericsError

FLOAT_FORMATS: dict[str, np.dtype] = {
    "fp8e4m3": np.dtype(ml_dtypes.float8_e4m3fn),
    "fp8e5m2": np.dtype(ml_dtypes.float8_e5m2),
    "bf16": np.dtype(ml_dtypes.bfloat16),
    "fp16": np.dtype(np.float16),
    "fp32": np.dtype(np.float32),
}
_ALIASES = {
    "float8_e4m3fn": "fp8e4m3", "e4m3": "fp8e4m3", "fp8": "fp8e4m3",
    "float8_e5m2": "fp8e5m2", "e5m2": "fp8e5m2",
    "bfloat16": "bf16", "float16": "fp16", "half": "fp16", "float32": "fp32", "float": "fp32",
}


def float_format(fmt) -> str:
    """Normalize a float format given as a name, alias, or numpy/ml_dtypes type to its name.

    "fp8" means e4m3 (the target file's `fp8` dtype); say "fp8e5m2" for the other one.
    """
    if isinstance(fmt, str):
        name = _ALIASES.get(fmt, fmt)
        if name in FLOAT_FORMATS:
            return name
        raise NumericsError(f"unknown float format {fmt!r}; expected one of {', '.join(FLOAT_FORMATS)}")
    dt = np.dtype(fmt)
    for name, d in FLOAT_FORMATS.items():
        if d == dt:
            return name
    raise NumericsError(f"unsupported float format {fmt!r}; expected one of {', '.join(FLOAT_FORMATS)}")


def max_finite(fmt) -> float:
    """Largest finite value of a float format."""
    return float(ml_dtypes.finfo(FLOAT_FORMATS[float_format(fmt)]).max)


def round_to_format(x, fmt, *, saturate: bool = False) -> np.ndarray:
    """Round `x` to float format `fmt` (via float32, ties to even); returns an array of fmt's dtype.

    saturate=True clips to +-max_finite before rounding (ONNX saturate semantics).
    """
    name = float_format(fmt)
    with np.errstate(over="ignore", invalid="ignore"):
        x32 = np.asarray(x, dtype=np.float32)
        if saturate and name != "fp32":
            m = np.float32(max_finite(name))
            x32 = np.clip(x32, -m, m)
        return x32.astype(FLOAT_FORMATS[name])


def quantize_float(x, scale, fmt="fp8e4m3", *, axis: int | None = None, saturate: bool = True) -> np.ndarray:
    """ONNX QuantizeLinear to a float8 type: round_to_format(float32(x) / float32(scale), saturate).

    Zero point is always 0 for float formats. Two roundings happen (the float32
    division, then the cast), as in ONNX and onnxruntime. Per-axis scales need `axis`.
    """
    xf = np.asarray(x, dtype=np.float32)
    s = np.asarray(scale, dtype=np.float32)
    if s.ndim and s.size > 1:
        if axis is None:
            raise NumericsError("quantize_float: a per-axis scale needs an axis")
        shape = [1] * xf.ndim
        shape[axis % xf.ndim] = s.size
        s = s.reshape(shape)
    if np.any(~(s > 0)) or not np.all(np.isfinite(s)):
        raise NumericsError("quantize_float: scales must be finite and > 0")
    with np.errstate(over="ignore"):
        return round_to_format(xf / s, fmt, saturate=saturate)


def dequantize_float(q, scale, *, axis: int | None = None) -> np.ndarray:
    """ONNX DequantizeLinear from a float type: float32(q) * float32(scale) (float32 result)."""
    qf = np.asarray(q).astype(np.float32)
    s = np.asarray(scale, dtype=np.float32)
    if s.ndim and s.size > 1:
        if axis is None:
            raise NumericsError("dequantize_float: a per-axis scale needs an axis")
        shape = [1] * qf.ndim
        shape[axis % qf.ndim] = s.size
        s = s.reshape(shape)
    return qf * s


def float_matmul(a, b, *, acc="fp32", order: str = "sequential") -> np.ndarray:
    """Float matmul `a @ b` (numpy broadcasting over leading dims) accumulated in format `acc`.

    order="sequential" is bit-defined: for k = 0..K-1,
        acc = round_acc(acc + round_acc(a[..., k] * b[k, ...]))
    starting from +0.0, each product and each sum computed exactly then rounded
    once to `acc` (ties to even). The exact value is formed in float32 for
    bf16/fp16/fp8 accumulators and float64 for fp32; both are wide enough that
    rounding twice equals rounding once (p' >= 2p + 2). For fp8/bf16/fp16 inputs
    and an fp32 accumulator the products are exact, so this equals a fused
    multiply-add chain. The guarantee assumes input formats no wider than `acc`
    (inputs are read as float32; fp32 inputs with a bf16 accumulator are outside
    it). Vectorized over M x N; loops over K.
    order="blas": float32/float64 BLAS, summation order unspecified (fast; only
    for tolerance comparisons, never for bit-exact golden results).
    Returns an array of the accumulator's dtype.
    """
    name = float_format(acc)
    dt = FLOAT_FORMATS[name]
    a = np.asarray(a)
    b = np.asarray(b)
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-2]:
        raise NumericsError(f"float_matmul: expects [..., M, K] @ [..., K, N], got {a.shape} and {b.shape}")
    if order == "blas":
        wide = np.float64 if name == "fp32" else np.float32
        return (a.astype(wide) @ b.astype(wide)).astype(dt)
    if order != "sequential":
        raise NumericsError(f"float_matmul: unknown order {order!r}; expected 'sequential' or 'blas'")
    wide = np.float64 if name == "fp32" else np.float32
    aw = a.astype(np.float32).astype(wide)
    bw = b.astype(np.float32).astype(wide)
    shape = np.broadcast_shapes(aw.shape[:-2], bw.shape[:-2]) + (a.shape[-2], b.shape[-1])
    out = np.zeros(shape, dtype=dt)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(a.shape[-1]):
            prod = (aw[..., :, k:k + 1] * bw[..., k:k + 1, :]).astype(dt)
            out = (out.astype(wide) + prod.astype(wide)).astype(dt)
    return out
