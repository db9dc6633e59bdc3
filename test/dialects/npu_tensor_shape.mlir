// RUN: npu-opt %s | npu-opt | FileCheck %s
// Round trip of every npu_tensor op of the shape family (the examples of dialects/npu_tensor.irdl.mlir).

// CHECK-LABEL: func.func @squeeze
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.squeeze"(%{{.*}}) {axes = array<i64: 0, 2>} : (tensor<1x3x1xf32>) -> tensor<3xf32>
// CHECK-NEXT: return %[[R]]
func.func @squeeze(%x: tensor<1x3x1xf32>) -> tensor<3xf32> {
  %0 = "npu_tensor.squeeze"(%x) {axes = array<i64: 0, 2>} : (tensor<1x3x1xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @unsqueeze
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.unsqueeze"(%{{.*}}) {axes = array<i64: 0, 2>} : (tensor<3xf32>) -> tensor<1x3x1xf32>
// CHECK-NEXT: return %[[R]]
func.func @unsqueeze(%x: tensor<3xf32>) -> tensor<1x3x1xf32> {
  %0 = "npu_tensor.unsqueeze"(%x) {axes = array<i64: 0, 2>} : (tensor<3xf32>) -> tensor<1x3x1xf32>
  return %0 : tensor<1x3x1xf32>
}

// CHECK-LABEL: func.func @concat
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.concat"(%{{.*}}, %{{.*}}) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
// CHECK-NEXT: return %[[R]]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = "npu_tensor.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// CHECK-LABEL: func.func @slice
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.slice"(%{{.*}}) {axes = array<i64: 1>, ends = array<i64: 7>, starts = array<i64: 1>, steps = array<i64: 2>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @slice(%x: tensor<2x8xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.slice"(%x) {axes = array<i64: 1>, ends = array<i64: 7>, starts = array<i64: 1>, steps = array<i64: 2>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @gather
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.gather"(%{{.*}}, %{{.*}}) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @gather(%x: tensor<10x4xf32>, %i: tensor<2x3xi64>) -> tensor<2x3x4xf32> {
  %0 = "npu_tensor.gather"(%x, %i) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @gather_elements
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.gather_elements"(%{{.*}}, %{{.*}}) {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @gather_elements(%x: tensor<2x4xf32>, %i: tensor<2x3xi64>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.gather_elements"(%x, %i) {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @gather_nd
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.gather_nd"(%{{.*}}, %{{.*}}) {batch_dims = 0 : i64} : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2xf32>
// CHECK-NEXT: return %[[R]]
func.func @gather_nd(%x: tensor<2x2xf32>, %i: tensor<2x2xi64>) -> tensor<2xf32> {
  %0 = "npu_tensor.gather_nd"(%x, %i) {batch_dims = 0 : i64} : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @expand
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.expand"(%{{.*}}) {shape = array<i64: 2, 1, 3>} : (tensor<3xf32>) -> tensor<2x1x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @expand(%x: tensor<3xf32>) -> tensor<2x1x3xf32> {
  %0 = "npu_tensor.expand"(%x) {shape = array<i64: 2, 1, 3>} : (tensor<3xf32>) -> tensor<2x1x3xf32>
  return %0 : tensor<2x1x3xf32>
}

// CHECK-LABEL: func.func @tile
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.tile"(%{{.*}}) {repeats = array<i64: 2, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @tile(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %0 = "npu_tensor.tile"(%x) {repeats = array<i64: 2, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @pad
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.pad"(%{{.*}}) {mode = "constant", pads = array<i64: 0, 1, 0, 1>, value = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x5xf32>
// CHECK-NEXT: return %[[R]]
func.func @pad(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %0 = "npu_tensor.pad"(%x) {mode = "constant", pads = array<i64: 0, 1, 0, 1>, value = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// CHECK-LABEL: func.func @depth_to_space
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.depth_to_space"(%{{.*}}) {blocksize = 2 : i64, mode = "DCR"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @depth_to_space(%x: tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %0 = "npu_tensor.depth_to_space"(%x) {blocksize = 2 : i64, mode = "DCR"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}

// CHECK-LABEL: func.func @space_to_depth
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.space_to_depth"(%{{.*}}) {blocksize = 2 : i64} : (tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @space_to_depth(%x: tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32> {
  %0 = "npu_tensor.space_to_depth"(%x) {blocksize = 2 : i64} : (tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32>
  return %0 : tensor<1x8x2x3xf32>
}

// CHECK-LABEL: func.func @trilu
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.trilu"(%{{.*}}) {k = 0 : i64, upper = 1 : i64} : (tensor<3x3xf32>) -> tensor<3x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @trilu(%x: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %0 = "npu_tensor.trilu"(%x) {k = 0 : i64, upper = 1 : i64} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// CHECK-LABEL: func.func @resize
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.resize"(%{{.*}}) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", roi = array<f64>, scales = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @resize(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %0 = "npu_tensor.resize"(%x) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", roi = array<f64>, scales = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// CHECK-LABEL: func.func @scatter_elements
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.scatter_elements"(%{{.*}}, %{{.*}}, %{{.*}}) {axis = 1 : i64, reduction = "none"} : (tensor<2x4xf32>, tensor<2x2xi64>, tensor<2x2xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @scatter_elements(%d: tensor<2x4xf32>, %i: tensor<2x2xi64>, %u: tensor<2x2xf32>) -> tensor<2x4xf32> {
  %0 = "npu_tensor.scatter_elements"(%d, %i, %u) {axis = 1 : i64, reduction = "none"} : (tensor<2x4xf32>, tensor<2x2xi64>, tensor<2x2xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @scatter_nd
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.scatter_nd"(%{{.*}}, %{{.*}}, %{{.*}}) {reduction = "add"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @scatter_nd(%d: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %0 = "npu_tensor.scatter_nd"(%d, %i, %u) {reduction = "add"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @cum_sum
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.cum_sum"(%{{.*}}) {axis = 1 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @cum_sum(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.cum_sum"(%x) {axis = 1 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @cum_prod
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.cum_prod"(%{{.*}}) {axis = 1 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @cum_prod(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "npu_tensor.cum_prod"(%x) {axis = 1 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @one_hot
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.one_hot"(%{{.*}}) {axis = 1 : i64, off_value = 0.000000e+00 : f32, on_value = 1.000000e+00 : f32} : (tensor<3xi64>) -> tensor<3x5xf32>
// CHECK-NEXT: return %[[R]]
func.func @one_hot(%i: tensor<3xi64>) -> tensor<3x5xf32> {
  %0 = "npu_tensor.one_hot"(%i) {axis = 1 : i64, off_value = 0.000000e+00 : f32, on_value = 1.000000e+00 : f32} : (tensor<3xi64>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// CHECK-LABEL: func.func @reverse_sequence
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.reverse_sequence"(%{{.*}}, %{{.*}}) {batch_axis = 1 : i64, time_axis = 0 : i64} : (tensor<4x2x3xf32>, tensor<2xi64>) -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @reverse_sequence(%x: tensor<4x2x3xf32>, %l: tensor<2xi64>) -> tensor<4x2x3xf32> {
  %0 = "npu_tensor.reverse_sequence"(%x, %l) {batch_axis = 1 : i64, time_axis = 0 : i64} : (tensor<4x2x3xf32>, tensor<2xi64>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}
