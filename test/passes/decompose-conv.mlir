// RUN: npu-opt %s --split-input-file --npu-decompose | FileCheck %s
// With a target the same ops are rewritten: each one is refused or has no family in the spatial lowering.
// RUN: npu-opt %s --split-input-file --target=edge-lpddr --npu-decompose | FileCheck %s

// 1-D conv: a 2-D conv with a 1 x K kernel between reshapes.
// CHECK-LABEL: func.func @conv1d
// CHECK: %[[X:.*]] = "npu_tensor.reshape"(%arg0) : (tensor<1x2x8xf32>) -> tensor<1x2x1x8xf32>
// CHECK: %[[W:.*]] = "npu_tensor.reshape"(%arg1) : (tensor<4x2x3xf32>) -> tensor<4x2x1x3xf32>
// CHECK: %[[Y:.*]] = "npu_tensor.conv"(%[[X]], %[[W]]) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 3>, pads = array<i64: 0, 1, 0, 0>, strides = array<i64: 1, 2>} : (tensor<1x2x1x8xf32>, tensor<4x2x1x3xf32>) -> tensor<1x4x1x4xf32>
// CHECK: "npu_tensor.reshape"(%[[Y]]) : (tensor<1x4x1x4xf32>) -> tensor<1x4x4xf32>
func.func @conv1d(%x: tensor<1x2x8xf32>, %w: tensor<4x2x3xf32>) -> tensor<1x4x4xf32> {
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1>, group = 1 : i64, kernel_shape = array<i64: 3>, pads = array<i64: 1, 0>, strides = array<i64: 2>} : (tensor<1x2x8xf32>, tensor<4x2x3xf32>) -> tensor<1x4x4xf32>
  return %0 : tensor<1x4x4xf32>
}

// -----

// 3-D conv: depth taps sliced and concatenated on channels, depth folded into the batch, a 2-D conv.
// CHECK-LABEL: func.func @conv3d
// CHECK: %[[T:.*]] = "npu_tensor.transpose"(%arg0) {perm = array<i64: 0, 2, 1, 3, 4>} : (tensor<1x2x4x5x5xf32>) -> tensor<1x4x2x5x5xf32>
// CHECK: "npu_tensor.slice"(%[[T]]) {axes = array<i64: 1>, ends = array<i64: 3>, starts = array<i64: 0>, steps = array<i64: 1>}
// CHECK: "npu_tensor.slice"(%[[T]]) {axes = array<i64: 1>, ends = array<i64: 4>, starts = array<i64: 1>, steps = array<i64: 1>}
// CHECK: "npu_tensor.concat"({{.*}}) {axis = 2 : i64} : (tensor<3x1x1x2x25xf32>, tensor<3x1x1x2x25xf32>) -> tensor<3x1x2x2x25xf32>
// CHECK: %[[F:.*]] = "npu_tensor.reshape"({{.*}}) : (tensor<3x1x2x2x25xf32>) -> tensor<3x4x5x5xf32>
// CHECK: %[[W:.*]] = "npu_tensor.reshape"({{.*}}) : (tensor<3x2x2x3x3xf32>) -> tensor<3x4x3x3xf32>
// CHECK: %[[Y:.*]] = "npu_tensor.conv"(%[[F]], %[[W]], %arg2) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<3x4x5x5xf32>, tensor<3x4x3x3xf32>, tensor<3xf32>) -> tensor<3x3x5x5xf32>
// CHECK: "npu_tensor.reshape"(%[[Y]]) : (tensor<3x3x5x5xf32>) -> tensor<1x3x3x5x5xf32>
// CHECK: "npu_tensor.transpose"({{.*}}) {perm = array<i64: 0, 2, 1, 3, 4>}
// CHECK-NOT: "npu_tensor.conv"
func.func @conv3d(%x: tensor<1x2x4x5x5xf32>, %w: tensor<3x2x2x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x3x3x5x5xf32> {
  %0 = "npu_tensor.conv"(%x, %w, %b) {dilations = array<i64: 1, 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 3, 3>, pads = array<i64: 0, 1, 1, 0, 1, 1>, strides = array<i64: 1, 1, 1>} : (tensor<1x2x4x5x5xf32>, tensor<3x2x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x3x5x5xf32>
  return %0 : tensor<1x3x3x5x5xf32>
}

// -----

// conv_transpose, stride 2 and kernel 3: one conv over x per output phase (o mod 2 on each axis) with the
// taps that reach it (2x2, 2x1, 1x2, 1x1 slices of the flipped kernel), phases woven with reshape/concat.
// CHECK-LABEL: func.func @conv_transpose(
// CHECK: %[[W0:.*]] = arith.constant dense<{{\[\[\[\[}}9.000000e+00, 7.000000e+00], [3.000000e+00, 1.000000e+00]], {{\[\[}}-1.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00]]]]> : tensor<1x2x2x2xf32>
// CHECK: "npu_tensor.conv"(%arg0, %[[W0]]) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>) -> tensor<1x1x4x4xf32>
// CHECK: %[[W1:.*]] = arith.constant dense<{{\[\[\[\[}}8.000000e+00], [2.000000e+00]], {{\[\[}}0.000000e+00], [0.000000e+00]]]]> : tensor<1x2x2x1xf32>
// CHECK: "npu_tensor.conv"(%arg0, %[[W1]]) {{.*}}kernel_shape = array<i64: 2, 1>, pads = array<i64: 1, 0, 1, 0>{{.*}} -> tensor<1x1x4x3xf32>
// CHECK: "npu_tensor.conv"(%arg0, %{{.*}}) {{.*}}kernel_shape = array<i64: 1, 2>, pads = array<i64: 0, 1, 0, 1>{{.*}} -> tensor<1x1x3x4xf32>
// CHECK: "npu_tensor.conv"(%arg0, %{{.*}}) {{.*}}kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>{{.*}} -> tensor<1x1x3x3xf32>
// CHECK: "npu_tensor.concat"({{.*}}) {axis = 2 : i64} : (tensor<4x4x1x1xf32>, tensor<4x4x1x1xf32>) -> tensor<4x4x2x1xf32>
// CHECK: "npu_tensor.concat"({{.*}}) {axis = 2 : i64} : (tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32>) -> tensor<1x4x2x8xf32>
// CHECK: "npu_tensor.reshape"({{.*}}) : (tensor<1x4x2x8xf32>) -> tensor<1x1x8x8xf32>
// CHECK: "npu_tensor.slice"({{.*}}) -> tensor<1x1x7x8xf32>
// CHECK: "npu_tensor.slice"({{.*}}) -> tensor<1x1x7x7xf32>
// CHECK-NOT: npu_tensor.conv_transpose
func.func @conv_transpose(%x: tensor<1x2x3x3xf32>) -> tensor<1x1x7x7xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]], [[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]]]]> : tensor<2x1x3x3xf32>
  %0 = "npu_tensor.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x3x3xf32>, tensor<2x1x3x3xf32>) -> tensor<1x1x7x7xf32>
  return %0 : tensor<1x1x7x7xf32>
}

// -----

// conv_transpose with stride == kernel: a 1x1 conv to M*KH*KW channels and a depth-to-space.
// CHECK-LABEL: func.func @conv_transpose_d2s
// CHECK: "npu_tensor.transpose"({{.*}}) {perm = array<i64: 0, 2, 1>} : (tensor<1x2x4xf32>) -> tensor<1x4x2xf32>
// CHECK: %[[W:.*]] = "npu_tensor.reshape"({{.*}}) : (tensor<1x4x2xf32>) -> tensor<4x2x1x1xf32>
// CHECK: %[[Y:.*]] = "npu_tensor.conv"(%arg0, %[[W]]) {{.*}}kernel_shape = array<i64: 1, 1>{{.*}} -> tensor<1x4x3x3xf32>
// CHECK: "npu_tensor.reshape"(%[[Y]]) : (tensor<1x4x3x3xf32>) -> tensor<1x1x2x2x3x3xf32>
// CHECK: "npu_tensor.transpose"({{.*}}) {perm = array<i64: 0, 1, 4, 2, 5, 3>} : (tensor<1x1x2x2x3x3xf32>) -> tensor<1x1x3x2x3x2xf32>
// CHECK: "npu_tensor.reshape"({{.*}}) : (tensor<1x1x3x2x3x2xf32>) -> tensor<1x1x6x6xf32>
func.func @conv_transpose_d2s(%x: tensor<1x2x3x3xf32>, %w: tensor<2x1x2x2xf32>) -> tensor<1x1x6x6xf32> {
  %0 = "npu_tensor.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x1x6x6xf32>
  return %0 : tensor<1x1x6x6xf32>
}

// -----

// 1-D max pool: a 2-D pool with a 1 x K window.
// CHECK-LABEL: func.func @max_pool1d
// CHECK: %[[X:.*]] = "npu_tensor.reshape"(%arg0) : (tensor<1x3x9xf32>) -> tensor<1x3x1x9xf32>
// CHECK: %[[Y:.*]] = "npu_tensor.max_pool"(%[[X]]) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 3>, pads = array<i64: 0, 1, 0, 1>, storage_order = 0 : i64, strides = array<i64: 1, 2>} : (tensor<1x3x1x9xf32>) -> tensor<1x3x1x5xf32>
// CHECK: "npu_tensor.reshape"(%[[Y]]) : (tensor<1x3x1x5xf32>) -> tensor<1x3x5xf32>
func.func @max_pool1d(%x: tensor<1x3x9xf32>) -> tensor<1x3x5xf32> {
  %0 = "npu_tensor.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1>, kernel_shape = array<i64: 3>, pads = array<i64: 1, 1>, storage_order = 0 : i64, strides = array<i64: 2>} : (tensor<1x3x9xf32>) -> tensor<1x3x5xf32>
  return %0 : tensor<1x3x5xf32>
}

// -----

// 3-D average pool: separable, (H, W) with D folded into channels, then (KD x 1) over D.
// CHECK-LABEL: func.func @average_pool3d
// CHECK: "npu_tensor.reshape"(%arg0) : (tensor<1x2x4x4x4xf32>) -> tensor<1x8x4x4xf32>
// CHECK: "npu_tensor.average_pool"({{.*}}) {{{.*}}kernel_shape = array<i64: 2, 2>{{.*}}} : (tensor<1x8x4x4xf32>) -> tensor<1x8x2x2xf32>
// CHECK: "npu_tensor.reshape"({{.*}}) : (tensor<1x8x2x2xf32>) -> tensor<1x2x4x4xf32>
// CHECK: "npu_tensor.average_pool"({{.*}}) {{{.*}}kernel_shape = array<i64: 2, 1>{{.*}}strides = array<i64: 2, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x4xf32>
// CHECK: "npu_tensor.reshape"({{.*}}) : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x2x2xf32>
func.func @average_pool3d(%x: tensor<1x2x4x4x4xf32>) -> tensor<1x2x2x2x2xf32> {
  %0 = "npu_tensor.average_pool"(%x) {ceil_mode = 0 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1, 1>, kernel_shape = array<i64: 2, 2, 2>, pads = array<i64: 0, 0, 0, 0, 0, 0>, strides = array<i64: 2, 2, 2>} : (tensor<1x2x4x4x4xf32>) -> tensor<1x2x2x2x2xf32>
  return %0 : tensor<1x2x2x2x2xf32>
}

// -----

// lp_pool p = 2: x*x, a depthwise conv with an all-ones kernel, sqrt.
// CHECK-LABEL: func.func @lp_pool
// CHECK: %[[SQ:.*]] = "npu_tensor.mul"(%arg0, %arg0)
// CHECK: %[[ONES:.*]] = arith.constant dense<1.000000e+00> : tensor<3x1x2x2xf32>
// CHECK: %[[S:.*]] = "npu_tensor.conv"(%[[SQ]], %[[ONES]]) {dilations = array<i64: 1, 1>, group = 3 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
// CHECK: "npu_tensor.sqrt"(%[[S]])
func.func @lp_pool(%x: tensor<1x3x4x4xf32>) -> tensor<1x3x2x2xf32> {
  %0 = "npu_tensor.lp_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x2x2xf32>
  return %0 : tensor<1x3x2x2xf32>
}

// -----

// global_lp_pool p = 3: |x|*|x|*|x| by multiplications, reduce_sum, exp(log(s) / 3).
// CHECK-LABEL: func.func @global_lp_pool
// CHECK: %[[A:.*]] = "npu_tensor.abs"(%arg0)
// CHECK: %[[A2:.*]] = "npu_tensor.mul"(%[[A]], %[[A]])
// CHECK: %[[A3:.*]] = "npu_tensor.mul"(%[[A]], %[[A2]])
// CHECK: %[[S:.*]] = "npu_tensor.reduce_sum"(%[[A3]]) {axes = array<i64: 2>, keepdims = 1 : i64}
// CHECK: %[[L:.*]] = "npu_tensor.log"(%[[S]])
// CHECK: %[[C:.*]] = arith.constant dense<0.333333343> : tensor<1x1x1xf32>
// CHECK: %[[M:.*]] = "npu_tensor.mul"(%[[L]], %[[C]])
// CHECK: "npu_tensor.exp"(%[[M]])
func.func @global_lp_pool(%x: tensor<1x3x5xf32>) -> tensor<1x3x1xf32> {
  %0 = "npu_tensor.global_lp_pool"(%x) {p = 3 : i64} : (tensor<1x3x5xf32>) -> tensor<1x3x1xf32>
  return %0 : tensor<1x3x1xf32>
}

// -----

// conv_transpose with more than 16 output phases (strides 5 x 4): zeros interleaved into x, then one conv
// with the flipped kernel, stride 1 and no pads.
// CHECK-LABEL: func.func @conv_transpose_interleave
// CHECK: "npu_tensor.reshape"(%arg0) : (tensor<1x1x2x2xf32>) -> tensor<1x2x1x2xf32>
// CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<1x2x4x2xf32>
// CHECK: "npu_tensor.concat"({{.*}}, %[[Z]]) {axis = 2 : i64} : (tensor<1x2x1x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x2x5x2xf32>
// CHECK: "npu_tensor.reshape"({{.*}}) : (tensor<1x2x5x2xf32>) -> tensor<1x1x10x2xf32>
// CHECK: "npu_tensor.reshape"({{.*}}) : (tensor<8x2x4x1xf32>) -> tensor<1x1x8x8xf32>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}4.000000e+00, 3.000000e+00], [2.000000e+00, 1.000000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK: "npu_tensor.conv"(%{{.*}}, %[[W]]) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x{{[0-9]+}}x{{[0-9]+}}xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x7x6xf32>
func.func @conv_transpose_interleave(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x7x6xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>
  %0 = "npu_tensor.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 5, 4>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x7x6xf32>
  return %0 : tensor<1x1x7x6xf32>
}

// -----

// A 2-D conv whose pads reach past the kernel (the spatial conv refuses it): zeros concatenated, pads 0.
// CHECK-LABEL: func.func @conv2d_in_padding
// CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<1x1x2x3xf32>
// CHECK: %[[P:.*]] = "npu_tensor.concat"(%[[Z]], %arg0) {axis = 2 : i64} : (tensor<1x1x2x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x5x3xf32>
// CHECK: "npu_tensor.conv"(%[[P]], %arg1) {{.*}}pads = array<i64: 0, 0, 0, 0>{{.*}} -> tensor<1x2x4x2xf32>
func.func @conv2d_in_padding(%x: tensor<1x1x3x3xf32>, %w: tensor<2x1x2x2xf32>) -> tensor<1x2x4x2xf32> {
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x4x2xf32>
  return %0 : tensor<1x2x4x2xf32>
}

// -----

// The same for conv_int: the padding holds input_zp (-3 = 0xFD) in x's quantized type.
// CHECK-LABEL: func.func @conv_int_in_padding
// CHECK: %[[Z:.*]] = arith.constant dense_resource<[[R:.*]]> : tensor<1x1x2x3x!quant.uniform<i8:f32, 2.000000e-02:-3>>
// CHECK: %[[P:.*]] = "npu_tensor.concat"(%[[Z]], %arg0) {axis = 2 : i64}
// CHECK: "npu_tensor.conv_int"(%[[P]], %arg1) {{.*}}pads = array<i64: 0, 0, 0, 0>{{.*}} -> tensor<1x2x4x2x!quant.uniform<i32:f32, 2.000000e-04>>
// CHECK: [[R]]: "0x01000000FDFDFDFDFDFD"
func.func @conv_int_in_padding(%x: tensor<1x1x3x3x!quant.uniform<i8:f32, 2.000000e-02:-3>>, %w: tensor<2x1x2x2x!quant.uniform<i8<-127:127>:f32, 1.000000e-02>>) -> tensor<1x2x4x2x!quant.uniform<i32:f32, 2.000000e-04>> {
  %0 = "npu_tensor.conv_int"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, input_zp = -3 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>, strides = array<i64: 1, 1>, weight_zp = 0 : i64} : (tensor<1x1x3x3x!quant.uniform<i8:f32, 2.000000e-02:-3>>, tensor<2x1x2x2x!quant.uniform<i8<-127:127>:f32, 1.000000e-02>>) -> tensor<1x2x4x2x!quant.uniform<i32:f32, 2.000000e-04>>
  return %0 : tensor<1x2x4x2x!quant.uniform<i32:f32, 2.000000e-04>>
}

// -----

// A 2-D conv the spatial lowering takes as it is: left alone.
// CHECK-LABEL: func.func @conv2d_kept
// CHECK-NEXT: "npu_tensor.conv"(%arg0, %arg1) {{.*}}pads = array<i64: 1, 1, 1, 1>
// CHECK-NEXT: return
func.func @conv2d_kept(%x: tensor<1x1x3x3xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}
