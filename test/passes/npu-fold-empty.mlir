// RUN: npu-opt %s --split-input-file --npu-fold-empty | FileCheck %s
// RUN: npu-opt %s --split-input-file --npu-fold-empty | FileCheck %s --check-prefix=DEAD

// Constants the pass made for ops it folded away are erased (the empty slice pieces).
// DEAD-NOT: tensor<0x4xf32>
// DEAD-NOT: tensor<3x0xf32>

// Ops on empty tensors. A reduction over an empty axis is its identity (sum: 0, max: -inf) and
// what follows it is folded too (log(0) = -inf); an op with an empty result is an empty constant;
// a concat with an empty piece is its other piece.
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[SUM:.*]] = arith.constant dense<0.000000e+00> : tensor<2x1x4xf32>
// CHECK-DAG: %[[MAX:.*]] = arith.constant dense<0xFF800000> : tensor<2x4xf32>
// CHECK-DAG: %[[LOG:.*]] = arith.constant dense<0xFF800000> : tensor<2x1x4xf32>
// CHECK-DAG: %[[CAT:.*]] = "npu_tensor.concat"(%arg1, %arg1) {axis = 0 : i64} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<6x4xf32>
// CHECK-DAG: %[[EMPTY:.*]] = arith.constant dense<> : tensor<2x0x4xf32>
// CHECK-NOT: npu_tensor.reduce
// CHECK-NOT: npu_tensor.log
// CHECK-NOT: npu_tensor.relu
// CHECK: return %[[SUM]], %[[MAX]], %[[LOG]], %[[EMPTY]], %[[CAT]]
func.func @main(%x: tensor<2x0x4xf32> {npu.name = "x"}, %y: tensor<3x4xf32> {npu.name = "y"})
    -> (tensor<2x1x4xf32>, tensor<2x4xf32>, tensor<2x1x4xf32>, tensor<2x0x4xf32>, tensor<6x4xf32>) {
  %0 = "npu_tensor.reduce_sum"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x0x4xf32>) -> tensor<2x1x4xf32>
  %1 = "npu_tensor.reduce_max"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x0x4xf32>) -> tensor<2x4xf32>
  %2 = "npu_tensor.log"(%0) : (tensor<2x1x4xf32>) -> tensor<2x1x4xf32>
  %3 = "npu_tensor.relu"(%x) : (tensor<2x0x4xf32>) -> tensor<2x0x4xf32>
  %e = "npu_tensor.slice"(%y) {starts = array<i64: 3>, ends = array<i64: 3>, axes = array<i64: 0>, steps = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<0x4xf32>
  %c = "npu_tensor.concat"(%y, %e) {axis = 0 : i64} : (tensor<3x4xf32>, tensor<0x4xf32>) -> tensor<3x4xf32>
  %4 = "npu_tensor.concat"(%c, %y) {axis = 0 : i64} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<6x4xf32>
  return %0, %1, %2, %3, %4 : tensor<2x1x4xf32>, tensor<2x4xf32>, tensor<2x1x4xf32>, tensor<2x0x4xf32>, tensor<6x4xf32>
}

// -----

// The empty piece first; and the empty slice itself is gone (nothing reads it).
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.concat
// CHECK-NOT: npu_tensor.slice
// CHECK: return %arg0
func.func @main(%y: tensor<3x4xf32> {npu.name = "y"}) -> tensor<3x4xf32> {
  %e = "npu_tensor.slice"(%y) {starts = array<i64: 0>, ends = array<i64: 0>, axes = array<i64: 1>, steps = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3x0xf32>
  %0 = "npu_tensor.concat"(%e, %y) {axis = 1 : i64} : (tensor<3x0xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
