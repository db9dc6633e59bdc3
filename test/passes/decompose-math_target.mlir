// RUN: npu-opt %s --target=edge-lpddr --npu-decompose | FileCheck %s

// With a target, only ops the spatial lowering cannot take as they are get rewritten: pow with
// exponent 3 (the eltwise recipe has x * x and sqrt only), the tanh gelu, gemm with alpha, integer
// reduce_sum, instance normalization; pow 2, exact gelu, softplus (a unary kind of its own), float
// reduce_sum and gemm with alpha = beta = 1 stay.
// CHECK-LABEL: func.func @main
// CHECK: %[[P2:.*]] = "npu_tensor.pow"(%arg0, %{{.*}}) : (tensor<2x8xf32>, tensor<1xf32>) -> tensor<2x8xf32>
// CHECK: %[[SQ:.*]] = "npu_tensor.mul"(%arg0, %arg0)
// CHECK: %[[P3:.*]] = "npu_tensor.mul"(%arg0, %[[SQ]])
// CHECK: "npu_tensor.gelu"(%arg0) {approximate = "none"}
// CHECK: "npu_tensor.sigmoid"
// CHECK: "npu_tensor.softplus"(%arg0)
// CHECK: "npu_tensor.reduce_sum"(%arg0) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
// CHECK: "npu_tensor.slice"(%arg1)
// CHECK: "npu_tensor.add"({{.*}}) : (tensor<2x4xi32>, tensor<2x4xi32>) -> tensor<2x4xi32>
// CHECK: "npu_tensor.layer_normalization"
// CHECK: "npu_tensor.gemm"(%arg3, %arg4, %arg5) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 0 : i64}
// CHECK: "npu_tensor.gemm"(%arg3, %arg4) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, operandSegmentSizes = array<i32: 1, 1, 0>
// CHECK-NOT: "npu_tensor.instance_normalization"
// CHECK-NOT: "npu_tensor.gelu"(%arg0) {approximate = "tanh"}
func.func @main(%x: tensor<2x8xf32>, %i: tensor<2x8xi32>, %n: tensor<1x2x3x3xf32>, %a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<4xf32>)
    -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xi32>, tensor<1x2x3x3xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %two = arith.constant dense<2.000000e+00> : tensor<1xf32>
  %three = arith.constant dense<3.000000e+00> : tensor<1xf32>
  %0 = "npu_tensor.pow"(%x, %two) : (tensor<2x8xf32>, tensor<1xf32>) -> tensor<2x8xf32>
  %1 = "npu_tensor.pow"(%x, %three) : (tensor<2x8xf32>, tensor<1xf32>) -> tensor<2x8xf32>
  %2 = "npu_tensor.gelu"(%x) {approximate = "none"} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %3 = "npu_tensor.gelu"(%x) {approximate = "tanh"} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = "npu_tensor.softplus"(%x) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %5 = "npu_tensor.reduce_sum"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %6 = "npu_tensor.reduce_sum"(%i) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xi32>) -> tensor<2x1xi32>
  %s = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %7 = "npu_tensor.instance_normalization"(%n, %s, %s) {epsilon = 9.99999974E-6 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %8 = "npu_tensor.gemm"(%a, %b, %c) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %9 = "npu_tensor.gemm"(%a, %b, %c) {alpha = 5.000000e-01 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xi32>, tensor<1x2x3x3xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}
