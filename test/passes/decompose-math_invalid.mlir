// RUN: npu-opt %s --split-input-file --verify-diagnostics --npu-decompose

// celu with alpha <= 0 has no em1 form here: refused at the op.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{celu decomposition expects alpha > 0, got -1.0}}
  %0 = "npu_tensor.celu"(%x) {alpha = -1.000000e+00 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Float-only activations on integer data are refused.
func.func @main(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @below {{'npu_tensor.softplus' decomposition expects float data, got i32}}
  %0 = "npu_tensor.softplus"(%x) : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// gemm scaling on integers is refused (the golden kernel would scale in float64).
func.func @main(%a: tensor<2x3xi32>, %b: tensor<3x4xi32>) -> tensor<2x4xi32> {
  // expected-error @below {{gemm decomposition expects float data for alpha = 2.0, beta = 1.0}}
  %0 = "npu_tensor.gemm"(%a, %b) {alpha = 2.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}

// -----

// A run-time input zero point per channel has no conv_int form (one value only).
func.func @main(%x: tensor<1x3x4x4xi8>, %w: tensor<2x3x1x1xi8>, %z: tensor<3xi8>, %zw: tensor<i8>) -> tensor<1x2x4x4xi32> {
  // expected-error @below {{'npu_tensor.conv_integer' decomposition expects one input zero point, got shape [3]}}
  %0 = "npu_tensor.conv_integer"(%x, %w, %z, %zw) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x4x4xi8>, tensor<2x3x1x1xi8>, tensor<3xi8>, tensor<i8>) -> tensor<1x2x4x4xi32>
  return %0 : tensor<1x2x4x4xi32>
}
