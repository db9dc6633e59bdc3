"""npu.numerics: the one place that defines the bits of every arithmetic rule.

Quantization passes, the golden interpreter's kernels, the level-4 interpreter
and the binary simulator all call this package; none of them rounds, saturates,
requantizes or looks up a table on its own. The rules follow the TOSA 1.0
specification (cited by section title in each function) and, for float <-> int
quantization, ONNX QuantizeLinear/DequantizeLinear. docs/numerics.md states every
formula; test/python/test_tosa_oracle.py checks the integer ones bit for bit
against the TOSA reference model.

Modules:
    inttypes     integer type ranges, saturate / wrap
    scaling      apply_scale_32/16, RESCALE, quantize_multiplier
    affine       ONNX affine int quantize / dequantize, qparams from a range
    floats       fp8 / bf16 / fp16 rounding (ml_dtypes), float quantize, accumulation
    table        TABLE int8 / int16 and table builders for float functions
    integer_ops  MATMUL / CONV2D accumulation, CLAMP, INTDIV, shifts, MUL
    int_elementwise  int32 ADD / SUB, CLZ, LOGICAL_LEFT_SHIFT, BITWISE_AND, CAST, REDUCE_SUM / REDUCE_MAX
    normalization    integer softmax and layer normalization built from the TOSA operators above
"""

from npu.numerics.affine import dequantize_affine, qparams_from_range, quantize_affine
from npu.numerics.errors import NumericsError
from npu.numerics.floats import (
    FLOAT_FORMATS,
    dequantize_float,
    float_format,
    float_matmul,
    max_finite,
    quantize_float,
    round_to_format,
)
from npu.numerics.integer_ops import (
    arithmetic_right_shift,
    clamp,
    conv2d_int,
    exact_int_matmul,
    intdiv,
    matmul_int,
    mul_int,
    narrow_accumulator,
)
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
from npu.numerics.inttypes import (
    INT_TYPES,
    in_range,
    int_range,
    int_type,
    is_unsigned,
    require_in_range,
    saturate,
    storage_dtype,
    wrap,
)
from npu.numerics.scaling import (
    RoundingMode,
    apply_scale_16,
    apply_scale_32,
    multiplier_to_scale,
    quantize_multiplier,
    rescale,
)
from npu.numerics.normalization import (
    LayerNormParams,
    layer_norm_int8,
    layer_norm_params,
    reciprocal_table,
    rsqrt_table,
    softmax_exp_table,
    softmax_int8,
)
from npu.numerics.table import TABLE_FUNCTIONS, build_table_int8, build_table_int16, table_int8, table_int16

__all__ = [
    "FLOAT_FORMATS", "INT_TYPES", "TABLE_FUNCTIONS", "NumericsError", "RoundingMode",
    "apply_scale_16", "apply_scale_32", "arithmetic_right_shift", "build_table_int8", "build_table_int16",
    "clamp", "conv2d_int", "dequantize_affine", "dequantize_float", "exact_int_matmul", "float_format",
    "float_matmul", "in_range", "int_range", "int_type", "intdiv", "is_unsigned", "matmul_int",
    "max_finite", "mul_int", "multiplier_to_scale", "narrow_accumulator", "qparams_from_range",
    "quantize_affine", "quantize_float", "quantize_multiplier", "require_in_range", "rescale",
    "round_to_format", "saturate", "storage_dtype", "table_int8", "table_int16", "wrap",
    "add_int32", "sub_int32", "clz", "logical_left_shift", "bitwise_and", "cast_int", "reduce_sum_int",
    "reduce_max_int", "LayerNormParams", "layer_norm_int8", "layer_norm_params", "reciprocal_table", "rsqrt_table",
    "softmax_exp_table", "softmax_int8",
]
