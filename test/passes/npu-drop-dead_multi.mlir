// RUN: npu-opt %s --npu-drop-dead | FileCheck %s

// A multi-result op with one result read stays whole.
// CHECK-LABEL: func.func @main
// CHECK: npu_tensor.top_k
// CHECK: return
func.func @main(%x: tensor<2x10xf32>) -> tensor<2x3xi64> {
  %0:2 = "npu_tensor.top_k"(%x) {axis = 1 : i64, k = 3 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<2x10xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  return %0#1 : tensor<2x3xi64>
}
