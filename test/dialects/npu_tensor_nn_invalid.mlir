// RUN: npu-opt %s --split-input-file --verify-diagnostics

// One case per rule of the nn-family verifiers (dialects/npu_tensor_nn.py).

func.func @conv_rank(%x: tensor<8x8xf32>, %w: tensor<16x3x3x3xf32>) {
  // expected-error @+1 {{'npu_tensor.conv' op expects an input of rank >= 3 ([N, C, spatial...]), got rank 2}}
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

func.func @conv_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3xf32>) {
  // expected-error @+1 {{expects a weight of rank 4, got rank 3}}
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

func.func @conv_group(%x: tensor<1x3x8x8xf32>, %w: tensor<16x1x3x3xf32>) {
  // expected-error @+1 {{expects group to divide the 3 input channels, got 2}}
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

func.func @conv_kernel_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) {
  // expected-error @+1 {{expects kernel_shape [3, 3] (the weight's), got [5, 5]}}
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

func.func @conv_strides_len(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) {
  // expected-error @+1 {{expects strides of length 2, got 1}}
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

func.func @conv_pads_len(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) {
  // expected-error @+1 {{expects pads of length 4, got 2}}
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

func.func @conv_zero_stride(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) {
  // expected-error @+1 {{expects strides >= 1, got [0, 1]}}
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

func.func @conv_negative_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) {
  // expected-error @+1 {{expects non-negative pads, got [-1, 0, 0, 0]}}
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: -1, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x5x6xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<16x3x3x3xf32>) {
  // expected-error @+1 {{expects weight.shape[1] * group == 4 input channels, got 3 * 1}}
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{expects a bias of shape [16], got [8]}}
  %0 = "npu_tensor.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<8xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

func.func @conv_result(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) {
  // expected-error @+1 {{expects result shape [1, 16, 3, 3], got [1, 16, 6, 6]}}
  %0 = "npu_tensor.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

func.func @conv_transpose_result(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'npu_tensor.conv_transpose' op expects result shape [1, 2, 12, 12], got [1, 2, 11, 11]}}
  %0 = "npu_tensor.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x11x11xf32>
  return
}

// -----

func.func @conv_transpose_channels(%x: tensor<1x3x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{expects weight.shape[0] == input channels 3, got 4}}
  %0 = "npu_tensor.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x11x11xf32>
  return
}

// -----

func.func @qlinear_conv_w_scale(%x: tensor<1x1x7x7xui8>, %xs: tensor<f32>, %xz: tensor<ui8>, %w: tensor<2x1x1x1xui8>, %ws: tensor<3xf32>, %wz: tensor<ui8>, %ys: tensor<f32>, %yz: tensor<ui8>) {
  // expected-error @+1 {{expects w_scale of shape [] or [1] or [2], got [3]}}
  %0 = "npu_tensor.qlinear_conv"(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x7x7xui8>, tensor<f32>, tensor<ui8>, tensor<2x1x1x1xui8>, tensor<3xf32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x7x7xui8>
  return
}

// -----

func.func @max_pool_pad_too_big(%x: tensor<1x8x8x8xf32>) {
  // expected-error @+1 {{'npu_tensor.max_pool' op expects each pad smaller than the dilated window [2, 2], got [2, 0, 0, 0]}}
  %0 = "npu_tensor.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x5x4xf32>
  return
}

// -----

func.func @max_pool_result(%x: tensor<1x8x7x7xf32>) {
  // expected-error @+1 {{expects result shape [1, 8, 4, 4], got [1, 8, 3, 3]}}
  %0 = "npu_tensor.max_pool"(%x) {ceil_mode = 1 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x8x7x7xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @max_pool_indices_type(%x: tensor<1x8x8x8xf32>) {
  // expected-error @+1 {{expects i64 indices, got i32}}
  %0:2 = "npu_tensor.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>, resultSegmentSizes = array<i32: 1, 1>} : (tensor<1x8x8x8xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xi32>)
  return
}

// -----

func.func @max_pool_storage_order(%x: tensor<1x8x8x8xf32>) {
  // expected-error @+1 {{expects storage_order 0 or 1, got 2}}
  %0 = "npu_tensor.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 2 : i64, strides = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

func.func @average_pool_kernel_len(%x: tensor<1x8x8x8xf32>) {
  // expected-error @+1 {{'npu_tensor.average_pool' op expects kernel_shape of length 2, got 3}}
  %0 = "npu_tensor.average_pool"(%x) {ceil_mode = 0 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @global_pool_result(%x: tensor<1x8x7x7xf32>) {
  // expected-error @+1 {{'npu_tensor.global_average_pool' op expects result shape [1, 8, 1, 1], got [1, 8]}}
  %0 = "npu_tensor.global_average_pool"(%x) : (tensor<1x8x7x7xf32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_rank(%a: tensor<8xf32>, %b: tensor<8x16xf32>) {
  // expected-error @+1 {{'npu_tensor.matmul' op expects operands of rank >= 2, got ranks 1 and 2}}
  %0 = "npu_tensor.matmul"(%a, %b) : (tensor<8xf32>, tensor<8x16xf32>) -> tensor<16xf32>
  return
}

// -----

func.func @matmul_inner(%a: tensor<4x8xf32>, %b: tensor<7x16xf32>) {
  // expected-error @+1 {{expects lhs.shape[-1] == rhs.shape[-2], got 8 and 7}}
  %0 = "npu_tensor.matmul"(%a, %b) : (tensor<4x8xf32>, tensor<7x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x4x8xf32>, %b: tensor<3x8x16xf32>) {
  // expected-error @+1 {{expects broadcast-compatible batch dims, got [2] and [3]}}
  %0 = "npu_tensor.matmul"(%a, %b) : (tensor<2x4x8xf32>, tensor<3x8x16xf32>) -> tensor<2x4x16xf32>
  return
}

// -----

func.func @matmul_result(%a: tensor<2x4x8xf32>, %b: tensor<8x16xf32>) {
  // expected-error @+1 {{expects result shape [2, 4, 16], got [4, 16]}}
  %0 = "npu_tensor.matmul"(%a, %b) : (tensor<2x4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @gemm_inner(%a: tensor<1x64xf32>, %b: tensor<10x64xf32>) {
  // expected-error @+1 {{'npu_tensor.gemm' op expects matching inner dims, got 64 and 10}}
  %0 = "npu_tensor.gemm"(%a, %b) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<1x64xf32>, tensor<10x64xf32>) -> tensor<1x64xf32>
  return
}

// -----

func.func @gemm_bias(%a: tensor<1x64xf32>, %b: tensor<10x64xf32>, %c: tensor<3xf32>) {
  // expected-error @+1 {{expects c broadcastable to [1, 10], got [3]}}
  %0 = "npu_tensor.gemm"(%a, %b, %c) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<3xf32>) -> tensor<1x10xf32>
  return
}

// -----

func.func @gemm_rank(%a: tensor<2x1x64xf32>, %b: tensor<10x64xf32>) {
  // expected-error @+1 {{expects rank-2 a and b, got ranks 3 and 2}}
  %0 = "npu_tensor.gemm"(%a, %b) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<2x1x64xf32>, tensor<10x64xf32>) -> tensor<1x10xf32>
  return
}

// -----

func.func @batch_norm_param(%x: tensor<1x8x4x4xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>, %m: tensor<4xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{'npu_tensor.batch_normalization' op expects mean of shape [8], got [4]}}
  %0 = "npu_tensor.batch_normalization"(%x, %s, %b, %m, %v) {epsilon = 9.99999974E-6 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

func.func @batch_norm_result(%x: tensor<1x8x4x4xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{expects result shape [1, 8, 4, 4], got [1, 8, 16]}}
  %0 = "npu_tensor.batch_normalization"(%x, %s, %s, %s, %s) {epsilon = 9.99999974E-6 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @batch_norm_training_stats(%x: tensor<2x3x4x5xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{expects running_var shape [3], got [1]}}
  %0:3 = "npu_tensor.batch_normalization_training"(%x, %s, %s, %s, %s) {epsilon = 9.99999974E-6 : f32, momentum = 0.899999976 : f32} : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<1xf32>)
  return
}

// -----

func.func @group_norm_groups(%x: tensor<1x8x4x4xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{'npu_tensor.group_normalization' op expects num_groups to divide 8 channels, got 3}}
  %0 = "npu_tensor.group_normalization"(%x, %s, %s) {epsilon = 9.99999974E-6 : f32, num_groups = 3 : i64} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

func.func @instance_norm_scale(%x: tensor<1x8x4x4xf32>, %s: tensor<4xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{expects scale of shape [8], got [4]}}
  %0 = "npu_tensor.instance_normalization"(%x, %s, %b) {epsilon = 9.99999974E-6 : f32} : (tensor<1x8x4x4xf32>, tensor<4xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<1x16x64xf32>, %s: tensor<64xf32>) {
  // expected-error @+1 {{'npu_tensor.layer_normalization' op expects axis in [0, 3), got 3}}
  %0:3 = "npu_tensor.layer_normalization"(%x, %s) {axis = 3 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<1x16x64xf32>, tensor<64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x1xf32>, tensor<1x16x1xf32>)
  return
}

// -----

func.func @layer_norm_scale(%x: tensor<1x16x64xf32>, %s: tensor<32xf32>) {
  // expected-error @+1 {{expects scale broadcastable to [64], got [32]}}
  %0:3 = "npu_tensor.layer_normalization"(%x, %s) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<1x16x64xf32>, tensor<32xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x1xf32>, tensor<1x16x1xf32>)
  return
}

// -----

func.func @layer_norm_stats(%x: tensor<1x16x64xf32>, %s: tensor<64xf32>) {
  // expected-error @+1 {{expects mean shape [1, 16, 1], got [1, 16]}}
  %0:3 = "npu_tensor.layer_normalization"(%x, %s) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<1x16x64xf32>, tensor<64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16xf32>, tensor<1x16x1xf32>)
  return
}

// -----

func.func @rms_norm_scale(%x: tensor<1x16x64xf32>, %s: tensor<16x1xf32>) {
  // expected-error @+1 {{'npu_tensor.rms_normalization' op expects scale broadcastable to [64], got [16, 1]}}
  %0 = "npu_tensor.rms_normalization"(%x, %s) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<1x16x64xf32>, tensor<16x1xf32>) -> tensor<1x16x64xf32>
  return
}

// -----

func.func @lp_norm_p(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'npu_tensor.lp_normalization' op expects p to be 1 or 2, got 3}}
  %0 = "npu_tensor.lp_normalization"(%x) {axis = 1 : i64, p = 3 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @mvn_axes(%x: tensor<3x3x3x1xf32>) {
  // expected-error @+1 {{'npu_tensor.mean_variance_normalization' op expects axes in [0, 4), got 4}}
  %0 = "npu_tensor.mean_variance_normalization"(%x) {axes = array<i64: 0, 4>} : (tensor<3x3x3x1xf32>) -> tensor<3x3x3x1xf32>
  return
}

// -----

func.func @lrn_size(%x: tensor<1x16x8x8xf32>) {
  // expected-error @+1 {{'npu_tensor.lrn' op expects size >= 1, got 0}}
  %0 = "npu_tensor.lrn"(%x) {alpha = 9.99999974E-5 : f32, beta = 7.500000e-01 : f32, bias = 1.000000e+00 : f32, size = 0 : i64} : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<1x10xf32>) {
  // expected-error @+1 {{'npu_tensor.softmax' op expects axis in [0, 2), got -1}}
  %0 = "npu_tensor.softmax"(%x) {axis = -1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  return
}

// -----

func.func @log_softmax_result(%x: tensor<1x10xf32>) {
  // expected-error @+1 {{'npu_tensor.log_softmax' op expects result shape [1, 10], got [10]}}
  %0 = "npu_tensor.log_softmax"(%x) {axis = 1 : i64} : (tensor<1x10xf32>) -> tensor<10xf32>
  return
}

// -----

func.func @reduce_empty_axes(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'npu_tensor.reduce_sum' op expects a non-empty axes list (the importer resolves 'all axes')}}
  %0 = "npu_tensor.reduce_sum"(%x) {axes = array<i64>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<1x1xf32>
  return
}

// -----

func.func @reduce_unsorted(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'npu_tensor.reduce_mean' op expects sorted, unique axes, got [1, 0]}}
  %0 = "npu_tensor.reduce_mean"(%x) {axes = array<i64: 1, 0>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<1x1xf32>
  return
}

// -----

func.func @reduce_axis_range(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'npu_tensor.reduce_max' op expects axes in [0, 2), got 2}}
  %0 = "npu_tensor.reduce_max"(%x) {axes = array<i64: 2>, keepdims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @reduce_keepdims(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'npu_tensor.reduce_min' op expects keepdims 0 or 1, got 2}}
  %0 = "npu_tensor.reduce_min"(%x) {axes = array<i64: 1>, keepdims = 2 : i64} : (tensor<2x8xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @reduce_result(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'npu_tensor.reduce_prod' op expects result shape [2], got [2, 1]}}
  %0 = "npu_tensor.reduce_prod"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @lstm_direction(%x: tensor<5x1x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) {
  // expected-error @+1 {{'npu_tensor.lstm' op expects direction forward, reverse or bidirectional, got 'backward'}}
  %0:3 = "npu_tensor.lstm"(%x, %w, %r) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Sigmoid", "Tanh", "Tanh"], clip = 0x7F800000 : f32, direction = "backward", hidden_size = 4 : i64, input_forget = 0 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>)
  return
}

// -----

func.func @lstm_weight(%x: tensor<5x1x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x16x4xf32>) {
  // expected-error @+1 {{expects w of shape [1, 16, 3], got [1, 12, 3]}}
  %0:3 = "npu_tensor.lstm"(%x, %w, %r) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Sigmoid", "Tanh", "Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, input_forget = 0 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x12x3xf32>, tensor<1x16x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>)
  return
}

// -----

func.func @lstm_initial_h(%x: tensor<5x1x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>, %h: tensor<1x2x4xf32>) {
  // expected-error @+1 {{expects initial_h of shape [1, 1, 4], got [1, 2, 4]}}
  %0:3 = "npu_tensor.lstm"(%x, %w, %r, %h) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Sigmoid", "Tanh", "Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, input_forget = 0 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x2x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>)
  return
}

// -----

func.func @gru_activations(%x: tensor<5x1x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>) {
  // expected-error @+1 {{'npu_tensor.gru' op expects 2 activations, got 1}}
  %0:2 = "npu_tensor.gru"(%x, %w, %r) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, layout = 0 : i64, linear_before_reset = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>)
  return
}

// -----

func.func @gru_clip(%x: tensor<5x1x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>) {
  // expected-error @+1 {{expects clip > 0 (inf for none), got 0.0}}
  %0:2 = "npu_tensor.gru"(%x, %w, %r) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Sigmoid", "Tanh"], clip = 0.000000e+00 : f32, direction = "forward", hidden_size = 4 : i64, layout = 0 : i64, linear_before_reset = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>)
  return
}

// -----

func.func @rnn_result(%x: tensor<5x1x3xf32>, %w: tensor<2x4x3xf32>, %r: tensor<2x4x4xf32>) {
  // expected-error @+1 {{'npu_tensor.rnn' op expects Y shape [5, 2, 1, 4], got [5, 1, 1, 4]}}
  %0:2 = "npu_tensor.rnn"(%x, %w, %r) {activation_alpha = array<i64>, activation_beta = array<i64>, activations = ["Tanh", "Tanh"], clip = 0x7F800000 : f32, direction = "bidirectional", hidden_size = 4 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<5x1x3xf32>, tensor<2x4x3xf32>, tensor<2x4x4xf32>) -> (tensor<5x1x1x4xf32>, tensor<2x1x4xf32>)
  return
}

// -----

func.func @quantize_axis_scale(%x: tensor<2x8xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{'npu_tensor.quantize_linear' op expects a per-axis scale of shape [8], got [2]}}
  %0 = "npu_tensor.quantize_linear"(%x, %s) {axis = 1 : i64, block_size = 0 : i64, saturate = 1 : i64} : (tensor<2x8xf32>, tensor<2xf32>) -> tensor<2x8xi8>
  return
}

// -----

func.func @quantize_blocked_scale(%x: tensor<2x8xf32>, %s: tensor<2x2xf32>) {
  // expected-error @+1 {{expects a blocked scale of shape [2, 3], got [2, 2]}}
  %0 = "npu_tensor.quantize_linear"(%x, %s) {axis = 1 : i64, block_size = 3 : i64, saturate = 1 : i64} : (tensor<2x8xf32>, tensor<2x2xf32>) -> tensor<2x8xi8>
  return
}

// -----

func.func @quantize_zero_point_type(%x: tensor<2x8xf32>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{expects the result element type i8 to be the zero point's ui8}}
  %0 = "npu_tensor.quantize_linear"(%x, %s, %z) {axis = 1 : i64, block_size = 0 : i64, saturate = 1 : i64} : (tensor<2x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x8xi8>
  return
}

// -----

func.func @quantize_zero_point_shape(%x: tensor<2x8xf32>, %s: tensor<8xf32>, %z: tensor<ui8>) {
  // expected-error @+1 {{expects zero_point of the scale's shape [8], got []}}
  %0 = "npu_tensor.quantize_linear"(%x, %s, %z) {axis = 1 : i64, block_size = 0 : i64, saturate = 1 : i64} : (tensor<2x8xf32>, tensor<8xf32>, tensor<ui8>) -> tensor<2x8xui8>
  return
}

// -----

func.func @quantize_scale_type(%x: tensor<2x8xf32>, %s: tensor<i32>) {
  // expected-error @+1 {{expects a float scale, got i32}}
  %0 = "npu_tensor.quantize_linear"(%x, %s) {axis = 1 : i64, block_size = 0 : i64, saturate = 1 : i64} : (tensor<2x8xf32>, tensor<i32>) -> tensor<2x8xi8>
  return
}

// -----

func.func @dequantize_result_type(%q: tensor<2x8xi8>, %s: tensor<f32>) {
  // expected-error @+1 {{'npu_tensor.dequantize_linear' op expects a float result, got i32}}
  %0 = "npu_tensor.dequantize_linear"(%q, %s) {axis = 1 : i64, block_size = 0 : i64} : (tensor<2x8xi8>, tensor<f32>) -> tensor<2x8xi32>
  return
}

// -----

func.func @qlinear_matmul_inner(%a: tensor<2x4xui8>, %s: tensor<f32>, %z: tensor<ui8>, %b: tensor<3x3xui8>) {
  // expected-error @+1 {{'npu_tensor.qlinear_matmul' op expects lhs.shape[-1] == rhs.shape[-2], got 4 and 3}}
  %0 = "npu_tensor.qlinear_matmul"(%a, %s, %z, %b, %s, %z, %s, %z) : (tensor<2x4xui8>, tensor<f32>, tensor<ui8>, tensor<3x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  return
}

// -----

func.func @dynamic_quantize_scale(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'npu_tensor.dynamic_quantize_linear' op expects scale shape [], got [1]}}
  %0:3 = "npu_tensor.dynamic_quantize_linear"(%x) : (tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<1xf32>, tensor<ui8>)
  return
}

// -----

func.func @arg_max_type(%x: tensor<2x10xf32>) {
  // expected-error @+1 {{'npu_tensor.arg_max' op expects i64 indices, got i32}}
  %0 = "npu_tensor.arg_max"(%x) {axis = 1 : i64, keepdims = 0 : i64, select_last_index = 0 : i64} : (tensor<2x10xf32>) -> tensor<2xi32>
  return
}

// -----

func.func @arg_min_result(%x: tensor<2x10xf32>) {
  // expected-error @+1 {{'npu_tensor.arg_min' op expects result shape [2, 1], got [2]}}
  %0 = "npu_tensor.arg_min"(%x) {axis = 1 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2x10xf32>) -> tensor<2xi64>
  return
}

// -----

func.func @top_k_k(%x: tensor<2x10xf32>) {
  // expected-error @+1 {{'npu_tensor.top_k' op expects 0 <= k <= 10, got 11}}
  %0:2 = "npu_tensor.top_k"(%x) {axis = 1 : i64, k = 11 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<2x10xf32>) -> (tensor<2x11xf32>, tensor<2x11xi64>)
  return
}

// -----

func.func @einsum_labels(%a: tensor<5x2x3xf32>, %b: tensor<5x4x4xf32>) {
  // expected-error @+1 {{'npu_tensor.einsum' op expects operands matching the equation: label 'j' has sizes 3 and 4}}
  %0 = "npu_tensor.einsum"(%a, %b) {equation = "bij,bjk->bik"} : (tensor<5x2x3xf32>, tensor<5x4x4xf32>) -> tensor<5x2x4xf32>
  return
}

// -----

func.func @einsum_result(%a: tensor<3x4xf32>) {
  // expected-error @+1 {{'npu_tensor.einsum' op expects result shape [3, 4], got [4]}}
  %0 = "npu_tensor.einsum"(%a) {equation = "ij"} : (tensor<3x4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @max_unpool_indices(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x4xi64>) {
  // expected-error @+1 {{'npu_tensor.max_unpool' op expects indices of the input's shape [1, 1, 2, 2], got [1, 1, 4]}}
  %0 = "npu_tensor.max_unpool"(%x, %i) {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x4xi64>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @col2im_blocks(%x: tensor<1x5x6xf32>) {
  // expected-error @+1 {{'npu_tensor.col2im' op expects 5 blocks (grid [5, 1]), got 6}}
  %0 = "npu_tensor.col2im"(%x) {block_shape = array<i64: 1, 5>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x5x6xf32>) -> tensor<1x1x5x5xf32>
  return
}

// -----

func.func @deform_conv_offset(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x2x2xf32>, %off: tensor<1x4x2x2xf32>) {
  // expected-error @+1 {{'npu_tensor.deform_conv' op expects offset of shape [1, 8, 2, 2], got [1, 4, 2, 2]}}
  %0 = "npu_tensor.deform_conv"(%x, %w, %off) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, offset_group = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1x4x2x2xf32>) -> tensor<1x1x2x2xf32>
  return
}
