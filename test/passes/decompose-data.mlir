// RUN: npu-opt %s --split-input-file --npu-decompose | FileCheck %s

// Reflect pad: the mirrored columns are single-column slices in reverse order around the input.
// CHECK-LABEL: func.func @pad_reflect
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// CHECK-NOT: npu_tensor.pad
// CHECK-DAG: %[[C2:.*]] = "npu_tensor.slice"(%[[X]]) {axes = array<i64: 1>, ends = array<i64: 3>, starts = array<i64: 2>, steps = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
// CHECK-DAG: %[[C1:.*]] = "npu_tensor.slice"(%[[X]]) {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
// CHECK: %[[A:.*]] = "npu_tensor.concat"(%[[C2]], %[[C1]]) {axis = 1 : i64}
// CHECK: %[[B:.*]] = "npu_tensor.concat"(%[[A]], %[[X]]) {axis = 1 : i64} : (tensor<2x2xf32>, tensor<2x4xf32>) -> tensor<2x6xf32>
// CHECK: return %[[B]]
func.func @pad_reflect(%x: tensor<2x4xf32>) -> tensor<2x6xf32> {
  %0 = "npu_tensor.pad"(%x) {mode = "reflect", pads = array<i64: 0, 2, 0, 0>, value = 0.000000e+00 : f32} : (tensor<2x4xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

// Constant pad of an int8 tensor: constant blocks of the value concatenated around the input.
// CHECK-LABEL: func.func @pad_constant_i8
// CHECK-SAME: (%[[X:.*]]: tensor<3xi8>)
// CHECK-DAG: %[[L:.*]] = arith.constant dense<-5> : tensor<1xi8>
// CHECK-DAG: %[[R:.*]] = arith.constant dense<-5> : tensor<2xi8>
// CHECK: %[[A:.*]] = "npu_tensor.concat"(%[[L]], %[[X]]) {axis = 0 : i64}
// CHECK: "npu_tensor.concat"(%[[A]], %[[R]]) {axis = 0 : i64} : (tensor<4xi8>, tensor<2xi8>) -> tensor<6xi8>
// CHECK-NOT: npu_tensor.pad
func.func @pad_constant_i8(%x: tensor<3xi8>) -> tensor<6xi8> {
  %0 = "npu_tensor.pad"(%x) {mode = "constant", pads = array<i64: 1, 2>, value = -5 : i64} : (tensor<3xi8>) -> tensor<6xi8>
  return %0 : tensor<6xi8>
}

// -----

// Negative pads crop: one slice.
// CHECK-LABEL: func.func @pad_crop
// CHECK: "npu_tensor.slice"(%{{.*}}) {axes = array<i64: 0>, ends = array<i64: 4>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<5x2xf32>) -> tensor<3x2xf32>
// CHECK-NOT: npu_tensor.pad
func.func @pad_crop(%x: tensor<5x2xf32>) -> tensor<3x2xf32> {
  %0 = "npu_tensor.pad"(%x) {mode = "edge", pads = array<i64: -1, 0, -1, 0>, value = 0.000000e+00 : f32} : (tensor<5x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Nearest 2x upsample: per axis a reshape, an expand and a reshape (no arithmetic).
// CHECK-LABEL: func.func @resize_nearest
// CHECK: "npu_tensor.reshape"(%{{.*}}) : (tensor<1x1x2x3xf32>) -> tensor<1x1x2x1x3xf32>
// CHECK: "npu_tensor.expand"(%{{.*}}) {shape = array<i64: 1, 1, 2, 2, 3>}
// CHECK: "npu_tensor.expand"(%{{.*}}) {shape = array<i64: 1, 1, 4, 3, 2>}
// CHECK: -> tensor<1x1x4x6xf32>
// CHECK-NOT: npu_tensor.resize
func.func @resize_nearest(%x: tensor<1x1x2x3xf32>) -> tensor<1x1x4x6xf32> {
  %0 = "npu_tensor.resize"(%x) {antialias = 0 : i64, coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "floor", roi = array<f64>, scales = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x1x2x3xf32>) -> tensor<1x1x4x6xf32>
  return %0 : tensor<1x1x4x6xf32>
}

// -----

// Bilinear, axes in the golden kernel's order: H is a matmul by R broadcast over the batch, W (last) a
// matmul by R^T (half_pixel 2x weights 1, 3/4, 1/4 and their mirror, edges clamped).
// CHECK-LABEL: func.func @resize_linear
// CHECK: %[[R:.*]] = arith.constant dense<{{.*}}> : tensor<4x2xf32>
// CHECK: "npu_tensor.matmul"(%[[R]], %{{.*}}) : (tensor<4x2xf32>, tensor<2x2x3xf32>) -> tensor<2x4x3xf32>
// CHECK: %[[RT:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 7.500000e-01, 2.500000e-01, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 2.500000e-01, 7.500000e-01, 7.500000e-01, 2.500000e-01, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 2.500000e-01, 7.500000e-01, 1.000000e+00]]> : tensor<3x6xf32>
// CHECK: "npu_tensor.matmul"(%{{.*}}, %[[RT]]) : (tensor<8x3xf32>, tensor<3x6xf32>) -> tensor<8x6xf32>
// CHECK-NOT: npu_tensor.resize
func.func @resize_linear(%x: tensor<1x2x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %0 = "npu_tensor.resize"(%x) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "linear", nearest_mode = "round_prefer_floor", roi = array<f64>, scales = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x2x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}

// -----

// Gather by run-time indices: one-hot relu(1 - |idx - iota|) times the table.
// CHECK-LABEL: func.func @gather_runtime
// CHECK: "npu_tensor.cast"(%{{.*}}) {{.*}} : (tensor<3x1xi32>) -> tensor<3x1xf32>
// CHECK: "npu_tensor.sub"(%{{.*}}, %{{.*}}) : (tensor<3x1xf32>, tensor<1x5xf32>) -> tensor<3x5xf32>
// CHECK: "npu_tensor.abs"
// CHECK: "npu_tensor.relu"
// CHECK: "npu_tensor.matmul"(%{{.*}}, %{{.*}}) : (tensor<3x5xf32>, tensor<5x4xf32>) -> tensor<3x4xf32>
// CHECK-NOT: npu_tensor.gather
func.func @gather_runtime(%t: tensor<5x4xf32>, %i: tensor<3xi32>) -> tensor<3x4xf32> {
  %0 = "npu_tensor.gather"(%t, %i) {axis = 0 : i64} : (tensor<5x4xf32>, tensor<3xi32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Gather by constant indices: slices and concats.
// CHECK-LABEL: func.func @gather_const
// CHECK-DAG: "npu_tensor.slice"(%{{.*}}) {axes = array<i64: 1>, ends = array<i64: 4>, starts = array<i64: 3>, steps = array<i64: 1>}
// CHECK-DAG: "npu_tensor.slice"(%{{.*}}) {axes = array<i64: 1>, ends = array<i64: 3>, starts = array<i64: 0>, steps = array<i64: 2>}
// CHECK: "npu_tensor.concat"({{.*}}) {axis = 1 : i64} : (tensor<2x1xi8>, tensor<2x2xi8>) -> tensor<2x3xi8>
// CHECK-NOT: npu_tensor.gather
func.func @gather_const(%t: tensor<2x4xi8>) -> tensor<2x3xi8> {
  %i = arith.constant dense<[-1, 0, 2]> : tensor<3xi64>
  %0 = "npu_tensor.gather"(%t, %i) {axis = 1 : i64} : (tensor<2x4xi8>, tensor<3xi64>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

// cum_sum: a matmul with the constant triangular 0/1 matrix.
// CHECK-LABEL: func.func @cum_sum
// CHECK: %[[T:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 1.000000e+00, 1.000000e+00], [0.000000e+00, 1.000000e+00, 1.000000e+00], [0.000000e+00, 0.000000e+00, 1.000000e+00]]> : tensor<3x3xf32>
// CHECK: "npu_tensor.matmul"(%{{.*}}, %[[T]]) : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
func.func @cum_sum(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.cum_sum"(%x) {axis = 1 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// depth_to_space, tile, trilu: reshape/transpose, expand, mask multiply.
// CHECK-LABEL: func.func @layout
// CHECK: "npu_tensor.transpose"(%{{.*}}) {perm = array<i64: 0, 3, 4, 1, 5, 2>}
// CHECK: "npu_tensor.expand"(%{{.*}}) {shape = array<i64: 1, 2, 2, 4, 6>}
// CHECK: "npu_tensor.mul"
// CHECK-NOT: npu_tensor.depth_to_space
// CHECK-NOT: npu_tensor.tile
// CHECK-NOT: npu_tensor.trilu
func.func @layout(%x: tensor<1x8x2x3xf32>) -> tensor<1x4x4x6xf32> {
  %0 = "npu_tensor.depth_to_space"(%x) {blocksize = 2 : i64, mode = "DCR"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  %1 = "npu_tensor.tile"(%0) {repeats = array<i64: 1, 2, 1, 1>} : (tensor<1x2x4x6xf32>) -> tensor<1x4x4x6xf32>
  %2 = "npu_tensor.trilu"(%1) {k = 0 : i64, upper = 1 : i64} : (tensor<1x4x4x6xf32>) -> tensor<1x4x4x6xf32>
  return %2 : tensor<1x4x4x6xf32>
}

// -----

// einsum: the attention score form is a batched matmul of the operands with d last / first.
// CHECK-LABEL: func.func @einsum_scores
// CHECK: %[[KT:.*]] = "npu_tensor.transpose"(%{{.*}}) {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x5x4xf32>) -> tensor<1x2x4x5xf32>
// CHECK: "npu_tensor.matmul"(%{{.*}}, %[[KT]]) : (tensor<1x2x3x4xf32>, tensor<1x2x4x5xf32>) -> tensor<1x2x3x5xf32>
// CHECK-NOT: npu_tensor.einsum
func.func @einsum_scores(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x5x4xf32>) -> tensor<1x2x3x5xf32> {
  %0 = "npu_tensor.einsum"(%q, %k) {equation = "bhqd,bhkd->bhqk"} : (tensor<1x2x3x4xf32>, tensor<1x2x5x4xf32>) -> tensor<1x2x3x5xf32>
  return %0 : tensor<1x2x3x5xf32>
}

// -----

// gather_elements by run-time indices: one-hot rows times the input, summed over the gathered axis.
// CHECK-LABEL: func.func @gather_elements_runtime
// CHECK: "npu_tensor.relu"{{.*}} -> tensor<6x4xf32>
// CHECK: "npu_tensor.mul"(%{{.*}}, %{{.*}}) : (tensor<3x2x4xf32>, tensor<3x1x4xf32>) -> tensor<3x2x4xf32>
// CHECK: "npu_tensor.reduce_sum"(%{{.*}}) {axes = array<i64: 2>, keepdims = 0 : i64} : (tensor<3x2x4xf32>) -> tensor<3x2xf32>
// CHECK-NOT: npu_tensor.gather_elements
func.func @gather_elements_runtime(%x: tensor<3x4xf32>, %i: tensor<3x2xi32>) -> tensor<3x2xf32> {
  %0 = "npu_tensor.gather_elements"(%x, %i) {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// A slice with a negative step: golden's index vector [5, 3, 1] as single-column positive-step
// slices, concatenated in that order (level-4 DMA strides are non-negative).
// CHECK-LABEL: func.func @neg_step_slice
// CHECK-DAG: %[[C5:.*]] = "npu_tensor.slice"(%arg0) {axes = array<i64: 1>, ends = array<i64: 6>, starts = array<i64: 5>, steps = array<i64: 1>}
// CHECK-DAG: %[[C3:.*]] = "npu_tensor.slice"(%arg0) {axes = array<i64: 1>, ends = array<i64: 4>, starts = array<i64: 3>, steps = array<i64: 1>}
// CHECK-DAG: %[[C1:.*]] = "npu_tensor.slice"(%arg0) {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>}
// CHECK: %[[A:.*]] = "npu_tensor.concat"(%[[C5]], %[[C3]]) {axis = 1 : i64}
// CHECK: "npu_tensor.concat"(%[[A]], %[[C1]]) {axis = 1 : i64}
// CHECK-NOT: steps = array<i64: -2>
// CHECK: return
func.func @neg_step_slice(%x: tensor<3x7xf32>) -> tensor<3x3xf32> {
  %0 = "npu_tensor.slice"(%x) {axes = array<i64: 1>, ends = array<i64: 0>, starts = array<i64: 5>, steps = array<i64: -2>} : (tensor<3x7xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}
