// RUN: npu-opt %s | npu-opt | FileCheck %s

// The level-2 integer softmax, layer normalization, constant-lhs matmul and int8 concat
// round-trip (parse, verify, print, parse again) in generic form.

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qp = !quant.uniform<i8:f32, 0.0039215688593685627:-128>
!qy = !quant.uniform<i8:f32, 1.500000e-02>

// CHECK-LABEL: func.func @integer_softmax
// CHECK:      %[[S:.*]] = "npu_tensor.softmax_int"(%arg0, %arg1, %arg2) {axis = 1 : i64} : (tensor<2x8x!quant.uniform<i8:f32, 2.000000e-02:-3>>, tensor<513xi16>, tensor<513xi16>) -> tensor<2x8x!quant.uniform<i8:f32, 0.0039215688593685627:-128>>
// CHECK-NEXT: return %[[S]]
func.func @integer_softmax(%q: tensor<2x8x!qx>, %exp: tensor<513xi16>, %recip: tensor<513xi16>) -> tensor<2x8x!qp> {
  %0 = "npu_tensor.softmax_int"(%q, %exp, %recip) {axis = 1 : i64} : (tensor<2x8x!qx>, tensor<513xi16>, tensor<513xi16>) -> tensor<2x8x!qp>
  return %0 : tensor<2x8x!qp>
}

// CHECK-LABEL: func.func @integer_layer_norm
// CHECK:      %[[L:.*]] = "npu_tensor.layer_norm_int"(%arg0, %arg1, %arg2, %arg3) {axis = 1 : i64, epsilon = 12 : i64, gamma_shift = 7 : i64, input_zp = -3 : i64, multiplier = 1518500250 : i64, output_zp = 0 : i64, pre_shift = -4 : i64, rounding_mode = "SINGLE_ROUND", shift = 50 : i64}
// CHECK-SAME: (tensor<2x4x6x!quant.uniform<i8:f32, 2.000000e-02:-3>>, tensor<513xi16>, tensor<4x6xi32>, tensor<4x6xi32>) -> tensor<2x4x6x!quant.uniform<i8:f32, 1.500000e-02>>
// CHECK-NEXT: return %[[L]]
func.func @integer_layer_norm(%q: tensor<2x4x6x!qx>, %t: tensor<513xi16>, %g: tensor<4x6xi32>, %b: tensor<4x6xi32>) -> tensor<2x4x6x!qy> {
  %0 = "npu_tensor.layer_norm_int"(%q, %t, %g, %b) {axis = 1 : i64, epsilon = 12 : i64, gamma_shift = 7 : i64, input_zp = -3 : i64, multiplier = 1518500250 : i64, output_zp = 0 : i64, pre_shift = -4 : i64, rounding_mode = "SINGLE_ROUND", shift = 50 : i64} : (tensor<2x4x6x!qx>, tensor<513xi16>, tensor<4x6xi32>, tensor<4x6xi32>) -> tensor<2x4x6x!qy>
  return %0 : tensor<2x4x6x!qy>
}

// A constant left operand is quantized per output row (axis 0 of [M, K]), so the
// accumulator is per channel along the result's row axis and so is its rescale.
// CHECK-LABEL: func.func @constant_lhs_matmul
// CHECK:      %[[A:.*]] = "npu_tensor.matmul_int"(%arg0, %arg1) {lhs_zp = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 0>, rhs_zp = -3 : i64} : (tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-02,2.000000e-02}>>, tensor<4x5x!quant.uniform<i8:f32, 2.000000e-02:-3>>) -> tensor<2x5x!quant.uniform<i32:f32:0, {2.000000e-04,4.000000e-04}>>
// CHECK-NEXT: "npu_tensor.rescale"(%[[A]]) {axis = 0 : i64, {{.*}}}
func.func @constant_lhs_matmul(%w: tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>>, %x: tensor<4x5x!qx>) -> tensor<2x5x!qy> {
  %0 = "npu_tensor.matmul_int"(%w, %x) {lhs_zp = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 0>, rhs_zp = -3 : i64} : (tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>>, tensor<4x5x!qx>) -> tensor<2x5x!quant.uniform<i32:f32:0, {2.0e-04, 4.0e-04}>>
  %1 = "npu_tensor.rescale"(%0) {axis = 0 : i64, input_zp = 0 : i64, multiplier = array<i64: 1145324612, 1145324612>, output_zp = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: 37, 36>} : (tensor<2x5x!quant.uniform<i32:f32:0, {2.0e-04, 4.0e-04}>>) -> tensor<2x5x!qy>
  return %1 : tensor<2x5x!qy>
}

// Concat of int8: an input with other parameters is rescaled int8 -> int8 first.
// CHECK-LABEL: func.func @integer_concat
// CHECK:      %[[R:.*]] = "npu_tensor.rescale"(%arg1) {axis = 0 : i64, input_zp = 0 : i64, multiplier = array<i64: 1431655765>, output_zp = -3 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: 30>}
// CHECK-NEXT: %[[C:.*]] = "npu_tensor.concat"(%arg0, %[[R]]) {axis = 0 : i64} : (tensor<2x4x!quant.uniform<i8:f32, 2.000000e-02:-3>>, tensor<3x4x!quant.uniform<i8:f32, 2.000000e-02:-3>>) -> tensor<5x4x!quant.uniform<i8:f32, 2.000000e-02:-3>>
func.func @integer_concat(%a: tensor<2x4x!qx>, %b: tensor<3x4x!quant.uniform<i8:f32, 3.000000e-02>>) -> tensor<5x4x!qx> {
  %0 = "npu_tensor.rescale"(%b) {axis = 0 : i64, input_zp = 0 : i64, multiplier = array<i64: 1431655765>, output_zp = -3 : i64, rounding_mode = "SINGLE_ROUND", shift = array<i64: 30>} : (tensor<3x4x!quant.uniform<i8:f32, 3.000000e-02>>) -> tensor<3x4x!qx>
  %1 = "npu_tensor.concat"(%a, %0) {axis = 0 : i64} : (tensor<2x4x!qx>, tensor<3x4x!qx>) -> tensor<5x4x!qx>
  return %1 : tensor<5x4x!qx>
}
