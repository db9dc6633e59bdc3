// RUN: npu-opt %s --split-input-file --npu-fold-reshape | FileCheck %s

// reshape(reshape(x)) = reshape(x)
// CHECK-LABEL: func.func @merge_reshapes
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>)
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.reshape"(%[[X]]) : (tensor<2x8xf32>) -> tensor<4x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @merge_reshapes(%a: tensor<2x8xf32>) -> tensor<4x4xf32> {
  %0 = "npu_tensor.reshape"(%a) : (tensor<2x8xf32>) -> tensor<16xf32>
  %1 = "npu_tensor.reshape"(%0) : (tensor<16xf32>) -> tensor<4x4xf32>
  return %1 : tensor<4x4xf32>
}

// -----

// reshape(x) : T -> T = x
// CHECK-LABEL: func.func @identity_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>)
// CHECK-NEXT: return %[[X]]
func.func @identity_reshape(%a: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = "npu_tensor.reshape"(%a) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// A reshape whose input has another user keeps that input alive.
// CHECK-LABEL: func.func @shared_inner
// CHECK: %[[A:.*]] = "npu_tensor.reshape"(%{{.*}}) : (tensor<2x8xf32>) -> tensor<16xf32>
// CHECK: %[[B:.*]] = "npu_tensor.reshape"(%{{.*}}) : (tensor<2x8xf32>) -> tensor<4x4xf32>
// CHECK: return %[[A]], %[[B]]
func.func @shared_inner(%a: tensor<2x8xf32>) -> (tensor<16xf32>, tensor<4x4xf32>) {
  %0 = "npu_tensor.reshape"(%a) : (tensor<2x8xf32>) -> tensor<16xf32>
  %1 = "npu_tensor.reshape"(%0) : (tensor<16xf32>) -> tensor<4x4xf32>
  return %0, %1 : tensor<16xf32>, tensor<4x4xf32>
}

// -----

// transpose(transpose(x, p), q) = transpose(x, [p[i] for i in q])
// CHECK-LABEL: func.func @compose_transposes
// CHECK-NEXT: %[[T:.*]] = "npu_tensor.transpose"(%{{.*}}) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[T]]
func.func @compose_transposes(%a: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = "npu_tensor.transpose"(%a) {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = "npu_tensor.transpose"(%0) {perm = array<i64: 1, 2, 0>} : (tensor<3x4x2xf32>) -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// -----

// transpose(x, identity) = x
// CHECK-LABEL: func.func @identity_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @identity_transpose(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.transpose"(%a) {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
