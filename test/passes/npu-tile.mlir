// RUN: npu-opt %s --split-input-file --target=datacenter-hbm --npu-tile | npu-opt --split-input-file --target=datacenter-hbm | FileCheck %s

// Every op gets a plan over its family's iteration space; the space comes from
// the op's shapes (matmul: b, m, n, k with k reduced), the tile from the cost estimate.
// CHECK-LABEL: func.func @main
// CHECK: "npu_tensor.matmul"
// CHECK-SAME: npu.tile = {cycles = {{[0-9]+}} : i64, dims = ["b", "m", "n", "k"], family = "matmul", reduce = ["k"], sizes = array<i64: 1, 64, 128, 256>, sram = {{[0-9]+}} : i64, tile = array<i64: 1, {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}>}
func.func @main(%x: tensor<64x256xf32>, %w: tensor<256x128xf32>) -> tensor<64x128xf32> {
  %0 = "npu_tensor.matmul"(%x, %w) : (tensor<64x256xf32>, tensor<256x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}

// -----

// Batched matmul with broadcasting: b runs over the 2 x 3 result batch, one batch element per tile.
// CHECK-LABEL: func.func @main
// CHECK: family = "matmul", reduce = ["k"], sizes = array<i64: 6, 8, 16, 4>
// CHECK-SAME: tile = array<i64: 1,
func.func @main(%a: tensor<2x3x8x4xf32>, %b: tensor<3x4x16xf32>) -> tensor<2x3x8x16xf32> {
  %0 = "npu_tensor.matmul"(%a, %b) : (tensor<2x3x8x4xf32>, tensor<3x4x16xf32>) -> tensor<2x3x8x16xf32>
  return %0 : tensor<2x3x8x16xf32>
}

// -----

// Convolution: (n, g, oh, ow, m, c) with input channels c reduced; one image and one group per tile.
// CHECK-LABEL: func.func @main
// CHECK: "npu_tensor.conv"
// CHECK-SAME: dims = ["n", "g", "oh", "ow", "m", "c"], family = "conv", reduce = ["c"], sizes = array<i64: 1, 1, 8, 8, 16, 8>
// CHECK-SAME: tile = array<i64: 1, 1,
func.func @main(%x: tensor<1x8x16x16xf32>, %w: tensor<16x8x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x16x8x8xf32> {
  %0 = "npu_tensor.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x16x16xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// Grouped (depthwise) convolution: g = 4 groups of one input and one output channel.
// CHECK-LABEL: func.func @main
// CHECK: family = "conv", reduce = ["c"], sizes = array<i64: 1, 4, 6, 6, 1, 1>
func.func @main(%x: tensor<1x4x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 4 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// Pooling, elementwise and row ops; softmax's row (the axis dim) is its reduce dim and stays whole
// (it fits the SRAM budget).
// CHECK-LABEL: func.func @main
// CHECK: "npu_tensor.max_pool"
// CHECK-SAME: dims = ["n", "oh", "ow", "c"], family = "pool", reduce = [], sizes = array<i64: 1, 4, 4, 16>
// CHECK: "npu_tensor.relu"
// CHECK-SAME: family = "eltwise", reduce = [], sizes = array<i64: 1, 16, 4, 4>
// CHECK: "npu_tensor.reshape"
// CHECK-SAME: npu.tile = {family = "view"}
// CHECK: "npu_tensor.softmax"
// CHECK-SAME: family = "rows", reduce = ["d1"], sizes = array<i64: 1, 256>
// CHECK-SAME: tile = array<i64: 1, 256>
func.func @main(%x: tensor<1x16x8x8xf32>) -> tensor<1x256xf32> {
  %0 = "npu_tensor.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32>
  %1 = "npu_tensor.relu"(%0) : (tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  %2 = "npu_tensor.reshape"(%1) : (tensor<1x16x4x4xf32>) -> tensor<1x256xf32>
  %3 = "npu_tensor.softmax"(%2) {axis = 1 : i64} : (tensor<1x256xf32>) -> tensor<1x256xf32>
  return %3 : tensor<1x256xf32>
}

// -----

// A transpose is a view (permuted strides); a reshape of that view is not contiguous,
// so it becomes a copy over the flat index (chunks that are boxes of both shapes).
// CHECK-LABEL: func.func @main
// CHECK: "npu_tensor.transpose"
// CHECK-SAME: npu.tile = {family = "view"}
// CHECK: "npu_tensor.reshape"
// CHECK-SAME: dims = ["i"], family = "copy", reduce = [], sizes = array<i64: 6>
func.func @main(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  %0 = "npu_tensor.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = "npu_tensor.reshape"(%0) : (tensor<3x2xf32>) -> tensor<6xf32>
  return %1 : tensor<6xf32>
}

// -----

// Layer normalization over the last dim and a mean over axis 1: row dims (reduce dims) stay whole.
// CHECK-LABEL: func.func @main
// CHECK: "npu_tensor.layer_normalization"
// CHECK-SAME: family = "rows", reduce = ["d2"], sizes = array<i64: 1, 8, 32>
// CHECK-SAME: tile = array<i64: 1, {{[0-9]+}}, 32>
// CHECK: "npu_tensor.reduce_mean"
// CHECK-SAME: family = "rows", reduce = ["d1"], sizes = array<i64: 1, 8, 32>
// CHECK-SAME: tile = array<i64: 1, 8, {{[0-9]+}}>
func.func @main(%x: tensor<1x8x32xf32>, %s: tensor<32xf32>, %b: tensor<32xf32>) -> tensor<1x32xf32> {
  %0:3 = "npu_tensor.layer_normalization"(%x, %s, %b) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<1x8x32xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<1x8x32xf32>, tensor<1x8x1xf32>, tensor<1x8x1xf32>)
  %1 = "npu_tensor.reduce_mean"(%0#0) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<1x8x32xf32>) -> tensor<1x32xf32>
  return %1 : tensor<1x32xf32>
}

// -----

// Elementwise chains after a convolution fuse into it: the conv's plan counts them
// (epilogue = 3), each carries family "fused". The residual add joins because its other
// operand (%x) exists before the conv runs; the relu's result has two readers, so the
// chain ends there and the exp is a layer of its own.
// CHECK-LABEL: func.func @main
// CHECK: "npu_tensor.conv"
// CHECK-SAME: epilogue = 3 : i64, family = "conv"
// CHECK: "npu_tensor.batch_normalization"
// CHECK-SAME: npu.tile = {family = "fused"}
// CHECK: "npu_tensor.add"
// CHECK-SAME: npu.tile = {family = "fused"}
// CHECK: "npu_tensor.relu"
// CHECK-SAME: npu.tile = {family = "fused"}
// CHECK: "npu_tensor.exp"
// CHECK-SAME: family = "eltwise"
func.func @main(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %s = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %b = arith.constant dense<0.5> : tensor<4xf32>
  %m = arith.constant dense<0.25> : tensor<4xf32>
  %v = arith.constant dense<2.0> : tensor<4xf32>
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %1 = "npu_tensor.batch_normalization"(%0, %s, %b, %m, %v) {epsilon = 9.99999974E-6 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %2 = "npu_tensor.add"(%1, %x) : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %3 = "npu_tensor.relu"(%2) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %4 = "npu_tensor.exp"(%3) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %3, %4 : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}
