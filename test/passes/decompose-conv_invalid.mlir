// RUN: npu-opt %s --split-input-file --verify-diagnostics --npu-decompose

// The indices of a 3-D max_pool are not rebuilt by the separable decomposition: refused at the op.
func.func @main(%x: tensor<1x2x4x4x4xf32>) -> (tensor<1x2x2x2x2xf32>, tensor<1x2x2x2x2xi64>) {
  // expected-error @below {{max_pool: the indices result of a 3-D max_pool has no decomposition}}
  %0, %1 = "npu_tensor.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1, 1>, kernel_shape = array<i64: 2, 2, 2>, pads = array<i64: 0, 0, 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2, 2>} : (tensor<1x2x4x4x4xf32>) -> (tensor<1x2x2x2x2xf32>, tensor<1x2x2x2x2xi64>)
  return %0, %1 : tensor<1x2x2x2x2xf32>, tensor<1x2x2x2x2xi64>
}

// -----

// Lp pooling of integer data is refused (|x|^p and the root are float ops).
func.func @main(%x: tensor<1x2x5xi32>) -> tensor<1x2x1xi32> {
  // expected-error @below {{global_lp_pool: float data only, got i32}}
  %0 = "npu_tensor.global_lp_pool"(%x) {p = 2 : i64} : (tensor<1x2x5xi32>) -> tensor<1x2x1xi32>
  return %0 : tensor<1x2x1xi32>
}
