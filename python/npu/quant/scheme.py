"""Quantization schemes: what precision each layer gets and how ranges are chosen.

A layer is a conv, matmul or gemm node, named by its ONNX node name. Its
precision is one of PRECISIONS:

    int8      int8 x int8 -> int32 integer layer (weights symmetric int8, per channel or
              per tensor; activations int8, asymmetric or symmetric), TOSA RESCALE to
              the next int8 activation, clamps for fused ReLU/Clip, TABLEs for
              elementwise regions fed by int8 activations
    fp8e4m3   weights and activations rounded to float8 e4m3fn with a scale
    fp8e5m2   the same with float8 e5m2
    bf16      inputs and weights rounded to bfloat16 (scale 1)
    fp16      inputs and weights rounded to IEEE half (scale 1)
    int4      weight-only: weights int4 (symmetric, [-7, 7]) per group of `group_size`
              along the reduction axis, dequantized in the layer; activations stay float
    fp32      the layer stays float

Float formats accumulate products in the type the target declares for them
(`target.pe.matrix.accumulator`): fp8 -> accumulator["fp8"], bf16/fp16 likewise,
int4 weight-only (float activations) -> accumulator["fp32"].
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from typing import Mapping

from npu.errors import NpuError
from npu.quant.ranges import METHODS

PRECISIONS = ("int8", "fp8e4m3", "fp8e5m2", "bf16", "fp16", "int4", "fp32")
_ALIASES = {"fp8": "fp8e4m3", "e4m3": "fp8e4m3", "e5m2": "fp8e5m2", "float8": "fp8e4m3", "bfloat16": "bf16",
            "float16": "fp16", "half": "fp16", "float32": "fp32", "float": "fp32", "none": "fp32",
            "w4": "int4", "int4-weight-only": "int4"}
FLOAT_FORMATS = ("fp8e4m3", "fp8e5m2", "bf16", "fp16")
ROUNDING = ("SINGLE_ROUND", "DOUBLE_ROUND")


def precision(name: str) -> str:
    """Normalize a precision name or alias; NpuError listing the valid ones otherwise."""
    p = _ALIASES.get(str(name).lower(), str(name).lower())
    if p not in PRECISIONS:
        raise NpuError(f"unknown precision '{name}' (expected one of: {', '.join(PRECISIONS)})")
    return p


@dataclass(frozen=True)
class Scheme:
    """How to quantize a model (defaults: int8, per-channel weights, asymmetric activations, min-max)."""

    dtype: str = "int8"
    per_channel: bool = True
    symmetric: bool = False
    method: str = "minmax"
    percentile: float = 99.99
    group_size: int = 32
    rounding: str = "SINGLE_ROUND"
    tables: bool = True
    integer_norm: bool = True  # Softmax and LayerNormalization in integer form (else float between (de)quantize)
    overrides: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "dtype", precision(self.dtype))
        if self.method not in METHODS:
            raise NpuError(f"unknown calibration method '{self.method}' (expected one of: {', '.join(METHODS)})")
        rounding = self.rounding.upper().replace("-", "_")
        rounding = {"SINGLE": "SINGLE_ROUND", "DOUBLE": "DOUBLE_ROUND"}.get(rounding, rounding)
        if rounding not in ROUNDING:
            raise NpuError(f"unknown rounding '{self.rounding}' (expected single or double)")
        object.__setattr__(self, "rounding", rounding)
        if self.group_size < 1:
            raise NpuError(f"group_size must be >= 1, got {self.group_size}")
        object.__setattr__(self, "overrides", {str(k): precision(v) for k, v in dict(self.overrides).items()})

    def with_overrides(self, overrides: Mapping[str, str]) -> "Scheme":
        return replace(self, overrides={**self.overrides, **dict(overrides)})

    def describe(self) -> str:
        parts = [self.dtype]
        if self.dtype == "int8":
            parts.append("per-channel" if self.per_channel else "per-tensor")
            parts.append("symmetric" if self.symmetric else "asymmetric")
        if self.dtype.startswith("fp8"):
            parts.append("per-channel" if self.per_channel else "per-tensor")
        if self.dtype == "int4":
            parts.append(f"group {self.group_size}")
        parts.append(self.method)
        if self.overrides:
            parts.append(f"{len(self.overrides)} override(s)")
        return " ".join(parts)

    def layer_precisions(self, layer_names: list[str]) -> dict[str, str]:
        """Precision of every layer; an override naming no layer is an error listing close names."""
        for name in self.overrides:
            if name not in layer_names:
                close = difflib.get_close_matches(name, layer_names, n=3, cutoff=0.5)
                hint = f"; did you mean {', '.join(close)}?" if close else f"; layers: {', '.join(layer_names[:8])}" + (
                    ", ..." if len(layer_names) > 8 else "")
                raise NpuError(f"override names no layer '{name}'{hint}")
        return {n: self.overrides.get(n, self.dtype) for n in layer_names}


def parse_overrides(text: str) -> dict[str, str]:
    """'conv1=fp16,fc=int8' -> {'conv1': 'fp16', 'fc': 'int8'} (also ';' or spaces between items)."""
    out = {}
    for item in text.replace(";", ",").replace(" ", ",").split(","):
        if not item:
            continue
        name, sep, dtype = item.rpartition("=")
        if not sep or not name:
            raise NpuError(f"override '{item}' is not layer=precision")
        out[name] = precision(dtype)
    return out
