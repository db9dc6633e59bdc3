// RUN: npu-opt %s --split-input-file --verify-diagnostics --npu-decompose

// An i32 accumulator holds K * 255 * 255 only up to K = 33025: a longer reduction is refused at the op.
func.func @main(%a: tensor<1x33026xi8>, %b: tensor<33026x1xi8>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<1x1xi8> {
  // expected-error @below {{'npu_tensor.qlinear_matmul' decomposition expects K <= 33025}}
  %0 = "npu_tensor.qlinear_matmul"(%a, %s, %z, %b, %s, %z, %s, %z) : (tensor<1x33026xi8>, tensor<f32>, tensor<i8>, tensor<33026x1xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<1x1xi8>
  return %0 : tensor<1x1xi8>
}

// -----

// A result type other than int8 / uint8 is refused.
func.func @main(%a: tensor<2x4xi8>, %b: tensor<4x3xi8>, %s: tensor<f32>, %z: tensor<i8>, %yz: tensor<i32>) -> tensor<2x3xi32> {
  // expected-error @below {{'npu_tensor.qlinear_matmul' decomposition expects an int8 or uint8 result, got i32}}
  %0 = "npu_tensor.qlinear_matmul"(%a, %s, %z, %b, %s, %z, %s, %yz) : (tensor<2x4xi8>, tensor<f32>, tensor<i8>, tensor<4x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}
