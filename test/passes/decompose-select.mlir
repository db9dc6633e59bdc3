// RUN: npu-opt %s --split-input-file --npu-decompose | FileCheck %s

// arg_max with select_last_index: the row maximum, hits (x == max, or NaN), and the largest hit position.
// CHECK-LABEL: func.func @arg_max_last
// CHECK-SAME: (%[[X:.*]]: tensor<2x5xf32>)
// CHECK-NOT: npu_tensor.arg_max
// CHECK: %[[M:.*]] = "npu_tensor.reduce_max"(%[[X]]) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x1xf32>
// CHECK: %[[EQ:.*]] = "npu_tensor.equal"(%[[X]], %[[M]])
// CHECK: %[[NAN:.*]] = "npu_tensor.is_nan"(%[[X]])
// CHECK: %[[HIT:.*]] = "npu_tensor.or"(%[[EQ]], %[[NAN]])
// CHECK-DAG: %[[IOTA:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]]> : tensor<1x5xf32>
// CHECK-DAG: %[[NONE:.*]] = arith.constant dense<-1.000000e+00> : tensor<1x1xf32>
// CHECK: %[[POS:.*]] = "npu_tensor.where"(%[[HIT]], %[[IOTA]], %[[NONE]])
// CHECK: %[[LAST:.*]] = "npu_tensor.reduce_max"(%[[POS]])
// CHECK: %[[I:.*]] = "npu_tensor.cast"(%[[LAST]]) {{.*}} : (tensor<2x1xf32>) -> tensor<2x1xi64>
// CHECK: %[[R:.*]] = "npu_tensor.reshape"(%[[I]]) : (tensor<2x1xi64>) -> tensor<2xi64>
// CHECK: return %[[R]]
func.func @arg_max_last(%x: tensor<2x5xf32>) -> tensor<2xi64> {
  %0 = "npu_tensor.arg_max"(%x) {axis = 1 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<2x5xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// scatter_nd with constant indices is data movement: rows [d0, u1, d2, u0] taken from concat(data, updates).
// CHECK-LABEL: func.func @scatter_nd_constant
// CHECK-SAME: (%[[D:.*]]: tensor<4x3xf32>, %[[U:.*]]: tensor<2x3xf32>)
// CHECK: %[[C:.*]] = "npu_tensor.concat"(%[[D]], %[[U]]) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<6x3xf32>
// CHECK: %[[A:.*]] = "npu_tensor.slice"(%[[C]]) {axes = array<i64: 0>, ends = array<i64: 6>, starts = array<i64: 0>, steps = array<i64: 5>}
// CHECK: %[[B:.*]] = "npu_tensor.slice"(%[[C]]) {axes = array<i64: 0>, ends = array<i64: 5>, starts = array<i64: 2>, steps = array<i64: 2>}
// CHECK: %[[R:.*]] = "npu_tensor.concat"(%[[A]], %[[B]]) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
// CHECK: return %[[R]]
// CHECK-NOT: npu_tensor.scatter_nd
func.func @scatter_nd_constant(%d: tensor<4x3xf32>, %u: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %i = arith.constant dense<[[3], [1]]> : tensor<2x1xi64>
  %0 = "npu_tensor.scatter_nd"(%d, %i, %u) {reduction = "none"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// scatter_elements add with run-time indices: negatives wrapped, a one-hot compare in i64, the updates
// (fill -0.0, the identity of +) summed over the updates axis and added to the data.
// CHECK-LABEL: func.func @scatter_elements_add
// CHECK-SAME: (%[[D:.*]]: tensor<2x5xf32>, %[[I:.*]]: tensor<2x3xi64>, %[[U:.*]]: tensor<2x3xf32>)
// CHECK: "npu_tensor.less"(%[[I]], %{{.*}}) : (tensor<2x3xi64>, tensor<1x1xi64>) -> tensor<2x3xi1>
// CHECK: %[[W:.*]] = "npu_tensor.where"
// CHECK: %[[W3:.*]] = "npu_tensor.reshape"(%[[W]]) : (tensor<2x3xi64>) -> tensor<2x3x1xi64>
// CHECK: %[[HOT:.*]] = "npu_tensor.equal"(%[[W3]], %{{.*}}) : (tensor<2x3x1xi64>, tensor<1x1x5xi64>) -> tensor<2x3x5xi1>
// CHECK: %[[NZ:.*]] = arith.constant dense<-0.000000e+00> : tensor<1x1x1x1xf32>
// CHECK: %[[SEL:.*]] = "npu_tensor.where"(%{{.*}}, %{{.*}}, %[[NZ]]) : (tensor<2x3x5x1xi1>, tensor<2x3x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<2x3x5x1xf32>
// CHECK: %[[S:.*]] = "npu_tensor.reduce_sum"(%[[SEL]]) {axes = array<i64: 1>, keepdims = 1 : i64}
// CHECK: "npu_tensor.add"(%{{.*}}, %{{.*}}) : (tensor<2x5x1xf32>, tensor<2x5x1xf32>) -> tensor<2x5x1xf32>
// CHECK-NOT: npu_tensor.scatter_elements
func.func @scatter_elements_add(%d: tensor<2x5xf32>, %i: tensor<2x3xi64>, %u: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %0 = "npu_tensor.scatter_elements"(%d, %i, %u) {axis = 1 : i64, reduction = "add"} : (tensor<2x5xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// top_k of integers: a comparison-count ranking; integer values summed pairwise (one non-zero term).
// CHECK-LABEL: func.func @top_k_i64
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xi64>)
// CHECK-DAG: %[[XI:.*]] = "npu_tensor.reshape"(%[[X]]) : (tensor<3x4xi64>) -> tensor<3x4x1xi64>
// CHECK-DAG: %[[XJ:.*]] = "npu_tensor.reshape"(%[[X]]) : (tensor<3x4xi64>) -> tensor<3x1x4xi64>
// CHECK: %[[GT:.*]] = "npu_tensor.greater"(%[[XJ]], %[[XI]]) : (tensor<3x1x4xi64>, tensor<3x4x1xi64>) -> tensor<3x4x4xi1>
// CHECK: %[[EQ:.*]] = "npu_tensor.equal"(%[[XJ]], %[[XI]])
// CHECK: %[[LOW:.*]] = "npu_tensor.less"
// CHECK: %[[TIE:.*]] = "npu_tensor.and"(%[[EQ]], %[[LOW]])
// CHECK: %[[BEFORE:.*]] = "npu_tensor.or"(%[[GT]], %[[TIE]])
// CHECK: %[[F:.*]] = "npu_tensor.cast"(%[[BEFORE]]) {{.*}} : (tensor<3x4x4xi1>) -> tensor<3x4x4xf32>
// CHECK: %[[RANK:.*]] = "npu_tensor.reduce_sum"(%[[F]]) {axes = array<i64: 2>, keepdims = 1 : i64}
// CHECK: "npu_tensor.equal"(%[[RANK]], %{{.*}}) : (tensor<3x4x1xf32>, tensor<1x1x2xf32>) -> tensor<3x4x2xi1>
// CHECK: "npu_tensor.add"({{.*}}) : (tensor<3x2x2xi64>, tensor<3x2x2xi64>) -> tensor<3x2x2xi64>
// CHECK-NOT: npu_tensor.top_k
func.func @top_k_i64(%x: tensor<3x4xi64>) -> (tensor<3x2xi64>, tensor<3x2xi64>) {
  %0:2 = "npu_tensor.top_k"(%x) {axis = 1 : i64, k = 2 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x4xi64>) -> (tensor<3x2xi64>, tensor<3x2xi64>)
  return %0#0, %0#1 : tensor<3x2xi64>, tensor<3x2xi64>
}

// -----

// col2im: each block column placed by a take with zero fill, summed in f64 from +0.0, rounded once.
// CHECK-LABEL: func.func @col2im
// CHECK: %[[W:.*]] = "npu_tensor.cast"(%{{.*}}) {{.*}} : (tensor<1x2x2xf32>) -> tensor<1x2x2xf64>
// CHECK: %[[P0:.*]] = "npu_tensor.concat"(%{{.*}}, %{{.*}}) {axis = 3 : i64} : (tensor<1x1x1x2xf64>, tensor<1x1x1x1xf64>) -> tensor<1x1x1x3xf64>
// CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<1x1x1x1xf64>
// CHECK: %[[A0:.*]] = "npu_tensor.add"(%[[Z]], %[[P0]])
// CHECK: %[[P1:.*]] = "npu_tensor.concat"(%{{.*}}, %{{.*}}) {axis = 3 : i64} : (tensor<1x1x1x1xf64>, tensor<1x1x1x2xf64>) -> tensor<1x1x1x3xf64>
// CHECK: %[[A1:.*]] = "npu_tensor.add"(%[[A0]], %[[P1]])
// CHECK: "npu_tensor.cast"(%[[A1]]) {{.*}} : (tensor<1x1x1x3xf64>) -> tensor<1x1x1x3xf32>
// CHECK-NOT: npu_tensor.col2im
func.func @col2im(%x: tensor<1x2x2xf32>) -> tensor<1x1x1x3xf32> {
  %0 = "npu_tensor.col2im"(%x) {block_shape = array<i64: 1, 2>, dilations = array<i64: 1, 1>, image_shape = array<i64: 1, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x2xf32>) -> tensor<1x1x1x3xf32>
  return %0 : tensor<1x1x1x3xf32>
}

// -----

// deform_conv: tent weights relu(1 - |coordinate - row|) per axis, their outer product as the sampling
// matrix, two matmuls (sampling, then the convolution).
// CHECK-LABEL: func.func @deform_conv
// CHECK: "npu_tensor.abs"
// CHECK: %[[TH:.*]] = "npu_tensor.relu"({{.*}}) : (tensor<1x1x16x3xf32>) -> tensor<1x1x16x3xf32>
// CHECK: %[[TW:.*]] = "npu_tensor.relu"({{.*}}) : (tensor<1x1x16x3xf32>) -> tensor<1x1x16x3xf32>
// CHECK: "npu_tensor.mul"({{.*}}) : (tensor<1x1x16x3x1xf32>, tensor<1x1x16x1x3xf32>) -> tensor<1x1x16x3x3xf32>
// CHECK: "npu_tensor.matmul"({{.*}}) : (tensor<1x1x16x9xf32>, tensor<1x1x9x1xf32>) -> tensor<1x1x16x1xf32>
// CHECK: "npu_tensor.matmul"({{.*}}) : (tensor<1x1x1x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x1x1x4xf32>
// CHECK-NOT: npu_tensor.deform_conv
func.func @deform_conv(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x2x2xf32>, %off: tensor<1x8x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %0 = "npu_tensor.deform_conv"(%x, %w, %off) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, offset_group = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1x8x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}
