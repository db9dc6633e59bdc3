// RUN: npu-opt %s --split-input-file --verify-diagnostics --target=edge-lpddr --npu-tile

// Instances of the comparison / select / logical / rounding ops the eltwise family refuses, each named.

// Quantized storage values compare as they are only when both sides share scale and zero point.
func.func @main(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>, %y: tensor<4x!quant.uniform<i8:f32, 0.25>>) -> tensor<4xi1> {
  // expected-error @below {{'npu_tensor.less' op cannot lower to level 4 yet: expects quantized data of one type (scale and zero point), got !quant.uniform<i8:f32, 5.000000e-01>, !quant.uniform<i8:f32, 2.500000e-01>}}
  %0 = "npu_tensor.less"(%x, %y) : (tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.25>>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// ONNX Mod on floats needs fmod = 1 (C fmod); fmod = 0 is the integers' floored remainder.
func.func @main(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'npu_tensor.mod' op cannot lower to level 4 yet: expects integer data with fmod = 0 or float data with fmod = 1, got f32 with fmod = 0}}
  %0 = "npu_tensor.mod"(%x, %y) {fmod = 0 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @main(%x: tensor<4xf8E5M2>) -> tensor<4xi1> {
  // expected-error @below {{'npu_tensor.is_inf' op cannot lower to level 4 yet: expects f32, f16 or bf16 data, got f8E5M2}}
  %0 = "npu_tensor.is_inf"(%x) {detect_negative = 1 : i64, detect_positive = 1 : i64} : (tensor<4xf8E5M2>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @main(%x: tensor<4xi16>) -> tensor<4xi16> {
  // expected-error @below {{'npu_tensor.sin' op cannot lower to level 4 yet: expects float data, got i16}}
  %0 = "npu_tensor.sin"(%x) : (tensor<4xi16>) -> tensor<4xi16>
  return %0 : tensor<4xi16>
}
