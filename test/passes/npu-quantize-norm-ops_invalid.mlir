// RUN: npu-opt %s --split-input-file --verify-diagnostics

// One case per rule of the softmax_int / layer_norm_int verifiers and the
// constant-left-operand rules of matmul_int (dialects/npu_tensor_quant.py).

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qp = !quant.uniform<i8:f32, 0.0039215688593685627:-128>
func.func @softmax_not_int8(%q: tensor<2x8xi16>, %e: tensor<513xi16>, %r: tensor<513xi16>) {
  // expected-error @+1 {{'npu_tensor.softmax_int' op expects an input of int8 storage, got i16}}
  %0 = "npu_tensor.softmax_int"(%q, %e, %r) {axis = 1 : i64} : (tensor<2x8xi16>, tensor<513xi16>, tensor<513xi16>) -> tensor<2x8x!qp>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qp = !quant.uniform<i8:f32, 0.0039215688593685627:-128>
func.func @softmax_short_table(%q: tensor<2x8x!qx>, %e: tensor<256xi16>, %r: tensor<513xi16>) {
  // expected-error @+1 {{expects a tensor<513xi16> exp table, got tensor<256xi16>}}
  %0 = "npu_tensor.softmax_int"(%q, %e, %r) {axis = 1 : i64} : (tensor<2x8x!qx>, tensor<256xi16>, tensor<513xi16>) -> tensor<2x8x!qp>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qp = !quant.uniform<i8:f32, 0.0039215688593685627:-128>
func.func @softmax_int8_reciprocal_table(%q: tensor<2x8x!qx>, %e: tensor<513xi16>, %r: tensor<513xi8>) {
  // expected-error @+1 {{expects a tensor<513xi16> reciprocal table, got tensor<513xi8>}}
  %0 = "npu_tensor.softmax_int"(%q, %e, %r) {axis = 1 : i64} : (tensor<2x8x!qx>, tensor<513xi16>, tensor<513xi8>) -> tensor<2x8x!qp>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qp = !quant.uniform<i8:f32, 0.0039215688593685627:-128>
func.func @softmax_axis(%q: tensor<2x8x!qx>, %e: tensor<513xi16>, %r: tensor<513xi16>) {
  // expected-error @+1 {{expects axis in [0, 2), got 2}}
  %0 = "npu_tensor.softmax_int"(%q, %e, %r) {axis = 2 : i64} : (tensor<2x8x!qx>, tensor<513xi16>, tensor<513xi16>) -> tensor<2x8x!qp>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qp = !quant.uniform<i8:f32, 0.0039215688593685627:-128>
func.func @softmax_shape(%q: tensor<2x8x!qx>, %e: tensor<513xi16>, %r: tensor<513xi16>) {
  // expected-error @+1 {{expects result shape [2, 8], got [8, 2]}}
  %0 = "npu_tensor.softmax_int"(%q, %e, %r) {axis = 1 : i64} : (tensor<2x8x!qx>, tensor<513xi16>, tensor<513xi16>) -> tensor<8x2x!qp>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qp = !quant.uniform<i8:f32, 0.0039215688593685627:-128>
func.func @softmax_too_long(%q: tensor<1x70000x!qx>, %e: tensor<513xi16>, %r: tensor<513xi16>) {
  // expected-error @+1 {{expects at most 65538 values along axis 1 (the int32 sum of exponentials), got 70000}}
  %0 = "npu_tensor.softmax_int"(%q, %e, %r) {axis = 1 : i64} : (tensor<1x70000x!qx>, tensor<513xi16>, tensor<513xi16>) -> tensor<1x70000x!qp>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
func.func @softmax_output_scale(%q: tensor<2x8x!qx>, %e: tensor<513xi16>, %r: tensor<513xi16>) {
  // expected-error @+1 {{expects a result of scale 1/255 and zero point -128 (the integer softmax's output)}}
  %0 = "npu_tensor.softmax_int"(%q, %e, %r) {axis = 1 : i64} : (tensor<2x8x!qx>, tensor<513xi16>, tensor<513xi16>) -> tensor<2x8x!quant.uniform<i8:f32, 3.906250e-03:-128>>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qy = !quant.uniform<i8:f32, 1.500000e-02>
func.func @layer_norm_rsqrt_table(%q: tensor<2x8x!qx>, %t: tensor<512xi16>, %g: tensor<8xi32>, %b: tensor<8xi32>) {
  // expected-error @+1 {{'npu_tensor.layer_norm_int' op expects a tensor<513xi16> rsqrt table, got tensor<512xi16>}}
  %0 = "npu_tensor.layer_norm_int"(%q, %t, %g, %b) {axis = 1 : i64, epsilon = 12 : i64, gamma_shift = 7 : i64, input_zp = -3 : i64, multiplier = 1518500250 : i64, output_zp = 0 : i64, pre_shift = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = 50 : i64} : (tensor<2x8x!qx>, tensor<512xi16>, tensor<8xi32>, tensor<8xi32>) -> tensor<2x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qy = !quant.uniform<i8:f32, 1.500000e-02>
func.func @layer_norm_gamma_shape(%q: tensor<2x4x6x!qx>, %t: tensor<513xi16>, %g: tensor<6xi32>, %b: tensor<4x6xi32>) {
  // expected-error @+1 {{expects an int32 gamma of shape [4, 6] (the normalized dims), got tensor<6xi32>}}
  %0 = "npu_tensor.layer_norm_int"(%q, %t, %g, %b) {axis = 1 : i64, epsilon = 12 : i64, gamma_shift = 7 : i64, input_zp = -3 : i64, multiplier = 1518500250 : i64, output_zp = 0 : i64, pre_shift = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = 50 : i64} : (tensor<2x4x6x!qx>, tensor<513xi16>, tensor<6xi32>, tensor<4x6xi32>) -> tensor<2x4x6x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qy = !quant.uniform<i8:f32, 1.500000e-02>
func.func @layer_norm_beta_type(%q: tensor<2x8x!qx>, %t: tensor<513xi16>, %g: tensor<8xi32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{expects an int32 beta of shape [8] (the normalized dims), got tensor<8xf32>}}
  %0 = "npu_tensor.layer_norm_int"(%q, %t, %g, %b) {axis = 1 : i64, epsilon = 12 : i64, gamma_shift = 7 : i64, input_zp = -3 : i64, multiplier = 1518500250 : i64, output_zp = 0 : i64, pre_shift = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = 50 : i64} : (tensor<2x8x!qx>, tensor<513xi16>, tensor<8xi32>, tensor<8xf32>) -> tensor<2x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qy = !quant.uniform<i8:f32, 1.500000e-02>
func.func @layer_norm_input_zp(%q: tensor<2x8x!qx>, %t: tensor<513xi16>, %g: tensor<8xi32>, %b: tensor<8xi32>) {
  // expected-error @+1 {{expects input_zp 5 to equal the input type's zero point -3}}
  %0 = "npu_tensor.layer_norm_int"(%q, %t, %g, %b) {axis = 1 : i64, epsilon = 12 : i64, gamma_shift = 7 : i64, input_zp = 5 : i64, multiplier = 1518500250 : i64, output_zp = 0 : i64, pre_shift = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = 50 : i64} : (tensor<2x8x!qx>, tensor<513xi16>, tensor<8xi32>, tensor<8xi32>) -> tensor<2x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qy = !quant.uniform<i8:f32, 1.500000e-02>
func.func @layer_norm_epsilon(%q: tensor<2x8x!qx>, %t: tensor<513xi16>, %g: tensor<8xi32>, %b: tensor<8xi32>) {
  // expected-error @+1 {{expects epsilon in [1, 2^31) (the variance's integer epsilon), got 0}}
  %0 = "npu_tensor.layer_norm_int"(%q, %t, %g, %b) {axis = 1 : i64, epsilon = 0 : i64, gamma_shift = 7 : i64, input_zp = -3 : i64, multiplier = 1518500250 : i64, output_zp = 0 : i64, pre_shift = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = 50 : i64} : (tensor<2x8x!qx>, tensor<513xi16>, tensor<8xi32>, tensor<8xi32>) -> tensor<2x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qy = !quant.uniform<i8:f32, 1.500000e-02>
func.func @layer_norm_pre_shift(%q: tensor<2x8x!qx>, %t: tensor<513xi16>, %g: tensor<8xi32>, %b: tensor<8xi32>) {
  // expected-error @+1 {{expects pre_shift in [-16, 14], got 20}}
  %0 = "npu_tensor.layer_norm_int"(%q, %t, %g, %b) {axis = 1 : i64, epsilon = 12 : i64, gamma_shift = 7 : i64, input_zp = -3 : i64, multiplier = 1518500250 : i64, output_zp = 0 : i64, pre_shift = 20 : i64, rounding_mode = "SINGLE_ROUND", shift = 50 : i64} : (tensor<2x8x!qx>, tensor<513xi16>, tensor<8xi32>, tensor<8xi32>) -> tensor<2x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qy = !quant.uniform<i8:f32, 1.500000e-02>
func.func @layer_norm_gamma_shift(%q: tensor<2x8x!qx>, %t: tensor<513xi16>, %g: tensor<8xi32>, %b: tensor<8xi32>) {
  // expected-error @+1 {{expects gamma_shift in [0, 63] (TOSA MUL), got -1}}
  %0 = "npu_tensor.layer_norm_int"(%q, %t, %g, %b) {axis = 1 : i64, epsilon = 12 : i64, gamma_shift = -1 : i64, input_zp = -3 : i64, multiplier = 1518500250 : i64, output_zp = 0 : i64, pre_shift = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = 50 : i64} : (tensor<2x8x!qx>, tensor<513xi16>, tensor<8xi32>, tensor<8xi32>) -> tensor<2x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qy = !quant.uniform<i8:f32, 1.500000e-02>
func.func @layer_norm_shift(%q: tensor<2x8x!qx>, %t: tensor<513xi16>, %g: tensor<8xi32>, %b: tensor<8xi32>) {
  // expected-error @+1 {{expects a shift in [2, 62] (TOSA REQUIRE), got 70}}
  %0 = "npu_tensor.layer_norm_int"(%q, %t, %g, %b) {axis = 1 : i64, epsilon = 12 : i64, gamma_shift = 7 : i64, input_zp = -3 : i64, multiplier = 1518500250 : i64, output_zp = 0 : i64, pre_shift = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = 70 : i64} : (tensor<2x8x!qx>, tensor<513xi16>, tensor<8xi32>, tensor<8xi32>) -> tensor<2x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qy = !quant.uniform<i8:f32, 1.500000e-02>
func.func @layer_norm_multiplier(%q: tensor<2x8x!qx>, %t: tensor<513xi16>, %g: tensor<8xi32>, %b: tensor<8xi32>) {
  // expected-error @+1 {{expects a multiplier in [0, 2^31) (TOSA REQUIRE)}}
  %0 = "npu_tensor.layer_norm_int"(%q, %t, %g, %b) {axis = 1 : i64, epsilon = 12 : i64, gamma_shift = 7 : i64, input_zp = -3 : i64, multiplier = 2147483648 : i64, output_zp = 0 : i64, pre_shift = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = 50 : i64} : (tensor<2x8x!qx>, tensor<513xi16>, tensor<8xi32>, tensor<8xi32>) -> tensor<2x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
!qy = !quant.uniform<i8:f32, 1.500000e-02>
func.func @layer_norm_rounding(%q: tensor<2x8x!qx>, %t: tensor<513xi16>, %g: tensor<8xi32>, %b: tensor<8xi32>) {
  // expected-error @+1 {{expects rounding_mode SINGLE_ROUND or DOUBLE_ROUND, got 'INEXACT_ROUND'}}
  %0 = "npu_tensor.layer_norm_int"(%q, %t, %g, %b) {axis = 1 : i64, epsilon = 12 : i64, gamma_shift = 7 : i64, input_zp = -3 : i64, multiplier = 1518500250 : i64, output_zp = 0 : i64, pre_shift = 0 : i64, rounding_mode = "INEXACT_ROUND", shift = 50 : i64} : (tensor<2x8x!qx>, tensor<513xi16>, tensor<8xi32>, tensor<8xi32>) -> tensor<2x8x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
func.func @layer_norm_per_axis_result(%q: tensor<2x2x!qx>, %t: tensor<513xi16>, %g: tensor<2xi32>, %b: tensor<2xi32>) {
  // expected-error @+1 {{expects a per-tensor result type}}
  %0 = "npu_tensor.layer_norm_int"(%q, %t, %g, %b) {axis = 1 : i64, epsilon = 12 : i64, gamma_shift = 7 : i64, input_zp = -3 : i64, multiplier = 1518500250 : i64, output_zp = 0 : i64, pre_shift = 0 : i64, rounding_mode = "SINGLE_ROUND", shift = 50 : i64} : (tensor<2x2x!qx>, tensor<513xi16>, tensor<2xi32>, tensor<2xi32>) -> tensor<2x2x!quant.uniform<i8:f32:1, {1.0e-02, 2.0e-02}>>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
func.func @matmul_lhs_wrong_axis(%w: tensor<2x4x!quant.uniform<i8<-127:127>:f32:1, {0.01, 0.02, 0.03, 0.04}>>, %x: tensor<4x5x!qx>) {
  // expected-error @+1 {{'npu_tensor.matmul_int' op expects a per-tensor lhs or one quantized along its row axis 0, got axis 1}}
  %0 = "npu_tensor.matmul_int"(%w, %x) {lhs_zp = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 0>, rhs_zp = -3 : i64} : (tensor<2x4x!quant.uniform<i8<-127:127>:f32:1, {0.01, 0.02, 0.03, 0.04}>>, tensor<4x5x!qx>) -> tensor<2x5xi32>
  return
}

// -----

func.func @matmul_both_per_channel(%w: tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>>, %x: tensor<4x5x!quant.uniform<i8<-127:127>:f32:1, {0.01, 0.02, 0.03, 0.04, 0.05}>>) {
  // expected-error @+1 {{expects at most one operand quantized per channel}}
  %0 = "npu_tensor.matmul_int"(%w, %x) {lhs_zp = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 0>, rhs_zp = 0 : i64} : (tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>>, tensor<4x5x!quant.uniform<i8<-127:127>:f32:1, {0.01, 0.02, 0.03, 0.04, 0.05}>>) -> tensor<2x5xi32>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 2.000000e-02:-3>
func.func @matmul_lhs_acc_axis(%w: tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>>, %x: tensor<4x5x!qx>) {
  // expected-error @+1 {{expects a per-tensor result scale or one along axis 0, got axis 1}}
  %0 = "npu_tensor.matmul_int"(%w, %x) {lhs_zp = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 0>, rhs_zp = -3 : i64} : (tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>>, tensor<4x5x!qx>) -> tensor<2x5x!quant.uniform<i32:f32:1, {2.0e-04, 4.0e-04, 2.0e-04, 4.0e-04, 2.0e-04}>>
  return
}
