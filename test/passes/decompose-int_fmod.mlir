// RUN: npu-opt %s --split-input-file --npu-decompose | FileCheck %s

// i64 mod with fmod = 1: the floored mod of a divisor made non-zero, moved by the divisor where the remainder
// is non-zero and the signs differ, 0 where the divisor is 0.
// CHECK-LABEL: func.func @main
// CHECK: %[[Z:.*]] = "npu_tensor.equal"(%arg1, %{{.*}}) : (tensor<4xi64>, tensor<1xi64>) -> tensor<4xi1>
// CHECK: %[[D:.*]] = "npu_tensor.where"(%[[Z]], %{{.*}}, %arg1)
// CHECK: %[[M:.*]] = "npu_tensor.mod"(%arg0, %[[D]]) {fmod = 0 : i64}
// CHECK: %[[SX:.*]] = "npu_tensor.less"(%arg0, %{{.*}})
// CHECK: %[[SD:.*]] = "npu_tensor.less"(%[[D]], %{{.*}})
// CHECK: %[[S:.*]] = "npu_tensor.xor"(%[[SX]], %[[SD]])
// CHECK: %[[E:.*]] = "npu_tensor.equal"(%[[M]], %{{.*}})
// CHECK: %[[F:.*]] = "npu_tensor.sub"(%[[M]], %[[D]])
// CHECK: %[[A:.*]] = "npu_tensor.where"(%[[S]], %[[F]], %[[M]])
// CHECK: %[[R:.*]] = "npu_tensor.where"(%[[E]], %[[M]], %[[A]])
// CHECK: %[[Y:.*]] = "npu_tensor.where"(%[[Z]], %{{.*}}, %[[R]])
// CHECK: return %[[Y]]
func.func @main(%x: tensor<4xi64>, %y: tensor<4xi64>) -> tensor<4xi64> {
  %z = "npu_tensor.mod"(%x, %y) {fmod = 1 : i64} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %z : tensor<4xi64>
}

// -----

// fmod = 0 and float data are the eltwise family's own.
// CHECK-LABEL: func.func @main
// CHECK: "npu_tensor.mod"(%arg0, %arg1) {fmod = 0 : i64}
// CHECK: "npu_tensor.mod"(%arg2, %arg3) {fmod = 1 : i64}
func.func @main(%x: tensor<4xi32>, %y: tensor<4xi32>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xf32>) {
  %z = "npu_tensor.mod"(%x, %y) {fmod = 0 : i64} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %w = "npu_tensor.mod"(%a, %b) {fmod = 1 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %z, %w : tensor<4xi32>, tensor<4xf32>
}
