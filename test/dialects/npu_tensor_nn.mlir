// RUN: npu-opt %s | npu-opt | FileCheck %s

// Round trip of every nn-family op of npu_tensor (the examples of dialects/npu_tensor.irdl.mlir).

// CHECK-LABEL: func.func @conv(
// CHECK-NEXT: {{.*}} = "npu_tensor.conv"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
func.func @conv(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<16xf32>) {
  %0 = "npu_tensor.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  return
}

// CHECK-LABEL: func.func @conv_transpose(
// CHECK-NEXT: {{.*}} = "npu_tensor.conv_transpose"({{%arg[0-9]+}}, {{%arg[0-9]+}}) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x11x11xf32>
func.func @conv_transpose(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  %0 = "npu_tensor.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x11x11xf32>
  return
}

// CHECK-LABEL: func.func @deform_conv(
// CHECK-NEXT: {{.*}} = "npu_tensor.deform_conv"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, offset_group = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1x8x2x2xf32>) -> tensor<1x1x2x2xf32>
func.func @deform_conv(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x2x2xf32>, %off: tensor<1x8x2x2xf32>) {
  %0 = "npu_tensor.deform_conv"(%x, %w, %off) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, offset_group = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1x8x2x2xf32>) -> tensor<1x1x2x2xf32>
  return
}

// CHECK-LABEL: func.func @conv_integer(
// CHECK-NEXT: {{.*}} = "npu_tensor.conv_integer"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xui8>, tensor<1x1x2x2xui8>, tensor<ui8>, tensor<ui8>) -> tensor<1x1x2x2xi32>
func.func @conv_integer(%x: tensor<1x1x3x3xui8>, %w: tensor<1x1x2x2xui8>, %xz: tensor<ui8>, %wz: tensor<ui8>) {
  %0 = "npu_tensor.conv_integer"(%x, %w, %xz, %wz) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xui8>, tensor<1x1x2x2xui8>, tensor<ui8>, tensor<ui8>) -> tensor<1x1x2x2xi32>
  return
}

// CHECK-LABEL: func.func @gemm(
// CHECK-NEXT: {{.*}} = "npu_tensor.gemm"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
func.func @gemm(%a: tensor<1x64xf32>, %b: tensor<10x64xf32>, %c: tensor<10xf32>) {
  %0 = "npu_tensor.gemm"(%a, %b, %c) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return
}

// CHECK-LABEL: func.func @matmul(
// CHECK-NEXT: {{.*}} = "npu_tensor.matmul"({{%arg[0-9]+}}, {{%arg[0-9]+}}) : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) {
  %0 = "npu_tensor.matmul"(%a, %b) : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return
}

// CHECK-LABEL: func.func @matmul_integer(
// CHECK-NEXT: {{.*}} = "npu_tensor.matmul_integer"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) : (tensor<4x3xui8>, tensor<3x2xui8>, tensor<ui8>, tensor<ui8>) -> tensor<4x2xi32>
func.func @matmul_integer(%a: tensor<4x3xui8>, %b: tensor<3x2xui8>, %az: tensor<ui8>, %bz: tensor<ui8>) {
  %0 = "npu_tensor.matmul_integer"(%a, %b, %az, %bz) : (tensor<4x3xui8>, tensor<3x2xui8>, tensor<ui8>, tensor<ui8>) -> tensor<4x2xi32>
  return
}

// CHECK-LABEL: func.func @max_pool(
// CHECK-NEXT: {{.*}} = "npu_tensor.max_pool"({{%arg[0-9]+}}) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
func.func @max_pool(%x: tensor<1x8x8x8xf32>) {
  %0 = "npu_tensor.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  return
}

// CHECK-LABEL: func.func @average_pool(
// CHECK-NEXT: {{.*}} = "npu_tensor.average_pool"({{%arg[0-9]+}}) {ceil_mode = 0 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
func.func @average_pool(%x: tensor<1x8x8x8xf32>) {
  %0 = "npu_tensor.average_pool"(%x) {ceil_mode = 0 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return
}

// CHECK-LABEL: func.func @lp_pool(
// CHECK-NEXT: {{.*}} = "npu_tensor.lp_pool"({{%arg[0-9]+}}) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
func.func @lp_pool(%x: tensor<1x3x8x8xf32>) {
  %0 = "npu_tensor.lp_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return
}

// CHECK-LABEL: func.func @global_average_pool(
// CHECK-NEXT: {{.*}} = "npu_tensor.global_average_pool"({{%arg[0-9]+}}) : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
func.func @global_average_pool(%x: tensor<1x8x7x7xf32>) {
  %0 = "npu_tensor.global_average_pool"(%x) : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  return
}

// CHECK-LABEL: func.func @global_max_pool(
// CHECK-NEXT: {{.*}} = "npu_tensor.global_max_pool"({{%arg[0-9]+}}) : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
func.func @global_max_pool(%x: tensor<1x8x7x7xf32>) {
  %0 = "npu_tensor.global_max_pool"(%x) : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  return
}

// CHECK-LABEL: func.func @global_lp_pool(
// CHECK-NEXT: {{.*}} = "npu_tensor.global_lp_pool"({{%arg[0-9]+}}) {p = 2 : i64} : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
func.func @global_lp_pool(%x: tensor<1x8x7x7xf32>) {
  %0 = "npu_tensor.global_lp_pool"(%x) {p = 2 : i64} : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  return
}

// CHECK-LABEL: func.func @batch_normalization(
// CHECK-NEXT: {{.*}} = "npu_tensor.batch_normalization"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {epsilon = 9.99999974E-6 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
func.func @batch_normalization(%x: tensor<1x8x4x4xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) {
  %0 = "npu_tensor.batch_normalization"(%x, %s, %b, %m, %v) {epsilon = 9.99999974E-6 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return
}

// CHECK-LABEL: func.func @instance_normalization(
// CHECK-NEXT: {{.*}} = "npu_tensor.instance_normalization"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {epsilon = 9.99999974E-6 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
func.func @instance_normalization(%x: tensor<1x8x4x4xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) {
  %0 = "npu_tensor.instance_normalization"(%x, %s, %b) {epsilon = 9.99999974E-6 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return
}

// CHECK-LABEL: func.func @group_normalization(
// CHECK-NEXT: {{.*}} = "npu_tensor.group_normalization"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {epsilon = 9.99999974E-6 : f32, num_groups = 2 : i64} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
func.func @group_normalization(%x: tensor<1x8x4x4xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) {
  %0 = "npu_tensor.group_normalization"(%x, %s, %b) {epsilon = 9.99999974E-6 : f32, num_groups = 2 : i64} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return
}

// CHECK-LABEL: func.func @layer_normalization(
// CHECK-NEXT: {{.*}} = "npu_tensor.layer_normalization"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x1xf32>, tensor<1x16x1xf32>)
func.func @layer_normalization(%x: tensor<1x16x64xf32>, %s: tensor<64xf32>, %b: tensor<64xf32>) {
  %0:3 = "npu_tensor.layer_normalization"(%x, %s, %b) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x1xf32>, tensor<1x16x1xf32>)
  return
}

// CHECK-LABEL: func.func @mean_variance_normalization(
// CHECK-NEXT: {{.*}} = "npu_tensor.mean_variance_normalization"({{%arg[0-9]+}}) {axes = array<i64: 0, 2, 3>} : (tensor<3x3x3x1xf32>) -> tensor<3x3x3x1xf32>
func.func @mean_variance_normalization(%x: tensor<3x3x3x1xf32>) {
  %0 = "npu_tensor.mean_variance_normalization"(%x) {axes = array<i64: 0, 2, 3>} : (tensor<3x3x3x1xf32>) -> tensor<3x3x3x1xf32>
  return
}

// CHECK-LABEL: func.func @lp_normalization(
// CHECK-NEXT: {{.*}} = "npu_tensor.lp_normalization"({{%arg[0-9]+}}) {axis = 1 : i64, p = 2 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
func.func @lp_normalization(%x: tensor<3x4xf32>) {
  %0 = "npu_tensor.lp_normalization"(%x) {axis = 1 : i64, p = 2 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// CHECK-LABEL: func.func @lrn(
// CHECK-NEXT: {{.*}} = "npu_tensor.lrn"({{%arg[0-9]+}}) {alpha = 9.99999974E-5 : f32, beta = 7.500000e-01 : f32, bias = 1.000000e+00 : f32, size = 5 : i64} : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
func.func @lrn(%x: tensor<1x16x8x8xf32>) {
  %0 = "npu_tensor.lrn"(%x) {alpha = 9.99999974E-5 : f32, beta = 7.500000e-01 : f32, bias = 1.000000e+00 : f32, size = 5 : i64} : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return
}

// CHECK-LABEL: func.func @softmax(
// CHECK-NEXT: {{.*}} = "npu_tensor.softmax"({{%arg[0-9]+}}) {axis = 1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
func.func @softmax(%x: tensor<1x10xf32>) {
  %0 = "npu_tensor.softmax"(%x) {axis = 1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  return
}

// CHECK-LABEL: func.func @log_softmax(
// CHECK-NEXT: {{.*}} = "npu_tensor.log_softmax"({{%arg[0-9]+}}) {axis = 1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
func.func @log_softmax(%x: tensor<1x10xf32>) {
  %0 = "npu_tensor.log_softmax"(%x) {axis = 1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  return
}

// CHECK-LABEL: func.func @hardmax(
// CHECK-NEXT: {{.*}} = "npu_tensor.hardmax"({{%arg[0-9]+}}) {axis = 1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
func.func @hardmax(%x: tensor<1x10xf32>) {
  %0 = "npu_tensor.hardmax"(%x) {axis = 1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  return
}

// CHECK-LABEL: func.func @reduce_sum(
// CHECK-NEXT: {{.*}} = "npu_tensor.reduce_sum"({{%arg[0-9]+}}) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
func.func @reduce_sum(%x: tensor<2x8xf32>) {
  %0 = "npu_tensor.reduce_sum"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  return
}

// CHECK-LABEL: func.func @reduce_mean(
// CHECK-NEXT: {{.*}} = "npu_tensor.reduce_mean"({{%arg[0-9]+}}) {axes = array<i64: 2>, keepdims = 1 : i64} : (tensor<1x16x64xf32>) -> tensor<1x16x1xf32>
func.func @reduce_mean(%x: tensor<1x16x64xf32>) {
  %0 = "npu_tensor.reduce_mean"(%x) {axes = array<i64: 2>, keepdims = 1 : i64} : (tensor<1x16x64xf32>) -> tensor<1x16x1xf32>
  return
}

// CHECK-LABEL: func.func @reduce_max(
// CHECK-NEXT: {{.*}} = "npu_tensor.reduce_max"({{%arg[0-9]+}}) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x8xf32>) -> tensor<2xf32>
func.func @reduce_max(%x: tensor<2x8xf32>) {
  %0 = "npu_tensor.reduce_max"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x8xf32>) -> tensor<2xf32>
  return
}

// CHECK-LABEL: func.func @reduce_min(
// CHECK-NEXT: {{.*}} = "npu_tensor.reduce_min"({{%arg[0-9]+}}) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x8xf32>) -> tensor<2xf32>
func.func @reduce_min(%x: tensor<2x8xf32>) {
  %0 = "npu_tensor.reduce_min"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x8xf32>) -> tensor<2xf32>
  return
}

// CHECK-LABEL: func.func @reduce_prod(
// CHECK-NEXT: {{.*}} = "npu_tensor.reduce_prod"({{%arg[0-9]+}}) {axes = array<i64: 0, 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<1x1xf32>
func.func @reduce_prod(%x: tensor<2x8xf32>) {
  %0 = "npu_tensor.reduce_prod"(%x) {axes = array<i64: 0, 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<1x1xf32>
  return
}

// CHECK-LABEL: func.func @reduce_l1(
// CHECK-NEXT: {{.*}} = "npu_tensor.reduce_l1"({{%arg[0-9]+}}) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
func.func @reduce_l1(%x: tensor<2x8xf32>) {
  %0 = "npu_tensor.reduce_l1"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  return
}

// CHECK-LABEL: func.func @reduce_l2(
// CHECK-NEXT: {{.*}} = "npu_tensor.reduce_l2"({{%arg[0-9]+}}) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
func.func @reduce_l2(%x: tensor<2x8xf32>) {
  %0 = "npu_tensor.reduce_l2"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  return
}

// CHECK-LABEL: func.func @reduce_sum_square(
// CHECK-NEXT: {{.*}} = "npu_tensor.reduce_sum_square"({{%arg[0-9]+}}) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
func.func @reduce_sum_square(%x: tensor<2x8xf32>) {
  %0 = "npu_tensor.reduce_sum_square"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  return
}

// CHECK-LABEL: func.func @reduce_log_sum(
// CHECK-NEXT: {{.*}} = "npu_tensor.reduce_log_sum"({{%arg[0-9]+}}) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
func.func @reduce_log_sum(%x: tensor<2x8xf32>) {
  %0 = "npu_tensor.reduce_log_sum"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  return
}

// CHECK-LABEL: func.func @reduce_log_sum_exp(
// CHECK-NEXT: {{.*}} = "npu_tensor.reduce_log_sum_exp"({{%arg[0-9]+}}) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
func.func @reduce_log_sum_exp(%x: tensor<2x8xf32>) {
  %0 = "npu_tensor.reduce_log_sum_exp"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  return
}

// CHECK-LABEL: func.func @arg_max(
// CHECK-NEXT: {{.*}} = "npu_tensor.arg_max"({{%arg[0-9]+}}) {axis = 1 : i64, keepdims = 0 : i64, select_last_index = 0 : i64} : (tensor<2x10xf32>) -> tensor<2xi64>
func.func @arg_max(%x: tensor<2x10xf32>) {
  %0 = "npu_tensor.arg_max"(%x) {axis = 1 : i64, keepdims = 0 : i64, select_last_index = 0 : i64} : (tensor<2x10xf32>) -> tensor<2xi64>
  return
}

// CHECK-LABEL: func.func @arg_min(
// CHECK-NEXT: {{.*}} = "npu_tensor.arg_min"({{%arg[0-9]+}}) {axis = 1 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2x10xf32>) -> tensor<2x1xi64>
func.func @arg_min(%x: tensor<2x10xf32>) {
  %0 = "npu_tensor.arg_min"(%x) {axis = 1 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2x10xf32>) -> tensor<2x1xi64>
  return
}

// CHECK-LABEL: func.func @top_k(
// CHECK-NEXT: {{.*}} = "npu_tensor.top_k"({{%arg[0-9]+}}) {axis = 1 : i64, k = 3 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<2x10xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
func.func @top_k(%x: tensor<2x10xf32>) {
  %0:2 = "npu_tensor.top_k"(%x) {axis = 1 : i64, k = 3 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<2x10xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  return
}

// CHECK-LABEL: func.func @einsum(
// CHECK-NEXT: {{.*}} = "npu_tensor.einsum"({{%arg[0-9]+}}, {{%arg[0-9]+}}) {equation = "bij,bjk->bik"} : (tensor<5x2x3xf32>, tensor<5x3x4xf32>) -> tensor<5x2x4xf32>
func.func @einsum(%a: tensor<5x2x3xf32>, %b: tensor<5x3x4xf32>) {
  %0 = "npu_tensor.einsum"(%a, %b) {equation = "bij,bjk->bik"} : (tensor<5x2x3xf32>, tensor<5x3x4xf32>) -> tensor<5x2x4xf32>
  return
}

// CHECK-LABEL: func.func @max_unpool(
// CHECK-NEXT: {{.*}} = "npu_tensor.max_unpool"({{%arg[0-9]+}}, {{%arg[0-9]+}}) {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
func.func @max_unpool(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>) {
  %0 = "npu_tensor.max_unpool"(%x, %i) {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
  return
}

// CHECK-LABEL: func.func @col2im(
// CHECK-NEXT: {{.*}} = "npu_tensor.col2im"({{%arg[0-9]+}}) {block_shape = array<i64: 1, 5>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x5x5xf32>) -> tensor<1x1x5x5xf32>
func.func @col2im(%x: tensor<1x5x5xf32>) {
  %0 = "npu_tensor.col2im"(%x) {block_shape = array<i64: 1, 5>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x5x5xf32>) -> tensor<1x1x5x5xf32>
  return
}

// CHECK-LABEL: func.func @lstm(
// CHECK-NEXT: {{.*}} = "npu_tensor.lstm"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Sigmoid", "Tanh", "Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, input_forget = 0 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>)
func.func @lstm(%x: tensor<5x1x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) {
  %0:3 = "npu_tensor.lstm"(%x, %w, %r) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Sigmoid", "Tanh", "Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, input_forget = 0 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>)
  return
}

// CHECK-LABEL: func.func @gru(
// CHECK-NEXT: {{.*}} = "npu_tensor.gru"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Sigmoid", "Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, layout = 0 : i64, linear_before_reset = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>)
func.func @gru(%x: tensor<5x1x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>) {
  %0:2 = "npu_tensor.gru"(%x, %w, %r) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Sigmoid", "Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, layout = 0 : i64, linear_before_reset = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>)
  return
}

// CHECK-LABEL: func.func @rnn(
// CHECK-NEXT: {{.*}} = "npu_tensor.rnn"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>)
func.func @rnn(%x: tensor<5x1x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  %0:2 = "npu_tensor.rnn"(%x, %w, %r) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>)
  return
}

// CHECK-LABEL: func.func @batch_normalization_training(
// CHECK-NEXT: {{.*}} = "npu_tensor.batch_normalization_training"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {epsilon = 9.99999974E-6 : f32, momentum = 0.899999976 : f32} : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>)
func.func @batch_normalization_training(%x: tensor<2x3x4x5xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) {
  %0:3 = "npu_tensor.batch_normalization_training"(%x, %s, %b, %m, %v) {epsilon = 9.99999974E-6 : f32, momentum = 0.899999976 : f32} : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>)
  return
}

// CHECK-LABEL: func.func @rms_normalization(
// CHECK-NEXT: {{.*}} = "npu_tensor.rms_normalization"({{%arg[0-9]+}}, {{%arg[0-9]+}}) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<1x16x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
func.func @rms_normalization(%x: tensor<1x16x64xf32>, %s: tensor<64xf32>) {
  %0 = "npu_tensor.rms_normalization"(%x, %s) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<1x16x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  return
}

// CHECK-LABEL: func.func @dynamic_quantize_linear(
// CHECK-NEXT: {{.*}} = "npu_tensor.dynamic_quantize_linear"({{%arg[0-9]+}}) : (tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<f32>, tensor<ui8>)
func.func @dynamic_quantize_linear(%x: tensor<2x3xf32>) {
  %0:3 = "npu_tensor.dynamic_quantize_linear"(%x) : (tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<f32>, tensor<ui8>)
  return
}

// CHECK-LABEL: func.func @quantize_linear(
// CHECK-NEXT: {{.*}} = "npu_tensor.quantize_linear"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {axis = 1 : i64, block_size = 0 : i64, saturate = 1 : i64} : (tensor<1x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x8xui8>
func.func @quantize_linear(%x: tensor<1x8xf32>, %s: tensor<f32>, %z: tensor<ui8>) {
  %0 = "npu_tensor.quantize_linear"(%x, %s, %z) {axis = 1 : i64, block_size = 0 : i64, saturate = 1 : i64} : (tensor<1x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x8xui8>
  return
}

// CHECK-LABEL: func.func @dequantize_linear(
// CHECK-NEXT: {{.*}} = "npu_tensor.dequantize_linear"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {axis = 1 : i64, block_size = 0 : i64} : (tensor<1x8xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x8xf32>
func.func @dequantize_linear(%q: tensor<1x8xui8>, %s: tensor<f32>, %z: tensor<ui8>) {
  %0 = "npu_tensor.dequantize_linear"(%q, %s, %z) {axis = 1 : i64, block_size = 0 : i64} : (tensor<1x8xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x8xf32>
  return
}

// CHECK-LABEL: func.func @qlinear_conv(
// CHECK-NEXT: {{.*}} = "npu_tensor.qlinear_conv"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x7x7xui8>, tensor<f32>, tensor<ui8>, tensor<1x1x1x1xui8>, tensor<1xf32>, tensor<1xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x7x7xui8>
func.func @qlinear_conv(%x: tensor<1x1x7x7xui8>, %xs: tensor<f32>, %xz: tensor<ui8>, %w: tensor<1x1x1x1xui8>, %ws: tensor<1xf32>, %wz: tensor<1xui8>, %ys: tensor<f32>, %yz: tensor<ui8>) {
  %0 = "npu_tensor.qlinear_conv"(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x7x7xui8>, tensor<f32>, tensor<ui8>, tensor<1x1x1x1xui8>, tensor<1xf32>, tensor<1xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x7x7xui8>
  return
}

// CHECK-LABEL: func.func @qlinear_matmul(
// CHECK-NEXT: {{.*}} = "npu_tensor.qlinear_matmul"({{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}, {{%arg[0-9]+}}) : (tensor<2x4xui8>, tensor<f32>, tensor<ui8>, tensor<4x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
func.func @qlinear_matmul(%a: tensor<2x4xui8>, %as: tensor<f32>, %az: tensor<ui8>, %b: tensor<4x3xui8>, %bs: tensor<f32>, %bz: tensor<ui8>, %ys: tensor<f32>, %yz: tensor<ui8>) {
  %0 = "npu_tensor.qlinear_matmul"(%a, %as, %az, %b, %bs, %bz, %ys, %yz) : (tensor<2x4xui8>, tensor<f32>, tensor<ui8>, tensor<4x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  return
}
