// RUN: npu-opt %s --split-input-file --npu-decompose | FileCheck %s

// f64 matmul (no f64 matrix unit, level 4 has exact f64 mul / add): products a[M, 1, K] * b^T[1, N, K], then
// the K extent halved by adding its two halves until one is left.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.matmul
// CHECK: %[[A:.*]] = "npu_tensor.reshape"(%arg0) : (tensor<3x4xf64>) -> tensor<3x1x4xf64>
// CHECK: %[[T:.*]] = "npu_tensor.transpose"(%arg1) {perm = array<i64: 1, 0>}
// CHECK: %[[B:.*]] = "npu_tensor.reshape"(%[[T]]) : (tensor<2x4xf64>) -> tensor<1x2x4xf64>
// CHECK: %[[P:.*]] = "npu_tensor.mul"(%[[A]], %[[B]]) : (tensor<3x1x4xf64>, tensor<1x2x4xf64>) -> tensor<3x2x4xf64>
// CHECK: %[[L:.*]] = "npu_tensor.slice"(%[[P]]) {{.*}}ends = array<i64: 2>, starts = array<i64: 0>
// CHECK: %[[H:.*]] = "npu_tensor.slice"(%[[P]]) {{.*}}ends = array<i64: 4>, starts = array<i64: 2>
// CHECK: "npu_tensor.add"(%[[L]], %[[H]]) : (tensor<3x2x2xf64>, tensor<3x2x2xf64>) -> tensor<3x2x2xf64>
// CHECK: "npu_tensor.add"({{.*}}) : (tensor<3x2x1xf64>, tensor<3x2x1xf64>) -> tensor<3x2x1xf64>
// CHECK: %[[Y:.*]] = "npu_tensor.reshape"({{.*}}) : (tensor<3x2x1xf64>) -> tensor<3x2xf64>
// CHECK: return %[[Y]]
func.func @main(%a: tensor<3x4xf64>, %b: tensor<4x2xf64>) -> tensor<3x2xf64> {
  %y = "npu_tensor.matmul"(%a, %b) : (tensor<3x4xf64>, tensor<4x2xf64>) -> tensor<3x2xf64>
  return %y : tensor<3x2xf64>
}

// -----

// f64 reduce_max over 5: pairwise max of the halves, the odd last element carried by a concat.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.reduce_max
// CHECK: "npu_tensor.max"({{.*}}) : (tensor<3x2xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
// CHECK: "npu_tensor.concat"({{.*}}) {axis = 1 : i64} : (tensor<3x2xf64>, tensor<3x1xf64>) -> tensor<3x3xf64>
// CHECK: "npu_tensor.max"({{.*}}) : (tensor<3x1xf64>, tensor<3x1xf64>) -> tensor<3x1xf64>
// CHECK: %[[Y:.*]] = "npu_tensor.max"({{.*}}) : (tensor<3x1xf64>, tensor<3x1xf64>) -> tensor<3x1xf64>
// CHECK: return %[[Y]]
func.func @main(%x: tensor<3x5xf64>) -> tensor<3x1xf64> {
  %y = "npu_tensor.reduce_max"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<3x5xf64>) -> tensor<3x1xf64>
  return %y : tensor<3x1xf64>
}

// -----

// f32 instances keep their spatial families (the rule returns None).
// CHECK-LABEL: func.func @main
// CHECK: "npu_tensor.matmul"(%arg0, %arg1)
func.func @main(%a: tensor<3x4xf32>, %b: tensor<4x2xf32>) -> tensor<3x2xf32> {
  %y = "npu_tensor.matmul"(%a, %b) : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// max_pool of ui8 data (npu.decompose.conv): its i16 copy pooled (one result: the unused indices are not
// built), the maxima cast back.
// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = "npu_tensor.cast"(%arg0) {{.*}} : (tensor<1x2x5x5xui8>) -> tensor<1x2x5x5xi16>
// CHECK: %[[P:.*]] = "npu_tensor.max_pool"(%[[W]]) {{.*}}resultSegmentSizes = array<i32: 1, 0>{{.*}} : (tensor<1x2x5x5xi16>) -> tensor<1x2x3x3xi16>
// CHECK: %[[Y:.*]] = "npu_tensor.cast"(%[[P]]) {{.*}} : (tensor<1x2x3x3xi16>) -> tensor<1x2x3x3xui8>
// CHECK: return %[[Y]]
func.func @main(%x: tensor<1x2x5x5xui8>) -> tensor<1x2x3x3xui8> {
  %y, %i = "npu_tensor.max_pool"(%x) {auto_pad = "NOTSET", ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 1, 1>} : (tensor<1x2x5x5xui8>) -> (tensor<1x2x3x3xui8>, tensor<1x2x3x3xi64>)
  return %y : tensor<1x2x3x3xui8>
}

// -----

// max_pool with its indices used: over the window offsets, greater (strict: the first maximum wins) selects
// the slice and its constant flat indices; the input padded with -inf so the padding never wins.
// CHECK-LABEL: func.func @main
// CHECK-NOT: npu_tensor.max_pool
// CHECK: %[[P:.*]] = "npu_tensor.concat"
// CHECK: "npu_tensor.slice"({{.*}}) {{.*}}steps = array<i64: 2, 2>
// CHECK: arith.constant dense<{{.*}}> : tensor<1x1x3x3xi64>
// CHECK: %[[G:.*]] = "npu_tensor.greater"(%{{.*}}, %{{.*}}) : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xi1>
// CHECK: "npu_tensor.where"(%[[G]], %{{.*}}, %{{.*}}) : (tensor<1x1x3x3xi1>, tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
// CHECK: "npu_tensor.where"(%[[G]], %{{.*}}, %{{.*}}) : (tensor<1x1x3x3xi1>, tensor<1x1x3x3xi64>, tensor<1x1x3x3xi64>) -> tensor<1x1x3x3xi64>
func.func @main(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xi64>) {
  %y, %i = "npu_tensor.max_pool"(%x) {auto_pad = "NOTSET", ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xi64>)
  return %y, %i : tensor<1x1x3x3xf32>, tensor<1x1x3x3xi64>
}
