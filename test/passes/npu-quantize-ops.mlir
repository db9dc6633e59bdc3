// RUN: npu-opt %s | npu-opt | FileCheck %s

// Every level-2 op round-trips (parse, verify, print, parse again) in generic form.

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qw = !quant.uniform<i8<-127:127>:f32:0, {1.000000e-02,2.000000e-02}>
!qacc = !quant.uniform<i32:f32:1, {2.000000e-04,4.000000e-04}>
!qy = !quant.uniform<i8:f32, 5.000000e-02:-128>

// CHECK-LABEL: func.func @integer_conv_layer
// CHECK:      %[[Q:.*]] = "npu_tensor.quantize"(%{{.*}}) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 2.000000e-02>, zero_point = array<i64: -3>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4x!quant.uniform<i8:f32, 2.000000e-02:-3>>
// CHECK-NEXT: %[[A:.*]] = "npu_tensor.conv_int"(%[[Q]], %{{.*}}, %{{.*}}) {dilations = array<i64: 1, 1>, group = 1 : i64, input_zp = -3 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zp = 0 : i64}
// CHECK-NEXT: %[[R:.*]] = "npu_tensor.rescale"(%[[A]]) {axis = 1 : i64, input_zp = 0 : i64, multiplier = array<i64: 1099511628, 1099511628>, output_zp = -128 : i64, rounding_mode = "DOUBLE_ROUND", shift = array<i64: 38, 37>}
// CHECK-NEXT: %[[C:.*]] = "npu_tensor.clamp"(%[[R]]) {max = 100 : i64, min = -128 : i64}
// CHECK-NEXT: %[[D:.*]] = "npu_tensor.dequantize"(%[[C]]) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 5.000000e-02>, zero_point = array<i64: -128>}
// CHECK-NEXT: return %[[D]]
func.func @integer_conv_layer(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3x!qw>, %b: tensor<2xi32>) -> tensor<1x2x4x4xf32> {
  %q = "npu_tensor.quantize"(%x) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.02>, zero_point = array<i64: -3>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4x!qx>
  %acc = "npu_tensor.conv_int"(%q, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, input_zp = -3 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_zp = 0 : i64} : (tensor<1x1x4x4x!qx>, tensor<2x1x3x3x!qw>, tensor<2xi32>) -> tensor<1x2x4x4x!qacc>
  %r = "npu_tensor.rescale"(%acc) {axis = 1 : i64, input_zp = 0 : i64, multiplier = array<i64: 1099511628, 1099511628>, output_zp = -128 : i64, rounding_mode = "DOUBLE_ROUND", shift = array<i64: 38, 37>} : (tensor<1x2x4x4x!qacc>) -> tensor<1x2x4x4x!qy>
  %c = "npu_tensor.clamp"(%r) {max = 100 : i64, min = -128 : i64} : (tensor<1x2x4x4x!qy>) -> tensor<1x2x4x4x!qy>
  %d = "npu_tensor.dequantize"(%c) {axis = 0 : i64, block_size = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: -128>} : (tensor<1x2x4x4x!qy>) -> tensor<1x2x4x4xf32>
  return %d : tensor<1x2x4x4xf32>
}

// CHECK-LABEL: func.func @integer_matmul_table_add_mean
// CHECK:      "npu_tensor.matmul_int"(%{{.*}}, %{{.*}}) {lhs_zp = -3 : i64, operandSegmentSizes = array<i32: 1, 1, 0>, rhs_zp = 4 : i64}
// CHECK:      "npu_tensor.table"
// CHECK:      "npu_tensor.add_int"
// CHECK:      "npu_tensor.reduce_sum_int"(%{{.*}}) {axes = array<i64: 1>, input_zp = -3 : i64, keepdims = 1 : i64}
func.func @integer_matmul_table_add_mean(%a: tensor<2x8x!qx>, %b: tensor<8x4x!quant.uniform<i8:f32, 1.000000e-01:4>>, %t: tensor<256xi8>, %i: tensor<2x4xi32>) -> tensor<1x2xi32> {
  %acc = "npu_tensor.matmul_int"(%a, %b) {lhs_zp = -3 : i64, operandSegmentSizes = array<i32: 1, 1, 0>, rhs_zp = 4 : i64} : (tensor<2x8x!qx>, tensor<8x4x!quant.uniform<i8:f32, 1.000000e-01:4>>) -> tensor<2x4x!quant.uniform<i32:f32, 2.000000e-03>>
  %y = "npu_tensor.table"(%a, %t) : (tensor<2x8x!qx>, tensor<256xi8>) -> tensor<2x8x!qy>
  %s = "npu_tensor.add_int"(%i, %i) : (tensor<2x4xi32>, tensor<2x4xi32>) -> tensor<2x4xi32>
  %m = "npu_tensor.reduce_sum_int"(%a) {axes = array<i64: 1>, input_zp = -3 : i64, keepdims = 1 : i64} : (tensor<2x8x!qx>) -> tensor<2x1xi32>
  %z = "npu_tensor.reshape"(%m) : (tensor<2x1xi32>) -> tensor<1x2xi32>
  return %z : tensor<1x2xi32>
}

// CHECK-LABEL: func.func @low_precision_float
// CHECK:      %[[F:.*]] = "npu_tensor.quantize_float"(%{{.*}}) {saturate = 1 : i64, scale = 1.250000e-02 : f32} : (tensor<1x8xf32>) -> tensor<1x8xf8E4M3FN>
// CHECK-NEXT: "npu_tensor.matmul_float"(%[[F]], %{{.*}}) {acc = "fp32", operandSegmentSizes = array<i32: 1, 1, 0>, scale = array<f32: 1.250000e-02>}
// CHECK:      "npu_tensor.conv_float"(%{{.*}}, %{{.*}}, %{{.*}}) {acc = "bf16", dilations
// CHECK:      "npu_tensor.dequantize_float"(%[[F]]) {scale = 1.250000e-02 : f32}
// CHECK:      "npu_tensor.dequantize"(%{{.*}}) {axis = 0 : i64, block_size = 4 : i64
func.func @low_precision_float(%x: tensor<1x8xf32>, %w: tensor<8x4xf8E4M3FN>, %xi: tensor<1x2x4x4xbf16>, %wi: tensor<3x2x3x3xbf16>, %bi: tensor<3xf32>, %w4: tensor<8x2x!quant.uniform<i4<-7:7>:f32:{0:4}, {{1.0e-01, 2.0e-01}, {3.0e-01, 4.0e-01}}>>) -> tensor<1x8xf32> {
  %f = "npu_tensor.quantize_float"(%x) {saturate = 1 : i64, scale = 0.0125 : f32} : (tensor<1x8xf32>) -> tensor<1x8xf8E4M3FN>
  %m = "npu_tensor.matmul_float"(%f, %w) {acc = "fp32", operandSegmentSizes = array<i32: 1, 1, 0>, scale = array<f32: 0.0125>} : (tensor<1x8xf8E4M3FN>, tensor<8x4xf8E4M3FN>) -> tensor<1x4xf32>
  %c = "npu_tensor.conv_float"(%xi, %wi, %bi) {acc = "bf16", dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, scale = array<f32: 1.0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xbf16>, tensor<3x2x3x3xbf16>, tensor<3xf32>) -> tensor<1x3x2x2xf32>
  %d = "npu_tensor.dequantize_float"(%f) {scale = 0.0125 : f32} : (tensor<1x8xf8E4M3FN>) -> tensor<1x8xf32>
  %e = "npu_tensor.dequantize"(%w4) {axis = 0 : i64, block_size = 4 : i64, scale = array<f32: 0.1, 0.2, 0.3, 0.4>, zero_point = array<i64: 0, 0, 0, 0>} : (tensor<8x2x!quant.uniform<i4<-7:7>:f32:{0:4}, {{1.0e-01, 2.0e-01}, {3.0e-01, 4.0e-01}}>>) -> tensor<8x2xf32>
  return %d : tensor<1x8xf32>
}
