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

// QLinearConv rounds half to even in float64; TOSA RESCALE rounds half up: no bit-identical form here
// (qlinear_matmul requantizes in f64: decompose-quant_linear.mlir).
func.func @main(%x: tensor<1x1x3x3xui8>, %w: tensor<1x1x1x1xui8>) -> tensor<1x1x3x3xui8> {
  %s = arith.constant dense<5.000000e-01> : tensor<f32>
  %z = arith.constant dense<3> : tensor<ui8>
  // expected-error @below {{'npu_tensor.qlinear_conv' has no bit-identical level-2 form}}
  %0 = "npu_tensor.qlinear_conv"(%x, %s, %z, %w, %s, %z, %s, %z) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xui8>, tensor<f32>, tensor<ui8>, tensor<1x1x1x1xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x3x3xui8>
  return %0 : tensor<1x1x3x3xui8>
}

// -----

// A zero point computed at run time cannot become a matmul_int attribute.
func.func @main(%a: tensor<2x4xi8>, %b: tensor<4x3xi8>, %z: tensor<i8>) -> tensor<2x3xi32> {
  // expected-error @below {{'npu_tensor.matmul_integer' decomposition expects a constant lhs zero point}}
  %0 = "npu_tensor.matmul_integer"(%a, %b, %z, %z) : (tensor<2x4xi8>, tensor<4x3xi8>, tensor<i8>, tensor<i8>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}
