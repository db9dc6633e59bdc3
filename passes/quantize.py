"""npu-quantize: level 1 -> level 2 (quantized), calibrated on user data.

Options: scheme (int8, fp8e4m3, fp8e5m2, int4, bf16, fp16, fp32), per-channel,
symmetric, calib (directory of .npz/.npy inputs, required), method (minmax,
percentile, entropy, mse), percentile, group-size (int4), rounding (single or
double), integer-norm (false keeps Softmax/LayerNormalization in float), overrides ("layer=precision,..."), cache. Accumulators come from
--target (default edge-lpddr). Algorithm: npu.quant.api.quantize on a copy of
the module (fold BatchNormalization, calibrate with the golden interpreter,
lower), then the module's body is replaced by the level-2 function.

Before:
  %0 = "npu_tensor.matmul"(%x, %w) : (tensor<1x4xf32>, tensor<4x3xf32>) -> tensor<1x3xf32>
After (int8, per-channel):
  %0 = "npu_tensor.quantize"(%x) {...} : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, ...>>
  %1 = "npu_tensor.matmul_int"(%0, %w_q) {lhs_zp = ..., rhs_zp = 0} : (...) -> tensor<1x3x!quant.uniform<i32:f32:1, {...}>>
  %2 = "npu_tensor.dequantize"(%1) {...} : (...) -> tensor<1x3xf32>
"""

from __future__ import annotations

from dataclasses import dataclass

from mlir import ir

from npu.ir.pass_base import Pass, PassEnv


@dataclass(frozen=True)
class QuantizePass(Pass):
    NAME = "npu-quantize"
    SUMMARY = "Quantize level 1 to level 2 (int8/fp8/int4/bf16/fp16, mixed) with calibration data"
    scheme: str = "int8"
    per_channel: bool = True
    symmetric: bool = False
    calib: str = ""
    method: str = "minmax"
    percentile: float = 99.99
    group_size: int = 32
    rounding: str = "single"
    overrides: str = ""
    integer_norm: bool = True
    cache: bool = True

    def run(self, op: ir.Operation, env: PassEnv) -> None:
        from npu.quant.api import quantize

        if not self.calib:
            raise env.fail(op, f"pass '{self.NAME}' needs calibration data: calib=DIR")
        source = ir.Module.parse(op.get_asm(binary=False, large_elements_limit=None, enable_debug_info=True))
        module, _ = quantize(source, self.calib, self.scheme, per_channel=self.per_channel, symmetric=self.symmetric,
                             method=self.method, percentile=self.percentile, group_size=self.group_size,
                             rounding=self.rounding, integer_norm=self.integer_norm, overrides=self.overrides, target=env.target, cache=self.cache,
                             progress=False)
        block = op.regions[0].blocks[0]
        for old in list(block.operations):
            old.operation.erase()
        ip = ir.InsertionPoint(block)
        for new in list(module.body.operations):
            new.operation.detach_from_parent()
            ip.insert(new.operation)
